"""The build's worker processes (``metodbank.worker_pool``): the bodies
rendered there are the bodies rendered in the build's own process.

The publish gate's side is in ``test_publish_gate.py``; the whole build
with workers is every other build test (warm = cold among them)."""

from __future__ import annotations

import pytest

from metodbank import body, worker_pool
from metodbank.bank import load_bank
from metodbank.derive import derive
from metodbank.settings import read_settings
from metodbank.site.pages import Generator, SiteOptions


def _pages(derived, workers, sent: list | None = None) -> dict:
    if sent is not None:
        # Every batch handed to the workers (the generator lets its own list go when done).
        submit = workers.submit
        workers.submit = lambda *args, **kwargs: sent.append(submit(*args, **kwargs)) or sent[-1]
    generator = Generator(derived, SiteOptions(workers=workers))
    return {page.src_uri: (page.content, page.html, page.headings, page.role, page.searchable, page.filters)
            for page in generator.pages()}


@pytest.fixture(scope="module")
def derived(evil_bank):
    settings = read_settings(evil_bank / "mkdocs.yml", evil_bank)
    bank = load_bank(evil_bank, settings.vocab)
    assert bank.ok
    return derive(bank)


def test_bodies_rendered_by_workers_equal_bodies_rendered_here(derived):
    """The example bank and a project full of markup and links: every page
    is the same whichever process rendered its body."""
    here = _pages(derived, None)
    pool = worker_pool.start([(body.start_worker, (derived.bank.root, derived.bank.content_paths()))], workers=2)
    assert pool is not None
    sent: list = []
    try:
        there = _pages(derived, pool, sent)
    finally:
        pool.shutdown()
    bodies = sum(1 for doc in derived.bank.projekt.values() if doc.body)
    assert len(sent) >= bodies // 16 and all(f is not None and f.exception() is None for f in sent), \
        "the bodies were rendered by the workers"
    assert there.keys() == here.keys()
    different = [uri for uri in here if here[uri] != there[uri]]
    assert not different, different[:5]


def test_a_pool_that_stopped_leaves_the_bodies_to_this_process(derived):
    here = _pages(derived, None)
    pool = worker_pool.start([(body.start_worker, (derived.bank.root, derived.bank.content_paths()))], workers=1)
    pool.shutdown()
    assert _pages(derived, pool) == here


def test_no_workers_when_the_main_script_cannot_be_imported_again():
    """A spawned worker imports the main script by its path: a build run
    from stdin (``python -``) has none, so it works without workers instead
    of printing a traceback per worker."""
    import subprocess
    import sys

    script = ("from metodbank import worker_pool\n"
              "pool = worker_pool.start([])\n"
              "print('ingen pool' if pool is None else 'pool')\n")
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ingen pool", done.stderr
    assert "Traceback" not in done.stderr


class _RecordingPool:
    """Counts what is handed over; a real pool's futures are not needed here."""

    def __init__(self):
        self.batches: list[list] = []

    def submit(self, function, jobs):
        self.batches.append(jobs)
        return None


def test_a_few_bodies_are_rendered_here_rather_than_waiting_for_the_workers():
    """One edited project: its body is rendered by the generator, not after
    the workers have started (0.4 s at 1,000 projects); a whole bank's
    bodies still go to the workers, the last short batch too."""
    from metodbank.site.pages import _BodyJobs

    few = _BodyJobs(_RecordingPool())
    pool = few.workers
    places = [few.add(b"k%d" % i, ("text", f"projekt/{i}.md", "../../", frozenset())) for i in range(3)]
    few.send(last=True)
    assert pool.batches == [] and all(few.result(batch, index) is None for _k, _j, batch, index in places)

    many = _BodyJobs(_RecordingPool())
    for i in range(_BodyJobs.BATCH + 4):
        many.add(b"k%d" % i, ("text", f"projekt/{i}.md", "../../", frozenset()))
    many.send(last=True)
    assert [len(batch) for batch in many.workers.batches] == [_BodyJobs.BATCH, 4]


def test_a_preview_servers_worker_leaves_ctrl_c_to_the_server(capfd):
    """Ctrl-C in a terminal reaches every process of the group: a preview
    server's worker carries on (the server stops its pool as it shuts down)
    instead of dying with a KeyboardInterrupt traceback each, as `make serve`
    used to print. A build's worker stops at once: Ctrl-C must not wait for
    its tasks (a report's PDF takes seconds)."""
    import os
    import signal
    import time
    from concurrent.futures.process import BrokenProcessPool

    pool = worker_pool.start([], workers=1, leave_interrupt=True)
    assert pool is not None
    try:
        pid = pool.submit(os.getpid).result(timeout=60)
        os.kill(pid, signal.SIGINT)
        time.sleep(0.3)
        assert pool.submit(os.getpid).result(timeout=60) == pid
    finally:
        pool.shutdown()
    assert "Traceback" not in capfd.readouterr().err
    pool = worker_pool.start([], workers=1)
    try:
        pid = pool.submit(os.getpid).result(timeout=60)
        # Ctrl-C reaches a worker waiting for its next task. Sent at once, it
        # could land while the worker was still handing back the result,
        # where ProcessPoolExecutor catches every exception: the worker
        # carried on (once in the full suite, on a loaded machine).
        time.sleep(0.5)
        os.kill(pid, signal.SIGINT)
        with pytest.raises(BrokenProcessPool):
            for _ in range(50):
                pool.submit(os.getpid).result(timeout=60)
                time.sleep(0.1)
    finally:
        pool.shutdown()


def test_workers_end_with_the_process_that_started_them(tmp_path):
    """A build killed outright (or a preview server whose workers ignore
    Ctrl-C) leaves no worker behind: each waits on a queue it holds both
    ends of, and would otherwise live on as an orphan."""
    import os
    import subprocess
    import sys
    import time

    script = tmp_path / "foralder.py"
    script.write_text(
        "import os, sys\n"
        "from metodbank import worker_pool\n"
        "if __name__ == '__main__':\n"
        "    pool = worker_pool.start([], workers=2, leave_interrupt=True)\n"
        "    pids = {pool.submit(os.getpid).result(timeout=60) for _ in range(8)}\n"
        "    print(' '.join(map(str, pids)), flush=True)\n"
        "    os._exit(0)  # no shutdown: as if killed\n", "utf-8")
    out = tmp_path / "ut.txt"
    with open(out, "w") as handle:  # a file, not a pipe: orphans would hold a pipe open
        done = subprocess.run([sys.executable, str(script)], stdout=handle, stderr=subprocess.STDOUT, timeout=120)
    first_line = (out.read_text().splitlines() or [""])[0]  # then perhaps the resource tracker's warning
    pids = [int(pid) for pid in first_line.split() if pid.isdigit()]
    assert pids and done.returncode == 0, out.read_text()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, f"workers outlived the process that started them: {out.read_text()}"


def _loaded(bank) -> tuple:
    """What a load gives the build: every problem as printed, every document."""
    documents = {(kind, slug): (doc.path, doc.meta.model_dump_json(), doc.body, doc.body_line, doc.digest)
                 for kind in ("projekt", "metoder", "systemfel") for slug, doc in bank.documents(kind).items()}
    return [p.format() for p in bank.problems.sorted()], documents


def test_files_parsed_by_workers_load_as_files_parsed_here(evil_bank, tmp_path, monkeypatch):
    """A cold build parses its files in the workers (bank._ParsedElsewhere)
    once they are many: the problems and documents are those of a load in
    this process, and so are those of the next, warm load from the cache it wrote."""
    import shutil

    import metodbank.bank as bank_module

    root = tmp_path / "bank"
    shutil.copytree(evil_bank, root, ignore=shutil.ignore_patterns(".cache", "site"))
    # A warning and an error too: their messages must come back from the workers as they were found.
    first = sorted((root / "projekt").glob("*.md"))[0]
    (root / "projekt" / "trasig.md").write_text(first.read_text("utf-8").replace("titel:", "titel: [", 1), "utf-8")
    settings = read_settings(root / "mkdocs.yml", root)
    here = _loaded(load_bank(root, settings.vocab, cache_dir=tmp_path / "här"))
    assert here[0] and here[1], here  # the broken file's error, the others' documents
    monkeypatch.setattr(bank_module, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(bank_module, "PARSE_BATCH", 3)
    pool = worker_pool.start([], workers=2)
    submitted = []
    submit = pool.submit
    pool.submit = lambda *args, **kwargs: submitted.append(args[0]) or submit(*args, **kwargs)
    try:
        there = load_bank(root, settings.vocab, cache_dir=tmp_path / "där", pool=pool)
        assert submitted and set(submitted) == {bank_module._parse_batch}, submitted
        assert _loaded(there) == here
        # The cache the workers' results were put in serves the next load.
        again = load_bank(root, settings.vocab, cache_dir=tmp_path / "där", pool=pool)
        assert again.cache_misses == 0 and _loaded(again) == here
        # A pool that cannot take the files leaves them to this process.
        pool.shutdown()
        assert _loaded(load_bank(root, settings.vocab, cache_dir=tmp_path / "stängd", pool=pool)) == here
    finally:
        pool.shutdown()


def _resident_mb() -> float:
    import os

    with open(f"/proc/{os.getpid()}/statm", "rb") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _listing(rows: int) -> bytes:
    """A page like the project listing of a large bank: thousands of table rows."""
    row = '<tr><th scope="row"><a href="../projekt/p-{n}/">Projekt {n}</a></th><td>Unga 16–19 år</td><td>2</td></tr>'
    body = "".join(row.format(n=n) for n in range(rows))
    return f"<!doctype html><html lang=sv><body><table><tbody>{body}</tbody></table></body></html>".encode()


@pytest.mark.skipif(worker_pool._malloc_trim() is None, reason="ingen glibc malloc_trim här")
def test_a_worker_gives_back_what_parsing_a_large_page_took(tmp_path, monkeypatch):
    """The gate's worker that parsed a large page gives the parser's freed
    memory back to the system: kept, two such workers beside two Pagefind
    runs took a 10,000-project build past its memory budget (1.48 GiB)."""
    from metodbank import gate_workers

    page = _listing(40_000)  # about 4 MB, as the listing at 10,000 projects
    assert len(page) >= worker_pool.LARGE_INPUT
    monkeypatch.setattr(gate_workers, "_sources", gate_workers.Sources(None, None, None))  # as a worker's setup
    before = _resident_mb()
    gate_workers.publish_gate.read_bytes(page, ".html", "projekt/index.html", gate_workers._sources)
    grown = _resident_mb()
    assert grown - before > 20, "the parse is expected to grow the process"
    worker_pool.release_memory()
    assert _resident_mb() < before + (grown - before) / 2

    released = []
    monkeypatch.setattr(worker_pool, "release_memory", lambda: released.append(True))
    gate_workers._read_pages([("projekt/index.html", "d1", page, None, None)])
    assert released == [True]
    gate_workers._read_pages([("projekt/x/index.html", "d2", b"<p>liten</p>", None, None)])
    assert released == [True], "a small batch leaves the allocator alone"
    big = tmp_path / "projekt.json"
    big.write_bytes(b'{"projekt": [' + b",".join(b'{"slug": "p-%d", "titel": "Projekt"}' % n for n in range(40_000)) + b"]}")
    gate_workers._read_files([(str(big), "data/projekt.json")])
    assert released == [True, True]
