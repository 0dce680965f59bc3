"""Numerals: read a written number exactly, in every way Chinese writes one.

:func:`parse_numeral` reads one numeral string — Arabic (``1,100``, ``12.5``),
Chinese (``一亿二千万``, ``壹仟玖佰``, ``十二点五``, ``二〇二四``), or both mixed
(``4亿5000万``, ``5万4千6百``) — into a :class:`~decimal.Decimal`, or ``None``
when the string is not a well-formed numeral. It never guesses: ``一万一千万``
is read by place value, ``百三`` or ``二十万千`` are refused.

The grammar, in order of precedence:

* the largest magnitude character (亿 over 万) splits the numeral into a head and
  a lower part (``一亿二千万`` = 一 × 亿 + 二千万); a repeated magnitude multiplies
  (``四万万``, ``2万亿``); the lower part must be smaller than the magnitude, may
  start with 零, and a lone digit after the magnitude is its tenth (``一万五``);
* within a magnitude, digits × place values (十百千) from high to low, with 零 for a
  gap, a leading 十 (``十五``), and a lone last digit as the next place down
  (``一千二`` = 1200, ``两千四百五`` = 2450);
* ``点`` / ``.`` followed by digits is a decimal point (``零点五``, ``十二点五亿``);
* a run of plain digits with a zero or three and more digits is read digit by
  digit (``二〇二四``); two adjacent digits without a place (``三五``) are a vague
  range, read by :func:`vague_bounds`, never as a value.

Characters are expected folded to simplified forms first (``numerals().fold``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from types import SimpleNamespace

from extractor.patterns import load

ARABIC = r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_ARABIC_RE = re.compile(ARABIC)
_TOKEN_RE = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|.")
_EXTRA_MAP = {"−": "-", "‐": "-", "‑": "-", "﹣": "-", "\u3000": " "}


@cache
def numerals() -> SimpleNamespace:
    """The numeral data of ``patterns/units.yml`` (digits, places, magnitudes, folds)."""
    u = load("units.yml")
    cn = u["chinese_numerals"]
    fold = _fold_table()
    fold.update({ord(k): v for k, v in (cn.get("traditional") or {}).items()})
    digits = {str(k): int(v) for k, v in cn["digits"].items()}
    places = {str(k): int(v) for k, v in cn["places"].items()}
    big = {str(k): int(v) for k, v in cn["big"].items()}
    ns = SimpleNamespace(
        fold=fold,
        digits=digits,
        places=places,
        big=big,
        point=str(cn["point"]),
        formal=set(cn["formal"]),
        lead=set(cn["leading_only"]),
        pairs={(str(a), str(b)) for a, b in cn["vague_pairs"]},
        mags={str(k): Decimal(str(v)) for k, v in u["magnitudes"].items()},
    )
    ns.cn_chars = "".join(digits) + "".join(places) + "".join(big)
    return ns


def _fold_table() -> dict[int, str]:
    """1:1 character map (offsets stay valid): full-width forms and Kangxi radicals → NFKC."""
    table: dict[int, str] = {}
    for lo, hi in ((0xFF01, 0xFF5E), (0x2E80, 0x2FDF), (0xF900, 0xFAFF)):
        for cp in range(lo, hi + 1):
            n = unicodedata.normalize("NFKC", chr(cp))
            if len(n) == 1 and n != chr(cp):
                table[cp] = n
    table.pop(0xFF0C, None)  # keep "，": between ASCII digits it separates list items
    table.update({ord(k): v for k, v in _EXTRA_MAP.items()})
    return table


def _fraction(s: str) -> Decimal | None:
    """The digits after a decimal point (Chinese or Arabic) → 0.xyz."""
    N = numerals()
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return Decimal("0." + s)
    if all(c in N.digits for c in s):
        return Decimal("0." + "".join(str(N.digits[c]) for c in s))
    return None


def _section(s: str) -> Decimal | None:
    """A numeral without 万/亿: digits and place values, maybe with a decimal part."""
    N = numerals()
    if N.point in s:
        head, _, tail = s.partition(N.point)
        frac = _fraction(tail)
        whole = _section(head) if head else None
        if frac is None or whole is None or whole != int(whole):
            return None
        return whole + frac
    if _ARABIC_RE.fullmatch(s):
        return Decimal(s.replace(",", ""))
    if all(c in N.digits for c in s):
        return _digit_run(s)
    tokens = _TOKEN_RE.findall(s)
    if len(tokens) == 1 and tokens[0] in N.places:  # 百, 千 standing for 一百, 一千
        return Decimal(N.places[tokens[0]])
    acc = _Places()
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok[0].isdigit():
            ok = acc.arabic_digits(tok, len(tokens))
        elif tok in N.digits:
            ok = acc.digit(tok, nxt)
        elif tok in N.places:
            ok = acc.place(N.places[tok], i)
        else:
            ok = False
        if not ok:
            return None
    return acc.value(len(tokens))


def _digit_run(s: str) -> Decimal | None:
    """Chinese digits without places: one digit, or a run read digit by digit (二〇二四, 一〇五);
    two without a zero (三五, 两三) are a vague range, no value."""
    N = numerals()
    if len(s) == 1:
        return Decimal(N.digits[s])
    if any(c in N.lead for c in s):
        return None
    if len(s) >= 3 or any(N.digits[c] == 0 for c in s):
        return Decimal("".join(str(N.digits[c]) for c in s))
    return None


class _Places:
    """Digits × place values (十百千) read from high to low, with 零 for a gap."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.num: Decimal | None = None
        self.prev_place: float = math.inf
        self.zero = False
        self.arabic = False

    def arabic_digits(self, tok: str, n_tokens: int) -> bool:
        if self.num is not None:
            return False
        self.num, self.arabic = Decimal(tok.replace(",", "")), True
        return self.num == int(self.num) or n_tokens <= 2  # 1.5千 alone, never 1.5千2百

    def digit(self, tok: str, nxt: str | None) -> bool:
        N = numerals()
        if self.num is not None or (tok in N.lead and nxt not in N.places):
            return False  # 两 only before a place value: 两百, never 三十两
        d = N.digits[tok]
        if d == 0:
            self.zero = True
            return bool(self.total)
        self.num = Decimal(d)
        return True

    def place(self, p: int, i: int) -> bool:
        if p >= self.prev_place:
            return False
        if self.num is None:
            if p != 10:
                return False
            self.num = Decimal(1)  # 十五, 一百十, 一百零十
        elif self.arabic and self.num >= 10 and i > 1:
            return False
        self.total += self.num * p
        self.num, self.prev_place, self.zero = None, p, False
        return True

    def value(self, n_tokens: int) -> Decimal | None:
        if self.num is None:
            return None if self.zero else self.total  # 一百零
        num = self.num
        if not self.zero and 100 <= self.prev_place < math.inf and not self.arabic and n_tokens > 1:
            num *= Decimal(int(self.prev_place)) / 10  # 一千二 = 1200
        return self.total + num


def _value(s: str) -> Decimal | None:
    N = numerals()
    at, top = -1, 0
    for i, c in enumerate(s):
        if c in N.big and N.big[c] >= top:  # the last of the largest magnitude
            at, top = i, N.big[c]
    if at < 0:
        return _section(s)
    head, low = s[:at], s[at + 1 :]
    if not head:
        return None
    hv = _value(head)
    if hv is None:
        return None
    big = Decimal(top)
    if not low:
        return hv * big
    if low[0] in (N.point, "."):
        frac = _fraction(low[1:])
        return None if frac is None or hv != int(hv) else hv * big + frac
    if hv != int(hv):
        return None  # 1.5亿3000万
    if len(low) == 1 and (low in N.digits or low.isdigit()):
        d = N.digits.get(low, None) if low in N.digits else int(low)
        return None if not d else hv * big + Decimal(d) * big / 10  # 一万五 = 15000
    if low[0] in N.places:
        return None  # 二十万千: a place value after a magnitude needs its digit
    if low[0] in N.digits and N.digits[low[0]] == 0:
        low = low.lstrip("".join(c for c in N.digits if N.digits[c] == 0))
        if not low:
            return None
    lv = _value(low)
    if lv is None or lv >= big:
        return None
    return hv * big + lv


def parse_numeral(s: str) -> Decimal | None:
    """A folded numeral string (sign 负/-/+ allowed) → its exact value, or None."""
    if not s:
        return None
    neg = s[0] in "-负"
    body = s[1:] if neg or s[0] == "+" else s
    if not body or body[0] in ",." or (len(body) > 1 and body[-1] in numerals().lead):
        return None  # 两 never ends a numeral: 两万两 is 2万 两 (a weight)
    try:
        v = _value(body)
    except InvalidOperation:  # pragma: no cover - a defensive guard for odd digit strings
        return None
    if v is None:
        return None
    return -v if neg else v


def split_magnitude(s: str) -> tuple[str, str]:
    """(numeral, trailing magnitude): ``3千万`` → (3, 千万), ``一千二百万`` → (一千二百, 万).

    An Arabic number keeps every place and magnitude after it as its magnitude;
    a Chinese or mixed numeral keeps only the trailing 万/亿 characters.
    """
    N = numerals()
    m = _ARABIC_RE.match(s)
    if m and m.end() < len(s) and s[m.end() :] in N.mags:
        return s[: m.end()], s[m.end() :]
    i = len(s)
    while i and s[i - 1] in N.big:
        i -= 1
    mag = s[i:]
    while mag and mag not in N.mags:
        i, mag = i + 1, mag[1:]
    return s[:i], mag


def vague_bounds(s: str) -> tuple[Decimal, Decimal] | None:
    """The bounds of a vague numeral (``三五百`` 300–500, ``十七八万`` 17–18万, ``两三``), or None."""
    N = numerals()
    for i in range(len(s) - 1):
        if (s[i], s[i + 1]) in N.pairs:
            prev = s[i - 1] if i else ""
            if prev and prev in N.digits:  # inside a digit string: 一九三五
                return None
            lo, hi = parse_numeral(s[:i] + s[i] + s[i + 2 :]), parse_numeral(s[:i] + s[i + 1 :])
            if lo is not None and hi is not None and lo < hi:
                return lo, hi
            return None
    return None


def parse_number(s: str) -> float | None:
    """One numeral string → its value: "1,100" 1100, "２.5" 2.5, "一千二百" 1200, "2.11万亿" 2.11e12."""
    t = s.translate(numerals().fold).strip()
    v = parse_numeral(t)
    return None if v is None else float(v)


def format_number(value: float) -> str:
    """Plain decimal text (no exponent) that ``parse_number`` reads back to ``value``."""
    if not math.isfinite(value):
        return repr(float(value))
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
