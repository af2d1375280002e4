"""`Recording`: the context manager behind `jupyter_scope.record()`.

It listens to the hooks while the block runs, holding TF objects only until exit; on
exit it reads the ops of every graph it saw, turns everything into plain records
(`records.Capture`) and drops every TF reference before building the ScopeReport.
"""

from __future__ import annotations

import re
import sys
import time
import weakref
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from jupyter_scope.analysis.build import build_report
from jupyter_scope.capture import cost, hooks, measured, origins, placement, sites, tf_api
from jupyter_scope.model import collector, devices
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.records import (
    NEVER_RAN,
    Capture,
    EagerReuse,
    GetVariableFailure,
    NameScopeIgnored,
    OpRecord,
    ScopeRecord,
    VariableRecord,
    parent_path,
)

EAGER = "eager"
MAX_EAGER_OPS = 200_000  # a long eager loop is summarised past this many executions
_READ_TYPES = {"ReadVariableOp", "Identity"}
# Ops that run a function graph (a loop body, a branch, a called function) named in
# their attributes; an op whose type is a function's name runs that function too.
_CALL_TYPES = {
    "While",
    "StatelessWhile",
    "If",
    "StatelessIf",
    "Case",
    "StatelessCase",
    "PartitionedCall",
    "StatefulPartitionedCall",
}
_ENDS = {"Placeholder", "Identity", "NoOp"}  # a function's arguments and outputs
# What TF calls a function's part of the op that runs it when it inlines the function into
# the op's graph (lowering a loop or a branch): its ops become `<op>/<part>/_<n>/<name>`,
# a called function's `<op>/<name>`. Where TF placed them is found under those names.
_INLINED_PART = {"body": "body", "cond": "cond", "then_branch": "then", "else_branch": "else"}


class Recording:
    """Records variables, scopes, ops and placements made while the `with` block runs."""

    def __init__(self, *, ops: bool = True, placement: bool = True, profile: bool = False) -> None:
        self.ops = ops
        self.placement = placement
        self.profile = profile
        self.report: ScopeReport | None = None

    # -- context manager ---------------------------------------------------------------

    def __enter__(self) -> Recording:
        self._tf = tf_api.load()
        origins.reset_cache()
        self._capture = Capture(meta={})
        self._graphs: dict[int, tuple[str, Any, int]] = {}  # id → (key, graph, first op)
        self._vars: dict[int, tuple[Any, str]] = {}  # id(var) → (var, key)
        self._eager_names: dict[str, list[str]] = {}  # eager get_variable name → keys
        self._handles: dict[int, tuple[Any, str]] = {}  # id(eager handle) → (ref, key)
        # id(eager tensor) → (ref, the op that made it, its output index)
        self._producers: dict[int, tuple[Any, str, int]] = {}
        self._called: set[int] = set()  # ids of the seen function graphs run eagerly
        self._session_graphs: set[int] = set()  # ids of the graphs a Session.run ran
        self._eager_op_names: dict[str, int] = {}  # eager op name → times it ran
        self._eager_dropped = 0
        self._counted = cost.counted_types(self._tf.ops)  # types with a FLOPs statistic
        self._eager_calls: list[tuple[OpRecord, cost.EagerCall]] = []  # their FLOPs on exit
        # Measured cost (profile=True): graph key → TF's op name → its cost; TF's name of
        # each function run (`__inference_f_16`) → its graph key; TF's profiler, if eager
        self._measured: dict[str, dict[str, measured.Cost]] = {}
        self._function_names: dict[str, str] = {}
        self._profiler: measured.Profiler | None = None
        self._traced_runs = 0  # Session.run calls traced in full
        self._eager_timed = 0  # eager ops paired with the profiler's trace
        self._placements: dict[str, dict[str, str]] = {}  # graph key → op → device
        self._function_runs: list[tuple[placement.Signature, dict[str, str]]] = []
        self._mode = "eager" if self._tf.tf.executing_eagerly() else "graph"
        if self._mode == "graph":
            self.on_graph(self._tf.ops.get_default_graph())
        self._start = time.perf_counter()
        hooks.attach(self, self._tf)
        # Eager ops are only seen through op callbacks; a recording that starts inside a
        # graph has no eager ops.
        self._eager_ops = self.ops and self._mode == "eager"
        self._context = self._tf.context.context()  # read on every eager op
        try:
            if self._eager_ops:
                hooks.add_eager_op_callback(self._tf, self._on_eager_op)
        except BaseException:
            hooks.detach(self)  # a failed entry leaves nothing installed
            raise
        if self.profile and self._mode == "eager":  # a TF1 graph's runs: their step stats
            self._profiler = measured.Profiler(self._tf)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> Literal[False]:
        trace = self._profiler.stop() if self._profiler is not None else None
        try:
            if self._eager_ops:
                hooks.remove_eager_op_callback(self._tf, self._on_eager_op)
        finally:
            hooks.detach(self)
        wall_time = time.perf_counter() - self._start
        with collector.paused():
            try:
                capture = self._finish(wall_time, exc, trace)
            finally:
                self._release()
            self.report = build_report(capture)
        return False  # the block's own exception, if any, propagates unchanged

    def _release(self) -> None:
        """Drop every reference to a TF object, so nothing outlives the block."""
        for name in ("_graphs", "_vars", "_handles", "_producers"):
            getattr(self, name).clear()
        del self._tf, self._context

    # -- graphs ------------------------------------------------------------------------

    def _graph_key(self, graph: Any) -> str:
        entry = self._graphs.get(id(graph))
        if entry is None:
            self.on_graph(graph)
            entry = self._graphs[id(graph)]
        return entry[0]

    def on_function_call(self, graph: Any, name: str = "") -> None:
        if id(graph) in self._graphs:
            self._called.add(id(graph))
            if name:
                self._function_names[name] = self._graphs[id(graph)][0]

    def pause_profiler(self) -> None:
        if self._profiler is not None:
            self._profiler.pause()

    def resume_profiler(self) -> None:
        if self._profiler is not None:
            self._profiler.resume()

    def on_step_stats(self, graph: Any, run_metadata: Any) -> None:
        self._traced_runs += 1
        measured.add_step_stats(self._measured.setdefault(self._graph_key(graph), {}), run_metadata)

    def on_session_run(self, graph: Any) -> None:
        if id(graph) in self._graphs:
            self._session_graphs.add(id(graph))

    def on_graph(self, graph: Any) -> None:
        if id(graph) in self._graphs:
            return
        key = f"g{len(self._graphs)}"
        # A graph made inside the block is all ours; an older one only from here on.
        first = len(graph.get_operations())
        self._graphs[id(graph)] = (key, graph, first)

    # -- scopes ------------------------------------------------------------------------

    def _current_graph_key(self) -> str:
        if self._tf.tf.executing_eagerly():
            return EAGER
        return self._graph_key(self._tf.ops.get_default_graph())

    def on_variable_scope(self, variable_scope: str, name_scope: str | None) -> None:
        self._capture.scopes.append(
            ScopeRecord(self._current_graph_key(), variable_scope, name_scope)
        )

    def on_name_scope(self, name_scope: str) -> None:
        self._capture.scopes.append(ScopeRecord(self._current_graph_key(), None, name_scope))

    # -- variables ---------------------------------------------------------------------

    def _key_of(self, var: Any) -> str | None:
        entry = self._vars.get(id(var))
        return entry[1] if entry is not None and entry[0] is var else None

    def on_variable(self, var: Any, creation: hooks.Creation, wrapped: list[Any]) -> None:
        key = self._key_of(var)
        if key is None:
            key = self._add_variable(var, creation)
        record = self._capture.variables[key]
        record.optimizer = record.optimizer or creation.optimizer or creation.slot is not None
        if creation.path and record.tf_name is None and creation.path != record.name:
            record.tf_name, record.name = record.name, creation.path
        if creation.slot is not None and record.slot_of is None:
            served, record.slot = creation.slot
            # Unnamed (Sonnet's `m`, `v`): the name scope the optimizer made it in.
            record.slot = record.slot or self._tf.ops.get_name_scope().rsplit("/", 1)[-1] or None
            # A Keras 3 variable holds the tf.Variable (or distributed one) it stands for.
            record.slot_of = self._key_of(served) or self._key_of(getattr(served, "_value", None))
        if wrapped and not record.components:
            # A distributed variable around its per-replica components. TF may report
            # the wrapper first without them (its own nested tf.Variable() call).
            record.api = "distributed"
            record.components = [k for v in wrapped if (k := self._key_of(v))]
            for component in record.components:
                self._capture.variables[component].component_of = key
            if record.components:  # the wrapper's own arguments are no initial value
                record.initializer = self._capture.variables[record.components[0]].initializer

    def _add_variable(self, var: Any, creation: hooks.Creation) -> str:
        record = self._describe(var, creation)
        self._capture.variables[record.key] = record
        self._vars[id(var)] = (var, record.key)
        if record.graph != EAGER:
            return record.key
        handle = _handle_of(var)
        if handle is not None:
            self._handles[id(handle)] = (weakref.ref(handle), record.key)
        if creation.api == "get_variable" and not record.partition_of:
            earlier = self._eager_names.setdefault(record.name, [])
            if earlier:
                self._capture.eager_reuse.append(EagerReuse(record.key, earlier[-1], creation.site))
            earlier.append(record.key)
        return record.key

    def _describe(self, var: Any, creation: hooks.Creation) -> VariableRecord:
        tf = self._tf
        name = var.name[:-2] if var.name.endswith(":0") else var.name
        in_graph = not tf.context.executing_eagerly() and _graph_of(var) is not None
        graph = self._graph_key(_graph_of(var)) if in_graph else EAGER
        key = f"{graph}:{name}"
        n = 1
        while key in self._capture.variables:
            n += 1
            key = f"{graph}:{name}#{n}"
        shape = var.shape
        dims = shape.as_list() if shape.rank is not None else None
        if in_graph:
            requested = getattr(var, "device", "") or None
            placed = None
            handle_op = _op_name(var)
        else:
            requested = tf.context.context().device_name or None
            placed = getattr(var, "device", None) or None
            handle_op = None
        partition_of = creation.partition_of
        return VariableRecord(
            key=key,
            name=name,
            graph=graph,
            shape=dims,
            dtype=var.dtype.base_dtype.name,
            trainable=bool(getattr(var, "trainable", True)),
            api=creation.api,
            initializer=creation.initializer,
            device_requested=requested,
            device=placed,
            created=True,
            sites=[creation.site],
            handle_op=handle_op,
            requested_name=creation.requested_name,
            partition_of=partition_of if partition_of and partition_of != name else None,
            by_library=creation.by_library,
        )

    def on_reuse(self, var: Any, site: dict[str, Any]) -> None:
        key = self._key_of(var)
        if key is None:  # made before the block: reused here, not created
            record = self._describe(var, hooks.Creation(api="get_variable", site=site))
            record.created = False
            record.sites = []
            self._capture.variables[record.key] = record
            self._vars[id(var)] = (var, record.key)
            key = record.key
        record = self._capture.variables[key]
        record.reuse_count = (record.reuse_count or 0) + 1  # None only in loaded reports
        record.sites.append(site)

    def on_get_variable_failure(
        self, name: str, exc: BaseException, existing: Any, site: dict[str, Any]
    ) -> None:
        key = self._key_of(existing) if existing is not None else None
        existing_site = None
        if existing is not None and key is None:
            existing_site = _creation_site_from_tf(existing)
        graph = self._current_graph_key()
        self._capture.failures.append(
            GetVariableFailure(
                name=name,
                graph=graph,
                message=str(exc),
                site=site,
                existing_key=key,
                existing_site=existing_site,
            )
        )

    def on_name_scope_ignored(self, var: Any, name_scope: str, site: dict[str, Any]) -> None:
        key = self._key_of(var)
        if key is not None:
            self._capture.name_scope_ignored.append(
                NameScopeIgnored(self._capture.variables[key].name, key, name_scope, site)
            )

    # -- ops ---------------------------------------------------------------------------

    def _on_eager_op(
        self,
        op_type: str | bytes,
        inputs: Any,
        attrs: Any,
        outputs: Any,
        op_name: str | None = None,
        graph: Any = None,
    ) -> None:
        if graph is not None:
            return None  # graph ops are read from the graphs on exit
        if isinstance(op_type, bytes):  # TF's fast path passes some (`BiasAdd`) as bytes
            op_type = op_type.decode()
        if "Dataset" in op_type and attrs:  # tf.data runs the functions its ops are given
            for value in attrs[1::2]:
                if (traced := getattr(value, "graph", None)) is not None:
                    self.on_function_call(traced)
        if len(self._capture.ops) >= MAX_EAGER_OPS:
            self._eager_dropped += 1
            return None
        context = self._context
        base = f"{context.scope_name}{op_type}"
        n = self._eager_op_names.get(base, 0)
        self._eager_op_names[base] = n + 1
        name = f"{base}_{n}" if n else base
        producers, reads = [], []
        for tensor in inputs:
            entry = self._producers.get(id(tensor))
            if entry is not None and entry[0]() is tensor:
                producers.append(entry[1])
            handle = self._handles.get(id(tensor))
            if handle is not None and handle[0]() is tensor:
                reads.append(handle[1])
        placed = (outputs[0].device if outputs else (inputs[0].device if inputs else "")) or None
        requested = context.device_name or None
        # Off its request where a resource it takes lives: colocation, not a fallback.
        colocated = not devices.honoured(requested, placed) and placed in (
            t.device for t in inputs if t.dtype == self._tf.tf.resource
        )
        outs = [cost.output(tensor) for tensor in outputs]
        record = OpRecord(
            name=name,
            type=op_type,
            graph=EAGER,
            device_requested=requested,
            device=placed,
            inputs=producers,
            reads=reads,
            colocated=colocated,
            outputs=outs,
        )
        self._capture.ops.append(record)
        if op_type in self._counted:  # its shapes now; TF's statistic on exit
            shapes = [cost.output(tensor) for tensor in inputs]
            self._eager_calls.append((record, (op_type, shapes, outs, tuple(attrs or ()))))
        for i, tensor in enumerate(outputs):
            self._producers[id(tensor)] = (weakref.ref(tensor), name, i)
            if op_type in _READ_TYPES and reads:  # reading the value reads the variable
                self._handles[id(tensor)] = (weakref.ref(tensor), reads[0])
        return None

    def on_run_metadata(self, graph: Any, run_metadata: Any) -> None:
        placed = self._placements.setdefault(self._graph_key(graph), {})
        placed.update(placement.placements(run_metadata))

    def on_function_graphs(self, run_metadata: Any) -> None:
        self._function_runs += placement.function_placements(run_metadata)

    def _new_ops(self) -> list[_GraphOps]:
        """Every graph's ops made during the block, each name and type read once: each
        is a call into C++, and up to three passes use them."""
        tables = []
        for key, graph, first in self._graphs.values():
            ops = graph.get_operations()[first:]
            tables.append(
                _GraphOps(key, graph, ops, [op.name for op in ops], [op.type for op in ops])
            )
        return tables

    def _runs(self, calls: dict[str, list[_Call]]) -> tuple[set[str], set[str]]:
        """The graphs TF ran in the block: function graphs run eagerly (or by tf.data),
        graphs a Session.run ran, and every function an op of a graph that ran runs; and
        those shown: what ran, and what the ops of a TF1 graph run (it was built, whether
        or not a session ran it)."""
        runs: defaultdict[str, list[str]] = defaultdict(list)  # graph → functions its ops run
        for callee, on in calls.items():
            for call in on:
                runs[call.graph].append(callee)

        def reached(roots: list[str]) -> set[str]:
            found: set[str] = set()
            while roots:
                key = roots.pop()
                if key not in found:
                    found.add(key)
                    roots.extend(runs.get(key, ()))
            return found

        func_graph = self._tf.func_graph.FuncGraph
        started = [self._graphs[i][0] for i in self._called | self._session_graphs]
        built = [key for key, g, _ in self._graphs.values() if not isinstance(g, func_graph)]
        return reached(list(started)), reached(started + built)

    def _place_functions(self, tables: list[_GraphOps], ran: set[str]) -> None:
        """Each instantiated function's placement → the one traced FuncGraph with its ops."""
        func_graph = self._tf.func_graph.FuncGraph
        by_signature: defaultdict[placement.Signature, list[str]] = defaultdict(list)
        for table in tables:
            if isinstance(table.graph, func_graph):
                signature = placement.signature(zip(table.names, table.types, strict=True))
                by_signature[signature].append(table.key)
        for signature, placed in self._function_runs:
            keys = by_signature.get(signature, [])
            if len(keys) > 1:  # twin traces: TF instantiated the one that ran
                keys = [key for key in keys if key in ran]
            if len(keys) == 1:  # twins that both ran: which is which is not known, so neither
                self._placements.setdefault(keys[0], {}).update(placed)

    def _calls(self, tables: list[_GraphOps]) -> dict[str, list[_Call]]:
        """Function graph key → the ops that run it: a While op its loop body, an If op
        its branches, a call op the function."""
        calls: defaultdict[str, list[_Call]] = defaultdict(list)
        for table in tables:
            graph = table.graph
            runs_function: dict[str, bool] = {}  # by op type: a few dozen per graph
            for op, name, kind in zip(table.ops, table.names, table.types, strict=True):
                if kind not in runs_function:
                    runs_function[kind] = (
                        kind in _CALL_TYPES or graph._get_function(kind) is not None
                    )
                if not runs_function[kind]:
                    continue
                for function, attribute in _called_functions(op, kind):
                    defined = graph._get_function(function)
                    body = self._graphs.get(id(getattr(defined, "graph", None)))
                    if body is not None:
                        part = _INLINED_PART.get(attribute, "")
                        calls[body[0]].append(_Call(table.key, name, part))
        return calls

    def _places(self, callers: dict[str, _Call], tops: dict[str, Place]) -> dict[str, Place]:
        """Graph key → where its names go: under the name of the op that runs it, itself
        placed (`train/rnn/while` for that loop's body), as TF1 would have named them; a
        function graph no op runs, where `tops` says (else at the top)."""
        places: dict[str, Place] = {}

        def place(key: str, seen: frozenset[str]) -> Place:
            if key not in places:
                call = callers.get(key)
                if call is None or key in seen:
                    places[key] = tops.get(key, TOP)
                else:
                    places[key] = (_nest(place(call.graph, seen | {key}), call.op), call.op)
            return places[key]

        for key in (*callers, *tops):
            place(key, frozenset())
        return places

    def _tops(
        self, tables: list[_GraphOps], callers: dict[str, _Call], shown: set[str]
    ) -> dict[str, Place]:
        """Where the function graphs that no op runs go: a trace TF never ran under
        `NEVER_RAN`, apart from what ran; traces of one function that ran, where their
        names would merge, each under its own name (`step (trace 2)`)."""
        func_graph = self._tf.func_graph.FuncGraph
        ran: defaultdict[str, list[str]] = defaultdict(list)
        never: defaultdict[str, list[str]] = defaultdict(list)
        for key, graph, _ in self._graphs.values():
            if isinstance(graph, func_graph) and key not in callers:
                (ran if key in shown else never)[graph.name].append(key)
        tops: dict[str, Place] = {}
        for name, keys in never.items():
            for i, key in enumerate(keys):
                tops[key] = (f"{NEVER_RAN}/{name}" + (f" ({i + 1})" if i else ""), "")
        tables_by_key = {table.key: table for table in tables}
        for name, keys in ran.items():
            if len(keys) < 2:
                continue
            # An op every function has (its arguments, outputs) tells no trace from another
            # function of the same name (two `<lambda>`s); any other shared name does.
            seen: set[str] = set()
            merge = False
            for key in keys:
                table = tables_by_key.get(key)
                own = set() if table is None else _names_but(table, _ENDS)
                merge = merge or not seen.isdisjoint(own)
                seen |= own
            if merge:
                for i, key in enumerate(keys):
                    tops[key] = (f"{name} (trace {i + 1})", "")
        return tops

    def _graph_ops(
        self,
        tables: list[_GraphOps],
        places: dict[str, Place],
        callers: dict[str, _Call],
        shown: set[str],
    ) -> list[OpRecord]:
        """Every op added to every graph seen, with inputs and the variables it reads."""
        # Per graph key: op name → the variable it holds (a handle) or read.
        holders: defaultdict[str, dict[str, str]] = defaultdict(dict)
        for r in self._capture.variables.values():
            if r.handle_op:
                holders[r.graph][r.handle_op] = r.key
        records = []
        # Names and devices come straight from TF's C API: `op.inputs` would find (or make)
        # a Tensor for each input, and each its op, to ask its name.
        c_api = self._tf.c_api
        input_of, name_of, device_of = (
            c_api.GetOperationInputs,
            c_api.TF_OperationName,
            c_api.TF_OperationDevice,
        )
        flops = cost.Flops(self._tf.ops)
        for table in tables:
            key = table.key
            held = holders[key]
            place = places.get(key, TOP)
            ran = key in shown
            captured: dict[str, str] = {}  # a captured input's op → its name in the tree
            # TF's own list of the variables the trace uses, older ones included, by handle
            captures = getattr(table.graph, "captures", ())
            uses = self._uses(table.graph) if captures and key not in callers else {}
            for external, internal in captures:
                var = self._variable_behind(external, holders)
                if var is not None:  # a function reads a variable through a capture
                    held[internal.op.name] = var
                # TF numbers a function's captured inputs (`9213`); a called function's
                # are named after the caller's inputs, and sit under the caller.
                outer = None if key in callers else self._captured_name(external, var, uses, places)
                if outer is not None:  # beside what it captures; a dropped trace's, apart
                    captured[internal.op.name] = outer if ran else _nest(place, outer)
            placed = self._placements.get(key, {})
            costs = self._measured.get(key, {})
            for op, name, kind in zip(table.ops, table.names, table.types, strict=True):
                c_op = op._c_op
                requested = device_of(c_op) or None
                inputs, reads = [], []
                for output in input_of(c_op):
                    producer = name_of(output.oper)
                    inputs.append(producer)
                    var = held.get(producer)
                    if var is not None and var not in reads:
                        reads.append(var)
                if kind in _READ_TYPES and reads:
                    held.setdefault(name, reads[0])
                device = placed.get(name)
                # Off its request where a resource it takes lives: colocation, not a fallback.
                colocated = not devices.honoured(requested, device) and any(
                    t.dtype == self._tf.tf.resource and placed.get(t.op.name) == device
                    for t in op.inputs
                )
                tree = captured.get(name) or (name if place == TOP else _nest(place, name))
                records.append(
                    OpRecord(
                        name=tree,
                        type=kind,
                        graph=key,
                        device_requested=requested,
                        device=device,
                        inputs=list(dict.fromkeys(inputs)) if len(inputs) > 1 else inputs,
                        reads=reads,
                        tf_name=None if place == TOP and tree == name else name,
                        colocated=colocated,
                        ran=ran,
                        outputs=[cost.output(tensor) for tensor in op.outputs],
                        flops=flops(table.graph, op, kind),
                    )
                )
                spent = costs.get(name)
                if spent is not None:
                    records[-1].micros = round(spent.micros, 3)
                    records[-1].peak_bytes = spent.peak_bytes
        return records

    def _uses(self, graph: Any) -> dict[int, str]:
        """id of each handle of the variables a function graph uses → the variable's name."""
        uses = {}
        for var in getattr(graph, "variables", ()):
            handle = _handle_of(var)
            if handle is not None:
                uses[id(handle)] = self._variable_name(var)
        return uses

    def _captured_name(
        self, tensor: Any, var: str | None, uses: dict[int, str], places: dict[str, Place]
    ) -> str | None:
        """What a function's captured input is named by: the variable it captures
        (`dense/kernel/capture`, among the variable's own ops; one made before the block by
        TF's name), or the outer tensor (`encoder/MatMul:0`); None where the tensor was
        made outside the recording."""
        if var is not None:
            return f"{self._capture.variables[var].name}/capture"
        if id(tensor) in uses:
            return f"{uses[id(tensor)]}/capture"
        entry = self._producers.get(id(tensor))
        if entry is not None and entry[0]() is tensor:
            return f"{entry[1]}:{entry[2]}"
        graph = self._graphs.get(id(getattr(tensor, "graph", None)))
        if graph is not None and self._tf.tf.is_symbolic_tensor(tensor):
            place = places.get(graph[0], TOP)
            op = tensor.op.name
            return f"{op if place == TOP else _nest(place, op)}:{tensor.value_index}"
        return None

    def _variable_behind(self, tensor: Any, holders: dict[str, dict[str, str]]) -> str | None:
        entry = self._handles.get(id(tensor))
        if entry is not None and entry[0]() is tensor:
            return entry[1]
        if self._tf.tf.is_symbolic_tensor(tensor) and id(tensor.graph) in self._graphs:
            return holders[self._graphs[id(tensor.graph)][0]].get(tensor.op.name)
        return None

    # -- the end -----------------------------------------------------------------------

    def _variable_name(self, var: Any) -> str:
        """The report's name of a variable (a Keras path, where recorded), else TF's."""
        key = self._key_of(var)
        if key is not None:
            return self._capture.variables[key].name
        return str(var.name).removesuffix(":0")

    def _measure(self, trace: measured.Trace | None, callers: dict[str, _Call]) -> float:
        """The profiler's times onto the recorded ops: a function's ops by their names in
        the function TF ran, each eager op in the order they ran. All the µs the traces
        hold, each counted once (before a called function's ops take their inlined
        copies' times)."""
        held = 0.0
        if trace is not None:
            for function, costs in trace.functions.items():
                key = self._function_names.get(function)
                if key is None:  # a function traced before the block: no op of the report
                    held += sum(spent.micros for spent in costs.values())
                    continue
                mine = self._measured.setdefault(key, {})
                for name, spent in costs.items():
                    mine.setdefault(name, measured.Cost()).add(spent.micros, spent.peak_bytes)
            self._eager_timed = measured.time_eager(
                [op for op in self._capture.ops if op.graph == EAGER], trace.eager
            )
            held += sum(micros for _, micros in trace.eager if micros is not None)
        held += sum(c.micros for costs in self._measured.values() for c in costs.values())
        _inline(self._measured, callers)
        return held

    def _finish(
        self, wall_time: float, exc: BaseException | None, trace: measured.Trace | None
    ) -> Capture:
        capture = self._capture
        func_graph = self._tf.func_graph.FuncGraph
        functions = any(isinstance(graph, func_graph) for _, graph, _ in self._graphs.values())
        tables = self._new_ops() if self.ops or functions else []
        # With no function graph seen, no op runs one: not worth a pass over every op.
        calls = self._calls(tables) if functions else {}
        ran, shown = self._runs(calls)
        # A function run by several ops goes under one that ran, as TF1 would have named it.
        callers = {k: next((c for c in on if c.graph in shown), on[0]) for k, on in calls.items()}
        if self._function_runs:
            self._place_functions(tables, ran)
        if self._placements:  # a called function's ops, placed as TF placed them inlined
            _inline(self._placements, callers)
        places = self._places(callers, self._tops(tables, callers, shown) if functions else {})
        for scope in capture.scopes:
            if scope.name_scope and scope.graph in places:
                scope.name_scope = _nest(places[scope.graph], scope.name_scope)
        flops = cost.EagerFlops(self._tf)
        for op, call in self._eager_calls:
            op.flops = flops(call)
        held = self._measure(trace, callers) if self.profile else 0.0
        if self.ops:
            capture.ops = self._graph_ops(tables, places, callers, shown) + capture.ops
            if any(not op.ran for op in capture.ops):  # what never ran goes last, apart
                capture.ops.sort(key=lambda op: not op.ran)
        else:
            capture.ops = []
        for record in capture.variables.values():
            placed = self._placements.get(record.graph, {})
            if record.handle_op and record.handle_op in placed:
                record.device = placed[record.handle_op]
        capture.graphs = []
        for key, graph, _ in self._graphs.values():
            if not isinstance(graph, func_graph):
                capture.graphs.append({"key": key, "kind": "graph", "name": None})
                continue
            entry = {"key": key, "kind": "function", "name": graph.name, "ran": key in ran}
            if key in callers:  # the op that runs it, by graph key and TF name
                entry["called_by"] = [callers[key].graph, callers[key].op]
            # TF's own list of what the trace uses, older variables included
            entry["reads"] = [self._variable_name(v) for v in graph.variables]
            capture.graphs.append(entry)
        if any(op.graph == EAGER for op in capture.ops):
            capture.graphs.append({"key": EAGER, "kind": "eager", "name": None})
        capture.meta = {
            "tf_version": self._tf.version,
            "mode": self._mode,
            "devices": placement.devices(self._tf),
            "wall_time": round(wall_time, 6),
            "cell": None,
            "graphs": capture.graphs,
            "error": None if exc is None else {"type": type(exc).__name__, "message": str(exc)},
            "options": {"ops": self.ops, "placement": self.placement},
            "eager_ops_dropped": self._eager_dropped,
            "python": sys.version.split()[0],
        }
        if self.profile:
            profiler = self._profiler
            capture.meta["profile"] = {
                "session_runs": self._traced_runs,  # their step stats
                "trace": trace is not None,  # the TF profiler's, of eager code
                "eager_ops_timed": self._eager_timed,
                # what the traces hold that no recorded op takes: nodes TF made as it ran
                # (feeds, fetches, folded constants, sends), functions traced before
                # the block, eager ops past a broken pairing
                "unattributed_micros": round(
                    max(held - sum(op.micros or 0 for op in capture.ops), 0), 3
                ),
                "warning": profiler.warning if profiler is not None else None,
            }
        return capture


@dataclass
class _GraphOps:
    """The ops a graph gained during the block, with their names and types."""

    key: str
    graph: Any
    ops: list[Any]
    names: list[str]
    types: list[str]


@dataclass(frozen=True)
class _Call:
    """The op that runs a function graph."""

    graph: str  # the key of the graph it is in
    op: str  # its TF name
    part: str  # what TF calls the function when inlining it (`body`, `then`), or ""


# Where a graph's names go in the tree: (the name in the tree of the op that runs it, that
# op's TF name). Names in a top-level graph stay as they are.
Place = tuple[str, str]
TOP: Place = ("", "")


def _inline(found: dict[str, dict[str, Any]], callers: dict[str, _Call]) -> None:
    """What TF reports of a called function's ops (placement, measured cost) under the
    names they take once TF has inlined the function into its caller's graph
    (`<op>/<part>/_<n>/<name>`, a called function's `<op>/<name>`): per graph key in
    `found`, added for each called graph under its own names."""

    def derive(key: str, seen: frozenset[str]) -> dict[str, Any]:
        call = callers.get(key)
        if key in found or call is None or key in seen:
            return found.get(key, {})
        inlined = re.escape(call.op) + (rf"/{call.part}/_\d+/" if call.part else "/")
        pattern = re.compile(inlined)
        derived = {}
        for name, value in derive(call.graph, seen | {key}).items():
            if match := pattern.match(name):
                derived[name[match.end() :]] = value
        if derived:
            found[key] = derived
        return derived

    for key in callers:
        derive(key, frozenset())


def _names_but(table: _GraphOps, types: set[str]) -> set[str]:
    """The names of a graph's ops but those of the given types."""
    return {n for n, t in zip(table.names, table.types, strict=True) if t not in types}


def _nest(place: Place, name: str) -> str:
    """A name of a function graph under the op that runs it, as TF1 named it: a body op
    that carries the caller's name (`while/add` in `while`'s body, in a `tf.function`)
    or the caller's scope (`train/rnn/strided_slice` in `train/rnn/while`'s body) does
    not repeat it (`while/add`, `train/rnn/while/strided_slice`)."""
    prefix, caller = place
    if name.startswith(f"{caller}/"):
        return prefix + name[len(caller) :]
    outer = parent_path(caller)
    if outer and name.startswith(f"{outer}/"):
        name = name[len(outer) + 1 :]
    return f"{prefix}/{name}" if prefix else name


def _called_functions(op: Any, kind: str) -> list[tuple[str, str]]:
    """The functions an op of type `kind` runs, each with the attribute naming it (""
    for its type): its function-valued attributes, or its type."""
    called = [(kind, "")] if kind not in _CALL_TYPES else []
    for attribute, value in op.node_def.attr.items():
        if value.HasField("func"):
            called.append((value.func.name, attribute))
        called.extend((function.name, attribute) for function in value.list.func)
    return called


def _graph_of(var: Any) -> Any:
    try:
        return var.graph
    except (AttributeError, RuntimeError):
        return None


def _handle_of(var: Any) -> Any:
    """An eager variable's resource handle; None for a distributed variable outside a
    replica context (its components hold the handles)."""
    try:
        return getattr(var, "handle", None)
    except ValueError:
        return None


def _op_name(var: Any) -> str | None:
    try:
        return str(var.op.name)
    except (AttributeError, RuntimeError):
        return None


def _creation_site_from_tf(var: Any) -> dict[str, Any] | None:
    """Where a variable made before the block was created, from its op's traceback."""
    try:
        frames = list(var.op.traceback)
    except (AttributeError, RuntimeError):
        return None
    for frame in reversed(frames):
        filename, lineno = frame.filename, frame.lineno
        if not sites.is_library(filename):
            return {"file": filename, "line": lineno, "kind": "create"}
    return None
