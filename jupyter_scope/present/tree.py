"""The scope tree of a report: one walk of the graph's `contains` edges, shared by the
text and static HTML displays (so both always show the same tree)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jupyter_scope.present import section

if TYPE_CHECKING:
    import networkx as nx

    from jupyter_scope.model.report import ScopeReport


@dataclass
class ScopeNode:
    """A scope with its children: sub-scopes, variables, and ops grouped by op type.

    Variables and ops are kept as node ids and read off the graph when shown
    (`nodes`, `variable_fields`, `op_fields`): a tree of 10^6 variables would otherwise
    hold a copy of each (~450 MB).
    """

    scope: dict[str, Any]
    label: str
    scopes: list[ScopeNode] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # variable node ids
    ops: dict[str, list[str]] = field(default_factory=dict)  # op type → op node ids
    nodes: Mapping[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    owned: bool = False  # holds a variable's own ops (`presentation.owners`)

    def op_fields(self, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The ops' fields with their ids, as the report's `ops` has them."""
        return ({"id": node_id, **self.nodes[node_id]} for node_id in ids)

    def variable_fields(self) -> Iterator[dict[str, Any]]:
        """The variables' fields with their ids, as the report's `variables` has them."""
        return self.op_fields(self.variables)

    @property
    def empty(self) -> bool:
        return not (self.scopes or self.variables or self.ops)

    @property
    def ops_only(self) -> bool:
        """No variable anywhere inside: displays keep it folded."""
        return bool(self.scope["n_variables"] == 0)

    def own_ops(self) -> dict[str, ScopeNode]:
        """The scopes here that hold a variable's own ops (TF's `w/Initializer/...` and
        `w/Assign` under `w`), by the variable's name: displays show them inside the
        variable, not as a sibling of the same name."""
        owned = [s for s in self.scopes if s.owned]
        if not owned:
            return {}  # no pass over the variables' names (1,000 in a layer of 10^6)
        names = {self.nodes[v]["name"] for v in self.variables}  # a filter may have left it out
        return {s.scope["name"]: s for s in owned if s.scope["name"] in names}

    @property
    def kind(self) -> str:
        """`variable+name scope`, `variable scope`, `name scope` or `scope`."""
        marks = [m for m in ("variable", "name") if self.scope.get(f"{m}_scope")]
        return "+".join(marks) + " scope" if marks else "scope"


def relative_name(name: str, parent: str) -> str:
    return relative_names([name], parent)[0]


def relative_names(names: list[str], parent: str) -> list[str]:
    """Each name as it reads inside the scope `parent` (`a/b/c` in `a/b` is `c`), a name
    not under it whole: in one call, for a scope's 1,000 variables."""
    prefix = parent + "/" if parent else ""
    return [name.removeprefix(prefix) for name in names] if prefix else names


def scope_tree(
    report: ScopeReport,
    pattern: re.Pattern[str] | None = None,
    counts: section.Counts | None = None,
) -> ScopeNode:
    """The tree from the root scope down.

    With `pattern`, keep the nodes whose full name matches it (`re.search`), their
    ancestors, and everything inside a matching scope; the root is kept, empty when
    nothing matches. With `counts`, every node the walk reaches is added to them
    (`section.Counts`): the summary without a pass of its own.
    """
    graph = report.graph
    root = next(n for n, d in graph.nodes(data=True) if d["kind"] == "scope" and d["name"] == "")
    walk = _Walk(graph, pattern, counts)
    if counts is not None:
        counts.add(walk.nodes[root])
    tree = walk.build(root, "", False) or ScopeNode(
        {"id": root, **walk.nodes[root]}, "", nodes=walk.nodes
    )
    stack = [tree]
    while stack:  # the scopes that hold a variable's own ops, as `section.owners` finds them
        sub = stack.pop()
        sub.owned = sub.scope["id"] in walk.owned
        stack.extend(sub.scopes)
    return tree


class _Walk:
    """One walk of the `contains` edges. A class, not a closure calling itself: that is a
    reference cycle, which would keep the graph for the cyclic collector (a pass over all
    of it: 0.3 s at 10^5 variables) instead of freeing it with the report's last
    reference."""

    def __init__(
        self, graph: nx.DiGraph, pattern: re.Pattern[str] | None, counts: section.Counts | None
    ) -> None:
        self.graph = graph
        self.adj = graph._adj  # networkx's own dicts: its views iterate in Python
        self.nodes = graph._node  # networkx's own dict: its view costs ~1 µs a lookup
        self.pattern = pattern
        self.count = counts.add if counts is not None else None
        self.owned: dict[str, str] = {}  # `section.owners`, of the scopes that may have any

    def build(self, node_id: str, parent_name: str, keep_all: bool) -> ScopeNode | None:
        """The subtree at `node_id`, or `None` when nothing in it is kept."""
        nodes, pattern, count = self.nodes, self.pattern, self.count
        data = nodes[node_id]
        keep_all = (
            keep_all or pattern is None or bool(data["name"] and pattern.search(data["name"]))
        )
        tree = ScopeNode(
            {"id": node_id, **data}, relative_name(data["name"], parent_name), nodes=nodes
        )
        may_own = False  # a scope among its children (`section.scope_owners`)
        for child_id, edge in self.adj[node_id].items():
            if edge["kind"] != "contains":
                may_own = True  # not in a valid report: its child is not read here
                continue
            child = nodes[child_id]
            if count is not None:
                count(child)
            kind = child["kind"]
            if kind == "scope":
                may_own = True
                sub = self.build(child_id, data["name"], keep_all)
                if sub is not None:
                    tree.scopes.append(sub)
            elif keep_all or (pattern is not None and pattern.search(child["name"])):
                if kind == "variable":
                    tree.variables.append(child_id)
                else:
                    tree.ops.setdefault(child["type"], []).append(child_id)
        if may_own:
            self.owned.update(section.scope_owners(self.graph, node_id))
        return tree if keep_all or not tree.empty else None
