"""TensorFlow's own answers, and the comparisons of a report with them, for the corpus.

Every "expected" here is read from TF's objects (collections, `get_operations()`, the
function graphs that call ops run, Keras paths, optimizer slots), never from the report.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np


def allow_tf_slim_batch_norm(monkeypatch) -> None:
    """tf-slim 1.1's BatchNorm still reads `ops.Tensor`, an alias TF 2.21 removed; TF's
    unfused path lazily imports a module tf_keras no longer has, so callers also pass
    `zero_debias_moving_mean=True`, which takes slim's fused path."""
    import tensorflow as tf
    from tensorflow.python.framework import ops

    monkeypatch.setattr(ops, "Tensor", tf.Tensor, raising=False)


@dataclass(frozen=True)
class Var:
    """One variable as TF sees it: the name the report must show, its size, trainable."""

    name: str
    params: int
    bytes: int
    trainable: bool
    tf_name: str | None = None  # TF's own name where the tree uses another (Keras paths)


def _sized(name: str, shape, dtype, trainable: bool, tf_name: str | None = None) -> Var:
    params = int(np.prod([int(d) for d in shape]))
    return Var(name, params, params * dtype.size, bool(trainable), tf_name)


def graph_variables(graph) -> list[Var]:
    """GLOBAL_VARIABLES + LOCAL_VARIABLES of a TF1 graph, trainable as its collection says."""
    from tensorflow.compat.v1 import GraphKeys

    trainable = {id(v) for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)}
    found = {}
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for v in graph.get_collection(key):
            found.setdefault(id(v), v)
    return [_sized(v.op.name, v.shape, v.dtype, id(v) in trainable) for v in found.values()]


def keras_variables(variables) -> list[Var]:
    """Keras 3 variables, named by `path` (the report's tree follows Keras paths)."""
    import tensorflow as tf

    unique = {id(v): v for v in variables}.values()
    return [
        _sized(v.path, v.shape, tf.as_dtype(v.dtype), v.trainable, v.value.name.split(":")[0])
        for v in unique
    ]


def tf_variables(variables) -> list[Var]:
    """Plain `tf.Variable`s (Sonnet, tf.Module), by TF's name without the `:0`."""
    unique = {id(v): v for v in variables}.values()
    return [_sized(v.name.split(":")[0], v.shape, v.dtype, v.trainable) for v in unique]


def _differ(got: Counter, expected: Counter, what: str) -> str:
    extra, missing = sorted(got - expected), sorted(expected - got)
    return (
        f"{sum(got.values())} {what} recorded vs {sum(expected.values())} in TF; "
        f"{len(extra)} extra {extra[:6]}, {len(missing)} missing {missing[:6]}"
    )


def keras_training_variables(model) -> list:
    """Every variable a compiled, fitted Keras model holds: its variables (weights and
    seed-generator states), the optimizer's (slots, `iteration`, `learning_rate`) and the
    compiled metrics' state (`loss/total`, `loss/count`)."""
    metrics = [v for metric in model.metrics for v in metric.variables]
    return [*model.variables, *model.optimizer.variables, *metrics]


def keras_adam_slots(optimizer) -> list[tuple[str, str, str]]:
    """Keras 3 Adam keeps `_momentums`/`_velocities` aligned with `_trainable_variables`."""
    pairs = (("momentum", optimizer._momentums), ("velocity", optimizer._velocities))
    return [
        (slot.path, var.path, name)
        for name, slots in pairs
        for var, slot in zip(optimizer._trainable_variables, slots, strict=True)
    ]


@contextmanager
def created_variables():
    """Every variable TF creates in the block, as its `variable_creator_scope` sees them
    (an assign's `_UnreadVariable` is not created through it)."""
    import tensorflow as tf

    made = []

    def count(next_creator, **kwargs):
        made.append(next_creator(**kwargs))
        return made[-1]

    with tf.variable_creator_scope(count):
        yield made


def logical_variables(report) -> list[dict]:
    """The report's variables less the per-replica parts of distributed ones."""
    return [v for v in report.variables if not v.get("component_of")]


def assert_variables_are(report, expected: list[Var]) -> None:
    """Names, count, params, bytes and the trainable split equal TF's, in every total."""
    got = logical_variables(report)
    names, truth = Counter(v["name"] for v in got), Counter(v.name for v in expected)
    assert names == truth, _differ(names, truth, "variables")
    tf_names = Counter((v["name"], v.get("tf_name") or v["name"]) for v in got)
    assert tf_names == Counter((v.name, v.tf_name or v.name) for v in expected)
    params, size = sum(v.params for v in expected), sum(v.bytes for v in expected)
    summary = report.summary()
    assert (summary["variables"], summary["params"], summary["bytes"]) == (
        len(expected),
        params,
        size,
    )
    root = next(s for s in report.scopes if s["name"] == "")
    assert (root["n_variables"], root["params"], root["bytes"]) == (len(expected), params, size)
    assert Counter(v["name"] for v in got if v["trainable"]) == Counter(
        v.name for v in expected if v.trainable
    )
    assert sum(v["params"] for v in got if v["trainable"]) == sum(
        v.params for v in expected if v.trainable
    )


def assert_slots_are(report, slots: list[tuple[str, str, str]]) -> None:
    """`slots` is TF's `(slot variable, variable it serves, slot name)`, by report name.
    Exactly those variables are slots, each linked by `slot_of` to its primary's `id`."""
    assert slots, "the optimizer made no slots: nothing to compare"
    by_name = {v["name"]: v for v in logical_variables(report)}
    expected = {slot: (by_name[primary]["id"], name) for slot, primary, name in slots}
    got = {
        v["name"]: (v.get("slot_of"), v.get("slot"))
        for v in logical_variables(report)
        if v.get("slot_of") is not None
    }
    assert got == expected


def params_of(variables) -> int:
    """The element count of distinct variables."""
    unique = {id(v): v for v in variables}.values()
    return sum(int(np.prod([int(d) for d in v.shape])) for v in unique)


def counted_ops(report) -> list[dict]:
    """The report's ops that its totals count: all but those of traces TF never ran."""
    return [o for o in report.ops if o.get("ran") is not False]


@dataclass
class Ran:
    """What TF ran in a block: how many eager ops, and the functions TF's library says
    ran (by name, their FunctionDefs): those called eagerly or given to a tf.data op, and
    every function their nodes call."""

    eager_ops: int = 0
    functions: dict = field(default_factory=dict)

    @property
    def function_ops(self) -> int:
        """Ops of the graphs those functions were made from: a FunctionDef holds the
        graph's ops but its inputs' placeholders, which are its arguments."""
        return sum(len(f.node_def) + len(f.signature.input_arg) for f in self.functions.values())


@contextmanager
def what_ran(tf):
    """An op callback of the test's own, counting what TF runs eagerly and reading the
    functions that ran from TF's function library as they run (TF drops a function from
    its library once nothing holds it: `initialize_variables`)."""
    from tensorflow.python.eager import context
    from tensorflow.python.framework import op_callbacks

    ran = Ran()
    ctx = context.context()

    def read(names: list[str]) -> None:
        """The functions named and every function their nodes call."""
        while names:
            name = names.pop()
            if name in ran.functions or not ctx.has_function(name):
                continue
            function = ran.functions[name] = ctx.get_function_def(name)
            for node in function.node_def:
                names.append(node.op)
                for value in node.attr.values():
                    if value.HasField("func"):
                        names.append(value.func.name)
                    names.extend(f.name for f in value.list.func)

    def callback(op_type, inputs, attrs, outputs, op_name=None, graph=None):
        if graph is not None:
            return None
        ran.eager_ops += 1
        # A function called eagerly runs as an op of its name; tf.data ops are given theirs.
        names = [op_type.decode() if isinstance(op_type, bytes) else op_type]
        names += [
            v.function_def.signature.name for v in (attrs or ())[1::2] if hasattr(v, "function_def")
        ]
        read(names)
        return None

    op_callbacks.add_op_callback(callback)
    try:
        yield ran
    finally:
        op_callbacks.remove_op_callback(callback)


def problems(diagnostics: list[dict]) -> list[dict]:
    return [d for d in diagnostics if d["level"] in ("warning", "error")]


def assert_no_warnings(report) -> None:
    assert problems(report.diagnostics) == []


def _called_functions(op):
    """Names of the functions an op calls (While's cond/body, If's branches, a call's f)."""
    for key, value in op.node_def.attr.items():
        if value.HasField("func"):
            yield key, value.func.name
        elif value.HasField("list"):
            for i, func in enumerate(value.list.func):
                yield f"{key}[{i}]", func.name


def _function_graph(graph, name: str):
    while graph is not None:
        found = graph._get_function(name)
        if found is not None:
            return found.graph
        graph = getattr(graph, "outer_graph", None)
    raise LookupError(f"function {name} is in none of the enclosing graphs")


def nested_op_names(graph, caller: str = "", caller_tf: str = "") -> list[tuple[str, str]]:
    """Every op of `graph` and of the function graphs its ops call, recursively, as
    `(name in the tree, TF's own name)`: a body op sits under the op that calls it (named
    `caller` in the tree, `caller_tf` by TF), as TF1 named it: not repeating the calling
    op's scope (`train/rnn/` of `train/rnn/while`) or its name (`train/while/` of
    `train/while`) where the body op's own name carries them."""
    outer = caller_tf.rsplit("/", 1)[0] if "/" in caller_tf else ""
    found = []
    for op in graph.get_operations():
        if caller_tf and op.name.startswith(f"{caller_tf}/"):
            name = caller + op.name[len(caller_tf) :]
        else:
            local = op.name.removeprefix(f"{outer}/") if outer else op.name
            name = f"{caller}/{local}" if caller else local
        found.append((name, op.name))
        for _, function in _called_functions(op):
            found.extend(nested_op_names(_function_graph(graph, function), name, op.name))
    return found


def assert_ops_nested(report, graph) -> None:
    """The report's ops are the graph's ops plus its bodies' ops, each body op named under
    its calling op with TF's own name in `tf_name`; no root scope is a body's local name."""
    expected = nested_op_names(graph)
    names, truth = Counter(o["name"] for o in report.ops), Counter(n for n, _ in expected)
    assert names == truth, _differ(names, truth, "ops")
    pairs = Counter((o["name"], o.get("tf_name") or o["name"]) for o in report.ops)
    assert pairs == Counter(expected), _differ(pairs, Counter(expected), "(name, tf_name)")
    roots = {s["name"].split("/")[0] for s in report.scopes if s["name"]}
    assert roots <= {name.split("/")[0] for name, _ in expected}
    root = next(s for s in report.scopes if s["name"] == "")
    assert root["n_ops"] == len(expected)


def captured_variables(graph) -> dict[str, str]:
    """A function's inputs that capture a variable, by TF's name → the name the tree gives
    them: the variable's (TF's own, from the graph's `variables`), then `/capture`."""
    names = {id(v.handle): v.name.removesuffix(":0") for v in graph.variables}
    return {i.op.name: f"{names[id(e)]}/capture" for e, i in graph.captures if id(e) in names}


def assert_function_ops(report, graph) -> None:
    """A function graph called from eager code keeps its ops' own names, but its captured
    variables (named by the variable), while the bodies its ops call nest under them; the
    eager ops around the call, and the traces TF never ran, are not compared."""
    got = Counter(o["name"] for o in counted_ops(report) if o["graph"] != "eager")
    renamed = captured_variables(graph)
    truth = Counter(renamed.get(name, name) for name, _ in nested_op_names(graph))
    assert got == truth, _differ(got, truth, "function-graph ops")
