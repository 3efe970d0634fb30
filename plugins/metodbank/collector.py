"""How often CPython's cyclic garbage collector runs while the bank is loaded.

The collector walks every live object on a full collection, and loading the
bank keeps hundreds of thousands alive (the content cache, the documents,
then the derived facts and pages of a build), nearly none of them garbage:
with the default thresholds a preview's rebuild at 5,000 projects spent
1.2–4 s of its 8–9 s collecting, and `metodbank kontrollera fil.md` at
10,000 projects a third of its time. Both raise the thresholds while they
run and restore them after; cycles are still collected, only less often.
"""

from __future__ import annotations

import contextlib
import gc

THRESHOLDS = (50_000, 20, 100)


@contextlib.contextmanager
def fewer_collections():
    """Raise the collector's thresholds for the block (see the module)."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
