"""Progress on long work (issue 6, item 4): a check or build of a large bank
shows progress (count of files, phase) on a terminal, and stays quiet in CI
logs unless asked for.

The banks are small synthetic ones (``scripts/generate_bank.py``); the
progress lines always end with the total, so they show at any size.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from repo_helpers import MKDOCS, REPO

PYTHON = sys.executable
METODBANK = Path(PYTHON).with_name("metodbank")
N = 12
FILES = N + 8 + 6  # projekt + metoder (at least 8) + systemfel (at least 6)
QUIET_ENV = {k: v for k, v in os.environ.items()
             if k not in ("CI", "GITHUB_ACTIONS", "METODBANK_PROGRESS", "METODBANK_TIMINGS")}


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "bank"
    subprocess.run([PYTHON, str(REPO / "scripts" / "generate_bank.py"), str(root), "--projekt", str(N)],
                   check=True, capture_output=True, timeout=120)
    return root


def checker() -> list[str]:
    return [str(METODBANK)] if METODBANK.exists() else [PYTHON, "-m", "metodbank.cli"]


def run_with_terminal(cmd: list[str], cwd: Path, env: dict) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (as in an interactive shell); stdout piped."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    stdout = proc.stdout.read().decode("utf-8", "replace")
    proc.stdout.close()
    return proc.wait(timeout=120), stdout, b"".join(chunks).decode("utf-8", "replace")


def run_piped(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def progress_shown(stderr: str) -> bool:
    return f"{FILES}/{FILES}" in stderr


def test_checker_shows_progress_on_a_terminal(bank):
    code, stdout, stderr = run_with_terminal(checker() + ["kontrollera"], bank, QUIET_ENV)
    assert code == 0, stdout + stderr
    assert progress_shown(stderr), stderr
    assert "filer" in stderr


def test_checker_is_quiet_in_ci_logs(bank):
    result = run_piped(checker() + ["kontrollera"], bank, {**QUIET_ENV, "CI": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert not progress_shown(result.stderr), result.stderr
    assert not progress_shown(result.stdout)
    # The one-line summary stays.
    assert f"{FILES} filer kontrollerade" in result.stderr


def test_checker_is_quiet_on_a_terminal_in_ci(bank):
    code, stdout, stderr = run_with_terminal(checker() + ["kontrollera"], bank, {**QUIET_ENV, "CI": "true"})
    assert code == 0, stdout + stderr
    assert not progress_shown(stderr), stderr


def test_checker_shows_progress_when_asked(bank):
    result = run_piped(checker() + ["kontrollera", "--progress"], bank, {**QUIET_ENV, "CI": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert progress_shown(result.stderr), result.stderr
    assert not progress_shown(result.stdout), "progress belongs on stderr, never in the problem list"


@pytest.mark.build
def test_build_progress_and_timings_only_when_asked(bank, tmp_path):
    build = [str(MKDOCS), "build", "-q", "-d", str(tmp_path / "site")]
    env = {**QUIET_ENV, "CI": "true", "NO_MKDOCS_2_WARNING": "1"}

    quiet = run_piped(build, bank, env)
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert not progress_shown(quiet.stderr), quiet.stderr
    assert "metodbank-tider:" not in quiet.stderr

    loud = run_piped(build, bank, {**env, "METODBANK_PROGRESS": "1", "METODBANK_TIMINGS": "1"})
    assert loud.returncode == 0, loud.stderr[-3000:]
    assert progress_shown(loud.stderr), loud.stderr
    assert "metodbank: kontroll" in loud.stderr  # the phase is named
    (line,) = [line for line in loud.stderr.splitlines() if line.startswith("metodbank-tider: ")]
    report = json.loads(line.removeprefix("metodbank-tider: "))
    assert report["faser"] and all(seconds >= 0 for seconds in report["faser"].values())
    assert "kontroll" in report["faser"]
