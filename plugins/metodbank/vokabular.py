"""Controlled vocabularies: ``key: Label`` maps named after the field they govern.

Defaults ship here; a deployment extends or overrides them in ``mkdocs.yml``
under the plugin's ``vokabular:`` option (read by :func:`load_vocabularies`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

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
STATUS_SYSTEMFEL = ("identifierat", "rapporterat", "beslut fattat", "åtgärdat")
BESLUTSNIVÅ = ("lokal", "regional", "nationell")
FINANSIERINGSKÄLLA = ("samordningsförbund", "esf", "kommun", "region", "annan")
MÄTTIDPUNKT = ("vid avslut", "efter 6 månader", "efter 12 månader")
BEDÖMD_AV = ("projektledare", "förbund", "extern")
UNDERLAG = ("anekdot", "ärendegenomgång", "mätning", "kalkyl", "extern utvärdering")
EVIDENSNIVÅ = ("stark", "måttlig", "begränsad", "saknas")
KALKYLTYP = ("prognos", "uppföljning")
PRODUKTIONSVÄRDE = "produktionsvarde"

GRAD_LABELS = {
    0: "Ingen framgång ännu",
    1: "Första graden",
    2: "Andra graden",
    3: "Tredje graden",
}
GRAD_MEANING = {
    0: "Planerat, pågående eller misslyckat — också misslyckanden är kunskap.",
    1: "Projektet hjälpte individer och utvecklade eller prövade en metod.",
    2: "Metoden är dokumenterad och används i ordinarie verksamhet efter projektet.",
    3: "Projektet visade på systemfel och gav underlag till systemförändrande beslut.",
}


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
        """Defaults, extended or overridden by a ``vokabular:`` mapping."""
        vocab = cls()
        for name, entries in (overrides or {}).items():
            if isinstance(entries, dict):
                vocab.terms.setdefault(str(name), {}).update({str(k): str(v) for k, v in entries.items()})
        return vocab


def load_vocabularies(config_file: Path | None) -> Vocabularies:
    """Read the plugin's ``vokabular:`` option straight from ``mkdocs.yml``.

    The core must not depend on MkDocs, so this reads the YAML itself,
    tolerating MkDocs' ``!!python/name`` and ``!ENV`` tags.
    """
    if config_file is None or not Path(config_file).is_file():
        return Vocabularies()
    data = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    return Vocabularies.from_config(plugin_options(data).get("vokabular"))


def plugin_options(config: dict) -> dict:
    """The ``metodbank`` plugin's options from a parsed ``mkdocs.yml``."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "metodbank" in entry:
            return entry["metodbank"] or {}
    return {}


class _TolerantLoader(yaml.SafeLoader):
    pass


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
