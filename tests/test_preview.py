"""``make serve`` with a content error: the preview shows the problems in
Swedish on every page (and stand-ins for the generated pages the nav names)
instead of stopping, and recovers on the next save; ``mkdocs build`` still
fails on the same error."""

from __future__ import annotations

import contextlib
import html
import subprocess
from pathlib import Path

import pytest

from repo_helpers import MKDOCS, copy_bank

pytestmark = pytest.mark.build

BROKEN = "projekt/trasigt-projekt.md"


def _preview(bank: Path, site: Path) -> None:
    """What ``mkdocs serve`` does for one build: the plugin told it is serving."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(bank / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        with contextlib.chdir(bank):
            build(config)
    finally:
        config.plugins.on_shutdown()  # as mkdocs does: the instance outlives this build


def test_a_content_error_shows_in_the_preview_and_the_next_save_recovers(tmp_path):
    bank = copy_bank(tmp_path / "bank")
    (bank / BROKEN).write_text("---\ntitel: Trasigt\nstatus: kanske\n---\nText.\n", "utf-8")
    site = tmp_path / "site"
    _preview(bank, site)
    start = html.unescape((site / "index.html").read_text("utf-8"))
    assert "Förhandsvisningen: innehållet har" in start and "fel att rätta" in start
    assert f"{BROKEN}:3: status: 'kanske'" in start
    listing = html.unescape((site / "projekt" / "index.html").read_text("utf-8"))
    assert "Innehållet har fel" in listing and BROKEN in listing
    # The next save fixes it: the real site again, no banner.
    (bank / BROKEN).unlink()
    _preview(bank, site)
    assert "Förhandsvisningen" not in (site / "index.html").read_text("utf-8")
    assert (site / "projekt" / "aktivt-stod-forsorjningsstod" / "index.html").is_file()


def test_mkdocs_build_still_fails_on_the_same_error(tmp_path):
    bank = copy_bank(tmp_path / "bank")
    (bank / BROKEN).write_text("---\ntitel: Trasigt\nstatus: kanske\n---\nText.\n", "utf-8")
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "-d", str(tmp_path / "site")], cwd=bank,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert f"{BROKEN}:3: status: 'kanske'" in proc.stdout + proc.stderr
