"""Pages that fit their screen, and search results a person can read
(issue 15), in real headless Chromium (Debian's /usr/bin/chromium through
Playwright).

* The layout rule: at 390 px (a phone) and 1280 px (a desktop), on the key
  pages and every page in the nav, no table or chart is wider than its
  container or the article, nothing around them scrolls sideways, and no
  chart's drawing is cut off at its edge. Tables that do not fit are stacked
  rows labelled with their column headings (assets/layout.js, layout.css).
* Chart text renders at 12 px or more at both widths, in the SVG pyramid
  and in the HTML bar charts of the decision-makers' pages alike; every
  kind of chart is measured.
* The metod × målgrupp matrix: full names, the legend spelled out, every
  column visible at 1280 px, one metod at a time on a phone.
* Search results say what they are (Projekt, Metod, Systemfel) and show an
  excerpt of the page's own text, never its fact list.
* axe-core finds nothing serious or critical on the changed pages.

Expected values come from the content files and mkdocs.yml, read here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import yaml

from site_helpers import forbund_names, parse_html
from test_site_browser import SERIOUS, _axe, _busiest_method, _describe, _socio_project

pytestmark = [pytest.mark.browser, pytest.mark.build]

WIDTHS = (390, 1280)


# --------------------------------------------------------------------------
# Which pages


class _NavLoader(yaml.SafeLoader):
    """mkdocs.yml as plain YAML: its !ENV values are not needed here."""


_NavLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def nav_pages(site_src: Path) -> dict[str, str]:
    """Every page in mkdocs.yml's nav, read at test time: {title: URL path}."""
    config = yaml.load((site_src / "mkdocs.yml").read_text("utf-8"), Loader=_NavLoader)
    pages = {}

    def walk(items):
        for item in items:
            if isinstance(item, str):
                pages[item] = item
            else:
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value)
                    else:
                        pages[title] = value

    walk(config["nav"])
    return {title: _url(src) for title, src in pages.items() if not str(src).startswith(("http:", "https:"))}


def _url(src: str) -> str:
    if src == "index.md":
        return ""
    return src[: -len("index.md")] if src.endswith("/index.md") else src[: -len(".md")] + "/"


def _first(site: Path, folder: str, below: str = "") -> str:
    found = sorted(p.parent.parent.name if below else p.parent.name
                   for p in (site / folder).glob(f"*/{below + '/' if below else ''}index.html"))
    return f"{folder}/{found[0]}/{below + '/' if below else ''}"


#: The issue's pages besides the nav's: one of each item page.
ITEM_PAGES = {
    "systemfel": lambda content, site: "systemfel/svarte-petter/" if "svarte-petter" in content["systemfel"]
    else _first(site, "systemfel"),
    "metod": lambda content, site: f"metoder/{_busiest_method(content)}/",
    "projekt med socioekonomi": lambda content, site: f"projekt/{_socio_project(content)}/",
    "projekt med socioekonomisk kostnad": lambda content, site: f"projekt/{_socio_project(content, cost=True)}/",
    "förbund": lambda content, site: _first(site, "forbund"),
    "förbundets vem betalar": lambda content, site: _first(site, "forbund", "vem-betalar"),
    "målgrupp": lambda content, site: _first(site, "malgrupper"),
    "systemfelsrapport": lambda content, site: "systemfel/rapport/",
}


@pytest.fixture(scope="module")
def pages(site_src, built_site, content) -> dict[str, str]:
    """{name: URL path}: every nav page, then the item pages."""
    found = {f"nav: {title}": url for title, url in nav_pages(site_src).items()}
    for name, path in ITEM_PAGES.items():
        url = path(content, built_site)
        if (built_site / url / "index.html").is_file():
            found[name] = url
    return found


def test_the_pages_cover_the_issue(pages, site_src):
    urls = set(pages.values())
    for url in ("", "systemfel/", "metoder/", "projekt/", "framgang/", "matris/"):
        assert url in urls, f"{url or 'startsidan'} saknas bland sidorna som testas"
    assert any(u.startswith("systemfel/") and u.count("/") == 2 for u in urls)
    assert any(u.startswith("metoder/") and u.count("/") == 2 for u in urls)
    assert any(u.startswith("projekt/") and u.count("/") == 2 for u in urls)
    # Whatever the nav holds (the decision-makers' pages too) is tested.
    assert set(nav_pages(site_src).values()) <= urls


# --------------------------------------------------------------------------
# Measuring a page

MEASURE = """() => {
  const art = document.querySelector('article.md-content__inner');
  const A = art.getBoundingClientRect();
  const problems = [];
  const texts = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.getAttribute('class') ? '.' + el.getAttribute('class').trim().split(/\\s+/).join('.') : '');
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  // A chart is an SVG drawing or an HTML chart (.mb-diagram: bars drawn as
  // small SVGs beside their text); the parts of a chart are not charts.
  const charts = [...art.querySelectorAll('svg, .mb-diagram')].filter(el => shown(el)
      && !el.parentElement.closest('svg, .mb-diagram') && !el.closest('a, button, .twemoji, .md-content__button, .md-icon'));
  const tables = [...art.querySelectorAll('table')].filter(t => shown(t) && !t.closest('.highlight, pre'));
  for (const el of [...tables, ...charts]) {
    const r = el.getBoundingClientRect();
    const box = el.parentElement;
    const width = Math.max(el.scrollWidth || 0, r.width);
    if (width > box.clientWidth + 1)
      problems.push(`${name(el)} är ${Math.round(width)} px bred i ${name(box)} på ${box.clientWidth} px`);
    if (width > art.clientWidth + 1 || r.left < A.left - 1 || r.right > A.right + 1)
      problems.push(`${name(el)} (${Math.round(r.left)}–${Math.round(r.right)} px) går utanför artikeln (${Math.round(A.left)}–${Math.round(A.right)} px)`);
    // A sideways scroll wrapper is not a way out.
    for (let up = el.parentElement; up && up !== art; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (/(auto|scroll|hidden)/.test(s.overflowX) && up.scrollWidth > up.clientWidth + 1)
        problems.push(`${name(up)} runt ${name(el)} rullar i sidled (${up.scrollWidth} > ${up.clientWidth} px)`);
    }
  }
  for (const chart of charts) {
    const r = chart.getBoundingClientRect();
    // Nothing of the drawing or its text is cut off at the chart's edge.
    for (const part of chart.querySelectorAll('text, rect, line, path, circle, polyline, polygon, svg, li, span, p, figcaption')) {
      if (part.closest('defs, clipPath, mask, symbol, title, desc') || !shown(part)) continue;
      const p = part.getBoundingClientRect();
      if (!p.width && !p.height) continue;
      if (p.left < r.left - 1 || p.right > r.right + 1)
        problems.push(`${name(chart)}: ”${(part.textContent || part.tagName).trim().slice(0, 40)}” skärs av vid kanten`
                      + ` (${Math.round(p.left)}–${Math.round(p.right)} px, diagrammet ${Math.round(r.left)}–${Math.round(r.right)} px)`);
    }
    // Text drawn in SVG, at the size the picture's scale gives it.
    for (const t of chart.querySelectorAll('text')) {
      if (!t.textContent.trim() || !shown(t)) continue;
      const m = t.getScreenCTM();
      const scale = m ? Math.hypot(m.a, m.b) : 1;
      texts.push({chart: name(chart), text: t.textContent.trim().slice(0, 40),
                  px: parseFloat(getComputedStyle(t).fontSize) * scale, height: t.getBoundingClientRect().height});
    }
    // Text in HTML: every visible run of text outside the SVG parts.
    const walk = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('svg') || !shown(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      texts.push({chart: name(chart), text: node.textContent.trim().slice(0, 40),
                  px: parseFloat(getComputedStyle(el).fontSize), height: range.getBoundingClientRect().height});
    }
  }
  return {problems, texts, page: document.documentElement.scrollWidth, window: innerWidth,
          tables: tables.length, charts: charts.length, kinds: charts.map(name)};
}"""


def measure(browser, url: str, width: int) -> dict:
    def job(chromium):
        context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(150)  # layout.js settles after the first frame
            return page.evaluate(MEASURE)
        finally:
            context.close()

    return browser.run(job)


@pytest.fixture(scope="module")
def measured(browser, site_server, pages):
    """{(page name, width): measurements}, each page measured once per width."""
    cache = {}

    def get(name: str, width: int) -> dict:
        if (name, width) not in cache:
            cache[(name, width)] = measure(browser, site_server + pages[name], width)
        return cache[(name, width)]

    return get


def _layout_problems(measured, pages, width: int) -> dict:
    failures = {}
    for name in pages:
        result = measured(name, width)
        problems = list(result["problems"])
        if result["page"] > result["window"] + 1:
            problems.append(f"sidan är {result['page']} px bred i ett fönster på {result['window']} px")
        if problems:
            failures[f"{name} (/{pages[name]})"] = problems
    return failures


def _small_texts(measured, pages, width: int) -> tuple[dict, set[str]]:
    small = {}
    charts = set()
    for name in pages:
        result = measured(name, width)
        charts.update(result["kinds"])
        bad = [t for t in result["texts"] if t["px"] < 11.95 or t["height"] < 11.95]
        if bad:
            small[f"{name} (/{pages[name]})"] = [f"{t['chart']}: ”{t['text']}” {t['px']:.1f} px" for t in bad[:5]]
    return small, charts


def _listing(found: dict) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in found.items())


# The pages are only known once the site is built: each test goes over them all.
@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_or_chart_is_wider_than_its_container(measured, pages, width):
    failures = _layout_problems(measured, pages, width)
    assert not failures, f"vid {width} px:\n" + _listing(failures)


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_text_is_at_least_12px(measured, pages, width):
    small, charts = _small_texts(measured, pages, width)
    # Every kind of chart the site draws is measured: the SVG pyramid and the HTML bar charts.
    for kind in ("mb-pyramid", "mb-staplar", "mb-balans", "mb-ar-diagram"):
        assert any(f".{kind}" in c for c in charts), f"inget diagram .{kind} mättes vid {width} px: {sorted(charts)}"
    assert not small, f"diagramtext under 12 px vid {width} px:\n" + _listing(small)


# --------------------------------------------------------------------------
# Tables: stacked and labelled where they do not fit, tables where they do

TABLE_STATE = """(selector) => {
  // The text a sighted reader sees: not what is clipped away for screen readers only.
  const seen = cell => {
    const parts = [];
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      let hidden = false;
      for (let el = node.parentElement; el && el !== cell.parentElement; el = el.parentElement) {
        const s = getComputedStyle(el);
        if (s.display === 'none' || s.visibility === 'hidden' || s.clipPath !== 'none') { hidden = true; break; }
      }
      if (!hidden) parts.push(node.textContent);
    }
    return parts.join(' ').replace(/\\s+/g, ' ').replace(/ ([,.)])/g, '$1').trim();
  };
  const table = document.querySelector(selector);
  const art = document.querySelector('article.md-content__inner').getBoundingClientRect();
  const heads = [...table.tHead.rows[0].cells].map(th => th.textContent.replace(/\\u00ad/g, '').replace(/\\s+/g, ' ').trim());
  const rows = [...table.tBodies[0].rows].filter(r => r.getClientRects().length).map(row => [...row.cells].map(cell => {
    const before = getComputedStyle(cell, '::before');
    const r = cell.getBoundingClientRect();
    return {label: cell.getAttribute('data-label'), title: cell.hasAttribute('data-mb-rubrik'),
            shown: before.content && before.content !== 'none' ? before.content : null,
            text: seen(cell), inside: r.left >= art.left - 1 && r.right <= art.right + 1,
            visible: r.width > 0 && r.height > 0};
  }));
  const headRects = [...table.tHead.rows[0].cells].map(th => {
    const r = th.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.left >= art.left - 1 && r.right <= art.right + 1;
  });
  return {stacked: table.hasAttribute('data-mb-staplad'), display: getComputedStyle(table).display,
          heads, rows, headRects, role: table.getAttribute('role')};
}"""


def table_state(browser, url: str, width: int, selector: str) -> dict:
    def job(chromium):
        context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_timeout(150)
            return page.evaluate(TABLE_STATE, selector)
        finally:
            context.close()

    return browser.run(job)


def test_systemfel_index_is_labelled_rows_on_a_phone_and_a_table_on_a_desktop(browser, site_server, content):
    phone = table_state(browser, site_server + "systemfel/", 390, "#systemfel-tabell")
    assert phone["stacked"] and phone["display"] == "block"
    assert phone["role"] == "table", "tabellen ska behålla sin roll när den staplas"
    assert len(phone["rows"]) == len(content["systemfel"])
    for row in phone["rows"]:
        titles = [cell for cell in row if cell["title"]]
        assert len(titles) == 1 and titles[0]["text"], "varje rad ska ha en rubrik: systemfelets namn"
        for index, cell in enumerate(row):
            assert cell["inside"], f"cellen ”{cell['text'][:40]}” går utanför sidan"
            if cell["title"]:
                continue
            # Each value is shown with its column's heading.
            assert cell["label"] == phone["heads"][index]
            assert cell["shown"] and phone["heads"][index] in cell["shown"], cell
    desktop = table_state(browser, site_server + "systemfel/", 1280, "#systemfel-tabell")
    assert not desktop["stacked"] and desktop["display"] == "table"
    assert all(desktop["headRects"]), "alla kolumner ska synas vid 1280 px"


def test_tables_restack_when_the_window_changes(browser, site_server):
    """Turning a tablet or resizing a window re-measures: stacked when narrow,
    a table again when wide."""

    def job(chromium):
        context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(site_server + "projekt/", wait_until="load")
            states = []
            for width in (1280, 390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_timeout(300)
                states.append(page.evaluate("""() => {
                    const t = document.querySelector('article table.mb-tabell');
                    return [t.hasAttribute('data-mb-staplad'), t.scrollWidth <= t.parentElement.clientWidth + 1];
                }"""))
            return states
        finally:
            context.close()

    assert browser.run(job) == [[False, True], [True, True], [False, True]]


def test_wide_data_pages_give_the_table_the_width(browser, site_server):
    """The contents sidebar is hidden on the wide listings and the matrix."""

    def sidebar(page):
        element = page.query_selector(".md-sidebar--secondary")
        return element is not None and element.is_visible() and element.bounding_box()["width"] > 0

    for url in ("systemfel/", "metoder/", "projekt/", "matris/"):
        def job(chromium, url=url):
            context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
            try:
                page = context.new_page()
                page.goto(site_server + url, wait_until="load")
                return sidebar(page)
            finally:
                context.close()

        assert not browser.run(job), f"/{url}: innehållsförteckningen tar bredd från tabellen"


# --------------------------------------------------------------------------
# The metod × målgrupp matrix


def _labels(site_src: Path) -> dict[str, str]:
    """Målgrupp key -> label: the vocabulary's defaults with mkdocs.yml's overrides."""
    from metodbank import vokabular

    config = yaml.load((site_src / "mkdocs.yml").read_text("utf-8"), Loader=_NavLoader)
    overrides = next((p["metodbank"] for p in config["plugins"] if isinstance(p, dict) and "metodbank" in p), {})
    return {**vokabular.DEFAULTS["målgrupp"], **((overrides or {}).get("vokabular") or {}).get("målgrupp", {})}


def _matrix(content) -> dict[tuple[str, str], list[int]]:
    cells: dict[tuple[str, str], list[int]] = {}
    for meta in content["projekt"].values():
        for metod in meta.get("metoder") or []:
            for key in meta["målgrupp"]:
                cells.setdefault((metod, key), []).append(int(meta["framgång"]["grad"]))
    return cells


def test_matrix_shows_every_column_with_full_names_at_1280(browser, site_server, built_site, content, site_src):
    state = table_state(browser, site_server + "matris/", 1280, "#matris-tabell")
    labels = _labels(site_src)
    assert not state["stacked"], "matrisen ska vara en tabell vid 1280 px"
    assert state["heads"][1:] == list(labels.values()), "varje målgrupp med hela sitt namn"
    assert all(state["headRects"]), "alla kolumner ska synas vid 1280 px"
    titles = {meta["titel"] for meta in content["metoder"].values()}
    assert {row[0]["text"] for row in state["rows"]} == titles, "varje metod med hela sitt namn"
    expected = _matrix(content)
    slug_by_title = {meta["titel"]: slug for slug, meta in content["metoder"].items()}
    for row in state["rows"]:
        slug = slug_by_title[row[0]["text"]]
        for key, cell in zip(labels, row[1:]):
            assert cell["visible"] and cell["inside"]
            grades = expected.get((slug, key))
            if grades:
                assert cell["text"] == f"{len(grades)} projekt grad {max(grades)}", (slug, key, cell["text"])
            else:
                assert cell["text"] == "–", (slug, key, cell["text"])
    # The legend says what the two lines of a cell mean, and every degree.
    legend = parse_html(built_site / "matris" / "index.html").find("div", cls="mb-matris-forklaring").text()
    assert "Antal projekt" in legend and "Högsta grad" in legend and "kunskapslucka" in legend
    for grade in range(4):
        assert f"grad {grade}" in legend


def test_matrix_on_a_phone_is_one_method_at_a_time(browser, site_server, content, site_src):
    state = table_state(browser, site_server + "matris/", 390, "#matris-tabell")
    labels = list(_labels(site_src).values())
    assert state["stacked"]
    expected = _matrix(content)
    slug_by_title = {meta["titel"]: slug for slug, meta in content["metoder"].items()}
    for row in state["rows"]:
        title = row[0]
        assert title["title"] and title["text"] in slug_by_title and title["inside"]
        slug = slug_by_title[title["text"]]
        for key, label, cell in zip(_labels(site_src), labels, row[1:]):
            assert cell["inside"], cell
            assert cell["label"] == label and label in (cell["shown"] or "")
            grades = expected.get((slug, key))
            if grades:
                assert re.fullmatch(rf"{len(grades)} projekt, högsta grad {max(grades)} \(.+\)", cell["text"]), cell
            else:
                assert cell["text"] == "inga projekt", cell


# --------------------------------------------------------------------------
# The project page's generated results heading


def test_generated_results_heading_differs_from_the_authors(built_site, content):
    slug = next(s for s, meta in sorted(content["projekt"].items()) if meta.get("resultat"))
    doc = parse_html(built_site / "projekt" / slug / "index.html")
    heading = doc.find("h2", id="resultat")
    assert heading is not None and heading.text() == "Resultat i siffror"
    texts = [h.text() for h in doc.iter("h2")]
    assert texts.count("Resultat i siffror") == 1 and "Resultat" not in texts


# --------------------------------------------------------------------------
# Search results a person can read

KINDS = {"projekt": "Projekt", "metoder": "Metod", "systemfel": "Systemfel"}


def _search_results(page, query: str) -> dict:
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_function("""() => [...document.querySelectorAll('.pagefind-ui__filter-name')]
        .some(e => e.textContent.trim() === 'Typ')""")
    page.wait_for_timeout(500)  # Pagefind fills the list in batches
    return page.evaluate("""() => ({
        results: [...document.querySelectorAll('.pagefind-ui__result')].map(r => ({
            title: r.querySelector('.pagefind-ui__result-link').textContent.trim(),
            href: r.querySelector('.pagefind-ui__result-link').getAttribute('href'),
            excerpt: r.querySelector('.pagefind-ui__result-excerpt').textContent.replace(/\\s+/g, ' ').trim(),
            marks: r.querySelectorAll('.pagefind-ui__result-excerpt mark').length})),
        filters: [...document.querySelectorAll('.pagefind-ui__filter-name')].map(e => e.textContent.trim())})""")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _page_texts(site: Path, path: str) -> tuple[set[str], set[str]]:
    """(words of the page's searchable text outside its fact list, words of the fact list)."""
    html = (site / path.strip("/") / "index.html").read_text("utf-8")
    body = html[html.index("data-pagefind-body"):]
    body = body[: body.index('class="mb-sokdata"')]
    facts = " ".join(re.findall(r"<dl[^>]*mb-fakta[^>]*>(.*?)</dl>", body, re.S))
    outside = re.sub(r"<dl[^>]*mb-fakta[^>]*>.*?</dl>", " ", body, flags=re.S)
    strip = lambda text: re.sub(r"<[^>]+>", " ", text)  # noqa: E731
    return set(_words(strip(outside))), set(_words(strip(facts)))


def _forbund_query(content) -> tuple[str, set[str]]:
    """The distinctive word of the förbund with most projects, and those projects."""
    counts = Counter(name for meta in content["projekt"].values() for name in forbund_names(meta))
    name = sorted(counts, key=lambda n: (-counts[n], n))[0]
    word = [w for w in name.split() if not re.match(r"(?i)samordningsförbund|finsam", w)][-1]
    return word, {slug for slug, meta in content["projekt"].items() if name in forbund_names(meta)}


def test_search_results_show_their_type_and_an_excerpt_of_the_text(browser, site_server, built_site, content):
    word, projects = _forbund_query(content)
    found = browser.page(site_server + "sok/?q=" + quote(word), _search_results, word)
    results = found["results"]
    assert results, f"sökningen på {word!r} gav inget"
    assert "Typ" in found["filters"], "resultaten ska kunna filtreras på typ"
    hit = set()
    for result in results:
        path = urlparse(result["href"]).path.strip("/")
        kind = path.split("/")[0]
        assert kind in KINDS, path
        assert result["title"].startswith(KINDS[kind] + ": "), \
            f"{path}: titeln säger inte vad träffen är: {result['title']!r}"
        excerpt = result["excerpt"]
        # Never the fact list: neither its labels nor its values alone.
        for label in ("Kommuner", "Period", "Parter", "Budget"):
            assert label not in excerpt, f"{path}: utdraget kommer ur faktalistan: {excerpt!r}"
        own, facts = _page_texts(built_site, path)
        words = _words(excerpt)
        assert len(words) >= 8, f"{path}: utdraget är för kort: {excerpt!r}"
        assert set(words) <= own, f"{path}: utdraget har ord som inte står i sidans text: {set(words) - own}"
        if kind == "projekt" and path.split("/")[1] in projects:
            hit.add(path.split("/")[1])
    assert hit, f"sökningen på {word!r} hittade inget av förbundets projekt ({sorted(projects)})"


def test_a_word_only_in_the_fact_list_is_still_found(browser, site_server, built_site, content):
    """The fact list is out of the excerpts but its values stay searchable:
    a kommun named only there finds its project, with a readable excerpt."""
    titles = " ".join(meta["titel"] for meta in content["projekt"].values()).casefold()
    for slug, meta in sorted(content["projekt"].items()):
        own, facts = _page_texts(built_site, f"projekt/{slug}/")
        only = [k for k in meta.get("kommuner") or []
                if len(k) > 3 and " " not in k and k.casefold() not in own and k.casefold() not in titles]
        if only:
            kommun = only[0]
            break
    else:
        pytest.skip("ingen kommun står bara i faktalistan")
    found = browser.page(site_server + "sok/?q=" + quote(kommun), _search_results, kommun)
    mine = [r for r in found["results"] if urlparse(r["href"]).path.strip("/") == f"projekt/{slug}"]
    assert mine, f"{kommun!r} (bara i faktalistan) hittade inte projekt/{slug}: {found['results']}"
    excerpt = mine[0]["excerpt"]
    assert not {"kommuner", "period"} & set(_words(excerpt)), excerpt
    assert set(_words(excerpt)) <= own, f"utdraget kommer inte ur sidans text: {excerpt!r}"


# --------------------------------------------------------------------------
# axe-core on the changed pages, at both widths

AXE_PAGES = {
    "start": lambda content, site: "",
    "systemfelsindex": lambda content, site: "systemfel/",
    "systemfel": ITEM_PAGES["systemfel"],
    "metod": ITEM_PAGES["metod"],
    "matris": lambda content, site: "matris/",
    "projektindex": lambda content, site: "projekt/",
    "projekt": ITEM_PAGES["projekt med socioekonomi"],
    "förbund": ITEM_PAGES["förbund"],
    "målgrupp": ITEM_PAGES["målgrupp"],
    "sök": lambda content, site: "sok/?q=" + quote(_forbund_query(content)[0]),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(AXE_PAGES))
def test_no_serious_axe_violations(browser, site_server, built_site, content, name, width):
    url = site_server + AXE_PAGES[name](content, built_site)

    def job(chromium):
        context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(url, wait_until="load")
            if name == "sök":
                page.wait_for_selector(".pagefind-ui__result-link")
            page.wait_for_timeout(300)
            return _axe(page)
        finally:
            context.close()

    result = browser.run(job)
    assert result["testEngine"]["name"] == "axe-core"
    bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"axe-core på {url} vid {width} px:\n{_describe(bad)}"


def test_fact_list_is_left_out_of_the_indexed_text_but_its_values_stay_searchable():
    from metodbank.site.pagefind import marking

    html = ('<h1>T</h1><dl class="mb-fakta"><dt>Förbund</dt> <dd><a href="x">Förbundet &lt;Öst&gt;</a></dd>'
            '<dt>Kommuner</dt> <dd>Huddinge, Haninge</dd></dl><p>Text</p>'
            '<dl class="mb-definitioner"><dt>A</dt><dd>B</dd></dl>')
    marked, values = marking.fact_lists(html)
    assert '<dl class="mb-fakta" data-pagefind-ignore>' in marked
    assert '<dl class="mb-definitioner">' in marked  # other lists stay indexed
    assert values == "Förbundet <Öst> Huddinge, Haninge"  # the values, not the labels
    page = marking.wrap(html, {"Typ": ["Projekt"]}, "del ord")
    hidden = page[page.index('id="mb-dolda-sokord"'):]
    assert "Förbundet &lt;Öst&gt; Huddinge, Haninge del ord" in hidden  # escaped again, never markup
    assert "Kommuner" not in hidden
