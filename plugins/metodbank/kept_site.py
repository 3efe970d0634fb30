"""The last build's site, kept in place for the next build of the same folder.

A site engine empties the site folder before it builds (MkDocs keeps only
hidden entries). The next build then links every unchanged page back from
the page cache, each in a folder of its own: at 5,000 projects, emptying
the folder and making 5,400 folders again was 3 s of a one-file rebuild
on this machine, a fifth of it. So before the engine empties the folder,
the last site is moved into a hidden folder inside it (a rename per
top-level entry, on the same file system, which the engine leaves alone),
and once the build knows its finished pages, :meth:`KeptSite.put_back`
returns the site with exactly those of them that are still right: the page
cache's very file, or a file with its bytes (then made that file). Every
other file goes, and every folder left empty, so the engine writes the rest
into a site as clean as an emptied one, and the site is byte for byte what
a build into an empty folder publishes.

Hidden entries of the site folder (a ``.git`` of a deployment) are never
moved, as the engine never empties them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .files import share_file

# Inside the site folder, hidden: the engine's emptying leaves it, and a
# rename into it never crosses file systems.
ASIDE = ".metodbank-förra-bygget"


class KeptSite:
    def __init__(self):
        self._aside: Path | None = None  # the last build's site, while the engine empties the folder

    def set_aside(self, site_dir: Path) -> None:
        """Move what the last build published out of the engine's way."""
        self.discard()
        site_dir = Path(site_dir)
        aside = site_dir / ASIDE
        shutil.rmtree(aside, ignore_errors=True)  # from a build that was killed
        try:
            entries = [name for name in os.listdir(site_dir) if not name.startswith(".")]
        except OSError:
            return  # no site yet
        if not entries:
            return
        try:
            aside.mkdir()
            for name in entries:
                os.replace(site_dir / name, aside / name)
        except OSError:
            # Could not move it all (permissions, say): the engine empties the
            # folder as always, and what was moved goes with it.
            shutil.rmtree(aside, ignore_errors=True)
            return
        self._aside = aside

    def put_back(self, site_dir: Path, finished: dict[str, str]) -> set[str]:
        """Put the set-aside site back with only the finished pages of this
        build it holds as they are (``finished`` maps output path to the page
        cache's file); returns the output paths already in place."""
        aside, self._aside = self._aside, None
        if aside is None:
            return set()
        in_place: set[str] = set()
        try:
            _keep_only(str(aside), "", finished, in_place)
            for name in os.listdir(aside):
                os.replace(aside / name, Path(site_dir) / name)
        except OSError:
            # Whatever went wrong, the site must not keep a half-sorted last
            # build: drop it all, and let the engine publish every page.
            for name in os.listdir(aside) if aside.is_dir() else ():
                shutil.rmtree(aside / name, ignore_errors=True)
            for published in in_place:
                Path(site_dir, published).unlink(missing_ok=True)
            in_place = set()
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        return in_place

    def discard(self) -> None:
        """Drop the set-aside site (a build that failed before :meth:`put_back`)."""
        aside, self._aside = self._aside, None
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def _keep_only(folder: str, prefix: str, finished: dict[str, str], in_place: set[str]) -> bool:
    """Remove from ``folder`` every file that is not a finished page still
    right, and every folder left empty; True if ``folder`` is empty now."""
    empty = True
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        published = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _keep_only(entry.path, published + "/", finished, in_place):
                os.rmdir(entry.path)
            else:
                empty = False
            continue
        source = finished.get(published)
        if source is not None and _still_right(entry.path, source):
            in_place.add(published)
            empty = False
        else:
            os.unlink(entry.path)
    return empty


def _still_right(path: str, cached: str) -> bool:
    """Whether the published file ``path`` is the cache's file ``cached``:
    the very file (linked from the cache), or one with the same bytes (the
    engine wrote it when it rendered the page), which is then made the
    cache's file, so the next build knows it by a look at the inode."""
    try:
        if os.path.samefile(path, cached):
            return True
    except OSError:
        return False
    return share_file(cached, path)
