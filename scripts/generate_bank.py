#!/usr/bin/env python3
"""Write a deterministic synthetic methods bank for benchmarks and tests.

    python scripts/generate_bank.py OUT_DIR --projekt N [--seed 1]

OUT_DIR gets ``projekt/`` (N files), ``metoder/`` (about N/25, at least 8),
``systemfel/`` (about N/100, at least 6), a copy of the repository's
``docs/`` and a ``mkdocs.yml`` adapted from the repository's own (same
theme, plugins and vocabularies). Every file passes ``metodbank kontrollera``.

The distributions are meant to look like a real bank:

- about 60 förbund whose sizes follow a Zipf-like law (a few large ones, a
  long tail), about 5 % of the projects run jointly by two förbund;
- Markdown bodies of 150–900 words (log-normal, median about 380) written by
  a bigram chain over the example bank's own bodies, with a few compound
  words made up on the way so that the vocabulary keeps growing with N, as a
  real corpus does;
- 1–3 metoder and 1–3 målgrupper per project, 0–3 systemfel observations;
  metoder and systemfel are chosen Zipf-like too (some are used everywhere);
- framgång.grad 0: 20 %, 1: 55 %, 2: 18 %, 3: 7 %, each with the evidence
  its degree needs (resultat, implementerad_hos, beslut + systemfel);
- statuses planerat/pågående/avslutat/avbrutet mixed to fit the degree,
  with lärdomar, avbrottsorsak and period.slut where the contract wants
  them; about one in ten projects with results has a socio-economic
  calculation.

The same N and seed give byte-identical files (on any machine), as long as
the example bank the word list is built from is unchanged.

Only the standard library is needed.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENT = ("projekt", "metoder", "systemfel")
MARKER = ".syntetisk-bank"  # marks a folder this script may overwrite

# --------------------------------------------------------------------------
# Vocabulary keys (the shipped defaults of the contract)

MALGRUPP = ["unga-16-19", "unga-vuxna-20-29", "nyanlanda", "langtidssjukskrivna", "langtidsarbetslosa",
            "forsorjningsstod", "funktionsnedsattning", "psykisk-ohalsa", "missbruk-beroende", "foraldrar-barn"]
# Weights: the common target groups of samordningsförbund come first.
MALGRUPP_WEIGHTS = [10, 14, 8, 12, 11, 12, 9, 14, 5, 5]
PARTER = ["arbetsformedlingen", "forsakringskassan", "kommun", "region", "skola", "ideell-sektor", "naringsliv",
          "rattsvasende", "ovriga"]
KATEGORI = ["regelverk", "finansiering", "styrning", "organisation", "information", "kompetens", "tidsgranser"]
UNDERLAG = ["anekdot", "ärendegenomgång", "mätning", "kalkyl", "extern utvärdering"]

# About 60 förbund (free names, as in the repository's mkdocs.yml) with the
# kommuner they cover. No two names are near-duplicates (checked below), so
# the checker's "liknar" warning stays quiet.
FORBUND = [
    ("Samordningsförbundet Östra Södertörn", ["Haninge", "Nynäshamn", "Tyresö"]),
    ("Samordningsförbundet Norra Bohuslän", ["Strömstad", "Tanum", "Munkedal", "Sotenäs", "Lysekil"]),
    ("Finsam Västra Skaraborg", ["Lidköping", "Götene", "Vara", "Grästorp"]),
    ("Samordningsförbundet Umeå", ["Umeå", "Vännäs", "Bjurholm", "Nordmaling"]),
    ("Samordningsförbundet Trelleborg", ["Trelleborg"]),
    ("Samordningsförbundet Södra Dalarna", ["Avesta", "Hedemora", "Säter"]),
    ("Samordningsförbundet Göteborg Centrum", ["Göteborg"]),
    ("Samordningsförbundet Göteborg Nordost", ["Göteborg"]),
    ("Samordningsförbundet Göteborg Hisingen", ["Göteborg"]),
    ("Samordningsförbundet Stockholms stad", ["Stockholm"]),
    ("Samordningsförbundet Malmö", ["Malmö"]),
    ("Samordningsförbundet Uppsala län", ["Uppsala", "Tierp", "Östhammar", "Knivsta", "Älvkarleby"]),
    ("Samordningsförbundet Västra Östergötland", ["Motala", "Vadstena", "Mjölby", "Boxholm", "Ödeshög"]),
    ("Samordningsförbundet Centrala Östergötland", ["Linköping", "Åtvidaberg", "Kinda", "Ydre"]),
    ("Samordningsförbundet Norrköping", ["Norrköping", "Söderköping", "Valdemarsvik"]),
    ("Samordningsförbundet Jämtlands län", ["Östersund", "Krokom", "Strömsund", "Åre", "Berg"]),
    ("Samordningsförbundet Sundsvall", ["Sundsvall", "Timrå", "Ånge"]),
    ("Samordningsförbundet Norrbotten", ["Luleå", "Piteå", "Boden", "Kalix"]),
    ("Samordningsförbundet Skellefteå", ["Skellefteå", "Norsjö", "Malå"]),
    ("Samordningsförbundet Gävleborg", ["Gävle", "Sandviken", "Söderhamn", "Ockelbo"]),
    ("Samordningsförbundet Kalmar län", ["Kalmar", "Nybro", "Oskarshamn", "Västervik", "Mönsterås"]),
    ("Samordningsförbundet Kronoberg", ["Växjö", "Ljungby", "Alvesta", "Älmhult", "Tingsryd"]),
    ("Samordningsförbundet Blekinge", ["Karlskrona", "Ronneby", "Karlshamn", "Sölvesborg"]),
    ("Samordningsförbundet Gotland", ["Gotland"]),
    ("Finsam Halland", ["Halmstad", "Falkenberg", "Varberg", "Hylte", "Laholm"]),
    ("Samordningsförbundet Värmland", ["Karlstad", "Kristinehamn", "Arvika", "Säffle", "Torsby"]),
    ("Samordningsförbundet Örebro län", ["Örebro", "Kumla", "Hallsberg", "Lekeberg"]),
    ("Samordningsförbundet Västerås", ["Västerås"]),
    ("Samordningsförbundet Södermanland", ["Eskilstuna", "Nyköping", "Katrineholm", "Flen", "Strängnäs"]),
    ("Samordningsförbundet Jönköpings län", ["Jönköping", "Värnamo", "Nässjö", "Eksjö", "Vetlanda"]),
    ("Samordningsförbundet Kristianstad", ["Kristianstad", "Hässleholm", "Bromölla", "Osby"]),
    ("Samordningsförbundet Helsingborg", ["Helsingborg", "Höganäs", "Ängelholm", "Båstad"]),
    ("Finsam Lund", ["Lund", "Kävlinge", "Lomma"]),
    ("Samordningsförbundet Ystad–Österlen", ["Ystad", "Simrishamn", "Tomelilla", "Sjöbo"]),
    ("Samordningsförbundet Botkyrka", ["Botkyrka", "Salem"]),
    ("Samordningsförbundet Södertälje", ["Södertälje", "Nykvarn"]),
    ("Samordningsförbundet Huddinge", ["Huddinge"]),
    ("Samordningsförbundet Norrtälje", ["Norrtälje"]),
    ("Samordningsförbundet Järfälla", ["Järfälla", "Upplands-Bro"]),
    ("Samordningsförbundet Sollentuna–Upplands Väsby", ["Sollentuna", "Upplands Väsby"]),
    ("Samordningsförbundet Nacka–Värmdö", ["Nacka", "Värmdö"]),
    ("Samordningsförbundet Sjuhärad", ["Borås", "Mark", "Svenljunga", "Tranemo", "Ulricehamn"]),
    ("Finsam Trollhättan", ["Trollhättan", "Vänersborg", "Lilla Edet"]),
    ("Samordningsförbundet Mölndal–Härryda–Partille", ["Mölndal", "Härryda", "Partille"]),
    ("Samordningsförbundet Älv och Kust", ["Kungälv", "Ale", "Stenungsund", "Tjörn"]),
    ("Samordningsförbundet Dalsland", ["Åmål", "Bengtsfors", "Dals-Ed", "Mellerud"]),
    ("Samordningsförbundet Övre Dalarna", ["Mora", "Orsa", "Älvdalen", "Malung-Sälen"]),
    ("Samordningsförbundet Falun–Borlänge", ["Falun", "Borlänge", "Ludvika"]),
    ("Samordningsförbundet Härjedalen", ["Härjedalen"]),
    ("Samordningsförbundet Södra Lappland", ["Lycksele", "Storuman", "Sorsele", "Vilhelmina"]),
    ("Samordningsförbundet Örnsköldsvik", ["Örnsköldsvik"]),
    ("Samordningsförbundet Haparanda–Tornedalen", ["Haparanda", "Övertorneå", "Pajala"]),
    ("Samordningsförbundet Gällivare–Kiruna", ["Gällivare", "Kiruna"]),
    ("Samordningsförbundet Hälsingland", ["Hudiksvall", "Nordanstig", "Ljusdal", "Bollnäs"]),
    ("Samordningsförbundet Enköping–Håbo", ["Enköping", "Håbo"]),
    ("Samordningsförbundet Sala–Heby", ["Sala", "Heby"]),
    ("Samordningsförbundet Köping–Arboga", ["Köping", "Arboga", "Kungsör"]),
    ("Samordningsförbundet Tranås–Aneby", ["Tranås", "Aneby"]),
    ("Samordningsförbundet Gislaved–Gnosjö", ["Gislaved", "Gnosjö"]),
    ("Samordningsförbundet Landskrona–Svalöv", ["Landskrona", "Svalöv"]),
]

PROJEKT_TEMAN = [
    "Vägen till arbete", "Steg för steg", "Unga i fokus", "Nya vägar", "Arbete först", "Tillsammans mot jobb",
    "Hälsa och arbete", "Studier som väg framåt", "Föräldrar i arbete", "Språk och arbete", "Jobbspåret",
    "Framtidsvägen", "Brobyggarna", "Samverkan för unga", "Tidiga insatser", "Stöd hela vägen",
    "Arbetsträning i grupp", "Ut i arbetslivet", "Mötesplats arbete", "Rätt stöd i tid", "Hållbar återgång",
    "Från bidrag till lön", "Kraftsamling", "Plattformen", "Navet", "Lotsen", "Trappan", "Kompassen", "Nystart",
    "Ett steg närmare", "Vidare vägar", "Aktiv vardag", "Friskare tillsammans", "Inkludering i arbetslivet",
    "Unga vuxna i arbete", "Studiebron", "Skolbron", "Familjecentralen", "Språkbron", "Gemensam kartläggning",
    "Samordnad rehabilitering", "Arbetsgivarlyftet", "Stegvis återgång", "Lärande i praktik", "Jobbverkstaden",
]

METOD_BAS = [
    "Individuell plan", "Arbetsträning", "Samordnande koordinator", "Supported employment", "Motiverande samtal",
    "Studiecoachning", "Föräldrastöd", "Språkstöd", "Hälsofrämjande insats", "Arbetsförmågebedömning",
    "Handledd praktik", "Mentorskap", "Gruppverksamhet", "Fysisk aktivitet på recept", "Digital vägledning",
    "Jobbcoachning", "Social färdighetsträning", "Validering", "Arbetsgivarsamverkan", "Kamratstöd",
    "Case management", "Psykoedukation", "Stresshantering", "Budget- och skuldrådgivning", "Kognitivt stöd",
]
METOD_TILLAGG = [
    "för unga", "i grupp", "på arbetsplatsen", "i glesbygd", "med digitalt stöd", "för nyanlända", "i samverkan",
    "med stegvis upptrappning", "för föräldrar", "nära psykiatrin", "i skolan", "i socialt företag",
    "med arbetsgivarfokus", "för långtidssjukskrivna", "med kartläggning", "i hemmiljö", "på lätt svenska",
    "med uppsökande arbete", "efter avslut",
]
SYSTEMFEL_BAS = [
    "Kostnader och vinster hamnar hos olika huvudmän", "Kortsiktig styrning", "Åldersgränser stänger dörrar",
    "Sekretess hindrar samordning", "Ersättningsregler straffar aktivitet", "Metoder implementeras inte",
    "Stängd fyrpartsstruktur", "Individfokus döljer strukturorsaker", "Glapp mellan sjukskrivning och arbetslöshet",
    "Krav på arbetsförmåga före stöd", "Olika bedömningar av samma person", "Stuprörsfinansiering",
    "Projekt i stället för linje", "Bristande uppföljning", "Digitala tjänster stänger ute",
    "Språkkrav utan språkstöd", "Väntetider mellan myndigheter", "Detaljstyrda uppdrag",
    "Otydligt ansvar för unga", "Regler för studiemedel",
]
SYSTEMFEL_TILLAGG = ["i kommunerna", "i regionen", "för unga", "för nyanlända", "vid sjukskrivning", "i glesbygd",
                     "i skolan", "för föräldrar"]
ANSVARIG = ["Regeringen", "Socialdepartementet", "Finansdepartementet", "Arbetsmarknadsdepartementet",
            "Utbildningsdepartementet", "Kommunstyrelsen", "Regionstyrelsen", "Förbundsstyrelsen",
            "Försäkringskassan", "Arbetsförmedlingen"]
REGELVERK = ["SFS 2003:1210", "SFS 2010:110", "SFS 2001:453", "SFS 2009:400", "SFS 2017:900", "SFS 2010:1100"]
ORGANISATIONER = ["arbetsmarknadsenheten", "socialtjänsten", "vuxenutbildningen", "psykiatrin", "primärvården",
                  "elevhälsan", "integrationsenheten", "daglig verksamhet", "ekonomiskt bistånd"]
BESLUTSFATTARE = ["Kommunfullmäktige", "Kommunstyrelsen", "Regionfullmäktige", "Förbundsstyrelsen",
                  "Regeringen", "Socialnämnden", "Arbetsmarknadsnämnden"]

PROJEKT_RUBRIKER = ["Bakgrund", "Genomförande", "Resultat och lärdomar", "Svagheter"]
METOD_RUBRIKER = ["Så fungerar metoden", "Vad den kräver", "Att se upp med"]
SYSTEMFEL_RUBRIKER = ["Mekanismen", "Konsekvenser", "Underlag"]

# Dates are fixed, never "today": the same seed gives the same files next year.
# Finished projects end by 2026-10; ongoing ones end 2027 or later; planned
# ones start in 2027 (so the checker's "out of date" warnings stay quiet
# until then, and they are warnings only).
LAST_FINISHED = (2026, 10)


# --------------------------------------------------------------------------
# Text


_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        parts = text.split("\n---", 2)
        if len(parts) >= 2:
            return parts[-1].split("\n", 1)[1] if "\n" in parts[-1] else ""
    return text


class Text:
    """A bigram chain over the example bank's bodies (words only: no digits,
    so no generated text can ever look like a personnummer)."""

    def __init__(self, repo: Path = REPO):
        follows: dict[str, list[str]] = {}
        starts: list[str] = []
        words: list[str] = []
        for kind in CONTENT:
            for path in sorted((repo / kind).glob("*.md")):
                body = _strip_front_matter(path.read_text("utf-8"))
                prose = " ".join(line for line in body.splitlines()
                                 if line.strip() and not line.lstrip().startswith(("#", "|", "-", "*", "!", "<")))
                for sentence in _SENTENCE_END.split(prose):
                    tokens = _WORD.findall(sentence)
                    if len(tokens) < 4:
                        continue
                    tokens = [tokens[0]] + [t if _is_name(t) else t.lower() for t in tokens[1:]]
                    starts.append(tokens[0])
                    words.extend(tokens)
                    for a, b in zip(tokens, tokens[1:]):
                        follows.setdefault(a.lower(), []).append(b)
        if len(starts) < 20:
            raise SystemExit(f"generate_bank: för lite exempeltext i {repo} för att bygga en ordlista")
        self.follows = follows
        self.starts = starts
        self.long_words = sorted({w.lower() for w in words if len(w) >= 5 and w.islower()})

    def sentence(self, rng: random.Random, max_words: int = 22) -> str:
        out: list[str] = []
        while len(out) < 4:  # a chain that dead-ends at once starts again
            out = self._chain(rng, max_words)
        if len(out) >= 10 and rng.random() < 0.3:
            out[rng.randint(3, len(out) - 4)] += ","
        out[0] = out[0][0].upper() + out[0][1:]
        return " ".join(out) + "."

    def _chain(self, rng: random.Random, max_words: int) -> list[str]:
        word = rng.choice(self.starts)
        out = [word]
        while len(out) < max_words:
            nxt = self.follows.get(word.lower())
            if not nxt or (len(out) >= 7 and rng.random() < 0.08):
                break
            word = rng.choice(nxt)
            if len(word) >= 5 and word.islower() and rng.random() < 0.03:
                # A made-up compound: new words keep appearing as the bank grows.
                word = word[: rng.randint(4, len(word))] + rng.choice(self.long_words)
            out.append(word)
        return out

    def words(self, rng: random.Random, count: int) -> list[str]:
        """Sentences adding up to about ``count`` words."""
        out, total = [], 0
        while total < count:
            s = self.sentence(rng)
            out.append(s)
            total += s.count(" ") + 1
        return out

    def prose(self, rng: random.Random, low: int, high: int) -> str:
        """Whole sentences, between ``low`` and ``high`` characters."""
        text = ""
        while len(text) < low:
            s = self.sentence(rng)
            room = high - len(text) - (1 if text else 0)
            if len(s) > room:  # cut the last sentence at a word so the text fits
                s = s[:room].rsplit(" ", 1)[0].rstrip(",.") + "."
            text = f"{text} {s}" if text else s
        return text

    def body(self, rng: random.Random, words: int, headings: list[str]) -> str:
        """A Markdown body of about ``words`` words under the given headings."""
        shares = [rng.uniform(0.6, 1.4) for _ in headings]
        total = sum(shares)
        parts = []
        for heading, share in zip(headings, shares):
            budget = max(20, round(words * share / total))
            parts.append(f"## {heading}\n")
            sentences = self.words(rng, budget)
            if rng.random() < 0.12 and len(sentences) >= 6:
                # Now and then a short list, as writers do.
                items = [sentences.pop(rng.randrange(len(sentences))) for _ in range(3)]
                parts.append("\n".join(f"- {item}" for item in items) + "\n")
            paragraph: list[str] = []
            count = 0
            limit = rng.randint(45, 110)
            for s in sentences:
                paragraph.append(s)
                count += s.count(" ") + 1
                if count >= limit:
                    parts.append(_wrap(" ".join(paragraph)) + "\n")
                    paragraph, count, limit = [], 0, rng.randint(45, 110)
            if paragraph:
                parts.append(_wrap(" ".join(paragraph)) + "\n")
        return "\n".join(parts)


def _is_name(token: str) -> bool:
    return token[:1].isupper() and token[1:].islower() and len(token) > 2 and token not in ("Det", "Den", "De")


def _wrap(text: str, width: int = 76, indent: str = "") -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(indent + line)
    return "\n".join(lines)


# --------------------------------------------------------------------------
# YAML front-matter, written the way people write it by hand


_PLAIN = re.compile(r"^[A-Za-zÅÄÖåäöÉéÜü][\wÅÄÖåäöÉéÜü .,()/–—-]*[\wÅÄÖåäöÉéÜü.)]$|^[A-Za-zÅÄÖåäö]$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
LONG = 64  # strings longer than this are written as folded blocks (>-)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and ": " not in text and " #" not in text and text.lower() not in _RESERVED:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(value: str) -> str:
    return value  # YYYY-MM and YYYY-MM-DD are written bare, as in the examples


def _emit(data: dict, indent: int = 0) -> list[str]:
    pad = " " * indent
    out = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, Raw):
            out.append(f"{pad}{key}: {value}")
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(_emit(value, indent + 2))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{pad}{key}:")
            for item in value:
                lines = _emit(item, indent + 4)
                lines[0] = f"{pad}  - " + lines[0][indent + 4:]
                out.extend(lines)
        elif isinstance(value, list) and value and any(isinstance(v, str) and (len(v) > LONG or "," in v)
                                                       for v in value):
            out.append(f"{pad}{key}:")
            for item in value:
                out.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(value, list):
            out.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, str) and len(value) > LONG:
            out.append(f"{pad}{key}: >-")
            out.append(_wrap(value, 76 - indent, pad + "  "))
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")
    return out


class Raw(str):
    """A value written as is (dates)."""


def document(front: dict, body: str) -> str:
    return "---\n" + "\n".join(_emit(front)) + "\n---\n" + body


# --------------------------------------------------------------------------
# Helpers


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().replace("å", "a").replace("ä", "a").replace("ö", "o"))
    folded = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:72].rstrip("-")


def unique(slug: str, taken: set) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


def pick(rng: random.Random, population: list, weights: list, k: int) -> list:
    """``k`` distinct items, weighted."""
    chosen: list = []
    k = min(k, len(population))
    while len(chosen) < k:
        item = rng.choices(population, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def ym(year: int, month: int) -> Raw:
    return Raw(f"{year}-{month:02d}")


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def clamp_finished(year: int, month: int) -> tuple[int, int]:
    return min((year, month), LAST_FINISHED)


def body_words(rng: random.Random, low: int = 150, high: int = 900, median: float = 380) -> int:
    return int(min(high, max(low, rng.lognormvariate(math.log(median), 0.45))))


# --------------------------------------------------------------------------
# The bank


def titles(rng: random.Random, bases: list[str], additions: list[str], count: int) -> list[str]:
    combos = [f"{b} {a}" for b in bases for a in additions]
    rng.shuffle(combos)
    out = list(bases) + combos
    n = 2
    while len(out) < count:  # beyond every combination: numbered variants
        out += [f"{t} {n}" for t in bases]
        n += 1
    return out[:count]


def make_metoder(rng: random.Random, text: Text, count: int) -> list[tuple[str, str]]:
    files, taken = [], set()
    for titel in titles(rng, METOD_BAS, METOD_TILLAGG, count):
        slug = unique(slugify(titel), taken)
        front = {
            "titel": titel,
            "sammanfattning": text.prose(rng, 60, 280),
            "målgrupp": pick(rng, MALGRUPP, MALGRUPP_WEIGHTS, rng.randint(1, 4)) if rng.random() < 0.85 else None,
            "förutsättningar": text.prose(rng, 80, 600) if rng.random() < 0.7 else None,
            "insatstid_månader": rng.choice([3, 6, 6, 9, 12, 12, 18, 24]) if rng.random() < 0.8 else None,
            "evidens": {
                "nivå": rng.choices(["stark", "måttlig", "begränsad", "saknas"], [2, 3, 4, 2])[0],
                "källa": text.prose(rng, 40, 400) if rng.random() < 0.7 else None,
            } if rng.random() < 0.75 else None,
            "källor": [{"titel": text.prose(rng, 10, 120).rstrip("."),
                        "länk": f"https://example.org/metoder/{slug}/kalla-{i + 1}"}
                       for i in range(rng.randint(1, 3))] if rng.random() < 0.5 else None,
        }
        files.append((slug, document(front, text.body(rng, body_words(rng, 150, 900, 320), METOD_RUBRIKER))))
    return files


def make_systemfel(rng: random.Random, text: Text, count: int) -> list[tuple[str, str]]:
    files, taken = [], set()
    statuses = ["identifierat", "rapporterat", "beslut fattat", "åtgärdat"]
    for titel in titles(rng, SYSTEMFEL_BAS, SYSTEMFEL_TILLAGG, count):
        slug = unique(slugify(titel), taken)
        status = rng.choices(statuses, [4, 5, 2, 1])[0]
        historik = None
        if rng.random() < 0.6:
            # In date order, ending on the file's own status.
            steps = statuses[: statuses.index(status) + 1]
            steps = steps[-rng.randint(1, len(steps)):]
            year, month = rng.randint(2012, 2018), rng.randint(1, 12)
            historik = []
            for step in steps:
                historik.append({"datum": ym(year, month), "status": step, "händelse": text.prose(rng, 30, 280),
                                 "länk": f"https://example.org/systemfel/{slug}/{year}" if rng.random() < 0.3 else None})
                year, month = clamp_finished(*add_months(year, month, rng.randint(3, 30)))
        front = {
            "titel": titel,
            "sammanfattning": text.prose(rng, 60, 280),
            "kategori": rng.choice(KATEGORI),
            "berörda": pick(rng, PARTER[:4] + PARTER[4:], [5, 5, 6, 4, 2, 1, 1, 1, 1], rng.randint(1, 4)),
            "beslutsnivå": rng.choices(["lokal", "regional", "nationell"], [2, 2, 3])[0],
            "ansvarig": pick(rng, ANSVARIG, [1] * len(ANSVARIG), rng.randint(1, 3)) if rng.random() < 0.7 else None,
            "regelverk": pick(rng, REGELVERK, [1] * len(REGELVERK), rng.randint(1, 2)) if rng.random() < 0.5 else None,
            "förslag": text.prose(rng, 80, 800),
            "status": status,
            "historik": historik,
        }
        files.append((slug, document(front, text.body(rng, body_words(rng, 150, 900, 350), SYSTEMFEL_RUBRIKER))))
    return files


DEGREE_STATUS = {
    0: (["planerat", "pågående", "avbrutet", "avslutat"], [25, 45, 15, 15]),
    1: (["pågående", "avslutat"], [35, 65]),
    2: (["pågående", "avslutat"], [15, 85]),
    3: (["pågående", "avslutat"], [10, 90]),
}


def make_projekt(rng: random.Random, text: Text, count: int, metoder: list[str], systemfel: list[str]):
    forbund_weights = zipf_weights(len(FORBUND), 0.9)
    order = list(range(len(FORBUND)))
    rng.shuffle(order)  # which förbund is large is part of the seed
    forbund = [FORBUND[i] for i in order]
    metod_weights = zipf_weights(len(metoder), 0.8)
    systemfel_weights = zipf_weights(len(systemfel), 0.7)
    files, taken = [], set()
    for _ in range(count):
        main = rng.choices(forbund, forbund_weights)[0]
        owners = [main]
        if rng.random() < 0.05:
            owners = pick(rng, forbund, forbund_weights, 2)
            if main not in owners:
                owners[0] = main
        kommuner = list(dict.fromkeys(k for f in owners for k in f[1]))
        ort = rng.choice(kommuner)
        titel = f"{rng.choice(PROJEKT_TEMAN)} i {ort}" if rng.random() < 0.8 else rng.choice(PROJEKT_TEMAN)
        slug = slugify(titel)
        if slug in taken:
            n = 2
            while f"{slug}-{n}" in taken:
                n += 1
            titel, slug = f"{titel} (etapp {n})", f"{slug}-{n}"
        taken.add(slug)

        grad = rng.choices([0, 1, 2, 3], [20, 55, 18, 7])[0]
        statuses, weights = DEGREE_STATUS[grad]
        status = rng.choices(statuses, weights)[0]
        if status == "planerat":
            start = (2027, rng.randint(1, 12))
            slut = add_months(*start, rng.randint(12, 36)) if rng.random() < 0.7 else None
        elif status == "pågående":
            start = (rng.choices(range(2019, 2027), [1, 1, 2, 3, 4, 5, 6, 4])[0], rng.randint(1, 12))
            start = clamp_finished(*start)
            slut = (rng.randint(2027, 2030), rng.randint(1, 12)) if rng.random() < 0.9 else None
        else:
            start = (rng.choices(range(2010, 2025), range(1, 16))[0], rng.randint(1, 12))
            slut = clamp_finished(*add_months(*start, rng.randint(6, 48)))
        period = {"start": ym(*start), "slut": ym(*slut) if slut else None}

        observed = []
        n_obs = rng.choices([0, 1, 2, 3], [45, 30, 17, 8])[0]
        if grad == 3:
            n_obs = max(1, n_obs)
        for sf in pick(rng, systemfel, systemfel_weights, n_obs):
            observed.append({
                "id": sf,
                "observation": text.prose(rng, 60, 600),
                "underlag": rng.choice(UNDERLAG) if rng.random() < 0.8 else None,
                "antal_berörda": rng.randint(2, 80) if rng.random() < 0.3 else None,
            })

        resultat = None
        if status != "planerat":
            deltagare = rng.randint(5, 300)
            arbete = rng.randint(0, deltagare // 2)
            studier = rng.randint(0, (deltagare - arbete) // 3)
            resultat = {
                "sammanfattning": text.prose(rng, 80, 700),
                "mättidpunkt": rng.choice(["vid avslut", "efter 6 månader", "efter 12 månader"])
                if status == "avslutat" and rng.random() < 0.6 else None,
                "deltagare": deltagare if rng.random() < 0.9 else None,
                "till_arbete": arbete,
                "till_studier": studier,
            }
            if resultat["deltagare"] is None:
                resultat["till_arbete"] = resultat["till_studier"] = None
            if rng.random() < 0.1:
                kostnad = rng.randint(10, 150) * 100_000
                resultat["socioekonomi"] = {
                    "typ": rng.choice(["prognos", "uppföljning"]),
                    "kalkylperiod_år": rng.choice([1, 3, 5, 5, 10]),
                    "diskonteringsränta": rng.choice([0.0, 0.03, 0.04, 0.05]),
                    "insatskostnad_kr": kostnad,
                    "utfall_kr": {
                        **{part: rng.randint(-20, 60) * 50_000
                           for part in pick(rng, PARTER[:4], [1, 1, 1, 1], rng.randint(2, 4))},
                        "produktionsvarde": rng.randint(0, 200) * 50_000,
                    },
                }

        first_year = start[0]
        last_year = max(first_year, min((slut or LAST_FINISHED)[0] + 1, LAST_FINISHED[0]))
        framgang = {
            "grad": grad,
            "motivering": text.prose(rng, 80, 700),
            "bedömd": ym(*clamp_finished(*(slut or start))) if rng.random() < 0.6 and status != "planerat" else None,
            "bedömd_av": rng.choice(["projektledare", "förbund", "extern"]) if rng.random() < 0.6 else None,
            "implementerad_hos": None,
            "beslut": None,
        }
        if grad >= 2:
            framgang["implementerad_hos"] = [
                {"organisation": f"{rng.choice(kommuner)} kommun, {rng.choice(ORGANISATIONER)}",
                 "år": rng.randint(first_year, last_year),
                 "beskrivning": text.prose(rng, 60, 500)}
                for _ in range(rng.randint(1, 2))
            ]
        if grad == 3:
            framgang["beslut"] = []
            for _ in range(rng.randint(1, 2)):
                linked = pick(rng, [o["id"] for o in observed], [1] * len(observed), rng.randint(1, len(observed)))
                framgang["beslut"].append({
                    "beslut": text.prose(rng, 60, 600),
                    "beslutsfattare": rng.choice(BESLUTSFATTARE),
                    "år": rng.randint(first_year, last_year),
                    "systemfel": linked if rng.random() < 0.7 else None,
                    "länk": f"https://example.org/beslut/{slug}" if rng.random() < 0.4 else None,
                })

        finished = status in ("avslutat", "avbrutet")
        budget = rng.randint(3, 150) * 100_000 if rng.random() < 0.8 else None
        finansiering = None
        if budget is not None and rng.random() < 0.7:
            sources = pick(rng, ["samordningsförbund", "esf", "kommun", "region", "annan"], [8, 3, 2, 2, 1],
                           rng.randint(1, 3))
            share = budget // len(sources)
            finansiering = [{"källa": s, "kr": share} for s in sources]
        uppdaterad = None
        if rng.random() < 0.7:
            y, m = clamp_finished(*add_months(*(slut if finished else start), rng.randint(1, 4)))
            uppdaterad = Raw(f"{y}-{m:02d}-{rng.randint(1, 28):02d}")

        front = {
            "titel": titel,
            "förbund": owners[0][0] if len(owners) == 1 else [f[0] for f in owners],
            "kommuner": pick(rng, kommuner, [1] * len(kommuner), rng.randint(1, min(3, len(kommuner))))
            if rng.random() < 0.85 else None,
            "status": status,
            "period": period,
            "uppdaterad": uppdaterad,
            "parter": pick(rng, PARTER, [6, 5, 9, 5, 2, 2, 1, 1, 1], rng.randint(1, 4)),
            "målgrupp": pick(rng, MALGRUPP, MALGRUPP_WEIGHTS, rng.choices([1, 2, 3], [40, 40, 20])[0]),
            "metoder": pick(rng, metoder, metod_weights, rng.choices([1, 2, 3], [55, 33, 12])[0]),
            "budget_kr": budget,
            "finansiering": finansiering,
            "resultat": resultat,
            "framgång": framgang,
            "systemfel": observed or None,
            "lärdomar": [text.prose(rng, 30, 290) for _ in range(rng.randint(1, 4))]
            if finished or (status == "pågående" and rng.random() < 0.3) else None,
            "avbrottsorsak": text.prose(rng, 60, 600) if status == "avbrutet" else None,
            "utvärdering": [{"titel": "Extern utvärdering", "länk": f"https://example.org/utvardering/{slug}"}]
            if rng.random() < 0.2 else None,
            "kontakt": f"{owners[0][0]}, kansliet" if rng.random() < 0.6 else None,
        }
        # Contract version 2: with several metoder each implementation names
        # its own. Chosen without drawing from rng, so the rest of the bank
        # stays the same as before the field existed.
        if len(front["metoder"]) > 1:
            for index, item in enumerate(framgang["implementerad_hos"] or []):
                item["metod"] = front["metoder"][index % len(front["metoder"])]
        files.append((slug, document(front, text.body(rng, body_words(rng), PROJEKT_RUBRIKER))))
    return files


def _check_forbund_names() -> None:
    """No two förbund names may be near-duplicates (the checker would warn)."""
    names = [re.sub(r"\s+", " ", n).strip().casefold() for n, _ in FORBUND]
    assert len(set(names)) == len(names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if abs(len(a) - len(b)) <= 2:
                assert _distance(a, b) > 2, (a, b)


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def counts(projekt: int) -> tuple[int, int]:
    """(metoder, systemfel) for a bank of ``projekt`` projects."""
    return max(8, round(projekt / 25)), max(6, round(projekt / 100))


def mkdocs_yml(repo: Path = REPO) -> str:
    """The repository's mkdocs.yml, with a site name that says what this is."""
    text = (repo / "mkdocs.yml").read_text("utf-8")
    return re.sub(r"(?m)^site_name:.*$", "site_name: Metodbanken (syntetisk bank)", text, count=1)


def generate(out: Path, projekt: int, seed: int = 1, repo: Path = REPO) -> dict[str, int]:
    out = Path(out)
    if out.resolve() == repo.resolve() or (out / ".git").exists():
        raise SystemExit(f"generate_bank: vägrar skriva i {out}: det är ett git-arkiv, inte en syntetisk bank")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"generate_bank: {out} är inte tom och skapades inte av det här skriptet")
    _check_forbund_names()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Skapad av scripts/generate_bank.py; skrivs över utan fråga.\n", "utf-8")
    for folder in (*CONTENT, "docs"):
        shutil.rmtree(out / folder, ignore_errors=True)

    n_metoder, n_systemfel = counts(projekt)
    text = Text(repo)
    # One generator per folder, so that N only changes how many, not what.
    metoder = make_metoder(random.Random(f"{seed}-metoder-{n_metoder}"), text, n_metoder)
    systemfel = make_systemfel(random.Random(f"{seed}-systemfel-{n_systemfel}"), text, n_systemfel)
    projekt_files = make_projekt(random.Random(f"{seed}-projekt"), text, projekt,
                                 [s for s, _ in metoder], [s for s, _ in systemfel])
    for folder, files in (("metoder", metoder), ("systemfel", systemfel), ("projekt", projekt_files)):
        (out / folder).mkdir()
        for slug, content in files:
            (out / folder / f"{slug}.md").write_text(content, "utf-8", newline="\n")
    shutil.copytree(repo / "docs", out / "docs")
    (out / "mkdocs.yml").write_text(mkdocs_yml(repo), "utf-8", newline="\n")
    return {"projekt": len(projekt_files), "metoder": len(metoder), "systemfel": len(systemfel)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Skriv en syntetisk metodbank (deterministisk).")
    parser.add_argument("out", metavar="OUT_DIR", type=Path, help="mappen att skriva banken i")
    parser.add_argument("--projekt", type=int, required=True, metavar="N", help="antal projekt")
    parser.add_argument("--seed", type=int, default=1, help="slumpfrö (standard 1)")
    args = parser.parse_args(argv)
    if args.projekt < 1:
        parser.error("--projekt måste vara minst 1")
    written = generate(args.out, args.projekt, args.seed)
    print(f"{args.out}: {written['projekt']} projekt, {written['metoder']} metoder, {written['systemfel']} systemfel",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
