"""The real site: ``mkdocs build --strict`` on the example bank (once per
session, see ``conftest.built_site``), then assertions on the produced
HTML, JSON and CSV.

Every expected number here is computed from the content files' front-matter
with ``yaml.safe_load`` (``site_helpers.load_content``), never with
``metodbank.derive``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from repo_helpers import REPO
from site_helpers import (
    EVIL_KOMMUNER, EVIL_LARDOM, EVIL_SAMMANFATTNING, EVIL_SLUG, EVIL_TITLE, Node, copy_inputs, forbund_names,
    front_matter, html_files, normalise_forbund, parse_html, resolve_link, run_build, slug_from_href,
)

pytestmark = pytest.mark.build

METOD_SLUGS = sorted(p.stem for p in (REPO / "metoder").glob("*.md"))
SYSTEMFEL_SLUGS = sorted(p.stem for p in (REPO / "systemfel").glob("*.md"))
ITEM_KINDS = ("projekt", "metoder", "systemfel", "forbund", "malgrupper")


# --------------------------------------------------------------------------
# Independent expectations

def projects_using(content: dict, metod: str) -> set[str]:
    return {slug for slug, meta in content["projekt"].items() if metod in (meta.get("metoder") or [])}


def expected_ranking(content: dict) -> list[tuple[str, int, int]]:
    """(slug, distinct förbund, projects) in index order, from the files."""
    rows = []
    for slug, meta in content["systemfel"].items():
        observing = {
            p for p, pm in content["projekt"].items()
            if any(o.get("id") == slug for o in (pm.get("systemfel") or []))
        }
        forbund = {normalise_forbund(n) for p in observing for n in forbund_names(content["projekt"][p])}
        rows.append((slug, len(forbund), len(observing), meta["titel"]))
    rows.sort(key=lambda r: (-r[1], -r[2], r[3].casefold(), r[0]))
    return [(slug, f, p) for slug, f, p, _ in rows]


def expected_pyramid(content: dict, projects=None) -> dict[int, int]:
    projects = content["projekt"] if projects is None else projects
    counts = Counter(int(meta["framgång"]["grad"]) for meta in projects.values())
    return {grad: counts.get(grad, 0) for grad in (0, 1, 2, 3)}


# --------------------------------------------------------------------------
# Reading the built pages

def page(site: Path, url: str) -> Node:
    file = site / url / "index.html" if not url.endswith(".html") else site / url
    assert file.is_file(), f"sidan {url} byggdes inte ({file})"
    return parse_html(file)


def section_table(doc: Node, heading: str) -> Node | None:
    """The first <table> after the <h2> with this text, before the next <h2>."""
    matches = [h for h in doc.iter("h2") if h.text() == heading]
    assert len(matches) == 1, f"väntade exakt en rubrik {heading!r}, hittade {len(matches)}"
    for sibling in matches[0].following_siblings():
        if sibling.tag == "h2":
            return None
        if sibling.tag == "table":
            return sibling
        nested = sibling.find("table")
        if nested is not None:
            return nested
    return None


def body_rows(table: Node) -> list[Node]:
    body = table.find("tbody")
    return body.children_by_tag("tr") if body is not None else []


def cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]


def link_slugs(node: Node, kind: str) -> list[str]:
    return [s for a in node.iter("a") if (s := slug_from_href(a.attrs.get("href") or "", kind))]


def int_text(node: Node) -> int:
    return int(re.sub(r"\D", "", node.text()))


# --------------------------------------------------------------------------
# 1. Method pages list exactly the projects that reference them

def test_some_method_is_shared(content):
    """Guard: the example bank must exercise the many-projects case."""
    assert max(len(projects_using(content, m)) for m in content["metoder"]) >= 2


@pytest.mark.parametrize("metod", METOD_SLUGS)
def test_method_page_lists_exactly_its_projects(built_site, content, metod):
    expected = projects_using(content, metod)
    doc = page(built_site, f"metoder/{metod}/")
    table = section_table(doc, "Projekt som använt metoden")
    if not expected:
        assert table is None, "en metod utan projekt ska inte ha någon projekttabell"
        assert "Inget projekt i banken har använt metoden ännu." in doc.text()
        return
    assert table is not None, f"metoder/{metod}/: tabellen 'Projekt som använt metoden' saknas"
    rows = body_rows(table)
    listed = []
    for row in rows:
        first = cells(row)[0]
        slugs = link_slugs(first, "projekt")
        assert len(slugs) == 1, f"raden ska länka till exakt ett projekt: {row.text()!r}"
        listed.append(slugs[0])
        # The förbund column names the project's förbund (normalised identity).
        shown = {normalise_forbund(a.text()) for a in cells(row)[1].iter("a")}
        wanted = {normalise_forbund(n) for n in forbund_names(content["projekt"][slugs[0]])}
        assert shown == wanted, f"{slugs[0]}: förbund {shown} ≠ {wanted}"
    assert sorted(listed) == sorted(expected), (
        f"metoder/{metod}/ listar {sorted(listed)}, men projektfilerna som anger metoden är {sorted(expected)}"
    )


def test_method_index_counts_projects(built_site, content):
    doc = page(built_site, "metoder/")
    table = doc.find("table", cls="mb-tabell")
    seen = {}
    for row in body_rows(table):
        slugs = link_slugs(cells(row)[0], "metoder")
        assert len(slugs) == 1
        seen[slugs[0]] = int_text(cells(row)[2])
    assert seen == {m: len(projects_using(content, m)) for m in content["metoder"]}


# --------------------------------------------------------------------------
# 2. The national systemfel index

def read_index_rows(site: Path) -> list[dict]:
    doc = page(site, "systemfel/")
    table = doc.find("table", id="systemfel-tabell")
    assert table is not None, "systemfel/: tabellen #systemfel-tabell saknas"
    rows = []
    for row in body_rows(table):
        c = cells(row)
        slugs = link_slugs(c[1], "systemfel")
        assert len(slugs) == 1, f"raden ska länka till exakt ett systemfel: {row.text()!r}"
        rows.append({"rank": int_text(c[0]), "slug": slugs[0], "förbund": int_text(c[2]),
                     "projekt": int_text(c[3]), "attrs": row.attrs})
    return rows


def test_systemfel_ranking_matches_independent_counts(built_site, content):
    expected = expected_ranking(content)
    rows = read_index_rows(built_site)
    actual = [(r["slug"], r["förbund"], r["projekt"]) for r in rows]
    assert actual == expected, (
        "systemfelsindexet (slug, förbund, projekt) i ordning:\n  byggt:   "
        + "\n           ".join(map(str, actual)) + "\n  väntat:  " + "\n           ".join(map(str, expected))
    )
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    # Guard: the example bank has a systemfel seen by several förbund.
    assert expected[0][1] >= 2


def test_systemfel_index_filter_attributes(built_site, content):
    for row in read_index_rows(built_site):
        meta = content["systemfel"][row["slug"]]
        assert row["attrs"].get("data-kategori") == meta["kategori"]
        assert row["attrs"].get("data-status") == meta["status"]
        assert (row["attrs"].get("data-berorda") or "").split() == list(meta["berörda"])


@pytest.mark.parametrize("systemfel", SYSTEMFEL_SLUGS)
def test_systemfel_page_counts_and_observations(built_site, content, systemfel):
    counts = {slug: (f, p) for slug, f, p in expected_ranking(content)}
    antal_forbund, antal_projekt = counts[systemfel]
    doc = page(built_site, f"systemfel/{systemfel}/")
    assert f"Observerat av {antal_forbund} förbund i {antal_projekt} projekt" in doc.text()
    observing = {
        p for p, pm in content["projekt"].items() if any(o.get("id") == systemfel for o in pm.get("systemfel") or [])
    }
    table = section_table(doc, "Observationer")
    listed = {s for row in body_rows(table) for s in link_slugs(cells(row)[0], "projekt")} if table else set()
    assert listed == observing


# --------------------------------------------------------------------------
# 3. The success pyramid

def read_pyramid(container: Node) -> tuple[dict[int, int], dict[int, int], Node]:
    """(counts from the SVG, counts from the table, svg) in one chart+table block."""
    svg = container.find("svg", cls="mb-pyramid")
    assert svg is not None, "pyramiden (svg.mb-pyramid) saknas"
    label_to_grad, svg_counts = {}, {}
    for g in svg.iter("g"):
        grads = [c for c in g.classes if re.fullmatch(r"mb-grad-\d", c)]
        if not grads:
            continue
        match = re.fullmatch(r"(.+): (\d+) projekt", g.text())
        assert match, f"stapeln ska bära sin siffra som text: {g.text()!r}"
        grad = int(grads[0][-1])
        label_to_grad[match.group(1)] = grad
        svg_counts[grad] = int(match.group(2))
    table = container.find("table")
    table_counts = {}
    for row in body_rows(table):
        c = cells(row)
        table_counts[label_to_grad[c[0].text()]] = int_text(c[-1])
    total = int_text(cells(table.find("tfoot").find("tr"))[-1])
    assert total == sum(table_counts.values()), "tabellens summa stämmer inte med raderna"
    return svg_counts, table_counts, svg


def test_pyramid_counts_add_up(built_site, content):
    expected = expected_pyramid(content)
    doc = page(built_site, "framgang/")
    container = doc.find("div", cls="mb-diagram-och-tabell")
    svg_counts, table_counts, svg = read_pyramid(container)
    assert table_counts == expected
    assert svg_counts == expected
    assert sum(table_counts.values()) == len(content["projekt"])
    total = int_text(cells(container.find("table").find("tfoot").find("tr"))[-1])
    assert total == len(content["projekt"])

    # The picture is accessible: <title>, <desc>, and named by both.
    title, desc = svg.find("title"), svg.find("desc")
    assert title is not None and title.text(), "SVG:n saknar <title>"
    assert desc is not None and desc.text(), "SVG:n saknar <desc>"
    assert set((svg.attrs.get("aria-labelledby") or "").split()) == {title.attrs.get("id"), desc.attrs.get("id")}
    assert svg.attrs.get("role") == "img"
    for grad, count in expected.items():
        assert f": {count} projekt" in desc.text()

    # Bar widths are proportional to the counts (same width per project).
    widths = {}
    for g in svg.iter("g"):
        grads = [c for c in g.classes if re.fullmatch(r"mb-grad-\d", c)]
        if grads and expected[int(grads[0][-1])]:
            widths[int(grads[0][-1])] = float(g.find("rect").attrs["width"]) / expected[int(grads[0][-1])]
    assert max(widths.values()) - min(widths.values()) < 0.5, f"stapelbredd per projekt varierar: {widths}"


def test_pyramid_per_forbund(built_site, content):
    expected: dict[str, Counter] = {}
    for meta in content["projekt"].values():
        for name in {normalise_forbund(n) for n in forbund_names(meta)}:
            expected.setdefault(name, Counter())[int(meta["framgång"]["grad"])] += 1
    doc = page(built_site, "framgang/")
    table = section_table(doc, "Per förbund")
    seen = {}
    for row in body_rows(table):
        c = cells(row)
        counts = [int_text(x) for x in c[1:]]
        assert sum(counts[:4]) == counts[4], f"{c[0].text()}: raden summerar inte"
        seen[normalise_forbund(c[0].text())] = counts[:4]
    assert seen == {name: [cnt.get(g, 0) for g in (0, 1, 2, 3)] for name, cnt in expected.items()}


def test_start_page_shows_pyramid(built_site, content):
    doc = page(built_site, "index.html")
    container = doc.find("div", cls="mb-nyckeltal")
    assert container is not None, "startsidan saknar nyckeltalen"
    svg_counts, table_counts, _ = read_pyramid(container.find("div", cls="mb-diagram-och-tabell"))
    assert svg_counts == table_counts == expected_pyramid(content)


# --------------------------------------------------------------------------
# 4. Escaping: a project title with <script>

def _evil_pages(evil_site: Path, evil_bank: Path) -> dict[str, Path]:
    meta = front_matter(evil_bank / "projekt" / f"{EVIL_SLUG}.md")
    pages = {"projektsidan": evil_site / "projekt" / EVIL_SLUG / "index.html",
             "projektindex": evil_site / "projekt" / "index.html"}
    wanted = {normalise_forbund(n) for n in forbund_names(meta)}
    for file in sorted((evil_site / "forbund").glob("*/index.html")):
        if normalise_forbund(parse_html(file).find("h1").text()) in wanted:
            pages[f"förbund {file.parent.name}"] = file
    assert len([k for k in pages if k.startswith("förbund")]) == len(wanted), "förbundssidan hittades inte"
    for key in meta["målgrupp"]:
        pages[f"målgrupp {key}"] = evil_site / "malgrupper" / key / "index.html"
    for metod in meta["metoder"]:
        pages[f"metod {metod}"] = evil_site / "metoder" / metod / "index.html"
    for o in meta.get("systemfel") or []:
        pages[f"systemfel {o['id']}"] = evil_site / "systemfel" / o["id"] / "index.html"
    return pages


def test_script_title_is_never_markup(evil_site):
    offenders = []
    for file in html_files(evil_site):
        text = file.read_text("utf-8")
        for raw in ("<script>alert", "<b>Fet", "<b>fetstil", "<b>bra", "<img src=x"):
            if raw in text:
                line = text[: text.index(raw)].count("\n") + 1
                offenders.append(f"{file.relative_to(evil_site)}:{line}: {raw!r}")
    assert not offenders, "rå markup från front-matter i byggda sidor:\n" + "\n".join(offenders)


def test_script_title_is_escaped_where_the_project_appears(evil_site, evil_bank):
    for name, file in _evil_pages(evil_site, evil_bank).items():
        assert file.is_file(), f"{name}: {file} saknas"
        text = file.read_text("utf-8")
        assert "&lt;script&gt;alert" in text, f"{name}: den escapade titeln saknas"
        links = [a for a in parse_html(file).iter("a") if slug_from_href(a.attrs.get("href") or "", "projekt") == EVIL_SLUG]
        if name != "projektsidan":
            assert links, f"{name}: ingen länk till projektet"
            # What the reader sees is exactly the author's text.
            assert any(a.text() == EVIL_TITLE for a in links), f"{name}: länktexten är inte titeln: {[a.text() for a in links]}"


def test_project_page_shows_the_text_exactly(evil_site):
    doc = parse_html(evil_site / "projekt" / EVIL_SLUG / "index.html")
    assert doc.find("h1").text() == EVIL_TITLE
    # The theme prints the page title and description as HTML: they must
    # arrive escaped, and read back as the author's text.
    assert doc.find("title").text() == f"{EVIL_TITLE} - Metodbanken"
    topic = doc.find("div", cls="md-header__topic", **{"data-md-component": "header-topic"})
    assert topic is not None and topic.text() == EVIL_TITLE
    description = doc.find("meta", name="description")
    assert description is not None and description.attrs.get("content") == EVIL_SAMMANFATTNING
    facts = doc.find("dl", cls="mb-fakta")
    terms = {dt.text(): dt for dt in facts.iter("dt")}
    kommuner = next(s for s in terms["Kommuner"].following_siblings() if s.tag == "dd")
    assert kommuner.text() == ", ".join(EVIL_KOMMUNER)
    assert EVIL_LARDOM in [li.text() for li in doc.iter("li")]


def test_search_index_holds_escaped_text_only(evil_site):
    """mkdocs-material renders search titles and texts as HTML, so its index
    must hold them HTML-escaped: no raw tags from the content. (The site may
    keep pages out of that index – Pagefind is the search – but whatever is
    in it must be safe.)"""
    path = evil_site / "search" / "search_index.json"
    if not path.is_file():
        pytest.skip("ingen search_index.json i bygget")
    raw = path.read_text("utf-8")
    assert "<script>alert" not in raw
    index = json.loads(raw)
    titles = []
    for entry in index["docs"]:
        for key in ("title", "text"):
            value = entry.get(key) or ""
            for tag in ("<script", "<b>Fet", "<b>fetstil", "<img"):
                assert tag not in value, f"{entry['location']} {key}: {tag!r} som markup i sökindexet"
        if entry["location"].rstrip("/").endswith(f"projekt/{EVIL_SLUG}") and entry.get("title"):
            titles.append(entry["title"])
    assert all(html.unescape(t) == EVIL_TITLE for t in titles), titles


def test_exports_keep_the_raw_text(evil_site):
    """Open data is data: the exports keep the author's text unescaped."""
    posts = json.loads((evil_site / "data" / "projekt.json").read_text("utf-8"))["poster"]
    post = next(p for p in posts if p["slug"] == EVIL_SLUG)
    assert post["titel"] == EVIL_TITLE
    assert post["kommuner"] == EVIL_KOMMUNER


# --------------------------------------------------------------------------
# 5. No broken internal links

SKIP_SCHEMES = ("http", "https", "mailto", "data", "tel")


def _ids(file: Path) -> set[str]:
    doc = parse_html(file)
    found = {n.attrs["id"] for n in doc.iter() if n.attrs.get("id")}
    found |= {n.attrs["name"] for n in doc.iter("a") if n.attrs.get("name")}
    return found


def test_no_broken_internal_links(built_site):
    broken, checked = [], 0
    for file in html_files(built_site):
        source = file.relative_to(built_site)
        for node in parse_html(file).iter():
            for attr in ("href", "src"):
                url = (node.attrs.get(attr) or "").strip()
                if not url or url == "#":
                    continue
                scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
                if scheme:
                    if scheme.group(1).lower() not in SKIP_SCHEMES:
                        broken.append(f"{source}:{node.line}: {attr}={url!r}: oväntat schema")
                    continue
                checked += 1
                if url.startswith("#"):
                    target, fragment = file, url[1:]
                else:
                    resolved = resolve_link(built_site, file, url)
                    if resolved is None:
                        continue
                    target, fragment = resolved
                    try:
                        target.resolve().relative_to(built_site.resolve())
                    except ValueError:
                        broken.append(f"{source}:{node.line}: {attr}={url!r}: pekar utanför webbplatsen")
                        continue
                    if not target.is_file():
                        broken.append(f"{source}:{node.line}: {attr}={url!r}: {target.relative_to(built_site)} finns inte")
                        continue
                if fragment and target.suffix == ".html" and fragment not in _ids(target):
                    broken.append(f"{source}:{node.line}: {attr}={url!r}: #{fragment} finns inte i {target.relative_to(built_site)}")
    assert checked > 1000, f"för få länkar kontrollerades ({checked}) – läser testet sidorna?"
    assert not broken, f"{len(broken)} trasiga interna länkar:\n" + "\n".join(broken[:80])


# --------------------------------------------------------------------------
# 6. Determinism

#: mkdocs writes the build date into the sitemap; nothing else may differ.
STAMPED = {"sitemap.xml", "sitemap.xml.gz"}

def test_two_builds_are_byte_identical(built_site, tmp_path):
    # A second copy at another path, built with another hash seed: neither
    # the location of the input nor set/dict ordering may leak into the site.
    src = copy_inputs(tmp_path / "src-igen")
    again = tmp_path / "site-igen"
    run_build(src, again, hashseed="2")
    first = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()}
    problems = [f"bara i första bygget: {p}" for p in sorted(first - second)]
    problems += [f"bara i andra bygget: {p}" for p in sorted(second - first)]
    for rel in sorted(first & second):
        if rel in STAMPED:
            continue
        a, b = (built_site / rel).read_bytes(), (again / rel).read_bytes()
        if a != b:
            at = next(i for i in range(min(len(a), len(b)) + 1) if i >= min(len(a), len(b)) or a[i] != b[i])
            problems.append(f"skiljer sig: {rel} (från byte {at}: {a[at:at + 60]!r} ≠ {b[at:at + 60]!r})")
    assert not problems, "två byggen av samma innehåll blev olika:\n" + "\n".join(problems)


# --------------------------------------------------------------------------
# 7. Open data exports

EXPORTS = {"projekt": "projekt", "metoder": "metoder", "systemfel": "systemfel"}
CSV_HEADERS = {
    "projekt": ["slug", "titel", "förbund", "förbund_slug", "kommuner", "status", "start", "slut", "uppdaterad",
                "grad", "grad_etikett", "målgrupp", "målgrupp_etiketter", "parter", "parter_etiketter", "metoder",
                "systemfel", "deltagare", "till_arbete", "till_studier", "budget_kr", "sammanfattning",
                "mättidpunkt", "kalkyltyp", "kalkylperiod_år", "diskonteringsränta", "insatskostnad_kr",
                "motivering", "bedömd", "bedömd_av", "avbrottsorsak", "kontakt", "url"],
    "metoder": ["slug", "titel", "sammanfattning", "målgrupp", "målgrupp_etiketter", "förutsättningar",
                "insatstid_månader", "evidens_nivå", "evidens_källa", "evidens_länk", "antal_projekt", "projekt",
                "högsta_grad", "högsta_grad_etikett", "antal_implementeringar", "förbund", "deltagare",
                "till_arbete", "till_studier", "kostnad_per_deltagare_kr", "url"],
    "systemfel": ["plats", "slug", "titel", "sammanfattning", "antal_förbund", "antal_projekt", "kategori",
                  "kategori_etikett", "berörda", "berörda_etiketter", "beslutsnivå", "ansvarig", "regelverk",
                  "förslag", "status", "målgrupper", "målgrupper_etiketter", "url"],
}


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_json_export(built_site, content, kind):
    document = json.loads((built_site / "data" / f"{kind}.json").read_text("utf-8"))
    assert list(document) == ["version", "typ", "antal", "poster"]
    assert document["version"] == 1
    assert document["typ"] == EXPORTS[kind]
    assert document["antal"] == len(document["poster"]) == len(content[kind])
    assert sorted(p["slug"] for p in document["poster"]) == sorted(content[kind])
    for post in document["poster"]:
        assert post["titel"] == content[kind][post["slug"]]["titel"]
        assert (built_site / post["url"] / "index.html").is_file(), f"{post['url']} finns inte i webbplatsen"


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_csv_export_opens_in_swedish_excel(built_site, content, kind):
    data = (built_site / "data" / f"{kind}.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV ska börja med UTF-8 BOM"
    text = data[3:].decode("utf-8")
    assert text.endswith("\r\n")
    assert text.count("\n") == text.count("\r\n"), "alla radslut ska vara CRLF"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == CSV_HEADERS[kind]
    assert len(rows) - 1 == len(content[kind])
    assert all(len(r) == len(rows[0]) for r in rows), "alla rader ska ha lika många fält"
    slug_col = rows[0].index("slug")
    assert sorted(r[slug_col] for r in rows[1:]) == sorted(content[kind])
    if kind == "systemfel":
        at = {name: rows[0].index(name) for name in ("slug", "antal_förbund", "antal_projekt")}
        ranking = [(r[at["slug"]], int(r[at["antal_förbund"]]), int(r[at["antal_projekt"]])) for r in rows[1:]]
        assert ranking == expected_ranking(content)


# --------------------------------------------------------------------------
# 8. A broken bank fails the build with the checker's list

def test_broken_bank_fails_with_path_line_messages(tmp_path):
    src = copy_inputs(tmp_path / "src")
    victim = None
    for file in sorted((src / "projekt").glob("*.md")):
        lines = file.read_text("utf-8").split("\n")
        if any(re.match(r"^status: ", l) for l in lines) and any(re.match(r"^metoder: \[.*\]\s*$", l) for l in lines):
            victim = file
            break
    assert victim is not None
    lines = victim.read_text("utf-8").split("\n")
    status_line = next(i for i, l in enumerate(lines, 1) if l.startswith("status: "))
    metod_line = next(i for i, l in enumerate(lines, 1) if l.startswith("metoder: ["))
    lines[status_line - 1] = "status: klar"
    lines[metod_line - 1] = re.sub(r"\]\s*$", ", finns-inte-alls]", lines[metod_line - 1])
    victim.write_text("\n".join(lines), "utf-8")

    result = run_build(src, tmp_path / "site", check=False)
    out = result.output
    assert result.returncode != 0, f"bygget skulle misslyckas:\n{out}"
    assert "Traceback" not in out, f"ett innehållsfel får aldrig ge en traceback:\n{out}"
    rel = re.escape(f"projekt/{victim.name}")
    found = {int(m.group(1)): m.group(2) for m in re.finditer(rf"(?m)^\S*{rel}:(\d+): (.+)$", out)}
    assert status_line in found and "klar" in found[status_line], (
        f"status-felet ska rapporteras som projekt/{victim.name}:{status_line}: …\n{out}")
    assert metod_line in found and "finns-inte-alls" in found[metod_line], (
        f"metod-felet ska rapporteras som projekt/{victim.name}:{metod_line}: …\n{out}")


# --------------------------------------------------------------------------
# 9. Navigation that scales

def test_no_item_page_in_the_nav(built_site):
    offenders = set()
    for file in html_files(built_site):
        doc = parse_html(file)
        navs = [n for n in doc.iter() if "md-nav" in n.classes]
        assert navs or file.name == "404.html", f"{file}: ingen .md-nav"
        for nav in navs:
            for a in nav.iter("a"):
                href = a.attrs.get("href") or ""
                resolved = resolve_link(built_site, file, href)
                if resolved is None:
                    continue  # this page's own table of contents
                rel = resolved[0].relative_to(built_site).as_posix()
                match = re.fullmatch(rf"({'|'.join(ITEM_KINDS)})/([^/]+)/index\.html", rel)
                if match:
                    offenders.add(f"{file.relative_to(built_site)}: {href} → {rel}")
    assert not offenders, "sidor för enskilda poster i navigationen:\n" + "\n".join(sorted(offenders)[:40])


# --------------------------------------------------------------------------
# The code that builds the site is part of the repository

def test_no_package_file_is_gitignored():
    """A broad ignore pattern (``site/`` instead of ``/site/``) once hid the
    whole ``metodbank.site`` package from git: a fresh clone could not build."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("inte en git-arbetskopia")
    files = [p.relative_to(REPO).as_posix() for p in (REPO / "plugins").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=REPO, input="\n".join(files),
                            capture_output=True, text=True)
    ignored = result.stdout.split()
    assert not ignored, "filer i paketet som .gitignore döljer:\n" + "\n".join(ignored)


def test_pagefind_canonicalisation_is_safe(tmp_path):
    """The post-processor behind the determinism above: its CBOR codec reads
    back byte for byte, it sorts filter values, and it leaves files it does
    not understand alone."""
    import gzip

    from metodbank.site.pagefind import stable as ps

    value = ["1.5.2", [["sv_1", 300], ["sv_2", -4]], {"k": b"\x00"}, True, None, 2 ** 40, "åäö"]
    assert ps._decode(ps._encode(value))[0] == value

    folder = tmp_path / "pagefind"
    (folder / "filter").mkdir(parents=True)

    def write(path, data):
        path.write_bytes(gzip.compress(ps.SIGNATURE + ps._encode(data), mtime=0))

    write(folder / "filter" / "sv_aaaaaaa.pf_filter", ["Typ", [["Sida", [3]], ["Metod", [0, 1]]]])
    write(folder / "pagefind.sv_bbbbbbbbbb.pf_meta", ["1.5.2", [], [], [["Typ", "sv_aaaaaaa"]], [], ["title"]])
    (folder / "pagefind-entry.json").write_text(json.dumps({"version": "1.5.2", "languages": {"sv": {"hash": "sv_bbbbbbbbbb"}}}))
    assert ps.canonicalise(folder)
    entry = json.loads((folder / "pagefind-entry.json").read_text())
    meta = ps._read(folder / f"pagefind.{entry['languages']['sv']['hash']}.pf_meta")
    (name, filter_hash), = meta[3]
    assert ps._read(folder / "filter" / f"{filter_hash}.pf_filter") == ["Typ", [["Metod", [0, 1]], ["Sida", [3]]]]
    assert sorted(p.name for p in folder.rglob("*.pf_*")) == sorted([f"{filter_hash}.pf_filter", f"pagefind.{entry['languages']['sv']['hash']}.pf_meta"])

    # Unknown shape: nothing is touched.
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    (folder / "filter" / f"{filter_hash}.pf_filter").write_bytes(b"not gzip")
    before[folder / "filter" / f"{filter_hash}.pf_filter"] = b"not gzip"
    assert not ps.canonicalise(folder)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_every_page_has_one_main_heading_and_its_whole_content(built_site):
    """MkDocs keeps a marker in place of each page's content until it writes
    the page (``SiteBuild.hold``: memory), and material adds an <h1> to a
    page whose content has none. Every page must come out with exactly one
    <h1> and with no marker left in it."""
    pages = [p for p in html_files(built_site) if "pagefind" not in p.parts and p.name != "404.html"]
    assert len(pages) > 50
    wrong = {}
    for path in pages:
        text = path.read_text("utf-8")
        headings = len(parse_html(path).find_all("h1"))
        if headings != 1 or "metodbank:innehåll" in text:
            wrong[path.relative_to(built_site).as_posix()] = headings
    assert wrong == {}
