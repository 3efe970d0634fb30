"""Writing files so that a reader never sees half of one, and sharing
finished files by hard link. Used by every cache (content, memo, search
indexes) and by the build's staged exports.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import functools
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

# The operating system's own texts are English ("No such file or directory").
_OS_ERRORS = {
    errno.ENOENT: "mappen eller filen finns inte",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENOSPC: "disken är full",
    errno.ENOTDIR: "en del av sökvägen är en fil, inte en mapp",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.ENAMETOOLONG: "filnamnet är för långt",
    errno.ELOOP: "för många symboliska länkar i sökvägen",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EIO: "läsfel på disken",
}


def os_error(exc: OSError) -> str:
    """An operating-system error in Swedish (its number when it is not listed)."""
    return _OS_ERRORS.get(exc.errno, f"felkod {exc.errno}" if exc.errno else "okänt fel")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of this package's Python code: the caches of checked files
    and rendered bodies key by it, so a new version never shows an old
    message. (Pages need no such key: their digest is taken of their HTML.)"""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix == ".py":
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# What open() gives a new file: mkstemp's own 0600 would make every page a
# build publishes from the cache (a hard link to a file written here)
# unreadable to a web server running as another user.
_FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, data: bytes | str, *, fsync: bool = False) -> None:
    """Write ``path`` whole or not at all: to a unique temporary name beside
    it, then swapped in. Unique names matter: two builds that meet in one
    cache must never write the same temporary file. The file gets the mode
    a plain ``open()`` would give it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, _FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def link_afresh(source, target) -> None:
    """Put ``source`` at ``target`` as a new file: whatever was there is
    removed first, so a hard link from an earlier build is never written
    through (which would change the file it shares with the cache)."""
    target = Path(target)
    try:
        target.unlink()
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def share_file(source, target) -> bool:
    """Whether ``target`` holds the bytes ``source`` does; if so, it is made
    the very file ``source`` is (a hard link swapped in whole) where both lie
    on one file system. Safe only where nothing writes into either in place."""
    try:
        if not filecmp.cmp(source, target, shallow=False):  # sizes first, then bytes
            return False
    except OSError:
        return False
    temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.länk"
    try:
        os.link(source, temporary)
        os.replace(temporary, target)
    except OSError:  # another file system: the same bytes, not the same file
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return True


def link_or_copy(source, target) -> None:
    """Hard-link ``source`` to ``target`` (no copying, nothing to flush), or
    copy where links cannot be made. Safe only for files nothing rewrites in
    place: every writer here replaces files whole (:func:`write_atomic`)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
