"""How a call site reads, wherever a report writes one: in a diagnostic's message, a
variable's call lines, the displays (`In [3]:4 ← In [3]:9`). The front end writes a site
the same way (`labextension/src/tree/format.ts`), pinned by `tests/data/golden/formats.json`."""

from __future__ import annotations

from typing import Any


def site(s: dict[str, Any]) -> str:
    return s["file"] if s.get("line") is None else f"{s['file']}:{s['line']}"


CHAIN = " ← "


def call(s: dict[str, Any]) -> str:
    """A site and the user's calls that led to it, innermost first: `In [3]:4 ← In [3]:9`."""
    return CHAIN.join(site(frame) for frame in (s, *s.get("callers", ())))


def call_lines(sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A variable's sites grouped by (kind, file, line), in order of first use, each with
    its distinct caller chains: `reuse ×20 at In [9]:28 ← In [5]:4 ×19, In [5]:6 ×1`.
    A chain's count is written when the group has several chains (one chain's count is
    the group's). Each line keeps the site a click jumps to: `{"text", "site"}`."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for s in sites:
        groups.setdefault((s["kind"], s["file"], s.get("line")), []).append(s)
    lines = []
    for (kind, file, line), group in groups.items():
        chains: dict[str, int] = {}
        for s in group:
            callers = s.get("callers")
            chain = CHAIN.join(map(site, callers)) if callers else ""
            chains[chain] = chains.get(chain, 0) + 1
        text = f"{kind} ×{len(group)}" if len(group) > 1 else kind
        text += f" at {site(group[0])}"
        if len(chains) > 1:
            text += CHAIN + ", ".join(f"{c or 'directly'} ×{n}" for c, n in chains.items())
        elif chain := next(iter(chains)):
            text += CHAIN + chain
        lines.append({"text": text, "site": {"file": file, "line": line, "kind": kind}})
    return lines
