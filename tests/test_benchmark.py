"""Fast checks of the benchmark tooling (issue 6).

The timings themselves live in ``make bench`` (BENCHMARKS.md), never in a
timed test: here we only check that the synthetic bank is valid content and
that the benchmark runs end to end.
"""

from __future__ import annotations

import json
import os
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
    row = next(line for line in report.splitlines() if line.startswith("| 50 |"))
    assert "kvot a/b" in report and row.count("|") == 15
    # The table is printed too.
    assert "kvot a/b" in result.stdout
    data = json.loads((work / "resultat.json").read_text("utf-8"))
    (measured,) = data["resultat"]
    assert measured["n"] == 50 and measured["antal"] == {"projekt": 50, "metoder": 8, "systemfel": 6}
    assert measured["vår"] > 0 and measured["ren"] > 0 and measured["ombyggnad"] > 0
    assert measured["rss_vår"] > 10_000_000  # bytes: the build really ran in a child process
    assert measured["plugin_kall"] > 0, "the plugin's hooks were not measured"
    assert measured["katalog_gzip"] > 0
    assert measured["körningar"][0]["krokar_kall"].get("on_files", 0) > 0
    # The repository's own BENCHMARKS.md is left alone.
    assert output != REPO / "BENCHMARKS.md"


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
    documents = 50 + 8 + 6  # projekt, metoder, systemfel
    assert again["whoosh_kall"]["added"] == documents, again["whoosh_kall"]
    assert again["pagefind_kall"]["indexed"] == again["pagefind_kall"]["parts"] >= 1
    assert again["pagefind_varm"]["cached"] == again["pagefind_varm"]["parts"] - 1
    assert (tmp_path / "rapport.md").is_file()
