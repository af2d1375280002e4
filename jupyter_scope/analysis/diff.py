"""`diff_reports(a, b)`: what two reports share, what only one has, and what changed.

Variables and scopes are matched by name and listed sorted by name, variables first. A
name that occurs twice in one report (eager variables may share one) is matched by order
of appearance: the second is `name#2`. The two reports are called by what they are: the
labels given, else their names (`%%scopes NAME`), else their cells (`In [3]`), else A
and B.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from jupyter_scope.model.report import ScopeReport

VARIABLE_FIELDS = ("shape", "dtype", "device", "trainable")


@dataclass(frozen=True)
class Change:
    name: str
    field: str
    a: Any
    b: Any


@dataclass(frozen=True)
class Comparison:
    """One kind of node (variables or scopes) compared by name."""

    shared: list[str]
    only_a: list[str]
    only_b: list[str]
    changed: list[Change]

    @property
    def same(self) -> bool:
        return not (self.only_a or self.only_b or self.changed)

    def counts(self, a: str = "A", b: str = "B") -> str:
        return (
            f"{len(self.shared)} shared, {len(self.only_a)} only in {a}, "
            f"{len(self.only_b)} only in {b}, {len(self.changed)} changed"
        )

    def rows(self, a: str = "A", b: str = "B") -> list[tuple[str, str, str]]:
        """(mark, name, what) for everything that differs: `-` only in A, `+` only in B,
        `~` changed; `a` and `b` name the reports."""
        return [
            *(("-", name, f"only in {a}") for name in self.only_a),
            *(("+", name, f"only in {b}") for name in self.only_b),
            *(
                ("~", c.name, f"{c.field}: {show(c.field, c.a)} → {show(c.field, c.b)}")
                for c in self.changed
            ),
        ]


def show(field: str, value: Any) -> str:
    from jupyter_scope.present import human  # a diff's text is a view: imported when shown

    if field == "shape":
        return human.shape(value)
    if field == "device":
        return human.device(value) or "not placed"
    return str(value)


def keyed(nodes: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Nodes by name; repeated names become `name#2`, `name#3`…"""
    seen: dict[str, int] = {}
    out = {}
    for node in nodes:
        seen[node["name"]] = seen.get(node["name"], 0) + 1
        n = seen[node["name"]]
        out[node["name"] if n == 1 else f"{node['name']}#{n}"] = node
    return out


def compare(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], fields: tuple[str, ...]
) -> Comparison:
    """Match by name; every list sorted by name, so creation order does not matter."""
    in_a, in_b = keyed(a), keyed(b)
    shared = sorted(in_a.keys() & in_b.keys())
    return Comparison(
        shared=shared,
        only_a=sorted(in_a.keys() - in_b.keys()),
        only_b=sorted(in_b.keys() - in_a.keys()),
        changed=[
            Change(name, field, in_a[name][field], in_b[name][field])
            for name in shared
            for field in fields
            if in_a[name][field] != in_b[name][field]
        ],
    )


def label(report: ScopeReport) -> str | None:
    """What a report is called: its name, else its cell (`In [3]`)."""
    if report.meta.get("name"):
        return str(report.meta["name"])
    count = (report.meta.get("cell") or {}).get("execution_count")
    return None if count is None else f"In [{count}]"


@dataclass(frozen=True)
class ReportDiff:
    """Report A against report B: variables (by shape, dtype, device, trainable) and scopes."""

    variables: Comparison
    scopes: Comparison
    labels: tuple[str, str] = ("A", "B")

    @property
    def same(self) -> bool:
        return self.variables.same and self.scopes.same

    def to_dict(self) -> dict[str, Any]:
        return {
            "same": self.same,
            "variables": asdict(self.variables),
            "scopes": asdict(self.scopes),
            "labels": list(self.labels),
        }

    def _sections(self) -> list[tuple[str, Comparison]]:
        return [("variables", self.variables), ("scopes", self.scopes)]

    def __str__(self) -> str:
        a, b = self.labels
        if self.same:
            return (
                f"{a} and {b} are the same: {len(self.variables.shared)} variables and "
                f"{len(self.scopes.shared)} scopes, no differences"
            )
        lines = [f"{a} → {b}"]
        for title, comparison in self._sections():
            lines.append(f"{title}: {comparison.counts(a, b)}")
            rows = comparison.rows(a, b)
            width = max((len(name) for _, name, _ in rows), default=0)
            lines.extend(f"  {mark} {name:<{width}}  {what}" for mark, name, what in rows)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from jupyter_scope.present.human import html_text as escape

        a, b = self.labels
        parts = [f"<p><b>{escape(a)}</b> → <b>{escape(b)}</b></p>"]
        left = ' style="text-align:left"'  # JupyterLab right-aligns table cells
        for title, comparison in self._sections():
            rows = "".join(
                f"<tr><td{left}>{mark}</td><td{left}><code>{escape(name)}</code></td>"
                f"<td{left}>{escape(what)}</td></tr>"
                for mark, name, what in comparison.rows(a, b)
            )
            parts.append(f"<p><b>{title}</b>: {escape(comparison.counts(a, b))}</p>")
            if rows:
                parts.append(
                    f"<table><tr><th></th><th{left}>name</th><th{left}>difference</th></tr>"
                    f"{rows}</table>"
                )
        return f'<div class="jupyter-scope-diff">{"".join(parts)}</div>'

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": str(self), "text/html": self._repr_html_()}


def diff_reports(
    a: ScopeReport, b: ScopeReport, labels: tuple[str | None, str | None] = (None, None)
) -> ReportDiff:
    """`labels` name the two reports; by default they are named as `label` says, or A
    and B when either has no name or both have the same."""
    named = (labels[0] or label(a), labels[1] or label(b))
    return ReportDiff(
        variables=compare(a.variables, b.variables, VARIABLE_FIELDS),
        scopes=compare([s for s in a.scopes if s["name"]], [s for s in b.scopes if s["name"]], ()),
        labels=(named[0], named[1])
        if named[0] and named[1] and named[0] != named[1]
        else ("A", "B"),
    )
