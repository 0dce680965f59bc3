"""Positions: glyph boxes carried from a PDF page's glyphs to its text, sentences, facts and cells."""

from __future__ import annotations

import json
import math
from array import array
from pathlib import Path

import pdfplumber
import pytest
from fixtures_pdf import FONT, H, W, make_aligned_pdf, make_ruled_pdf, make_two_column_pdf, paragraph
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from extractor.facts.segment import sentences as split
from extractor.models import Page, ParsedDocument, union_box
from extractor.parse.pdf.document import glyph_boxes, parse_pdf
from extractor.parse.pdf.layout import Ch, normalize_text, text_glyphs
from extractor.store.positions import outward, paragraphs
from extractor.store.rows import FACT_COLUMNS, PARAGRAPH_COLUMNS, SENTENCE_COLUMNS, prepare_document

ENGINES = ("pdfium", "pdfplumber")


def ch(text: str, x0: float, top: float = 100.0, size: float = 10.0) -> Ch:
    return Ch(text, x0, x0 + size * 0.6 * len(text), top, top + size, size)


# -- the glyph of each character ---------------------------------------------------------


def test_text_glyphs_marks_the_spaces_put_in_between_words() -> None:
    chars = [ch("G", 10), ch("D", 16), ch("P", 22), ch("5", 40), ch("%", 46)]
    glyphs = text_glyphs(chars, "GDP 5%")
    assert glyphs == [chars[0], chars[1], chars[2], None, chars[3], chars[4]]


def test_text_glyphs_gives_a_ligature_every_character_it_stands_for() -> None:
    chars = [ch("fi", 10), ch("x", 22)]  # ﬁ normalised to "fi": one glyph, two characters
    assert text_glyphs(chars, "fix") == [chars[0], chars[0], chars[1]]


def test_text_glyphs_gives_nothing_when_text_and_glyphs_disagree() -> None:
    chars = [ch("1", 10), ch("2", 16)]
    assert text_glyphs(chars, "13") == [None, None]
    assert text_glyphs(chars, "123") == [None, None, None]


def test_page_box_and_lines_from_the_packed_glyph_boxes() -> None:
    # two paragraphs: "ab" on one line; "cd" wrapped onto a second line
    paras = [[ch("a", 10), ch("b", 16)], [ch("c", 300, top=120), None, ch("d", 10, top=140)]]
    text = "ab\nc d"
    page = Page(number=1, text=text, boxes=glyph_boxes(paras, len(text)))
    assert len(page.boxes) == 16 * len(text)
    assert page.box(0, 2) == pytest.approx((10, 100, 22, 110))
    assert page.box(2, 3) is None  # the paragraph break is no glyph
    assert page.box(3, 6) == pytest.approx((10, 120, 306, 150))
    assert page.line_boxes(0, 6) == [pytest.approx((10, 100, 22, 110)), pytest.approx((300, 120, 306, 130)),
                                     pytest.approx((10, 140, 16, 150))]
    assert page.box(4, 5) is None and page.line_boxes(4, 5) == []


_GLYPH = st.one_of(st.none(), st.tuples(*(st.floats(0, 800, width=32) for _ in range(4))))


@settings(max_examples=200, deadline=None)
@given(st.lists(_GLYPH, max_size=40), st.integers(-3, 45), st.integers(-3, 45))
def test_a_span_has_the_box_of_every_glyph_drawn(glyphs: list, start: int, end: int) -> None:
    """A span's glyphs read from the packed floats (NaN: no glyph); its box and its lines read at once
    are those read apart."""
    nan = float("nan")
    page = Page(number=1, text="x" * len(glyphs),
                boxes=array("f", [v for g in glyphs for v in (g or (nan,) * 4)]).tobytes())
    drawn = [g for g in glyphs[max(0, start):max(0, end)] if g is not None]
    assert page.box(start, end) == union_box(drawn)
    assert page.box_and_lines(start, end) == (page.box(start, end), page.line_boxes(start, end))


def test_glyph_boxes_of_a_page_without_glyphs_are_empty() -> None:
    assert glyph_boxes([[None, None]], 2) == b""
    assert glyph_boxes([[ch("a", 1)]], 2) == b""  # text and glyphs do not line up: no positions at all
    assert Page(text="abc").box(0, 3) is None


def test_outward_rounding_still_holds_the_box() -> None:
    box = (10.123456, 20.987654, 30.001, 40.0)
    x0, top, x1, bottom = outward(box)
    assert x0 <= box[0] and top <= box[1] and x1 >= box[2] and bottom >= box[3]
    assert max(box[0] - x0, box[1] - top, x1 - box[2], bottom - box[3]) < 0.02
    f32 = array("f", [441.0400001])[0]  # a float32 page box just under the glyph's float64 edge
    assert outward((0.0, 0.0, f32, 1.0))[2] >= 441.0400001


# -- real PDFs: the box of a figure is where pdfplumber sees its glyphs -------------------------


def _plumber_chars(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(normalised text, centre x, centre y) of each glyph, as pdfplumber reads the page."""
    with pdfplumber.open(path) as pdf:
        return [(normalize_text(c["text"]), (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2)
                for c in pdf.pages[page - 1].chars]


def _holds(box, chars: list[tuple[str, float, float]], text: str) -> bool:
    """Whether the glyphs whose centres lie in ``box`` include every character of ``text``."""
    inside = "".join(t for t, x, y in chars if box[0] <= x <= box[2] and box[1] <= y <= box[3])
    return all(inside.count(c) >= text.count(c) for c in set(text.replace(" ", "")))


def _draw(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(FONT, 12)
    c.drawString(72, 780, "全市地区生产总值达到")
    c.drawString(72 + 12 * 10, 780, "8,765.4亿元，增长6.5%。")
    y = paragraph(c, "去年全年外贸进出口总额为二千三百四十五亿元，比上年增长十二点三个百分点，"
                     "其中出口额一千零二十三点四五亿元，进口保持平稳增长态势良好。", 740)
    c.drawString(72, y - 20, "Revenue grew 12.5% to USD 3,456 million.")
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_figures_are_boxed_where_they_are_printed(tmp_path: Path, engine: str) -> None:
    path = _draw(tmp_path / "figures.pdf")
    doc = parse_pdf(path, engine=engine)
    page = doc.pages[0]
    chars = _plumber_chars(path, 1)
    for quote in ("8,765.4亿元", "6.5%", "二千三百四十五亿元", "一千零二十三点四五亿元", "12.5%", "USD 3,456"):
        at = page.text.index(quote)
        box = page.box(at, at + len(quote))
        assert box is not None and _holds(box, chars, quote), (quote, box)
    # a figure is boxed alone, not with its line: the box holds no glyph of the words around it
    at = page.text.index("6.5%")
    box = page.box(at, at + 4)
    assert not _holds(box, chars, "增长") and not _holds(box, chars, "亿元")


def test_a_sentence_over_two_lines_has_a_box_per_line(tmp_path: Path) -> None:
    path = _draw(tmp_path / "lines.pdf")
    page = parse_pdf(path).pages[0]
    start = page.text.index("去年全年")
    end = page.text.index("态势良好。") + 5
    lines = page.line_boxes(start, end)
    assert len(lines) == 2
    assert lines[0][3] <= lines[1][1]  # one under the other
    box = page.box(start, end)
    assert box == pytest.approx((min(b[0] for b in lines), lines[0][1], max(b[2] for b in lines), lines[1][3]))


def test_two_columns_keep_their_own_boxes(tmp_path: Path) -> None:
    path = make_two_column_pdf(tmp_path / "cols.pdf")
    page = parse_pdf(path).pages[0]
    left, right = page.text.index("左栏文字"), page.text.index("右栏文字")
    assert page.box(left, left + 4)[2] < W / 2 < page.box(right, right + 4)[0]


@pytest.mark.parametrize("make", [make_ruled_pdf, make_aligned_pdf])
def test_table_cells_are_boxed_round_their_glyphs(tmp_path: Path, make) -> None:
    path = make(tmp_path / "table.pdf")
    doc = parse_pdf(path)
    chars = _plumber_chars(path, 1)
    cells = [c for t in doc.tables for c in t.cells if c.text]
    assert cells and all(c.bbox is not None for c in cells)
    for c in cells:
        assert _holds(c.bbox, chars, c.text), (c.text, c.bbox)
        others = [o for o in cells if o is not c and not set(o.text) & set(c.text)]
        assert not any(_holds(c.bbox, chars, o.text) for o in others[:3])


# -- rows: paragraphs, offsets in them, boxes ------------------------------------------------


def _extract(doc: ParsedDocument):
    from extractor.claims.statements import extract_claims
    from extractor.facts.sentence import extract_facts

    sents = split(doc.pages)
    facts = extract_facts(doc, sents)
    return sents, facts, extract_claims(doc, sents, facts)


def _rows(doc: ParsedDocument):
    sents, facts, claims = _extract(doc)
    return prepare_document(doc, path="x", sha256="0" * 64, size_bytes=1, sentences=sents, facts=facts, claims=claims)


def test_pdf_rows_carry_boxes_paragraphs_and_lines(tmp_path: Path) -> None:
    path = make_ruled_pdf(tmp_path / "ruled.pdf")
    rows = _rows(parse_pdf(path))
    fcol, scol, pcol = FACT_COLUMNS.index, SENTENCE_COLUMNS.index, PARAGRAPH_COLUMNS.index
    assert rows.facts and all(f[fcol("x0")] is not None for f in rows.facts)
    assert {f[fcol("method")] for f in rows.facts} == {"regex", "table"}
    for f in rows.facts:
        if f[fcol("method")] == "regex":
            para = rows.paragraphs[f[fcol("paragraph_id")]]
            assert para[pcol("text")][f[fcol("para_start")]:f[fcol("para_end")]] == f[fcol("quote")]
            s = rows.sentences[f[fcol("sentence_id")]]
            assert s[scol("x0")] <= f[fcol("x0")] and f[fcol("bottom")] <= s[scol("bottom")]
        else:
            assert f[fcol("paragraph_id")] is None and f[fcol("para_start")] is None
    for s in rows.sentences:
        lines = json.loads(s[scol("lines")])
        assert lines and all(len(b) == 4 for b in lines)
    assert all(p[pcol("x0")] is not None for p in rows.paragraphs)
    cells = [c for c in rows.cells if c[1] is not None]  # cells holding a fact
    assert cells and all(c[2:][-5] == 1 and None not in c[2:][-4:] for c in cells)  # page and box


def test_web_page_facts_keep_offsets_in_their_paragraph_and_no_box() -> None:
    text = "2024年全国经济运行稳中有进。\n一季度全省规模以上工业增加值同比增长6.1%，比上年加快0.8个百分点。出口额增长12.3%。"
    doc = ParsedDocument(path="news.html", doc_type="html", pages=[Page(text=text)])
    rows = _rows(doc)
    fcol, pcol = FACT_COLUMNS.index, PARAGRAPH_COLUMNS.index
    assert len(rows.facts) >= 3 and [p[pcol("idx")] for p in rows.paragraphs] == [0, 1]
    for f in rows.facts:
        para = rows.paragraphs[f[fcol("paragraph_id")]]
        assert para[pcol("text")] == text.split("\n")[1]
        assert para[pcol("text")][f[fcol("para_start")]:f[fcol("para_end")]] == f[fcol("quote")]
        assert f[fcol("x0")] is None
    assert all(s[SENTENCE_COLUMNS.index("lines")] is None for s in rows.sentences)


def test_paragraphs_are_listed_once_each_in_order() -> None:
    doc = ParsedDocument(path="a.txt", doc_type="text", pages=[Page(text="第一句。第二句。\n第三句。")])
    paras = paragraphs(doc, split(doc.pages))
    assert [(p.index, p.text, p.start, p.end) for p in paras] == [(0, "第一句。第二句。", 0, 8), (1, "第三句。", 9, 13)]
    assert all(p.box is None for p in paras)


def test_nan_marks_a_character_without_a_glyph() -> None:
    page = Page(text="a b", boxes=glyph_boxes([[ch("a", 1), None, ch("b", 9)]], 3))
    flat = memoryview(page.boxes).cast("f")
    assert math.isnan(flat[4]) and not math.isnan(flat[0])
