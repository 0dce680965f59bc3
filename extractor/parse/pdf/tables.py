"""Tables on PDF pages: ruled grids (:mod:`.grid`) and aligned number columns (:mod:`.aligned`),
with their captions and unit lines; continuation across pages is :mod:`.continuation`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractor.models import Table
from extractor.parse.pdf.aligned import aligned_tables, attach_caption, extend_header, key_value_tables
from extractor.parse.pdf.cells import DetectedTable
from extractor.parse.pdf.grid import ruled_tables
from extractor.parse.pdf.layout import Ch, PageGeometry, Row, build_rows, page_chars
from extractor.parse.pdf.objects import read_page

if TYPE_CHECKING:  # pragma: no cover
    import pdfplumber.page


def detect_tables(
    page: PageGeometry, page_number: int, chars: list[Ch], rows: list[Row]
) -> list[DetectedTable]:
    """Ruled and aligned tables of a page; marks the segments they cover as used."""
    found = ruled_tables(page, page_number, chars)
    # a single ruled row is a shaded stripe of an unruled table, unless it is a header
    # row closing the page (its body continues on the next page)
    found = [
        dt for dt in found
        if dt.table.n_rows > 1 or (dt.table.header_rows == 1 and sum(r.top > dt.table.bbox[3] for r in rows) <= 1)
    ]
    for dt in found:
        x0, top, x1, bottom = dt.table.bbox
        for r in rows:
            if r.bottom < top or r.top > bottom:
                continue
            for s in r.segs:
                if x0 <= (s.x0 + s.x1) / 2 <= x1 and top <= (s.top + s.bottom) / 2 <= bottom:
                    s.used = True
    for dt in found:
        if dt.table.caption is None:  # a table under its own title bar has no header above it
            extend_header(dt, rows)
    found += aligned_tables(rows, page_number)
    found += key_value_tables(rows, page_number)
    found.sort(key=lambda d: d.top)
    if found:
        segs = [s for r in rows for s in r.segs]
        width = max(s.x1 for s in segs) - min(s.x0 for s in segs) if segs else 0.0
        for dt in found:
            attach_caption(dt, rows, width)
    return found


def find_tables(
    page: pdfplumber.page.Page, page_number: int, *, chars: list[Ch] | None = None,
    rows: list[Row] | None = None,
) -> list[Table]:
    """Tables of one pdfplumber page (``page_number`` 1-based) as :class:`Table` models."""
    objs = read_page(page)  # once, for the characters and the ruling lines both
    if chars is None or rows is None:
        chars = page_chars(objs)
        rows = build_rows(chars)
    return [d.table for d in detect_tables(objs, page_number, chars, rows)]


