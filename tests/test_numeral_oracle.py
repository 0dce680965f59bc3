"""The numeral oracle: values written out in Chinese and mixed forms read back exactly.

``numeral_writer`` renders random values — integers up to 10^16, decimals with 点,
negatives with 负, with and without 万/亿 magnitudes, 零 where Chinese writes it — and
embeds them in policy sentences with units; ``find_numbers`` (after ``normalize_text``)
must read back exactly that value, in base units.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from numeral_writer import chinese, chinese_int, mixed

from extractor.facts.numbers import find_numbers
from extractor.parse.normalize import normalize_text

# (unit as written, factor to base units, unit_norm)
UNITS = [("元", 1, "CNY"), ("美元", 1, "USD"), ("家", 1, "家"), ("吨", 1, "t"), ("人", 1, "人"),
         ("%", 1, "%"), ("个百分点", 1, "pp"), ("平方米", 1, "m2")]
MAGS = [("", 1), ("万", 10**4), ("亿", 10**8)]
FRAMES = ["{n}", "全年完成{n}。", "截至年底，累计达到{n}，位居前列。", "其中民营企业{n}，", "（{n}）"]


def _read(sentence: str):
    ms = find_numbers(normalize_text(sentence))
    assert len(ms) == 1, (sentence, [m.quote for m in ms])
    return ms[0]


@settings(max_examples=400, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=10**16),  # 一家, 一吨: an article, not a count
    unit=st.sampled_from(UNITS),
    frame=st.sampled_from(FRAMES),
    two=st.booleans(),
)
def test_chinese_integers_read_back(n: int, unit: tuple, frame: str, two: bool) -> None:
    word, factor, norm = unit
    numeral = "两" if n == 2 else chinese_int(n, two)  # a count says 两家, never 二家 (二次会议 is an ordinal)
    m = _read(frame.format(n=numeral + word))
    assert (m.value_norm, m.unit_norm) == (float(n * factor), norm)


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(min_value=0, max_value=99999),
    frac=st.integers(min_value=1, max_value=9999),
    neg=st.booleans(),
    mag=st.sampled_from(MAGS),
    unit=st.sampled_from(UNITS[:5]),
    frame=st.sampled_from(FRAMES[1:4]),
)
def test_chinese_decimals_read_back(whole: int, frac: int, neg: bool, mag: tuple, unit: tuple, frame: str) -> None:
    value = Decimal(f"{whole}.{frac:04d}".rstrip("0"))
    value = -value if neg else value
    word, factor, norm = unit
    m = _read(frame.format(n=chinese(value) + mag[0] + word))
    assert m.value_norm == float(value * mag[1] * factor)
    assert m.unit_norm == norm


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(min_value=10**4, max_value=10**16),
    unit=st.sampled_from(UNITS),
    frame=st.sampled_from(FRAMES),
)
def test_mixed_forms_read_back(n: int, unit: tuple, frame: str) -> None:
    word, factor, norm = unit
    m = _read(frame.format(n=mixed(n) + word))
    assert (m.value_norm, m.unit_norm) == (float(n * factor), norm)


@settings(max_examples=300, deadline=None)
@given(
    value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    neg=st.booleans(),
    mag=st.sampled_from(MAGS),
    unit=st.sampled_from(UNITS[:5]),
    fullwidth=st.booleans(),
)
def test_arabic_with_magnitudes_read_back(value: Decimal, neg: bool, mag: tuple, unit: tuple, fullwidth: bool) -> None:
    word, factor, norm = unit
    text = format(value.normalize(), "f")
    if fullwidth:
        text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    m = _read(f"全年完成{'负' if neg else ''}{text}{mag[0]}{word}。")
    want = value * mag[1] * factor
    assert m.value_norm == float(-want if neg else want)


def test_writer_examples() -> None:
    """The oracle writes what a Chinese reader writes."""
    assert chinese_int(120000000) == "一亿二千万"
    assert chinese_int(10300) == "一万零三百"
    assert chinese_int(100000001) == "一亿零一"
    assert chinese_int(15) == "十五"
    assert chinese_int(2000, two=True) == "两千"
    assert chinese(Decimal("-12.5")) == "负十二点五"
    assert mixed(450000000) == "4亿5000万"
    assert mixed(10005) == "1万零5"
    assert chinese_int(10001 * 10**8) == "一万零一亿"
    assert chinese_int(10**16) == "一亿亿"
