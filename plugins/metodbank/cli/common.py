"""What every subcommand shares: the exit codes and :class:`UsageError`.

A module of its own so that the subcommands need not import the package
that imports them (:mod:`metodbank.cli` re-exports both).
"""

from __future__ import annotations

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: ``metodbank: <message>``, exit 2."""
