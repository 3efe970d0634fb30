"""``metodbank`` MkDocs plugin: a thin adapter over the core build
(:mod:`metodbank.build`).

MkDocs refuses a ``docs_dir`` that is the config's own folder, so the
content folders (``projekt/``, ``metoder/``, ``systemfel/``) live beside
``docs/`` and the core's pages are added in ``on_files`` as generated files.
This module maps the core's roles to MkDocs' inclusion levels and its errors
to ``PluginError``; everything else is the core's.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from ..build import ASSET_DIR, ASSETS, BuildError, ContentError, Role, SiteBuild, content_folders
from ..settings import SettingsError, read_settings
from .config import MetodbankConfig
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

    def on_shutdown(self):
        # MkDocs keeps plugin instances between runs in one process.
        self.previewing = False

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("metodbank: use_directory_urls måste vara på (sidorna länkar till /projekt/<slug>/)")
        try:
            # The core's reader: the command line reads the same file the same way.
            self.settings = read_settings(Path(config.config_file_path))
        except SettingsError as exc:
            raise PluginError(str(exc)) from None
        self.build = None
        # No web fonts from Google (every visitor's IP address would go there):
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
        self.build = SiteBuild(self.settings, self.settings.innehall / ".cache" / "metodbank",
                               docs_dir=Path(config.docs_dir))
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
        return Files(sorted(files, key=lambda f: self.build.render_order(f.src_uri)))

    def on_nav(self, nav, config, files):
        self.build.begin_render(engine_digest(config, nav))
        self.cached: dict[str, str] = {}
        return nav

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
        return self.build.page_rendered(page.file.src_uri, page.file.dest_uri, page.title or "", html)

    def on_post_page(self, output, page, config):
        cached = self.cached.pop(page.file.src_uri, None)
        if cached is not None:
            return cached
        self.build.page_written(page.file.src_uri, page.file.dest_uri, output)
        return output

    def on_post_build(self, config):
        try:
            self.build.finish(Path(config.site_dir))
        except BuildError as exc:
            raise PluginError(exc.message) from None

    def on_build_error(self, error):
        if getattr(self, "build", None) is not None:
            self.build.abandon()

    def on_serve(self, server, config, builder):
        # Reload the preview when any content file changes, not only docs/.
        for folder in content_folders(self.settings):
            server.watch(str(folder))
        return server


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
