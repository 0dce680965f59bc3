"""Ingest: files → parse → sentences → facts → store, in parallel, incrementally.

Parsing and extraction run in worker processes (pebble's ProcessPool, which can
end one runaway task without ending the batch); the main process discovers and
hashes the files and is the one writer. How a run goes:

* **Discovery** (:mod:`extractor.ingest.discover`) walks the folders in sorted order
  (hidden files, manifests and the database itself left out).
* **Skip**: a file whose path is stored with the same sha256 and the same
  extractor version is not read again (unless ``force``; failures are retried
  with ``retry_failed``, encrypted files when a password is given, and a file
  whose manifest entry changed is re-read).
* **Workers** (:mod:`extractor.ingest.workers`) run :func:`~extractor.extract.extract_rows`:
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

Every file gets a ``documents`` row with a status: ``ok``, ``failed``,
``needs_ocr``, ``encrypted``, or ``skipped`` (a file type policy-facts does not
read, such as an image or a spreadsheet), and an ``error`` message when not ok.
(A second file with the same relative path under another ingest root is only
reported, since ``documents.path`` is unique.)
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor import __version__
from extractor.ingest.discover import (
    MANIFEST_FIELDS,
    SKIP_NAMES,
    ManifestError,
    Manifests,
    discover,
    load_manifest,
    sha256_file,
)
from extractor.ingest.job import (
    DEFAULT_MAX_TEXT_MB,
    STATUSES,
    STORE_ERRORS,
    Extraction,
    extract_file,
    extract_rows,
    store_error,
    to_rows,
)
from extractor.ingest.workers import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    WORKER_PRELOAD,
    Job,
    WorkerPoolError,
    Workers,
)
from extractor.models import ParsedDocument
from extractor.settings import SETTINGS

__all__ = [
    "COMMIT_DOCS", "COMMIT_SECONDS", "DEFAULT_MAX_TEXT_MB", "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "MANIFEST_FIELDS",
    "SKIP_NAMES", "STATUSES", "WORKER_PRELOAD", "Extraction", "ManifestError", "Manifests", "Summary",
    "WorkerPoolError", "Workers", "Writer", "discover", "extract_file", "extract_rows", "ingest", "load_manifest",
    "needs_reading", "sha256_file",
]

#: The writer commits every COMMIT_DOCS documents or COMMIT_SECONDS seconds (each document in its
#: own savepoint inside): fewer, larger commits write each index page to the WAL once per batch.
COMMIT_DOCS = SETTINGS.store.commit_docs
COMMIT_SECONDS = SETTINGS.store.commit_seconds
#: SQLite page cache of the writer's connection, in MB.
WRITER_CACHE_MB = SETTINGS.store.writer_cache_mb


@dataclass
class Summary:
    """Counts for one ingest run (``as_dict`` is the ``--json`` output)."""

    files: int = 0  # discovered
    ok: int = 0
    unchanged: int = 0  # already stored with the same sha256: not read again
    skipped: int = 0  # a file type policy-facts does not read
    failed: int = 0
    needs_ocr: int = 0
    encrypted: int = 0
    facts: int = 0
    sentences: int = 0
    pages: int = 0
    seconds: float = 0.0
    store_seconds: float = 0.0  # of which the writer spent storing results
    interrupted: bool = False
    problems: list[dict[str, str]] = field(default_factory=list)  # {path, status, error}

    @property
    def done(self) -> int:
        """Files dealt with so far (read, stored or found unchanged)."""
        return self.ok + self.unchanged + self.skipped + self.failed + self.needs_ocr + self.encrypted

    @property
    def read(self) -> int:
        """Files read in this run (all but the unchanged ones)."""
        return self.done - self.unchanged

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# ---------------------------------------------------------------- the writer


class Writer:
    """The single writer: results in order, several documents to a transaction.

    Each document is written in its own savepoint (a document that cannot be stored is
    rolled back alone and recorded as failed); the transaction is committed every
    ``max_docs`` documents, after ``max_age`` seconds, and before the writer would wait longer
    than that for the next result. A batch is all or nothing: on an interruption it is rolled
    back (its documents are read again by the next run) and the summary's counts go back to
    what was committed.
    """

    _COUNTS = ("ok", "skipped", "failed", "needs_ocr", "encrypted", "facts", "sentences", "pages")

    def __init__(self, store, summary: Summary, *, max_docs: int | None = None, max_age: float | None = None):
        self.store, self.summary = store, summary
        self.max_docs = COMMIT_DOCS if max_docs is None else max_docs
        self.max_age = COMMIT_SECONDS if max_age is None else max_age
        self._docs = 0
        self._began: float | None = None
        self._saved: tuple | None = None

    def write(self, result: Extraction) -> None:
        if self._began is None:
            self.store.db.execute("BEGIN IMMEDIATE")
            self._began = time.perf_counter()
            self._saved = (tuple(getattr(self.summary, k) for k in self._COUNTS), len(self.summary.problems))
        t0 = time.perf_counter()
        _store(self.store, result, self.summary)
        self.summary.store_seconds += time.perf_counter() - t0
        self._docs += 1
        if self._docs >= self.max_docs or self.time_left() <= 0:
            self.commit()

    def time_left(self) -> float:
        """Seconds before the open batch must be committed (inf when none is open)."""
        return float("inf") if self._began is None else self._began + self.max_age - time.perf_counter()

    def commit(self) -> None:
        if self._began is not None:
            self.store.db.execute("COMMIT")
        self._began, self._docs, self._saved = None, 0, None

    def rollback(self) -> None:
        if self._began is not None:
            self.store.db.rollback()
            counts, n_problems = self._saved or ((), 0)
            for k, v in zip(self._COUNTS, counts, strict=True):
                setattr(self.summary, k, v)
            del self.summary.problems[n_problems:]
        self._began, self._docs, self._saved = None, 0, None


# ---------------------------------------------------------------- the run


def _known(store) -> dict[str, dict[str, Any]]:
    cols = ("sha256", "status", "extractor_version", "doc_type", *(f for f in MANIFEST_FIELDS))
    rows = store.db.execute(f"select path, {', '.join(cols)} from documents").fetchall()
    return {r[0]: dict(zip(cols, r[1:], strict=True)) for r in rows}


def needs_reading(row: dict[str, Any] | None, sha: str, meta: dict[str, str], *, force: bool = False,
                  retry_failed: bool = False, password: str | None = None) -> bool:
    """Whether a file must be (re-)read, given what is stored for its path."""
    if force or row is None or row["sha256"] != sha or row["extractor_version"] != __version__:
        return True
    status = row["status"]
    if status == "encrypted" and password:
        return True
    if status == "failed" and retry_failed:
        return True
    if status == "ok":  # the manifest changed since the file was read
        return any(meta.get(k) and row.get(k) != meta[k] for k in MANIFEST_FIELDS)
    return False


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
    progress: Callable[[Extraction | None, Summary], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Summary:
    """Ingest files and folders into the database at ``db_path``; return the run's counts.

    ``workers``: worker processes (default: ``SETTINGS.ingest.workers``, else one per core; 0 = in
    this process, no limits).
    ``progress(result, summary)`` is called after every file (``result`` None for an unchanged
    file), ``on_total(n)`` once with the number of files found. A KeyboardInterrupt stops the
    run cleanly: what was stored stays, and the summary comes back with ``interrupted`` set.
    """
    from extractor.store.database import Store

    t0 = time.perf_counter()
    report = progress or _no_progress
    summary = Summary()
    db_path = Path(db_path)
    exclude = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal")]
    files = list(discover((Path(p) for p in paths), exclude=exclude))
    summary.files = len(files)
    if on_total:
        on_total(len(files))
    n = _worker_count(workers, len(files))
    max_text_bytes = int(max_text_mb * 2**20) if max_text_mb else None
    pool = Workers(n, timeout=timeout, memory_mb=memory_mb, password=password, max_text_bytes=max_text_bytes)
    store = Store(db_path)
    writer = Writer(store, summary)
    cancel = True
    try:
        store.db.execute("PRAGMA synchronous = NORMAL")
        # the writer's page cache: the facts indexes of a large database stay in memory
        store.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_MB * 1024}")
        known = _known(store)
        manifests = Manifests()
        seen: dict[str, Path] = {}
        pending: deque[list] = deque()  # [job, future or None until submitted], in discovery order
        # results are stored in order: workers run up to `window` files ahead of the writer, so
        # one slow document does not leave the others idle (a result waiting is a few hundred KB)
        ahead = SETTINGS.ingest.lookahead_per_worker
        window = ahead * max(n, 1) + ahead
        todo = iter(files)
        exhausted = False
        report(None, summary)
        while True:
            while not exhausted and len(pending) < window:
                item = next(todo, None)
                if item is None:
                    exhausted = True
                    break
                job = _plan(item, known, manifests, seen, summary, force=force, retry_failed=retry_failed,
                            password=password)
                if isinstance(job, Extraction):  # unreadable
                    writer.write(job)
                    report(job, summary)
                elif job is None:
                    report(None, summary)
                else:
                    pending.append([job, None])
            if not pending:
                break
            # as many workers as jobs, when fewer jobs than workers are left after a look ahead
            pool.start(len(pending) if exhausted else n)
            for entry in pending:
                if entry[1] is None:
                    entry[1] = pool.submit(entry[0])
            job, future = pending.popleft()
            left = writer.time_left()
            if left != float("inf") and not pool.ready(future, left):
                writer.commit()  # nothing waits uncommitted while a slow document is read
            result = pool.result(job, future)
            writer.write(result)
            report(result, summary)
        writer.commit()
        cancel = False
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        try:
            writer.rollback()  # a batch left open by an interruption or an error
            pool.close(cancel=cancel)
        finally:
            store.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _no_progress(result: Extraction | None, summary: Summary) -> None:
    """The progress callback when none is given."""


def _worker_count(workers: int | None, files: int) -> int:
    """Worker processes for ``files`` files: ``workers``, else the setting, else one per core."""
    workers = SETTINGS.ingest.workers if workers is None else workers
    n = (os.cpu_count() or 1) if workers is None else max(0, workers)
    return min(n, max(1, files))


def _plan(item: tuple[Path, str, Path], known: dict, manifests: Manifests, seen: dict[str, Path],
          summary: Summary, **opts) -> Job | Extraction | None:
    """The job for one discovered file; None when it is unchanged; a failed Extraction when it
    cannot be read or its path clashes with another file's in this run."""
    f, rel, root = item
    if rel in seen:
        summary.count("skipped")
        error = f"DuplicatePath: {f} has the same path as {seen[rel]} (under another ingest root); not read"
        summary.problems.append({"path": str(f), "status": "skipped", "error": error})
        return None
    seen[rel] = f
    try:
        size = f.stat().st_size
        sha = sha256_file(f)
    except OSError as exc:
        return Extraction(path=rel, sha256="", size_bytes=0, status="failed",
                          error=f"{type(exc).__name__}: cannot read the file: {exc.strerror or exc}")
    meta = manifests.lookup(f, root)
    if not needs_reading(known.get(rel), sha, meta, **opts):
        summary.unchanged += 1
        return None
    return Job(f, rel, sha, size, meta)



def _store(store, result: Extraction, summary: Summary) -> None:
    """Write one result in one transaction and count it."""
    if result.status == "ok" and (result.rows is not None or result.document is not None):
        try:
            rows = result.rows or to_rows(result)  # a worker sends rows; a library caller may pass models
            store.write_rows(rows)
        except STORE_ERRORS as exc:  # inconsistent extraction output: this file fails, the run goes on
            doc = result.document
            known = (result.rows.document if result.rows is not None
                     else {"doc_type": doc.doc_type, "page_count": doc.page_count} if doc is not None else {})
            result = result.model_copy(update={
                "status": "failed", "error": store_error(exc), "rows": None,
                "document": ParsedDocument(path=result.path, doc_type=known.get("doc_type"),
                                           page_count=known.get("page_count")),
            })
        else:
            summary.ok += 1
            summary.facts += len(rows.facts)
            summary.sentences += len(rows.sentences)
            summary.pages += rows.pages
            return
    doc = result.document
    status = result.status if result.status in STATUSES and result.status != "ok" else "failed"
    store.save_failure(
        result.path,
        result.sha256,
        result.size_bytes,
        status,
        result.error or "",
        doc_type=doc.doc_type if doc else None,
        page_count=doc.page_count if doc else None,
        extractor_version=__version__,
    )
    summary.count(status)
    if status == "needs_ocr" and doc and doc.page_count:
        summary.pages += doc.page_count
    summary.problems.append({"path": result.path, "status": status, "error": result.error or ""})
