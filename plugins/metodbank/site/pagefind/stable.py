"""Make Pagefind's output byte-identical between two builds of the same site.

Pagefind (1.5) writes its filter indexes from a Rust ``HashMap``: the order of
the values inside each ``filter/*.pf_filter`` file changes from run to run, and
with it the files' content-hash names, the ``*.pf_meta`` file that lists them
and the hash in ``pagefind-entry.json`` (upstream: Pagefind/pagefind#638,
"other files will still change, such as the filter/metadata indexes").

:func:`canonicalise` rewrites exactly those files in a fixed order: filter
values sorted by value, the meta file's filter list sorted by filter name,
and new names from a SHA-256 of the content. The data is unchanged, and
Pagefind's client only follows the names it is given.

Files are ``gzip(b"pagefind_dcd" + CBOR)``; the small CBOR codec below covers
what Pagefind writes (unsigned/negative integers, byte and text strings,
arrays, maps, true/false/null). A file that does not read back byte for byte
is left alone, so an unknown future format is never corrupted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
import zlib
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


class _Unknown(ValueError):
    pass


def _decode(data: bytes, i: int = 0):
    first = data[i]
    major, info = first >> 5, first & 31
    i += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[i:i + size], "big")
        i += size
    else:
        raise _Unknown(f"CBOR-längd {info}")
    if major == 0:
        return value, i
    if major == 1:
        return -1 - value, i
    if major == 2:
        return bytes(data[i:i + value]), i + value
    if major == 3:
        return data[i:i + value].decode("utf-8"), i + value
    if major == 4:
        items = []
        for _ in range(value):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, i = _decode(data, i)
            mapping[key], i = _decode(data, i)
        return mapping, i
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], i
    raise _Unknown(f"CBOR-typ {major}/{info}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise _Unknown("för stort tal")


def _encode(value) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise _Unknown(type(value).__name__)


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise _Unknown(f"{path.name}: signatur saknas")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or _encode(value) != raw[len(SIGNATURE):]:
        raise _Unknown(f"{path.name}: läses inte tillbaka byte för byte")
    return value


def _write(folder: Path, prefix: str, old_hash: str, suffix: str, value) -> str:
    """Write ``value`` under a content-derived name of the same shape as
    ``old_hash`` (``sv_1a2b3c4``); returns the new hash."""
    payload = SIGNATURE + _encode(value)
    lang, _, digest = old_hash.rpartition("_")
    new_hash = f"{lang}_{hashlib.sha256(payload).hexdigest()[:len(digest)]}"
    old, new = folder / f"{prefix}{old_hash}{suffix}", folder / f"{prefix}{new_hash}{suffix}"
    new.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    if old != new:
        old.unlink()
    return new_hash


def _is_filter_list(value, folder: Path) -> bool:
    return (
        isinstance(value, list) and bool(value)
        and all(isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x) for x in value)
        and all((folder / "filter" / f"{h}.pf_filter").is_file() for _, h in value)
    )


def canonicalise(folder: Path) -> bool:
    """Rewrite Pagefind's filter, meta and entry files in ``folder`` in a
    canonical order. Returns False (and changes nothing) when the files are
    not in the shape this understands."""
    entry_path = folder / "pagefind-entry.json"
    if not entry_path.is_file():
        return False
    entry = json.loads(entry_path.read_text("utf-8"))
    try:
        plans = []
        for language in entry["languages"].values():
            meta_hash = language["hash"]
            meta = _read(folder / f"pagefind.{meta_hash}.pf_meta")
            lists = [i for i, part in enumerate(meta) if _is_filter_list(part, folder)]
            if len(lists) != 1:
                raise _Unknown("filterlistan hittades inte i metadatan")
            filters = []
            for name, filter_hash in meta[lists[0]]:
                content = _read(folder / "filter" / f"{filter_hash}.pf_filter")
                if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)
                        and all(isinstance(v, list) and v and isinstance(v[0], str) for v in content[1])):
                    raise _Unknown(f"filterfilen {filter_hash} har okänd form")
                filters.append((name, filter_hash, content))
            plans.append((language, meta_hash, meta, lists[0], filters))
    except (ValueError, OSError, KeyError, TypeError, IndexError, EOFError, gzip.BadGzipFile, zlib.error):
        return False

    for language, meta_hash, meta, index, filters in plans:
        rewritten = []
        for name, filter_hash, (filter_name, values) in filters:
            canonical = [filter_name, sorted(values, key=lambda v: v[0])]
            rewritten.append([name, _write(folder / "filter", "", filter_hash, ".pf_filter", canonical)])
        meta[index] = sorted(rewritten)
        language["hash"] = _write(folder, "pagefind.", meta_hash, ".pf_meta", meta)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return True
