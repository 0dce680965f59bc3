"""Which pages OCR reads, and why (recorded per page).

With ``--ocr auto`` a page is read by OCR when

* it has **no text layer** (and its image has ink: a blank page is not read);
* its glyphs are **garbage**: a share of private-use or unmapped code points (a font without a
  usable ToUnicode map) of at least ``SETTINGS.ocr.max_garbage``;
* it is a **scan with a poor OCR text layer**: an image covers most of the page
  (``SETTINGS.ocr.min_image_cover``), its text is drawn invisibly over it where the reader
  can tell, and that text shows an OCR engine's tell-tale errors: figures that mix digits
  and look-alike letters (ZOq5 for 2015, 20I6 for 2016), stray characters inside dates
  (20竹年), or Chinese that dictionary words cover poorly.

``--ocr force`` reads every page by OCR; ``--ocr off`` none (a document without a text
layer is then ``needs_ocr``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from extractor.parse.pdf.objects import PageObjects
from extractor.patterns import alternation, load
from extractor.settings import SETTINGS

__all__ = ["dictionary_cover", "garbage_share", "ocr_reason", "poor_layer", "suspect_figures"]

_WORDS = load("parse.yml")["ocr"]
_LOOK = "".join(re.escape(c) for c in _WORDS["digit_lookalikes"])
_ENDS = alternation(_WORDS["figure_ends"])
#: a look-alike letter between digits (20I6), or a run of digits and look-alikes with both before a
#: figure's end word (ZOq5年)
_SUSPECT = re.compile(
    rf"(?<![A-Za-z])(?:[0-9{_LOOK}]*\d[{_LOOK}]+\d[0-9{_LOOK}]*"
    rf"|(?=[0-9{_LOOK}]*\d)(?=[0-9{_LOOK}]*[{_LOOK}])[0-9{_LOOK}]{{3,}}(?=\s*(?:{_ENDS})))(?![A-Za-z])"
)
_KEEP_BEFORE_DATE = "".join(_WORDS["before_dates"])
_STRAY = re.compile(rf"\d[^\d\s{_KEEP_BEFORE_DATE}\W](?=[年月日])")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def suspect_figures(text: str) -> list[str]:
    """Figures in ``text`` an OCR engine misread: digits mixed with look-alike letters, stray characters."""
    return [m.group() for m in _SUSPECT.finditer(text)] + [m.group() for m in _STRAY.finditer(text)]


def garbage_share(texts: list[str]) -> float:
    """The share of glyphs that are private-use, unmapped (U+FFFD, ``(cid:…)``) or control characters."""
    if not texts:
        return 0.0
    bad = sum(1 for t in texts if t.startswith("(cid:") or any(
        0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 or c == "\ufffd" or ord(c) < 0x20 for c in t))
    return bad / len(texts)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


def dictionary_cover(text: str) -> float | None:
    """The share of the Chinese characters of ``text`` inside words of two or more characters
    of jieba's dictionary; None when there are fewer than 40."""
    runs = _HAN.findall(text)
    total = sum(len(r) for r in runs)
    if total < 40:
        return None
    cut = _jieba().lcut
    covered = sum(len(w) for r in runs for w in cut(r, HMM=False) if len(w) >= 2)
    return covered / total


def _poor_layer(text: str) -> str | None:
    """Why a scan's text layer is a poor OCR one, or None when it reads well."""
    suspects = suspect_figures(text)
    cover = dictionary_cover(text)
    why = []
    if len(suspects) > SETTINGS.ocr.max_suspect:
        why.append(f"{len(suspects)} misread figures ({', '.join(dict.fromkeys(suspects[:4]))})")
    if cover is not None and cover < SETTINGS.ocr.min_dictionary:
        why.append(f"dictionary words cover {cover:.0%} of its Chinese")
    return "; ".join(why) or None


def poor_layer(texts: list[str]) -> str | None:
    """Why the text layer of a scanned document (``texts``: its pages' text) is a poor OCR one:
    more misread figures over its pages than one page may have. None when it reads well."""
    suspects = [s for t in texts for s in suspect_figures(t)]
    if len(suspects) > SETTINGS.ocr.max_suspect:
        return f"{len(suspects)} misread figures in the document ({', '.join(dict.fromkeys(suspects[:4]))})"
    return None


def ocr_reason(objs: PageObjects | None, mode: str, document: Callable[[], str | None] | None = None) -> str | None:
    """Why the page read into ``objs`` (None: the engines could not read it) is to be read by
    OCR, or None when its text layer is kept. A page without a text layer is read whatever its
    image holds: the caller leaves out a blank one. ``document()`` says why the text layer of
    the document as a whole is poor (:func:`poor_layer`): a scanned page whose own text reads
    well enough is then read by OCR too, as its layer came from the same engine."""
    if mode == "off":
        return None
    if mode == "force":
        return "forced (--ocr force)"
    if objs is None:
        return "the text layer cannot be read"
    texts = [c.text for c in objs.chars if c.text and not c.text.isspace()]
    if not texts:
        return "no text layer"
    share = garbage_share(texts)
    if share >= SETTINGS.ocr.max_garbage:
        return f"garbage glyphs ({share:.0%} private-use or unmapped)"
    if objs.image_cover >= SETTINGS.ocr.min_image_cover and (objs.hidden_text is None or objs.hidden_text >= 0.5):
        why = _poor_layer("".join(texts)) or (document() if document else None)
        if why:
            hidden = "invisible text" if objs.hidden_text else "text"
            return f"poor OCR text layer ({hidden} over a scan: {why})"
    return None
