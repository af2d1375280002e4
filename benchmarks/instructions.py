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

Needs valgrind (Debian: `apt-get install valgrind`) and a C compiler. Under callgrind
TensorFlow runs ~50× slower: the whole set takes about two hours; `--only` picks some
(each WORD picks the workloads whose name holds it).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HELPER = r"""
#include <valgrind/callgrind.h>
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
TOTALS = re.compile(rb"^(?:totals|summary): (\d+)$", re.MULTILINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="run only the workloads whose name holds one")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.only, args.rounds)
    else:
        parent(args.only, args.rounds)


def parent(only: list[str] | None, rounds: int) -> None:
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
            "--rounds",
            str(rounds),
            *(["--only", *only] if only else []),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
        subprocess.run(command, env=env, check=True, stderr=subprocess.DEVNULL)


def child(work: Path, only: list[str] | None, rounds: int) -> None:
    import ctypes

    sys.path.insert(0, str(Path(__file__).parent))
    import overhead

    helper = ctypes.CDLL(str(work / "libdump.so"))

    def count(label: str) -> int:
        """Instructions since the last dump; the dump file is read and removed."""
        helper.dump(label.encode())
        newest = max(work.glob("cg.out*"), key=lambda p: p.stat().st_mtime_ns)
        total = int(TOTALS.findall(newest.read_bytes())[-1])
        newest.unlink()
        return total

    def run(work_fn: overhead.Workload, record: bool) -> int:
        return overhead.run(work_fn, record, lambda: count("before"), lambda _: count("run"))

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


if __name__ == "__main__":
    main()
