"""Tables from PDF pages: the seed tables cell by cell, cross-page merging, generated tables."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pdfplumber

from extractor.models import ParsedDocument, Table, TableCell
from extractor.parse.pdf.cells import header_row_count, unit_of
from extractor.parse.pdf.continuation import merge_tables, table_text
from extractor.parse.pdf.document import parse_pdf
from extractor.parse.pdf.tables import find_tables

sys.path.insert(0, str(Path(__file__).parent))
import fixtures_pdf as fx  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@cache
def doc(stem: str) -> ParsedDocument:
    return parse_pdf(CORPUS / f"{stem}.pdf")


def cell(t: Table, row: int, col: int) -> TableCell:
    return next(c for c in t.cells if c.row == row and c.col == col)


# ------------------------------------------------------------ seed tables


def test_industry_table() -> None:
    d = doc("000_a0f43fa23b887996")
    t = next(t for t in d.tables if t.page == 2)
    assert (t.n_rows, t.n_cols, t.header_rows, t.method, t.pages) == (11, 4, 1, "ruled", [2])
    assert t.caption == "2020年1-6月浙江省数字服务贸易行业前十"
    assert t.unit == "亿元"
    g = t.grid()
    assert g[0] == ["行业大类", "行业子类", "进出口额", "同比增长%"]
    assert g[1] == ["电信、计算机信息服务", "计算机服务", "487.71", "88.49"]
    assert g[2][1] == "法律、会计、广告等专业和管理咨询服务"  # wrapped cell text joined
    assert [r[0] for r in g[2:5]] == ["其他商业服务"] * 3
    assert g[10] == ["文化和娱乐服务", "视听和相关服务", "2.42", "-59.09"]
    # the table, its caption and unit line are not repeated in the running text
    text = d.pages[1].text
    assert "视听和相关服务" not in text and "单位：亿元" not in text and "487.71" not in text


def test_city_table() -> None:
    t = next(t for t in doc("000_a0f43fa23b887996").tables if t.page == 3)
    assert (t.n_rows, t.n_cols, t.header_rows) == (13, 4, 1)
    assert t.caption == "2020年1-6月浙江省数字服务贸易市地情况" and t.unit == "亿元"
    g = t.grid()
    assert g[0] == ["各市", "进出口额", "占比%", "同比增长%"]
    assert g[1] == ["全省", "649.14", "100", "46.27"]
    assert g[12] == ["衢州", "0.46", "0.07", "22.32"]


def test_two_row_header_table() -> None:
    t = next(t for t in doc("000_a0f43fa23b887996").tables if t.page == 5)
    assert (t.n_rows, t.n_cols, t.header_rows) == (13, 7, 2)
    assert t.caption == "近年来浙江跨境网络零售出口地市区域结构"
    assert t.unit == "亿元"  # from "（单位：人民币亿元）"
    city = cell(t, 0, 0)
    assert (city.text, city.row_span, city.col_span) == ("地市", 2, 1)
    h1 = cell(t, 0, 1)
    assert (h1.text, h1.col_span) == ("2020年上半年", 2)
    assert [cell(t, 0, k).text for k in (3, 5)] == ["2019年", "2018年"]
    g = t.grid()
    assert g[1] == ["地市", "交易额", "占比", "交易额", "占比", "交易额", "占比"]
    assert g[2] == ["杭州", "90.8", "21.90%", "167.8", "21.60%", "115.5", "20.10%"]
    assert g[12] == ["丽水", "4.4", "1.10%", "6.8", "0.90%", "5.3", "0.90%"]


def test_table_continued_across_pages() -> None:
    d = doc("004_f2012f7fd97ef5c2")
    assert len(d.tables) == 1
    t = d.tables[0]
    assert (t.page, t.pages, t.n_rows, t.n_cols, t.header_rows) == (7, [7, 8], 17, 6, 1)
    assert t.caption == "数字贸易强市任务分解表（2024—2026年）"
    g = t.grid()
    assert g[0] == ["序号", "指标", "单位", "2024年", "2025年", "2026年"]
    assert g[1] == ["1", "数字贸易进出口额", "亿元", "3500", "3900", "4300"]
    assert g[14][1] == "对标DEPA地方案例数量"
    last = cell(t, 16, 3)
    assert (last.text, last.col_span) == ("每年新增5项", 3)
    assert g[16][:3] == ["16", "参与制定标准数量", "项"]
    assert "数字贸易进出口额" not in d.pages[7].text and "序号" not in d.pages[6].text


def test_newspaper_has_no_tables() -> None:
    assert doc("001_8d457a22a89f29c0").tables == []
    assert doc("003_5d248740ca065104").tables == []


def test_find_tables_on_a_page() -> None:
    with pdfplumber.open(CORPUS / "000_a0f43fa23b887996.pdf") as pdf:
        tables = find_tables(pdf.pages[1], 2)
    assert len(tables) == 1 and (tables[0].n_rows, tables[0].n_cols) == (11, 4)


# ------------------------------------------------------------ generated tables


def test_ruled_fixture(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_ruled_pdf(tmp_path / "ruled.pdf"))
    assert len(d.tables) == 1
    t = d.tables[0]
    assert (t.n_rows, t.n_cols, t.header_rows, t.method) == (5, 3, 1, "ruled")
    assert t.caption == "表1 2023年各市数字贸易进出口情况" and t.unit == "亿元"
    assert t.grid() == [["城市", "进出口额", "同比增长%"], ["杭州", "578.06", "64.15"], ["宁波", "32.78", "-34.77"],
                        ["嘉兴", "15.64", "-1.62"], ["金华", "4.30", "-12.97"]]
    assert d.pages[0].text.split("\n") == [fx.BODY, fx.BODY]


def test_aligned_fixture(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_aligned_pdf(tmp_path / "aligned.pdf"))
    assert len(d.tables) == 1
    t = d.tables[0]
    assert (t.n_rows, t.n_cols, t.header_rows, t.method) == (6, 4, 1, "aligned")
    g = t.grid()
    assert g[0] == ["指标", "2021年", "2022年", "2023年"]
    assert g[1] == ["营业收入", "1,567", "3,684", "5,056"]
    assert g[3] == ["毛利率%", "33.7", "35.0", "36.0"]
    assert g[5] == ["研发费用", "117", "276", "379"]
    assert d.pages[0].text.split("\n") == [fx.BODY, fx.BODY]


def test_split_fixture_merged(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_split_table_pdf(tmp_path / "split.pdf"))
    assert len(d.tables) == 1
    t = d.tables[0]
    assert (t.page, t.pages, t.n_rows, t.n_cols, t.header_rows) == (1, [1, 2], 7, 4, 1)
    assert t.caption == "附表重点任务指标分解表"
    assert t.grid()[0] == ["序号", "指标", "2024年", "2025年"]
    assert t.grid()[6] == ["6", "指标名称6", "600", "660"]


# ------------------------------------------------------------ real documents


def test_realdoc_tables(shared_dir: Path) -> None:
    realdocs = shared_dir / "realdocs" / "pdf"
    byd = parse_pdf(realdocs / "byd_2023_key_financials.pdf")
    assert [(t.n_rows, t.n_cols) for t in byd.tables] == [(11, 5), (5, 5)]
    g = byd.tables[0].grid()
    assert g[0][1:] == ["2023年", "2022年", "本年比上年增减", "2021年"]
    assert g[3][0] == "归属于上市公司股东的扣除非经常性损益的净利润（元）"  # a label cut by a stray rule
    assert g[1] == ["营业收入（元）", "602,315,354,000.00", "424,060,635,000.00", "42.04%", "216,142,395,000.00"]
    assert byd.tables[1].unit == "元"

    broker = parse_pdf(realdocs / "broker_financial_forecast_table.pdf")
    assert broker.tables and all(t.n_cols == 7 for t in broker.tables)
    first = broker.tables[0].grid()
    assert first[0] == ["短期借款", "878", "727", "1,923", "4,449", "5,045", "4,588"]
    rows = {r[0]: r for t in broker.tables for r in t.grid()}
    assert rows["资本公积"][1:3] == ["-309", "-665"]


# ------------------------------------------------------------ helpers


def test_unit_of() -> None:
    assert unit_of("单位：亿元") == "亿元"
    assert unit_of("（单位：人民币亿元）") == "亿元"
    assert unit_of("表7-2：截至2023年3月末发行人授信情况 单位：万元") == "万元"
    assert unit_of("金额单位：万美元") == "万美元"
    assert unit_of("数字贸易进出口额") is None


def test_header_rows_and_merge() -> None:
    head = [TableCell(row=0, col=0, text="序号"), TableCell(row=0, col=1, text="指标"),
            TableCell(row=0, col=2, text="2024年")]
    body = [TableCell(row=r, col=c, text=t) for r, row in enumerate([["1", "产值", "35"], ["2", "税收", "7.5"]])
            for c, t in enumerate(row)]
    assert header_row_count(head, 1, 3) == 1
    assert header_row_count(body, 2, 3) == 0
    a = Table(page=7, pages=[7], header_rows=1, n_rows=1, n_cols=3, cells=head, caption="任务分解表")
    b = Table(page=8, pages=[8], header_rows=0, n_rows=2, n_cols=3, cells=body)
    m = merge_tables(a, b)
    assert (m.pages, m.n_rows, m.header_rows, m.caption) == ([7, 8], 3, 1, "任务分解表")
    assert m.grid()[2] == ["2", "税收", "7.5"]
    # a header repeated at the top of the continuation is dropped
    rep = Table(page=8, pages=[8], header_rows=1, n_rows=3, n_cols=3,
                cells=head + [c.model_copy(update={"row": c.row + 1}) for c in body])
    assert merge_tables(a, rep).n_rows == 3
    assert table_text(m).split("\n") == ["任务分解表", "序号 指标 2024年", "1 产值 35", "2 税收 7.5"]
