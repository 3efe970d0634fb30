"""The incremental build: a rebuild with the caches of an earlier build
publishes exactly what a build from nothing publishes, and renders only the
pages whose inputs changed.

For each kind of edit — a body, a title, a metod reference, a vocabulary
label, another setting in mkdocs.yml, a theme template, the report PDFs
switched off — a bank whose caches are warm is edited and rebuilt, the same
edited bank is built again from nothing, and the two sites are compared byte
for byte, the reports' PDFs included. Both builds get the same
SOURCE_DATE_EPOCH (the sitemap's gzip header carries the build date). The
page cache's own count of pages rendered again is checked too, and the PDF
cache's: a PDF is made again only when its report page changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from repo_helpers import MKDOCS, REPO, copy_bank

pytestmark = pytest.mark.build

SOURCE_DATE_EPOCH = "1767225600"  # any fixed time, the same for both builds
TIMINGS = re.compile(r"^metodbank-tider: (.*)$", re.MULTILINE)


# With an address, the sitemap lists every page and each page names its
# canonical URL: the comparison covers both.
SITE_URL = "https://metodbank.exempel.se/"


def build(bank: Path, site: Path, counts: str | None = "sidcache", *extra: str, env: dict | None = None) -> dict:
    """Build ``bank`` into ``site``; returns a cache's counts (the page cache's by default; None: all)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, METODBANK_TIMINGS="1",
               SITE_URL=SITE_URL, **(env or {}))
    # MkDocs warns of every --dirty build: such a build cannot also be --strict.
    strict = [] if "--dirty" in extra else ["--strict"]
    proc = subprocess.run([str(MKDOCS), "build", *strict, "-f", str(bank / "mkdocs.yml"), "-d", str(site), *extra],
                          cwd=bank, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(TIMINGS.search(proc.stderr).group(1))
    return report["antal"][counts] if counts else report["antal"]


def differences(first: Path, second: Path) -> list[str]:
    a = {p.relative_to(first).as_posix(): p for p in first.rglob("*") if p.is_file()}
    b = {p.relative_to(second).as_posix(): p for p in second.rglob("*") if p.is_file()}
    found = [f"bara i det varma bygget: {n}" for n in sorted(a.keys() - b.keys())]
    found += [f"bara i det kalla bygget: {n}" for n in sorted(b.keys() - a.keys())]
    found += [f"skiljer sig: {n}" for n in sorted(a.keys() & b.keys()) if a[n].read_bytes() != b[n].read_bytes()]
    # A page published from the cache is readable as one the engine wrote (a web server reads it as another user).
    found += [f"andra rättigheter: {n} ({a[n].stat().st_mode & 0o777:o}, {b[n].stat().st_mode & 0o777:o})"
              for n in sorted(a.keys() & b.keys()) if a[n].stat().st_mode & 0o777 != b[n].stat().st_mode & 0o777]
    return found


@pytest.fixture(scope="module")
def warm_bank(tmp_path_factory) -> Path:
    """The example bank with a theme override folder, built once: its .cache is warm."""
    bank = copy_bank(tmp_path_factory.mktemp("varm") / "bank")
    config = bank / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
                      "utf-8")
    (bank / "overrides").mkdir()
    (bank / "overrides" / "main.html").write_text('{% extends "base.html" %}\n', "utf-8")
    counts = build(bank, bank.parent / "site", counts=None)
    assert counts["sidcache"]["träffar"] == 0 and counts["sidcache"]["missar"] > 50
    assert counts["rapport_pdf"]["gjorda"] == REPORTS and counts["rapport_pdf"]["återanvända"] == 0
    return bank


#: The example bank's report PDFs: the whole index and one per systemfel.
REPORTS = 1 + len(list((REPO / "systemfel").glob("*.md")))


def pdfs(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.pdf"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _single_method_project(bank: Path) -> Path:
    for path in sorted((bank / "projekt").glob("*.md")):
        text = path.read_text("utf-8")
        if re.search(r"^metoder: \[[a-z0-9-]+\]$", text, re.MULTILINE) and "implementerad_hos" not in text:
            return path
    raise AssertionError("inget projekt med en metod och utan implementeringar")


EDITS = {
    # edit(bank) -> None; the most pages it may render again (None: any number)
    "brödtext": (lambda bank: _replace(sorted((bank / "projekt").glob("*.md"))[0], "\n## ",
                                       "\nEn ny mening i brödtexten.\n\n## "), 1),
    "titel": (lambda bank: _replace(sorted((bank / "projekt").glob("*.md"))[0], "titel: ", "titel: Omdöpt "),
              None),
    "metodreferens": (lambda bank: _replace(_single_method_project(bank), "metoder: [",
                                            "metoder: [motiverande-samtal, "), None),
    "vokabuläretikett": (lambda bank: _replace(bank / "mkdocs.yml", "      vokabular: {}",
                                               "      vokabular:\n        målgrupp:\n"
                                               "          unga-16-19: Unga mellan 16 och 19 år"), None),
    "mkdocs.yml": (lambda bank: _replace(bank / "mkdocs.yml", "copyright: ", "copyright: Uppdaterad. "), None),
    "mall": (lambda bank: (bank / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}<meta name="mb-test" content="1">{% endblock %}\n',
        "utf-8"), None),
    "rapport_pdf av": (lambda bank: _replace(bank / "mkdocs.yml", "      rapport_pdf: true\n",
                                             "      rapport_pdf: false\n"), None),
    # A hand-written page in the nav: its title is on every page.
    "handskriven sida": (lambda bank: _replace(bank / "docs" / "om.md", "# ", "# Mer "), None),
    # A method's title is on the pages of the projects that used it, and in other methods' "Liknande".
    "metodtitel": (lambda bank: _replace(bank / "metoder" / "motiverande-samtal.md", "titel: ", "titel: Omdöpt "),
                   None),
}
# Edits that leave every template's inputs alone: the last build's template
# outputs are used, and only the changed body is rendered.
TEMPLATES_REUSED = {"brödtext", "handskriven sida", "mall", "mkdocs.yml"}
# The PDFs each edit may make again (None: any number): a body is on no report.
PDFS_MADE = {"brödtext": 0, "rapport_pdf av": 0}
# Edits of one document's front-matter: every template runs again, but an item
# page whose own inputs are unchanged (site/inputs.py) takes its last output.
PAGES_REUSED = {"titel", "metodreferens", "metodtitel"}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_warm_rebuild_publishes_what_a_cold_build_does(warm_bank, tmp_path, name):
    edit, most = EDITS[name]
    warm = tmp_path / "varm"
    shutil.copytree(warm_bank, warm, symlinks=True)  # with its warm .cache
    # Into the last build's site, as `make site` builds: what stays in place must be right.
    shutil.copytree(warm_bank.parent / "site", tmp_path / "site-varm")
    edit(warm)
    everything = build(warm, tmp_path / "site-varm", counts=None)
    counts = everything["sidcache"]
    cold = tmp_path / "kall"
    shutil.copytree(warm, cold, ignore=shutil.ignore_patterns(".cache"))
    build(cold, tmp_path / "site-kall")
    assert differences(tmp_path / "site-varm", tmp_path / "site-kall") == []
    if most is not None:
        assert counts["missar"] <= most, counts
        # The pages that did not change never went through the site engine: published as the files they were.
        assert counts["färdiga"] >= counts["träffar"] - 20 > 30, counts
    assert (everything["sidmallar"] == "återanvända") == (name in TEMPLATES_REUSED), everything
    assert counts["träffar"] > 0 or name in ("mkdocs.yml", "mall", "vokabuläretikett", "rapport_pdf av",
                                             "handskriven sida"), counts
    # The comparison covered the PDFs (or, switched off, there are none and no page links one).
    site = tmp_path / "site-varm"
    if name == "rapport_pdf av":
        assert pdfs(site) == [] and everything.get("rapport_pdf", {}) == {}
        assert not [p for p in site.rglob("index.html") if "mb-pdf-rad" in p.read_text("utf-8")]
    else:
        assert len(pdfs(site)) == REPORTS
    if name in PDFS_MADE:
        assert everything.get("rapport_pdf", {}).get("gjorda", 0) == PDFS_MADE[name], everything
    reused = everything["sidmallar_sidor_återanvända"]
    if name in PAGES_REUSED:
        # Most item pages came from their last output, the changed ones not (the sites above are equal).
        items = sum(len(list((warm / kind).glob("*.md"))) for kind in ("projekt", "metoder", "systemfel"))
        assert items // 2 < reused < items, (reused, items)
    else:
        assert reused == 0, everything  # all outputs reused at once, or nothing (a shared input changed)


def test_an_unchanged_rebuild_renders_nothing_again(warm_bank, tmp_path):
    """Nor any body: every build runs in a new process with its own hash
    seed, so a key that depended on set order would never hit."""
    warm = tmp_path / "varm"
    shutil.copytree(warm_bank, warm, symlinks=True)
    everything = build(warm, tmp_path / "site", counts=None)
    counts = everything["sidcache"]
    assert counts["missar"] == 0 and counts["träffar"] > 50
    assert everything["rapport_pdf"]["gjorda"] == 0 and everything["rapport_pdf"]["återanvända"] == REPORTS
    bodies = build(warm, tmp_path / "site-2", counts="brödtextcache")
    assert bodies["missar"] == 0 and bodies["träffar"] > 30


def test_a_dirty_build_never_writes_through_to_the_cache(warm_bank, tmp_path):
    """Unchanged pages are hard links into the page cache. ``mkdocs build
    --dirty`` keeps the last site's files, and MkDocs writes a page into the
    file that is there: were that a link, the cache's copy would change too.
    A build that succeeds removes the old copies it did not use; one that
    fails (here the publish gate stops a personnummer in the description on
    every page) keeps them, and the next build would publish them."""
    bank = tmp_path / "varm"
    shutil.copytree(warm_bank, bank, symlinks=True)
    site = tmp_path / "site"
    assert build(bank, site)["färdiga"] > 30
    config = bank / "mkdocs.yml"
    original = config.read_text("utf-8")
    _replace(config, "site_description: ", "site_description: Kontakt 19811218-9876. ")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITE_URL=SITE_URL)
    stopped = subprocess.run([str(MKDOCS), "build", "--dirty", "-f", str(config), "-d", str(site)], cwd=bank, env=env,
                             capture_output=True, text=True, timeout=300)
    assert stopped.returncode != 0 and "personnummer" in stopped.stderr, stopped.stderr
    config.write_text(original, "utf-8")
    build(bank, tmp_path / "site-igen")
    cold = tmp_path / "kall"
    shutil.copytree(bank, cold, ignore=shutil.ignore_patterns(".cache"))
    build(cold, tmp_path / "site-kall")
    assert differences(tmp_path / "site-igen", tmp_path / "site-kall") == []


def test_a_link_to_a_page_taken_from_the_cache_is_an_ordinary_link(warm_bank, tmp_path):
    """A page taken from the cache is excluded from MkDocs' own pipeline
    only: a hand-written page that links to it gets a working link and no
    note that the target "is excluded from the built site"."""
    bank = tmp_path / "varm"
    shutil.copytree(warm_bank, bank, symlinks=True)
    project = sorted((bank / "projekt").glob("*.md"))[0]
    with open(bank / "docs" / "om.md", "a", encoding="utf-8") as page:
        page.write(f"\nSe till exempel [ett projekt](projekt/{project.name}).\n")
    build(bank, tmp_path / "site")  # a nav page changed: every page is rendered once
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITE_URL=SITE_URL,
               METODBANK_TIMINGS="1")
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(bank / "mkdocs.yml"), "-d",
                           str(tmp_path / "site")], cwd=bank, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(TIMINGS.search(proc.stderr).group(1))["antal"]["sidcache"]
    assert counts["färdiga"] > 30, counts
    assert "excluded from the built site" not in proc.stderr
    about = (tmp_path / "site" / "om" / "index.html").read_text("utf-8")
    assert f'href="../projekt/{project.stem}/"' in about
    assert (tmp_path / "site" / "projekt" / project.stem / "index.html").is_file()


def test_two_builds_at_once_share_the_cache_safely(warm_bank, tmp_path):
    """As when ``make serve`` is running and the user runs ``make site``: both
    builds succeed, and both publish what a build on its own publishes."""
    bank = tmp_path / "bank"
    shutil.copytree(warm_bank, bank, ignore=shutil.ignore_patterns(".cache"))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITE_URL=SITE_URL)
    procs = [subprocess.Popen([str(MKDOCS), "build", "--strict", "-f", str(bank / "mkdocs.yml"),
                               "-d", str(tmp_path / f"site-{n}")], cwd=bank, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for n in (1, 2)]
    outputs = [proc.communicate(timeout=300)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    alone = tmp_path / "ensam"
    shutil.copytree(bank, alone, ignore=shutil.ignore_patterns(".cache"))
    build(alone, tmp_path / "site-ensam")
    for n in (1, 2):
        assert differences(tmp_path / f"site-{n}", tmp_path / "site-ensam") == []


def test_the_checker_with_a_warm_cache_reports_what_a_cold_one_does(tmp_path):
    """``metodbank kontrollera`` reuses the build's content cache (one changed
    file is the only one parsed) and must report exactly what it reports
    without the cache, for the changed file and for the bank."""
    from checker_helpers import run_cli
    from metodbank.bank import load_bank

    bank = copy_bank(tmp_path / "bank")
    load_bank(bank, cache_dir=bank / ".cache" / "metodbank")  # as a build leaves it
    target = sorted((bank / "projekt").glob("*.md"))[0]
    target.write_text(target.read_text("utf-8").replace("status: ", "status: kanske-", 1), "utf-8")
    warm = [run_cli(bank, *args) for args in ((), (f"projekt/{target.name}",))]
    shutil.rmtree(bank / ".cache")
    cold = [run_cli(bank, *args) for args in ((), (f"projekt/{target.name}",))]
    assert warm == cold
    assert warm[0][0] == 1 and any("kanske-" in line for line in warm[1][1])


def test_a_cache_the_checker_saved_gives_the_build_every_document(tmp_path, monkeypatch):
    """The checker reads only the light half of the content cache (the
    problems); when it saves the cache, the documents of the files it did not
    parse must still be in it, and those of the files it did must be the new
    ones: the build then parses nothing and gets what a cold load gets."""
    from metodbank import bank as bank_module
    from metodbank.bank import load_bank

    bank = copy_bank(tmp_path / "bank")
    cache = bank / ".cache" / "metodbank"
    load_bank(bank, cache_dir=cache)  # as a build leaves it
    changed = sorted((bank / "projekt").glob("*.md"))[:3]
    for path in changed:
        _replace(path, "\n## ", "\nEn mening som bara finns efter kontrollen.\n\n## ")
    monkeypatch.setattr(bank_module, "FEW_CHANGED", 0)  # the checker saves even for three files
    checked = load_bank(bank, check_only=True, cache_dir=cache)
    assert checked.cache_misses == len(changed)

    warm = load_bank(bank, cache_dir=cache)
    assert (warm.cache_hits, warm.cache_misses) == (warm.files, 0)
    cold = load_bank(bank)
    for kind in ("projekt", "metoder", "systemfel"):
        assert warm.documents(kind).keys() == cold.documents(kind).keys()
        for slug, document in cold.documents(kind).items():
            assert (warm.documents(kind)[slug].meta, warm.documents(kind)[slug].body) == (document.meta, document.body)
    assert sum("bara finns efter kontrollen" in d.body for d in warm.documents("projekt").values()) == len(changed)


def test_a_rebuild_keeps_the_unchanged_pages_in_place_and_nothing_else(warm_bank, tmp_path):
    """A build into the folder of the last one leaves its unchanged pages
    where they are (emptying the folder and making a folder per page again
    was a fifth of a rebuild), removes every other file of the last build
    and, as MkDocs does, leaves hidden entries (a deployment's .git) alone."""
    bank = tmp_path / "varm"
    shutil.copytree(warm_bank, bank, symlinks=True)
    site = tmp_path / "site"
    build(bank, site)
    project = sorted((bank / "projekt").glob("*.md"))
    unchanged, edited = site / "projekt" / project[-1].stem, site / "projekt" / project[0].stem
    before = unchanged.stat().st_ino, edited.stat().st_ino
    (site / "gammal-sida").mkdir()
    (site / "gammal-sida" / "index.html").write_text("<p>från ett äldre bygge</p>", "utf-8")
    (site / "projekt" / "gammal.html").write_text("<p>från ett äldre bygge</p>", "utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", "utf-8")
    _replace(project[0], "\n## ", "\nEn ny mening i brödtexten.\n\n## ")

    counts = build(bank, site)
    assert counts["missar"] == 1 and counts["färdiga"] > 30, counts
    assert unchanged.stat().st_ino == before[0]  # the very folder: kept in place, not made again
    assert "En ny mening i brödtexten." in (edited / "index.html").read_text("utf-8")
    # The page rendered again was published by a worker as the page cache's
    # own file (the engine wrote nothing): the next build finds it in place.
    cached = [p for p in (bank / ".cache" / "metodbank" / "sidor").glob("*/*.html")
              if os.path.samefile(p, edited / "index.html")]
    assert len(cached) == 1 and (edited / "index.html").stat().st_nlink == 2
    assert not (site / "gammal-sida").exists() and not (site / "projekt" / "gammal.html").exists()
    assert (site / ".git" / "HEAD").read_text("utf-8") == "ref: refs/heads/gh-pages\n"
    assert not [p for p in site.iterdir() if p.name.startswith(".metodbank")]
    shutil.rmtree(site / ".git")
    cold = tmp_path / "kall"
    shutil.copytree(bank, cold, ignore=shutil.ignore_patterns(".cache"))
    build(cold, tmp_path / "site-kall")
    assert differences(site, tmp_path / "site-kall") == []


def test_a_few_changed_files_leave_the_content_cache_file_alone(tmp_path, monkeypatch):
    """Rewriting the whole content cache for one changed file cost more than
    parsing that file again: a run saves once more than a few are stale."""
    from metodbank import bank as bank_module
    from metodbank.bank import CACHE_FILE, load_bank

    bank = copy_bank(tmp_path / "bank")
    cache = bank / ".cache" / "metodbank"
    load_bank(bank, cache_dir=cache)
    written = (cache / CACHE_FILE).stat().st_mtime_ns
    target = sorted((bank / "projekt").glob("*.md"))[0]
    _replace(target, "\n## ", "\nEn mening till.\n\n## ")
    for _ in range(2):
        loaded = load_bank(bank, cache_dir=cache)
        assert loaded.cache_misses == 1 and (cache / CACHE_FILE).stat().st_mtime_ns == written
        assert "En mening till." in loaded.documents("projekt")[target.stem].body
    monkeypatch.setattr(bank_module, "FEW_CHANGED", 0)
    load_bank(bank, cache_dir=cache)
    assert (cache / CACHE_FILE).stat().st_mtime_ns != written
    assert load_bank(bank, cache_dir=cache).cache_misses == 0


def test_pages_outside_the_nav_share_one_drawing_of_it(tmp_path):
    """The theme's nav is drawn once for the pages outside it that see it
    from the same place (mkdocs_plugin/nav_memo.py): a cold build with the
    memo publishes exactly what one drawing every page's nav afresh does."""
    bank = copy_bank(tmp_path / "bank")
    items = sum(len(list((bank / folder).glob("*.md"))) for folder in ("projekt", "metoder", "systemfel"))
    memo = build(bank, tmp_path / "med", counts="navminne")
    # One drawing per place the item pages see the nav from; every other item page reuses one.
    assert 0 < memo["ritningar"] <= 8 and memo["återanvända"] >= items - memo["ritningar"]
    shutil.rmtree(bank / ".cache")
    counts = build(bank, tmp_path / "utan", counts=None, env={"METODBANK_NO_NAV_MEMO": "1"})
    assert "navminne" not in counts
    assert differences(tmp_path / "med", tmp_path / "utan") == []
    page = next((tmp_path / "med" / "projekt").glob("*/index.html")).read_text("utf-8")
    assert page.count('<nav class="md-nav md-nav--primary"') == 1 and 'href="../../metoder/"' in page


def test_a_rebuild_takes_the_theme_templates_compiled_from_the_cache(tmp_path, monkeypatch):
    """The engine makes a new Jinja environment per build, and compiled every
    theme template in each (0.4 s of a one-file rebuild, of each save in
    `make serve`): the compiled code is kept in the cache, by template source."""
    import contextlib

    import jinja2
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    bank = copy_bank(tmp_path / "bank")
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_template(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    sites = []
    for number in range(2):
        compiled.clear()
        site = tmp_path / f"site-{number}"
        with contextlib.chdir(bank):
            mkdocs_build(load_config(str(bank / "mkdocs.yml"), site_dir=str(site)))
        sites.append(site)
        if number == 0:
            first = set(compiled)
            assert {"main.html", "partials/header.html", "partials/nav.html"} <= first, compiled
    # Material's search plugin translates with an environment of its own, made before ours.
    again = [name for name in compiled if name in first and not name.startswith("partials/language")]
    assert again == [], f"compiled again: {again}"
    assert differences(*sites) == [], "the site differs when the templates come compiled"


def test_compiled_templates_are_not_taken_by_an_environment_that_calls_differently(tmp_path):
    """Jinja checks stored code against the source only, yet whether a filter
    receives the context is compiled in: code from one environment must not
    run in another that calls its filters differently. And a cache folder
    removed mid-build only means compiling again."""
    import shutil as sh

    import jinja2

    from metodbank.mkdocs_plugin import compiled_templates

    def environment(name: str, with_context: bool) -> jinja2.Environment:
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "sida.html").write_text("{{ 'a' | f }}", "utf-8")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / name)))
        env.filters["f"] = (jinja2.pass_context(lambda context, value: value + "-med")
                            if with_context else (lambda value: value + "-utan"))
        compiled_templates.install(env, tmp_path / "cache")
        return env

    assert environment("a", True).get_template("sida.html").render() == "a-med"
    assert any((tmp_path / "cache" / compiled_templates.FOLDER).iterdir()), "nothing was kept"
    # Same name, same source, another filter: compiled afresh rather than a TypeError.
    assert environment("a", False).get_template("sida.html").render() == "a-utan"
    env = environment("a", True)
    sh.rmtree(tmp_path / "cache")
    assert env.get_template("sida.html").render() == "a-med"
