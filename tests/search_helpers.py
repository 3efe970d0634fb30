"""A small synthetic bank for the search tests, written to a temporary folder.

Every text is chosen so that each test word occurs exactly where the test
expects it: "coachning" alone only in ``stod-i-avesta``, "studiecoachning"
only in ``studier-i-hedemora``, "arbetsträning" in the title of one project
and once in the body of another, and so on. The filler prose avoids them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

FILLER = (
    "Förbundet ville pröva ett nytt arbetssätt tillsammans med kommunen och regionen. "
    "Deltagarna fick en gemensam plan och regelbundna möten med personal från flera myndigheter. "
    "Uppföljningen gjordes vid avslut och efter sex månader, med enkäter och registeruppgifter. "
)


def _write(path: Path, meta: dict, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body.strip()}\n", encoding="utf-8")
    return path


def write_metod(root: Path, slug: str, titel: str, body: str = "", **extra) -> Path:
    meta = {
        "titel": titel,
        "sammanfattning": extra.pop("sammanfattning", f"{titel} är ett arbetssätt som prövats i flera förbund."),
        **extra,
    }
    return _write(Path(root) / "metoder" / f"{slug}.md", meta, body or f"## Så fungerar metoden\n\n{FILLER}")


def write_systemfel(root: Path, slug: str, titel: str, body: str = "", **extra) -> Path:
    meta = {
        "titel": titel,
        "sammanfattning": extra.pop("sammanfattning", "Kostnaden för en insats hamnar hos en part medan vinsten hamnar hos en annan."),
        "kategori": extra.pop("kategori", "finansiering"),
        "berörda": extra.pop("berörda", ["kommun", "forsakringskassan"]),
        "beslutsnivå": "nationell",
        "förslag": "Gör det möjligt att flytta medel mellan parterna när en kalkyl visar att det lönar sig.",
        "status": extra.pop("status", "identifierat"),
        **extra,
    }
    return _write(Path(root) / "systemfel" / f"{slug}.md", meta, body or FILLER)


def write_projekt(
    root: Path, slug: str, titel: str, body: str = "", *, grad: int = 1, status: str = "avslutat",
    målgrupp=("unga-vuxna-20-29",), metoder=("samtalsstod",), förbund="Samordningsförbundet Avesta",
    start: str = "2019-01", systemfel=(), sammanfattning: str | None = None, parter=("kommun", "arbetsformedlingen"),
    **extra,
) -> Path:
    meta = {
        "titel": titel,
        "förbund": förbund,
        "status": status,
        "period": {"start": start, **({"slut": "2021-12"} if status in ("avslutat", "avbrutet") else {})},
        "parter": list(parter),
        "målgrupp": list(målgrupp),
        "metoder": list(metoder),
    }
    if status != "planerat":
        meta["resultat"] = {"sammanfattning": sammanfattning or "Ett trettiotal deltagare började och de flesta fullföljde insatsen."}
    meta["framgång"] = {"grad": grad, "motivering": "Bedömningen bygger på uppföljningen vid avslut och efter sex månader."}
    if grad >= 2:
        meta["framgång"]["implementerad_hos"] = [{
            "organisation": "Kommunens arbetsmarknadsenhet", "år": 2022,
            "beskrivning": "Arbetssättet finansieras nu i ordinarie budget och tar emot nya deltagare.",
        }]
    if grad == 3:
        meta["framgång"]["beslut"] = [{
            "beslut": "Kommunfullmäktige beslutade att göra arbetssättet permanent i hela kommunen.",
            "beslutsfattare": "Kommunfullmäktige", "år": 2022,
        }]
    if systemfel:
        meta["systemfel"] = [{"id": s, "observation": "Projektet såg att kostnaden hamnade hos kommunen medan staten fick vinsten."}
                             for s in systemfel]
    if status in ("avslutat", "avbrutet"):
        meta["lärdomar"] = ["Tidig kontakt med arbetsgivare var avgörande."]
    meta.update(extra)
    return _write(Path(root) / "projekt" / f"{slug}.md", meta, body or FILLER)


# What the small bank holds, so tests can compute expected answers themselves.
PROJEKT = {
    "stod-i-avesta": dict(
        titel="Stöd till arbete i Avesta", grad=2, målgrupp=["unga-vuxna-20-29", "psykisk-ohalsa"],
        förbund="Samordningsförbundet Södra Dalarna", start="2018-03", systemfel=["svarte-petter"],
        body=FILLER * 3 + "En del av stödet var coachning inför arbetsintervjuer, och några fick praktik. " + FILLER * 3,
    ),
    "studier-i-hedemora": dict(
        titel="Tillbaka till skolbänken i Hedemora", grad=2, målgrupp=["unga-vuxna-20-29"],
        förbund="Samordningsförbundet Södra Dalarna", start="2019-09",
        body=FILLER * 2 + "Deltagarna erbjöds studiecoachning under hela terminen. " + FILLER * 2,
    ),
    "arbetstraning-unga": dict(
        titel="Arbetsträning för unga vuxna", grad=1, målgrupp=["unga-vuxna-20-29"],
        förbund="Finsam Västra Skaraborg", start="2020-01", body=FILLER * 2,
    ),
    "lang-rapport": dict(
        titel="Samverkan i Skaraborg", grad=1, målgrupp=["langtidsarbetslosa"],
        förbund="Finsam Västra Skaraborg", start="2019-05",
        body=FILLER * 4 + "Efter arbetsträningen fick några anställning. " + FILLER * 4,
    ),
    "nya-i-sverige": dict(
        titel="Väg in för nya svenskar", grad=0, status="pågående", målgrupp=["nyanlanda"],
        förbund="Samordningsförbundet Umeå", start="2022-02", body=FILLER + "Insatsen riktar sig till nyanlända kvinnor. " + FILLER,
    ),
    "over-gransen": dict(
        titel="Över gränsen", grad=3, målgrupp=["unga-16-19"], förbund="Samordningsförbundet Umeå", start="2017-01",
        systemfel=["svarte-petter"], body=FILLER + "Varje deltagare gjorde en utlandspraktik i fyra veckor. " + FILLER,
    ),
}


def make_bank(root: Path, skip=()) -> Path:
    """Write the small bank into ``root`` and return it."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text("site_name: Testbank\n", encoding="utf-8")
    write_metod(root, "samtalsstod", "Motiverande samtal")
    write_metod(root, "jobbsteg", "Steg mot jobb", målgrupp=["nyanlanda"])
    write_systemfel(root, "svarte-petter", "Svarte Petter — kostnader flyttas mellan huvudmän")
    for slug, spec in PROJEKT.items():
        if slug not in skip:
            write_projekt(root, slug, **spec)
    return root


def load(root: Path):
    from metodbank.bank import load_bank
    from metodbank.settings import read_settings

    bank = load_bank(Path(root), read_settings(Path(root) / "mkdocs.yml").vocab)
    assert bank.ok, [p.format() for p in bank.problems.sorted()]
    return bank


def run_metodbank(args, cwd, env=None, timeout=60) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (for exit codes and tty-less output)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "metodbank.cli", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )


WORDS = (
    "arbetsträning studiecoachning praktik koordinator samtal språkstöd föräldrar skola hälsa rehabilitering "
    "försörjning utbildning vård omsorg socialt företag arbetsgivare kartläggning motivation psykiatri "
    "sjukskrivning ersättning familj mentor nätverk friskvård digital yrkessvenska matchning lots"
).split()


def fake_bank(n_projekt: int, n_metoder: int = 60, n_systemfel: int = 25, seed: int = 1):
    """An in-memory stand-in for a loaded bank (duck-typed ``Document``s
    holding the real model classes, built without validation), for measuring
    :func:`related` at scale without writing files."""
    import random
    from types import SimpleNamespace as NS

    from metodbank.datum import Datum
    from metodbank.model import Framgång, Metod, Observation, Period, Projekt, Resultat
    from metodbank.vokabular import DEFAULTS, Vocabularies

    rnd = random.Random(seed)
    målgrupper, parter = list(DEFAULTS["målgrupp"]), list(DEFAULTS["parter"])
    metoder = {}
    for i in range(n_metoder):
        meta = Metod.model_construct(titel=f"Metod {i} {rnd.choice(WORDS)}", sammanfattning=" ".join(rnd.sample(WORDS, 8)),
                                     målgrupp=rnd.sample(målgrupper, 2))
        metoder[f"metod-{i:03d}"] = NS(kind="metoder", slug=f"metod-{i:03d}", meta=meta)
    projekt = {}
    for i in range(n_projekt):
        slug = f"projekt-{i:05d}"
        meta = Projekt.model_construct(
            titel=f"Projekt {i} {' '.join(rnd.sample(WORDS, 3))}",
            metoder=rnd.sample(sorted(metoder), rnd.randint(1, 3)),
            systemfel=[Observation.model_construct(id=f"systemfel-{rnd.randrange(n_systemfel):02d}",
                                                   observation="Projektet såg ett systemfel.")
                       for _ in range(rnd.randint(0, 2))],
            framgång=Framgång.model_construct(grad=rnd.randint(0, 3), motivering="Bedömningen bygger på uppföljningen."),
            målgrupp=rnd.sample(målgrupper, rnd.randint(1, 3)), parter=rnd.sample(parter, rnd.randint(1, 4)),
            förbund=[f"Samordningsförbundet {rnd.randrange(80)}"], kommuner=[f"Kommun {rnd.randrange(290)}"],
            resultat=Resultat.model_construct(sammanfattning=" ".join(rnd.choices(WORDS, k=25))),
            status="avslutat", period=Period.model_construct(start=Datum(2015 + i % 8, 1 + i % 12),
                                                             slut=Datum(2024, 12)),
        )
        projekt[slug] = NS(kind="projekt", slug=slug, meta=meta)
    return NS(projekt=projekt, metoder=metoder, systemfel={}, vocab=Vocabularies())
