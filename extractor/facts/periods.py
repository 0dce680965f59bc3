"""Find time references in text and normalise them to period strings.

Formats (see the gold README): ``2022``, ``2020-H1``, ``2020-Q2``,
``2023-01/2023-09`` (a month range), ``2023-07`` (a month), ``2005/2022`` (a span
of years). Relative words (今年, 上半年, 去年同期) come from
``patterns/periods.yml`` and resolve against a reference year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractor.patterns import alternation, load

_WORDS = load("periods.yml")
_NUMERALS = load("units.yml")["chinese_numerals"]
_CN_DIGIT = {**_NUMERALS["digits"], **_NUMERALS["places"]}  # 一 … 十 (of a quarter, a month, a day)
_PARTS = alternation(_WORDS["year_parts"])  # 上半年, 下半年, 前三季度
_WHOLE_YEAR = tuple(_WORDS["whole_year"])  # 全年
_YEAR = r"(?<![\d.])((?:19|20)\d{2})(?![\d.])\s*(?:年度?|(?=" + _PARTS + r"|第?[一二三四]季度))"
_SUB = (
    r"(" + _PARTS + r"|(?:第?[一二三四1-4])季度|"
    r"(\d{1,2})\s*月?\s*[-—–~～至到]\s*(\d{1,2})\s*月(?:份)?|(\d{1,2})\s*月(?:份)?(?:(?:\d{1,2})日)?|"
    + alternation(_WHOLE_YEAR) + r")?"
)


@dataclass(frozen=True)
class PeriodRef:
    start: int
    end: int
    period: str
    kind: str  # explicit | relative | span | base | same_last_year
    year: int | None = None


def _quarter(token: str) -> int:
    t = token.replace("第", "").replace("季度", "")
    return int(t) if t.isdigit() else _CN_DIGIT[t]


def _with_sub(year: int, sub: str | None, m1: str | None, m2: str | None, month: str | None) -> str:
    if not sub or sub in _WHOLE_YEAR:
        return str(year)
    if sub in _WORDS["year_parts"]:
        return _apply_year(_WORDS["relative"][sub], year)
    if "季度" in sub:
        return f"{year}-Q{_quarter(sub)}"
    if m1 and m2:
        a, b = int(m1), int(m2)
        if (a, b) == (1, 6):
            return f"{year}-H1"
        if (a, b) == (1, 3):
            return f"{year}-Q1"
        if a == b:
            return f"{year}-{a:02d}"
        return f"{year}-{a:02d}/{year}-{b:02d}"
    if month:
        return f"{year}-{int(month):02d}"
    return str(year)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], list[str]]:
    data = load("periods.yml")
    relative: dict[str, str] = data["relative"]
    same_last = data["same_period_last_year"]
    explicit = re.compile(
        r"(?P<span>(?<![\d.])((?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年)"
        r"|(?P<base>(?:" + alternation(data["base_markers"]) + r")\s*((?:19|20)\d{2})\s*年)"
        r"|(?P<one>" + _YEAR + r"\s*" + _SUB + r")"
    )
    words = sorted(list(relative) + list(same_last), key=len, reverse=True)
    rel = re.compile(
        r"(?P<word>" + "|".join(map(re.escape, words)) + r")"
        r"\s*(?:(?P<m1>\d{1,2})\s*月?\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月|(?P<month>\d{1,2})\s*月)?"
    )
    return explicit, rel, relative, same_last


def _apply_year(template: str, year: int) -> str:
    return (
        template.replace("{Y-2}", str(year - 2))
        .replace("{Y-1}", str(year - 1))
        .replace("{Y+1}", str(year + 1))
        .replace("{Y}", str(year))
    )


def shift_year(period: str, years: int) -> str:
    """The same period ``years`` years later (negative: earlier)."""
    return re.sub(r"(19|20)\d{2}", lambda m: str(int(m.group()) + years), period)


def find_periods(text: str, ref_year: int | None) -> list[PeriodRef]:
    """Every time reference in ``text``, normalised; relative ones need ``ref_year``."""
    explicit, rel, relative, same_last = _patterns()
    out: list[PeriodRef] = []
    taken: list[tuple[int, int]] = []
    for m in explicit.finditer(text):
        if m.group("span"):
            a, b = int(m.group(2)), int(m.group(3))
            if a < b:
                out.append(PeriodRef(m.start(), m.end(), f"{a}/{b}", "span", b))
        elif m.group("base"):
            y = int(m.group(5))
            out.append(PeriodRef(m.start(), m.end(), str(y), "base", y))
        else:
            y = int(m.group(7))
            # "2020年" directly followed by a digit is not a year ("2020年3" is fine: month)
            period = _with_sub(y, m.group(8), m.group(9), m.group(10), m.group(11))
            out.append(PeriodRef(m.start(), m.end(), period, "explicit", y))
        taken.append((m.start(), m.end()))
    for m in rel.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        taken.append((m.start(), m.end()))
        word = m.group("word")
        if word in same_last:
            out.append(PeriodRef(m.start(), m.end(), "", "same_last_year", None))
            continue
        if ref_year is None:
            continue
        template = relative[word]
        if m.group("m1") or m.group("month"):
            year_t = template.split("-")[0]
            y = int(_apply_year(year_t, ref_year))
            period = _with_sub(y, "m", m.group("m1"), m.group("m2"), m.group("month"))
        else:
            period = _apply_year(template, ref_year)
        out.append(PeriodRef(m.start(), m.end(), period, "relative", int(period[:4])))
    if ref_year is not None:
        # 1-10月, 9月 with no year: months of the reference year (not 7月21日, a date)
        for m in _BARE_MONTHS.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            period = _with_sub(ref_year, "m", m.group(1), m.group(2), m.group(3))
            out.append(PeriodRef(m.start(), m.end(), period, "relative", ref_year))
    out.sort(key=lambda p: p.start)
    return out


_BARE_MONTHS = re.compile(
    r"(?<![\d年.\-—–~])(?:(\d{1,2})\s*月?\s*[-—–~～至到]\s*(\d{1,2})\s*月|(\d{1,2})\s*月)(?!份?\s*\d{1,2}\s*[日号])(?![\d])"
)


_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")


_CN_YEAR_DIGITS = {**_NUMERALS["digits"], "O": 0, "o": 0}  # 二〇二〇 (O and o for a scanned 〇)
_CN_DATE = re.compile(
    r"((?:[〇○Oo零一二三四五六七八九]\s*){4})年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*([一二三四五六七八九十]{1,3})\s*日)?"
)


def _cn_small(s: str) -> int:
    """一 … 三十一 as an int."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def signature_date(text: str) -> str | None:
    """The document's own date: the last date in its closing lines, else its opening lines.

    Arabic (2024年4月23日) and Chinese-numeral (二〇二〇年八月五日) dates; a year and
    month alone give ``YYYY-MM``.
    """
    for source in (text[-1500:], text[:800]):
        best: tuple[int, str] | None = None
        for m in _DATE.finditer(source):
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                best = max(best or (-1, ""), (m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
        for m in _CN_DATE.finditer(source):
            digits = [_CN_YEAR_DIGITS[c] for c in m.group(1) if not c.isspace()]
            y = int("".join(map(str, digits)))
            mo = _cn_small(m.group(2))
            if not (1900 < y < 2100 and 1 <= mo <= 12):
                continue
            date = f"{y:04d}-{mo:02d}" + (f"-{_cn_small(m.group(3)):02d}" if m.group(3) else "")
            best = max(best or (-1, ""), (m.start(), date))
        if best is None:
            for m in _ISO.finditer(source):
                y, mo, d = (int(g) for g in m.groups())
                if 1 <= mo <= 12 and 1 <= d <= 31:
                    best = (m.start(), f"{y:04d}-{mo:02d}-{d:02d}")
        if best:
            return best[1]
    return None


# ------------------------------------------------------------ the period hierarchy

_PERIOD_RE = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?")


def _months(part: str) -> tuple[int, int, int] | None:
    """(year, first month, last month) of one period part: 2020, 2020-H1, 2020-Q2, 2020-07."""
    m = _PERIOD_RE.fullmatch(part)
    if m is None:
        return None
    year, sub = int(m.group(1)), m.group(2)
    if sub is None:
        return year, 1, 12
    if sub[0] == "H":
        h = int(sub[1])
        return year, 6 * h - 5, 6 * h
    if sub[0] == "Q":
        q = int(sub[1])
        return year, 3 * q - 2, 3 * q
    month = int(sub)
    return (year, month, month) if 1 <= month <= 12 else None


def period_parts(period: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """``(year, half, quarter, grain)`` of a period string: the year, half year and quarter it
    lies within (None where it spans more than one) and how long it is (year, half, quarter,
    month, months, years). So ``2020-H1`` lies within ``2020``; ``2023-07`` within ``2023``,
    ``2023-H2`` and ``2023-Q3``; ``2005/2022`` within no year."""
    if not period:
        return None, None, None, None
    first, _, last = period.partition("/")
    a, b = _months(first), _months(last or first)
    if a is None or b is None or (b[0], b[2]) < (a[0], a[1]):
        return None, None, None, None
    if a[0] != b[0]:
        return None, None, None, "years"
    year, m0, m1 = a[0], a[1], b[2]
    half = f"{year}-H{(m0 - 1) // 6 + 1}" if (m0 - 1) // 6 == (m1 - 1) // 6 else None
    quarter = f"{year}-Q{(m0 - 1) // 3 + 1}" if (m0 - 1) // 3 == (m1 - 1) // 3 else None
    span = m1 - m0 + 1
    # six months across two halves (2023-04/2023-09) are no half year: "months"
    grain = ("year" if span == 12 else "half" if span == 6 and half else "quarter" if span == 3 and quarter
             else "month" if span == 1 else "months")
    return str(year), half, quarter, grain
