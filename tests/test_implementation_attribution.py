"""Each implementation belongs to one method (contract version 2,
``framgång.implementerad_hos[].metod``), end to end: the built method pages,
the JSON and CSV exports and the search records, on the example bank and on
a small bank of several multi-method projects (issue 13, items 1 and 2).

Every expected value is recomputed from the content files with
``yaml.safe_load`` (``site_helpers.load_content``), never through
``metodbank.derive``. The checker's own messages are tested with exact text
and line in ``test_checker_rules.py``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from site_helpers import Node, copy_inputs, load_content, parse_html, run_build, slug_from_href

pytestmark = pytest.mark.build

IMPLEMENTED = "Där metoden implementerats"
NONE_IMPLEMENTED = "Ingen implementering av metoden efter projekttiden är rapporterad ännu."


# --------------------------------------------------------------------------
# Independent expectations, from the files


def own_metoder(meta: dict) -> list[str]:
    return list(dict.fromkeys(meta.get("metoder") or []))


def resolved_metod(meta: dict, item: dict) -> str | None:
    """The contract's rule: written, or implied by a project's only metod."""
    if item.get("metod") is not None:
        return item["metod"]
    own = own_metoder(meta)
    return own[0] if len(own) == 1 else None


def implementations(content: dict) -> list[tuple[str, str, str, int]]:
    """(projekt, metod, organisation, år) for every implementation in the bank."""
    rows = []
    for slug, meta in sorted(content["projekt"].items()):
        for item in (meta.get("framgång") or {}).get("implementerad_hos") or []:
            rows.append((slug, resolved_metod(meta, item), item["organisation"], item["år"]))
    return rows


def implementations_of(content: dict, metod: str) -> Counter:
    """(organisation, projekt) of the implementations of ``metod``."""
    return Counter((org, projekt) for projekt, m, org, _ in implementations(content) if m == metod)


# --------------------------------------------------------------------------
# Reading the built pages


def page(site: Path, url: str) -> Node:
    return parse_html(site / url / "index.html")


def section(doc: Node, heading: str) -> list[Node]:
    """The elements after the <h2> with this text, up to the next <h2>."""
    matches = [h for h in doc.iter("h2") if h.text() == heading]
    assert len(matches) == 1, f"väntade exakt en rubrik {heading!r}, hittade {len(matches)}"
    found = []
    for sibling in matches[0].following_siblings():
        if sibling.tag == "h2":
            break
        found.append(sibling)
    return found


def listed_implementations(doc: Node) -> Counter | None:
    """(organisation, projekt) of each row in the method page's implementation
    table, or None when the section says there are none."""
    parts = section(doc, IMPLEMENTED)
    tables = [p for p in parts if p.tag == "table"]
    if not tables:
        assert any(p.text() == NONE_IMPLEMENTED for p in parts), [p.text() for p in parts]
        return None
    assert len(tables) == 1
    rows = []
    for row in tables[0].find("tbody").children_by_tag("tr"):
        cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]
        projekt = [s for a in cells[2].iter("a") if (s := slug_from_href(a.attrs.get("href") or "", "projekt"))]
        assert len(projekt) == 1, row.text()
        rows.append((cells[0].text(), projekt[0]))
    return Counter(rows)


def fact(doc: Node, term: str) -> str:
    """The text of the <dd> after the <dt> ``term`` in the page's fact list."""
    facts = doc.find("dl", cls="mb-fakta")
    terms = {dt.text(): dt for dt in facts.iter("dt")}
    assert term in terms, f"{term!r} saknas bland {sorted(terms)}"
    return next(s for s in terms[term].following_siblings() if s.tag == "dd").text()


def assert_method_pages_attribute_by_metod(site: Path, content: dict) -> None:
    for metod in content["metoder"]:
        doc = page(site, f"metoder/{metod}")
        expected = implementations_of(content, metod)
        listed = listed_implementations(doc)
        assert (listed or Counter()) == expected, (
            f"metoder/{metod}/ listar {sorted(listed or [])}, men implementeringarna med metod '{metod}' "
            f"i filerna är {sorted(expected)}")
        count = sum(expected.values())
        projects = len({p for _, p in expected})
        shown = fact(doc, "Implementerad efter projekten")
        if count:
            word = "implementering" if count == 1 else "implementeringar"
            assert shown.startswith(f"{count} {word} av just den här metoden, från {projects} projekt"), shown
        else:
            assert shown == "ingen implementering av metoden rapporterad ännu"


def assert_exports_carry_metod(site: Path, content: dict) -> None:
    expected = implementations(content)
    assert all(metod is not None for _, metod, _, _ in expected)

    # projekt.json: each implementation as in the file, with its resolved metod.
    posts = json.loads((site / "data" / "projekt.json").read_text("utf-8"))["poster"]
    exported = [(p["slug"], i.get("metod"), i["organisation"], i["år"])
                for p in sorted(posts, key=lambda p: p["slug"])
                for i in p.get("framgång", {}).get("implementerad_hos", [])]
    assert exported == expected

    # metoder.json: under härlett, only the method's own, each naming it.
    posts = json.loads((site / "data" / "metoder.json").read_text("utf-8"))["poster"]
    for post in posts:
        own = post["härlett"]["implementerad_hos"]
        assert all(i["metod"] == post["slug"] for i in own), post["slug"]
        assert Counter((i["organisation"], i["projekt"]) for i in own) == implementations_of(content, post["slug"])

    # implementeringar.csv: one row per implementation.
    text = (site / "data" / "implementeringar.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["projekt", "metod", "organisation", "år", "beskrivning", "url"]
    assert [(r[0], r[1], r[2], int(r[3])) for r in rows[1:]] == expected

    # metoder.csv: the number of implementations counts the method's own.
    text = (site / "data" / "metoder.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert {r["slug"]: int(r["antal_implementeringar"]) for r in rows} == {
        m: sum(implementations_of(content, m).values()) for m in content["metoder"]}


# --------------------------------------------------------------------------
# The example bank


def test_the_example_bank_exercises_several_methods(content):
    """Guard: multi-method projects with implementations, every one migrated."""
    multi = [slug for slug, meta in content["projekt"].items()
             if len(own_metoder(meta)) > 1 and (meta.get("framgång") or {}).get("implementerad_hos")]
    assert len(multi) >= 7
    for slug in multi:
        for item in content["projekt"][slug]["framgång"]["implementerad_hos"]:
            assert item.get("metod") in content["projekt"][slug]["metoder"], slug


def test_example_method_pages_list_only_their_own_implementations(built_site, content):
    assert_method_pages_attribute_by_metod(built_site, content)


def test_the_koordinator_implementation_is_not_on_the_ips_page(built_site):
    """The case from the issue: fran-projekt-till-linje lists both methods,
    and its one implementation is of the koordinator method."""
    ips = listed_implementations(page(built_site, "metoder/ips-supported-employment"))
    koordinator = listed_implementations(page(built_site, "metoder/samordnande-koordinator"))
    lidkoping = ("Lidköpings kommun, arbetsmarknadsenheten", "fran-projekt-till-linje")
    assert lidkoping in koordinator and lidkoping not in (ips or Counter())
    assert not any(projekt == "sprak-i-arbete-norra-bohuslan" for _, projekt in koordinator)


def test_example_exports_carry_the_resolved_metod(built_site, content):
    assert_exports_carry_metod(built_site, content)


def test_method_page_figures_say_what_they_count(built_site, content):
    for metod in content["metoder"]:
        using = {s: m for s, m in content["projekt"].items() if metod in (m.get("metoder") or [])}
        doc = page(built_site, f"metoder/{metod}")
        shown = fact(doc, "Högsta grad bland projekt som använt metoden")
        if not using:
            assert shown == "–"
            continue
        highest = max(int(m["framgång"]["grad"]) for m in using.values())
        assert shown.startswith(str(highest)), (metod, shown)
        reporting = [m for m in using.values() if (m.get("resultat") or {}).get("deltagare") is not None]
        if not reporting:
            continue
        rows = {}
        for th in doc.iter("th"):
            if th.attrs.get("scope") == "row" and th.parent is not None:
                tds = th.parent.children_by_tag("td")
                if tds:
                    rows[th.text()] = tds[0].text()
        deltagare = sum(m["resultat"]["deltagare"] for m in reporting)
        assert rows["Deltagare i projekt som använt metoden"].replace("\u00a0", " ") == f"{deltagare:,}".replace(",", " ")
        caption = f"Summerat över {len(reporting)} av {len(using)} projekt som använt metoden"
        assert any(c.text().startswith(caption) for c in doc.iter("caption")), metod
        # The project table says that its degree is the project's.
        projekt_table = next(p for p in section(doc, "Projekt som använt metoden") if p.tag == "table")
        assert [th.text() for th in projekt_table.iter("th")][:4] == ["Projekt", "Förbund", "Period", "Projektets grad"]


# --------------------------------------------------------------------------
# A small bank of multi-method projects

IPS, KOORD, SIP, STUDIE, MI = ("ips-supported-employment", "samordnande-koordinator", "samordnad-individuell-plan",
                               "studiecoachning", "motiverande-samtal")
BODY = "## Bakgrund\n\nFörbundet ville pröva ett nytt arbetssätt tillsammans med kommunen och regionen.\n"


def _impl(organisation: str, metod: str | None, år: int = 2022) -> dict:
    item = {"organisation": organisation}
    if metod is not None:
        item["metod"] = metod
    item.update({"år": år, "beskrivning": "Arbetssättet finansieras nu i ordinarie budget och tar emot nya deltagare."})
    return item


# slug: (metoder, grad, implementerad_hos, deltagare)
SMALL = {
    "dubbel-a": ([IPS, KOORD], 2, [_impl("Org A", IPS), _impl("Org B", KOORD), _impl("Org C", IPS, 2023)], 40),
    "trippel": ([KOORD, SIP, STUDIE], 3, [_impl("Org D", STUDIE)], 25),
    "ensam": ([IPS], 2, [_impl("Org E", None)], None),
    "ensam-skriven": ([MI], 2, [_impl("Org F", MI)], 12),
    "dubbel-utan": ([IPS, MI], 1, [], 30),
    "dubbel-b": ([MI, KOORD], 2, [_impl("Org G", KOORD), _impl("Org A", MI)], 18),
}


def _projekt_meta(metoder: list, grad: int, impl: list, deltagare: int | None) -> dict:
    meta = {
        "titel": "Projekt med flera metoder",
        "förbund": "Samordningsförbundet Exempel",
        "status": "avslutat",
        "period": {"start": "2019-01", "slut": "2021-12"},
        "parter": ["kommun", "arbetsformedlingen"],
        "målgrupp": ["unga-vuxna-20-29"],
        "metoder": metoder,
        "resultat": {"sammanfattning": "Ett trettiotal deltagare började och de flesta fullföljde insatsen."},
        "framgång": {"grad": grad, "motivering": "Bedömningen bygger på uppföljningen vid avslut och efter ett år."},
        "lärdomar": ["Tidig kontakt med arbetsgivare var avgörande."],
    }
    if deltagare is not None:
        meta["resultat"].update({"deltagare": deltagare, "till_arbete": deltagare // 4})
    if impl:
        meta["framgång"]["implementerad_hos"] = impl
    if grad == 3:
        meta["framgång"]["beslut"] = [{
            "beslut": "Kommunfullmäktige beslutade att göra arbetssättet permanent i hela kommunen.",
            "beslutsfattare": "Kommunfullmäktige", "år": 2022, "systemfel": ["svarte-petter"]}]
        meta["systemfel"] = [{"id": "svarte-petter",
                              "observation": "Projektet såg att kostnaden hamnade hos kommunen medan staten fick vinsten."}]
    return meta


def write_small_bank(root: Path) -> Path:
    """The example bank's metoder and systemfel, with SMALL as its projects."""
    copy_inputs(root)
    shutil.rmtree(root / "projekt")
    (root / "projekt").mkdir()
    for slug, (metoder, grad, impl, deltagare) in SMALL.items():
        meta = _projekt_meta(metoder, grad, impl, deltagare)
        meta["titel"] = f"Projektet {slug}"
        dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        (root / "projekt" / f"{slug}.md").write_text(f"---\n{dumped}---\n{BODY}", "utf-8")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    root = write_small_bank(tmp_path_factory.mktemp("flera-metoder") / "src")
    site = tmp_path_factory.mktemp("flera-metoder-site") / "site"
    run_build(root, site)
    return site, load_content(root)


def test_the_small_bank_is_what_the_tests_expect(small):
    _site, content = small
    expected = {IPS: {("Org A", "dubbel-a"), ("Org C", "dubbel-a"), ("Org E", "ensam")},
                KOORD: {("Org B", "dubbel-a"), ("Org G", "dubbel-b")},
                STUDIE: {("Org D", "trippel")}, MI: {("Org F", "ensam-skriven"), ("Org A", "dubbel-b")}}
    for metod in content["metoder"]:
        assert set(implementations_of(content, metod)) == expected.get(metod, set()), metod


def test_small_bank_method_pages_list_only_their_own_implementations(small):
    site, content = small
    assert_method_pages_attribute_by_metod(site, content)
    # A method used only in projects where other methods were implemented shows none.
    assert listed_implementations(page(site, f"metoder/{SIP}")) is None


def test_small_bank_exports_carry_the_resolved_metod(small):
    site, content = small
    assert_exports_carry_metod(site, content)
    # The implied metod is written out in the export, though the file has none.
    posts = {p["slug"]: p for p in json.loads((site / "data" / "projekt.json").read_text("utf-8"))["poster"]}
    assert [i["metod"] for i in posts["ensam"]["framgång"]["implementerad_hos"]] == [IPS]


def test_small_bank_project_page_names_the_method_of_each_implementation(small):
    site, content = small
    doc = page(site, "projekt/dubbel-a")
    table = next(t for t in doc.iter("table") if t.find("caption").text() == "Där metoden används efter projektet")
    rows = [[c.text() for c in r.children if isinstance(c, Node) and c.tag in ("th", "td")]
            for r in table.find("tbody").children_by_tag("tr")]
    titles = {slug: meta["titel"] for slug, meta in content["metoder"].items()}
    assert [(r[0], r[1]) for r in rows] == [("Org A", titles[IPS]), ("Org B", titles[KOORD]), ("Org C", titles[IPS])]


def test_search_records_of_a_method_hold_only_its_own_implementations(tmp_path):
    from metodbank.bank import load_bank
    from metodbank.search.documents import build_records

    root = write_small_bank(tmp_path / "bank")
    bank = load_bank(root)
    assert bank.ok, [p.format() for p in bank.problems]
    records = build_records(bank)
    content = load_content(root)
    organisations = {f"Org {x}" for x in "ABCDEFG"}
    for metod in content["metoder"]:
        fakta = records[f"metoder/{metod}"].fakta
        shown = {org for org in organisations if f"{org}. " in fakta}
        assert shown == {org for org, _ in implementations_of(content, metod)}, metod
