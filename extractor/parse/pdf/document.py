"""PDF → :class:`ParsedDocument`: clean page text in reading order, plus tables.

Per page the characters are read once, de-duplicated (fake bold), normalised
(Kangxi radicals, full-width letters/digits), grouped into segments and rows,
tables are cut out, columns are found from the gutters between segments, and
lines are joined into paragraphs from the layout.  Page numbers and running
headers/footers are dropped.
"""

from __future__ import annotations

import logging
import math
import re
from array import array
from pathlib import Path
from typing import Any

from extractor.errors import CorruptDocument, DocumentTooLarge, EmptyDocument, NeedsOCR, out_of_memory
from extractor.models import Page, ParsedDocument, Table
from extractor.parse.pdf.cells import DetectedTable
from extractor.parse.pdf.continuation import merge_continued
from extractor.parse.pdf.layout import Ch, build_rows, normalize_text, page_chars
from extractor.parse.pdf.objects import PageObjects
from extractor.parse.pdf.pages import DEFAULT_PDF_ENGINE, open_pages
from extractor.parse.pdf.reading import (
    HEADING,
    Line,
    drop_furniture,
    geometry,
    paragraphs,
    quantile,
    reading_order,
)
from extractor.parse.pdf.tables import detect_tables
from extractor.patterns import alternation, load
from extractor.settings import SETTINGS

#: ``SETTINGS.ocr.mode``, read once
DEFAULT_OCR = SETTINGS.ocr.mode

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

__all__ = ["parse_pdf", "parse_pdf_blocks"]


# ------------------------------------------------------------ title

_FILE_EXT = re.compile(r"\.(?:html?|docx?|wps|pdf|xlsx?|pptx?|txt|rtf|ofd|tmp)$", re.I)
_WORDS = load("parse.yml")["pdf"]
_JUNK_TITLE = re.compile(r"^(?:" + "|".join(_WORDS["junk_titles"]) + r")$", re.I)
_NOTICE = re.compile(r"[^号〕]{0,40}?关于.{2,80}的(?:" + alternation(_WORDS["notice_types"]) + r")")


def _clean_title(raw: str | None) -> str | None:
    if not raw:
        return None
    t = normalize_text(str(raw)).strip()
    t = re.sub(r"^Microsoft (?:Word|Excel|PowerPoint) - ", "", t)
    t = _FILE_EXT.sub("", t).strip(" -_")
    if len(t) < 4 or _JUNK_TITLE.match(t) or re.fullmatch(r"[A-Za-z0-9_.\-]+", t) and not re.search(r"[A-Za-z]{3,}\s", t):
        return None
    return t


def _heading_title(paras: list[str | Table], lines: list[Line], body: float) -> str | None:
    """A "关于…的通知" title, else the first large-type line(s) near the top of page 1."""
    texts = [p for p in paras[:12] if isinstance(p, str)]
    for i in range(len(texts)):
        for j in range(i, min(i + 4, len(texts))):
            joined = "".join(texts[i:j + 1])
            if len(joined) <= 120 and _NOTICE.fullmatch(joined):
                return joined
    for i, ln in enumerate(lines[:8]):
        if ln.size >= SETTINGS.layout.title_size_ratio * body and 2 <= len(ln.text.strip()) <= 60 and not HEADING.match(ln.text):
            parts = [ln.text.strip()]
            for nxt in lines[i + 1:i + 3]:
                if abs(nxt.size - ln.size) > 0.05 * ln.size or nxt.top - ln.bottom > 1.5 * ln.size:
                    break
                parts.append(nxt.text.strip())
            title = "".join(parts)
            return title if len(title) <= 80 else None
    return None


_NO_GLYPH = (math.nan,) * 4


def glyph_boxes(paras: list[list[Ch | None]], length: int) -> bytes:
    """:attr:`Page.boxes` of a page whose text is its paragraphs joined by ``"\\n"``: each
    paragraph character's glyph box (see :meth:`Page.box`), empty when no glyph is known."""
    flat = array("f")
    for k, glyphs in enumerate(paras):
        if k:
            flat.extend(_NO_GLYPH)
        for g in glyphs:
            flat.extend(_NO_GLYPH if g is None else (g.x0, g.top, g.x1, g.bottom))
    if len(flat) != 4 * length or all(math.isnan(v) for v in flat[::4]):
        return b""
    return flat.tobytes()


def untilt_boxes(boxes: bytes, objs: PageObjects) -> bytes:
    """Glyph boxes of a page OCR straightened (``objs.skew``) back on the page as it is drawn:
    each box the smallest upright box holding the glyph turned back."""
    if not boxes:
        return boxes
    tilted, upright = objs.page_map, objs.upright_map
    flat = array("f")
    flat.frombytes(boxes)
    out = array("f")
    for i in range(0, len(flat), 4):
        x0, top, x1, bottom = flat[i:i + 4]
        if math.isnan(x0):
            out.extend(_NO_GLYPH)
            continue
        pts = [upright.point(*tilted.to_pdf(x, y)) for x, y in ((x0, top), (x1, top), (x0, bottom), (x1, bottom))]
        out.extend((min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)))
    return out.tobytes()


def _page_items(objs: PageObjects, number: int) -> tuple[list[Line | DetectedTable], int]:
    chars = page_chars(objs)
    rows = build_rows(chars)
    try:
        tables = detect_tables(objs, number, chars, rows) if chars else []
    except Exception:  # a table finder failure must not lose the page text
        tables = []
        for r in rows:
            for s in r.segs:
                s.used = False
    return reading_order(rows, tables), len(chars)


def _open(path: Path, password: str | None, engine: str, ocr: str, ocr_deadline: float | None) -> Any:
    """The document's pages: read by ``engine``, and by OCR where needed unless ``ocr`` is off."""
    pages = open_pages(path, password, engine)
    if ocr == "off":
        return pages
    from extractor.parse.ocr.source import OcrPages

    return OcrPages(pages, path, password, ocr, ocr_deadline)


def _no_text(path: Path, n_pages: int, pages: Any) -> NeedsOCR:
    """What a document without a character on any page is: it needs OCR, or OCR found nothing."""
    why = f"{path.name}: {n_pages} page(s) without a text layer"
    if getattr(pages, "unavailable", None):
        why += f"; {pages.unavailable}"
    elif hasattr(pages, "ocr_pages"):
        why += "; OCR found no text in their images"
    return NeedsOCR(why, page_count=n_pages)


def parse_pdf_blocks(
    path: Path | str, password: str | None = None, engine: str = DEFAULT_PDF_ENGINE, ocr: str = DEFAULT_OCR,
    ocr_deadline: float | None = None,
) -> tuple[ParsedDocument, list[list[str | Table]]]:
    """Like :func:`parse_pdf`, also returning each page's paragraphs and tables in reading order."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise EmptyDocument(f"{path.name}: empty file")
    with _open(path, password, engine, ocr, ocr_deadline) as pages:
        n_pages = len(pages)
        if not n_pages:
            raise CorruptDocument(f"{path.name}: no pages")
        meta = pages.metadata
        page_items: list[list[Line | DetectedTable]] = []
        heights: list[float] = []
        tilted: dict[int, PageObjects] = {}  # pages straightened by OCR: their glyph boxes are turned back
        n_chars = 0
        page_errors: dict[int, str] = {}
        for number in range(1, n_pages + 1):
            height = 842.0
            try:
                objs = pages.read(number - 1)
                height = objs.height
                if objs.skew:
                    tilted[number] = objs
                items, n = _page_items(objs, number)
                n_chars += n
            except Exception as exc:  # one unreadable page does not sink the document: it is named
                if out_of_memory(exc):  # a decompression bomb: the document is too large, not a page error
                    raise MemoryError(str(exc)) from exc
                items = []
                page_errors[number] = f"{type(exc).__name__}: {exc}"[:300]
            page_items.append(items)
            heights.append(height)
        fallback_pages = pages.fallback_pages
        ocr_pages = list(getattr(pages, "ocr_pages", ()))
        if n_chars == 0:
            if page_errors and all(e.startswith("OcrTimeUp") for e in page_errors.values()):
                raise DocumentTooLarge(f"{path.name}: the OCR time was spent before any page was read "
                                       f"({SETTINGS.ocr.time_share:.0%} of --timeout)")
            if len(page_errors) == n_pages:
                first = next(iter(page_errors.values()))
                raise CorruptDocument(f"{path.name}: no page could be read ({first})")
            raise _no_text(path, n_pages, pages)
    drop_furniture(page_items, heights)
    merge_continued(page_items)
    single = [it for items in page_items if not any(isinstance(x, Line) and x.col > 0 for x in items)
              for it in items if isinstance(it, Line) and it.col == 0]
    fallback = geometry(single, None) if len(single) >= 6 else None
    blocks: list[list[str | Table]] = []
    doc_pages: list[Page] = []
    for number, items in enumerate(page_items, start=1):
        glyphs: list[list[Ch | None]] = []
        blocks.append(paragraphs(items, fallback, glyphs))
        text = "\n".join(b for b in blocks[-1] if isinstance(b, str))
        boxes = glyph_boxes(glyphs, len(text))
        if number in tilted:
            boxes = untilt_boxes(boxes, tilted[number])
        doc_pages.append(Page(number=number, text=text, boxes=boxes))
    tables = [b for bl in blocks for b in bl if isinstance(b, Table)]
    first_lines = [it for it in page_items[0] if isinstance(it, Line)] if page_items else []
    all_lines = [it for items in page_items for it in items if isinstance(it, Line)]
    body = quantile([ln.size for ln in all_lines], 0.5) if all_lines else 0.0
    title = _clean_title(meta.get("Title")) or _heading_title(blocks[0], first_lines, body)
    author = _clean_title(meta.get("Author"))
    doc = ParsedDocument(
        path=str(path), doc_type="pdf", title=title, author=author, page_count=n_pages,
        pages=doc_pages, tables=tables, metadata=meta, page_errors=page_errors, pdf_engine=engine,
        fallback_pages=fallback_pages, ocr_mode=ocr, ocr_pages=ocr_pages,
    )
    return doc, blocks


def parse_pdf(path: Path | str, password: str | None = None, engine: str = DEFAULT_PDF_ENGINE,
              ocr: str = DEFAULT_OCR, ocr_deadline: float | None = None) -> ParsedDocument:
    """Parse a PDF into pages of clean text (tables cut out) and :class:`Table` objects, reading
    its pages with ``engine`` ("pdfium", the default, or "pdfplumber", the reference reader), and
    by OCR the pages without a usable text layer (``ocr``: "auto", the default; "force": every
    page; "off": none), OCR stopping at ``ocr_deadline`` (:func:`time.monotonic`).

    Raises EncryptedDocument, CorruptDocument, EmptyDocument or NeedsOCR.
    """
    return parse_pdf_blocks(path, password, engine, ocr, ocr_deadline)[0]


