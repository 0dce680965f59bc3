"""Pass rate of the number grammar on a sample of public number-suite families.

    python bench/number_suites.py [--cases FILE] [--show N] [--against PATH]

Reads ``bench/number_suites.yml`` (cases in the families of cn2an, Recognizers-Text
Chinese, WeTextProcessing and NeMo zh ITN that fit this project's definition of a
fact), runs each sentence through ``normalize_text`` then ``find_numbers`` and prints
the share of cases read right, per family and overall. A case is right when exactly
the expected mentions come out with the expected value_norm, unit_norm and (where
given) qualifier; a range must give both bounds. ``--against PATH`` runs the same
cases on another checkout of the project (e.g. the main branch) for comparison.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _right(mentions: list, want: list) -> bool:
    if len(mentions) != len(want):
        return False
    for m, w in zip(mentions, want, strict=True):
        value, unit = w[0], w[1]
        if isinstance(value, list):  # a range: both bounds, in base units
            lo, hi = _bounds(m)
            ok = _same(lo, value[0]) and _same(hi, value[1])
        else:
            ok = _same(m.value_norm, value)
        if not ok or (m.unit_norm or None) != unit or (len(w) > 2 and m.qualifier != w[2]):
            return False
    return True


def _bounds(m) -> tuple[float | None, float | None]:
    if getattr(m, "low_norm", None) is not None:
        return m.low_norm, m.high_norm
    if m.low is None or m.high is None:  # an older grammar: bounds only in the stated unit
        return None, None
    scale = m.value_norm / m.value if m.value else 1.0
    return m.low * scale, m.high * scale


def run(show: int, cases: str = "number_suites.yml") -> dict[str, tuple[int, int]]:
    from extractor.facts.numbers import find_numbers
    from extractor.parse.normalize import normalize_text

    suites = yaml.safe_load((HERE / cases).read_text(encoding="utf-8"))
    rates: dict[str, tuple[int, int]] = {}
    shown = 0
    for family, cases in suites.items():
        good = 0
        for text, want in cases:
            ms = find_numbers(normalize_text(text))
            if _right(ms, want):
                good += 1
            elif shown < show:
                shown += 1
                got = [(m.quote, m.value_norm, m.unit_norm, m.qualifier, m.low_norm, m.high_norm) for m in ms]
                print(f"  miss [{family}] {text} want {want} got {got}")
        rates[family] = (good, len(cases))
    return rates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="number_suites.yml", help="a case file in bench/")
    ap.add_argument("--show", type=int, default=0, help="print up to N cases read wrong")
    ap.add_argument("--against", help="another checkout of the project to run the same cases on")
    args = ap.parse_args()
    if args.against:
        env = dict(os.environ, PYTHONPATH=str(Path(args.against).resolve()))
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import number_suites as n; n.report(n.run({args.show}, {args.cases!r}))"
        subprocess.run([sys.executable, "-c", code], env=env, cwd=args.against, check=True)
        return
    report(run(args.show, args.cases))


def report(rates: dict[str, tuple[int, int]]) -> None:
    for family, (good, n) in rates.items():
        print(f"{family:14s} {good:4d}/{n:<4d} {good / n:6.1%}")
    good = sum(g for g, _ in rates.values())
    n = sum(t for _, t in rates.values())
    print(f"{'overall':14s} {good:4d}/{n:<4d} {good / n:6.1%}")


if __name__ == "__main__":
    main()
