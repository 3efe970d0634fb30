"""Property tests: whatever a project file holds, the checker answers with
well-formed ``path:line: meddelande`` lines and never crashes.

Three kinds of input go into ``projekt/fuzz-projekt.md`` of an otherwise good
bank: (a) random bytes, (b) random YAML-ish front-matter built from nested
dicts, lists and awkward scalars (with anchors, aliases, tabs, NFD keys), and
(c) small mutations of a valid project file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker_helpers import GOOD_FILES, GOOD_PROJEKT, load_lines, run_cli, write_bank

FUZZ = "projekt/fuzz-projekt.md"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")

# METODBANK_FUZZ_EXAMPLES=5000 for a longer hunt; 150 keeps the suite fast.
SETTINGS = settings(
    max_examples=int(os.environ.get("METODBANK_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return write_bank(tmp_path_factory.mktemp("fuzzbank"))


def line_count(raw: bytes) -> int:
    """Lines as an editor counts them (\\n, \\r\\n or \\r end a line)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def assert_sane(root: Path, raw: bytes) -> None:
    (root / FUZZ).write_bytes(raw)
    contents = {path: text.encode() for path, text in GOOD_FILES.items()} | {FUZZ: raw}
    lines = load_lines(root)  # must not raise
    for line in lines:
        match = LINE.fullmatch(line)
        assert match, f"felformad rad: {line!r}"
        path, number = match["path"], int(match["line"])
        assert path in contents, line
        assert 1 <= number <= line_count(contents[path]) + 1, f"rad {number} finns inte i {path}: {line!r}"
    code, printed, _ = run_cli(root)
    assert code in (0, 1)
    assert printed == lines


# --------------------------------------------------------------------------
# (a) random bytes

raw_bytes = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=2000).map(lambda b: b"---\n" + b),
    st.binary(max_size=2000).map(lambda b: b"---\n" + b + b"\n---\n"),
)


@SETTINGS
@given(raw=raw_bytes)
def test_random_bytes(fuzz_root, raw):
    assert_sane(fuzz_root, raw)


# --------------------------------------------------------------------------
# (b) random YAML-ish front-matter

FIELD_NAMES = [
    "titel", "förbund", "kommuner", "status", "period", "start", "slut", "uppdaterad", "parter",
    "målgrupp", "metoder", "budget_kr", "finansiering", "källa", "kr", "resultat", "sammanfattning",
    "mättidpunkt", "deltagare", "till_arbete", "till_studier", "socioekonomi", "typ", "kalkylperiod_år",
    "diskonteringsränta", "insatskostnad_kr", "utfall_kr", "framgång", "grad", "motivering", "bedömd",
    "implementerad_hos", "organisation", "metod", "år", "beskrivning", "beslut", "beslutsfattare", "systemfel",
    "id", "observation", "underlag", "lärdomar", "avbrottsorsak", "utvärdering", "länk", "kontakt",
]
TRICKY_TEXT = [
    "", "~", "null", "yes", "no", "on", "off", "2019-02-30", "2019-13", "2019-03", "4 500 000", "0,04",
    "4 %", "4500000 kr", "811218-9876", "javascript:alert(1)", "<script>x</script>", "https://example.org",
    "unga-vuxna-20-29", "kommun", "exempelmetod", "exempelfel", "avslutat", "avbrutet", "planerat", "pågående",
    "a: b", "- x", "# kommentar", "'", '"', "\\", "\t", "---", "...", "%x", "@x", "`x", "!foo", "&a", "*a",
    "|", ">", "{", "[", "\u2028", "\x85", "\x0c", "\x00", "\r", "\n", "å" * 300, "ma\u030agrupp",
]
# Text YAML can hold. Control characters, which make YAML refuse the whole
# front-matter, come in rarely through TRICKY_TEXT (and in the bytes test).
text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
keys = st.one_of(
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(FIELD_NAMES).map(lambda k: unicodedata.normalize("NFD", k)),
    text.filter(bool),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=0, max_value=10_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(TRICKY_TEXT),
    text,
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=30,
)


@st.composite
def yamlish(draw) -> str:
    """Front-matter text rendered by hand, so it can also be subtly wrong."""
    anchors: list[str] = []

    def scalar(value) -> str:
        if isinstance(value, str):
            style = draw(st.sampled_from(["plain", "single", "double"]))
            if style == "single":
                return "'" + value.replace("'", "''") + "'"
            if style == "double":
                return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
            return value
        if value is None:
            return draw(st.sampled_from(["", "~", "null"]))
        if isinstance(value, bool):
            return draw(st.sampled_from(["true", "false", "yes", "no"]))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def decorate(text: str) -> str:
        """Maybe add an anchor, or replace the value by an alias."""
        choice = draw(st.integers(0, 9))
        if choice == 0:
            name = f"a{len(anchors)}"
            anchors.append(name)
            return f"&{name} {text}"
        if choice == 1:
            return "*" + (draw(st.sampled_from(anchors)) if anchors else "saknas")
        return text

    def flow(value) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(flow(v) for v in value) + "]"
        return scalar(value)

    def indent(level: int) -> str:
        return "\t" if level and draw(st.integers(0, 30)) == 0 else "  " * level

    def block(value, level: int) -> list[str]:
        lines = []
        if isinstance(value, dict):
            for key, item in value.items():
                lines += member(f"{indent(level)}{scalar(key)}:", item, level)
        else:
            for item in value:
                lines += member(f"{indent(level)}-", item, level)
        return lines

    def member(head: str, item, level: int) -> list[str]:
        if isinstance(item, (dict, list)) and item and draw(st.booleans()):
            return [head] + block(item, level + 1)
        text = flow(item) if isinstance(item, (dict, list)) else scalar(item)
        return [f"{head} {decorate(text)}".rstrip()]

    data = draw(st.dictionaries(keys, trees, max_size=8))
    return "\n".join(block(data, 0)) + "\n"


@SETTINGS
@given(front=yamlish(), body=text)
def test_random_yaml_front_matter(fuzz_root, front, body):
    assert_sane(fuzz_root, f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------
# (c) mutations of a valid project file

VALID = GOOD_PROJEKT.replace(
    "  motivering: Deltagarna kom närmare arbete och metoden prövades.\n",
    "  motivering: Deltagarna kom närmare arbete och metoden prövades.\n"
    "  implementerad_hos:\n"
    "    - organisation: Exempelkommunen\n"
    "      år: 2022\n"
    "      beskrivning: Två coacher anställdes i kommunens ordinarie budget.\n",
).replace("grad: 1", "grad: 2")


@st.composite
def mutated(draw) -> str:
    lines = VALID.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "replace"]))
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "indent":
            lines[index] = " " * draw(st.integers(1, 4)) + lines[index]
        elif kind == "dedent":
            lines[index] = lines[index][draw(st.integers(1, 4)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[index])))
            extra = draw(st.one_of(text, st.sampled_from([":", "-", "'", '"', "[", "]", "\t", "#", "&", "*", ","])))
            lines[index] = lines[index][:at] + extra + lines[index][at:]
        else:
            lines[index] = draw(text)
    return "\n".join(lines)


def test_the_unmutated_file_is_valid(fuzz_root):
    (fuzz_root / FUZZ).write_text(VALID, encoding="utf-8")
    assert load_lines(fuzz_root) == []


@SETTINGS
@given(text=mutated())
def test_mutated_project_file(fuzz_root, text):
    assert_sane(fuzz_root, text.encode("utf-8", "surrogatepass"))
