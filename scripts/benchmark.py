#!/usr/bin/env python3
"""Benchmark Metodbanken against plain mkdocs-material on the same Markdown.

    python scripts/benchmark.py [--sizes 1000,5000,10000] [--runs 3] [--quick]
                                [--output BENCHMARKS.md] [--workdir bench-out]

For every size N it generates a synthetic bank once (``generate_bank.py``)
and then, in every run (so every ratio is measured under the same load):

(a) builds it with our full ``mkdocs build`` from cold (site and caches
    removed);
(b) builds the same project, metod and systemfel Markdown files with plain
    mkdocs-material: same theme, language, Markdown extensions and search
    plugin, no plugin of ours, a nav with the start page only, from cold;
(c) changes one project file, times ``metodbank kontrollera projekt/<fil>``
    (the pre-commit path, with the caches of (a)), and rebuilds with the
    caches warm: the one-file rebuild, with the page cache's hits and misses;
    then changes the same file's title (front-matter) and rebuilds again:
    an edit of a field reaches other pages (the listings, the method and
    system-error pages that name the project), a body edit does not;
(d) builds a copy of the edited bank from cold into another folder, with the
    same ``SOURCE_DATE_EPOCH`` as (a) and (c), and compares the two sites
    byte for byte (warm = cold);
(e) starts ``mkdocs serve`` on the bank (livereload on, a free port), saves
    the project file with a new sentence and polls the served page every
    50 ms until it shows the sentence: the serve loop, from save to reload.

It also times ``metodbank kontrollera`` of the whole bank without cache,
Whoosh alone (the on-demand index of ``metodbank sök``, built by
``metodbank.search.index.build_index`` from a loaded bank: cold and after
one file changed, wall and CPU time; Whoosh is not part of the site build),
records the peak memory of each build's process tree, Pagefind's CPU time
(the build's ``METODBANK_TIMINGS=1`` report), the time spent inside our
plugin's hooks and where a rebuild's time goes, the gzip size of
``data/katalog.json``, and, in a real headless Chromium, what a browser
downloads for a first Pagefind search.

Our package's bytecode is compiled first (``compileall``), as pip does for
an installed package and as Python does on a user's first run: in an
environment with ``PYTHONDONTWRITEBYTECODE`` set, every process (the
checker, each build and each of its workers) would otherwise compile our
sources again, 0.3 s a process, which plain mkdocs-material never pays.

Timings are the median of ``--runs`` runs. The table is printed and written,
with the machine it ran on and the issue's targets, to ``--output``
(BENCHMARKS.md by default): that file is generated, never edited by hand.

``--profile N`` additionally profiles one cold build and one one-file
rebuild at size N with pyinstrument (``pip install pyinstrument``), writing
text and HTML reports to the work directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

SCRIPT = Path(__file__).resolve()
REPO = SCRIPT.parents[1]
sys.path.insert(0, str(SCRIPT.parent))

import generate_bank  # noqa: E402

DEFAULT_SIZES = (1000, 5000, 10000)
TIMINGS_PREFIX = "metodbank-tider: "
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GZIP_LEVEL = 6  # what a web server typically uses
# The build date of every build of ours: a warm and a cold build can only be
# byte-identical with the same date (the sitemap's gzip header carries it).
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01
EDIT = "\nEtt tillägg om arbetsgivarkontakter efter projektets slut.\n"
TITLE_SUFFIX = " (reviderad)"  # the front-matter edit: added to the changed project's title
SERVE_POLL = 0.05  # seconds between two requests for the served page

# The targets (issue 18), checked in the report.
TARGET_REBUILD_5000 = 0.5  # one-file rebuild / plain cold, at 5,000 projects
TARGET_REBUILD_1000 = 1.0  # the same at 1,000
TARGET_COLD_5000 = 1.5  # cold build / plain cold, at 5,000
TARGET_GROWTH = 11.0  # t(10,000) / t(1,000)
TARGET_RSS_10000 = 1.5e9  # bytes
TARGET_CHECK_FILE_5000 = 1.0  # seconds: metodbank kontrollera projekt/<one changed file>
TARGET_SERVE_5000 = 5.0  # seconds from save to the served page showing the change
# Older targets (issue 6) still measured.
TARGET_CHECK_5000 = 3.0
TARGET_KATALOG_5000 = 1_000_000


# --------------------------------------------------------------------------
# Running a build in a child process, timed, with our hooks measured


def run_timed(cmd: list[str], cwd: Path, env: dict | None = None, log: Path | None = None) -> dict:
    """Run ``cmd``; wall time, peak RSS (this process or any it waited for) and output."""
    log = log or cwd.parent / f".log-{cwd.name}"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    # What earlier steps wrote (a cold build at 10,000 projects writes 2 GB)
    # goes to disk first, not while this step is timed.
    os.sync()
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        started, clock_started = time.perf_counter(), time.time()
        proc = subprocess.Popen(cmd, cwd=cwd, env=environment, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeMemory(proc.pid)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            sampler.stop()
        seconds = time.perf_counter() - started
        clock_ended = time.time()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = log.with_suffix(".out").read_text("utf-8", "replace")
    stderr = log.with_suffix(".err").read_text("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(map(str, cmd))} misslyckades ({proc.returncode}) i {cwd}:\n"
                         f"{stdout[-3000:]}{stderr[-3000:]}")
    # The larger of: the biggest single process (exact, from the kernel), and
    # the sampled sum over the process tree (the build and the Pagefind
    # service it runs alongside).
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "maxrss": max(usage.ru_maxrss * 1024, sampler.peak),
            "maxrss_process": usage.ru_maxrss * 1024, "maxrss_tree": sampler.peak,
            "started": clock_started, "ended": clock_ended, "stdout": stdout, "stderr": stderr}


class TreeMemory:
    """Samples the resident memory of a process and all its descendants (Linux /proc).

    A child caught between ``fork`` and ``exec`` (the build starting
    Pagefind or a worker) still shares its parent's pages, and its RSS is
    the parent's: summed, the build counted twice (1.68 GB at 10,000
    projects for a tree whose processes held 1.36 GB). Such a child has its
    parent's command line, and is left out of the sum."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if Path("/proc").is_dir():
            self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._done.wait(self.interval):
            children: dict[int, list[int]] = {}
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    try:
                        with open(f"/proc/{entry.name}/stat", "rb") as handle:
                            ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
                    except (OSError, ValueError, IndexError):
                        continue
                    children.setdefault(ppid, []).append(int(entry.name))
            total, todo = 0, [(self.pid, None)]
            while todo:
                pid, parent_command = todo.pop()
                command = _command_line(pid)
                todo.extend((child, command) for child in children.get(pid, ()))
                if parent_command is not None and command == parent_command:
                    continue  # forked, not yet exec'd: its parent's pages (see the class)
                try:
                    with open(f"/proc/{pid}/statm", "rb") as handle:
                        total += int(handle.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)


def _command_line(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return None


def mkdocs_build(project: Path, site: Path, instrument: bool, profile: Path | None = None,
                 env: dict | None = None) -> dict:
    """One ``mkdocs build`` through this script's ``_mkdocs`` mode (same launcher for a and b)."""
    hooks = project.parent / f".hooks-{project.name}.json"
    hooks.unlink(missing_ok=True)
    cmd = [sys.executable, str(SCRIPT), "_mkdocs", str(hooks)]
    if instrument:
        cmd.append("--instrument")
    if profile:
        cmd += ["--profile", str(profile)]
    cmd += ["--", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    environment = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(env or {})}
    if instrument:
        environment["METODBANK_TIMINGS"] = "1"
    result = run_timed(cmd, project, env=environment, log=project.parent / f".log-{project.name}")
    result["hooks"] = json.loads(hooks.read_text("utf-8")) if hooks.is_file() else {}
    result["faser"] = _plugin_phases(result["stderr"])
    result["tidslinje"] = _timeline(result)
    return result


def _counts(build: dict) -> dict:
    """The ``antal`` part of the plugin's METODBANK_TIMINGS report."""
    return (build.get("faser") or {}).get("antal") or {}


def _page_counts(build: dict) -> dict | None:
    """The page cache's counts with whether the templates' outputs were reused."""
    counts = _counts(build)
    if not counts.get("sidcache"):
        return None
    return {**counts["sidcache"], "sidmallar": counts.get("sidmallar", "–")}


def _plugin_work(build: dict) -> float | None:
    """The plugin's work in one build, whichever core it ran on: the time in
    its hooks, less what the hooks spent waiting for the Pagefind parts,
    plus those parts' own time (they index while pages still render)."""
    if build.get("seconds") is None or not build.get("hooks"):
        return None
    hooks = sum(build["hooks"].get("sekunder", {}).values())
    parts = _counts(build).get("pagefind") or {}
    return hooks - parts.get("wait_seconds", 0.0) + parts.get("seconds", 0.0)


def _timeline(build: dict) -> dict:
    """Where one build's wall time went, from the clock times the ``_mkdocs``
    mode records: starting Python and importing MkDocs, MkDocs reading the
    config before the plugin's first hook, the plugin's hooks, MkDocs'
    own work between them (reading, Markdown, templates, writing), and the
    end (after the last hook until the process was gone)."""
    stamps = (build.get("hooks") or {}).get("tider") or {}
    needed = ("start", "cli", "första_krok", "sista_krok")
    if not all(isinstance(stamps.get(k), (int, float)) for k in needed) or "started" not in build:
        return {}
    hooks = sum(build["hooks"].get("sekunder", {}).values())
    return {
        "python och import": stamps["cli"] - build["started"],
        "mkdocs före pluginet": stamps["första_krok"] - stamps["cli"],
        "pluginets krokar": hooks,
        "mkdocs mellan krokarna": stamps["sista_krok"] - stamps["första_krok"] - hooks,
        "avslut": build["ended"] - stamps["sista_krok"],
    }


def _plugin_phases(stderr: str) -> dict:
    """The plugin's own METODBANK_TIMINGS report (last one printed), if any."""
    found = {}
    for line in stderr.splitlines():
        if line.startswith(TIMINGS_PREFIX):
            try:
                found = json.loads(line[len(TIMINGS_PREFIX):])
            except ValueError:
                pass
    return found


def _mkdocs_main(argv: list[str]) -> None:
    """``benchmark.py _mkdocs HOOKS_JSON [--instrument] [--profile OUT] -- <mkdocs args>``.

    Runs the mkdocs CLI in this process. With ``--instrument`` every ``on_*``
    hook of our plugin is wrapped in a timer, so the time spent inside the
    plugin is measured without relying on the plugin to report it.
    """
    stamps: dict[str, float] = {"start": time.time()}
    # A process started in the background may inherit an ignored SIGINT:
    # restore Python's own handler, so that `mkdocs serve` shuts down cleanly
    # (and removes its temporary site) when the benchmark stops it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    split = argv.index("--")
    own, mkdocs_args = argv[:split], argv[split + 1:]
    hooks_path = Path(own[0])
    profile = Path(own[own.index("--profile") + 1]) if "--profile" in own else None
    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    if "--instrument" in own:
        from metodbank.mkdocs_plugin import plugin as plugin_module

        cls = plugin_module.MetodbankPlugin
        for name in [n for n in vars(cls) if n.startswith("on_") and callable(getattr(cls, n))]:
            setattr(cls, name, _timed(getattr(cls, name), name, spent, calls, stamps))

    import atexit

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()

    def write() -> None:
        if profiler is not None:
            profiler.stop()
            profile.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                                                   "utf-8")
            profile.with_suffix(".html").write_text(profiler.output_html(), "utf-8")
        stamps["slut"] = time.time()
        hooks_path.write_text(json.dumps({"sekunder": spent, "anrop": calls, "tider": stamps}), "utf-8")

    atexit.register(write)
    from mkdocs.__main__ import cli

    stamps["cli"] = time.time()

    sys.argv = ["mkdocs", *mkdocs_args]
    cli()


def _timed(method, name: str, spent: dict, calls: dict, stamps: dict):
    import functools

    @functools.wraps(method)  # keeps mkdocs' event priority attributes
    def wrapper(*args, **kwargs):
        stamps.setdefault("första_krok", time.time())
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            calls[name] = calls.get(name, 0) + 1
            stamps["sista_krok"] = time.time()

    return wrapper


# --------------------------------------------------------------------------
# The two projects


def _yaml_load(path: Path) -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may use !ENV and friends: read them as plain values.
    Loader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node)
                                 if isinstance(node, yaml.ScalarNode) else None)
    return yaml.load(path.read_text("utf-8"), Loader=Loader)


def plain_project(bank: Path, target: Path) -> Path:
    """The same Markdown for plain mkdocs-material: no plugin of ours, nav = start page."""
    import yaml

    ours = _yaml_load(bank / "mkdocs.yml")
    search = {"lang": "sv"}
    for entry in ours.get("plugins") or []:
        if entry == "search":
            break
        if isinstance(entry, dict) and "search" in entry:
            search = entry["search"] or search
            break
    theme = dict(ours.get("theme") or {})
    theme["name"], theme["language"] = "material", "sv"
    theme.pop("custom_dir", None)
    config = {
        "site_name": "Metodbanken (ren mkdocs-material)",
        "docs_dir": "docs",
        "theme": theme,
        "plugins": [{"search": search}],
        "markdown_extensions": ours.get("markdown_extensions") or [],
        "nav": [{"Start": "index.md"}],
    }
    shutil.rmtree(target, ignore_errors=True)
    (target / "docs").mkdir(parents=True)
    shutil.copy2(bank / "docs" / "index.md", target / "docs" / "index.md")
    for folder in generate_bank.CONTENT:
        shutil.copytree(bank / folder, target / "docs" / folder)
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target


BUILD_LEFTOVERS = {"site", ".cache"}


def clean(root: Path, keep: set[str]) -> None:
    """Remove everything a build left in ``root`` (site, caches): a cold start."""
    for entry in root.iterdir():
        if entry.name not in keep:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


# --------------------------------------------------------------------------
# Other measurements


def metodbank_command() -> list[str]:
    metodbank = Path(sys.executable).with_name("metodbank")
    return [str(metodbank)] if metodbank.exists() else [sys.executable, "-m", "metodbank.cli"]


def kontrollera(bank: Path, *paths: str) -> float:
    """``metodbank kontrollera -q [paths]`` in the bank folder: the whole command's wall time."""
    return run_timed(metodbank_command() + ["kontrollera", "-q", *paths], bank, env={"CI": "1"},
                     log=bank.parent / ".log-kontrollera")["seconds"]


WHOOSH_PROBE = r"""
import json, shutil, sys, time
from pathlib import Path
root, index_dir, changed, edit = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
try:
    from metodbank.search.index import build_index
except ImportError:
    print(json.dumps(None)); sys.exit(0)
from metodbank.bank import load_bank
from metodbank.settings import read_settings
vocab = read_settings(root / "mkdocs.yml").vocab
bank = load_bank(root, vocab)
shutil.rmtree(index_dir, ignore_errors=True)
t, c = time.perf_counter(), time.process_time()
stats = build_index(bank, index_dir, rebuild=True)
cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
original = changed.read_text("utf-8")
try:
    changed.write_text(original + edit, "utf-8")
    bank = load_bank(root, vocab)
    t, c = time.perf_counter(), time.process_time()
    again = build_index(bank, index_dir)
    one, one_cpu = time.perf_counter() - t, time.process_time() - c
finally:
    changed.write_text(original, "utf-8")
print(json.dumps({"kall": cold, "kall_cpu": cold_cpu, "en_fil": one, "en_fil_cpu": one_cpu,
                  "dokument": getattr(stats, "documents", None),
                  "omindexerade": getattr(again, "updated", 0) + getattr(again, "added", 0)
                                  + getattr(again, "resplit", 0)}))
"""


def whoosh(bank: Path, work: Path, changed: Path) -> dict | None:
    """Whoosh alone: the index ``metodbank sök`` builds on demand (not part of
    the site build), from a loaded bank, cold and after one file changed."""
    result = run_timed([sys.executable, "-c", WHOOSH_PROBE, str(bank), str(work / "whoosh-index"), str(changed),
                        EDIT], work, env={"CI": "1"}, log=work / ".whoosh-log")
    shutil.rmtree(work / "whoosh-index", ignore_errors=True)
    measured = json.loads(result["stdout"].strip().splitlines()[-1])
    if measured is not None:
        measured["rss"] = result["maxrss"]
    return measured


def folder_bytes(folder: Path) -> int:
    """The bytes of every file under ``folder``, each hard-linked file once."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if path.is_file() and (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
    return total


def compare_sites(first: Path, second: Path) -> dict:
    """Byte-for-byte comparison of two site trees: the files that differ or
    exist in only one of them."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file() or p.is_symlink()}

    a, b = files(first), files(second)
    differing = sorted((a.keys() ^ b.keys()) | {name for name in a.keys() & b.keys()
                                                 if a[name].read_bytes() != b[name].read_bytes()})
    return {"filer": len(a.keys() | b.keys()), "skillnader": len(differing), "exempel": differing[:10]}


def identity(bank: Path, warm_site: Path, work: Path, keep: set[str]) -> dict:
    """Build a copy of the (edited) bank from cold into another folder, with
    the same SOURCE_DATE_EPOCH, and compare it with the warm rebuild's site."""
    copy = work / "kall-kopia"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    for name in keep:
        source = bank / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, copy / name, symlinks=True)
        else:
            shutil.copy2(source, copy / name, follow_symlinks=False)
    try:
        cold = mkdocs_build(copy, copy / "site", instrument=True)
        found = compare_sites(warm_site, copy / "site")
        found["sekunder"] = cold["seconds"]
        found["sidcache"] = _counts(cold).get("sidcache")
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never through a proxy


def _get(url: str, timeout: float) -> bytes | None:
    """The body of ``url``, or None while the server is not answering it."""
    try:
        with _LOCAL.open(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def serve_loop(bank: Path, changed: Path, marker: str, start_timeout: float, loop_timeout: float) -> dict:
    """Start ``mkdocs serve`` (livereload on) on a free port, save ``changed``
    with ``marker`` appended and poll the project's page every 50 ms until it
    shows the marker. Returns the seconds from save to that answer; the
    server's process group is stopped in every case."""
    url_path = f"/projekt/{changed.stem}/"
    original = changed.read_text("utf-8")
    log = bank.parent / ".log-serve"
    hooks = bank.parent / ".hooks-serve.json"
    result: dict = {"sekunder": None, "förfrågningar": 0}
    for attempt in range(3):  # another process may take the free port first
        port = free_port()
        url = f"http://127.0.0.1:{port}{url_path}"
        cmd = [sys.executable, str(SCRIPT), "_mkdocs", str(hooks), "--", "serve", "-f", str(bank / "mkdocs.yml"),
               "-a", f"127.0.0.1:{port}"]
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
                       "METODBANK_TIMINGS": "1"}
        with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=bank, env=environment, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        sampler = TreeMemory(proc.pid)
        try:
            # The first build: requests wait until it is done, then get the page.
            body = None
            while body is None and proc.poll() is None and time.perf_counter() - started < start_timeout:
                body = _get(url, timeout=max(1.0, start_timeout - (time.perf_counter() - started)))
                if body is None:
                    time.sleep(0.2)
            if proc.poll() is not None:
                if attempt < 2 and "Address already in use" in log.with_suffix(".err").read_text("utf-8", "replace"):
                    continue
                result["fel"] = f"mkdocs serve avslutades ({proc.returncode}) innan sidan kom"
                break
            if body is None:
                result["fel"] = f"{url_path} svarade inte inom {start_timeout:.0f} s efter start"
                break
            if marker.encode() in body:
                result["fel"] = "markören fanns redan på sidan"
                break
            result["start"] = time.perf_counter() - started
            os.sync()  # the first build's writes, before the loop is timed (see run_timed)
            # Save: write and touch, as an editor does.
            saved = time.perf_counter()
            changed.write_text(original + f"\n{marker}\n", "utf-8")
            os.utime(changed)
            deadline = saved + loop_timeout
            for _ in range(int(loop_timeout / SERVE_POLL) + 1):
                now = time.perf_counter()
                if now >= deadline:
                    break
                result["förfrågningar"] += 1
                body = _get(url, timeout=deadline - now)
                if body is not None and marker.encode() in body:
                    result["sekunder"] = time.perf_counter() - saved
                    break
                if proc.poll() is not None:
                    result["fel"] = f"mkdocs serve avslutades ({proc.returncode}) efter sparningen"
                    break
                time.sleep(max(0.0, SERVE_POLL - (time.perf_counter() - now)))
            if result["sekunder"] is None and "fel" not in result:
                result["fel"] = f"ändringen syntes inte inom {loop_timeout:.0f} s"
            break
        finally:
            result["stopp"] = _stop_group(proc)
            _stop_leftovers(proc.pid)
            sampler.stop()
            result["rss"] = sampler.peak
            changed.write_text(original, "utf-8")
    # The server's builds report like any build: the last report is the rebuild after the save.
    reports = [line for line in log.with_suffix(".err").read_text("utf-8", "replace").splitlines()
               if line.startswith(TIMINGS_PREFIX)]
    result["byggen"] = len(reports)
    if result.get("sekunder") is not None and len(reports) >= 2:
        last = _plugin_phases(reports[-1])
        result["faser"], result["sidcache"] = last.get("faser", {}), (last.get("antal") or {}).get("sidcache")
        result["pagefind"] = (last.get("antal") or {}).get("pagefind")
    return result


def _stop_group(proc: subprocess.Popen) -> str:
    """Stop the server's process group: Ctrl-C first (mkdocs removes its
    temporary site), then SIGTERM, then SIGKILL. Returns what stopped it."""
    for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            return sig.name
        except subprocess.TimeoutExpired:
            continue
    proc.poll()
    return "redan avslutad" if proc.returncode is not None else "lever"


def _stop_leftovers(pgid: int) -> None:
    """Any process still in the server's group once the server is gone."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def transfer_size(data: bytes) -> int:
    """gzip size, or the raw size for files that are already compressed (Pagefind's index)."""
    return min(len(data), gz(data))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def pagefind_payload(site: Path, query: str, chromium: str) -> dict | None:
    """What a browser downloads for a first Pagefind search on /sok/?q=… (None if not measurable)."""
    if not (site / "pagefind").is_dir() or not Path(chromium).exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                responses = []
                page.on("response", lambda response: responses.append(response))
                url = f"http://127.0.0.1:{server.server_address[1]}/sok/?q={query}"
                page.goto(url, wait_until="load")
                page.wait_for_selector(".pagefind-ui__result", timeout=60_000)
                page.wait_for_load_state("networkidle")
                results = page.locator(".pagefind-ui__result").count()
                parts: dict[str, dict] = {}
                for response in responses:
                    path = response.url.split("?", 1)[0]
                    if "/pagefind/" not in path or response.status != 200:
                        continue
                    body = response.body()
                    part = _pagefind_part(path)
                    entry = parts.setdefault(part, {"filer": 0, "råa_byte": 0, "gzip_byte": 0})
                    entry["filer"] += 1
                    entry["råa_byte"] += len(body)
                    entry["gzip_byte"] += transfer_size(body)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    total = sum(e["gzip_byte"] for e in parts.values())
    return {"fråga": query, "träffar_visade": results, "delar": parts, "gzip_byte": total,
            "filer": sum(e["filer"] for e in parts.values())}


def _pagefind_part(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name.startswith("pagefind-ui"):
        return "sökgränssnitt (pagefind-ui.js/css)"
    if name in ("pagefind.js", "pagefind-worker.js") or name.endswith(".js"):
        return "pagefind.js"
    if name.startswith("wasm."):
        return "wasm"
    if name.startswith("pagefind-entry"):
        return "entry"
    if "/index/" in path:
        return "indexdelar"
    if "/filter/" in path:
        return "filter"
    if "/fragment/" in path:
        return "fragment"
    if name.endswith(".pf_meta"):
        return "meta"
    return "övrigt"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "–"

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {
        "kod": _code_version(), "cpu": cpu, "kärnor": cores, "ram": ram, "os": platform.platform(terse=True),
        "python": platform.python_version(), "mkdocs": ver("mkdocs"), "mkdocs-material": ver("mkdocs-material"),
        "pagefind": ver("pagefind"), "whoosh3": ver("whoosh3"),
        "datum": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "last_vid_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def _code_version() -> str:
    """The commit measured, and whether the work tree had uncommitted changes (read-only git)."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        # The report this run replaces is not a change to what is measured.
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":(exclude)BENCHMARKS.md"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "–"
    if not commit:
        return "–"
    return commit + (" med ocommittade ändringar" if dirty else "")


# --------------------------------------------------------------------------
# One size


def measure(n: int, runs: int, work: Path, seed: int, query: str, chromium: str | None,
            profile: bool, log=print) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    bank, plain = work / "bank", work / "ren"
    started = time.perf_counter()
    counts = generate_bank.generate(bank, n, seed)
    without_report_pdfs(bank / "mkdocs.yml")
    generated = time.perf_counter() - started
    log(f"  N={n}: banken skapad på {generated:.1f} s ({counts['projekt']} projekt, {counts['metoder']} metoder, "
        f"{counts['systemfel']} systemfel)")
    plain_project(bank, plain)
    # A work folder from an earlier run still holds that run's site and
    # caches: they must go with every clean, or "cold" builds would be warm.
    keep_bank = {e.name for e in bank.iterdir()} - BUILD_LEFTOVERS
    keep_plain = {e.name for e in plain.iterdir()} - BUILD_LEFTOVERS
    changed = sorted((bank / "projekt").glob("*.md"))[n // 2]
    changed_rel = changed.relative_to(bank).as_posix()
    original = changed.read_text("utf-8")
    # Generous bounds: a loaded shared machine must not turn a slow answer into a failure.
    serve_start_timeout, serve_loop_timeout = 120 + 0.1 * n, 60 + 0.02 * n

    result = {"n": n, "filer": sum(counts.values()), "antal": counts, "generering_s": generated,
              "ändrad_fil": changed_rel, "körningar": []}
    for run in range(1, runs + 1):
        code_before = code_stamp()
        # The whole bank checked without any cache (and once more, with what the first left).
        clean(bank, keep_bank)
        check_cold = kontrollera(bank)
        check_warm = kontrollera(bank)
        clean(plain, keep_plain)
        b = mkdocs_build(plain, plain / "site", instrument=False)
        clean(bank, keep_bank)
        a = mkdocs_build(bank, bank / "site", instrument=True)
        if run == runs:
            # Sizes, from the cold builds of the last run (nothing is timed meanwhile).
            result.update(sizes(bank / "site", plain / "site", query, chromium))
        changed.write_text(original + EDIT, "utf-8")
        same: dict | None = None
        try:
            # The pre-commit path: one changed file, with the caches of a build.
            check_file = kontrollera(bank, changed_rel)
            try:
                warm = mkdocs_build(bank, bank / "site", instrument=True)
            except SystemExit as exc:  # a failing rebuild is a finding, not a reason to lose the run
                log(f"  N={n}: ombyggnaden misslyckades:\n{str(exc)[-2000:]}")
                result.setdefault("fel", []).append(f"ombyggnad, körning {run}: {str(exc)[-600:]}")
                warm = {"seconds": None, "cpu": None, "maxrss": 0, "hooks": {}, "faser": {}, "tidslinje": {}}
            cache_bytes = folder_bytes(bank / ".cache" / "metodbank")  # what the workflows keep between builds
            if warm["seconds"] is not None:
                try:
                    same = identity(bank, bank / "site", work, keep_bank)
                except SystemExit as exc:
                    result.setdefault("fel", []).append(f"kall build av kopian, körning {run}: {str(exc)[-600:]}")
            # The same file's title changed too: a field edit, which other pages show.
            changed.write_text(retitled(original) + EDIT, "utf-8")
            try:
                field = mkdocs_build(bank, bank / "site", instrument=True)
            except SystemExit as exc:
                log(f"  N={n}: ombyggnaden efter titeländringen misslyckades:\n{str(exc)[-2000:]}")
                result.setdefault("fel", []).append(f"ombyggnad efter titeländring, körning {run}: {str(exc)[-600:]}")
                field = {"seconds": None, "faser": {}, "maxrss": 0}
        finally:
            changed.write_text(original, "utf-8")
        served = serve_loop(bank, changed, f"Serveslingan mätte ändringen {n}-{run}-{time.time_ns()}.",
                            serve_start_timeout, serve_loop_timeout)
        if served.get("fel"):
            log(f"  N={n}: serve-slingan: {served['fel']}")
            result.setdefault("fel", []).append(f"serve-slingan, körning {run}: {served['fel']}")
        row = {
            "vår": a["seconds"], "ren": b["seconds"], "ombyggnad": warm["seconds"], "ombyggnad_titel": field["seconds"],
            "faser_titel": field["faser"].get("faser", {}),
            "cpu_vår": a["cpu"], "cpu_ren": b["cpu"], "cpu_ombyggnad": warm["cpu"],
            "rss_vår": a["maxrss"], "rss_ombyggnad": max(warm["maxrss"], field["maxrss"]), "rss_ren": b["maxrss"],
            "plugin_kall": _plugin_work(a), "plugin_varm": _plugin_work(warm),
            "krokar_kall": a["hooks"].get("sekunder", {}), "krokar_varm": warm["hooks"].get("sekunder", {}),
            "faser_kall": a["faser"].get("faser", {}), "faser_varm": warm["faser"].get("faser", {}),
            "tidslinje_kall": a["tidslinje"], "tidslinje_varm": warm["tidslinje"],
            "pagefind_kall": _counts(a).get("pagefind"), "pagefind_varm": _counts(warm).get("pagefind"),
            "sidcache_kall": _counts(a).get("sidcache"), "sidcache_varm": _page_counts(warm),
            "identitet": same, "serve": served, "cache_byte": cache_bytes,
            "kontrollera": check_cold, "kontrollera_varm": check_warm, "kontrollera_fil": check_file,
            "belastning": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "kod_ändrad": code_stamp() != code_before,
        }
        if row["kod_ändrad"]:
            log(f"  N={n} körning {run}: koden under plugins/ ändrades under körningen (sidcachen kan ha "
                "startat om): den körningens tider är inte jämförbara")
        result["körningar"].append(row)
        log(f"  N={n} körning {run}/{runs}: vår {a['seconds']:.1f} s, ren {b['seconds']:.1f} s "
            f"(kvot {a['seconds'] / b['seconds']:.2f}; CPU {a['cpu']:.0f}/{b['cpu']:.0f} s), "
            f"ombyggnad {_s(warm['seconds'], 1)} s ({_cache_text(row['sidcache_varm'])}), "
            f"efter titeländring {_s(field['seconds'], 1)} s, "
            f"{_identity_text(same)}, serve-slinga {_s(served.get('sekunder'))} s, "
            f"kontrollera en fil {check_file:.2f} s / hela {check_cold:.2f} s")

    rows = result["körningar"]
    def med(key):
        values = [r[key] for r in rows if r[key] is not None]
        return statistics.median(values) if values else None

    for key in ("vår", "ren", "ombyggnad", "ombyggnad_titel", "plugin_kall", "plugin_varm", "kontrollera", "kontrollera_varm",
                "kontrollera_fil", "cpu_vår", "cpu_ren", "cpu_ombyggnad"):
        result[key] = med(key)
    result["kvot"] = result["vår"] / result["ren"]
    result["kvot_ombyggnad"] = result["ombyggnad"] / result["ren"] if result["ombyggnad"] is not None else None
    result["kvot_ombyggnad_titel"] = (result["ombyggnad_titel"] / result["ren"]
                                      if result["ombyggnad_titel"] is not None else None)
    result["faser_titel"] = _median_dict([r["faser_titel"] for r in rows])
    result["cpu_kvot"] = result["cpu_vår"] / result["cpu_ren"] if result["cpu_ren"] else None
    result["rss_vår"] = max(max(r["rss_vår"], r["rss_ombyggnad"]) for r in rows)
    result["rss_ren"] = max(r["rss_ren"] for r in rows)
    result["krokar_kall"] = _median_dict([r["krokar_kall"] for r in rows])
    result["krokar_varm"] = _median_dict([r["krokar_varm"] for r in rows])
    result["faser_kall"] = _median_dict([r["faser_kall"] for r in rows])
    result["faser_varm"] = _median_dict([r["faser_varm"] for r in rows])
    result["tidslinje_kall"] = _median_dict([r["tidslinje_kall"] for r in rows if r["tidslinje_kall"]])
    result["tidslinje_varm"] = _median_dict([r["tidslinje_varm"] for r in rows if r["tidslinje_varm"]])
    for key in ("kall", "varm"):
        parts = [r[f"pagefind_{key}"] for r in rows if r[f"pagefind_{key}"]]
        result[f"pagefind_cpu_{key}"] = statistics.median(p["cpu_seconds"] for p in parts) if parts else None
    result["sidcache_varm"] = _median_dict([r["sidcache_varm"] for r in rows if r["sidcache_varm"]]) or None
    checked = [{**r["identitet"], "kod_ändrad": r["kod_ändrad"]} for r in rows if r["identitet"] is not None]
    # The worst run counts: one differing file in one run is a difference.
    result["identitet"] = max(checked, key=lambda c: c["skillnader"]) if len(checked) == len(rows) else None
    serve_times = [r["serve"]["sekunder"] for r in rows if r["serve"].get("sekunder") is not None]
    result["serve"] = statistics.median(serve_times) if len(serve_times) == len(rows) else None
    result["serve_rss"] = max(r["serve"].get("rss") or 0 for r in rows)

    # Whoosh alone (in its own process, with the bank already loaded).
    result["whoosh"] = whoosh(bank, work, changed)

    if profile:
        clean(bank, keep_bank)
        out = work / f"profil-{n}-kall"
        mkdocs_build(bank, bank / "site", instrument=False, profile=out)
        changed.write_text(original + EDIT, "utf-8")
        try:
            rebuilt = work / f"profil-{n}-ombyggnad"
            mkdocs_build(bank, bank / "site", instrument=False, profile=rebuilt)
        finally:
            changed.write_text(original, "utf-8")
        result["profil"] = [str(out.with_suffix(".txt")), str(rebuilt.with_suffix(".txt"))]
        log(f"  N={n}: profiler skrivna till {out.with_suffix('.txt')} och {rebuilt.with_suffix('.txt')} (och .html)")
    return result


def without_report_pdfs(config: Path) -> None:
    """The benchmark measures the site; the reports' PDFs (``rapport_pdf``)
    are an export of their own whose cost grows with the observations in
    the whole index's report (UTVECKLING.md, "Reports as PDF"), and would
    swamp every other number here. So the measured bank builds without them."""
    text = config.read_text("utf-8")
    changed = re.sub(r"(?m)^([ \t]*rapport_pdf:)[ \t]*true[ \t]*$", r"\1 false", text, count=1)
    if changed == text:
        raise SystemExit(f"benchmark: hittar inte 'rapport_pdf: true' i {config}")
    config.write_text(changed, "utf-8")


def sizes(ours: Path, plain: Path, query: str, chromium: str | None) -> dict:
    """What the published sites weigh, and what a first Pagefind search downloads."""
    katalog = ours / "data" / "katalog.json"
    ours_lunr, plain_lunr = ours / "search" / "search_index.json", plain / "search" / "search_index.json"
    return {
        "katalog_byte": katalog.stat().st_size if katalog.is_file() else None,
        "katalog_gzip": gz(katalog.read_bytes()) if katalog.is_file() else None,
        "lunr_vår_gzip": gz(ours_lunr.read_bytes()) if ours_lunr.is_file() else None,
        "lunr_ren_gzip": gz(plain_lunr.read_bytes()) if plain_lunr.is_file() else None,
        "sidor_vår": sum(1 for _ in ours.rglob("*.html")),
        "sidor_ren": sum(1 for _ in plain.rglob("*.html")),
        "pagefind": pagefind_payload(ours, query, chromium) if chromium else None,
    }


def retitled(text: str) -> str:
    """``text`` with :data:`TITLE_SUFFIX` added to its front-matter's ``titel``."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("titel:"):
            value = line.rstrip()
            quote = value[-1] if value[-1] in "\"'" and value[len("titel:"):].strip()[:1] == value[-1] else ""
            lines[number] = (value[:-1] + TITLE_SUFFIX + quote) if quote else value + TITLE_SUFFIX
            return "\n".join(lines)
    raise SystemExit("benchmark: den ändrade projektfilen har ingen rad 'titel:'")


def compile_code(package: Path | str = REPO / "plugins" / "metodbank") -> None:
    """Compile our package's bytecode, as an installed package has it (see
    the module's docstring): otherwise each process would compile it again."""
    import compileall

    if not compileall.compile_dir(str(package), quiet=1):
        raise SystemExit(f"benchmark: kunde inte kompilera {package}")


def code_stamp() -> str:
    """Paths, sizes and modification times of the plugin's code and templates:
    if they change during a run (someone editing on a shared machine), the
    page cache's engine digest changes too and the rebuild renders everything."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((REPO / "plugins").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _cache_text(counts: dict | None) -> str:
    if not counts:
        return "sidcache –"
    return (f"sidcache {counts.get('träffar', 0):.0f} träffar (varav {counts.get('färdiga', 0):.0f} utan MkDocs) / "
            f"{counts.get('missar', 0):.0f} missar, mallar {counts.get('sidmallar', '–')}")


def _identity_text(found: dict | None) -> str:
    if found is None:
        return "ej jämförd"
    text = "identisk" if found["skillnader"] == 0 else \
        f"{found['skillnader']} {'fil' if found['skillnader'] == 1 else 'filer'} skiljer"
    return text + (" (koden ändrades)" if found.get("kod_ändrad") else "")


def _median_dict(dicts: list[dict]) -> dict:
    keys = list(dict.fromkeys(k for d in dicts for k in d))
    return {k: statistics.median(d.get(k, 0.0) for d in dicts) if all(
        isinstance(d.get(k, 0.0), (int, float)) for d in dicts) else [d.get(k) for d in dicts][-1] for k in keys}


# --------------------------------------------------------------------------
# Report


def _s(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mb(value) -> str:
    return "–" if value is None else f"{value / 1e6:.0f}"


def _kb(value) -> str:
    return "–" if value is None else f"{value / 1e3:.0f}"


def _by_n(results: list[dict], n: int) -> dict | None:
    return next((r for r in results if r["n"] == n), None)


def growth(results: list[dict]) -> tuple[int, int, float] | None:
    """t(10000)/t(1000) when both were measured, else the largest over the smallest."""
    small, large = _by_n(results, 1000), _by_n(results, 10000)
    if not (small and large):
        ordered = sorted(results, key=lambda r: r["n"])
        if len(ordered) < 2:
            return None
        small, large = ordered[0], ordered[-1]
    return small["n"], large["n"], large["vår"] / small["vår"]


def targets(results: list[dict]) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the issue's targets (issue 18)."""
    out = []

    def verdict(ok: bool | None) -> str:
        return "ej mätt" if ok is None else ("✔ uppfyllt" if ok else "✘ missat")

    def ratio_target(text: str, r: dict | None, key: str, limit: float) -> None:
        value = r.get(key) if r else None
        out.append((text, f"{value:.2f} ×" if value is not None else "–",
                    verdict(value <= limit if value is not None else None)))

    r1, r5, r10 = _by_n(results, 1000), _by_n(results, 5000), _by_n(results, 10000)
    ratio_target(f"ombyggnad efter en ändrad projektfil vid 5 000 ≤ {TARGET_REBUILD_5000:g} × ren material kall",
                 r5, "kvot_ombyggnad", TARGET_REBUILD_5000)
    ratio_target(f"ombyggnad efter en ändrad projektfil vid 1 000 ≤ {TARGET_REBUILD_1000:g} × ren material kall",
                 r1, "kvot_ombyggnad", TARGET_REBUILD_1000)
    ratio_target(f"kall build vid 5 000 ≤ {TARGET_COLD_5000:g} × ren material kall", r5, "kvot", TARGET_COLD_5000)
    g = growth(results)
    real_growth = g if g and (g[0], g[1]) == (1000, 10000) else None
    out.append((f"t(10 000) ≤ {TARGET_GROWTH:g} × t(1 000), kall build",
                f"{real_growth[2]:.2f} ×" if real_growth else "–",
                verdict(real_growth[2] <= TARGET_GROWTH if real_growth else None)))
    out.append((f"toppminne vid 10 000 ≤ {TARGET_RSS_10000 / 1e9:g} GB",
                f"{r10['rss_vår'] / 1e9:.2f} GB" if r10 else "–",
                verdict(r10["rss_vår"] <= TARGET_RSS_10000 if r10 else None)))
    check = r5.get("kontrollera_fil") if r5 else None
    out.append((f"`metodbank kontrollera` av en ändrad fil vid 5 000 ≤ {TARGET_CHECK_FILE_5000:g} s",
                f"{check:.2f} s" if check is not None else "–",
                verdict(check <= TARGET_CHECK_FILE_5000 if check is not None else None)))
    loop = r5.get("serve") if r5 else None
    out.append((f"serve-slingan vid 5 000 ≤ {TARGET_SERVE_5000:g} s från sparning till ny sida",
                f"{loop:.2f} s" if loop is not None else ("fel" if r5 else "–"),
                verdict(loop <= TARGET_SERVE_5000 if loop is not None else (False if r5 else None))))
    compared = [r for r in results if r.get("identitet") is not None]
    differing = [r for r in compared if r["identitet"]["skillnader"]]
    measured = ("–" if not results else
                "identisk vid alla N" if compared and len(compared) == len(results) and not differing else
                ", ".join(f"N = {r['n']}: {_identity_text(r.get('identitet'))}" for r in results))
    out.append(("varm ombyggnad byte-identisk med kall build (samma SOURCE_DATE_EPOCH)", measured,
                verdict(None if not results else (len(compared) == len(results) and not differing))))
    return out


def old_targets(results: list[dict]) -> list[tuple[str, str, str]]:
    """Targets of issue 6 that the benchmark still measures."""
    r5 = _by_n(results, 5000)

    def verdict(ok: bool | None) -> str:
        return "ej mätt" if ok is None else ("✔ uppfyllt" if ok else "✘ missat")

    kat = r5["katalog_gzip"] if r5 else None
    return [
        (f"`metodbank kontrollera` av hela banken, utan cache, vid 5 000 ≤ {TARGET_CHECK_5000:g} s",
         f"{r5['kontrollera']:.2f} s" if r5 else "–", verdict(r5["kontrollera"] <= TARGET_CHECK_5000 if r5 else None)),
        (f"filterkatalogen vid 5 000 ≤ {TARGET_KATALOG_5000 / 1e6:g} MB gzip",
         f"{kat / 1e3:.0f} kB" if kat else "–", verdict(kat <= TARGET_KATALOG_5000 if kat else None)),
    ]


MAIN_COLUMNS = ["N", "filer", "kall build (s)", "ren material kall (s)", "kall/ren", "CPU kall/ren",
                "ombyggnad (s)", "ombyggnad/ren", "ombyggnad efter titeländring (s)", "titeländring/ren",
                "sidcache träffar (färdiga) / missar", "varm = kall", "serve-slinga (s)",
                "toppminne (MB)", "Pagefind CPU kall/omb. (s)", "Whoosh CPU kall/en fil (s)",
                "kontrollera en fil (s)", "kontrollera hela (s)", "katalog gzip (kB)", "första sökning (kB)"]


def main_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        w = r.get("whoosh")
        pf = r.get("pagefind")
        cache = r.get("sidcache_varm")
        same = r.get("identitet")
        rows.append([
            f"{r['n']}", f"{r['filer']}", _s(r["vår"], 1), _s(r["ren"], 1), _s(r["kvot"]), _s(r.get("cpu_kvot")),
            _s(r["ombyggnad"], 1), _s(r.get("kvot_ombyggnad")),
            _s(r.get("ombyggnad_titel"), 1), _s(r.get("kvot_ombyggnad_titel")),
            f"{cache.get('träffar', 0):.0f} ({cache.get('färdiga', 0):.0f}) / {cache.get('missar', 0):.0f}"
            if cache else "–",
            _identity_text(same) if same else "–",
            _s(r.get("serve")) if r.get("serve") is not None else "fel",
            _mb(r["rss_vår"]),
            f"{_s(r.get('pagefind_cpu_kall'), 1)} / {_s(r.get('pagefind_cpu_varm'), 1)}",
            f"{_s(w.get('kall_cpu'), 1)} / {_s(w.get('en_fil_cpu'), 1)}" if w else "n/a",
            _s(r.get("kontrollera_fil")), _s(r["kontrollera"]),
            _kb(r["katalog_gzip"]), _kb(pf["gzip_byte"]) if pf else "n/a",
        ])
    return rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def md_table(header: list[str], rows: list[list[str]], align_right: bool = True) -> str:
    sep = ["---:" if align_right and i else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def render_markdown(results: list[dict], info: dict, command: str, runs: int) -> str:
    lines = [
        "# Prestanda: Metodbanken mot ren mkdocs-material",
        "",
        "<!-- Skapad av scripts/benchmark.py. Redigera inte för hand: kör `make bench` igen. -->",
        "",
        f"Kommando: `{command}` – median av {runs} körning{'ar' if runs != 1 else ''} per storlek.",
        "",
        "## Maskinen",
        "",
        md_table(["", ""], [
            ["Kod (commit)", info.get("kod", "–")], ["Processor", str(info["cpu"])], ["Kärnor", str(info["kärnor"])],
            ["Minne", f"{info['ram'] / 2**30:.1f} GiB" if info["ram"] else "–"], ["System", info["os"]],
            ["Python", info["python"]], ["MkDocs", info["mkdocs"]], ["mkdocs-material", info["mkdocs-material"]],
            ["Pagefind", info["pagefind"]], ["whoosh3", info["whoosh3"]], ["Datum", info["datum"]],
            ["Belastning vid start (1 min)", _s(info["last_vid_start"])],
        ], align_right=False),
        "",
        "## Resultat",
        "",
        "Belastningen (load average, 1 min) står per körning under Detaljer: på en delad maskin är de "
        "absoluta tiderna bara jämförbara inom en körning; kvoterna mot ren material mäts därför i samma "
        "körning. Före varje tidtagen körning skrivs det som tidigare steg skrev ut till disken (`sync`), "
        "så att en kall builds gigabyte inte skrivs ut medan nästa steg mäts.",
        "",
        md_table(MAIN_COLUMNS, main_rows(results)),
        "",
    ]
    g = growth(results)
    if g:
        lines += [f"Tillväxt: t({g[1]}) / t({g[0]}) = **{g[2]:.2f}** för vår kalla build "
                  f"(linjärt vore {g[1] / g[0]:g})."]
        small, large = _by_n(results, g[0]), _by_n(results, g[1])
        lines += [f"Ren material: t({g[1]}) / t({g[0]}) = {large['ren'] / small['ren']:.2f}. "
                  f"I CPU-tid: vår {large['cpu_vår'] / small['cpu_vår']:.2f}, "
                  f"ren {large['cpu_ren'] / small['cpu_ren']:.2f}.", ""]
    lines += [
        "Kolumnerna:",
        "",
        "- **kall build**: `mkdocs build` av hela banken med pluginet, kall (site/ och `.cache/` borttagna), "
        "utan rapporternas PDF:er (`rapport_pdf: false`: en export för sig, vars kostnad växer med "
        "observationerna i hela indexets rapport; se UTVECKLING.md, \"Reports as PDF\").",
        "- **ren material kall**: samma projekt-, metod- och systemfelsfiler byggda av mkdocs-material utan vårt "
        "plugin (samma tema, språk, Markdown-tillägg och sökplugin), navigering med bara startsidan, kall.",
        "- **kall/ren**: kall build / ren material kall (väggklocka), båda medianer; de körs omväxlande i varje "
        "körning.",
        "- **CPU kall/ren**: samma kvot i CPU-tid (user + sys för byggprocessen och dess barn, t.ex. Pagefind): "
        "tål en delad, belastad maskin bättre än väggklockan.",
        "- **ombyggnad**: en andra `mkdocs build` efter att en projektfil ändrats (en mening till i brödtexten), "
        "med cacherna från den kalla builden; **ombyggnad/ren** är den delad med ren material kall.",
        "- **ombyggnad efter titeländring**: en tredje `mkdocs build`, efter att samma projekts titel (i "
        "front-matter) också ändrats. Ett fält syns på andra sidor än projektets egen (listorna, metod- och "
        "systemfelssidorna som nämner projektet, \"Liknande\"): listsidorna renderas då om, och de sidor vars "
        "egna värden ändrats, medan en ändring i brödtexten bara når projektets sida. Serve-slingan mäter en "
        "ändring i brödtexten.",
        "- **sidcache träffar (färdiga) / missar**: sidcachens räkning i ombyggnaden (`METODBANK_TIMINGS=1`): "
        "sidor hämtade ur cachen (inom parentes de som publicerades som färdiga filer utan att gå genom MkDocs "
        "sidflöde) / renderade igen.",
        "- **varm = kall**: samma ändrade bank kopierad utan `.cache/` och byggd kall i en annan mapp, med samma "
        f"`SOURCE_DATE_EPOCH` ({SOURCE_DATE_EPOCH}) som ombyggnaden; de två site-träden jämförs byte för byte. "
        "\"identisk\", eller antalet filer som skiljer sig eller bara finns i det ena (sämsta körningen).",
        "- **serve-slinga**: `mkdocs serve` (med livereload) på banken, på en ledig port; tiden från att "
        "projektfilen sparas (skrivs och får ny mtime) tills servern svarar med den nya texten på projektets "
        f"sida, som hämtas var {SERVE_POLL * 1000:.0f}:e ms (servern håller en förfrågan medan den bygger).",
        "- **toppminne**: största residenta minnet (RSS) för byggprocessen och de processer den startat (Pagefind), "
        "summerat över processträdet (samplat var 0,2 s; en process som just startats med fork men ännu inte "
        "bytt program delar förälderns minne och räknas inte två gånger) eller, om större, den största enskilda "
        "processen; det största av kall build och de två ombyggnaderna.",
        "- **Pagefind CPU kall/omb.**: Pagefind-delarnas CPU-tid (user + sys) i den kalla builden och i "
        "ombyggnaden, ur byggets egen rapport (`pagefind.cpu_seconds`).",
        "- **Whoosh CPU kall/en fil**: Whoosh ingår inte längre i webbplatsbygget; `metodbank sök` bygger sitt "
        "index vid behov under `.cache/metodbank/sok`. Här: CPU-tiden för `metodbank.search.index.build_index` "
        "från en redan inläst bank, från noll och efter en ändrad fil (egen process, egen mätning).",
        "- **kontrollera en fil**: `metodbank kontrollera projekt/<fil>` i bankens mapp, direkt efter att filen "
        "ändrats, med cacherna från den kalla builden (pre-commit-vägen; hela kommandot med Pythons uppstart).",
        "- **kontrollera hela**: `metodbank kontrollera` av hela banken utan cache.",
        "- **katalog gzip**: `data/katalog.json` (filtersidan) komprimerad med gzip -6.",
        "- **första sökning**: allt under `pagefind/` som Chromium hämtar för en första sökning på `/sok/?q=…` "
        "(gzip -6 per fil; Pagefinds redan komprimerade filer räknas med sin egen storlek).",
        "",
        "## Mål",
        "",
        "Issue 18 (2 kärnor, kvoterna mätta i samma körning):",
        "",
        md_table(["Mål", "Mätt", "Utfall"], [list(t) for t in targets(results)], align_right=False),
        "",
        "Äldre mål (issue 6) som fortfarande mäts:",
        "",
        md_table(["Mål", "Mätt", "Utfall"], [list(t) for t in old_targets(results)], align_right=False),
        "",
        "## Detaljer per storlek",
        "",
    ]
    for r in results:
        lines += [f"### N = {r['n']}", ""]
        lines += [f"{r['antal']['projekt']} projekt, {r['antal']['metoder']} metoder, {r['antal']['systemfel']} "
                  f"systemfel; {r['sidor_vår']} HTML-sidor i vår site, {r['sidor_ren']} i den rena. "
                  f"Banken skapades på {r['generering_s']:.1f} s. Den ändrade filen: `{r.get('ändrad_fil', '–')}`.",
                  ""]
        lines += [md_table(["Körning", "kall (s)", "ren (s)", "kvot", "CPU kall/ren (s)", "ombyggnad (s)",
                            "CPU omb. (s)", "sidcache omb.", "varm = kall", "kall kopia (s)", "serve start/slinga (s)",
                            "plugin kall/omb. (s)", "kontrollera fil/hela/hela igen (s)",
                            "toppminne kall/omb./ren/serve (MB)", "belastning"],
                           [_run_row(i, k) for i, k in enumerate(r["körningar"], 1)]), ""]
        for problem in r.get("fel", []):
            lines += [f"**Fel:** {problem.splitlines()[-1] if problem.strip() else problem}", ""]
        for i, k in enumerate(r["körningar"], 1):
            if k.get("kod_ändrad"):
                lines += [f"**Obs:** koden under `plugins/` ändrades under körning {i}, så sidcachen kan ha börjat "
                          "om mitt i: den körningens ombyggnad är inte jämförbar.", ""]
        same = r.get("identitet")
        if same and same["skillnader"]:
            lines += [f"Filer som skiljer mellan ombyggnaden och den kalla builden ({same['skillnader']} av "
                      f"{same['filer']}, de första): " + ", ".join(f"`{name}`" for name in same["exempel"]), ""]
        timeline = list(dict.fromkeys([*r.get("tidslinje_kall", {}), *r.get("tidslinje_varm", {})]))
        if timeline:
            lines += ["Var tiden går (median, s; \"mkdocs mellan krokarna\" är MkDocs eget arbete medan pluginet "
                      "inte kör: läsa filer, Markdown, mallar, skriva sidor):", ""]
            lines += [md_table(["Del", "kall", "ombyggnad"],
                               [[t, _s(r["tidslinje_kall"].get(t)), _s(r["tidslinje_varm"].get(t))]
                                for t in timeline]), ""]
        hooks = list(dict.fromkeys([*r["krokar_kall"], *r["krokar_varm"]]))
        if hooks:
            lines += ["Tid i pluginets krokar (median, s):", ""]
            lines += [md_table(["Krok", "kall", "ombyggnad"],
                               [[h, _s(r["krokar_kall"].get(h)), _s(r["krokar_varm"].get(h))] for h in hooks]), ""]
        titled = r.get("faser_titel") or {}
        phases = list(dict.fromkeys([*r["faser_kall"], *r["faser_varm"], *titled]))
        if phases:
            lines += ["Kärnans egna faser (`METODBANK_TIMINGS=1`, median, s):", ""]
            lines += [md_table(["Fas", "kall", "ombyggnad", "efter titeländring"],
                               [[p, _s(r["faser_kall"].get(p)), _s(r["faser_varm"].get(p)), _s(titled.get(p))]
                                for p in phases]), ""]
        last = r["körningar"][-1]
        cold, warm = last.get("pagefind_kall"), last.get("pagefind_varm") or {}
        if cold:
            lines += [f"Pagefind i {cold['parts']} delar (sista körningen): kall {cold['indexed']} delar indexerade "
                      f"på {cold['seconds']:.2f} s (CPU {cold['cpu_seconds']:.2f} s), varav {cold['wait_seconds']:.2f} s "
                      f"väntan i slutet; ombyggnad {warm.get('indexed', '–')} indexerade, {warm.get('cached', '–')} "
                      f"från cachen, {_s(warm.get('seconds'))} s (CPU {_s(warm.get('cpu_seconds'))} s).", ""]
        if last.get("cache_byte"):
            lines += [f"Cachen `.cache/metodbank/` efter ombyggnaden (sista körningen): "
                      f"{last['cache_byte'] / 1e6:.0f} MB (det publiceringsflödet och pull requesterna sparar "
                      "mellan byggena med `actions/cache`).", ""]
        served = last.get("serve") or {}
        if served.get("sekunder") is not None:
            text = (f"Serve-slingan (sista körningen): `mkdocs serve` svarade efter {served['start']:.1f} s "
                    f"(första bygget); den sparade ändringen syntes efter {served['sekunder']:.2f} s och "
                    f"{served['förfrågningar']} förfrågningar; servern stoppades med {served.get('stopp')}.")
            if served.get("sidcache"):
                phases = served.get("faser") or {}
                top = sorted(phases.items(), key=lambda item: -item[1])[:3]
                text += (f" Serverns ombyggnad: {_cache_text(served['sidcache'])}; största faser "
                         + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in top) + ".")
            lines += [text, ""]
        w = r.get("whoosh")
        if w:
            lines += [f"Whoosh (`metodbank sök`s index, utanför webbplatsbygget): {w.get('dokument')} dokument "
                      f"indexerade på {w['kall']:.2f} s (CPU {_s(w.get('kall_cpu'))} s); efter en ändrad fil "
                      f"{w['en_fil']:.2f} s (CPU {_s(w.get('en_fil_cpu'))} s, {w.get('omindexerade', '–')} "
                      f"dokument omindexerade); toppminne {_mb(w.get('rss'))} MB.", ""]
        else:
            lines += ["Whoosh: n/a (`metodbank.search.index.build_index` finns inte).", ""]
        lines += [f"Storlekar (gzip): katalog {_kb(r['katalog_gzip'])} kB (okomprimerad {_kb(r['katalog_byte'])} kB); "
                  f"mkdocs-materials egna sökindex `search/search_index.json` {_kb(r['lunr_ren_gzip'])} kB i den rena "
                  f"builden (hämtas vid första sökningen där), {_kb(r['lunr_vår_gzip'])} kB i vår (hämtas aldrig: "
                  f"sökrutan går till Pagefind).", ""]
        pf = r.get("pagefind")
        if pf:
            lines += [f"Första Pagefind-sökningen (`{pf['fråga']}`, {pf['träffar_visade']} träffar visade): "
                      f"{pf['filer']} filer, {pf['gzip_byte'] / 1e3:.0f} kB.", ""]
            lines += [md_table(["Del", "filer", "kB okomprimerat", "kB överfört"],
                               [[k, str(v["filer"]), _kb(v["råa_byte"]), _kb(v["gzip_byte"])]
                                for k, v in sorted(pf["delar"].items())]), ""]
        else:
            lines += ["Första Pagefind-sökningen: n/a (ingen Chromium, Playwright eller pagefind/-mapp).", ""]
    return "\n".join(lines).rstrip() + "\n"


def _run_row(number: int, k: dict) -> list[str]:
    cache = k.get("sidcache_varm")
    served = k.get("serve") or {}
    return [
        str(number), _s(k["vår"]), _s(k["ren"]), _s(k["vår"] / k["ren"]),
        f"{k['cpu_vår']:.1f} / {k['cpu_ren']:.1f}", _s(k["ombyggnad"]) if k["ombyggnad"] else "fel",
        _s(k.get("cpu_ombyggnad"), 1),
        f"{cache.get('träffar', 0)} ({cache.get('färdiga', 0)}) / {cache.get('missar', 0)}, mallar "
        f"{cache.get('sidmallar', '–')}" if cache else "–",
        _identity_text({**k["identitet"], "kod_ändrad": k.get("kod_ändrad")} if k.get("identitet") else None),
        _s((k.get("identitet") or {}).get("sekunder")),
        f"{_s(served.get('start'), 1)} / {_s(served.get('sekunder')) if served.get('sekunder') is not None else 'fel'}",
        f"{_s(k['plugin_kall'])} / {_s(k['plugin_varm'])}",
        f"{_s(k.get('kontrollera_fil'))} / {k['kontrollera']:.2f} / {k['kontrollera_varm']:.2f}",
        f"{_mb(k['rss_vår'])} / {_mb(k['rss_ombyggnad'])} / {_mb(k['rss_ren'])} / {_mb(served.get('rss'))}",
        _s(k.get("belastning"), 1),
    ]


# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description="Prestandamätning: Metodbanken mot ren mkdocs-material.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="antal projekt, kommaseparerat (standard 1000,5000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="körningar per storlek; medianen rapporteras (standard 3)")
    parser.add_argument("--quick", action="store_true", help="snabbkoll: N = 50, en körning")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md", help="rapportfil (standard BENCHMARKS.md)")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-out", help="arbetsmapp (standard bench-out/)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--query", default="arbete", help="sökfrågan för Pagefind-mätningen (standard 'arbete')")
    parser.add_argument("--chromium", default=CHROMIUM, help=f"Chromium för Pagefind-mätningen (standard {CHROMIUM})")
    parser.add_argument("--no-browser", action="store_true", help="hoppa över Pagefind-mätningen i Chromium")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profilera en kall build och en ombyggnad vid storlek N (pyinstrument)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "50", 1
    # The builds run inside the generated banks: relative paths would point nowhere there.
    args.workdir, args.output = args.workdir.resolve(), args.output.resolve()
    try:
        args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes ska vara heltal, t.ex. 1000,5000")
    if not args.sizes or min(args.sizes) < 1 or args.runs < 1:
        parser.error("--sizes och --runs måste vara minst 1")
    if args.profile is not None:
        if args.profile not in args.sizes:
            parser.error("--profile N: N måste vara en av --sizes")
        try:
            import pyinstrument  # noqa: F401
        except ImportError:
            parser.error("--profile kräver pyinstrument: .venv/bin/pip install pyinstrument")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_mkdocs"]:
        _mkdocs_main(argv[1:])
        return 0
    args = parse_args(argv)
    info = machine()
    print(f"benchmark: {info['cpu']}, {info['kärnor']} kärnor; storlekar {args.sizes}, {args.runs} körning(ar)",
          file=sys.stderr, flush=True)
    command = f"python scripts/benchmark.py --sizes {','.join(map(str, args.sizes))} --runs {args.runs}"
    if args.query != "arbete":
        command += f" --query {args.query}"
    raw = args.workdir / "resultat.json"
    compile_code()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        results.append(measure(n, args.runs, args.workdir / f"n{n}", args.seed, args.query,
                               None if args.no_browser else args.chromium, args.profile == n,
                               log=lambda m: print(m, file=sys.stderr, flush=True)))
        # Written after every size, so a long run that is stopped still leaves its results.
        raw.write_text(json.dumps({"maskin": info, "resultat": results}, ensure_ascii=False, indent=1,
                                  default=str), "utf-8")
        args.output.write_text(render_markdown(results, info, command, args.runs), "utf-8")
    print()
    print(text_table(MAIN_COLUMNS, main_rows(results)))
    g = growth(results)
    if g:
        print(f"\ntillväxt t({g[1]})/t({g[0]}) = {g[2]:.2f}")
    print()
    for target, measured, verdict in [*targets(results), *old_targets(results)]:
        print(f"{verdict:12}  {target}: {measured}")
    print(f"\nrapport: {args.output}   rådata: {raw}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
