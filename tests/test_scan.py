"""Literals: the words of a fixed set found as one regex alternation of them, longest first, finds them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.facts.scan import Literals
from extractor.facts.synonyms import phrases, table

_WORD = st.text(alphabet="甲乙丙丁ab", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD, max_size=12), st.text(alphabet="甲乙丙丁ab ", max_size=30))
def test_the_scan_finds_what_one_alternation_finds(words: list[str], text: str) -> None:
    alternation = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)")
    assert list(Literals(words).matches(text)) == [(m.start(), m.end(), m.group()) for m in alternation.finditer(text)]


def test_no_words_find_nothing_and_an_empty_word_is_none() -> None:
    assert list(Literals([]).matches("任何文字")) == []
    assert list(Literals(["", "文字"]).matches("任何文字")) == [(2, 4, "文字")]


def test_the_synonym_phrases_are_found_longest_first() -> None:
    """外贸出口 reads as exports, not as trade followed by 出口 (synonyms.yml)."""
    found = phrases("外贸出口增长")
    assert [(a, b) for a, b, _ in found] == [(0, 4)] and found[0][2] is table().by_phrase["外贸出口"]
