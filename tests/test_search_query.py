"""Searching the small synthetic bank: stemming, compounds, ranking, facets, errors."""

import pytest
from search_helpers import PROJEKT, load, make_bank

from metodbank.search import SearchError, build_index, search


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("sok")
    build_index(load(make_bank(base / "bank")), base / "sok")
    return base / "sok"


def slugs(index_dir, text, **kw):
    return [h.slug for h in search(index_dir, text, **kw)]


def test_inflected_forms_match(index_dir):
    # The metod jobbsteg is for målgrupp "Nyanlända": the label is searchable too.
    assert slugs(index_dir, "nyanländas") == ["nya-i-sverige", "jobbsteg"]
    assert set(slugs(index_dir, "arbetsträningen")) == {"arbetstraning-unga", "lang-rapport"}


def test_compound_found_by_its_part_and_exact_match_ranks_first(index_dir):
    assert slugs(index_dir, "coachning") == ["stod-i-avesta", "studier-i-hedemora"]
    assert slugs(index_dir, "praktik") == ["stod-i-avesta", "over-gransen"]
    # The whole compound finds only the compound.
    assert slugs(index_dir, "studiecoachning") == ["studier-i-hedemora"]


def test_snippet_highlights_exact_and_compound_matches(index_dir):
    hits = {h.slug: h for h in search(index_dir, "coachningen")}
    assert "«coachning»" in hits["stod-i-avesta"].snippet()
    assert "«studiecoachning»" in hits["studier-i-hedemora"].snippet()
    assert hits["studier-i-hedemora"].snippet("<mark>", "</mark>").count("<mark>") == 1


def test_title_match_ranks_above_a_single_body_mention(index_dir):
    hits = search(index_dir, "arbetsträning")
    assert [h.slug for h in hits] == ["arbetstraning-unga", "lang-rapport"]
    assert hits[0].score > hits[1].score


def test_all_words_are_required_and_any_word_is_the_fallback(index_dir):
    assert slugs(index_dir, "coachning praktik") == ["stod-i-avesta"]
    hits = search(index_dir, "studiecoachning utlandspraktik")
    assert hits.any_word and {h.slug for h in hits} == {"studier-i-hedemora", "over-gransen"}


def test_query_operators(index_dir):
    assert slugs(index_dir, "praktik -coachning") == ["over-gransen"]
    assert slugs(index_dir, "praktik INTE coachning") == ["over-gransen"]
    assert set(slugs(index_dir, "nyanlända ELLER utlandspraktik", typ="projekt")) == {"nya-i-sverige", "over-gransen"}
    assert slugs(index_dir, '"nyanlända kvinnor"') == ["nya-i-sverige"]
    assert slugs(index_dir, "utlands*") == ["over-gransen"]


def expected(**want):
    """Project slugs whose definition in search_helpers matches ``want``."""
    out = set()
    for slug, spec in PROJEKT.items():
        values = {"grad": spec.get("grad", 1), "målgrupp": spec.get("målgrupp", []), "förbund": spec.get("förbund"),
                  "status": spec.get("status", "avslutat"), "startår": int(spec.get("start", "2019")[:4])}
        if all((v in values[k]) if isinstance(values[k], list) else values[k] == v for k, v in want.items()):
            out.add(slug)
    return out


@pytest.mark.parametrize("filters, want", [
    ({"målgrupp": "unga-vuxna-20-29"}, dict(målgrupp="unga-vuxna-20-29")),
    ({"målgrupp": "unga-vuxna-20-29", "grad": 2}, dict(målgrupp="unga-vuxna-20-29", grad=2)),
    ({"grad": "3"}, dict(grad=3)),
    ({"status": "pagaende"}, dict(status="pågående")),
    ({"startår": 2019}, dict(startår=2019)),
    ({"förbund": "Södra Dalarna"}, dict(förbund="Samordningsförbundet Södra Dalarna")),
    ({"förbund": "finsam västra skaraborg"}, dict(förbund="Finsam Västra Skaraborg")),
])
def test_facet_filters_match_exactly_the_expected_projects(index_dir, filters, want):
    assert set(slugs(index_dir, "", filters=filters, typ="projekt")) == expected(**want)


def test_filters_combine_with_text_and_other_types(index_dir):
    assert slugs(index_dir, "coachning", filters={"grad": [2, 3], "målgrupp": "unga-vuxna-20-29"}) == [
        "stod-i-avesta", "studier-i-hedemora"]
    # A metod's facets include its projects': samtalsstod reached degree 3, so it comes first.
    assert slugs(index_dir, "", filters={"målgrupp": "nyanlanda"}, typ="metod") == ["samtalsstod", "jobbsteg"]
    assert slugs(index_dir, "", typ="systemfel") == ["svarte-petter"]


def test_fielded_query_syntax(index_dir):
    observed = {"stod-i-avesta", "over-gransen"}
    # Without words to rank by, the systemfel itself comes first, then by degree.
    assert slugs(index_dir, "systemfel:svarte-petter") == ["svarte-petter", "over-gransen", "stod-i-avesta"]
    assert set(slugs(index_dir, "systemfel:svarte-petter typ:projekt")) == observed
    assert set(slugs(index_dir, "målgrupp:unga-16-19 typ:projekt")) == {"over-gransen"}
    # The metod and the systemfel of that project inherit its målgrupp.
    assert set(slugs(index_dir, "målgrupp:unga-16-19")) == {"over-gransen", "samtalsstod", "svarte-petter"}
    assert set(slugs(index_dir, "grad:2 typ:projekt")) == expected(grad=2)
    assert set(slugs(index_dir, "startår:[2018 TO 2019] typ:projekt")) == {
        s for s in PROJEKT if 2018 <= int(PROJEKT[s].get("start", "2019")[:4]) <= 2019}
    assert slugs(index_dir, "titel:gränsen") == ["over-gransen"]
    # Also the metod they used and the systemfel they observed.
    assert set(slugs(index_dir, "förbund:umea")) == {"nya-i-sverige", "over-gransen", "samtalsstod", "svarte-petter"}


@pytest.mark.parametrize("text, message", [
    ('"psykisk ohälsa', "citattecken"),
    ("(unga OR vuxna", "parentes"),
    ("malgrup:unga", "'malgrup:' är inget sökfält — menade du 'malgrupp'"),
    ("titel:", "saknar ett värde"),
    ("målgrupp:unga-vuxna", "menade du 'unga-vuxna-20-29'"),
    ("och för med", "inga sökbara ord"),
    ("praktik AND", "båda sidor"),
    ("", "skriv ett eller flera sökord"),
])
def test_bad_query_raises_a_swedish_message(index_dir, text, message):
    with pytest.raises(SearchError) as caught:
        search(index_dir, text)
    assert message in str(caught.value)


@pytest.mark.parametrize("kw, message", [
    (dict(filters={"grad": 5}), "grad måste vara 0, 1, 2 eller 3"),
    (dict(filters={"målgrupp": "unga"}), "inget giltigt värde för målgrupp"),
    (dict(filters={"malgrup": "unga-16-19"}), "inget filter"),
    (dict(typ="projekten"), "menade du 'projekt'"),
    (dict(filters={"startår": "19"}), "fyra siffror"),
    (dict(limit=0), "minst 1"),
])
def test_bad_filters_raise_a_swedish_message(index_dir, kw, message):
    with pytest.raises(SearchError) as caught:
        search(index_dir, "praktik", **kw)
    assert message in str(caught.value)


def test_missing_index_is_a_search_error(tmp_path):
    with pytest.raises(SearchError, match="inget sökindex"):
        search(tmp_path / "finns-inte", "praktik")


def test_json_shape(index_dir):
    hit = search(index_dir, "utlandspraktik")[0].to_json()
    assert hit["typ"] == "projekt" and hit["url"] == "projekt/over-gransen/"
    assert hit["sökväg"] == "projekt/over-gransen.md" and hit["grad"] == 3
    assert "«utlandspraktik»" in hit["utdrag"]


def test_damaged_index_is_a_search_error_not_a_traceback(tmp_path):
    from metodbank.search import store

    build_index(load(make_bank(tmp_path / "bank")), tmp_path / "sok")
    gen = store.current_generation(tmp_path / "sok")
    for toc in gen.glob("*.toc"):
        toc.write_bytes(b"broken")
    with pytest.raises(SearchError, match="kan inte läsas"):
        search(tmp_path / "sok", "praktik")
