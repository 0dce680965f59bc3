"""Facts from table cells: metric from the row and column headers, unit from the
unit line or the header, period and region from headers, row labels or caption."""

from __future__ import annotations

import re

from extractor.facts.context import DocContext
from extractor.facts.cues import kind_for, percent_kind
from extractor.facts.numbers import find_numbers
from extractor.facts.periods import find_periods
from extractor.facts.regions import gazetteer, resolve
from extractor.models import Fact, Table
from extractor.patterns import alternation, load

_NUMERIC = re.compile(r"^[-−+]?\d[\d,]*(?:\.\d+)?\s*%?$")
_WORDS = load("cues.yml")["table"]
_PCT_HEADER = re.compile(alternation(_WORDS["percent_headers"]))
_TARGET_CAPTION = re.compile(alternation(_WORDS["target_captions"]))
_CAPTION_NOISE = re.compile(f"({'|'.join(_WORDS['caption_noise'])}|[（(].*?[）)])")
_UNIT_IN_HEADER = re.compile(r"[（(](?:单位[:：]?)?([^）)]{1,8})[）)]|单位[:：]\s*(\S{1,6})")


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text.replace(" ", "")))


def table_facts(table: Table, table_index: int, ctx: DocContext) -> list[Fact]:
    """One fact per numeric cell of a table's data rows."""
    grid = table.grid()
    h = max(0, min(table.header_rows, len(grid)))
    if not grid or h >= len(grid):
        return []
    n_cols = table.n_cols
    headers = [_column_header(grid, h, c) for c in range(n_cols)]
    data = grid[h:]
    words = load("cues.yml")["table"]
    rowno_cols = {
        c for c, hd in enumerate(headers)
        if hd.startswith(tuple(words["rowno_headers"])) or _is_sequence(data, c)
        or any(w in hd for w in words["code_headers"]) or _is_code_column(data, c)
    }
    unit_cols = {c for c, hd in enumerate(headers) if hd.startswith(tuple(words["unit_headers"]))}
    label_cols = [
        c
        for c in range(n_cols)
        if c not in rowno_cols | unit_cols and sum(_is_numeric(r[c]) for r in data) <= len(data) // 3
    ]
    caption = table.caption or ""
    cap_periods = find_periods(caption, ctx.year)
    cap_period = next((p.period for p in cap_periods if p.kind in ("explicit", "relative", "span")), None)
    cap_places = [p for p in gazetteer().find(caption) if p.level != "org"]
    cap_region = resolve(cap_places[0], ctx) if cap_places else None
    cap_subject = _caption_subject(caption, cap_places, cap_periods)
    is_target = ctx.is_plan or bool(_TARGET_CAPTION.search(caption))
    facts: list[Fact] = []
    for r, row in enumerate(data, start=h):
        labels = [row[c] for c in label_cols if row[c].strip()]
        region, label_parts = None, []
        for lab in labels:
            place = gazetteer().lookup(lab)
            if place is not None and place.level != "org":
                region = resolve(place, ctx)
            else:
                label_parts.append(lab)
        row_unit = next((row[c] for c in sorted(unit_cols) if row[c].strip()), None)
        row_text = " ".join(_dedupe_spans(row))
        seen_spans: set[tuple[int, str]] = set()
        for c in range(n_cols):
            if c in rowno_cols or c in unit_cols or c in label_cols:
                continue
            cell = row[c].strip()
            if not cell or (r, cell) in seen_spans and _spans(table, r, c):
                continue
            if _spans(table, r, c):
                seen_spans.add((r, cell))
            fact = _cell_fact(cell, headers[c], row_unit or _label_unit(labels), table.unit)
            if fact is None:
                continue
            mention, unit_text = fact
            col_periods = find_periods(headers[c], ctx.year)
            period = next((p.period for p in col_periods if p.kind != "base"), None) or cap_period
            if period is None:
                period = ctx.period
            span_cell = _spans(table, r, c)
            if span_cell and len(span_cell) > 1:
                years = [find_periods(headers[k], ctx.year) for k in span_cell]
                ys = [p[0].year for p in years if p and p[0].year]
                if len(ys) >= 2:
                    period = f"{min(ys)}/{max(ys)}"
            header_words = _header_metric(headers[c], col_periods)
            subject = _UNIT_IN_HEADER.sub("", "".join(label_parts[-1:])).strip() or cap_subject or ""
            metric = (subject + header_words) if header_words not in subject else subject
            kind = percent_kind(headers[c]) if mention.unit_norm == "%" else kind_for(mention, mention.quote)
            facts.append(
                Fact(
                    page=table.page,
                    sentence=row_text,
                    quote=cell,
                    value=mention.value,
                    unit=unit_text,
                    value_norm=mention.value_norm,
                    unit_norm=mention.unit_norm,
                    kind=kind,
                    qualifier=mention.qualifier,
                    modality="target" if is_target else "actual",
                    region=region or cap_region or ctx.region,
                    period=period,
                    metric=metric or None,
                    low=mention.low,
                    high=mention.high,
                    method="table",
                    table_index=table_index,
                    table_row=r,
                    table_col=c,
                )
            )
    return facts


def _cell_fact(cell: str, header: str, row_unit: str | None, table_unit: str | None):
    """Read one cell with the unit that governs it; None when it holds no figure."""
    compact = cell.replace(" ", "").replace(",", "")
    if _is_numeric(compact):
        if compact.endswith("%"):
            unit = "%"
        elif _PCT_HEADER.search(header):
            unit = "%"
        else:
            m = _UNIT_IN_HEADER.search(header)
            unit = (m.group(1) or m.group(2)) if m else (row_unit or table_unit)
        text = compact if compact.endswith("%") or not unit else compact + unit
        mentions = find_numbers(text)
        if len(mentions) == 1:
            return mentions[0], (unit if not compact.endswith("%") else "%")
        return None
    mentions = find_numbers(cell)
    if len(mentions) == 1 and mentions[0].unit:
        return mentions[0], mentions[0].unit
    return None


def _label_unit(labels: list[str]) -> str | None:
    """A unit written in a row label: 营业收入（元）, 航空货邮吞吐量(万吨)."""
    for lab in reversed(labels):
        m = _UNIT_IN_HEADER.search(lab)
        if m:
            return m.group(1) or m.group(2)
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


def _header_metric(header: str, periods) -> str:
    text = header
    for p in sorted(periods, key=lambda p: -p.start):
        text = text[: p.start] + text[p.end :]
    text = _UNIT_IN_HEADER.sub("", text)
    text = re.sub(r"[%％/]|单位", "", text)
    return text.strip()


def _caption_subject(caption: str, places, periods) -> str:
    text = caption
    spans = sorted([(p.start, p.end) for p in places] + [(p.start, p.end) for p in periods], reverse=True)
    for a, b in spans:
        text = text[:a] + text[b:]
    text = re.sub(r"^[表图]\s*\d+[-.：:\s]*", "", text)
    text = _CAPTION_NOISE.sub("", text)
    return text.strip(" 　:：")
