"""Finding a fixed set of words in text: the gazetteer's place names, the synonym groups' phrases."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["Literals"]


class Literals:
    """Words found left to right, the longest at each place, none overlapping: what one regex
    alternation of them all, longest first, finds. Python's ``re`` tries each alternative at
    every place (for the gazetteer's 3,596 names, 8× slower than this dictionary scan)."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(w for w in words if w)
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[0], set()).add(len(w))
        #: first character → the lengths of the words that start with it, longest first
        self.starts = {c: tuple(sorted(ns, reverse=True)) for c, ns in lengths.items()}

    def matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, word)`` of every word in ``text``."""
        words, starts = self.words, self.starts
        i, n = 0, len(text)
        while i < n:
            for k in starts.get(text[i], ()):
                if i + k <= n and (word := text[i : i + k]) in words:
                    yield i, i + k, word
                    i += k
                    break
            else:
                i += 1
