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


def memoised(path: Path | None, inputs, compute: Callable[[], T]) -> tuple[T, bool]:
    """``(compute(), False)``, or ``(stored result, True)`` when the result in
    ``path`` was computed from equal ``inputs``."""
    if path is None:
        return compute(), False
    path = Path(path)
    digest = digest_of(inputs)
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
        if stored.get("digest") == digest:
            return stored["value"], True
    except Exception:  # noqa: BLE001 - missing, old or broken: compute afresh
        pass
    value = compute()
    write_pickle(path, {"digest": digest, "value": value})
    return value, False
