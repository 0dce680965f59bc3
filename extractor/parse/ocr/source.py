"""A PDF's pages read by a text engine, and by OCR where :func:`~.decide.ocr_reason` says so.

:class:`OcrPages` wraps the engine's pages (:class:`~extractor.parse.pdf.pages.EnginePages`):
each page is read by the engine first; a page without a usable text layer (or every page,
forced) is rendered by PDFium and read by OCR instead (:func:`~.page.read_ocr_page`), and
what OCR did is kept (:attr:`OcrPages.ocr_pages`). OCR stops at ``deadline`` (a share of the
document's time limit): a page left is read from its text layer if it has one, else named
among the pages that could not be read, so a long scan is stored ``partial`` rather than lost.
"""

from __future__ import annotations

import time
from typing import Any

from extractor.errors import PolicyFactsError, out_of_memory
from extractor.models import OcrPage
from extractor.parse.ocr.decide import ocr_reason, poor_layer
from extractor.parse.pdf.objects import PageObjects
from extractor.settings import SETTINGS

__all__ = ["OcrPages", "OcrTimeUp"]


class OcrTimeUp(PolicyFactsError):
    """The document's OCR time is spent: this page was not read."""


class OcrPages:
    """The pages of ``pages`` (an :class:`EnginePages`), read by OCR where needed (``mode``:
    auto or force); ``deadline``: a :func:`time.monotonic` time after which no page is OCR'd."""

    def __init__(self, pages: Any, path: Any, password: str | None, mode: str, deadline: float | None = None):
        self.pages, self.path, self.password, self.mode, self.deadline = pages, path, password, mode, deadline
        self.metadata = pages.metadata
        #: the pages read by OCR, in order
        self.ocr_pages: list[OcrPage] = []
        #: pages without a text layer whose image is blank (not read)
        self.blank_pages: list[int] = []
        self.unavailable: str | None = None  # why OCR could not run, when it could not
        self._pdf: Any = None
        self._layer_why: str | None = None
        self._layer_read = False

    @property
    def fallback_pages(self) -> list[int]:
        return self.pages.fallback_pages

    def __len__(self) -> int:
        return len(self.pages)

    def _document(self) -> Any:
        if self._pdf is None:
            import pypdfium2

            self._pdf = pypdfium2.PdfDocument(self.path, password=self.password or None)
        return self._pdf

    def _layer(self) -> str | None:
        """Why the document's text layer as a whole is a poor OCR one (read once, by PDFium)."""
        if not self._layer_read:
            self._layer_read = True
            texts = []
            for page in self._document():
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
                page.close()
            self._layer_why = poor_layer(texts)
        return self._layer_why

    def read(self, index: int) -> PageObjects:
        """Page ``index`` (0-based), from its text layer or by OCR."""
        from extractor.parse.ocr.engine import OcrUnavailable

        error: Exception | None = None
        objs: PageObjects | None = None
        try:
            objs = self.pages.read(index)
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # unreadable by the engines: perhaps its image can be read
            if out_of_memory(exc):  # a decompression bomb: rendering it would not fare better
                raise
            error = exc
        reason = None if self.unavailable else ocr_reason(objs, self.mode, self._layer)
        if reason is None:
            if objs is None:
                raise error or ValueError("page not read")
            return objs
        has_text = objs is not None and any(not c.text.isspace() for c in objs.chars)
        if self.deadline is not None and time.monotonic() > self.deadline:
            if has_text and objs is not None:
                return objs
            raise OcrTimeUp(f"not read by OCR: the document's OCR time ({SETTINGS.ocr.time_share:.0%} of --timeout) "
                            f"was spent ({reason})")
        page = self._document()[index]
        try:
            from extractor.parse.ocr.page import read_ocr_page  # OpenCV: loaded by the first scan

            out = read_ocr_page(page, reason, 0.0 if has_text else SETTINGS.ocr.min_ink)
        except (OcrUnavailable, ImportError) as exc:
            self.unavailable = str(exc)
            if objs is None:
                raise
            return objs
        finally:
            page.close()
        if out is None:  # a blank page
            self.blank_pages.append(index + 1)
            if objs is None:
                raise error or ValueError("page not read")
            return objs
        assert out.ocr is not None
        out.ocr.number = index + 1
        self.ocr_pages.append(out.ocr)
        return out

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        self.pages.close()

    def __enter__(self) -> OcrPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

