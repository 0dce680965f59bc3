"""Text normalisation: compatibility folding, kept punctuation, spaces, dates."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.parse.normalize import find_date, normalize_date, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３ｘｙｚ", "ABC123xyz"),  # full-width letters and digits
        ("增长１２．５％", "增长12.5%"),  # full-width digits, point and percent sign
        ("⼀⼆⼈⼤", "一二人大"),  # Kangxi radicals U+2F00 block (Chrome-printed PDFs)
        ("\uf900\U0002f800", "\u8c48\u4e3d"),  # CJK compatibility ideographs
        ("数\u200b字\u200d贸\ufeff易\u00ad", "数字贸易"),  # zero-width characters, soft hyphen
        ("世 界  经 济", "世界经济"),  # spaces between CJK characters go
        ("hello   big\tworld", "hello big world"),  # spaces between Latin words stay (collapsed)
        ("为 1234.1 亿元", "为 1234.1 亿元"),  # CJK–digit spaces stay
        ("\u3000\u3000正文开始", "正文开始"),  # leading full-width indentation
        ("\xa0\xa0正文\xa0", "正文"),  # NBSPs
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),  # line endings
        ("  行一  \n   行二", "行一\n行二"),  # each line stripped, newlines kept
        ("数据\x07来源", "数据来源"),  # control characters
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_chinese_punctuation_is_kept() -> None:
    punct = "，。；：！？（）“”、"
    assert normalize_text(punct) == punct
    assert normalize_text("据统计，出口增长（同比）：“两成”！") == "据统计，出口增长（同比）：“两成”！"


def test_footnote_markers_and_superscripts_are_not_digits() -> None:
    assert normalize_text("增长 34.73%①") == "增长 34.73%①"
    assert normalize_text("面积 20km²") == "面积 20km²"


def test_full_width_comma_groups_thousands_only_between_full_width_digits() -> None:
    assert normalize_text("投资１，１００万元") == "投资1,100万元"
    assert normalize_text("１２，３４５，６７８元") == "12,345,678元"
    assert normalize_text("分别为1，200家") == "分别为1，200家"  # ASCII digits: a list, kept
    assert normalize_text("第１，２名") == "第1，2名"


def test_space_between_cjk_punctuation_and_text() -> None:
    assert normalize_text("增长 ， 提高 。") == "增长，提高。"
    assert normalize_text("的 “数字化出海口” 也") == "的“数字化出海口”也"


def test_empty() -> None:
    assert normalize_text("") == ""
    assert normalize_text(" \u3000\n\t ") == ""


_ALPHABET = st.sampled_from(list("数字贸易增长亿元，。（）“”、 \u3000\xa0\n\tａＺ０９．％abc12.%⼀\u200b\uf900①"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert "  " not in once and "\u200b" not in once


def test_normalize_large_text_is_linear() -> None:
    chunk = "浙江省 国际数字贸易进出口为 1234.1 亿元，同比增长 34.73%。ＡＢＣ  hello   world\n" * 40_000
    t0 = time.perf_counter()
    out = normalize_text(chunk)
    assert time.perf_counter() - t0 < 3.0  # ~2.6 M chars
    assert out.startswith("浙江省国际数字贸易进出口为 1234.1 亿元，同比增长 34.73%。ABC hello world\n")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Thu, 21 Jul 2022 10:44:54 GMT", "2022-07-21"),
        ("2022-07-21T18:44:54+08:00", "2022-07-21"),
        ("2022年07月21日 10:44", "2022-07-21"),
        ("2022年7月1日", "2022-07-01"),
        ("2016-11-22 09:53", "2016-11-22"),
        ("2019/9/7", "2019-09-07"),
        ("20220721", "2022-07-21"),
        ("July 21, 2022", "2022-07-21"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (dt.datetime(2024, 5, 1, 10, 0), "2024-05-01"),
        ("２０２２年７月２１日", "2022-07-21"),
        ("2022-13-45", None),
        ("not a date", None),
        (None, None),
        ("", None),
    ],
)
def test_normalize_date(value: object, iso: str | None) -> None:
    assert normalize_date(value) == iso


def test_find_date_returns_the_earliest() -> None:
    assert find_date("更新于2022-08-01，发布 2022年07月21日") == ("2022-08-01", 3)
    assert find_date("发布 2022年07月21日 更新于2022-08-01") == ("2022-07-21", 3)
    assert find_date("没有日期 2022年13月") is None
