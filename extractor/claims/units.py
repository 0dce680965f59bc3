"""Units: sentences read together (a PDF line that does not end runs on into the next), their clauses and heading levels."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.claims import names
from extractor.claims.rules import data
from extractor.models import Fact, Sentence
from extractor.settings import SETTINGS

ENDS = "。！？；!?;…"


CLOSERS = "”’」』）)》】‛\"'"


CLAUSE = re.compile(r"[，；;。！？!?：:]|(?<!\d),|,(?!\d)")


HEADING = [
    (0, re.compile(r"^第[一二三四五六七八九十百]+[章节部分篇]")),
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
]


MAX_UNIT_SENTENCES = SETTINGS.segment.max_unit_sentences


@dataclass
class Unit:
    """One or more sentences read as one (a PDF line that does not end runs on)."""

    index: int
    sents: list[Sentence]
    text: str = ""
    starts: list[int] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.sents[0].index

    def at(self, pos: int) -> tuple[Sentence, int]:
        """The sentence holding ``text[pos]`` and the page offset of that character."""
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.sents[i], self.sents[i].char_start + pos - self.starts[i]

    def pos(self, fact: Fact) -> int | None:
        """Where ``fact`` stands in ``text``."""
        for s, start in zip(self.sents, self.starts, strict=True):
            if s.index == fact.sentence_index and fact.char_start is not None:
                return start + fact.char_start - s.char_start
        return None


def build_units(sentences: list[Sentence]) -> list[Unit]:
    units: list[Unit] = []
    cur: list[Sentence] = []
    for i, s in enumerate(sentences):
        cur.append(s)
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        if nxt is not None and len(cur) < MAX_UNIT_SENTENCES and _runs_on(s, nxt):
            continue
        u = Unit(len(units), cur)
        for x in cur:
            u.starts.append(len(u.text))
            u.text += x.text
        units.append(u)
        cur = []
    return units


def _ended(text: str) -> bool:
    if re.fullmatch(r"\s*[（(][^（()）]*[）)]\s*", text):  # （责任单位：市商务局）
        return True
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in ENDS


def _runs_on(s: Sentence, nxt: Sentence) -> bool:
    if _ended(s.text) or names.is_byline(s.text) or names.is_byline(nxt.text):
        return False
    if s.page is None:  # web pages and plain text: paragraphs are real
        return s.paragraph == nxt.paragraph
    if heading_level(s.text) is not None and len(s.text) <= 30:  # （二）杭州强势领跑，集聚效应明显
        return _joins(s.text, nxt.text)
    return ("，" in s.text or "、" in s.text[4:] or s.paragraph == nxt.paragraph or _joins(s.text, nxt.text)
            or _name_across(s.text, nxt.text))


def _name_across(a: str, b: str) -> bool:
    """A name the line break splits after its title (商务部副部长郭 | 婷婷表示)."""
    title_end = data()["title_end_re"]
    for k in (1, 2):
        if len(a) > k and title_end.search(a[:-k]):
            name = names.name_at(a[-k - 1 :] + b[:6], 1, allow_tagger=False)
            if name and len(name) > k:
                return True
    return False


def _joins(a: str, b: str) -> bool:
    """Whether jieba reads a word across the end of ``a`` and the start of ``b`` (前三季|度)."""
    from extractor.facts.segment import jieba_tokenizer

    head, pos = a[-4:], 0
    for tok in jieba_tokenizer().cut(head + b[:4], HMM=False):
        if pos < len(head) < pos + len(tok):
            return True
        pos += len(tok)
    return False


@lru_cache(maxsize=256)
def clause_spans(text: str) -> tuple[tuple[int, int], ...]:
    bounds = [0] + [x for m in CLAUSE.finditer(text) for x in (m.start(), m.end())] + [len(text)]
    return tuple((a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True) if b > a)


def heading_level(text: str) -> int | None:
    return next((level for level, pattern in HEADING if pattern.match(text.strip())), None)
