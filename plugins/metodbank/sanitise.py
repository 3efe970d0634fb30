"""The allow-list that every author's body passes through before it is published.

Why an allow-list sanitiser and not rules over the text: the checker's old
block-list (regexes for ``<script``, `` on…=``, ``javascript:``) was bypassed
by every spelling a browser accepts and a regex does not (``<svg/onload=…>``,
entities, tabs inside a scheme, ``attr_list`` attributes). Here the rendered
HTML is parsed by a real HTML5 parser and rebuilt from what is allowed, so
whatever the checker missed is published harmless.

The library is ``nh3``, the Python binding of the Rust crate ``ammonia``:
maintained, fast (a native extension, ~50 µs for a typical body), built on
``html5ever`` (the HTML5 parsing algorithm browsers use, so it reads markup
the way a browser would), and its URL checks parse URLs per WHATWG (tabs,
newlines and entities inside ``javascript:`` are seen through). ``bleach``,
the older choice, is deprecated by its maintainers.

The same :func:`sanitise` is used by the site build and by the checker's
rule (:mod:`.checks.html`), which reports what it would change.
"""

from __future__ import annotations

import re

import nh3

# What Markdown (with the tables, fenced_code, attr_list, md_in_html,
# admonition and toc extensions) produces, plus the few inline tags a writer
# may use by hand. No <svg>, <math>, <form>, <input>, <style>, <link>,
# <meta>, <base>, <iframe>, <object>, <embed>, <script>; no landmark tags
# (<nav>, <header>, <footer>, <main>, <aside>), which would break the page's
# own landmarks.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})

# Removed with their content, not only their tags.
CONTENT_REMOVED = frozenset({"script", "style"})

ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    # Heading ids: the contents list links to them (the toc extension sets them).
    **{f"h{level}": {"id"} for level in range(1, 7)},
    # Admonitions (div/p) and code highlighting (code) use classes; which
    # class names are allowed is decided in _filter below.
    "div": {"class"},
    "p": {"class"},
    "code": {"class"},
}

# Table cell alignment from Markdown tables (rendered as align="…", never as a style).
ATTRIBUTE_VALUES = {
    "th": {"align": {"left", "center", "right"}, "scope": {"col", "row"}},
    "td": {"align": {"left", "center", "right"}},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

# The admonition types mkdocs-material styles (and "admonition" itself).
ADMONITION_CLASSES = frozenset({
    "admonition", "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
    "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
})
_CLASSES = {
    "div": ADMONITION_CLASSES.__contains__,
    "p": {"admonition-title"}.__contains__,
    "code": re.compile(r"language-[a-z0-9+#_-]{1,40}").fullmatch,
}

# An id the page's own scripts and theme never use (the theme's start with
# "__"); Python-Markdown's toc gives "_1" to a heading with no ASCII letters.
_ID = re.compile(r"(?!__)[a-z0-9_][a-z0-9_-]{0,99}")
# A site-relative URL: no scheme, no //host, no backslash (browsers read \ as /).
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")


def is_site_relative(url: str) -> bool:
    """True for a URL that can only point into this site (``bilder/x.png``,
    ``../x/``, ``/x.png``), never to another host."""
    squeezed = _INVISIBLE.sub("", url)  # browsers drop tabs and newlines inside URLs
    return not (_SCHEME.match(squeezed) or squeezed.startswith(("//", "\\", "/\\")))


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        return value if is_site_relative(value) else None
    if attribute == "class":
        allowed = _CLASSES.get(tag)
        kept = [name for name in value.split() if allowed and allowed(name)]
        return " ".join(kept) if kept else None
    if attribute == "id":
        return value if _ID.fullmatch(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CONTENT_REMOVED),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    tag_attribute_values={tag: {name: set(values) for name, values in spec.items()}
                          for tag, spec in ATTRIBUTE_VALUES.items()},
    attribute_filter=_filter,
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    # No rel="noopener" on every link: no target= is allowed, so it adds
    # nothing, and the checker would otherwise see every link as changed.
    link_rel=None,
)


def sanitise(html: str) -> str:
    """``html`` with everything outside the allow-list removed."""
    return _CLEANER.clean(html)
