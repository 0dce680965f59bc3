"""Where each row was printed: paragraphs, and the boxes of sentences, facts and table cells.

A PDF page carries the box of every character's glyph (:attr:`extractor.models.Page.boxes`);
a sentence's box and lines, a fact's box and a paragraph's box are read from it by their
character offsets, a table fact's box is its cell's. Boxes are rounded outwards to a
hundredth of a point, so a stored box always holds its glyphs. Web pages, Markdown and text
have no boxes: their evidence is the paragraph's text, with the quote's offsets in it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from extractor.models import Box, Fact, Page, ParsedDocument, Sentence, Table, TableCell

__all__ = ["Paragraph", "cell_page", "fact_evidence", "json_boxes", "outward", "paragraphs", "sentence_evidence"]

#: more than a float32's rounding error on a page (2⁻¹⁰ pt at 16,000 pt), less than the 0.01 pt kept
_FLOAT32_SLACK = 1e-3
#: a box's four columns when there is none
NO_BOX: tuple[None, None, None, None] = (None, None, None, None)


def outward(box: Box | None) -> tuple[float, float, float, float] | tuple[None, None, None, None]:
    """``box`` rounded outwards to 0.01 pt (it still holds what it held), or four Nones."""
    if box is None:
        return NO_BOX
    x0, top, x1, bottom = box
    e = _FLOAT32_SLACK  # page boxes are float32: the glyph's own float64 edge may lie this far out
    return (math.floor((x0 - e) * 100) / 100, math.floor((top - e) * 100) / 100,
            math.ceil((x1 + e) * 100) / 100, math.ceil((bottom + e) * 100) / 100)


def json_boxes(boxes: list[Box]) -> str | None:
    """Boxes as the JSON ``[[x0, top, x1, bottom], …]`` kept in ``sentences.lines`` (None for none)."""
    return json.dumps([list(outward(b)) for b in boxes]) if boxes else None


@dataclass(slots=True)
class Paragraph:
    """A paragraph of a page's text (a line of ``Page.text``) that holds sentences."""

    index: int  # Sentence.paragraph
    page: int | None
    start: int  # offsets in the page text
    end: int
    text: str
    box: Box | None


def paragraphs(doc: ParsedDocument, sentences: list[Sentence]) -> list[Paragraph]:
    """The paragraphs the sentences are in, in order (each once)."""
    pages = {p.number: p for p in doc.pages}
    out: list[Paragraph] = []
    for s in sentences:
        if out and out[-1].index == s.paragraph:
            continue
        page = pages.get(s.page)
        if page is None:
            continue
        text = page.text
        start = text.rfind("\n", 0, s.char_start) + 1
        end = text.find("\n", s.char_end)
        end = len(text) if end < 0 else end
        out.append(Paragraph(s.paragraph, s.page, start, end, text[start:end], page.box(start, end)))
    return out


def sentence_evidence(page: Page | None, s: Sentence) -> tuple:
    """A sentence's box and its lines' boxes (JSON): the :data:`BOX_COLUMNS` and ``lines``."""
    if page is None or not page.boxes:
        return (*NO_BOX, None)
    box, lines = page.box_and_lines(s.char_start, s.char_end)
    return (*outward(box), json_boxes(lines))


def cell_page(table: Table, cell: TableCell) -> int | None:
    """The page a cell is printed on (a table may run over several)."""
    if 0 <= cell.row < len(table.row_pages):
        return table.row_pages[cell.row]
    return table.page


def fact_evidence(fact: Fact, page: Page | None, para: Paragraph | None, cell: TableCell | None) -> tuple:
    """A fact's :data:`~extractor.store.rows.EVIDENCE_FACT_COLUMNS`: its quote's offsets in its
    paragraph and its box (its quote's glyphs, or its cell's)."""
    start = end = None
    if para is not None and fact.char_start is not None and fact.char_end is not None:
        start, end = fact.char_start - para.start, fact.char_end - para.start
    box: Box | None = None
    if cell is not None:
        box = cell.bbox
    elif page is not None and page.boxes and fact.char_start is not None and fact.char_end is not None:
        box = page.box(fact.char_start, fact.char_end)
    return (start, end, *outward(box))
