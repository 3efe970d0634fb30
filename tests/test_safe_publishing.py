"""Safe publishing, fast half: the body renderer and sanitiser, the checker's
HTML rule on every payload family, CSV cells, and Hypothesis fuzzing of the
core render-and-sanitise function.

What counts as harmful is decided here independently of the sanitiser: the
published HTML is read with the standard library's HTML parser and checked
for event handlers, non-http(s)/mailto links, images from other hosts and
active or page-changing tags.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker_helpers import GOOD_METOD, check, line_of, write_bank
from metodbank import body
from metodbank.checks.html import changes
from metodbank.exports import csv_cell
from metodbank.sanitise import sanitise

PAYLOADS = Path(__file__).resolve().parent / "payloads"
MARK = "document.documentElement.setAttribute('data-xss','1')"
NEW_M = "metoder/ny-metod.md"
FUZZ_EXAMPLES = int(os.environ.get("METODBANK_FUZZ_EXAMPLES", "300"))

# Tags that must never be published from a body: they run script, change the
# page (base, meta, style, link), send data (form, input), embed other
# documents, or carry foreign markup whose parsing differs (svg, math).
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "meta", "style", "link", "form", "input",
               "button", "textarea", "select", "svg", "math", "frame", "frameset", "applet", "template",
               "noscript", "audio", "video", "source", "track", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset",
                  "ping", "cite"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def payloads() -> dict[str, str]:
    return {path.stem: path.read_text("utf-8").replace("MARK", MARK)
            for path in sorted(PAYLOADS.glob("*.md")) if path.name != "README.md"}


class _Harm(HTMLParser):
    """Collects everything in published HTML that could act on its own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            elif name == "style":
                self.found.append(f"{tag}[style]")
            elif name in URL_ATTRIBUTES:
                # As a browser's URL parser reads it: tabs and newlines dropped
                # anywhere, controls and spaces trimmed at both ends.
                squeezed = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]", "", html.unescape(value)).lower()
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.found.append(f"{tag}[{name}={scheme.group(1)}:]")
                if name != "href" and (scheme or squeezed.startswith(("//", "\\", "/\\"))):
                    self.found.append(f"{tag}[{name}] från en annan adress")
            elif name == "class" and any(c.startswith("md-") for c in value.split()):
                self.found.append(f"{tag}[class={value}]")

    handle_startendtag = handle_starttag


def harm(published: str) -> list[str]:
    parser = _Harm()
    parser.feed(published)
    parser.close()
    return parser.found


def published(text: str) -> str:
    return body.render(text, "metoder/ny-metod.md", resolve=lambda target: None).html


# --------------------------------------------------------------------------
# The renderer and the sanitiser on the fixed payload families

@pytest.mark.parametrize("name", sorted(payloads()))
def test_every_payload_is_published_harmless(name):
    text = payloads()[name]
    assert harm(published(text)) == []
    # The detector itself sees the payload's harm before sanitising (else
    # this test could not fail); comments are the one family with none.
    if name != "marker-comment":
        assert harm(body.render_raw(text, "metoder/ny-metod.md").html), name


def test_what_markdown_legitimately_makes_survives():
    text = (
        "## Bakgrund\n\nText med **fet**, *kursiv*, `kod <script>` och [länk](https://example.org).\n\n"
        "| Vad | Antal |\n|:----|------:|\n| Deltagare | 40 |\n\n"
        "!!! note \"Obs\"\n    En anmärkning.\n\n"
        "```python\nx = 1\n```\n\n> Ett citat\n\n1. ett\n2. två\n"
    )
    out = published(text)
    assert changes(body.render_raw(text, "metoder/x.md").html) == []
    for kept in ('<h2 id="bakgrund">', '<a href="https://example.org">', '<th align="left">',
                 '<td align="right">', '<div class="admonition note">', '<p class="admonition-title">',
                 '<code class="language-python">', "<blockquote>", "<ol>", "&lt;script&gt;"):
        assert kept in out, kept


def test_the_body_cannot_move_the_page_boundary():
    """The marker comments of the old boundary are stripped, and the page's
    Markdown source for the engine never holds the body."""
    text = payloads()["marker-comment"] + "\nEfter markören.\n"
    out = published(text)
    assert "metodbank:" not in out and "Efter markören." in out


def test_links_into_the_bank_are_resolved_and_others_left_alone():
    pages = {"metoder/ips.md": "metoder/ips/", "docs/bilder/a.png": "bilder/a.png"}
    out = body.render("[IPS](../metoder/ips.md#steg) ![Bild](../docs/bilder/a.png) [ut](https://example.org)",
                      "projekt/p.md", resolve=pages.get, base="../../").html
    assert '<a href="../../metoder/ips/#steg">IPS</a>' in out
    assert '<img alt="Bild" src="../../bilder/a.png">' in out
    assert '<a href="https://example.org">ut</a>' in out


def test_body_heading_ids_stay_clear_of_the_pages_own():
    rendered = body.render("## Resultat\n\n## Resultat och lärdomar\n", "projekt/p.md",
                           reserved_ids=frozenset({"resultat", "lardomar"}))
    assert [h.id for h in rendered.headings] == ["resultat-text", "resultat-och-lardomar"]
    assert '<h2 id="resultat-text">' in rendered.html


# --------------------------------------------------------------------------
# The checker: every family is refused at its line, in Swedish

HEAD = "## Bakgrund\n\nFörsta stycket.\n\n"


@pytest.mark.parametrize("name", sorted(set(payloads()) - {"marker-comment"}))
def test_every_payload_is_refused_at_its_line(bank_root, name):
    text = GOOD_METOD + HEAD + payloads()[name] + "\n\nSista stycket.\n"
    first = len((GOOD_METOD + HEAD).splitlines()) + 1
    last = first + payloads()[name].count("\n")
    lines = check(write_bank(bank_root, {NEW_M: text}))
    assert lines, f"{name}: kontrollen släppte igenom"
    for line in lines:
        path, number, message = line.split(":", 2)
        assert path == NEW_M and first <= int(number) <= last, line
        assert not message.strip().startswith("varning"), line


def test_comments_and_code_are_text_not_errors(bank_root):
    text = GOOD_METOD + HEAD + "<!-- en kommentar som mall-ledtråd -->\n\n`<script>` och\n\n    <iframe>\n"
    assert check(write_bank(bank_root, {NEW_M: text})) == []


EXPECTED = {
    "svg-onload": "HTML-taggen <svg> tas bort när sidan publiceras: lägg bilden som en fil under docs/ och visa"
                  " den med ![beskrivning](sökväg)",
    "attr-list-heading": "HTML med händelseattribut (onclick=) är inte tillåtet i texten: ta bort det",
    "js-tab": "länkar till 'javascript:' är inte tillåtna; länka till en https://-adress",
    "base": "HTML-taggen <base> tas bort när sidan publiceras: sidans adresser bestäms av webbplatsen — ta bort taggen",
    "external-image": "bilden hämtas från en annan adress (https://evil.example/pixel.png): webbplatsen hämtar"
                      " aldrig något från andra — lägg bilden under docs/ och visa den med ![beskrivning](relativ"
                      " sökväg), eller länka till den",
    "style-attribute": "attributet style på <p> tas bort när sidan publiceras: utseendet bestäms av webbplatsen",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refusals_say_what_to_write_instead(bank_root, name):
    text = GOOD_METOD + HEAD + payloads()[name] + "\n"
    assert check(write_bank(bank_root, {NEW_M: text})) == [
        f"{NEW_M}:{len((GOOD_METOD + HEAD).splitlines()) + 1}: {EXPECTED[name]}"
    ]


def test_a_link_to_a_missing_file_is_an_error_at_its_line(bank_root):
    text = GOOD_METOD + HEAD + "Se [metoden](finns-inte.md) och ![bild](../docs/bilder/saknas.png).\n"
    line = line_of(text, "finns-inte.md")
    assert check(write_bank(bank_root, {NEW_M: text})) == [
        f"{NEW_M}:{line}: bilden '../docs/bilder/saknas.png' pekar på docs/bilder/saknas.png, som inte finns i"
        " banken: lägg bilden under docs/ (till exempel docs/bilder/) och peka dit",
        f"{NEW_M}:{line}: länken 'finns-inte.md' pekar på metoder/finns-inte.md, som inte finns i banken: rätta"
        " sökvägen, eller länka till en https://-adress",
    ]


def test_links_to_existing_files_pass(bank_root):
    write_bank(bank_root)
    (bank_root / "docs" / "bilder").mkdir(parents=True)
    (bank_root / "docs" / "bilder" / "a.png").write_bytes(b"\x89PNG")
    existing = sorted(p.name for p in (bank_root / "metoder").glob("*.md"))[0]
    text = GOOD_METOD + HEAD + f"Se [metoden]({existing}) och ![bild](../docs/bilder/a.png).\n"
    assert check(write_bank(bank_root, {NEW_M: text})) == []


# --------------------------------------------------------------------------
# CSV cells

@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"https://evil.example\")", "'=HYPERLINK(\"https://evil.example\")"),
    ("+46 8 123", "'+46 8 123"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tflik", "'\tflik"), ("\rretur", "'\rretur"),
    ("Vanlig titel", "Vanlig titel"), (-3100000, -3100000), (0.04, 0.04), (None, ""),
])
def test_csv_cells_are_never_formulas(value, cell):
    assert csv_cell(value) == cell


# --------------------------------------------------------------------------
# Fuzzing the core render-and-sanitise function

TAG_NAMES = sorted(ACTIVE_TAGS | {"a", "img", "div", "p", "h2", "details", "table", "td", "span", "abbr"})
HANDLERS = ["onload", "onerror", "onclick", "onfocus", "ontoggle", "onmouseover", "OnError", "onanimationstart"]
SCHEMES = ["javascript:", "JaVaScRiPt:", "java\tscript:", "java\nscript:", "&#106;avascript:",
           "&#x6A;avascript:", "javascript&colon;", "vbscript:", "data:text/html,", " javascript:",
           "https://evil.example/", "//evil.example/", "\\\\evil.example/", "/\\evil.example/", "bild.png"]
QUOTES = ['"', "'", ""]


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(HANDLERS + ["href", "src", "srcset", "style", "class", "id", "action",
                                            "formaction", "xlink:href", "data", "markdown"]))
    value = draw(st.sampled_from(SCHEMES)) + MARK if name not in HANDLERS else MARK
    if name == "class":
        value = draw(st.sampled_from(["md-header", "admonition note", "language-py x"]))
    quote = draw(st.sampled_from(QUOTES))
    separator = draw(st.sampled_from([" ", "/", "\n", "\t"]))
    if not quote:
        value = value.replace(" ", "")
    return f"{separator}{name}={quote}{value}{quote}"


@st.composite
def html_payload(draw):
    tag = draw(st.sampled_from(TAG_NAMES))
    attributes = "".join(draw(st.lists(attribute(), min_size=1, max_size=3)))
    inner = draw(st.sampled_from(["", "text", "**fet**", "<img src=x onerror=MARK>", "[l](javascript:MARK)"]))
    close = draw(st.booleans())
    return f"<{tag}{attributes}>{inner}" + (f"</{tag}>" if close else "")


@st.composite
def markdown_payload(draw):
    kind = draw(st.sampled_from(["link", "image", "reference", "attr_list", "autolink"]))
    scheme = draw(st.sampled_from(SCHEMES))
    if kind == "link":
        return f"[länk]({scheme}{MARK})"
    if kind == "image":
        return f"![bild]({scheme}x.png)"
    if kind == "reference":
        prefix = draw(st.sampled_from(["", "- ", "> ", "    ", "1. "]))
        return f"{prefix}[länk][r]\n\n{prefix}[r]: {scheme}{MARK}"
    if kind == "attr_list":
        target = draw(st.sampled_from(["![b](b.png)", "[l](https://example.org)", "Ett stycke.\n", "## Rubrik ",
                                       "| a |\n|---|\n| 1 |\n"]))
        return f"{target}{{: {draw(attribute()).strip()} }}"
    return f"<{scheme}{MARK}>"


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(html_payload(), markdown_payload(), st.text(max_size=20)), min_size=1, max_size=4),
       wrapper=st.sampled_from(["{}", "<div markdown=\"1\">\n{}\n</div>", "> {}", "- {}", "{}\n\n---\n"]))
def test_fuzz_nothing_active_survives(parts, wrapper):
    text = wrapper.format("\n\n".join(parts)).replace("MARK", MARK)
    out = published(text)
    assert harm(out) == [], (text, out)
    # Sanitising is a fixed point: what is published needs no more cleaning.
    assert sanitise(out) == sanitise(sanitise(out))
