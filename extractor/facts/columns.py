"""What the headers and labels of a table say: the period of a statement column (本期,
上年同期, 期初, 2023E), whether a column names who each row is about (股东名称), and the
item a row label names once its numbering and sign notes are gone.

The words are data, in ``patterns/statements.yml``; periods are resolved against the
report's own period (:attr:`~extractor.facts.context.DocContext.report_period`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.facts.context import DocContext
from extractor.facts.periods import find_periods, shift_year
from extractor.patterns import alternation, load


def _alt(words: Iterable[str]) -> str:
    return alternation(words, longest_first=True)


@cache
def _words() -> dict[str, Any]:
    data = load("statements.yml")
    window = data["trailing_windows"]
    classes = {w: cls for cls, ws in data["statement_columns"].items() for w in ws}
    suffix = data["year_suffix"]
    marks = {w: "forecast" for w in suffix["forecast"]} | {w: "actual" for w in suffix["actual"]}
    return {
        "col_re": re.compile(_alt(classes)),
        "classes": classes,
        "year_re": re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(" + _alt(marks) + r")(?![A-Za-z])"),
        "marks": marks,
        "subject_headers": tuple(sorted(data["subject_headers"], key=len, reverse=True)),
        "prefix_re": re.compile(
            r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d)|"
            + _alt(data["label_prefixes"]) + r")\s*"
        ),
        "note_re": re.compile(r"[（(][^（）()]*(?:" + _alt(data["label_notes"]) + r")[^（）()]*[）)]"),
        "scope_re": re.compile(_alt(data["statement_scopes"])),
        "ratio_re": re.compile(_alt(data["ratio_items"])),
        "growth_re": re.compile(_alt(data["growth_items"])),
        "relative_re": re.compile(_alt(data["relative_items"])),
        "change_names": data["change_names"],
        "count_units": data["count_units"],
        "count_re": re.compile(r"(?:" + _alt(data["count_items"]) + r")$"),
        "holder_re": re.compile(r"(?:" + _alt(data["holder_roles"]) + r")\s*[“\"「『]([^”\"」』]{2,60})[”\"」』]"),
        # a trailing window ending at the document's date: 1M, 3个月, 12M, 1Y, 52周内…
        "window_re": re.compile(
            f"(?:{_alt(window['leads'])})?(\\d{{1,2}})\\s*({_alt(window['units'])})(?:{_alt(window['tails'])}|$)"
        ),
        "window_units": window["units"],
        "period_end_re": re.compile(
            r"((?:19|20)\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?(?:" + _alt(data["balance_heads"]) + ")?"
        ),
        "period_words_re": re.compile(
            r"(?:19|20)\d{2}\s*年?(?:末|度)?|\d{1,2}\s*[-—–~至]\s*\d{1,2}\s*月|[A-Za-z]|[（()）/:：%％]|"
            + _alt(data["period_header_fillers"])
        ),
        "comparison_re": re.compile(_alt(data["comparisons"]["words"])),
        "not_comparison_re": re.compile(_alt(data["comparisons"]["not_within"])),
    }


_BARE_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:[A-Za-z]|年(?:度|末)?)?")
_QUARTER_END = {(3, 31): "Q1", (6, 30): "H1", (9, 30): "Q3"}


def _balance_date(y: int, m: int, d: int, report: str | None) -> str | None:
    """A balance dated at a period's end: the report's period when it ends then (期末 balances go
    by the report's period), the year at 12-31, else the month."""
    if report and report[:4] == str(y) and (
            (report == str(y) and (m, d) == (12, 31)) or _QUARTER_END.get((m, d)) == report[5:]):
        return report
    if (m, d) == (12, 31):
        return str(y)
    return f"{y}-{m:02d}" if 1 <= m <= 12 else None


def _trailing(n: int, unit: str, ctx: DocContext) -> str | None:
    """``n`` months (or years) up to the document's month (its date's, else its period's):
    3M in July 2022 → 2022-04/2022-07."""
    month = re.fullmatch(r"((?:19|20)\d{2})-(\d{2})", ctx.period or "")
    if ctx.year and ctx.month:
        y, m = ctx.year, ctx.month
    elif month:
        y, m = int(month.group(1)), int(month.group(2))
    else:
        return None
    length = _words()["window_units"][unit]
    back = n * 12 if length == "year" else round(n * 12 / 52) if length == "week" else n
    k = y * 12 + (m - 1) - back
    return f"{k // 12:04d}-{k % 12 + 1:02d}/{y:04d}-{m:02d}"


@dataclass(frozen=True)
class ColumnPeriod:
    """A column's period and what the header says of its figures (forecast/actual), if anything."""

    period: str | None
    modality: str | None = None


def _report_year(ctx: DocContext) -> int | None:
    rp = ctx.report_period
    return int(rp[:4]) if rp and rp[:4].isdigit() else ctx.year


def _resolve(cls: str, report: str) -> str:
    if cls == "report":
        return report
    year = int(report[:4])
    if cls == "same_last_year":
        return shift_year(report, -1)
    if cls == "previous_year":
        return str(year - 1)
    if cls == "year_to_date" and report.endswith(("-Q2", "-Q3", "-Q4")):
        months = {"Q2": 6, "Q3": 9, "Q4": 12}[report[-2:]]
        return f"{year}-01/{year}-{months:02d}" if months != 12 else str(year)
    return report


def column_period(header: str, ctx: DocContext) -> ColumnPeriod:
    """The period a column header gives its cells.

    A year or date written in the header wins (``2018年1-3月``, ``2023E`` — with E a
    forecast, A a reported year); then a statement word resolved against the report's
    period (本报告期 / 期末 → the report's period, 上年同期 → a year earlier, 期初 /
    上年度末 → the previous year); then a relative word (第一季度) in the report's year.
    """
    w = _words()
    text = header.replace(" ", "")
    if "/" in text:  # stacked header lines (2023年/金额, 2023E/买入): the line that dates it
        parts = [column_period(part, ctx) for part in text.split("/") if part]
        return next((p for p in parts if p.period), parts[0] if parts else ColumnPeriod(None))
    year = _report_year(ctx)
    refs = find_periods(text, year)
    explicit = [p for p in refs if p.kind in ("explicit", "span")]
    mark = w["year_re"].search(text)
    modality = w["marks"][mark.group(2)] if mark else None
    end = w["period_end_re"].fullmatch(text)
    if end:  # a balance date: the end of the report's period, or of a year
        return ColumnPeriod(_balance_date(int(end.group(1)), int(end.group(2)), int(end.group(3)), ctx.report_period))
    if explicit:
        return ColumnPeriod(explicit[0].period, modality)
    bare = _BARE_YEAR.fullmatch(text)
    if bare:  # a year column (2021, 2023E, 2022A)
        return ColumnPeriod(bare.group(1), modality)
    window = w["window_re"].match(text)
    if window:
        return ColumnPeriod(_trailing(int(window.group(1)), window.group(2), ctx))
    m = w["col_re"].search(text)
    current = ctx.report_period or ctx.period  # what "this period" is: the report's, else the document's
    if m and current and current[:4].isdigit():
        return ColumnPeriod(_resolve(w["classes"][m.group()], current))
    if m:
        return ColumnPeriod(None)
    relative = [p for p in refs if p.kind == "relative"]
    return ColumnPeriod(relative[0].period if relative else None, modality)


def is_period_header(header: str) -> bool:
    """Whether a header says only when (本期发生额, 期末余额, 2023E), nothing about what."""
    w = _words()
    text = w["col_re"].sub("", header.replace(" ", ""))
    text = w["period_words_re"].sub("", text)
    return not text.strip()


def is_comparison(header: str) -> bool:
    """A header comparing two periods (本报告期比上年同期增减, 较上年末变动): its periods are part
    of what it says, not when its figures are (比 inside 比重, 占比 is no comparison)."""
    w = _words()
    return bool(w["comparison_re"].search(w["not_comparison_re"].sub("", header)))


def is_subject_header(header: str) -> bool:
    """A column naming who each row is about (股东名称, 公司名称)."""
    h = header.replace(" ", "")
    return bool(h) and any(h == s or h.endswith(s) for s in _words()["subject_headers"])


def holder_re() -> re.Pattern[str]:
    """A holder named in quotes after its role (股东“X”, 持有人"X")."""
    return _words()["holder_re"]


def strip_numbering(label: str) -> str:
    """A row label without its numbering and 其中：/加：/减： (（一）基本每股收益 → 基本每股收益)."""
    w = _words()
    text = label.strip()
    prev = None
    while prev != text:
        prev = text
        text = w["prefix_re"].sub("", text).strip()
    return text


def clean_label(label: str) -> str:
    """A row label as the item it names: numbering (一、 （一） 1.), 其中：/加：/减：, sign notes
    (（亏损以“-”号填列）), a trailing % and colon dropped."""
    text = _words()["note_re"].sub("", strip_numbering(label))
    return re.sub(r"[（(]?[%％][）)]?$", "", text.strip(" ：:")).strip(" ：:")


def scope_of(caption: str | None) -> str:
    """A statement's scope word (母公司) from its title, to prefix its items."""
    m = _words()["scope_re"].search(caption or "")
    return m.group() if m else ""


def ratio_item(text: str) -> bool:
    """An item that is a margin, yield or ratio (毛利率, 净资产收益率): its percentages are ``other``."""
    return bool(_words()["ratio_re"].search(text))


def change_words(item: str) -> str:
    """A change label in the words statements use for it elsewhere ((+/-)YOY(%) → 同比增长)."""
    text = re.sub(r"[()（）+\-/±%％:：\s]", "", item)
    return _words()["change_names"].get(text, text)


def change_only(item: str) -> bool:
    """A label that names only a change (YOY, (+/-)同比, 增长率): the change of the item above it."""
    rest = _words()["growth_re"].sub("", item)
    return rest != item and not re.sub(r"[()（）+\-/±%％:：\s]", "", rest)


def relative_item(text: str) -> bool:
    """A return measured against a benchmark (相对涨幅, 超额收益): its percentages are points."""
    return bool(_words()["relative_re"].search(text))


def growth_item(text: str) -> bool:
    """An item or header that is a change over time (YOY, 增长率, 增减)."""
    return bool(_words()["growth_re"].search(text))


def count_unit(item: str) -> str | None:
    """The measure word a counted item implies (报告期末普通股股东总数 → 户), if any."""
    units = _words()["count_units"]
    return next((units[k] for k in sorted(units, key=len, reverse=True) if item.strip().endswith(k)), None)


def count_item(text: str) -> bool:
    """An item that counts (股东总数, 员工人数): a bare figure under it is a count."""
    return bool(_words()["count_re"].search(text.strip()))
