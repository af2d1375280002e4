"""The golden files both sides assert: Python writes them, the front end's tests
(labextension/test/) read them.

- `golden/<name>.json`: the documents of `tests/data/<name>_report.json` (saved as schema
  1.0) as this version writes them, display section included. The front end renders
  only those fields; its tests check that it shows them as given.
- `golden/calls.json`: the sample with call chains (`display.nodes[…].sites`), repeated
  diagnostics (`display.diagnostics`) and a traced function (`display.functions`).
- `golden/numbered.json`: the sample with ids as reports number them (`scope:<n>`,
  `var:<n>`, `op:<n>`) and ops with fields beyond the compact form's columns; the other
  documents keep the ids reports wrote before (`scope:<name>`, `var:<graph>:<name>`).
- `golden/compact.json`: the widget's compact form (`notebook/compact.py`) of each golden
  document, which the front end must draw as it draws the plain one.
- `golden/columns.json`: the columns (`document/columns.py`) a notebook output saves,
  gzipped, of each golden document, and of `unordered` (given whole: the sample with its
  edges and display entries in an order networkx does not write), which the front end
  must decode to the very document.
- `golden/formats.json`: the two forms both languages write (`model/sites.py`'s `site`,
  `relative_name`), with the expected text of each case.
- `golden/export_formats.json`: the export formats as the server lists them
  (`GET /jupyter-scope/formats`, from the registry in `export/formats.py`), which the front
  end's tests give its palette and buttons.

Set JUPYTER_SCOPE_UPDATE_GOLDEN=1 to rewrite them after an intended change.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from jupyter_scope import ScopeReport
from jupyter_scope.analysis import diagnostics
from jupyter_scope.document import columns
from jupyter_scope.model import sites
from jupyter_scope.model.roles import ROLES, role
from jupyter_scope.notebook.compact import compact
from jupyter_scope.present import human, section
from jupyter_scope.present.tree import relative_name

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
UPDATE = os.environ.get("JUPYTER_SCOPE_UPDATE_GOLDEN") == "1"


def check(path: Path, value: object) -> None:
    text = json.dumps(value, indent=1, ensure_ascii=False) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: see this module"


CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"


def saved(name: str) -> dict:
    """A document saved as schema 1.0 (no display section)."""
    doc = json.loads((DATA / f"{name}_report.json").read_text())
    assert doc["schema"] == "jupyter-scope.report/1" and "display" not in doc
    return doc


def nodes(doc: dict) -> dict[str, dict]:
    return {n["name"]: n for n in doc["graph"]["nodes"] if n["kind"] != "scope"}


def placed() -> dict:
    """The sample with placements: conv1 on CPU:0 and GPU:0 in two spellings each, conv1's
    weights asked for GPU:0 but placed on CPU:0, conv2 partly placed."""
    doc = saved("sample")
    where = {
        "image_filters/conv1/weights": ("/device:GPU:0", CPU),
        "image_filters/conv1/biases": (None, GPU),
        "image_filters/conv1/Conv2D": ("/gpu:0", "/device:GPU:0"),
        "image_filters/conv1/add": (None, CPU),
        "image_filters/conv1/Relu": (None, "/cpu:0"),
        "image_filters/conv2/weights": ("/gpu:0", None),
        "image_filters/conv2/biases": (None, CPU),
    }
    for name, (asked, device) in where.items():
        nodes(doc)[name].update(device_requested=asked, device=device)
    # As build.py counts them: placed devices only, "" for not placed yet.
    both = {CPU: 4, "/cpu:0": 1, GPU: 1, "/device:GPU:0": 1, "": 3}
    devices = {
        "": both,
        "image_filters": both,
        "image_filters/conv1": {CPU: 2, "/cpu:0": 1, GPU: 1, "/device:GPU:0": 1},
        "image_filters/conv2": {CPU: 2, "": 3},
    }
    for node in doc["graph"]["nodes"]:
        if node["kind"] == "scope" and node["name"] in devices:
            node["devices"] = devices[node["name"]]
    return doc


def own_ops() -> dict:
    """The sample with the ops TF makes for a variable `w` (`w/Assign`,
    `w/Initializer/random_normal`) in scopes named after it."""
    doc = saved("sample")
    w = "image_filters/conv1/weights"
    graph = doc["graph"]
    for name, n_ops in ((w, 2), (f"{w}/Initializer", 1)):
        graph["nodes"].append(
            {
                "id": f"scope:{name}",
                "kind": "scope",
                "name": name,
                "variable_scope": False,
                "name_scope": True,
                "n_variables": 0,
                "n_ops": n_ops,
                "params": 0,
                "bytes": 0,
                "devices": {"": n_ops},
                "links": [],
            }
        )
    for name, kind, scope in (
        (f"{w}/Assign", "AssignVariableOp", w),
        (f"{w}/Initializer/random_normal", "Add", f"{w}/Initializer"),
    ):
        graph["nodes"].append(
            {
                "id": f"op:g0:{name}",
                "kind": "op",
                "name": name,
                "type": kind,
                "scope": scope,
                "device_requested": None,
                "device": None,
                "graph": "g0",
            }
        )
        graph["edges"].append(
            {"source": f"scope:{scope}", "target": f"op:g0:{name}", "kind": "contains"}
        )
    graph["edges"] += [
        {"source": "scope:image_filters/conv1", "target": f"scope:{w}", "kind": "contains"},
        {"source": f"scope:{w}", "target": f"scope:{w}/Initializer", "kind": "contains"},
    ]
    return doc


def calls() -> dict:
    """The sample as a cell whose layer helper is called from two lines: the weights
    created once and reused 20 times (19 from a loop, once directly), diagnostics of one
    code repeated, and a traced function reading two variables."""
    doc = saved("sample")
    w = nodes(doc)["image_filters/conv1/weights"]
    helper = {"file": "In [9]", "line": 28}
    loop, direct, build = ({"file": "In [5]", "line": n} for n in (4, 6, 9))
    w["reuse_count"] = 20
    w["sites"] = [
        {**helper, "kind": "create", "callers": [loop, build]},
        *({**helper, "kind": "reuse", "callers": [loop, build]} for _ in range(19)),
        {**helper, "kind": "reuse", "callers": [direct]},
    ]
    b = nodes(doc)["image_filters/conv2/biases"]
    b["sites"] = [{"file": "In [9]", "line": 30, "kind": "create", "callers": [direct]}]
    duplicate = {
        "level": "warning",
        "code": "duplicate-name",
        "nodes": [],
        "advice": diagnostics.ADVICE["duplicate-name"],
    }
    doc["diagnostics"] += [
        {
            **duplicate,
            "message": f"tf.Variable was asked for the name 'v' in image_filters, where that "
            f"name was taken, so TF named it image_filters/v_{n} (at In [9]:{n} ← In [5]:4).",
            "nodes": [f"image_filters/v_{n}"],
            "sites": [{"file": "In [9]", "line": n, "kind": "create", "callers": [loop]}],
        }
        for n in (1, 2)
    ]
    doc["meta"]["graphs"].append(
        {
            "key": "g1",
            "kind": "function",
            "name": "__inference_step_12",
            "reads": ["image_filters/conv1/weights", "image_filters/conv1/biases"],
        }
    )
    return doc


def numbered() -> dict:
    """The sample with ids as reports number them (`scope:<n>`, `var:<n>`, `op:<n>`, n the
    node's place among the report's nodes of its kind), one op named differently by TF
    (`tf_name`) and one colocated."""
    doc = saved("sample")
    graph = doc["graph"]
    seen: Counter[str] = Counter()
    ids = {}
    for node in graph["nodes"]:
        prefix = {"scope": "scope", "variable": "var", "op": "op"}[node["kind"]]
        ids[node["id"]] = f"{prefix}:{seen[prefix]}"
        node["id"] = ids[node["id"]]
        seen[prefix] += 1
    for edge in graph["edges"]:
        edge["source"], edge["target"] = ids[edge["source"]], ids[edge["target"]]
    ops = [node for node in graph["nodes"] if node["kind"] == "op"]
    ops[1]["tf_name"] = "add"
    ops[2]["colocated"] = True
    return doc


def trained() -> dict:
    """The sample trained with Adam: conv1's weights have two slots (`weights/Adam`,
    `weights/Adam_1`, in a scope of the weights' name), and the root a `global_step`."""
    doc = saved("sample")
    graph = doc["graph"]
    w = nodes(doc)["image_filters/conv1/weights"]
    name = w["name"]
    added = [
        {
            **w,
            "id": f"var:g0:{name}/{slot}",
            "name": f"{name}/{slot}",
            "trainable": False,
            "created": True,
            "reuse_count": 0,
            "api": "Variable",
            "initializer": "zeros",
            "sites": [],
            "scope": name,
            "slot_of": w["id"],
            "slot": letter,
            "optimizer": True,
        }
        for slot, letter in (("Adam", "m"), ("Adam_1", "v"))
    ]
    step = {
        **w,
        "id": "var:g0:global_step",
        "name": "global_step",
        "shape": [],
        "dtype": "int64",
        "trainable": False,
        "reuse_count": 0,
        "initializer": "zeros",
        "params": 1,
        "bytes": 8,
        "sites": [],
        "scope": "",
    }
    slots = {"n_variables": 2, "params": 2 * w["params"], "bytes": 2 * w["bytes"]}
    graph["nodes"].append(
        {
            "id": f"scope:{name}",
            "kind": "scope",
            "name": name,
            "variable_scope": False,
            "name_scope": True,
            "n_ops": 0,
            "devices": {"": 2},
            "links": [],
            **slots,
        }
    )
    graph["nodes"] += [*added, step]
    graph["edges"] += [
        {"source": "scope:image_filters/conv1", "target": f"scope:{name}", "kind": "contains"},
        *({"source": f"scope:{name}", "target": v["id"], "kind": "contains"} for v in added),
        {"source": "scope:", "target": step["id"], "kind": "contains"},
    ]
    for scope in graph["nodes"]:
        if scope["kind"] == "scope" and scope["name"] in (
            "",
            "image_filters",
            "image_filters/conv1",
        ):
            for key, more in slots.items():
                scope[key] += more
            scope["devices"][""] += 2
            if scope["name"] == "":
                scope["n_variables"] += 1
                scope["params"] += 1
                scope["bytes"] += 8
                scope["devices"][""] += 1
    # Each scope's totals split by whose they are (schema 1.3), as a recording has them.
    variables = [n for n in graph["nodes"] if n["kind"] == "variable"]
    for scope in (n for n in graph["nodes"] if n["kind"] == "scope"):
        inside = [
            v for v in variables if not scope["name"] or v["name"].startswith(scope["name"] + "/")
        ]
        for whose in ROLES:
            mine = [v for v in inside if role(v) == whose]
            scope[f"params_{whose}"] = sum(v["params"] for v in mine)
            scope[f"bytes_{whose}"] = sum(v["bytes"] for v in mine)
    return doc


def matched() -> dict:
    """The tree of `trained` matched against a checkpoint of its model alone: no slots, no
    step counter, and conv2's weights of another shape."""
    ours = ScopeReport.from_dict(trained())
    theirs = trained()
    graph = theirs["graph"]
    drop = {n["id"] for n in graph["nodes"] if n.get("optimizer") or n["name"] == "global_step"}
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] not in drop]
    graph["edges"] = [e for e in graph["edges"] if e["target"] not in drop]
    nodes(theirs)["image_filters/conv2/weights"]["shape"] = [3, 3, 32, 32]
    return ours.match(ScopeReport.from_dict(theirs)).tree.to_dict()


SOURCES = {
    "sample": lambda: saved("sample"),
    "mirrored": lambda: saved("mirrored"),
    "placed": placed,
    "own_ops": own_ops,
    "calls": calls,
    "numbered": numbered,
    "trained": trained,
    "matched": matched,
}


@pytest.mark.parametrize("name", SOURCES)
def test_golden_documents_are_what_python_writes(name):
    check(GOLDEN / f"{name}.json", ScopeReport.from_dict(SOURCES[name]()).to_dict())


def test_golden_compact_documents_are_pythons():
    documents = {name: json.loads((GOLDEN / f"{name}.json").read_text()) for name in SOURCES}
    check(GOLDEN / "compact.json", {name: compact(doc) for name, doc in documents.items()})


def test_golden_columns_are_pythons():
    from tests.test_packed import unordered

    documents = {name: json.loads((GOLDEN / f"{name}.json").read_text()) for name in SOURCES}
    encoded = {name: columns.encode(doc) for name, doc in documents.items()}
    check(
        GOLDEN / "columns.json",
        {
            "encoded": {**encoded, "unordered": columns.encode(unordered())},
            "unordered": unordered(),
        },
    )


def test_golden_formats_are_pythons():
    cases = json.loads((GOLDEN / "formats.json").read_text())
    for case in cases["site"]:
        assert sites.site(case["site"]) == case["text"]
    for case in cases["relative_name"]:
        assert relative_name(case["name"], case["parent"]) == case["text"]


# -- what the display section says, on the golden documents ----------------------------


def shown(doc: dict) -> dict:
    return ScopeReport.from_dict(doc).display


def test_golden_export_formats_are_the_servers():
    from jupyter_scope.server import formats

    check(GOLDEN / "export_formats.json", formats())


def test_each_device_has_one_colour_whatever_its_spelling():
    doc = saved("sample")
    set_ = {
        "image_filters/conv1/weights": ("/device:GPU:0", CPU),
        "image_filters/conv1/biases": (None, "/job:localhost/replica:0/task:0/device:GPU:1"),
        "image_filters/conv2/weights": ("/gpu:1", None),
        "image_filters/conv2/biases": (None, CPU),
        "image_filters/conv1/Conv2D": ("/cpu:0", None),
    }
    for name, (asked, device) in set_.items():
        nodes(doc)[name].update(device_requested=asked, device=device)
    display = shown(doc)
    table = display["devices"]
    palette = section.PALETTE
    assert table[CPU] == {"short": "CPU:0", "colour": palette[0]}
    assert table["/cpu:0"] == table[CPU]  # another spelling, the same device
    gpu1 = table["/job:localhost/replica:0/task:0/device:GPU:1"]
    assert gpu1 == table["/gpu:1"] == {"short": "GPU:1", "colour": palette[1]}
    # Asked for but never where anything runs: named, not coloured.
    assert table["/device:GPU:0"] == {"short": "GPU:0", "colour": None}
    assert display["summary"]["devices"] == 4
    assert display["nodes"]["var:g0:image_filters/conv1/weights"]["fallback"] is True


def test_a_remote_task_has_one_colour_and_a_completed_name_is_no_fallback():
    doc = saved("sample")
    ps0 = "/job:ps/replica:0/task:0/device:CPU:0"
    set_ = {
        "image_filters/conv1/weights": ("/job:ps/task:0", ps0),  # TF completed the name
        "image_filters/conv1/biases": (None, "/job:ps/replica:0/task:1/device:CPU:0"),
        "image_filters/conv2/weights": ("/job:ps/task:0", None),
    }
    for name, (asked, device) in set_.items():
        nodes(doc)[name].update(device_requested=asked, device=device)
    display = shown(doc)
    table = display["devices"]
    assert table["/job:ps/task:0"]["colour"] == table[ps0]["colour"] is not None
    task1 = table["/job:ps/replica:0/task:1/device:CPU:0"]["colour"]
    assert task1 not in (None, table[ps0]["colour"])
    assert "fallback" not in display["nodes"]["var:g0:image_filters/conv1/weights"]


def test_scope_device_mix_adds_spellings_and_puts_unplaced_last():
    display = shown(placed())
    cpu, gpu = (display["devices"][d]["colour"] for d in (CPU, GPU))
    assert len({cpu, gpu, section.UNPLACED_COLOUR}) == 3
    mix = {
        name.removeprefix("scope:"): [
            (share["device"], share["count"], display["colours"][share["device"]])
            for share in n.get("mix", ())
        ]
        for name, n in display["nodes"].items()
    }
    assert mix["image_filters"] == [
        ("CPU:0", 5, cpu),
        ("GPU:0", 2, gpu),
        ("", 3, section.UNPLACED_COLOUR),
    ]
    assert mix["image_filters/conv1"] == [("CPU:0", 3, cpu), ("GPU:0", 2, gpu)]
    assert mix["image_filters_1"] == []  # nothing placed


def test_a_variables_own_ops_scope_names_its_owner():
    display = shown(own_ops())
    w = "image_filters/conv1/weights"
    assert display["nodes"][f"scope:{w}"]["owner"] == f"var:g0:{w}"
    assert "owner" not in display["nodes"][f"scope:{w}/Initializer"]
    assert display["nodes"][f"var:g0:{w}"]["facts"].endswith(" · 2 ops")


def test_summary_line_and_card():
    display = shown(saved("sample"))
    assert display["summary"]["line"] == (
        "4 variables (4 created, 4 reused), 51.3K params (205.1 kB: 51.3K trainable, "
        "0 non-trainable), 6 ops, 1 error, 0 warnings"
    )
    assert display["card"] == {
        "counts": "4 created · 4 reused · 6 ops · 51.3K params",
        "time": "0.12 s",
        "errors": "1 error",
        "warnings": None,
    }
    assert (
        human.summary_line(
            {
                "variables": 44,
                "created": 22,
                "reused": 22,
                "params": 138_357_544 + 2 * 138_357_544 + 2,
                "bytes": 553_430_176 + 2 * 553_430_176 + 8,
                "params_trainable": 138_357_544,
                "params_non_trainable": 0,
                "params_optimizer": 2 * 138_357_544 + 2,
                "bytes_optimizer": 2 * 553_430_176 + 8,
                "ops": 512,
                "devices": 1,
                "errors": 0,
                "warnings": 0,
            }
        )
        == "44 variables (22 created, 22 reused), 138.4M params (553.4 MB: 138.4M trainable, "
        "0 non-trainable), +276.7M optimizer (1.1 GB), 512 ops on 1 device, 0 warnings"
    )
