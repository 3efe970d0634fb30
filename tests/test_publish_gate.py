"""The publish gate (``metodbank.publish_gate``): after the build, every
written file is decoded and scanned for personal identity numbers once more.

Most tests plant a number that only the gate can see into a copy of the
built example site and call :func:`scan_site` directly; two real builds show
the gate stopping ``mkdocs build`` with its Swedish message: a vocabulary
label in ``mkdocs.yml`` (which the checker never reads) and two fields of a
method that the search index joins into one number.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from metodbank import publish_gate
from metodbank.publish_gate import Finding, PublishGateError, cbor_strings, check_site, format_message, scan_site
from site_helpers import copy_inputs, run_build

SLUG = "aktivt-stod-forsorjningsstod"
PAGE = f"projekt/{SLUG}/index.html"
SOURCE = f"projekt/{SLUG}.md"
NUMBER = "8112189876"
MASKED = "81****-***6"
ADVICE = "banken får aldrig publicera deltagares personuppgifter"


@pytest.fixture
def site(built_site, tmp_path) -> Path:
    """A private copy of the built example site, to plant numbers in."""
    return Path(shutil.copytree(built_site, tmp_path / "site"))


def scan(site: Path, src: Path) -> list[Finding]:
    return scan_site(site, bank_root=src, docs_dir=src / "docs", config_file=src / "mkdocs.yml")


def plant_html(site: Path, page: str, fragment: str) -> None:
    path = site / page
    text = path.read_text("utf-8")
    assert text.count("</body>") == 1
    path.write_text(text.replace("</body>", fragment + "</body>"), "utf-8")


def pagefind_file(payload: bytes) -> bytes:
    return gzip.compress(publish_gate.PAGEFIND_HEADER + payload)


def cbor(value) -> bytes:
    """A tiny CBOR encoder (text, unsigned integers, arrays, maps) for planting."""
    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
        raise ValueError(n)

    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(item) for item in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


# --------------------------------------------------------------------------
# The example site passes


def test_example_site_has_nothing_to_stop(built_site, site_src):
    # The build itself ran the gate (it would have failed); this says so plainly.
    assert scan(built_site, site_src) == []


def test_site_layout_the_gate_relies_on(built_site):
    """Pagefind's files are gzip with a 'pagefind_dcd' header (fragments
    JSON, the rest CBOR)."""
    fragment = next((built_site / "pagefind" / "fragment").glob("*.pf_fragment")).read_bytes()
    assert fragment[:2] == publish_gate.GZIP_MAGIC
    payload = gzip.decompress(fragment)
    assert payload.startswith(publish_gate.PAGEFIND_HEADER)
    assert json.loads(payload[len(publish_gate.PAGEFIND_HEADER):])["url"].startswith("/")
    for path in (built_site / "pagefind" / "filter").glob("*.pf_filter"):
        assert list(cbor_strings(gzip.decompress(path.read_bytes())[len(publish_gate.PAGEFIND_HEADER):]))
    # The terminal search's Whoosh index is built on demand, never published.
    assert not (built_site / "sok" / "index").exists()


# --------------------------------------------------------------------------
# HTML pages


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>811218&#45;9876</p>",
        "<p>811218&minus;9876</p>",
        "<p>811218<em>-</em>9876</p>",  # inline tags join without a gap
        "<p>8112<span></span>189876</p>",
        "<p>811218</p>\n<p>9876</p>",  # a block boundary reads as a line break
        "<p>811218&nbsp;&#8203;9876</p>",
        '<span title="Deltagare 811218&#x2011;9876"></span>',  # attribute values are decoded
        '<meta name="x" content="811218\u00a09876">',
        "<!-- 811218-9876 -->",  # comments are published as written
        "<p>\uff18\uff11\uff11\uff12\uff11\uff18-9876</p>",  # NFKC
    ],
    ids=["entity", "minus", "inline-tag", "empty-span", "block", "nbsp-zwsp", "title", "meta", "comment",
         "fullwidth"],
)
def test_number_in_a_page_names_the_page_and_its_source(site, site_src, fragment):
    plant_html(site, PAGE, fragment)
    assert scan(site, site_src) == [Finding(PAGE, NUMBER, "personnummer", SOURCE)]


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>81121</p><p>89876</p>",
        "<p>811218x9876</p>",
        "<p>811218&#45;9875</p>",  # wrong check digit
        '<a href="?q=811218/9876">x</a>',
        "<p>2019-03&ndash;2021-12</p>",
        "<p>070-123 45 67, 0721234567</p>",
    ],
)
def test_what_is_not_a_number_in_a_page(site, site_src, fragment):
    plant_html(site, PAGE, fragment)
    assert scan(site, site_src) == []


def test_docs_page_maps_to_its_markdown_file(site, site_src):
    plant_html(site, "om/index.html", "<p>Ring 811218&#45;9876</p>")
    assert scan(site, site_src) == [Finding("om/index.html", NUMBER, "personnummer", "docs/om.md")]


def test_page_without_a_source_is_still_found(site, site_src):
    plant_html(site, "404.html", "<p>811218&#45;9876</p>")
    assert scan(site, site_src) == [Finding("404.html", NUMBER, "personnummer", None)]


# --------------------------------------------------------------------------
# Exports


def test_json_escape_in_an_export_names_the_item(site, site_src):
    path = site / "data" / "projekt.json"
    data = json.loads(path.read_text("utf-8"))
    item = next(p for p in data["poster"] if p["slug"] == SLUG)
    item["titel"] = "Aktivt stöd 811218\u20139876"
    path.write_text(json.dumps(data, ensure_ascii=True), "utf-8")  # written as \u2013: the raw text shows no number
    assert "811218\\u20139876" in path.read_text("utf-8")
    assert scan(site, site_src) == [Finding("data/projekt.json", NUMBER, "personnummer", SOURCE)]


def test_catalogue_row_names_its_item(site, site_src):
    path = site / "data" / "katalog.json"
    data = json.loads(path.read_text("utf-8"))
    row = next(r for r in data["poster"] if r[0] == SLUG)
    row[1] = "Aktivt stöd 811218\u00a09876"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert scan(site, site_src) == [Finding("data/katalog.json", NUMBER, "personnummer", SOURCE)]


def test_csv_cell_names_its_row(site, site_src):
    path = site / "data" / "projekt.csv"
    lines = path.read_text("utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{SLUG};"))
    cells = lines[index].split(";")
    cells[1] = "Aktivt stöd 811218\u2013 9876"
    lines[index] = ";".join(cells)
    path.write_text("\n".join(lines), "utf-8")
    assert scan(site, site_src) == [Finding("data/projekt.csv", NUMBER, "personnummer", SOURCE)]


def test_gzipped_sitemap_is_read(site, site_src):
    path = site / "sitemap.xml.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(text.replace("</urlset>", "<!-- 811218&#8209;9876 --></urlset>").encode()))
    assert scan(site, site_src) == [Finding("sitemap.xml.gz", NUMBER, "personnummer", None)]


def test_binary_files_are_skipped(site, site_src):
    (site / "assets" / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00811218-9876")
    assert scan(site, site_src) == []


# --------------------------------------------------------------------------
# Pagefind (gzip)


def test_pagefind_fragment_is_decompressed_and_names_the_page(site, site_src):
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        payload = gzip.decompress(path.read_bytes())[len(publish_gate.PAGEFIND_HEADER):]
        fragment = json.loads(payload)
        if fragment["url"] == f"/projekt/{SLUG}/":
            break
    else:
        pytest.fail("inget fragment för projektet")
    fragment["content"] += " Deltagaren 811218\u00a09876 slutade."
    path.write_bytes(pagefind_file(json.dumps(fragment, ensure_ascii=False).encode()))
    published = path.relative_to(site).as_posix()
    assert scan(site, site_src) == [Finding(published, NUMBER, "personnummer", SOURCE, "Pagefind")]


def test_pagefind_filter_values_are_read_from_cbor(site, site_src):
    planted = site / "pagefind" / "filter" / "sv_planterad.pf_filter"
    planted.write_bytes(pagefind_file(cbor({"målgrupp": {"Unga 811218&#x2d;9876": [0, 3, 300]}})))
    assert scan(site, site_src) == [
        Finding("pagefind/filter/sv_planterad.pf_filter", NUMBER, "personnummer", None, "Pagefind")
    ]


def test_pagefind_index_words_are_not_read_as_numbers(site, site_src):
    # Pagefind glues "2016-09–2019-08" into the word 201609201908, which the
    # rule reads as a valid 12-digit number; the page's text is in its fragment.
    words = cbor([["201609201908", [[0, [12]]]], ["8112189876", [[1, [3]]]]])
    (site / "pagefind" / "index" / "sv_planterad.pf_index").write_bytes(pagefind_file(words))
    assert scan(site, site_src) == []


def test_cbor_strings():
    data = (
        cbor([["abc", 500, 70000, 2**40], {"k": 1}])
        + b"\xf9\x3c\x00"  # a half-precision float
        + b"\xc1\x1a\x00\x00\x00\x01"  # a tag, then its integer
        + b"\x43xyz"  # a byte string: not text
        + b"\x7f\x62" + b"81" + b"\x69" + b"1218-9876" + b"\xff"  # an indefinite-length text in two chunks
        + b"\x9f\x61z\xff"  # an indefinite-length array
    )
    assert list(cbor_strings(data)) == ["abc", "k", "811218-9876", "z"]


@pytest.mark.parametrize("data", [b"\x78", b"\x63ab", b"\x1c", b"\x5a\x00\x00"])
def test_malformed_cbor_raises(data):
    with pytest.raises(ValueError):
        list(cbor_strings(data))


def test_unreadable_pagefind_file_is_still_read_as_text(site, site_src):
    planted = site / "pagefind" / "filter" / "sv_trasig.pf_filter"
    planted.write_bytes(pagefind_file(b"\x1c junk 811218-9876 \x00"))
    assert scan(site, site_src) == [
        Finding("pagefind/filter/sv_trasig.pf_filter", NUMBER, "personnummer", None, "Pagefind")
    ]


# --------------------------------------------------------------------------
# The message


def test_check_site_raises_with_one_line_for_one_finding(site, site_src):
    plant_html(site, PAGE, "<p>811218&#45;9876</p>")
    with pytest.raises(PublishGateError) as caught:
        check_site(site, bank_root=site_src, docs_dir=site_src / "docs", config_file=site_src / "mkdocs.yml",
                   site_label="site")
    assert caught.value.message == (
        f"publiceringsspärren stoppade bygget: site/{PAGE} (från {SOURCE}) innehåller ett personnummer"
        f" ({MASKED}) — {ADVICE}; ta bort det ur källfilen och bygg igen"
    )
    assert caught.value.findings == [Finding(PAGE, NUMBER, "personnummer", SOURCE)]


def test_check_site_passes_a_clean_site(built_site, site_src):
    check_site(built_site, bank_root=site_src)  # no exception


def test_message_lists_findings_grouped_by_source_and_never_the_number():
    findings = [
        Finding("data/projekt.json", NUMBER, "personnummer", SOURCE),
        Finding("pagefind/fragment/sv_1.pf_fragment", NUMBER, "personnummer", SOURCE, "Pagefind"),
        Finding("404.html", "7010632391", "samordningsnummer", None),
    ]
    message = format_message(findings, "site")
    assert message == (
        "publiceringsspärren stoppade bygget: den byggda webbplatsen innehåller 2 personnummer eller"
        f" samordningsnummer på 3 ställen — {ADVICE}; ta bort dem ur källfilerna och bygg igen:\n"
        f"  site/data/projekt.json (från {SOURCE}) innehåller ett personnummer ({MASKED})\n"
        f"  site/pagefind/fragment/sv_1.pf_fragment (Pagefind, från {SOURCE}) innehåller ett personnummer ({MASKED})\n"
        "  site/404.html innehåller ett samordningsnummer (70****-***1)"
    )
    assert NUMBER not in message and "811218" not in message and "7010632391" not in message


def test_long_lists_are_cut():
    findings = [Finding(f"sida-{i:03d}/index.html", NUMBER, "personnummer") for i in range(45)]
    message = format_message(findings, "site")
    assert message.count("\n") == publish_gate.MAX_LISTED + 1
    assert message.endswith(f"  … och {45 - publish_gate.MAX_LISTED} till")
    assert "ett personnummer eller samordningsnummer på 45 ställen" in message


# --------------------------------------------------------------------------
# Real builds the gate stops


@pytest.mark.build
def test_build_stops_on_a_vocabulary_label(tmp_path):
    """The checker reads content files, not mkdocs.yml: a label there is
    published on every page that shows the term, in the exports, the
    schema, the filters and the search index — the gate stops the build
    and names mkdocs.yml."""
    src = copy_inputs(tmp_path / "src")
    config = src / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert text.count("      vokabular: {}\n") == 1
    config.write_text(text.replace("      vokabular: {}\n",
                                   '      vokabular: {målgrupp: {unga-16-19: "Unga 811218-9876"}}\n'), "utf-8")
    site = tmp_path / "site"
    result = run_build(src, site, check=False)
    assert result.returncode != 0
    lines = result.output.splitlines()
    header = next(line for line in lines if "publiceringsspärren stoppade bygget:" in line)
    assert header.endswith(f"— {ADVICE}; ta bort dem ur källfilerna och bygg igen:")
    assert "den byggda webbplatsen innehåller ett personnummer eller samordningsnummer på" in header
    for published in ("malgrupper/unga-16-19/index.html", "schema/projekt.schema.json", "data/katalog.json"):
        assert f"  {site}/{published} (från mkdocs.yml) innehåller ett personnummer ({MASKED})" in lines
    assert any(line.startswith(f"  {site}/pagefind/fragment/") and "(Pagefind, från mkdocs.yml)" in line
               for line in lines)
    assert NUMBER not in result.output
    # The report PDFs are made after the gate, from what it passed: none here.
    assert not list(site.rglob("*.pdf"))
    # The checker alone finds nothing: only the gate could stop this.
    from metodbank.bank import load_bank
    from metodbank.settings import read_settings

    assert load_bank(src, read_settings(config).vocab).problems.errors == []


def test_the_search_folder_and_the_rest_read_apart_are_the_whole_site(site, site_src):
    """The build reads the site but ``pagefind/`` while Pagefind finishes,
    and ``pagefind/`` after: together, every file once, the same findings
    and the same clean files (and a preview's stat memory) as one scan."""
    plant_html(site, PAGE, f"<p>{NUMBER}</p>")
    planted = site / "pagefind" / "filter" / "sv_planterad.pf_filter"
    planted.write_bytes(pagefind_file(cbor({"målgrupp": {"Unga 811218&#x2d;9876": [0, 3, 300]}})))
    sources = dict(bank_root=site_src, docs_dir=site_src / "docs", config_file=site_src / "mkdocs.yml")
    whole = publish_gate.CleanFiles(None, digest_by_stat={})
    expected = scan_site(site, clean=whole, **sources)
    assert {f.published for f in expected} == {PAGE, "pagefind/filter/sv_planterad.pf_filter"}

    parts = publish_gate.CleanFiles(None, digest_by_stat={})
    rest = scan_site(site, clean=parts, leave_out="pagefind", **sources)
    search = scan_site(site, clean=parts, only="pagefind", **sources)
    assert {f.published for f in rest} == {PAGE}
    assert {f.published for f in search} == {"pagefind/filter/sv_planterad.pf_filter"}
    assert sorted(rest + search, key=publish_gate.finding_order) == expected
    assert parts.now == whole.now and parts.digest_by_stat == whole.digest_by_stat
    assert any(p.startswith("pagefind/") for p in parts.digest_by_stat)
    assert scan_site(site, only="saknas", **sources) == []


def test_symlinks_out_of_the_site_are_not_followed(site, site_src, tmp_path):
    outside = tmp_path / "utanfor.txt"
    outside.write_text("811218-9876", "utf-8")
    (site / "lank.txt").symlink_to(outside)
    (site / "inne.txt").write_text("Deltagare 811218-9876", "utf-8")
    (site / "lank-inne.txt").symlink_to(site / "inne.txt")
    assert [f.published for f in scan(site, site_src)] == ["inne.txt", "lank-inne.txt"]


# --------------------------------------------------------------------------
# Reading in worker processes (gate_workers): the same findings


def test_worker_processes_find_what_one_process_finds(site, site_src):
    """Pages handed over while the engine renders, a page changed after it
    was handed over, and files only the end reads: the workers' findings
    equal the single-process scan's, and a page read early is not read again."""
    from metodbank import worker_pool
    from metodbank.gate_workers import GateWorkers

    plant_html(site, PAGE, f"<p>{NUMBER[:6]}<b></b>-{NUMBER[6:]}</p>")  # only the parsed text joins it
    changed = "metoder/ips-supported-employment/index.html"
    other = next(p for p in sorted(site.glob("projekt/*/index.html")) if p.parent.name != SLUG)
    expected = scan(site, site_src)
    assert {f.published for f in expected} == {PAGE}
    plant_html(site, changed, f"<p>&#{ord(NUMBER[0])};{NUMBER[1:6]}-{NUMBER[6:]}</p>")
    handed = {PAGE: (site / PAGE).read_text("utf-8"), other.relative_to(site).as_posix(): other.read_text("utf-8"),
              changed: "<p>ett tidigare utkast</p>"}  # written differently after the hand-over
    expected = scan(site, site_src)
    assert {f.published for f in expected} == {PAGE, changed}
    setup = GateWorkers.setup(site_src, site_src / "docs", site_src / "mkdocs.yml")
    pool = worker_pool.start([setup], workers=2)
    try:
        gate = GateWorkers(pool, *setup[1])
        for published, html in handed.items():
            gate.page(published, html)
        found = gate.scan(site, publish_gate.CleanFiles(None))
        assert len(gate.read) == 3, "the pages were read by the workers"
    finally:
        pool.shutdown()
    assert found == expected


@pytest.mark.parametrize("pool_state", ["igång", "stängd"])
def test_pages_handed_to_the_workers_are_published_as_the_page_cache_files(site_src, tmp_path, pool_state):
    """A worker stores each page it reads in the page cache and publishes it
    as that very file, readable as the engine's own files are; a pool that
    cannot take a batch leaves it to this process, so no page is lost."""
    import os

    from metodbank import worker_pool
    from metodbank.gate_workers import BATCH_PAGES, GateWorkers

    setup = GateWorkers.setup(site_src, site_src / "docs", site_src / "mkdocs.yml")
    pool = worker_pool.start([setup], workers=1)
    assert pool is not None
    if pool_state == "stängd":
        pool.shutdown()
    pages = {f"projekt/p{i}/index.html": f"<p>Sida {i} – å ä ö</p>" for i in range(BATCH_PAGES + 3)}
    handed = []
    try:
        gate = GateWorkers(pool, *setup[1])
        for number, (published, html) in enumerate(pages.items()):
            if gate.page(published, html, tmp_path / "cache" / f"{number}.html", tmp_path / "site" / published):
                handed.append((number, published))
        gate.publish()
    finally:
        pool.shutdown()
    assert len(handed) >= BATCH_PAGES  # a shut pool is noticed at the first batch
    mask = os.umask(0o022)
    os.umask(mask)
    for number, published in handed:
        site_file, cache_file = tmp_path / "site" / published, tmp_path / "cache" / f"{number}.html"
        assert site_file.read_text("utf-8") == pages[published]
        assert os.path.samefile(site_file, cache_file)
        assert site_file.stat().st_mode & 0o777 == 0o666 & ~mask


def test_batches_the_workers_have_written_are_not_held_until_the_end(site_src, tmp_path):
    """Each batch's bytes are kept only while its worker is busy with it:
    held to the build's end, every page of the site would sit in memory."""
    import time

    from metodbank import worker_pool
    from metodbank.gate_workers import BATCH_PAGES, GateWorkers

    setup = GateWorkers.setup(site_src, site_src / "docs", site_src / "mkdocs.yml")
    pool = worker_pool.start([setup], workers=1)
    assert pool is not None
    try:
        gate = GateWorkers(pool, *setup[1])
        batches = 6
        for number in range(batches * BATCH_PAGES):
            gate.page(f"projekt/p{number}/index.html", f"<p>Sida {number}</p>", tmp_path / "cache" / f"{number}.html",
                      tmp_path / "site" / f"p{number}.html")
            if number % BATCH_PAGES == BATCH_PAGES - 1:
                future = gate._pending[-1][0]
                future.result(timeout=60)  # the worker is done with this batch
                time.sleep(0.01)
        assert len(gate._pending) <= 1, "batches already written are still held"
        gate.publish()
        assert not gate._pending
    finally:
        pool.shutdown()
    assert len(list((tmp_path / "site").iterdir())) == batches * BATCH_PAGES


@pytest.mark.parametrize("pool_state", ["igång", "stängd"])
def test_a_batch_that_could_not_be_written_fails_at_the_end_not_mid_render(site_src, tmp_path, pool_state):
    """A worker that cannot write a batch (a full disk, a file where a folder
    should be), or a pool that cannot take it, leaves it to the end: there
    the build turns a write error into its own message (``pages_published``),
    instead of a traceback blamed on whichever page the engine happened to
    be rendering."""
    import time

    from metodbank import worker_pool
    from metodbank.gate_workers import BATCH_PAGES, GateWorkers

    (tmp_path / "fil").write_text("en fil, ingen mapp", "utf-8")
    setup = GateWorkers.setup(site_src, site_src / "docs", site_src / "mkdocs.yml")
    pool = worker_pool.start([setup], workers=1)
    assert pool is not None
    if pool_state == "stängd":
        pool.shutdown()
    try:
        gate = GateWorkers(pool, *setup[1])
        for number in range(BATCH_PAGES):  # under a file: cannot be written, by the worker or here
            gate.page(f"projekt/p{number}/index.html", "<p>Sida</p>", None, tmp_path / "fil" / f"{number}.html")
        gate._pending[-1][0].exception(timeout=60)
        time.sleep(0.05)
        for number in range(BATCH_PAGES, 2 * BATCH_PAGES):  # fine: handed over without an error here
            gate.page(f"projekt/p{number}/index.html", "<p>Sida</p>", None, tmp_path / "site" / f"{number}.html")
        with pytest.raises(OSError):
            gate.publish()
    finally:
        pool.shutdown()
