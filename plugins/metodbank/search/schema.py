"""The Whoosh schema, shared by the indexer and the query side.

Field names are the content model's Swedish words, because users type them
in queries (``målgrupp:unga-16-19``). Boosts are applied at query time
(:data:`TEXT_BOOSTS`), not baked into the index, so tuning the ranking
never needs a rebuild.
"""

from __future__ import annotations

from whoosh import fields

from .. import kinds
from ..kinds import Grad
from ..suggest import fold
from .analysis import delord_analyzer, name_analyzer, swedish_analyzer
from .documents import Record

# Bump when the schema or the stored layout changes: the next build starts afresh.
SCHEMA_VERSION = 3

# Full-text fields and their weights. A title match counts most; ``delord``
# (compound parts, see analysis.py) counts least, so an exact word always
# outranks a match inside a compound.
TEXT_BOOSTS = {"titel": 4.0, "etiketter": 1.5, "fakta": 1.5, "brödtext": 1.0, "delord": 0.3}

# Facet fields: exact tokens, lowercased, each value also indexed ASCII-folded
# (``status:pagaende`` finds "pågående").
KEYWORD_FACETS = ("typ", "målgrupp", "parter", "metoder", "systemfel", "kategori", "status", "förbundsid")
ID_FACETS = ("grad", "startår")

# What users may write before a colon, and the field it means.
FIELD_ALIASES = {
    "titel": ["title"],
    "fakta": ["text"],
    "etiketter": [],
    "brödtext": ["brodtext", "body"],
    "förbund": ["forbund"],
    "målgrupp": ["malgrupp"],
    "parter": ["part"],
    "metoder": ["metod"],
    "systemfel": [],
    "kategori": [],
    "status": [],
    "typ": [],
    "grad": [],
    "startår": ["startar", "år", "ar"],
    "slug": [],
}


def build_schema() -> fields.Schema:
    sv = swedish_analyzer()
    schema = fields.Schema(
        nyckel=fields.ID(unique=True, stored=True),
        slug=fields.ID(stored=True),
        titel=fields.TEXT(analyzer=sv, stored=True),
        etiketter=fields.TEXT(analyzer=sv, stored=True),
        fakta=fields.TEXT(analyzer=sv, stored=True),
        brödtext=fields.TEXT(analyzer=sv, stored=True),
        delord=fields.TEXT(analyzer=delord_analyzer()),
        förbund=fields.TEXT(analyzer=name_analyzer()),
        visning=fields.STORED(),  # what a hit shows: typ, url, path, förbund, grad …
        # Order of hits when no words are searched (only filters): systemfel,
        # metoder, projekt; the highest degree first; then by title.
        ordning=fields.ID(sortable=True),
    )
    for name in KEYWORD_FACETS:
        schema.add(name, fields.KEYWORD(lowercase=True))
    for name in ID_FACETS:
        schema.add(name, fields.ID())
    return schema


def facet_token(value: object) -> str:
    """A facet value as indexed: lowercase, spaces as hyphens ("beslut-fattat")."""
    return "-".join(str(value).lower().split())


def keyword(values) -> str:
    tokens: dict[str, None] = {}
    for value in values:
        token = facet_token(value)
        tokens[token] = None
        tokens[fold(token)] = None
    return " ".join(tokens)


def to_fields(record: Record, delord: str) -> dict:
    """The Whoosh document for ``record``; ``delord`` holds its compound parts."""
    doc = {
        "nyckel": record.key,
        "slug": record.slug,
        "titel": record.titel,
        "etiketter": record.etiketter,
        "fakta": record.fakta,
        "ordning": order_key(record),
        "brödtext": record.brödtext,
        "delord": delord,
        "förbund": "\n".join(record.förbund),
        "förbundsid": " ".join(record.förbundsid),
        # Both spellings of the type, so "typ:metod" and "typ:metoder" work.
        "typ": keyword([record.typ, record.kind]),
        "visning": {
            "typ": record.typ, "kind": record.kind, "url": record.url, "path": record.path,
            "förbund": record.förbund, "grad": record.grad, "status": record.status,
            "startår": record.startår, "sammanfattning": record.sammanfattning,
        },
    }
    for name, values in record.facets.items():
        doc[name] = keyword(values)
    if record.status:
        doc["status"] = keyword([record.status])
    if record.grad is not None:
        doc["grad"] = str(record.grad)
    if record.startår is not None:
        doc["startår"] = str(record.startår)
    return {k: v for k, v in doc.items() if v not in ("", None)}


_TYP_ORDER = {kinds.SYSTEMFEL.singular: 0, kinds.METOD.singular: 1, kinds.PROJEKT.singular: 2}


def order_key(record: Record) -> str:
    grad = 9 if record.grad is None else max(Grad) - record.grad  # the highest degree first
    return f"{_TYP_ORDER[record.typ]}{grad}{fold(record.titel)}"
