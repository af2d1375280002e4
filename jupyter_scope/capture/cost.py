"""What an op computes and holds, as TF itself reports it: its outputs' shapes and dtypes,
and its FLOPs from TF's registered statistics (the registry tfprof reads). Read once per
op, on exit: the statistic is asked only of op types that have one, since building an
op's NodeDef is its most expensive part."""

from __future__ import annotations

from typing import Any

Output = dict[str, Any]  # {"shape": [int | None, ...] | None, "dtype": str}


def output(tensor: Any) -> Output:
    """A tensor's static shape (`None` for an unknown rank or dimension) and dtype."""
    shape = tensor.shape
    dims = shape.as_list() if shape.rank is not None else None
    return {"shape": dims, "dtype": tensor.dtype.name}


class Flops:
    """An op's FLOPs by TF's registered `flops` statistic; `None` where its type has no
    statistic or its shapes are not all known (TF raises then, as tfprof counts it)."""

    def __init__(self, ops_module: Any) -> None:
        self._stats = ops_module.get_stats_for_node_def
        # The registry is filled by importing tfprof's flops_registry (`tf_api.load`).
        registered = ops_module._stats_registry.list()
        self._types = {key.split(",")[0] for key in registered if key.endswith(",flops")}

    def __call__(self, graph: Any, op: Any, kind: str) -> int | None:
        if kind not in self._types:
            return None
        try:
            value = self._stats(graph, op.node_def, "flops").value
        except ValueError:  # a shape it needs is not fully defined
            return None
        return None if value is None else int(value)
