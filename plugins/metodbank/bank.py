"""Load a bank: read the three content folders, validate every file, and
hold the typed ``Projekt``, ``Metod`` and ``Systemfel`` documents.

Loading never raises for bad content: every problem becomes a
:class:`~metodbank.problems.Problem`, and the files that validate are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import stat
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .files import code_digest, os_error
from . import kinds, model
from .cache import ContentCache
from .checks import bankwide, identity, rules
from .checks import html as body_html
from .checks.fields import validate_fields
from .frontmatter import FrontMatterError, parse
from .problems import ProblemList
from .suggest import slugify
from .vokabular import Vocabularies

MAX_BYTES = 1_000_000
FOLDERS = kinds.FOLDERS  # ("projekt", "metoder", "systemfel")


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

    @property
    def url(self) -> str:
        return kinds.BY_FOLDER[self.kind].url(self.slug)

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
    cache_hits: int = 0
    cache_misses: int = 0

    def documents(self, kind: str) -> dict[str, Document]:
        return getattr(self, kind)

    def content_paths(self) -> set[str]:
        """Every content file as a link names it: ``metoder/ips.md``."""
        return {f"{kind}/{slug}.md" for kind in FOLDERS for slug in self.documents(kind)}

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def content_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) for every Markdown file in the content folders, sorted.

    ``.md`` is matched in any case, so that ``x.MD`` is reported (and not
    silently left out of the site); entries of any type are listed, since
    :func:`refusal` says why a FIFO or an outward symlink is not read.
    Nothing here opens a file.
    """
    found = []
    for kind in FOLDERS:
        folder = root / kind
        if folder.is_dir():
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                here = Path(dirpath)  # once per folder: a Path per file was a tenth of checking one file
                found.extend((kind, here / name) for name in sorted(filenames) if name[-3:].lower() == ".md")
    return found


def listed_paths(root: Path) -> set[str]:
    """Every content file a link may name (``metoder/ips.md``), as the
    folders list them: what :meth:`Bank.content_paths` gives once the bank
    has loaded without errors, known before any file is read."""
    return {f"{kind}/{path.stem}.md" for kind, path in content_files(Path(root).resolve())
            if path.name.endswith(".md") and model._SLUG.match(path.stem)}


class Refused(Exception):
    """A content path that is not read; ``message`` says why, in Swedish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_NOT_REGULAR = (
    (stat.S_ISFIFO, "en namngiven pipe (FIFO)"),
    (stat.S_ISCHR, "en teckenenhet"),
    (stat.S_ISBLK, "en blockenhet"),
    (stat.S_ISSOCK, "en socket"),
    (stat.S_ISDIR, "en mapp"),
)


def refusal(path: Path, root: Path, real_dirs: dict | None = None) -> tuple[str | None, tuple | None]:
    """(why ``path`` is not read, or None; its (st_dev, st_ino) when it is).

    Decided from ``lstat``/``stat`` before anything is opened: opening a
    FIFO blocks for ever, a device can be endless (``/dev/zero``), and a
    symlink could publish any file on the machine that builds the site.
    ``root`` must be resolved; ``real_dirs`` caches, per folder, whether its
    real path is inside ``root``.
    """
    name = printable(path.name)
    text = os.fspath(path)
    try:
        info = os.lstat(text)
    except OSError as exc:
        return f"filen kan inte läsas: {os_error(exc)}", None
    folder = os.path.dirname(text)
    real_dirs = {} if real_dirs is None else real_dirs
    if folder not in real_dirs:  # per folder, not per file: 5,000 files share three folders
        real_dirs[folder] = Path(os.path.realpath(folder)).is_relative_to(root)
    if not real_dirs[folder]:
        return f"'{name}' ligger i en mapp som är en symbolisk länk ut ur banken: lägg filen i banken", None
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return (f"'{name}' är en symbolisk länk som leder utanför banken ({printable(target.as_posix())}):"
                    " lägg filen i banken i stället för att länka till den"), None
        try:
            info = os.stat(path)
        except OSError:
            return f"'{name}' är en symbolisk länk till en fil som inte finns: ta bort länken", None
    for test, kind in _NOT_REGULAR:
        if test(info.st_mode):
            return (f"'{name}' är ingen vanlig fil utan {kind}: metodbanken läser bara vanliga textfiler"
                    " — ta bort den"), None
    if not stat.S_ISREG(info.st_mode):
        return f"'{name}' är ingen vanlig fil: metodbanken läser bara vanliga textfiler — ta bort den", None
    if info.st_size > MAX_BYTES:
        return _too_big(info.st_size), None
    return None, (info.st_dev, info.st_ino)


def _too_big(size: int) -> str:
    kilobytes = -(-size // 1000)  # rounded up, so a file just over the limit never reads "1000 kB, högst 1000 kB"
    return f"filen är för stor ({kilobytes} kB, högst {MAX_BYTES // 1000} kB): korta texten eller länka till bilagor"


def read_content(path: Path, ident: tuple | None = None) -> bytes:
    """The bytes of a content file, at most MAX_BYTES + 1 of them; raises
    :class:`Refused`.

    Checked again on the open file, since the path may have been replaced
    after :func:`refusal` looked at it: a FIFO does not block the open
    (``O_NONBLOCK``), anything but a regular file is refused, and so is a
    different file than the one checked (``ident``). The size is never
    trusted: a file that grows is still read only up to the limit.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(f"filen kan inte läsas: {os_error(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"'{printable(path.name)}' är ingen vanlig fil: metodbanken läser bara vanliga"
                          " textfiler — ta bort den")
        if ident is not None and (info.st_dev, info.st_ino) != tuple(ident):
            raise Refused("filen byttes ut medan den kontrollerades: kör kontrollen igen")
        if info.st_size > MAX_BYTES:
            raise Refused(_too_big(info.st_size))
        chunks, left = [], MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(f"filen kan inte läsas: {os_error(exc)}") from None
    finally:
        os.close(fd)


def display_base(root: Path) -> Path:
    """The folder paths in messages are relative to: the working directory
    when the bank is inside it (editors and GitHub annotations can then jump
    to them), else the bank root."""
    cwd, root = Path.cwd().resolve(), Path(root).resolve()
    return cwd if root == cwd or cwd in root.parents else root


def display_path(path: Path, base: Path) -> str:
    # As Path.relative_to, on the strings: it is called for every file of the bank.
    text, prefix = path.as_posix(), base.as_posix().rstrip("/") + "/"
    return printable(text[len(prefix):] if text.startswith(prefix) else text)


def printable(name: str) -> str:
    """A file name as messages show it: one that is not UTF-8 (Linux allows
    any bytes) must still print, and a line break or escape character in it
    must not break the one-problem-per-line output or steer the terminal."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if name.isprintable():
        return name
    return "".join(char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Zl", "Zp")
                   else char for char in name)


# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400


def load_bank(root: Path, vocab: Vocabularies | None = None, today: dt.date | None = None, progress=None,
              workers: int | None = None, check_only: bool = False, cache_dir: Path | None = None,
              memory: dict | None = None, pool=None) -> Bank:
    """Read and check every content file under ``root``; never raises for bad content.

    ``check_only`` keeps no documents, only problems: the checker then parses
    in parallel processes that send back a few bytes per file.
    ``cache_dir`` reuses the results for files whose bytes have not changed.
    ``memory`` (with ``cache_dir``): a dict a long-lived process keeps from
    one load to the next, holding that cache and the documents themselves.
    ``pool`` (with ``cache_dir``): worker processes (an executor) that parse
    the files the cache misses when they are many (a cold build).
    """
    root = Path(root)
    bank = Bank(root=root, vocab=vocab or Vocabularies())
    today = today or dt.date.today()
    base = display_base(root)
    real_root = root.resolve()
    files = content_files(real_root)
    bank.files = len(files)
    seen_slugs: dict[tuple[str, str], str] = {}
    real_dirs: dict = {}
    jobs = []
    for kind, source in files:
        shown = display_path(source, base)
        why, ident = refusal(source, real_root, real_dirs)
        if why is None and not source.name.endswith(".md"):
            why = _suffix_message(source)
        if why is not None:
            bank.problems.error(shown, 1, why)
            continue
        slug = _check_slug(source, shown, kind, seen_slugs, bank.problems)
        jobs.append((kind, source, shown, slug, ident))
    # The checker alone (check_only) uses the cache once a build or an earlier
    # check has written it: one changed file is then the only one parsed (the
    # pre-commit and pull-request path); cold, parallel parsing is faster.
    if cache_dir is not None and (not check_only or (Path(cache_dir) / CACHE_FILE).is_file()):
        results = _load_cached(jobs, bank.vocab, today, cache_dir, bank, check_only, memory, pool)
    else:
        results = _load_all(jobs, bank.vocab, today, workers if check_only else 1, check_only)
    for number, (job, (parsed, document, problems)) in enumerate(zip(jobs, results), 1):
        if progress:
            progress(number, len(jobs))
        kind, _source, shown, slug, _ident = job
        bank.problems.extend(problems)
        if parsed is not None:
            bank.parsed.append((kind, slug, shown, parsed))
        if document is not None:
            bank.documents(kind)[slug] = document
    bankwide.check(bank)
    return bank


CACHE_FILE = "dokument.pickle"
FEW_CHANGED = 20  # files the checker may parse again rather than rewrite the cache


def _load_cached(jobs, vocab: Vocabularies, today: dt.date, cache_dir: Path, bank: Bank, check_only: bool = False,
                 memory: dict | None = None, pool=None):
    # Results depend on the vocabularies and, for the currency warnings, on today.
    # And on the code that checks them: a new version never shows an old message.
    salt = f"{code_digest()}|{today.isoformat()}|{sorted((k, sorted(v.items())) for k, v in vocab.terms.items())}"
    memory = memory if memory is not None else {}
    cache = memory.get("cache")
    kept = cache is not None and cache.salt == salt
    if kept:
        cache.again()  # loading and saving it were 1 s of a preview's rebuild at 5,000 projects
    else:
        # The checker alone reads only what it needs: the problems, not the documents.
        cache = ContentCache(Path(cache_dir) / CACHE_FILE, salt, light_only=check_only)
        if not check_only:
            memory["cache"] = cache
        memory["documents"], memory["unsaved"] = {}, 0
    # Validated models, by key and file digest: frozen, so shared between loads.
    known, documents = memory["documents"], {}
    context = {"vokabular": vocab}
    results: list = []

    def parsed_here(job, key: str, raw: bytes | None, digest: str | None) -> tuple:
        # The bytes just hashed are parsed too: each file is read once.
        parsed, document, problems = _load_one(job, vocab, today, raw=raw)
        (slim, _problems), heavy = _cache_entry(parsed, document, problems)
        cache.put(key, digest, (slim, problems), heavy)
        if document is not None:
            documents[(key, document.digest)] = document
        return slim, document, problems

    def validated(job, key: str, slim, problems, stored) -> tuple:
        # A cache hit, or a file a worker parsed: its plain data validated into the model.
        kind, _source, shown, slug, _ident = job
        document = None
        if stored is not None:  # only for the build: the checker needs problems, not models
            data, body, body_line, file_digest = stored
            document = known.get((key, file_digest))
            if document is None:
                meta = model.KINDS[kind].model_validate(data, context=context)
                document = Document(kind, slug, shown, meta, body, body_line, file_digest)
            documents[(key, file_digest)] = document
        return slim, document, problems

    # A build leaves the misses to the worker pool until it knows how many
    # there are: when they are many (a cold build), workers parse them.
    waiting: list[tuple] = []  # (place in results, job, key, bytes, digest)
    for job in jobs:
        key = _key(job)
        raw, digest = _read_hashed(job)
        # The build needs the heavy part too, the document's data; the checker not.
        entry = cache.get(key, digest, with_heavy=not check_only)
        if entry is not None:
            results.append(validated(job, key, *entry, None if check_only else cache.get_heavy(key)))
        elif pool is not None and not check_only:
            waiting.append((len(results), job, key, raw, digest))
            results.append(None)
        else:
            results.append(parsed_here(job, key, raw, digest))
    if waiting:
        elsewhere = _ParsedElsewhere(pool, [(job, raw) for _place, job, _key, raw, _digest in waiting], vocab, today)
        try:
            if elsewhere.taken:
                # Handed over: the bytes go with their batch (49 MB at 10,000 projects, held here until the end).
                waiting = [(place, job, key, None, digest) for place, job, key, _raw, digest in waiting]
            for number, (place, job, key, raw, digest) in enumerate(waiting):
                waiting[number] = None  # each file's bytes let go once it is done
                found = elsewhere.get(key)
                if found is not None:
                    (slim, problems), heavy = found
                    cache.put(key, digest, (slim, problems), heavy)
                    results[place] = validated(job, key, slim, problems, heavy)
                    continue
                if elsewhere.taken:  # its worker failed: read again, and parsed here
                    raw, digest = _read_hashed(job)
                results[place] = parsed_here(job, key, raw, digest)
        finally:
            elsewhere.close()
    memory["documents"] = documents
    memory["unsaved"] += cache.misses
    few = max(FEW_CHANGED, len(jobs) // 100)
    if memory["unsaved"] > few or cache.misses * 4 > len(jobs):
        # A cache with a few stale entries is left as it is: rewriting it
        # whole for one changed file (30 MB at 5,000 projects) was a fifth of
        # `metodbank kontrollera fil.md` and 0.4 s of a one-file rebuild,
        # while parsing a few files again costs milliseconds. Each run counts
        # them as misses, so once there are more than a few, one saves. A
        # preview server counts them between its builds (it keeps the cache
        # in memory); a small bank saves as soon as a quarter changed.
        cache.save()
        memory["unsaved"] = 0
    bank.cache_hits, bank.cache_misses = cache.hits, cache.misses
    return results


# Files parsed per task in the workers: a task's hand-over costs about what one file does.
PARSE_BATCH = 64


class _ParsedElsewhere:
    """The files the cache missed (``(job, raw)``, in the order they are
    asked for), parsed in ``pool`` when they are many (a cold build; for a
    few, starting the workers costs more). Each answer waits for its own
    batch only, so the caller validates one batch while the workers parse
    the next. A batch the pool cannot take or whose worker failed answers
    None: its files are parsed by the caller, as any miss."""

    def __init__(self, pool, missed: list[tuple], vocab: Vocabularies, today: dt.date):
        self._batch_of: dict[str, int] = {}
        self._futures: list = []
        self._done: dict[int, dict | None] = {}
        self.taken = False  # the pool took the files: their bytes went with the batches
        if pool is None or len(missed) < PARALLEL_THRESHOLD:
            return
        batches = [missed[start:start + PARSE_BATCH] for start in range(0, len(missed), PARSE_BATCH)]
        try:
            for batch in batches:
                self._futures.append(pool.submit(_parse_batch, batch, vocab, today))
        except Exception:  # noqa: BLE001 - a broken or shut pool: parsed by the caller
            self.close()  # the batches it took before it broke
            return
        self._keys = [[_key(job) for job, _raw in batch] for batch in batches]
        for number, keys in enumerate(self._keys):
            self._batch_of.update(dict.fromkeys(keys, number))
        self.taken = True

    def close(self) -> None:
        """Cancel what was not parsed yet (a load that stopped): a preview
        server's workers would otherwise parse it before its next build."""
        for future in self._futures:
            if future is not None:
                future.cancel()
        self._futures = []

    def get(self, key: str):
        """The cache entry the worker made for ``key``, or None."""
        number = self._batch_of.get(key)
        if number is None:
            return None
        if number not in self._done:
            try:
                self._done[number] = dict(zip(self._keys[number], self._futures[number].result()))
            except Exception:  # noqa: BLE001 - a worker died: its files are parsed by the caller
                self._done[number] = None
            self._futures[number] = None  # its results are held once, in _done
        found = self._done[number]
        return found.pop(key, None) if found is not None else None


def _key(job) -> str:
    kind, _source, shown, slug, _ident = job
    return f"{kind}|{shown}|{slug}"


def _read_hashed(job) -> tuple[bytes | None, str | None]:
    """A file's bytes and their sha256 (None, None when it cannot be read:
    load_document reports why)."""
    _kind, source, _shown, _slug, ident = job
    try:
        raw = read_content(source, ident)
    except Refused:
        return None, None
    return raw, hashlib.sha256(raw).hexdigest()


def _cache_entry(parsed, document, problems) -> tuple:
    """A parsed file as the content cache stores it: ``((slim, problems),
    heavy)``. Plain data pickles and loads far faster than pydantic models,
    and re-validating a valid dict is cheap; problems are kept as found."""
    heavy = None if document is None else (parsed.data, document.body, document.body_line, document.digest)
    return ((bankwide.slim(parsed) if parsed is not None else None), problems), heavy


def _parse_batch(batch: list[tuple], vocab: Vocabularies, today: dt.date) -> list[tuple]:
    """In a worker: each file's cache entry (:func:`_cache_entry`)."""
    return [_cache_entry(*_load_one(job, vocab, today, raw=raw)) for job, raw in batch]


def _load_one(job, vocab: Vocabularies, today: dt.date, check_only: bool = False, raw: bytes | None = None):
    kind, source, shown, slug, ident = job
    problems = ProblemList()
    parsed, document = load_document(kind, source, shown, slug, problems, {"vokabular": vocab}, today, raw, ident)
    if check_only:
        return (bankwide.slim(parsed) if parsed is not None else None), None, problems
    return parsed, document, problems


def _load_all(jobs, vocab: Vocabularies, today: dt.date, workers: int | None, check_only: bool = False):
    """Results in job order; parsed in a process pool for large banks (YAML
    parsing is pure Python and CPU-bound, so threads would not help)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        return (_load_one(job, vocab, today, check_only) for job in jobs)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    chunk = max(16, len(jobs) // (workers * 8))
    return _drain(pool, pool.map(functools.partial(_load_one, vocab=vocab, today=today, check_only=check_only),
                                 jobs, chunksize=chunk))


def _drain(pool, results):
    try:
        yield from results
    finally:
        pool.shutdown()


def _suffix_message(source: Path) -> str:
    """``x.MD`` is not published as it is: the URL and the slug rules want
    ``.md``, and a case-insensitive file system would let ``x.md`` and
    ``x.MD`` collide. So it is an error that names the new name."""
    stem = printable(source.name[:-3])
    suggestion = stem if model._SLUG.match(stem) else slugify(stem)
    return (f"filändelsen i '{printable(source.name)}' ska vara '.md' med små bokstäver:"
            f" döp om filen till '{suggestion or stem.lower()}.md'")


def _check_slug(source: Path, shown: str, kind: str, seen: dict, problems: ProblemList) -> str | None:
    slug = source.stem
    if not model._SLUG.match(slug):
        suggestion = slugify(slug)
        hint = f" — döp om den till '{suggestion}.md'" if len(suggestion) >= model.SLUG_MIN else ""
        problems.error(
            shown, 1,
            f"filnamnet '{printable(source.name)}' är ingen giltig slug: {model.SLUG_RULE}{hint}",
        )
        return None
    if (kind, slug) in seen:
        problems.error(shown, 1, f"slugen '{slug}' finns redan i {kind}/ ({seen[(kind, slug)]}); varje fil behöver ett eget namn")
        return None
    seen[(kind, slug)] = shown
    return slug


def load_document(kind, source: Path, shown: str, slug, problems: ProblemList, context: dict, today: dt.date,
                  raw: bytes | None = None, ident: tuple | None = None):
    """``raw``: the file's bytes when the caller has already read them;
    ``ident``: the (st_dev, st_ino) :func:`refusal` approved, so that a file
    swapped in since is not read."""
    if raw is None:
        try:
            raw = read_content(source, ident)
        except Refused as exc:
            problems.error(shown, 1, exc.message)
            return None, None
    if len(raw) > MAX_BYTES:
        problems.error(shown, 1, _too_big(len(raw)))
        return None, None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # lines as in frontmatter.split
        line = before.count(b"\n") + 1
        problems.error(shown, line, "filen är inte sparad som UTF-8: spara om den med teckenkodningen UTF-8")
        return None, None
    try:
        parsed = parse(content)
    except FrontMatterError as exc:
        # The raw text is still scanned for personal data, front-matter or not.
        identity.check_identity_numbers(content, shown, problems, front_matter_readable=False)
        problems.error(shown, exc.line, exc.message)
        return None, None
    identity.check_identity_numbers(content, shown, problems, parsed=parsed)
    # Relative links resolve from the file's place in the bank, which its URL follows.
    parsed.links = body_html.check_body_html(parsed.body, parsed.body_line, shown, f"{kind}/{source.stem}.md", problems)
    if kind == "projekt":
        rules.check_projekt(parsed, shown, problems, today)
    elif kind == "systemfel":
        rules.check_systemfel(parsed, shown, problems)
    meta = validate_fields(model.KINDS[kind], parsed, shown, problems, context)
    if meta is None or slug is None:
        return parsed, None
    return parsed, Document(kind, slug, shown, meta, parsed.body, parsed.body_line,
                            hashlib.sha256(raw).hexdigest())
