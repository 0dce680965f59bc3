"""Metric synonyms: groups of words that name the same measure (``patterns/synonyms.yml``).

Each group has an ASCII ``key``, a canonical Chinese ``name`` and its
``variants`` (地区生产总值 = GDP = 经济总量). Phrases are found longest first
across all groups, so 外贸出口 reads as exports, not as trade followed by 出口.

* :func:`phrases` finds the group phrases in a text (what
  :mod:`extractor.checks.metrics` turns into canonical names before segmenting
  the rest with jieba);
* :func:`metric_key` is the canonical metric a phrase names: the keys of its groups
  in order (``gdp``; 跨境电商进出口额 → ``cross_border_ecommerce.trade``), or None;
  :func:`metric_name` is that key in Chinese (跨境电商进出口);
* :func:`variants` lists every way to write a phrase's group, for search expansion.

Used by the facts stage's callers downstream: the store (``facts.metric_key``, search
expansion) and the checks (metrics by meaning, verification).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from extractor.facts.scan import Literals
from extractor.patterns import load

_ASCII = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    variants: tuple[str, ...]
    broader: str | None = None  # key of the group this one is a kind of (归母净利润 → 净利润)


@dataclass(frozen=True)
class Table:
    groups: tuple[Group, ...]
    by_phrase: dict[str, Group]  # normalised phrase → its group
    phrases: Literals  # every phrase, found longest first
    filler: frozenset[str]
    change_words: tuple[str, ...]  # longest first: checks.yml kind words and synonyms.yml change_words
    loss_words: tuple[str, ...]
    decline_words: tuple[str, ...]  # qualifiers.yml decline


def norm(text: str) -> str:
    """NFKC-normalised, case-folded text (full-width letters and digits as ASCII)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


@cache
def table() -> Table:
    """The synonym groups of ``patterns/synonyms.yml``, read once."""
    data = load("synonyms.yml") or {}
    groups: list[Group] = []
    by_phrase: dict[str, Group] = {}
    for g in data.get("groups") or []:
        group = Group(str(g["key"]), str(g["name"]), tuple(str(v) for v in g.get("variants") or ()),
                      g.get("broader"))
        groups.append(group)
        for phrase in (group.name, *group.variants):
            by_phrase[norm(phrase)] = group  # one group per phrase: checked by the schema
    filler = frozenset(norm(w) for w in data.get("filler") or ())

    def longest_first(*words: str) -> tuple[str, ...]:
        return tuple(sorted(dict.fromkeys(norm(str(w)) for w in words), key=len, reverse=True))

    kind_words = load("checks.yml")["metric_core"]["kind_words"]
    return Table(tuple(groups), by_phrase, Literals(by_phrase), filler,
                 longest_first(*kind_words, *(data.get("change_words") or ())),
                 longest_first(*(data.get("loss_words") or ())), longest_first(*load("qualifiers.yml")["decline"]))


def phrases(text: str) -> list[tuple[int, int, Group]]:
    """(start, end, group) of the group phrases in normalised ``text``, longest first,
    not overlapping; ASCII ones only as whole words (PE, not PEople)."""
    t = table()
    out = []
    for a, b, phrase in t.phrases.matches(text):
        if _ASCII.match(phrase) and ((a and _ASCII.match(text[a - 1])) or (b < len(text) and _ASCII.match(text[b]))):
            continue
        out.append((a, b, t.by_phrase[phrase]))
    return out


#: Joins the keys of a metric that names several groups (跨境电商进出口 → cross_border_ecommerce.trade).
KEY_JOINER = "."


@lru_cache(maxsize=100_000)
def metric_key(phrase: str) -> str | None:
    """The canonical metric of a phrase: the keys of the synonym groups it names, in the
    order written, each once, joined with ``.`` (跨境电商进出口额 →
    ``cross_border_ecommerce.trade``; 经济总量 → ``gdp``); None when it names none. The
    last key is what is measured (Chinese puts the head last), the ones before narrow it."""
    keys = dict.fromkeys(group.key for _, _, group in phrases(norm(phrase or "")))
    return KEY_JOINER.join(keys) or None


@cache
def _names() -> dict[str, str]:
    return {g.key: g.name for g in table().groups}


def metric_name(key: str | None) -> str | None:
    """The Chinese name of a :func:`metric_key` (``cross_border_ecommerce.trade`` → 跨境电商进出口);
    None for a key of no group."""
    if not key:
        return None
    names = [_names().get(k) for k in key.split(KEY_JOINER)]
    return "".join(n for n in names if n) if all(names) else None


def broader_steps(x: str, y: str) -> int | None:
    """How many ``broader`` steps lead from one group's name to the other's (0: the
    same group; 1: 归母净利润 → 净利润), None when neither leads to the other."""
    t = table()
    gx, gy = t.by_phrase.get(norm(x)), t.by_phrase.get(norm(y))
    if gx is None or gy is None:
        return None
    by_key = {g.key: g for g in t.groups}
    for lo, hi in ((gx, gy), (gy, gx)):
        g: Group | None = lo
        steps = 0
        while g is not None and steps < 5:
            if g.key == hi.key:
                return steps
            g, steps = by_key.get(g.broader or ""), steps + 1
    return None


def variants(phrase: str) -> list[str]:
    """Every way to write the group of ``phrase`` (name first), or ``[phrase]`` when it
    is in none: what a search for 经济总量 should also look for."""
    group = table().by_phrase.get(norm(phrase))
    return [group.name, *group.variants] if group else [phrase]


def says_loss(text: str) -> bool:
    """Whether ``text`` words a figure as a loss (亏损, 净亏)."""
    text = norm(text)
    return any(w in text for w in table().loss_words)


def says_decline(text: str) -> bool:
    """Whether ``text`` words a rate as a fall (降幅, 下降)."""
    text = norm(text)
    return any(w in text for w in table().decline_words)
