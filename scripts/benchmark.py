#!/usr/bin/env python3
"""Benchmark Metodbanken against plain mkdocs-material on the same Markdown.

    python scripts/benchmark.py [--sizes 1000,5000,10000] [--runs 3] [--quick]
                                [--output BENCHMARKS.md] [--workdir bench-out]

For every size N it generates a synthetic bank once (``generate_bank.py``)
and then, in the same run:

(a) builds it with our full ``mkdocs build`` from cold (site and caches
    removed), and again after one project file changed (caches warm);
(b) builds the same project, metod and systemfel Markdown files with plain
    mkdocs-material: same theme, language, Markdown extensions and search
    plugin, no plugin of ours, a nav with the start page only.

It also times ``metodbank kontrollera`` alone, the Whoosh index alone
(``metodbank.search.index.build_index``, when it exists), records the peak
memory of the build (the largest resident set of the build process or any
process it waited for, e.g. Pagefind), the time spent inside our plugin's
hooks (cold and warm; the plugin's own phase timings via
``METODBANK_TIMINGS=1`` when it reports them), the gzip size of
``data/katalog.json``, and, in a real headless Chromium, what a browser
downloads for a first Pagefind search.

Timings are the median of ``--runs`` runs; a and b are interleaved in every
run, so the ratio a/b is measured under the same machine load. The table is
printed and written, with the machine it ran on, to ``--output``
(BENCHMARKS.md by default): that file is generated, never edited by hand.

``--profile N`` additionally profiles one cold build at size N with
pyinstrument (``pip install pyinstrument``), writing text and HTML reports
to the work directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
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

# The targets (issue 6), checked in the report.
TARGET_RATIO_5000 = 1.15
TARGET_GROWTH = 11.0
TARGET_CHECK_5000 = 3.0
TARGET_WARM_SHARE = 0.20
TARGET_RSS_10000 = 1.5e9
TARGET_KATALOG_5000 = 1_000_000


# --------------------------------------------------------------------------
# Running a build in a child process, timed, with our hooks measured


def run_timed(cmd: list[str], cwd: Path, env: dict | None = None, log: Path | None = None) -> dict:
    """Run ``cmd``; wall time, peak RSS (this process or any it waited for) and output."""
    log = log or cwd.parent / f".log-{cwd.name}"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=environment, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeMemory(proc.pid)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            sampler.stop()
        seconds = time.perf_counter() - started
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
            "stdout": stdout, "stderr": stderr}


class TreeMemory:
    """Samples the resident memory of a process and all its descendants (Linux /proc)."""

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
            total, todo = 0, [self.pid]
            while todo:
                pid = todo.pop()
                todo.extend(children.get(pid, ()))
                try:
                    with open(f"/proc/{pid}/statm", "rb") as handle:
                        total += int(handle.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)


def mkdocs_build(project: Path, site: Path, instrument: bool, profile: Path | None = None) -> dict:
    """One ``mkdocs build`` through this script's ``_mkdocs`` mode (same launcher for a and b)."""
    hooks = project.parent / f".hooks-{project.name}.json"
    hooks.unlink(missing_ok=True)
    cmd = [sys.executable, str(SCRIPT), "_mkdocs", str(hooks)]
    if instrument:
        cmd.append("--instrument")
    if profile:
        cmd += ["--profile", str(profile)]
    cmd += ["--", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    result = run_timed(cmd, project, env={"METODBANK_TIMINGS": "1"} if instrument else None,
                       log=project.parent / f".log-{project.name}")
    result["hooks"] = json.loads(hooks.read_text("utf-8")) if hooks.is_file() else {}
    result["faser"] = _plugin_phases(result["stderr"])
    return result


def _background_seconds(report: dict) -> float | None:
    """Seconds of the Whoosh job the plugin ran in a background process, if it reported them."""
    job = (report.get("antal") or {}).get("whoosh")
    seconds = job.get("seconds") if isinstance(job, dict) else None
    return float(seconds) if isinstance(seconds, (int, float)) else None


def _plugin_work(build: dict) -> float | None:
    """The plugin's work in one build, whichever core it ran on: the time in
    its hooks, less what the hooks spent waiting for its background jobs,
    plus those jobs' own time (the Whoosh process, the Pagefind parts)."""
    if build.get("seconds") is None:
        return None
    hooks = sum(build["hooks"].get("sekunder", {}).values())
    report = build.get("faser") or {}
    counts = report.get("antal") or {}
    parts = counts.get("pagefind") or {}
    waits = (report.get("faser") or {}).get("whoosh", 0.0) + parts.get("wait_seconds", 0.0)
    return hooks - waits + (_background_seconds(report) or 0.0) + parts.get("seconds", 0.0)


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
            setattr(cls, name, _timed(getattr(cls, name), name, spent, calls))

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
        hooks_path.write_text(json.dumps({"sekunder": spent, "anrop": calls}), "utf-8")

    atexit.register(write)
    from mkdocs.__main__ import cli

    sys.argv = ["mkdocs", *mkdocs_args]
    cli()


def _timed(method, name: str, spent: dict, calls: dict):
    import functools

    @functools.wraps(method)  # keeps mkdocs' event priority attributes
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            calls[name] = calls.get(name, 0) + 1

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


def kontrollera(bank: Path) -> float:
    metodbank = Path(sys.executable).with_name("metodbank")
    cmd = [str(metodbank)] if metodbank.exists() else [sys.executable, "-m", "metodbank.cli"]
    return run_timed(cmd + ["kontrollera", "-q"], bank, env={"CI": "1"})["seconds"]


WHOOSH_PROBE = r"""
import json, shutil, sys, time
from pathlib import Path
root, index_dir, changed = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
try:
    from metodbank.search.index import build_index
except ImportError:
    print(json.dumps(None)); sys.exit(0)
from metodbank.bank import load_bank
from metodbank.settings import read_settings
vocab = read_settings(root / "mkdocs.yml").vocab
bank = load_bank(root, vocab)
shutil.rmtree(index_dir, ignore_errors=True)
t = time.perf_counter(); stats = build_index(bank, index_dir, rebuild=True); cold = time.perf_counter() - t
original = changed.read_text("utf-8")
try:
    changed.write_text(original + "\nEtt tillägg om arbetsgivarkontakter efter projektets slut.\n", "utf-8")
    bank = load_bank(root, vocab)
    t = time.perf_counter(); build_index(bank, index_dir); one = time.perf_counter() - t
finally:
    changed.write_text(original, "utf-8")
print(json.dumps({"kall": cold, "en_fil": one, "dokument": getattr(stats, "documents", None)}))
"""


def whoosh(bank: Path, work: Path, changed: Path) -> dict | None:
    result = run_timed([sys.executable, "-c", WHOOSH_PROBE, str(bank), str(work / "whoosh-index"), str(changed)],
                       work, env={"CI": "1"}, log=work / ".whoosh-log")
    shutil.rmtree(work / "whoosh-index", ignore_errors=True)
    return json.loads(result["stdout"].strip().splitlines()[-1])


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
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
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
    generated = time.perf_counter() - started
    log(f"  N={n}: banken skapad på {generated:.1f} s ({counts['projekt']} projekt, {counts['metoder']} metoder, "
        f"{counts['systemfel']} systemfel)")
    plain_project(bank, plain)
    # A work folder from an earlier run still holds that run's site and
    # caches: they must go with every clean, or "cold" builds would be warm.
    keep_bank = {e.name for e in bank.iterdir()} - BUILD_LEFTOVERS
    keep_plain = {e.name for e in plain.iterdir()} - BUILD_LEFTOVERS
    changed = sorted((bank / "projekt").glob("*.md"))[n // 2]
    original = changed.read_text("utf-8")

    result = {"n": n, "filer": sum(counts.values()), "antal": counts, "generering_s": generated, "körningar": []}
    for run in range(1, runs + 1):
        clean(plain, keep_plain)
        b = mkdocs_build(plain, plain / "site", instrument=False)
        clean(bank, keep_bank)
        a = mkdocs_build(bank, bank / "site", instrument=True)
        changed.write_text(original + "\nEtt tillägg om arbetsgivarkontakter efter projektets slut.\n", "utf-8")
        try:
            warm = mkdocs_build(bank, bank / "site", instrument=True)
        except SystemExit as exc:  # a failing rebuild is a finding, not a reason to lose the run
            log(f"  N={n}: ombyggnaden misslyckades:\n{str(exc)[-2000:]}")
            result.setdefault("fel", []).append(f"ombyggnad, körning {run}: {str(exc)[-600:]}")
            warm = {"seconds": None, "cpu": None, "maxrss": 0, "hooks": {}, "faser": {}}
        finally:
            changed.write_text(original, "utf-8")
        clean(bank, keep_bank)
        check_cold = kontrollera(bank)
        check_warm = kontrollera(bank)
        row = {
            "vår": a["seconds"], "ren": b["seconds"], "ombyggnad": warm["seconds"],
            "cpu_vår": a["cpu"], "cpu_ren": b["cpu"], "cpu_ombyggnad": warm["cpu"],
            "rss_vår": a["maxrss"], "rss_ombyggnad": warm["maxrss"], "rss_ren": b["maxrss"],
            "plugin_kall": _plugin_work(a), "plugin_varm": _plugin_work(warm),
            "krokar_kall": a["hooks"].get("sekunder", {}), "krokar_varm": warm["hooks"].get("sekunder", {}),
            "faser_kall": a["faser"].get("faser", {}), "faser_varm": warm["faser"].get("faser", {}),
            # Work the plugin hands to a background process (the Whoosh index), as it reports it.
            "bakgrund_kall": _background_seconds(a["faser"]), "bakgrund_varm": _background_seconds(warm["faser"]),
            "whoosh_kall": (a["faser"].get("antal") or {}).get("whoosh"),
            "pagefind_kall": (a["faser"].get("antal") or {}).get("pagefind"),
            "pagefind_varm": (warm["faser"].get("antal") or {}).get("pagefind"),
            "kontrollera": check_cold, "kontrollera_varm": check_warm,
            "belastning": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        }
        result["körningar"].append(row)
        log(f"  N={n} körning {run}/{runs}: vår {a['seconds']:.1f} s, ren {b['seconds']:.1f} s "
            f"(kvot {a['seconds'] / b['seconds']:.2f}; CPU {a['cpu']:.0f}/{b['cpu']:.0f} s), "
            f"ombyggnad {_s(warm['seconds'], 1)} s, plugin kall/varm {row['plugin_kall']:.1f}/"
            f"{_s(row['plugin_varm'], 1)} s, kontrollera {check_cold:.2f} s")

    rows = result["körningar"]
    def med(key):
        values = [r[key] for r in rows if r[key] is not None]
        return statistics.median(values) if values else None

    for key in ("vår", "ren", "ombyggnad", "plugin_kall", "plugin_varm", "kontrollera", "kontrollera_varm",
                "cpu_vår", "cpu_ren", "cpu_ombyggnad"):
        result[key] = med(key)
    result["kvot"] = result["vår"] / result["ren"]
    result["cpu_kvot"] = result["cpu_vår"] / result["cpu_ren"] if result["cpu_ren"] else None
    result["rss_vår"] = max(max(r["rss_vår"], r["rss_ombyggnad"]) for r in rows)
    result["rss_ren"] = max(r["rss_ren"] for r in rows)
    result["varm_andel"] = (result["plugin_varm"] / result["plugin_kall"]
                            if result["plugin_kall"] and result["plugin_varm"] is not None else None)
    result["krokar_kall"] = _median_dict([r["krokar_kall"] for r in rows])
    result["krokar_varm"] = _median_dict([r["krokar_varm"] for r in rows])
    result["faser_kall"] = _median_dict([r["faser_kall"] for r in rows])
    result["faser_varm"] = _median_dict([r["faser_varm"] for r in rows])
    result["bakgrund_kall"] = med("bakgrund_kall")
    result["bakgrund_varm"] = med("bakgrund_varm")

    # Sizes, from a fresh build of ours (also leaves a site to search in).
    clean(bank, keep_bank)
    mkdocs_build(bank, bank / "site", instrument=False)
    katalog = bank / "site" / "data" / "katalog.json"
    result["katalog_byte"] = katalog.stat().st_size if katalog.is_file() else None
    result["katalog_gzip"] = gz(katalog.read_bytes()) if katalog.is_file() else None
    ours_lunr = bank / "site" / "search" / "search_index.json"
    result["lunr_vår_gzip"] = gz(ours_lunr.read_bytes()) if ours_lunr.is_file() else None
    plain_lunr = plain / "site" / "search" / "search_index.json"
    result["lunr_ren_gzip"] = gz(plain_lunr.read_bytes()) if plain_lunr.is_file() else None
    result["sidor_vår"] = sum(1 for _ in (bank / "site").rglob("*.html"))
    result["sidor_ren"] = sum(1 for _ in (plain / "site").rglob("*.html"))
    result["pagefind"] = pagefind_payload(bank / "site", query, chromium) if chromium else None

    # Whoosh alone (in its own process, with the bank already loaded).
    result["whoosh"] = whoosh(bank, work, changed)

    if profile:
        clean(bank, keep_bank)
        out = work / f"profil-{n}"
        mkdocs_build(bank, bank / "site", instrument=False, profile=out)
        result["profil"] = str(out.with_suffix(".txt"))
        log(f"  N={n}: profil skriven till {out.with_suffix('.txt')} och .html")
    return result


def _median_dict(dicts: list[dict]) -> dict:
    keys = list(dict.fromkeys(k for d in dicts for k in d))
    return {k: statistics.median(d.get(k, 0.0) for d in dicts) for k in keys}


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
    """(target, measured, verdict) for the issue's targets."""
    out = []

    def verdict(ok: bool | None) -> str:
        return "ej mätt" if ok is None else ("✔ uppfyllt" if ok else "✘ missat")

    r5, r10 = _by_n(results, 5000), _by_n(results, 10000)
    out.append((f"full build vid 5 000 ≤ {TARGET_RATIO_5000} × ren material",
                f"{r5['kvot']:.2f} ×" if r5 else "–", verdict(r5["kvot"] <= TARGET_RATIO_5000 if r5 else None)))
    g = growth(results)
    real_growth = g if g and (g[0], g[1]) == (1000, 10000) else None
    out.append((f"t(10 000) ≤ {TARGET_GROWTH:g} × t(1 000)",
                f"{real_growth[2]:.2f} ×" if real_growth else "–",
                verdict(real_growth[2] <= TARGET_GROWTH if real_growth else None)))
    out.append((f"metodbank kontrollera vid 5 000 ≤ {TARGET_CHECK_5000:g} s",
                f"{r5['kontrollera']:.2f} s" if r5 else "–",
                verdict(r5["kontrollera"] <= TARGET_CHECK_5000 if r5 else None)))
    largest = max(results, key=lambda r: r["n"]) if results else None
    share = largest["varm_andel"] if largest else None
    out.append((f"pluginets arbete vid ombyggnad ≤ {TARGET_WARM_SHARE:.0%} av kall build (N = {largest['n'] if largest else '–'})",
                f"{share:.0%}" if share is not None else "–", verdict(share <= TARGET_WARM_SHARE if share is not None else None)))
    out.append((f"toppminne vid 10 000 ≤ {TARGET_RSS_10000 / 1e9:g} GB",
                f"{r10['rss_vår'] / 1e9:.2f} GB" if r10 else "–",
                verdict(r10["rss_vår"] <= TARGET_RSS_10000 if r10 else None)))
    kat = r5["katalog_gzip"] if r5 else None
    out.append((f"filterkatalogen vid 5 000 ≤ {TARGET_KATALOG_5000 / 1e6:g} MB gzip",
                f"{kat / 1e3:.0f} kB" if kat else "–", verdict(kat <= TARGET_KATALOG_5000 if kat else None)))
    return out


MAIN_COLUMNS = ["N", "filer", "vår build (s)", "ren material (s)", "kvot a/b", "CPU-kvot", "toppminne (MB)",
                "kontrollera (s)", "Whoosh (s)", "ombyggnad (s)", "plugin kall/varm (s)", "varm/kall",
                "katalog gzip (kB)", "första sökning (kB)"]


def main_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        w = r.get("whoosh")
        pf = r.get("pagefind")
        rows.append([
            f"{r['n']}", f"{r['filer']}", _s(r["vår"], 1), _s(r["ren"], 1), _s(r["kvot"]), _s(r.get("cpu_kvot")),
            _mb(r["rss_vår"]),
            _s(r["kontrollera"]), _s(w["kall"]) if w else "n/a", _s(r["ombyggnad"], 1),
            f"{r['plugin_kall']:.1f} / {_s(r['plugin_varm'], 1)}",
            f"{r['varm_andel']:.0%}" if r["varm_andel"] is not None else "–",
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
        "absoluta tiderna bara jämförbara inom en körning; kvoten a/b mäts därför i samma körning.",
        "",
        md_table(MAIN_COLUMNS, main_rows(results)),
        "",
    ]
    g = growth(results)
    if g:
        lines += [f"Tillväxt: t({g[1]}) / t({g[0]}) = **{g[2]:.2f}** för vår build "
                  f"(linjärt vore {g[1] / g[0]:g})."]
        small, large = _by_n(results, g[0]), _by_n(results, g[1])
        lines += [f"Ren material: t({g[1]}) / t({g[0]}) = {large['ren'] / small['ren']:.2f}. "
                  f"I CPU-tid: vår {large['cpu_vår'] / small['cpu_vår']:.2f}, "
                  f"ren {large['cpu_ren'] / small['cpu_ren']:.2f}.", ""]
    lines += [
        "Kolumnerna:",
        "",
        "- **vår build**: `mkdocs build` av hela banken med pluginet, kall (site/ och cacher borttagna).",
        "- **ren material**: samma projekt-, metod- och systemfelsfiler byggda av mkdocs-material utan vårt "
        "plugin (samma tema, språk, Markdown-tillägg och sökplugin), navigering med bara startsidan.",
        "- **kvot a/b**: vår build / ren material (väggklocka), båda medianer; a och b körs omväxlande i varje "
        "körning.",
        "- **CPU-kvot**: samma kvot i CPU-tid (user + sys för byggprocessen och dess barn): tål en delad, "
        "belastad maskin bättre än väggklockan.",
        "- **toppminne**: största residenta minnet (RSS) för byggprocessen och de processer den startat (Pagefind), summerat över processträdet (samplat var 0,2 s) eller, om större, den största enskilda processen.",
        "- **kontrollera**: `metodbank kontrollera` ensam, utan cache (hela kommandot, med Pythons uppstart).",
        "- **Whoosh**: att bygga sökindexet från en redan inläst bank (`metodbank.search.index.build_index`).",
        "- **ombyggnad**: en andra `mkdocs build` efter att en projektfil ändrats, med varma cacher.",
        "- **plugin kall/varm**: pluginets arbete i den kalla builden och i ombyggnaden: tid i krokarna (`on_*`) "
        "minus deras väntan på bakgrundsjobben, plus jobbens egen tid (Whoosh-processen och Pagefind-delarna), "
        "på vilken kärna det än körde.",
        "- **katalog gzip**: `data/katalog.json` (filtersidan) komprimerad med gzip -6.",
        "- **första sökning**: allt under `pagefind/` som Chromium hämtar för en första sökning på `/sok/?q=…` "
        "(gzip -6 per fil; Pagefinds redan komprimerade filer räknas med sin egen storlek).",
        "",
        "## Mål (issue 6)",
        "",
        md_table(["Mål", "Mätt", "Utfall"], [list(t) for t in targets(results)], align_right=False),
        "",
        "## Detaljer per storlek",
        "",
    ]
    for r in results:
        lines += [f"### N = {r['n']}", ""]
        lines += [f"{r['antal']['projekt']} projekt, {r['antal']['metoder']} metoder, {r['antal']['systemfel']} "
                  f"systemfel; {r['sidor_vår']} HTML-sidor i vår site, {r['sidor_ren']} i den rena. "
                  f"Banken skapades på {r['generering_s']:.1f} s.", ""]
        lines += [md_table(["Körning", "vår (s)", "ren (s)", "kvot", "CPU vår/ren (s)", "ombyggnad (s)",
                            "plugin kall (s)",
                            "plugin varm (s)", "kontrollera kall/varm (s)", "toppminne vår/ren (MB)",
                            "belastning"],
                           [[str(i), _s(k["vår"]), _s(k["ren"]), _s(k["vår"] / k["ren"]),
                             f"{k['cpu_vår']:.1f} / {k['cpu_ren']:.1f}", _s(k["ombyggnad"]) if k["ombyggnad"] else "fel",
                             _s(k["plugin_kall"]), _s(k["plugin_varm"]),
                             f"{k['kontrollera']:.2f} / {k['kontrollera_varm']:.2f}",
                             f"{_mb(max(k['rss_vår'], k['rss_ombyggnad']))} / {_mb(k['rss_ren'])}",
                             _s(k.get("belastning"), 1)]
                            for i, k in enumerate(r["körningar"], 1)]), ""]
        for problem in r.get("fel", []):
            lines += [f"**Fel:** {problem.splitlines()[-1] if problem.strip() else problem}", ""]
        hooks = list(dict.fromkeys([*r["krokar_kall"], *r["krokar_varm"]]))
        if hooks:
            lines += ["Tid i pluginets krokar (median, s):", ""]
            lines += [md_table(["Krok", "kall", "varm"],
                               [[h, _s(r["krokar_kall"].get(h)), _s(r["krokar_varm"].get(h))] for h in hooks]), ""]
        phases = list(dict.fromkeys([*r["faser_kall"], *r["faser_varm"]]))
        if phases:
            lines += ["Pluginets egna faser (`METODBANK_TIMINGS=1`, median, s):", ""]
            lines += [md_table(["Fas", "kall", "varm"],
                               [[p, _s(r["faser_kall"].get(p)), _s(r["faser_varm"].get(p))] for p in phases]), ""]
            if r.get("bakgrund_kall") is not None:
                lines += [f"Whoosh-indexet i bakgrundsprocessen under builden (egen rapport, median): kall "
                          f"{r['bakgrund_kall']:.2f} s, varm {_s(r.get('bakgrund_varm'))} s – på den andra kärnan, "
                          "så det syns i CPU-tiden mer än i väggklockan.", ""]
            last = r["körningar"][-1]
            cold, warm = last.get("pagefind_kall"), last.get("pagefind_varm") or {}
            if cold:
                lines += [f"Pagefind i {cold['parts']} delar (sista körningen): kall {cold['indexed']} delar indexerade "
                          f"på {cold['seconds']:.2f} s (CPU {cold['cpu_seconds']:.2f} s), varav {cold['wait_seconds']:.2f} s "
                          f"väntan i slutet; varm {warm.get('indexed', '–')} indexerade, {warm.get('cached', '–')} "
                          f"från cachen, {_s(warm.get('seconds'))} s.", ""]
        w = r.get("whoosh")
        if w:
            lines += [f"Whoosh: {w.get('dokument')} dokument indexerade på {w['kall']:.2f} s; "
                      f"uppdatering efter en ändrad fil {w['en_fil']:.2f} s.", ""]
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
    parser.add_argument("--profile", type=int, metavar="N", help="profilera en kall build vid storlek N (pyinstrument)")
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
    for target, measured, verdict in targets(results):
        print(f"{verdict:12}  {target}: {measured}")
    print(f"\nrapport: {args.output}   rådata: {raw}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
