"""``metodbank kontrollera [SÖKVÄG …]``: check the content against the content model.

Every file of the bank is read (rules span files); the problems printed are
those in the paths asked for. Exit 1 when there is an error, 0 otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..bank import display_base, load_bank
from ..collector import fewer_collections
from ..problems import summary
from ..settings import Settings, bank_settings, find_root, is_bank_root
from .common import EXIT_CONTENT, EXIT_OK, UsageError


def register(sub) -> None:
    check = sub.add_parser("kontrollera", help="kontrollera innehållet mot innehållsmodellen")
    check.add_argument("paths", nargs="*", metavar="SÖKVÄG", help="filer eller mappar (standard: aktuell mapp)")
    check.add_argument("--config", metavar="MKDOCS_YML", help="mkdocs.yml med vokabulär (standard: bankens egen)")
    check.add_argument("--github", action="store_true", help="skriv även GitHub-annoteringar (automatiskt i GitHub Actions)")
    check.add_argument("--progress", action="store_true", help="visa förlopp även när utdata inte är en terminal")
    check.add_argument("-q", "--quiet", action="store_true", help="ingen sammanfattning")
    check.set_defaults(handler=run)


def _progress_printer(enabled: bool):
    """Progress on a terminal, silence in CI logs unless asked for."""
    if not enabled:
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 250 == 0:
            print(f"\rkontrollerar {done}/{total} filer …", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def run(args) -> int:
    targets = [Path(p) for p in args.paths] or [Path.cwd()]
    for target in targets:
        if not target.exists():
            raise UsageError(f"'{target}' finns inte")
    by_root: dict[Path, tuple[Settings, list[Path]]] = {}
    for target in targets:
        folder = target.resolve() if is_bank_root(target) else find_root(target)
        if folder is None:
            raise UsageError(
                f"'{target}' ligger inte i en metodbank: ange mappen som innehåller projekt/, metoder/ och systemfel/"
            )
        settings = bank_settings(folder, args.config)
        root, wanted = settings.innehall, target.resolve()
        if not is_bank_root(root):
            # Checking "0 filer" and passing would hide a wrong innehall.
            raise UsageError(f"det finns varken projekt/, metoder/ eller systemfel/ i {root}: ange bankens"
                             " innehållsmapp med innehall i mkdocs.yml, eller gå till bankens mapp")
        if not (wanted == root or root in wanted.parents or wanted in root.parents):
            raise UsageError(f"'{target}' ligger utanför bankens innehållsmapp {root} (innehall i mkdocs.yml)")
        by_root.setdefault(root, (settings, []))[1].append(wanted)
        # A content file that is itself a (permitted) symbolic link is reported
        # under its own name, not its target's: match that name too.
        named = Path(os.path.normpath(os.path.abspath(target)))
        if named != wanted:
            by_root[root][1].append(named)

    show_progress = args.progress or (sys.stderr.isatty() and not os.environ.get("CI"))
    problems = []
    files = 0
    for root, (settings, wanted) in by_root.items():
        with fewer_collections():
            bank = load_bank(root, settings.vocab, progress=_progress_printer(show_progress), check_only=True,
                             cache_dir=root / ".cache" / "metodbank")  # a warm cache: one changed file is re-read
        files += bank.files
        whole = any(w == root or w in root.parents for w in wanted)
        base = display_base(root)  # what the paths in messages are relative to
        for problem in bank.problems.sorted():
            absolute = Path(os.path.normpath(base / problem.path))  # a symlinked file stays where it is
            if whole or any(absolute == w or w in absolute.parents for w in wanted):
                problems.append(problem)
    problems.sort()
    github = args.github or os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        print(problem.format())
        if github:
            print(problem.github_annotation())
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not args.quiet:
        print(("✔ " if not errors else "✘ ") + summary(files, errors, warnings), file=sys.stderr)
    return EXIT_CONTENT if errors else EXIT_OK
