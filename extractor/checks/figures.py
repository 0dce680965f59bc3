"""Figures for checking: a stored fact with its precision, and how two compare.

A :class:`Fig` is a fact read back from the database with what comparing it
needs: half a unit of its last printed digit (649.14 stands for anything in
[649.135, 649.145]) and the core of its metric (places, times, kind and filler
words removed), completed from context where it is a bare 出口 or 进口. Shared by
the internal checks (:mod:`extractor.checks.consistency`), the conflicts between
documents (:mod:`extractor.checks.conflicts`) and article verification
(:mod:`extractor.checks.verify`).
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from extractor.facts.periods import find_periods
from extractor.facts.regions import document_places, gazetteer
from extractor.patterns import load

RATE_KINDS = ("growth", "share")
LEVEL_KINDS = ("amount", "count")
COMPARABLE_KINDS = ("amount", "count", "growth", "share", "pp_change")
_FLOWS = load("cues.yml")["trade_flows"]
TRADE_TOTAL: str = _FLOWS["total"]  # 进出口
TRADE_PARTS: tuple[str, ...] = tuple(_FLOWS["parts"])  # 出口, 进口: they add up to the total
DIRECTIONS = (TRADE_TOTAL, *TRADE_PARTS)


# -- figures -------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.(\d+))?")


@dataclass
class Fig:
    """A fact with what comparing it needs: its precision and its metric core."""

    id: int
    doc_id: int | None
    quote: str
    value: float
    unit: str | None
    v: float  # value_norm
    unit_norm: str | None
    kind: str
    qualifier: str = "eq"
    modality: str = "actual"
    region: str | None = None
    period: str | None = None
    metric: str | None = None
    method: str = "regex"
    sentence: str = ""
    page: int | None = None
    sent_idx: int | None = None
    offset: int = 0  # of the quote in its sentence
    table_id: int | None = None
    row: int | None = None
    col: int | None = None
    h: float = 0.0  # half a unit of the last printed digit, in unit_norm
    vague: bool = False  # 两成, 四分之三, 过半: no printed digits
    factor: float = 1.0  # value_norm / value
    context: str | None = None  # metric completed from the sentences before (出口 → 跨境电商出口)
    extra: dict = field(default_factory=dict)

    @property
    def core(self) -> str:
        return metric_core(self.context or self.metric or "")

    @property
    def label(self) -> str:
        """The figure as written, with its unit: 649.14亿元, 23.8%."""
        q = self.quote.strip()
        if self.method == "table" and self.unit and not q.endswith(self.unit):
            return q + self.unit
        return q

    @property
    def unit_text(self) -> str:
        return self.unit or ("%" if self.unit_norm == "%" else "")

    def tol(self) -> float:
        """Rounding allowance; 约/近/左右 widen it to 3 %."""
        return max(self.h, 0.03 * abs(self.v)) if self.qualifier == "approx" else self.h

    def interval(self) -> tuple[float, float]:
        t = self.tol()
        if self.qualifier in ("gt", "gte"):
            return self.v - t, math.inf
        if self.qualifier in ("lt", "lte"):
            return -math.inf, self.v + t
        lo = self.extra.get("low_norm")
        hi = self.extra.get("high_norm")
        if lo is not None and hi is not None:
            return min(lo, hi) - t, max(lo, hi) + t
        return self.v - t, self.v + t


def precision(quote: str, value: float, value_norm: float | None) -> tuple[float, bool, float]:
    """(half unit in base units, vague?, factor) of a figure from how it is printed."""
    norm = value if value_norm is None else value_norm
    factor = abs(norm / value) if value else 1.0
    m = _DIGITS.search(unicodedata.normalize("NFKC", quote or ""))
    if m:
        return 0.5 * 10 ** -len(m.group(1) or "") * factor, False, factor
    a = abs(value) or 1.0
    return 0.5 * 10 ** math.floor(math.log10(a)) * factor, True, factor


def fig_from_row(r: dict) -> Fig:
    v = r["value_norm"] if r.get("value_norm") is not None else r["value"]
    h, vague, factor = precision(r["quote"], r["value"], v)
    f = Fig(
        id=r["id"], doc_id=r.get("doc_id"), quote=r["quote"], value=r["value"], unit=r.get("unit"), v=v,
        unit_norm=r.get("unit_norm"), kind=r.get("kind") or "other", qualifier=r.get("qualifier") or "eq",
        modality=r.get("modality") or "actual", region=r.get("region"), period=r.get("period"),
        metric=r.get("metric"), method=r.get("method") or "regex", sentence=r.get("sentence") or "",
        page=r.get("page"), sent_idx=r.get("sent_idx"), table_id=r.get("table_id"),
        row=r.get("t_row"), col=r.get("t_col"), h=h, vague=vague, factor=factor,
    )
    if r.get("char_start") is not None and r.get("s_start") is not None:
        f.offset = r["char_start"] - r["s_start"]
    elif f.sentence and f.quote in f.sentence:
        f.offset = f.sentence.index(f.quote)
    if r.get("low") is not None and r.get("high") is not None:
        f.extra["low_norm"], f.extra["high_norm"] = r["low"] * factor, r["high"] * factor
    for key in ("document", "title", "published", "publisher"):
        if key in r:
            f.extra[key] = r[key]
    return f


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


FACT_SQL = """
select f.*, s.idx as sent_idx, s.char_start as s_start, c.row as t_row, c.col as t_col
from facts f
left join sentences s on s.id = f.sentence_id
left join table_cells c on c.fact_id = f.id
"""


def load_figs(conn: sqlite3.Connection, doc_id: int) -> list[Fig]:
    """The facts of a document in reading order, their metrics completed from context."""
    figs = [fig_from_row(r) for r in rows(conn, FACT_SQL + " where f.doc_id = ? order by f.id", [doc_id])]
    add_context(figs)
    padded_columns(figs)
    return figs


def padded_columns(figs: list[Fig]) -> None:
    """A table column printed as 21.90%, 11.10%, 0.70% is rounded to one decimal and
    padded with a zero: its precision is that of the last digit that varies."""
    cols: dict[tuple, list[Fig]] = {}
    for f in figs:
        if f.method == "table" and f.table_id is not None and f.col is not None and not f.vague:
            cols.setdefault((f.table_id, f.col), []).append(f)
    for members in cols.values():
        decs = []
        for f in members:
            m = _DIGITS.search(unicodedata.normalize("NFKC", f.quote))
            decs.append(m.group(1) or "" if m else "")
        if len(members) < 3:
            continue
        drop = 0
        while all(len(d) - drop >= 1 and d[len(d) - drop - 1] == "0" for d in decs) and len(set(map(len, decs))) == 1:
            drop += 1
        if drop:
            for f in members:
                f.h *= 10 ** drop



@dataclass
class DocData:
    doc_id: int
    figs: list[Fig]
    sentences: dict[int, dict]
    province: str | None = None
    city: str | None = None

    @property
    def text_figs(self) -> list[Fig]:
        out = [f for f in self.figs if f.method != "table" and f.sent_idx is not None]
        return sorted(out, key=lambda f: (f.sent_idx, f.offset))


def load_doc(conn: sqlite3.Connection, doc_id: int) -> DocData:
    figs = load_figs(conn, doc_id)
    sents = {r["idx"]: r for r in rows(conn, "select idx, page, paragraph, text, char_start from sentences "
                                              "where doc_id = ? order by idx", [doc_id])}
    title = conn.execute("select title from documents where id = ?", [doc_id]).fetchone()
    text = "\n".join(s["text"] for s in list(sents.values())[:40])
    home = document_places(title[0] if title else None, text)  # (province, city, …)
    return DocData(doc_id, figs, sents, home[0], home[1])


@dataclass
class TableData:
    id: int
    caption: str
    header_rows: int
    cells: dict[tuple[int, int], Fig]
    labels: dict[int, str]

    def column(self, col: int) -> dict[int, Fig]:
        return {r: f for (r, c), f in self.cells.items() if c == col}


def load_tables(conn: sqlite3.Connection, doc: DocData) -> list[TableData]:
    by_id = {f.id: f for f in doc.figs}
    out = []
    for t in rows(conn, "select id, caption, header_rows from tables where doc_id = ? order by idx", [doc.doc_id]):
        cells: dict[tuple[int, int], Fig] = {}
        labels: dict[int, list[str]] = {}
        for c in rows(conn, "select row, col, text, fact_id from table_cells where table_id = ? order by row, col",
                      [t["id"]]):
            if c["row"] < (t["header_rows"] or 0):
                continue
            f = by_id.get(c["fact_id"]) if c["fact_id"] else None
            if f is not None:
                cells[(c["row"], c["col"])] = f
            elif (c["text"] or "").strip() and not re.fullmatch(r"[\d.\s%-]+", c["text"].strip()):
                labels.setdefault(c["row"], []).append(c["text"].strip())
        out.append(TableData(t["id"], t["caption"] or "", t["header_rows"] or 0, cells,
                             {r: " ".join(v) for r, v in labels.items()}))
    return out


# -- metrics -------------------------------------------------------------------

_CORE = load("checks.yml")["metric_core"]
_KIND_WORDS = sorted(_CORE["kind_words"], key=len, reverse=True)
_LEAD_WORDS = sorted(_CORE["fillers"] + _CORE["leading"], key=len, reverse=True)
_TRAIL_WORDS = sorted(_CORE["fillers"] + _CORE["trailing"], key=len, reverse=True)
_BRACKET = re.compile(r"[（(]([^（()）]*)[）)]")
_PUNCT = re.compile(r"[\s的了“”‘’\"'、，,。：:；;《》〈〉!！?？·\-—_/]")


def _strip(text: str) -> str:
    places = [(p.start, p.end) for p in gazetteer().find(text)]
    spans = places + [(p.start, p.end) for p in find_periods(text, 2000)]
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    text = "".join(chars)
    for w in _KIND_WORDS:
        text = text.replace(w, " ")
    text = _PUNCT.sub(" ", text)
    parts = [p for p in text.split(" ") if p]
    out = []
    for p in parts:
        changed = True
        while changed and p:
            changed = False
            for w in _LEAD_WORDS:
                if p.startswith(w):
                    p, changed = p[len(w):], True
                    break
            for w in _TRAIL_WORDS:
                if p.endswith(w):
                    p, changed = p[: -len(w)], True
                    break
        if p:
            out.append(p)
    return "".join(out)


@lru_cache(maxsize=100_000)
def metric_variants(metric: str) -> tuple[str, ...]:
    """The metric's core (places, times, kind and filler words removed), without
    and with its bracketed alias: 数字平台贸易（跨境网络零售）进出口 → 数字平台贸易进出口,
    跨境网络零售进出口."""
    text = unicodedata.normalize("NFKC", metric or "").replace("(", "（").replace(")", "）")
    plain = _strip(_BRACKET.sub("", text))
    m = _BRACKET.search(text)  # X（Y）Z: Y is another name for X
    alias = _strip(_BRACKET.sub("", m.group(1) + text[m.end():])) if m and not m.group(1).isascii() else ""
    return tuple(dict.fromkeys(v for v in (plain, alias) if v)) or ("",)


def metric_core(metric: str) -> str:
    return metric_variants(metric or "")[0]


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def _sim(x: str, y: str) -> float:
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    short, long_ = sorted((x, y), key=len)
    # 数字贸易 / 数字贸易进出口 name the same thing; 出口 / 跨境电商出口 do not (a qualified subset)
    contain = 0.0
    if len(short) >= 2 and long_.startswith(short):
        contain = 0.55 + 0.4 * len(short) / len(long_)
    elif len(short) >= 2 and short in long_:
        contain = 0.35 + 0.2 * len(short) / len(long_)  # related, not the same: enough to confirm an equal value
    bx, by = _bigrams(x), _bigrams(y)
    score = max(2 * len(bx & by) / (len(bx) + len(by)), contain)
    dx, dy = direction(x), direction(y)
    dx, dy = dx[1] if dx else None, dy[1] if dy else None
    if dx != dy and ({dx, dy} & set(TRADE_PARTS)):
        score *= 0.4  # exports are not imports, nor total trade
    return score


@lru_cache(maxsize=200_000)
def similarity(a: str, b: str) -> float:
    """How alike two metric phrases are, 0..1: character-bigram overlap of their
    cores, or containment of one core in the other (数字贸易 in 数字贸易进出口)."""
    return max(_sim(x, y) for x in metric_variants(a or "") for y in metric_variants(b or ""))


def fig_similarity(a: Fig, b: Fig) -> float:
    names_a = [m for m in (a.metric, a.context) if m]
    names_b = [m for m in (b.metric, b.context) if m]
    if not names_a or not names_b:
        return 0.0
    best = 0.0
    for x in names_a:
        for y in names_b:
            s = similarity(x, y)
            if (x is a.metric and a.context) or (y is b.metric and b.context):
                s *= 0.8  # the bare metric of a figure whose context says more
            best = max(best, s)
    return best


def name_similarity(phrase: str, f: Fig) -> float:
    """How alike a metric phrase is to what a figure measures (its metric or its context)."""
    return max((similarity(phrase, m) for m in (f.metric, f.context) if m), default=0.0)


_CLAUSES = re.compile(r"[，,；;：:]")


@lru_cache(maxsize=100_000)
def _local_core(sentence: str, offset: int) -> str:
    """The core of the words right before a figure: its clause, or the nearest
    clause before that names something (figures blanked out)."""
    from extractor.facts.numbers import find_numbers

    for clause in reversed(_CLAUSES.split(sentence[:offset])):
        clause = clause.split("占")[0]  # 占全省数字服务贸易比重: the whole, not what is measured
        for m in reversed(find_numbers(clause)):
            clause = clause[: m.start] + " " + clause[m.end :]
        core = metric_core(clause)
        if core:
            return core
    return ""


def local_core(f: Fig) -> str:
    """What the text right before a figure says it measures. The metric of a
    fact may come from further away (a subject carried over from an earlier
    clause); a disagreement is only claimed when this nearer reading agrees too."""
    if f.method == "table" or not f.sentence or f.offset <= 0:
        return f.core
    core = _local_core(f.sentence, f.offset)
    if core in TRADE_PARTS and f.context:
        return metric_core(f.context)
    return core or f.core


def strict_similarity(a: Fig, b: Fig) -> float:
    """Metric similarity that both the facts' metrics and their nearby words support."""
    return min(fig_similarity(a, b), similarity(local_core(a), local_core(b)))


def direction(core: str) -> tuple[str, str] | None:
    """(prefix, direction) of a trade metric core: 跨境电商出口 → (跨境电商, 出口)."""
    for d in DIRECTIONS:
        if core.endswith(d):
            return core[: -len(d)], d
    return None


def add_context(figs: list[Fig]) -> None:
    """Complete bare 出口/进口 metrics from the figure they follow.

    "跨境网络零售进出口585.0亿元。其中，出口414.5亿元" → the export is
    跨境网络零售出口. Looks back at most three sentences in the same document.
    """
    text = [f for f in figs if f.method != "table" and f.sent_idx is not None]
    text.sort(key=lambda f: (f.sent_idx, f.offset))
    for i, f in enumerate(text):
        core = metric_core(f.metric or "")
        if not core:  # "X达3396.5亿美元，在全国占比91.1%": the share is about X
            prev = [g for g in text[:i] if g.sent_idx == f.sent_idx and g.core]
            if prev:
                f.context = prev[-1].context or prev[-1].metric
            continue
        if core not in TRADE_PARTS:
            continue
        for g in reversed(text[:i]):
            if g.sent_idx < f.sent_idx - 3:
                break
            if g.kind not in LEVEL_KINDS + RATE_KINDS or g.vague:
                continue
            d = direction(g.core)
            if d:  # the nearest trade figure decides: 进出口2.26万亿元，其中出口… has no subject to lend
                if d[0]:
                    f.context = d[0] + core
                break


# -- places, periods, values -----------------------------------------------------


@lru_cache(maxsize=4096)
def norm_region(region: str | None) -> str | None:
    if not region:
        return None
    p = gazetteer().lookup(region)
    return p.name if p is not None and not p.level.startswith("self_") else region


@lru_cache(maxsize=4096)
def parent_region(region: str | None) -> str | None:
    """The province of a city or district (杭州市 → 浙江省)."""
    p = gazetteer().lookup(region or "")
    return p.province if p is not None and p.level in ("city", "district") else None


@cache
def cities() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for name, level, province in gazetteer().entries.values():
        if level == "city" and province:
            out.setdefault(province, set()).add(name)
    return {k: frozenset(v) for k, v in out.items()}


def same_region(a: str | None, b: str | None) -> bool:
    return norm_region(a) == norm_region(b)


def relation(a: Fig, b: Fig, directional: bool = False) -> str:
    """``match`` (the same number within rounding), ``consistent`` (different
    numbers that a bound allows: 300个以上 vs 320), ``implied`` (directional
    only: the source proves the article's bound, 超4000亿 vs 4300亿) or ``mismatch``.

    Directional (an article ``a`` against a source ``b``): the source must round
    to the article's figure, or be a slightly rounded form of it (within 1 %).
    Two bounds of the same direction (900个以上, 800个以上) compare as numbers.
    """
    d = abs(a.v - b.v)
    eps = 1e-9 * max(abs(a.v), abs(b.v), 1e-12)
    ta, tb = a.tol(), b.tol()
    if directional:
        if d <= ta + eps or (d <= tb + eps and tb <= 0.01 * abs(b.v)):
            return "match"
    elif d < ta + tb - eps or d <= eps:  # 1.6 and 1.7 can't both be roundings of one number
        return "match"
    up = ("gt", "gte")
    down = ("lt", "lte")
    if (a.qualifier in up and b.qualifier in up) or (a.qualifier in down and b.qualifier in down):
        return "mismatch"
    (a0, a1), (b0, b1) = a.interval(), b.interval()
    if a0 <= b1 + eps and b0 <= a1 + eps:
        ranged = a.extra.get("low_norm") is not None and a.extra.get("low_norm") != a.extra.get("high_norm")
        if directional and (a.qualifier != "eq" or ranged) and a0 - eps <= b0 and b1 <= a1 + eps:
            return "implied"
        return "consistent"
    return "mismatch"


def fmt(x: float) -> str:
    """A number for a formula: at most 4 decimals, no exponent."""
    if x is None or not math.isfinite(x):
        return str(x)
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
