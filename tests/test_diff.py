"""`report.diff(other)`: shared, only in A, only in B, changed — by name."""

from __future__ import annotations

import json

from report_factory import CPU, EVIL, GPU, make_report, tower_report, variable

from jupyter_scope.analysis.diff import Change, ReportDiff


def test_a_report_is_the_same_as_itself():
    diff = tower_report().diff(tower_report())
    assert isinstance(diff, ReportDiff) and diff.same
    assert diff.variables.shared == sorted(v["name"] for v in tower_report().variables)
    assert str(diff) == "A and B are the same: 4 variables and 3 scopes, no differences"


def test_added_removed_and_changed_variables_and_scopes():
    a = tower_report()
    b = tower_report(
        **{
            "tower/fc/weights": {"shape": [128, 20], "device": GPU},
            "tower/conv1/biases": {"dtype": "float16", "trainable": False},
            "global_step": None,
            "head/logits/w": {"shape": [20, 2], "device": CPU},
        }
    )
    diff = a.diff(b)
    assert not diff.same
    assert diff.variables.only_a == ["global_step"]
    assert diff.variables.only_b == ["head/logits/w"]
    assert diff.variables.changed == [
        Change("tower/conv1/biases", "dtype", "float32", "float16"),
        Change("tower/conv1/biases", "trainable", True, False),
        Change("tower/fc/weights", "shape", [128, 10], [128, 20]),
        Change("tower/fc/weights", "device", CPU, GPU),
    ]
    assert diff.scopes.only_b == ["head", "head/logits"] and diff.scopes.only_a == []
    assert str(diff).splitlines() == [
        "A → B",
        "variables: 3 shared, 1 only in A, 1 only in B, 4 changed",
        "  - global_step         only in A",
        "  + head/logits/w       only in B",
        "  ~ tower/conv1/biases  dtype: float32 → float16",
        "  ~ tower/conv1/biases  trainable: True → False",
        "  ~ tower/fc/weights    shape: [128,10] → [128,20]",
        "  ~ tower/fc/weights    device: CPU:0 → GPU:0",
        "scopes: 3 shared, 0 only in A, 2 only in B, 0 changed",
        "  + head         only in B",
        "  + head/logits  only in B",
    ]
    document = json.loads(json.dumps(diff.to_dict()))
    assert document["same"] is False
    assert document["variables"]["changed"][2] == {
        "name": "tower/fc/weights",
        "field": "shape",
        "a": [128, 10],
        "b": [128, 20],
    }


def test_repeated_names_are_matched_in_order():
    """Eager mode can make two variables of one name: the second is compared as `v#2`."""
    a = make_report([variable("v", [1]), variable("v", [2], key="g0:v#2")])
    b = make_report([variable("v", [1]), variable("v", [3], key="g0:v#2")])
    c = make_report([variable("v", [1])])
    assert a.diff(b).variables.changed == [Change("v#2", "shape", [2], [3])]
    assert a.diff(c).variables.only_a == ["v#2"]


def test_diff_displays_escape_names():
    a = make_report([variable(f"{EVIL}/w", [1])])
    b = make_report([variable("w", [1])])
    bundle = a.diff(b)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "<script" not in bundle["text/html"] and "&lt;/script&gt;" in bundle["text/html"]
    assert EVIL in bundle["text/plain"]
