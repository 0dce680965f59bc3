"""Find time references in text and normalise them to period strings.

Formats (see the gold README): ``2022``, ``2020-H1``, ``2020-Q2``,
``2023-01/2023-09`` (a month range), ``2023-07`` (a month), ``2005/2022`` (a span
of years). Relative words (今年, 上半年, 去年同期, 目前) come from
``patterns/periods.yml`` and resolve against the document's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extractor.patterns import alternation, load

_WORDS = load("periods.yml")
_NUMERALS = load("units.yml")["chinese_numerals"]
_CN_DIGIT = {**_NUMERALS["digits"], **_NUMERALS["places"]}  # 一 … 十 (of a quarter, a month, a day)
_PARTS = alternation(_WORDS["year_parts"])  # 上半年, 下半年, 前三季度
_WHOLE_YEAR = tuple(_WORDS["whole_year"])  # 全年, 底, 末, 初
_SUB_WORDS = _PARTS + r"|第?[一二三四1-4]\s*季度|Q[1-4]|H[12]"
# 2020年, 2019年度, 2017会计年度, 2021财年, and a year run into its sub-period (2020上半年, 2022Q1)
_YEAR = (r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?![\d.])\s*"
         r"(?:" + alternation(_WORDS["fiscal_year"]) + r"|年度?|(?=" + _SUB_WORDS + r"))")
_SUB = (
    r"(?P<sub>" + _SUB_WORDS + r"|(?P<m1>\d{1,2})\s*月?\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月(?:份)?"
    r"|(?P<mo>\d{1,2})\s*月(?:份)?(?:\d{1,2}日)?|" + alternation(_WHOLE_YEAR) + r")?"
)
# 22年底, 22年1季度, 22Q1: a two-digit year, only with a sub-period (22年 alone is a duration)
_SHORT_YEAR = (r"(?<![\d.第近每前后余多过])(?P<yy>\d{2})\s*(?:年\s*(?P<yysub>" + alternation(_WHOLE_YEAR) + "|"
               + _SUB_WORDS + r")|(?P<yyq>Q[1-4]|H[12])(?![\d]))")


@dataclass(frozen=True)
class PeriodRef:
    start: int
    end: int
    period: str
    kind: str  # explicit | relative | span | base | same_last_year
    year: int | None = None


def _quarter(token: str) -> int:
    t = token.replace("第", "").replace("季度", "").replace("Q", "").strip()
    return int(t) if t.isdigit() else _CN_DIGIT[t]


def _with_sub(year: int, sub: str | None, m1: str | None, m2: str | None, month: str | None) -> str:
    if not sub or sub in _WHOLE_YEAR:
        return str(year)
    if sub in _WORDS["year_parts"]:
        return _apply_year(_WORDS["relative"][sub], year)
    if sub in ("H1", "H2"):
        return f"{year}-{sub}"
    if "季度" in sub or sub.startswith("Q"):
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


def _start_month(period: str) -> int:
    """The first month of a period string (``2020-Q4`` → 10, ``2020-H2`` → 7, ``2020`` → 1)."""
    first = _months(period.partition("/")[0])
    return first[1] if first else 1


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], list[str]]:
    data = load("periods.yml")
    relative: dict[str, str] = dict(data["relative"])
    relative.update({w: "{YM}" for w in data["current"]})
    same_last = data["same_period_last_year"]
    explicit = re.compile(
        r"(?P<span>(?<![\d.])(?P<a>(?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*(?P<b>(?:19|20)\d{2})\s*年)"
        r"|(?P<base>(?:" + alternation(data["base_markers"]) + r")\s*(?P<by>(?:19|20)\d{2})\s*年)"
        r"|(?P<one>" + _YEAR + r"\s*" + _SUB + r")"
        r"|(?P<short>" + _SHORT_YEAR + r")"
    )
    words = sorted(list(relative) + list(same_last), key=len, reverse=True)
    rel = re.compile(
        r"(?<![A-Za-z])(?P<word>" + "|".join(map(re.escape, words)) + r")"
        r"\s*(?:(?P<m1>\d{1,2})\s*月?\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月|(?P<month>\d{1,2})\s*月"
        r"|(?P<rsub>" + _SUB_WORDS + r"))?"
    )
    return explicit, rel, relative, same_last


def _alts(words: list[str]) -> str:
    return alternation(words, longest_first=True)


@cache
def _compared() -> re.Pattern[str]:
    """比上年, 较去年, 与去年持平: a comparison word right before a relative time word."""
    data = load("periods.yml")
    return re.compile(rf"(?:{_alts([*data['base_markers'], *data['compared_with']])})\s*$")


@cache
def _bare_day() -> re.Pattern[str]:
    """当地时间3日, 于15日发布: a day alone after a lead word, not a duration (3日内)."""
    data = load("periods.yml")
    lead = "|".join(f"(?<={re.escape(w)})" for w in data["day_lead"])
    return re.compile(rf"(?:{lead}|^)\s*(\d{{1,2}})\s*日(?!{_alts(data['day_not_after'])})")


@cache
def _act_date() -> re.Pattern[str]:
    """日前发布, 近日召开, 昨日表示: a word for the present that dates an act (periods.yml
    ``act_after_current``), not a figure."""
    data = load("periods.yml")
    return re.compile(rf"(?:{_alts(data['current'])})\s*(?:{_alts(data['act_after_current'])})")


@cache
def _dated_words() -> frozenset[str]:
    """Relative words that name their year themselves (今年一季度, 去年下半年), not a bare part (四季度)."""
    relative = load("periods.yml")["relative"]
    return frozenset(w for w in relative if any(w != k and w.startswith(k) for k in relative))


@cache
def _open_ended() -> re.Pattern[str]:
    """2020年以来, 2019年之前: a year that opens or closes a stretch of time."""
    return re.compile(rf"\s*(?:{_alts(load('periods.yml')['open_ended'])})")


@cache
def _year_before_words() -> frozenset[str]:
    return frozenset(load("periods.yml")["year_before_stated"])


def _apply_year(template: str, year: int, month: int | None = None) -> str:
    """A template of periods.yml against a year (and month): {Y}, {Y-1}, {YM} (the month),
    {YM-1} (the month before; the year when no month is known)."""
    before = (f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12") if month else str(year)
    return (
        template.replace("{YM-1}", before)
        .replace("{YM}", f"{year}-{month:02d}" if month else str(year))
        .replace("{Y-2}", str(year - 2))
        .replace("{Y-1}", str(year - 1))
        .replace("{Y+1}", str(year + 1))
        .replace("{Y}", str(year))
    )


def shift_year(period: str, years: int) -> str:
    """The same period ``years`` years later (negative: earlier)."""
    return re.sub(r"(19|20)\d{2}", lambda m: str(int(m.group()) + years), period)


def find_periods(text: str, ref_year: int | None, ref_month: int | None = None,
                 forward: bool = False) -> list[PeriodRef]:
    """Every time reference in ``text``, normalised; relative ones need ``ref_year``.

    ``ref_month`` is the month of the document's date: 目前 / 当前 / 今日 resolve to it, and a
    quarter, half or month named without a year that has not begun by then (第四季度 in a
    document dated March) is last year's, unless the sentence looks ``forward`` (a forecast
    or a plan). A day of a month (7月3日) gives its month.
    """
    scan = _Scan(text, ref_year, ref_month, forward)
    scan.explicit()
    scan.relative()
    scan.bare()
    return sorted(scan.out, key=lambda p: p.start)


@dataclass
class _Scan:
    """One pass over a text: explicit years first, then relative words, then bare months and days."""

    text: str
    ref_year: int | None
    ref_month: int | None
    forward: bool
    out: list[PeriodRef] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, pos: int) -> bool:
        return not any(a <= pos < b for a, b in self.taken)

    def add(self, ref: PeriodRef) -> None:
        self.out.append(ref)
        self.taken.append((ref.start, ref.end))

    def this_or_last_year(self, period: str) -> str:
        """第四季度 in a document dated March: last year's, unless the sentence looks forward."""
        y, month = self.ref_year, self.ref_month
        if y is None or month is None or self.forward or period[:4] != str(y) or len(period) == 4:
            return period
        return shift_year(period, -1) if _start_month(period) > month else period

    def explicit(self) -> None:
        for m in _patterns()[0].finditer(self.text):
            if m.group("span"):
                a, b = int(m.group("a")), int(m.group("b"))
                if a < b:
                    self.out.append(PeriodRef(m.start(), m.end(), f"{a}/{b}", "span", b))
            elif m.group("base"):
                y = int(m.group("by"))
                self.out.append(PeriodRef(m.start(), m.end(), str(y), "base", y))
            elif m.group("one"):
                y = int(m.group("y"))
                period = _with_sub(y, m.group("sub"), m.group("m1"), m.group("m2"), m.group("mo"))
                self.out.append(PeriodRef(m.start(), m.end(), period, "explicit", y))
            else:
                y = 2000 + int(m.group("yy"))
                if self.ref_year is None or abs(y - self.ref_year) > 10:
                    continue
                period = _with_sub(y, m.group("yysub") or m.group("yyq"), None, None, None)
                self.out.append(PeriodRef(m.start(), m.end(), period, "explicit", y))
            self.taken.append((m.start(), m.end()))

    def relative(self) -> None:
        _, rel, _, same_last = _patterns()
        for m in rel.finditer(self.text):
            if not self.free(m.start()):
                continue
            if _act_date().match(self.text, m.start()):  # 日前发布的报告: when it was published
                self.taken.append((m.start(), m.end()))
                continue
            if m.group("word") in same_last:
                self.add(PeriodRef(m.start(), m.end(), "", "same_last_year", None))
            elif self.ref_year is None:
                self.taken.append((m.start(), m.end()))
            else:
                self.add(self._resolved(m, self.ref_year))

    def _resolved(self, m: re.Match[str], ref_year: int) -> PeriodRef:
        """A relative word (去年, 目前, 第四季度, 今年3月) against the reference year and month."""
        _, rel, relative, _ = _patterns()
        word = m.group("word")
        template = relative[word]
        stated = [p for p in self.out if p.kind == "explicit" and p.end <= m.start() and p.year]
        # 比上年, 较去年: the base of a comparison, not the figure's period
        kind = "base" if _compared().search(self.text, 0, m.start()) else "relative"
        if word in _year_before_words() and stated and not m.group("rsub"):
            y = (stated[-1].year or ref_year) - 1
            return PeriodRef(m.start(), m.end(), str(y), kind, y)
        whole = [p for p in stated if not _open_ended().match(self.text, p.end)]
        if template.startswith("{Y}-") and whole and word not in _dated_words() and m.group(0) == word:
            # 公司2023年营收…，其中四季度/Q4…: a part of the year the sentence states
            y = whole[-1].year or ref_year
            return PeriodRef(m.start(), m.end(), _apply_year(template, y), kind, y)
        if m.group("m1") or m.group("month") or (m.group("rsub") and "-" not in template):
            year_t = "{Y}" if template.startswith("{YM") else template.split("-")[0]
            y = int(_apply_year(year_t, ref_year))
            period = _with_sub(y, m.group("rsub") or "m", m.group("m1"), m.group("m2"), m.group("month"))
        else:
            if m.group("rsub"):  # 一季度 is not followed by another sub-period: give it back
                m = rel.match(self.text, m.start(), m.start() + len(word)) or m
            period = _apply_year(template, ref_year, self.ref_month)
        if template.startswith("{Y}-"):  # 第四季度, 下半年: this year's only once begun
            period = self.this_or_last_year(period)
        return PeriodRef(m.start(), m.end(), period, kind, int(period[:4]))

    def bare(self) -> None:
        y, month = self.ref_year, self.ref_month
        if y is None:
            return
        # 1-10月, 9月, 7月3日 with no year: months of the reference year
        for m in _BARE_MONTHS.finditer(self.text):
            if self.free(m.start()):
                period = self.this_or_last_year(_with_sub(y, "m", m.group(1), m.group(2), m.group(3)))
                self.add(PeriodRef(m.start(), m.end(), period, "relative", int(period[:4])))
        if month is None:
            return
        # 当地时间3日, 国家统计局15日发布: a day of the document's month (not 3日内, a duration)
        for m in _bare_day().finditer(self.text):
            if self.free(m.start()) and 1 <= int(m.group(1)) <= 31:
                self.out.append(PeriodRef(m.start(), m.end(), f"{y}-{month:02d}", "relative", y))


_BARE_MONTHS = re.compile(
    r"(?<![\d年.\-—–~])(?:(\d{1,2})\s*月?\s*[-—–~～至到]\s*(\d{1,2})\s*月(?![\d])"
    r"|(\d{1,2})\s*月(?:份?\s*\d{1,2}\s*[日号]|(?![\d])))"
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


_DATE_ALONE = re.compile(
    r"^(?:[^\d\s，。,；;]{1,8}[：:]\s*)?"  # an optional label: 日期：, 发布时间：
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
    r"|(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})(?:[-/.](?P<id>\d{1,2}))?)"
    r"\s*(?:" + alternation(_WORDS["date_line_verbs"]) + r")?$"
)


def _date_of_line(line: str) -> str | None:
    """The date a line holds when the line is nothing but a date (with at most a short label)."""
    line = line.strip()
    m = _DATE_ALONE.match(line)
    if m:
        y = int(m.group("y") or m.group("iy"))
        mo = int(m.group("m") or m.group("im"))
        d = m.group("d") or m.group("id")
        if not 1 <= mo <= 12 or (d and not 1 <= int(d) <= 31):
            return None
        return f"{y:04d}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    m = _CN_DATE.fullmatch(line)
    if m:
        return signature_date(line)
    return None


def date_line(text: str, last: bool = False) -> str | None:
    """The date of the first (or ``last``) line of ``text`` that is a date alone: a cover's
    ``2018年04月``, a signature's ``2024年4月23日``, a research note's ``2022年07月19日``."""
    lines = text.splitlines()
    for line in reversed(lines) if last else lines:
        date = _date_of_line(line)
        if date:
            return date
    return None


def period_end(period: str) -> str:
    """The last month of a period as ``YYYY-MM`` (``2018-Q1`` → ``2018-03``, ``2005/2022`` → ``2022-12``)."""
    last = _months(period.rpartition("/")[2])
    return f"{last[0]}-{last[2]:02d}" if last else f"{period[:4]}-12"


_TITLE_STAMP = re.compile(r"[-_—]\s*((?:19|20)?\d{2})(\d{2})(\d{2})\s*(?:\.pdf)?$")
_TITLE_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年")


def title_date(title: str) -> str | None:
    """A date stamp ending a title (德邦证券-高测股份…-220719 → ``2022-07-19``), else the
    title's year (``2023年这些词语很流行`` → ``2023``)."""
    m = _TITLE_STAMP.search(title)
    if m:
        y = m.group(1)
        year = int(y) if len(y) == 4 else 2000 + int(y)
        mo, d = int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{year:04d}-{mo:02d}-{d:02d}"
    m = _TITLE_YEAR.search(title)
    return m.group(1) if m else None


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
