"""``metodbank`` MkDocs plugin: a thin adapter over the core build
(:mod:`metodbank.build`).

MkDocs refuses a ``docs_dir`` that is the config's own folder, so the
content folders (``projekt/``, ``metoder/``, ``systemfel/``) live beside
``docs/`` and the core's pages are added in ``on_files`` as generated files.
This module maps the core's roles to MkDocs' inclusion levels and its errors
to ``PluginError``, and fits the incremental build to MkDocs: pages the core
found finished leave MkDocs' page pipeline as linked files (with their place
in the sitemap and links to them quiet), and MkDocs holds a marker instead
of each page's content until it writes the page. Everything else is the core's.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date

from ..build import (ASSET_DIR, ASSETS, BuildError, ContentError, KeptSite, PreviewSession, Role, SiteBuild,
                     content_folders, link_afresh)
from ..settings import SettingsError, read_settings
from .config import MetodbankConfig
from . import compiled_templates, nav_memo
from .digest import engine_digest

log = logging.getLogger("mkdocs.plugins.metodbank")

# theme_overrides/metodbank-cachad.html: renders nothing (see on_post_page).
CACHED_TEMPLATE = "metodbank-cachad.html"

# Item pages never enter the nav: mkdocs-material draws the whole nav into every page.
_INCLUSION = {
    Role.SECTION: InclusionLevel.UNDEFINED,
    Role.FILE: InclusionLevel.UNDEFINED,
    Role.ITEM: InclusionLevel.NOT_IN_NAV,
    Role.HIDDEN: InclusionLevel.NOT_IN_NAV,
}


class MetodbankPlugin(BasePlugin[MetodbankConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command, dirty):
        # A preview (mkdocs serve) shows content errors on the page instead of stopping.
        self.previewing = command == "serve"
        # --dirty keeps the last site's files, some of them links into the page cache.
        self.dirty = dirty
        # MkDocs keeps this instance for all of the server's builds: so does the core's memory.
        self.session = PreviewSession() if self.previewing else None

    def on_shutdown(self):
        # MkDocs keeps plugin instances between runs in one process.
        self.previewing = False
        session, self.session = getattr(self, "session", None), None
        if session is not None:
            session.close()

    def on_pre_build(self, config):
        if getattr(self, "session", None) is not None:
            # The last preview build may still publish its search index into the site MkDocs cleans next.
            self.session.wait()
        self.kept_site = KeptSite()
        if not getattr(self, "dirty", False):
            # MkDocs empties the site next: the last build's finished pages are put back in on_files.
            self.kept_site.set_aside(Path(config.site_dir))

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("metodbank: use_directory_urls måste vara på (sidorna länkar till /projekt/<slug>/)")
        try:
            # The core's reader: the command line reads the same file the same way.
            self.settings = read_settings(Path(config.config_file_path))
        except SettingsError as exc:
            raise PluginError(str(exc)) from None
        self.build = None
        self.finished = {}
        # No web fonts from Google (every visitor's IP address would go there):
        # a page of the bank loads nothing from another host.
        if config.theme.name == "material":
            config.theme["font"] = False
        # Our theme overrides (the header search box) take precedence over the theme's.
        self.overrides = overrides = str(resources.files("metodbank").joinpath("theme_overrides"))
        if overrides not in config.theme.dirs:
            config.theme.dirs.insert(0, overrides)
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if f"{ASSET_DIR}/{name}" not in target:
                target.append(f"{ASSET_DIR}/{name}")
        return config

    def on_files(self, files: Files, config) -> Files:
        self.build = SiteBuild(self.settings, self.settings.innehall / ".cache" / "metodbank",
                               docs_dir=Path(config.docs_dir), session=getattr(self, "session", None))
        engine_pages = {f.src_uri: f.dest_uri for f in files.documentation_pages()}
        try:
            if getattr(self, "previewing", False):
                missing = [uri for uri in _nav_pages(config.nav) if uri not in engine_pages]
                outputs = self.build.prepare_preview(engine_pages, missing)
            else:
                outputs = self.build.prepare(engine_pages)
        except ContentError as exc:
            raise PluginError(exc.message) from None
        for problem in self.build.preview_problems:
            log.warning(problem.format())
        for output in outputs:
            existing = files.get_file_from_path(output.src_uri)
            if existing is not None:
                files.remove(existing)
            source = {"content": output.content} if output.content is not None else {"abs_src_path": str(output.path)}
            files.append(File.generated(config, output.src_uri, inclusion=_INCLUSION[output.role], **source))
        # Pages render in the core's order, so finished search parts index meanwhile.
        files = Files(sorted(files, key=lambda f: self.build.render_order(f.src_uri)))
        self.finished = self.build.begin_render(engine_digest(config, files))
        finished = {}
        for src_uri, path in self.finished.items():
            # An unchanged page outside the nav is published as the file it
            # was; its Markdown page stays, excluded, so links to it resolve.
            page = files.get_file_from_path(src_uri)
            page.inclusion = InclusionLevel.EXCLUDED
            finished[page.dest_uri] = str(path)
        kept_site = getattr(self, "kept_site", None)
        in_place = kept_site.put_back(Path(config.site_dir), finished) if kept_site is not None else set()
        for dest_uri, path in finished.items():
            file = _FinishedPage.generated(config, dest_uri, abs_src_path=path)
            file.in_place = dest_uri in in_place
            files.append(file)
        self.files = files
        self.cached: dict[str, str] = {}
        _LINKS_TO_FINISHED.src_uris = set(self.finished)
        return files

    def on_env(self, env, config, files):
        # Pages outside the nav share one drawing of it (see nav_memo.py).
        self.nav_memo = nav_memo.install(env, config, self.overrides)
        if self.build is not None:
            compiled_templates.install(env, self.build.cache_dir)  # not compiled in every build
        return env

    def on_template_context(self, context, template_name, config):
        if template_name == "sitemap.xml" and self.build is not None and self.finished:
            # The finished pages are published like any other: the sitemap lists them in their place.
            pages = []
            entry = _SitemapEntries(config.site_url, get_build_date())
            for file in self.files.documentation_pages(inclusion=lambda level: True):
                if file.src_uri in self.finished:
                    pages.append(entry(file))
                elif file.inclusion.is_included():
                    pages.append(file)
            context["pages"] = pages
        return context

    def on_page_markdown(self, markdown, page, config, files):
        # Pagefind is the site's search. mkdocs-material's search plugin stays
        # enabled only for its header search box; keep every page out of its
        # single-file index (50 MB at 5,000 projects).
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        cached = self.build.cached_page(page.file.src_uri)
        if cached is not None:
            # Rendered before with the same inputs: the theme has nothing to do.
            self.cached[page.file.src_uri] = cached
            page.meta["template"] = CACHED_TEMPLATE
        return self.build.page_markdown(page.file.src_uri, markdown)

    def on_page_content(self, html, page, config, files):
        headings = self.build.headings(page.file.src_uri)
        if headings is not None:
            # The engine saw only a marker: the contents list comes from the core.
            page.toc = get_toc(_toc_tokens(headings))
        html = self.build.page_rendered(page.file.src_uri, page.file.dest_uri, page.title or "", html)
        # MkDocs keeps every page's content to the end of the build: it keeps a marker.
        return self.build.hold(page.file.src_uri, html)

    def on_post_page(self, output, page, config):
        if getattr(self, "dirty", False):
            # MkDocs writes into the file that is there; if it is a finished
            # page linked from the cache, that would rewrite the cache's copy.
            Path(page.file.abs_dest_path).unlink(missing_ok=True)
        output = self.build.restore(page.file.src_uri, output)
        cached = self.cached.pop(page.file.src_uri, None)
        if cached is not None:
            return cached
        if self.build.page_written(page.file.src_uri, page.file.dest_uri, output, Path(page.file.abs_dest_path)):
            # A worker publishes the page as the page cache's file; the engine
            # writes nothing for an empty output (and says so, quietly: see _QUIET).
            _QUIET.src_uris.add(page.file.src_uri)
            return ""
        return output

    def on_post_build(self, config):
        _LINKS_TO_FINISHED.src_uris = set()
        _QUIET.src_uris = set()
        memo = getattr(self, "nav_memo", None)
        if memo is not None:
            self.build.timings.counts["navminne"] = {"ritningar": len(memo.drawings), "återanvända": memo.hits}
        try:
            # Every page on disk before anything reads the site. (A plugin that
            # reads pages in its own on_post_build comes after this one in
            # mkdocs.yml, as every plugin that reads our pages' HTML must: see
            # on_post_page. CombinedEvent could order it, but ProperDocs does
            # not know MkDocs' class.)
            self.build.pages_published()
            self.build.finish(Path(config.site_dir))
        except BuildError as exc:
            raise PluginError(exc.message) from None

    def on_build_error(self, error):
        _LINKS_TO_FINISHED.src_uris = set()
        _QUIET.src_uris = set()
        if getattr(self, "kept_site", None) is not None:
            self.kept_site.discard()
        if getattr(self, "build", None) is not None:
            self.build.abandon()

    def on_serve(self, server, config, builder):
        # Reload the preview when any content file changes, not only docs/.
        for folder in content_folders(self.settings):
            server.watch(str(folder))
        return server


class _FinishedPage(File):
    """A page published as an earlier build rendered it: hard-linked from the
    page cache, not copied (copying 5,000 pages took 2–4 s on an ext4 disk;
    creating their folders is most of what remains). The target is replaced,
    never written through, so the cache's copy cannot change."""

    in_place = False  # the last build published it, and it is still right (KeptSite.put_back)

    def copy_file(self, dirty: bool = False) -> None:
        if not self.in_place:
            link_afresh(self.abs_src_path, self.abs_dest_path)


class _NotesOnPages(logging.Filter):
    """Drops the engine's notes (``pattern``, the page's path its group) about
    the pages in ``src_uris``, which the engine sees differently than it
    publishes them."""

    def __init__(self, pattern: str):
        super().__init__()
        self.pattern = re.compile(pattern)
        self.src_uris: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.src_uris:
            return True
        found = self.pattern.search(record.getMessage())
        return found is None or found.group(1) not in self.src_uris


# MkDocs notes every link to an excluded page; a finished page is excluded
# from MkDocs' pipeline only, and is published.
_LINKS_TO_FINISHED = _NotesOnPages(r"contains a link to '(.+)' which is excluded from the built site\.$")
# The engine notes every page whose output is empty; a page a worker
# publishes is handed back empty only so that the engine does not write it too.
_QUIET = _NotesOnPages(r"^Page skipped: '(.+)'\. Generated empty output\.$")
for _engine in ("mkdocs", "properdocs"):
    logging.getLogger(f"{_engine}.structure.pages").addFilter(_LINKS_TO_FINISHED)
    logging.getLogger(f"{_engine}.commands.build").addFilter(_QUIET)


class _SitemapEntries:
    """What the engine's sitemap template reads of a page (``file.page``),
    as MkDocs' ``Page`` sets it, for finished pages, which have no Page:
    making one per page only for the sitemap cost 0.9 s at 5,000 projects.
    The warm = cold tests compare the sitemap byte for byte."""

    def __init__(self, site_url: str | None, date: str):
        self.date = date
        self.base = (site_url if site_url.endswith("/") else site_url + "/") if site_url else None
        # A plain page URL joins by appending, when the address joins so (urljoin was half the cost).
        self.plain = self.base is not None and urljoin(self.base, "a/b/") == self.base + "a/b/"
        self.base_path = urlsplit(self.base).path if self.base else None

    def __call__(self, file: File) -> SimpleNamespace:
        url = file.url
        if self.base is None:
            canonical = absolute = None
        elif self.plain and not _UNPLAIN_URL.search(url):
            canonical, absolute = self.base + url, self.base_path + url
        else:
            canonical = urljoin(self.base, url)
            absolute = urlsplit(canonical).path
        return SimpleNamespace(page=SimpleNamespace(is_link=False, canonical_url=canonical, abs_url=absolute,
                                                    update_date=self.date))


# What urljoin would resolve or split rather than append: a scheme, a root, dot segments, a query.
_UNPLAIN_URL = re.compile(r"^/|:|[?#]|(^|/)\.\.?(/|$)")


def _nav_pages(nav) -> list[str]:
    """Every page path the nav in mkdocs.yml names."""
    found = []
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found += _nav_pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            found.append(value)
    return found


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
