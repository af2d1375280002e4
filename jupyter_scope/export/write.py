"""Writing a report to a file: pick the format, render it, write it atomically.

The formats and their writers are listed once, in `formats/__init__.py` (`FORMATS`);
this module only chooses one and writes its text safely: into a temporary file in the
target's directory, then renamed over the target, so a failure never leaves a
half-written or temporary file behind.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_scope.export.formats import FORMATS, SUFFIXES

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport


class ExportError(Exception):
    """A report could not be written: unknown format, existing file, unwritable path…"""


def format_for(path: Path, format: str | None = None) -> str:
    """The format named, or else the one the suffix of `path` implies."""
    if format is not None:
        name = format.lower().lstrip(".")
        if name not in FORMATS:
            raise ExportError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
        return name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(
            f"cannot tell the format of {str(path)!r} from its suffix {suffix or '(none)'!r}: "
            f"use one of {', '.join(SUFFIXES)} or give the format ({', '.join(FORMATS)})"
        )
    return SUFFIXES[suffix]


def prepare(path: Path, format: str | None, *, force: bool, ops: bool) -> str:
    """Check all that can be checked before rendering (so a long run can fail early);
    return the format's name."""
    name = format_for(path, format)
    if ops and not FORMATS[name].ops:
        with_ops = sorted(f.name for f in FORMATS.values() if f.ops)
        raise ExportError(f"one entry per op (ops) applies to {' and '.join(with_ops)} only")
    FORMATS[name].check()
    check_writable(path, force=force)
    return name


def render(report: ScopeReport, format: str, *, ops: bool = False) -> str:
    """The report as the text of a file of `format`."""
    return FORMATS[format].render(report, ops=ops)


def export(
    report: ScopeReport,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    force: bool = False,
    ops: bool = False,
) -> Path:
    """Write `report` to `path` as `format` (by default from the suffix); return the path.

    An existing file is refused unless `force`; anything else than a regular file
    (symlink, FIFO, device, directory) always. Raises `ExportError` with a message that
    names the problem; on any failure nothing is left at `path` or beside it.
    """
    path = Path(path)
    name = prepare(path, format, force=force, ops=ops)
    write_atomic(path, render(report, name, ops=ops), force=force)
    return path


def refuse_special(path: Path) -> None:
    """Only a regular file is ever replaced: `--force` on a symlink, FIFO, socket or
    device (`-o /dev/null` as root) would swap it for a plain file."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        if stat.S_ISLNK(mode):
            what = "a symbolic link"
        raise ExportError(f"cannot write {str(path)!r}: it is {what}, and only files are replaced")


def check_writable(path: Path, *, force: bool) -> None:
    """Fail early, before any work, if writing `path` is bound to fail."""
    refuse_special(path)
    if path.exists() and not force:
        raise ExportError(f"{str(path)!r} already exists: use force (--force) to overwrite it")
    if not path.parent.is_dir():
        raise ExportError(
            f"cannot write {str(path)!r}: directory {str(path.parent)!r} does not exist"
        )
    # Only trying tells: /proc is a directory that even root cannot create files in.
    tmp = temporary(path)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    tmp.unlink()


def temporary(path: Path) -> Path:
    """A name for a temporary file beside `path`, which no one else uses."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def write_atomic(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to a temporary file beside `path`, then move it into place.

    Without `force` the move is a hard link, which fails if `path` appeared meanwhile.
    """
    tmp = temporary(path)
    try:
        # O_EXCL: never follow or reuse someone else's file; 0o666 honours the umask.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            refuse_special(path)  # again: it may have changed since `check_writable`
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        raise ExportError(
            f"{str(path)!r} already exists: use force (--force) to overwrite it"
        ) from None
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
