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

Scaling: scores are accumulated through an inverted index (feature →
items), never over all pairs. Features held by more than ``cap`` items
(≈ 8·√N) only rescore candidates found through rarer features: they carry
the least weight, and walking their long lists would make the work
quadratic. Below that size (a few hundred items) the result is exact.
Ties are broken by slug, so the output is deterministic.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict

from .analysis import MIN_PART, stems
from .documents import forbund_id

Key = tuple[str, str]  # (kind, slug), kind being the folder name

PROJEKT_WEIGHTS = {"metod": 3.0, "systemfel": 3.0, "målgrupp": 1.5, "förbund": 1.0, "part": 0.5,
                   "kommun": 0.5, "term": 2.0}
METOD_WEIGHTS = {"projekt": 3.0, "målgrupp": 1.5, "förbund": 1.0, "systemfel": 1.0, "term": 2.0}
KEY_TERMS = 10


def related(bank, limit: int = 5) -> dict[Key, list[tuple[str, str, float]]]:
    """For every projekt and metod: up to ``limit`` (kind, slug, score), best first."""
    used_by: dict[str, list] = defaultdict(list)
    for slug in sorted(bank.projekt):
        for metod in bank.projekt[slug].meta.metoder:
            used_by[metod].append(bank.projekt[slug])

    projekt = {}
    for slug, doc in sorted(bank.projekt.items()):
        m = doc.meta
        systemfel = [o.id for o in m.systemfel or []]
        for beslut in m.framgång.beslut or []:
            systemfel += beslut.systemfel or []
        features = [("metod", x) for x in m.metoder] + [("systemfel", x) for x in systemfel]
        features += [("målgrupp", x) for x in m.målgrupp] + [("part", x) for x in m.parter]
        features += [("förbund", forbund_id(x, bank.vocab)) for x in m.förbund]
        features += [("kommun", x.casefold()) for x in m.kommuner or []]
        summary = m.resultat.sammanfattning if m.resultat else m.framgång.motivering
        projekt[("projekt", slug)] = (features, f"{m.titel}\n{summary}")

    metoder = {}
    for slug, doc in sorted(bank.metoder.items()):
        m = doc.meta
        projects = used_by.get(slug, [])
        features = [("projekt", p.slug) for p in projects] + [("målgrupp", x) for x in m.målgrupp or []]
        for p in projects:
            features += [("målgrupp", x) for x in p.meta.målgrupp]
            features += [("förbund", forbund_id(x, bank.vocab)) for x in p.meta.förbund]
            features += [("systemfel", o.id) for o in p.meta.systemfel or []]
        metoder[("metoder", slug)] = (features, f"{m.titel}\n{m.sammanfattning}")

    out = _related_within(projekt, PROJEKT_WEIGHTS, limit)
    out.update(_related_within(metoder, METOD_WEIGHTS, limit))
    return out


def _related_within(items: dict[Key, tuple[list, str]], weights: dict[str, float], limit: int):
    keys = sorted(items)
    n = len(keys)
    if n == 0:
        return {}
    # Binary features (a project either used a metod or not), then key terms.
    binary = {k: set(items[k][0]) for k in keys}
    term_counts = {k: Counter(s for s in stems(items[k][1]) if len(s) >= MIN_PART and s.isalpha()) for k in keys}
    df = Counter(f for k in keys for f in binary[k])
    term_df = Counter(t for k in keys for t in term_counts[k])

    def idf(count: int) -> float:
        return math.log((n + 1) / count)

    vectors: dict[Key, dict] = {}
    for k in keys:
        vec = {f: weights[f[0]] * idf(df[f]) for f in binary[k]}
        scored = {("term", t): weights["term"] * (1 + math.log(c)) * idf(term_df[t]) for t, c in term_counts[k].items()}
        best = heapq.nsmallest(KEY_TERMS, scored.items(), key=lambda kv: (-kv[1], kv[0]))
        vec.update(best)
        vectors[k] = {f: w for f, w in vec.items() if w > 0}
    norms = {k: math.sqrt(sum(w * w for w in vectors[k].values())) or 1.0 for k in keys}

    postings: dict = defaultdict(list)
    for k in keys:
        for f, w in vectors[k].items():
            postings[f].append((k, w))
    cap = max(100, int(8 * math.sqrt(n)))
    shortlist = max(50, 10 * limit)

    result = {}
    for a in keys:
        vec = vectors[a]
        acc: dict[Key, float] = defaultdict(float)
        common = []
        for f, w in vec.items():
            posting = postings[f]
            if len(posting) < 2:
                continue
            if len(posting) > cap:
                common.append(f)
                continue
            for b, wb in posting:
                acc[b] += w * wb
        acc.pop(a, None)
        if len(acc) < limit:  # nothing rare in common: fall back to the common features
            for f in common:
                for b, _ in postings[f][:shortlist]:
                    if b != a:
                        acc.setdefault(b, 0.0)
        candidates = heapq.nsmallest(shortlist, acc.items(), key=lambda kv: (-kv[1], kv[0]))
        scored = []
        for b, partial in candidates:
            other = vectors[b]
            full = partial + sum(vec[f] * other[f] for f in common if f in other)
            if full > 0:
                scored.append((round(full / (norms[a] * norms[b]), 6), b))
        scored.sort(key=lambda sb: (-sb[0], sb[1]))
        result[a] = [(b[0], b[1], round(s, 4)) for s, b in scored[:limit]]
    return result
