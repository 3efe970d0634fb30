"""Helpers for the checker tests: a small bank on disk and the checker run on it.

A bank is written with :func:`write_bank` from text (written as is), bytes
(written raw, for encoding tests) or dicts (dumped as YAML front-matter).
It always holds one known-good file of each kind, so a test only writes the
file it is about; :func:`check` then runs the checker both through
``load_bank()`` and through the command line and returns the formatted
``path:line: meddelande`` lines (paths relative to the bank root).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import yaml

from metodbank.bank import load_bank
from metodbank.cli import main
from metodbank.settings import read_settings

GOOD_PROJEKT = """\
---
titel: Exempelprojektet
förbund: Samordningsförbundet Exempel
status: avslutat
period:
  start: 2019-03
  slut: 2021-12
parter: [arbetsformedlingen, kommun]
målgrupp: [unga-vuxna-20-29]
metoder: [exempelmetod]
budget_kr: 4500000
resultat:
  sammanfattning: Fyrtio deltagare började och femton fick arbete.
  deltagare: 40
  till_arbete: 15
  till_studier: 5
framgång:
  grad: 1
  motivering: Deltagarna kom närmare arbete och metoden prövades.
systemfel:
  - id: exempelfel
    observation: Kostnaderna hamnade hos kommunen trots att staten vann.
    underlag: kalkyl
lärdomar:
  - Tidig kontakt med arbetsgivare var avgörande.
utvärdering:
  - titel: Slutrapport
    länk: https://example.org/slutrapport
---
## Bakgrund

Projektet prövade en ny metod.
"""

GOOD_METOD = """\
---
titel: Exempelmetoden
sammanfattning: En metod där deltagaren får stöd på arbetsplatsen.
målgrupp: [unga-vuxna-20-29]
insatstid_månader: 12
evidens:
  nivå: måttlig
  länk: https://example.org/evidens
---
Så fungerar metoden.
"""

GOOD_SYSTEMFEL = """\
---
titel: Kostnader flyttas mellan huvudmän
sammanfattning: Den som betalar för insatsen är inte den som får vinsten.
kategori: finansiering
berörda: [kommun, forsakringskassan]
beslutsnivå: nationell
förslag: Inför en gemensam finansiering som följer individen mellan huvudmännen.
status: rapporterat
historik:
  - datum: 2020-05
    status: identifierat
    händelse: Mönstret syntes i en ärendegenomgång.
  - datum: 2021
    status: rapporterat
    händelse: Slutrapporten skickades till departementet.
---
Mekanismen.
"""

# The known-good files, by path relative to the bank root.
GOOD_FILES = {
    "projekt/exempelprojekt.md": GOOD_PROJEKT,
    "metoder/exempelmetod.md": GOOD_METOD,
    "systemfel/exempelfel.md": GOOD_SYSTEMFEL,
}


def replace(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} förekommer {text.count(old)} gånger"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (which must occur exactly once)."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} finns på raderna {hits}"
    return hits[0]


def front_matter(data: dict, body: str = "Text.\n") -> str:
    """A content file from a dict of front-matter fields."""
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{dumped}---\n{body}"


def write_bank(root: Path, files: dict | None = None, good: bool = True) -> Path:
    """Write a bank under ``root``: the good files (unless ``good=False``),
    then ``files`` ({relative path: str | bytes | dict}); ``None`` as content
    leaves that path out. Returns ``root``."""
    wanted = dict(GOOD_FILES) if good else {}
    wanted.update(files or {})
    for folder in ("projekt", "metoder", "systemfel"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for relative, content in wanted.items():
        if content is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            content = front_matter(content)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def load_lines(root: Path, today: dt.date | None = None, config: Path | None = None) -> list[str]:
    """The checker via ``load_bank()``: formatted problems, sorted. Runs in
    ``root`` so that paths in messages are relative to it, as for the CLI."""
    with contextlib.chdir(root):
        bank = load_bank(root, read_settings(config).vocab, today=today)
    return [problem.format() for problem in bank.problems.sorted()]


def run_cli(root: Path, *args: str, env: dict | None = None) -> tuple[int, list[str], str]:
    """``metodbank kontrollera ARGS`` run in ``root``: (exit code, stdout lines, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.pop("GITHUB_ACTIONS", None)
    os.environ.update(env or {})
    try:
        with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["kontrollera", *args])
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return code, out.getvalue().splitlines(), err.getvalue()


def check(root: Path, today: dt.date | None = None, config: Path | None = None) -> list[str]:
    """Run the checker both ways and return its lines.

    With ``today`` set (date-dependent warnings) only ``load_bank()`` runs,
    since the command line always uses the real date. Otherwise the command
    line must print exactly the same lines, and exit 1 exactly when there
    is an error.
    """
    lines = load_lines(root, today, config)
    if today is None or today == dt.date.today():
        args = ["--config", str(config)] if config else []
        code, printed, _ = run_cli(root, *args)
        assert printed == lines, "kommandoraden och load_bank() är oeniga"
        has_error = any(not line.split(": ", 1)[1].startswith("varning: ") for line in lines)
        assert code == (1 if has_error else 0)
    return lines


def tree_digest(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a hash of its bytes and its
    modification time (to prove a run changed nothing)."""
    digest = {}
    for path in sorted(root.rglob("*")):
        stat = path.stat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "mapp"
        digest[path.relative_to(root).as_posix()] = f"{content} {stat.st_mtime_ns} {stat.st_mode:o}"
    return digest
