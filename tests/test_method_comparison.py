"""Methods that can be compared, results per målgrupp, and listings in a
reading order (issue 13, items 3–5):

- ``/metoder/`` is a comparison table: per method its projects, förbund,
  participants, shares to work and to studies, cost per participant, its own
  implementations and the highest degree among its projects; a real table
  that is complete without JavaScript; sortable, with a one-click view of
  the methods implemented after a project, both kept in the address;
- every method page breaks its projects' results down by målgrupp;
- project listings (projekt index, målgrupp and förbund pages, /hitta/) put
  the highest degree first, then the most recent start, and say so.

Every expected value is recomputed from the content files with
``yaml.safe_load`` (``site_helpers.load_content``), never through
``metodbank.derive``, on the example bank and on a small bank of
multi-method projects built for real.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from browser_helpers import serve
from site_helpers import (Node, copy_inputs, forbund_names, load_content, normalise_forbund, parse_html,
                          run_build, slug_from_href)

pytestmark = pytest.mark.build

ORDER_SENTENCE = "Sorterat efter högsta grad, sedan senast startade"
GRAD_LABELS = {0: "Ingen framgång ännu", 1: "Första graden", 2: "Andra graden", 3: "Tredje graden"}
#: The contract's shipped målgrupp vocabulary, in its order (neither mkdocs.yml here extends it).
MALGRUPP_ORDER = ["unga-16-19", "unga-vuxna-20-29", "nyanlanda", "langtidssjukskrivna", "langtidsarbetslosa",
                  "forsorjningsstod", "funktionsnedsattning", "psykisk-ohalsa", "missbruk-beroende", "foraldrar-barn"]
COLUMNS = ["metod", "evidens", "projekt", "forbund", "deltagare", "arbete", "studier", "kostnad",
           "implementeringar", "grad"]
MISSING = "uppgift saknas"
SERIOUS = {"serious", "critical"}


# --------------------------------------------------------------------------
# Independent expectations, from the files


def tal(n: int) -> str:
    """12345 → '12 345' (the pages' no-break spaces read as spaces)."""
    return f"{n:,}".replace(",", " ")


def procent(part: int, whole: int) -> str:
    return f"{round(part / whole * 100)} %"


def first_day(value) -> dt.date:
    """A contract date (YYYY, YYYY-MM or YYYY-MM-DD, as YAML reads it) → the first day of its period."""
    if isinstance(value, dt.date):
        return value
    parts = [int(x) for x in str(value).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def reading_order(projekt: dict[str, dict]) -> list[str]:
    """Highest degree first, then most recent start, then title (and slug)."""
    return sorted(projekt, key=lambda s: (-int(projekt[s]["framgång"]["grad"]),
                                          -first_day(projekt[s]["period"]["start"]).toordinal(),
                                          projekt[s]["titel"].casefold(), s))


def resolved_metod(meta: dict, item: dict) -> str | None:
    if item.get("metod") is not None:
        return item["metod"]
    own = list(dict.fromkeys(meta.get("metoder") or []))
    return own[0] if len(own) == 1 else None


def results(projects: list[dict]) -> dict:
    """Participants and outcomes summed over the projects that report deltagare."""
    reporting = [m for m in projects if (m.get("resultat") or {}).get("deltagare") is not None]
    if not reporting:
        return {"deltagare": None, "underlag": 0}
    deltagare = sum(m["resultat"]["deltagare"] for m in reporting)
    return {"deltagare": deltagare, "underlag": len(reporting),
            "arbete": sum(m["resultat"].get("till_arbete") or 0 for m in reporting),
            "studier": sum(m["resultat"].get("till_studier") or 0 for m in reporting)}


def expected_rows(content: dict) -> dict[str, dict]:
    """The comparison table's figures per method."""
    rows = {}
    for metod, mmeta in content["metoder"].items():
        using = [m for m in content["projekt"].values() if metod in (m.get("metoder") or [])]
        row = {"projekt": len(using),
               "förbund": len({normalise_forbund(n) for m in using for n in forbund_names(m)}),
               "evidens": (mmeta.get("evidens") or {}).get("nivå"),
               "grad": max((int(m["framgång"]["grad"]) for m in using), default=None),
               "implementeringar": sum(1 for m in content["projekt"].values()
                                       for item in (m.get("framgång") or {}).get("implementerad_hos") or []
                                       if resolved_metod(m, item) == metod),
               **results(using)}
        costed = [m for m in using if m.get("budget_kr") is not None
                  and (m.get("resultat") or {}).get("deltagare")]
        row["kostnad"] = (round(sum(m["budget_kr"] for m in costed) / sum(m["resultat"]["deltagare"] for m in costed))
                          if costed else None)
        row["kostnad_underlag"] = len(costed)
        rows[metod] = row
    return rows


def expected_by_malgrupp(content: dict, metod: str) -> list[tuple[str, dict]]:
    """(målgrupp, figures) for the method page: every målgrupp of its projects
    and of the method itself, in vocabulary order; a project counts in each of its målgrupper."""
    using = [m for m in content["projekt"].values() if metod in (m.get("metoder") or [])]
    keys = {k for m in using for k in m["målgrupp"]} | set(content["metoder"][metod].get("målgrupp") or [])
    out = []
    for key in [k for k in MALGRUPP_ORDER if k in keys]:
        projects = [m for m in using if key in m["målgrupp"]]
        out.append((key, {"projekt": len(projects), **results(projects)}))
    return out


# --------------------------------------------------------------------------
# Reading the built pages


def page(site: Path, url: str) -> Node:
    return parse_html(site / url / "index.html")


def cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


def body_rows(table: Node) -> list[Node]:
    return table.find("tbody").children_by_tag("tr")


def comparison_table(site: Path) -> Node:
    table = page(site, "metoder").find("table", id="metoder-tabell")
    assert table is not None, "metoder/: jämförelsetabellen #metoder-tabell saknas"
    return table


def read_comparison(site: Path) -> list[tuple[str, dict[str, Node], Node]]:
    """(slug, {column key: cell}, row) in page order."""
    table = comparison_table(site)
    keys = [th.attrs.get("data-key") for th in table.find("thead").iter("th")]
    assert keys == COLUMNS
    out = []
    for row in body_rows(table):
        c = cells(row)
        slugs = [s for a in c[0].iter("a") if (s := slug_from_href(a.attrs.get("href") or "", "metoder"))]
        assert len(slugs) == 1, row.text()
        out.append((slugs[0], dict(zip(keys, c)), row))
    return out


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


def listed_projects(table: Node) -> list[str]:
    out = []
    for row in body_rows(table):
        slugs = [s for a in cells(row)[0].iter("a") if (s := slug_from_href(a.attrs.get("href") or "", "projekt"))]
        assert len(slugs) == 1, row.text()
        out.append(slugs[0])
    return out


def table_after_order_sentence(parts: list[Node]) -> Node:
    """The project table in ``parts``, checking that the sentence stating its order comes right before it."""
    for before, node in zip(parts, parts[1:]):
        if node.tag == "table":
            assert before.tag == "p" and before.text().startswith(ORDER_SENTENCE), (
                f"meningen {ORDER_SENTENCE!r} ska stå närmast före listan, inte {before.text()!r}")
            return node
    raise AssertionError("ingen projekttabell")


# --------------------------------------------------------------------------
# The checks, shared by the example bank and the small bank


def assert_comparison_table(site: Path, content: dict) -> None:
    expected = expected_rows(content)
    table = comparison_table(site)
    rows = read_comparison(site)

    # A real table: caption, column headers, a row header per method; every
    # row in the HTML (nothing hidden without JavaScript), in the stated order.
    assert table.find("caption").text() == "Metoder jämförda, i bokstavsordning efter namn"
    assert all(th.attrs.get("scope") == "col" for th in table.find("thead").iter("th"))
    assert all(cells(row)[0].tag == "th" and cells(row)[0].attrs.get("scope") == "row" for _, _, row in rows)
    assert not any("hidden" in row.attrs for _, _, row in rows)
    titles = {slug: meta["titel"] for slug, meta in content["metoder"].items()}
    assert [s for s, _, _ in rows] == sorted(titles, key=lambda s: (titles[s].casefold(), s))
    headers = [th.text() for th in table.find("thead").iter("th")]
    assert "Högsta grad bland projekten" in headers and "Implementeringar av metoden" in [
        h.replace("\u00ad", "") for h in headers]

    for slug, c, row in rows:
        want = expected[slug]
        where = f"metoder/: raden för {slug}"
        assert int(c["projekt"].text()) == want["projekt"], where
        assert int(c["forbund"].text()) == want["förbund"], where
        assert int(c["implementeringar"].text()) == want["implementeringar"], where
        views = (row.attrs.get("data-vyer") or "").split()
        assert ("implementerade" in views) == (want["implementeringar"] >= 1), where
        assert c["evidens"].text() == (want["evidens"] or MISSING), where
        if want["grad"] is None:
            assert c["grad"].text() == "inga projekt" and c["grad"].attrs.get("data-sort") == "", where
        else:
            assert c["grad"].text() == f"{want['grad']} {GRAD_LABELS[want['grad']]}", where
            assert c["grad"].attrs.get("data-sort") == str(want["grad"]), where
        if want["deltagare"] is None:
            for key in ("deltagare", "arbete", "studier"):
                assert c[key].text() == MISSING and c[key].attrs.get("data-sort") == "", (where, key)
        else:
            d = want["deltagare"]
            basis = f" i {want['underlag']} av {want['projekt']} projekt" if want["underlag"] < want["projekt"] else ""
            assert c["deltagare"].text() == f"{tal(d)}{basis}", where
            assert c["deltagare"].attrs.get("data-sort") == str(d), where
            for key in ("arbete", "studier"):
                if d:
                    assert c[key].text() == f"{procent(want[key], d)} {tal(want[key])} av {tal(d)}", (where, key)
                    assert float(c[key].attrs["data-sort"]) == pytest.approx(want[key] / d), (where, key)
        if want["kostnad"] is None:
            assert c["kostnad"].text() == MISSING and c["kostnad"].attrs.get("data-sort") == "", where
        else:
            basis = (f" i {want['kostnad_underlag']} av {want['projekt']} projekt"
                     if want["kostnad_underlag"] < want["projekt"] else "")
            assert c["kostnad"].text() == f"{tal(want['kostnad'])} kr{basis}", where
            assert c["kostnad"].attrs.get("data-sort") == str(want["kostnad"]), where

    # The plain sentence that answers "which were implemented?" without JavaScript.
    implemented = [s for s, _, _ in rows if expected[s]["implementeringar"]]
    doc = page(site, "metoder")
    sentence = next(p for p in doc.iter("p") if "har implementerats efter projektet" in p.text()
                    or "Ingen av metoderna" in p.text())
    named = [s for a in sentence.iter("a") if (s := slug_from_href(a.attrs.get("href") or "", "metoder"))]
    assert named == implemented
    if implemented:
        assert sentence.text().startswith(f"{len(implemented)} av {len(rows)} metoder har implementerats efter projektet")
    # The view buttons wait for JavaScript.
    assert "hidden" in doc.find("div", cls="mb-vy").attrs


def assert_results_by_malgrupp(site: Path, content: dict) -> None:
    for metod in content["metoder"]:
        doc = page(site, f"metoder/{metod}")
        using = [m for m in content["projekt"].values() if metod in (m.get("metoder") or [])]
        headings = [h.text() for h in doc.iter("h2")]
        if not using:
            assert "Resultat per målgrupp" not in headings, metod
            continue
        parts = section(doc, "Resultat per målgrupp")
        said = " ".join(p.text() for p in parts if p.tag == "p")
        assert "Ett projekt med flera målgrupper räknas med under var och en av dem" in said
        assert "deltagare och andelar är hela projektens" in said
        table = next(p for p in parts if p.tag == "table")
        assert [th.text() for th in table.find("thead").iter("th")] == [
            "Målgrupp", "Projekt", "Deltagare i projekten", "Till arbete", "Till studier"]
        shown = []
        for row in body_rows(table):
            c = cells(row)
            assert c[0].tag == "th" and c[0].attrs.get("scope") == "row"
            hrefs = [a.attrs.get("href") or "" for a in c[0].iter("a")]
            key = row.attrs.get("data-malgrupp")
            assert hrefs and hrefs[0].endswith(f"malgrupper/{key}/"), (metod, hrefs)
            shown.append((key, [x.text() for x in c[1:]]))
        expected = []
        for key, want in expected_by_malgrupp(content, metod):
            n = want["projekt"]
            first = str(n) if n else "0 (metoden anges för målgruppen, men inget projekt med den ännu)"
            if want["deltagare"] is None:
                expected.append((key, [first, MISSING, MISSING, MISSING]))
                continue
            d = want["deltagare"]
            basis = f" (i {want['underlag']} av {n} projekt)" if want["underlag"] < n else ""
            shares = [f"{procent(want[k], d)} ({tal(want[k])} av {tal(d)})" if d else MISSING
                      for k in ("arbete", "studier")]
            expected.append((key, [first, f"{tal(d)}{basis}", *shares]))
        assert shown == expected, f"metoder/{metod}/: per målgrupp\n  byggt:  {shown}\n  väntat: {expected}"


def assert_listings_in_reading_order(site: Path, content: dict) -> None:
    projekt = content["projekt"]
    everything = reading_order(projekt)

    # The projekt index: the sentence, then the table.
    doc = page(site, "projekt")
    body = [n for n in doc.iter() if n.tag in ("p", "table")]
    assert listed_projects(table_after_order_sentence(body)) == everything

    for key in MALGRUPP_ORDER:
        file = site / "malgrupper" / key / "index.html"
        wanted = reading_order({s: m for s, m in projekt.items() if key in m["målgrupp"]})
        if not wanted:
            continue
        parts = section(parse_html(file), "Projekt")
        assert listed_projects(table_after_order_sentence(parts)) == wanted, f"malgrupper/{key}/"

    seen = set()
    for file in sorted((site / "forbund").glob("*/index.html")):
        doc = parse_html(file)
        name = normalise_forbund(doc.find("h1").text())
        wanted = reading_order({s: m for s, m in projekt.items()
                                if name in {normalise_forbund(n) for n in forbund_names(m)}})
        parts = section(doc, "Projekt")
        assert listed_projects(table_after_order_sentence(parts)) == wanted, file
        seen.add(name)
    assert seen == {normalise_forbund(n) for m in projekt.values() for n in forbund_names(m)}

    # /hitta/ lists the catalogue's records in their order, and says which.
    katalog = json.loads((site / "data" / "katalog.json").read_text("utf-8"))
    assert [r[0] for r in katalog["poster"]] == everything
    hitta = page(site, "hitta")
    result = hitta.find("div", cls="mb-hitta-resultat")
    assert any(p.text() == f"{ORDER_SENTENCE}." for p in result.iter("p"))


# --------------------------------------------------------------------------
# The example bank


def test_example_comparison_table(built_site, content):
    assert_comparison_table(built_site, content)


def test_example_results_by_malgrupp(built_site, content):
    assert_results_by_malgrupp(built_site, content)


def test_example_listings_in_reading_order(built_site, content):
    assert_listings_in_reading_order(built_site, content)
    # The complaint: /hitta/ no longer starts with a grade-0 project.
    first = reading_order(content["projekt"])[0]
    assert int(content["projekt"][first]["framgång"]["grad"]) == max(
        int(m["framgång"]["grad"]) for m in content["projekt"].values())


# --------------------------------------------------------------------------
# A small bank of multi-method projects, built for real

IPS, KOORD, SIP, STUDIE, MI = ("ips-supported-employment", "samordnande-koordinator", "samordnad-individuell-plan",
                               "studiecoachning", "motiverande-samtal")
NORR, SYD, VAST = "Samordningsförbundet Norr", "Samordningsförbundet Syd", "Finsam Väst"
BODY = "## Bakgrund\n\nFörbundet ville pröva ett nytt arbetssätt tillsammans med kommunen och regionen.\n"


def _impl(organisation: str, metod: str | None, år: int = 2022) -> dict:
    item = {"organisation": organisation}
    if metod is not None:
        item["metod"] = metod
    item.update({"år": år, "beskrivning": "Arbetssättet finansieras nu i ordinarie budget och tar emot nya deltagare."})
    return item


# slug: metoder, grad, implementerad_hos, (deltagare, till_arbete, till_studier), budget_kr, målgrupp, förbund, start
SMALL = {
    "alfa": ([IPS, KOORD], 2, [_impl("Org A", IPS), _impl("Org B", KOORD), _impl("Org C", IPS, 2023)],
             (40, 12, 3), 2_000_000, ["unga-vuxna-20-29", "psykisk-ohalsa"], NORR, "2019-01"),
    "beta": ([KOORD, SIP, STUDIE], 3, [_impl("Org D", STUDIE)], (25, 5, 10), None, ["unga-16-19"],
             [NORR, SYD], "2018-03"),
    "gamma": ([IPS], 2, [_impl("Org E", None)], None, 900_000, ["psykisk-ohalsa", "langtidssjukskrivna"], SYD,
              "2020-05"),
    "delta": ([MI], 2, [_impl("Org F", MI)], (12, 4, 0), 500_000, ["nyanlanda"], VAST, "2019-01"),
    "epsilon": ([IPS, MI], 1, [], (30, 9, 6), 1_200_000, ["unga-vuxna-20-29", "nyanlanda"], VAST, "2021-09"),
    "zeta": ([MI, KOORD], 2, [_impl("Org G", KOORD), _impl("Org A", MI)], (18, 7, 1), 800_000,
             ["langtidssjukskrivna"], NORR, "2017-02"),
    "eta": ([IPS, KOORD], 0, [], None, 3_000_000, ["psykisk-ohalsa"], SYD, "2030-01"),
    "theta": ([STUDIE], 1, [], (8, 2, 4), None, ["unga-16-19", "forsorjningsstod"], SYD, "2022-01"),
}


def _projekt_meta(slug: str) -> dict:
    metoder, grad, impl, utfall, budget, malgrupp, forbund, start = SMALL[slug]
    planned = grad == 0
    meta = {
        "titel": f"Projektet {slug}",
        "förbund": forbund,
        "status": "planerat" if planned else "avslutat",
        "period": {"start": start} if planned else {"start": start, "slut": "2023-12"},
        "parter": ["kommun", "arbetsformedlingen"],
        "målgrupp": malgrupp,
        "metoder": metoder,
    }
    if budget is not None:
        meta["budget_kr"] = budget
    if not planned:
        meta["resultat"] = {"sammanfattning": "Ett trettiotal deltagare började och de flesta fullföljde insatsen."}
        if utfall is not None:
            meta["resultat"].update(dict(zip(("deltagare", "till_arbete", "till_studier"), utfall)))
    meta["framgång"] = {"grad": grad, "motivering": "Bedömningen bygger på uppföljningen vid avslut och efter ett år."}
    if impl:
        meta["framgång"]["implementerad_hos"] = impl
    if grad == 3:
        meta["framgång"]["beslut"] = [{
            "beslut": "Kommunfullmäktige beslutade att göra arbetssättet permanent i hela kommunen.",
            "beslutsfattare": "Kommunfullmäktige", "år": 2022, "systemfel": ["svarte-petter"]}]
        meta["systemfel"] = [{"id": "svarte-petter",
                              "observation": "Projektet såg att kostnaden hamnade hos kommunen medan staten fick vinsten."}]
    if not planned:
        meta["lärdomar"] = ["Tidig kontakt med arbetsgivare var avgörande."]
    return meta


def write_small_bank(root: Path) -> Path:
    """The example bank's metoder and systemfel, with SMALL as its projects."""
    copy_inputs(root)
    shutil.rmtree(root / "projekt")
    (root / "projekt").mkdir()
    for slug in SMALL:
        dumped = yaml.safe_dump(_projekt_meta(slug), allow_unicode=True, sort_keys=False)
        (root / "projekt" / f"{slug}.md").write_text(f"---\n{dumped}---\n{BODY}", "utf-8")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    root = write_small_bank(tmp_path_factory.mktemp("jamforelse") / "src")
    site = tmp_path_factory.mktemp("jamforelse-site") / "site"
    run_build(root, site)
    return site, load_content(root)


def test_the_small_bank_is_what_the_tests_expect(small):
    """Guard: the cases the small bank is for are really in it."""
    _site, content = small
    rows = expected_rows(content)
    assert rows[IPS]["implementeringar"] == 3 and rows[KOORD]["implementeringar"] == 2
    assert rows[SIP]["implementeringar"] == 0 and rows[SIP]["projekt"] == 1
    assert rows[IPS]["underlag"] < rows[IPS]["projekt"]  # gamma and eta report no deltagare
    assert rows[STUDIE]["kostnad"] is None  # neither beta nor theta has a budget
    assert any(r["projekt"] == 0 for r in rows.values())  # methods no project used
    assert rows[KOORD]["förbund"] == 2 and rows[IPS]["förbund"] == 3  # beta belongs to two förbund, both counted once
    order = reading_order(content["projekt"])
    assert order == ["beta", "gamma", "alfa", "delta", "zeta", "theta", "epsilon", "eta"]
    # A målgrupp row with no projects (the method's own), and one whose projects report nothing.
    assert any(w["projekt"] == 0 for _, w in expected_by_malgrupp(content, IPS))
    assert any(w["projekt"] and w["deltagare"] is None for m in content["metoder"]
               for _, w in expected_by_malgrupp(content, m))


def test_small_bank_comparison_table(small):
    assert_comparison_table(*small)


def test_small_bank_results_by_malgrupp(small):
    assert_results_by_malgrupp(*small)


def test_small_bank_listings_in_reading_order(small):
    assert_listings_in_reading_order(*small)


# --------------------------------------------------------------------------
# In Chromium: the one-click view, sorting, and the address


def _table_state(page) -> dict:
    return page.evaluate(
        """() => {
        const table = document.getElementById('metoder-tabell');
        const heads = [...table.tHead.rows[0].cells];
        const sorted = heads.find(th => th.hasAttribute('aria-sort'));
        return {
            url: location.href,
            visible: [...table.tBodies[0].rows].filter(r => !r.hidden).map(r => r.dataset.slug),
            all: [...table.tBodies[0].rows].map(r => r.dataset.slug),
            sort: sorted ? [sorted.dataset.key, sorted.getAttribute('aria-sort')] : null,
            pressed: [...document.querySelectorAll('.mb-vy button[aria-pressed="true"]')].map(b => b.textContent.trim()),
            status: document.querySelector('.mb-vy .mb-antal').textContent,
            caption: table.caption.textContent.trim(),
            boxHidden: document.querySelector('.mb-vy').hidden,
        };
    }"""
    )


def _click_through(page) -> list[dict]:
    states = [_table_state(page)]
    page.get_by_role("button", name="Implementerade efter projektet").click()
    states.append(_table_state(page))
    page.locator('#metoder-tabell th[data-key="deltagare"] button').click()
    states.append(_table_state(page))
    page.locator('#metoder-tabell th[data-key="deltagare"] button').click()
    states.append(_table_state(page))
    page.get_by_role("button", name="Alla metoder").click()
    states.append(_table_state(page))
    return states


def _query(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def _by_participants(content: dict, slugs: list[str], descending: bool) -> list[str]:
    """``slugs`` by participants (missing ones last either way), ties in title order."""
    rows = expected_rows(content)
    titles = {s: content["metoder"][s]["titel"].casefold() for s in slugs}
    known = [s for s in slugs if rows[s]["deltagare"] is not None]
    missing = [s for s in slugs if rows[s]["deltagare"] is None]
    known.sort(key=lambda s: ((-1 if descending else 1) * rows[s]["deltagare"], titles[s], s))
    missing.sort(key=lambda s: (titles[s], s))
    return known + missing


def assert_view_and_address(browser, root_url: str, content: dict) -> None:
    rows = expected_rows(content)
    titles = {s: m["titel"] for s, m in content["metoder"].items()}
    alphabetical = sorted(titles, key=lambda s: (titles[s].casefold(), s))
    implemented = [s for s in alphabetical if rows[s]["implementeringar"] >= 1]
    assert 0 < len(implemented) < len(alphabetical), "banken ska ha både implementerade och andra metoder"

    start, view, desc, asc, back = browser.page(root_url + "metoder/", _click_through)
    assert not start["boxHidden"] and start["pressed"] == ["Alla metoder"]
    assert start["visible"] == alphabetical and start["sort"] is None and _query(start["url"]) == {}

    # One click: only the methods with an implementation of their own, in the address.
    assert view["visible"] == implemented
    assert view["pressed"] == ["Implementerade efter projektet"]
    assert _query(view["url"]) == {"visa": ["implementerade"]}
    assert view["status"].startswith(f"{len(implemented)} av {len(alphabetical)} metoder visas")

    # Sorting by participants: most first on the first click, then fewest; the address follows.
    assert desc["sort"] == ["deltagare", "descending"]
    assert desc["visible"] == _by_participants(content, implemented, True)
    assert desc["all"] == _by_participants(content, alphabetical, True)
    assert _query(desc["url"]) == {"visa": ["implementerade"], "sortera": ["deltagare"]}
    assert desc["caption"] == "Metoder jämförda, sorterade efter deltagare i projekten, fallande"
    assert asc["sort"] == ["deltagare", "ascending"]
    assert asc["all"] == _by_participants(content, alphabetical, False)
    assert _query(asc["url"]) == {"visa": ["implementerade"], "sortera": ["deltagare"], "ordning": ["stigande"]}
    assert back["visible"] == _by_participants(content, alphabetical, False)
    assert _query(back["url"]) == {"sortera": ["deltagare"], "ordning": ["stigande"]}

    # The shared address opens the same view and order in a fresh browser.
    shared = browser.page(desc["url"], _table_state)
    assert shared["visible"] == desc["visible"] and shared["sort"] == desc["sort"]
    assert shared["pressed"] == view["pressed"] and shared["caption"] == desc["caption"]
    opened = browser.page(root_url + "metoder/?visa=implementerade&sortera=deltagare", _table_state)
    assert opened["visible"] == desc["visible"]
    # Unknown values are ignored, not an empty table.
    odd = browser.page(root_url + "metoder/?visa=nagot-annat&sortera=finns-inte", _table_state)
    assert odd["visible"] == alphabetical and odd["sort"] is None and odd["pressed"] == ["Alla metoder"]


def test_example_view_and_address(browser, site_server, content):
    assert_view_and_address(browser, site_server, content)


@pytest.fixture(scope="module")
def small_server(small):
    with serve(small[0]) as url:
        yield url


def test_small_bank_view_and_address(browser, small_server, small):
    """Here methods with no participant figures sort last, both ways."""
    assert_view_and_address(browser, small_server, small[1])


def _hits(page) -> list[str]:
    page.wait_for_selector(".mb-traffar li")
    return page.eval_on_selector_all(".mb-traffar li > a", "els => els.map(e => e.getAttribute('href'))")


def test_hitta_lists_highest_degree_first(browser, small_server, small):
    hrefs = browser.page(small_server + "hitta/", _hits)
    assert [slug_from_href(h, "projekt") for h in hrefs] == reading_order(small[1]["projekt"])


# --------------------------------------------------------------------------
# axe-core on the new and changed pages


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    return Axe().run(page).response


def _serious(result) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(" ".join(str(t) for t in n["target"]) for n in v["nodes"])
            for v in result["violations"] if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("url", ["metoder/", "metoder/?visa=implementerade&sortera=deltagare",
                                 "metoder/ips-supported-employment/", "projekt/", "hitta/"])
def test_no_serious_axe_violations(browser, site_server, url):
    result = browser.page(site_server + url, _axe)
    assert result["testEngine"]["name"] == "axe-core"
    assert not _serious(result), f"axe-core på {url}:\n" + "\n".join(_serious(result))


def test_no_serious_axe_violations_small_bank_method_page(browser, small_server):
    """A method page with "uppgift saknas" rows, and one no project used."""
    for url in (f"metoder/{IPS}/", f"metoder/{STUDIE}/", "metoder/utlandspraktik/"):
        result = browser.page(small_server + url, _axe)
        assert not _serious(result), f"axe-core på {url}:\n" + "\n".join(_serious(result))
