"""Whose params a variable holds, as Keras's `summary()` splits a model's: trainable,
non-trainable, or the optimizer's. Scope totals and the summary split by it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROLES = ("trainable", "non_trainable", "optimizer")


def role(variable: Mapping[str, Any]) -> str:
    """The optimizer's (slots, step counter, beta powers, learning rate), else trainable
    or not; a variable read from a file that does not say counts as not trainable."""
    if variable.get("optimizer") or variable.get("slot_of"):
        return "optimizer"
    return "trainable" if variable["trainable"] else "non_trainable"
