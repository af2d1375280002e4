"""KerasHub: a tiny randomly initialised BERT classifier (subclassed layers nested in a
functional backbone, no download) compiled with Adam and fit one epoch: the tree follows
Keras paths, and the report holds each variable Keras made once."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from tf_truth import (
    assert_no_warnings,
    assert_slots_are,
    created_variables,
    keras_adam_slots,
    keras_training_variables,
    logical_variables,
)

import jupyter_scope

keras_hub = pytest.importorskip("keras_hub")


@pytest.mark.slow
def test_bert_classifier_fit_one_epoch(tf):
    keras = pytest.importorskip("keras")
    x = {
        "token_ids": np.array([[2, 5, 7, 3, 0, 0, 0, 0], [2, 9, 3, 0, 0, 0, 0, 0]], "int32"),
        "segment_ids": np.zeros((2, 8), "int32"),
        "padding_mask": np.array([[1] * 4 + [0] * 4, [1] * 3 + [0] * 5], "int32"),
    }
    with created_variables() as made, jupyter_scope.record() as rec:
        backbone = keras_hub.models.BertBackbone(
            vocabulary_size=20,
            num_layers=2,
            num_heads=1,
            hidden_dim=4,
            intermediate_dim=8,
            max_sequence_length=8,
        )
        model = keras_hub.models.BertTextClassifier(backbone, num_classes=2, preprocessor=None)
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        model.fit(x, np.array([0, 1]), batch_size=1, epochs=1, verbose=0)
    report = rec.report
    names = Counter(v["name"] for v in logical_variables(report))
    # Keras paths: two transformer layers' kernels stay apart in the tree.
    held = Counter(v.path for v in keras_training_variables(model))
    assert names & held == held, f"missing {sorted(held - names)[:6]}"
    assert "transformer_layer_1/self_attention_layer/query/kernel" in names
    # Totals: every variable TF created in the block (Keras also made a metric object that
    # compile replaced with its own copy; its variables were created all the same).
    assert len(made) >= len(held)
    summary = report.summary()
    assert summary["variables"] == len(made)
    assert summary["params"] == sum(int(np.prod(v.shape)) for v in made)
    assert_slots_are(report, keras_adam_slots(model.optimizer))
    assert_no_warnings(report)
