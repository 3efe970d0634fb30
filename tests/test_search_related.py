""""Liknande projekt": weighted feature overlap, computed once for the bank."""

import time

from search_helpers import fake_bank, load, make_bank, write_metod, write_projekt, write_systemfel

from metodbank.search import related


def test_shared_metod_and_systemfel_outweigh_shared_parter(tmp_path):
    root = make_bank(tmp_path / "bank")
    write_metod(root, "ips", "Individuellt stöd till arbete")
    write_systemfel(root, "aldersgranser", "Åldersgränser som stänger ute")
    common = dict(metoder=["ips"], systemfel=["aldersgranser"], målgrupp=["psykisk-ohalsa"], förbund="Förbund Ett")
    write_projekt(root, "ips-norr", "IPS i norr", **common)
    write_projekt(root, "ips-soder", "IPS i söder", **dict(common, förbund="Förbund Två"))
    write_projekt(root, "annat", "Något annat", parter=["kommun", "arbetsformedlingen"], förbund="Förbund Tre",
                  målgrupp=["foraldrar-barn"])
    result = related(load(root), limit=3)

    top = result[("projekt", "ips-norr")][0]
    assert top[:2] == ("projekt", "ips-soder") and top[2] > 0
    assert result[("projekt", "ips-soder")][0][:2] == ("projekt", "ips-norr")
    others = [slug for _, slug, _ in result[("projekt", "annat")]]
    assert "ips-norr" not in others[:1]


def test_every_projekt_and_metod_gets_a_sorted_deterministic_list(tmp_path):
    bank = load(make_bank(tmp_path / "bank"))
    first, second = related(bank, limit=4), related(bank, limit=4)
    assert first == second
    assert set(first) == {("projekt", s) for s in bank.projekt} | {("metoder", s) for s in bank.metoder}
    for (kind, slug), items in first.items():
        assert len(items) <= 4
        assert all(k == kind and s != slug for k, s, _ in items)  # projekt↔projekt, metoder↔metoder
        assert [(-score, s) for _, s, score in items] == sorted((-score, s) for _, s, score in items)


def test_ties_are_broken_by_slug():
    bank = fake_bank(0, n_metoder=5)
    for doc in bank.metoder.values():  # five identical methods
        doc.meta = doc.meta.model_copy(update=dict(titel="Samma", sammanfattning="Samma text om arbete", målgrupp=["nyanlanda"]))
    result = related(bank, limit=3)
    assert [s for _, s, _ in result[("metoder", "metod-002")]] == ["metod-000", "metod-001", "metod-003"]


def test_scales_to_thousands_of_projects():
    bank = fake_bank(3000, n_metoder=150)
    started = time.process_time()
    result = related(bank, limit=5)
    spent = time.process_time() - started
    assert len(result) == 3000 + 150
    assert all(len(v) == 5 for k, v in result.items() if k[0] == "projekt")
    assert spent < 15, f"related() took {spent:.1f} s CPU for 3000 projects"
