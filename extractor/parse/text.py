"""Plain text files: decode, normalise, and join wrapped lines into paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.errors import EmptyDocument, UndecodableText
from extractor.models import Page, ParsedDocument
from extractor.parse.normalize import normalize_text

__all__ = ["decode_text", "parse_text", "sniff_bom", "split_paragraphs"]

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

# A line ending one of these (or a closing quote right after one) closes its paragraph.
_END_CHARS = frozenset("。！？!?；;…:：")
_QUOTE_CLOSE = frozenset("”’」』")
_INDENT_RE = re.compile(r"[ \xa0]{2,}|[\t\u3000]")
# Markers that open a new paragraph: 第一章, 一、, （一）, 1. / 1、, ①, bullets.
_ITEM_RE = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]"
    r"|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,3}[、.．](?!\d)"
    r"|[\u2460-\u2473\u2776-\u277f](?![。，；、）)])"
    r"|[•·●○■□◆◇▪▶\-*]\s)"
)
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:%)]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a byte-order mark and the mark's length, or None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def decode_text(data: bytes) -> str:
    """Decode text bytes: by BOM, else strict UTF-8, else strict GB18030.

    Raises :class:`UndecodableText` when none of them fits.
    """
    bom = sniff_bom(data)
    if bom:
        enc, n = bom
        try:
            return data[n:].decode(enc)
        except UnicodeDecodeError as exc:
            raise UndecodableText(f"bytes do not match their {enc} byte-order mark: {exc}") from exc
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UndecodableText("the bytes are neither UTF-8 nor GB18030 (GBK/GB2312) text")


def _width(line: str) -> int:
    """Display width, CJK counted double (cheap: UTF-8 length of 3 → 2)."""
    n = len(line)
    return n + (len(line.encode("utf-8", "surrogatepass")) - n) // 2


def _typical_width(lines: list[str]) -> int:
    """The 90th-percentile display width of (a sample of) the non-empty lines."""
    step = max(1, len(lines) // 5000)
    widths = sorted(_width(ln) for ln in lines[::step] if ln)
    return widths[int(len(widths) * 0.9)] if widths else 0


def _is_soft_spaced(lines: list[str]) -> bool:
    """True when almost every text line is followed by exactly one blank line.

    Some extractors write "double-spaced" text; there a single blank line is a
    wrap, not a paragraph break.
    """
    texts = gaps1 = 0
    run = 0
    for ln in lines:
        if ln:
            texts += 1
            if run == 1:
                gaps1 += 1
            run = 0
        else:
            run += 1
    return texts > 3 and gaps1 >= 0.8 * (texts - 1)


def _ends_sentence(s: str) -> bool:
    if s[-1] in _QUOTE_CLOSE and len(s) > 1:
        return s[-2] in _END_CHARS
    return s[-1] in _END_CHARS


def _join(a: str, b: str) -> str:
    if _LATIN_END.search(a) and _LATIN_START.match(b):
        return a + " " + b
    return a + b


def split_paragraphs(text: str) -> list[str]:
    """Split text into normalised paragraphs, joining wrapped lines.

    A blank line ends a paragraph (a single one does not when the file is
    double-spaced). Within a block a line continues the previous one unless the
    previous ends a sentence or is clearly short, or the line is indented or
    opens with a heading or list marker.
    """
    raw = [ln.rstrip() for ln in text.splitlines()]
    soft = _is_soft_spaced(raw)
    short = 0.75 * _typical_width(raw)
    paras: list[str] = []
    cur: str | None = None
    cur_line = ""
    blanks = 0
    for ln in raw:
        if not ln.strip():
            blanks += 1
            continue
        hard_gap = blanks >= (2 if soft else 1)
        blanks = 0
        stripped = ln.strip()
        new_para = (
            cur is None
            or hard_gap
            or _ends_sentence(cur)
            or _width(cur_line) < short
            or _INDENT_RE.match(ln) is not None
            or _ITEM_RE.match(stripped) is not None
        )
        if new_para:
            if cur:
                paras.append(cur)
            cur = stripped
        else:
            cur = _join(cur, stripped)
        cur_line = ln
    if cur:
        paras.append(cur)
    # One normalisation pass over everything: far cheaper than one per paragraph.
    joined = normalize_text("\n".join(p.replace("\n", " ") for p in paras))
    return [p for p in joined.split("\n") if p]


def parse_text(path: Path, data: bytes | None = None) -> ParsedDocument:
    """Parse a plain-text file into a one-page :class:`ParsedDocument`."""
    if data is None:
        data = Path(path).read_bytes()
    paras = split_paragraphs(decode_text(data))
    if not paras:
        raise EmptyDocument(f"{path}: no text")
    return ParsedDocument(
        path=str(path),
        doc_type="text",
        pages=[Page(number=None, text="\n".join(paras))],
        page_count=1,
    )
