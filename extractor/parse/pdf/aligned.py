"""Unruled tables: rows of numbers aligned in columns, their headers and captions."""

from __future__ import annotations

import re

from extractor.models import Box, Table, TableCell, union_box
from extractor.parse.pdf.cells import (
    CAPTION_START,
    UNIT_RE,
    DetectedTable,
    header_row_count,
    is_numeric,
    is_value,
    unit_of,
)
from extractor.parse.pdf.layout import Row, Seg, glyph_box

_KV_VALUE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?(?:\s*[-—–~至]\s*[-+]?\d[\d,]*(?:\.\d+)?%?)?")


_UNIT_TAIL = re.compile(r"[（(][^（）()\d]{1,8}[）)]\s*$")


def _cell(row: int, col: int, segs: list[Seg], sep: str = "", col_span: int = 1) -> TableCell:
    """A cell holding ``segs`` (their texts joined by ``sep``), boxed round their glyphs."""
    return TableCell(row=row, col=col, text=sep.join(s.text for s in segs), col_span=col_span,
                     bbox=glyph_box(c for s in segs for c in s.chars))


def _union(a: Box | None, b: Box | None) -> Box | None:
    return union_box([x for x in (a, b) if x is not None])


def _num_segs(row: Row) -> list[Seg]:
    """Numbers standing apart in a row (not glued to the words around them)."""
    live = [s for s in _visible(row.segs) if not s.used]
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
    if len(nums) < 2 or not any(is_value(s.text) for s in nums):
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


def aligned_tables(rows: list[Row], page_number: int) -> list[DetectedTable]:
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
        dt = _build_aligned(rows, i, group, page_number) if len(group) >= 3 else _short_table(rows, i, group, page_number)
        if dt:
            out.extend(side_by_side(dt))
        i = j
    return out


def _visible(segs: list[Seg]) -> list[Seg]:
    """Segments drawn at a readable size (not a hidden marker in 1-pt type or squeezed into a point)."""
    if not segs:
        return []
    body = sorted(s.size for s in segs)[len(segs) // 2]
    return [s for s in segs if s.size >= 0.35 * body and s.x1 - s.x0 >= 0.25 * s.size * len(s.text)]


def _short_table(rows: list[Row], start: int, group: list[Row], page_number: int) -> DetectedTable | None:
    """One or two rows of figures under a header line whose labels stand right over them
    (沪深300对比 | 1M | 2M | 3M, or a row of years): a table too short to show alignment alone."""
    if start == 0:
        return None
    head, size = rows[start - 1], group[0].size
    if group[0].top - head.bottom > 2.0 * size:
        return None
    nums = [_num_segs(r) for r in group]
    n = len(nums[0])
    if n < 2 or any(len(x) != n for x in nums):
        return None
    right = max(s.x1 for x in nums for s in x) + 0.5 * size
    lo = min(s.x0 for x in nums for s in x)
    hsegs = [s for s in _visible(head.segs) if not s.used and s.x0 < right]
    over = [h for h in hsegs if h.x1 > lo - 0.5 * size]
    if len(over) != n or any(is_value(h.text) for h in hsegs):
        return None
    for k, h in enumerate(over):
        col = [x[k] for x in nums]
        if not (all(abs(h.x1 - s.x1) <= 0.7 * size for s in col)
                or all(abs((h.x0 + h.x1) - (s.x0 + s.x1)) <= 1.4 * size for s in col)):
            return None
    body = []
    for r, x in zip(group, nums, strict=True):
        labels = [s for s in _visible(r.segs) if not s.used and s.x1 <= lo and s not in x]
        if len([s for s in _visible(r.segs) if not s.used and s.x0 < right]) != len(labels) + n:
            return None
        body.append((labels, x))
    head_label = [h for h in hsegs if h not in over]
    cells = [_cell(0, 0, head_label, " ")] if head_label else []
    cells += [_cell(0, k + 1, [h]) for k, h in enumerate(over)]
    for ri, (labels, x) in enumerate(body, start=1):
        if labels:
            cells.append(_cell(ri, 0, labels, ""))
        cells += [_cell(ri, k + 1, [s]) for k, s in enumerate(x)]
    used = hsegs + [s for labels, x in body for s in labels + x]
    for s in used:
        s.used = True
    bbox = (min(s.x0 for s in used), min(s.top for s in used), max(s.x1 for s in used), max(s.bottom for s in used))
    table = Table(page=page_number, pages=[page_number], header_rows=1, n_rows=len(group) + 1, n_cols=n + 1,
                  cells=cells, bbox=bbox, method="aligned")
    edges = [bbox[0]] + [x[0].x0 - 0.5 * size for x in zip(*nums, strict=True)] + [bbox[2]]
    return DetectedTable(table, edges)


def side_by_side(dt: DetectedTable) -> list[DetectedTable]:
    """Tables printed next to each other and read as one (主要财务指标 | 2021 … | 利润表 | 2021 …):
    a column of labels to the right of figure columns starts another table."""
    t = dt.table
    grid, h = t.grid(), t.header_rows
    body = grid[h:]

    def texty(c: int) -> bool:
        filled = [r[c] for r in body if r[c].strip()]
        return len(filled) >= 3 and sum(is_numeric(x) for x in filled) <= len(filled) // 3

    def numeric(c: int) -> bool:
        filled = [r[c] for r in body if r[c].strip()]
        return bool(filled) and sum(is_numeric(x) for x in filled) > len(filled) // 2

    def labels(c: int) -> bool:  # item names, not a column of units (亿元, %, 个)
        filled = [r[c] for r in body if r[c].strip()]
        return sum(len(x) for x in filled) >= 3 * len(filled)

    cuts = [c for c in range(1, t.n_cols) if texty(c) and labels(c)
            and sum(numeric(k) for k in range(c)) >= 2 and sum(numeric(k) for k in range(c + 1, t.n_cols)) >= 2]
    if not cuts or len(dt.col_edges) != t.n_cols + 1:
        return [dt]
    out = []
    for a, b in zip([0, *cuts], [*cuts, t.n_cols], strict=True):
        cells = []
        for c in t.cells:
            lo, hi = max(c.col, a), min(c.col + c.col_span, b)
            if lo < hi and c.text:
                cells.append(c.model_copy(update={"col": lo - a, "col_span": hi - lo}))
        keep = sorted({c.row for c in cells} | set(range(h)))
        renum = {r: i for i, r in enumerate(keep)}
        cells = [c.model_copy(update={"row": renum[c.row]}) for c in cells if c.row in renum]
        edges = dt.col_edges[a : b + 1]
        x0, top, x1, bottom = t.bbox
        table = t.model_copy(update={"cells": cells, "n_cols": b - a, "n_rows": len(keep),
                                     "bbox": (edges[0], top, edges[-1], bottom)})
        out.append(DetectedTable(table, edges))
    return out


def key_value_tables(rows: list[Row], page_number: int) -> list[DetectedTable]:
    """Blocks of "label： figure" lines, labels flush left and figures flush right
    (总股本(百万股)： 227.92 / 总市值(百万元)： 18,785.44), one or more side by side: two-column tables."""
    out: list[DetectedTable] = []
    open_runs: list[list[tuple[Seg, Seg]]] = []

    def keyed(label: Seg, value: Seg) -> bool:
        text = label.text.rstrip()
        if "…" in text or ".." in text:  # a contents entry and its page number
            return False
        return (text.endswith(("：", ":")) or bool(_UNIT_TAIL.search(text))) and bool(
            _KV_VALUE.fullmatch(value.text.replace(" ", "")))

    def close(run: list[tuple[Seg, Seg]]) -> None:
        if len(run) < 3:
            return
        cells = [_cell(i, k, [s]) for i, p in enumerate(run) for k, s in enumerate(p)]
        segs = [s for p in run for s in p]
        for s in segs:
            s.used = True
        bbox = (min(s.x0 for s in segs), min(s.top for s in segs), max(s.x1 for s in segs), max(s.bottom for s in segs))
        table = Table(page=page_number, pages=[page_number], header_rows=0, n_rows=len(run), n_cols=2,
                      cells=cells, bbox=bbox, method="aligned")
        out.append(DetectedTable(table, [bbox[0], min(p[1].x0 for p in run), bbox[2]]))

    for r in rows:
        live = sorted((s for s in _visible(r.segs) if not s.used), key=lambda s: s.x0)
        pairs, i = [], 0
        while i + 1 < len(live):
            more = i + 2 < len(live) and is_numeric(live[i + 2].text) and (
                live[i + 2].x0 - live[i + 1].x1 < 4 * live[i + 1].size)
            if keyed(live[i], live[i + 1]) and not more:  # a key and one figure, not a row of figures
                pairs.append((live[i], live[i + 1]))
                i += 2
            else:
                i += 1
        extended = []
        for p in pairs:
            size = p[0].size
            run = next((run for run in open_runs if run not in extended and abs(run[-1][0].x0 - p[0].x0) <= size
                        and abs(run[-1][1].x1 - p[1].x1) <= 0.7 * size and p[0].top - run[-1][0].bottom <= 2.5 * size),
                       None)
            if run is None:
                run = []
                open_runs.append(run)
            run.append(p)
            extended.append(run)
        for run in [run for run in open_runs if run not in extended]:
            lo, hi = run[-1][0].x0, run[-1][1].x1
            if any(min(s.x1, hi) > max(s.x0, lo) for s in r.segs if not s.used):
                close(run)  # a line across the block ends it; lines beside it (another column) do not
                open_runs.remove(run)
    for run in open_runs:
        close(run)
    return out


def _build_aligned(rows: list[Row], start: int, group: list[Row], page_number: int) -> DetectedTable | None:  # noqa: C901
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
        if (gap > 2.0 * max(r.size, size) or (len(segs) < 2 and not lone) or CAPTION_START.match(segs[0].text)
                or any(is_value(s.text) for s in segs) or len(segs) != len([s for s in r.segs if not s.used])):
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
                below[c.col].bbox = _union(c.bbox, below[c.col].bbox)
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
            cells.append(_cell(ri, ci, ss, " "))
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
                owner.bbox = _union(owner.bbox, glyph_box(s.chars))
                continue
            cover = [k]
        taken.update(range(cover[0], cover[-1] + 1))
        out.append(_cell(ri, cover[0], [s], col_span=cover[-1] - cover[0] + 1))
    return out


def extend_header(dt: DetectedTable, rows: list[Row]) -> None:
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
                or any(is_value(s.text) or unit_of(s.text) or s.x1 - s.x0 > 0.6 * (x1 - x0) for s in segs)
                or CAPTION_START.match(segs[0].text)):
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


#: lines between a statement's title and its table: the balance date, the preparer
_STATEMENT_META = re.compile(
    r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?|\d{1,2}[-—–至]\d{1,2}月|度)?(?:止?年度|止)?|编制单位[:：].{0,60}"
)


def attach_caption(dt: DetectedTable, rows: list[Row], text_width: float) -> None:
    """Take the caption and unit lines just above the table into it."""
    t = dt.table
    x0, top, x1, _bottom = t.bbox
    width = x1 - x0
    ref = top
    above = [r for r in rows if r.bottom <= top + 1.0]
    for r in reversed(above[-4:]):
        lo, hi = x0 - 0.1 * width, x1 + 0.1 * width
        segs = [s for s in r.segs if not s.used and min(s.x1, hi) - max(s.x0, lo) >= 0.5 * (s.x1 - s.x0)]
        if not segs or ref - r.bottom > 2.0 * max(r.size, 6.0):
            break
        text = " ".join(s.text for s in segs)
        if t.caption is None and _STATEMENT_META.fullmatch(text.replace(" ", "")):
            ref = r.top  # a statement's date or preparer line between its title and the table
            continue
        unit = unit_of(text)
        if unit and t.unit is None:
            t.unit = unit
            whole = UNIT_RE.search(text.replace(" ", ""))
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
    if (CAPTION_START.match(text) and len(text) <= 160) or ("表" in text and len(text) <= 40):
        return True
    if len(text) > 60:
        return False
    a, b = min(s.x0 for s in segs), max(s.x1 for s in segs)
    return abs((a + b) / 2 - (x0 + x1) / 2) <= 0.12 * (x1 - x0) and (b - a) < 0.8 * text_width
