"""A loaded bank → one flat search record per document.

A record holds exactly what the index stores and searches for a document:
its own text, plus what it *borrows* from other files (the titles of the
metoder and systemfel a project refers to, the förbund and degrees of the
projects that used a metod and the metod's own implementations, the
observations of a systemfel, vocabulary labels). Its digest is the file's own sha256 plus that borrowed data, so a
file whose borrowed data changed (a metod was renamed) is re-indexed, and
deciding that nothing changed needs neither the text nor the analyzer.

What is borrowed comes from :class:`~metodbank.derive.Derived` (which
projects used a metod or observed a systemfel, the highest degree, each
project's förbund) and the model's accessors (``Projekt.summary``,
``Projekt.systemfel_ids``): the same facts the site shows, never worked out
again here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import kinds
from ..forbund import identity as forbund_identity
from .analysis import ANALYSIS_VERSION

# The folder names are plural; a hit's type is shown in the singular.
TYP = {kind.folder: kind.singular for kind in kinds.ALL}

@dataclass
class Record:
    key: str  # "projekt/<slug>": unique in the index
    kind: str  # the folder: projekt | metoder | systemfel
    typ: str  # projekt | metod | systemfel
    slug: str
    titel: str
    url: str
    path: str
    sammanfattning: str  # shown when no snippet matches (a pure facet search)
    etiketter: str  # names and labels: förbund, kommuner, målgrupp, parter, metod titles
    fakta: str  # front-matter prose, own and borrowed (snippets come from here and the body)
    brödtext: str  # the Markdown body as plain text
    förbund: list[str] = field(default_factory=list)  # display names, as the site shows them
    förbundsid: list[str] = field(default_factory=list)  # their identities, as index tokens (forbund_token)
    grad: int | None = None  # a metod: the highest degree of its projects
    status: str | None = None
    startår: int | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)
    digest: str = ""

    def texts(self) -> tuple[str, ...]:
        return self.titel, self.etiketter, self.fakta, self.brödtext


class Corpus:
    """The bank's documents as search records, each with its digest.

    ``derived`` is the bank's :class:`~metodbank.derive.Derived`; without it
    (the index builder in its own process, ``metodbank sök`` after an edit)
    it is derived here, by the same function the site build calls.
    """

    def __init__(self, bank, derived=None):
        if derived is None:
            # Imported here, not at the top: the query side imports this module,
            # and a search with a fresh index should not load the content model.
            from ..derive import derive

            derived = derive(bank)
        self.bank = bank
        self.derived = derived
        self.docs = {f"{kind}/{slug}": doc for kind in kinds.FOLDERS
                     for slug, doc in sorted(bank.documents(kind).items())}
        self._borrowed: dict[str, dict] = {}

    def keys(self) -> list[str]:
        return list(self.docs)

    def digest(self, key: str) -> str:
        doc = self.docs[key]
        payload = json.dumps([ANALYSIS_VERSION, doc.digest, _root_relative(doc), self.borrowed(key)],
                             ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def borrowed(self, key: str) -> dict:
        """Everything the record of ``key`` takes from outside its own file."""
        if key not in self._borrowed:
            doc = self.docs[key]
            self._borrowed[key] = {"projekt": self._borrowed_projekt, "metoder": self._borrowed_metod,
                                   "systemfel": self._borrowed_systemfel}[doc.kind](doc)
        return self._borrowed[key]

    def record(self, key: str) -> Record:
        doc = self.docs[key]
        build = {"projekt": _projekt, "metoder": _metod, "systemfel": _systemfel}[doc.kind]
        record = build(doc, self.borrowed(key))
        record.digest = self.digest(key)
        return record

    # What each kind borrows. Plain data (strings, numbers, lists), so that it
    # can be hashed, and the record builders below use nothing else from outside.

    def _labels(self, name: str, keys) -> list[str]:
        return [self.bank.vocab.label(name, k) for k in keys]

    @staticmethod
    def _forbund(forbund) -> dict:
        """Names and identities of ``forbund`` (:class:`~metodbank.derive.Forbund`, each once)."""
        return {"namn": [f.namn for f in forbund], "id": [forbund_token(f.id) for f in forbund]}

    def _borrowed_projekt(self, doc) -> dict:
        m, bank = doc.meta, self.bank
        return {
            "metoder": [bank.metoder[s].meta.titel if s in bank.metoder else s for s in m.metoder],
            "systemfel": {s: bank.systemfel[s].meta.titel if s in bank.systemfel else s
                          for s in m.observed_systemfel_ids},
            "målgrupp": self._labels("målgrupp", m.målgrupp),
            "parter": self._labels("parter", m.parter),
            "förbund": self._forbund(self.derived.projekt_förbund[doc.slug]),
        }

    def _borrowed_metod(self, doc) -> dict:
        # Only what the record shows of its projects, so that a project change
        # that leaves these alone does not re-index the method.
        facts = self.derived.metoder[doc.slug]
        return {
            "målgrupp": self._labels("målgrupp", doc.meta.målgrupp or []),
            "projektens_målgrupp": facts.projektens_målgrupp,
            "projektens_parter": facts.projektens_parter,
            "högsta_grad": facts.högsta_grad,
            "förbund": self._forbund(facts.förbund),
            # Only the method's own implementations (by their resolved metod),
            # never another method's from the same project.
            "implementeringar": [f"{i.organisation}. {i.beskrivning}" for i in facts.implementeringar],
        }

    def _borrowed_systemfel(self, doc) -> dict:
        m, facts = doc.meta, self.derived.systemfel[doc.slug]
        return {
            "kategori": self.bank.vocab.label("kategori", m.kategori),
            "berörda": self._labels("parter", m.berörda),
            "observationer": [r.observation for r in facts.observationer],
            "målgrupp": facts.målgrupper,
            "förbund": self._forbund(facts.förbund),
        }


def build_records(bank, derived=None) -> dict[str, Record]:
    """Every record of ``bank`` (the indexer builds only those it needs)."""
    corpus = Corpus(bank, derived)
    return {key: corpus.record(key) for key in corpus.keys()}


def _base(doc, **kw) -> Record:
    return Record(
        key=f"{doc.kind}/{doc.slug}", kind=doc.kind, typ=TYP[doc.kind], slug=doc.slug,
        titel=doc.meta.titel, url=doc.url, path=_root_relative(doc), brödtext=plain_text(doc.body), **kw,
    )


def _projekt(doc, b: dict) -> Record:
    m = doc.meta
    etiketter = [*m.förbund, *(m.kommuner or []), *b["målgrupp"], *b["parter"], *b["metoder"]]
    fakta = [m.framgång.motivering]
    for o in m.systemfel or []:
        fakta += [b["systemfel"][o.id], o.observation]
    if m.resultat:
        fakta.append(m.resultat.sammanfattning)
    fakta += [f"{i.organisation}. {i.beskrivning}" for i in m.framgång.implementerad_hos or []]
    fakta += [f"{x.beslutsfattare}: {x.beslut}" for x in m.framgång.beslut or []]
    fakta += list(m.lärdomar or [])
    fakta += [m.avbrottsorsak or "", *(u.titel for u in m.utvärdering or [])]
    return _base(
        doc,
        sammanfattning=m.summary,
        etiketter=_join(etiketter), fakta=_join(fakta), förbund=b["förbund"]["namn"],
        förbundsid=b["förbund"]["id"], grad=m.framgång.grad, status=m.status, startår=m.period.start.year,
        facets={"målgrupp": list(m.målgrupp), "parter": list(m.parter), "metoder": list(m.metoder),
                "systemfel": m.systemfel_ids, "kategori": []},
    )


def _metod(doc, b: dict) -> Record:
    m = doc.meta
    names = b["förbund"]["namn"]
    etiketter = [*b["målgrupp"], *names]
    fakta = [m.sammanfattning, m.förutsättningar or ""]
    if m.evidens:
        fakta += [f"Evidens: {m.evidens.nivå}", m.evidens.källa or ""]
    fakta += [k.titel for k in m.källor or []]
    fakta += b["implementeringar"]
    # Facets describe where the method was used, so that "--grad 2 --typ metod"
    # lists methods that reached the second degree somewhere.
    return _base(
        doc,
        sammanfattning=m.sammanfattning, etiketter=_join(etiketter), fakta=_join(fakta), förbund=names,
        förbundsid=b["förbund"]["id"], grad=b["högsta_grad"],
        facets={"målgrupp": _union([m.målgrupp or [], b["projektens_målgrupp"]]),
                "parter": b["projektens_parter"],
                "metoder": [doc.slug], "systemfel": [], "kategori": []},
    )


def _systemfel(doc, b: dict) -> Record:
    m = doc.meta
    names = b["förbund"]["namn"]
    etiketter = [b["kategori"], *b["berörda"], *(m.ansvarig or []), *(m.regelverk or []), *names]
    fakta = [m.sammanfattning, m.förslag, *(h.händelse for h in m.historik or []), *b["observationer"]]
    return _base(
        doc,
        sammanfattning=m.sammanfattning, etiketter=_join(etiketter), fakta=_join(fakta), förbund=names,
        förbundsid=b["förbund"]["id"], status=m.status,
        facets={"målgrupp": b["målgrupp"], "parter": list(m.berörda),
                "metoder": [], "systemfel": [doc.slug], "kategori": [m.kategori]},
    )


def _root_relative(doc) -> str:
    """The file's path inside the bank (``projekt/x.md``): ``Document.path``
    depends on the working directory of whoever loaded the bank."""
    folder = f"/{doc.kind}/"
    shown = "/" + Path(doc.path).as_posix()
    at = shown.rfind(folder)
    return shown[at + 1:] if at >= 0 else Path(doc.path).as_posix()


def forbund_token(identity: str) -> str:
    """A förbund identity (:mod:`metodbank.forbund`) as one token of the
    ``förbundsid`` keyword field: lowercase (as the field indexes it), its
    spaces non-breaking (the field splits at spaces)."""
    return identity.lower().replace(" ", "\u00a0")


def forbund_id(value: str, vocab=None) -> str:
    """The index token of a förbund value, as the ``--förbund`` filter looks it
    up: the one identity rule of :mod:`metodbank.forbund`, nothing of its own."""
    return forbund_token(forbund_identity(value, vocab))


def _union(lists) -> list[str]:
    out: dict[str, None] = {}
    for values in lists:
        out.update((v, None) for v in values)
    return list(out)


def _join(parts) -> str:
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------
# Markdown → plain text, for indexing and snippets: the words, not the markup.

_FENCE = re.compile(r"^(```|~~~).*$", re.M)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_TAG = re.compile(r"<[^>\n]+>")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|~~)(?=\S)(.+?)(?<=\S)\1")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}.*$", re.M)
_SPACES = re.compile(r"[ \t]+")


def plain_text(markdown: str) -> str:
    text = _FENCE.sub("", markdown)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINE_MARKUP.sub("", text)
    for _ in range(2):  # nested emphasis (***bold italic***) needs two passes
        text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("|", " ")
    text = _SPACES.sub(" ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
