"""What the whole document says about its facts: date, home place, default period, genre (plan or report), and the modality a figure takes from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.facts.cues import cues
from extractor.facts.periods import (
    date_line,
    find_periods,
    named_report_period,
    period_end,
    signature_date,
    title_date,
)
from extractor.facts.regions import document_places
from extractor.models import DateSource, NumberMention, ParsedDocument
from extractor.parse.normalize import normalize_date

_DEADLINE = re.compile(r"(?<![截])(?:到|至)\s*((?:19|20)\d{2})\s*年")


_SPAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")


@dataclass
class DocContext:
    """What the whole document says about its facts' defaults."""

    year: int | None = None
    month: int | None = None
    #: the document's own date and where it was read (see :func:`document_date`)
    date: str | None = None
    date_source: DateSource | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    country: str = "中国"
    region: str | None = None
    period: str | None = None
    is_plan: bool = False
    plan_years: tuple[int, int] | None = None


def document_context(doc: ParsedDocument) -> DocContext:
    """Date, home region, default period and genre of a document."""
    text = doc.text
    ctx = DocContext()
    ctx.date, ctx.date_source = (doc.date, doc.date_source) if doc.date else document_date(doc)
    if ctx.date:
        ctx.year = int(ctx.date[:4])
        ctx.month = int(ctx.date[5:7]) if len(ctx.date) >= 7 else None
    home = document_places(doc.title, text)
    ctx.province, ctx.city, ctx.county, ctx.country, ctx.region = home
    head = (doc.title or "") + "\n" + text[:400]
    ctx.is_plan = bool(cues()["plan_titles"].search(head))
    span = _SPAN_YEAR.search(head)
    if span:
        ctx.plan_years = (int(span.group(1)), int(span.group(2)))
    if ctx.is_plan and ctx.plan_years:
        ctx.period = str(ctx.plan_years[1])
    else:
        for source in (doc.title or "", text[:1500]):
            refs = find_periods(source, ctx.year, ctx.month)
            if ctx.year is not None:  # a history lesson in the opening lines is not the document's period
                refs = [p for p in refs if p.year is None or ctx.year - 2 <= p.year <= ctx.year + 1]
            refs = [p for p in refs if p.kind == "explicit"] or [p for p in refs if p.kind == "relative"]
            if refs:
                ctx.period = refs[0].period
                if ctx.year is None and refs[0].year:
                    ctx.year = refs[0].year
                break
    return ctx


def document_date(doc: ParsedDocument) -> tuple[str | None, DateSource | None]:
    """The document's own date and where it was read, best source first.

    What the manifest or the file's metadata gave (``doc.date``, else ``doc.published``);
    a date standing alone on a line of the cover (a report's ``2018年04月``) or of the closing
    signature; the end of the report period the cover or title names (2018年第一季度报告 →
    ``2018-03``); a date stamp or year in the title; the PDF's creation date.
    """
    if doc.date:
        return doc.date, doc.date_source
    if doc.published:
        return doc.published, "metadata"
    text = doc.text
    if date := date_line(text[:1500]):
        return date, "cover"
    if date := date_line(text[-1500:], last=True) or signature_date(text[-300:]):
        return date, "signature"
    head = (doc.title or "") + "\n" + text[:800]
    if period := named_report_period(head):
        return period_end(period), "report_period"
    if doc.title and (date := title_date(doc.title)):
        return date, "title"
    years = [int(y) for y in _YEAR_WORD.findall(text)]
    for key in ("CreationDate", "ModDate"):
        raw = (doc.metadata.get(key) or "").removeprefix("D:")
        date = normalize_date(raw[:8])
        # a page printed long after it was written carries the printing date: not when it is
        # later than every year the text names
        if date and (not years or int(date[:4]) <= max(years) + 1):
            return date, "file_metadata"
    return None, None


_YEAR_WORD = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年")


_PART = re.compile(r"[；;]")


def modality_for(m: NumberMention, text: str, period: str | None, ctx: DocContext, question: str | None = None) -> str:
    """actual, target or forecast, from the sentence's wording and the document's genre.

    A forecast word counts in the part of the sentence before the figure (since the last
    semicolon); ``question`` is the question a figure answers (…你的预测是什么？), whose
    forecast word counts when the answer has no wording of its own.
    """
    cue = cues()
    part_start = max((p.end() for p in _PART.finditer(text, 0, m.start)), default=0)
    pre = cue["not_forecast"].sub("", text[part_start : m.start])
    if cue["forecast"].search(pre):
        return "forecast"
    year = int(period[:4]) if period and period[:4].isdigit() else None
    if cue["target"].search(text):
        return "target"
    for d in _DEADLINE.finditer(pre):
        if ctx.year is None or int(d.group(1)) > ctx.year:
            return "target"  # 到2026年…达到: a deadline in the future
    if ctx.is_plan:
        start = ctx.plan_years[0] if ctx.plan_years else ctx.year
        if year is not None and start is not None and year < start:
            return "actual"
        return "target"
    if year is not None and ctx.year is not None and year > ctx.year:
        return "target"
    if question and cue["forecast"].search(cue["not_forecast"].sub("", question)):
        return "forecast"
    return "actual"
