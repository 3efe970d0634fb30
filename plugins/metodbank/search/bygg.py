"""Build or refresh the Whoosh index in its own process.

The site build starts this beside MkDocs (``python -m metodbank.search.bygg``),
so that pure-Python indexing runs on the second core while the pages render,
and then publishes the live generation into the site with :func:`publish`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

from ..settings import SettingsError
from . import store
from .errors import SearchError
from .fresh import ensure_index

PUBLISHED_DIR = "sok/index"


def start(root: Path, index_dir: Path, config: Path | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "metodbank.search.bygg", "--bank", str(root), "--index", str(index_dir)]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait(process: subprocess.Popen) -> dict:
    """The child's statistics; raises SearchError with its message on failure."""
    out, err = process.communicate()
    if process.returncode != 0:
        raise SearchError(f"Whoosh-indexet kunde inte byggas: {err.strip() or out.strip()}")
    return json.loads(out or "{}")


def publish(index_dir: Path, site_dir: Path) -> Path:
    """Copy the live generation (without the incremental-build manifest,
    which only the builder needs) to ``site/sok/index/``, usable with
    ``metodbank sök --index``."""
    current = store.current_generation(Path(index_dir))
    if current is None:
        raise SearchError("Whoosh-indexet saknas efter bygget")
    target = Path(site_dir) / PUBLISHED_DIR
    if target.exists():
        shutil.rmtree(target)
    # The same layout as the builder's (CURRENT + one generation), so the
    # query code reads it unchanged.
    (target / current.name).mkdir(parents=True)
    for path in sorted(current.iterdir()):
        if path.is_file() and path.name != store.MANIFEST and not path.name.endswith("WRITELOCK"):
            shutil.copyfile(path, target / current.name / path.name)
    (target / store.CURRENT).write_text(current.name + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metodbank.search.bygg")
    parser.add_argument("--bank", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    # Whoosh names new segments with random ids: seed them so that the same
    # build history gives the same file names. The seed is the live
    # generation's name, never a constant: an update copies the live
    # generation's segments, and a constant seed drew the same segment name
    # again, so every rebuild after a change failed in Whoosh's
    # create_compound_file (assert) and then "This writer is closed".
    live = store.current_generation(Path(args.index))
    random.seed(live.name if live is not None else 0)
    try:
        stats, _bank = ensure_index(Path(args.bank), Path(args.index), Path(args.config) if args.config else None)
    except (SearchError, SettingsError) as exc:
        print(str(exc) if isinstance(exc, SettingsError) else exc.message, file=sys.stderr)
        return 1
    summary = {"färskt": stats is None}
    if stats is not None:
        summary.update(added=stats.added, updated=stats.updated, removed=stats.removed,
                       unchanged=stats.unchanged, seconds=round(stats.seconds, 3))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
