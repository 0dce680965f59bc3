"""OCR of scanned pages (issue 18): which pages are read by OCR and why, the scan read into the same
page structure as a text layer (paragraphs, ruled tables, glyph boxes in page coordinates), pages
turned upright and straightened, facts marked with the recogniser's confidence.

OCR is slow (seconds a page on this machine): each scan here is one page, read once per module."""

from __future__ import annotations

import math
import time
from pathlib import Path

import fixtures_pdf as fx
import fixtures_scan as fs
import pytest

from extractor.errors import DocumentTooLarge, NeedsOCR
from extractor.facts.ocr import quote_confidence
from extractor.ingest.job import extract_file
from extractor.models import ParsedDocument
from extractor.parse.ocr.decide import (
    dictionary_cover,
    garbage_share,
    ocr_reason,
    poor_layer,
    suspect_figures,
)
from extractor.parse.ocr.engine import OcrChar
from extractor.parse.ocr.image import orientation, skew
from extractor.parse.ocr.page import clean_chars
from extractor.parse.pdf.document import parse_pdf
from extractor.parse.pdf.objects import PageMap, PageObjects, RawChar

FEIDA = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "pdf" / "feida_audit_reply_ocr_scan.pdf"


# ---------------------------------------------------------------- deciding (no OCR run)


def test_misread_figures_are_told_from_codes_and_quarters() -> None:
    # an OCR engine's digit look-alikes inside figures and dates
    assert suspect_figures("自ZOq5年4月起，上证公函[20I6]0512号，截至20I5 年末") == ["ZOq5", "20I6", "20I5"]
    assert suspect_figures("2O18年营业收入1O5万元") == ["2O18", "1O5"]
    assert suspect_figures("公告于20竹年5月6日发布") == ["0竹"]
    # codes, quarters and product names that mix letters and digits are not misreadings
    assert suspect_figures("B2B平台、O2O模式、ISO9001认证、22Q1营收、5G基站、G20峰会、PM2.5浓度") == []
    assert suspect_figures("3个月内，10余年来，2015年12月31日") == []


def test_garbage_glyphs_and_dictionary_cover() -> None:
    assert garbage_share(["\ue001", "\ue002", "中", "(cid:12)"]) == 0.75
    assert garbage_share(["中", "国"]) == 0.0
    good = "全省数字贸易进出口额达到一千二百三十四亿元，同比增长百分之三十四点七，占全省服务贸易总额的比重首次超过一半"
    assert dictionary_cover(good) > 0.7
    # the same characters out of order read as few words
    scrambled = "".join(sorted(good, key=lambda c: (ord(c) * 7919) % 104729))
    assert dictionary_cover(scrambled) < 0.4
    assert dictionary_cover("短句") is None  # too little to judge


def _page(text: str, image_cover: float = 0.0, hidden: float | None = 0.0) -> PageObjects:
    chars = [RawChar(c, 10.0 * i, 10.0 * i + 9, 100, 110, 10, True) for i, c in enumerate(text)]
    return PageObjects(width=595, height=842, bbox=(0, 0, 595, 842), chars=chars, image_cover=image_cover,
                       hidden_text=hidden)


def test_which_pages_ocr_reads_and_why() -> None:
    poor = "神鹰集团自ZOq5年4月起出现无法偿还贷款的情况，截至20I5年末余额为大57亿元，上证公函[20I6]0512号"
    fine = "神鹰集团自2015年4月起出现无法偿还贷款的情况，截至2015年末余额为1.57亿元，上证公函[2016]0512号"
    assert ocr_reason(_page(""), "auto") == "no text layer"
    assert ocr_reason(None, "auto") == "the text layer cannot be read"
    assert "garbage glyphs" in ocr_reason(_page("\ue001\ue002\ue003中国"), "auto")
    why = ocr_reason(_page(poor, image_cover=1.0, hidden=1.0), "auto")
    assert why.startswith("poor OCR text layer (invisible text over a scan") and "ZOq5" in why
    assert ocr_reason(_page(fine, image_cover=1.0, hidden=1.0), "auto") is None
    # a born-digital page keeps its text layer, whatever figures it has; so does a scan whose layer reads well
    assert ocr_reason(_page(poor), "auto") is None
    # … unless the document's layer as a whole is poor: the page's layer came from the same engine
    assert "in the document" in ocr_reason(_page(fine, 1.0, 1.0), "auto", lambda: poor_layer([poor]))
    assert ocr_reason(_page(fine), "force") == "forced (--ocr force)"
    assert ocr_reason(_page(""), "off") is None


def test_orientation_and_skew_from_the_lines() -> None:
    assert orientation([(0.3, 20), (-0.2, 30)]) == 0
    assert orientation([(89.5, 20), (90.2, 30), (0.0, 3)]) == 3  # running down: turn back three quarters
    assert orientation([(-90.0, 20)]) == 1
    assert orientation([(179.0, 20), (-179.5, 10)]) == 2
    assert skew([(0.8, 400), (0.7, 300), (12.0, 500), (0.9, 100)]) == 0.8  # weighted median within the limit
    assert skew([(0.01, 400)]) == 0.0
    assert skew([]) == 0.0


def test_recognised_punctuation_inside_figures() -> None:
    def text(s: str) -> str:
        return "".join(c.text for c in clean_chars([OcrChar(ch, i / len(s), 1.0) for i, ch in enumerate(s)]))

    assert text("出现9，500万元，余额1。57亿元") == "出现9,500万元，余额1.57亿元"
    assert text("金额2, 000万元") == "金额2,000万元"
    assert text("一，二，三") == "一，二，三"


def test_quote_confidence_takes_the_digits_at_the_right_place() -> None:
    text = "余额为1.57亿元担保借款余额1.57亿元"
    conf = [99] * len(text)
    conf[text.rindex("5")] = 41  # the second 1.57's 5 was doubtful
    assert quote_confidence(text, conf, "1.57亿元", "担保借款余额") == 0.41
    assert quote_confidence(text, conf, "1.57亿元", "实际融资余额为") == 0.99
    assert quote_confidence(text, conf, "2.68亿元") is None


def test_a_straightened_page_maps_back_to_where_it_is_printed() -> None:
    pm = PageMap.of((0, 0, 595, 842), 0)
    tilted = pm.tilted(1.0, 297.5, 421.0)
    x, top = tilted.point(100.0, 700.0)
    back = tilted.to_pdf(x, top)
    assert math.isclose(back[0], 100.0, abs_tol=1e-6) and math.isclose(back[1], 700.0, abs_tol=1e-6)
    # the page's centre stays; a point 200 pt to its right moves 200·sin(1°) up or down
    assert tilted.point(297.5, 421.0) == pytest.approx(pm.point(297.5, 421.0))
    assert abs(tilted.point(497.5, 421.0)[1] - 421.0) == pytest.approx(200 * math.sin(math.radians(1.0)), rel=1e-3)


# ---------------------------------------------------------------- reading scans (one OCR'd page each)


@pytest.fixture(scope="module")
def ruled(tmp_path_factory) -> tuple[Path, Path, ParsedDocument]:
    """A page with a paragraph and a ruled table, and its scan: 200 dpi, tilted 0.8°, grey, noisy."""
    tmp = tmp_path_factory.mktemp("scan")
    src = fx.make_ruled_pdf(tmp / "ruled.pdf")
    scan = fs.scan_pdf(src, tmp / "ruled-scan.pdf", tilt=0.8)
    return src, scan, parse_pdf(scan)


def test_a_scan_reads_like_its_text_layer(ruled) -> None:
    src, _, doc = ruled
    assert [(p.number, p.reason) for p in doc.ocr_pages] == [(1, "no text layer")]
    assert doc.ocr_pages[0].skew == pytest.approx(-0.8, abs=0.25)
    assert doc.ocr_mode == "auto"
    original = parse_pdf(src, ocr="off")
    assert "数字贸易进出口额达到一千二百三十四亿元" in doc.pages[0].text
    assert doc.pages[0].text.count("\n") == original.pages[0].text.count("\n")  # the same paragraphs
    assert [t.grid() for t in doc.tables] == [t.grid() for t in original.tables]  # the ruled table, cell by cell
    assert doc.tables[0].unit == "亿元" and doc.tables[0].method == "ruled"


def test_ocr_glyph_boxes_are_where_the_text_layer_has_them(ruled) -> None:
    import pypdfium2

    from extractor.parse.ocr.source import OcrPages
    from extractor.parse.pdf.pages import open_pages
    from extractor.parse.pdf.pdfium import read_pdfium_page

    src, scan, _ = ruled
    pdf = pypdfium2.PdfDocument(src)
    try:
        layer = read_pdfium_page(pdf[0])
    finally:
        pdf.close()
    with OcrPages(open_pages(scan), scan, None, "auto") as pages:
        objs = pages.read(0)

    def box(chars, text):
        joined = "".join(c.text for c in chars)
        at = joined.index(text)
        run = chars[at:at + len(text)]
        return min(c.x0 for c in run), min(c.top for c in run), max(c.x1 for c in run), max(c.bottom for c in run)

    want, got = box(layer.chars, "578.06"), box(objs.chars, "578.06")
    assert all(abs(a - b) < 4.0 for a, b in zip(want, got, strict=True)), (want, got)
    # in PDF space the box is where the scan prints it: turned by the tilt about the page's centre
    cx, cy = objs.width / 2, objs.height / 2
    gx, gy = (got[0] + got[2]) / 2, (got[1] + got[3]) / 2
    t = math.radians(0.8)
    px, py = objs.page_map.to_pdf(gx, gy)
    tx = cx + math.cos(t) * (gx - cx) + math.sin(t) * (gy - cy)  # the scanner turned it 0.8° to the left
    ty = cy - math.sin(t) * (gx - cx) + math.cos(t) * (gy - cy)  # (y down)
    assert (px, objs.height - py) == pytest.approx((tx, ty), abs=1.0)


def test_a_straightened_pages_text_boxes_are_where_the_scan_prints_them(tmp_path: Path) -> None:
    """Page.boxes of an OCR'd page are turned back by its tilt: evidence boxes sit on the scan."""
    src = fx.make_ruled_pdf(tmp_path / "ruled.pdf")
    tilt = 3.0
    doc, original = parse_pdf(fs.scan_pdf(src, tmp_path / "tilted.pdf", tilt=tilt)), parse_pdf(src, ocr="off")
    quote = "一千二百三十四亿元"

    def box(page):
        at = page.text.index(quote)
        return page.box(at, at + len(quote))

    scan_box, layer_box = box(doc.pages[0]), box(original.pages[0])
    # where the scanner put the text layer's box: turned ``tilt`` degrees to the left about the page's centre
    cx, cy, t = fx.W / 2, fx.H / 2, math.radians(tilt)
    turned = [(cx + math.cos(t) * (x - cx) + math.sin(t) * (y - cy), cy - math.sin(t) * (x - cx) + math.cos(t) * (y - cy))
              for x in (layer_box[0], layer_box[2]) for y in (layer_box[1], layer_box[3])]
    want = (min(p[0] for p in turned), min(p[1] for p in turned), max(p[0] for p in turned), max(p[1] for p in turned))
    assert abs(want[0] - layer_box[0]) > 10  # far enough from the upright box to tell them apart
    assert scan_box == pytest.approx(want, abs=4.0)


def test_facts_from_a_scan_carry_method_and_confidence(ruled) -> None:
    _, scan, _ = ruled
    result = extract_file(scan, scan.name, "", scan.stat().st_size)
    assert result.status == "ok"
    facts = {f.quote: f for f in result.facts}
    assert {"578.06", "64.15", "-34.77"} <= set(facts)
    assert facts["578.06"].method == "table" and facts["578.06"].ocr_flag in ("ok", "low")
    text_facts = [f for f in result.facts if f.table_index is None]
    assert text_facts and all(f.method == "ocr" and f.ocr_confidence is not None for f in text_facts)
    assert all(0 <= f.ocr_confidence <= 1 and f.ocr_flag == ("low" if f.ocr_confidence < 0.9 else "ok")
               for f in result.facts)


def test_a_page_scanned_sideways_is_turned_upright(tmp_path: Path) -> None:
    src = fx.make_ruled_pdf(tmp_path / "ruled.pdf")
    doc = parse_pdf(fs.scan_pdf(src, tmp_path / "sideways.pdf", tilt=-0.5, quarter_turns=1))
    page = doc.ocr_pages[0]
    assert page.turned == 270 and page.skew == pytest.approx(0.5, abs=0.25)
    assert "数字服务贸易继续发挥稳定器作用" in doc.pages[0].text
    assert doc.tables and doc.tables[0].grid()[1] == ["杭州", "578.06", "64.15"]


def test_off_keeps_needs_ocr_and_a_spent_ocr_time_is_too_large(ruled) -> None:
    _, scan, _ = ruled
    with pytest.raises(NeedsOCR, match="without a text layer$"):
        parse_pdf(scan, ocr="off")
    with pytest.raises(DocumentTooLarge, match="OCR time"):
        parse_pdf(scan, ocr_deadline=time.monotonic() - 1)


@pytest.mark.skipif(not FEIDA.exists(), reason="../shared/realdocs is not present")
def test_a_poor_ocr_layer_is_replaced_by_ocr(tmp_path: Path) -> None:
    """The scanned auditor's letter: its own invisible text layer reads 孔500万元 for 9,500万元, 大57亿元 for
    1.57亿元 and ZOq5 for 2015; read by OCR, the figures are right (first page only: a few seconds)."""
    page = fs.first_page(FEIDA, tmp_path / "feida-p1.pdf")
    layer = extract_file(page, page.name, "", page.stat().st_size, ocr="off")
    assert {f.value_norm for f in layer.facts} & {5e6, 5.7e9}  # the text layer's wrong values
    result = extract_file(page, page.name, "", page.stat().st_size)
    assert result.status == "ok"
    doc = result.document
    assert doc is not None and doc.ocr_pages[0].reason.startswith("poor OCR text layer (invisible text over a scan")
    values = {(f.value_norm, f.unit_norm, f.page) for f in result.facts}
    assert {(9.5e7, "CNY", 1), (1.57e8, "CNY", 1), (2e8, "CNY", 1)} <= values
    assert not {f.value_norm for f in result.facts} & {5e6, 5.7e9}
    assert "ZOq5" not in doc.text and "2015年年度报告" in doc.text
    figure = next(f for f in result.facts if f.value_norm == 9.5e7)
    assert figure.method == "ocr" and figure.quote == "9,500万元" and figure.ocr_confidence is not None
