"""Options of the ``metodbank`` plugin in ``mkdocs.yml``, declared for MkDocs'
own validation. The values the build uses are read by the core's
``settings.py``, which the command line shares."""

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import DEFAULT_SOKDEL_SIDOR


class MetodbankConfig(base.Config):
    # Extends or overrides the shipped vocabularies (målgrupp, parter, kategori, förbund).
    vokabular = c.Type(dict, default={})
    # Repository whose "create new file" page the submission form opens; empty hides it.
    repo_url = c.Type(str, default="")
    # Folder holding projekt/, metoder/ and systemfel/; default: the folder of mkdocs.yml.
    innehall = c.Optional(c.Type(str))
    # Pages per part of the browser search index: a larger bank's index is
    # built in parts (memory, rebuilds; see site/pagefind/index.py).
    sokdel_sidor = c.Type(int, default=DEFAULT_SOKDEL_SIDOR)
    # The systemfel reports also as PDF files beside their pages (report_pdf.py).
    rapport_pdf = c.Type(bool, default=True)
