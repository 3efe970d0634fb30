"""A small on-disk cache keyed by content hash, so a rebuild after one file
changed re-parses and re-validates only that file.

Each entry has a light part (what the checker needs: a few kB per file) and
an optional heavy part (what the build needs besides: the document itself).
Both are pickled separately into one file, so a reader that wants only the
light parts unpickles a fifth of the bytes: loading the whole cache was the
largest step of `metodbank kontrollera fil.md` at 5,000 projects.

The cache is only an accelerator: a missing, stale or unreadable cache file
is ignored, and it is written aside and swapped in atomically.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from .files import write_atomic

FORMAT = 2


class ContentCache:
    def __init__(self, path: Path | None, salt: str, light_only: bool = False):
        """``light_only``: the heavy parts are not unpickled, and
        :meth:`get_heavy` answers None, unless the cache is saved."""
        self.path = Path(path) if path else None
        self.salt = salt  # anything besides the file's bytes that the result depends on
        self.entries: dict[str, tuple[str, object, bool]] = {}  # key -> (digest, light part, has a heavy part)
        self.heavy: dict[str, object] = {}  # key -> heavy part, for entries that have one
        self._heavy_blob: bytes | None = None  # the heavy parts as stored, while not unpickled
        self.hits = self.misses = 0
        if self.path and self.path.is_file():
            try:
                with self.path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored.get("format") == FORMAT and stored.get("salt") == salt:
                    self.entries = pickle.loads(stored["light"])
                    self._heavy_blob = stored["heavy"]
                    if not light_only:
                        self._unpickle_heavy()
            except Exception:  # noqa: BLE001 - a broken cache is simply rebuilt
                self.entries, self.heavy, self._heavy_blob = {}, {}, None
        self.fresh: dict[str, tuple[str, object, bool]] = {}
        self.fresh_heavy: dict[str, object] = {}
        self._made: set[str] = set()  # keys put in this run: their stored heavy part is stale

    def _unpickle_heavy(self) -> None:
        if self._heavy_blob is not None:
            try:
                self.heavy = pickle.loads(self._heavy_blob)
            except Exception:  # noqa: BLE001 - the documents are made again
                self.heavy = {}
            self._heavy_blob = None

    def again(self) -> None:
        """Start another run with what this one saw as the stored entries
        (a preview server keeps the cache in memory between its builds)."""
        self.entries, self.fresh = self.fresh, {}
        self.heavy, self.fresh_heavy = self.fresh_heavy, {}
        self._made = set()
        self.hits = self.misses = 0

    def get(self, key: str, digest: str | None, with_heavy: bool = False):
        """The light part stored for ``key`` if it was made from ``digest``.
        ``with_heavy``: only if the heavy part made with it is here too."""
        entry = self.entries.get(key)
        if digest is not None and entry is not None and entry[0] == digest:
            has_heavy = entry[2]
            if not (with_heavy and has_heavy and key not in self.heavy):
                self.hits += 1
                self.fresh[key] = entry
                if has_heavy and key in self.heavy:
                    self.fresh_heavy[key] = self.heavy[key]
                return entry[1]
        self.misses += 1
        return None

    def get_heavy(self, key: str):
        """The heavy part of an entry :meth:`get` just found, or None."""
        return self.fresh_heavy.get(key)

    def put(self, key: str, digest: str | None, value, heavy=None) -> None:
        if digest is not None:
            self._made.add(key)
            self.fresh[key] = (digest, value, heavy is not None)
            if heavy is not None:
                self.fresh_heavy[key] = heavy
            else:
                self.fresh_heavy.pop(key, None)

    def save(self) -> None:
        """Keep only entries seen in this run; write aside, then swap.
        Nothing is written when nothing changed."""
        if not self.path or (not self._made and self.fresh.keys() == self.entries.keys()):
            return
        if self._heavy_blob is not None:
            # Read light only: the heavy parts of the entries kept are needed now.
            self._unpickle_heavy()
            self.fresh_heavy.update((key, self.heavy[key]) for key in self.fresh
                                    if key in self.heavy and key not in self._made)
        light = pickle.dumps(self.fresh, protocol=pickle.HIGHEST_PROTOCOL)
        heavy = pickle.dumps({k: v for k, v in self.fresh_heavy.items() if k in self.fresh},
                             protocol=pickle.HIGHEST_PROTOCOL)
        write_pickle(self.path, {"format": FORMAT, "salt": self.salt, "light": light, "heavy": heavy})


def write_pickle(path: Path, value) -> None:
    """Pickle ``value`` to ``path``: written aside, then swapped in, so a
    reader never sees half a file."""
    write_atomic(Path(path), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
