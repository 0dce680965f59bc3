"""Which engine reads a PDF's pages, and the fallback when it cannot.

PDFium (:mod:`.pdfium`) is the default engine (``SETTINGS.pdf.engine``); pdfplumber
(:class:`~.objects.PlumberPages`) is the reference reader, chosen with ``engine="pdfplumber"``. A page PDFium cannot
read is read by pdfplumber instead, and so is every page of a file PDFium cannot open
(unless it is encrypted): :attr:`EnginePages.fallback_pages` lists those pages, and
the documents table records them.
"""

from __future__ import annotations

from pathlib import Path

from extractor.errors import CorruptDocument
from extractor.parse.pdf.objects import PageObjects, PageSource
from extractor.settings import PDF_ENGINES, SETTINGS

__all__ = ["DEFAULT_PDF_ENGINE", "PDF_ENGINES", "EnginePages", "open_pages"]

#: ``SETTINGS.pdf.engine``, read once
DEFAULT_PDF_ENGINE = SETTINGS.pdf.engine


def _source(engine: str, path: Path, password: str | None) -> PageSource:
    if engine == "pdfium":
        from extractor.parse.pdf.pdfium import PdfiumPages

        return PdfiumPages(path, password)
    if engine == "pdfplumber":
        from extractor.parse.pdf.objects import PlumberPages

        return PlumberPages(path, password)
    raise ValueError(f"unknown PDF engine {engine!r}: one of {', '.join(PDF_ENGINES)}")


class EnginePages:
    """The pages of one PDF, read by ``engine``; a page it cannot read is read by pdfplumber.

    Raises :class:`~extractor.errors.EncryptedDocument` or
    :class:`~extractor.errors.CorruptDocument` when no engine can open the file."""

    def __init__(self, path: Path | str, password: str | None = None, engine: str = DEFAULT_PDF_ENGINE):
        self.path, self.password, self.engine = Path(path), password, engine
        #: 1-based numbers of the pages the fallback engine read
        self.fallback_pages: list[int] = []
        self._fallback: PageSource | None = None
        self._fallback_error: CorruptDocument | None = None
        self._main: PageSource | None = None
        try:
            self._main = _source(engine, self.path, password)
        except CorruptDocument:
            if engine == PDF_ENGINES[-1]:
                raise
            self._fallback = _source(PDF_ENGINES[-1], self.path, password)  # raises when it cannot either
        source = self._main or self._fallback
        assert source is not None
        self.metadata = source.metadata
        self._count = len(source)

    def __len__(self) -> int:
        return self._count

    def read(self, index: int) -> PageObjects:
        """Page ``index`` (0-based), by the engine, else by the fallback (recorded)."""
        if self._main is not None:
            try:
                return self._main.read(index)
            except (MemoryError, RecursionError):
                raise
            except Exception:
                if self._main.engine == PDF_ENGINES[-1]:
                    raise
        if self._fallback is None:
            if self._fallback_error is not None:
                raise self._fallback_error
            try:
                self._fallback = _source(PDF_ENGINES[-1], self.path, self.password)
            except CorruptDocument as exc:  # once: every later page would fail the same way
                self._fallback_error = exc
                raise
        objs = self._fallback.read(index)
        self.fallback_pages.append(index + 1)
        return objs

    def close(self) -> None:
        for source in (self._main, self._fallback):
            if source is not None:
                source.close()

    def __enter__(self) -> EnginePages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_pages(path: Path | str, password: str | None = None, engine: str = DEFAULT_PDF_ENGINE) -> EnginePages:
    """The pages of the PDF at ``path``, read by ``engine`` (``"pdfium"`` or ``"pdfplumber"``)."""
    return EnginePages(path, password, engine)
