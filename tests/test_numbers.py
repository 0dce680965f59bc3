"""The Chinese number grammar: forms, qualifiers, signs, ranks, non-facts, gold seeds, properties."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.facts.numbers import find_numbers, format_number, parse_number, range_bounds
from extractor.models import NumberMention


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _one(text: str) -> NumberMention:
    ms = find_numbers(text)
    assert len(ms) == 1, [m.quote for m in ms]
    return ms[0]


# --- parse_number / format_number -------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "value"),
    [
        ("1234.1", 1234.1),
        ("1,100", 1100),
        ("23,876", 23876),
        ("１２３", 123),
        ("-13.35", -13.35),
        ("一千二百", 1200),
        ("壹仟玖佰", 1900),
        ("三十", 30),
        ("两", 2),
        ("百万", 1e6),
        ("十一", 11),
        ("二〇二四", 2024),
        ("一百零五", 105),
        ("一万五", 15000),
        ("一亿二千万", 1.2e8),
        ("十万", 1e5),
        ("4万", 40000),
        ("2.11万亿", 2.11e12),
        ("1.5亿", 1.5e8),
        ("3千万", 3e7),
        ("二万亿", 2e12),
    ],
)
def test_parse_number(s: str, value: float) -> None:
    assert parse_number(s) == pytest.approx(value)


@pytest.mark.parametrize("s", ["", "abc", "十四五", "万", "1,10", "4万多", "一二三x", "１.２.３"])
def test_parse_number_rejects(s: str) -> None:
    assert parse_number(s) is None


def test_format_number_is_plain() -> None:
    assert format_number(1200.0) == "1200"
    assert format_number(34.73) == "34.73"
    assert format_number(1e16) == "10000000000000000"
    assert "e" not in format_number(5e-324)


# --- amounts, magnitudes, numerals -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "value_norm", "unit_norm"),
    [
        ("进出口为1234.1 亿元", 1234.1, "亿元", 123410000000, "CNY"),
        ("进出口额达2.11 万亿元", 2.11, "万亿元", 2.11e12, "CNY"),
        ("支付结算额达1万亿元", 1, "万亿元", 1e12, "CNY"),
        ("3400 万个商家", 3400, "万个", 3.4e7, "个"),
        ("进口5947.4亿元", 5947.4, "亿元", 594740000000, "CNY"),
        ("人口1,100万", 1100, "万", 1.1e7, "人"),
        ("就业23,876人", 23876, "人", 23876, "人"),
        ("１２３家企业", 123, "家", 123, "家"),
        ("１，１００万", 1100, "万", 1.1e7, None),
        ("一千二百万元", 1200, "万元", 1.2e7, "CNY"),
        ("壹仟玖佰圆整", 1900, "圆", 1900, "CNY"),
        ("培养人才百万名", 100, "万名", 1e6, "名"),
        ("出口3727.1亿美元", 3727.1, "亿美元", 372710000000, "USD"),
        ("吞吐量110万吨", 110, "万吨", 1100000, "t"),
        ("新增五个综试区", 5, "个", 5, "个"),
        ("丽水五地市", 5, "地市", 5, "个"),
        ("3千瓦时", 3, "千瓦时", 3, "kWh"),
        ("1.2万千瓦时", 1.2, "万千瓦时", 12000, "kWh"),
        ("500万标箱", 500, "万标箱", 5e6, "TEU"),
        ("100日元", 100, "日元", 100, "JPY"),
        ("提高15.71个百分点", 15.71, "个百分点", 15.71, "pp"),
        ("增长 34.73 %", 34.73, "%", 34.73, "%"),
        ("１２３．５％", 123.5, "%", 123.5, "%"),
        ("百分之三十", 30, "%", 30, "%"),
        ("千分之五", 5, "‰", 0.5, "%"),
        ("人口三亿", 3, "亿", 3e8, "人"),
        ("新增三亿", 3, "亿", 3e8, None),
        ("出台了十条措施", 10, "条", 10, "条"),
    ],
)
def test_amounts(text: str, value: float, unit: str | None, value_norm: float, unit_norm: str | None) -> None:
    m = _one(text)
    assert (m.value, m.unit, m.unit_norm) == (pytest.approx(value), unit, unit_norm)
    assert m.value_norm == pytest.approx(value_norm)
    assert m.quote == text[m.start : m.end]


def test_pp_kind_and_bare_cell() -> None:
    assert _one("快出3.5个百分点").kind_hint == "pp_change"
    cell = _one("487.71")
    assert (cell.value, cell.unit, cell.unit_norm, cell.value_norm) == (487.71, None, None, 487.71)
    assert _one("-13.35").value == -13.35
    assert _one("一千二百").value == 1200


# --- shares, proportions, multiples ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_norm", "unit_norm", "qualifier", "kind"),
    [
        ("占总额比重四分之三的", 75, "%", "eq", "share"),
        ("五分之一的份额", 20, "%", "eq", "share"),
        ("约占十分之一", 10, "%", "approx", "share"),
        ("占比一半", 50, "%", "eq", "share"),
        ("比重首次过半", 50, "%", "gt", "share"),
        ("跌至一半以下", 50, "%", "lte", "share"),
        ("出口增长两成", 20, "%", "eq", "share"),
        ("增长三成多", 30, "%", "gte", "share"),
        ("保持翻倍态势", 2, "x", "eq", "multiple"),
        ("增长超过 1 倍", 1, "x", "gt", "multiple"),
        ("经济总量翻一番", 2, "x", "eq", "multiple"),
        ("增长1倍多", 1, "x", "gte", "multiple"),
    ],
)
def test_shares_and_multiples(
    text: str, value_norm: float, unit_norm: str, qualifier: str, kind: str
) -> None:
    m = _one(text)
    assert (m.value_norm, m.unit_norm, m.qualifier, m.kind_hint) == (
        pytest.approx(value_norm),
        unit_norm,
        qualifier,
        kind,
    )


# --- qualifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_norm", "unit_norm", "qualifier"),
    [
        ("交易额近40亿美金", 4e9, "USD", "approx"),
        ("卖家数量达4万多家", 40000, "家", "gte"),
        ("贸易规模约为1241.8亿美元", 124180000000, "USD", "approx"),
        ("增长10%左右", 10, "%", "approx"),
        ("品牌300个以上", 300, "个", "gte"),
        ("标准不少于5项", 5, "项", "gte"),
        ("比重超60%", 60, "%", "gt"),
        ("主体超过10万家", 100000, "家", "gt"),
        ("逾200家企业", 200, "家", "gt"),
        ("逾百家企业", 100, "家", "gt"),
        ("首次突破1.2万亿元", 1.2e12, "CNY", "gt"),
        ("占比不足5%", 5, "%", "lt"),
        ("误差3%以内", 3, "%", "lte"),
        ("不超过20人", 20, "人", "lte"),
        ("至少3家", 3, "家", "gte"),
        ("高于全国平均水平10个百分点以上", 10, "pp", "gte"),
        ("10余万人", 100000, "人", "gte"),
        ("300多家", 300, "家", "gte"),
        ("服务近200个国家和地区", 200, "个", "approx"),
        ("数字贸易上市企业达180家", 180, "家", "eq"),
    ],
)
def test_qualifiers(text: str, value_norm: float, unit_norm: str, qualifier: str) -> None:
    m = _one(text)
    assert (m.value_norm, m.unit_norm, m.qualifier) == (pytest.approx(value_norm), unit_norm, qualifier)
    assert m.quote == text[m.start : m.end]


def test_quote_is_number_and_unit_only() -> None:
    assert _one("交易额近40亿美金").quote == "40亿美金"
    assert _one("达4万多家").quote == "4万多家"
    assert _one("品牌300个以上").quote == "300个"


# --- ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "unit", "unit_norm"),
    [
        ("价格在5.6到5.78元之间", 5.6, 5.6, 5.78, "元", "CNY"),
        ("占比10%-20%", 10, 10, 20, "%", "%"),
        ("投资三十几万元", 30, 30, 40, "万元", "CNY"),
        ("3万-5万元", 3, 3, 5, "万元", "CNY"),
        ("增长2.4%—3.5%", 2.4, 2.4, 3.5, "%", "%"),
        ("十几家", 10, 10, 20, "家", "家"),
        ("两三个", 2, 2, 3, "个", "个"),
    ],
)
def test_ranges(text: str, value: float, low: float, high: float, unit: str, unit_norm: str) -> None:
    m = _one(text)
    assert (m.value, m.low, m.high, m.unit, m.unit_norm, m.form) == (
        pytest.approx(value),
        pytest.approx(low),
        pytest.approx(high),
        unit,
        unit_norm,
        "range",
    )


def test_descending_pair_is_two_mentions() -> None:
    assert [m.value for m in find_numbers("从5%-3%")] == [5, 3]


# --- signs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("全球商品贸易下降 3.2%", -3.2),
        ("减少5%", -5),
        ("增速下滑2.1%", -2.1),
        ("回落1.5%", -1.5),
        ("降低 2.1 个百分点", -2.1),
        ("出现负增长3.2%", -3.2),
        ("同比下降了约2.5%", -2.5),
        ("增长-13.35%", -13.35),
        ("同比增长34.73%", 34.73),
        ("减少100亿元", 100),
        ("回落至5%", 5),
    ],
)
def test_signs(text: str, value: float) -> None:
    assert _one(text).value == pytest.approx(value)


def test_fall_to_keeps_both_levels_positive() -> None:
    ms = find_numbers("增幅由去年同期的35.7%降至8.9%")
    assert [(m.value, m.unit_norm) for m in ms] == [(35.7, "%"), (8.9, "%")]


def test_minus_after_space_in_a_row_is_a_sign() -> None:
    assert [m.value for m in find_numbers("14.00 -48.38")] == [14.0, -48.38]


# --- ranks -------------------------------------------------------------------------------


def test_ranks() -> None:
    ms = find_numbers("进出口、出口和进口规模分别居全国第三位、第二位和第六位。")
    assert [(m.quote, m.value, m.unit_norm, m.kind_hint) for m in ms] == [
        ("第三位", 3, "rank", "rank"),
        ("第二位", 2, "rank", "rank"),
        ("第六位", 6, "rank", "rank"),
    ]
    assert (_one("出口规模全国第二的位子").quote, _one("出口规模全国第二的位子").value) == ("全国第二", 2)
    assert _one("创新能力综合排名全球第十一位").value == 11
    assert _one("专利授权量均居世界首位").value == 1
    assert _one("位居全国第一").unit_norm == "rank"
    assert _one("排名第3").value == 3
    assert find_numbers("这是第一位来访的客人") == []


# --- non-facts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2020年",
        "2020 年",
        "7月21日",
        "2024—2026年",
        "1-6月",
        "2023年1-9月",
        "（2024-2026）",
        "2024-06-30",
        "2024.06.30",
        "10:30",
        "今年前三季度",
        "第二季度",
        "二〇二四年",
        "过去20年",
        "3天就能出样品",
        "3个月",
        "20多年",
        "18岁",
        "第二届全球数字贸易博览会",
        "第三批",
        "第5次",
        "第一期",
        "数字经济一号工程",
        "构建“4+4+1+5”空间发展格局",
        "“123”快货物流圈",
        "123快货物流圈",
        "3D引擎",
        "B2C出口",
        "5G基站",
        "PM2.5",
        "杭政办函〔2024〕25号",
        "ZJAC01-2024-0005",
        "电话0571-87654321",
        "一、发展目标",
        "（二）增势迅猛",
        "1. 加强统筹",
        "(1)完善机制",
        "1、完善机制",
        "1.2.3 小节",
        "— 4 —",
        "- 12 -",
        "第4页",
        "①数据来源",
        "注1",
        "[2]",
        "《杭州市推进数字贸易强市三年行动计划（2024—2026年）》",
        "《报告2022》",
        "《关于开展2024年第2批试点的通知》",
        "《3个月集中攻坚行动方案》",
        "《促进外贸稳增长的15条措施》",
        "加强“四个中心”功能建设",
        "“七站两场”等重点区域",
        "打造“两个高地”",
        "计算结果如图3.2所示",
        "回归结果如表4.1所示。",
        "得到图6所示的示意图",
        "***、**、*分别代表在1%、5%和10%的水平上显著",
        "核心解释变量均在5%水平上显著",
        "显著性水平为5%",
        "95%置信区间",
        "数十所高校",
        "几百家",
        "成千上万",
        "一大批",
        "众多",
        "两位数增长",
        "五个一工作",
        "一个平台",
        "一批项目",
        "十四五规划",
        "百家争鸣",
        "千家万户",
        "上千家",
        "前十",
        "八增二减",
        "发布了“产业带启航十条”",
        "利用国内国际两个资源、两个市场",
        "GB/T 1234-2020",
        "No.1",
        "width:74px",
        "市十六届人大二次会议于1月21日开幕",  # meeting numbers
        "召开八届十六次董事会会议",
        "贯彻二十届二中全会精神",
    ],
)
def test_non_facts(text: str) -> None:
    assert find_numbers(text) == [], [m.quote for m in find_numbers(text)]


def test_meetings_counted_are_figures() -> None:
    assert [m.quote for m in find_numbers("全年召开了3次会议，开展两次整改")] == ["3次", "两次"]
    # a count says 两 before a measure word: 二次整改 is a second round, not two of them
    assert [m.quote for m in find_numbers("全年召开了3次会议，开展二次整改")] == ["3次"]


def test_levels_and_shares_that_are_not_significance_tests_stay() -> None:
    assert [m.quote for m in find_numbers("增速保持在5%左右的水平，代表10%的股份，发表3篇论文")] == ["5%", "10%", "3篇"]


def test_counts_in_quoted_speech_are_figures() -> None:
    assert [m.quote for m in find_numbers("他说：“今年新增三个园区，投资两亿元。”")] == ["三个", "两亿元"]


@pytest.mark.parametrize("text, quotes", [
    ("《国务院关于同意在石家庄等24个城市设立跨境电子商务综合试验区的批复》", ["24个"]),
    ("印发《关于支持100家企业“走出去”的通知（2023—2025年）》", ["100家"]),
])
def test_counted_quantities_inside_titles(text: str, quotes: list[str]) -> None:
    """A title hides its years, ordinals and names, not a quantity it counts."""
    assert [m.quote for m in find_numbers(text)] == quotes


def test_non_facts_do_not_hide_neighbours() -> None:
    ms = find_numbers("2020年上半年，浙江省进出口1234.1亿元，同比增长34.73%①。")
    assert [m.quote for m in ms] == ["1234.1亿元", "34.73%"]
    ms = find_numbers("出口比重已从2015年的1%增长到2022年的5%")
    assert [m.value for m in ms] == [1, 5]


# --- gold seeds --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold(shared_dir: Path) -> list[dict]:
    """The seed gold facts (../shared/gold/seeds.jsonl)."""
    text = (shared_dir / "gold" / "seeds.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _is_table_cell(row: dict) -> bool:
    """A bare number, or a bare percentage glued to other cells in the flattened row context."""
    q = row["quote"].strip()
    if re.fullmatch(r"-?[0-9.,]+", q):
        return True
    if re.fullmatch(r"-?[0-9.,]+%", q):
        i = row["context"].find(q)
        around = row["context"][i - 1 : i] + row["context"][i + len(q) : i + len(q) + 1]
        return any(c.isdigit() for c in around)
    return False


def _found(row: dict, text: str) -> bool:
    return any(
        _close(m.value_norm, row["value_norm"])
        and m.unit_norm == row["unit_norm"]
        and m.qualifier == row["qualifier"]
        for m in find_numbers(text)
    )


def test_gold_text_facts(gold: list[dict]) -> None:
    rows = [r for r in gold if not r.get("optional") and not _is_table_cell(r)]
    missed = [(r["quote"], r["context"]) for r in rows if not _found(r, r["context"])]
    rate = 1 - len(missed) / len(rows)
    print(f"gold text facts: {len(rows) - len(missed)}/{len(rows)} = {rate:.1%}")
    assert rate >= 0.95, missed


def test_gold_table_cells(gold: list[dict]) -> None:
    rows = [r for r in gold if _is_table_cell(r)]
    for r in rows:
        want = float(r["quote"].rstrip("%"))
        assert any(_close(m.value, want) for m in find_numbers(r["quote"])), r["quote"]


# --- properties --------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("0123456789０１２３.,，-—~%％+:/ ()（）〔〕“”《》、。\n")
    + list("零〇一二两三四五六七八九十百千万亿壹贰叁拾佰仟几多余第首分之成倍半番翻")
    + list("元美金个家项件名人年月日号位届批期季度约近超过逾以上下内左右不足少于达降减增长至到")
    + ["亿元", "万吨", "个百分点", "千瓦时", "全国", "居", "下降", "TEU", "G", "D", "ZJAC"]
    + list("点负萬億兩折块毛角半含间股州微克米:：/") + ["（含）", "零下", "百分之", "万分之", "位列", "um", "/吨", "基点"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_find_numbers_never_raises(text: str) -> None:
    prev_end = 0
    for m in find_numbers(text):
        assert m.quote == text[m.start : m.end]
        assert m.start >= prev_end
        prev_end = m.end
        if m.low is not None:
            assert m.low < m.high and m.low_norm < m.high_norm
        for b in range_bounds(m):  # a range's bounds quote their own text
            assert b.quote == text[b.start : b.end] and b.value_norm is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_text_never_raises(text: str) -> None:
    find_numbers(text)
    parse_number(text)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_parse_round_trip(value: float) -> None:
    assert parse_number(format_number(value)) == value
