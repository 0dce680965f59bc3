"""The worker's job: one file → parsed document → sentences, facts and claims → rows.

Never raises for a bad file: the :class:`Extraction` it returns carries the
status and error instead.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from extractor import __version__
from extractor.errors import (
    CorruptDocument,
    DocumentTooLarge,
    PolicyFactsError,
    UnsupportedFileType,
    out_of_memory,
)
from extractor.ingest.discover import MANIFEST_FIELDS, apply_manifest, display
from extractor.models import Claim, Fact, ParsedDocument, Sentence
from extractor.settings import SETTINGS
from extractor.store.rows import DocumentRows, prepare_document

__all__ = ["DEFAULT_MAX_TEXT_MB", "STATUSES", "STORED", "STORE_ERRORS", "Extraction", "extract_file", "extract_rows",
           "needs_reading", "page_error", "store_error", "to_rows"]

DEFAULT_MAX_TEXT_MB = SETTINGS.ingest.max_text_mb
#: A document's status in the ``documents`` table: ``ok``; ``partial`` (stored, but pages named in its
#: error could not be read); ``skipped`` (not a document: an image, a link, a FIFO); ``failed``;
#: ``too_large`` (over a size, memory or time limit); ``needs_ocr``; ``encrypted``.
STATUSES = ("ok", "partial", "skipped", "failed", "too_large", "needs_ocr", "encrypted")
#: Statuses whose sentences and facts are stored.
STORED = ("ok", "partial")
MEMORY_ERROR = ("MemoryError: the document needs more memory than a worker may use (--memory-mb): "
                "a decompression bomb or an enormous page")
#: What an inconsistent extraction raises when it is turned into rows or stored: that file fails.
STORE_ERRORS = (ValueError, TypeError, KeyError, sqlite3.IntegrityError)


class Extraction(BaseModel):
    """What a worker sends back for one file: the parsed document and its extractions, or,
    from :func:`extract_rows`, the same as database rows (``rows``; the models are dropped)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: str
    sha256: str
    size_bytes: int
    root: str = ""  # the ingest root, absolute and canonical (the file's identity is root + path)
    fingerprint: str = ""  # the file's size, times and inode when found (see discover.fingerprint)
    status: str = "ok"
    error: str | None = None
    document: ParsedDocument | None = None
    sentences: list[Sentence] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    rows: DocumentRows | None = None
    seconds: float = 0.0



def _check_size(path: Path, size: int, max_text_bytes: int | None) -> None:
    """Refuse a text/HTML/Markdown file over the limit before reading it (PDFs are bound by time)."""
    from extractor.parse import PDF_HEADER_WINDOW, is_pdf

    if not max_text_bytes or size <= max_text_bytes:
        return
    with open(path, "rb") as fh:
        if is_pdf(fh.read(PDF_HEADER_WINDOW + 8)):
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
        from extractor.parse import SUPPORTED_SUFFIXES

        # an image or spreadsheet in the folder is not an error; a ".pdf" that is a ZIP is
        return "failed" if path.suffix.lower() in SUPPORTED_SUFFIXES else "skipped"
    if isinstance(exc, DocumentTooLarge) or out_of_memory(exc):
        return "too_large"
    return exc.status if exc.status in STATUSES else "failed"


def _message(exc: BaseException, path: Path, rel: str) -> str:
    text = str(exc).replace(str(path), rel)
    if text.startswith(f"{path.name}: ") and path.name != rel:
        text = f"{rel}: {text[len(path.name) + 2:]}"
    return display(f"{type(exc).__name__}: {text}")


def page_error(page_errors: dict[int, str]) -> str:
    """The ``error`` of a partial document: the pages that could not be read, and why."""
    pages = sorted(page_errors)
    named = ", ".join(map(str, pages[:20])) + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")
    first = page_errors[pages[0]]
    return display(f"PageError: page{'s' if len(pages) > 1 else ''} {named} could not be read and "
                   f"{'are' if len(pages) > 1 else 'is'} missing (page {pages[0]}: {first})")


def extract_file(path: Path, rel: str, sha: str, size: int, meta: dict[str, str] | None = None,
                 password: str | None = None, max_text_bytes: int | None = int(DEFAULT_MAX_TEXT_MB * 2**20),
                 root: str = "", pdf_engine: str | None = None, ocr: str | None = None,
                 ocr_seconds: float | None = None) -> Extraction:
    """Parse one file (a PDF's pages read by ``pdf_engine``, default ``SETTINGS.pdf.engine``, and
    by OCR as ``ocr`` says, default ``SETTINGS.ocr.mode``, for at most ``ocr_seconds`` from the
    start) and extract its facts (runs in a worker process): a pure function of the file, its
    identity (``root``, ``rel``, ``sha``) and the settings. Never raises for a bad file: the
    returned :class:`Extraction` carries the status and error instead."""
    from extractor.claims.statements import extract_claims
    from extractor.facts.context import document_date
    from extractor.facts.ocr import mark_ocr_facts
    from extractor.facts.segment import sentences as split
    from extractor.facts.sentence import extract_facts
    from extractor.parse import parse_file

    path = Path(path)
    t0 = time.perf_counter()
    deadline = time.monotonic() + ocr_seconds if ocr_seconds else None
    result = Extraction(path=rel, root=root, sha256=sha, size_bytes=size)
    try:
        _check_size(path, size, max_text_bytes)
        doc = parse_file(path, password=password, pdf_engine=pdf_engine, ocr=ocr, ocr_deadline=deadline)
        doc.path = rel
        apply_manifest(doc, meta or {})
        doc.date, doc.date_source = document_date(doc)  # what relative time words resolve against
        if not doc.published:
            doc.published = doc.date
        if doc.title and doc.pages and doc.doc_type != "pdf" and doc.title not in doc.pages[0].text[:500]:
            doc.pages[0].text = doc.title + "\n" + doc.pages[0].text
        sents = split(doc.pages)
        result.document = doc
        result.sentences = sents
        result.facts = mark_ocr_facts(doc, extract_facts(doc, sents))
        result.claims = extract_claims(doc, sents, result.facts)
        if doc.page_errors:  # stored, with the pages that are missing named
            result.status, result.error = "partial", page_error(doc.page_errors)
    except PolicyFactsError as exc:
        result.status, result.error = _status_for(exc, path), _message(exc, path, rel)
        if isinstance(exc, CorruptDocument) and _pdf_truncated(path):
            result.error += " (the file looks truncated: no %%EOF at its end)"
        page_count = getattr(exc, "page_count", None)  # NeedsOCR knows how many pages there are
        if page_count is not None:
            result.document = ParsedDocument(path=rel, doc_type="pdf", page_count=page_count,
                                             ocr_mode=ocr or SETTINGS.ocr.mode)
    except MemoryError:
        result.document, result.sentences, result.facts = None, [], []  # free what was built
        result.status, result.error = "too_large", MEMORY_ERROR
    except RecursionError as exc:
        result.status, result.error = "failed", f"RecursionError: {exc}"
    except Exception as exc:  # a bad file must never stop the batch
        if out_of_memory(exc):
            result.document, result.sentences, result.facts = None, [], []
            result.status, result.error = "too_large", MEMORY_ERROR
        else:
            result.status, result.error = "failed", _message(exc, path, rel)
    if result.status not in STORED:
        result.sentences, result.facts, result.claims = [], [], []
        if result.document is not None:  # keep what is known: type, pages, OCR mode
            doc = result.document
            result.document = ParsedDocument(path=rel, doc_type=doc.doc_type, page_count=doc.page_count,
                                             ocr_mode=doc.ocr_mode)
    result.seconds = time.perf_counter() - t0
    return result


def store_error(exc: BaseException) -> str:
    """The ``error`` of a file whose extraction could not be turned into rows or stored."""
    return f"StoreError: {type(exc).__name__}: {exc}"


def to_rows(result: Extraction) -> DocumentRows:
    """The database rows of an ok result's document and extractions (raises one of
    :data:`STORE_ERRORS` when a link points nowhere)."""
    assert result.document is not None
    return prepare_document(result.document, path=result.path, root=result.root, sha256=result.sha256,
                            size_bytes=result.size_bytes, sentences=result.sentences, facts=result.facts,
                            claims=result.claims, status=result.status, error=result.error,
                            extractor_version=__version__)


def extract_rows(*args: Any, **kw: Any) -> Extraction:
    """:func:`extract_file`, with an ok result turned into database rows (what a worker sends
    the writer): plain tuples are several times cheaper to send, and the writer has only the
    SQL left to do. Links that point nowhere fail the file here, as the store would."""
    result = extract_file(*args, **kw)
    if result.status not in STORED or result.document is None:
        return result
    t0 = time.perf_counter()
    doc = result.document
    try:
        result.rows, result.document = to_rows(result), None
    except STORE_ERRORS as exc:
        result.status, result.error = "failed", store_error(exc)
        result.document = ParsedDocument(path=result.path, doc_type=doc.doc_type, page_count=doc.page_count)
    result.sentences, result.facts, result.claims = [], [], []
    result.seconds += time.perf_counter() - t0
    return result


def needs_reading(row: dict[str, Any] | None, sha: str, meta: dict[str, str], *, force: bool = False,
                  retry_failed: bool = False, password: str | None = None, pdf_engine: str | None = None,
                  ocr: str | None = None) -> bool:
    """Whether a file must be (re-)read, given what is stored for its content (and which PDF engine
    and OCR mode read it: a PDF read with another is read again, and so is one that needed OCR
    when OCR is on)."""
    if force or row is None or row["sha256"] != sha or row["extractor_version"] != __version__ or row.get("pdf_engine") not in (None, pdf_engine or SETTINGS.pdf.engine):
        return True
    ocr = ocr or SETTINGS.ocr.mode
    stored = row.get("ocr_mode")
    if stored not in (None, ocr) or (row["status"] == "needs_ocr" and stored is None and ocr != "off"):
        return True
    status = row["status"]
    if status == "encrypted" and password:
        return True
    if status in ("failed", "too_large", "partial") and retry_failed:
        return True
    if status in STORED:  # the manifest changed since the file was read
        return any(meta.get(k) and row.get(k) != meta[k] for k in MANIFEST_FIELDS)
    return False
