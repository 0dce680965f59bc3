"""Why a figure got its verdict, in Chinese and English.

Every verdict has a reason an editor can act on: how a supporting source's value
relates to the article's (the same, in another unit, rounded by the article,
covered by its 约 or 超过), which value a contradicting source gives for the same
metric, subject and period, and for an unsupported figure what the nearest
source lacks (another period, another subject, another metric) or that no
source states it at all.
"""

from __future__ import annotations

from extractor.checks.article import ArticleFigure
from extractor.checks.match import Scored
from extractor.checks.metrics import terms

APPROX_WORDS = {"approx": ("约", "about "), "gt": ("超过", "more than "), "gte": ("不少于", "at least "),
                "lt": ("不足", "less than "), "lte": ("不超过", "at most ")}


def source_label(x: Scored) -> str:
    """The source's figure as it is written, with its unit: 43760.7亿元, 70.13%."""
    return x.fig.label


def _doc(x: Scored) -> str:
    return x.source.doc.title or x.source.doc.path.rsplit("/", 1)[-1]


def metric_label(a: ArticleFigure) -> str:
    """What the figure measures, in canonical words (营业收入, 地区生产总值)."""
    for name, _ in a.names:
        words = terms(name)
        if words:
            return "".join(words)
    return a.fig.metric or "这一数字"


def _subject(a: ArticleFigure) -> str:
    """Who the figure is about: what its clause names, else the article's company or
    place, else its region."""
    if a.own:
        return a.own[0]
    return a.subjects[0] if a.subjects else (a.fig.region or "")


def _when(a: ArticleFigure) -> tuple[str, str]:
    return (f"{a.period}年" if a.period else "", f" in {a.period}" if a.period else "")


def supported(a: ArticleFigure, x: Scored) -> dict[str, str]:
    q, src, doc = a.fig.quote, source_label(x), _doc(x)
    word_zh, word_en = APPROX_WORDS.get(a.fig.qualifier, ("", ""))
    zh, en = {
        "exact": (f"来源给出相同数值{src}（{doc}）", f"a source states the same value, {src} ({doc})"),
        "unit": (f"换算单位后相同：{q} = {src}（{doc}）", f"the same value in another unit: {q} = {src} ({doc})"),
        "rounded": (f"文章四舍五入了来源的{src}（{doc}）", f"the article rounds the source's {src} ({doc})"),
        "approx": (f"文章的“{word_zh}{q}”概括了来源的{src}（{doc}）",
                   f"the article's {word_en}{q} covers the source's {src} ({doc})"),
        "bound": (f"来源的{src}符合文章的“{word_zh}{q}”（{doc}）",
                  f"the source's {src} meets the article's {word_en}{q} ({doc})"),
        "share": (f"“{q}”约合来源的{src}（{doc}）", f"{q} is about the source's {src} ({doc})"),
        "loss": (f"亏损{q}即来源的{src}（{doc}）", f"a loss of {q} is the source's {src} ({doc})"),
        "decline": (f"下降{word_zh}{q}即来源的{src}（{doc}）", f"a fall of {word_en}{q} is the source's {src} ({doc})"),
        "rate_change": (f"来源的{src}是比率的增减，即{q}（{doc}）",
                        f"the source's {src} is the change of a rate, i.e. {q} ({doc})"),
    }.get(x.how, (f"来源给出{src}（{doc}）", f"a source gives {src} ({doc})"))
    notes_zh, notes_en = [], []
    if x.period < 1 and x.fig.period and a.period and x.fig.period != a.period:
        notes_zh.append(f"来源记录的期间为{x.fig.period}")
        notes_en.append(f"the source's period reads {x.fig.period}")
    if notes_zh:
        zh += "；" + "，".join(notes_zh)
        en += "; " + ", ".join(notes_en)
    return {"zh": zh, "en": en}


def contradicted(a: ArticleFigure, x: Scored) -> dict[str, str]:
    q, src, doc = a.fig.quote, source_label(x), _doc(x)
    metric = metric_label(a)
    subject = _subject(a)
    when_zh, when_en = _when(a)
    zh = f"来源给出{subject}{when_zh}{metric}为{src}（{doc}），文章为{q}"
    en = f"the source gives {src} for {metric}{' of ' + subject if subject else ''}{when_en} ({doc}); the article says {q}"
    if x.near_miss == 2:
        zh += "，疑为数字笔误"
        en += " (looks like a slip of digits)"
    return {"zh": zh, "en": en}


def _nearest(x: Scored) -> tuple[str, str]:
    c = x.fig
    parts = [p for p in (c.region, c.period, "".join(terms(c.metric or "")) or c.metric) if p]
    return f"{source_label(x)}（{'，'.join(parts)}；{_doc(x)}）", f"{source_label(x)} ({', '.join(parts)}; {_doc(x)})"


def unsupported(a: ArticleFigure, nearest: list[Scored]) -> dict[str, str]:
    metric = metric_label(a)
    subject = _subject(a)
    when_zh, when_en = _when(a)
    zh = f"没有来源给出{subject}{when_zh}的{metric}"
    en = f"no source states {metric}{' for ' + subject if subject else ''}{when_en}"
    if not nearest:
        return {"zh": zh, "en": en}
    x = nearest[0]
    agree = x.relation in ("match", "implied")
    if agree and x.period < 0.5 and x.fig.period:
        zh = f"期间不同：来源给出的是{x.fig.period}年的{source_label(x)}，文章为{a.period or '未知期间'}"
        en = f"period differs: the source gives {x.fig.period} ({source_label(x)}), the article {a.period or 'no period'}"
    elif agree and x.region < 0.5 and x.fig.region:
        zh = f"主体不同：来源说的是{x.fig.region}（{source_label(x)}）"
        en = f"subject differs: the source is about {x.fig.region} ({source_label(x)})"
    elif agree and x.metric < 0.3:
        zh = f"数值相同但指标不同：来源为{''.join(terms(x.fig.metric or '')) or x.fig.metric}"
        en = f"the same value for another metric: the source's is {x.fig.metric}"
    elif x.relation == "mismatch" and x.metric >= 0.75:
        zh = f"来源给出的{metric}为{source_label(x)}，但不能确认期间和主体相同"
        en = f"a source gives {source_label(x)} for {metric}, but not surely for the same period and subject"
    n_zh, n_en = _nearest(x)
    return {"zh": f"{zh}；最接近：{n_zh}", "en": f"{en}; nearest: {n_en}"}
