"""Each derived fact is worked out in one place (issue 12, item 2).

- Förbund identity: one rule (:mod:`metodbank.forbund`). A deployment that
  lists its förbund in ``mkdocs.yml``, with files that mix a förbund's key
  and its label, shows ONE förbund everywhere: the derived facts, the
  ``/forbund/`` pages and Pagefind filters of a real build, the catalogue
  and ``metodbank sök``. Free names that differ in case and spacing are one
  förbund; names that differ by accents are two, and the checker warns.
- Summary, systemfel references, used-by, observed-by and the highest
  degree: the model's accessors and :class:`~metodbank.derive.Derived`.
  Change one and every consumer follows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from repo_helpers import copy_bank
from search_helpers import load, make_bank, run_metodbank, write_projekt
from site_helpers import parse_html, run_build

from metodbank import derive as derive_module
from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.forbund import identity
from metodbank.model import Projekt
from metodbank.search.documents import Corpus, build_records, forbund_id, forbund_token
from metodbank.search.related import _items as related_items
from metodbank.settings import read_settings
from metodbank.site import catalogue
from metodbank.site.pages import Generator
from metodbank.vokabular import Vocabularies

# The example bank's förbund, listed as a national deployment would.
LISTED = {
    "sodra-dalarna": "Samordningsförbundet Södra Dalarna",
    "umea": "Samordningsförbundet Umeå",
    "trelleborg": "Samordningsförbundet Trelleborg",
    "ostra-sodertorn": "Samordningsförbundet Östra Södertörn",
    "norra-bohuslan": "Samordningsförbundet Norra Bohuslän",
    "vastra-skaraborg": "Finsam Västra Skaraborg",
}
DALARNA = LISTED["sodra-dalarna"]
# How the example bank's projects are rewritten: the key, the label, and both in one file.
SPELLINGS = {
    "halsoslussen-sodra-dalarna": "sodra-dalarna",
    "studiecoach-sodra-dalarna": DALARNA,
    "aktivt-stod-forsorjningsstod": f"[sodra-dalarna, {DALARNA}]",
    "socialt-foretag-umea": "umea",
    "fran-projekt-till-linje": "[norra-bohuslan, Finsam Västra Skaraborg]",
}
DALARNA_PROJEKT = {"halsoslussen-sodra-dalarna", "studiecoach-sodra-dalarna", "aktivt-stod-forsorjningsstod"}


# --------------------------------------------------------------------------
# The identity rule itself


def test_case_and_spacing_are_normalised_accents_are_not():
    assert identity("Samordningsförbundet  Södra\tDalarna ") == identity("samordningsförbundet södra dalarna")
    assert identity("Samordningsforbundet Sodra Dalarna") != identity("Samordningsförbundet Södra Dalarna")


def test_a_listed_key_and_its_label_are_the_same_forbund():
    vocab = Vocabularies({"förbund": dict(LISTED)})
    assert identity("sodra-dalarna", vocab) == identity(DALARNA, vocab) == "sodra-dalarna"
    assert identity(" samordningsförbundet  SÖDRA dalarna", vocab) == "sodra-dalarna"
    # Without the list the key is just another name.
    assert identity("sodra-dalarna") != identity(DALARNA)


def test_a_key_wins_over_another_forbunds_label():
    vocab = Vocabularies({"förbund": {"alfa": "beta", "beta": "Förbundet Beta"}})
    assert identity("beta", vocab) == "beta"
    assert identity("Förbundet Beta", vocab) == "beta"


def test_the_search_filter_uses_the_same_rule():
    vocab = Vocabularies({"förbund": dict(LISTED)})
    assert forbund_id("sodra-dalarna", vocab) == forbund_id(DALARNA, vocab) == forbund_token("sodra-dalarna")
    assert forbund_id("Samordningsförbundet  UMEÅ") == forbund_token(identity("Samordningsförbundet Umeå"))
    assert " " not in forbund_id("Samordningsförbundet Umeå")  # one token of a keyword field


# --------------------------------------------------------------------------
# A listed vocabulary, mixed spellings, a real build


@pytest.fixture(scope="module")
def listed_bank(tmp_path_factory) -> Path:
    src = copy_bank(tmp_path_factory.mktemp("listad") / "src", with_docs=True)
    config = src / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "      vokabular: {}\n" in text
    listed = "".join(f"          {key}: {label}\n" for key, label in LISTED.items())
    config.write_text(text.replace("      vokabular: {}\n", f"      vokabular:\n        förbund:\n{listed}"), "utf-8")
    for slug, value in SPELLINGS.items():
        path = src / "projekt" / f"{slug}.md"
        lines = path.read_text("utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith("förbund:"))
        lines[at] = f"förbund: {value}\n"
        path.write_text("".join(lines), "utf-8")
    return src


@pytest.fixture(scope="module")
def listed_site(listed_bank, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("listad") / "site"
    run_build(listed_bank, site)
    return site


def _load(src: Path):
    bank = load_bank(src, read_settings(src / "mkdocs.yml").vocab)
    assert bank.ok, [p.format() for p in bank.problems.sorted()]
    return bank


def test_derived_has_one_forbund_per_listed_key(listed_bank):
    d = derive(_load(listed_bank))
    assert {slug: f.namn for slug, f in d.förbund.items()} == LISTED
    assert {f.id for f in d.förbund.values()} == set(LISTED)
    assert {p.slug for p in d.förbund["sodra-dalarna"].projekt} == DALARNA_PROJEKT
    assert [f.slug for f in d.projekt_förbund["aktivt-stod-forsorjningsstod"]] == ["sodra-dalarna"]
    for facts in [*d.metoder.values(), *d.systemfel.values()]:
        slugs = [f.slug for f in facts.förbund]
        assert len(slugs) == len(set(slugs)), facts


def test_the_built_forbund_pages_show_one_forbund(listed_site):
    pages = {p.name for p in (listed_site / "forbund").iterdir() if p.is_dir()}
    assert pages == set(LISTED)
    page = parse_html(listed_site / "forbund" / "sodra-dalarna" / "index.html")
    assert page.find("h1").text() == DALARNA
    linked = {href.rstrip("/").rsplit("/", 1)[-1] for a in page.iter("a")
              if "/projekt/" in (href := a.attrs.get("href") or "") and not href.endswith("/projekt/")}
    assert DALARNA_PROJEKT <= linked
    listing = parse_html(listed_site / "forbund" / "index.html")
    links = [(a.attrs["href"], a.text()) for a in listing.iter("a")
             if re.fullmatch(r"\.\./forbund/[^/]+/", a.attrs.get("href") or "")]
    assert sorted(links) == sorted((f"../forbund/{key}/", label) for key, label in LISTED.items())


def test_project_pages_and_their_filters_name_the_forbund_once(listed_site):
    for slug in SPELLINGS:
        html = (listed_site / "projekt" / slug / "index.html").read_text("utf-8")
        filters = [part.split('"', 1)[0] for part in html.split('data-pagefind-filter="Förbund:')[1:]]
        assert len(filters) == len(set(filters)) and set(filters) <= set(LISTED.values()), (slug, filters)
        assert "sodra-dalarna</a>" not in html and ">umea<" not in html
    dalarna = (listed_site / "projekt" / "aktivt-stod-forsorjningsstod" / "index.html").read_text("utf-8")
    assert dalarna.count(f'data-pagefind-filter="Förbund:{DALARNA}"') == 1
    # "Liknande projekt" names each project's förbund as the site does, never by the key in its file.
    shown = [span.text() for page in (listed_site / "projekt").glob("*/index.html")
             for ul in parse_html(page).find_all("ul", cls="mb-liknande") for span in ul.find_all("span", cls="mb-liten")]
    assert shown and not [text for text in shown if re.match(r"\((sodra-dalarna|umea|norra-bohuslan)\b", text)]
    assert any(text.startswith(f"({DALARNA},") for text in shown)


def test_the_catalogue_lists_one_forbund(listed_site):
    katalog = json.loads((listed_site / "data" / "katalog.json").read_text("utf-8"))
    facet = katalog["facetter"]["förbund"]
    assert sorted(map(tuple, facet)) == sorted(LISTED.items())
    at = katalog["fält"].index("förbund")
    dalarna = [key for key, _ in facet].index("sodra-dalarna")
    rows = {row[0]: row[at] for row in katalog["poster"]}
    assert {slug for slug, refs in rows.items() if dalarna in refs} == DALARNA_PROJEKT
    assert rows["aktivt-stod-forsorjningsstod"] == [dalarna]


def test_search_finds_one_forbund_by_key_or_label(listed_bank, listed_site):
    found = {}
    for value in ("sodra-dalarna", DALARNA):
        result = run_metodbank(["sök", "--förbund", value, "--typ", "projekt", "--json", "--limit", "50"],
                               cwd=listed_bank, env={"NO_COLOR": "1"})
        assert result.returncode == 0, result.stderr
        hits = json.loads(result.stdout)["träffar"]
        found[value] = {h["slug"] for h in hits}
        for hit in hits:
            assert hit["förbund"] == [DALARNA], hit
    assert found["sodra-dalarna"] == found[DALARNA] == DALARNA_PROJEKT


def test_search_records_borrow_the_derived_forbund(listed_bank):
    bank = _load(listed_bank)
    d = derive(bank)
    records = build_records(bank, d)
    assert records == build_records(bank)  # derived here, or by the index builder itself: the same
    for key, record in records.items():
        assert len(record.förbund) == len(set(record.förbund)), key
        assert set(record.förbund) <= set(LISTED.values()), key
        assert set(record.förbundsid) <= {forbund_token(k) for k in LISTED}, key
    for slug in DALARNA_PROJEKT:
        assert records[f"projekt/{slug}"].förbundsid == [forbund_token("sodra-dalarna")]
    # A metod used by the key-spelled and the label-spelled project lists the förbund once.
    metod = records["metoder/studiecoachning"]
    assert metod.förbund.count(DALARNA) == 1


# --------------------------------------------------------------------------
# Free names: case and spacing merge, accents do not


@pytest.fixture
def free_bank(tmp_path) -> Path:
    root = make_bank(tmp_path / "bank")
    write_projekt(root, "versaler", "Versaler och mellanrum", förbund="SAMORDNINGSFÖRBUNDET   södra dalarna")
    write_projekt(root, "utan-accenter", "Utan accenter", förbund="Samordningsforbundet Sodra Dalarna")
    return root


def test_free_names_differing_in_case_and_spacing_are_one_forbund(free_bank):
    bank = load_bank(free_bank)
    warnings = [p.format() for p in bank.problems.sorted() if "liknar" in p.format()]
    assert len(warnings) == 1 and "Samordningsforbundet Sodra Dalarna" in warnings[0]
    d = derive(bank)
    dalarna = [f for f in d.förbund.values() if f.id == "samordningsförbundet södra dalarna"]
    unaccented = [f for f in d.förbund.values() if f.id == "samordningsforbundet sodra dalarna"]
    assert len(dalarna) == len(unaccented) == 1
    assert dalarna[0].namn == "Samordningsförbundet Södra Dalarna"  # the commonest spelling
    assert {p.slug for p in dalarna[0].projekt} == {"stod-i-avesta", "studier-i-hedemora", "versaler"}
    assert dalarna[0].slug != unaccented[0].slug

    katalog = catalogue.build(d)
    assert [name for _, name in katalog["facetter"]["förbund"]].count("Samordningsförbundet Södra Dalarna") == 1

    records = build_records(bank, d)
    assert records["projekt/versaler"].förbund == ["Samordningsförbundet Södra Dalarna"]
    assert records["projekt/versaler"].förbundsid == records["projekt/stod-i-avesta"].förbundsid
    assert records["projekt/utan-accenter"].förbundsid != records["projekt/stod-i-avesta"].förbundsid

    projekt, _ = related_items(d)
    features = {slug: {v for k, v in projekt[("projekt", slug)][0] if k == "förbund"}
                for slug in ("versaler", "stod-i-avesta", "utan-accenter")}
    assert features["versaler"] == features["stod-i-avesta"] != features["utan-accenter"]


# --------------------------------------------------------------------------
# The accessors are the only source: change one, and every consumer follows


@pytest.fixture
def small_bank(tmp_path):
    return load(make_bank(tmp_path / "bank"))


def test_the_summary_is_read_from_the_model(small_bank, monkeypatch):
    monkeypatch.setattr(Projekt, "summary", property(lambda self: f"Sammanfattat: {self.titel}"))
    d = derive(small_bank)
    shown = {row[0]: row[2] for row in catalogue.build(d)["poster"]}
    records = build_records(small_bank, d)
    projekt, _ = related_items(d)
    pages = {page.src_uri: page for page in Generator(d).pages()}
    for slug, doc in small_bank.projekt.items():
        wanted = f"Sammanfattat: {doc.meta.titel}"
        assert shown[slug] == wanted
        assert records[f"projekt/{slug}"].sammanfattning == wanted
        assert projekt[("projekt", slug)][1].endswith(wanted)
        assert json.dumps(wanted, ensure_ascii=False) in pages[f"projekt/{slug}.md"].content


def test_systemfel_references_are_read_from_the_model(small_bank, monkeypatch):
    monkeypatch.setattr(Projekt, "systemfel_ids", property(lambda self: ["annat-systemfel"]))
    records = build_records(small_bank)
    projekt, _ = related_items(derive(small_bank))
    for slug in small_bank.projekt:
        assert records[f"projekt/{slug}"].facets["systemfel"] == ["annat-systemfel"]
        assert ("systemfel", "annat-systemfel") in projekt[("projekt", slug)][0]


def test_the_highest_grade_is_worked_out_once(small_bank, monkeypatch):
    monkeypatch.setattr(derive_module, "highest_grade", lambda projekt: 3 if projekt else None)
    d = derive(small_bank)
    assert {f.högsta_grad for f in d.metoder.values() if f.projekt} == {3}
    assert {cell.högsta_grad for cell in d.matrix.values() if cell.antal} == {3}
    records = build_records(small_bank, d)
    for slug, facts in d.metoder.items():
        assert records[f"metoder/{slug}"].grad == facts.högsta_grad


def test_search_and_related_read_used_by_from_derived(small_bank):
    d = derive(small_bank)
    facts = d.metoder["samtalsstod"]
    assert facts.projekt and d.used_by("samtalsstod") == facts.projekt
    facts.projekt, facts.högsta_grad, facts.implementeringar = [], 0, []
    facts.förbund, facts.projektens_målgrupp = [], []
    _, metoder = related_items(d)
    assert not [f for f in metoder[("metoder", "samtalsstod")][0] if f[0] in ("projekt", "förbund")]
    record = Corpus(small_bank, d).record("metoder/samtalsstod")
    assert (record.grad, record.förbund, record.förbundsid) == (0, [], [])
    assert "Kommunens arbetsmarknadsenhet" not in record.fakta


def test_search_reads_observed_by_from_derived(small_bank):
    d = derive(small_bank)
    facts = d.systemfel["svarte-petter"]
    assert {p.slug for p in d.observed_by("svarte-petter")} == {"stod-i-avesta", "over-gransen"}
    record = Corpus(small_bank, d).record("systemfel/svarte-petter")
    assert record.förbund == [f.namn for f in facts.förbund]
    assert record.facets["målgrupp"] == facts.målgrupper
    facts.observationer, facts.förbund, facts.målgrupper = [], [], []
    record = Corpus(small_bank, d).record("systemfel/svarte-petter")
    assert (record.förbund, record.facets["målgrupp"]) == ([], [])
    assert "kostnaden hamnade hos kommunen" not in record.fakta


def test_consumers_agree_on_the_example_bank():
    root = Path(__file__).resolve().parents[1]
    bank = load_bank(root, read_settings(root / "mkdocs.yml").vocab)
    d = derive(bank)
    records = build_records(bank, d)
    katalog = catalogue.build(d)
    forbund_facet = [slug for slug, _ in katalog["facetter"]["förbund"]]
    at = katalog["fält"].index("förbund")
    rows = {row[0]: row for row in katalog["poster"]}
    projekt, metoder = related_items(d)
    for slug, doc in bank.projekt.items():
        mine = d.projekt_förbund[slug]
        assert [forbund_facet[i] for i in rows[slug][at]] == [f.slug for f in mine]
        assert records[f"projekt/{slug}"].förbund == [f.namn for f in mine]
        assert records[f"projekt/{slug}"].förbundsid == [forbund_token(f.id) for f in mine]
        assert records[f"projekt/{slug}"].sammanfattning == doc.meta.summary
        assert rows[slug][2] == catalogue._shorten(doc.meta.summary)
    for slug, facts in d.metoder.items():
        assert records[f"metoder/{slug}"].grad == facts.högsta_grad
        assert records[f"metoder/{slug}"].förbund == [f.namn for f in facts.förbund]
        used = {x for kind, x in metoder[("metoder", slug)][0] if kind == "projekt"}
        assert used == {p.slug for p in d.used_by(slug)}
