"""Tables on PDF pages: ruled grids (from drawn lines) and aligned number columns.

The layout primitives shared with :mod:`extractor.parse.pdf.document` live here too:
:class:`Ch` (a cleaned character), :class:`Seg` (a run of characters on one
baseline without a wide gap) and :class:`Row` (the segments sharing a baseline
across the whole page width).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from extractor.models import Table, TableCell

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


@dataclass(eq=False)
class DetectedTable:
    """A table plus the geometry needed to place it and merge continuations."""

    table: Table
    col_edges: list[float]
    consumed: list[Seg] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.table.bbox[1] if self.table.bbox else 0.0


def is_latin(ch: str) -> bool:
    """True for characters that need a space between words (Latin, digits, ASCII)."""
    return ord(ch) < 0x2000 and not ch.isspace()


def chars_text(chars: list[Ch]) -> str:
    """Join characters (left to right, one baseline), keeping spaces only between Latin words."""
    if not chars:
        return ""
    gaps = sorted(max(0.0, c.x0 - p.x1) for p, c in zip(chars, chars[1:], strict=False))
    letter = gaps[len(gaps) // 2] if len(gaps) >= 3 else 0.0
    out = [chars[0].text]
    prev = chars[0]
    for c in chars[1:]:
        if c.sp or c.x0 - prev.x1 > max(0.2 * c.size, letter + 0.2 * c.size):
            if is_latin(prev.text[-1]) and is_latin(c.text[0]) and not (
                    prev.text in "-−" and c.text[0].isdigit() and (len(out) < 2 or out[-2] == " ")):
                out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out)


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


# ---------------------------------------------------------------- cell kinds

_NUM_RE = re.compile(
    r"[-+−–]?[(（]?[-+−]?[$¥￥]?\d[\d,，]*(?:\.\d+)?[)）]?(?:%|‰|pp|倍)?|[-—–]{1,2}|/|N/?A|n\.?a\.?"
)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}(?:\s*年.*|[AEFPQHM]\w*|\s*[-/—–]\s*\d+.*)?")
_UNIT_RE = re.compile(r"[（(]?\s*(?:金额|计量|货币)?单位\s*[:：]\s*([^（）()]{1,20}?)\s*[）)]?\s*$")
_CAPTION_START = re.compile(r"^(?:附?表|续表|图表|Table|TABLE|Tab\.)\s*[\dA-Za-z一二三四五六七八九十]")


def is_numeric(text: str) -> bool:
    """A cell holding a number (or a dash standing for none)."""
    t = text.replace(" ", "")
    return bool(t) and bool(_NUM_RE.fullmatch(t))


def _is_value(text: str) -> bool:
    """A numeric cell that is a real value, not a year label or a dash."""
    t = text.replace(" ", "")
    return is_numeric(t) and any(ch.isdigit() for ch in t) and not _YEAR_RE.fullmatch(t)


def header_row_count(cells: list[TableCell], n_rows: int, n_cols: int) -> int:
    """Count header rows: top rows with no values where the body has numbers.

    A second (or third) header row is accepted only when the row above has a
    spanning cell; cells spanning down from row 0 extend the header too.
    """
    if n_rows == 0:
        return 0
    by_row: list[list[TableCell]] = [[] for _ in range(n_rows)]
    for c in cells:
        if c.text:
            by_row[c.row].append(c)
    numeric_cols = set()
    for col in range(n_cols):
        body = [c.text for r in by_row[1:] for c in r if c.col == col]
        if body and sum(is_numeric(t) for t in body) >= 0.6 * len(body):
            numeric_cols.add(col)

    def header_like(r: int) -> bool:
        row = by_row[r]
        if not row:
            return False
        if numeric_cols:
            over = [c for c in row if any(k in numeric_cols for k in range(c.col, c.col + c.col_span))]
            return bool(over) and not any(_is_value(c.text) for c in over)
        return not any(_is_value(c.text) for c in row)

    if not header_like(0):
        return 0
    if n_rows == 1:
        return 1
    if not numeric_cols:
        count = 1
    else:
        count = 1
        while count < min(3, n_rows - 1) and header_like(count):
            above = by_row[count - 1]
            if not any(c.col_span > 1 for c in above):
                break
            count += 1
    spans = [c.row_span for c in by_row[0] if c.row_span > 1]
    if spans and max(spans) < n_rows:
        count = max(count, max(spans))
    return count


# ------------------------------------------------------------ ruled tables


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representatives of values merged when closer than tol."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float, tol: float) -> int:
    i = bisect.bisect_left(edges, v - tol)
    return min(i, len(edges) - 1)


Box = tuple[float, float, float, float]


def _grid_boxes(page: PageGeometry, tol: float = 3.0) -> list[list[Box]]:
    """Cells enclosed by drawn lines, one list per connected grid (what pdfplumber's
    "lines" strategy finds, computed on the grid of line positions instead of corners)."""
    from pdfplumber.table import merge_edges

    edges = merge_edges(page.edges, tol, tol, tol, tol)
    hs = [(e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= tol]
    vs = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= tol]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, a, b) in enumerate(hs):
        for j, (x, t, u) in enumerate(vs):
            if a - tol <= x <= b + tol and t - tol <= y <= u + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, e in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(e)
    for j, e in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(e)
    out = []
    for gh, gv in groups.values():
        if len(gh) >= 2 and len(gv) >= 2:
            out.append(_enclosed(gh, gv, tol))
    return sorted(out, key=lambda bs: min((b[1] for b in bs), default=0.0))


def _enclosed(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]], tol: float) -> list[Box]:
    """Cells of one grid: fine cells joined across missing inner lines, kept when closed all round."""
    ys = _cluster([h[0] for h in hs], tol)
    xs = _cluster([v[0] for v in vs], tol)
    by_y: dict[int, list[tuple[float, float]]] = {}
    by_x: dict[int, list[tuple[float, float]]] = {}
    for y, a, b in hs:
        by_y.setdefault(_index(ys, y, tol), []).append((a, b))
    for x, t, u in vs:
        by_x.setdefault(_index(xs, x, tol), []).append((t, u))

    def h_line(i: int, j: int) -> bool:  # a line along ys[i] over column j
        return any(a <= xs[j] + tol and b >= xs[j + 1] - tol for a, b in by_y.get(i, ()))

    def v_line(j: int, i: int) -> bool:  # a line along xs[j] over row i
        return any(t <= ys[i] + tol and u >= ys[i + 1] - tol for t, u in by_x.get(j, ()))

    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not v_line(j + 1, i):
                parent[find(i * nc + j)] = find(i * nc + j + 1)
            if i + 1 < nr and not h_line(i + 1, j):
                parent[find(i * nc + j)] = find((i + 1) * nc + j)
    members: dict[int, list[tuple[int, int]]] = {}
    for i in range(nr):
        for j in range(nc):
            members.setdefault(find(i * nc + j), []).append((i, j))
    boxes = []
    for group in members.values():
        r0, r1 = min(i for i, _ in group), max(i for i, _ in group)
        c0, c1 = min(j for _, j in group), max(j for _, j in group)
        if len(group) != (r1 - r0 + 1) * (c1 - c0 + 1):
            continue
        closed = (all(h_line(r0, j) and h_line(r1 + 1, j) for j in range(c0, c1 + 1))
                  and all(v_line(c0, i) and v_line(c1 + 1, i) for i in range(r0, r1 + 1)))
        if closed:
            boxes.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return boxes


def _ruled_tables(page: PageGeometry, page_number: int, chars: list[Ch]) -> list[DetectedTable]:
    objs = len(page.rects) + len(page.lines) + len(page.curves)
    if objs < 3:
        return []
    out: list[DetectedTable] = []
    for boxes in _grid_boxes(page):
        if len(boxes) < 2:
            continue
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], 2.5)
        ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], 2.5)
        if len(xs) < 3 or len(ys) < 2:
            continue
        x0, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        inside = [
            c for c in chars
            if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom
        ]
        grid: dict[tuple[int, int], int] = {}
        spans = []
        for i, (bx0, btop, bx1, bbot) in enumerate(boxes):
            c0, c1 = _index(xs, bx0, 2.5), _index(xs, bx1, 2.5)
            r0, r1 = _index(ys, btop, 2.5), _index(ys, bbot, 2.5)
            if c1 <= c0 or r1 <= r0:
                spans.append(None)
                continue
            spans.append((r0, c0, r1 - r0, c1 - c0))
            for r in range(r0, r1):
                for k in range(c0, c1):
                    grid.setdefault((r, k), i)
        members: dict[int, list[Ch]] = {}
        for c in inside:
            cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
            k = bisect.bisect_right(xs, cx) - 1
            r = bisect.bisect_right(ys, cy) - 1
            i = grid.get((r, k))
            if i is None and 0 <= r < len(ys) - 1 and 0 <= k < len(xs) - 1:
                # text in a spot the rules leave open (e.g. a label beside a partial rule)
                i = grid[(r, k)] = len(spans)
                spans.append((r, k, 1, 1))
            if i is not None:
                members.setdefault(i, []).append(c)
        texts = {i: cell_text(m) for i, m in members.items()}
        filled = [t for t in texts.values() if t]
        if len(filled) < 2 or len(filled) < 0.25 * len(boxes):
            continue
        # a layout frame holding running text is not a data table
        prose = [len(t) for t in filled if len(t) > 120 or (len(t) > 40 and ("。" in t or "，" in t))]
        share = sum(prose) / sum(map(len, filled))
        big = (x1 - x0) * (bottom - top) > 0.4 * float(page.width) * float(page.height)
        if (len(prose) >= 2 and share > (0.3 if big else 0.7)) or any(len(t) > 300 for t in filled):
            continue
        if not any(is_numeric(t) for t in filled) and sum(map(len, filled)) > 20 * len(filled):
            continue  # boxes of prose or navigation, no figures
        cells, kept = _compact([(s, texts.get(i, "")) for i, s in enumerate(spans) if s is not None])
        if not cells:
            continue
        n_rows = max(c.row + c.row_span for c in cells)
        n_cols = max(c.col + c.col_span for c in cells)
        cells, n_cols, kept = _merge_split(cells, n_rows, n_cols, kept, rows=False)
        cells, n_rows, _ = _merge_split(cells, n_cols, n_rows, list(range(n_rows)), rows=True)
        caption = None
        if n_rows > 1 and n_cols > 1 and cells[0].col_span == n_cols and cells[0].row_span == 1:
            # a title row spanning the whole table is its caption
            caption = cells[0].text
            cells = [c.model_copy(update={"row": c.row - 1}) for c in cells[1:]]
            n_rows -= 1
        if n_cols < 2 or (n_rows < 2 and n_cols < 3):
            continue
        col_edges = [xs[k] for k in kept] + [xs[-1]]
        table = Table(
            page=page_number, pages=[page_number], header_rows=header_row_count(cells, n_rows, n_cols),
            n_rows=n_rows, n_cols=n_cols, cells=cells, bbox=(x0, top, x1, bottom), method="ruled",
        )
        if caption:
            table.unit = unit_of(caption)
            m = _UNIT_RE.search(caption.replace(" ", ""))
            table.caption = (caption.replace(" ", "")[: m.start()] if m else caption).strip() or None
        out.append(DetectedTable(table, col_edges))
    return out


def _compact(raw: list[tuple[tuple[int, int, int, int], str]]) -> tuple[list[TableCell], list[int]]:
    """Cells on the full line grid → cells on the grid of rows/columns that hold text.

    Also returns the line-grid indices of the columns kept.
    """
    rows_used: set[int] = set()
    cols_used: set[int] = set()
    for (r, c, _rs, _cs), text in raw:
        if text:
            rows_used.add(r)
            cols_used.add(c)
    if not rows_used:
        return [], []
    max_r = max(r + rs for (r, _c, rs, _cs), _t in raw)
    max_c = max(c + cs for (_r, c, _rs, cs), _t in raw)
    rmap = [0] * (max_r + 1)
    cmap = [0] * (max_c + 1)
    n = 0
    for i in range(max_r + 1):
        rmap[i] = n
        n += i in rows_used
    n = 0
    for i in range(max_c + 1):
        cmap[i] = n
        n += i in cols_used
    cells = []
    seen = set()
    for (r, c, rs, cs), text in raw:
        if r not in rows_used or c not in cols_used:
            continue
        nr, nc = rmap[r], cmap[c]
        if (nr, nc) in seen:
            continue
        seen.add((nr, nc))
        cells.append(TableCell(
            row=nr, col=nc, text=text,
            row_span=max(1, rmap[r + rs] - nr), col_span=max(1, cmap[c + cs] - nc),
        ))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells, sorted(cols_used)


def _merge_split(
    cells: list[TableCell], n_other: int, n: int, kept: list[int], rows: bool
) -> tuple[list[TableCell], int, list[int]]:
    """Merge neighbouring columns (or rows) that drawing artefacts split.

    Columns k, k+1 merge when no row holds two different non-empty cells there.
    Rows also merge when only one column differs while most cells span both rows
    (a wrapped label cut by a stray rule).
    """
    def pos(c: TableCell) -> tuple[int, int, int, int]:  # (start, span) along the merge axis, then across
        return (c.row, c.row_span, c.col, c.col_span) if rows else (c.col, c.col_span, c.row, c.row_span)

    k = 0
    occ: dict[tuple[int, int], TableCell] = {}
    while k < n - 1:
        if not occ:
            for c in cells:
                a, sa, o, so = pos(c)
                for i in range(a, a + sa):
                    for j in range(o, o + so):
                        occ[(i, j)] = c
        conflicts = shared = 0
        for j in range(n_other):
            x, y = occ.get((k, j)), occ.get((k + 1, j))
            if x is not None and x is y and x.text:
                shared += 1
            elif x is not None and y is not None and x.text and y.text:
                conflicts += 1
        if conflicts == 0 or (rows and conflicts == 1 and shared >= max(1, n_other // 2)):
            merged: dict[tuple[int, int], TableCell] = {}
            for c in sorted(cells, key=lambda c: (c.row, c.col)):
                a, sa, o, so = pos(c)
                start = a if a <= k else a - 1
                end = a + sa if a + sa <= k + 1 else a + sa - 1
                upd = {"row": start, "row_span": end - start} if rows else {"col": start, "col_span": end - start}
                nc = c.model_copy(update=upd)
                key = (start, o)
                if key in merged and merged[key].text:
                    if nc.text and nc is not merged[key]:
                        merged[key] = merged[key].model_copy(update={"text": merged[key].text + nc.text})
                    continue
                merged[key] = nc
            cells = sorted(merged.values(), key=lambda c: (c.row, c.col))
            kept = kept[: k + 1] + kept[k + 2:]
            n -= 1
            occ = {}
            continue
        k += 1
    return cells, n, kept


# ---------------------------------------------------------- aligned tables


def _num_segs(row: Row) -> list[Seg]:
    """Numbers standing apart in a row (not glued to the words around them)."""
    live = [s for s in row.segs if not s.used]
    out = []
    for i, s in enumerate(live):
        if is_numeric(s.text):
            gap_l = s.x0 - live[i - 1].x1 if i else 1e9
            gap_r = live[i + 1].x0 - s.x1 if i + 1 < len(live) else 1e9
            if min(gap_l, gap_r) >= 0.5 * s.size:
                out.append(s)
    return out


def _qualifies(row: Row) -> bool:
    nums = _num_segs(row)
    if len(nums) < 2 or not any(_is_value(s.text) for s in nums):
        return False
    lo, hi = nums[0].x0, nums[-1].x1
    return not any(
        not s.used and len(s.text) > 20 and s.x0 > lo and s.x1 < hi and s not in nums for s in row.segs
    )


def _anchor_columns(rows: list[Row], size: float) -> list[tuple[float, float]] | None:
    """Numeric column spans if the numbers of these rows line up, else None."""
    nums = [(i, s) for i, r in enumerate(rows) for s in _num_segs(r)]
    need = max(2, (len(rows) + 1) // 2)
    best = None
    for key in (lambda s: s.x1, lambda s: s.x0, lambda s: (s.x0 + s.x1) / 2):
        pts = sorted(nums, key=lambda p: key(p[1]))
        groups: list[list[tuple[int, Seg]]] = []
        for p in pts:
            if groups and key(p[1]) - key(groups[-1][-1][1]) <= 0.7 * size:
                groups[-1].append(p)
            else:
                groups.append([p])
        strong = [g for g in groups if len({i for i, _ in g}) >= need]
        hit = sum(len(g) for g in strong)
        if len(strong) >= 2 and hit >= 0.8 * len(nums) and (best is None or hit > best[0]):
            best = (hit, [(min(s.x0 for _, s in g), max(s.x1 for _, s in g)) for g in strong])
    return best[1] if best else None


def _aligned_tables(rows: list[Row], page_number: int) -> list[DetectedTable]:
    out: list[DetectedTable] = []
    i = 0
    while i < len(rows):
        if not _qualifies(rows[i]):
            i += 1
            continue
        j = i + 1
        while j < len(rows) and _qualifies(rows[j]) and (
            rows[j].top - rows[j - 1].bottom < 2.5 * max(rows[j].size, 1.0)
        ):
            j += 1
        group = rows[i:j]
        dt = _build_aligned(rows, i, group, page_number) if len(group) >= 3 else None
        if dt:
            out.append(dt)
        i = j
    return out


def _build_aligned(rows: list[Row], start: int, group: list[Row], page_number: int) -> DetectedTable | None:
    size = sorted(r.size for r in group)[len(group) // 2]
    anchors = _anchor_columns(group, size)
    if not anchors:
        return None
    lo, hi = anchors[0][0], anchors[-1][1]
    body: list[list[Seg]] = []
    for r in group:
        keep = []
        for s in r.segs:
            if s.used:
                continue
            if s.x1 <= lo + 0.5 * size:  # row labels left of the numbers
                if lo - s.x1 < 12 * size or len(s.text) <= 25:
                    keep.append(s)
            elif s.x0 < hi + 0.5 * size or (s.x0 - hi < 4 * size and len(s.text) <= 15):
                keep.append(s)
        body.append(keep)
    spans = sorted((s.x0, s.x1) for segs in body for s in segs)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 0.2 * size:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    if len(cols) < 2:
        return None
    # header rows above the numbers
    heads: list[list[Seg]] = []
    k = start - 1
    left, right = cols[0][0] - size, cols[-1][1] + size
    upper = group[0]
    while k >= 0 and len(heads) < 3:
        r = rows[k]
        segs = [s for s in r.segs if not s.used and s.x1 > left and s.x0 < right]
        gap = upper.top - r.bottom
        # a lone label counts only as the wrapped top of a header cell, right above it
        lone = len(segs) == 1 and heads and gap <= 1.0 * size and len(segs[0].text) <= 12 and any(
            a - size <= segs[0].x0 and segs[0].x1 <= b + size for a, b in cols)
        if (gap > 2.0 * max(r.size, size) or (len(segs) < 2 and not lone) or _CAPTION_START.match(segs[0].text)
                or any(_is_value(s.text) for s in segs) or len(segs) != len([s for s in r.segs if not s.used])):
            break
        heads.insert(0, segs)
        upper = r
        k -= 1
    if not heads and (len(group) < 5 or len(anchors) < 3):
        return None
    mids = [(a + b) / 2 for a, b in cols]
    head_rows = [_header_cells(segs, mids, 0) for segs in heads]
    while len(head_rows) > 1 and all(c.col_span == 1 for c in head_rows[0]):
        # wrapped header labels: stack the upper line onto the one below, column by column
        top_row, below = head_rows[0], {c.col: c for c in head_rows[1]}
        for c in top_row:
            if c.col in below:
                below[c.col].text = c.text + below[c.col].text
            elif not any(b.col <= c.col < b.col + b.col_span for b in below.values()):
                below[c.col] = c
        head_rows = [sorted(below.values(), key=lambda c: c.col)] + head_rows[2:]
    n_head = len(head_rows)
    cells: list[TableCell] = [c.model_copy(update={"row": ri}) for ri, row in enumerate(head_rows) for c in row]
    for ri, segs in enumerate(body, start=n_head):
        slots = {}
        for s in segs:
            ci = max(range(len(cols)), key=lambda c: min(cols[c][1], s.x1) - max(cols[c][0], s.x0))
            slots.setdefault(ci, []).append(s)
        for ci, ss in sorted(slots.items()):
            cells.append(TableCell(row=ri, col=ci, text=" ".join(s.text for s in ss)))
    segs_all = [s for segs in heads + body for s in segs]  # all header lines, stacked or not
    for s in segs_all:
        s.used = True
    bbox = (min(s.x0 for s in segs_all), min(s.top for s in segs_all),
            max(s.x1 for s in segs_all), max(s.bottom for s in segs_all))
    n_rows = n_head + len(body)
    table = Table(
        page=page_number, pages=[page_number], header_rows=n_head, n_rows=n_rows, n_cols=len(cols),
        cells=cells, bbox=bbox, method="aligned",
    )
    if not heads:
        table.header_rows = header_row_count(cells, n_rows, len(cols))
    return DetectedTable(table, [c[0] for c in cols] + [cols[-1][1]])


def _header_cells(segs: list[Seg], mids: list[float], ri: int) -> list[TableCell]:
    """Cells of a header line over columns centred at ``mids``; a label spans the
    columns under it, taken as centred between its neighbours."""
    segs = sorted(segs, key=lambda s: s.x0)
    out: list[TableCell] = []
    taken: set[int] = set()
    for i, s in enumerate(segs):
        c = (s.x0 + s.x1) / 2
        left = (segs[i - 1].x1 + s.x0) / 2 if i else None
        right = (s.x1 + segs[i + 1].x0) / 2 if i + 1 < len(segs) else None
        if left is None and right is None:
            left, right = s.x0 - 2.0, s.x1 + 2.0
        elif left is None:
            left = c - (right - c)
        elif right is None:
            right = c + (c - left)
        cover = [k for k, m in enumerate(mids) if left <= m < right and k not in taken]
        if not cover:
            k = min(range(len(mids)), key=lambda k: abs(mids[k] - c))
            owner = next((x for x in out if x.col <= k < x.col + x.col_span), None)
            if owner is not None:
                owner.text += " " + s.text
                continue
            cover = [k]
        taken.update(range(cover[0], cover[-1] + 1))
        out.append(TableCell(row=ri, col=cover[0], col_span=cover[-1] - cover[0] + 1, text=s.text))
    return out


def _extend_header(dt: DetectedTable, rows: list[Row]) -> None:
    """Take label lines sitting just above a ruled grid (open-topped header) into the table."""
    t = dt.table
    x0, top, x1, _bottom = t.bbox
    mids = [(a + b) / 2 for a, b in zip(dt.col_edges, dt.col_edges[1:], strict=False)]
    above = [r for r in rows if r.bottom <= top + 2.0]
    added = 0
    for r in reversed(above[-2:]):
        live = [s for s in r.segs if not s.used]
        segs = [s for s in live if s.x0 >= x0 - r.size and s.x1 <= x1 + r.size]
        if (len(segs) < 2 or len(segs) != len(live) or top - r.bottom > 1.0 * r.size
                or any(_is_value(s.text) or unit_of(s.text) or s.x1 - s.x0 > 0.6 * (x1 - x0) for s in segs)
                or _CAPTION_START.match(segs[0].text)):
            break
        head = _header_cells(segs, mids, 0)
        t.cells = head + [c.model_copy(update={"row": c.row + 1}) for c in t.cells]
        t.n_rows += 1
        added += 1
        top = r.top
        for s in segs:
            s.used = True
    if added:
        t.bbox = (x0, top, x1, t.bbox[3])
        t.header_rows = header_row_count(t.cells, t.n_rows, t.n_cols)


# ------------------------------------------------------- captions and units


def unit_of(text: str) -> str | None:
    """The unit named by a "单位：亿元" / "（单位：人民币亿元）" line, else None."""
    m = _UNIT_RE.search(text.replace(" ", ""))
    if not m:
        return None
    unit = m.group(1).strip("，,。；; ")
    if unit.startswith("人民币") and len(unit) > 3:
        unit = unit[3:]
    return unit or None


def _attach_caption(dt: DetectedTable, rows: list[Row], text_width: float) -> None:
    """Take the caption and unit lines just above the table into it."""
    t = dt.table
    x0, top, x1, _bottom = t.bbox
    width = x1 - x0
    ref = top
    above = [r for r in rows if r.bottom <= top + 1.0]
    for r in reversed(above[-4:]):
        lo, hi = x0 - 0.1 * width, x1 + 0.1 * width
        segs = [s for s in r.segs if not s.used and min(s.x1, hi) - max(s.x0, lo) >= 0.5 * (s.x1 - s.x0)]
        if not segs or ref - r.bottom > 1.8 * max(r.size, 6.0):
            break
        text = " ".join(s.text for s in segs)
        unit = unit_of(text)
        if unit and t.unit is None:
            t.unit = unit
            whole = _UNIT_RE.search(text.replace(" ", ""))
            rest = text.replace(" ", "")[: whole.start()].strip() if whole else ""
            dt.consumed.extend(segs)
            ref = r.top
            if rest and t.caption is None and _caption_like(rest, segs, x0, x1, text_width):
                t.caption = rest
                break
            continue
        if _caption_like(text, segs, x0, x1, text_width):
            latin = all(ord(ch) < 0x2E80 for ch in text)
            if t.caption is None:
                t.caption = text
                dt.consumed.extend(segs)
                ref = r.top
                if latin:  # an English caption line; the Chinese one may sit above
                    continue
            elif not latin and all(ord(ch) < 0x2E80 for ch in t.caption):
                t.caption = text
                dt.consumed.extend(segs)
        break
    for s in dt.consumed:
        s.used = True


def _caption_like(text: str, segs: list[Seg], x0: float, x1: float, text_width: float) -> bool:
    """A short title line: starts like "表 3", names a 表, or is centred over the table."""
    if text[-1] in "。；，,;：:" or is_numeric(text):
        return False
    if (_CAPTION_START.match(text) and len(text) <= 160) or ("表" in text and len(text) <= 40):
        return True
    if len(text) > 60:
        return False
    a, b = min(s.x0 for s in segs), max(s.x1 for s in segs)
    return abs((a + b) / 2 - (x0 + x1) / 2) <= 0.12 * (x1 - x0) and (b - a) < 0.8 * text_width


# ------------------------------------------------------------- public API


def detect_tables(
    page: PageGeometry, page_number: int, chars: list[Ch], rows: list[Row]
) -> list[DetectedTable]:
    """Ruled and aligned tables of a page; marks the segments they cover as used."""
    found = _ruled_tables(page, page_number, chars)
    # a single ruled row is a shaded stripe of an unruled table, unless it is a header
    # row closing the page (its body continues on the next page)
    found = [
        dt for dt in found
        if dt.table.n_rows > 1 or (dt.table.header_rows == 1 and sum(r.top > dt.table.bbox[3] for r in rows) <= 1)
    ]
    for dt in found:
        x0, top, x1, bottom = dt.table.bbox
        for r in rows:
            if r.bottom < top or r.top > bottom:
                continue
            for s in r.segs:
                if x0 <= (s.x0 + s.x1) / 2 <= x1 and top <= (s.top + s.bottom) / 2 <= bottom:
                    s.used = True
    for dt in found:
        _extend_header(dt, rows)
    found += _aligned_tables(rows, page_number)
    found.sort(key=lambda d: d.top)
    if found:
        segs = [s for r in rows for s in r.segs]
        width = max(s.x1 for s in segs) - min(s.x0 for s in segs) if segs else 0.0
        for dt in found:
            _attach_caption(dt, rows, width)
    return found


def find_tables(
    page: pdfplumber.page.Page, page_number: int, *, chars: list[Ch] | None = None,
    rows: list[Row] | None = None,
) -> list[Table]:
    """Tables of one pdfplumber page (``page_number`` 1-based) as :class:`Table` models."""
    from extractor.parse.pdf.document import build_rows, page_chars
    from extractor.parse.pdf.objects import read_page

    objs = read_page(page)  # once, for the characters and the ruling lines both
    if chars is None or rows is None:
        chars = page_chars(objs)
        rows = build_rows(chars)
    return [d.table for d in detect_tables(objs, page_number, chars, rows)]


def _row_texts(t: Table, rows: range) -> list[str]:
    cells = sorted((c for c in t.cells if c.row in rows), key=lambda c: (c.row, c.col))
    return ["".join(c.text for c in cells if c.row == r).replace(" ", "") for r in rows]


def is_continuation(prev: DetectedTable, nxt: DetectedTable) -> bool:
    """Whether ``nxt`` (first on its page) continues ``prev`` (last on the page before)."""
    a, b = prev.table, nxt.table
    if a.n_cols != b.n_cols or (b.caption and not b.caption.startswith("续")):
        return False
    if len(prev.col_edges) == len(nxt.col_edges):
        if any(abs(p - q) > 4.0 for p, q in zip(prev.col_edges, nxt.col_edges, strict=True)):
            return False
    elif a.bbox and b.bbox and (abs(a.bbox[0] - b.bbox[0]) > 8 or abs(a.bbox[2] - b.bbox[2]) > 8):
        return False
    if b.header_rows and b.header_rows != a.header_rows:
        return False
    if b.header_rows and _row_texts(a, range(a.header_rows)) != _row_texts(b, range(b.header_rows)):
        return False
    return True


def merge_tables(first: Table, second: Table) -> Table:
    """``second`` appended to ``first`` (a repeated header on ``second`` is dropped)."""
    skip = second.header_rows if first.header_rows and second.header_rows == first.header_rows else 0
    cells = list(first.cells)
    for c in second.cells:
        if c.row < skip:
            continue
        cells.append(c.model_copy(update={"row": c.row - skip + first.n_rows}))
    n_rows = first.n_rows + second.n_rows - skip
    merged = first.model_copy(update={
        "pages": sorted(set(first.pages) | set(second.pages)), "cells": cells, "n_rows": n_rows,
        "unit": first.unit or second.unit, "caption": first.caption or second.caption,
    })
    merged.header_rows = header_row_count(cells, n_rows, merged.n_cols) if not first.header_rows else first.header_rows
    return merged


def table_text(t: Table) -> str:
    """The table as plain text: caption, unit, then one line per row (spanning cells once)."""
    lines = [t.caption] if t.caption else []
    if t.unit:
        lines.append(f"单位：{t.unit}")
    rows: list[list[TableCell]] = [[] for _ in range(t.n_rows)]
    for c in t.cells:
        if 0 <= c.row < t.n_rows:
            rows[c.row].append(c)
    for r in rows:
        lines.append(" ".join(c.text for c in sorted(r, key=lambda c: c.col) if c.text))
    return "\n".join(line for line in lines if line)
