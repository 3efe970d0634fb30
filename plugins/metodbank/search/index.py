"""Build the search index of a bank, incrementally and atomically.

``build_index(bank, index_dir)`` compares each document's digest (see
:mod:`.documents`) with the one recorded at the last build and touches only
what changed: new documents are added, changed ones replaced, deleted ones
removed; the rest is neither re-read nor re-analysed. The one exception is
compound splitting (:mod:`.analysis`): the lexicon is the whole bank's, so
when it changes, unchanged documents holding a word whose split changed are
re-indexed too (counted as ``resplit``).

The write goes into a new generation directory that replaces the live one
in one atomic step (:mod:`.store`), so a crash never leaves a broken index.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from .. import kinds
from . import store
from .analysis import ANALYSIS_VERSION, Decompounder, lexicon_stems
from .documents import Corpus
from .schema import SCHEMA_VERSION, build_schema, to_fields

FORMAT = f"metodbank-sok/{SCHEMA_VERSION}/{ANALYSIS_VERSION}"

# Documents per writer (and segment) in a large build; see build_index.
BATCH = 2500


def writer_memory_mb(documents: int) -> int:
    """Memory for Whoosh's posting pool when writing ``documents``.

    Whoosh sorts postings in memory up to this limit and beyond it spills
    sorted runs to disk and merges them in pure Python. Measured: at 5,250
    documents 128 MB spilled and took 44 s CPU (397 MB RSS) while 384 MB
    fit and took 30 s (634 MB RSS); at 10,500 documents even 384 MB spilled,
    and took as long as 128 MB (90 s) with 250 MB more RSS. So: enough to
    fit (with a margin) when that stays within 448 MB, else the small pool.
    """
    needed = 32 + documents * 0.075  # MB; 384 MB held 5,250 synthetic projects
    return int(needed) if needed <= 448 else 128

# Test hook: seconds to sleep in the middle of writing, after announcing
# "METODBANK_SOK_SKRIVER" on stderr, so a test can kill the build there.
PAUSE_ENV = "METODBANK_SOK_PAUS"


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    resplit: int = 0  # unchanged documents re-indexed because a compound split changed
    documents: int = 0  # in the index after the build
    seconds: float = 0.0
    written: bool = False  # False when the index was already up to date
    generation: str = ""

    def summary(self) -> str:
        """A Swedish one-liner for the command line."""
        parts = [f"{self.added} nya", f"{self.updated} ändrade", f"{self.removed} borttagna",
                 f"{self.unchanged} oförändrade"]
        if self.resplit:
            parts.append(f"{self.resplit} omdelade sammansättningar")
        return f"sökindex: {self.documents} dokument ({', '.join(parts)}) på {self.seconds:.2f} s"


def build_index(bank, index_dir, *, fingerprint: str | None = None, rebuild: bool = False) -> IndexStats:
    """Bring the index in ``index_dir`` up to date with ``bank``.

    ``fingerprint`` (see :mod:`.fresh`) is recorded so that callers can tell
    cheaply whether the files changed since; ``rebuild`` ignores the old index.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    corpus = Corpus(bank)
    digests = {key: corpus.digest(key) for key in corpus.keys()}
    stats = IndexStats()
    with store.build_lock(index_dir):
        store.collect_garbage(index_dir)
        live = None if rebuild else store.current_generation(index_dir)
        info = store.read_json(live, store.INFO) or {}
        manifest = store.read_json(live, store.MANIFEST) if info.get("format") == FORMAT else None
        if manifest is None:
            live = None
        old_docs: dict = manifest["docs"] if manifest else {}
        old_splits: dict = manifest["splits"] if manifest else {}

        added = sorted(k for k in digests if k not in old_docs)
        removed = sorted(k for k in old_docs if k not in digests)
        updated = sorted(k for k in digests if k in old_docs and old_docs[k][0] != digests[k])
        unchanged = [k for k in digests if k in old_docs and old_docs[k][0] == digests[k]]

        # Stems of every document: re-analysed for new and changed ones only.
        records = {key: corpus.record(key) for key in added + updated}
        doc_stems = {k: old_docs[k][1].split() for k in unchanged}
        for key in added + updated:
            doc_stems[key] = sorted(lexicon_stems(records[key].texts()))
        lexicon = {s for stems in doc_stems.values() for s in stems}
        old_lexicon = {s for _, stems in old_docs.values() for s in stems.split()}
        if lexicon == old_lexicon:
            splits = old_splits
            resplit = []
        else:
            splits = {k: list(v) for k, v in Decompounder(lexicon).splits(sorted(lexicon)).items()}
            changed = {s for s in splits.keys() | old_splits.keys() if splits.get(s) != old_splits.get(s)}
            resplit = sorted(k for k in unchanged if changed.intersection(doc_stems[k]))
            records.update((key, corpus.record(key)) for key in resplit)

        stats.added, stats.updated, stats.removed = len(added), len(updated), len(removed)
        stats.resplit, stats.unchanged = len(resplit), len(unchanged) - len(resplit)
        stats.documents = len(digests)
        vocabularies = {name: dict(terms) for name, terms in bank.vocab.terms.items()}
        new_info = {"format": FORMAT, "fingerprint": fingerprint, "documents": len(digests),
                    "vokabular": vocabularies, "slugs": {kind: sorted(bank.documents(kind)) for kind in kinds.FOLDERS}}

        if live is not None and not (added or updated or removed or resplit):
            if info != new_info:  # e.g. a touched file: only the fingerprint moved
                store.write_json(live, store.INFO, new_info)
            stats.generation = live.name
            stats.seconds = time.perf_counter() - started
            return stats

        gen = store.new_generation(index_dir, copy_from=live)
        try:
            if live is None:
                ix = whoosh_index.create_in(str(gen), build_schema())
            else:
                ix = whoosh_index.open_dir(str(gen))
            keys = added + updated + resplit
            # A large first build is written in batches, each its own segment:
            # a batch fits Whoosh's in-memory sort, where one writer for all
            # of it spilled to disk and merged in pure Python (90 s against
            # ~60 s at 10,500 documents). Merging the segments afterwards
            # would cost the same again, so they stay separate.
            batches = [keys[i:i + BATCH] for i in range(0, len(keys), BATCH)] or [[]]
            for number, batch in enumerate(batches):
                writer = ix.writer(limitmb=writer_memory_mb(len(batch)))
                try:
                    if number == 0:
                        for key in removed:
                            writer.delete_by_term("nyckel", key)
                    for key in batch:
                        delord = " ".join(p for s in doc_stems[key] for p in splits.get(s, ()))
                        fields = to_fields(records[key], delord)
                        if live is None:
                            writer.add_document(**fields)
                        else:
                            writer.update_document(**fields)
                    if number == 0:
                        _pause_for_tests()
                    writer.commit(merge=len(batches) == 1)
                except BaseException:
                    writer.cancel()
                    raise
            ix.close()
            store.write_json(gen, store.MANIFEST, {
                "format": FORMAT,
                # Stems as one string per document: much faster to load than lists.
                "docs": {k: [digests[k], " ".join(doc_stems[k])] for k in digests},
                "splits": splits,
            })
            store.write_json(gen, store.INFO, new_info)
            store.publish(index_dir, gen)
        except BaseException:  # an exception (not a kill): tidy up now rather than next time
            if store.current_generation(index_dir) != gen:
                shutil.rmtree(gen, ignore_errors=True)
            raise
        store.collect_garbage(index_dir)
    stats.written = True
    stats.generation = gen.name
    stats.seconds = time.perf_counter() - started
    return stats


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print("METODBANK_SOK_SKRIVER", file=sys.stderr, flush=True)
        time.sleep(float(seconds))
