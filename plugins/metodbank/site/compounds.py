"""Compound parts for the browser search.

Pagefind matches whole words and prefixes, so "coachning" would never find
"studiecoachning". Each item page therefore carries, hidden and at low
weight, the parts of the Swedish compounds in its title and summaries,
split by the same corpus-based decompounder as the Whoosh index
(:mod:`metodbank.search.analysis`). Only short texts are used, so this stays
cheap at thousands of projects; the terminal search also splits the bodies.
"""

from __future__ import annotations

from ..derive import Derived
from ..kinds import FOLDERS
from ..memo import memoised
from ..search.analysis import ANALYSIS_VERSION, Decompounder, lexicon_stems, stems


def _short_texts(doc) -> list[str]:
    m = doc.meta
    texts = [m.titel, getattr(m, "sammanfattning", "") or ""]
    if doc.kind == "projekt":
        if m.resultat:
            texts.append(m.resultat.sammanfattning)
        texts.append(m.framgång.motivering)
        texts.extend(m.lärdomar or [])
    elif doc.kind == "systemfel":
        texts.append(m.förslag)
    return texts


def compound_terms(d: Derived, cache_file=None) -> dict[str, str]:
    """``{src_uri: "studie coachning …"}`` for every item page with compounds.

    With ``cache_file`` the last result is reused when every short text is
    unchanged (see :mod:`metodbank.memo`).
    """
    docs = [doc for kind in FOLDERS for doc in d.bank.documents(kind).values()]
    texts = {doc.kind + "/" + doc.slug + ".md": _short_texts(doc) for doc in docs}
    return memoised(cache_file, [ANALYSIS_VERSION, texts], lambda: _compound_terms(texts))[0]


def _compound_terms(texts: dict[str, list[str]]) -> dict[str, str]:
    decompounder = Decompounder(lexicon_stems(t for group in texts.values() for t in group))
    terms = {}
    for src_uri, group in texts.items():
        parts = decompounder.splits(dict.fromkeys(s for text in group for s in stems(text)))
        words = sorted({part for split in parts.values() for part in split})
        if words:
            terms[src_uri] = " ".join(words)
    return terms
