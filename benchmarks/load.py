"""Loading a large report: `jupyter-scope show` on a valid ~170 MB document (700k ops).

Builds the document through the real builder (no TensorFlow: plain records, as the
tests' report factory does), writes it once, then runs `jupyter-scope show` on it in a
fresh process and reports that process's wall time and peak memory (its high-water
RSS, Linux only), both measured in the same run.

    .venv/bin/python benchmarks/load.py [--ops 700000] [--keep PATH]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_scope.analysis.build import build_report
from jupyter_scope.records import Capture, OpRecord, VariableRecord

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.report_factory import CPU, meta

OPS_PER_LAYER = 100
OP_TYPES = ("MatMul", "BiasAdd", "Relu", "Identity", "Conv2D")

# The peak is VmHWM, this process's own high-water RSS. Not ru_maxrss: Linux carries it
# across exec, so it would report this benchmark's own peak from building the document.
MEASURE = """
import re, sys, time
from pathlib import Path
from jupyter_scope import cli
start = time.perf_counter()
status = cli.main(["show", sys.argv[1]])
seconds = time.perf_counter() - start
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
print(f"{status} {seconds:.2f} {peak / 1024:.0f}", file=sys.stderr)
"""


def capture(n_ops: int) -> Capture:
    """Layers `net/bI/lJ` of 100 ops each, a weight per layer read by its first op."""
    variables, ops = {}, []
    for i in range(n_ops // OPS_PER_LAYER):
        scope = f"net/b{i // 50}/l{i % 50}"
        key = f"g0:{scope}/weights"
        variables[key] = VariableRecord(
            key=key,
            name=f"{scope}/weights",
            graph="g0",
            shape=[256, 256],
            dtype="float32",
            trainable=True,
            api="get_variable",
            device=CPU,
            sites=[{"file": "model.py", "line": 10 + i % 40, "kind": "create"}],
        )
        for j in range(OPS_PER_LAYER):
            name = f"{scope}/op{j}"
            ops.append(
                OpRecord(
                    name,
                    OP_TYPES[j % len(OP_TYPES)],
                    "g0",
                    None,
                    None,
                    reads=[key] if j == 0 else [],
                )
            )
    return Capture(meta=meta(), variables=variables, ops=ops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=700_000)
    parser.add_argument("--keep", type=Path, help="write the document here and keep it")
    args = parser.parse_args()
    path = args.keep or Path(tempfile.mkdtemp()) / "large.json"
    if not path.exists():
        start = time.perf_counter()
        path.write_text(build_report(capture(args.ops)).to_json())
        print(f"built {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    size = path.stat().st_size / 1e6
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    status, seconds, peak = run.stderr.split()[-3:]
    print(f"| {args.ops:,} | {size:.0f} MB | {status} | {seconds} s | {peak} MB |")
    if args.keep is None:
        path.unlink()


if __name__ == "__main__":
    main()
