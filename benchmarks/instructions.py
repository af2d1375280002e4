"""Recording overhead in instructions: `overhead.py`'s workloads counted by callgrind.

On a shared 2-core machine the time of the same work moves by ±10–20 % from run to run,
so a ratio of 1.05 cannot be told from 1.10 by the clock. The number of instructions a
run executes hardly moves: valgrind's callgrind counts them (every thread's), and a tiny
C helper compiled here asks it to dump its count as a run starts and ends. The figure is
instructions recorded ÷ instructions plain for the same workload, each after a warm-up
run of both. Instructions are not time (cache misses, memory and system calls cost
differently), but what recording adds is mostly Python running in the same process,
which the count sees.

    .venv/bin/python benchmarks/instructions.py [--only WORD ...] [--rounds 1]
    .venv/bin/python benchmarks/instructions.py --phases WORD
    .venv/bin/python benchmarks/instructions.py ... --no-placement
    .venv/bin/python benchmarks/instructions.py --floors WORD

`--phases WORD` splits one recorded run of the first workload whose name holds WORD by
where its instructions went: the hooks' stack walks, each step of the exit, and the rest
of the block (TF's own work and every other hook), against a plain run.

`--floors WORD` counts, against a plain run of that workload, parts of the work any
recorder keeping SPEC.md's contract must do, each the cheapest way found: TF calling an
op callback (a no-op one) on each eager op; asking TF each graph op's name, type, device
and inputs, by its C API or in one GraphDef; and the smallest networkx graph of the ops
(a node each with SPEC's op fields, its `contains` edge, its `input` edges), made the
way the report's is. README.md's "What 1.05 would take" reads them.

`--no-placement` records with `record(placement=False)`: what asking TF where it placed
ops costs (for `tf.function`s, TF keeps the graphs of every function it instantiates).

Needs valgrind (Debian: `apt-get install valgrind`) and a C compiler. Under callgrind
TensorFlow runs ~50× slower: the whole set takes about two hours; `--only` picks some
(each WORD picks the workloads whose name holds it).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HELPER = r"""
#include <valgrind/callgrind.h>
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
TOTALS = re.compile(rb"^(?:totals|summary): (\d+)$", re.MULTILINE)
LABEL = re.compile(rb"^desc: Trigger: Client Request: (.*)$", re.MULTILINE)
END = "|end"  # marks the dump at a counted call's end
CALLBACK = "TF calling a no-op op callback on each eager op"  # `--floors`
# `--phases`: (module, attribute, phase) of what is counted apart, inside the block's own.
PHASES = [
    ("jupyter_scope.capture.recorder", "Recording.__enter__", "enter"),
    ("jupyter_scope.capture.sites", "site", "hooks: the user's call site, per variable"),
    ("jupyter_scope.capture.origins", "walk", "hooks: the stack walk, per variable"),
    ("jupyter_scope.capture.recorder", "Recording.__exit__", "exit: the rest"),
    ("jupyter_scope.capture.recorder", "Recording._graph_ops", "exit: reading ops back from TF"),
    ("jupyter_scope.capture.recorder", "Recording._callers", "exit: which op runs each function"),
    ("jupyter_scope.capture.recorder", "Recording._place_functions", "exit: placing function ops"),
    ("jupyter_scope.capture.hooks", "_deliver_function_graphs", "exit: TF's function graphs"),
    ("jupyter_scope.model.build", "build_graph", "exit: building the networkx graph"),
    ("jupyter_scope.model.build", "diagnose", "exit: diagnostics"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="run only the workloads whose name holds one")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--phases", metavar="WORD", help="split one recorded run by phase")
    parser.add_argument("--floors", metavar="WORD", help="count parts of what any recorder must do")
    parser.add_argument("--no-placement", action="store_true", help="record(placement=False)")
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    placement = ["--no-placement"] if args.no_placement else []
    if args.child and args.no_placement:
        import overhead

        overhead.RECORD_OPTIONS["placement"] = False
    if args.child and args.phases:
        phases_child(Path(args.child), args.phases)
    elif args.child and args.floors:
        floors_child(Path(args.child), args.floors)
    elif args.child:
        child(Path(args.child), args.only, args.rounds)
    elif args.phases:
        print_phases(parent(["--phases", args.phases, *placement]))
    elif args.floors:
        dumps = parent(["--floors", args.floors])
        if CALLBACK in dumps:  # a whole run: what the callback adds is the floor
            dumps[CALLBACK] = (dumps[CALLBACK][0] - dumps["plain"][0], 0)
        print_phases(dumps, total=False)
    else:
        only = ["--only", *args.only] if args.only else []
        parent([*only, "--rounds", str(args.rounds), *placement])


def parent(options: list[str]) -> dict[str, tuple[int, int]]:
    """Runs this script's child under callgrind with `options`; the dumps it left behind
    (kept by `--phases`), as label → (instructions, calls ended)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "dump.c").write_text(HELPER)
        compile_helper = ["cc", "-shared", "-fPIC", "-O1", "-o", "libdump.so", "dump.c"]
        subprocess.run(compile_helper, cwd=work, check=True)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=yes",
            f"--callgrind-out-file={work / 'cg.out'}",
            sys.executable,
            __file__,
            "--child",
            str(work),
            *options,
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
        subprocess.run(command, env=env, check=True, stderr=subprocess.DEVNULL)
        dumps: dict[str, tuple[int, int]] = {}
        for path in sorted(work.glob("cg.out.*")):
            data = path.read_bytes()
            labels = LABEL.findall(data)  # none on the dump at the program's end
            label, end = (labels[-1].decode() if labels else "skip").partition(END)[:2]
            instructions, calls = dumps.get(label, (0, 0))
            dumps[label] = (instructions + int(TOTALS.findall(data)[-1]), calls + bool(end))
        return dumps


def dumper(work: Path) -> Any:
    """The helper compiled in `work`: its `dump(label)` has callgrind write its counts.
    (The children import `overhead` and `json_size` as this script's neighbours: a
    script's folder is first on `sys.path`.)"""
    import ctypes

    return ctypes.CDLL(str(work / "libdump.so"))


def child(work: Path, only: list[str] | None, rounds: int) -> None:
    import overhead

    helper = dumper(work)

    def count(_: Any) -> int:
        """Instructions since the last dump. A run starts with a dump that is not read
        then: reading a dump file inside a run would be counted with the run."""
        helper.dump(b"run")
        dumps = sorted(work.glob("cg.out*"), key=lambda p: p.stat().st_mtime_ns)
        total = int(TOTALS.findall(dumps[-1].read_bytes())[-1])
        for path in dumps:
            path.unlink()
        return total

    def run(work_fn: overhead.Workload, record: bool) -> int:
        return overhead.run(work_fn, record, lambda: helper.dump(b"skip"), count)

    print(f"callgrind instructions, {rounds} round(s) after a warm-up of each\n", flush=True)
    print("| workload | plain (M instructions) | recorded | ratio (min–max) |")
    print("|---|---:|---:|---:|")
    words: list[str | None] = list(only) if only else [None]
    chosen = {k: w for word in words for k, w in overhead.chosen(word).items()}
    for name, work_fn in chosen.items():
        run(work_fn, False), run(work_fn, True)  # warm up imports, caches and traces
        plain, recorded = [], []
        for _ in range(rounds):
            plain.append(run(work_fn, False))
            recorded.append(run(work_fn, True))
        ratios = [r / p for p, r in zip(plain, recorded, strict=True)]
        print(
            f"| {name} | {statistics.median(plain) / 1e6:,.0f} | "
            f"{statistics.median(recorded) / 1e6:,.0f} | {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}–{max(ratios):.3f}) |",
            flush=True,
        )


def phases_child(work: Path, word: str) -> None:
    """A plain and a recorded run, the recorded one dumped at each phase's start and end
    (labelled with the phase the instructions since the last dump belong to); the counts
    are read by the parent, after the run."""
    import importlib

    import overhead

    helper = dumper(work)
    running = ["skip"]  # the phase now running, innermost last

    def counted(function: Any, phase: str) -> Any:
        def run_counted(*args: Any, **kwargs: Any) -> Any:
            helper.dump(running[-1].encode())
            running.append(phase)
            try:
                return function(*args, **kwargs)
            finally:
                helper.dump((running.pop() + END).encode())

        return run_counted

    work_fn = next(iter(overhead.chosen(word).values()))
    overhead.run(work_fn, False, lambda: None, lambda _: None)  # warm up
    overhead.run(work_fn, True, lambda: None, lambda _: None)
    for module, path, phase in PHASES:
        owner: Any = importlib.import_module(module)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        setattr(owner, name, counted(getattr(owner, name), phase))
    for record, label in ((False, "plain"), (True, "block: TF's work and the other hooks")):
        running[-1] = label
        overhead.run(
            work_fn,
            record,
            lambda: helper.dump(b"skip"),
            lambda _: helper.dump(running[-1].encode()),
        )
        running[-1] = "skip"


def floors_child(work: Path, word: str) -> None:
    """A plain run, then each floor of `--floors` counted apart (see the module's text)."""
    import json_size
    import overhead
    from tensorflow.python.client import pywrap_tf_session as c_api
    from tensorflow.python.framework import op_callbacks, ops

    from jupyter_scope.model.digraph import digraph

    helper = dumper(work)
    work_fn = next(iter(overhead.chosen(word).values()))
    overhead.run(work_fn, False, lambda: None, lambda _: None)  # warm up
    capture = json_size.capture(work_fn)  # a recorded run: the ops any recorder must list
    graphs: list[Any] = []  # the graphs the plain run makes
    graph_init = ops.Graph.__init__

    def keep_graph(graph: Any, *args: Any, **kwargs: Any) -> None:
        graph_init(graph, *args, **kwargs)
        graphs.append(graph)

    def plain_end(_: Any) -> None:
        helper.dump(b"plain")

    def callback_end(_: Any) -> None:
        helper.dump(CALLBACK.encode())

    def counted(label: str, run: Any) -> Any:
        gc.collect()
        helper.dump(b"skip")
        try:
            return run()
        finally:
            helper.dump(label.encode())

    def plain_run() -> None:
        ops.Graph.__init__ = keep_graph
        try:
            overhead.run(work_fn, False, lambda: helper.dump(b"skip"), plain_end)
        finally:
            ops.Graph.__init__ = graph_init

    def callback_run() -> None:
        def no_op(*args: Any, **kwargs: Any) -> None:
            return None

        # Graph ops skip it, as they skip the recorder's (`hooks._graph_op_callbacks`).
        should_invoke = op_callbacks.should_invoke_op_callbacks
        op_callbacks.should_invoke_op_callbacks = lambda: False
        op_callbacks.add_op_callback(no_op)
        try:
            overhead.run(work_fn, False, lambda: helper.dump(b"skip"), callback_end)
        finally:
            op_callbacks.remove_op_callback(no_op)
            op_callbacks.should_invoke_op_callbacks = should_invoke

    def accessors() -> list[tuple]:
        read = []
        for graph in graphs:
            for op in graph.get_operations():
                c_op = op._c_op
                inputs = [c_api.TF_OperationName(o.oper) for o in c_api.GetOperationInputs(c_op)]
                name, kind = c_api.TF_OperationName(c_op), c_api.TF_OperationOpType(c_op)
                read.append((name, kind, c_api.TF_OperationDevice(c_op), inputs))
        return read

    def graph_defs() -> list[tuple]:
        return [
            (
                node.name,
                node.op,
                node.device,
                [i.partition(":")[0] for i in node.input if i[0] != "^"],
            )
            for graph in graphs
            for node in graph.as_graph_def().node
        ]

    def smallest_graph() -> None:
        scopes, nodes, edges = {"": "scope:0"}, [], []
        ids: dict[str, dict[str, str]] = {}  # graph → TF's name of an op → its node
        for i, op in enumerate(capture.ops):
            node = ids.setdefault(op.graph, {})[op.tf_name or op.name] = f"op:{i}"
            scope = op.name.rpartition("/")[0]
            if scope not in scopes:
                scopes[scope] = f"scope:{len(scopes)}"
            attrs = {"kind": "op", "name": op.name, "type": op.type, "scope": scope}
            attrs["device_requested"], attrs["device"] = op.device_requested, op.device
            nodes.append((node, attrs))
            edges.append((scopes[scope], node, {"kind": "contains"}))
        for op, (target, _) in zip(capture.ops, nodes, strict=True):
            in_graph = ids[op.graph]
            edges += [(in_graph[p], target, {"kind": "input"}) for p in op.inputs if p in in_graph]
        scope_nodes = [(i, {"kind": "scope", "name": s}) for s, i in scopes.items()]
        digraph(scope_nodes + nodes, edges)

    plain_run()
    if any(op.graph == "eager" for op in capture.ops):
        callback_run()
    if graphs:
        counted("TF's C API: each graph op's name, type, device and inputs", accessors)
        counted("one GraphDef of each graph, each op's name, type, device, inputs", graph_defs)
    counted("the smallest networkx graph of the ops", smallest_graph)


def print_phases(dumps: dict[str, tuple[int, int]], total: bool = True) -> None:
    """The table of `--phases` (with the recorded total) or `--floors`."""
    plain = dumps.pop("plain")[0]
    dumps.pop("skip", None)
    recorded = sum(instructions for instructions, _ in dumps.values())
    print(f"plain {plain / 1e6:,.0f} M instructions", end="")
    print(f", recorded {recorded / 1e6:,.0f} M (ratio {recorded / plain:.3f})\n" if total else "\n")
    print("| phase | calls | M instructions | % of plain |")
    print("|---|---:|---:|---:|")
    for label, (instructions, n) in sorted(dumps.items(), key=lambda kv: -kv[1][0]):
        print(f"| {label} | {n or ''} | {instructions / 1e6:,.1f} | {instructions / plain:.2%} |")


if __name__ == "__main__":
    main()
