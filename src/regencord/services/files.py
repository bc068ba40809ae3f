"""Writing output files and folders whole: a reader sees the finished file or folder, or
the one that was there before.

Everything is written beside its target (a temporary file, a hidden staging folder) and
renamed into place; on any failure the temporary is removed and the target is left as it
was. A single file is written by the engine's one atomic write
(:mod:`regencord.isncsci.files`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from regencord.isncsci.files import atomic_write_bytes


@contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """Yield a staging folder to fill; on success it becomes ``folder`` (which must be
    absent or empty: the caller checks)."""
    parent = folder.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        yield staging
        if folder.exists():
            folder.rmdir()  # empty, checked by the caller
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (its folder created if need be), with the engine's
    one atomic write (:func:`regencord.isncsci.files.atomic_write_bytes`: fsync, then
    rename; the mode of the file replaced, else a plain ``open()``'s). A filesystem error
    is an :class:`~regencord.isncsci.files.OutputError` (an ``OSError``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
