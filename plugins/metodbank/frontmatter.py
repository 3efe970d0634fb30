"""Split a content file into YAML front-matter and Markdown body, keeping the
file line of every key and list item so problems can point at them."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

Loc = tuple  # a path into the data: ("resultat", "deltagare") or ("systemfel", 0, "id")

# libyaml's C parser when present: ~10x faster on large banks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"

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
    # Relative links and images in the body, as (line, url, bank path, is_image):
    # whether they exist is a bank-wide question (checks/bankwide.py).
    links: list = field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest known part of ``loc`` (1 when nothing is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1


def split(text: str) -> tuple[str, str, int]:
    """(yaml_text, body, body_line). Raises FrontMatterError when there is none.

    Lines end at \\n, \\r\\n or \\r, as in an editor; other characters that
    Python or YAML also treat as line breaks (\\u2028, \\x85, \\x0c …) do not
    start a new line, so line numbers match what the author sees.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise FrontMatterError(
            1, "filen saknar front-matter: den ska börja med en rad '---', sedan fälten, sedan '---' igen"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "".join(line + "\n" for line in lines[1:index])
            return yaml_text, "\n".join(lines[index + 1 :]), index + 2
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
        self.yaml_text = yaml_text
        # YAML counts \\u2028, \\x85 … as line breaks too; file lines count
        # only \\n, so lines are found from a mark's character offset.
        self.newlines = [match.start() for match in re.finditer("\n", yaml_text)]
        self.loader = _LOADER(yaml_text)
        self.lines: dict = {}
        self.duplicates: list = []
        self.count = 0

    def build(self) -> dict:
        try:
            node = self.loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = _error_mark(exc, self.yaml_text)
            line = self.line(mark) if mark else 1
            raise FrontMatterError(line, f"YAML-fel i front-matter: {_explain(exc, self.yaml_text)}") from None
        except yaml.reader.ReaderError:
            # A control character (U+0000 …): YAML refuses the whole text.
            bad = _NOT_PRINTABLE.search(self.yaml_text)
            index, code = (bad.start(), f"U+{ord(bad.group()):04X}") if bad else (0, "?")
            raise FrontMatterError(
                bisect.bisect_left(self.newlines, index) + self.OFFSET,
                f"front-matter innehåller ett otillåtet tecken ({code}), som ofta inte syns i editorn — ta bort det",
            ) from None
        except yaml.YAMLError as exc:
            raise FrontMatterError(1, f"YAML-fel i front-matter: {exc}") from None
        finally:
            self.loader.dispose()
        if node is None:
            raise FrontMatterError(1, "front-matter är tom: fyll i fälten mellan raderna '---'")
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(
                self.line(node.start_mark),
                "front-matter ska bestå av fält på formen 'namn: värde'",
            )
        return self.value(node, ())

    def line(self, mark) -> int:
        """The file line of a YAML mark."""
        return bisect.bisect_left(self.newlines, mark.index) + self.OFFSET

    def value(self, node, loc: Loc):
        self.count += 1
        if self.count > MAX_NODES:
            raise FrontMatterError(self.line(node.start_mark), "front-matter är för stor eller för djupt nästlad")
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise FrontMatterError(self.line(key_node.start_mark), "fältnamn måste vara enkla ord")
                key = _nfc(str(key))
                line = self.line(key_node.start_mark)
                if key in result:
                    self.duplicates.append((line, ".".join(str(p) for p in loc + (key,))))
                self.lines[loc + (key,)] = line
                result[key] = self.value(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[loc + (index,)] = self.line(item.start_mark)
                items.append(self.value(item, loc + (index,)))
            return items
        return self.scalar(node)

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            raise FrontMatterError(self.line(node.start_mark), "fältnamn måste vara enkla ord")
        # Fast paths for the two commonest tags (the composer has already
        # resolved them); PyYAML's generic constructor dominates large banks.
        if node.tag == _STR:
            return _nfc(node.value)
        if node.tag == _INT and node.value.isascii() and node.value.isdigit() and not node.value.startswith("0"):
            return int(node.value)
        try:
            return _nfc(self.loader.construct_object(node, deep=True))
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            if node.tag == _TIMESTAMP:
                # Looks like a date but is none (2019-02-30): keep the text, so
                # the date check explains it in Swedish at the field.
                return _nfc(node.value)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            if isinstance(exc, yaml.constructor.ConstructorError) and "could not determine a constructor" in str(exc):
                message = f"taggen '{tag}' är inte tillåten: ta bort den och skriv bara värdet"
            else:
                message = f"värdet '{node.value}' passar inte taggen '{tag}': ta bort taggen eller rätta värdet"
            raise FrontMatterError(self.line(node.start_mark), message) from None


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Characters YAML accepts (YAML 1.1 "printable"); anything else is a ReaderError.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_EXPLAIN = {
    # Messages of both libyaml (CSafeLoader) and the pure-Python loader.
    "mapping values are not allowed": "ett kolon på fel ställe — sätt citattecken runt text som innehåller ': '",
    "could not find expected ':'": "en rad saknar ':' efter fältnamnet",
    "found a tab character": "tabbtecken är inte tillåtna — använd mellanslag för indrag",
    "did not find expected key": "indraget stämmer inte med raderna ovanför",
    "did not find expected '-' indicator": "indraget stämmer inte med raderna ovanför",
    "expected ',' or ']'": "en lista inom [ ] stängs aldrig, eller så saknas ett kommatecken mellan värdena",
    "expected ',' or '}'": "en grupp inom { } stängs aldrig, eller så saknas ett kommatecken mellan fälten",
    "found undefined alias": "okänt alias (*namn): det finns inget ankare (&namn) med det namnet ovanför",
    "found unknown escape character": "okänt tecken efter \\ inom \"citattecken\" — använd 'enkla citattecken' i stället",
    "expected hexdecimal number": "okänt tecken efter \\ inom \"citattecken\" — använd 'enkla citattecken' i stället",
    "expected alphabetic or numeric character": "tecknen & och * ska följas av ett namn — sätt citattecken runt texten",
    "expected node content": "ett värde saknas eller börjar med ett tecken som kräver citattecken (som ] } , -)",
    "block sequence entries are not allowed": "en lista med '-' kan inte börja på samma rad som fältnamnet — flytta den till nästa rad",
    "expected whitespace or line break": "tecknet ! inleder en YAML-tagg — sätt citattecken runt värdet",
    "expected <document start>": "indraget stämmer inte: fälten på översta nivån ska börja längst till vänster",
    "expected directive name": "en rad som börjar med % behöver citattecken runt texten",
}


def _error_mark(exc: yaml.MarkedYAMLError, yaml_text: str):
    """Where to point: the problem, unless it is an unclosed quote or
    bracket or a key without ':', which the parser only notices lines later
    (often at the end of the front-matter) — then where that thing began."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and mark is not None:
        at_end = not yaml_text[mark.index :].strip()
        context = str(exc.context or "")
        if at_end or "while parsing a flow" in context or "while scanning a simple key" in context:
            return exc.context_mark
    return mark


def _explain(exc: yaml.MarkedYAMLError, yaml_text: str = "") -> str:
    problem = str(exc.problem or exc)
    if "while scanning a quoted scalar" in str(exc.context or "") and "end of stream" in problem:
        return "ett citattecken stängs aldrig"
    if "cannot start any token" in problem:
        mark = exc.problem_mark
        char = yaml_text[mark.index : mark.index + 1] if mark else ""
        if char == "\t" or not char:
            return _EXPLAIN["found a tab character"]
        return f"tecknet '{char}' kan inte inleda ett värde — sätt citattecken runt värdet"
    for needle, swedish in _EXPLAIN.items():
        if needle in problem:
            return swedish
    return f"{problem} (kontrollera indrag, kolon och citattecken)"
