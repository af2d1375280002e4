"""The packages import one way (README, "How it works"): each imports, at module level,
only packages below it; only `capture` and `load` import TensorFlow. A report's views and
serialisation import their layer when called, inside the method, which this allows."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "jupyter_scope"
# Bottom first. `capture` and `load` feed the pipeline from TF: they may import what is
# below `present`, and nothing but the top imports them.
LAYERS = ["records", "model", "analysis", "document", "present", "export", "notebook"]
SOURCES = {"capture": "document", "load": "document"}  # → the highest layer they may use
TOP = {"__init__", "cli", "server"}


def module_imports(path: Path) -> set[str]:
    """The jupyter_scope packages (and `tensorflow`) a module imports at its top level."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "jupyter_scope":
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
            elif parts[0] == "tensorflow":
                found.add("tensorflow")
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names if a.name.startswith("tensorflow")}
    return found


def package_of(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def allowed(package: str) -> set[str]:
    if package in TOP:
        return set(LAYERS) | set(SOURCES) | {"record"}
    if package in SOURCES:
        return set(LAYERS[: LAYERS.index(SOURCES[package]) + 1]) | {package, "tensorflow"}
    return set(LAYERS[: LAYERS.index(package) + 1])


def test_every_module_imports_only_packages_below_it():
    wrong = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        package = package_of(path)
        if package in ("labextension", "static"):
            continue
        extra = module_imports(path) - allowed(package)
        if extra:
            wrong[str(path.relative_to(PACKAGE))] = sorted(extra)
    assert wrong == {}


def test_the_layers_are_the_packages():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS[1:]) | set(SOURCES)
    assert (PACKAGE / "records.py").exists()


def test_match_states_are_one_list():
    from jupyter_scope.analysis.match import STATES
    from jupyter_scope.present.section import MATCH_STATES

    assert tuple(MATCH_STATES) == STATES
