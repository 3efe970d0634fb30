"""Printable reports on systemfel: one per systemfel (``/systemfel/<slug>/rapport/``)
and one for the whole index (``/systemfel/rapport/``).

A report is dated by the newest date in its own content — the systemfel's
``historik``, the years of the linked decisions, and the observing projects'
``uppdaterad`` (else ``framgång.bedömd``), all of which the report shows —
never by the clock, so that two builds of the same bank are identical. Of
two dates, the one that begins later is newer; a more precise date wins a
tie (``2016-09-01`` is newer than ``2016``, ``2016`` than ``2015-11``).

Pure functions over :mod:`metodbank.derive`'s facts; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .datum import Datum
from .derive import Derived, SystemfelFacts

#: Where the whole index's report is published, unless a systemfel is itself
#: named ``rapport`` (its page is /systemfel/rapport/): then the fallback.
INDEX_REPORT = "systemfel/rapport.md"
INDEX_REPORT_FALLBACK = "systemfel-rapport/index.md"


def _precision(datum: Datum) -> int:
    return (datum.month is not None) + (datum.day is not None)


def newest(dates) -> Datum | None:
    """The newest of ``dates`` (see the module docstring), or None."""
    return max((d for d in dates if d is not None), key=lambda d: (d.first_day, _precision(d)), default=None)


def projekt_datum(projekt) -> Datum | None:
    """When a project's write-up was last brought up to date: ``uppdaterad``, else ``framgång.bedömd``."""
    return projekt.meta.uppdaterad or projekt.meta.framgång.bedömd


def dates(facts: SystemfelFacts) -> list[Datum]:
    """Every date a systemfel's report shows."""
    found = [h.datum for h in facts.systemfel.meta.historik or []]
    found += [Datum(r.beslut.år) for r in facts.beslut]
    found += [projekt_datum(p) for p in facts.projekt]
    return [d for d in found if d is not None]


@dataclass
class Report:
    src_uri: str
    datum: Datum | None  # the newest date in its content
    systemfel: list[SystemfelFacts]  # in ranking order

    @property
    def url(self) -> str:
        stem = self.src_uri[: -len(".md")]
        return (stem[: -len("index")] if stem.endswith("/index") else stem + "/")

    @property
    def page(self) -> str:
        """The built page, relative to the site (``systemfel/x/rapport/index.html``)."""
        return self.url + "index.html"

    @property
    def pdf_name(self) -> str:
        """The report's PDF, beside its page (:mod:`metodbank.report_pdf`),
        named so that reports saved into one folder keep apart."""
        if self.src_uri in (INDEX_REPORT, INDEX_REPORT_FALLBACK):
            return "metodbanken-systemfelsindex.pdf"
        return f"metodbanken-systemfel-{self.systemfel[0].systemfel.slug}.pdf"


def report(facts: SystemfelFacts) -> Report:
    return Report(f"systemfel/{facts.systemfel.slug}/rapport.md", newest(dates(facts)), [facts])


def index_report_uri(d: Derived) -> str:
    return INDEX_REPORT_FALLBACK if "rapport" in d.systemfel else INDEX_REPORT


def index_report_url(d: Derived) -> str:
    """The whole index's report, relative to the site root (``systemfel/rapport/``)."""
    return Report(index_report_uri(d), None, []).url


def index_report(d: Derived) -> Report:
    return Report(index_report_uri(d), newest(x for f in d.ranking for x in dates(f)), list(d.ranking))


def all_reports(d: Derived) -> list[Report]:
    """The whole index's report, then one per systemfel."""
    return [index_report(d), *(report(facts) for facts in d.systemfel.values())]
