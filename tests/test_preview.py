"""``make serve`` with a content error: the preview shows the problems in
Swedish on every page (and stand-ins for the generated pages the nav names)
instead of stopping, and recovers on the next save; ``mkdocs build`` still
fails on the same error."""

from __future__ import annotations

import contextlib
import html
import shutil
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


def _serve(bank: Path, site: Path, builds) -> None:
    """What ``mkdocs serve`` does: one plugin instance for all its builds;
    ``builds`` edits the bank between them (None: build)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(bank / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        for edit in builds:
            if edit is not None:
                edit(config.plugins["metodbank"].session)
            config = load_config(str(bank / "mkdocs.yml"), site_dir=str(site))
            with contextlib.chdir(bank):
                build(config)
        config.plugins["metodbank"].session.wait()  # the search index is swapped in after the build
    finally:
        config.plugins.on_shutdown()


def test_a_preview_rebuild_from_memory_shows_what_a_fresh_preview_does(tmp_path, monkeypatch):
    """A preview server keeps the bank as it read it, its worker processes,
    the publish gate's file digests and the finished pages in its site
    between builds, and publishes the search index after the page. After two
    edits and a removed project its site (search index included) is byte for
    byte the one a fresh server shows of the same content with no cache."""
    from test_incremental import SOURCE_DATE_EPOCH, differences

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    bank = copy_bank(tmp_path / "bank")
    project = bank / "projekt" / "aktivt-stod-forsorjningsstod.md"
    removed = "projekt/foraldrakraft-umea.md"
    kept = {}

    def body_edit(session):
        kept["documents"] = dict(session.read_files["documents"])
        kept["workers"] = session._workers
        text = project.read_text("utf-8")
        project.write_text(text + "\nFörhandsvisningen minns banken mellan byggena.\n", "utf-8")

    def title_edit(session):
        assert session._workers is kept["workers"] is not None  # the same processes, not started again
        text = project.read_text("utf-8")
        project.write_text(text.replace("titel: ", "titel: Omdöpt ", 1), "utf-8")
        (bank / removed).unlink()

    site = tmp_path / "site"
    _serve(bank, site, [None, body_edit, title_edit])
    assert len(kept["documents"]) > 10
    fresh = copy_bank(tmp_path / "fresh")
    shutil.copy2(project, fresh / "projekt" / project.name)
    (fresh / removed).unlink()
    fresh_site = tmp_path / "fresh-site"
    _serve(fresh, fresh_site, [None])
    page = (site / "projekt" / "aktivt-stod-forsorjningsstod" / "index.html").read_text("utf-8")
    assert "Förhandsvisningen minns banken mellan byggena." in page and "Omdöpt " in page
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (site / removed[:-3]).exists()
    assert differences(site, fresh_site) == []
