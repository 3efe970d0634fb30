"""Highlighted snippets: the stretch of a document's text that best shows why
it matched.

Whoosh's highlighter marks only tokens equal to a query term, so a hit found
through a compound ("coachning" in "studiecoachningen") would show no mark.
Here a token also counts when its stem begins or ends with a query stem of
four letters or more, which is how the compound matched in the first place.
"""

from __future__ import annotations

import re

from .analysis import MIN_PART, swedish_analyzer

_ANALYZER = swedish_analyzer()
_SPACE = re.compile(r"\s+")

Snippet = list[tuple[str, bool]]  # (text, highlighted) pieces


class Matcher:
    """Decides whether an indexed stem answers a query's terms."""

    def __init__(self, terms: set[str], prefixes: set[str] = frozenset()):
        self.terms = set(terms)
        self.prefixes = set(prefixes)
        self.parts = {t for t in self.terms if len(t) >= MIN_PART}

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def term_of(self, stem: str) -> str | None:
        """The query term ``stem`` answers, or None."""
        if stem in self.terms:
            return stem
        for prefix in self.prefixes:
            if stem.startswith(prefix):
                return prefix
        for part in self.parts:
            if stem.startswith(part) or stem.endswith(part):
                return part
        return None


def snippet(texts: list[str], matcher: Matcher, width: int = 240) -> Snippet | None:
    """The best window of at most ``width`` characters over ``texts``, or None
    when no text holds a match."""
    best = None
    for text in texts:
        if not text:
            continue
        found = []  # (start, end, term)
        for token in _ANALYZER(text, chars=True, mode="index"):
            term = matcher.term_of(token.text)
            if term:
                found.append((token.startchar, token.endchar, term))
        for i, (start, _, _) in enumerate(found):
            inside = [f for f in found[i:] if f[1] <= start + width]
            rank = (len({f[2] for f in inside}), len(inside))
            if best is None or rank > best[0]:
                best = (rank, text, start, inside)
    if best is None:
        return None
    _, text, start, inside = best
    return _cut(text, start, inside, width)


def _cut(text: str, first: int, marks: list, width: int) -> Snippet:
    # Start a little before the first match, at a word boundary; end at one too.
    begin = max(0, first - width // 5)
    if begin:
        before = [m.end() for m in _SPACE.finditer(text, 0, begin + 1)]
        if before and first - before[-1] < width // 3:
            begin = before[-1]
        else:
            after = _SPACE.search(text, begin, first)
            begin = after.end() if after else first
    end = min(len(text), begin + width)
    if end < len(text):
        cut = [m.start() for m in _SPACE.finditer(text, max(marks[-1][1], begin), end)]
        end = cut[-1] if cut else end
    pieces: Snippet = []
    at = begin
    for start, stop, _ in marks:
        if start < at or stop > end:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:stop], True))
        at = stop
    pieces.append((text[at:end], False))
    pieces = [(_flat(t), mark) for t, mark in pieces if t]
    if begin > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def lead(text: str, width: int = 240) -> Snippet:
    """The opening of ``text``, for hits without a text match (facet-only searches)."""
    text = _flat(text).strip()
    if len(text) <= width:
        return [(text, False)] if text else []
    cut = text.rfind(" ", 0, width)
    return [(text[: cut if cut > 0 else width], False), ("…", False)]


def render(pieces: Snippet, start: str = "«", end: str = "»") -> str:
    """Snippet as text, matches wrapped in ``start``/``end`` (ANSI bold, «», <mark> …)."""
    return "".join(f"{start}{text}{end}" if mark else text for text, mark in pieces)
