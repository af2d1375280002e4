"""Loading a ~1 GB checkpoint: `jupyter_scope.load` against `tf.train.list_variables`.

Writes a name-based checkpoint (`SaveV2`) and an object-based one (`tf.train.Checkpoint`),
each a few large variables plus many small ones, into a temporary directory deleted
afterwards. Each reader then runs in a fresh process, TensorFlow already imported, and
reports its wall time and the growth of the process's peak memory (VmHWM) during the
call; jupyter-scope's own modules are imported beforehand, as TF is. Times are the
best of 5 calls. Reading every tensor (`get_tensor`) is measured too: what laziness
avoids.

    .venv/bin/python benchmarks/load_checkpoint.py [--large 4] [--small 2000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

LARGE_ELEMENTS = 64 * 1024 * 1024  # 256 MB of float32 each
SMALL_SHAPE = (16, 16)

# Peak growth is VmHWM after the call minus VmHWM before it (after importing TF).
MEASURE = """
import re, sys, time
from pathlib import Path
import tensorflow as tf
import jupyter_scope
import jupyter_scope.model.build, jupyter_scope.load.tf_files  # imports are not reading

def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])

def read_all(prefix):
    reader = tf.train.load_checkpoint(prefix)
    return [reader.get_tensor(name) for name in reader.get_variable_to_shape_map()]

how, prefix = sys.argv[1], sys.argv[2]
call = {
    "load": jupyter_scope.load,
    "list_variables": tf.train.list_variables,
    "get_tensor": read_all,
}[how]
before = peak()
times = []
for _ in range(5):
    start = time.perf_counter()
    result = call(prefix)
    times.append(time.perf_counter() - start)
    del result
seconds = min(times)
print(f"{seconds:.4f} {(peak() - before) / 1024:.2f}")
"""


def write_checkpoints(root: Path, large: int, small: int) -> dict[str, str]:
    import tensorflow as tf

    names = [f"big/layer{i}/kernel" for i in range(large)]
    names += [f"small/block{i // 10}/unit{i % 10}/w" for i in range(small)]
    values = [tf.random.uniform([LARGE_ELEMENTS]) for _ in range(large)]
    values += [tf.random.uniform(SMALL_SHAPE) for _ in range(small)]
    name_based = str(root / "name" / "model.ckpt")
    tf.raw_ops.SaveV2(
        prefix=name_based, tensor_names=names, shape_and_slices=[""] * len(names), tensors=values
    )
    module = tf.Module()
    module.big = [tf.Variable(v) for v in values[:large]]
    module.small = [tf.Variable(v) for v in values[large:]]
    object_based = tf.train.Checkpoint(model=module).write(str(root / "object" / "ckpt"))
    return {"name-based": name_based, "object-based": object_based}


def measure(how: str, prefix: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, how, prefix], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[-2]), float(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=4, help="variables of 256 MB")
    parser.add_argument("--small", type=int, default=2000, help="variables of 16×16")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        prefixes = write_checkpoints(Path(tmp), args.large, args.small)
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2 / 2**30
        print(f"{args.large} × 256 MB + {args.small} small variables, {size:.2f} GB each")
        print("| checkpoint | reader | time (s) | peak growth (MB) | time ÷ list_variables |")
        print("|---|---|---:|---:|---:|")
        for kind, prefix in prefixes.items():
            base = None
            for how in ("list_variables", "load", "get_tensor"):
                seconds, memory = measure(how, prefix)
                base = base or seconds
                print(f"| {kind} | {how} | {seconds:.3f} | {memory:.1f} | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
