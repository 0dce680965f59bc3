"""Text normalisation shared by every parser.

:func:`normalize_text` folds compatibility forms (full-width letters and digits,
Kangxi radicals, CJK compatibility ideographs) to their plain forms while
keeping Chinese full-width punctuation, drops zero-width characters, collapses
spaces and removes the spaces that PDF or HTML layout leaves between CJK
characters. :func:`normalize_date` reads the usual ways of writing a date.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from email.utils import parsedate_to_datetime

__all__ = ["CJK_RE", "find_date", "is_cjk", "normalize_date", "normalize_text"]

# Full-width punctuation that stays as written (the rest of FF01–FF5E is folded).
KEPT_PUNCT = frozenset("，。；：！？（）“”、")

# Characters removed outright: zero-width spaces and joiners, BOM, soft hyphen, word joiner.
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"

# Ranges scanned when building the fold table (letters/digits outside them never fold).
_SCAN_RANGES = (
    (0x00A0, 0x0250),  # Latin-1 supplement, ligature-ish letters
    (0x1D00, 0x1DC0),  # phonetic extensions (modifier letters)
    (0x2070, 0x2190),  # letterlike symbols, roman numerals are Nl (left alone)
    (0x2E80, 0x2FE0),  # CJK radicals supplement + Kangxi radicals
    (0x3000, 0x3400),  # CJK symbols, compat jamo, squared katakana
    (0xF900, 0xFB50),  # CJK compatibility ideographs, Latin ligatures
    (0xFF00, 0xFFF0),  # half-width and full-width forms
    (0x1D400, 0x1D800),  # mathematical alphanumerics
    (0x2F800, 0x2FA20),  # CJK compatibility ideographs supplement
)


def _build_fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for lo, hi in _SCAN_RANGES:
        for cp in range(lo, hi):
            ch = chr(cp)
            if ch in KEPT_PUNCT:
                continue
            cat = unicodedata.category(ch)
            radical = 0x2E80 <= cp < 0x2FE0
            fullwidth_ascii = 0xFF01 <= cp <= 0xFF5E
            if not (cat[0] == "L" or cat == "Nd" or radical or fullwidth_ascii):
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch and folded.strip():
                table[ch] = folded
    for ch in _ZERO_WIDTH:
        table[ch] = ""
    return table


_FOLD = _build_fold_table()


def _char_class(chars: list[str]) -> str:
    """A regex character class for ``chars``, written as ranges."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp != prev + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = cp
        prev = cp
    return "[" + "".join(parts) + "]"


# Split by plane: a class with many astral ranges is slow to test, so it only runs on
# text that holds astral characters at all.
_FOLD_BMP_RE = re.compile(_char_class([c for c in _FOLD if ord(c) < 0x10000]))
_FOLD_ASTRAL_RE = re.compile(_char_class([c for c in _FOLD if ord(c) >= 0x10000]))
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# Han ideographs, CJK punctuation, kana, full-width forms, and the curly quotes Chinese text uses.
_CJK_CLASS = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef\u3200-\u32ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003134f\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
)
CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK_CLASS}]) (?=[{_CJK_CLASS}])")
# Horizontal white space (everything white except the newline), incl. NBSP and U+3000.
# Only runs that need changing match (two or more, or anything but a plain space).
_HSPACE_RE = re.compile(r"(?: [^\S\n]|[^\S\n ])[^\S\n]*")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EDGE_SPACE_RE = re.compile(r" ?\n ?")
# A full-width comma between full-width digits groups thousands (１，１００万元); it is kept
# as "，" elsewhere, where it separates list items.
_FW_THOUSANDS_RE = re.compile("(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")


def _fold(m: re.Match[str]) -> str:
    return _FOLD[m.group()]


def is_cjk(ch: str) -> bool:
    """True for a Han ideograph, CJK punctuation or full-width form."""
    return bool(ch) and CJK_RE.match(ch) is not None


def normalize_text(s: str) -> str:
    """Normalise text: fold compatibility forms, drop zero-width chars, tidy spaces.

    Newlines are kept (``\\r\\n``, ``\\r``, U+2028/2029 become ``\\n``); each line is
    stripped, runs of other white space become one space, and a space between two
    CJK characters is removed while spaces between Latin words stay.
    """
    if not s:
        return ""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    s = _CONTROL_RE.sub("", s)
    if "，" in s:
        s = _FW_THOUSANDS_RE.sub(",", s)
    s = _FOLD_BMP_RE.sub(_fold, s)
    if _ASTRAL_RE.search(s):
        s = _FOLD_ASTRAL_RE.sub(_fold, s)
    s = _HSPACE_RE.sub(" ", s)
    s = _CJK_GAP_RE.sub("", s)
    s = _EDGE_SPACE_RE.sub("\n", s)
    return s.strip()


# ---------------------------------------------------------------------------
# dates

_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, int] | None:
    """The earliest valid written date in ``text`` as (ISO date, position), or None."""
    found: list[tuple[int, str]] = []
    for pat in _DATE_PATTERNS[:2]:
        for m in pat.finditer(text):
            iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
            if iso:
                found.append((m.start(), iso))
                break
    if not found:
        return None
    pos, iso = min(found)
    return iso, pos


def normalize_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, datetime or string, else None.

    Reads ISO 8601, ``2022/7/21``, ``2022年07月21日 10:44``, ``20220721`` and RFC 2822
    (``Thu, 21 Jul 2022 10:44:54 GMT``); the calendar date is taken as written,
    without converting time zones.
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    s = normalize_text(value).strip()
    if not s:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.search(s)
        if m:
            iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
            if iso:
                return iso
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y"):
        try:
            return _dt.datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None
