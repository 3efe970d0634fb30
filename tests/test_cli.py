"""The command line as a package: Swedish throughout (argparse's own texts
included), one module per subcommand, no cycles, and ``ny`` bounded by the
content model.

Imports are read with ``ast`` (function-level imports and ``__import__`` /
``import_module`` with a literal name included), never by importing.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from metodbank import model, new, schema
from metodbank.cli import _TEMPLATES, main, translate

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "metodbank"
COMMANDS = [[], ["kontrollera"], ["ny"], ["sök"], ["sok"], ["schema"]]
# What argparse writes in English, in help and in errors.
ENGLISH = re.compile(
    r"usage:|positional arguments|optional arguments|options:|show this help|error:|unrecognized|"
    r"required:|invalid choice|choose from|expected (one|at most|at least)|ambiguous option|could match|"
    r"ignored explicit|not allowed with|\bargument\s+-", re.IGNORECASE)


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            code = main(list(args))
        except SystemExit as exc:  # --hjälp and usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------
# Swedish


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "metodbank")
@pytest.mark.parametrize("flag", ["-h", "--hjälp", "--help"])
def test_every_help_is_swedish(command, flag):
    code, out, err = run(*command, flag)
    assert (code, err) == (0, "")
    assert out.startswith("användning: metodbank"), out
    assert "visa den här hjälpen" in out and "flaggor:" in out
    assert not ENGLISH.search(out), ENGLISH.search(out).group()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "metodbank")
def test_an_unknown_option_is_a_swedish_usage_error(command, tmp_path):
    complete = ["projekt", "en-ny-fil"] if command == ["ny"] else []  # else: "följande argument saknas"
    code, out, err = run(*command, *complete, "--finns-inte", cwd=tmp_path)
    assert (code, out) == (2, "")
    first, *rest = err.splitlines()
    assert first.startswith("metodbank: fel: "), err
    assert "--finns-inte" in first
    assert rest and rest[0].startswith("användning: metodbank"), err
    assert not ENGLISH.search(err), ENGLISH.search(err).group()


@pytest.mark.parametrize("args, message", [
    (["--finns-inte"], "okända argument: --finns-inte"),
    (["kontrollera", "--github=1"], "--github: tar inget värde (fick '1')"),
    (["kontrollera", "--config"], "--config: ett värde saknas"),
    (["ny"], "följande argument saknas: {projekt,metod,systemfel}, slug"),
    (["ny", "fel", "en-slug"], "{projekt,metod,systemfel}: ogiltigt val 'fel' (välj bland 'projekt', 'metod', 'systemfel')"),
    (["nytt"], "KOMMANDO: ogiltigt val 'nytt'"),
    (["sök", "--me", "x"], "flaggan --me är tvetydig: den kan vara --metod, --metoder"),
    (["sök", "--limit", "0"], "--limit: måste vara minst 1"),
])
def test_argparse_errors_in_swedish(args, message):
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(f"metodbank: fel: {message}"), err
    assert not ENGLISH.search(err), ENGLISH.search(err).group()


@pytest.mark.parametrize("english, swedish", _TEMPLATES, ids=[t for t, _ in _TEMPLATES])
def test_every_listed_argparse_message_is_translated(english, swedish):
    values = {name: f"'v{i}'" for i, name in enumerate(re.findall(r"%\((\w+)\)", english))}
    message = english % values if values else english.replace("%s", "X").replace("%r", "'X'")
    if "message" in values:  # the prefix of argparse's ArgumentError around a message of its own
        message = english % {**values, "message": "expected one argument"}
    translated = translate(message)
    assert translated != message and not ENGLISH.search(translated), translated


def test_python_m_metodbank_cli_is_the_command():
    result = subprocess.run([sys.executable, "-m", "metodbank.cli", "--hjälp"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("användning: metodbank"), result.stderr


# --------------------------------------------------------------------------
# The shape: metodbank.cli imports the core, never the other way round


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> dict[str, list[tuple[int, bool]]]:
    """module -> [(line, inside a function)] for every import in ``path``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, list[tuple[int, bool]]] = {}

    def add(module: str, node, in_function: bool):
        found.setdefault(module, []).append((node.lineno, in_function))

    def visit(node, in_function: bool):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node, in_function)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES]
            for target in subs or [module]:
                add(target, node, in_function)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "id", None) == "__import__"
                   or getattr(node.func, "attr", None) == "import_module")):
            add(node.args[0].value, node, in_function)  # hidden imports count too
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text("utf-8")), False)
    return found


def _is_cli(module: str) -> bool:
    return module == "metodbank.cli" or module.startswith("metodbank.cli.")


def test_no_core_module_imports_the_cli():
    offenders = {name: sorted(m for m in _imports(path) if _is_cli(m))
                 for name, path in MODULES.items() if not _is_cli(name)}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_subcommands_do_not_import_the_package_that_imports_them():
    for name, path in MODULES.items():
        if _is_cli(name) and name not in ("metodbank.cli", "metodbank.cli.__main__"):
            assert "metodbank.cli" not in _imports(path), name


def test_one_module_per_subcommand():
    cli = {name for name in MODULES if _is_cli(name)}
    assert {f"metodbank.cli.{c}" for c in ("kontrollera", "ny", "sok", "schema")} <= cli
    assert not any(name.startswith("metodbank.search.cli") or name == "metodbank.cli_extra" for name in MODULES)


def test_imports_inside_functions_say_why():
    """Only to keep start-up fast, and then with a comment saying so."""
    for name, path in MODULES.items():
        if not (_is_cli(name) or name in ("metodbank.new", "metodbank.schema")):
            continue
        lines = path.read_text("utf-8").splitlines()
        for module, places in _imports(path).items():
            for line, in_function in places:
                if in_function:
                    said = " ".join(lines[max(0, line - 2):line]).lower()
                    assert "start" in said, f"{name}:{line} importerar {module} i en funktion utan förklaring"


# --------------------------------------------------------------------------
# ny: the bounds are the model's


def _schema_node(folder: str, path: tuple) -> dict:
    """The JSON Schema (as ``metodbank schema`` writes it) of the field at ``path``."""
    document = schema.generate(folder)

    def resolve(node):
        while "$ref" in node:
            node = document["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    node = document
    for part in path:
        node = resolve(node)
        if isinstance(part, int):
            options = node.get("anyOf", [node])
            node = next(o for o in options if o.get("type") == "array")["items"]
        else:
            node = node["properties"][part]
    return resolve(node)


CASES = [
    ("projekt", "titel"), ("metod", "titel"), ("systemfel", "titel"), ("projekt", "förbund"),
    ("projekt", "motivering"), ("metod", "sammanfattning"), ("systemfel", "sammanfattning"),
    ("systemfel", "förslag"),
]


@pytest.mark.parametrize("kind, option", CASES)
def test_ny_bounds_are_the_schemas(kind, option, tmp_path):
    node = _schema_node(new.KINDS[kind], new._TEXT_FIELDS[option])
    low, high = node["minLength"], node["maxLength"]
    assert new.text_field(kind, option).bounds == (low, high)
    for folder in model.KINDS:
        (tmp_path / folder).mkdir()
    code, _out, err = run("ny", kind, "en-ny-fil", "--inga-frågor", f"--{option}", "x" * (high + 1), cwd=tmp_path)
    assert (code, err) == (2, f"metodbank: --{option}: {high + 1} tecken, ska vara {low}–{high}\n")
    code, _out, err = run("ny", kind, "en-ny-fil", "--inga-frågor", f"--{option}", "x" * (low - 1), cwd=tmp_path)
    assert code == 2 and f"ska vara {low}–{high}" in err


def test_ny_states_no_bounds_of_its_own():
    for path in (PACKAGE / "new.py", PACKAGE / "cli" / "ny.py"):
        text = path.read_text("utf-8")
        stated = re.findall(r".*\d+–\d+.*", text)
        assert not stated, f"{path.name}: {stated}"


def test_the_checker_collects_garbage_less_often_while_it_loads_and_restores_after(tmp_path, monkeypatch):
    """Loading a large bank keeps hundreds of thousands of objects alive:
    with the default thresholds the collector was a third of checking one
    file at 10,000 projects (collector.py)."""
    import gc

    from checker_helpers import run_cli, write_bank
    from metodbank import collector
    from metodbank.cli import kontrollera

    seen = []
    real = kontrollera.load_bank

    def watched(*args, **kwargs):
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(kontrollera, "load_bank", watched)
    before = gc.get_threshold()
    assert before != collector.THRESHOLDS  # else the test proves nothing
    root = write_bank(tmp_path / "bank")
    code, _out, _err = run_cli(root)
    assert code == 0 and seen == [collector.THRESHOLDS]
    assert gc.get_threshold() == before
