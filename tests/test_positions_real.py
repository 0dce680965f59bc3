"""Every PDF fact of the seeds and ../shared/realdocs has a box, and the box holds its quote's glyphs.

The glyphs are read again, apart from the ingest: by the engine that read the page (each glyph's
whole box must lie inside), and by pdfplumber, the reference reader (each glyph's centre). Pages
read by OCR have no glyphs to compare with (their text layer, if any, is the one OCR replaced):
tests/test_ocr.py checks their boxes against the page the scan was made from.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from fixtures_db import realdocs_db

from extractor.parse.pdf.layout import normalize_text
from extractor.parse.pdf.pages import open_pages

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def facts(request, shared_dir: Path) -> list[tuple]:
    db = realdocs_db(request.config.cache.mkdir("policy-facts-sources"), shared_dir)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(
            "select f.id, df.root, df.path, f.page, f.quote, f.method, f.x0, f.top, f.x1, f.bottom, d.ocr_pages from facts f"
            " join documents d on d.id = f.doc_id join document_files df on df.doc_id = d.id and df.root = d.root"
            " and df.path = d.path where d.doc_type = 'pdf' order by df.root, df.path, f.page").fetchall()
    finally:
        con.close()


def _wanted(quote: str, method: str) -> Counter:
    """The characters a fact's box must hold: its quote's (a table fact's quote may add the unit
    of its column header, printed elsewhere: only its digits)."""
    text = normalize_text(quote).replace(" ", "")
    if method == "table":
        text = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    return Counter(text)


def _glyphs(root: str, path: str, page: int, engine: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    if engine == "pdfplumber":
        with pdfplumber.open(Path(root) / path) as pdf:
            return [(normalize_text(c["text"]), (c["x0"], c["top"], c["x1"], c["bottom"])) for c in pdf.pages[page - 1].chars]
    with open_pages(Path(root) / path) as pages:
        return [(normalize_text(c.text), (c.x0, c.top, c.x1, c.bottom)) for c in pages.read(page - 1).chars]


def test_almost_every_pdf_fact_has_a_box(facts: list[tuple]) -> None:
    boxed = sum(f[6] is not None for f in facts)
    assert len(facts) > 1500 and boxed >= 0.99 * len(facts), (boxed, len(facts))


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_each_box_holds_its_quotes_glyphs(facts: list[tuple], engine: str) -> None:
    whole = engine == "pdfium"  # the engine that read the pages: whole glyph boxes; the other: centres
    cache: dict[tuple, list] = {}
    missing = []
    for fid, root, path, page, quote, method, x0, top, x1, bottom, ocr_pages in facts:
        if x0 is None or ocr_pages:
            continue
        key = (root, path, page)
        if key not in cache:
            cache.clear()
            cache[key] = _glyphs(root, path, page, engine)
        inside: Counter = Counter()
        for text, (a, b, c, d) in cache[key]:
            if (whole and x0 <= a and top <= b and c <= x1 and d <= bottom) or (
                    not whole and x0 <= (a + c) / 2 <= x1 and top <= (b + d) / 2 <= bottom):
                inside.update(text.replace(" ", ""))
        lack = _wanted(quote, method) - inside
        if lack:
            missing.append((fid, path, page, quote, dict(lack)))
    assert not missing, missing[:10]
