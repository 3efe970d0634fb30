"""Safe publishing II: content and config that used to crash, hang or be
read wrongly, each with the exact Swedish message it now gives.

Odd file types (FIFOs, devices, sockets, outward symlinks, huge sparse
files, ``.MD``) are refused before anything is read; YAML 1.1 surprises
(tags, octal and base-60 numbers, recursive aliases, deep nesting, huge
integers) are refused at their line; a broken ``mkdocs.yml`` is a usage
error (exit 2) on every command, and the plugin's ``innehall`` is honoured.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from checker_helpers import GOOD_METOD, GOOD_PROJEKT, check, line_of, load_lines, replace, run_cli, write_bank
from contribution_helpers import clean_env, metodbank
from robustness_helpers import deadline

from metodbank import bank as bank_module
from metodbank import settings as settings_module
from metodbank.bank import MAX_BYTES, Refused, read_content
from metodbank.cli.sok import clean, json_for_terminal
from metodbank.settings import Settings, SettingsError, read_settings
from metodbank.vokabular import Vocabularies, VocabularyError

M, P = GOOD_METOD, GOOD_PROJEKT
NEW_M, NEW_P = "metoder/ny-metod.md", "projekt/nytt-projekt.md"
METODBANK = Path(sys.executable).parent / "metodbank"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run(root: Path, files: dict) -> list[str]:
    write_bank(root, files)
    with deadline():
        return check(root)


# --------------------------------------------------------------------------
# Paths that are not regular files inside the bank: refused before reading

NOT_REGULAR = "är ingen vanlig fil utan {}: metodbanken läser bara vanliga textfiler — ta bort den"


def test_fifo_is_refused_without_blocking(bank_root):
    write_bank(bank_root)
    os.mkfifo(bank_root / "projekt" / "ror.md")
    assert run(bank_root, {}) == [f"projekt/ror.md:1: 'ror.md' {NOT_REGULAR.format('en namngiven pipe (FIFO)')}"]
    # The installed command too, as its own process: it must end.
    result = subprocess.run([str(METODBANK), "kontrollera"], cwd=bank_root, env=clean_env(), capture_output=True,
                            text=True, timeout=60)
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        f"projekt/ror.md:1: 'ror.md' {NOT_REGULAR.format('en namngiven pipe (FIFO)')}"])


def test_socket_is_refused(bank_root):
    write_bank(bank_root)
    with contextlib.chdir(bank_root / "systemfel"), socket.socket(socket.AF_UNIX) as server:
        server.bind("uttag.md")  # relative: a socket path may be at most 108 bytes
    assert run(bank_root, {}) == [f"systemfel/uttag.md:1: 'uttag.md' {NOT_REGULAR.format('en socket')}"]


def test_symlink_to_dev_zero_is_refused_not_read(bank_root, monkeypatch):
    write_bank(bank_root)
    (bank_root / "projekt" / "noll.md").symlink_to("/dev/zero")
    opened = []
    real = bank_module.read_content
    monkeypatch.setattr(bank_module, "read_content", lambda path, ident=None: opened.append(path.name) or real(path, ident))
    assert run(bank_root, {}) == [
        "projekt/noll.md:1: 'noll.md' är en symbolisk länk som leder utanför banken (/dev/zero):"
        " lägg filen i banken i stället för att länka till den"
    ]
    assert "noll.md" not in opened


def test_symlink_out_of_the_bank_is_refused(bank_root, tmp_path):
    secret = tmp_path / "hemlig.md"
    secret.write_text(M, encoding="utf-8")
    write_bank(bank_root)
    (bank_root / "metoder" / "lankad.md").symlink_to(secret)
    assert run(bank_root, {}) == [
        f"metoder/lankad.md:1: 'lankad.md' är en symbolisk länk som leder utanför banken ({secret}):"
        " lägg filen i banken i stället för att länka till den"
    ]


def test_folder_linked_out_of_the_bank_is_refused(bank_root, tmp_path):
    outside = tmp_path / "utanfor"
    write_bank(outside)
    write_bank(bank_root, {"systemfel/exempelfel.md": None})
    (bank_root / "systemfel").rmdir()
    (bank_root / "systemfel").symlink_to(outside / "systemfel")
    assert run(bank_root, {}) == [
        "projekt/exempelprojekt.md:21: systemfel: systemfelet 'exempelfel' finns inte (ingen fil"
        " systemfel/exempelfel.md). Är det nytt? Skapa det med: metodbank ny systemfel exempelfel",
        "systemfel/exempelfel.md:1: 'exempelfel.md' ligger i en mapp som är en symbolisk länk ut ur banken:"
        " lägg filen i banken",
    ]


def test_symlink_inside_the_bank_is_read(bank_root):
    write_bank(bank_root)
    (bank_root / "metoder" / "samma-metod.md").symlink_to("exempelmetod.md")
    assert run(bank_root, {}) == []


def test_dangling_symlink_is_reported(bank_root):
    write_bank(bank_root)
    (bank_root / "metoder" / "borta.md").symlink_to("finns-inte.md")
    assert run(bank_root, {}) == [
        "metoder/borta.md:1: 'borta.md' är en symbolisk länk till en fil som inte finns: ta bort länken"
    ]


def test_sparse_2_gb_file_is_refused_from_its_size(bank_root, monkeypatch):
    write_bank(bank_root)
    with open(bank_root / "projekt" / "jatte.md", "wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: no disk used
    opened = []
    real = bank_module.read_content
    monkeypatch.setattr(bank_module, "read_content", lambda path, ident=None: opened.append(path.name) or real(path, ident))
    assert run(bank_root, {}) == [
        "projekt/jatte.md:1: filen är för stor (2147484 kB, högst 1000 kB): korta texten eller länka till bilagor"
    ]
    assert "jatte.md" not in opened


def test_reading_is_bounded_and_checks_the_file_it_opens(tmp_path):
    path = tmp_path / "fil.md"
    path.write_bytes(b"a" * (MAX_BYTES + 10))
    with pytest.raises(Refused, match=r"^filen är för stor \(1001 kB, högst 1000 kB\)"):
        read_content(path)
    path.write_bytes(b"kort")
    with pytest.raises(Refused, match="^filen byttes ut medan den kontrollerades: kör kontrollen igen$"):
        read_content(path, ident=(0, 0))
    with pytest.raises(Refused, match="^'null' är ingen vanlig fil"):
        read_content(Path("/dev/null"))
    info = path.stat()
    assert read_content(path, (info.st_dev, info.st_ino)) == b"kort"


def test_upper_case_md_is_reported_not_skipped(bank_root):
    assert run(bank_root, {"metoder/versaler.MD": M}) == [
        "metoder/versaler.MD:1: filändelsen i 'versaler.MD' ska vara '.md' med små bokstäver:"
        " döp om filen till 'versaler.md'"
    ]
    assert run(bank_root, {"metoder/versaler.MD": None, "metoder/Vägen.Md": M}) == [
        "metoder/Vägen.Md:1: filändelsen i 'Vägen.Md' ska vara '.md' med små bokstäver: döp om filen till 'vagen.md'",
        "metoder/versaler.MD:1: filändelsen i 'versaler.MD' ska vara '.md' med små bokstäver:"
        " döp om filen till 'versaler.md'",
    ]


def test_upper_case_md_fails_the_build_with_the_same_message(tmp_path):
    import shutil

    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "docs", tmp_path / "docs")
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    write_bank(tmp_path, {"metoder/versaler.MD": M})
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["metodbank"]
    plugin.on_config(config)
    with contextlib.chdir(tmp_path), pytest.raises(PluginError) as raised:
        plugin.on_files(Files([]), config)
    assert str(raised.value).splitlines()[1:] == [
        "metoder/versaler.MD:1: filändelsen i 'versaler.MD' ska vara '.md' med små bokstäver:"
        " döp om filen till 'versaler.md'"
    ]


def test_file_name_that_is_not_utf8_still_prints(bank_root):
    write_bank(bank_root)
    with open(os.path.join(os.fsencode(bank_root / "metoder"), b"caf\xe9.md"), "w", encoding="utf-8") as handle:
        handle.write(M)
    assert run(bank_root, {}) == [
        "metoder/caf\\xe9.md:1: filnamnet 'caf\\xe9.md' är ingen giltig slug: 3–80 tecken, bara a–z, 0–9"
        " och bindestreck — döp om den till 'caf.md'"
    ]


# --------------------------------------------------------------------------
# YAML 1.1 surprises: refused at their line with a hint

TAG = "taggen '{}' är inte tillåten: ta bort den och skriv bara värdet"
AS_TEXT = " (sätt citattecken runt värdet om det ska läsas som text)"
MISFIT = "värdet '{}' passar inte taggen '{}': ta bort taggen eller rätta värdet"


@pytest.mark.parametrize("value, message", [
    ("!!binary aGVsbG8=", TAG.format("!!binary")),
    ("!!python/object/apply:os.system [ls]", TAG.format("!!python/object/apply:os.system")),
    ("!!python/name:os.system", TAG.format("!!python/name:os.system")),
    ("!!timestamp x", MISFIT.format("x", "!!timestamp")),
    ("!!timestamp 2020-01-01", TAG.format("!!timestamp")),
    ("!!bool maybe", MISFIT.format("maybe", "!!bool")),
    ("!!int", TAG.format("!!int")),
    ("!!int 12", TAG.format("!!int")),
    ("!!str 12", TAG.format("!!str") + AS_TEXT),
    ("! 12", TAG.format("!") + AS_TEXT),
    ("!!seq [1, 2]", TAG.format("!!seq")),
    ("!!map {a: 1}", TAG.format("!!map")),
    ("!<tag:yaml.org,2002:int> 12", TAG.format("!!int")),
    ("!foo x", TAG.format("!foo")),
    ("!!float tolv", MISFIT.format("tolv", "!!float")),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 and "'" not in value else None)
def test_every_explicit_tag_is_refused(bank_root, value, message):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {value}")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'insatstid')}: {message}"]


def test_tag_on_a_key_or_a_nested_list_is_refused(bank_root):
    text = replace(M, "målgrupp: [unga-vuxna-20-29]", "!!str målgrupp: !!seq [unga-vuxna-20-29]")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'målgrupp')}: {TAG.format('!!str')}{AS_TEXT}"]
    text = replace(M, "  nivå: måttlig", "  nivå: måttlig\n  källa: !!map\n    a: b")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'källa')}: {TAG.format('!!map')}"]


def test_octal_number_is_an_error_with_a_hint(bank_root):
    text = replace(P, "  deltagare: 40", "  deltagare: 055")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, '  deltagare')}: talet '055' börjar med 0 och läses av YAML som ett oktalt tal (45):"
        " skriv 55 utan inledande nolla, eller sätt citattecken runt värdet om det är text"
    ]


@pytest.mark.parametrize("value, read", [("1:00", "60"), ("1:30.5", "90.5")])
def test_sexagesimal_number_is_an_error_with_a_hint(bank_root, value, read):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {value}")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'insatstid')}: '{value}' läses av YAML som talet {read} (räknat i 60-bas,"
        f' som en tid): sätt citattecken runt värdet om det är text ("{value}"), eller skriv talet utan kolon'
    ]


@pytest.mark.parametrize("value, name, read", [("0x1F", "hexadecimalt", "31"), ("0b101", "binärt", "5")])
def test_hex_and_binary_numbers_are_errors(bank_root, value, name, read):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {value}")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'insatstid')}: talet '{value}' läses av YAML som ett {name} tal ({read}):"
        f" skriv {read} om det är talet du menar, eller sätt citattecken runt värdet om det är text"
    ]


def test_quoted_or_plain_zero_values_are_fine(bank_root):
    text = replace(replace(P, "  deltagare: 40", "  deltagare: 0"), "titel: Exempelprojektet", "titel: '055 1:00'")
    assert run(bank_root, {NEW_P: replace(text, "till_arbete: 15", "till_arbete: 0").replace(
        "till_studier: 5", "till_studier: 0")}) == []


@pytest.mark.parametrize("digits", [31, 4301, 100_000])
def test_huge_integer_is_an_error(bank_root, digits):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {'7' * digits}")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'insatstid')}: talet '7777777777777777777…' har {digits} siffror (högst 30):"
        " inget fält behöver så stora tal — sätt citattecken runt värdet om det är text"
    ]


def test_thirty_digits_reach_the_field_check(bank_root):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {'7' * 30}")
    lines = run(bank_root, {NEW_M: text})
    assert lines == [f"{NEW_M}:{line_of(text, 'insatstid')}: 'insatstid_månader' får vara högst 120 (nu: {'7' * 30})"]


@pytest.mark.parametrize("value", ["&a [*a]", "&a {b: *a}", "&a [1, [2, *a]]"])
def test_recursive_alias_is_an_error(bank_root, value):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {value}")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'insatstid')}: aliaset '*a' står inuti värdet det pekar på (ett rekursivt alias):"
        " skriv ut värdet i stället för aliaset"
    ]


def test_recursive_alias_over_lines(bank_root):
    text = replace(M, "evidens:\n  nivå: måttlig", "evidens: &e\n  nivå: måttlig\n  källa:\n    - *e")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, '- *e')}: aliaset '*e' står inuti värdet det pekar på (ett rekursivt alias):"
        " skriv ut värdet i stället för aliaset"
    ]


DEEP = "front-matter är nästlad i mer än 20 nivåer (inget fält behöver mer än 4): kontrollera indrag och parenteser [ ] { }"


@pytest.mark.parametrize("depth", [20, 21, 1000, 300_000])
def test_deep_flow_nesting(bank_root, depth):
    # 20 brackets under the top-level mapping are 21 levels.
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {'[' * depth}1{']' * depth}")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'insatstid')}: {DEEP}"]


def test_nineteen_brackets_are_not_too_deep(bank_root):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {'[' * 19}1{']' * 19}")
    assert DEEP not in "\n".join(run(bank_root, {NEW_M: text}))


def test_deep_block_nesting_points_at_the_21st_level(bank_root):
    nested = "".join(f"{'  ' * level}n{level}:\n" for level in range(30)) + f"{'  ' * 30}x: 1\n"
    text = replace(M, "insatstid_månader: 12\n", nested)
    # The top-level mapping is level 1; the mapping that starts at n20 is level 21.
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'n20:')}: {DEEP}"]


def test_deep_nesting_of_compact_lists(bank_root):
    text = replace(M, "insatstid_månader: 12", "insatstid_månader:\n" + "- " * 25 + "x")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, '- - -')}: {DEEP}"]


def test_deep_nesting_behind_an_alias(bank_root):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: &x {'[' * 18}1{']' * 18}\nkällor: [[[*x]]]")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'insatstid')}: {DEEP}"]


def test_duplicate_anchor_is_explained(bank_root):
    text = replace(M, "insatstid_månader: 12", "insatstid_månader: &x 12\nkällor: &x []")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'källor')}: YAML-fel i front-matter: samma ankare (&namn) står två gånger"
        " — ge det ena ett annat namn"
    ]


# --------------------------------------------------------------------------
# mkdocs.yml: read once, checked, exit 2 with a Swedish message

PLUGIN = "site_name: Test\nplugins:\n  - search\n  - metodbank:\n"


@pytest.mark.parametrize("config, message", [
    ("site_name: [Test\n", "mkdocs.yml:1: YAML-fel: en lista inom [ ] stängs aldrig, eller så saknas ett kommatecken"
                           " mellan värdena"),
    (PLUGIN + "      vokabular:\n\tmålgrupp: {}\n",
     "mkdocs.yml:6: YAML-fel: tabbtecken är inte tillåtna — använd mellanslag för indrag"),
    ("site_name: Test\x00\n", "mkdocs.yml:1: ett otillåtet tecken (U+0000), som ofta inte syns i editorn — ta bort det"),
    ("- site_name\n", "mkdocs.yml:1: mkdocs.yml ska bestå av inställningar på formen 'namn: värde'"),
    ("plugins: metodbank\n", "mkdocs.yml:1: plugins ska vara en lista med ett plugin per rad, som '- search'"
                             " och '- metodbank:'"),
    (PLUGIN.replace("  - metodbank:\n", "  - metodbank: [x]\n"),
     "mkdocs.yml:4: metodbank ska ha sina inställningar som 'namn: värde' på egna rader under sig (vokabular,"
     " innehall, repo_url, sokdel_sidor, rapport_pdf), inte en lista"),
    (PLUGIN + "    vokabular: {}\n",
     "mkdocs.yml:4: 'vokabular' står på samma nivå som 'metodbank' under plugins: dra in pluginets inställningar"
     " två mellanslag till under '- metodbank:'"),
    (PLUGIN + "      vokabulär: {}\n",
     "mkdocs.yml:5: metodbank har ingen inställning 'vokabulär'. Inställningarna är: vokabular, innehall, repo_url,"
     " sokdel_sidor, rapport_pdf — menade du 'vokabular'?"),
    (PLUGIN + "      vokabular: [a, b]\n",
     "mkdocs.yml:5: vokabular ska vara vokabulärer med 'nyckel: Etikett'-par under sina namn (målgrupp:, parter:,"
     " kategori:, förbund:), inte en lista"),
    (PLUGIN + "      vokabular: {målgrupp: [a, b]}\n",
     "mkdocs.yml:5: vokabular.målgrupp ska vara 'nyckel: Etikett'-par, ett per rad (som 'unga-16-19: Unga 16–19 år'),"
     " inte en lista"),
    (PLUGIN + "      vokabular:\n        malgrupp:\n          unga: Unga\n",
     "mkdocs.yml:6: vokabular: det finns ingen vokabulär 'malgrupp'. Vokabulärerna är: målgrupp, parter, kategori,"
     " förbund — menade du 'målgrupp'?"),
    (PLUGIN + "      vokabular:\n        målgrupp:\n          \"../../../x\": X\n",
     "mkdocs.yml:7: vokabular.målgrupp: nyckeln '../../../x' går inte att använda: en nyckel har bara a–z, 0–9 och"
     " bindestreck mellan dem (som 'unga-16-19') — till exempel 'x'"),
    (PLUGIN + "      vokabular:\n        målgrupp:\n          Unga Vuxna: Unga vuxna\n",
     "mkdocs.yml:7: vokabular.målgrupp: nyckeln 'Unga Vuxna' går inte att använda: en nyckel har bara a–z, 0–9 och"
     " bindestreck mellan dem (som 'unga-16-19') — till exempel 'unga-vuxna'"),
    (PLUGIN + "      vokabular:\n        parter:\n          yes: Ja\n",
     "mkdocs.yml:7: vokabular.parter: nyckeln 'yes' läses av YAML som ett sant/falskt-värde: en nyckel är ett ord"
     " med bara a–z, 0–9 och bindestreck (som 'unga-16-19') — sätt citattecken runt den om den ska vara text"),
    (PLUGIN + "      vokabular:\n        kategori:\n          regelverk: [Regler]\n",
     "mkdocs.yml:7: vokabular.kategori.regelverk: etiketten ska vara text, inte en lista — skriv namnet som ska"
     " visas efter kolonet, som 'regelverk: Regelverk'"),
    (PLUGIN + "      vokabular:\n        förbund:\n          ostra: 12\n",
     "mkdocs.yml:7: vokabular.förbund.ostra: etiketten ska vara text, inte ett tal — skriv namnet som ska visas"
     " efter kolonet, som 'ostra: Ostra'"),
    (PLUGIN + "      vokabular:\n        förbund:\n          ostra:\n",
     "mkdocs.yml:7: vokabular.förbund.ostra: etiketten saknas — skriv namnet som ska visas efter kolonet, som"
     " 'ostra: Ostra'"),
    (PLUGIN + "      innehall: [innehall]\n", "mkdocs.yml:5: innehall ska vara en mapp (text), inte en lista"),
    (PLUGIN + "      sokdel_sidor: 0\n",
     "mkdocs.yml:5: sokdel_sidor ska vara ett heltal, minst 1 (sidor per del av sökindexet)"),
    (PLUGIN + "      enabled: kanske\n", "mkdocs.yml:5: enabled ska vara true eller false"),
    (PLUGIN + "      rapport_pdf: nej\n", "mkdocs.yml:5: rapport_pdf ska vara true eller false"),
    ("site_url: [x]\n", "mkdocs.yml:1: site_url ska vara en webbadress (text), inte en lista"),
    (PLUGIN + "  - metodbank\n", "mkdocs.yml:5: metodbank står två gånger under plugins: ta bort den ena"),
    ("a: " + "[" * 100_000 + "]" * 100_000 + "\n",
     "mkdocs.yml:1: filen är för djupt nästlad: kontrollera indrag och parenteser"),
], ids=lambda value: None)
def test_broken_config_is_a_usage_error(bank_root, config, message):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, out, err = run_cli(bank_root)
    assert (code, out, err) == (2, [], message + "\n")


def test_config_not_utf8_and_not_a_file(bank_root):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_bytes(b"site_name: Test\n# Sm\xe5land\n")
    assert run_cli(bank_root) == (2, [], "mkdocs.yml:2: filen är inte sparad som UTF-8: spara om den med"
                                         " teckenkodningen UTF-8\n")
    os.mkfifo(bank_root / "ror.yml")
    with deadline():
        assert run_cli(bank_root, "--config", "ror.yml") == (
            2, [], "metodbank: konfigurationsfilen 'ror.yml' är ingen vanlig fil\n")


def test_innehall_that_does_not_exist(bank_root):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_text(PLUGIN + "      innehall: saknas\n", encoding="utf-8")
    assert run_cli(bank_root) == (
        2, [], f"mkdocs.yml:5: innehall: mappen 'saknas' finns inte (räknat från {bank_root.resolve()})\n")


@pytest.mark.parametrize("command", [["ny", "metod", "ny-metod", "--inga-frågor"], ["sök", "arbete"],
                                     ["schema", "ut"], ["kontrollera"]])
def test_every_command_reports_a_broken_config(bank_root, command):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_text(PLUGIN + "      vokabular: {målgrupp: [a, b]}\n", encoding="utf-8")
    code, out, err = metodbank(bank_root, *command)
    assert (code, out) == (2, "")
    assert err == ("mkdocs.yml:5: vokabular.målgrupp ska vara 'nyckel: Etikett'-par, ett per rad"
                   " (som 'unga-16-19: Unga 16–19 år'), inte en lista\n")
    assert not (bank_root / "metoder" / "ny-metod.md").exists() and not (bank_root / "ut").exists()


def test_broken_config_never_gives_a_traceback(bank_root):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_text(PLUGIN + "      vokabular:\n        målgrupp:\n          '../x': X\n",
                                          encoding="utf-8")
    for command in (["kontrollera"], ["ny", "metod", "ny-metod"], ["sök", "arbete"]):
        result = subprocess.run([str(METODBANK), *command], cwd=bank_root, env=clean_env(), capture_output=True,
                                text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert result.returncode == 2, command
        assert result.stderr.startswith("mkdocs.yml:7: vokabular.målgrupp: nyckeln '../x'"), result.stderr
        assert "Traceback" not in result.stderr


def test_mkdocs_tags_are_tolerated_and_env_is_read(bank_root, monkeypatch):
    config = bank_root / "mkdocs.yml"
    config.write_text(
        "site_name: Test\n"
        "site_url: !ENV [METODBANK_TEST_URL, 'https://standard.example/bank']\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        "hooks: [!relative $config_dir/hooks.py]\n"
        + PLUGIN.split("\n", 1)[1]
        + "      repo_url: !ENV METODBANK_TEST_REPO\n"
        "      vokabular:\n        målgrupp:\n          ny-grupp: Ny grupp\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("METODBANK_TEST_URL", raising=False)
    monkeypatch.delenv("METODBANK_TEST_REPO", raising=False)
    settings = read_settings(config)
    assert (settings.site_url, settings.repo_url) == ("https://standard.example/bank/", "")
    assert settings.vocab.label("målgrupp", "ny-grupp") == "Ny grupp"
    assert settings.innehall == bank_root.resolve() and settings.config_file == config
    monkeypatch.setenv("METODBANK_TEST_URL", "https://annan.example")
    assert read_settings(config).site_url == "https://annan.example/"
    # A file using the configured term passes.
    write_bank(bank_root, {NEW_M: replace(M, "målgrupp: [unga-vuxna-20-29]", "målgrupp: [ny-grupp]")})
    assert check(bank_root, config=config) == []


def test_settings_are_frozen_and_read_once(bank_root, monkeypatch):
    write_bank(bank_root)
    (bank_root / "mkdocs.yml").write_text(PLUGIN + "      repo_url: https://example.org/bank\n", encoding="utf-8")
    settings = read_settings(bank_root / "mkdocs.yml")
    assert isinstance(settings, Settings) and isinstance(settings.vocab, Vocabularies)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.repo_url = "x"
    reads = []
    real = settings_module._read_text
    monkeypatch.setattr(settings_module, "_read_text", lambda path, shown: reads.append(path) or real(path, shown))
    assert run_cli(bank_root)[0] == 0
    assert len(reads) == 1


def test_from_config_checks_like_the_command_line():
    with pytest.raises(VocabularyError) as raised:
        Vocabularies.from_config({"målgrupp": ["a", "b"]})
    assert (raised.value.message, raised.value.loc) == (
        "vokabular.målgrupp ska vara 'nyckel: Etikett'-par, ett per rad (som 'unga-16-19: Unga 16–19 år'),"
        " inte en lista", ("vokabular", "målgrupp"))
    with pytest.raises(VocabularyError, match="nyckeln '../../../x' går inte att använda"):
        Vocabularies.from_config({"förbund": {"../../../x": "X"}})
    with pytest.raises(VocabularyError, match="det finns ingen vokabulär 'kommuner'"):
        Vocabularies.from_config({"kommuner": {}})
    vocab = Vocabularies.from_config({"parter": {"ny-part": "Ny part"}, "förbund": None})
    assert vocab.label("parter", "ny-part") == "Ny part" and vocab.label("parter", "kommun") == "Kommun"



# --------------------------------------------------------------------------
# innehall: every command works on the content folder the site is built from

INNEHALL = PLUGIN + "      innehall: innehall\n      vokabular:\n        förbund:\n          exempel: Samordningsförbundet Exempel\n"


@pytest.fixture
def split_bank(tmp_path) -> Path:
    """mkdocs.yml in the project folder, content in its innehall/ folder."""
    project = tmp_path / "projektet"
    write_bank(project / "innehall")
    (project / "mkdocs.yml").write_text(INNEHALL, encoding="utf-8")
    return project


def test_kontrollera_honours_innehall(split_bank):
    bad = replace(M, "nivå: måttlig", "nivå: stor")
    write_bank(split_bank / "innehall", {NEW_M: bad})
    message = ("evidens.nivå: 'stor' är inte tillåtet. Tillåtna värden: stark, måttlig, begränsad, saknas"
               " — menade du 'stark'?")
    code, out, err = run_cli(split_bank)
    assert (code, out) == (1, [f"innehall/{NEW_M}:7: {message}"])
    assert "4 filer kontrollerade: 1 fel" in err
    # From inside the content folder the project's mkdocs.yml still applies (its förbund list).
    write_bank(split_bank / "innehall", {
        NEW_M: None, NEW_P: replace(P, "förbund: Samordningsförbundet Exempel", "förbund: Okänt förbund")})
    code, out, _ = run_cli(split_bank / "innehall" / "projekt")
    assert code == 1 and out[0].startswith(f"{NEW_P}:3: förbund: 'Okänt förbund' finns inte bland förbunden")
    code, out, _ = run_cli(split_bank, f"innehall/{NEW_P}")
    assert code == 1 and out[0].startswith(f"innehall/{NEW_P}:3: förbund: 'Okänt förbund' finns inte bland")


def test_kontrollera_refuses_a_folder_without_content(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(PLUGIN + "      repo_url: ''\n", encoding="utf-8")
    code, out, err = run_cli(tmp_path)
    assert (code, out) == (2, [])
    assert err == (f"metodbank: det finns varken projekt/, metoder/ eller systemfel/ i {tmp_path.resolve()}: ange"
                   " bankens innehållsmapp med innehall i mkdocs.yml, eller gå till bankens mapp\n")


def test_ny_and_sok_honour_innehall(split_bank):
    code, out, err = metodbank(split_bank, "ny", "metod", "ny-metod", "--titel", "Nya metoden",
                               "--sammanfattning", "En metod där deltagaren får stöd på arbetsplatsen.")
    assert (code, err) == (0, "")
    assert "Skapade innehall/metoder/ny-metod.md." in out
    assert (split_bank / "innehall" / "metoder" / "ny-metod.md").is_file()
    assert not (split_bank / "metoder").exists()
    code, out, err = metodbank(split_bank, "sök", "Nya", "metoden")
    assert code == 0 and "1. Nya metoden" in out
    assert (split_bank / "innehall" / ".cache" / "metodbank" / "sok" / "CURRENT").is_file()


# --------------------------------------------------------------------------
# metodbank ny: a taken name, even by a dangling link


def test_ny_on_a_dangling_symlink(bank_root):
    write_bank(bank_root)
    (bank_root / "metoder" / "ny-metod.md").symlink_to("saknas.md")
    code, out, err = metodbank(bank_root, "ny", "metod", "ny-metod", "--inga-frågor")
    assert (code, out) == (2, "")
    assert err == ("metodbank: metoder/ny-metod.md finns redan, som en symbolisk länk till 'saknas.md', som inte"
                   " finns. Ta bort länken, eller välj ett annat namn, t.ex. 'ny-metod-2'.\n")
    assert os.readlink(bank_root / "metoder" / "ny-metod.md") == "saknas.md"
    assert not (bank_root / "metoder" / "saknas.md").exists()


def test_ny_does_not_block_on_a_fifo_in_the_bank(bank_root):
    write_bank(bank_root)
    os.mkfifo(bank_root / "metoder" / "ror.md")
    with deadline():
        code, out, err = metodbank(bank_root, "ny", "metod", "ny-metod", "--inga-frågor")
    assert (code, err) == (0, "") and (bank_root / "metoder" / "ny-metod.md").is_file()


def test_ny_into_a_folder_that_is_a_file(bank_root):
    write_bank(bank_root, {"systemfel/exempelfel.md": None})
    (bank_root / "systemfel").rmdir()
    (bank_root / "systemfel").write_text("", encoding="utf-8")
    code, out, err = metodbank(bank_root, "ny", "systemfel", "nytt-fel", "--inga-frågor")
    assert (code, out) == (2, "")
    assert err == "metodbank: systemfel/ är en fil, inte en mapp: flytta eller döp om den filen\n"


# --------------------------------------------------------------------------
# metodbank sök: nothing printed can steer the terminal


def test_clean_removes_escape_sequences_and_control_characters():
    assert clean("Över \x1b]0;pwn\x07gränsen \x1b[31mröd\x1b[0m\x9b2J") == "Över gränsen röd"
    assert clean("a\x1b]8;;https://x\x1b\\länk\x1b]8;;\x1b\\b") == "alänkb"
    assert clean("rad\r\nny\tflik\x00\x08\x7f\x85") == "rad\nny\tflik"
    assert clean("vanlig text – å ä ö") == "vanlig text – å ä ö"
    assert json.loads(json_for_terminal({"t": "a\x9bb\x1b"})) == {"t": "a\x9bb\x1b"}
    assert not CONTROL.search(json_for_terminal({"t": "a\x9bb\x1b\x7f"}))


def test_sok_prints_no_control_characters(tmp_path, monkeypatch, capsys):
    from search_helpers import PROJEKT, make_bank, write_projekt

    from metodbank.cli import main

    root = make_bank(tmp_path / "bank")
    titel = "Över \x1b]0;pwn\x07gränsen \x1b[31mröd\x9b2J"
    write_projekt(root, "over-gransen", **dict(PROJEKT["over-gransen"], titel=titel,
                                                förbund="Samordningsförbundet \x1b[2JUmeå"))
    monkeypatch.chdir(root)
    assert main(["sök", "gränsen"]) == 0
    out, err = capsys.readouterr()
    assert not CONTROL.search(out + err)
    assert "Över gränsen röd" in out and "Samordningsförbundet Umeå" in out
    assert main(["sök", "gränsen", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert not CONTROL.search(out)
    assert json.loads(out)["träffar"][0]["titel"] == titel
