"""Reading order: columns from gutters, bands of full-width content, page furniture, paragraphs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extractor.models import Table
from extractor.parse.pdf.cells import DetectedTable
from extractor.parse.pdf.layout import Ch, Row, Seg, is_latin, seg_glyphs
from extractor.settings import SETTINGS

_LAYOUT = SETTINGS.layout

HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[）)]|附件|附表)"
)
_END_PUNCT = set("。！？；：!?;:")


_MID_PUNCT = re.compile(r"[，、,]")
_CLOSERS_END = re.compile(r"[。！？”』」)）]$")
_FOOTNOTE_TAIL = re.compile(r"^[①-⑳¹²³⁴⁵⁶⁷⁸⁹*]+\s*[。，；、,;）)]")

_DASHES = r"[-—–－―─~～·•\s]"
_PAGE_NO_ANYWHERE = re.compile(
    rf"{_DASHES}+\d{{1,4}}{_DASHES}+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|(?:Page|PAGE|页码)\s*[:：]?\s*\d+(?:\s*(?:of|/)\s*\d+)?"
)
_PAGE_NO_MARGIN = re.compile(r"\d{1,4}|\d{1,4}\s*/\s*\d{1,4}|[ivxlcIVXLC]{1,6}")


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
    #: the glyph that drew each character of ``text`` (None: a space put in between words)
    glyphs: list[Ch | None] = field(default_factory=list)


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
    glyphs = seg_glyphs(segs[0])
    for a, b in zip(segs, segs[1:], strict=False):
        gap = b.x0 - a.x1
        if text and b.text and is_latin(text[-1]) and is_latin(b.text[0]) and (
                gap > 0.2 * b.size or (gap > -0.1 * b.size and b.chars[0].sp)):
            text += " "
            glyphs.append(None)
        text += b.text
        glyphs += seg_glyphs(b)
    main = max(segs, key=lambda s: len(s.chars))
    return Line(text, segs[0].x0, max(s.x1 for s in segs), min(s.top for s in segs),
                max(s.bottom for s in segs), main.size, col, band, glyphs)


def reading_order(rows: list[Row], tables: list[DetectedTable]) -> list[Line | DetectedTable]:
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


def _is_page_number(line: Line, first_or_last: bool, height: float) -> bool:
    t = line.text.strip()
    if _PAGE_NO_ANYWHERE.fullmatch(t):
        return True
    in_margin = line.top < _LAYOUT.page_number_top * height or line.bottom > _LAYOUT.page_number_bottom * height
    return (first_or_last or in_margin) and bool(_PAGE_NO_MARGIN.fullmatch(t))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_lines(lines: list[Line], height: float) -> list[Line]:
    """Up to two lines at the top and two at the foot of a page, inside the margins."""
    by_y = sorted(lines, key=lambda ln: ln.top)
    top = [ln for ln in by_y[:2] if ln.top < _LAYOUT.running_head_top * height]
    foot = [ln for ln in by_y[-2:] if ln.bottom > _LAYOUT.running_foot_bottom * height]
    return top + foot


def drop_furniture(pages: list[list[Line | DetectedTable]], heights: list[float]) -> None:
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


@dataclass(slots=True)
class Geom:
    left: float
    right: float
    gap: float  # usual space between consecutive lines


def quantile(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def geometry(lines: list[Line], fallback: Geom | None) -> Geom:
    if len(lines) < 6 and fallback is not None:
        return fallback
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if 0 <= b.top - a.bottom < 3 * a.size]
    return Geom(
        quantile([ln.x0 for ln in lines], 0.1),
        quantile([ln.x1 for ln in lines], 0.5),
        quantile(gaps, 0.5) if gaps else 0.5 * lines[0].size,
    )


def _breaks(p: Line, ln: Line, g: Geom, gp: Geom | None = None) -> bool:
    """Whether ``ln`` starts a new paragraph after ``p``.

    A line is continued across a column break when it runs to its column's edge
    without closing punctuation and the next column starts flush.
    """
    s = max(p.size, ln.size)
    if _FOOTNOTE_TAIL.match(ln.text) and p.band == ln.band:
        return False  # a footnote marker wrapped onto the next line, with the sentence's rest
    if p.col != ln.col and p.band == ln.band and gp is not None and abs(p.size - ln.size) <= 0.15 * s:
        open_end = p.text[-1] not in _END_PUNCT and p.text[-2:] not in ("。”", "！”", "？”")
        if open_end and gp.right - p.x1 < 1.5 * s and ln.x0 - g.left < 1.0 * s and not HEADING.match(ln.text):
            return False
    if abs(p.size - ln.size) > 0.15 * s or p.band != ln.band or p.col != ln.col:
        return True
    if ln.top - p.bottom > max(0.8 * s, g.gap + 0.6 * s) or ln.top < p.top - 0.5 * s:
        return True
    if HEADING.match(ln.text):
        return True
    if p.text[-1] not in _END_PUNCT and not _CLOSERS_END.search(p.text) and _MID_PUNCT.search(p.text) \
            and not HEADING.match(p.text) and ln.x0 - g.left < 1.5 * s:
        return False  # a sentence broken mid-clause (text wrapped around a picture), not a heading
    short = g.right - p.x1
    if short > 4.0 * s or (short > 1.5 * s and HEADING.match(p.text)) or (short > 0.8 * s and (p.text[-1] in _END_PUNCT or p.text[-2:] in ("。”", "！”", "？”"))):
        return True
    indent, p_indent = ln.x0 - g.left, p.x0 - g.left
    if p_indent >= 3.0 * s and indent < 1.0 * s:  # after a centred or right-aligned line
        return True
    return 1.5 * s <= indent and not (p_indent >= 1.5 * s and abs(p.x0 - ln.x0) < 0.5 * s)


def _join(a: str, b: str) -> str:
    if a and b and is_latin(a[-1]) and is_latin(b[0]) and a[-1].isalpha() and b[0].isalnum():
        return a + " " + b
    return a + b


def paragraphs(items: list[Line | DetectedTable], fallback: Geom | None,
               glyphs: list[list[Ch | None]] | None = None) -> list[str | Table]:
    """The page's paragraphs (lines joined) and tables, in reading order. ``glyphs``, when given,
    receives for each paragraph the glyph of each of its characters (see :attr:`Line.glyphs`)."""
    cols: dict[int, list[Line]] = defaultdict(list)
    for it in items:
        if isinstance(it, Line):
            cols[it.col].append(it)
    geoms = {c: geometry(lines, fallback if c in (0, -1) else None) for c, lines in cols.items()}
    out: list[str | Table] = []
    marks: list[list[Ch | None]] = []
    prev: Line | None = None
    for it in items:
        if isinstance(it, DetectedTable):
            out.append(it.table)
            prev = None
            continue
        text = it.text.strip()
        if not text:
            continue
        lead = len(it.text) - len(it.text.lstrip())
        own = it.glyphs[lead:lead + len(text)] if len(it.glyphs) == len(it.text) else [None] * len(text)
        last = out[-1] if out else None
        if prev is not None and isinstance(last, str) and not _breaks(prev, it, geoms[it.col], geoms[prev.col]):
            out[-1] = joined = _join(last, text)
            if len(joined) > len(last) + len(text):
                marks[-1].append(None)
            marks[-1] += own
        else:
            out.append(text)
            marks.append(own)
        prev = it
    if glyphs is not None:
        glyphs.extend(marks)
    return out
