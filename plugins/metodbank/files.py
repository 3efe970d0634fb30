"""Writing files so that a reader never sees half of one, and sharing
finished files by hard link. Used by every cache (content, memo, search
indexes) and by the build's staged exports.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, fsync: bool = False) -> None:
    """Write ``path`` whole or not at all: to a unique temporary name beside
    it, then swapped in. Unique names matter: two builds that meet in one
    cache must never write the same temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def link_or_copy(source, target) -> None:
    """Hard-link ``source`` to ``target`` (no copying, nothing to flush), or
    copy where links cannot be made. Safe only for files nothing rewrites in
    place: every writer here replaces files whole (:func:`write_atomic`)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
