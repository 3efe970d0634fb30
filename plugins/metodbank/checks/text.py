"""Rules on the raw text of a file: personal identity numbers and unsafe HTML."""

from __future__ import annotations

import datetime as dt
import bisect
import re

from ..problems import ProblemList

# 10 or 12 digits, optionally with - or + before the last four.
_PNR = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)(?![\d])")


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


_CANDIDATE = re.compile(r"\d{6}[-+]?\d{4}")


def find_identity_numbers(text: str):
    """Yield (line, kind) for every valid personnummer/samordningsnummer in ``text``."""
    if not _CANDIDATE.search(text):  # cheap pre-filter: most files hold no such digit run
        return
    if "\r" in text:  # lines end as in frontmatter.split: \n, \r\n or \r
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    line, counted = 1, 0  # lines counted incrementally: linear even with many hits
    for match in _PNR.finditer(text):
        century, yy, mm, dd, _sep, serial, check = match.groups()
        if not _valid_date_part(yy, mm, dd):
            continue
        if not luhn_ok(yy + mm + dd + serial + check):
            continue
        kind = "samordningsnummer" if int(dd) > 60 else "personnummer"
        line += text.count("\n", counted, match.start())
        counted = match.start()
        yield line, kind


def check_identity_numbers(text: str, path: str, problems: ProblemList) -> None:
    for line, kind in find_identity_numbers(text):
        problems.error(
            path,
            line,
            f"raden innehåller ett {kind}: banken får aldrig innehålla deltagares personuppgifter — ta bort det",
        )


_UNSAFE_TAG = re.compile(r"<\s*(script|iframe|object|embed)\b", re.IGNORECASE)
# Tags and on…= attributes as tokens, so finding handlers stays linear in the
# length of the body (a pattern like '<x[^>]*on…=' is quadratic on text with
# many unclosed '<a').
_TAG_TOKEN = re.compile(r"<[a-zA-Z]|>|\s(on[a-zA-Z]++\s*+=)", re.IGNORECASE)
# 'javascript:' as a browser reads it: the colon may be an entity (&#58;, &colon;).
# Possessive quantifiers (*+) keep long runs of spaces from backtracking.
_JS_SCHEME = r"javascript(?::|&colon;|&#0*58;?|&#x0*3a;?)"
_JS_LINK = re.compile(
    r"(?:\]\(\s*+<?"  # [text](javascript:…)
    r"|^[ ]{0,3}\[[^\]\n]++\]:\s*+<?"  # [ref]: javascript:…
    r"|(?<![\w:-])[\w:-]{1,40}\s*+=\s*+[\"']?"  # href=, src=, action=, xlink:href= …
    r"|<)\s*+" + _JS_SCHEME,
    re.IGNORECASE | re.MULTILINE,
)


def _handler_offsets(body: str):
    """Offsets of on…= attributes inside an HTML tag."""
    in_tag = False
    for match in _TAG_TOKEN.finditer(body):
        token = match.group(0)
        if token == ">":
            in_tag = False
        elif token.startswith("<"):
            in_tag = True
        elif in_tag:
            yield match.start(1)


def check_unsafe_html(body: str, first_line: int, path: str, problems: ProblemList) -> None:
    newlines: list[int] = []  # offsets of every '\n', found on the first problem

    def line_at(offset: int) -> int:
        if not newlines:
            newlines.extend(match.start() for match in re.finditer("\n", body))
            newlines.append(len(body))
        return first_line + bisect.bisect_left(newlines, offset)

    for match in _UNSAFE_TAG.finditer(body):
        problems.error(
            path,
            line_at(match.start()),
            f"<{match.group(1).lower()}> är inte tillåtet i texten: skriv vanlig Markdown, länka i stället för att bädda in",
        )
    for offset in _handler_offsets(body):
        problems.error(path, line_at(offset), "HTML med händelseattribut (on…=) är inte tillåtet i texten")
    for match in _JS_LINK.finditer(body):
        problems.error(path, line_at(match.start()), "länkar till 'javascript:' är inte tillåtna; länka till en https://-adress")
