"""Building the index: incremental updates, and atomic swaps that survive a kill."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from search_helpers import FILLER, PROJEKT, load, make_bank, write_metod, write_projekt

from metodbank.search import build_index, search
from metodbank.search import store
from metodbank.search.fresh import ensure_index
from metodbank.search.index import PAUSE_ENV

N_DOCS = len(PROJEKT) + 3  # projekt + 2 metoder + 1 systemfel


@pytest.fixture
def bank_root(tmp_path):
    return make_bank(tmp_path / "bank")


def _slugs(index_dir, text, **kw):
    return [h.slug for h in search(index_dir, text, **kw)]


def _tree_digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_first_build_adds_everything_and_second_build_writes_nothing(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    first = build_index(load(bank_root), index_dir)
    assert (first.added, first.updated, first.removed, first.documents, first.written) == (N_DOCS, 0, 0, N_DOCS, True)
    assert first.seconds > 0
    again = build_index(load(bank_root), index_dir)
    assert (again.added, again.updated, again.removed, again.unchanged, again.written) == (0, 0, 0, N_DOCS, False)
    assert again.generation == first.generation


def test_changing_one_file_reanalyses_only_that_file(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    first = build_index(load(bank_root), index_dir)
    old_gen = index_dir / first.generation
    before = _tree_digest(old_gen)
    # New wording, but only words the bank already has: the compound lexicon stays the same.
    spec = dict(PROJEKT["nya-i-sverige"], body=FILLER + "Insatsen riktar sig till nyanlända kvinnor och män. " + FILLER)
    spec["body"] = spec["body"].replace("och män", "och deltagare")
    write_projekt(bank_root, "nya-i-sverige", **spec)

    stats = build_index(load(bank_root), index_dir)
    assert (stats.added, stats.updated, stats.removed, stats.resplit) == (0, 1, 0, 0)
    assert stats.unchanged == N_DOCS - 1
    assert stats.generation != first.generation
    assert _tree_digest(old_gen) == before  # the previous generation was copied, never modified
    assert "nya-i-sverige" in _slugs(index_dir, "nyanlända deltagare")


def test_borrowed_titles_are_part_of_the_digest(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    build_index(load(bank_root), index_dir)
    write_metod(bank_root, "jobbsteg", "Jobbtrappan", målgrupp=["nyanlanda"])  # used by no project
    stats = build_index(load(bank_root), index_dir)
    assert (stats.updated, stats.unchanged) == (1, N_DOCS - 1)
    write_metod(bank_root, "samtalsstod", "Motiverande samtal (MI)")  # used by every project
    stats = build_index(load(bank_root), index_dir)
    assert stats.updated == 1 + len(PROJEKT)
    assert len(_slugs(index_dir, "titel:MI OR etiketter:MI")) == 1 + len(PROJEKT)


def test_removed_and_added_files(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    build_index(load(bank_root), index_dir)
    (bank_root / "projekt" / "lang-rapport.md").unlink()
    stats = build_index(load(bank_root), index_dir)
    # The metod the project used is updated too: it lists its projects' målgrupp,
    # and lang-rapport alone brought "langtidsarbetslosa".
    assert (stats.removed, stats.added, stats.updated) == (1, 0, 1)
    assert "lang-rapport" not in _slugs(index_dir, "arbetsträning")
    assert _slugs(index_dir, "", filters={"målgrupp": "langtidsarbetslosa"}) == []


def test_new_word_resplits_only_documents_holding_the_compound(tmp_path):
    """Without a lone "coachning" or "praktik" in the bank, "studiecoachning" and
    "utlandspraktik" cannot be split; adding the one file that says both words
    re-indexes exactly the two documents holding those compounds."""
    root = make_bank(tmp_path / "bank", skip={"stod-i-avesta"})
    index_dir = tmp_path / "sok"
    build_index(load(root), index_dir)
    assert _slugs(index_dir, "coachning") == _slugs(index_dir, "praktik") == []
    write_projekt(root, "stod-i-avesta", **PROJEKT["stod-i-avesta"])
    stats = build_index(load(root), index_dir)
    # added: the file; updated: its metod and systemfel (they list its förbund
    # and observation); resplit: studier-i-hedemora and over-gransen.
    assert (stats.added, stats.updated, stats.resplit) == (1, 2, 2)
    assert stats.unchanged == N_DOCS - 5
    assert set(_slugs(index_dir, "coachning")) == {"stod-i-avesta", "studier-i-hedemora"}
    assert set(_slugs(index_dir, "praktik")) == {"stod-i-avesta", "over-gransen"}


def test_fingerprint_skips_loading_an_unchanged_bank(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    stats, bank = ensure_index(bank_root, index_dir)
    assert stats.added == N_DOCS and bank is not None
    assert ensure_index(bank_root, index_dir) == (None, None)
    path = bank_root / "projekt" / "over-gransen.md"
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # touched, not changed
    stats, _ = ensure_index(bank_root, index_dir)
    assert (stats.unchanged, stats.written) == (N_DOCS, False)
    assert ensure_index(bank_root, index_dir) == (None, None)


BUILD_SCRIPT = """
import sys
from metodbank.bank import load_bank
from metodbank.search import build_index
build_index(load_bank(sys.argv[1]), sys.argv[2])
"""


def test_killing_the_indexer_mid_write_leaves_the_previous_index_usable(bank_root, tmp_path):
    index_dir = tmp_path / "sok"
    first = build_index(load(bank_root), index_dir)
    assert _slugs(index_dir, "utlandspraktik") == ["over-gransen"]
    # Change every project, then kill the rebuild while it is writing.
    for slug, spec in PROJEKT.items():
        write_projekt(bank_root, slug, **dict(spec, titel=spec["titel"] + " (ny version)", body="Helt omskriven text."))
    env = {**os.environ, PAUSE_ENV: "60"}
    proc = subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(bank_root), str(index_dir)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        while not seen or "METODBANK_SOK_SKRIVER" not in seen[-1]:  # skip any warnings before it
            seen.append(proc.stderr.readline())
            assert seen[-1], "the build ended before it started writing:\n" + "".join(seen)
        leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith("gen-") and p.name != first.generation]
        assert leftovers, "the build should be writing a new generation beside the live one"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    assert store.current_generation(index_dir).name == first.generation
    assert _slugs(index_dir, "utlandspraktik") == ["over-gransen"]  # the old content, searchable
    assert _slugs(index_dir, "omskriven") == []

    stats = build_index(load(bank_root), index_dir)  # the next build recovers and cleans up
    assert stats.updated == len(PROJEKT)
    assert len(_slugs(index_dir, "omskriven")) == len(PROJEKT)
    gens = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))
    assert gens == [first.generation, stats.generation]  # the dead build's directory is gone


def test_writer_memory_fits_mid_size_banks_and_stays_small_beyond():
    from metodbank.search.index import writer_memory_mb

    # 384 MB was measured to hold 5,250 synthetic projects without spilling.
    assert writer_memory_mb(5250) >= 384
    assert writer_memory_mb(50) < 64
    # A bank that would spill anyway gets the small pool (same time, less memory).
    assert writer_memory_mb(10_500) == 128
    assert all(writer_memory_mb(n) <= 448 for n in range(0, 20_000, 250))


def test_a_large_first_build_is_written_in_segments_that_search_as_one(tmp_path, monkeypatch):
    from whoosh import index as whoosh_index

    from metodbank.search import index as index_module
    from metodbank.search import store

    bank = load(make_bank(tmp_path / "bank"))
    documents = len(bank.projekt) + len(bank.metoder) + len(bank.systemfel)
    monkeypatch.setattr(index_module, "BATCH", 3)
    stats = index_module.build_index(bank, tmp_path / "ix")
    assert stats.added == documents
    ix = whoosh_index.open_dir(str(store.current_generation(tmp_path / "ix")))
    segments = ix._segments()
    assert len(segments) == -(-documents // 3) > 1
    with ix.searcher() as searcher:
        assert searcher.doc_count() == documents
        keys = {fields["nyckel"] for fields in searcher.all_stored_fields()}
    assert keys == {f"{kind}/{slug}" for kind in ("projekt", "metoder", "systemfel") for slug in bank.documents(kind)}
    ix.close()
    # An update afterwards replaces the document in whichever segment holds it.
    root = tmp_path / "bank"
    slug = sorted(bank.projekt)[-1]
    path = root / "projekt" / f"{slug}.md"
    path.write_text(path.read_text("utf-8") + "\nTillägg om blåbär.\n", "utf-8")
    again = index_module.build_index(load(root), tmp_path / "ix")
    assert again.updated == 1
    ix = whoosh_index.open_dir(str(store.current_generation(tmp_path / "ix")))
    with ix.searcher() as searcher:
        assert searcher.doc_count() == documents
    ix.close()
