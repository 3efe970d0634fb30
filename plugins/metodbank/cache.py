"""A small on-disk cache keyed by content hash, so a rebuild after one file
changed re-parses and re-validates only that file.

The cache is only an accelerator: a missing, stale or unreadable cache file
is ignored, and it is written aside and swapped in atomically.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from .files import write_atomic

FORMAT = 1


class ContentCache:
    def __init__(self, path: Path | None, salt: str):
        self.path = Path(path) if path else None
        self.salt = salt  # anything besides the file's bytes that the result depends on
        self.entries: dict[str, tuple[str, object]] = {}
        self.hits = self.misses = 0
        if self.path and self.path.is_file():
            try:
                with self.path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored.get("format") == FORMAT and stored.get("salt") == salt:
                    self.entries = stored["entries"]
            except Exception:  # noqa: BLE001 - a broken cache is simply rebuilt
                self.entries = {}
        self.fresh: dict[str, tuple[str, object]] = {}

    def again(self) -> None:
        """Start another run with what this one saw as the stored entries
        (a preview server keeps the cache in memory between its builds)."""
        self.entries, self.fresh = self.fresh, {}
        self.hits = self.misses = 0

    def get(self, key: str, digest: str | None):
        entry = self.entries.get(key)
        if digest is not None and entry is not None and entry[0] == digest:
            self.hits += 1
            self.fresh[key] = entry
            return entry[1]
        self.misses += 1
        return None

    def put(self, key: str, digest: str | None, value) -> None:
        if digest is not None:
            self.fresh[key] = (digest, value)

    def save(self) -> None:
        """Keep only entries seen in this run; write aside, then swap.
        Nothing is written when nothing changed."""
        if self.path and not self.misses and self.fresh.keys() == self.entries.keys():
            return
        if self.path:
            write_pickle(self.path, {"format": FORMAT, "salt": self.salt, "entries": self.fresh})


def write_pickle(path: Path, value) -> None:
    """Pickle ``value`` to ``path``: written aside, then swapped in, so a
    reader never sees half a file."""
    write_atomic(Path(path), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
