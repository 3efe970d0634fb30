"""The contributor guide (docs/bidra.md on the site, BIDRA.md in the repo):
every example and every command in it is tested.

- ```yaml blocks that are whole files (they start with `---` and name their
  schema on the yaml-language-server line) pass the checker as they are;
- ```yaml fragments pass the checker once merged into the guide's own
  complete projekt example;
- ```sh blocks are run line by line in a temporary clone of the bank with a
  local "origin" (exit 0, or the code written as `# slutkod N` on the line);
- the ```text block shows exactly what the checker prints.
"""

from __future__ import annotations

import copy
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from contribution_helpers import VENV_BIN, clean_env, copy_bank, metodbank
from metodbank.frontmatter import parse
from repo_helpers import REPO

GUIDES = [REPO / "docs" / "bidra.md", REPO / "BIDRA.md"]
GUIDE = GUIDES[0]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=\.\./schema/(\w+)\.schema\.json$", re.M)
CLONE_URL = "https://github.com/ORGANISATION/metodbanken.git"
# Installation lines are not run here: `make check` would create a second
# virtual environment and install every package; the tests already run in the
# one `make test` made from the same Makefile, and its bin/ is put on PATH.
NOT_RUN = {"make check": "installation (samma Makefile som make test)", ". .venv/bin/activate": "PATH har redan .venv/bin"}


def blocks(path: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


def test_the_repo_guide_is_the_site_guide():
    assert GUIDES[1].read_text(encoding="utf-8") == GUIDES[0].read_text(encoding="utf-8"), (
        "BIDRA.md och docs/bidra.md ska vara samma text: kopiera docs/bidra.md till BIDRA.md")


def test_the_guide_covers_what_a_projektledare_needs():
    text = GUIDE.read_text(encoding="utf-8")
    for heading in ("## Så är en projektfil uppbyggd", "## Välj grad av framgång – ärligt",
                    "## Beskriv ett systemfel som projektet har sett", "## Det här får aldrig stå i en fil",
                    "## Sätt 1: formuläret", "## Sätt 2: GitHubs webbredigerare", "## Sätt 3: git och metodbank på din dator"):
        assert heading in text
    # The degree table is the contract's.
    for row in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert row in text
    for evidence in ("`motivering`", "`resultat`", "`implementerad_hos`", "`beslut` och minst ett `systemfel`"):
        assert evidence in text
    assert "personnummer" in text and "samordningsnummer" in text


# --------------------------------------------------------------------------
# YAML examples


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    return copy_bank(tmp_path_factory.mktemp("guide") / "bank", with_docs=False)


def complete_examples() -> list[tuple[str, str]]:
    found = []
    for body in blocks(GUIDE, "yaml"):
        if body.startswith("---\n"):
            match = SCHEMA_LINE.search(body)
            assert match, f"ett helt exempel ska ange sitt schema på yaml-language-server-raden:\n{body[:200]}"
            found.append((match.group(1), body))
    return found


def fragments() -> list[str]:
    return [body for body in blocks(GUIDE, "yaml") if not body.startswith("---\n")]


def test_the_guide_has_a_complete_example_of_each_kind():
    assert sorted(kind for kind, _ in complete_examples()) == ["metoder", "projekt", "systemfel"]
    assert len(fragments()) >= 3


@pytest.mark.parametrize("index", range(3))
def test_each_complete_example_passes_the_checker(bank, index):
    kind, body = complete_examples()[index]
    relative = f"{kind}/guide-exempel-{index}.md"
    (bank / relative).write_text(body, encoding="utf-8")
    try:
        code, out, err = metodbank(bank, "kontrollera", relative)
        assert (code, out) == (0, ""), out + err
    finally:
        (bank / relative).unlink()


def merge(base: dict, extra: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@pytest.mark.parametrize("index", range(3))
def test_each_fragment_passes_the_checker_inside_the_projekt_example(bank, index):
    fragment = yaml.safe_load(fragments()[index])
    assert isinstance(fragment, dict) and fragment
    projekt = next(body for kind, body in complete_examples() if kind == "projekt")
    base = parse(projekt)
    merged = merge(base.data, fragment)
    text = "---\n" + yaml.safe_dump(merged, allow_unicode=True, sort_keys=False) + "---\n" + base.body
    relative = f"projekt/guide-fragment-{index}.md"
    (bank / relative).write_text(text, encoding="utf-8")
    try:
        code, out, err = metodbank(bank, "kontrollera", relative)
        assert (code, out) == (0, ""), f"{out}{err}\n{text}"
    finally:
        (bank / relative).unlink()


# --------------------------------------------------------------------------
# Commands


def git_env(**extra: str) -> dict:
    return clean_env(GIT_AUTHOR_NAME="Projektledare", GIT_AUTHOR_EMAIL="pl@example.org",
                     GIT_COMMITTER_NAME="Projektledare", GIT_COMMITTER_EMAIL="pl@example.org",
                     GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull, **extra)


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A bare repository standing in for the bank on GitHub."""
    work = copy_bank(tmp_path_factory.mktemp("origin") / "arbete")
    (work / ".gitignore").write_text(".venv/\nsite/\n", encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Metodbanken"]):
        subprocess.run(["git", *args], cwd=work, env=git_env(), check=True, capture_output=True)
    bare = work.parent / "metodbanken.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], env=git_env(), check=True, capture_output=True)
    return bare


def shell_lines() -> list[str]:
    lines = []
    for body in blocks(GUIDE, "sh"):
        lines.extend(line for line in body.splitlines() if line.strip() and not line.startswith("#"))
    return lines


def expected_code(line: str) -> int:
    match = re.search(r"#\s*slutkod (\d+)\s*$", line)
    return int(match.group(1)) if match else 0


def test_every_command_in_the_guide_runs(tmp_path, origin):
    lines = shell_lines()
    assert any(line.startswith("metodbank ny projekt") for line in lines)
    cwd = tmp_path
    ran = []
    for line in lines:
        if line in NOT_RUN:
            continue
        command = line.replace(CLONE_URL, str(origin))
        if command.startswith("cd "):
            cwd = (cwd / shlex.split(command)[1]).resolve()
            assert cwd.is_dir(), line
            continue
        result = subprocess.run(["bash", "-c", command], cwd=cwd, env=git_env(), capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == expected_code(line), f"$ {line}\n{result.stdout}{result.stderr}"
        ran.append(line)
    assert sum(line.startswith("metodbank ") for line in ran) >= 5
    # The pushed branch reached "GitHub" with the new project in it.
    listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", "nytt-projekt-unga-vuxna"], cwd=origin,
                             env=git_env(), capture_output=True, text=True, check=True).stdout
    assert "projekt/unga-vuxna-i-arbete.md" in listing.splitlines()


def test_the_lines_not_run_are_only_installation():
    assert set(NOT_RUN) <= set(shell_lines()), "NOT_RUN nämner rader som inte längre finns i guiden"
    assert (REPO / "Makefile").read_text(encoding="utf-8").count("\ncheck:") == 1


def test_every_metodbank_command_named_in_the_prose_exists():
    text = GUIDE.read_text(encoding="utf-8")
    named = set(re.findall(r"`metodbank (\w+)", text))
    assert {"ny", "kontrollera"} <= named
    for sub in named:
        result = subprocess.run([str(VENV_BIN / "metodbank"), sub, "--help"], capture_output=True, text=True,
                                env=clean_env(), timeout=60)
        assert result.returncode == 0, f"metodbank {sub}: {result.stderr}"


def test_the_example_checker_output_is_what_the_checker_prints(bank):
    """The ```text block: what a started project created with `metodbank ny` still lacks."""
    (shown,) = blocks(GUIDE, "text")
    command = next(line for line in shell_lines() if line.startswith("metodbank ny projekt"))
    args = shlex.split(command)[1:]
    args[args.index("--status") + 1] = "pågående"
    slug = args[2]
    code, _out, err = metodbank(bank, *args)
    assert code == 0, err
    try:
        code, out, _err = metodbank(bank, "kontrollera", f"projekt/{slug}.md")
        assert code == 1
        for line in shown.strip().splitlines():
            assert line in out.splitlines(), f"{line}\n-- kontrollen skrev --\n{out}"
    finally:
        (bank / "projekt" / f"{slug}.md").unlink()
