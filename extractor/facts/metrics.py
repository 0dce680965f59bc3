"""What a figure measures, in the document's own words (facts.metric).

The metric is the subject of the figure's clause with places, time references and
function words taken out (``杭州数字服务贸易进出口578.06亿元`` → 数字服务贸易进出口); a
count's metric is the thing counted (165个跨境电商综试区); a bare flow word takes the
paragraph's topic (其中出口129.75亿元 → 数字服务贸易出口). Cue and function words come
from ``patterns/cues.yml``.
"""

from __future__ import annotations

import re

from extractor.facts.cues import clause_start, cues
from extractor.facts.periods import PeriodRef
from extractor.facts.regions import Place
from extractor.models import NumberMention

FLOW_ONLY = re.compile(r"^(?:(?:进出口|出口|进口)(?:额|总额|规模)?)?$")
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
    start = clause_start(text, m.start)
    pre = text[start : m.start]
    # drop earlier figures of the same clause ("4300亿元、3900亿元") and what precedes them
    pre = re.split(r"\d[\d.,]*\s*[^\s，,、]{0,4}[、和及与]", pre)[-1]
    phrase = _strip_noise(pre, places, periods, text, start)
    cue = cues()
    if kind == "count":
        counted = _counted_noun(text[m.end :])
        if counted:  # 165个跨境电商综试区: the counted thing follows its number
            return counted, prev_subject
    cue_hits = list(cue["cue_re"].finditer(phrase))
    subject = phrase
    if cue_hits and kind in ("growth", "pp_change", "share"):
        subject = phrase[: cue_hits[0].start()]
    subject = _trim_words(subject)
    if not subject or FLOW_ONLY.match(subject):
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
