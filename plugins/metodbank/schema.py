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
from . import vokabular as v
from .kinds import Grad
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


# --------------------------------------------------------------------------
# Dates: only real calendar dates.
#
# The model's pattern says only "ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD"; the checker
# (datum.py) also refuses months and days that do not exist. This pattern
# does the same with a regular expression: years 1900–2100 (as the checker),
# months 01–12, days 29–31 only in months that have them, and 29 February
# only in leap years. Within 1900–2100 the leap years are exactly the years
# divisible by 4 except 1900 and 2100, so the rule is exact, not approximated.

_YEAR = "(?:19[0-9]{2}|20[0-9]{2}|2100)"
_LEAP_YEAR = "(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))"
DATE_PATTERN = (
    f"^(?:{_YEAR}(?:"
    "-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1[0-9]|2[0-8]))?"  # ÅÅÅÅ-MM, or a day every month has
    "|-(?:0[13578]|1[02])-(?:29|30|31)"  # months with 31 days
    "|-(?:0[469]|11)-(?:29|30)"  # months with 30 days
    f")?|{_LEAP_YEAR}-02-29)$"
)
_MODEL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # what model.DatumFält writes


def _real_dates(node):
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("pattern") == _MODEL_DATE_PATTERN:
            node["pattern"] = DATE_PATTERN
        for value in node.values():
            _real_dates(value)
    elif isinstance(node, list):
        for value in node:
            _real_dates(value)
    return node


# --------------------------------------------------------------------------
# Requirements that depend on another field (the contract's cross-field rules
# that a JSON Schema can express), as ``if``/``then``. checks/rules.py applies
# the same rules; tests/test_projektledare.py runs an independent validator
# against this schema and the checker on the same files. The rest (date
# order, sums, references to other files, the body) only the checker can
# check: BIDRA.md lists them.

_NON_EMPTY = {"type": "array", "minItems": 1}
_FILLED_IN = {"type": "object"}


def _status_in(statuses) -> dict:
    return {"properties": {"status": {"enum": list(statuses)}}, "required": ["status"]}


def _grad_is(grad: Grad) -> dict:
    return {"properties": {"framgång": {"properties": {"grad": {"const": int(grad)}}, "required": ["grad"]}},
            "required": ["framgång"]}


def _projekt_conditions() -> list[dict]:
    finished = v.eller(v.STATUS_AVSLUTADE)
    return [
        {"description": "Ett projekt som har startat har ett resultat.",
         "if": _status_in(v.STATUS_STARTADE),
         "then": {"required": ["resultat"], "properties": {"resultat": _FILLED_IN}}},
        {"description": f"Ett projekt som är {finished} har period.slut och minst en lärdom.",
         "if": _status_in(v.STATUS_AVSLUTADE),
         "then": {"required": ["period", "lärdomar"],
                  "properties": {"period": {"required": ["slut"], "properties": {"slut": {"not": {"type": "null"}}}},
                                 "lärdomar": _NON_EMPTY}}},
        {"description": f"Ett projekt som är {v.AVBRUTET} berättar varför i avbrottsorsak.",
         "if": _status_in((v.AVBRUTET,)),
         "then": {"required": ["avbrottsorsak"], "properties": {"avbrottsorsak": {"type": "string"}}}},
        {"description": f"Grad {int(Grad.FÖRSTA)} kräver ett ifyllt resultat.",
         "if": _grad_is(Grad.FÖRSTA),
         "then": {"required": ["resultat"], "properties": {"resultat": _FILLED_IN}}},
        {"description": f"Grad {int(Grad.ANDRA)} kräver framgång.implementerad_hos.",
         "if": _grad_is(Grad.ANDRA),
         "then": {"properties": {"framgång": {"required": ["implementerad_hos"],
                                             "properties": {"implementerad_hos": _NON_EMPTY}}}}},
        {"description": f"Grad {int(Grad.TREDJE)} kräver framgång.beslut och minst ett systemfel.",
         "if": _grad_is(Grad.TREDJE),
         "then": {"required": ["systemfel"],
                  "properties": {"framgång": {"required": ["beslut"], "properties": {"beslut": _NON_EMPTY}},
                                 "systemfel": _NON_EMPTY}}},
        {"description": "Med flera metoder anger varje implementering vilken (metod).",
         # Several different metoder; a list that repeats one is left to the checker.
         "if": {"properties": {"metoder": {"type": "array", "minItems": 2, "uniqueItems": True}},
                "required": ["metoder"]},
         "then": {"properties": {"framgång": {"properties": {"implementerad_hos": {
             "items": {"required": ["metod"], "properties": {"metod": {"type": "string"}}}}}}}}},
    ]


_CONDITIONS = {kinds.PROJEKT.folder: _projekt_conditions}


def generate(kind: str, vocab: Vocabularies | None = None) -> dict:
    vocab = vocab or Vocabularies()
    schema = KINDS[kind].model_json_schema(mode="validation")
    schema = _real_dates(_standard_bounds(_fill_vocabularies(schema, vocab)))
    if kind in _CONDITIONS:
        schema["allOf"] = _CONDITIONS[kind]()
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
