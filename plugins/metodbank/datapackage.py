"""``data/datapackage.json``: a Frictionless Data Package (v2,
https://datapackage.org/) describing every open-data file in ``data/``.

It is generated from the same :class:`metodbank.exports.Table` descriptions
the CSV writer takes its header and cells from, so a column cannot be
written without being described, nor described without being written. Paths
are relative to the package (``projekt.csv``), so the package is valid
wherever the folder is copied; only ``homepage`` names the site, when its
address (``site_url``) is known.

Nothing here depends on the build's date or order: two builds of the same
bank write the same bytes.
"""

from __future__ import annotations

import json

from .vokabular import Vocabularies

FILE_NAME = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

#: How every CSV file is written (exports.Table.csv takes its writer's
#: settings from here): Swedish Excel's dialect.
CSV_DIALECT = {
    "header": True,
    "delimiter": ";",
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "doubleQuote": True,
}
#: UTF-8, with a byte-order mark first (so that Excel reads å, ä, ö right);
#: Python reads it with encoding="utf-8-sig".
ENCODING = "utf-8"
#: Between the items of a list in one CSV cell, in every file.
LIST_SEPARATOR = " | "


def _field(column, vocab: Vocabularies, site_url: str) -> dict:
    field = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "list":
        field["delimiter"] = LIST_SEPARATOR
        field["itemType"] = "string"
    if column.name == "url" and site_url:
        field["format"] = "uri"
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.enum is not None:
        constraints["enum"] = list(column.enum(vocab) if callable(column.enum) else column.enum)
    for name in ("minimum", "maximum", "pattern"):
        if getattr(column, name) is not None:
            constraints[name] = getattr(column, name)
    if constraints:
        field["constraints"] = constraints
    return field


def _table_resource(table, vocab: Vocabularies, site_url: str) -> dict:
    schema = {"fields": [_field(column, vocab, site_url) for column in table.columns]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [fk.column], "reference": {"resource": fk.table, "fields": [fk.key]}}
            for fk in table.foreign_keys
        ]
    return {
        "name": table.name,
        "type": "table",
        "path": table.path,
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "dialect": dict(CSV_DIALECT),
        "schema": schema,
    }


def _json_resource(name: str, title: str, description: str) -> dict:
    return {
        "name": f"{name}-json",
        "path": f"{name}.json",
        "title": title,
        "description": description,
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
    }


def describe(tables, json_files, vocab: Vocabularies, site_url: str = "") -> dict:
    """The data package as a dict: ``tables`` (exports.TABLES), then the
    JSON documents ``json_files`` ((name, title, description), in data/)."""
    package = {
        "$schema": PROFILE,
        "name": "metodbanken",
        "title": "Metodbanken – öppna data",
        "description": (
            "Samverkansprojekt, metoder och systemfel från Sveriges samordningsförbund. CSV-filerna och "
            "JSON-filerna innehåller samma uppgifter. CSV-filerna är sparade som UTF-8 med BOM, med semikolon "
            f"mellan fälten; en lista i en cell har '{LIST_SEPARATOR.strip()}' mellan värdena. En tom cell "
            "betyder att uppgiften saknas."
        ),
    }
    if site_url:
        package["homepage"] = f"{site_url}oppna-data/"
    package["resources"] = [_table_resource(table, vocab, site_url) for table in tables]
    package["resources"] += [_json_resource(*entry) for entry in json_files]
    return package


def render(tables, json_files, vocab: Vocabularies, site_url: str = "") -> str:
    return json.dumps(describe(tables, json_files, vocab, site_url), ensure_ascii=False, indent=2) + "\n"
