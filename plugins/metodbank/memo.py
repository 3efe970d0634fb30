"""Reuse a bank-wide result when exactly its inputs come back.

Some cross-indexes ("Liknande projekt", the compound parts for the browser
search) depend on every document, but only on a small part of each: titles,
summaries, references. A rebuild after an edit to a project's body text
gives them the very same inputs, so the last result is kept on disk under a
digest of those inputs and reused. Like :mod:`.cache`, this is only an
accelerator: a missing or unreadable file means computing afresh.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .cache import write_pickle

T = TypeVar("T")


def digest_of(inputs) -> str:
    """A stable digest of JSON-like ``inputs`` (lists, dicts, strings, numbers)."""
    text = json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MISSING = object()  # what stored() finds when no result of those inputs is kept


def memoised(path: Path | None, inputs, compute: Callable[[], T]) -> tuple[T, bool]:
    """``(compute(), False)``, or ``(stored result, True)`` when the result in
    ``path`` was computed from equal ``inputs``."""
    if path is None:
        return compute(), False
    digest = digest_of(inputs)
    value = stored(path, digest)
    if value is not MISSING:
        return value, True
    value = compute()
    store(path, digest, value)
    return value, False


def stored(path: Path | None, digest: str):
    """The result kept in ``path`` for inputs of ``digest``, or :data:`MISSING`."""
    if path is None:
        return MISSING
    try:
        with Path(path).open("rb") as handle:
            kept = pickle.load(handle)
        if kept.get("digest") == digest:
            return kept["value"]
    except Exception:  # noqa: BLE001 - missing, old or broken: compute afresh
        pass
    return MISSING


def store(path: Path | None, digest: str, value) -> None:
    """Keep ``value`` as the result of inputs of ``digest`` (the last one only)."""
    if path is not None:
        write_pickle(Path(path), {"digest": digest, "value": value})
