"""The workers' jobs on a Dask cluster: ``policy-facts ingest DIR --cluster tcp://HOST:8786`` (or ``local:N``).

Everything but the workers stays as it is for the local pool (:mod:`.pipeline`): the client
discovers the files, reads the manifests, decides from the database what to read, and is the
single writer, in discovery order, committing in batches. :class:`ClusterWorkers` stands in for
:class:`~extractor.ingest.workers.Workers` (the same calls): files are hashed and documents read
in ``dask.distributed`` tasks of a few each (``SETTINGS.ingest.cluster_batch_hashes`` and
``cluster_batch_docs``; a batch goes out when full, or at once while a worker may be idle), at
most ``lookahead_per_worker`` documents per worker thread ahead of the writer, each task's
result released as soon as it is taken.

A task runs its job as the local pool runs it, in a :class:`~extractor.ingest.workers.Workers`
pool of the dask worker's own (one process per worker thread, made on the worker's first task):
the per-document time limit, the memory cap and a crash that ends one document work as they do
on one machine. A dask worker that dies mid-document (killed, its machine lost) has its tasks
run again elsewhere by the scheduler (``distributed.scheduler.allowed-failures``); a batch
whose workers keep dying is sent again one document a task, and the document that kills them
is recorded as failed, never missing.

Where the workers find a file:

* the same path as the client (the default: a folder mounted at the same place everywhere);
* ``worker_paths`` (``--worker-path LOCAL=REMOTE``): a file under ``LOCAL`` is read at
  ``REMOTE`` plus the rest of its path, a folder or an fsspec URL (``file://``, ``s3://`` …,
  with the fsspec filesystem installed on the workers);
* ``ship_bytes`` (``--ship-bytes``): the client hashes the file and sends its bytes with the task.

A dask worker must be able to start processes of its own: run ``dask worker`` with
``DASK_DISTRIBUTED__WORKER__DAEMON=False`` in its environment (or ``--no-nanny``); a worker
that cannot, or runs another version of policy-facts, stops the run with a clear error
(:class:`~extractor.ingest.workers.WorkerPoolError`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor import __version__
from extractor.ingest.discover import display, open_regular
from extractor.ingest.job import Extraction
from extractor.ingest.workers import Job, WorkerPoolError, Workers
from extractor.settings import SETTINGS

__all__ = ["CLUSTER_WAIT_S", "DAEMON_HELP", "ClusterWorkers", "Limits", "close_pools", "extract_batch_task", "extract_task",
           "hash_batch_task", "hash_task", "hash_url", "worker_source"]

DAEMON_HELP = ("a dask worker cannot start the processes that read documents (it is a daemon process): start "
               "`dask worker` with DASK_DISTRIBUTED__WORKER__DAEMON=False in its environment, or with --no-nanny")
_LOCAL = re.compile(r"local:(\d+)")
#: Seconds to wait for the scheduler, and then for a first worker.
CLUSTER_WAIT_S = SETTINGS.ingest.cluster_wait_s


@dataclass(frozen=True)
class Limits:
    """What a dask worker's own pool needs: the local pool's limits, and the client's version."""

    timeout: float | None
    memory_mb: int
    password: str | None
    max_text_bytes: int | None
    pdf_engine: str | None = None
    ocr: str | None = None
    version: str = __version__


# ---------------------------------------------------------------- on the dask workers

_POOLS: dict[Limits, Workers] = {}
_POOLS_LOCK = threading.Lock()


def _threads() -> int:
    """The dask worker's threads (its concurrent tasks): the size of its own pool."""
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):  # not in a dask worker (a test calling a task)
        return 1


def _pool(limits: Limits) -> Workers:
    """This dask worker's pool for ``limits``, started on its first task."""
    if limits.version != __version__:
        raise WorkerPoolError(f"a dask worker runs policy-facts {__version__}, the client {limits.version}: "
                              "install the same version on every worker")
    with _POOLS_LOCK:
        pool = _POOLS.get(limits)
        if pool is None:
            if multiprocessing.current_process().daemon:
                raise WorkerPoolError(DAEMON_HELP)
            # a dask nanny starts its worker with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the OS at
            # once); the pool's processes would inherit it and run ~15% slower, for memory their cap and
            # their exit return anyway
            os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            pool = Workers(_threads(), timeout=limits.timeout, memory_mb=limits.memory_mb,
                           password=limits.password, max_text_bytes=limits.max_text_bytes,
                           pdf_engine=limits.pdf_engine, ocr=limits.ocr)
            pool.open()
            _POOLS[limits] = pool
        return pool


def close_pools(cancel: bool = False) -> int:
    """Close this dask worker's pools (their processes end; with ``cancel`` at once, documents
    being read or not); how many there were. Run on the workers of a LocalCluster before it
    stops: a worker whose pool is still open took 4 s to be let go, at the end of every run."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close(cancel=cancel)
    return len(pools)


def _is_url(source: str) -> bool:
    return "://" in source


def hash_url(url: str) -> tuple[str, int]:
    """(sha256, size) of the file at an fsspec URL."""
    import fsspec

    h, size = hashlib.sha256(), 0
    with fsspec.open(url, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def hash_task(source: str, limits: Limits) -> tuple[tuple[str, int] | None, str, str]:
    """Hash a file on a dask worker, in its pool (under the time limit of one document): as
    :meth:`Workers.hashed`. A path whose folder the worker cannot see stops the run."""
    pool = _pool(limits)
    if _is_url(source):
        return pool.hashed(pool.call(hash_url, source))
    if not os.path.isdir(os.path.dirname(source)):
        raise WorkerPoolError(f"a dask worker cannot see the folder of {display(source)}: mount the folder at the "
                              "same path on the workers, or use --worker-path LOCAL=REMOTE or --ship-bytes")
    return pool.hashed(pool.hash(Path(source)))


def _fetch(source: str | bytes, target: Path) -> None:
    if isinstance(source, bytes):
        target.write_bytes(source)
        return
    import fsspec

    with fsspec.open(source, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def extract_task(job: Job, source: str | bytes, limits: Limits) -> Extraction:
    """Read one document on a dask worker, in its pool: what :func:`~extractor.ingest.job.extract_rows`
    returns, or a failed Extraction (time limit, memory, a crash, a file the worker cannot fetch).
    ``source`` is a path, an fsspec URL (copied to a temporary file first) or the file's bytes."""
    pool = _pool(limits)
    if isinstance(source, str) and not _is_url(source):
        return pool.result(job, pool.submit(dataclasses.replace(job, file=Path(source))))
    with tempfile.TemporaryDirectory(prefix="policy-facts-") as tmp:
        local = Path(tmp) / (job.file.name or "document")  # the same name: its suffix and messages
        try:
            _fetch(source, local)
        except OSError as exc:
            return Extraction(path=job.rel, root=job.root, sha256=job.sha, size_bytes=job.size, status="failed",
                              error=display(f"{type(exc).__name__}: a dask worker cannot read the file: {exc}"))
        return pool.result(job, pool.submit(dataclasses.replace(job, file=local)))


def hash_batch_task(sources: list[str], limits: Limits) -> list[tuple[tuple[str, int] | None, str, str]]:
    """:func:`hash_task` for several files, in one task."""
    return [hash_task(source, limits) for source in sources]


def extract_batch_task(items: list[tuple[Job, str | bytes]], limits: Limits) -> list[Extraction]:
    """:func:`extract_task` for several documents, in one task: read one after the other, each
    under its own time limit, a failure the failed Extraction of that document alone."""
    return [extract_task(job, source, limits) for job, source in items]


# ---------------------------------------------------------------- on the client


class _Batch:
    """Files to hash, or documents to read, sent to the cluster as one task (fewer round trips:
    each task costs the scheduler, the client and a dask worker a few ms of CPU)."""

    def __init__(self, kind: str):
        self.kind = kind  # "hash" or "extract"
        self.items: list[Any] = []
        self.future: Any = None  # the dask future, once sent
        self.values: list[Any] | None = None  # its result, once taken (the future is then released)
        self.error: Exception | None = None
        self.split: list[_Batch] | None = None  # sent again one item a task, after its worker died

    def done(self) -> bool:
        return self.values is not None or self.error is not None or (self.future is not None and self.future.done())


class _Member:
    """What the run holds for one file of a batch: done when its batch is."""

    __slots__ = ("batch", "index")

    def __init__(self, batch: _Batch, index: int):
        self.batch, self.index = batch, index

    def holder(self) -> tuple[_Batch, int]:
        """The batch that has this file now, and its place there: after a split, its own."""
        split = self.batch.split
        return (split[self.index], 0) if split is not None else (self.batch, self.index)

    def done(self) -> bool:
        return self.holder()[0].done()


def worker_source(file: Path, worker_paths: list[tuple[str, str]]) -> str:
    """Where the workers read ``file``: the first ``(LOCAL, REMOTE)`` whose LOCAL folder holds it
    maps it (REMOTE a folder or an fsspec URL), else the same absolute path."""
    path = os.path.abspath(file)
    for local, remote in worker_paths:
        if path.startswith(local + os.sep):
            rest = path[len(local) + 1:].replace(os.sep, "/")
            return remote.rstrip("/") + "/" + rest
    return path


def _parse_worker_paths(specs: Sequence[str]) -> list[tuple[str, str]]:
    out = []
    for spec in specs:
        local, sep, remote = spec.partition("=")
        if not sep or not local or not remote:
            raise WorkerPoolError(f"--worker-path {spec!r}: expected LOCAL=REMOTE (a folder here, and where the workers "
                             "find it: a folder or an fsspec URL)")
        out.append((os.path.abspath(local).rstrip(os.sep) or os.sep, remote))
    return sorted(out, key=lambda p: -len(p[0]))  # the deepest folder first


class ClusterWorkers:
    """The workers of :mod:`.pipeline` on a Dask cluster: the calls of
    :class:`~extractor.ingest.workers.Workers`, each job a task.

    ``address``: a scheduler (``tcp://HOST:8786``; connected at once, waiting up to
    ``CLUSTER_WAIT_S`` for a first worker) or ``local:N`` (a LocalCluster of N
    single-threaded worker processes, started on the first job).
    """

    def __init__(self, address: str, *, timeout: float | None, memory_mb: int, password: str | None,
                 max_text_bytes: int | None, ship_bytes: bool = False, worker_paths: Sequence[str] = (),
                 pdf_engine: str | None = None, ocr: str | None = None):
        self.address, self.ship_bytes = address, ship_bytes
        self.limits = Limits(timeout, memory_mb, password, max_text_bytes, pdf_engine, ocr)
        self.worker_paths = _parse_worker_paths(worker_paths)
        # hashing for --ship-bytes, in this process: the client reads the bytes anyway
        self._here = Workers(0, timeout=timeout, memory_mb=memory_mb, password=password, max_text_bytes=max_text_bytes)
        self._client: Any = None
        self._cluster: Any = None
        self._open: dict[str, _Batch] = {}  # the batch of each kind being filled
        self._sent: list[_Batch] = []  # batches sent, maybe not done
        self._sizes = {"hash": SETTINGS.ingest.cluster_batch_hashes, "extract": SETTINGS.ingest.cluster_batch_docs}
        local = _LOCAL.fullmatch(address)
        if local:
            self.n = max(1, int(local.group(1)))
        else:
            self.n = self._connect()

    # -- connection

    def _connect(self) -> int:
        """Connect (or start the LocalCluster); the number of worker threads."""
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise WorkerPoolError("--cluster needs dask.distributed: pip install 'policy-facts[cluster]'") from exc
        wait = CLUSTER_WAIT_S
        if _LOCAL.fullmatch(self.address):
            import logging

            # workers start their own pool; no statistical profiler (it samples every thread 100 times a
            # second, for a dashboard nobody opens here); the monitors and the event loop's tick once a
            # second rather than 10-50 times (a cluster otherwise idle takes 0.1 of a core for them)
            dask.config.set({"distributed.worker.daemon": False, "distributed.worker.profile.enabled": False,
                             **SETTINGS.ingest.local_cluster_config})
            self._cluster = LocalCluster(n_workers=self.n, threads_per_worker=1, processes=True,
                                         dashboard_address=":0", silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
            return self.n
        try:
            self._client = Client(self.address, timeout=wait)
        except (OSError, TimeoutError, ValueError) as exc:
            raise WorkerPoolError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
        try:
            self._client.wait_for_workers(1, timeout=wait)
        except TimeoutError as exc:
            self.close()
            raise WorkerPoolError(f"no dask worker joined the scheduler at {self.address} within {wait:g} s") from exc
        return max(1, sum(self._client.nthreads().values()))

    @property
    def client(self) -> Any:
        if self._client is None:
            self._connect()
        return self._client

    # -- the calls of Workers

    def start(self, jobs: int) -> None:
        """The cluster's size is its own (nothing to fix here)."""

    known = staticmethod(Workers.known)

    def submit(self, job: Job) -> Any:
        """Read the file of ``job`` on a dask worker (see :meth:`result`)."""
        if not self.ship_bytes:
            source: str | bytes = worker_source(job.file, self.worker_paths)
        else:
            try:
                with open_regular(job.file) as fh:
                    source = fh.read()
            except OSError as exc:
                return self.known(self._failed(job, display(f"{type(exc).__name__}: cannot read the file: {exc}")))
            if hashlib.sha256(source).hexdigest() != job.sha:
                return self.known(self._failed(job, "FileChanged: the file changed while it was being ingested; "
                                                    "run the ingest again"))
        return self._add("extract", (job, source))

    def hash(self, file: Path) -> Any:
        """Hash ``file`` on a dask worker (with ``ship_bytes``: here), see :meth:`hashed`."""
        if self.ship_bytes:
            return self._here.hash(file)
        return self._add("hash", worker_source(file, self.worker_paths))

    # -- batches: a batch is sent when full, or at once while a worker may be idle

    def _add(self, kind: str, item: Any) -> _Member:
        batch = self._open.setdefault(kind, _Batch(kind))
        batch.items.append(item)
        member = _Member(batch, len(batch.items) - 1)
        if len(batch.items) >= self._sizes[kind] or self._busy() < self.n:
            self._send(batch)
        return member

    def _send(self, batch: _Batch) -> None:
        if self._open.get(batch.kind) is batch:
            del self._open[batch.kind]
        hashing = batch.kind == "hash"
        # hashes first: the run decides what to read from them, and a hash task queued behind the
        # documents already sent would leave the workers without the next ones
        batch.future = self.client.submit(hash_batch_task if hashing else extract_batch_task, batch.items,
                                          self.limits, pure=False, key=f"{batch.kind}-{_key()}",
                                          priority=1 if hashing else 0)
        self._sent.append(batch)

    def _busy(self) -> int:
        """Batches sent and not done (at most one a worker thread runs, the rest wait)."""
        self._sent = [b for b in self._sent if not b.done()]
        return len(self._sent)

    def _value(self, member: _Member) -> Any:
        """The result of one member of a batch; raises what its task raised. A batch whose workers
        died is sent again one item a task, so that only the file that kills them fails."""
        batch, index = member.holder()
        if batch.future is None:
            self._send(batch)
        if batch.values is None and batch.error is None:
            try:
                batch.values = batch.future.result()
            except Exception as exc:
                batch.error = exc
            finally:
                batch.future.release()  # the worker may drop it now
        if batch.error is not None:
            from distributed.scheduler import KilledWorker

            if isinstance(batch.error, KilledWorker) and len(batch.items) > 1:
                batch.split = []
                for item in batch.items:
                    single = _Batch(batch.kind)
                    single.items.append(item)
                    self._send(single)
                    batch.split.append(single)
                return self._value(member)
            raise batch.error
        assert batch.values is not None
        return batch.values[index]

    def _take(self, future: Any) -> Any:
        """The value of a batch member, or of a dask future (released once taken)."""
        if isinstance(future, _Member):
            return self._value(future)
        try:
            return future.result()
        finally:
            future.release()  # the worker may drop it now

    def hashed(self, future: Any) -> tuple[tuple[str, int] | None, str, str]:
        if not _is_dask(future) and not isinstance(future, _Member):
            return self._here.hashed(future)
        try:
            return self._take(future)
        except Exception as exc:
            status, error = self._failure(exc)
            return None, status, error + " (while hashing it)"

    def ready(self, future: Any, timeout: float) -> bool:
        """Whether the job's result is there, waiting up to ``timeout`` seconds for it (sending its
        batch, and any other while a worker may be idle, first)."""
        if isinstance(future, _Member):
            for batch in list(self._open.values()):
                if batch is future.batch or self._busy() < self.n:
                    self._send(batch)
            holder = future.holder()[0]
            if holder.done():
                return True
            future = holder.future
        if future.done() or not _is_dask(future):
            return bool(future.done())
        from distributed import wait

        with contextlib.suppress(TimeoutError):
            wait([future], timeout=max(0.001, timeout))
        return bool(future.done())

    def result(self, job: Job, future: Any) -> Extraction:
        """The job's result; a task whose workers kept dying becomes a ``failed`` Extraction."""
        if not _is_dask(future) and not isinstance(future, _Member):
            return future.result()
        try:
            return self._take(future)
        except Exception as exc:
            status, error = self._failure(exc)
            return self._failed(job, error, status)

    @staticmethod
    def _failed(job: Job, error: str, status: str = "failed") -> Extraction:
        return Extraction(path=job.rel, root=job.root, sha256=job.sha, size_bytes=job.size, status=status, error=error)

    def _failure(self, exc: Exception) -> tuple[str, str]:
        """(status, error) of a task that did not come back; raises WorkerPoolError when the cluster
        cannot run any (a worker that cannot start its pool, the scheduler gone)."""
        from distributed.scheduler import KilledWorker

        if isinstance(exc, WorkerPoolError):
            raise exc
        if isinstance(exc, CancelledError) or type(exc).__name__ in ("CancelledError", "FutureCancelledError"):
            raise WorkerPoolError(f"the Dask scheduler at {self.address} cancelled the run's tasks (is it gone?): "
                                  "run the ingest again to continue") from exc
        if isinstance(exc, KilledWorker):
            return "failed", ("WorkerCrashed: every dask worker that read this file died while reading it (the "
                              "scheduler's distributed.scheduler.allowed-failures ran out): out of memory, or killed?")
        return "failed", display(f"{type(exc).__name__}: {exc}")

    def close(self, *, cancel: bool = False) -> None:
        """Disconnect (the scheduler drops what this client still had running) and stop a LocalCluster."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        self._open, self._sent = {}, []
        if client is not None and cluster is not None:  # our LocalCluster: its pools end with it
            # (on a cluster of others' the pools stay: another run may be using them)
            with contextlib.suppress(Exception):
                client.run(close_pools, cancel)
        with contextlib.suppress(Exception):
            if client is not None:
                client.close(timeout=10)
        with contextlib.suppress(Exception):
            if cluster is not None:
                cluster.close(timeout=10)


def _is_dask(future: Any) -> bool:
    return type(future).__module__.startswith("distributed")


def _key() -> str:
    return os.urandom(8).hex()
