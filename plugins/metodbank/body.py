"""An author's Markdown body, rendered to HTML by the core.

The body used to go through the site engine's Markdown converter between two
HTML comment markers, and the generated HTML was swapped in around it
afterwards: a body holding one of those comments moved the boundary, and the
HTML was published as written. Now the core renders the body itself,
sanitises it (:mod:`.sanitise`) and joins it with the generated HTML, so
the engine receives a finished page and nothing in a content file can reach
the page unfiltered.

The checker renders the same way (without link rewriting) to compare the
HTML with its sanitised form and to find the links it must resolve.
"""

from __future__ import annotations

import functools
import html
import importlib.metadata as metadata
import posixpath
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import sanitise as allow_list
from .files import code_digest
from .kinds import FOLDERS
from .sanitise import is_site_relative, sanitise

# The extensions a body is written with: MkDocs' built-ins (toc, tables,
# fenced_code) and the ones the site has always enabled for content.
EXTENSIONS = ("tables", "fenced_code", "attr_list", "md_in_html", "admonition", "toc")
EXTENSION_CONFIGS = {
    # align="…" rather than style="text-align: …": no style attribute is allowed.
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": False},
}


@dataclass(frozen=True)
class Heading:
    """One entry of a page's contents list."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Link:
    """A relative link or image in a body, as written."""

    url: str
    image: bool


@dataclass
class RenderedBody:
    html: str
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


# A resolver maps a link's path, relative to the bank root (e.g.
# "metoder/ips.md"), to its site path ("metoder/ips/"), or None when the
# target does not exist.
Resolver = Callable[[str], "str | None"]


def link_target(url: str, source: str) -> str | None:
    """The bank path a relative link in ``source`` (e.g. ``projekt/x.md``)
    points to, or None for links that leave the bank's files alone
    (absolute URLs, ``mailto:``, fragments, site-absolute paths)."""
    url = html.unescape(url)  # the attribute as the browser reads it: "javascript&#58;" is "javascript:"
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    if not is_site_relative(url):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
    return joined


CONTENT_FOLDERS = FOLDERS
DOCS = "docs"


def site_path(target: str, exists: Callable[[str], bool]) -> str | None:
    """Where a bank path is published, or None when nothing is published there.

    ``metoder/ips.md`` → ``metoder/ips/``; ``metoder`` → ``metoder/`` (the
    listing); ``docs/bidra.md`` → ``bidra/``; ``docs/bilder/a.png`` →
    ``bilder/a.png``. ``exists`` says whether a bank path is a file.
    """
    target = target.rstrip("/")
    if target in CONTENT_FOLDERS:
        return f"{target}/"
    folder, _, name = target.partition("/")
    if folder in CONTENT_FOLDERS and "/" not in name and name.endswith(".md"):
        return f"{folder}/{name[:-3]}/" if exists(target) else None
    if folder == DOCS and name and exists(target):
        if name.endswith(".md"):
            page = name[:-3]
            if page == "index" or page.endswith("/index"):
                page = page[: -len("index")].rstrip("/")
            return f"{page}/" if page else "./"
        return name
    return None


@functools.lru_cache(maxsize=1)
def version() -> str:
    """What the rendering depends on besides its input: the Markdown and
    sanitiser versions and our allow-list. Caches of rendered bodies key by it."""
    def canonical(mapping) -> str:  # sets in a stable order: the key must not vary with the hash seed
        return repr(sorted((key, canonical(value) if isinstance(value, dict) else sorted(value))
                           for key, value in mapping.items()))

    parts = [metadata.version("markdown"), metadata.version("nh3"), repr(EXTENSIONS), repr(EXTENSION_CONFIGS),
             repr(sorted(allow_list.TAGS)), canonical(allow_list.ATTRIBUTES), canonical(allow_list.ATTRIBUTE_VALUES),
             repr(sorted(allow_list.URL_SCHEMES)), repr(sorted(allow_list.ADMONITION_CLASSES)), code_digest()]
    return "|".join(parts)


def file_exists(root, content: set[str]) -> Callable[[str], bool]:
    """Whether a bank path exists: a content file among ``content``
    (``metoder/ips.md``) or a file under docs/. The checker and the build
    resolve links with the same answer."""
    root = Path(root)

    def exists(target: str) -> bool:
        if target.startswith(f"{DOCS}/"):
            return (root / target).is_file()
        return target in content

    return exists


class _Links(Treeprocessor):
    """Collects relative links and images; with a resolver, rewrites them to
    the page's site URL (as MkDocs does for .md links in docs/)."""

    def __init__(self, md, owner: "_Renderer"):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        job = self.owner.job
        for element in root.iter():
            attribute = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            url = element.get(attribute) if attribute else None
            if not url:
                continue
            target = link_target(url, job.source)
            if target is None:
                continue
            job.links.append(Link(url, element.tag == "img"))
            if job.resolve is not None:
                resolved = job.resolve(target)
                if resolved is not None:
                    fragment = urlsplit(url.strip()).fragment
                    element.set(attribute, job.base + resolved + (f"#{fragment}" if fragment else ""))


class _ReservedIds(Treeprocessor):
    """Renames body heading ids that the page's generated sections already
    use (an author's "## Resultat" next to the generated "Resultat"), so
    every anchor on the page is unique. Runs after the toc extension."""

    def __init__(self, md, owner: "_Renderer"):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        reserved = self.owner.job.reserved_ids
        if not reserved:
            return
        renamed = {}
        for element in root.iter():
            old = element.get("id")
            if old and old in reserved:
                new, number = f"{old}-text", 1
                while new in reserved:
                    number += 1
                    new = f"{old}-text-{number}"
                reserved = reserved | {new}
                element.set("id", new)
                renamed[old] = new
        if renamed:
            _rename_tokens(self.md.toc_tokens, renamed)


def _rename_tokens(tokens: list, renamed: dict) -> None:
    for token in tokens:
        token["id"] = renamed.get(token["id"], token["id"])
        _rename_tokens(token["children"], renamed)


@dataclass
class _Job:
    source: str
    resolve: Resolver | None
    base: str
    reserved_ids: frozenset
    links: list = field(default_factory=list)


class _Hooks(Extension):
    def __init__(self, owner: "_Renderer"):
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_Links(md, self.owner), "metodbank-links", 3)
        md.treeprocessors.register(_ReservedIds(md, self.owner), "metodbank-ids", 4)


class _Renderer:
    """One Markdown instance, reused (building one costs far more than a reset)."""

    def __init__(self):
        self.job: _Job | None = None
        self.md = markdown.Markdown(extensions=[*EXTENSIONS, _Hooks(self)], extension_configs=EXTENSION_CONFIGS,
                                    output_format="html")

    def convert(self, text: str, job: _Job) -> tuple[str, list]:
        self.job = job
        try:
            self.md.reset()
            html = self.md.convert(text)
            return html, list(self.md.toc_tokens)
        finally:
            self.job = None


_local = threading.local()


def _renderer() -> _Renderer:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = _Renderer()
    return renderer


def _headings(tokens: list) -> list[Heading]:
    found = []
    for token in tokens:
        found.append(Heading(token["level"], token["id"], token["name"]))
        found.extend(_headings(token["children"]))
    return found


def render_raw(text: str, source: str) -> RenderedBody:
    """The body as Markdown renders it, before sanitising (for the checker)."""
    job = _Job(source, None, "", frozenset())
    html, tokens = _renderer().convert(text, job)
    return RenderedBody(html, _headings(tokens), job.links)


def render(text: str, source: str, resolve: Resolver | None = None, base: str = "",
           reserved_ids: frozenset = frozenset()) -> RenderedBody:
    """The body as published: rendered, links resolved against the bank
    (``base`` leads from the page back to the site root), heading ids kept
    clear of ``reserved_ids``, and sanitised."""
    job = _Job(source, resolve, base, frozenset(reserved_ids))
    html, tokens = _renderer().convert(text, job)
    return RenderedBody(sanitise(html), _headings(tokens), job.links)


# -- in a worker process (see worker_pool): the same rendering -------------------

_worker_exists: Callable[[str], bool] | None = None


def start_worker(root, content: set[str]) -> None:
    """A worker's setup: which bank paths links may point to (as the
    build's :func:`file_exists`)."""
    global _worker_exists
    _worker_exists = file_exists(root, content)


def render_in_worker(jobs: list[tuple[str, str, str, frozenset]]) -> list[RenderedBody]:
    """:func:`render` for each ``(text, source, base, reserved_ids)``, links
    resolved with :func:`site_path` as the build resolves them."""
    def resolve(target: str) -> str | None:
        return site_path(target, _worker_exists)

    return [render(text, source, resolve=resolve, base=base, reserved_ids=reserved)
            for text, source, base, reserved in jobs]
