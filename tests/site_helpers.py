"""Helpers for the tests that build the real site (``test_site_build.py``,
``test_site_browser.py`` …). The session fixtures built on them
(``site_src``, ``built_site``, ``content``, ``evil_bank``, ``evil_site``,
``site_server``, ``browser``) live in ``conftest.py``.

Every expected value these tests compare against is computed here from the
content files with ``yaml.safe_load`` – never through ``metodbank.derive`` –
so a bug in the derivation cannot hide itself.

The built HTML is read with the standard library only (``html.parser``),
into a small tree (:class:`Node`).
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS
from repo_helpers import BANK_INPUTS, MKDOCS, copy_bank
import yaml

#: What a site build needs from the repository.
SITE_INPUTS = BANK_INPUTS
CONTENT_FOLDERS = ("projekt", "metoder", "systemfel")

#: The title of the extra project in the escaping bank.
EVIL_SLUG = "test-escape-projekt"
EVIL_TITLE = 'Test <script>alert("x")</script> & co'
EVIL_KOMMUNER = ["<b>Fet</b> kommun", '"Citat"-by']
EVIL_LARDOM = 'En lärdom med <b>fetstil</b> och "citattecken" som aldrig får bli markup.'
EVIL_SAMMANFATTNING = (
    'Deltagarna kallade insatsen "<b>bra</b>" & lärorik; "> <img src=x> stod det i en enkät.'
)
#: The project the evil one is copied from (avslutat, with systemfel).
EVIL_TEMPLATE = "aktivt-stod-forsorjningsstod"


# --------------------------------------------------------------------------
# A tiny HTML tree on top of html.parser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str
    parent: "Node | None" = None
    line: int = 0

    # -- queries ------------------------------------------------------------
    def iter(self, tag: str | None = None):
        """Every descendant element (document order), optionally by tag."""
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        found = []
        for node in self.iter(tag):
            if cls is not None and cls not in node.classes:
                continue
            if any(node.attrs.get(k) != v for k, v in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def children_by_tag(self, tag: str) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node) and c.tag == tag]

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def text(self) -> str:
        """All text inside, entities decoded, whitespace collapsed."""
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def following_siblings(self):
        if self.parent is None:
            return
        siblings = [c for c in self.parent.children if isinstance(c, Node)]
        index = siblings.index(self)
        yield from siblings[index + 1 :]

    def __repr__(self) -> str:  # short, for failure messages
        attrs = " ".join(f'{k}="{v}"' for k, v in self.attrs.items() if v is not None)
        return f"<{self.tag}{' ' + attrs if attrs else ''}> (line {self.line})"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.stack[-1], line=self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):  # <path ... /> in inline SVG
        node = Node(tag, dict(attrs), parent=self.stack[-1], line=self.getpos()[0])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag is ignored.
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


@lru_cache(maxsize=512)
def _parse_cached(path: str, mtime_ns: int) -> Node:
    builder = _TreeBuilder()
    builder.feed(Path(path).read_text("utf-8"))
    builder.close()
    return builder.root


def parse_html(path: Path) -> Node:
    path = Path(path)
    return _parse_cached(str(path), path.stat().st_mtime_ns)


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, file: Path) -> str:
    """Site-relative URL of a built file: ``projekt/x/index.html`` → ``projekt/x/``."""
    rel = file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def resolve_link(site: Path, source: Path, url: str) -> tuple[Path, str] | None:
    """The file a relative or site-absolute link in ``source`` points to, and
    its fragment. ``None`` for links that leave the site (a scheme or
    ``//host``) or that are only a fragment or query. A link that climbs
    above the site root resolves to a path outside ``site`` (so it is
    reported as missing)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    if not parts.path:
        return None  # '#x' or '?q' – the same page
    path = unquote(parts.path)
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/") or ".")
    else:
        base_dir = posixpath.dirname(source.relative_to(site).as_posix())
        target = posixpath.normpath(posixpath.join(base_dir, path))
    file = site if target == "." else site / target
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, unquote(parts.fragment)


def slug_from_href(href: str, kind: str) -> str | None:
    """``../../projekt/x/`` → ``x`` when the link is to a ``kind`` item page."""
    match = re.search(rf"(?:^|/){kind}/([a-z0-9-]+)/?(?:#.*)?$", href)
    return match.group(1) if match else None


# --------------------------------------------------------------------------
# Content, read independently of the metodbank package

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.S | re.M)


def front_matter(path: Path) -> dict:
    match = FRONT_MATTER.match(Path(path).read_text("utf-8"))
    assert match, f"{path}: ingen front-matter"
    return yaml.safe_load(match.group(1)) or {}


def normalise_forbund(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def forbund_names(meta: dict) -> list[str]:
    value = meta["förbund"]
    return [value] if isinstance(value, str) else list(value)


def load_content(root: Path) -> dict[str, dict[str, dict]]:
    """``{"projekt": {slug: front-matter}, "metoder": ..., "systemfel": ...}``."""
    return {
        folder: {p.stem: front_matter(p) for p in sorted((root / folder).glob("*.md"))}
        for folder in CONTENT_FOLDERS
    }


# --------------------------------------------------------------------------
# Building

@dataclass
class BuildResult:
    src: Path
    site: Path
    returncode: int
    output: str  # stdout + stderr


def copy_inputs(target: Path) -> Path:
    return copy_bank(target)


def run_build(src: Path, site: Path, *, hashseed: str | None = None, check: bool = True) -> BuildResult:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    proc = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(src / "mkdocs.yml"), "-d", str(site)],
        cwd=src, env=env, capture_output=True, text=True, timeout=240,
    )
    result = BuildResult(src, site, proc.returncode, proc.stdout + proc.stderr)
    if check and proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict misslyckades (kod {proc.returncode}):\n{result.output}")
    return result


def write_evil_project(root: Path) -> Path:
    """The escaping bank's extra project (``EVIL_*``), copied from ``EVIL_TEMPLATE``, in ``root``."""
    source = root / "projekt" / f"{EVIL_TEMPLATE}.md"
    text = source.read_text("utf-8")
    match = FRONT_MATTER.match(text)
    meta = yaml.safe_load(match.group(1))
    body = text[match.end():]
    meta["titel"] = EVIL_TITLE
    meta["kommuner"] = list(EVIL_KOMMUNER)
    meta["lärdomar"] = [EVIL_LARDOM] + list(meta.get("lärdomar") or [])[:1]
    meta["resultat"]["sammanfattning"] = EVIL_SAMMANFATTNING
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    target = root / "projekt" / f"{EVIL_SLUG}.md"
    target.write_text(f"---\n{dumped}---{body}", "utf-8")
    return target


# --------------------------------------------------------------------------
# Driving Chromium

class BrowserThread:
    """Headless Chromium through Playwright's sync API, in a thread of its own.

    Playwright's sync API refuses to start while another sync Playwright is
    running in the same thread (e.g. another test module's session fixture);
    a private thread has its own event loop, so the two never meet. Tests hand
    it functions: ``browser.run(fn, *args)`` calls ``fn(chromium, *args)`` in
    the Playwright thread and returns its (plain data) result.
    """

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright = None
        self.chromium = None
        self._pool.submit(self._start).result(timeout=120)

    def _start(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.chromium = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

    def run(self, fn, *args, timeout: float = 120, **kwargs):
        return self._pool.submit(fn, self.chromium, *args, **kwargs).result(timeout=timeout)

    def page(self, url: str, fn, *args, **kwargs):
        """Open ``url`` in a fresh context, return ``fn(page, *args)``."""

        def job(chromium):
            context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
            try:
                page = context.new_page()
                page.set_default_timeout(20_000)
                page.goto(url, wait_until="load")
                return fn(page, *args, **kwargs)
            finally:
                context.close()

        return self.run(job)

    def close(self):
        def stop(_chromium):
            if self.chromium is not None:
                self.chromium.close()
            if self._playwright is not None:
                self._playwright.stop()

        try:
            self.run(stop, timeout=60)
        finally:
            self._pool.shutdown(wait=True)
