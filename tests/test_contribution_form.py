"""The form "Lämna in ett projekt" (/lamna-in/), built by a real `mkdocs build`
and driven in headless Chromium: a filled-in form downloads a file that
`metodbank kontrollera` accepts; an invalid entry shows a Swedish error
beside its field. The site is built once for the module."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from contribution_helpers import CHROMIUM, CHROMIUM_ARGS, build_site, copy_bank, metodbank_process, serve
from metodbank import schema
from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.site.pages import Generator, SiteOptions
from metodbank.settings import read_settings

pytestmark = pytest.mark.build

REPO_URL = "https://github.com/exempel/metodbanken"
STALE_SLUG = "inaktuellt-pagaende-projekt"
STALE = """\
---
titel: Ett projekt som glömts bort
förbund: Samordningsförbundet Exempel
status: pågående
period:
  start: 2018-01
  slut: 2020-06
parter: [kommun]
målgrupp: [nyanlanda]
metoder: [motiverande-samtal]
resultat:
  sammanfattning: Tjugo deltagare hade börjat vid förra uppdateringen.
framgång:
  grad: 0
  motivering: Projektet pågår och har ännu inte bedömts.
---
Text.
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    """A copy of the repository's bank with a deployment vocabulary, a repo_url
    and one project whose end date has passed while it is still 'pågående'."""
    root = copy_bank(tmp_path_factory.mktemp("formular") / "bank")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('repo_url: ""', f'repo_url: "{REPO_URL}"')
    text = text.replace("vokabular: {}", "vokabular:\n        målgrupp:\n          hemlosa: Personer i hemlöshet")
    assert REPO_URL in text and "hemlosa" in text
    config.write_text(text, encoding="utf-8")
    (root / "projekt" / f"{STALE_SLUG}.md").write_text(STALE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(bank, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("formular") / "site"
    build_site(bank, out)
    return out


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} saknas (Debians chromium-paket)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, server):
    context = chromium.new_context(accept_downloads=True, locale="sv-SE", viewport={"width": 1280, "height": 900})
    # The theme asks Google for fonts; nothing here may leave the machine.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(server + "lamna-in/")
    tab.wait_for_selector("#mb-formular[data-klar='ja']", timeout=15000)
    yield tab
    context.close()
    assert errors == [], f"JavaScript-fel på sidan: {errors}"


def page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------
# Built page and published schema (no browser)


def test_the_page_is_a_real_form_with_labels_and_build_time_choices(site, bank):
    source = (site / "lamna-in" / "index.html").read_text(encoding="utf-8")
    assert '<form id="mb-formular"' in source
    ids = re.findall(r'<(?:input|textarea|select) type="text" id="(f-[^"]+)"|<(?:textarea|select) id="(f-[^"]+)"', source)
    ids = [a or b for a, b in ids]
    assert len(ids) > 20
    for field_id in ids:
        assert f'<label for="{field_id}"' in source, f"{field_id} saknar <label>"
    vocab = read_settings(bank / "mkdocs.yml").vocab
    for name, group in (("parter", "parter"), ("målgrupp", "malgrupp")):
        for key in vocab.keys(name):
            assert f'<input type="checkbox" name="{group}" value="{key}">' in source
    assert 'value="hemlosa"' in source  # the deployment's own vocabulary
    for slug in (p.stem for p in (bank / "metoder").glob("*.md")):
        assert f'name="metoder" value="{slug}"' in source
    for slug in (p.stem for p in (bank / "systemfel").glob("*.md")):
        assert f'name="systemfel" value="{slug}"' in source
    assert 'data-schema="../schema/projekt.schema.json"' in source
    assert "Lämna in ett projekt" in page_text(site / "index.html")  # in the navigation
    assert (site / "bidra" / "index.html").is_file()


def test_the_site_publishes_the_schema_with_the_builds_vocabularies(site, bank):
    vocab = read_settings(bank / "mkdocs.yml").vocab
    for kind, name in schema.FILE_NAMES.items():
        published = (site / "schema" / name).read_text(encoding="utf-8")
        assert published == schema.render(kind, vocab)
    projekt = json.loads((site / "schema" / "projekt.schema.json").read_text(encoding="utf-8"))
    assert "hemlosa" in projekt["properties"]["målgrupp"]["items"]["enum"]


def test_the_github_button_is_hidden_unless_repo_url_is_set(bank):
    derived = derive(load_bank(bank, read_settings(bank / "mkdocs.yml").vocab))

    def form_page(repo_url: str) -> str:
        pages = Generator(derived, SiteOptions(repo_url=repo_url)).pages()
        return next(p.html for p in pages if p.src_uri == "lamna-in/index.md")

    assert 'id="mb-github"' not in form_page("")
    assert 'id="mb-github"' in form_page(REPO_URL)


def test_the_stale_project_is_listed_with_its_reason(site):
    text = " ".join(page_text(site / "uppdatering" / "index.html").split())
    assert "Ett projekt som glömts bort" in text
    assert "projektet är 'pågående' men period.slut (2020-06) har passerat" in text
    assert f'href="../projekt/{STALE_SLUG}/"' in (site / "uppdatering" / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# In Chromium: a valid project becomes a file the checker accepts


def fill_common(page, titel: str, status: str, start: str, slut: str = ""):
    page.fill("#f-titel", titel)
    page.fill("#f-forbund", "Samordningsförbundet Östra Södertörn")
    page.fill("#f-kommuner", "Haninge, Nynäshamn")
    page.select_option("#f-status", status)
    page.fill("#f-period-start", start)
    if slut:
        page.fill("#f-period-slut", slut)
    page.check('input[name="parter"][value="arbetsformedlingen"]')
    page.check('input[name="parter"][value="kommun"]')
    page.check('input[name="malgrupp"][value="unga-vuxna-20-29"]')
    page.check('input[name="metoder"][value="ips-supported-employment"]')


def scenario_planerat(page):
    fill_common(page, "Planerat projekt för unga vuxna", "planerat", "2027-01")
    page.fill("#f-framgang-motivering", "Projektet har inte startat ännu och kan inte bedömas.")


def scenario_grad_2(page):
    fill_common(page, 'Unga vuxna i arbete: "IPS" i Haninge', "avslutat", "2019-03", "2021-12")
    page.check('input[name="malgrupp"][value="hemlosa"]')
    page.fill("#f-budget_kr", "4500000")
    page.fill("#f-resultat-sammanfattning", "120 deltagare började; 34 fick arbete och 12 började studera.")
    page.select_option("#f-resultat-mattidpunkt", "vid avslut")
    page.fill("#f-resultat-deltagare", "120")
    page.fill("#f-resultat-till_arbete", "34")
    page.fill("#f-resultat-till_studier", "12")
    page.check('input[name="framgang-grad"][value="2"]')
    page.fill("#f-framgang-motivering", "Metoden används i kommunens ordinarie verksamhet sedan 2022.")
    page.fill("#f-impl-organisation", "Haninge kommun, arbetsmarknadsenheten")
    page.fill("#f-impl-ar", "2022")
    page.fill("#f-impl-beskrivning", "Två IPS-handledare finansieras nu i kommunens egen budget.")
    page.check('input[name="systemfel"][value="svarte-petter"]')
    page.fill("#f-sf-svarte-petter-observation", "14 deltagare förlorade ersättningen när de började arbetsträna.")
    page.select_option("#f-sf-svarte-petter-underlag", "ärendegenomgång")
    page.fill("#f-sf-svarte-petter-antal", "14")
    page.fill("#f-lardomar", "Tidig kontakt med arbetsgivare var avgörande.\n\nHandledarna behövde mer tid än planerat.")
    page.fill("#f-utv-titel", "Slutrapport")
    page.fill("#f-utv-lank", "https://example.org/slutrapport")
    page.fill("#f-kontakt", "Samordningsförbundet Östra Södertörn, kansliet")
    page.fill("#f-text", "## Bakgrund\n\nUnga vuxna stod långt från arbete.\n\n## Svagheter\n\nFå arbetsgivare i början.\n")


def scenario_grad_3_avbrutet(page):
    fill_common(page, "Gemensam finansiering", "avbrutet", "2020", "2022-06")
    page.fill("#f-resultat-sammanfattning", "Fyrtio deltagare började innan projektet avbröts.")
    page.check('input[name="framgang-grad"][value="3"]')
    page.fill("#f-framgang-motivering", "Kalkylen låg till grund för ett beslut om gemensam finansiering.")
    page.fill("#f-beslut-beslut", "Kommunfullmäktige beslutade om gemensam finansiering med regionen.")
    page.fill("#f-beslut-beslutsfattare", "Kommunfullmäktige i Haninge")
    page.fill("#f-beslut-ar", "2022")
    page.fill("#f-beslut-lank", "https://example.org/beslut")
    page.check('input[name="systemfel"][value="kortsiktig-styrning"]')
    page.fill("#f-sf-kortsiktig-styrning-observation", "Ettåriga beslut gjorde att personalen sades upp varje vår.")
    page.fill("#f-lardomar", "Förankra finansieringen hos alla parter innan start.")
    page.fill("#f-avbrottsorsak", "Regionen drog sig ur finansieringen efter två år.")


def scenario_grad_2_flera_metoder(page):
    scenario_grad_2(page)
    page.check('input[name="metoder"][value="motiverande-samtal"]')
    page.select_option("#f-impl-metod", "ips-supported-employment")


SCENARIOS = {"planerat": scenario_planerat, "grad-2": scenario_grad_2, "grad-3-avbrutet": scenario_grad_3_avbrutet,
             "grad-2-flera-metoder": scenario_grad_2_flera_metoder}


@pytest.mark.browser
@pytest.mark.parametrize("name", SCENARIOS)
def test_a_filled_in_form_downloads_a_file_the_checker_accepts(page, bank, name, tmp_path):
    SCENARIOS[name](page)
    slug = page.input_value("#f-slug")
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]+[a-z0-9]", slug)  # suggested from the title
    assert page.locator("[aria-invalid='true']").count() == 0
    assert page.locator(".mb-ogiltig").count() == 0
    preview = page.inner_text("#mb-forhandsvisning")
    with page.expect_download() as info:
        page.click("#mb-ladda-ner")
    download = info.value
    assert download.suggested_filename == f"{slug}.md"
    target = bank / "projekt" / download.suggested_filename
    download.save_as(target)
    content = target.read_text(encoding="utf-8")
    assert content.strip() == preview.strip()
    assert content.splitlines()[1] == "# yaml-language-server: $schema=../schema/projekt.schema.json"
    result = metodbank_process(bank, "kontrollera", f"projekt/{target.name}")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    # The GitHub button opens "create new file" with the same content.
    href = page.get_attribute("#mb-github", "href")
    prefix = f"{REPO_URL}/new/main/projekt?"
    assert href.startswith(prefix)
    query = urllib.parse.parse_qs(href[len(prefix):])
    assert query["filename"] == [f"{slug}.md"]
    assert query["value"] == [content]


# --------------------------------------------------------------------------
# In Chromium: errors beside their fields, in Swedish


def error_beside(page, field_id: str) -> str:
    """The message shown next to ``field_id``; asserts the accessibility wiring."""
    info = page.eval_on_selector(f"#{field_id}", """el => {
        const next = el.nextElementSibling;
        return {invalid: el.getAttribute('aria-invalid'), describedby: el.getAttribute('aria-describedby') || '',
                nextId: next && next.id, nextClass: next && next.className, hidden: next && next.hidden,
                text: next && next.textContent, visible: !!(next && next.offsetParent)};
    }""")
    assert info["invalid"] == "true", info
    assert info["nextId"] == f"fel-{field_id}" and info["nextClass"] == "mb-felmeddelande", info
    assert not info["hidden"] and info["visible"], info
    assert f"fel-{field_id}" in info["describedby"].split(), info
    return info["text"]


def downloads_on(page) -> list:
    seen: list = []
    page.on("download", lambda d: seen.append(d))
    return seen


@pytest.mark.browser
def test_a_too_short_title_is_shown_beside_the_field_once_touched(page):
    page.fill("#f-titel", "Ab")
    assert page.get_attribute("#f-titel", "aria-invalid") is None  # not while typing the first time
    page.press("#f-titel", "Tab")
    assert error_beside(page, "f-titel") == "För kort: minst 3 tecken (nu 2)."
    assert page.locator(".mb-ogiltig").count() == 1  # only the touched field is marked
    page.fill("#f-titel", "Abc")
    assert page.get_attribute("#f-titel", "aria-invalid") is None
    assert page.is_hidden("#fel-f-titel")
    assert "fel-f-titel" not in (page.get_attribute("#f-titel", "aria-describedby") or "")


@pytest.mark.browser
def test_avslutat_without_end_date_is_refused_beside_slut(page):
    downloads = downloads_on(page)
    fill_common(page, "Avslutat utan slut", "avslutat", "2021-01")
    page.fill("#f-resultat-sammanfattning", "Tjugo deltagare började och tio fick arbete.")
    page.fill("#f-framgang-motivering", "Deltagarna kom närmare arbete under projektet.")
    page.fill("#f-lardomar", "Börja i tid med arbetsgivarkontakterna.")
    page.click("#mb-ladda-ner")
    assert error_beside(page, "f-period-slut") == "Slutdatum krävs när projektet är avslutat."
    assert page.is_visible("#mb-sammanfattning")
    assert "att rätta" in page.inner_text("#mb-sammanfattning")
    assert page.evaluate("document.activeElement.id") == "f-period-slut"  # focus on the first error
    page.wait_for_timeout(300)
    assert downloads == []
    page.fill("#f-period-slut", "2020-12")
    assert error_beside(page, "f-period-slut") == "Slutdatum ligger före startdatum."


@pytest.mark.browser
def test_every_missing_required_field_is_marked_on_download(page):
    page.click("#mb-ladda-ner")
    for field_id, message in [
        ("f-slug", "Fyll i fältet."),
        ("f-titel", "Fyll i fältet."),
        ("f-forbund", "Fyll i fältet."),
        ("f-status", "Fyll i fältet."),
        ("f-period-start", "Fyll i fältet."),
        ("f-framgang-motivering", "Fyll i fältet."),
    ]:
        assert error_beside(page, field_id) == message
    for group in ("parter", "malgrupp", "metoder"):
        assert page.get_attribute(f"#f-{group}", "class").endswith("mb-ogiltig")
        assert page.inner_text(f"#fel-f-{group}") == "Välj minst ett alternativ."
        first_box = page.locator(f'input[name="{group}"]').first
        assert first_box.get_attribute("aria-invalid") == "true"
        assert f"fel-f-{group}" in first_box.get_attribute("aria-describedby").split()


@pytest.mark.browser
@pytest.mark.parametrize("field_id, value, message", [
    ("f-period-start", "mars 2024", "Skriv datumet som ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, t.ex. 2024-03."),
    ("f-period-start", "2024-13", "Månaden ska vara 01–12."),
    ("f-budget_kr", "4 500 000", "Skriv talet utan mellanslag: 4500000."),
    ("f-resultat-deltagare", "-3", "Talet ska vara minst 0."),
    ("f-utv-lank", "www.example.org", "Länken ska börja med https:// (eller http://)."),
    ("f-slug", "vägen", "Använd bara små bokstäver a–z (utan å, ä, ö), siffror och bindestreck, 3–80 tecken, inte bindestreck först eller sist."),
    ("f-slug", "ung-kraft-vara", "Det finns redan ett projekt med filnamnet ung-kraft-vara.md. Välj ett annat namn."),
    ("f-kontakt", "Ring 19121212-1212", "Här står ett personnummer eller samordningsnummer. Banken får aldrig innehålla deltagares personuppgifter – ta bort det."),
])
def test_field_errors_come_from_the_schema_and_the_contract(page, field_id, value, message):
    if field_id == "f-resultat-deltagare":
        page.fill("#f-resultat-sammanfattning", "Tjugo deltagare började och tio fick arbete.")
    page.fill(f"#{field_id}", value)
    page.press(f"#{field_id}", "Tab")
    assert error_beside(page, field_id) == message


@pytest.mark.browser
def test_degree_evidence_is_required(page):
    fill_common(page, "Grad tre utan underlag", "avslutat", "2020", "2021")
    page.check('input[name="framgang-grad"][value="3"]')
    page.click("#mb-ladda-ner")
    assert page.inner_text("#fel-f-systemfel") == "Grad 3 kräver minst ett systemfel som projektet har sett."
    assert error_beside(page, "f-beslut-beslut") == "Grad 3 kräver ett systemförändrande beslut."
    assert error_beside(page, "f-resultat-sammanfattning").startswith("Resultat krävs när projektet har startat")
    assert error_beside(page, "f-lardomar") == "Skriv minst en lärdom när projektet är avslutat."


@pytest.mark.browser
def test_an_implementation_names_one_of_several_methods(page):
    fill_common(page, "Två metoder och en implementering", "avslutat", "2020", "2021")
    page.check('input[name="metoder"][value="motiverande-samtal"]')
    page.check('input[name="framgang-grad"][value="2"]')
    page.fill("#f-impl-organisation", "Haninge kommun, arbetsmarknadsenheten")
    page.click("#mb-ladda-ner")
    assert error_beside(page, "f-impl-metod") == "Projektet har flera metoder: välj vilken av dem som används här."
    page.select_option("#f-impl-metod", "studiecoachning")
    page.click("#mb-ladda-ner")
    assert error_beside(page, "f-impl-metod") == "Välj en av metoderna som du kryssat i under Metoder."
    page.select_option("#f-impl-metod", "motiverande-samtal")
    page.click("#mb-ladda-ner")
    assert page.get_attribute("#f-impl-metod", "aria-invalid") != "true"


@pytest.mark.browser
def test_validation_follows_the_published_schema(page, server):
    """The limits are read from schema/projekt.schema.json, not written into the script:
    serve a schema whose titel needs 10 characters and the form follows it."""
    schema_url = server + "schema/projekt.schema.json"
    import urllib.request

    with urllib.request.urlopen(schema_url) as response:
        changed = json.loads(response.read().decode("utf-8"))
    changed["properties"]["titel"]["minLength"] = 10
    page.route(schema_url, lambda route: route.fulfill(content_type="application/json", body=json.dumps(changed)))
    page.reload()
    page.wait_for_selector("#mb-formular[data-klar='ja']")
    page.fill("#f-titel", "Sju tkn")
    page.press("#f-titel", "Tab")
    assert error_beside(page, "f-titel") == "För kort: minst 10 tecken (nu 7)."


@pytest.mark.browser
def test_without_javascript_the_page_explains_the_other_ways(chromium, server):
    context = chromium.new_context(java_script_enabled=False)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    tab = context.new_page()
    tab.goto(server + "lamna-in/")
    body = tab.inner_text("article")
    assert "Utan JavaScript kan du lämna in ett projekt på två andra sätt" in body
    assert "GitHubs webbredigerare" in body and "metodbank ny projekt" in body
    assert tab.is_hidden("#mb-formular")
    context.close()
