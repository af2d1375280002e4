"""keras.applications compiled with Adam and `fit` for one epoch, all inside the recording:
the report holds Keras's variables (by `path`), no more, no less."""

from __future__ import annotations

import numpy as np
import pytest
from tf_truth import (
    assert_no_warnings,
    assert_slots_are,
    assert_variables_are,
    keras_adam_slots,
    keras_training_variables,
    keras_variables,
)

import jupyter_scope

keras = pytest.importorskip("keras")


@pytest.mark.slow
def test_mobilenet_v2_fit_one_epoch(tf):
    rng = np.random.default_rng(0)
    x, y = rng.random((2, 32, 32, 3), dtype=np.float32), np.array([0, 2])
    with jupyter_scope.record() as rec:
        model = keras.applications.MobileNetV2(
            weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=3
        )
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=1, epochs=1, verbose=0, shuffle=False)
    report = rec.report
    truth = keras_variables(keras_training_variables(model))
    assert_variables_are(report, truth)
    state = [*model.optimizer.variables, *(v for m in model.metrics for v in m.variables)]
    assert report.summary()["params"] == model.count_params() + sum(
        int(np.prod(v.shape)) for v in state
    )
    assert_slots_are(report, keras_adam_slots(model.optimizer))
    assert_no_warnings(report)
