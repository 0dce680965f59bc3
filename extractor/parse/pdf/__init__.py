"""PDF reading, bottom to top.

* :mod:`.objects` — glyphs and ruling lines of a page, read once, as small tuples;
* :mod:`.layout` — layout primitives shared by the text reader and the table finder
  (glyphs, segments, rows);
* :mod:`.tables` — ruled and aligned tables cut out of a page's rows;
* :mod:`.reading` — columns, reading order, page furniture and paragraphs;
* :mod:`.document` — the whole file: :func:`parse_pdf` → :class:`~extractor.models.ParsedDocument`.
"""

from extractor.parse.pdf.document import parse_pdf, parse_pdf_blocks

__all__ = ["parse_pdf", "parse_pdf_blocks"]
