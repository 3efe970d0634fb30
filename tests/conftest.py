"""Shared pytest fixtures, available to every test module without an import.

Keep this small and generic: helpers for one area live in their own module
(e.g. ``checker_helpers.py``, ``site_helpers.py``); only the fixtures that
several modules share are defined here. ``REPO`` and ``MKDOCS`` come from
``repo_helpers``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

if str(TESTS) not in sys.path:  # so test modules can import their helper modules
    sys.path.insert(0, str(TESTS))

from browser_helpers import CHROMIUM, serve  # noqa: E402 - needs TESTS on sys.path
from site_helpers import BrowserThread, copy_inputs, load_content, run_build, write_evil_project  # noqa: E402


@pytest.fixture
def bank_root(tmp_path: Path) -> Path:
    """An empty folder for a test bank (see ``checker_helpers.write_bank``)."""
    root = tmp_path / "bank"
    root.mkdir()
    return root


# --------------------------------------------------------------------------
# The example bank, built once per session (see ``site_helpers``)


@pytest.fixture(scope="session")
def site_src(tmp_path_factory) -> Path:
    """A copy of the repository's site inputs (the repo's own site/ is never touched)."""
    return copy_inputs(tmp_path_factory.mktemp("bank") / "src")


@pytest.fixture(scope="session")
def built_site(site_src, tmp_path_factory) -> Path:
    """The example bank, built once per session with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site") / "site"
    run_build(site_src, site, hashseed="1")
    return site


@pytest.fixture(scope="session")
def content(site_src) -> dict:
    """The example bank's front-matter, read with ``yaml.safe_load``: ``{folder: {slug: dict}}``."""
    return load_content(site_src)


@pytest.fixture(scope="session")
def evil_bank(tmp_path_factory) -> Path:
    """The example bank plus a project whose texts are full of markup (``site_helpers.EVIL_*``)."""
    root = copy_inputs(tmp_path_factory.mktemp("evil") / "src")
    write_evil_project(root)
    return root


@pytest.fixture(scope="session")
def evil_site(evil_bank, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("evil-site") / "site"
    run_build(evil_bank, site)
    return site


# --------------------------------------------------------------------------
# Serving the built site and driving Chromium


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site over HTTP on 127.0.0.1 (a free port); yields the root URL."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (``site_helpers.BrowserThread``); skips without Chromium or Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} saknas (Debians chromium-paket)")
    pytest.importorskip("playwright.sync_api")
    runner = BrowserThread()
    try:
        yield runner
    finally:
        runner.close()
