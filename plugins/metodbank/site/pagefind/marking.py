"""A page's content marked as Pagefind's body (``data-pagefind-body``),
with its facets and the hidden low-weight terms (compound parts)."""

from __future__ import annotations

from markupsafe import Markup

from ..pages import environment


def wrap(html: str, filters: dict[str, list[str]], extra_terms: str = "") -> str:
    """The page's content marked for Pagefind, with ``filters``.

    ``extra_terms`` (e.g. the parts of Swedish compounds) is indexed at a low
    weight but never shown: it sits in an element hidden from everyone.
    """
    template = environment().get_template("pagefind_body.html.j2")
    return template.render(html=Markup(html), filters=filters, extra_terms=extra_terms)
