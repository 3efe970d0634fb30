"""Safe publishing, on the built site and in Chromium.

A hostile bank: the example bank plus one project per payload family
(``tests/payloads/``), a förbund name, titles and a vocabulary label in
``mkdocs.yml`` written to run script. The bodies would be refused by the
checker, so the bank is built in-process with the checker's HTML rule
switched off: what is tested is the guarantee behind the refusal, the
sanitiser on render. Then every page is scanned for handlers, dangerous
schemes, active tags and external loads, and the pages a visitor meets are
loaded in Chromium (Debian's), counting scripts that ran and requests that
left the site.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
from pathlib import Path

import pytest
import yaml

from browser_helpers import serve
from repo_helpers import copy_bank
from test_safe_publishing import MARK, harm, payloads

pytestmark = [pytest.mark.build]

HOSTILE_FORBUND = f'Förbundet <img src=x onerror="{MARK}">'
HOSTILE_TITLE = '<svg onload=alert(1)>Titel "med" <b>taggar</b>'
HOSTILE_LABEL = f"Unga <img src=x onerror=\"{MARK}\">vuxna"
FORMULA_TITLE = '=HYPERLINK("https://evil.example/","Klicka")'
SLUG_PREFIX = "nyttolast-"
TEMPLATE = "aktivt-stod-forsorjningsstod"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def _write_hostile_bank(root: Path) -> None:
    source = (root / "projekt" / f"{TEMPLATE}.md").read_text("utf-8")
    meta = yaml.safe_load(FRONT_MATTER.match(source).group(1))
    for index, (name, text) in enumerate(sorted(payloads().items())):
        item = dict(meta)
        item["titel"] = FORMULA_TITLE if index == 0 else f"{HOSTILE_TITLE} {name}"
        item["förbund"] = HOSTILE_FORBUND
        dumped = yaml.safe_dump(item, allow_unicode=True, sort_keys=False, width=1000)
        (root / "projekt" / f"{SLUG_PREFIX}{name}.md").write_text(
            f"---\n{dumped}---\n## Bakgrund\n\nInledning.\n\n{text}\n\nSlut.\n", "utf-8")
    config = (root / "mkdocs.yml").read_text("utf-8")
    label = yaml.safe_dump(HOSTILE_LABEL, allow_unicode=True).splitlines()[0]
    config = config.replace("      vokabular: {}", f"      vokabular:\n        målgrupp:\n          unga-vuxna-20-29: {label}")
    assert "unga-vuxna-20-29" in config
    (root / "mkdocs.yml").write_text(config, "utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from metodbank import bank as bank_module

    root = copy_bank(tmp_path_factory.mktemp("fientlig") / "bank")
    _write_hostile_bank(root)
    site = root.parent / "site"
    patch = pytest.MonkeyPatch()
    # Only the refusal is switched off, not the sanitiser: whatever the
    # checker might miss must still be published harmless.
    patch.setattr(bank_module.body_html, "check_body_html", lambda *args, **kwargs: [])
    try:
        with contextlib.chdir(root):
            build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)))
    finally:
        patch.undo()
    return site


def test_the_checker_refuses_the_hostile_bodies(tmp_path):
    """Without the switch, the same bank fails in the checker, naming each file."""
    from checker_helpers import load_lines

    root = copy_bank(tmp_path / "bank")
    _write_hostile_bank(root)
    lines = load_lines(root, config=root / "mkdocs.yml")
    refused = {line.split(":", 1)[0] for line in lines if "varning" not in line}
    expected = {f"projekt/{SLUG_PREFIX}{name}.md" for name in payloads() if name != "marker-comment"}
    assert expected <= refused


def _pages(site: Path):
    return sorted(site.rglob("*.html"))


# Our own templates draw SVG charts and the submission form: those tags are
# ours. Handlers, dangerous schemes and external loads are never ours.
OUR_TAGS = {"<svg>", "svg[style]", "<form>", "<input>", "<button>", "<select>", "<textarea>"}
# The pages that load their own script (and its stylesheet) in the article;
# Chromium checks below that nothing else runs on them.
OUR_SCRIPT_PAGES = {"lamna-in/index.html", "sok/index.html", "hitta/index.html"}
OUR_SCRIPT_TAGS = {"<script>", "<noscript>", "<link>", "<template>"}


def test_no_page_carries_anything_active_from_content(hostile_site):
    for page in _pages(hostile_site):
        text = page.read_text("utf-8")
        # The theme's own scripts are ours; look at the article only.
        article = text.split('<article', 1)[-1].split("</article>", 1)[0]
        ours = OUR_TAGS | (OUR_SCRIPT_TAGS if page.relative_to(hostile_site).as_posix() in OUR_SCRIPT_PAGES else set())
        found = [item for item in harm(article) if item not in ours and "[class=" not in item]  # theme classes are ours
        assert found == [], page.relative_to(hostile_site)


@pytest.mark.parametrize("name", sorted(payloads()))
def test_each_published_body_is_harmless(hostile_site, name):
    """Between the body's first and last paragraph, nothing active at all."""
    page = (hostile_site / "projekt" / f"{SLUG_PREFIX}{name}" / "index.html").read_text("utf-8")
    start, end = page.index("<p>Inledning.</p>"), page.index("<p>Slut.</p>")
    assert harm(page[start:end]) == []
    assert "metodbank:" not in page  # no marker of the old boundary reaches the page


EXTERNAL = re.compile(r"""(?:<(?:link|script|img|iframe|source|video|audio|embed|object)\b[^>]*?\s(?:src|href|srcset|data)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _external_loads(site: Path) -> list[str]:
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text("utf-8", errors="replace")
        for match in EXTERNAL.finditer(text):
            found.append(f"{path.relative_to(site)}: {text[match.start():match.end() + 60]}")
    return found


def test_no_page_loads_anything_from_another_host(hostile_site, built_site):
    """<link>, <script>, <img>, <iframe>, srcset and CSS url() on every page
    (the hostile bank and the example site) point into the site."""
    assert _external_loads(hostile_site) == []
    assert _external_loads(built_site) == []


def test_csv_cells_of_the_hostile_bank_are_text(hostile_site):
    text = (hostile_site / "data" / "projekt.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    titles = {row["titel"] for row in rows}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    json_text = (hostile_site / "data" / "projekt.json").read_text("utf-8")
    assert '"=HYPERLINK(' in json_text  # the JSON keeps the text as written


def test_pagefind_filter_values_hold_no_markup_characters(hostile_site):
    """Pagefind's UI puts filter values into innerHTML after decoding entities:
    no < > & may reach it, in any spelling."""
    page = (hostile_site / "projekt" / f"{SLUG_PREFIX}script" / "index.html").read_text("utf-8")
    values = re.findall(r'data-pagefind-filter="([^"]*)"', page)
    assert "Förbund:Förbundet ‹img src=x onerror=" in " ".join(html.unescape(v) for v in values)
    for value in values:
        assert not re.search(r"[<>]|&(?!quot;|#34;|#39;)", value), value


# --------------------------------------------------------------------------
# Chromium

def _visit(chromium, url: str, actions) -> dict:
    """Open ``url``, run ``actions(page)``, and report scripts that ran
    (dialogs, the data-xss marker) and requests to any other host."""
    context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    origin = re.match(r"https?://[^/]+", url).group(0)
    outside: list[str] = []
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith((origin, "data:", "blob:", "about:")) else None)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url, wait_until="load")
        actions(page)
        page.wait_for_timeout(300)
        marked = page.evaluate("document.documentElement.hasAttribute('data-xss')")
        return {"outside": outside, "dialogs": dialogs, "marked": marked, "url": page.url}
    finally:
        context.close()


def _idle(page):
    page.mouse.move(300, 300)
    page.keyboard.press("Tab")


def _search(query: str):
    def run(page):
        page.wait_for_selector(".pagefind-ui__search-input")
        page.fill(".pagefind-ui__search-input", query)
        page.wait_for_selector(".pagefind-ui__result, .pagefind-ui__message", timeout=20_000)
        page.wait_for_timeout(800)
        # Open every filter group, so their values are rendered.
        for summary in page.query_selector_all(".pagefind-ui__filter-name"):
            summary.click()
        page.wait_for_timeout(300)
        for link in page.query_selector_all(".pagefind-ui__result-link")[:3]:
            link.hover()
    return run


@pytest.mark.browser
def test_no_script_runs_and_nothing_leaves_the_site(browser, hostile_site):
    pages = [("", _idle), ("sok/", _idle), ("sok/?q=inledning", _search("inledning")),
             ("sok/?q=titel", _search("titel")), ("hitta/", _idle), ("forbund/", _idle), ("projekt/", _idle),
             ("metoder/", _idle), ("malgrupper/", _idle)]
    pages += [(f"projekt/{SLUG_PREFIX}{name}/", _idle) for name in sorted(payloads())]
    with serve(hostile_site) as root:
        for path, actions in pages:
            report = browser.run(_visit, root + path, actions)
            assert report["dialogs"] == [], (path, report)
            assert not report["marked"], (path, report)
            assert report["outside"] == [], (path, report)
            assert report["url"].startswith(root), (path, report)  # no redirect away


@pytest.mark.browser
def test_search_shows_the_hostile_forbund_as_text(browser, hostile_site):
    def filters(page):
        _search("inledning")(page)
        return page.inner_text("#mb-sok")

    with serve(hostile_site) as root:
        text = browser.run(lambda chromium: _text(chromium, root + "sok/?q=inledning", filters))
    assert "‹img src=x onerror=" in text  # shown as text, with look-alikes for < and >


def _text(chromium, url, fn):
    context = chromium.new_context(locale="sv-SE")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(url, wait_until="load")
        return fn(page)
    finally:
        context.close()
