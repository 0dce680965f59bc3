"""Indexes that keep the checks near-linear in the number of figures.

Comparing every figure with every other is quadratic: 10,000 figures in one
document are 50 million pairs. Two indexes cut that down without changing a
single verdict:

* :func:`frames` groups figures by what must be equal for two of them to be
  compared at all (unit, kind, region, period, modality);
* :class:`MetricIndex` finds, among those, the figures whose metric similarity
  with a given figure can reach a threshold (:func:`~extractor.checks.figures.fig_similarity`
  is a character-bigram Dice score or a containment score): a candidate must
  share a bigram with the figure's metric, and for a Dice score of at least
  ``t`` it must share one of the rarest ``a − ⌈t·a/(2−t)⌉ + 1`` of its ``a``
  bigrams (the prefix filter of set-similarity joins); a metric contained in
  another shares all its bigrams, so its rarest one. Figures the index leaves
  out score below the threshold, so a check that ignores candidates below it
  gives the same result with or without the index.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from extractor.checks.figures import LEVEL_KINDS, Fig, metric_variants, norm_region

__all__ = ["MetricIndex", "frame", "frames", "group"]

K = TypeVar("K", bound=Hashable)


def group(figs: Iterable[Fig], key: Callable[[Fig], K]) -> dict[K, list[Fig]]:
    """Figures by ``key(fig)``, each list in the order given."""
    out: dict[K, list[Fig]] = {}
    for f in figs:
        out.setdefault(key(f), []).append(f)
    return out


def frame(f: Fig) -> tuple:
    """What two figures must share to state the same thing: unit, kind (amounts and
    counts together), region, period and modality."""
    kind = "level" if f.kind in LEVEL_KINDS else f.kind
    return (f.unit_norm, kind, norm_region(f.region), f.period, f.modality)


def frames(figs: Iterable[Fig]) -> dict[tuple, list[Fig]]:
    """Figures with a unit, by :func:`frame`."""
    return group((f for f in figs if f.unit_norm is not None), frame)


def _cores(f: Fig) -> set[str]:
    """Every metric core :func:`~extractor.checks.figures.similarity` may compare for ``f``."""
    return {c for name in (f.metric, f.context) if name for c in metric_variants(name) if c}


def _bigrams(core: str) -> set[str]:
    return {core[i : i + 2] for i in range(len(core) - 1)} or {core}


class MetricIndex:
    """The figures of a list by the bigrams of their metric cores (see the module doc)."""

    def __init__(self, figs: list[Fig]):
        self.figs = figs
        self._postings: dict[str, list[int]] = {}
        cores = [_cores(f) for f in figs]
        for n, fc in enumerate(cores):
            for tok in {t for c in fc for t in _bigrams(c)}:
                self._postings.setdefault(tok, []).append(n)
        # each core under its rarest bigram: where a query whose core contains it looks
        self._rarest: dict[str, set[int]] = {}
        for n, fc in enumerate(cores):
            for c in fc:
                self._rarest.setdefault(min(_bigrams(c), key=self._order), set()).add(n)

    def _order(self, tok: str) -> tuple[int, str]:
        return (len(self._postings.get(tok, ())), tok)

    def candidates(self, f: Fig, threshold: float) -> list[Fig]:
        """The figures (in list order) whose metric similarity with ``f`` may reach ``threshold``:
        a superset of those that do."""
        found: set[int] = set()
        for core in _cores(f):
            toks = sorted(_bigrams(core), key=self._order)
            need = max(1, math.ceil(threshold * len(toks) / (2 - threshold) - 1e-9))
            for tok in toks[: len(toks) - need + 1]:
                found.update(self._postings.get(tok, ()))
            for tok in toks:
                found.update(self._rarest.get(tok, ()))
        return [self.figs[n] for n in sorted(found)]
