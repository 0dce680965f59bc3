"""What a search asks for: words AND-ed, groups OR-ed, each word with the other ways to write it.

``杭州 跨境电商 OR 宁波`` is two groups, ``杭州 AND 跨境电商`` or ``宁波``. A word in
``"double quotes"`` keeps its spaces. Each word (:class:`Term`) also stands for

* the other ways to write a metric it names (``patterns/synonyms.yml``: 跨境电商 ↔
  跨境电子商务, 外贸 ↔ 进出口), also inside a longer word (跨境电商进出口 ↔
  跨境电子商务进出口);
* the other names of a division (``patterns/regions.csv``: 杭州 ↔ 杭州市).

A fact matches a word when its sentence, metric, region, document label or claim holds
one of the word's forms (:mod:`extractor.store.search` turns this into SQL).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from extractor.facts.regions import region_forms
from extractor.facts.synonyms import norm, phrases
from extractor.settings import SETTINGS

#: The most forms one word is searched by (the word itself first).
MAX_FORMS = SETTINGS.web.max_search_forms
#: The word that separates OR-ed groups (upper case, as in web search engines).
OR = "OR"

_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Term:
    """One word of a query and the forms it is searched by (``text`` first)."""

    text: str
    forms: tuple[str, ...]
    quoted: bool = False


@dataclass(frozen=True)
class Query:
    """OR-ed groups of AND-ed terms."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]

    def __bool__(self) -> bool:
        return bool(self.groups)


def _words(query: str) -> list[tuple[str, bool]]:
    """(word, quoted) for each whitespace-separated word; ``"double quotes"`` keep a phrase."""
    query = _CONTROL.sub(" ", query)
    if query.count('"') % 2:
        query += '"'
    out = []
    for quoted, bare in _TERM_RE.findall(query):
        word = (quoted if quoted else bare).strip()
        if word:
            out.append((word, bool(quoted)))
    return out


def _synonym_forms(word: str) -> list[str]:
    """``word`` with each metric phrase in it written every way its group is written."""
    text = norm(word)
    found = phrases(text)
    if not found:
        return []
    pieces: list[list[str]] = []
    pos = 0
    for start, end, group in found:
        pieces.append([text[pos:start]])
        own = text[start:end]
        pieces.append([own, *(norm(v) for v in (group.name, *group.variants) if norm(v) != own)])
        pos = end
    pieces.append([text[pos:]])
    return ["".join(choice) for choice in itertools.islice(itertools.product(*pieces), MAX_FORMS)]


def forms(word: str) -> tuple[str, ...]:
    """``word`` and the other ways to write it, ``word`` first, at most :data:`MAX_FORMS`."""
    out = dict.fromkeys([word, *region_forms(word), *_synonym_forms(word)])
    return tuple(itertools.islice(out, MAX_FORMS))


def parse_query(query: str) -> Query:
    """The groups and terms of ``query`` (see the module doc); a quoted word is searched as
    typed, without other forms."""
    groups: list[tuple[Term, ...]] = []
    current: list[Term] = []
    for word, quoted in _words(query or ""):
        if word == OR and not quoted:
            if current:
                groups.append(tuple(current))
            current = []
            continue
        current.append(Term(word, (word,) if quoted else forms(word), quoted))
    if current:
        groups.append(tuple(current))
    return Query(tuple(groups))
