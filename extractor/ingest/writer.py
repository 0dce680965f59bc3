"""The single writer: results in discovery order, several documents to a transaction, and the run's counts.

A worker's result (an :class:`~extractor.ingest.job.Extraction` with its rows, or a
failure) or a :class:`Link` (a file whose content is stored already) is written by
:func:`store_result`; :class:`Writer` groups them into batches, each document in its
own savepoint, and keeps the :class:`Summary` to what was committed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from extractor import __version__
from extractor.ingest.job import STATUSES, STORE_ERRORS, STORED, Extraction, store_error, to_rows
from extractor.models import ParsedDocument
from extractor.settings import SETTINGS

__all__ = ["Link", "Summary", "Writer", "store_result"]


@dataclass
class Summary:
    """Counts for one ingest run (``as_dict`` is the ``--json`` output)."""

    files: int = 0  # discovered
    ok: int = 0
    partial: int = 0  # stored, but some pages could not be read
    unchanged: int = 0  # already stored with the same sha256: not read again
    duplicates: int = 0  # content stored under another path: recorded as another file of that document
    skipped: int = 0  # a file type policy-facts does not read, a link not followed, a FIFO
    failed: int = 0
    too_large: int = 0  # over a size, memory or time limit
    needs_ocr: int = 0
    encrypted: int = 0
    unreadable: int = 0  # folders that could not be listed (not counted in files)
    pruned_files: int = 0  # files gone from their folder, forgotten (--prune)
    pruned_documents: int = 0  # documents left without files, deleted (--prune)
    sources_kept: int = 0  # source files kept beside the database in this run (db/sources/SHA256.EXT)
    sources_missing: int = 0  # stored documents whose source could not be kept (their files gone or changed)
    facts: int = 0
    sentences: int = 0
    pages: int = 0
    ocr_pages: int = 0  # of which read by OCR
    seconds: float = 0.0
    store_seconds: float = 0.0  # of which the writer spent storing results
    interrupted: bool = False
    problems: list[dict[str, str]] = field(default_factory=list)  # {path, status, error}

    @property
    def done(self) -> int:
        """Files dealt with so far (read, stored, linked or found unchanged)."""
        return (self.ok + self.partial + self.unchanged + self.duplicates + self.skipped + self.failed
                + self.too_large + self.needs_ocr + self.encrypted)

    @property
    def read(self) -> int:
        """Files read in this run (all but the unchanged and duplicate ones)."""
        return self.done - self.unchanged - self.duplicates

    @property
    def incomplete(self) -> int:
        """Files not stored whole (failed, too large, partial) and folders not listed: exit code 2."""
        return self.failed + self.too_large + self.partial + self.unreadable

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Link:
    """A file whose content is stored already under another path: recorded as another file of
    that document, not read."""

    path: str
    root: str
    sha256: str
    size_bytes: int
    fingerprint: str = ""
    own: bool = False  # the file's own document (a new fingerprint only): counted unchanged


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

    _COUNTS = ("ok", "partial", "duplicates", "skipped", "failed", "too_large", "needs_ocr", "encrypted", "facts",
               "sentences", "pages", "ocr_pages")

    def __init__(self, store, summary: Summary, *, max_docs: int | None = None, max_age: float | None = None):
        self.store, self.summary = store, summary
        self.max_docs = SETTINGS.store.commit_docs if max_docs is None else max_docs
        self.max_age = SETTINGS.store.commit_seconds if max_age is None else max_age
        self._docs = 0
        self._began: float | None = None
        self._saved: tuple | None = None

    def write(self, result: Extraction | Link) -> None:
        if self._began is None:
            self.store.db.execute("BEGIN IMMEDIATE")
            self._began = time.perf_counter()
            self._saved = (tuple(getattr(self.summary, k) for k in self._COUNTS), len(self.summary.problems))
        t0 = time.perf_counter()
        store_result(self.store, result, self.summary)
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
        # a batch still open; not one whose COMMIT went through just before an interruption
        # (Ctrl-C lands after the C call returns, before commit() could note it)
        if self._began is not None and self.store.db.conn.in_transaction:
            self.store.db.rollback()
            counts, n_problems = self._saved or ((), 0)
            for k, v in zip(self._COUNTS, counts, strict=True):
                setattr(self.summary, k, v)
            del self.summary.problems[n_problems:]
        self._began, self._docs, self._saved = None, 0, None


def store_result(store, result: Extraction | Link, summary: Summary) -> None:
    """Write one result in one transaction and count it."""
    if isinstance(result, Link):
        store.link(result.root, result.path, result.sha256, result.size_bytes, result.fingerprint)
        if result.own:
            summary.unchanged += 1
        else:
            summary.duplicates += 1
        return
    if result.status in STORED and (result.rows is not None or result.document is not None):
        try:
            rows = result.rows or to_rows(result)  # a worker sends rows; a library caller may pass models
            store.write_rows(rows, result.fingerprint)
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
            summary.count(result.status)
            summary.facts += len(rows.facts)
            summary.sentences += len(rows.sentences)
            summary.pages += rows.pages
            summary.ocr_pages += rows.document.get("ocr_pages") or 0
            if result.status != "ok":
                summary.problems.append({"path": result.path, "status": result.status, "error": result.error or ""})
            return
    doc = result.document
    status = result.status if result.status in STATUSES and result.status not in STORED else "failed"
    store.save_failure(
        result.path,
        result.sha256,
        result.size_bytes,
        status,
        result.error or "",
        doc_type=doc.doc_type if doc else None,
        page_count=doc.page_count if doc else None,
        extractor_version=__version__,
        root=result.root,
        fingerprint=result.fingerprint,
        ocr_mode=doc.ocr_mode if doc and doc.doc_type == "pdf" else None,
    )
    summary.count(status)
    if status == "needs_ocr" and doc and doc.page_count:
        summary.pages += doc.page_count
    summary.problems.append({"path": result.path, "status": status, "error": result.error or ""})
