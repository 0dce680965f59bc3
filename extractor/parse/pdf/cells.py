"""What a table cell holds (a value, a year label, a dash), header rows, unit lines; the detected-table record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.models import Table, TableCell
from extractor.parse.pdf.layout import Seg
from extractor.patterns import alternation, load

_WORDS = load("parse.yml")["pdf"]


@dataclass(eq=False)
class DetectedTable:
    """A table plus the geometry needed to place it and merge continuations."""

    table: Table
    col_edges: list[float]
    consumed: list[Seg] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.table.bbox[1] if self.table.bbox else 0.0


_NUM_RE = re.compile(
    r"[-+−–]?[(（]?[-+−]?[$¥￥]?\d[\d,，]*(?:\.\d+)?[)）]?(?:%|‰|pp|倍)?|[-—–]{1,2}|/|N/?A|n\.?a\.?"
)


_YEAR_RE = re.compile(r"(?:19|20)\d{2}(?:\s*年.*|[AEFPQHM]\w*|\s*[-/—–]\s*\d+.*)?")


UNIT_RE = re.compile(
    r"[（(]?\s*(?:" + alternation(_WORDS["unit_label_prefixes"]) + r")?单位\s*[:：]\s*([^（）()]{1,20}?)\s*[）)]?\s*$"
)


CAPTION_START = re.compile(r"^(?:" + alternation(_WORDS["caption_starts"]) + r")\s*[\dA-Za-z一二三四五六七八九十]")


def is_numeric(text: str) -> bool:
    """A cell holding a number (or a dash standing for none)."""
    t = text.replace(" ", "")
    return bool(t) and bool(_NUM_RE.fullmatch(t))


def is_value(text: str) -> bool:
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
            return bool(over) and not any(is_value(c.text) for c in over)
        return not any(is_value(c.text) for c in row)

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


def unit_of(text: str) -> str | None:
    """The unit named by a "单位：亿元" / "（单位：人民币亿元）" line, else None."""
    m = UNIT_RE.search(text.replace(" ", ""))
    if not m:
        return None
    unit = m.group(1).strip("，,。；; ")
    if unit.startswith("人民币") and len(unit) > 3:
        unit = unit[3:]
    return unit or None
