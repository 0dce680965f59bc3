"""Ingest: files → parse → sentences → facts → store, in parallel, incrementally.

Parsing and extraction run in worker processes (pebble's ProcessPool, which can
end one runaway task without ending the batch); the main process discovers the
files and is the one writer. How a run goes:

* **Discovery** (:mod:`extractor.ingest.discover`) walks the folders in sorted order
  (hidden files, manifests and the database itself left out), regular files only:
  a symbolic link is followed only with ``follow_symlinks`` and only inside its
  root; a link, FIFO or device is a ``skipped`` file, never opened; a folder that
  cannot be listed is reported (``unreadable``).
* **Identity**: a file is its ingest root (absolute, canonical) and its path
  under it; a document is a content (sha256). The same content under two paths
  is one document with two rows in ``document_files``; a file of the same name
  under another root is another file, never a replacement.
* **Hashing** runs in the workers, under the time limit of one document; a file
  whose size, times and inode are those recorded when it was last hashed
  (``document_files.fingerprint``) is not hashed again, so an unchanged corpus
  starts no worker at all.
* **Skip**: a file whose content is stored with the same extractor version is
  not read again (unless ``force``; failures are retried with ``retry_failed``,
  encrypted files when a password is given, and a file whose manifest entry
  changed is re-read); a file whose content is stored under another path is
  recorded as another file of that document (``duplicates``).
* **Workers** (:mod:`extractor.ingest.workers`) run :func:`~extractor.ingest.job.extract_rows`:
  parse, extract, and turn the result into row tuples ready to insert, so the
  writer's share of the work, which does not parallelise, is the SQL alone. A
  per-document time limit and a per-worker memory limit end a pathological
  document without ending the batch. There are never more workers than files
  to read, and they run at most ``16 × workers + 16`` files ahead of the writer
  (``SETTINGS.ingest.lookahead_per_worker``).
* **One writer** stores the results in discovery order, each document in its own
  savepoint, several documents to a transaction (committed every 64 documents or
  2 seconds), so an interrupted run (Ctrl-C, ``kill -9``, power loss) leaves no
  half-stored document, and a rerun picks up where it stopped and ends with the
  same database, ids included, as an uninterrupted run. The database is in WAL
  mode (``synchronous=NORMAL``: a commit costs no fsync; a power loss may lose
  the last commits, which the next run redoes) so Datasette can read meanwhile.
* **Prune** (``prune``): files stored under a folder root of this run that are
  gone from it are forgotten, and documents left without files deleted (not
  under a folder that could not be listed).

Every file gets a ``documents`` row with a status (see :data:`~extractor.ingest.job.STATUSES`)
and an ``error`` message when not ok.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor import __version__
from extractor.ingest.discover import (
    MANIFEST_FIELDS,
    SKIP_NAMES,
    Found,
    ManifestError,
    Manifests,
    discover,
    display,
    load_manifest,
    sha256_file,
)
from extractor.ingest.job import (
    DEFAULT_MAX_TEXT_MB,
    STATUSES,
    Extraction,
    extract_file,
    extract_rows,
    needs_reading,
)
from extractor.ingest.keep_sources import keep_sources as keep_all
from extractor.ingest.workers import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    Job,
    Pool,
    WorkerPoolError,
    Workers,
)
from extractor.ingest.writer import Link, Summary, Writer
from extractor.settings import SETTINGS
from extractor.store.sources import sources_dir

__all__ = [
    "COMMIT_DOCS", "COMMIT_SECONDS", "DEFAULT_MAX_TEXT_MB", "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "MANIFEST_FIELDS",
    "SKIP_NAMES", "STATUSES", "Extraction", "Link", "ManifestError", "Manifests", "Summary",
    "WorkerPoolError", "Workers", "Writer", "discover", "extract_file", "extract_rows", "ingest", "load_manifest",
    "needs_reading", "sha256_file",
]

#: The writer commits every COMMIT_DOCS documents or COMMIT_SECONDS seconds (each document in its
#: own savepoint inside): fewer, larger commits write each index page to the WAL once per batch.
COMMIT_DOCS = SETTINGS.store.commit_docs
COMMIT_SECONDS = SETTINGS.store.commit_seconds
#: SQLite page cache of the writer's connection, in MB.
WRITER_CACHE_MB = SETTINGS.store.writer_cache_mb


# ---------------------------------------------------------------- the run


@dataclass
class _Known:
    """What the database held when the run began: documents by id, by content, and files."""

    docs: dict[int, dict[str, Any]]
    by_sha: dict[str, int]
    files: dict[tuple[str, str], tuple[int, str | None]]  # (root, path) → (doc_id, fingerprint)

    @classmethod
    def load(cls, store) -> _Known:
        cols = ("id", "root", "path", "sha256", "status", "error", "extractor_version", "doc_type", "pdf_engine", "ocr_mode",
                *MANIFEST_FIELDS)
        rows = store.db.execute(f"select {', '.join(cols)} from documents order by id").fetchall()
        docs = {r[0]: dict(zip(cols, r, strict=True)) for r in rows}
        by_sha: dict[str, int] = {}
        for d in docs.values():
            if d["sha256"]:
                by_sha.setdefault(d["sha256"], d["id"])
        files = {(r, p): (d, fp) for r, p, d, fp in
                 store.db.execute("select root, path, doc_id, fingerprint from document_files")}
        return cls(docs, by_sha, files)


class _Entry:
    """One discovered file on its way: hashing (``future``), decided (``op``), reading (``future``)."""

    __slots__ = ("found", "future", "job", "op", "stage")

    def __init__(self, found: Found, stage: str, op: Extraction | Link | None = None):
        self.found, self.stage, self.op = found, stage, op
        self.future: Any = None
        self.job: Job | None = None


def ingest(
    paths: Iterable[Path | str],
    db_path: Path | str,
    *,
    workers: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_text_mb: float | None = DEFAULT_MAX_TEXT_MB,
    password: str | None = None,
    force: bool = False,
    retry_failed: bool = False,
    follow_symlinks: bool = False,
    prune: bool = False,
    progress: Callable[[Extraction | None, Summary], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    cluster: str | None = None,
    ship_bytes: bool = False,
    worker_paths: Sequence[str] = (),
    pdf_engine: str | None = None,
    keep_sources: bool = True,
    ocr: str | None = None,
) -> Summary:
    """Ingest files and folders into the database at ``db_path``; return the run's counts.

    ``workers``: worker processes (default: ``SETTINGS.ingest.workers``, else one per core; 0 = in
    this process, no limits).
    ``follow_symlinks``: follow symbolic links that stay inside their root. ``prune``: forget
    the files of the folders ingested that are gone (and documents left without files).
    ``pdf_engine``: what reads PDF pages, "pdfium" (default ``SETTINGS.pdf.engine``) or "pdfplumber";
    ``ocr``: which PDF pages OCR reads, "auto" (default ``SETTINGS.ocr.mode``: those without a usable
    text layer), "force" (all) or "off" (none: a PDF without a text layer is ``needs_ocr``).
    ``keep_sources``: keep each stored document's source file beside the database, in ``sources/``
    (:mod:`extractor.ingest.keep_sources`).
    ``progress(result, summary)`` is called after every file (``result`` None for an unchanged
    or duplicate file), ``on_total(n)`` once with the number of files found. A KeyboardInterrupt
    stops the run cleanly: what was stored stays, and the summary comes back with ``interrupted`` set.

    ``cluster``: run the workers' jobs on a Dask cluster instead (``tcp://HOST:8786``, or ``local:N``
    for a LocalCluster of N processes); its workers read the files at the same path, at the
    ``worker_paths`` given (``LOCAL=REMOTE``), or are sent their bytes (``ship_bytes``). See
    :mod:`extractor.ingest.cluster`.
    """
    from extractor.store.database import Store

    t0 = time.perf_counter()
    summary = Summary()
    db_path = Path(db_path)
    roots = [Path(p) for p in paths]
    exclude = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal"), sources_dir(db_path)]
    found = list({(f.root_id, f.rel): f for f in discover(roots, exclude=exclude,
                                                           follow_symlinks=follow_symlinks)}.values())
    summary.files = sum(f.status != "unreadable" for f in found)
    if on_total:
        on_total(summary.files)
    limits: dict[str, Any] = {"timeout": timeout, "memory_mb": memory_mb, "password": password,
                              "max_text_bytes": int(max_text_mb * 2**20) if max_text_mb else None,
                              "pdf_engine": pdf_engine or SETTINGS.pdf.engine, "ocr": ocr or SETTINGS.ocr.mode}
    store = Store(db_path)
    writer = Writer(store, summary, max_docs=COMMIT_DOCS, max_age=COMMIT_SECONDS)
    opts = {"force": force, "retry_failed": retry_failed, "password": password, "pdf_engine": limits["pdf_engine"],
            "ocr": limits["ocr"]}
    cancel = True
    pool: Pool | None = None
    try:
        if cluster:
            from extractor.ingest.cluster import ClusterWorkers

            pool = ClusterWorkers(cluster, ship_bytes=ship_bytes, worker_paths=worker_paths, **limits)
        else:
            pool = Workers(_worker_count(workers, summary.files), **limits)
        n = pool.n
        store.db.execute("PRAGMA synchronous = NORMAL")
        # the writer's page cache: the facts indexes of a large database stay in memory
        store.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_MB * 1024}")
        run = _Run(store, pool, writer, summary, _Known.load(store), Manifests(), opts, progress)
        run.go(found, n)
        writer.commit()
        if prune:
            _prune(store, roots, found, summary)
        if keep_sources:
            summary.sources_kept, summary.sources_missing = keep_all(store, db_path)
        cancel = False
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        try:
            writer.rollback()  # a batch left open by an interruption or an error
            if pool is not None:
                pool.close(cancel=cancel)
        finally:
            store.close()
    summary.seconds = time.perf_counter() - t0
    return summary


class _Run:
    """The loop of one run: plan each file, hash and read in the workers, write in order."""

    def __init__(self, store, pool: Pool, writer: Writer, summary: Summary, known: _Known, manifests: Manifests,
                 opts: dict, progress: Callable | None):
        self.store, self.pool, self.writer, self.summary = store, pool, writer, summary
        self.known, self.manifests, self.opts, self.progress = known, manifests, opts, progress
        self.reading: set[str] = set()  # contents read in this run: a later file of the same is a duplicate

    def go(self, found: list[Found], n: int) -> None:
        pending: deque[_Entry] = deque()  # in discovery order
        # results are stored in order: workers run up to `window` files ahead of the writer, so
        # one slow document does not leave the others idle (a result waiting is a few hundred KB)
        ahead = SETTINGS.ingest.lookahead_per_worker
        window = ahead * max(n, 1) + ahead
        todo = iter(found)
        exhausted = False
        self._report(None)
        while True:
            while not exhausted and len(pending) < window:
                item = next(todo, None)
                if item is None:
                    exhausted = True
                    break
                entry = self._plan(item)
                if entry is not None:
                    pending.append(entry)
            if not pending:
                break
            # as many workers as jobs, when fewer jobs than workers are left after a look ahead
            self.pool.start(len(pending) if exhausted else n)
            self._start(pending)
            head = pending[0]
            if head.stage in ("hashing", "reading") and not self._wait(head.future):
                continue
            if head.stage == "hashing":
                self._decide(head)
                continue
            pending.popleft()
            self._finish(head)

    def _report(self, result: Extraction | None) -> None:
        if self.progress:
            self.progress(result, self.summary)

    def _wait(self, future) -> bool:
        """Wait for a worker's result; commit first when the writer would wait longer than its batch may."""
        left = self.writer.time_left()
        if left != float("inf") and not self.pool.ready(future, left):
            self.writer.commit()  # nothing waits uncommitted while a slow document is read
        return self.pool.ready(future, 3600.0)

    def _plan(self, f: Found) -> _Entry | None:
        """Start on one discovered file: a file to hash, a file not to read (written as it is), or
        a folder that could not be listed (reported, no row)."""
        if f.status == "unreadable":
            self.summary.unreadable += 1
            self.summary.problems.append({"path": f.rel, "status": "unreadable", "error": f.error or ""})
            return None
        held_file = self.known.files.get((f.root_id, f.rel))
        if f.status is not None:
            held = self.known.docs.get(held_file[0]) if held_file else None
            if (held is not None and not held["sha256"] and (held["status"], held["error"]) == (f.status, f.error)
                    and held["extractor_version"] == __version__):
                self.summary.unchanged += 1
                self._report(None)
                return None
            return _Entry(f, "ready", Extraction(path=f.rel, root=f.root_id, sha256="", size_bytes=0,
                                                 status=f.status, error=f.error))
        entry = _Entry(f, "hashing")
        held = self.known.docs.get(held_file[0]) if held_file and held_file[1] == f.fingerprint else None
        if held is not None and held["sha256"]:  # as it was when hashed: the same content
            entry.future = self.pool.known((held["sha256"], int(f.fingerprint.split(":")[0])))
        return entry

    def _start(self, pending: deque[_Entry]) -> None:
        """Hash what is waiting to be hashed; decide, in order, what has been hashed."""
        for entry in pending:
            if entry.stage == "hashing" and entry.future is None:
                entry.future = self.pool.hash(entry.found.file)
        for entry in pending:
            if entry.stage == "hashing":
                if not entry.future.done():
                    break  # decisions go in discovery order: the first of two equal files reads it
                self._decide(entry)

    def _decide(self, entry: _Entry) -> None:
        """A hashed file: unchanged, a duplicate of stored content, a failure, or a file to read."""
        f = entry.found
        hashed, status, error = self.pool.hashed(entry.future)
        entry.future = None
        if hashed is None:
            entry.stage, entry.op = "ready", Extraction(path=f.rel, root=f.root_id, sha256="", size_bytes=0,
                                                        status=status, error=error)
            return
        sha, size = hashed
        try:
            meta = self.manifests.lookup(f.path, f.root)
        except ManifestError as exc:  # not read: its content is no document of its own (sha256 '')
            where = str(exc).replace(str(f.root).rstrip(os.sep) + os.sep, "")
            entry.stage, entry.op = "ready", Extraction(path=f.rel, root=f.root_id, sha256="", size_bytes=size,
                                                        status="failed", error=display(f"ManifestError: {where}"))
            return
        known, here = self.known, (f.root_id, f.rel)
        doc = known.docs.get(known.by_sha.get(sha, -1))
        if sha in self.reading:
            entry.stage, entry.op = "ready", Link(f.rel, f.root_id, sha, size)
            return
        if doc is not None:
            first = (doc["root"], doc["path"]) == here
            if not needs_reading(doc, sha, meta if first else {}, **self.opts):
                held = known.files.get(here)
                own = held is not None and held[0] == doc["id"]
                link = Link(f.rel, f.root_id, sha, size, f.fingerprint, own)
                entry.stage, entry.op = "ready", None if own and held is not None and held[1] == f.fingerprint else link
                return
        self.reading.add(sha)
        entry.job = Job(f.file, f.rel, sha, size, meta, f.root_id)
        entry.stage, entry.future = "reading", self.pool.submit(entry.job)

    def _finish(self, entry: _Entry) -> None:
        """Write the head of the queue (in discovery order)."""
        if entry.stage == "reading":
            assert entry.job is not None
            result: Extraction | Link | None = self.pool.result(entry.job, entry.future)
        else:
            result = entry.op
        if result is None:
            self.summary.unchanged += 1
            self._report(None)
            return
        if isinstance(result, Link) and self.store.content_id(result.sha256) is None:
            # the content stored under the other path was replaced earlier in this run: read it here
            entry.job = Job(entry.found.file, result.path, result.sha256, result.size_bytes, {}, result.root)
            entry.stage, entry.future = "reading", self.pool.submit(entry.job)
            self._wait(entry.future)
            result = self.pool.result(entry.job, entry.future)
        if isinstance(result, Extraction) and result.sha256:
            result.fingerprint = entry.found.fingerprint
        self.writer.write(result)
        self._report(result if isinstance(result, Extraction) else None)


def _worker_count(workers: int | None, files: int) -> int:
    """Worker processes for ``files`` files: ``workers``, else the setting, else one per core."""
    workers = SETTINGS.ingest.workers if workers is None else workers
    n = (os.cpu_count() or 1) if workers is None else max(0, workers)
    return min(n, max(1, files))


def _prune(store, paths: list[Path], found: list[Found], summary: Summary) -> None:
    """Forget the files of the folder roots of this run that are gone (see :meth:`Store.prune`):
    not those under a folder that could not be listed, nothing when the root itself could not be."""
    roots = {display(os.path.realpath(p)) for p in paths if p.is_dir()}
    keep: dict[str, set[str]] = {r: set() for r in roots}
    protect: dict[str, list[str]] = {r: [] for r in roots}
    for f in found:
        if f.root_id not in keep:
            continue
        if f.status == "unreadable":
            protect[f.root_id].append("" if f.rel == "./" else f.rel)
        else:
            keep[f.root_id].add(f.rel)
    for root in sorted(roots):
        if "" in protect[root]:
            continue
        files, docs = store.prune(root, keep[root], tuple(protect[root]))
        summary.pruned_files += files
        summary.pruned_documents += docs


