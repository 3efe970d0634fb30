"""Development over time: is the field moving from first-degree success
(1.0) toward the second and third degree (2.0)?

- Projects per start year (``period.start``) and degree (``framgång.grad``),
  one row for every year from the first start to the last (a year without a
  start is a row of zeros, so that the axis is honest).
- Systemfel observations per year: as :class:`~metodbank.derive.ObservationRow`
  dates them, by the observing project's start year; decisions by their own
  ``år``.
- The answer to the question, in numbers: among the projects that have
  ended (avslutat or avbrutet), the share that reached the second or third
  degree in the earlier and the later half of their start years.

Pure functions over a :class:`~metodbank.derive.Derived`; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import vokabular as v
from .bank import Document
from .derive import Derived
from .kinds import Grad


@dataclass
class YearRow:
    år: int
    per_grad: dict[int, int]  # every degree, zeros included
    projekt: list[Document] = field(default_factory=list)

    @property
    def totalt(self) -> int:
        return sum(self.per_grad.values())

    @property
    def andra_eller_tredje(self) -> int:
        return self.per_grad[Grad.ANDRA] + self.per_grad[Grad.TREDJE]

    @property
    def andel_andra_eller_tredje(self) -> float | None:
        return self.andra_eller_tredje / self.totalt if self.totalt else None


@dataclass
class ObservationYear:
    år: int
    observationer: int  # observations by projects that started this year
    projekt: int  # distinct observing projects that started this year
    systemfel: int  # distinct systemfel they observed
    beslut: int  # decisions (``framgång.beslut``) taken this year


@dataclass
class Period:
    """Ended projects that started from ``från`` to ``till``."""

    från: int
    till: int
    avslutade: int
    andra_eller_tredje: int

    @property
    def andel(self) -> float | None:
        return self.andra_eller_tredje / self.avslutade if self.avslutade else None


@dataclass
class Trends:
    per_år: list[YearRow]
    observationer_per_år: list[ObservationYear]
    jämförelse: tuple[Period, Period] | None  # (earlier, later), None with fewer than two start years

    @property
    def totalt(self) -> dict[int, int]:
        return {int(g): sum(r.per_grad[g] for r in self.per_år) for g in Grad}


def _years(values) -> list[int]:
    values = list(values)
    return list(range(min(values), max(values) + 1)) if values else []


def trends(d: Derived) -> Trends:
    projekt = d.projekt_sorted
    by_year: dict[int, YearRow] = {år: YearRow(år, {int(g): 0 for g in Grad})
                                   for år in _years(p.meta.period.start.year for p in projekt)}
    for p in projekt:
        row = by_year[p.meta.period.start.year]
        row.per_grad[p.meta.framgång.grad] += 1
        row.projekt.append(p)

    observations: dict[int, list] = {}
    for facts in d.systemfel.values():
        for r in facts.observationer:
            observations.setdefault(r.år, []).append((facts.systemfel.slug, r.projekt.slug))
    decisions: dict[int, int] = {}
    for p in projekt:
        for beslut in p.meta.framgång.beslut or []:
            decisions[beslut.år] = decisions.get(beslut.år, 0) + 1
    observation_years = [
        ObservationYear(år, len(observations.get(år, [])), len({p for _, p in observations.get(år, [])}),
                        len({s for s, _ in observations.get(år, [])}), decisions.get(år, 0))
        for år in _years([*observations, *decisions])
    ]
    return Trends(list(by_year.values()), observation_years, _comparison(projekt))


def _comparison(projekt: list[Document]) -> tuple[Period, Period] | None:
    """Ended projects in the earlier and the later half of their start years
    (the middle year goes to the earlier half)."""
    ended = [p for p in projekt if p.meta.status in v.STATUS_AVSLUTADE]
    years = sorted({p.meta.period.start.year for p in ended})
    if len(years) < 2:
        return None
    middle = years[0] + (years[-1] - years[0]) // 2

    def period(low: int, high: int) -> Period:
        mine = [p for p in ended if low <= p.meta.period.start.year <= high]
        return Period(low, high, len(mine), sum(1 for p in mine if p.meta.framgång.grad >= Grad.ANDRA))

    return period(years[0], middle), period(middle + 1, years[-1])
