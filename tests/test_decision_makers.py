"""The decision-makers' pages (issue 14), checked against the content files.

Every expected figure is recomputed here from the front-matter, read with
``yaml.safe_load`` (``conftest.content``), never through ``metodbank``:

- the national systemfel index: people affected (Σ ``antal_berörda``,
  "uppgift saknas" where none is given), målgrupper, ``ansvarig``,
  ``beslutsnivå``, status and the number of linked decisions;
- "Vem betalar – vem vinner", nationally and per förbund: Σ ``utfall_kr``
  per actor, what each actor paid of Σ ``insatskostnad_kr`` under the
  stated split (``finansiering`` amounts; the samordningsförbund's part
  ½ Försäkringskassan, ¼ region, ¼ kommun by SFS 2003:1210; the rest
  "ej fördelat"), gained minus paid, net and kronor per krona, prognoses
  and follow-ups apart; every project page's own net and kronor per krona;
- counts per start year and degree, and systemfel observations per year;
- the reports' date: the newest date in their content.

Then in Chromium: the index's filters and shareable URLs, the charts' text
size on a wide and a narrow screen, the report in print media, and axe-core
on every new page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from fractions import Fraction
from urllib.parse import parse_qs, urlsplit

import pytest

from site_helpers import forbund_names, normalise_forbund, parse_html, slug_from_href
from systemfel_helpers import decisions as _decisions
from systemfel_helpers import observations as _observations
from systemfel_helpers import people as _people
from systemfel_helpers import people_text as _people_text
from systemfel_helpers import report_date as _report_date

SERIOUS = {"serious", "critical"}
LAW = {"forsakringskassan": Fraction(1, 2), "region": Fraction(1, 4), "kommun": Fraction(1, 4)}
# The payer rows that are no actor, as the page marks them (data-aktor).
ESF, ANNAN, EJ_FORDELAT = "källa:esf", "källa:annan", "ej fördelat"
TYPER = {"uppföljning": "uppfoljning", "prognos": "prognos"}  # typ -> the section's id


# --------------------------------------------------------------------------
# Reading the content and the built pages

def _page(site, url: str):
    return parse_html(site / url / "index.html")


def _cells(row):
    return [c for c in row.children if not isinstance(c, str) and c.tag in ("td", "th")]


def _rows(table, part: str = "tbody"):
    return table.find(part).children_by_tag("tr")


def _number(text: str) -> int:
    """'−2 375 000 kr' → -2375000; '+950 000 kr' → 950000."""
    cleaned = re.sub(r"[\s\u00a0+]|kr", "", text).replace("\u2212", "-")
    return int(cleaned)


def _year(value) -> int:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    return int(str(value)[:4])


# --------------------------------------------------------------------------
# 1. The national systemfel index

def _index_rows(site) -> dict[str, dict]:
    table = _page(site, "systemfel").find("table", id="systemfel-tabell")
    rows = {}
    for tr in _rows(table):
        c = _cells(tr)
        slug = slug_from_href(c[1].find("a").attrs["href"], "systemfel")
        rows[slug] = {"cells": c, "attrs": tr.attrs, "text": [x.text() for x in c]}
    return rows


def test_index_people_affected_per_systemfel(built_site, content):
    rows = _index_rows(built_site)
    assert set(rows) == set(content["systemfel"])
    for slug in content["systemfel"]:
        assert rows[slug]["text"][4] == _people_text(content, slug).replace("\u00a0", " "), slug
    # Guards: the example bank has a partial sum and a systemfel with no number at all.
    assert any(_people(content, s)[0] is None for s in content["systemfel"])
    assert any(0 < _people(content, s)[1] < _people(content, s)[2] for s in content["systemfel"])


def test_index_decision_columns(built_site, content):
    rows = _index_rows(built_site)
    for slug, meta in content["systemfel"].items():
        row = rows[slug]
        observing = {p for p, _ in _observations(content, slug)}
        malgrupper = sorted({k for p in observing for k in content["projekt"][p]["målgrupp"]})
        assert row["attrs"]["data-malgrupp"].split() == malgrupper, slug
        assert row["attrs"]["data-niva"] == meta["beslutsnivå"]
        ansvarig = ", ".join(meta.get("ansvarig") or []) or "ej angivet"
        assert row["text"][5] == f"{ansvarig} {meta['beslutsnivå']} nivå", slug
        assert row["text"][6] == meta["status"]
        assert int(row["text"][7]) == len(_decisions(content, slug)), slug
        # The rank is a narrow number column, the title cell names category and målgrupper.
        assert row["cells"][0].attrs.get("class", "").split() == ["mb-tal", "mb-plats"]
        assert "Målgrupper:" in row["text"][1]
    assert sum(len(_decisions(content, s)) for s in content["systemfel"]) > 0


@pytest.mark.parametrize("slug", ["svarte-petter"])
def test_systemfel_page_shows_people_and_report_link(built_site, content, slug):
    doc = _page(built_site, f"systemfel/{slug}")
    facts = {dt_.text(): dd.text() for dt_, dd in zip(doc.find("dl", cls="mb-fakta").iter("dt"),
                                                      doc.find("dl", cls="mb-fakta").iter("dd"))}
    assert facts["Berörda personer"] == _people_text(content, slug).replace("\u00a0", " ")
    assert facts["Beslut"] == str(len(_decisions(content, slug)))
    assert any(a.attrs.get("href", "").endswith(f"systemfel/{slug}/rapport/") or a.attrs.get("href") == "rapport/"
               for a in doc.iter("a"))


# --------------------------------------------------------------------------
# 2. Vem betalar – vem vinner

def _paid(meta: dict) -> dict[str, Fraction]:
    """Who paid one calculation's insatskostnad, under the stated split."""
    s = meta["resultat"]["socioekonomi"]
    cost = s["insatskostnad_kr"]
    given = Counter()
    for item in meta.get("finansiering") or []:
        if item.get("kr") is not None:
            given[item["källa"]] += item["kr"]
    scale = Fraction(cost, sum(given.values())) if sum(given.values()) > cost else Fraction(1)
    paid = defaultdict(Fraction)
    for source, amount in given.items():
        if source == "samordningsförbund":
            for actor, share in LAW.items():
                paid[actor] += amount * scale * share
        elif source in ("kommun", "region"):
            paid[source] += amount * scale
        else:
            paid[ESF if source == "esf" else ANNAN] += amount * scale
    rest = cost - sum(paid.values())
    if rest:
        paid[EJ_FORDELAT] += rest
    return {k: v for k, v in paid.items() if v}


def _round(value) -> int:
    value = Fraction(value)
    r = math.floor(abs(value) + Fraction(1, 2))
    return r if value >= 0 else -r


def _expected_economy(content, projects) -> dict[str, dict]:
    """typ -> {actors: {key: (vinst or None, betalat)}, utfall, insats, kalkyler}."""
    out = {}
    for typ in TYPER:
        calcs = {p: content["projekt"][p] for p in projects
                 if ((content["projekt"][p].get("resultat") or {}).get("socioekonomi") or {}).get("typ") == typ}
        vinst, betalat = Counter(), defaultdict(Fraction)
        for meta in calcs.values():
            s = meta["resultat"]["socioekonomi"]
            for actor, amount in s["utfall_kr"].items():
                vinst[actor] += amount
            for actor, amount in _paid(meta).items():
                betalat[actor] += amount
        behind = defaultdict(set)
        for p, meta in calcs.items():
            for key in set(meta["resultat"]["socioekonomi"]["utfall_kr"]) | set(_paid(meta)):
                behind[key].add(p)
        keys = set(vinst) | set(betalat)
        out[typ] = {
            "actors": {k: (vinst[k] if k in vinst else None, betalat.get(k, Fraction(0)), behind[k]) for k in keys},
            "utfall": sum(sum(m["resultat"]["socioekonomi"]["utfall_kr"].values()) for m in calcs.values()),
            "insats": sum(m["resultat"]["socioekonomi"]["insatskostnad_kr"] for m in calcs.values()),
            "kalkyler": set(calcs),
        }
    return out


def _read_economy(doc) -> dict[str, dict]:
    found = {}
    for typ, anchor in TYPER.items():
        table = doc.find("table", id=f"{anchor}-aktorer")
        if table is None:
            found[typ] = None
            continue
        actors = {}
        for tr in _rows(table):
            c = _cells(tr)
            vinst = None if c[1].text() == "–" else _number(c[1].text())
            actors[tr.attrs["data-aktor"]] = (vinst, _number(c[2].text()), _number(c[3].text()),
                                              {slug_from_href(a.attrs["href"], "projekt") for a in c[4].iter("a")})
        foot = _cells(_rows(table, "tfoot")[0])
        calcs = doc.find("table", id=f"{anchor}-kalkyler")
        figures = doc.find("h2", id=anchor)
        siffror = next(n for n in figures.following_siblings() if n.tag == "ul")
        found[typ] = {
            "actors": actors,
            "totals": tuple(_number(foot[i].text()) for i in (1, 2, 3)),
            "kalkyler": {slug_from_href(tr.find("a").attrs["href"], "projekt") for tr in _rows(calcs)},
            "per_krona": siffror.children_by_tag("li")[3].text(),
        }
    return found


def _assert_economy(doc, expected, where: str):
    seen = _read_economy(doc)
    for typ, want in expected.items():
        got = seen[typ]
        if not want["kalkyler"]:
            assert got is None, f"{where}: {typ} utan kalkyler ska inte ha en tabell"
            continue
        assert got is not None, f"{where}: tabellen för {typ} saknas"
        assert set(got["actors"]) == set(want["actors"]), f"{where} {typ}: aktörer"
        for key, (vinst, betalat, behind) in want["actors"].items():
            g_vinst, g_betalat, g_netto, g_projekt = got["actors"][key]
            assert g_vinst == vinst, f"{where} {typ} {key}: vinst {g_vinst} ≠ {vinst}"
            assert g_betalat == _round(betalat), f"{where} {typ} {key}: betalat {g_betalat} ≠ {betalat}"
            assert g_netto == _round((vinst or 0) - betalat), f"{where} {typ} {key}: vinst − betalat"
            # Every figure is linked to the projects behind it.
            assert g_projekt == behind, f"{where} {typ} {key}: underlag {g_projekt} ≠ {behind}"
        netto = want["utfall"] - want["insats"]
        assert got["totals"] == (want["utfall"], want["insats"], netto), f"{where} {typ}: summa"
        assert got["kalkyler"] == want["kalkyler"], f"{where} {typ}: kalkylerna"
        per_krona = f"{want['utfall'] / want['insats']:.2f}".replace(".", ",")
        assert got["per_krona"].startswith(f"{per_krona} kr"), f"{where} {typ}: {got['per_krona']!r}"


def test_national_who_pays_who_gains(built_site, content):
    expected = _expected_economy(content, sorted(content["projekt"]))
    doc = _page(built_site, "vem-betalar")
    _assert_economy(doc, expected, "vem-betalar/")
    # Guards: both kinds of calculation, a negative utfall, and the law's split at work.
    assert expected["uppföljning"]["kalkyler"] and expected["prognos"]["kalkyler"]
    calculations = [m["resultat"]["socioekonomi"] for m in content["projekt"].values()
                    if (m.get("resultat") or {}).get("socioekonomi")]
    assert any(v < 0 for c in calculations for v in c["utfall_kr"].values())
    assert expected["uppföljning"]["actors"]["forsakringskassan"][1] > 0
    # The definitions are stated on the page, in Swedish.
    text = doc.text()
    for words in ("SFS 2003:1210", "Försäkringskassan", "en fjärdedel", "ej fördelat", "Kronor per krona",
                  "redovisas var för sig"):
        assert words in text, words


def test_per_forbund_who_pays_who_gains(built_site, content):
    pages = {}
    for file in sorted((built_site / "forbund").glob("*/vem-betalar/index.html")):
        title = parse_html(file).find("h1").text()
        pages[normalise_forbund(title.split(": ", 1)[1])] = parse_html(file)
    names = {normalise_forbund(n) for m in content["projekt"].values() for n in forbund_names(m)}
    assert set(pages) == names
    for name, doc in pages.items():
        projects = sorted(p for p, m in content["projekt"].items()
                          if name in {normalise_forbund(n) for n in forbund_names(m)})
        _assert_economy(doc, _expected_economy(content, projects), f"förbund {name}")


def test_project_pages_show_net_and_per_krona(built_site, content):
    checked = 0
    for slug, meta in content["projekt"].items():
        s = (meta.get("resultat") or {}).get("socioekonomi")
        if not s:
            continue
        doc = _page(built_site, f"projekt/{slug}")
        table = doc.find("tr", cls="mb-netto").parent
        rows = {_cells(tr)[0].text(): _cells(tr)[1].text() for tr in table.children_by_tag("tr")}
        total = sum(s["utfall_kr"].values())
        assert _number(rows["Netto"]) == total - s["insatskostnad_kr"], slug
        assert rows["Kronor per krona"] == f"{total / s['insatskostnad_kr']:.2f}".replace(".", ",") + " kr", slug
        checked += 1
    assert checked >= 2


def _percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def _chart_bars(figure):
    """(value text, [(x, width, classes)], zero) for every bar of an HTML chart."""
    for bar in figure.find_all("span", cls="mb-hstapel"):
        track = bar.find("svg", cls="mb-spar")
        line = track.find("line", cls="mb-nollinje")
        yield (bar.find("span", cls="mb-hstapel-varde").text(),
               [(_percent(r.attrs["x"]), _percent(r.attrs["width"]), r.classes) for r in track.find_all("rect")],
               _percent(line.attrs["x1"]) if line else 0.0)


def test_money_charts_print_every_value_and_draw_costs_left_of_zero(built_site, content):
    """The socio-economic chart and Vem betalar – vem vinner: each bar has its
    amount in text, and a cost reads as one without its colour: a minus sign
    in the text and a bar left of the zero line."""
    pages = [built_site / "vem-betalar" / "index.html", *sorted((built_site / "forbund").glob("*/vem-betalar/index.html"))]
    pages += [built_site / "projekt" / slug / "index.html" for slug, meta in sorted(content["projekt"].items())
              if (meta.get("resultat") or {}).get("socioekonomi")]
    costs = bars = 0
    for page in pages:  # a förbund without calculations has no chart
        for figure in (f for f in parse_html(page).find_all("figure") if {"mb-balans", "mb-staplar"} & set(f.classes)):
            for text, rects, zero in _chart_bars(figure):
                bars += 1
                assert re.search(r"\d", text) or text == "ingen vinstpost", (page, text)
                assert len(rects) == (0 if text == "ingen vinstpost" else 1), (page, text)
                for x, width, classes in rects:
                    assert 0 <= x and x + width <= 100.01, (page, text)
                    if "−" in text:
                        costs += 1
                        assert x + width <= zero + 0.01 and "mb-kostnad" in classes, (page, text)
                    else:
                        assert x >= zero - 0.01 and "mb-kostnad" not in classes, (page, text)
    assert bars and costs, "ingen kostnad ritades: exempelbanken ska ha en negativ post"


def test_socio_chart_shows_the_tables_amounts(built_site, content):
    for slug, meta in content["projekt"].items():
        s = (meta.get("resultat") or {}).get("socioekonomi")
        if not s:
            continue
        figure = _page(built_site, f"projekt/{slug}").find("figure", cls="mb-staplar")
        texts = [text for text, _, _ in _chart_bars(figure)]
        assert [_number(t.removesuffix(" (kostnad)")) for t in texts] == list(s["utfall_kr"].values()), slug
        assert [t.endswith("(kostnad)") for t in texts] == [v < 0 for v in s["utfall_kr"].values()], slug


# --------------------------------------------------------------------------
# 3. Over time

def test_projects_per_start_year_and_degree(built_site, content):
    counts = Counter((_year(m["period"]["start"]), int(m["framgång"]["grad"])) for m in content["projekt"].values())
    years = [y for y, _ in counts]
    doc = _page(built_site, "utveckling")
    table = doc.find("table", id="per-startar-tabell")
    seen = {}
    for tr in _rows(table):
        c = [x.text() for x in _cells(tr)]
        seen[int(c[0])] = [int(x) for x in c[1:6]]
    expected = {y: [counts[(y, g)] for g in range(4)] + [sum(counts[(y, g)] for g in range(4))]
                for y in range(min(years), max(years) + 1)}
    assert seen == expected
    foot = [x.text() for x in _cells(_rows(table, "tfoot")[0])]
    assert int(foot[5]) == len(content["projekt"])
    # The chart carries the same numbers in its text, one bar per year.
    bars = {li.find("span", cls="mb-hstapel-namn").text(): li.find("span", cls="mb-hstapel-varde").text()
            for li in doc.find("figure", id="ar-diagram").find_all("li")}
    assert list(bars) == [str(y) for y in expected]
    for y, row in expected.items():
        assert bars[str(y)].startswith(f"{row[4]} projekt")


def test_systemfel_observations_per_year(built_site, content):
    observations, decisions = Counter(), Counter()
    projects, systemfel = defaultdict(set), defaultdict(set)
    for slug, meta in content["projekt"].items():
        year = _year(meta["period"]["start"])
        for o in meta.get("systemfel") or []:
            observations[year] += 1
            projects[year].add(slug)
            systemfel[year].add(o["id"])
        for b in meta["framgång"].get("beslut") or []:
            decisions[int(b["år"])] += 1
    years = list(observations) + list(decisions)
    table = _page(built_site, "utveckling").find("table", id="systemfel-per-ar-tabell")
    seen = {int(_cells(tr)[0].text()): [int(x.text()) for x in _cells(tr)[1:]] for tr in _rows(table)}
    assert seen == {y: [observations[y], len(projects[y]), len(systemfel[y]), decisions[y]]
                    for y in range(min(years), max(years) + 1)}


# --------------------------------------------------------------------------
# 4. The reports

@pytest.mark.parametrize("slug", ["svarte-petter", "stangd-fyrpartsstruktur"])
def test_systemfel_report(built_site, content, slug):
    meta = content["systemfel"][slug]
    doc = _page(built_site, f"systemfel/{slug}/rapport")
    article = doc.find("article", cls="mb-rapport")
    time = article.find("p", cls="mb-rapport-huvud").find("time")
    assert time.attrs["datetime"] == _report_date(content, [slug])
    text = article.text()
    for part in [meta["förslag"].strip(), *(meta.get("ansvarig") or []), *(meta.get("regelverk") or []),
                 meta["beslutsnivå"] + " nivå", _people_text(content, slug).replace("\u00a0", " ")]:
        assert re.sub(r"\s+", " ", part) in text, part
    table = article.find("table", cls="mb-rapport-observationer")
    listed = [slug_from_href(tr.find("a").attrs["href"], "projekt") for tr in _rows(table)]
    assert sorted(listed) == sorted(p for p, _ in _observations(content, slug))
    for _, b in _decisions(content, slug):
        assert re.sub(r"\s+", " ", b["beslut"].strip()) in text


def test_index_report(built_site, content):
    doc = _page(built_site, "systemfel/rapport")
    article = doc.find("article", cls="mb-rapport")
    assert article.find("time").attrs["datetime"] == _report_date(content, content["systemfel"])
    sections = article.find_all("section", cls="mb-rapport-del")
    assert sorted(s.find("h2").attrs["id"] for s in sections) == sorted(content["systemfel"])


# --------------------------------------------------------------------------
# Chromium

VISIBLE = """() => [...document.querySelectorAll('#systemfel-tabell tbody tr')]
    .filter(r => !r.hidden && r.getClientRects().length > 0)
    .map(r => r.querySelector('a[href*="systemfel/"]').getAttribute('href'))"""


def _choose(page, choices):
    assert page.locator("form.mb-filter").is_visible()
    for name, value in choices.items():
        page.select_option(f"form.mb-filter select[name={name}]", value)
    return {"visible": [slug_from_href(h, "systemfel") for h in page.evaluate(VISIBLE)],
            "url": page.url, "output": page.locator("form.mb-filter output").inner_text()}


def _opened(page):
    return {"visible": [slug_from_href(h, "systemfel") for h in page.evaluate(VISIBLE)],
            "values": page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
                'form.mb-filter select')].map(s => [s.name, s.value]))""")}


@pytest.mark.browser
@pytest.mark.build
def test_index_filters_are_shareable(browser, site_server, built_site, content):
    order = list(_index_rows(built_site))
    targets = defaultdict(set)
    for slug in order:
        for p, _ in _observations(content, slug):
            targets[slug].update(content["projekt"][p]["målgrupp"])
    # A målgrupp that some but not all systemfel affect, then a level within it.
    counts = Counter(k for s in order for k in targets[s])
    malgrupp = sorted(counts, key=lambda k: (not 0 < counts[k] < len(order), -counts[k], k))[0]
    within = [s for s in order if malgrupp in targets[s]]
    niva = sorted({content["systemfel"][s]["beslutsnivå"] for s in within})[0]
    both = [s for s in within if content["systemfel"][s]["beslutsnivå"] == niva]

    after = browser.page(site_server + "systemfel/", _choose, {"malgrupp": malgrupp, "niva": niva})
    assert after["visible"] == both
    assert f"{len(both)} av {len(order)}" in after["output"]
    query = parse_qs(urlsplit(after["url"]).query)
    assert query == {"malgrupp": [malgrupp], "niva": [niva]}

    # The address opens the same selection for someone else.
    shared = browser.page(after["url"], _opened)
    assert shared["visible"] == both
    assert shared["values"]["malgrupp"] == malgrupp and shared["values"]["niva"] == niva

    # Status and kategori go into the address too; "Alla" takes a choice out of it.
    status = content["systemfel"][order[0]]["status"]
    kategori = content["systemfel"][order[0]]["kategori"]
    again = browser.page(site_server + "systemfel/", _choose,
                         {"status": status, "kategori": kategori, "berorda": "", "malgrupp": ""})
    assert parse_qs(urlsplit(again["url"]).query) == {"status": [status], "kategori": [kategori]}
    assert again["visible"] == [s for s in order if content["systemfel"][s]["status"] == status
                                and content["systemfel"][s]["kategori"] == kategori]
    # An unknown value in a shared address is ignored, not an empty table.
    odd = browser.page(site_server + "systemfel/?malgrupp=finns-inte", _opened)
    assert odd["visible"] == order and odd["values"]["malgrupp"] == ""


# The charts are HTML: every element of theirs that holds text, at its computed size.
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('.mb-balans *, .mb-ar-diagram *')]
    .filter(el => !el.closest('svg') && el.getClientRects().length
                  && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(el => parseFloat(getComputedStyle(el).fontSize)))"""


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("url", ["vem-betalar/", "utveckling/"])
def test_chart_text_is_at_least_12px(browser, site_server, url, width):
    def job(chromium):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(site_server + url, wait_until="load")
            return page.evaluate(SMALLEST_TEXT)
        finally:
            context.close()

    assert browser.run(job) >= 12


def _print_view(page):
    before = page.evaluate("() => !document.querySelector('.mb-skriv-ut-rad').hidden")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => {
        const visible = (sel) => [...document.querySelectorAll(sel)].some(e => e.getClientRects().length > 0
            && getComputedStyle(e).display !== 'none' && getComputedStyle(e).visibility !== 'hidden');
        return {header: visible('.md-header'), nav: visible('.md-sidebar--primary .md-nav'),
                footer: visible('.md-footer'), button: visible('.mb-skriv-ut'),
                article: visible('article.mb-rapport'), time: visible('.mb-rapport-huvud time'),
                table: visible('.mb-rapport-observationer'),
                width: document.querySelector('article.mb-rapport').getBoundingClientRect().width,
                page: document.documentElement.clientWidth};
    }""")
    pdf = page.pdf(format="A4")
    return {"button_on_screen": before, **shown, "pdf": len(pdf)}


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("url", ["systemfel/svarte-petter/rapport/", "systemfel/rapport/"])
def test_report_in_print_media(browser, site_server, url):
    view = browser.page(site_server + url, _print_view)
    assert view["button_on_screen"], "knappen Skriv ut visas inte med JavaScript"
    assert view["article"] and view["time"] and view["table"]
    assert not (view["header"] or view["nav"] or view["footer"] or view["button"]), view
    assert view["width"] > 0.85 * view["page"], "rapporten ska ta hela sidans bredd i utskrift"
    assert view["pdf"] > 10_000


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    return Axe().run(page).response


NEW_PAGES = ["systemfel/", "vem-betalar/", "utveckling/", "systemfel/rapport/", "systemfel/svarte-petter/rapport/"]


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("url", NEW_PAGES + ["forbund/*/vem-betalar/"])
def test_new_pages_have_no_serious_axe_violations(browser, site_server, built_site, url):
    if "*" in url:
        url = sorted(p.relative_to(built_site).parent.as_posix() + "/"
                     for p in built_site.glob(url + "index.html"))[0]
    result = browser.page(site_server + url, _axe)
    bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"axe-core på {url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:5]}" for v in bad)


# --------------------------------------------------------------------------
# The split's edge cases, which the example bank does not exercise

@pytest.mark.parametrize("cost, finansiering, expected", [
    # Amounts as given; what none covers is "ej fördelat".
    (1_000_000, [("samordningsförbund", 600_000), ("esf", 100_000), ("annan", None)],
     {"forsakringskassan": 300_000, "region": 150_000, "kommun": 150_000, ESF: 100_000, EJ_FORDELAT: 300_000}),
    # More than the cost: shares of it (here 3/4 and 1/4).
    (400_000, [("samordningsförbund", 600_000), ("kommun", 200_000)],
     {"forsakringskassan": 150_000, "region": 75_000, "kommun": 75_000 + 100_000}),
    # Nothing given at all.
    (250_000, [], {EJ_FORDELAT: 250_000}),
])
def test_payment_split(cost, finansiering, expected):
    from metodbank.economy import payments
    from metodbank.model import Finansiering

    items = [Finansiering(källa=k, kr=kr) for k, kr in finansiering]
    paid = payments(cost, items)
    assert paid == {k: Fraction(v) for k, v in expected.items()}
    assert sum(paid.values()) == cost
    meta = {"resultat": {"socioekonomi": {"insatskostnad_kr": cost}},
            "finansiering": [{"källa": k, "kr": kr} for k, kr in finansiering]}
    assert _paid(meta) == paid, "the test's own recomputation agrees"
