"""Search an index: free text in Swedish, fielded syntax, facet filters.

Query syntax (documented for users in ``metodbank sök --help``):

- words: all must match somewhere (stemmed, compounds split), e.g.
  ``unga psykisk ohälsa``; if no document has them all, documents with any
  of them are shown instead (``Hits.any_word``);
- ``"exakt fras"``, ``coach*`` (prefix), ``ELLER``/``OR``, ``INTE``/``NOT``,
  ``-ord`` (exclude), parentheses;
- fields: ``titel:``, ``fakta:`` (front-matter text), ``etiketter:`` (names
  and labels), ``brödtext:``, ``förbund:``, and the
  facets ``typ: målgrupp: parter: metoder: systemfel: kategori: grad:
  status: startår:`` — e.g. ``systemfel:svarte-petter``, ``grad:2``,
  ``startår:[2018 TO 2020]``.

Anything the user can get wrong raises :class:`SearchError` with a Swedish
message that says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser, query
from whoosh.qparser import syntax

from .. import kinds
from ..kinds import Grad
from ..suggest import did_you_mean, fold
from ..vokabular import STATUS_PROJEKT, STATUS_SYSTEMFEL, eller
from . import store
from .analysis import name_analyzer
from .documents import forbund_id
from .errors import IndexMissing, SearchError
from .schema import FIELD_ALIASES, TEXT_BOOSTS, facet_token
from .snippets import Matcher, Snippet, lead, render, snippet

# A type by its singular (as hits show it) or by its folder: "metod" or "metoder".
TYPER = {name: kind.singular for kind in kinds.ALL for name in (kind.singular, kind.folder)}
_SINGULARS = [kind.singular for kind in kinds.ALL]
_GRADER = [str(grad.value) for grad in Grad]
# Filter names accepted by search(filters=...) and the field each one means.
FILTERS = ("målgrupp", "parter", "metoder", "systemfel", "kategori", "status", "grad", "startår", "förbund", "typ")
_ALIAS_OF = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in [name, *aliases]}


@dataclass
class Hit:
    typ: str  # projekt | metod | systemfel
    kind: str  # the folder: projekt | metoder | systemfel
    slug: str
    titel: str
    url: str
    path: str
    förbund: list[str]
    grad: int | None
    status: str | None
    startår: int | None
    score: float
    pieces: Snippet = field(default_factory=list, repr=False)

    def snippet(self, start: str = "«", end: str = "»") -> str:
        return render(self.pieces, start, end)

    def to_json(self) -> dict:
        return {
            "typ": self.typ, "slug": self.slug, "titel": self.titel, "url": self.url, "sökväg": self.path,
            "förbund": self.förbund, "grad": self.grad, "status": self.status, "startår": self.startår,
            "poäng": round(self.score, 4), "utdrag": self.snippet(),
        }


class Hits(list):
    """The ranked hits (at most ``limit``), with how many matched in all."""

    total: int = 0
    any_word: bool = False  # no document had every word; these have some


def search(index_dir, text: str, filters: dict | None = None, typ: str | None = None, limit: int = 20) -> Hits:
    """Search the index in ``index_dir``. Raises :class:`SearchError`."""
    gen = store.current_generation(Path(index_dir))
    if gen is None:
        raise IndexMissing(f"det finns inget sökindex i {index_dir}: kör 'metodbank sök' i banken så byggs det")
    info = store.read_json(gen, store.INFO) or {}
    known = _known_values(info)
    filters = dict(filters or {})
    if typ:
        filters["typ"] = typ
    filter_query = _filter_query(filters, known, info)
    text = (text or "").strip()
    if limit < 1:
        raise SearchError("antalet träffar (--limit) måste vara minst 1")
    if not text and filter_query is None:
        raise SearchError("skriv ett eller flera sökord, eller välj ett filter (t.ex. --målgrupp)")
    try:
        ix = whoosh_index.open_dir(str(gen))
    except Exception as exc:  # noqa: BLE001 — an unreadable index is the user's to rebuild
        raise SearchError(f"sökindexet i {index_dir} kan inte läsas ({exc.__class__.__name__}): bygg om det med --bygg-om") from None
    try:
        with ix.searcher() as searcher:
            return _search(searcher, ix.schema, text, known, filter_query, limit)
    except SearchError:
        raise
    except Exception as exc:  # noqa: BLE001 — a damaged index: say so, not a traceback
        raise SearchError(f"sökindexet i {index_dir} kan inte läsas ({exc.__class__.__name__}): bygg om det med --bygg-om") from None
    finally:
        ix.close()


def _search(searcher, schema, text: str, known: dict, filter_query, limit: int) -> Hits:
    if text:
        _check_syntax(text)
        q = _parse(text, schema, syntax.AndGroup)
        _check_values(q, known)
    else:
        q = query.Every()
    # Without words to rank by, every hit scores the same: use a fixed order.
    order = {} if _has_text(q) else {"sortedby": "ordning"}
    results = _run(searcher, q, text, filter=filter_query, limit=limit, **order)
    any_word = False
    if text and results.is_empty() and len(_words(q)) > 1:
        loose = _parse(text, schema, syntax.OrGroup.factory(0.9))
        results = _run(searcher, loose, text, filter=filter_query, limit=limit)
        any_word = not results.is_empty()
    matcher = _matcher(q)
    hits = Hits(_hit(h, matcher, scored=not order) for h in results)
    hits.total = len(results)
    hits.any_word = any_word
    return hits


def _run(searcher, q, text: str, **kw):
    try:
        return searcher.search(q, **kw)
    except query.QueryError as exc:  # e.g. a wildcard matching too many words
        raise SearchError(f"sökfrågan '{text}' kan inte köras ({exc}); förenkla den") from None


# --------------------------------------------------------------------------
# Parsing and checking the query text


def _parse(text: str, schema, group) -> query.Query:
    parser = qparser.MultifieldParser(list(TEXT_BOOSTS), schema, fieldboosts=TEXT_BOOSTS, group=group)
    parser.remove_plugin_class(qparser.OperatorsPlugin)
    parser.add_plugin(qparser.OperatorsPlugin(
        And=r"(?<=\s)(AND|OCH)(?=\s)", Or=r"(?<=\s)(OR|ELLER)(?=\s)",
        Not=r"(^|(?<=(\s|[()])))(NOT|INTE)(?=\s)", AndNot=None, AndMaybe=None, Require=None,
    ))
    # "-ord" excludes, but only at the start of a word: "svarte-petter" and
    # "16-19" stay words. A plus sign means nothing when all words are required.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?:^|(?<=[\s(]))-"))
    parser.add_plugin(qparser.FieldAliasPlugin({k: v for k, v in FIELD_ALIASES.items() if v}))
    try:
        q = parser.parse(text)
    except Exception as exc:  # noqa: BLE001 — Whoosh's parser errors are English and terse
        raise SearchError(f"sökfrågan '{text}' kan inte tolkas ({exc}); förenkla den eller sätt citattecken runt fraser") from None
    if q is query.NullQuery:
        raise SearchError(
            f"sökfrågan '{text}' innehåller inga sökbara ord: vanliga småord som 'och', 'för' och 'med' "
            "söks inte, och det går inte att bara utesluta ord (-ord)"
        )
    return q


_FIELD = re.compile(r"(?<![\w\-])([^\W\d][\w]*):(\S?)")
_QUOTED = re.compile(r'"[^"]*"')


def _check_syntax(text: str) -> None:
    """Catch the mistakes Whoosh would silently reinterpret."""
    if text.count('"') % 2:
        raise SearchError('ett citattecken (") saknar sin motsvarighet: skriv fraser som "psykisk ohälsa"')
    bare = _QUOTED.sub(" ", text)
    for opening, closing, name in (("(", ")", "parentes"), ("[", "]", "hakparentes"), ("{", "}", "klammerparentes")):
        depth = 0
        for ch in bare:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                break
        if depth:
            raise SearchError(f"en {name} öppnas eller stängs utan sin motsvarighet: kontrollera {opening} och {closing}")
    for match in _FIELD.finditer(bare):
        name, after = match.group(1), match.group(2)
        if name not in _ALIAS_OF:
            fields = ", ".join(sorted(FIELD_ALIASES))
            raise SearchError(
                f"'{name}:' är inget sökfält{did_you_mean(name, list(_ALIAS_OF))}. Sökfält: {fields}. "
                "Sätt citattecken runt texten om kolonet ska sökas som text"
            )
        if not after or after.isspace():
            raise SearchError(f"fältet '{name}:' saknar ett värde: skriv t.ex. {name}:{_EXAMPLE.get(_ALIAS_OF[name], 'ord')}")
    words = bare.split()
    if words and (words[0] in _BINARY or words[-1] in _BINARY | _UNARY):
        word = words[0] if words[0] in _BINARY else words[-1]
        raise SearchError(f"'{word}' behöver ett sökord på båda sidor (t.ex. 'praktik {word} arbetsträning')"
                          if word in _BINARY else f"'{word}' behöver ett sökord efter sig (t.ex. 'unga {word} skola')")


_BINARY = {"AND", "OR", "OCH", "ELLER"}
_UNARY = {"NOT", "INTE"}
_EXAMPLE = {"systemfel": "svarte-petter", "målgrupp": "unga-16-19", "grad": "2", "startår": "2019",
            "typ": "projekt", "status": "avslutat", "parter": "kommun", "metoder": "studiecoachning"}


def _check_values(q: query.Query, known: dict) -> None:
    """``målgrupp:unga`` is a typo, not an empty result: say so."""
    for leaf in q.leaves():
        if isinstance(leaf, query.Term) and leaf.fieldname in known:
            _check_value(leaf.fieldname, str(leaf.text), known)


def _words(q: query.Query) -> list:
    return [leaf for leaf in q.leaves() if isinstance(leaf, query.Term) and leaf.fieldname in TEXT_BOOSTS]


def _has_text(q: query.Query) -> bool:
    return any(getattr(leaf, "fieldname", None) in TEXT_BOOSTS for leaf in q.leaves())


def _matcher(q: query.Query) -> Matcher:
    """The stems to highlight: every positive text term of the query."""
    terms, prefixes = set(), set()

    def walk(node, negated=False):
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a, negated)
            return
        if node.is_leaf():
            if getattr(node, "fieldname", None) in TEXT_BOOSTS:
                if isinstance(node, query.Prefix):
                    prefixes.add(node.text)
                elif isinstance(node, query.Term):
                    terms.add(node.text)
                elif isinstance(node, query.Phrase):
                    terms.update(node.words)
            return
        for child in node.children():
            walk(child, negated)

    walk(q)
    return Matcher(terms, prefixes)


# --------------------------------------------------------------------------
# Filters


def _known_values(info: dict) -> dict[str, set[str]]:
    vocab = info.get("vokabular", {})
    slugs = info.get("slugs", {})

    def tokens(values):
        out = set()
        for value in values:
            out.update((facet_token(value), fold(facet_token(value))))
        return out

    return {
        "målgrupp": tokens(vocab.get("målgrupp", {})),
        "parter": tokens(vocab.get("parter", {})),
        "kategori": tokens(vocab.get("kategori", {})),
        "metoder": tokens(slugs.get("metoder", [])),
        "systemfel": tokens(slugs.get("systemfel", [])),
        "status": tokens(STATUS_PROJEKT + STATUS_SYSTEMFEL),
        "typ": set(TYPER),
        "grad": set(_GRADER),
    }


def _check_value(name: str, value: str, known: dict) -> str:
    token = facet_token(value)
    if token in known[name]:
        return token
    shown = sorted(v for v in known[name] if v == fold(v) or name in ("status",))
    if not shown:
        raise SearchError(f"det finns inga värden för '{name}' i sökindexet")
    listing = ", ".join(shown) if len(shown) <= 20 else ", ".join(shown[:20]) + " …"
    raise SearchError(f"'{value}' är inget giltigt värde för {name}{did_you_mean(token, shown)}. Giltiga värden: {listing}")


def _filter_query(filters: dict, known: dict, info: dict) -> query.Query | None:
    """AND across filters, OR among the values given for one filter."""
    clauses = []
    for raw_name, raw_values in filters.items():
        if raw_values in (None, "", []):
            continue
        name = _ALIAS_OF.get(raw_name, raw_name)
        if name not in FILTERS:
            raise SearchError(f"'{raw_name}' är inget filter{did_you_mean(raw_name, FILTERS)}. Filter: {', '.join(FILTERS)}")
        values = raw_values if isinstance(raw_values, (list, tuple, set)) else [raw_values]
        options = [_filter_term(name, str(v), known, info) for v in values]
        clauses.append(options[0] if len(options) == 1 else query.Or(options))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


def _filter_term(name: str, value: str, known: dict, info: dict) -> query.Query:
    value = value.strip()
    if name == "typ":
        if value.lower() not in TYPER:
            raise SearchError(f"'{value}' är ingen typ{did_you_mean(value, _SINGULARS)}. Typer: {', '.join(_SINGULARS)}")
        return query.Term("typ", TYPER[value.lower()])
    if name == "grad":
        if value not in known["grad"]:
            raise SearchError(f"grad måste vara {eller(_GRADER)}, inte '{value}'")
        return query.Term("grad", value)
    if name == "startår":
        if not re.fullmatch(r"\d{4}", value):
            raise SearchError(f"startår skrivs med fyra siffror, t.ex. 2019 — inte '{value}'")
        return query.Term("startår", value)
    if name == "förbund":
        from ..vokabular import Vocabularies

        vocab = Vocabularies({"förbund": info.get("vokabular", {}).get("förbund", {})})
        words = [t.text for t in name_analyzer()(value)]
        if not words:
            raise SearchError("ange ett förbunds namn, t.ex. --förbund 'Södra Dalarna'")
        # The exact identity, or the words of the name in order ("Södra Dalarna").
        by_name = query.Term("förbund", words[0]) if len(words) == 1 else query.Phrase("förbund", words)
        return query.Or([query.Term("förbundsid", forbund_id(value, vocab)), by_name])
    return query.Term(name, _check_value(name, value, known))


def _hit(hit, matcher: Matcher, scored: bool) -> Hit:
    shown = hit["visning"]
    pieces = None
    if matcher:  # prose first; the list of labels only when nothing else explains the hit
        pieces = snippet([hit.get("fakta", ""), hit.get("brödtext", "")], matcher) or snippet([hit.get("etiketter", "")], matcher)
    if pieces is None:
        pieces = lead(shown.get("sammanfattning") or hit.get("brödtext", ""))
    return Hit(
        typ=shown["typ"], kind=shown["kind"], slug=hit["slug"], titel=hit["titel"], url=shown["url"],
        path=shown["path"], förbund=shown.get("förbund", []), grad=shown.get("grad"), status=shown.get("status"),
        startår=shown.get("startår"), score=float(hit.score or 0.0) if scored else 0.0, pieces=pieces,
    )
