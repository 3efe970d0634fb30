"""Phase timings and progress for long work (large banks).

Progress is shown on a terminal and stays out of CI logs unless asked for
(``METODBANK_PROGRESS=1``). ``METODBANK_TIMINGS=1`` prints one JSON line of
phase timings at the end, which the benchmark reads.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager


def progress_wanted(stream=None) -> bool:
    stream = stream or sys.stderr
    if os.environ.get("METODBANK_PROGRESS") == "1":
        return True
    if os.environ.get("METODBANK_PROGRESS") == "0" or os.environ.get("CI"):
        return False
    return stream.isatty()


class Timings:
    def __init__(self, progress: bool | None = None):
        self.phases: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.progress = progress_wanted() if progress is None else progress

    @contextmanager
    def phase(self, name: str, count: int | None = None):
        if self.progress:
            suffix = f" ({count} filer)" if count is not None else ""
            print(f"metodbank: {name}{suffix} …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start

    def counter(self, done: int, total: int) -> None:
        if self.progress and (done == total or done % 500 == 0):
            end = "\n" if done == total else ""
            print(f"\rmetodbank: {done}/{total} filer", end=end, file=sys.stderr, flush=True)

    def report(self) -> None:
        if os.environ.get("METODBANK_TIMINGS") == "1":
            payload = {"faser": {k: round(v, 4) for k, v in self.phases.items()}, "antal": self.counts,
                       "totalt": round(sum(self.phases.values()), 4)}
            print("metodbank-tider: " + json.dumps(payload, ensure_ascii=False), file=sys.stderr, flush=True)
