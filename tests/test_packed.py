"""A notebook output's packed document (`document/packed.py`, `document/columns.py`): the
columns give back the very document, byte for byte, on the golden documents and on real
recordings (tf-slim in graph mode, Keras trained by `fit`); outputs saved before the
columns still read; bad columns are refused with one line. The front end's decoder reads
`tests/data/golden/columns.json` (labextension/test/packed-columns.test.ts)."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

import jupyter_scope
from jupyter_scope import MIME_TYPE, ScopeReport
from jupyter_scope.document import columns
from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.document.packed import ENCODING, JSON_ENCODING, dumps, pack, unpack
from jupyter_scope.present.bundle import mimebundle
from tests.test_golden import GOLDEN, SOURCES


def golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def assert_packs_exactly(document: dict[str, Any]) -> dict[str, Any]:
    """The packed form of `document`, after checking it reads back as the same text, and
    as the same report."""
    packed = pack(document, above=0)
    assert packed["encoding"] == ENCODING
    assert dumps(unpack(packed)) == dumps(document)
    assert ScopeReport.from_dict(packed).to_dict() == ScopeReport.from_dict(document).to_dict()
    return packed


def packed_size(document: dict[str, Any], encoding: str) -> int:
    text = dumps(columns.encode(document) if encoding == ENCODING else document)
    return len(base64.b64encode(gzip.compress(text.encode(), mtime=0)))


@pytest.mark.parametrize("name", SOURCES)
def test_golden_documents_pack_to_columns_and_back_byte_for_byte(name):
    assert_packs_exactly(golden(name))


def test_contains_edges_are_left_to_the_names_only_where_they_say_them_exactly():
    doc = golden("sample")
    edges = columns.encode(doc)["edges"]
    assert edges["contains"]
    assert "contains" not in edges["kind"][1]  # the kinds listed: the other edges'
    n_other = sum(e["kind"] != "contains" for e in doc["graph"]["edges"])
    assert sum(edges["degree"]) == len(edges["target"]) == n_other
    # A scope whose edges list its children out of node order keeps them listed.
    own_ops = columns.encode(golden("own_ops"))["edges"]
    assert not own_ops["contains"] and "contains" in own_ops["kind"][1]
    assert_packs_exactly(golden("own_ops"))


def unordered() -> dict[str, Any]:
    """The sample with its edges and display entries in reverse order: a document
    networkx would not write, as valid as the sample."""
    doc = golden("sample")
    doc["graph"]["edges"].reverse()
    shown = doc["display"]["nodes"]
    doc["display"]["nodes"] = dict(reversed(shown.items()))
    return doc


def test_a_document_in_another_order_keeps_that_order():
    doc = unordered()
    encoded = columns.encode(doc)
    assert "raw" in encoded["edges"] and "shown" not in encoded
    assert_packs_exactly(doc)


def test_what_columns_cannot_hold_is_saved_as_its_json():
    doc = golden("sample")
    doc["graph"]["nodes"][0]["kind"] = ["not", "a", "kind"]  # a node kind columns cannot key
    packed = pack(doc, above=0)
    assert packed["encoding"] == JSON_ENCODING
    assert unpack(packed) == doc


def test_an_output_saved_before_the_columns_still_reads():
    doc = golden("trained")
    data = base64.b64encode(gzip.compress(dumps(doc).encode())).decode()
    old = {"schema": doc["schema"], "encoding": JSON_ENCODING, "data": data}
    assert ScopeReport.from_dict(old).to_dict() == ScopeReport.from_dict(doc).to_dict()


def test_rows_sharing_a_value_each_get_their_own():
    doc = unpack(pack(golden("trained"), above=0))
    for kind, field in (("scope", "links"), ("variable", "shape"), ("variable", "sites")):
        values = [n[field] for n in doc["graph"]["nodes"] if n["kind"] == kind]
        repeated = next(v for v in values if values.count(v) > 1)
        first, second = [v for v in values if v == repeated][:2]
        assert first == second and first is not second


def tampered(change) -> dict[str, Any]:
    payload = columns.encode(golden("sample"))
    change(payload)
    data = base64.b64encode(gzip.compress(dumps(payload).encode())).decode()
    return {"schema": payload["rest"]["schema"], "encoding": ENCODING, "data": data}


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(columns=2),
        lambda p: p["nodes"]["scope"]["columns"].pop("name"),
        lambda p: p["nodes"]["scope"].update(n=p["nodes"]["scope"]["n"] + 1),
        lambda p: p["kinds"].append(["op", 1]),
        lambda p: p["nodes"]["variable"]["columns"]["dtype"][2].__setitem__(0, -1),
        lambda p: p["edges"]["target"].__setitem__(0, 10_000),
        lambda p: p["nodes"]["scope"]["columns"].update(name=["zip", []]),
    ],
    ids=["format", "column", "rows", "kinds", "negative", "edge", "tag"],
)
def test_columns_that_do_not_decode_are_refused_in_one_line(change):
    with pytest.raises(ReportFormatError, match=r"^not a jupyter-scope report: ") as caught:
        ScopeReport.from_dict(tampered(change))
    assert "\n" not in str(caught.value)


# -- real recordings ------------------------------------------------------------------


def test_a_tf_slim_net_trained_by_adam_packs_exactly_and_smaller(tf, v1, graph):
    slim_nets = pytest.importorskip("tf_slim.nets")
    with jupyter_scope.record() as rec:
        logits, _ = slim_nets.vgg.vgg_16(v1.placeholder(tf.float32, [1, 224, 224, 3]), 10)
        step = v1.train.get_or_create_global_step()
        v1.train.AdamOptimizer(1e-3).minimize(tf.reduce_mean(logits), global_step=step)
    doc = rec.report.to_dict()
    assert len(rec.report.variables) == len(v1.global_variables())
    assert_packs_exactly(doc)
    assert columns.encode(doc)["edges"]["contains"]  # as a recording's names say
    saved = mimebundle(rec.report)[MIME_TYPE]
    assert saved["encoding"] == ENCODING
    assert len(saved["data"]) == packed_size(doc, ENCODING)
    assert packed_size(doc, ENCODING) * 2 < packed_size(doc, JSON_ENCODING)


def test_a_keras_model_trained_by_fit_packs_exactly(tf):
    keras = pytest.importorskip("keras")
    import numpy as np

    with jupyter_scope.record() as rec:
        model = keras.Sequential(
            [
                keras.Input((8, 8, 1)),
                keras.layers.Conv2D(4, 3, name="conv"),
                keras.layers.BatchNormalization(name="bn"),
                keras.layers.Flatten(),
                keras.layers.Dense(2, name="out"),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.zeros((4, 8, 8, 1)), np.zeros((4, 2)), epochs=1, verbose=0)
    report = rec.report
    assert {v.path for v in model.weights} <= {
        v.get("tf_name", v["name"]) for v in report.variables
    }
    assert_packs_exactly(report.to_dict())


@pytest.mark.slow
def test_inception_v3_with_adam_saves_its_whole_document_in_under_200_kb(
    tf, v1, graph, monkeypatch
):
    """Issue 26's model: the output keeps every node, and what it saves stays small."""
    from tests.corpus.tf_truth import allow_tf_slim_batch_norm

    slim = pytest.importorskip("tf_slim")
    from tf_slim.nets import inception_v3

    allow_tf_slim_batch_norm(monkeypatch)
    with jupyter_scope.record() as rec:
        images = v1.placeholder(tf.float32, [1, 299, 299, 3])
        with slim.arg_scope(inception_v3.inception_v3_arg_scope()):
            with slim.arg_scope([slim.batch_norm], zero_debias_moving_mean=True):
                logits, _ = inception_v3.inception_v3(images, num_classes=10)
        step = v1.train.get_or_create_global_step()
        v1.train.AdamOptimizer(1e-3).minimize(tf.reduce_mean(logits), global_step=step)
    assert len(rec.report.ops) == len(graph.get_operations())
    packed = assert_packs_exactly(rec.report.to_dict())
    assert len(packed["data"]) < 200_000
