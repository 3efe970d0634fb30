"""Further subcommands (schema, ny, sök) registered on the main parser."""

from __future__ import annotations


def register(sub) -> None:
    from . import schema

    gen = sub.add_parser("schema", help="skriv JSON Schema för de tre filtyperna till en mapp")
    gen.add_argument("mapp", nargs="?", default="schema", help="målmapp (standard: schema/)")
    gen.add_argument("--config", metavar="MKDOCS_YML")
    gen.set_defaults(handler=schema.cmd_schema)
    __import__("metodbank.new").new.register(sub)  # metodbank ny projekt|metod|systemfel <slug>
    __import__("metodbank.search.cli", fromlist=["register"]).register(sub)
