"""Tables that run across a page break, and a table as plain text."""

from __future__ import annotations

import re

from extractor.models import Table, TableCell
from extractor.parse.pdf.cells import DetectedTable, header_row_count
from extractor.parse.pdf.reading import Line
from extractor.settings import SETTINGS

_LAYOUT = SETTINGS.layout


def _row_texts(t: Table, rows: range) -> list[str]:
    cells = sorted([c for c in t.cells if c.row in rows], key=lambda c: (c.row, c.col))
    return ["".join(c.text for c in cells if c.row == r).replace(" ", "") for r in rows]


def column_map(prev_edges: list[float], nxt_edges: list[float], tol: float = _LAYOUT.continued_column_pt) -> list[tuple[int, int]] | None:
    """Where each column of a continuation falls among the columns of the table it continues:
    ``(first column, span)`` per column, or None when its edges are not among the earlier ones
    (a continuation whose spanning cells left out some inner rules has fewer columns)."""
    idx = []
    for x in nxt_edges:
        k = min(range(len(prev_edges)), key=lambda i: abs(prev_edges[i] - x))
        if abs(prev_edges[k] - x) > tol or (idx and k <= idx[-1]):
            return None
        idx.append(k)
    if idx[0] != 0 or idx[-1] != len(prev_edges) - 1:
        return None
    return [(a, b - a) for a, b in zip(idx, idx[1:], strict=False)]


def is_continuation(prev: DetectedTable, nxt: DetectedTable) -> bool:
    """Whether ``nxt`` (first on its page) continues ``prev`` (last on the page before)."""
    a, b = prev.table, nxt.table
    if b.caption and not b.caption.startswith("续"):
        return False
    if a.n_cols != b.n_cols:
        if b.n_cols > a.n_cols or b.header_rows or column_map(prev.col_edges, nxt.col_edges) is None:
            return False
    elif len(prev.col_edges) == len(nxt.col_edges):
        if any(abs(p - q) > _LAYOUT.continued_column_pt for p, q in zip(prev.col_edges, nxt.col_edges, strict=True)):
            return False
    elif a.bbox and b.bbox and (abs(a.bbox[0] - b.bbox[0]) > _LAYOUT.continued_edge_pt
                                or abs(a.bbox[2] - b.bbox[2]) > _LAYOUT.continued_edge_pt):
        return False
    if b.header_rows and b.header_rows != a.header_rows:
        return False
    if b.header_rows and _row_texts(a, range(a.header_rows)) != _row_texts(b, range(b.header_rows)):
        return False
    return True


def widen(t: Table, mapping: list[tuple[int, int]], n_cols: int) -> Table:
    """``t`` laid out on a finer column grid: column k becomes ``mapping[k]`` (start, span)."""
    cells = [c.model_copy(update={"col": mapping[c.col][0],
                                  "col_span": sum(mapping[k][1] for k in range(c.col, c.col + c.col_span))})
             for c in t.cells]
    return t.model_copy(update={"cells": cells, "n_cols": n_cols})


def merge_tables(first: Table, second: Table) -> Table:
    """``second`` appended to ``first`` (a repeated header on ``second`` is dropped)."""
    skip = second.header_rows if first.header_rows and second.header_rows == first.header_rows else 0
    cells = list(first.cells)
    for c in second.cells:
        if c.row < skip:
            continue
        cells.append(c.model_copy(update={"row": c.row - skip + first.n_rows}))
    n_rows = first.n_rows + second.n_rows - skip
    row_pages = (first.row_pages or [first.page] * first.n_rows)[: first.n_rows]
    row_pages += (second.row_pages or [second.page] * second.n_rows)[skip : second.n_rows]
    merged = first.model_copy(update={
        "pages": sorted(set(first.pages) | set(second.pages)), "cells": cells, "n_rows": n_rows, "row_pages": row_pages,
        "unit": first.unit or second.unit, "caption": first.caption or second.caption,
    })
    merged.header_rows = header_row_count(cells, n_rows, merged.n_cols) if not first.header_rows else first.header_rows
    return _join_broken_row(merged, first.n_rows)


_ITEM_NO = re.compile(r"^\s*(?:[（(]\s*([一二三四五六七八九十\d]{1,3})\s*[）)]|([一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．](?!\d))")
_CN_NO = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}


def _item_number(label: str) -> int | None:
    m = _ITEM_NO.match(label)
    if not m:
        return None
    t = m.group(1) or m.group(2)
    return int(t) if t.isdigit() else _CN_NO.get(t) if len(t) == 1 else None


def _rows_of(t: Table, lo: int, hi: int) -> list[list[str]]:
    """Rows ``lo``..``hi - 1`` of ``t`` as text (spanning cells repeated), without the whole grid."""
    out = [["" for _ in range(t.n_cols)] for _ in range(lo, hi)]
    for c in t.cells:
        if c.row >= hi or c.row + c.row_span <= lo:  # the many cells elsewhere, passed over at once
            continue
        for r in range(max(c.row, lo), min(c.row + c.row_span, hi)):
            for k in range(c.col, min(c.col + c.col_span, t.n_cols)):
                out[r - lo][k] = c.text
    return out


def _join_broken_row(t: Table, at: int) -> Table:
    """A row cut by the page break: between items numbered k and k+1, the unnumbered first row of
    the second part continues the label of the last row of the first (1.重新计量设定受益计 /
    划净负债或净资产的变动)."""
    if at < 1 or at + 1 >= t.n_rows:
        return t
    before, cut, after = _rows_of(t, at - 1, at + 2)
    k, nxt = _item_number(before[0]), _item_number(after[0])
    if k is None or nxt != k + 1 or not cut[0].strip() or _item_number(cut[0]) is not None:
        return t
    if any(a.strip() and b.strip() for a, b in zip(before[1:], cut[1:], strict=True)):
        return t  # both parts hold figures in one column: two rows after all
    cells = []
    for c in t.cells:
        if c.row == at - 1 and c.col == 0:
            c = c.model_copy(update={"text": c.text + cut[0].strip()})
        elif c.row == at and (c.col == 0 or not c.text.strip()):
            continue
        elif c.row == at:
            c = c.model_copy(update={"row": at - 1})
        elif c.row > at:
            c = c.model_copy(update={"row": c.row - 1})
        cells.append(c)
    pages = t.row_pages[:at] + t.row_pages[at + 1:] if t.row_pages else []
    return t.model_copy(update={"cells": cells, "n_rows": t.n_rows - 1, "row_pages": pages})


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




def merge_continued(pages: list[list[Line | DetectedTable]]) -> None:
    """Join a table that ends one page with the table that opens the next (in place)."""
    open_dt: DetectedTable | None = None
    for items in pages:
        if open_dt is not None and items and isinstance(items[0], DetectedTable) and is_continuation(open_dt, items[0]):
            nxt = items.pop(0)
            second = nxt.table
            if second.n_cols != open_dt.table.n_cols:
                second = widen(second, column_map(open_dt.col_edges, nxt.col_edges), open_dt.table.n_cols)
                nxt.col_edges = open_dt.col_edges
            open_dt.table = merge_tables(open_dt.table, second)
            open_dt.col_edges = nxt.col_edges
            if not items:
                continue
        last = items[-1] if items else None
        open_dt = last if isinstance(last, DetectedTable) else None
