"""One test per checker rule: a minimal bad file and the exact line it gives.

Every test compares the checker's whole output with the expected
``path:line: meddelande`` lines, so a rule that fires twice, fires on the
wrong line or says something else fails. ``check()`` runs the checker both
through ``load_bank()`` and through ``metodbank kontrollera`` and requires
them to agree (see ``checker_helpers.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from checker_helpers import (
    GOOD_METOD,
    GOOD_PROJEKT,
    GOOD_SYSTEMFEL,
    check,
    line_of,
    load_lines,
    replace,
    run_cli,
    tree_digest,
    write_bank,
)

P, M, S = GOOD_PROJEKT, GOOD_METOD, GOOD_SYSTEMFEL
NEW_P, NEW_M, NEW_S = "projekt/nytt-projekt.md", "metoder/ny-metod.md", "systemfel/nytt-fel.md"

RESULTAT = """\
resultat:
  sammanfattning: Fyrtio deltagare började och femton fick arbete.
  deltagare: 40
  till_arbete: 15
  till_studier: 5
"""
LÄRDOMAR = "lärdomar:\n  - Tidig kontakt med arbetsgivare var avgörande.\n"
MOTIVERING = "  motivering: Deltagarna kom närmare arbete och metoden prövades.\n"
IMPLEMENTERAD = """\
  implementerad_hos:
    - organisation: Exempelkommunen
      år: 2022
      beskrivning: Två coacher anställdes i kommunens ordinarie budget.
"""
BESLUT = """\
  beslut:
    - beslut: Regeringen ändrade förordningen om finansiell samordning.
      beslutsfattare: Regeringen
      år: 2022
      systemfel: [exempelfel]
"""
SOCIOEKONOMI = """\
  socioekonomi:
    typ: uppföljning
    kalkylperiod_år: 5
    diskonteringsränta: 0.04
    insatskostnad_kr: 4500000
    utfall_kr:
      kommun: 3100000
      produktionsvarde: 6000000
"""
WITH_SOCIOEKONOMI = replace(P, "  till_studier: 5\n", "  till_studier: 5\n" + SOCIOEKONOMI)
ALLOWED_MÅLGRUPP = (
    "unga-16-19, unga-vuxna-20-29, nyanlanda, langtidssjukskrivna, langtidsarbetslosa, "
    "forsorjningsstod, funktionsnedsattning, psykisk-ohalsa, missbruk-beroende, foraldrar-barn"
)
ALLOWED_PARTER = "arbetsformedlingen, forsakringskassan, kommun, region, skola, ideell-sektor, naringsliv, rattsvasende, ovriga"


def run(root, files, **options) -> list[str]:
    write_bank(root, files)
    return check(root, **options)


def with_framgång(text: str, grad: int, extra: str = "") -> str:
    """``text`` with framgång.grad set and ``extra`` lines added under framgång."""
    return replace(replace(text, "  grad: 1\n", f"  grad: {grad}\n"), MOTIVERING, MOTIVERING + extra)


# --------------------------------------------------------------------------
# The known-good bank


def test_the_good_bank_is_clean(bank_root):
    assert run(bank_root, {}) == []
    assert run_cli(bank_root)[0] == 0


# --------------------------------------------------------------------------
# Fields


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("titel: Exempelprojektet\n", "", None, "fältet 'titel' saknas men krävs"),
        (MOTIVERING, "", "framgång:", "fältet 'framgång.motivering' saknas men krävs"),
    ],
    ids=["top-level", "nested"],
)
def test_missing_required_field(bank_root, old, new, needle, message):
    text = replace(P, old, new)
    line = line_of(text, needle) if needle else 1
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line}: {message}"]


def test_missing_required_field_in_a_metod_written_from_a_dict(bank_root):
    metod = {"titel": "Ny metod", "målgrupp": ["nyanlanda"], "insatstid_månader": 6}
    assert run(bank_root, {NEW_M: metod}) == [f"{NEW_M}:1: fältet 'sammanfattning' saknas men krävs"]


def test_unknown_field_suggests_the_right_name(bank_root):
    text = replace(P, "målgrupp:", "malgrupp:")
    # One problem, not also "'målgrupp' saknas": the typo is the only mistake.
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'malgrupp')}: okänt fält 'malgrupp' — menade du 'målgrupp'?"
    ]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("titel: Exempelprojektet", "titel: 12345", "'titel' ska vara text (sätt citattecken runt värdet)"),
        (
            "budget_kr: 4500000",
            "budget_kr: mycket",
            "'budget_kr' ska vara ett heltal utan mellanslag, t.ex. 4500000 (nu: 'mycket')",
        ),
        (
            "parter: [arbetsformedlingen, kommun]",
            "parter: kommun",
            "'parter' ska vara en lista, t.ex. [kommun]",
        ),
    ],
    ids=["text", "int", "list"],
)
def test_wrong_type(bank_root, old, new, message):
    text = replace(P, old, new)
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, new)}: {message}"]


@pytest.mark.parametrize(
    "titel, message",
    [("Ex", "'titel' är för kort: 2 tecken, minst 3"), ("x" * 201, "'titel' är för lång: 201 tecken, högst 200")],
    ids=["short", "long"],
)
def test_string_length(bank_root, titel, message):
    text = replace(P, "titel: Exempelprojektet", f"titel: {titel}")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:2: {message}"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("mars 2019", "'mars 2019' är inget giltigt datum: skriv ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, t.ex. 2021-03"),
        ("2019/03", "'2019/03' är inget giltigt datum: skriv ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, t.ex. 2021-03"),
        ("2019-13", "'2019-13': månaden ska vara 01–12"),
        ("2019-02-30", "'2019-02-30': dagen finns inte i den månaden"),
        ("1800", "årtalet 1800 är orimligt"),
    ],
    ids=["words", "slash", "month-13", "day-30-feb", "year"],
)
def test_bad_date(bank_root, value, message):
    text = replace(P, "start: 2019-03", f"start: {value}")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'start:')}: period.start: {message}"]


def test_slut_before_start(bank_root):
    text = replace(P, "slut: 2021-12", "slut: 2019-02")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'slut:')}: period.slut (2019-02) ligger före period.start (2019-03)"
    ]


def test_slut_in_the_start_year_is_not_before_start(bank_root):
    # "slut: 2019" ends on 31 December 2019, after start 2019-03 begins.
    assert run(bank_root, {NEW_P: replace(P, "slut: 2021-12", "slut: 2019")}) == []


@pytest.mark.parametrize("status", ["avslutat", "avbrutet"])
def test_slut_required_when_finished(bank_root, status):
    text = replace(replace(P, "  slut: 2021-12\n", ""), "status: avslutat", f"status: {status}")
    if status == "avbrutet":
        text = replace(text, LÄRDOMAR, LÄRDOMAR + "avbrottsorsak: Arbetsförmedlingen drog sig ur samverkan efter ett år.\n")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'period:')}: period.slut krävs när status är '{status}'"
    ]


# --------------------------------------------------------------------------
# Vocabularies and fixed words


@pytest.mark.parametrize(
    "path, base, old, new, needle, message",
    [
        (
            NEW_P, P, "målgrupp: [unga-vuxna-20-29]", "målgrupp: [unga-vuxna]", "målgrupp:",
            f"målgrupp[1]: 'unga-vuxna' finns inte i vokabulären 'målgrupp'. Tillåtna värden: {ALLOWED_MÅLGRUPP}"
            " — menade du 'unga-vuxna-20-29'?",
        ),
        (
            NEW_P, P, "parter: [arbetsformedlingen, kommun]", "parter: [arbetsförmedlingen, kommun]", "parter:",
            f"parter[1]: 'arbetsförmedlingen' finns inte i vokabulären 'parter'. Tillåtna värden: {ALLOWED_PARTER}"
            " — menade du 'arbetsformedlingen'?",
        ),
        (
            NEW_S, S, "kategori: finansiering", "kategori: finansering", "kategori:",
            "kategori: 'finansering' finns inte i vokabulären 'kategori'. Tillåtna värden: regelverk, finansiering,"
            " styrning, organisation, information, kompetens, tidsgranser — menade du 'finansiering'?",
        ),
        (
            NEW_P, WITH_SOCIOEKONOMI, "      kommun: 3100000", "      kommunen: 3100000", "kommunen:",
            f"resultat.socioekonomi.utfall_kr: 'kommunen' finns inte i vokabulären 'parter'. Tillåtna värden: "
            f"{ALLOWED_PARTER}, produktionsvarde — menade du 'kommun'?",
        ),
    ],
    ids=["målgrupp", "parter", "kategori", "utfall_kr-key"],
)
def test_vocabulary_value_suggests_nearest(bank_root, path, base, old, new, needle, message):
    text = replace(base, old, new)
    assert run(bank_root, {path: text}) == [f"{path}:{line_of(text, needle)}: {message}"]


@pytest.mark.parametrize(
    "path, base, old, new, message",
    [
        (
            NEW_P, P, "status: avslutat", "status: avslutad",
            "status: 'avslutad' är inte tillåtet. Tillåtna värden: planerat, pågående, avslutat, avbrutet"
            " — menade du 'avslutat'?",
        ),
        (
            NEW_P, P, "underlag: kalkyl", "underlag: arendegenomgang",
            "systemfel[1].underlag: 'arendegenomgang' är inte tillåtet. Tillåtna värden: anekdot, ärendegenomgång,"
            " mätning, kalkyl, extern utvärdering — menade du 'ärendegenomgång'?",
        ),
        (
            NEW_S, S, "beslutsnivå: nationell", "beslutsnivå: nationel",
            "beslutsnivå: 'nationel' är inte tillåtet. Tillåtna värden: lokal, regional, nationell"
            " — menade du 'nationell'?",
        ),
        (
            NEW_P, P, "grad: 1", 'grad: "1"',
            "framgång.grad: '1' är inte tillåtet. Tillåtna värden: 0, 1, 2, 3 — skriv talet utan citattecken",
        ),
    ],
    ids=["status", "underlag", "beslutsnivå", "quoted-grad"],
)
def test_fixed_word_suggests_nearest(bank_root, path, base, old, new, message):
    text = replace(base, old, new)
    assert run(bank_root, {path: text}) == [f"{path}:{line_of(text, new)}: {message}"]


def test_empty_fixed_word_says_it_has_no_value(bank_root):
    text = replace(P, "status: avslutat", "status:")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:4: 'status' saknar värde: fyll i det (eller ta bort raden om fältet inte krävs)"
    ]


# --------------------------------------------------------------------------
# File names and references


def test_invalid_slug_file_name_suggests_a_slug(bank_root):
    assert run(bank_root, {"projekt/Vägen.md": P}) == [
        "projekt/Vägen.md:1: filnamnet 'Vägen.md' är ingen giltig slug: 3–80 tecken, bara a–z, 0–9 och bindestreck"
        " — döp om den till 'vagen.md'"
    ]


def test_duplicate_slug_in_a_subfolder(bank_root):
    assert run(bank_root, {"projekt/a/x-projekt.md": P, "projekt/x-projekt.md": P}) == [
        "projekt/a/x-projekt.md:1: slugen 'x-projekt' finns redan i projekt/ (projekt/x-projekt.md);"
        " varje fil behöver ett eget namn"
    ]


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        (
            "metoder: [exempelmetod]", "metoder: [exempelmetoden]", "metoder:",
            "metoder: metoden 'exempelmetoden' finns inte (ingen fil metoder/exempelmetoden.md)."
            " Menade du 'exempelmetod'? Är den ny? Skapa den med: metodbank ny metod exempelmetoden",
        ),
        (
            "  - id: exempelfel", "  - id: exempel-fel", "id: exempel-fel",
            "systemfel: systemfelet 'exempel-fel' finns inte (ingen fil systemfel/exempel-fel.md)."
            " Menade du 'exempelfel'? Är det nytt? Skapa det med: metodbank ny systemfel exempel-fel",
        ),
        (
            "metoder: [exempelmetod]", "metoder: [exempelmetod, helt-annat-arbetssatt]", "metoder:",
            "metoder: metoden 'helt-annat-arbetssatt' finns inte (ingen fil metoder/helt-annat-arbetssatt.md)."
            " Är den ny? Skapa den med: metodbank ny metod helt-annat-arbetssatt",
        ),
    ],
    ids=["metod", "systemfel", "no-near-slug"],
)
def test_reference_to_missing_file(bank_root, old, new, needle, message):
    text = replace(P, old, new)
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, needle)}: {message}"]


def test_reference_with_an_invalid_slug_does_not_suggest_creating_it(bank_root):
    text = replace(P, "metoder: [exempelmetod]", "metoder: [Exempelmetod]")
    line = line_of(text, "metoder:")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line}: metoder: metoden 'Exempelmetod' finns inte (ingen fil metoder/Exempelmetod.md)."
        " Menade du 'exempelmetod'?",
        f"{NEW_P}:{line}: metoder[1]: 'Exempelmetod' är ingen giltig slug: 3–80 tecken, bara a–z, 0–9 och"
        " bindestreck",
    ]


def test_reference_from_beslut_to_missing_systemfel(bank_root):
    text = with_framgång(P, 3, BESLUT.replace("[exempelfel]", "[exempelfe]"))
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, '[exempelfe]')}: framgång.beslut.systemfel: systemfelet 'exempelfe' finns inte"
        " (ingen fil systemfel/exempelfe.md). Menade du 'exempelfel'? Är det nytt?"
        " Skapa det med: metodbank ny systemfel exempelfe"
    ]


# --------------------------------------------------------------------------
# Degrees of success and the project's own rules


@pytest.mark.parametrize(
    "grad, message",
    [
        (2, "grad 2 kräver 'framgång.implementerad_hos': vilken organisation använder metoden efter projektet?"),
        (3, "grad 3 kräver 'framgång.beslut': vilket systemförändrande beslut fattades?"),
    ],
)
def test_degree_evidence(bank_root, grad, message):
    text = with_framgång(P, grad)
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'grad:')}: {message}"]


def test_degree_1_needs_resultat(bank_root):
    # A planned project may lack resultat, but then it cannot claim degree 1.
    text = replace(replace(replace(P, "status: avslutat", "status: planerat"), RESULTAT, ""), "start: 2019-03", "start: 2099-03")
    text = replace(text, "slut: 2021-12", "slut: 2099-12")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'grad:')}: grad 1 kräver ett ifyllt 'resultat': vad hände med deltagarna?"
    ]


def test_degree_3_needs_a_systemfel(bank_root):
    observation = "systemfel:\n  - id: exempelfel\n    observation: Kostnaderna hamnade hos kommunen trots att staten vann.\n    underlag: kalkyl\n"
    text = replace(with_framgång(P, 3, BESLUT), observation, "")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'grad:')}: grad 3 kräver minst ett observerat systemfel under 'systemfel'"
    ]


def test_degree_evidence_present_is_clean(bank_root):
    assert run(bank_root, {NEW_P: with_framgång(P, 2, IMPLEMENTERAD)}) == []
    assert run(bank_root, {NEW_P: with_framgång(P, 3, BESLUT)}) == []


@pytest.mark.parametrize("key, extra", [("implementerad_hos", IMPLEMENTERAD), ("beslut", BESLUT)])
def test_year_before_start(bank_root, key, extra):
    text = with_framgång(P, 2 if key == "implementerad_hos" else 3, extra.replace("år: 2022", "år: 2018"))
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'år: 2018')}: framgång.{key}[1].år (2018) ligger före projektets start (2019-03)"
    ]


# --------------------------------------------------------------------------
# implementerad_hos[].metod (contract version 2)

TWO_METODER = "metoder: [exempelmetod, ny-metod]"
SECOND_IMPLEMENTATION = """\
    - organisation: Exempelregionen, psykiatrin
      år: 2023
      beskrivning: Coacherna sitter med i behandlingsteamens veckomöten.
"""


def two_methods(extra: str = IMPLEMENTERAD) -> str:
    """A degree-2 project with two metoder and ``extra`` under framgång."""
    return replace(with_framgång(P, 2, extra), "metoder: [exempelmetod]", TWO_METODER)


def with_metod(extra: str, organisation: str, metod: str) -> str:
    """``extra`` with ``metod: <metod>`` written under the item of ``organisation``."""
    line = f"    - organisation: {organisation}\n"
    return replace(extra, line, f"{line}      metod: {metod}\n")


def test_implementation_metod_required_when_the_project_has_several(bank_root):
    # The migration message: an old file whose project lists two metoder.
    text = two_methods()
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, '- organisation: Exempelkommunen')}: framgång.implementerad_hos[1]: ange vilken av"
        " projektets metoder som implementerades — skriv metod: och en av: exempelmetod, ny-metod"
    ]


def test_implementation_metod_each_item_is_reported_at_its_own_line(bank_root):
    extra = with_metod(IMPLEMENTERAD + SECOND_IMPLEMENTATION, "Exempelkommunen", "ny-metod")
    text = two_methods(extra)
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, '- organisation: Exempelregionen')}: framgång.implementerad_hos[2]: ange vilken av"
        " projektets metoder som implementerades — skriv metod: och en av: exempelmetod, ny-metod"
    ]


def test_implementation_metod_written_empty_is_reported_at_its_line(bank_root):
    text = two_methods(with_metod(IMPLEMENTERAD, "Exempelkommunen", ""))
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, 'metod: ')}: framgång.implementerad_hos[1]: ange vilken av"
        " projektets metoder som implementerades — skriv metod: och en av: exempelmetod, ny-metod"
    ]


def test_implementation_metod_of_each_method_is_clean(bank_root):
    extra = with_metod(with_metod(IMPLEMENTERAD + SECOND_IMPLEMENTATION, "Exempelkommunen", "ny-metod"),
                       "Exempelregionen, psykiatrin", "exempelmetod")
    assert run(bank_root, {NEW_P: two_methods(extra), NEW_M: M}) == []


def test_implementation_metod_outside_the_projects_metoder(bank_root):
    # A method that exists in the bank but that the project does not list.
    text = two_methods(with_metod(IMPLEMENTERAD, "Exempelkommunen", "tredje-metoden"))
    files = {NEW_P: text, NEW_M: M, "metoder/tredje-metoden.md": M}
    assert run(bank_root, files) == [
        f"{NEW_P}:{line_of(text, 'metod: tredje-metoden')}: framgång.implementerad_hos[1].metod: 'tredje-metoden'"
        " är inte en av projektets metoder. Skriv en av: exempelmetod, ny-metod"
        " (använde projektet också 'tredje-metoden'? Lägg då till den under metoder)"
    ]


def test_implementation_metod_near_miss_is_suggested(bank_root):
    text = two_methods(with_metod(IMPLEMENTERAD, "Exempelkommunen", "ny-metd"))
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, 'metod: ny-metd')}: framgång.implementerad_hos[1].metod: 'ny-metd'"
        " är inte en av projektets metoder — menade du 'ny-metod'? Skriv en av: exempelmetod, ny-metod"
    ]


def test_implementation_metod_not_a_slug_is_one_problem_with_the_choices(bank_root):
    text = two_methods(with_metod(IMPLEMENTERAD, "Exempelkommunen", "IPS"))
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, 'metod: IPS')}: framgång.implementerad_hos[1].metod: 'IPS'"
        " är inte en av projektets metoder. Skriv en av: exempelmetod, ny-metod"
    ]


def test_implementation_metod_that_is_not_text(bank_root):
    text = two_methods(with_metod(IMPLEMENTERAD, "Exempelkommunen", "[exempelmetod, ny-metod]"))
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, 'metod: [')}: 'framgång.implementerad_hos[1].metod' ska vara text"
    ]


def test_implementation_metod_is_implied_by_a_single_metod(bank_root):
    # Old files with one metod need no change; writing that metod is fine too.
    assert run(bank_root, {NEW_P: with_framgång(P, 2, IMPLEMENTERAD)}) == []
    written = with_framgång(P, 2, with_metod(IMPLEMENTERAD, "Exempelkommunen", "exempelmetod"))
    assert run(bank_root, {NEW_P: written}) == []
    # A project that lists its one metod twice still has one metod.
    twice = replace(with_framgång(P, 2, IMPLEMENTERAD), "metoder: [exempelmetod]", "metoder: [exempelmetod, exempelmetod]")
    assert run(bank_root, {NEW_P: twice}) == []


def test_implementation_metod_other_than_the_single_metod(bank_root):
    text = with_framgång(P, 2, with_metod(IMPLEMENTERAD, "Exempelkommunen", "ny-metod"))
    assert run(bank_root, {NEW_P: text, NEW_M: M}) == [
        f"{NEW_P}:{line_of(text, 'metod: ny-metod')}: framgång.implementerad_hos[1].metod: 'ny-metod'"
        " är inte projektets metod. Projektet har bara metoden 'exempelmetod': skriv den eller ta bort raden"
        " (använde projektet också 'ny-metod'? Lägg då till den under metoder)"
    ]


def test_implied_metod_is_resolved_in_the_model(bank_root):
    """Downstream code reads Implementering.metod: implied or written, it is there."""
    from metodbank.bank import load_bank

    extra = with_metod(IMPLEMENTERAD + SECOND_IMPLEMENTATION, "Exempelregionen, psykiatrin", "ny-metod")
    extra = with_metod(extra, "Exempelkommunen", "exempelmetod")
    write_bank(bank_root, {NEW_P: with_framgång(P, 2, IMPLEMENTERAD), "projekt/tva-metoder.md": two_methods(extra),
                           NEW_M: M})
    bank = load_bank(bank_root)
    assert bank.ok, bank.problems
    implied = bank.projekt["nytt-projekt"].meta.framgång.implementerad_hos
    assert [i.metod for i in implied] == ["exempelmetod"]
    written = bank.projekt["tva-metoder"].meta.framgång.implementerad_hos
    assert [(i.organisation, i.metod) for i in written] == [
        ("Exempelkommunen", "exempelmetod"), ("Exempelregionen, psykiatrin", "ny-metod")]


@pytest.mark.parametrize("status", ["avslutat", "avbrutet"])
def test_lärdomar_required_when_finished(bank_root, status):
    text = replace(replace(P, LÄRDOMAR, ""), "status: avslutat", f"status: {status}")
    if status == "avbrutet":
        text = replace(text, "utvärdering:", "avbrottsorsak: Arbetsförmedlingen drog sig ur samverkan efter ett år.\nutvärdering:")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'status:')}: minst en lärdom krävs när status är '{status}' — vad skulle andra behöva veta?"
    ]


def test_empty_lärdomar_is_reported_at_the_field(bank_root):
    text = replace(P, LÄRDOMAR, "lärdomar: []\n")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'lärdomar:')}: minst en lärdom krävs när status är 'avslutat' — vad skulle andra behöva veta?"
    ]


def test_avbrottsorsak_required_when_avbrutet(bank_root):
    text = replace(P, "status: avslutat", "status: avbrutet")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'status:')}: fältet 'avbrottsorsak' krävs när status är 'avbrutet': berätta varför projektet avbröts"
    ]


def test_resultat_required_unless_planerat(bank_root):
    ongoing = replace(replace(replace(P, "status: avslutat", "status: pågående"), "  slut: 2021-12\n", ""), RESULTAT, "")
    ongoing = replace(ongoing, "grad: 1", "grad: 0")
    assert run(bank_root, {NEW_P: ongoing}) == [
        f"{NEW_P}:{line_of(ongoing, 'status:')}: fältet 'resultat' krävs när status är 'pågående' (bara planerade projekt saknar resultat)"
    ]
    # An empty 'resultat:' line says nothing either: reported at that line.
    empty = replace(ongoing, "lärdomar:", "resultat:\nlärdomar:")
    assert run(bank_root, {NEW_P: empty}) == [
        f"{NEW_P}:{line_of(empty, 'resultat:')}: fältet 'resultat' krävs när status är 'pågående' (bara planerade projekt saknar resultat)"
    ]
    planned = replace(replace(ongoing, "status: pågående", "status: planerat"), "start: 2019-03", "start: 2099-03")
    assert run(bank_root, {NEW_P: planned}) == []


@pytest.mark.parametrize(
    "old, new, needle, total",
    [("till_studier: 5", "till_studier: 30", "till_studier:", 45), ("  till_studier: 5\n", "", None, 41)],
    ids=["both", "only-arbete"],
)
def test_more_to_work_and_studies_than_participants(bank_root, old, new, needle, total):
    text = replace(P, old, new)
    if needle is None:
        text = replace(text, "till_arbete: 15", "till_arbete: 41")
        needle = "till_arbete:"
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, needle)}: till_arbete + till_studier ({total}) är fler än deltagare (40)"
    ]


# --------------------------------------------------------------------------
# Numbers and links


@pytest.mark.parametrize(
    "base, old, value, field, hint",
    [
        (P, "budget_kr: 4500000", "4 500 000", "budget_kr", "4500000"),
        (P, "budget_kr: 4500000", "4\u00a0500\u00a0000", "budget_kr", "4500000"),
        (P, "budget_kr: 4500000", "4500000 kr", "budget_kr", "4500000"),
        (WITH_SOCIOEKONOMI, "diskonteringsränta: 0.04", "0,04", "resultat.socioekonomi.diskonteringsränta", "0.04"),
        (WITH_SOCIOEKONOMI, "diskonteringsränta: 0.04", "4 %", "resultat.socioekonomi.diskonteringsränta", "0.04"),
        (WITH_SOCIOEKONOMI, "kommun: 3100000", "-3 100 000", "resultat.socioekonomi.utfall_kr.kommun", "-3100000"),
    ],
    ids=["spaces", "nbsp", "kr", "comma", "percent", "negative"],
)
def test_swedish_number_has_a_hint(bank_root, base, old, value, field, hint):
    key = old.split(":")[0]
    text = replace(base, old, f"{key}: {value}")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, f'{key}: {value}')}: {field}: '{value}' är skrivet på svenskt sätt"
        f" — skriv {hint} (utan mellanslag, punkt som decimaltecken)"
    ]


@pytest.mark.parametrize("link", ["ftp://example.org/rapport", "www.example.org", "javascript:alert(1)", "https://"])
def test_links_must_be_http_or_https(bank_root, link):
    text = replace(P, "länk: https://example.org/slutrapport", f"länk: {link}")
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:{line_of(text, 'länk:')}: utvärdering[1].länk: '{link}' är ingen giltig webbadress:"
        " den ska börja med https:// (eller http://)"
    ]


def test_http_link_is_accepted(bank_root):
    assert run(bank_root, {NEW_M: replace(M, "https://example.org/evidens", "http://example.org/evidens")}) == []


# --------------------------------------------------------------------------
# Raw text: unsafe HTML and personal identity numbers

TAG = "är inte tillåtet i texten: skriv vanlig Markdown, länka i stället för att bädda in"
HANDLER = "HTML med händelseattribut ({}=) är inte tillåtet i texten: ta bort det"
JS = "länkar till 'javascript:' är inte tillåtna; länka till en https://-adress"


@pytest.mark.parametrize(
    "html, offset, message",
    [
        ("<script>alert(1)</script>", 0, f"<script> {TAG}"),
        ("<SCRIPT src=x.js></SCRIPT>", 0, f"<script> {TAG}"),
        ('<iframe src="https://example.org"></iframe>', 0, f"<iframe> {TAG}"),
        ('<object data="x.swf"></object>', 0, f"<object> {TAG}"),
        ('<embed src="x.swf">', 0, f"<embed> {TAG}"),
        ("<img src=x onerror=alert(1)>", 0, HANDLER.format("onerror")),
        ('<div\n  onclick="alert(1)">klicka</div>', 1, HANDLER.format("onclick")),
        ('<a href="javascript:alert(1)">länk</a>', 0, JS),
        ("[länk](javascript:alert(1))", 0, JS),
        ("[länk][r]\n\n[r]: javascript:alert(1)", 2, JS),
        ("[länk](javascript&#58;alert(1))", 0, JS),
    ],
    ids=[
        "script", "script-upper", "iframe", "object", "embed", "handler", "handler-next-line",
        "js-href", "js-markdown", "js-reference", "js-entity",
    ],
)
def test_unsafe_html_in_body(bank_root, html, offset, message):
    text = M + "Första raden.\n\n" + html + "\n"
    line = len(M.splitlines()) + 3 + offset
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line}: {message}"]


def test_harmless_words_in_body_are_not_html(bank_root):
    text = M + "Vi skrev ett script, satte onclick=1 i en tabell och pratade om javascript: som språk.\n`<scripts>`\n"
    assert run(bank_root, {NEW_M: text}) == []


def test_an_unknown_tag_would_vanish_and_is_reported_with_the_code_span_hint(bank_root):
    text = M + "Vi skrev om\n<scripts>\n"
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, '<scripts>')}: HTML-taggen <scripts> tas bort när sidan publiceras: skriv vanlig"
        " Markdown (rubriker med ##, listor med -, länkar med [text](adress)); menar du texten '<scripts>', skriv"
        " den inom `bakåtfnuttar`"
    ]


PNR = "raden innehåller ett personnummer: banken får aldrig innehålla deltagares personuppgifter — ta bort det"
SNR = PNR.replace("personnummer", "samordningsnummer")


@pytest.mark.parametrize(
    "number, message",
    [
        ("811218-9876", PNR),
        ("811218+9876", PNR),
        ("8112189876", PNR),
        ("19811218-9876", PNR),
        ("198112189876", PNR),
        ("701063-2391", SNR),
        ("7010632391", SNR),
        ("19701063-2391", SNR),
        ("197010632391", SNR),
    ],
)
def test_identity_number_in_body(bank_root, number, message):
    text = M + "Första raden.\n" + f"Deltagaren ({number}) slutade.\n"
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{len(M.splitlines()) + 2}: {message}"]


def test_identity_number_after_a_hyphen(bank_root):
    text = M + "Se https://example.org/deltagare-811218-9876 och ID-8112189876.\n"
    line = len(M.splitlines()) + 1
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line}: {PNR}"]  # one line, however many numbers


def test_identity_number_in_front_matter(bank_root):
    text = replace(P, "lärdomar:", "kontakt: Kalle, 811218-9876\nlärdomar:")
    assert run(bank_root, {NEW_P: text}) == [f"{NEW_P}:{line_of(text, 'kontakt:')}: {PNR}"]


@pytest.mark.parametrize(
    "number", ["811218-9875", "19811218-9877", "8112189870", "701063-2392", "197010632390", "811318-9876"]
)
def test_invalid_identity_number_is_not_flagged(bank_root, number):
    # Wrong check digit (or month 13): not a real number, so not personal data.
    text = M + f"Ärende {number} i diariet.\n"
    assert run(bank_root, {NEW_M: text}) == []


# --------------------------------------------------------------------------
# Files that cannot be read


def test_invalid_utf8_points_at_the_line(bank_root):
    raw = (M + "Första raden.\nÅtta år\n").encode("utf-8").replace("Åtta".encode(), "Åtta".encode("latin-1"))
    assert run(bank_root, {NEW_M: raw}) == [
        f"{NEW_M}:{len(M.splitlines()) + 2}: filen är inte sparad som UTF-8: spara om den med teckenkodningen UTF-8"
    ]


@pytest.mark.parametrize("text", ["titel: Exempelmetoden\n", "", "\n---\ntitel: x\n---\n"], ids=["no-dashes", "empty", "blank-first"])
def test_missing_front_matter(bank_root, text):
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:1: filen saknar front-matter: den ska börja med en rad '---', sedan fälten, sedan '---' igen"
    ]


def test_unterminated_front_matter(bank_root):
    text = replace(M, "---\nSå fungerar", "Så fungerar")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:1: front-matter avslutas aldrig: lägg till en rad '---' efter sista fältet"
    ]


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("insatstid_månader: 12", "insatstid_månader: 12: 13", "12: 13",
         "ett kolon på fel ställe — sätt citattecken runt text som innehåller ': '"),
        ("målgrupp: [unga-vuxna-20-29]", "målgrupp: [unga-vuxna-20-29", "målgrupp:",
         "en lista inom [ ] stängs aldrig, eller så saknas ett kommatecken mellan värdena"),
        ("titel: Exempelmetoden", 'titel: "Exempelmetoden', "titel:", "ett citattecken stängs aldrig"),
        ("  nivå: måttlig", "\tnivå: måttlig", "nivå:", "tabbtecken är inte tillåtna — använd mellanslag för indrag"),
        ("titel: Exempelmetoden", "titel: @Exempelmetoden", "titel:",
         "tecknet '@' kan inte inleda ett värde — sätt citattecken runt värdet"),
        ("insatstid_månader: 12", "insatstid_månader", "insatstid_månader",
         "raden saknar ':' efter fältnamnet: skriv 'insatstid_månader:' och värdet efter kolonet"),
    ],
    ids=["colon", "bracket", "quote", "tab", "at-sign", "no-colon"],
)
def test_broken_yaml_names_the_line(bank_root, old, new, needle, message):
    text = replace(M, old, new)
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, needle)}: YAML-fel i front-matter: {message}"]


@pytest.mark.parametrize(
    "value, message",
    [("!foo x", "taggen '!foo' är inte tillåten: ta bort den och skriv bara värdet"),
     ("!!float tolv", "värdet 'tolv' passar inte taggen '!!float': ta bort taggen eller rätta värdet")],
    ids=["unknown-tag", "bad-tagged-value"],
)
def test_yaml_tags_are_explained(bank_root, value, message):
    text = replace(M, "insatstid_månader: 12", f"insatstid_månader: {value}")
    assert run(bank_root, {NEW_M: text}) == [f"{NEW_M}:{line_of(text, 'insatstid')}: {message}"]


def test_control_character_in_front_matter(bank_root):
    text = replace(M, "insatstid_månader: 12", "insatstid_månader: 12\x00")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, 'insatstid')}: front-matter innehåller ett otillåtet tecken (U+0000),"
        " som ofta inte syns i editorn — ta bort det"
    ]


@pytest.mark.parametrize(
    "title",
    ['"Exempel\u2028metoden"', "'Exempel\u2029metoden'", '"Exempel\x85metoden"'],
    ids=["line-separator", "paragraph-separator", "next-line"],
)
def test_line_numbers_count_only_real_line_breaks(bank_root, title):
    # YAML and Python also break lines at U+2028, U+2029 and U+0085; an
    # editor does not, so they must not shift the lines of later problems.
    text = replace(replace(M, "titel: Exempelmetoden", f"titel: {title}"), "nivå: måttlig", "nivå: hög")
    assert text.count("\n") == M.count("\n")
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:7: evidens.nivå: 'hög' är inte tillåtet. Tillåtna värden: stark, måttlig, begränsad, saknas"
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_endings(bank_root, newline):
    text = replace(M, "nivå: måttlig", "nivå: hög").replace("\n", newline)
    text += f"<script>x</script>{newline}Deltagare 811218-9876{newline}"
    assert run(bank_root, {NEW_M: text.encode()}) == [
        f"{NEW_M}:7: evidens.nivå: 'hög' är inte tillåtet. Tillåtna värden: stark, måttlig, begränsad, saknas",
        f"{NEW_M}:11: <script> {TAG}",
        f"{NEW_M}:12: {PNR}",
    ]
    latin1 = (M + "Första raden.\nÅtta år\n").replace("\n", newline).encode().replace("Åtta".encode(), b"\xc5tta")
    assert run(bank_root, {NEW_M: latin1}) == [
        f"{NEW_M}:12: filen är inte sparad som UTF-8: spara om den med teckenkodningen UTF-8"
    ]


def test_a_line_break_inside_a_value_stays_on_one_output_line(bank_root):
    text = replace(P, "status: avslutat", 'status: "avslutat\\nigen"')
    assert run(bank_root, {NEW_P: text}) == [
        f"{NEW_P}:4: status: 'avslutat\\nigen' är inte tillåtet. Tillåtna värden: planerat, pågående, avslutat,"
        " avbrutet — menade du 'avslutat'?"
    ]


def test_file_over_1_mb(bank_root):
    text = M + "a" * 1_000_001
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:1: filen är för stor (1001 kB, högst 1000 kB): korta texten eller länka till bilagor"
    ]


def test_file_of_exactly_1_mb_is_read(bank_root):
    text = M + "a" * (1_000_000 - len(M.encode()))
    assert len(text.encode()) == 1_000_000
    assert run(bank_root, {NEW_M: text}) == []


@pytest.mark.parametrize(
    "old, new, key",
    [("insatstid_månader: 12", "insatstid_månader: 12\ntitel: Igen", "titel"),
     ("  nivå: måttlig", "  nivå: måttlig\n  nivå: stark", "evidens.nivå")],
    ids=["top-level", "nested"],
)
def test_duplicate_key(bank_root, old, new, key):
    text = replace(M, old, new)
    second = new.splitlines()[1].strip()
    assert run(bank_root, {NEW_M: text}) == [
        f"{NEW_M}:{line_of(text, second)}: fältet '{key}' står två gånger; ta bort den ena"
    ]


# --------------------------------------------------------------------------
# Systemfel


def test_systemfel_historik_out_of_order(bank_root):
    text = replace(S, "datum: 2021", "datum: 2019")
    assert run(bank_root, {NEW_S: text}) == [
        f"{NEW_S}:{line_of(text, 'datum: 2019')}: historik ska stå i datumordning, äldst först:"
        " händelsen från 2019 står efter den från 2020-05"
    ]


def test_systemfel_historik_year_may_follow_a_month_of_that_year(bank_root):
    # A date is its whole period: 2020 does not lie before 2020-05.
    assert run(bank_root, {NEW_S: replace(S, "datum: 2021", "datum: 2020")}) == []


def test_systemfel_status_must_match_last_historik(bank_root):
    text = replace(S, "status: rapporterat\nhistorik", "status: identifierat\nhistorik")
    assert run(bank_root, {NEW_S: text}) == [
        f"{NEW_S}:8: status ('identifierat') ska vara samma som sista"
        " händelsen i historik ('rapporterat')"
    ]


# --------------------------------------------------------------------------
# Förbund


def test_forbund_near_duplicate_is_a_warning_naming_both_files(bank_root):
    # One file each: neither spelling is the usual one, so both files are told.
    text = replace(P, "förbund: Samordningsförbundet Exempel", "förbund: Samordningsförbundet Exempl")
    assert run(bank_root, {NEW_P: text}) == [
        "projekt/exempelprojekt.md:3: varning: förbundet 'Samordningsförbundet Exempel' liknar"
        f" 'Samordningsförbundet Exempl' i {NEW_P}:3 — är det samma förbund? Stava i så fall likadant",
        f"{NEW_P}:3: varning: förbundet 'Samordningsförbundet Exempl' liknar 'Samordningsförbundet Exempel'"
        " i projekt/exempelprojekt.md:3 — är det samma förbund? Stava i så fall likadant",
    ]
    assert run_cli(bank_root)[0] == 0


def test_forbund_differing_only_in_case_and_spacing_is_the_same(bank_root):
    text = replace(P, "förbund: Samordningsförbundet Exempel", "förbund: samordningsförbundet   EXEMPEL")
    assert run(bank_root, {NEW_P: text}) == []


CONFIG = """\
site_name: Test
plugins:
  - search
  - metodbank:
      vokabular:
        förbund:
          exempel: Samordningsförbundet Exempel
          ostra-sodertorn: Samordningsförbundet Östra Södertörn
"""


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ostra-sodertorn", None),
        ("Samordningsförbundet Östra Södertörn", None),
        ("[exempel, ostra-sodertorn]", None),
        ("Samordningsförbundet Östra Södertörns",
         "förbund: 'Samordningsförbundet Östra Södertörns' finns inte bland förbunden i mkdocs.yml."
         " Tillåtna värden: exempel, ostra-sodertorn (eller förbundets namn som det står där)"
         " — menade du 'Samordningsförbundet Östra Södertörn'?"),
        ("[exempel, ostra-sodertrn]",
         "förbund[2]: 'ostra-sodertrn' finns inte bland förbunden i mkdocs.yml."
         " Tillåtna värden: exempel, ostra-sodertorn (eller förbundets namn som det står där)"
         " — menade du 'ostra-sodertorn'?"),
    ],
    ids=["key", "name", "list", "unlisted-name", "unlisted-key-in-list"],
)
def test_forbund_listed_in_config(bank_root, tmp_path, value, expected):
    config = tmp_path / "nationell.yml"
    config.write_text(CONFIG, encoding="utf-8")
    text = replace(P, "förbund: Samordningsförbundet Exempel", f"förbund: {value}")
    lines = run(bank_root, {NEW_P: text}, config=config)
    assert lines == ([f"{NEW_P}:3: {expected}"] if expected else [])


def test_unlisted_forbund_is_free_without_config(bank_root):
    text = replace(P, "förbund: Samordningsförbundet Exempel", "förbund: Samordningsförbundet Helt Annat")
    assert run(bank_root, {NEW_P: text}) == []


# --------------------------------------------------------------------------
# Warnings that keep the bank current


def test_pågående_with_passed_slut_warns(bank_root):
    text = replace(replace(P, "status: avslutat", "status: pågående"), LÄRDOMAR, "")
    write_bank(bank_root, {NEW_P: text})
    warning = (
        f"{NEW_P}:4: varning: projektet är 'pågående' men period.slut (2021-12) har passerat"
        " — uppdatera status och resultat"
    )
    assert check(bank_root, today=dt.date(2022, 1, 1)) == [warning]
    assert check(bank_root, today=dt.date(2021, 12, 31)) == []


def test_planerat_with_old_start_warns(bank_root):
    text = replace(replace(P, "status: avslutat", "status: planerat"), "  slut: 2021-12\n", "")
    write_bank(bank_root, {NEW_P: text})
    warning = (
        f"{NEW_P}:4: varning: projektet är 'planerat' men skulle ha startat 2019-03"
        " — har det startat, eller ska det strykas?"
    )
    assert check(bank_root, today=dt.date(2020, 3, 2)) == [warning]
    assert check(bank_root, today=dt.date(2020, 2, 28)) == []


# --------------------------------------------------------------------------
# The run as a whole


def test_all_problems_of_a_file_in_one_run_sorted_by_line(bank_root):
    text = P
    text = replace(text, "titel: Exempelprojektet", "titel: Ex")  # line 2
    text = replace(text, "status: avslutat", "status: avslutad")  # line 4
    text = replace(text, "budget_kr: 4500000", "budget_kr: 4 500 000")  # line 11
    text = replace(text, "  - id: exempelfel", "  - id: exempelfel\n    antal: 3")  # line 23
    text += "Kontakt: 811218-9876\n"  # last line
    lines = run(bank_root, {NEW_P: text})
    assert lines == [
        f"{NEW_P}:2: 'titel' är för kort: 2 tecken, minst 3",
        f"{NEW_P}:4: status: 'avslutad' är inte tillåtet. Tillåtna värden: planerat, pågående, avslutat, avbrutet"
        " — menade du 'avslutat'?",
        f"{NEW_P}:11: budget_kr: '4 500 000' är skrivet på svenskt sätt — skriv 4500000 (utan mellanslag,"
        " punkt som decimaltecken)",
        f"{NEW_P}:{line_of(text, 'antal: 3')}: okänt fält 'antal' — menade du 'antal_berörda'?",
        f"{NEW_P}:{len(text.splitlines())}: {PNR}",
    ]


def test_problems_in_several_files_are_all_reported(bank_root):
    lines = run(bank_root, {
        NEW_P: replace(P, "grad: 1", "grad: 2"),
        NEW_M: replace(M, "nivå: måttlig", "nivå: stor"),
        NEW_S: b"\xff\xfe",
    })
    assert [line.split(":")[0] for line in lines] == [NEW_M, NEW_P, NEW_S]


def test_cli_exit_codes(bank_root, tmp_path):
    write_bank(bank_root)
    assert run_cli(bank_root)[0] == 0
    assert run_cli(bank_root, "projekt")[0] == 0
    # Only a warning: still 0.
    # (a second file spells it as the known-good one does, so only the odd spelling is warned about)
    write_bank(bank_root, {NEW_P: replace(P, "Samordningsförbundet Exempel", "Samordningsförbundet Exempl"),
                           "projekt/tredje-projekt.md": P})
    code, out, err = run_cli(bank_root)
    assert (code, len(out)) == (0, 1) and "0 fel, 1 varning\n" in err
    # A content error: 1, with the summary on stderr.
    write_bank(bank_root, {NEW_M: replace(M, "nivå: måttlig", "nivå: stor")})
    code, out, err = run_cli(bank_root)
    assert code == 1 and "✘" in err and "1 fel" in err
    # Usage errors: 2, nothing on stdout.
    outside = tmp_path / "utanför"
    outside.mkdir()
    for args in (["finns-inte"], ["--bogus"], ["--config", "saknas.yml"], [str(outside)]):
        code, out, err = run_cli(bank_root, *args)
        assert (code, out) == (2, []), args
        assert err.startswith(("metodbank: ", "usage: ")), err


def test_cli_checks_only_the_given_path(bank_root):
    write_bank(bank_root, {NEW_M: replace(M, "nivå: måttlig", "nivå: stor"), NEW_P: replace(P, "grad: 1", "grad: 2")})
    code, out, _ = run_cli(bank_root, "metoder")
    assert code == 1 and [line.split(":")[0] for line in out] == [NEW_M]
    code, out, _ = run_cli(bank_root, NEW_P)
    assert code == 1 and [line.split(":")[0] for line in out] == [NEW_P]


def test_github_actions_annotations(bank_root):
    text = replace(WITH_SOCIOEKONOMI, "diskonteringsränta: 0.04", "diskonteringsränta: 4 %")
    warned = replace(P, "Samordningsförbundet Exempel", "Samordningsförbundet Exempl")
    write_bank(bank_root, {NEW_P: text, "projekt/annat-projekt.md": warned})
    line = line_of(text, "diskonteringsränta")
    message = (
        "resultat.socioekonomi.diskonteringsränta: '4 %' är skrivet på svenskt sätt — skriv 0.04"
        " (utan mellanslag, punkt som decimaltecken)"
    )
    plain = load_lines(bank_root)
    code, out, _ = run_cli(bank_root, env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out == [
        plain[0],
        f"::warning file=projekt/annat-projekt.md,line=3::{plain[0].split(': varning: ', 1)[1]}",
        f"{NEW_P}:{line}: {message}",
        f"::error file={NEW_P},line={line}::{message.replace('%', '%25')}",
    ]
    assert plain == [out[0], out[2]]
    assert run_cli(bank_root)[1] == plain  # no annotations outside GitHub Actions


def test_github_annotation_escapes_the_file_name(bank_root):
    write_bank(bank_root, {"projekt/a,b.md": P})
    code, out, _ = run_cli(bank_root, env={"GITHUB_ACTIONS": "true"})
    message = (
        "filnamnet 'a,b.md' är ingen giltig slug: 3–80 tecken, bara a–z, 0–9 och bindestreck"
        " — döp om den till 'a-b.md'"
    )
    assert (code, out) == (1, [
        f"projekt/a,b.md:1: {message}",
        f"::error file=projekt/a%2Cb.md,line=1::{message}",
    ])


def test_checker_never_modifies_files(bank_root):
    write_bank(bank_root, {
        NEW_P: replace(P, "målgrupp:", "malgrupp:"),
        NEW_M: (M + "<script>x</script>\n").replace("\n", "\r\n"),
        NEW_S: b"---\ntitel: \xff\n---\n",
        "projekt/Vägen.md": "\ufeff" + P,
        "projekt/a/exempelprojekt.md": P,
    })
    before = tree_digest(bank_root)
    assert load_lines(bank_root) != []
    assert run_cli(bank_root, "--github")[0] == 1
    assert run_cli(bank_root, NEW_P)[0] == 1
    assert tree_digest(bank_root) == before
