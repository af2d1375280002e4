"""Where TF actually placed ops: read off the `RunMetadata` TF hands back.

Graph mode: every `Session.run` in a recording asks for the partition graphs (one per
device, each node with its assigned device). A `RunMetadata` recorded without them
(a traced run saved by other tools) still names devices in its step stats, per device
and executed node; accelerator devices there carry a stream suffix
(`/device:GPU:0/stream:all`, `.../device:GPU:0/memcpy`) that is cut off.

`tf.function` under eager execution: while graph collection is on, TF keeps the
partition graphs of every function it instantiates (`RunMetadata.function_graphs`),
once per function, at its first call. A `FunctionGraphs` entry does not name its
function, so it is matched to a traced `FuncGraph` by the names and types of its ops.
Sessions report no function graphs: inside a `Session.run`, a function's own ops are
not placed, only its call op.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from jupyter_scope.capture.tf_api import TF

_DEVICE = re.compile(r"^(.*?device:[^/:]+:\d+)")
_LOCAL = "/job:localhost/replica:0/task:0"
_ARGUMENTS = {"Placeholder", "_Arg", "_Retval"}  # a function's inputs and outputs

Signature = frozenset[tuple[str, str]]


@functools.cache  # a handful of device names, each on thousands of nodes
def canonical_device(name: str) -> str:
    """`/job:localhost/replica:0/task:0/device:GPU:0/stream:7` → without the stream;
    a bare `/device:GPU:0/stream:all` (GPU tracers leave out the task) → the local task's."""
    match = _DEVICE.match(name)
    device = match.group(1) if match else name
    return f"{_LOCAL}{device}" if device.startswith("/device:") else device


def _partitions(graphs: Iterable[Any]) -> dict[str, str]:
    return {
        node.name: canonical_device(node.device)
        for graph in graphs
        for node in graph.node
        if node.device
    }


def executed(run_metadata: Any) -> Iterator[tuple[str, str, Any]]:
    """Each node's execution in the step stats: (node name, device, its NodeExecStats)."""
    for dev_stats in run_metadata.step_stats.dev_stats:
        device = canonical_device(dev_stats.device)
        for node_stats in dev_stats.node_stats:
            # GPU tracers write "name:OpType"; TF node names never hold a colon.
            yield node_stats.node_name.split(":", 1)[0], device, node_stats


def placements(run_metadata: Any) -> dict[str, str]:
    """Node name → device: from the partition graphs, or the step stats without them."""
    if run_metadata.partition_graphs:
        return _partitions(run_metadata.partition_graphs)
    placed: dict[str, str] = {}
    for name, device, _ in executed(run_metadata):
        placed.setdefault(name, device)
    return placed


def signature(ops: Iterable[tuple[str, str]]) -> Signature:
    """What identifies a function's body: its ops' (name, type), inputs and outputs aside."""
    return frozenset((name, kind) for name, kind in ops if kind not in _ARGUMENTS)


def function_placements(run_metadata: Any) -> list[tuple[Signature, dict[str, str]]]:
    """Per instantiated function: its signature and its node name → device."""
    return [
        (
            signature((n.name, n.op) for n in graphs.pre_optimization_graph.node),
            _partitions(graphs.partition_graphs),
        )
        for graphs in run_metadata.function_graphs
    ]


def _user_trace_active() -> bool:
    """`tf.summary.trace_on()` is collecting the same graphs for the user."""
    from tensorflow.python.ops import summary_ops_v2

    return getattr(summary_ops_v2, "_current_trace_context", None) is not None


def start_function_graphs(tf: TF) -> bool:
    """Turn TF's function graph collection on, if that changes nothing for the user.

    Not before TF is initialised (turning it on initialises TF, after which logical
    devices can no longer be configured), and not while the user traces.
    """
    context = tf.context.context()
    if not context._initialized or _user_trace_active():
        return False
    context.enable_graph_collection()
    return True


def take_function_graphs(tf: TF) -> Any:
    """The function graphs collected so far (TF then forgets them); None while the user
    traces, since those are theirs to export."""
    return None if _user_trace_active() else tf.context.context().export_run_metadata()


def stop_function_graphs(tf: TF) -> None:
    if not _user_trace_active():  # else the user's trace_off() stops it
        tf.context.context().disable_graph_collection()


def devices(tf: TF) -> list[dict[str, str]]:
    """The physical devices TF sees and, once TF is initialised, its logical devices.

    Listing logical devices initialises TF, so before that they are left out rather
    than freezing the user's device configuration.
    """
    found = [
        {"name": d.name, "device_type": d.device_type, "kind": "physical"}
        for d in tf.tf.config.list_physical_devices()
    ]
    if tf.context.context()._initialized:
        found += [
            {"name": d.name, "device_type": d.device_type, "kind": "logical"}
            for d in tf.tf.config.list_logical_devices()
        ]
    return found
