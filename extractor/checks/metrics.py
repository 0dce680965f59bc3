"""Metrics by meaning: the canonical words of a metric phrase and how alike two are.

A phrase is read in three steps: the synonym groups it names become their
canonical names (:mod:`extractor.facts.synonyms`: 经济总量 → 地区生产总值,
营收 → 营业收入); places and periods are blanked out; what is left is
segmented with jieba, dropping filler (公司, 实现, 本报告期), the words that
say how a figure changes (同比增长, 占比: the figure's kind says that) and lone
characters.

Two phrases are alike by the weighted overlap of their words (a word weighs its
length). Canonical names match only exactly (出口 is not 进出口); other words
also match in part: one word beginning another names the same thing (数字贸易 /
数字贸易额), a word inside another names a qualified subset (服务贸易 / 数字服务贸易)
and counts less. A group name matches a broader group's name in part (净利润 /
归母净利润): news writes the one for the other.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from extractor.facts.synonyms import broader_steps, norm, phrases, table
from extractor.settings import SETTINGS

_PUNCT = re.compile(r"[\s的了“”‘’\"'、，,。：:；;《》〈〉!！?？·\-—_/()（）\[\]【】%]")
PREFIX_MATCH = SETTINGS.verify.prefix_match  # 数字贸易 / 数字贸易额
INSIDE_MATCH = SETTINGS.verify.inside_match  # 服务贸易 / 数字服务贸易: a qualified subset
BROADER_MATCH = SETTINGS.verify.broader_match  # 净利润 / 归母净利润: news writes the broader name for the narrower


@cache
def _group_names() -> frozenset[str]:
    return frozenset(norm(g.name) for g in table().groups)


def _blank_spans(text: str, keep: list[tuple[int, int]]) -> str:
    """``text`` with places and periods replaced by spaces, except inside ``keep``."""
    from extractor.facts.periods import find_periods
    from extractor.facts.regions import gazetteer

    spans = [(p.start, p.end) for p in gazetteer().find(text)]
    spans += [(p.start, p.end) for p in find_periods(text, 2000)]
    chars = list(text)
    for a, b in spans:
        if any(a < k1 and k0 < b for k0, k1 in keep):
            continue
        chars[a:b] = " " * (b - a)
    return "".join(chars)


@lru_cache(maxsize=200_000)
def terms(phrase: str) -> tuple[str, ...]:
    """The canonical words of a metric phrase, in order, each once:
    ``公司实现营业收入同比增长`` → ``("营业收入",)``; ``北京经济总量`` → ``("地区生产总值",)``."""
    from extractor.facts.segment import words

    t = table()
    changes = frozenset(t.change_words)
    text = norm(phrase)
    found = phrases(text)
    text = _blank_spans(text, [(a, b) for a, b, _ in found])
    out: list[str] = []
    pos = 0
    for a, b, group in [*found, (len(text), len(text), None)]:
        for piece in _PUNCT.sub(" ", text[pos:a]).split():
            for w in words(piece):
                if len(w) > 1 and w not in t.filler and w not in changes and not re.fullmatch(r"[\d.]+", w):
                    out.append(w)
        if group is not None:
            out.append(norm(group.name))
        pos = b
    return tuple(dict.fromkeys(out))


def _bigram_dice(x: str, y: str) -> float:
    bx = {x[i : i + 2] for i in range(len(x) - 1)}
    by = {y[i : i + 2] for i in range(len(y) - 1)}
    return 2 * len(bx & by) / (len(bx) + len(by)) if bx and by else 0.0


@lru_cache(maxsize=400_000)
def word_match(x: str, y: str) -> float:
    """How far word ``x`` names what ``y`` names, 0..1."""
    if x == y:
        return 1.0
    names = _group_names()
    if x in names and y in names:
        steps = broader_steps(x, y)
        return BROADER_MATCH ** steps if steps else 0.0
    if x in names or y in names:
        return 0.0
    short, long_ = sorted((x, y), key=len)
    if long_.startswith(short):
        return PREFIX_MATCH
    if short in long_:
        return INSIDE_MATCH
    d = _bigram_dice(x, y)
    return d if d >= 0.5 else 0.0


@lru_cache(maxsize=400_000)
def terms_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Weighted overlap of two word lists, 0..1 (1 for the same words)."""
    if not a or not b:
        return 0.0
    wa = sum(len(w) for w in a)
    wb = sum(len(w) for w in b)
    ma = sum(len(x) * max(word_match(x, y) for y in b) for x in a)
    mb = sum(len(y) * max(word_match(x, y) for x in a) for y in b)
    return (ma + mb) / (wa + wb)


def similarity(x: str, y: str) -> float:
    """How alike two metric phrases are by meaning, 0..1."""
    return terms_similarity(terms(x or ""), terms(y or ""))


@lru_cache(maxsize=400_000)
def coverage(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The share of ``a``'s words (by weight) that ``b`` holds, 0..1."""
    if not a or not b:
        return 0.0
    return sum(len(x) * max(word_match(x, y) for y in b) for x in a) / sum(len(x) for x in a)
