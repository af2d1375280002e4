"""`diff_reports(a, b)`: what two reports share, what only one has, and what changed.

Variables and scopes are matched by name and listed sorted by name. A name that occurs
twice in one report (eager variables may share one) is matched by order of appearance:
the second is `name#2`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from html import escape
from typing import Any

from jupyter_scope.report import fmt
from jupyter_scope.report.model import ScopeReport

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

    def counts(self) -> str:
        return (
            f"{len(self.shared)} shared, {len(self.only_a)} only in A, "
            f"{len(self.only_b)} only in B, {len(self.changed)} changed"
        )

    def rows(self) -> list[tuple[str, str, str]]:
        """(mark, name, what) for everything that differs: `-` only in A, `+` only in B,
        `~` changed."""
        return [
            *(("-", name, "only in A") for name in self.only_a),
            *(("+", name, "only in B") for name in self.only_b),
            *(
                ("~", c.name, f"{c.field}: {show(c.field, c.a)} → {show(c.field, c.b)}")
                for c in self.changed
            ),
        ]


def show(field: str, value: Any) -> str:
    if field == "shape":
        return fmt.shape(value)
    if field == "device":
        return fmt.device(value) or "not placed"
    return str(value)


def keyed(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Nodes by name; repeated names become `name#2`, `name#3`…"""
    seen: dict[str, int] = {}
    out = {}
    for node in nodes:
        seen[node["name"]] = seen.get(node["name"], 0) + 1
        n = seen[node["name"]]
        out[node["name"] if n == 1 else f"{node['name']}#{n}"] = node
    return out


def compare(
    a: list[dict[str, Any]], b: list[dict[str, Any]], fields: tuple[str, ...]
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


@dataclass(frozen=True)
class ReportDiff:
    """Report A against report B: variables (by shape, dtype, device, trainable) and scopes."""

    variables: Comparison
    scopes: Comparison

    @property
    def same(self) -> bool:
        return self.variables.same and self.scopes.same

    def to_dict(self) -> dict[str, Any]:
        return {
            "same": self.same,
            "variables": asdict(self.variables),
            "scopes": asdict(self.scopes),
        }

    def _sections(self) -> list[tuple[str, Comparison]]:
        return [("variables", self.variables), ("scopes", self.scopes)]

    def __str__(self) -> str:
        if self.same:
            return (
                f"same: {len(self.variables.shared)} variables and "
                f"{len(self.scopes.shared)} scopes, no differences"
            )
        lines = []
        for title, comparison in self._sections():
            lines.append(f"{title}: {comparison.counts()}")
            rows = comparison.rows()
            width = max((len(name) for _, name, _ in rows), default=0)
            lines.extend(f"  {mark} {name:<{width}}  {what}" for mark, name, what in rows)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = []
        for title, comparison in self._sections():
            rows = "".join(
                f"<tr><td>{mark}</td><td><code>{escape(name)}</code></td><td>{escape(what)}</td></tr>"
                for mark, name, what in comparison.rows()
            )
            parts.append(f"<p><b>{title}</b>: {escape(comparison.counts())}</p>")
            if rows:
                parts.append(
                    f"<table><tr><th></th><th>name</th><th>difference</th></tr>{rows}</table>"
                )
        return f'<div class="jupyter-scope-diff">{"".join(parts)}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/plain": str(self), "text/html": self._repr_html_()}


def diff_reports(a: ScopeReport, b: ScopeReport) -> ReportDiff:
    return ReportDiff(
        variables=compare(a.variables, b.variables, VARIABLE_FIELDS),
        scopes=compare([s for s in a.scopes if s["name"]], [s for s in b.scopes if s["name"]], ()),
    )
