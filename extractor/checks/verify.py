"""Verify the figures of an article against the facts database.

Every figure the article states (dates, ordinals, list and meeting numbers are
not figures) is read with its metric, subject and period
(:mod:`extractor.checks.article`), candidate source facts are gathered
(:mod:`extractor.checks.sources`) and scored (:mod:`extractor.checks.match`):

* ``supported``: a source gives the same value within the article's rounding
  (约, 近, 超过, 七成 …, in any unit) about the same metric by meaning, subject
  and period;
* ``contradicted``: a source gives another value for the same metric, subject
  and period (a slip of digits — 2135 for 2315 — counts here);
* ``unsupported``: no source states it.

Scoring runs twice: documents that confirm several of the article's figures are
its likely sources, and in the second pass all their facts take part, with the
region and period a source document leaves implicit weighing less. Every
verdict has a reason in Chinese and English (:mod:`extractor.checks.reasons`)
and the nearest candidates with their scores.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from extractor.checks.article import (
    MAX_ARTICLE_BYTES,
    MAX_ARTICLE_CHARS,
    ArticleFigure,
    article_date,
    article_figures,
    parse_article,
    parse_article_file,
    prepare,
)
from extractor.checks.figures import Fig
from extractor.checks.match import Scored, contradicts, rescore, score, specificity, supports
from extractor.checks.metrics import terms
from extractor.checks.sources import Source, Sources
from extractor.facts.synonyms import metric_key, variants
from extractor.models import ParsedDocument
from extractor.settings import SETTINGS

__all__ = ["MAX_ARTICLE_BYTES", "MAX_ARTICLE_CHARS", "STATUSES", "NumberResult", "Report", "article_date",
           "parse_article", "parse_article_file", "prepare", "segments",
           "segments_of", "verify_bytes", "verify_document", "verify_text"]

STATUSES = ("supported", "contradicted", "unsupported")
MAX_EVIDENCE = SETTINGS.verify.max_evidence
MAX_CANDIDATES = SETTINGS.verify.max_candidates
HOME_MIN = SETTINGS.verify.home_min  # figures a document must confirm to count as one of the article's sources
HOME_SHARE = SETTINGS.verify.home_share  # … and this share of the article's figures
MAX_HOME = SETTINGS.verify.max_home
PREFER_AGAINST = SETTINGS.verify.prefer_against  # how much closer in metric a contradiction must be than a confirmation


@dataclass
class NumberResult:
    """One figure of the article and the verdict on it."""

    figure: ArticleFigure
    status: str
    reason: dict[str, str]
    evidence: list[dict] = field(default_factory=list)  # the deciding sources
    candidates: list[dict] = field(default_factory=list)  # the nearest sources, scored

    @property
    def fig(self) -> Fig:
        return self.figure.fig

    @property
    def start(self) -> int | None:
        return self.figure.start

    @property
    def end(self) -> int | None:
        return self.figure.end

    @property
    def page_index(self) -> int:
        return self.figure.page_index

    def as_dict(self) -> dict:
        a = self.figure
        metric = "".join(terms(a.metric or "")) or a.metric
        return {
            "n": a.n,
            "quote": a.fig.quote,
            "value_norm": a.fig.v,
            "unit_norm": a.fig.unit_norm,
            "kind": a.fig.kind,
            "qualifier": a.fig.qualifier,
            "status": self.status,
            "reason": self.reason,
            "metric": metric,
            "metric_key": metric_key(a.metric or ""),
            "region": a.fig.region,
            "period": a.period,
            "modality": a.fig.modality,
            "page": a.fact.page,
            "page_index": a.page_index,
            "start": a.start,
            "end": a.end,
            "sentence": a.fact.sentence,
            "evidence": self.evidence,
            "candidates": self.candidates,
        }


@dataclass
class Report:
    document: ParsedDocument
    numbers: list[NumberResult]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(n.status == s for n in self.numbers) for s in STATUSES}

    @property
    def contradicted(self) -> bool:
        return any(n.status == "contradicted" for n in self.numbers)

    def as_dict(self) -> dict:
        d = self.document
        return {
            "article": {"title": d.title, "date": d.published, "path": d.path},
            "totals": {"figures": len(self.numbers), **self.counts},
            "numbers": [n.as_dict() for n in self.numbers],
        }


# -- gathering candidates ---------------------------------------------------------------


def _window(a: Fig) -> tuple[float, float]:
    """Values a source confirming ``a`` may have: the article's rounding, a source
    rounder than the article (1 %), more for a bound (超过6000亿元)."""
    lo, hi = a.interval()
    spread = max(a.tol(), 0.012 * abs(a.v))
    lo = max(lo, a.v - spread) if lo != float("-inf") else a.v - spread - 0.5 * abs(a.v)
    hi = min(hi, a.v + spread) if hi != float("inf") else a.v + spread + 0.5 * abs(a.v)
    return min(lo, a.v - spread), max(hi, a.v + spread)


def _near(v: float) -> tuple[float, float]:
    """Values within a factor of ten of ``v``: where another value of the same metric is."""
    lo, hi = sorted((v / 10, v * 10))
    return lo, hi


MAX_PHRASES = SETTINGS.verify.max_phrases  # metric phrases a figure is looked up by


def _search_phrases(a: ArticleFigure) -> list[str]:
    """What to look the figure's metric up by: the words of its best-weighted name
    (longest first) with their synonyms (营业收入: 营收, 营业额 …), at most a few."""
    words: list[str] = []
    for name, _ in sorted(a.names, key=lambda n: -n[1])[:2]:
        words += sorted(terms(name), key=len, reverse=True)
    out: list[str] = []
    for w in dict.fromkeys(words):
        out += [v for v in variants(w) if len(v) >= 2]
    return list(dict.fromkeys(out))[:MAX_PHRASES]


def gather(sources: Sources, a: ArticleFigure) -> list[Source]:
    """Candidate sources for one figure: by value, then by metric. A value of few
    digits (5%, 20个) is common: only sources whose sentence names the figure's
    metric are read for it (the article's source documents add the rest)."""
    f = a.fig
    if f.v is None:
        return []
    found: dict[int, Source] = {}
    phrases = _search_phrases(a)
    by_name = phrases if specificity(f) < 0.5 else None
    lo, hi = _window(f)
    units = [f.unit_norm] + (["%"] if f.unit_norm == "pp" else [])
    for unit in [u for u in units if u is not None]:
        for s in sources.by_value(unit, lo, hi, by_name):
            found[s.fig.id] = s
        if a.loss:
            for s in sources.by_value(unit, -hi, -lo, by_name):
                found[s.fig.id] = s
    if f.unit_norm is None or f.kind in ("count", "amount"):
        for s in sources.by_unitless(lo, hi, by_name):  # 461万志愿者 in a source that writes no 名
            found[s.fig.id] = s
    if f.v and not f.vague and a.period:
        # a rate's sign may be what the article gets wrong (增长4.6% for 下降4.6%)
        for v in ([f.v, -f.v] if a.loss or f.kind in ("growth", "pp_change") else [f.v]):
            for s in sources.by_metric(phrases, f.unit_norm, *_near(v), v, a.period):
                found[s.fig.id] = s
    if f.unit_norm in ("x", "%", "pp"):
        step = f.h / (f.factor or 1)
        for s in sources.by_raw_value(f.value - step, f.value + step, phrases):
            found[s.fig.id] = s
    return list(found.values())


def _home_candidates(sources: Sources, a: ArticleFigure, home: list[int]) -> list[Source]:
    """The facts of the article's source documents that could be about this figure's value."""
    out = []
    v = a.fig.v
    for doc_id in home:
        for s in sources.document(doc_id):
            c = s.fig.v
            if c is None:
                continue
            if v and c and (c / v >= 0.1 and c / v <= 10 or (a.loss and -c / v >= 0.1 and -c / v <= 10)):
                out.append(s)
            elif s.fig.unit_norm is None and s.fig.method == "table":
                out.append(s)
    return out


# -- judging ----------------------------------------------------------------------------------


def _scored(a: ArticleFigure, pool: list[Source], home: set[int]) -> list[Scored]:
    out = []
    seen = set()
    for s in pool:
        if s.fig.id in seen:
            continue
        seen.add(s.fig.id)
        x = score(a, s, home)
        if x is not None:
            out.append(x)
    out.sort(key=lambda x: (-x.score, x.fig.method == "table", x.fig.id))
    return out


def _home_documents(figures: list[ArticleFigure], scored: list[list[Scored]]) -> list[int]:
    """Documents confirming several of the article's figures: its likely sources."""
    counts: Counter[int] = Counter()
    for a, xs in zip(figures, scored, strict=True):
        docs = {x.fig.doc_id for x in xs if supports(a, x)}
        counts.update(docs)
    need = max(HOME_MIN, HOME_SHARE * len(figures))
    return [d for d, n in counts.most_common(MAX_HOME) if n >= need]


def _claimed_elsewhere(x: Scored, siblings: list[ArticleFigure]) -> bool:
    """Whether the source's value is what another figure of the article's sentence
    states (分别为4.7亿元、7.2亿元和9.3亿元): it is that figure's source, not a
    contradiction of this one."""
    from extractor.checks.figures import relation

    return any(b.fig.unit_norm == x.fig.unit_norm and relation(b.fig, x.fig, directional=True) == "match"
               for b in siblings)


def judge(a: ArticleFigure, scored: list[Scored], siblings: list[ArticleFigure] = ()) -> tuple[str, list[Scored]]:
    """(status, the deciding sources best first) for one figure; ``siblings`` are the
    other figures of its sentence."""
    support = [x for x in scored if supports(a, x)]
    against = [x for x in scored if contradicts(a, x, supported=bool(support))
               and not _claimed_elsewhere(x, list(siblings))]
    against.sort(key=lambda x: (-(x.metric + 0.1 * x.near_miss + 0.05 * x.home), -x.score))
    if against and (not support or against[0].metric - max(x.metric for x in support) >= PREFER_AGAINST):
        best = against[0].metric
        return "contradicted", [x for x in against if x.metric >= best - 0.15]
    if support:
        return "supported", support
    return "unsupported", []


def _entry(x: Scored) -> dict:
    c = x.fig
    return {
        "fact_id": c.id,
        "doc_id": c.doc_id,
        "document": x.source.doc.path,
        "title": x.source.doc.title,
        "page": c.page,
        "sentence": c.sentence,
        "quote": c.label,
        "value_norm": c.v,
        "unit_norm": c.unit_norm,
        "metric": c.metric,
        "region": c.region,
        "period": c.period,
        "method": c.method,
        "relation": x.relation,
        "score": round(x.score, 3),
        "similarity": round(x.metric, 3),
        "parts": x.parts(),
    }


def _distinct(xs: list[Scored], limit: int) -> list[dict]:
    seen, out = set(), []
    for x in xs:
        key = (x.fig.doc_id, round(x.fig.v, 6), x.fig.sentence)
        if key in seen:
            continue
        seen.add(key)
        out.append(_entry(x))
        if len(out) == limit:
            break
    return out


def verify_document(conn: sqlite3.Connection, doc: ParsedDocument) -> Report:
    """Judge every figure of a parsed article against the database on ``conn``."""
    from extractor.checks import reasons

    sources = Sources(conn)
    figures = article_figures(doc)
    scored = [_scored(a, gather(sources, a), set()) for a in figures]
    home = set(_home_documents(figures, scored))
    if home:
        for a, xs in zip(figures, scored, strict=True):
            seen = {x.fig.id for x in xs}
            for x in xs:
                x.home = x.fig.doc_id in home
                rescore(x)
            xs += _scored(a, [s for s in _home_candidates(sources, a, sorted(home)) if s.fig.id not in seen], home)
            xs.sort(key=lambda x: (-x.score, x.fig.method == "table", x.fig.id))
    out = []
    for a, xs in zip(figures, scored, strict=True):
        siblings = [b for b in figures if b is not a and b.fact.sentence == a.fact.sentence and b.page_index == a.page_index]
        status, deciding = judge(a, xs, siblings)
        if status == "supported":
            reason = reasons.supported(a, deciding[0])
        elif status == "contradicted":
            reason = reasons.contradicted(a, deciding[0])
        else:
            reason = reasons.unsupported(a, xs)
        out.append(NumberResult(a, status, reason, _distinct(deciding, MAX_EVIDENCE), _distinct(xs, MAX_CANDIDATES)))
    return Report(doc, out)


def verify_bytes(conn: sqlite3.Connection, data: bytes, name: str = "article.txt", *, date: str | None = None,
                 plain: bool = False) -> Report:
    return verify_document(conn, parse_article(data, name, date=date, plain=plain))


def verify_text(conn: sqlite3.Connection, text: str, *, date: str | None = None) -> Report:
    """Verify pasted text (front matter allowed, markup kept as text)."""
    return verify_bytes(conn, text.encode("utf-8"), "article.txt", date=date, plain=True)


def segments(report: Report) -> list[list[dict]]:
    """The article's text by page, cut into plain runs and numbered figures:
    ``[[{"text", "n", "status"}, …], …]`` (``n`` is None for plain text)."""
    return segments_of([p.text for p in report.document.pages], [r.as_dict() for r in report.numbers])


def segments_of(pages: list[str], numbers: list[dict]) -> list[list[dict]]:
    """:func:`segments` from page texts and figures as in the report's JSON (``n``,
    ``page_index``, ``start``, ``end``, ``status``): what a permalink shows again."""
    out: list[list[dict]] = []
    for i, text in enumerate(pages):
        marks = sorted((r["start"], r["end"], r["n"], r["status"]) for r in numbers
                       if r.get("page_index", 0) == i and r.get("start") is not None and r.get("end") is not None)
        runs, pos = [], 0
        for start, end, n, status in marks:
            if start < pos:
                continue
            if start > pos:
                runs.append({"text": text[pos:start], "n": None, "status": None})
            runs.append({"text": text[start:end], "n": n, "status": status})
            pos = end
        if pos < len(text):
            runs.append({"text": text[pos:], "n": None, "status": None})
        out.append(runs)
    return out
