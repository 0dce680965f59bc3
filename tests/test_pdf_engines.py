"""Choosing the PDF engine, the per-page fallback to pdfplumber, and the documents row recording it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_pdf import make_pages_pdf, make_ruled_pdf

from extractor.cli import cli
from extractor.cli import ingest as ingest_command
from extractor.errors import CorruptDocument, EncryptedDocument
from extractor.ingest.pipeline import ingest
from extractor.parse.pdf import pages
from extractor.parse.pdf.document import parse_pdf
from extractor.parse.pdf.objects import PlumberPages
from extractor.parse.pdf.pdfium import PdfiumPages
from extractor.settings import PDF_ENGINES, SETTINGS


def test_pdfium_is_the_default_and_pdfplumber_the_reference(tmp_path):
    path = make_ruled_pdf(tmp_path / "ruled.pdf")
    mine, ref = parse_pdf(path), parse_pdf(path, engine="pdfplumber")
    assert (SETTINGS.pdf.engine, mine.pdf_engine, ref.pdf_engine) == ("pdfium", "pdfium", "pdfplumber")
    assert [p.text for p in mine.pages] == [p.text for p in ref.pages]
    assert [(t.n_rows, t.n_cols, [c.text for c in t.cells]) for t in mine.tables] == [
        (t.n_rows, t.n_cols, [c.text for c in t.cells]) for t in ref.tables]
    assert mine.fallback_pages == ref.fallback_pages == []
    with pytest.raises(ValueError, match="unknown PDF engine"):
        parse_pdf(path, engine="mupdf")


def test_a_page_pdfium_cannot_read_is_read_by_pdfplumber(tmp_path, monkeypatch):
    path = make_pages_pdf(tmp_path / "pages.pdf", n=3)
    expected = parse_pdf(path, engine="pdfplumber")
    read = PdfiumPages.read

    def flaky(self, index):
        if index == 1:
            raise RuntimeError("PDFium cannot load this page")
        return read(self, index)

    monkeypatch.setattr(PdfiumPages, "read", flaky)
    doc = parse_pdf(path)
    assert doc.pdf_engine == "pdfium" and doc.fallback_pages == [2]
    assert [p.text for p in doc.pages] == [p.text for p in expected.pages]


def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber_whole(tmp_path, monkeypatch):
    path = make_pages_pdf(tmp_path / "pages.pdf", n=2)

    def refuse(self, path, password=None):
        raise CorruptDocument(f"{Path(path).name}: cannot be read as PDF")

    monkeypatch.setattr(PdfiumPages, "__init__", refuse)
    doc = parse_pdf(path)
    assert doc.fallback_pages == [1, 2] and doc.text


def test_no_engine_can_open_it_or_it_is_encrypted(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"garbage " * 500)
    for engine in PDF_ENGINES:
        with pytest.raises(CorruptDocument):
            pages.open_pages(bad, engine=engine)
    from fixtures_pdf import make_encrypted_pdf

    locked = make_encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    for engine in PDF_ENGINES:
        with pytest.raises(EncryptedDocument, match="password"):
            parse_pdf(locked, engine=engine)
        assert parse_pdf(locked, password="s3cret", engine=engine).text


def test_the_documents_row_records_the_engine_and_fallback_pages(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    make_pages_pdf(folder / "a.pdf", n=3)
    (folder / "b.html").write_text("<html><body><p>2023年杭州市进出口额达到578亿元。</p></body></html>",
                                   encoding="utf-8")
    read = PdfiumPages.read
    monkeypatch.setattr(PdfiumPages, "read", lambda self, i: (_ for _ in ()).throw(OSError("no")) if i == 2
                        else read(self, i))
    db = tmp_path / "facts.db"
    s = ingest([folder], db, workers=0)
    assert s.ok == 2
    con = sqlite3.connect(db)
    rows = dict((p, (e, f)) for p, e, f in con.execute("select path, pdf_engine, fallback_pages from documents"))
    assert rows == {"a.pdf": ("pdfium", "[3]"), "b.html": (None, None)}
    # asking for the other engine reads the PDF again, and only the PDF
    again = ingest([folder], db, workers=0, pdf_engine="pdfplumber")
    assert (again.ok, again.unchanged) == (1, 1)
    assert con.execute("select pdf_engine, fallback_pages from documents where path = 'a.pdf'").fetchone() == (
        "pdfplumber", None)
    con.close()
    with pytest.raises(ValueError, match="unknown PDF engine"):
        ingest([folder], db, workers=0, pdf_engine="mupdf")


def test_cli_offers_the_engines(tmp_path):
    choices = next(p for p in ingest_command.params if p.name == "pdf_engine").type.choices
    assert tuple(choices) == PDF_ENGINES
    (tmp_path / "in").mkdir()
    path = make_ruled_pdf(tmp_path / "in" / "ruled.pdf")
    res = CliRunner().invoke(cli, ["ingest", str(path.parent), "--db", str(tmp_path / "f.db"), "--workers", "0",
                                   "--json", "--pdf-engine", "pdfplumber"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["ok"] == 1
    bad = CliRunner().invoke(cli, ["ingest", str(path.parent), "--pdf-engine", "mupdf"])
    assert bad.exit_code == 2 and "mupdf" in bad.output


def test_a_page_whose_text_pdfium_cannot_read_goes_to_pdfplumber(tmp_path):
    """Text drawn in a font PDFium cannot use gives no glyph: the page is not PDFium's to read.
    Here pdfplumber cannot read it either, so under both engines page 2 is named as lost."""
    from fixtures_bad import PAGE_ONE_TEXT, broken_page_pdf

    path = broken_page_pdf(tmp_path / "half.pdf")
    pdfium_pages = PdfiumPages(path)
    with pytest.raises(CorruptDocument, match="no glyph"):
        pdfium_pages.read(1)
    pdfium_pages.close()
    for engine in PDF_ENGINES:
        doc = parse_pdf(path, engine=engine)
        assert list(doc.page_errors) == [2] and doc.fallback_pages == [], engine
        assert doc.pages[0].text == PAGE_ONE_TEXT


def _pdf_of_pages(path: Path, contents: list[bytes]) -> Path:
    """A PDF with a page per content stream, each drawn with Helvetica as /F1."""
    from fixtures_bad import raw_pdf

    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
    streams = [b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream" for c in contents]
    path.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
                              *(page % (3 + n + i, 3 + 2 * n) for i in range(n)), *streams,
                              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]))
    return path


def test_a_page_of_blanks_is_pdfiums_and_text_of_no_size_is_not(tmp_path):
    """PDFium's text page leaves out a space drawn by itself; a page drawing nothing else (an empty
    page of a word processor, a scan's page) is still PDFium's to read: the same spaces as pdfplumber,
    no fallback. Text drawn at size 0 gives PDFium no glyph at all: that page goes to pdfplumber."""
    path = _pdf_of_pages(tmp_path / "blanks.pdf", [
        b"BT /F1 12 Tf 72 720 Td (Exports grew 12.5% to 578.06 billion yuan in 2023.) Tj ET",
        b"BT /F1 12 Tf 72 720 Td ( ) Tj ET BT /F1 10 Tf 300 400 Td ( ) Tj ET",
        b"BT /F1 0 Tf 72 720 Td (hidden 2023) Tj ET",
    ])
    pdfium_pages, plumber_pages = PdfiumPages(path), PlumberPages(path)
    blank, ref = pdfium_pages.read(1), plumber_pages.read(1)
    assert [c.text for c in blank.chars] == [c.text for c in ref.chars] == [" ", " "]
    assert [round(c.x0) for c in blank.chars] == [round(c.x0) for c in ref.chars] == [72, 300]
    with pytest.raises(CorruptDocument, match="no glyph"):
        pdfium_pages.read(2)
    pdfium_pages.close()
    plumber_pages.close()
    doc, expected = parse_pdf(path), parse_pdf(path, engine="pdfplumber")
    assert doc.fallback_pages == [3] and doc.page_errors == {}
    assert [p.text for p in doc.pages] == [p.text for p in expected.pages]


def test_a_worker_ended_by_abort_under_a_memory_cap_is_out_of_memory():
    """PDFium aborts the process when an allocation fails (a decompression bomb under --memory-mb):
    that document is too large, not a crash."""
    from pebble import ProcessExpired

    from extractor.ingest.workers import Workers

    capped = Workers(1, timeout=10, memory_mb=150, password=None, max_text_bytes=None)
    status, error = capped._failure(ProcessExpired("abort", code=-6, pid=1))
    assert status == "too_large" and error.startswith("MemoryError")
    uncapped = Workers(1, timeout=10, memory_mb=0, password=None, max_text_bytes=None)
    assert uncapped._failure(ProcessExpired("abort", code=-6, pid=1))[0] == "failed"
    assert capped._failure(ProcessExpired("segv", code=-11, pid=1))[0] == "failed"
