"""A Keras 3 model built under MirroredStrategy over two logical CPUs and fit one step: each
mirrored variable counts once, with its replicas as parts. Logical devices must be set up
before TF initialises, hence a fresh interpreter (tests/test_placement.py's `run_case`)."""

from __future__ import annotations

from collections import Counter

import pytest
from test_placement import fallbacks, run_case
from tf_truth import problems


@pytest.mark.slow
def test_keras_fit_under_mirrored_strategy():
    found, _ = run_case("""
        import numpy as np
        import keras

        strategy = tf.distribute.MirroredStrategy(["/CPU:0", "/CPU:1"])
        with jupyter_scope.record() as rec:
            with strategy.scope():
                model = keras.Sequential(
                    [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
                model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
            # Two samples, a global batch of two: one step, one sample per replica.
            model.fit(np.ones((2, 4), np.float32), np.zeros((2, 2), np.float32),
                      batch_size=2, epochs=1, verbose=0)
        report = rec.report
        state = [*model.optimizer.variables, *(v for m in model.metrics for v in m.variables)]
        root = next(s for s in report.scopes if s["name"] == "")
        print("RESULT " + json.dumps({
            "variables": [{k: v.get(k) for k in ("id", "name", "params", "component_of",
                                                 "components", "device")}
                          for v in report.variables],
            "summary": report.summary(),
            "root": {k: root[k] for k in ("n_variables", "params", "bytes")},
            "diagnostics": report.diagnostics,
            "truth": {
                "paths": [v.path for v in [*model.weights, *state]],
                "params": model.count_params() + sum(int(np.prod(v.shape)) for v in state),
                "bytes": sum(int(np.prod(v.shape)) * tf.as_dtype(v.dtype).size
                             for v in [*model.weights, *state]),
                "replicas": [len(v.value.values) for v in model.weights],
            },
        }))
    """)
    truth = found["truth"]
    assert truth["replicas"] == [2, 2, 2, 2]  # TF mirrored every weight on both CPUs
    logical = [v for v in found["variables"] if not v["component_of"]]
    assert Counter(v["name"] for v in logical) == Counter(truth["paths"])
    summary = found["summary"]
    assert (summary["variables"], summary["params"], summary["bytes"]) == (
        len(truth["paths"]),
        truth["params"],
        truth["bytes"],
    )
    assert found["root"] == {
        "n_variables": len(truth["paths"]),
        "params": truth["params"],
        "bytes": truth["bytes"],
    }
    # Each replica is a part of exactly one logical variable, listed there.
    ids = {v["id"]: v for v in found["variables"]}
    for part in (v for v in found["variables"] if v["component_of"]):
        assert part["id"] in ids[part["component_of"]]["components"]
    assert fallbacks(found["diagnostics"]) == []  # a replica's initializer reads the primary
    assert problems(found["diagnostics"]) == []
