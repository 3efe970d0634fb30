"""The near-duplicate förbund warning compares every pair of names, so it
passes over most pairs with a cheap test first (``may_be_within``). That test
may only ever say "maybe": a pair it skips must truly be further apart than
the edit distance allows, or a misspelt förbund would go unwarned."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from metodbank.suggest import edit_distance, may_be_within


def levenshtein(a: str, b: str) -> int:
    """The textbook full table, as the reference."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# A small alphabet makes near pairs common; edits of a name make them certain.
NAMES = st.text(alphabet="abcdeåäö -", max_size=12)


@st.composite
def near_pairs(draw):
    a = draw(NAMES)
    b = list(a)
    for _ in range(draw(st.integers(0, 2))):
        what = draw(st.sampled_from(["insert", "delete", "replace"]))
        at = draw(st.integers(0, len(b)))
        letter = draw(st.sampled_from("abcxyzåäö"))
        if what == "insert":
            b.insert(at, letter)
        elif b and at < len(b):
            if what == "delete":
                del b[at]
            else:
                b[at] = letter
    return a, "".join(b)


@settings(max_examples=400)
@given(near_pairs())
def test_a_pair_within_two_edits_is_never_passed_over(pair):
    a, b = pair
    assert levenshtein(a, b) <= 2
    assert may_be_within(a, b, 2)
    assert edit_distance(a, b, 3) == levenshtein(a, b)


@settings(max_examples=400)
@given(NAMES, NAMES)
def test_the_bounded_distance_agrees_with_the_full_one(a, b):
    assert edit_distance(a, b, 3) == min(levenshtein(a, b), 3)
    if not may_be_within(a, b, 2):
        assert levenshtein(a, b) > 2


def test_the_cheap_test_does_pass_over_far_names():
    # Without this the filter could say "maybe" to everything and the test above still pass.
    assert not may_be_within("Samordningsförbundet Norr", "Samordningsförbundet Väst", 2)
    assert may_be_within("Samordningsförbundet Exempel", "Samordningsförbundet Exempl", 2)
