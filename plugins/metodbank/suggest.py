"""Nearest-match suggestions ("menade du …?") for names, values and slugs."""

from __future__ import annotations

import difflib
from collections import Counter
import unicodedata

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "_": "-", " ": "-"})


def fold(text: str) -> str:
    """Lowercase ASCII-ish form used to compare near misses (malgrupp ~ målgrupp)."""
    text = unicodedata.normalize("NFC", str(text)).casefold().translate(_FOLD)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def nearest(value: object, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``value``, or None when nothing is close."""
    candidates = [str(c) for c in candidates]
    if not candidates:
        return None
    folded = {fold(c): c for c in candidates}
    key = fold(str(value))
    if key in folded:
        return folded[key]
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


def did_you_mean(value: object, candidates, cutoff: float = 0.6) -> str:
    """`` — menade du 'x'?`` or an empty string."""
    best = nearest(value, candidates, cutoff)
    return f" — menade du '{best}'?" if best and best != value else ""


def slugify(text: str) -> str:
    """A valid slug suggestion: ``Vägen till jobb.md`` → ``vagen-till-jobb``."""
    out = []
    for ch in fold(text):
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:80].strip("-")


def may_be_within(a: str, b: str, edits: int, letters_a: Counter | None = None,
                  letters_b: Counter | None = None) -> bool:
    """False only when ``a`` and ``b`` are surely more than ``edits`` edits
    apart. Each edit adds at most one letter to what one name has and the
    other lacks, counted with repeats (the "bag distance"), so more than
    ``edits`` such letters on either side rule the pair out. Far cheaper
    than :func:`edit_distance`; pass ``Counter(name)`` for each name when
    comparing many pairs."""
    if abs(len(a) - len(b)) > edits:
        return False
    letters_a = Counter(a) if letters_a is None else letters_a
    letters_b = Counter(b) if letters_b is None else letters_b
    return sum((letters_a - letters_b).values()) <= edits and sum((letters_b - letters_a).values()) <= edits


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning ``limit``) once it exceeds it.

    Only the band of cells within ``limit`` of the diagonal can stay under the
    limit, so only those are computed: linear in the length, not quadratic
    (the near-duplicate förbund check compares every pair of names).
    """
    if abs(len(a) - len(b)) >= limit:
        return limit
    if a == b:
        return 0
    big = limit + 1
    previous = {j: j for j in range(0, min(len(b), limit) + 1)}
    for i, ca in enumerate(a, 1):
        current = {}
        low, high = max(0, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            if j == 0:
                current[0] = i
                continue
            cost = previous.get(j - 1, big) + (ca != b[j - 1])
            current[j] = min(previous.get(j, big) + 1, current.get(j - 1, big) + 1, cost)
        if min(current.values()) >= limit:
            return limit
        previous = current
    return min(previous.get(len(b), big), limit)
