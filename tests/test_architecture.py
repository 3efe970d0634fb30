"""The shape of the code, checked: the core knows no site engine, the MkDocs
adapter imports only the core build, no import cycles, every generated page
has its role set once, and each output's input digest moves exactly when
what it shows changes.

Imports are read with ``ast`` (function-level imports included), never by
importing the modules.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from metodbank.build import Role, SiteBuild
from metodbank.settings import read_settings
from repo_helpers import copy_bank

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "metodbank"
ENGINES = ("mkdocs", "material", "properdocs", "zensical")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, as absolute names."""
    tree = ast.parse(path.read_text("utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from . import schema" imports the module schema, not the package's
            # names: count the submodule when there is one, else the module itself.
            submodules = [f"{module}.{alias.name}" for alias in node.names
                          if f"{module}.{alias.name}" in _known_modules()]
            found.update(submodules or [module])
    return found


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _known_modules() -> set[str]:
    return set(_modules())


def test_the_core_imports_no_site_engine():
    for name, path in _modules().items():
        if name.startswith("metodbank.mkdocs_plugin"):
            continue
        engines = {m for m in _imports(path) if m.split(".")[0] in ENGINES}
        assert not engines, f"{name} importerar {sorted(engines)}"


def test_the_mkdocs_adapter_imports_only_the_core_build_and_settings():
    allowed = {"metodbank.build", "metodbank.settings", "metodbank.mkdocs_plugin.config"}
    for path in (PACKAGE / "mkdocs_plugin").glob("*.py"):
        ours = {m for m in _imports(path) if m.startswith("metodbank")}
        ours = {m for m in ours if m not in allowed and not any(m.startswith(a + ".") for a in allowed)
                and m != "metodbank.mkdocs_plugin" and not m.startswith("metodbank.mkdocs_plugin.")}
        assert not ours, f"{path.name} importerar kärnmoduler direkt: {sorted(ours)}"


def test_no_import_cycles():
    modules = _modules()
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    # A package's __init__ is imported by its modules implicitly; that is no cycle.
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == [], "importcykler: " + "; ".join(" → ".join(c) for c in cycles)


# --------------------------------------------------------------------------
# The core build: roles and input digests

def _prepare(root: Path) -> dict[str, object]:
    settings = read_settings(root / "mkdocs.yml")
    build = SiteBuild(settings, root / ".cache" / "metodbank")
    try:
        return {o.src_uri: o for o in build.prepare()}
    finally:
        build.abandon()


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    return copy_bank(tmp_path_factory.mktemp("arkitektur") / "bank")


@pytest.fixture(scope="module")
def before(bank):
    return _prepare(bank)


def test_every_generated_page_has_its_role(before):
    roles = {uri: o.role for uri, o in before.items()}
    assert roles["projekt/index.md"] is Role.SECTION
    assert roles["sok/index.md"] is Role.HIDDEN
    assert roles["data/projekt.json"] is Role.FILE
    for uri, role in roles.items():
        parts = uri.split("/")
        if uri.endswith(".md") and (parts[-1] != "index.md" or len(parts) > 2):
            assert role is Role.ITEM, uri


def _edited(bank: Path, tmp_path: Path, edit) -> dict[str, str]:
    copy = tmp_path / "bank"
    shutil.copytree(bank, copy, ignore=shutil.ignore_patterns(".cache"))
    edit(copy)
    return {uri: o.input_digest for uri, o in _prepare(copy).items()}


def _changed(before, after) -> set[str]:
    return {uri for uri in before.keys() | after.keys() if getattr(before.get(uri), "input_digest", None) != after.get(uri)}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_body_edit_changes_that_page_alone(bank, before, tmp_path):
    project = sorted((bank / "projekt").glob("*.md"))[0]
    after = _edited(bank, tmp_path, lambda root: _replace(
        root / "projekt" / project.name, "\n## ", "\nEn ny mening i brödtexten.\n\n## "))
    assert _changed(before, after) == {f"projekt/{project.name}"}


def test_a_title_edit_changes_the_page_and_the_listings_that_show_it(bank, before, tmp_path):
    project = sorted((bank / "projekt").glob("*.md"))[0]
    slug = project.stem
    changed = _changed(before, _edited(bank, tmp_path, lambda root: _replace(
        root / "projekt" / project.name, "titel: ", "titel: Nytt namn på ")))
    assert f"projekt/{slug}.md" in changed and "projekt/index.md" in changed
    assert "data/projekt.json" in changed and "data/katalog.json" in changed
    # Pages that never show the project keep their digest.
    assert "om.md" not in changed and "systemfel/index.md" not in changed
    unrelated = [uri for uri in before if uri.startswith("metoder/") and uri.endswith(".md") and uri != "metoder/index.md"]
    assert any(uri not in changed for uri in unrelated)
