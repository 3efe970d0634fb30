"""The Swedish analyzer and the compound splitter, without an index."""

from metodbank.search.analysis import Decompounder, delord_analyzer, lexicon_stems, stem, stems


def test_inflected_forms_share_a_stem():
    assert stem("nyanländas") == stem("nyanlända") == stem("nyanländ")
    assert stem("arbetsträningen") == stem("arbetsträning")
    assert stem("praktiken") == stem("praktik")


def test_stop_words_and_hyphens():
    assert stems("för unga och med vuxna") == [stem("unga"), stem("vuxna")]
    assert stems("unga-vuxna 16–19") == [stem("unga"), stem("vuxna"), "16", "19"]


def test_lexicon_keeps_words_of_four_letters_or_more():
    assert lexicon_stems(["Studiecoachning och praktik i 12 veckor"]) == {"studiecoachning", "praktik", "veck"}


LEXICON = {"studi", "coachning", "praktik", "arbet", "träning", "arbetsträning", "insats", "ersätt", "skol", "bron"}


def test_compound_splits_into_known_stems_with_linking_morpheme():
    split = Decompounder(LEXICON).split
    assert split("studiecoachning") == ("studi", "coachning")  # linking -e-
    assert split("skolbron") == ("skol", "bron")  # no linking morpheme
    assert set(split("arbetsträningsinsats")) == {"arbetsträning", "arbet", "träning", "insats"}  # -s-, recursive


def test_unknown_modifier_keeps_only_the_known_head():
    assert Decompounder(LEXICON).split("utlandspraktik") == ("praktik",)


def test_no_split_without_known_parts():
    split = Decompounder(LEXICON).split
    assert split("ersättning") == ()  # "ning" is no word of the bank
    assert split("coachning") == ()  # a lexicon word is not split into itself
    assert split("praktik") == ()  # too short to be a compound
    assert split("2019") == ()


def test_delord_field_stems_queries_but_not_indexed_parts():
    analyzer = delord_analyzer()
    # "ohäls" is already a stem; stemming it again would give "ohäl".
    assert [t.text for t in analyzer("ohäls", mode="index")] == ["ohäls"]
    assert [t.text for t in analyzer("coachningen", mode="query")] == ["coachning"]


def test_fast_stems_equal_the_whoosh_analyzer():
    from pathlib import Path

    from metodbank.search.analysis import swedish_analyzer

    analyzer = swedish_analyzer()
    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*.md"))[:40]]
    texts.append("Unga-vuxna 16–19 år, IPS/SE och e.g. 3.5 % — Ökad SAMVERKAN: både_och ÅÄÖ.")
    for text in texts:
        assert stems(text) == [t.text for t in analyzer(text, mode="index")]
