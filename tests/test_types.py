"""Grades, kinds, statuses and field bounds as first-class types, each
defined once (issue 12, item 3).

``metodbank.kinds.Grad`` holds the degrees of success with their labels and
meanings; ``metodbank.kinds.Kind`` the three kinds of file; the statuses are
``metodbank.vokabular.STATUS_*``; the field bounds and the slug rule are the
model's. Everything else reads them: the pages (checked here against the
raw YAML of every project), the catalogue, the Pagefind filters, the JSON
Schema and, through the schema and the page, the browser form.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from metodbank import bank, kinds, model, schema, vokabular as v
from metodbank.frontmatter import split
from metodbank.kinds import Grad
from metodbank.search.documents import TYP
from metodbank.search.query import TYPER
from metodbank.site.pagefind import filters
from repo_helpers import REPO
from site_helpers import parse_html

PACKAGE = REPO / "plugins" / "metodbank"
TEMPLATES = PACKAGE / "templates" / "site"
ASSETS = PACKAGE / "assets"


def _projects() -> dict[str, dict]:
    """The example bank's projects, as ``yaml.safe_load`` reads their front-matter."""
    return {path.stem: yaml.safe_load(split(path.read_text("utf-8"))[0])
            for path in sorted((REPO / "projekt").glob("*.md"))}


def _committed_schema() -> dict:
    return json.loads((REPO / "schema" / kinds.PROJEKT.schema_file).read_text("utf-8"))


def _property(node: dict, defs: dict) -> dict:
    return defs[node["$ref"].split("/")[-1]] if "$ref" in node else node


def _text_option(node: dict) -> dict:
    """The string part of an optional field, or the item of a list of texts."""
    node = next((o for o in node.get("anyOf", [node]) if o.get("type") in ("string", "array")), node)
    return node.get("items", node)


# --------------------------------------------------------------------------
# The types themselves


def test_grad_is_zero_to_three_with_a_label_meaning_and_filter_label_each():
    assert [int(g) for g in Grad] == [0, 1, 2, 3]
    assert len({g.label for g in Grad}) == len({g.meaning for g in Grad}) == 4
    assert Grad(2).label == "Andra graden" and Grad(2).filter_label == "2 – Andra graden"
    assert Grad.highest_first() == (Grad.TREDJE, Grad.ANDRA, Grad.FÖRSTA, Grad.INGEN)
    # The view kept for the terminal search is derived, not a second list.
    assert v.GRAD_LABELS == {g: g.label for g in Grad}


def test_one_kind_registry_feeds_folders_models_schemas_urls_and_types():
    assert kinds.FOLDERS == ("projekt", "metoder", "systemfel")
    assert bank.FOLDERS == kinds.FOLDERS
    assert list(model.KINDS) == list(kinds.FOLDERS)
    assert {kind: model.MODELS[kind] for kind in kinds.ALL} == {
        kinds.PROJEKT: model.Projekt, kinds.METOD: model.Metod, kinds.SYSTEMFEL: model.Systemfel}
    assert schema.FILE_NAMES == {k.folder: f"{k.folder}.schema.json" for k in kinds.ALL}
    assert {k.folder: k.singular for k in kinds.ALL} == TYP == {"projekt": "projekt", "metoder": "metod",
                                                                 "systemfel": "systemfel"}
    assert set(TYPER) == {"projekt", "metod", "metoder", "systemfel"}
    assert [filters.of_kind(k.folder) for k in kinds.ALL] == [{"Typ": ["Projekt"]}, {"Typ": ["Metod"]},
                                                             {"Typ": ["Systemfel"]}]
    assert [k.definite for k in kinds.ALL] == ["projektet", "metoden", "systemfelet"]
    assert kinds.METOD.url("studiecoachning") == "metoder/studiecoachning/"


def test_statuses_are_one_tuple_and_its_named_parts():
    assert v.STATUS_PROJEKT == (v.PLANERAT, v.PÅGÅENDE, v.AVSLUTAT, v.AVBRUTET)
    assert v.STATUS_STARTADE == (v.PÅGÅENDE, v.AVSLUTAT, v.AVBRUTET)
    assert v.STATUS_AVSLUTADE == (v.AVSLUTAT, v.AVBRUTET)
    assert v.eller(v.STATUS_AVSLUTADE) == "avslutat eller avbrutet"
    assert v.eller(v.STATUS_PROJEKT) == "planerat, pågående, avslutat eller avbrutet"


@pytest.mark.parametrize("length", [2, 3, 80, 81])
def test_the_slug_pattern_and_its_wording_agree(length):
    slug = "a" * length
    assert bool(model._SLUG.match(slug)) == (model.SLUG_MIN <= length <= model.SLUG_MAX)
    assert f"{model.SLUG_MIN}–{model.SLUG_MAX} tecken" in model.SLUG_RULE
    assert model.SLUG_RULE == "3–80 tecken, bara a–z, 0–9 och bindestreck"


# --------------------------------------------------------------------------
# The built pages say what Grad says, for every project


def test_every_project_page_shows_its_grade_as_grad_labels_it(built_site):
    projects = _projects()
    assert projects
    index_rows = {}
    for row in parse_html(built_site / "projekt" / "index.html").find_all("tr"):
        link = row.find("a")
        if link is not None and row.find(cls="mb-grad") is not None:
            index_rows[link.attrs["href"].strip("/").split("/")[-1]] = row
    for slug, meta in projects.items():
        grad = Grad(meta["framgång"]["grad"])
        page = parse_html(built_site / "projekt" / slug / "index.html")
        badge = page.find("p", cls="mb-framgang-rubrik").find("span", cls="mb-grad")
        assert f"mb-grad-{grad.value}" in badge.classes, slug
        assert badge.find(cls="mb-grad-tal").text() == str(grad.value)
        assert badge.text() == f"{grad.value} {grad.label}", slug
        assert badge.attrs["title"] == grad.meaning
        assert page.find(cls="mb-grad-betydelse").text() == grad.meaning
        # Its search filter, and its row in the project listing.
        assert f"Grad:{grad.filter_label}" in [n.attrs["data-pagefind-filter"]
                                                 for n in page.find_all() if "data-pagefind-filter" in n.attrs]
        assert index_rows[slug].find(cls="mb-grad").text() == f"{grad.value} {grad.label}", slug


def test_the_pyramid_and_the_catalogue_use_grads_labels(built_site):
    projects = _projects()
    counts = {g: sum(1 for m in projects.values() if m["framgång"]["grad"] == g) for g in Grad}
    page = parse_html(built_site / "framgang" / "index.html")
    table = page.find("table", cls="mb-tabell")
    rows = [(r.find("th").text(), r.find_all("td")[0].text(), r.find_all("td")[1].text())
            for r in table.find("tbody").find_all("tr")]
    assert rows == [(g.label, g.meaning, str(counts[g])) for g in Grad.highest_first()]
    bars = [g for g in page.find("svg", cls="mb-pyramid").find_all("g")]
    assert [b.classes for b in bars] == [[f"mb-grad-{g.value}"] for g in Grad.highest_first()]
    assert [b.find("text").text() for b in bars] == [f"{g.label}: {counts[g]} projekt" for g in Grad.highest_first()]

    catalogue = json.loads((built_site / "data" / "katalog.json").read_text("utf-8"))
    assert catalogue["facetter"]["grad"] == [[str(g.value), g.filter_label] for g in Grad]
    assert catalogue["facetter"]["status"] == [[s, s] for s in v.STATUS_PROJEKT]
    grad_column = catalogue["fält"].index("grad")
    shown = {post[0]: catalogue["facetter"]["grad"][post[grad_column][0]][1] for post in catalogue["poster"]}
    assert shown == {slug: Grad(m["framgång"]["grad"]).filter_label for slug, m in projects.items()}


# --------------------------------------------------------------------------
# The JSON Schema carries what the form reads; the form page states it


def test_the_json_schema_carries_the_labels_statuses_and_bounds_the_form_reads():
    loaded = _committed_schema()
    defs, props = loaded["$defs"], loaded["properties"]
    grad = _property(props["framgång"], defs)["properties"]["grad"]
    assert grad["enum"] == [g.value for g in Grad]
    assert grad["x-etiketter"] == {str(g.value): g.label for g in Grad}
    assert grad["x-betydelser"] == {str(g.value): g.meaning for g in Grad}
    assert props["status"]["enum"] == list(v.STATUS_PROJEKT)
    # Which statuses make a field required (formular.js: requiredNow).
    required = {
        "period.slut": _property(props["period"], defs)["properties"]["slut"],
        "resultat": props["resultat"], "lärdomar": props["lärdomar"], "avbrottsorsak": props["avbrottsorsak"],
    }
    assert {name: node["x-krävs-vid-status"] for name, node in required.items()} == {
        "period.slut": list(v.STATUS_AVSLUTADE), "resultat": list(v.STATUS_STARTADE),
        "lärdomar": list(v.STATUS_AVSLUTADE), "avbrottsorsak": [v.AVBRUTET]}
    # The file name's rule (formular.js: the slug pattern; the page: its length).
    slug = props["metoder"]["items"]
    assert (slug["pattern"], slug["minLength"], slug["maxLength"]) == (model.SLUG_PATTERN, model.SLUG_MIN,
                                                                        model.SLUG_MAX)
    # The years a date may name (formular.js: parseDate).
    start = _property(props["period"], defs)["properties"]["start"]
    years = next(o for o in start["anyOf"] if o["type"] == "integer")
    assert (years["minimum"], years["maximum"]) == (1900, 2100)
    # The bound formular.js words in its own message.
    assert _text_option(props["avbrottsorsak"])["minLength"] == 20


def test_formular_js_reads_the_schema_and_the_page_instead_of_repeating_them():
    script = (ASSETS / "formular.js").read_text("utf-8")
    for key in ('"x-krävs-vid-status"', '"data-max-tecken"', '"[data-visa-status]"', '"[data-visa-grad]"'):
        assert key in script


def test_the_form_page_states_the_schemas_labels_and_bounds(built_site):
    loaded = _committed_schema()
    defs, props = loaded["$defs"], loaded["properties"]
    framgang = _property(props["framgång"], defs)
    page = parse_html(built_site / "lamna-in" / "index.html")
    choices = [label.text() for label in page.find("fieldset", id="f-framgang-grad").find_all("label")]
    assert choices == [f"{g.filter_label}. {g.meaning}" for g in Grad]
    shown_from = [n.attrs["data-visa-grad"] for n in page.find_all() if "data-visa-grad" in n.attrs]
    assert shown_from == [str(Grad.ANDRA.value), str(Grad.TREDJE.value)]
    slug_input = page.find("input", id="f-slug")
    assert slug_input.attrs["data-max-tecken"] == str(model.SLUG_MAX)
    assert f"{model.SLUG_MIN}–{model.SLUG_MAX} tecken" in slug_input.attrs["data-formatfel"]
    shown_for = [json.loads(n.attrs["data-visa-status"]) for n in page.find_all() if "data-visa-status" in n.attrs]
    assert shown_for == [[v.AVBRUTET]]

    def bounds(node):
        text = _text_option(node)
        return f"{text['minLength']}–{text['maxLength']} tecken"

    hints = {
        "titel": props["titel"],
        "resultat-sammanfattning": defs["Resultat"]["properties"]["sammanfattning"],
        "framgang-motivering": framgang["properties"]["motivering"],
        "impl-beskrivning": defs["Implementering"]["properties"]["beskrivning"],
        "beslut-beslut": defs["Beslut"]["properties"]["beslut"],
        "lardomar": props["lärdomar"],
        "avbrottsorsak": props["avbrottsorsak"],
        "slug": props["metoder"]["items"],
    }
    for field_id, node in hints.items():
        assert bounds(node) in page.find(id=f"tips-f-{field_id}").text(), field_id
    assert page.find(id="tips-f-status").text().startswith(v.eller(v.STATUS_PROJEKT).capitalize() + ".")
    assert f"Krävs när projektet är {v.eller(v.STATUS_AVSLUTADE)}." in page.find(id="tips-f-period-slut").text()


# --------------------------------------------------------------------------
# Nothing repeats them (grep-style)

_GRADE_LITERALS = re.compile(r"\d\s*-\s*loop\.|\[\s*0,\s*1,\s*2,\s*3\s*\]|\[\s*3,\s*2,\s*1,\s*0\s*\]|GRAD_LABELS|GRAD_MEANING")


@pytest.mark.parametrize("path", sorted(p.name for p in TEMPLATES.glob("*.j2")))
def test_no_template_spells_out_the_grades_or_statuses(path):
    text = re.sub(r"\{#.*?#\}", "", (TEMPLATES / path).read_text("utf-8"), flags=re.S)  # comments may give examples
    assert not _GRADE_LITERALS.search(text), f"{path}: {_GRADE_LITERALS.search(text).group(0)}"
    for grad in Grad:
        assert grad.label not in text and grad.meaning not in text, f"{path}: '{grad.label}'"
    for status in v.STATUS_PROJEKT + v.STATUS_SYSTEMFEL:
        assert f'"{status}"' not in text, f"{path}: \"{status}\""
    assert not re.search(r"\d+–\d+ tecken", text), f"{path}: a length limit written out"


@pytest.mark.parametrize("path", sorted(p.name for p in ASSETS.glob("*.js")))
def test_no_script_spells_out_the_grade_labels_statuses_or_bounds(path):
    text = (ASSETS / path).read_text("utf-8")
    for grad in Grad:
        assert grad.label not in text and grad.meaning not in text, f"{path}: '{grad.label}'"
    for status in v.STATUS_PROJEKT + v.STATUS_SYSTEMFEL:
        assert f'"{status}"' not in text, f"{path}: \"{status}\""
    assert not re.search(r"\b(1900|2100)\b|slice\(0, 80\)", text), path


def test_grade_labels_are_written_once_in_python():
    holders = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                     if any(g.label in p.read_text("utf-8") for g in Grad))
    assert holders == ["kinds.py"]
