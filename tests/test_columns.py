"""Column headers and row labels of statements: periods, subjects, items, kinds of rows."""

from __future__ import annotations

import pytest

from extractor.facts.columns import (
    change_only,
    clean_label,
    column_period,
    count_item,
    is_comparison,
    is_period_header,
    is_subject_header,
    ratio_item,
    relative_item,
    scope_of,
)
from extractor.facts.context import DocContext

Q1 = DocContext(year=2018, report_period="2018-Q1")
Q3 = DocContext(year=2019, report_period="2019-Q3")
ANNUAL = DocContext(year=2024, report_period="2023")


@pytest.mark.parametrize(("header", "ctx", "period"), [
    ("本报告期", Q1, "2018-Q1"),
    ("本期发生额", Q1, "2018-Q1"),
    ("上年同期", Q1, "2017-Q1"),
    ("上期发生额", Q1, "2017-Q1"),
    ("期末余额", Q1, "2018-Q1"),  # a balance at the report date is given as the report's period
    ("期初余额", Q1, "2017"),  # … and the opening balance as last year's closing
    ("上年度末", Q1, "2017"),
    ("年初至报告期期末金额", Q1, "2018-Q1"),
    ("本报告期比上年同期增减", Q1, "2018-Q1"),  # a change column: the current period
    ("本报告期", Q3, "2019-Q3"),
    ("年初至报告期末", Q3, "2019-01/2019-09"),  # a third-quarter report's year to date
    ("上年同期", Q3, "2018-Q3"),
    ("本年比上年增减", ANNUAL, "2023"),
    ("上年末", ANNUAL, "2022"),
    ("第四季度", ANNUAL, "2023-Q4"),  # a quarter of the report's year, not of its publication
    ("2018年1-3月", Q1, "2018-Q1"),
    ("2021", DocContext(year=2022), "2021"),
    ("2023年末", ANNUAL, "2023"),
])
def test_statement_column_periods(header: str, ctx: DocContext, period: str) -> None:
    assert column_period(header, ctx).period == period


def test_statement_words_without_a_report_period_go_by_the_documents() -> None:
    assert column_period("本期发生额", DocContext(year=2020)).period is None
    news = DocContext(year=2016, period="2016-01/2016-10")  # a statistics release for January-October
    assert column_period("上年同期", news).period == "2015-01/2015-10"
    assert column_period("本月", DocContext(year=2019, period="2019-05")).period == "2019-05"


@pytest.mark.parametrize(("header", "period", "modality"), [
    ("2023E", "2023", "forecast"),
    ("2024F", "2024", "forecast"),
    ("2022A", "2022", "actual"),
    ("2021", "2021", None),
])
def test_year_columns_with_suffixes(header: str, period: str, modality: str | None) -> None:
    col = column_period(header, DocContext(year=2022))
    assert (col.period, col.modality) == (period, modality)


def test_trailing_windows_end_at_the_documents_month() -> None:
    ctx = DocContext(year=2022, period="2022-07")
    assert column_period("1M", ctx).period == "2022-06/2022-07"
    assert column_period("3个月", ctx).period == "2022-04/2022-07"
    assert column_period("12M", ctx).period == "2021-07/2022-07"
    assert column_period("1M", DocContext(year=2022, period="2022")).period is None  # no month to count from
    # the document's own date decides, not a period its opening text happens to name
    dated = DocContext(year=2023, month=8, date="2023-08-15", period="2023-Q1")
    assert column_period("6M", dated).period == "2023-02/2023-08"


def test_period_headers_say_only_when() -> None:
    assert is_period_header("本期发生额") and is_period_header("期末余额") and is_period_header("2023E")
    assert is_period_header("2018年1-3月")
    assert not is_period_header("持股比例") and not is_period_header("本报告期比上年同期增减")


@pytest.mark.parametrize(("label", "item"), [
    ("三、营业利润（亏损以“-”号填列）", "营业利润"),
    ("其中：营业收入", "营业收入"),
    ("加：营业外收入", "营业外收入"),
    ("（一）基本每股收益", "基本每股收益"),
    ("5.外币财务报表折算差额", "外币财务报表折算差额"),
    ("流动资产：", "流动资产"),
    ("毛利率%", "毛利率"),
    ("净资产收益率(%)", "净资产收益率"),
    ("非流动资产处置损益（包括已计提资产减值准备的冲销部分）", "非流动资产处置损益（包括已计提资产减值准备的冲销部分）"),
])
def test_clean_label(label: str, item: str) -> None:
    assert clean_label(label) == item


def test_row_and_column_kinds() -> None:
    assert is_subject_header("股东名称") and is_subject_header("前十名股东名称") and not is_subject_header("股份种类")
    assert change_only("(+/-)YOY(%)") and change_only("同比增长率") and not change_only("营业收入增长率")
    assert ratio_item("加权平均净资产收益率") and ratio_item("毛利率") and not ratio_item("营业收入")
    assert relative_item("相对涨幅(%)") and not relative_item("绝对涨幅(%)")
    assert count_item("报告期末普通股股东总数") and count_item("员工人数") and not count_item("营业收入")
    assert scope_of("2、母公司资产负债表") == "母公司" and scope_of("1、合并资产负债表") == ""


def test_change_rows_are_named_in_words_and_windows_in_labels() -> None:
    from extractor.facts.columns import change_words

    assert change_words("(+/-)YOY(%)") == "同比增长" and change_words("增长率") == "增长率"
    ctx = DocContext(year=2022, period="2022-07")
    assert column_period("52周内股价区间(元)", ctx).period == "2021-07/2022-07"
    assert column_period("12月", ctx).period != "2021-07/2022-07"  # a month, not a window


def test_balance_date_columns() -> None:
    assert column_period("2018年3月31日", Q1).period == "2018-Q1"  # the report's own period end
    assert column_period("2017年12月31日", Q1).period == "2017"  # last year's closing balance
    assert column_period("2023-12-31", ANNUAL).period == "2023"
    assert column_period("2019年9月30日", Q3).period == "2019-Q3"
    assert column_period("2020年5月31日", DocContext(year=2020)).period == "2020-05"


@pytest.mark.parametrize(("header", "compares"), [
    ("本报告期比上年同期增减", True),
    ("较上年末变动(%)", True),
    ("本年比上年增减", True),
    ("持股比例(%)", False),  # 比 inside 比例, 比重, 占比, 比率 compares nothing
    ("占营业收入比重", False),
    ("2023年同比", True),  # against the same period a year earlier
    ("2023年占比", False),
])
def test_a_comparison_header_keeps_its_periods(header: str, compares: bool) -> None:
    assert is_comparison(header) is compares
