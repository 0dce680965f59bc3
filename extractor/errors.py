"""Named exceptions; the CLI turns each into a clear message and exit code."""

from __future__ import annotations


class PolicyFactsError(Exception):
    """Base class for every error this package raises on purpose."""

    status = "failed"


class UnsupportedFileType(PolicyFactsError):
    """The file is neither PDF, HTML, Markdown nor plain text."""


class EmptyDocument(PolicyFactsError):
    """The file is empty or holds no text at all."""


class CorruptDocument(PolicyFactsError):
    """The file cannot be read as what it claims to be (truncated, damaged)."""


class EncryptedDocument(PolicyFactsError):
    """The PDF is encrypted and no (right) password was given."""

    status = "encrypted"


class NeedsOCR(PolicyFactsError):
    """The PDF has pages but no text layer."""

    status = "needs_ocr"

    def __init__(self, message: str, page_count: int | None = None):
        super().__init__(message)
        self.page_count = page_count


class UndecodableText(PolicyFactsError):
    """The bytes cannot be decoded as text in any supported encoding."""


class DocumentTooLarge(PolicyFactsError):
    """The document exceeds a size or time limit."""


class PatternError(PolicyFactsError):
    """A pattern file (``extractor/patterns/*.yml``) is malformed or breaks its schema.

    Not the fault of any one document: the CLI stops before reading any (exit code 3).
    ``str()`` names the file, the key path and the line: ``cues.yml:12: kind.growht: …``.
    """

    def __init__(self, file: str, message: str, key: str | None = None, line: int | None = None):
        where = file + (f":{line}" if line else "") + (f": {key}" if key else "")
        super().__init__(f"{where}: {message}")
        self.file, self.key, self.line, self.message = file, key, line, message
class InvalidDate(PolicyFactsError, ValueError):
    """A date given as input (a manifest, ``--date``, a form) is not a date."""


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is, or wraps, a MemoryError (pdfplumber wraps what pdfminer raises: a
    decompression bomb's ``MemoryError: Unable to allocate output buffer``)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        if isinstance(e, MemoryError):
            return True
        seen.add(id(e))
        todo += [e.__cause__, e.__context__, *e.args[:1]]
    return False
