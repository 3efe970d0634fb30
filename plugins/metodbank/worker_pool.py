"""The build's worker processes: the second core does real work.

A cold build on a two-core machine ran on one core, apart from the Pagefind
indexer: the bodies' Markdown and sanitising, and the publish gate's
reading, are pure functions of their inputs that need nothing the build
process holds. They run here instead (see :class:`site.pages.Generator` and
:mod:`gate_workers`), and their results are the same as in-process ones.

Workers are started with ``spawn``, not ``fork``: the build process runs
threads (the Pagefind service), and a forked child could inherit a lock
held by one of them. Each worker runs the given setups once, so the tasks
it receives carry only their own data.
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable


def worker_count() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def start(setups: list[tuple[Callable, tuple]], workers: int | None = None) -> ProcessPoolExecutor | None:
    """A pool whose workers first run every ``setup(*args)``; None when
    processes cannot be started here (the caller then works in-process).
    Workers start on the first task, not now."""
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    if main_file and getattr(main, "__spec__", None) is None and not os.path.isfile(main_file):
        # A spawned worker imports the main script again by its path; one
        # read from stdin has none, and every worker would die at start.
        return None
    try:
        return ProcessPoolExecutor(max_workers=workers or worker_count(), mp_context=get_context("spawn"),
                                   initializer=_run_setups, initargs=(setups,))
    except (OSError, ValueError, NotImplementedError):
        return None


def _run_setups(setups: list[tuple[Callable, tuple]]) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the build (or
    # `mkdocs serve`) stops its workers itself, and a worker stopping on its
    # own would print a KeyboardInterrupt traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for setup, args in setups:
        setup(*args)
