"""The systemfel reports as PDF files, made from the built site.

After the engine has written the site and the publish gate has passed it,
every report page (``/systemfel/rapport/`` and ``/systemfel/<slug>/rapport/``,
see :mod:`metodbank.reports`) is rendered in print media — the page's own
HTML and print stylesheet, the same a browser prints — into a PDF beside it
(:func:`make_pdfs`). The file is named after the report
(``metodbanken-systemfel-<slug>.pdf``, ``metodbanken-systemfelsindex.pdf``),
so that reports saved from the site into one folder keep apart. WeasyPrint
(:mod:`metodbank.pdf_render`) reads only files of the built site; a PDF
holds only what the gated page and the gated site files hold.

**Cache.** A PDF is kept under ``.cache/metodbank/rapport-pdf/`` by a key of
its inputs: the page's bytes, where it lies, its date, the site's address
(its links), WeasyPrint's, pydyf's and Pango's versions and our code's
digest. Beside it, a list of every site file WeasyPrint read (stylesheets)
with its sha256: an entry is used only while they are unchanged. A rebuild
renders only the reports whose inputs changed; the others are hard-linked
(:func:`files.link_or_copy`) into the site. Entries no build used are
removed, as in the page cache. Fonts come from the system and are not in
the key: after installing other fonts, delete ``.cache``.

**The link.** A report page says "Ladda ner rapporten som PDF (PDF, 23 kB)":
the size is known only once the PDF exists, so the page carries
:data:`SIZE_MARK` where it goes and the size is written in afterwards. The
mark's line is hidden in print, so the PDF does not depend on the size.

Reports render in parallel (a process each, up to the number of CPUs),
largest first: the whole index's report is most of the work.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import importlib.metadata
import io
import json
import re
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import worker_pool
from .files import code_digest, link_or_copy, os_error, write_atomic

FORMAT = "1"  # bump when what a key covers changes
CACHE_FOLDER = "rapport-pdf"
#: Where a report page's PDF size goes: "(PDF<!-- … -->)" becomes "(PDF, 23 kB)".
SIZE_MARK = "<!-- metodbank:pdf-storlek -->"

PANGO_HELP = ("installera dem (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; `make test`"
              " gör det när du är root), eller stäng av PDF:erna med 'rapport_pdf: false' under metodbank i"
              " mkdocs.yml")


class PdfError(Exception):
    """A PDF could not be made; ``message`` says why, in Swedish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Job:
    page: str  # the built report page, relative to the site: systemfel/x/rapport/index.html
    pdf: str  # its PDF, beside it
    datum: str | None = None  # the report's date (the newest in its content)


@dataclass
class Summary:
    rendered: int = 0
    reused: int = 0
    removed: int = 0
    sizes: dict = field(default_factory=dict)  # PDF path -> bytes

    def as_dict(self) -> dict:
        return {"gjorda": self.rendered, "återanvända": self.reused, "borttagna": self.removed,
                "byte": sum(self.sizes.values()), "största": max(self.sizes.values(), default=0)}


def load_engine():
    """:mod:`metodbank.pdf_render`, or :class:`PdfError` when WeasyPrint or
    the system libraries it needs are missing. WeasyPrint prints an English
    troubleshooting note before it fails: it is swallowed, the error is ours."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            from . import pdf_render
    except ImportError as exc:
        raise PdfError(f"rapporterna kan inte göras som PDF: Python-paketet {exc.name or 'weasyprint'} saknas"
                       " — kör make install (eller stäng av PDF:erna med 'rapport_pdf: false' under metodbank i"
                       " mkdocs.yml)") from None
    except OSError as exc:
        library = re.search(r"'([^']+)'", str(exc))
        named = f" ({library.group(1)})" if library else ""
        raise PdfError(f"rapporterna kan inte göras som PDF: systembiblioteket Pango{named} saknas eller kan inte"
                       f" läsas — {PANGO_HELP}") from None
    return pdf_render


def engine_version() -> str:
    """What besides our inputs shapes a PDF: WeasyPrint's and pydyf's
    versions and the system's Pango (it lays out the text). Read without
    importing WeasyPrint (most of a warm build's PDF phase otherwise)."""
    try:
        versions = [f"{name} {importlib.metadata.version(name)}" for name in ("weasyprint", "pydyf")]
    except importlib.metadata.PackageNotFoundError as exc:
        raise PdfError(f"rapporterna kan inte göras som PDF: Python-paketet {exc.name} saknas — kör make install"
                       " (eller stäng av PDF:erna med 'rapport_pdf: false' under metodbank i mkdocs.yml)") from None
    return "; ".join(versions + [f"pango {_pango_version()}"])


def _pango_version() -> int:
    for name in ("libpango-1.0.so.0", "libpango-1.0.0.dylib", ctypes.util.find_library("pango-1.0")):
        if name:
            try:
                return ctypes.CDLL(name).pango_version()
            except (OSError, AttributeError):
                continue
    raise PdfError(f"rapporterna kan inte göras som PDF: systembiblioteket Pango saknas — {PANGO_HELP}")


def size_text(size: int) -> str:
    """'23 kB', '1,2 MB' (Swedish decimal comma; 1 kB = 1 000 byte)."""
    if size < 999_500:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


# --------------------------------------------------------------------------
# The cache


class PdfCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*parts: str | bytes) -> str:
        h = hashlib.sha256(FORMAT.encode())
        for part in parts:
            h.update(b"\0" + (part.encode("utf-8") if isinstance(part, str) else part))
        return h.hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.folder / key[:2]
        return folder / f"{key}.pdf", folder / f"{key}.json"

    def get(self, key: str, current) -> Path | None:
        """The stored PDF when every site file it was made from still has
        the bytes it had (``current(path)``: sha256 or None), else None."""
        pdf, manifest = self._paths(key)
        try:
            served = json.loads(manifest.read_text("utf-8"))["filer"]
            if pdf.is_file() and all(current(path) == digest for path, digest in served.items()):
                self.used.add(key)
                self.hits += 1
                return pdf
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        self.misses += 1
        return None

    def put(self, key: str, pdf_bytes: bytes, served: dict) -> Path:
        pdf, manifest = self._paths(key)
        write_atomic(pdf, pdf_bytes)
        write_atomic(manifest, json.dumps({"filer": served}, sort_keys=True, ensure_ascii=False))  # last: the entry is whole
        self.used.add(key)
        return pdf

    def prune(self) -> int:
        """Remove the entries this build did not use; returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in sorted(self.folder.glob("*/*")):
            if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += path.suffix == ".pdf"
        return removed


class _SiteDigests:
    """sha256 of site files, each read once per build."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir.resolve()
        self.known: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        if path not in self.known:
            try:
                target = (self.site_dir / path).resolve()
                target.relative_to(self.site_dir)
                self.known[path] = hashlib.sha256(target.read_bytes()).hexdigest()
            except (OSError, ValueError, RuntimeError):
                self.known[path] = None
        return self.known[path]


# --------------------------------------------------------------------------
# Making the PDFs


def make_pdfs(site_dir: Path, jobs: list[Job], cache_dir: Path, site_url: str = "",
              workers: int | None = None) -> Summary:
    """Write every job's PDF into ``site_dir`` and its size into its page.
    Raises :class:`PdfError`."""
    try:
        return _make_pdfs(Path(site_dir), jobs, Path(cache_dir), site_url, workers)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise PdfError(f"rapporternas PDF:er kan inte skrivas: {os_error(exc)}{where}") from None


def _make_pdfs(site_dir: Path, jobs: list[Job], cache_dir: Path, site_url: str, workers: int | None) -> Summary:
    summary = Summary()
    if not jobs:
        return summary
    cache = PdfCache(Path(cache_dir) / CACHE_FOLDER)
    digests = _SiteDigests(site_dir)
    salt = (engine_version(), code_digest(), site_url)
    todo: list[tuple[Job, str, bytes]] = []
    for job in jobs:
        html = _read(site_dir / job.page, job.page)
        key = cache.key(*salt, job.page, job.pdf, job.datum or "", html)
        stored = cache.get(key, digests)
        if stored is not None:
            _place(stored, site_dir / job.pdf)
            summary.reused += 1
        else:
            todo.append((job, key, html))
    engine = load_engine() if todo else None
    for job, key, rendered in _render_all(engine, site_dir, todo, site_url, workers):
        _place(cache.put(key, rendered.pdf, rendered.served), site_dir / job.pdf)
        summary.rendered += 1
    for job in jobs:
        size = (site_dir / job.pdf).stat().st_size
        summary.sizes[job.pdf] = size
        _write_size(site_dir / job.page, size)
    summary.removed = cache.prune()
    return summary


def _read(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PdfError(f"rapportsidan {shown} kan inte läsas ({os_error(exc)}), så ingen PDF kan göras av den") from None


def _place(source: Path, target: Path) -> None:
    """The cached PDF into the site (a link: nothing is copied)."""
    try:
        target.unlink(missing_ok=True)  # a dirty build's old file, perhaps a link to an old entry
        link_or_copy(source, target)
    except OSError as exc:
        raise PdfError(f"PDF:en {target} kan inte skrivas: {os_error(exc)}") from None


def _write_size(page: Path, size: int) -> None:
    text = page.read_text("utf-8")
    if SIZE_MARK in text:
        write_atomic(page, text.replace(f"PDF{SIZE_MARK}", f"PDF, {size_text(size)}").replace(SIZE_MARK, ""))


def _workers(requested: int | None, jobs: int) -> int:
    return max(1, min(requested or worker_pool.worker_count(), jobs))


def _render_all(engine, site_dir: Path, todo: list, site_url: str, workers: int | None):
    """(job, key, Rendered) for every job in ``todo``, largest page first."""
    todo = sorted(todo, key=lambda item: (-len(item[2]), item[0].page))
    count = _workers(workers, len(todo))
    # Processes, not threads: layout is pure Python (worker_pool: spawned,
    # and none where a worker could not start).
    pool = worker_pool.start([], workers=count) if count > 1 else None
    if pool is None:
        for job, key, html in todo:
            yield job, key, _render_one(engine.render, site_dir, job, html, site_url)
        return
    try:
        with pool:
            running = {pool.submit(_render_one, None, str(site_dir), job, html, site_url): (job, key)
                       for job, key, html in todo}
            try:
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: running[f][0].page):
                        job, key = running.pop(future)
                        yield job, key, future.result()
            except BaseException:
                for future in running:
                    future.cancel()
                raise
    except BrokenProcessPool:
        raise PdfError("en process som gjorde rapporterna till PDF avbröts oväntat (slut på minne?) — bygg igen,"
                       " eller stäng av PDF:erna med 'rapport_pdf: false' under metodbank i mkdocs.yml") from None


def _render_one(render, site_dir, job: Job, html: bytes, site_url: str):
    """One report (in a worker process when ``render`` is None)."""
    if render is None:
        render = load_engine().render
    try:
        return render(site_dir, job.page, html, site_url, job.datum)
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 - WeasyPrint's errors are many; the build reports one, in Swedish
        raise PdfError(f"rapporten {job.page} kunde inte göras om till PDF: {type(exc).__name__}: {exc}") from None
