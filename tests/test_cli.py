"""`jupyter-scope`: run a real TF script (tf-slim's vgg_16), show, diff, convert, bad inputs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from report_factory import tower_report, unwritable_dir

from jupyter_scope import ScopeReport, cli

ROOT = Path(__file__).resolve().parents[1]

# Builds vgg_16 and writes TF's own account of it (the truth) to argv[1]; argv[2] is the
# number of classes; argv[3] "graph" opens its own tf.Graph, "default" uses the default
# graph (needs `run --graph`), "raise" fails after building; argv[4] is the exit status.
VGG_SCRIPT = """\
import json
import sys

import tensorflow as tf
from tf_slim.nets import vgg

assert __name__ == "__main__"
truth, classes, how, status = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])


def build():
    images = tf.compat.v1.placeholder(tf.float32, [None, 224, 224, 3])
    vgg.vgg_16(images, num_classes=classes)
    variables = {v.op.name: v.shape.as_list() for v in tf.compat.v1.global_variables()}
    with open(truth, "w") as stream:
        json.dump({"argv": sys.argv, "variables": variables}, stream)


if how == "graph":
    with tf.Graph().as_default():
        build()
else:
    build()
if how == "raise":
    raise ValueError("boom after building")
sys.exit(status)
"""


def jupyter_scope(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line, as a user runs it (the console script is `jupyter_scope.cli:main`)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_scope.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("cli")
    (work / "build_vgg.py").write_text(VGG_SCRIPT)
    return work


@pytest.fixture(scope="module")
def vgg_run(work):
    """`run` on the script in its own graph, 1000 classes."""
    result = jupyter_scope(
        "run", "-o", "a.json", "build_vgg.py", "truth_a.json", "1000", "graph", "0", cwd=work
    )
    return result, json.loads((work / "truth_a.json").read_text())


@pytest.fixture(scope="module")
def vgg_run_default_graph(work):
    """`run --graph` on the script using the default graph, 10 classes, exit status 3."""
    result = jupyter_scope(
        "run",
        "--graph",
        "-o",
        "b.json",
        "build_vgg.py",
        "truth_b.json",
        "10",
        "default",
        "3",
        cwd=work,
    )
    return result, json.loads((work / "truth_b.json").read_text())


def load(path: Path) -> ScopeReport:
    return ScopeReport.from_json(path.read_text())


# -- run ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_run_records_what_tf_built(work, vgg_run):
    result, truth = vgg_run
    assert result.returncode == 0, result.stderr
    assert truth["argv"] == ["build_vgg.py", "truth_a.json", "1000", "graph", "0"]
    report = load(work / "a.json")
    assert {v["name"]: v["shape"] for v in report.variables} == truth["variables"]
    assert len(truth["variables"]) == 32
    assert all(v["created"] and v["reuse_count"] == 0 for v in report.variables)
    assert report.summary()["params"] == 138_357_544  # VGG-16's well-known size
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "32 variables (32 created, 0 reused), 138.4M params (553.4 MB: 138.4M trainable, "
        "0 non-trainable)"
    )
    assert "vgg_16/  variable+name scope · 32 vars · 138.4M params · 553.4 MB" in lines[2]
    assert "      weights [3,3,3,64] float32 created 1.7K params" in "\n".join(lines)
    assert "report written to a.json" in result.stderr
    assert "\r" not in result.stderr  # no spinner when stderr is not a terminal


@pytest.mark.slow
def test_run_graph_option_exit_status_and_argv(work, vgg_run_default_graph):
    result, truth = vgg_run_default_graph
    assert result.returncode == 3, result.stderr
    assert truth["argv"][1:] == ["truth_b.json", "10", "default", "3"]
    report = load(work / "b.json")  # written although the script exited with 3
    assert {v["name"]: v["shape"] for v in report.variables} == truth["variables"]
    assert report.meta["mode"] == "graph"


@pytest.mark.slow
def test_run_script_that_raises(work):
    result = jupyter_scope(
        "run", "-o", "c.json", "build_vgg.py", "truth_c.json", "5", "graph", "0", cwd=work
    )
    assert result.returncode == 0
    result = jupyter_scope(
        "run",
        "--graph",
        "-o",
        "r.json",
        "build_vgg.py",
        "truth_r.json",
        "5",
        "raise",
        "0",
        cwd=work,
    )
    assert result.returncode == 1
    traceback = result.stderr[result.stderr.index("Traceback") :]
    assert 'File "build_vgg.py", line' in traceback.splitlines()[1]  # starts in the script
    assert "ValueError: boom after building" in traceback
    report = load(work / "r.json")
    assert report.error == {"type": "ValueError", "message": "boom after building"}
    assert len(report.variables) == 32


@pytest.mark.slow
def test_run_refuses_an_existing_report_before_running(work):
    (work / "kept.json").write_text("kept")
    result = jupyter_scope(
        "run", "-o", "kept.json", "build_vgg.py", "truth_k.json", "5", "graph", "0", cwd=work
    )
    assert result.returncode == 2
    assert "kept.json' already exists: use force (--force)" in result.stderr
    assert not (work / "truth_k.json").exists()  # the script did not run
    assert (work / "kept.json").read_text() == "kept"


# -- show, diff, convert -----------------------------------------------------------------


@pytest.mark.slow
def test_show_with_filter(work, vgg_run):
    result = jupyter_scope("show", "a.json", "--filter", "fc8/w", cwd=work)
    assert result.returncode == 0
    tree = result.stdout.splitlines()[1:]
    assert tree[0].startswith("vgg_16/  variable+name scope · 32 vars · 138.4M params")
    assert tree[1].startswith("  fc8/  variable+name scope · 2 vars · 4.1M params")
    assert tree[2].startswith("    weights [1,1,4096,1000] float32 created 4.1M params")
    assert "biases" not in result.stdout and "conv1" not in result.stdout


@pytest.mark.slow
def test_diff_exit_status(work, vgg_run, vgg_run_default_graph):
    same = jupyter_scope("diff", "a.json", "a.json", cwd=work)
    assert same.returncode == 0 and same.stdout.startswith("A and B are the same: 32 variables")
    differ = jupyter_scope("diff", "a.json", "b.json", cwd=work)
    assert differ.returncode == 1
    assert "  ~ vgg_16/fc8/weights  shape: [1,1,4096,1000] → [1,1,4096,10]" in differ.stdout
    assert "  ~ vgg_16/fc8/biases   shape: [1000] → [10]" in differ.stdout


@pytest.mark.slow
@pytest.mark.parametrize("out", ["a.md", "a.graphml", "a.dot", "a.csv", "copy.json"])
def test_convert(work, vgg_run, out):
    result = jupyter_scope("convert", "a.json", "-o", out, cwd=work)
    assert result.returncode == 0, result.stderr
    report, text = load(work / "a.json"), (work / out).read_text()
    if out.endswith(".graphml"):
        assert set(nx.read_graphml(work / out).nodes) == set(report.graph.nodes)
    elif out.endswith(".json"):
        assert load(work / out).to_dict() == report.to_dict()
    else:
        assert all(v["name"] in text for v in report.variables)


# -- bad inputs: a message, no traceback, nothing written ---------------------------------


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def good_report(tmp_path) -> Path:
    return tower_report().export(tmp_path / "good.json")


def test_truncated_json(tmp_path, capsys, good_report):
    bad = tmp_path / "bad.json"
    bad.write_text(good_report.read_text()[:200])
    status, _, err = run_main(capsys, "convert", str(bad), "-o", str(tmp_path / "out.md"))
    assert status == 2
    assert err.startswith(f"jupyter-scope: error: {bad}: not a jupyter-scope report: invalid JSON")
    assert "Traceback" not in err and not (tmp_path / "out.md").exists()


def test_wrong_schema_version(tmp_path, capsys, good_report):
    document = json.loads(good_report.read_text())
    document["schema"] = "jupyter-scope.report/2"
    future = tmp_path / "future.json"
    future.write_text(json.dumps(document))
    status, _, err = run_main(capsys, "show", str(future))
    assert status == 2
    assert "unsupported report version 'jupyter-scope.report/2'" in err
    assert "reads 'jupyter-scope.report/1' and '1.x' documents only" in err


def test_missing_file(tmp_path, capsys):
    status, _, err = run_main(capsys, "diff", str(tmp_path / "gone.json"), str(tmp_path / "x.json"))
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(f"jupyter-scope: error: {tmp_path / 'gone.json'}: no such file")


def test_unwritable_path(tmp_path, capsys, good_report):
    target = unwritable_dir(tmp_path) / "r.md"
    status, _, err = run_main(capsys, "convert", str(good_report), "-o", str(target))
    assert status == 2
    assert err == f"jupyter-scope: error: cannot write '{target}': Permission denied\n"
    assert not target.exists() and not list(target.parent.glob(".r.md.*"))


def test_bad_filter_and_unknown_format(tmp_path, capsys, good_report):
    status, _, err = run_main(capsys, "show", str(good_report), "--filter", "conv[")
    assert status == 2 and "--filter 'conv[' is not a regular expression" in err
    status, _, err = run_main(capsys, "convert", str(good_report), "-o", str(tmp_path / "r.xlsx"))
    assert status == 2 and "cannot tell the format" in err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "jupyter-scope run train.py --epochs 3" in out
    assert "jupyter-scope diff train.json eval.json" in out


def test_spinner_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shows in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        with cli.spinner("running x.py"):
            time.sleep(0.25)
        assert ("running x.py" in stream.getvalue()) == shows
        assert stream.getvalue().endswith("\r\033[K") == shows  # the line is cleared at the end


IMPORTS = """
import gc, sys
import jupyter_scope
from jupyter_scope import cli
assert "jsonschema" not in sys.modules  # imported when a document is first checked
cli.import_jsonschema()
assert "jsonschema" in sys.modules and "rfc3987_syntax" not in sys.modules
report = jupyter_scope.load(sys.argv[1])  # still validated by jsonschema
try:
    jupyter_scope.ScopeReport.from_json('{"schema": "jupyter-scope.report/1.0", "meta": 3}')
except jupyter_scope.ReportFormatError as exc:
    print(exc)
print(gc.isenabled())
"""


def test_reading_commands_skip_jsonschemas_format_grammars(tmp_path):
    """The commands that read reports import jsonschema without `rfc3987_syntax` (~1 s of
    lark grammars for formats no report's validator asks), and still validate; the
    collector they pause is back on after."""
    path = tmp_path / "r.json"
    path.write_text(tower_report().to_json())
    run = subprocess.run(
        [sys.executable, "-c", IMPORTS, str(path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    error, enabled = run.stdout.splitlines()
    assert (
        error == "invalid jupyter-scope report at (document root): 'graph' is a required property"
    )
    assert enabled == "True"
