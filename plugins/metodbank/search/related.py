""""Liknande projekt": the most related items for every projekt and metod page.

Computed once for the whole bank, not by a search per page. Each item is a
weighted feature vector, and relatedness is the cosine of two vectors:

- a projekt: its metoder and systemfel (weight 3), målgrupp (1.5), förbund
  (1), parter and kommuner (0.5), and its ten strongest key terms
  (TF-IDF over title and summary, weight 2);
- a metod: the projects that used it (3: methods used together), its
  målgrupp and that of its projects (1.5), the förbund and systemfel of its
  projects (1), and its key terms (2).

Every weight is multiplied by the feature's IDF, so what everybody shares
(the part "kommun") counts little and what few share counts much.
Projekt are compared with projekt, metoder with metoder.

Scaling: candidates are found through an inverted index (feature → items),
never by comparing all pairs: for each item its ``SEEDS`` weightiest
features are walked, at most ``CAP`` items from each feature's list — those
for which the feature weighs most (impact order). The work per item is thus
bounded and the whole is linear in the number of items. Features held by a
quarter of all items find no candidates (their IDF is small). Every
feature counts in the exact cosine computed for each item's shortlist. In a
bank where no feature is held by more than ``CAP`` items and no item has
more than ``SEEDS`` features in common with another, the result is exact;
beyond, a pair sharing only its lightest features may be missed. Ties are broken by slug, so the output is deterministic.

The features are read from :class:`~metodbank.derive.Derived` (a metod's
projects, each project's förbund identities) and the model's accessors
(``Projekt.summary``, ``Projekt.systemfel_ids``), never worked out here.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from concurrent.futures.process import BrokenProcessPool

from ..memo import MISSING, digest_of as memo_digest, memoised, store, stored
from .analysis import MIN_PART, stems

Key = tuple[str, str]  # (kind, slug), kind being the folder name

PROJEKT_WEIGHTS = {"metod": 3.0, "systemfel": 3.0, "målgrupp": 1.5, "förbund": 1.0, "part": 0.5,
                   "kommun": 0.5, "term": 2.0}
METOD_WEIGHTS = {"projekt": 3.0, "målgrupp": 1.5, "förbund": 1.0, "systemfel": 1.0, "term": 2.0}
KEY_TERMS = 10
CAP = 100  # postings walked per feature when looking for candidates
SEEDS = 8  # an item's weightiest features that are walked to find candidates


# Bump when the computation changes: results stored by memo.memoised are then recomputed.
RELATED_VERSION = 1


# From this many items on, RelatedLists.start hands the work to a worker process.
IN_WORKER_FROM = 400


def related(source, limit: int = 5, cache_file=None) -> dict[Key, list[tuple[str, str, float]]]:
    """For every projekt and metod: up to ``limit`` (kind, slug, score), best first.

    ``source`` is the bank's :class:`~metodbank.derive.Derived`, or the bank
    itself (then derived here, by the same function the build calls).
    With ``cache_file`` the last result is reused when the features and key
    texts of every item are unchanged (an edit to a body text leaves them so).
    """
    projekt, metoder = _items(_derived(source))
    return memoised(cache_file, _inputs(projekt, metoder, limit), lambda: compute(projekt, metoder, limit))[0]


def _inputs(projekt: dict, metoder: dict, limit: int) -> list:
    """Everything the lists are computed from: what the memo keys them by."""
    return [RELATED_VERSION, limit, KEY_TERMS, CAP, SEEDS, PROJEKT_WEIGHTS, METOD_WEIGHTS,
            [[list(k), v[0], v[1]] for k, v in projekt.items()], [[list(k), v[0], v[1]] for k, v in metoder.items()]]


def compute(projekt: dict, metoder: dict, limit: int) -> dict[Key, list[tuple[str, str, float]]]:
    """The lists from the items' features and key texts (see _items); runs in a worker too."""
    out = _related_within(projekt, PROJEKT_WEIGHTS, limit)
    out.update(_related_within(metoder, METOD_WEIGHTS, limit))
    return out


class RelatedLists:
    """The lists as the site build reads them: :meth:`get` per item, and
    :attr:`digest`, the digest of their inputs.

    The lists are a pure function of those inputs, so whatever depends on
    the lists (the templates' key) may take the digest instead, and the
    lists themselves can be computed meanwhile: in a worker process, while
    the build goes on with what needs no list (1.6 s of the build's own
    process at 5,000 projects, on a core that was idle then). The first
    :meth:`get` waits for them."""

    def __init__(self, digest: str, value: dict | None = None, later=None):
        self.digest = digest
        self._value = value
        self._later = later  # () -> the lists, when they are not known yet

    @classmethod
    def of(cls, value: dict) -> "RelatedLists":
        """Lists already known (a test, a generator without a bank-wide build)."""
        return cls(memo_digest([[list(k), v] for k, v in sorted(value.items())]), value)

    @classmethod
    def start(cls, source, limit: int = 5, cache_file=None, pool=None) -> "RelatedLists":
        """The lists of ``source`` (see :func:`related`): from ``cache_file``
        when their inputs are unchanged, else computed in ``pool`` (a
        :mod:`concurrent.futures` executor) when the bank is large enough to
        be worth a process's hand-over, else here on the first :meth:`get`."""
        projekt, metoder = _items(_derived(source))
        digest = memo_digest(_inputs(projekt, metoder, limit))
        kept = stored(cache_file, digest)
        if kept is not MISSING:
            return cls(digest, kept)
        here = functools.partial(compute, projekt, metoder, limit)
        future = None
        if pool is not None and len(projekt) + len(metoder) >= IN_WORKER_FROM:
            try:
                future = pool.submit(compute, projekt, metoder, limit)
            except Exception:  # noqa: BLE001 - a pool that cannot take it: computed here
                future = None

        def later() -> dict:
            value = None
            if future is not None:
                try:
                    value = future.result()
                except BrokenProcessPool:
                    value = None  # the worker died: computed here
            if value is None:
                value = here()
            store(cache_file, digest, value)
            return value

        return cls(digest, later=later)

    def get(self, key: Key, default=None):
        if self._value is None:
            later, self._later = self._later, None
            self._value = later()
        return self._value.get(key, default)


def _derived(source):
    """``source`` as a :class:`~metodbank.derive.Derived`."""
    # Imported here, not at the top: the search package is imported by
    # `metodbank sök`, which should not load the content model for a query.
    from ..derive import Derived, derive

    return source if isinstance(source, Derived) else derive(source)


def _items(d) -> tuple[dict, dict]:
    """Each projekt's and metod's features and key text: all related() reads."""
    bank = d.bank
    projekt = {}
    for slug, doc in sorted(bank.projekt.items()):
        m = doc.meta
        features = [("metod", x) for x in m.metoder] + [("systemfel", x) for x in m.systemfel_ids]
        features += [("målgrupp", x) for x in m.målgrupp] + [("part", x) for x in m.parter]
        features += [("förbund", f.id) for f in d.projekt_förbund[slug]]
        features += [("kommun", x.casefold()) for x in m.kommuner or []]
        projekt[("projekt", slug)] = (features, f"{m.titel}\n{m.summary}")

    metoder = {}
    for slug, doc in sorted(bank.metoder.items()):
        m = doc.meta
        projects = sorted(d.used_by(slug), key=lambda p: p.slug)
        features = [("projekt", p.slug) for p in projects] + [("målgrupp", x) for x in m.målgrupp or []]
        for p in projects:
            features += [("målgrupp", x) for x in p.meta.målgrupp]
            features += [("förbund", f.id) for f in d.projekt_förbund[p.slug]]
            features += [("systemfel", x) for x in p.meta.observed_systemfel_ids]
        metoder[("metoder", slug)] = (features, f"{m.titel}\n{m.sammanfattning}")
    return projekt, metoder


def _related_within(items: dict[Key, tuple[list, str]], weights: dict[str, float], limit: int):
    keys = sorted(items)  # an item's number is its rank in this order: ties go by slug
    n = len(keys)
    if n == 0:
        return {}
    # Binary features (a project either used a metod or not), then key terms.
    binary = [set(items[k][0]) for k in keys]
    term_counts = [Counter(s for s in stems(items[k][1]) if len(s) >= MIN_PART and s.isalpha()) for k in keys]
    df = Counter(f for features in binary for f in features)
    term_df = Counter(t for counts in term_counts for t in counts)

    def idf(count: int) -> float:
        return math.log((n + 1) / count)

    # Features become small integers: the loops below hash ints, not tuples of strings.
    feature_ids: dict = {}
    vectors: list[dict[int, float]] = []
    for features, counts in zip(binary, term_counts):
        vec = {f: weights[f[0]] * idf(df[f]) for f in features}
        scored = {("term", t): weights["term"] * (1 + math.log(c)) * idf(term_df[t]) for t, c in counts.items()}
        vec.update(heapq.nsmallest(KEY_TERMS, scored.items(), key=lambda kv: (-kv[1], kv[0])))
        vectors.append({feature_ids.setdefault(f, len(feature_ids)): w for f, w in sorted(vec.items()) if w > 0})
    norms = [math.sqrt(sum(w * w for w in vec.values())) or 1.0 for vec in vectors]

    # Impact-ordered postings: within a feature, first the items for which it
    # weighs most in the cosine (largest weight / norm); ties by number.
    postings: list[list[tuple[int, float]]] = [[] for _ in feature_ids]
    for i, vec in enumerate(vectors):
        for f, w in vec.items():
            postings[f].append((i, w))
    for posting in postings:
        posting.sort(key=lambda iw: (-iw[1] / norms[iw[0]], iw[0]))
    too_common = max(CAP, n // 4)  # held by a quarter of all items: no use for finding candidates
    shortlist = max(25, 5 * limit)

    result = {}
    for a, vec in enumerate(vectors):
        acc: dict[int, float] = {}
        useful = [(w, f) for f, w in vec.items() if 2 <= len(postings[f]) <= too_common]
        for w, f in heapq.nlargest(SEEDS, useful):
            for b, wb in postings[f][:CAP]:
                acc[b] = acc.get(b, 0.0) + w * wb
        acc.pop(a, None)
        if len(acc) < shortlist:  # little in common: fill up from the commonest features
            for f in sorted(vec, key=lambda f: (len(postings[f]), f)):
                for b, _ in postings[f][:shortlist]:
                    if b != a and b not in acc:
                        acc[b] = 0.0
        # nlargest keeps the first of equal scores, and acc is filled in a fixed order.
        candidates = heapq.nlargest(shortlist, acc, key=acc.__getitem__) if len(acc) > shortlist else list(acc)
        scored = []
        for b in candidates:  # the exact cosine for the shortlist
            other = vectors[b]
            dot = sum(w * other[f] for f, w in vec.items() if f in other)
            if dot > 0:
                scored.append((-round(dot / (norms[a] * norms[b]), 6), b))
        scored.sort()
        result[keys[a]] = [(*keys[b], round(-s, 4)) for s, b in scored[:limit]]
    return result
