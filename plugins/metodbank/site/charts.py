"""Geometry for the build-time charts. The templates draw; this module
only computes positions, so the arithmetic is testable on its own.

The pyramid is one SVG picture that scales to its column. The bar charts of
the decision-makers' pages (the socio-economic chart of a project, Vem
betalar – vem vinner, Utveckling över tid) are HTML: their labels and values
are text on the page, so they wrap and keep their size on a phone, and each
bar is an SVG rectangle on a track as wide as its column. Its left edge and
width are per cent of that track (SVG's ``x`` and ``width`` take
percentages), so the page needs no ``style`` attribute and the bars print
as drawn."""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import Grad


@dataclass
class Bar:
    label: str
    value: int
    x: float
    width: float
    y: float
    text: str
    grad: int | None = None  # a pyramid bar's degree


def pyramid(counts: dict[int, int], labels: dict[int, str] | None = None, width: float = 560,
            row: float = 44) -> dict:
    """Centred bars, the highest degree on top, widths proportional to the count.
    ``labels``: each degree's label (default: :attr:`Grad.label`).

    Every bar carries its number as text: the chart never relies on colour.
    """
    labels = labels or {grad: grad.label for grad in Grad}
    largest = max(counts.values(), default=0) or 1
    usable = width - 40
    bars = []
    degrees = Grad.highest_first()
    for index, grad in enumerate(degrees):
        count = counts.get(grad, 0)
        bar_width = max(usable * count / largest, 2 if count else 0)
        bars.append(
            Bar(labels[grad], count, (width - bar_width) / 2, bar_width, 10 + index * row,
                f"{labels[grad]}: {count} projekt", grad=int(grad))
        )
    return {"bars": bars, "width": width, "height": 20 + len(degrees) * row, "row": row}


# --------------------------------------------------------------------------
# HTML bar charts: every bar on a track of 0–100 %.

MIN_WIDTH = 0.5  # per cent: a value that is not zero stays visible as a sliver


@dataclass
class Span:
    """One bar on its track: left edge and width in per cent of the track."""
    label: str
    value: int
    x: float
    width: float


def _scale(values: list[int]) -> tuple[float, float]:
    """(zero, per unit): where zero lies on the track, in per cent, and how
    many per cent one unit is. Values of both signs share one scale, so the
    longest gain and the longest cost fill the track between them."""
    negative = max([-v for v in values if v < 0], default=0)
    positive = max([v for v in values if v > 0], default=0)
    per_unit = 100 / ((negative + positive) or 1)
    return round(negative * per_unit, 2), per_unit


def _span(label: str, value: int, zero: float, per_unit: float) -> Span:
    """A gain runs right of zero, a cost left of it, both within the track."""
    width = max(abs(value) * per_unit, MIN_WIDTH) if value else 0.0
    if value >= 0:
        return Span(label, value, zero, round(min(width, 100 - zero), 2))
    x = round(max(zero - width, 0.0), 2)
    return Span(label, value, x, round(zero - x, 2))


def diverging(values: list[tuple[str, int]]) -> dict:
    """Gains (+) and costs (−) per actor around one zero line.

    ``zero`` is 0 when nothing is a cost: the gains then use the whole track.
    """
    zero, per_unit = _scale([v for _, v in values])
    return {"bars": [_span(label, value, zero, per_unit) for label, value in values], "zero": zero}


@dataclass
class BalanceRow:
    label: str
    netto_text: str  # "netto +4 200 000 kr", beside the label
    vinst: Span | None  # None for a payer with no utfall of its own (ESF, ej fördelat)
    vinst_text: str  # "vinst 1 200 000 kr", or "ingen vinstpost"
    betalat: Span
    betalat_text: str


def balance(rows: list[tuple[str, int | None, int, str, str, str]]) -> dict:
    """Gains and payments per actor as pairs of bars on one scale.

    ``rows``: (label, vinst or None, betalat, vinst text, betalat text, netto
    text) in kronor. Both bars of an actor start at zero, so their lengths
    compare directly; a negative vinst (a cost the calculation books on the
    actor) runs left of zero. Every bar carries its value as text.
    """
    zero, per_unit = _scale([v for _, v, _, _, _, _ in rows if v is not None] + [b for _, _, b, _, _, _ in rows])
    out = []
    for label, vinst, betalat, vinst_text, betalat_text, netto_text in rows:
        gain = None if vinst is None else _span(label, vinst, zero, per_unit)
        out.append(BalanceRow(label, netto_text, gain, vinst_text, _span(label, betalat, zero, per_unit),
                              betalat_text))
    return {"rows": out, "zero": zero}


@dataclass
class Segment:
    grad: int
    value: int
    x: float
    width: float


@dataclass
class YearBar:
    år: int
    segments: list[Segment]
    text: str


def year_bars(rows: list[tuple[int, list[tuple[int, int]], str]]) -> dict:
    """One bar per year, made of segments (grad, count) laid end to end from
    the left; the longest bar fills the track. Every bar's numbers are in its
    text."""
    largest = max((sum(v for _, v in segs) for _, segs, _ in rows), default=0) or 1
    per_unit = 100 / largest
    out = []
    for år, segs, text in rows:
        segments, total = [], 0
        for grad, value in segs:
            if value:
                x = round(total * per_unit, 2)
                segments.append(Segment(grad, value, x, round(min(value * per_unit, 100 - x), 2)))
                total += value
        out.append(YearBar(år, segments, text))
    return {"rows": out}
