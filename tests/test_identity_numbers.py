"""The personnummer rule on what is published (content-model.md, "Rules for
bad input"): after YAML escapes, HTML entities and Unicode normalisation,
with any run of dashes, spaces, invisible characters or line breaks between
the date part and the last four digits.

Exact-output tests write one file into a small good bank and compare the
checker's whole output (both through ``load_bank()`` and the command line),
so a number reported twice, at the wrong line or not at all fails. The
property tests call the rule itself, so that they can run many examples.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker_helpers import GOOD_METOD, GOOD_PROJEKT, check, line_of, replace, write_bank
from metodbank.checks import identity
from metodbank.checks.identity import SEPARATORS, find_identity_numbers, find_in_file, mask
from metodbank.frontmatter import Parsed
from metodbank.problems import ProblemList

P, M = GOOD_PROJEKT, GOOD_METOD
NEW_P, NEW_M = "projekt/nytt-projekt.md", "metoder/ny-metod.md"
PNR = "raden innehåller ett personnummer: banken får aldrig innehålla deltagares personuppgifter — ta bort det"
SNR = PNR.replace("personnummer", "samordningsnummer")
BODY_LINE = len(M.splitlines()) + 2  # the line after "Första raden."


def run(root, files) -> list[str]:
    write_bank(root, files)
    return check(root)


def check_digit(nine: str) -> str:
    """The Luhn check digit for YYMMDDNNN, computed here on its own (not
    with the module's luhn_ok), so that a bug there cannot hide itself."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def with_check(nine: str) -> str:
    return nine + check_digit(nine)


def in_body(fragment: str) -> str:
    return M + "Första raden.\n" + f"Deltagaren {fragment} slutade.\n"


def test_known_numbers_have_valid_check_digits():
    assert with_check("811218987") == "8112189876"
    assert with_check("701063239") == "7010632391"


# --------------------------------------------------------------------------
# The body: entities, separators, line breaks


@pytest.mark.parametrize(
    "fragment",
    [
        "811218&#45;9876",  # decimal entity
        "811218&#x2d;9876",  # hexadecimal entity
        "811218&#X2D;9876",
        "811218&minus;9876",  # named: U+2212 minus sign
        "811218&ndash;9876",
        "811218&nbsp;9876",
        "811218&#8203;9876",  # zero-width space as an entity
        "811218&#45 9876",  # an entity without its ';' is decoded by browsers too
        "&#56;11218-9876",  # a digit as an entity
        "811218 9876",  # space
        "811218\u20139876",  # en dash
        "811218\u2014 9876",  # em dash and a space
        "811218\u22129876",  # minus sign
        "811218\u20119876",  # non-breaking hyphen
        "811218\u00a09876",  # no-break space
        "811218\u202f9876",  # narrow no-break space
        "811218\u200b9876",  # zero-width space
        "811218\u200c\u200d9876",  # zero-width non-joiner and joiner
        "811218\u2060-9876",  # word joiner
        "811218\u00ad9876",  # soft hyphen
        "811218\ufeff9876",  # byte order mark
        "811218 - 9876",
        "811218+9876",
        "19811218\u00a09876",  # the 12-digit form
        "198112189876",
        "\uff18\uff11\uff11\uff12\uff11\uff18-\uff19\uff18\uff17\uff16",  # full-width digits (NFKC)
        "811218\\-9876",  # a Markdown escape renders as '-'
        "811218**-**9876",  # so does emphasis
    ],
    ids=[
        "entity-dec", "entity-hex", "entity-HEX", "entity-minus", "entity-ndash", "entity-nbsp", "entity-zwsp",
        "entity-no-semicolon", "entity-digit", "space", "en-dash", "em-dash-space", "minus-sign",
        "non-breaking-hyphen", "nbsp", "narrow-nbsp", "zwsp", "zwnj-zwj", "word-joiner", "soft-hyphen", "bom",
        "spaced-dash", "plus", "12-nbsp", "12-plain", "fullwidth", "markdown-escape", "markdown-emphasis",
    ],
)
def test_number_in_body_is_found_however_written(bank_root, fragment):
    assert run(bank_root, {NEW_M: in_body(fragment)}) == [f"{NEW_M}:{BODY_LINE}: {PNR}"]


def test_samordningsnummer_with_an_entity(bank_root):
    assert run(bank_root, {NEW_M: in_body("701063&#x2011;2391")}) == [f"{NEW_M}:{BODY_LINE}: {SNR}"]


def test_line_break_inside_a_paragraph_points_at_the_first_line(bank_root):
    text = M + "Första raden.\n" + "Deltagaren hade 811218\n9876 som nummer.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{BODY_LINE}: {PNR}"]


def test_line_breaks_and_blank_lines_between_the_parts(bank_root):
    text = M + "Första raden.\n" + "Deltagaren 811218 \u2013\r\n\r\n  9876.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{BODY_LINE}: {PNR}"]


def test_entity_decoding_to_a_line_break_keeps_the_lines(bank_root):
    # &#10; is a line break once decoded; the lines after it must not move.
    text = M + "Första raden.\n" + "Text&#10;med&#10;radbrytningar.\n" + "Deltagaren 811218&#10;9876.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{BODY_LINE + 1}: {PNR}"]


def test_raw_and_decoded_hits_on_one_line_are_one_problem(bank_root):
    text = M + "Första raden.\n" + "Deltagaren 811218-9876 och 811218&#45;9876 och 811218\u20139876.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{BODY_LINE}: {PNR}"]


def test_each_line_is_reported(bank_root):
    text = M + "Första raden.\n" + "A 811218&#45;9876.\n" + "B.\n" + "C 701063\u00a02391.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{BODY_LINE}: {PNR}", f"{NEW_M}:{BODY_LINE + 2}: {SNR}"]


# --------------------------------------------------------------------------
# Front-matter: YAML escapes


@pytest.mark.parametrize(
    "value",
    [
        r'"Kansliet 811218\x2D9876"',
        r'"Kansliet 811218\u002D9876"',
        r'"Kansliet 811218\U0000002D9876"',
        '"Kansliet 811218\\\n  9876"',  # a '\' line continuation joins the lines without a space
        '"Kansliet 81121\\\n  89876"',  # … also inside the date part
        r'"Kansliet 811218\_9876"',  # \_ is a no-break space
        r'"Kansliet 811218\N9876"',  # \N is NEL, a line break
        r'"Kansliet 811218\L9876"',  # \L is a line separator
        r'"Kansliet \x38\x31\x31\x32\x31\x38-9876"',  # digits as escapes
        r'"Kansliet 811218\u20119876"',
        r'"Kansliet 811218\t9876"',
        '"Kansliet 811218&#45;9876"',  # an entity in a string, in case a template renders it as HTML
        '"Kansliet \uff18\uff11\uff11\uff12\uff11\uff18-9876"',
    ],
    ids=["x2D", "u002D", "U0000002D", "continuation", "continuation-in-date", "nbsp-escape", "nel-escape",
         "line-separator-escape", "digit-escapes", "nb-hyphen-escape", "tab-escape", "entity", "fullwidth"],
)
def test_number_in_front_matter_is_found_after_yaml_decoding(bank_root, value):
    text = replace(P, "lärdomar:", f"kontakt: {value}\nlärdomar:")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'kontakt:')}: {PNR}"]


def test_escaped_number_on_a_later_line_of_a_field_is_reported_at_the_field(bank_root):
    text = replace(P, "lärdomar:", 'kontakt: "Kansliet,\n  telefon 811218\\x2D9876"\nlärdomar:')
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'kontakt:')}: {PNR}"]


def test_plain_number_on_a_later_line_of_a_field_is_reported_where_it_is_once(bank_root):
    # The raw scan finds it on its own line; the decoded value must not add
    # a second problem at the field's line.
    text = replace(P, "lärdomar:", "kontakt: >-\n  Kansliet, telefon\n  811218-9876\nlärdomar:")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, '811218-9876')}: {PNR}"]


def test_plain_number_in_front_matter_is_one_problem(bank_root):
    text = replace(P, "lärdomar:", "kontakt: Kalle, 811218-9876\nlärdomar:")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'kontakt:')}: {PNR}"]


def test_escaped_number_in_a_list_item_points_at_the_item(bank_root):
    text = replace(P, "  - Tidig kontakt med arbetsgivare var avgörande.\n",
                   "  - Tidig kontakt med arbetsgivare var avgörande.\n"
                   "  - \"Deltagare 811218\\u2013 9876 hörde av sig.\"\n")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'Deltagare 811218')}: {PNR}"]


def test_number_in_a_key_is_found():
    content = '---\ntitel: X\n"811218\\x2D9876": x\n---\nText.\n'
    assert [(hit.line, hit.kind) for hit in find_in_file(content)] == [(3, "personnummer")]


def test_underscored_integer_is_scanned():
    # YAML 1.1 reads 8_112_189_876 as the integer 8112189876.
    content = "---\ntitel: X\nkontakt: 8_112_189_876\n---\nText.\n"
    assert [(hit.line, hit.kind) for hit in find_in_file(content)] == [(3, "personnummer")]


@pytest.mark.parametrize(
    "value",
    [b"811218-9876", "811218\u00a09876".encode(), "811218\u00a09876".encode("latin-1"), 8112189876, 198112189876,
     8112189876.0],
    ids=["bytes", "bytes-utf8-nbsp", "bytes-latin1-nbsp", "int", "int-12", "float"],
)
def test_decoded_scalars_that_are_not_text_are_scanned(value):
    """``!!binary`` and hexadecimal integers are refused when the front-matter
    is read (other rules); should a value like that ever get through, the
    decoded value is still read as it would be published."""
    content = "---\ntitel: X\nkontakt: ersatt\n---\nText.\n"
    parsed = Parsed({"titel": "X", "kontakt": value}, "Text.\n", 5, {("titel",): 2, ("kontakt",): 3})
    assert [(hit.line, hit.kind) for hit in find_in_file(content, parsed)] == [(3, "personnummer")]


def test_broken_yaml_is_still_scanned_raw_and_decoded(bank_root):
    text = "---\ntitel: [X\nkontakt: 811218&#45;9876\n---\nText 701063-2391.\n"
    lines = run(bank_root, {NEW_M: text})
    assert f"{NEW_M}:3: {PNR}" in lines
    assert f"{NEW_M}:5: {SNR}" in lines


# --------------------------------------------------------------------------
# What is not a number


def _invalid_dates() -> list[str]:
    return [with_check(nine) for nine in ("811318987", "811200987", "811232987", "811292987", "810230987",
                                          "810631987", "811260987")]


@pytest.mark.parametrize(
    "number",
    [
        *[f"{d[:6]}-{d[6:]}" for d in _invalid_dates()],  # month 13, day 00/32/92, 30 Feb, 31 June, day 60
        "811218-9875",  # wrong check digit
        "811218\u00a09877",
        "811218&#45;9870",
        "81121898765",  # 11 digits
        "8112189876543",  # 13 digits
        "811218-98765",  # five digits after the date part
        "1811218-9876",  # seven digits before
        "811218-987",  # three after
        "8112-18-9876",  # separators inside the date part are not the rule
        "811218x9876",  # a letter is no separator
        "811218/9876",
        "811218.9876",
        "070-123 45 67",  # phone numbers in their usual groups
        "070-1234567",
        "2019-03\u20132021-12",  # a period
    ],
)
def test_not_an_identity_number(bank_root, number):
    assert run(bank_root, {NEW_M: in_body(number)}) == []


def test_invalid_dates_do_have_valid_check_digits():
    # So the cases above fail on the date alone.
    for digits in _invalid_dates():
        assert check_digit(digits[:9]) == digits[9]


def test_numbers_in_good_files_are_not_identity_numbers():
    assert find_in_file(P) == []
    assert find_in_file(M) == []


# --------------------------------------------------------------------------
# The scanner itself


def test_separators_cover_every_dash_space_and_format_character():
    """SEPARATORS is written out (computing it costs 0.3 s an import); this
    checks it against the running Python's Unicode database."""
    missing = [
        f"U+{code:04X}" for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Pd", "Zs", "Cf", "Zl", "Zp") and chr(code) not in _SEPARATOR_SET
    ]
    assert missing == []
    for char in "+\u2212\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f\u2011":
        assert char in _SEPARATOR_SET


def _expand(spec: str) -> set[str]:
    chars, index = set(), 0
    while index < len(spec):
        if spec[index] == "\\":
            chars.add(spec[index + 1])
            index += 2
        elif index + 2 < len(spec) and spec[index + 1] == "-":
            chars.update(chr(c) for c in range(ord(spec[index]), ord(spec[index + 2]) + 1))
            index += 3
        else:
            chars.add(spec[index])
            index += 1
    return chars


_SEPARATOR_SET = _expand(SEPARATORS)


def test_hit_reports_line_kind_and_ten_digits():
    hits = list(find_identity_numbers("a\nb 19811218\u20139876 c\r\nd 701063 2391"))
    assert [(h.line, h.kind, h.number) for h in hits] == [
        (2, "personnummer", "8112189876"), (3, "samordningsnummer", "7010632391"),
    ]


def test_mask_never_shows_the_whole_number():
    assert mask("8112189876") == "81****-***6"


def test_scanner_is_built_to_be_linear():
    """No timing here: the structure is what keeps it linear. Every digit run
    is visited once; the separator run is matched possessively; the page
    tag pattern cannot span a '<'."""
    assert identity._SEPARATOR_RUN.pattern.endswith("]*+")
    assert identity._DIGIT_RUN.pattern == r"\d+"
    assert identity._TAG.pattern == r"<[^<>\n]*>"
    # Adversarial shapes still give the right answer.
    text = ("811218 " * 2000) + "9876"
    assert [h.number for h in find_identity_numbers(text)] == ["8112189876"]
    assert list(find_identity_numbers("1" * 100_000)) == []
    assert list(find_identity_numbers(("811218" + "\u200b" * 5000 + "x") * 20)) == []


# --------------------------------------------------------------------------
# Property: a valid number, however separated and encoded, is always reported

# Separators a reader does not see as part of the number: one of each family.
SEPARATOR_SAMPLE = [
    "-", "+", " ", "\u00a0", "\u202f", "\u2007", "\u3000", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
    "\u2015", "\u2212", "\ufe63", "\uff0d", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff",
    "\u200e", "\u2066", "\t", "\n", "\u2028", "\u0085",
]
# Named entities a browser decodes to a separator.
NAMED = {"-": "&hyphen;", " ": "&#32;", "\u00a0": "&nbsp;", "\u2013": "&ndash;", "\u2014": "&mdash;",
         "\u2212": "&minus;", "\u00ad": "&shy;", "\u200c": "&zwnj;", "\u200d": "&zwj;", "\u2010": "&dash;"}
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ ,.()", min_size=0, max_size=30)


@st.composite
def identity_numbers(draw):
    """(digits as written: date part, last four), kind."""
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2049, 12, 31)))
    samordning = draw(st.booleans())
    dd = day.day + (60 if samordning else 0)
    nine = f"{day.year % 100:02d}{day.month:02d}{dd:02d}{draw(st.integers(0, 999)):03d}"
    digits = with_check(nine)
    date_part = digits[:6]
    if draw(st.booleans()):
        date_part = f"{day.year // 100}" + date_part
    return date_part, digits[6:], "samordningsnummer" if samordning else "personnummer"


def _yaml_char(char: str, escape: bool) -> str:
    code = ord(char)
    printable = char == "\t" or (0x20 <= code <= 0x7E and char not in '"\\') or (
        0xA0 <= code <= 0xD7FF and char not in "\u2028\u2029") or 0xE000 <= code <= 0xFFFD and char != "\ufeff"
    if printable and not escape:
        return char
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _html_char(char: str, how: int) -> str:
    if 0x80 <= ord(char) <= 0x9F:
        how = 0  # &#133; is '…' to a browser (Windows-1252), not NEL
    if how == 0 or (how == 1 and char not in NAMED):
        return char if char not in "&<>\\*_`~" else f"&#{ord(char)};"
    if how == 1:
        return NAMED[char]
    return f"&#{ord(char)};" if how == 2 else f"&#x{ord(char):x};"


# METODBANK_FUZZ_EXAMPLES=5000 for a longer hunt (as in test_checker_property.py).
PROPERTY = settings(max_examples=int(os.environ.get("METODBANK_FUZZ_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(identity_numbers(), st.lists(st.sampled_from(SEPARATOR_SAMPLE), max_size=4), WORDS, WORDS,
       st.data())
def test_number_in_a_front_matter_string_is_always_reported(number, separators, before, after, data):
    date_part, last_four, kind = number
    written = date_part + "".join(separators) + last_four
    pieces = [_yaml_char(char, data.draw(st.booleans(), label="escape")) for char in written]
    if data.draw(st.booleans(), label="continuation"):
        # A '\' at the end of a line joins it to the next without a space.
        # Placed after the date part: the raw text then shows no number on
        # any line, so only the decoded value can find it.
        at = data.draw(st.integers(len(date_part), len(pieces) - 1), label="where")
        pieces.insert(at, "\\\n    ")
    encoded = "".join(pieces)
    value = f'"{before} {encoded} {after}"'
    content = replace(P, "lärdomar:", f"kontakt: {value}\nlärdomar:")
    problems = ProblemList()
    identity.check_identity_numbers(content, NEW_P, problems)
    assert [p.format() for p in problems] == [f"{NEW_P}:{line_of(content, 'kontakt:')}: raden innehåller ett "
                                              f"{kind}: banken får aldrig innehålla deltagares personuppgifter"
                                              " — ta bort det"]


@PROPERTY
@given(identity_numbers(), st.lists(st.sampled_from(SEPARATOR_SAMPLE), max_size=4), WORDS, WORDS,
       st.data())
def test_number_in_a_body_is_always_reported(number, separators, before, after, data):
    date_part, last_four, kind = number
    written = date_part + "".join(separators) + last_four
    encoded = "".join(_html_char(char, data.draw(st.integers(0, 3), label="entity")) for char in written)
    body = f"Första raden.\n\n{html.escape(before)} {encoded} {html.escape(after)}\n"
    content = M + body
    start = content.index(encoded)
    expected_line = content[:start].count("\n") + 1
    problems = ProblemList()
    identity.check_identity_numbers(content, NEW_M, problems)
    assert [p.format() for p in problems] == [f"{NEW_M}:{expected_line}: raden innehåller ett {kind}: banken "
                                              "får aldrig innehålla deltagares personuppgifter — ta bort det"]


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=200))
def test_text_without_digits_never_holds_a_number(text):
    assert find_in_file(text) == []
