"""Controlled vocabularies: ``key: Label`` maps named after the field they govern.

Defaults ship here; a deployment extends or overrides them in ``mkdocs.yml``
under the plugin's ``vokabular:`` option (read and checked by
:mod:`metodbank.settings`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .kinds import Grad
from .suggest import did_you_mean, slugify

DEFAULTS: dict[str, dict[str, str]] = {
    "målgrupp": {
        "unga-16-19": "Unga 16–19 år",
        "unga-vuxna-20-29": "Unga vuxna 20–29 år",
        "nyanlanda": "Nyanlända",
        "langtidssjukskrivna": "Långtidssjukskrivna",
        "langtidsarbetslosa": "Långtidsarbetslösa",
        "forsorjningsstod": "Personer med försörjningsstöd",
        "funktionsnedsattning": "Personer med funktionsnedsättning",
        "psykisk-ohalsa": "Personer med psykisk ohälsa",
        "missbruk-beroende": "Personer med missbruk eller beroende",
        "foraldrar-barn": "Föräldrar och barn",
    },
    "parter": {
        "arbetsformedlingen": "Arbetsförmedlingen",
        "forsakringskassan": "Försäkringskassan",
        "kommun": "Kommun",
        "region": "Region",
        "skola": "Skola",
        "ideell-sektor": "Ideell sektor",
        "naringsliv": "Näringsliv",
        "rattsvasende": "Rättsväsende",
        "ovriga": "Övriga",
    },
    "kategori": {
        "regelverk": "Regelverk",
        "finansiering": "Finansiering",
        "styrning": "Styrning",
        "organisation": "Organisation",
        "information": "Information",
        "kompetens": "Kompetens",
        "tidsgranser": "Tidsgränser",
    },
    "förbund": {},
}

# Fixed words of the contract (not configurable).
STATUS_PROJEKT = ("planerat", "pågående", "avslutat", "avbrutet")
PLANERAT, PÅGÅENDE, AVSLUTAT, AVBRUTET = STATUS_PROJEKT
# A project that has started reports its results; one that has ended (or
# been stopped) also its end date and lessons, and a stopped one why.
STATUS_STARTADE = tuple(s for s in STATUS_PROJEKT if s != PLANERAT)
STATUS_AVSLUTADE = (AVSLUTAT, AVBRUTET)
STATUS_SYSTEMFEL = ("identifierat", "rapporterat", "beslut fattat", "åtgärdat")
BESLUTSNIVÅ = ("lokal", "regional", "nationell")
FINANSIERINGSKÄLLA = ("samordningsförbund", "esf", "kommun", "region", "annan")
MÄTTIDPUNKT = ("vid avslut", "efter 6 månader", "efter 12 månader")
BEDÖMD_AV = ("projektledare", "förbund", "extern")
UNDERLAG = ("anekdot", "ärendegenomgång", "mätning", "kalkyl", "extern utvärdering")
EVIDENSNIVÅ = ("stark", "måttlig", "begränsad", "saknas")
KALKYLTYP = ("prognos", "uppföljning")
PRODUKTIONSVÄRDE = "produktionsvarde"

# The degrees of success are :class:`metodbank.kinds.Grad`; this view of
# their labels is kept for the terminal search's output.
GRAD_LABELS = {grad: grad.label for grad in Grad}


def eller(words) -> str:
    """``avslutat eller avbrutet``; ``planerat, pågående, avslutat eller avbrutet``."""
    words = [str(word) for word in words]
    return " eller ".join(filter(None, (", ".join(words[:-1]), *words[-1:])))


@dataclass
class Vocabularies:
    """The vocabularies in force for one bank."""

    terms: dict[str, dict[str, str]] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULTS.items()})

    def keys(self, name: str) -> list[str]:
        return list(self.terms.get(name, {}))

    def label(self, name: str, key: str) -> str:
        return self.terms.get(name, {}).get(key, key)

    @property
    def forbund_listed(self) -> bool:
        return bool(self.terms.get("förbund"))

    def utfall_keys(self) -> list[str]:
        return self.keys("parter") + [PRODUKTIONSVÄRDE]

    @classmethod
    def from_config(cls, overrides: dict | None) -> "Vocabularies":
        """Defaults, extended or overridden by a ``vokabular:`` mapping,
        checked by :func:`check_vocabularies` (raises :class:`VocabularyError`)."""
        vocab = cls()
        for name, entries in check_vocabularies(overrides).items():
            vocab.terms.setdefault(name, {}).update(entries)
        return vocab


class VocabularyError(ValueError):
    """A broken ``vokabular:`` option: ``message`` in Swedish, ``loc`` the
    place in the config (``read_settings`` turns it into ``path:line``)."""

    def __init__(self, message: str, loc: tuple = ()):
        super().__init__(message)
        self.message = message
        self.loc = loc


# The identifier rule of the content model, for vocabulary keys here and for
# file names (slugs, which also have a length: ``model.SLUG_PATTERN``).
IDENTIFIER_CHARS = "a–z, 0–9 och bindestreck"
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_vocabularies(overrides) -> dict[str, dict[str, str]]:
    """The ``vokabular:`` option as {name: {key: label}}, checked; raises
    :class:`VocabularyError` naming the place, such as
    ``("vokabular", "målgrupp", "unga-16-19")``.

    One set of rules for both readers of the option (``read_settings`` and
    :meth:`Vocabularies.from_config`): keys follow the identifier rule, as
    they end up in URLs and file names; a vocabulary written as a list is an
    error, never dropped without a word.
    """

    def fail(loc: tuple, message: str):
        raise VocabularyError(message, loc)

    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        fail(("vokabular",), f"vokabular ska vara vokabulärer med 'nyckel: Etikett'-par under sina namn"
                             f" ({', '.join(f'{name}:' for name in DEFAULTS)}), inte {describe_kind(overrides)}")
    terms: dict[str, dict[str, str]] = {}
    for name, entries in overrides.items():
        loc = ("vokabular", name)
        if not isinstance(name, str) or name not in DEFAULTS:
            fail(loc, f"vokabular: det finns ingen vokabulär '{name}'. Vokabulärerna är:"
                      f" {', '.join(DEFAULTS)}{did_you_mean(name, DEFAULTS)}")
        if entries is None:
            entries = {}
        if not isinstance(entries, dict):
            fail(loc, f"vokabular.{name} ska vara 'nyckel: Etikett'-par, ett per rad (som"
                      f" 'unga-16-19: Unga 16–19 år'), inte {describe_kind(entries)}")
        checked = {}
        for key, label in entries.items():
            where = loc + (key,)
            if not isinstance(key, str):
                fail(where, not_text_key(f"vokabular.{name}", key, key))
            if not KEY.match(key):
                suggestion = slugify(key)
                hint = f" — till exempel '{suggestion}'" if KEY.match(suggestion) and suggestion != key else ""
                fail(where, f"vokabular.{name}: nyckeln '{key}' går inte att använda: en nyckel har bara"
                            f" {IDENTIFIER_CHARS} mellan dem (som 'unga-16-19'){hint}")
            if not isinstance(label, str) or not label.strip():
                what = ("saknas" if label is None or isinstance(label, str)
                        else f"ska vara text, inte {describe_kind(label)}")
                fail(where, f"vokabular.{name}.{key}: etiketten {what} — skriv namnet som ska visas efter"
                            f" kolonet, som '{key}: {DEFAULTS[name].get(key) or key.replace('-', ' ').capitalize()}'")
            checked[key] = unicodedata.normalize("NFC", label.strip())
        terms[name] = checked
    return terms


def not_text_key(where: str, written, value) -> str:
    """A key YAML did not read as text (``yes`` is True, ``12`` a number)."""
    return (f"{where}: nyckeln '{written}' läses av YAML som {describe_kind(value)}: en nyckel är ett ord med"
            f" bara {IDENTIFIER_CHARS} (som 'unga-16-19') — sätt citattecken runt den om den ska vara text")


def describe_kind(value) -> str:
    """What YAML made of a value, in words."""
    if isinstance(value, bool):
        return "ett sant/falskt-värde"
    if isinstance(value, (int, float)):
        return "ett tal"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, dict):
        return "en grupp fält"
    if value is None:
        return "tomt"
    return "ett värde av annat slag"
