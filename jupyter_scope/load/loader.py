"""`load(path)`: a ScopeReport read from a file, without running any code.

This module only tells what `path` is and hands it to a reader: a JSON report (read
here, without TensorFlow), or, through `tf_files.py` (which imports TensorFlow), a TF
checkpoint, a SavedModel, a GraphDef or an event file. Readers return the same plain
records a recording gives (`records.py`), so every display and export works unchanged.
"""

from __future__ import annotations

import mmap
import os
import stat
import time
from pathlib import Path
from typing import BinaryIO

from jupyter_scope.document import codec
from jupyter_scope.document.codec import MAX_SCOPE_DEPTH, ReportFormatError
from jupyter_scope.model import collector
from jupyter_scope.model.report import ScopeReport

EXPECTED = (
    "expected a TF checkpoint (a prefix with its .index, or a directory with a "
    "'checkpoint' file), a SavedModel directory, a GraphDef (.pb, .pbtxt, .meta), "
    "an event file (events.out.tfevents.*) or a jupyter-scope .json report"
)
GRAPH_SUFFIXES = (".pb", ".pbtxt", ".meta")
SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")


class Refused(ReportFormatError):
    """Unreadable input, refused in a message that names the file already."""


def refuse(path: str | Path, problem: str) -> ReportFormatError:
    """The one-line error for unreadable input: what is wrong, then what was expected."""
    return Refused(f"{path}: {' '.join(problem.split())}; {EXPECTED}")


def load(path: str | Path) -> ScopeReport:
    """A report of what `path` holds: variables (name, shape, dtype, params, bytes) from
    a checkpoint or SavedModel, ops and variables from a GraphDef or an event file's
    graph, or a saved jupyter-scope report. `meta["source"]` says what was read.

    A checkpoint is read lazily: names, shapes and dtypes from its index, never the
    values. Unreadable input raises `ReportFormatError` in one line.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _json_report(path)
    kind, target = identify(path)
    try:
        from jupyter_scope.load import tf_files  # TensorFlow from here on
    except ImportError as exc:
        raise refuse(path, f"reading a {kind} needs TensorFlow ({exc})") from None
    start = time.perf_counter()  # the reading, not TensorFlow's import
    capture = tf_files.READERS[kind](target)
    capture.meta["wall_time"] = time.perf_counter() - start
    names = [*capture.variables, *(op.name for op in capture.ops)]
    if any(name.count("/") >= MAX_SCOPE_DEPTH for name in names):
        raise refuse(path, f"a name with scopes nested deeper than {MAX_SCOPE_DEPTH}")
    capture.meta["source"] = {"kind": kind, "path": str(target), **capture.meta["source"]}
    from jupyter_scope.analysis.build import build_report

    return build_report(capture)


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (of at most `limit` bytes). A FIFO or device is
    refused, not read: opened without blocking, then checked on the open file."""
    with _open_regular(path, limit) as stream:
        return stream.read()


def map_regular(path: Path) -> mmap.mmap | bytes:
    """A regular file mapped read-only: its pages are read as they are touched, and can
    be given back (`codec.read`). Its bytes where it cannot be mapped (an empty file)."""
    with _open_regular(path) as stream:
        try:
            return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return stream.read()


def _open_regular(path: Path, limit: int | None = None) -> BinaryIO:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise refuse(path, "no such file") from None
    except OSError as exc:
        raise refuse(path, f"cannot read it: {exc.strerror or exc}") from None
    stream = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        stream.close()
        raise refuse(path, "not a regular file (a FIFO, device or directory)")
    if limit is not None and info.st_size > limit:
        stream.close()
        raise refuse(path, f"{info.st_size} bytes, more than the {limit} it may hold")
    return stream


def _json_report(path: Path) -> ScopeReport:
    """`ScopeReport.from_json` of the file, mapped, not read: its pages are given back as
    the graph is made, not held beside it (610 MB for 10^6 variables)."""
    try:
        with collector.paused():  # every container made here is kept
            return ScopeReport(*codec.read(map_regular(path)))
    except Refused:
        raise
    except ReportFormatError as exc:
        raise ReportFormatError(f"{path}: {exc}") from None


def identify(path: Path) -> tuple[str, Path]:
    """(reader kind, what to read) for `path`, by looking at names only."""
    if path.is_dir():
        if any((path / name).is_file() for name in SAVED_MODEL_FILES):
            return "saved-model", path
        if (path / "checkpoint").is_file():
            return "checkpoint", path  # the reader follows the file to the newest prefix
        events = sorted(path.glob("events.out.tfevents.*"), key=lambda p: p.stat().st_mtime)
        if events:
            return "event-file", events[-1]
        raise refuse(path, "a directory with no 'checkpoint', saved_model.pb or event file")
    if path.name in SAVED_MODEL_FILES:
        return "saved-model", path.parent
    if "tfevents" in path.name:
        return "event-file", path
    if path.suffix == ".index":
        return "checkpoint", path.with_suffix("")
    if ".data-" in path.suffix:  # one shard of a checkpoint's values: read its prefix
        return "checkpoint", path.with_suffix("")
    if path.with_name(path.name + ".index").is_file():
        return "checkpoint", path
    if path.suffix.lower() in GRAPH_SUFFIXES:
        if not path.is_file():
            raise refuse(path, "no such file")
        return "graph-def", path
    if not path.exists():
        raise refuse(path, "no such file, nor a checkpoint prefix (no .index beside it)")
    raise refuse(path, "not a file jupyter-scope can read")
