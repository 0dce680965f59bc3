"""Parsers: one entry point, :func:`parse_file`, that sniffs what a file really is.

PDF (a ``%PDF-`` header at the start: :func:`is_pdf`) → :mod:`extractor.parse.pdf.document`; HTML (a document
signature, or an HTML suffix) → :mod:`.html`; YAML front matter or a Markdown
suffix → :mod:`.markdown`; other text → :mod:`.text`. The suffix only decides
when the content is ambiguous.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from extractor.errors import EmptyDocument, UnsupportedFileType
from extractor.models import ParsedDocument
from extractor.parse.html import parse_html
from extractor.parse.markdown import parse_markdown
from extractor.parse.text import parse_text, sniff_bom

__all__ = ["NOT_DOCUMENT_SUFFIXES", "PDF_HEADER_WINDOW", "SUPPORTED_SUFFIXES", "is_pdf", "parse_file", "sniff_kind"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".pdf", ".html", ".htm", ".shtml", ".xhtml", ".md", ".markdown", ".txt", ".text",
)
#: Data, configuration and code files that sit beside documents (a SOURCES.tsv, a config.yml): not
#: documents, even though they are text. A manifest (manifest.yml, manifest.csv) is read as one.
NOT_DOCUMENT_SUFFIXES = frozenset({
    ".csv", ".tsv", ".yml", ".yaml", ".json", ".jsonl", ".ndjson", ".toml", ".ini", ".cfg", ".xml", ".sql",
    ".py", ".js", ".css", ".sh",
})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

# Signatures of binary formats we do not read (checked before any text sniffing).
_MAGIC = (
    (b"PK\x03\x04", "ZIP/Office Open XML (docx, xlsx…)"),
    (b"\xd0\xcf\x11\xe0", "OLE2 (doc, xls, ppt)"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"RIFF", "RIFF media"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"{\\rtf", "RTF document"),
    (b"%!PS", "PostScript"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"wOFF", "web font"),
)
_HTML_SIGNATURE_RE = re.compile(
    rb"\A\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!doctype\s+html|<html|<head|<body|<meta|<title)",
    re.I | re.S,
)
_FRONT_MATTER_RE = re.compile(rb"\A\s*---[ \t]*\r?\n[\w-]+[ \t]*:.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TAG_RE = re.compile(rb"<(?:p|div|br|table|span|a|h[1-6])\b[^>]*>", re.I)
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))


#: PDF readers accept the ``%PDF-`` header within the first KB, after bytes that are not a document
#: of their own (a download tool's junk, a BOM, blank lines): the window looked in.
PDF_HEADER_WINDOW = 1024
_PDF_HEADER = re.compile(rb"%PDF-\d")


def is_pdf(head: bytes) -> bool:
    """Whether a file beginning with ``head`` is a PDF: a ``%PDF-`` header at its start, or on a
    line of its own within the first KB after bytes that are no markup (an HTML or XML page
    that mentions ``%PDF-1.4`` is no PDF, nor is a text that quotes it mid-line)."""
    m = _PDF_HEADER.search(head, 0, PDF_HEADER_WINDOW + 5)
    if m is None or m.start() >= PDF_HEADER_WINDOW:
        return False
    before = head[: m.start()]
    if not before.strip(b" \t\r\n\f\x00\xef\xbb\xbf"):
        return True
    return before.endswith((b"\n", b"\r")) and b"<" not in before


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control bytes (outside a UTF-16/32 text with BOM)."""
    if not head or sniff_bom(head):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * 0.05


def sniff_kind(data: bytes, suffix: str = "") -> str:
    """What ``data`` is: "pdf", "html", "markdown" or "text".

    Raises :class:`EmptyDocument` for blank content and
    :class:`UnsupportedFileType` for binary content that is not a PDF, and for a data or
    configuration file (:data:`NOT_DOCUMENT_SUFFIXES`) that is not a PDF or web page inside.
    """
    if is_pdf(data[: PDF_HEADER_WINDOW + 8]):
        return "pdf"
    if not data.strip() or not data.lstrip(b"\xef\xbb\xbf").strip():
        raise EmptyDocument("the file is empty")
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFileType(f"unsupported file type: {name}")
    if _looks_binary(data[:8192]):
        raise UnsupportedFileType("unsupported file type: binary data that is neither PDF nor text")
    bom = sniff_bom(data)
    head = data[:65536]
    if bom and bom[0] != "utf-8":  # re-encode UTF-16/32 so the byte patterns below apply
        head = data[bom[1] : 65536].decode(bom[0], "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML_SIGNATURE_RE.match(head):
        return "html"
    if suffix in NOT_DOCUMENT_SUFFIXES:
        raise UnsupportedFileType(f"not a document: a {suffix[1:]} file (data or configuration, not read)")
    if _FRONT_MATTER_RE.match(head) or suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix not in SUPPORTED_SUFFIXES and len(_TAG_RE.findall(head)) >= 3:
        return "html"
    return "text"


def parse_file(path: Path, password: str | None = None, pdf_engine: str | None = None, ocr: str | None = None,
               ocr_deadline: float | None = None) -> ParsedDocument:
    """Parse any supported file, choosing the parser by its content. ``pdf_engine`` reads a
    PDF's pages: "pdfium" (the default) or "pdfplumber" (the reference reader); ``ocr`` says which
    pages OCR reads ("auto", the default: those without a usable text layer; "force"; "off"),
    until ``ocr_deadline`` (:func:`time.monotonic`).

    Raises :class:`EmptyDocument`, :class:`UnsupportedFileType`,
    :class:`~extractor.errors.UndecodableText`, or what the PDF parser raises.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise EmptyDocument(f"{path}: the file is empty")
    with path.open("rb") as fh:
        head = fh.read(PDF_HEADER_WINDOW + 8)
    if is_pdf(head):
        from extractor.parse.pdf.document import parse_pdf  # lazy: pulls in the PDF engines

        # only what is given: a test may stand a parser of its own in (see test_parse_dispatch)
        given: dict[str, Any] = {k: v for k, v in (("engine", pdf_engine), ("ocr", ocr), ("ocr_deadline", ocr_deadline)) if v}
        return parse_pdf(path, password=password, **given)
    data = path.read_bytes()
    try:
        kind = sniff_kind(data, path.suffix.lower())
    except (EmptyDocument, UnsupportedFileType) as exc:
        raise type(exc)(f"{path}: {exc}") from None
    if kind == "html":
        return parse_html(path, data)
    if kind == "markdown":
        return parse_markdown(path, data)
    return parse_text(path, data)
