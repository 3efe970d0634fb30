"""The publish gate: after the build, scan every written file once more for
personal identity numbers, decoded the way a reader or a program gets them.

The checker looks at content files; what is published is assembled from
them by templates, exports and search indexes, plus the vocabularies in
``mkdocs.yml`` and the pages in ``docs/`` that the checker never reads. A
template that joins two fields, an export that decodes an escape, or a label
in the config can publish a personnummer no content file shows as one. The
contract says the guards apply to what is *published*
(content-model.md, "Rules for bad input"); this module is that guarantee,
the checker's messages are the explanation.

What is read, one file at a time (only one file's text is held at once):

- ``.html``: the page text as a browser parses it (html5ever through nh3;
  entities decoded; inline tags joined without a gap, block tags as a line
  break), every attribute value decoded, and the raw text (comments);
- ``.json``: every key, string and number, with the item it belongs to
  (``url``, ``path`` or ``slug``) as the source;
- ``.csv``: every cell, with the row's ``url`` or ``slug`` as the source;
- any other text file (``.xml``, ``.txt``, ``.js``, ``.css`` …) as text,
  also after entity decoding;
- gzip files, decompressed: Pagefind's fragments (``pagefind_dcd`` + JSON:
  a page's whole text, title and filters), filters and metadata
  (``pagefind_dcd`` + CBOR), ``sitemap.xml.gz``. Pagefind's word indexes
  (``.pf_index``) are not read, as their words glue digits together (see
  :func:`_scan_file`) and each word comes from a fragment's text;

Binary files (images, fonts, WebAssembly) are skipped.

PDF files: the reports' PDFs (:mod:`metodbank.report_pdf`) are written
after this scan, only once it has passed, from the report pages it has just
read and from the site's own files (WeasyPrint reads nothing else), so they
hold nothing it has not read; scanning them too would need a PDF parser
(their text is in compressed streams, as glyph numbers) and cost seconds
for nothing. A PDF put in ``docs/`` by hand is read like any other file: as
bytes, which finds a number written in an uncompressed PDF but not text in
compressed streams — a known limit.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import nh3

from .files import write_atomic
from .kinds import FOLDERS
from .model import SLUG_PATTERN
from .checks.identity import find_identity_numbers, mask, published_view

PAGEFIND_HEADER = b"pagefind_dcd"
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
MAX_DECOMPRESSED = 256 * 1024 * 1024  # a decompression bomb stops here, not in memory
MAX_LISTED = 30  # findings listed in the message; the rest are counted
BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .avif .ico .bmp .woff .woff2 .ttf .otf .eot .wasm .mp4 .webm .mp3 .zip".split()
)
_ITEM_URL = re.compile(r"^/?(?P<kind>projekt|metoder|systemfel)/(?P<slug>[^/]+)/(?:index\.html)?$")
KINDS = FOLDERS
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True, order=True)
class Finding:
    """A personal identity number in a published file."""

    published: str  # path relative to the site folder, e.g. "projekt/x/index.html"
    number: str  # the ten digits (never shown whole: see ``masked``)
    kind: str  # "personnummer" or "samordningsnummer"
    source: str | None = None  # the content file it most likely comes from
    detail: str = ""  # where in the file, when that helps: "Pagefind"

    @property
    def masked(self) -> str:
        return mask(self.number)

    def describe(self, site_label: str) -> str:
        notes = [note for note in (self.detail, f"från {self.source}" if self.source else "") if note]
        where = f" ({', '.join(notes)})" if notes else ""
        return f"{site_label}/{self.published}{where} innehåller ett {self.kind} ({self.masked})"


class PublishGateError(Exception):
    """The built site holds personal data; ``message`` says where, in Swedish."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.message = message
        self.findings = findings


# --------------------------------------------------------------------------
# Sources: which content file a published item comes from


class Sources:
    """Maps URLs, slugs and paths in the built site back to content files.

    Without a bank root, item URLs still map to ``<kind>/<slug>.md`` (the
    contract fixes that layout); with one, only files that exist are named.
    A number that is written in the config file (vocabulary labels) is
    attributed to it, since the checker never reads the config.
    """

    def __init__(self, bank_root: Path | None = None, docs_dir: Path | None = None,
                 config_file: Path | None = None):
        self.root = Path(bank_root) if bank_root is not None else None
        self.docs_dir = Path(docs_dir) if docs_dir is not None else None
        self.config_label = None
        self.config_numbers: set[str] = set()
        if config_file is not None and Path(config_file).is_file():
            self.config_label = self._label(Path(config_file))
            text = Path(config_file).read_text("utf-8", errors="replace")
            self.config_numbers = {hit.number for view in (text, published_view(text))
                                   for hit in find_identity_numbers(view)}

    def _label(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def _item(self, kind: str, slug: str) -> str | None:
        relative = f"{kind}/{slug}.md"
        if self.root is None or (self.root / relative).is_file():
            return relative
        return None

    def for_url(self, url: str) -> str | None:
        url = url.split("#", 1)[0].split("?", 1)[0]
        match = _ITEM_URL.match(url)
        if match:
            return self._item(match["kind"], match["slug"])
        if self.docs_dir is None:
            return None
        page = url.strip("/")
        if page.endswith("index.html"):
            page = page[: -len("index.html")].strip("/")
        candidates = [f"{page}.md", f"{page}/index.md"] if page else ["index.md"]
        for candidate in candidates:
            path = self.docs_dir / candidate
            if path.is_file():
                return self._label(path)
        return None

    def for_slug(self, slug: str, kind: str | None = None) -> str | None:
        if not isinstance(slug, str) or not slug or "/" in slug:
            return None
        kinds = [kind] if kind in KINDS else list(KINDS)
        if self.root is None:
            return f"{kinds[0]}/{slug}.md" if len(kinds) == 1 else None
        found = [f"{k}/{slug}.md" for k in kinds if (self.root / k / f"{slug}.md").is_file()]
        return found[0] if len(found) == 1 else None

    def for_path(self, path: str) -> str | None:
        """A content path as the search index stores it: ``projekt/x.md``."""
        parts = path.split("/")
        if len(parts) == 2 and parts[0] in KINDS and parts[1].endswith(".md"):
            return self._item(parts[0], parts[1][:-3])
        return None

    def attribute(self, number: str, source: str | None) -> str | None:
        if number in self.config_numbers and self.config_label:
            return self.config_label
        return source


# --------------------------------------------------------------------------
# Scanning


class CleanFiles:
    """Files an earlier run found clean, by a digest of their path and bytes:
    a rebuild reads every file again (hashing is cheap) but parses only the
    ones that changed. The result depends on nothing else, so it is exact."""

    def __init__(self, path: Path | None, digest_by_stat: dict | None = None):
        self.path = Path(path) if path is not None else None
        self.known: set[str] = set()
        self.now: set[str] = set()
        # published path -> (inode, size, mtime_ns, digest): a preview server's
        # memory of the files it hashed before (see preview.py), or None.
        self.digest_by_stat = digest_by_stat
        if self.path is not None:
            try:
                self.known = set(self.path.read_text("utf-8").split())
            except (OSError, UnicodeDecodeError):
                self.known = set()

    @staticmethod
    def digest(published: str, path: Path) -> str:
        h = hashlib.sha256(published.encode("utf-8") + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    def save(self) -> None:
        """Keep the files clean in this run only (the cache never grows past the site)."""
        if self.path is not None:
            write_atomic(self.path, "\n".join(sorted(self.now)) + "\n")


def scan_site(site_dir: Path, *, bank_root: Path | None = None, docs_dir: Path | None = None,
              config_file: Path | None = None, clean: CleanFiles | None = None,
              read: dict[str, list[Finding]] | None = None, reader=None,
              only: str | None = None, leave_out: str | None = None) -> list[Finding]:
    """Every personal identity number in the built site, one finding per
    published file and number, sorted. ``clean``: files found clean before,
    skipped when unchanged. ``read``: findings of files already read, by
    their digest (pages read while the engine rendered them). ``reader``:
    reads a list of ``(path, published)`` into ``(published, findings)``
    (worker processes, see :mod:`gate_workers`); this process reads them
    when it is None.

    ``only`` / ``leave_out``: a folder of the site root (``"pagefind"``) to
    read alone, or to leave for a later call. The build reads the pages
    while the search index is still being made, and the index after: the
    two calls together read every file once, as one call would."""
    site_dir = Path(site_dir)
    sources = Sources(bank_root, docs_dir, config_file)
    findings: set[Finding] = set()
    unread: list[tuple[Path, str]] = []
    digests: dict[str, str] = {}
    by_stat = clean.digest_by_stat if clean is not None else None
    seen: dict[str, tuple] = {}
    for path, published, stat in _site_files(site_dir, only, leave_out):
        digest = None
        if clean is not None or read:
            if by_stat is not None:
                identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
                known = by_stat.get(published)
                digest = known[3] if known is not None and known[:3] == identity else None
                digest = digest or CleanFiles.digest(published, path)
                seen[published] = (*identity, digest)
            else:
                digest = CleanFiles.digest(published, path)
        if clean is not None and digest in clean.known:
            clean.now.add(digest)
            continue
        if read and digest in read:
            found = read[digest]
        else:
            if digest is not None:
                digests[published] = digest
            unread.append((Path(path), published))
            continue
        findings.update(found)
        if clean is not None and not found:
            clean.now.add(digest)
    if by_stat is not None:
        # The files of this call's part of the site, as they are now; the rest as they were.
        for published in [p for p in by_stat if _in_part(p, only, leave_out)]:
            del by_stat[published]
        by_stat.update(seen)
    if reader is not None:
        results = reader(unread)
    else:
        results = [(published, read_file(path, published, sources)) for path, published in unread]
    for published, found in results:
        findings.update(found)
        if clean is not None and not found:
            clean.now.add(digests[published])
    return sorted(findings, key=finding_order)


def finding_order(finding: Finding) -> tuple:
    """The order findings are reported in: by file, then number."""
    return finding.published, finding.number, finding.detail, finding.source or ""


def _in_part(published: str, only: str | None, leave_out: str | None) -> bool:
    """Whether ``published`` is in the part of the site a scan reads."""
    if only is not None:
        return published.startswith(f"{only}/")
    return leave_out is None or not published.startswith(f"{leave_out}/")


def _site_files(site_dir: Path, only: str | None = None, leave_out: str | None = None):
    """``(path, published, stat)`` of every file a web server would send
    from ``site_dir``, folder by folder in name order; with ``only``, from
    that folder of the root alone; with ``leave_out``, without that folder.
    One ``scandir`` entry per file answers the type and the stat (5,000
    pages: a third of the gate's time went to asking the file system
    again, path by path)."""
    site_root = site_dir.resolve()
    folders = [(str(site_dir), "")]
    if only is not None:
        start = site_dir / only
        folders = [(str(start), f"{only}/")] if start.is_dir() and not start.is_symlink() else []
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        below = []
        for entry in entries:
            if not prefix and entry.name == leave_out:
                continue  # read by a later call (scan_site's leave_out)
            if entry.is_dir(follow_symlinks=False):
                below.append((entry.path, f"{prefix}{entry.name}/"))
            elif not entry.is_file():
                continue  # FIFOs, devices, dangling links: nothing a web server sends
            elif entry.is_symlink() and site_root not in Path(entry.path).resolve().parents:
                continue  # not written by the build (MkDocs copies files; it never links outside)
            else:
                yield entry.path, prefix + entry.name, entry.stat()
        folders.extend(reversed(below))


def read_file(path: Path, published: str, sources: Sources) -> list[Finding]:
    """The findings in one published file."""
    return list(_dedupe(_scan_file(path, published, sources)))


def read_bytes(data: bytes, suffix: str, published: str, sources: Sources) -> list[Finding] | None:
    """The findings in a file's bytes, as :func:`read_file` finds them in the
    file; None for bytes it would treat apart (compressed or binary)."""
    head = data[:SNIFF_BYTES]
    if head.startswith(GZIP_MAGIC) or b"\x00" in head or suffix in BINARY_SUFFIXES or suffix == ".pf_index":
        return None
    return list(_dedupe(_scan_bytes(data, suffix, published, sources)))


def check_site(site_dir: Path, *, bank_root: Path | None = None, docs_dir: Path | None = None,
               config_file: Path | None = None, site_label: str | None = None,
               cache_file: Path | None = None) -> None:
    """Raise :class:`PublishGateError` when the built site holds a number.
    ``cache_file`` keeps the digests of clean files for the next run."""
    clean = CleanFiles(cache_file) if cache_file is not None else None
    findings = scan_site(site_dir, bank_root=bank_root, docs_dir=docs_dir, config_file=config_file, clean=clean)
    finish_check(site_dir, findings, clean, site_label)


def finish_check(site_dir: Path, findings: list[Finding], clean: CleanFiles | None,
                 site_label: str | None = None) -> None:
    """Keep the clean files for the next run; raise :class:`PublishGateError` on any finding."""
    if clean is not None:
        clean.save()
    if findings:
        raise PublishGateError(format_message(findings, site_label or display_site(site_dir)), findings)


def display_site(site_dir: Path) -> str:
    """The site folder as a message shows it: relative to the working
    directory when inside it (``site``), else as it is."""
    site_dir = Path(site_dir)
    try:
        return site_dir.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return site_dir.as_posix()


def format_message(findings: list[Finding], site_label: str) -> str:
    advice = "banken får aldrig publicera deltagares personuppgifter"
    if len(findings) == 1:
        finding = findings[0]
        return (f"publiceringsspärren stoppade bygget: {finding.describe(site_label)} — {advice}; "
                f"ta bort det ur källfilen och bygg igen")
    # Grouped by source, so that one number published in many files reads as one task.
    ordered = sorted(findings, key=lambda f: (f.source is None, f.source or "", f.published, f.number))
    lines = [f"  {finding.describe(site_label)}" for finding in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        lines.append(f"  … och {len(ordered) - MAX_LISTED} till")
    numbers = len({f.number for f in findings})
    what = f"{'ett' if numbers == 1 else numbers} personnummer eller samordningsnummer"
    return (f"publiceringsspärren stoppade bygget: den byggda webbplatsen innehåller {what} "
            f"på {len(findings)} ställen — {advice}; ta bort dem ur källfilerna och bygg igen:\n" + "\n".join(lines))


def _dedupe(findings: Iterable[Finding]) -> Iterator[Finding]:
    """One finding per number in a file; the one that names a source wins."""
    best: dict[str, Finding] = {}
    for finding in findings:
        kept = best.get(finding.number)
        if kept is None or (kept.source is None and finding.source is not None):
            best[finding.number] = finding
    return iter(best.values())


def _hits(text: str, published: str, sources: Sources, source: str | None = None,
          detail: str = "") -> Iterator[Finding]:
    for hit in find_identity_numbers(text):
        yield Finding(published, hit.number, hit.kind, sources.attribute(hit.number, source), detail)


def _views(text: str) -> list[str]:
    """A published string as it may be read: Unicode normalised, and with
    HTML entities resolved (Pagefind's UI writes filter values as HTML)."""
    views = [text if text.isascii() else unicodedata.normalize("NFKC", text)]
    if "&" in text:
        views.append(unicodedata.normalize("NFKC", html.unescape(text)))
    return views


def _scan_string(text: str, published: str, sources: Sources, source: str | None,
                 detail: str = "") -> Iterator[Finding]:
    if len(text) < 10 and text.isascii():
        return  # no room for ten digits (most keys, slugs and labels)
    for view in _views(text):
        yield from _hits(view, published, sources, source, detail)


def _scan_file(path: Path, published: str, sources: Sources) -> Iterator[Finding]:
    suffix = path.suffix.lower()
    if suffix in BINARY_SUFFIXES:
        return
    if suffix == ".pf_index":
        # A Pagefind index holds words, not text: Pagefind glues
        # "2016-09–2019-08" into the word 201609201908, which the rule reads
        # as a valid 12-digit number (two such false hits in the example bank
        # alone; "070-1234567" would glue the same way). Every word comes from
        # a page's text, which the page's fragment holds in full and which is
        # scanned, so nothing is lost by not reading the words.
        return
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
        if head.startswith(GZIP_MAGIC):
            handle.seek(0)
            data = _gunzip(handle)
            if data is None:
                return
            yield from _scan_decompressed(data, path, published, sources)
            return
        if b"\x00" in head:
            return  # binary
        raw = head + handle.read()
    yield from _scan_bytes(raw, suffix, published, sources)


def _gunzip(handle) -> bytes | None:
    try:
        with gzip.GzipFile(fileobj=handle) as stream:
            data = stream.read(MAX_DECOMPRESSED + 1)
    except (OSError, EOFError):
        return None
    return data[:MAX_DECOMPRESSED]


def _scan_decompressed(data: bytes, path: Path, published: str, sources: Sources) -> Iterator[Finding]:
    if data.startswith(PAGEFIND_HEADER):
        yield from _scan_pagefind(data[len(PAGEFIND_HEADER):], published, sources)
        return
    if b"\x00" in data[:SNIFF_BYTES]:
        return  # e.g. Pagefind's WebAssembly
    inner = Path(path.stem).suffix.lower()  # sitemap.xml.gz -> .xml
    yield from _scan_bytes(data, inner, published, sources)


def _scan_bytes(raw: bytes, suffix: str, published: str, sources: Sources) -> Iterator[Finding]:
    text = raw.decode("utf-8", errors="replace")
    page = suffix in (".html", ".htm")
    # The raw text first: whatever the structure, a number written plainly
    # (in a comment, say) is found.
    yield from _hits(text, published, sources, sources.for_url(published) if page else None)
    if page:
        yield from _scan_html(text, published, sources)
    elif suffix in (".json", ".webmanifest"):
        yield from _scan_json_text(text, published, sources, _kind_hint(published))
    elif suffix == ".csv":
        yield from _scan_csv(text, published, sources)
    else:
        for view in _views(text)[1:] if text.isascii() else _views(text):
            yield from _hits(view, published, sources)


def _kind_hint(published: str) -> str | None:
    stem = Path(published).name.split(".", 1)[0]
    return stem if stem in KINDS else None


# -- HTML ------------------------------------------------------------------


# Block elements become a line break in the page text (a separator, as a
# paragraph break is in a content file); every other element is inline and
# its text runs on without a gap.
BLOCK = frozenset(
    "address article aside blockquote body br button canvas caption col colgroup dd details dialog div dl dt "
    "embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input "
    "label legend li link main menu meta meter nav noscript object ol optgroup option output p picture pre "
    "progress script search section select source style summary svg table tbody td template textarea tfoot th "
    "thead title tr track ul video audio area map".split()
)
_CLEAN_TAG = re.compile(r"</?[a-z][a-z0-9]*>")  # nh3's output: only BLOCK tags, never an attribute
_ATTRIBUTE_VALUE = re.compile(r"""=[ \t\n\r\f]*+(?:"([^"]*+)"|'([^']*+)'|([^ \t\n\r\f"'=<>`]++))""")


def page_text(markup: str) -> str:
    """The text of an HTML page as a browser builds it: parsed by html5ever
    (through nh3, the sanitiser the site already uses; Python's html.parser
    took 13 of the gate's 19 seconds on a 1,000-project site), entities
    decoded, the text of <title>, <script> and <style> kept, comments left
    out (the raw scan reads them as written, which is how they are
    published)."""
    cleaned = nh3.clean(markup, tags=set(BLOCK), clean_content_tags=set(), attributes={}, strip_comments=True,
                        link_rel=None)
    return unicodedata.normalize("NFKC", html.unescape(_CLEAN_TAG.sub("\n", cleaned)))


def attribute_values(markup: str) -> Iterator[str]:
    """Every attribute value that a browser decodes (entities) before use —
    a tooltip, a meta description, a data attribute Pagefind reads. Values
    without an entity or a non-ASCII character read the same raw, so the raw
    scan has them already. Matching is generous (an '=' in text counts too):
    an extra string to read costs nothing, a missed one would."""
    for match in _ATTRIBUTE_VALUE.finditer(markup):
        value = match.group(1) or match.group(2) or match.group(3) or ""
        if "&" in value or not value.isascii():
            yield unicodedata.normalize("NFKC", html.unescape(value))


def _scan_html(text: str, published: str, sources: Sources) -> Iterator[Finding]:
    source = sources.for_url(published)
    yield from _hits(page_text(text), published, sources, source)
    for value in attribute_values(text):
        yield from _hits(value, published, sources, source)


# -- JSON and Pagefind ------------------------------------------------------


def _scan_json_text(text: str, published: str, sources: Sources, kind: str | None,
                    detail: str = "") -> Iterator[Finding]:
    try:
        data = json.loads(text)
    except ValueError:
        for view in _views(text):
            yield from _hits(view, published, sources, detail=detail)
        return
    yield from _scan_value(data, published, sources, kind, None, detail)


def _source_of_item(item: dict, sources: Sources, kind: str | None) -> str | None:
    url, path, slug = item.get("url"), item.get("path"), item.get("slug")
    if isinstance(path, str) and (found := sources.for_path(path)):
        return found
    if isinstance(url, str) and (found := sources.for_url(url)):
        return found
    if isinstance(slug, str):
        typ = item.get("kind") or item.get("typ")
        return sources.for_slug(slug, typ if typ in KINDS else kind)
    return None


def _scan_value(data, published: str, sources: Sources, kind: str | None, source: str | None,
                detail: str = "") -> Iterator[Finding]:
    """Every key, string and number in a JSON-like value. Iterative, so deep
    nesting cannot exhaust the stack. The texts that belong to one source
    are read together, with a NUL between them (no separator, so two
    strings never join into one number): one scan per item instead of one
    per string."""
    texts: dict[str | None, list[str]] = {}
    stack = [(data, source)]
    while stack:
        value, source = stack.pop()
        if isinstance(value, dict):
            source = _source_of_item(value, sources, kind) or source
            texts.setdefault(source, []).extend(str(key) for key in value)
            stack.extend((item, source) for item in value.values())
        elif isinstance(value, list):
            # A table row outside any item (katalog.json: [slug, titel, …, [målgrupp], …]):
            # its first cell is the item's slug.
            if (source is None and value and isinstance(value[0], str) and _SLUG.match(value[0])
                    and any(isinstance(cell, list) for cell in value[1:])):
                source = sources.for_slug(value[0], kind)
            stack.extend((item, source) for item in value)
        elif isinstance(value, str):
            texts.setdefault(source, []).append(value)
        elif isinstance(value, (bytes, bytearray)):
            texts.setdefault(source, []).append(bytes(value).decode("utf-8", errors="replace"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            texts.setdefault(source, []).append(str(value))
    for source, parts in texts.items():
        yield from _scan_string("\x00".join(parts), published, sources, source, detail)


def _scan_pagefind(payload: bytes, published: str, sources: Sources) -> Iterator[Finding]:
    """A Pagefind file after its ``pagefind_dcd`` header: a fragment is
    JSON (one page: url, content, meta, filters); indexes, filters and
    metadata are CBOR."""
    if payload[:1] in (b"{", b"["):
        yield from _scan_json_text(payload.decode("utf-8", errors="replace"), published, sources, None, "Pagefind")
        return
    try:
        strings = list(cbor_strings(payload))
    except ValueError:
        # Not the CBOR we know: read the text in it, control bytes as breaks.
        text = re.sub(r"[\x00-\x1f\x7f]", "\ufffd", payload.decode("utf-8", errors="replace"))
        yield from _hits(text, published, sources, detail="Pagefind")
        return
    for text in strings:
        yield from _scan_string(text, published, sources, None, "Pagefind")


def cbor_strings(data: bytes) -> Iterator[str]:
    """Every text string in a CBOR document, in order (RFC 8949). Containers
    and tags need no bookkeeping for this: their items follow inline. Raises
    ValueError on anything malformed."""
    position, end = 0, len(data)
    pending: list[bytes] | None = None  # chunks of an indefinite-length text string
    while position < end:
        initial = data[position]
        position += 1
        major, info = initial >> 5, initial & 0x1F
        if initial == 0xFF:  # break: ends an indefinite-length item
            if pending is not None:
                yield b"".join(pending).decode("utf-8", errors="replace")
                pending = None
            continue
        if info < 24:
            argument = info
        elif info <= 27:
            size = 1 << (info - 24)
            if position + size > end:
                raise ValueError("truncated CBOR")
            argument = int.from_bytes(data[position:position + size], "big")
            position += size
        elif info == 31 and major in (2, 3, 4, 5):
            if major == 3:
                pending = []
            continue
        else:
            raise ValueError("malformed CBOR")
        if major in (2, 3):
            if position + argument > end:
                raise ValueError("truncated CBOR")
            chunk = data[position:position + argument]
            position += argument
            if major == 3:
                if pending is not None:
                    pending.append(chunk)
                else:
                    yield chunk.decode("utf-8", errors="replace")
        # major 0, 1 (integers), 4, 5 (containers), 6 (tags), 7 (simple, floats): nothing to read


# -- CSV ---------------------------------------------------------------------


def _scan_csv(text: str, published: str, sources: Sources) -> Iterator[Finding]:
    text = text.lstrip("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    kind = _kind_hint(published)
    header = next(reader, [])
    url_at = header.index("url") if "url" in header else None
    slug_at = header.index("slug") if "slug" in header else None
    for cell in header:
        yield from _scan_string(cell, published, sources, None)
    for row in reader:
        source = None
        if url_at is not None and url_at < len(row):
            source = sources.for_url(row[url_at])
        if source is None and slug_at is not None and slug_at < len(row):
            source = sources.for_slug(row[slug_at], kind)
        for cell in row:
            yield from _scan_string(cell, published, sources, source)
