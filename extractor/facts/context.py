"""What the whole document says about its facts: date, home place, default period, genre (plan or report), and the modality a figure takes from them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.facts.cues import BOOK_TITLE, cues
from extractor.facts.periods import date_line, find_periods, period_end, signature_date, title_date
from extractor.facts.regions import DEFAULT_COUNTRY, document_places
from extractor.models import DateSource, NumberMention, ParsedDocument
from extractor.parse.normalize import normalize_date
from extractor.patterns import alternation, load

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
    country: str = DEFAULT_COUNTRY
    region: str | None = None
    period: str | None = None
    is_plan: bool = False
    plan_years: tuple[int, int] | None = None
    #: the period a company report covers (2018年第一季度报告 → 2018-Q1), see :func:`report_period`
    report_period: str | None = None
    #: the company the document is about (东北电气), see :func:`document_subject`
    subject: str | None = None


def document_context(doc: ParsedDocument) -> DocContext:
    """Date, home region, default period and genre of a document."""
    text = doc.text
    ctx = DocContext()
    ctx.report_period = report_period(doc)
    ctx.subject = document_subject(doc)
    ctx.date, ctx.date_source = (doc.date, doc.date_source) if doc.date else document_date(doc, ctx.report_period)
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
            # a period inside a cited title (相关研究：《…22Q1业绩大超预期》) is that work's
            cited = [t.span() for t in BOOK_TITLE.finditer(source)]
            refs = [p for p in find_periods(source, ctx.year, ctx.month) if not any(a <= p.start < b for a, b in cited)]
            if ctx.year is not None:  # a history lesson in the opening lines is not the document's period
                refs = [p for p in refs if p.year is None or ctx.year - 2 <= p.year <= ctx.year + 1]
            refs = [p for p in refs if p.kind == "explicit"] or [p for p in refs if p.kind == "relative"]
            if refs:
                ctx.period = refs[0].period
                if ctx.year is None and refs[0].year:
                    ctx.year = refs[0].year
                break
    return ctx


def document_date(doc: ParsedDocument, period: str | None = None) -> tuple[str | None, DateSource | None]:
    """The document's own date and where it was read, best source first.

    What the manifest or the file's metadata gave (``doc.date``, else ``doc.published``);
    a date standing alone on a line of the cover (a report's ``2018年04月``) or of the closing
    signature; the end of the report ``period`` the cover or title names (2018年第一季度报告 →
    ``2018-03``, see :func:`report_period`); a date stamp or year in the title; the PDF's creation date.
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
    if period := period or report_period(doc):
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
    semicolon), unless it is an item of a list (…经济能力方面的预测等等); ``question`` is the question a figure answers (…你的预测是什么？), whose
    forecast word counts when the answer has no modality wording of its own.
    """
    cue = cues()
    part_start = max((p.end() for p in _PART.finditer(text, 0, m.start)), default=0)
    pre = cue["not_forecast"].sub("", text[part_start : m.start])
    if any(not cue["listed_after"].match(pre, f.end()) for f in cue["forecast"].finditer(pre)):
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


# ------------------------------------------------------------ company reports: period and subject

_CJK_NAME = r"[\u4e00-\u9fffA-Za-z0-9（）()·]"


@cache
def _statement_words() -> dict[str, Any]:
    data = load("statements.yml")

    def alt(words: Iterable[str]) -> str:
        return alternation(words, longest_first=True)

    genres = data["report_genres"]
    forms = alt(data["legal_forms"])
    return {
        "genres": genres,
        # (…年报 followed by 告 is 年报告: 2020年报告显示 names no report)
        "report_re": re.compile(r"((?:19|20)\d{2})\s*年?\s*(" + alt(genres) + ")(?!告)"),
        "label_re": re.compile(
            r"(?:" + alt(data["subject_labels"]) + r")\s*[:：]?\s*((?:(?!" + alt(data["subject_label_stops"])
            + r")[\u4e00-\u9fffA-Za-z*]){2,12})"
        ),
        "labels": tuple(sorted(data["subject_labels"], key=len, reverse=True)),
        "code_re": re.compile(
            r"([\u4e00-\u9fffA-Za-z]{2,10})\s*[（(]\s*(?:\d{6}(?:\.(?:SH|SZ|BJ|sh|sz|bj))?|\d{4,5}\.(?:HK|hk))\s*[）)]"
        ),
        "title_re": re.compile(r"^([\u4e00-\u9fffA-Z*]{2,8})\s*[:：]"),
        "full_re": re.compile(r"^\s*(?:关于)?(" + _CJK_NAME + r"{2,40}?(?:" + forms + r"))"),
        "forms": tuple(sorted(data["legal_forms"], key=len, reverse=True)),
        "tails": tuple(data["name_tails"]),
        "company_doc": re.compile(alt(data["company_documents"])),
    }


def coded_names(text: str) -> list[tuple[int, int]]:
    """Where a name written with its stock code stands (宁德时代（300750.SZ）, 龙湖集团(00960.HK)): the
    span of up to ten letters before the code, which may begin with words that are no part of it."""
    return [m.span(1) for m in _statement_words()["code_re"].finditer(text)]


def report_period(doc: ParsedDocument) -> str | None:
    """The period a company report covers, from its title or cover:
    ``2018年第一季度报告`` → ``2018-Q1``, ``2019年半年度报告`` → ``2019-H1``, ``2023年年度报告`` → ``2023``."""
    words = _statement_words()
    for source in (doc.title or "", doc.text[:1500]):
        m = words["report_re"].search(source)
        if m:
            return words["genres"][m.group(2)].replace("{Y}", m.group(1))
    return None


def short_company_name(full: str) -> str:
    """The name a company goes by, from its registered name: legal form and generic tail words
    dropped (东北电气发展股份有限公司 → 东北电气, 比亚迪股份有限公司 → 比亚迪)."""
    words = _statement_words()
    name = full.strip()
    for form in words["forms"]:
        if name.endswith(form) and len(name) > len(form) + 1:
            name = name[: -len(form)]
            break
    for tail in words["tails"]:
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            name = name[: -len(tail)]
            break
    return name


def document_subject(doc: ParsedDocument) -> str | None:
    """The company a report is about: a stated short name (证券简称：东北电气), else the name
    written with its stock code (高测股份（688556.SH）), else the registered name on the cover of
    a company document (年度报告, 季度报告, 募集说明书 …) without its legal form."""
    words = _statement_words()
    head = (doc.title or "") + "\n" + doc.text[:3000]
    cells = [c.text for t in doc.tables[:3] for c in t.cells]
    for i, text in enumerate(cells):  # a label cell, its value in the next cell
        if text.strip() in words["labels"] and i + 1 < len(cells) and 2 <= len(cells[i + 1].strip()) <= 12:
            return cells[i + 1].strip()
    m = words["label_re"].search(head)
    if m:
        return m.group(1)
    coded = Counter(m.group(1) for m in words["code_re"].finditer(head))
    # the title, or the text's first line where the file has no title (a PDF without metadata)
    heading = doc.title or next((ln.strip() for ln in doc.text[:600].splitlines() if ln.strip()), "")
    if coded:  # the company in the title, or the one most of the coded names are
        name, n = coded.most_common(1)[0]
        if name in heading or (n >= 2 and n > sum(coded.values()) / 2):
            return name
    if not words["company_doc"].search((doc.title or "") + doc.text[:600]):
        return None
    m = words["title_re"].match(doc.title or "")  # 菲达环保：关于公司2015年年度报告…
    if m:
        return m.group(1)
    lines = [(doc.title or "")] + doc.text[:600].split("\n")[:4]
    for line in lines:
        m = words["full_re"].match(line)
        if m:
            return short_company_name(m.group(1))
    return None
