"""The systemfel reports as PDF (``report_pdf.py``, ``pdf_render.py``).

On the example bank as built once per session (``built_site``, and the
escaping bank ``evil_site``, whose markup must stay text): a PDF beside
every report page, read back with pypdf as a reader's program reads it —
the systemfel's title, its proposal, the people affected and the report's
date recomputed from the content files (``systemfel_helpers``) — its
metadata dated by the content, never by the clock, and the page's link to
it with its size.

WeasyPrint's access is unit-tested on a small site folder: a hostile page
asks for files of another host, of the machine and out of the folder; the
fetcher refuses them all and no connection is ever attempted.

Elsewhere: warm = cold byte for byte with the PDFs and switching them off
(``test_incremental.py``), two cold builds with two engines
(``test_engines.py``), and no PDF when the publish gate stops a build
(``test_publish_gate.py``).
"""

from __future__ import annotations

import hashlib
import io
import re
import socket
from pathlib import Path

import pytest

from metodbank import report_pdf
from site_helpers import EVIL_SLUG, EVIL_TITLE, load_content, parse_html
from systemfel_helpers import people_text, report_date

pypdf = pytest.importorskip("pypdf")

INDEX = "systemfel/rapport"


def _pdf_of(site: Path, report: str) -> Path:
    slug = report.split("/")[1] if report != INDEX else None
    name = f"metodbanken-systemfel-{slug}.pdf" if slug else "metodbanken-systemfelsindex.pdf"
    return site / report / name


def _reports(content) -> list[str]:
    return [INDEX] + [f"systemfel/{slug}/rapport" for slug in sorted(content["systemfel"])]


def _text(path: Path) -> str:
    """The PDF's text as one line: words hyphenated at a line end joined
    again (WeasyPrint hyphenates with U+2010), all white space one space."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    text = text.replace("\u2010\n", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


# --------------------------------------------------------------------------
# The example bank's PDFs


def test_every_report_has_its_pdf(built_site, content):
    for report in _reports(content):
        path = _pdf_of(built_site, report)
        assert path.is_file(), f"{report}: ingen PDF"
        assert path.read_bytes().startswith(b"%PDF-"), report
    assert sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.pdf")) == sorted(
        _pdf_of(built_site, r).relative_to(built_site).as_posix() for r in _reports(content))


@pytest.mark.parametrize("slug", ["svarte-petter", "stangd-fyrpartsstruktur", "kortsiktig-styrning"])
def test_a_systemfel_pdf_says_what_its_page_says(built_site, content, slug):
    meta = content["systemfel"][slug]
    text = _text(_pdf_of(built_site, f"systemfel/{slug}/rapport"))
    for part in [meta["titel"], meta["förslag"], *(meta.get("ansvarig") or []), people_text(content, slug),
                 f"underlaget t.o.m. {report_date(content, [slug])}"]:
        assert _one_line(part) in text, part


def test_the_index_pdf_holds_every_systemfel(built_site, content):
    text = _text(_pdf_of(built_site, INDEX))
    assert "Nationellt systemfelsindex" in text
    assert f"underlaget t.o.m. {report_date(content, content['systemfel'])}" in text
    for slug, meta in content["systemfel"].items():
        assert _one_line(meta["titel"]) in text, slug
        assert _one_line(meta["förslag"]) in text, slug
        assert f"Berörda personer {_one_line(people_text(content, slug))}" in text, slug


def test_markup_in_the_content_is_text_in_the_pdf(evil_bank, evil_site):
    """The escaping bank's project (its title full of markup) observes
    systemfel: their reports show the title as the text it is."""
    observed = [o["id"] for o in load_content(evil_bank)["projekt"][EVIL_SLUG]["systemfel"]]
    assert observed
    for slug in observed:
        # A narrow table cell breaks the title anywhere ("</" at a line end): compared without spaces.
        text = _text(_pdf_of(evil_site, f"systemfel/{slug}/rapport")).replace(" ", "")
        assert EVIL_TITLE.replace(" ", "") in text, slug


def test_the_pdf_is_dated_by_its_content_not_by_the_clock(built_site, content):
    for report in _reports(content):
        slugs = content["systemfel"] if report == INDEX else [report.split("/")[1]]
        expected = "D:" + report_date(content, slugs).replace("-", "")
        reader = pypdf.PdfReader(_pdf_of(built_site, report))
        info = reader.metadata
        assert info["/CreationDate"] == info["/ModDate"] == expected, report
        # The identifier is a digest of the file (pydyf), not random: the same file, the same /ID.
        first, second = reader.trailer["/ID"]
        assert first == second and re.fullmatch(r"[0-9a-f]{32}", str(first)), report
        assert info["/Creator"] == "Metodbanken" and info["/Producer"].startswith("WeasyPrint"), report
        # Tagged, for screen readers; the page's language.
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] == True, report  # noqa: E712 - a pypdf BooleanObject
        assert reader.trailer["/Root"]["/Lang"] == "sv", report


def test_links_in_the_pdf_point_to_the_site_not_to_the_build_machine(built_site, content):
    reader = pypdf.PdfReader(_pdf_of(built_site, "systemfel/svarte-petter/rapport"))
    uris = [annotation.get_object()["/A"]["/URI"] for page in reader.pages
            for annotation in page.get("/Annots") or [] if "/URI" in annotation.get_object().get("/A", {})]
    assert "../../../forbund/finsam-vastra-skaraborg/" in uris  # the example bank has no site_url: relative
    assert not [uri for uri in uris if uri.startswith("file:") or ".invalid" in uri or str(built_site) in uri]


@pytest.mark.parametrize("report", [INDEX, "systemfel/svarte-petter/rapport"])
def test_the_report_page_links_its_pdf_with_its_size(built_site, report):
    page = built_site / report / "index.html"
    line = parse_html(page).find("p", cls="mb-pdf-rad")
    link = line.find("a")
    assert link.text() == "Ladda ner rapporten som PDF"
    pdf = (page.parent / link.attrs["href"]).resolve()
    assert pdf == _pdf_of(built_site, report).resolve()
    assert "download" in link.attrs and link.attrs["type"] == "application/pdf"
    size = pdf.stat().st_size
    assert line.find("span").text() == f"(PDF, {report_pdf.size_text(size)})"
    assert report_pdf.SIZE_MARK not in page.read_text("utf-8")


def test_the_link_is_not_printed(built_site):
    """Hidden in print media, so the PDF does not depend on its own size."""
    css = (built_site / "assets" / "metodbank" / "metodbank.css").read_text("utf-8")
    assert re.search(r"@media print \{[^{}]*\.mb-pdf-rad[^{}]*\{ display: none !important; \}", css)
    assert "Ladda ner rapporten" not in _text(_pdf_of(built_site, INDEX))


@pytest.mark.parametrize("size, text", [(1, "1 kB"), (499, "1 kB"), (23_456, "23 kB"), (999_499, "999 kB"),
                                        (999_500, "1,0 MB"), (1_234_567, "1,2 MB")])
def test_sizes_are_written_the_swedish_way(size, text):
    assert report_pdf.size_text(size) == text


# --------------------------------------------------------------------------
# Only the site's own files: the fetcher


HOSTILE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Fientlig</title>
<link rel="stylesheet" href="../egen.css">
<link rel="stylesheet" href="http://example.invalid/stil.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>@import url("https://example.invalid/import.css");
body { background: url("//example.invalid/bakgrund.png"); }</style>
</head><body><h1>Rapport</h1>
<img src="http://example.invalid/x.png" alt="">
<img src="https://example.invalid/y.png" alt="">
<img src="../../../../utanfor.png" alt="">
<img src="../lank-ut.png" alt="">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="">
<img src="../finns.png" alt="">
<p><a href="https://example.org/kalla">Källa</a> <a href="../../projekt/x/">Projekt</a></p>
</body></html>
"""

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000005000158ba3e010000000049454e44ae426082")


@pytest.fixture
def hostile_site(tmp_path):
    site = tmp_path / "site"
    (site / "rapport" / "sida").mkdir(parents=True)
    (site / "rapport" / "sida" / "index.html").write_text(HOSTILE, "utf-8")
    (site / "rapport" / "egen.css").write_text("h1 { color: #123456 }", "utf-8")
    (site / "rapport" / "finns.png").write_bytes(PNG)
    (tmp_path / "utanfor.png").write_bytes(PNG)
    (site / "rapport" / "lank-ut.png").symlink_to(tmp_path / "utanfor.png")
    return site


def test_nothing_outside_the_site_is_fetched(hostile_site, monkeypatch, capfd):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("en nätverksanslutning försöktes")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    pdf_render = report_pdf.load_engine()
    page = "rapport/sida/index.html"
    rendered = pdf_render.render(hostile_site, page, (hostile_site / page).read_bytes())
    assert attempts == []
    assert rendered.pdf.startswith(b"%PDF-")
    # What it read: the site's own stylesheet and image; a site path that is no file is noted as missing.
    assert rendered.served == {"rapport/egen.css": _sha256(hostile_site / "rapport/egen.css"),
                               "rapport/finns.png": _sha256(hostile_site / "rapport/finns.png"),
                               "utanfor.png": None}
    refused = " ".join(rendered.refused)
    for url in ("http://example.invalid/stil.css", "file:///etc/passwd", "https://example.invalid/import.css",
                "example.invalid/bakgrund.png", "http://example.invalid/x.png", "https://example.invalid/y.png",
                "data:image/png", "https://metodbanken.invalid/rapport/lank-ut.png"):
        assert url in refused, url
    # Quietly: WeasyPrint's warnings about refused files and browser-only CSS are not printed.
    assert capfd.readouterr() == ("", "")
    # Links keep their addresses, relative ones stay relative.
    uris = [a.get_object()["/A"]["/URI"] for p in pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages
            for a in p.get("/Annots") or []]
    assert sorted(uris) == ["../../projekt/x/", "https://example.org/kalla"]


@pytest.mark.parametrize("url", [
    "http://example.invalid/x.png", "https://example.invalid/x.png", "file:///etc/passwd", "data:,x",
    "ftp://example.invalid/x", "HTTPS://METODBANKEN.INVALID/rapport/egen.css",
    "https://metodbanken.invalid.example.org/rapport/egen.css",
    "https://metodbanken.invalid/../utanfor.png", "https://metodbanken.invalid/rapport/../../utanfor.png",
    "https://metodbanken.invalid/%2e%2e/utanfor.png", "https://metodbanken.invalid/rapport/lank-ut.png",
    "https://metodbanken.invalid/rapport/%00.css", "https://metodbanken.invalid/rapport\\..\\..\\utanfor.png",
    "https://metodbanken.invalid/",
])
def test_the_fetcher_refuses_quietly(hostile_site, url):
    pdf_render = report_pdf.load_engine()
    fetcher = pdf_render.SiteFetcher(hostile_site)
    assert fetcher.site_path(url) is None
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.served == {}


def test_the_fetcher_serves_the_site(hostile_site):
    fetcher = report_pdf.load_engine().SiteFetcher(hostile_site)
    response = fetcher.fetch("https://metodbanken.invalid/rapport/sida/../egen.css?v=1#x")
    assert response.read() == b"h1 { color: #123456 }" and response.content_type == "text/css"
    assert list(fetcher.served) == ["rapport/egen.css"] and fetcher.refused == []


@pytest.mark.parametrize("site_url, expected", [
    ("", "../../../forbund/x/#a"),
    ("https://metodbank.exempel.se/", "https://metodbank.exempel.se/forbund/x/#a"),
])
def test_site_links_become_public_ones(site_url, expected):
    pdf_render = report_pdf.load_engine()
    page = "systemfel/y/rapport/index.html"
    assert pdf_render.public_link(pdf_render.ORIGIN + "forbund/x/#a", page, site_url) == expected
    assert pdf_render.public_link("https://example.org/a", page, site_url) == "https://example.org/a"


# --------------------------------------------------------------------------
# The cache and the errors


def test_a_cached_pdf_is_used_only_while_its_stylesheets_are_unchanged(hostile_site, tmp_path):
    jobs = [report_pdf.Job("rapport/sida/index.html", "rapport/sida/rapport.pdf", "2024-05")]
    cache = tmp_path / "cache"
    first = report_pdf.make_pdfs(hostile_site, jobs, cache, workers=1)
    assert (first.rendered, first.reused) == (1, 0)
    made = (hostile_site / "rapport/sida/rapport.pdf").read_bytes()
    again = report_pdf.make_pdfs(hostile_site, jobs, cache, workers=1)
    assert (again.rendered, again.reused, again.removed) == (0, 1, 0)
    assert (hostile_site / "rapport/sida/rapport.pdf").read_bytes() == made
    (hostile_site / "rapport" / "egen.css").write_text("h1 { color: #654321 }", "utf-8")
    changed = report_pdf.make_pdfs(hostile_site, jobs, cache, workers=1)
    assert (changed.rendered, changed.reused) == (1, 0)
    assert pypdf.PdfReader(hostile_site / "rapport/sida/rapport.pdf").metadata["/ModDate"] == "D:202405"
    # One entry left: the other was replaced in place (same key), nothing stale stays.
    assert len(list((cache / report_pdf.CACHE_FOLDER).glob("*/*.pdf"))) == 1


def test_without_pango_the_message_is_swedish(monkeypatch):
    monkeypatch.setattr(report_pdf.ctypes, "CDLL", lambda name: (_ for _ in ()).throw(OSError(name)))
    monkeypatch.setattr(report_pdf.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(report_pdf.PdfError) as caught:
        report_pdf.engine_version()
    message = caught.value.message
    assert "Pango saknas" in message and "libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "rapport_pdf: false" in message


def test_two_processes_make_what_one_makes(hostile_site, tmp_path):
    (hostile_site / "rapport" / "andra").mkdir()
    (hostile_site / "rapport" / "andra" / "index.html").write_text(HOSTILE.replace("Rapport", "Andra"), "utf-8")
    jobs = [report_pdf.Job(f"rapport/{name}/index.html", f"rapport/{name}/rapport.pdf") for name in ("sida", "andra")]
    made = {}
    for workers in (1, 2):
        summary = report_pdf.make_pdfs(hostile_site, jobs, tmp_path / f"cache-{workers}", workers=workers)
        assert summary.rendered == 2
        made[workers] = [(hostile_site / job.pdf).read_bytes() for job in jobs]
    assert made[1] == made[2]


def test_a_cache_that_cannot_be_written_is_a_swedish_error(hostile_site, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("", "utf-8")  # a file where the cache folder should be
    jobs = [report_pdf.Job("rapport/sida/index.html", "rapport/sida/rapport.pdf")]
    with pytest.raises(report_pdf.PdfError) as caught:
        report_pdf.make_pdfs(hostile_site, jobs, blocker, workers=1)
    assert caught.value.message.startswith("rapporternas PDF:er kan inte skrivas: en del av sökvägen är en fil")
