"""parse_file: choosing the parser by content, not only by suffix."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from extractor.errors import EmptyDocument, UndecodableText, UnsupportedFileType
from extractor.models import ParsedDocument
from extractor.parse import SUPPORTED_SUFFIXES, parse_file, sniff_kind

ROOT = Path(__file__).resolve().parent.parent
PARAS = "".join(f"<p>第{i}段：今年上半年浙江省进出口2.26万亿元，同比增长17.3%，出口增长20.3%。</p>" for i in range(4))
HTML = f'<!DOCTYPE html><html><head><meta charset="gb2312"><title>标题_某网</title></head><body><div>{PARAS}</div></body></html>'


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.fixture
def fake_pdf(monkeypatch):
    """Replace extractor.parse.pdf with a recorder, so dispatch is tested without PDFs."""
    calls = []

    def parse_pdf(path, password=None):
        calls.append((Path(path), password))
        return ParsedDocument(path=str(path), doc_type="pdf")

    module = types.ModuleType("extractor.parse.pdf.document")
    module.parse_pdf = parse_pdf
    monkeypatch.setitem(sys.modules, "extractor.parse.pdf.document", module)
    return calls


def test_supported_suffixes() -> None:
    assert {".pdf", ".html", ".htm", ".md", ".txt"} <= set(SUPPORTED_SUFFIXES)
    assert all(s.startswith(".") and s == s.lower() for s in SUPPORTED_SUFFIXES)


@pytest.mark.parametrize("name", ["report.pdf", "report.txt", "report.bin", "report"])
def test_pdf_is_sniffed(tmp_path: Path, fake_pdf, name: str) -> None:
    p = _write(tmp_path, name, b"\n\n%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    doc = parse_file(p, password="secret")
    assert doc.doc_type == "pdf"
    assert fake_pdf == [(p, "secret")]


def test_html_named_pdf_is_html(tmp_path: Path, fake_pdf) -> None:
    p = _write(tmp_path, "news.pdf", HTML.encode("gbk"))
    doc = parse_file(p)
    assert doc.doc_type == "html" and not fake_pdf
    assert doc.title == "标题" and doc.pages[0].text.startswith("第0段：")


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.txt", "page.md", "page"])
def test_html_by_signature(tmp_path: Path, name: str) -> None:
    assert parse_file(_write(tmp_path, name, HTML)).doc_type == "html"


def test_html_fragment_by_suffix(tmp_path: Path) -> None:
    doc = parse_file(_write(tmp_path, "frag.html", f"<div>{PARAS}</div>"))
    assert doc.doc_type == "html" and len(doc.pages[0].text.split("\n")) == 4


def test_markdown_by_front_matter_and_suffix(tmp_path: Path) -> None:
    md = "---\ntitle: 浙江出口\ndate: 2022-07-21\n---\n\n浙江省进出口2.26万亿元，同比增长17.3%。\n"
    for name in ("a.md", "a.txt", "a"):
        doc = parse_file(_write(tmp_path, name, md))
        assert (doc.title, doc.published) == ("浙江出口", "2022-07-21"), name
        assert doc.pages[0].text == "浙江省进出口2.26万亿元，同比增长17.3%。"
    doc = parse_file(_write(tmp_path, "plain.md", "# 标题\n\n正文第一段，增长3%。\n"))
    assert doc.title == "标题" and doc.pages[0].text == "正文第一段，增长3%。"


def test_corpus_markdown(tmp_path: Path) -> None:
    doc = parse_file(ROOT / "corpus" / "002_66e1a6b4825c6e33.md")
    assert doc.doc_type == "html" and doc.published == "2022-07-21"
    assert len(doc.pages[0].text.split("\n")) == 11


@pytest.mark.parametrize("name", ["a.txt", "a.text", "a.log", "a"])
def test_text(tmp_path: Path, name: str) -> None:
    doc = parse_file(_write(tmp_path, name, "浙江省进出口2.26万亿元。\n\n同比增长17.3%。".encode("gb18030")))
    assert doc.doc_type == "text"
    assert doc.pages[0].text == "浙江省进出口2.26万亿元。\n同比增长17.3%。"


def test_text_with_a_few_tags_stays_text(tmp_path: Path) -> None:
    doc = parse_file(_write(tmp_path, "a.txt", "公式 a<b 且 <p> 不是网页。"))
    assert doc.doc_type == "text" and "<p>" in doc.pages[0].text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\x00\x01\x02\x03binary\x00\x00\xff\xfe",
        bytes(range(256)) * 4,
    ],
)
def test_unknown_binary(tmp_path: Path, data: bytes) -> None:
    for name in ("x.bin", "x.pdf", "x.txt"):
        with pytest.raises(UnsupportedFileType):
            parse_file(_write(tmp_path, name, data))


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n", "\u3000\n".encode()])
def test_empty(tmp_path: Path, data: bytes) -> None:
    for name in ("e.txt", "e.html", "e.md", "e.pdf", "e"):
        with pytest.raises(EmptyDocument):
            parse_file(_write(tmp_path, name, data))


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocument):
        parse_file(_write(tmp_path, "e.html", "<html><head><title>t</title><script>x()</script></head><body></body></html>"))


def test_undecodable_text(tmp_path: Path) -> None:
    with pytest.raises(UndecodableText):
        parse_file(_write(tmp_path, "u.txt", b"abc \xff\xff\xff\x80 def"))


def test_sniff_kind() -> None:
    assert sniff_kind(b"%PDF-1.4") == "pdf"
    assert sniff_kind(b"<!-- saved --><html><body>x</body></html>", ".txt") == "html"
    assert sniff_kind(b'<?xml version="1.0"?><!DOCTYPE html><html>', "") == "html"
    assert sniff_kind("<p>段落</p>".encode("utf-16"), ".htm") == "html"
    assert sniff_kind(b"---\ntitle: x\n---\nbody", ".txt") == "markdown"
    assert sniff_kind(b"plain", ".md") == "markdown"
    assert sniff_kind(b"plain", ".txt") == "text"


def test_rules_around_text_are_not_front_matter(tmp_path: Path) -> None:
    doc = parse_file(_write(tmp_path, "r.txt", "---\n浙江省进出口2.26万亿元。\n---\n同比增长17.3%。\n"))
    assert doc.doc_type == "text" and "2.26万亿元" in doc.pages[0].text
    doc = parse_file(_write(tmp_path, "r.md", "---\n浙江省进出口2.26万亿元。\n---\n同比增长17.3%。\n"))
    assert "2.26万亿元" in doc.pages[0].text and "17.3%" in doc.pages[0].text


@pytest.mark.parametrize("name", ["SOURCES.tsv", "list.csv", "config.yml", "sources.yaml", "meta.json"])
def test_data_files_beside_documents_are_not_documents(tmp_path: Path, name: str) -> None:
    rows = "local_name\tbytes\tdescription\nreport.pdf\t1234\t浙江省进出口2.26万亿元，同比增长17.3%\n"
    with pytest.raises(UnsupportedFileType, match="not a document"):
        parse_file(_write(tmp_path, name, rows))


def test_a_web_page_saved_under_a_data_suffix_is_still_read(tmp_path: Path, fake_pdf) -> None:
    assert parse_file(_write(tmp_path, "page.xml", HTML)).doc_type == "html"
    assert parse_file(_write(tmp_path, "report.json", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")).doc_type == "pdf"


def test_a_data_file_in_an_ingested_folder_is_skipped(tmp_path: Path) -> None:
    from extractor.ingest.pipeline import ingest
    from extractor.store.database import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "SOURCES.tsv").write_text("name\tbytes\na.txt\t10\n", encoding="utf-8")
    (folder / "a.txt").write_text("浙江省进出口2.26万亿元，同比增长17.3%。", encoding="utf-8")
    (folder / "manifest.yml").write_text("documents:\n  a.txt:\n    title: 浙江外贸\n", encoding="utf-8")
    summary = ingest([folder], tmp_path / "facts.db", workers=0)
    assert (summary.ok, summary.skipped) == (1, 1)
    with Store(tmp_path / "facts.db") as store:
        rows = {r["path"]: r for r in store.db.query("select path, status, error, label from documents")}
    assert rows["SOURCES.tsv"]["status"] == "skipped" and "not a document" in rows["SOURCES.tsv"]["error"]
    assert rows["a.txt"]["status"] == "ok" and rows["a.txt"]["label"] == "浙江外贸"
