"""Per-field validation: run the pydantic model and turn its errors into Swedish."""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from ..frontmatter import Parsed
from ..problems import ProblemList
from ..suggest import did_you_mean


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name used anywhere in ``model`` (for "menade du …?")."""
    names: set[str] = set()
    seen: set[type] = set()

    def walk(cls):
        if cls in seen:
            return
        seen.add(cls)
        for name, info in cls.model_fields.items():
            names.add(name)
            for sub in _models_in(info.annotation):
                walk(sub)

    walk(model)
    return names


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def describe(loc) -> str:
    """``('systemfel', 0, 'id')`` → ``systemfel[1].id`` (lists counted from 1)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        elif part == "[key]":
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "front-matter"


def _message(error: dict, known_fields: set[str]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = describe(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind in {"val", "vokabular", "svenskt_tal", "datum", "länk", "slug", "förbund"}:
        return f"{name}: {error['msg']}"
    if kind == "missing":
        return f"fältet '{name}' saknas men krävs"
    if kind == "extra_forbidden":
        field = str(loc[-1])
        return f"okänt fält '{field}'{did_you_mean(field, known_fields, 0.5)}"
    if value is None:
        return f"'{name}' saknar värde: fyll i det eller ta bort raden"
    if kind == "string_type":
        hint = " (sätt citattecken runt värdet)" if isinstance(value, (bool, int, float)) else ""
        return f"'{name}' ska vara text{hint}"
    if kind == "string_too_short":
        return f"'{name}' är för kort: {len(str(value))} tecken, minst {ctx.get('min_length')}"
    if kind == "string_too_long":
        return f"'{name}' är för lång: {len(str(value))} tecken, högst {ctx.get('max_length')}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"'{name}' ska vara ett heltal utan mellanslag, t.ex. 4500000 (nu: {value!r})"
    if kind in {"float_type", "float_parsing"}:
        return f"'{name}' ska vara ett tal med punkt som decimaltecken, t.ex. 0.04 (nu: {value!r})"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"'{name}' ska vara minst {ctx.get('ge', ctx.get('gt'))} (nu: {value})"
    if kind in {"less_than_equal", "less_than"}:
        return f"'{name}' får vara högst {ctx.get('le', ctx.get('lt'))} (nu: {value})"
    if kind == "list_type":
        example = f"[{value}]" if isinstance(value, str) else "[a, b]"
        return f"'{name}' ska vara en lista, t.ex. {example}"
    if kind == "too_short":
        return f"'{name}' ska ha minst {ctx.get('min_length', 1)} värde"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"'{name}' ska vara en grupp av fält (indragna rader 'namn: värde' under '{name}:')"
    if kind == "literal_error":
        return f"'{name}': ogiltigt värde {value!r}, tillåtna: {ctx.get('expected')}"
    return f"'{name}': ogiltigt värde {value!r}"


def validate_fields(model: type[BaseModel], parsed: Parsed, path: str, problems: ProblemList, context: dict):
    """Validate ``parsed.data`` with ``model``; returns the instance or None."""
    for line, key in parsed.duplicates:
        problems.error(path, line, f"fältet '{key}' står två gånger; ta bort den ena")
    try:
        return model.model_validate(parsed.data, context=context)
    except ValidationError as exc:
        known = field_names(model)
        for error in exc.errors(include_url=False):
            problems.error(path, parsed.line_of(error["loc"]), _message(error, known))
        return None
