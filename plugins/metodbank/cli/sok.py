"""``metodbank sök``: search the bank from the terminal.

A thin adapter: find the bank, make sure the index is fresh
(:mod:`metodbank.search.fresh`), search (:mod:`metodbank.search.query`)
and print. Every user mistake ends as a Swedish message and exit code 2,
never a traceback.

Everything printed comes from content files anyone may have written, so
control characters are removed first (:func:`clean`): a title must not be
able to move the cursor, rewrite earlier lines or set the terminal's title.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from ..settings import Settings, bank_settings, config_file_for, find_root, is_bank_root, read_settings
from ..vokabular import GRAD_LABELS
from .common import EXIT_OK, EXIT_USAGE, UsageError

EPILOG = """\
sökfrågan:
  ord                   alla ord ska finnas (böjningsformer och sammansättningar
                        räknas: "coachning" hittar "studiecoachning")
  "exakt fras"          orden i följd
  coach*                ord som börjar så
  ord ELLER ord         något av orden (även OR)
  INTE ord, -ord        utesluter (även NOT)
  fält:värde            sök i ett fält: titel:, fakta:, brödtext:, förbund:,
                        typ:, målgrupp:, parter:, metoder:, systemfel:,
                        kategori:, grad:, status:, startår:
                        t.ex. systemfel:svarte-petter grad:2 startår:[2018 TO 2020]

exempel:
  metodbank sök "unga psykisk ohälsa" --målgrupp unga-vuxna-20-29 --grad 2 --typ projekt
  metodbank sök praktik --förbund "Södra Dalarna" --json
  metodbank sök --systemfel svarte-petter

Indexet byggs eller uppdateras automatiskt när innehållet har ändrats
(standard: <banken>/.cache/metodbank/sok).
"""

# (option, aliases, filter name, help)
FILTER_OPTIONS = [
    ("--typ", [], "typ", "projekt, metod eller systemfel"),
    ("--målgrupp", ["--malgrupp"], "målgrupp", "en målgrupp ur vokabulären, t.ex. unga-vuxna-20-29"),
    ("--part", ["--parter"], "parter", "en part, t.ex. forsakringskassan"),
    ("--metod", ["--metoder"], "metoder", "en metod (filnamnet i metoder/ utan .md)"),
    ("--systemfel", [], "systemfel", "ett systemfel (filnamnet i systemfel/ utan .md)"),
    ("--kategori", [], "kategori", "systemfelets kategori, t.ex. finansiering"),
    ("--förbund", ["--forbund"], "förbund", "förbundets namn eller en del av det, t.ex. 'Södra Dalarna'"),
    ("--grad", [], "grad", "grad av framgång: 0, 1, 2 eller 3 (för en metod: högsta grad i dess projekt)"),
    ("--status", [], "status", "t.ex. avslutat, pågående, rapporterat"),
    ("--år", ["--ar", "--startår"], "startår", "projektets startår, t.ex. 2019"),
]


def register(sub) -> None:
    parser = sub.add_parser(
        "sök", aliases=["sok"], help="sök bland projekt, metoder och systemfel",
        description="Sök i metodbanken. Träffarna rangordnas; titelträffar väger tyngst.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser._positionals.title = "sökord"
    parser.add_argument("fråga", nargs="*", metavar="SÖKORD", help="vad du söker (flera ord: alla ska finnas)")
    filters = parser.add_argument_group("filter (kan upprepas: --grad 2 --grad 3 betyder 2 eller 3)")
    for option, aliases, dest, text in FILTER_OPTIONS:
        filters.add_argument(option, *aliases, dest=f"filter_{dest}", action="append", metavar="VÄRDE", help=text)
    parser.add_argument("--json", action="store_true", help="skriv träffarna som JSON (för skript)")
    parser.add_argument("--limit", type=_positive, default=20, metavar="N", help="högst N träffar (standard: 20)")
    parser.add_argument("--index", metavar="MAPP", help="indexmapp (standard: <banken>/.cache/metodbank/sok)")
    parser.add_argument("--bank", metavar="MAPP", help="bankens mapp (standard: den som innehåller aktuell mapp)")
    parser.add_argument("--config", metavar="MKDOCS_YML", help="mkdocs.yml med vokabulär (standard: bankens egen)")
    parser.add_argument("--bygg-om", dest="rebuild", action="store_true", help="bygg om indexet från grunden")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget heltal") from None
    if value < 1:
        raise argparse.ArgumentTypeError("måste vara minst 1")
    return value


def run(args) -> int:
    # Whoosh loads here: `metodbank kontrollera` (the pre-commit path)
    # would otherwise pay 0.4 s of start-up for a search it never runs.
    from ..search import errors, fresh, query

    # root: the content folder (``innehall``), where the site build keeps its index too.
    settings, root = _bank_settings(args)
    if args.index:
        index_dir = Path(args.index)
    elif root is not None:
        index_dir = root / ".cache" / "metodbank" / "sok"
    else:
        raise UsageError("hittar ingen metodbank här: gå till bankens mapp eller ange --bank eller --index")
    # An explicit --index without --bank is read as it is (an index copied
    # from elsewhere); otherwise it is built or refreshed first, under .cache/.
    if root is not None and not (args.index and not args.bank):
        stats, bank = fresh.ensure_index(root, index_dir, settings.config_file, rebuild=args.rebuild, vocab=settings.vocab)
        if stats is not None and stats.written:
            _say(stats.summary())
        if bank is not None and not bank.ok:
            errors = len(bank.problems.errors)
            _say(f"obs: {errors} fel i innehållet; filer med fel saknas i sökningen — kör 'metodbank kontrollera'")
    filters = {name[len("filter_"):]: values for name, values in vars(args).items()
               if name.startswith("filter_") and values}
    text = " ".join(args.fråga)
    try:
        hits = query.search(index_dir, text, filters, limit=args.limit)
    except errors.SearchError as exc:
        _say(f"metodbank sök: {exc.message}")
        return EXIT_USAGE
    site_url = settings.site_url if settings is not None else ""
    if args.json:
        payload = {
            "fråga": text, "filter": filters, "antal": hits.total, "visade": len(hits),
            "alla_ord": not hits.any_word,
            "träffar": [dict(h.to_json(), länk=site_url + h.url if site_url else None) for h in hits],
        }
        sys.stdout.write(json_for_terminal(payload) + "\n")
        return EXIT_OK
    _print_hits(hits, root, site_url, sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    return EXIT_OK


def _bank_settings(args) -> tuple[Settings | None, Path | None]:
    """(settings, content folder) of the bank to search, from ``--bank`` or
    the folders above the working directory, ``--config`` overriding its
    ``mkdocs.yml``; outside a bank (None, None), or only ``--config``'s
    settings (for the site's address)."""
    if args.bank:
        folder = Path(args.bank)
        if not is_bank_root(folder) and not (folder / "mkdocs.yml").is_file():
            raise UsageError(
                f"'{args.bank}' är ingen metodbank (mappen saknar projekt/, metoder/ och systemfel/ och mkdocs.yml)")
    else:
        folder = find_root(Path.cwd())
    if folder is not None:
        settings = bank_settings(folder, args.config)
        return settings, settings.innehall
    if args.config:  # only the address of the site, for hits from a published --index
        return read_settings(config_file_for(Path.cwd(), args.config), root=Path.cwd()), None
    return None, None


# Escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes;
# 7- and 8-bit), then any other control character but line feed and tab.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text) -> str:
    """``text`` without terminal control: escape sequences and C0 (but line
    feed and tab) and C1 control characters removed."""
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def json_for_terminal(payload) -> str:
    """JSON with every control character escaped: ``json`` leaves DEL and
    the C1 range (8-bit escapes such as U+009B) as they are. They occur only
    inside strings, where ``\\u`` escapes keep the data intact."""
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    return re.sub("[\x7f-\x9f]", lambda match: f"\\u{ord(match.group()):04x}", text)


def _say(message: str) -> None:
    print(clean(message), file=sys.stderr)


def _print_hits(hits, root: Path | None, site_url: str, tty: bool) -> None:
    # Loaded with the search, not at start-up (see run).
    from ..search.snippets import render

    bold, plain = ("\033[1m", "\033[0m") if tty else ("", "")
    mark = ("\033[1m", "\033[0m") if tty else ("«", "»")
    if not hits:
        print("Inga träffar. Pröva färre eller andra ord, eller ta bort ett filter.")
        return
    if hits.any_word:
        print("Inget dokument innehåller alla orden; här är de som har något av dem.\n")
    shown = f"{len(hits)} av {hits.total}" if hits.total > len(hits) else f"{hits.total}"
    print(f"{shown} {'träff' if hits.total == 1 else 'träffar'}\n")
    width = len(str(len(hits)))
    indent = " " * (width + 2)
    for number, hit in enumerate(hits, 1):
        print(f"{number:>{width}}. {bold}{clean(hit.titel)}{plain}")
        print(f"{indent}{clean(_facts(hit))}")
        # Our own marks are added after the pieces are cleaned.
        text = render([(clean(piece), marked) for piece, marked in hit.pieces], *mark)
        if text:
            print(f"{indent}{text}")
        print(f"{indent}{clean(_where(hit, root, site_url))}")
        print()


def _facts(hit) -> str:
    parts = [hit.typ]
    if hit.grad is not None:
        label = GRAD_LABELS.get(hit.grad, "").lower()
        parts.append(f"{'högsta grad' if hit.typ == 'metod' else 'grad'} {hit.grad} ({label})")
    if hit.status:
        parts.append(hit.status)
    if hit.startår:
        parts.append(f"start {hit.startår}")
    if hit.förbund:
        names = hit.förbund[:3] + ([f"+{len(hit.förbund) - 3} till"] if len(hit.förbund) > 3 else [])
        parts.append(", ".join(names))
    return " · ".join(parts)


def _where(hit, root: Path | None, site_url: str) -> str:
    path = hit.path
    if root is not None:
        try:
            path = os.path.relpath(root / hit.path)
        except ValueError:  # another drive on Windows
            path = str(root / hit.path)
    return f"{path}  →  {site_url + hit.url if site_url else '/' + hit.url}"
