"""The session's report history: `jupyter_scope.reports`, bounded, newest last."""

from __future__ import annotations

from collections import deque

HISTORY_SIZE = 50

reports: deque = deque(maxlen=HISTORY_SIZE)
