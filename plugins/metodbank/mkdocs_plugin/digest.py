"""What MkDocs and the theme add to every page, as one digest.

With a page's own ``input_digest`` (the core's), it keys the page cache
(``metodbank/pagecache.py``): a page is taken from the cache only when
neither its own inputs nor anything the engine wraps around it changed.

It is computed from the files, before MkDocs builds the nav, because the
pages that need no rendering must leave MkDocs' page pipeline in
``on_files``. The nav is a function of the config's ``nav`` and of the pages
it may show: their paths, inclusion and sources (a page's title is in its
source). Pages outside the nav (every project, metod, systemfel …) are not
part of it, so editing one changes no other page's key.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

# Distributions whose code shapes a page's HTML.
_DISTRIBUTIONS = ("mkdocs", "properdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2",
                  "metodbank")
# Config values the theme prints or that change URLs; the config file's own
# bytes cover the rest as written, these cover what !ENV and defaults resolve.
_CONFIG_KEYS = ("site_name", "site_url", "site_description", "site_author", "repo_url", "repo_name",
                "edit_uri", "copyright", "extra", "extra_css", "extra_javascript", "extra_templates",
                "use_directory_urls", "markdown_extensions", "mdx_configs")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def distribution_versions() -> list[str]:
    """``name=version`` of each distribution whose code shapes a page."""
    return [f"{name}={_version(name)}" for name in _DISTRIBUTIONS]


def engine_digest(config, files) -> str:
    h = hashlib.sha256()

    def add(*parts) -> None:
        for part in parts:
            h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
            h.update(b"\0")

    add(*distribution_versions())
    add(Path(config.config_file_path).read_bytes())
    for key in _CONFIG_KEYS:
        add(key, config.get(key))
    add("theme", config.theme.name, sorted((k, repr(v)) for k, v in config.theme.items()))
    # The theme's templates and our overrides, by content: a custom_dir edit
    # changes every page.
    for folder in config.theme.dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            add(path.relative_to(folder).as_posix(), path.read_bytes())
    add("nav", config.nav)
    for file in files.documentation_pages():
        if not file.inclusion.is_not_in_nav():
            add(file.src_uri, file.url, file.inclusion.name, file.content_bytes)
    return h.hexdigest()
