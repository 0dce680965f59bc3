"""``ingest --cluster``: the same jobs on a Dask cluster give the same database as the local pool.

A scheduler and two workers run as subprocesses on 127.0.0.1 (``dask scheduler --port 0``,
``dask worker``), as on a real cluster. Checked: corpus/ through ``--cluster`` equals a local
ingest row for row (files read at the same path, at a ``--worker-path`` fsspec URL, or shipped
as bytes); killing the client mid-batch and running again ends with the same database; a worker
killed mid-document loses no document; ``local:N`` runs the same path; a document whose workers
keep dying is recorded as failed; a cluster that cannot run stops the run with a clear error.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import html_doc, markdown_doc, policy_pdf, text_doc  # noqa: E402

from extractor.ingest import cluster as cluster_mod  # noqa: E402
from extractor.ingest.cluster import ClusterWorkers, Limits, hash_url, worker_source  # noqa: E402
from extractor.ingest.discover import hash_file  # noqa: E402
from extractor.ingest.pipeline import ingest  # noqa: E402
from extractor.ingest.workers import Job, WorkerPoolError  # noqa: E402
from extractor.settings import SETTINGS  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CMD = [str(BIN / "policy-facts")] if (BIN / "policy-facts").exists() else [sys.executable, "-m", "extractor.cli"]
DASK = [str(BIN / "dask")] if (BIN / "dask").exists() else [sys.executable, "-m", "distributed.cli.dask_spec"]
#: Every table a document's rows go to (ids included: the same run order gives the same ids).
TABLES = ("documents", "document_files", "sentences", "tables", "table_cells", "facts", "claims", "entities",
          "claim_entities")
# when, not what; and a file's fingerprint holds its change time, which the other database's
# kept sources (a hard link to the same file) move on
VOLATILE = {"ingested_at", "stored_at", "fingerprint"}
N_BATCH = 120  # enough for the writer to commit several batches before the run ends


def cli(*args: str | Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, "ingest", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, **kw)


def table_rows(db: Path, table: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cols = [r[1] for r in con.execute(f"pragma table_info({table})") if r[1] not in VOLATILE]
        order = "id" if "id" in cols else ", ".join(cols)
        return con.execute(f"select {', '.join(cols)} from {table} order by {order}").fetchall()
    finally:
        con.close()


def assert_same_database(db: Path, ref: Path) -> None:
    for table in TABLES:
        assert table_rows(db, table) == table_rows(ref, table), table


def stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def make_corpus(folder: Path, n: int) -> Path:
    """``n`` small documents of four kinds, half of them two-page PDFs (slow enough to stop mid-batch)."""
    folder.mkdir(parents=True)
    for i in range(n):
        kind = i % 6
        if kind in (0, 2, 4):
            policy_pdf(folder / f"{i:03d}.pdf", i, n=8, pages=2)
        elif kind == 1:
            text_doc(folder / f"{i:03d}.txt", i, n=8)
        elif kind == 3:
            html_doc(folder / f"{i:03d}.html", i, n=8)
        else:
            markdown_doc(folder / f"{i:03d}.md", i, n=8)
    return folder


# ---------------------------------------------------------------- a scheduler and two workers


class Cluster:
    """``dask scheduler`` and ``dask worker`` subprocesses, each in its own process group."""

    def __init__(self, base: Path):
        self.base, self.procs = base, []
        self.file = base / "scheduler.json"
        self.address = ""

    def start(self, workers: int = 2) -> Cluster:
        self._spawn([*DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(self.file)], "scheduler")
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole, then read
        self.address = json.loads(self.file.read_text())["address"]
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}  # workers start their own pool
        for i in range(workers):
            self._spawn([*DASK, "worker", self.address, "--nthreads", "1", "--no-dashboard",
                         "--local-directory", str(self.base / f"w{i}")], f"worker{i}", env=env)
        with self.client() as client:
            client.wait_for_workers(workers, timeout=120)
        return self

    def _spawn(self, cmd: list[str], name: str, env: dict | None = None) -> None:
        log = open(self.base / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.procs.append((subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.base, env=env,
                                            start_new_session=True), log))

    def client(self):
        return distributed.Client(self.address, timeout=60)

    def stop(self) -> None:
        for proc, log in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
            log.close()


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield c.start()
    finally:
        c.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path]:
    """corpus/ (the seed documents) and the database of a local ingest of it."""
    base = tmp_path_factory.mktemp("seed")
    ref = base / "local.db"
    run = cli(ROOT / "corpus", "--db", ref, "--workers", "2", "--json")
    assert run.returncode == 0, run.stderr
    return ROOT / "corpus", ref


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path]:
    """120 documents and the database of a local ingest of them."""
    base = tmp_path_factory.mktemp("batch")
    folder = make_corpus(base / "corpus", N_BATCH)
    ref = base / "local.db"
    run = cli(folder, "--db", ref, "--workers", "2", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["ok"] == N_BATCH, run.stderr
    return folder, ref


# ---------------------------------------------------------------- the same database


@pytest.mark.parametrize("how", ["same path", "fsspec url", "shipped bytes"])
def test_corpus_through_the_cluster_equals_a_local_ingest(tmp_path: Path, dask_cluster: Cluster, small, how) -> None:
    corpus, ref = small
    extra = {"same path": [], "shipped bytes": ["--ship-bytes"],
             "fsspec url": ["--worker-path", f"{corpus}=file://{corpus}"]}[how]
    db = tmp_path / "cluster.db"
    run = cli(corpus, "--db", db, "--cluster", dask_cluster.address, "--json", *extra)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert (summary["files"], summary["ok"], summary["failed"]) == (5, 5, 0)
    assert summary["facts"] == len(table_rows(ref, "facts")) > 0
    assert_same_database(db, ref)
    again = json.loads(cli(corpus, "--db", db, "--cluster", dask_cluster.address, "--json", *extra).stdout)
    assert (again["unchanged"], again["ok"]) == (5, 0)  # incremental, as locally


def test_local_cluster_runs_the_same_path(tmp_path: Path, small) -> None:
    corpus, ref = small
    db = tmp_path / "local-cluster.db"
    run = cli(corpus, "--db", db, "--cluster", "local:2", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ok"] == 5
    assert_same_database(db, ref)


# ---------------------------------------------------------------- interruptions and lost workers


def _ingest_until(folder: Path, db: Path, address: str, after: int) -> subprocess.Popen:
    """An ingest through the cluster, returned once ``after`` documents are stored."""
    proc = subprocess.Popen([*CMD, "ingest", str(folder), "--db", str(db), "--cluster", address, "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while stored(db) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest ended before it could be interrupted"
    return proc


def test_killing_the_client_mid_batch_then_rerunning_gives_the_same_database(
        tmp_path: Path, dask_cluster: Cluster, batch) -> None:
    folder, ref = batch
    db = tmp_path / "killed.db"
    proc = _ingest_until(folder, db, dask_cluster.address, after=10)
    proc.kill()  # SIGKILL: no clean-up at all
    proc.communicate(timeout=60)
    kept = stored(db)
    assert 10 <= kept < N_BATCH, "not killed mid-batch"
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    con.close()
    rerun = cli(folder, "--db", db, "--cluster", dask_cluster.address, "--json")
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert (summary["unchanged"], summary["ok"]) == (kept, N_BATCH - kept)
    assert_same_database(db, ref)


def test_a_worker_killed_mid_document_loses_no_document(tmp_path: Path, dask_cluster: Cluster, batch) -> None:
    folder, ref = batch
    db = tmp_path / "worker-killed.db"
    proc = _ingest_until(folder, db, dask_cluster.address, after=6)
    with dask_cluster.client() as client:
        busy = []
        deadline = time.monotonic() + 60
        while not busy and time.monotonic() < deadline:  # a worker reading a document
            busy = [w for w, keys in client.processing().items() if any(str(k).startswith("extract-") for k in keys)]
            time.sleep(0.02)
        assert busy, "no worker was reading a document"
        pids = client.run(os.getpid, workers=busy[:1])
    os.kill(pids[busy[0]], signal.SIGKILL)  # its nanny starts a new one; the scheduler runs its tasks elsewhere
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert (summary["ok"], summary["failed"]) == (N_BATCH, 0)
    assert_same_database(db, ref)
    with dask_cluster.client() as client:
        client.wait_for_workers(2, timeout=120)  # the nanny's new worker has joined: later tests have two


def test_a_document_whose_workers_keep_dying_is_recorded_failed(tmp_path: Path) -> None:
    """The scheduler gives up on a task after ``allowed-failures`` workers died running it: the
    document gets a ``failed`` row (WorkerCrashed), never none."""
    import dask

    text_doc(tmp_path / "a.txt", 1)
    job = Job(tmp_path / "a.txt", "a.txt", "0" * 64, 10, {}, str(tmp_path))
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        pool = ClusterWorkers("local:1", timeout=None, memory_mb=0, password=None, max_text_bytes=None)
        try:
            dying = pool.client.submit(os._exit, 1, pure=False)  # the worker process ends mid-task
            result = pool.result(job, dying)
        finally:
            pool.close()
    assert (result.path, result.status) == ("a.txt", "failed")
    assert result.error.startswith("WorkerCrashed: every dask worker that read this file died")


# ---------------------------------------------------------------- batches


class _FakeFuture:
    """A task's future: not done until ``finish``; its value computed from the items, or KilledWorker
    when one of them is in ``dying``."""

    def __init__(self, kind: str, items: list, dying: set[str]):
        self.kind, self.items, self.dying, self.finished, self.released = kind, items, dying, False, False

    def done(self) -> bool:
        return self.finished

    def result(self):
        from distributed.scheduler import KilledWorker

        self.finished = True
        if self.kind == "extract_batch_task":
            if any(job.rel in self.dying for job, _source in self.items):
                raise KilledWorker("extract-x", None, 0)
            return [cluster_mod.Extraction(path=job.rel, root="", sha256=job.sha, size_bytes=job.size, status="ok")
                    for job, _source in self.items]
        return [((f"sha-{Path(src).name}", 1), "", "") for src in self.items]

    def release(self) -> None:
        self.released = True


class _FakeClient:
    def __init__(self, dying: set[str] = frozenset()):
        self.futures: list[_FakeFuture] = []
        self.dying = dying

    def submit(self, fn, items, limits, pure, key, priority=0):
        self.futures.append(_FakeFuture(fn.__name__, list(items), self.dying))
        return self.futures[-1]

    def tasks(self, kind: str) -> list[int]:
        return [len(f.items) for f in self.futures if f.kind == kind]


def _pool_with(client: _FakeClient) -> ClusterWorkers:
    pool = ClusterWorkers("local:2", timeout=None, memory_mb=0, password=None, max_text_bytes=None)
    pool._client = client  # no cluster: the tasks are the fake client's
    pool._sizes = {"hash": 16, "extract": 4}
    return pool


def _jobs(tmp_path: Path, n: int) -> list[Job]:
    return [Job(tmp_path / f"{i}.txt", f"{i}.txt", f"{i:064d}", i, {}) for i in range(n)]


def test_documents_go_in_batches_once_the_workers_are_busy(tmp_path: Path) -> None:
    client = _FakeClient()
    pool = _pool_with(client)
    jobs = _jobs(tmp_path, 11)
    futures = [pool.submit(job) for job in jobs]
    # one task each while a worker may be idle (2 workers), then full batches; the rest waits
    assert client.tasks("extract_batch_task") == [1, 1, 4, 4]
    assert not futures[-1].done()
    assert not pool.ready(futures[-1], 0.0)  # waiting for it sends its batch
    assert client.tasks("extract_batch_task") == [1, 1, 4, 4, 1]
    results = [pool.result(job, f) for job, f in zip(jobs, futures, strict=True)]
    assert [(r.path, r.sha256, r.status) for r in results] == [(j.rel, j.sha, "ok") for j in jobs]
    assert all(f.released for f in client.futures)  # each task's result let go once taken


def test_files_are_hashed_in_batches(tmp_path: Path) -> None:
    client = _FakeClient()
    pool = _pool_with(client)
    files = [tmp_path / f"{i}.txt" for i in range(40)]
    futures = [pool.hash(f) for f in files]
    assert client.tasks("hash_batch_task") == [1, 1, 16, 16]
    assert [pool.hashed(f) for f in futures] == [((f"sha-{f.name}", 1), "", "") for f in files]
    assert client.tasks("hash_batch_task") == [1, 1, 16, 16, 6]


def test_a_batch_whose_workers_die_is_sent_again_one_document_a_task(tmp_path: Path) -> None:
    """Only the document that kills its workers is recorded failed; the others of its batch are read."""
    client = _FakeClient(dying={"4.txt"})
    pool = _pool_with(client)
    jobs = _jobs(tmp_path, 10)
    futures = [pool.submit(job) for job in jobs]
    results = {r.path: r for r in (pool.result(job, f) for job, f in zip(jobs, futures, strict=True))}
    assert client.tasks("extract_batch_task") == [1, 1, 4, 4, 1, 1, 1, 1]  # 2-5 failed, then one by one
    assert results["4.txt"].status == "failed" and results["4.txt"].error.startswith("WorkerCrashed")
    assert all(r.status == "ok" for path, r in results.items() if path != "4.txt")
    assert len(results) == 10


def test_closing_a_local_cluster_closes_its_workers_pools(tmp_path: Path, monkeypatch) -> None:
    """A LocalCluster's workers have their pools closed before it stops (else each took seconds
    to be let go); on a cluster of others' they stay, for the other runs that use them."""
    monkeypatch.setattr(cluster_mod, "_POOLS", {})
    pool = cluster_mod._pool(Limits(None, 0, None, None))
    assert pool._pool is not None
    assert cluster_mod.close_pools() == 1 and cluster_mod._POOLS == {} and pool._pool is None

    calls = []

    class Client:
        def run(self, fn, *args):
            calls.append((fn, args))

        def close(self, timeout):
            calls.append(("close", timeout))

    class Cluster:
        def close(self, timeout):
            calls.append(("cluster close", timeout))

    workers = ClusterWorkers("local:2", timeout=None, memory_mb=0, password=None, max_text_bytes=None)
    workers._client, workers._cluster = Client(), Cluster()
    workers.close(cancel=True)
    assert calls == [(cluster_mod.close_pools, (True,)), ("close", 10), ("cluster close", 10)]
    calls.clear()
    remote = ClusterWorkers("local:2", timeout=None, memory_mb=0, password=None, max_text_bytes=None)
    remote._client = Client()  # connected to a scheduler: no cluster of its own
    remote.close()
    assert calls == [("close", 10)]


# ---------------------------------------------------------------- clear errors


def test_an_unreachable_scheduler_stops_the_run_with_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    assert cluster_mod.CLUSTER_WAIT_S == SETTINGS.ingest.cluster_wait_s
    monkeypatch.setattr(cluster_mod, "CLUSTER_WAIT_S", 1.0)
    text_doc(tmp_path / "a.txt", 1)
    with pytest.raises(WorkerPoolError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        ingest([tmp_path], tmp_path / "facts.db", cluster="tcp://127.0.0.1:9")


def test_a_daemonic_worker_or_another_version_stops_the_run(monkeypatch) -> None:
    with pytest.raises(WorkerPoolError, match="same version on every worker"):
        cluster_mod._pool(Limits(None, 0, None, None, version="0.0.0-other"))

    class Daemon:
        daemon = True

    monkeypatch.setattr(cluster_mod.multiprocessing, "current_process", Daemon)
    monkeypatch.setattr(cluster_mod, "_POOLS", {})
    with pytest.raises(WorkerPoolError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
        cluster_mod._pool(Limits(None, 0, None, None))


def test_ship_bytes_and_worker_path_need_cluster(tmp_path: Path) -> None:
    run = cli(tmp_path, "--db", tmp_path / "x.db", "--ship-bytes")
    assert run.returncode == 2 and "--ship-bytes and --worker-path go with --cluster" in run.stderr


# ---------------------------------------------------------------- where the workers read a file


def test_worker_source_maps_the_deepest_folder_given(tmp_path: Path) -> None:
    paths = cluster_mod._parse_worker_paths([f"{tmp_path}=s3://bucket/all", f"{tmp_path}/news/=/mnt/news"])
    assert worker_source(tmp_path / "news" / "2024" / "a.html", paths) == "/mnt/news/2024/a.html"
    assert worker_source(tmp_path / "gov" / "b.pdf", paths) == "s3://bucket/all/gov/b.pdf"
    assert worker_source(Path("/elsewhere/c.txt"), paths) == "/elsewhere/c.txt"  # the same path
    assert worker_source(Path("rel.txt"), []) == os.path.abspath("rel.txt")  # workers have another cwd
    with pytest.raises(WorkerPoolError, match="expected LOCAL=REMOTE"):
        cluster_mod._parse_worker_paths(["/data"])


def test_hash_url_equals_hash_file(tmp_path: Path) -> None:
    f = text_doc(tmp_path / "a.txt", 3)
    assert hash_url(f.as_uri()) == hash_file(f) == (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_size)


def test_a_file_changed_before_it_is_shipped_fails_without_being_sent(tmp_path: Path) -> None:
    f = text_doc(tmp_path / "a.txt", 1)
    sha, size = hash_file(f)
    f.write_text("另一个版本。", encoding="utf-8")
    pool = ClusterWorkers("local:1", timeout=None, memory_mb=0, password=None, max_text_bytes=None, ship_bytes=True)
    result = pool.result(Job(f, "a.txt", sha, size, {}), pool.submit(Job(f, "a.txt", sha, size, {})))
    assert (result.status, result.error.split(":")[0]) == ("failed", "FileChanged")
    assert pool._client is None  # decided here: no cluster started
