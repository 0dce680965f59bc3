"""Facts read from pages that OCR read: their method, and how sure the recogniser was of them.

A fact on a page read by OCR (:attr:`~extractor.models.ParsedDocument.ocr_pages`) is marked
``method = "ocr"`` (a table cell keeps ``table``: it is still a cell) and gets
``ocr_confidence``, the lowest confidence of the digits it was read from (Arabic or Chinese
numerals; of all its characters when it has none), looked up in
what the recogniser read on that page (the quote without spaces, placed by the characters
before it in its sentence when it is there more than once). Under
``SETTINGS.ocr.low_confidence`` the fact is flagged ``ocr_flag = "low"``, else ``"ok"``; a
figure that cannot be found in what was recognised is flagged ``low`` too, not trusted.
"""

from __future__ import annotations

import re

from extractor.models import Fact, OcrPage, ParsedDocument
from extractor.parse.pdf.layout import normalize_text
from extractor.settings import SETTINGS

__all__ = ["mark_ocr_facts", "quote_confidence"]

_WS = re.compile(r"\s+")
#: characters of context compared to place a quote found more than once
_CONTEXT = 8


def _normalised(page: OcrPage) -> tuple[str, list[int]]:
    """The page's recognised text normalised as page text is (full-width digits, radicals), with
    the confidence of each character."""
    chars: list[str] = []
    conf: list[int] = []
    for ch, c in zip(page.text, page.conf, strict=False):
        for n in normalize_text(ch):
            if not n.isspace():
                chars.append(n)
                conf.append(c)
    return "".join(chars), conf


def _before(sentence: str, quote: str) -> str:
    """The characters (no spaces) before ``quote`` in ``sentence``."""
    at = sentence.find(quote)
    return _WS.sub("", sentence[:at])[-_CONTEXT:] if at >= 0 else ""


def _agreement(a: str, b: str) -> int:
    """How many characters two strings share at their ends."""
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def quote_confidence(text: str, conf: list[int], quote: str, before: str = "") -> float | None:
    """The lowest confidence (0..1) of the digits (else the characters) of ``quote`` in the recognised ``text``
    (``conf``: percent per character), at the place whose preceding characters best agree with
    ``before``; None when the quote is not there."""
    key = _WS.sub("", quote)
    if not key:
        return None
    best: tuple[int, float] | None = None
    start = text.find(key)
    while start >= 0:
        score = _agreement(text[max(0, start - _CONTEXT):start], before)
        digits = [c for ch, c in zip(key, conf[start:start + len(key)], strict=True) if ch.isnumeric()]
        low = min(digits or conf[start:start + len(key)]) / 100
        if best is None or score > best[0] or (score == best[0] and low < best[1]):
            best = (score, low)
        start = text.find(key, start + 1)
    return None if best is None else best[1]


def mark_ocr_facts(doc: ParsedDocument, facts: list[Fact]) -> list[Fact]:
    """Mark the facts read from OCR'd pages (see the module doc); returns ``facts``."""
    if not doc.ocr_pages:
        return facts
    pages = {p.number: _normalised(p) for p in doc.ocr_pages}
    for f in facts:
        page = pages.get(f.page) if f.page is not None else None
        if page is None:
            continue
        if f.table_index is None:
            f.method = "ocr"
        conf = quote_confidence(page[0], page[1], f.quote, _before(f.sentence, f.quote))
        f.ocr_confidence = conf
        f.ocr_flag = "low" if conf is None or conf < SETTINGS.ocr.low_confidence else "ok"
    return facts
