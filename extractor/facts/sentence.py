"""Turn sentences and tables into facts with kind, modality, region, period, metric.

The number grammar (:mod:`extractor.facts.numbers`) finds and reads each figure; this
module places it: what it measures (the subject of its clause), where (the
nearest stated place, carried from the paragraph or the document), when (the
nearest time reference, resolved against the document's date), and whether it
is reported, a target or a forecast. Cue words come from ``patterns/cues.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.facts.context import DocContext, document_context, modality_for
from extractor.facts.cues import clause_start, cues, kind_for
from extractor.facts.numbers import find_numbers, range_bounds
from extractor.facts.periods import PeriodRef, find_periods, shift_year
from extractor.facts.regions import Place, gazetteer, resolve
from extractor.facts.segment import split_sentences
from extractor.facts.table import cell_holder, prose_cells, row_page, table_facts
from extractor.models import Fact, NumberMention, ParsedDocument, Sentence, Table
from extractor.patterns import alternation, load

_CUES, _PERIODS = load("cues.yml"), load("periods.yml")
# A place right after one of these is an object or a comparison, not the subject.
_OBJECT_MARKERS = tuple(_CUES["region"]["object_markers"])
# A place after these is the whole a share is taken of: the region when no subject is named.
_WHOLE_MARKERS = tuple(_CUES["region"]["whole_markers"])
_NATIONAL = ("national",)
_CONNECTIVES = re.compile(f"[{re.escape(_CUES['region']['subject_lead_chars'])}\\s]")
_ORG_SEAT = re.compile(f"({alternation(_CUES['region']['org_seats'])})")
_PER_YEAR = re.compile(alternation(_PERIODS["per_year"]))
_WHOLE_SPAN = re.compile(alternation(_PERIODS["whole_span"]))


@dataclass
class _Carry:
    """Region and period in force, carried from sentence to sentence."""

    paragraph: int = -1
    region: str | None = None
    period: str | None = None
    doc_region: str | None = None
    doc_period: str | None = None
    topic: str | None = None  # what the paragraph's figures are about


def extract_facts(doc: ParsedDocument, sentences: list[Sentence]) -> list[Fact]:
    """Every fact in the document's sentences and tables."""
    ctx = document_context(doc)
    carry = _Carry(doc_region=ctx.region, doc_period=ctx.period)
    facts: list[Fact] = []
    for s in sentences:
        facts.extend(sentence_facts(s, ctx, carry))
    for i, table in enumerate(doc.tables):
        facts.extend(table_facts(table, i, ctx))
        facts.extend(prose_cell_facts(table, i, ctx))
    return facts


def prose_cell_facts(table: Table, table_index: int, ctx: DocContext) -> list[Fact]:
    """Figures in a table's cells of running text (a 说明 column), read as sentences: the
    company's by default, a shareholder's where the clause names one (股东“X”…持有3,789,500股)."""
    out: list[Fact] = []
    for row, col, text in prose_cells(table):
        carry = _Carry(doc_region=ctx.subject or ctx.region, doc_period=ctx.report_period or ctx.period)
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
        carry.region = carry.period = carry.topic = None
    mentions = _read_mentions(s.text)
    places = gazetteer().find(s.text)
    periods = find_periods(s.text, ctx.year)
    subject_places = [p for p in places if _is_subject(s.text, p, periods)]
    whole_places = [p for p in places if _is_whole(s.text, p)]
    sentence_period = _last_plain_period(periods, len(s.text))
    facts: list[Fact] = []
    prev_subject: str | None = None
    for m in mentions:
        region = _region_for(m, subject_places, whole_places, ctx, carry)
        period = _period_for(m, s.text, periods, ctx, carry, sentence_period)
        kind = kind_for(m, s.text)
        modality = modality_for(m, s.text, period, ctx)
        if modality == "target" and period is None and ctx.plan_years:
            period = str(ctx.plan_years[1])
        metric, prev_subject = metric_for(m, s.text, kind, places, periods, prev_subject, carry.topic)
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
                    period=period,
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
    carried = [p for p in subject_places if p.level != "org" or any(m.start >= p.end for m in mentions)]
    if carried:
        carry.region = resolve(carried[-1], ctx) or carry.region
    if prev_subject and not _FLOW_ONLY.match(prev_subject):
        carry.topic = prev_subject
    if sentence_period:
        carry.period = sentence_period
    return facts


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


def _is_subject(text: str, place: Place, periods: list[PeriodRef]) -> bool:
    before = text[max(0, place.start - 3) : place.start]
    if any(before.endswith(mk) for mk in _OBJECT_MARKERS):
        return False
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
    m: NumberMention, places: list[Place], wholes: list[Place], ctx: DocContext, carry: _Carry
) -> str | None:
    before = [p for p in places if p.end <= m.start]
    if not before and carry.region is None and carry.doc_region is None:
        before = [p for p in wholes if p.end <= m.start]
    if before:
        orgs = [p for p in before if p.level == "org"]
        best = before[-1]
        if orgs and best.level != "org" and best.start - orgs[-1].end <= 2:
            best = orgs[-1]  # 阿里巴巴国际站浙江大区: the company's region
        region = resolve(best, ctx)
        if region:
            return region
    return carry.region or carry.doc_region


def _last_plain_period(periods: list[PeriodRef], limit: int) -> str | None:
    plain = [p for p in periods if p.kind in ("explicit", "relative") and p.start < limit]
    return plain[-1].period if plain else None


def _period_for(
    m: NumberMention,
    text: str,
    periods: list[PeriodRef],
    ctx: DocContext,
    carry: _Carry,
    sentence_period: str | None,
) -> str | None:
    current = carry.period or carry.doc_period
    before = [p for p in periods if p.end <= m.start]
    plain = [p for p in before if p.kind in ("explicit", "relative", "span")]
    in_force = plain[-1].period if plain and plain[-1].kind != "span" else current
    if ctx.plan_years and _PER_YEAR.search(text) and (in_force is None or in_force == str(ctx.plan_years[1])):
        return f"{ctx.plan_years[0]}/{ctx.plan_years[1]}"
    if plain and plain[-1].kind == "span":
        span = plain[-1]
        if _WHOLE_SPAN.search(text):
            return span.period
        return str(span.year) if span.year else span.period
    if in_force is None and sentence_period:
        in_force = sentence_period
    if before:
        last = before[-1]
        gap = text[last.end : m.start]
        if last.kind == "same_last_year" and len(gap) <= 3 and in_force:
            return shift_year(in_force, -1)
        if last.kind == "base" and in_force:
            return f"{last.period}/{in_force[:4]}"
    return in_force


_FLOWS = _CUES["trade_flows"]
_FLOW = f"(?:{alternation([_FLOWS['total'], *_FLOWS['parts']])})(?:{alternation(_FLOWS['heads'])})?"
_FLOW_ONLY = re.compile(f"^(?:{_FLOW})?$")
_FLOW_TAIL = re.compile(f"{_FLOW}$|(?:{alternation(_CUES['amount_heads'])})$")
_COUNTED = re.compile(r"^[\u4e00-\u9fff“”A-Za-z][^，,。；;：:！？!?]{0,24}")
_COUNT_TAIL_STOP = re.compile(f"(?:，|,|。|；|;|、|{alternation(_CUES['counted_noun']['stop_words'])}).*$")
_COUNT_VERB_STOP = re.compile(f"(?:{alternation(_CUES['counted_noun']['stop_verbs'])}).*$")


def metric_for(
    m: NumberMention,
    text: str,
    kind: str,
    places: list[Place],
    periods: list[PeriodRef],
    prev_subject: str | None,
    topic: str | None = None,
) -> tuple[str | None, str | None]:
    """What a figure measures: the clause's subject in the document's own words.

    ``prev_subject`` is the subject of the sentence's previous figure, ``topic``
    what the paragraph is about (数字服务贸易 in "其中出口129.75亿元"). Returns
    (metric, subject to carry to the next figure of the sentence).
    """
    start = clause_start(text, m.start)
    opened = max(text.rfind("（", start, m.start), text.rfind("(", start, m.start))
    if opened >= 0 and not re.search(r"[）)]", text[opened : m.start]):
        start = opened + 1  # 47GW产能（乐山5GW示范基地、…）: a bracket itemising opens its own clause
    pre = text[start : m.start]
    # drop earlier figures of the same clause ("4300亿元、3900亿元") and what precedes them
    pre = re.split(r"\d[\d.,]*\s*[^\s，,、]{0,4}[、和及与]", pre)[-1]
    phrase = _strip_noise(pre, places, periods, text, start)
    cue = cues()
    # 165个跨境电商综试区: the counted thing follows its number; so does what a physical
    # amount measures when nothing before it in the clause names it (（乐山5GW示范基地）
    measured_after = kind == "amount" and m.unit_norm in cue["physical"] and not _trim_words(phrase)
    if kind == "count" or measured_after:
        counted = _counted_noun(text[m.end :])
        if counted:
            return counted, prev_subject
    cue_hits = list(cue["cue_re"].finditer(phrase))
    subject = phrase
    if cue_hits and kind in ("growth", "pp_change", "share"):
        subject = phrase[: cue_hits[0].start()]
    subject = _trim_words(subject)
    if not subject or _FLOW_ONLY.match(subject):
        head = prev_subject or topic or ""
        if subject and head:  # 其中出口129.75亿元 → 数字服务贸易出口
            head = _FLOW_TAIL.sub("", head)
        subject = (head + subject) or None
        tail = _trim_words(phrase, keep_cues=True)
        metric = (head + tail) if tail else subject
    else:
        metric = _trim_words(phrase, keep_cues=True) or subject
    if metric:
        metric = metric.strip("“”\"'（）()、 ")
    return (metric or None), (subject or prev_subject)


def _counted_noun(after: str) -> str | None:
    m = _COUNTED.match(after)
    if not m:
        return None
    noun = _COUNT_TAIL_STOP.sub("", m.group())
    noun = _COUNT_VERB_STOP.sub("", noun) or noun
    return noun if len(noun) >= 2 else None


def _strip_noise(pre: str, places: list[Place], periods: list[PeriodRef], text: str, offset: int) -> str:
    """Remove places, time references and brackets of numbering from a pre-number phrase."""
    spans = [(p.start - offset, p.end - offset) for p in places if p.level != "org"]
    spans += [(p.start - offset, p.end - offset) for p in periods]
    chars = list(pre)
    for a, b in spans:
        for i in range(max(a, 0), min(b, len(chars))):
            chars[i] = ""
    out = "".join(chars)
    out = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]", "", out)
    out = re.sub(r"[（(][^）)]*$", "", out)  # an unclosed bracket before the number
    return out.strip()


def _trim_words(phrase: str, keep_cues: bool = False) -> str:
    cue = cues()
    changed = True
    while changed and phrase:
        changed = False
        for w in cue["leading"]:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase, changed = phrase[len(w) :], True
                break
        for w in cue["trailing"]:
            if keep_cues and cue["cue_kind"].get(w):
                continue
            if phrase.endswith(w):
                phrase, changed = phrase[: -len(w)], True
                break
        stripped = phrase.strip("，,、的了 “”\"")
        if stripped != phrase:
            phrase, changed = stripped, True
    if phrase in cue["leading"] or (phrase in cue["trailing"] and not (keep_cues and cue["cue_kind"].get(phrase))):
        return ""  # a lone function word says nothing about what is measured
    return phrase
