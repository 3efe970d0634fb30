"""Search: a Whoosh full-text index of the bank, the query side, and
"Liknande projekt".

- :func:`build_index` — build or incrementally update an index (atomic swap).
- :func:`search` — ranked, highlighted hits with facet filters.
- :func:`related` — the most related projekt/metoder for every page, computed once.

This package, like the rest of the core, never imports MkDocs.
"""

from .errors import IndexMissing, SearchError
from .index import IndexStats, build_index
from .query import Hit, Hits, search
from .related import related

__all__ = ["build_index", "IndexStats", "search", "Hit", "Hits", "SearchError", "IndexMissing", "related"]
