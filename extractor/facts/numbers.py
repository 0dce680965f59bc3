"""The Chinese number grammar: numerals, magnitudes, units, qualifiers, non-facts.

``find_numbers`` reads every number mention of a sentence or table cell into a
:class:`~extractor.models.NumberMention`. All lexical knowledge (units,
magnitudes, qualifier words, rank cues, non-fact contexts) lives in
``patterns/units.yml``, ``patterns/qualifiers.yml`` and ``patterns/nonfacts.yml``;
it is compiled once, at first use, into a few regexes and dicts.

Conventions:

* ``value`` is the number as stated in ``unit`` (``1234.1`` with ``亿元``);
  ``value_norm`` is in base units (元/dollars, percent, tonnes, plain counts).
* Ranges (``5.6到5.78元``, ``10%-20%``, ``三十几万元``) keep their bounds in
  ``low``/``high`` (in ``unit``); ``value`` is the **low** bound (the first one written).
* A percent or percentage-point figure right after a decline word
  (下降, 减少, 回落 …) is negated; an explicit minus sign is kept as written.
  A negated range keeps ``value`` = −first bound: 下降5%-10% → value −5, low −10, high −5.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

from extractor.models import NumberMention
from extractor.patterns import load

_SP = " \t\u3000"
_NUM = r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_EXTRA_MAP = {"−": "-", "‐": "-", "‑": "-", "﹣": "-", "\u3000": " "}
_CLS_KIND = {"proportion": "share", "multiple": "multiple"}
_CLS_FORM = {"proportion": "proportion", "multiple": "multiple"}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _mul(a: float, b: float) -> float:
    """a × b computed in decimal, so 1234.1 × 1e8 is exactly 123410000000."""
    return float(Decimal(repr(float(a))) * Decimal(repr(float(b))))


def _translation() -> dict[int, str]:
    """1:1 character map (offsets stay valid): full-width forms, Kangxi radicals → NFKC."""
    table: dict[int, str] = {}
    for lo, hi in ((0xFF01, 0xFF5E), (0x2E80, 0x2FDF), (0xF900, 0xFAFF)):
        for cp in range(lo, hi + 1):
            n = unicodedata.normalize("NFKC", chr(cp))
            if len(n) == 1 and n != chr(cp):
                table[cp] = n
    table.pop(0xFF0C, None)  # keep "，": it never groups thousands
    table.update({ord(k): v for k, v in _EXTRA_MAP.items()})
    return table


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
    cn = u["chinese_numerals"]
    units: dict[str, tuple[str | None, float, str]] = {}
    for cls in ("currency", "percent", "proportion", "multiple", "physical", "count"):
        for word, spec in (u.get(cls) or {}).items():
            if spec is None:
                spec = word
            norm, factor = (spec[0], float(spec[1])) if isinstance(spec, list) else (spec, 1.0)
            units[str(word)] = (norm, factor, cls)
    ends: dict[str, Any] = {w: None for w in nf["time_suffixes"]}  # None marks a time word
    ends.update(units)
    r = u["ranks"]
    L = SimpleNamespace(
        table=_translation(),
        digits=cn["digits"],
        places=cn["places"],
        big=cn["big"],
        some=set(cn["some"]),
        mags={k: float(v) for k, v in u["magnitudes"].items()},
        units=units,
        ends=ends,
        words={w: _word(spec) for w, spec in u["words"].items()},
        pct_den={int(k): v for k, v in u["percent_denominators"].items()},
        rank_units=set(r["units"]),
        scopes=set(r["scopes"]),
        cues=set(r["cues"]),
        breaks=r["clause_breaks"],
        joiners=set(r["joiners"]),
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
    )
    L.cn_chars = "".join(list(L.digits) + list(L.places) + list(L.big))
    L.maxlen = {
        k: max(map(len, getattr(L, k)), default=1)
        for k in ("ends", "units", "mags", "suffix", "back", "scopes", "cues")
    }
    cnr = f"[{re.escape(L.cn_chars)}]+"
    L.master = re.compile(
        f"(?P<word>{_alt(L.words)})"
        f"|(?P<den>{_NUM}|{cnr})分之(?P<num>{_NUM}|{cnr})"
        f"|(?P<ord>{_alt(L.ordinals)})[ \t]*(?:(?P<oar>{_NUM})|(?P<ocn>{cnr}))"
        f"|(?P<first>{_alt(r['first'])})(?=[{''.join(L.rank_units)}])"
        f"|(?P<sign>[-+])?(?P<ar>{_NUM})"
        f"|(?P<cn>{cnr})"
    )
    seps = _alt(u["range_separators"])
    L.range_re = re.compile(f"(?P<sp>[ \t]*)(?P<sep>{seps})(?P<sp2>[ \t]*)(?:(?P<ar>{_NUM})|(?P<cn>{cnr}))")
    L.nonfact = re.compile("|".join(f"(?:{p})" for p in nf["patterns"]), re.M)
    L.title_figures = re.compile(nf["title_figures"]) if nf.get("title_figures") else None
    L.cue_re = re.compile(_alt(L.cues))
    L.fw_comma = re.compile("(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")  # "１，１００" only
    L.arabic = re.compile(rf"([-+]?)({_NUM})({_alt(L.mags)})?")
    return L


def _longest(d: dict, maxlen: int, s: str, p: int) -> str | None:
    """Longest key of ``d`` that starts at ``s[p]``."""
    for n in range(min(maxlen, len(s) - p), 0, -1):
        if s[p : p + n] in d:
            return s[p : p + n]
    return None


def _longest_before(d: dict, maxlen: int, s: str, p: int) -> str | None:
    """Longest key of ``d`` that ends right before ``s[p]``."""
    for n in range(min(maxlen, p), 0, -1):
        if s[p - n : p] in d:
            return s[p - n : p]
    return None


def _parse_cn(s: str) -> float | None:  # noqa: C901 (a numeral grammar, one branch per character class)
    """A Chinese numeral (一千二百, 壹仟玖佰, 两, 十一, 百万, 二〇二四) → value, or None."""
    L = _lex()
    D, P, B = L.digits, L.places, L.big
    if not s:
        return None
    if all(c in D for c in s):
        return float(D[s]) if len(s) == 1 else float("".join(str(D[c]) for c in s))
    total, section, num = 0.0, 0, None
    prev_place, big_prev, zero = 10**5, math.inf, False
    for c in s:
        if c in D:
            if D[c] == 0:
                if num is not None:
                    return None
                zero = True
            elif num is not None:
                return None
            else:
                num = D[c]
        elif c in P:
            pv = P[c]
            if pv >= prev_place or (num is None and (section or zero)):
                return None
            section += (1 if num is None else num) * pv
            num, prev_place, zero = None, pv, False
        else:
            bv = B[c]
            section += num or 0
            if section == 0:
                if total == 0 or bv <= big_prev:
                    return None
                total *= bv
            elif total == 0 or bv > big_prev:
                total = (total + section) * bv
            else:
                total += section * bv
            big_prev, section, num, prev_place, zero = bv, 0, None, 10**5, False
    if num is not None:
        if not zero and 100 <= prev_place < 10**5:
            num *= prev_place // 10  # 一千二 = 1200
        elif not zero and section == 0 and total:
            num *= big_prev / 10  # 一万五 = 15000
        section += num
    return total + section


def parse_number(s: str) -> float | None:
    """One numeral string → its value: "1,100" 1100, "２.5" 2.5, "一千二百" 1200, "2.11万亿" 2.11e12."""
    L = _lex()
    t = s.translate(L.table).strip()
    m = L.arabic.fullmatch(t)
    if m:
        v = float(m.group(2).replace(",", ""))
        v = _mul(v, L.mags[m.group(3)]) if m.group(3) else v
        return -v if m.group(1) == "-" else v
    neg = t[:1] in ("-", "负")
    body = t[1:] if neg or t[:1] == "+" else t
    if not body or any(c not in L.cn_chars for c in body):
        return None
    v = _parse_cn(body)
    return None if v is None else (-v if neg else v)


def format_number(value: float) -> str:
    """Plain decimal text (no exponent) that ``parse_number`` reads back to ``value``."""
    if not math.isfinite(value):
        return repr(float(value))
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _read_cn(L: SimpleNamespace, core: str) -> tuple[float, str, str] | None:
    """Split a Chinese run into (value, numeral, trailing 万/亿) and apply its grammar."""
    i = len(core)
    while i and core[i - 1] in L.big:
        i -= 1
    num, mag = core[:i], core[i:]
    v = _parse_cn(num)
    if v is None or (mag and _parse_cn("一" + mag) is None):
        return None
    if all(c in L.digits for c in num) and len(num) > 1 and not any(L.digits[c] == 0 for c in num):
        return None  # 两三个, 三五: vague
    return v, num, mag


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
    w = _longest(L.ends, L.maxlen["ends"], s, q)
    best = (q + len(w), "", w) if w else (res["end"], "", None)
    if not have_mag:
        for n in range(min(L.maxlen["mags"], len(s) - q), 0, -1):
            mag = s[q : q + n]
            if mag not in L.mags:
                continue
            q2, infix = q + n, res["infix"]
            if s[q2 : q2 + 1] in L.infix and infix is None:
                infix, q2 = L.infix[s[q2]], q2 + 1
            u = _longest(L.units, L.maxlen["units"], s, q2)
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
        w = _longest_before(L.back, L.maxlen["back"], s, p)
        if not w:
            break
        if w in L.prefix and qual in (None, "eq"):
            qual = L.prefix[w]
        if L.back[w] == "decline":
            decline = True
            break
        p -= len(w)
    return qual, decline


def _clause_has_cue(L: SimpleNamespace, s: str, p: int) -> bool:
    start = max(s.rfind(c, 0, p) for c in L.breaks) + 1
    return L.cue_re.search(s, max(start, p - 60), min(p + 1, len(s))) is not None


def _rank(L: SimpleNamespace, s: str, start: int, v: float | None, q: int) -> dict | None:
    """A rank ("居全国第三位", "全国第二", "世界首位") or None for a plain ordinal."""
    if v is None or not 1 <= v < 10**6 or v != int(v):
        return None
    scope = _longest_before(L.scopes, L.maxlen["scopes"], s, start)
    s0 = start - len(scope) if scope else start
    direct = _longest_before(L.cues, L.maxlen["cues"], s, s0) is not None
    unit = s[q] if q < len(s) and s[q] in L.rank_units else None
    if unit:
        j = start - 1 if start and s[start - 1] in L.joiners else -1
        listed = j > 0 and s[j - 1] in L.rank_units  # 第二位和第六位
        ok = bool(scope) or direct or listed or _clause_has_cue(L, s, start)
        return {"start": start, "end": q + 1, "unit": unit} if ok else None
    if (scope or direct) and _longest(L.ends, L.maxlen["ends"], s, q) is None:
        return {"start": s0 if scope else start, "end": q, "unit": None}
    return None


def _suffix(L: SimpleNamespace, s: str, end: int, unit_key: str | None) -> tuple[str | None, int]:
    """Qualifier written after the number and unit (以上, 左右, 三成多), and the first char after."""
    after = end
    while after < len(s) and s[after] in _SP:
        after += 1
    w = _longest(L.suffix, L.maxlen["suffix"], s, after)
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
    if m.group("den"):
        den, num = parse_number(m.group("den")), parse_number(m.group("num"))
        if not den or num is None:
            return None, m.end()
        if den in L.pct_den:
            unit = L.pct_den[den]
            norm, factor, _ = L.units[unit]
            kw = {"unit": unit, "unit_norm": norm, "value_norm": _mul(num, factor), "form": "chinese"}
        else:
            kw = {"value_norm": 100 * num / den, "unit_norm": "%", "kind_hint": "share", "form": "fraction"}
            num = num / den
        return _finish(L, text, s, m.span(), num, kw), m.end()
    if m.group("ord") or m.group("first"):
        v = 1.0 if m.group("first") else parse_number(m.group("oar") or m.group("ocn"))
        r = _rank(L, s, m.start(), v, m.end())
        if r is None or v is None:
            return None, m.end()
        a, b = r["start"], r["end"]
        kw = {"unit": r["unit"], "value_norm": v, "unit_norm": "rank", "kind_hint": "rank", "form": "rank"}
        return NumberMention(start=a, end=b, quote=text[a:b], value=v, **kw), b
    return _read_plain(L, text, s, m)


def _numeral(L: SimpleNamespace, s: str, m: re.Match, arabic: bool) -> tuple[float, str, str, int] | None:
    """(signed value, Chinese numeral or "", trailing magnitude, start) of the match, or None."""
    ns, ne = m.span("ar" if arabic else "cn")
    if not arabic:
        got = _read_cn(L, m.group("cn"))
        if got and not got[2] and L.places.get(got[1], 0) > 10 and _look_back(L, s, ns)[0] in (None, "eq"):
            return None  # 百家, 千家 are idioms; 逾百家, 近千家 are numbers
        return None if got is None else (got[0], got[1], got[2], ns)
    core, prev, start, sign = m.group("ar"), s[ns - 1] if ns else "", ns, 1.0
    if m.group("sign"):
        pm = s[m.start() - 1] if m.start() else ""
        if not pm or not (pm.isascii() and pm.isalnum() or pm in "%.)）"):
            start, sign = m.start(), (-1.0 if m.group("sign") == "-" else 1.0)
        prev = pm
    if (
        (len(core) > 1 and core[0] == "0" and core[1] != ".")
        or _is_latin(prev)
        or (prev == "." and ns > 1 and s[ns - 2].isdigit())
        or (s[ne : ne + 1] == "." and s[ne + 1 : ne + 2].isdigit())
    ):
        return None
    return sign * float(core.replace(",", "")), "", "", start


def _second(L: SimpleNamespace, s: str, rm: re.Match) -> tuple[float, str, dict] | None:
    """The upper end of a range: (value, magnitude, tail)."""
    if rm.group("ar") is not None:
        v, mag0 = float(rm.group("ar").replace(",", "")), ""
    else:
        got = _read_cn(L, rm.group("cn"))
        if got is None:
            return None
        v, _, mag0 = got
    t = _tail(L, s, rm.end(), bool(mag0))
    return v, mag0 or t["mag"], t


def _read_plain(L: SimpleNamespace, text: str, s: str, m: re.Match) -> tuple[NumberMention | None, int]:
    """An Arabic or Chinese numeral with its tail, maybe a range."""
    arabic = m.group("ar") is not None
    got = _numeral(L, s, m, arabic)
    if got is None:
        return None, m.end()
    value, num, mag0, start = got
    t = _tail(L, s, m.end(), bool(mag0))
    if t["time"]:
        return None, t["end"]
    mag, unit, end = mag0 or t["mag"], t["unit"], t["end"]
    info = L.units.get(unit) if unit else None
    if not arabic:
        cell = s.strip(_SP + "\n\r") == s[start:end].strip(_SP)
        if (info is None and not cell and not (mag0 and (len(num) > 1 or num in L.digits))) or (
            num == "一" and not mag and info and info[2] == "count"
        ):
            return None, end
    if info and unit.isascii() and _is_latin(s[end : end + 1]):
        return None, end
    low = high = None
    form = "arabic" if arabic else "chinese"
    if t["some"]:
        low, high, form = value, value + _step(value), "range"
    rm = None if t["some"] else L.range_re.match(s, end)
    if rm and rm.group("sp") and not rm.group("sp2") and rm.group("sep") == "-":
        rm = None  # "14.00 -48.38": a minus sign, not a range
    sec = _second(L, s, rm) if rm else None
    if sec is not None:
        v2, mag2, t2 = sec
        same = (t2["unit"] == unit and mag2 == mag) or (unit is None and mag in ("", mag2))
        if same and v2 > value and not t2["infix"]:
            lo_y, hi_y = L.years
            years = lo_y <= value < v2 < hi_y and value.is_integer() and v2.is_integer()
            if t2["time"] or (t2["unit"] is None and not mag2 and years):
                return None, t2["end"]
            low, high, form, end, mag, unit = value, v2, "range", t2["end"], mag2, t2["unit"]
            info = L.units.get(unit) if unit else None
    sq, after = _suffix(L, s, end, unit or mag or None)
    if info is None and not mag and form != "range":  # a bare number: name, code or list number?
        nxt = s[end : end + 1]
        if (
            (start and s[start - 1] in L.opens and nxt in L.closes)
            or _is_latin(nxt)
            or (not sq and after < len(s) and _is_cjk(s[after]))
        ):
            return None, end
    kw: dict[str, Any] = {"unit": (mag + (unit or "")) or None, "low": low, "high": high, "form": form}
    kw["value_norm"] = _mul(value, L.mags.get(mag, 1.0) * (info[1] if info else 1.0))
    if info:
        kw["unit_norm"] = info[0]
        kw["kind_hint"] = "pp_change" if info[0] == "pp" else _CLS_KIND.get(info[2])
        if form != "range":
            kw["form"] = _CLS_FORM.get(info[2], form)
    return _finish(L, text, s, (start, end), value, kw, infix=t["infix"]), end


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
    return NumberMention(start=start, end=end, quote=text[start:end], value=value, qualifier=qualifier, **kw)


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention in ``text`` (a sentence or a table cell), in order; non-facts excluded."""
    L = _lex()
    s = (L.fw_comma.sub(",", text) if "，" in text else text).translate(L.table)
    blocked = _nonfact_spans(L, s)
    starts = [b[0] for b in blocked]
    out: list[NumberMention] = []
    pos = 0
    while pos < len(s):
        m = L.master.search(s, pos)
        if m is None:
            break
        mention, nxt = _read(L, text, s, m)
        pos = max(nxt, m.end())
        if mention is not None and not _blocked(blocked, starts, m.start(), m.end()):
            out.append(mention)
    return out


def _nonfact_spans(L: SimpleNamespace, s: str) -> list[tuple[int, int]]:
    """Sorted, disjoint spans of ``s`` that are no facts; a title (《…》) is cut around the counted
    quantities in it (``title_figures``)."""
    out: list[tuple[int, int]] = []
    for mt in L.nonfact.finditer(s):
        lo, hi = mt.span()
        if L.title_figures is not None and s.startswith("《", lo):
            for fig in L.title_figures.finditer(s, lo, hi):
                out.append((lo, fig.start()))
                lo = fig.end()
        out.append((lo, hi))
    return [span for span in out if span[1] > span[0]]


def _blocked(blocked: list[tuple[int, int]], starts: list[int], lo: int, hi: int) -> bool:
    """Whether a non-fact span overlaps the numeral ``[lo, hi)`` (sorted, disjoint spans)."""
    i = bisect_right(starts, hi - 1) - 1
    while i >= 0 and blocked[i][1] > lo:
        if blocked[i][0] < hi:
            return True
        i -= 1
    return False
