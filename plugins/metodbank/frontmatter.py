"""Split a content file into YAML front-matter and Markdown body, keeping the
file line of every key and list item so problems can point at them.

YAML 1.1 reads some text in ways no project leader means, so these are
refused at their line with a hint rather than read silently: explicit tags
(``!!binary``, ``!!python/…``, ``!!str``), recursive aliases, nesting deeper
than :data:`MAX_DEPTH`, integers longer than :data:`MAX_INT_DIGITS` digits,
and numbers with a leading zero (octal), ``0x``/``0b`` or a colon (base 60).
So is a list item indented deeper than the ``-`` above it, which YAML reads
as the rest of that item ("… avgörande. - Handledarna …").

A YAML error is explained from the lines around it when it is one of the
slips people make most (:func:`_diagnose`): a key without ``:``, a field
indented under one that already has a value, indentation that matches no
line above, a no-break space where YAML needs a space. Nothing of PyYAML's
English reaches the message.
"""

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
_FLOAT = "tag:yaml.org,2002:float"

MAX_NODES = 20_000  # guards against alias bombs ("billion laughs")
# No field needs more than 4 levels; libyaml's composer recurses in C and
# crashes the process on deep enough nesting, so depth is checked first.
MAX_DEPTH = 20
# No field needs a longer number, and Python refuses to convert ints of
# more than 4,300 digits (a ValueError, not a YAML error).
MAX_INT_DIGITS = 30


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
    # Where a scalar value starts when not on its key's line ("lärdomar:" then
    # "  -Tidig …" below it), so a message about the value can point there.
    value_lines: dict = field(default_factory=dict)  # Loc -> file line
    # Values YAML 1.1 read as true/false, with the text as written ("yes", "on"):
    # a message can then name what the author wrote rather than "True".
    bool_texts: dict = field(default_factory=dict)  # Loc -> source text

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
    return Parsed(data, body, body_line, builder.lines, builder.duplicates,
                  value_lines=builder.value_lines, bool_texts=builder.bool_texts)


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
        self.value_lines: dict = {}
        self.bool_texts: dict = {}
        self.count = 0

    def build(self) -> dict:
        try:
            if _needs_event_scan(self.yaml_text):
                self.scan_events()
            node = self.loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = _error_mark(exc, self.yaml_text)
            line = self.line(mark) if mark else 1
            found = _odd_space(self.yaml_text, line - self.OFFSET) or _diagnose(exc, self.yaml_text, self.newlines)
            if found:
                index, message = found
                raise FrontMatterError(index + self.OFFSET, f"YAML-fel i front-matter: {message}") from None
            raise FrontMatterError(line, f"YAML-fel i front-matter: {_explain(exc, self.yaml_text)}") from None
        except yaml.reader.ReaderError:
            # A control character (U+0000 …): YAML refuses the whole text.
            bad = _NOT_PRINTABLE.search(self.yaml_text)
            index, code = (bad.start(), f"U+{ord(bad.group()):04X}") if bad else (0, "?")
            raise FrontMatterError(
                bisect.bisect_left(self.newlines, index) + self.OFFSET,
                f"front-matter innehåller ett otillåtet tecken ({code}), som ofta inte syns i editorn — ta bort det",
            ) from None
        except yaml.YAMLError:
            raise FrontMatterError(1, f"YAML-fel i front-matter: {_UNKNOWN}") from None
        except (ValueError, OverflowError):
            # PyYAML's pure-Python scanner (no libyaml) on an escape such as "\U00200000".
            mark = self.loader.get_mark() if hasattr(self.loader, "get_mark") else None
            raise FrontMatterError(self.line(mark) if mark else 1,
                                   f"YAML-fel i front-matter: {_EXPLAIN['found unknown escape character']}") from None
        finally:
            self.loader.dispose()
        if node is None:
            raise FrontMatterError(1, "front-matter är tom: fyll i fälten mellan raderna '---'")
        if not isinstance(node, yaml.MappingNode):
            found = _odd_space(self.yaml_text)
            if found:
                raise FrontMatterError(found[0] + self.OFFSET, f"YAML-fel i front-matter: {found[1]}")
            raise FrontMatterError(
                self.line(node.start_mark),
                "front-matter ska bestå av fält på formen 'namn: värde'",
            )
        return self.value(node, ())

    def line(self, mark) -> int:
        """The file line of a YAML mark."""
        return bisect.bisect_left(self.newlines, mark.index) + self.OFFSET

    def scan_events(self) -> None:
        """Refuse explicit tags, recursive aliases and deep nesting before
        the node tree is composed.

        Only events show them: the composer resolves a tag such as ``!!str``
        into the same node an untagged value gets, makes a recursive alias a
        cyclic node graph, and recurses (in C, without Python's recursion
        limit) once per level of nesting. The parser itself keeps its own
        stack, so scanning its events is safe at any depth.
        """
        loader = _LOADER(self.yaml_text)
        try:
            open_anchors: list = []  # the anchor (or None) of each open collection
            while loader.check_event():
                event = loader.get_event()
                if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag is not None:
                    raise FrontMatterError(self.line(event.start_mark), _tag_message(event))
                if isinstance(event, yaml.CollectionStartEvent):
                    open_anchors.append(event.anchor)
                    if len(open_anchors) > MAX_DEPTH:
                        raise FrontMatterError(self.line(event.start_mark), _TOO_DEEP)
                elif isinstance(event, yaml.CollectionEndEvent):
                    open_anchors.pop()
                elif isinstance(event, yaml.AliasEvent) and event.anchor in open_anchors:
                    raise FrontMatterError(
                        self.line(event.start_mark),
                        f"aliaset '*{event.anchor}' står inuti värdet det pekar på (ett rekursivt alias):"
                        " skriv ut värdet i stället för aliaset",
                    )
        finally:
            loader.dispose()

    def value(self, node, loc: Loc):
        self.count += 1
        if self.count > MAX_NODES:
            raise FrontMatterError(self.line(node.start_mark), "front-matter är för stor eller för djupt nästlad")
        if not isinstance(node, yaml.ScalarNode) and len(loc) >= MAX_DEPTH:
            # Reached only through aliases (the event scan counts an alias as
            # one value); also what keeps this recursion shallow.
            raise FrontMatterError(self.line(node.start_mark), _TOO_DEEP)
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise FrontMatterError(self.line(key_node.start_mark), "fältnamn måste vara enkla ord")
                key = _nfc(str(key))
                line = self.line(key_node.start_mark)
                if _ODD_SPACE.search(key):
                    index, message = _odd_space(self.yaml_text, line - self.OFFSET) or (
                        line - self.OFFSET, _odd_space_in_name(key))
                    raise FrontMatterError(index + self.OFFSET, f"YAML-fel i front-matter: {message}")
                if key in result:
                    self.duplicates.append((line, ".".join(str(p) for p in loc + (key,))))
                self.lines[loc + (key,)] = line
                if isinstance(value_node, yaml.ScalarNode):
                    if value_node.start_mark.line != key_node.start_mark.line:
                        self.value_lines[loc + (key,)] = self.line(value_node.start_mark)
                    self.check_merged(value_node, in_list=False)
                result[key] = self.value(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[loc + (index,)] = self.line(item.start_mark)
                if isinstance(item, yaml.ScalarNode):
                    self.check_merged(item, in_list=True)
                items.append(self.value(item, loc + (index,)))
            return items
        value = self.scalar(node)
        if isinstance(value, bool):
            self.bool_texts[loc] = node.value
        return value

    def check_merged(self, node, in_list: bool) -> None:
        """Refuse a plain value that runs on to a line starting with '- ':
        an item indented deeper than the '-' above it, which YAML reads as
        the rest of that item ("… avgörande. - Handledarna …"), silently."""
        if node.style or node.start_mark.line == node.end_mark.line:  # plain: None, or "" from libyaml
            return
        start, end = node.start_mark.index, node.end_mark.index
        first_break = self.yaml_text.find("\n", start, end)
        if first_break < 0:
            return
        position = first_break + 1
        while position < end:
            stop = self.yaml_text.find("\n", position, end)
            stop = end if stop < 0 else stop
            text = self.yaml_text[position:stop]
            rest = text.lstrip(" ")
            if rest == "-" or rest.startswith("- "):
                first = self.line(node.start_mark)
                raise FrontMatterError(self.line_at(position), _merged_message(
                    self.yaml_text, start, rest, len(text) - len(rest), first, in_list))
            position = stop + 1

    def line_at(self, index: int) -> int:
        return bisect.bisect_left(self.newlines, index) + self.OFFSET

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            raise FrontMatterError(self.line(node.start_mark), "fältnamn måste vara enkla ord")
        # Fast paths for the two commonest tags (the composer has already
        # resolved them); PyYAML's generic constructor dominates large banks.
        if node.tag == _STR:
            return _nfc(node.value)
        if node.tag == _INT:
            value = node.value
            if value.isascii() and value.isdigit() and not value.startswith("0") and len(value) <= MAX_INT_DIGITS:
                return int(value)
            problem = _number_problem(value)
            if problem:
                raise FrontMatterError(self.line(node.start_mark), problem)
        elif node.tag == _FLOAT and ":" in node.value:
            raise FrontMatterError(self.line(node.start_mark), _sexagesimal_message(node.value, _FLOAT))
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
_TOO_DEEP = (
    f"front-matter är nästlad i mer än {MAX_DEPTH} nivåer (inget fält behöver mer än 4):"
    " kontrollera indrag och parenteser [ ] { }"
)
# Tags whose value YAML knows how to read: a value that does not fit gets
# its own message (the tag is refused either way).
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "binary")}
_NEEDS_SCAN = re.compile("[!*\x85\u2028\u2029]")
# Indicators after which a nested block collection may start on the same
# line: "- - x", "- a: b", "? - x", "- &a b: c".
_INDICATORS = "-?:&!"
_INDICATOR = re.compile(r"(?:[-?:]|[&!][^ \t\n]*)[ \t]+")


def _needs_event_scan(yaml_text: str) -> bool:
    """Whether the front-matter may hold a tag, an alias or nesting deeper
    than MAX_DEPTH. Most files hold none, and a text scan is much cheaper
    than the event scan.

    The depth bound: a block collection starts at a line's indentation or
    after the indicators that begin a line; nesting one inside another moves
    it right, except a list directly under a key, which may keep the key's
    column — so at most two levels per distinct column. Each ``[`` opens at
    most two levels (a list, and a ``key: value`` pair inside it), each
    ``{`` one. Brackets inside quotes only make the bound larger.
    """
    if _NEEDS_SCAN.search(yaml_text):  # tags, aliases, or line breaks other than \n
        return True
    columns = set()
    for line in yaml_text.split("\n"):
        rest = line.lstrip(" ")
        column = len(line) - len(rest)
        columns.add(column)
        indicator = _INDICATOR.match(rest) if rest[:1] in _INDICATORS and rest else None
        while indicator:
            columns.add(column + indicator.end())
            indicator = _INDICATOR.match(rest, indicator.end())
    bound = 2 * len(columns) + 2 * yaml_text.count("[") + yaml_text.count("{")
    return bound > MAX_DEPTH


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _tag_message(event) -> str:
    tag = event.tag.replace("tag:yaml.org,2002:", "!!")
    if isinstance(event, yaml.ScalarEvent) and event.tag in _SCALAR_TAGS and event.value.strip():
        try:
            yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(event.tag, event.value))
        except Exception:  # noqa: BLE001 — PyYAML raises KeyError, AttributeError … for values that do not fit
            return f"värdet '{_short(event.value)}' passar inte taggen '{tag}': ta bort taggen eller rätta värdet"
    hint = " (sätt citattecken runt värdet om det ska läsas som text)" if tag in ("!!str", "!") else ""
    return f"taggen '{tag}' är inte tillåten: ta bort den och skriv bara värdet{hint}"


def _number_problem(value: str) -> str | None:
    """What is wrong with a plain scalar YAML 1.1 reads as an integer, or None.

    YAML 1.1 reads ``055`` as octal (45), ``0x1f`` as hexadecimal, ``0b11``
    as binary and ``1:00`` as base 60 (60): never what a project leader
    means, so each is an error with a hint rather than a silent surprise.
    """
    digits = value.lstrip("+-")
    count = sum(char.isalnum() for char in digits)
    if count > MAX_INT_DIGITS:
        return (
            f"talet '{_short(value, 20)}' har {count} siffror (högst {MAX_INT_DIGITS}): inget fält behöver så"
            " stora tal — sätt citattecken runt värdet om det är text"
        )
    if ":" in digits:
        return _sexagesimal_message(value, _INT)
    number = _read_as(value, _INT)
    if digits.startswith(("0x", "0b")):
        name = "hexadecimalt" if digits.startswith("0x") else "binärt"
        meant = f" ({number}): skriv {number} om det är talet du menar, eller" if number != "?" else ":"
        return f"talet '{value}' läses av YAML som ett {name} tal{meant} sätt citattecken runt värdet om det är text"
    if len(digits) > 1 and digits.startswith("0"):
        sign = "-" if value.startswith("-") else ""
        plain = sign + (digits.lstrip("0_").replace("_", "") or "0")
        return (
            f"talet '{value}' börjar med 0 och läses av YAML som ett oktalt tal ({number}): skriv {plain} utan"
            " inledande nolla, eller sätt citattecken runt värdet om det är text"
        )
    return None


def _sexagesimal_message(value: str, tag: str) -> str:
    return (
        f"'{value}' läses av YAML som talet {_read_as(value, tag)} (räknat i 60-bas, som en tid): sätt"
        f" citattecken runt värdet om det är text (\"{value}\"), eller skriv talet utan kolon"
    )


def _read_as(value: str, tag: str) -> str:
    """The number YAML 1.1 makes of ``value``, for a message ("?" when none)."""
    try:
        return str(yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(tag, value)))
    except Exception:  # noqa: BLE001 — "0x_" matches YAML's pattern but is no number
        return "?"


# Characters YAML accepts (YAML 1.1 "printable"); anything else is a ReaderError.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Spaces YAML does not count as spaces: a no-break space after "titel:" or
# in the indentation (a word processor's habit) makes the line something else.
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
_ODD_LEADING = re.compile(f"^ *([{_ODD_SPACES}])")
_ODD_AFTER_DASH = re.compile(f"^ *-([{_ODD_SPACES}])")
_ODD_AFTER_COLON = re.compile(rf"^ *(?:- +)*([^\s:#][^:#]*?):([{_ODD_SPACES}])")
_BLOCK_SCALAR_START = re.compile(r"(?:^|[:\s])[|>][-+0-9]*\s*(?:#.*)?$")


def _space_name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in "\u00a0\u202f":
        return f"ett hårt mellanslag ({code})"
    return f"ett ovanligt mellanslag ({code})"


def _odd_space(yaml_text: str, upto: int | None = None) -> tuple[int, str] | None:
    """(line index, message) for the first line up to ``upto`` where a
    space YAML does not count as one stands where YAML needs a space: in
    the indentation, after ``-`` or after ``namn:``. Text inside a
    ``|`` or ``>`` block is left alone (any space is text there)."""
    if not _ODD_SPACE.search(yaml_text):
        return None
    block = None  # the indentation of the line that opened a | or > block
    for index, line in enumerate(yaml_text.split("\n")):
        if upto is not None and index > upto:
            break
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            continue
        block = indent if _BLOCK_SCALAR_START.search(line) else None
        if match := _ODD_LEADING.match(line):
            return index, (f"raden börjar med {_space_name(match.group(1))} i indraget, som YAML inte räknar som"
                           " mellanslag: ersätt det med vanliga mellanslag")
        if match := _ODD_AFTER_DASH.match(line):
            return index, (f"efter '-' står {_space_name(match.group(1))}, som YAML inte räknar som mellanslag:"
                           " ersätt det med ett vanligt mellanslag")
        if match := _ODD_AFTER_COLON.match(line):
            return index, (f"efter '{match.group(1).strip()}:' står {_space_name(match.group(2))}, som YAML inte"
                           " räknar som mellanslag: ersätt det med ett vanligt mellanslag")
    return None


def _odd_space_in_name(key: str) -> str:
    char = _ODD_SPACE.search(key).group()
    return (f"fältnamnet '{key.strip()}' innehåller {_space_name(char)}, som YAML inte räknar som mellanslag:"
            " ta bort det eller ersätt det med ett vanligt mellanslag")


def _merged_message(yaml_text: str, start: int, rest: str, indent: int, first_line: int, in_list: bool) -> str:
    """Why a line starting with '- ' became part of the value above it."""
    line_start = yaml_text.rfind("\n", 0, start) + 1
    line_end = yaml_text.find("\n", start)
    first = yaml_text[line_start : line_end if line_end >= 0 else len(yaml_text)]
    content = first.lstrip(" ")
    shown = _short(rest.strip())
    if in_list and content.startswith("-"):
        dash = len(first) - len(content)
        where = "längst till vänster" if dash == 0 else f"{dash} mellanslag in"
        return (f"'{shown}' läses som en fortsättning på listelementet på rad {first_line}, inte som ett eget"
                f" element: '-' är indraget {indent} mellanslag, men '-' på rad {first_line} är indraget {dash}."
                f" Ställ '-' rakt under '-' på rad {first_line} ({where})")
    return (f"'{shown}' läses som en fortsättning på värdet på rad {first_line}, inte som ett listelement:"
            " skriv listan under ett fältnamn utan värde, med varje '- ' på en egen rad och lika mycket indrag")


@dataclass
class _Shape:
    """One source line as a person reads it: indentation, list dashes, key, value."""

    indent: int  # spaces before the first character
    column: int  # where the key or value starts, after any '- '
    dash: bool
    key: str | None
    value: str | None  # the value on the same line, without a comment
    text: str  # the line after indentation and dashes


_KEY = re.compile(r"([^\s:#'\"\[{][^:#]*?)\s*:(?:\s+(.*?))?\s*$")


def _shape(line: str) -> _Shape:
    text = line.lstrip(" ")
    indent = len(line) - len(text)
    column, dash = indent, False
    while text == "-" or text.startswith("- "):
        rest = text[1:].lstrip(" ")
        column += len(text) - len(rest)
        text, dash = rest, True
    key = value = None
    if match := _KEY.match(text):
        key = match.group(1).strip()
        value = (match.group(2) or "").split(" #", 1)[0].strip() or None
        if value is not None and (value[0] in "|>&!" or value.startswith("#")):
            value = None  # a block scalar, anchor or tag: the value continues below
    return _Shape(indent, column, dash, key, value, text)


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _diagnose(exc: yaml.MarkedYAMLError, yaml_text: str, newlines: list, offset: int = 2) -> tuple[int, str] | None:
    """(line index, message) for the YAML slips people make most, read from
    the lines around the error: a key without ':', a key indented under a
    field that already has a value, and indentation that matches nothing.
    None when the error is something else (the generic explanation then)."""
    mark = exc.problem_mark
    if mark is None:
        return None
    problem = str(exc.problem or "")
    lines = yaml_text.split("\n")
    at = bisect.bisect_left(newlines, mark.index)
    if at >= len(lines):
        return None
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        key_line = bisect.bisect_left(newlines, exc.context_mark.index)
        if key_line < len(lines) and not _has_colon(_shape(lines[key_line])):
            return key_line, _missing_colon(_shape(lines[key_line]))
        return None
    if "mapping values are not allowed" in problem:
        line_start = newlines[at - 1] + 1 if at else 0
        return _misplaced_key(lines, at, mark.index - line_start, offset)
    if any(needle in problem for needle in ("did not find expected key", "expected <block end>",
                                             "did not find expected '-' indicator")):
        return _unexpected_indent(lines, at, offset)
    if "<document start>" in problem:  # the first field is indented: YAML read it as a value
        first = next((index for index, line in enumerate(lines) if _is_content(line)), None)
        if first is not None and lines[first].startswith(" "):
            return first, _EXPLAIN["expected <document start>"]
    return None


def _has_colon(shape: _Shape) -> bool:
    """Whether the line has a key's ':' (followed by a space or the end; "https:" is not one)."""
    return bool(re.search(r":(?:\s|$)", shape.text))


def _missing_colon(shape: _Shape) -> str:
    words = shape.text.split(None, 1)
    if len(words) == 2:
        return f"raden saknar ':' efter fältnamnet: skriv '{words[0]}: {_short(words[1])}'"
    return f"raden saknar ':' efter fältnamnet: skriv '{shape.text.strip()}:' och värdet efter kolonet"


def _above(lines: list, at: int):
    """Index and shape of each line with content above line ``at``, nearest first."""
    for index in range(at - 1, -1, -1):
        if _is_content(lines[index]):
            yield index, _shape(lines[index])


def _misplaced_key(lines: list, at: int, column: int, offset: int) -> tuple[int, str] | None:
    before = lines[at][:column]
    if re.search(r":\s", before):
        return None  # "titel: Projekt: unga": a colon inside a value (the generic message)
    current = _shape(lines[at])
    name = current.key or current.text.split(":", 1)[0].strip()
    above = list(_above(lines, at))
    if not above:
        return None
    previous_index, previous = above[0]
    # The line above is a lone word or words at a key's place (as this line's
    # key, or after '- ' where this line's key lines up): its ':' is missing.
    if previous.key is None and not _has_colon(previous) and previous.column == current.indent:
        owner = next(((i, s) for i, s in above[1:] if s.column < previous.indent or s.indent < previous.indent), None)
        continues_value = (not previous.dash and owner is not None and owner[1].value is not None
                           and previous.indent > owner[1].column)
        if not continues_value:
            return previous_index, _missing_colon(previous)
    # The field this line is indented under, as YAML sees it.
    owner = next(((i, s) for i, s in above if s.column < current.indent), None)
    if owner is None:
        return None
    owner_index, shape = owner
    if shape.key is not None and shape.value is not None:
        step = current.indent - shape.column
        if step % 2:
            return at, _odd_indent_message(name, current.indent, shape.key, owner_index + offset, shape.column)
        return at, (f"'{name}' är indraget under '{shape.key}' på rad {owner_index + offset}, men '{shape.key}'"
                    f" har redan ett värde på sin rad ('{_short(shape.value, 30)}'): ett fält som har fält under sig"
                    f" får inget värde efter kolonet. Ta bort '{_short(shape.value, 30)}', eller minska indraget på"
                    f" '{name}' till {shape.indent} mellanslag om det är ett eget fält")
    return at, _odd_indent_message(name, current.indent, shape.key or shape.text.strip(), owner_index + offset,
                                   shape.column)


def _odd_indent_message(name: str, indent: int, other: str, other_line: int, other_indent: int) -> str:
    return (f"indraget stämmer inte: '{_short(name, 30)}' är indraget {indent} mellanslag, men"
            f" '{_short(other, 30)}' på rad {other_line} är indraget {other_indent}. Fält på samma nivå ska ha exakt samma"
            " indrag, och fält under ett annat fält dras in 2 mellanslag mer")


def _unexpected_indent(lines: list, at: int, offset: int) -> tuple[int, str] | None:
    current = _shape(lines[at])
    above = next(_above(lines, at), None)
    if above is None:
        return None
    previous_index, previous = above
    if current.indent == previous.indent:
        if current.dash and not previous.dash:
            return at, ("ett listelement ('- …') står där ett fält väntas: en lista skrivs under ett fältnamn"
                        " utan värde (som 'lärdomar:'), med '-' indraget 2 mellanslag")
        return None
    if previous.indent % 2 and not current.indent % 2:
        # Two spaces a level: the odd one out is the line above ("   start:" then "  slut:").
        return previous_index, (f"indraget stämmer inte: raden är indragen {previous.indent} mellanslag, men rad"
                                f" {at + offset} under är indragen {current.indent}. Fält på samma nivå ska ha"
                                " exakt samma indrag, och fält under ett annat fält dras in 2 mellanslag mer")
    return at, (f"indraget stämmer inte: raden är indragen {current.indent} mellanslag, men rad"
                f" {previous_index + offset} ovanför är indragen {previous.indent}. Fält på samma nivå ska ha exakt samma"
                " indrag, och fält under ett annat fält dras in 2 mellanslag mer")


# When no explanation fits: never PyYAML's English.
_UNKNOWN = "raden går inte att läsa som YAML: kontrollera indrag, kolon och citattecken"


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
    "found duplicate anchor": "samma ankare (&namn) står två gånger — ge det ena ett annat namn",
    "found invalid Unicode character escape code": "en \\u- eller \\U-kod inom \"citattecken\" är inget giltigt"
    " tecken — skriv tecknet som det är, eller använd 'enkla citattecken'",
    "expected escape sequence of": "okänt tecken efter \\ inom \"citattecken\" — använd 'enkla citattecken' i stället",
    "expected <block end>": "indraget stämmer inte med raderna ovanför",
    "expected the node content": "ett värde saknas eller börjar med ett tecken som kräver citattecken (som ] } , -)",
    "sequence entries are not allowed": "en lista med '-' kan inte börja på samma rad som fältnamnet — flytta den till nästa rad",
    "mapping keys are not allowed": "tecknet ? i början av ett värde kräver citattecken runt värdet",
    "expected '<document start>'": "en rad som börjar med % behöver citattecken runt texten",
    "directive": "en rad som börjar med % behöver citattecken runt texten",
    "undefined tag handle": "tecknet ! inleder en YAML-tagg — sätt citattecken runt värdet",
    "comment or line break": "efter | eller > får bara - eller + stå (och en siffra 1–9): skriv t.ex. '>-' och texten på raderna under",
    "chomping or indentation indicators": "efter | eller > får bara - eller + stå (och en siffra 1–9): skriv t.ex. '>-' och texten på raderna under",
    "indentation indicator": "efter | eller > får bara - eller + stå (och en siffra 1–9): skriv t.ex. '>-' och texten på raderna under",
    "unexpected document": "en rad '---' eller '...' står inuti ett värde inom citattecken: stäng citattecknet före raden",
    "found unexpected end of stream": "front-matter tar slut mitt i ett värde: ett citattecken eller en parentes stängs aldrig",
    "another document": "front-matter får bara innehålla ett YAML-dokument: ta bort raden '---' eller '...' mitt bland fälten",
}


def describe_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line in ``text``, Swedish explanation) for an error PyYAML raised on
    ``text``, e.g. for ``mkdocs.yml``: the same explanations front-matter gets."""
    newlines = [match.start() for match in re.finditer("\n", text)]

    def line(index: int) -> int:
        return bisect.bisect_left(newlines, index) + 1

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = _error_mark(exc, text)
        return (line(mark.index) if mark else 1), f"YAML-fel: {_explain(exc, text)}"
    if isinstance(exc, yaml.reader.ReaderError):
        bad = _NOT_PRINTABLE.search(text)
        index, code = (bad.start(), f"U+{ord(bad.group()):04X}") if bad else (0, "?")
        return line(index), f"ett otillåtet tecken ({code}), som ofta inte syns i editorn — ta bort det"
    return 1, f"YAML-fel: {_UNKNOWN}"


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
    if "found duplicate anchor" in str(exc.context or ""):  # libyaml: the problem is "second occurrence"
        return _EXPLAIN["found duplicate anchor"]
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
    return _UNKNOWN
