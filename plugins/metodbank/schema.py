"""JSON Schema for the three file types, generated from :mod:`metodbank.model`.

The schemas let editors with a YAML language server complete field names and
vocabulary values; the browser form validates against them too, and reads
from them what it would otherwise repeat: the length limits (``minLength``,
``maxLength``), the grades' labels and meanings (``x-etiketter``,
``x-betydelser`` on ``framgång.grad``) and the project statuses that make a
field required (``x-krävs-vid-status``). They are committed under
``schema/``; a test fails when they drift from the model.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import kinds
from .model import KINDS
from .vokabular import Vocabularies

SCHEMA_BASE = "https://metodbanken.example/schema"
FILE_NAMES = {kind.folder: kind.schema_file for kind in kinds.ALL}  # by folder


def _fill_vocabularies(node, vocab: Vocabularies):
    if isinstance(node, dict):
        name = node.pop("x-vokabular", None)
        extra = node.pop("x-vokabular-extra", [])
        if name is not None and vocab.keys(name):
            keys = vocab.keys(name) + extra
            if "anyOf" in node:  # förbund: a name or a list of names
                for option in node["anyOf"]:
                    target = option.get("items", option)
                    target["enum"] = keys + list(vocab.terms[name].values())
            else:
                node["enum"] = keys
                node["x-etiketter"] = {k: vocab.label(name, k) for k in keys}
        for value in node.values():
            _fill_vocabularies(value, vocab)
    elif isinstance(node, list):
        for value in node:
            _fill_vocabularies(value, vocab)
    return node


# pydantic writes the bounds of ``Annotated[int, Strict(), ..., Field(ge=0)]``
# under their Python names; JSON Schema (editors, the browser form) needs these.
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _standard_bounds(node):
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number"):
            for python_name, keyword in _BOUNDS.items():
                if python_name in node:
                    node[keyword] = node.pop(python_name)
        for value in node.values():
            _standard_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _standard_bounds(value)
    return node


def generate(kind: str, vocab: Vocabularies | None = None) -> dict:
    vocab = vocab or Vocabularies()
    schema = KINDS[kind].model_json_schema(mode="validation")
    schema = _standard_bounds(_fill_vocabularies(schema, vocab))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{FILE_NAMES[kind]}",
        **schema,
    }


def render(kind: str, vocab: Vocabularies | None = None) -> str:
    return json.dumps(generate(kind, vocab), ensure_ascii=False, indent=2) + "\n"


def write_all(folder: Path, vocab: Vocabularies | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / FILE_NAMES[kind]
        path.write_text(render(kind, vocab), encoding="utf-8")
        written.append(path)
    return written
