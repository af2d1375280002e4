"""One list of node fields, four places: the typed records (`model/nodes.py`), the JSON
Schema (`document/schema.json`), the front end's types (`types.ts`) and the reference
(`docs/report.md`) name the same fields for scopes, variables and ops, each required or
optional alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jupyter_scope.model.nodes import NODES

ROOT = Path(__file__).resolve().parents[1]
INTERFACES = {"scope": "IScopeNode", "variable": "IVariableNode", "op": "IOpNode"}
SECTIONS = {"scope": "Scope fields", "variable": "Variable fields", "op": "Op fields"}


def typed(kind: str) -> tuple[set[str], set[str]]:
    node = NODES[kind]
    return set(node.__required_keys__), set(node.__optional_keys__)


def schema(kind: str) -> tuple[set[str], set[str]]:
    node = json.loads((ROOT / "jupyter_scope/document/schema.json").read_text())["$defs"]["node"]
    (part,) = [p for p in node["allOf"] if p["if"]["properties"]["kind"]["const"] == kind]
    fields = set(node["properties"]) | set(part["then"]["properties"])
    required = set(node["required"]) | set(part["then"]["required"])
    return required, fields - required


def typescript(kind: str) -> tuple[set[str], set[str]]:
    text = (ROOT / "labextension/src/tree/types.ts").read_text()
    body = re.search(rf"export interface {INTERFACES[kind]} \{{(.*?)\n\}}", text, re.S)
    assert body, INTERFACES[kind]
    fields = re.findall(r"^  (\w+)(\??):", body.group(1), re.M)
    return {f for f, q in fields if not q}, {f for f, q in fields if q}


def documented(kind: str) -> set[str]:
    """The fields docs/report.md's tables name for `kind`, the fields every node has included."""
    text = (ROOT / "docs/report.md").read_text()

    def section(title: str) -> str:
        return re.search(rf"## {title}\n(.*?)(?=\n## )", text, re.S).group(1)  # type: ignore[union-attr]

    names = set()
    for title in ("Fields every node has", SECTIONS[kind]):
        for cell in re.findall(r"^\| ([^|]+) \|", section(title), re.M):
            names |= set(re.findall(r"`(\w+)`", cell))
            if "bytes_…" in cell:  # `params_trainable`, … (and `bytes_…` alike)
                names |= {
                    n.replace("params_", "bytes_") for n in re.findall(r"`(params_\w+)`", cell)
                }
    return names - {"field"}


@pytest.mark.parametrize("kind", ["scope", "variable", "op"])
def test_records_schema_types_and_docs_name_the_same_fields(kind):
    required, optional = typed(kind)
    assert schema(kind) == (required, optional)
    assert typescript(kind) == (required, optional)
    assert documented(kind) == required | optional
