"""The TensorFlow internals the capture hooks into, looked up once and checked.

jupyter-scope patches a handful of private TF classes (there is no public hook that
sees every graph). They are all named here, so a TF release that moves one fails
with a clear message at the start of a recording instead of a silent gap in a report.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

SUPPORTED = ((2, 16), (2, 21))  # inclusive range of TF minor versions tested


class TensorFlowNotAvailable(ImportError):
    """TensorFlow is not installed in this environment."""


class UnsupportedTensorFlow(RuntimeError):
    """This TensorFlow lacks an internal that jupyter-scope needs."""


@dataclass(frozen=True)
class TF:
    """Handles on the TF modules and classes the hooks use."""

    tf: ModuleType
    version: str
    ops: ModuleType  # framework.ops: Graph, name_scope_v2, get_name_scope
    context: ModuleType  # eager.context
    op_callbacks: ModuleType  # framework.op_callbacks
    func_graph: ModuleType  # framework.func_graph: FuncGraph
    variable_scope: ModuleType  # ops.variable_scope: VariableScope, _VariableStore
    variables: ModuleType  # ops.variables: VariableMetaclass, Variable
    resource_variable_ops: ModuleType  # ops.resource_variable_ops: _UnreadVariable
    session: ModuleType  # client.session: BaseSession
    config_pb2: ModuleType  # core.protobuf.config_pb2: RunOptions, RunMetadata
    c_api: ModuleType  # client.pywrap_tf_session: an op's inputs by name
    atomic_function: ModuleType  # eager.polymorphic_function.atomic_function: AtomicFunction
    node_def_pb2: ModuleType  # core.framework.node_def_pb2: an eager op's NodeDef, for FLOPs
    op_def_registry: ModuleType  # framework.op_def_registry: its attributes' types
    op_def_library: ModuleType  # framework.op_def_library: value_to_attr_value


# (module, attribute path) pairs that must exist; checked before anything is patched.
_REQUIRED = [
    ("tensorflow.python.framework.ops", "Graph.__init__"),
    ("tensorflow.python.framework.ops", "Graph._add_op"),
    ("tensorflow.python.framework.ops", "Graph.name_scope"),
    ("tensorflow.python.framework.ops", "Graph.get_operations"),
    ("tensorflow.python.framework.ops", "name_scope_v2.__enter__"),
    ("tensorflow.python.framework.ops", "get_name_scope"),
    ("tensorflow.python.framework.op_callbacks", "add_op_callback"),
    ("tensorflow.python.framework.op_callbacks", "remove_op_callback"),
    ("tensorflow.python.eager.context", "context"),
    ("tensorflow.python.framework.func_graph", "FuncGraph"),
    ("tensorflow.python.ops.variable_scope", "VariableScope.get_variable"),
    ("tensorflow.python.ops.variable_scope", "_VariableStore._get_single_variable"),
    ("tensorflow.python.ops.variable_scope", "_VariableStore._get_partitioned_variable"),
    ("tensorflow.python.ops.variable_scope", "variable_scope.__enter__"),
    ("tensorflow.python.ops.variables", "VariableMetaclass.__call__"),
    ("tensorflow.python.ops.variables", "Variable"),
    ("tensorflow.python.ops.resource_variable_ops", "_UnreadVariable"),
    ("tensorflow.python.framework.ops", "Graph._get_function"),
    ("tensorflow.python.client.session", "BaseSession.run"),
    ("tensorflow.core.protobuf.config_pb2", "RunOptions"),
    ("tensorflow.python.client.pywrap_tf_session", "GetOperationInputs"),
    ("tensorflow.python.client.pywrap_tf_session", "TF_OperationName"),
    ("tensorflow.python.eager.polymorphic_function.atomic_function", "AtomicFunction.call_flat"),
    # An op's FLOPs: TF's statistics registry, filled by tfprof's module of statistics
    ("tensorflow.python.framework.ops", "get_stats_for_node_def"),
    ("tensorflow.python.framework.ops", "_stats_registry.list"),
    ("tensorflow.python.profiler.internal.flops_registry", "IMPLEMENTED_OPS"),
    # and an eager op's, from a NodeDef made of its type and attributes
    ("tensorflow.core.framework.node_def_pb2", "NodeDef"),
    ("tensorflow.python.framework.op_def_registry", "get"),
    ("tensorflow.python.framework.op_def_library", "value_to_attr_value"),
]


def _lookup(module: ModuleType, path: str) -> Any:
    obj: Any = module
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@cache
def load() -> TF:
    """Import TensorFlow and check every internal the hooks need."""
    try:
        tf = importlib.import_module("tensorflow")
    except ImportError as exc:
        raise TensorFlowNotAvailable(
            "jupyter-scope needs TensorFlow, which is not installed here. Install it with "
            '`pip install "jupyter-scope[tensorflow]"` (or `[tensorflow-cpu]` for the CPU '
            f"build). ({exc})"
        ) from exc
    modules = {name: importlib.import_module(name) for name, _ in _REQUIRED}
    missing = []
    for name, path in _REQUIRED:
        try:
            _lookup(modules[name], path)
        except AttributeError:
            missing.append(f"{name}.{path}")
    if missing:
        lo, hi = (".".join(map(str, v)) for v in SUPPORTED)
        raise UnsupportedTensorFlow(
            f"jupyter-scope cannot record with TensorFlow {tf.__version__}: it lacks "
            f"{', '.join(missing)}. Supported versions are {lo} to {hi}."
        )
    return TF(
        tf=tf,
        version=tf.__version__,
        ops=modules["tensorflow.python.framework.ops"],
        context=modules["tensorflow.python.eager.context"],
        op_callbacks=modules["tensorflow.python.framework.op_callbacks"],
        func_graph=modules["tensorflow.python.framework.func_graph"],
        variable_scope=modules["tensorflow.python.ops.variable_scope"],
        variables=modules["tensorflow.python.ops.variables"],
        resource_variable_ops=modules["tensorflow.python.ops.resource_variable_ops"],
        session=modules["tensorflow.python.client.session"],
        config_pb2=modules["tensorflow.core.protobuf.config_pb2"],
        c_api=modules["tensorflow.python.client.pywrap_tf_session"],
        atomic_function=modules["tensorflow.python.eager.polymorphic_function.atomic_function"],
        node_def_pb2=modules["tensorflow.core.framework.node_def_pb2"],
        op_def_registry=modules["tensorflow.python.framework.op_def_registry"],
        op_def_library=modules["tensorflow.python.framework.op_def_library"],
    )
