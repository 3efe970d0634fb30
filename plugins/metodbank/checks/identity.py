"""Swedish personal identity numbers (personnummer, samordningsnummer).

The bank must never hold participants' personal data, and the guard applies
to what is *published*, not only to what is typed (content-model.md, "Rules
for bad input"). So a file is scanned three times:

1. its raw text, as before (so a file whose YAML is broken is still scanned);
2. a line-preserving *published view* of the same text: inline HTML tags,
   Markdown backslash escapes and emphasis markers removed, HTML entities
   (``&#45;``, ``&minus;`` …) decoded and Unicode normalised (NFKC) — what a
   reader of the rendered page sees;
3. every front-matter key and value after YAML decoding (strings, numbers,
   bytes), so ``\\x2D``, ``\\u002D`` or a ``\\`` line continuation cannot
   hide a number from the raw scan. (Tags such as ``!!binary`` and
   hexadecimal integers are refused when the front-matter is read; should
   such a value ever get through, its decoded value is read all the same.)

Between the date part (6 or 8 digits) and the last four digits any run of
dashes (Unicode Pd and the minus signs), ``+``, spaces (Zs), invisible
characters (Cf: zero-width space, joiners, soft hyphen, BOM …) and line
breaks is allowed, because a reader sees the same number whichever of them
is used. The scanner visits every digit run once and looks at the separator
run after a 6- or 8-digit run once, with a possessive quantifier, so its
time is linear in the length of the text whatever the input.

False positives. A valid date part and check digit are rare in ordinary
numbers, but not impossible. Measured with 100,000 random Swedish mobile
numbers (07 + eight random digits, seed 1): written as ten digits in a row
(``0701234567``) 0.75 % pass the rule — only numbers whose third digit is 0
or 1 can have a month 01–12; among 070-numbers alone 5.6 %, among
072/073/076/079-numbers 0 %. Written in the usual groups (``070-123 45 67``,
``070-1234567``, ``070 123 45 67``) none pass: no group is a 6- or 8-digit
date part followed by four digits.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
import unicodedata
from typing import Iterator, NamedTuple

from ..frontmatter import FrontMatterError, Parsed, parse
from ..problems import ProblemList

MESSAGE = "raden innehåller ett {kind}: banken får aldrig innehålla deltagares personuppgifter — ta bort det"

# Characters a reader does not see as part of a number, so any run of them
# may stand between the date part and the last four digits. Written out (and
# checked against unicodedata by the tests) rather than computed at import:
# walking all 1.1 million code points would cost every process ~0.3 s.
#   Pd  dash punctuation: - ‐ ‑ ‒ – — ― ﹣ － …
#   Zs  spaces: space, NBSP, narrow NBSP, em/en/thin spaces, ideographic space …
#   Cf  invisible format characters: soft hyphen, zero-width space/joiners,
#       word joiner, bidi marks and isolates, BOM, tag characters …
_PD = "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0" \
      "\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
_ZS = " \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_CF = "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e" \
      "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438" \
      "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
# Line breaks and tab; plus signs; minus signs that are not Pd (U+2212 is Sm,
# its super-/subscript forms fold to it under NFKC); other invisible
# characters outside Cf: combining grapheme joiner, variation selectors,
# Hangul fillers, braille blank.
_OTHER = "\t\n\r\x0b\x0c\x85\u2028\u2029" "+\ufe62\uff0b" "\u2212\u207b\u208b\u2796" \
         "\u034f\u180b-\u180d\ufe00-\ufe0f\U000e0100-\U000e01ef\u115f\u1160\u3164\uffa0\u2800"
SEPARATORS = _PD + _ZS + _CF + _OTHER

_DIGIT_RUN = re.compile(r"\d+")  # Unicode decimal digits: NFKC leaves e.g. Arabic-Indic digits as they are
_SEPARATOR_RUN = re.compile(f"[{SEPARATORS}]*+")  # possessive: never backtracks
# Cheap pre-filter: no date part without six digits in a row (spelt out: faster than \d{6}).
_SIX_DIGITS = re.compile(r"\d\d\d\d\d\d")


class Hit(NamedTuple):
    line: int  # 1-based line where the number starts (\n, \r\n and \r end a line)
    kind: str  # "personnummer" or "samordningsnummer"
    number: str  # the ten digits YYMMDDNNNC in ASCII, without century or separator
    offset: int  # where the number starts in the (line-normalised) text


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _valid_date_part(yy: str, mm: str, dd: str) -> bool:
    month, day = int(mm), int(dd)
    if not 1 <= month <= 12:
        return False
    if 61 <= day <= 91:  # samordningsnummer: day + 60
        day -= 60
    if not 1 <= day <= 31:
        return False
    try:  # Feb 30 is no date, whatever the century
        dt.date(2000 + int(yy) if int(yy) < 50 else 1900 + int(yy), month, day)
    except ValueError:
        return day <= 28
    return True


def _ascii_digits(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(int(char)) for char in digits)


def identity_kind(digits: str) -> str | None:
    """"personnummer" or "samordningsnummer" when the ten digits YYMMDDNNNC
    are one (valid date part, valid check digit), else None."""
    yy, mm, dd = digits[0:2], digits[2:4], digits[4:6]
    if not _valid_date_part(yy, mm, dd) or not luhn_ok(digits):
        return None
    return "samordningsnummer" if int(dd) > 60 else "personnummer"


def find_identity_numbers(text: str) -> Iterator[Hit]:
    """Every valid personnummer or samordningsnummer in ``text``, in order.

    A number is a run of exactly 10 or 12 digits, or a run of exactly 6 or 8
    digits, any run of :data:`SEPARATORS`, and a run of exactly 4 digits.
    Runs are maximal, so longer digit runs (bank account numbers, ISBNs, …)
    are never read as a number.
    """
    if not _SIX_DIGITS.search(text):
        return
    if "\r" in text:  # lines end as in frontmatter.split: \n, \r\n or \r
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    line, counted = 1, 0  # counted incrementally: linear even with many hits
    for run in _DIGIT_RUN.finditer(text):
        length = run.end() - run.start()
        if length in (10, 12):
            digits = run.group()[-10:]
        elif length in (6, 8):
            gap = _SEPARATOR_RUN.match(text, run.end())
            tail = _DIGIT_RUN.match(text, gap.end())
            if tail is None or tail.end() - tail.start() != 4:
                continue
            digits = run.group()[-6:] + tail.group()
        else:
            continue
        digits = _ascii_digits(digits)
        kind = identity_kind(digits)
        if kind is None:
            continue
        line += text.count("\n", counted, run.start())
        counted = run.start()
        yield Hit(line, kind, digits, run.start())


def mask(number: str) -> str:
    """A number as it may be shown in a message: enough to find it in the
    text (year and check digit), never the whole number."""
    return f"{number[:2]}****-***{number[-1]}"


# --------------------------------------------------------------------------
# What a reader of the published page sees

_TAG = re.compile(r"<[^<>\n]*>")  # an inline tag or comment on one line; [^<>] keeps it linear
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # Markdown: \- renders as -
_MD_MARKER = re.compile(r"[*_`~]+")  # emphasis and code markers: 811218**-**9876 renders as 811218-9876
_NEEDS_VIEW = re.compile(r"[<\\*_`~&]|[^\x00-\x7f]")


def published_view(text: str) -> str:
    """``text`` as a reader sees it once rendered, line for line.

    Line breaks are kept where they are (an entity that decodes to a line
    break becomes a space), so a hit's line is its line in the file. Inline
    tags are dropped without a gap, as a browser shows ``811218<b>-</b>9876``
    as one number.
    """
    if not _NEEDS_VIEW.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAG.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _MD_MARKER.sub("", text)
    if "&" in text:
        text = "\n".join(_unescape_line(line) if "&" in line else line for line in text.split("\n"))
    return unicodedata.normalize("NFKC", text)


def _unescape_line(line: str) -> str:
    return html.unescape(line).replace("\n", " ").replace("\r", " ")


def decoded_value(value: str) -> list[str]:
    """The texts a front-matter string may be published as: itself, and
    with HTML entities resolved (if a template ever renders it as Markdown),
    both Unicode normalised."""
    views = [unicodedata.normalize("NFKC", value)]
    if "&" in value:
        views.append(unicodedata.normalize("NFKC", html.unescape(value)))
    return views


# --------------------------------------------------------------------------
# The checker rule


def find_in_file(content: str, parsed: Parsed | None = None, front_matter_readable: bool = True) -> list[Hit]:
    """Every number in a content file, each reported once: (line, number)
    pairs from the raw text, its published view and its decoded front-matter.

    A front-matter value's hit is reported at the line of its field, unless
    the text scans already found the same number within that field (then at
    the line the number is on, as before).
    """
    found: dict[tuple[int, str], Hit] = {}
    for hit in find_identity_numbers(content):
        found.setdefault((hit.line, hit.number), hit)
    view = published_view(content)
    if view != content:
        for hit in find_identity_numbers(view):
            found.setdefault((hit.line, hit.number), hit)
    if parsed is None and front_matter_readable:
        try:
            parsed = parse(content)
        except FrontMatterError:
            parsed = None  # load_document reports it; the text scans above still ran
    if parsed is not None:
        for hit in _front_matter_hits(parsed, found):
            found.setdefault((hit.line, hit.number), hit)
    return sorted(found.values(), key=lambda hit: (hit.line, hit.offset))


def _front_matter_hits(parsed: Parsed, found: dict) -> Iterator[Hit]:
    texts = list(_front_matter_texts(parsed.data))
    # All values at once first, a NUL between them (no separator, so two
    # values never join into one number): nearly every file has none, and
    # one scan is far cheaper than one per value.
    joined = "\x00".join(text for _loc, text in texts)
    if not any(next(find_identity_numbers(view), None) for view in decoded_value(joined)):
        return
    by_number: dict[str, list[int]] = {}
    for line, number in found:
        by_number.setdefault(number, []).append(line)
    field_lines = sorted(set(parsed.lines.values()))
    for loc, value in texts:
        line = parsed.line_of(loc)
        for text in decoded_value(value):
            for hit in find_identity_numbers(text):
                end = _field_end(field_lines, line, parsed.body_line)
                if not any(line <= seen <= end for seen in by_number.get(hit.number, ())):
                    yield Hit(line, hit.kind, hit.number, 0)


def _field_end(field_lines: list[int], line: int, body_line: int) -> int:
    """The last line a scalar starting at ``line`` can reach: the line before
    the next key or list item, or the closing '---'."""
    index = bisect.bisect_right(field_lines, line)
    return field_lines[index] - 1 if index < len(field_lines) else body_line - 1


def _front_matter_texts(data: dict) -> Iterator[tuple[tuple, str]]:
    """(loc, text) for every key and scalar of the front-matter, decoded; a
    key's loc is its own (its line), a scalar's that of its field or item."""
    stack: list[tuple[tuple, object]] = [((), data)]
    while stack:  # iterative: nesting depth is bounded elsewhere, but never trust it here
        loc, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                yield loc + (key,), str(key)
                stack.append((loc + (key,), item))
        elif isinstance(value, list):
            stack.extend((loc + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            yield loc, value
        elif isinstance(value, (bytes, bytearray)):  # !!binary: refused as a tag, but never let it hide a number
            yield loc, _decode_bytes(bytes(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            # 8_112_189_876 and 8.112189876e+9 are published as 8112189876(.0)
            yield loc, str(value)


def _decode_bytes(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def check_identity_numbers(content: str, path: str, problems: ProblemList, parsed: Parsed | None = None,
                           front_matter_readable: bool = True) -> None:
    """Report every personnummer/samordningsnummer in a content file, once
    per line and kind.

    ``parsed``: the file's front-matter when the caller has it; without it
    the front-matter is parsed here (about 0.3 ms a file), so that the rule
    needs a single call before the file is otherwise read.
    """
    reported: set[tuple[int, str]] = set()
    for hit in find_in_file(content, parsed, front_matter_readable):
        if (hit.line, hit.kind) not in reported:
            reported.add((hit.line, hit.kind))
            problems.error(path, hit.line, MESSAGE.format(kind=hit.kind))
