"""Everything the software derives from the content (never written by hand):
per-metod and per-systemfel facts, the cross-indexes, the national systemfel
ranking, the success pyramid and the metod × målgrupp matrix.

Each fact that spans several files is worked out here and nowhere else: which
projects used a metod (:meth:`Derived.used_by`), which observed a systemfel
(:meth:`Derived.observed_by`), the highest degree of a set of projects
(:func:`highest_grade`), and which förbund a project belongs to
(:attr:`Derived.projekt_förbund`, grouped by :mod:`metodbank.forbund`).
The pages, the exports, the catalogue, the Pagefind filters, the terminal
search and "Liknande" read them from a :class:`Derived`. Facts of a single
file are accessors on the model (``Projekt.summary``, ``Projekt.systemfel_ids``).

Pure functions over a :class:`~metodbank.bank.Bank`; no I/O, no MkDocs.
Every list is sorted so that two builds of the same input are identical.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .bank import Bank, Document
from .checks.rules import stale_reason
from .forbund import Identifier, spaced
from .kinds import Grad
from .suggest import slugify


def _sort_key(doc: Document):
    return (doc.meta.titel.casefold(), doc.slug)


def by_recency(docs) -> list[Document]:
    """Projects newest first (by start), then by title."""
    return sorted(docs, key=lambda d: (-d.meta.period.start.first_day.toordinal(), d.meta.titel.casefold(), d.slug))


def highest_grade(projekt) -> int | None:
    """The highest ``framgång.grad`` among ``projekt`` (None for none)."""
    return max((p.meta.framgång.grad for p in projekt), default=None)


def by_grade(docs) -> list[Document]:
    """Projects in the listings' reading order: highest degree first, then
    the most recent start, then by title ("Sorterat efter högsta grad, sedan
    senast startade")."""
    return sorted(docs, key=lambda d: (-d.meta.framgång.grad, -d.meta.period.start.first_day.toordinal(),
                                       d.meta.titel.casefold(), d.slug))


@dataclass
class Forbund:
    """A förbund as it appears in the content, one per identity (:mod:`metodbank.forbund`)."""

    slug: str  # its page: /forbund/<slug>/
    namn: str  # the listed label, or the commonest spelling in the files
    projekt: list[Document] = field(default_factory=list)
    id: str = ""  # its identity: the listed key, or the name with case and spacing normalised


@dataclass
class Implementation:
    projekt: Document
    organisation: str
    år: int
    beskrivning: str
    metod: str | None  # the resolved metod (model.Projekt writes in the implied one)


@dataclass
class MalgruppResult:
    """What the projects of one metod with one målgrupp did. A project with
    several målgrupper counts in each of them, and its participants are the
    whole project's (projects do not report participants per målgrupp)."""

    målgrupp: str
    projekt: list[Document]  # the metod's projects that list the målgrupp, newest first
    deltagare: int | None  # summed over the projects that report deltagare; None when none does
    till_arbete: int | None
    till_studier: int | None
    deltagare_underlag: int  # number of projects behind the participant figures

    @property
    def andel_arbete(self) -> float | None:
        return self.till_arbete / self.deltagare if self.deltagare else None

    @property
    def andel_studier(self) -> float | None:
        return self.till_studier / self.deltagare if self.deltagare else None


@dataclass
class MetodFacts:
    metod: Document
    projekt: list[Document]  # every project that lists the metod
    implementeringar: list[Implementation]  # only those whose metod is this one
    deltagare: int | None
    till_arbete: int | None
    till_studier: int | None
    andel_arbete: float | None
    andel_studier: float | None
    kostnad_per_deltagare: int | None
    kostnad_underlag: int  # number of projects behind the cost figure
    högsta_grad: int | None  # the highest degree among the projects that used it (a project's, not the metod's)
    förbund: list[Forbund]
    lärdomar: list[tuple[Document, str]]
    deltagare_underlag: int = 0  # number of projects behind the participant figures
    projektens_målgrupp: list[str] = field(default_factory=list)  # målgrupp keys of its projects, each once
    projektens_parter: list[str] = field(default_factory=list)  # parter keys of its projects, each once
    # Results per målgrupp, in vocabulary order: every målgrupp of its projects
    # and of the metod itself (the latter may have no projects).
    per_målgrupp: list[MalgruppResult] = field(default_factory=list)

    @property
    def implementerad_efter_projekt(self) -> bool:
        """At least one implementation of this very metod in the line
        organisation after a project: the second degree, for the metod itself."""
        return bool(self.implementeringar)

    @property
    def implementerande_projekt(self) -> list[Document]:
        """The projects behind the metod's own implementations, newest first."""
        slugs = {i.projekt.slug for i in self.implementeringar}
        return [p for p in self.projekt if p.slug in slugs]


@dataclass
class ObservationRow:
    projekt: Document
    förbund: list[Forbund]
    år: int
    observation: str
    underlag: str | None
    antal_berörda: int | None


@dataclass
class DecisionRow:
    projekt: Document
    beslut: object  # model.Beslut


@dataclass
class SystemfelFacts:
    systemfel: Document
    observationer: list[ObservationRow]
    antal_förbund: int
    antal_projekt: int
    målgrupper: list[str]
    beslut: list[DecisionRow]
    rank: int = 0
    förbund: list[Forbund] = field(default_factory=list)  # of the observing projects, by name
    # People affected: the sum of the observations' ``antal_berörda`` where
    # given (None when no observation gives a number), and how many
    # observations gave one.
    antal_berörda: int | None = None
    berörda_underlag: int = 0

    @property
    def projekt(self) -> list[Document]:
        """The projects that observed the systemfel, each once, in observation order."""
        return list({r.projekt.slug: r.projekt for r in self.observationer}.values())


@dataclass
class MatrixCell:
    projekt: list[Document]

    @property
    def antal(self) -> int:
        return len(self.projekt)

    @property
    def högsta_grad(self) -> int | None:
        return highest_grade(self.projekt)


@dataclass
class Derived:
    bank: Bank
    förbund: dict[str, Forbund]  # slug -> Forbund
    projekt_förbund: dict[str, list[Forbund]]  # projekt slug -> its förbund
    metoder: dict[str, MetodFacts]
    systemfel: dict[str, SystemfelFacts]
    ranking: list[SystemfelFacts]
    by_målgrupp: dict[str, list[Document]]
    by_part: dict[str, list[Document]]
    by_grad: dict[int, list[Document]]
    by_status: dict[str, list[Document]]
    by_startår: dict[int, list[Document]]
    pyramid: dict[int, int]
    pyramid_per_förbund: dict[str, dict[int, int]]
    matrix: dict[tuple[str, str], MatrixCell]
    matrix_målgrupper: list[str]
    matrix_metoder: list[str]
    # målgrupp key -> the metoder tried with it (by a project, or by the metod's own målgrupp)
    metoder_per_målgrupp: dict[str, list[MetodFacts]] = field(default_factory=dict)
    # förbund slug -> the systemfel its projects observed, in ranking order
    systemfel_per_förbund: dict[str, list[SystemfelFacts]] = field(default_factory=dict)
    # (projekt, reason) for projects whose status no longer matches their dates, newest first
    behöver_uppdateras: list = field(default_factory=list)

    @property
    def projekt_sorted(self) -> list[Document]:
        return by_recency(self.bank.projekt.values())

    @property
    def projekt_by_grade(self) -> list[Document]:
        """Every project in the listings' reading order (:func:`by_grade`)."""
        return by_grade(self.bank.projekt.values())

    @cached_property
    def _reading_rank(self) -> dict[str, int]:
        return {doc.slug: i for i, doc in enumerate(self.projekt_by_grade)}

    def in_reading_order(self, docs) -> list[Document]:
        """``docs`` (projects of this bank) in the listings' reading order:
        highest degree first, then the most recent start (:func:`by_grade`)."""
        rank = self._reading_rank
        return sorted(docs, key=lambda d: rank[d.slug])

    @property
    def metoder_i_ordning(self) -> list[MetodFacts]:
        """Every metod's facts, by title (the order of ``matrix_metoder``)."""
        return [self.metoder[slug] for slug in self.matrix_metoder]

    def used_by(self, metod: str) -> list[Document]:
        """The projects that list ``metod``, newest first."""
        facts = self.metoder.get(metod)
        return facts.projekt if facts else []

    def observed_by(self, systemfel: str) -> list[Document]:
        """The projects that observed ``systemfel``, each once."""
        facts = self.systemfel.get(systemfel)
        return facts.projekt if facts else []


def derive(bank: Bank, today: dt.date | None = None) -> Derived:
    """``today`` decides which projects need updating (default: the real date)."""
    projekt = sorted(bank.projekt.values(), key=lambda d: d.slug)
    newest_first = by_recency(projekt)
    recency = {doc.slug: i for i, doc in enumerate(newest_first)}  # sorts a subset without re-deriving the key
    forbund, projekt_forbund = _forbund(projekt, bank.vocab, recency)
    # One pass over the projects, so that each metod and systemfel below looks
    # only at its own projects (scanning every project for each of them was
    # quadratic: derive took 0.9 s CPU at 5,000 projects; all of it now takes about 0.4 s).
    using: dict[str, list[Document]] = defaultdict(list)
    observed: dict[str, list] = defaultdict(list)
    decided: dict[str, list] = defaultdict(list)
    for p in projekt:
        for slug in dict.fromkeys(p.meta.metoder):
            using[slug].append(p)
        for obs in p.meta.systemfel or []:
            observed[obs.id].append((p, obs))
        for beslut in p.meta.framgång.beslut or []:
            # Linked by beslut[].systemfel; without that list, by the project's observations.
            for slug in dict.fromkeys(beslut.systemfel) if beslut.systemfel else p.meta.observed_systemfel_ids:
                decided[slug].append((p, beslut))
    metoder = {slug: _metod_facts(doc, using.get(slug, []), projekt_forbund, recency)
               for slug, doc in sorted(bank.metoder.items())}
    systemfel = {slug: _systemfel_facts(doc, observed.get(slug, []), decided.get(slug, []), projekt_forbund)
                 for slug, doc in sorted(bank.systemfel.items())}
    ranking = sorted(
        systemfel.values(),
        key=lambda f: (-f.antal_förbund, -f.antal_projekt, f.systemfel.meta.titel.casefold(), f.systemfel.slug),
    )
    for rank, facts in enumerate(ranking, 1):
        facts.rank = rank

    by_målgrupp, by_part = defaultdict(list), defaultdict(list)
    by_grad, by_status, by_startår = defaultdict(list), defaultdict(list), defaultdict(list)
    for doc in newest_first:
        meta = doc.meta
        for key in dict.fromkeys(meta.målgrupp):
            by_målgrupp[key].append(doc)
        for key in dict.fromkeys(meta.parter):
            by_part[key].append(doc)
        by_grad[meta.framgång.grad].append(doc)
        by_status[meta.status].append(doc)
        by_startår[meta.period.start.year].append(doc)

    pyramid = {int(grad): len(by_grad.get(grad, [])) for grad in Grad}
    per_forbund = {
        slug: {int(grad): sum(1 for p in f.projekt if p.meta.framgång.grad == grad) for grad in Grad}
        for slug, f in forbund.items()
    }

    vocab_order = bank.vocab.keys("målgrupp")
    matrix = {}
    for metod_slug, facts in metoder.items():
        for key in vocab_order:
            matrix[(metod_slug, key)] = MatrixCell([p for p in facts.projekt if key in p.meta.målgrupp])

    for facts in metoder.values():
        facts.per_målgrupp = _results_by_målgrupp(facts, vocab_order)
    metoder_per_målgrupp = {
        key: [f for f in metoder.values() if key in f.projektens_målgrupp or key in (f.metod.meta.målgrupp or [])]
        for key in vocab_order
    }
    systemfel_per_förbund: dict[str, list[SystemfelFacts]] = {slug: [] for slug in forbund}
    for facts in ranking:
        for f in facts.förbund:
            systemfel_per_förbund[f.slug].append(facts)
    today = today or dt.date.today()
    stale = []
    for doc in newest_first:
        reason = stale_reason(doc.meta.status, doc.meta.period.start, doc.meta.period.slut, today)
        if reason:
            stale.append((doc, reason))

    return Derived(
        bank=bank,
        förbund=forbund,
        projekt_förbund=projekt_forbund,
        metoder=metoder,
        systemfel=systemfel,
        ranking=ranking,
        by_målgrupp=dict(by_målgrupp),
        by_part=dict(by_part),
        by_grad=dict(by_grad),
        by_status=dict(by_status),
        by_startår=dict(sorted(by_startår.items())),
        pyramid=pyramid,
        pyramid_per_förbund=per_forbund,
        matrix=matrix,
        matrix_målgrupper=vocab_order,
        matrix_metoder=sorted(metoder, key=lambda s: _sort_key(bank.metoder[s])),
        metoder_per_målgrupp=metoder_per_målgrupp,
        systemfel_per_förbund=systemfel_per_förbund,
        behöver_uppdateras=stale,
    )


def _forbund(projekt: list[Document], vocab, recency: dict[str, int]):
    """Every förbund (slug -> Forbund) and each project's, grouped by the one
    identity rule of :mod:`metodbank.forbund`."""
    identify = Identifier(vocab)
    by_identity: dict[str, Forbund] = {}
    names: dict[str, Counter] = defaultdict(Counter)
    per_project: dict[str, list[Forbund]] = {}
    for doc in projekt:
        mine = []
        for name in doc.meta.förbund:
            identity = identify(name)
            names[identity][spaced(name)] += 1
            if identity not in by_identity:
                by_identity[identity] = Forbund(slug="", namn="", id=identity)
            if by_identity[identity] not in mine:
                mine.append(by_identity[identity])
                by_identity[identity].projekt.append(doc)
        per_project[doc.slug] = mine
    result = {}
    for identity, forbund in by_identity.items():
        if identity in identify.labels:
            # A listed förbund: named by its label, its page by its key.
            forbund.namn = identify.labels[identity]
            slug = slugify(identity) or slugify(forbund.namn) or "forbund"
        else:
            # The most common spelling names it; ties broken alphabetically.
            forbund.namn = sorted(names[identity].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            slug = slugify(forbund.namn) or "forbund"
        while slug in result:
            slug += "-2"
        forbund.slug = slug
        forbund.projekt = sorted(forbund.projekt, key=lambda d: recency[d.slug])
        result[slug] = forbund
    return dict(sorted(result.items())), per_project


def _metod_facts(metod: Document, projekt: list[Document], projekt_forbund, recency: dict[str, int]) -> MetodFacts:
    """``projekt``: the projects that use this metod; ``recency``: every project's place, newest first."""
    used = sorted(projekt, key=lambda d: recency[d.slug])
    # Only this metod's own implementations: a project with several metoder
    # names the one each implementation is of (contract version 2).
    implementations = sorted(
        (
            Implementation(p, impl.organisation, impl.år, impl.beskrivning, impl.metod)
            for p in used
            for impl in p.meta.framgång.implementerad_hos or []
            if impl.metod == metod.slug
        ),
        key=lambda i: (i.år, i.organisation.casefold(), i.projekt.slug),
    )
    reporting = [p for p in used if p.meta.resultat and p.meta.resultat.deltagare is not None]
    deltagare = sum(p.meta.resultat.deltagare for p in reporting) if reporting else None
    arbete = sum(p.meta.resultat.till_arbete or 0 for p in reporting) if reporting else None
    studier = sum(p.meta.resultat.till_studier or 0 for p in reporting) if reporting else None
    costed = [p for p in reporting if p.meta.budget_kr is not None and p.meta.resultat.deltagare]
    cost = None
    if costed:
        cost = round(sum(p.meta.budget_kr for p in costed) / sum(p.meta.resultat.deltagare for p in costed))
    forbund = []
    for p in used:
        for f in projekt_forbund[p.slug]:
            if f not in forbund:
                forbund.append(f)
    return MetodFacts(
        metod=metod,
        projekt=used,
        implementeringar=implementations,
        deltagare=deltagare,
        till_arbete=arbete,
        till_studier=studier,
        andel_arbete=(arbete / deltagare) if deltagare else None,
        andel_studier=(studier / deltagare) if deltagare else None,
        kostnad_per_deltagare=cost,
        kostnad_underlag=len(costed),
        högsta_grad=highest_grade(used),
        förbund=sorted(forbund, key=lambda f: f.namn.casefold()),
        lärdomar=[(p, text) for p in used for text in (p.meta.lärdomar or [])],
        deltagare_underlag=len(reporting),
        projektens_målgrupp=list(dict.fromkeys(key for p in used for key in p.meta.målgrupp)),
        projektens_parter=list(dict.fromkeys(key for p in used for key in p.meta.parter)),
    )


def _results_by_målgrupp(facts: MetodFacts, order: list[str]) -> list[MalgruppResult]:
    """The metod's results per målgrupp, with the same rules as its totals:
    participants and outcomes summed over the projects that report deltagare."""
    keys = set(facts.projektens_målgrupp) | set(facts.metod.meta.målgrupp or [])
    ordered = [k for k in order if k in keys] + sorted(keys - set(order))
    results = []
    for key in ordered:
        projekt = [p for p in facts.projekt if key in p.meta.målgrupp]
        reporting = [p for p in projekt if p.meta.resultat and p.meta.resultat.deltagare is not None]
        results.append(MalgruppResult(
            målgrupp=key,
            projekt=projekt,
            deltagare=sum(p.meta.resultat.deltagare for p in reporting) if reporting else None,
            till_arbete=sum(p.meta.resultat.till_arbete or 0 for p in reporting) if reporting else None,
            till_studier=sum(p.meta.resultat.till_studier or 0 for p in reporting) if reporting else None,
            deltagare_underlag=len(reporting),
        ))
    return results


def _systemfel_facts(systemfel: Document, observations: list, decided: list, projekt_forbund) -> SystemfelFacts:
    """``observations``: (projekt, observation) for this systemfel, in project
    slug order; ``decided``: (projekt, beslut) for the decisions linked to it,
    in project slug order."""
    rows = []
    for p, obs in observations:
        rows.append(
            ObservationRow(p, projekt_forbund[p.slug], p.meta.period.start.year, obs.observation,
                           obs.underlag, obs.antal_berörda)
        )
    rows.sort(key=lambda r: (r.år, r.projekt.meta.titel.casefold(), r.projekt.slug))
    observing = {r.projekt.slug: r.projekt for r in rows}
    forbund = {f.slug: f for r in rows for f in r.förbund}
    målgrupper = sorted({key for p in observing.values() for key in p.meta.målgrupp})
    decisions = sorted((DecisionRow(p, beslut) for p, beslut in decided), key=lambda d: (d.beslut.år, d.projekt.slug))
    counted = [r.antal_berörda for r in rows if r.antal_berörda is not None]
    return SystemfelFacts(systemfel, rows, len(forbund), len(observing), målgrupper, decisions,
                          förbund=sorted(forbund.values(), key=lambda f: f.namn.casefold()),
                          antal_berörda=sum(counted) if counted else None, berörda_underlag=len(counted))
