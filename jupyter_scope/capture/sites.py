"""Call sites: the innermost stack frame that belongs to the user, not to a library.

A variable made by `tf_slim.conv2d` inside `vgg_16` is attributed to the line of the
user's code that called into the libraries, which is where a person would look. Library
code is the modules named below wherever they live (an editable install included), and
anything installed in the interpreter's own folders (site-packages, the standard library):
Sonnet, KerasHub or any other model library installed from a registry.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import sysconfig
from types import CodeType, FrameType
from typing import Any, cast

_LIBRARIES = (
    "tensorflow",
    "keras",
    "tf_keras",
    "tf_slim",
    "absl",
    "jupyter_scope",
    "IPython",
    "ipykernel",
    "runpy",
)
MAX_CALLERS = 6
# Inside a tf.function, autograph runs a converted copy of the code from a temporary file.
_AUTOGRAPH_FILE = "__autograph_generated_file"
_STDLIB_FILES = {os.path.normcase(cast(str, m.__file__)) for m in (contextlib, functools)}


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    dirs = []
    for name in _LIBRARIES:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path:
            dirs.append(os.path.normcase(os.path.dirname(path)) + os.sep)
    paths = sysconfig.get_paths()
    for key in ("purelib", "platlib", "stdlib"):
        dirs.append(os.path.normcase(paths[key]) + os.sep)
    return tuple(dirs)


@functools.lru_cache(maxsize=4096)
def is_library(filename: str) -> bool:
    filename = os.path.normcase(filename)
    return (
        filename.startswith(_library_dirs())
        or filename in _STDLIB_FILES
        or filename.startswith("<frozen ")
        or _AUTOGRAPH_FILE in filename  # unless mapped back to its source by `location`
    )


def location(frame: FrameType) -> tuple[str, int | None]:
    """The frame's file and line; for code that autograph converted, where it came from
    (autograph keeps a source map on the converted function, which its `converted_call`
    frame holds)."""
    filename, line = frame.f_code.co_filename, frame.f_lineno
    if _AUTOGRAPH_FILE in filename and frame.f_back is not None:
        converted = frame.f_back.f_locals.get("converted_f")
        origin = getattr(converted, "ag_source_map", {}).get((filename, line))
        if origin is not None:
            return origin.loc.filename, origin.loc.lineno
    return filename, line


def is_autograph(code: CodeType) -> bool:
    """Autograph's converted copy: whose code it is depends on the line (`location`)."""
    return _AUTOGRAPH_FILE in code.co_filename


def is_library_frame(frame: FrameType) -> bool:
    if is_autograph(frame.f_code):  # only then is `location` (and its line lookup) needed
        return is_library(location(frame)[0])
    return is_library(frame.f_code.co_filename)


def user_frame(skip: int = 1) -> FrameType | None:
    return user_frame_from(sys._getframe(skip))


def user_frame_from(frame: FrameType | None) -> FrameType | None:
    """`frame` or the nearest of its callers that is the user's code."""
    while frame is not None and is_library_frame(frame):
        frame = frame.f_back
    return frame


def site(kind: str, skip: int = 2, frame: FrameType | None = None) -> dict[str, Any]:
    """`{"file", "line", "kind", "callers"}` of the user's code on the current stack.

    `callers` are the user frames that led there (outward, until library code), so that
    a `get_variable` inside a helper shows which call of the helper created or reused.
    """
    frame = frame or user_frame(skip + 1)
    if frame is None:
        return {"file": "<unknown>", "line": None, "kind": kind, "callers": []}
    callers: list[dict[str, Any]] = []
    caller = frame.f_back
    while caller is not None and len(callers) < MAX_CALLERS and not is_library_frame(caller):
        file, line = location(caller)
        callers.append({"file": file, "line": line})
        caller = caller.f_back
    file, line = location(frame)
    return {"file": file, "line": line, "kind": kind, "callers": callers}


def reset_cache() -> None:
    """Forget the library folders (a library imported after the first recording)."""
    _library_dirs.cache_clear()
    is_library.cache_clear()
