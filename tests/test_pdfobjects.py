"""The parser's lean page reader sees exactly what pdfplumber's ``page.chars`` / ``page.edges`` see."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pytest
from fixtures_pdf import BODY, make_ruled_pdf, paragraph
from reportlab.pdfgen import canvas

from extractor.parse.pdf.objects import RawChar, read_page

logging.getLogger("pdfminer").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    ROOT / "corpus" / "000_a0f43fa23b887996.pdf",  # ruled tables
    ROOT / "corpus" / "001_8d457a22a89f29c0.pdf",  # five columns, a big page
]
REAL = [  # in ../shared/realdocs/pdf
    "csrc_industry_classification_2018q3.pdf",  # MediaBox not at the origin
    "anhui_land_use_standard_2020_page.pdf",  # hundreds of rects
    "xinhua_buzzwords_2023_chrome_print.pdf",  # Kangxi radicals
    "anli_2011_annual_report_cover_dupchars.pdf",  # glyphs drawn several times
]
KEYS = ("text", "x0", "x1", "top", "bottom", "size", "upright")
EDGE_KEYS = ("orientation", "x0", "x1", "top", "bottom", "width", "height", "object_type")


def _rotated_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setPageRotation(90)
    paragraph(c, BODY, 780)
    c.line(72, 500, 523, 500)
    c.rect(100, 300, 200, 100)
    c.showPage()
    c.save()
    return path


def _assert_same(path: Path, max_pages: int = 2) -> int:
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:max_pages]:
            objs = read_page(page)
            # a fresh page object, so pdfplumber's own reading is not affected by ours
            ref = pdfplumber.open(path).pages[page.page_number - 1]
            assert objs.chars == [RawChar(*(c[k] for k in KEYS)) for c in ref.chars]
            for mine, theirs in ((objs.rects, ref.rects), (objs.lines, ref.lines), (objs.curves, ref.curves)):
                assert mine == theirs
            assert [tuple(e[k] for k in EDGE_KEYS) for e in objs.edges] == [
                tuple(e[k] for k in EDGE_KEYS) for e in ref.edges
            ]
            assert (objs.width, objs.height, objs.bbox) == (ref.width, ref.height, ref.bbox)
            n += len(objs.chars)
            ref.close()
    return n


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:24])
def test_same_chars_and_edges_as_pdfplumber(path):
    assert _assert_same(path) > 0


@pytest.mark.parametrize("name", REAL, ids=lambda n: n[:24])
def test_same_chars_and_edges_on_real_pdfs(shared_dir, name):
    assert _assert_same(shared_dir / "realdocs" / "pdf" / name) > 0


def test_same_on_drawn_and_rotated_pages(tmp_path):
    assert _assert_same(make_ruled_pdf(tmp_path / "ruled.pdf")) > 0
    assert _assert_same(_rotated_pdf(tmp_path / "rotated.pdf")) > 0


def test_empty_page_has_no_objects(tmp_path):
    c = canvas.Canvas(str(tmp_path / "blank.pdf"))
    c.showPage()
    c.save()
    with pdfplumber.open(tmp_path / "blank.pdf") as pdf:
        objs = read_page(pdf.pages[0])
    assert objs.chars == [] and objs.edges == []
