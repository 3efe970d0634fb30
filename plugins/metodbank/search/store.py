"""Where an index lives on disk, and how a new one replaces the old atomically.

Whoosh's own locking stops two writers, but a writer killed half-way leaves
a directory that may not open. So an index directory holds *generations*::

    sok/
      CURRENT          the name of the live generation, e.g. "gen-000007"
      gen-000006/      the previous generation (kept for readers still on it)
      gen-000007/      Whoosh files + manifest.json + info.json
      .lock            held by the one builder at a time

A build writes a new generation beside the live one (for an incremental
update, starting from hard links to the live one's files), flushes it to disk, and only then points ``CURRENT`` at
it with ``os.replace`` — a single atomic rename. Until that rename the old
generation is the index; a crash at any moment leaves either the old or the
new one, both complete. Leftovers of crashed builds are removed by the next
build.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path

from ..files import link_or_copy, write_atomic

CURRENT = "CURRENT"
MANIFEST = "manifest.json"  # per document: digest and stems (large)
INFO = "info.json"  # small: versions, content fingerprint, vocabularies
_GEN = re.compile(r"^gen-(\d{6,})$")


def current_generation(index_dir: Path) -> Path | None:
    """The live generation, or None when there is none (yet)."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    gen = Path(index_dir) / name
    return gen if _GEN.match(name) and gen.is_dir() else None


def new_generation(index_dir: Path, copy_from: Path | None) -> Path:
    """A fresh generation directory, optionally starting as a copy of ``copy_from``."""
    index_dir = Path(index_dir)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GEN.match(p.name))]
    gen = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    gen.mkdir()
    if copy_from is not None:
        for path in copy_from.iterdir():
            if path.is_file() and not path.name.endswith("WRITELOCK") and not path.name.startswith("."):
                # Safe to share: Whoosh writes new segment files and a new table
                # of contents, and write_json replaces whole (tests check that an
                # update leaves the previous generation's files untouched).
                link_or_copy(path, gen / path.name)
    return gen


def publish(index_dir: Path, gen: Path) -> None:
    """Make ``gen`` the live generation: flush it, then swap ``CURRENT`` atomically."""
    index_dir = Path(index_dir)
    for path in gen.iterdir():
        if path.is_file() and path.stat().st_nlink == 1:  # linked files were flushed with their generation
            _fsync(path)
    _fsync_dir(gen)
    tmp = index_dir / f".{CURRENT}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def collect_garbage(index_dir: Path, keep: int = 2) -> None:
    """Remove all but the live and the previous generation. Call with the
    build lock held: then any other generation is a dead build's leftover."""
    index_dir = Path(index_dir)
    live = current_generation(index_dir)
    gens = sorted((p for p in index_dir.iterdir() if _GEN.match(p.name)), key=lambda p: p.name)
    older = [p for p in gens if live is None or p.name < live.name]
    survivors = {live.name} if live else set()
    survivors.update(p.name for p in older[-(keep - 1):] if keep > 1)
    for path in gens:
        if path.name not in survivors:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """One builder at a time per index directory (released if the process dies)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; builds are rarely concurrent there
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_json(gen: Path | None, name: str) -> dict | None:
    if gen is None:
        return None
    try:
        return json.loads((gen / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(gen: Path, name: str, data: dict) -> None:
    """Write ``gen/name`` whole or not at all (also used on the live generation)."""
    write_atomic(gen / name, json.dumps(data, ensure_ascii=False, separators=(",", ":")), fsync=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
