"""The session's history: `jupyter_scope.reports` and the live tree widgets showing them.

Both are bounded and newest last; `jupyter_scope.widgets[-1].selected` is the node selected
in the newest `%%scopes` output's tree.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport
    from jupyter_scope.notebook.widget import ScopeWidget

HISTORY_SIZE = 50

reports: deque[ScopeReport] = deque(maxlen=HISTORY_SIZE)
widgets: deque[ScopeWidget] = deque(maxlen=HISTORY_SIZE)
