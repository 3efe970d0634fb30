"""What a preview server keeps from one of its builds to the next.

``make serve`` rebuilds the whole site on every save, in one process that
lives as long as the server. A build from nothing must find everything on
disk; a preview's next build can also find it in memory, which the cache
files cannot beat: the bank as it was read (each document reused only for
a file with the same digest), the digests of the published files (reused
for a file with the same inode, size and modification time) and the last
site's finished pages (kept only if they are the page cache's very file
or hold its bytes), so a preview shows exactly what a build would. The
worker processes are kept too, while their setup (the bank's list of
files) is the same.

The search index is the one thing a preview lets lag: it is swapped in when
it is ready, a few seconds after the page (see ``PartedIndex.finish_later``),
and the next build waits for it first.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from . import worker_pool
from .files import share_file


class PreviewSession:
    def __init__(self):
        self._search: threading.Thread | None = None
        # published path -> (inode, size, mtime_ns, digest) of the files the gate hashed
        self.clean_by_stat: dict[str, tuple] = {}
        # the content cache and the validated documents (see bank.load_bank)
        self.read_files: dict = {}
        # The worker processes and the setups they ran: starting two workers
        # (each imports the renderer) cost a second of CPU per save.
        self._workers = None
        self._setups = None
        self._aside: Path | None = None  # the last build's site, while the engine empties the folder

    def search_pending(self, thread: threading.Thread) -> None:
        self._search = thread

    def wait(self) -> None:
        """Until the last build's search index is published (the next build
        replaces the site it is published into)."""
        thread, self._search = self._search, None
        if thread is not None:
            if thread.is_alive():
                print("metodbank: väntar på förra byggets sökindex …", file=sys.stderr, flush=True)
            thread.join()

    def workers(self, setups: list):
        """The worker pool for ``setups`` (see ``worker_pool.start``): the
        last build's when its workers ran the same setups."""
        # A pool whose worker died is broken for good (the build then works in-process).
        if self._workers is not None and (setups != self._setups or getattr(self._workers, "_broken", False)):
            self._stop_workers()
        if self._workers is None:
            self._workers, self._setups = worker_pool.start(setups), setups
        return self._workers

    def _stop_workers(self) -> None:
        pool, self._workers, self._setups = self._workers, None, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    # -- the last build's site ----------------------------------------------------
    def set_aside(self, site_dir: Path) -> None:
        """Move what the last build published out of ``site_dir`` (a rename
        per top-level entry) before the engine empties the folder for the
        next build. Emptying it and linking every finished page again, each
        in a folder of its own, was 1.4 s of a rebuild at 5,000 projects;
        :meth:`put_back` returns the pages that are still right."""
        self.discard_aside()
        site_dir = Path(site_dir)
        for leftover in site_dir.parent.glob(f".{site_dir.name}-förra-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # from a server that was killed
        try:
            entries = os.listdir(site_dir)
        except OSError:
            return
        if entries:
            aside = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-förra-"))
            for name in entries:
                os.replace(site_dir / name, aside / name)
            self._aside = aside

    def put_back(self, site_dir: Path, finished: dict[str, str]) -> set[str]:
        """Put the set-aside site back with only the finished pages of this
        build that it holds as they are (the very file of the page cache:
        ``finished`` maps output path to it); every other file of the last
        build goes, and so does every folder left empty, so the engine writes
        the rest into a site as clean as an emptied one. Returns the output
        paths already in place."""
        aside, self._aside = self._aside, None
        if aside is None:
            return set()
        in_place: set[str] = set()
        try:
            _keep_only(str(aside), "", finished, in_place)
            for name in os.listdir(aside):
                os.replace(aside / name, Path(site_dir) / name)
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        return in_place

    def discard_aside(self) -> None:
        """Drop the set-aside site (a build that failed before :meth:`put_back`)."""
        aside, self._aside = self._aside, None
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def close(self) -> None:
        """At the server's end: the search index's publishing, then the workers."""
        self.wait()
        self._stop_workers()
        self.discard_aside()


def _keep_only(folder: str, prefix: str, finished: dict[str, str], in_place: set[str]) -> bool:
    """Remove from ``folder`` every file that is not a finished page still
    right, and every folder left empty; True if ``folder`` is empty now."""
    empty = True
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        published = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _keep_only(entry.path, published + "/", finished, in_place):
                os.rmdir(entry.path)
            else:
                empty = False
            continue
        source = finished.get(published)
        if source is not None and _still_right(entry.path, source):
            in_place.add(published)
            empty = False
        else:
            os.unlink(entry.path)
    return empty


def _still_right(path: str, cached: str) -> bool:
    """Whether the published file ``path`` is the cache's file ``cached``:
    the very file (linked from the cache), or one with the same bytes (the
    engine wrote it when it rendered the page), which is then made the
    cache's file, so the next build knows it by a look at the inode."""
    try:
        if os.path.samefile(path, cached):
            return True
    except OSError:
        return False
    return share_file(cached, path)
