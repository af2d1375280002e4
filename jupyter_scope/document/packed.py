"""The JSON document as a notebook output saves it: as columns (`columns.py`), that JSON
text gzipped, in base64.

nbformat writes an output's JSON indented, one line per list item: a plain document of
2,000 ops takes ~1,300 bytes per op in the .ipynb, gzipped ~45, as columns ~10.
`ScopeReport.from_dict` and the lab extension (`labextension/src/tree/compact.ts`) read
the plain form, this one and the one saved before it (the document's own JSON gzipped).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from typing import Any

from jupyter_scope.document import columns
from jupyter_scope.document.codec import ReportFormatError, parse

ENCODING = "columns+gzip+base64"
JSON_ENCODING = "gzip+base64"  # the document's JSON: what notebooks saved before columns
ENCODINGS = (ENCODING, JSON_ENCODING)
# A smaller document is kept plain: it saves little, and the front end reads a plain one
# as the output arrives (the sidebar lists it at once), a packed one a moment later.
PACK_ABOVE = 16_384  # characters of JSON
# What malformed columns raise as `columns.decode` reads them (or `encode` on a document it
# cannot hold).
BROKEN_COLUMNS = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def pack(document: dict[str, Any], above: int = PACK_ABOVE) -> dict[str, Any]:
    """The document packed, if its JSON is longer than `above` characters; else itself."""
    text = dumps(document)
    if len(text) <= above:
        return document
    packed = as_columns(document, text)
    encoding = ENCODING if packed is not None else JSON_ENCODING
    # mtime=0: the same report packs to the same bytes (notebooks diff cleanly).
    data = base64.b64encode(gzip.compress((packed or text).encode(), mtime=0)).decode("ascii")
    return {"schema": document["schema"], "encoding": encoding, "data": data}


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def as_columns(document: dict[str, Any], text: str) -> str | None:
    """The JSON of the document's columns, if they decode to its very text; else None
    (then the document's own JSON is saved)."""
    try:
        packed = dumps(columns.encode(document))
        same = dumps(columns.decode(json.loads(packed))) == text
    except BROKEN_COLUMNS:
        return None
    return packed if same else None


def is_packed(data: Any) -> bool:
    return isinstance(data, dict) and data.get("encoding") in ENCODINGS and "graph" not in data


def unpack(data: dict[str, Any]) -> Any:
    """The parsed document of a packed one (`document.parse`, with its checks)."""
    try:
        text = gzip.decompress(base64.b64decode(data["data"], validate=True))
    except (TypeError, binascii.Error, OSError, EOFError, zlib.error) as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: packed data unreadable ({exc})"
        ) from None
    parsed = parse(text)
    if data["encoding"] == JSON_ENCODING:
        return parsed
    try:
        return columns.decode(parsed)
    except BROKEN_COLUMNS as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: packed columns unreadable ({type(exc).__name__}: {exc})"
        ) from None
