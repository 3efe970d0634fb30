"""Is the index up to date? Answered without reading the bank.

Loading and validating every file takes seconds on a large bank, so the
command line first compares a *fingerprint* of the content files — their
paths, sizes and modification times, plus ``mkdocs.yml`` (vocabularies) —
with the one recorded at the last build. Only when it differs is the bank
loaded and :func:`~.index.build_index` run, which then re-indexes just the
documents whose digests changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..bank import content_files, load_bank
from ..settings import read_settings
from . import store
from .index import FORMAT, IndexStats, build_index


def fingerprint(root: Path, config: Path | None) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    files = [path for _, path in content_files(Path(root))]
    if config is not None:
        files.append(Path(config))
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path.as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_fresh(index_dir: Path, stamp: str) -> bool:
    info = store.read_json(store.current_generation(Path(index_dir)), store.INFO)
    return bool(info) and info.get("format") == FORMAT and info.get("fingerprint") == stamp


def ensure_index(root: Path, index_dir: Path, config: Path | None = None, rebuild: bool = False, vocab=None):
    """Build or refresh the index when it is missing or stale.

    Returns ``(stats, bank)``; both are None when the index was already fresh.
    """
    stamp = fingerprint(root, config)
    if not rebuild and is_fresh(index_dir, stamp):
        return None, None
    # The content cache makes this cheap right after a site build.
    bank = load_bank(Path(root), (vocab or read_settings(config, root=Path(root)).vocab), cache_dir=Path(root) / ".cache" / "metodbank")
    stats: IndexStats = build_index(bank, index_dir, fingerprint=stamp, rebuild=rebuild)
    return stats, bank
