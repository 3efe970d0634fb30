"""The content model: ``Projekt``, ``Metod`` and ``Systemfel`` as pydantic models.

These classes are the single source of truth for the front-matter: the
checker validates with them and ``schema/*.json`` is generated from them.
Field names are the contract's Swedish words. Rules that span several fields
or files (degree evidence, date order, references) live in
:mod:`metodbank.checks.rules`, so that they can be reported even when some
other field in the same file is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import kinds
from . import vokabular as v
from .datum import Datum, DatumError
from .kinds import Grad
from .suggest import did_you_mean

# The file-name rule: a slug is 3–80 characters of the identifier rule, with
# no hyphen first or last. One pattern (the checker, the JSON Schema and with
# it the browser form) and one wording of it for messages.
SLUG_MIN, SLUG_MAX = 3, 80
SLUG_PATTERN = rf"^[a-z0-9][a-z0-9-]{{{SLUG_MIN - 2},{SLUG_MAX - 2}}}[a-z0-9]$"
_SLUG = re.compile(SLUG_PATTERN)
SLUG_RULE = f"{SLUG_MIN}–{SLUG_MAX} tecken, bara {v.IDENTIFIER_CHARS}"
_SLUG_SCHEMA = {"pattern": SLUG_PATTERN, "minLength": SLUG_MIN, "maxLength": SLUG_MAX}


def _required_when(statuses: tuple[str, ...]) -> dict:
    """The project statuses that make a field required, as the JSON Schema
    tells the browser form (``x-krävs-vid-status``); :mod:`metodbank.checks.rules`
    applies the same tuples of :mod:`metodbank.vokabular`."""
    return {"x-krävs-vid-status": list(statuses)}

# --------------------------------------------------------------------------
# Field types


def Text(min_length: int, max_length: int):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


_SPACES = "\u00a0\u202f\u2009 "
_GROUPED = re.compile(rf"^-?\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?$")
_COMMA = re.compile(r"^-?\d+,\d+$")
_PERCENT = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*%$")
_KRONOR = re.compile(r"^(-?[\d" + _SPACES + r"]+)\s*(?:kr|kronor|sek)\.?$", re.IGNORECASE)


def swedish_number_hint(value: object) -> str | None:
    """How to write a Swedish-style number (``4 500 000``, ``0,04``, ``4 %``) in YAML."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _PERCENT.match(text):
        number = float(match.group(1).replace(",", "."))
        return f"{number / 100:g}"
    if match := _KRONOR.match(text):
        return re.sub(rf"[{_SPACES}]", "", match.group(1))
    if _GROUPED.match(text):
        return re.sub(rf"[{_SPACES}]", "", text).replace(",", ".")
    if _COMMA.match(text):
        return text.replace(",", ".")
    return None


def _number_guard(value: Any) -> Any:
    hint = swedish_number_hint(value)
    if hint is not None:
        raise PydanticCustomError(
            "svenskt_tal",
            "'{value}' är skrivet på svenskt sätt — skriv {hint} (utan mellanslag, punkt som decimaltecken)",
            {"value": value, "hint": hint},
        )
    return value


Heltal = Annotated[int, Strict(), BeforeValidator(_number_guard)]
Antal = Annotated[int, Strict(), BeforeValidator(_number_guard), Field(ge=0)]
Belopp = Antal
Årtal = Annotated[int, Strict(), BeforeValidator(_number_guard), Field(ge=1900, le=2100)]
Decimaltal = Annotated[float, BeforeValidator(_number_guard)]


def _check_link(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+\S*$", value):
        raise PydanticCustomError(
            "länk", "'{value}' är ingen giltig webbadress: den ska börja med https:// (eller http://)", {"value": value}
        )
    return value


Länk = Annotated[str, AfterValidator(_check_link), Field(json_schema_extra={"format": "uri", "pattern": "^https?://"})]


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' är ingen giltig slug: {rule}",
            {"value": value, "rule": SLUG_RULE},
        )
    return value


Slug = Annotated[str, AfterValidator(_check_slug), Field(json_schema_extra=_SLUG_SCHEMA)]


def _parse_datum(value: Any) -> Datum:
    if isinstance(value, Datum):
        return value
    try:
        return Datum.parse(value)
    except DatumError as exc:
        raise PydanticCustomError("datum", str(exc)) from None


DatumFält = Annotated[
    Datum,
    PlainValidator(_parse_datum),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1900, "maximum": 2100},
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            ],
            "description": "ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD",
        }
    ),
]


def Val(*values):
    """One of a fixed list of words, with a suggestion for near misses."""

    def guard(value: Any) -> Any:
        if value not in values or isinstance(value, bool):
            shown = ", ".join(str(x) for x in values)
            hint = did_you_mean(value, values)
            if isinstance(value, str) and value.strip() in {str(x) for x in values if not isinstance(x, str)}:
                hint = " — skriv talet utan citattecken"  # grad: "1" is text, not the number 1
            raise PydanticCustomError(
                "val",
                "'{value}' är inte tillåtet. Tillåtna värden: {shown}{hint}",
                {"value": value, "hint": hint, "shown": shown},
            )
        return value

    return Annotated[Literal[values], BeforeValidator(guard)]


@dataclass(frozen=True)
class _Vocabulary:
    """Marks a field governed by a vocabulary; the schema generator fills in the enum."""

    name: str
    extra: tuple[str, ...] = ()

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema["x-vokabular"] = self.name
        if self.extra:
            schema["x-vokabular-extra"] = list(self.extra)
        return schema


def _vocabulary_check(name: str, extra: tuple[str, ...] = ()):
    def check(value: str, info: ValidationInfo) -> str:
        vocab: v.Vocabularies = (info.context or {}).get("vokabular") or v.Vocabularies()
        allowed = vocab.keys(name) + list(extra)
        if value not in allowed:
            raise PydanticCustomError(
                "vokabular",
                "'{value}' finns inte i vokabulären '{name}'. Tillåtna värden: {allowed}{hint}",
                {"value": value, "name": name, "hint": did_you_mean(value, allowed), "allowed": ", ".join(allowed)},
            )
        return value

    return check


def Term(name: str, extra: tuple[str, ...] = ()):
    return Annotated[str, AfterValidator(_vocabulary_check(name, extra)), _Vocabulary(name, extra)]


def _check_forbund(value: str, info: ValidationInfo) -> str:
    vocab: v.Vocabularies = (info.context or {}).get("vokabular") or v.Vocabularies()
    if vocab.forbund_listed:
        names = vocab.terms["förbund"]
        if value not in names and value not in names.values():
            choices = list(names.values())
            raise PydanticCustomError(
                "förbund",
                "'{value}' finns inte bland förbunden i mkdocs.yml. Tillåtna värden: {allowed} (eller förbundets namn som det står där){hint}",
                {"value": value, "hint": did_you_mean(value, choices + list(names)), "allowed": ", ".join(names)},
            )
    return value


Förbundsnamn = Annotated[str, StringConstraints(min_length=2, max_length=200), AfterValidator(_check_forbund)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


FörbundFält = Annotated[
    list[Förbundsnamn],
    BeforeValidator(_one_or_many),
    Field(min_length=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 2, "maxLength": 200},
                {"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 200}, "minItems": 1},
            ],
            "x-vokabular": "förbund",
        }
    ),
]


def NonEmpty(item):
    return Annotated[list[item], Field(min_length=1)]


class Strikt(BaseModel):
    """Base for every part of the front-matter: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


# --------------------------------------------------------------------------
# projekt/<slug>.md


class Period(Strikt):
    start: DatumFält = Field(description="När projektet startade.")
    slut: Optional[DatumFält] = Field(None, description=f"Krävs när projektet är {v.eller(v.STATUS_AVSLUTADE)}.",
                                      json_schema_extra=_required_when(v.STATUS_AVSLUTADE))


class Finansiering(Strikt):
    källa: Val(*v.FINANSIERINGSKÄLLA)
    kr: Optional[Belopp] = None


class Socioekonomi(Strikt):
    typ: Val(*v.KALKYLTYP)
    kalkylperiod_år: Annotated[int, Strict(), BeforeValidator(_number_guard), Field(ge=1, le=50)]
    diskonteringsränta: Annotated[float, BeforeValidator(_number_guard), Field(ge=0, le=0.2)]
    insatskostnad_kr: Belopp
    utfall_kr: dict[Term("parter", (v.PRODUKTIONSVÄRDE,)), Heltal] = Field(
        description="Nettovinst (+) eller kostnad (−) per aktör i kronor."
    )


class Resultat(Strikt):
    sammanfattning: Text(20, 1000)
    mättidpunkt: Optional[Val(*v.MÄTTIDPUNKT)] = None
    deltagare: Optional[Antal] = Field(None, description="Antal personer som började i insatsen.")
    till_arbete: Optional[Antal] = None
    till_studier: Optional[Antal] = None
    socioekonomi: Optional[Socioekonomi] = None


# Which of the project's own metoder an implementation is of. Membership of
# the project's ``metoder`` (which are checked slugs) is the rule, and
# :mod:`metodbank.checks.rules` reports it with the project's methods listed,
# so the slug pattern is only shown in the schema, not checked a second time.
MetodVal = Annotated[str, Field(json_schema_extra=_SLUG_SCHEMA)]


class Implementering(Strikt):
    organisation: Text(2, 200)
    metod: Optional[MetodVal] = Field(
        None,
        description=(
            "Vilken av projektets metoder som implementerades (filnamnet utan .md). Krävs när projektet "
            "anger mer än en metod; med en enda metod gäller den."
        ),
    )
    år: Årtal
    beskrivning: Text(20, 1000)


class Beslut(Strikt):
    beslut: Text(20, 1000)
    beslutsfattare: Text(2, 200)
    år: Årtal
    systemfel: Optional[list[Slug]] = None
    länk: Optional[Länk] = None


class Framgång(Strikt):
    grad: Val(*map(int, Grad)) = Field(
        description=f"Högsta grad av framgång som nåtts ({min(Grad):d}–{max(Grad):d}).",
        # The labels the form shows beside each choice, as vocabularies carry theirs.
        json_schema_extra={"x-etiketter": {str(g.value): g.label for g in Grad},
                           "x-betydelser": {str(g.value): g.meaning for g in Grad}},
    )
    motivering: Text(20, 1000)
    bedömd: Optional[DatumFält] = None
    bedömd_av: Optional[Val(*v.BEDÖMD_AV)] = None
    implementerad_hos: Optional[list[Implementering]] = None
    beslut: Optional[list[Beslut]] = None


class Observation(Strikt):
    id: Slug = Field(description="Filnamnet (utan .md) för ett systemfel i systemfel/.")
    observation: Text(20, 1000)
    underlag: Optional[Val(*v.UNDERLAG)] = None
    antal_berörda: Optional[Antal] = None


class Utvärdering(Strikt):
    titel: Text(3, 200)
    länk: Optional[Länk] = None


class Projekt(Strikt):
    """Ett samverkansprojekt: en fil i projekt/."""

    titel: Text(3, 200)
    förbund: FörbundFält
    kommuner: Optional[list[Text(1, 100)]] = None
    status: Val(*v.STATUS_PROJEKT)
    period: Period
    uppdaterad: Optional[DatumFält] = None
    parter: NonEmpty(Term("parter"))
    målgrupp: NonEmpty(Term("målgrupp"))
    metoder: NonEmpty(Slug)
    budget_kr: Optional[Belopp] = None
    finansiering: Optional[list[Finansiering]] = None
    resultat: Optional[Resultat] = Field(None, json_schema_extra=_required_when(v.STATUS_STARTADE))
    framgång: Framgång
    systemfel: Optional[list[Observation]] = None
    lärdomar: Optional[list[Text(10, 300)]] = Field(None, json_schema_extra=_required_when(v.STATUS_AVSLUTADE))
    avbrottsorsak: Optional[Text(20, 1000)] = Field(None, json_schema_extra=_required_when((v.AVBRUTET,)))
    utvärdering: Optional[list[Utvärdering]] = None
    kontakt: Optional[Text(3, 300)] = Field(None, description="Organisation eller funktion — aldrig en deltagare.")

    @model_validator(mode="before")
    @classmethod
    def _implied_metod(cls, data: Any) -> Any:
        """The one place the implied ``implementerad_hos[].metod`` is resolved:
        in a project with a single metod, an implementation without ``metod``
        is of that metod. Everything downstream (method pages, exports,
        search) reads ``Implementering.metod`` and gets the resolved value.
        With several metoder nothing is implied: the checker asks for it."""
        return resolve_implied_metod(data)

    # Facts read from this one file. Pages, exports, the catalogue and search
    # ask here instead of working them out again.

    @property
    def summary(self) -> str:
        """The project in a few sentences: ``resultat.sammanfattning``, else ``framgång.motivering``."""
        return self.resultat.sammanfattning if self.resultat else self.framgång.motivering

    @property
    def observed_systemfel_ids(self) -> list[str]:
        """The systemfel the project observed (``systemfel[].id``), each once, in order."""
        return list(dict.fromkeys(o.id for o in self.systemfel or []))

    @property
    def systemfel_ids(self) -> list[str]:
        """Every systemfel the project refers to, each once: those it observed,
        then those its decisions name (``framgång.beslut[].systemfel``)."""
        ids = dict.fromkeys(self.observed_systemfel_ids)
        for beslut in self.framgång.beslut or []:
            ids.update(dict.fromkeys(beslut.systemfel or []))
        return list(ids)


def own_metoder(data: Any) -> list[str]:
    """The distinct metoder a project's raw front-matter lists, in order."""
    metoder = data.get("metoder") if isinstance(data, dict) else None
    return list(dict.fromkeys(m for m in metoder if isinstance(m, str))) if isinstance(metoder, list) else []


def resolve_implied_metod(data: Any) -> Any:
    """``data`` (a projekt's raw front-matter) with the implied metod written
    into every ``framgång.implementerad_hos`` item that has none, when the
    project lists exactly one metod; otherwise ``data`` as it is. Never
    mutates ``data`` (the checker reads the same dict)."""
    own = own_metoder(data)
    framgang = data.get("framgång") if isinstance(data, dict) else None
    items = framgang.get("implementerad_hos") if isinstance(framgang, dict) else None
    if len(own) != 1 or not isinstance(items, list):
        return data
    if not any(isinstance(item, dict) and item.get("metod") is None for item in items):
        return data
    resolved = [{**item, "metod": own[0]} if isinstance(item, dict) and item.get("metod") is None else item
                for item in items]
    return {**data, "framgång": {**framgang, "implementerad_hos": resolved}}


# --------------------------------------------------------------------------
# metoder/<slug>.md


class Evidens(Strikt):
    nivå: Val(*v.EVIDENSNIVÅ)
    källa: Optional[Text(3, 500)] = None
    länk: Optional[Länk] = None


class Källa(Strikt):
    titel: Text(3, 300)
    länk: Optional[Länk] = None


class Metod(Strikt):
    """En metod: en fil i metoder/."""

    titel: Text(3, 200)
    sammanfattning: Text(20, 300)
    målgrupp: Optional[list[Term("målgrupp")]] = None
    förutsättningar: Optional[Text(20, 1000)] = None
    insatstid_månader: Optional[Annotated[int, Strict(), BeforeValidator(_number_guard), Field(ge=1, le=120)]] = None
    evidens: Optional[Evidens] = None
    källor: Optional[list[Källa]] = None


# --------------------------------------------------------------------------
# systemfel/<slug>.md


class Händelse(Strikt):
    datum: DatumFält
    status: Val(*v.STATUS_SYSTEMFEL)
    händelse: Text(10, 300)
    länk: Optional[Länk] = None


class Systemfel(Strikt):
    """Ett systemfel: en mekanism i de offentliga systemen som stöter ut människor."""

    titel: Text(3, 200)
    sammanfattning: Text(20, 300)
    kategori: Term("kategori")
    berörda: NonEmpty(Term("parter"))
    beslutsnivå: Val(*v.BESLUTSNIVÅ)
    ansvarig: Optional[list[Text(2, 200)]] = None
    regelverk: Optional[list[Text(2, 200)]] = None
    förslag: Text(20, 1000)
    status: Val(*v.STATUS_SYSTEMFEL)
    historik: Optional[list[Händelse]] = None


# The model of each kind of file (:mod:`metodbank.kinds` has their folders
# and words), and by folder, as the bank and the schema look them up.
MODELS: dict[kinds.Kind, type[Strikt]] = {kinds.PROJEKT: Projekt, kinds.METOD: Metod, kinds.SYSTEMFEL: Systemfel}
KINDS: dict[str, type[Strikt]] = {kind.folder: model for kind, model in MODELS.items()}
