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


class _RecordingPool:
    """A real worker pool that notes what it was handed."""

    def __init__(self, pool):
        self.pool, self.handed = pool, []

    def submit(self, fn, *args):
        self.handed.append(fn.__name__)
        return self.pool.submit(fn, *args)


class _BrokenPool:
    """A pool whose worker died under the task (BrokenProcessPool)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        future = Future()
        future.set_exception(BrokenProcessPool("arbetaren dog"))
        return future


def test_related_lists_computed_in_a_worker_are_the_lists_and_kept(tmp_path, monkeypatch):
    """The build starts "Liknande" in a worker process and goes on
    (RelatedLists.start); the first page that reads a list waits for it.
    The lists are those related() computes here, their digest names their
    inputs (the templates' key takes it instead of the lists), they are kept
    for the next build, and a dead worker means computing them here."""
    from metodbank import worker_pool
    import importlib

    related_module = importlib.import_module("metodbank.search.related")
    monkeypatch.setattr(related_module, "IN_WORKER_FROM", 1)  # the small test bank goes to the worker too
    root = make_bank(tmp_path / "bank")
    _edit(root, "arbetsnara-stod", "Arbetsnära stöd för unga", "Första texten.")
    bank = load(root)
    expected = related(bank)
    keys = sorted(expected)
    cache = tmp_path / "liknande.pickle"

    pool = worker_pool.start([])
    try:
        recording = _RecordingPool(pool)
        lists = related_module.RelatedLists.start(derive(bank), cache_file=cache, pool=recording)
        assert recording.handed == ["compute"] and not cache.exists()  # computing meanwhile
        assert [lists.get(k) for k in keys] == [expected[k] for k in keys]
        assert lists.get(("projekt", "saknas"), []) == []
        assert cache.exists()

        again = related_module.RelatedLists.start(derive(bank), cache_file=cache, pool=recording)
        assert recording.handed == ["compute"], "kept lists are read, not computed again"
        assert again.digest == lists.digest and [again.get(k) for k in keys] == [expected[k] for k in keys]
    finally:
        pool.shutdown()

    broken = related_module.RelatedLists.start(derive(bank), pool=_BrokenPool())
    assert broken.digest == lists.digest and [broken.get(k) for k in keys] == [expected[k] for k in keys]

    _edit(root, "arbetsnara-stod", "Arbetsträning: träning i arbete", "Första texten.")
    retitled = related_module.RelatedLists.start(derive(load(root)))
    assert retitled.digest != lists.digest  # a title is an input: the templates' key moves with it
