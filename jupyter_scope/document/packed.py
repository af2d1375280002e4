"""The JSON document as a notebook output saves it: its text gzipped, in base64.

nbformat writes an output's JSON indented, one line per list item: a plain document of
2,000 ops takes ~1,300 bytes per op in the .ipynb, the packed one ~45. `ScopeReport.
from_dict` and the lab extension (`labextension/src/tree/compact.ts`) read both forms.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from typing import Any

from jupyter_scope.document.codec import ReportFormatError, parse

ENCODING = "gzip+base64"
# A smaller document is kept plain: it saves little, and the front end reads a plain one
# as the output arrives (the sidebar lists it at once), a packed one a moment later.
PACK_ABOVE = 16_384  # characters of JSON


def pack(document: dict[str, Any], above: int = PACK_ABOVE) -> dict[str, Any]:
    """The document packed, if its JSON is longer than `above` characters; else itself."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if len(text) <= above:
        return document
    # mtime=0: the same report packs to the same bytes (notebooks diff cleanly).
    data = base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode("ascii")
    return {"schema": document["schema"], "encoding": ENCODING, "data": data}


def is_packed(data: Any) -> bool:
    return isinstance(data, dict) and data.get("encoding") == ENCODING and "graph" not in data


def unpack(data: dict[str, Any]) -> Any:
    """The parsed document of a packed one (`document.parse`, with its checks)."""
    try:
        text = gzip.decompress(base64.b64decode(data["data"], validate=True))
    except (TypeError, binascii.Error, OSError, EOFError, zlib.error) as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: packed data unreadable ({exc})"
        ) from None
    return parse(text)
