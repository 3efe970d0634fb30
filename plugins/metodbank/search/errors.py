"""The search's one user-facing exception: a Swedish message, never a traceback."""

from __future__ import annotations


class SearchError(Exception):
    """A query, filter or index problem the user can fix; ``str()`` is the Swedish message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IndexMissing(SearchError):
    """There is no complete index in the directory (build one first)."""
