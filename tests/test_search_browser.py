"""Search and filters in real headless Chromium (issue 4): the header search
box answers inflected Swedish and compound parts through Pagefind, and the
"Hitta projekt och metoder" page filters exactly and keeps its filters in
the URL. Expected answers are computed here from the content files, never
from the site's own code."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.build]


def _search(page, query: str) -> list[str]:
    """Type ``query`` into the header's search box, submit, return result paths."""
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "Enter")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(300)  # Pagefind fills the list in batches
    return [urlparse(a).path for a in page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")]


def _titles_with(content, folder: str, pattern: str) -> set[str]:
    return {slug for slug, meta in content[folder].items() if re.search(pattern, meta["titel"], re.IGNORECASE)}


def test_inflected_form_finds_the_project(browser, site_server, content):
    # "arbetsträningen" (definite form) must find a project whose title has
    # only "arbetsträning".
    wanted = _titles_with(content, "projekt", r"arbetsträning(?!en)")
    assert wanted, "exempelbanken ska ha ett projekt med 'arbetsträning' i titeln"
    paths = browser.page(site_server, _search, "arbetsträningen")
    found = {p.strip("/").split("/")[1] for p in paths if p.startswith("/projekt/")}
    assert found & wanted, f"sökning på 'arbetsträningen' gav {paths}, väntade något av {wanted}"


def test_inflected_target_group_is_found(browser, site_server, content):
    # "nyanländas" (genitive) must reach projects for nyanlända, which never
    # write the genitive form.
    wanted = {slug for slug, meta in content["projekt"].items() if "nyanlanda" in meta["målgrupp"]}
    paths = browser.page(site_server, _search, "nyanländas")
    found = {p.strip("/").split("/")[1] for p in paths if p.startswith("/projekt/")}
    assert found & wanted, f"sökning på 'nyanländas' gav {paths}, väntade något av {wanted}"


def test_compound_part_finds_the_compound(browser, site_server, content):
    # "coachning" alone must find the metod whose title only has it inside a
    # compound ("Studiecoachning").
    wanted = {slug for slug, meta in content["metoder"].items()
              if re.search(r"\wcoachning", meta["titel"], re.IGNORECASE)}
    assert wanted
    paths = browser.page(site_server, _search, "coachning")
    assert {f"/metoder/{slug}/" for slug in wanted} & set(paths), f"'coachning' gav {paths}"


def _choose(page, choices: dict[str, str]):
    page.wait_for_selector(".mb-facett input")
    for name, value in choices.items():
        page.check(f'.mb-hitta input[name="{name}"][value="{value}"]')
    page.wait_for_timeout(100)
    state = _state(page)
    page.goto(page.url, wait_until="load")  # a reload must restore the same filters
    page.wait_for_selector(".mb-facett input")
    page.wait_for_timeout(100)
    return state, _state(page)


def _state(page) -> dict:
    return {
        "url": page.url,
        "hits": page.eval_on_selector_all(".mb-traffar li > a", "els => els.map(e => e.getAttribute('href'))"),
        "checked": page.eval_on_selector_all(".mb-hitta input:checked", "els => els.map(e => [e.name, e.value])"),
        "status": page.inner_text(".mb-antal"),
    }


def test_filter_page_shows_exactly_the_matching_projects(browser, site_server, content):
    projects = content["projekt"]
    pairs = Counter((g, m["framgång"]["grad"]) for m in projects.values() for g in m["målgrupp"])
    # The (målgrupp, grad) pair with most projects that is still a real filter.
    (malgrupp, grad), _count = sorted(((k, c) for k, c in pairs.items() if c < len(projects)),
                                      key=lambda kc: (-kc[1], kc[0]))[0]
    expected = sorted(slug for slug, m in projects.items()
                      if malgrupp in m["målgrupp"] and m["framgång"]["grad"] == grad)

    before, after = browser.page(site_server + "hitta/", _choose, {"målgrupp": malgrupp, "grad": str(grad)})

    shown = sorted(href.strip("/").split("/")[-1] for href in before["hits"])
    assert shown == expected
    assert before["status"].startswith(f"{len(expected)} av {len(projects)} projekt")
    query = parse_qs(urlparse(before["url"]).query)
    assert query == {"målgrupp": [malgrupp], "grad": [str(grad)]}
    assert sorted(after["checked"]) == sorted([["målgrupp", malgrupp], ["grad", str(grad)]])
    assert sorted(href.strip("/").split("/")[-1] for href in after["hits"]) == expected


def test_filter_counts_per_value(browser, site_server, content):
    # With nothing chosen, each grad checkbox shows how many projects have it.
    def counts(page):
        page.wait_for_selector(".mb-facett input")
        return page.eval_on_selector_all(
            '.mb-hitta input[name="grad"]',
            "els => els.map(e => [e.value, e.parentElement.querySelector('.mb-facett-antal').textContent])")

    shown = dict(browser.page(site_server + "hitta/", counts))
    per_grad = Counter(str(m["framgång"]["grad"]) for m in content["projekt"].values())
    assert shown == {g: f"({per_grad.get(g, 0)})" for g in ("0", "1", "2", "3")}
