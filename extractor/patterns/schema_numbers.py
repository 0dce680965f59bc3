"""The schemas of the number grammar's pattern files: ``units.yml``, ``qualifiers.yml`` and
``nonfacts.yml`` (read by :mod:`extractor.facts.numerals`, ``numbers`` and ``numforms``)."""

from __future__ import annotations

from extractor.patterns.schema_base import Qualifier, Regex, Section, UnitNorm, Words


class Ranks(Section):
    units: Words
    first: Words
    scopes: Words
    cues: Words
    clause_breaks: str
    joiners: str
    #: a cue up to this many characters before 第N makes it a rank (位列三县两区第一)
    cue_gap: int


class ChineseNumerals(Section):
    digits: dict[str, int]
    places: dict[str, int]
    big: dict[str, int]
    some: Words
    #: the decimal point of a Chinese numeral (十二点五)
    point: str
    #: traditional and variant characters folded one to one to simplified before reading
    traditional: dict[str, str]
    #: digits written only before a place value or magnitude (两百; 三十两 is a weight)
    leading_only: Words
    #: financial digits: a lone one is a name (陆家嘴), a number only with others (陆仟)
    formal: str
    #: adjacent digits that make a vague range (三五百, 十七八万)
    vague_pairs: list[tuple[str, str]]


class MoneySubunits(Section):
    #: the yuan words sub-units follow (3元5角)
    after: Words
    #: sub-unit → its value in yuan
    units: dict[str, float]
    #: a sub-unit followed by one of these is none (五分钟, 三分之一)
    not_before: Words


class Units(Section):
    magnitudes: dict[str, int]
    currency: dict[str, str | tuple[str, float]]
    percent: dict[str, UnitNorm]
    proportion: dict[str, UnitNorm]
    multiple: dict[str, UnitNorm]
    physical: dict[str, UnitNorm]
    count: dict[str, str | None]
    #: word: [value, unit, value_norm, unit_norm, kind_hint, form, qualifier]
    words: dict[str, tuple[float, str | None, float, str, str, str, Qualifier]]
    range_separators: Words
    #: X和Y之间: the joiners of a range's bounds, and the words that must follow the second
    between_joiners: Words
    between_end: Words
    #: written after a range's first bound (10万（含）-20万元)
    inclusive_marks: Words
    #: bare numbers listed before one with a unit share its unit (4.7、7.2、9.3亿元)
    list_separators: Words
    money_subunits: MoneySubunits
    #: a digit right after these is a tenth (十二块五, 七成六)
    tenths_after: Words
    #: two digits before these are a whole and a tenth (七五折)
    digit_pairs_before: Words
    #: 半 right after these is a half (三成半, 两倍半; and every physical unit)
    half_after: Words
    #: the measure word read as money and its norm: [块, CNY]
    money_piece: tuple[str, str]
    #: a measure word is no unit when the next character makes a word with it (股票, 股东)
    word_starts: dict[str, str]
    #: a bare magnitude (2000亿) is money when one of these names what it measures
    money_context: Words
    #: a bare magnitude (1050万) counts what these name: word → measure word
    count_context: dict[str, str]
    #: a generic yuan after a currency named before the number takes that currency (港币2960元)
    generic_yuan: Words
    #: X分之Y read as a unit when X is one of these (百分之三十 = 30 %)
    percent_denominators: dict[str, str]
    ranks: Ranks
    chinese_numerals: ChineseNumerals


class Qualifiers(Section):
    prefix: dict[str, Qualifier]
    infix: dict[str, Qualifier]
    suffix: dict[str, Qualifier]
    suffix_after_units: dict[str, Words]
    fillers: Words
    decline: Words


class Enclosers(Section):
    open: str
    close: str


class Nonfacts(Section):
    time_suffixes: Words
    ordinal_prefixes: Words
    enclosers: Enclosers
    year_span: tuple[int, int]
    patterns: list[Regex]
    title_figures: Regex
    #: a single Chinese digit with one of these glued to a following word is a name (三元布局) …
    name_units: Words
    #: … unless the next character goes on with the amount (五元钱, 三元的)
    name_unit_followers: Words
    #: a place value alone with no qualifier before it is an idiom (百家; 逾百家 is a number)
    idiom_places: Words
    #: a lone zero is a number only as a range's low bound or before 点 (零部件 is none)
    lone_zero: Words
    #: a number right after one of these is a formula's term (D= 2m)
    formula_marks: str
    #: a lone digit before a measure word that names an ordinal, never a count (二次会议)
    ordinal_digits: Words
