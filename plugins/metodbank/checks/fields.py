"""Per-field validation: run the pydantic model and turn its errors into Swedish."""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from ..frontmatter import Parsed
from ..problems import ProblemList
from ..suggest import did_you_mean, nearest


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
    """``('systemfel', 0, 'id')`` → ``systemfel[1].id`` (lists counted from 1).

    A wrong key in a map is reported at the map:
    ``('utfall_kr', 'kommunen', '[key]')`` → ``utfall_kr``.
    """
    parts: list = []
    for part in loc:
        if part == "[key]":
            parts = parts[:-1]
        else:
            parts.append(part)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "front-matter"


def _message(error: dict, known_fields: set[str]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = describe(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"fältet '{name}' saknas men krävs"
    if kind == "extra_forbidden":
        field = str(loc[-1])
        return f"okänt fält '{field}'{did_you_mean(field, known_fields, 0.5)}"
    if value is None:  # 'status:' with nothing after it
        return f"'{name}' saknar värde: fyll i det (eller ta bort raden om fältet inte krävs)"
    if kind in {"val", "vokabular", "svenskt_tal", "datum", "länk", "slug", "förbund"}:
        return f"{name}: {error['msg']}"
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
        errors = [_shown_loc(error, parsed.data) for error in exc.errors(include_url=False)]
        # A misspelt field ('malgrupp') is one problem, not two: its
        # "okänt fält … menade du 'målgrupp'?" replaces "'målgrupp' saknas".
        misspelt = {
            tuple(e["loc"][:-1]) + (nearest(e["loc"][-1], known, 0.5),)
            for e in errors
            if e["type"] == "extra_forbidden"
        }
        for error in errors:
            if error["type"] == "missing" and tuple(error["loc"]) in misspelt:
                continue
            problems.error(path, parsed.line_of(error["loc"]), _message(error, known))
        return None


def _shown_loc(error: dict, data) -> dict:
    """Drop the list index pydantic adds to a single value that may also be a
    list (``förbund: X`` is read as ``[X]``), so the message says ``förbund``."""
    loc = tuple(error["loc"])
    for end in range(1, len(loc)):
        if isinstance(loc[end], int) and isinstance(_raw(data, loc[:end]), str):
            return {**error, "loc": loc[:end] + loc[end + 1 :]}
    return error


def _raw(data, loc):
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data
