"""Keeping the bank current: projects whose write-up looks out of date give a
checker warning (never an error) and are listed on "Behöver uppdateras".
The built page itself is checked in test_contribution_form.py (one build)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from contribution_helpers import metodbank
from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.site.pages import Generator, SiteOptions

TODAY = dt.date.today()


def projekt(status: str, start: str, slut: str | None = None, titel: str = "Ett projekt att följa upp") -> str:
    period = f"  start: {start}\n" + (f"  slut: {slut}\n" if slut else "")
    resultat = "" if status == "planerat" else "resultat:\n  sammanfattning: Tjugo deltagare hade börjat i insatsen.\n"
    return (
        f"---\ntitel: {titel}\nförbund: Samordningsförbundet Exempel\nstatus: {status}\nperiod:\n{period}"
        "parter: [kommun]\nmålgrupp: [nyanlanda]\nmetoder: [exempelmetod]\n"
        f"{resultat}framgång:\n  grad: 0\n  motivering: Projektet har ännu inte bedömts av förbundet.\n---\nText.\n"
    )


METOD = "---\ntitel: Exempelmetoden\nsammanfattning: En metod där deltagaren får stöd på arbetsplatsen.\n---\nText.\n"


@pytest.fixture
def bank(tmp_path):
    root = tmp_path / "bank"
    for folder in ("projekt", "metoder", "systemfel"):
        (root / folder).mkdir(parents=True)
    (root / "metoder" / "exempelmetod.md").write_text(METOD, encoding="utf-8")
    return root


def write(bank, slug, text):
    (bank / "projekt" / f"{slug}.md").write_text(text, encoding="utf-8")


def test_pagaende_past_its_end_is_a_warning_not_an_error(bank):
    slut = f"{TODAY.year - 1}-06"
    write(bank, "glomt-projekt", projekt("pågående", f"{TODAY.year - 3}-01", slut))
    code, out, err = metodbank(bank, "kontrollera")
    assert code == 0
    assert out.splitlines() == [
        f"projekt/glomt-projekt.md:4: varning: projektet är 'pågående' men period.slut ({slut}) har passerat"
        " — uppdatera status och resultat"
    ]
    assert "0 fel, 1 varning\n" in err


def test_the_warning_is_a_github_warning_annotation(bank, monkeypatch):
    write(bank, "glomt-projekt", projekt("pågående", "2019", "2020"))
    code, out, _err = metodbank(bank, "kontrollera", "--github")
    assert code == 0
    assert "::warning file=projekt/glomt-projekt.md,line=4::projektet är 'pågående' men period.slut (2020)" in out


def test_planerat_that_should_have_started_over_a_year_ago_is_a_warning(bank):
    start = f"{TODAY.year - 2}-01"
    write(bank, "aldrig-startat", projekt("planerat", start))
    code, out, _err = metodbank(bank, "kontrollera")
    assert code == 0
    assert f"varning: projektet är 'planerat' men skulle ha startat {start}" in out


@pytest.mark.parametrize("status, start, slut", [
    ("pågående", f"{TODAY.year - 1}", f"{TODAY.year + 1}"),  # end still ahead
    ("pågående", f"{TODAY.year - 1}", None),  # no end date given
    ("planerat", f"{TODAY.year}", None),  # starts this year
    ("avslutat", "2018", "2019"),  # finished projects are never stale
])
def test_current_projects_give_no_warning(bank, status, start, slut):
    text = projekt(status, start, slut)
    if status == "avslutat":
        text = text.replace("---\nText.", "lärdomar:\n  - Börja i tid med arbetsgivarna.\n---\nText.")
    write(bank, "aktuellt", text)
    assert metodbank(bank, "kontrollera")[:2] == (0, "")


def test_the_month_counts_as_a_whole_period(bank):
    """`slut: 2024-06` ends on 30 June 2024: the day after, the project is stale."""
    write(bank, "gransfall", projekt("pågående", "2023", "2024-06"))
    assert not load_bank(bank, today=dt.date(2024, 6, 30)).problems.warnings
    warnings = load_bank(bank, today=dt.date(2024, 7, 1)).problems.warnings
    assert [w.severity.value for w in warnings] == ["varning"]


def test_the_update_page_lists_stale_projects_with_their_reason(bank):
    write(bank, "glomt-projekt", projekt("pågående", "2019", "2020-06", titel="Glömt <projekt> & co"))
    write(bank, "aldrig-startat", projekt("planerat", "2020-01", titel="Aldrig startat"))
    write(bank, "aktuellt", projekt("pågående", f"{TODAY.year}", f"{TODAY.year + 2}", titel="Aktuellt"))
    derived = derive(load_bank(bank), today=TODAY)
    pages = Generator(derived, SiteOptions()).pages()
    page = next(p.html for p in pages if p.src_uri == "uppdatering/index.md")
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    assert "Glömt <projekt> & co" in text and "Aldrig startat" in text and "Aktuellt" not in text
    assert "projektet är 'pågående' men period.slut (2020-06) har passerat" in text
    assert "projektet är 'planerat' men skulle ha startat 2020-01" in text
    assert "Glömt &lt;projekt&gt; &amp; co" in page  # titles are escaped
    assert "2 projekt som behöver uppdateras" in text
