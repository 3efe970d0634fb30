"""Rules that span several fields of one file (the contract's cross-field rules).

They read the raw front-matter defensively, so they still run and report
when some unrelated field in the same file is broken.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import vokabular as v
from ..datum import Datum, try_parse
from ..frontmatter import Parsed
from ..kinds import Grad
from ..model import _SLUG, own_metoder
from ..problems import ProblemList
from ..suggest import did_you_mean


def _get(data, *keys):
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def _items(value) -> list:
    return value if isinstance(value, list) else []


def _absent(value) -> bool:
    """Missing or an empty list; a value of the wrong type is the field's own error."""
    return value is None or value == []


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_projekt(parsed: Parsed, path: str, problems: ProblemList, today: dt.date) -> None:
    data = parsed.data
    line = parsed.line_of
    status = data.get("status")
    start = try_parse(_get(data, "period", "start"))
    slut = try_parse(_get(data, "period", "slut"))
    finished = status in v.STATUS_AVSLUTADE

    if finished and _get(data, "period", "slut") is None and isinstance(data.get("period"), dict):
        problems.error(path, line(("period",)), f"period.slut krävs när status är '{status}'")
    if start and slut and slut.is_before(start):
        problems.error(path, line(("period", "slut")), f"period.slut ({slut}) ligger före period.start ({start})")

    if status in v.STATUS_STARTADE and data.get("resultat") is None:
        # Also an empty 'resultat:' line: the field is there but says nothing.
        where = line(("resultat",)) if "resultat" in data else line(("status",))
        problems.error(path, where, f"fältet 'resultat' krävs när status är '{status}' (bara planerade projekt saknar resultat)")

    resultat = data.get("resultat")
    deltagare = _int(_get(resultat, "deltagare"))
    arbete, studier = _int(_get(resultat, "till_arbete")), _int(_get(resultat, "till_studier"))
    if deltagare is not None and (arbete or 0) + (studier or 0) > deltagare:
        where = ("resultat", "till_studier") if studier is not None else ("resultat", "till_arbete")
        problems.error(
            path,
            line(where),
            f"till_arbete + till_studier ({(arbete or 0) + (studier or 0)}) är fler än deltagare ({deltagare})",
        )

    _check_degree_evidence(parsed, path, problems)
    _check_implementation_metod(parsed, path, problems)

    for key in ("implementerad_hos", "beslut"):
        for index, item in enumerate(_items(_get(data, "framgång", key))):
            year = _int(_get(item, "år"))
            if start and year is not None and year < start.year:
                problems.error(
                    path,
                    line(("framgång", key, index, "år")),
                    f"framgång.{key}[{index + 1}].år ({year}) ligger före projektets start ({start})",
                )

    if finished and _absent(data.get("lärdomar")):
        problems.error(path, line(("lärdomar",)) if "lärdomar" in data else line(("status",)),
                       f"minst en lärdom krävs när status är '{status}' — vad skulle andra behöva veta?")
    if status == v.AVBRUTET and not data.get("avbrottsorsak"):
        problems.error(path, line(("status",)), f"fältet 'avbrottsorsak' krävs när status är '{status}': berätta varför projektet avbröts")

    _check_currency(data, parsed, path, problems, today, start, slut)


def _check_degree_evidence(parsed: Parsed, path: str, problems: ProblemList) -> None:
    data = parsed.data
    grad = _get(data, "framgång", "grad")
    where = parsed.line_of(("framgång", "grad"))
    if grad == Grad.FÖRSTA and not isinstance(data.get("resultat"), dict):
        problems.error(path, where, "grad 1 kräver ett ifyllt 'resultat': vad hände med deltagarna?")
    if grad == Grad.ANDRA and _absent(_get(data, "framgång", "implementerad_hos")):
        problems.error(
            path, where,
            "grad 2 kräver 'framgång.implementerad_hos': vilken organisation använder metoden efter projektet?",
        )
    if grad == Grad.TREDJE:
        if _absent(_get(data, "framgång", "beslut")):
            problems.error(path, where, "grad 3 kräver 'framgång.beslut': vilket systemförändrande beslut fattades?")
        if _absent(data.get("systemfel")):
            problems.error(path, where, "grad 3 kräver minst ett observerat systemfel under 'systemfel'")


def _check_implementation_metod(parsed: Parsed, path: str, problems: ProblemList) -> None:
    """Each implementation is of one of the project's own metoder (contract
    version 2): required when the project lists several, implied when it
    lists one (and then, when written, it must be that one)."""
    own = own_metoder(parsed.data)
    if not own:
        return  # no usable metoder: that field's own error says so
    listed = ", ".join(own)
    for index, item in enumerate(_items(_get(parsed.data, "framgång", "implementerad_hos"))):
        if not isinstance(item, dict):
            continue
        name = f"framgång.implementerad_hos[{index + 1}]"
        where = parsed.line_of(("framgång", "implementerad_hos", index, "metod"))  # the item's line when absent
        metod = item.get("metod")
        if metod is None:
            if len(own) > 1:
                problems.error(path, where, f"{name}: ange vilken av projektets metoder som implementerades — "
                                            f"skriv metod: och en av: {listed}")
            continue
        if not isinstance(metod, str) or metod in own:
            continue  # a number or a list is the field's own error ("ska vara text")
        hint = did_you_mean(metod, own)
        # A real slug that is not a typo of one of them: perhaps a metod the project forgot to list.
        forgotten = (f" (använde projektet också '{metod}'? Lägg då till den under metoder)"
                     if not hint and _SLUG.match(metod) else "")
        if len(own) > 1:
            message = f"'{metod}' är inte en av projektets metoder{hint or '.'} Skriv en av: {listed}{forgotten}"
        else:
            message = (f"'{metod}' är inte projektets metod{hint or '.'} Projektet har bara metoden '{own[0]}': "
                       f"skriv den eller ta bort raden{forgotten}")
        problems.error(path, where, f"{name}.metod: {message}")


def stale_reason(status, start: Datum | None, slut: Datum | None, today: dt.date) -> str | None:
    """Why a project's write-up looks out of date, or None (clearinghouse-style re-review)."""
    if status == v.PÅGÅENDE and slut and slut.last_day < today:
        return f"projektet är '{status}' men period.slut ({slut}) har passerat — uppdatera status och resultat"
    if status == v.PLANERAT and start and start.first_day < today - dt.timedelta(days=365):
        return f"projektet är '{status}' men skulle ha startat {start} — har det startat, eller ska det strykas?"
    return None


def _check_currency(data, parsed, path, problems, today, start: Datum | None, slut: Datum | None) -> None:
    reason = stale_reason(data.get("status"), start, slut, today)
    if reason:
        problems.warning(path, parsed.line_of(("status",)), reason)


def check_systemfel(parsed: Parsed, path: str, problems: ProblemList) -> None:
    data = parsed.data
    historik = _items(data.get("historik"))
    latest = None  # the entry so far that starts last
    for index, entry in enumerate(historik):
        datum = try_parse(_get(entry, "datum"))
        if datum is None:
            continue
        # A date is its whole period (contract): 2020 may follow 2020-05.
        if latest and datum.is_before(latest):
            problems.error(
                path, parsed.line_of(("historik", index, "datum")),
                f"historik ska stå i datumordning, äldst först: händelsen från {datum} står efter den från {latest}",
            )
        if latest is None or datum.first_day > latest.first_day:
            latest = datum
    if historik:
        last = _get(historik[-1], "status")
        if isinstance(last, str) and isinstance(data.get("status"), str) and data.get("status") != last:
            problems.error(
                path, parsed.line_of(("status",)),
                f"status ('{data.get('status')}') ska vara samma som sista händelsen i historik ('{last}')",
            )


# --------------------------------------------------------------------------
# The body

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


def check_body(parsed: Parsed, path: str, problems: ProblemList) -> None:
    """A heading with nothing under it is a warning at its line: the page
    would show it empty. Nothing counts as text that the page does not show
    (blank lines, ``<!-- kommentarer -->``); a deeper heading with text counts."""
    # Comments removed, their line breaks kept, so indexes stay file lines.
    body = _COMMENT.sub(lambda match: "\n" * match.group().count("\n"), parsed.body)
    headings: list[tuple[int, int, str]] = []  # (index, level, title)
    has_text = []
    fence = None
    for index, line in enumerate(body.split("\n")):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            has_text.append(True)
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
            has_text.append(True)
            continue
        match = _HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), (match.group(2) or "").strip()))
        has_text.append(not match and bool(line.strip()))
    refused = {problem.line for problem in problems if problem.path == path and problem.is_error}
    for number, (index, level, title) in enumerate(headings):
        following = headings[number + 1] if number + 1 < len(headings) else None
        if following is not None and following[1] > level:
            continue  # a subheading follows: it is checked itself
        end = following[0] if following else len(has_text)
        if parsed.body_line + index in refused:
            continue  # the heading itself is wrong (e.g. HTML in it): that error is the message
        if not any(has_text[index + 1 : end]):
            shown = f"'{title}'" if title else f"'{'#' * level}'"
            problems.warning(
                path, parsed.body_line + index,
                f"rubriken {shown} har ingen text under sig: skriv något under den eller ta bort rubriken"
                " (kommentarer <!-- … --> syns inte på sidan)",
            )
