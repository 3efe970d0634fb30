"""Split a content file into YAML front-matter and Markdown body, keeping the
file line of every key and list item so problems can point at them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import yaml

Loc = tuple  # a path into the data: ("resultat", "deltagare") or ("systemfel", 0, "id")

# libyaml's C parser when present: ~10x faster on large banks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 20_000  # guards against alias bombs ("billion laughs")


class FrontMatterError(Exception):
    """A problem that stops the front-matter from being read at all."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Parsed:
    data: dict
    body: str
    body_line: int  # file line where the body starts
    lines: dict = field(default_factory=dict)  # Loc -> file line
    duplicates: list = field(default_factory=list)  # (line, key) pairs

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest known part of ``loc`` (1 when nothing is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1


def split(text: str) -> tuple[str, str, int]:
    """(yaml_text, body, body_line). Raises FrontMatterError when there is none."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            1, "filen saknar front-matter: den ska börja med en rad '---', sedan fälten, sedan '---' igen"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(1, "front-matter avslutas aldrig: lägg till en rad '---' efter sista fältet")


def parse(text: str) -> Parsed:
    yaml_text, body, body_line = split(text)
    builder = _Builder(yaml_text)
    data = builder.build()
    return Parsed(data, body, body_line, builder.lines, builder.duplicates)


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class _Builder:
    """Composes the YAML node tree and builds plain Python values from it."""

    OFFSET = 2  # YAML line 0 is file line 2 (line 1 is the opening '---')

    def __init__(self, yaml_text: str):
        self.loader = _LOADER(yaml_text)
        self.lines: dict = {}
        self.duplicates: list = []
        self.count = 0

    def build(self) -> dict:
        try:
            node = self.loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + self.OFFSET if mark else 1
            raise FrontMatterError(line, f"YAML-fel i front-matter: {_explain(exc)}") from None
        except yaml.YAMLError as exc:
            raise FrontMatterError(1, f"YAML-fel i front-matter: {exc}") from None
        finally:
            self.loader.dispose()
        if node is None:
            raise FrontMatterError(1, "front-matter är tom: fyll i fälten mellan raderna '---'")
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(
                node.start_mark.line + self.OFFSET,
                "front-matter ska bestå av fält på formen 'namn: värde'",
            )
        return self.value(node, ())

    def value(self, node, loc: Loc):
        self.count += 1
        if self.count > MAX_NODES:
            raise FrontMatterError(node.start_mark.line + self.OFFSET, "front-matter är för stor eller för djupt nästlad")
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise FrontMatterError(key_node.start_mark.line + self.OFFSET, "fältnamn måste vara enkla ord")
                key = _nfc(str(key))
                line = key_node.start_mark.line + self.OFFSET
                if key in result:
                    self.duplicates.append((line, ".".join(str(p) for p in loc + (key,))))
                self.lines[loc + (key,)] = line
                result[key] = self.value(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[loc + (index,)] = item.start_mark.line + self.OFFSET
                items.append(self.value(item, loc + (index,)))
            return items
        return self.scalar(node)

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            raise FrontMatterError(node.start_mark.line + self.OFFSET, "fältnamn måste vara enkla ord")
        try:
            return _nfc(self.loader.construct_object(node, deep=True))
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise FrontMatterError(
                node.start_mark.line + self.OFFSET, f"värdet '{node.value}' kan inte läsas ({exc})"
            ) from None


_EXPLAIN = {
    "mapping values are not allowed here": "ett kolon på fel ställe — sätt citattecken runt text som innehåller ': '",
    "could not find expected ':'": "en rad saknar ':' efter fältnamnet",
    "found character '\\t' that cannot start any token": "tabbtecken är inte tillåtna — använd mellanslag för indrag",
    "did not find expected key": "indraget stämmer inte med raderna ovanför",
    "found undefined alias": "okänd alias (*namn)",
}


def _explain(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or exc)
    for needle, swedish in _EXPLAIN.items():
        if needle in problem:
            return swedish
    if "while scanning a quoted scalar" in str(exc.context or ""):
        return "ett citattecken stängs aldrig"
    return f"{problem} (kontrollera indrag, kolon och citattecken)"
