"""PDFium and pdfplumber give the same documents: every seed PDF and every real PDF of
``../shared/realdocs`` read with both engines, then compared page by page (text), table by table
(shape and cells) and fact by fact (value and attributes)."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest

from extractor.ingest.job import Extraction, extract_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PDFS = sorted(ROOT.glob("corpus/*.pdf")) + sorted((ROOT.parent / "shared" / "realdocs" / "pdf").glob("*.pdf"))
FACT_FIELDS = ("page", "quote", "value", "unit", "value_norm", "unit_norm", "kind", "qualifier", "modality",
               "region", "period", "metric", "low", "high", "method")


@pytest.fixture(scope="module")
def both() -> dict[str, tuple[Extraction, Extraction]]:
    if len(PDFS) < 5:
        pytest.skip("the seed and real PDFs are not present")
    out = {}
    for path in PDFS:
        size = path.stat().st_size
        # the text engines compared: a scan's pages are not read by OCR here (test_ocr.py does)
        out[path.name] = tuple(extract_file(path, path.name, "", size, pdf_engine=e, ocr="off")
                               for e in ("pdfplumber", "pdfium"))
    return out


def test_same_status_and_page_text(both):
    low = []
    for name, (ref, mine) in both.items():
        assert (mine.status, mine.error) == (ref.status, ref.error), name
        if ref.status != "ok":
            continue
        assert len(mine.document.pages) == len(ref.document.pages) and mine.document.title == ref.document.title
        for a, b in zip(ref.document.pages, mine.document.pages, strict=True):
            ratio = difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio() if a.text or b.text else 1.0
            if ratio < 0.99:
                low.append((name, a.number, round(ratio, 3)))
    assert not low


def test_same_tables(both):
    def shape(doc):
        return [(t.page, t.n_rows, t.n_cols, t.header_rows, t.caption, t.unit,
                 [(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells]) for t in doc.tables]

    n = 0
    for name, (ref, mine) in both.items():
        if ref.status == "ok":
            assert shape(mine.document) == shape(ref.document), name
            n += len(ref.document.tables)
    assert n >= 30  # the real documents' ruled and aligned tables are in the comparison


def test_same_facts(both):
    same = total = 0
    for ref, mine in both.values():
        a = Counter(tuple(getattr(f, k) for k in FACT_FIELDS) for f in ref.facts)
        b = Counter(tuple(getattr(f, k) for k in FACT_FIELDS) for f in mine.facts)
        same += sum((a & b).values())
        total += max(sum(a.values()), sum(b.values()))
    assert total > 1000 and same >= 0.99 * total
