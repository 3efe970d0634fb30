"""Metodbanken — the core of the methods bank for Sweden's samordningsförbund.

This package knows nothing about MkDocs. It loads the content folders,
validates them against the content contract (``shared/spec/content-model.md``),
derives the cross-indexes, builds the search index and writes the exports.
The MkDocs plugin (:mod:`metodbank.mkdocs_plugin`) and the command line
(:mod:`metodbank.cli`) are thin adapters over it.

Glossary (the model uses the domain's Swedish words, matching the front-matter):

- **Projekt** — a *samverkansprojekt* (joint project/insats) run by one or
  more förbund; one file in ``projekt/``.
- **Metod** — a method a project used; one file in ``metoder/``.
- **Systemfel** — a system error: a mechanism in the public systems that
  pushes people out (e.g. cost shifting, "Svarte Petter"); ``systemfel/``.
- **Förbund** — a samordningsförbund (Finsam association).
- **Parter** — the parties: Arbetsförmedlingen, Försäkringskassan, kommun,
  region and others.
- **Målgrupp** — the target group of a project or method.
- **Framgång** / **grad** — the degree of success, 0–3: first degree helps
  individuals, second degree gets the method implemented in the line
  organisations, third degree feeds system-changing decisions.
- **Lärdomar** — lessons learned.
- **Kontrollera** — check (the content checker).
"""

__version__ = "0.1.0"
