"""The command line: ``metodbank kontrollera | ny | sök | schema``.

A thin adapter over the core: it parses arguments, calls the core and
prints. Exit codes: 0 clean (warnings allowed), 1 content errors,
2 usage errors, a broken ``mkdocs.yml`` included (see :mod:`metodbank.settings`).

- this package: the parser, :func:`main` and argparse in Swedish;
- one module per subcommand, each with ``register(sub)`` and ``run(args)``:
  :mod:`.kontrollera`, :mod:`.ny`, :mod:`.sok`, :mod:`.schema`;
- :mod:`.common`: the exit codes and :class:`UsageError` the subcommands
  share (defined there, not here, so that no subcommand imports this package,
  which imports them; they are re-exported here).

The subcommands import the core; the core never imports the command line
(tests/test_cli.py checks both).
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import cache

from ..settings import SettingsError
from . import kontrollera, ny, schema, sok
from .common import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, UsageError

__all__ = ["main", "build_parser", "UsageError", "EXIT_OK", "EXIT_CONTENT", "EXIT_USAGE"]

# --------------------------------------------------------------------------
# argparse in Swedish
#
# argparse writes its own texts in English through gettext. Rather than
# change gettext's global state, the parser below brings its own headings,
# usage prefix and help option, and translates argparse's error messages:
# each English template (as argparse formats it with %) is matched back into
# its values and written out again in Swedish. A message argparse adds in a
# later Python stays English until it is listed here; tests/test_cli.py
# checks the ones users meet.

_TEMPLATES = [
    ("argument %(argument_name)s: %(message)s", "{argument_name}: {message}"),
    ("unrecognized arguments: %s", "okända argument: {0}"),
    ("the following arguments are required: %s", "följande argument saknas: {0}"),
    ("invalid choice: %(value)r (choose from %(choices)s)", "ogiltigt val {value} (välj bland {choices})"),
    ("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)",
     "ogiltigt val {value}, menade du {closest}? (välj bland {choices})"),
    ("expected one argument", "ett värde saknas"),
    ("expected at most one argument", "tar högst ett värde"),
    ("expected at least one argument", "kräver minst ett värde"),
    ("expected %s argument", "kräver {0} värde"),
    ("expected %s arguments", "kräver {0} värden"),
    ("ambiguous option: %(option)s could match %(matches)s", "flaggan {option} är tvetydig: den kan vara {matches}"),
    ("not allowed with argument %s", "kan inte kombineras med {0}"),
    ("ignored explicit argument %r", "tar inget värde (fick {0})"),
    ("one of the arguments %s is required", "ett av argumenten {0} krävs"),
    ("invalid %(type)s value: %(value)r", "ogiltigt värde {value} ({type})"),
    ("unexpected option string: %s", "oväntad flagga: {0}"),
    ("can't open '%(filename)s': %(error)s", "kan inte öppna '{filename}': {error}"),
    ("unknown parser %(parser_name)r (choices: %(choices)s)", "okänt kommando {parser_name} (välj bland {choices})"),
]
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sr]")


def _pattern(template: str) -> re.Pattern:
    """``template`` as a regular expression: ``%(name)s`` becomes the group
    ``name``, an unnamed ``%s`` the group ``p0``, ``p1``, …"""
    parts, position, unnamed = [], 0, 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position:match.start()]))
        name = match.group(1)
        if name is None:
            name, unnamed = f"p{unnamed}", unnamed + 1
        parts.append(f"(?P<{name}>.*?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


_TRANSLATIONS = [(_pattern(english), swedish) for english, swedish in _TEMPLATES]


def translate(message: str) -> str:
    """One of argparse's error messages in Swedish (others as they are)."""
    for pattern, swedish in _TRANSLATIONS:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = match.groupdict()
        if "message" in values:  # "argument --x: <a message of its own>"
            values["message"] = translate(values["message"])
        unnamed = sorted((key for key in values if key[0] == "p" and key[1:].isdigit()), key=lambda key: int(key[1:]))
        positional = [values.pop(key) for key in unnamed]
        return swedish.format(*positional, **values)
    return message


@cache
def _swedish_formatter(formatter: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """``formatter`` with the usage line headed in Swedish."""

    class Swedish(formatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)

    Swedish.__name__ = Swedish.__qualname__ = f"Swedish{formatter.__name__}"
    return Swedish


class SwedishParser(argparse.ArgumentParser):
    """argparse in Swedish: headings, usage, ``-h/--hjälp/--help``, and usage
    errors as ``metodbank: fel: …`` (exit 2) followed by the usage."""

    def __init__(self, *args, formatter_class=argparse.HelpFormatter, add_help: bool = True, **kwargs):
        super().__init__(*args, formatter_class=_swedish_formatter(formatter_class), add_help=False, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        if add_help:
            self.add_argument("-h", "--hjälp", "--help", action="help", help="visa den här hjälpen")

    def error(self, message):
        # The error first: it is what the user must read, and it is the
        # line scripts and tests look for ("metodbank: …").
        print(f"metodbank: fel: {translate(message)}", file=sys.stderr)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE)


# --------------------------------------------------------------------------
# The command


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(prog="metodbank", description="Metodbanken: kontrollera, skapa och sök i innehållet.")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser._positionals.title = "kommandon"
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=SwedishParser)
    for command in (kontrollera, schema, ny, sok):
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"metodbank: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SettingsError as exc:  # a broken mkdocs.yml, as "mkdocs.yml:12: meddelande"
        print(exc if exc.path else f"metodbank: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
