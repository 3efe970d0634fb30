"""The repository (``REPO``), the engine that builds it (``MKDOCS``), and its
example bank, copied for tests that build or change it. Every test module
takes ``REPO`` and ``MKDOCS`` from here."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The mkdocs of the venv running the tests (``make test`` runs pytest from
#: .venv); the repository's .venv if that one has none.
MKDOCS = Path(sys.executable).with_name("mkdocs")
if not MKDOCS.exists():
    MKDOCS = REPO / ".venv" / "bin" / "mkdocs"

# What a build of the example bank reads.
BANK_INPUTS = ("mkdocs.yml", "docs", "projekt", "metoder", "systemfel")


def copy_bank(target: Path, with_docs: bool = True) -> Path:
    """A copy of the repository's bank (content folders, mkdocs.yml, docs/) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in BANK_INPUTS:
        if name == "docs" and not with_docs:
            continue
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target
