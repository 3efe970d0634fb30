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

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.connection import wait
from typing import Callable


def worker_count() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def start(setups: list[tuple[Callable, tuple]], workers: int | None = None,
          leave_interrupt: bool = False) -> ProcessPoolExecutor | None:
    """A pool whose workers first run every ``setup(*args)``; None when
    processes cannot be started here (the caller then works in-process).
    Workers start on the first task, not now.

    ``leave_interrupt``: the workers ignore Ctrl-C, which a terminal sends
    to the whole process group, and leave stopping to the process that owns
    the pool (a preview server, which stops them as it shuts down; each
    worker dying on its own printed a KeyboardInterrupt traceback). A build
    lets them stop at once, so that Ctrl-C does not wait for their tasks."""
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    if main_file and getattr(main, "__spec__", None) is None and not os.path.isfile(main_file):
        # A spawned worker imports the main script again by its path; one
        # read from stdin has none, and every worker would die at start.
        return None
    try:
        return ProcessPoolExecutor(max_workers=workers or worker_count(), mp_context=get_context("spawn"),
                                   initializer=_run_setups, initargs=(setups, leave_interrupt))
    except (OSError, ValueError, NotImplementedError):
        return None


def _run_setups(setups: list[tuple[Callable, tuple]], leave_interrupt: bool = False) -> None:
    _exit_with_parent()
    if leave_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for setup, args in setups:
        setup(*args)


def _exit_with_parent() -> None:
    """End this worker when the process that started it is gone, however it
    ended: a worker waits for tasks on a queue whose other end it holds
    itself, so it would never notice, and would live on as an orphan."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="föräldern", daemon=True).start()


# What a worker hands back to the system after a task that read this many bytes.
LARGE_INPUT = 1 << 20


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    """Give the C allocator's free memory back to the system. Parsing one
    large page (the project listing is 4.5 MB at 10,000 projects) left a
    worker 70 MB larger for the rest of the build: the parser's memory was
    free but still the process's. Two such workers beside two Pagefind runs
    took a 10,000-project build past its 1.5 GB budget."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
