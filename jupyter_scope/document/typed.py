"""A document decoded and its nodes and edges checked in C (msgspec).

`json.loads` and the rules of `rules.py` take ~11 s of a report of 10^6 variables;
decoding it into typed structs made from the same rule tables takes ~1.3 s. The document
is first skimmed (`decode`: its JSON checked, each node and edge left as the span of text
it is), then each node and edge is decoded (`NODE`, `EDGE`) and made a dict as the graph
is made, so that all the structs are never held at once beside the text. This serves
the common case only: `decode` answers None for a document it does not take, and the
caller reads that one the checked way (`codec.parse`, `codec.check_schema`), whose error
names the problem. What it takes, that way takes to the same values: its types ask at
least what the rules ask (an integer written `3.0`, a field no rule names, text that is
not ASCII are left to the rules), and msgspec refuses what `json.loads` with `codec.parse`'s
hooks refuses (NaN, numbers out of range, lone surrogates), but in what a reader drops
unread (`display`, keys no version names), where it checks the JSON and not its numbers.
"""

from __future__ import annotations

import mmap
from typing import Annotated, Any, Literal, Union

import msgspec

from jupyter_scope.document import rules

Count = Annotated[int, msgspec.Meta(ge=0, le=rules.MAX_COUNT)]
Micros = (  # an int stays an int, as json.loads gives it
    Annotated[int, msgspec.Meta(ge=0, le=rules.MAX_MICROS)]
    | Annotated[float, msgspec.Meta(ge=0, le=rules.MAX_MICROS)]
)
Shape = list[Count | None] | None
STRICT: dict[str, Any] = {"kw_only": True, "forbid_unknown_fields": True, "gc": False}

# The type of each rule: what it accepts, or less.
TYPES: dict[rules.Check, Any] = {
    rules.is_str: str,
    rules.is_bool: bool,
    rules.count: Count,
    rules.count_or_null: Count | None,
    rules.str_or_null: str | None,
    rules.bool_or_null: bool | None,
    rules.shape_or_null: Shape,
    rules.str_list: list[str],
    rules.count_values: dict[str, Count],
    rules.micros: Micros,
    rules.micros_or_null: Micros | None,
    rules.micros_values: dict[str, Micros],
    # A variable's `match` keeps its keys, in their order: `rules.MATCH` is checked on
    # the dict, for the few variables that have one (`codec._TypedGraph`).
    rules.is_dict: dict[str, Any],
}


def _fields(table: rules.Rules) -> list[tuple[Any, ...]]:
    """A rule table's fields, in its order; an optional one left out stays out."""
    return [
        (name, TYPES[rule]) if required else (name, TYPES[rule] | msgspec.UnsetType, msgspec.UNSET)
        for name, (required, rule, _) in table.items()
    ]


Location = msgspec.defstruct("Location", _fields(rules.LOCATION), **STRICT)
Site = msgspec.defstruct(  # `rules.check_site`
    "Site",
    [
        *_fields(rules.LOCATION),
        ("kind", Literal[rules.SITE_KINDS]),
        ("callers", list[Location] | msgspec.UnsetType, msgspec.UNSET),  # type: ignore[valid-type]
    ],
    **STRICT,
)
TYPES[rules.is_list] = list[Site]  # type: ignore[valid-type]  # a variable's sites
Output = msgspec.defstruct("Output", [("shape", Shape), ("dtype", str)], **STRICT)  # `rules.output`
TYPES[rules.outputs] = list[Output]  # type: ignore[valid-type]
NODES = tuple(
    msgspec.defstruct(kind, _fields(table), tag_field="kind", tag=kind, **STRICT)
    for kind, table in rules.KINDS.items()
)
BY_KIND: dict[str, type[msgspec.Struct]] = dict(zip(rules.KINDS, NODES, strict=True))
Edge = msgspec.defstruct(
    "Edge",
    [("kind", Literal[rules.EDGE_KINDS]), *_fields(rules.EDGE)],
    **STRICT,
)


class Graph(msgspec.Struct, gc=False):
    """node-link data, each node and edge as its text (decoded one at a time: `NODE`,
    `EDGE`); the rest of the document's frame is left as JSON text for
    `codec.check_schema`, which checks it with jsonschema."""

    directed: msgspec.Raw
    nodes: list[msgspec.Raw]
    edges: list[msgspec.Raw]
    multigraph: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    graph: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


class Document(msgspec.Struct, gc=False):
    schema: msgspec.Raw
    meta: msgspec.Raw
    graph: Graph
    diagnostics: msgspec.Raw
    display: dict[str, msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET  # dropped unread


DECODER = msgspec.json.Decoder(Document)
NODE = msgspec.json.Decoder(Union[NODES])  # noqa: UP007 (a tuple's types)
EDGE: msgspec.json.Decoder[Any] = msgspec.json.Decoder(Edge)  # Edge is made, not declared
CHUNK = 1 << 24  # bytes checked at a time in a mapped file: a slice is a copy


def decode(data: bytes | mmap.mmap) -> Document | None:
    """The document of `data` when it is ASCII and its frame's types hold, else None.
    Its nodes and edges are JSON, not yet checked further (`NODE`, `EDGE`)."""
    if isinstance(data, bytes):
        if not data.isascii():
            return None
    elif not all(data[i : i + CHUNK].isascii() for i in range(0, len(data), CHUNK)):
        return None
    try:
        return DECODER.decode(data)
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return None
