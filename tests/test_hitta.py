"""/hitta/: free text matched through the Pagefind index (Swedish stems and
compound parts, as on /sok/), with the substring match as a fallback, and a
first screen on a phone that shows the first result (issue 15, item 5).

The expected projects are computed from the content files with
``yaml.safe_load`` (``site_helpers.front_matter``), never through the build.
"""

from __future__ import annotations

import pytest

from site_helpers import FRONT_MATTER, front_matter, slug_from_href

pytestmark = pytest.mark.build

STEM = "arbetsträn"
PAGEFIND_LINE = "som i sökfunktionen"


def _texts(value, keys=("titel", "sammanfattning")) -> list[str]:
    """The titel and sammanfattning strings anywhere in a front-matter value (also ``resultat.sammanfattning``)."""
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out += [str(item)] if key in keys and not isinstance(item, (dict, list)) else _texts(item, keys)
        return out
    if isinstance(value, list):
        return [t for item in value for t in _texts(item, keys)]
    return []


def _projects_with(root, stem: str) -> set[str]:
    """Projects of the bank at ``root`` whose titel, sammanfattning or body contains ``stem``."""
    found = set()
    for path in sorted((root / "projekt").glob("*.md")):
        meta = front_matter(path)
        body = FRONT_MATTER.sub("", path.read_text("utf-8"), count=1)
        text = " ".join(_texts(meta) + [body])
        if stem in text.casefold():
            found.add(path.stem)
    return found


def _open(chromium, url: str, width: int, height: int, fn):
    context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(url, wait_until="load")
        return fn(page)
    finally:
        context.close()


def _search_state(page) -> dict:
    page.wait_for_function(
        "() => { const s = document.querySelector('.mb-matchning'); return s && s.textContent.trim() !== ''"
        " && !/laddas …/.test(s.textContent); }")
    return {
        "how": page.text_content(".mb-matchning"),
        "status": page.text_content(".mb-antal"),
        "hrefs": page.eval_on_selector_all(".mb-traffar li > a", "els => els.map(e => e.getAttribute('href'))"),
        "html_in_list": page.eval_on_selector_all(".mb-traffar li", "els => els.filter(e => e.querySelector('script,img,iframe')).length"),
    }


def test_inflected_form_finds_the_arbetstraning_projects(browser, site_server, site_src):
    expected = _projects_with(site_src, STEM)
    assert expected, "exempelbanken ska ha projekt om arbetsträning"
    state = browser.run(_open, site_server + "hitta/?q=arbetsträningen", 1280, 900, _search_state)
    assert PAGEFIND_LINE in state["how"], state["how"]
    found = {slug_from_href(h, "projekt") for h in state["hrefs"]}
    assert found == expected, f"hittade {sorted(found)}, väntade {sorted(expected)}"
    assert state["status"].startswith(f"{len(expected)} av ")
    assert state["html_in_list"] == 0


def test_typing_searches_and_facets_still_apply(browser, site_server, site_src):
    expected = _projects_with(site_src, STEM)

    def job(page):
        page.wait_for_selector(".mb-traffar li")
        page.fill("#mb-hitta-text", "arbetsträningen")
        page.wait_for_function(
            "n => document.querySelectorAll('.mb-traffar li').length === n", arg=len(expected))
        first = _search_state(page)
        # Tick the first facet value that has hits: the list can only shrink.
        page.evaluate("""() => {
            const box = [...document.querySelectorAll('.mb-facett label')]
              .find(l => !l.classList.contains('mb-noll') && !/\\(0\\)/.test(l.textContent));
            box.querySelector('input').click();
        }""")
        page.wait_for_function("() => /[?&](?!q=)[^=&]+=/.test(window.location.search)")
        second = _search_state(page)
        return first, second, page.url

    first, second, url = browser.run(_open, site_server + "hitta/", 1280, 900, job)
    assert {slug_from_href(h, "projekt") for h in first["hrefs"]} == expected
    assert set(second["hrefs"]) <= set(first["hrefs"]) and second["hrefs"]
    assert "q=" in url


def test_fallback_says_substring_when_pagefind_is_missing(browser, site_server):
    """With the index blocked the page still filters, by substring, and says so."""

    def job(chromium):
        context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
        try:
            context.route("**/pagefind/**", lambda route: route.abort())
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(site_server + "hitta/?q=arbetsträning", wait_until="load")
            return _search_state(page)
        finally:
            context.close()

    state = browser.run(job)
    assert "exakt teckenföljd" in state["how"], state["how"]
    assert state["hrefs"], "delsträngssökningen ska fortfarande hitta något"


@pytest.mark.parametrize("query", ["", "?q=arbetsträningen"])
def test_phone_shows_first_result_on_first_screen(browser, site_server, query):
    def job(page):
        page.wait_for_selector(".mb-traffar li")
        if query:
            _search_state(page)
        return page.evaluate("""() => ({
            top: document.querySelector('.mb-traffar li').getBoundingClientRect().top,
            height: window.innerHeight,
            open: document.querySelector('.mb-facett-ruta').open,
        })""")

    phone = browser.run(_open, site_server + "hitta/" + query, 390, 844, job)
    assert phone["open"] is False, "filtren ska vara hopfällda på en smal skärm"
    assert phone["top"] < phone["height"], phone
    wide = browser.run(_open, site_server + "hitta/" + query, 1280, 900, job)
    assert wide["open"] is True


def test_no_serious_axe_violations_with_search_and_folded_facets(browser, site_server):
    from axe_playwright_python.sync_playwright import Axe

    def job(page):
        _search_state(page)
        return Axe().run(page).response

    result = browser.run(_open, site_server + "hitta/?q=arbetsträningen", 390, 844, job)
    serious = [f"{v['id']}: {v['help']}" for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, serious
