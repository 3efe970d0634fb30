"""Build the Pagefind index in parts ("delar"), while the site renders.

One Pagefind run over the whole site costs memory in proportion to the
site (1.7 GB at 5,000 pages, measured) and must start afresh on every
build: Pagefind has no incremental mode. So the indexed pages are split
into parts by a stable hash of their path, and each part is its own
Pagefind bundle, which the browser merges (Pagefind's ``mergeIndex``; the
merged bundles share the first one's WebAssembly):

* memory: one part at a time, so the peak follows the part, not the site;
* rebuilds: a part whose pages did not change is copied from the cache
  (keyed by a digest of exactly what Pagefind would read), so one changed
  project re-indexes one part;
* time: when the site engine renders the pages part by part (the plugin
  orders them so), a finished part is indexed in the background while the
  next is rendered; once the engine is done (:meth:`PartedIndex.finish`), a
  second run indexes beside the first, on the core the engine has let go.

Each page is staged as a small document holding only what Pagefind reads
(the ``data-pagefind-body`` element and the title), so a part's digest does
not move when the navigation or a listing elsewhere changes.

Nothing here knows MkDocs: pages come in as (output path, title, HTML).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import math
import os
import pickle
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ...cache import write_pickle
from ...files import link_or_copy
from ..pages import environment
from . import stable
from .marking import without_ignored

OUTPUT_SUBDIR = "pagefind"
_FORMAT = "2"  # bump when the staged document or the Pagefind options change
# Pagefind runs at once after the engine is done (see PartedIndex._close).
_END_RUNS = 2


class PagefindError(RuntimeError):
    """Pagefind failed; ``interrupted`` when Ctrl-C stopped it (it shares
    the terminal's process group with the build or the preview server)."""

    def __init__(self, message: str, interrupted: bool = False):
        super().__init__(message)
        self.interrupted = interrupted


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"stoppad av signalen {signal.Signals(-code).name}"
        except ValueError:
            return f"stoppad av signal {-code}"
    return f"slutkod {code}"


def shard_count(items: int, per_part: int) -> int:
    """How many parts for ``items`` indexed pages: a power of two, so that
    growing the bank past a boundary reshuffles the parts only rarely."""
    if items <= per_part:
        return 1
    return 1 << math.ceil(math.log2(math.ceil(items / per_part)))


def shard_of(path: str, count: int) -> int:
    """The part a page belongs to: stable across builds and machines."""
    if count == 1:
        return 0
    return int.from_bytes(hashlib.sha1(path.encode("utf-8")).digest()[:4], "big") % count


def bundle_dir(part: int) -> str:
    """Where part ``part`` is published, relative to the site root. Part 0 is
    the main bundle (its UI files are the ones the search page loads)."""
    return f"{OUTPUT_SUBDIR}/{_within_main(part)}"


def _within_main(part: int) -> str:
    """Where part ``part`` lies inside the main bundle's folder."""
    return "" if part == 0 else f"del-{part}/"


def bundle_dirs(count: int) -> list[str]:
    return [bundle_dir(k) for k in range(count)]


@dataclass
class _Part:
    number: int
    expected: set[str]
    pages: dict[str, str] = field(default_factory=dict)  # output path -> digest of the staged document
    documents: dict[str, bytes] = field(default_factory=dict)  # output path -> the staged document
    # Pages an earlier build staged (see add_known): their documents are made
    # only if this part has to be indexed again.
    makers: dict[str, object] = field(default_factory=dict)  # output path -> () -> the staged document
    submitted: bool = False
    # Submissions so far: a run indexes the part only for the latest (see _work).
    submissions: int = 0
    released: bool = False  # its documents were let go after indexing
    output: Path | None = None
    error: Exception | None = None
    cached: bool = False
    seconds: float = 0.0
    # Held while the part is indexed: its staging folder and its cache entry are one per part.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@dataclass
class IndexReport:
    parts: int = 0
    cached: int = 0  # parts copied unchanged from the cache
    indexed: int = 0  # parts Pagefind indexed in this build
    pages: int = 0
    seconds: float = 0.0  # Pagefind's own run time, summed over the parts it ran
    cpu_seconds: float = 0.0  # its CPU time (user + system), same parts
    wait_seconds: float = 0.0  # what finish() waited for the background runs

    def as_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


class PartedIndex:
    """Stage pages, index finished parts in a background thread, publish.

    ``expected_paths`` are the output paths the engine will render; a part
    starts indexing as soon as all of its own arrived. A page no part
    expected holds its part back to :meth:`finish`, so the order of pages
    never changes the result; a page for a part already indexed and released
    raises :class:`PagefindError`.
    """

    def __init__(self, cache_dir: Path, count: int, expected_paths, language: str = "sv"):
        self.cache_dir = Path(cache_dir)
        self.count = count
        self.language = language
        self.parts = {k: _Part(k, set()) for k in range(count)}
        for path in expected_paths:
            self.parts[shard_of(path, count)].expected.add(path)
        # Staging of its own: two builds sharing the cache never meet here.
        # What a killed build left (the build holds the cache's lock now).
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for leftover in [*self.cache_dir.glob(".in-*"), *self.cache_dir.glob(".del-*")]:
            shutil.rmtree(leftover, ignore_errors=True)
        self.staging = Path(tempfile.mkdtemp(dir=self.cache_dir, prefix=".in-"))
        self.queue: queue.Queue = queue.Queue()
        self.report = IndexReport(parts=count)
        self.lock = threading.Lock()
        # One run at a time while the engine renders (it needs the other core);
        # _end starts a second for what is left.
        self.runs = [threading.Thread(target=self._work, name="pagefind", daemon=True)]
        self.runs[0].start()
        self.ended = False  # see _end()

    # -- staging --------------------------------------------------------------
    def document(self, title: str, body_html: str) -> bytes:
        """The small document Pagefind reads for a page."""
        return environment().get_template("pagefind_document.html.j2").render(
            # The body is the page's own rendered HTML (the title is text),
            # without what Pagefind would skip (see marking.without_ignored).
            title=title, body=Markup(without_ignored(body_html)), language=self.language).encode("utf-8")

    def add(self, path: str, title: str, body_html: str) -> str:
        """Stage one page: ``path`` as published (``projekt/x/index.html``).
        Returns the digest of its staged document (see :meth:`add_known`).

        Documents stay in memory until their part is complete; only a part
        that misses the cache is written out for Pagefind to read.
        """
        data = self.document(title, body_html)
        digest = hashlib.sha256(data).hexdigest()
        self._stage(path, digest, data=data)
        return digest

    def add_known(self, path: str, digest: str, make) -> None:
        """Stage a page whose document an earlier build staged with ``digest``
        (what :meth:`add` returned), without making it: ``make()`` gives the
        document, called only if the page's part misses the cache. A page the
        site engine does not render again (the page cache) costs nothing here."""
        self._stage(path, digest, make=make)

    def _stage(self, path: str, digest: str, data: bytes | None = None, make=None) -> None:
        part = self.parts[shard_of(path, self.count)]
        with self.lock:
            if part.released:
                # The engine renders every page once; anything else is a bug, and
                # re-indexing the part now would silently drop its other pages.
                raise PagefindError(f"sidan {path} kom efter att sökindexets del {part.number} byggts")
            if data is not None:
                part.documents[path] = data
            else:
                part.makers[path] = make
            part.pages[path] = digest
            if part.submitted:  # a page its part did not expect: index the part again at the end
                part.submitted = False
            elif part.expected and part.expected <= part.pages.keys():
                self._submit(part)

    def _submit(self, part: _Part) -> None:  # called with self.lock held, or from finish()
        part.submitted = True
        part.submissions += 1
        self.queue.put((part.number, part.submissions, self._digest(part), {**part.makers, **part.documents},
                        dict(part.pages)))

    def _digest(self, part: _Part) -> str:
        h = hashlib.sha256(f"{_FORMAT}\0{self.language}\0{_pagefind_version()}".encode())
        for path in sorted(part.pages):
            h.update(f"\0{path}\0{part.pages[path]}".encode())
        return h.hexdigest()[:20]

    # -- indexing (background thread) -----------------------------------------
    def _work(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            number, submission, digest, documents, digests = job
            part = self.parts[number]
            with part.lock:
                # A part submitted again (a page it did not expect) is indexed
                # for its latest pages only: two runs never index one part
                # at once, and an older submission never replaces a newer.
                if submission != part.submissions:
                    continue
                try:
                    self._index(part, digest, documents, digests)
                except Exception as exc:  # reported by finish(), in the main thread
                    part.error = exc
                    continue
            with self.lock:
                # Indexed (or found in the cache) with every page it expected: its
                # documents are not needed again (80 MB at 10,000 projects).
                if part.submitted and part.pages.keys() == part.expected:
                    part.documents.clear()
                    part.makers.clear()
                    part.released = True

    def _index(self, part: _Part, digest: str, documents: dict, digests: dict[str, str]) -> None:
        out = self.cache_dir / f"del-{part.number}-{digest}"
        if out.is_dir():
            part.output, part.cached = out, True
            return
        staging = self.staging / str(part.number)
        shutil.rmtree(staging, ignore_errors=True)
        kept = self._kept_documents(part.number) if not all(isinstance(d, bytes) for d in documents.values()) else {}
        staged: dict[str, bytes] = {}
        for path, data in documents.items():
            if not isinstance(data, bytes):
                data = _known_document(path, data, digests[path], kept)
            staged[digests[path]] = data
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        tmp = Path(tempfile.mkdtemp(dir=self.cache_dir, prefix=f".del-{part.number}-{digest}-"))
        command = [*_pagefind_command(), "--site", str(staging),
                   "--output-path", str(tmp), "--force-language", self.language, "--quiet"]
        started = time.perf_counter()
        returncode, output, cpu = _run(command)
        part.seconds = time.perf_counter() - started
        with self.lock:
            self.report.cpu_seconds += cpu
        if returncode == -signal.SIGINT:
            raise PagefindError(f"Pagefind avbröts (Ctrl-C) innan sökindexet var klart (del {part.number})",
                                interrupted=True)
        if returncode != 0:
            reason = output.strip() or _exit_reason(returncode)
            raise PagefindError(f"Pagefind kunde inte bygga sökindexet (del {part.number}):\n{reason}")
        # Pagefind writes its filter indexes in hash-map order: a fixed order
        # keeps two builds of the same site byte-identical.
        stable.canonicalise(tmp)
        with self.lock:
            # Earlier versions of this part go once this one is in place: a
            # preview publishes the last one meanwhile (see finish_later). The
            # build holds the cache's lock (build.py): no other build reads them.
            os.replace(tmp, out)
            for old in self.cache_dir.glob(f"del-{part.number}-*"):
                if old != out:
                    shutil.rmtree(old, ignore_errors=True)
        # The part's documents, for the next build that re-indexes it: making
        # them again from the pages was half of a one-file rebuild's search work.
        write_pickle(self.cache_dir / f"dok-{part.number}.pickle", staged)
        shutil.rmtree(staging, ignore_errors=True)
        part.output = out

    def _kept_documents(self, number: int) -> dict[str, bytes]:
        """The staged documents of part ``number`` when it was last indexed,
        by digest (a digest names exactly one document)."""
        try:
            with open(self.cache_dir / f"dok-{number}.pickle", "rb") as handle:
                return dict(pickle.load(handle))
        except Exception:  # noqa: BLE001 - missing or broken: the documents are made again
            return {}

    # -- publishing -----------------------------------------------------------
    def finish(self, site_dir: Path) -> IndexReport:
        """Index what is left, wait for the background runs, and copy every
        part's bundle into ``site_dir``. Raises :class:`PagefindError`."""
        self.close()
        self._wait()
        self._publish(Path(site_dir) / OUTPUT_SUBDIR, {n: p.output for n, p in self.parts.items()})
        self._count()
        return self.report

    def finish_later(self, site_dir: Path, done, settled: threading.Event) -> threading.Thread:
        """For a preview server, where the page matters more than its search
        (re-indexing one part took 4–5 s of the 15 s from save to reload at
        5,000 projects): publish now what is ready, a part still indexing as
        its last version (or not yet, if it has none), and the finished
        index when the runs are over, swapped in whole. ``done(report,
        error)`` is called then, from the thread this returns; the index is
        the same one :meth:`finish` publishes. It is swapped in only once
        ``settled`` is set: the build's own reading of the site is over."""
        self.close()
        self._end()
        site_dir = Path(site_dir)
        with self.lock:
            self._publish(site_dir / OUTPUT_SUBDIR,
                          {n: p.output or self._last_output(n) for n, p in self.parts.items()})

        def publish_when_indexed() -> None:
            try:
                self._wait()
                # Made beside the site (not in it: the build's publish gate
                # reads the site meanwhile) and swapped in: the preview serves
                # one whole index at every moment but a rename's.
                fresh = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-{OUTPUT_SUBDIR}-"))
                self._publish(fresh, {n: p.output for n, p in self.parts.items()})
                settled.wait()
                published = site_dir / OUTPUT_SUBDIR
                old = fresh.with_name(fresh.name + "-gammal")
                if published.exists():
                    os.replace(published, old)
                os.replace(fresh, published)
                shutil.rmtree(old, ignore_errors=True)
                self._count()
            except Exception as exc:  # noqa: BLE001 - reported to the caller, the thread ends
                done(None, exc)
            else:
                done(self.report, None)

        thread = threading.Thread(target=publish_when_indexed, name="pagefind-publicering", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """No more pages: every part not yet submitted is submitted now.
        Called before :meth:`finish`, the build does its own work meanwhile."""
        with self.lock:
            for part in self.parts.values():
                if not part.submitted:
                    self._submit(part)

    def _end(self) -> None:
        """The end of the work: what is still queued is all there is.

        The engine has rendered every page by now, and the build waits for
        the parts still queued (at 5,000 projects a cold build waited 4–7 s,
        one core idle, for parts run one after another): a second run takes
        them beside the first. Not earlier: while the engine renders, a
        second Pagefind only takes the core the engine and the publish
        gate's workers share; and not while the gate reads the site (the
        build calls :meth:`close` first, then reads, then :meth:`finish`):
        the cores are busy then, and a second Pagefind beside the gate's
        workers took a 10,000-project build past its memory budget."""
        with self.lock:
            if self.ended:
                return
            self.ended = True
        if len(self.runs) < _END_RUNS and not self.queue.empty():
            run = threading.Thread(target=self._work, name=f"pagefind-{len(self.runs) + 1}", daemon=True)
            self.runs.append(run)
            run.start()
        for _ in self.runs:
            self.queue.put(None)

    def _wait(self) -> None:
        self._end()
        started = time.perf_counter()
        for run in self.runs:
            run.join()
        self.report.wait_seconds = time.perf_counter() - started
        errors = [p.error for p in self.parts.values() if p.error is not None]
        if errors:
            raise PagefindError("\n".join(map(str, errors)),
                                interrupted=all(getattr(e, "interrupted", False) for e in errors))

    def _last_output(self, number: int) -> Path | None:
        """The part's bundle from its last run, or None."""
        found = [p for p in self.cache_dir.glob(f"del-{number}-*") if p.is_dir()]
        return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None

    @staticmethod
    def _publish(target: Path, outputs: dict[int, Path | None]) -> None:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        for number in sorted(outputs):
            # Part 0 first: the others are published inside its folder.
            if outputs[number] is not None:
                shutil.copytree(outputs[number], target / _within_main(number), dirs_exist_ok=True,
                                copy_function=link_or_copy)

    def _count(self) -> None:
        for part in self.parts.values():
            self.report.pages += len(part.pages)
            self.report.cached += part.cached
            self.report.indexed += not part.cached
            self.report.seconds += part.seconds
            part.documents.clear()
            part.makers.clear()
        shutil.rmtree(self.staging, ignore_errors=True)

    def abandon(self) -> None:
        """Stop after a failed build: let the background run end, index nothing more."""
        while not self.queue.empty():
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        for _ in self.runs:
            self.queue.put(None)
        for run in self.runs:
            run.join()
        shutil.rmtree(self.staging, ignore_errors=True)


def _known_document(path: str, make, digest: str, kept: dict[str, bytes]) -> bytes:
    """A known page's document: the one kept from the part's last run, or
    made now. Either must be the one its digest names, or the part would be
    published under a digest that lies."""
    data = kept.get(digest)
    if data is not None and hashlib.sha256(data).hexdigest() == digest:
        return data
    data = make()
    if hashlib.sha256(data).hexdigest() != digest:
        raise PagefindError(f"sidan {path}: sökdokumentet skiljer sig från det förra byggets med samma indata "
                            "(töm .cache/metodbank och bygg igen)")
    return data


def _run(command: list[str]) -> tuple[int, str, float]:
    """Run Pagefind: its exit code, its output (stdout and stderr), and the
    CPU time of that process alone. Two runs may overlap (see _close), so
    the process's own resource usage (``wait4``) is read, not the
    difference in all children's."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        output = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return process.returncode, output, usage.ru_utime + usage.ru_stime


@functools.cache
def _pagefind_command() -> tuple[str, ...]:
    """Pagefind's binary itself, as the ``pagefind[bin]`` dependency ships
    it: ``python -m pagefind`` only finds and runs it, 0.09 s of Python
    start-up a part, on the path of a one-file rebuild."""
    try:
        from pagefind_bin import get_executable

        return (str(get_executable()),)
    except (ImportError, OSError):
        return (sys.executable, "-m", "pagefind")


@functools.cache
def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:  # no metadata: the digest still covers the pages
        return "?"
