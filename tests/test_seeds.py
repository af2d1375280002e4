"""Every example of the seed tutorials (../shared/seeds), recorded, against TF's own names.

Each test runs the tutorial's code as written (TF1 API through tf.compat.v1, in a fresh
graph) under `record()`, keeps the tutorial's own asserts, and checks that the report
shows what the text says: created vs reused, names, scopes, op names, diagnostics.
"""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_scope
from tests.helpers import by_name, codes


def _names(report) -> list[str]:
    return sorted(v["name"] for v in report.variables)


def _global_names(v1) -> list[str]:
    return sorted(v.op.name for v in v1.global_variables())


# -- 000 / 004: the Sharing Variables tutorial -------------------------------------------


def _image_filter_with_variables(tf, v1, input_images):
    conv1_weights = tf.Variable(v1.random_normal([5, 5, 32, 32]), name="conv1_weights")
    conv1_biases = tf.Variable(tf.zeros([32]), name="conv1_biases")
    conv1 = tf.nn.conv2d(input_images, conv1_weights, strides=[1, 1, 1, 1], padding="SAME")
    relu1 = tf.nn.relu(conv1 + conv1_biases)
    conv2_weights = tf.Variable(v1.random_normal([5, 5, 32, 32]), name="conv2_weights")
    conv2_biases = tf.Variable(tf.zeros([32]), name="conv2_biases")
    conv2 = tf.nn.conv2d(relu1, conv2_weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv2 + conv2_biases)


def test_tf_variable_filter_called_twice_makes_two_sets(tf, v1, graph):
    with jupyter_scope.record() as rec:
        image1 = v1.placeholder(tf.float32, [1, 8, 8, 32])
        image2 = v1.placeholder(tf.float32, [1, 8, 8, 32])
        _image_filter_with_variables(tf, v1, image1)
        _image_filter_with_variables(tf, v1, image2)
    report = rec.report
    assert _names(report) == _global_names(v1)
    assert len(report.variables) == 8  # "this creates two sets of variables"
    assert all(
        v["created"] and v["reuse_count"] == 0 and v["api"] == "Variable" for v in report.variables
    )
    assert by_name(report, "conv1_weights_1")["initializer"] == "random_normal"
    renamed = [d for d in report.diagnostics if d["code"] == "duplicate-name"]
    assert sorted(d["nodes"][0] for d in renamed) == [
        "conv1_biases_1",
        "conv1_weights_1",
        "conv2_biases_1",
        "conv2_weights_1",
    ]


def test_variables_dict_shares_by_passing_objects(tf, v1, graph):
    with jupyter_scope.record() as rec:
        variables_dict = {
            "conv1_weights": tf.Variable(v1.random_normal([5, 5, 32, 32]), name="conv1_weights"),
            "conv1_biases": tf.Variable(tf.zeros([32]), name="conv1_biases"),
        }

        def my_image_filter(input_images, variables_dict):
            conv1 = tf.nn.conv2d(
                input_images, variables_dict["conv1_weights"], strides=[1, 1, 1, 1], padding="SAME"
            )
            return tf.nn.relu(conv1 + variables_dict["conv1_biases"])

        result1 = my_image_filter(v1.placeholder(tf.float32, [1, 8, 8, 32]), variables_dict)
        result2 = my_image_filter(v1.placeholder(tf.float32, [1, 8, 8, 32]), variables_dict)
    report = rec.report
    assert _names(report) == ["conv1_biases", "conv1_weights"]
    weights = by_name(report, "conv1_weights")
    readers = {
        report.graph.nodes[t]["name"]
        for _, t, k in report.graph.out_edges(weights["id"], data="kind")
        if k == "reads"
    }
    # Both calls' convolutions read the one kernel.
    assert {
        result1.op.inputs[0].op.inputs[0].op.name,
        result2.op.inputs[0].op.inputs[0].op.name,
    } <= readers


def conv_relu(tf, v1, input, kernel_shape, bias_shape):
    weights = v1.get_variable("weights", kernel_shape, initializer=v1.random_normal_initializer())
    biases = v1.get_variable("biases", bias_shape, initializer=v1.constant_initializer(0.0))
    conv = tf.nn.conv2d(input, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def my_image_filter(tf, v1, input_images):
    with v1.variable_scope("conv1"):
        relu1 = conv_relu(tf, v1, input_images, [5, 5, 32, 32], [32])
    with v1.variable_scope("conv2"):
        return conv_relu(tf, v1, relu1, [5, 5, 32, 32], [32])


def test_forgotten_reuse_raises_and_is_diagnosed(tf, v1, graph):
    rec = jupyter_scope.record()
    with pytest.raises(ValueError, match="conv1/weights already exists"), rec:
        image1 = v1.placeholder(tf.float32, [1, 8, 8, 32])
        my_image_filter(tf, v1, image1)
        my_image_filter(tf, v1, image1)  # Raises ValueError(... conv1/weights already exists ...)
    report = rec.report  # the partial report survives the exception
    assert (
        _names(report)
        == _global_names(v1)
        == ["conv1/biases", "conv1/weights", "conv2/biases", "conv2/weights"]
    )
    assert report.error["type"] == "ValueError"
    (diag,) = report.diagnostics
    assert diag["code"] == "variable-exists" and diag["level"] == "error"
    assert diag["nodes"] == ["conv1/weights"]
    first, failed = by_name(report, "conv1/weights")["sites"][0], diag["sites"][0]
    assert first["file"] == failed["file"] == __file__
    chain = " ← ".join(f"{__file__}:{s['line']}" for s in (first, *first["callers"]))
    assert f"first created at {chain}." in diag["message"] and "reuse=True" in diag["advice"]
    assert [c["line"] for c in first["callers"]] != [c["line"] for c in failed["callers"]]


def test_reuse_variables_shares_the_filter(tf, v1, graph):
    with jupyter_scope.record() as rec:
        image1 = v1.placeholder(tf.float32, [1, 8, 8, 32])
        image2 = v1.placeholder(tf.float32, [1, 8, 8, 32])
        with v1.variable_scope("image_filters") as scope:
            result1 = my_image_filter(tf, v1, image1)
            scope.reuse_variables()
            result2 = my_image_filter(tf, v1, image2)
    report = rec.report
    assert (
        _names(report)
        == _global_names(v1)
        == [
            "image_filters/conv1/biases",
            "image_filters/conv1/weights",
            "image_filters/conv2/biases",
            "image_filters/conv2/weights",
        ]
    )
    for var in report.variables:
        assert var["created"] and var["reuse_count"] == 1
        assert [s["kind"] for s in var["sites"]] == ["create", "reuse"]
    assert by_name(report, "image_filters/conv1/weights")["initializer"] == "random_normal"
    assert by_name(report, "image_filters/conv1/biases")["initializer"] == "constant(0.0)"
    # The second call's ops land in conv1_1/, its variables stay in conv1/: linked.
    assert result2.op.name.startswith("image_filters/conv2_1/")
    scopes = {s["name"]: s for s in report.scopes}
    assert scopes["image_filters/conv1"]["links"] == ["image_filters/conv1_1"]
    assert scopes["image_filters/conv1_1"]["links"] == ["image_filters/conv1"]
    assert scopes["image_filters/conv1_1"]["n_variables"] == 0
    assert scopes["image_filters"]["n_variables"] == 4
    assert scopes["image_filters"]["params"] == 2 * (5 * 5 * 32 * 32 + 32)
    assert sorted(o["name"] for o in report.ops) == sorted(o.name for o in graph.get_operations())
    assert result1.op.name in {o["name"] for o in report.ops}
    assert report.diagnostics == []


def test_get_variable_creates_then_reuses(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("foo"):
            v = v1.get_variable("v", [1])
        assert v.name == "foo/v:0"
        with v1.variable_scope("foo", reuse=True):
            v1_ = v1.get_variable("v", [1])
        assert v1_ is v
        with v1.variable_scope("foo"):
            with v1.variable_scope("bar"):
                w = v1.get_variable("v", [1])
        assert w.name == "foo/bar/v:0"
        with v1.variable_scope("baz"):
            u = v1.get_variable("v", [1])
            v1.get_variable_scope().reuse_variables()
            u1 = v1.get_variable("v", [1])
        assert u1 is u
    report = rec.report
    assert by_name(report, "foo/v")["reuse_count"] == 1
    assert by_name(report, "foo/bar/v")["reuse_count"] == 0
    assert by_name(report, "baz/v")["reuse_count"] == 1
    assert by_name(report, "foo/v")["initializer"] == "glorot_uniform (default)"
    scopes = {s["name"]: s for s in report.scopes}
    assert scopes["foo/bar"]["variable_scope"] and scopes["foo"]["variable_scope"]


def test_reuse_flag_is_inherited(tf, v1, graph):
    with jupyter_scope.record() as rec, v1.variable_scope("root"):
        assert v1.get_variable_scope().reuse is False
        with v1.variable_scope("foo"):
            assert v1.get_variable_scope().reuse is False
            v1.get_variable("x", [2])
        with v1.variable_scope("foo", reuse=True):
            assert v1.get_variable_scope().reuse is True
            with v1.variable_scope("bar"):
                assert v1.get_variable_scope().reuse is True
        assert v1.get_variable_scope().reuse is False
    scopes = {s["name"]: s for s in rec.report.scopes}
    assert {"root", "root/foo", "root/foo/bar"} <= set(scopes)
    assert scopes["root/foo"]["links"] == ["root/foo_1"]


def test_scope_objects_jump_to_their_scope(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("foo") as foo_scope:
            v = v1.get_variable("v", [1])
        with v1.variable_scope(foo_scope):
            w = v1.get_variable("w", [1])
        with v1.variable_scope(foo_scope, reuse=True):
            v1_ = v1.get_variable("v", [1])
            w1 = v1.get_variable("w", [1])
        assert v1_ is v and w1 is w
        with v1.variable_scope("bar"):
            with v1.variable_scope("baz") as other_scope:
                assert other_scope.name == "bar/baz"
                with v1.variable_scope(foo_scope) as foo_scope2:
                    assert foo_scope2.name == "foo"  # Not changed.
                    x = v1.get_variable("x", [1])
    report = rec.report
    assert x.name == "foo/x:0"
    assert by_name(report, "foo/x")["scope"] == "foo"
    assert by_name(report, "foo/v")["reuse_count"] == 1
    assert by_name(report, "foo/w")["reuse_count"] == 1
    assert _names(report) == _global_names(v1)


def test_initializers_in_scopes(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("foo", initializer=v1.constant_initializer(0.4)):
            v = v1.get_variable("v", [1])
            w = v1.get_variable("w", [1], initializer=v1.constant_initializer(0.3))
            with v1.variable_scope("bar"):
                bv = v1.get_variable("v", [1])
            with v1.variable_scope("baz", initializer=v1.constant_initializer(0.2)):
                zv = v1.get_variable("v", [1])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            values = sess.run([v, w, bv, zv])
    assert np.allclose(np.concatenate(values), [0.4, 0.3, 0.4, 0.2])
    report = rec.report
    assert by_name(report, "foo/v")["initializer"] == "constant(0.4)"
    assert by_name(report, "foo/w")["initializer"] == "constant(0.3)"
    assert by_name(report, "foo/bar/v")["initializer"] == "constant(0.4)"
    assert by_name(report, "foo/baz/v")["initializer"] == "constant(0.2)"


def test_op_names_under_variable_and_name_scopes(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("foo"):
            x = 1.0 + v1.get_variable("v", [1])
        assert x.op.name == "foo/add"
        with v1.variable_scope("qux"):
            with v1.name_scope("bar"):
                v = v1.get_variable("v", [1])
                y = 1.0 + v
        assert v.name == "qux/v:0"
        assert y.op.name == "qux/bar/add"
    report = rec.report
    ops = {o["name"]: o for o in report.ops}
    assert ops["foo/add"]["scope"] == "foo" and ops["qux/bar/add"]["scope"] == "qux/bar"
    scopes = {s["name"]: s for s in report.scopes}
    assert scopes["qux"]["variable_scope"] and scopes["qux"]["name_scope"]
    assert scopes["qux/bar"]["name_scope"] and not scopes["qux/bar"]["variable_scope"]
    (ignored,) = [d for d in report.diagnostics if d["code"] == "name-scope-ignored"]
    assert ignored["nodes"] == ["qux/v"] and "'qux/bar'" in ignored["message"]


# -- 001: name_scope vs variable_scope ------------------------------------------------------


def test_gan_discriminator_shares_weights(tf, v1, graph):
    def discriminator(images):
        h = tf.reshape(images, [-1, 16])
        w = v1.get_variable("w", [16, 1])
        b = v1.get_variable("b", [1], initializer=v1.zeros_initializer())
        return tf.matmul(h, w) + b

    with jupyter_scope.record() as rec:
        real = v1.placeholder(tf.float32, [None, 4, 4])
        fake = v1.placeholder(tf.float32, [None, 4, 4])
        with v1.variable_scope("discriminator") as scope:
            discriminator(real)
            scope.reuse_variables()
            discriminator(fake)
    report = rec.report
    assert _names(report) == ["discriminator/b", "discriminator/w"]
    assert all(v["created"] and v["reuse_count"] == 1 for v in report.variables)


def test_train_and_test_rnn_share_weights(tf, v1, graph):
    class TrainConfig:
        batch_size, time_steps, input_size, output_size, cell_size = 20, 20, 10, 2, 11

    class TestConfig(TrainConfig):
        time_steps = 1

    class RNN:
        def __init__(self, config):
            xs = v1.placeholder(tf.float32, [None, config.time_steps, config.input_size])
            with v1.variable_scope("in_hidden"):
                w = v1.get_variable("weights", [config.input_size, config.cell_size])
                h = tf.einsum("bti,ic->btc", xs, w)
            with v1.variable_scope("out_hidden"):
                w_out = v1.get_variable("weights", [config.cell_size, config.output_size])
                self.pred = tf.einsum("btc,co->bto", h, w_out)

    with jupyter_scope.record() as rec:
        with v1.variable_scope("rnn") as scope:
            sess = v1.Session()
            RNN(TrainConfig())
            scope.reuse_variables()
            RNN(TestConfig())
            sess.run(v1.global_variables_initializer())
            sess.close()
    report = rec.report
    assert (
        _names(report) == _global_names(v1) == ["rnn/in_hidden/weights", "rnn/out_hidden/weights"]
    )
    assert all(v["reuse_count"] == 1 for v in report.variables)


def test_a_variable_scope_var3_and_var4(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("a_variable_scope") as scope:
            initializer = v1.constant_initializer(value=3)
            var3 = v1.get_variable(
                name="var3", shape=[1], dtype=tf.float32, initializer=initializer
            )
            scope.reuse_variables()
            var3_reuse = v1.get_variable(name="var3")
            var4 = tf.Variable(name="var4", initial_value=[4], dtype=tf.float32)
            var4_reuse = tf.Variable(name="var4", initial_value=[4], dtype=tf.float32)
    assert var3.name == var3_reuse.name == "a_variable_scope/var3:0"
    assert var4.name == "a_variable_scope/var4:0"
    assert var4_reuse.name == "a_variable_scope/var4_1:0"
    report = rec.report
    assert by_name(report, "a_variable_scope/var3")["reuse_count"] == 1
    assert by_name(report, "a_variable_scope/var3")["initializer"] == "constant(3)"
    assert by_name(report, "a_variable_scope/var4")["initializer"] == "constant(4)"
    (dup,) = [d for d in report.diagnostics if d["code"] == "duplicate-name"]
    assert dup["nodes"] == ["a_variable_scope/var4_1"] and "'var4'" in dup["message"]


def test_name_scope_prefixes_tf_variable_not_get_variable(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.name_scope("a_name_scope"):
            initializer = v1.constant_initializer(value=1)
            var1 = v1.get_variable(
                name="var1", shape=[1], dtype=tf.float32, initializer=initializer
            )
            var2 = tf.Variable(name="var2", initial_value=[2], dtype=tf.float32)
            var21 = tf.Variable(name="var2", initial_value=[2.1], dtype=tf.float32)
            var22 = tf.Variable(name="var2", initial_value=[2.2], dtype=tf.float32)
        with v1.name_scope("my_name_scope"):
            a = tf.add(var1, var2)
    assert [var1.name, var2.name, var21.name, var22.name] == [
        "var1:0",
        "a_name_scope/var2:0",
        "a_name_scope/var2_1:0",
        "a_name_scope/var2_2:0",
    ]
    report = rec.report
    assert _names(report) == _global_names(v1)
    assert sorted(codes(report)) == ["duplicate-name", "duplicate-name", "name-scope-ignored"]
    scopes = {s["name"]: s for s in report.scopes}
    assert scopes["a_name_scope"]["name_scope"] and not scopes["a_name_scope"]["variable_scope"]
    assert a.op.name == "my_name_scope/Add" and a.op.name in {o["name"] for o in report.ops}


# -- 002: variable_scope arguments, reuse=True, AUTO_REUSE ----------------------------------


def test_scope1_scope2_and_forgotten_reuse(tf, v1, graph):
    rec = jupyter_scope.record()
    with pytest.raises(ValueError, match="scope2/v1 already exists"), rec:
        with v1.variable_scope("scope1"):
            v1.get_variable("v1", [3, 3], tf.float32, initializer=v1.constant_initializer(1))
        with v1.variable_scope("scope2"):
            v1.get_variable("v1", [3, 3], tf.float32, initializer=v1.constant_initializer(1))
        with v1.variable_scope("scope1", reuse=True):
            share = v1.get_variable(
                "v1", [3, 3], tf.float32, initializer=v1.constant_initializer(1)
            )
            assert share.name == "scope1/v1:0"
        with v1.variable_scope("scope2"):
            v1.get_variable("v1", [3, 3], tf.float32, initializer=v1.constant_initializer(1))
    report = rec.report
    assert by_name(report, "scope1/v1")["reuse_count"] == 1
    assert by_name(report, "scope2/v1")["reuse_count"] == 0
    assert codes(report) == ["variable-exists"]


def test_auto_reuse(tf, v1, graph):
    def demo():
        with v1.variable_scope("demo", reuse=v1.AUTO_REUSE):
            return v1.get_variable("v", [1])

    with jupyter_scope.record() as rec:
        first, second = demo(), demo()
    assert first is second and first.name == "demo/v:0"
    var = by_name(rec.report, "demo/v")
    assert var["created"] and var["reuse_count"] == 1
    assert [s["kind"] for s in var["sites"]] == ["create", "reuse"]


# -- 003: Variable vs get_variable ----------------------------------------------------------


def test_variable_vs_get_variable(tf, v1, graph):
    rec = jupyter_scope.record()
    with pytest.raises(ValueError, match="one/v already exists"), rec:
        with v1.variable_scope("one"):
            a = v1.get_variable("v", [1])
        with v1.variable_scope("two"):
            d = v1.get_variable("v", [1])
            e = tf.Variable(1, name="v", dtype=tf.float32)
        with v1.variable_scope("one", reuse=True):
            c = v1.get_variable("v", [1])
        assert a is c and a is not d
        with v1.variable_scope("one"):
            v1.get_variable("v", [1])  # ValueError: Variable one/v already exists
    assert (d.name, e.name) == ("two/v:0", "two/v_1:0")
    report = rec.report
    assert by_name(report, "two/v")["api"] == "get_variable"
    assert by_name(report, "two/v_1")["api"] == "Variable"
    assert sorted(codes(report)) == ["duplicate-name", "variable-exists"]


def test_variable_store_collection(tf, v1, graph):
    with jupyter_scope.record() as rec:
        tf.Variable(tf.constant(1.0, shape=[30, 8]), name="word_embeddings_1", dtype=tf.float32)
        v1.get_variable("word_embeddings_2", shape=[30, 8])
    (store,) = v1.get_collection(("__variable_store",))
    report = rec.report
    from_store = sorted(v["name"] for v in report.variables if v["api"] == "get_variable")
    assert from_store == sorted(store._vars) == ["word_embeddings_2"]
    assert by_name(report, "word_embeddings_1")["initializer"] == "constant(1.0)"
    assert by_name(report, "word_embeddings_1")["params"] == 240
    assert by_name(report, "word_embeddings_1")["bytes"] == 960
