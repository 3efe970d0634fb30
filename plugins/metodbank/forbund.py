"""Förbund identity: when two ``förbund`` values name the same förbund.

The one rule, from the contract (content-model.md, "Vocabularies"):

- case and spacing are normalised ("Södra  dalarna" is "Södra Dalarna");
- when the deployment lists förbund in ``mkdocs.yml``, a listed key and its
  label are the same förbund, and the key is its identity;
- otherwise the identity is the normalised name. Spellings that differ only
  by accents ("Sodertorn", "Södertörn") stay two förbund: the checker warns
  that they look alike, and nothing merges them.

Everything that groups förbund calls :func:`identifier` (or :func:`identity`
for a single value): the derived facts behind ``/forbund/``, the catalogue
and the Pagefind filters (through :mod:`metodbank.derive`), the checker's
near-duplicate warning, and the terminal search's records and filter.

Standard library only, so that the search command line can import it
without loading the content model.
"""

from __future__ import annotations

from typing import Callable


def spaced(name: str) -> str:
    """``name`` with its spacing normalised: trimmed, every run of white space one space."""
    return " ".join(name.split())


def _folded(name: str) -> str:
    return spaced(name).casefold()


def _listed(vocab) -> dict[str, str]:
    terms = getattr(vocab, "terms", None) or {}
    return terms.get("förbund") or {}


class Identifier:
    """Maps a förbund value to its identity under one set of vocabularies.

    Built once (the listed names are indexed), then called for every value.
    """

    def __init__(self, vocab=None):
        listed = _listed(vocab)
        self.labels = dict(listed)
        self._keys: dict[str, str] = {}
        # A key wins over another key's label with the same spelling; among
        # labels, the first listed.
        for key, label in listed.items():
            self._keys.setdefault(_folded(label), key)
        for key in listed:
            self._keys[_folded(key)] = key

    def listed_key(self, name: str) -> str | None:
        """The listed key ``name`` is (as key or label), or None."""
        return self._keys.get(_folded(name)) if self._keys else None

    def __call__(self, name: str) -> str:
        key = self.listed_key(name)
        return key if key is not None else _folded(name)


def identifier(vocab=None) -> Callable[[str], str]:
    """The identity function for ``vocab`` (a :class:`~metodbank.vokabular.Vocabularies`)."""
    return Identifier(vocab)


def identity(name: str, vocab=None) -> str:
    """The identity of one förbund value (see the module docstring)."""
    return Identifier(vocab)(name)
