"""The theme's navigation, drawn once per build for the pages outside it.

mkdocs-material draws the whole nav into every page; for a page that is not
in the nav (every project, metod and systemfel page) no item is active, so
the drawing is the same for every such page that sees the nav's addresses
from the same place. Drawing it again was about 40 % of the theme's time
per page (4.4 s of 11.3 s in a profile of a cold build of 1,000 projects).

The theme's own ``partials/nav.html`` stays the one that draws it: our
override of that name (``theme_overrides/partials/nav.html``) asks
:class:`NavMemo` for a drawing and includes the theme's own template,
reached below our overrides through :data:`THEME_PREFIX`, when there is
none. The key is what the drawing can depend on besides the build's
constants (nav, config, language): the page's relative address to every
place the nav links to. ``METODBANK_NO_NAV_MEMO=1`` draws every page's nav
afresh; the test that compares the two builds byte for byte uses it.
"""

from __future__ import annotations

import os

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup
from mkdocs.utils import normalize_url

# Templates of the theme below our overrides: "metodbank-tema/partials/nav.html".
THEME_PREFIX = "metodbank-tema"
GLOBAL_NAME = "metodbank_navminne"
SWITCH = "METODBANK_NO_NAV_MEMO"


class _Drawing:
    """One page's answer: the drawing, or None and where to keep it."""

    __slots__ = ("memo", "key", "html")

    def __init__(self, memo: "NavMemo", key: tuple, html: Markup | None):
        self.memo, self.key, self.html = memo, key, html

    def keep(self, drawn: str) -> Markup:
        self.html = self.memo.drawings[self.key] = Markup(drawn)
        return self.html


class NavMemo:
    """The build's nav drawings, by the addresses a page sees them from."""

    def __init__(self, config):
        self.config = config
        self.drawings: dict[tuple, Markup] = {}
        self.hits = 0
        self.nav = None  # the build's nav, the same object for every page
        self.urls: tuple[str, ...] = ()
        self.in_nav: set[int] = set()

    def _learn(self, nav) -> None:
        """Every address the theme's nav template links to, as it reads them."""
        urls = [item.url for item in _walk(nav.items) if getattr(item, "url", None) is not None]
        if nav.homepage is not None:
            urls.append(nav.homepage.url)
        extra = self.config.extra or {}
        urls += [str(value) for value in (extra.get("homepage"), self.config.theme.get("logo")) if value]
        self.nav, self.urls = nav, tuple(dict.fromkeys(urls))
        self.in_nav = {id(page) for page in nav.pages}
        self.drawings.clear()

    def for_page(self, page, nav) -> _Drawing | None:
        """None when this page's nav must be drawn as the theme draws it: a
        page in the nav (an item is active) or no page at all."""
        if nav is not self.nav:
            self._learn(nav)
        if page is None or id(page) in self.in_nav or getattr(page, "parent", None) is not None:
            return None
        key = tuple(normalize_url(url, page=page) for url in self.urls)
        html = self.drawings.get(key)
        if html is not None:
            self.hits += 1
        return _Drawing(self, key, html)


def _walk(items):
    for item in items:
        yield item
        children = getattr(item, "children", None)
        if children:
            yield from _walk(children)


def install(env, config, overrides: str) -> NavMemo | None:
    """Give the theme's environment a memo for this build, and a way to its
    own templates below our overrides (folder ``overrides``)."""
    own = [folder for folder in config.theme.dirs if os.path.abspath(folder) != os.path.abspath(overrides)]
    env.loader = ChoiceLoader([env.loader, PrefixLoader({THEME_PREFIX: FileSystemLoader(own)})])
    memo = env.globals[GLOBAL_NAME] = None if os.environ.get(SWITCH) == "1" else NavMemo(config)
    return memo
