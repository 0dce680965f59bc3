"""Ruled tables: cells enclosed by drawn lines, merged cells, split tables."""

from __future__ import annotations

import bisect

from extractor.models import Box, Table, TableCell, union_box
from extractor.parse.pdf.cells import (
    UNIT_RE,
    DetectedTable,
    header_row_count,
    is_numeric,
    unit_of,
)
from extractor.parse.pdf.layout import Ch, PageGeometry, cell_text, glyph_box
from extractor.settings import SETTINGS


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


Rule = tuple[float, float, float]  # (position across, start, end along): (top, x0, x1) or (x0, top, bottom)


def merge_rules(rules: list[Rule], tol: float) -> list[Rule]:
    """pdfplumber's ``merge_edges`` for rules of one orientation, on tuples: positions within
    ``tol`` of one another snap to their mean (``p + (mean - p)``, as pdfplumber moves an
    edge), then rules on one line join where less than ``tol`` apart; the same numbers in the
    same order, without a dict per edge."""
    if not rules:
        return []
    snapped = _snap(rules, tol) if tol > 0 else list(rules)  # pdfplumber snaps only with a tolerance
    snapped.sort(key=lambda r: r[0])  # stable: pdfplumber groups by exact position, in this order
    out: list[Rule] = []
    line: list[Rule] = []
    for r in snapped:
        if line and r[0] != line[0][0]:
            out += _join(line, tol)
            line = []
        line.append(r)
    return out + _join(line, tol)


def _snap(rules: list[Rule], tol: float) -> list[Rule]:
    """Positions within ``tol`` of the next one clustered, each moved to its cluster's mean, cluster
    by cluster (in each, the rules in their order)."""
    values = sorted(set(r[0] for r in rules))
    cluster: dict[float, int] = {}
    k, last = 0, values[0]
    for p in values:
        if p > last + tol:
            k += 1
        cluster[p] = k
        last = p
    members: list[list[Rule]] = [[] for _ in range(k + 1)]
    for r in rules:
        members[cluster[r[0]]].append(r)
    snapped = []
    for group in members:
        mean = sum(r[0] for r in group) / len(group)
        snapped += [(r[0] + (mean - r[0]), r[1], r[2]) for r in group]
    return snapped


def _join(line: list[Rule], tol: float) -> list[Rule]:
    """Rules along one line joined where the next starts at most ``tol`` after the last ends."""
    line = sorted(line, key=lambda r: r[1])
    joined = [line[0]]
    for r in line[1:]:
        pos, start, end = joined[-1]
        if r[1] <= end + tol:
            if r[2] > end:
                joined[-1] = (pos, start, r[2])
        else:
            joined.append(r)
    return joined


def _grid_boxes(page: PageGeometry, tol: float = 3.0) -> list[list[Box]]:
    """Cells enclosed by drawn lines, one list per connected grid (what pdfplumber's
    "lines" strategy finds, computed on the grid of line positions instead of corners)."""
    # a curve's slanted segments have no orientation and are no rules
    edges = page.edges
    hs = [h for h in merge_rules([(e["top"], e["x0"], e["x1"]) for e in edges if e.get("orientation") == "h"], tol)
          if h[2] - h[1] >= tol]
    vs = [v for v in merge_rules([(e["x0"], e["top"], e["bottom"]) for e in edges if e.get("orientation") == "v"], tol)
          if v[2] - v[1] >= tol]
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


def _ruled(rules: dict[int, list[tuple[float, float]]], lines: int, cuts: list[float], tol: float) -> list[list[bool]]:
    """Which rules are drawn: for each of ``lines`` grid lines, whether a rule along it (``rules``:
    its spans, by line) covers the stretch between each two ``cuts`` across it."""
    out = [[False] * (len(cuts) - 1) for _ in range(lines)]
    for i, spans in rules.items():
        over = out[i]
        for a, b in spans:
            for j in range(len(cuts) - 1):
                if a <= cuts[j] + tol and b >= cuts[j + 1] - tol:
                    over[j] = True
    return out


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

    nr, nc = len(ys) - 1, len(xs) - 1
    # h_line[i][j]: a rule along ys[i] over column j; v_line[j][i]: along xs[j] over row i
    h_line, v_line = _ruled(by_y, len(ys), xs, tol), _ruled(by_x, len(xs), ys, tol)
    parent = list(range(nr * nc))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not v_line[j + 1][i]:
                parent[find(i * nc + j)] = find(i * nc + j + 1)
            if i + 1 < nr and not h_line[i + 1][j]:
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
        closed = (all(h_line[r0][j] and h_line[r1 + 1][j] for j in range(c0, c1 + 1))
                  and all(v_line[c0][i] and v_line[c1 + 1][i] for i in range(r0, r1 + 1)))
        if closed:
            boxes.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return boxes


def side_by_side(boxes: list[Box], gap: float = 2.0) -> list[list[Box]]:
    """The blocks of a grid that stand side by side with a gap between them (two tables drawn
    next to each other, joined only by a shared rule or background), left to right."""
    spans = sorted((b[0], b[2]) for b in boxes)
    cuts: list[float] = []
    right = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > right + gap:
            cuts.append((right + x0) / 2)
        right = max(right, x1)
    if not cuts:
        return [boxes]
    parts: list[list[Box]] = [[] for _ in range(len(cuts) + 1)]
    for b in boxes:
        parts[bisect.bisect_left(cuts, (b[0] + b[2]) / 2)].append(b)
    return [p for p in parts if p]


def ruled_tables(page: PageGeometry, page_number: int, chars: list[Ch]) -> list[DetectedTable]:  # noqa: C901
    objs = len(page.rects) + len(page.lines) + len(page.curves)
    if objs < 3:
        return []
    out: list[DetectedTable] = []
    for boxes in (part for grid in _grid_boxes(page) for part in side_by_side(grid)):
        if len(boxes) < 2:
            continue
        snap = SETTINGS.layout.grid_snap_pt
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], snap)
        ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], snap)
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
            c0, c1 = _index(xs, bx0, snap), _index(xs, bx1, snap)
            r0, r1 = _index(ys, btop, snap), _index(ys, bbot, snap)
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
        cells, kept = _compact([(s, texts.get(i, ""), glyph_box(members.get(i, ())))
                                for i, s in enumerate(spans) if s is not None])
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
            m = UNIT_RE.search(caption.replace(" ", ""))
            table.caption = (caption.replace(" ", "")[: m.start()] if m else caption).strip() or None
        out.append(DetectedTable(table, col_edges))
    return out


def _compact(raw: list[tuple[tuple[int, int, int, int], str, Box | None]]) -> tuple[list[TableCell], list[int]]:
    """Cells on the full line grid → cells on the grid of rows/columns that hold text.

    Also returns the line-grid indices of the columns kept.
    """
    rows_used: set[int] = set()
    cols_used: set[int] = set()
    for (r, c, _rs, _cs), text, _box in raw:
        if text:
            rows_used.add(r)
            cols_used.add(c)
    if not rows_used:
        return [], []
    max_r = max(r + rs for (r, _c, rs, _cs), _t, _b in raw)
    max_c = max(c + cs for (_r, c, _rs, cs), _t, _b in raw)
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
    for (r, c, rs, cs), text, box in raw:
        if r not in rows_used or c not in cols_used:
            continue
        nr, nc = rmap[r], cmap[c]
        if (nr, nc) in seen:
            continue
        seen.add((nr, nc))
        cells.append(TableCell(
            row=nr, col=nc, text=text,
            row_span=max(1, rmap[r + rs] - nr), col_span=max(1, cmap[c + cs] - nc), bbox=box,
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
                        merged[key] = merged[key].model_copy(update={
                            "text": merged[key].text + nc.text, "bbox": union_box(
                                [b for b in (merged[key].bbox, nc.bbox) if b is not None])})
                    continue
                merged[key] = nc
            cells = sorted(merged.values(), key=lambda c: (c.row, c.col))
            kept = kept[: k + 1] + kept[k + 2:]
            n -= 1
            occ = {}
            continue
        k += 1
    return cells, n, kept
