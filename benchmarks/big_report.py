"""A report of 10^6 variables: `jupyter-scope show`, `convert` and `match` on it.

Builds, through the real builder (plain records, no TensorFlow, as the tests' report
factory does), a recorded report of 1,000 layer scopes × 1,000 variables (kernels,
biases, norms' gammas and betas; every tenth reused) and a checkpoint-like report of
the same model as `jupyter_scope.load` reads one from a checkpoint (no sites, nothing
known of training or reuse): one layer saved under an old scope name (a rename `match`
infers), one layer missing, one layer's optimizer slots unexpected, 100 shapes changed.
Both are written as JSON documents in a temporary directory, then each command runs in
a fresh process under `/usr/bin/time`: its wall time, its CPU time (user + system) and
peak RSS (`%M`, the command's own: time forks it from a small process, so no parent's
peak is carried across exec), and the load average as it starts.

    .venv/bin/python benchmarks/big_report.py [--variables 1000000] [--keep DIR]
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
from jupyter_scope.records import Capture, VariableRecord

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.report_factory import CPU, meta

ROOT = Path(__file__).resolve().parents[1]

PER_SCOPE = 1000
LAYERS_PER_BLOCK = 100
RENAMED = "layer_1/"  # model/block_0/layer_1/ is old_layer_1/ in the checkpoint
# (name, shape, trainable, initializer) of a layer's variables, in turn.
KINDS = (
    ("kernel", [256, 256], True, "glorot_uniform"),
    ("bias", [256], True, "zeros"),
    ("gamma", [256], True, "ones"),
    ("moving_mean", [256], False, "zeros"),
)


def names(n_variables: int) -> list[tuple[str, tuple]]:
    """(full name, its kind) of each variable: `model/block_B/layer_L/unit_U/kind`."""
    found = []
    for i in range(n_variables):
        layer, j = divmod(i, PER_SCOPE)
        block, layer = divmod(layer, LAYERS_PER_BLOCK)
        kind = KINDS[j % len(KINDS)]
        found.append((f"model/block_{block}/layer_{layer}/unit_{j // len(KINDS)}_{kind[0]}", kind))
    return found


def recorded(n_variables: int) -> Capture:
    variables = {}
    for i, (name, (_, shape, trainable, initializer)) in enumerate(names(n_variables)):
        sites = [{"file": "model.py", "line": 20 + i % 40, "kind": "create"}]
        if i % 10 == 0:
            sites.append({"file": "train.py", "line": 7, "kind": "reuse"})
        variables[f"g0:{name}"] = VariableRecord(
            key=f"g0:{name}",
            name=name,
            graph="g0",
            shape=shape,
            dtype="float32",
            trainable=trainable,
            api="get_variable",
            initializer=initializer,
            device=CPU,
            reuse_count=1 if i % 10 == 0 else 0,
            sites=sites,
        )
    return Capture(meta=meta(), variables=variables)


def checkpoint(n_variables: int) -> Capture:
    """The same model as a checkpoint holds it, with the differences the docstring says."""
    all_names = names(n_variables)
    last_layer = all_names[-1][0].rsplit("/", 1)[0]  # missing from the checkpoint
    slots = all_names[0][0].rsplit("/", 1)[0]  # its variables' slots are unexpected
    found = []
    for i, (name, (_, shape, _, _)) in enumerate(all_names):
        if name.startswith(last_layer + "/"):
            continue
        if i % (n_variables // 100 or 1) == 1:
            shape = [128, *shape]
        found.append((name.replace(RENAMED, f"old_{RENAMED}"), shape))
        if name.startswith(slots + "/"):
            found.append((f"{name}/Adam", shape))
    variables = {
        name: VariableRecord(
            key=name,
            name=name,
            graph="g0",
            shape=shape,
            dtype="float32",
            trainable=None,
            api="checkpoint",
            created=None,
            reuse_count=None,
        )
        for name, shape in found
    }
    source = {"kind": "checkpoint", "path": "ckpt/model.ckpt", "format": "name-based"}
    return Capture(meta={**meta(), "source": source}, variables=variables)


def timed(command: list[str]) -> tuple[int, float, float, float]:
    """(exit status, wall seconds, CPU seconds (user + system), peak RSS in MB) of
    `jupyter-scope COMMAND…`. CPU time is what the command did: on 2 shared cores its
    wall time also holds other engineers' work (the load average is printed with it)."""
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "-m", "jupyter_scope.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    seconds, user, system, peak_kb = run.stderr.split()[-4:]
    return run.returncode, float(seconds), float(user) + float(system), int(peak_kb) / 1024


def write(path: Path, capture: Capture) -> None:
    if not path.exists():
        start = time.perf_counter()
        path.write_text(build_report(capture).to_json())
        print(f"built {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variables", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the documents in DIR and keep them")
    parser.add_argument("--only", choices=("show", "convert", "match"), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        where = args.keep or Path(temp)
        where.mkdir(parents=True, exist_ok=True)
        report, ckpt = where / f"report{args.variables}.json", where / f"ckpt{args.variables}.json"
        write(report, recorded(args.variables))
        write(ckpt, checkpoint(args.variables))
        commands = {
            "show": ["show", str(report)],
            "convert": ["convert", str(report), "-o", str(Path(temp) / "r.csv"), "--force"],
            "match": ["match", str(report), str(ckpt)],
        }
        size = report.stat().st_size / 1e6
        print(f"{args.variables:,} variables, {size:.0f} MB document")
        print("| command | exit | time | CPU | peak memory | load average |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in args.only or commands:
            load = os.getloadavg()[0]
            status, seconds, cpu, peak = timed(commands[name])
            print(
                f"| `{name}` | {status} | {seconds:.2f} s | {cpu:.2f} s | {peak:.0f} MB "
                f"| {load:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
