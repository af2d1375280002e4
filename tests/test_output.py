"""The bundle a `%%scopes` cell displays: widget view + report JSON + HTML + text."""

from __future__ import annotations

from pathlib import Path

from jupyter_scope import MIME_TYPE, ScopeReport
from jupyter_scope.notebook.output import WIDGET_MIME_TYPE, output_bundle

SAMPLE = Path(__file__).parent / "data" / "sample_report.json"


class FakeWidget:
    """anywidget's `_repr_mimebundle_` returns (data, metadata)."""

    def _repr_mimebundle_(self, **kwargs):
        view = {"version_major": 2, "version_minor": 1, "model_id": "m1"}
        return {"text/plain": "ScopeWidget()", WIDGET_MIME_TYPE: view}, {"colab": True}


def sample() -> ScopeReport:
    return ScopeReport.from_json(SAMPLE.read_text())


def test_static_bundle_has_the_json_document_an_html_and_a_text_tree():
    report = sample()
    data, metadata = output_bundle(report)
    assert sorted(data) == sorted(["text/plain", "text/html", MIME_TYPE])
    assert ScopeReport.from_dict(data[MIME_TYPE]).to_dict() == report.to_dict()
    summary = data["text/plain"].splitlines()[0]
    assert summary.startswith("4 variables (4 created, 4 reused)")
    assert summary in data["text/html"]
    tree = data["text/plain"].split("\nimage_filters/", 1)[1]
    for variable in report.variables:
        assert f" {variable['name'].rsplit('/', 1)[-1]} [" in tree
    assert metadata == {}


def test_widget_view_is_added_and_the_fallbacks_kept():
    report = sample()
    data, metadata = output_bundle(report, FakeWidget())
    assert data[WIDGET_MIME_TYPE]["model_id"] == "m1"
    assert ScopeReport.from_dict(data[MIME_TYPE]).to_dict() == report.to_dict()
    assert data["text/plain"] != "ScopeWidget()"  # the text tree, for terminals and logs
    assert "text/html" in data
    assert metadata == {"colab": True}


def test_filter_narrows_the_text_and_html_trees():
    report = sample()
    data, _ = output_bundle(report, pattern="conv2")
    tree = data["text/plain"].split("\nimage_filters/", 1)[1]  # the tree, below diagnostics
    assert "conv2/" in tree and "conv1/" not in tree
    static_tree = data["text/html"].split("padding-left:1.2em", 1)[1]  # the tree's first list
    assert "conv2" in static_tree and "conv1" not in static_tree
    assert ScopeReport.from_dict(data[MIME_TYPE]).to_dict() == report.to_dict()
