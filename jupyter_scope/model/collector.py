"""Python's cyclic collector paused while a report is made, read or shown.

Every container made then is kept (a report's nodes, edges and their attribute dicts), so
the collections their allocations set off free nothing: ~40 young collections for Keras
ResNet50's report, a quarter of the recording's exit; loading or showing a report of
10^5 variables spent ~40 % of its CPU time in them, as the heap grew.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, back on after if it was on (nested uses keep it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
