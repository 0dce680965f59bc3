"""Source facts that may confirm or contradict an article's figure, read from the database.

Three ways in, so that an article is checked against a large database in well
under a second:

* by value: facts of the figure's unit whose value lies within the article's
  rounding (and a little beyond, for a source rounder than the article), on the
  ``(unit_norm, value_norm)`` index — for a figure of few digits (5%, 20个),
  only those whose sentence names its metric;
* by metric: facts of the same unit and period, with a value within a factor of
  ten, whose sentence names the figure's metric or one of its synonyms — where
  a different value, a contradiction, is found;
* by document: every fact of the documents that already confirm several of the
  article's figures, the article's likely sources (:meth:`Sources.document`).

A :class:`Source` is a stored fact as a :class:`~extractor.checks.figures.Fig`
with what matching needs, worked out when first asked for: its document, the
metric phrases its sentence or table headers give, and whether its period and
region are written where it is.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property, lru_cache

from extractor.checks.article import local_names, period_is_sure, subjects_in
from extractor.checks.figures import (
    TRADE_PARTS,
    Fig,
    add_context,
    fig_from_row,
    metric_core,
    norm_region,
    rows,
)
from extractor.settings import SETTINGS

SOURCE_SQL = """
select f.id, f.doc_id, f.page, f.sentence, f.quote, f.value, f.unit, f.value_norm, f.unit_norm, f.kind, f.qualifier,
       f.modality, f.region, f.region_source, f.period, f.period_source, f.metric, f.low, f.high, f.char_start,
       f.method, f.table_id, s.idx as sent_idx, s.char_start as s_start, c.row as t_row, c.col as t_col,
       c.row_header as row_header, c.col_header as col_header, t.caption as caption
from facts f
left join sentences s on s.id = f.sentence_id
left join table_cells c on c.fact_id = f.id
left join tables t on t.id = f.table_id
"""
MAX_BY_METRIC = SETTINGS.verify.max_by_metric  # facts read per figure through the metric index, nearest in value first
MAX_BY_VALUE = SETTINGS.verify.max_by_value  # … through the value index
_HEADER_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:年度?)?\s*([AEae])?(?![\d.])")


@dataclass
class Doc:
    """A source document: where it is and what it is about."""

    id: int
    path: str
    title: str | None
    published: str | None
    identity: str  # title, file name and opening text: names the document's subject


class Source:
    """A stored fact as a candidate source for an article's figure. Its metric phrases
    (``names``), whether its region is named where it is (``region_stated``) and
    whether its period can be trusted (``period_stated``) are worked out when first
    asked for: most candidates are dismissed by their value, unit or subject first."""

    def __init__(self, fig: Fig, doc: Doc, owner: Sources):
        self.fig = fig
        self.doc = doc
        self._owner = owner
        self.sure: bool | None = None  # the extractor's period_source says, when it is there

    @cached_property
    def names(self) -> list[tuple[str, float]]:
        return self._owner.names(self)

    @cached_property
    def region_stated(self) -> bool:
        f = self.fig
        return bool(f.region) and norm_region(f.region) in subjects_in(self.where)

    @cached_property
    def where(self) -> str:
        """Its sentence, or a table cell's row and column headers and caption."""
        f = self.fig
        if f.method != "table":
            return f.sentence or ""
        return " ".join(filter(None, [f.extra.get("row_header"), f.extra.get("col_header"), f.extra.get("caption")]))

    @property
    def period_stated(self) -> bool:
        """Whether its period can be trusted (:func:`extractor.checks.article.period_is_sure`)."""
        if self.sure is None:
            self.sure = self._owner.period_sure(self)
        return self.sure


@lru_cache(maxsize=100_000)
def period_words(text: str) -> str | None:
    """``explicit`` when ``text`` names a year, ``relative`` for words like 今年, 上年同期,
    None when it names no time."""
    from extractor.facts.periods import find_periods

    kinds = {p.kind for p in find_periods(text, 2000)}
    if kinds & {"explicit", "span", "base"}:
        return "explicit"
    return "relative" if kinds else None


class Sources:
    """Candidate source facts read from the database on ``conn``, cached per fact."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._docs: dict[int, Doc] = {}
        self._facts: dict[int, Source] = {}
        self._doc_facts: dict[int, list[Source]] = {}
        self._contexts: dict[int | None, dict[int, Fig]] = {}
        self._labels: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self._earlier_cache: dict[tuple[int, int], tuple[str, ...]] = {}

    # -- queries --------------------------------------------------------------------

    @staticmethod
    def _names_any(phrases: list[str] | None) -> tuple[str, list]:
        """A condition: the fact's sentence or metric holds one of ``phrases``. Tested on
        the facts the value index has narrowed down, it costs less than the full-text
        index, whose lists for common words (进出口, 增长) are long."""
        if not phrases:
            return "", []
        tests = " or ".join("instr(f.sentence, ?) > 0 or instr(f.metric, ?) > 0" for _ in phrases)
        return f" and ({tests})", [p for p in phrases for _ in (0, 1)]

    def _query(self, where: str, params: list, phrases: list[str] | None, limit: int,
               order: tuple[str, float] | None = None) -> list[Source]:
        cond, extra = self._names_any(phrases)
        by = f" order by {order[0]}" if order else ""
        try:
            found = rows(self.conn, SOURCE_SQL + f" where {where}{cond}{by} limit ?",
                         [*params, *extra, *([order[1]] if order else []), limit])
        except sqlite3.OperationalError:  # a phrase FTS5 can't parse: none through that channel
            return []
        return self._sources(found)

    def by_value(self, unit: str | None, lo: float, hi: float, phrases: list[str] | None = None) -> list[Source]:
        """Facts of ``unit`` with a value in [lo, hi] (whose sentence names one of ``phrases``)."""
        if unit is None:
            return []
        return self._query("f.unit_norm = ? and f.value_norm between ? and ?", [unit, lo, hi], phrases, MAX_BY_VALUE)

    def by_raw_value(self, lo: float, hi: float, phrases: list[str] | None = None) -> list[Source]:
        """Table cells without a unit (a P/E column of 30.47) with a value in [lo, hi]."""
        return self._query("f.unit_norm is null and f.value_norm between ? and ? and f.method = 'table'",
                           [lo, hi], phrases, MAX_BY_VALUE)

    def by_unitless(self, lo: float, hi: float, phrases: list[str] | None = None) -> list[Source]:
        """Figures without a unit (461万, 4176亿) with a value in [lo, hi]."""
        return self._query("f.unit_norm is null and f.value_norm between ? and ? and f.method != 'table'", [lo, hi],
                           phrases, MAX_BY_VALUE)

    def by_metric(self, phrases: list[str], unit: str | None, lo: float, hi: float, near: float,
                  period: str) -> list[Source]:
        """Facts of ``unit`` and ``period`` with a value in [lo, hi] whose sentence names one
        of ``phrases``, those of a value nearest ``near`` first: where another value of the
        figure's metric for its period is (in another period, only a slip of digits in the
        article's own source document counts, and those are all read)."""
        if unit is None or not phrases:
            return []
        return self._query("f.unit_norm = ? and f.period = ? and f.value_norm between ? and ?",
                           [unit, period, lo, hi], phrases, MAX_BY_METRIC, order=("abs(f.value_norm - ?)", near))

    def document(self, doc_id: int) -> list[Source]:
        """Every fact of a document."""
        if doc_id not in self._doc_facts:
            found = rows(self.conn, SOURCE_SQL + " where f.doc_id = ? order by f.id", [doc_id])
            self._doc_facts[doc_id] = self._sources(found)
        return self._doc_facts[doc_id]

    # -- building sources -------------------------------------------------------------

    def _sources(self, found: list[dict]) -> list[Source]:
        out = []
        for r in found:
            s = self._facts.get(r["id"])
            if s is None:
                s = self._facts[r["id"]] = self._source(r)
            out.append(s)
        return out

    def doc(self, doc_id: int) -> Doc:
        if doc_id not in self._docs:
            d = self.conn.execute("select id, path, title, published from documents where id = ?", [doc_id]).fetchone()
            opening = self.conn.execute(
                "select group_concat(text, ' ') from (select text from sentences where doc_id = ? order by idx limit 3)",
                [doc_id]).fetchone()
            path = d[1] if d else ""
            identity = " ".join(filter(None, [d[2] if d else None, path.rsplit("/", 1)[-1], (opening[0] or "")[:400]]))
            self._docs[doc_id] = Doc(doc_id, path, d[2] if d else None, d[3] if d else None, identity)
        return self._docs[doc_id]

    def _source(self, r: dict) -> Source:
        f = fig_from_row(r)
        for key in ("row_header", "col_header", "caption", "region_source", "period_source"):
            f.extra[key] = r.get(key)
        doc = self.doc(r["doc_id"])
        f.extra.update(document=doc.path, title=doc.title, published=doc.published)
        if f.method == "table":
            header_year(f, r.get("col_header"))
        src = Source(f, doc, self)
        # where the extractor says how it decided: a period written in the sentence is
        # trusted, the document's own is a guess; carried and table periods are judged here
        src.sure = {"stated": True, "document": False}.get(r.get("period_source") or "")
        return src

    def names(self, src: Source) -> list[tuple[str, float]]:
        """The metric phrases of a source, weighted: its metric and clause, or a table
        cell's row label and column header."""
        f = src.fig
        if f.method == "table":
            label = self._row_label(f)
            col = f.extra.get("col_header")
            headers = [h for h in (label, f.extra.get("row_header"), col) if h]
            names = [(f.metric, 1.0)] if f.metric else []
            names += [(h, 0.9) for h in dict.fromkeys(headers)]
            if label and col:
                names.append((label + " " + col, 1.0))
            return names
        if metric_core(f.metric or "") in ("", *TRADE_PARTS):
            f.context = self._context(f)
        names = list(local_names(f.sentence, f.offset, f.metric))
        if f.context and all(n != f.context for n, _ in names):
            names.append((f.context, 0.9))
        return names

    def period_sure(self, src: Source) -> bool:
        """Whether a source's period can be trusted: a year in a table's headers (本报告期,
        上年度末 depend on a report period the reader works out), or see
        :func:`~extractor.checks.article.period_is_sure` for text."""
        f, doc = src.fig, src.doc
        if f.method == "table":
            return f.extra.get("header_year") is not None or period_words(src.where) == "explicit"
        earlier = self._earlier(doc.id, f.sent_idx or 0)
        year = int(doc.published[:4]) if doc.published and doc.published[:4].isdigit() else None
        # 今年, 去年 resolve against the document's date: sure only when it has one
        return period_is_sure(f.sentence, f.offset, year, dated=(doc.published or False) if year else False, earlier=earlier,
                              period=f.period)

    def _earlier(self, doc_id: int, k: int) -> tuple[str, ...]:
        """The five sentences before sentence ``k`` of a document, nearest first."""
        key = (doc_id, k)
        if key not in self._earlier_cache:
            self._earlier_cache[key] = tuple(t for (t,) in self.conn.execute(
                "select text from sentences where doc_id = ? and idx between ? and ? order by idx desc",
                [doc_id, k - 5, k - 1]))
        return self._earlier_cache[key]

    def _row_label(self, f: Fig) -> str | None:
        """The nearest label cell left of a table fact in its row (营业收入, 净利润)."""
        if f.table_id is None or f.row is None or f.col is None:
            return None
        key = (f.table_id, f.row)
        if key not in self._labels:
            cells = self.conn.execute("select col, text from table_cells where table_id = ? and row = ?"
                                      " and fact_id is null order by col", list(key)).fetchall()
            self._labels[key] = [(col, t.strip()) for col, t in cells if t and re.search(r"[^\W\d_]", t)]
        left = [t for col, t in self._labels[key] if col < f.col]
        return left[-1] if left else None

    def _context(self, f: Fig) -> str | None:
        """The metric a bare 出口 or an unnamed figure takes from the figures before it."""
        if f.doc_id not in self._contexts:
            figs = [fig_from_row(r) for r in rows(self.conn, SOURCE_SQL + " where f.doc_id = ? and f.method != 'table'",
                                                  [f.doc_id])]
            add_context(figs)
            self._contexts[f.doc_id] = {g.id: g for g in figs}
        g = self._contexts[f.doc_id].get(f.id)
        return g.context if g is not None else None


def header_year(f: Fig, col_header: str | None) -> None:
    """Read a table column's year from its header as the gold conventions do: 2023年 or
    2022A gives that year, 2023E a forecast for it. The innermost header row with a
    year counts (公司点评/主要财务数据及预测/2022E), or the period it writes (2023年第四季度)."""
    said = _header_period(col_header or "")
    if said is not None:
        year, period, forecast = said
        f.extra["header_year"] = year
        f.period = period
        if forecast:
            f.modality = "forecast"


@lru_cache(maxsize=20_000)
def _header_period(header: str) -> tuple[str, str, bool] | None:
    from extractor.facts.periods import find_periods

    for part in reversed(header.split("/")):
        years = {(m.group(1), (m.group(2) or "").upper()) for m in _HEADER_YEAR.finditer(part)}
        if not years:
            continue
        if len(years) > 1:
            return None
        [(year, mark)] = years
        said = [p.period for p in find_periods(part, None) if p.period.startswith(year)]
        return year, said[0] if said else year, mark == "E"
    return None
