"""Fuzzing the checker with what safe publishing II is about: YAML tags,
escapes and aliases, deep nesting, huge and YAML-1.1-odd numbers, odd file
types and names, and broken ``mkdocs.yml`` shapes.

Whatever comes in, the checker must answer with well-formed
``path:line: meddelande`` lines (line ≥ 1), never raise, never hang, and
exit 0/1 for content and 2 for a broken config — in-process through
``load_bank()`` and the command line, and a few times as the installed
``metodbank`` process.

``METODBANK_FUZZ_EXAMPLES`` sets the number of examples (``make fuzz``
runs thousands); the default keeps this module to a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker_helpers import GOOD_FILES, GOOD_METOD, load_lines, run_cli, write_bank
from contribution_helpers import clean_env
from robustness_helpers import deadline, parse_problem

from metodbank.bank import MAX_BYTES, printable
from metodbank.settings import Settings, SettingsError, read_settings

# Deep values make long example reprs; that is the point of them.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

EXAMPLES = int(os.environ.get("METODBANK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
# Each example of these starts the installed command: a few are enough.
FUZZ_PROCESS = settings(FUZZ, max_examples=max(3, EXAMPLES // 10))
METODBANK = Path(sys.executable).parent / "metodbank"
TARGET = "metoder/fuzz-metod.md"


# --------------------------------------------------------------------------
# YAML values

TAGS = ["!!binary", "!!python/object:os.system", "!!python/object/apply:os.system", "!!python/name:os.system",
        "!!timestamp", "!!bool", "!!int", "!!str", "!!float", "!!null", "!!seq", "!!map", "!!set", "!!omap",
        "!!merge", "!", "!foo", "!<tag:yaml.org,2002:int>", "!<!>", "!e!x"]
ODD_SCALARS = ["", "~", "null", "yes", "No", "on", "055", "-055", "+0_7", "00", "09", "0x1F", "0x_", "0b101", "0b",
               "1:00", "-1:30", "1:30.5", "190:20:30", ".inf", "-.Inf", ".nan", "1e999", "-1e-999", "1_000", "0.04",
               "2019-02-30", "2020-01-01 12:00:00", "<<", "=", "'055'", '"1:00"', "'it''s'", "|\n  block",
               ">-\n  folded", "- x", "? x", "a: b", "#", "&", "*", "!", "%", "@", "`", "[", "]", "{", "}", ","]
ESCAPES = [r"\x1b", r"\e", r"\0", r"\a", r"\b", r"\v", r"\f", r"\N", r"\_", r"\L", r"\P", r"\u2028", r"\x85",
           r"\U0010FFFF", r"\UFFFFFFFF", r"\uD800", r"\uDFFF", r"\q", r"\x4", r"\u12", "\\", r"\"", r"\/", r"\t",
           "a", " ", "å", "\t", "[31m"]
NAMES = st.sampled_from(["a", "b", "c"])

numbers = st.tuples(st.sampled_from(["", "-", "+", "0", "0x", "0b", "00", "1:"]),
                    st.integers(1, 6000), st.sampled_from("0123456789")).map(lambda t: t[0] + t[2] * t[1])
escaped = st.lists(st.sampled_from(ESCAPES), max_size=10).map(lambda parts: '"' + "".join(parts) + '"')
plain_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\r"), max_size=20)
scalars = st.one_of(st.sampled_from(ODD_SCALARS), numbers, escaped, plain_text)


def flow(children):
    keys = st.one_of(st.sampled_from(["k", "titel", "055", "1:00", "!!str k", "&a k", "*a", "[k]", "? k"]), scalars)
    return st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(keys, children), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
        st.tuples(st.sampled_from(TAGS), children).map(" ".join),
        st.tuples(NAMES.map(lambda n: "&" + n), children).map(" ".join),
        NAMES.map(lambda n: "*" + n),
    )


nested = st.recursive(scalars, flow, max_leaves=12)
deep_flow = st.tuples(st.integers(0, 3000), st.sampled_from("[{"), nested).map(
    lambda t: (t[1] if t[1] == "[" else "{k: ") * t[0] + t[2] + ("]" if t[1] == "[" else "}") * t[0])
deep_block = st.tuples(st.integers(0, 60), nested).map(
    lambda t: "\n" + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(t[0])) + "  " * (t[0] + 1) + "x: " + t[1])
compact = st.tuples(st.integers(0, 60), st.sampled_from(["- ", "? ", "- &a ", "- !!seq "]), nested).map(
    lambda t: "\n" + t[1] * t[0] + t[2])
recursive_alias = st.tuples(NAMES, st.sampled_from(["[{}]", "{{k: {}}}", "[1, [2, {}]]", "\n  - {}"])).map(
    lambda t: f"&{t[0]} " + t[1].format("*" + t[0]))
values = st.one_of(nested, deep_flow, deep_block, compact, recursive_alias, numbers)


def metod_with(value: str, extra: list[tuple[str, str]]) -> str:
    """The good method with ``insatstid_månader`` set to ``value`` and
    ``extra`` fields appended (keys too may be odd)."""
    text = GOOD_METOD.replace("insatstid_månader: 12", f"insatstid_månader: {value}")
    fields = "".join(f"{key}: {val}\n" for key, val in extra)
    return text.replace("\n---\nSå fungerar", f"\n{fields}---\nSå fungerar") if fields else text


extra_fields = st.lists(st.tuples(st.one_of(st.sampled_from(["källor", "förutsättningar", "x"]), scalars), values),
                        max_size=3)


def line_count(raw: bytes) -> int:
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def assert_sane(root: Path, files: dict[str, bytes], cli: bool = True) -> list[str]:
    """The checker on ``root``: every line well-formed and within its file,
    and the command line (in-process) printing the same with exit 0 or 1."""
    with deadline(60):
        lines = load_lines(root)
    for line in lines:
        path, number, _message = parse_problem(line, files)
        if files[path] is not None:
            assert number <= line_count(files[path]) + 1, f"rad {number} finns inte i {path}: {line!r}"
    if cli:
        with deadline(60):
            code, printed, err = run_cli(root)
        assert code in (0, 1), err
        assert printed == lines
        assert "Traceback" not in err
    return lines


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return write_bank(tmp_path_factory.mktemp("robust"))


def _files_with(raw: bytes) -> dict[str, bytes]:
    return {path: text.encode() for path, text in GOOD_FILES.items()} | {TARGET: raw}


@FUZZ
@given(value=values, extra=extra_fields)
def test_odd_yaml_in_front_matter(fuzz_root, value, extra):
    raw = metod_with(value, extra).encode("utf-8", "surrogatepass")
    (fuzz_root / TARGET).write_bytes(raw)
    assert_sane(fuzz_root, _files_with(raw))


@FUZZ
@given(value=values)
def test_odd_yaml_as_a_key(fuzz_root, value):
    if "\n" in value:
        value = "? " + value.replace("\n", "\n  ") + "\n:"
    key = value if "\n" in value else f"{value}:"
    raw = metod_with("12", []).replace("insatstid_månader: 12", f"{key} 1").encode("utf-8", "surrogatepass")
    (fuzz_root / TARGET).write_bytes(raw)
    assert_sane(fuzz_root, _files_with(raw), cli=False)


# --------------------------------------------------------------------------
# Odd file types and names

# What a content path can be, besides a good file.
KINDS = ["good", "empty", "fifo", "dev_zero", "dev_null", "dangling", "outside", "loop", "folder", "sparse",
         "socket", "inside_link", "garbage"]
# Kinds that must give exactly one problem, at line 1, without being read.
REFUSED = {"fifo", "dev_zero", "dev_null", "dangling", "outside", "loop", "sparse", "socket"}

slug_names = st.from_regex(r"[a-z][a-z0-9]{2,8}(-[a-z0-9]{1,5})?", fullmatch=True)
odd_names = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=12),
    st.binary(min_size=1, max_size=10).filter(lambda b: b"/" not in b and b"\x00" not in b).map(os.fsdecode),
)
file_names = st.tuples(st.one_of(slug_names, odd_names), st.sampled_from([".md", ".MD", ".Md", ".mD"])).map(
    "".join).filter(lambda name: name not in (".", "..") and len(os.fsencode(name)) < 200)
entries = st.lists(st.tuples(st.sampled_from(["projekt", "metoder", "systemfel"]), file_names,
                             st.sampled_from(KINDS), st.binary(max_size=200)),
                   max_size=5, unique_by=lambda entry: (entry[0], entry[1].casefold()))


def make(path: Path, kind: str, garbage: bytes, outside: Path) -> None:
    if kind == "good":
        path.write_text(GOOD_METOD, encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(b"---\n" + garbage + b"\n---\n")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind in ("dev_zero", "dev_null"):
        path.symlink_to("/dev/" + kind[4:])
    elif kind == "dangling":
        path.symlink_to("finns-inte-har.md")
    elif kind == "outside":
        path.symlink_to(outside)
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "folder":
        path.mkdir()
    elif kind == "sparse":
        with open(path, "wb") as handle:
            handle.truncate(MAX_BYTES + 1 + len(garbage) * 10_000_000)
    elif kind == "socket":
        with contextlib.chdir(path.parent), socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    elif kind == "inside_link":
        path.symlink_to("../metoder/exempelmetod.md")


@FUZZ
@given(made=entries)
def test_odd_file_types_and_names(made):
    with tempfile.TemporaryDirectory() as folder:
        root = write_bank(Path(folder) / "bank")
        outside = Path(folder) / "utanfor.md"
        outside.write_text(GOOD_METOD, encoding="utf-8")
        files = {path: text.encode() for path, text in GOOD_FILES.items()}
        kinds = {}
        for kind_folder, name, kind, garbage in made:
            path = root / kind_folder / name
            if os.path.lexists(path):
                continue
            make(path, kind, garbage, outside)
            shown = f"{kind_folder}/{printable(name)}"
            kinds[shown] = kind
            files[shown] = path.read_bytes() if kind in ("good", "empty", "garbage") else None
        lines = assert_sane(root, files)
        for shown, kind in kinds.items():
            mine = [line for line in lines if parse_problem(line, files)[0] == shown]
            if kind in REFUSED:
                assert len(mine) == 1 and mine[0].startswith(f"{shown}:1: "), (kind, mine)
            elif kind == "folder":
                assert mine == [], mine  # a folder named x.md is a folder, not content
            elif not shown.endswith(".md"):
                assert any("ska vara '.md' med små bokstäver" in line for line in mine), mine


# --------------------------------------------------------------------------
# mkdocs.yml

OPTION_VALUES = st.one_of(nested, st.sampled_from(["{}", "[]", "null", "innehall", "'../../..'", "/", "0", "-1",
                                                   "true", "!ENV X", "!ENV [X, 5]", "!relative", "*a", "&a {}"]))
vocab_entries = st.lists(st.tuples(st.one_of(st.sampled_from(["unga-16-19", "ny", "../x", "X", "yes", "12", "a b"]),
                                              scalars), OPTION_VALUES), max_size=3)
vocabularies = st.lists(st.tuples(st.sampled_from(["målgrupp", "parter", "kategori", "förbund", "malgrupp", "x"]),
                                  st.one_of(vocab_entries.map(lambda pairs: "".join(
                                      f"\n          {k}: {v}" for k, v in pairs)), OPTION_VALUES)),
                        max_size=3).map(lambda pairs: "".join(f"\n        {k}: {v}" for k, v in pairs))
options = st.lists(st.tuples(st.sampled_from(["vokabular", "innehall", "repo_url", "sokdel_sidor", "rapport_pdf",
                                              "enabled", "<<", "vokabulär", "x"]),
                             st.one_of(OPTION_VALUES, vocabularies)), max_size=4).map(
    lambda pairs: "".join(f"      {k}: {v}\n" for k, v in pairs))
configs = st.one_of(
    options.map(lambda text: "site_name: Fuzz\nplugins:\n  - search\n  - metodbank:\n" + text),
    st.tuples(st.sampled_from(["plugins", "site_url", "site_name", "INHERIT"]), OPTION_VALUES).map(
        lambda pair: f"{pair[0]}: {pair[1]}\n"),
    values.map(lambda text: "site_name: " + text + "\n"),
    st.binary(max_size=300).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
)


@FUZZ
@given(config=configs)
def test_any_config_is_settings_or_a_settings_error(fuzz_root, config):
    path = fuzz_root / "mkdocs.yml"
    path.write_bytes(config.encode("utf-8", "surrogateescape"))
    try:
        with deadline(60):
            result = read_settings(path)
    except SettingsError as exc:
        assert str(exc).startswith(f"{path.as_posix()}:") or str(exc).startswith("mkdocs.yml:"), str(exc)
        assert exc.line >= 1 and "\n" not in exc.message
        expected = {2}
    else:
        assert isinstance(result, Settings)
        expected = {0, 1, 2}  # 2: innehall names a folder without content
    with deadline(60):
        code, out, err = run_cli(fuzz_root)
    path.unlink()
    assert code in expected, (code, err)
    assert "Traceback" not in err
    if code == 2:
        assert out == [] and len(err.splitlines()) == 1, err


# --------------------------------------------------------------------------
# The installed command, as its own process


@FUZZ_PROCESS
@given(value=values, made=entries)
def test_the_installed_command(value, made):
    with tempfile.TemporaryDirectory() as folder:
        root = write_bank(Path(folder) / "bank", {TARGET: metod_with(value, [])})
        outside = Path(folder) / "utanfor.md"
        outside.write_text(GOOD_METOD, encoding="utf-8")
        files = {path: text.encode() for path, text in GOOD_FILES.items()}
        files[TARGET] = (root / TARGET).read_bytes()
        for kind_folder, name, kind, garbage in made:
            path = root / kind_folder / name
            if not os.path.lexists(path):
                make(path, kind, garbage, outside)
                files[f"{kind_folder}/{printable(name)}"] = None
        result = subprocess.run([str(METODBANK), "kontrollera"], cwd=root, env=clean_env(), capture_output=True,
                                timeout=120)
        assert result.returncode in (0, 1), result.stderr
        stderr = result.stderr.decode("utf-8")
        assert "Traceback" not in stderr
        for line in result.stdout.decode("utf-8").splitlines():
            parse_problem(line, files)


# --------------------------------------------------------------------------
# The text pre-scan that decides whether events are scanned before composing


def _depth(text: str) -> int | None:
    """The real nesting depth, from the parser's events (None: no YAML)."""
    depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return deepest


def _chain(shape: list[str], leaf):
    """Nested data, one collection per entry of ``shape``, innermost last."""
    for kind in reversed(shape):
        leaf = [leaf, 1] if kind == "list" else ({"k": leaf, "j": 2} if kind == "dict" else [{"k": leaf}])
    return leaf


# Deep data laid out every way the YAML emitter can: block, flow or mixed,
# indents 2–9, compact lists in lists ("- - x") and lists under keys.
deep_documents = st.tuples(
    st.lists(st.sampled_from(["list", "dict", "list-of-dict"]), min_size=8, max_size=30),
    st.sampled_from([None, True, False]), st.integers(2, 9), st.sampled_from([20, 80, 10_000]),
).map(lambda t: yaml.safe_dump({"titel": "x", "k": _chain(t[0], "leaf")}, default_flow_style=t[1], indent=t[2],
                               width=t[3], allow_unicode=True, sort_keys=False))
shallow_values = st.one_of(deep_block, compact.filter(lambda text: "&" not in text and "!" not in text))


@FUZZ
@given(text=st.one_of(deep_documents, shallow_values.map(lambda value: f"titel: x\nk: {value}\n")))
def test_the_depth_pre_scan_never_misses_deep_nesting(text):
    # libyaml's composer recurses in C and crashes the process on deep
    # enough nesting: text deeper than MAX_DEPTH must never reach it unscanned.
    from metodbank.frontmatter import MAX_DEPTH, _needs_event_scan

    depth = _depth(text)
    if depth is not None and depth > MAX_DEPTH:
        assert _needs_event_scan(text), (depth, text)
