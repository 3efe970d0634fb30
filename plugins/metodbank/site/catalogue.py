"""The compact catalogue behind "Hitta projekt och metoder".

Dictionary-encoded so that it stays small at thousands of projects: facet
values are listed once, and every project refers to them by index.
Target: at most 1 MB gzip at 5,000 projects (measured by the benchmark).
"""

from __future__ import annotations

import json

from ..derive import Derived
from ..kinds import Grad
from ..vokabular import STATUS_PROJEKT

SUMMARY_CHARS = 160
FACETS = ("målgrupp", "parter", "metoder", "systemfel", "förbund", "grad", "status", "startår")


def build(d: Derived) -> dict:
    vocab = d.bank.vocab
    values: dict[str, list] = {
        "målgrupp": [[k, vocab.label("målgrupp", k)] for k in vocab.keys("målgrupp")],
        "parter": [[k, vocab.label("parter", k)] for k in vocab.keys("parter")],
        "metoder": [[slug, d.bank.metoder[slug].meta.titel] for slug in d.matrix_metoder],
        "systemfel": [[f.systemfel.slug, f.systemfel.meta.titel] for f in d.ranking],
        "förbund": [[slug, f.namn] for slug, f in d.förbund.items()],
        "grad": [[str(g.value), g.filter_label] for g in Grad],
        "status": [[s, s] for s in STATUS_PROJEKT],
        "startår": [[str(y), str(y)] for y in d.by_startår],
    }
    index = {facet: {key: i for i, (key, _label) in enumerate(vals)} for facet, vals in values.items()}
    records = []
    # The order /hitta/ lists its hits in: highest degree first, then the most recent start.
    for doc in d.projekt_by_grade:
        m = doc.meta
        summary = _shorten(m.summary)
        records.append([
            doc.slug,
            m.titel,
            summary,
            [index["målgrupp"][k] for k in dict.fromkeys(m.målgrupp)],
            [index["parter"][k] for k in dict.fromkeys(m.parter)],
            [index["metoder"][k] for k in dict.fromkeys(m.metoder) if k in index["metoder"]],
            [index["systemfel"][s] for s in m.observed_systemfel_ids if s in index["systemfel"]],
            [index["förbund"][f.slug] for f in d.projekt_förbund[doc.slug]],
            [index["grad"][str(m.framgång.grad)]],
            [index["status"][m.status]],
            [index["startår"][str(m.period.start.year)]],
        ])
    return {
        "version": 1,
        "fält": ["slug", "titel", "sammanfattning", *FACETS],
        "facetter": {facet: values[facet] for facet in FACETS},
        "poster": records,
    }


def _shorten(text: str) -> str:
    """At most SUMMARY_CHARS, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[: SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def render(d: Derived) -> str:
    # No spaces: every byte counts at thousands of projects.
    return json.dumps(build(d), ensure_ascii=False, separators=(",", ":"))
