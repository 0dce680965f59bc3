"""What a figure measures: lists paired with 分别, counts, the noun after a figure, labels, answers."""

import pytest
from test_facts import NOTE, facts_of, one

from extractor.facts.metrics import _counted_noun


def attrs(text: str, **kw) -> list[tuple]:
    kw.setdefault("title", "浙江外贸简报")
    kw.setdefault("published", "2022-07-21")
    return [(f.quote, f.metric, f.period, f.region) for f in facts_of(text, **kw)]


def test_items_before_respectively_pair_with_the_figures_and_share_a_head_word():
    got = attrs("进出口、出口和进口规模分别居全国第三位、第二位和第六位。")
    assert [g[1] for g in got] == ["进出口规模", "出口规模", "进口规模"]
    got = attrs("其营业成本和营业支出增幅却分别高达100.5%和149%。")
    assert [g[1] for g in got] == ["营业成本增幅", "营业支出增幅"]
    got = attrs("龙湖集团的销售毛利率和净利率分别较去年同期下滑4.51个百分点和3.26个百分点；", title="龙湖集团中报")
    assert [g[1] for g in got] == ["销售毛利率", "净利率"]


def test_a_comparison_with_last_year_is_this_years_change():
    got = attrs("上半年，销售毛利率较去年同期下滑4.51个百分点。")
    assert got[0][2] == "2022-H1"  # not 2021-H1: 较去年同期 is the base, not the period


def test_as_many_years_as_figures_give_each_its_year():
    got = attrs("同盾科技2016年-2018年的营业收入分别为6066万元、2.61亿元、5.42亿元，呈几何级数增长。")
    assert [g[2] for g in got] == ["2016", "2017", "2018"] and {g[3] for g in got} == {"同盾科技"}
    got = attrs("对2005年、2010年和2015年创业投资的分析显示，信息传输业所占的比重分别为6%、5%和27%。")
    assert [g[2] for g in got] == ["2005", "2010", "2015"]
    got = attrs("预计公司2022-2024年归母净利润7.2、9.3亿元，对应PE 20、15倍。", title=NOTE, doc_type="pdf")
    assert [g[2] for g in got if g[0] in ("9.3亿元", "15倍")] == ["2024", "2024"]


def test_places_before_respectively_are_the_figures_regions():
    got = attrs("杭州、宁波分别增长5%和7%。")
    assert [g[3] for g in got] == ["杭州市", "宁波市"]


def test_a_labelled_list_shares_the_verb_of_its_first_figure():
    got = attrs("原告请求法院判令被告偿付欠款2,853万元、利息7,788,690元以及违约金1,426,500元，合计37,745,190元。")
    metrics = [g[1] for g in got]
    assert metrics[0].endswith("偿付欠款")
    assert metrics[1:] == [metrics[0][:-2] + w for w in ("利息", "违约金", "合计")]


@pytest.mark.parametrize(
    "after, metric",
    [
        ("州已经下令要求民众在公共场合佩戴口罩", "已经下令要求民众在公共场合佩戴口罩的州"),
        ("国家报告了新冠肺炎确诊病例433500例", "报告了新冠肺炎确诊病例的国家"),
        ("确诊学生同属一个社团", "确诊学生同属一个社团"),
        ("企业获得投资，投资金额超过1000亿元", "获得投资的企业"),
        ("跨境电商综试区。", "跨境电商综试区"),
        ("服务贸易创新发展试点地区", "服务贸易创新发展试点地区"),
        ("金融风控企业中，有192家", "金融风控企业"),
        ("以上", None),  # 300个以上: the counted thing was named before
        ("的通话记录", None),  # 482万人的通话记录
        ("参加】", None),  # 7500人参加: nothing is named after the count
    ],
)
def test_what_a_count_counts(after, metric):
    assert _counted_noun(after) == metric


def test_the_thing_measured_can_follow_the_figure():
    got = attrs("目前已公布47GW产能（乐山5GW示范基地、乐山20GW大硅片及配套项目）。22年底公司有望实现超20GW切割代工产能。",
                title=NOTE, doc_type="pdf", published="2022-07-19")
    assert [g[1] for g in got] == ["公布产能", "示范基地", "大硅片及配套项目", "切割代工产能"]
    got = attrs("我们预计欧洲央行将重启量化宽松，每月购买约300亿欧元资产。")
    assert got[0][1] == "每月购买资产"


def test_a_label_before_a_colon():
    assert one(facts_of("股票数据\n总市值(百万元)：18,785.44"), "18,785").metric == "总市值"


def test_an_answer_takes_the_questions_subject():
    text = ("美国10年期国债收益率可能变为负值吗？你的预测是什么？\n收益率可能低至1.25%。\n"
            "美国10年期国债收益率可能变为负值吗？你的预测是什么？\n公允价值接近1.75%。\n"
            "美国10年期国债收益率可能变为负值吗？你的预测是什么？\n1.75%至2%。")
    fs = facts_of(text, title="首席投资官们这么说", published="2019-09-09")
    assert [f.metric for f in fs[:2]] == ["美国10年期国债收益率", "美国10年期国债收益率公允价值"]
    assert fs[-1].metric == "美国10年期国债收益率" and fs[-1].kind == "other"


def test_a_share_written_in_tenths_of_a_group_is_that_groups_share():
    got = attrs("其中3成企业获得三次及以上的投资。其中超过6成企业成立于2014-2016年。")
    assert got[0][1] == "获得三次及以上的投资的企业占比"
    assert [g[1] for g in got if g[0] == "6成"] == ["成立于2014-2016年的企业占比"]


def test_a_clause_that_names_nothing_measures_what_the_figure_before_it_measured():
    got = attrs("全市贷款不良率为1.2%，去年同期为1.5%。")
    assert [g[1] for g in got] == ["贷款不良率", "贷款不良率"]  # the level's name, not 贷款不良
    got = attrs("一个用户的数据成本普遍在2元—10元之间，少数能达到20元左右。")
    assert "数据成本" in got[-1][1]  # 少数能 names nothing measured
    # a figure of another kind in between: the subject, not the growth's metric
    got = attrs("公司营业收入100亿元，同比增长20%，去年同期为83亿元。")
    assert got[-1][1] == "公司营业收入"


def test_a_bare_percentage_takes_its_kind_from_its_metric():
    fs = facts_of("该基金的年化收益率今年在4%至5%之间，明年或在3%左右。", published="2023-05-01")
    assert [(f.quote, f.kind) for f in fs] == [("4%", "other"), ("5%", "other"), ("3%", "other")]
    assert "收益率" in one(fs, "3%").metric
    fs = facts_of("全市城镇化率达到65%，比全省低3个百分点。", published="2023-05-01")
    assert one(fs, "65%").kind == "share"  # 率 alone is a share cue: unchanged


def test_a_body_that_stands_for_a_place_stays_in_the_metric_without_its_latin_gloss():
    got = attrs("英格兰银行（BoE）本月加息25个基点，美联储（Fed）维持利率不变。", published="2023-05-11")
    assert got[0][1] == "英格兰银行加息" and got[0][3] == "英国"  # the body is who acts, its region the place
    got = attrs("市场普遍预计日本央行明年将购买约60万亿日元国债。", published="2023-05-11")
    assert "日本央行" in got[0][1] and got[0][3] == "日本"


def test_a_count_of_people_ending_with_what_they_do_is_the_number_doing_it():
    got = attrs("昨日的马拉松吸引3万人参加，其中5人受伤、12人晕倒。", published="2023-04-17")
    assert [g[1] for g in got] == ["马拉松吸引参加人数", "受伤人数", "晕倒人数"]  # 昨日的: a time word
    got = attrs("当地已有300名学生返校，另有5名医生。", published="2023-04-17")
    assert "学生" in got[0][1] and got[1][1] == "医生"  # a noun after the count stays what is counted


def test_a_preposition_the_figure_completes_ends_no_metric():
    got = attrs("全市城镇调查失业率控制在5%左右，担保借款余额存在1,479万元敞口，城镇新增就业不少于26万人。")
    assert [g[1] for g in got] == ["城镇调查失业率控制", "担保借款余额存在敞口", "城镇新增就业不少于"]
