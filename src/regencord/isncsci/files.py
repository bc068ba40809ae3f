"""Files of exams and results: their formats, and writing one whole.

:func:`atomic_write` is the one way regencord writes an output file (the CLI's results, the
services' reports and exports): the file is written beside its target under a hidden
temporary name, flushed to disk (``fsync``) and renamed into place, so a reader — or a
crash, or a full disk — sees the finished file or the one that was there before, never a
part. The new file gets the mode of the file it replaces, else the mode a plain ``open()``
would give it (``0o666`` less the umask; not ``mkstemp``'s ``0o600``, which would hide a
shared result from the rest of a study team).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TextIO, cast

__all__ = ["FileFormat", "OutputError", "atomic_write", "atomic_write_bytes", "format_of"]


class FileFormat(StrEnum):
    """A file format for exams and results."""

    JSON = "json"
    CSV = "csv"


def format_of(path: Path | str) -> FileFormat | None:
    """The format a file's extension names (``.json``, ``.csv``, any case), or ``None``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return FileFormat(suffix)
    except ValueError:
        return None


class OutputError(OSError):
    """Writing an output file failed; nothing was written."""

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


@contextmanager
def atomic_write(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (``newline=""``) that replaces ``path`` only when the block ends
    without an exception (see the module documentation); filesystem errors are raised as
    :class:`OutputError`."""
    with _atomic(Path(path), binary=False) as f:
        yield cast(TextIO, f)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, as :func:`atomic_write` does."""
    with _atomic(Path(path), binary=True) as f:
        cast(IO[bytes], f).write(data)


@contextmanager
def _atomic(path: Path, *, binary: bool) -> Iterator[IO[str] | IO[bytes]]:
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputError(path, e) from e
    tmp = Path(tmp_name)
    try:
        f: IO[str] | IO[bytes]
        f = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, e) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what ``open`` would have created."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
