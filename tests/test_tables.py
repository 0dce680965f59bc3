"""Tables from PDF pages: the seed tables cell by cell, cross-page merging, generated tables."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pdfplumber
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.models import ParsedDocument, Table, TableCell
from extractor.parse.pdf.cells import header_row_count, unit_of
from extractor.parse.pdf.continuation import column_map, merge_tables, table_text
from extractor.parse.pdf.document import parse_pdf
from extractor.parse.pdf.grid import _enclosed, merge_rules
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


def test_side_by_side_statements_are_two_tables(tmp_path: Path) -> None:
    """Two unruled statements sharing baselines are read as two tables, not interleaved."""
    d = parse_pdf(fx.make_side_by_side_aligned_pdf(tmp_path / "sbs.pdf"))
    assert [(t.n_rows, t.n_cols) for t in d.tables] == [(6, 4), (6, 4)]
    left, right = (t.grid() for t in d.tables)
    assert left[0] == ["主要财务指标", "2022", "2023E", "2024E"] and left[3] == ["毛利率", "33.7%", "35.0%", "36.0%"]
    assert right[0] == ["利润表(百万元)", "2022", "2023E", "2024E"] and right[1] == ["营业总收入", "1,567", "3,684", "5,056"]


def test_ruled_tables_side_by_side_joined_by_a_rule_are_two_tables(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_side_by_side_ruled_pdf(tmp_path / "sbs_ruled.pdf"))
    assert [(t.n_rows, t.n_cols, t.method) for t in d.tables] == [(4, 2, "ruled"), (5, 4, "ruled")]
    assert d.tables[0].grid()[3] == ["总市值", "18,785.44"]
    assert d.tables[1].grid()[1] == ["营业收入", "746", "1,567", "3,684"]


def test_key_value_lines_are_a_two_column_table(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_key_value_pdf(tmp_path / "kv.pdf"))
    assert len(d.tables) == 2  # the contents list is no table
    t = next(t for t in d.tables if t.n_rows == 5)
    assert next(t for t in d.tables if t.n_rows == 3).grid()[0] == ["收盘价(元)", "82.42"]  # a key ending with its unit
    assert (t.n_cols, t.header_rows) == (2, 0)
    assert t.grid()[0] == ["总股本(百万股)：", "227.92"]
    assert t.grid()[2] == ["52周内股价区间(元)：", "21.60-97.40"]  # a range is one value
    assert "227.92" not in d.text


def test_two_rows_under_a_header_over_their_columns_are_a_table(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_short_table_pdf(tmp_path / "short.pdf"))
    assert len(d.tables) == 1
    assert d.tables[0].grid() == [["沪深300对比", "1M", "3M", "12M"], ["绝对涨幅(%)", "7.18", "32.88", "80.86"],
                                  ["相对涨幅(%)", "8.10", "25.93", "78.39"]]


def test_continuation_with_fewer_columns_is_merged_and_rows_keep_their_page(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_continued_fewer_columns_pdf(tmp_path / "cont.pdf"))
    assert len(d.tables) == 1
    t = d.tables[0]
    assert (t.pages, t.n_cols, t.row_pages) == ([1, 2], 4, [1, 1, 1, 2, 2])
    assert t.grid()[3] == ["丙基金", "丙基金", "3,992,100", "境外上市外资股"]  # the name spans two columns


def test_column_map_of_a_continuation() -> None:
    assert column_map([0, 100, 200, 300, 400], [0, 200, 300, 400]) == [(0, 2), (2, 1), (3, 1)]
    assert column_map([0, 100, 200, 300], [0, 150, 300]) is None  # an edge the first part does not have
    assert column_map([0, 100, 200, 300], [50, 200, 300]) is None  # not the same left edge


def test_template_tags_are_not_text(tmp_path: Path) -> None:
    d = parse_pdf(fx.make_template_tag_pdf(tmp_path / "tag.pdf"))
    assert d.pages[0].text.startswith("投资要点") and "Table_" not in d.text


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


def test_a_chart_beside_a_ruled_table_does_not_hide_it(tmp_path: Path) -> None:
    """A curve with slanted segments (a chart line, a logo) has no ruling orientation: the ruled
    table on the same page is still found, with both readers."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "chart.pdf"
    c = canvas.Canvas(str(path), pagesize=(fx.W, fx.H))
    fx.paragraph(c, fx.BODY, 780)
    rows = [["城市", "进出口额", "同比增长%"], ["杭州", "578.06", "64.15"], ["宁波", "32.78", "-34.77"]]
    fx.grid_table(c, rows, 600, [130, 120, 120], left=110)
    chart = c.beginPath()
    chart.moveTo(100, 200)
    for x, y in ((200, 260), (300, 230), (400, 320)):
        chart.lineTo(x, y)
    c.drawPath(chart, stroke=1, fill=0)
    c.showPage()
    c.save()
    for engine in ("pdfium", "pdfplumber"):
        tables = parse_pdf(path, engine=engine).tables
        assert [(t.method, t.n_rows, t.n_cols) for t in tables] == [("ruled", 3, 3)], engine
        assert tables[0].cells[4].text == "578.06"


def test_realdoc_statement_tables(shared_dir: Path) -> None:
    realdocs = shared_dir / "realdocs" / "pdf"
    nedc = parse_pdf(realdocs / "nedc_2018q1_report.pdf")
    holders = next(t for t in nedc.tables if t.page == 4)
    assert holders.pages == [4, 5] and holders.row_pages[-1] == 5  # the holders' table runs onto page 5
    assert ["杨玉晨", "杨玉晨", "2,050,601", "2,050,601", "2,050,601", "人民币普通股", "2,050,601"] in holders.grid()
    parent_bs = next(t for t in nedc.tables if t.page == 12)
    assert parent_bs.grid()[2] == ["货币资金", "23,182.19", "20,119.58"]
    assert parent_bs.row_pages[2] == 12 and parent_bs.row_pages[-1] == 14

    tebon = parse_pdf(realdocs / "tebon_research_note_gaoce_2022.pdf")
    p2 = [t for t in tebon.tables if t.page == 2]
    assert sorted((t.n_rows, t.n_cols) for t in p2) == [(6, 2), (10, 6)]  # 股票数据 beside 主要财务数据及预测
    kv = next(t for t in p2 if t.n_cols == 2)
    assert kv.grid()[0] == ["总股本(百万股)：", "227.92"]
    forecast = next(t for t in p2 if t.n_cols == 6)
    assert forecast.caption == "主要财务数据及预测" and forecast.grid()[0] == ["", "2020", "2021", "2022E", "2023E", "2024E"]
    p3 = [t for t in tebon.tables if t.page == 3]
    assert [t.grid()[0][0] for t in p3] == ["主要财务指标", "利润表(百万元)"]
    assert all(t.n_cols == 5 for t in p3)
    p1 = next(t for t in tebon.tables if t.page == 1)
    assert p1.grid()[1] == ["绝对涨幅(%)", "7.18", "32.88", "80.86"]

    broker = parse_pdf(realdocs / "broker_financial_forecast_table.pdf")
    cash = broker.tables[-1]
    assert cash.caption == "表22：现金流量表" and cash.grid()[1] == ["净利润", "345", "585", "806", "948", "1,536", "1,819"]


def test_a_numbered_item_cut_by_the_page_break_is_one_row() -> None:
    def part(rows: list[list[str]], page: int, header: int) -> Table:
        cells = [TableCell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)]
        return Table(page=page, pages=[page], header_rows=header, n_rows=len(rows), n_cols=3, cells=cells)

    a = part([["项目", "本期发生额", "上期发生额"], ["（一）其他收益", "5.00", "4.00"], ["1.政府补助中与资产", "", ""]], 7, 1)
    b = part([["相关的部分", "3.00", "2.00"], ["2.其他", "2.00", "2.00"]], 8, 0)
    m = merge_tables(a, b)
    assert m.n_rows == 4 and m.row_pages == [7, 7, 7, 8]
    assert m.grid()[2] == ["1.政府补助中与资产相关的部分", "3.00", "2.00"]
    # an unnumbered row between items that are not consecutive stays a row of its own
    c = part([["营业外收入", "1.00", ""], ["3.其他", "2.00", "2.00"]], 8, 0)
    assert merge_tables(a, c).n_rows == 5
    d = part([["营业外收入", "1.00", ""], ["2.其他", "2.00", "2.00"]], 8, 0)  # figures on both sides of the cut
    e = part([["项目", "本期", "上期"], ["1.政府补助", "5.00", ""]], 7, 1)
    assert merge_tables(e, d).n_rows == 4


# -- rules merged as pdfplumber merges edges ------------------------------------------------

_POS = st.one_of(st.integers(0, 60).map(float), st.floats(0, 60, allow_nan=False, allow_infinity=False))
_RULE = st.tuples(_POS, _POS, st.floats(0, 30, allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(_RULE, max_size=25), st.lists(_RULE, max_size=25), st.sampled_from([0.0, 1.0, 3.0]))
def test_rules_merge_as_pdfplumber_merges_edges(h: list, v: list, tol: float) -> None:
    """merge_rules gives the numbers of pdfplumber's merge_edges (snapped, joined), in its order."""
    from pdfplumber.table import merge_edges

    edges = ([{"orientation": "h", "top": p, "bottom": p, "doctop": p, "x0": a, "x1": a + n, "width": n, "height": 0.0}
              for p, a, n in h]
             + [{"orientation": "v", "x0": p, "x1": p, "top": a, "bottom": a + n, "doctop": a, "width": 0.0,
                 "height": n} for p, a, n in v])
    want = merge_edges(edges, tol, tol, tol, tol) if edges else []
    assert merge_rules([(p, a, a + n) for p, a, n in h], tol) == [
        (e["top"], e["x0"], e["x1"]) for e in want if e["orientation"] == "h"]
    assert merge_rules([(p, a, a + n) for p, a, n in v], tol) == [
        (e["x0"], e["top"], e["bottom"]) for e in want if e["orientation"] == "v"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_RULE, min_size=2, max_size=20), st.lists(_RULE, min_size=2, max_size=20), st.sampled_from([1.0, 3.0]))
def test_grid_cells_are_closed_all_round_and_do_not_overlap(h: list, v: list, tol: float) -> None:
    """Each cell a grid of rules encloses has a rule, within ``tol``, along all of each side,
    and no two cells overlap."""
    hs = merge_rules([(p, a, a + n) for p, a, n in h], tol)
    vs = merge_rules([(p, a, a + n) for p, a, n in v], tol)
    boxes = _enclosed(hs, vs, tol)

    def covered(rules: list, at: float, lo: float, hi: float) -> bool:
        spans = sorted((a - tol, b + tol) for p, a, b in rules if abs(p - at) <= tol + 1e-9)
        reach = lo
        for a, b in spans:
            if a > reach + 1e-9:
                break
            reach = max(reach, b)
        return reach >= hi - 1e-9

    for x0, y0, x1, y1 in boxes:
        assert x0 < x1 and y0 < y1
        assert covered(hs, y0, x0, x1) and covered(hs, y1, x0, x1)
        assert covered(vs, x0, y0, y1) and covered(vs, x1, y0, y1)
    for k, (a0, b0, a1, b1) in enumerate(boxes):
        for c0, d0, c1, d1 in boxes[k + 1:]:
            assert min(a1, c1) <= max(a0, c0) or min(b1, d1) <= max(b0, d0)
