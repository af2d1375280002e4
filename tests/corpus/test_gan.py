"""A TF1 GAN as the tutorials write it: generator and discriminator in variable scopes, the
discriminator called twice (real, fake) with reuse, two Adam optimizers with var_lists."""

from __future__ import annotations

from collections import Counter

from tf_truth import assert_no_warnings, assert_slots_are, assert_variables_are, graph_variables

import jupyter_scope


def _dense(v1, x, units, name):
    with v1.variable_scope(name):
        w = v1.get_variable("w", [x.shape[-1], units])
        b = v1.get_variable("b", [units], initializer=v1.zeros_initializer())
    return v1.matmul(x, w) + b


def _generator(tf, v1, z):
    with v1.variable_scope("generator"):
        return tf.tanh(_dense(v1, tf.nn.relu(_dense(v1, z, 8, "h0")), 4, "out"))


def _discriminator(tf, v1, x, reuse, getter):
    with v1.variable_scope("discriminator", reuse=reuse, custom_getter=getter):
        return _dense(v1, tf.nn.leaky_relu(_dense(v1, x, 8, "h0")), 1, "out")


def test_tf1_gan_two_adam_optimizers(tf, v1):
    calls = Counter()

    def counting_getter(getter, name, *args, **kwargs):
        calls[name] += 1  # TF's own count of get_variable calls per variable
        return getter(name, *args, **kwargs)

    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            z = v1.random_normal([1, 2], seed=1)
            real = v1.random_normal([1, 4], seed=2)
            fake = _generator(tf, v1, z)
            d_real = _discriminator(tf, v1, real, False, counting_getter)
            d_fake = _discriminator(tf, v1, fake, True, counting_getter)
            xent = tf.nn.sigmoid_cross_entropy_with_logits
            d_loss = tf.reduce_mean(xent(labels=tf.ones_like(d_real), logits=d_real)) + (
                tf.reduce_mean(xent(labels=tf.zeros_like(d_fake), logits=d_fake))
            )
            g_loss = tf.reduce_mean(xent(labels=tf.ones_like(d_fake), logits=d_fake))
            trainable = v1.trainable_variables()
            d_vars = [v for v in trainable if v.op.name.startswith("discriminator/")]
            g_vars = [v for v in trainable if v.op.name.startswith("generator/")]
            d_opt, g_opt = v1.train.AdamOptimizer(1e-3), v1.train.AdamOptimizer(1e-3)
            d_opt.minimize(d_loss, var_list=d_vars)
            g_opt.minimize(g_loss, var_list=g_vars)
    report = rec.report
    truth = graph_variables(graph)
    # TF itself renamed the second optimizer's non-slot variables.
    assert {"beta1_power", "beta1_power_1", "beta2_power_1"} <= {v.name for v in truth}
    assert_variables_are(report, truth)

    reuses = {v["name"]: v["reuse_count"] for v in report.variables}
    assert {name: reuses[name] for name in calls} == {name: n - 1 for name, n in calls.items()}
    assert set(calls) == {v.op.name for v in d_vars} and all(n == 2 for n in calls.values())

    slots = [
        (opt.get_slot(var, name).op.name, var.op.name, name)
        for opt, var_list in ((d_opt, d_vars), (g_opt, g_vars))
        for var in var_list
        for name in opt.get_slot_names()
    ]
    assert_slots_are(report, slots)
    assert_no_warnings(report)  # TF's beta1_power_1 rename is at most info
