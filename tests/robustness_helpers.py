"""Helpers for the robustness tests (``test_robustness.py`` and
``test_robustness_fuzz.py``): a guard against hangs, and the check that a
checker line is a well-formed ``path:line: meddelande``."""

from __future__ import annotations

import contextlib
import re
import signal

_REST = re.compile(r"(?P<line>\d+): (?P<message>\S.*)")


@contextlib.contextmanager
def deadline(seconds: int = 20):
    """Fail instead of hanging the whole run (a FIFO opened for reading
    blocks until someone writes to it; a device can be endless)."""

    def expired(signum, frame):
        raise TimeoutError(f"hängde i mer än {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def parse_problem(line: str, paths) -> tuple[str, int, str]:
    """(path, line, message) of a checker line whose path is one of
    ``paths`` (file names may hold ':' themselves); fails otherwise."""
    assert "\n" not in line and "\x1b" not in line, f"styrtecken i utdata: {line!r}"
    for path in sorted(paths, key=len, reverse=True):
        if line.startswith(path + ":"):
            match = _REST.fullmatch(line[len(path) + 1:])
            assert match, f"felformad rad: {line!r}"
            number = int(match["line"])
            assert number >= 1, line
            return path, number, match["message"]
    raise AssertionError(f"okänd sökväg i {line!r} (kända: {sorted(paths)})")
