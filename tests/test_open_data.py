"""Open data as its readers read it (issue 17): the example bank built with
and without a site address, then its exports read with ``csv``, ``json``,
pandas and Frictionless, and its sitemap, canonical links and robots.txt
checked.

Every expected value is worked out from the content files' front-matter with
``yaml.safe_load`` (``site_helpers.load_content``), never through
``metodbank.exports`` or ``metodbank.derive``. Facts only the build derives
(a metod's totals, a systemfel's observations) are compared between the CSV
and the JSON files, which must say the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import socket
from collections import Counter
from pathlib import Path

import pytest

from repo_helpers import REPO, copy_bank
from site_helpers import (
    FRONT_MATTER, copy_inputs, forbund_names, html_files, load_content, page_url, parse_html, run_build,
)

pytestmark = pytest.mark.build

# As actions/configure-pages gives it (no trailing '/'); the build adds one.
SITE_URL_ENV = "https://exempel.github.io/metodbanken"
SITE_URL = SITE_URL_ENV + "/"
SEP = " | "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # content-model.md, "Rules for bad input"

#: Every CSV file and its columns, in the order they are written. New columns
#: may be added (at the end or beside their key); none is renamed or moved.
HEADERS = {
    "projekt": ["slug", "titel", "förbund", "förbund_slug", "kommuner", "status", "start", "slut", "uppdaterad",
                "grad", "grad_etikett", "målgrupp", "målgrupp_etiketter", "parter", "parter_etiketter", "metoder",
                "systemfel", "deltagare", "till_arbete", "till_studier", "budget_kr", "sammanfattning",
                "mättidpunkt", "kalkyltyp", "kalkylperiod_år", "diskonteringsränta", "insatskostnad_kr",
                "motivering", "bedömd", "bedömd_av", "avbrottsorsak", "kontakt", "url"],
    "finansiering": ["projekt", "källa", "kr"],
    "utfall": ["projekt", "aktör", "aktör_etikett", "utfall_kr"],
    "implementeringar": ["projekt", "metod", "organisation", "år", "beskrivning", "url"],
    "beslut": ["projekt", "beslut", "beslutsfattare", "år", "systemfel", "kopplade_systemfel", "länk"],
    "observationer": ["projekt", "systemfel", "förbund", "år", "observation", "underlag", "antal_berörda"],
    "lardomar": ["projekt", "lärdom"],
    "utvarderingar": ["projekt", "titel", "länk"],
    "metoder": ["slug", "titel", "sammanfattning", "målgrupp", "målgrupp_etiketter", "förutsättningar",
                "insatstid_månader", "evidens_nivå", "evidens_källa", "evidens_länk", "antal_projekt", "projekt",
                "högsta_grad", "högsta_grad_etikett", "antal_implementeringar", "förbund", "deltagare",
                "till_arbete", "till_studier", "kostnad_per_deltagare_kr", "url"],
    "kallor": ["metod", "titel", "länk"],
    "systemfel": ["plats", "slug", "titel", "sammanfattning", "antal_förbund", "antal_projekt", "kategori",
                  "kategori_etikett", "berörda", "berörda_etiketter", "beslutsnivå", "ansvarig", "regelverk",
                  "förslag", "status", "målgrupper", "målgrupper_etiketter", "url"],
    "historik": ["systemfel", "datum", "status", "händelse", "länk"],
}
JSON_RESOURCES = ["projekt-json", "metoder-json", "systemfel-json", "katalog-json"]
#: The file each child table belongs to: (column, referenced resource).
FOREIGN_KEYS = {
    "finansiering": [("projekt", "projekt")],
    "utfall": [("projekt", "projekt")],
    "implementeringar": [("projekt", "projekt"), ("metod", "metoder")],
    "beslut": [("projekt", "projekt")],
    "observationer": [("projekt", "projekt"), ("systemfel", "systemfel")],
    "lardomar": [("projekt", "projekt")],
    "utvarderingar": [("projekt", "projekt")],
    "kallor": [("metod", "metoder")],
    "historik": [("systemfel", "systemfel")],
}

#: Where each field of the JSON exports is in the CSV files: JSON path (lists
#: of objects as ``[]``, the keys of utfall_kr as ``*``) -> (file, column).
JSON_IN_CSV = {
    "projekt": {
        "slug": ("projekt", "slug"), "url": ("projekt", "url"), "titel": ("projekt", "titel"),
        "förbund": ("projekt", "förbund"), "förbund_slug": ("projekt", "förbund_slug"),
        "kommuner": ("projekt", "kommuner"), "status": ("projekt", "status"),
        "period.start": ("projekt", "start"), "period.slut": ("projekt", "slut"),
        "uppdaterad": ("projekt", "uppdaterad"), "parter": ("projekt", "parter"),
        "målgrupp": ("projekt", "målgrupp"), "metoder": ("projekt", "metoder"),
        "budget_kr": ("projekt", "budget_kr"),
        "finansiering[].källa": ("finansiering", "källa"), "finansiering[].kr": ("finansiering", "kr"),
        "resultat.sammanfattning": ("projekt", "sammanfattning"),
        "resultat.mättidpunkt": ("projekt", "mättidpunkt"), "resultat.deltagare": ("projekt", "deltagare"),
        "resultat.till_arbete": ("projekt", "till_arbete"), "resultat.till_studier": ("projekt", "till_studier"),
        "resultat.socioekonomi.typ": ("projekt", "kalkyltyp"),
        "resultat.socioekonomi.kalkylperiod_år": ("projekt", "kalkylperiod_år"),
        "resultat.socioekonomi.diskonteringsränta": ("projekt", "diskonteringsränta"),
        "resultat.socioekonomi.insatskostnad_kr": ("projekt", "insatskostnad_kr"),
        "resultat.socioekonomi.utfall_kr.*": ("utfall", "utfall_kr"),
        "framgång.grad": ("projekt", "grad"), "framgång.motivering": ("projekt", "motivering"),
        "framgång.bedömd": ("projekt", "bedömd"), "framgång.bedömd_av": ("projekt", "bedömd_av"),
        "framgång.implementerad_hos[].organisation": ("implementeringar", "organisation"),
        "framgång.implementerad_hos[].metod": ("implementeringar", "metod"),
        "framgång.implementerad_hos[].år": ("implementeringar", "år"),
        "framgång.implementerad_hos[].beskrivning": ("implementeringar", "beskrivning"),
        "framgång.beslut[].beslut": ("beslut", "beslut"),
        "framgång.beslut[].beslutsfattare": ("beslut", "beslutsfattare"),
        "framgång.beslut[].år": ("beslut", "år"), "framgång.beslut[].systemfel": ("beslut", "systemfel"),
        "framgång.beslut[].länk": ("beslut", "länk"),
        "systemfel[].id": ("observationer", "systemfel"),
        "systemfel[].observation": ("observationer", "observation"),
        "systemfel[].underlag": ("observationer", "underlag"),
        "systemfel[].antal_berörda": ("observationer", "antal_berörda"),
        "lärdomar": ("lardomar", "lärdom"), "avbrottsorsak": ("projekt", "avbrottsorsak"),
        "utvärdering[].titel": ("utvarderingar", "titel"), "utvärdering[].länk": ("utvarderingar", "länk"),
        "kontakt": ("projekt", "kontakt"),
    },
    "metoder": {
        "slug": ("metoder", "slug"), "url": ("metoder", "url"), "titel": ("metoder", "titel"),
        "sammanfattning": ("metoder", "sammanfattning"), "målgrupp": ("metoder", "målgrupp"),
        "förutsättningar": ("metoder", "förutsättningar"), "insatstid_månader": ("metoder", "insatstid_månader"),
        "evidens.nivå": ("metoder", "evidens_nivå"), "evidens.källa": ("metoder", "evidens_källa"),
        "evidens.länk": ("metoder", "evidens_länk"),
        "källor[].titel": ("kallor", "titel"), "källor[].länk": ("kallor", "länk"),
        "härlett.projekt": ("metoder", "projekt"), "härlett.högsta_grad": ("metoder", "högsta_grad"),
        "härlett.förbund": ("metoder", "förbund"), "härlett.deltagare": ("metoder", "deltagare"),
        "härlett.till_arbete": ("metoder", "till_arbete"), "härlett.till_studier": ("metoder", "till_studier"),
        "härlett.kostnad_per_deltagare_kr": ("metoder", "kostnad_per_deltagare_kr"),
        "härlett.implementerad_hos[].organisation": ("implementeringar", "organisation"),
        "härlett.implementerad_hos[].år": ("implementeringar", "år"),
        "härlett.implementerad_hos[].projekt": ("implementeringar", "projekt"),
        "härlett.implementerad_hos[].metod": ("implementeringar", "metod"),
    },
    "systemfel": {
        "slug": ("systemfel", "slug"), "url": ("systemfel", "url"), "titel": ("systemfel", "titel"),
        "sammanfattning": ("systemfel", "sammanfattning"), "kategori": ("systemfel", "kategori"),
        "berörda": ("systemfel", "berörda"), "beslutsnivå": ("systemfel", "beslutsnivå"),
        "ansvarig": ("systemfel", "ansvarig"), "regelverk": ("systemfel", "regelverk"),
        "förslag": ("systemfel", "förslag"), "status": ("systemfel", "status"),
        "historik[].datum": ("historik", "datum"), "historik[].status": ("historik", "status"),
        "historik[].händelse": ("historik", "händelse"), "historik[].länk": ("historik", "länk"),
        "härlett.plats": ("systemfel", "plats"), "härlett.antal_förbund": ("systemfel", "antal_förbund"),
        "härlett.antal_projekt": ("systemfel", "antal_projekt"), "härlett.målgrupper": ("systemfel", "målgrupper"),
        "härlett.observationer[].projekt": ("observationer", "projekt"),
        "härlett.observationer[].förbund": ("observationer", "förbund"),
        "härlett.observationer[].år": ("observationer", "år"),
        "härlett.observationer[].observation": ("observationer", "observation"),
        "härlett.observationer[].underlag": ("observationer", "underlag"),
        "härlett.observationer[].antal_berörda": ("observationer", "antal_berörda"),
        "härlett.beslut[].projekt": ("beslut", "projekt"), "härlett.beslut[].beslut": ("beslut", "beslut"),
        "härlett.beslut[].beslutsfattare": ("beslut", "beslutsfattare"), "härlett.beslut[].år": ("beslut", "år"),
        "härlett.beslut[].systemfel": ("beslut", "systemfel"), "härlett.beslut[].länk": ("beslut", "länk"),
    },
}


# --------------------------------------------------------------------------
# Builds


def _build(tmp_path_factory, name: str, site_url: str | None) -> tuple[Path, Path]:
    src = copy_inputs(tmp_path_factory.mktemp(name) / "src")
    site = src.parent / "site"
    with pytest.MonkeyPatch.context() as patch:
        # As the publish workflow does: mkdocs.yml reads site_url from SITE_URL.
        if site_url is None:
            patch.delenv("SITE_URL", raising=False)
        else:
            patch.setenv("SITE_URL", site_url)
        run_build(src, site)
    return src, site


@pytest.fixture(scope="module")
def addressed(tmp_path_factory) -> tuple[Path, Path]:
    """(bank, site): the example bank built with a site address."""
    return _build(tmp_path_factory, "med-adress", SITE_URL_ENV)


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory) -> tuple[Path, Path]:
    """(bank, site): the example bank built without one (the repository's own default)."""
    return _build(tmp_path_factory, "utan-adress", None)


@pytest.fixture(scope="module")
def site(addressed) -> Path:
    return addressed[1]


@pytest.fixture(scope="module")
def files(addressed) -> dict:
    return load_content(addressed[0])


def read_table(site: Path, name: str) -> list[dict[str, str]]:
    """A CSV file's rows, read with the csv module as the data package says (BOM, ';', CRLF)."""
    raw = (site / "data" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv ska börja med BOM"
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    # Every row ends in CRLF (a line break inside a quoted text stays as written).
    assert text == as_csv(rows), f"{name}.csv är inte skriven med ';', CRLF och citattecken bara där de behövs"
    assert rows[0] == HEADERS[name], f"{name}.csv har kolumnerna {rows[0]}"
    assert all(len(row) == len(rows[0]) for row in rows), f"{name}.csv: alla rader ska ha lika många fält"
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def read_json(site: Path, kind: str) -> list[dict]:
    return json.loads((site / "data" / f"{kind}.json").read_text("utf-8"))["poster"]


def package(site: Path) -> dict:
    return json.loads((site / "data" / "datapackage.json").read_text("utf-8"))


# --------------------------------------------------------------------------
# Independent expectations: a value as the contract says it is written


def date_text(value) -> str | None:
    """A date as YAML read it (number, text or date) as the exports write it."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cell(value) -> str:
    """A value as a CSV cell: lists joined by ' | ', formulas guarded, None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = SEP.join(str(item) for item in value)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, bool):
        raise AssertionError(f"sant/falskt i en export: {value!r}")
    return str(value)


def labels(vocabulary: str, keys) -> list[str] | None:
    from metodbank.vokabular import DEFAULTS  # the shipped labels; the example mkdocs.yml adds none

    return None if keys is None else [DEFAULTS[vocabulary][key] for key in keys]


def grade_label(grad) -> str | None:
    from metodbank.kinds import Grad

    return None if grad is None else Grad(grad).label


def resolved_metod(meta: dict, item: dict) -> str | None:
    """implementerad_hos[].metod, or the project's only metod (content-model.md, version 2)."""
    own = list(dict.fromkeys(meta["metoder"]))
    return item.get("metod") or (own[0] if len(own) == 1 else None)


def observed(meta: dict) -> list[str]:
    return list(dict.fromkeys(o["id"] for o in meta.get("systemfel") or []))


def as_json(meta: dict) -> dict:
    """A project's front-matter as projekt.json writes it: dates as text, förbund
    as a list, the implied metod written out, empty values left out."""

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    record = plain(meta)
    record["förbund"] = forbund_names(meta)
    record["period"] = {k: date_text(v) for k, v in record["period"].items()}
    if "uppdaterad" in record:
        record["uppdaterad"] = date_text(record["uppdaterad"])
    framgang = record["framgång"]
    if "bedömd" in framgang:
        framgang["bedömd"] = date_text(framgang["bedömd"])
    for item in framgang.get("implementerad_hos") or []:
        item["metod"] = resolved_metod(meta, item)
    return record


def expected_projekt_row(slug: str, meta: dict) -> dict[str, str]:
    """projekt.csv's row for one project, from its front-matter (förbund_slug aside: see the JSON test)."""
    resultat = meta.get("resultat") or {}
    socio = resultat.get("socioekonomi") or {}
    framgang = meta["framgång"]
    return {key: cell(value) for key, value in {
        "slug": slug, "titel": meta["titel"], "förbund": forbund_names(meta), "kommuner": meta.get("kommuner"),
        "status": meta["status"], "start": date_text(meta["period"]["start"]),
        "slut": date_text(meta["period"].get("slut")), "uppdaterad": date_text(meta.get("uppdaterad")),
        "grad": framgang["grad"], "grad_etikett": grade_label(framgang["grad"]),
        "målgrupp": meta["målgrupp"], "målgrupp_etiketter": labels("målgrupp", meta["målgrupp"]),
        "parter": meta["parter"], "parter_etiketter": labels("parter", meta["parter"]),
        "metoder": meta["metoder"], "systemfel": observed(meta) or None,
        "deltagare": resultat.get("deltagare"), "till_arbete": resultat.get("till_arbete"),
        "till_studier": resultat.get("till_studier"), "budget_kr": meta.get("budget_kr"),
        "sammanfattning": resultat.get("sammanfattning"), "mättidpunkt": resultat.get("mättidpunkt"),
        "kalkyltyp": socio.get("typ"), "kalkylperiod_år": socio.get("kalkylperiod_år"),
        "diskonteringsränta": socio.get("diskonteringsränta"), "insatskostnad_kr": socio.get("insatskostnad_kr"),
        "motivering": framgang["motivering"], "bedömd": date_text(framgang.get("bedömd")),
        "bedömd_av": framgang.get("bedömd_av"), "avbrottsorsak": meta.get("avbrottsorsak"),
        "kontakt": meta.get("kontakt"), "url": f"{SITE_URL}projekt/{slug}/",
    }.items() if key != "förbund_slug"}


def expected_child_rows(slug: str, meta: dict) -> dict[str, list[dict[str, str]]]:
    """The project's rows in every file keyed by projekt, from its front-matter."""
    resultat = meta.get("resultat") or {}
    utfall = (resultat.get("socioekonomi") or {}).get("utfall_kr") or {}
    framgang = meta["framgång"]
    year = int(date_text(meta["period"]["start"])[:4])
    rows = {
        "finansiering": [{"projekt": slug, "källa": f["källa"], "kr": f.get("kr")}
                         for f in meta.get("finansiering") or []],
        "utfall": [{"projekt": slug, "aktör": key,
                    "aktör_etikett": "Produktionsvärde" if key == "produktionsvarde" else labels("parter", [key])[0],
                    "utfall_kr": kr} for key, kr in utfall.items()],
        "implementeringar": [{"projekt": slug, "metod": resolved_metod(meta, i), "organisation": i["organisation"],
                              "år": i["år"], "beskrivning": i["beskrivning"], "url": f"{SITE_URL}projekt/{slug}/"}
                             for i in framgang.get("implementerad_hos") or []],
        "beslut": [{"projekt": slug, "beslut": b["beslut"], "beslutsfattare": b["beslutsfattare"], "år": b["år"],
                    "systemfel": b.get("systemfel"), "länk": b.get("länk")} for b in framgang.get("beslut") or []],
        "observationer": [{"projekt": slug, "systemfel": o["id"], "år": year, "observation": o["observation"],
                           "underlag": o.get("underlag"), "antal_berörda": o.get("antal_berörda")}
                          for o in meta.get("systemfel") or []],
        "lardomar": [{"projekt": slug, "lärdom": text} for text in meta.get("lärdomar") or []],
        "utvarderingar": [{"projekt": slug, "titel": u["titel"], "länk": u.get("länk")}
                          for u in meta.get("utvärdering") or []],
    }
    return {name: [{k: cell(v) for k, v in row.items()} for row in table] for name, table in rows.items()}


def without(rows: list[dict], *columns: str) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in columns} for row in rows]


def leaf_paths(value, path: str = ""):
    """The paths of a JSON record's values: lists of objects as ``[]``, utfall_kr's keys as ``*``."""
    if isinstance(value, dict):
        for key, item in value.items():
            key = "*" if path.endswith("utfall_kr") else key
            yield from leaf_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for item in value:
            yield from leaf_paths(item, f"{path}[]")
    elif not (isinstance(value, list) and not value):  # an empty list holds no fact
        yield path


# --------------------------------------------------------------------------
# 1. The data package


def test_data_package_lists_every_export_with_relative_paths(site):
    descriptor = package(site)
    names = [r["name"] for r in descriptor["resources"]]
    assert names == list(HEADERS) + JSON_RESOURCES
    published = sorted(p.name for p in (site / "data").iterdir() if p.name != "datapackage.json")
    assert sorted(r["path"] for r in descriptor["resources"]) == published
    for resource in descriptor["resources"]:
        assert not re.match(r"^[a-z]+:|/|\.\.", resource["path"]), resource["path"]
    assert descriptor["homepage"] == f"{SITE_URL}oppna-data/"


def test_data_package_describes_the_csv_files_as_written(site):
    for resource in package(site)["resources"][:len(HEADERS)]:
        name = resource["name"]
        assert resource["path"] == f"{name}.csv"
        assert [f["name"] for f in resource["schema"]["fields"]] == HEADERS[name]
        assert resource["encoding"] == "utf-8"
        assert resource["dialect"] == {"header": True, "delimiter": ";", "lineTerminator": "\r\n",
                                       "quoteChar": '"', "doubleQuote": True}
        keys = [(fk["fields"], fk["reference"]) for fk in resource["schema"].get("foreignKeys", [])]
        assert keys == [([column], {"resource": target, "fields": ["slug"]})
                        for column, target in FOREIGN_KEYS.get(name, [])]
        for field in resource["schema"]["fields"]:
            assert field["description"], f"{name}.{field['name']} saknar beskrivning"
            if field["type"] == "list":
                assert field["delimiter"] == SEP


def test_frictionless_validates_the_data_package_offline(site, monkeypatch):
    """``frictionless validate data/datapackage.json`` on the published site,
    with every network connection refused: types, constraints, primary and
    foreign keys of every row."""
    from frictionless import validate

    def refuse(*args, **kwargs):
        raise OSError("inget nätverk i testet")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = validate(str(site / "data" / "datapackage.json"))
    problems = report.flatten(["type", "message"])
    assert report.valid, "datapaketet är ogiltigt:\n" + "\n".join(map(str, problems))
    assert [task.name for task in report.tasks] == list(HEADERS) + JSON_RESOURCES
    rows = {task.name: task.stats["rows"] for task in report.tasks if task.type == "table"}
    assert all(rows[name] > 0 for name in HEADERS), rows


def test_frictionless_finds_a_broken_reference(site, tmp_path, monkeypatch):
    """The foreign keys are checked, not only declared."""
    import shutil

    from frictionless import validate

    data = tmp_path / "data"
    shutil.copytree(site / "data", data)
    rows = (data / "observationer.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    first = rows[1].split(";")
    first[1] = "finns-inte-alls"
    rows[1] = ";".join(first)
    (data / "observationer.csv").write_bytes(("\ufeff" + "\r\n".join(rows)).encode("utf-8"))
    report = validate(str(data / "datapackage.json"))
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]


# --------------------------------------------------------------------------
# 2. CSV and JSON carry the same facts


def test_every_json_field_is_in_a_csv_file(site):
    for kind, mapping in JSON_IN_CSV.items():
        found = {path for record in read_json(site, kind) for path in leaf_paths(record)}
        missing = sorted(found - set(mapping))
        assert not missing, f"{kind}.json har fält som ingen CSV-fil har: {missing}"
        for path, (table, column) in mapping.items():
            assert column in HEADERS[table], f"{kind}.json {path}: kolumnen {table}.{column} finns inte"


def test_projects_agree_in_csv_json_and_files(site, files):
    """For every project: its row in projekt.csv, its rows in every file keyed
    by projekt, and its record in projekt.json are the front-matter."""
    projekt_rows = {row["slug"]: row for row in read_table(site, "projekt")}
    children = {name: read_table(site, name) for name in FOREIGN_KEYS if FOREIGN_KEYS[name][0][1] == "projekt"}
    records = {record["slug"]: record for record in read_json(site, "projekt")}
    assert sorted(projekt_rows) == sorted(records) == sorted(files["projekt"])
    for slug, meta in files["projekt"].items():
        row = projekt_rows[slug]
        assert without([row], "förbund_slug") == [expected_projekt_row(slug, meta)], slug
        expected = expected_child_rows(slug, meta)
        for name, rows in children.items():
            mine = [r for r in rows if r["projekt"] == slug]
            if name == "beslut":
                linked = [set(r.pop("kopplade_systemfel").split(SEP)) - {""} for r in mine]
                assert linked == [set(b.get("systemfel") or observed(meta)) for b in meta["framgång"].get("beslut")
                                  or []], slug
            if name == "observationer":
                mine = without(mine, "förbund")
            assert mine == expected[name], f"{name}.csv, projekt {slug}"
        # projekt.json: the front-matter itself, plus slug, url and förbund_slug.
        record = dict(records[slug])
        assert (record.pop("slug"), record.pop("url")) == (slug, f"{SITE_URL}projekt/{slug}/")
        assert cell(record.pop("förbund_slug")) == row["förbund_slug"]
        assert record == as_json(meta), slug


def test_methods_agree_in_csv_json_and_files(site, files):
    rows = {row["slug"]: row for row in read_table(site, "metoder")}
    kallor = read_table(site, "kallor")
    implementeringar = read_table(site, "implementeringar")
    records = {record["slug"]: record for record in read_json(site, "metoder")}
    assert sorted(rows) == sorted(records) == sorted(files["metoder"])
    for slug, meta in files["metoder"].items():
        row, record = rows[slug], records[slug]
        evidens = meta.get("evidens") or {}
        using = [p for p, pm in files["projekt"].items() if slug in pm["metoder"]]
        assert row == {
            **{k: cell(v) for k, v in {
                "slug": slug, "titel": meta["titel"], "sammanfattning": meta["sammanfattning"],
                "målgrupp": meta.get("målgrupp"), "målgrupp_etiketter": labels("målgrupp", meta.get("målgrupp")),
                "förutsättningar": meta.get("förutsättningar"), "insatstid_månader": meta.get("insatstid_månader"),
                "evidens_nivå": evidens.get("nivå"), "evidens_källa": evidens.get("källa"),
                "evidens_länk": evidens.get("länk"), "antal_projekt": len(using),
                "högsta_grad": max((files["projekt"][p]["framgång"]["grad"] for p in using), default=None),
                "url": f"{SITE_URL}metoder/{slug}/",
            }.items()},
            # Derived by the build: as in metoder.json.
            **{k: cell(record["härlett"].get(k)) for k in ("projekt", "förbund", "deltagare", "till_arbete",
                                                             "till_studier", "kostnad_per_deltagare_kr")},
            "högsta_grad_etikett": cell(grade_label(record["härlett"]["högsta_grad"])),
            "antal_implementeringar": str(len(record["härlett"]["implementerad_hos"])),
        }, slug
        assert set(record["härlett"]["projekt"]) == set(using)
        assert [r for r in kallor if r["metod"] == slug] == [
            {"metod": slug, "titel": cell(k["titel"]), "länk": cell(k.get("länk"))} for k in meta.get("källor") or []]
        assert Counter((r["organisation"], r["år"], r["projekt"]) for r in implementeringar if r["metod"] == slug) \
            == Counter((cell(i["organisation"]), str(i["år"]), i["projekt"]) for i in record["härlett"]["implementerad_hos"])


def test_systemfel_agree_in_csv_json_and_files(site, files):
    rows = {row["slug"]: row for row in read_table(site, "systemfel")}
    historik = read_table(site, "historik")
    observationer = read_table(site, "observationer")
    beslut = read_table(site, "beslut")
    records = read_json(site, "systemfel")
    assert [r["slug"] for r in records] == list(rows)  # the same order: the index's
    assert sorted(rows) == sorted(files["systemfel"])
    for record in records:
        slug = record["slug"]
        meta, row, derived = files["systemfel"][slug], rows[slug], record["härlett"]
        assert row == {k: cell(v) for k, v in {
            "plats": derived["plats"], "slug": slug, "titel": meta["titel"], "sammanfattning": meta["sammanfattning"],
            "antal_förbund": derived["antal_förbund"], "antal_projekt": derived["antal_projekt"],
            "kategori": meta["kategori"], "kategori_etikett": labels("kategori", [meta["kategori"]])[0],
            "berörda": meta["berörda"], "berörda_etiketter": labels("parter", meta["berörda"]),
            "beslutsnivå": meta["beslutsnivå"], "ansvarig": meta.get("ansvarig"), "regelverk": meta.get("regelverk"),
            "förslag": meta["förslag"], "status": meta["status"], "målgrupper": derived["målgrupper"] or None,
            "målgrupper_etiketter": labels("målgrupp", derived["målgrupper"]) or None,
            "url": f"{SITE_URL}systemfel/{slug}/",
        }.items()}, slug
        assert [r for r in historik if r["systemfel"] == slug] == [
            {k: cell(v) for k, v in {"systemfel": slug, "datum": date_text(h["datum"]), "status": h["status"],
                                     "händelse": h["händelse"], "länk": h.get("länk")}.items()}
            for h in meta.get("historik") or []]
        fields = ("projekt", "förbund", "år", "observation", "underlag", "antal_berörda")
        assert Counter(tuple(r[f] for f in fields) for r in observationer if r["systemfel"] == slug) == Counter(
            tuple(cell(o.get(f)) for f in fields) for o in derived["observationer"]), slug
        fields = ("projekt", "beslut", "beslutsfattare", "år", "systemfel", "länk")
        assert Counter(tuple(r[f] for f in fields) for r in beslut if slug in r["kopplade_systemfel"].split(SEP)) \
            == Counter(tuple(cell(b.get(f)) for f in fields) for b in derived["beslut"]), slug


# --------------------------------------------------------------------------
# 3. Read by pandas


def test_pandas_reads_every_csv_with_the_right_types(site):
    """Integers are integers (Int64, an empty cell <NA>), never floats; the
    data package's types read every file."""
    import pandas as pd

    types = {"integer": "Int64", "number": "Float64", "string": "string", "list": "string"}
    for resource in package(site)["resources"][:len(HEADERS)]:
        path = site / "data" / resource["path"]
        fields = resource["schema"]["fields"]
        frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype_backend="numpy_nullable")
        assert list(frame.columns) == HEADERS[resource["name"]]
        for field in fields:
            column, kind = frame[field["name"]], field["type"]
            if kind == "integer":
                assert str(column.dtype) in ("Int64", "int64"), f"{resource['path']}: {field['name']} är {column.dtype}"
            elif kind == "number":
                assert str(column.dtype) in ("Float64", "Int64"), f"{resource['path']}: {field['name']} är {column.dtype}"
            elif column.notna().any():
                assert str(column.dtype) in ("string", "str", "object"), f"{resource['path']}: {field['name']}"
        typed = pd.read_csv(path, sep=";", encoding="utf-8-sig", keep_default_na=False, na_values=[""],
                            dtype={f["name"]: types[f["type"]] for f in fields})
        assert len(typed) == len(frame)


def test_integer_cells_are_written_as_integers(site):
    for resource in package(site)["resources"][:len(HEADERS)]:
        integers = [f["name"] for f in resource["schema"]["fields"] if f["type"] == "integer"]
        for row in read_table(site, resource["name"]):
            for name in integers:
                assert re.fullmatch(r"-?\d*", row[name]), f"{resource['path']}: {name} = {row[name]!r}"


# --------------------------------------------------------------------------
# 4. Addresses: sitemap, canonical links, robots.txt, absolute export URLs


def site_pages(site: Path) -> list[str]:
    return sorted(page_url(site, f) for f in html_files(site) if f.name == "index.html")


def test_sitemap_lists_every_page(site):
    locs = re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert len(locs) == len(set(locs))
    expected = sorted(SITE_URL + url for url in site_pages(site))
    assert sorted(locs) == expected
    # Every item of the bank is a page in it.
    for folder in ("projekt", "metoder", "systemfel"):
        for slug in (REPO / folder).glob("*.md"):
            assert f"{SITE_URL}{folder}/{slug.stem}/" in locs


def test_every_page_has_its_canonical_link(site):
    for file in html_files(site):
        if file.name != "index.html":
            continue
        links = [n.attrs.get("href") for n in parse_html(file).iter("link") if n.attrs.get("rel") == "canonical"]
        assert links == [SITE_URL + page_url(site, file)], file


def test_robots_txt_points_at_the_sitemap(site):
    text = (site / "robots.txt").read_text("utf-8")
    assert text.splitlines()[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITE_URL}sitemap.xml" in text.splitlines()


def test_exports_carry_absolute_urls(site):
    for kind in ("projekt", "metoder", "systemfel"):
        for record in read_json(site, kind):
            assert record["url"] == f"{SITE_URL}{kind}/{record['slug']}/"
    field = next(f for f in package(site)["resources"][0]["schema"]["fields"] if f["name"] == "url")
    assert field["format"] == "uri"


def test_without_an_address_nothing_pretends_to_have_one(unaddressed):
    src, site = unaddressed
    assert not (site / "robots.txt").exists()
    assert "<url>" not in (site / "sitemap.xml").read_text("utf-8")
    for kind in ("projekt", "metoder", "systemfel"):
        for record in read_json(site, kind):
            assert record["url"] == f"{kind}/{record['slug']}/"
    assert all(row["url"].startswith("projekt/") for row in read_table(site, "implementeringar"))
    descriptor = package(site)
    assert "homepage" not in descriptor
    assert not any("format" in f for r in descriptor["resources"][:len(HEADERS)] for f in r["schema"]["fields"])
    assert not any('rel="canonical"' in f.read_text("utf-8") for f in html_files(site))


# --------------------------------------------------------------------------
# 5. A Swedish surface


def test_no_page_says_made_with(site):
    for file in html_files(site):
        text = file.read_text("utf-8")
        assert "Made with" not in text, file
        if file.name == "index.html":
            footer = parse_html(file).find("div", cls="md-copyright")
            assert footer is not None and "CC BY 4.0" in footer.text(), file


def test_the_open_data_page_explains_its_words(site):
    page = parse_html(site / "oppna-data" / "index.html")
    article = page.find("article")
    text = article.text()
    assert "front-matter" not in text.casefold()
    glossary = next(h for h in article.iter("h2") if h.text() == "Ordlista")
    terms = " ".join(n.text() for n in glossary.following_siblings())
    for word in ("CSV", "JSON", "Kortnamn", "slug", "Nyckel och etikett", "Härlett", "BOM"):
        assert word in terms, f"ordlistan förklarar inte {word}"
    # Every CSV file is named on the page, and "poster" is explained where it stands.
    for name in HEADERS:
        assert f"{name}.csv" in text
    assert "poster är listan" in text


# --------------------------------------------------------------------------
# 6. The Excel guard in every text cell, child tables included


def test_formula_text_in_every_file_is_guarded(tmp_path):
    """Text that starts like a formula, in a list cell and in each kind of
    child row, is written with a leading ' in the CSV and as written in the JSON."""
    import yaml

    from metodbank import exports
    from metodbank.bank import load_bank
    from metodbank.derive import derive
    from metodbank.settings import read_settings

    root = copy_bank(tmp_path / "bank", with_docs=False)
    target = next(p for p in sorted((root / "projekt").glob("*.md"))
                  if "lärdomar:" in p.read_text("utf-8") and "utvärdering:" in p.read_text("utf-8"))
    text = target.read_text("utf-8")
    match = FRONT_MATTER.match(text)
    meta = yaml.safe_load(match.group(1))
    meta["kommuner"] = ["-Minusby", "Plusby"]
    meta["lärdomar"] = ["=SUMMA(1;2) var en lärdom om formler."] + meta["lärdomar"][1:]
    meta["utvärdering"][0]["titel"] = "@Utvärderingen"
    meta["kontakt"] = "Kansliet,\n+46 8 123 45 67 (växeln)"  # a line break, then a formula character
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    target.write_text(f"---\n{dumped}---{text[match.end():]}", "utf-8")

    bank = load_bank(root, read_settings(root / "mkdocs.yml").vocab)
    assert bank.ok, [p.format() for p in bank.problems.sorted()]
    data = exports.data_files(derive(bank))
    tables = {name: list(csv.DictReader(io.StringIO(data[f"data/{name}.csv"][1:], newline=""), delimiter=";"))
              for name in HEADERS}
    numbers = {(r["name"], f["name"]) for r in json.loads(data["data/datapackage.json"])["resources"]
               for f in r.get("schema", {}).get("fields", []) if f["type"] in ("integer", "number")}
    assert ("utfall", "utfall_kr") in numbers
    for name, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                if (name, column) not in numbers:  # negative numbers stay numbers
                    assert not value.startswith(FORMULA_START), f"{name}.csv {column}: {value!r}"
    row = next(r for r in tables["projekt"] if r["slug"] == target.stem)
    assert row["kommuner"] == "'-Minusby | Plusby"
    assert "'=SUMMA(1;2) var en lärdom om formler." in [r["lärdom"] for r in tables["lardomar"]]
    assert "'@Utvärderingen" in [r["titel"] for r in tables["utvarderingar"]]
    # A line break inside a text is kept, quoted, in both files.
    assert row["kontakt"] == meta["kontakt"]
    assert f'"{meta["kontakt"]}"' in data["data/projekt.csv"]
    record = next(r for r in json.loads(data["data/projekt.json"])["poster"] if r["slug"] == target.stem)
    assert record["kontakt"] == meta["kontakt"]
    assert record["kommuner"] == ["-Minusby", "Plusby"]
    assert record["lärdomar"][0].startswith("=SUMMA")


# --------------------------------------------------------------------------
# 7. Where the address comes from


def test_the_publish_workflow_gives_the_build_its_pages_address(monkeypatch):
    """mkdocs.yml reads site_url from SITE_URL; the publish workflow sets it
    from actions/configure-pages' base_url before it builds."""
    import yaml

    from metodbank.settings import read_settings

    steps = yaml.safe_load((REPO / ".github" / "workflows" / "publicera.yml").read_text("utf-8"))["jobs"]["bygg"]["steps"]
    pages = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/configure-pages@"))
    build = next(i for i, s in enumerate(steps) if "make site" in s.get("run", ""))
    assert pages < build
    assert steps[build]["env"]["SITE_URL"] == "${{ steps.%s.outputs.base_url }}" % steps[pages]["id"]
    assert re.search(r"(?m)^site_url: !ENV \[SITE_URL, ''\]$", (REPO / "mkdocs.yml").read_text("utf-8"))
    monkeypatch.setenv("SITE_URL", SITE_URL_ENV)
    assert read_settings(REPO / "mkdocs.yml").site_url == SITE_URL
    monkeypatch.delenv("SITE_URL")
    assert read_settings(REPO / "mkdocs.yml").site_url == ""
