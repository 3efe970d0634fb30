"""Bank-wide results reused when exactly their inputs come back (issue 6):
"Liknande projekt" and the compound parts survive an edit to a body text,
and are recomputed, equal to a fresh computation, when a title changes."""

from __future__ import annotations

import pickle

from search_helpers import load, make_bank, write_projekt

from metodbank.derive import derive
from metodbank.memo import memoised
from metodbank.search import related
from metodbank.site.compounds import compound_terms


def test_memoised_reuses_only_for_equal_inputs(tmp_path):
    path = tmp_path / "memo.pickle"
    calls = []

    def compute(value):
        def run():
            calls.append(value)
            return value
        return run

    assert memoised(path, {"a": [1, 2]}, compute("first")) == ("first", False)
    assert memoised(path, {"a": [1, 2]}, compute("second")) == ("first", True)
    assert memoised(path, {"a": [1, 3]}, compute("third")) == ("third", False)
    path.write_bytes(b"not a pickle")  # a broken file is recomputed, never an error
    assert memoised(path, {"a": [1, 3]}, compute("fourth")) == ("fourth", False)
    assert memoised(None, {"a": [1, 3]}, compute("fifth")) == ("fifth", False)
    assert calls == ["first", "third", "fourth", "fifth"]
    assert pickle.loads(path.read_bytes())["value"] == "fourth"


def _edit(root, slug, title, body):
    write_projekt(root, slug, title, body, metoder=["samtalsstod"], målgrupp=["unga-vuxna-20-29"])


def test_related_and_compounds_follow_their_inputs(tmp_path):
    root = make_bank(tmp_path / "bank")
    cache = tmp_path / "cache"
    _edit(root, "arbetsnara-stod", "Arbetsnära stöd för unga", "Första texten.")

    def run():
        bank = load(root)
        liknande = related(bank, cache_file=cache / "liknande.pickle")
        delar = compound_terms(derive(bank), cache_file=cache / "delar.pickle")
        return bank, liknande, delar

    bank, first, parts = run()
    assert first == related(bank) and parts == compound_terms(derive(bank))
    stamp = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}

    _edit(root, "arbetsnara-stod", "Arbetsnära stöd för unga", "En helt annan brödtext om studiecoachning.")
    bank, again, parts_again = run()
    assert again == first and parts_again == parts
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamp  # reused, not rewritten

    _edit(root, "arbetsnara-stod", "Arbetsträning: träning i arbete", "Samma brödtext.")
    bank, changed, parts_changed = run()
    assert changed == related(bank) and parts_changed == compound_terms(derive(bank))
    assert parts_changed != parts  # the new title brings new compounds
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} != stamp
