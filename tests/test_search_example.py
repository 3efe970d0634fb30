"""Search on the repository's own example bank (projekt/, metoder/, systemfel/).

The expected answers are computed here from the loaded bank, so the tests
hold while the example content grows.
"""

from pathlib import Path

import pytest

from metodbank.bank import load_bank
from metodbank.search import build_index, search
from metodbank.search.analysis import stem, stems
from metodbank.search.documents import build_records
from metodbank.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    bank = load_bank(ROOT, read_settings(ROOT / "mkdocs.yml").vocab)
    if len(bank.projekt) < 5 or len(bank.metoder) < 3:
        pytest.skip("the example bank is not written yet")
    index_dir = tmp_path_factory.mktemp("exempel") / "sok"
    stats = build_index(bank, index_dir)
    assert stats.documents == len(bank.projekt) + len(bank.metoder) + len(bank.systemfel)
    return bank, index_dir


def keys(index_dir, text, **kw):
    return [f"{h.kind}/{h.slug}" for h in search(index_dir, text, limit=500, **kw)]


def test_inflected_form_finds_every_body_that_uses_the_word(example):
    bank, index_dir = example
    for query, word in [("nyanländas", "nyanlända"), ("arbetsträningen", "arbetsträning")]:
        using = {f"{d.kind}/{d.slug}" for kind in ("projekt", "metoder", "systemfel")
                 for d in bank.documents(kind).values() if stem(word) in stems(d.body)}
        if not using:
            pytest.skip(f"no example text uses '{word}'")
        assert using <= set(keys(index_dir, query))


def test_compound_parts_find_the_compound(example):
    bank, index_dir = example
    for part, slug in [("coachning", "studiecoachning"), ("praktik", "utlandspraktik")]:
        if slug not in bank.metoder:
            pytest.skip(f"metoder/{slug}.md is not in the example bank")
        assert f"metoder/{slug}" in keys(index_dir, part)


def test_title_match_ranks_above_any_single_mention(example):
    bank, index_dir = example
    records = build_records(bank)
    checked = 0
    for word in ("praktik", "koordinator", "arbetsträning", "språkstöd", "sekretess"):
        s = stem(word)
        counts = {k: sum(stems(t).count(s) for t in r.texts()) for k, r in records.items()}
        in_title = {k for k, r in records.items() if s in stems(r.titel)}
        once = {k for k, c in counts.items() if c == 1} - in_title
        ranked = keys(index_dir, word)
        for title_key in in_title:
            for single in once:
                assert ranked.index(title_key) < ranked.index(single), (word, title_key, single)
                checked += 1
    if not checked:
        pytest.skip("no title/single-mention pair in the example bank")


def test_the_question_answers_with_exactly_the_matching_projects(example):
    bank, index_dir = example
    filters = {"målgrupp": "unga-vuxna-20-29", "grad": 2}
    matching = {f"projekt/{s}" for s, d in bank.projekt.items()
                if "unga-vuxna-20-29" in d.meta.målgrupp and d.meta.framgång.grad == 2}
    assert set(keys(index_dir, "", filters=filters, typ="projekt")) == matching
    answer = keys(index_dir, "unga psykisk ohälsa", filters=filters, typ="projekt")
    assert answer and set(answer) <= matching


def test_systemfel_field_lists_its_observers(example):
    bank, index_dir = example
    for slug in bank.systemfel:
        observers = {f"projekt/{s}" for s, d in bank.projekt.items()
                     if slug in [o.id for o in d.meta.systemfel or []]
                     or any(slug in (b.systemfel or []) for b in d.meta.framgång.beslut or [])}
        assert set(keys(index_dir, f"systemfel:{slug} typ:projekt")) == observers


def test_incremental_rebuild_of_the_example_bank(example, tmp_path):
    import shutil

    bank, _ = example
    copy = tmp_path / "bank"
    for folder in ("projekt", "metoder", "systemfel"):
        shutil.copytree(ROOT / folder, copy / folder)
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    vocab = read_settings(copy / "mkdocs.yml").vocab
    first = build_index(load_bank(copy, vocab), tmp_path / "sok")
    target = sorted((copy / "projekt").glob("*.md"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\nDeltagarna fick stöd.\n", encoding="utf-8")
    second = build_index(load_bank(copy, vocab), tmp_path / "sok")
    assert (second.added, second.updated, second.removed, second.resplit) == (0, 1, 0, 0)
    assert second.unchanged == first.documents - 1
