"""Shared fixtures. TensorFlow is real everywhere; graph-mode tests get a fresh tf.Graph."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest


@pytest.fixture
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture
def v1(tf):
    return tf.compat.v1


@pytest.fixture
def graph(tf):
    """A fresh graph as the default: TF1 semantics, as `%%scopes --graph` gives."""
    g = tf.Graph()
    with g.as_default():
        yield g


def by_name(report, name: str) -> dict:
    """The one variable of a report with this name."""
    found = [v for v in report.variables if v["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} variables in the report"
    return found[0]


def codes(report) -> list[str]:
    return [d["code"] for d in report.diagnostics]
