"""`metodbank ny projekt|metod|systemfel <slug>`: a new file from a template."""

from __future__ import annotations

import os
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contribution_helpers import METODBANK, clean_env, copy_bank, metodbank
from metodbank import schema
from metodbank.frontmatter import parse

PROJEKT_OPTIONS = [
    "--titel", "Unga vuxna i arbete",
    "--förbund", "Samordningsförbundet Östra Södertörn",
    "--start", "2026-03",
    "--målgrupp", "unga-vuxna-20-29,psykisk-ohalsa",
    "--parter", "arbetsformedlingen,kommun",
    "--metoder", "ips-supported-employment",
]
METOD_OPTIONS = ["--titel", "Jobbcoachning i grupp",
                 "--sammanfattning", "Deltagarna träffas i små grupper med en coach och stöttar varandra."]
SYSTEMFEL_OPTIONS = [
    "--titel", "Stödet upphör vid 20 år",
    "--sammanfattning", "Kommunens aktivitetsansvar upphör när den unga fyller 20 år.",
    "--kategori", "tidsgranser", "--berörda", "kommun,skola", "--beslutsnivå", "nationell",
    "--förslag", "Låt aktivitetsansvaret gälla till 25 år för den som inte har fullföljt gymnasiet.",
]


@pytest.fixture(scope="module")
def template_bank(tmp_path_factory) -> Path:
    return copy_bank(tmp_path_factory.mktemp("mall"), with_docs=False)


@pytest.fixture
def bank(tmp_path, template_bank) -> Path:
    import shutil

    target = tmp_path / "bank"
    shutil.copytree(template_bank, target)
    return target


def check(bank: Path, *paths: str) -> tuple[int, list[str]]:
    code, out, _err = metodbank(bank, "kontrollera", *paths)
    return code, out.splitlines()


def front(path: Path) -> dict:
    return parse(path.read_text(encoding="utf-8")).data


# --------------------------------------------------------------------------
# Created with options, each kind passes the checker


@pytest.mark.parametrize("kind, folder, options", [
    ("projekt", "projekt", [*PROJEKT_OPTIONS, "--status", "planerat"]),
    ("metod", "metoder", METOD_OPTIONS),
    ("systemfel", "systemfel", SYSTEMFEL_OPTIONS),
])
def test_a_file_made_with_options_passes_the_checker(bank, kind, folder, options):
    code, out, err = metodbank(bank, "ny", kind, "ny-fil", *options)
    assert (code, err) == (0, "")
    path = bank / folder / "ny-fil.md"
    assert f"Skapade {folder}/ny-fil.md." in out
    assert f"metodbank kontrollera {folder}/ny-fil.md" in out
    assert check(bank, f"{folder}/ny-fil.md") == (0, [])
    # ... and the whole bank still passes (it refers to existing metoder only).
    assert check(bank)[0] == 0


@pytest.mark.parametrize("kind, folder", [("projekt", "projekt"), ("metod", "metoder"), ("systemfel", "systemfel")])
def test_the_schema_directive_is_the_first_line_of_the_front_matter(bank, kind, folder):
    assert metodbank(bank, "ny", kind, "med-schema")[0] == 0
    lines = (bank / folder / "med-schema.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "---"
    assert lines[1] == f"# yaml-language-server: $schema=../schema/{schema.FILE_NAMES[folder]}"
    # the schema it names is the one `metodbank schema` writes and the site publishes
    assert schema.FILE_NAMES[folder] in {p.name for p in schema.write_all(bank / "schema")}


def test_the_remaining_fields_carry_swedish_guidance(bank):
    metodbank(bank, "ny", "projekt", "vagledning", *PROJEKT_OPTIONS, "--status", "planerat")
    text = (bank / "projekt" / "vagledning.md").read_text(encoding="utf-8")
    for field in ("resultat:", "implementerad_hos:", "beslut:", "systemfel:", "lärdomar:", "utvärdering:", "kontakt:",
                  "budget_kr:", "kommuner:"):
        line = next(line for line in text.splitlines() if field in line)
        assert line.lstrip().startswith("#"), f"{field} ska vara utkommenterat i en planerad fil: {line}"
    assert "# krävs" in text and "aldrig en deltagare" in text
    assert "Skriv aldrig personuppgifter" in text  # guidance in the body as HTML comments


# --------------------------------------------------------------------------
# What is left to fill in when a project has started (documented in the guide)


def test_a_started_project_lists_what_is_left_and_passes_once_filled(bank):
    code, _out, _err = metodbank(bank, "ny", "projekt", "startat", *PROJEKT_OPTIONS, "--status", "avbrutet",
                                 "--slut", "2026-09")
    assert code == 0
    path = bank / "projekt" / "startat.md"
    code, lines = check(bank, "projekt/startat.md")
    assert code == 1
    text = "\n".join(lines)
    for expected in ("'resultat.sammanfattning' saknar värde", "'framgång.motivering' saknar värde",
                     "'lärdomar[1]' saknar värde", "fältet 'avbrottsorsak' krävs"):
        assert expected in text
    assert len(lines) == 4, lines
    content = path.read_text(encoding="utf-8")
    content = re.sub(r"(?m)^  sammanfattning:.*$", "  sammanfattning: Tolv deltagare började innan projektet avbröts.", content)
    content = re.sub(r"(?m)^  motivering:.*$", "  motivering: Projektet avbröts innan metoden hann prövas.", content)
    content = re.sub(r"(?m)^  -\s*$", "  - Förankra finansieringen hos alla parter innan start.", content)
    content = re.sub(r"(?m)^avbrottsorsak:.*$", "avbrottsorsak: Regionen drog sig ur finansieringen efter ett halvår.",
                     content)
    path.write_text(content, encoding="utf-8")
    assert check(bank, "projekt/startat.md") == (0, [])


def test_a_finished_project_without_end_date_is_told_to_add_it(bank):
    metodbank(bank, "ny", "projekt", "utan-slut", *PROJEKT_OPTIONS, "--status", "avslutat",
              "--motivering", "Deltagarna fick stöd men metoden lever inte vidare.")
    code, lines = check(bank, "projekt/utan-slut.md")
    assert code == 1
    assert any("period.slut krävs när status är 'avslutat'" in line for line in lines)


# --------------------------------------------------------------------------
# YAML safety: user text is quoted and escaped, never interpreted


HOSTILE = [
    'Ja: "nej" # inte en kommentar',
    "yes",
    "on",
    "- lista?",
    "{ a: [b, c] } & *alias !tagg | > %",
    "Titel med \\ bakstreck och 'apostrof'",
    "---",
    "Radslut\u2028mitt i\u0085och\u00a0hårt mellanslag",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_user_text_is_yaml_safe(bank, title):
    code, _out, err = metodbank(bank, "ny", "projekt", "farlig-titel", *PROJEKT_OPTIONS, "--status", "planerat",
                                f"--titel={title}", f"--förbund={title.replace(',', '')}")  # commas separate förbund
    if len(" ".join(title.split())) < 3:
        assert code == 2
        return
    assert (code, err) == (0, "")
    data = front(bank / "projekt" / "farlig-titel.md")
    expected = " ".join(title.split())
    assert data["titel"] == expected
    assert data["förbund"] == expected.replace(",", "")
    assert check(bank, "projekt/farlig-titel.md") == (0, [])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=3, max_size=120).filter(lambda s: 3 <= len(" ".join(s.split())) and "\x00" not in s))
def test_any_title_round_trips(tmp_path_factory, template_bank, title):
    import shutil

    bank = tmp_path_factory.mktemp("hyp") / "bank"
    shutil.copytree(template_bank, bank, ignore=shutil.ignore_patterns("projekt"))
    (bank / "projekt").mkdir()
    code, _out, err = metodbank(bank, "ny", "metod", "godtycklig", *METOD_OPTIONS, f"--titel={title}")
    expected = " ".join(title.split())
    import unicodedata

    expected = unicodedata.normalize("NFC", expected)
    if len(expected) > 200 or len(expected) < 3:
        assert code == 2
        return
    assert (code, err) == (0, "")
    assert front(bank / "metoder" / "godtycklig.md")["titel"] == expected


# --------------------------------------------------------------------------
# Refusals: exit 2 with a clear Swedish message, nothing written


def test_an_invalid_slug_is_refused_with_a_suggestion(bank):
    before = sorted(p.name for p in (bank / "projekt").iterdir())
    code, _out, err = metodbank(bank, "ny", "projekt", "Vägen till Jobb!")
    assert code == 2
    assert "'Vägen till Jobb!' kan inte vara ett filnamn" in err
    assert "Förslag: 'vagen-till-jobb'" in err
    assert sorted(p.name for p in (bank / "projekt").iterdir()) == before


@pytest.mark.parametrize("slug", ["ab", "-borjar-med-streck", "slutar-med-streck-", "x" * 81, "med_understreck"])
def test_other_bad_slugs_are_refused(bank, slug):
    code, _out, err = metodbank(bank, "ny", "metod", "--", slug)
    assert code == 2 and "kan inte vara ett filnamn" in err


def test_an_existing_slug_is_refused_and_the_file_kept(bank):
    path = bank / "projekt" / "ung-kraft-vara.md"
    before = path.read_bytes()
    code, _out, err = metodbank(bank, "ny", "projekt", "ung-kraft-vara", *PROJEKT_OPTIONS)
    assert code == 2
    assert "projekt/ung-kraft-vara.md finns redan" in err and "'ung-kraft-vara-2'" in err
    assert path.read_bytes() == before


def test_a_trailing_md_is_accepted(bank):
    assert metodbank(bank, "ny", "metod", "med-filandelse.md", *METOD_OPTIONS)[0] == 0
    assert (bank / "metoder" / "med-filandelse.md").is_file()


@pytest.mark.parametrize("options, message", [
    (["--målgrupp", "unga"], "--målgrupp: 'unga' finns inte i vokabulären 'målgrupp'. Tillåtna värden: unga-16-19"),
    (["--parter", "kommunen"], "menade du 'kommun'?"),
    (["--status", "klart"], "--status: 'klart' är inte tillåtet. Tillåtna värden: planerat, pågående, avslutat, avbrutet"),
    (["--start", "mars 2024"], "--start: 'mars 2024' är inget giltigt datum"),
    (["--start", "2024-05", "--slut", "2023"], "--slut (2023) ligger före --start (2024-05)"),
    (["--metoder", "ips-supported-employmen"], "det finns ingen metod 'metoder/ips-supported-employmen.md' — menade du 'ips-supported-employment'?"),
    (["--metoder", "helt-ny-metod"], "Skapa den först med: metodbank ny metod helt-ny-metod"),
    (["--titel", "A"], "--titel: 1 tecken, ska vara 3–200"),
    (["--kategori", "regelverk"], "--kategori hör inte till 'projekt'"),
])
def test_bad_values_are_refused(bank, options, message):
    code, _out, err = metodbank(bank, "ny", "projekt", "fel-varde", *options)
    assert code == 2
    assert message in err
    assert not (bank / "projekt" / "fel-varde.md").exists()


def test_outside_a_bank_it_says_where_to_stand(tmp_path):
    code, _out, err = metodbank(tmp_path, "ny", "metod", "ingen-bank")
    assert code == 2 and "du står inte i en metodbank" in err


def test_mapp_points_at_the_bank(bank, tmp_path):
    elsewhere = tmp_path / "annanstans"
    elsewhere.mkdir()
    code, _out, _err = metodbank(elsewhere, "ny", "metod", "via-mapp", "--mapp", str(bank), *METOD_OPTIONS)
    assert code == 0 and (bank / "metoder" / "via-mapp.md").is_file()


def test_listed_forbund_are_enforced(bank):
    config = bank / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "vokabular: {}", "vokabular:\n        förbund:\n          ostra-sodertorn: Samordningsförbundet Östra Södertörn"),
        encoding="utf-8")
    code, _out, err = metodbank(bank, "ny", "projekt", "listat", *PROJEKT_OPTIONS, "--förbund", "Okänt förbund")
    assert code == 2 and "finns inte bland förbunden i mkdocs.yml" in err
    assert metodbank(bank, "ny", "projekt", "listat", *PROJEKT_OPTIONS, "--status", "planerat")[0] == 0
    assert check(bank, "projekt/listat.md") == (0, [])


# --------------------------------------------------------------------------
# In a terminal: questions, choices by number, answers checked at once


class Terminal:
    """The real `metodbank` command on a pseudo-terminal."""

    def __init__(self, cwd: Path, *args: str):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([str(METODBANK), *args], cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                                     env=clean_env(TERM="dumb"), close_fds=True)
        os.close(slave)
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
                if not chunk:
                    assert text in self.seen, f"processen slutade innan {text!r}:\n{self.seen}"
                self.seen += chunk
        before, _, after = self.seen.partition(text)
        self.seen = after
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


def test_in_a_terminal_it_asks_and_checks_each_answer(bank):
    term = Terminal(bank, "ny", "projekt", "fragat-projekt")
    term.answer("Titel (3–200 tecken): ", "Ab")
    term.answer("Titel (3–200 tecken): ", "Unga i Vara")  # asked again: too short
    term.answer("Förbundets namn (flera med kommatecken): ", "Finsam Västra Skaraborg")
    listing = term.answer("Välj (nummer eller namn): ", "1")
    assert "1. planerat" in listing and "4. avbrutet" in listing
    term.answer("Startdatum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD): ", "2026-13")
    term.answer("Startdatum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD): ", "2026-09")  # month 13 refused
    term.answer("Slutdatum (lämna tomt om det inte är bestämt): ", "")
    listing = term.answer("Välj (nummer eller namn, flera med kommatecken): ", "1, unga-vuxna-20-29")
    assert "1. unga-16-19 – Unga 16–19 år" in listing
    term.answer("Välj (nummer eller namn, flera med kommatecken): ", "kommun, 99")
    term.answer("Välj (nummer eller namn, flera med kommatecken): ", "3")  # 99 is not in the list
    listing = term.answer("Välj (nummer eller namn, flera med kommatecken): ", "2")
    assert "ips-supported-employment – " in listing  # existing metoder with their titles
    rest = term.expect("metodbank kontrollera projekt/fragat-projekt.md")
    assert "Skapade projekt/fragat-projekt.md." in rest
    assert term.close() == 0
    data = front(bank / "projekt" / "fragat-projekt.md")
    assert data["titel"] == "Unga i Vara"
    assert data["förbund"] == "Finsam Västra Skaraborg"
    assert data["status"] == "planerat"
    assert str(data["period"]["start"]) == "2026-09"
    assert data["målgrupp"] == ["unga-16-19", "unga-vuxna-20-29"]
    assert data["parter"] == ["kommun"]
    metoder = sorted(p.stem for p in (bank / "metoder").glob("*.md"))
    assert data["metoder"] == [metoder[1]]
    assert check(bank, "projekt/fragat-projekt.md") == (0, [])


def test_in_a_terminal_options_given_are_not_asked_again(bank):
    term = Terminal(bank, "ny", "metod", "fragad-metod", "--titel", "Fråga inte om titeln")
    term.answer("Sammanfattning (20–300 tecken): ", "En metod som prövas i terminalen, steg för steg.")
    term.answer("Välj (nummer eller namn, flera med kommatecken): ", "")  # målgrupp is optional
    term.expect("Skapade metoder/fragad-metod.md.")
    assert term.close() == 0
    assert "Titel" not in term.seen
    data = front(bank / "metoder" / "fragad-metod.md")
    assert data["titel"] == "Fråga inte om titeln"
    assert check(bank, "metoder/fragad-metod.md") == (0, [])


def test_the_installed_command_works_without_a_terminal(bank):
    """The console script itself (not only main()): stdin is not a terminal, so it never asks."""
    result = subprocess.run([str(METODBANK), "ny", "systemfel", "fran-skript", *SYSTEMFEL_OPTIONS], cwd=bank,
                            env=clean_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((bank / "systemfel" / "fran-skript.md").read_text(encoding="utf-8").split("---")[1])[
        "kategori"] == "tidsgranser"


def test_the_committed_schema_the_directive_points_at_is_current():
    """New files name ../schema/<kind>.schema.json: it must exist and match the model
    (regenerate with `make schema` after changing model.py or the vocabularies)."""
    from repo_helpers import REPO
    from metodbank.settings import read_settings

    vocab = read_settings(REPO / "mkdocs.yml").vocab
    for kind, name in schema.FILE_NAMES.items():
        committed = REPO / "schema" / name
        assert committed.is_file(), f"schema/{name} saknas: kör make schema"
        assert committed.read_text(encoding="utf-8") == schema.render(kind, vocab), f"schema/{name} är inaktuell: kör make schema"
