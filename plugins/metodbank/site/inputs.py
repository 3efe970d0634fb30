"""A digest of everything one template is given, to reuse its last output.

A front-matter edit changes the generator's key (see :mod:`.records`), and
every template ran again: 9 s at 5,000 projects for one changed title.
Yet a project's, method's or system error's page reads only what its
render call hands it — the generator gives those templates their own
documents and the few others they show, never the whole bank (``d``) — so a
digest of those values says whether the page would come out the same.

Everything reachable is walked: dataclasses field by field, lists, dicts,
pydantic models as their JSON. A :class:`~metodbank.bank.Document` counts by
its kind, slug, path and the digest of its file's bytes, which stands for
its front-matter and body alike. A value of any other type makes the page
unknowable (``None``): it is rendered, never guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib

from pydantic import BaseModel

from ..bank import Document


class Unknowable(Exception):
    """A value the digest cannot stand for."""


class InputDigests:
    """Digests of template inputs, each shared object digested once per
    build (a förbund is given to the page of every one of its projects)."""

    def __init__(self, salt: str):
        self.salt = salt  # what every page depends on: versions, date, vocabularies, settings
        self._shared: dict[int, tuple[object, bytes]] = {}  # id -> (the object, kept alive; its digest)

    def of(self, template: str, src_uri: str, context: dict) -> str | None:
        """The digest of one render call, or None when a value is unknowable."""
        h = hashlib.sha256(f"{self.salt}\0{template}\0{src_uri}\0".encode("utf-8", "surrogatepass"))
        try:
            for name in sorted(context):
                h.update(name.encode("utf-8") + b"\0")
                self._update(h, context[name])
        except Unknowable:
            return None
        return h.hexdigest()

    def _update(self, h, value) -> None:
        if value is None or isinstance(value, (bool, int, float, str, enum.Enum, dt.date)):
            h.update(f"{type(value).__name__}:{value!r}\0".encode("utf-8", "surrogatepass"))
        elif isinstance(value, Document):
            h.update(f"doc:{value.kind}/{value.slug}\0{value.path}\0{value.digest}\0".encode("utf-8", "surrogatepass"))
        elif isinstance(value, (list, tuple)):
            h.update(f"{type(value).__name__}[{len(value)}\0".encode())
            for item in value:
                self._update(h, item)
            h.update(b"]")
        elif isinstance(value, dict):
            h.update(f"dict[{len(value)}\0".encode())
            for key, item in value.items():  # in their order: templates iterate them so
                self._update(h, key)
                self._update(h, item)
            h.update(b"]")
        elif isinstance(value, (set, frozenset)):
            h.update(f"set:{sorted(map(repr, value))!r}\0".encode("utf-8", "surrogatepass"))
        elif isinstance(value, BaseModel):
            h.update(f"{type(value).__name__}:{value.model_dump_json()}\0".encode("utf-8", "surrogatepass"))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(self._dataclass(value))
        else:
            raise Unknowable(type(value).__name__)

    def _dataclass(self, value) -> bytes:
        kept = self._shared.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        inner = hashlib.sha256(f"{type(value).__name__}(".encode())
        for item in dataclasses.fields(value):
            inner.update(item.name.encode("utf-8") + b"=")
            self._update(inner, getattr(value, item.name))
        digest = inner.digest()
        self._shared[id(value)] = (value, digest)
        return digest
