"""The checker's one rule about HTML in a body: what the sanitiser would
change is an error, at its line, saying what is removed and what to write
instead.

It runs the very sanitiser the site uses (:mod:`..sanitise`) on the very
rendering the site uses (:mod:`..body`) and compares the two with a real
HTML parser, so the checker cannot drift from what is published: there is
no second list of "dangerous" patterns to keep in step. Code spans and code
blocks are text after rendering, so ``<script>`` inside backticks is fine.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser

from .. import body as body_module
from ..problems import ProblemList
from ..sanitise import sanitise

# Only a body holding one of these can render to anything the sanitiser
# changes: raw HTML or an autolink (<), attr_list ({), a Markdown link or
# image ([), an entity (&), an admonition (!!!). Most bodies hold none, and
# skipping them keeps the checker at its old speed on large banks.
_MAY_CHANGE = re.compile(r"[<{\[&]|!!!")


@dataclass(frozen=True)
class Change:
    """One thing the sanitiser removes: a tag, or an attribute of a tag."""

    tag: str
    attribute: str | None = None
    value: str = ""


class _StartTags(HTMLParser):
    """The start tags of an HTML fragment, in order, with their attributes
    (comments and text are not what the rule is about)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _start_tags(html: str) -> list[tuple[str, dict]]:
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def changes(html: str, clean: str | None = None) -> list[Change]:
    """What sanitising ``html`` removes, tag by tag, in document order.

    Tags are paired by name and position (the n-th <img> with the n-th
    <img>), so an attribute dropped from one image is reported on that one.
    Differences that change nothing a reader or browser acts on — quoting,
    entity spelling, comments, tags the HTML parser implies — are not changes.
    """
    clean = sanitise(html) if clean is None else clean
    before, after = _start_tags(html), _start_tags(clean)
    kept: dict[str, list[dict]] = defaultdict(list)
    for tag, attrs in after:
        kept[tag].append(attrs)
    seen: dict[str, int] = defaultdict(int)
    found: list[Change] = []
    for tag, attrs in before:
        index = seen[tag]
        seen[tag] += 1
        if not kept.get(tag):
            found.append(Change(tag))
            continue
        survivor = kept[tag][min(index, len(kept[tag]) - 1)]
        for name, value in attrs.items():
            if survivor.get(name) != value:
                found.append(Change(tag, name, value))
    return found


_HINT_TAG = {
    "script": "skriv vanlig Markdown, länka i stället för att bädda in",
    "iframe": "skriv vanlig Markdown, länka i stället för att bädda in",
    "object": "skriv vanlig Markdown, länka i stället för att bädda in",
    "embed": "skriv vanlig Markdown, länka i stället för att bädda in",
    "svg": "lägg bilden som en fil under docs/ och visa den med ![beskrivning](sökväg)",
    "style": "utseendet bestäms av webbplatsen — skriv vanlig Markdown",
    "link": "skriv en vanlig Markdown-länk: [text](https://…)",
    "meta": "sidans inställningar bestäms av webbplatsen — ta bort taggen",
    "base": "sidans adresser bestäms av webbplatsen — ta bort taggen",
    "form": "formulär kan inte finnas i ett projekt — länka till formuläret i stället: [text](https://…)",
}
_DEFAULT_TAG_HINT = "skriv vanlig Markdown (rubriker med ##, listor med -, länkar med [text](adress))"


def message(change: Change) -> str:
    tag, attribute, value = change.tag, change.attribute, change.value
    if attribute is None:
        if tag in ("script", "iframe", "object", "embed"):
            return f"<{tag}> är inte tillåtet i texten: {_HINT_TAG[tag]}"
        if tag in _HINT_TAG:
            return f"HTML-taggen <{tag}> tas bort när sidan publiceras: {_HINT_TAG[tag]}"
        return (f"HTML-taggen <{tag}> tas bort när sidan publiceras: {_DEFAULT_TAG_HINT}; menar du texten"
                f" '<{tag}>', skriv den inom `bakåtfnuttar`")
    if attribute.startswith("on"):
        return f"HTML med händelseattribut ({attribute}=) är inte tillåtet i texten: ta bort det"
    if attribute in ("href", "src") and re.match(r"\s*j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", value, re.IGNORECASE | re.DOTALL):
        return "länkar till 'javascript:' är inte tillåtna; länka till en https://-adress"
    if attribute == "src":
        return (f"bilden hämtas från en annan adress ({_short(value)}): webbplatsen hämtar aldrig något från"
                " andra — lägg bilden under docs/ och visa den med ![beskrivning](relativ sökväg), eller länka till den")
    if attribute == "href":
        return (f"länken '{_short(value)}' tas bort när sidan publiceras: bara https://, http://, mailto: och"
                " länkar inom banken är tillåtna")
    if attribute == "style":
        return f"attributet style på <{tag}> tas bort när sidan publiceras: utseendet bestäms av webbplatsen"
    if attribute == "class":
        return (f"klassen '{_short(value)}' på <{tag}> tas bort när sidan publiceras: utseendet bestäms av"
                " webbplatsen — skriv vanlig Markdown")
    if attribute == "id":
        return (f"id '{_short(value)}' på <{tag}> tas bort när sidan publiceras: bara rubriker kan ha id, med"
                " små bokstäver a–z, siffror och bindestreck")
    return f"attributet {attribute} på <{tag}> tas bort när sidan publiceras: skriv vanlig Markdown utan HTML-attribut"


def _short(value: str, limit: int = 60) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _needles(change: Change) -> list[str]:
    """Source text that marks where a change comes from, most specific first."""
    if change.attribute is None:
        return [f"<{change.tag}"]
    needles = [change.attribute]
    if change.value:
        needles.insert(0, change.value.strip()[:40])
    if change.attribute in ("href", "src"):
        needles += ["](", "]:", "<a", "<img", "<"]
    return needles


class _Locator:
    """Finds the body line a change comes from: the first line at or after the
    previous finding holding one of its needles (case-insensitive)."""

    def __init__(self, body: str, first_line: int):
        self.lines = [line.casefold() for line in body.split("\n")]
        self.first_line = first_line
        self.cursor = 0

    def line(self, change: Change) -> int:
        for needle in _needles(change):
            needle = needle.casefold()
            if not needle:
                continue
            for start in (self.cursor, 0):
                for index in range(start, len(self.lines)):
                    if needle in self.lines[index]:
                        self.cursor = index
                        return self.first_line + index
        return self.first_line + self.cursor


def check_body_html(body: str, first_line: int, path: str, source: str, problems: ProblemList) -> list:
    """Report what the sanitiser would remove from ``body`` and return the
    relative links it holds, as ``(line, url, target)`` for the bank-wide
    check that they exist (``source`` is the file's place in the bank, e.g.
    ``projekt/x.md``, which relative links start from)."""
    if not _MAY_CHANGE.search(body):
        return []
    rendered = body_module.render_raw(body, source)
    locate = _Locator(body, first_line)
    for change in changes(rendered.html):
        problems.error(path, locate.line(change), message(change))
    links = []
    link_locator = _Locator(body, first_line)
    for link in rendered.links:
        target = body_module.link_target(link.url, source)
        line = link_locator.line(Change("img" if link.image else "a", "src" if link.image else "href", link.url))
        links.append((line, link.url, target, link.image))
    return links
