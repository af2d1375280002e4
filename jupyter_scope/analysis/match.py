"""`match_reports(report, checkpoint)`: which of a model's variables a checkpoint holds.

Variables pair by name; against an object-based checkpoint, whose names are object
paths, also by TF name (the `full_name` its object graph keeps, which is a Keras 3
variable's path). What is left pairs through scope renames (`net/` → `new_net/`),
inferred from the names: each unpaired variable votes for the rename that gives it the
longest shared ending in the checkpoint; a rename is used only when at least one of the
pairs it makes agrees in shape and dtype.

A match is also shown as a scope tree of its own (`Match.tree`): the report's variables
and the checkpoint's unexpected ones, each carrying its state (`match_tree`), which
`present/section.py` turns into badges and row colours.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from jupyter_scope.model.build import variable_record
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.model.roles import role
from jupyter_scope.records import Capture, VariableRecord

SCHEMA_ID = "jupyter-scope.match/1"
# The checkpoint key of an object-based checkpoint's variable: its object path + this.
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
# A variable's state in a match's tree (its `match.state`), worst first.
STATES = ("shape", "dtype", "missing", "unexpected", "renamed", "matched")

Shape = list[int | None] | None


@dataclass(frozen=True)
class Match:
    """A report's variables against a checkpoint's (or any other report's)."""

    report_source: dict[str, Any] | None  # `meta["source"]` of each side, None if recorded
    checkpoint_source: dict[str, Any] | None
    pairs: dict[str, str]  # report name → checkpoint name, for every pair found
    missing: list[str]  # in the report, not in the checkpoint
    unexpected: list[str]  # in the checkpoint, not in the report
    shape_mismatch: list[tuple[str, Shape, Shape]]  # (report name, report, checkpoint shape)
    dtype_mismatch: list[tuple[str, str, str]]  # (report name, report, checkpoint dtype)
    assignment_map: dict[str, str]  # checkpoint key → report variable, for init_from_checkpoint
    # Makes `tree`, when first asked: a report as large as the two matched, which the
    # text view (the CLI's `match`) never needs.
    make_tree: Callable[[], ScopeReport] = field(repr=False, compare=False)
    renames: list[tuple[str, str]] = field(default_factory=list)  # (checkpoint, report) scope
    renamed_pairs: dict[str, str] = field(default_factory=dict)  # the pairs renames made
    # Of `missing`, what a checkpoint of the model alone does not hold (`is_expected_miss`)
    expected_missing: list[str] = field(default_factory=list)

    @property
    def object_based(self) -> bool:
        return (self.checkpoint_source or {}).get("format") == "object-based"

    @cached_property
    def tree(self) -> ScopeReport:
        """The match as a scope tree (`match_tree`)."""
        return self.make_tree()

    # Derived once: a display asks whether each matched name was renamed (10^6 names).
    @cached_property
    def matched(self) -> list[str]:
        """Report names whose pair agrees in shape and dtype."""
        bad = {name for name, *_ in self.shape_mismatch} | {n for n, *_ in self.dtype_mismatch}
        return sorted(name for name in self.pairs if name not in bad)

    @cached_property
    def renamed(self) -> dict[str, str]:
        """Matched pairs made through a scope rename: report name → checkpoint name."""
        return {n: self.renamed_pairs[n] for n in self.matched if n in self.renamed_pairs}

    @property
    def unresolved(self) -> list[str]:
        """Object-based: the checkpoint's values (object paths) `Checkpoint.restore` of
        this model would leave unresolved, which `assert_consumed()` complains about."""
        return self.unexpected if self.object_based else []

    @property
    def all_matched(self) -> bool:
        return not (self.missing or self.unexpected or self.shape_mismatch or self.dtype_mismatch)

    def counts(self) -> dict[str, int]:
        return {
            "matched": len(self.matched),
            "renamed": len(self.renamed),
            "missing": len(self.missing),
            "expected_missing": len(self.expected_missing),
            "unexpected": len(self.unexpected),
            "shape_mismatch": len(self.shape_mismatch),
            "dtype_mismatch": len(self.dtype_mismatch),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "report": self.report_source,
            "checkpoint": self.checkpoint_source,
            "all_matched": self.all_matched,
            "counts": self.counts(),
            "pairs": self.pairs,
            "missing": self.missing,
            "expected_missing": self.expected_missing,
            "unexpected": self.unexpected,
            "unresolved": self.unresolved,
            "shape_mismatch": [list(row) for row in self.shape_mismatch],
            "dtype_mismatch": [list(row) for row in self.dtype_mismatch],
            "renames": [list(rename) for rename in self.renames],
            "renamed": self.renamed,
            "assignment_map": self.assignment_map,
        }

    def export(self, path: str | Path, format: str | None = None, *, force: bool = False) -> Path:
        """Write the match, atomically; the format comes from the suffix when not given.
        JSON is `to_dict()`; every other format is the tree's (`tree.export`), so HTML is
        the standalone page of the tree coloured by match state. An existing file only
        with `force`."""
        from jupyter_scope.export import write

        path = Path(path)
        if write.format_for(path, format) != "json":
            return self.tree.export(path, format, force=force)
        write.check_writable(path, force=force)
        write.write_atomic(path, json.dumps(self.to_dict(), indent=1) + "\n", force=force)
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from jupyter_scope.present.match_view import mimebundle

        return mimebundle(self)

    def __repr__(self) -> str:
        return "<Match: " + ", ".join(f"{n} {k}" for k, n in self.counts().items()) + ">"


Variable = dict[str, Any]  # a variable node's own attributes: its fields but its id


def _variables(report: ScopeReport) -> dict[str, Variable]:
    """By name, the first variable of a name; a replica counts in its distributed
    variable. The graph's own attribute dicts, not copies with their ids as
    `report.variables` makes (10^6 of them: ~1 s and ~500 MB a report)."""
    found: dict[str, Variable] = {}
    for _, var in report.graph.nodes(data=True):
        if var["kind"] == "variable" and not var.get("component_of"):
            found.setdefault(var["name"], var)
    return found


def _variable_ids(report: ScopeReport, found: dict[str, Variable]) -> dict[str, str]:
    """The node id of each variable of `found` (`_variables` of the report), by name."""
    ids: dict[str, str] = {}
    for node, var in report.graph.nodes(data=True):
        if found.get(name := var.get("name")) is var:
            ids[name] = node
    return ids


def _join(scope: str, rest: str) -> str:
    return f"{scope}/{rest}" if scope else rest


def _split(name: str, i: int) -> tuple[str, str]:
    parts = name.split("/")
    return "/".join(parts[:i]), "/".join(parts[i:])


def infer_renames(ours: list[str], theirs: set[str]) -> list[tuple[str, str]]:
    """(checkpoint scope, report scope) renames, most supported first."""
    scopes_by_ending: defaultdict[str, set[str]] = defaultdict(set)
    for name in theirs:
        for i in range(name.count("/") + 1):
            scope, ending = _split(name, i)
            scopes_by_ending[ending].add(scope)
    votes: Counter[tuple[str, str]] = Counter()
    for name in ours:
        for i in range(name.count("/") + 1):  # the longest ending first
            our_scope, ending = _split(name, i)
            if ending in scopes_by_ending:
                votes.update((s, our_scope) for s in scopes_by_ending[ending] if s != our_scope)
                break
    return sorted(votes, key=lambda rename: (-votes[rename], rename))


def _agree(a: Variable, b: Variable) -> bool:
    return bool(a["shape"] == b["shape"] and a["dtype"] == b["dtype"])


def match_reports(report: ScopeReport, other: ScopeReport) -> Match:
    ours, theirs = _variables(report), _variables(other)
    free = set(theirs)
    pairs: dict[str, str] = {}

    def pair(name: str, their_name: str) -> None:
        pairs[name] = their_name
        free.discard(their_name)

    # Only a TF name that one checkpoint variable has: most sources name none.
    tf_names = Counter(v.get("tf_name") for v in theirs.values() if v.get("tf_name"))
    by_tf_name = (  # not a pass over 10^6 variables when none has one
        {v["tf_name"]: n for n, v in theirs.items() if tf_names[v.get("tf_name")] == 1}
        if tf_names
        else {}
    )
    if by_tf_name:
        for name, var in ours.items():
            alias = by_tf_name.get(var.get("tf_name") or name) or by_tf_name.get(name)
            if name in theirs:
                pair(name, name)
            elif alias in free:
                pair(name, alias)
    else:  # by name alone, in the report's order: sorted below in ~0.6 s, not ~2.4 s as
        # in a set's (10^6 names)
        same = [name for name in ours if name in theirs]
        pairs.update(zip(same, same, strict=True))
        free.difference_update(same)
    renames, renamed_pairs = [], {}
    # Only names left unpaired can pair through a rename: each candidate rename looks at
    # them, not at every variable (at 10^6 variables, ~100 candidates took 0.4 s each).
    unpaired = [n for n in ours if n not in pairs]
    for their_scope, our_scope in infer_renames(unpaired, free):
        found, prefix = {}, _join(our_scope, "")
        for name in unpaired:
            if name in pairs or not name.startswith(prefix):
                continue
            their_name = _join(their_scope, name[len(prefix) :])
            if their_name in free:
                found[name] = their_name
        if any(_agree(ours[n], theirs[t]) for n, t in found.items()):
            renames.append((their_scope, our_scope))
            renamed_pairs.update(found)
            for name, their_name in found.items():
                pair(name, their_name)
    object_based = (other.meta.get("source") or {}).get("format") == "object-based"
    suffix = VALUE_SUFFIX if object_based else ""
    pairs = dict(sorted(pairs.items()))
    assignment_map, shape_mismatch, dtype_mismatch = {}, [], []
    for name, their_name in pairs.items():  # one pass over the pairs, in name order
        var, their_var = ours[name], theirs[their_name]
        if _agree(var, their_var):
            assignment_map[their_name + suffix] = var.get("tf_name") or name
            continue
        if var["shape"] != their_var["shape"]:
            shape_mismatch.append((name, var["shape"], their_var["shape"]))
        if var["dtype"] != their_var["dtype"]:
            dtype_mismatch.append((name, var["dtype"], their_var["dtype"]))
    missing = sorted(n for n in unpaired if n not in pairs)  # renames pair only those
    unexpected = sorted(free)
    return Match(
        report_source=report.meta.get("source"),
        checkpoint_source=other.meta.get("source"),
        pairs=pairs,
        missing=missing,
        unexpected=unexpected,
        shape_mismatch=shape_mismatch,
        dtype_mismatch=dtype_mismatch,
        assignment_map=assignment_map,
        # The states are made with the tree, when it is asked for: the text view never
        # needs them (a dict for each of 10^6 variables: ~3 s).
        make_tree=partial(_tree, report, other, pairs, renamed_pairs, unexpected, renames),
        renames=renames,
        renamed_pairs=dict(sorted(renamed_pairs.items())),
        expected_missing=[n for n in missing if is_expected_miss(ours[n])],
    )


def _tree(
    report: ScopeReport,
    other: ScopeReport,
    pairs: dict[str, str],
    renamed_pairs: dict[str, str],
    unexpected: list[str],
    renames: list[tuple[str, str]],
) -> ScopeReport:
    """`match_tree` of a match, with each report variable's state."""
    ours, theirs = _variables(report), _variables(other)
    states = {name: _state(ours[name], theirs, pairs.get(name), renamed_pairs) for name in ours}
    return match_tree(report, other, states, unexpected, renames)


# The name TF gives the step counter (`tf.compat.v1.train.create_global_step`).
STEP_COUNTER = "global_step"


def is_expected_miss(var: Variable) -> bool:
    """A variable a checkpoint of the model alone lacks, as one saved for inference or
    from a pretrained net: an optimizer's (slots, step counters, beta powers) or TF's step
    counter."""
    return role(var) == "optimizer" or var["name"].rsplit("/", 1)[-1] == STEP_COUNTER


def _state(
    var: Variable,
    theirs: dict[str, Variable],
    their_name: str | None,
    renamed_pairs: dict[str, str],
) -> dict[str, Any]:
    """A report variable's `match` attribute: its state, the checkpoint's name for it,
    and (report, checkpoint) values of the shape or dtype where they differ."""
    if their_name is None:
        missing: dict[str, Any] = {"state": "missing", "checkpoint": None}
        return {**missing, "expected": True} if is_expected_miss(var) else missing
    state: dict[str, Any] = {"checkpoint": their_name}
    for what in ("shape", "dtype"):
        if var[what] != theirs[their_name][what]:
            state[what] = [var[what], theirs[their_name][what]]
    state["state"] = next(
        (w for w in ("shape", "dtype") if w in state),
        "renamed" if var["name"] in renamed_pairs else "matched",
    )
    return state


def _record(var: Variable, key: str, state: dict[str, Any], slot_of: str | None) -> VariableRecord:
    """A variable of a report as the plain record it was built from, with its state and,
    for an optimizer slot, the key of the variable it serves."""
    return replace(variable_record(var, key), slot_of=slot_of, match=state)


def _label(report: ScopeReport) -> str:
    """What the tree's name calls a side: the file it was read from, else its name."""
    source = report.meta.get("source")
    return Path(source["path"]).name if source else report.meta.get("name") or "report"


def match_tree(
    report: ScopeReport,
    other: ScopeReport,
    states: dict[str, dict[str, Any]],
    unexpected: list[str],
    renames: list[tuple[str, str]],
) -> ScopeReport:
    """The report's variables and, under their own names, the checkpoint's unexpected
    ones, built as any report is (`build.build_report`); no ops, which a checkpoint has
    none of to match."""
    from jupyter_scope.analysis.build import build_report

    meta = {k: v for k, v in report.meta.items() if k != "source"}
    meta["name"] = f"{_label(report)} vs {_label(other)}"  # apart from the report's own
    meta["match"] = {
        "report": report.meta.get("source"),
        "checkpoint": other.meta.get("source"),
        "renames": [list(rename) for rename in renames],
    }
    capture = Capture(meta=meta)
    ours, theirs = _variables(report), _variables(other)
    ids = _variable_ids(report, ours)
    # Keyed by the report's node ids, the checkpoint's unexpected ones apart; a checkpoint
    # variable's key (for its slots) is its pair's, or its own when unexpected.
    keys = {s["checkpoint"]: ids[name] for name, s in states.items() if s["checkpoint"]}
    keys.update((name, f"checkpoint:{name}") for name in unexpected)
    for name, var in ours.items():
        capture.variables[ids[name]] = _record(var, ids[name], states[name], var.get("slot_of"))
    for name in unexpected:
        var, key = theirs[name], keys[name]
        served = other.graph.nodes.get(var.get("slot_of"), {}).get("name")
        state = {"state": "unexpected", "checkpoint": name}
        capture.variables[key] = _record(var, key, state, keys.get(served))
    return build_report(capture)
