"""PDF text extraction: seed documents against reference text, real-world PDFs, error handling."""

from __future__ import annotations

import difflib
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from extractor.errors import CorruptDocument, EmptyDocument, EncryptedDocument, NeedsOCR, PolicyFactsError
from extractor.models import ParsedDocument, Table
from extractor.parse.pdf.continuation import table_text
from extractor.parse.pdf.document import _clean_title, parse_pdf, parse_pdf_blocks
from extractor.parse.pdf.layout import normalize_text

sys.path.insert(0, str(Path(__file__).parent))
import fixtures_pdf as fx  # noqa: E402
from fixtures_shared import shared_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REALDOCS = shared_files("realdocs/pdf", "*.pdf")
SEEDS = [("000_a0f43fa23b887996", 0.97), ("001_8d457a22a89f29c0", 0.90),
         ("003_5d248740ca065104", 0.97), ("004_f2012f7fd97ef5c2", 0.97)]
KANGXI = re.compile("[\u2f00-\u2fdf]")
WS = re.compile(r"\s+")


@cache
def blocks_of(path: Path) -> tuple[ParsedDocument, list[list[str | Table]]]:
    return parse_pdf_blocks(path)


def reading_text(blocks: list[list[str | Table]]) -> str:
    """All pages in reading order, tables rendered row by row where they stand."""
    return "\n".join(table_text(b) if isinstance(b, Table) else b for page in blocks for b in page)


# ------------------------------------------------------------ seed corpus


@pytest.mark.parametrize(("stem", "threshold"), SEEDS)
def test_seed_text_matches_reference(shared_dir: Path, stem: str, threshold: float) -> None:
    _doc, blocks = blocks_of(CORPUS / f"{stem}.pdf")
    ours = WS.sub("", reading_text(blocks))
    ref = WS.sub("", (shared_dir / "seed-corpus" / "text" / f"{stem}.txt").read_text(encoding="utf-8"))
    ratio = difflib.SequenceMatcher(None, ours, ref, autojunk=False).ratio()
    assert ratio >= threshold, f"{stem}: ratio {ratio:.4f}"


def test_seed_document_shape() -> None:
    doc = parse_pdf(CORPUS / "000_a0f43fa23b887996.pdf")
    assert doc.doc_type == "pdf" and doc.page_count == 7 and len(doc.pages) == 7
    assert [p.number for p in doc.pages] == list(range(1, 8))
    assert doc.title is None  # metadata title "page.html" is not a title; no heading on page 1
    # page numbers such as "— 1 —" are gone; table words are not in the running text
    assert not re.search(r"—\s*\d+\s*—", doc.text)
    assert "知识产权使用费" not in doc.pages[1].text
    assert "2020年1-6月浙江省数字服务贸易行业前十" not in doc.pages[1].text
    assert "第二至第四位，进出口额分别为42.23亿元、40.48亿元和26.71亿元。" in doc.pages[1].text.split("\n")


def test_paragraphs_follow_layout() -> None:
    paras = parse_pdf(CORPUS / "003_5d248740ca065104.pdf").pages[0].text.split("\n")
    assert paras[0] == "数字赋能畅通国内国际双循环"
    assert paras[1].startswith("当前,全球经济正经历数字化转型") and paras[1].endswith("在国际上占有一席之地。")
    assert "一、正确认识“双循环”重大机遇" in paras
    assert "（一）经济双循环并非我国独创，世界强国也曾经历" in paras


def test_title_from_heading() -> None:
    doc = parse_pdf(CORPUS / "004_f2012f7fd97ef5c2.pdf")
    assert doc.title == "杭州市人民政府办公厅关于印发杭州市推进数字贸易强市三年行动计划（2024—2026年）的通知"
    assert parse_pdf(CORPUS / "003_5d248740ca065104.pdf").title == "数字赋能畅通国内国际双循环"


def test_title_from_metadata_only_when_meaningful() -> None:
    assert _clean_title("page.html") is None
    assert _clean_title("Microsoft Word - x.doc") is None
    assert _clean_title("Microsoft Word - 关于印发数字贸易行动计划的通知.docx") == "关于印发数字贸易行动计划的通知"
    assert _clean_title("2023年这些词语很流⾏- 新华网") == "2023年这些词语很流行- 新华网"


def test_newspaper_columns_and_letter_spacing() -> None:
    doc, _ = blocks_of(CORPUS / "001_8d457a22a89f29c0.pdf")
    text = doc.pages[0].text
    assert not doc.tables  # five columns of running text are not a table
    assert "并带动全球产业链供应链加速整合优化，大幅降低贸易成本。" in text
    assert "按可比口径同比增长6.3%，规模再创历史新高。" in text
    # column 1 is read before column 2
    assert text.index("推动建立全球规则") < text.index("深度融合驱动发展") < text.index("携手共建数字丝路")


def test_normalize_text() -> None:
    assert normalize_text("２０２３年ＧＤＰ增长５．２％") == "2023年GDP增长5.2%"
    assert normalize_text("⽣产⼒增⻓，⻔户⻅效") == "生产力增长，门户见效"
    assert normalize_text("“一”，（二）：三；四！五？六。") == "“一”，（二）：三；四！五？六。"
    assert normalize_text("①\u3000②") == "① ②"


# ------------------------------------------------------------ real documents

_real_results: dict[str, ParsedDocument | PolicyFactsError] = {}


def _real(path: Path) -> ParsedDocument | PolicyFactsError:
    if path.name not in _real_results:
        try:
            _real_results[path.name] = parse_pdf(path, ocr="off")  # their text layers (OCR: test_ocr.py)
        except (NeedsOCR, EncryptedDocument, CorruptDocument, EmptyDocument) as exc:
            _real_results[path.name] = exc
    return _real_results[path.name]


@pytest.mark.parametrize("path", REALDOCS, ids=lambda p: p.stem)
def test_realdocs_parse(path: Path) -> None:
    result = _real(path)
    if isinstance(result, PolicyFactsError):
        return
    assert result.page_count == len(result.pages) >= 1
    text = result.text + "".join(c.text for t in result.tables for c in t.cells)
    assert not KANGXI.search(text)
    assert "(cid:" not in text


def test_kangxi_radicals_become_ideographs(shared_dir: Path) -> None:
    doc = _real(shared_dir / "realdocs" / "pdf" / "xinhua_buzzwords_2023_chrome_print.pdf")
    assert isinstance(doc, ParsedDocument)
    assert "新质生产力" in doc.text and "人工智能大模型" in doc.text
    assert "2024/6/17" not in doc.text  # the browser's running header is dropped


def test_fake_bold_duplicates_removed(shared_dir: Path) -> None:
    doc = _real(shared_dir / "realdocs" / "pdf" / "anli_2011_annual_report_cover_dupchars.pdf")
    assert isinstance(doc, ParsedDocument)
    assert "安徽安利合成革股份有限公司" in doc.text
    assert "股票代码：300218" in doc.text
    assert not re.search(r"(.)\1\1", doc.text)


def test_latin_spaces_kept(shared_dir: Path) -> None:
    doc = _real(shared_dir / "realdocs" / "pdf" / "jjj_venture_capital_paper_2017.pdf")
    assert isinstance(doc, ParsedDocument)
    assert "Progress in Geography" in doc.text
    assert "创业风险投资(venture capital, VC)作为一种新的金融制度安排" in doc.text  # two-column page


# ------------------------------------------------------------ generated PDFs and errors


def test_page_numbers_and_running_headers_dropped(tmp_path: Path) -> None:
    doc = parse_pdf(fx.make_pages_pdf(tmp_path / "pages.pdf", 3))
    for k, page in enumerate(doc.pages, start=1):
        paras = page.text.split("\n")
        assert paras[0] == f"{'一二三'[k - 1]}、第{k}部分"
        assert len(paras) == 3 and paras[1] == paras[2] == fx.BODY
        assert "文件汇编" not in page.text and "—" not in page.text


def test_two_columns_read_in_order(tmp_path: Path) -> None:
    doc = parse_pdf(fx.make_two_column_pdf(tmp_path / "two.pdf"))
    paras = doc.pages[0].text.split("\n")
    assert paras[0] == "两栏排版的新闻版面标题" == doc.title
    assert paras[1].startswith("左栏文字") and paras[2].startswith("右栏文字")
    assert len(paras) == 3


def test_encrypted(tmp_path: Path) -> None:
    path = fx.make_encrypted_pdf(tmp_path / "enc.pdf", "s3cret")
    with pytest.raises(EncryptedDocument):
        parse_pdf(path)
    with pytest.raises(EncryptedDocument):
        parse_pdf(path, password="wrong")
    doc = parse_pdf(path, password="s3cret")
    assert doc.pages[0].text == "Revenue grew 12.5% to 3,684 million yuan in 2022."


def test_no_text_layer_needs_ocr(tmp_path: Path) -> None:
    with pytest.raises(NeedsOCR) as info:
        parse_pdf(fx.make_image_only_pdf(tmp_path / "scan.pdf"), ocr="off")
    assert info.value.page_count == 2
    assert str(info.value).endswith("without a text layer")


def test_corrupt_and_empty(tmp_path: Path) -> None:
    good = fx.make_ruled_pdf(tmp_path / "good.pdf").read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    for path in (truncated, garbage):
        with pytest.raises((CorruptDocument, NeedsOCR)):
            parse_pdf(path)
    with pytest.raises(CorruptDocument):
        parse_pdf(garbage)
    with pytest.raises(EmptyDocument):
        parse_pdf(empty)
