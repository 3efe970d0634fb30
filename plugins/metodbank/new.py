"""The core of ``metodbank ny``: a new content file from a template.

:func:`create` checks the values given, asks for the missing ones when given
an :class:`Asker` (choices from the vocabularies and the existing metoder
are picked by number), and writes a file whose remaining fields carry short
Swedish guidance comments. It refuses a bad or existing slug. A file created
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
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, get_args, get_origin

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import TypeAdapter, ValidationError

from . import kinds, model
from . import vokabular as v
from .bank import Refused, content_files, display_base, display_path, printable, read_content, refusal
from .datum import Datum, DatumError
from .suggest import did_you_mean, slugify

# Command word (``ny metod``) -> content folder (``metoder``).
KINDS = {kind.singular: kind.folder for kind in kinds.ALL}

# Options that take comma-separated lists.
LIST_OPTIONS = ("förbund", "målgrupp", "parter", "metoder", "berörda")


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
    return [part.strip() for part in value.split(",") if part.strip()]


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


def check_date(value: str, name: str) -> Datum:
    try:
        return Datum.parse(value.strip())
    except DatumError as exc:
        raise NewFileError(f"--{name}: {exc}") from None


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
}


def _field_type(owner, path: tuple[str | int, ...]):
    """The type of the field at ``path`` below the model ``owner``, with its
    constraints and validators (``Annotated``), as the model declares it."""
    annotation = owner
    for part in path:
        if isinstance(part, int):  # an item of a list field
            bare = get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation
            annotation = get_args(bare)[0]
        else:
            annotation = annotation.model_fields[part].rebuild_annotation()
    return annotation


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
            values["start"] = asker.ask("Startdatum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD)", lambda a: check_date(a, "start"))
        if values.get("slut") is None:
            needed = values["status"] in v.STATUS_AVSLUTADE
            prompt = "Slutdatum" + ("" if needed else " (lämna tomt om det inte är bestämt)")
            values["slut"] = asker.ask(prompt, lambda a: check_date(a, "slut"), optional=not needed)
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
    "projekt": ("förbund", "start", "slut", "parter", "metoder", "motivering"),
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
            "beslutsnivå", "förslag")},
        **{key: values.get(key) or [] for key in LIST_OPTIONS},
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
        raise NewFileError(f"{folder} kan inte skapas: {exc.strerror}") from None
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        _check_target(target, target.parent, shown, slug)
        raise NewFileError(f"{shown} finns redan: välj ett annat namn") from None
    except OSError as exc:
        raise NewFileError(f"{shown} kan inte skapas: {exc.strerror}") from None


def _free_slug(folder: Path, slug: str) -> str:
    for number in range(2, 100):
        candidate = f"{slug[:76]}-{number}"
        if not os.path.lexists(folder / f"{candidate}.md"):
            return candidate
    return f"{slug[:70]}-ny"
