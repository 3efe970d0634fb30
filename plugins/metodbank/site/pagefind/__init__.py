"""Browser search with Pagefind: a chunked static index, so the first search
downloads only the index chunks it needs (mkdocs-material's single JSON file
grows with the whole corpus: 2.8 MB gzip at 5,000 pages).

- :mod:`.filters`: each page's search facets (set by the page generator);
- :mod:`.marking`: a page's content marked as Pagefind's body, with its facets;
- :mod:`.index`: the marked pages staged and indexed in parts, in the background;
- :mod:`.stable`: Pagefind's output made byte-identical between builds.

Nothing here knows the site engine: pages come in as (output path, title, HTML).
"""
