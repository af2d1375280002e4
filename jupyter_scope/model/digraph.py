"""A networkx DiGraph made from nodes and edges in one go.

The graph's dict-of-dicts (`_node`, `_succ`, `_pred`, networkx's documented data
structure) is filled directly with the attribute dicts given, not copies:
`add_node`/`add_edge` copy every attribute dict and check every end, which was most of
building a report (and 4 s of loading one of 700k ops).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

Attributes = dict[str, Any]


def digraph(
    nodes: Iterable[tuple[str, Attributes]], edges: Iterable[tuple[str, str, Attributes]]
) -> nx.DiGraph:
    """Nodes first; an edge whose end is not a node raises KeyError (that end). A node or
    edge given twice keeps its last attributes."""
    graph = nx.DiGraph()
    node_data, succ, pred = graph._node, graph._succ, graph._pred
    for node, attributes in nodes:
        node_data[node], succ[node], pred[node] = attributes, {}, {}
    for source, target, attributes in edges:
        if target not in pred:
            raise KeyError(target)
        succ[source][target] = pred[target][source] = attributes
    return graph
