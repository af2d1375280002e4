"""The text/plain tree, the static text/html tree, and the MIME bundle."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from report_factory import EVIL, hostile_report, make_report, sample_report, tower_report, variable

from jupyter_scope import MIME_TYPE, ReportFormatError, ScopeReport
from jupyter_scope.document.packed import pack, unpack
from jupyter_scope.present import html_tree, text_tree
from jupyter_scope.records import OpRecord


class Page(HTMLParser):
    """The tags and the text of an HTML fragment."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_text_tree_shows_scopes_variables_badges_and_devices():
    lines = text_tree.render(tower_report()).splitlines()
    assert lines[0] == (
        "4 variables (4 created, 1 reused), 3.7K params (14.9 kB: 3.7K trainable, "
        "1 non-trainable), 2 ops on 1 device, FLOPs unknown, 1 warning"
    )
    assert lines[1].startswith("⚠ placement-fallback:")
    tree = lines[2:]
    assert "tower/  scope · 3 vars · 3.7K params · 14.8 kB · 2 ops · FLOPs unknown" in tree
    assert (
        "  conv1/  variable+name scope · 2 vars · 2.4K params · 9.7 kB · 2 ops · FLOPs unknown"
        in tree
    )
    assert "    weights [5,5,3,32] float32 created reused ×1 2.4K params @ CPU:0" in tree
    assert "    ops: Conv2D ×1, Relu ×1" in tree
    assert "    weights [128,10] float32 created 1.3K params @ ⚠ CPU:0 (asked GPU:0)" in tree
    assert "global_step [] int64 created not trainable 1 param" in tree


def test_text_filter_keeps_ancestors_and_unfolds():
    report = sample_report()
    lines = text_tree.render(report, re.compile("conv2/b")).splitlines()[2:]
    assert lines == [
        "image_filters/  variable+name scope · 4 vars · 51.3K params · 205.1 kB · 6 ops",
        "  conv2/  variable+name scope · 2 vars · 25.6K params · 102.5 kB · 3 ops",
        "    biases [32] float32 created reused ×1 32 params constant(0.0)",
        "      ↳ create at In [3]:9",
        "      ↳ reuse at In [3]:12",
    ]
    assert text_tree.render(report, re.compile("nothing")).endswith("(nothing matches 'nothing')")


def test_html_tree_is_static_and_escapes_every_string():
    report = hostile_report()
    fragment = html_tree.render(report)
    page = Page(fragment)
    assert set(page.tags) <= {"div", "p", "b", "span", "ul", "li", "details", "summary", "code"}
    assert "script" not in page.tags
    shown = "".join(page.text)
    assert EVIL in shown  # the message, the initializer and the op type, shown as text
    assert fragment.count("<details") == fragment.count("</details>")


def test_text_and_html_show_the_same_tree():
    """Both come from one walk: the same scopes and variables, in the same order."""
    for report in (tower_report(), sample_report()):
        plain = re.findall(r"^ *(\S+?)(?:/  | \[)", text_tree.render(report), flags=re.M)
        static = re.findall(
            r'<summary><b>([^<]*)/</b>|<li title="[^"]*"><code>([^<]*)</code>',
            html_tree.render(report),
        )
        assert plain == [scope or variable for scope, variable in static]
        assert len(plain) == len(report.variables) + len(report.scopes) - 1  # all but the root


def test_op_only_scopes_are_folded_and_a_variables_own_ops_go_inside_it():
    report = make_report(
        [variable("dense/kernel", [3, 2])],
        [OpRecord(f"dense/kernel/Initializer/op{i}", "Const", "g0", None) for i in range(3)]
        + [OpRecord(f"dense/loss/op{i}", "Const", "g0", None) for i in range(2)],
    )
    plain = text_tree.render(report)
    assert re.search(r"^  kernel \[3,2\] .* \(3 ops\)$", plain, flags=re.M)
    assert not re.search(r"^ *kernel/", plain, flags=re.M)  # no sibling named like it
    assert re.search(r"^  loss/  .*scope · 2 ops · FLOPs unknown$", plain, flags=re.M)
    assert "Initializer" not in plain  # folded: no lines under an op-only scope
    unfolded = text_tree.render(report, re.compile("Init"))
    assert re.search(r"^  kernel/  .*\n    Initializer/", unfolded, flags=re.M)
    fragment = html_tree.render(report)
    assert re.search(r"<code>kernel</code>.*?<details><summary>3 ops</summary>", fragment)
    assert "<b>kernel/</b>" not in fragment
    assert re.search(r"<details><summary><b>loss/</b>", fragment)  # closed
    assert re.search(r"<details open><summary><b>dense/</b>", fragment)


def test_mimebundle_has_text_html_and_the_document():
    report = tower_report()
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", MIME_TYPE}
    assert bundle["text/plain"] == text_tree.render(report)
    assert bundle["text/html"] == html_tree.render(report, levels=1)
    assert json.loads(json.dumps(bundle[MIME_TYPE])) == report.to_dict()  # small: plain


def test_mimebundle_packs_a_large_document():
    ops = [OpRecord(f"net/layer_{i}/MatMul", "MatMul", "g0", None) for i in range(200)]
    report = make_report([variable("net/w", [2, 2])], ops)
    bundle = report._repr_mimebundle_()
    saved = json.loads(json.dumps(bundle[MIME_TYPE]))
    assert set(saved) == {"schema", "encoding", "data"}  # a notebook keeps it small
    assert len(json.dumps(saved)) < len(report.to_json()) / 10
    assert unpack(saved) == report.to_dict()
    assert ScopeReport.from_dict(saved).to_dict() == report.to_dict()
    assert report._repr_mimebundle_() == bundle  # the same bytes each time


def test_packed_document_that_does_not_unpack_is_refused():
    packed = pack(tower_report().to_dict(), above=0)
    for data in ("not base64!", packed["data"][:40], "aGVsbG8="):
        with pytest.raises(ReportFormatError, match="not a jupyter-scope report"):
            ScopeReport.from_dict({**packed, "data": data})


def test_saved_html_holds_the_top_level_scopes_only():
    report = sample_report()
    full, top = html_tree.render(report), html_tree.render(report, levels=1)
    deep = [v["name"] for v in report.variables if v["name"].count("/") >= 2]
    assert deep and all(f"<code>{name.rsplit('/', 1)[1]}</code>" in full for name in deep)
    assert len(top) < len(full)
    assert "The full tree: open the notebook in JupyterLab" in top
    for scope in {name.split("/", 1)[0] for name in deep}:
        assert f"<b>{scope}/</b>" in top


def test_short_device_names_keep_job_and_task_and_judge_fallbacks():
    """A ps/worker cluster's devices stay distinct, and only a real fallback is flagged."""
    from jupyter_scope.model import devices
    from jupyter_scope.present import human

    ps0 = {"device_requested": "/job:ps/task:0", "device": "/job:ps/replica:0/task:0/device:CPU:0"}
    ps1 = {"device_requested": "/job:ps/task:1", "device": "/job:ps/replica:0/task:1/device:CPU:0"}
    gpu = {"device_requested": "/GPU:0", "device": "/job:localhost/replica:0/task:0/device:CPU:0"}
    assert human.node_device(ps0) == "/job:ps/task:0/CPU:0" != human.node_device(ps1)
    assert not devices.fell_back(ps0) and not devices.fell_back(ps1)
    assert devices.fell_back(gpu) and human.node_device(gpu) == "CPU:0"


def test_html_lists_op_names_by_type_up_to_a_budget():
    n = html_tree.OPS_LISTED + 5
    report = make_report(
        [variable("net/w", [2])],
        [OpRecord(f"net/mul{i}", "Mul", "g0", None) for i in range(n)]
        + [OpRecord("net/add", "AddV2", "g0", None)],
    )
    page = " ".join(Page(html_tree.render(report)).text)
    shown = re.findall(r"net/mul\d+", page)
    assert shown == [f"net/mul{i}" for i in range(html_tree.OPS_LISTED)]
    assert "… 5 more" in page and "net/add" in page
    assert f"Mul ×{n}" in page
