"""``metodbank sök`` on the small synthetic bank."""

import json

import pytest
from search_helpers import PROJEKT, make_bank, run_metodbank, write_projekt

from metodbank.cli import main


@pytest.fixture
def bank(tmp_path, monkeypatch):
    root = make_bank(tmp_path / "bank")
    monkeypatch.chdir(root)
    return root


def sok(capsys, *args):
    code = main(["sök", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_builds_the_index_itself_then_refreshes_only_what_changed(bank, capsys):
    code, out, err = sok(capsys, "utlandspraktik")
    assert code == 0
    assert "9 nya" in err and (bank / ".cache" / "metodbank" / "sok" / "CURRENT").is_file()
    assert "Över gränsen" in out
    code, out, err = sok(capsys, "utlandspraktik")
    assert err == ""  # fresh: nothing rebuilt, nothing loaded
    write_projekt(bank, "over-gransen", **dict(PROJEKT["over-gransen"], titel="Över gränsen till Irland"))
    code, out, err = sok(capsys, "utlandspraktik")
    assert "1 ändrade" in err and "Över gränsen till Irland" in out


def test_the_question_with_filters(bank, capsys):
    code, out, _ = sok(capsys, "unga", "psykisk", "ohälsa", "--målgrupp", "unga-vuxna-20-29", "--grad", "2",
                       "--typ", "projekt")
    assert code == 0
    assert out.startswith("1 träff\n")
    assert "1. Stöd till arbete i Avesta" in out
    assert "projekt · grad 2 (andra graden) · avslutat · start 2018 · Samordningsförbundet Södra Dalarna" in out
    assert "projekt/stod-i-avesta.md  →  /projekt/stod-i-avesta/" in out


def test_plain_output_marks_matches_with_guillemets(bank, capsys):
    _, out, _ = sok(capsys, "coachning")
    assert "«coachning»" in out and "«studiecoachning»" in out and "\033[" not in out
    assert out.index("Stöd till arbete i Avesta") < out.index("Tillbaka till skolbänken i Hedemora")


def test_json_output_parses(bank, capsys):
    code, out, _ = sok(capsys, "praktik", "--json", "--limit", "1", "--förbund", "Umeå")
    assert code == 0
    data = json.loads(out)
    assert data["antal"] == 1 and data["visade"] == 1 and data["filter"] == {"förbund": ["Umeå"]}
    (hit,) = data["träffar"]
    assert (hit["slug"], hit["typ"], hit["grad"]) == ("over-gransen", "projekt", 3)
    assert "«utlandspraktik»" in hit["utdrag"]


def test_no_hits_is_not_an_error(bank, capsys):
    code, out, _ = sok(capsys, "tandvård")
    assert (code, out.strip()) == (0, "Inga träffar. Pröva färre eller andra ord, eller ta bort ett filter.")


@pytest.mark.parametrize("args, message", [
    (["målgrupp:unga"], "inget giltigt värde för målgrupp"),
    (["'psykisk ohälsa"], None),  # a lone apostrophe is just a character
    (['"psykisk ohälsa'], "citattecken"),
    (["praktik", "--grad", "7"], "grad måste vara 0, 1, 2 eller 3"),
    (["praktik", "--typ", "projekten"], "menade du 'projekt'"),
    (["praktik", "--malgrupp", "unga"], "inget giltigt värde för målgrupp"),
    ([], "skriv ett eller flera sökord"),
])
def test_bad_query_or_option_exits_2_with_a_swedish_message(bank, capsys, args, message):
    code, out, err = sok(capsys, *args)
    if message is None:
        assert code == 0
        return
    assert code == 2 and out == ""
    assert err.splitlines()[-1].startswith("metodbank sök: ") and message in err
    assert "Traceback" not in err


def test_real_process_exit_codes(bank):
    bad = run_metodbank(["sök", "foo:bar"], cwd=bank)
    assert bad.returncode == 2
    assert "'foo:' är inget sökfält" in bad.stderr and "Traceback" not in bad.stderr
    limit = run_metodbank(["sök", "praktik", "--limit", "noll"], cwd=bank)
    assert limit.returncode == 2 and "'noll' är inget heltal" in limit.stderr
    ok = run_metodbank(["sök", "praktik", "--json"], cwd=bank)
    assert ok.returncode == 0 and json.loads(ok.stdout)["antal"] == 2


def test_outside_a_bank(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = sok(capsys, "praktik")
    assert code == 2 and "hittar ingen metodbank" in err
