"""What a preview server keeps from one of its builds to the next.

``make serve`` rebuilds the whole site on every save, in one process that
lives as long as the server. A build from nothing must find everything on
disk; a preview's next build can also find it in memory, which the cache
files cannot beat: the bank as it was read (each document reused only for
a file with the same digest) and the digests of the published files (reused
for a file with the same inode, size and modification time). The worker
processes are kept too, while their setup (the bank's list of files) is the
same. (The last site's finished pages stay in place as in any build: see
kept_site.py.)

The search index is the one thing a preview lets lag: it is swapped in when
it is ready, a few seconds after the page (see ``PartedIndex.finish_later``),
and the next build waits for it first.
"""

from __future__ import annotations

import sys
import threading

from . import worker_pool


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
            self._workers, self._setups = worker_pool.start(setups, leave_interrupt=True), setups
        return self._workers

    def _stop_workers(self) -> None:
        pool, self._workers, self._setups = self._workers, None, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """At the server's end: the search index's publishing, then the workers."""
        self.wait()
        self._stop_workers()

