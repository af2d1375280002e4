"""Diagnostics: what went wrong or surprised, where, and how to fix it.

The codes, and when each is given: docs/diagnostics.md.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from jupyter_scope.model import devices, sites
from jupyter_scope.records import Capture, parent_path


def where(site: dict[str, Any] | None) -> str:
    """A site as the displays write it, with the user's calls that led there."""
    return sites.call(site) if site else "an unknown place"


# Each check, with the codes it raises and each code's explanation and fix: the advice is
# said once per code (`advice`) rather than in every diagnostic's `message`, so that the
# displays can merge diagnostics of one code. As tfprof keeps its checkers, in a registry:
# a new check is a function and its advice, nothing to wire.
Check = Callable[[Capture, nx.DiGraph], list[dict[str, Any]]]
CHECKS: list[tuple[Check, dict[str, str]]] = []
ADVICE: dict[str, str] = {}  # code → advice, of every check


def check(advice: dict[str, str]) -> Callable[[Check], Check]:
    """Register a check, and the advice for each code it raises."""

    def register(function: Check) -> Check:
        CHECKS.append((function, advice))
        ADVICE.update(advice)
        return function

    return register


def _diagnostic(
    level: str, code: str, message: str, nodes: list[str], sites: Sequence[dict[str, Any] | None]
) -> dict[str, Any]:
    diagnostic = {
        "level": level,
        "code": code,
        "message": message,
        "nodes": nodes,
        "sites": [s for s in sites if s],
    }
    if code in ADVICE:
        diagnostic["advice"] = ADVICE[code]
    return diagnostic


@check(
    {
        "variable-exists": (
            "get_variable creates a variable unless reuse is on. To share it, open the scope "
            "with reuse=True or reuse=tf.compat.v1.AUTO_REUSE, or call "
            "scope.reuse_variables() before the second use; for a separate variable, use "
            "another scope name."
        ),
        "variable-missing": (
            "With reuse=True, get_variable only returns existing variables. Create it first "
            "with reuse off, use reuse=tf.compat.v1.AUTO_REUSE to create it when missing, or "
            "check the scope name."
        ),
        "shape-mismatch": (
            "A shared variable keeps the shape and dtype it was created with. Ask for the "
            "same shape and dtype, or use another name."
        ),
    }
)
def _failures(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    found = []
    for f in capture.failures:
        first = (
            capture.variables[f.existing_key].sites[0]
            if f.existing_key in capture.variables
            else f.existing_site
        )
        if "already exists" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "variable-exists",
                    (
                        f"Variable {f.name} already exists: get_variable was asked to create "
                        f"it again at {where(f.site)} (reuse was off). It was first created at "
                        f"{where(first)}."
                    ),
                    [f.name],
                    [f.site, first],
                )
            )
        elif "does not exist" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "variable-missing",
                    (
                        f"Variable {f.name} does not exist, but get_variable at {where(f.site)} "
                        f"was asked to reuse it (reuse=True)."
                    ),
                    [f.name],
                    [f.site],
                )
            )
        elif "Trying to share variable" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "shape-mismatch",
                    (
                        f"get_variable at {where(f.site)} tried to share {f.name} with another "
                        f"shape or dtype than it was created with at {where(first)}: "
                        f"{f.message.strip()}"
                    ),
                    [f.name],
                    [f.site, first],
                )
            )
        else:
            found.append(
                _diagnostic(
                    "error",
                    "get-variable-failed",
                    (f"get_variable({f.name!r}) at {where(f.site)} failed: {f.message.strip()}"),
                    [f.name],
                    [f.site],
                )
            )
    return found


@check(
    {
        "eager-reuse-ignored": (
            "Reuse is ignored under eager execution, so variables of one name do not share "
            "weights. Keep variables in Python objects (tf.Module, Keras layers), or build "
            "this code in a tf.Graph (%%scopes --graph)."
        ),
    }
)
def _eager_reuse(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    found = []
    for e in capture.eager_reuse:
        var, earlier = capture.variables[e.key], capture.variables[e.previous_key]
        found.append(
            _diagnostic(
                "warning",
                "eager-reuse-ignored",
                (
                    f"Under eager execution get_variable made a new variable {var.name} at "
                    f"{where(e.site)}, although one of that name was made at "
                    f"{where(earlier.sites[0])}: the two do not share weights."
                ),
                [var.name],
                [e.site, earlier.sites[0]],
            )
        )
    return found


@check(
    {
        "duplicate-name": (
            "tf.Variable always makes a new variable and renames it when the name is taken: "
            "use get_variable with reuse to share one, or pick a distinct name."
        ),
    }
)
def _duplicate_names(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    found = []
    for var in capture.variables.values():
        asked = var.requested_name
        leaf = var.name.rsplit("/", 1)[-1]
        if (
            var.api == "get_variable"
            or var.by_library  # an optimizer's `beta1_power_1`: TF's choice, not a slip
            or var.graph == "eager"
            or not isinstance(asked, str)
            or not asked
            or asked.endswith("/")
            or leaf == asked
            or not leaf.startswith(f"{asked}_")
        ):
            continue
        scope = parent_path(var.name) or "the root scope"
        found.append(
            _diagnostic(
                "warning",
                "duplicate-name",
                (
                    f"tf.Variable was asked for the name {asked!r} in {scope}, where that name was "
                    f"taken, so TF named it {var.name} (at {where(var.sites[0])})."
                ),
                [var.name],
                var.sites[:1],
            )
        )
    return found


@check(
    {
        "name-scope-ignored": (
            "get_variable takes names from variable scopes only. To have the name carry the "
            "name scope, open tf.compat.v1.variable_scope instead of name_scope there."
        ),
    }
)
def _name_scope_ignored(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    return [
        _diagnostic(
            "info",
            "name-scope-ignored",
            (
                f"get_variable made {n.name} inside name_scope {n.name_scope!r} (at "
                f"{where(n.site)}), but the name does not carry {n.name_scope!r}."
            ),
            [n.name],
            [n.site],
        )
        for n in capture.name_scope_ignored
    ]


@check(
    {
        "placement-fallback": (
            "Under soft placement TF falls back when the device is missing or has no kernel "
            "for the op, and it runs an op that reads a variable where the variable lives; "
            "check tf.config.list_logical_devices() and the op's kernels."
        ),
    }
)
def _placement_fallbacks(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    """One line per (scope, asked, placed), not one per op."""
    # names in order, once: a graph variable and the op holding it share a name
    groups: defaultdict[tuple[str, str, str], dict[str, None]] = defaultdict(dict)
    for _, data in graph.nodes(data=True):
        asked, placed = data.get("device_requested"), data.get("device")
        # Most nodes asked for nothing, or are not placed yet (scopes have neither).
        if asked and placed and devices.fell_back(data):
            groups[(data["scope"], devices.short(asked), devices.short(placed))][data["name"]] = (
                None
            )
    found = []
    for (scope, asked, placed), named in sorted(groups.items()):
        names = list(named)
        examples = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        found.append(
            _diagnostic(
                "warning",
                "placement-fallback",
                (
                    f"{len(names)} node(s) in scope {scope or '(root)'!r} asked for {asked} but "
                    f"were placed on {placed}: {examples}."
                ),
                names,
                [],
            )
        )
    return found


def typo_pair(a: str, b: str) -> bool:
    """Whether two names of 4 or more characters differ by one letter left out or added,
    or two neighbours swapped (`encodr`, `encoder`). Not a letter changed, which is how
    siblings are lettered (`Mixed_5b`, `Mixed_5c`), nor names that are equal without
    their digits and underscores (`layer_1`, `conv2`, Keras's `dense_1`, `Conv_1`)."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:  # most pairs: decided here
        return False
    if a.translate(_NUMBERING) == b.translate(_NUMBERING):
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


_NUMBERING = str.maketrans("", "", "0123456789_")


def _typo_pairs(names: Iterable[str]) -> list[tuple[str, str]]:
    """The pairs of `names` that `typo_pair` tells, in order, without trying every pair
    (Keras gives a model's root ~180 sibling scopes): a letter left out, or two neighbours
    swapped, leaves both names one deletion away from a common string (for a letter left
    out, the shorter name itself)."""
    by_key: defaultdict[str, set[str]] = defaultdict(set)
    for name in names:
        by_key[name].add(name)
        for i in range(len(name)):
            by_key[name[:i] + name[i + 1 :]].add(name)
    pairs = {
        (a, b)
        for group in by_key.values()
        if len(group) > 1
        for a, b in itertools.combinations(sorted(group), 2)
        if typo_pair(a, b)
    }
    return sorted(pairs)


@check(
    {
        "similar-scope-names": (
            "Sibling scopes whose names differ by one letter each made variables: if one is a "
            "typo, the code built two sets of weights where it meant to share one."
        ),
    }
)
def _similar_scope_names(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    """Sibling scopes with near-identical names that each created variables."""
    first_site: dict[
        str, dict[str, Any] | None
    ] = {}  # scope → the site of its first created variable
    for record in capture.variables.values():
        if not record.created or record.component_of:
            continue
        site = record.sites[0] if record.sites else None
        scope: str | None = parent_path(record.name)
        while scope is not None and scope not in first_site:
            first_site[scope] = site
            scope = parent_path(scope) if scope else None
    siblings: defaultdict[str, dict[str, str]] = defaultdict(dict)  # parent → leaf → scope
    for scope in first_site:
        if scope:
            siblings[parent_path(scope)][scope.rsplit("/", 1)[-1]] = scope
    found = []
    for leaves in siblings.values():
        for a, b in _typo_pairs(leaves):
            name_a, name_b = leaves[a], leaves[b]
            site_a, site_b = first_site[name_a], first_site[name_b]
            found.append(
                _diagnostic(
                    "info",
                    "similar-scope-names",
                    (
                        f"Scopes {name_a} (variables made at {where(site_a)}) and "
                        f"{name_b} (at {where(site_b)}) have near-identical names."
                    ),
                    [name_a, name_b],
                    [site_a, site_b],
                )
            )
    return found


def diagnose(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    """Every registered check's diagnostics, in the order the checks are written."""
    return [found for run, _ in CHECKS for found in run(capture, graph)]
