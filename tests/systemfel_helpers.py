"""The systemfel facts the decision-makers' pages and the reports show,
recomputed from the content files (``conftest.content``: front-matter read
with ``yaml.safe_load``), never through ``metodbank``. Shared by
``test_decision_makers.py`` and ``test_report_pdf.py``.
"""

from __future__ import annotations

import datetime as dt


def datum(value) -> tuple:
    """A content date as (first day, precision), the reports' order."""
    if isinstance(value, dt.date):
        return (value, 2), str(value)
    text = str(value)
    parts = [int(p) for p in text.split("-")]
    first = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    return (first, len(parts) - 1), text


def observations(content, slug: str) -> list[tuple[str, dict]]:
    return [(p, o) for p, meta in sorted(content["projekt"].items())
            for o in meta.get("systemfel") or [] if o["id"] == slug]


def decisions(content, slug: str) -> list[tuple[str, dict]]:
    """Decisions linked by beslut[].systemfel, else by the project's observations."""
    found = []
    for p, meta in sorted(content["projekt"].items()):
        observed = {o["id"] for o in meta.get("systemfel") or []}
        for b in meta["framgång"].get("beslut") or []:
            if slug in (b.get("systemfel") or observed):
                found.append((p, b))
    return found


def people(content, slug: str) -> tuple[int | None, int, int]:
    """(Σ antal_berörda or None, observations giving a number, observations)."""
    numbers = [o["antal_berörda"] for _, o in observations(content, slug) if o.get("antal_berörda") is not None]
    return (sum(numbers) if numbers else None), len(numbers), len(observations(content, slug))


def people_text(content, slug: str) -> str:
    total, given, n = people(content, slug)
    if total is None:
        return "uppgift saknas"
    text = f"{total:,}".replace(",", "\u00a0")
    return text if given == n else f"{text} (enligt {given} av {n} observationer)"


def report_date(content, slugs) -> str:
    dates = []
    for slug in slugs:
        for h in content["systemfel"][slug].get("historik") or []:
            dates.append(datum(h["datum"]))
        for _, b in decisions(content, slug):
            dates.append(datum(b["år"]))
        for p in {p for p, _ in observations(content, slug)}:
            meta = content["projekt"][p]
            value = meta.get("uppdaterad") or meta["framgång"].get("bedömd")
            if value is not None:
                dates.append(datum(value))
    return max(dates)[1]
