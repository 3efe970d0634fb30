"""Dates in the content: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A date stands for its whole period: ``2020`` runs from 1 January to
31 December 2020. "Not before" compares the end of one date with the start
of the other, as the contract says.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DatumError(ValueError):
    """A value that is not a date in one of the accepted forms."""


@dataclass(frozen=True, order=True)
class Datum:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> "Datum":
        # YAML reads 2019 as int, 2019-03 as text and 2019-03-01 as a date.
        if isinstance(value, bool):
            raise DatumError("ska vara ett datum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD)")
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            raise DatumError("ska vara ett datum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD)")
        match = _PATTERN.match(value.strip())
        if not match:
            raise DatumError(
                f"'{value}' är inget giltigt datum: skriv ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, t.ex. 2021-03"
            )
        year, month, day = (int(g) if g else None for g in match.groups())
        if not 1900 <= year <= 2100:
            raise DatumError(f"årtalet {year} är orimligt")
        if month is not None and not 1 <= month <= 12:
            raise DatumError(f"'{value}': månaden ska vara 01–12")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise DatumError(f"'{value}': dagen finns inte i den månaden") from None
        return cls(year, month, day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month, self.day)
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def is_before(self, other: "Datum") -> bool:
        """True when this whole period ends before ``other`` begins."""
        return self.last_day < other.first_day

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


def try_parse(value: object) -> Datum | None:
    try:
        return Datum.parse(value)
    except DatumError:
        return None
