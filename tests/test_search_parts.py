"""The browser search index in parts (issue 6): a large bank's Pagefind index
is built as several bundles that the browser merges. Forcing parts on the
example bank (``sokdel_sidor: 5``) must find every hit and filter count of
the one-part site, and a rebuild after one changed project must index only the
part that project is in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from metodbank.settings import DEFAULT_SOKDEL_SIDOR
from metodbank.site.pagefind import index as pi
from repo_helpers import MKDOCS
from site_helpers import copy_inputs, parse_html, run_build
from browser_helpers import serve

PER_PART = 5


# --------------------------------------------------------------------------
# Which Pagefind runs (no build)

def test_the_build_runs_the_pagefind_binary_whose_version_keys_the_cache():
    """The parts are run by Pagefind's binary itself (not through Python's
    start-up); it is the version the cache keys name, so a new Pagefind
    indexes every part again."""
    import importlib.metadata

    command = pi._pagefind_command()
    assert Path(command[0]).name.startswith("pagefind") and os.access(command[0], os.X_OK)
    shown = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["pagefind", importlib.metadata.version("pagefind")]


# --------------------------------------------------------------------------
# How pages are split (no build)

def test_part_count_is_a_power_of_two_that_covers_the_pages():
    assert pi.shard_count(0, 1000) == 1
    assert pi.shard_count(1000, 1000) == 1
    assert pi.shard_count(1001, 1000) == 2
    assert pi.shard_count(5250, 1000) == 8
    assert pi.shard_count(10500, 1000) == 16
    assert pi.shard_count(5250, DEFAULT_SOKDEL_SIDOR) == 8  # the default: a one-file rebuild re-indexes 1/8
    for items in range(1, 3000, 37):
        count = pi.shard_count(items, 100)
        assert count & (count - 1) == 0 and count * 100 >= items


def test_pages_are_split_stably_and_evenly():
    paths = [f"projekt/p-{n}/index.html" for n in range(4000)]
    first = [pi.shard_of(p, 8) for p in paths]
    assert first == [pi.shard_of(p, 8) for p in paths]  # same answer every time
    sizes = Counter(first)
    assert set(sizes) == set(range(8))
    assert max(sizes.values()) < 1.2 * 4000 / 8 and min(sizes.values()) > 0.8 * 4000 / 8
    assert all(pi.shard_of(p, 1) == 0 for p in paths[:50])


# --------------------------------------------------------------------------
# A parted build of the example bank

def _with_parts(root: Path, per_part: int) -> Path:
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "  - metodbank:\n" in text
    config.write_text(text.replace("  - metodbank:\n", f"  - metodbank:\n      sokdel_sidor: {per_part}\n", 1), "utf-8")
    return root


@pytest.fixture(scope="module")
def parted(tmp_path_factory):
    src = _with_parts(copy_inputs(tmp_path_factory.mktemp("delad") / "src"), PER_PART)
    site = tmp_path_factory.mktemp("delad-site") / "site"
    run_build(src, site)
    return src, site


def _expected_parts(content) -> int:
    return pi.shard_count(sum(len(content[k]) for k in ("projekt", "metoder", "systemfel")), PER_PART)


def test_every_part_is_published_and_named_on_the_search_page(parted, content):
    _src, site = parted
    parts = _expected_parts(content)
    assert parts >= 4
    box = parse_html(site / "sok" / "index.html").find("div", id="mb-sok")
    assert box.attrs["data-bundle"] == "../pagefind/"
    merged = box.attrs["data-merge"].split()
    assert merged == [f"../pagefind/del-{k}/" for k in range(1, parts)]
    for k in range(parts):
        bundle = site / pi.bundle_dir(k)
        entry = json.loads((bundle / "pagefind-entry.json").read_text())
        assert "sv" in entry["languages"], k
        assert entry["languages"]["sv"]["page_count"] > 0, f"del {k} är tom"


def _merged_answers(page, root, bundles):
    return page.evaluate(
        """async ([root, bundles]) => {
        const pf = await import(root + bundles[0] + 'pagefind.js');
        await pf.options({basePath: root + bundles[0], baseUrl: root});
        for (const b of bundles.slice(1)) await pf.mergeIndex(root + b, {baseUrl: root});
        const filters = await pf.filters();
        const answers = {};
        for (const q of ['arbetsträningen', 'nyanländas', 'coachning', 'IPS', 'sekretess']) {
            const found = await pf.search(q);
            answers[q] = (await Promise.all(found.results.map(async r => new URL((await r.data()).url, location.href).pathname)));
        }
        return {filters, answers};
    }""",
        [root, bundles],
    )


def test_merged_parts_find_every_hit_of_one_index(parted, content, browser, site_server):
    _src, site = parted
    bundles = pi.bundle_dirs(_expected_parts(content))
    with serve(site) as url:
        merged = browser.page(url + "sok/", _merged_answers, url, bundles)
    single = browser.page(site_server + "sok/", _merged_answers, site_server, ["pagefind/"])
    assert merged["filters"]["Typ"]["Projekt"] == len(content["projekt"])
    assert merged["filters"] == single["filters"]
    for query, urls in single["answers"].items():
        assert urls, f"'{query}' ska ge träffar i exempelbanken"
        # Every hit of the one index is found. A part that lacks the word
        # altogether falls back to shorter prefixes (Pagefind does that per
        # index: "coachning" → "coachen"), so with parts of five pages the
        # merged list is longer; with parts of a thousand pages a word
        # missing from a whole part is rare.
        assert set(urls) <= set(merged["answers"][query]), (query, set(urls) - set(merged["answers"][query]))


def _search_box(page, query):
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "Enter")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(500)
    while page.locator("button.pagefind-ui__button").count():  # "Ladda fler resultat"
        page.click("button.pagefind-ui__button")
        page.wait_for_timeout(300)
    return sorted(a for a in page.eval_on_selector_all(".pagefind-ui__result-link",
                                                       "els => els.map(e => new URL(e.href).pathname)"))


def test_search_page_merges_the_parts(parted, content, browser):
    _src, site = parted
    wanted = {f"/projekt/{slug}/" for slug, meta in content["projekt"].items()
              if "nyanlanda" in meta["målgrupp"]}
    with serve(site) as url:
        found = browser.page(url, _search_box, "nyanländas")
    # Projects for nyanlända sit in different parts; the page must reach them all.
    parts = _expected_parts(content)
    assert len({pi.shard_of(p.strip("/") + "/index.html", parts) for p in wanted}) > 1
    assert wanted <= set(found), found


def _build_counting_parts(src: Path, site: Path) -> dict:
    """Build ``src`` into ``site``; the build's own count of its search parts."""
    env = dict(os.environ, METODBANK_TIMINGS="1", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([str(MKDOCS), "build", "-q", "-f", str(src / "mkdocs.yml"), "-d", str(site)],
                          cwd=src, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stderr.splitlines() if l.startswith("metodbank-tider: "))
    return json.loads(line.split(": ", 1)[1])["antal"]["pagefind"]


def test_one_changed_project_reindexes_one_part(tmp_path, content):
    src = _with_parts(copy_inputs(tmp_path / "src"), PER_PART)
    site = tmp_path / "site"
    build = lambda: _build_counting_parts(src, site)  # noqa: E731

    parts = _expected_parts(content)
    cold = build()
    assert (cold["parts"], cold["indexed"], cold["cached"]) == (parts, parts, 0)
    before = {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}

    slug = sorted(content["projekt"])[0]
    path = src / "projekt" / f"{slug}.md"
    path.write_text(path.read_text("utf-8") + "\nEtt tillägg om blåbärsplockning.\n", "utf-8")
    warm = build()
    assert (warm["indexed"], warm["cached"]) == (1, parts - 1)

    changed_part = pi.shard_of(f"projekt/{slug}/index.html", parts)
    after = {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed, "den ändrade delen ska skrivas om"
    rel = [p.relative_to(site / "pagefind").parts for p in changed]
    in_part = [r[0] == f"del-{changed_part}" if changed_part else not r[0].startswith("del-") for r in rel]
    assert all(in_part), sorted("/".join(r) for r in rel)
    # The new word is searchable in the published bundle (its fragment holds it).
    assert any(re.search(rb"bl\xc3\xa5b\xc3\xa4r", _gunzip(after[p])) for p in changed if p in after and p.suffix == ".pf_fragment")


def test_a_retitled_project_reindexes_its_own_part_only(tmp_path, content):
    """A project's title is shown on the pages of the system errors it
    observed and of the methods it left lessons for; those links are kept
    out of their search documents, so that searching the title lands on the
    project's own page, and retitling it re-indexes that page's part alone
    (it re-indexed five of eight parts at 5,000 projects)."""
    src = _with_parts(copy_inputs(tmp_path / "src"), PER_PART)
    site = tmp_path / "site"
    build = lambda: _build_counting_parts(src, site)  # noqa: E731

    parts = _expected_parts(content)
    own = lambda slug: pi.shard_of(f"projekt/{slug}/index.html", parts)  # noqa: E731
    # A project whose title a system error's page in another part shows.
    slug = next(slug for slug, meta in sorted(content["projekt"].items())
                if any(pi.shard_of(f"systemfel/{o['id']}/index.html", parts) != own(slug)
                       for o in meta.get("systemfel") or []))
    observed = [o["id"] for o in content["projekt"][slug]["systemfel"]]
    build()
    path = src / "projekt" / f"{slug}.md"
    text = path.read_text("utf-8")
    title = content["projekt"][slug]["titel"]
    assert f"titel: {title}\n" in text
    path.write_text(text.replace(f"titel: {title}\n", "titel: Blåbärsprojektet i Skogsby\n", 1), "utf-8")
    warm = build()
    assert (warm["indexed"], warm["cached"]) == (1, parts - 1)
    # The system error's page still links the project by its new title; only its search document leaves it out.
    page = (site / "systemfel" / observed[0] / "index.html").read_text("utf-8")
    assert re.search(r'<a href="[^"]*projekt/' + re.escape(slug) + r'/" data-pagefind-ignore>Blåbärsprojektet i Skogsby</a>',
                     page), page[-3000:]


def test_staged_documents_leave_out_what_pagefind_ignores():
    from metodbank.site.pagefind.marking import without_ignored

    html = ('<p>kvar</p><div data-pagefind-ignore><div>inre</div><h2 id="x">Rubrik</h2></div><p>också kvar</p>'
            '<table class="mb-tabell" data-pagefind-ignore><tr><td><table><tr><td>i</td></tr></table></td></tr></table>'
            '<td><a href="../p/" data-pagefind-ignore>Projektets titel</a></td><img data-pagefind-ignore src="x">'
            '<p data-pagefind-ignored>en annan attribut</p><p>slut</p>')
    assert without_ignored(html) == ('<p>kvar</p><p>också kvar</p><td></td>'
                                     '<p data-pagefind-ignored>en annan attribut</p><p>slut</p>')
    # The name inside an attribute's value (an author's link title) is text, not the attribute.
    titled = '<p>Se <a href="https://e.org/h" title="se data-pagefind-ignore">handboken</a> här.</p>'
    assert without_ignored(titled) == titled
    assert without_ignored('<a data-pagefind-ignore="all" title="a>b">z</a>kvar') == "kvar"
    # Nothing to leave out, or an element never closed: the text as it is.
    assert without_ignored("<p>a</p>") == "<p>a</p>"
    assert without_ignored("<p>a</p><div data-pagefind-ignore><p>b</p>") == "<p>a</p><div data-pagefind-ignore><p>b</p>"


def _gunzip(data: bytes) -> bytes:
    import gzip

    try:
        return gzip.decompress(data)
    except OSError:
        return data


def test_a_page_after_its_part_was_indexed_is_an_error_not_a_silent_loss(tmp_path):
    index = pi.PartedIndex(tmp_path / "pf", 1, ["a/index.html"])
    index.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1><p>arbete</p></div>")
    for _ in range(400):  # the background run releases the documents when done
        if index.parts[0].released:
            break
        time.sleep(0.05)
    assert index.parts[0].released and not index.parts[0].documents
    with pytest.raises(pi.PagefindError, match="a/index.html"):
        index.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1></div>")
    report = index.finish(tmp_path / "site")
    assert report.pages == 1 and (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()


def _bundle(site) -> dict[str, bytes]:
    root = site / "pagefind"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kept", [True, False], ids=["sparade dokument", "dokument gjorda igen"])
def test_pages_known_by_digest_index_as_the_pages_themselves(tmp_path, kept):
    """A page the engine did not render again is staged by the digest of its
    last document (``add_known``); if its part must be indexed again, its
    document comes from the part's kept documents or is made again. Either
    way the part is the one a build staging every page makes."""
    pages = {f"p{n}/index.html": (f"P{n}", f"<div data-pagefind-body><h1>P{n}</h1><p>arbete nummer {n}</p></div>")
             for n in range(6)}
    changed = "p3/index.html"
    edited = dict(pages, **{changed: ("P3", "<div data-pagefind-body><h1>P3</h1><p>omskrivet arbete</p></div>")})

    first = pi.PartedIndex(tmp_path / "pf", 1, pages)
    digests = {path: first.add(path, title, html) for path, (title, html) in pages.items()}
    first.finish(tmp_path / "site-1")
    if not kept:
        (tmp_path / "pf" / "dok-0.pickle").unlink()

    made = []
    warm = pi.PartedIndex(tmp_path / "pf", 1, edited)
    for path, (title, html) in edited.items():
        if path == changed:
            warm.add(path, title, html)
        else:
            warm.add_known(path, digests[path],
                           lambda t=title, h=html, p=path: made.append(p) or warm.document(t, h))
    report = warm.finish(tmp_path / "site-warm")
    assert report.indexed == 1 and report.pages == len(pages)
    assert (made == []) == kept

    cold = pi.PartedIndex(tmp_path / "pf-kall", 1, edited)
    for path, (title, html) in edited.items():
        cold.add(path, title, html)
    cold.finish(tmp_path / "site-kall")
    assert _bundle(tmp_path / "site-warm") == _bundle(tmp_path / "site-kall")


def test_a_known_page_whose_document_changed_is_an_error_not_a_wrong_index(tmp_path):
    """The digest an earlier build recorded must name the document made now:
    otherwise the part would be kept under a digest that lies."""
    index = pi.PartedIndex(tmp_path / "pf", 1, ["a/index.html"])
    index.add_known("a/index.html", "0" * 64,
                    lambda: index.document("A", "<div data-pagefind-body><p>arbete</p></div>"))
    with pytest.raises(pi.PagefindError, match="a/index.html"):
        index.finish(tmp_path / "site")


# --------------------------------------------------------------------------
# The runs at the end of a build (no build)

def _pages(count: int, word: str = "arbete") -> dict[str, tuple[str, str]]:
    return {f"p{n}/index.html": (f"P{n}", f"<div data-pagefind-body><h1>P{n}</h1><p>{word} nummer {n}</p></div>")
            for n in range(count)}


def _recording_runs(monkeypatch, hold_first: "threading.Event | None" = None) -> list[tuple[float, float]]:
    """Pagefind's runs as (start, end) times; with ``hold_first``, the first
    run waits for it before Pagefind starts."""
    runs: list[tuple[float, float]] = []
    real = pi._run

    def recorded(command):
        if hold_first is not None and not runs and not hold_first.is_set():
            runs.append((time.perf_counter(), float("inf")))
            hold_first.wait(30)
            found = real(command)
            runs[0] = (runs[0][0], time.perf_counter())
            return found
        started = time.perf_counter()
        found = real(command)
        runs.append((started, time.perf_counter()))
        return found

    monkeypatch.setattr(pi, "_run", recorded)
    return runs


def test_parts_left_at_the_end_are_indexed_two_at_a_time_as_one_run_would(tmp_path, monkeypatch):
    """Once the engine is done, the parts still waiting are indexed by two
    Pagefind runs side by side (the build waited for them one by one, a
    core idle), and the bundles are those one run makes."""
    pages = _pages(24)
    runs = _recording_runs(monkeypatch)
    # No page expected: every part waits for close(), as parts still queued when the engine ends.
    index = pi.PartedIndex(tmp_path / "pf", 4, [])
    for path, (title, html) in pages.items():
        index.add(path, title, html)
    report = index.finish(tmp_path / "site")
    assert len(index.runs) == 2 and report.indexed == 4 and report.pages == 24
    assert len(runs) == 4
    assert any(a[0] < b[1] and b[0] < a[1] for a in runs for b in runs if a is not b), runs
    assert report.cpu_seconds > 0

    monkeypatch.setattr(pi, "_END_RUNS", 1)
    alone = pi.PartedIndex(tmp_path / "pf-ensam", 4, [])
    for path, (title, html) in pages.items():
        alone.add(path, title, html)
    alone.finish(tmp_path / "site-ensam")
    assert len(alone.runs) == 1
    assert _bundle(tmp_path / "site") == _bundle(tmp_path / "site-ensam")


def test_a_part_submitted_again_is_indexed_for_its_latest_pages_only(tmp_path, monkeypatch):
    """A page a part did not expect, arriving while the part is being
    indexed, has the part indexed again at the end. With two runs the second
    submission must neither run beside the first (one staging folder per
    part) nor be replaced by it when the first ends later."""
    release = threading.Event()
    runs = _recording_runs(monkeypatch, hold_first=release)
    index = pi.PartedIndex(tmp_path / "pf", 1, ["a/index.html"])
    index.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1><p>arbete</p></div>")
    for _ in range(400):  # the first run has taken the part and waits to start Pagefind
        if runs:
            break
        time.sleep(0.01)
    assert runs
    index.add("b/index.html", "B", "<div data-pagefind-body><h1>B</h1><p>studier</p></div>")
    index.close()  # the part submitted again
    time.sleep(0.3)
    release.set()
    report = index.finish(tmp_path / "site")
    assert report.pages == 2

    cold = pi.PartedIndex(tmp_path / "pf-kall", 1, ["a/index.html", "b/index.html"])
    cold.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1><p>arbete</p></div>")
    cold.add("b/index.html", "B", "<div data-pagefind-body><h1>B</h1><p>studier</p></div>")
    cold.finish(tmp_path / "site-kall")
    assert _bundle(tmp_path / "site") == _bundle(tmp_path / "site-kall")


class _FirstComesLast:
    """A part's lock that the first run to ask for it gets only after the
    second run has let it go: the order a run could meet if it took the
    part's first submission from the queue and then lost the processor."""

    def __init__(self):
        self.inner = threading.Lock()
        self.asked = 0
        self.second_done = threading.Event()

    def __enter__(self):
        self.asked += 1
        if self.asked == 1:
            self.second_done.wait(30)
        self.inner.acquire()

    def __exit__(self, *exc):
        self.inner.release()
        if self.asked >= 2:
            self.second_done.set()

    def locked(self) -> bool:
        return self.inner.locked()


def test_an_older_submission_never_replaces_a_newer_one(tmp_path):
    index = pi.PartedIndex(tmp_path / "pf", 1, ["a/index.html"])
    index.parts[0].lock = _FirstComesLast()
    index.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1><p>arbete</p></div>")
    for _ in range(400):  # the first run holds the first submission, waiting for the lock
        if index.parts[0].lock.asked:
            break
        time.sleep(0.01)
    index.add("b/index.html", "B", "<div data-pagefind-body><h1>B</h1><p>studier</p></div>")
    report = index.finish(tmp_path / "site")  # the second run indexes a and b, then the first gets the part
    assert report.pages == 2 and index.parts[0].lock.asked == 2

    cold = pi.PartedIndex(tmp_path / "pf-kall", 1, ["a/index.html", "b/index.html"])
    cold.add("a/index.html", "A", "<div data-pagefind-body><h1>A</h1><p>arbete</p></div>")
    cold.add("b/index.html", "B", "<div data-pagefind-body><h1>B</h1><p>studier</p></div>")
    cold.finish(tmp_path / "site-kall")
    assert _bundle(tmp_path / "site") == _bundle(tmp_path / "site-kall")
