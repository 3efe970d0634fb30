"""The committed JSON Schemas (schema/*.schema.json): no drift from the model,
and they accept valid front-matter and reject invalid front-matter.

Regenerate them with ``make schema`` (``metodbank schema schema``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import jsonschema
import pytest
import yaml

from checker_helpers import GOOD_METOD, GOOD_PROJEKT, GOOD_SYSTEMFEL
from metodbank import schema
from metodbank.frontmatter import split
from metodbank.model import KINDS
from metodbank.settings import read_settings
from repo_helpers import REPO

SCHEMA_DIR = REPO / "schema"


def front_matter(text: str) -> dict:
    """Front-matter as a browser form or editor would hand it over: dates as text."""
    return _dates_as_text(yaml.safe_load(split(text)[0]))


def _dates_as_text(value):
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    loaded = json.loads((SCHEMA_DIR / schema.FILE_NAMES[kind]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_schema_matches_the_model(kind):
    committed = (SCHEMA_DIR / schema.FILE_NAMES[kind]).read_text(encoding="utf-8")
    expected = schema.render(kind, read_settings(REPO / "mkdocs.yml").vocab)
    assert committed == expected, f"schema/{schema.FILE_NAMES[kind]} är inaktuell: kör 'make schema'"


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_is_draft_2020_12(kind):
    loaded = json.loads((SCHEMA_DIR / schema.FILE_NAMES[kind]).read_text(encoding="utf-8"))
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert loaded["$id"].endswith(schema.FILE_NAMES[kind])
    jsonschema.Draft202012Validator.check_schema(loaded)


@pytest.mark.parametrize(
    "kind, text", [("projekt", GOOD_PROJEKT), ("metoder", GOOD_METOD), ("systemfel", GOOD_SYSTEMFEL)]
)
def test_known_valid_front_matter_validates(kind, text):
    data = front_matter(text)
    assert list(validator(kind).iter_errors(data)) == []


def test_dates_are_validated_as_text():
    data = front_matter(GOOD_PROJEKT.replace("slut: 2021-12", "slut: 2021-12-31"))
    assert data["period"] == {"start": "2019-03", "slut": "2021-12-31"}
    assert list(validator("projekt").iter_errors(data)) == []
    assert list(validator("projekt").iter_errors({**data, "period": {"start": 2019, "slut": 2021}})) == []


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO).as_posix() for kind in KINDS for p in (REPO / kind).rglob("*.md")))
def test_repository_content_validates(path):
    kind = path.split("/")[0]
    data = front_matter((REPO / path).read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data)]
    assert errors == []


def _set(data: dict, path: str, value) -> dict:
    """A copy of ``data`` with ``path`` ('a.b.0') set to ``value`` (or removed when value is ...)."""
    data = copy.deepcopy(data)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


PROJEKT_INVALID = {
    "missing titel": ("titel", ...),
    "missing framgång": ("framgång", ...),
    "unknown field": ("malgrupp", ["unga-vuxna-20-29"]),
    "status word": ("status", "avslutad"),
    "målgrupp vocabulary": ("målgrupp", ["unga-vuxna"]),
    "empty parter": ("parter", []),
    "swedish number": ("budget_kr", "4 500 000"),
    "negative budget": ("budget_kr", -1),
    "grad 5": ("framgång.grad", 5),
    "grad as text": ("framgång.grad", "1"),
    "date format": ("period.start", "2019/03"),
    "date as year out of range": ("period.start", 1800),
    "metod slug": ("metoder", ["Exempelmetod"]),
    "ftp link": ("utvärdering.0.länk", "ftp://example.org/rapport"),
    "short titel": ("titel", "Ex"),
    "nested unknown field": ("framgång.grd", 2),
    "utfall key": ("resultat.socioekonomi", {
        "typ": "prognos", "kalkylperiod_år": 5, "diskonteringsränta": 0.04,
        "insatskostnad_kr": 1, "utfall_kr": {"kommunen": 5},
    }),
    "diskonteringsränta too high": ("resultat.socioekonomi", {
        "typ": "prognos", "kalkylperiod_år": 5, "diskonteringsränta": 4,
        "insatskostnad_kr": 1, "utfall_kr": {"kommun": 5},
    }),
}


@pytest.mark.parametrize("path, value", list(PROJEKT_INVALID.values()), ids=list(PROJEKT_INVALID))
def test_invalid_project_front_matter_is_rejected(path, value):
    data = _set(front_matter(GOOD_PROJEKT), path, value)
    assert list(validator("projekt").iter_errors(data)) != []


def test_the_invalid_examples_start_from_a_valid_one():
    # So each rejection above is caused by its one change.
    data = front_matter(GOOD_PROJEKT)
    data["resultat"]["socioekonomi"] = {
        "typ": "prognos", "kalkylperiod_år": 5, "diskonteringsränta": 0.04,
        "insatskostnad_kr": 1, "utfall_kr": {"kommun": 5, "produktionsvarde": 7},
    }
    assert list(validator("projekt").iter_errors(data)) == []


@pytest.mark.parametrize(
    "kind, text, path, value",
    [
        ("metoder", GOOD_METOD, "sammanfattning", "För kort."),
        ("metoder", GOOD_METOD, "evidens.nivå", "stor"),
        ("metoder", GOOD_METOD, "insatstid_månader", 0),
        ("systemfel", GOOD_SYSTEMFEL, "kategori", "finansering"),
        ("systemfel", GOOD_SYSTEMFEL, "beslutsnivå", "nationel"),
        ("systemfel", GOOD_SYSTEMFEL, "historik.0.status", "okänd"),
        ("systemfel", GOOD_SYSTEMFEL, "berörda", ...),
    ],
)
def test_invalid_metod_and_systemfel_are_rejected(kind, text, path, value):
    data = _set(front_matter(text), path, value)
    assert list(validator(kind).iter_errors(data)) != []


def test_listed_forbund_become_an_enum(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "plugins:\n  - metodbank:\n      vokabular:\n        förbund:\n          exempel: Samordningsförbundet Exempel\n",
        encoding="utf-8",
    )
    generated = schema.generate("projekt", read_settings(config).vocab)
    check = jsonschema.Draft202012Validator(generated)
    data = front_matter(GOOD_PROJEKT)
    assert list(check.iter_errors(data)) == []
    assert list(check.iter_errors({**data, "förbund": "exempel"})) == []
    assert list(check.iter_errors({**data, "förbund": "Samordningsförbundet Annat"})) != []
    # Without a list, any förbund name is accepted (the repository's own mkdocs.yml).
    assert list(validator("projekt").iter_errors({**data, "förbund": "Samordningsförbundet Annat"})) == []
