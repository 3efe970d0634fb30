"""The search facets of a page, chosen by the page generator when it makes
the page (so nothing has to re-read a slug out of a path later)."""

from __future__ import annotations

from ...derive import Derived
from ...vokabular import GRAD_LABELS

# A hand-written page (docs/) and anything else not of a kind.
PAGE_FILTERS = {"Typ": ["Sida"]}
_TYPE = {"projekt": "Projekt", "metoder": "Metod", "systemfel": "Systemfel"}


def of_kind(kind: str) -> dict[str, list[str]]:
    return {"Typ": [_TYPE[kind]]}


def for_projekt(doc, d: Derived) -> dict[str, list[str]]:
    """A project's facets: its type, målgrupper, degree, förbund and status."""
    m = doc.meta
    vocab = d.bank.vocab
    return {
        "Typ": [_TYPE["projekt"]],
        "Målgrupp": [vocab.label("målgrupp", k) for k in m.målgrupp],
        "Grad": [f"{m.framgång.grad} – {GRAD_LABELS[m.framgång.grad]}"],
        "Förbund": [f.namn for f in d.projekt_förbund[doc.slug]],
        "Status": [m.status],
    }
