"""Further subcommands (schema, ny, sök) registered on the main parser."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    gen = sub.add_parser("schema", help="skriv JSON Schema för de tre filtyperna till en mapp")
    gen.add_argument("mapp", nargs="?", default="schema", help="målmapp (standard: schema/)")
    gen.add_argument("--config", metavar="MKDOCS_YML")
    gen.set_defaults(handler=cmd_schema)
    __import__("metodbank.new").new.register(sub)  # metodbank ny projekt|metod|systemfel <slug>
    __import__("metodbank.search.cli", fromlist=["register"]).register(sub)


def cmd_schema(args) -> int:
    """``metodbank schema``: the schemas with the bank's vocabularies, read
    like every other command's (:func:`metodbank.settings.bank_settings`), so a
    broken ``mkdocs.yml`` is a Swedish message and exit 2 here too."""
    from . import schema
    from .settings import bank_settings, find_root

    settings = bank_settings(find_root(Path.cwd()) or Path.cwd(), args.config)
    for path in schema.write_all(Path(args.mapp), settings.vocab):
        print(path)
    return 0
