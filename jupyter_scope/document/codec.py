"""The versioned JSON document: `{"schema", "meta", "graph", "diagnostics"}`.

`schema.json` beside this file is the contract; `from_document` validates against it
(jsonschema for the frame, `items` for the many nodes and edges) and checks what a schema
cannot say: the `contains` edges form one tree, numbers are finite, strings are text. A
bad file is refused with a one-line message naming the problem, never half-loaded.
"""

from __future__ import annotations

import itertools
import json
import math
import mmap
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial
from importlib import resources
from typing import TYPE_CHECKING, Any

import msgspec
import networkx as nx

from jupyter_scope.document import rules, typed
from jupyter_scope.model.digraph import digraph
from jupyter_scope.model.small_dicts import SHARED, Field, SmallDicts

if TYPE_CHECKING:
    import jsonschema

# jsonschema is imported when a document is first checked, not with this module: its
# import takes ~0.3 s, and ~1 s more where `rfc3987-syntax` is installed (Jupyter's own
# dependencies install it), which compiles 38 lark grammars for format checks this
# validator never asks (see `cli.py`).

SCHEMA_MAJOR = 1
# 1.1 added `display`; 1.2 gave it tables of what nodes show alike (`badges`, `sites`,
# `colours`); 1.3 added whether a function graph `ran` (and an op of one that never did),
# the optimizer's variables (`optimizer`) and scope totals split by whose params they are;
# 1.4 static cost: an op's `outputs` and `flops`, a scope's `flops` and `activation_bytes`;
# 1.5 a scope's `memory_bytes` and measured cost: an op's and a scope's `micros` and
# `peak_bytes`, a scope's `device_micros`, `meta.profile`, `display.time`.
# `display` is computed from the rest: an older document gets it anew.
SCHEMA_MINOR = 5
SCHEMA_ID = f"jupyter-scope.report/{SCHEMA_MAJOR}.{SCHEMA_MINOR}"


class ReportFormatError(ValueError):
    """A document that is not a valid jupyter-scope report."""


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = json.loads(resources.files(__package__).joinpath("schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def to_document(
    graph: nx.DiGraph, meta: dict[str, Any], diagnostics: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "meta": meta,
        "graph": nx.node_link_data(graph, edges="edges"),
        "diagnostics": diagnostics,
    }


MAX_DEPTH = 100  # JSON nesting a report may hold; real ones stay under 10
# Scopes a name may nest: real models stay under 20; the displays recurse once a level.
MAX_SCOPE_DEPTH = 200
# In JSON text a lone surrogate can only come from a `\uD800`–`\uDFFF` escape.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")


def _refuse_constant(name: str) -> float:
    raise ReportFormatError(f"not a jupyter-scope report: {name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ReportFormatError(f"not a jupyter-scope report: {text} is out of range")
    return value


# Fields whose values repeat across nodes and edges: one string object each, made as the
# JSON is parsed, saves ~300 B an op and ~220 MB at the peak of loading 700k ops.
SHARED_VALUES = ("kind", "type", "scope", "graph", "device", "device_requested")


def _share_values(obj: dict[str, Any]) -> dict[str, Any]:
    for field in SHARED_VALUES:
        value = obj.get(field)
        if value.__class__ is str:
            obj[field] = sys.intern(value)
    return obj


def decode(data: bytes) -> str:
    """The text of a document's UTF-8 bytes; strict: json.loads would let encoded
    surrogates in."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: not UTF-8 text (byte {exc.start})"
        ) from None


def parse(text: str | bytes) -> Any:
    """The JSON value of `text` (UTF-8 when bytes), refusing what a report cannot hold:
    NaN and infinities, nesting deeper than Python can follow, text that is not UTF-8."""
    if isinstance(text, bytes):
        text = decode(text)
    try:
        data = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite,
            object_hook=_share_values,
        )
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: invalid JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ReportFormatError("not a jupyter-scope report: JSON nested too deep") from None
    except ValueError as exc:  # Python's int() refuses numbers of more than 4300 digits
        raise ReportFormatError(f"not a jupyter-scope report: {first_line(exc)}") from None
    if not text.isascii() or SURROGATE_ESCAPE.search(text):
        check_values(data)  # only then can a string hold something that is not text
    return data


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def check_values(data: Any) -> None:
    """Refuse what JSON text cannot carry: NaN or infinite numbers, strings that are not
    Unicode text (lone surrogates), non-JSON types, nesting deeper than `MAX_DEPTH`."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise ReportFormatError(
                        f"invalid jupyter-scope report: {value!r} is not Unicode text "
                        f"(lone surrogate at {exc.start})"
                    ) from None
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ReportFormatError(f"invalid jupyter-scope report: {value} is not finite")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise ReportFormatError(
                    f"invalid jupyter-scope report: nested deeper than {MAX_DEPTH} levels"
                )
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
        elif not (value is None or isinstance(value, bool | int)):
            raise ReportFormatError(
                f"invalid jupyter-scope report: a {type(value).__name__} is not a JSON value"
            )


def _check_version(data: Any) -> None:
    if not isinstance(data, dict):
        raise ReportFormatError(
            f"not a jupyter-scope report: expected a JSON object, got {type(data).__name__}"
        )
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema.startswith("jupyter-scope.report/"):
        raise ReportFormatError(
            f"not a jupyter-scope report: 'schema' is {schema!r}, expected {SCHEMA_ID!r}"
        )
    major, _, minor = schema.rsplit("/", 1)[1].partition(".")
    if major != str(SCHEMA_MAJOR):
        raise ReportFormatError(
            f"unsupported report version {schema!r}: this jupyter-scope reads "
            f"'jupyter-scope.report/{SCHEMA_MAJOR}' and '{SCHEMA_MAJOR}.x' documents only"
        )
    # A newer minor may hold fields this version would drop or misread: refused, not
    # half-read (`docs/guarantees.md`).
    if minor.isdigit() and (len(minor) > 4 or int(minor) > SCHEMA_MINOR):
        raise ReportFormatError(
            f"report version {schema!r} is newer than this jupyter-scope reads "
            f"(up to {SCHEMA_ID!r}): upgrade jupyter-scope to read it"
        )


def _invalid(path: list[str | int], message: str) -> ReportFormatError:
    where = "/".join(str(p) for p in path) or "(document root)"
    return ReportFormatError(f"invalid jupyter-scope report at {where}: {message}")


def _without_items(data: dict[str, Any]) -> dict[str, Any]:
    """The document with empty node and edge lists: what jsonschema checks quickly."""
    graph = data.get("graph")
    if not isinstance(graph, dict):
        return data
    empty: dict[str, list[Any]] = {
        key: [] for key in ("nodes", "edges") if isinstance(graph.get(key), list)
    }
    return {**data, "graph": {**graph, **empty}}


def check_schema(data: Any) -> None:
    """Everything `schema.json` asks: jsonschema for the document's frame, meta and
    diagnostics; the hand-written `items` rules for its (many) nodes and edges."""
    import jsonschema

    _check_version(data)
    error = jsonschema.exceptions.best_match(_validator().iter_errors(_without_items(data)))
    if error is not None:
        raise _invalid(list(error.absolute_path), error.message)
    try:
        for index, node in enumerate(data["graph"]["nodes"]):
            rules.check_node(node, index)
        for index, edge in enumerate(data["graph"]["edges"]):
            rules.check_edge(edge, index)
    except rules.ItemError as exc:
        raise _invalid(exc.path, exc.message) from None


def build_graph(data: dict[str, Any], *, consume: bool) -> nx.DiGraph:
    """The node-link data as a DiGraph. With `consume` the node and edge dicts become the
    graph's attribute dicts and leave the lists as they go in, so a large document is
    never held twice in memory."""
    nodes, edges = data["graph"]["nodes"], data["graph"]["edges"]
    if consume:
        nodes.reverse()  # popped from the end, they go in in document order
        edges.reverse()
    else:
        nodes, edges = [dict(n) for n in reversed(nodes)], [dict(e) for e in reversed(edges)]
    n_nodes, n_edges = len(nodes), len(edges)

    def node_items() -> Iterator[tuple[str, dict[str, Any]]]:
        while nodes:
            attributes = nodes.pop()
            yield attributes.pop("id"), attributes

    def edge_items() -> Iterator[tuple[str, str, dict[str, Any]]]:
        while edges:
            attributes = edges.pop()
            yield attributes.pop("source"), attributes.pop("target"), attributes

    return _graph(node_items(), edge_items(), n_nodes, n_edges)


def _graph(
    nodes: Iterator[tuple[str, dict[str, Any]]],
    edges: Iterator[tuple[str, str, dict[str, Any]]],
    n_nodes: int,
    n_edges: int,
) -> nx.DiGraph:
    """The graph of `n_nodes` nodes and `n_edges` edges, refusing an edge to no node, a
    node id or an edge given twice."""
    try:
        graph = digraph(nodes, edges)
    except KeyError as exc:
        raise ReportFormatError(
            f"invalid jupyter-scope report: an edge's end {exc.args[0]!r} is not a node"
        ) from None
    if len(graph) != n_nodes:
        raise ReportFormatError("invalid jupyter-scope report: node ids are not unique")
    # Counted off the adjacency: `number_of_edges` caches a degree view that refers back
    # to the graph, a cycle that leaves the report to the cyclic collector (a pass over
    # all of it: 0.3 s at 10^5 variables) instead of freeing it with its last reference.
    if sum(map(len, graph._succ.values())) != n_edges:
        raise ReportFormatError("invalid jupyter-scope report: an edge appears twice")
    return graph


def check_tree(graph: nx.DiGraph) -> None:
    """The `contains` edges form one tree under the root scope (`name == ""`): a scope
    parent for every other node, one only, and no cycle."""
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for source, edges in graph.adjacency():  # networkx's views cost ~1 µs a lookup
        below = [target for target, edge in edges.items() if edge["kind"] == "contains"]
        if not below:
            continue
        if graph.nodes[source]["kind"] != "scope":
            not_scope = f"{source!r} contains {below[0]!r} but is not a scope"
            raise ReportFormatError(f"invalid jupyter-scope report: {not_scope}")
        for target in below:
            if target in parent:
                raise ReportFormatError(
                    f"invalid jupyter-scope report: {target!r} has two parents, "
                    f"{parent[target]!r} and {source!r}"
                )
            parent[target] = source
        children[source] = below
    roots = [node for node in graph if node not in parent]
    root = graph.nodes[roots[0]] if len(roots) == 1 else None
    if root is None or root["kind"] != "scope" or root["name"] != "":
        names = ", ".join(repr(node) for node in roots[:3])
        raise ReportFormatError(
            "invalid jupyter-scope report: the 'contains' edges must form one tree under "
            f"the root scope (name ''); nodes without a parent: {names or 'none'}"
        )
    reached, stack = 1, [(roots[0], 0)]
    while stack:
        node, depth = stack.pop()
        under = children.get(node, [])
        if under and depth >= MAX_SCOPE_DEPTH:
            raise ReportFormatError(
                f"invalid jupyter-scope report: scopes nested deeper than {MAX_SCOPE_DEPTH}"
            )
        reached += len(under)
        stack.extend((child, depth + 1) for child in under)
    if reached != len(graph):
        raise ReportFormatError(
            "invalid jupyter-scope report: the 'contains' edges form a cycle "
            f"({len(graph) - reached} nodes are not under the root scope)"
        )


REFERENCES = ("slot_of", "component_of")  # a variable's fields naming another variable


def check_references(graph: nx.DiGraph, variables: Iterable[str] | None = None) -> None:
    """Every node id a variable names (its slot's variable, its distributed variable, its
    parts) is a variable of the document; of `variables` only, when given."""
    nodes = graph.nodes
    if variables is None:
        variables = (node for node, data in nodes(data=True) if data["kind"] == "variable")
    for node_id in variables:
        data = nodes[node_id]
        named = [data[f] for f in REFERENCES if f in data] + data.get("components", [])
        for ref in named:
            if ref not in nodes or nodes[ref]["kind"] != "variable":
                raise ReportFormatError(
                    f"invalid jupyter-scope report: {node_id!r} names {ref!r}, "
                    "which is not a variable of the report"
                )


def from_document(
    data: Any, *, parsed: bool = False
) -> tuple[nx.DiGraph, dict[str, Any], list[dict[str, Any]]]:
    """The graph, meta and diagnostics of a document, refusing a bad one. `parsed` when
    `parse` made it: its values are checked already, its `display` is dropped once
    checked, and its node and edge lists are used up (emptied) to build the graph."""
    if not parsed:
        check_values(data)
    check_schema(data)
    if parsed:
        data.pop("display", None)  # readers recompute it: not kept while the graph is made
    graph = build_graph(data, consume=parsed)
    check_tree(graph)
    check_references(graph)
    return graph, data["meta"], data["diagnostics"]


Read = tuple[nx.DiGraph, dict[str, Any], list[dict[str, Any]]]


def read(data: str | bytes | mmap.mmap) -> Read:
    """`from_document(parse(data), parsed=True)`, decoded and checked by msgspec where
    `read_typed` takes the document. A mapped file's pages are given back as they are
    read; bytes that no name holds in the caller are freed once read, either way."""
    if isinstance(data, str):
        if not data.isascii():
            return from_document(parse(data), parsed=True)
        data = data.encode()
    held = [data]  # so that no name holds the bytes once read
    del data
    return read_typed(held[0]) or from_document(parse(decode(_bytes(held.pop()))), parsed=True)


def _bytes(data: bytes | mmap.mmap) -> bytes:
    return data if isinstance(data, bytes) else data[:]


def read_typed(data: bytes | mmap.mmap) -> Read | None:
    """What `read` gives, or None where the typed decoder does not take the document
    (then the checked way reads it, and names the problem if there is one)."""
    document = typed.decode(data)
    frame = None if document is None else _frame(document)
    if document is None or frame is None:
        return None
    nodes, edges = document.graph.nodes, document.graph.edges
    del document
    release = _release(data)
    release()
    try:
        graph = _TypedGraph(release).make(nodes, edges)
    except _Untyped:
        return None
    return graph, frame["meta"], frame["diagnostics"]


def _release(data: bytes | mmap.mmap) -> Callable[[], None]:
    """What gives back the pages of a mapped file read so far (the process's memory
    would otherwise hold the whole file while the graph is made): they are read again
    from the file if touched again. Not where `madvise` is missing (Windows)."""
    if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        return partial(data.madvise, mmap.MADV_DONTNEED)
    return lambda: None


def _frame(document: typed.Document) -> dict[str, Any] | None:
    """The document without its nodes and edges, parsed and checked as `check_schema`
    checks it; None where it is refused (left to `from_document` to say why)."""
    graph = document.graph
    frame = {
        "schema": parse(bytes(document.schema)),
        "meta": parse(bytes(document.meta)),
        "graph": {
            "directed": parse(bytes(graph.directed)),
            **{
                key: parse(bytes(getattr(graph, key)))
                for key in ("multigraph", "graph")
                if getattr(graph, key) is not msgspec.UNSET
            },
            "nodes": [],
            "edges": [],
        },
        "diagnostics": parse(bytes(document.diagnostics)),
    }
    if document.display is not msgspec.UNSET:
        frame["display"] = {}  # an object, as the schema asks; its values go unread
    try:
        check_schema(frame)
    except ReportFormatError:
        return None
    document.schema = document.meta = document.diagnostics = msgspec.Raw()
    graph.directed = msgspec.Raw()
    graph.multigraph = graph.graph = document.display = msgspec.UNSET
    return frame


class _Untyped(Exception):
    """A node or edge the types do not take, or a graph the fast checks refuse: the
    document is read the checked way, which names the problem."""


# Fields whose values repeat across nodes: one object each (`small_dicts.SmallDicts.value`);
# `kind` is one already, its struct's tag. A scope's are its own.
SHARED_FIELDS = {
    "variable": (
        "dtype", "api", "initializer", "device_requested", "device", "params", "bytes",
        "scope", "graph",
    ),
    "op": ("type", "scope", "device_requested", "device", "graph"),
}  # fmt: skip
RELEASE_EVERY = 1 << 14  # nodes or edges read between giving back a mapped file's pages
PART = 64  # nodes or edges decoded at a time (`_TypedGraph._parts`): divides RELEASE_EVERY


class _TypedGraph:
    """The graph of a document's nodes and edges (`typed.NODE`, `typed.EDGE`), as
    `from_document` makes it: each node's dict as `parse` would have made it, in document
    order, made small (`small_dicts.SmallDicts`); its tree and references checked as it is made
    where the `contains` edges come parents first (as `to_json` writes them), else after."""

    def __init__(self, release: Callable[[], None]) -> None:
        self.release = release
        self.graph = nx.DiGraph()
        # Places in the nodes' order (`_place`): each scope's, the first node's of each
        # scope name (a variable's or op's `scope`), every node's once needed otherwise.
        self.scopes: dict[str, int] = {}
        self.firsts: dict[str, int] = {}
        self.places: dict[str, int] | None = None
        self.roots: list[str] = []  # scopes named ""
        self.naming: list[str] = []  # variables naming other nodes
        small = SmallDicts()
        site = small.converter(_fields(typed.Site, ("file", "line")), msgspec.UNSET)
        self.sites: Callable[[list[Any]], list[dict[str, Any]]] = lambda sites: [
            site(s) for s in sites
        ]
        self.dicts = {
            cls: small.converter(
                _fields(cls, SHARED_FIELDS.get(kind, ()), sites=self.sites),
                msgspec.UNSET,
                ("kind", kind),
            )
            for kind, cls in typed.BY_KIND.items()
        }
        self.edge = small.converter([("kind", False, None)], msgspec.UNSET)

    def make(self, nodes: list[msgspec.Raw], edges: list[msgspec.Raw]) -> nx.DiGraph:
        n_nodes, n_edges = len(nodes), len(edges)
        self._nodes(nodes)
        if len(self.graph) != n_nodes:
            raise _Untyped  # node ids are not unique
        ordered = self._edges(edges)
        # Counted off the adjacency: see `_graph`.
        if sum(map(len, self.graph._succ.values())) != n_edges:
            raise _Untyped  # an edge appears twice
        if not ordered:
            check_tree(self.graph)
        check_references(self.graph, self.naming)
        return self.graph

    def _decoded(
        self, texts: list[msgspec.Raw], decode: Callable[[msgspec.Raw], Any]
    ) -> Iterator[Any]:
        """Each text decoded in document order, the list used up so each text is freed
        once read, and a mapped file's pages given back every `RELEASE_EVERY`."""
        texts.reverse()  # taken from the end, they come in document order
        return itertools.chain.from_iterable(self._parts(texts, decode))

    def _parts(
        self, texts: list[msgspec.Raw], decode: Callable[[msgspec.Raw], Any]
    ) -> Iterator[list[Any]]:
        """The texts decoded `PART` at a time, from the end of `texts`: iterated in C, not
        a generator's step each, and few enough that what a part's decoding made is still
        in the CPU's cache when its dicts are made (at 10^6 nodes, ~0.8 s less)."""
        while texts:
            if len(texts) % RELEASE_EVERY < PART:
                self.release()
            part = texts[-PART:]
            del texts[-PART:]
            part.reverse()
            try:
                decoded = list(map(decode, part))
            except (msgspec.DecodeError, RecursionError):
                raise _Untyped from None
            yield decoded

    def _nodes(self, nodes: list[msgspec.Raw]) -> None:
        """Each node into the graph, its dict made as it is decoded."""
        node_data, succ, pred = self.graph._node, self.graph._succ, self.graph._pred
        scopes, firsts = self.scopes, self.firsts
        dicts, decode, scope = self.dicts, typed.NODE.decode, typed.BY_KIND["scope"]
        for node in self._decoded(nodes, decode):
            attributes = dicts[node.__class__](node)
            node_id = node.id
            if node.__class__ is scope:
                scopes[node_id] = len(node_data)
                if not attributes["name"]:
                    self.roots.append(node_id)
            else:
                firsts.setdefault(attributes["scope"], len(node_data))
                if not attributes.keys().isdisjoint(CHECKED):  # a variable's, rarely
                    self._check(node_id, attributes)
            node_data[node_id], succ[node_id], pred[node_id] = attributes, {}, {}

    def _check(self, node_id: str, attributes: dict[str, Any]) -> None:
        """A variable's `match` (the one rule its type leaves to this), and its
        references, checked once every node is in."""
        if "match" in attributes:
            try:
                rules.check_fields(attributes["match"], rules.MATCH, [])
            except rules.ItemError:
                raise _Untyped from None
        if not attributes.keys().isdisjoint(NAMING):
            self.naming.append(node_id)

    def _place(self, name: str, order: list[str], scope: str | None = None) -> int:
        """The place of the node `name` in `order` (the nodes' order): a scope's, or the
        first node's of the scope named `scope` where that is it (where `to_json`'s
        edges jump to), else from a dict of every node's place, made when first needed
        (0.4 s at 10^6 nodes). `_Untyped` if no node is named so."""
        place = self.scopes.get(name)
        if place is None:
            place = self.firsts.get(scope) if scope is not None else None
            if place is None or order[place] != name:
                if self.places is None:
                    self.places = {node: place for place, node in enumerate(order)}
                place = self.places.get(name)
                if place is None:
                    raise _Untyped  # an edge's end is not a node
        return place

    def _edges(self, edges: list[msgspec.Raw]) -> bool:
        """Each edge, its text freed as it goes in; whether the `contains` edges came
        parents first, each checked as it came (else `check_tree` checks them after)."""
        graph, scopes = self.graph, self.scopes
        node_data, succ, pred = graph._node, graph._succ, graph._pred
        edge_dict, decode = self.edge, typed.EDGE.decode
        # Scopes' depths under the one root scope, each known before its children's edges.
        root = self.roots[0] if len(self.roots) == 1 else None
        depth = {} if root is None else {root: 0}
        ordered, n_contains = root is not None, 0
        # The nodes in turn, with their dicts and predecessors: `to_json` writes each
        # scope's `contains` edges in its children's order, most often the nodes' order,
        # so an edge's target is most often the node after the last edge's, found without
        # looking it up (at 10^6 nodes each lookup is a cache miss or three). Where the
        # edges jump (from one scope's children to the next scope's), the target's place
        # is found (`_place`) and the edges after it are expected to follow on from there.
        order, datas, intos = list(node_data), list(node_data.values()), list(pred.values())
        n_nodes, ahead = len(order), 0  # the place of the node the next edge should reach
        for edge in self._decoded(edges, decode):
            name, kind = edge.target, edge.kind
            if (found := scopes.get(edge.source)) is None:  # not a scope's
                found = self._place(edge.source, order)
            source = order[found]
            if ahead < n_nodes and order[ahead] != name:  # the root, say: one skipped
                ahead += 1
            if not (ahead < n_nodes and order[ahead] == name):
                ahead = self._place(name, order, node_data[source].get("name"))
            target, data, into = order[ahead], datas[ahead], intos[ahead]
            ahead += 1
            if kind == "contains":
                if node_data[source]["kind"] != "scope" or target == root:
                    raise _Untyped  # not a scope's, or into the root
                if into and any(e["kind"] == "contains" for e in into.values()):
                    raise _Untyped  # a second parent
                above = depth.get(source)
                if above is None:
                    ordered = False
                elif above >= MAX_SCOPE_DEPTH:
                    raise _Untyped
                elif data["kind"] == "scope":
                    depth[target] = above + 1
                n_contains += 1
            succ[source][target] = into[source] = edge_dict(edge)
        # Each parent reached from the root, no node given two: a tree if all have one.
        return ordered and n_contains == len(node_data) - 1


NAMING = frozenset((*REFERENCES, "components"))
CHECKED = NAMING | {"match"}  # a variable's fields its type does not check all of
NESTED = ("outputs", "callers")  # fields of structs other than sites: made dicts as they are


def _fields(
    cls: type[msgspec.Struct],
    shared: tuple[str, ...],
    sites: Callable[[Any], Any] | None = None,
) -> list[Field]:
    """The fields of a struct as `SmallDicts.converter` makes them, its id left out (the
    node's key in the graph): those `shared` one object each, sites and other structs
    made dicts, the rest as they are."""
    found: list[Field] = []
    for field in msgspec.structs.fields(cls):
        if field.name == "id":
            continue
        how: Callable[[Any], Any] | str | None = None
        if field.name in shared:
            how = SHARED
        elif field.name == "sites":
            how = sites
        elif field.name in NESTED:
            how = msgspec.to_builtins
        found.append((field.name, not field.required, how))
    return found
