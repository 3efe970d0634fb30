"""The kinds of content file and the degrees of success, each defined once.

:class:`Kind`: the three content folders and the words for what each holds
(``projekt/`` holds projekt, ``metoder/`` holds metoder). The folder is also
the URL prefix and the name of the kind's JSON Schema; the model class of
each kind is :data:`metodbank.model.KINDS` (the model imports this module,
so the link is made there).

:class:`Grad`: ``framgång.grad``, 0–3, with the label, meaning and search
filter label that the pages, the catalogue, the Pagefind filters, the
terminal search and the JSON Schema (and through it the browser form) show.

No imports from the rest of the package: everything may import this.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


@dataclass(frozen=True)
class Kind:
    """One kind of content file."""

    folder: str  # projekt | metoder | systemfel: where the files are, their URLs, their schema
    singular: str  # "metod": one file of the kind (`metodbank ny metod`, the search's typ)
    definite: str  # "metoden": in messages ("metoden 'x' finns inte")
    name: str  # "Metod": the search page's Typ filter
    genus: str  # "en" or "ett": en metod, ett projekt, ett systemfel

    @property
    def url_prefix(self) -> str:
        """``metoder/``: a file ``metoder/<slug>.md`` is published at ``metoder/<slug>/``."""
        return f"{self.folder}/"

    def url(self, slug: str) -> str:
        return f"{self.url_prefix}{slug}/"

    @property
    def schema_file(self) -> str:
        """``metoder.schema.json``, under ``schema/`` in the repository and on the site."""
        return f"{self.folder}.schema.json"


PROJEKT = Kind(folder="projekt", singular="projekt", definite="projektet", name="Projekt", genus="ett")
METOD = Kind(folder="metoder", singular="metod", definite="metoden", name="Metod", genus="en")
SYSTEMFEL = Kind(folder="systemfel", singular="systemfel", definite="systemfelet", name="Systemfel", genus="ett")

ALL: tuple[Kind, ...] = (PROJEKT, METOD, SYSTEMFEL)
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in ALL}
BY_SINGULAR: dict[str, Kind] = {kind.singular: kind for kind in ALL}
FOLDERS: tuple[str, ...] = tuple(BY_FOLDER)  # ("projekt", "metoder", "systemfel")


class Grad(IntEnum):
    """A degree of success (``framgång.grad``). Compares and hashes as its
    number, so ``Grad(meta.framgång.grad).label`` and ``counts[Grad.ANDRA]``
    work on the plain integers the model holds."""

    label: str
    meaning: str

    def __new__(cls, value: int, label: str, meaning: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.meaning = meaning  # "betydelse": what reaching the degree means
        return member

    INGEN = 0, "Ingen framgång ännu", "Planerat, pågående eller misslyckat — också misslyckanden är kunskap."
    FÖRSTA = 1, "Första graden", "Projektet hjälpte individer och utvecklade eller prövade en metod."
    ANDRA = 2, "Andra graden", "Metoden är dokumenterad och används i ordinarie verksamhet efter projektet."
    TREDJE = 3, "Tredje graden", "Projektet visade på systemfel och gav underlag till systemförändrande beslut."

    @property
    def filter_label(self) -> str:
        """``2 – Andra graden``: the value of a search filter and the form's choice."""
        return f"{self.value} – {self.label}"

    @classmethod
    def highest_first(cls) -> tuple["Grad", ...]:
        """3, 2, 1, 0: the order of the pyramid, top down."""
        return tuple(reversed(cls))
