"""One report page of the built site to PDF, with WeasyPrint: the only module
that imports it. :mod:`metodbank.report_pdf` decides what to render and keeps
the results; it imports this module only when PDFs are made, so a machine
without Pango can still check and build a bank with ``rapport_pdf: false``.

What WeasyPrint may read is decided here, and nothing else: the page is
given to it as bytes, its base address is a name that can never resolve
(``.invalid``, RFC 2606), and :class:`SiteFetcher` answers every request for
a file of the built site from disk and refuses every other address — another
host, ``file:``, ``data:``, a path out of the site folder or through a link
that leaves it — before anything is opened. No request leaves the machine.
A refused resource is simply left out of the PDF (WeasyPrint's own warnings
are silenced: the page's stylesheets are written for browsers, and it names
every property it does not know).

The output is a function of its inputs: no clock (WeasyPrint writes no
creation date unless asked; we give it the report's own date, the newest in
its content), no random identifier (the PDF's ``/ID`` is a digest of the
file), no path of the build machine (links are rewritten from the invented
base address to the site's address or to relative ones).
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: The base address every report is rendered at: ``<ORIGIN><page path>``.
ORIGIN = "https://metodbanken.invalid/"

# Tagged PDF: headings, tables and reading order for screen readers (public
# bodies must publish accessible documents); a digest of the file as /ID.
OPTIONS = {"pdf_tags": True, "pdf_identifier": True}


class SiteFetcher(URLFetcher):
    """Serves the files of one built site, nothing else; records what it
    served (path → sha256, None for a site path that is no file) and what
    it refused, so that a cached PDF can be checked against the files it
    was made from."""

    def __init__(self, site_dir: Path):
        # No protocol allowed and no redirect: were the base class ever asked
        # to open something, it would refuse too. (fetch below never asks it.)
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.site_dir = Path(site_dir).resolve()
        self.served: dict[str, str | None] = {}
        self.refused: list[str] = []

    def site_path(self, url: str) -> str | None:
        """The path of ``url`` inside the site folder (``assets/x.css``), or
        None when it is no address of the site or leaves the folder."""
        if not isinstance(url, str) or not url.startswith(ORIGIN):
            return None
        try:
            path = unquote(urlsplit(url).path, errors="strict")
        except (ValueError, UnicodeDecodeError):
            return None
        if "\x00" in path or "\\" in path:
            return None
        relative = posixpath.normpath(path.lstrip("/"))
        if relative in (".", "..") or relative.startswith("../"):
            return None
        try:
            resolved = (self.site_dir / relative).resolve()
            return resolved.relative_to(self.site_dir).as_posix()
        except (ValueError, OSError, RuntimeError):
            return None  # out of the folder, through a link or otherwise

    def fetch(self, url, headers=None):
        path = self.site_path(url)
        if path is None:
            self.refused.append(str(url))
            raise ValueError("bara webbplatsens egna filer läses")
        try:
            data = (self.site_dir / path).read_bytes()
        except OSError:
            self.served[path] = None
            raise
        self.served[path] = hashlib.sha256(data).hexdigest()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": content_type})


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    served: dict = field(default_factory=dict)  # site path -> sha256 or None
    refused: list = field(default_factory=list)


def public_link(target: str, page: str, site_url: str) -> str:
    """A link as the PDF keeps it: an address of the site becomes the
    published address when the site's address is known, else relative to
    the page (the PDF lies beside it, so it resolves the same way)."""
    if not target.startswith(ORIGIN):
        return target
    rest = target[len(ORIGIN):]
    if site_url:
        return site_url + rest
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    path, tail = rest[:cut], rest[cut:]
    relative = posixpath.relpath(path or ".", posixpath.dirname(page) or ".")
    if path == "" or path.endswith("/"):
        relative = relative.rstrip("/") + "/"
    return relative + tail


def quiet() -> None:
    """WeasyPrint names every browser-only CSS property and every refused
    resource; neither is news to the build."""
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def render(site_dir: str | Path, page: str, html: bytes, site_url: str = "", datum: str | None = None) -> Rendered:
    """``html`` (the built page ``page``, e.g. ``systemfel/x/rapport/index.html``)
    in print media as PDF. ``datum``: the report's date, written as the
    PDF's creation and modification date."""
    quiet()
    fetcher = SiteFetcher(Path(site_dir))
    document = weasyprint.HTML(file_obj=io.BytesIO(html), base_url=ORIGIN + page, url_fetcher=fetcher,
                               media_type="print").render(**OPTIONS)
    document.metadata.created = document.metadata.modified = datum or None
    document.metadata.generator = "Metodbanken"  # not the site engine: both engines make the same PDF
    for sheet in document.pages:
        sheet.links = [(kind, public_link(target, page, site_url) if kind == "external" else target, box_area, box)
                       for kind, target, box_area, box in sheet.links]
    pdf = document.write_pdf(**OPTIONS)
    return Rendered(pdf, len(document.pages), dict(sorted(fetcher.served.items())), fetcher.refused)
