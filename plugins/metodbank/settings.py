"""A deployment's settings, read once from ``mkdocs.yml`` and checked.

The command line needs the plugin's options (vocabularies, the content
folder ``innehall``, ``repo_url``) and ``site_url`` without starting MkDocs,
and every command must read them the same way: :func:`read_settings` is the
one reader. A broken shape is a :class:`SettingsError` with a Swedish
message and the line, never a traceback and never silently ignored (a
vocabulary written as a list used to be dropped without a word).

``mkdocs.yml`` may use tags MkDocs understands (``!!python/name:…`` for
Markdown extensions, ``!relative``): they are read as empty values, as they
matter only to MkDocs. ``!ENV`` is resolved as MkDocs resolves it.

The vocabulary rules are :func:`metodbank.vokabular.check_vocabularies`,
which :meth:`Vocabularies.from_config` uses too.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .files import os_error
from .model import KINDS
from .suggest import did_you_mean
from .vokabular import Vocabularies, VocabularyError, check_vocabularies, describe_kind, not_text_key

CONFIG_NAME = "mkdocs.yml"
FOLDERS = tuple(KINDS)  # projekt, metoder, systemfel
MAX_CONFIG_BYTES = 1_000_000
# The plugin's options (see mkdocs_plugin/config.py), plus MkDocs' own
# ``enabled``, which every plugin accepts.
OPTIONS = ("vokabular", "innehall", "repo_url", "sokdel_sidor", "rapport_pdf", "enabled")
# Pages per part of the browser search index (site/pagefind/index.py,
# shard_count). A one-file rebuild indexes its page's part again: parts of
# 1,000 rather than 2,000 pages took a 1,000-project rebuild from 5.1 s to
# 3.7 s and a 5,000-project one from 11-12 s to 8.8 s. A first search loads
# one index chunk per part, but a smaller part's chunks are smaller: at 5,000
# projects 8 parts transferred 730 kB, 4 parts 777 kB (74 requests, not 45).
# Pagefind's memory grows with the part (1.7 GB for 5,000 pages in one).
DEFAULT_SOKDEL_SIDOR = 1000


class SettingsError(Exception):
    """A broken ``mkdocs.yml``: ``str()`` gives ``path:line: meddelande``
    when the place is known, else the message alone."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        message = _one_line(message)  # it may quote the file: one error, one line
        super().__init__(message)
        self.message = message
        self.path = _one_line(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path}:{self.line or 1}: {self.message}"


def _one_line(text: str) -> str:
    return "".join(char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Zl", "Zp")
                   else char for char in text)


@dataclass(frozen=True)
class Settings:
    """What one ``mkdocs.yml`` says, checked. Frozen: it is read once per
    run and handed to the checker, the search and the build, which must all
    see the same values."""

    vocab: Vocabularies
    innehall: Path  # the folder that holds projekt/, metoder/ and systemfel/
    repo_url: str = ""
    site_url: str = ""  # with one trailing '/', or "" when not set
    sokdel_sidor: int = DEFAULT_SOKDEL_SIDOR
    # The systemfel reports also as PDF files (report_pdf.py); off: no PDFs, no links to them.
    rapport_pdf: bool = True
    config_file: Path | None = None

    @classmethod
    def default(cls, root: Path) -> "Settings":
        """A bank without ``mkdocs.yml``: the shipped vocabularies."""
        return cls(vocab=Vocabularies(), innehall=Path(root).resolve())


def read_settings(config_file: Path | None, root: Path | None = None) -> Settings:
    """The settings in ``config_file``; raises :class:`SettingsError`.

    ``root`` is the content folder when the file names none: by default the
    file's own folder, as in the MkDocs plugin. ``config_file=None`` gives
    the defaults for ``root``.
    """
    if config_file is None:
        return Settings.default(root if root is not None else Path.cwd())
    config_file = Path(config_file)
    shown = _shown(config_file)
    text = _read_text(config_file, shown)
    reader = _Reader(text, shown)
    top = reader.compose()
    site_url = repo_url = ""
    sokdel_sidor = DEFAULT_SOKDEL_SIDOR
    rapport_pdf = True
    vocab = Vocabularies()
    innehall = None
    options = reader.plugin_options(top)
    if top is not None:
        site_url = reader.text_value(_get(top, "site_url"), "site_url", "en webbadress")
    if options is not None:
        repo_url = reader.text_value(_get(options, "repo_url"), "repo_url", "en webbadress")
        innehall_node = _get(options, "innehall")
        innehall = reader.text_value(innehall_node, "innehall", "en mapp")
        sokdel_sidor = reader.sokdel_sidor(_get(options, "sokdel_sidor"))
        rapport_pdf = reader.switch(_get(options, "rapport_pdf"), "rapport_pdf", default=True)
        enabled = _get(options, "enabled")
        if enabled is not None and not isinstance(reader.construct(enabled), (bool, type(None))):
            raise reader.error(enabled, "enabled ska vara true eller false")
        vocab_node = _get(options, "vokabular")
        if vocab_node is not None:
            lines: dict = {}
            data = reader.plain(vocab_node, ("vokabular",), lines)
            try:
                vocab = _with_terms(check_vocabularies(data))
            except VocabularyError as exc:
                raise SettingsError(exc.message, shown, _line_at(lines, exc.loc)) from None
    base = config_file.resolve().parent
    if innehall:
        folder = (base / innehall).resolve()
        if not folder.is_dir():
            raise reader.error(innehall_node, f"innehall: mappen '{innehall}' finns inte (räknat från {base})")
    else:
        folder = Path(root).resolve() if root is not None else base
    return Settings(vocab=vocab, innehall=folder, repo_url=repo_url,
                    site_url=site_url.strip().rstrip("/") + "/" if site_url.strip() else "",
                    sokdel_sidor=sokdel_sidor, rapport_pdf=rapport_pdf, config_file=config_file)


# --------------------------------------------------------------------------
# Finding a bank and its settings (every command starts here)


def is_bank_root(path: Path) -> bool:
    """Whether ``path`` holds at least one content folder."""
    return path.is_dir() and any((path / folder).is_dir() for folder in FOLDERS)


def find_root(start: Path) -> Path | None:
    """The bank that holds ``start``: the nearest folder with mkdocs.yml or content folders."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        if (folder / CONFIG_NAME).is_file() or is_bank_root(folder):
            return folder
    return None


def config_file_for(folder: Path, explicit: str | None) -> Path | None:
    """``--config`` when given (raises :class:`SettingsError` when it is no
    file), else ``folder``'s mkdocs.yml when there is one."""
    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise SettingsError(f"konfigurationsfilen '{explicit}' finns inte")
        if not path.is_file():
            raise SettingsError(f"konfigurationsfilen '{explicit}' är ingen vanlig fil")
        return path
    candidate = Path(folder) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def bank_settings(folder: Path, explicit: str | None = None) -> Settings:
    """The settings of the bank at ``folder`` (what :func:`find_root` found):
    from ``--config``, else its ``mkdocs.yml``, else the ``mkdocs.yml`` of a
    folder above whose ``innehall`` names this one, else the defaults.

    Their ``innehall`` is the folder to check, search or add to, as in the
    site build. Raises :class:`SettingsError` for a broken file.
    """
    folder = Path(folder).resolve()
    config = config_file_for(folder, explicit)
    if config is None:
        for parent in folder.parents:
            candidate = parent / CONFIG_NAME
            if candidate.is_file():
                if content_folder_named(candidate) == folder:
                    return read_settings(candidate)
                break
        return Settings.default(folder)
    return read_settings(config, root=folder)


def content_folder_named(config_file: Path) -> Path | None:
    """The folder ``config_file`` names as ``innehall``, or None.

    Read leniently, only to tell whether a ``mkdocs.yml`` further up belongs
    to a content folder; the caller then reads the file it picks with
    :func:`read_settings`, which reports anything broken in it.
    """
    try:
        data = yaml.load(_read_text(config_file, str(config_file)), Loader=_ConfigLoader)
        plugins = data.get("plugins") if isinstance(data, dict) else None
        if isinstance(plugins, dict):
            entries = list(plugins.items())
        else:
            entries = [pair for item in plugins or [] if isinstance(item, dict) for pair in item.items()]
        for name, options in entries:
            if name == "metodbank" and isinstance(options, dict):
                folder = options.get("innehall")
                if isinstance(folder, str) and folder:
                    return (Path(config_file).resolve().parent / folder).resolve()
    except (SettingsError, yaml.YAMLError, RecursionError, TypeError, ValueError, OSError):
        return None
    return None


# --------------------------------------------------------------------------
# Reading


def _shown(path: Path) -> str:
    """The config's path as messages show it: relative to the working
    directory when inside it, so editors can jump to it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _read_text(path: Path, shown: str) -> str:
    """The file's text; never blocks on a FIFO, never reads more than
    MAX_CONFIG_BYTES + 1 bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SettingsError(f"filen kan inte läsas: {os_error(exc)}", shown, 1) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SettingsError("är ingen vanlig fil: ange en mkdocs.yml", shown, 1)
        if info.st_size > MAX_CONFIG_BYTES:
            raise SettingsError(f"filen är för stor (högst {MAX_CONFIG_BYTES // 1000} kB)", shown, 1)
        raw, chunk = b"", b"-"
        while chunk and len(raw) <= MAX_CONFIG_BYTES:
            chunk = os.read(fd, MAX_CONFIG_BYTES + 1 - len(raw))
            raw += chunk
    except OSError as exc:
        raise SettingsError(f"filen kan inte läsas: {os_error(exc)}", shown, 1) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:
        raise SettingsError(f"filen är för stor (högst {MAX_CONFIG_BYTES // 1000} kB)", shown, 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError("filen är inte sparad som UTF-8: spara om den med teckenkodningen UTF-8", shown, line) from None


class _ConfigLoader(yaml.SafeLoader):
    """Pure Python (its recursion ends in a RecursionError, not a crash) and
    tolerant of MkDocs' own tags."""


def _construct_env(loader, node):
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``, as MkDocs reads it."""
    default, names = None, []
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode) and node.value:
        items = node.value
        if len(items) > 1:
            default = loader.construct_object(items[-1]) if isinstance(items[-1], yaml.ScalarNode) else None
            items = items[:-1]
        names = [loader.construct_scalar(item) for item in items if isinstance(item, yaml.ScalarNode)]
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_ConfigLoader.add_constructor("!ENV", _construct_env)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _get(mapping: yaml.MappingNode, name: str):
    """The value node of key ``name`` in a mapping node (the last, as YAML
    reads a repeated key), or None."""
    found = None
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            found = value
    return found


def _with_terms(terms: dict[str, dict[str, str]]) -> Vocabularies:
    """The defaults, extended or overridden by checked ``terms``."""
    vocab = Vocabularies()
    for name, entries in terms.items():
        vocab.terms.setdefault(name, {}).update(entries)
    return vocab


def _line_at(lines: dict, loc: tuple) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


class _Reader:
    """Walks the composed node tree of ``mkdocs.yml``: only the parts the
    settings come from are ever built into values, so neither the rest of
    the file nor an alias bomb costs anything."""

    def __init__(self, text: str, shown: str):
        self.text = text
        self.shown = shown
        self.loader = None

    def error(self, node, message: str) -> SettingsError:
        line = node.start_mark.line + 1 if node is not None else 1
        return SettingsError(message, self.shown, line)

    def compose(self):
        """The top-level mapping node, or None for an empty file."""
        from .frontmatter import describe_yaml_error

        try:
            self.loader = _ConfigLoader(self.text)  # refuses control characters at once
            node = self.loader.get_single_node()
        except RecursionError:
            raise SettingsError("filen är för djupt nästlad: kontrollera indrag och parenteser", self.shown, 1) from None
        except yaml.YAMLError as exc:
            line, message = describe_yaml_error(exc, self.text)
            raise SettingsError(message, self.shown, line) from None
        except (ValueError, OverflowError):  # the pure-Python scanner on "\U00200000"
            line = self.loader.get_mark().line + 1 if self.loader is not None else 1
            raise SettingsError("YAML-fel: okänt tecken efter \\ inom \"citattecken\" — använd 'enkla citattecken'"
                                " i stället", self.shown, line) from None
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, "mkdocs.yml ska bestå av inställningar på formen 'namn: värde'")
        return self.flatten(node)

    def flatten(self, node: yaml.MappingNode) -> yaml.MappingNode:
        """``node`` with its ``<<: *defaults`` merge keys applied, as MkDocs reads them."""
        try:
            self.loader.flatten_mapping(node)
        except RecursionError:
            raise self.error(node, "sammanslagningen med << är för djupt nästlad") from None
        except yaml.YAMLError:
            raise self.error(node, "<< ska följas av en grupp fält (ett alias som *standard) eller en lista av"
                                   " sådana") from None
        return node

    def construct(self, node):
        try:
            return self.loader.construct_object(node, deep=True)
        except RecursionError:
            raise self.error(node, "värdet är för djupt nästlat") from None
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            raise self.error(node, f"värdet '{getattr(node, 'value', '')}' kan inte läsas") from None

    def plugin_options(self, top):
        """The metodbank entry's options node under ``plugins``, or None."""
        plugins = _get(top, "plugins") if top is not None else None
        if plugins is None or _is_null(plugins):
            return None
        entries = []
        if isinstance(plugins, yaml.SequenceNode):
            for item in plugins.value:
                if isinstance(item, yaml.MappingNode):
                    self.flatten(item)
                    names = [key.value for key, _ in item.value if isinstance(key, yaml.ScalarNode)]
                    if "metodbank" in names and len(item.value) > 1:
                        others = ", ".join(f"'{name}'" for name in names if name != "metodbank")
                        raise self.error(item, f"{others} står på samma nivå som 'metodbank' under plugins: dra in"
                                               " pluginets inställningar två mellanslag till under '- metodbank:'")
                    entries.extend(item.value)
                elif isinstance(item, yaml.ScalarNode):
                    entries.append((item, None))
        elif isinstance(plugins, yaml.MappingNode):
            self.flatten(plugins)
            entries = list(plugins.value)
        else:
            raise self.error(plugins, "plugins ska vara en lista med ett plugin per rad, som '- search' och"
                                      " '- metodbank:'")
        found = [(key, value) for key, value in entries if isinstance(key, yaml.ScalarNode) and key.value == "metodbank"]
        if len(found) > 1:
            raise self.error(found[1][0], "metodbank står två gånger under plugins: ta bort den ena")
        if not found:
            return None
        key, options = found[0]
        if options is None or _is_null(options):
            return yaml.MappingNode("tag:yaml.org,2002:map", [], key.start_mark, key.end_mark)
        if not isinstance(options, yaml.MappingNode):
            raise self.error(options, "metodbank ska ha sina inställningar som 'namn: värde' på egna rader under"
                                      f" sig ({', '.join(OPTIONS[:-1])}), inte {self.kind(options)}")
        self.flatten(options)
        for name_node, _value in options.value:
            name = name_node.value if isinstance(name_node, yaml.ScalarNode) else None
            if name not in OPTIONS:
                raise self.error(name_node, f"metodbank har ingen inställning '{name}'. Inställningarna är:"
                                            f" {', '.join(OPTIONS[:-1])}{did_you_mean(name, OPTIONS)}")
        return options

    def kind(self, node) -> str:
        if isinstance(node, yaml.SequenceNode):
            return "en lista"
        if isinstance(node, yaml.MappingNode):
            return "en grupp fält"
        return describe_kind(self.construct(node))

    def text_value(self, node, name: str, what: str) -> str:
        if node is None:
            return ""
        value = self.construct(node)  # after tags: '!ENV [NAME, default]' is a list until read
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(node, f"{name} ska vara {what} (text), inte {describe_kind(value)}")
        return value

    def sokdel_sidor(self, node) -> int:
        value = self.construct(node) if node is not None else None
        if value is None:  # not set, empty, or an unset !ENV
            return DEFAULT_SOKDEL_SIDOR
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(node, "sokdel_sidor ska vara ett heltal, minst 1 (sidor per del av sökindexet)")
        return value

    def switch(self, node, name: str, default: bool) -> bool:
        """A true/false setting; not set, empty or an unset !ENV gives ``default``."""
        value = self.construct(node) if node is not None else None
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(node, f"{name} ska vara true eller false")
        return value

    def plain(self, node, loc: tuple, lines: dict, depth: int = 0):
        """Plain values for the vocabulary check, with the line of every
        place; never deeper than the check looks (name, key, label)."""
        lines[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if depth >= 2:
                return {}
            self.flatten(node)
            result = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = self.construct(key_node)
                    if not isinstance(key, str):  # "yes: Ja" is True: show what was written
                        raise self.error(key_node, not_text_key(".".join(map(str, loc)), key_node.value, key))
                else:
                    raise self.error(key_node, f"{'.'.join(map(str, loc))}: en nyckel ska vara ett ord,"
                                               f" inte {self.kind(key_node)}")
                result[key] = self.plain(value_node, loc + (key,), lines, depth + 1)
                lines[loc + (key,)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [] if depth >= 2 else [None] * len(node.value)
        return self.construct(node)


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
