"""Cue words that decide a figure's kind (growth, share, amount …), compiled from ``patterns/cues.yml``."""

from __future__ import annotations

import re
from functools import cache

from extractor.models import NumberMention
from extractor.patterns import alternation, load

_CLAUSE = re.compile(r"[，,；;：:]")
#: a book, report or article title (《2018中国智能风控研究报告》): its words are the cited work's
BOOK_TITLE = re.compile(r"《[^》]{0,60}》")


@cache
def cues() -> dict:
    data = load("cues.yml")
    kind = data["kind"]
    cue_list = [(c, "growth") for c in kind["growth"]] + [(c, "share") for c in kind["share"]]
    cue_list += [(c, "other") for c in kind["other"]]
    cue_list.sort(key=lambda t: len(t[0]), reverse=True)
    cue_re = re.compile("|".join(re.escape(c) for c, _ in cue_list))
    cue_kind = dict(cue_list)
    mod = data["modality"]

    def alts(words: list[str]) -> str:
        return alternation(words, longest_first=True)

    def alt(words: list[str]) -> re.Pattern[str]:
        return re.compile(alts(words))

    return {
        "cue_re": cue_re,
        "cue_kind": cue_kind,
        "money": set(kind["money_units"]) | _unit_norms("currency"),
        "physical": set(kind["physical_units"]) | _unit_norms("physical"),
        "target": alt(mod["target_strong"]),
        "forecast": alt(mod["forecast"]),
        "not_forecast": alt(mod["not_forecast"]),
        "listed_after": alt(mod["listed_after"]),
        "plan_titles": alt(mod["plan_titles"]),
        "trailing": sorted(data["metric_trailing"], key=len, reverse=True),
        "leading": sorted(data["metric_leading"], key=len, reverse=True),
        "scope_after": alt(data["region"]["scope_after"]),
        "programme_after": alt(data["region"]["programme_after"]),
        "source_re": re.compile(rf"(?:{alts(data['region']['source_lead'])})[^，。；;！？]{{0,60}}?"
                                rf"(?:{alts(data['region']['source_verbs'])})"),
        "question_re": re.compile(alts(data["question_words"]) + r"|？|\?"),
        "count_predicate_words": set(data["count_predicate_words"]),
        "count_particles_re": re.compile(rf"(?:{alts(data['count_trailing_particles'])})+$"),
        "noun_after_not": re.compile(rf"^(?:{alts(data['noun_after_not'])})"),
        "list_totals": alts(data["list_totals"]),
        "people_count": {"units": set(data["people_count"]["units"]), "noun": data["people_count"]["noun"]},
    }


def _unit_norms(cls: str) -> set[str]:
    """The normalised units of one class of ``patterns/units.yml`` (currency → CNY, USD …)."""
    out = set()
    for word, spec in (load("units.yml").get(cls) or {}).items():
        out.add(spec[0] if isinstance(spec, list) else spec or word)
    return out


_KIND = load("cues.yml")["kind"]
_AFTER_GROWTH = re.compile(f"的[^，,。；;、\\d]{{0,4}}?({alternation(_KIND['growth_after'])})(?![到至])")


_TRANSITION = re.compile(
    f"(?:{alternation(_KIND['transition_verbs'])})?(?:到|至)$|(?:{alternation(_KIND['transition_stems'])})至$"
)


def kind_for(m: NumberMention, text: str) -> str:
    """The kind of a figure from its unit and the cue words around it in its clause."""
    if m.kind_hint in ("rank", "multiple", "pp_change"):
        return m.kind_hint
    unit = m.unit_norm or ""
    cue = cues()
    if unit in ("pp", "bp"):
        return "pp_change"
    if unit == "rank":
        return "rank"
    if unit == "x":
        return "multiple"
    if unit == "%":
        return percent_kind(text[clause_start(text, m.start) : m.start], text[m.end : m.end + 8])
    if unit in cue["money"] or unit in cue["physical"]:
        return "amount"
    if unit:
        return "count"
    return "other"


def percent_kind(pre: str, after: str = "") -> str:
    """growth or share for a percentage, from the words before it (and right after it)."""
    cue = cues()
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
        hits = list(cue["cue_re"].finditer(level_of))
        return cue["cue_kind"][hits[-1].group()] if hits else "share"
    hits = list(cue["cue_re"].finditer(pre))
    if hits:
        return cue["cue_kind"][hits[-1].group()]
    return "share"


def clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE.finditer(text, 0, pos)]
    return starts[-1] if starts else 0
