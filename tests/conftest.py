"""Shared pytest fixtures. Keep this small and generic: helpers for one area
live in their own module (e.g. ``checker_helpers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

if str(TESTS) not in sys.path:  # so test modules can import their helper modules
    sys.path.insert(0, str(TESTS))


@pytest.fixture
def bank_root(tmp_path: Path) -> Path:
    """An empty folder for a test bank (see ``checker_helpers.write_bank``)."""
    root = tmp_path / "bank"
    root.mkdir()
    return root
