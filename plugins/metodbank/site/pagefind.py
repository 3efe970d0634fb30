"""Browser search with Pagefind: a chunked static index, so the first search
downloads only the index chunks it needs (mkdocs-material's single JSON file
grows with the whole corpus: 2.8 MB gzip at 5,000 pages).

:func:`wrap` marks each page's content for Pagefind (``data-pagefind-body``)
and adds its filters; :func:`build_index` runs the Pagefind binary over the
built site. Both are engine-independent: they take HTML and a folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from markupsafe import Markup

from ..derive import Derived
from . import pagefind_stable
from .pages import environment

OUTPUT_SUBDIR = "pagefind"

# Generated listings repeat every title they list; searching them would bury
# the projects themselves, so only item pages and hand-written pages are indexed.
LISTING_SECTIONS = {"projekt", "metoder", "systemfel", "malgrupper", "forbund", "framgang", "matris",
                    "uppdatering", "hitta", "sok"}


def is_listing(src_uri: str) -> bool:
    parts = src_uri.split("/")
    return len(parts) >= 2 and parts[0] in LISTING_SECTIONS and parts[-1] == "index.md"


class PagefindError(RuntimeError):
    pass


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


def build_index(site_dir: Path, language: str = "sv") -> None:
    """Run Pagefind (from the ``pagefind[bin]`` package) over a built site."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", OUTPUT_SUBDIR,
               "--force-language", language, "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise PagefindError(f"Pagefind kunde inte bygga sökindexet:\n{result.stdout}{result.stderr}")
    # Pagefind writes its filter indexes in hash-map order: put them in a
    # fixed order so that two builds of the same site are byte-identical.
    pagefind_stable.canonicalise(Path(site_dir) / OUTPUT_SUBDIR)
