"""Swedish text → index terms: stemming, and splitting of compound words.

Stemming
--------
Every full-text field uses :func:`swedish_analyzer`: a Unicode word
tokenizer, lower-casing, Whoosh's Swedish stop-word list and the Swedish
Snowball stemmer. Inflected forms meet in one stem: "nyanländas",
"nyanlända" → ``nyanländ``; "arbetsträningen" → ``arbetsträning``.

Compounds (delord)
------------------
Swedish writes compounds as one word, and the stemmer leaves them whole:
"studiecoachning" never matches a search for "coachning". We split compounds
against the corpus' *own* vocabulary, so that no word list has to be shipped
or maintained, and every part we index is a word somebody in the bank
actually wrote:

1. The **lexicon** is the set of stems (length ≥ 4, letters only) that occur
   anywhere in the bank — titles, front-matter text and bodies.
2. A stemmed token of length ≥ 8 is split as *modifier + head*, where the
   head is a proper suffix that is itself a lexicon stem (the head carries
   the inflection, which the stemmer has already removed), and the modifier
   is a lexicon stem followed by an optional Swedish linking morpheme
   (*fogemorfem*: nothing, -s-, -e-, -a-, -o- or -u-: arbet|s|träning,
   studi|e|coachning, skol|bro). Both parts must be ≥ 4 letters, which keeps
   accidental splits ("ersätt|ning") out.
3. **Longest match first**: the longest head that admits a known modifier
   wins (fewest parts); only if no two-part split exists is the modifier
   itself split recursively (arbetstränings|insats → arbet|s|träning|s|insats).
4. Many modifiers never occur alone ("utlands|praktik", "långtids|arbetslös",
   "vuxen|utbildning"). As a last resort a token splits off its longest
   known head of ≥ 5 letters when at least 4 letters remain; only the head
   is indexed then, since the rest is not a word of the bank. This tier
   causes most of the (rare) wrong splits ("arbetsin|riktning"), which the
   low weight of ``delord`` keeps harmless.
5. The parts — each normalised to its stem — go into the secondary field
   ``delord``. Queries search it with a lower boost than the exact fields,
   so a document that says "coachning" ranks above one that only says
   "studiecoachning", and both are found.

The lexicon changes when the bank changes, so the index records which stems
each document holds and which splits it used; :mod:`.index` re-indexes an
unchanged document only when the split of one of its own words changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    MultiFilter,
    PassFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

# Bump when anything here changes what a document is indexed as: every
# document is then re-indexed on the next build.
ANALYSIS_VERSION = "sv-2"

MIN_PART = 4  # shortest compound part (and shortest lexicon stem)
MIN_COMPOUND = 2 * MIN_PART
MIN_LONE_HEAD = 5  # shortest head split off an unknown modifier (rule 4)
LINKS = ("", "s", "e", "a", "o", "u")  # Swedish fogemorfem, most common first

# Words of letters (å, ä, ö, é … included) or digits; hyphens and dashes split,
# so "unga-vuxna" and "16–19" give two tokens each.
_TOKEN = r"\w+(?:\.?\w+)*"
_LETTERS = re.compile(r"^[^\W\d_]+$")
# Whoosh's StopFilter(lang="sv") would add its English list ("be", "as", "at"
# are Swedish words too); the Swedish list alone it is.
STOP_WORDS = frozenset(stopwords_for_language("sv"))


def swedish_analyzer() -> Analyzer:
    """Tokenize, lowercase, drop Swedish stop words, Snowball-stem."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | _stop() | StemFilter(lang="sv", cachesize=-1)


def _stop() -> StopFilter:
    return StopFilter(stoplist=STOP_WORDS, minsize=2)


def delord_analyzer() -> Analyzer:
    """For the ``delord`` field: at index time the text is already a list of
    stems from :meth:`Decompounder.split` (stemming them again could change
    them), at query time the user's words are stemmed like everywhere else."""
    query = _stop() | StemFilter(lang="sv", cachesize=-1)
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | MultiFilter(index=PassFilter(), query=query)


def name_analyzer() -> Analyzer:
    """For names (förbund): words, lowercased, accents folded, no stemming,
    so ``förbund:sodertorn`` finds "Södertörn"."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)


_WORD = re.compile(_TOKEN)
_stem = lru_cache(maxsize=None)(stemmer_for_language("sv"))


def stems(text: str) -> list[str]:
    """The stems of ``text`` in order, exactly as :func:`swedish_analyzer`
    indexes them (same pattern, stop list and stemmer; a test checks), but
    several times faster than running Whoosh's token pipeline: the indexer
    calls this on every new or changed document for the compound lexicon."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 2 and w not in STOP_WORDS]


def stem(word: str) -> str:
    found = stems(word)
    return found[0] if found else word.lower()


def lexicon_stems(texts: Iterable[str]) -> set[str]:
    """The stems of ``texts`` that may serve as compound parts (or be split)."""
    return {s for text in texts for s in stems(text) if len(s) >= MIN_PART and _LETTERS.match(s)}


class Decompounder:
    """Splits stems against a fixed lexicon (see the module docstring)."""

    def __init__(self, lexicon: Iterable[str]):
        self.lexicon = frozenset(lexicon)
        self.split = lru_cache(maxsize=None)(self._split)

    def _modifier(self, text: str) -> list[str] | None:
        """``[stem]`` when ``text`` is a lexicon stem plus a linking morpheme."""
        for link in LINKS:
            if link and not text.endswith(link):
                continue
            base = text[: len(text) - len(link)]
            if len(base) >= MIN_PART and base in self.lexicon:
                return [base]
        return None

    def _split(self, token: str) -> tuple[str, ...]:
        """``("arbetsträning", "arbet", "träning", "insats")`` for
        "arbetsträningsinsats": every part, compound parts also split.
        Empty when ``token`` is not a compound of known stems."""
        if len(token) < MIN_COMPOUND or not _LETTERS.match(token):
            return ()
        heads = [token[cut:] for cut in range(MIN_PART, len(token) - MIN_PART + 1)]
        heads = [h for h in heads if h in self.lexicon]  # longest first
        for head in heads:  # two parts, longest head first
            modifier = self._modifier(token[: len(token) - len(head)])
            if modifier:
                return self._expand(modifier + [head])
        for head in heads:  # the modifier is itself a compound
            rest = token[: len(token) - len(head)]
            for link in LINKS:
                if link and not rest.endswith(link):
                    continue
                inner = self.split(rest[: len(rest) - len(link)])
                if inner:
                    return self._expand([rest[: len(rest) - len(link)], *inner, head])
        for head in heads:  # unknown modifier: keep only the known head
            if len(head) >= MIN_LONE_HEAD:
                return self._expand([head])
        return ()

    def _expand(self, parts: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for part in parts:
            if part not in out:
                out.append(part)
            for sub in self.split(part):
                if sub not in out:
                    out.append(sub)
        return tuple(out)

    def splits(self, tokens: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """``{token: parts}`` for the tokens that are compounds."""
        found = {}
        for token in tokens:
            parts = self.split(token)
            if parts:
                found[token] = parts
        return found
