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
from extractor.errors import CorruptDocument, DocumentTooLarge, PolicyFactsError, UnsupportedFileType
from extractor.ingest.discover import apply_manifest
from extractor.models import Claim, Fact, ParsedDocument, Sentence
from extractor.store.rows import DocumentRows, prepare_document

__all__ = ["DEFAULT_MAX_TEXT_MB", "STATUSES", "STORE_ERRORS", "Extraction", "extract_file", "extract_rows",
           "store_error", "to_rows"]

DEFAULT_MAX_TEXT_MB = 10
#: A document's status in the ``documents`` table.
STATUSES = ("ok", "skipped", "failed", "needs_ocr", "encrypted")
#: What an inconsistent extraction raises when it is turned into rows or stored: that file fails.
STORE_ERRORS = (ValueError, TypeError, KeyError, sqlite3.IntegrityError)


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
        from extractor.parse import SUPPORTED_SUFFIXES

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
    from extractor.claims.statements import extract_claims
    from extractor.facts.context import document_date
    from extractor.facts.segment import sentences as split
    from extractor.facts.sentence import extract_facts
    from extractor.parse import parse_file

    path = Path(path)
    t0 = time.perf_counter()
    result = Extraction(path=rel, sha256=sha, size_bytes=size)
    try:
        _check_size(path, size, max_text_bytes)
        doc = parse_file(path, password=password)
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


def store_error(exc: BaseException) -> str:
    """The ``error`` of a file whose extraction could not be turned into rows or stored."""
    return f"StoreError: {type(exc).__name__}: {exc}"


def to_rows(result: Extraction) -> DocumentRows:
    """The database rows of an ok result's document and extractions (raises one of
    :data:`STORE_ERRORS` when a link points nowhere)."""
    assert result.document is not None
    return prepare_document(result.document, path=result.path, sha256=result.sha256, size_bytes=result.size_bytes,
                            sentences=result.sentences, facts=result.facts, claims=result.claims,
                            extractor_version=__version__)


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
        result.rows, result.document = to_rows(result), None
    except STORE_ERRORS as exc:
        result.status, result.error = "failed", store_error(exc)
        result.document = ParsedDocument(path=result.path, doc_type=doc.doc_type, page_count=doc.page_count)
    result.sentences, result.facts, result.claims = [], [], []
    result.seconds += time.perf_counter() - t0
    return result
    t0 = time.perf_counter()
    doc = result.document
    try:
        rows = prepare_document(doc, path=result.path, sha256=result.sha256, size_bytes=result.size_bytes,
                                sentences=result.sentences, facts=result.facts, claims=result.claims,
                                extractor_version=__version__)
    except STORE_ERRORS as exc:
        result.status, result.error = "failed", f"StoreError: {type(exc).__name__}: {exc}"
        result.document = ParsedDocument(path=result.path, doc_type=doc.doc_type, page_count=doc.page_count)
    else:
        result.rows, result.document = rows, None
    result.sentences, result.facts, result.claims = [], [], []
    result.seconds += time.perf_counter() - t0
    return result
