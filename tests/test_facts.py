"""Fact attributes: kind, modality, region, period and metric, on small real-style texts."""

import pytest

from extractor.facts.cues import percent_kind
from extractor.facts.segment import sentences
from extractor.facts.sentence import extract_facts
from extractor.models import Page, ParsedDocument


def facts_of(text: str, *, title: str | None = None, published: str | None = None, doc_type: str = "html"):
    doc = ParsedDocument(path="t.html", doc_type=doc_type, title=title, published=published,
                         pages=[Page(number=None, text=text)])
    return extract_facts(doc, sentences(doc.pages))


def one(facts, quote_part: str):
    hits = [f for f in facts if quote_part in f.quote]
    assert len(hits) == 1, [f.quote for f in facts]
    return hits[0]


def test_amount_growth_and_share_in_one_sentence():
    fs = facts_of("2020上半年，杭州数字服务贸易进出口578.06亿元，占全省比重89.05%，同比增长64.15%。",
                  title="浙江省数字贸易报告")
    a, s, g = one(fs, "578.06"), one(fs, "89.05"), one(fs, "64.15")
    assert (a.kind, a.unit_norm, a.value_norm) == ("amount", "CNY", 57806000000)
    assert s.kind == "share" and g.kind == "growth"
    # the subject is 杭州, not 全省 (the whole the share is taken of)
    assert {a.region, s.region, g.region} == {"杭州市"}
    assert {a.period, s.period, g.period} == {"2020-H1"}
    assert "数字服务贸易进出口" in a.metric
    assert "同比增长" in g.metric and "数字服务贸易" in g.metric


def test_decline_is_negative_and_pp_change():
    fs = facts_of("截至今年7月，全球商品贸易下降3.2%，比总体增速快出3.5个百分点。", published="2023-11-20")
    d = one(fs, "3.2")
    assert d.value < 0 and d.kind == "growth" and d.period == "2023-07" and d.region == "全球"
    assert one(fs, "3.5").kind == "pp_change"


@pytest.mark.parametrize(
    "pre, kind",
    [
        ("出口同比增长", "growth"),
        ("占全省服务贸易总额的比重首次过半达", "share"),
        ("增幅由去年同期的35.7%降至", "growth"),
        ("比重已从2015年的1%增长到2022年的", "share"),
        ("换乘比例提高到", "share"),
        ("订单同比增长率从15%提升至", "growth"),
        ("", "share"),
    ],
)
def test_percent_kind_from_cue_words(pre, kind):
    assert percent_kind(pre) == kind


def test_a_growth_cue_right_after_the_figure():
    f = one(facts_of("计算机服务保持88.49%的高速增长。"), "88.49")
    assert f.kind == "growth"


def test_two_rates_in_a_fall_are_both_positive_and_periods_shift():
    fs = facts_of("一季度，跨境网络零售出口增幅由去年同期的35.7%降至8.9%。", published="2020-08-05")
    before, after = one(fs, "35.7"), one(fs, "8.9")
    assert before.value > 0 and after.value > 0
    assert before.period == "2019-Q1" and after.period == "2020-Q1"


def test_plan_documents_state_targets_with_the_plan_end_year():
    text = "（一）规模领先。全市实现数字贸易额4300亿元，规模以上企业1500家以上。\n全市每年参与发布的数字贸易标准不少于5项。"
    fs = facts_of(text, title="杭州市推进数字贸易强市三年行动计划（2024—2026年）", published="2024-04-23")
    amount, firms, standards = one(fs, "4300"), one(fs, "1500"), one(fs, "5项")
    assert amount.modality == firms.modality == "target"
    assert amount.period == "2026" and amount.region == "杭州市"
    assert firms.qualifier == "gte"
    assert standards.period == "2024/2026"


def test_reported_figures_are_actual_and_forecasts_are_forecasts():
    fs = facts_of("2022年，跨境电商进出口额达2.11万亿元。预计2025年将达到3万亿元。", published="2023-11-20")
    assert one(fs, "2.11").modality == "actual"
    assert one(fs, "3万亿").modality == "forecast"


def test_future_deadline_makes_a_target_in_any_document():
    fs = facts_of("到2026年，全省跨境电商进出口额达到5000亿元。", title="浙江新闻", published="2024-01-02")
    f = one(fs, "5000")
    assert f.modality == "target" and f.period == "2026" and f.region == "浙江省"


def test_global_scope_words_are_not_the_subject():
    fs = facts_of("2022年中国创新能力综合排名全球第十一位。\n具有全球竞争力的平台企业30家以上。",
                  title="杭州市数字贸易")
    assert one(fs, "十一").region == "中国"
    assert one(fs, "30家").region == "杭州市"


def test_a_national_rank_scope_in_an_earlier_clause_is_not_the_subject():
    fs = facts_of("全国首个数据基础制度先行区启动建设，数字经济增加值占地区生产总值比重达42.9%。", title="宁波市政府工作报告")
    assert one(fs, "42.9%").region == "宁波市"


def test_a_strategy_named_after_a_region_group_does_not_become_the_topic():
    fs = facts_of("一是长三角一体化发展不断走深走实。拆除违法建设2315万平方米，完成老旧小区改造183个。",
                  title="杭州市政府工作报告")
    assert {one(fs, q).region for q in ("2315", "183个")} == {"杭州市"}


def test_a_company_named_after_the_figures_is_not_carried():
    fs = facts_of("新设4支产业基金，阿里巴巴数据中心提前投产。新增5G基站3万个。", title="杭州市政府工作报告")
    assert one(fs, "3万个").region == "杭州市"
    # a company that is its sentence's subject is carried
    fs = facts_of("阿里巴巴上半年营收增长8%。毛利率下滑0.2个百分点。", title="财经新闻")
    assert one(fs, "0.2个百分点").region == one(fs, "8%").region != "杭州市"


def test_a_whole_a_share_is_taken_of_is_not_the_region_when_the_document_has_one():
    fs = facts_of("大模型产品占全国近一半。", title="北京市政府工作报告")
    assert one(fs, "一半").region == "北京市"


def test_bare_numbers_in_running_text_are_not_facts():
    fs = facts_of("第三方数据行业从2013、2014年就开始兴起，今年“双11”期间，女职工退休年龄=50+3×9/12。")
    assert fs == []


def test_label_units_apply_to_bare_figures():
    f = one(facts_of("总市值(百万元)：18,785.44"), "18,785.44")
    assert f.value_norm == pytest.approx(18785.44e6) and f.unit_norm == "CNY"


def test_chart_axis_ticks_are_not_facts():
    assert facts_of("380%360%340%") == []


def test_region_carries_across_sentences_of_a_paragraph_and_title_fills_the_rest():
    fs = facts_of("宁波出口增长12%。其中跨境电商出口45亿元。\n另一段，外贸主体超过3万家。", title="浙江外贸")
    assert one(fs, "45亿").region == "宁波市"
    assert one(fs, "3万家").region == "浙江省"


def test_metric_of_a_count_is_the_thing_counted():
    fs = facts_of("我国已批准建设了165个跨境电商综试区。中国已与30个国家和地区签署了合作备忘录。")
    assert one(fs, "165").metric == "跨境电商综试区"
    assert one(fs, "30").metric == "国家和地区"


def test_metric_of_a_physical_amount_named_only_after_it():
    """A physical amount with nothing before it in its clause measures the noun after it; one
    whose clause names the thing before it keeps that (绿道150公里, 直径80um降至…)."""
    fs = facts_of("全市完成5.8万亩高标准农田建设，建成城市绿道150公里。"
                  "金刚线母线直径已由80um降至40um。")
    assert one(fs, "5.8万亩").metric == "高标准农田建设"
    assert one(fs, "150公里").metric == "建成城市绿道"
    assert one(fs, "80um").metric.startswith("金刚线母线直径")


def test_an_itemising_bracket_opens_its_own_clause():
    """Figures listed in brackets after a total are about what the bracket names, not the total."""
    fs = facts_of("公司已建成光伏电站300MW（青海120MW示范电站、甘肃180MW扶贫电站）。")
    assert one(fs, "120MW").metric == "示范电站"
    assert one(fs, "300MW").metric != one(fs, "120MW").metric


def test_bare_flow_words_take_the_paragraphs_topic():
    fs = facts_of("上半年浙江数字服务贸易进出口649.14亿元，同比增长46.27%。其中出口129.75亿元，增长17.49%。")
    assert one(fs, "129.75").metric == "数字服务贸易出口"
    assert one(fs, "17.49").metric.startswith("数字服务贸易出口")
    assert "同比增长" in one(fs, "46.27").metric


def test_table_units_from_row_labels_and_change_columns_are_growth():
    from extractor.facts.context import DocContext
    from extractor.facts.table import table_facts
    from extractor.models import Table, TableCell

    rows = [["项目", "2023年", "2022年", "本年比上年增减"],
            ["营业收入（元）", "602,315,354,000.00", "424,060,635,000.00", "42.04%"]]
    cells = [TableCell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)]
    table = Table(page=1, header_rows=1, n_rows=2, n_cols=4, cells=cells)
    fs = table_facts(table, 0, DocContext(year=2024, region="中国"))
    assert [(f.unit_norm, f.kind) for f in fs] == [("CNY", "amount"), ("CNY", "amount"), ("%", "growth")]
    assert [f.period for f in fs[:2]] == ["2023", "2022"]
    assert fs[0].value_norm == 602315354000.0 and fs[0].metric.startswith("营业收入")
    assert "（元）" not in fs[0].metric
