"""What the whole document says about its facts: date, home place, default period, genre (plan or report), and the modality a figure takes from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.facts.cues import cues
from extractor.facts.periods import find_periods, signature_date
from extractor.facts.regions import DEFAULT_COUNTRY, document_places
from extractor.models import NumberMention, ParsedDocument

_DEADLINE = re.compile(r"(?<![截])(?:到|至)\s*((?:19|20)\d{2})\s*年")


_SPAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")


@dataclass
class DocContext:
    """What the whole document says about its facts' defaults."""

    year: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    country: str = DEFAULT_COUNTRY
    region: str | None = None
    period: str | None = None
    is_plan: bool = False
    plan_years: tuple[int, int] | None = None


def document_context(doc: ParsedDocument) -> DocContext:
    """Date, home region, default period and genre of a document."""
    text = doc.text
    ctx = DocContext()
    date = doc.published or signature_date(text)
    if date:
        ctx.year = int(date[:4])
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
            refs = find_periods(source, ctx.year)
            if ctx.year is not None:  # a history lesson in the opening lines is not the document's period
                refs = [p for p in refs if p.year is None or ctx.year - 2 <= p.year <= ctx.year + 1]
            refs = [p for p in refs if p.kind == "explicit"] or [p for p in refs if p.kind == "relative"]
            if refs:
                ctx.period = refs[0].period
                if ctx.year is None and refs[0].year:
                    ctx.year = refs[0].year
                break
    return ctx


def modality_for(m: NumberMention, text: str, period: str | None, ctx: DocContext) -> str:
    """actual, target or forecast, from the sentence's wording and the document's genre."""
    cue = cues()
    pre = text[: m.start]
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
    return "actual"
