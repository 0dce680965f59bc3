"""Turn sentences and tables into facts with kind, modality, region, period, metric.

The number grammar (:mod:`extractor.facts.numbers`) finds and reads each figure; this
module places it: what it measures (:mod:`extractor.facts.metrics`), who or where it is
about (the subject named before it — a place, a company, a person — carried from the
paragraph, else the document's own company or home; never a source, an object or a
company's site), when (the nearest time reference, resolved against the document's
date), and whether it is reported, a target or a forecast. ``region_source`` and
``period_source`` say how each was decided. Cue words come from ``patterns/cues.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.facts.context import DocContext, document_context, modality_for
from extractor.facts.cues import BOOK_TITLE, clause_start, cues, kind_for, percent_kind
from extractor.facts.metrics import FLOW_ONLY, Paired, metric_for, pair_lists
from extractor.facts.numbers import find_numbers, range_bounds
from extractor.facts.periods import PeriodRef, find_periods, shift_year
from extractor.facts.regions import Place, gazetteer, resolve
from extractor.facts.segment import split_sentences
from extractor.facts.subjects import Company, find_subjects, is_subsidiary, report_company
from extractor.facts.table import cell_holder, prose_cells, row_page, table_facts
from extractor.models import Fact, NumberMention, ParsedDocument, RegionSource, Sentence, Table
from extractor.patterns import alternation, load

_CUES, _PERIODS = load("cues.yml"), load("periods.yml")
# A place right after one of these is an object or a comparison, not the subject.
_OBJECT_MARKERS = tuple(_CUES["region"]["object_markers"])
_NOT_OBJECT = tuple(_CUES["region"]["not_object"])  # 位于: a seat, not an object
# A place after these is the whole a share is taken of: the region when no subject is named.
_WHOLE_MARKERS = tuple(_CUES["region"]["whole_markers"])
_NATIONAL = ("national",)
_WHO = ("org", "person", "self_company")  # subjects that are bodies or people, not places
_CONNECTIVES = re.compile(f"[{re.escape(_CUES['region']['subject_lead_chars'])}\\s]")
_ORG_SEAT = re.compile(f"({alternation(_CUES['region']['org_seats'])})")
_PER_YEAR = re.compile(alternation(_PERIODS["per_year"]))
_WHOLE_SPAN = re.compile(alternation(_PERIODS["whole_span"]))
# time words before a place that still opens its clause (2022年杭州…, 上半年全省…)
_TIME_WORDS = re.compile(
    r"(?:(?:19|20)?\d{2}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月|第?[一二三四1-4]季度|"
    + alternation([*_PERIODS["year_parts"], *(f"年{w}" for w in _PERIODS["whole_year"])]) + ")"
)
# 由去年同期的35.7%: last year's level, unless compared with it (较去年同期下滑…)
_COMPARED = re.compile(f"(?:{alternation([*_PERIODS['base_markers'], *_PERIODS['compared_with']])})$")


@dataclass
class _Carry:
    """Region and period in force, carried from sentence to sentence."""

    paragraph: int = -1
    region: str | None = None
    period: str | None = None
    doc_region: str | None = None
    doc_period: str | None = None
    topic: str | None = None  # what the paragraph's figures are about
    company: Company | None = None  # the company a report or research note is about
    org: str | None = None  # the organisation last named (what 该公司 refers to outside a report)
    following: str = ""  # the next sentences' text (where 一大学 is named)
    question: str | None = None  # the question the paragraph answers (an interview's 你的预测是什么？)
    sources: dict[str, str] = field(default_factory=dict)  # 《report》 → the date it was given when named


def extract_facts(doc: ParsedDocument, sentences: list[Sentence]) -> list[Fact]:
    """Every fact in the document's sentences and tables."""
    ctx = document_context(doc)
    company = report_company(doc, ctx)
    # a company report's figures are of the period it covers (2023年半年度报告 → 2023-H1)
    carry = _Carry(doc_region=company.name if company else ctx.region, doc_period=ctx.report_period or ctx.period,
                   company=company)
    paragraphs: dict[int, list[str]] = {}
    for s in sentences:
        paragraphs.setdefault(s.paragraph, []).append(s.text)
    facts: list[Fact] = []
    for i, s in enumerate(sentences):
        carry.following = "".join(t.text for t in sentences[i + 1 : i + 4])
        carry.question = _question(paragraphs.get(s.paragraph - 1))
        facts.extend(sentence_facts(s, ctx, carry))
    for i, table in enumerate(doc.tables):
        facts.extend(table_facts(table, i, ctx))
        facts.extend(prose_cell_facts(table, i, ctx, company))
    return facts


def prose_cell_facts(table: Table, table_index: int, ctx: DocContext, company: Company | None = None) -> list[Fact]:
    """Figures in a table's cells of running text (a 说明 column), read as sentences: the
    company's by default, a shareholder's where the clause names one (股东“X”…持有3,789,500股)."""
    out: list[Fact] = []
    for row, col, text in prose_cells(table):
        carry = _Carry(doc_region=ctx.subject or ctx.region, doc_period=ctx.report_period or ctx.period,
                       company=company)
        for k, (a, b) in enumerate(split_sentences(text)):
            s = Sentence(index=k, page=row_page(table, row), paragraph=0, text=text[a:b], char_start=a, char_end=b)
            carry.paragraph = 0
            for f in sentence_facts(s, ctx, carry):
                holder = cell_holder(text, f.char_start or 0)
                named = {"region": holder, "region_source": "stated"} if holder else {}
                out.append(f.model_copy(update={
                    **named, "sentence_index": None, "char_start": None, "char_end": None,
                    "method": "table", "table_index": table_index, "table_row": row, "table_col": col,
                }))
    return out


def sentence_facts(s: Sentence, ctx: DocContext, carry: _Carry) -> list[Fact]:
    """The facts of one sentence; updates the paragraph carry."""
    if s.paragraph != carry.paragraph:
        carry.paragraph = s.paragraph
        carry.region = carry.period = carry.topic = carry.org = None
    mentions = _read_mentions(s.text)
    places = _candidates(s.text, carry)
    forward = bool(cues()["forecast"].search(s.text) or cues()["target"].search(s.text))
    periods = find_periods(s.text, ctx.year, ctx.month, forward=forward)
    hidden = _hidden_spans(s.text, mentions)
    subject_places = [p for p in _merge_lists(s.text, places) if _is_subject(s.text, p, periods, hidden)]
    whole_places = [p for p in places if _is_whole(s.text, p)]
    sentence_period = _last_plain_period(periods, len(s.text))
    _remember_sources(s.text, periods, carry)
    facts: list[Fact] = []
    prev_subject: str | None = None
    read: list[_Reading] = []
    for m in mentions:
        kind = kind_for(m, s.text)
        same_kind = read[-1].metric if read and read[-1].kind == kind else None
        metric, prev_subject = metric_for(m, s.text, kind, places, periods, prev_subject, carry.topic, same_kind)
        read.append(_Reading(*_region_for(m, s.text, subject_places, whole_places, ctx, carry),
                             *_period_for(m, s.text, periods, ctx, carry, sentence_period, kind), kind, metric))
    paired = pair_lists(s.text, mentions, periods, places, [r.metric for r in read])
    for i, (m, r) in enumerate(zip(mentions, read, strict=True)):
        _settle(r, m, paired.get(i), s.text, ctx, carry)
        region, region_source, period, period_source, kind, metric, modality = (
            r.region, r.region_source, r.period, r.period_source, r.kind, r.metric, r.modality)
        for b in range_bounds(m):  # a range is two facts: its low and its high bound
            facts.append(
                Fact(
                    page=s.page,
                    sentence_index=s.index,
                    sentence=s.text,
                    quote=b.quote,
                    value=b.value,
                    unit=b.unit,
                    value_norm=b.value_norm,
                    unit_norm=b.unit_norm,
                    kind=kind,
                    qualifier=b.qualifier,
                    modality=modality,
                    region=region,
                    region_source=region_source,
                    period=period,
                    period_source=period_source,
                    metric=metric,
                    low=m.low,
                    high=m.high,
                    char_start=s.char_start + b.start,
                    char_end=s.char_start + b.end,
                    method="regex",
                )
            )
    # a company is carried to the next sentences only when it is this sentence's figures' subject,
    # not when it is named after them in passing (…，小米智能手机工厂提前投产。)
    carried = [p for p in subject_places if p.level not in _WHO or any(m.start >= p.end for m in mentions)]
    if carry.company:  # in a company's report only a place that opens its clause is carried
        carried = [p for p in carried if _is_who(p) or _opens_clause(s.text, p)]
    if carried:
        carry.region = _resolve(carried[-1], ctx, carry) or carry.region
    named = [p for p in places if p.level in ("org", "person")]
    if named:
        carry.org = named[-1].name
    if prev_subject and not FLOW_ONLY.match(prev_subject):
        carry.topic = prev_subject
    if sentence_period:
        carry.period = sentence_period
    return facts


@dataclass
class _Reading:
    """A figure's attributes as read one by one, before lists pair them."""

    region: str | None
    region_source: RegionSource | None
    period: str | None
    period_source: RegionSource | None
    kind: str
    metric: str | None
    modality: str = "actual"


def _settle(r: _Reading, m: NumberMention, paired: Paired | None, text: str, ctx: DocContext, carry: _Carry) -> None:
    """What a figure takes from its place in a list (``paired``: 分别, parallel lists) and from the
    question its paragraph answers, a bare percentage's kind from its metric, then its modality
    (a target without a period is the plan's)."""
    if paired:  # the figure's own item, year or place
        r.metric = paired.metric or r.metric
        if paired.period:
            r.period, r.period_source = paired.period, "stated"
        if paired.place and (place_region := _resolve(paired.place, ctx, carry)):
            r.region, r.region_source = place_region, "stated"
    if carry.question:
        r.metric = _answering(r.metric, carry.question)
    if m.unit_norm == "%" and r.kind == "share" and not cues()["cue_re"].search(text, clause_start(text, m.start), m.start):
        # nothing in its clause says what the percentage is: its metric does (…收益率可能在1.125%至1.625%
        # 之间，2021年6月，可能低至2.5%: a yield; an answer's 1.75%至2%: the yield the question asks about)
        r.kind = percent_kind(r.metric or "")
    r.modality = modality_for(m, text, r.period, ctx, carry.question)
    if r.modality == "target" and r.period is None and ctx.plan_years:
        r.period, r.period_source = str(ctx.plan_years[1]), "document"


def _remember_sources(text: str, periods: list[PeriodRef], carry: _Carry) -> None:
    """A report named with its date (亿欧智库2018年11月发布的《…报告》（下称“《报告》”）) lends that
    date to later sentences that cite it again (上述《报告》统计，…) and state none of their own."""
    titles = list(BOOK_TITLE.finditer(text))
    if not titles:
        return
    dated = [p for p in periods if p.kind in ("explicit", "relative") and p.end <= titles[0].start()
             and clause_start(text, titles[0].start()) <= p.start]
    if dated:
        for t in titles:
            carry.sources[t.group()] = dated[-1].period
    elif not any(p.kind in ("explicit", "relative", "span") for p in periods):
        cited = [carry.sources[t.group()] for t in titles if t.group() in carry.sources]
        if cited:
            carry.period = cited[-1]


def _question(paragraph: list[str] | None) -> str | None:
    """The text of a paragraph that is nothing but questions (an interview's question line)."""
    if not paragraph or not all(t.rstrip().endswith(("？", "?")) for t in paragraph):
        return None
    text = "".join(paragraph)
    return text if len(text) <= 80 else None


def _answering(metric: str | None, question: str) -> str | None:
    """The metric of a figure that answers ``question``: the question's subject (美国10年期国债收益率
    可能变为负值吗？) when the answer names nothing, names only its head (收益率) or a few words
    more about it (公允价值 → 美国10年期国债收益率公允价值)."""
    topic = cues()["question_re"].split(question, 1)[0].strip("，, ")
    if not 2 <= len(topic) <= 20:
        return metric
    if not metric or topic.endswith(metric):
        return topic
    if len(metric) <= 4 and metric not in topic:
        return topic + metric
    return metric


def _candidates(text: str, carry: _Carry) -> list[Place]:
    """Places, organisations and people named in a sentence, left to right; a place inside an
    organisation's name (沈阳凯毅电气有限公司, 日本央行) is that organisation's, not a candidate."""
    who = find_subjects(text, carry.company, carry.following)
    places = [p for p in gazetteer().find(text) if not any(o.start <= p.start and p.end <= o.end for o in who)]
    return sorted(places + who, key=lambda p: p.start)


_LIST_GAP = re.compile(r"^(?:[、，,和及与]|以及)$")
_GEO = ("province", "city", "district", "country", "foreign")


def _merge_lists(text: str, places: list[Place]) -> list[Place]:
    """Places listed together stand for their common province (湖州、嘉兴…丽水五地市 → 浙江省);
    a list without one (蒙大拿、爱达荷…以及特拉华州新增病例数超过50%) is about none of them
    alone. A list that 分别 pairs with its figures is kept as it is."""
    groups: list[list[Place]] = []
    for a, b in zip(places, places[1:], strict=False):
        if (a.level in _GEO and b.level == a.level and _LIST_GAP.match(text[a.end : b.start])
                and "分别" not in text[b.end : b.end + 30]):
            if groups and groups[-1][-1] is a:
                groups[-1].append(b)
            else:
                groups.append([a, b])
    if not groups:
        return places
    members = {id(p) for g in groups for p in g}
    out = [p for p in places if id(p) not in members]
    for g in groups:
        provinces = {p.province for p in g}
        if len(provinces) == 1 and None not in provinces and g[0].level != "province":
            province = provinces.pop()
            out.append(Place(text[g[0].start : g[-1].end], province, "province", province, g[0].start, g[-1].end))
    return sorted(out, key=lambda p: p.start)


def _hidden_spans(text: str, mentions: list[NumberMention]) -> list[tuple[int, int]]:
    """Where a name is not what a figure is about: a source (据…显示, 根据…统计) and a book
    title (《2018中国智能风控研究报告》) that holds none of the sentence's figures."""
    spans = [(m.start(), m.end()) for m in cues()["source_re"].finditer(text)]
    for t in BOOK_TITLE.finditer(text):
        if not any(t.start() < m.start < t.end() for m in mentions):
            spans.append((t.start(), t.end()))
    return spans


def _resolve(place: Place, ctx: DocContext, carry: _Carry) -> str | None:
    """The region a candidate stands for; 公司 is the report's company, else the company last named."""
    if place.level == "self_company":
        return place.name or carry.org
    return resolve(place, ctx)


_UNIT_LABEL = re.compile(r"[（(](?:单位[:：]\s*)?([^（()）\d]{1,6})[)）]\s*[:：]?\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _read_mentions(text: str) -> list[NumberMention]:
    """The number mentions of a sentence that can be facts.

    A bare number takes the unit of a label right before it (``总市值(百万元)：18,785.44``);
    a unit label alone (``(百万元)``) and chart axis ticks (``380%360%340%``) are not facts.
    """
    mentions = find_numbers(text)
    if not _CJK.search(text) and len(mentions) >= 2 and _evenly_spaced([m.value for m in mentions]):
        return []
    out = []
    unit_label, prev_end = None, -1
    for m in mentions:
        if text[max(0, m.start - 1) : m.start] in "(（" and text[m.end : m.end + 1] in ")）" and not re.search(r"\d", m.quote):
            continue
        if _bare(m):
            label = _UNIT_LABEL.search(text[max(0, m.start - 12) : m.start])
            if label:
                unit_label = label.group(1)
            elif not (unit_label and prev_end >= 0 and not text[prev_end : m.start].strip()):
                continue  # a label governs the bare numbers listed right after it: 涨幅(%) 7.18 32.88
            relabelled = find_numbers(m.quote.replace(",", "") + unit_label)
            if len(relabelled) != 1 or relabelled[0].unit is None:
                continue
            r = relabelled[0]
            m = m.model_copy(update={"unit": r.unit, "value_norm": r.value_norm, "unit_norm": r.unit_norm,
                                     "kind_hint": r.kind_hint, "low_norm": r.low_norm, "high_norm": r.high_norm})
            prev_end = m.end
        else:
            unit_label, prev_end = None, -1
        out.append(m)
    return out


def _evenly_spaced(values: list[float]) -> bool:
    steps = {round(b - a, 6) for a, b in zip(values, values[1:], strict=False)}
    return len(steps) == 1 and 0 not in steps


def _bare(m: NumberMention) -> bool:
    """A number with neither unit nor magnitude in running text (a year, a formula term, 双11)."""
    return m.unit is None and m.value_norm is not None and m.value_norm == m.value and m.kind_hint is None


def _is_subject(text: str, place: Place, periods: list[PeriodRef], hidden: list[tuple[int, int]] = ()) -> bool:
    """Whether a place, company or person named in ``text`` can be the subject of its figures:
    not inside a source or a book title (``hidden``), not an object (对…, 向…, 所持有的…), not
    an organisation's seat (杭州海关), and a national word only where it opens its clause."""
    if any(a <= place.start and place.end <= b for a, b in hidden):
        return False
    before = text[max(0, place.start - 3) : place.start]
    if any(before.endswith(mk) for mk in _OBJECT_MARKERS) and not before.endswith(_NOT_OBJECT):
        return False
    if place.level in _WHO:
        # …起诉A公司和B公司、C公司: listed with an object; 所持有的X公司: what is held
        # 公司下属全资子公司X: a subsidiary's figures are its parent's
        return not (before.endswith("、") or re.search(r"所[\u4e00-\u9fff]{1,3}的$", text[:place.start])
                    or is_subsidiary(text, place.start))
    after = text[place.end : place.end + 2]
    # 杭州海关, 浙江大学: a place inside an organisation's name is the organisation's seat
    if _ORG_SEAT.match(after):
        return False
    if cues()["programme_after"].match(text, place.end):
        return False
    if place.level in _NATIONAL:
        if cues()["scope_after"].match(text, place.end):
            return False
        # 全国/全球/我国 name a fact's region only as the clause's subject, not as a
        # modifier (具有全球竞争力的) or a rank's scope (居全国第三位)
        start = clause_start(text, place.start)
        lead = list(text[start : place.start])
        for p in periods:
            for i in range(max(p.start, start), min(p.end, place.start)):
                lead[i - start] = ""
        return len(_CONNECTIVES.sub("", "".join(lead))) <= 1
    return True


def _is_whole(text: str, place: Place) -> bool:
    before = text[max(0, place.start - 2) : place.start]
    return any(before.endswith(mk) for mk in _WHOLE_MARKERS)


def _region_for(
    m: NumberMention, text: str, places: list[Place], wholes: list[Place], ctx: DocContext, carry: _Carry
) -> tuple[str | None, RegionSource | None]:
    """The figure's region and how it was decided: the last subject named before it in its
    sentence (a company or person named earlier keeps figures whose later places are its sites,
    乐山5GW示范基地), else the paragraph's subject, else the document's company or home."""
    before = [p for p in places if p.end <= m.start]
    if carry.company:
        # a company's report: its figures are the company's unless the figure's own clause or
        # the sentence opens with another subject (2023年上半年，全国集成电路产量…，同比下降7.6%);
        # other earlier clauses lend only companies and people (a court or a site named on the
        # way is no subject of the company's figures)
        own = clause_start(text, m.start)
        before = [p for p in before if _is_who(p) or _opens_sentence(text, p)
                  or (p.start >= own and _opens_clause(text, p))]
    if not before and carry.region is None and carry.doc_region is None:
        before = [p for p in wholes if p.end <= m.start]
    if before:
        who = [p for p in before if _is_who(p)]
        best = before[-1]
        if who and not _is_who(best) and not _opens_clause(text, best):
            best = who[-1]
        region = _resolve(best, ctx, carry)
        if region:
            return region, "stated"
    if carry.region:
        return carry.region, "carried"
    return carry.doc_region, ("document" if carry.doc_region else None)


def _is_who(place: Place) -> bool:
    """A company, organisation or person; a national body (国务院, 商务部) stands for its country."""
    if place.level not in _WHO:
        return False
    stands_for = gazetteer().lookup(place.name) if place.level == "org" else None
    return stands_for is None or stands_for.level == "org"


def _opens_clause(text: str, place: Place) -> bool:
    """A place that starts its clause (outside brackets) is that clause's own subject."""
    if text.count("（", 0, place.start) + text.count("(", 0, place.start) > \
            text.count("）", 0, place.start) + text.count(")", 0, place.start):
        return False
    start = clause_start(text, place.start)
    return len(_CONNECTIVES.sub("", _TIME_WORDS.sub("", text[start : place.start]))) <= 1


def _opens_sentence(text: str, place: Place) -> bool:
    """A place that opens its clause, with nothing but time words before it in the sentence."""
    start = clause_start(text, place.start)
    return _opens_clause(text, place) and len(_CONNECTIVES.sub("", _TIME_WORDS.sub("", text[:start]))) <= 1


def _last_plain_period(periods: list[PeriodRef], limit: int) -> str | None:
    plain = [p for p in periods if p.kind in ("explicit", "relative") and p.start < limit]
    return plain[-1].period if plain else None


_LEVELS = ("amount", "count", "other")


def _period_for(
    m: NumberMention,
    text: str,
    periods: list[PeriodRef],
    ctx: DocContext,
    carry: _Carry,
    sentence_period: str | None,
    kind: str = "other",
) -> tuple[str | None, RegionSource | None]:
    """The figure's period and how it was decided (stated in the sentence, carried from the
    paragraph, or the document's). A level right after a comparison's base year is that
    year's (比2017年的2073.5亿元增长21.5%: 2073.5亿元 is 2017's, 21.5% runs 2017/2018)."""
    current = carry.period or carry.doc_period
    current_source: RegionSource | None = "carried" if carry.period else ("document" if carry.doc_period else None)
    before = [p for p in periods if p.end <= m.start]
    plain = [p for p in before if p.kind in ("explicit", "relative", "span")]
    if plain and plain[-1].kind != "span":
        in_force, source = plain[-1].period, "stated"
    else:
        in_force, source = current, current_source
    if ctx.plan_years and _PER_YEAR.search(text) and (in_force is None or in_force == str(ctx.plan_years[1])):
        return f"{ctx.plan_years[0]}/{ctx.plan_years[1]}", source or "document"
    if plain and plain[-1].kind == "span":
        span = plain[-1]
        if _WHOLE_SPAN.search(text):
            return span.period, "stated"
        return (str(span.year) if span.year else span.period), "stated"
    if in_force is None and sentence_period:
        in_force, source = sentence_period, "stated"
    if before:
        last = before[-1]
        gap = text[last.end : m.start]
        # 由去年同期的35.7%: last year's level; 较去年同期下滑4.51个百分点: this year's change
        compared = _COMPARED.search(text, 0, last.start)
        if last.kind == "same_last_year" and len(gap) <= 3 and in_force and not compared:
            return shift_year(in_force, -1), "stated"
        if last.kind == "base" and (re.fullmatch(r"\s*的\s*", gap) or (not gap.strip() and kind in _LEVELS)):
            return last.period, "stated"
        if last.kind == "base" and in_force and len(last.period) == 4 and last.period < in_force[:4]:
            return f"{last.period}/{in_force[:4]}", "stated"  # 比2017年增长21.5%: 2017/2018
    return in_force, (source if in_force else None)
