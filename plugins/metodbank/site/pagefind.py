"""Browser search with Pagefind: a chunked static index, so the first search
downloads only the index chunks it needs (mkdocs-material's single JSON file
grows with the whole corpus: 2.8 MB gzip at 5,000 pages).

:func:`wrap` marks each page's content for Pagefind (``data-pagefind-body``)
and adds its filters; :mod:`.pagefind_index` stages the marked pages and runs
the Pagefind binary over them, in parts. Both are engine-independent.
"""

from __future__ import annotations

from markupsafe import Markup

from ..derive import Derived
from .pages import environment

# Generated listings repeat every title they list; searching them would bury
# the projects themselves, so only item pages and hand-written pages are indexed.
LISTING_SECTIONS = {"projekt", "metoder", "systemfel", "malgrupper", "forbund", "framgang", "matris",
                    "uppdatering", "hitta", "sok"}


def is_listing(src_uri: str) -> bool:
    parts = src_uri.split("/")
    return len(parts) >= 2 and parts[0] in LISTING_SECTIONS and parts[-1] == "index.md"


def filters_for(src_uri: str, d: Derived) -> dict[str, list[str]]:
    """Pagefind filters for one page: type, and for projects their facets."""
    parts = src_uri.split("/")
    if len(parts) != 2 or parts[1] == "index.md":
        return {"Typ": ["Sida"]}
    kind, slug = parts[0], parts[1][: -len(".md")]
    vocab = d.bank.vocab
    if kind == "projekt" and slug in d.bank.projekt:
        m = d.bank.projekt[slug].meta
        from ..vokabular import GRAD_LABELS

        return {
            "Typ": ["Projekt"],
            "Målgrupp": [vocab.label("målgrupp", k) for k in m.målgrupp],
            "Grad": [f"{m.framgång.grad} – {GRAD_LABELS[m.framgång.grad]}"],
            "Förbund": [f.namn for f in d.projekt_förbund[slug]],
            "Status": [m.status],
        }
    if kind == "metoder":
        return {"Typ": ["Metod"]}
    if kind == "systemfel":
        return {"Typ": ["Systemfel"]}
    return {"Typ": ["Sida"]}


def wrap(html: str, src_uri: str, d: Derived, extra_terms: str = "") -> str:
    """The page's content marked as Pagefind's body, with its filters.

    ``extra_terms`` (e.g. the parts of Swedish compounds) is indexed at a low
    weight but never shown: it sits in an element hidden from everyone.
    """
    if is_listing(src_uri):
        return html
    template = environment().get_template("pagefind_body.html.j2")
    return template.render(html=Markup(html), filters=filters_for(src_uri, d), extra_terms=extra_terms)
