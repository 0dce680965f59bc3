"""Source facts that may confirm or contradict an article's figure, read from the database.

Three ways in, cheapest first, so that an article is checked against a large
database in well under a second:

* by value: facts of the figure's unit whose value lies within the article's
  rounding (and a little beyond, for a source rounder than the article), on the
  ``(unit_norm, value_norm)`` index;
* by metric: facts whose sentence names the figure's metric or one of its
  synonyms (the bigram full-text index), of the same unit and a value within a
  factor of ten — where a different value, a contradiction, is found;
* by document: every fact of the documents that already confirm several of the
  article's figures, the article's likely sources (:meth:`Sources.document`).

A :class:`Source` is a stored fact as a :class:`~extractor.checks.figures.Fig`
with what matching needs: its document, the metric phrases its sentence or
table headers give, and whether its period and region are written where it is.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.checks.article import clause_before, local_names, period_is_sure, subjects_in
from extractor.checks.figures import Fig, add_context, fig_from_row, norm_region, rows

SOURCE_SQL = """
select f.*, s.idx as sent_idx, s.char_start as s_start, c.row as t_row, c.col as t_col,
       c.row_header as row_header, c.col_header as col_header, t.caption as caption
from facts f
left join sentences s on s.id = f.sentence_id
left join table_cells c on c.fact_id = f.id
left join tables t on t.id = f.table_id
"""
MAX_BY_METRIC = 300  # facts read per figure through the metric index
MAX_BY_VALUE = 2000


@dataclass
class Doc:
    """A source document: where it is and what it is about."""

    id: int
    path: str
    title: str | None
    published: str | None
    identity: str  # title, file name and opening text: names the document's subject


@dataclass
class Source:
    """A stored fact as a candidate source for an article's figure."""

    fig: Fig
    doc: Doc
    names: list[tuple[str, float]] = field(default_factory=list)
    region_stated: bool = False  # its region is named in its sentence or headers
    sure: bool | None = None  # its period can be trusted; worked out when first needed
    work_out: Callable[[], bool] | None = field(default=None, repr=False)

    @property
    def period_stated(self) -> bool:
        """Whether its period can be trusted (:func:`extractor.checks.article.period_is_sure`)."""
        if self.sure is None:
            self.sure = bool(self.work_out()) if self.work_out else False
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
        self._contexts: dict[int, dict[int, Fig]] = {}
        self._labels: dict[int, dict[int, list[tuple[int, str]]]] = {}
        self.has_fts = bool(conn.execute(
            "select 1 from sqlite_master where name = 'facts_fts'").fetchone())

    # -- queries --------------------------------------------------------------------

    def by_value(self, unit: str | None, lo: float, hi: float) -> list[Source]:
        if unit is None:
            return []
        found = rows(self.conn, SOURCE_SQL + " where f.unit_norm = ? and f.value_norm between ? and ? limit ?",
                     [unit, lo, hi, MAX_BY_VALUE])
        return self._sources(found)

    def by_raw_value(self, lo: float, hi: float) -> list[Source]:
        """Table cells without a unit (a P/E column of 30.47) with a printed value in [lo, hi]."""
        found = rows(self.conn, SOURCE_SQL + " where f.unit_norm is null and f.method = 'table'"
                     " and f.value between ? and ? limit ?", [lo, hi, MAX_BY_VALUE])
        return self._sources(found)

    def by_metric(self, phrases: list[str], unit: str | None, lo: float, hi: float) -> list[Source]:
        """Facts of ``unit`` with a value in [lo, hi] whose sentence names one of ``phrases``."""
        from extractor.store.search import FTS_TABLE, term_phrase

        if unit is None or not phrases:
            return []
        match = " OR ".join(dict.fromkeys(p for p in (term_phrase(t) for t in phrases) if p))
        if not match:
            return []
        if self.has_fts:
            where = f"f.id in (select rowid from {FTS_TABLE} where {FTS_TABLE} match ?)"
            params: list = [match]
        else:
            where = "(" + " or ".join("instr(f.sentence, ?) > 0" for _ in phrases) + ")"
            params = list(phrases)
        sql = SOURCE_SQL + f" where {where} and f.unit_norm = ? and f.value_norm between ? and ? limit ?"
        try:
            found = rows(self.conn, sql, [*params, unit, lo, hi, MAX_BY_METRIC])
        except sqlite3.OperationalError:  # a phrase FTS5 can't parse: no metric channel for it
            return []
        return self._sources(found)

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
        doc = self.doc(f.doc_id)
        f.extra.update(document=doc.path, title=doc.title, published=doc.published)
        if f.method == "table":
            header_year(f, r.get("col_header"))
            label = self._row_label(f)
            col = r.get("col_header")
            headers = [h for h in (label, r.get("row_header"), col) if h]
            names = [(f.metric, 1.0)] if f.metric else []
            names += [(h, 0.9) for h in dict.fromkeys(headers)]
            if label and col:
                names.append((label + " " + col, 1.0))
            where = " ".join(filter(None, [*headers, r.get("caption")]))
            # 本报告期, 上年度末 in a statement's headers depend on a report period the
            # reader works out: only a year written in the headers is sure
            period_stated = f.extra.get("header_year") is not None or (
                period_words(where) == "explicit" if where else False)
            region_stated = bool(f.region) and norm_region(f.region) in subjects_in(where)
        else:
            if self._bare(f):
                f.context = self._context(f)
            names = local_names(f.sentence, f.offset, f.metric)
            if f.context and all(n != f.context for n, _ in names):
                names.append((f.context, 0.9))
            # 今年, 去年 resolve against the document's date: sure only when it has one
            period_stated = None
            region_stated = bool(f.region) and norm_region(f.region) in subjects_in(f.sentence)
        src = Source(f, doc, names, region_stated, period_stated)
        if period_stated is None:
            src.work_out = lambda: self._period_sure(f, doc)
        if r.get("period_source"):  # the extractor says how it decided: trust it when present
            src.sure = r["period_source"] in ("stated", "table")
        if r.get("region_source"):
            src.region_stated = r["region_source"] in ("stated", "table")
        return src

    def _period_sure(self, f: Fig, doc: Doc) -> bool:
        k = f.sent_idx or 0
        earlier = tuple(t for (t,) in self.conn.execute(
            "select text from sentences where doc_id = ? and idx between ? and ? order by idx desc",
            [f.doc_id, k - 5, k - 1]))
        year = int(doc.published[:4]) if doc.published and doc.published[:4].isdigit() else None
        return period_is_sure(f.sentence, f.offset, year, dated=doc.published if year else False, earlier=earlier,
                              period=f.period)

    def _row_label(self, f: Fig) -> str | None:
        """The nearest label cell left of a table fact in its row (营业收入, 净利润)."""
        if f.table_id is None or f.row is None or f.col is None:
            return None
        if f.table_id not in self._labels:
            cells = self.conn.execute("select row, col, text, fact_id from table_cells where table_id = ?",
                                      [f.table_id]).fetchall()
            labels: dict[int, list[tuple[int, str]]] = {}
            for row, col, text, fact_id in cells:
                t = (text or "").strip()
                if fact_id is None and t and re.search(r"[^\W\d_]", t):
                    labels.setdefault(row, []).append((col, t))
            self._labels[f.table_id] = labels
        left = [t for col, t in sorted(self._labels[f.table_id].get(f.row, [])) if col < f.col]
        return left[-1] if left else None

    @staticmethod
    def _bare(f: Fig) -> bool:
        from extractor.checks.figures import metric_core

        return metric_core(f.metric or "") in ("", "出口", "进口")

    def _context(self, f: Fig) -> str | None:
        """The metric a bare 出口 or an unnamed figure takes from the figures before it."""
        if f.doc_id not in self._contexts:
            figs = [fig_from_row(r) for r in rows(self.conn, SOURCE_SQL + " where f.doc_id = ? and f.method != 'table'",
                                                  [f.doc_id])]
            add_context(figs)
            self._contexts[f.doc_id] = {g.id: g for g in figs}
        g = self._contexts[f.doc_id].get(f.id)
        return g.context if g is not None else None


_HEADER_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:年度?)?\s*([AEae])?(?![\d.])")


def header_year(f: Fig, col_header: str | None) -> None:
    """Read a table column's year from its header as the gold conventions do: 2023年 or
    2022A gives that year, 2023E a forecast for it. The innermost header row with a
    year counts (公司点评/主要财务数据及预测/2022E), or the period it writes (2023年第四季度)."""
    for part in reversed((col_header or "").split("/")):
        years = {(m.group(1), (m.group(2) or "").upper()) for m in _HEADER_YEAR.finditer(part)}
        if not years:
            continue
        if len(years) == 1:
            from extractor.facts.periods import find_periods

            [(year, mark)] = years
            f.extra["header_year"] = year
            said = [p.period for p in find_periods(part, None) if p.period.startswith(year)]
            f.period = said[0] if said else year
            if mark == "E":
                f.modality = "forecast"
        return


def clause_of(source: Source) -> str:
    """The words before a text fact in its clause."""
    f = source.fig
    return clause_before(f.sentence, f.offset) if f.method != "table" else ""
