"""Every export format read back by its own reader; the atomic, refusing writer."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_factory import EVIL, hostile_report, sample_report, tower_report, unwritable_dir

from jupyter_scope import ScopeReport
from jupyter_scope.export import html_page, write
from jupyter_scope.export.formats import FORMATS
from tests.helpers import read_graphml, shown_names

REPORTS = {"tower": tower_report, "hostile": hostile_report, "sample": sample_report}


@pytest.fixture(params=list(REPORTS))
def report(request) -> ScopeReport:
    return REPORTS[request.param]()


# -- round trips ---------------------------------------------------------------------------


def test_json_round_trip(report, tmp_path):
    path = report.export(tmp_path / "r.json")
    assert ScopeReport.from_json(path.read_text(encoding="utf-8")).to_dict() == report.to_dict()


def test_graphml_loads_in_networkx_with_typed_attributes(report, tmp_path):
    path = report.export(tmp_path / "r.graphml")
    loaded = read_graphml(path)
    assert loaded["graph"]["meta"] == report.meta
    assert loaded["graph"]["diagnostics"] == report.diagnostics
    assert loaded["nodes"] == {
        node: {k: v for k, v in data.items() if v is not None}
        for node, data in report.graph.nodes(data=True)
    }
    assert {(u, v, d["kind"]) for (u, v), d in loaded["edges"].items()} == set(
        report.graph.edges(data="kind")
    )
    text = path.read_text(encoding="utf-8")
    assert 'attr.name="params" attr.type="long"' in text
    assert 'attr.name="trainable" attr.type="boolean"' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("ops", [False, True])
def test_dot_renders_with_graphviz(report, tmp_path, ops):
    path = write.export(report, tmp_path / "r.dot", ops=ops)
    svg = subprocess.run(
        ["dot", "-Tsvg", str(path)], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    # Every variable is drawn under its own id (Graphviz keeps an id's escaped backslash).
    ids = {node: node.replace("\\", "\\\\") for node in report.graph.nodes}
    for var in report.variables:
        assert ids[var["id"]] in titles
    for op in report.ops:
        assert (ids[op["id"]] in titles) == ops
    clusters = {t for t in titles if t.startswith("cluster_")}
    scopes = [s["id"] for s in report.scopes if s["name"] and s["n_variables"]]
    assert clusters >= {f"cluster_{ids[scope]}" for scope in scopes}
    assert "devices" in texts  # the legend


def test_dot_colours_nodes_by_device_and_marks_fallbacks():
    dot = write.render(tower_report(), "dot")
    # name (the tooltip's first line) → fill
    fill = {n: c for c, n in re.findall(r'fillcolor="(#[0-9a-f]+)", tooltip="([^"\\]+)\\n', dot)}
    assert fill["tower/conv1/weights"] == fill["tower/fc/weights"]  # both on CPU:0
    assert fill["global_step"] != fill["tower/conv1/weights"]  # not placed
    fallback = [line for line in dot.splitlines() if "penwidth" in line]
    assert len(fallback) == 1 and "tower/fc/weights" in fallback[0]


def test_markdown_tables_keep_their_columns(report, tmp_path):
    text = report.export(tmp_path / "r.md").read_text(encoding="utf-8")
    tables = re.findall(r"(?:^\|.*\n)+", text, flags=re.M)
    assert len(tables) == 2  # variables and scopes; diagnostics are a list
    for table in tables:
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.split("\n")[:-1]}
        assert len(widths) == 1, table  # no name or message added or lost a column
    outside_code = re.sub(r"``.*?``|`[^`]*`", "", text)  # code spans show text as it is
    assert "<script" not in outside_code  # no raw markup from names or messages
    for var in report.variables:
        assert re.sub("[\u2028\u2029]", " ", var["name"].replace("|", "\\|")) in text


def test_markdown_summary_and_sections():
    text = write.render(tower_report(), "md")
    assert "**4 variables (4 created, 1 reused)" in text
    assert "### Variables" in text and "### Scopes" in text and "### Diagnostics" in text
    assert (
        "| `tower/conv1/weights` | [5,5,3,32] | float32 | 2,400 | trainable | created, reused ×1 "
        "| CPU:0 |" in text
    )
    assert "⚠ CPU:0 (asked GPU:0)" in text
    assert "| `tower` | 3 |" in text


def test_csv_one_row_per_variable_then_per_op(report, tmp_path):
    path = write.export(report, tmp_path / "r.csv", ops=True)
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    variables = [r for r in rows if r["kind"] == "variable"]
    ops = [r for r in rows if r["kind"] == "op"]
    assert [r["name"] for r in variables] == [v["name"] for v in report.variables]
    assert [json.loads(r["shape"]) for r in variables] == [v["shape"] for v in report.variables]
    assert [r["params"] for r in variables] == [str(v["params"]) for v in report.variables]
    assert [(r["name"], r["type"]) for r in ops] == [(o["name"], o["type"]) for o in report.ops]
    without_ops = write.render(report, "csv")
    assert len(list(csv.DictReader(without_ops.splitlines()))) == len(report.variables)


# -- the standalone HTML page --------------------------------------------------------------


class Scripts(HTMLParser):
    """The script elements of a page, as the browser would split them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._attrs: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._attrs = dict(attrs)
            self.scripts.append((self._attrs, ""))

    def handle_data(self, data):
        if self._attrs is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._attrs = None


def test_html_page_embeds_data_safely(monkeypatch):
    assets = {
        "standalone.js": "window.jupyterScope={mount(){}};// '</script>' {{data}}",
        "tree.css": "a{}",
    }
    monkeypatch.setattr(html_page, "static_text", assets.get)
    report = hostile_report()
    page = html_page.render(report)
    parser = Scripts()
    parser.feed(page)
    data = [text for attrs, text in parser.scripts if attrs.get("id") == "jupyter-scope-data"]
    assert len(parser.scripts) == 3  # data, the front end, the mount call: nothing broke out
    assert json.loads(data[0]) == report.to_dict()
    assert not re.search("[<>&\u2028\u2029]", data[0])
    assert "{{data}}" in page  # placeholders inside inserted text are left alone
    assert "<title>Scope report: 2 variables" in page and EVIL not in page.split("<body>")[0]


def test_html_without_front_end_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(html_page, "ASSETS", ("no-such-bundle.js",))
    with pytest.raises(write.ExportError, match=r"npm ci && npm run build:prod.*pip install -e \."):
        tower_report().export(tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_html_template_has_exactly_the_four_placeholders():
    template = (Path(html_page.__file__).parent / "templates" / "report.html").read_text()
    assert sorted(re.findall(r"\{\{(\w+)\}\}", template)) == ["css", "data", "script", "title"]


# -- the registry ---------------------------------------------------------------------------


def test_every_format_in_the_registry_writes_a_file_of_its_suffix(tmp_path):
    report = tower_report()
    for format in FORMATS.values():
        assert format.suffix.startswith(".") and format.mime
        for suffix in format.suffixes:
            assert write.format_for(Path(f"r{suffix.upper()}")) == format.name
        path = report.export(tmp_path / f"r{format.suffix}")
        assert path.read_bytes().decode() == write.render(report, format.name)
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == sorted(f.suffix for f in FORMATS.values())


def test_ops_apply_to_the_formats_the_registry_says():
    report = tower_report()
    op = report.ops[0]["name"]
    for format in FORMATS.values():
        with_ops = write.render(report, format.name, ops=True)
        if format.ops:
            assert op not in write.render(report, format.name) and op in with_ops, format.name
        else:
            with pytest.raises(write.ExportError, match="applies to csv and dot only"):
                write.prepare(Path(f"new{format.suffix}"), None, force=False, ops=True)


def test_the_cli_takes_the_registrys_formats_and_no_other(capsys):
    from jupyter_scope.cli import parser

    for name in FORMATS:
        assert parser().parse_args(["convert", "r.json", "-o", "r", "--format", name]).format
    with pytest.raises(SystemExit):
        parser().parse_args(["convert", "r.json", "-o", "r", "--format", "xlsx"])
    assert "--format {json,graphml,dot,html,md,csv}" in capsys.readouterr().err


# -- writing files -------------------------------------------------------------------------


def test_format_from_suffix_or_argument(tmp_path):
    report = tower_report()
    assert write.format_for(Path("a.GV")) == "dot"
    assert json.loads(report.export(tmp_path / "r.txt", "json").read_text())["schema"]
    with pytest.raises(
        write.ExportError, match=r"unknown format 'xlsx': choose one of json, graphml"
    ):
        report.export(tmp_path / "r.xlsx", "xlsx")
    with pytest.raises(write.ExportError, match=r"from its suffix '\.xlsx'"):
        report.export(tmp_path / "r.xlsx")
    with pytest.raises(write.ExportError, match=r"applies to csv and dot only"):
        write.export(report, tmp_path / "r.md", ops=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


def test_existing_file_refused_unless_forced(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("precious")
    with pytest.raises(write.ExportError, match="already exists: use force"):
        tower_report().export(path)
    assert path.read_text() == "precious"
    tower_report().export(path, force=True)
    assert ScopeReport.from_json(path.read_text()).to_dict() == tower_report().to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_file_appearing_during_the_write_is_not_clobbered(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("written meanwhile")
    with pytest.raises(write.ExportError, match="already exists"):
        write.write_atomic(path, "new", force=False)
    assert path.read_text() == "written meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_unwritable_or_missing_directory(tmp_path):
    with pytest.raises(write.ExportError, match=r"cannot write .*: Permission denied"):
        tower_report().export(unwritable_dir(tmp_path) / "r.json")
    with pytest.raises(write.ExportError, match=r"directory .*nowhere' does not exist"):
        tower_report().export(tmp_path / "nowhere" / "r.json")
    with pytest.raises(write.ExportError, match="it is a directory"):
        tower_report().export(tmp_path, "json", force=True)
    assert [p.name for p in tmp_path.iterdir() if p.name != "locked"] == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch, failure):
    def fail(fd):
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    expected = write.ExportError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        tower_report().export(tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


# -- the standalone HTML page in a real browser --------------------------------------------


@pytest.mark.browser
def test_html_page_shows_the_tree_and_searches_offline(browser_page, tmp_path):
    page = browser_page
    path = tower_report().export(tmp_path / "r.html")
    page.goto(path.as_uri())
    page.wait_for_selector(".jp-Scope-row")
    assert "tower" in shown_names(page)
    assert "4 variables (4 created, 1 reused)" in page.inner_text("body")
    assert "placement-fallback" in page.inner_text("body")
    page.fill(".jp-Scope-search", "biases")
    page.wait_for_function("!document.querySelector('.jp-Scope-row[data-name=\"global_step\"]')")
    assert "tower/conv1/biases" in shown_names(page)
    assert not any("weights" in name for name in shown_names(page))
    assert page.events == {"requests": [path.as_uri()], "errors": [], "dialogs": []}


@pytest.mark.browser
def test_html_page_with_hostile_names_runs_no_injected_script(browser_page, tmp_path):
    page = browser_page
    path = hostile_report().export(tmp_path / "r.html")
    page.goto(path.as_uri())
    page.wait_for_selector(".jp-Scope-row")
    assert EVIL in page.inner_text("body")  # shown as text, through the diagnostic
    assert page.events == {"requests": [path.as_uri()], "errors": [], "dialogs": []}


def test_report_export_passes_ops_through(tmp_path):
    """`ScopeReport.export(..., ops=True)` adds op rows to the CSV, as `--ops` does."""
    from jupyter_scope import ScopeReport

    with open("tests/data/sample_report.json") as f:
        report = ScopeReport.from_json(f.read())
    without = report.export(tmp_path / "vars.csv").read_text()
    with_ops = report.export(tmp_path / "all.csv", ops=True).read_text()
    assert "image_filters/conv1/Conv2D" not in without
    assert "image_filters/conv1/Conv2D" in with_ops
