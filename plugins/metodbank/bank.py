"""Load a bank: read the three content folders, validate every file, and
hold the typed ``Projekt``, ``Metod`` and ``Systemfel`` documents.

Loading never raises for bad content: every problem becomes a
:class:`~metodbank.problems.Problem`, and the files that validate are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .checks import bankwide, rules, text
from .checks.fields import validate_fields
from .frontmatter import FrontMatterError, parse
from .problems import ProblemList
from .suggest import slugify
from .vokabular import Vocabularies

MAX_BYTES = 1_000_000
FOLDERS = tuple(model.KINDS)  # ("projekt", "metoder", "systemfel")


@dataclass
class Document:
    """One content file that passed its own checks."""

    kind: str  # "projekt", "metoder" or "systemfel"
    slug: str
    path: str  # as shown in messages, relative to the bank root
    meta: model.Projekt | model.Metod | model.Systemfel
    body: str
    body_line: int
    digest: str  # sha256 of the file's bytes: the cache key for derived work
    lines: dict = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}/"

    @property
    def titel(self) -> str:
        return self.meta.titel


@dataclass
class Bank:
    root: Path
    vocab: Vocabularies
    projekt: dict[str, Document] = field(default_factory=dict)
    metoder: dict[str, Document] = field(default_factory=dict)
    systemfel: dict[str, Document] = field(default_factory=dict)
    problems: ProblemList = field(default_factory=ProblemList)
    files: int = 0
    # Every file whose front-matter could be read, valid or not, as
    # (kind, slug, shown path, Parsed): bank-wide rules check these, so a file
    # with one broken field still gets its references checked.
    parsed: list = field(default_factory=list, repr=False)

    def documents(self, kind: str) -> dict[str, Document]:
        return getattr(self, kind)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def content_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) for every Markdown file in the content folders, sorted."""
    found = []
    for kind in FOLDERS:
        folder = root / kind
        if folder.is_dir():
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found.extend((kind, Path(dirpath) / name) for name in sorted(filenames) if name.endswith(".md"))
    return found


def display_path(path: Path, root: Path) -> str:
    """Paths in messages are relative to the working directory when possible,
    so that editors and GitHub annotations can jump to them."""
    for base in (Path.cwd(), root):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def load_bank(root: Path, vocab: Vocabularies | None = None, today: dt.date | None = None, progress=None) -> Bank:
    root = Path(root)
    bank = Bank(root=root, vocab=vocab or Vocabularies())
    today = today or dt.date.today()
    files = content_files(root)
    bank.files = len(files)
    seen_slugs: dict[tuple[str, str], str] = {}
    context = {"vokabular": bank.vocab}
    for number, (kind, source) in enumerate(files, 1):
        if progress:
            progress(number, len(files))
        shown = display_path(source, root)
        slug = _check_slug(source, shown, kind, seen_slugs, bank.problems)
        parsed, document = load_document(kind, source, shown, slug, bank.problems, context, today)
        if parsed is not None:
            bank.parsed.append((kind, slug, shown, parsed))
        if document is not None:
            bank.documents(kind)[slug] = document
    bankwide.check(bank)
    return bank


def _check_slug(source: Path, shown: str, kind: str, seen: dict, problems: ProblemList) -> str | None:
    slug = source.stem
    if not model._SLUG.match(slug):
        suggestion = slugify(slug)
        hint = f" — döp om den till '{suggestion}.md'" if len(suggestion) >= 3 else ""
        problems.error(
            shown, 1,
            f"filnamnet '{source.name}' är ingen giltig slug: 3–80 tecken, bara a–z, 0–9 och bindestreck{hint}",
        )
        return None
    if (kind, slug) in seen:
        problems.error(shown, 1, f"slugen '{slug}' finns redan i {kind}/ ({seen[(kind, slug)]}); varje fil behöver ett eget namn")
        return None
    seen[(kind, slug)] = shown
    return slug


def load_document(kind, source: Path, shown: str, slug, problems: ProblemList, context: dict, today: dt.date):
    try:
        raw = source.read_bytes()
    except OSError as exc:
        problems.error(shown, 1, f"filen kan inte läsas: {exc.strerror}")
        return None, None
    if len(raw) > MAX_BYTES:
        size = -(-len(raw) // 1000)  # rounded up, so a file just over the limit never reads "1000 kB, högst 1000 kB"
        problems.error(shown, 1, f"filen är för stor ({size} kB, högst {MAX_BYTES // 1000} kB): korta texten eller länka till bilagor")
        return None, None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.error(shown, line, "filen är inte sparad som UTF-8: spara om den med teckenkodningen UTF-8")
        return None, None
    text.check_identity_numbers(content, shown, problems)
    try:
        parsed = parse(content)
    except FrontMatterError as exc:
        problems.error(shown, exc.line, exc.message)
        return None, None
    text.check_unsafe_html(parsed.body, parsed.body_line, shown, problems)
    if kind == "projekt":
        rules.check_projekt(parsed, shown, problems, today)
    elif kind == "systemfel":
        rules.check_systemfel(parsed, shown, problems)
    meta = validate_fields(model.KINDS[kind], parsed, shown, problems, context)
    if meta is None or slug is None:
        return parsed, None
    return parsed, Document(kind, slug, shown, meta, parsed.body, parsed.body_line,
                            hashlib.sha256(raw).hexdigest(), parsed.lines)
