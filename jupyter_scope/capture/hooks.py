"""Class-level patches on TF internals, installed while at least one recording is active.

Why class level: TF keeps variable-creator scopes per graph, so a creator installed on
the default graph misses a `tf.Graph()` or `tf.function` graph opened inside the block.
Patching the classes every graph shares sees them all. Every patch is undone on the
last detach, whatever happened; nested recordings share one installation and each
receives every event of its own thread and of the threads that thread started while
hooks were installed (TF starts threads on the user's behalf: MirroredStrategy runs
each replica in one).
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from jupyter_scope.capture import origins, placement, sites
from jupyter_scope.capture.origins import describe_initial_value, describe_initializer
from jupyter_scope.capture.tf_api import TF


class Listener(Protocol):
    """What a recording implements to hear the hooks (see recorder.Recording)."""

    placement: bool
    profile: bool

    def on_graph(self, graph: Any) -> None: ...
    def on_variable(self, var: Any, creation: Creation, wrapped: list[Any]) -> None: ...
    def on_reuse(self, var: Any, site: dict[str, Any]) -> None: ...
    def on_get_variable_failure(
        self, name: str, exc: BaseException, existing: Any, site: dict[str, Any]
    ) -> None: ...
    def on_variable_scope(self, variable_scope: str, name_scope: str | None) -> None: ...
    def on_name_scope(self, name_scope: str) -> None: ...
    def on_name_scope_ignored(self, var: Any, name_scope: str, site: dict[str, Any]) -> None: ...
    def on_run_metadata(self, graph: Any, run_metadata: Any) -> None: ...
    def on_function_graphs(self, run_metadata: Any) -> None: ...
    def on_function_call(self, graph: Any, name: str = "") -> None: ...
    def on_step_stats(self, graph: Any, run_metadata: Any) -> None: ...
    def pause_profiler(self) -> None: ...
    def resume_profiler(self) -> None: ...
    def on_session_run(self, graph: Any) -> None: ...


@dataclass
class GetVariableCall:
    """One `VariableScope.get_variable` call in progress."""

    full_name: str
    site: dict[str, Any]
    ignored_name_scope: str | None  # a user's name scope in force that the name lacks
    slot: tuple[Any, str | None] | None  # an optimizer slot: (its variable, slot name)
    optimizer: bool  # an optimizer's code asked for it


@dataclass
class Creation:
    """How the variables being made right now were asked for."""

    api: str
    site: dict[str, Any]
    initializer: str | None = None
    requested_name: str | None = None
    partition_of: str | None = None
    get_variable: GetVariableCall | None = None
    made: list[Any] = field(default_factory=list)  # variables made beneath this call
    path: str | None = None  # a Keras 3 variable's `path`: its place in the tree
    slot: tuple[Any, str | None] | None = None  # an optimizer slot: (its variable, slot name)
    by_library: bool = False  # library code, not the user's, asked for it
    optimizer: bool = False  # an optimizer's code asked for it (`origins.walk`)


class _Local(threading.local):
    def __init__(self) -> None:
        self.calls: list[GetVariableCall] = []
        self.creations: list[Creation] = []
        self.partitions: list[str] = []
        # Open name scopes: (id of the context manager, the name scope, opened by user code).
        self.name_scopes: list[tuple[int, str, bool]] = []


_local = _Local()
_active: list[Listener] = []
_seen_graphs: set[int] = set()  # graphs already announced to the listeners
_placed_runs: weakref.WeakKeyDictionary[Any, set[tuple[Any, ...]]] = weakref.WeakKeyDictionary()
_restore: list[tuple[Any, str, Any]] = []
_collecting: list[TF] = []  # the TF whose function graph collection we turned on
_lock = threading.RLock()
_owners: dict[Any, threading.Thread] = {}  # listener → the thread it records
_eager_callbacks: list[Callable[..., Any]] = []  # recordings' op callbacks: eager ops only
# Thread → the thread that started it, for threads started while hooks are installed.
_parents: weakref.WeakKeyDictionary[threading.Thread, threading.Thread] = (
    weakref.WeakKeyDictionary()
)


def attach(listener: Listener, tf: TF) -> None:
    with _lock:
        if not _active:
            _install(tf)
        _active.append(listener)
        _owners[listener] = threading.current_thread()
        _seen_graphs.clear()  # announce every graph again, to the newcomer too
        _placed_runs.clear()  # and ask every session run for its placement again
        try:
            _collect_function_graphs(tf)
        except BaseException:
            detach(listener)  # a failed attach leaves nothing installed
            raise


def detach(listener: Listener) -> None:
    with _lock:
        try:
            if listener in _active and listener.placement and _collecting:
                _deliver_function_graphs(_collecting[0])
        finally:
            if listener in _active:
                _active.remove(listener)
                del _owners[listener]
            try:
                if _collecting and not _placement_listeners():
                    placement.stop_function_graphs(_collecting.pop())
            finally:
                if not _active:
                    _uninstall()


def installed() -> bool:
    return bool(_restore)


_INHERITED = object()  # what `_restore` holds for a patched attribute the class inherited


def _patch(owner: Any, attr: str, make: Callable[[Any], Any]) -> None:
    _restore.append((owner, attr, owner.__dict__.get(attr, _INHERITED)))
    setattr(owner, attr, make(getattr(owner, attr)))


def _uninstall() -> None:
    while _restore:
        owner, attr, original = _restore.pop()
        if original is _INHERITED:
            delattr(owner, attr)
        else:
            setattr(owner, attr, original)


def _install(tf: TF) -> None:
    try:
        _install_all(tf)
    except BaseException:
        _uninstall()
        raise


def _install_all(tf: TF) -> None:
    ops, vs = tf.ops, tf.variable_scope
    _patch(ops.Graph, "__init__", lambda orig: _graph_init(orig, tf))
    _patch(ops.Graph, "_add_op", _graph_add_op)  # inherited from TF's C++ PyGraph
    for name_scope in (ops.name_scope_v1, ops.name_scope_v2):
        _patch(name_scope, "__enter__", lambda orig: _name_scope_enter(orig, ops))
        _patch(name_scope, "__exit__", _name_scope_exit)
    _patch(vs.variable_scope, "__enter__", lambda orig: _variable_scope_enter(orig, ops))
    _patch(vs.VariableScope, "get_variable", lambda orig: _scope_get_variable(orig, ops))
    _patch(vs._VariableStore, "_get_single_variable", _get_single_variable)
    _patch(vs._VariableStore, "_get_partitioned_variable", _get_partitioned_variable)
    not_variables = (tf.resource_variable_ops._UnreadVariable,)
    _patch(tf.variables.VariableMetaclass, "__call__", lambda o: _variable_call(o, not_variables))
    _patch(tf.session.BaseSession, "run", lambda orig: _session_run(orig, tf))
    _patch(tf.atomic_function.AtomicFunction, "call_flat", _function_call)
    _patch(threading.Thread, "start", _thread_start)
    _patch(tf.op_callbacks, "should_invoke_op_callbacks", lambda o: _graph_op_callbacks(o, tf))


def add_eager_op_callback(tf: TF, callback: Callable[..., Any]) -> None:
    """Register `callback` for eager ops; graph ops skip it (see `_graph_op_callbacks`)."""
    _eager_callbacks.append(callback)
    try:
        tf.op_callbacks.add_op_callback(callback)
    except BaseException:
        _eager_callbacks.remove(callback)
        raise


def remove_eager_op_callback(tf: TF, callback: Callable[..., Any]) -> None:
    try:
        tf.op_callbacks.remove_op_callback(callback)
    finally:
        _eager_callbacks.remove(callback)


def _thread_start(orig: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
    def start(self: threading.Thread) -> None:
        _parents[self] = threading.current_thread()
        return orig(self)

    return start


def _here(listeners: list[Listener]) -> list[Listener]:
    """The listeners recording this thread: it, or a thread that started it."""
    thread: threading.Thread | None = threading.current_thread()
    if all(_owners.get(listener) is thread for listener in listeners):
        return listeners  # the usual case: every recording is this thread's
    lineage: set[threading.Thread] = set()
    while thread is not None and thread not in lineage:
        lineage.add(thread)
        thread = _parents.get(thread)
    return [listener for listener in listeners if _owners.get(listener) in lineage]


def _each(method: str, *args: Any) -> None:
    for listener in _here(list(_active)):
        getattr(listener, method)(*args)


def _placement_listeners() -> list[Listener]:
    return [listener for listener in _active if listener.placement]


# -- graphs ----------------------------------------------------------------------------


def _graph_op_callbacks(orig, tf: TF):
    def should_invoke_op_callbacks():
        # TF asks this only as it makes a graph op, and then serialises the op's NodeDef
        # for the callbacks (~5 % of building a graph): not for recordings' own
        # callbacks, which read graph ops from the graphs on exit. Ours are looked at
        # first: then TF's own test (another ~0.6 µs an op) is left for other callbacks.
        callbacks = tf.context.context().op_callbacks
        return any(c not in _eager_callbacks for c in callbacks) and orig()

    return should_invoke_op_callbacks


def _function_call(orig):
    def call_flat(function, *args):
        # Run now when eager; in a graph it only becomes a call op, found on exit. Which
        # trace runs is what tells the traces TF ran from those it made and dropped.
        if function._bound_context.executing_eagerly() and function._cached_graph is not None:
            name = function.name  # bytes in TF 2.21
            name = name.decode() if isinstance(name, bytes) else name
            _each("on_function_call", function._cached_graph, name)
        return orig(function, *args)

    return call_flat


def _announce(graph: Any) -> None:
    if id(graph) not in _seen_graphs:  # listeners hold the graph, so its id stays unique
        _seen_graphs.add(id(graph))
        _each("on_graph", graph)


def _graph_init(orig, tf: TF):
    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        _collect_function_graphs(tf)  # a tf.function being traced: TF is initialised by now
        _announce(self)

    return __init__


def _graph_add_op(orig):
    def _add_op(self, *args, **kwargs):  # once per op made: keep it cheap
        # Announced before the op joins: an older graph's ops count from this one on.
        _announce(self)
        return orig(self, *args, **kwargs)

    return _add_op


# -- scopes ----------------------------------------------------------------------------


def _name_scope_enter(orig, ops):
    def __enter__(self):
        scope = orig(self)
        current = ops.get_name_scope()
        by_user = not sites.is_library_frame(sys._getframe(1))
        _local.name_scopes.append((id(self), current, by_user))
        if current:
            _each("on_name_scope", current)
        return scope

    return __enter__


def _name_scope_exit(orig):
    def __exit__(self, *exc_info):
        stack = _local.name_scopes
        if stack and stack[-1][0] == id(self):  # not so for a scope opened before the hooks
            stack.pop()
        return orig(self, *exc_info)

    return __exit__


def _ignored_name_scope(full_name: str, name_scope: str) -> str | None:
    """The innermost name scope in force, opened by user code, that `full_name` does not
    carry (`get_variable` takes names from variable scopes only). Name scopes that TF or a
    library opens (`scope_1` on re-entry, tf-slim's own) were not the user's request."""
    for _, opened, by_user in reversed(_local.name_scopes):
        in_force = name_scope == opened or name_scope.startswith(f"{opened}/")
        if by_user and opened and in_force and not full_name.startswith(f"{opened}/"):
            return opened
    return None


def _variable_scope_enter(orig, ops):
    def __enter__(self):
        before = ops.get_name_scope()
        scope = orig(self)
        after = ops.get_name_scope()
        opened = after if after != before and after else None
        _each("on_variable_scope", scope.name, opened)
        return scope

    return __enter__


# -- get_variable ----------------------------------------------------------------------


def _scope_get_variable(orig, ops):
    def get_variable(scope, var_store, name, *args, **kwargs):
        __tracebackhide__ = True  # IPython shows the user's frames, not ours
        full_name = f"{scope.name}/{name}" if scope.name else name
        origin = origins.walk(sys._getframe(1))  # one walk for the call site and the slot
        call = GetVariableCall(
            full_name=full_name,
            site=sites.site("create", frame=origin.user_frame),
            ignored_name_scope=_ignored_name_scope(full_name, ops.get_name_scope()),
            slot=origin.slot,
            optimizer=origin.optimizer,
        )
        _local.calls.append(call)
        try:
            return orig(scope, var_store, name, *args, **kwargs)
        finally:
            _local.calls.pop()

    return get_variable


def _current_site(kind: str) -> dict[str, Any]:
    if _local.calls:
        return {**_local.calls[-1].site, "kind": kind}
    return sites.site(kind, skip=3)


class _Arguments:
    """The arguments a call passed, by parameter name (None where not passed), for a
    function of TF's; `inspect.Signature.bind` costs ~26 µs a call, once per variable."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.position = {name: i for i, name in enumerate(inspect.signature(function).parameters)}

    def of(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[str], Any]:
        def get(name: str) -> Any:
            if name in kwargs:
                return kwargs[name]
            i = self.position[name]
            return args[i] if i < len(args) else None

        return get


def _get_single_variable(orig):
    arguments = _Arguments(orig)

    def _get_single_variable(store, *args, **kwargs):
        __tracebackhide__ = True  # IPython shows the user's frames, not ours
        argument = arguments.of((store, *args), kwargs)
        name = argument("name")
        existing = store._vars.get(name)
        call = _local.calls[-1] if _local.calls else None
        origin = call if call is not None else origins.walk(sys._getframe(1))
        creation = Creation(
            api="get_variable",
            site=_current_site("create"),
            initializer=describe_initializer(argument("initializer"), default="glorot_uniform"),
            partition_of=_local.partitions[-1] if _local.partitions else None,
            get_variable=call,
            slot=origin.slot,
            optimizer=origin.optimizer,
        )
        with _creating(creation):
            try:
                var = orig(store, *args, **kwargs)
            except Exception as exc:
                # Asked to reuse (reuse=True, or AUTO_REUSE finding the name taken): the
                # failed call was a reuse, not a create.
                reuse = argument("reuse")
                reusing = reuse is True or (bool(reuse) and existing is not None)
                site = {**creation.site, "kind": "reuse"} if reusing else creation.site
                _each("on_get_variable_failure", name, exc, existing, site)
                raise
        if existing is not None:
            _each("on_reuse", var, _current_site("reuse"))
        elif call is not None and call.ignored_name_scope:
            _each("on_name_scope_ignored", var, call.ignored_name_scope, creation.site)
        return var

    return _get_single_variable


def _get_partitioned_variable(orig):
    arguments = _Arguments(orig)

    def _get_partitioned_variable(store, *args, **kwargs):
        __tracebackhide__ = True  # IPython shows the user's frames, not ours
        name = arguments.of((store, *args), kwargs)("name")
        existing = store._partitioned_vars.get(name)
        _local.partitions.append(name)
        try:
            var = orig(store, *args, **kwargs)
        except Exception as exc:
            _each("on_get_variable_failure", name, exc, existing, _current_site("create"))
            raise
        finally:
            _local.partitions.pop()
        if existing is not None:
            site = _current_site("reuse")
            for part in var:
                _each("on_reuse", part, site)
        return var

    return _get_partitioned_variable


# -- every variable ----------------------------------------------------------------------


@contextlib.contextmanager
def _creating(creation: Creation) -> Iterator[Creation]:
    _local.creations.append(creation)
    try:
        yield creation
    finally:
        _local.creations.pop()


def _variable_call(orig, not_variables: tuple[type, ...]):
    def __call__(cls, *args, **kwargs):
        __tracebackhide__ = True  # IPython shows the user's frames, not ours
        # `assign` and friends return an `_UnreadVariable`: an op's value, not a variable.
        if not _active or issubclass(cls, not_variables):
            return orig(cls, *args, **kwargs)
        outer = _local.creations[-1] if _local.creations else None
        if outer is None or outer.get_variable is None or outer.made:
            # A creation of its own (tf.Variable, Keras, a strategy's per-replica part).
            creation = _creation(args, kwargs, outer)
        else:
            creation = outer
        made_before = len(creation.made)
        with _creating(creation) if creation is not outer else contextlib.nullcontext():
            var = orig(cls, *args, **kwargs)
        wrapped = [v for v in creation.made[made_before:] if v is not var]
        _each("on_variable", var, creation, wrapped)
        if creation is not outer and outer is not None:
            outer.made.append(var)
        creation.made.append(var)
        return var

    return __call__


def _creation(args: tuple[Any, ...], kwargs: dict[str, Any], outer: Creation | None) -> Creation:
    """How a variable made outside `get_variable` was asked for.

    TF builds a variable through nested constructor calls (`tf.Variable` → a
    `ResourceVariable`, a distributed variable → its replicas): the inner ones inherit
    what the outermost call learnt from one walk of the stack.
    """
    if outer is not None:
        return Creation(
            api=outer.api,
            site=outer.site,
            initializer=outer.initializer,
            requested_name=kwargs.get("name"),
            slot=outer.slot,
            by_library=outer.by_library,
            optimizer=outer.optimizer,
        )
    origin = origins.walk(sys._getframe(2))
    initial_value = kwargs.get("initial_value", args[0] if args else None)
    return Creation(
        api=origin.api,
        site=sites.site("create", frame=origin.user_frame),
        initializer=origin.initializer or describe_initial_value(initial_value),
        requested_name=kwargs.get("name"),
        path=origin.path,
        slot=origin.slot,
        by_library=origin.by_library,
        optimizer=origin.optimizer,
    )


# -- placement -------------------------------------------------------------------------


def _collect_function_graphs(tf: TF) -> None:
    """Have TF keep the placed graphs of the functions it instantiates from now on."""
    with _lock:
        if not _collecting and _placement_listeners() and placement.start_function_graphs(tf):
            _collecting.append(tf)


def _deliver_function_graphs(tf: TF) -> None:
    """Every recording still listening gets the function graphs collected so far."""
    run_metadata = placement.take_function_graphs(tf)
    if run_metadata is not None:
        for listener in _placement_listeners():
            listener.on_function_graphs(run_metadata)


def _run_key(nest: Any, fetches: Any, feed_dict: Any) -> tuple[Any, ...] | None:
    """The names fetched and fed: what a session keys its executors, and so their
    placement, by. None when a fetch or feed is not hashable."""
    key = (
        tuple(getattr(f, "name", f) for f in nest.flatten(fetches)),
        frozenset(getattr(k, "name", k) for k in feed_dict or ()),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _session_run(orig, tf: TF):
    config_pb2, nest = tf.config_pb2, tf.tf.nest
    full_trace = config_pb2.RunOptions.FULL_TRACE

    def run(session, fetches, feed_dict=None, options=None, run_metadata=None):
        _each("on_session_run", session.graph)
        listeners = _here(_placement_listeners())
        profilers = _here([listener for listener in _active if listener.profile])
        key = _run_key(nest, fetches, feed_dict)
        placed = _placed_runs.setdefault(session, set())
        # TF reuses the executors of a run already placed, placed as they were; a
        # profiling recording traces every run.
        place = bool(listeners) and key not in placed
        if not place and not profilers:
            return orig(session, fetches, feed_dict, options, run_metadata)
        asked_graphs = bool(options is not None and options.output_partition_graphs)
        asked_trace = bool(options is not None and options.trace_level)
        run_options = config_pb2.RunOptions()
        if options is not None:
            run_options.CopyFrom(options)
        run_options.output_partition_graphs |= place
        if profilers:
            run_options.trace_level = full_trace
        metadata = run_metadata if run_metadata is not None else config_pb2.RunMetadata()
        traced = [listener for listener in _active if listener.profile]
        for listener in traced if run_options.trace_level else ():
            listener.pause_profiler()  # a full trace is a profiling session of its own
        try:
            result = orig(session, fetches, feed_dict, run_options, metadata)
        finally:
            for listener in traced:
                listener.resume_profiler()
        if place:
            for listener in listeners:
                listener.on_run_metadata(session.graph, metadata)
            if key is not None:
                placed.add(key)
        for listener in profilers:
            listener.on_step_stats(session.graph, metadata)
        if run_metadata is not None:  # give back only what the user asked for
            if not asked_graphs:
                del run_metadata.partition_graphs[:]
            if profilers and not asked_trace:
                run_metadata.ClearField("step_stats")
        return result

    return run
