"""The number grammar's cases as data: ``tests/spec/numbers/<family>.yml``, one file per family.

Each case is a sentence (run through ``normalize_text`` then ``find_numbers``, as the
pipeline does) and the mentions expected in it, in order; only the fields a case
names are compared. ``bounds`` lists the two facts a range becomes (``range_bounds``).
An empty ``expect`` means the sentence holds no figure.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from extractor.facts.numbers import find_numbers, range_bounds
from extractor.models import NumberMention
from extractor.parse.normalize import normalize_text

SPECS = Path(__file__).parent / "spec" / "numbers"
FIELDS = ("quote", "value", "unit", "value_norm", "unit_norm", "qualifier", "low", "high", "kind_hint", "form")


def _cases() -> list:
    out = []
    for path in sorted(SPECS.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(spec["cases"]):
            out.append(pytest.param(case, id=f"{path.stem}-{i}-{case['text'][:16]}"))
    return out


def _same(got: object, want: object) -> bool:
    if isinstance(want, int | float) and not isinstance(want, bool):
        return isinstance(got, int | float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


def _diff(m: NumberMention, want: dict) -> dict:
    bad = {k: (getattr(m, k), v) for k, v in want.items() if k in FIELDS and not _same(getattr(m, k), v)}
    if "bounds" in want:
        got = [(b.quote, b.value_norm, b.qualifier) for b in range_bounds(m)]
        expected = [tuple(b) for b in want["bounds"]]
        if len(got) != len(expected) or not all(
            g[0] == e[0] and _same(g[1], e[1]) and g[2] == e[2] for g, e in zip(got, expected, strict=True)
        ):
            bad["bounds"] = (got, expected)
    return bad


@pytest.mark.parametrize("case", _cases())
def test_number_spec(case: dict) -> None:
    mentions = find_numbers(normalize_text(case["text"]))
    want = case.get("expect") or []
    assert len(mentions) == len(want), [m.quote for m in mentions]
    for m, w in zip(mentions, want, strict=True):
        assert not _diff(m, w), (m.quote, _diff(m, w))


def test_every_family_has_cases() -> None:
    files = sorted(SPECS.glob("*.yml"))
    assert len(files) >= 15
    for path in files:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert spec["family"] == path.stem and spec["about"] and len(spec["cases"]) >= 5, path.name
