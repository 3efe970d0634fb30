"""Rules across files: references between files and near-duplicate förbund names."""

from __future__ import annotations

from collections import Counter, defaultdict

from .. import kinds
from ..body import file_exists, site_path  # the same mapping the build links with
from ..forbund import identifier
from ..model import _SLUG
from ..suggest import edit_distance, may_be_within, nearest


def _slug_list(value) -> list:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _known_slugs(bank) -> dict[str, set[str]]:
    """Slugs of every file in each folder, valid or not (a broken file still exists)."""
    known: dict[str, set[str]] = {kind.folder: set(bank.documents(kind.folder))
                                  for kind in (kinds.METOD, kinds.SYSTEMFEL)}
    for kind, slug, _path, _parsed in bank.parsed:
        if slug and kind in known:
            known[kind].add(slug)
    return known


def _reference(bank, known: dict[str, set[str]], kind: str, slug: str, path: str, line: int, field: str) -> None:
    if slug in known[kind]:
        return
    best = nearest(slug, sorted(known[kind]))
    hint = f" Menade du '{best}'?" if best else ""
    target = kinds.BY_FOLDER[kind]
    new = "Är den ny? Skapa den" if target.genus == "en" else "Är det nytt? Skapa det"  # en metod, ett systemfel
    # Only a valid slug can be created (an invalid one is also reported at the field).
    create = f" {new} med: metodbank ny {target.singular} {slug}" if _SLUG.match(slug) else ""
    bank.problems.error(
        path, line,
        f"{field}: {target.definite} '{slug}' finns inte (ingen fil {target.folder}/{slug}.md).{hint}{create}",
    )


# The parts of a project's front-matter that the bank-wide rules read.
_CROSS_FILE_KEYS = ("metoder", "systemfel", "framgång", "förbund")


def slim(parsed):
    """A copy of ``parsed`` with only what the bank-wide rules need: small to
    send back from a worker process."""
    from ..frontmatter import Parsed

    data = {key: parsed.data[key] for key in _CROSS_FILE_KEYS if key in parsed.data}
    lines = {loc: line for loc, line in parsed.lines.items() if loc and loc[0] in _CROSS_FILE_KEYS}
    return Parsed(data, "", parsed.body_line, lines, links=parsed.links)


def _check_links(bank) -> None:
    """Every relative link and image in a body points to something the site
    publishes (a content file or a file under docs/), so a clean check means
    a clean build: MkDocs would otherwise fail later, in English."""
    exists = file_exists(bank.root, {f"{kind}/{slug}.md" for kind, slug, _path, _parsed in bank.parsed if slug})

    for _kind, _slug, path, parsed in bank.parsed:
        for line, url, target, image in parsed.links:
            if target.startswith("../") or target == "..":
                what = "bilden" if image else "länken"
                bank.problems.error(path, line, f"{what} '{url}' pekar utanför banken: länka till en fil i banken eller till en https://-adress")
            elif site_path(target, exists) is None:
                what = "bilden" if image else "länken"
                where = ("lägg bilden under docs/ (till exempel docs/bilder/) och peka dit" if image
                         else "rätta sökvägen, eller länka till en https://-adress")
                bank.problems.error(path, line, f"{what} '{url}' pekar på {target}, som inte finns i banken: {where}")


def check(bank) -> None:
    _check_links(bank)
    forbund_files: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    known = _known_slugs(bank)
    forbund_identity = identifier(bank.vocab)  # the one identity rule, as the site and search group them
    for kind, _slug, path, parsed in bank.parsed:
        if kind != kinds.PROJEKT.folder:
            continue
        data = parsed.data
        for index, slug in enumerate(_slug_list(data.get("metoder"))):
            _reference(bank, known, kinds.METOD.folder, slug, path, parsed.line_of(("metoder", index)), "metoder")
        for index, obs in enumerate(data.get("systemfel") or [] if isinstance(data.get("systemfel"), list) else []):
            if isinstance(obs, dict) and isinstance(obs.get("id"), str):
                _reference(bank, known, kinds.SYSTEMFEL.folder, obs["id"], path, parsed.line_of(("systemfel", index, "id")),
                           "systemfel")
        beslut = (data.get("framgång") or {}).get("beslut") if isinstance(data.get("framgång"), dict) else None
        for b_index, item in enumerate(beslut if isinstance(beslut, list) else []):
            if isinstance(item, dict):
                for s_index, slug in enumerate(_slug_list(item.get("systemfel"))):
                    loc = ("framgång", "beslut", b_index, "systemfel", s_index)
                    _reference(bank, known, kinds.SYSTEMFEL.folder, slug, path, parsed.line_of(loc),
                               "framgång.beslut.systemfel")
        names = data.get("förbund")
        names = [names] if isinstance(names, str) else _slug_list(names)
        for index, name in enumerate(names):
            line = parsed.line_of(("förbund", index)) if isinstance(data.get("förbund"), list) else parsed.line_of(("förbund",))
            forbund_files[forbund_identity(name)].append((path, line, name))
    if not bank.vocab.forbund_listed:
        _warn_near_duplicates(bank, forbund_files)


def _warn_near_duplicates(bank, forbund_files) -> None:
    """Two near-identical förbund names are probably one förbund misspelt.
    The warning goes on the spelling fewer files use, so the file with the
    typo hears about it even when it is checked alone; when both spellings
    are equally common, on both."""
    names = sorted(forbund_files)
    # Comparing every pair was 0.18 s of checking one file at 5,000 projects:
    # a cheap necessary condition passes over most pairs first.
    letters = {name: Counter(name) for name in names}
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if (not may_be_within(first, second, 2, letters[first], letters[second])
                    or edit_distance(first, second, 3) > 2):
                continue
            first_files = len({path for path, _line, _name in forbund_files[first]})
            second_files = len({path for path, _line, _name in forbund_files[second]})
            if first_files <= second_files:
                _warn_spelling(bank, forbund_files[first], forbund_files[second], second_files)
            if second_files <= first_files:
                _warn_spelling(bank, forbund_files[second], forbund_files[first], first_files)


def _warn_spelling(bank, odd: list, usual: list, usual_files: int) -> None:
    other_path, other_line, other_name = usual[0]
    where = (f" i {other_path}:{other_line}" if usual_files == 1
             else f", som står i {usual_files} filer, t.ex. {other_path}:{other_line}")
    for path, line, name in odd:
        bank.problems.warning(
            path, line,
            f"förbundet '{name}' liknar '{other_name}'{where} — är det samma förbund? Stava i så fall likadant",
        )
