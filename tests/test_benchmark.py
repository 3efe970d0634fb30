"""Fast checks of the benchmark tooling (issue 6).

The timings themselves live in ``make bench`` (BENCHMARKS.md), never in a
timed test: here we only check that the synthetic bank is valid content and
that the benchmark runs end to end.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from repo_helpers import REPO

SCRIPTS = REPO / "scripts"
PYTHON = sys.executable
METODBANK = Path(PYTHON).with_name("metodbank")
ENV = {**os.environ, "CI": "1", "NO_MKDOCS_2_WARNING": "1"}


def generate(out: Path, n: int, seed: int = 1) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(SCRIPTS / "generate_bank.py"), str(out), "--projekt", str(n), "--seed", str(seed)],
                          capture_output=True, text=True, env=ENV, timeout=120)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def test_generated_bank_passes_the_checker(tmp_path):
    bank = tmp_path / "bank"
    result = generate(bank, 30)
    assert result.returncode == 0, result.stderr
    assert len(list((bank / "projekt").glob("*.md"))) == 30
    assert len(list((bank / "metoder").glob("*.md"))) == 8  # N/25, at least 8
    assert len(list((bank / "systemfel").glob("*.md"))) == 6  # N/100, at least 6
    assert (bank / "mkdocs.yml").is_file() and (bank / "docs" / "index.md").is_file()
    cmd = [str(METODBANK)] if METODBANK.exists() else [PYTHON, "-m", "metodbank.cli"]
    check = subprocess.run(cmd + ["kontrollera"], cwd=bank, capture_output=True, text=True, env=ENV, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 fel, 0 varningar" in check.stderr, check.stdout + check.stderr


def test_generator_is_deterministic_and_seeded(tmp_path):
    for name in ("a", "b"):
        assert generate(tmp_path / name, 12).returncode == 0
    assert generate(tmp_path / "c", 12, seed=2).returncode == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_generator_refuses_to_overwrite_other_folders(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    result = generate(other, 5)
    assert result.returncode != 0
    assert (other / "keep.txt").read_text() == "mine"
    assert not (other / "projekt").exists()


@pytest.mark.build
def test_benchmark_runs_end_to_end(tmp_path):
    output, work = tmp_path / "BENCHMARKS.md", tmp_path / "work"
    result = subprocess.run(
        [PYTHON, str(SCRIPTS / "benchmark.py"), "--quick", "--output", str(output), "--workdir", str(work)],
        capture_output=True, text=True, env=ENV, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = output.read_text("utf-8")
    assert "Skapad av scripts/benchmark.py" in report
    assert "## Maskinen" in report and "mkdocs-material" in report
    header = next(line for line in report.splitlines() if line.startswith("| N | filer |"))
    row = next(line for line in report.splitlines() if line.startswith("| 50 |"))
    assert row.count("|") == header.count("|")
    for column in ("kall/ren", "ombyggnad/ren", "ombyggnad efter titeländring (s)", "titeländring/ren", "sidcache träffar (färdiga) / missar", "varm = kall", "serve-slinga (s)",
                   "toppminne (MB)", "Pagefind CPU", "Whoosh CPU", "kontrollera en fil (s)"):
        assert column in header, column
    cells = [c.strip() for c in row.strip("|").split("|")]
    named = dict(zip([c.strip() for c in header.strip("|").split("|")], cells))
    assert named["serve-slinga (s)"] not in ("fel", "–"), row
    # The rebuild took all but the edited project's page from the cache, most of them past MkDocs.
    hits, finished, misses = map(int, re.fullmatch(r"(\d+) \((\d+)\) / (\d+)",
                                                    named["sidcache träffar (färdiga) / missar"]).groups())
    assert misses == 1 and hits > 50 and finished > hits // 2, row
    # The targets are listed (at N = 50 none of them is measured).
    assert "## Mål" in report and "serve-slingan vid 5 000" in report and "ej mätt" in report
    # The table is printed too.
    assert "ombyggnad/ren" in result.stdout
    data = json.loads((work / "resultat.json").read_text("utf-8"))
    (measured,) = data["resultat"]
    assert measured["n"] == 50 and measured["antal"] == {"projekt": 50, "metoder": 8, "systemfel": 6}
    assert measured["vår"] > 0 and measured["ren"] > 0 and measured["ombyggnad"] > 0
    assert measured["kvot_ombyggnad"] > 0
    # A field edit is measured apart from a body edit: it reaches other pages, so every template renders again.
    assert measured["ombyggnad_titel"] > 0 and named["titeländring/ren"] not in ("–", "")
    assert measured["faser_titel"].get("sidor", 0) > 0 and "efter titeländring" in report
    assert measured["rss_vår"] > 10_000_000  # bytes: the build really ran in a child process
    (run,) = measured["körningar"]
    assert run["plugin_kall"] > 0, "the plugin's hooks were not measured"
    assert run["krokar_kall"].get("on_files", 0) > 0
    # How large the cache the workflows keep gets, measured after the rebuild.
    assert run["cache_byte"] > 100_000 and "Cachen `.cache/metodbank/` efter ombyggnaden" in report
    assert measured["katalog_gzip"] > 0
    # One project file changed: the rebuild takes most pages from the page cache, and publishes
    # what a cold build does. (Unless someone edited the plugin meanwhile, which the run reports.)
    assert run["sidcache_varm"]["missar"] >= 1 and run["identitet"]["filer"] > 100
    if not run["kod_ändrad"]:
        assert run["sidcache_varm"]["träffar"] > run["sidcache_varm"]["missar"], run["sidcache_varm"]
        assert run["identitet"]["skillnader"] == 0, run["identitet"]
        assert named["varm = kall"] == "identisk", row
    # The serve loop: measured from save to the new text, the server stopped cleanly.
    assert 0 < run["serve"]["sekunder"] < 60 and run["serve"]["förfrågningar"] >= 1
    assert run["serve"]["stopp"] == "SIGINT", run["serve"]
    # Ctrl-C reaches the workers and Pagefind too: the server stops without a traceback or a false alarm.
    served = (work / "n50" / ".log-serve.err").read_text("utf-8")
    assert "Traceback" not in served and "kunde inte" not in served, served
    assert run["kontrollera_fil"] > 0 and measured["kontrollera"] > 0
    assert measured["pagefind_cpu_kall"] > 0
    whoosh = measured["whoosh"]
    assert whoosh["dokument"] == 50 + 8 + 6 and whoosh["kall_cpu"] > 0 and whoosh["omindexerade"] >= 1
    # Where the rebuild's time goes.
    assert set(run["tidslinje_varm"]) >= {"python och import", "pluginets krokar", "mkdocs mellan krokarna"}
    # The project file is back as generated; the repository's own BENCHMARKS.md is left alone.
    bank = work / "n50" / "bank"
    assert "Serveslingan" not in (bank / measured["ändrad_fil"]).read_text("utf-8")
    assert "arbetsgivarkontakter efter projektets slut" not in (bank / measured["ändrad_fil"]).read_text("utf-8")
    assert "(reviderad)" not in (bank / measured["ändrad_fil"]).read_text("utf-8")
    assert not (work / "n50" / "kall-kopia").exists()
    assert output != REPO / "BENCHMARKS.md"


def test_report_marks_the_targets():
    """The targets of issue 18, on made-up results: no build needed."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        import benchmark
    finally:
        sys.path.remove(str(SCRIPTS))

    def result(n, cold, plain, rebuild, **extra):
        return {"n": n, "vår": cold, "ren": plain, "kvot": cold / plain, "kvot_ombyggnad": rebuild / plain,
                "rss_vår": 1.0e9, "kontrollera": 2.0, "kontrollera_fil": 0.5, "serve": 3.0, "katalog_gzip": 1000,
                "identitet": {"filer": 10, "skillnader": 0, "exempel": []}, **extra}

    marked = {target: verdict for target, _, verdict in benchmark.targets([
        result(1000, 10.0, 5.0, 4.0),
        result(5000, 35.0, 25.0, 20.0, serve=6.0),
        result(10000, 120.0, 50.0, 20.0, rss_vår=1.6e9, identitet={"filer": 10, "skillnader": 2, "exempel": []}),
    ])}
    verdicts = list(marked.values())
    assert len(verdicts) == 8 and "ej mätt" not in verdicts
    by_start = lambda text: next(v for t, v in marked.items() if t.startswith(text))  # noqa: E731
    assert by_start("ombyggnad efter en ändrad projektfil vid 5 000").startswith("✘")  # 0.8 > 0.5
    assert by_start("ombyggnad efter en ändrad projektfil vid 1 000").startswith("✔")  # 0.8 ≤ 1.0
    assert by_start("kall build vid 5 000").startswith("✔")  # 1.4 ≤ 1.5
    assert by_start("t(10 000)").startswith("✘")  # 12 > 11
    assert by_start("toppminne").startswith("✘")
    assert by_start("`metodbank kontrollera` av en ändrad fil").startswith("✔")
    assert by_start("serve-slingan").startswith("✘")
    assert by_start("varm ombyggnad byte-identisk").startswith("✘")


@pytest.mark.build
def test_second_run_in_the_same_folder_starts_cold(tmp_path):
    # A relative --workdir (the builds run inside the bank) and a folder left
    # by an earlier run: its site and caches must not make a "cold" build warm.
    def run() -> dict:
        result = subprocess.run(
            [PYTHON, str(SCRIPTS / "benchmark.py"), "--quick", "--no-browser", "--output", "rapport.md",
             "--workdir", "work"], cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=300)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        (measured,) = json.loads((tmp_path / "work" / "resultat.json").read_text("utf-8"))["resultat"]
        return measured["körningar"][0]

    run()
    assert (tmp_path / "work" / "n50" / "bank" / ".cache").is_dir()
    again = run()
    assert again["sidcache_kall"]["träffar"] == 0 and again["sidcache_kall"]["missar"] > 50, again["sidcache_kall"]
    assert again["pagefind_kall"]["indexed"] == again["pagefind_kall"]["parts"] >= 1
    assert again["pagefind_varm"]["cached"] == again["pagefind_varm"]["parts"] - 1
    assert (tmp_path / "rapport.md").is_file()


def test_the_report_it_replaces_is_not_an_uncommitted_change(tmp_path, monkeypatch):
    """The report names the commit measured and whether the work tree had
    changes; the previous BENCHMARKS.md, which the run replaces, is not one."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        import benchmark
    finally:
        sys.path.remove(str(SCRIPTS))
    repo = tmp_path / "repo"
    (repo / "plugins").mkdir(parents=True)
    (repo / "BENCHMARKS.md").write_text("förra\n", "utf-8")
    (repo / "plugins" / "kod.py").write_text("x = 1\n", "utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(git + command, check=True, capture_output=True)
    monkeypatch.setattr(benchmark, "REPO", repo)
    assert not benchmark._code_version().endswith("ändringar")
    (repo / "BENCHMARKS.md").write_text("ny\n", "utf-8")
    assert not benchmark._code_version().endswith("ändringar")
    (repo / "plugins" / "kod.py").write_text("x = 2\n", "utf-8")
    assert benchmark._code_version().endswith(" med ocommittade ändringar")


def test_bytecode_is_compiled_even_where_python_would_not_write_it(tmp_path):
    """The benchmark times our package as installed, with its bytecode: in an
    environment with PYTHONDONTWRITEBYTECODE (this machine's) every process
    compiled our sources again (0.3 s of `metodbank kontrollera fil.md`)."""
    package = tmp_path / "paket"
    (package / "inre").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "inre" / "b.py").write_text("B = 2\n")
    script = (f"import sys; sys.path.insert(0, {str(SCRIPTS)!r}); import benchmark; "
              f"benchmark.compile_code({str(package)!r})")
    result = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**ENV, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, result.stderr
    assert list((package / "__pycache__").glob("a.*.pyc")) and list((package / "inre" / "__pycache__").glob("b.*.pyc"))
    # make bench compiles the real package before it measures anything.
    source = (SCRIPTS / "benchmark.py").read_text("utf-8")
    assert re.search(r'raw = args\.workdir / "resultat\.json"\n    compile_code\(\)', source)


def test_tree_memory_counts_a_fork_before_its_exec_once(monkeypatch):
    """A child between fork and exec (the build starting Pagefind) shares
    its parent's pages; summing its RSS counted the build twice (1.68 GB at
    10,000 projects for 1.36 GB of processes). A child that has exec'd
    another program counts for itself."""
    import time

    monkeypatch.syspath_prepend(str(SCRIPTS))
    import benchmark

    script = ("import os, sys, time\n"
              "ballast = bytearray(200 * 2**20)\n"
              "for i in range(0, len(ballast), 4096): ballast[i] = 1\n"
              "if os.fork() == 0:\n"
              "    time.sleep(3); os._exit(0)\n"  # forked, never exec'd: the parent's pages
              "child = __import__('subprocess').Popen([sys.executable, '-c', "
              "'b = bytearray(100 * 2**20)\\nfor i in range(0, len(b), 4096): b[i] = 1\\nimport time; time.sleep(2)'])\n"
              "time.sleep(2.5); child.wait(); os.wait()\n")
    proc = subprocess.Popen([PYTHON, "-c", script])
    sampler = benchmark.TreeMemory(proc.pid, interval=0.1)
    proc.wait(timeout=60)
    sampler.stop()
    assert proc.returncode == 0
    mb = sampler.peak / 2**20
    assert 300 <= mb < 400, f"{mb:.0f} MB: the parent's 200 and the exec'd child's 100, once each"
