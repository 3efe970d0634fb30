"""Millisecond unit tests for the pure functions behind the site (issue 12,
item 7): the open-data exports, the chart geometry, the catalogue and the
Pagefind filters, on a tiny bank written to a temporary folder and read with
``load_bank`` and ``derive`` – no mkdocs.

Every expected value below is written out by hand from the front-matter in
this module (or worked out with plain arithmetic from it), never by calling
the function under test. The full-build tests (``test_site_build.py``) still
compare the built site against the raw YAML of the example bank.

The tiny bank:

========================  ==========  ====  ==================================  =========================
projekt                   start       grad  förbund                             metoder
========================  ==========  ====  ==================================  =========================
exempelprojekt            2019-03     2     Samordningsförbundet Exempel        exempelmetod
formelprojektet           2022-09     3     Samordningsförbundet  Exempel,      arbetstraning, exempelmetod
                                            Förbundet Norr
planerat-i-soder          2025-01     0     Förbundet Söder                     arbetstraning
========================  ==========  ====  ==================================  =========================

``formelprojektet``'s title starts with ``=`` (a spreadsheet formula) and its
förbund is spelled with two spaces (the same förbund as ``exempelprojekt``'s).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from checker_helpers import GOOD_PROJEKT, GOOD_SYSTEMFEL, replace, write_bank
from metodbank import exports
from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.site import catalogue, charts
from metodbank.site.pagefind import filters
from metodbank.vokabular import DEFAULTS, Vocabularies

TODAY = dt.date(2024, 6, 1)

# exempelprojekt: the checker's good project, raised to grad 2 by an
# implementation without 'metod' (implied: its one metod, exempelmetod).
EXEMPELPROJEKT = replace(
    GOOD_PROJEKT,
    "  grad: 1\n",
    "  grad: 2\n"
    "  implementerad_hos:\n"
    "    - organisation: Kommunen Exempel\n"
    "      år: 2022\n"
    "      beskrivning: Kommunen driver metoden vidare i egen regi.\n",
)
FORMEL_TITEL = "=SUMMA(A1) på arbetsplatsen"
FORMEL_SAMMANFATTNING = "-20 procent färre fick försörjningsstöd efter ett år med arbetsträning."
REGION_NORR = 'Regionen erbjuder "metoden"; i ordinarie verksamhet.'  # a quote and the CSV separator
FORMELPROJEKTET = {
    "titel": FORMEL_TITEL,
    "förbund": ["Samordningsförbundet  Exempel", "Förbundet Norr"],
    "status": "pågående",
    "period": {"start": "2022-09"},
    "parter": ["kommun", "region"],
    "målgrupp": ["nyanlanda", "unga-vuxna-20-29"],
    "metoder": ["arbetstraning", "exempelmetod"],
    "budget_kr": 1200000,
    "resultat": {"sammanfattning": FORMEL_SAMMANFATTNING, "deltagare": 20, "till_arbete": 4},
    "framgång": {
        "grad": 3,
        "motivering": "Beslutet om gemensam finansiering följde av projektets kalkyl.",
        "implementerad_hos": [
            {"organisation": "Region Norr", "metod": "exempelmetod", "år": 2024, "beskrivning": REGION_NORR},
            {"organisation": "Kommunen Norr", "metod": "arbetstraning", "år": 2023,
             "beskrivning": "Kommunen har anställt två handledare för arbetsträningen."},
        ],
        "beslut": [{
            "beslut": "Förbundet beslutade om en gemensam budget för insatsen.",
            "beslutsfattare": "Förbundsstyrelsen",
            "år": 2024,
            "systemfel": ["regelkrock"],
        }],
    },
    "systemfel": [{"id": "regelkrock", "observation": "Reglerna för ersättning krockade mellan myndigheterna.",
                   "antal_berörda": 12}],
}
# 20 words of 9 letters with uneven spacing: 199 characters once the spacing
# is normalised, so the catalogue cuts it after the 16th word (159 characters).
PLANERING = " ".join(["planering"] * 10) + "  \n  " + "   ".join(["planering"] * 10)
PLANERAT = {
    "titel": "Planerat projekt i Söder",
    "förbund": "Förbundet Söder",
    "status": "planerat",
    "period": {"start": "2025-01"},
    "parter": ["skola"],
    "målgrupp": ["unga-16-19"],
    "metoder": ["arbetstraning"],
    "framgång": {"grad": 0, "motivering": PLANERING},
    "systemfel": [{"id": "regelkrock", "observation": "Samma regler krockar redan i planeringen av projektet."}],
}
ARBETSTRANING = {
    "titel": "Arbetsträning med handledare",
    "sammanfattning": "Deltagaren tränar på en riktig arbetsplats med stöd av en handledare.",
    "målgrupp": ["nyanlanda"],
}
OANVAND = {"titel": "Oanvänd metod", "sammanfattning": "En metod som inget projekt i banken har prövat ännu."}
REGELKROCK = replace(replace(GOOD_SYSTEMFEL, "titel: Kostnader flyttas mellan huvudmän", "titel: Regler som krockar"),
                     "kategori: finansiering", "kategori: regelverk")
INGEN_SER = replace(GOOD_SYSTEMFEL, "titel: Kostnader flyttas mellan huvudmän", "titel: Ingen har sett det")

FILES = {
    "projekt/exempelprojekt.md": EXEMPELPROJEKT,
    "projekt/formelprojektet.md": FORMELPROJEKTET,
    "projekt/planerat-i-soder.md": PLANERAT,
    "metoder/arbetstraning.md": ARBETSTRANING,
    "metoder/oanvand.md": OANVAND,
    "systemfel/regelkrock.md": REGELKROCK,
    "systemfel/ingen-ser.md": INGEN_SER,
}

EXEMPEL, NORR, SODER = "samordningsforbundet-exempel", "forbundet-norr", "forbundet-soder"


def _derive(root, vocab=None):
    bank = load_bank(root, vocab, today=TODAY)
    errors = [p.format() for p in bank.problems.errors]
    assert not errors, errors
    return derive(bank, today=TODAY)


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    """The tiny bank, loaded and derived once for the module (tests only read it)."""
    return _derive(write_bank(tmp_path_factory.mktemp("tiny") / "bank", FILES))


def test_the_tiny_bank_is_what_the_tests_assume(d):
    assert sorted(d.bank.projekt) == ["exempelprojekt", "formelprojektet", "planerat-i-soder"]
    assert sorted(d.bank.metoder) == ["arbetstraning", "exempelmetod", "oanvand"]
    assert sorted(d.bank.systemfel) == ["exempelfel", "ingen-ser", "regelkrock"]
    assert {slug: f.namn for slug, f in d.förbund.items()} == {
        NORR: "Förbundet Norr", SODER: "Förbundet Söder", EXEMPEL: "Samordningsförbundet Exempel"}


# --------------------------------------------------------------------------
# Exports: JSON


def test_data_files_are_the_exports_and_their_package(d):
    files = exports.data_files(d)
    assert {"data/projekt.json", "data/metoder.json", "data/systemfel.json", "data/datapackage.json",
            "data/projekt.csv", "data/metoder.csv", "data/systemfel.csv", "data/implementeringar.csv"} <= set(files)
    assert all(name.startswith("data/") and name.endswith((".csv", ".json")) for name in files)
    for kind, antal in (("projekt", 3), ("metoder", 3), ("systemfel", 3)):
        document = json.loads(files[f"data/{kind}.json"])
        assert list(document) == ["version", "typ", "antal", "poster"]
        assert (document["version"], document["typ"], document["antal"]) == (1, kind, antal)
        assert len(document["poster"]) == antal


def test_to_json_writes_one_record_per_line():
    text = exports.to_json([{"slug": "a", "titel": "Å"}, {"slug": "b"}], "projekt")
    assert text.splitlines() == [
        '{"version": 1, "typ": "projekt", "antal": 2, "poster": [',
        '{"slug": "a", "titel": "Å"},',
        '{"slug": "b"}',
        "]}",
    ]
    assert json.loads(exports.to_json([], "metoder")) == {"version": 1, "typ": "metoder", "antal": 0, "poster": []}


def test_projekt_records_keep_the_front_matter(d):
    records = exports.projekt_records(d)
    assert [r["slug"] for r in records] == ["exempelprojekt", "formelprojektet", "planerat-i-soder"]
    formel = records[1]
    assert formel["url"] == "projekt/formelprojektet/"
    # Text as written: the formula title and the double space stay in the JSON.
    assert formel["titel"] == FORMEL_TITEL
    assert formel["förbund"] == ["Samordningsförbundet  Exempel", "Förbundet Norr"]
    assert formel["förbund_slug"] == [EXEMPEL, NORR]
    assert formel["period"] == {"start": "2022-09"}  # no slut: left out, not null
    assert formel["resultat"] == {"sammanfattning": FORMEL_SAMMANFATTNING, "deltagare": 20, "till_arbete": 4}
    assert formel["framgång"]["implementerad_hos"][0] == {
        "organisation": "Region Norr", "metod": "exempelmetod", "år": 2024, "beskrivning": REGION_NORR}
    assert formel["framgång"]["beslut"][0]["systemfel"] == ["regelkrock"]
    exempel = records[0]
    assert exempel["förbund"] == ["Samordningsförbundet Exempel"]  # one name is a list of one
    assert exempel["förbund_slug"] == [EXEMPEL]
    assert exempel["period"] == {"start": "2019-03", "slut": "2021-12"}
    assert exempel["budget_kr"] == 4500000
    # The implied metod is written into the export.
    assert exempel["framgång"]["implementerad_hos"] == [{
        "organisation": "Kommunen Exempel", "metod": "exempelmetod", "år": 2022,
        "beskrivning": "Kommunen driver metoden vidare i egen regi."}]
    planerat = records[2]
    assert "resultat" not in planerat and "budget_kr" not in planerat
    assert planerat["förbund_slug"] == [SODER]
    # Everything is plain JSON.
    assert json.loads(json.dumps(records, ensure_ascii=False)) == records


def test_metod_records_derive_from_the_projects(d):
    records = {r["slug"]: r for r in exports.metod_records(d)}
    assert list(records) == ["arbetstraning", "exempelmetod", "oanvand"]
    assert records["exempelmetod"]["titel"] == "Exempelmetoden"
    assert records["exempelmetod"]["insatstid_månader"] == 12
    assert records["exempelmetod"]["härlett"] == {
        "projekt": ["formelprojektet", "exempelprojekt"],  # newest first
        "högsta_grad": 3,
        "förbund": ["Förbundet Norr", "Samordningsförbundet Exempel"],
        "deltagare": 40 + 20,
        "till_arbete": 15 + 4,
        "till_studier": 5,
        "kostnad_per_deltagare_kr": (4500000 + 1200000) // (40 + 20),
        "implementerad_hos": [
            {"organisation": "Kommunen Exempel", "år": 2022, "projekt": "exempelprojekt", "metod": "exempelmetod"},
            {"organisation": "Region Norr", "år": 2024, "projekt": "formelprojektet", "metod": "exempelmetod"},
        ],
    }
    assert records["arbetstraning"]["härlett"] == {
        "projekt": ["planerat-i-soder", "formelprojektet"],
        "högsta_grad": 3,
        "förbund": ["Förbundet Norr", "Förbundet Söder", "Samordningsförbundet Exempel"],
        "deltagare": 20,  # the planned project reports no result
        "till_arbete": 4,
        "till_studier": 0,
        "kostnad_per_deltagare_kr": 1200000 // 20,
        "implementerad_hos": [
            {"organisation": "Kommunen Norr", "år": 2023, "projekt": "formelprojektet", "metod": "arbetstraning"},
        ],
    }
    assert records["oanvand"]["härlett"] == {
        "projekt": [], "högsta_grad": None, "förbund": [], "deltagare": None, "till_arbete": None,
        "till_studier": None, "kostnad_per_deltagare_kr": None, "implementerad_hos": [],
    }


def test_systemfel_records_are_ranked(d):
    records = exports.systemfel_records(d)
    # regelkrock: 2 projects in 3 förbund; exempelfel: 1 in 1; ingen-ser: none.
    assert [(r["slug"], r["härlett"]["plats"], r["härlett"]["antal_förbund"], r["härlett"]["antal_projekt"])
            for r in records] == [("regelkrock", 1, 3, 2), ("exempelfel", 2, 1, 1), ("ingen-ser", 3, 0, 0)]
    regelkrock = records[0]
    assert regelkrock["titel"] == "Regler som krockar"
    assert regelkrock["historik"][0] == {"datum": "2020-05", "status": "identifierat",
                                         "händelse": "Mönstret syntes i en ärendegenomgång."}
    assert regelkrock["härlett"]["målgrupper"] == ["nyanlanda", "unga-16-19", "unga-vuxna-20-29"]
    assert regelkrock["härlett"]["observationer"] == [
        {"projekt": "formelprojektet", "förbund": ["Samordningsförbundet Exempel", "Förbundet Norr"], "år": 2022,
         "observation": "Reglerna för ersättning krockade mellan myndigheterna.", "underlag": None,
         "antal_berörda": 12},
        {"projekt": "planerat-i-soder", "förbund": ["Förbundet Söder"], "år": 2025,
         "observation": "Samma regler krockar redan i planeringen av projektet.", "underlag": None,
         "antal_berörda": None},
    ]
    assert regelkrock["härlett"]["beslut"] == [{
        "projekt": "formelprojektet", "beslut": "Förbundet beslutade om en gemensam budget för insatsen.",
        "beslutsfattare": "Förbundsstyrelsen", "år": 2024, "systemfel": ["regelkrock"]}]
    exempelfel = records[1]
    assert [o["underlag"] for o in exempelfel["härlett"]["observationer"]] == ["kalkyl"]
    assert exempelfel["härlett"]["beslut"] == []
    assert records[2]["härlett"]["observationer"] == records[2]["härlett"]["målgrupper"] == []


# --------------------------------------------------------------------------
# Exports: CSV


def read_csv(text: str) -> list[list[str]]:
    """Rows of an export, after checking the Swedish-Excel framing (BOM, ';',
    CRLF after every record; a long text may hold a line break inside its quotes)."""
    assert text.startswith("\ufeff"), "CSV ska börja med UTF-8 BOM"
    body = text[1:]
    assert body.endswith("\r\n"), "sista raden ska sluta med CRLF"
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert body.count("\r\n") >= len(rows), "varje post ska sluta med CRLF"
    return rows


def read_records(text: str) -> dict[str, dict[str, str]]:
    rows = read_csv(text)
    key = "slug" if "slug" in rows[0] else rows[0][0]
    return {record[key]: record for record in (dict(zip(rows[0], row)) for row in rows[1:])}


def test_projekt_csv(d):
    rows = read_records(exports.projekt_csv(d))
    assert list(rows) == ["exempelprojekt", "formelprojektet", "planerat-i-soder"]
    picked = {slug: {c: r[c] for c in ("titel", "förbund", "status", "slut", "grad", "målgrupp", "parter",
                                          "metoder", "deltagare", "till_studier", "budget_kr", "url")}
              for slug, r in rows.items()}
    assert picked["exempelprojekt"] == {
        "titel": "Exempelprojektet", "förbund": "Samordningsförbundet Exempel", "status": "avslutat",
        "slut": "2021-12", "grad": "2", "målgrupp": "unga-vuxna-20-29", "parter": "arbetsformedlingen | kommun",
        "metoder": "exempelmetod", "deltagare": "40", "till_studier": "5", "budget_kr": "4500000",
        "url": "projekt/exempelprojekt/"}
    # The formula title is shown as text; missing values are empty cells.
    assert picked["formelprojektet"]["titel"] == "'" + FORMEL_TITEL
    assert picked["formelprojektet"]["förbund"] == "Samordningsförbundet  Exempel | Förbundet Norr"
    assert (picked["formelprojektet"]["slut"], picked["formelprojektet"]["till_studier"]) == ("", "")
    assert picked["planerat-i-soder"]["deltagare"] == picked["planerat-i-soder"]["budget_kr"] == ""


def test_metoder_csv(d):
    rows = read_records(exports.metoder_csv(d))
    picked = {slug: [r[c] for c in ("titel", "antal_projekt", "högsta_grad", "antal_implementeringar", "deltagare",
                                     "till_arbete", "till_studier", "kostnad_per_deltagare_kr", "url")]
              for slug, r in rows.items()}
    assert picked == {
        "arbetstraning": ["Arbetsträning med handledare", "2", "3", "1", "20", "4", "0", "60000",
                          "metoder/arbetstraning/"],
        "exempelmetod": ["Exempelmetoden", "2", "3", "2", "60", "19", "5", "95000", "metoder/exempelmetod/"],
        "oanvand": ["Oanvänd metod", "0", "", "0", "", "", "", "", "metoder/oanvand/"],
    }


def test_systemfel_csv(d):
    rows = read_records(exports.systemfel_csv(d))
    picked = [[r[c] for c in ("plats", "slug", "antal_förbund", "antal_projekt", "kategori", "berörda",
                              "beslutsnivå", "status", "url")] for r in rows.values()]
    assert picked == [
        ["1", "regelkrock", "3", "2", "regelverk", "kommun | forsakringskassan", "nationell", "rapporterat",
         "systemfel/regelkrock/"],
        ["2", "exempelfel", "1", "1", "finansiering", "kommun | forsakringskassan", "nationell", "rapporterat",
         "systemfel/exempelfel/"],
        ["3", "ingen-ser", "0", "0", "finansiering", "kommun | forsakringskassan", "nationell", "rapporterat",
         "systemfel/ingen-ser/"],
    ]


def test_implementeringar_csv(d):
    text = exports.implementeringar_csv(d)
    assert read_csv(text) == [
        ["projekt", "metod", "organisation", "år", "beskrivning", "url"],
        ["exempelprojekt", "exempelmetod", "Kommunen Exempel", "2022", "Kommunen driver metoden vidare i egen regi.",
         "projekt/exempelprojekt/"],
        ["formelprojektet", "exempelmetod", "Region Norr", "2024", REGION_NORR, "projekt/formelprojektet/"],
        ["formelprojektet", "arbetstraning", "Kommunen Norr", "2023",
         "Kommunen har anställt två handledare för arbetsträningen.", "projekt/formelprojektet/"],
    ]
    # The ';' and the quotes are quoted as Excel expects, not split.
    assert '"Regionen erbjuder ""metoden""; i ordinarie verksamhet."' in text


# --------------------------------------------------------------------------
# Charts


LABELS = {0: "Noll", 1: "Ett", 2: "Två", 3: "Tre"}


def test_pyramid_geometry():
    chart = charts.pyramid({0: 1, 1: 0, 2: 2, 3: 4}, LABELS)
    # Width 560, 20 on each side: the largest count (4) gets all 520.
    assert (chart["width"], chart["height"], chart["row"]) == (560, 20 + 4 * 44, 44)
    assert [(b.label, b.value, b.x, b.width, b.y, b.text) for b in chart["bars"]] == [
        ("Tre", 4, 20.0, 520.0, 10, "Tre: 4 projekt"),
        ("Två", 2, 150.0, 260.0, 54, "Två: 2 projekt"),
        ("Ett", 0, 280.0, 0.0, 98, "Ett: 0 projekt"),
        ("Noll", 1, 215.0, 130.0, 142, "Noll: 1 projekt"),
    ]


def test_pyramid_small_counts_stay_visible_and_empty_counts_do_not_divide_by_zero():
    chart = charts.pyramid({3: 1, 1: 1000}, LABELS, width=100, row=10)
    three, two, one, zero = chart["bars"]
    assert (three.width, three.x) == (2, 49)  # 60 * 1/1000 would be invisible: at least 2
    assert (one.width, one.x) == (60, 20)
    assert two.width == zero.width == 0 and two.value == zero.value == 0  # missing grades count as 0
    assert [b.y for b in chart["bars"]] == [10, 20, 30, 40] and chart["height"] == 60
    empty = charts.pyramid({}, LABELS)
    assert [(b.value, b.width, b.x) for b in empty["bars"]] == [(0, 0, 280)] * 4


def test_diverging_bars_share_one_scale_around_zero():
    chart = charts.diverging([("Kommun", 300), ("Region", -100), ("Staten", 0)])
    # 100 kr of costs and 300 kr of gains fill the track: zero at 25 %, 1 kr = 0.25 %.
    assert chart["zero"] == 25
    assert [(b.label, b.value, b.x, b.width) for b in chart["bars"]] == [
        ("Kommun", 300, 25, 75), ("Region", -100, 0, 25), ("Staten", 0, 25, 0)]


def test_diverging_bars_with_gains_only_start_at_the_left_edge():
    chart = charts.diverging([("A", 50), ("B", 200), ("C", 1)])
    assert chart["zero"] == 0
    # A krona in 200 would be 0.5 % anyway; 1 in 200 000 would vanish, and stays a sliver.
    assert [(b.x, b.width) for b in chart["bars"]] == [(0, 25), (0, 100), (0, 0.5)]
    tiny = charts.diverging([("A", 1), ("B", 200_000)])
    assert tiny["bars"][0].width == charts.MIN_WIDTH
    empty = charts.diverging([])
    assert empty == {"bars": [], "zero": 0}


def test_diverging_bars_stay_on_the_track():
    chart = charts.diverging([("A", -1), ("B", 3), ("C", -2)])
    for bar in chart["bars"]:
        assert 0 <= bar.x and bar.x + bar.width <= 100 + 1e-9
        assert (bar.x + bar.width <= chart["zero"] + 1e-9) if bar.value < 0 else bar.x == chart["zero"]
    assert chart["zero"] == pytest.approx(40)  # 2 of 5 left of zero


def test_balance_bars_compare_across_actors():
    chart = charts.balance([
        ("Kommun", 600, 200, "vinst 600 kr", "betalat 200 kr", "netto +400 kr"),
        ("Region", -200, 300, "vinst −200 kr", "betalat 300 kr", "netto −500 kr"),
        ("ESF", None, 100, "ingen vinstpost", "betalat 100 kr", "netto −100 kr"),
    ])
    # The largest cost (200) and the largest gain or payment (600) share the track.
    assert chart["zero"] == 25
    kommun, region, esf = chart["rows"]
    assert (kommun.vinst.x, kommun.vinst.width, kommun.betalat.x, kommun.betalat.width) == (25, 75, 25, 25)
    assert (region.vinst.x, region.vinst.width) == (0, 25)  # a cost ends at the zero line
    assert region.betalat.width == pytest.approx(37.5)
    assert esf.vinst is None and esf.betalat.width == pytest.approx(12.5)
    assert (kommun.label, kommun.netto_text, kommun.vinst_text, kommun.betalat_text) == (
        "Kommun", "netto +400 kr", "vinst 600 kr", "betalat 200 kr")


def test_balance_without_costs_or_amounts():
    chart = charts.balance([("Kommun", 0, 0, "vinst 0 kr", "betalat 0 kr", "netto 0 kr")])
    row = chart["rows"][0]
    assert chart["zero"] == 0 and (row.vinst.width, row.betalat.width) == (0, 0)
    assert charts.balance([]) == {"rows": [], "zero": 0}


def test_year_bars_lay_segments_end_to_end():
    chart = charts.year_bars([(2020, [(0, 1), (1, 0), (2, 3)], "4 projekt"), (2021, [(3, 8)], "8 projekt"),
                              (2022, [], "0 projekt")])
    first, second, empty = chart["rows"]
    # The longest bar (8) fills the track: 1 = 12.5 %; an empty grade leaves no segment.
    assert [(s.grad, s.value, s.x, s.width) for s in first.segments] == [(0, 1, 0, 12.5), (2, 3, 12.5, 37.5)]
    assert [(s.x, s.width) for s in second.segments] == [(0, 100)]
    assert empty.segments == [] and (empty.år, empty.text) == (2022, "0 projekt")
    assert charts.year_bars([]) == {"rows": []}


# --------------------------------------------------------------------------
# The catalogue


def decoded(katalog: dict) -> dict[str, dict]:
    """The catalogue's rows by slug, each facet's indexes turned back into keys."""
    fields = katalog["fält"]
    rows = {}
    for row in katalog["poster"]:
        item = dict(zip(fields, row))
        for facet, values in katalog["facetter"].items():
            item[facet] = [values[i][0] for i in item[facet]]
        rows[item["slug"]] = item
    return rows


def test_catalogue_facets(d):
    katalog = catalogue.build(d)
    assert katalog["version"] == 1
    assert katalog["fält"] == ["slug", "titel", "sammanfattning", "målgrupp", "parter", "metoder", "systemfel",
                               "förbund", "grad", "status", "startår"]
    facets = katalog["facetter"]
    assert list(facets) == katalog["fält"][3:]
    # Every vocabulary term is a value, used or not, in the vocabulary's order.
    assert facets["målgrupp"] == [[k, label] for k, label in DEFAULTS["målgrupp"].items()]
    assert facets["parter"] == [[k, label] for k, label in DEFAULTS["parter"].items()]
    assert facets["metoder"] == [["arbetstraning", "Arbetsträning med handledare"], ["exempelmetod", "Exempelmetoden"],
                                 ["oanvand", "Oanvänd metod"]]  # by title
    assert facets["systemfel"] == [["regelkrock", "Regler som krockar"],
                                   ["exempelfel", "Kostnader flyttas mellan huvudmän"],
                                   ["ingen-ser", "Ingen har sett det"]]  # by rank
    assert facets["förbund"] == [[NORR, "Förbundet Norr"], [SODER, "Förbundet Söder"],
                                 [EXEMPEL, "Samordningsförbundet Exempel"]]
    assert facets["grad"] == [["0", "0 – Ingen framgång ännu"], ["1", "1 – Första graden"],
                              ["2", "2 – Andra graden"], ["3", "3 – Tredje graden"]]
    assert facets["status"] == [[s, s] for s in ("planerat", "pågående", "avslutat", "avbrutet")]
    assert facets["startår"] == [["2019", "2019"], ["2022", "2022"], ["2025", "2025"]]


def test_catalogue_rows(d):
    katalog = catalogue.build(d)
    # Highest degree first, then most recent start (the order /hitta/ shows).
    assert [row[0] for row in katalog["poster"]] == ["formelprojektet", "exempelprojekt", "planerat-i-soder"]
    # One row written out as indexes: dictionary encoding.
    målgrupp, parter = list(DEFAULTS["målgrupp"]), list(DEFAULTS["parter"])
    assert katalog["poster"][0] == [
        "formelprojektet", FORMEL_TITEL, FORMEL_SAMMANFATTNING,
        [målgrupp.index("nyanlanda"), målgrupp.index("unga-vuxna-20-29")],
        [parter.index("kommun"), parter.index("region")],
        [0, 1], [0], [2, 0], [3], [1], [1],
    ]
    rows = decoded(katalog)
    assert rows["exempelprojekt"] == {
        "slug": "exempelprojekt", "titel": "Exempelprojektet",
        "sammanfattning": "Fyrtio deltagare började och femton fick arbete.",
        "målgrupp": ["unga-vuxna-20-29"], "parter": ["arbetsformedlingen", "kommun"], "metoder": ["exempelmetod"],
        "systemfel": ["exempelfel"], "förbund": [EXEMPEL], "grad": ["2"], "status": ["avslutat"],
        "startår": ["2019"],
    }
    planerat = rows["planerat-i-soder"]
    assert (planerat["förbund"], planerat["grad"], planerat["status"], planerat["startår"]) == (
        [SODER], ["0"], ["planerat"], ["2025"])
    assert planerat["systemfel"] == ["regelkrock"]
    # No result: the summary is the motivation, spacing normalised, cut at a word with an ellipsis.
    assert planerat["sammanfattning"] == " ".join(["planering"] * 16) + " …"


def test_catalogue_summary_at_the_limit_is_kept_whole(tmp_path):
    exactly = " ".join(["Ord"] * 40) + "."  # 160 characters
    assert len(exactly) == catalogue.SUMMARY_CHARS
    one_more = " ".join(["Ord"] * 39) + " Ordx."  # 161
    bank = write_bank(tmp_path / "bank", {
        "projekt/planerat-i-soder.md": PLANERAT | {"framgång": {"grad": 0, "motivering": exactly}},
        "projekt/formelprojektet.md": PLANERAT | {"titel": "Ett till", "framgång": {"grad": 0, "motivering": one_more}},
        "metoder/arbetstraning.md": ARBETSTRANING,
        "systemfel/regelkrock.md": REGELKROCK,
    })
    rows = decoded(catalogue.build(_derive(bank)))
    assert rows["planerat-i-soder"]["sammanfattning"] == exactly
    assert rows["formelprojektet"]["sammanfattning"] == " ".join(["Ord"] * 39) + " …"


def test_catalogue_render_is_compact_json(d):
    text = catalogue.render(d)
    assert json.loads(text) == catalogue.build(d)
    assert "Förbundet Söder" in text  # UTF-8, not \u escapes
    assert '": ' not in text and '", "' not in text and "], [" not in text


# --------------------------------------------------------------------------
# Pagefind filters


def test_filters_of_a_project(d):
    by_slug = d.bank.projekt
    assert filters.for_projekt(by_slug["formelprojektet"], d) == {
        "Typ": ["Projekt"],
        "Målgrupp": ["Nyanlända", "Unga vuxna 20–29 år"],
        "Grad": ["3 – Tredje graden"],
        "Förbund": ["Samordningsförbundet Exempel", "Förbundet Norr"],  # one spelling for the one förbund
        "Status": ["pågående"],
    }
    assert filters.for_projekt(by_slug["exempelprojekt"], d) == {
        "Typ": ["Projekt"], "Målgrupp": ["Unga vuxna 20–29 år"], "Grad": ["2 – Andra graden"],
        "Förbund": ["Samordningsförbundet Exempel"], "Status": ["avslutat"],
    }
    assert filters.for_projekt(by_slug["planerat-i-soder"], d) == {
        "Typ": ["Projekt"], "Målgrupp": ["Unga 16–19 år"], "Grad": ["0 – Ingen framgång ännu"],
        "Förbund": ["Förbundet Söder"], "Status": ["planerat"],
    }


def test_filters_of_other_pages():
    assert filters.of_kind("projekt") == {"Typ": ["Projekt"]}
    assert filters.of_kind("metoder") == {"Typ": ["Metod"]}
    assert filters.of_kind("systemfel") == {"Typ": ["Systemfel"]}
    assert filters.PAGE_FILTERS == {"Typ": ["Sida"]}


def test_filters_use_the_deployment_vocabularies(tmp_path):
    """Labels come from the bank's vocabularies; a listed förbund written as
    its key or as its label is one förbund, named by its label."""
    vocab = Vocabularies.from_config({
        "målgrupp": {"unga-vuxna-20-29": "Unga vuxna (20–29)"},
        "förbund": {"exempel": "Samordningsförbundet Exempel"},
    })
    bank = write_bank(tmp_path / "bank", {
        "projekt/med-nyckel.md": replace(EXEMPELPROJEKT, "förbund: Samordningsförbundet Exempel", "förbund: exempel"),
    })
    d = _derive(bank, vocab)
    for slug in ("exempelprojekt", "med-nyckel"):
        facets = filters.for_projekt(d.bank.projekt[slug], d)
        assert facets["Förbund"] == ["Samordningsförbundet Exempel"], slug
        assert facets["Målgrupp"] == ["Unga vuxna (20–29)"], slug
