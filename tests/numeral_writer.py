"""A small writer of Chinese numerals, the oracle of the numeral property tests.

Independent of the parser: it writes a value the way Chinese text does and the tests
check that ``find_numbers`` reads back exactly that value.

* :func:`chinese` — 一亿零二百万, 十二点五, 两千 (with 零 for a gap, 十 for 一十 at the start);
* :func:`mixed` — Arabic digits per 万-group with the Chinese magnitudes (4亿5000万, 1万零5).
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零一二三四五六七八九"
PLACES = ["", "十", "百", "千"]


def _group(n: int, leading: bool) -> str:
    """0 < n < 10000 as Chinese; ``leading`` when nothing is written before it."""
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10**i % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if i == 1 and d == 1 and leading and not out:
            out += "十"  # 十五, not 一十五
        else:
            out += DIGITS[d] + PLACES[i]
    return out


def chinese_int(n: int, two: bool = False) -> str:
    """0 ≤ n ≤ 10**16 in Chinese numerals; ``two`` writes 两 for a leading 二 before 千/百/万/亿."""
    if n == 0:
        return "零"
    out = _int(n, leading=True)
    if two and out.startswith("二") and len(out) > 1 and out[1] in "千百万亿":
        out = "两" + out[1:]
    return out


def _int(n: int, leading: bool) -> str:
    if n < 10**4:
        return _group(n, leading)
    big, unit = (10**8, "亿") if n >= 10**8 else (10**4, "万")
    hi, lo = divmod(n, big)
    out = _int(hi, leading) + unit
    if lo:
        out += ("零" if lo < big // 10 else "") + _int(lo, leading=False)
    return out


def chinese(value: Decimal, two: bool = False) -> str:
    """A decimal (sign, integer part, 点 and digits) in Chinese numerals."""
    sign = "负" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    frac = format(value - whole, "f").rstrip("0").rstrip(".")
    text = chinese_int(whole, two)
    if frac and frac != "0":
        text += "点" + "".join(DIGITS[int(c)] for c in frac[2:])
    return sign + text


def mixed(n: int) -> str:
    """An integer as Arabic digits with Chinese magnitudes: 450000000 → 4亿5000万, 10005 → 1万零5."""
    if n < 10**4:
        return str(n)
    big, unit = (10**8, "亿") if n >= 10**8 else (10**4, "万")
    hi, lo = divmod(n, big)
    out = str(hi) + unit
    if lo:
        # a lone digit after the magnitude would read as its tenth (一万五): write 零 before it
        out += ("零" if lo < 10 else "") + mixed(lo)
    return out
