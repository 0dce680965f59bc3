"""Tables that run across a page break, and a table as plain text."""

from __future__ import annotations

from extractor.models import Table, TableCell
from extractor.parse.pdf.cells import DetectedTable, header_row_count
from extractor.parse.pdf.reading import Line
from extractor.settings import SETTINGS

_LAYOUT = SETTINGS.layout


def _row_texts(t: Table, rows: range) -> list[str]:
    cells = sorted((c for c in t.cells if c.row in rows), key=lambda c: (c.row, c.col))
    return ["".join(c.text for c in cells if c.row == r).replace(" ", "") for r in rows]


def is_continuation(prev: DetectedTable, nxt: DetectedTable) -> bool:
    """Whether ``nxt`` (first on its page) continues ``prev`` (last on the page before)."""
    a, b = prev.table, nxt.table
    if a.n_cols != b.n_cols or (b.caption and not b.caption.startswith("续")):
        return False
    if len(prev.col_edges) == len(nxt.col_edges):
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




def merge_continued(pages: list[list[Line | DetectedTable]]) -> None:
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
