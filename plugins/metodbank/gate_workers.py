"""The publish gate's reading, done in worker processes.

The gate reads every published file (about 4 ms a file: an HTML parse, the
identity-number rule over several views of the text). Done after the build
in the build's own process, that was a quarter of a cold build at 5,000
projects, while the machine's other cores sat idle. So:

- while the engine renders, each finished page is handed to a worker (the
  page's HTML as it will be written) and read there, beside the rendering;
- after the build, the gate hashes every file as before and reads only
  what no worker has read with the same bytes, split over all workers.

The result is the same as one process reading everything: a page read
early is matched by the digest of its path and bytes (the digest the gate's
clean-file cache uses), so a page changed after it was handed over, by
another plugin say, is simply read again. If worker processes cannot be
started, everything is read in this process. A worker also stores the page
in the page cache when the build asks it to (it holds the bytes already),
and publishes it there: the site's file is made a hard link to the cache's
(writing 5,000 pages was seconds of the engine's process, and the next
build finds them in place by inode, see ``kept_site.py``). A batch a
worker could not take is written by this process, so no page is lost.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from . import publish_gate, worker_pool
from .files import link_afresh, write_atomic
from .publish_gate import Finding, Sources

#: Pages sent to a worker at a time: large enough that the hand-over costs
#: little, small enough that the last batch does not keep the build waiting.
BATCH_PAGES = 48
#: Files per task in the final reading.
BATCH_FILES = 64

_sources: Sources | None = None  # in a worker: set once by _start_worker


def page_digest(published: str, html: str) -> tuple[str, bytes]:
    """The clean-file digest of a page as the engine writes it (UTF-8,
    characters outside it as references, as MkDocs and ProperDocs do)."""
    data = html.encode("utf-8", errors="xmlcharrefreplace")
    return hashlib.sha256(published.encode("utf-8") + b"\0" + data).hexdigest(), data


class GateWorkers:
    """The publish gate's reading in a :mod:`worker_pool` (started with
    :meth:`setup` among its setups; None: everything is read in-process).

    ``known``: digests of files found clean by an earlier build (not read
    again). :meth:`page` hands over a page as it is written; :meth:`scan`
    reads the finished site."""

    def __init__(self, pool: ProcessPoolExecutor | None, bank_root: Path | None, docs_dir: Path | None,
                 config_file: Path | None, known: set[str] | None = None):
        self.sources_args = (bank_root, docs_dir, config_file)
        self.known = known or set()
        self.read: dict[str, list[Finding]] = {}  # digest -> findings, for pages read during the build
        self._batch: list[tuple] = []  # (published, digest, bytes, cache file, site file)
        self._pending: list[tuple[Future, list[tuple]]] = []  # each batch with its future, until it is done
        self._pool = pool

    @staticmethod
    def setup(bank_root: Path | None, docs_dir: Path | None, config_file: Path | None) -> tuple:
        """The worker setup this reading needs: ``(function, args)``."""
        return _start_worker, (bank_root, docs_dir, config_file)

    # -- while the engine renders ------------------------------------------------
    def page(self, published: str, html: str, keep: Path | None = None, site_file: Path | None = None) -> bool:
        """Hand over a finished page; ``keep``: where the page cache stores it,
        ``site_file``: where the site publishes it, both written by the
        worker after reading (the bytes are there already). False when the
        page was not handed over: the caller writes both."""
        if self._pool is None:
            return False  # read at the end, like every other file
        digest, data = page_digest(published, html)
        if digest in self.known:
            return False
        self._batch.append((published, digest, data, str(keep) if keep is not None else None,
                            str(site_file) if site_file is not None else None))
        if len(self._batch) >= BATCH_PAGES:
            self._send()
        return True

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            future = self._pool.submit(_read_pages, batch)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._pool = None  # the end reads these pages itself, and writes this batch like any failed one
            future = Future()
            future.set_exception(exc)
        self._pending.append((future, batch))
        # A batch is kept only until its worker is done with it: held to the
        # end, every page's bytes would stay in memory (160 MB at 10,000 projects).
        self._collect(only_done=True)

    def _collect(self, only_done: bool = False) -> None:
        """Take the results of the batches handed over (``only_done``: of
        those done well by now, leaving the rest pending)."""
        pending, self._pending = self._pending, []
        for future, batch in pending:
            if only_done and (not future.done() or future.exception() is not None):
                # A failed batch is written here at the end, where a write
                # error becomes the build's own message (pages_published).
                self._pending.append((future, batch))
                continue
            try:
                self.read.update(future.result())
            except Exception:  # noqa: BLE001 - a worker died or could not write: done here (read at the end)
                if isinstance(future.exception(), BrokenProcessPool):
                    self._pool = None
                _write_pages(batch)

    def publish(self) -> None:
        """Wait until every page handed over is written where it belongs."""
        if self._pool is not None:
            self._send()
        self._collect()

    # -- after the build ---------------------------------------------------------
    def scan(self, site_dir: Path, clean: publish_gate.CleanFiles | None, only: str | None = None,
             leave_out: str | None = None) -> list[Finding]:
        """Every finding in the built site (or the part ``only`` and
        ``leave_out`` name), as :func:`publish_gate.scan_site` gives them."""
        self.publish()
        return publish_gate.scan_site(site_dir, bank_root=self.sources_args[0], docs_dir=self.sources_args[1],
                                      config_file=self.sources_args[2], clean=clean, read=self.read,
                                      reader=self._read_files if self._pool is not None else None,
                                      only=only, leave_out=leave_out)

    def _read_files(self, files: list[tuple[Path, str]]) -> list[tuple[str, list[Finding]]]:
        """(published, findings) for ``files``, read by the workers; in this
        process if they fail."""
        batches = [files[i:i + BATCH_FILES] for i in range(0, len(files), BATCH_FILES)]
        try:
            futures = [self._pool.submit(_read_files, [(str(path), published) for path, published in batch])
                       for batch in batches]
            return [found for future in futures for found in future.result()]
        except (BrokenProcessPool, RuntimeError):
            self._pool = None
            sources = Sources(*self.sources_args)
            return [(published, publish_gate.read_file(path, published, sources)) for path, published in files]



# -- in a worker process ---------------------------------------------------------


def _start_worker(bank_root, docs_dir, config_file) -> None:
    global _sources
    _sources = Sources(bank_root, docs_dir, config_file)


def _read_pages(batch: list[tuple]) -> dict[str, list[Finding]]:
    read = {}
    for published, digest, data, _keep, _site_file in batch:
        found = publish_gate.read_bytes(data, Path(published).suffix.lower(), published, _sources)
        if found is not None:  # else read from the file at the end
            read[digest] = found
    _write_pages(batch)
    if max((len(item[2]) for item in batch), default=0) >= worker_pool.LARGE_INPUT:
        worker_pool.release_memory()  # a listing page's parse
    return read


def _write_pages(batch: list[tuple]) -> None:
    """Store each page in the page cache and publish it as that very file
    (replaced whole, never written through), or write the site's file when
    the page has no place in the cache."""
    for _published, _digest, data, keep, site_file in batch:
        if keep is not None:
            write_atomic(Path(keep), data)
            if site_file is not None:
                link_afresh(keep, site_file)
        elif site_file is not None:
            write_atomic(Path(site_file), data)


def _read_files(batch: list[tuple[str, str]]) -> list[tuple[str, list[Finding]]]:
    found = [(published, publish_gate.read_file(Path(path), published, _sources)) for path, published in batch]
    if max((_size(path) for path, _published in batch), default=0) >= worker_pool.LARGE_INPUT:
        worker_pool.release_memory()  # the exports, a listing page
    return found


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
