"""A Match shown: `text/plain` lines, a `text/html` table coloured by match state (for
nbviewer and GitHub), and its tree's report document, which the lab draws as the tree
coloured by match state."""

from __future__ import annotations

from typing import Any

from jupyter_scope.analysis.match import Match
from jupyter_scope.model.report import MIME_TYPE
from jupyter_scope.present import human
from jupyter_scope.present.html_tree import MUTED, badge, escape
from jupyter_scope.present.section import (
    EXPECTED_MISSING,
    MATCH_STATES,
    match_line,
    rename_text,
    source_name,
)

# state → its mark in text
MARKS = {
    "shape": "≠",
    "dtype": "≠",
    "missing": "-",
    "unexpected": "+",
    "renamed": "→",
    "matched": "✓",
}


def rows(match: Match) -> list[tuple[str, str, str, str]]:
    """(state, report name, checkpoint name, what differs), problems first; the expected
    misses (`expected_rows`) are not among them."""
    found = problem_rows(match)
    for name in match.matched:
        their_name = match.pairs[name]
        found.append(("renamed" if name in match.renamed else "matched", name, their_name, ""))
    return found


def problem_rows(match: Match) -> list[tuple[str, str, str, str]]:
    """`rows` but the matched and renamed ones, which the text tells as counts (10^6
    rows not made: ~0.5 s)."""
    expected = set(match.expected_missing)
    return [
        *(
            ("shape", n, match.pairs[n], f"{human.shape(a)} ≠ {human.shape(b)}")
            for n, a, b in match.shape_mismatch
        ),
        *(("dtype", n, match.pairs[n], f"{a} ≠ {b}") for n, a, b in match.dtype_mismatch),
        *(("missing", n, "", "") for n in match.missing if n not in expected),
        *(("unexpected", "", n, "") for n in match.unexpected),
    ]


def expected_line(match: Match) -> str | None:
    """The expected misses in one line, named up to a few: `8 expected missing (optimizer,
    step counter): w/Adam, w/Adam_1, … and 5 more`."""
    names = match.expected_missing
    if not names:
        return None
    listed = ", ".join(names[:EXPECTED_LISTED])
    more = f", … and {len(names) - EXPECTED_LISTED} more" if len(names) > EXPECTED_LISTED else ""
    return f"{len(names)} {EXPECTED_MISSING}: {listed}{more}"


EXPECTED_LISTED = 3


def headline(match: Match) -> str:
    verdict = "all matched" if match.all_matched else "not all matched"
    return f"{verdict} against {source_name(match.checkpoint_source)}: " + match_line(
        match.counts()
    )


def rename_lines(match: Match) -> list[str]:
    return [rename_text(theirs, ours) for theirs, ours in match.renames]


def render_text(match: Match) -> str:
    lines = [headline(match), *rename_lines(match)]
    for state, ours, theirs, what in problem_rows(match):  # the counts and renames say the rest
        mark, meaning = MARKS[state], MATCH_STATES[state][1]
        names = " ← ".join(n for n in (ours, theirs) if n)
        lines.append(f"{mark} {names}  {what or meaning}")
    if expected := expected_line(match):
        lines.append(f"{MARKS['missing']} {expected}")
    if match.assignment_map:
        lines.append(f"assignment_map: {len(match.assignment_map)} pairs for init_from_checkpoint")
    return "\n".join(human.visible(line) for line in lines)


def render_html(match: Match) -> str:
    body = []
    for state, ours, theirs, what in rows(match):
        colour, meaning = MATCH_STATES[state]
        cells = (ours, theirs, what or meaning)
        body.append(
            f"<tr><td>{badge(state, colour)}</td>"
            + "".join(f"<td><code>{escape(c)}</code></td>" for c in cells)
            + "</tr>"
        )
    renames = "".join(f"<div>{escape(line)}</div>" for line in rename_lines(match))
    expected = ""
    if match.expected_missing:  # grouped apart, folded
        names = "".join(f"<li><code>{escape(n)}</code></li>" for n in match.expected_missing)
        count = f"{len(match.expected_missing)} {EXPECTED_MISSING}"
        expected = f"<details><summary>{escape(count)}</summary><ul>{names}</ul></details>"
    return (
        f"<div><b>{escape(headline(match))}</b>{renames}"
        f'<table style="border-collapse:collapse"><tr style="{MUTED}"><th></th><th>report</th>'
        f"<th>checkpoint</th><th></th></tr>{''.join(body)}</table>{expected}</div>"
    )


def mimebundle(match: Match) -> dict[str, Any]:
    return {
        "text/plain": render_text(match),
        "text/html": render_html(match),
        MIME_TYPE: match.tree.to_dict(),
    }
