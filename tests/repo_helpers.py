"""The repository's own example bank, copied for tests that build or change it."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

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
