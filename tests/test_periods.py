import pytest

from extractor.facts.periods import find_periods, shift_year, signature_date


@pytest.mark.parametrize(
    "text, ref_year, expected",
    [
        ("2020上半年，浙江省", None, "2020-H1"),
        ("2020 年 1-6 月浙江省", None, "2020-H1"),
        ("2023年1-9月", None, "2023-01/2023-09"),
        ("2022年上半年", None, "2022-H1"),
        ("到2026年，全市", None, "2026"),
        ("2019年度的", None, "2019"),
        ("今年前三季度，中国", 2023, "2023-01/2023-09"),
        ("截至今年7月，全球", 2023, "2023-07"),
        ("今年4月", 2020, "2020-04"),
        ("二季度跨境", 2020, "2020-Q2"),
        ("去年出口", 2022, "2021"),
        ("2005—2022年全球", None, "2005/2022"),
        ("1-10月，全县固定资产投资", 2015, "2015-01/2015-10"),
        ("9月，出口增长", 2023, "2023-09"),
    ],
)
def test_periods(text, ref_year, expected):
    refs = find_periods(text, ref_year)
    assert refs and refs[0].period == expected


def test_amounts_are_not_years():
    assert find_periods("执行额2089亿元", 2023) == []
    assert find_periods("2020.5亿元", 2023) == []


def test_a_day_of_a_month_is_a_date_not_a_period():
    assert find_periods("根据杭州海关7月21日下午公布的数据", 2022) == []


def test_relative_words_need_a_reference_year():
    assert find_periods("今年上半年", None) == []


def test_base_year_and_same_period_last_year():
    refs = find_periods("较2020年增长40.9%", 2022)
    assert refs[0].kind == "base" and refs[0].period == "2020"
    refs = find_periods("增幅由去年同期的35.7%降至8.9%", 2020)
    assert refs[0].kind == "same_last_year"
    assert shift_year("2020-Q1", -1) == "2019-Q1"
    assert shift_year("2023-01/2023-09", -1) == "2022-01/2022-09"


def test_signature_dates():
    assert signature_date("正文……\n杭州市人民政府办公厅\n2024年4月23日") == "2024-04-23"
    assert signature_date("正文\n浙江国际数字贸易协会\n二 O 二 O 年八月五日") == "2020-08-05"
    assert signature_date("正文\n二〇二〇年十月") == "2020-10"
    assert signature_date("没有日期") is None
