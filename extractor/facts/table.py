"""Facts from table cells.

A table is read row by row. Header rows set what each column means, and a header row
in the middle of a table (a second block: 本报告期末 | 上年度末, or 股东名称 | 持有无限售条件
股份数量) replaces them for the rows below; a row holding one label alone (流动资产：,
前10名股东持股情况, 每股指标(元)) opens a section, whose unit applies to its rows. Each
numeric cell of a data row is one fact:

* metric — the nearest label to its left (numbering, 其中：, sign notes dropped), with the
  column header unless that only says when; a label beside a figure (股东总数 | 79,053) names it;
* unit — from the header, the row label, the section, or the table's unit line;
* period — from the column header (years, 2023E, statement words 本期 / 上年同期 / 期初 …, see
  :mod:`.columns`), else the row label, the caption, the report's period, the document's;
* region — the row's entity (a 股东名称 column), a place among its labels or in the caption,
  else the company the report is about, else the document's home place.
"""

from __future__ import annotations

import re

from extractor.facts.columns import (
    ColumnPeriod,
    change_only,
    change_words,
    clean_label,
    column_period,
    count_item,
    count_unit,
    growth_item,
    holder_re,
    is_comparison,
    is_period_header,
    is_subject_header,
    ratio_item,
    relative_item,
    scope_of,
    strip_numbering,
)
from extractor.facts.context import DocContext
from extractor.facts.cues import cues, kind_for, percent_kind
from extractor.facts.numbers import find_numbers, range_bounds
from extractor.facts.periods import find_periods
from extractor.facts.regions import gazetteer, resolve
from extractor.models import Fact, NumberMention, Table
from extractor.patterns import alternation, load

_NUMERIC = re.compile(r"^[-−+]?\d[\d,]*(?:\.\d+)?\s*%?$")
_WORDS = load("cues.yml")["table"]
_PCT_HEADER = re.compile(alternation(_WORDS["percent_headers"]))
_TARGET_CAPTION = re.compile(alternation(_WORDS["target_captions"]))
_CAPTION_NOISE = re.compile(f"({'|'.join(_WORDS['caption_noise'])}|[（(].*?[）)])")
_NONE_CELL = re.compile(r"^(?:[-—–−/－]{1,3}|N/?A|n\.?a\.?|" + alternation(_WORDS["none_cells"]) + ")$")
_NOT_UNIT = re.compile(r"[+±]|^[-/]+$|^[一二三四五六七八九十\d]+$|" + alternation(_WORDS["not_units"]))
_UNIT_PREFIX = re.compile(f"^(?:{alternation(_WORDS['unit_prefixes'])})[:：]?|[（()）\\s]")
_UNIT_IN_HEADER = re.compile(r"[（(](?:单位[:：]?)?([^）)]{1,8})[）)]|单位[:：]\s*(\S{1,6})")
_PROSE = re.compile(r"[，。；,;]")
_YEARISH = re.compile(r"(?:19|20)\d{2}\s*(?:[AEFP]|年(?:度|末)?)?")
_RANGE = re.compile(r"[-+]?\d[\d.]*%?[-—–~～至到][-+]?\d[\d.]*%?")
_MEASURE_WORD = re.compile(r"[\u4e00-\u9fff]")


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text.replace(" ", "")))


def _valueish(text: str) -> bool:
    """A cell that holds a figure or stands for none (``-``, ``N/A``)."""
    t = text.replace(" ", "").replace(",", "")
    return _is_numeric(t) or bool(_NONE_CELL.match(t)) or bool(_RANGE.fullmatch(t))


def is_prose(text: str) -> bool:
    """A cell of running text (an explanation column): read as sentences, not as a figure."""
    t = text.strip()
    return len(t) >= 20 and bool(_PROSE.search(t))


def prose_cells(table: Table) -> list[tuple[int, int, str]]:
    """``(row, col, text)`` of the cells of running text below the header, each once."""
    out, seen = [], set()
    for c in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if c.row >= table.header_rows and is_prose(c.text) and c.text not in seen:
            seen.add(c.text)
            out.append((c.row, c.col, c.text))
    return out


def cell_holder(text: str, pos: int) -> str | None:
    """The holder a clause of running text names before ``pos`` (股东“南京方凯企业管理有限公司”
    通过…持有3,789,500股): the figure is about that holder."""
    start = max(text.rfind(p, 0, pos) for p in "。；;") + 1
    hits = list(holder_re().finditer(text, start, pos))
    return hits[-1].group(1) if hits else None


def row_page(table: Table, row: int) -> int | None:
    """The page a row of ``table`` is printed on."""
    if 0 <= row < len(table.row_pages):
        return table.row_pages[row]
    return table.page


class _Columns:
    """Column roles fixed for the whole table: row numbers, units, labels."""

    def __init__(self, grid: list[list[str]], h: int, n_cols: int) -> None:
        words = _WORDS
        data = grid[h:]
        heads = [_column_header(grid, h, c) for c in range(n_cols)]
        self.rowno = {
            c for c, hd in enumerate(heads)
            if hd.startswith(tuple(words["rowno_headers"])) or _is_sequence(data, c)
            or any(w in hd for w in words["code_headers"]) or _is_code_column(data, c)
        }
        self.unit = {c for c, hd in enumerate(heads) if hd.startswith(tuple(words["unit_headers"]))}
        self.label: set[int] = set()
        self.year: set[int] = set()  # a column of years down the rows (年份 | 2023 / 2022 …): labels, each row's period
        self.numeric = {c for c in range(n_cols) if any(_valueish(r[c]) for r in data)}
        # judge the columns on the data rows alone, not on header rows and section titles between them
        data = [r for r in data if _row_role(r, self) == "data"] or data
        self.numeric = set()
        for c in range(n_cols):
            if c in self.rowno | self.unit:
                continue
            filled = [r[c].strip() for r in data if r[c].strip()]
            if len(filled) >= 2 and all(_YEARISH.fullmatch(t) for t in filled):
                self.year.add(c)
                self.label.add(c)
                continue
            numeric = sum(_valueish(t) for t in filled)
            if filled and numeric <= len(filled) // 3:
                self.label.add(c)
            if numeric:
                self.numeric.add(c)


def _row_role(row: list[str], cols: _Columns) -> str:
    """``data``, ``header`` (labels over the figure columns, no figures) or ``section`` (one label alone)."""
    texts = [t.strip() for t in _dedupe_spans(row) if t.strip()]
    if any(_valueish(t) and not _YEARISH.fullmatch(t) for t in texts) or any(is_prose(t) for t in texts):
        return "data"
    if len(texts) == 1:
        return "section"
    over = [c for c in cols.numeric if row[c].strip()]
    if len(texts) >= 2 and over and all(len(t) <= 40 for t in texts):
        return "header"
    return "data"


def table_facts(table: Table, table_index: int, ctx: DocContext) -> list[Fact]:
    """One fact per numeric cell of a table's data rows."""
    grid = table.grid()
    h = max(0, min(table.header_rows, len(grid)))
    if not grid or h >= len(grid):
        return []
    return _Reader(table, table_index, grid, h, ctx).facts()


class _Reader:
    """Reads one table top to bottom, keeping the headers, section and units in force."""

    def __init__(self, table: Table, index: int, grid: list[list[str]], h: int, ctx: DocContext) -> None:
        self.table, self.index, self.grid, self.h, self.ctx = table, index, grid, h, ctx
        self.cols = _Columns(grid, h, table.n_cols)
        self.headers = [_column_header(grid, h, c) for c in range(table.n_cols)]
        caption = table.caption or ""
        periods = find_periods(caption, ctx.year)
        self.cap_period = next((p.period for p in periods if p.kind in ("explicit", "relative", "span")), None)
        places = [p for p in gazetteer().find(caption) if p.level != "org"]
        self.cap_region = resolve(places[0], ctx) if places else None
        self.cap_subject = _caption_subject(caption, places, periods)
        self.scope = scope_of(caption)
        self.is_target = ctx.is_plan or bool(_TARGET_CAPTION.search(caption))
        self.head_unit = self._head_unit()
        self.section_unit: str | None = None
        self.last_item = ""
        self._periods: dict[str, ColumnPeriod] = {}

    def _head_unit(self) -> str | None:
        """A unit in the header over the label column names the unit of the block (利润表(百万元),
        or a header that is a unit alone: 百万元)."""
        heads = [self.headers[c] for c in sorted(self.cols.label)]
        return _label_unit(heads) or next((u for u in map(_bare_unit, heads) if u), None)

    def period_of(self, text: str) -> ColumnPeriod:
        if text not in self._periods:
            self._periods[text] = column_period(text, self.ctx)
        return self._periods[text]

    def facts(self) -> list[Fact]:
        out: list[Fact] = []
        stacking = False
        for r in range(self.h, len(self.grid)):
            row = self.grid[r]
            role = _row_role(row, self.cols)
            if role == "header":
                new = [t.strip() for t in row]
                # a line of labels with no period under dated columns (评级 | 增持 | 增持) qualifies them
                keep = not any(self.period_of(t).period for t in new if t) and any(
                    self.period_of(t).period for t in self.headers if t)
                self.headers = [_stack(a, b) for a, b in zip(self.headers, new, strict=True)] if stacking or keep else new
                self.head_unit = self._head_unit()
                stacking = True
                continue
            stacking = False
            if role == "section":
                section = next(t for t in row if t.strip())
                unit = _label_unit([section])
                self.section_unit = unit or (self.section_unit if section.endswith(("：", ":")) else None)
                continue
            out.extend(self.row_facts(r, row))
        return out

    def row_region(self, row: list[str]) -> tuple[str | None, str | None, str, list[int]]:
        """Whom a row is about: ``(entity, region, region_source, named columns)``. The entity is
        the row's holder or company (a 股东名称 column); else a place among its labels, the
        caption's place, the company the report is about, the document's home place. The named
        columns say who, when or how (entity, place, unit, number, year): not the row's item."""
        cols, ctx = self.cols, self.ctx
        entity_cols = [c for c in sorted(cols.label) if is_subject_header(self.headers[c]) and row[c].strip()]
        entity = row[entity_cols[0]].strip() if entity_cols else None
        region, region_source = (entity, "table") if entity else (None, "table")
        named = entity_cols + sorted(cols.unit | cols.rowno | cols.year)
        for c in sorted(cols.label):
            place = gazetteer().lookup(row[c]) if row[c].strip() and c not in named else None
            if place is not None and place.level != "org":
                named.append(c)
                if region is None:
                    region = resolve(place, ctx)
        if region is None:
            region, region_source = (self.cap_region, "table") if self.cap_region else (ctx.subject or ctx.region, "document")
        return entity, region, region_source, named

    def metric_of(self, item: str, header: str, left_col: int | None, entity: str | None) -> str:
        """A cell's metric: its row's item with what the column header adds; in a holder's row
        the column says what, and a category beside the holder (人民币普通股) qualifies it."""
        header_words = "" if is_period_header(header) else _header_metric(header, self.ctx.year)
        if entity:
            same_group = left_col is not None and self.headers[left_col].split("/")[0] == header.split("/")[0]
            metric = (header_words or item) + (f"（{item}）" if header_words and item and same_group else "")
        else:
            metric = item + header_words if header_words not in item else item
        if metric and self.scope and not metric.startswith(self.scope):
            metric = self.scope + metric
        return metric

    def row_facts(self, r: int, row: list[str]) -> list[Fact]:
        cols = self.cols
        entity, region, region_source, named = self.row_region(row)
        row_unit = next((row[c] for c in sorted(cols.unit) if row[c].strip()), None)
        row_text = " ".join(_dedupe_spans(row))
        out: list[Fact] = []
        seen_spans: set[str] = set()
        first_value = next((c for c in range(self.table.n_cols) if c not in cols.label and row[c].strip()), None)
        for c in range(self.table.n_cols):
            cell = row[c].strip()
            if c in cols.rowno or c in cols.unit or c in cols.year or not cell:
                continue
            left_col = _left_label(row, c, named)
            if c in cols.label and (self.headers[c] or left_col is None or not _valueish(cell)):
                continue  # a label column's figure counts only as the value beside a key (股东总数 | 79,053)
            span = _spans(self.table, r, c)
            if is_prose(cell) or (span and cell in seen_spans):
                continue
            if span:
                seen_spans.add(cell)
            left = row[left_col].strip() if left_col is not None else ""
            header = self.headers[c]
            unit_hint = row_unit or _label_unit([left]) or self.section_unit or self.table.unit or self.head_unit
            item = clean_label(_UNIT_IN_HEADER.sub("", left)) or self.cap_subject or ""
            if change_only(item) and self.last_item:  # 营业收入 / (+/-)YOY(%): the change of the item above
                item = self.last_item + change_words(item)
            elif item and c == first_value:
                self.last_item = item
            row_year = next((row[k].strip() for k in sorted(cols.year) if row[k].strip()), "")
            period, period_source, modality = self.cell_period(header, left or row_year, span)
            if row_year and not _YEARISH.fullmatch(header.strip() or "-"):
                period, period_source = self.period_of(row_year).period or period, "table"
            metric = self.metric_of(item, header, left_col, entity)
            for mention, unit_text in _cell_facts(cell, header, unit_hint, self.table.unit):
                kind, unit_norm = _kind(mention, header, item)
                if kind == "count" and unit_norm != mention.unit_norm:
                    unit_text = unit_norm  # the item's own measure word over the table's
                for b in range_bounds(mention):  # a range cell is two facts: its low and its high bound
                    out.append(Fact(
                        page=row_page(self.table, r), sentence=row_text, quote=cell if b is mention else b.quote,
                        value=b.value, unit=unit_text, value_norm=b.value_norm, unit_norm=unit_norm, kind=kind,
                        qualifier=b.qualifier,
                        modality="target" if self.is_target else (modality or "actual"),
                        region=region, region_source=region_source if region else None,
                        period=period, period_source=period_source if period else None,
                        metric=metric or None, low=mention.low, high=mention.high, method="table",
                        table_index=self.index, table_row=r, table_col=c,
                    ))
        return out

    def cell_period(self, header: str, left: str, span: list[int]) -> tuple[str | None, str, str | None]:
        """A cell's period, where it came from, and what the header says of its modality."""
        ctx = self.ctx
        col = self.period_of(header) if header else ColumnPeriod(None)
        period = col.period
        if span and len(span) > 1:  # one figure across several year columns: the span
            ys = [p[0].year for p in (find_periods(self.headers[k], ctx.year) for k in span) if p and p[0].year]
            if len(ys) >= 2:
                period = f"{min(ys)}/{max(ys)}"
        if period is None and left:
            period = self.period_of(left).period
        if period is None and self.cap_period:
            period = self.cap_period
        if period is not None:
            return period, "table", col.modality
        return ctx.report_period or ctx.period, "document", col.modality


def _kind(mention: NumberMention, header: str, item: str) -> tuple[str, str | None]:
    """A cell's kind and normalised unit. Percentages go by the column (增减 → growth) and the
    item: a margin or ratio (毛利率) is ``other``, its change (增减 of 毛利率) and a return
    relative to a benchmark (相对涨幅) are percentage points."""
    unit = mention.unit_norm
    if unit == "%":
        if relative_item(item) or relative_item(header):
            return "pp_change", "pp"
        if growth_item(header):
            return ("pp_change", "pp") if ratio_item(item) else ("growth", unit)
        if ratio_item(item) or ratio_item(header):
            return "other", unit
        if growth_item(item):
            return "growth", unit
        return percent_kind(f"{item} {header}"), unit
    kind = kind_for(mention, mention.quote)
    if kind == "other" and unit is None and (count_item(item) or count_item(header)):
        kind = "count"
    if kind == "count" and count_unit(item):
        return kind, count_unit(item)
    return kind, unit


def _left_label(row: list[str], c: int, skip: list[int]) -> int | None:
    """The column of the nearest text cell left of ``c`` (the row's item, or a key beside its
    value); cells in ``skip`` name who (a holder, a place) or a unit, not the item."""
    for k in range(c - 1, -1, -1):
        t = row[k].strip()
        if t and k not in skip and not _valueish(t) and not is_prose(t):
            return k
    return None


def _stack(upper: str, lower: str) -> str:
    """Two header lines over one column: both, the upper once (质押或冻结情况/数量)."""
    if not upper or upper == lower:
        return lower
    if not lower:
        return upper
    return f"{upper}/{lower}"


def _cell_facts(cell: str, header: str, row_unit: str | None, table_unit: str | None) -> list[tuple[NumberMention, str]]:
    """The figures of one cell, read with the unit that governs it (a range gives its bounds)."""
    compact = cell.replace(" ", "").replace(",", "")
    if _is_numeric(compact):
        if compact.endswith("%"):
            unit = "%"
        elif _PCT_HEADER.search(header):
            unit = "%"
        else:
            unit = _label_unit([header]) or row_unit or table_unit
        text = compact if compact.endswith("%") or not unit else compact + unit
        mentions = find_numbers(text)
        if len(mentions) == 1:
            return [(mentions[0], (unit if not compact.endswith("%") else "%"))]
        if not mentions and unit and _MEASURE_WORD.fullmatch(unit):
            bare = find_numbers(compact)  # a count in the table's measure word (单位：股)
            if len(bare) == 1 and bare[0].unit is None:
                return [(bare[0].model_copy(update={"quote": cell, "unit": unit, "unit_norm": unit}), unit)]
        return []
    mentions = find_numbers(cell)
    if mentions and all(m.unit for m in mentions):
        return [(m, m.unit) for m in mentions]
    unit = "%" if _PCT_HEADER.search(header) else _label_unit([header]) or row_unit or table_unit
    if _RANGE.fullmatch(compact) and unit:  # 21.60-97.40 under a unit label
        mentions = find_numbers(compact + unit)
        return [(m, m.unit) for m in mentions if m.unit]
    return []


def _bare_unit(text: str) -> str | None:
    """A header that is only a unit (百万元, 人民币百万元, 亿元): that unit."""
    t = _UNIT_PREFIX.sub("", text)
    if not t or len(t) > 6:
        return None
    m = find_numbers("1" + t)
    if len(m) == 1 and m[0].quote.replace(" ", "") == "1" + t and m[0].unit:
        return t if m[0].unit_norm in cues()["money"] | cues()["physical"] else None  # not a counted noun (地市)
    return None


def _label_unit(labels: list[str]) -> str | None:
    """A unit written in a row label: 营业收入（元）, 航空货邮吞吐量(万吨), 每股指标(元)."""
    for lab in reversed(labels):
        for m in _UNIT_IN_HEADER.finditer(strip_numbering(lab)):
            unit = (m.group(1) or m.group(2)).strip()
            if unit and not _NOT_UNIT.search(unit):
                return unit
    return None


def _column_header(grid: list[list[str]], h: int, c: int) -> str:
    parts: list[str] = []
    for r in range(h):
        t = grid[r][c].strip()
        if t and t not in parts:
            parts.append(t)
    return "/".join(parts)


def _is_sequence(data: list[list[str]], c: int) -> bool:
    vals = [r[c].strip() for r in data]
    if len(vals) < 3 or not all(v.isdigit() for v in vals if v):
        return False
    nums = [int(v) for v in vals if v]
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


def _is_code_column(data: list[list[str]], c: int) -> bool:
    """Cells with leading zeros (000998, 01) are codes, not quantities."""
    vals = [r[c].strip() for r in data if r[c].strip()]
    if not vals:
        return False
    zero_led = sum(bool(re.fullmatch(r"0\d+", v)) for v in vals)
    return zero_led >= max(1, len(vals) // 4)


def _spans(table: Table, r: int, c: int) -> list[int]:
    for cell in table.cells:
        if cell.row <= r < cell.row + cell.row_span and cell.col <= c < cell.col + cell.col_span:
            return list(range(cell.col, cell.col + cell.col_span)) if cell.col_span > 1 else []
    return []


def _dedupe_spans(row: list[str]) -> list[str]:
    out: list[str] = []
    for t in row:
        if t and (not out or out[-1] != t):
            out.append(t)
    return out


def _header_metric(header: str, year: int | None) -> str:
    """What a column header says the figures are, its periods and units dropped; a comparison
    (本报告期比上年同期增减) is kept whole."""
    text = header
    if not is_comparison(header):
        for p in sorted(find_periods(header, year), key=lambda p: -p.start):
            text = text[: p.start] + text[p.end :]
    text = _UNIT_IN_HEADER.sub("", text)
    text = re.sub(r"[%％/]|单位", "", text)
    return text.strip()


def _caption_subject(caption: str, places, periods) -> str:
    text = caption
    spans = sorted([(p.start, p.end) for p in places] + [(p.start, p.end) for p in periods], reverse=True)
    for a, b in spans:
        text = text[:a] + text[b:]
    text = re.sub(r"^(?:附?表|图表?)\s*[\d.\-－—]+[：:\s]*", "", text)
    text = _CAPTION_NOISE.sub("", text)
    return text.strip(" 　:：")
