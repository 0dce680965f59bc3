"""PDF → :class:`ParsedDocument`: clean page text in reading order, plus tables.

Per page the characters are read once, de-duplicated (fake bold), normalised
(Kangxi radicals, full-width letters/digits), grouped into segments and rows,
tables are cut out, columns are found from the gutters between segments, and
lines are joined into paragraphs from the layout.  Page numbers and running
headers/footers are dropped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils.exceptions import PdfminerException

from extractor.errors import CorruptDocument, EmptyDocument, EncryptedDocument, NeedsOCR
from extractor.models import Page, ParsedDocument, Table
from extractor.parse.pdf.objects import PageObjects, read_page
from extractor.parse.pdf.tables import (
    Ch,
    DetectedTable,
    Row,
    Seg,
    chars_text,
    detect_tables,
    is_continuation,
    is_latin,
    merge_tables,
)

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

__all__ = ["build_rows", "normalize_text", "page_chars", "parse_pdf", "parse_pdf_blocks"]

# ------------------------------------------------------------ normalisation

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


# ------------------------------------------------------------ characters


def page_chars(page: pdfplumber.page.Page | PageObjects) -> list[Ch]:
    """The page's characters in content-stream order: cleaned, normalised, de-duplicated."""
    objs = page if isinstance(page, PageObjects) else read_page(page)
    raw = objs.chars
    if not raw:
        return []
    x_lo, y_lo, x_hi, y_hi = objs.bbox
    rotated = sum(1 for c in raw if not c.upright)
    drop_rotated = 0 < rotated < 0.2 * len(raw)
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
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
        kx, ky = int(x0), int(top)
        dup = False
        for dx in (0, -1, 1):
            for dy in (0, -1, 1):
                for px, py in seen.get((text, kx + dx, ky + dy), ()):
                    if abs(px - x0) <= 1.0 and abs(py - top) <= 1.0:
                        dup = True
                        break
                if dup:
                    break
            if dup:
                break
        seen.setdefault((text, kx, ky), []).append((x0, top))
        if dup:
            continue
        size = size or (bottom - top)
        out.append(Ch(text, x0, x1, top, bottom, max(size, 1.0), space))
        space = False
    return out


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


def _seg_text(chars: list[Ch]) -> str:
    if any(b.x0 < a.x0 - 0.5 * a.size for a, b in zip(chars, chars[1:], strict=False)):
        chars = sorted(chars, key=lambda c: c.x0)
    return chars_text(chars)


# ------------------------------------------------------------ columns


@dataclass(slots=True, eq=False)
class Line:
    """One line of running text inside one column."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    col: int  # column index, -1 for a line spanning columns
    band: int


def _gutters(segs: list[Seg]) -> list[tuple[float, float]]:
    """Vertical gaps between text columns; full-width lines (titles, abstracts) may cross them."""
    if len(segs) < 12:
        return []
    lo = min(s.x0 for s in segs)
    hi = max(s.x1 for s in segs)
    out = _gutter_pass(segs, lo, hi, 0.04)
    if not out:
        narrow = [s for s in segs if s.x1 - s.x0 <= 0.6 * (hi - lo)]
        if len(segs) - len(narrow) <= 0.35 * len(segs):
            out = _gutter_pass(narrow, lo, hi, 0.15)
    return out


def _gutter_pass(segs: list[Seg], lo: float, hi: float, share: float) -> list[tuple[float, float]]:
    """Gaps crossed by at most ``share`` of the segments, with lines side by side across them."""
    n = len(segs)
    if n < 12:
        return []
    size = sorted(s.size for s in segs)[n // 2]
    step = 2.0
    nb = int((hi - lo) / step) + 2
    diff = [0] * (nb + 2)
    for s in segs:
        diff[int((s.x0 - lo) / step)] += 1
        diff[int((s.x1 - lo) / step) + 1] -= 1
    cov, run = [], 0
    for d in diff[:nb]:
        run += d
        cov.append(run)
    thr = max(1, int(share * n))
    out: list[tuple[float, float]] = []
    i = 0
    while i < nb:
        if cov[i] > thr:
            i += 1
            continue
        j = i
        while j < nb and cov[j] <= thr:
            j += 1
        if i > 0 and j < nb and (j - i) * step >= 0.5 * size:
            a, b = lo + i * step, lo + j * step
            left = sum(1 for s in segs if s.x1 <= b and s.x0 < a)
            right = sum(1 for s in segs if s.x0 >= a and s.x1 > b)
            beside = len({s.row for s in segs if s.x1 <= a + step} & {s.row for s in segs if s.x0 >= b - step})
            if min(left, right) >= max(5, 0.08 * n) and beside >= 4:
                out.append((a, b))
        i = j
    # a text column is at least ~8 characters wide and holds some real lines
    while out:
        edges = [lo] + [x for g in out for x in g] + [hi]
        bad = []
        for k in range(len(out) + 1):
            a, b = edges[2 * k], edges[2 * k + 1]
            lines = sum(1 for s in segs if a - size <= s.x0 < b and len(s.chars) >= 6)
            if b - a < 8 * size or lines < 3:
                bad.append(k)
        if not bad:
            break
        k = bad[0]
        cand = [g for g in (k - 1, k) if 0 <= g < len(out)]
        out.pop(min(cand, key=lambda g: out[g][1] - out[g][0]))
    return out


def _spans(x0: float, x1: float, gutters: list[tuple[float, float]], bounds: list[float]) -> bool:
    """Whether a box starting at x0 reaches well into the column after a gutter it crosses."""
    for k, (a, b) in enumerate(gutters):
        if x0 < a and x1 > b + 0.4 * (bounds[k + 2] - b):
            return True
    return False


def _make_line(segs: list[Seg], col: int, band: int) -> Line:
    segs.sort(key=lambda s: s.x0)
    text = segs[0].text
    for a, b in zip(segs, segs[1:], strict=False):
        gap = b.x0 - a.x1
        if text and b.text and is_latin(text[-1]) and is_latin(b.text[0]) and (
                gap > 0.2 * b.size or (gap > -0.1 * b.size and b.chars[0].sp)):
            text += " "
        text += b.text
    main = max(segs, key=lambda s: len(s.chars))
    return Line(text, segs[0].x0, max(s.x1 for s in segs), min(s.top for s in segs),
                max(s.bottom for s in segs), main.size, col, band)


def _reading_order(rows: list[Row], tables: list[DetectedTable]) -> list[Line | DetectedTable]:
    """Lines and tables of a page, column by column inside bands of full-width content."""
    segs = [s for r in rows for s in r.segs if not s.used]
    gutters = _gutters(segs)
    mids = [(a + b) / 2 for a, b in gutters]
    if segs:
        bounds = [min(s.x0 for s in segs)] + mids + [max(s.x1 for s in segs)]
    else:
        bounds = [0.0, 0.0]

    def col_of(x0: float, size: float) -> int:
        return sum(1 for m in mids if m < x0 + 0.5 * size)

    events: list[tuple[float, int, Row | DetectedTable]] = [(r.top, 0, r) for r in rows]
    events += [(dt.top, 1, dt) for dt in tables]
    events.sort(key=lambda e: (e[0], e[1]))
    items: list[Line | DetectedTable] = []
    band: dict[int, list[Line | DetectedTable]] = defaultdict(list)
    band_no = 0

    def flush() -> None:
        nonlocal band_no
        if band:
            for col in sorted(band):
                items.extend(band[col])
            band.clear()
            band_no += 1

    for _top, _kind, obj in events:
        if isinstance(obj, DetectedTable):
            x0, _t, x1, _b = obj.table.bbox
            if gutters and _spans(x0, x1, gutters, bounds):
                flush()
                items.append(obj)
            else:
                band[col_of(x0, 0.0)].append(obj)
            continue
        live = [s for s in obj.segs if not s.used]
        if not live:
            continue
        if gutters and any(_spans(s.x0, s.x1, gutters, bounds) for s in live):
            flush()
            items.append(_make_line(live, -1, -1))
            continue
        per: dict[int, list[Seg]] = defaultdict(list)
        for s in live:
            per[col_of(s.x0, s.size)].append(s)
        for col, ss in per.items():
            band[col].append(_make_line(ss, col, band_no))
    flush()
    return items


# ------------------------------------------------- page numbers, headers, footers

_DASHES = r"[-—–－―─~～·•\s]"
_PAGE_NO_ANYWHERE = re.compile(
    rf"{_DASHES}+\d{{1,4}}{_DASHES}+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|(?:Page|PAGE|页码)\s*[:：]?\s*\d+(?:\s*(?:of|/)\s*\d+)?"
)
_PAGE_NO_MARGIN = re.compile(r"\d{1,4}|\d{1,4}\s*/\s*\d{1,4}|[ivxlcIVXLC]{1,6}")


def _is_page_number(line: Line, first_or_last: bool, height: float) -> bool:
    t = line.text.strip()
    if _PAGE_NO_ANYWHERE.fullmatch(t):
        return True
    in_margin = line.top < 0.1 * height or line.bottom > 0.88 * height
    return (first_or_last or in_margin) and bool(_PAGE_NO_MARGIN.fullmatch(t))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_lines(lines: list[Line], height: float) -> list[Line]:
    """Up to two lines at the top and two at the foot of a page, inside the margins."""
    by_y = sorted(lines, key=lambda ln: ln.top)
    top = [ln for ln in by_y[:2] if ln.top < 0.15 * height]
    foot = [ln for ln in by_y[-2:] if ln.bottom > 0.85 * height]
    return top + foot


def _drop_furniture(pages: list[list[Line | DetectedTable]], heights: list[float]) -> None:
    """Remove page numbers and running headers/footers (in place)."""
    n = len(pages)
    counts: Counter[str] = Counter()
    edges: list[list[Line]] = []
    for items, h in zip(pages, heights, strict=True):
        lines = [it for it in items if isinstance(it, Line)]
        e = _edge_lines(lines, h)
        edges.append(e)
        keys = {_furniture_key(ln.text) for ln in e}
        keys |= {_furniture_key(it.table.caption) for it in items if isinstance(it, DetectedTable) and it.table.caption}
        counts.update(keys)
    need = max(2, (n + 1) // 2)
    for items, e, h in zip(pages, edges, heights, strict=True):
        lines = [it for it in items if isinstance(it, Line)]
        ends = {id(lines[0]), id(lines[-1])} if lines else set()
        ends |= {id(ln) for ln in sorted(lines, key=lambda ln: ln.top)[:1]}
        ends |= {id(ln) for ln in sorted(lines, key=lambda ln: ln.bottom)[-1:]}
        drop = {id(ln) for ln in lines if _is_page_number(ln, id(ln) in ends, h) and not any(
            o is not ln and o.top < ln.bottom and ln.top < o.bottom for o in lines)}
        if n >= 2:
            drop |= {id(ln) for ln in e if counts[_furniture_key(ln.text)] >= need and len(ln.text) < 80}
            for dt in items:  # a running header taken for a table caption
                if isinstance(dt, DetectedTable) and dt.table.caption and counts[_furniture_key(dt.table.caption)] >= need:
                    dt.table.caption = None
        if drop:
            items[:] = [it for it in items if id(it) not in drop]


# ------------------------------------------------------------ paragraphs

_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[）)]|附件|附表)"
)
_END_PUNCT = set("。！？；：!?;:")


@dataclass(slots=True)
class _Geom:
    left: float
    right: float
    gap: float  # usual space between consecutive lines


def _quantile(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def _geometry(lines: list[Line], fallback: _Geom | None) -> _Geom:
    if len(lines) < 6 and fallback is not None:
        return fallback
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if 0 <= b.top - a.bottom < 3 * a.size]
    return _Geom(
        _quantile([ln.x0 for ln in lines], 0.1),
        _quantile([ln.x1 for ln in lines], 0.5),
        _quantile(gaps, 0.5) if gaps else 0.5 * lines[0].size,
    )


_MID_PUNCT = re.compile(r"[，、,]")
_CLOSERS_END = re.compile(r"[。！？”』」)）]$")
_FOOTNOTE_TAIL = re.compile(r"^[①-⑳¹²³⁴⁵⁶⁷⁸⁹*]+\s*[。，；、,;）)]")


def _breaks(p: Line, ln: Line, g: _Geom, gp: _Geom | None = None) -> bool:
    """Whether ``ln`` starts a new paragraph after ``p``.

    A line is continued across a column break when it runs to its column's edge
    without closing punctuation and the next column starts flush.
    """
    s = max(p.size, ln.size)
    if _FOOTNOTE_TAIL.match(ln.text) and p.band == ln.band:
        return False  # a footnote marker wrapped onto the next line, with the sentence's rest
    if p.col != ln.col and p.band == ln.band and gp is not None and abs(p.size - ln.size) <= 0.15 * s:
        open_end = p.text[-1] not in _END_PUNCT and p.text[-2:] not in ("。”", "！”", "？”")
        if open_end and gp.right - p.x1 < 1.5 * s and ln.x0 - g.left < 1.0 * s and not _HEADING.match(ln.text):
            return False
    if abs(p.size - ln.size) > 0.15 * s or p.band != ln.band or p.col != ln.col:
        return True
    if ln.top - p.bottom > max(0.8 * s, g.gap + 0.6 * s) or ln.top < p.top - 0.5 * s:
        return True
    if _HEADING.match(ln.text):
        return True
    if p.text[-1] not in _END_PUNCT and not _CLOSERS_END.search(p.text) and _MID_PUNCT.search(p.text) \
            and not _HEADING.match(p.text) and ln.x0 - g.left < 1.5 * s:
        return False  # a sentence broken mid-clause (text wrapped around a picture), not a heading
    short = g.right - p.x1
    if short > 4.0 * s or (short > 1.5 * s and _HEADING.match(p.text)) or (short > 0.8 * s and (p.text[-1] in _END_PUNCT or p.text[-2:] in ("。”", "！”", "？”"))):
        return True
    indent, p_indent = ln.x0 - g.left, p.x0 - g.left
    if p_indent >= 3.0 * s and indent < 1.0 * s:  # after a centred or right-aligned line
        return True
    return 1.5 * s <= indent and not (p_indent >= 1.5 * s and abs(p.x0 - ln.x0) < 0.5 * s)


def _join(a: str, b: str) -> str:
    if a and b and is_latin(a[-1]) and is_latin(b[0]) and a[-1].isalpha() and b[0].isalnum():
        return a + " " + b
    return a + b


def _paragraphs(items: list[Line | DetectedTable], fallback: _Geom | None) -> list[str | Table]:
    cols: dict[int, list[Line]] = defaultdict(list)
    for it in items:
        if isinstance(it, Line):
            cols[it.col].append(it)
    geoms = {c: _geometry(lines, fallback if c in (0, -1) else None) for c, lines in cols.items()}
    out: list[str | Table] = []
    prev: Line | None = None
    for it in items:
        if isinstance(it, DetectedTable):
            out.append(it.table)
            prev = None
            continue
        text = it.text.strip()
        if not text:
            continue
        if prev is not None and isinstance(out[-1], str) and not _breaks(prev, it, geoms[it.col], geoms[prev.col]):
            out[-1] = _join(out[-1], text)
        else:
            out.append(text)
        prev = it
    return out


# ------------------------------------------------------------ title

_FILE_EXT = re.compile(r"\.(?:html?|docx?|wps|pdf|xlsx?|pptx?|txt|rtf|ofd|tmp)$", re.I)
_JUNK_TITLE = re.compile(r"^(?:untitled|无标题|title|文档\d*|document\d*|page|microsoft word|新建.*)$", re.I)
_NOTICE = re.compile(r"[^号〕]{0,40}?关于.{2,80}的(?:通知|意见|决定|批复|报告|公告|通告|函|规定|办法|方案|计划|实施细则)")


def _clean_title(raw: str | None) -> str | None:
    if not raw:
        return None
    t = normalize_text(str(raw)).strip()
    t = re.sub(r"^Microsoft (?:Word|Excel|PowerPoint) - ", "", t)
    t = _FILE_EXT.sub("", t).strip(" -_")
    if len(t) < 4 or _JUNK_TITLE.match(t) or re.fullmatch(r"[A-Za-z0-9_.\-]+", t) and not re.search(r"[A-Za-z]{3,}\s", t):
        return None
    return t


def _heading_title(paras: list[str | Table], lines: list[Line], body: float) -> str | None:
    """A "关于…的通知" title, else the first large-type line(s) near the top of page 1."""
    texts = [p for p in paras[:12] if isinstance(p, str)]
    for i in range(len(texts)):
        for j in range(i, min(i + 4, len(texts))):
            joined = "".join(texts[i:j + 1])
            if len(joined) <= 120 and _NOTICE.fullmatch(joined):
                return joined
    for i, ln in enumerate(lines[:8]):
        if ln.size >= 1.15 * body and 2 <= len(ln.text.strip()) <= 60 and not _HEADING.match(ln.text):
            parts = [ln.text.strip()]
            for nxt in lines[i + 1:i + 3]:
                if abs(nxt.size - ln.size) > 0.05 * ln.size or nxt.top - ln.bottom > 1.5 * ln.size:
                    break
                parts.append(nxt.text.strip())
            title = "".join(parts)
            return title if len(title) <= 80 else None
    return None


# ------------------------------------------------------------ the parser


def _open(path: Path, password: str | None) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(path, password=password or "")
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, PDFEncryptionError):
            msg = "wrong password" if password else "encrypted; a password is needed"
            raise EncryptedDocument(f"{path.name}: {msg}") from exc
        raise CorruptDocument(f"{path.name}: cannot be read as PDF ({inner})") from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise CorruptDocument(f"{path.name}: cannot be read as PDF ({exc})") from exc


def _close(obj: pdfplumber.PDF | pdfplumber.page.Page) -> None:
    """Close a PDF or page even when pdfminer chokes on the damaged file again."""
    try:
        obj.close()
    except Exception:
        stream = getattr(obj, "stream", None)
        if stream is not None:
            stream.close()


def _page_items(page: pdfplumber.page.Page, number: int) -> tuple[list[Line | DetectedTable], int]:
    objs = read_page(page)
    chars = page_chars(objs)
    rows = build_rows(chars)
    try:
        tables = detect_tables(objs, number, chars, rows) if chars else []
    except Exception:  # a table finder failure must not lose the page text
        tables = []
        for r in rows:
            for s in r.segs:
                s.used = False
    return _reading_order(rows, tables), len(chars)


def parse_pdf_blocks(path: Path | str, password: str | None = None) -> tuple[ParsedDocument, list[list[str | Table]]]:
    """Like :func:`parse_pdf`, also returning each page's paragraphs and tables in reading order."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise EmptyDocument(f"{path.name}: empty file")
    pdf = _open(path, password)
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise CorruptDocument(f"{path.name}: page tree unreadable ({exc})") from exc
        if not pages:
            raise CorruptDocument(f"{path.name}: no pages")
        meta = {str(k): str(v) for k, v in pdf.metadata.items() if isinstance(v, str | int | float)}
        page_items: list[list[Line | DetectedTable]] = []
        heights: list[float] = []
        n_chars = failed = 0
        for number, page in enumerate(pages, start=1):
            height = 842.0
            try:
                height = float(page.height)
                items, n = _page_items(page, number)
                n_chars += n
            except Exception:  # one unreadable page does not sink the document
                items = []
                failed += 1
            finally:
                _close(page)
            page_items.append(items)
            heights.append(height)
    finally:
        _close(pdf)
    n_pages = len(pages)
    if n_chars == 0:
        if failed == n_pages:
            raise CorruptDocument(f"{path.name}: no page could be read")
        raise NeedsOCR(f"{path.name}: {n_pages} page(s) without a text layer", page_count=n_pages)
    _drop_furniture(page_items, heights)
    _merge_continued(page_items)
    single = [it for items in page_items if not any(isinstance(x, Line) and x.col > 0 for x in items)
              for it in items if isinstance(it, Line) and it.col == 0]
    fallback = _geometry(single, None) if len(single) >= 6 else None
    blocks = [_paragraphs(items, fallback) for items in page_items]
    doc_pages = [Page(number=i, text="\n".join(b for b in bl if isinstance(b, str)))
                 for i, bl in enumerate(blocks, start=1)]
    tables = [b for bl in blocks for b in bl if isinstance(b, Table)]
    first_lines = [it for it in page_items[0] if isinstance(it, Line)] if page_items else []
    all_lines = [it for items in page_items for it in items if isinstance(it, Line)]
    body = _quantile([ln.size for ln in all_lines], 0.5) if all_lines else 0.0
    title = _clean_title(meta.get("Title")) or _heading_title(blocks[0], first_lines, body)
    author = _clean_title(meta.get("Author"))
    doc = ParsedDocument(
        path=str(path), doc_type="pdf", title=title, author=author, page_count=n_pages,
        pages=doc_pages, tables=tables, metadata=meta,
    )
    return doc, blocks


def parse_pdf(path: Path | str, password: str | None = None) -> ParsedDocument:
    """Parse a PDF into pages of clean text (tables cut out) and :class:`Table` objects.

    Raises EncryptedDocument, CorruptDocument, EmptyDocument or NeedsOCR.
    """
    return parse_pdf_blocks(path, password)[0]


def _merge_continued(pages: list[list[Line | DetectedTable]]) -> None:
    """Join a table that ends one page with the table that opens the next (in place)."""
    open_dt: DetectedTable | None = None
    for items in pages:
        if open_dt is not None and items and isinstance(items[0], DetectedTable) and is_continuation(open_dt, items[0]):
            nxt = items.pop(0)
            open_dt.table = merge_tables(open_dt.table, nxt.table)
            open_dt.col_edges = nxt.col_edges
            if not items:
                continue
        last = items[-1] if items else None
        open_dt = last if isinstance(last, DetectedTable) else None
