"""Small ScopeReports made without TensorFlow, through the real builder (`build_report`),
and other helpers of the export, diff, display and CLI tests.

`hostile_report()` carries names and messages that try to break every output format:
markup, quotes, backslashes, table pipes, line separators, non-ASCII.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_scope import ScopeReport
from jupyter_scope.analysis.build import build_report
from jupyter_scope.records import Capture, OpRecord, VariableRecord

DATA = Path(__file__).parent / "data"
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"
EVIL = '</script><script>alert(1)</script><!--|`"\\\u2028\u2029é'


def sample_report() -> ScopeReport:
    return ScopeReport.from_json((DATA / "sample_report.json").read_text())


def meta() -> dict:
    return {
        "tf_version": "2.21.0",
        "mode": "graph",
        "devices": [{"name": CPU, "device_type": "CPU", "kind": "physical"}],
        "wall_time": 0.5,
        "cell": None,
        "graphs": [{"key": "g0", "kind": "graph", "name": None}],
        "error": None,
    }


def variable(name: str, shape: list[int | None] | None, key: str = "", **fields) -> VariableRecord:
    """A variable of graph `g0` (its key defaults to `g0:name`)."""
    fields = {"dtype": "float32", "trainable": True, "api": "get_variable", **fields}
    site = {"file": "model.py", "line": 3, "kind": "create"}
    return VariableRecord(
        key=key or f"g0:{name}", name=name, graph="g0", shape=shape, sites=[site], **fields
    )


def make_report(variables: list[VariableRecord], ops: list[OpRecord] = ()) -> ScopeReport:
    capture = Capture(meta=meta(), variables={v.key: v for v in variables}, ops=list(ops))
    return build_report(capture)


def tower_report(**changes) -> ScopeReport:
    """Two layers, a reused variable, a fallback from GPU to CPU, and two ops.

    `changes` maps a variable name to fields to change (or to `None` to leave it out).
    """
    fields = {
        "tower/conv1/weights": {"shape": [5, 5, 3, 32], "reuse_count": 1, "device": CPU},
        "tower/conv1/biases": {"shape": [32], "initializer": "constant(0.0)", "device": CPU},
        "tower/fc/weights": {
            "shape": [128, 10],
            "device": CPU,
            "device_requested": "/device:GPU:0",
        },
        "global_step": {"shape": [], "dtype": "int64", "trainable": False, "api": "Variable"},
    }
    for name, change in changes.items():
        if change is None:
            del fields[name]
        else:
            fields[name] = {**fields.get(name, {}), **change}
    variables = [variable(name, f.pop("shape"), **f) for name, f in fields.items()]
    ops = [
        OpRecord("tower/conv1/Conv2D", "Conv2D", "g0", None, CPU, reads=["g0:tower/conv1/weights"]),
        OpRecord("tower/conv1/Relu", "Relu", "g0", None, CPU, inputs=["tower/conv1/Conv2D"]),
    ]
    ops = [op for op in ops if all(key[3:] in fields for key in op.reads)]
    return make_report(variables, ops)


def hostile_report() -> ScopeReport:
    report = make_report(
        [
            variable(f"{EVIL}/v", [2, None], initializer=EVIL, device=CPU),
            variable("plain/w", None, device=GPU),
        ],
        [OpRecord(f"{EVIL}/op", EVIL, "g0", None, CPU)],
    )
    report.diagnostics.append(
        {
            "level": "warning",
            "code": "duplicate-name",
            "message": f"odd {EVIL}",
            "nodes": [f"{EVIL}/v"],
            "sites": [{"file": EVIL, "line": 1, "kind": "create"}],
        }
    )
    return report


def unwritable_dir(tmp_path: Path) -> Path:
    """A directory this process cannot create files in (root ignores permission bits)."""
    if os.geteuid() == 0:
        return Path("/sys")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    return locked
