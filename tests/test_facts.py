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
        ("毛利率", "other"),
        ("加权平均净资产收益率", "other"),
        ("美国10年期国债收益率可能低至", "other"),
        ("美联储应将政策利率下调至", "other"),
        ("美国经济陷入衰退的比率为零至", "other"),
        ("毛利率同比下降", "growth"),
        ("资产负债率", "other"),
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
    # what the clause says of the counted thing stays with it (the gold's 签署…备忘录的国家和地区)
    assert one(fs, "30").metric == "签署了合作备忘录的国家和地区"


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


# -- region is the subject; how region and period were decided --------------------------------

NOTE = "德邦证券-远望科技(688001)扩产金刚线，强化切割布局-220719"


def test_a_research_notes_figures_are_its_companys():
    fs = facts_of("事件：公司拟在壶关县建设金刚线项目。公司22年1季度产能712万公里，年化产能超2500万公里。\n"
                  "目前已公布47GW产能（乐山5GW示范基地、建湖一期10GW项目，建湖二期12GW项目）。\n"
                  "预计一期总投资额约6.66亿元。", title=NOTE, doc_type="pdf")
    for quote in ("712", "2500", "47GW", "5GW", "10GW", "12GW"):
        assert one(fs, quote).region == "远望科技", quote
    assert one(fs, "712").region_source == "stated"
    assert one(fs, "6.66").region == "远望科技" and one(fs, "6.66").region_source == "document"
    assert one(fs, "712").period == "2022-Q1"


def test_a_place_opening_its_own_clause_is_the_subject_even_in_a_company_report():
    fs = facts_of("2022年中国光伏新增装机87GW，公司市占率约30%。", title=NOTE, doc_type="pdf")
    assert one(fs, "87GW").region == "中国"
    assert one(fs, "30%").region == "远望科技"
    # a place opening the sentence (after its time words) is the subject of its later clauses too
    fs = facts_of("2022年上半年，全国集成电路产量1657亿块，同比下降7.6%；公司产量增长12%。", title=NOTE, doc_type="pdf")
    assert [f.region for f in fs] == ["中国", "中国", "远望科技"]


def test_a_company_reports_running_text_is_of_the_period_the_report_covers():
    text = "杭州远望科技股份有限公司\n2023年半年度报告\n报告期内，公司实现营业收入56.3亿元，比上年同期增长12.5%。"
    fs = facts_of(text, doc_type="pdf")
    assert [(f.region, f.period) for f in fs] == [("杭州远望科技", "2023-H1")] * 2


def test_a_company_reports_counterparties_and_courts_are_not_its_figures_subject():
    title = "东北电气发展股份有限公司"
    text = ("东北电气发展股份有限公司\n2018年第一季度报告\n2018年04月\n"
            "沈阳市铁西区国有资产监督管理局向辽宁省沈阳市中级人民法院起诉东北电气发展股份有限公司和"
            "沈阳高压开关有限责任公司、新东北电气（沈阳）高压开关有限责任公司，请求法院判令被告偿付欠款2,853万元。\n"
            "公司下属两家全资子公司高才科技有限公司、沈阳凯毅电气有限公司拟将所持有的新东北电气（锦州）电力电容器有限公司"
            "合计100.00%的股权出售。")
    fs = facts_of(text, title=title, doc_type="pdf")
    assert one(fs, "2,853").region == one(fs, "100.00%").region == "东北电气"


def test_news_figures_of_a_named_company_and_person():
    fs = facts_of("截至2018年底，同盾科技累计客户数量为2421家，完成了对互金行业90%以上的覆盖。\n"
                  "例如，犯罪嫌疑人王某焘设立“甜兔网”等24个网贷平台，非法获取482万人的通话记录，获利10.79亿元。",
                  title="数据业大整顿", published="2019-09-23")
    assert one(fs, "2421").region == one(fs, "90%").region == "同盾科技"
    assert {one(fs, q).region for q in ("24个", "482", "10.79")} == {"王某焘"}


def test_a_place_named_once_in_passing_is_not_a_news_articles_home():
    # (a news page's title is its first line, as ingest puts it)
    fs = facts_of("数据业大整顿\n从9月上旬开始，先是杭州的两家数据公司被带走调查。\n截至当时，金融风控企业已经达到573家。",
                  title="数据业大整顿", published="2019-09-23")
    assert one(fs, "573").region == "中国"


def test_sources_and_book_titles_are_not_the_subject():
    fs = facts_of("根据《2023广东数字经济发展报告》，数字经济企业达到5000家。据广州日报报道，出口增长8%。",
                  title="浙江省数字经济简报")
    assert one(fs, "5000").region == one(fs, "8%").region == "浙江省"
    # a figure inside the book title is that title's
    fs = facts_of("根据《国务院关于同意在石家庄等24个城市设立综合试验区的批复》，增设温州为综试区。", title="浙江省报告")
    assert one(fs, "24").region == "中国"


def test_places_listed_together_stand_for_their_province_or_for_none():
    fs = facts_of("其中包括湖州、嘉兴、衢州、台州、丽水五地市。", title="跨境电商报告")
    assert one(fs, "五地市").region == "浙江省"
    fs = facts_of("全美至少37个州出现疫情反弹，另有蒙大拿、爱达荷，以及特拉华州新增病例数超过50%。",
                  title="美国疫情", published="2020-07-04")
    assert one(fs, "50%").region == "美国"
    # a list that 分别 pairs with its figures keeps each place
    fs = facts_of("杭州、宁波分别增长5%和7%。", title="浙江外贸")
    assert one(fs, "7%").region in ("杭州市", "宁波市")


def test_foreign_states_continents_and_central_banks():
    fs = facts_of("截至目前，佛罗里达有接近17万人确诊。\n非洲地区54个国家报告了确诊病例433500例。\n"
                  "欧洲央行可以再降息20个基点，日本央行可以再降息15个基点。",
                  title="美国新冠肺炎确诊病例超278万例", published="2020-07-04")
    assert one(fs, "17万").region == "佛罗里达州"
    assert one(fs, "433500").region == "非洲"
    assert one(fs, "15个基点").region == "日本"


def test_an_unnamed_university_in_a_headline_is_the_one_the_body_names():
    fs = facts_of("【美国西雅图一大学宿舍区超100名学生感染新冠肺炎】\n"
                  "当地时间7月3日，西雅图华盛顿大学的宿舍区中暴发疫情，其中至少105名学生被确诊。"
                  "校方表示，目前至少有800名学生进行了检测。",
                  title="美国新冠肺炎确诊病例超278万例", published="2020-07-04")
    assert {one(fs, q).region for q in ("100名", "105名", "800名")} == {"华盛顿大学"}
    assert one(fs, "800名").region_source == "carried"


def test_words_for_the_present_and_dates_take_the_documents_month():
    fs = facts_of("截至美东时间7月3日16时33分，美国确诊病例超过278万例。\n目前，美国至少有19个州已经下令。\n"
                  "佛罗里达今日统计再新增9488例。", title="美国疫情", published="2020-07-04")
    assert {one(fs, q).period for q in ("278", "19个", "9488")} == {"2020-07"}
    assert one(fs, "19个").period_source == "stated"


def test_the_last_quarter_in_a_march_document_is_last_years():
    fs = facts_of("第四季度，公司营业收入增长12%。", title="经营简报", published="2021-03-15")
    assert one(fs, "12%").period == "2020-Q4"
    fs = facts_of("预计第四季度营业收入增长12%。", title="经营简报", published="2021-03-15")
    assert one(fs, "12%").period == "2021-Q4"


def test_period_source_says_where_the_period_came_from():
    fs = facts_of("2020上半年，杭州出口增长10%。其中跨境电商出口45亿元。\n外贸主体超过3万家。",
                  title="浙江省2020年上半年外贸报告")
    assert one(fs, "10%").period_source == "stated"
    assert one(fs, "45亿").period_source == "carried"
    assert one(fs, "3万家").period_source == "document" and one(fs, "3万家").period == "2020-H1"


# -- kind and modality from cue words --------------------------------------------------------------


def test_physical_units_measure_amounts():
    fs = facts_of("公司目前切片代工产能约47GW，对应远期金刚线产能超2300万公里。", title=NOTE, doc_type="pdf")
    assert one(fs, "47GW").kind == one(fs, "2300").kind == "amount"


@pytest.mark.parametrize(
    "text, quote, modality",
    [
        ("2017会计年度公司已对该案件涉及的金额预计负债37,745,190.00元。", "37,745,190", "actual"),
        ("巴西新冠肺炎实际感染人数可能已超过1050万人。", "1050万", "actual"),
        ("收益率可能低至1.25%，区间大概率在1.35%至2.7%之间。", "1.25%", "forecast"),
        ("对应远期金刚线产能超2300万公里。", "2300", "forecast"),
        ("公司下属全资子公司拟将所持有的新锦容合计100.00%的股权出售。", "100.00%", "target"),
        ("项目一期计划建设年产4,000万千米金刚线产能。", "4,000", "target"),
        ("美联储应将政策利率下调至1%。", "1%", "target"),
        ("欧洲央行可以再降息20个基点。", "20个基点", "target"),
        ("预计一期总投资额约6.66亿元；去年公司营收增长12%。", "12%", "actual"),  # a forecast word before ；
        # a forecast word listed as an item (…的预测等等) is a noun, not a verb over the figures after it
        ("服务包括身份核验、信用评分、还款能力的预测等，每次调用收费0.5元。", "0.5元", "actual"),
        ("机构给出的预测、估计等各不相同，多数预计明年增长5%。", "5%", "forecast"),
    ],
)
def test_modality_cues(text, quote, modality):
    assert one(facts_of(text, title=NOTE, published="2022-07-19", doc_type="pdf"), quote).modality == modality


def test_an_answer_to_a_question_asking_for_a_forecast_is_a_forecast():
    text = "美国10年期国债收益率可能变为负值吗？你的预测是什么？\n1.75%至2%。\n债券市场存在泡沫吗？\n去年收益率为2.5%。"
    fs = facts_of(text, title="首席投资官们这么说", published="2019-09-09")
    assert one(fs, "1.75").modality == "forecast"
    assert one(fs, "2.5").modality == "actual"


def test_a_report_cited_again_lends_the_date_it_was_given():
    fs = facts_of("根据亿欧智库2018年11月发布的《2018中国智能风控研究报告》（下称“《报告》”）显示，金融风控企业已经达到573家。\n"
                  "巨大的市场机会也吸引了风投的目光。上述《报告》统计，有192家企业获得投资。\n2017年，行业融资额为50亿元。",
                  title="数据业大整顿", published="2019-09-23")
    assert one(fs, "573").period == one(fs, "192").period == "2018-11"
    assert one(fs, "192").period_source == "carried"
    assert one(fs, "50亿").period == "2017"


def test_a_place_named_in_passing_in_a_company_story_is_not_carried():
    fs = facts_of("那一年，龙湖全年共拿下43幅土地并新落子合肥。全年实现合同销售881.4亿元。",
                  title='狂奔的龙湖集团"暗伤"曝露', published="2019-09-07")
    assert one(fs, "881.4").region == "龙湖集团"


def test_a_level_right_after_a_comparisons_base_year_is_that_years():
    fs = facts_of("2018年中国集成电路设计业销售收入为2519.3亿元，比2017年的2073.5亿元增长21.5%，"
                  "增速比上年的26.1%回落4.6个百分点。", title="集成电路", published="2019-09-07")
    assert [(f.quote, f.period) for f in fs] == [("2519.3亿元", "2018"), ("2073.5亿元", "2017"),
                                                 ("21.5%", "2017/2018"), ("26.1%", "2017"), ("4.6个百分点", "2017/2018")]
    assert one(fs, "21.5").metric == "集成电路设计业销售收入增长"  # not "2073.5亿元增长"


def test_a_question_without_a_subject_lends_nothing():
    fs = facts_of("为什么数字贸易增长这么快？\n出口增长20%。", title="浙江外贸")
    assert one(fs, "20%").metric == "出口增长"


def test_a_comparison_with_a_month_or_day_is_no_span_of_years():
    fs = facts_of("2018年销售收入比2017年增长21.5%。3月出口比上月增长5%。", published="2018-04-10")
    assert [f.period for f in fs] == ["2017/2018", "2018-03"]
