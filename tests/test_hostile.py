"""Hostile input: bad report files, names that try to break each format, special files,
misuse of the magic. Each gets a one-line error, loses nothing and injects nothing."""

from __future__ import annotations

import copy
import csv
import itertools
import json
import os
import random
import re
import tracemalloc
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from report_factory import DATA, hostile_report, make_report, sample_report, tower_report, variable

import jupyter_scope
from jupyter_scope import ScopeReport, cli
from jupyter_scope.document import codec, typed
from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.export import write
from jupyter_scope.export.write import ExportError
from jupyter_scope.present import human
from jupyter_scope.present.section import MATCH_STATES
from jupyter_scope.records import OpRecord

HOSTILE = sorted((DATA / "hostile").iterdir())
SAMPLE = json.loads((DATA / "sample_report.json").read_text())


def run_cli(capsys, *args: str) -> tuple[int, str]:
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.err


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_file_is_refused_in_one_line(path, capsys, tmp_path):
    for command in (["show", str(path)], ["convert", str(path), "-o", str(tmp_path / "o.md")]):
        status, err = run_cli(capsys, *command)
        assert status == cli.USER_ERROR
        assert err.startswith("jupyter-scope: error: ") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ReportFormatError):
        ScopeReport.from_json(path.read_bytes())


@pytest.mark.parametrize("where", ["top", "meta"])
def test_deep_nesting_is_refused(where, capsys, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    text = (
        deep
        if where == "top"
        else json.dumps(SAMPLE).replace('"meta": {', f'"meta": {{"x": {deep},', 1)
    )
    path = tmp_path / "deep.json"
    path.write_text(text)
    status, err = run_cli(capsys, "show", str(path))
    assert status == cli.USER_ERROR and "nested too deep" in err


def test_python_values_are_checked_too():
    for bad in (float("nan"), "x\udc80", object()):
        data = copy.deepcopy(SAMPLE)
        data["meta"]["wall_time" if isinstance(bad, float) else "tf_version"] = bad
        with pytest.raises(ReportFormatError):
            ScopeReport.from_dict(data)
    nested: list = []
    data = copy.deepcopy(SAMPLE)
    data["meta"]["x"] = nested
    for _ in range(codec.MAX_DEPTH + 1):
        nested.append([])
        nested = nested[0]
    with pytest.raises(ReportFormatError, match="deeper"):
        ScopeReport.from_dict(data)


def test_sample_still_loads_and_round_trips():
    report = sample_report()
    again = ScopeReport.from_json(report.to_json())
    assert nx.utils.graphs_equal(report.graph, again.graph)
    assert json.loads((DATA / "sample_report.json").read_text()) == SAMPLE  # not consumed


# -- the hand-written node rules agree with schema.json --------------------------------

INTEGERS = st.integers(-3, 3) | st.sampled_from([2**63 - 1, 2**63, -(2**63), 10**40])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INTEGERS | st.floats(-2, 2) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)
# A variable's `match`: near-valid objects, so that each of its rules gets exercised.
MATCH_VALUES = st.fixed_dictionaries(
    {
        "state": st.sampled_from([*MATCH_STATES, "nope", 3]),
        "checkpoint": st.none() | st.text(max_size=3) | INTEGERS,
    },
    optional={
        "shape": st.lists(st.none() | st.lists(st.none() | INTEGERS, max_size=2), max_size=3),
        "dtype": st.lists(st.text(max_size=2) | INTEGERS, max_size=3),
    },
)
# A site: near-valid, as the node's `sites` or an op's `outputs`.
SITE_VALUES = st.lists(
    st.fixed_dictionaries(
        {"file": st.just("a.py"), "line": st.none() | INTEGERS, "kind": st.just("create")},
        optional={"callers": st.lists(st.fixed_dictionaries({"file": st.just("b.py")}))},
    )
    | st.fixed_dictionaries({"shape": st.none() | st.lists(INTEGERS), "dtype": st.just("f")}),
    max_size=2,
)
FULL = jsonschema.Draft202012Validator(codec._validator().schema)


def mutated(where: str, index: int, field: str, value, delete: bool) -> dict:
    """The sample with one field of one node or edge changed or deleted."""
    data = copy.deepcopy(SAMPLE)
    items = data["graph"][where]
    item = items[index % len(items)]
    if delete:
        item.pop(field, None)
    else:
        item[field] = value
    return data


# No deadline: how long an example takes on a loaded machine is no property of the rules.
MUTATIONS = (
    settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
    given(
        where=st.sampled_from(["nodes", "edges"]),
        index=st.integers(0, 10_000),
        field=st.sampled_from(
            [
                "id",
                "kind",
                "name",
                "shape",
                "sites",
                "reuse_count",
                "devices",
                "links",
                "type",
                "device",
                "source",
                "target",
                "dtype",
                "params",
                "initializer",
                "trainable",
                "n_ops",
                "bytes",
                # optional fields
                "slot_of",
                "component_of",
                "components",
                "partition_of",
                "slot",
                "tf_name",
                "colocated",
                "match",
                "micros",
                "outputs",
                "unknown",
            ]
        ),
        value=JSON_VALUES | MATCH_VALUES | SITE_VALUES,
        delete=st.booleans(),
    ),
)


def mutations(test):
    for decorator in reversed(MUTATIONS):
        test = decorator(test)
    return test


@mutations
def test_fast_rules_agree_with_jsonschema(where, index, field, value, delete):
    data = mutated(where, index, field, value, delete)
    schema_ok = FULL.is_valid(data)
    try:
        codec.check_schema(data)
        fast_ok = True
    except ReportFormatError:
        fast_ok = False
    assert schema_ok == fast_ok


def outcome(read, text: str, *, sort_keys: bool = True) -> tuple:
    """What reading `text` gives: the document it makes again (keys sorted, or in their
    order), or the error."""
    try:
        graph, meta, diagnostics = read(text)
    except ReportFormatError as exc:
        return ("refused", str(exc))
    return ("read", json.dumps(codec.to_document(graph, meta, diagnostics), sort_keys=sort_keys))


def checked_read(text: str) -> tuple:
    return codec.from_document(codec.parse(text), parsed=True)


@mutations
def test_the_typed_decoder_reads_what_the_rules_read(where, index, field, value, delete):
    text = json.dumps(mutated(where, index, field, value, delete))
    assert outcome(codec.read, text) == outcome(checked_read, text)


def test_the_typed_decoder_takes_what_the_builder_writes():
    """Read in one pass, to the same dicts with their keys in the same order as the rules'
    way (a hand-written document's keys come in the builder's order)."""
    site = {"file": "a.py", "line": 2, "kind": "create", "callers": [{"file": "b.py", "line": 9}]}
    rich = make_report(
        [
            replace(variable("d/w", [2], slot_of="g0:d/v", slot="m", optimizer=True), sites=[site]),
            variable("d/v", None, trainable=None, created=None, reuse_count=None),
        ],
        [
            OpRecord("d/op", "MatMul", "g0", None, tf_name="f/op", colocated=True, ran=False),
            OpRecord("d/mm", "MatMul", "g0", None, outputs=[{"shape": [2], "dtype": "float32"}]),
            OpRecord("d/x", "Add", "g0", None, outputs=[], flops=None, micros=1.5, peak_bytes=3),
        ],
    )
    changed = tower_report(**{"tower/fc/weights": {"shape": [64, 10]}, "global_step": None})
    for report in (sample_report(), hostile_report(), rich, tower_report().match(changed).tree):
        text = report.to_json()
        assert codec.read_typed(text.encode()) is not None
        same = outcome(codec.read, text, sort_keys=False)
        assert same == outcome(checked_read, text, sort_keys=False)


def test_contains_edges_in_any_order_read_as_the_checked_way_reads_them():
    """The tree is checked as the graph is made where the `contains` edges come parents
    first (as `to_json` writes them), after it otherwise: the same document or error."""
    document = json.loads(tower_report().to_json())
    nodes = {node["id"]: node for node in document["graph"]["nodes"]}
    edges = document["graph"]["edges"]
    parent = {e["target"]: e["source"] for e in edges if e["kind"] == "contains"}
    # a scope `a` under a scope `p` with a scope `b` under it: `b` made `a`'s parent
    a, b = next(
        (parent[b], b)
        for b in parent
        if nodes[b]["kind"] == "scope" and parent[b] in parent and parent[b] != "scope:0"
    )
    cycle = [
        {**e, "source": b} if e["target"] == a and e["kind"] == "contains" else e for e in edges
    ]
    for order in (edges[::-1], cycle, cycle[::-1]):
        text = json.dumps({**document, "graph": {**document["graph"], "edges": order}})
        assert outcome(codec.read, text) == outcome(checked_read, text)
    read = codec.read_typed(
        json.dumps({**document, "graph": {**document["graph"], "edges": edges[::-1]}}).encode()
    )
    assert read is not None
    assert (
        outcome(
            codec.read, json.dumps({**document, "graph": {**document["graph"], "edges": cycle}})
        )[0]
        == "refused"
    )


def test_edges_out_of_the_nodes_order_join_the_nodes_own_ids():
    """Edges following the nodes' order, jumping back and forth (as `to_json` writes a
    model of blocks of layers), or in any order, from scopes and from ops: read as the
    checked way reads them, and each edge's ends are its nodes' own id objects, not equal
    strings of their own."""
    blocks = [variable(f"b{b}/l{i}/v{v}", [2]) for b, i, v in itertools.product(range(3), repeat=3)]
    ops = [  # edges from ops and into variables: `input` and `reads`
        OpRecord("b0/l0/read", "Identity", "g0", None, reads=["g0:b0/l0/v0"]),
        OpRecord("b1/l1/mul", "Mul", "g0", None, inputs=["b0/l0/read"], reads=["g0:b2/l2/v2"]),
    ]
    document = json.loads(make_report(blocks, ops).to_json())
    edges = document["graph"]["edges"]
    order = [node["id"] for node in document["graph"]["nodes"]]
    places = [order.index(edge["target"]) for edge in edges]
    assert any(b < a for a, b in itertools.pairwise(places))  # a jump back
    shuffled = edges[:]
    random.Random(0).shuffle(shuffled)
    for order_of_edges in (edges, shuffled):
        graph = {**document["graph"], "edges": order_of_edges}
        text = json.dumps({**document, "graph": graph})
        assert outcome(codec.read, text) == outcome(checked_read, text)
        read = codec.read_typed(text.encode())
        assert read is not None
        ids = {node: node for node in read[0]}
        for source, target in read[0].edges:
            assert source is ids[source] and target is ids[target]
        for into in read[0]._pred.values():
            assert all(source is ids[source] for source in into)


def test_nodes_and_edges_decoded_in_parts_read_as_all_at_once(monkeypatch):
    """Nodes and edges are decoded `PART` at a time, a mapped file's pages given back every
    `RELEASE_EVERY`: in parts of 3, the last one short, the same document as the checked
    way reads, pages given back every 6 nodes or edges."""
    text = make_report([variable(f"s{i % 3}/v{i}", [2]) for i in range(19)]).to_json()
    monkeypatch.setattr(codec, "PART", 3)
    monkeypatch.setattr(codec, "RELEASE_EVERY", 6)
    assert outcome(codec.read, text) == outcome(checked_read, text)
    graph = typed.decode(text.encode()).graph
    n_texts = len(graph.nodes) + len(graph.edges)
    assert len(graph.nodes) % 3 and len(graph.edges) % 3  # a short last part of each
    released = []
    codec._TypedGraph(lambda: released.append(1)).make(graph.nodes, graph.edges)
    assert n_texts // 6 <= len(released) <= n_texts // 6 + 2


def held(read, text: str) -> int:
    """The bytes allocated by `read(text)` and still held by what it gives."""
    tracemalloc.start()
    try:
        result = read(text)
        size = tracemalloc.get_traced_memory()[0]
        del result
        return size
    finally:
        tracemalloc.stop()


def test_read_nodes_are_plain_dicts_smaller_than_parsed_ones():
    """Key-sharing dicts and shared values (`model/small_dicts.py`): ~1.0 kB a variable here
    instead of ~1.8 kB."""
    text = make_report([variable(f"s{i % 10}/v{i}", [2, 2]) for i in range(2000)]).to_json()
    assert held(codec.read, text) < 0.75 * held(checked_read, text)
    graph, _, _ = codec.read(text)
    node = graph.nodes["var:0"]
    for attributes in (node, node["sites"][0], graph.edges["scope:1", "var:0"]):
        assert type(attributes) is dict
    node["note"] = 1
    del node["dtype"]
    assert list(node)[-1] == "note" and "dtype" not in node
    assert node == {**graph.nodes["var:0"]}


# -- names escaped for every format ------------------------------------------------------

NAMES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12)
INJECTIONS = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "a`b``<img src=x onerror=alert(1)>",
    "\x1b[31mred\x1b]0;t\x07",
    "c\x01\x0b",
]


def report_named(name: str) -> ScopeReport:
    return make_report([variable(name, [2], initializer=name)])


@pytest.mark.parametrize("name", [*INJECTIONS, "a\rb\nc\r\nd", "\r"])
def test_csv_cells_cannot_start_a_formula(name, tmp_path):
    path = report_named(name).export(tmp_path / "r.csv")
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    assert [row["kind"] for row in rows] == ["variable"]  # one row: line breaks stay inside
    for cell in (rows[0]["name"], rows[0]["initializer"]):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert cell.lstrip("'") == human.visible(name, keep="\r\n")  # controls shown escaped


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_markdown_names_stay_code(name, tmp_path_factory):
    text = (
        report_named(f"{name}<b>x</b>`")
        .export(tmp_path_factory.mktemp("md") / "r.md", force=True)
        .read_text()
    )
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<b>" not in html  # no raw HTML got through
    codes = [t for t in MarkdownIt("commonmark").enable("table").parse(text) if t.type == "inline"]
    spans = [c.content for t in codes for c in t.children if c.type == "code_inline"]
    assert any("<b>x</b>" in span for span in spans)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_graphml_is_well_formed_whatever_the_name(name, tmp_path_factory):
    path = report_named(name).export(tmp_path_factory.mktemp("g") / "r.graphml")
    ET.parse(path)
    assert nx.read_graphml(path).number_of_nodes() >= 2


@pytest.mark.parametrize("name", INJECTIONS)
def test_show_sends_no_control_characters(name, tmp_path, capsys):
    path = report_named(name).export(tmp_path / "r.json")
    assert cli.main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in out)
    assert "\\x1b" in out or "\x1b" not in name


# -- special files are never replaced ----------------------------------------------------


def test_force_refuses_special_files(tmp_path):
    report = sample_report()
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    target = tmp_path / "real.json"
    target.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    for path, what in (
        (fifo, "not a regular file"),
        (link, "symbolic link"),
        (Path("/dev/null"), "not a regular file"),
    ):
        with pytest.raises(ExportError, match=what):
            report.export(path, format="json", force=True)
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.json", "link.json", "real.json"]


def _with_edge(source: str, target: str, kind: str = "contains") -> bytes:
    doc = json.loads(json.dumps(SAMPLE))
    doc["graph"]["edges"].append({"source": source, "target": target, "kind": kind})
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ((DATA / "hostile" / "two_parents.json").read_bytes(), "has two parents"),
        ((DATA / "hostile" / "contains_back_to_root.json").read_bytes(), "one tree"),
        ((DATA / "hostile" / "edge_to_nowhere.json").read_bytes(), "'nowhere' is not a node"),
        (_with_edge("var:g0:image_filters/conv1/weights", "scope:"), "but is not a scope"),
    ],
    ids=["two parents", "no root", "edge to nowhere", "a variable contains"],
)
def test_a_broken_tree_is_named(text, says):
    with pytest.raises(ReportFormatError, match=says):
        ScopeReport.from_json(text)


# -- control and bidi characters, in every human-readable output ---------------------------

RAW = ("\x1b", "\x07", "\u202e", "\x00")
HOSTILE_NAME = "a\x1b[31m\x07\u202eb\x00c"


@pytest.mark.parametrize("format", ["md", "csv", "dot"])
def test_exports_show_control_characters_escaped(format, tmp_path):
    text = report_named(HOSTILE_NAME).export(tmp_path / f"r.{format}", ops=format != "md")
    text = text.read_text(encoding="utf-8")
    assert not any(raw in text for raw in RAW)
    assert "x1b[31m" in text and "u202eb" in text  # escaped (DOT doubles the backslash)


def test_html_and_text_displays_show_them_escaped():
    bundle = report_named(HOSTILE_NAME)._repr_mimebundle_()
    for mime in ("text/plain", "text/html"):
        assert not any(raw in bundle[mime] for raw in RAW), mime
        assert "\\u202e" in bundle[mime]


@pytest.mark.parametrize("name", ["r\x1b[2J\u202e.json", "line\nbreak.json"])
def test_cli_errors_are_one_inert_line(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_text("{")
    status, err = run_cli(capsys, "show", str(path))
    assert status == cli.USER_ERROR and err.count("\n") == 1
    assert not any(raw in err for raw in RAW)


def test_a_fifo_is_refused_not_read(tmp_path, capsys):
    """A FIFO named like a report: no writer will ever come; `show` must not wait."""
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    status, err = run_cli(capsys, "show", str(fifo))
    assert status == cli.USER_ERROR and "not a regular file" in err
    with pytest.raises(ReportFormatError, match="not a regular file"):
        jupyter_scope.load(fifo)


def test_counts_beyond_any_unit_are_written_without_a_float():
    assert human.count(10**4000) == "1.0e4000" and human.size(10**4000 - 1) == "9.9e3999 B"
    assert human.count(10**15) == "1.0e15" and human.count(10**15 - 1) == "1000000.0G"


# -- the document's optional fields, numbers, depth and version ----------------------------

VARIABLE_ID = "var:g0:image_filters/conv1/weights"


def variable_node(data: dict) -> dict:
    return next(n for n in data["graph"]["nodes"] if n["id"] == VARIABLE_ID)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("slot_of", ["x"], "is not a node id"),
        ("slot_of", "nowhere", "not a variable of the report"),
        ("slot_of", "scope:", "not a variable of the report"),
        ("component_of", "nowhere", "not a variable of the report"),
        ("components", ["nowhere"], "not a variable of the report"),
        ("tf_name", 7, "is not a string"),
        ("match", "matched", "is not a match state object"),
        ("match", {"state": "lost", "checkpoint": None}, "is not one of"),
        ("match", {"state": "shape", "checkpoint": "w", "shape": [[1]]}, "a pair of shapes"),
        ("params", 10**4000, r"10000000…, which is not an integer in 0\.\.2\^63-1"),
        ("shape", [-1], r"integers in 0\.\.2\^63-1"),
    ],
    ids=lambda value: repr(value)[:24],
)
def test_optional_fields_are_validated(field, value, says):
    """Each crashed a display, `match` or `show` before it was checked."""
    data = copy.deepcopy(SAMPLE)
    variable_node(data)[field] = value
    with pytest.raises(ReportFormatError, match=says):
        ScopeReport.from_dict(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "ckpt"),
        ("source", {"kind": 1, "path": "x"}),
        ("match", "yes"),
        ("match", {"report": None, "checkpoint": None, "renames": [["a"]]}),
        ("error", {"type": 1, "message": "m"}),
        ("error", "boom"),
        ("name", ["n"]),
    ],
)
def test_meta_fields_are_validated(field, value, capsys, tmp_path):
    data = copy.deepcopy(SAMPLE)
    data["meta"][field] = value
    with pytest.raises(ReportFormatError, match=f"meta/{field}"):
        ScopeReport.from_dict(data)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    for command in ("show", "match"):
        status, err = run_cli(capsys, command, *[str(path)] * (1 if command == "show" else 2))
        assert status == cli.USER_ERROR and err.count("\n") == 1, err


def test_valid_optional_fields_show_everywhere(capsys, tmp_path):
    """What the rules let through, every display, `match` and `show` take."""
    data = copy.deepcopy(SAMPLE)
    node = variable_node(data)
    node.update(
        tf_name="w:0", slot="m", match={"state": "shape", "checkpoint": "w", "shape": [[1], None]}
    )
    data["meta"].update(
        source={"kind": "checkpoint", "path": "ck"},
        match={"report": None, "checkpoint": {"kind": "checkpoint", "path": "ck"}, "renames": []},
    )
    report = ScopeReport.from_dict(data)
    assert set(report._repr_mimebundle_()) >= {"text/plain", "text/html"}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert run_cli(capsys, "show", str(path))[0] == 0
    assert run_cli(capsys, "match", str(path), str(path))[0] == 0


def test_a_5000_digit_integer_is_one_line(capsys, tmp_path):
    text = re.sub(r'"params": \d+', '"params": ' + "9" * 5000, json.dumps(SAMPLE), count=1)
    assert "9" * 5000 in text
    with pytest.raises(ReportFormatError, match="digits"):
        ScopeReport.from_json(text)


def deep_scopes(depth: int) -> dict:
    """The sample with a chain of `depth` nested scopes under its root."""
    data = copy.deepcopy(SAMPLE)
    parent, name = "scope:", ""
    for level in range(depth):
        name = f"{name}/s{level}" if name else f"s{level}"
        node = {
            "id": f"scope:{name}",
            "kind": "scope",
            "name": name,
            "variable_scope": False,
            "name_scope": True,
            "n_variables": 0,
            "n_ops": 0,
            "params": 0,
            "bytes": 0,
            "devices": {},
        }
        data["graph"]["nodes"].append(node)
        data["graph"]["edges"].append({"source": parent, "target": node["id"], "kind": "contains"})
        parent = node["id"]
    return data


def test_a_3000_deep_scope_tree_is_refused_in_one_line(capsys, tmp_path):
    with pytest.raises(ReportFormatError, match="nested deeper than"):
        ScopeReport.from_dict(deep_scopes(3000))
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(deep_scopes(3000)))
    status, err = run_cli(capsys, "show", str(path))
    assert status == cli.USER_ERROR and "nested deeper than" in err


def test_the_deepest_tree_allowed_shows_everywhere():
    report = ScopeReport.from_dict(deep_scopes(codec.MAX_SCOPE_DEPTH))
    assert set(report._repr_mimebundle_()) >= {"text/plain", "text/html"}
    assert ScopeReport.from_json(report.to_json()).graph.number_of_nodes() == len(report.graph)
    for format in ("md", "dot", "csv", "graphml"):
        assert write.render(report, format)


@pytest.mark.parametrize("version", [f"1.{codec.SCHEMA_MINOR + 1}", "1.999", "1.99999999999"])
def test_a_newer_minor_version_is_refused(version):
    data = copy.deepcopy(SAMPLE)
    data["schema"] = f"jupyter-scope.report/{version}"
    with pytest.raises(ReportFormatError, match="newer than this jupyter-scope reads"):
        ScopeReport.from_dict(data)
