"""``metodbank`` MkDocs plugin: a thin adapter over the core.

MkDocs refuses a ``docs_dir`` that is the config's own folder, so the
content folders (``projekt/``, ``metoder/``, ``systemfel/``) live beside
``docs/`` and their pages are added in ``on_files`` as generated files.
Nothing here knows the content model beyond calling the core.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from ..bank import FOLDERS, load_bank
from ..derive import derive
from .. import schema
from ..exports import data_files
from ..search import bygg as whoosh_build
from ..search.errors import SearchError
from ..search.related import related
from ..site import catalogue, pagefind, pagefind_index
from ..site.compounds import compound_terms
from ..site.pages import Generator, SiteOptions
from ..timing import Timings
from ..vokabular import Vocabularies
from .config import MetodbankConfig

log = logging.getLogger("mkdocs.plugins.metodbank")

KEY_FIGURES_MARKER = "<!-- metodbank:nyckeltal -->"
ASSETS = ("metodbank.css", "metodbank.js", "hitta.js")  # loaded on every page
PAGE_ASSETS = ("sok.js", "formular.js", "formular.css")  # loaded by the one page that needs it
ASSET_DIR = "assets/metodbank"
# Generated files above this many characters are staged on disk. The example
# bank's projekt.json is one, so every test build takes that path too.
LARGE_FILE = 32_000


class MetodbankPlugin(BasePlugin[MetodbankConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("metodbank: use_directory_urls måste vara på (sidorna länkar till /projekt/<slug>/)")
        base = Path(config.config_file_path).parent
        self.root = (base / self.config.innehall) if self.config.innehall else base
        self.vocab = Vocabularies.from_config(self.config.vokabular)
        self.cache_dir = self.root / ".cache" / "metodbank"
        self.search_job = None
        # No web fonts from Google (every visitor's IP address would go there);
        # a page of the bank loads nothing from another host.
        if config.theme.name == "material":
            config.theme["font"] = False
        # Our theme overrides (the header search box) take precedence over the theme's.
        overrides = str(resources.files("metodbank").joinpath("theme_overrides"))
        if overrides not in config.theme.dirs:
            config.theme.dirs.insert(0, overrides)
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if f"{ASSET_DIR}/{name}" not in target:
                target.append(f"{ASSET_DIR}/{name}")
        return config

    def on_files(self, files: Files, config) -> Files:
        self.timings = Timings()
        with self.timings.phase("kontroll"):
            bank = load_bank(self.root, self.vocab, progress=self.timings.counter, cache_dir=self.cache_dir)
        self.timings.counts.update(filer=bank.files, cache_träffar=bank.cache_hits, cache_missar=bank.cache_misses)
        if not bank.ok:
            listing = "\n".join(p.format() for p in bank.problems.sorted())
            raise PluginError(
                f"Innehållet har {len(bank.problems.errors)} fel – rätta dem och bygg igen:\n{listing}"
            )
        for problem in bank.problems.warnings:
            log.info(problem.format())
        # The Whoosh index builds in its own process on the other core while
        # MkDocs renders; it reads the content cache load_bank just wrote.
        self.search_job = whoosh_build.start(self.root, self.cache_dir / "sok", config.config_file_path)
        with self.timings.phase("korsindex"):
            self.derived = derive(bank)
            # Both depend only on titles, summaries and references, which an
            # edit to a body text leaves alone: reused from the last build then.
            related_items = related(bank, cache_file=self.cache_dir / "liknande.pickle")
            self.compound_terms = compound_terms(self.derived, cache_file=self.cache_dir / "sammansattningar.pickle")
        parts = pagefind_index.shard_count(len(bank.projekt) + len(bank.metoder) + len(bank.systemfel),
                                           max(1, self.config.sokdel_sidor))
        self.generator = Generator(self.derived, SiteOptions(repo_url=self.config.repo_url, related=related_items,
                                                             search_bundles=pagefind_index.bundle_dirs(parts)))
        with self.timings.phase("sidor", len(bank.projekt)):
            self.pages = {page.src_uri: page for page in self.generator.pages()}
            generated = {src_uri: page.content for src_uri, page in self.pages.items()}
        with self.timings.phase("export"):
            generated.update(data_files(self.derived))
            generated["data/katalog.json"] = catalogue.render(self.derived)
        # The JSON Schema with this build's vocabularies: editors and the form (lamna-in/) read it.
        generated.update({f"schema/{name}": schema.render(kind, self.vocab) for kind, name in schema.FILE_NAMES.items()})
        for name in ASSETS + PAGE_ASSETS:
            generated[f"{ASSET_DIR}/{name}"] = resources.files("metodbank").joinpath("assets", name).read_text("utf-8")
        for src_uri, content in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            # Per-item pages are reached through the generated listings, never
            # the nav (mkdocs-material renders the whole nav into every page).
            inclusion = InclusionLevel.NOT_IN_NAV if _is_item_page(src_uri) else InclusionLevel.UNDEFINED
            if src_uri.endswith(".md") or len(content) < LARGE_FILE:
                files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))
            else:
                # Large exports wait on disk, not in memory, until MkDocs copies them
                # (100 MB less at the build's peak with 10,000 projects).
                staged = self.cache_dir / "filer" / src_uri
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_text(content, encoding="utf-8", newline="")
                files.append(File.generated(config, src_uri, abs_src_path=str(staged), inclusion=inclusion))
        return self._start_search_index(files, parts)

    def _start_search_index(self, files: Files, parts: int) -> Files:
        """Start the parted Pagefind index and order the pages part by part,
        so each part can be indexed in the background as soon as it is rendered."""
        indexed = [f for f in files.documentation_pages() if not pagefind.is_listing(f.src_uri)]
        self.search_index = pagefind_index.PartedIndex(self.cache_dir / "pagefind", parts,
                                                       [f.dest_uri for f in indexed])
        part_of = {f.src_uri: pagefind_index.shard_of(f.dest_uri, parts) for f in indexed}
        # sorted() is stable: within a part (and before all parts) the order stays.
        return Files(sorted(files, key=lambda f: part_of.get(f.src_uri, -1)))

    def on_page_markdown(self, markdown, page, config, files):
        # Pagefind is the site's search (see site/pagefind.py). mkdocs-material's
        # search plugin stays enabled only for its header search box; keep
        # every page out of its single-file index (50 MB at 5,000 projects).
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if KEY_FIGURES_MARKER in markdown:
            markdown = markdown.replace(KEY_FIGURES_MARKER, self.generator.key_figures(page.file.src_uri))
        return markdown

    def on_page_content(self, html, page, config, files):
        # Each page's HTML is needed once; letting it go keeps memory flat.
        generated = self.pages.pop(page.file.src_uri, None)
        if generated is not None:
            html = generated.fill(html)
            # The engine saw only a marker: the contents list comes from the core.
            page.toc = get_toc(_toc_tokens(generated.headings))
        with self.timings.phase("sökmärkning"):
            if pagefind.is_listing(page.file.src_uri):
                return html
            html = pagefind.wrap(html, page.file.src_uri, self.derived,
                                 self.compound_terms.get(page.file.src_uri, ""))
            self.search_index.add(page.file.dest_uri, page.title or "", html)
            return html

    def on_post_build(self, config):
        with self.timings.phase("pagefind"):
            # Pagefind's command line over staged pages, part by part (most
            # parts are already indexed by now); its service API was seen to
            # exit before finishing its writes, truncating pagefind-ui.js.
            try:
                report = self.search_index.finish(Path(config.site_dir))
            except pagefind_index.PagefindError as exc:
                raise PluginError(str(exc)) from None
            finally:
                self.search_index = None
        self.timings.counts["pagefind"] = report.as_dict()
        with self.timings.phase("whoosh"):
            try:
                stats = whoosh_build.wait(self.search_job)
                whoosh_build.publish(self.cache_dir / "sok", Path(config.site_dir))
            except SearchError as exc:
                raise PluginError(exc.message) from None
            finally:
                self.search_job = None
        self.timings.counts["whoosh"] = stats
        self.timings.report()

    def on_build_error(self, error):
        if getattr(self, "search_index", None) is not None:
            self.search_index.abandon()
            self.search_index = None
        if getattr(self, "search_job", None) is not None:
            self.search_job.kill()
            self.search_job.wait()
            self.search_job = None

    def on_serve(self, server, config, builder):
        # Reload the preview when any content file changes, not only docs/.
        for folder in FOLDERS:
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        return server


# Reached from the header's search box, not from the nav.
_OUTSIDE_NAV = {"sok/index.md"}


def _is_item_page(src_uri: str) -> bool:
    """Pages that must never enter the nav: one per item, and the search page."""
    if not src_uri.endswith(".md"):
        return False
    return src_uri in _OUTSIDE_NAV or not src_uri.endswith("index.md") or src_uri.count("/") >= 2


def _toc_tokens(headings) -> list[dict]:
    """The core's flat (level, id, title) headings nested as MkDocs' toc tokens."""
    root: list[dict] = []
    stack: list[tuple[int, list]] = [(0, root)]
    for level, anchor, title in headings:
        while stack[-1][0] >= level:
            stack.pop()
        token = {"level": level, "id": anchor, "name": title, "children": []}
        stack[-1][1].append(token)
        stack.append((level, token["children"]))
    return root
