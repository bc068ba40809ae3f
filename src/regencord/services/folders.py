"""Writing a whole folder of files at once: readers see the finished folder or none.

The files are written into a hidden staging folder beside the target, which then replaces
the target (absent or empty) in one rename; on any failure the staging folder is removed
and the target is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
