"""The PDFium page reader gives the parser what the pdfplumber reader gives it: the same glyphs
(text, box, size, upright) in content-stream order, the same ruling edges, the same page box."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from fixtures_pdf import (
    BODY,
    FONT,
    grid_table,
    make_aligned_pdf,
    make_ruled_pdf,
    make_two_column_pdf,
    paragraph,
)
from reportlab.pdfgen import canvas

from extractor.parse.pdf.layout import page_chars
from extractor.parse.pdf.objects import PageMap, PageObjects, read_page
from extractor.parse.pdf.pdfium import PdfiumPages

logging.getLogger("pdfminer").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdocs" / "pdf"
EDGE_KEYS = ("orientation", "top", "x0", "x1", "bottom")


def _both(path: Path, index: int = 0) -> tuple[PageObjects, PageObjects]:
    with pdfplumber.open(path) as pdf:
        ref = read_page(pdf.pages[index])
    pages = PdfiumPages(path)
    try:
        return ref, pages.read(index)
    finally:
        pages.close()


def _edges(objs: PageObjects) -> list[tuple]:
    return sorted(tuple(e[k] for k in EDGE_KEYS) for e in objs.edges)


def _assert_same_edges(mine: PageObjects, ref: PageObjects, tol: float = 0.01) -> None:
    """The same ruling edges, up to PDFium's single-precision coordinates."""
    a, b = _edges(ref), _edges(mine)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x[0] == y[0] and all(abs(p - q) <= tol for p, q in zip(x[1:], y[1:], strict=True)), (x, y)


def _assert_same(path: Path, index: int = 0, tol: float = 0.01) -> PageObjects:
    ref, mine = _both(path, index)
    assert [c.text for c in mine.chars] == [c.text for c in ref.chars]
    for a, b in zip(ref.chars, mine.chars, strict=True):
        assert b.upright == a.upright
        assert all(abs(getattr(a, k) - getattr(b, k)) <= tol for k in ("x0", "x1", "top", "bottom", "size")), (a, b)
    assert (mine.width, mine.height, mine.rotation) == pytest.approx((ref.width, ref.height, ref.rotation), abs=tol)
    assert mine.bbox == pytest.approx(ref.bbox, abs=tol)
    _assert_same_edges(mine, ref)
    assert (len(mine.rects), len(mine.lines), len(mine.curves)) == (len(ref.rects), len(ref.lines), len(ref.curves))
    return mine


def _turned_pdf(path: Path, rotation: int) -> Path:
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setPageRotation(rotation)
    paragraph(c, BODY, 780)
    grid_table(c, [["城市", "进出口额"], ["杭州", "578.06"], ["宁波", "32.78"]], 600, [120, 120])
    c.showPage()
    c.save()
    return path


def _moved_mediabox(src: Path, dst: Path) -> Path:
    pdf = pypdfium2.PdfDocument(src)
    page = pdf[0]
    page.set_mediabox(20, 30, 575, 812)
    page.close()
    pdf.save(dst)
    pdf.close()
    return dst


@pytest.mark.parametrize("make", [make_ruled_pdf, make_aligned_pdf, make_two_column_pdf], ids=lambda f: f.__name__)
def test_same_glyphs_and_edges_as_pdfplumber(tmp_path, make):
    assert _assert_same(make(tmp_path / "doc.pdf")).chars


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_turned_and_moved_pages_keep_pdfplumbers_coordinates(tmp_path, rotation):
    path = _turned_pdf(tmp_path / f"r{rotation}.pdf", rotation)
    _assert_same(path)
    moved = _moved_mediabox(path, tmp_path / f"m{rotation}.pdf")
    mine = _assert_same(moved)
    assert mine.rotation == rotation
    # a glyph's box maps back to PDF points the same way from either reader's page
    ref, _ = _both(moved)
    glyph = mine.chars[0]
    pdf_point = mine.page_map.to_pdf(glyph.x0, glyph.bottom)
    assert ref.page_map.to_pdf(glyph.x0, glyph.bottom) == pytest.approx(pdf_point, abs=0.01)
    assert 20 <= pdf_point[0] <= 575 and 30 <= pdf_point[1] <= 812  # inside the MediaBox
    assert mine.page_map.point(*pdf_point) == pytest.approx((glyph.x0, glyph.bottom))


def test_stream_order_blank_spaces_hyphens_and_forms(tmp_path):
    """PDFium sorts a line's text objects by x, drops a space drawn by itself and turns a hyphen
    ending a line into a marker; the reader undoes all three. Paths inside a form XObject land
    where the form is drawn; a path that only clips draws nothing."""
    path = tmp_path / "quirks.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont(FONT, 12)
    c.drawString(300, 700, "乙方2024")  # drawn first, right of the next one
    c.drawString(100, 700, "甲方2023")
    c.setFont("Helvetica", 12)
    c.drawString(100, 650, "alpha")
    c.drawString(100 + c.stringWidth("alpha", "Helvetica", 12), 650, " ")  # a space by itself
    c.drawString(100 + c.stringWidth("alpha ", "Helvetica", 12), 650, "beta")
    c.drawString(72, 600, "infor-")
    c.drawString(72, 585, "mation")
    c.beginForm("box")
    c.rect(0, 0, 100, 40)
    c.line(0, 20, 100, 20)
    c.endForm()
    c.saveState()
    c.translate(200, 300)
    c.doForm("box")
    c.restoreState()
    clip = c.beginPath()
    clip.rect(50, 50, 300, 100)
    c.clipPath(clip, stroke=0, fill=0)
    c.showPage()
    c.save()

    mine = _assert_same(path, tol=0.5)  # Helvetica's descent: PDFium's metrics vs pdfminer's AFM
    assert "".join(c.text for c in mine.chars) == "乙方2024甲方2023alpha betainfor-mation"
    assert [(round(r["x0"]), round(r["top"]), round(r["x1"]), round(r["bottom"])) for r in mine.rects] == [
        (200, 502, 300, 542)]
    assert len(mine.lines) == 1 and not mine.curves
    space = next(c for c in mine.chars if c.text == " ")
    assert 128 < space.x0 < 133 and 180 < space.top < 195


def test_page_map_round_trip_and_boxes():
    for rotation in (0, 90, 180, 270):
        pm = PageMap.of((20.0, 30.0, 575.0, 812.0), rotation)
        for x, y in ((20.0, 30.0), (100.5, 700.25), (575.0, 812.0)):
            assert pm.to_pdf(*pm.point(x, y)) == pytest.approx((x, y))
        assert pm.width == (782.0 if rotation in (90, 270) else 555.0)
    assert PageMap.of((0, 0, 595, 842), 0).point(72, 800) == (72, 42)  # top-left origin, y down
    assert PageMap.of((0, 0, 595, 842), 450).rotation == 90


def test_empty_page_has_no_objects(tmp_path):
    c = canvas.Canvas(str(tmp_path / "blank.pdf"))
    c.showPage()
    c.save()
    pages = PdfiumPages(tmp_path / "blank.pdf")
    objs = pages.read(0)
    pages.close()
    assert objs.chars == [] and objs.edges == []


REAL_PAGES = [
    ("anhui_digital_finance_paper_2023.pdf", 7),  # math italics outside the BMP: surrogate pairs
    ("jjj_venture_capital_paper_2017.pdf", 8),  # hyphens ending lines
    ("feida_audit_reply_ocr_scan.pdf", 1),  # an OCR text layer: spaces drawn by themselves
    ("broker_financial_forecast_table.pdf", 0),  # text objects drawn right to left
    ("csrc_industry_classification_2018q3.pdf", 0),  # MediaBox off the origin, a ruled grid
    ("anli_2011_annual_report_cover_dupchars.pdf", 0),  # glyphs drawn several times (fake bold)
]


@pytest.mark.parametrize(("name", "index"), REAL_PAGES, ids=[n[:20] for n, _ in REAL_PAGES])
def test_real_pages_give_the_parser_the_same_characters(name, index):
    """What the parser reads — de-duplicated, normalised characters, explicit spaces — is the
    same through either reader (PDFium drops a repeated glyph itself; the parser drops it too)."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    ref, mine = _both(path, index)
    a, b = page_chars(ref), page_chars(mine)
    assert [(c.text, c.sp) for c in b] == [(c.text, c.sp) for c in a]
    close = sum(abs(x.x0 - y.x0) <= 0.5 and abs(x.bottom - y.bottom) <= 0.5 for x, y in zip(a, b, strict=True))
    assert close >= 0.99 * len(a)
    _assert_same_edges(mine, ref)
