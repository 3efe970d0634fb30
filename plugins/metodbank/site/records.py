"""Every generated page's template output, kept from one build to the next.

A rebuild after a body edit rendered every template again only to find the
same HTML (7 s at 5,000 projects, the largest part of it). The templates
read the bank's front-matter, the vocabularies, the settings, the "Liknande"
lists and today's date, never a body: the author's body goes into the page
after the template ran (:meth:`Generator.render`). So when none of those
inputs changed — the generator's ``key`` says so — the last build's template
outputs are the ones this build would make, and only the bodies are put in
again (themselves cached by text in ``BodyCache``).

The outputs are streamed to disk record by record while they are made and
read back the same way, so they never sit in memory twice (at 10,000
projects they are about 180 MB). The file is written aside and swapped in
whole: a build that is killed leaves the last complete one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

FORMAT = "4"  # bump when Rendered or the file changes


@dataclass(frozen=True)
class Rendered:
    """A page's template output, before the author's body goes in."""

    src_uri: str
    front_matter: str
    before: str  # the HTML before the body's place
    after: str  # and after it
    role: object  # pages.Role
    searchable: bool
    filters: dict
    body_of: tuple[str, str] | None  # (kind, slug) of the document whose body goes in
    generated_ids: frozenset  # ids the body's headings must avoid
    headings_before: tuple  # the template's own headings, (level, id, title)
    headings_after: tuple
    # A digest of all of the above: a page's digest starts from it, so an
    # unchanged page is known without joining or hashing its HTML again.
    digest: str
    # A digest of what the template was given, for a template that is given
    # its page's own values only (see inputs.py); "" for the others.
    inputs: str = ""

    @classmethod
    def of(cls, *fields, inputs: str = "") -> "Rendered":
        h = hashlib.sha256()
        for part in fields[:4]:  # the texts
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        role, searchable, filters, body_of, generated_ids, headings_before, headings_after = fields[4:]
        h.update(repr((role, searchable, sorted(filters.items()), body_of, sorted(generated_ids), headings_before,
                       headings_after)).encode("utf-8", "surrogatepass"))
        return cls(*fields, h.hexdigest(), inputs)


class RecordStore:
    def __init__(self, path: Path | None, key: str):
        self.path = Path(path) if path is not None else None
        self.key = f"{FORMAT}:{key}"

    def load(self) -> Iterator[Rendered] | None:
        """The last build's records, if it had this key; else None."""
        handle = self._open(lambda key: key == self.key)
        return self._records(handle) if handle is not None else None

    def previous(self) -> "Previous":
        """The last build's records whatever its key (in this format), by
        page: for the pages whose own inputs did not change."""
        return Previous(self._open(lambda key: isinstance(key, str) and key.startswith(f"{FORMAT}:")))

    def _open(self, wanted):
        """The file, open past its key, if ``wanted(key)``; else None."""
        if self.path is None:
            return None
        try:
            handle = open(self.path, "rb")
        except OSError:
            return None
        try:
            if not wanted(pickle.load(handle)):
                handle.close()
                return None
        except Exception:  # noqa: BLE001 - an old or broken file: render afresh
            handle.close()
            return None
        return handle

    @staticmethod
    def _records(handle) -> Iterator[Rendered]:
        with handle:
            while (record := pickle.load(handle)) is not None:
                yield record

    def writer(self) -> "_Writer | None":
        return _Writer(self.path, self.key) if self.path is not None else None


class Previous:
    """The last build's records, each read when its page asks for it, by
    the index at the file's end (a page's place in the file): a page added,
    removed or moved in the render order (a project's start date sorts it)
    costs nothing, and no record is held that no page asked for."""

    def __init__(self, handle=None):
        self._handle = handle
        self._places: dict[str, int] = {}
        self.taken = 0
        if handle is not None:
            try:
                handle.seek(-_TRAILER.size, os.SEEK_END)
                (index,) = _TRAILER.unpack(handle.read(_TRAILER.size))
                handle.seek(index)
                self._places = pickle.load(handle)
            except Exception:  # noqa: BLE001 - no index (a broken file): every page is rendered
                self.close()

    def take(self, src_uri: str, inputs: str) -> Rendered | None:
        """The last record of ``src_uri`` if its template was given ``inputs``."""
        place = self._places.pop(src_uri, None)
        if place is None or not inputs or self._handle is None:
            return None
        try:
            self._handle.seek(place)
            record = pickle.load(self._handle)
        except Exception:  # noqa: BLE001 - a broken file: the page is rendered
            return None
        if not isinstance(record, Rendered) or record.src_uri != src_uri or record.inputs != inputs:
            return None
        self.taken += 1
        return record

    def close(self) -> None:
        handle, self._handle, self._places = self._handle, None, {}
        if handle is not None:
            handle.close()


# The file ends with the index's place in it, as eight bytes.
_TRAILER = struct.Struct("<Q")


class _Writer:
    """Records written as they come; :meth:`commit` makes them the stored
    ones (a file without its end mark is never read: it is not swapped in)."""

    def __init__(self, path: Path, key: str):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.out = os.fdopen(handle, "wb")
        pickle.dump(key, self.out)
        self.places: dict[str, int] = {}  # src_uri -> where its record starts, for Previous

    def add(self, record: Rendered) -> None:
        self.places[record.src_uri] = self.out.tell()
        pickle.dump(record, self.out, protocol=pickle.HIGHEST_PROTOCOL)

    def commit(self) -> None:
        try:
            with self.out:
                pickle.dump(None, self.out)  # the end of the records, for a reader in order
                index = self.out.tell()
                pickle.dump(self.places, self.out, protocol=pickle.HIGHEST_PROTOCOL)
                self.out.write(_TRAILER.pack(index))
            os.replace(self.temporary, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.out.close()
        Path(self.temporary).unlink(missing_ok=True)
