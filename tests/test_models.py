"""Whole models: tf-slim's reference nets in graph mode and Keras 3 models.

The report must agree with TF: variables with `tf.compat.v1.global_variables()`, ops with
`graph.get_operations()`, parameters with Keras's `count_params()`.
"""

from __future__ import annotations

import pytest

import jupyter_scope
from tests.helpers import by_name

slim_nets = pytest.importorskip("tf_slim.nets")


def _assert_matches_graph(report, v1, graph):
    assert sorted(v["name"] for v in report.variables) == sorted(
        v.op.name for v in v1.global_variables()
    )
    assert sorted(o["name"] for o in report.ops) == sorted(o.name for o in graph.get_operations())
    assert {o["type"] for o in report.ops} == {o.type for o in graph.get_operations()}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("net", "size"),
    [("vgg.vgg_16", 224), ("resnet_v1.resnet_v1_50", 224), ("inception_v3.inception_v3", 299)],
)
def test_slim_nets(tf, v1, graph, net, size):
    module, fn = net.split(".")
    build = getattr(getattr(slim_nets, module), fn)
    with jupyter_scope.record() as rec:
        build(v1.placeholder(tf.float32, [1, size, size, 3]), num_classes=10)
    report = rec.report
    _assert_matches_graph(report, v1, graph)
    assert all(v["api"] == "get_variable" and v["created"] for v in report.variables)
    total = sum(v.shape.num_elements() for v in v1.global_variables())
    root = next(s for s in report.scopes if s["name"] == "")
    assert root["params"] == report.summary()["params"] == total
    assert report.diagnostics == []


def test_slim_vgg_train_eval_reuse(tf, v1, graph):
    """tf-slim's own vgg test: the eval tower reuses every training variable."""
    vgg = slim_nets.vgg
    with jupyter_scope.record() as rec:
        train_inputs = v1.random_uniform((2, 224, 224, 3))
        vgg.vgg_16(train_inputs, num_classes=10)
        v1.get_variable_scope().reuse_variables()
        eval_inputs = v1.random_uniform((1, 256, 256, 3))
        vgg.vgg_16(eval_inputs, is_training=False, num_classes=10, spatial_squeeze=False)
    report = rec.report
    _assert_matches_graph(report, v1, graph)
    assert len(report.variables) == 32
    assert all(v["created"] and v["reuse_count"] == 1 for v in report.variables)
    weights = by_name(report, "vgg_16/conv1/conv1_1/weights")
    assert weights["shape"] == [3, 3, 3, 64] and weights["initializer"] == "variance_scaling"
    readers = {
        report.graph.nodes[t]["name"]
        for _, t, kind in report.graph.out_edges(weights["id"], data="kind")
        if kind == "reads"
    }
    assert "vgg_16/conv1/conv1_1/Conv2D" in readers and "vgg_16_1/conv1/conv1_1/Conv2D" in readers
    scopes = {s["name"]: s for s in report.scopes}
    assert "vgg_16_1" in scopes["vgg_16"]["links"]


def test_keras_sequential_and_functional(tf):
    keras = pytest.importorskip("keras")
    with jupyter_scope.record() as rec:
        seq = keras.Sequential(
            [
                keras.Input((8,)),
                keras.layers.Dense(4, name="hidden"),
                keras.layers.Dense(2, name="out"),
            ],
            name="seq",
        )
        inputs = keras.Input((5,))
        x = keras.layers.Dense(3, activation="relu", name="d1")(inputs)
        func = keras.Model(inputs, keras.layers.Dense(1, name="d2")(x), name="func")
    report = rec.report
    names = {v["name"] for v in report.variables}
    assert names == {v.path for v in seq.weights} | {v.path for v in func.weights}
    assert report.summary()["params"] == seq.count_params() + func.count_params()
    kernel = by_name(report, "seq/hidden/kernel")
    assert (kernel["api"], kernel["initializer"], kernel["shape"]) == (
        "keras",
        "glorot_uniform",
        [8, 4],
    )
    assert by_name(report, "seq/hidden/bias")["initializer"] == "zeros"
    assert kernel["device"] == seq.layers[0].kernel.value.device
    assert report.diagnostics == []


def test_keras_shared_layer_called_twice_makes_one_set(tf):
    keras = pytest.importorskip("keras")
    with jupyter_scope.record() as rec:
        shared = keras.layers.Dense(4, name="shared")
        a, b = keras.Input((6,)), keras.Input((6,))
        model = keras.Model([a, b], keras.layers.Add()([shared(a), shared(b)]))
    report = rec.report
    assert sorted(v["name"] for v in report.variables) == ["shared/bias", "shared/kernel"]
    assert report.summary()["params"] == model.count_params() == 28


@pytest.mark.slow
def test_keras_mobilenet_v2(tf):
    keras = pytest.importorskip("keras")
    with jupyter_scope.record() as rec:
        model = keras.applications.MobileNetV2(weights=None)
    report = rec.report
    assert report.summary()["params"] == model.count_params()
    assert len(report.variables) == len(model.weights)
    trainable = sum(v["params"] for v in report.variables if v["trainable"])
    assert trainable == sum(w.numpy().size for w in model.trainable_weights)
    assert report.diagnostics == []  # Conv1 beside Conv_1, block_1_… beside block_2_…: no typo
