"""Layout primitives shared by the text reader and the table finder.

:class:`Ch` (a cleaned character), :class:`Seg` (a run of characters on one
baseline without a wide gap) and :class:`Row` (the segments sharing a baseline
across the whole page width); :func:`page_chars` reads a page's glyphs into
``Ch`` (normalised, de-duplicated) and :func:`build_rows` groups them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from extractor.models import Box, union_box
from extractor.parse.pdf.objects import PageObjects, read_page

if TYPE_CHECKING:  # pragma: no cover
    import pdfplumber.page


class PageGeometry(Protocol):
    """What table finding reads of a page: a pdfplumber page, or the parser's
    :class:`~extractor.parse.pdfobjects.PageObjects`."""

    width: Any
    height: Any

    @property
    def rects(self) -> list[dict[str, Any]]: ...
    @property
    def lines(self) -> list[dict[str, Any]]: ...
    @property
    def curves(self) -> list[dict[str, Any]]: ...
    @property
    def edges(self) -> list[dict[str, Any]]: ...


@dataclass(slots=True)
class Ch:
    """One character after de-duplication and normalisation."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    sp: bool = False  # an explicit space preceded it in the content stream


@dataclass(slots=True, eq=False)
class Seg:
    """Characters on one baseline with no gap wider than about one character."""

    chars: list[Ch]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str
    row: int = 0
    used: bool = False  # inside a table or consumed as its caption/unit
    order: int = 0  # position of its first run in the content stream


@dataclass(slots=True, eq=False)
class Row:
    """Segments on one baseline across the page, left to right."""

    segs: list[Seg]
    top: float
    bottom: float
    size: float


def is_latin(ch: str) -> bool:
    """True for characters that need a space between words (Latin, digits, ASCII)."""
    return ord(ch) < 0x2000 and not ch.isspace()


def chars_text(chars: list[Ch]) -> str:
    """Join characters (left to right, one baseline), keeping spaces only between Latin words."""
    if not chars:
        return ""
    gaps = sorted([g if (g := c.x0 - p.x1) > 0.0 else 0.0 for p, c in zip(chars, chars[1:], strict=False)])
    letter = gaps[len(gaps) // 2] if len(gaps) >= 3 else 0.0  # ≥ 0: a space needs a gap over letter + 0.2 em
    out = [chars[0].text]
    prev = chars[0]
    for c in chars[1:]:
        if c.sp or c.x0 - prev.x1 > letter + 0.2 * c.size:
            if is_latin(prev.text[-1]) and is_latin(c.text[0]) and not (
                    prev.text in "-−" and c.text[0].isdigit() and (len(out) < 2 or out[-2] == " ")):
                out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out)


def glyph_box(chars: Iterable[Ch]) -> Box | None:
    """The box holding these glyphs (None for none)."""
    return union_box([(c.x0, c.top, c.x1, c.bottom) for c in chars])


def cell_text(chars: list[Ch]) -> str:
    """Text of a table cell: lines top to bottom, wrapped lines joined without spaces."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: (c.bottom, c.x0))
    lines: list[list[Ch]] = [[chars[0]]]
    for c in chars[1:]:
        ref = lines[-1][0]
        if c.bottom - ref.bottom <= 0.5 * min(ref.size, c.size):
            lines[-1].append(c)
        else:
            lines.append([c])
    parts = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        parts.append(chars_text(line))
    out = parts[0]
    for p in parts[1:]:
        out += (" " if is_latin(out[-1]) and is_latin(p[0]) and not out[-1].isdigit() else "") + p
    return out.strip()


# ------------------------------------------------------------ glyph text


# CJK Radicals Supplement forms that NFKC leaves alone → the ideograph they stand for
_RADICALS = dict(zip(
    "⺁⺅⺆⺇⺉⺊⺋⺌⺎⺏⺐⺒⺓⺔⺖⺗⺘⺙⺛⺜⺝⺞⺠⺡⺢⺣⺤⺦⺧⺨⺩⺪⺫⺬⺭⺯⺰⺱⺲⺳⺶⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻎⻏"
    "⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲",
    "厂亻冂几刂卜㔾小兀尣尢巳幺彑忄㣺扌攵旡日月歺民氵氺灬爫丬牜犭王疋罒示礻糸纟罓罒㓁羊耂肀聿月臼艹艹艹虎衤覀西见角讠贝车辶辶辶阝"
    "钅長镸长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀",
    strict=True,
))


# full-width punctuation that Chinese sentence splitting relies on: kept as is
_KEEP = set("！，：；？（）［］｛｝～＂＇")


_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufffd"}


_norm_cache: dict[str, str] = {}


def _norm_one(ch: str) -> str:
    cp = ord(ch)
    if ch in _DROP or cp < 0x20 or 0x7F <= cp < 0xA0:
        return ""
    if 0x2E80 <= cp <= 0x2EFF:
        return _RADICALS.get(ch) or unicodedata.normalize("NFKC", ch)
    if (0x2F00 <= cp <= 0x2FDF or 0xF900 <= cp <= 0xFAFF or 0xFB00 <= cp <= 0xFB06
            or (0xFF01 <= cp <= 0xFF5E and ch not in _KEEP)):
        return unicodedata.normalize("NFKC", ch)
    if cp == 0x3000 or cp == 0xA0 or 0x2000 <= cp <= 0x200A:
        return " "
    return ch


def normalize_text(text: str) -> str:
    """Radicals → ideographs, full-width letters/digits → ASCII; Chinese punctuation kept."""
    out = _norm_cache.get(text)
    if out is None:
        out = "".join(_norm_one(ch) for ch in text)
        if len(text) <= 4:
            _norm_cache[text] = out
    return out


def page_chars(page: pdfplumber.page.Page | PageObjects) -> list[Ch]:
    """The page's characters in content-stream order: cleaned, normalised, de-duplicated."""
    objs = page if isinstance(page, PageObjects) else read_page(page)
    raw = objs.chars
    if not raw:
        return []
    x_lo, y_lo, x_hi, y_hi = objs.bbox
    rotated = sum(1 for c in raw if not c.upright)
    drop_rotated = 0 < rotated < 0.2 * len(raw)
    # glyphs seen, by text, then by line (a point high): a glyph drawn again within a point lies
    # on its line or on one beside it
    seen: dict[str, dict[int, list[tuple[float, float]]]] = {}
    get = seen.get
    out: list[Ch] = []
    space = False
    for text, x0, x1, top, bottom, size, upright in raw:
        if not text or text.startswith("(cid:"):
            continue
        text = normalize_text(text)
        if not text or text.isspace():
            space = True
            continue
        if drop_rotated and not upright:
            continue
        if x0 > x_hi or x1 < x_lo or top > y_hi or bottom < y_lo:
            continue
        ky = int(top)
        lines = get(text)
        if lines is None:  # the first of its text: no duplicate
            seen[text] = {ky: [(x0, top)]}
        else:
            dup = False
            for k in (ky, ky - 1, ky + 1):
                for px, py in lines.get(k, ()):
                    if -1.0 <= px - x0 <= 1.0 and -1.0 <= py - top <= 1.0:
                        dup = True
                        break
                if dup:
                    break
            line = lines.get(ky)
            if line is None:
                lines[ky] = [(x0, top)]
            else:
                line.append((x0, top))
            if dup:
                continue
        size = size or (bottom - top)
        out.append(Ch(text, x0, x1, top, bottom, size if size > 1.0 else 1.0, space))
        space = False
    return _drop_template_tags(out)


#: layout tags that report templates leave, unprinted, in the text layer ([Table_Main], [Table_Finance])
_TEMPLATE_TAG = re.compile(r"\[Table_[A-Za-z]+\]")


def _drop_template_tags(chars: list[Ch]) -> list[Ch]:
    joined = "".join(c.text for c in chars)
    if "[Table_" not in joined:
        return chars
    owner = [i for i, c in enumerate(chars) for _ in c.text]  # character offset → glyph
    drop = {owner[k] for m in _TEMPLATE_TAG.finditer(joined) for k in range(m.start(), m.end())}
    return [c for i, c in enumerate(chars) if i not in drop]


def _seg(chars: list[Ch], order: int) -> Seg:
    size = max(c.size for c in chars)
    return Seg(chars, chars[0].x0, max(c.x1 for c in chars), min(c.top for c in chars),
               max(c.bottom for c in chars), size, "", order=order)


def build_rows(chars: list[Ch]) -> list[Row]:
    """Group characters into segments (no gap wider than ~0.8 em) and rows (shared baseline)."""
    runs: list[list[Ch]] = []
    cur: list[Ch] = []
    for ch in chars:
        if cur:
            p = cur[-1]
            s = p.size if p.size > ch.size else ch.size
            if (abs(ch.bottom - p.bottom) <= 0.3 * s and p.x1 - 0.5 * s <= ch.x0 <= p.x1 + 0.8 * s):
                cur.append(ch)
                continue
        cur = [ch]
        runs.append(cur)
    segs = sorted((_seg(r, k) for k, r in enumerate(runs)), key=lambda s: s.bottom)
    rows: list[list[Seg]] = []
    refs: list[Seg] = []
    for s in segs:
        if rows:
            ref = refs[-1]
            if min(ref.bottom, s.bottom) - max(ref.top, s.top) >= 0.5 * min(ref.bottom - ref.top, s.bottom - s.top):
                rows[-1].append(s)
                if s.bottom - s.top > ref.bottom - ref.top:
                    refs[-1] = s
                continue
        rows.append([s])
        refs.append(s)
    out: list[Row] = []
    for i, row in enumerate(rows):
        row.sort(key=lambda s: s.x0)
        merged: list[Seg] = []
        for s in row:
            if merged:
                m = merged[-1]
                gap = s.x0 - m.x1
                # only runs that follow each other in the content stream (e.g. a superscript)
                if abs(s.order - m.order) == 1 and -0.3 * s.size <= gap <= 0.8 * max(s.size, m.size):
                    m.chars.extend(s.chars)
                    m.x1, m.order = max(m.x1, s.x1), s.order
                    m.top, m.bottom, m.size = min(m.top, s.top), max(m.bottom, s.bottom), max(m.size, s.size)
                    continue
            merged.append(s)
        for s in merged:
            s.text = _seg_text(s.chars)
            s.row = i
        ref = refs[i]
        out.append(Row(merged, ref.top, ref.bottom, ref.size))
    return out


def _seg_order(chars: list[Ch]) -> list[Ch]:
    """A segment's characters in the order its text is read: as drawn, or left to right when
    the content stream goes back."""
    if any(b.x0 < a.x0 - 0.5 * a.size for a, b in zip(chars, chars[1:], strict=False)):
        return sorted(chars, key=lambda c: c.x0)
    return chars


def _seg_text(chars: list[Ch]) -> str:
    return chars_text(_seg_order(chars))


def text_glyphs(chars: list[Ch], text: str) -> list[Ch | None]:
    """The glyph that drew each character of ``text`` (what :func:`chars_text` made of ``chars``),
    None for a space put in between words; all None when the two do not line up."""
    out: list[Ch | None] = []
    i, n = 0, len(text)
    for c in chars:
        while i < n and text[i] == " " and c.text[0] != " ":
            out.append(None)
            i += 1
        if not text.startswith(c.text, i):
            return [None] * n
        out.extend([c] * len(c.text))
        i += len(c.text)
    if i != n:
        return [None] * n
    return out


def seg_glyphs(seg: Seg) -> list[Ch | None]:
    """The glyph of each character of ``seg.text`` (see :func:`text_glyphs`)."""
    return text_glyphs(_seg_order(seg.chars), seg.text)
