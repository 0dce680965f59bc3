"""The Chinese number grammar: numerals, magnitudes, units, qualifiers, ranges, non-facts.

``find_numbers`` reads every number mention of a sentence or table cell into a
:class:`~extractor.models.NumberMention`. Numerals are read by
:mod:`extractor.facts.numerals`; all lexical knowledge (units, magnitudes,
qualifier words, rank cues, non-fact contexts) lives in ``patterns/units.yml``,
``patterns/qualifiers.yml`` and ``patterns/nonfacts.yml``, compiled once, at first
use, into a few regexes and dicts. A form the grammar cannot read yields no
mention, never a guessed value.

Conventions:

* ``value`` is the number as stated in ``unit`` (``1234.1`` with ``亿元``; a compound
  ``4亿5000万元`` is stated in its last magnitude: 45000 万元);
  ``value_norm`` is in base units (元/dollars, percent, tonnes, plain counts).
* Ranges (``5.6到5.78元``, ``10%-20%``, ``三到五万元``, ``三十几万元``, ``三五百家``) keep their
  bounds in ``low``/``high`` (in ``unit``) and ``low_norm``/``high_norm``; ``value`` is
  the bound written first. :func:`range_bounds` turns a range into its two bounds.
* A percent or percentage-point figure right after a decline word
  (下降, 减少, 降息 …) is negated; an explicit minus sign (-, 负) is kept as written.
  A negated range keeps ``value`` = −first bound: 下降5%-10% → value −5, low −10, high −5.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

from extractor.facts.numerals import (
    ARABIC,
    format_number,
    numerals,
    parse_number,
    parse_numeral,
    split_magnitude,
    vague_bounds,
)
from extractor.facts.numforms import (
    after_unit,
    alt,
    bare_no_fact,
    compile_forms,
    context_norm,
    currency_before,
    is_blocked,
    is_latin,
    longest,
    longest_before,
    no_fact,
    nonfact_spans,
    range_bounds,
    rank_at,
    ratio_mentions,
    slash_fractions,
)
from extractor.models import NumberMention
from extractor.patterns import load

__all__ = ["find_numbers", "format_number", "parse_number", "range_bounds"]

_SP = " \t\u3000"
_CLS_KIND = {"proportion": "share", "multiple": "multiple"}
_CLS_FORM = {"proportion": "proportion", "multiple": "multiple"}


def _word(spec: list) -> tuple[float, str, dict[str, Any]]:
    """A units.yml ``words`` entry → (value, own qualifier, mention fields)."""
    val, unit, vn, un, kind, form, qual = spec
    return (
        float(val),
        qual,
        {"unit": unit, "value_norm": float(vn), "unit_norm": un, "kind_hint": kind, "form": form},
    )


@cache
def _lex() -> SimpleNamespace:
    """Compile the data files into lookup tables and regexes (once per process)."""
    u, q, nf = load("units.yml"), load("qualifiers.yml"), load("nonfacts.yml")
    N = numerals()
    units: dict[str, tuple[str | None, Decimal, str]] = {}
    for cls in ("currency", "percent", "proportion", "multiple", "physical", "count"):
        for word, spec in (u.get(cls) or {}).items():
            if spec is None:
                spec = word
            norm, factor = (spec[0], str(spec[1])) if isinstance(spec, list) else (spec, "1")
            units[str(word)] = (norm, Decimal(factor), cls)
    ends: dict[str, Any] = {w: None for w in nf["time_suffixes"]}  # None marks a time word
    ends.update(units)
    r = u["ranks"]
    L = SimpleNamespace(
        N=N,
        table=N.fold,
        digits=N.digits,
        places=N.places,
        big=N.big,
        some=set(u["chinese_numerals"]["some"]),
        mags=N.mags,
        units=units,
        ends=ends,
        words={w: _word(spec) for w, spec in u["words"].items()},
        pct_den=u["percent_denominators"],
        rank_units=set(r["units"]),
        scopes=set(r["scopes"]),
        cues=set(r["cues"]),
        cue_gap=int(r["cue_gap"]),
        breaks=r["clause_breaks"],
        joiners=set(r["joiners"]),
        between=set(u["between_joiners"]),
        between_end=tuple(u["between_end"]),
        incl=tuple(u["inclusive_marks"]),
        prefix=q["prefix"],
        infix=q["infix"],
        suffix=q["suffix"],
        suffix_after={k: set(v) for k, v in q["suffix_after_units"].items()},
        back={
            **{w: "fill" for w in q["fillers"]},
            **{w: "qual" for w in q["prefix"]},
            **{w: "decline" for w in q["decline"]},
        },
        opens=set(nf["enclosers"]["open"]),
        closes=set(nf["enclosers"]["close"]),
        years=tuple(nf["year_span"]),
        ordinals=set(nf["ordinal_prefixes"]),
        name_units=set(nf["name_units"]),
        idiom_places=set(nf["idiom_places"]),
        name_followers=set(nf["name_unit_followers"]),
        lone_zero=set(nf["lone_zero"]),
        formula=set(nf["formula_marks"]),
        ordinal_digits=set(nf["ordinal_digits"]),
        word_starts={k: set(v) for k, v in u["word_starts"].items()},
    )
    L.maxlen = {
        k: max(map(len, getattr(L, k)), default=1)
        for k in ("ends", "units", "mags", "suffix", "back", "scopes", "cues")
    }
    cn, dg = re.escape(N.cn_chars), re.escape("".join(N.digits))
    run = f"(?:{ARABIC}|[{cn}])(?:{ARABIC}|[{cn}]|{re.escape(N.point)}(?=[{dg}0-9]))*"
    L.master = re.compile(
        f"(?P<word>{alt(L.words)})"
        f"|(?P<fsign>负的?|-)?(?:(?P<pden>{alt(L.pct_den)})分之|(?P<den>{run})分之|(?P<bai>百)分(?=[{dg}十]))"
        f"(?P<num>{run})"
        f"|(?P<ord>{alt(L.ordinals)})[ \t]*(?P<onum>{run})"
        f"|(?P<first>{alt(r['first'])})(?=[{''.join(L.rank_units)}])"
        f"|(?P<sign>负的?|零下|[-+])?(?P<run>{run})"
    )
    seps = alt(list(u["range_separators"]) + list(L.between))
    L.range_re = re.compile(
        f"(?P<incl>{alt(L.incl)})?(?P<sp>[ \t]*)(?P<sep>{seps})(?P<sp2>[ \t]*)(?P<run>{run})"
    )
    L.nonfact = re.compile("|".join(f"(?:{p})" for p in nf["patterns"]), re.M)
    L.title_figures = re.compile(nf["title_figures"]) if nf.get("title_figures") else None
    L.cue_re = re.compile(alt(L.cues))
    L.fw_comma = re.compile("(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")  # "１，１００" only
    L.arabic = re.compile(ARABIC)
    compile_forms(L)
    return L


def _tail(L: SimpleNamespace, s: str, p: int, have_mag: bool) -> dict:
    """What follows a numeral: 多/余/几, magnitude, unit (or a time word)."""
    q = p
    while q < len(s) and s[q] in _SP:
        q += 1
    res: dict[str, Any] = {"end": p, "infix": None, "some": False, "mag": "", "unit": None, "time": False}
    c = s[q : q + 1]
    if c and (c in L.infix or c in L.some):
        res.update(infix=L.infix.get(c), some=c in L.some, end=q + 1)
        q += 1
    w = longest(L.ends, L.maxlen["ends"], s, q)
    if w in L.word_starts and s[q + len(w) : q + len(w) + 1] in L.word_starts[w]:
        w = None  # 300218股票: 股 starts a word here
    best = (q + len(w), "", w) if w else (res["end"], "", None)
    if not have_mag:
        for n in range(min(L.maxlen["mags"], len(s) - q), 0, -1):
            mag = s[q : q + n]
            if mag not in L.mags:
                continue
            q2, infix = q + n, res["infix"]
            if s[q2 : q2 + 1] in L.infix and infix is None:
                infix, q2 = L.infix[s[q2]], q2 + 1
            u = longest(L.units, L.maxlen["units"], s, q2)
            end = q2 + len(u) if u else q2
            if end > best[0]:
                best = (end, mag, u, infix)
    res["end"], res["mag"], w = best[:3]
    res["infix"] = best[3] if len(best) > 3 else res["infix"]
    if w is not None:
        if L.ends[w] is None:
            res["time"] = True
        else:
            res["unit"] = w
    return res


def _look_back(L: SimpleNamespace, s: str, p: int) -> tuple[str | None, bool]:
    """Qualifier and decline words right before ``s[p]`` (through fillers like 为, 了)."""
    qual, decline = None, False
    for _ in range(5):
        w = longest_before(L.back, L.maxlen["back"], s, p)
        if not w:
            cur = longest_before(L.currencies, L.maxlen_cur, s, p)  # 约合人民币20亿元
            if not cur:
                break
            p -= len(cur)
            continue
        if w in L.prefix and qual in (None, "eq"):
            qual = L.prefix[w]
        if L.back[w] == "decline":
            decline = True
            break
        p -= len(w)
    return qual, decline


def _suffix(L: SimpleNamespace, s: str, end: int, unit_key: str | None) -> tuple[str | None, int]:
    """Qualifier written after the number and unit (以上, 左右, 三成多), and the first char after."""
    after = end
    while after < len(s) and s[after] in _SP:
        after += 1
    w = longest(L.suffix, L.maxlen["suffix"], s, after)
    if w:
        return L.suffix[w], after
    c = s[after : after + 1]
    if c in L.suffix_after and unit_key in L.suffix_after[c]:
        return L.infix.get(c, "gte"), after
    return None, after


def _step(v: float) -> float:
    """Place value of a round number's last non-zero digit: 30 → 10, 100 → 100 (三十几 = 30–40)."""
    if not 0 < v < 1e15 or v != int(v):
        return 1.0
    digits = str(int(v))
    return float(10 ** (len(digits) - len(digits.rstrip("0"))))


def _read(L: SimpleNamespace, text: str, s: str, m: re.Match) -> tuple[NumberMention | None, int]:
    """Read one master-regex match into a mention (or None) and where to resume."""
    if m.group("word"):
        val, qual, kw = L.words[m.group("word")]
        return _finish(L, text, s, m.span(), val, dict(kw), intrinsic=qual), m.end()
    if m.group("num") is not None:
        return _fraction(L, text, s, m), m.end()
    if m.group("ord") or m.group("first"):
        v = 1.0 if m.group("first") else parse_number(m.group("onum"))
        r = rank_at(L, s, m.start(), v, m.end())
        if r is None or v is None:
            return None, m.end()
        a, b = r["start"], r["end"]
        kw = {"unit": r["unit"], "value_norm": v, "unit_norm": "rank", "kind_hint": "rank", "form": "rank"}
        return NumberMention(start=a, end=b, quote=text[a:b], value=v, **kw), b
    return _read_plain(L, text, s, m)


def _fraction(L: SimpleNamespace, text: str, s: str, m: re.Match) -> NumberMention | None:
    """百分之三十二点八, 负百分之二, 千分之五, 万分之五, 五分之一, 百分之二三十."""
    num = parse_numeral(m.group("num"))
    low = high = None
    if num is None:
        vague = vague_bounds(m.group("num"))
        if vague is None:
            return None
        num, (low, high) = vague[0], vague
    sign = Decimal(-1) if m.group("fsign") else Decimal(1)
    pden = m.group("pden") or m.group("bai")
    if pden:
        unit = L.pct_den[pden]
        norm, factor, _ = L.units[unit]
        kw: dict[str, Any] = {"unit": unit, "unit_norm": norm, "value_norm": float(sign * num * factor), "form": "chinese"}
        if low is not None:
            kw.update(low=float(low), high=float(high), low_norm=float(low * factor),
                      high_norm=float(high * factor), form="range")
        return _finish(L, text, s, m.span(), float(sign * num), kw)
    den = parse_numeral(m.group("den"))
    if not den or low is not None:
        return None
    value = sign * num / den
    kw = {"value_norm": float(100 * value), "unit_norm": "%", "kind_hint": "share", "form": "fraction"}
    return _finish(L, text, s, m.span(), float(value), kw)


def _numeral_at(L: SimpleNamespace, s: str, a: int, b: int) -> tuple[Decimal, Decimal | None, str, int] | None:
    """Read the numeral run ``s[a:b]``: (value in its magnitude, high bound of a vague
    numeral or None, magnitude, end). A unit that starts inside the run takes its
    characters back (二十万千瓦, 一千克, 3百分点)."""
    end = b
    whole = parse_numeral(s[a:b])
    vague = vague_bounds(s[a:b]) if whole is None and not s[a].isdigit() else None
    for k in (1, 2):
        if b - k <= a:
            break
        u = longest(L.units, L.maxlen["units"], s, b - k)
        # a unit inside the run (三十两) only when the run is no numeral, not even a vague one (一两年)
        if u and (len(u) > k or whole is None and vague is None) and parse_numeral(s[a : b - k]) is not None:
            end = b - k
            break
    if end == b and whole is None and vague is None:  # 1.7亿65周岁: the numeral ends at its magnitude
        end = next((e for e in range(b - 1, a, -1)
                    if s[e - 1] in L.big and s[e].isdigit() and parse_numeral(s[a:e]) is not None), b)
    run = s[a:end]
    total, high = (whole, None) if end == b else (parse_numeral(run), None)
    if total is None and len(run) == 2 and all(c in L.digits for c in run) and s[end : end + 1] in L.pairs_before:
        total, vague = Decimal(L.digits[run[0]] * 10 + L.digits[run[1]]), None  # 七五折
    if total is None:
        if vague is None or end != b:
            return None
        total, high = vague
    mag = split_magnitude(run)[1]
    magv = L.mags[mag] if mag else Decimal(1)
    return total / magv, (high / magv if high is not None else None), mag, end


def _arabic_code(L: SimpleNamespace, s: str, a: int, prev: str) -> bool:
    """An Arabic numeral that is part of a code, section number or word (01, B2C, 1.2.3)."""
    core = L.arabic.match(s, a)
    ne = core.end()
    c = core.group()
    return (
        (len(c) > 1 and c[0] == "0" and c[1] != ".")
        or is_latin(prev)
        or (prev == "." and a > 1 and s[a - 2].isdigit())
        or (s[ne : ne + 1] == "." and s[ne + 1 : ne + 2].isdigit())
    )


def _signed_start(s: str, m: re.Match, a: int) -> tuple[int, bool, str]:
    """Where a numeral starts with its sign, whether it is negative, and the character before
    it (a ``-`` after a letter or digit joins, it is no sign: B-2, 14.00-48.38)."""
    start, neg, prev, sign = a, False, s[a - 1] if a else "", m.group("sign")
    if sign in ("-", "+"):
        pm = s[m.start() - 1] if m.start() else ""
        if not pm or not (pm.isascii() and pm.isalnum() or pm in "%.)）"):
            start, neg = m.start(), sign == "-"
        prev = pm
    elif sign:  # 负, 负的, 零下
        start, neg = m.start(), True
    return start, neg, prev


def _read_plain(L: SimpleNamespace, text: str, s: str, m: re.Match) -> tuple[NumberMention | None, int]:
    """A numeral (Arabic, Chinese or mixed) with its tail, maybe a range or a list."""
    a, b = m.span("run")
    start, neg, prev = _signed_start(s, m, a)
    arabic = s[a].isdigit()
    if arabic and _arabic_code(L, s, a, prev) or s[:start].rstrip(_SP)[-1:] in L.formula:
        return None, b  # a code (01, B2C, 1.2.3) or a formula's term (D= 2m)
    got = _numeral_at(L, s, a, b)
    if got is None:
        return None, b
    value, vague_high, mag, end = got
    run = s[a:end]
    num_txt = split_magnitude(run)[0]
    chinese = not arabic or any(c in L.digits or c in L.places for c in num_txt)
    if not arabic and ((len(run) == 1 and run in L.N.formal) or (num_txt in L.idiom_places and not mag
                                                                     and _look_back(L, s, a)[0] in (None, "eq"))):
        return None, end  # 陆家嘴, 大陆部分; 百家, 千家 are idioms (逾百家, 近千家 are numbers)
    t = _tail(L, s, end, bool(mag))
    if t["time"]:
        return None, t["end"]
    r = _extent(L, s, t, value, vague_high, mag or t["mag"], neg, run)
    if r.get("time"):
        return None, r["end"]
    tend, unit, ukey, mag = r["end"], r["unit"], r["ukey"], r["mag"]
    info = L.units.get(ukey) if ukey else None
    form = "range" if r["low"] is not None else ("chinese" if chinese else "arabic")
    if no_fact(L, s, start, tend, run, num_txt, mag, chinese, form, unit, ukey):
        return None, tend
    norm = r["unorm"] or (info[0] if info else None)
    cur = currency_before(L, s, start) if not info or ukey in L.generic_yuan else None
    norm = cur or norm
    sq, after = _suffix(L, s, tend, ukey or mag or None)
    if unit is None and not mag and form != "range" and arabic and not cur:
        listed = _list_unit(L, s, tend)
        if listed == "time":
            return None, tend
        if listed:
            mag, unit = listed
            ukey = unit
            info = L.units.get(unit) if unit else None
            norm = info[0] if info else None
    if info is None and not mag and form != "range" and not cur and bare_no_fact(L, s, start, tend, sq, after):
        return None, tend  # a bare number: a name, a code or a list's number
    scale = L.mags.get(mag, Decimal(1)) * (info[1] if info else Decimal(1))
    sgn = Decimal(-1) if neg else Decimal(1)
    kw: dict[str, Any] = {"unit": (mag + (unit or "")) or None, "form": form, "split": r["split"]}
    kw["value_norm"] = float(sgn * r["value"] * scale)
    low, high = r["low"], r["high"]
    if low is not None:
        lo, hi = (sgn * low, sgn * high) if not neg else (sgn * high, sgn * low)
        kw.update(low=float(lo), high=float(hi), low_norm=float(lo * scale), high_norm=float(hi * scale))
    norm = context_norm(L, s, start, norm, mag, ukey, form)
    if norm:
        kw["unit_norm"] = norm
        kw["kind_hint"] = "pp_change" if norm == "pp" else _CLS_KIND.get(info[2]) if info else None
    if info and form != "range":
        kw["form"] = _CLS_FORM.get(info[2], form)
    return _finish(L, text, s, (start, tend), float(sgn * r["value"]), kw, infix=t["infix"]), tend


def _extent(
    L: SimpleNamespace, s: str, t: dict, value: Decimal, vague_high: Decimal | None, mag: str, neg: bool, run: str
) -> dict:
    """A numeral's unit and bounds from its tail on: the vague or 几 bounds, what follows the unit,
    and the other end of a range. ``{"time": True, "end": …}`` when a range ends in a time word."""
    unit, tend = t["unit"], t["end"]
    low = high = None
    if vague_high is not None:
        low, high = value, vague_high
    elif t["some"]:
        low, high = value, value + Decimal(str(_step(float(value))))
    ukey, unorm = unit, None
    if unit:
        value, unit, ukey, tend, unorm = after_unit(L, s, value, unit, tend, mag)
    split = None
    if low is None:
        rng = _range(L, s, tend, value, mag, ukey, neg, run)
        if rng is not None:
            if rng.get("time"):
                return rng
            low, high, mag, split, tend = rng["low"], rng["high"], rng["mag"], (tend, rng["start"]), rng["end"]
            value = low
            unit, ukey, unorm = rng["unit"], rng["ukey"], rng["unorm"] or unorm
    return {"value": value, "low": low, "high": high, "mag": mag, "unit": unit, "ukey": ukey, "unorm": unorm,
            "split": split, "end": tend}


def _scale(L: SimpleNamespace, mag: str, ukey: str | None) -> Decimal:
    return L.mags.get(mag, Decimal(1)) * (L.units[ukey][1] if ukey else Decimal(1))


def _range(
    L: SimpleNamespace, s: str, p: int, value: Decimal, mag: str, ukey: str | None, neg: bool, run: str
) -> dict | None:
    """The upper end of a range starting at ``s[p]`` (三到五万元, 2元—10元, 1.35-2.7%), or None."""
    rm = L.range_re.match(s, p)
    if rm is None or neg or (rm.group("sep") == "-" and rm.group("sp") and not rm.group("sp2")):
        return None  # "14.00 -48.38", "-40%-60%": a minus sign, not a range
    a2, b2 = rm.span("run")
    got = _numeral_at(L, s, a2, b2)
    if got is None or got[1] is not None:
        return None
    v2, _, mag2, end2 = got
    t2 = _tail(L, s, end2, bool(mag2))
    mag2 = mag2 or t2["mag"]
    if t2["infix"] or t2["some"]:
        return None
    if t2["time"]:
        return {"time": True, "end": t2["end"]}
    unit2, e2 = t2["unit"], t2["end"]
    ukey2, unorm2 = unit2, None
    if unit2:
        v2, unit2, ukey2, e2, unorm2 = after_unit(L, s, v2, unit2, e2, mag2)
    if rm.group("sep") in L.between:
        q = e2
        while q < len(s) and s[q] in _SP:
            q += 1
        if not s.startswith(L.between_end, q):
            return None
    if ukey is not None and ukey != ukey2 and (ukey2 is None or L.units[ukey][0] != L.units[ukey2][0]):
        return None
    num2 = split_magnitude(s[a2:end2])[0]
    if len(run) == 1 and run in L.digits and len(num2) == 2 and num2[1] in L.places and num2[0] in L.digits:
        value *= L.places[num2[1]]  # 两到三千元: the first digit borrows the place value too
    if ukey is None and not mag:  # a bare first bound borrows: 三到五万元, 1.35-2.7%; 5000-1万元 is in 元
        low = value if value < v2 else value / L.mags.get(mag2, Decimal(1))
    else:  # both written out: compare in base units (5000万-1亿元, 2毛钱到10块钱)
        low = value * _scale(L, mag, ukey) / _scale(L, mag2, ukey2)
    if low >= v2:
        return None
    lo_y, hi_y = L.years
    if unit2 is None and not mag2 and lo_y <= value < v2 < hi_y and value == int(value) and v2 == int(v2):
        return {"time": True, "end": e2}  # 2024-2026: a period
    return {"low": low, "high": v2, "mag": mag2, "unit": unit2, "ukey": ukey2, "unorm": unorm2, "start": a2, "end": e2}


def _list_unit(L: SimpleNamespace, s: str, p: int) -> tuple[str, str | None] | str | None:
    """The magnitude and unit of the last number of a list after a bare number
    (4.7、7.2、9.3亿元 → 亿, 元; 36、38、40um), "time" for a list of years or months, else None."""
    lm = L.list_re.match(s, p)
    if lm is None:
        return None
    t = _tail(L, s, lm.end(), False)
    if t["time"]:
        return "time"
    return (t["mag"], t["unit"]) if t["unit"] or t["mag"] else None


def _finish(
    L: SimpleNamespace,
    text: str,
    s: str,
    span: tuple[int, int],
    value: float,
    kw: dict[str, Any],
    infix: str | None = None,
    intrinsic: str = "eq",
) -> NumberMention:
    """Add the qualifier (suffix > infix > prefix > the word's own) and a decline sign."""
    start, end = span
    pq, decline = _look_back(L, s, start)
    sq, _ = _suffix(L, s, end, kw.get("unit"))
    qualifier = sq or infix or (pq if pq and pq != "eq" else None) or intrinsic
    if decline and kw.get("unit_norm") in ("%", "pp") and value > 0:  # an explicit minus is kept
        value = -value
        kw["value_norm"] = -kw["value_norm"]
        if kw.get("low") is not None:
            kw["low"], kw["high"] = -kw["high"], -kw["low"]
            kw["low_norm"], kw["high_norm"] = -kw["high_norm"], -kw["low_norm"]
    return NumberMention(start=start, end=end, quote=text[start:end], value=value, qualifier=qualifier, **kw)


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention in ``text`` (a sentence or a table cell), in order; non-facts excluded."""
    L = _lex()
    s = (L.fw_comma.sub(",", text) if "，" in text else text).translate(L.table)
    blocked = nonfact_spans(L, s)
    starts = [b[0] for b in blocked]
    out = ratio_mentions(L, text, s) + slash_fractions(L, text, s)
    taken = [(m.start, m.end) for m in out]
    pos = 0
    while pos < len(s):
        m = L.master.search(s, pos)
        if m is None:
            break
        if any(a <= m.start() < b for a, b in taken):
            pos = max(m.end(), next(b for a, b in taken if a <= m.start() < b))
            continue
        mention, nxt = _read(L, text, s, m)
        pos = max(nxt, m.end())
        if mention is None or is_blocked(blocked, starts, m.start(), m.end()):
            continue
        if out and out[-1].end == mention.start and out[-1].unit_norm in L.money_norms and s[mention.start] == "一":
            continue  # 十二块五一斤, 20元一份: per one unit, not a quantity
        out.append(mention)
    return sorted(out, key=lambda m: m.start) if taken else out
