"""Finished pages kept between builds, keyed by everything they depend on.

The site engine spends most of a rebuild wrapping pages that did not change
in the theme (about 24 s of CPU at 5,000 projects). A page's key is a digest
of its own inputs (the core's ``input_digest``: its generated HTML, contents
list and search facets) and of everything the engine adds (the nav, the
config, the theme and package versions: the adapter's ``engine_digest``).
A page whose key is stored is not rendered again; its HTML comes from here.

A page the engine need not render at all is handed to it as a finished
file (:meth:`PageCache.finished`); its search document is then known by the
digest an earlier build recorded (:meth:`PageCache.search_document`), and is
made again only if its part of the search index has to be indexed again.

Entries are written whole (:func:`files.write_atomic`), so two builds that
share the cache never see half a page; entries no build used are removed by
:meth:`PageCache.prune`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .cache import write_pickle
from .files import write_atomic

FORMAT = "1"  # bump when what a key covers changes
SEARCH_DOCUMENTS = "sokdokument.pickle"
ENGINE = "motor.txt"  # the last build's engine digest


class PageCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._folder = str(self.folder)
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        # key -> (digest of the page's staged search document, its title)
        self.search: dict[str, tuple[str, str]] = {}
        self.search_used: dict[str, tuple[str, str]] = {}
        try:
            with open(self.folder / SEARCH_DOCUMENTS, "rb") as handle:
                self.search = dict(pickle.load(handle))
        except Exception:  # noqa: BLE001 - missing, old or broken: the pages are rendered again
            self.search = {}

    @staticmethod
    def key(engine_digest: str, input_digest: str, src_uri: str) -> str:
        return hashlib.sha256(f"{FORMAT}\0{engine_digest}\0{input_digest}\0{src_uri}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return Path(self._name(key))

    def _name(self, key: str) -> str:
        # Strings, not Paths: 5,000 look-ups a build (pathlib cost 0.5 s of them).
        return os.path.join(self._folder, key[:2], key + ".html")

    def exists(self, key: str) -> bool:
        """Whether ``key``'s page is stored (not counted as used)."""
        return os.path.isfile(self._name(key))

    def last_engine(self) -> str | None:
        """The engine digest of the last build that rendered pages."""
        try:
            return (self.folder / ENGINE).read_text("utf-8").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def remember_engine(self, digest: str) -> None:
        if self.last_engine() != digest:
            write_atomic(self.folder / ENGINE, digest + "\n")

    def get(self, key: str) -> str | None:
        try:
            html = self._path(key).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            self.misses += 1
            return None
        self.used.add(key)
        self.hits += 1
        return html

    def finished(self, key: str, seen: bool = False) -> Path | None:
        """Where ``key``'s page lies, finished, for the engine to copy as it
        is; None if no build stored it. ``seen``: :meth:`exists` said so in
        this build (the build holds the cache: nothing removed it since)."""
        name = self._name(key)
        if not seen and not os.path.isfile(name):
            return None
        self.used.add(key)
        self.hits += 1
        return Path(name)

    def search_document(self, key: str) -> tuple[str, str] | None:
        """(digest of the staged search document, title) of ``key``'s page, as
        the build that rendered it recorded them."""
        return self.search.get(key)

    def record_search(self, key: str, digest: str, title: str) -> None:
        """Keep ``key``'s search document for the next build (:meth:`prune` saves them)."""
        self.search_used[key] = (digest, title)

    def put(self, key: str, html: str) -> None:
        write_atomic(self._path(key), html)
        self.used.add(key)

    def place(self, key: str) -> Path:
        """Where ``key``'s page goes, for a writer elsewhere (a worker process,
        which writes it whole); the page counts as used by this build."""
        self.used.add(key)
        return self._path(key)

    def prune(self) -> int:
        """Remove the pages this build did not use; returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        if self.search_used != self.search:
            write_pickle(self.folder / SEARCH_DOCUMENTS, self.search_used)
        for path in self.folder.glob("*/*.html"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
