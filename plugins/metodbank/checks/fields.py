"""Per-field validation: run the pydantic model and turn its errors into Swedish."""

from __future__ import annotations

import json
import re
import typing
import unicodedata

from pydantic import BaseModel, ValidationError

from .. import vokabular as v
from ..frontmatter import Parsed
from ..model import _Vocabulary
from ..problems import ProblemList
from ..suggest import did_you_mean, nearest, slugify


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


def _message(error: dict, known_fields: set[str], parsed: Parsed | None = None, model=None,
             vocab: v.Vocabularies | None = None) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = describe(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"fältet '{name}' saknas men krävs"
    if kind == "extra_forbidden":
        field = str(loc[-1])
        lookalike = _lookalike_message(field, known_fields)
        return lookalike or f"okänt fält '{field}'{did_you_mean(field, known_fields, 0.5)}"
    if value is None:  # 'status:' with nothing after it
        return f"'{name}' saknar värde: fyll i det (eller ta bort raden om fältet inte krävs)"
    if isinstance(value, bool) and parsed is not None and tuple(loc) in parsed.bool_texts:
        return _yes_no_message(name, parsed.bool_texts[tuple(loc)], value, kind, ctx)
    if kind in {"vokabular", "val"} and isinstance(value, str) and _lookalikes(value):
        return f"{name}: {error['msg']}{_lookalike_note(value)}"
    if kind in {"val", "vokabular", "svenskt_tal", "datum", "länk", "slug", "förbund"}:
        return f"{name}: {error['msg']}"
    if loc == ("förbund",) and kind == "list_type":  # a name or a list of names, and this is neither
        return (f"'förbund' ska vara förbundets namn, t.ex. förbund: Samordningsförbundet Östra Södertörn"
                f" (nu: {value!r})")
    if kind in {"int_type", "int_parsing", "float_type", "float_parsing"} and isinstance(value, str) \
            and _PLAIN_NUMBER.match(value.strip()):
        return (f"'{name}' ska vara ett tal, men \"{value}\" står inom citattecken och blir då text:"
                f" ta bort citattecknen (skriv {value.strip()})")
    if kind == "list_type" and isinstance(value, str):
        return _list_message(name, loc, value, model, vocab)
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
        return f"'{name}' ska vara en lista, t.ex. [a, b]"
    if kind == "too_short":
        return f"'{name}' ska ha minst {ctx.get('min_length', 1)} värde"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"'{name}' ska vara en grupp av fält (indragna rader 'namn: värde' under '{name}:')"
    if kind == "literal_error":
        return f"'{name}': ogiltigt värde {value!r}, tillåtna: {ctx.get('expected')}"
    return f"'{name}': ogiltigt värde {value!r}"


_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _yes_no_message(name: str, text: str, value: bool, kind: str, ctx: dict) -> str:
    """``grad: yes``: YAML 1.1 reads yes/no/on/off as true/false."""
    read = f"'{text}' läses av YAML som ja/nej-värdet {'true' if value else 'false'}"
    if kind == "val" and ctx.get("shown"):
        return f"{name}: {read}, inte som ett av de tillåtna värdena. Tillåtna värden: {ctx['shown']}"
    if kind in {"int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"}:
        return f"'{name}' ska vara ett tal: {read}"
    return f"'{name}': {read}, inte som text — sätt citattecken runt det (\"{text}\") om det är text du menar"


# --------------------------------------------------------------------------
# A list written as one line of text: "kommun, region, Försäkringskassan", "-Tidig …"

_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def _list_message(name: str, loc: tuple, value: str, model, vocab: v.Vocabularies | None) -> str:
    text = value.strip()
    if text.startswith("-") and len(text) > 1 and text[1] not in " \t":
        after = text[1]
        if _ODD_SPACE.match(after):
            why = f"efter '-' står ett hårt mellanslag (U+{ord(after):04X}), som YAML inte räknar som mellanslag"
        else:
            why = "efter '-' saknas ett mellanslag"
        first = re.split(r"\s+-(?=\S)", text)[0].lstrip("-").strip()
        return (f"'{name}' ska vara en lista, men {why}, så YAML läser raden som text: skriv '- {_short(first)}'"
                f" med ett vanligt mellanslag efter varje '-'")
    parts = [part.strip() for part in text.split(",") if part.strip()] if "," in text else [text]
    vocabulary = _vocabulary_at(model, loc) if model is not None else None
    if vocabulary and vocab is not None:
        keys, unknown = [], []
        for part in parts:
            key = _vocabulary_key(part, vocabulary, vocab)
            (keys if key else unknown).append(key or part)
        example = "[" + ", ".join(keys) + "]"
        if unknown:
            allowed = ", ".join(vocab.keys(vocabulary))
            missing = ", ".join(f"'{part}'" for part in unknown)
            return (f"'{name}' ska vara en lista med nycklar ur vokabulären '{vocabulary}', t.ex. {example};"
                    f" {missing} finns inte där. Tillåtna värden: {allowed}")
        if keys != parts:
            return f"'{name}' ska vara en lista med nycklar ur vokabulären '{vocabulary}': skriv {example}"
        return f"'{name}' ska vara en lista, t.ex. {example}"
    if _is_slug_list(model, loc):
        parts = [slugify(part) or part for part in parts]
    return f"'{name}' ska vara en lista, t.ex. {_flow(parts)}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Words that read back as themselves inside [ ]: a letter first, then letters,
# digits, spaces, '.', "'" and '-' (no ':' , '#', brackets or quotes first).
_PLAIN_WORD = re.compile(r"[^\W\d_][\w .'-]*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _flow(items: list[str]) -> str:
    """``items`` as a YAML flow list that reads back as these strings
    (quoted where a plain word would not)."""
    shown = [item if _PLAIN_WORD.fullmatch(item) and item.casefold() not in _YAML_WORDS
             else json.dumps(item, ensure_ascii=False) for item in items]
    return "[" + ", ".join(shown) + "]"


def _vocabulary_key(part: str, vocabulary: str, vocab: v.Vocabularies) -> str | None:
    """The key ``part`` means: the key itself, its label ("Försäkringskassan"),
    the label's slug, or the nearest key; None when nothing is near."""
    keys = vocab.keys(vocabulary)
    if part in keys:
        return part
    for key in keys:
        if vocab.label(vocabulary, key).casefold() == part.casefold():
            return key
    slug = slugify(part)
    if slug in keys:
        return slug
    return nearest(slug or part, keys)


def _field_annotation(model, loc: tuple):
    """The annotation of the field at ``loc`` (list indexes skipped), or None."""
    annotation = model
    for part in loc:
        if isinstance(part, int):
            continue
        owner = next((m for m in _models_in(annotation) if part in m.model_fields), None)
        if owner is None:
            return None
        annotation = owner.model_fields[part].annotation
    return annotation


def _markers(annotation) -> list:
    """Every ``Annotated`` metadata object inside ``annotation`` (not inside nested models)."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in typing.get_args(annotation):
        if not (isinstance(arg, type) and issubclass(arg, BaseModel)):
            found.extend(_markers(arg))
    return found


def _vocabulary_at(model, loc: tuple) -> str | None:
    return next((m.name for m in _markers(_field_annotation(model, loc)) if isinstance(m, _Vocabulary)), None)


def _is_slug_list(model, loc: tuple) -> bool:
    annotation = _field_annotation(model, loc)
    return any(getattr(m, "json_schema_extra", None) and "pattern" in m.json_schema_extra
               for m in _markers(annotation) if hasattr(m, "json_schema_extra"))


# --------------------------------------------------------------------------
# Letters that look like Latin ones: "tіtel" with a Cyrillic і is not "titel"

_LOOKALIKE = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})
_SCRIPTS = {"CYRILLIC": "kyrilliska", "GREEK": "grekiska", "ARMENIAN": "armeniska"}


def _lookalikes(text: str) -> list[str]:
    """The letters in ``text`` from another alphabet, when the word is otherwise Latin."""
    others = [char for char in text if unicodedata.name(char, "").split(" ")[0] in _SCRIPTS]
    latin = any(char.isascii() and char.isalpha() or char in "åäöÅÄÖ" for char in text)
    return others if others and (latin or text.translate(_LOOKALIKE) != text) else []


def _describe_lookalike(char: str) -> str:
    script = _SCRIPTS[unicodedata.name(char).split(" ")[0]]
    latin = char.translate(_LOOKALIKE)
    looks = f", som ser ut som '{latin}' men är en annan bokstav" if latin != char else ""
    return f"den {script} bokstaven '{char}' (U+{ord(char):04X}){looks}"


def _lookalike_note(value: str) -> str:
    chars = list(dict.fromkeys(_lookalikes(value)))
    return f" (ordet innehåller {' och '.join(_describe_lookalike(c) for c in chars)})"


def _lookalike_message(field: str, known_fields: set[str]) -> str | None:
    chars = list(dict.fromkeys(_lookalikes(field)))
    if not chars:
        return None
    latin = field.translate(_LOOKALIKE)
    meant = latin if latin in known_fields else nearest(latin, known_fields, 0.5)
    fix = f" — skriv '{meant}' med vanliga bokstäver" if meant else " — skriv ordet med vanliga bokstäver"
    described = " och ".join(_describe_lookalike(c) for c in chars)
    return f"okänt fält '{field}': ordet innehåller {described}{fix}"


def validate_fields(model: type[BaseModel], parsed: Parsed, path: str, problems: ProblemList, context: dict):
    """Validate ``parsed.data`` with ``model``; returns the instance or None.

    Also reports what the body says (:func:`metodbank.checks.rules.check_body`),
    since every kind of file passes through here once."""
    from .rules import check_body  # rules imports the model too; keep the import local

    check_body(parsed, path, problems)
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
            loc = tuple(error["loc"])
            line = parsed.line_of(loc)
            if error["type"] == "list_type" and loc in parsed.value_lines:
                line = parsed.value_lines[loc]  # "lärdomar:" with "-Tidig …" on the line below
            problems.error(path, line, _message(error, known, parsed, model, (context or {}).get("vokabular") or v.Vocabularies()))
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
