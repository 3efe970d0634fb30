"""Issue 16, the projektledare's path: a diagnosis at the right line for the
common slips, the near-duplicate förbund warning on the odd spelling, no
empty headings, `metodbank ny` and the form over the whole contract, a JSON
Schema that refuses what the checker refuses (checked by an independent
validator, check-jsonschema), and a README and pre-commit hook that lead a
new user to a working preview.

Every message a test here asserts is the exact text and line the checker prints.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import os
import re
import select
import shlex
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from checker_helpers import GOOD_METOD as M
from checker_helpers import GOOD_PROJEKT as P
from checker_helpers import GOOD_SYSTEMFEL as S
from checker_helpers import check, line_of, replace, run_cli, write_bank
from contribution_helpers import METODBANK, VENV_BIN, clean_env, copy_bank, metodbank
from metodbank import schema
from metodbank.frontmatter import parse
from metodbank.files import os_error
from metodbank.problems import ProblemList, summary
from repo_helpers import REPO

NEW_P, NEW_M, NEW_S = "projekt/nytt-projekt.md", "metoder/ny-metod.md", "systemfel/nytt-fel.md"
YAML_ERROR = "YAML-fel i front-matter: "


def run(root: Path, files: dict) -> list[str]:
    write_bank(root, files)
    return check(root)


# --------------------------------------------------------------------------
# 2. Diagnoses a projektledare can act on


LESSON = "  - Tidig kontakt med arbetsgivare var avgörande.\n"


@pytest.mark.parametrize("old, new, needle, first, indent, dash, where", [
    (LESSON, LESSON + "    - Handledarna behövde mer tid.\n", "Handledarna", "Tidig kontakt", 4, 2, "2 mellanslag in"),
    (LESSON, LESSON + "      - Handledarna behövde mer tid.\n", "Handledarna", "Tidig kontakt", 6, 2,
     "2 mellanslag in"),
    ("lärdomar:\n" + LESSON, "lärdomar:\n- Tidig kontakt med arbetsgivare var avgörande.\n"
     "  - Handledarna behövde mer tid.\n", "Handledarna", "Tidig kontakt", 2, 0, "längst till vänster"),
    ("metoder: [exempelmetod]", "metoder:\n  - exempelmetod\n    - annan-metod", "annan-metod", "- exempelmetod",
     4, 2, "2 mellanslag in"),
], ids=["four-spaces", "six-spaces", "first-at-column-0", "metoder"])
def test_list_items_merged_by_indentation_are_an_error_at_the_merged_line(bank_root, old, new, needle, first,
                                                                          indent, dash, where):
    text = replace(P, old, new)
    line, item = line_of(text, needle), line_of(text, first)
    shown = next(row for row in text.splitlines() if needle in row).strip()
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line}: '{shown}' läses som en fortsättning på listelementet på rad {item}, inte som ett eget"
        f" element: '-' är indraget {indent} mellanslag, men '-' på rad {item} är indraget {dash}."
        f" Ställ '-' rakt under '-' på rad {item} ({where})"
    ]


def test_a_text_block_may_hold_a_line_starting_with_a_dash(bank_root):
    text = replace(P, "  motivering: Deltagarna kom närmare arbete och metoden prövades.",
                   "  motivering: >-\n    Deltagarna kom närmare arbete och metoden prövades:\n    - tre av fyra")
    assert run(bank_root, {NEW_P: text}) == []


def test_a_missing_colon_on_line_2_is_reported_on_line_2(bank_root):
    text = replace(M, "titel: Exempelmetoden", "titel Exempelmetoden")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: {YAML_ERROR}raden saknar ':' efter fältnamnet: skriv 'titel: Exempelmetoden'"
    ]


def test_a_missing_colon_in_a_nested_field_is_reported_on_its_line(bank_root):
    text = replace(M, "  nivå: måttlig", "  nivå måttlig")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'nivå')}: {YAML_ERROR}raden saknar ':' efter fältnamnet: skriv 'nivå: måttlig'"
    ]


ODD = "Fält på samma nivå ska ha exakt samma indrag, och fält under ett annat fält dras in 2 mellanslag mer"


def test_a_field_indented_one_space_too_far_is_named_as_odd_indentation(bank_root):
    text = replace(M, "  länk: https://example.org/evidens", "   länk: https://example.org/evidens")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'länk')}: {YAML_ERROR}indraget stämmer inte: 'länk' är indraget 3 mellanslag,"
        f" men 'nivå' på rad {line_of(text, 'nivå')} är indraget 2. {ODD}"
    ]


def test_a_field_indented_less_than_the_one_above_is_named_as_odd_indentation(bank_root):
    text = replace(M, "  nivå: måttlig", "   nivå: måttlig")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'nivå')}: {YAML_ERROR}indraget stämmer inte: raden är indragen 3 mellanslag,"
        f" men rad {line_of(text, 'länk')} under är indragen 2. {ODD}"
    ]


def test_a_list_indented_less_than_the_item_above_is_named_as_odd_indentation(bank_root):
    text = replace(P, LESSON, "    - Tidig kontakt med arbetsgivare var avgörande.\n  - Handledarna behövde mer tid.\n")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'Handledarna')}: {YAML_ERROR}indraget stämmer inte: raden är indragen 2"
        f" mellanslag, men rad {line_of(text, 'Tidig')} ovanför är indragen 4. {ODD}"
    ]


def test_an_indented_first_field_is_reported_on_its_line(bank_root):
    text = replace(M, "titel: Exempelmetoden", " titel: Exempelmetoden")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: {YAML_ERROR}indraget stämmer inte: fälten på översta nivån ska börja längst till vänster"
    ]


def test_a_child_under_a_field_that_has_a_value_says_so(bank_root):
    text = replace(P, "resultat:\n", "resultat: Bra\n")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, '  sammanfattning')}: {YAML_ERROR}'sammanfattning' är indraget under 'resultat'"
        f" på rad {line_of(text, 'resultat: Bra')}, men 'resultat' har redan ett värde på sin rad ('Bra'): ett fält"
        " som har fält under sig får inget värde efter kolonet. Ta bort 'Bra', eller minska indraget på"
        " 'sammanfattning' till 0 mellanslag om det är ett eget fält"
    ]


def test_a_colon_inside_a_value_keeps_its_message(bank_root):
    text = replace(M, "titel: Exempelmetoden", "titel: Metoden: steg för steg")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: {YAML_ERROR}ett kolon på fel ställe — sätt citattecken runt text som innehåller ': '"
    ]


def test_a_quoted_number_is_told_to_lose_its_quotes(bank_root):
    text = replace(P, "deltagare: 40", 'deltagare: "40"')
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'deltagare: ')}: 'resultat.deltagare' ska vara ett tal, men \"40\" står inom"
        " citattecken och blir då text: ta bort citattecknen (skriv 40)"
    ]


def test_a_number_as_forbund_is_not_told_to_be_a_list(bank_root):
    text = replace(P, "förbund: Samordningsförbundet Exempel", "förbund: 123")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:3: 'förbund' ska vara förbundets namn, t.ex. förbund: Samordningsförbundet Östra Södertörn (nu: 123)"
    ]


def test_a_comma_separated_list_gets_the_vocabulary_keys_as_a_valid_list(bank_root):
    text = replace(P, "parter: [arbetsformedlingen, kommun]", "parter: kommun, region, Försäkringskassan")
    message = ("'parter' ska vara en lista med nycklar ur vokabulären 'parter':"
               " skriv [kommun, region, forsakringskassan]")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'parter')}: {message}"]
    # What it says to write is valid as it stands.
    suggested = message.rsplit("skriv ", 1)[1]
    assert run(bank_root, {NEW_P: replace(text, "kommun, region, Försäkringskassan", suggested)}) == []


def test_a_comma_separated_list_names_what_is_not_in_the_vocabulary(bank_root):
    text = replace(P, "parter: [arbetsformedlingen, kommun]", "parter: kommun, landstinget")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'parter')}: 'parter' ska vara en lista med nycklar ur vokabulären 'parter',"
        " t.ex. [kommun]; 'landstinget' finns inte där. Tillåtna värden: arbetsformedlingen, forsakringskassan,"
        " kommun, region, skola, ideell-sektor, naringsliv, rattsvasende, ovriga"
    ]


def test_free_names_written_with_commas_get_a_list_of_them(bank_root):
    text = replace(P, "budget_kr: 4500000", "budget_kr: 4500000\nkommuner: Haninge, Nynäshamn")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'kommuner')}: 'kommuner' ska vara en lista, t.ex. [Haninge, Nynäshamn]"
    ]


@pytest.mark.parametrize("after, why", [
    ("", "efter '-' saknas ett mellanslag"),
    ("\u00a0", "efter '-' står ett hårt mellanslag (U+00A0), som YAML inte räknar som mellanslag"),
], ids=["no-space", "no-break-space"])
def test_a_list_item_without_a_space_after_the_dash(bank_root, after, why):
    text = replace(P, LESSON, f"  -{after}Tidig kontakt.\n")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'Tidig')}: 'lärdomar' ska vara en lista, men {why}, så YAML läser raden som text:"
        " skriv '- Tidig kontakt.' med ett vanligt mellanslag efter varje '-'"
    ]


def test_yes_as_a_grade_names_what_yaml_made_of_it(bank_root):
    text = replace(P, "grad: 1", "grad: yes")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'grad')}: framgång.grad: 'yes' läses av YAML som ja/nej-värdet true, inte som ett"
        " av de tillåtna värdena. Tillåtna värden: 0, 1, 2, 3"
    ]


def test_on_as_a_text_is_told_to_be_quoted(bank_root):
    text = replace(M, "titel: Exempelmetoden", "titel: on")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: 'titel': 'on' läses av YAML som ja/nej-värdet true, inte som text — sätt citattecken runt det"
        " (\"on\") om det är text du menar"
    ]


@pytest.mark.parametrize("old, new, line, message", [
    ("titel: Exempelmetoden", "titel:\u00a0Exempelmetoden", 2,
     "efter 'titel:' står ett hårt mellanslag (U+00A0), som YAML inte räknar som mellanslag: ersätt det med ett"
     " vanligt mellanslag"),
    ("insatstid_månader: 12", "insatstid_månader:\u202f12", 5,
     "efter 'insatstid_månader:' står ett hårt mellanslag (U+202F), som YAML inte räknar som mellanslag: ersätt"
     " det med ett vanligt mellanslag"),
    ("  nivå: måttlig", "\u00a0 nivå: måttlig", 7,
     "raden börjar med ett hårt mellanslag (U+00A0) i indraget, som YAML inte räknar som mellanslag: ersätt det"
     " med vanliga mellanslag"),
], ids=["after-colon", "narrow-after-colon", "in-indentation"])
def test_a_no_break_space_is_named(bank_root, old, new, line, message):
    text = replace(M, old, new)
    assert line_of(text, new.strip("\u00a0 ")[:4]) == line
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line}: {YAML_ERROR}{message}"]


@pytest.mark.parametrize("name, char, script, latin", [
    ("t\u0456tel", "\u0456", "kyrilliska", "i"),
    ("titl\u0435", "\u0435", "kyrilliska", "e"),
    ("tit\u03b5l", "\u03b5", "grekiska", "e"),
], ids=["cyrillic-i", "cyrillic-e", "greek-epsilon"])
def test_a_look_alike_letter_in_a_field_name_is_named(bank_root, name, char, script, latin):
    text = replace(M, "titel:", f"{name}:")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: okänt fält '{name}': ordet innehåller den {script} bokstaven '{char}' (U+{ord(char):04X}),"
        f" som ser ut som '{latin}' men är en annan bokstav — skriv 'titel' med vanliga bokstäver"
    ]


def test_an_invalid_unicode_escape_is_explained_in_swedish(bank_root):
    text = replace(M, "titel: Exempelmetoden", 'titel: "Exempel\\ud800"')
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:2: {YAML_ERROR}en \\u- eller \\U-kod inom \"citattecken\" är inget giltigt tecken — skriv tecknet"
        " som det är, eller använd 'enkla citattecken'"
    ]


BROKEN_YAML = [
    "titel: [a", "titel: {a", "titel: 'a", 'titel: "a', 'titel: "\\q"', 'titel: "\\x4"', 'titel: "\\ud800"',
    "titel: *x", "titel: &", "titel: a\n- c", "- a\ntitel: c", "titel: a\n  b: c: d", "titel: |0\n  x",
    "titel: |x\n", "titel: @b", "titel: `b", "titel: %b", "titel: [b: c: d]", "titel: a\n...\nb", "titel: ? b",
    "titel: - b", "titel: [\n---\n]", "titel: 'b\n---\n'", "%FOO\ntitel: b", "titel: a\n\tb: c",
    "titel a\nsammanfattning: b", "titel: a\n sammanfattning: b", "lista:\n    - a\n  - b",
]
ENGLISH = re.compile(r"\b(found|expected|while|could not|mapping|scalar|block|token|stream|document|character|"
                     r"indentation|allowed|directive|sequence)\b", re.I)


@pytest.mark.parametrize("front", BROKEN_YAML)
def test_no_yaml_error_leaks_english(bank_root, front):
    lines = run(bank_root, {NEW_M: f"---\n{front}\n---\nText.\n"})
    mine = [line for line in lines if line.startswith(NEW_M)]
    assert mine, lines
    for line in mine:
        assert not ENGLISH.search(line.split(": ", 1)[1]), line


def test_operating_system_errors_are_in_swedish():
    assert os_error(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "mappen eller filen finns inte"
    assert os_error(PermissionError(errno.EACCES, "Permission denied")) == "behörighet saknas"
    assert os_error(OSError(errno.EIO, "Input/output error")) == "läsfel på disken"
    assert os_error(OSError(errno.EXDEV, "Invalid cross-device link")) == f"felkod {errno.EXDEV}"


def test_the_command_lines_own_texts_are_swedish(bank_root):
    write_bank(bank_root)
    code, out, err = metodbank(bank_root, "kontrollera", "--okänd")
    assert code == 2 and "okända argument: --okänd" in err and "användning:" in err and "usage" not in err
    code, out, err = metodbank(bank_root, "ny", "--help")
    assert code == 0 and "visa den här hjälpen" in out and "show this help" not in out


# --------------------------------------------------------------------------
# 3. Near-duplicate förbund: the warning goes on the odd spelling


def odd_spelling_bank(root: Path) -> Path:
    """Two projects spell the förbund as the known-good one does, one differently."""
    return write_bank(root, {
        "projekt/andra-projektet.md": P,
        NEW_P: replace(P, "förbund: Samordningsförbundet Exempel", "förbund: Samordningsförbundet Exempl"),
    })


WARNING = ("varning: förbundet 'Samordningsförbundet Exempl' liknar 'Samordningsförbundet Exempel', som står i"
           " 2 filer, t.ex. projekt/andra-projektet.md:3 — är det samma förbund? Stava i så fall likadant")


def test_the_near_duplicate_warning_goes_on_the_odd_spelling(bank_root):
    odd_spelling_bank(bank_root)
    assert check(bank_root) == [f"{NEW_P}:3: {WARNING}"]


def test_checking_only_the_file_with_the_odd_spelling_shows_the_warning(bank_root):
    odd_spelling_bank(bank_root)
    code, out, err = run_cli(bank_root, NEW_P)
    assert (code, out) == (0, [f"{NEW_P}:3: {WARNING}"])
    assert err.strip() == "✔ 5 filer kontrollerade: 0 fel, 1 varning"
    # The files that spell it as most do are not told to change.
    code, out, err = run_cli(bank_root, "projekt/exempelprojekt.md")
    assert (code, out) == (0, []) and err.strip() == "✔ 5 filer kontrollerade: 0 fel, 0 varningar"


def test_the_summary_is_correct_swedish():
    assert summary(1, 1, 1) == "1 fil kontrollerad: 1 fel, 1 varning"
    assert summary(2, 0, 2) == "2 filer kontrollerade: 0 fel, 2 varningar"
    assert summary(0, 3, 0) == "0 filer kontrollerade: 3 fel, 0 varningar"


# --------------------------------------------------------------------------
# 4. Empty sections


EMPTY = ("varning: rubriken '{}' har ingen text under sig: skriv något under den eller ta bort rubriken"
         " (kommentarer <!-- … --> syns inte på sidan)")


def test_a_heading_with_nothing_under_it_is_a_warning_at_its_line(bank_root):
    text = P + "\n## Genomförande\n\n<!-- Hur arbetade ni? -->\n\n## Svagheter\n"
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'Genomförande')}: {EMPTY.format('Genomförande')}",
        f"{NEW_P}:{line_of(text, 'Svagheter')}: {EMPTY.format('Svagheter')}",
    ]


def test_headings_with_text_below_them_are_fine(bank_root):
    text = P + "\n## Genomförande\n\n### Första året\n\nVi började i liten skala.\n\n```\n## inte en rubrik\n```\n"
    assert run(bank_root, {NEW_P: text}) == []


@pytest.fixture
def example_bank(tmp_path) -> Path:
    return copy_bank(tmp_path / "bank", with_docs=False)


def body_outside_comments(path: Path) -> str:
    return re.sub(r"<!--.*?-->", "", parse(path.read_text(encoding="utf-8")).body, flags=re.S)


@pytest.mark.parametrize("kind, folder, options", [
    ("projekt", "projekt", ["--status", "pågående", "--start", "2025-01", "--grad", "1",
                            "--resultat", "Tjugo deltagare började och åtta fick arbete.",
                            "--motivering", "Deltagarna kom närmare arbete under projektet."]),
    ("metod", "metoder", ["--sammanfattning", "En metod där deltagaren får stöd steg för steg."]),
    ("systemfel", "systemfel", ["--sammanfattning", "Stödet upphör när den unga fyller tjugo år.",
                                "--kategori", "tidsgranser", "--berörda", "kommun", "--beslutsnivå", "nationell",
                                "--förslag", "Låt stödet gälla till 25 år för den som behöver det."]),
])
def test_new_files_have_no_empty_headings(example_bank, kind, folder, options):
    common = ["--titel", "En ny fil"] + (["--förbund", "Samordningsförbundet Exempel", "--parter", "kommun",
                                          "--målgrupp", "nyanlanda", "--metoder", "motiverande-samtal"]
                                         if kind == "projekt" else [])
    code, _out, err = metodbank(example_bank, "ny", kind, "ny-fil", *common, *options)
    assert code == 0, err
    path = example_bank / folder / "ny-fil.md"
    assert not re.search(r"(?m)^#{1,6}\s", body_outside_comments(path))
    assert "## " in path.read_text(encoding="utf-8")  # the suggested headings, in a comment
    code, out, _err = metodbank(example_bank, "kontrollera", f"{folder}/ny-fil.md")
    assert (code, out) == (0, "")


def test_the_forms_text_has_no_empty_headings_and_lists_use_commas(example_bank):
    from metodbank.bank import load_bank
    from metodbank.derive import derive
    from metodbank.settings import read_settings
    from metodbank.site.pages import Generator, SiteOptions

    derived = derive(load_bank(example_bank, read_settings(example_bank / "mkdocs.yml").vocab))
    page = next(p.html for p in Generator(derived, SiteOptions()).pages() if p.src_uri == "lamna-in/index.md")
    text = html.unescape(re.search(r'<textarea id="f-text"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    assert text.lstrip().startswith("<!--") and "## Bakgrund" in text
    problems = ProblemList()
    from metodbank.checks.rules import check_body

    check_body(parse(f"---\ntitel: x\n---\n{text}"), NEW_P, problems)
    assert problems == []
    hint = html.unescape(re.search(r'id="tips-f-forbund">(.*?)</p>', page).group(1))
    assert "kommatecken" in hint and "semikolon" not in hint
    # The whole contract is there: funding, a calculation, several implementations and decisions.
    for needed in ('id="f-fin-kalla"', 'id="f-sek-typ"', 'id="f-sek-utfall-produktionsvarde"',
                   'id="mall-impl"', 'data-mall="impl"', 'id="mall-beslut"', 'data-mall="beslut"',
                   'id="f-impl-metod-__N__"', 'name="beslut-systemfel"'):
        assert needed in page, needed


# --------------------------------------------------------------------------
# 5. `metodbank ny` over the whole contract


class Terminal:
    """The real `metodbank` command on a pseudo-terminal."""

    def __init__(self, cwd: Path, *args: str):
        self.master, follower = os.openpty()
        self.proc = subprocess.Popen([str(METODBANK), *args], cwd=cwd, stdin=follower, stdout=follower,
                                     stderr=follower, env=clean_env(TERM="dumb"), close_fds=True)
        os.close(follower)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"väntade på {text!r}, fick:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    chunk = ""
                assert chunk or text in self.seen, f"processen slutade innan {text!r}:\n{self.seen}"
                self.seen += chunk
        before, _, self.seen = self.seen.partition(text)
        return before

    def answer(self, prompt: str, reply: str) -> str:
        before = self.expect(prompt)
        os.write(self.master, (reply + "\n").encode())
        return before

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


CHOOSE_ONE, CHOOSE_MANY = "Välj (nummer eller namn): ", "Välj (nummer eller namn, flera med kommatecken): "


def test_in_a_terminal_a_finished_grade_2_project_gets_every_part_of_the_contract(example_bank):
    term = Terminal(example_bank, "ny", "projekt", "hela-kontraktet", "--titel", "Hela kontraktet i terminalen",
                    "--förbund", "Samordningsförbundet Exempel", "--målgrupp", "nyanlanda",
                    "--parter", "kommun,region", "--metoder", "ips-supported-employment,motiverande-samtal")
    term.answer(CHOOSE_ONE, "avslutat")
    term.answer("Startdatum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD): ", "2021-03")
    term.answer("Slutdatum: ", "2020-12")
    assert "2020-12 ligger före projektets start (2021-03)" in term.answer("Slutdatum: ", "2023-06")
    term.answer("Vad hände med deltagarna? (20–1000 tecken): ", "Fyrtio deltagare började och femton fick arbete.")
    term.answer("Antal deltagare som började (heltal, lämna tomt om okänt): ", "40")
    term.answer("Antal som fick arbete (heltal, lämna tomt om okänt): ", "15")
    term.answer("Antal som började studera (heltal, lämna tomt om okänt): ", "30")
    assert "arbete och studier (45) är fler än deltagarna (40)" in term.answer(
        "Antal som började studera (heltal, lämna tomt om okänt): ", "5")
    term.answer("Finns en socioekonomisk kalkyl? (j/n, tomt = nej): ", "j")
    term.answer(CHOOSE_ONE, "uppföljning")
    term.answer("Kalkylperiod i år (1–50): ", "5")
    term.answer("Diskonteringsränta (0–0.2, t.ex. 0.04): ", "0,04")  # read as meant
    term.answer("Insatskostnad i kronor: ", "4 500 000")
    term.answer("  Kommun: ", "3100000")
    term.answer("  Region: ", "")
    term.answer("  Produktionsvärde: ", "-200000")
    term.answer("Budget i kronor (heltal, lämna tomt om okänd): ", "4500000")
    term.answer(CHOOSE_ONE, "esf")
    term.answer("  Belopp från esf i kronor (lämna tomt om okänt): ", "1000000")
    term.answer(CHOOSE_ONE, "")
    listing = term.answer("  Grad (0, 1, 2, 3): ", "2")
    assert "2 – Andra graden." in listing
    term.answer("Motivering: varför just den graden? (20–1000 tecken): ",
                "Metoden används i kommunens ordinarie verksamhet efter projektet.")
    term.answer("Organisation som använder metoden (2–200 tecken): ", "Exempels kommun, arbetsmarknadsenheten")
    term.answer(CHOOSE_ONE, "motiverande-samtal")
    term.answer("Från vilket år? (inte före projektets start): ", "2019")
    assert "2019 ligger före projektets start (2021-03)" in term.answer(
        "Från vilket år? (inte före projektets start): ", "2023")
    term.answer("Vad infördes, och hur finansieras det? (20–1000 tecken): ",
                "Två handledare finansieras i kommunens egen budget.")
    term.answer("Lägga till en organisation till? (j/n, tomt = nej): ", "j")
    term.answer("Organisation som använder metoden (2–200 tecken): ", "Regionen, psykiatrin")
    term.answer(CHOOSE_ONE, "ips-supported-employment")
    term.answer("Från vilket år? (inte före projektets start): ", "2024")
    term.answer("Vad infördes, och hur finansieras det? (20–1000 tecken): ",
                "En IPS-handledare finns i psykiatrins ordinarie budget.")
    term.answer("Lägga till en organisation till? (j/n, tomt = nej): ", "")
    term.answer(CHOOSE_MANY, "svarte-petter")
    term.answer("Var konkret (20–1000 tecken): ", "Fjorton deltagare förlorade ersättningen vid arbetsträning.")
    term.answer(CHOOSE_ONE, "ärendegenomgång")
    term.answer("Antal berörda deltagare (valfritt): ", "14")
    term.answer("Lärdom (10–300 tecken): ", "Tidig kontakt med arbetsgivare, och uthållighet, var avgörande.")
    term.answer("Lärdom till (lämna tomt när du är klar) (10–300 tecken): ", "Handledarna behövde mer tid.")
    term.answer("Lärdom till (lämna tomt när du är klar) (10–300 tecken): ", "")
    term.expect("Skapade projekt/hela-kontraktet.md.")
    assert term.close() == 0
    data = parse((example_bank / "projekt" / "hela-kontraktet.md").read_text(encoding="utf-8")).data
    assert data["resultat"]["socioekonomi"] == {
        "typ": "uppföljning", "kalkylperiod_år": 5, "diskonteringsränta": 0.04, "insatskostnad_kr": 4500000,
        "utfall_kr": {"kommun": 3100000, "produktionsvarde": -200000}}
    assert data["finansiering"] == [{"källa": "esf", "kr": 1000000}]
    assert [(i["organisation"], i["metod"], i["år"]) for i in data["framgång"]["implementerad_hos"]] == [
        ("Exempels kommun, arbetsmarknadsenheten", "motiverande-samtal", 2023),
        ("Regionen, psykiatrin", "ips-supported-employment", 2024)]
    assert data["lärdomar"] == ["Tidig kontakt med arbetsgivare, och uthållighet, var avgörande.",
                                "Handledarna behövde mer tid."]
    assert data["systemfel"][0]["id"] == "svarte-petter" and data["systemfel"][0]["antal_berörda"] == 14
    code, out, _err = metodbank(example_bank, "kontrollera", "projekt/hela-kontraktet.md")
    assert (code, out) == (0, "")


def test_in_a_terminal_grade_3_asks_for_decisions_and_systemfel(example_bank):
    term = Terminal(example_bank, "ny", "projekt", "grad-tre", "--titel", "Beslut om gemensam finansiering",
                    "--förbund", "Samordningsförbundet Exempel", "--målgrupp", "nyanlanda", "--parter", "kommun",
                    "--metoder", "motiverande-samtal", "--status", "avbrutet", "--start", "2020", "--slut", "2022")
    term.answer("Vad hände med deltagarna? (20–1000 tecken): ", "Tolv deltagare började innan projektet avbröts.")
    for _ in range(3):
        term.answer("(heltal, lämna tomt om okänt): ", "")
    term.answer("Finns en socioekonomisk kalkyl? (j/n, tomt = nej): ", "n")
    term.answer("Budget i kronor (heltal, lämna tomt om okänd): ", "")
    term.answer(CHOOSE_ONE, "")
    term.answer("  Grad (0, 1, 2, 3): ", "3")
    term.answer("Motivering: varför just den graden? (20–1000 tecken): ",
                "Kalkylen låg till grund för ett beslut om gemensam finansiering.")
    term.answer("Vad beslutades? (20–1000 tecken): ", "Kommunfullmäktige beslutade om gemensam finansiering.")
    term.answer("Vem beslutade? (t.ex. kommunfullmäktige) (2–200 tecken): ", "Kommunfullmäktige")
    term.answer("Vilket år? (inte före projektets start): ", "2022")
    term.answer(CHOOSE_MANY, "svarte-petter")
    term.answer("Länk till beslutet (valfritt, börjar med https://): ", "www.example.org")
    assert "'www.example.org' är ingen webbadress: den ska börja med https:// (eller http://)" in term.answer(
        "Länk till beslutet (valfritt, börjar med https://): ", "https://example.org/beslut")
    term.answer("Lägga till ett beslut till? (j/n, tomt = nej): ", "")
    term.answer(CHOOSE_MANY, "svarte-petter")
    term.answer("Var konkret (20–1000 tecken): ", "Kostnaden hamnade hos kommunen när staten vann på insatsen.")
    term.answer(CHOOSE_ONE, "")
    term.answer("Antal berörda deltagare (valfritt): ", "")
    term.answer("Lärdom (10–300 tecken): ", "Förankra finansieringen hos alla parter innan start.")
    term.answer("Lärdom till (lämna tomt när du är klar) (10–300 tecken): ", "")
    term.answer("Varför avbröts projektet? (20–1000 tecken): ", "Regionen drog sig ur finansieringen efter två år.")
    term.expect("Skapade projekt/grad-tre.md.")
    assert term.close() == 0
    data = parse((example_bank / "projekt" / "grad-tre.md").read_text(encoding="utf-8")).data
    assert data["framgång"]["beslut"][0]["systemfel"] == ["svarte-petter"]
    code, out, _err = metodbank(example_bank, "kontrollera", "projekt/grad-tre.md")
    assert (code, out) == (0, "")


def test_with_options_a_finished_project_passes_as_created(example_bank):
    code, _out, err = metodbank(
        example_bank, "ny", "projekt", "med-flaggor", "--titel", "Med flaggor hela vägen",
        "--förbund", "Samordningsförbundet Exempel", "--status", "avslutat", "--start", "2021", "--slut", "2023",
        "--parter", "kommun,region", "--målgrupp", "nyanlanda", "--metoder", "motiverande-samtal",
        "--grad", "1", "--motivering", "Deltagarna kom närmare arbete under projektet.",
        "--resultat", "Trettio deltagare började och tio fick arbete.", "--deltagare", "30", "--till-arbete", "10",
        "--budget", "1 200 000", "--lärdom", "Börja tidigt, med arbetsgivarna.", "--lärdom", "Mät från start.")
    assert code == 0, err
    data = parse((example_bank / "projekt" / "med-flaggor.md").read_text(encoding="utf-8")).data
    assert data["budget_kr"] == 1200000 and data["lärdomar"] == ["Börja tidigt, med arbetsgivarna.", "Mät från start."]
    code, out, _err = metodbank(example_bank, "kontrollera", "projekt/med-flaggor.md")
    assert (code, out) == (0, "")


@pytest.mark.parametrize("options, message", [
    (["--grad", "4"], "--grad: '4' är inte tillåtet. Tillåtna värden: 0, 1, 2, 3"),
    (["--deltagare", "10", "--till-arbete", "8", "--till-studier", "5"],
     "--till-arbete och --till-studier: arbete och studier (13) är fler än deltagarna (10)"),
    (["--deltagare", "många"], "--deltagare: 'många' är inte ett heltal: skriv t.ex. 4500000"),
    (["--lärdom", "Kort"], "--lärdom: 4 tecken, ska vara 10–300"),
])
def test_bad_project_options_are_refused(example_bank, options, message):
    code, _out, err = metodbank(example_bank, "ny", "projekt", "fel-flagga", *options)
    assert code == 2 and message in err


def test_ny_explains_its_one_list_separator(example_bank):
    code, out, _err = metodbank(example_bank, "ny", "--help")
    text = " ".join(out.split())
    assert code == 0 and "Listor skrivs med kommatecken, både här och i frågorna" in text
    assert "--lärdom" in text


# --------------------------------------------------------------------------
# 6. The JSON Schema refuses what the checker refuses: an independent validator


CHECK_JSONSCHEMA = VENV_BIN / "check-jsonschema"


def as_json(text: str) -> str:
    """Front-matter read the way the checker reads it (YAML 1.1, keys in NFC),
    as JSON: dates become the text they were written as."""
    def convert(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(type(value))
    return json.dumps(parse(text).data, ensure_ascii=False, default=convert)


def as_an_editor_reads_it(text: str) -> str:
    """Front-matter as an editor's YAML 1.2 reader sees it (ruamel.yaml, which
    check-jsonschema itself uses), as JSON."""
    from ruamel.yaml import YAML

    def convert(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(type(value))
    data = YAML(typ="safe", pure=True).load(text.split("\n---\n", 1)[0][4:])
    return json.dumps(data, ensure_ascii=False, default=convert)


def refused_by_validator(folder: str, files: dict[str, str], work: Path, reader=as_json) -> dict[str, list[str]]:
    """{name: [messages]} from check-jsonschema, run once on every file's front-matter as JSON."""
    assert CHECK_JSONSCHEMA.exists(), "check-jsonschema saknas: kör make test (det installerar testberoendena)"
    work.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (work / f"{name}.json").write_text(reader(text), encoding="utf-8")
    result = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(REPO / "schema" / schema.FILE_NAMES[folder]),
                             "-o", "json", *sorted(str(work / f"{name}.json") for name in files)],
                            capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    refused: dict[str, list[str]] = {}
    for error in report["errors"]:
        refused.setdefault(Path(error["filename"]).stem, []).append(f"{error['path']}: {error['message']}")
    assert result.returncode == (1 if refused else 0), result.stdout + result.stderr
    return refused


def refused_by_checker(root: Path, folder: str, files: dict[str, str]) -> dict[str, list[str]]:
    write_bank(root, {f"{folder}/{name}.md": text for name, text in files.items()}, good=False)
    lines = check(root)
    refused: dict[str, list[str]] = {}
    for line in lines:
        path, _line, message = line.split(":", 2)
        if path.startswith(f"{folder}/") and Path(path).stem in files and not message.strip().startswith("varning:"):
            refused.setdefault(Path(path).stem, []).append(message.strip())
    return refused


def test_the_example_bank_passes_the_independent_validator(tmp_path):
    for folder in schema.FILE_NAMES:
        files = {path.stem: path.read_text(encoding="utf-8") for path in sorted((REPO / folder).glob("*.md"))}
        assert files
        assert refused_by_validator(folder, files, tmp_path / folder) == {}, folder


BASE = """\
---
titel: Ett projekt att ändra i
förbund: Samordningsförbundet Exempel
status: avslutat
period:
  start: 2019-03
  slut: 2021-12
parter: [kommun]
målgrupp: [nyanlanda]
metoder: [motiverande-samtal]
resultat:
  sammanfattning: Fyrtio deltagare började och femton fick arbete.
  deltagare: 40
  till_arbete: 15
framgång:
  grad: 1
  motivering: Deltagarna kom närmare arbete och metoden prövades.
lärdomar:
  - Tidig kontakt med arbetsgivare var avgörande.
---
Projektet prövade en ny metod.
"""
IMPLEMENTATION = """
  implementerad_hos:
    - organisation: Exempels kommun
      år: 2022
      beskrivning: Metoden används i kommunens ordinarie verksamhet.
"""
DECISION = """
  beslut:
    - beslut: Kommunfullmäktige beslutade om gemensam finansiering.
      beslutsfattare: Kommunfullmäktige
      år: 2022
"""
OBSERVATION = """systemfel:
  - id: svarte-petter
    observation: Kostnaden hamnade hos kommunen när staten vann.
"""
MOTIVERING = "  motivering: Deltagarna kom närmare arbete och metoden prövades.\n"


def edit(*pairs: str) -> str:
    text = BASE
    for old, new in zip(pairs[::2], pairs[1::2]):
        text = replace(text, old, new)
    return text


# Each file breaks one rule a JSON Schema can express; both must refuse it.
BROKEN_PROJEKT = {
    "grad-1-utan-resultat": edit("status: avslutat", "status: planerat", "  slut: 2021-12\n", "",
                                 "lärdomar:\n  - Tidig kontakt med arbetsgivare var avgörande.\n", "",
                                 "resultat:\n  sammanfattning: Fyrtio deltagare började och femton fick arbete.\n"
                                 "  deltagare: 40\n  till_arbete: 15\n", ""),
    "grad-2-utan-implementerad-hos": edit("grad: 1", "grad: 2"),
    "grad-2-med-tom-implementerad-hos": edit("grad: 1", "grad: 2", MOTIVERING, MOTIVERING + "  implementerad_hos: []\n"),
    "grad-3-utan-beslut": edit("grad: 1", "grad: 3", "lärdomar:", OBSERVATION + "lärdomar:"),
    "grad-3-utan-systemfel": edit("grad: 1", "grad: 3", MOTIVERING, MOTIVERING + DECISION.lstrip("\n")),
    "avslutat-utan-slut": edit("  slut: 2021-12\n", ""),
    "avslutat-med-tomt-slut": edit("  slut: 2021-12\n", "  slut:\n"),
    "avslutat-utan-lardomar": edit("lärdomar:\n  - Tidig kontakt med arbetsgivare var avgörande.\n", ""),
    "avslutat-med-tomma-lardomar": edit("lärdomar:\n  - Tidig kontakt med arbetsgivare var avgörande.\n",
                                        "lärdomar: []\n"),
    "avbrutet-utan-avbrottsorsak": edit("status: avslutat", "status: avbrutet"),
    "pagaende-utan-resultat": edit("status: avslutat", "status: pågående", "grad: 1", "grad: 0",
                                   "resultat:\n  sammanfattning: Fyrtio deltagare började och femton fick arbete.\n"
                                   "  deltagare: 40\n  till_arbete: 15\n", ""),
    "pagaende-med-tomt-resultat": edit("status: avslutat", "status: pågående", "grad: 1", "grad: 0",
                                       "resultat:\n  sammanfattning: Fyrtio deltagare började och femton fick"
                                       " arbete.\n  deltagare: 40\n  till_arbete: 15\n", "resultat:\n"),
    "flera-metoder-utan-metod": edit("metoder: [motiverande-samtal]", "metoder: [motiverande-samtal, studiecoachning]",
                                     "grad: 1", "grad: 2", MOTIVERING, MOTIVERING + IMPLEMENTATION.lstrip("\n")),
    "30-februari": edit("slut: 2021-12", "slut: 2016-02-30", "start: 2019-03", "start: 2015"),
    "29-februari-ett-vanligt-ar": edit("slut: 2021-12", "slut: 2021-02-29"),
    "31-april": edit("slut: 2021-12", "slut: 2021-04-31"),
    "manad-13": edit("start: 2019-03", "start: 2019-13"),
    "orimligt-ar": edit("start: 2019-03", "start: 1850"),
    "fel-statusord": edit("status: avslutat", "status: avslutad"),
    "okant-falt": edit("målgrupp:", "malgrupp:"),
    "grad-som-text": edit("grad: 1", 'grad: "1"'),
    "grad-yes": edit("grad: 1", "grad: yes"),
    "citerat-tal": edit("deltagare: 40", 'deltagare: "40"'),
    "svenskt-tal": edit("deltagare: 40", "deltagare: 4 000"),
    "parter-som-text": edit("parter: [kommun]", "parter: kommun, region"),
}
BROKEN_OTHER = {
    "metoder": {"evidens-utan-niva": replace(M, "  nivå: måttlig\n", ""),
                "insatstid-noll": replace(M, "insatstid_månader: 12", "insatstid_månader: 0")},
    "systemfel": {"historik-31-april": replace(S, "datum: 2020-05", "datum: 2020-04-31"),
                  "kategori-utanfor": replace(S, "kategori: finansiering", "kategori: pengar")},
}


def test_each_broken_file_is_refused_by_both_the_checker_and_the_independent_validator(tmp_path, bank_root):
    write_bank(bank_root, {"metoder/motiverande-samtal.md": M, "metoder/studiecoachning.md": M,
                           "systemfel/svarte-petter.md": S}, good=False)
    checker = refused_by_checker(bank_root, "projekt", {"utgangslage": BASE, **BROKEN_PROJEKT})
    validator = refused_by_validator("projekt", {"utgangslage": BASE, **BROKEN_PROJEKT}, tmp_path / "projekt")
    assert "utgangslage" not in checker and "utgangslage" not in validator  # each file breaks one rule
    assert sorted(checker) == sorted(BROKEN_PROJEKT)
    assert sorted(validator) == sorted(BROKEN_PROJEKT)
    for folder, files in BROKEN_OTHER.items():
        assert sorted(refused_by_checker(bank_root, folder, files)) == sorted(files)
        assert sorted(refused_by_validator(folder, files, tmp_path / folder)) == sorted(files)


# What only the checker can refuse (BIDRA.md, "Det här säger bara kontrollen till om"):
# the checker refuses each, the schema accepts it.
CHECKER_ONLY = {
    "slut-fore-start": (edit("slut: 2021-12", "slut: 2018-12"), "period.slut (2018-12) ligger före period.start"),
    "ar-fore-start": (edit("grad: 1", "grad: 2", MOTIVERING, MOTIVERING + IMPLEMENTATION.lstrip("\n").replace(
        "år: 2022", "år: 2017")), "ligger före projektets start"),
    "fler-till-arbete-an-deltagare": (edit("till_arbete: 15", "till_arbete: 45"), "är fler än deltagare"),
    "metod-som-inte-finns": (edit("metoder: [motiverande-samtal]", "metoder: [finns-inte]"),
                             "metoden 'finns-inte' finns inte"),
    "implementering-av-annan-metod": (edit("grad: 1", "grad: 2", MOTIVERING, MOTIVERING + IMPLEMENTATION.lstrip(
        "\n").replace("    - organisation: Exempels kommun\n", "    - organisation: Exempels kommun\n"
                      "      metod: studiecoachning\n")), "är inte projektets metod"),
    "heltal-med-decimaler": (edit("deltagare: 40", "deltagare: 40.0"), "ska vara ett heltal"),
    "oktalt-tal": (edit("deltagare: 40", "deltagare: 040"), "läses av YAML som ett oktalt tal"),
    "titel-yes": (edit("titel: Ett projekt att ändra i", "titel: yes"), "läses av YAML som ja/nej-värdet"),
    "hopslagna-lardomar": (edit("  - Tidig kontakt med arbetsgivare var avgörande.\n",
                                "  - Tidig kontakt med arbetsgivare var avgörande.\n    - Mät från start.\n"),
                           "läses som en fortsättning på listelementet"),
    "personnummer": (edit("Projektet prövade en ny metod.", "Deltagaren 19121212-1212 började."), "personnummer"),
    "script-i-texten": (edit("Projektet prövade en ny metod.", "<script>alert(1)</script>"), "script"),
}


def test_what_only_the_checker_refuses_is_what_the_guide_lists(tmp_path, bank_root):
    write_bank(bank_root, {"metoder/motiverande-samtal.md": M, "metoder/studiecoachning.md": M,
                           "systemfel/svarte-petter.md": S}, good=False)
    files = {name: text for name, (text, _message) in CHECKER_ONLY.items()}
    checker = refused_by_checker(bank_root, "projekt", files)
    for name, (_text, message) in CHECKER_ONLY.items():
        assert any(message in line for line in checker.get(name, [])), (name, checker.get(name))
    # An editor reads the file with YAML 1.2 and validates it against the schema: no complaint.
    assert refused_by_validator("projekt", files, tmp_path, reader=as_an_editor_reads_it) == {}
    guide = " ".join((REPO / "BIDRA.md").read_text(encoding="utf-8").split())
    section = guide.split("## Det här säger bara kontrollen till om", 1)[1].split("## ", 1)[0]
    for named in ("Hänvisningar till andra filer", "`implementerad_hos[].metod`", "`period.slut` inte ligger före",
                  "`till_arbete` och `till_studier`", "`historik`", "HTML", "Personnummer", "Filen själv",
                  "`budget_kr: 7900000.0`", "`yes`", "`055`", "`1:30`", "`!!str`", "ett `-` som är indraget",
                  "NFD", "Varningar"):
        assert named in section, named


def test_the_date_pattern_accepts_exactly_the_real_dates():
    pattern = re.compile(schema.DATE_PATTERN)
    for year in range(1895, 2106):
        assert bool(pattern.match(str(year))) == (1900 <= year <= 2100)
        for month in range(0, 14):
            assert bool(pattern.match(f"{year}-{month:02d}")) == (1900 <= year <= 2100 and 1 <= month <= 12)
            for day in range(0, 33):
                try:
                    real = dt.date(year, month, day) and 1900 <= year <= 2100
                except ValueError:
                    real = False
                assert bool(pattern.match(f"{year}-{month:02d}-{day:02d}")) == real, (year, month, day)


# --------------------------------------------------------------------------
# 7. The pre-commit hook without .venv, and 1. the README and `make site`


def test_the_hook_says_in_swedish_to_run_make_site_first(tmp_path):
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entry = config["repos"][0]["hooks"][0]["entry"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    assert not (tmp_path / ".venv").exists()
    result = subprocess.run([*shlex.split(entry), "projekt/x.md"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Kontrollen kan inte köras eftersom metodbank inte är installerat. Kör make site"
                                     " först (det installerar metodbank i .venv) och gör sedan commit igen.")
    assert "not found" not in result.stderr


def test_the_readme_and_make_site_point_at_make_serve_never_at_a_file():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Snabbstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert quick_start == "make site\nmake test\n"
    below = " ".join(readme.split("## Snabbstart", 1)[1].split("## ", 1)[0].split())
    assert "titta sedan på webbplatsen med `make serve`" in below and "index.html" not in readme
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    site = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    last = site.strip().splitlines()[-1]
    assert "make serve" in last and "http://127.0.0.1:8000/" in last
    assert "index.html" not in site and "Öppna" not in site


# --------------------------------------------------------------------------
# 5. The form over the whole contract (a real build, in headless Chromium)


@pytest.fixture(scope="module")
def form_bank(tmp_path_factory) -> Path:
    return copy_bank(tmp_path_factory.mktemp("formular-16") / "bank")


@pytest.fixture(scope="module")
def form_url(form_bank, tmp_path_factory):
    from contribution_helpers import build_site, serve

    site = tmp_path_factory.mktemp("formular-16") / "site"
    build_site(form_bank, site)
    with serve(site) as url:
        yield url + "lamna-in/"


@pytest.fixture
def form(form_url):
    from contribution_helpers import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} saknas (Debians chromium-paket)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(accept_downloads=True, locale="sv-SE")
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(form_url)
        tab.wait_for_selector("#mb-formular[data-klar='ja']", timeout=15000)
        yield tab
        browser.close()
        assert errors == [], f"JavaScript-fel på sidan: {errors}"


@pytest.mark.build
@pytest.mark.browser
def test_the_form_records_funding_a_calculation_and_several_implementations_and_decisions(form, form_bank):
    page = form
    page.fill("#f-titel", "Hela kontraktet i formuläret")
    page.fill("#f-forbund", "Samordningsförbundet Exempel, Samordningsförbundet Östra Södertörn")
    page.select_option("#f-status", "avslutat")
    page.fill("#f-period-start", "2020-01")
    page.fill("#f-period-slut", "2023-12")
    for group, key in (("parter", "kommun"), ("parter", "region"), ("malgrupp", "nyanlanda"),
                       ("metoder", "ips-supported-employment"), ("metoder", "motiverande-samtal")):
        page.check(f'input[name="{group}"][value="{key}"]')
    page.select_option("#f-fin-kalla", "samordningsförbund")
    page.fill("#f-fin-kr", "3000000")
    page.click('button[data-mall="fin"]')
    page.select_option("#f-fin-kalla-2", "esf")
    page.fill("#f-resultat-sammanfattning", "Fyrtio deltagare började och femton fick arbete.")
    page.fill("#f-resultat-deltagare", "40")
    page.select_option("#f-sek-typ", "uppföljning")
    page.fill("#f-sek-kalkylperiod", "5")
    page.fill("#f-sek-ranta", "0.04")
    page.fill("#f-sek-insatskostnad", "4500000")
    page.fill("#f-sek-utfall-kommun", "3100000")
    page.fill("#f-sek-utfall-produktionsvarde", "−200000")  # a typographic minus
    page.check('input[name="framgang-grad"][value="3"]')
    page.fill("#f-framgang-motivering", "Kalkylen låg till grund för ett beslut om gemensam finansiering.")
    page.fill("#f-impl-organisation", "Exempels kommun, arbetsmarknadsenheten")
    page.select_option("#f-impl-metod", "motiverande-samtal")
    page.fill("#f-impl-ar", "2022")
    page.fill("#f-impl-beskrivning", "Två handledare finansieras i kommunens egen budget.")
    page.click('button[data-mall="impl"]')
    page.fill("#f-impl-organisation-2", "Regionen, psykiatrin")
    page.select_option("#f-impl-metod-2", "ips-supported-employment")
    page.fill("#f-impl-ar-2", "2023")
    page.fill("#f-impl-beskrivning-2", "En IPS-handledare finns i psykiatrins ordinarie budget.")
    page.fill("#f-beslut-beslut", "Kommunfullmäktige beslutade om gemensam finansiering med regionen.")
    page.fill("#f-beslut-beslutsfattare", "Kommunfullmäktige")
    page.fill("#f-beslut-ar", "2023")
    page.check('input[name="beslut-systemfel"][value="svarte-petter"]')
    page.click('button[data-mall="beslut"]')
    page.fill("#f-beslut-beslut-2", "Regionfullmäktige beslutade att finansiera insatsen i fem år.")
    page.fill("#f-beslut-beslutsfattare-2", "Regionfullmäktige")
    page.fill("#f-beslut-ar-2", "2023")
    page.check('input[name="systemfel"][value="svarte-petter"]')
    page.fill("#f-sf-svarte-petter-observation", "Fjorton deltagare förlorade ersättningen vid arbetsträning.")
    page.fill("#f-lardomar", "Tidig kontakt med arbetsgivare, och uthållighet, var avgörande.")
    page.fill("#f-text", "## Bakgrund\n\nKostnaderna hamnade hos fel huvudman.\n")
    with page.expect_download() as info:
        page.click("#mb-ladda-ner")
    target = form_bank / "projekt" / info.value.suggested_filename
    info.value.save_as(target)
    data = parse(target.read_text(encoding="utf-8")).data
    assert data["förbund"] == ["Samordningsförbundet Exempel", "Samordningsförbundet Östra Södertörn"]
    assert data["finansiering"] == [{"källa": "samordningsförbund", "kr": 3000000}, {"källa": "esf"}]
    assert data["resultat"]["socioekonomi"]["utfall_kr"] == {"kommun": 3100000, "produktionsvarde": -200000}
    assert [i["metod"] for i in data["framgång"]["implementerad_hos"]] == ["motiverande-samtal",
                                                                         "ips-supported-employment"]
    assert [b["beslutsfattare"] for b in data["framgång"]["beslut"]] == ["Kommunfullmäktige", "Regionfullmäktige"]
    assert data["framgång"]["beslut"][0]["systemfel"] == ["svarte-petter"]
    code, out, _err = metodbank(form_bank, "kontrollera", f"projekt/{target.name}")
    assert (code, out) == (0, ""), out


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("field_id, value, message", [
    ("f-period-start", "2016-02-30", "Dagen finns inte i den månaden."),
    ("f-sek-ranta", "0,04", "Skriv talet med punkt som decimaltecken: 0.04."),
])
def test_the_form_explains_impossible_dates_and_decimal_commas(form, field_id, value, message):
    form.select_option("#f-sek-typ", "prognos")
    form.fill(f"#{field_id}", value)
    form.press(f"#{field_id}", "Tab")
    assert form.inner_text(f"#fel-{field_id}") == message
