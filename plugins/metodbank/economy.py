"""Vem betalar – vem vinner: every socio-economic calculation in the bank
added up per actor, nationally and per förbund.

The definitions, which the page states in Swedish (``vem_betalar.md.j2``):

- **Vinst** per actor: the sum of ``resultat.socioekonomi.utfall_kr[actor]``
  as written (every ``parter`` key that occurs, plus ``produktionsvarde``).
  Periods and discount rates are summed as given, never recomputed.
- **Insatskostnad**: the sum of ``insatskostnad_kr``.
- **Betalat** per actor: each calculation's ``insatskostnad_kr`` split by the
  project's ``finansiering`` where the amounts are given; the
  samordningsförbund's part split as its members pay for it by law
  (SFS 2003:1210): the state ½ through Försäkringskassan, the region ¼, the
  kommuner ¼. Amounts that add up to more than the insatskostnad are scaled
  down to it in proportion; what no amount covers is "ej fördelat".
- **Vinst − betalat** per actor: the Svarte Petter balance.
- **Netto** = Σ utfall − Σ insatskostnad; **kronor per krona** =
  Σ utfall / Σ insatskostnad.
- Prognoses and follow-ups are kept apart (:data:`TYPER`), never added together.

A project run by several förbund counts in full for each of them (as in the
success pyramid per förbund). Amounts are exact (:class:`~fractions.Fraction`)
and rounded to whole kronor only when shown (:func:`kronor`).

Pure functions over a :class:`~metodbank.derive.Derived`; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from . import vokabular as v
from .bank import Document
from .derive import Derived

#: Prognoses and follow-ups, in the order the pages show them.
TYPER = ("uppföljning", "prognos")
TYP_RUBRIK = {"uppföljning": "Uppföljningar", "prognos": "Prognoser"}

SAMORDNINGSFÖRBUND = "samordningsförbund"
#: How the members of a samordningsförbund share its funding (SFS 2003:1210, 7 §):
#: the state's half is paid through Försäkringskassan.
LAGENS_FÖRDELNING: dict[str, Fraction] = {
    "forsakringskassan": Fraction(1, 2),
    "region": Fraction(1, 4),
    "kommun": Fraction(1, 4),
}
#: A finansiering källa that is itself an actor in the calculations (a ``parter`` key).
KÄLLA_SOM_PART = {"kommun": "kommun", "region": "region"}
# Payers that are no ``parter`` key. Their keys hold a character a vocabulary
# key never has (``a-z0-9-`` only), so no deployment's parter can collide.
ESF = "källa:esf"
ANNAN = "källa:annan"
EJ_FÖRDELAT = "ej fördelat"
KÄLLA_NYCKEL = {"esf": ESF, "annan": ANNAN}
ETIKETTER = {
    v.PRODUKTIONSVÄRDE: "Produktionsvärde",
    ESF: "ESF (Europeiska socialfonden)",
    ANNAN: "Annan finansiering",
    EJ_FÖRDELAT: "Ej fördelat",
}


def kronor(value) -> int:
    """An exact amount rounded to whole kronor, halves away from zero."""
    value = Fraction(value)
    rounded = math.floor(abs(value) + Fraction(1, 2))
    return rounded if value >= 0 else -rounded


def per_krona_text(value: Fraction | None) -> str:
    """Kronor back per krona invested, as shown: two decimals with a comma (``2,94``)."""
    return "–" if value is None else f"{float(value):.2f}".replace(".", ",")


def signed_kr(value) -> str:
    """``+1 200 000 kr`` / ``−700 000 kr`` / ``0 kr``: a balance shown with its sign."""
    amount = kronor(value)
    digits = f"{abs(amount):,}".replace(",", "\u00a0")
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return f"{sign}{digits}\u00a0kr"


def payments(insatskostnad: int, finansiering) -> dict[str, Fraction]:
    """Who paid a calculation's ``insatskostnad`` (see the module docstring),
    payer key -> exact amount; the amounts add up to ``insatskostnad``."""
    given: dict[str, int] = {}
    for item in finansiering or []:
        if item.kr is not None:
            given[item.källa] = given.get(item.källa, 0) + item.kr
    total_given = sum(given.values())
    scale = Fraction(insatskostnad, total_given) if total_given > insatskostnad else Fraction(1)
    paid: dict[str, Fraction] = {}

    def add(key: str, amount: Fraction) -> None:
        if amount:
            paid[key] = paid.get(key, Fraction(0)) + amount

    for källa, amount in given.items():
        share = amount * scale
        if källa == SAMORDNINGSFÖRBUND:
            for key, part in LAGENS_FÖRDELNING.items():
                add(key, share * part)
        elif källa in KÄLLA_SOM_PART:
            add(KÄLLA_SOM_PART[källa], share)
        else:
            add(KÄLLA_NYCKEL.get(källa, ANNAN), share)
    add(EJ_FÖRDELAT, insatskostnad - sum(paid.values(), Fraction(0)))
    return paid


@dataclass
class Calculation:
    """One project's socio-economic calculation, as written, with who paid."""

    projekt: Document
    förbund: list  # derive.Forbund
    typ: str
    kalkylperiod_år: int
    diskonteringsränta: float
    insatskostnad: int
    utfall: dict[str, int]
    betalat: dict[str, Fraction]

    @property
    def summa_utfall(self) -> int:
        return sum(self.utfall.values())

    @property
    def netto(self) -> int:
        return self.summa_utfall - self.insatskostnad

    @property
    def per_krona(self) -> Fraction | None:
        return Fraction(self.summa_utfall, self.insatskostnad) if self.insatskostnad else None


def calculation(doc: Document, förbund: list | None = None) -> Calculation | None:
    """A project's calculation, or None when it has none."""
    resultat = doc.meta.resultat
    s = resultat.socioekonomi if resultat else None
    if s is None:
        return None
    return Calculation(doc, list(förbund or []), s.typ, s.kalkylperiod_år, s.diskonteringsränta,
                       s.insatskostnad_kr, dict(s.utfall_kr), payments(s.insatskostnad_kr, doc.meta.finansiering))


@dataclass
class ActorRow:
    key: str
    label: str
    vinst: int  # Σ utfall_kr for the actor
    betalat: Fraction  # its share of Σ insatskostnad_kr
    # The calculations behind the row, each with its part of it:
    # (projekt, its utfall for the actor or None, what it paid).
    poster: list = field(default_factory=list)

    @property
    def projekt(self) -> list[Document]:
        return [p for p, _, _ in self.poster]

    @property
    def netto(self) -> Fraction:
        return self.vinst - self.betalat

    @property
    def har_utfall(self) -> bool:
        """Whether the actor can gain at all (payers such as ESF have no utfall)."""
        return not self.key.startswith("källa:") and self.key != EJ_FÖRDELAT


@dataclass
class Summary:
    """The calculations of one typ (prognos or uppföljning) in one scope."""

    typ: str
    kalkyler: list[Calculation] = field(default_factory=list)
    aktörer: list[ActorRow] = field(default_factory=list)

    @property
    def rubrik(self) -> str:
        return TYP_RUBRIK[self.typ]

    @property
    def insatskostnad(self) -> int:
        return sum(c.insatskostnad for c in self.kalkyler)

    @property
    def utfall(self) -> int:
        return sum(c.summa_utfall for c in self.kalkyler)

    @property
    def netto(self) -> int:
        return self.utfall - self.insatskostnad

    @property
    def per_krona(self) -> Fraction | None:
        return Fraction(self.utfall, self.insatskostnad) if self.insatskostnad else None

    @property
    def perioder(self) -> list[int]:
        return sorted({c.kalkylperiod_år for c in self.kalkyler})

    @property
    def räntor(self) -> list[float]:
        return sorted({c.diskonteringsränta for c in self.kalkyler})

    @property
    def projekt(self) -> list[Document]:
        return [c.projekt for c in self.kalkyler]


@dataclass
class Economy:
    """Every calculation of one scope (the whole bank or one förbund), per typ."""

    sammanfattningar: list[Summary]  # one per typ in TYPER, empty ones included

    @property
    def antal(self) -> int:
        return sum(len(s.kalkyler) for s in self.sammanfattningar)

    @property
    def med_kalkyler(self) -> list[Summary]:
        return [s for s in self.sammanfattningar if s.kalkyler]


def actor_order(vocab) -> list[str]:
    """The rows' order: the parter vocabulary, produktionsvärde, then the payers that are no actor."""
    return [*vocab.keys("parter"), v.PRODUKTIONSVÄRDE, ESF, ANNAN, EJ_FÖRDELAT]


def label(vocab, key: str) -> str:
    return ETIKETTER.get(key) or vocab.label("parter", key)


def summarise(calculations: list[Calculation], vocab) -> Economy:
    """The calculations added up per typ and actor. ``calculations`` in the
    order the pages list them."""
    order = actor_order(vocab)
    summaries = []
    for typ in TYPER:
        mine = [c for c in calculations if c.typ == typ]
        vinst: dict[str, int] = {}
        betalat: dict[str, Fraction] = {}
        poster: dict[str, list] = {}
        for c in mine:
            for key, amount in c.utfall.items():
                vinst[key] = vinst.get(key, 0) + amount
            for key, amount in c.betalat.items():
                betalat[key] = betalat.get(key, Fraction(0)) + amount
            for key in dict.fromkeys([*c.utfall, *c.betalat]):
                poster.setdefault(key, []).append((c.projekt, c.utfall.get(key), c.betalat.get(key, Fraction(0))))
        keys = set(vinst) | set(betalat)
        ordered = [k for k in order if k in keys] + sorted(keys - set(order))
        rows = [ActorRow(k, label(vocab, k), vinst.get(k, 0), betalat.get(k, Fraction(0)), poster[k])
                for k in ordered]
        summaries.append(Summary(typ, mine, rows))
    return Economy(summaries)


@dataclass
class BankEconomy:
    nationellt: Economy
    per_förbund: dict[str, Economy]  # förbund slug -> its economy (every förbund, empty ones too)
    kalkyler: list[Calculation]


def economy(d: Derived) -> BankEconomy:
    """The national sums and one per förbund. Projects newest first, as the listings."""
    calculations = [c for c in (calculation(doc, d.projekt_förbund[doc.slug]) for doc in d.projekt_sorted) if c]
    per_forbund: dict[str, list[Calculation]] = {slug: [] for slug in d.förbund}
    for c in calculations:
        for f in c.förbund:
            per_forbund[f.slug].append(c)
    return BankEconomy(
        nationellt=summarise(calculations, d.bank.vocab),
        per_förbund={slug: summarise(calcs, d.bank.vocab) for slug, calcs in per_forbund.items()},
        kalkyler=calculations,
    )
