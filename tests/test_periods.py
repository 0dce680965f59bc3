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


def test_a_day_of_a_month_gives_its_month():
    refs = find_periods("截至美东时间7月3日16时33分，美国确诊病例超过278万例", 2020, 7)
    assert [p.period for p in refs] == ["2020-07"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("目前，全市共有企业300家", "2022-07"),
        ("当前价格(元)：82.42", "2022-07"),
        ("截至目前，佛罗里达有接近17万人确诊", "2022-07"),
        ("今日统计再新增9488例", "2022-07"),
    ],
)
def test_words_for_the_present_resolve_to_the_documents_month(text, expected):
    assert find_periods(text, 2022, 7)[0].period == expected
    assert find_periods(text, 2022)[0].period == "2022"  # a date with no month: its year


@pytest.mark.parametrize(
    "text, expected",
    [
        ("浙江国际数字贸易协会日前发布的报告显示，今年上半年，进出口649.14亿元", ["2022-H1"]),
        ("国家统计局近日公布，全国粮食产量6.9亿吨", []),
        ("该负责人昨日表示，项目投资20亿元", []),
        ("近日，全市新增企业300家", ["2022-07"]),  # a time word of its own: the figure's
        ("目前在建项目120个", ["2022-07"]),
    ],
)
def test_a_word_for_the_present_that_dates_an_act_is_no_period(text, expected):
    """日前发布的报告: when the report came out, not what its figures cover."""
    assert [p.period for p in find_periods(text, 2022, 7)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("公司22年1季度产能712万公里", "2022-Q1"),
        ("22年底公司有望实现超20GW切割代工产能", "2022"),
        ("光伏金刚线及硅片切割代工业务推动公司22Q1业绩大超预期", "2022-Q1"),
        ("从2019年0.8元/kwh降低到2022年Q1的0.39元/kwh", "2022-Q1"),
        ("2017会计年度公司已对该案件涉及的金额预计负债", "2017"),
        ("2021财年营收", "2021"),
    ],
)
def test_short_years_quarters_written_q_and_fiscal_years(text, expected):
    assert find_periods(text, 2022, 7)[-1].period == expected


def test_a_two_digit_number_of_years_is_a_duration_not_a_year():
    assert find_periods("过去20年，数字贸易", 2022, 7) == []
    assert find_periods("近30年来", 2022, 7) == []
    assert find_periods("成立22年，公司", 2022, 7) == []


def test_a_quarter_not_yet_begun_is_last_years_unless_the_sentence_looks_forward():
    assert find_periods("第四季度出口增长5%", 2021, 3)[0].period == "2020-Q4"
    assert find_periods("12月，出口增长5%", 2021, 3)[0].period == "2020-12"
    assert find_periods("第一季度出口增长5%", 2021, 3)[0].period == "2021-Q1"  # under way in March
    assert find_periods("今年第四季度将投产", 2021, 3)[0].period == "2021-Q4"  # 今年 says which year
    assert find_periods("预计第四季度出口增长5%", 2021, 3, forward=True)[0].period == "2021-Q4"
    assert find_periods("第四季度出口增长5%", 2021)[0].period == "2021-Q4"  # no month known: as named


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


def test_the_year_before_a_stated_year_and_comparison_bases():
    refs = find_periods("2018年销售收入增长21.5%，增速比上年的26.1%回落4.6个百分点", 2019, 9)
    assert [(p.period, p.kind) for p in refs] == [("2018", "explicit"), ("2017", "base")]
    assert find_periods("去年出口增长5%", 2022, 7)[0].kind == "relative"
    assert find_periods("比去年增长5%", 2022, 7)[0].kind == "base"
    assert find_periods("三产占比与去年持平", 2016, 11)[0].kind == "base"  # the same as last year's
    assert [p.kind for p in find_periods("2019年与2020年分别增长5%和7%", 2021)] == ["explicit", "explicit"]


def test_a_comparison_with_last_year_is_not_carried_to_the_next_sentences():
    from extractor.facts.segment import sentences
    from extractor.facts.sentence import extract_facts
    from extractor.models import Page, ParsedDocument

    text = "1-10月，全县投资完成246.79亿元，三产占比与去年持平；生产性服务业完成投资39.66亿元。"
    doc = ParsedDocument(path="t.html", doc_type="html", title="某县投资简报", published="2016-11-22",
                         pages=[Page(number=None, text=text)])
    assert [f.period for f in extract_facts(doc, sentences(doc.pages))] == ["2016-01/2016-10"] * 2


def test_a_day_alone_is_a_day_of_the_documents_month():
    assert find_periods("当地时间3日，特朗普将前往南达科他州", 2020, 7)[0].period == "2020-07"
    assert find_periods("这一调查结果2日发表在巴西联邦政府的报告中", 2020, 7) == []  # 结果2日: no lead-in
    assert find_periods("于15日发布数据", 2020, 7)[0].period == "2020-07"
    assert find_periods("在3日内完成", 2020, 7) == []  # a duration
    assert find_periods("当地时间3日", 2020) == []  # no month known


def test_quarters_and_halves_written_q_and_h_without_a_year():
    assert [p.period for p in find_periods("其中Q4实现营收431.6亿元", 2024, 4)] == ["2023-Q4"]  # not begun yet
    assert [p.period for p in find_periods("H1净利润增长", 2024, 8)] == ["2024-H1"]
    assert find_periods("SQ4型号", 2024, 8) == []  # inside a Latin word


def test_a_bare_part_of_a_year_belongs_to_the_year_the_sentence_states():
    refs = find_periods("公司2022年营收100亿元，其中四季度营收30亿元", 2024, 8)
    assert [p.period for p in refs] == ["2022", "2022-Q4"]
    refs = find_periods("2022年全年营收100亿元，今年一季度营收30亿元", 2024, 8)
    assert [p.period for p in refs] == ["2022", "2024-Q1"]  # 今年 names its year
    refs = find_periods("2020年以来全市累计投资，上半年增长5%", 2024, 8)
    assert [p.period for p in refs] == ["2020", "2024-H1"]  # 2020年以来 is no year of its own


def test_yesterday_and_last_month_against_the_documents_date():
    assert [p.period for p in find_periods("昨日全市出口增长5%", 2024, 3)] == ["2024-03"]
    assert find_periods("国家统计局昨日发布数据", 2024, 3) == []  # when it was published (an act)
    assert [p.period for p in find_periods("上月出口增长5%", 2024, 3)] == ["2024-02"]
    assert [p.period for p in find_periods("上个月出口增长5%", 2024, 1)] == ["2023-12"]
    assert [p.period for p in find_periods("上月出口增长5%", 2024)] == ["2024"]  # no month known: its year
