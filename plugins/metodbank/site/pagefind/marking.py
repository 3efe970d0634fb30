"""A page's content marked as Pagefind's body (``data-pagefind-body``),
with its facets and the hidden low-weight terms (compound parts).

A page's fact list (``<dl class="mb-fakta">``: Förbund, Kommuner, Period …)
is left out of the indexed text, so that a search result's excerpt comes
from the summary or the body and never reads "Förbund … Kommuner … Period";
its values stay searchable among the hidden low-weight terms.
"""

from __future__ import annotations

import functools
import re
from html import unescape

from markupsafe import Markup

from ..pages import environment

# Our templates' fact lists (never nested: a <dl> holds only <dt> and <dd>).
_FACTS = re.compile(r'<dl(?P<attrs>\s[^>]*\bclass="(?:[^"]*\s)?mb-fakta(?:\s[^"]*)?"[^>]*)>(?P<body>.*?)</dl>', re.S)
_VALUE = re.compile(r"<dd\b[^>]*>(.*?)</dd>", re.S)
_TAG = re.compile(r"<[^>]*>")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:)])")


def fact_lists(html: str) -> tuple[str, str]:
    """``html`` with every fact list marked ``data-pagefind-ignore``, and
    the lists' values (not their labels) as plain text."""
    values: list[str] = []

    def ignore(match: re.Match) -> str:
        values.extend(unescape(_TAG.sub(" ", value)) for value in _VALUE.findall(match.group("body")))
        attrs = match.group("attrs")
        if "data-pagefind-ignore" not in attrs:
            attrs += " data-pagefind-ignore"
        return f"<dl{attrs}>{match.group('body')}</dl>"

    marked = _FACTS.sub(ignore, html)
    return marked, _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(" ".join(values).split()))


# An element our templates keep out of the index: its start tag is read
# attribute by attribute, so that the name in an attribute's value (an
# author's link title may hold any text) is not taken for the attribute.
# Its end is found by counting its tag's openings and closings (our HTML and
# the sanitiser's are well-formed).
_ATTRIBUTE = r"""\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_IGNORED = re.compile(rf"""<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)(?:{_ATTRIBUTE})*?\s+data-pagefind-ignore"""
                      rf"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?:{_ATTRIBUTE})*\s*/?>""")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def without_ignored(html: str) -> str:
    """``html`` without the elements marked ``data-pagefind-ignore``, for the
    document staged for Pagefind, which skips them anyway.

    Left in, they tied a page's search part to what it only links to: a
    project's title appears on the pages of its methods and system errors,
    so retitling one project re-indexed five of eight parts at 5,000
    projects (12 s) instead of its own. The published page keeps them."""
    if "data-pagefind-ignore" not in html:
        return html
    kept, position = [], 0
    while (start := _IGNORED.search(html, position)) is not None:
        tag = start.group("tag").lower()
        end = start.end() if tag in _VOID else _element_end(html, tag, start.end())
        if end is None:  # not closed: leave the rest as it is
            break
        kept.append(html[position:start.start()])
        position = end
    kept.append(html[position:])
    return "".join(kept)


@functools.lru_cache(maxsize=32)
def _tags(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.IGNORECASE)


def _element_end(html: str, tag: str, position: int) -> int | None:
    """Where the element of ``tag`` opened just before ``position`` ends."""
    depth = 1
    for match in _tags(tag).finditer(html, position):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return None


def wrap(html: str, filters: dict[str, list[str]], extra_terms: str = "") -> str:
    """The page's content marked for Pagefind, with ``filters``.

    ``extra_terms`` (e.g. the parts of Swedish compounds) is indexed at a low
    weight but never shown: it sits in an element hidden from everyone. The
    values of the page's fact lists join them (see :func:`fact_lists`).
    """
    html, facts = fact_lists(html)
    terms = " ".join(part for part in (facts, extra_terms) if part)
    template = environment().get_template("pagefind_body.html.j2")
    return template.render(html=Markup(html), filters=filters, extra_terms=terms)
