"""The built example site in real headless Chromium (Debian's
/usr/bin/chromium through Playwright): axe-core on the key pages, the footer's
contrast, the systemfel index's filter and sortable headers, and Pagefind's
filter index.

The site is built once per session (``conftest.built_site``) and served
over ``http.server`` on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from site_helpers import parse_html, slug_from_href

pytestmark = [pytest.mark.browser, pytest.mark.build]

SERIOUS = {"serious", "critical"}


# --------------------------------------------------------------------------
# Which pages

def _socio_project(content, cost: bool = False) -> str:
    """The first project with a socio-economic calculation; with ``cost``, the
    first whose calculation books a cost (a negative utfall) on an actor."""
    return next(slug for slug, meta in sorted(content["projekt"].items())
                if (s := (meta.get("resultat") or {}).get("socioekonomi"))
                and (not cost or any(v < 0 for v in s["utfall_kr"].values())))


def _busiest_method(content) -> str:
    counts = Counter(m for meta in content["projekt"].values() for m in meta.get("metoder") or [])
    return sorted(counts, key=lambda m: (-counts[m], m))[0]


def _first_item(site, folder: str) -> str:
    return f"{folder}/{sorted(p.parent.name for p in (site / folder).glob('*/index.html'))[0]}/"


#: The issue's key pages, then one of each other generated kind.
KEY_PAGES = {
    "start": lambda content, site: "",
    "projekt med socioekonomi": lambda content, site: f"projekt/{_socio_project(content)}/",
    "projekt med socioekonomisk kostnad": lambda content, site: f"projekt/{_socio_project(content, cost=True)}/",
    "metod": lambda content, site: f"metoder/{_busiest_method(content)}/",
    "systemfelsindex": lambda content, site: "systemfel/",
    "matris": lambda content, site: "matris/",
    "projektindex": lambda content, site: "projekt/",
    "systemfel": lambda content, site: "systemfel/svarte-petter/" if "svarte-petter" in content["systemfel"]
    else _first_item(site, "systemfel"),
    "förbund": lambda content, site: _first_item(site, "forbund"),
    "målgrupp": lambda content, site: _first_item(site, "malgrupper"),
}


# --------------------------------------------------------------------------
# 10. axe-core: no serious or critical violations

def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    return Axe().run(page).response


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} – {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').strip()}".replace("\n", " "))
            lines.append(f"      {node.get('html', '')[:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(KEY_PAGES))
def test_no_serious_axe_violations(browser, site_server, built_site, content, name):
    url = site_server + KEY_PAGES[name](content, built_site)
    result = browser.page(url, _axe)
    assert result["testEngine"]["name"] == "axe-core"
    bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"axe-core på {url}:\n{_describe(bad)}"


def test_socio_page_has_chart(built_site, content):
    """The project page checked with axe really has the socio-economic chart."""
    doc = parse_html(built_site / "projekt" / _socio_project(content) / "index.html")
    chart = doc.find("figure", cls="mb-staplar")
    assert chart is not None and chart.find("figcaption") is not None
    # Its bars are drawn beside their values in text; the drawing itself is hidden from screen readers.
    bars = chart.find_all("span", cls="mb-hstapel")
    assert bars and all(b.find("span", cls="mb-hstapel-varde").text() for b in bars)
    assert all(svg.attrs.get("aria-hidden") == "true" for svg in chart.find_all("svg"))


# --------------------------------------------------------------------------
# The footer's contrast (mkdocs-material's own is 4.47:1; our CSS fixes it)

def _footer_colours(page):
    return page.evaluate(
        """() => {
        const out = [];
        for (const el of document.querySelectorAll('.md-footer-meta *')) {
          const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
          if (!own || !el.offsetParent) continue;
          const layers = [];
          for (let n = el; n; n = n.parentElement) layers.push(getComputedStyle(n).backgroundColor);
          out.push({text: el.textContent.trim().slice(0, 40), color: getComputedStyle(el).color,
                    opacity: getComputedStyle(el).opacity, layers,
                    variable: getComputedStyle(el).getPropertyValue('--md-footer-fg-color--lighter').trim()});
        }
        return out;
    }"""
    )


def _rgba(text: str) -> tuple[float, float, float, float]:
    numbers = [float(x) for x in re.findall(r"[\d.]+", text)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def _over(top, bottom):
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), bottom[:3])) + (1.0,)


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_footer_text_contrast(browser, site_server):
    found = browser.page(site_server, _footer_colours)
    assert found, "ingen text i sidfoten hittades"
    problems = []
    for item in found:
        background = (255.0, 255.0, 255.0, 1.0)  # the canvas
        for layer in reversed(item["layers"]):
            background = _over(_rgba(layer), background)
        fg = _rgba(item["color"])
        fg = (*fg[:3], fg[3] * float(item["opacity"]))
        # Screens (and axe-core) work in whole 8-bit channels.
        background = tuple(round(c) for c in background)
        ratio = contrast(tuple(round(c) for c in _over(fg, background)), background)
        if ratio < 4.5:
            problems.append(f"{item['text']!r}: {ratio:.2f}:1 ({item['color']} på {background})")
    assert not problems, "sidfotens text under 4.5:1:\n" + "\n".join(problems)
    # Our override is what the footer uses (not mkdocs-material's 0.45 alpha).
    assert any(re.sub(r"\s", "", i["variable"]) == "hsla(0,0%,100%,0.78)" for i in found), found


# --------------------------------------------------------------------------
# The systemfel index: filter and sortable headers

def _index_rows(built_site) -> list[dict]:
    doc = parse_html(built_site / "systemfel" / "index.html")
    rows = []
    for tr in doc.find("table", id="systemfel-tabell").find("tbody").children_by_tag("tr"):
        link = next(a for a in tr.iter("a") if slug_from_href(a.attrs.get("href", ""), "systemfel"))
        rows.append({"slug": slug_from_href(link.attrs["href"], "systemfel"),
                     "kategori": tr.attrs.get("data-kategori"),
                     "berorda": (tr.attrs.get("data-berorda") or "").split(),
                     "status": tr.attrs.get("data-status")})
    return rows


VISIBLE_ROWS = """() => [...document.querySelectorAll('#systemfel-tabell tbody tr')]
    .filter(r => !r.hidden && r.getClientRects().length > 0)
    .map(r => r.querySelector('a[href*="systemfel/"]').getAttribute('href'))"""


def _filter_steps(page, steps):
    """Apply each {select: value} step; return the visible rows and the count text after each."""
    assert page.locator("form.mb-filter").is_visible(), "filtret visas inte när JavaScript finns"
    results = []
    for step in steps:
        for name, value in step.items():
            page.select_option(f"form.mb-filter select[name={name}]", value)
        hrefs = page.evaluate(VISIBLE_ROWS)
        results.append({"slugs": [slug_from_href(h, "systemfel") for h in hrefs],
                        "output": page.locator("form.mb-filter output").inner_text()})
    return results


def test_systemfel_filter_by_kategori(browser, site_server, built_site):
    rows = _index_rows(built_site)
    n = len(rows)
    per_kategori = Counter(r["kategori"] for r in rows)
    # A category that hides some rows but not all, if the bank has one.
    kategori = sorted(per_kategori, key=lambda k: (not 0 < per_kategori[k] < n, -per_kategori[k], k))[0]
    wanted = [r["slug"] for r in rows if r["kategori"] == kategori]
    # Then narrow by a part affected within that category.
    part = sorted({p for r in rows if r["kategori"] == kategori for p in r["berorda"]})[0]
    both = [r["slug"] for r in rows if r["kategori"] == kategori and part in r["berorda"]]
    steps = [{"kategori": kategori}, {"berorda": part}, {"kategori": "", "berorda": ""}]
    after = browser.page(site_server + "systemfel/", _filter_steps, steps)

    assert after[0]["slugs"] == wanted, f"kategori {kategori}: synliga {after[0]['slugs']} ≠ {wanted}"
    assert f"{len(wanted)} av {n}" in after[0]["output"]
    assert 0 < len(wanted) < n or len(per_kategori) == 1
    assert after[1]["slugs"] == both
    assert f"{len(both)} av {n}" in after[1]["output"]
    assert after[2]["slugs"] == [r["slug"] for r in rows], "'Alla' ska visa hela indexet igen"


def test_systemfel_filter_empty_category(browser, site_server, built_site):
    rows = _index_rows(built_site)
    doc = parse_html(built_site / "systemfel" / "index.html")
    options = [o.attrs.get("value") for o in doc.find("select", name="kategori").iter("option") if o.attrs.get("value")]
    unused = sorted(set(options) - {r["kategori"] for r in rows})
    if not unused:
        pytest.skip("varje kategori används i exempelbanken")
    after = browser.page(site_server + "systemfel/", _filter_steps, [{"kategori": unused[0]}])
    assert after[0]["slugs"] == []
    assert f"0 av {len(rows)}" in after[0]["output"]


def _sorting(page, column):
    def state():
        return page.evaluate(
            """(col) => {
            const table = document.getElementById('systemfel-tabell');
            const heads = [...table.tHead.rows[0].cells];
            const index = heads.findIndex(th => th.textContent.trim() === col);
            return {sort: heads[index].getAttribute('aria-sort'),
                    rows: [...table.tBodies[0].rows].map(r => [
                        r.querySelector('a[href*="systemfel/"]').getAttribute('href'),
                        r.cells[index].textContent.trim()])};
        }""",
            column,
        )

    before = state()
    button = page.locator("#systemfel-tabell thead th button", has_text=re.compile(rf"^\s*{column}\s*$"))
    assert button.count() == 1, f"ingen sorteringsknapp för {column}"
    button.click()
    first = state()
    button.click()
    second = state()
    return before, first, second


def test_sortable_header_reorders_rows(browser, site_server):
    before, ascending, descending = browser.page(site_server + "systemfel/", _sorting, "Projekt")
    counts = lambda s: [int(v) for _, v in s["rows"]]  # noqa: E731
    assert before["sort"] is None
    assert ascending["sort"] == "ascending" and counts(ascending) == sorted(counts(before))
    assert descending["sort"] == "descending" and counts(descending) == sorted(counts(before), reverse=True)
    assert counts(ascending) != counts(before), "sorteringen ändrade inte ordningen"
    assert sorted(h for h, _ in ascending["rows"]) == sorted(h for h, _ in before["rows"]), "rader försvann"


def test_sortable_rank_column_reverses(browser, site_server):
    before, ascending, descending = browser.page(site_server + "systemfel/", _sorting, "Plats")
    assert [h for h, _ in ascending["rows"]] == [h for h, _ in before["rows"]]
    assert [h for h, _ in descending["rows"]] == [h for h, _ in reversed(before["rows"])]


# --------------------------------------------------------------------------
# Pagefind reads its (canonicalised) filter index

def _pagefind(page, root):
    return page.evaluate(
        """async (root) => {
        const pf = await import(root + 'pagefind/pagefind.js');
        await pf.options({basePath: root + 'pagefind/', baseUrl: root});
        const filters = await pf.filters();
        const projekt = await pf.search(null, {filters: {Typ: 'Projekt'}});
        const ips = await pf.search('IPS');
        const urls = await Promise.all(ips.results.slice(0, 10).map(async r => (await r.data()).url));
        return {filters, projekt: projekt.results.length, ips: urls};
    }""",
        root,
    )


def test_pagefind_filters_match_the_content(browser, site_server, content):
    result = browser.page(site_server + "sok/", _pagefind, site_server)
    filters = result["filters"]
    assert filters["Typ"]["Projekt"] == len(content["projekt"]) == result["projekt"]
    assert filters["Typ"]["Metod"] == len(content["metoder"])
    assert filters["Typ"]["Systemfel"] == len(content["systemfel"])
    assert filters["Status"] == dict(Counter(m["status"] for m in content["projekt"].values()))
    grad = Counter(int(m["framgång"]["grad"]) for m in content["projekt"].values())
    assert {int(k[0]): v for k, v in filters["Grad"].items()} == dict(grad)
    assert any("/projekt/" in url and "ips" in url for url in result["ips"]), result["ips"]
