"""Two site engines, one site.

MkDocs 1.6.1 is MkDocs's last release. ProperDocs (a maintained fork of
MkDocs 1.x, pinned in constraints-properdocs.txt and installed by
``make properdocs`` – a prerequisite of ``make test`` – into
``.venv-properdocs``) runs our plugin and mkdocs-material unchanged. Here the
example bank is built with both engines, one after the other from the same
copy of the bank, each from scratch (no ``.cache``), and every file of the two
sites is compared. The allowed differences:

* every HTML page: the ``<meta name="generator">`` tag names the engine.

Everything else must be byte for byte the same, the report PDFs (made from
each engine's own pages, two cold builds) included, and sitemap.xml and
sitemap.xml.gz: they carry the build date (the gzip header's mtime, and
``<lastmod>`` when a site_url is set), so both builds get the same
SOURCE_DATE_EPOCH, which both engines honour.

There is no skip: a missing ``.venv-properdocs`` fails (``make test`` creates
it; if the registry refuses ProperDocs, ``make test`` stops before pytest).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from repo_helpers import MKDOCS, REPO, copy_bank

pytestmark = pytest.mark.build

PROPERDOCS_VENV = REPO / ".venv-properdocs"
PROPERDOCS = PROPERDOCS_VENV / "bin" / "properdocs"

CONTENT_FOLDERS = ("projekt", "metoder", "systemfel")

#: Any fixed time: it only has to be the same for both builds (see the module docstring).
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def pinned(constraints: str, package: str) -> str:
    """The version of ``package`` pinned in ``constraints`` (a file in the repository)."""
    for line in (REPO / constraints).read_text("utf-8").splitlines():
        name, _, version = line.partition("==")
        if version and name.strip().lower().replace("_", "-") == package:
            return version.strip()
    raise AssertionError(f"{package} är inte låst i {constraints}")


def build_env() -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
               # Whoosh pickles its stop-word frozenset into the index's table of
               # contents, in hash order: the same seed gives the same bytes.
               PYTHONHASHSEED="0")
    # Today's date matters too ("Behöver uppdateras"): the two builds would
    # differ only if midnight fell between them, a few seconds a day.
    return env


def site_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def compare_sites(first: Path, second: Path) -> tuple[list[str], list[str]]:
    """(unexplained differences, allowed differences) between two sites."""
    files_a, files_b = site_files(first), site_files(second)
    problems = [f"bara i {first.name}: {name}" for name in sorted(files_a.keys() - files_b.keys())]
    problems += [f"bara i {second.name}: {name}" for name in sorted(files_b.keys() - files_a.keys())]
    allowed = []
    for name in sorted(files_a.keys() & files_b.keys()):
        a, b = files_a[name].read_bytes(), files_b[name].read_bytes()
        if a == b:
            continue
        if name.endswith(".html"):
            if len(GENERATOR.findall(a)) == 1 and GENERATOR.sub(b"", a) == GENERATOR.sub(b"", b):
                allowed.append(f"{name}: generator-taggen")
                continue
        problems.append(f"skiljer sig: {name}")
    return problems, allowed


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The example bank built with both engines, as {engine: site}.

    One after the other: two builds at once from two copies, measured on two
    cores, took no less time than two in a row (5.9–6.6 s against 5.6–6.3 s)
    and would need a copy each."""
    if not PROPERDOCS.exists():
        pytest.fail(f"ProperDocs saknas ({PROPERDOCS.relative_to(REPO)}): kör 'make properdocs' "
                    "(make test och make install gör det själva)")
    root = tmp_path_factory.mktemp("motorer")
    # One copy, so that the search index's fingerprint of the bank's files
    # (paths and modification times, see search/fresh.py) is the same.
    bank = copy_bank(root / "bank")
    sites = {}
    for name, engine in {"mkdocs": MKDOCS, "properdocs": PROPERDOCS}.items():
        shutil.rmtree(bank / ".cache", ignore_errors=True)  # both build everything
        sites[name] = root / f"site-{name}"
        command = [str(engine), "build", "--strict", "-f", str(bank / "mkdocs.yml"), "-d", str(sites[name])]
        started = time.monotonic()
        proc = subprocess.run(command, cwd=bank, env=build_env(), capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            pytest.fail(f"{name} build --strict misslyckades (kod {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        print(f"{name}: {time.monotonic() - started:.1f} s")
    return sites


def test_both_engines_publish_every_page(sites):
    """Not two empty sites: every content file has its page in both (Zensical
    0.0.x, for one, drops the plugin without a word and publishes 5 pages)."""
    for name, site in sites.items():
        for folder in CONTENT_FOLDERS:
            for source in sorted((REPO / folder).glob("*.md")):
                page = site / folder / source.stem / "index.html"
                assert page.is_file(), f"{name}: {folder}/{source.stem}/ byggdes inte"
        assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file(), name
        # The report PDFs, made from each engine's pages: compared byte for byte below.
        reports = 1 + len(list((REPO / "systemfel").glob("*.md")))
        assert len(list(site.rglob("*.pdf"))) == reports, name


def test_the_sites_are_identical_but_for_the_generator(sites):
    problems, allowed = compare_sites(sites["mkdocs"], sites["properdocs"])
    assert not problems, "MkDocs och ProperDocs byggde olika webbplatser:\n" + "\n".join(problems)
    print("tillåtna skillnader:", *allowed, sep="\n  ")


def test_the_comparison_catches_what_it_should(sites, tmp_path):
    """Only the tag is forgiven: a changed byte anywhere else is a difference."""
    page = (sites["mkdocs"] / "index.html").read_bytes()
    a, b = tmp_path / "a", tmp_path / "b"
    for site in (a, b):
        site.mkdir()
        (site / "lika.html").write_bytes(page)
        (site / "tagg.html").write_bytes(page)
        (site / "text.html").write_bytes(page)
    (b / "tagg.html").write_bytes(GENERATOR.sub(b'<meta name="generator" content="annan">', page))
    (b / "text.html").write_bytes(GENERATOR.sub(b'<meta name="generator" content="annan">', page)
                                  .replace(b"Metodbanken", b"Metodbanke", 1))
    (b / "extra.css").write_text("", "utf-8")
    assert compare_sites(a, b)[0] == ["bara i b: extra.css", "skiljer sig: text.html"]
    assert compare_sites(a, b)[1] == ["tagg.html: generator-taggen"]


def test_the_generator_tags_name_the_pinned_engines(sites):
    """Also shows that ProperDocs, not an MkDocs beside it in its venv, built the second site."""
    material = pinned("constraints.txt", "mkdocs-material")
    expected = {
        "mkdocs": f"mkdocs-{pinned('constraints.txt', 'mkdocs')}, mkdocs-material-{material}",
        "properdocs": f"mkdocs-ProperDocs {pinned('constraints-properdocs.txt', 'properdocs')}, "
                      f"mkdocs-material-{material}",
    }
    for name, site in sites.items():
        for page in sorted(site.rglob("*.html")):
            tags = GENERATOR.findall(page.read_bytes())
            assert [t.decode() for t in tags] == [expected[name]], f"{name}: {page.relative_to(site)}"


def test_the_pull_request_workflow_builds_with_both_engines():
    data = yaml.safe_load((REPO / ".github" / "workflows" / "kontroll.yml").read_text("utf-8"))
    runs = "\n".join(step.get("run", "") for job in data["jobs"].values() for step in job["steps"])
    assert ".venv/bin/mkdocs build --strict" in runs
    assert ".venv-properdocs/bin/properdocs build --strict" in runs
