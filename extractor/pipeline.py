"""Ingest: files → parse → sentences → facts → store, in parallel, incrementally.

Parsing and extraction run in worker processes (pebble's ProcessPool, which can
end one runaway task without ending the batch); the main process discovers and
hashes the files and is the one writer. How a run goes:

* **Discovery** walks the folders in sorted order (hidden files, manifests and
  the database itself left out).
* **Skip**: a file whose path is stored with the same sha256 and the same
  extractor version is not read again (unless ``force``; failures are retried
  with ``retry_failed``, encrypted files when a password is given, and a file
  whose manifest entry changed is re-read).
* **Workers** parse and extract, and turn the result into row tuples ready to
  insert (:func:`~extractor.rows.prepare_document`), so the writer's share of
  the work, which does not parallelise, is the SQL alone; a per-document time limit and a per-worker
  memory limit end a pathological document without ending the batch. Workers
  fork from a forkserver that has imported the parsers, load the pattern files
  once (warm-up), load heavy models (jieba, spaCy) lazily and once, and exit
  when the main process is gone (``kill -9``). There are never more workers
  than files to read.
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

import contextlib
import csv
import hashlib
import multiprocessing
import os
import resource
import sqlite3
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .errors import CorruptDocument, DocumentTooLarge, PolicyFactsError, UnsupportedFileType
from .models import Claim, Fact, ParsedDocument, Sentence
from .rows import DocumentRows, prepare_document

SKIP_NAMES = {"manifest.yml", "manifest.yaml", "manifest.csv"}  # metadata, not documents
MANIFEST_FIELDS = ("title", "publisher", "published", "source_url", "author")
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_TEXT_MB = 10
#: The writer commits every COMMIT_DOCS documents or COMMIT_SECONDS seconds (each document in its
#: own savepoint inside): fewer, larger commits write each index page to the WAL once per batch.
COMMIT_DOCS = 64
COMMIT_SECONDS = 2.0
#: SQLite page cache of the writer's connection, in MB.
WRITER_CACHE_MB = 64
STATUSES = ("ok", "skipped", "failed", "needs_ocr", "encrypted")
#: Modules the worker processes import once, before forking (forkserver start method).
WORKER_PRELOAD = ["extractor.pipeline", "extractor.parse", "extractor.parse.pdf", "extractor.facts", "extractor.segment",
                  "extractor.claims", "extractor.entities"]


class ManifestError(PolicyFactsError):
    """A manifest.yml / manifest.csv cannot be read."""


class WorkerPoolError(PolicyFactsError):
    """The worker processes cannot run (not the fault of any one file): the run stops."""


class Extraction(BaseModel):
    """What a worker sends back for one file: the parsed document and its extractions, or,
    from :func:`extract_rows`, the same as database rows (``rows``; the models are dropped)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: str
    sha256: str
    size_bytes: int
    status: str = "ok"
    error: str | None = None
    document: ParsedDocument | None = None
    sentences: list[Sentence] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    rows: DocumentRows | None = None
    seconds: float = 0.0


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


# ---------------------------------------------------------------- discovery


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[tuple[Path, str, Path]]:
    """Yield (file, path relative to its ingest root, root) for every candidate file, in sorted order."""
    skip = {Path(p).resolve() for p in exclude}
    for root in paths:
        root = Path(root)
        if root.is_file():
            if root.resolve() not in skip:
                yield root, root.name, root.parent
            continue
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                if name.startswith(".") or name in SKIP_NAMES:
                    continue
                f = Path(dirpath) / name
                if skip and f.resolve() in skip:
                    continue
                found.append((f.relative_to(root).as_posix(), f))
        for rel, f in sorted(found):
            yield f, rel, root


# ---------------------------------------------------------------- manifests


def _clean_meta(entry: Any, where: str) -> dict[str, str]:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected a mapping of fields, got {entry!r}")
    out = {}
    for k, v in entry.items():
        if v is None or str(v).strip() == "":
            continue
        key = "published" if k == "date" else str(k)
        out[key] = str(v).strip()
    if "published" in out:
        out["published"] = out["published"][:10]
    return out


def load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Metadata a folder's ``manifest.yml`` or ``manifest.csv`` gives its files, keyed by
    path relative to the folder (``documents:`` may be a mapping or a list of entries with
    a ``file`` key; a CSV has a ``file`` column). Fields: title, publisher, published (or
    date), source_url, author. Raises :class:`ManifestError` for a manifest it cannot read."""
    for name in ("manifest.yml", "manifest.yaml"):
        p = folder / name
        if p.exists():
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise ManifestError(f"{p}: not valid YAML: {exc}") from exc
            items = data.get("documents", data) if isinstance(data, dict) else data
            if isinstance(items, dict):
                return {str(k): _clean_meta(v, f"{p}: {k}") for k, v in items.items()}
            if isinstance(items, list):
                out = {}
                for n, item in enumerate(items):
                    if not isinstance(item, dict) or not item.get("file"):
                        raise ManifestError(f"{p}: entry {n + 1} has no `file`")
                    out[str(item["file"])] = _clean_meta(
                        {k: v for k, v in item.items() if k != "file"}, f"{p}: {item['file']}"
                    )
                return out
            raise ManifestError(f"{p}: expected `documents:` with one entry per file")
    p = folder / "manifest.csv"
    if p.exists():
        try:
            with open(p, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ManifestError(f"{p}: cannot be read: {exc}") from exc
        out = {}
        for n, r in enumerate(rows):
            name = r.get("file") or r.get("path") or r.get("filename")
            if not name:
                raise ManifestError(f"{p}: row {n + 2} has no `file`")
            out[name] = _clean_meta({k: v for k, v in r.items() if k not in ("file", "path", "filename")},
                                    f"{p}: {name}")
        return out
    return {}


class Manifests:
    """Manifest lookups: the file's own folder first, then each parent up to the ingest root
    (keys are paths relative to the manifest's folder)."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str]]] = {}

    def folder(self, folder: Path) -> dict[str, dict[str, str]]:
        if folder not in self._cache:
            self._cache[folder] = load_manifest(folder)
        return self._cache[folder]

    def lookup(self, file: Path, root: Path) -> dict[str, str]:
        folder = file.parent
        while True:
            entries = self.folder(folder)
            if entries:
                key = file.relative_to(folder).as_posix()
                if key in entries:
                    return entries[key]
            if folder == root or folder == folder.parent or root not in folder.parents:
                return {}
            folder = folder.parent


def _apply_manifest(doc: ParsedDocument, meta: dict[str, str]) -> None:
    for key in ("title", "publisher", "source_url", "author"):
        if meta.get(key):
            setattr(doc, key, meta[key])
    date = meta.get("published") or meta.get("date")
    if date:
        doc.published = str(date)[:10]


# ---------------------------------------------------------------- the worker's job


def _check_size(path: Path, size: int, max_text_bytes: int | None) -> None:
    """Refuse a text/HTML/Markdown file over the limit before reading it (PDFs are bound by time)."""
    if not max_text_bytes or size <= max_text_bytes:
        return
    with open(path, "rb") as fh:
        if b"%PDF-" in fh.read(1024):
            return
    raise DocumentTooLarge(
        f"{size / 2**20:.1f} MB is over the {max_text_bytes / 2**20:g} MB limit for text, HTML and "
        "Markdown files (--max-text-mb)"
    )


def _pdf_truncated(path: Path) -> bool:
    """Whether a PDF that failed looks cut short: it has PDF objects, but no ``%%EOF`` at its end."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
            fh.seek(max(0, path.stat().st_size - 2048))
            return b"%%EOF" not in fh.read() and b" obj" in head
    except OSError:
        return False


def _status_for(exc: PolicyFactsError, path: Path) -> str:
    if isinstance(exc, UnsupportedFileType):
        from .parse import SUPPORTED_SUFFIXES

        # an image or spreadsheet in the folder is not an error; a ".pdf" that is a ZIP is
        return "failed" if path.suffix.lower() in SUPPORTED_SUFFIXES else "skipped"
    return exc.status if exc.status in STATUSES else "failed"


def _message(exc: BaseException, path: Path, rel: str) -> str:
    text = str(exc).replace(str(path), rel)
    if text.startswith(f"{path.name}: ") and path.name != rel:
        text = f"{rel}: {text[len(path.name) + 2:]}"
    return f"{type(exc).__name__}: {text}"


def extract_file(path: Path, rel: str, sha: str, size: int, meta: dict[str, str] | None = None,
                 password: str | None = None, max_text_bytes: int | None = DEFAULT_MAX_TEXT_MB << 20) -> Extraction:
    """Parse one file and extract its facts (runs in a worker process). Never raises for a bad file:
    the returned :class:`Extraction` carries the status and error instead."""
    from .claims import extract_claims
    from .facts import extract_facts
    from .parse import parse_file
    from .periods import signature_date
    from .segment import sentences as split

    path = Path(path)
    t0 = time.perf_counter()
    result = Extraction(path=rel, sha256=sha, size_bytes=size)
    try:
        _check_size(path, size, max_text_bytes)
        doc = parse_file(path, password=password)
        doc.path = rel
        _apply_manifest(doc, meta or {})
        if not doc.published:  # the document's own date: signature / 印发 date
            doc.published = signature_date(doc.text)
        if doc.title and doc.pages and doc.doc_type != "pdf" and doc.title not in doc.pages[0].text[:500]:
            doc.pages[0].text = doc.title + "\n" + doc.pages[0].text
        sents = split(doc.pages)
        result.document = doc
        result.sentences = sents
        result.facts = extract_facts(doc, sents)
        result.claims = extract_claims(doc, sents, result.facts)
    except PolicyFactsError as exc:
        result.status, result.error = _status_for(exc, path), _message(exc, path, rel)
        if isinstance(exc, CorruptDocument) and _pdf_truncated(path):
            result.error += " (the file looks truncated: no %%EOF at its end)"
        if getattr(exc, "page_count", None) is not None:
            result.document = ParsedDocument(path=rel, doc_type="pdf", page_count=exc.page_count)
    except MemoryError:
        result.document, result.sentences, result.facts = None, [], []  # free what was built
        result.status = "failed"
        result.error = "MemoryError: the document needs more memory than a worker may use (--memory-mb)"
    except RecursionError as exc:
        result.status, result.error = "failed", f"RecursionError: {exc}"
    except Exception as exc:  # a bad file must never stop the batch
        result.status, result.error = "failed", _message(exc, path, rel)
    if result.status != "ok":
        result.sentences, result.facts, result.claims = [], [], []
        if result.document is not None:  # keep what is known: type and pages
            doc = result.document
            result.document = ParsedDocument(path=rel, doc_type=doc.doc_type, page_count=doc.page_count)
    result.seconds = time.perf_counter() - t0
    return result


def extract_rows(*args: Any, **kw: Any) -> Extraction:
    """:func:`extract_file`, with an ok result turned into database rows (what a worker sends
    the writer): plain tuples are several times cheaper to send, and the writer has only the
    SQL left to do. Links that point nowhere fail the file here, as the store would."""
    result = extract_file(*args, **kw)
    if result.status != "ok" or result.document is None:
        return result
    t0 = time.perf_counter()
    doc = result.document
    try:
        rows = prepare_document(doc, path=result.path, sha256=result.sha256, size_bytes=result.size_bytes,
                                sentences=result.sentences, facts=result.facts, claims=result.claims,
                                extractor_version=__version__)
    except _STORE_ERRORS as exc:
        result.status, result.error = "failed", f"StoreError: {type(exc).__name__}: {exc}"
        result.document = ParsedDocument(path=result.path, doc_type=doc.doc_type, page_count=doc.page_count)
    else:
        result.rows, result.document = rows, None
    result.sentences, result.facts, result.claims = [], [], []
    result.seconds += time.perf_counter() - t0
    return result


# ---------------------------------------------------------------- worker processes

_WARM_TEXT = "杭州市人民政府办公厅\n2024年，全市数字贸易进出口额达到1234.5亿元，同比增长12.5%。\n2024年4月23日\n"


def _warm_up() -> None:
    """Import the parsers and load the pattern files once, before the first document's clock starts.

    Heavy models (jieba's dictionary, the spaCy pipeline) stay lazy: each worker loads them, once,
    when a document first needs them (the extractors cache them per process)."""
    with contextlib.suppress(Exception):
        import extractor.parse.pdf  # noqa: F401  (pdfplumber)
    with contextlib.suppress(Exception), tempfile.TemporaryDirectory(prefix="policy-facts-warm-") as tmp:
        p = Path(tmp) / "warm.txt"
        p.write_text(_WARM_TEXT, encoding="utf-8")
        extract_file(p, "warm.txt", "", p.stat().st_size)


def _vm_size() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(megabytes: int) -> None:
    """Cap the worker's address space at its size after warm-up plus ``megabytes``: a runaway
    document then gets a MemoryError (or, in C code, ends the worker), not the machine's memory."""
    if megabytes > 0:
        base = _vm_size() or 0
        limit = base + megabytes * 1024 * 1024
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass


def _watch_parent() -> None:
    """End this worker when its parent goes away (the ingest was killed with SIGKILL)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_init(memory_mb: int) -> None:
    try:
        _watch_parent()
        _warm_up()
        _limit_memory(memory_mb)
    except Exception:  # an initializer that fails makes pebble restart the worker forever
        pass


def _mp_context():
    """forkserver where available: workers fork from a clean single-threaded process that has
    already imported the parsers (fork from a threaded process is unsafe)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD)
        return ctx
    return multiprocessing.get_context()


@dataclass
class _Job:
    file: Path
    rel: str
    sha: str
    size: int
    meta: dict[str, str]


class _Done:
    """A finished result for a job run in the main process (workers=0)."""

    def __init__(self, value: Extraction):
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> Extraction:
        return self.value


class Workers:
    """The worker pool, started on the first job (a run with nothing to read starts no process)
    with no more workers than there are jobs (``start``).

    ``n == 0`` runs each job in the calling process: no time or memory limit (for debugging
    and profiling)."""

    def __init__(self, n: int, *, timeout: float | None, memory_mb: int, password: str | None,
                 max_text_bytes: int | None):
        self.n, self.timeout, self.memory_mb = n, timeout, memory_mb
        self.password, self.max_text_bytes = password, max_text_bytes
        self.size: int | None = None
        self._pool = None

    def start(self, jobs: int) -> None:
        """Fix the pool's size: at most ``n``, at most ``jobs`` (the jobs known so far, when that is all)."""
        if self.size is None:
            self.size = max(1, min(self.n, jobs))

    def submit(self, job: _Job):
        args = (job.file, job.rel, job.sha, job.size, job.meta, self.password, self.max_text_bytes)
        if self.n == 0:
            return _Done(extract_rows(*args))
        if self._pool is None:
            from pebble import ProcessPool

            self.start(self.n)
            self._pool = ProcessPool(max_workers=self.size, initializer=_worker_init, initargs=(self.memory_mb,),
                                     context=_mp_context())
        return self._pool.schedule(extract_rows, args=args, timeout=self.timeout or None)

    @staticmethod
    def ready(future, timeout: float) -> bool:
        """Whether the job's result is there, waiting up to ``timeout`` seconds for it."""
        if isinstance(future, _Done):
            return True
        from concurrent.futures import wait

        return bool(wait([future], timeout=max(0.0, timeout)).done)

    def result(self, job: _Job, future) -> Extraction:
        """The job's result; a timeout or a worker that died becomes a ``failed`` Extraction."""
        from pebble import ProcessExpired

        try:
            return future.result()
        except FutureTimeout:
            err = f"Timeout: gave up after {self.timeout:g} s (--timeout): the document is too large or pathological"
        except ProcessExpired as exc:
            how = f"was killed by signal {-exc.exitcode}" if (exc.exitcode or 0) < 0 else f"exited ({exc.exitcode})"
            err = f"WorkerCrashed: the worker reading this file {how}; out of memory?"
        except MemoryError:
            err = "MemoryError: the result was too large to send back"
        except Exception as exc:
            if type(exc).__name__ == "BrokenProcessPool":  # not this file's fault: stop the run
                raise WorkerPoolError(
                    f"the worker processes could not run ({exc}); a script that calls ingest() must do so "
                    "under `if __name__ == '__main__':`, or pass workers=0"
                ) from exc
            err = f"{type(exc).__name__}: {exc}"
        return Extraction(path=job.rel, sha256=job.sha, size_bytes=job.size, status="failed", error=err)

    def close(self, *, cancel: bool = False) -> None:
        if self._pool is not None:
            if cancel:
                self._pool.stop()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None


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
            counts, n_problems = self._saved
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

    ``workers``: worker processes (default: one per core; 0 = in this process, no limits).
    ``progress(result, summary)`` is called after every file (``result`` None for an unchanged
    file), ``on_total(n)`` once with the number of files found. A KeyboardInterrupt stops the
    run cleanly: what was stored stays, and the summary comes back with ``interrupted`` set.
    """
    from .store import Store

    t0 = time.perf_counter()
    summary = Summary()
    db_path = Path(db_path)
    exclude = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal")]
    files = list(discover((Path(p) for p in paths), exclude=exclude))
    summary.files = len(files)
    if on_total:
        on_total(len(files))
    n = (os.cpu_count() or 1) if workers is None else max(0, workers)
    n = min(n, max(1, len(files)))
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
        window = 16 * max(n, 1) + 16
        todo = iter(files)
        exhausted = False
        if progress:
            progress(None, summary)
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
                    if progress:
                        progress(job, summary)
                elif job is None:
                    if progress:
                        progress(None, summary)
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
            if progress:
                progress(result, summary)
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


def _plan(item: tuple[Path, str, Path], known: dict, manifests: Manifests, seen: dict[str, Path],
          summary: Summary, **opts) -> _Job | Extraction | None:
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
    return _Job(f, rel, sha, size, meta)


_STORE_ERRORS = (ValueError, TypeError, KeyError, sqlite3.IntegrityError)


def _store(store, result: Extraction, summary: Summary) -> None:
    """Write one result in one transaction and count it."""
    if result.status == "ok" and result.rows is not None:
        try:
            store.write_rows(result.rows)
        except _STORE_ERRORS as exc:
            known = result.rows.document
            result = result.model_copy(update={
                "status": "failed", "error": f"StoreError: {type(exc).__name__}: {exc}", "rows": None,
                "document": ParsedDocument(path=result.path, doc_type=known.get("doc_type"),
                                           page_count=known.get("page_count")),
            })
        else:
            summary.ok += 1
            summary.facts += len(result.rows.facts)
            summary.sentences += len(result.rows.sentences)
            summary.pages += result.rows.pages
            return
    elif result.status == "ok" and result.document is not None:
        try:
            store.save_document(
                result.document,
                path=result.path,
                sha256=result.sha256,
                size_bytes=result.size_bytes,
                sentences=result.sentences,
                facts=result.facts,
                claims=result.claims,
                status="ok",
                extractor_version=__version__,
            )
        except _STORE_ERRORS as exc:  # inconsistent extraction output: this file fails, the run goes on
            result = result.model_copy(update={
                "status": "failed", "error": f"StoreError: {type(exc).__name__}: {exc}",
            })
        else:
            summary.ok += 1
            summary.facts += len(result.facts)
            summary.sentences += len(result.sentences)
            summary.pages += result.document.page_count or len(result.document.pages)
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
