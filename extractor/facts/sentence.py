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
from functools import cache

from extractor.models import Fact, NumberMention, ParsedDocument, Sentence
from extractor.facts.numbers import find_numbers
from extractor.patterns import load
from extractor.facts.periods import PeriodRef, find_periods, shift_year, signature_date
from extractor.facts.regions import Place, document_places, gazetteer, resolve

_CLAUSE = re.compile(r"[，,；;：:]")
# A place right after one of these is an object or a comparison, not the subject.
_OBJECT_MARKERS = ("占", "对", "向", "与", "同", "比", "较", "于", "承接", "来自", "从", "和", "及", "赴", "面向", "服务", "在")
# A place after these is the whole a share is taken of: the region when no subject is named.
_WHOLE_MARKERS = ("占", "在")
_NATIONAL = ("national",)
_CONNECTIVES = re.compile(r"[，,、的其中目前截至截止而但是且据了解显示数据最新\s“”]")
_DEADLINE = re.compile(r"(?<![截])(?:到|至)\s*((?:19|20)\d{2})\s*年")
_SPAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")


@cache
def _cues() -> dict:
    data = load("cues.yml")
    kind = data["kind"]
    cue_list = [(c, "growth") for c in kind["growth"]] + [(c, "share") for c in kind["share"]]
    cue_list.sort(key=lambda t: len(t[0]), reverse=True)
    cue_re = re.compile("|".join(re.escape(c) for c, _ in cue_list))
    cue_kind = dict(cue_list)
    mod = data["modality"]

    def alt(words: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    return {
        "cue_re": cue_re,
        "cue_kind": cue_kind,
        "money": set(kind["money_units"]),
        "physical": set(kind["physical_units"]),
        "target": alt(mod["target_strong"]),
        "forecast": alt(mod["forecast"]),
        "plan_titles": alt(mod["plan_titles"]),
        "trailing": sorted(data["metric_trailing"], key=len, reverse=True),
        "leading": sorted(data["metric_leading"], key=len, reverse=True),
        "scope_after": alt(data["region"]["scope_after"]),
        "programme_after": alt(data["region"]["programme_after"]),
    }


@dataclass
class DocContext:
    """What the whole document says about its facts' defaults."""

    year: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    country: str = "中国"
    region: str | None = None
    period: str | None = None
    is_plan: bool = False
    plan_years: tuple[int, int] | None = None


@dataclass
class _Carry:
    """Region and period in force, carried from sentence to sentence."""

    paragraph: int = -1
    region: str | None = None
    period: str | None = None
    doc_region: str | None = None
    doc_period: str | None = None
    topic: str | None = None  # what the paragraph's figures are about


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
    ctx.is_plan = bool(_cues()["plan_titles"].search(head))
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


def extract_facts(doc: ParsedDocument, sentences: list[Sentence]) -> list[Fact]:
    """Every fact in the document's sentences and tables."""
    ctx = document_context(doc)
    carry = _Carry(doc_region=ctx.region, doc_period=ctx.period)
    facts: list[Fact] = []
    for s in sentences:
        facts.extend(sentence_facts(s, ctx, carry))
    from extractor.facts.table import table_facts  # tables reuse this module's helpers

    for i, table in enumerate(doc.tables):
        facts.extend(table_facts(table, i, ctx))
    return facts


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
        facts.append(
            Fact(
                page=s.page,
                sentence_index=s.index,
                sentence=s.text,
                quote=m.quote,
                value=m.value,
                unit=m.unit,
                value_norm=m.value_norm,
                unit_norm=m.unit_norm,
                kind=kind,
                qualifier=m.qualifier,
                modality=modality,
                region=region,
                period=period,
                metric=metric,
                low=m.low,
                high=m.high,
                char_start=s.char_start + m.start,
                char_end=s.char_start + m.end,
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
    for m in mentions:
        if text[max(0, m.start - 1) : m.start] in "(（" and text[m.end : m.end + 1] in ")）" and not re.search(r"\d", m.quote):
            continue
        if _bare(m):
            label = _UNIT_LABEL.search(text[max(0, m.start - 12) : m.start])
            if not label:
                continue
            relabelled = find_numbers(m.quote.replace(",", "") + label.group(1))
            if len(relabelled) != 1 or relabelled[0].unit is None:
                continue
            r = relabelled[0]
            m = m.model_copy(update={"unit": r.unit, "value_norm": r.value_norm, "unit_norm": r.unit_norm,
                                     "kind_hint": r.kind_hint})
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
    if re.match(r"(海关|大学|学院|银行|日报|电视台|商会|协会|交易会|峰会|博览会)", after):
        return False
    if _cues()["programme_after"].match(text, place.end):
        return False
    if place.level in _NATIONAL:
        if _cues()["scope_after"].match(text, place.end):
            return False
        # 全国/全球/我国 name a fact's region only as the clause's subject, not as a
        # modifier (具有全球竞争力的) or a rank's scope (居全国第三位)
        start = _clause_start(text, place.start)
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
    if ctx.plan_years and re.search(r"每年|年均", text) and (in_force is None or in_force == str(ctx.plan_years[1])):
        return f"{ctx.plan_years[0]}/{ctx.plan_years[1]}"
    if plain and plain[-1].kind == "span":
        span = plain[-1]
        if re.search(r"年均|每年|累计|期间", text):
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


_AFTER_GROWTH = re.compile(r"的[^，,。；;、\d]{0,4}?(增长|增速|增幅|下降|上涨|涨幅|降幅)(?![到至])")
_TRANSITION = re.compile(r"(?:增长|提升|提高|上升|下降|降低|回落|增加|减少|扩大|缩小)?(?:到|至)$|(?:升|降|增|减)至$")


def kind_for(m: NumberMention, text: str) -> str:
    """The kind of a figure from its unit and the cue words around it in its clause."""
    if m.kind_hint in ("rank", "multiple", "pp_change"):
        return m.kind_hint
    unit = m.unit_norm or ""
    cues = _cues()
    if unit in ("pp", "bp"):
        return "pp_change"
    if unit == "rank":
        return "rank"
    if unit == "x":
        return "multiple"
    if unit == "%":
        return percent_kind(text[_clause_start(text, m.start) : m.start], text[m.end : m.end + 8])
    if unit in cues["money"] or unit in cues["physical"]:
        return "amount"
    if unit:
        return "count"
    return "other"


def percent_kind(pre: str, after: str = "") -> str:
    """growth or share for a percentage, from the words before it (and right after it)."""
    cues = _cues()
    if _AFTER_GROWTH.match(after):
        return "growth"  # 保持88.49%的高速增长
    pre = re.sub(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?|[\d.]+%?", "", pre)
    # 比重从1%增长到5%, 增幅由35.7%降至8.9%, 比例提高到86%: the figures are levels of
    # what precedes the change, not changes
    stem = pre.rstrip("的了 ")
    frm = max(stem.rfind("从"), stem.rfind("由"))
    level_of = None
    if frm > 0 and stem[frm + 1 :].strip("的 ") == "":
        level_of = stem[:frm]
    else:
        t = _TRANSITION.search(stem)
        if t:
            level_of = stem[: t.start()]
            frm = max(level_of.rfind("从"), level_of.rfind("由"))
            if frm > 0:
                level_of = level_of[:frm]
    if level_of is not None:
        hits = list(cues["cue_re"].finditer(level_of))
        return cues["cue_kind"][hits[-1].group()] if hits else "share"
    hits = list(cues["cue_re"].finditer(pre))
    if hits:
        return cues["cue_kind"][hits[-1].group()]
    return "share"


def modality_for(m: NumberMention, text: str, period: str | None, ctx: DocContext) -> str:
    """actual, target or forecast, from the sentence's wording and the document's genre."""
    cues = _cues()
    pre = text[: m.start]
    if cues["forecast"].search(pre):
        return "forecast"
    year = int(period[:4]) if period and period[:4].isdigit() else None
    if cues["target"].search(text):
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


def _clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


_FLOW_ONLY = re.compile(r"^(?:(?:进出口|出口|进口)(?:额|总额|规模)?)?$")
_FLOW_TAIL = re.compile(r"(?:进出口|出口|进口)(?:额|总额|规模)?$|(?:总额|规模|金额)$")
_COUNTED = re.compile(r"^[\u4e00-\u9fff“”A-Za-z][^，,。；;：:！？!?]{0,24}")
_COUNT_TAIL_STOP = re.compile(r"(?:，|,|。|；|;|、|以上|以下|左右|的|了).*$")


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
    start = _clause_start(text, m.start)
    pre = text[start : m.start]
    # drop earlier figures of the same clause ("4300亿元、3900亿元") and what precedes them
    pre = re.split(r"\d[\d.,]*\s*[^\s，,、]{0,4}[、和及与]", pre)[-1]
    phrase = _strip_noise(pre, places, periods, text, start)
    cues = _cues()
    if kind == "count":
        counted = _counted_noun(text[m.end :])
        if counted:  # 165个跨境电商综试区: the counted thing follows its number
            return counted, prev_subject
    cue_hits = list(cues["cue_re"].finditer(phrase))
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
    noun = re.sub(r"(?:为|是|被|将|已|在|于|签署|包含|获得|参与|入选|完成|实现).*$", "", noun) or noun
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
    cues = _cues()
    changed = True
    while changed and phrase:
        changed = False
        for w in cues["leading"]:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase, changed = phrase[len(w) :], True
                break
        for w in cues["trailing"]:
            if keep_cues and cues["cue_kind"].get(w):
                continue
            if phrase.endswith(w):
                phrase, changed = phrase[: -len(w)], True
                break
        stripped = phrase.strip("，,、的了 “”\"")
        if stripped != phrase:
            phrase, changed = stripped, True
    if phrase in cues["leading"] or (phrase in cues["trailing"] and not (keep_cues and cues["cue_kind"].get(phrase))):
        return ""  # a lone function word says nothing about what is measured
    return phrase
