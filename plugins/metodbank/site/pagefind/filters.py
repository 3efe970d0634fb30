"""The search facets of a page, chosen by the page generator when it makes
the page (so nothing has to re-read a slug out of a path later)."""

from __future__ import annotations

from ... import kinds
from ...derive import Derived
from ...kinds import Grad

# A hand-written page (docs/) and anything else not of a kind.
PAGE_FILTERS = {"Typ": ["Sida"]}


def of_kind(kind: str) -> dict[str, list[str]]:
    """``kind``: the folder (``metoder``)."""
    return {"Typ": [kinds.BY_FOLDER[kind].name]}


def for_projekt(doc, d: Derived) -> dict[str, list[str]]:
    """A project's facets: its type, målgrupper, degree, förbund and status."""
    m = doc.meta
    vocab = d.bank.vocab
    return {
        "Typ": [kinds.PROJEKT.name],
        "Målgrupp": [vocab.label("målgrupp", k) for k in m.målgrupp],
        "Grad": [Grad(m.framgång.grad).filter_label],
        "Förbund": [f.namn for f in d.projekt_förbund[doc.slug]],
        "Status": [m.status],
    }
