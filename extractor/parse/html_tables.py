"""Data tables of a web page (``<table>``) → :class:`Table`, with spans, header rows and unit."""

from __future__ import annotations

import re

from lxml import etree

from extractor.models import Table, TableCell
from extractor.parse.normalize import normalize_text

_WS_RE = re.compile(r"\s+")


_UNIT_RE = re.compile(r"单位\s*[:：]\s*([^\s，,。；;)）]+)")


def _unit(*texts: str | None) -> str | None:
    for t in texts:
        m = _UNIT_RE.search(t or "")
        if m:
            return m.group(1)
    return None


def _cell_text(cell: etree._Element) -> str:
    for br in cell.iter("br"):
        br.tail = " " + (br.tail or "")
    return normalize_text(_WS_RE.sub(" ", cell.text_content()))


def _span(cell: etree._Element, attr: str, limit: int) -> int:
    try:
        return max(1, min(int(re.sub(r"\D", "", cell.get(attr, "1")) or 1), limit))
    except ValueError:
        return 1


def build_table(t: etree._Element, before: list[str], after: str | None) -> Table | None:
    """A :class:`Table` from a data <table>; ``before`` (nearest first) and ``after`` are
    the text lines around it, where its caption and 单位 line may be.
    """
    rows = [tr for tr in t.iter("tr") if any(c.tag in ("td", "th") for c in tr)]
    grid: list[list[tuple[etree._Element, int, int, int, int]]] = []
    taken: set[tuple[int, int]] = set()
    for r, tr in enumerate(rows):
        placed, c = [], 0
        for cell in (x for x in tr if x.tag in ("td", "th")):
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan", len(rows) - r), _span(cell, "colspan", 200)
            taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
            placed.append((cell, r, c, rs, cs))
            c += cs
        grid.append(placed)
    n_cols = max((c for _, c in taken), default=-1) + 1
    caption_el = t.find("caption")
    caption = _cell_text(caption_el) if caption_el is not None else None
    notes: list[str] = []
    # Full-width single-cell rows at the top (a title) or bottom (a note) are not data.
    while len(grid) > 2 and len(grid[0]) == 1 and grid[0][0][4] == n_cols:
        text = _cell_text(grid[0][0][0])
        caption = caption or (text if not _UNIT_RE.match(text) else None)
        notes.append(text)
        grid = grid[1:]
    while len(grid) > 2 and len(grid[-1]) == 1 and grid[-1][0][4] == n_cols:
        notes.append(_cell_text(grid[-1][0][0]))
        grid = grid[:-1]
    if len(grid) < 2 or n_cols < 2:
        return None
    for line in before:
        if caption or not line or len(line) > 60 or line[-1] in "。，；：:,;":
            break
        if not _UNIT_RE.match(line):
            caption = line
    offset = grid[0][0][1] if grid[0] else 0
    cells = [
        TableCell(row=r - offset, col=c, text=_cell_text(el), row_span=min(rs, len(grid) - (r - offset)), col_span=cs)
        for placed in grid
        for el, r, c, rs, cs in placed
    ]
    header = 0
    for tr, placed in zip(rows[offset:], grid, strict=False):
        if tr.getparent().tag == "thead" or (placed and all(el.tag == "th" for el, *_ in placed)):
            header += 1
        else:
            break
    if header == 0:
        header = max((c.row_span for c in cells if c.row == 0), default=1)
    n_rows = len(grid)
    return Table(
        caption=caption,
        unit=_unit(caption, *notes, *before, after),
        header_rows=min(header, n_rows),
        n_rows=n_rows,
        n_cols=n_cols,
        cells=cells,
        method="html",
    )
