"""Unruled tables: rows of numbers aligned in columns, their headers and captions."""

from __future__ import annotations

from extractor.models import Table, TableCell
from extractor.parse.pdf.cells import (
    CAPTION_START,
    UNIT_RE,
    DetectedTable,
    header_row_count,
    is_numeric,
    is_value,
    unit_of,
)
from extractor.parse.pdf.layout import Row, Seg


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
        dt = _build_aligned(rows, i, group, page_number) if len(group) >= 3 else None
        if dt:
            out.append(dt)
        i = j
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
        if not segs or ref - r.bottom > 1.8 * max(r.size, 6.0):
            break
        text = " ".join(s.text for s in segs)
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
