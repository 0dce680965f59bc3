"""Facts of table cells: statements row by row, holders' tables, year columns, prose cells."""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.facts.context import DocContext
from extractor.facts.sentence import prose_cell_facts
from extractor.facts.table import cell_holder, table_facts
from extractor.models import Fact, Table, TableCell

sys.path.insert(0, str(Path(__file__).parent))
import fixtures_pdf as fx  # noqa: E402

REPORT = DocContext(year=2018, region="中国", report_period="2018-Q1", period="2018-Q1", subject="东北电气")


def table(rows: list[list[str]], header_rows: int = 1, **kw) -> Table:
    cells = [TableCell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Table(page=9, header_rows=header_rows, n_rows=len(rows), n_cols=len(rows[0]), cells=cells, **kw)


def by_quote(facts: list[Fact]) -> dict[str, Fact]:
    return {f.quote: f for f in facts}


def test_a_balance_sheet_with_mostly_empty_rows_gives_every_figure() -> None:
    """Label columns are judged on filled cells: a statement whose rows are mostly empty still
    has its figure columns (they were taken for labels, and the figures lost)."""
    rows = [["项目", "期末余额", "期初余额"], ["流动资产：", "", ""], ["货币资金", "23,182.19", "20,119.58"],
            ["结算备付金", "", ""], ["拆出资金", "", ""], ["应收票据", "", ""], ["其他应收款", "250,226,609.23", ""],
            ["衍生金融资产", "", ""], ["应收利息", "", ""], ["流动资产合计", "252,819,760.35", "273,339,829.88"]]
    fs = by_quote(table_facts(table(rows, caption="2、母公司资产负债表", unit="元"), 0, REPORT))
    assert set(fs) == {"23,182.19", "20,119.58", "250,226,609.23", "252,819,760.35", "273,339,829.88"}
    cash = fs["23,182.19"]
    assert (cash.value_norm, cash.unit_norm, cash.kind) == (23182.19, "CNY", "amount")
    assert (cash.period, cash.period_source) == ("2018-Q1", "table")  # 期末 → the report's period
    assert fs["20,119.58"].period == "2017"  # 期初 → last year's closing balance
    assert (cash.region, cash.region_source) == ("东北电气", "document")
    assert cash.metric == "母公司货币资金"  # the parent company's own statement


def test_second_header_block_and_signed_labels() -> None:
    rows = [["", "本报告期", "上年同期", "本报告期比上年同期增减"],
            ["营业收入（元）", "4,755,785.11", "5,699,227.63", "-16.55%"],
            ["基本每股收益（元/股）", "-0.0053", "-0.0178", "70.22%"],
            ["加权平均净资产收益率", "-2.34%", "-8.06%", "上升5.72个百分点"],
            ["", "本报告期末", "上年度末", "本报告期末比上年度末增减"],
            ["总资产（元）", "298,608,889.04", "306,236,911.04", "-2.49%"]]
    fs = by_quote(table_facts(table(rows), 0, REPORT))
    assert [fs[q].period for q in ("4,755,785.11", "5,699,227.63", "-16.55%")] == ["2018-Q1", "2017-Q1", "2018-Q1"]
    assert [fs[q].period for q in ("298,608,889.04", "306,236,911.04")] == ["2018-Q1", "2017"]
    assert fs["-16.55%"].kind == "growth" and fs["-16.55%"].metric == "营业收入本报告期比上年同期增减"
    assert (fs["-0.0053"].unit_norm, fs["-0.0053"].metric) == ("CNY", "基本每股收益")
    assert fs["-2.34%"].kind == "other"  # a rate of return
    assert (fs["上升5.72个百分点"].kind, fs["上升5.72个百分点"].unit_norm) == ("pp_change", "pp")
    assert fs["298,608,889.04"].metric == "总资产"  # the second block's headers say only when


def test_income_statement_items_lose_numbering_and_sign_notes() -> None:
    rows = [["项目", "本期发生额", "上期发生额"], ["一、营业总收入", "4,755,785.11", "5,699,227.63"],
            ["其中：营业收入", "4,755,785.11", "5,699,227.63"], ["三、营业利润（亏损以“-”号填列）", "-8,072,192.91", "-15,575,330.65"],
            ["（一）基本每股收益", "-0.0053", "-0.0178"]]
    fs = table_facts(table(rows, unit="元"), 0, REPORT)
    assert [f.metric for f in fs[::2]] == ["营业总收入", "营业收入", "营业利润", "基本每股收益"]
    assert {f.unit_norm for f in fs} == {"CNY"}  # （一） is numbering, not a unit
    assert [f.period for f in fs[:2]] == ["2018-Q1", "2017-Q1"]


def test_holders_table_rows_belong_to_the_holder() -> None:
    rows = [["报告期末普通股股东总数", "79,053", "报告期末表决权恢复的优先股股东总数", "0", ""],
            ["前10名股东持股情况", "前10名股东持股情况", "前10名股东持股情况", "前10名股东持股情况", "前10名股东持股情况"],
            ["股东名称", "股东性质", "持股比例", "持股数量", "质押或冻结情况"],
            ["股东名称", "股东性质", "持股比例", "持股数量", "数量"],
            ["甲投资管理有限公司", "境内非国有法人", "9.33%", "81,494,850", "81,494,850"],
            ["乙某", "境内自然人", "3.20%", "27,955,752", ""],
            ["前10名无限售条件股东持股情况", "", "", "", ""],
            ["股东名称", "股东名称", "持有无限售条件股份数量", "股份种类", "股份种类"],
            ["股东名称", "股东名称", "持有无限售条件股份数量", "股份种类", "数量"],
            ["丙公司", "丙公司", "4,332,700", "人民币普通股", "4,332,700"]]
    fs = table_facts(table(rows, header_rows=0, unit="股"), 0, REPORT)
    total = next(f for f in fs if f.quote == "79,053")
    assert (total.metric, total.kind, total.region) == ("报告期末普通股股东总数", "count", "东北电气")
    assert total.unit_norm == "户"  # holders are counted in accounts, not in the table's shares
    share = next(f for f in fs if f.quote == "9.33%")
    assert (share.region, share.region_source, share.kind) == ("甲投资管理有限公司", "table", "share")
    assert share.metric.startswith("持股比例") and share.period == "2018-Q1"
    held = [f for f in fs if f.quote == "81,494,850"]
    assert [(f.unit_norm, f.kind, f.region) for f in held] == [("股", "count", "甲投资管理有限公司")] * 2
    assert held[1].metric.startswith("质押或冻结情况")  # the stacked header over the pledged count
    unrestricted = [f for f in fs if f.region == "丙公司"]
    assert [f.metric for f in unrestricted] == ["持有无限售条件股份数量", "股份种类数量（人民币普通股）"]


def test_forecast_columns_and_change_rows() -> None:
    rows = [["", "2021A", "2022E", "2023E"], ["营业收入(百万元)", "1,567", "3,684", "5,056"],
            ["(+/-)YOY(%)", "110.0%", "135.1%", "37.2%"], ["毛利率(%)", "33.7%", "35.0%", "36.0%"],
            ["相对涨幅(%)", "8.10", "25.93", "78.39"]]
    ctx = DocContext(year=2022, region="中国", period="2022-07", subject="高测股份")
    fs = by_quote(table_facts(table(rows), 0, ctx))
    assert (fs["1,567"].period, fs["1,567"].modality, fs["1,567"].value_norm) == ("2021", "actual", 1.567e9)
    assert (fs["3,684"].period, fs["3,684"].modality) == ("2022", "forecast")
    assert (fs["135.1%"].kind, fs["135.1%"].metric) == ("growth", "营业收入同比增长")  # the change of the row above
    assert fs["35.0%"].kind == "other"
    assert (fs["25.93"].kind, fs["25.93"].unit_norm) == ("pp_change", "pp")
    assert {f.region for f in fs.values()} == {"高测股份"}


def test_sections_carry_their_unit_and_a_year_column_gives_each_row_its_period() -> None:
    rows = [["主要财务指标", "2021", "2022E"], ["每股指标(元)", "", ""], ["每股收益", "1.07", "2.91"],
            ["价值评估(倍)", "", ""], ["P/E", "82.90", "30.47"]]
    fs = by_quote(table_facts(table(rows), 0, DocContext(year=2022, subject="高测股份")))
    assert (fs["1.07"].unit_norm, fs["2.91"].modality) == ("CNY", "forecast")
    assert (fs["82.90"].kind, fs["82.90"].unit_norm) == ("multiple", "x")
    years = [["年份", "授信总额", "已使用"], ["2023", "372.53", "252.06"], ["2022", "350.10", "240.00"]]
    fs = table_facts(table(years, unit="亿元"), 0, DocContext(year=2023, subject="某某投资集团"))
    assert [f.quote for f in fs] == ["372.53", "252.06", "350.10", "240.00"]  # the years are labels
    assert [f.period for f in fs] == ["2023", "2023", "2022", "2022"]


def test_a_range_cell_and_a_key_value_row() -> None:
    rows = [["总股本(百万元)：", "227.92"], ["52周内股价区间(元)：", "21.60-97.40"]]
    fs = table_facts(table(rows, header_rows=0), 0, DocContext(year=2022, period="2022-07", subject="高测股份"))
    assert fs[0].metric == "总股本" and fs[0].value_norm == 227920000.0
    rng = [f for f in fs if f.metric == "52周内股价区间"]
    assert rng and rng[0].value == 21.6 and rng[0].unit_norm == "CNY"


def test_prose_cells_are_read_as_sentences_and_a_named_holder_owns_its_clause() -> None:
    note = ("股东“甲企业管理有限公司”通过某证券公司客户信用交易担保证券账户持有1,200万元公司债券；"
            "股东“乙某”通过另一证券公司账户持有350万元公司债券。")
    rows = [["项目", "说明"], ["前10名股东参与融资融券业务情况说明", note]]
    fs = prose_cell_facts(table(rows), 3, REPORT)
    assert [(f.value_norm, f.region, f.region_source) for f in fs] == [(1.2e7, "甲企业管理有限公司", "stated"),
                                                                     (3.5e6, "乙某", "stated")]
    assert {(f.method, f.table_index, f.table_row, f.table_col) for f in fs} == {("table", 3, 1, 1)}
    assert table_facts(table(rows), 3, REPORT) == []  # not read again as one figure
    assert cell_holder("股东“丙公司”通过A账户持有3,789,500股", 24) == "丙公司"
    assert cell_holder("公司持有3,789,500股", 5) is None


def test_statement_pdf_end_to_end(tmp_path: Path) -> None:
    """A drawn side-by-side research-note page: each statement's figures keep their own labels."""
    from extractor.facts.segment import sentences
    from extractor.facts.sentence import extract_facts
    from extractor.parse.pdf.document import parse_pdf

    d = parse_pdf(fx.make_side_by_side_aligned_pdf(tmp_path / "sbs.pdf"))
    fs = [f for f in extract_facts(d, sentences(d.pages)) if f.method == "table"]
    revenue = next(f for f in fs if f.quote == "3,684")
    assert (revenue.metric, revenue.value_norm, revenue.period, revenue.modality) == ("营业总收入", 3.684e9, "2023",
                                                                                     "forecast")
    eps = next(f for f in fs if f.quote == "2.91")
    assert eps.metric == "每股收益"


def test_real_statements(shared_dir: Path) -> None:
    from extractor.facts.segment import sentences
    from extractor.facts.sentence import extract_facts
    from extractor.parse import parse_file

    d = parse_file(shared_dir / "realdocs" / "pdf" / "nedc_2018q1_report.pdf")
    fs = extract_facts(d, sentences(d.pages))
    cash_flow = [f for f in fs if f.method == "table" and f.page in (21, 22)]  # the parent's cash-flow statement
    assert len(cash_flow) >= 25 and {f.region for f in cash_flow} == {"东北电气"}
    closing = next(f for f in cash_flow if f.quote == "23,182.19")
    assert (closing.page, closing.period, closing.metric) == (22, "2018-Q1", "母公司期末现金及现金等价物余额")
    holder = next(f for f in fs if f.quote == "2,050,601")
    assert (holder.page, holder.region) == (5, "杨玉晨")


def test_a_unit_over_the_label_column_applies_to_the_block() -> None:
    rows = [["百万元", "2022A", "2023E"], ["营业收入", "1,567", "3,684"], ["净利润", "173", "471"]]
    fs = by_quote(table_facts(table(rows), 0, DocContext(year=2023, subject="某某股份")))
    assert (fs["3,684"].value_norm, fs["3,684"].unit_norm, fs["3,684"].modality) == (3.684e9, "CNY", "forecast")
    # a label column headed by what its rows are (地市) names no unit: the unit line stands
    cities = table([["地市", "交易额"], ["杭州", "90.8"], ["宁波", "45.8"]], unit="亿元")
    assert {f.unit_norm for f in table_facts(cities, 0, DocContext(year=2020, region="浙江省"))} == {"CNY"}


def test_a_row_of_labels_under_dated_columns_keeps_their_periods() -> None:
    rows = [["", "2022A", "2023E"], ["营业收入(百万元)", "1,567", "3,684"], ["投资评级", "增持", "买入"],
            ["净利润(百万元)", "173", "471"]]
    fs = by_quote(table_facts(table(rows), 0, DocContext(year=2023, subject="某某股份")))
    assert (fs["471"].period, fs["471"].modality) == ("2023", "forecast")


def test_rows_of_an_industry_comparison_belong_to_each_company() -> None:
    rows = [["证券代码", "证券简称", "2022E", "2023E"], ["688556", "高测股份", "2.91", "4.43"],
            ["300724", "捷佳伟创", "2.68", "3.95"]]
    fs = table_facts(table(rows, caption="可比公司EPS预测(元)"), 0, DocContext(year=2022, subject="高测股份"))
    assert [(f.quote, f.region, f.region_source, f.period) for f in fs] == [
        ("2.91", "高测股份", "table", "2022"), ("4.43", "高测股份", "table", "2023"),
        ("2.68", "捷佳伟创", "table", "2022"), ("3.95", "捷佳伟创", "table", "2023")]


def test_cells_for_no_figure_notes_in_labels_and_a_currency_unit_header() -> None:
    """不适用 / 无 / — are empty cells (the column stays a figure column); a note in a label's
    parenthesis (（如有）) is no unit; a header that is only a unit (人民币百万元) sets the block's."""
    rows = [["人民币百万元", "本期", "上年同期"], ["营业收入", "1,203.5", "不适用"], ["研发投入", "无", "88.0"],
            ["汇兑收益（如有）", "—", "12.4"], ["利润总额", "345.6", "301.2"]]
    fs = by_quote(table_facts(table(rows), 0, REPORT))
    assert set(fs) == {"1,203.5", "88.0", "12.4", "345.6", "301.2"}
    assert (fs["1,203.5"].value_norm, fs["1,203.5"].unit_norm) == (1.2035e9, "CNY")
    assert (fs["12.4"].metric, fs["12.4"].unit_norm, fs["12.4"].period) == ("汇兑收益", "CNY", "2017-Q1")
