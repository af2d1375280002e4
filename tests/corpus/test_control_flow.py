"""TF's own control flow: loop bodies and the branches inside them are function graphs;
their ops sit under the op that runs them, as TF1 named them."""

from __future__ import annotations

from tf_truth import assert_ops_nested

import jupyter_scope


def test_loop_and_branch_bodies_nest_under_the_op_that_runs_them(tf, v1):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            x = v1.placeholder(tf.float32, [3])
            for scope in ("train", "eval"):
                with tf.name_scope(scope):
                    tf.while_loop(
                        lambda i, a: i < 3,
                        lambda i, a: (i + 1, tf.cond(i > 1, lambda: a * 2.0, lambda: a + 1.0)),
                        [0, x],
                    )
    assert_ops_nested(rec.report, graph)
    roots = {s["name"] for s in rec.report.scopes if s["name"] and "/" not in s["name"]}
    assert roots == {"train", "eval"}
    nested = [o for o in rec.report.ops if o.get("tf_name")]
    assert any("/cond/" in o["name"] for o in nested)  # a branch inside a body
    # A body op named with its loop's name already (`train/while/loop_counter`) is not
    # nested under the loop twice; one with a local name is (`add` → `train/while/add`).
    names = {o["name"]: o["tf_name"] for o in nested}
    assert names["train/while/loop_counter"] == "train/while/loop_counter"
    assert names["train/while/add"] == "add"
    assert not any("/while/while/" in name for name in names)
