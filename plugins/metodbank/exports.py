"""Open data exports: JSON with stable field names, and CSV that opens
correctly in Swedish Excel (UTF-8 with BOM, ';' separator) and carries the
same facts as the JSON.

Every CSV file is one :class:`Table`. Its columns – name, type, constraints,
description and how each cell is read from the bank – are written once,
here: the CSV writer takes its header and cells from them, and
:mod:`metodbank.datapackage` describes the same columns in
``data/datapackage.json``, so the files and their description cannot drift.

Conventions every table follows (``docs/oppna-data.md`` says them in Swedish):

- a list in one cell is written with :data:`LIST_SEPARATOR` between items,
  the same in every file;
- a list of objects (implementations, decisions, observations, ``utfall_kr``,
  ``finansiering`` …) has a file of its own, one row per object, keyed by the
  slug of the file it belongs to (a foreign key in the data package);
- a vocabulary key has its label beside it (``målgrupp``, ``målgrupp_etiketter``);
- an integer is written as an integer and a missing value as an empty cell,
  never as ``12.0``;
- text that a spreadsheet would run as a formula gets a leading ``'``
  (:func:`csv_cell`);
- ``url`` is absolute when the site's address (``site_url``) is known,
  relative to the site's root otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from . import datapackage
from . import vokabular as v
from .bank import Document
# The writer's settings are the ones the data package states.
from .datapackage import CSV_DIALECT, LIST_SEPARATOR
from .derive import Derived
from .kinds import Grad
from .model import SLUG_PATTERN

EXPORT_VERSION = 1


def absolute_url(site_url: str, url: str) -> str:
    """``url`` (relative to the site's root) under ``site_url`` when that is known."""
    return f"{site_url}{url}" if site_url else url


def _plain(value):
    """Model values as JSON: dates as text, models as dicts, None dropped."""
    if hasattr(value, "model_dump"):
        return {k: _plain(v) for k, v in value.model_dump().items() if v is not None}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def projekt_records(d: Derived, site_url: str = "") -> list[dict]:
    records = []
    for doc in sorted(d.bank.projekt.values(), key=lambda p: p.slug):
        record = {"slug": doc.slug, "url": absolute_url(site_url, doc.url), **_plain(doc.meta)}
        record["förbund_slug"] = [f.slug for f in d.projekt_förbund[doc.slug]]
        records.append(record)
    return records


def metod_records(d: Derived, site_url: str = "") -> list[dict]:
    records = []
    for slug, f in d.metoder.items():
        records.append({
            "slug": slug,
            "url": absolute_url(site_url, f.metod.url),
            **_plain(f.metod.meta),
            "härlett": {
                "projekt": [p.slug for p in f.projekt],
                "högsta_grad": f.högsta_grad,
                "förbund": [x.namn for x in f.förbund],
                "deltagare": f.deltagare,
                "till_arbete": f.till_arbete,
                "till_studier": f.till_studier,
                "kostnad_per_deltagare_kr": f.kostnad_per_deltagare,
                # Only the metod's own implementations, each with its resolved metod.
                "implementerad_hos": [
                    {"organisation": i.organisation, "år": i.år, "projekt": i.projekt.slug, "metod": i.metod}
                    for i in f.implementeringar
                ],
            },
        })
    return records


def systemfel_records(d: Derived, site_url: str = "") -> list[dict]:
    records = []
    for f in d.ranking:
        records.append({
            "slug": f.systemfel.slug,
            "url": absolute_url(site_url, f.systemfel.url),
            **_plain(f.systemfel.meta),
            "härlett": {
                "plats": f.rank,
                "antal_förbund": f.antal_förbund,
                "antal_projekt": f.antal_projekt,
                "målgrupper": f.målgrupper,
                "observationer": [
                    {"projekt": r.projekt.slug, "förbund": [x.namn for x in r.förbund], "år": r.år,
                     "observation": r.observation, "underlag": r.underlag, "antal_berörda": r.antal_berörda}
                    for r in f.observationer
                ],
                "beslut": [{"projekt": r.projekt.slug, **_plain(r.beslut)} for r in f.beslut],
            },
        })
    return records


def to_json(records: list[dict], kind: str) -> str:
    """The export document, one record per line: still easy to read and diff,
    and written by json's C encoder (``indent`` would switch to the pure-Python
    one, 1 s of a 5,000-project build)."""
    head = {"version": EXPORT_VERSION, "typ": kind, "antal": len(records)}
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return json.dumps(head, ensure_ascii=False)[:-1] + (f', "poster": [\n{lines}\n]}}\n' if records else ', "poster": []}\n')


# --------------------------------------------------------------------------
# CSV cells

# A text cell starting with one of these is a formula to Excel and
# LibreOffice (tab and carriage return too, by OWASP's advice on CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A value as written to a CSV cell: text that a spreadsheet would run as
    a formula gets a leading ' (shown as text, never evaluated); numbers,
    negative ones included, stay numbers. The JSON exports keep the text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# --------------------------------------------------------------------------
# The tables: one description of every CSV file


@dataclass(frozen=True)
class Context:
    """What a cell may need besides its row: the bank's derived facts and the site's address."""

    d: Derived
    site_url: str = ""

    def url(self, relative: str) -> str:
        return absolute_url(self.site_url, relative)

    def labels(self, vocabulary: str, keys) -> list[str] | None:
        return None if keys is None else [self.d.bank.vocab.label(vocabulary, key) for key in keys]


# Table Schema types (https://datapackage.org/standard/table-schema/#field-types).
STRING, INTEGER, NUMBER, LIST = "string", "integer", "number", "list"


@dataclass(frozen=True)
class Column:
    """One column of a CSV file, and its field in the data package."""

    name: str
    type: str  # STRING, INTEGER, NUMBER or LIST (a list of text items, LIST_SEPARATOR between them)
    description: str  # Swedish, for the data package
    get: Callable[[Any, Context], Any]  # (row, context) -> the value: text, int, float, list of text or None
    required: bool = False
    # The allowed values: a fixed list, or a function of the bank's vocabularies.
    enum: Sequence | Callable[[v.Vocabularies], Sequence] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    pattern: str | None = None  # for the whole value (Table Schema anchors it)


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str  # the name of the referenced table
    key: str = "slug"


@dataclass(frozen=True)
class Table:
    """One CSV file: ``data/<name>.csv``, one row per item of ``rows``."""

    name: str
    title: str  # Swedish
    description: str  # Swedish
    rows: Callable[[Context], Iterable]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def csv(self, context: Context) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=CSV_DIALECT["delimiter"], lineterminator=CSV_DIALECT["lineTerminator"],
                            quotechar=CSV_DIALECT["quoteChar"], doublequote=CSV_DIALECT["doubleQuote"])
        writer.writerow(self.header)
        for row in self.rows(context):
            writer.writerow([_cell(column, column.get(row, context)) for column in self.columns])
        return "\ufeff" + buffer.getvalue()


def _cell(column: Column, value) -> object:
    if column.type == LIST and value is not None:
        value = LIST_SEPARATOR.join(str(item) for item in value)
    elif column.type == INTEGER and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        # An integer column never holds 12.0 (or True): readers would take the column for decimals.
        raise TypeError(f"{column.name}: {value!r} är inget heltal")
    return csv_cell(value)


# Patterns (anchored by the reader, as Table Schema says).
SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")
DATUM = r"\d{4}(-\d{2}(-\d{2})?)?"
LÄNK = r"https?://\S+"
ÅR = {"minimum": 1900, "maximum": 2100}
GRADER = {"minimum": min(Grad), "maximum": max(Grad)}
DATUM_TEXT = "ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD"


def _slug(description: str, get=lambda row, c: row.slug) -> Column:
    return Column("slug", STRING, description, get, required=True, pattern=SLUG)


def _ref(name: str, description: str, get) -> Column:
    """A column that names another file by its slug (a foreign key)."""
    return Column(name, STRING, description, get, required=True, pattern=SLUG)


def _url(whose: str, get) -> Column:
    return Column("url", STRING, f"{whose} sida på webbplatsen: en fullständig adress när webbplatsens adress"
                                 f" (site_url) är känd, annars räknad från webbplatsens rot.", get, required=True)


def _text(name: str, description: str, get, required: bool = False) -> Column:
    return Column(name, STRING, description, get, required=required)


def _date(name: str, description: str, get, required: bool = False) -> Column:
    return Column(name, STRING, f"{description} ({DATUM_TEXT}).",
                  lambda row, c: None if (value := get(row, c)) is None else str(value),
                  required=required, pattern=DATUM)


def _count(name: str, description: str, get, required: bool = False, **limits) -> Column:
    return Column(name, INTEGER, description, get, required=required, minimum=limits.pop("minimum", 0), **limits)


def _list(name: str, description: str, get, required: bool = False) -> Column:
    return Column(name, LIST, f"{description} Flera värden skiljs åt med '{LIST_SEPARATOR.strip()}'.", get,
                  required=required)


def _link(name: str, description: str, get) -> Column:
    return Column(name, STRING, description, get, pattern=LÄNK)


def _projekt_sorted(c: Context) -> list[Document]:
    return sorted(c.d.bank.projekt.values(), key=lambda p: p.slug)


def _per_projekt(items: Callable[[Document], Iterable]) -> Callable[[Context], Iterable]:
    """Rows (project, item) for every item of every project, projects by slug, items as written."""
    return lambda c: ((doc, item) for doc in _projekt_sorted(c) for item in items(doc) or [])


def _resultat(doc):
    return doc.meta.resultat


def _socio(doc):
    return doc.meta.resultat.socioekonomi if doc.meta.resultat else None


def _of(part, field: str):
    """``row``'s ``part`` (a function) and then its ``field``; None when the part is missing."""
    return lambda row, c: None if (p := part(row)) is None else getattr(p, field)


def _grad_label(grad) -> str | None:
    return None if grad is None else Grad(grad).label


# The label the project page shows for the one utfall_kr key outside ``parter``.
PRODUKTIONSVÄRDE_ETIKETT = "Produktionsvärde"

PROJEKT_REF = "Projektet (filnamnet utan .md i projekt/)."

PROJEKT = Table(
    "projekt", "Projekt",
    "Ett projekt per rad, sorterade på slug. Uppgifter som kan finnas flera gånger i ett projekt "
    "(finansiering, utfall, implementeringar, beslut, observationer, lärdomar och utvärderingar) står i egna "
    "filer, med projektets slug i kolumnen projekt.",
    _projekt_sorted,
    (
        _slug("Projektets filnamn utan .md: dess unika nyckel och adress."),
        _text("titel", "Projektets namn.", lambda p, c: p.meta.titel, required=True),
        _list("förbund", "Förbunden som driver projektet, som de står i filen.", lambda p, c: p.meta.förbund,
              required=True),
        _list("förbund_slug", "Förbundens adresser på webbplatsen (forbund/<förbund_slug>/), i samma ordning"
              " som förbunden räknas fram (ett förbund som skrivits på två sätt räknas en gång).",
              lambda p, c: [f.slug for f in c.d.projekt_förbund[p.slug]], required=True),
        _list("kommuner", "Kommunerna projektet verkar i.", lambda p, c: p.meta.kommuner),
        Column("status", STRING, "Projektets läge.", lambda p, c: p.meta.status, required=True,
               enum=v.STATUS_PROJEKT),
        _date("start", "När projektet startade", lambda p, c: p.meta.period.start, required=True),
        _date("slut", "När projektet slutade", lambda p, c: p.meta.period.slut),
        _date("uppdaterad", "När beskrivningen senast sågs över", lambda p, c: p.meta.uppdaterad),
        _count("grad", "Högsta grad av framgång som projektet nått (0–3).", lambda p, c: p.meta.framgång.grad,
               required=True, **GRADER),
        _text("grad_etikett", "Gradens namn.", lambda p, c: _grad_label(p.meta.framgång.grad), required=True),
        _list("målgrupp", "Målgrupperna, som nycklar ur vokabulären målgrupp.", lambda p, c: p.meta.målgrupp,
              required=True),
        _list("målgrupp_etiketter", "Målgruppernas namn, i samma ordning.",
              lambda p, c: c.labels("målgrupp", p.meta.målgrupp), required=True),
        _list("parter", "Parterna, som nycklar ur vokabulären parter.", lambda p, c: p.meta.parter, required=True),
        _list("parter_etiketter", "Parternas namn, i samma ordning.",
              lambda p, c: c.labels("parter", p.meta.parter), required=True),
        _list("metoder", "Metoderna projektet använt (slug i metoder.csv).", lambda p, c: p.meta.metoder,
              required=True),
        _list("systemfel", "Systemfelen projektet observerat (slug i systemfel.csv); själva observationerna"
              " finns i observationer.csv.", lambda p, c: p.meta.observed_systemfel_ids),
        _count("deltagare", "Antal personer som började i insatsen.", _of(_resultat, "deltagare")),
        _count("till_arbete", "Antal deltagare som gick till arbete.", _of(_resultat, "till_arbete")),
        _count("till_studier", "Antal deltagare som gick till studier.", _of(_resultat, "till_studier")),
        _count("budget_kr", "Projektets budget i kronor.", lambda p, c: p.meta.budget_kr),
        _text("sammanfattning", "Resultatet i korthet.", _of(_resultat, "sammanfattning")),
        Column("mättidpunkt", STRING, "När resultatet mättes.", _of(_resultat, "mättidpunkt"),
               enum=v.MÄTTIDPUNKT),
        Column("kalkyltyp", STRING, "Den socioekonomiska kalkylens slag (resultat.socioekonomi.typ).",
               _of(_socio, "typ"), enum=v.KALKYLTYP),
        _count("kalkylperiod_år", "Kalkylens period i år.", _of(_socio, "kalkylperiod_år"), minimum=1, maximum=50),
        Column("diskonteringsränta", NUMBER, "Kalkylens diskonteringsränta (0.04 = 4 procent).",
               _of(_socio, "diskonteringsränta"), minimum=0, maximum=0.2),
        _count("insatskostnad_kr", "Kalkylens kostnad för insatsen i kronor; utfallet per aktör finns i"
               " utfall.csv.", _of(_socio, "insatskostnad_kr")),
        _text("motivering", "Varför projektet har den graden.", lambda p, c: p.meta.framgång.motivering,
              required=True),
        _date("bedömd", "När graden bedömdes", lambda p, c: p.meta.framgång.bedömd),
        Column("bedömd_av", STRING, "Vem som bedömde graden.", lambda p, c: p.meta.framgång.bedömd_av,
               enum=v.BEDÖMD_AV),
        _text("avbrottsorsak", "Varför projektet avbröts.", lambda p, c: p.meta.avbrottsorsak),
        _text("kontakt", "Kontakt: en organisation eller funktion.", lambda p, c: p.meta.kontakt),
        _url("Projektets", lambda p, c: c.url(p.url)),
    ),
    primary_key=("slug",),
)

FINANSIERING = Table(
    "finansiering", "Projektens finansiering",
    "En rad per finansiär och projekt (projektets finansiering), i filens ordning.",
    _per_projekt(lambda doc: doc.meta.finansiering),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        Column("källa", STRING, "Varifrån pengarna kom.", lambda row, c: row[1].källa, required=True,
               enum=v.FINANSIERINGSKÄLLA),
        _count("kr", "Belopp i kronor.", lambda row, c: row[1].kr),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"),),
)

UTFALL = Table(
    "utfall", "Socioekonomiskt utfall per aktör",
    "En rad per aktör i projektens socioekonomiska kalkyler (resultat.socioekonomi.utfall_kr): nettovinst"
    " (+) eller kostnad (−) i kronor. Kalkylens övriga uppgifter står i projekt.csv.",
    lambda c: ((doc, aktör, kr) for doc in _projekt_sorted(c) if (s := _socio(doc))
               for aktör, kr in s.utfall_kr.items()),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        Column("aktör", STRING, "Aktören: en nyckel ur vokabulären parter, eller produktionsvarde.",
               lambda row, c: row[1], required=True, enum=lambda vocab: vocab.utfall_keys()),
        _text("aktör_etikett", "Aktörens namn.", lambda row, c: PRODUKTIONSVÄRDE_ETIKETT
              if row[1] == v.PRODUKTIONSVÄRDE else c.d.bank.vocab.label("parter", row[1]), required=True),
        Column("utfall_kr", INTEGER, "Nettovinst (+) eller kostnad (−) för aktören, i kronor.",
               lambda row, c: row[2], required=True),
    ),
    primary_key=("projekt", "aktör"),
    foreign_keys=(ForeignKey("projekt", "projekt"),),
)

IMPLEMENTERINGAR = Table(
    "implementeringar", "Implementeringar",
    "En rad för varje organisation som använder en metod efter ett projekt (framgång.implementerad_hos),"
    " med den metod som implementerades (också när projektet bara har en metod och filen inte skriver ut den).",
    _per_projekt(lambda doc: doc.meta.framgång.implementerad_hos),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        _ref("metod", "Metoden som implementerades (slug i metoder.csv).", lambda row, c: row[1].metod),
        _text("organisation", "Organisationen som använder metoden.", lambda row, c: row[1].organisation,
              required=True),
        _count("år", "Året då metoden började användas där.", lambda row, c: row[1].år, required=True, **ÅR),
        _text("beskrivning", "Hur metoden används.", lambda row, c: row[1].beskrivning, required=True),
        _url("Projektets", lambda row, c: c.url(row[0].url)),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"), ForeignKey("metod", "metoder")),
)


def _linked_systemfel(c: Context) -> dict[int, list[str]]:
    """Each decision (by identity) -> the systemfel it is counted under, in ranking order."""
    linked: dict[int, list[str]] = {}
    for facts in c.d.ranking:
        for row in facts.beslut:
            linked.setdefault(id(row.beslut), []).append(facts.systemfel.slug)
    return linked


def _beslut_rows(c: Context):
    linked = _linked_systemfel(c)
    for doc in _projekt_sorted(c):
        for beslut in doc.meta.framgång.beslut or []:
            yield doc, beslut, linked.get(id(beslut), [])


BESLUT = Table(
    "beslut", "Beslut",
    "En rad per systemförändrande beslut som ett projekt gett underlag till (framgång.beslut).",
    _beslut_rows,
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        _text("beslut", "Vad som beslutades.", lambda row, c: row[1].beslut, required=True),
        _text("beslutsfattare", "Vem som fattade beslutet.", lambda row, c: row[1].beslutsfattare, required=True),
        _count("år", "Året för beslutet.", lambda row, c: row[1].år, required=True, **ÅR),
        _list("systemfel", "Systemfelen som beslutet enligt filen gäller (slug i systemfel.csv).",
              lambda row, c: row[1].systemfel),
        _list("kopplade_systemfel", "Systemfelen som beslutet räknas till på webbplatsen: de i kolumnen"
              " systemfel, annars de som projektet observerat.", lambda row, c: row[2]),
        _link("länk", "Länk till beslutet.", lambda row, c: row[1].länk),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"),),
)

OBSERVATIONER = Table(
    "observationer", "Observationer av systemfel",
    "En rad för varje gång ett projekt observerat ett systemfel (projektets systemfel).",
    _per_projekt(lambda doc: doc.meta.systemfel),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        _ref("systemfel", "Systemfelet som observerades (slug i systemfel.csv).", lambda row, c: row[1].id),
        _list("förbund", "Förbunden bakom observationen (projektets förbund, med namnen de har på webbplatsen).",
              lambda row, c: [f.namn for f in c.d.projekt_förbund[row[0].slug]], required=True),
        _count("år", "Året då projektet startade.", lambda row, c: row[0].meta.period.start.year, required=True,
               **ÅR),
        _text("observation", "Vad projektet såg.", lambda row, c: row[1].observation, required=True),
        Column("underlag", STRING, "Vad observationen bygger på.", lambda row, c: row[1].underlag,
               enum=v.UNDERLAG),
        _count("antal_berörda", "Antal personer i projektet som systemfelet drabbade.",
               lambda row, c: row[1].antal_berörda),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"), ForeignKey("systemfel", "systemfel")),
)

LÄRDOMAR = Table(
    "lardomar", "Lärdomar",
    "En rad per lärdom, i projektets ordning.",
    _per_projekt(lambda doc: doc.meta.lärdomar),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        _text("lärdom", "Lärdomen (en av projektets lärdomar).", lambda row, c: row[1], required=True),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"),),
)

UTVÄRDERINGAR = Table(
    "utvarderingar", "Utvärderingar",
    "En rad per utvärdering eller rapport om ett projekt (projektets utvärdering).",
    _per_projekt(lambda doc: doc.meta.utvärdering),
    (
        _ref("projekt", PROJEKT_REF, lambda row, c: row[0].slug),
        _text("titel", "Utvärderingens titel.", lambda row, c: row[1].titel, required=True),
        _link("länk", "Länk till utvärderingen.", lambda row, c: row[1].länk),
    ),
    foreign_keys=(ForeignKey("projekt", "projekt"),),
)


def _evidens(f):
    return f.metod.meta.evidens


METODER = Table(
    "metoder", "Metoder",
    "En metod per rad, sorterade på slug, med det som räknats fram ur projekten som använt den. Metodernas"
    " källor finns i kallor.csv, deras implementeringar i implementeringar.csv (kolumnen metod).",
    lambda c: c.d.metoder.values(),
    (
        _slug("Metodens filnamn utan .md: dess unika nyckel och adress.", lambda f, c: f.metod.slug),
        _text("titel", "Metodens namn.", lambda f, c: f.metod.meta.titel, required=True),
        _text("sammanfattning", "Metoden i korthet.", lambda f, c: f.metod.meta.sammanfattning, required=True),
        _list("målgrupp", "Målgrupperna metoden är tänkt för, som nycklar ur vokabulären målgrupp.",
              lambda f, c: f.metod.meta.målgrupp),
        _list("målgrupp_etiketter", "Målgruppernas namn, i samma ordning.",
              lambda f, c: c.labels("målgrupp", f.metod.meta.målgrupp)),
        _text("förutsättningar", "Vad metoden kräver.", lambda f, c: f.metod.meta.förutsättningar),
        _count("insatstid_månader", "Typisk insatstid för en deltagare, i månader.",
               lambda f, c: f.metod.meta.insatstid_månader, minimum=1, maximum=120),
        Column("evidens_nivå", STRING, "Hur starkt stöd metoden har i forskningen.", _of(_evidens, "nivå"),
               enum=v.EVIDENSNIVÅ),
        _text("evidens_källa", "Varifrån bedömningen av evidensen kommer.", _of(_evidens, "källa")),
        _link("evidens_länk", "Länk till evidensen.", _of(_evidens, "länk")),
        _count("antal_projekt", "Antal projekt som använt metoden.", lambda f, c: len(f.projekt), required=True),
        _list("projekt", "Projekten som använt metoden (slug i projekt.csv), nyast först.",
              lambda f, c: [p.slug for p in f.projekt]),
        _count("högsta_grad", "Den högsta graden bland projekten som använt metoden.",
               lambda f, c: f.högsta_grad, **GRADER),
        _text("högsta_grad_etikett", "Gradens namn.", lambda f, c: _grad_label(f.högsta_grad)),
        _count("antal_implementeringar", "Antal implementeringar av just den här metoden.",
               lambda f, c: len(f.implementeringar), required=True),
        _list("förbund", "Förbunden som använt metoden (med namnen de har på webbplatsen).",
              lambda f, c: [x.namn for x in f.förbund]),
        _count("deltagare", "Deltagare, summerat över projekten som använt metoden och redovisat deltagare.",
               lambda f, c: f.deltagare),
        _count("till_arbete", "Till arbete, summerat på samma sätt.", lambda f, c: f.till_arbete),
        _count("till_studier", "Till studier, summerat på samma sätt.", lambda f, c: f.till_studier),
        _count("kostnad_per_deltagare_kr", "Budget per deltagare i kronor, över projekten som redovisat både"
               " budget och deltagare.", lambda f, c: f.kostnad_per_deltagare),
        _url("Metodens", lambda f, c: c.url(f.metod.url)),
    ),
    primary_key=("slug",),
)

KÄLLOR = Table(
    "kallor", "Metodernas källor",
    "En rad per källa till en metod (metodens källor).",
    lambda c: ((f.metod, källa) for f in c.d.metoder.values() for källa in f.metod.meta.källor or []),
    (
        _ref("metod", "Metoden (slug i metoder.csv).", lambda row, c: row[0].slug),
        _text("titel", "Källans titel.", lambda row, c: row[1].titel, required=True),
        _link("länk", "Länk till källan.", lambda row, c: row[1].länk),
    ),
    foreign_keys=(ForeignKey("metod", "metoder"),),
)

SYSTEMFEL = Table(
    "systemfel", "Systemfel",
    "Ett systemfel per rad, i indexets ordning (flest förbund som observerat det först). Observationerna"
    " finns i observationer.csv, besluten i beslut.csv och händelserna i historik.csv.",
    lambda c: c.d.ranking,
    (
        _count("plats", "Platsen i det nationella indexet.", lambda f, c: f.rank, required=True, minimum=1),
        _slug("Systemfelets filnamn utan .md: dess unika nyckel och adress.", lambda f, c: f.systemfel.slug),
        _text("titel", "Systemfelets namn.", lambda f, c: f.systemfel.meta.titel, required=True),
        _text("sammanfattning", "Systemfelet i korthet.", lambda f, c: f.systemfel.meta.sammanfattning,
              required=True),
        _count("antal_förbund", "Antal förbund som observerat systemfelet.", lambda f, c: f.antal_förbund,
               required=True),
        _count("antal_projekt", "Antal projekt som observerat systemfelet.", lambda f, c: f.antal_projekt,
               required=True),
        Column("kategori", STRING, "Kategorin, som nyckel ur vokabulären kategori.",
               lambda f, c: f.systemfel.meta.kategori, required=True, enum=lambda vocab: vocab.keys("kategori")),
        _text("kategori_etikett", "Kategorins namn.",
              lambda f, c: c.d.bank.vocab.label("kategori", f.systemfel.meta.kategori), required=True),
        _list("berörda", "Parterna som berörs, som nycklar ur vokabulären parter.",
              lambda f, c: f.systemfel.meta.berörda, required=True),
        _list("berörda_etiketter", "Parternas namn, i samma ordning.",
              lambda f, c: c.labels("parter", f.systemfel.meta.berörda), required=True),
        Column("beslutsnivå", STRING, "Var felet kan rättas.", lambda f, c: f.systemfel.meta.beslutsnivå,
               required=True, enum=v.BESLUTSNIVÅ),
        _list("ansvarig", "Vilka som kan rätta felet.", lambda f, c: f.systemfel.meta.ansvarig),
        _list("regelverk", "Lagar och förordningar som berörs.", lambda f, c: f.systemfel.meta.regelverk),
        _text("förslag", "Den föreslagna ändringen.", lambda f, c: f.systemfel.meta.förslag, required=True),
        Column("status", STRING, "Systemfelets läge.", lambda f, c: f.systemfel.meta.status, required=True,
               enum=v.STATUS_SYSTEMFEL),
        _list("målgrupper", "Målgrupperna i projekten som observerat felet, som nycklar ur vokabulären målgrupp.",
              lambda f, c: f.målgrupper),
        _list("målgrupper_etiketter", "Målgruppernas namn, i samma ordning.",
              lambda f, c: c.labels("målgrupp", f.målgrupper)),
        _url("Systemfelets", lambda f, c: c.url(f.systemfel.url)),
    ),
    primary_key=("slug",),
)

HISTORIK = Table(
    "historik", "Systemfelens historik",
    "En rad per händelse i ett systemfels historik, i datumordning.",
    lambda c: ((f.systemfel, h) for f in c.d.ranking for h in f.systemfel.meta.historik or []),
    (
        _ref("systemfel", "Systemfelet (slug i systemfel.csv).", lambda row, c: row[0].slug),
        _date("datum", "När det hände", lambda row, c: row[1].datum, required=True),
        Column("status", STRING, "Systemfelets läge efter händelsen.", lambda row, c: row[1].status,
               required=True, enum=v.STATUS_SYSTEMFEL),
        _text("händelse", "Vad som hände.", lambda row, c: row[1].händelse, required=True),
        _link("länk", "Länk till händelsen.", lambda row, c: row[1].länk),
    ),
    foreign_keys=(ForeignKey("systemfel", "systemfel"),),
)

#: Every CSV file, in the order the data package lists them.
TABLES: tuple[Table, ...] = (PROJEKT, FINANSIERING, UTFALL, IMPLEMENTERINGAR, BESLUT, OBSERVATIONER, LÄRDOMAR,
                             UTVÄRDERINGAR, METODER, KÄLLOR, SYSTEMFEL, HISTORIK)

#: The JSON documents in data/: (name, title, what each holds). katalog.json
#: is written by :mod:`metodbank.site.catalogue`, beside these.
JSON_FILES: tuple[tuple[str, str, str], ...] = (
    ("projekt", "Projekt (JSON)", "Alla projekt med alla uppgifter ur filerna, sorterade på slug, under poster."),
    ("metoder", "Metoder (JSON)", "Alla metoder under poster, med det som räknats fram ur projekten under härlett."),
    ("systemfel", "Systemfel (JSON)", "Systemfelen i indexets ordning under poster, med observationer och beslut"
                                      " under härlett."),
    ("katalog", "Katalogen (JSON)", "Den kompakta katalogen bakom sidan Hitta projekt och metoder, byggd för"
                                    " webbläsaren: för analyser passar de andra filerna bättre."),
)


def projekt_csv(d: Derived, site_url: str = "") -> str:
    return PROJEKT.csv(Context(d, site_url))


def metoder_csv(d: Derived, site_url: str = "") -> str:
    return METODER.csv(Context(d, site_url))


def systemfel_csv(d: Derived, site_url: str = "") -> str:
    return SYSTEMFEL.csv(Context(d, site_url))


def implementeringar_csv(d: Derived, site_url: str = "") -> str:
    """One row per ``framgång.implementerad_hos`` item of every project, with
    its resolved metod (implied when the project lists one metod)."""
    return IMPLEMENTERINGAR.csv(Context(d, site_url))


def data_files(d: Derived, site_url: str = "") -> dict[str, str]:
    """Every export and the data package that describes them, keyed by its
    path in the site. ``site_url`` (with a trailing '/', or "") makes the
    ``url`` of every item absolute."""
    context = Context(d, site_url)
    files = {
        "data/projekt.json": to_json(projekt_records(d, site_url), "projekt"),
        "data/metoder.json": to_json(metod_records(d, site_url), "metoder"),
        "data/systemfel.json": to_json(systemfel_records(d, site_url), "systemfel"),
    }
    files.update({f"data/{table.path}": table.csv(context) for table in TABLES})
    files[f"data/{datapackage.FILE_NAME}"] = datapackage.render(TABLES, JSON_FILES, d.bank.vocab, site_url)
    return files


def robots_txt(site_url: str) -> str:
    """``robots.txt``: everything may be read, and where the sitemap is."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"
