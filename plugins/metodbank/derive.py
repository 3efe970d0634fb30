"""Everything the software derives from the content (never written by hand):
per-metod and per-systemfel facts, the cross-indexes, the national systemfel
ranking, the success pyramid and the metod × målgrupp matrix.

Pure functions over a :class:`~metodbank.bank.Bank`; no I/O, no MkDocs.
Every list is sorted so that two builds of the same input are identical.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .bank import Bank, Document
from .checks.bankwide import normalise_forbund
from .suggest import slugify


def _sort_key(doc: Document):
    return (doc.meta.titel.casefold(), doc.slug)


def by_recency(docs) -> list[Document]:
    """Projects newest first (by start), then by title."""
    return sorted(docs, key=lambda d: (-d.meta.period.start.first_day.toordinal(), d.meta.titel.casefold(), d.slug))


@dataclass
class Forbund:
    """A förbund as it appears in the content (free names, normalised identity)."""

    slug: str
    namn: str
    projekt: list[Document] = field(default_factory=list)


@dataclass
class Implementation:
    projekt: Document
    organisation: str
    år: int
    beskrivning: str
    metod: str | None  # the resolved metod (model.Projekt writes in the implied one)


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


@dataclass
class MatrixCell:
    projekt: list[Document]

    @property
    def antal(self) -> int:
        return len(self.projekt)

    @property
    def högsta_grad(self) -> int | None:
        return max((p.meta.framgång.grad for p in self.projekt), default=None)


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
    behöver_uppdateras: list = field(default_factory=list)

    @property
    def projekt_sorted(self) -> list[Document]:
        return by_recency(self.bank.projekt.values())


def derive(bank: Bank) -> Derived:
    projekt = sorted(bank.projekt.values(), key=lambda d: d.slug)
    forbund, projekt_forbund = _forbund(projekt)
    # One pass over the projects, so that each metod and systemfel below looks
    # only at its own projects (scanning every project for each of them was
    # quadratic: derive took 0.9 s CPU at 5,000 projects, now 0.2 s).
    using: dict[str, list[Document]] = defaultdict(list)
    observed: dict[str, list] = defaultdict(list)
    for p in projekt:
        for slug in dict.fromkeys(p.meta.metoder):
            using[slug].append(p)
        for obs in p.meta.systemfel or []:
            observed[obs.id].append((p, obs))
    deciding = [p for p in projekt if p.meta.framgång.beslut]
    metoder = {slug: _metod_facts(doc, using.get(slug, []), projekt_forbund)
               for slug, doc in sorted(bank.metoder.items())}
    systemfel = {slug: _systemfel_facts(doc, observed.get(slug, []), deciding, projekt_forbund)
                 for slug, doc in sorted(bank.systemfel.items())}
    ranking = sorted(
        systemfel.values(),
        key=lambda f: (-f.antal_förbund, -f.antal_projekt, f.systemfel.meta.titel.casefold(), f.systemfel.slug),
    )
    for rank, facts in enumerate(ranking, 1):
        facts.rank = rank

    by_målgrupp, by_part = defaultdict(list), defaultdict(list)
    by_grad, by_status, by_startår = defaultdict(list), defaultdict(list), defaultdict(list)
    for doc in by_recency(projekt):
        meta = doc.meta
        for key in dict.fromkeys(meta.målgrupp):
            by_målgrupp[key].append(doc)
        for key in dict.fromkeys(meta.parter):
            by_part[key].append(doc)
        by_grad[meta.framgång.grad].append(doc)
        by_status[meta.status].append(doc)
        by_startår[meta.period.start.year].append(doc)

    pyramid = {grad: len(by_grad.get(grad, [])) for grad in (0, 1, 2, 3)}
    per_forbund = {
        slug: {grad: sum(1 for p in f.projekt if p.meta.framgång.grad == grad) for grad in (0, 1, 2, 3)}
        for slug, f in forbund.items()
    }

    vocab_order = bank.vocab.keys("målgrupp")
    matrix = {}
    for metod_slug, facts in metoder.items():
        for key in vocab_order:
            matrix[(metod_slug, key)] = MatrixCell([p for p in facts.projekt if key in p.meta.målgrupp])

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
    )


def _forbund(projekt: list[Document]):
    by_identity: dict[str, Forbund] = {}
    names: dict[str, Counter] = defaultdict(Counter)
    per_project: dict[str, list[Forbund]] = {}
    for doc in projekt:
        mine = []
        for name in doc.meta.förbund:
            identity = normalise_forbund(name)
            names[identity][name.strip()] += 1
            if identity not in by_identity:
                by_identity[identity] = Forbund(slug="", namn="")
            if by_identity[identity] not in mine:
                mine.append(by_identity[identity])
                by_identity[identity].projekt.append(doc)
        per_project[doc.slug] = mine
    result = {}
    for identity, forbund in by_identity.items():
        # The most common spelling names it; ties broken alphabetically.
        forbund.namn = sorted(names[identity].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        slug = slugify(forbund.namn) or "forbund"
        while slug in result:
            slug += "-2"
        forbund.slug = slug
        forbund.projekt = by_recency(forbund.projekt)
        result[slug] = forbund
    return dict(sorted(result.items())), per_project


def _metod_facts(metod: Document, projekt: list[Document], projekt_forbund) -> MetodFacts:
    """``projekt``: the projects that use this metod."""
    used = by_recency(projekt)
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
        högsta_grad=max((p.meta.framgång.grad for p in used), default=None),
        förbund=sorted(forbund, key=lambda f: f.namn.casefold()),
        lärdomar=[(p, text) for p in used for text in (p.meta.lärdomar or [])],
        deltagare_underlag=len(reporting),
    )


def _systemfel_facts(systemfel: Document, observations: list, deciding: list[Document],
                     projekt_forbund) -> SystemfelFacts:
    """``observations``: (projekt, observation) for this systemfel, in project
    slug order; ``deciding``: every project with decisions, in slug order."""
    rows = []
    for p, obs in observations:
        rows.append(
            ObservationRow(p, projekt_forbund[p.slug], p.meta.period.start.year, obs.observation,
                           obs.underlag, obs.antal_berörda)
        )
    rows.sort(key=lambda r: (r.år, r.projekt.meta.titel.casefold(), r.projekt.slug))
    observing = {r.projekt.slug: r.projekt for r in rows}
    forbund = {f.slug for r in rows for f in r.förbund}
    målgrupper = sorted({key for p in observing.values() for key in p.meta.målgrupp})
    decisions = []
    for p in deciding:
        for beslut in p.meta.framgång.beslut or []:
            explicit = beslut.systemfel
            # Linked by beslut[].systemfel; without that list, by the project's observations.
            if (explicit and systemfel.slug in explicit) or (not explicit and p.slug in observing):
                decisions.append(DecisionRow(p, beslut))
    decisions.sort(key=lambda d: (d.beslut.år, d.projekt.slug))
    return SystemfelFacts(systemfel, rows, len(forbund), len(observing), målgrupper, decisions)
