"""A loaded bank → one flat search record per document.

A record holds exactly what the index stores and searches for a document:
its own text, plus what it borrows from other files (the titles of the
metoder and systemfel a project refers to, the förbund and degrees of the
projects that used a metod, the observations of a systemfel). Its
``digest`` covers all of that, so an unchanged file whose borrowed data
changed (a metod was renamed) is still re-indexed, and nothing else is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..suggest import slugify
from .analysis import ANALYSIS_VERSION

# The folder names are plural; a hit's type is shown in the singular.
TYP = {"projekt": "projekt", "metoder": "metod", "systemfel": "systemfel"}

FACETS = ("målgrupp", "parter", "metoder", "systemfel", "kategori")


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
    förbund: list[str] = field(default_factory=list)  # display names
    förbundsid: list[str] = field(default_factory=list)  # normalised identities
    grad: int | None = None  # a metod: the highest degree of its projects
    status: str | None = None
    startår: int | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)
    file_digest: str = ""
    digest: str = ""

    def texts(self) -> tuple[str, ...]:
        return self.titel, self.etiketter, self.fakta, self.brödtext


def build_records(bank) -> dict[str, Record]:
    """One record per valid document of ``bank``, keyed by ``Record.key``."""
    vocab = bank.vocab
    used_by: dict[str, list] = {}
    observed_by: dict[str, list] = {}
    for slug in sorted(bank.projekt):
        doc = bank.projekt[slug]
        for metod in doc.meta.metoder:
            used_by.setdefault(metod, []).append(doc)
        for obs in doc.meta.systemfel or []:
            observed_by.setdefault(obs.id, []).append((doc, obs))

    records = {}
    for slug, doc in sorted(bank.projekt.items()):
        records[f"projekt/{slug}"] = _projekt(doc, bank, vocab)
    for slug, doc in sorted(bank.metoder.items()):
        records[f"metoder/{slug}"] = _metod(doc, used_by.get(slug, []), vocab)
    for slug, doc in sorted(bank.systemfel.items()):
        records[f"systemfel/{slug}"] = _systemfel(doc, observed_by.get(slug, []), vocab)
    for record in records.values():
        record.digest = _digest(record)
    return records


def _base(doc, **kw) -> Record:
    return Record(
        key=f"{doc.kind}/{doc.slug}", kind=doc.kind, typ=TYP[doc.kind], slug=doc.slug,
        titel=doc.meta.titel, url=doc.url, path=_root_relative(doc), brödtext=plain_text(doc.body),
        file_digest=doc.digest, **kw,
    )


def _projekt(doc, bank, vocab) -> Record:
    m = doc.meta
    labels = lambda name, keys: [vocab.label(name, k) for k in keys]  # noqa: E731
    metod_titles = [bank.metoder[s].meta.titel if s in bank.metoder else s for s in m.metoder]
    systemfel_ids = [o.id for o in m.systemfel or []]
    for beslut in m.framgång.beslut or []:
        systemfel_ids += [s for s in beslut.systemfel or [] if s not in systemfel_ids]
    etiketter = [*m.förbund, *(m.kommuner or []), *labels("målgrupp", m.målgrupp), *labels("parter", m.parter),
                 *metod_titles]
    fakta = [m.framgång.motivering]
    for o in m.systemfel or []:
        fakta += [bank.systemfel[o.id].meta.titel if o.id in bank.systemfel else o.id, o.observation]
    if m.resultat:
        fakta.append(m.resultat.sammanfattning)
    fakta += [f"{i.organisation}. {i.beskrivning}" for i in m.framgång.implementerad_hos or []]
    fakta += [f"{b.beslutsfattare}: {b.beslut}" for b in m.framgång.beslut or []]
    fakta += list(m.lärdomar or [])
    fakta += [m.avbrottsorsak or "", *(u.titel for u in m.utvärdering or [])]
    names, ids = _forbund(m.förbund, vocab)
    return _base(
        doc,
        sammanfattning=m.resultat.sammanfattning if m.resultat else m.framgång.motivering,
        etiketter=_join(etiketter), fakta=_join(fakta), förbund=names, förbundsid=ids, grad=m.framgång.grad,
        status=m.status,
        startår=m.period.start.year,
        facets={"målgrupp": list(m.målgrupp), "parter": list(m.parter), "metoder": list(m.metoder),
                "systemfel": systemfel_ids, "kategori": []},
    )


def _metod(doc, projects: list, vocab) -> Record:
    m = doc.meta
    # Facets describe where the method was used, so that "--grad 2 --typ metod"
    # lists methods that reached the second degree somewhere.
    målgrupp = _union([m.målgrupp or [], *(p.meta.målgrupp for p in projects)])
    förbund = _union(p.meta.förbund for p in projects)
    names, ids = _forbund(förbund, vocab)
    etiketter = [*(vocab.label("målgrupp", k) for k in m.målgrupp or []), *names]
    fakta = [m.sammanfattning, m.förutsättningar or ""]
    if m.evidens:
        fakta += [f"Evidens: {m.evidens.nivå}", m.evidens.källa or ""]
    fakta += [k.titel for k in m.källor or []]
    return _base(
        doc,
        sammanfattning=m.sammanfattning, etiketter=_join(etiketter), fakta=_join(fakta), förbund=names,
        förbundsid=ids, grad=max((p.meta.framgång.grad for p in projects), default=None),
        facets={"målgrupp": målgrupp, "parter": _union(p.meta.parter for p in projects),
                "metoder": [doc.slug], "systemfel": [], "kategori": []},
    )


def _systemfel(doc, observations: list, vocab) -> Record:
    m = doc.meta
    projects = [p for p, _ in observations]
    names, ids = _forbund(_union(p.meta.förbund for p in projects), vocab)
    etiketter = [vocab.label("kategori", m.kategori), *(vocab.label("parter", k) for k in m.berörda),
                 *(m.ansvarig or []), *(m.regelverk or []), *names]
    fakta = [m.sammanfattning, m.förslag, *(h.händelse for h in m.historik or []),
             *(o.observation for _, o in observations)]
    return _base(
        doc,
        sammanfattning=m.sammanfattning, etiketter=_join(etiketter), fakta=_join(fakta), förbund=names,
        förbundsid=ids, status=m.status,
        facets={"målgrupp": _union(p.meta.målgrupp for p in projects), "parter": list(m.berörda),
                "metoder": [], "systemfel": [doc.slug], "kategori": [m.kategori]},
    )


def _root_relative(doc) -> str:
    """The file's path inside the bank (``projekt/x.md``): ``Document.path``
    depends on the working directory of whoever loaded the bank."""
    folder = f"/{doc.kind}/"
    shown = "/" + Path(doc.path).as_posix()
    at = shown.rfind(folder)
    return shown[at + 1:] if at >= 0 else Path(doc.path).as_posix()


def forbund_id(value: str, vocab=None) -> str:
    """The identity of a förbund: its key when the deployment lists förbund,
    otherwise its name with case, spacing and accents normalised."""
    listed = vocab.terms.get("förbund", {}) if vocab else {}
    for key, label in listed.items():
        if value in (key, label):
            return slugify(key)
    return slugify(" ".join(value.split()))


def _forbund(values, vocab) -> tuple[list[str], list[str]]:
    names = [vocab.label("förbund", v) for v in values]
    return names, _union([[forbund_id(v, vocab) for v in values]])


def _union(lists) -> list[str]:
    out: dict[str, None] = {}
    for values in lists:
        out.update((v, None) for v in values)
    return list(out)


def _join(parts) -> str:
    return "\n".join(p for p in parts if p)


def _digest(record: Record) -> str:
    data = asdict(record)
    data.pop("digest")
    payload = json.dumps([ANALYSIS_VERSION, data], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------
# Markdown → plain text, for indexing and snippets: the words, not the markup.

_FENCE = re.compile(r"^(```|~~~).*$", re.M)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_TAG = re.compile(r"<[^>\n]+>")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|~~)(?=\S)(.+?)(?<=\S)\1")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)
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
