"""Verify the figures of an article against the facts database.

Every figure the article states is read with the same grammar as the sources
(:mod:`extractor.facts.sentence`), its relative periods (今年, 上半年) resolved against
the article's date, and judged against the stored facts:

* ``supported``: a source fact of the same value within rounding (the source
  rounds to the article's figure), about a compatible metric, region and period;
* ``contradicted``: a source fact about the same metric, region and period with
  a value outside the rounding of both (the evidence shows it);
* ``unsupported``: no source says.

Metric similarity, precision and region/period matching are shared with the
internal checks (:mod:`extractor.checks.figures`, :mod:`extractor.checks.conflicts`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from extractor.checks.conflicts import clause_qualifiers
from extractor.checks.figures import (
    FACT_SQL,
    LEVEL_KINDS,
    TRADE_PARTS,
    Fig,
    add_context,
    fig_from_row,
    fig_similarity,
    load_figs,
    metric_core,
    norm_region,
    relation,
    rows,
    strict_similarity,
)
from extractor.errors import DocumentTooLarge, InvalidDate
from extractor.facts.regions import DEFAULT_COUNTRY
from extractor.models import Fact, ParsedDocument
from extractor.settings import SETTINGS

#: The largest article verified at once: its file or form (HTML with its page furniture) and its text.
MAX_ARTICLE_BYTES = SETTINGS.verify.max_article_bytes
MAX_ARTICLE_CHARS = SETTINGS.verify.max_article_chars
SUPPORT_SIM = SETTINGS.verify.support_sim  # metric similarity that confirms an equal value (region and period agree)
LOOSE_SUPPORT_SIM = SETTINGS.verify.loose_support_sim  # … when the region or the period of one side is unknown
CONTRADICT_SIM = SETTINGS.verify.contradict_sim  # metric similarity for "the same metric"
MAX_EVIDENCE = SETTINGS.verify.max_evidence
STATUSES = ("supported", "contradicted", "unsupported")


@dataclass
class NumberResult:
    """One figure of the article and the verdict on it."""

    fig: Fig
    status: str
    evidence: list[dict] = field(default_factory=list)
    start: int | None = None  # offsets of the quote in its page's text
    end: int | None = None
    page_index: int = 0

    def as_dict(self) -> dict:
        return {
            "quote": self.fig.quote,
            "value_norm": self.fig.v,
            "unit_norm": self.fig.unit_norm,
            "status": self.status,
            "evidence": self.evidence,
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
        return {"numbers": [n.as_dict() for n in self.numbers]}


# -- reading the article ------------------------------------------------------------


def article_date(value: str | None) -> str | None:
    """The ISO date of a date given for an article (2024-05-01, 2024/5/1, 2024年5月1日 …);
    raises :class:`~extractor.errors.InvalidDate` with what to write instead."""
    from extractor.parse.normalize import normalize_date

    if value is None or not str(value).strip():
        return None
    iso = normalize_date(str(value))
    if iso is None:
        raise InvalidDate(f"the date {str(value)[:40]!r} is not a date: write it as 2024-05-01")
    return iso


def _too_large(size: int, what: str) -> DocumentTooLarge:
    return DocumentTooLarge(f"the article has {size:,} {what}; at most {MAX_ARTICLE_BYTES >> 20} MB and "
                            f"{MAX_ARTICLE_CHARS:,} characters of text are verified at once: verify it in parts")


def parse_article(data: bytes, name: str = "article.txt", *, date: str | None = None,
                  plain: bool = False) -> ParsedDocument:
    """An article from its bytes: HTML, Markdown (with front matter) or text.

    ``plain`` reads it as text whatever it looks like (what a user pasted),
    taking only the metadata of a front-matter block. ``date`` (any usual
    format) overrides the article's own date.
    """
    from extractor.parse import sniff_kind
    from extractor.parse.html import parse_html
    from extractor.parse.markdown import parse_markdown, split_front_matter
    from extractor.parse.normalize import normalize_date
    from extractor.parse.text import decode_text, parse_text

    if len(data) > MAX_ARTICLE_BYTES:
        raise _too_large(len(data), "bytes")
    date = article_date(date)
    suffix = Path(name).suffix.lower()
    if plain:
        meta, body = split_front_matter(decode_text(data))
        doc = parse_text(Path(name), body.encode("utf-8"))
        title = meta.get("title")
        doc.title = str(title) if title else None
        doc.published = next((d for k in ("date", "published", "pubdate") if (d := normalize_date(meta.get(k)))), None)
    else:
        kind = sniff_kind(data, suffix)
        if kind == "pdf":
            raise ValueError("a PDF article must be read from a file: use parse_article_file")
        parser = {"html": parse_html, "markdown": parse_markdown}.get(kind, parse_text)
        doc = parser(Path(name), data)
    return _prepare(doc, date)


def parse_article_file(path: Path, *, date: str | None = None) -> ParsedDocument:
    """An article from a file of any supported type (PDF too)."""
    from extractor.parse import parse_file

    date = article_date(date)
    size = Path(path).stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise _too_large(size, "bytes")
    return _prepare(parse_file(Path(path)), date)


def _prepare(doc: ParsedDocument, date: str | None) -> ParsedDocument:
    """Apply the given date (ISO); put the title in the text as ingest does. Raises
    DocumentTooLarge for an article of more than :data:`MAX_ARTICLE_CHARS` characters."""
    chars = sum(len(p.text) for p in doc.pages)
    if chars > MAX_ARTICLE_CHARS:
        raise _too_large(chars, "characters")
    if date:
        doc.published = date
    if doc.title and doc.pages and doc.doc_type != "pdf" and doc.title not in doc.pages[0].text[:500]:
        doc.pages[0].text = doc.title + "\n" + doc.pages[0].text
    return doc


def article_figs(doc: ParsedDocument) -> list[tuple[Fig, Fact]]:
    """The article's figures in reading order, as :class:`Fig` (ids are positions)."""
    from extractor.facts.segment import sentences as split
    from extractor.facts.sentence import extract_facts

    sents = split(doc.pages)
    starts = {s.index: s.char_start for s in sents}
    facts = extract_facts(doc, sents)
    out = []
    for i, f in enumerate(facts):
        row = f.model_dump()
        row.update(id=-(i + 1), doc_id=None, sent_idx=f.sentence_index, s_start=starts.get(f.sentence_index))
        out.append((fig_from_row(row), f))
    add_context([g for g, _ in out])
    return out


# -- judging -------------------------------------------------------------------------


def _compatible(a: Fig, c: Fig) -> bool:
    if a.unit_norm is None or a.unit_norm != c.unit_norm:
        return False
    return a.kind == c.kind or (a.kind in LEVEL_KINDS and c.kind in LEVEL_KINDS)


def _place_score(a: str | None, b: str | None) -> float:
    a, b = norm_region(a), norm_region(b)
    if a is None or b is None:
        return 0.5
    if a == b:
        return 1.0
    return 0.5 if DEFAULT_COUNTRY in (a, b) else 0.0  # a default national region may stand for an unnamed place


def _period_score(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return 0.5
    return 1.0 if a == b else 0.0


class Sources:
    """Candidate source facts for an article figure, read from the database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._docs: dict[int, dict[int, Fig]] = {}

    def candidates(self, a: Fig) -> list[Fig]:
        sql = FACT_SQL.replace(
            "from facts f",
            ", d.path as document, d.title as title, d.published as published, d.publisher as publisher "
            "from facts f join documents d on d.id = f.doc_id",
        )
        if a.period:
            found = rows(self.conn, sql + " where f.unit_norm = ? and (f.period = ? or f.period is null)",
                         [a.unit_norm, a.period])
        else:
            spread = max(0.05 * abs(a.v), 2 * a.tol())
            found = rows(self.conn, sql + " where f.unit_norm = ? and f.value_norm between ? and ?",
                         [a.unit_norm, a.v - spread, a.v + spread])
        figs = []
        for r in found:
            f = fig_from_row(r)
            if metric_core(f.metric or "") in ("", *TRADE_PARTS):
                f = self._in_context(f)
            figs.append(f)
        return figs

    def _in_context(self, f: Fig) -> Fig:
        """The same fact read with its document, so a bare 出口 learns its subject."""
        if f.doc_id not in self._docs:
            self._docs[f.doc_id] = {g.id: g for g in load_figs(self.conn, f.doc_id)}
        g = self._docs[f.doc_id].get(f.id)
        if g is not None:
            f.context = g.context
        return f


def judge(a: Fig, cands: list[Fig]) -> tuple[str, list[tuple[float, Fig]]]:
    """(status, evidence best first) for article figure ``a``."""
    support: list[tuple[float, Fig]] = []
    implied: list[tuple[float, Fig]] = []
    against: list[tuple[float, Fig]] = []
    quals = clause_qualifiers(a)
    # a figure whose metric is unnamed (衢州同比增长22.32%) can still be confirmed by a
    # precise equal value about the same place and period
    unnamed = not a.core and not a.vague and _significant(a.quote) >= 3
    for c in cands:
        if not _compatible(a, c):
            continue
        rs, ps = _place_score(a.region, c.region), _period_score(a.period, c.period)
        if rs == 0 or ps == 0:
            continue
        sim = fig_similarity(a, c)
        rel = relation(a, c, directional=True)
        if unnamed and rs == ps == 1 and rel == "match":
            sim = max(sim, SUPPORT_SIM)
        if rel in ("match", "implied") and sim >= (SUPPORT_SIM if rs == ps == 1 else LOOSE_SUPPORT_SIM):
            (support if rel == "match" else implied).append((sim, c))
        elif (rel == "mismatch" and rs == ps == 1 and sim >= CONTRADICT_SIM and not a.vague and not c.vague
              and _same_modality(a, c) and clause_qualifiers(c) == quals
              and (strict := strict_similarity(a, c)) >= CONTRADICT_SIM):
            against.append((strict, c))
    for group in (support, implied, against):
        group.sort(key=lambda x: (-x[0], x[1].method == "table"))
    # a source of the same number outweighs one of another number about a less similar
    # metric; a bound it merely implies does not outweigh a source that words it otherwise
    if against and (not support or against[0][0] - support[0][0] >= 0.3):
        return "contradicted", [x for x in against if x[0] >= against[0][0] - 0.15]
    if support or implied:
        return "supported", support + implied
    return "unsupported", []


def _significant(quote: str) -> int:
    digits = re.sub(r"\D", "", (re.search(r"\d[\d,.]*", quote or "") or [""])[0])
    return len(digits.strip("0")) if "." not in quote else len(digits.lstrip("0"))


def _same_modality(a: Fig, c: Fig) -> bool:
    plan = ("target", "forecast")
    return a.modality == c.modality or (a.modality in plan and c.modality in plan)


def _evidence(c: Fig, sim: float) -> dict:
    return {
        "fact_id": c.id,
        "document": c.extra.get("document"),
        "page": c.page,
        "sentence": c.sentence,
        "value_norm": c.v,
        "quote": c.label,
        "doc_id": c.doc_id,
        "title": c.extra.get("title"),
        "similarity": round(sim, 3),
    }


def verify_document(conn: sqlite3.Connection, doc: ParsedDocument) -> Report:
    """Judge every figure of a parsed article against the database on ``conn``."""
    sources = Sources(conn)
    out = []
    for fig, fact in article_figs(doc):
        status, ev = judge(fig, sources.candidates(fig)) if fig.unit_norm else ("unsupported", [])
        seen, evidence = set(), []
        for sim, c in ev:
            key = (c.doc_id, c.v, c.sentence)
            if key not in seen:
                seen.add(key)
                evidence.append(_evidence(c, sim))
            if len(evidence) == MAX_EVIDENCE:
                break
        page_index = next((i for i, p in enumerate(doc.pages) if p.number == fact.page), 0)
        out.append(NumberResult(fig, status, evidence, fact.char_start, fact.char_end, page_index))
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
    pages: list[list[dict]] = []
    for i, page in enumerate(report.document.pages):
        marks = sorted(
            ((r.start, r.end, n, r.status) for n, r in enumerate(report.numbers, 1)
             if r.page_index == i and r.start is not None and r.end is not None),
        )
        runs, pos = [], 0
        for start, end, n, status in marks:
            if start < pos:
                continue
            if start > pos:
                runs.append({"text": page.text[pos:start], "n": None, "status": None})
            runs.append({"text": page.text[start:end], "n": n, "status": status})
            pos = end
        if pos < len(page.text):
            runs.append({"text": page.text[pos:], "n": None, "status": None})
        pages.append(runs)
    return pages
