"""The whole site build, without a site engine.

The terminal search (``metodbank sök``, Whoosh) is not part of it: nothing
on the site reads that index, and ``sök`` builds and updates it on demand
under ``.cache/metodbank/sok``. Building it with every site cost 42 s of CPU
and 0.3 GB at 5,000 projects, and its segment files are named at random, so
no two builds of the site were byte-identical.

A site engine (MkDocs today, ProperDocs or another tomorrow) is only asked
to do what it is for: turn a handful of hand-written pages into HTML, wrap
every page in its theme and write the files. Everything about the bank —
loading and checking it, deriving its facts, generating its pages, exports
and schemas, the browser's search index and the publish gate — happens here, in
a few calls an adapter makes in order::

    build = SiteBuild(settings, cache_dir)
    outputs = build.prepare()                 # every generated file, in render order
    html = build.page_rendered(src_uri, dest_uri, title, html)   # per page
    report = build.finish(site_dir)           # after the engine wrote the site
    build.abandon()                           # instead of finish, when the build failed

The MkDocs adapter (``mkdocs_plugin/plugin.py``) maps an output's ``role``
to MkDocs' inclusion level and problems to ``PluginError``, nothing more.

Every output carries an ``input_digest``, computed before the engine renders
anything: a digest of everything of ours the published file depends on. The
incremental build keys its cache by it; a test shows that one body edit
changes the digest of that page alone.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import gc
import hashlib
import importlib.metadata
import sys
import threading
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import body, collector, publish_gate, report_pdf, reports, schema, worker_pool
from .gate_workers import GateWorkers
from .bank import FOLDERS, Bank, listed_paths, load_bank
from .derive import Derived, derive
from .exports import data_files, robots_txt
from .files import code_digest, link_afresh, os_error, share_file, write_atomic  # link_afresh: how an adapter publishes a finished page
from .memo import memoised
from .pagecache import PageCache
from .kept_site import KeptSite  # an adapter keeps the last site in place with it
from .preview import PreviewSession  # an adapter keeps one per preview server
from .problems import Problem
from .search.related import RelatedLists
from .settings import Settings
from .site import catalogue
from .site.compounds import compound_terms
from .site.pagefind import index as pagefind_index
from .site.pagefind.filters import PAGE_FILTERS
from .site.pagefind.marking import wrap as mark_for_search
from .site.pages import Generator, Page, Role, SiteOptions, error_banner, error_pages
from .timing import Timings

# Our stylesheet and script on every page; the others only on the page that uses them.
ASSETS = ("metodbank.css", "metodbank.js", "layout.css", "layout.js")
PAGE_ASSETS = ("hitta.js", "sok.js", "formular.js", "formular.css")
ASSET_DIR = "assets/metodbank"
# Generated files above this many characters wait on disk, not in memory,
# until the engine copies them (100 MB less at the peak with 10,000 projects).
# The example bank's projekt.json is one, so every test build takes that path.
LARGE_FILE = 32_000


@dataclass(frozen=True)
class OutputFile:
    src_uri: str  # e.g. "projekt/x.md", "data/projekt.json"
    role: Role
    order: int  # render order: pages of one search part together, lowest first (see prepare)
    input_digest: str
    content: str | None = None  # the file's text, or
    path: Path | None = None  # where it waits on disk (large files)


class ContentError(Exception):
    """The content has errors: the build stops with every problem listed."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} fel")
        self.problems = problems

    @property
    def message(self) -> str:
        listing = "\n".join(p.format() for p in self.problems)
        return f"Innehållet har {len(self.problems)} fel – rätta dem och bygg igen:\n{listing}"


class BuildError(Exception):
    """A step after the content check failed (search index, publish gate)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FinishReport:
    timings: Timings
    pagefind: dict = field(default_factory=dict)
    pdf: dict = field(default_factory=dict)  # the reports' PDFs (report_pdf.Summary.as_dict)


def _version_salt() -> str:
    """Our code's version: a new release may render anything differently,
    and so may an edit of the templates or of the code itself (a checkout
    between two versions, or a developer's change)."""
    try:
        version = importlib.metadata.version("metodbank")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    templates = resources.files("metodbank").joinpath("templates")
    digest = hashlib.sha256(f"{version}\0{code_digest()}".encode())
    for path in sorted(_walk(templates), key=str):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _walk(folder):
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


class SiteBuild:
    """One build of the site; see the module docstring for the order of calls."""

    def __init__(self, settings: Settings, cache_dir: Path, timings: Timings | None = None,
                 docs_dir: Path | None = None, session: PreviewSession | None = None):
        self.settings = settings
        self.root = Path(settings.innehall)
        self.cache_dir = Path(cache_dir)
        self.docs_dir = Path(docs_dir) if docs_dir is not None else self.root / "docs"
        self.timings = timings or Timings()
        self.bank: Bank | None = None
        self.derived: Derived | None = None
        self.generator: Generator | None = None
        self.pages: dict[str, Page] = {}
        self.search_index: pagefind_index.PartedIndex | None = None
        self.compound_terms: dict[str, str] = {}
        self.order: dict[str, int] = {}  # src_uri -> search part, the render order
        self.digests: dict[str, str] = {}  # src_uri -> input_digest of every generated page
        self.page_cache = PageCache(self.cache_dir / "sidor")
        self._last_engine = self.page_cache.last_engine()
        self._seen_finished: set[str] = set()  # page cache keys _finished_before found stored
        self._salt = ""
        self.engine_digest: str | None = None
        self.finished_pages = 0  # pages handed to the engine as finished files (begin_render)
        self._held: dict[str, bytes] = {}  # src_uri -> page content, compressed, until the engine writes it
        self.preview_problems: list[Problem] = []  # a preview with content errors (see prepare_preview)
        self.clean_files: publish_gate.CleanFiles | None = None
        self.gate: GateWorkers | None = None
        self.workers = None  # the build's worker processes (worker_pool)
        self.previewing = False
        self.report_pdfs: list[report_pdf.Job] = []  # made in finish, after the publish gate
        # A preview server's memory between builds; its search index is published later.
        self.session = session
        self._search_later = False  # the cache stays locked until that index is published
        self._settled = threading.Event()  # set when this build no longer reads its site
        self._gc_before: tuple | None = None  # the collector's thresholds before this build
        self._written: list[tuple[str, Path]] = []  # a preview's pages the engine wrote, and their cache places

    # -- 1. before the engine renders -------------------------------------------
    def _lock(self) -> None:
        """Hold the cache for this build: two builds started together (``make
        serve`` running while ``make site`` starts) would otherwise replace
        each other's search parts and pages mid-build. The second waits."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.cache_dir / ".lås", "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("metodbank: ett annat bygge använder cachen – väntar tills det är klart …", file=sys.stderr,
                  flush=True)
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)

    def _unlock(self) -> None:
        before, self._gc_before = self._gc_before, None
        if before is not None:
            gc.set_threshold(*before)
        lock, self._lock_file = getattr(self, "_lock_file", None), None
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def prepare_preview(self, engine_pages: dict[str, str], missing_pages: list[str]) -> list[OutputFile]:
        """Like :meth:`prepare`, for a preview server: content errors do not
        stop the preview. The site then holds the hand-written pages with a
        banner listing every problem, and ``missing_pages`` (pages the nav
        names that the bank would generate) as stand-ins saying what to fix;
        the next save builds the real site again. ``mkdocs build`` never
        takes this path. A preview makes no PDFs: the whole index's report
        alone takes seconds (half a minute at 1,000 projects) after a save."""
        self.previewing = True
        try:
            return self.prepare(engine_pages)
        except ContentError as exc:
            self.preview_problems = exc.problems
        self.pages = {page.src_uri: page for page in error_pages(missing_pages, self.preview_problems)}
        self.search_index = None
        return [OutputFile(page.src_uri, page.role, 0, page.digest, content=page.content)
                for page in self.pages.values()]

    def prepare(self, engine_pages: dict[str, str] | None = None) -> list[OutputFile]:
        """Load and check the bank, derive, generate every page and file.
        Raises :class:`ContentError` when the content has errors.

        ``engine_pages`` are the pages the engine renders itself (``docs/``),
        as src_uri -> dest_uri: they are searched too, and the search index
        waits for them. A generated page replaces an engine page of the same
        src_uri."""
        timings = self.timings
        if self.session is not None:
            self.session.wait()
        self._lock()
        if self._gc_before is None:
            self._gc_before = gc.get_threshold()
            gc.set_threshold(*collector.THRESHOLDS)  # from prepare to the build's end (see collector.py)
        # The files, the bodies and the publish gate's reading go to worker
        # processes. They start before the bank is loaded, so that a cold
        # build parses its files there (5 s of one core at 5,000 projects);
        # their setup needs the bank's file list, which the folders give.
        gate_setup = GateWorkers.setup(self.root, self.docs_dir, self.settings.config_file)
        listed = listed_paths(self.root)
        self._start_workers(gate_setup, listed)
        try:
            with timings.phase("kontroll"):
                bank = load_bank(self.root, self.settings.vocab, progress=timings.counter, cache_dir=self.cache_dir,
                                 memory=self.session.read_files if self.session is not None else None,
                                 pool=self.workers)
        except BaseException:
            self.abandon()
            raise
        timings.counts.update(filer=bank.files, cache_träffar=bank.cache_hits, cache_missar=bank.cache_misses)
        if not bank.ok:
            self.abandon()
            raise ContentError(bank.problems.sorted())
        self.bank = bank
        if bank.content_paths() != listed:
            # Never for a bank without errors (every listed file is then a
            # document); were it so, the bodies' links must see the bank's own list.
            self._stop_workers()
            self._start_workers(gate_setup, bank.content_paths())
        self.clean_files = publish_gate.CleanFiles(
            self.cache_dir / "sparr.txt", self.session.clean_by_stat if self.session is not None else None)
        self.gate = GateWorkers(self.workers, *gate_setup[1], known=self.clean_files.known)
        today = dt.date.today()  # which projects need updating: the templates' key takes it too
        self._salt = salt = _version_salt()
        with timings.phase("korsindex"):
            self.derived = derive(bank, today)
            # Both depend only on titles, summaries and references, which an
            # edit to a body text leaves alone: reused from the last build then.
            # "Liknande" is computed in a worker while this process goes on
            # (the first project page waits for it: see RelatedLists).
            related_items = RelatedLists.start(self.derived, cache_file=self.cache_dir / "liknande.pickle",
                                               pool=self.workers)
            self.compound_terms = compound_terms(self.derived, cache_file=self.cache_dir / "sammansattningar.pickle")
        parts = pagefind_index.shard_count(len(bank.projekt) + len(bank.metoder) + len(bank.systemfel),
                                           max(1, self.settings.sokdel_sidor))
        pdfs = self.settings.rapport_pdf and not self.previewing
        self.generator = Generator(self.derived, SiteOptions(repo_url=self.settings.repo_url, related=related_items,
                                                             search_bundles=pagefind_index.bundle_dirs(parts),
                                                             cache_dir=self.cache_dir, rapport_pdf=pdfs,
                                                             workers=self.workers,
                                                             cache_salt=f"{salt}\0{today.isoformat()}",
                                                             finished_before=self._finished_before))
        self.report_pdfs = [report_pdf.Job(r.page, r.url + r.pdf_name, str(r.datum) if r.datum else None)
                            for r in reports.all_reports(self.derived)] if pdfs else []
        with timings.phase("sidor", len(bank.projekt)):
            self.pages = {page.src_uri: page for page in self.generator.pages()}
        bodies = self.generator._bodies
        timings.counts["brödtextcache"] = {"träffar": bodies.hits, "missar": bodies.misses}
        timings.counts["sidmallar"] = "återanvända" if self.generator.reused_templates else "renderade"
        # Rendered anyway, the item pages whose own inputs did not change (see site/inputs.py).
        timings.counts["sidmallar_sidor_återanvända"] = self.generator.reused_pages
        outputs: list[OutputFile] = []
        for page in self.pages.values():
            digest = self._input_digest(page)
            outputs.append(OutputFile(page.src_uri, page.role, 0, digest, content=page.content))
        with timings.phase("export"):
            # Exports carry absolute addresses when the site's address is known.
            # They read what the templates read (never a body): reused under the same key.
            files, _reused = memoised(self.cache_dir / "export.pickle",
                                      [self.generator.templates_key(), self.settings.site_url], self._exports)
        if self.settings.site_url:
            # Only with a known address: robots.txt names the sitemap by its full URL.
            files["robots.txt"] = robots_txt(self.settings.site_url)
        # The JSON Schema with this build's vocabularies: editors and the form read it.
        files.update({f"schema/{name}": schema.render(kind, self.settings.vocab)
                      for kind, name in schema.FILE_NAMES.items()})
        for name in ASSETS + PAGE_ASSETS:
            files[f"{ASSET_DIR}/{name}"] = resources.files("metodbank").joinpath("assets", name).read_text("utf-8")
        for src_uri, content in files.items():
            outputs.append(self._file(src_uri, content))
        engine_pages = {src: dest for src, dest in (engine_pages or {}).items() if src not in self.pages}
        return self._in_search_order(outputs, engine_pages, parts)

    def _input_digest(self, page: Page) -> str:
        """Everything of ours a generated page depends on: the page (its own
        digest covers its source, HTML, contents list and facets), the search
        terms added to it and our version. Kept in ``digests``, made once."""
        digest = self.digests.get(page.src_uri)
        if digest is None:
            digest = self.digests[page.src_uri] = _digest(self._salt, page.digest,
                                                          self.compound_terms.get(page.src_uri, ""))
        return digest

    def _finished_before(self, page: Page) -> bool:
        """Whether the last build finished ``page`` as it is now (with the
        engine as it was then): the generator leaves such a page unpacked."""
        if page.role not in (Role.ITEM, Role.HIDDEN) or self._last_engine is None:
            return False
        key = PageCache.key(self._last_engine, self._input_digest(page), page.src_uri)
        if self.page_cache.exists(key):
            self._seen_finished.add(key)
            return True
        return False

    def _exports(self) -> dict[str, str]:
        files = data_files(self.derived, self.settings.site_url)
        files["data/katalog.json"] = catalogue.render(self.derived)
        return files

    def _file(self, src_uri: str, content: str) -> OutputFile:
        digest = _digest(content)
        if len(content) < LARGE_FILE:
            return OutputFile(src_uri, Role.FILE, 0, digest, content=content)
        # Replaced whole: a build copying the old file meanwhile still reads all of it.
        staged = self.cache_dir / "filer" / src_uri
        write_atomic(staged, content)
        return OutputFile(src_uri, Role.FILE, 0, digest, path=staged)

    def _in_search_order(self, outputs: list[OutputFile], engine_pages: dict[str, str],
                         parts: int) -> list[OutputFile]:
        """Start the parted Pagefind index and give every page its render
        order: part by part, so each part is indexed in the background as
        soon as it is rendered. ``order`` covers the engine's own pages too
        (an adapter sorts all pages by it; unknown ones come first)."""
        dest = {src: page.dest_uri for src, page in self.pages.items() if page.searchable}
        dest.update(engine_pages)
        self.search_index = pagefind_index.PartedIndex(self.cache_dir / "pagefind", parts, dest.values())
        self.order = {src: pagefind_index.shard_of(path, parts) for src, path in dest.items()}
        return [OutputFile(o.src_uri, o.role, self.order.get(o.src_uri, -1), o.input_digest, o.content, o.path)
                for o in outputs]

    def render_order(self, src_uri: str) -> int:
        """Where a page (generated or the engine's) goes in the render order."""
        return self.order.get(src_uri, -1)

    def page_markdown(self, src_uri: str, markdown: str) -> str:
        """A hand-written page's Markdown with our markers filled (the start
        page's key figures)."""
        if KEY_FIGURES_MARKER in markdown:
            figures = self.generator.key_figures(src_uri) if self.generator is not None else ""
            markdown = markdown.replace(KEY_FIGURES_MARKER, figures)
        return markdown

    # -- 2. while the engine renders --------------------------------------------
    def begin_render(self, engine_digest: str) -> dict[str, Path]:
        """What the engine adds to every page (nav, config, theme, versions),
        as a digest: with each page's input digest, the key of the page cache.

        Returns the pages the engine need not render at all, src_uri -> the
        finished file to publish as it is: pages outside the nav whose key an
        earlier build stored. Running a site engine's page pipeline on a page
        that did not change (Markdown, template, writing) cost 2 ms a page,
        11 s of a one-file rebuild at 5,000 projects. Their search documents
        are known by digest and made only if their part must be indexed again.
        """
        self.engine_digest = engine_digest
        finished: dict[str, Path] = {}
        if self.preview_problems:
            return finished
        self.page_cache.remember_engine(engine_digest)
        for src_uri, page in list(self.pages.items()):
            if page.role not in (Role.ITEM, Role.HIDDEN):
                continue  # the nav's pages are drawn with the nav: the engine renders them
            key = self._cache_key(src_uri)
            search = self.page_cache.search_document(key) if page.searchable else None
            if page.searchable and search is None:
                continue
            path = self.page_cache.finished(key, seen=key in self._seen_finished)
            if path is None:
                continue
            if search is not None:
                digest, title = search
                self.page_cache.record_search(key, digest, title)
                self.search_index.add_known(page.dest_uri, digest,
                                            functools.partial(self._search_document, page, title))
            finished[src_uri] = path
            del self.pages[src_uri]
        for page in self.pages.values():
            page.pack()  # the engine renders it: packed until then (the engine changed, say)
        self.finished_pages = len(finished)
        return finished

    def _search_document(self, page: Page, title: str) -> bytes:
        """A page's staged search document, as :meth:`page_rendered` makes it."""
        html = mark_for_search(page.fill(""), page.filters, self.compound_terms.get(page.src_uri, ""))
        return self.search_index.document(title, html)

    def _cache_key(self, src_uri: str) -> str | None:
        digest = self.digests.get(src_uri)
        if digest is None or self.engine_digest is None:
            return None
        return PageCache.key(self.engine_digest, digest, src_uri)

    def cached_page(self, src_uri: str) -> str | None:
        """The finished page from an earlier build with the same inputs, or None."""
        if self.preview_problems:
            return None
        key = self._cache_key(src_uri)
        return self.page_cache.get(key) if key is not None else None

    def page_written(self, src_uri: str, dest_uri: str, html: str, site_file: Path | None = None) -> bool:
        """The engine's finished page: kept for the next build, and read by
        the publish gate's workers while the engine goes on. With
        ``site_file`` (where the engine would write it), True when a worker
        publishes it there: the engine must not write it then, and
        :meth:`pages_published` waits for it."""
        key = self._cache_key(src_uri)
        keep = self.page_cache.place(key) if key is not None else None
        # A worker that reads the page also stores it and publishes it as the
        # cache's file (writing 5,000 files twice was seconds of this process's time).
        handed = self.gate is not None and self.gate.page(dest_uri, html, keep, site_file)
        if keep is not None and not handed:
            self.page_cache.put(key, html)
        published = handed and site_file is not None
        if keep is not None and self.session is not None and not published:
            self._written.append((dest_uri, keep))
        return published

    def pages_published(self) -> None:
        """Wait until the workers have written every page :meth:`page_written`
        left to them: an adapter calls this before anything reads the site."""
        if self.gate is not None:
            try:
                self.gate.publish()
            except OSError as exc:
                raise BuildError(f"Sidorna kunde inte skrivas till {exc.filename or 'webbplatsen'}: "
                                 f"{os_error(exc)}") from None

    def page_rendered(self, src_uri: str, dest_uri: str, title: str, html: str) -> str:
        """The page's content HTML as published: a generated page's own HTML
        replaces the engine's (which held only a marker), marked for search."""
        page = self.pages.pop(src_uri, None)  # each page's HTML is needed once: memory stays flat
        if page is not None:
            html = page.fill(html)
        if self.preview_problems:
            # Our stand-ins already list the problems; the engine's own pages get the banner.
            return html if page is not None else error_banner(self.preview_problems) + html
        with self.timings.phase("sökmärkning"):
            searchable = page.searchable if page is not None else True
            if not searchable:
                return html
            filters = page.filters if page is not None else PAGE_FILTERS
            html = mark_for_search(html, filters, self.compound_terms.get(src_uri, ""))
            digest = self.search_index.add(dest_uri, title or "", html)
            key = self._cache_key(src_uri) if page is not None else None
            if key is not None:
                self.page_cache.record_search(key, digest, title or "")
        return html

    def hold(self, src_uri: str, html: str) -> str:
        """A marker for the engine to keep as the page's content until it
        writes the page (:meth:`restore` puts the content back in its place).
        MkDocs converts every page before it writes any, and keeps each
        page's content to the end of the build: about 200 MB at 10,000
        projects, held here compressed in a fifth of that and only until the
        page is written. Themes may test the content for a heading (material
        adds an <h1> to a page without one): the marker keeps that answer."""
        self._held[src_uri] = zlib.compress(html.encode("utf-8"), 1)
        return HELD_MARK_H1 if "<h1" in html else HELD_MARK

    def restore(self, src_uri: str, output: str) -> str:
        """The engine's finished page with the held content in its place."""
        data = self._held.pop(src_uri, None)
        if data is None:
            return output
        html = zlib.decompress(data).decode("utf-8")
        return output.replace(HELD_MARK_H1, html).replace(HELD_MARK, html)

    def headings(self, src_uri: str):
        """A generated page's contents list, (level, id, title HTML) in
        document order; None for pages the engine renders itself."""
        page = self.pages.get(src_uri)
        return page.headings if page is not None else None

    # -- 3. after the engine wrote the site -------------------------------------
    def finish(self, site_dir: Path) -> FinishReport:
        """Publish the search indexes and run the publish gate. Raises
        :class:`BuildError`."""
        try:
            return self._finish(Path(site_dir))
        finally:
            self._stop_workers()
            self._settled.set()
            if not self._search_later:
                self._unlock()

    def _finish(self, site_dir: Path) -> FinishReport:
        report = FinishReport(self.timings)
        if self.preview_problems:
            return report  # a preview of broken content: nothing to index or publish
        findings = []
        search_folder = None
        if self.session is None:
            # The gate reads the site but its search folder while Pagefind
            # finishes the last parts (a cold build at 5,000 projects waited
            # for them with a core idle, and read the site after), and the
            # search folder once it is published.
            search_folder = pagefind_index.OUTPUT_SUBDIR
            self.search_index.close()
            with self.timings.phase("publiceringsspärr"):
                findings = self.gate.scan(site_dir, self.clean_files, leave_out=search_folder)
        with self.timings.phase("pagefind"):
            try:
                if self.session is not None:
                    self._search_later = True
                    self.session.search_pending(self.search_index.finish_later(
                        site_dir, self._search_published, self._settled))
                else:
                    report.pagefind = self.search_index.finish(site_dir).as_dict()
            except pagefind_index.PagefindError as exc:
                raise BuildError(str(exc)) from None
            finally:
                self.search_index = None
        with self.timings.phase("publiceringsspärr"):
            try:
                findings += self.gate.scan(site_dir, self.clean_files, only=search_folder)
                publish_gate.finish_check(site_dir, sorted(findings, key=publish_gate.finding_order),
                                          self.clean_files)
            except publish_gate.PublishGateError as exc:
                raise BuildError(exc.message) from None
        if self._written:
            # A preview's next build keeps the pages that are the cache's very
            # files (KeptSite.put_back): the engine's pages become so.
            # The workers have stored them by now (the gate waited for them).
            for dest_uri, keep in self._written:
                share_file(site_dir / dest_uri, keep)
            self._written = []
        if self.report_pdfs:
            # From the pages the gate has just passed, reading only the site's files.
            with self.timings.phase("rapport-pdf"):
                try:
                    report.pdf = report_pdf.make_pdfs(site_dir, self.report_pdfs, self.cache_dir,
                                                      self.settings.site_url).as_dict()
                except report_pdf.PdfError as exc:
                    raise BuildError(exc.message) from None
        removed = self.page_cache.prune() if self.engine_digest is not None else 0
        self.timings.counts.update(pagefind=report.pagefind, rapport_pdf=report.pdf,
                                   sidcache=dict(träffar=self.page_cache.hits, missar=self.page_cache.misses,
                                                 borttagna=removed, färdiga=self.finished_pages))
        self.timings.report()
        return report

    def _search_published(self, report, error: Exception | None) -> None:
        """A preview's search index is in place (or failed): the cache is free."""
        self._unlock()
        if getattr(error, "interrupted", False):
            return  # the server is stopping: Ctrl-C reached Pagefind too
        if error is not None:
            print(f"metodbank: sökindexet i förhandsvisningen kunde inte byggas: {error}", file=sys.stderr,
                  flush=True)

    def abandon(self) -> None:
        """Stop the background work of a failed build."""
        if self.search_index is not None:
            self.search_index.abandon()
            self.search_index = None
        self._stop_workers()
        self._unlock()

    def _start_workers(self, gate_setup: tuple, content_paths: set[str]) -> None:
        """The worker pool: the publish gate's reading and the bodies, whose
        links may point to ``content_paths`` (a preview server keeps its pool
        while these stay the same)."""
        setups = [gate_setup, (body.start_worker, (self.root, content_paths))]
        self.workers = self.session.workers(setups) if self.session is not None else worker_pool.start(setups)

    def _stop_workers(self) -> None:
        self.gate = None
        workers, self.workers = self.workers, None
        if workers is not None and self.session is None:  # a preview server keeps them for its next build
            workers.shutdown(wait=True, cancel_futures=True)



KEY_FIGURES_MARKER = "<!-- metodbank:nyckeltal -->"
# What the engine holds in place of a page's content (see SiteBuild.hold).
HELD_MARK = "<!-- metodbank:innehåll -->"
HELD_MARK_H1 = "<!-- metodbank:innehåll <h1 -->"


def content_folders(settings: Settings) -> list[Path]:
    """The content folders a preview server should watch."""
    root = Path(settings.innehall)
    return [root / folder for folder in FOLDERS if (root / folder).is_dir()]
