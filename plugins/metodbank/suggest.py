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
    """Levenshtein distance, giving up (returning ``limit``) once it exceeds it."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)
