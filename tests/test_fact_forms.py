"""Number forms that become several facts (ranges, lists, ratios) or none (chart ticks),
through the sentence and table stages."""

from __future__ import annotations

import pytest

from extractor.facts.context import DocContext
from extractor.facts.segment import sentences
from extractor.facts.sentence import extract_facts
from extractor.facts.table import table_facts
from extractor.models import Page, ParsedDocument, Table, TableCell


def facts_of(text: str):
    doc = ParsedDocument(path="t.html", doc_type="html", title="新闻", pages=[Page(number=None, text=text)])
    return extract_facts(doc, sentences(doc.pages))


def test_a_range_is_two_facts_low_gte_and_high_lte():
    fs = facts_of("最终算下来，一个借款用户的数据成本普遍在2元—10元。")
    assert [(f.quote, f.value_norm, f.unit_norm, f.qualifier) for f in fs] == [
        ("2元", 2, "CNY", "gte"), ("10元", 10, "CNY", "lte")]
    assert all((f.low, f.high) == (2, 10) for f in fs)
    assert fs[0].metric == fs[1].metric and fs[0].kind == fs[1].kind == "amount"
    text = fs[0].sentence
    assert all(text[f.char_start : f.char_end] == f.quote for f in fs)


def test_a_range_with_a_borrowed_unit_and_magnitude():
    fs = facts_of("对每户补贴三到五万元，收益率可能在1.125%至1.625%之间。")
    assert [(f.quote, f.value_norm, f.qualifier) for f in fs] == [
        ("三", 30000, "gte"), ("五万元", 50000, "lte"), ("1.125%", 1.125, "gte"), ("1.625%", 1.625, "lte")]


def test_a_falling_range_keeps_its_sign_on_both_bounds():
    fs = facts_of("今年出口同比下降5%-10%。")
    assert sorted((f.value, f.qualifier) for f in fs) == [(-10, "gte"), (-5, "lte")]


def test_each_listed_number_is_a_fact_with_the_lists_unit():
    fs = facts_of("预计公司2022-2024年归母净利润4.7、7.2、9.3亿元，对应PE 30、20、15倍。")
    assert [(f.value_norm, f.unit_norm) for f in fs] == [
        (4.7e8, "CNY"), (7.2e8, "CNY"), (9.3e8, "CNY"), (30, "x"), (20, "x"), (15, "x")]


def test_each_part_of_a_structure_ratio_is_a_share():
    fs = facts_of("全县三次产业结构由1.1:50.3:48.6调整为0.7:50.7:48.6。")
    assert [f.value_norm for f in fs] == [1.1, 50.3, 48.6, 0.7, 50.7, 48.6]
    assert {f.unit_norm for f in fs} == {"%"} and {f.kind for f in fs} == {"share"}


def test_basis_points_are_signed_percentage_points():
    f, = facts_of("欧洲央行可以再降息20个基点。")
    assert (f.value, f.value_norm, f.unit_norm, f.kind) == (-20, pytest.approx(-0.2), "pp", "pp_change")


def test_a_label_governs_the_bare_numbers_listed_after_it():
    fs = facts_of("沪深300对比 绝对涨幅(%) 7.18 32.88 80.86")
    assert [(f.value_norm, f.unit_norm) for f in fs] == [(7.18, "%"), (32.88, "%"), (80.86, "%")]


@pytest.mark.parametrize("lines", [
    "380%360%340%\n320%300%\n-20%0%\n-40%-60%",
    "2,500\n2,000\n1,500\n1,000",
])
def test_chart_axis_ticks_are_not_facts(lines: str):
    assert facts_of(lines) == []


def test_meeting_ordinals_and_names_with_numerals_are_not_facts():
    assert facts_of("公司于2017年9月17日召开八届十六次董事会会议。十六届人大二次会议通过。") == []
    assert facts_of("公司光伏硅片切割三元布局包括设备、耗材以及代工业务。") == []


def test_a_range_cell_is_two_facts():
    rows = [["指标", "区间（元）"], ["52周股价", "21.60-97.40"]]
    cells = [TableCell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)]
    table = Table(page=1, header_rows=1, n_rows=2, n_cols=2, cells=cells)
    fs = table_facts(table, 0, DocContext(year=2022))
    assert [(f.value_norm, f.unit_norm, f.qualifier) for f in fs] == [(21.6, "CNY", "gte"), (97.4, "CNY", "lte")]
