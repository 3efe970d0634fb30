"""Nearest-match suggestions ("menade du …?") for names, values and slugs."""

from __future__ import annotations

import difflib
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
