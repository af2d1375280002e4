"""The story notebooks, executed by nbclient in a real kernel; their outputs checked.

Each `%%scopes NAME` cell leaves the report JSON in its output; most also end with what
TF itself says (variable names, values), which the report must agree with.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_scope import MIME_TYPE, ScopeReport
from tests.helpers import nodes_by_code, variables_by_name

pytest.importorskip("tensorflow")
# Every story notebook runs in a kernel of its own: the fast loop leaves them to CI.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "jupyter-scope-tests"
WIDGET_MIME_TYPE = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="session")
def kernel(tmp_path_factory) -> str:
    """A kernelspec for this interpreter, with this checkout importable."""
    home = tmp_path_factory.mktemp("jupyter")
    spec = home / "kernels" / KERNEL
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "jupyter-scope tests",
                "language": "python",
                "env": {"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
            }
        )
    )
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(home)
    yield KERNEL
    if saved is None:
        del os.environ["JUPYTER_PATH"]
    else:
        os.environ["JUPYTER_PATH"] = saved


class Executed:
    """An executed notebook, read by report name."""

    def __init__(self, notebook: nbformat.NotebookNode) -> None:
        self.cells = [c for c in notebook.cells if c.cell_type == "code"]
        self.by_name = {
            report.meta["name"]: (cell, report)
            for cell in self.cells
            for report in reports_in(cell)
            if report.meta.get("name")  # none for a loaded checkpoint
        }

    def report(self, name: str) -> ScopeReport:
        return self.by_name[name][1]

    def cell(self, name: str) -> nbformat.NotebookNode:
        return self.by_name[name][0]

    def tf_says(self, name: str) -> Any:
        """The value the cell of a report showed (its last expression): what TF says."""
        return ast.literal_eval(shown(self.cell(name)))

    def starting(self, source: str) -> nbformat.NotebookNode:
        return next(cell for cell in self.cells if cell.source.startswith(source))

    def error(self, name: str) -> dict:
        (error,) = [o for o in self.cell(name).outputs if o.output_type == "error"]
        return error


def shown(cell: nbformat.NotebookNode) -> str:
    """The `text/plain` of the cell's Out[n]."""
    (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return result.data["text/plain"]


def reports_in(cell: nbformat.NotebookNode) -> list[ScopeReport]:
    return [
        ScopeReport.from_dict(output.data[MIME_TYPE])
        for output in cell.outputs
        if MIME_TYPE in output.get("data", {})
    ]


@pytest.fixture(scope="session")
def execute(kernel, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("notebooks")

    @cache
    def execute(filename: str) -> Executed:
        notebook = nbformat.read(NOTEBOOKS / filename, as_version=4)
        client = NotebookClient(
            notebook,
            kernel_name=kernel,
            timeout=600,
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute()
        return Executed(notebook)

    return execute


def names(report: ScopeReport) -> list[str]:
    return sorted(v["name"] for v in report.variables)


NOTEBOOK_FILES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("filename", NOTEBOOK_FILES)
def test_every_scopes_cell_shows_widget_report_html_and_text(execute, filename):
    executed = execute(filename)
    assert executed.by_name
    for name, (cell, report) in executed.by_name.items():
        (output,) = [
            o
            for o in cell.outputs
            if MIME_TYPE in o.get("data", {})
            and ScopeReport.from_dict(o["data"][MIME_TYPE]).meta.get("name") == name
        ]
        shows = {MIME_TYPE, "text/html", "text/plain"}
        if not report.meta.get("match"):  # a match's tree has no widget
            shows.add(WIDGET_MIME_TYPE)
        assert shows <= set(output.data)
        assert report.meta["cell"]["execution_count"] == cell.execution_count


@pytest.mark.parametrize("filename", NOTEBOOK_FILES)
def test_only_tagged_cells_raise(execute, filename):
    for cell in execute(filename).cells:
        raised = any(o.output_type == "error" for o in cell.outputs)
        assert raised == ("raises-exception" in cell.metadata.get("tags", []))


# -- 01: the sharing-variables tutorial ---------------------------------------------------


@pytest.fixture(scope="module")
def sharing(execute) -> Executed:
    return execute("01_sharing_variables.ipynb")


def test_tf_variable_makes_two_sets(sharing):
    report = sharing.report("two_sets")
    assert names(report) == sharing.tf_says("two_sets")
    assert len(report.variables) == 8
    assert all(v["created"] and v["reuse_count"] == 0 for v in report.variables)
    renamed = sorted(nodes[0] for nodes in nodes_by_code(report)["duplicate-name"])
    assert renamed == ["conv1_biases_1", "conv1_weights_1", "conv2_biases_1", "conv2_weights_1"]


def test_forgotten_reuse_shows_the_error_first_creation_and_fix(sharing):
    error = sharing.error("forgot_reuse")
    assert error["ename"] == "ValueError"
    assert "conv1/weights already exists" in error["evalue"]
    report = sharing.report("forgot_reuse")
    assert report.error["type"] == "ValueError"
    (diagnostic,) = [d for d in report.diagnostics if d["code"] == "variable-exists"]
    assert diagnostic["level"] == "error"
    assert diagnostic["nodes"] == ["conv1/weights"]
    assert "reuse=True" in diagnostic["advice"]
    assert diagnostic["sites"] and all(s["file"].startswith("In [") for s in diagnostic["sites"])
    # The scope tree at the moment of failure: the first call's variables, all created.
    assert names(report) == ["conv1/biases", "conv1/weights", "conv2/biases", "conv2/weights"]


def test_reuse_variables_shares_the_filter(sharing):
    report = sharing.report("shared")
    assert names(report) == sharing.tf_says("shared")
    cell = f"In [{sharing.cell('shared').execution_count}]"
    for var in report.variables:
        assert (var["created"], var["reuse_count"]) == (True, 1)
        assert [s["kind"] for s in var["sites"]] == ["create", "reuse"]
        callers = {(c["file"], c["line"]) for s in var["sites"] for c in s["callers"]}
        # The two my_image_filter calls, at lines 5 and 7 of the notebook cell.
        assert {(cell, 5), (cell, 7)} <= callers


def test_get_variable_basics(sharing):
    report = sharing.report("basics")
    assert names(report) == sharing.tf_says("basics")
    assert all(v["reuse_count"] == 1 for v in report.variables)


def test_initializers_follow_the_scopes(sharing):
    report = sharing.report("initializers")
    values = sharing.tf_says("initializers")
    assert {v["name"]: v["initializer"] for v in report.variables} == {
        name: f"constant({value})" for name, value in values.items()
    }


def test_name_scope_names_ops_not_get_variable(sharing):
    report = sharing.report("op_names")
    add, variable, nested_add = sharing.tf_says("op_names")
    assert {add, nested_add} <= {op["name"] for op in report.ops}
    assert names(report) == ["foo/v", variable]
    assert nodes_by_code(report)["name-scope-ignored"] == [[variable]]
    assert variables_by_name(report)["qux/v"]["name"] == "qux/v"


def test_variable_and_get_variable_under_a_name_scope(sharing):
    report = sharing.report("names")
    assert names(report) == sorted(n.removesuffix(":0") for n in sharing.tf_says("names"))
    assert nodes_by_code(report)["duplicate-name"] == [["a_name_scope/var2_1"]]
    assert nodes_by_code(report)["name-scope-ignored"] == [["var1"]]


# -- 02: GAN and train/test RNN -----------------------------------------------------------


@pytest.fixture(scope="module")
def patterns(execute) -> Executed:
    return execute("02_gan_and_rnn_sharing.ipynb")


def test_gan_discriminator_is_shared(patterns):
    report = patterns.report("gan")
    assert names(report) == patterns.tf_says("gan")
    for var in report.variables:
        shared = var["name"].startswith("discriminator/")
        assert (var["created"], var["reuse_count"]) == (True, 1 if shared else 0)


def test_test_rnn_reuses_the_train_rnn(patterns):
    report = patterns.report("rnn")
    assert names(report) == patterns.tf_says("rnn")
    reuses = {v["name"]: v["reuse_count"] for v in report.variables}
    train_steps, test_steps = 20, 1
    assert reuses.pop("rnn/cell/recurrent") == (train_steps - 1) + test_steps
    assert set(reuses.values()) == {1}


# -- 03: the TF1 → TF2 eager pitfall ------------------------------------------------------


@pytest.fixture(scope="module")
def eager(execute) -> Executed:
    return execute("03_tf2_eager_pitfall.ipynb")


def test_eager_reuse_is_flagged(eager):
    same, first, second = eager.tf_says("eager")
    assert not same and first == second == "dense/w:0"
    report = eager.report("eager")
    assert report.meta["mode"] == "eager"
    assert names(report) == ["dense/w", "dense/w"]
    (diagnostic,) = [d for d in report.diagnostics if d["code"] == "eager-reuse-ignored"]
    assert diagnostic["level"] == "warning"


def test_graph_mode_shares_the_same_code(eager):
    same, _, _ = eager.tf_says("graph")
    assert same
    report = eager.report("graph")
    (var,) = report.variables
    assert (var["name"], var["reuse_count"]) == ("dense/w", 1)
    assert "eager-reuse-ignored" not in nodes_by_code(report)


# -- 04: a Keras 3 model ------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras_nb(execute) -> Executed:
    return execute("04_keras_model.ipynb")


def test_keras_layers_variables_and_params(keras_nb):
    report = keras_nb.report("keras_model")
    shapes = keras_nb.tf_says("keras_model")
    assert {v["name"]: v["shape"] for v in report.variables} == shapes
    count = int(shown(keras_nb.starting("model.count_params()")))
    assert sum(v["params"] for v in report.variables) == count
    assert {s["name"] for s in report.scopes} >= {"mnist/conv", "mnist/logits"}


def test_tf_function_ops_are_recorded_and_filtered(keras_nb):
    report = keras_nb.report("traced")
    assert "function" in {g["kind"] for g in report.meta["graphs"]}
    assert any(op["type"] == "MatMul" for op in report.ops)
    (output,) = [o for o in keras_nb.cell("traced").outputs if MIME_TYPE in o.get("data", {})]
    tree = output.data["text/plain"]
    assert "logits" in tree
    assert "conv" not in tree


# -- 05: devices --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def devices(execute) -> Executed:
    return execute("05_devices.ipynb")


def test_eager_fallback_from_gpu_to_cpu_is_flagged(devices):
    placed = devices.tf_says("eager")
    report = devices.report("eager")
    (var,) = report.variables
    assert var["device_requested"].endswith("GPU:0")
    assert var["device"] == placed["v"]
    ops = {op["name"]: op for op in report.ops}
    assert ops["cpu1/Mul"]["device"] == placed["a"]
    assert placed["a"].endswith("CPU:1") and placed["b"].endswith("CPU:0")
    adds = [op for op in report.ops if op["type"] == "AddV2" and op["scope"] == "tower"]
    assert len(adds) == 100 and {op["device"] for op in adds} == {placed["b"]}
    assert any(var["name"] in nodes for nodes in nodes_by_code(report)["placement-fallback"])


def test_graph_placement_is_read_from_the_session_run(devices):
    report = devices.report("graph")
    (var,) = report.variables
    assert var["device_requested"] == "/device:GPU:0"
    assert var["device"].endswith("CPU:0")
    assert "placement-fallback" in nodes_by_code(report)
    never_run = next(op for op in report.ops if op["name"] == "never_run")
    assert never_run["device"] is None  # never run, so never placed


def test_parameter_servers_hold_the_variables_tf_put_there(devices):
    from tensorflow import DeviceSpec

    asked = devices.tf_says("ps")
    variables = variables_by_name(devices.report("ps"))
    assert {name: v["device_requested"] for name, v in variables.items()} == asked
    where = {
        name: [(s.job, s.task) for s in map(DeviceSpec.from_string, (v["device"], asked[name]))]
        for name, v in variables.items()
    }
    assert all(placed == wanted for placed, wanted in where.values()), where
    assert sorted(placed for placed, _ in where.values()) == [("ps", 0), ("ps", 1)]  # round-robin


def test_mirrored_variable_has_a_component_per_logical_cpu(devices):
    placed = devices.tf_says("mirrored")
    report = devices.report("mirrored")
    (logical,) = [v for v in report.variables if v["api"] == "distributed"]
    components = {v["id"]: v for v in report.variables}
    assert [components[c]["device"] for c in logical["components"]] == placed


# -- 06: export and diff ------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(execute) -> Executed:
    return execute("06_export_and_diff.ipynb")


def test_diff_shows_added_and_changed_variables(exports):
    diff = shown(exports.starting("%scopes_diff"))
    assert "layer2/w" in diff and "only in after" in diff  # called by their names
    assert "layer1/w" in diff and "[16,4] → [16,32]" in diff


def test_every_export_format_is_written_and_json_round_trips(exports):
    round_trips, files = ast.literal_eval(shown(exports.starting("import pathlib")))
    assert round_trips
    assert files == [f"before.{s}" for s in ("csv", "dot", "graphml", "html", "json", "md")]


# -- 07: fine-tuning from a checkpoint ------------------------------------------------------


@pytest.fixture(scope="module")
def checkpoints(execute) -> Executed:
    return execute("07_checkpoints.ipynb")


def match_states(report: ScopeReport) -> dict[str, str]:
    return {v["name"]: v["match"]["state"] for v in report.variables}


def test_renamed_scope_and_new_classifier_are_shown_in_the_match_tree(checkpoints):
    finetune = names(checkpoints.report("finetune"))
    tree = checkpoints.report("finetune vs pretrained.ckpt")
    pretrained = dict(ast.literal_eval(shown(checkpoints.starting("with tf.Graph()"))))
    states = match_states(tree)
    assert sorted(states) == finetune
    for name in finetune:
        theirs = pretrained[name.replace("finetune/", "pretrained/", 1)]
        ours = variables_by_name(tree)[name]["shape"]
        assert states[name] == ("renamed" if ours == theirs else "shape"), name
    assert sorted(n for n, s in states.items() if s == "shape") == [
        "finetune/logits/biases",
        "finetune/logits/weights",
    ]
    assert tree.display["summary"]["line"] == "4 matched (4 renamed), 2 shape mismatch"


def test_assignment_map_restores_the_checkpoint_values(checkpoints):
    assignment_map = ast.literal_eval(shown(checkpoints.starting("match = finetune.match")))
    assert sorted(assignment_map.values()) == [
        n for n in names(checkpoints.report("finetune")) if "/logits/" not in n
    ]
    restored = ast.literal_eval(shown(checkpoints.starting("with graph.as_default()")))
    assert restored == dict.fromkeys(assignment_map.values(), True)


def test_keras_checkpoint_match_and_restore(checkpoints):
    tree = checkpoints.report("keras_finetune vs keras")
    missing = sorted(n for n, s in match_states(tree).items() if s == "missing")
    assert missing == ["net/adapter/bias", "net/adapter/kernel"]
    assert tree.display["summary"]["line"] == "4 matched, 2 missing"
    restored = ast.literal_eval(shown(checkpoints.starting("keras_match =")))
    matched = [n for n in names(checkpoints.report("keras_finetune")) if "adapter" not in n]
    assert restored == dict.fromkeys(matched, True)
