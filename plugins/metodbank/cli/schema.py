"""``metodbank schema [MAPP]``: write the JSON Schema of the three file types.

The schemas carry the bank's vocabularies, read like every other command's
(:func:`metodbank.settings.bank_settings`), so a broken ``mkdocs.yml`` is a
Swedish message and exit 2 here too. The generation is :mod:`metodbank.schema`.
"""

from __future__ import annotations

from pathlib import Path

from ..schema import write_all
from ..settings import bank_settings, find_root
from .common import EXIT_OK


def register(sub) -> None:
    gen = sub.add_parser("schema", help="skriv JSON Schema för de tre filtyperna till en mapp")
    gen.add_argument("mapp", nargs="?", default="schema", help="målmapp (standard: schema/)")
    gen.add_argument("--config", metavar="MKDOCS_YML")
    gen.set_defaults(handler=run)


def run(args) -> int:
    settings = bank_settings(find_root(Path.cwd()) or Path.cwd(), args.config)
    for path in write_all(Path(args.mapp), settings.vocab):
        print(path)
    return EXIT_OK
