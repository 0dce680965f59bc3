"""What a figure measures, in the document's own words (facts.metric).

The metric is the subject of the figure's clause with places, time references and
function words taken out (``杭州数字服务贸易进出口578.06亿元`` → 数字服务贸易进出口); a
count's metric is the thing counted (165个跨境电商综试区); a bare flow word takes the
paragraph's topic (其中出口129.75亿元 → 数字服务贸易出口). Cue and function words come
from ``patterns/cues.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractor.facts.cues import clause_start, cues
from extractor.facts.periods import PeriodRef
from extractor.facts.regions import Place
from extractor.facts.segment import jieba_tokenizer, pos_tokenizer
from extractor.models import NumberMention
from extractor.patterns import alternation, load

_CUES = load("cues.yml")
_FLOWS = _CUES["trade_flows"]
_FLOW = f"(?:{alternation([_FLOWS['total'], *_FLOWS['parts']])})(?:{alternation(_FLOWS['heads'])})?"
FLOW_ONLY = re.compile(f"^(?:{_FLOW})?$")
_FLOW_TAIL = re.compile(f"{_FLOW}$|(?:{alternation(_CUES['amount_heads'])})$")
_COUNTED = re.compile(r"^[\u4e00-\u9fff“”A-Za-z][^，,。；;：:！？!?】）)》]{0,24}")


def metric_for(
    m: NumberMention,
    text: str,
    kind: str,
    places: list[Place],
    periods: list[PeriodRef],
    prev_subject: str | None,
    topic: str | None = None,
    prev_metric: str | None = None,
) -> tuple[str | None, str | None]:
    """What a figure measures: the clause's subject in the document's own words.

    ``prev_subject`` is the subject of the sentence's previous figure, ``prev_metric`` that
    figure's metric when it is of the same kind, ``topic`` what the paragraph is about
    (数字服务贸易 in "其中出口129.75亿元"). A clause that names nothing of its own (…，去年同期为
    1.5%; …，少数能达到20元) measures what the previous figure of its kind measured. Returns
    (metric, subject to carry to the next figure of the sentence).
    """
    start = clause_start(text, m.start)
    pre = text[start : m.start]
    # drop earlier figures of the same clause ("4300亿元、3900亿元") and what precedes them
    # (a figure that only continues a list, 4.7、7.2、9.3亿元, keeps what precedes the list)
    pre = next((piece for piece in reversed(re.split(r"\d[\d.,]*\s*[^\s，,、]{0,4}[、和及与]", pre))
                if piece.strip()), "")
    phrase = _without_figures(_strip_noise(pre, places, periods, text, start))
    cue = cues()
    if kind == "count" and (acted := _people_acting(m, text[m.end :])):
        return (_trim_words(phrase) + acted).strip("【“\"'（( "), prev_subject  # 7500人参加 → 参加人数
    if kind == "count" or (kind == "share" and m.unit == "成"):
        counted = _counted_noun(text[m.end :])
        if counted and kind == "share":  # 3成企业获得…的投资: the share of those firms
            return counted + "占比", prev_subject
        if counted:  # 165个跨境电商综试区: the counted thing follows its number
            return counted, prev_subject
    if not phrase.strip() and start > 0 and text[start - 1] in "：:":
        # 总市值(百万元)：18,785.44, 当前价格(元)：82.42: the label before the colon
        label_start = clause_start(text, start - 1)
        phrase = _UNIT_LABEL_TAIL.sub("", text[label_start : start - 1]).strip()
    elif kind not in ("share", "growth", "pp_change") and _ends_with_verb(_trim_words(phrase)):
        # 已公布47GW产能, 每月购买约300亿欧元资产: the thing measured follows the figure
        noun = _noun_after(text[m.end :])
        phrase = _trim_words(phrase) + noun if noun else phrase
    cue_hits = list(cue["cue_re"].finditer(phrase))
    subject = phrase
    if cue_hits and kind in ("growth", "pp_change", "share"):
        subject = phrase[: cue_hits[0].start()]
    subject = _trim_words(subject)
    if _names_nothing(subject):
        subject = ""
    if not subject or FLOW_ONLY.match(subject):
        head = prev_subject or topic or ""
        if subject and head:  # 其中出口129.75亿元 → 数字服务贸易出口
            head = _FLOW_TAIL.sub("", head)
        tail = _trim_words(phrase, keep_cues=True)
        tail = "" if _names_nothing(tail) else tail
        metric = (head + tail) if tail else ((prev_metric or head) if not subject else head + subject)
        subject = head + subject
    else:
        metric = _trim_words(phrase, keep_cues=True) or subject
    if metric:
        metric = _without_last_preposition(metric.strip("“”\"'（）()、 "))
    return (metric or None), (subject or prev_subject)


def _without_last_preposition(metric: str) -> str:
    """收益率在 → 收益率, 失业率控制在 → 失业率控制 (a preposition the figure completes), not 存在."""
    words = list(pos_tokenizer().cut(metric[-4:], HMM=False))
    if len(words) >= 2 and words[-1].flag == "p" and words[-1].word in _CUES["metric_trailing_prepositions"]:
        return metric[: -len(words[-1].word)]
    return metric


_NOUNISH = ("n", "j", "eng", "x", "c")
# part-of-speech tags of words that name nothing measured: conjunctions, prepositions, adverbs,
# numerals and measures, pronouns, particles (或在, 少数能, 也将)
_FUNCTION_TAGS = frozenset(("c", "p", "d", "m", "mq", "q", "r", "rr", "rz", "u", "uj", "ul", "uz", "ud", "ug", "uv",
                            "zg", "y", "e"))


def _names_nothing(phrase: str) -> bool:
    """A phrase of function words only, single-character verbs among them (能, 会, 将); a kind cue
    (占比, 增长) says what is measured."""
    if not phrase.strip() or cues()["cue_re"].search(phrase):
        return False
    words = list(pos_tokenizer().cut(phrase, HMM=False))
    return all(w.flag in _FUNCTION_TAGS or (w.flag == "v" and len(w.word) == 1) for w in words)


_UNIT_LABEL_TAIL = re.compile(r"\s*[（(][^（）()]{1,8}[)）]\s*$")


def _ends_with_verb(phrase: str) -> bool:
    """An empty phrase or one that ends with a verb (已公布, 每月购买, 扩产)."""
    if not phrase.strip():
        return True
    toks = list(pos_tokenizer().cut(phrase[-6:], HMM=False))
    return bool(toks) and toks[-1].flag == "v"


_AFTER_RUN = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,8}?(?=[^\u4e00-\u9fffA-Za-z]|的|了|$)")


def _noun_after(after: str) -> str:
    """What a figure measures when it follows the figure (47GW产能, 4000万公里金刚线,
    5GW示范基地), or "": the words up to the next punctuation, figure, 的 or 了."""
    m = _AFTER_RUN.match(after)
    if not m or cues()["noun_after_not"].match(m.group()) or cues()["cue_re"].match(m.group()):
        return ""
    return m.group()


def _without_figures(pre: str) -> str:
    """The words before a figure without earlier figures (比2017年的2073.5亿元增长 → 比2017年的增长)."""
    if not re.search(r"\d", pre):
        return pre
    from extractor.facts.numbers import find_numbers

    for m in reversed(find_numbers(pre)):
        # a figure with a unit, not a bare year or code, and not a threshold (市值超10亿美元的企业)
        if (m.unit or m.value_norm != m.value) and not pre[m.end : m.end + 1] == "的":
            pre = pre[: m.start] + pre[m.end :]
    return pre


_CLAUSE_END = re.compile(r"[，,、。；;：:！？!?）)】》」”\s]|$")


def _people_acting(m: NumberMention, after: str) -> str | None:
    """A count of people whose clause ends with what they do (7500人参加, 208400人康复, 12人死亡):
    the number of people doing it (参加人数), or None."""
    people = cues()["people_count"]
    if m.unit_norm not in people["units"]:
        return None
    words = list(pos_tokenizer().cut(after[:8], HMM=False))
    if len(words) < 1 or not 2 <= len(words[0].word) <= 3 or not _CLAUSE_END.match(after, len(words[0].word)):
        return None
    # jieba tags such a verb v, or (康复) as a name: no name follows a bare count of people
    return words[0].word + people["noun"] if words[0].flag in ("v", "vi", "vn", "nr") else None


def _counted_noun(after: str) -> str | None:
    """What a count counts, from the words after it: the noun (165个跨境电商综试区), and what
    the clause says of it (19个州已经下令… → 已经下令…的州; 54个国家报告了确诊病例 → 报告了确诊病例的国家)."""
    m = _COUNTED.match(after)
    if not m:
        return None
    clause = re.split(r"(?<!\d)(?!(?:19|20)\d{2})\d|、", m.group())[0]  # (a year stays: 成立于2014-2016年)
    cue = cues()
    if cue["noun_after_not"].match(clause):
        return None  # 482万人的通话记录, 300个以上: the counted thing is said before the count
    toks = [(w.word, w.flag) for w in pos_tokenizer().cut(clause, HMM=False)]
    first = 1 if len(toks) > 1 and toks[0][1] in ("v", "a", "b") and toks[1][1].startswith("n") else 0  # 确诊学生
    end = len(toks)
    for j in range(first + 1, len(toks)):
        word, flag = toks[j]
        verb_before_le = j + 1 < len(toks) and toks[j + 1][1] == "ul"  # 报告了: a verb jieba calls a noun
        modifier = flag == "vn" and j + 1 < len(toks) and toks[j + 1][1] == "n"  # 文化出口基地
        if word in cue["count_predicate_words"] or verb_before_le or (
                not flag.startswith(_NOUNISH) and not modifier and not (len(word) == 1 and flag == "v")):
            end = j
            break
    if not any(f.startswith(("n", "j", "eng")) for _, f in toks[:end]):
        return None  # 7500人参加: nothing is named after the count
    noun = "".join(w for w, _ in toks[:end])
    if noun.count("“") != noun.count("”"):
        noun = noun.strip("“”")
    predicate = "".join(w for w, _ in toks[end:])
    if after[m.end() : m.end() + 1] == "》":  # 《…24个城市设立…试验区的批复》: the title's last noun is not it
        predicate = predicate.rsplit("的", 1)[0]
    predicate = cue["count_particles_re"].sub("", predicate)
    if len(noun) < 1 or (len(noun) < 2 and not predicate):
        return None
    # 服务贸易创新发展试点地区: a compound noun, not a noun and a predicate
    compound = predicate and toks[-1][1].startswith(("n", "j")) and not toks[-1][1].startswith("nr") \
        and not any(w in cue["count_predicate_words"] or f in ("ul", "p", "d", "uj") for w, f in toks[end:])
    if compound and len(noun + predicate) <= 14:
        return noun + predicate
    if predicate and len(predicate) <= 20:
        return f"{predicate}的{noun}"
    return noun if len(noun) >= 2 else None


def _strip_noise(pre: str, places: list[Place], periods: list[PeriodRef], text: str, offset: int) -> str:
    """Remove places, time references, brackets of numbering and Latin glosses (欧洲央行（ECB）)
    from a pre-number phrase; organisations and a place's bodies stay (美联储政策利率, 欧洲央行降息)."""
    spans = [(p.start - offset, p.end - offset) for p in places if p.level not in ("org", "body")]
    spans += [(p.start - offset, p.end - offset) for p in periods]
    chars = list(pre)
    for a, b in spans:
        for i in range(max(a, 0), min(b, len(chars))):
            chars[i] = ""
    out = "".join(chars)
    out = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]", "", out)
    out = re.sub(r"[（(][A-Za-z][A-Za-z .&'-]{0,40}[）)]", "", out)
    # a figure inside brackets (产能（乐山5GW示范基地、乐山20GW…): what the bracket says before it
    inside = re.search(r"[（(]([^）)]*)$", out)
    if inside:
        out = re.split(r"[、，,]", inside.group(1))[-1]
    return out.strip()


def _trim_words(phrase: str, keep_cues: bool = False) -> str:
    cue = cues()
    changed = True
    while changed and phrase and phrase not in cue["leading"]:  # (其中 alone is no 其 + 中)
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


# -- lists of figures: 分别 and parallel lists ------------------------------------------------------

_VALUE_GAP = re.compile(r"^\s*(?:[、和及与]|以及)\s*$")
_ITEM_SPLIT = re.compile(r"以及|[、和及与]")


@cache
def _labelled_gap() -> re.Pattern[str]:
    """Between a list's figures: 、 and the next figure's own noun, or a comma and a total (…，合计)."""
    return re.compile(r"^\s*(?:[、和及与]|以及)\s*([\u4e00-\u9fff]{1,6})$|^[，,]\s*(" + cues()["list_totals"] + r")$")
_RESPECTIVELY = re.compile(r"分别")


@dataclass
class Paired:
    """What a figure in a list takes from its place in the list."""

    metric: str | None = None
    period: str | None = None
    place: Place | None = None


def pair_lists(text: str, mentions: list[NumberMention], periods: list[PeriodRef], places: list[Place],
               metrics: list[str | None]) -> dict[int, Paired]:
    """Give each figure of a list its own metric, period and place.

    * ``A、B分别为X和Y`` / ``进出口、出口和进口规模分别居第三位、第二位和第六位``: the i-th item
      before 分别 is the i-th figure's metric (a head word the last item carries is shared:
      出口规模); items that are places are the figures' places;
    * ``2016年-2018年的营业收入分别为X、Y、Z``, ``2022-2024年归母净利润4.7、7.2、9.3亿元``: as many
      years as figures give each figure its year;
    * ``偿付欠款X、利息Y以及违约金Z，合计W``: a figure labelled by its own noun shares the verb
      phrase of the list's first figure (偿付利息).

    ``metrics`` are the figures' metrics as read one by one; returns overrides by index.
    """
    out: dict[int, Paired] = {}
    for run in _value_runs(text, mentions):
        lead = mentions[run[0]]
        start = clause_start(text, lead.start)
        years = _years_before(text, periods, lead.start)
        by_year = len(years) == len(run)
        if by_year:
            for i, year in zip(run, years, strict=True):
                out.setdefault(i, Paired()).period = year
        resp = list(_RESPECTIVELY.finditer(text, start, lead.start))
        if resp:  # (a list over years pairs its figures with the years, not with the words before)
            _pair_items(text, start, resp[-1].start(), run, places, out, places_only=by_year)
    for i in range(1, len(mentions)):
        gap = _labelled_gap().match(text[mentions[i - 1].end : mentions[i].start])
        if not gap or (i in out and out[i].metric):
            continue
        noun = gap.group(1) or gap.group(2)
        first = i - 1
        while first > 0 and _labelled_gap().match(text[mentions[first - 1].end : mentions[first].start]):
            first -= 1
        stem = _without_last_word(metrics[first] or "")
        if stem and not (metrics[first] or "").endswith(noun):
            out.setdefault(i, Paired()).metric = stem + noun
    return out


def _value_runs(text: str, mentions: list[NumberMention]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in range(1, len(mentions)):
        if _VALUE_GAP.match(text[mentions[i - 1].end : mentions[i].start]):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i - 1, i])
    return runs


def _years_before(text: str, periods: list[PeriodRef], pos: int) -> list[str]:
    """The years a list of figures runs over: the last span before it (2016年-2018年) or
    a list of years (2005年、2010年和2015年)."""
    before = [p for p in periods if p.end <= pos]
    if not before:
        return []
    last = before[-1]
    if last.kind == "span" and "/" in last.period:
        a, b = (int(y) for y in last.period.split("/"))
        return [str(y) for y in range(a, b + 1)] if 0 < b - a < 10 else []
    years = [last]
    for p in reversed(before[:-1]):
        if p.kind == "explicit" and len(p.period) == 4 and _VALUE_GAP.match(text[p.end : years[0].start]):
            years.insert(0, p)
        else:
            break
    return [p.period for p in years] if len(years) > 1 and all(len(p.period) == 4 for p in years) else []


def _pair_items(text: str, start: int, at: int, run: list[int], places: list[Place], out: dict[int, Paired],
                places_only: bool = False) -> None:
    """The items listed before 分别 (its clause, from ``start`` to ``at``), paired with ``run``."""
    phrase = text[start:at]
    phrase = phrase[phrase.rfind("的") + 1 :] if _ITEM_SPLIT.search(phrase[phrase.rfind("的") + 1 :]) else phrase
    offset = at - len(phrase)
    cuts = [0, *[x for sep in _ITEM_SPLIT.finditer(phrase) for x in (sep.start(), sep.end())], len(phrase)]
    items = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True) if b > a]
    if len(items) != len(run):
        return
    names = [_trim_words(phrase[a:b]) for a, b in items]
    geo = [[p for p in places if offset + a <= p.start and p.end <= offset + b and p.level != "org"] for a, b in items]
    if all(len(g) == 1 for g in geo):
        for i, g in zip(run, geo, strict=True):
            out.setdefault(i, Paired()).place = g[0]
        return
    if places_only or not all(names):
        return
    head = _head_word(names)
    for k, (i, name) in enumerate(zip(run, names, strict=True)):
        out.setdefault(i, Paired()).metric = name + head if k < len(names) - 1 else name


def _head_word(names: list[str]) -> str:
    """A head word only the last item carries (进出口、出口和进口规模 → 规模)."""
    words = jieba_tokenizer().lcut(names[-1], HMM=False)
    if len(words) < 2 or any(n.endswith(words[-1]) for n in names[:-1]):
        return ""
    return words[-1]


def _without_last_word(metric: str) -> str:
    words = jieba_tokenizer().lcut(metric, HMM=False)
    return "".join(words[:-1]) if len(words) >= 2 else ""
