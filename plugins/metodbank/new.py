"""The core of ``metodbank ny``: a new content file from a template.

:func:`create` checks the values given, asks for the missing ones when given
an :class:`Asker` (choices from the vocabularies and the existing metoder
are picked by number; for a project that has started, the rest of the
contract too: results, a socio-economic calculation, funding, the grade with
the evidence it needs, systemfel, lessons), and writes a file whose remaining
fields carry short Swedish guidance comments. Dates and years are checked
against the start as they are given. It refuses a bad or existing slug. A file created
with all the values its kind needs passes ``metodbank kontrollera``; what is
left empty is reported by the checker with the line to fill in.

Free text is checked by the content model's own types (:class:`TextField`),
so the bounds in messages, questions and help are the model's.
Every problem the user can fix is a :class:`NewFileError`; the command line
(:mod:`metodbank.cli.ny`) shows it and exits with 2.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import types
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Union, get_args, get_origin

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import TypeAdapter, ValidationError

from . import kinds, model
from . import vokabular as v
from .bank import Refused, content_files, display_base, display_path, printable, read_content, refusal
from .datum import Datum, DatumError
from .files import os_error
from .kinds import Grad
from .schema import generate as generate_schema
from .suggest import did_you_mean, slugify

# Command word (``ny metod``) -> content folder (``metoder``).
KINDS = {kind.singular: kind.folder for kind in kinds.ALL}

# Options that take comma-separated lists: the one list separator of ny, as in
# the form ("Flera … skiljs med kommatecken"). Texts that may hold commas
# (lärdomar) are given one per option or one per question instead.
LIST_OPTIONS = ("förbund", "målgrupp", "parter", "metoder", "berörda")
LIST_SEPARATOR = ","


class NewFileError(Exception):
    """A usage problem: the message is shown as is, the exit code is 2."""


# --------------------------------------------------------------------------
# Values


@dataclass
class Bank:
    """What the template and the questions need to know about the bank."""

    root: Path
    vocab: v.Vocabularies
    metoder: dict[str, str] = field(default_factory=dict)  # slug -> titel
    systemfel: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path, vocab: v.Vocabularies) -> "Bank":
        """The existing metoder and systemfel to choose from: only the files
        the checker would read (a FIFO among them must not block this)."""
        bank = cls(root, vocab)
        real_root, real_dirs = Path(root).resolve(), {}
        for kind, path in content_files(real_root):
            if kind not in ("metoder", "systemfel") or not path.name.endswith(".md"):
                continue
            why, ident = refusal(path, real_root, real_dirs)
            if why is None:
                getattr(bank, kind)[path.stem] = _title_of(path, ident) or path.stem
        return bank


def _title_of(path: Path, ident: tuple | None = None) -> str | None:
    """The titel of a content file, read cheaply (no validation)."""
    try:
        text = read_content(path, ident)[:20_000].decode("utf-8", "replace")
    except Refused:
        return None
    for line in text.splitlines()[:61]:
        if line.startswith("titel:"):
            title = line[len("titel:"):].split(" #", 1)[0].strip()
            return title.strip("\"'") or None
    return None


def split_list(value: str | None) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


@cache
def _slug_type() -> TypeAdapter:
    return TypeAdapter(model.Slug)


def is_slug(text: str) -> bool:
    """Whether the content model accepts ``text`` as a slug (a file name without .md)."""
    try:
        _slug_type().validate_python(text)
    except ValidationError:
        return False
    return True


def check_slug(slug: str) -> str:
    slug = slug.strip()
    if slug.endswith(".md"):
        slug = slug[:-3]
    if not is_slug(slug):
        suggestion = slugify(slug)
        hint = f" Förslag: '{suggestion}'." if is_slug(suggestion) else ""
        raise NewFileError(
            f"'{slug}' kan inte vara ett filnamn: använd bara små bokstäver a–z (utan å, ä, ö), siffror och "
            f"bindestreck, {model.SLUG_MIN}–{model.SLUG_MAX} tecken, inte bindestreck först eller sist.{hint}"
        )
    return slug


def check_date(value: str, name: str, not_before: Datum | None = None) -> Datum:
    """A date; with ``not_before`` (the start), one that does not end before it."""
    try:
        datum = Datum.parse(value.strip())
    except DatumError as exc:
        raise NewFileError(f"--{name}: {exc}") from None
    if not_before is not None and datum.is_before(not_before):
        raise NewFileError(f"--{name}: {datum} ligger före projektets start ({not_before})")
    return datum


def check_number(value: str, name: str, low: float | None = None, high: float | None = None,
                 integer: bool = True) -> int | float:
    """A number as the model takes it. A Swedish way of writing it
    (``4 500 000``, ``0,04``, ``4 %``) is read as meant: the file gets the
    number written the way the checker wants it."""
    text = value.strip()
    text = model.swedish_number_hint(text) or text
    try:
        number = int(text) if integer else float(text)
    except ValueError:
        example = "4500000" if integer else "0.04"
        kind = "ett heltal" if integer else "ett tal"
        raise NewFileError(f"--{name}: '{value.strip()}' är inte {kind}: skriv t.ex. {example}") from None
    if low is not None and number < low:
        raise NewFileError(f"--{name}: ska vara minst {low:g} (nu {number:g})")
    if high is not None and number > high:
        raise NewFileError(f"--{name}: får vara högst {high:g} (nu {number:g})")
    return number


@cache
def bounds(definition: str, name: str) -> tuple:
    """(minimum, maximum) of a number field of the content model, e.g.
    ``bounds("Socioekonomi", "kalkylperiod_år")``: ny states and checks the model's bounds."""
    node = generate_schema(kinds.PROJEKT.folder)["$defs"][definition]["properties"][name]
    node = next((option for option in node.get("anyOf", [node]) if "minimum" in option), node)
    return node.get("minimum"), node.get("maximum")


def span(definition: str, name: str) -> str:
    low, high = bounds(definition, name)
    return f"{low:g}–{high:g}"


def check_year(value: str, name: str, start: Datum | None) -> int:
    year = check_number(value, name, *bounds("Implementering", "år"))
    if start is not None and year < start.year:
        raise NewFileError(f"--{name}: {year} ligger före projektets start ({start})")
    return year


def check_link(value: str, name: str) -> str:
    link = value.strip()
    if not re.match(r"^https?://[^\s/]+\S*$", link):
        raise NewFileError(f"--{name}: '{link}' är ingen webbadress: den ska börja med https:// (eller http://)")
    return link


def check_outcomes(resultat: dict) -> None:
    """till_arbete + till_studier ≤ deltagare (the contract's rule)."""
    deltagare = resultat.get("deltagare")
    done = (resultat.get("till_arbete") or 0) + (resultat.get("till_studier") or 0)
    if deltagare is not None and done > deltagare:
        raise NewFileError(f"arbete och studier ({done}) är fler än deltagarna ({deltagare})")


def check_choice(value: str, allowed, name: str) -> str:
    value = value.strip()
    if value not in allowed:
        raise NewFileError(
            f"--{name}: '{value}' är inte tillåtet. Tillåtna värden: {', '.join(allowed)}{did_you_mean(value, allowed)}"
        )
    return value


def check_terms(values: list[str], name: str, vocab: v.Vocabularies, option: str | None = None) -> list[str]:
    allowed = vocab.keys(name)
    for value in values:
        if value not in allowed:
            raise NewFileError(
                f"--{option or name}: '{value}' finns inte i vokabulären '{name}'. "
                f"Tillåtna värden: {', '.join(allowed)}{did_you_mean(value, allowed)}"
            )
    return list(dict.fromkeys(values))


def check_metoder(values: list[str], bank: Bank) -> list[str]:
    for value in values:
        if value not in bank.metoder:
            raise NewFileError(
                f"--metoder: det finns ingen metod 'metoder/{value}.md'{did_you_mean(value, bank.metoder)}. "
                f"Skapa den först med: metodbank ny metod {slugify(value) or value}"
            )
    return list(dict.fromkeys(values))


class FieldRefused(NewFileError):
    """The content model refused a value for another reason than its length."""

    def __init__(self, option: str, value: str, error: dict):
        super().__init__(f"--{option}: {error['msg']}")
        self.value = value
        self.type = error["type"]


# Where each free-text option of ``ny`` is in the content model, from the
# kind's model: a field name, or a list field's index for one of its items.
# ``förbund`` is one name of projekt's list; ``motivering`` is framgång's.
_TEXT_FIELDS: dict[str, tuple[str | int, ...]] = {
    "titel": ("titel",),
    "förbund": ("förbund", 0),
    "motivering": ("framgång", "motivering"),
    "sammanfattning": ("sammanfattning",),
    "förslag": ("förslag",),
    "resultat": ("resultat", "sammanfattning"),
    "lärdom": ("lärdomar", 0),
    "avbrottsorsak": ("avbrottsorsak",),
    "organisation": ("framgång", "implementerad_hos", 0, "organisation"),
    "beskrivning": ("framgång", "implementerad_hos", 0, "beskrivning"),
    "beslut": ("framgång", "beslut", 0, "beslut"),
    "beslutsfattare": ("framgång", "beslut", 0, "beslutsfattare"),
    "observation": ("systemfel", 0, "observation"),
}


def _optional_removed(annotation):
    """``Optional[X]`` → ``X`` (constraints kept)."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _bare(annotation):
    """``annotation`` without ``Annotated`` and ``Optional``: the list or model inside."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        unwrapped = _optional_removed(annotation)
        if unwrapped is annotation:
            return annotation
        annotation = unwrapped


def _field_type(owner, path: tuple[str | int, ...]):
    """The type of the field at ``path`` below the model ``owner``, with its
    constraints and validators (``Annotated``), as the model declares it."""
    annotation = owner
    for part in path:
        if isinstance(part, int):  # an item of a list field
            annotation = get_args(_bare(annotation))[0]
        else:
            annotation = _bare(annotation).model_fields[part].rebuild_annotation()
    return _optional_removed(annotation)


class TextField:
    """A free-text field, checked by the content model's own type: the
    bounds ``ny`` states and enforces are the ones the checker enforces."""

    def __init__(self, option: str, annotation):
        self.option = option
        self.adapter = TypeAdapter(annotation)

    @cached_property
    def bounds(self) -> tuple[int, int]:
        """(fewest, most) characters, from the model's JSON Schema."""
        schema = self.adapter.json_schema()
        return schema["minLength"], schema["maxLength"]

    @property
    def span(self) -> str:
        low, high = self.bounds
        return f"{low}–{high} tecken"

    def check(self, value: str, vocab: v.Vocabularies | None = None) -> str:
        """``value`` with its spaces collapsed (NFC), as the model accepts it."""
        text = unicodedata.normalize("NFC", " ".join(value.split()))
        try:
            return self.adapter.validate_python(text, context={"vokabular": vocab} if vocab is not None else None)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
        if error["type"] in ("string_too_short", "string_too_long"):
            low, high = self.bounds
            raise NewFileError(f"--{self.option}: {len(text)} tecken, ska vara {low}–{high}")
        raise FieldRefused(self.option, text, error)


@cache
def text_field(kind: str, option: str) -> TextField:
    """The free-text option ``option`` of ``ny <kind>`` as its model defines it."""
    return TextField(option, _field_type(model.KINDS[KINDS[kind]], _TEXT_FIELDS[option]))


def check_text(value: str, kind: str, option: str) -> str:
    return text_field(kind, option).check(value)


def check_forbund(values: list[str], vocab: v.Vocabularies) -> list[str]:
    """Förbund names as the model takes them: a listed vocabulary's keys and labels only."""
    out = []
    for value in values:
        try:
            out.append(text_field("projekt", "förbund").check(value, vocab))
        except FieldRefused as exc:
            if exc.type != "förbund":
                raise
            names = vocab.terms["förbund"]
            raise NewFileError(
                f"--förbund: '{exc.value}' finns inte bland förbunden i mkdocs.yml. Tillåtna värden: "
                f"{', '.join(names)}{did_you_mean(exc.value, list(names) + list(names.values()))}"
            ) from None
    return out


_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


def yaml_quote(value: str) -> str:
    """A YAML double-quoted scalar for any user text (JSON strings are valid YAML)."""
    quoted = json.dumps(unicodedata.normalize("NFC", str(value)), ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


# --------------------------------------------------------------------------
# Questions (only in a terminal)


class Asker:
    """Asks on the terminal; every answer is checked at once and asked again when wrong."""

    def __init__(self, out=None):
        self.out = out or sys.stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def ask(self, prompt: str, check, optional: bool = False):
        while True:
            try:
                answer = input(f"{prompt}: ").strip()
            except EOFError:
                raise NewFileError("avbrutet: inga fler svar") from None
            if not answer and optional:
                return None
            if not answer:
                self.say("  Svara, eller avbryt med Ctrl+C.")
                continue
            try:
                return check(answer)
            except NewFileError as exc:
                self.say(f"  {str(exc).split(': ', 1)[-1]}")

    def choose(self, prompt: str, options: dict[str, str], many: bool, optional: bool = False):
        keys = list(options)
        self.say(f"{prompt}:")
        for number, key in enumerate(keys, 1):
            label = options[key]
            self.say(f"  {number:>2}. {key}" + (f" – {label}" if label and label != key else ""))
        hint = "nummer eller namn, flera med kommatecken" if many else "nummer eller namn"

        def check(answer: str):
            picked = []
            for part in split_list(answer):
                if part.isdigit() and 1 <= int(part) <= len(keys):
                    picked.append(keys[int(part) - 1])
                elif part in options:
                    picked.append(part)
                else:
                    raise NewFileError(f"'{part}' finns inte i listan: ange {hint}{did_you_mean(part, keys)}")
            if not many and len(picked) != 1:
                raise NewFileError("välj ett alternativ")
            return list(dict.fromkeys(picked)) if many else picked[0]

        return self.ask(f"  Välj ({hint})", check, optional)

    def yes_no(self, prompt: str) -> bool:
        """A j/n question; no answer means no."""

        def check(answer: str) -> bool:
            word = answer.strip().casefold()
            if word in ("j", "ja", "y", "yes"):
                return True
            if word in ("n", "nej", "no"):
                return False
            raise NewFileError("svara j (ja) eller n (nej)")

        return bool(self.ask(f"{prompt} (j/n, tomt = nej)", check, optional=True))


def ask_missing(kind: str, values: dict, bank: Bank, asker: Asker) -> None:
    """Fill in ``values`` from questions, for the fields not given as options."""
    vocab = bank.vocab
    asker.say(f"Ny fil: {KINDS[kind]}/{values['slug']}.md — svara på frågorna (Ctrl+C avbryter).")
    if values.get("titel") is None:
        values["titel"] = asker.ask(f"Titel ({text_field(kind, 'titel').span})",
                                    lambda a: check_text(a, kind, "titel"))
    if kind == "projekt":
        if not values.get("förbund"):
            if vocab.forbund_listed:
                values["förbund"] = asker.choose("Förbund", vocab.terms["förbund"], many=True)
            else:
                values["förbund"] = asker.ask("Förbundets namn (flera med kommatecken)",
                                              lambda a: check_forbund(split_list(a), vocab))
        if values.get("status") is None:
            values["status"] = asker.choose("Status", {s: "" for s in v.STATUS_PROJEKT}, many=False)
        if values.get("start") is None:
            def check_start(answer: str) -> Datum:
                start, slut = check_date(answer, "start"), values.get("slut")
                if slut is not None and slut.is_before(start):
                    raise NewFileError(f"--start: {start} ligger efter slutdatumet ({slut})")
                return start

            values["start"] = asker.ask("Startdatum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD)", check_start)
        if values.get("slut") is None:
            needed = values["status"] in v.STATUS_AVSLUTADE
            prompt = "Slutdatum" + ("" if needed else " (lämna tomt om det inte är bestämt)")
            values["slut"] = asker.ask(prompt, lambda a: check_date(a, "slut", values["start"]), optional=not needed)
        if not values.get("målgrupp"):
            values["målgrupp"] = asker.choose("Målgrupp", vocab.terms["målgrupp"], many=True)
        if not values.get("parter"):
            values["parter"] = asker.choose("Parter", vocab.terms["parter"], many=True)
        if not values.get("metoder"):
            if bank.metoder:
                values["metoder"] = asker.choose(
                    "Metoder (finns metoden inte? Lämna tomt och skapa den med 'metodbank ny metod')",
                    bank.metoder, many=True, optional=True) or []
            else:
                asker.say("Det finns inga metoder ännu: skapa en med 'metodbank ny metod <slug>'.")
        if values["status"] != v.PLANERAT:
            ask_project_details(values, bank, asker)
    elif kind == "metod":
        if values.get("sammanfattning") is None:
            values["sammanfattning"] = asker.ask(f"Sammanfattning ({text_field(kind, 'sammanfattning').span})",
                                                 lambda a: check_text(a, kind, "sammanfattning"))
        if not values.get("målgrupp"):
            values["målgrupp"] = asker.choose("Målgrupp (valfritt, lämna tomt för att hoppa över)",
                                              vocab.terms["målgrupp"], many=True, optional=True) or []
    else:
        if values.get("sammanfattning") is None:
            values["sammanfattning"] = asker.ask(f"Sammanfattning ({text_field(kind, 'sammanfattning').span})",
                                                 lambda a: check_text(a, kind, "sammanfattning"))
        if values.get("kategori") is None:
            values["kategori"] = asker.choose("Kategori", vocab.terms["kategori"], many=False)
        if not values.get("berörda"):
            values["berörda"] = asker.choose("Berörda parter", vocab.terms["parter"], many=True)
        if values.get("beslutsnivå") is None:
            values["beslutsnivå"] = asker.choose("Var kan felet rättas (beslutsnivå)",
                                                 {s: "" for s in v.BESLUTSNIVÅ}, many=False)
        if values.get("förslag") is None:
            values["förslag"] = asker.ask(f"Förslag: vad borde ändras? ({text_field(kind, 'förslag').span})",
                                          lambda a: check_text(a, kind, "förslag"))
        if values.get("status") is None:
            values["status"] = asker.choose("Status", {s: "" for s in v.STATUS_SYSTEMFEL}, many=False)


def _ask_text(asker: Asker, prompt: str, option: str, optional: bool = False):
    field = text_field("projekt", option)
    return asker.ask(f"{prompt} ({field.span})", lambda a: field.check(a), optional)


def ask_project_details(values: dict, bank: Bank, asker: Asker) -> None:
    """The rest of a started project's contract: results, a socio-economic
    calculation, funding, the degree with the evidence it needs, the
    systemfel observed, lessons and why it stopped. Optional parts are
    skipped with an empty answer."""
    start: Datum | None = values.get("start")
    status = values["status"]
    asker.say("Resultat (krävs när projektet har startat).")
    if values.get("resultat") is None:
        values["resultat"] = _ask_text(asker, "Vad hände med deltagarna?", "resultat")
    antal = values.setdefault("antal", {})
    for key, prompt in (("deltagare", "Antal deltagare som började"), ("till_arbete", "Antal som fick arbete"),
                        ("till_studier", "Antal som började studera")):
        if antal.get(key) is None:
            def check(answer, key=key):
                number = check_number(answer, key, 0)
                check_outcomes({**antal, key: number})
                return number
            antal[key] = asker.ask(f"{prompt} (heltal, lämna tomt om okänt)", check, optional=True)
    if values.get("socioekonomi") is None and asker.yes_no("Finns en socioekonomisk kalkyl?"):
        values["socioekonomi"] = ask_calculation(values, bank, asker)
    if values.get("budget_kr") is None:
        values["budget_kr"] = asker.ask("Budget i kronor (heltal, lämna tomt om okänd)",
                                        lambda a: check_number(a, "budget", 0), optional=True)
    if not values.get("finansiering"):
        values["finansiering"] = []
        while True:
            källa = asker.choose("Finansiering: varifrån kom pengarna? (lämna tomt när du är klar)",
                                 {k: "" for k in v.FINANSIERINGSKÄLLA}, many=False, optional=True)
            if källa is None:
                break
            kr = asker.ask(f"  Belopp från {källa} i kronor (lämna tomt om okänt)",
                           lambda a: check_number(a, "kr", 0), optional=True)
            values["finansiering"].append({"källa": källa, "kr": kr})
    if values.get("grad") is None:
        asker.say("Högsta grad av framgång som projektet har nått (se BIDRA.md):")
        for g in Grad:
            asker.say(f"  {int(g)} – {g.label}. {g.meaning}")
        values["grad"] = asker.ask(f"  Grad ({', '.join(str(int(g)) for g in Grad)})",
                                   lambda a: int(check_choice(a, [str(int(g)) for g in Grad], "grad")))
    if values.get("motivering") is None:
        values["motivering"] = _ask_text(asker, "Motivering: varför just den graden?", "motivering")
    grad = values["grad"]
    if grad == Grad.ANDRA and not values.get("implementerad_hos"):
        asker.say(f"Grad {int(Grad.ANDRA)} kräver minst en organisation som använder metoden efter projektet.")
        values["implementerad_hos"] = _ask_repeated(asker, "organisation", lambda: ask_implementation(values, asker))
    if grad == Grad.TREDJE and not values.get("beslut"):
        asker.say(f"Grad {int(Grad.TREDJE)} kräver minst ett systemförändrande beslut och ett systemfel som projektet har sett.")
        values["beslut"] = _ask_repeated(asker, "beslut", lambda: ask_decision(start, bank, asker))
    if not values.get("systemfel"):
        values["systemfel"] = ask_observations(bank, asker, needed=grad == Grad.TREDJE)
    if status in v.STATUS_AVSLUTADE and not values.get("lärdomar"):
        values["lärdomar"] = []
        field = text_field("projekt", "lärdom")
        while True:
            first = not values["lärdomar"]
            lesson = asker.ask(f"Lärdom{'' if first else ' till (lämna tomt när du är klar)'} ({field.span})",
                               field.check, optional=not first)
            if lesson is None:
                break
            values["lärdomar"].append(lesson)
    if status == v.AVBRUTET and values.get("avbrottsorsak") is None:
        values["avbrottsorsak"] = _ask_text(asker, "Varför avbröts projektet?", "avbrottsorsak")


def _ask_repeated(asker: Asker, what: str, ask_one) -> list:
    items = [ask_one()]
    while asker.yes_no(f"Lägga till {'ett' if what == 'beslut' else 'en'} {what} till?"):
        items.append(ask_one())
    return items


def ask_calculation(values: dict, bank: Bank, asker: Asker) -> dict:
    calculation = {
        "typ": asker.choose("Är kalkylen en prognos eller en uppföljning?", {k: "" for k in v.KALKYLTYP}, many=False),
        "kalkylperiod_år": asker.ask(f"Kalkylperiod i år ({span('Socioekonomi', 'kalkylperiod_år')})",
                                     lambda a: check_number(a, "kalkylperiod_år",
                                                            *bounds("Socioekonomi", "kalkylperiod_år"))),
        "diskonteringsränta": asker.ask(f"Diskonteringsränta ({span('Socioekonomi', 'diskonteringsränta')},"
                                        " t.ex. 0.04)",
                                        lambda a: check_number(a, "diskonteringsränta",
                                                               *bounds("Socioekonomi", "diskonteringsränta"),
                                                               integer=False)),
        "insatskostnad_kr": asker.ask("Insatskostnad i kronor", lambda a: check_number(a, "insatskostnad_kr", 0)),
        "utfall_kr": {},
    }
    asker.say("Utfall per aktör i kronor: nettovinst (+) eller kostnad (−). Lämna tomt för aktörer utan belopp.")
    for key in [*values.get("parter", []), v.PRODUKTIONSVÄRDE]:
        label = bank.vocab.label("parter", key) if key != v.PRODUKTIONSVÄRDE else "Produktionsvärde"
        kr = asker.ask(f"  {label}", lambda a: check_number(a, "utfall_kr"), optional=True)
        if kr is not None:
            calculation["utfall_kr"][key] = kr
    return calculation


def ask_implementation(values: dict, asker: Asker) -> dict:
    item = {"organisation": _ask_text(asker, "Organisation som använder metoden", "organisation")}
    own = values.get("metoder") or []
    if len(own) > 1:
        item["metod"] = asker.choose("Vilken av projektets metoder används där?", {m: "" for m in own}, many=False)
    item["år"] = asker.ask("Från vilket år? (inte före projektets start)",
                           lambda a: check_year(a, "år", values.get("start")))
    item["beskrivning"] = _ask_text(asker, "Vad infördes, och hur finansieras det?", "beskrivning")
    return item


def ask_decision(start: Datum | None, bank: Bank, asker: Asker) -> dict:
    item = {"beslut": _ask_text(asker, "Vad beslutades?", "beslut"),
            "beslutsfattare": _ask_text(asker, "Vem beslutade? (t.ex. kommunfullmäktige)", "beslutsfattare"),
            "år": asker.ask("Vilket år? (inte före projektets start)", lambda a: check_year(a, "år", start))}
    if bank.systemfel:
        item["systemfel"] = asker.choose("Vilka systemfel rättar beslutet? (valfritt, lämna tomt för att hoppa över)",
                                         bank.systemfel, many=True, optional=True) or []
    item["länk"] = asker.ask("Länk till beslutet (valfritt, börjar med https://)", lambda a: check_link(a, "länk"),
                             optional=True)
    return item


def ask_observations(bank: Bank, asker: Asker, needed: bool) -> list:
    if not bank.systemfel:
        if needed:
            asker.say("Det finns inga systemfel i banken ännu: skapa ett med 'metodbank ny systemfel <slug>'"
                      " och fyll sedan i 'systemfel' i filen.")
        return []
    prompt = "Systemfel som projektet har sett" + ("" if needed else " (valfritt, lämna tomt för att hoppa över)")
    chosen = asker.choose(prompt, bank.systemfel, many=True, optional=not needed) or []
    observations = []
    for slug in chosen:
        item = {"id": slug, "observation": _ask_text(asker, f"Vad såg projektet av '{bank.systemfel[slug]}'? Var konkret",
                                                      "observation")}
        item["underlag"] = asker.choose("Underlag: hur vet ni det? (valfritt)", {k: "" for k in v.UNDERLAG},
                                        many=False, optional=True)
        item["antal_berörda"] = asker.ask("Antal berörda deltagare (valfritt)",
                                          lambda a: check_number(a, "antal_berörda", 0), optional=True)
        observations.append(item)
    return observations


# --------------------------------------------------------------------------
# Creating the file


def collect(kind: str, slug: str, args, bank: Bank) -> dict:
    """The options, checked. Missing ones stay None (or empty lists).

    ``args`` has one attribute per option (``titel``, ``förbund``, … as in
    ``metodbank ny --hjälp``), None when not given; lists are comma-separated.
    """
    vocab = bank.vocab
    values: dict = {"slug": slug}
    if args.titel is not None:
        values["titel"] = check_text(args.titel, kind, "titel")
    wrong = [name for name in _options_for_other_kinds(kind) if getattr(args, name, None) is not None]
    if wrong:
        raise NewFileError(
            f"{', '.join('--' + name for name in wrong)} hör inte till '{kind}'. Se: metodbank ny --help"
        )
    if kind == "projekt":
        values["förbund"] = check_forbund(split_list(args.förbund), vocab)
        if args.status is not None:
            values["status"] = check_choice(args.status, v.STATUS_PROJEKT, "status")
        if args.start is not None:
            values["start"] = check_date(args.start, "start")
        if args.slut is not None:
            values["slut"] = check_date(args.slut, "slut")
        if values.get("start") and values.get("slut") and values["slut"].is_before(values["start"]):
            raise NewFileError(f"--slut ({values['slut']}) ligger före --start ({values['start']})")
        values["målgrupp"] = check_terms(split_list(args.målgrupp), "målgrupp", vocab)
        values["parter"] = check_terms(split_list(args.parter), "parter", vocab)
        values["metoder"] = check_metoder(split_list(args.metoder), bank)
        if args.motivering is not None:
            values["motivering"] = check_text(args.motivering, kind, "motivering")
        if args.grad is not None:
            values["grad"] = int(check_choice(args.grad, [str(int(g)) for g in Grad], "grad"))
        if args.resultat is not None:
            values["resultat"] = check_text(args.resultat, kind, "resultat")
        values["antal"] = {key: check_number(getattr(args, key), key.replace("_", "-"), 0)
                           for key in ("deltagare", "till_arbete", "till_studier") if getattr(args, key) is not None}
        try:
            check_outcomes(values["antal"])
        except NewFileError as exc:
            raise NewFileError(f"--till-arbete och --till-studier: {exc}") from None
        if args.budget_kr is not None:
            values["budget_kr"] = check_number(args.budget_kr, "budget", 0)
        values["lärdomar"] = [check_text(lesson, kind, "lärdom") for lesson in args.lärdomar or []]
        if args.avbrottsorsak is not None:
            values["avbrottsorsak"] = check_text(args.avbrottsorsak, kind, "avbrottsorsak")
    elif kind == "metod":
        if args.sammanfattning is not None:
            values["sammanfattning"] = check_text(args.sammanfattning, kind, "sammanfattning")
        values["målgrupp"] = check_terms(split_list(args.målgrupp), "målgrupp", vocab)
    else:
        if args.sammanfattning is not None:
            values["sammanfattning"] = check_text(args.sammanfattning, kind, "sammanfattning")
        if args.kategori is not None:
            values["kategori"] = check_terms([args.kategori.strip()], "kategori", vocab)[0]
        values["berörda"] = check_terms(split_list(args.berörda), "parter", vocab, option="berörda")
        if args.beslutsnivå is not None:
            values["beslutsnivå"] = check_choice(args.beslutsnivå, v.BESLUTSNIVÅ, "beslutsnivå")
        if args.förslag is not None:
            values["förslag"] = check_text(args.förslag, kind, "förslag")
        if args.status is not None:
            values["status"] = check_choice(args.status, v.STATUS_SYSTEMFEL, "status")
    return values


_ONLY_FOR = {
    "projekt": ("förbund", "start", "slut", "parter", "metoder", "motivering", "grad", "resultat", "deltagare",
                "till_arbete", "till_studier", "budget_kr", "lärdomar", "avbrottsorsak"),
    "metod": (),
    "systemfel": ("kategori", "berörda", "beslutsnivå", "förslag"),
}
_SHARED = {"projekt": ("målgrupp", "status"), "metod": ("målgrupp", "sammanfattning"),
           "systemfel": ("sammanfattning", "status")}


def _options_for_other_kinds(kind: str) -> list[str]:
    own = set(_ONLY_FOR[kind]) | set(_SHARED[kind])
    every = {name for names in (*_ONLY_FOR.values(), *_SHARED.values()) for name in names}
    return sorted(every - own)


def template_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("metodbank", "templates/new"),
        autoescape=False,  # YAML, not HTML: every user string goes through |q
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["q"] = yaml_quote
    env.filters["flow"] = lambda items: "[" + ", ".join(items) + "]"
    return env


def render(kind: str, values: dict, bank: Bank, today: dt.date | None = None) -> str:
    context = {
        "kind": kind,
        "folder": KINDS[kind],
        "schema": f"../schema/{KINDS[kind]}.schema.json",
        "today": (today or dt.date.today()).isoformat(),
        "vocab": bank.vocab,
        "v": v,
        "metoder": bank.metoder,
        "systemfel": bank.systemfel,
        **{key: values.get(key) for key in (
            "slug", "titel", "status", "start", "slut", "motivering", "sammanfattning", "kategori",
            "beslutsnivå", "förslag", "grad", "resultat", "budget_kr", "socioekonomi", "avbrottsorsak")},
        **{key: values.get(key) or [] for key in LIST_OPTIONS},
        **{key: values.get(key) or [] for key in ("finansiering", "implementerad_hos", "beslut", "systemfel",
                                                   "lärdomar")},
        "antal": values.get("antal") or {},
    }
    return template_environment().get_template(f"{kind}.md.j2").render(**context)


def create(root: Path, vocab: v.Vocabularies, kind: str, slug: str, args, asker: Asker | None = None) -> str:
    """Write ``<folder>/<slug>.md`` for ``kind`` in the content folder
    ``root`` from the options in ``args`` (see :func:`collect`), asking
    ``asker`` for the rest when given. ``slug`` has passed :func:`check_slug`.
    Returns the new file's path as shown to the user; never overwrites."""
    target = root / KINDS[kind] / f"{slug}.md"
    shown = display_path(target, display_base(root))
    _check_target(target, root, shown, slug)
    bank = Bank.read(root, vocab)
    values = collect(kind, slug, args, bank)
    if asker is not None:
        ask_missing(kind, values, bank, asker)
    _write(target, render(kind, values, bank), shown, slug)
    return shown


def _check_target(target: Path, root: Path, shown: str, slug: str) -> None:
    """Refuse a name that is taken, by a file or by a link, and a folder
    that leads out of the bank: ``ny`` writes only new files inside it."""
    if os.path.lexists(target):
        if target.is_symlink() and not target.exists():
            raise NewFileError(
                f"{shown} finns redan, som en symbolisk länk till '{printable(os.readlink(target))}', som inte finns."
                f" Ta bort länken, eller välj ett annat namn, t.ex. '{_free_slug(target.parent, slug)}'."
            )
        raise NewFileError(
            f"{shown} finns redan. Öppna och uppdatera den filen, "
            f"eller välj ett annat namn, t.ex. '{_free_slug(target.parent, slug)}'."
        )
    real_folder = Path(os.path.realpath(target.parent))
    if not real_folder.is_relative_to(Path(root).resolve()):
        raise NewFileError(f"mappen för {shown} är en symbolisk länk ut ur banken ({printable(str(real_folder))}):"
                           " ingen fil skapades")


def _write(target: Path, text: str, shown: str, slug: str) -> None:
    """Create ``target``, never overwriting (``x``): a file or link that
    appeared since the check is reported like one that was there."""
    folder = shown.rsplit("/", 1)[0] + "/" if "/" in shown else "mappen"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NewFileError(f"{folder} är en fil, inte en mapp: flytta eller döp om den filen") from None
    except OSError as exc:
        raise NewFileError(f"{folder} kan inte skapas: {os_error(exc)}") from None
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        _check_target(target, target.parent, shown, slug)
        raise NewFileError(f"{shown} finns redan: välj ett annat namn") from None
    except OSError as exc:
        raise NewFileError(f"{shown} kan inte skapas: {os_error(exc)}") from None


def _free_slug(folder: Path, slug: str) -> str:
    for number in range(2, 100):
        candidate = f"{slug[:76]}-{number}"
        if not os.path.lexists(folder / f"{candidate}.md"):
            return candidate
    return f"{slug[:70]}-ny"
