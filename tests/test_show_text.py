"""What `show` and `match` print, byte for byte, pinned in `golden/show.json`.

The text tree is written a line at a time from `section.py`'s functions, without the
display section (`present/text_tree.py`), so that a report of 10^6 variables prints
without holding its display or its whole text. The golden file was written by the code
that read the display section (main at 473c620): each text must stay as it was,
on the golden documents (call chains, own ops, placements, numbered ids), on reports with
slots, reuses, control characters and a filter, and on a match and its tree. Set
JUPYTER_SCOPE_UPDATE_GOLDEN=1 to rewrite it after an intended change.
"""

from __future__ import annotations

import gc
import json
import re
import weakref
from dataclasses import replace
from functools import partial

from report_factory import CPU, hostile_report, make_report, tower_report, variable
from test_golden import GOLDEN, SOURCES, check

import jupyter_scope
from jupyter_scope import ScopeReport, cli
from jupyter_scope.model import sites
from jupyter_scope.present import human, match_view, text_tree
from jupyter_scope.records import VariableRecord

SHOW = GOLDEN / "show.json"


def saved(name: str, shape: list[int]) -> VariableRecord:
    """A variable as `load` reads it from a checkpoint: nothing known of its making."""
    return VariableRecord(
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


def layers(n_layers: int, *, checkpoint: bool = False) -> ScopeReport:
    """`big_report.py`'s model, small: layers of four variables, every third reused with a
    second call site, and an optimizer slot; as a checkpoint holds it, one layer under an
    old scope name, the last layer missing and a shape changed."""
    variables = []
    for i in range(n_layers * 4):
        layer, kind = divmod(i, 4)
        name = f"model/layer_{layer}/{('kernel', 'bias', 'gamma', 'moving_mean')[kind]}"
        shape = [8, 8] if kind == 0 else [8]
        if checkpoint:
            if layer != n_layers - 1:
                old = name.replace("layer_1/", "old_layer_1/")
                variables.append(saved(old, [4, *shape] if i == 5 else shape))
            continue
        sites = [{"file": "model.py", "line": 20 + i % 7, "kind": "create"}]
        if i % 3 == 0:
            caller = {"file": "train.py", "line": 3}
            sites.append({"file": "train.py", "line": 7, "kind": "reuse", "callers": [caller]})
        fields = {"trainable": kind != 3, "initializer": "zeros" if kind else "glorot_uniform"}
        made = variable(name, shape, device=CPU, reuse_count=int(i % 3 == 0), **fields)
        variables.append(replace(made, sites=sites))
    slot = "model/layer_0/kernel/Adam"
    if checkpoint:
        variables.append(saved(slot, [8, 8]))
    else:
        variables.append(
            variable(slot, [8, 8], slot_of="g0:model/layer_0/kernel", slot="m", trainable=False)
        )
    report = make_report(variables)
    if checkpoint:
        report.meta["source"] = {"kind": "checkpoint", "path": "ckpt/m", "format": "name-based"}
    return report


def texts() -> dict[str, str]:
    reports = {name: ScopeReport.from_dict(source()) for name, source in SOURCES.items()}
    reports |= {"tower": tower_report(), "hostile": hostile_report(), "layers": layers(5)}
    found = {name: text_tree.render(report, limit=None) for name, report in reports.items()}
    pattern = re.compile("layer_[12]/k")
    found["layers --filter"] = text_tree.render(reports["layers"], pattern, limit=None)
    found["sample --filter"] = text_tree.render(reports["sample"], re.compile("nothing"))
    found["layers, capped"] = text_tree.render(layers(30))  # as a notebook saves it
    match = layers(5).match(layers(5, checkpoint=True))
    found["match"] = match_view.render_text(match)
    found["match tree"] = text_tree.render(match.tree, limit=None)
    return found


def test_show_and_match_print_what_they_printed():
    check(SHOW, texts())


def test_the_cli_prints_those_texts(tmp_path, capsys):
    report, ckpt = tmp_path / "r.json", tmp_path / "c.json"
    report.write_text(layers(5).to_json())
    ckpt.write_text(layers(5, checkpoint=True).to_json())
    golden = json.loads(SHOW.read_text(encoding="utf-8"))
    for command, name, status in (
        (["show", str(report)], "layers", 0),
        (["show", str(report), "--filter", "layer_[12]/k"], "layers --filter", 0),
        (["match", str(report), str(ckpt)], "match", 1),
    ):
        assert cli.main(command) == status
        assert capsys.readouterr().out == golden[name] + "\n"


def test_show_writes_its_lines_in_parts_that_print_the_same(tmp_path, capsys, monkeypatch):
    """`show` writes `cli.WRITTEN_LINES` lines at a time: parts of 3 lines, the last one
    short, print the same text, each line once, ending with one newline."""
    report = tmp_path / "r.json"
    report.write_text(layers(5).to_json())
    golden = json.loads(SHOW.read_text(encoding="utf-8"))["layers"]
    assert (golden.count("\n") + 1) % 3 != 0  # a short last part
    monkeypatch.setattr(cli, "WRITTEN_LINES", 3)
    assert cli.main(["show", str(report)]) == 0
    assert capsys.readouterr().out == golden + "\n"


def test_the_match_text_does_not_make_the_tree():
    match = layers(3).match(layers(3, checkpoint=True))
    match_view.render_text(match)
    assert "tree" not in vars(match)  # made when first asked: 10^6 variables cost ~6 s
    assert match.tree.meta["match"]["renames"] == [["model/old_layer_1", "model/layer_1"]]


def test_a_report_read_and_shown_is_freed_without_the_collector(tmp_path):
    """No reference cycle holds a loaded report's graph: it goes with its last reference,
    not at the cyclic collector's next pass over it (0.3 s at 10^5 variables)."""
    path = tmp_path / "r.json"
    path.write_text(layers(3).to_json())
    gc.disable()
    try:
        report = jupyter_scope.load(path)
        text_tree.render(report, re.compile("layer"))
        graph = weakref.ref(report.graph)
        del report
        assert graph() is None
    finally:
        gc.enable()


class Reads(dict):  # type: ignore[type-arg]
    """A node's or site's fields, noting each one read (`read`), its callers' as
    `callers.file`."""

    def __init__(self, fields: dict, read: set[str], prefix: str = "") -> None:  # type: ignore[type-arg]
        super().__init__(fields)
        self.read, self.prefix = read, prefix
        if fields.get("callers"):
            dict.__setitem__(
                self, "callers", [Reads(c, read, "callers.") for c in fields["callers"]]
            )

    def __getitem__(self, key: str) -> object:
        self.read.add(self.prefix + key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(self.prefix + key)
        return super().get(key, default)


def fields_read(write, fields: dict) -> set[str]:  # type: ignore[no-untyped-def, type-arg]
    read: set[str] = set()
    write(Reads(fields, read))
    return read


def test_a_lines_memo_keys_every_value_the_line_is_written_from():
    """The text tree writes each distinct tail of a variable's line and each distinct list
    of call lines once, kept by the values of `line_key` and `calls_key`: these must read
    every field the writers read, or two variables differing in it would print alike.
    Every variable of the golden reports is tried, and each of its sites."""
    reports = [ScopeReport.from_dict(source()) for source in SOURCES.values()]
    reports += [tower_report(), hostile_report(), layers(3)]
    reports.append(layers(3).match(layers(3, checkpoint=True)).tree)
    tried = 0
    for report in reports:
        graph = report.graph
        for _, var in graph.nodes(data=True):
            if var["kind"] != "variable":
                continue
            for n in (0, 3):
                line = fields_read(
                    partial(text_tree.variable_line, label="", graph=graph, own_ops=n), var
                )
                keyed = fields_read(partial(text_tree.line_key, graph, own_ops=n), var)
                assert line - {"name"} <= keyed
            for site in var["sites"]:
                calls = fields_read(lambda s: sites.call_lines([s]), site)
                assert calls <= fields_read(lambda s: text_tree.calls_key([s]), site)
                tried += 1
    assert tried > 50


def test_a_scope_written_in_parts_prints_the_same(monkeypatch):
    """A scope's variables are written `CHUNK` at a time (names made relative and checked
    for escapes a part at a time): parts of 3 print what one part prints."""
    golden = json.loads(SHOW.read_text(encoding="utf-8"))
    monkeypatch.setattr(text_tree, "CHUNK", 3)
    assert text_tree.render(layers(5), limit=None) == golden["layers"]
    assert text_tree.render(hostile_report(), limit=None) == golden["hostile"]


def test_a_name_to_escape_is_escaped_alone_in_its_part(monkeypatch):
    """Names are checked for escapes a part at a time: in a part with one name to escape,
    that name is shown escaped (`human.visible`) and the others as they are, as a report
    whose names were written escaped shows them."""
    names = ["m/a", "m/b\x1b[2J", "m/c\u202ed", "m/e", "m/f\x07/g", "m/h"]
    escaped = [human.visible(name) for name in names]
    assert escaped != names
    monkeypatch.setattr(text_tree, "CHUNK", 4)
    shown = text_tree.render(make_report([variable(n, [2]) for n in names]), limit=None)
    written = text_tree.render(make_report([variable(n, [2]) for n in escaped]), limit=None)
    assert shown == written
    assert "b\\x1b[2J [2] float32" in shown
