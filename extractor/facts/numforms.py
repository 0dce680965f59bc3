"""Number forms around a numeral that the grammar in :mod:`extractor.facts.numbers` reads.

Each helper takes the compiled lexicon ``L`` of the grammar and the folded text ``s``:

* :func:`after_unit` — what may follow a unit: a per-unit (``元/吨``, ``微克/立方米``),
  money sub-units (``3元5角``, ``十二块五``), tenths and halves (``七成六``, ``三成半``);
* :func:`currency_before` — a currency named before the number (``港币2960元``);
* :func:`money_context`, :func:`count_context` — words that make a bare magnitude money
  (``销售规模达到2000亿``) or a count (``感染人数超过1050万``);
* :func:`ratio_mentions` — colon ratios whose parts are shares (``1.1:50.3:48.6``);
* :func:`slash_fractions` — a slash fraction after a qualifier (``超过1/2``);
* :func:`rank_at` — a rank (居全国第三位, 全国第二, 位列三县两区第一), not a plain ordinal;
* :func:`range_bounds` — a range as its two bounds, the facts a reader counts;
* :func:`nonfact_spans` — the stretches of text whose numbers are no facts;
* :func:`no_fact`, :func:`bare_no_fact` — a numeral that is no figure (零件, 三元布局, a code);
* :func:`context_norm` — a bare magnitude's unit from what its clause names.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from types import SimpleNamespace

from extractor.facts.numerals import ARABIC, parse_numeral
from extractor.models import NumberMention
from extractor.patterns import alternation, load

_SP = " \t\u3000"


def alt(words) -> str:
    """A regex alternation of ``words``, longest first."""
    return alternation(words, longest_first=True)


def longest(d: dict, maxlen: int, s: str, p: int) -> str | None:
    """Longest key of ``d`` that starts at ``s[p]``."""
    for n in range(min(maxlen, len(s) - p), 0, -1):
        if s[p : p + n] in d:
            return s[p : p + n]
    return None


def longest_before(d: dict, maxlen: int, s: str, p: int) -> str | None:
    """Longest key of ``d`` that ends right before ``s[p]``."""
    for n in range(min(maxlen, p), 0, -1):
        if s[p - n : p] in d:
            return s[p - n : p]
    return None


def compile_forms(L: SimpleNamespace) -> None:
    """Add the lexicon these forms read (from ``units.yml``) to ``L``."""
    u = load("units.yml")
    L.generic_yuan = set(u["generic_yuan"])
    L.currencies = {
        w: spec[0]
        for w, spec in L.units.items()
        if spec[2] == "currency" and spec[1] == 1 and w not in L.generic_yuan and w != "元人民币"
    }
    L.maxlen_cur = max(map(len, L.currencies))
    L.money_norms = {spec[0] for spec in L.units.values() if spec[2] == "currency"}
    L.money_re = re.compile(alt(u["money_context"]))
    L.count_ctx = dict(u["count_context"])
    L.count_re = re.compile(alt(L.count_ctx))
    sub = u["money_subunits"]
    L.sub_after = set(sub["after"])
    L.sub_units = {k: Decimal(str(v)) for k, v in sub["units"].items()}
    L.sub_stops = set(sub["not_before"])
    L.tenths_after = set(u["tenths_after"])
    L.pairs_before = set(u["digit_pairs_before"])
    L.half_after = set(u["half_after"])
    L.money_piece = tuple(u["money_piece"])
    d = "".join(L.digits)
    L.digit_re = re.compile(f"[{re.escape(d)}]|[0-9](?![0-9.])")
    L.list_re = re.compile(f"(?:[ \t]*(?:{alt(u['list_separators'])})[ \t]*(?:{ARABIC})(?![0-9]))+")
    L.ratio_re = re.compile(f"(?<![\\d.:：])(?:{ARABIC})(?:[ \t]*[:：][ \t]*(?:{ARABIC}))+(?![\\d.:：%])")
    L.clause_re = re.compile(r"[，,；;。：:！？!?\n]")
    L.slash_re = re.compile(r"(?<![\d./])(\d{1,3})[ \t]*/[ \t]*(\d{1,3})(?![\d./%])")


def _digit(L: SimpleNamespace, s: str, p: int) -> Decimal | None:
    m = L.digit_re.match(s, p)
    if not m:
        return None
    return Decimal(parse_numeral(m.group()) or 0)


def after_unit(
    L: SimpleNamespace, s: str, value: Decimal, unit: str, end: int, mag: str
) -> tuple[Decimal, str, str, int, str | None]:
    """Read what may follow a unit. Returns (value, unit as written, the unit's lexicon
    key, end, a unit_norm that overrides the key's)."""
    norm = None
    if unit in L.pairs_before and not mag and 10 <= value < 100 and value == int(value):
        value /= 10  # 七五折, 75折
    if not mag and unit in L.sub_after:  # 3元5角, 三千三百八十元五角八分, 十二块五毛
        p, added = end, Decimal(0)
        for _ in range(2):
            d = _digit(L, s, p)
            w = s[p + 1 : p + 2]
            if d is None or w not in L.sub_units or s[p + 2 : p + 3] in L.sub_stops:
                break
            added, p = added + d * L.sub_units[w], p + 2
            if s[p : p + 1] == "钱":
                p += 1
        if added:
            value, end = value + added, p
            norm = "CNY"
    if not mag and unit in L.tenths_after and norm is None:  # 十二块五, 七成六
        d = _digit(L, s, end)
        nxt = s[end + 1 : end + 2]
        # a digit after it starts no other number (十二块五一斤: 一 is "per one")
        starts = nxt.isdigit() or nxt in L.digits and nxt != "一" or nxt in L.places or nxt in L.ends or nxt == "."
        if d and not (nxt and starts):
            value, end = value + d / 10, end + 1
            if unit == L.money_piece[0]:
                norm = L.money_piece[1]
    half = unit in L.half_after or L.units[unit][2] == "physical"
    if half and s[end : end + 1] == "半":  # 三成半, 两倍半, 一吨半
        value, end = value + Decimal("0.5"), end + 1
    key = unit
    if s[end : end + 1] == "/" and L.units[unit][2] != "percent":  # 元/吨, 微克/立方米, 元/kwh
        den = longest(L.ends, L.maxlen["ends"], s, end + 1)
        if den:
            unit, end = f"{unit}/{den}", end + 1 + len(den)
    return value, unit, key, end, norm


def currency_before(L: SimpleNamespace, s: str, start: int) -> str | None:
    """The currency named right before a number (港币2960元, 新台币约50亿元), or None."""
    p = start
    for _ in range(3):
        while p and s[p - 1] in _SP:
            p -= 1
        w = longest_before(L.currencies, L.maxlen_cur, s, p)
        if w:
            return L.currencies[w]
        w = longest_before(L.back, L.maxlen["back"], s, p)
        if not w or L.back[w] == "decline":
            return None
        p -= len(w)
    return None


def money_context(L: SimpleNamespace, s: str, start: int) -> bool:
    """Whether the clause before ``start`` names an amount of money (销售额, 投资, 市值 …)."""
    clause = max((m.end() for m in L.clause_re.finditer(s, 0, start)), default=0)
    return L.money_re.search(s, clause, start) is not None


def count_context(L: SimpleNamespace, s: str, start: int) -> str | None:
    """The measure word of what the clause before ``start`` counts (感染人数 → 人, 确诊病例 → 例)."""
    clause = max((m.end() for m in L.clause_re.finditer(s, 0, start)), default=0)
    hits = list(L.count_re.finditer(s, clause, start))
    return L.count_ctx[hits[-1].group()] if hits else None


def ratio_mentions(L: SimpleNamespace, text: str, s: str) -> list[NumberMention]:
    """The parts of a colon ratio that add up to 100 (三次产业结构1.1:50.3:48.6): each a share."""
    out: list[NumberMention] = []
    if ":" not in s and "：" not in s:
        return out
    for rm in L.ratio_re.finditer(s):
        parts = list(re.finditer(ARABIC, rm.group()))
        values = [Decimal(p.group().replace(",", "")) for p in parts]
        if len(values) < 2 or abs(sum(values, Decimal(0)) - 100) > Decimal("0.6") or max(values) >= 100:
            continue
        for p, v in zip(parts, values, strict=True):
            a, b = rm.start() + p.start(), rm.start() + p.end()
            out.append(NumberMention(start=a, end=b, quote=text[a:b], value=float(v), value_norm=float(v),
                                     unit_norm="%", kind_hint="share", form="ratio"))
    return out


def slash_fractions(L: SimpleNamespace, text: str, s: str) -> list[NumberMention]:
    """A fraction written with a slash after a qualifier (超过1/2, 约占2/3, 有1/3的): a share.
    Elsewhere a slash joins a date (7/21) or a code, never a fact."""
    out: list[NumberMention] = []
    if "/" not in s:
        return out
    for fm in L.slash_re.finditer(s):
        num, den = int(fm.group(1)), int(fm.group(2))
        p = fm.start()
        while p and s[p - 1] in _SP:
            p -= 1
        w = longest_before(L.back, L.maxlen["back"], s, p)
        if not w or not 0 < num < den or (w not in L.prefix and s[fm.end() : fm.end() + 1] != "的"):
            continue
        a, b = fm.span()
        value = Decimal(num) / Decimal(den)
        out.append(NumberMention(start=a, end=b, quote=text[a:b], value=float(value), value_norm=float(100 * value),
                                 unit_norm="%", kind_hint="share", form="fraction",
                                 qualifier=L.prefix.get(w, "eq")))
    return out


def clause_start(L: SimpleNamespace, s: str, p: int) -> int:
    """Where the clause holding ``s[p]`` starts (after the last 。；！？ or line break)."""
    return max(s.rfind(c, 0, p) for c in L.breaks) + 1


def rank_at(L: SimpleNamespace, s: str, start: int, v: float | None, q: int) -> dict | None:
    """A rank ("居全国第三位", "全国第二", "位列三县两区第一") or None for a plain ordinal."""
    if v is None or not 1 <= v < 10**6 or v != int(v):
        return None
    scope = longest_before(L.scopes, L.maxlen["scopes"], s, start)
    s0 = start - len(scope) if scope else start
    direct = longest_before(L.cues, L.maxlen["cues"], s, s0) is not None
    unit = s[q] if q < len(s) and s[q] in L.rank_units else None
    clause = clause_start(L, s, start)
    if unit:
        j = start - 1 if start and s[start - 1] in L.joiners else -1
        listed = j > 0 and s[j - 1] in L.rank_units  # 第二位和第六位
        cue = L.cue_re.search(s, max(clause, start - 60), start + 1) is not None
        ok = bool(scope) or direct or listed or cue
        return {"start": start, "end": q + 1, "unit": unit} if ok else None
    if longest(L.ends, L.maxlen["ends"], s, q) is not None:
        return None
    if not (scope or direct):  # a cue a few words before: 位列三县两区第一
        gap = s[max(clause, start - L.cue_gap) : start]
        hit = list(L.cue_re.finditer(gap))
        if not hit or re.search(r"[\d，,、：:（(]", gap[hit[-1].end() :]):
            return None
    return {"start": s0 if scope else start, "end": q, "unit": None}


def range_bounds(m: NumberMention) -> list[NumberMention]:
    """A range as the mentions of its two bounds: the low bound ``gte``, the high ``lte``
    (2元—10元 → 2元 ≥, 10元 ≤); any other mention as itself. Each bound keeps the
    range's ``low``/``high``; a bound written apart quotes its own text."""
    if m.low is None or m.high is None or m.low_norm is None or m.high_norm is None:
        return [m]
    first_is_low = m.value == m.low
    spans = [(m.start, m.end), (m.start, m.end)]
    if m.split is not None:
        a, b = m.split
        spans = [(m.start, a), (b, m.end)]
    values = [(m.low, m.low_norm), (m.high, m.high_norm)]
    if not first_is_low:
        values.reverse()
    out = []
    for (a, b), (v, vn) in zip(spans, values, strict=True):
        quote = m.quote[a - m.start : b - m.start]
        qual = "gte" if v == m.low else "lte"
        out.append(m.model_copy(update={"start": a, "end": b, "quote": quote, "value": v, "value_norm": vn,
                                        "qualifier": qual}))
    return out


def nonfact_spans(L: SimpleNamespace, s: str) -> list[tuple[int, int]]:
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


def is_blocked(blocked: list[tuple[int, int]], starts: list[int], lo: int, hi: int) -> bool:
    """Whether a non-fact span overlaps the numeral ``[lo, hi)`` (sorted, disjoint spans)."""
    i = bisect_right(starts, hi - 1) - 1
    while i >= 0 and blocked[i][1] > lo:
        if blocked[i][0] < hi:
            return True
        i -= 1
    return False


def is_cjk(ch: str) -> bool:
    """A Han ideograph (not punctuation)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_latin(ch: str) -> bool:
    """An ASCII letter."""
    return ch.isascii() and ch.isalpha()


def no_fact(
    L: SimpleNamespace, s: str, start: int, tend: int, run: str, num_txt: str, mag: str, chinese: bool,
    form: str, unit: str | None, ukey: str | None,
) -> bool:
    """A numeral that is no figure: a lone zero (零件), a Chinese numeral without a unit outside a
    table cell, 一/二 before a measure word (一个, 二次会议), a name (三元布局), a Latin word (3D)."""
    info = L.units.get(ukey) if ukey else None
    if run in L.lone_zero and form != "range":
        return True
    if chinese and (form != "range" or unit is None):
        cell = s.strip(_SP + "\n\r") == s[start:tend].strip(_SP)
        if (info is None and not cell and not (mag and (len(num_txt) > 1 or num_txt in L.digits))) or (
            (num_txt == "一" or num_txt in L.ordinal_digits) and not mag and info and info[2] == "count"
        ):
            return True
    if (
        chinese
        and ukey in L.name_units
        and not mag
        and len(num_txt) == 1
        and is_cjk(s[tend : tend + 1])
        and s[tend] not in L.name_followers
    ):
        return True  # 三元布局, 二元结构: a name
    return bool(info and unit and unit.isascii() and is_latin(s[tend : tend + 1]))


def bare_no_fact(L: SimpleNamespace, s: str, start: int, tend: int, sq: str | None, after: int) -> bool:
    """A bare number (no unit, no magnitude) in brackets, before a Latin letter, or glued to a
    word: a name, a code or a list's number."""
    nxt = s[tend : tend + 1]
    return bool(
        (start and s[start - 1] in L.opens and nxt in L.closes)
        or is_latin(nxt)
        or (not sq and after < len(s) and is_cjk(s[after]))
    )


def context_norm(
    L: SimpleNamespace, s: str, start: int, norm: str | None, mag: str, ukey: str | None, form: str
) -> str | None:
    """A bare magnitude's unit from what its clause names: money (销售规模达到2000亿, 花费三块)
    or a count (感染人数超过1050万 → 人)."""
    if (norm is None and mag or ukey == L.money_piece[0] and norm == ukey) and money_context(L, s, start):
        return "CNY"
    if norm is None and mag and form != "ratio":
        return count_context(L, s, start)
    return norm
