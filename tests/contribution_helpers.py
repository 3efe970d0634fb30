"""Helpers for the contribution tests (issue 5: `metodbank ny`, the form,
the workflows and the guide).

A test bank is a copy of the repository's own content and ``mkdocs.yml`` in a
temporary folder, so every test sees real metoder and systemfel to refer to.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from metodbank.cli import main

from browser_helpers import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: F401 - re-exported for the tests
from repo_helpers import BANK_INPUTS, MKDOCS, copy_bank  # noqa: F401 - re-exported for the tests

VENV_BIN = Path(sys.executable).parent
METODBANK = VENV_BIN / "metodbank"


def clean_env(**extra: str) -> dict:
    """The environment without CI variables that change the checker's output."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra)
    return env


def metodbank(cwd: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``metodbank ARGS`` in-process, in ``cwd``, with a non-terminal stdin:
    (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved_env = dict(os.environ)
    saved_stdin = sys.stdin
    os.environ.pop("GITHUB_ACTIONS", None)
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
    return code, out.getvalue(), err.getvalue()


def metodbank_process(cwd: Path, *args: str, env: dict | None = None, timeout: int = 120):
    """The installed ``metodbank`` command as a separate process."""
    return subprocess.run([str(METODBANK), *args], cwd=cwd, env=env or clean_env(), capture_output=True,
                          text=True, timeout=timeout)


def build_site(src: Path, site: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """A real ``mkdocs build --strict`` of the bank in ``src`` into ``site``."""
    result = subprocess.run([str(MKDOCS), "build", "--strict", "-q", "-f", str(src / "mkdocs.yml"), "-d", str(site)],
                            cwd=src, env=clean_env(), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"mkdocs build misslyckades:\n{result.stdout}\n{result.stderr}"
    return result


