"""The MkDocs adapter's own duties, without a full build: `mkdocs serve`
watches the content folders outside docs_dir, and item pages stay out of
the nav."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.config import load_config

from metodbank.mkdocs_plugin.plugin import MetodbankPlugin
from repo_helpers import REPO


class RecordingServer:
    def __init__(self):
        self.watched: list[str] = []

    def watch(self, path, *args, **kwargs):
        self.watched.append(str(path))


def test_serve_reloads_on_content_changes(tmp_path):
    for name in ("mkdocs.yml", "docs", "projekt", "metoder", "systemfel"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["metodbank"]
    assert isinstance(plugin, MetodbankPlugin)
    plugin.on_config(config)
    server = RecordingServer()
    plugin.on_serve(server, config=config, builder=None)
    assert sorted(Path(p).name for p in server.watched) == ["metoder", "projekt", "systemfel"]
    assert all(Path(p).parent == tmp_path for p in server.watched)
