"""Measured cost, on request: each op's run time and memory as TF's own traces report them.

- A `Session.run` traced in full (`RunOptions.FULL_TRACE`) hands back step stats: per
  executed node its time (`op_end_rel_micros`) and its allocators' peaks, read as tfprof
  reads them (`tests/test_measured_cost.py` holds them equal to tfprof's scope view).
- Eager ops and `tf.function`s run while TF's profiler traces (`tf.profiler.experimental`)
  are read from the XSpace it writes, with TF's own generated proto classes
  (`tsl.profiler.protobuf.xplane_pb2`). xprof's converters read it too, but give per
  op name totals of function ops only (no eager op: TF 2.21 traces an eager kernel with no
  name), and their trace viewer gives back these same events as JSON. A function's op
  is an event `name:type` inside an `ExecutorState::Process` whose step id is that of the
  `FunctionRun` under the `EagerLocalExecute: <function>` that ran it. An eager op is an
  `EagerExecute` event naming only its type; its time is its `EagerKernelExecute` (the
  kernel's run, as a graph op's time is). Which recorded eager op it was comes from the
  order they ran in, matched type by type, never from the type alone.
"""

from __future__ import annotations

import glob
import importlib
import os
import shutil
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jupyter_scope.capture import placement
from jupyter_scope.capture.tf_api import TF
from jupyter_scope.records import OpRecord

PS_PER_MICRO = 1_000_000
# TF's generated classes of its profiler's trace; asked for only when profiling, so that a
# TF without them records as ever (and warns when asked to profile)
XPLANE = "tensorflow.tsl.profiler.protobuf.xplane_pb2"


class ProfileWarning(UserWarning):
    """A profile was asked for and could not be had: the report has no measured cost."""


@dataclass
class Cost:
    """An op's measured cost over every run traced: time in µs; peak bytes where the trace
    has memory (step stats do; the profiler's trace has none for CPU allocations)."""

    micros: float = 0.0
    peak_bytes: int | None = None

    def add(self, micros: float, peak_bytes: int | None) -> None:
        self.micros += micros
        if peak_bytes is not None:
            self.peak_bytes = (self.peak_bytes or 0) + peak_bytes


def add_step_stats(costs: dict[str, Cost], run_metadata: Any) -> None:
    """A fully traced run's nodes into `costs` (node name → cost), as tfprof counts them:
    an op that ran took at least 1 µs; its bytes are its allocators' peaks with its
    temporary and persistent memory."""
    for name, _, stats in placement.executed(run_metadata):
        if stats.all_start_micros <= 0:  # tfprof skips a node with no start time
            continue
        memory = stats.memory_stats
        peak = sum(m.peak_bytes for m in stats.memory)
        peak += memory.temp_memory_size + memory.persistent_memory_size
        costs.setdefault(name, Cost()).add(max(stats.op_end_rel_micros, 1), peak)


@dataclass
class Trace:
    """What the profiler's trace says: per function run (by TF's name of the function,
    `__inference_step_16`) its ops' time by node name; the eager ops in the order they
    ran, each (type, µs of its kernel; None for a function call, whose ops are timed)."""

    functions: defaultdict[str, dict[str, Cost]] = field(default_factory=lambda: defaultdict(dict))
    eager: list[tuple[str, float | None]] = field(default_factory=list)


# Eager ops TF runs without calling op callbacks, so never recorded: a Python value made
# a tensor (`tf.matmul(x, 2.0)`'s 2.0).
UNRECORDED = {"_EagerConst"}


def time_eager(ops: list[OpRecord], ran: list[tuple[str, float | None]]) -> int:
    """Each recorded eager op its kernel's time, pairing the recorder's eager ops and the
    trace's in the order both saw them run (but the trace's `UNRECORDED`), while their
    types agree: from the first disagreement on (an op one saw and the other did not) the
    rest stay unmeasured rather than paired by type. How many were timed."""
    timed = 0
    seen = [(kind, micros) for kind, micros in ran if kind not in UNRECORDED]
    for op, (kind, micros) in zip(ops, seen, strict=False):
        if op.type != kind:
            break
        if micros is not None:
            op.micros = round(micros, 3)
            timed += 1
    return timed


class Profiler:
    """TF's profiler over a recording: started on entry, stopped and read on exit. TF runs
    one profiling session at a time, and a fully traced `Session.run` is one: around
    such a run it pauses, each stretch in a directory of its own. Any failure is a one-line
    warning (kept in `warning`) and no measured cost, never an error."""

    def __init__(self, tf: TF) -> None:
        self._tf = tf
        self.warning: str | None = None
        self._dirs: list[str] = []
        self._running = False
        try:
            self._xspace = importlib.import_module(XPLANE).XSpace
        except (ImportError, AttributeError) as exc:
            self._warn(f"this TensorFlow has no classes for its profiler's trace ({_line(exc)})")
        self.resume()

    def _warn(self, reason: str) -> None:
        if self.warning is None:  # one line, for the first thing that went wrong
            self.warning = f"no measured cost: {reason}"
            warnings.warn(f"jupyter-scope: {self.warning}", ProfileWarning, stacklevel=5)

    def resume(self) -> None:
        if self.warning is not None or self._running:
            return
        directory = tempfile.mkdtemp(prefix="jupyter-scope-profile-")
        self._dirs.append(directory)
        try:
            self._tf.tf.profiler.experimental.start(directory)
            self._running = True
        except Exception as exc:  # no profiler in this TF, another one running
            self._warn(f"TF's profiler did not start ({_line(exc)})")

    def pause(self) -> None:
        if self._running:
            self._running = False
            try:
                self._tf.tf.profiler.experimental.stop()
            except Exception as exc:
                self._warn(f"TF's profiler did not stop ({_line(exc)})")

    def stop(self) -> Trace | None:
        """The trace, or None (warned) where there is none to read."""
        self.pause()
        try:
            if self.warning is not None:
                return None
            trace, events = Trace(), 0
            for directory in self._dirs:
                pattern = os.path.join(directory, "**", "*.xplane.pb")
                for path in sorted(glob.glob(pattern, recursive=True)):
                    with open(path, "rb") as f:
                        events += read_trace(self._xspace, f.read(), trace)
            if not events:
                raise ValueError("the trace is empty")
            return trace
        except Exception as exc:
            self._warn(f"TF's profiler trace could not be read ({_line(exc)})")
            return None
        finally:
            for directory in self._dirs:
                shutil.rmtree(directory, ignore_errors=True)
            self._dirs = []


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def read_trace(xspace: Any, data: bytes, trace: Trace) -> int:
    """An XSpace (read with TF's class `xspace`) into `trace`, its host plane: function
    ops by step, eager ops in order. How many events it holds."""
    space = xspace()
    space.ParseFromString(data)
    host = [plane for plane in space.planes if plane.name.startswith("/host:")]
    steps: dict[int, str] = {}  # a function run's step id → TF's name of the function
    executed: list[tuple[int, str, float]] = []  # (step id, node name, µs)
    eager: list[_Eager] = []
    for plane in host:
        for line in plane.lines:
            _read_line(plane, line, eager, steps, executed)
    # In the order they began, whichever thread ran them: another thread's eager ops (that
    # the recorder does not see) then break the pairing instead of being paired
    eager.sort(key=lambda op: op.start)
    trace.eager += [(op.kind, op.micros) for op in eager]
    for step, name, micros in executed:
        function = steps.get(step)
        if function is not None:
            trace.functions[function].setdefault(name, Cost()).add(micros, None)
    return sum(len(line.events) for plane in host for line in plane.lines)


def _read_line(
    plane: Any,
    line: Any,
    eager: list[_Eager],
    steps: dict[int, str],
    executed: list[tuple[int, str, float]],
) -> None:
    names = plane.event_metadata
    stat_names = {k: v.name for k, v in plane.stat_metadata.items()}

    def stats(event: Any) -> dict[str, Any]:
        found = {}
        for stat in event.stats:
            kind = stat.WhichOneof("value")
            value = getattr(stat, kind) if kind else None
            found[stat_names.get(stat.metadata_id, "")] = (
                stat_names.get(value, "") if kind == "ref_value" else value
            )
        return found

    def inside(name: str) -> _Open | None:
        return next((o for o in reversed(open_) if o.name.startswith(name)), None)

    open_: list[_Open] = []  # the events the current one sits inside, innermost last
    for event in sorted(line.events, key=lambda e: (e.offset_ps, -e.duration_ps)):
        end = event.offset_ps + event.duration_ps
        while open_ and open_[-1].end < end:
            open_.pop()
        meta = names[event.metadata_id]
        name, micros = meta.name, event.duration_ps / PS_PER_MICRO
        here = _Open(end, name)
        if name == "EagerExecute":
            found = stats(event)
            eager.append(_Eager(event.offset_ps, str(found.get("eager_op", ""))))
            if not found.get("is_func"):  # a function call's time is its ops'
                here.eager = eager[-1]
        elif name == "EagerKernelExecute":
            outer = inside("EagerExecute")
            if outer is not None and outer.eager is not None:
                outer.eager.micros = micros
                outer.eager = None  # its first kernel run is its own
        elif name == "FunctionRun":
            called, step = inside("EagerLocalExecute: "), stats(event).get("id")
            if called is not None and step is not None:
                steps[int(step)] = called.name.removeprefix("EagerLocalExecute: ")
        elif name == "ExecutorState::Process":
            here.step = stats(event).get("id")
        elif meta.display_name and name.endswith(f":{meta.display_name}"):  # `node:type`
            process = inside("ExecutorState::Process")
            if process is not None and process.step is not None:
                node = name[: -len(meta.display_name) - 1]
                executed.append((int(process.step), node, micros))
        open_.append(here)


@dataclass
class _Eager:
    """An eager op in the trace: when it began, its type, its kernel's µs once read."""

    start: int
    kind: str
    micros: float | None = None


@dataclass
class _Open:
    """An event of a line that later ones may sit inside."""

    end: int
    name: str
    eager: _Eager | None = None  # an eager op, until its kernel is timed
    step: int | None = None  # an executor's step id
