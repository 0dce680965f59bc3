"""Companies, organisations and people a figure can be about."""

import pytest

from extractor.facts.context import document_context
from extractor.facts.subjects import Company, find_subjects, report_company
from extractor.models import Page, ParsedDocument


def company(title: str | None, text: str) -> Company | None:
    doc = ParsedDocument(path="x.pdf", doc_type="pdf", title=title, pages=[Page(number=1, text=text)])
    return report_company(doc, document_context(doc))


def subjects(text: str, company: Company | None = None, following: str = "") -> list[tuple[str, str]]:
    return [(p.name, p.level) for p in find_subjects(text, company, following)]


def test_a_report_names_its_company_with_a_stock_code_in_the_title():
    c = company("德邦证券-高测股份(688556)扩产4000万公里金刚线，强化光伏硅片切割三元布局-220719", "")
    assert c is not None and c.name == "高测股份"
    c = company("华泰证券-宁德时代（300750.SZ）：业绩超预期", "")
    assert c is not None and c.name == "宁德时代"


def test_a_year_in_brackets_is_no_stock_code():
    text = "最高人民法院于2017年8月作出（2017）最高法执复27号执行裁定书。"
    assert company("关于诉讼进展的说明", text) is None


def test_a_legal_name_title_gives_the_short_name_the_text_uses():
    text = "东北电气发展股份有限公司\n2018年第一季度报告\n法院裁定驳回东北电气的复议申请。"
    c = company("东北电气发展股份有限公司", text)
    assert c is not None and c.name == "东北电气" and "东北电气发展股份有限公司" in c.aliases
    # no short name in the text: the report's subject, its registered name without the legal form
    c = company(None, "杭州远望科技股份有限公司2023年年度报告\n公司营业收入增长。")
    assert c is not None and c.name == "杭州远望科技"
    # no company document: the legal form and a generic word are dropped
    c = company("杭州远望科技股份有限公司获评优秀企业", "公司营业收入增长。")
    assert c is not None and c.name == "杭州远望"


def test_a_short_name_on_the_cover_wins():
    c = company("2023年年度报告", "证券代码：600000\n证券简称：浦发银行\n上海浦东发展银行股份有限公司")
    assert c is not None and c.name == "浦发银行"


def test_news_without_a_company_in_the_title_has_no_report_company():
    assert company("债券市场是否存在泡沫？世界知名首席投资官们这么说", "随着低增长、低利率成为常态。") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("截至2018年底，同盾科技累计客户数量为2421家", [("同盾科技", "org")]),
        ("先是两家数据公司——新颜科技和魔蝎科技相关负责人被带走调查", [("新颜科技", "org"), ("魔蝎科技", "org")]),
        ("狂奔的龙湖集团上半年销售额1056亿元", [("龙湖集团", "org")]),
        ("西雅图华盛顿大学的宿舍区中暴发疫情", [("华盛顿大学", "org")]),
        ("中国工商银行发布年报", [("中国工商银行", "org")]),
    ],
)
def test_names_before_an_organisation_suffix(text, expected):
    assert subjects(text) == expected


def test_a_common_noun_before_a_suffix_is_no_name():
    assert subjects("第三方金融科技、数据服务、风控服务机构将服务重心转向银行") == []
    assert subjects("大数据集团化发展") == []
    assert subjects("当地一家科技企业") == []


def test_a_central_bank_stands_for_its_place():
    assert subjects("欧洲央行（ECB）可以再降息20个基点，日本央行可以再降息15个基点") == [
        ("欧元区", "body"), ("日本", "body")]
    assert subjects("美联储应将政策利率下调至1%至1.25%") == [("美国", "body")]


def test_a_person_after_a_role_word():
    assert subjects("例如，犯罪嫌疑人王某焘设立“甜兔网”等24个网贷平台") == [("王某焘", "person")]
    assert ("张建国", "person") in subjects("公司董事长张建国表示，营收增长20%")
    assert subjects("被告人李某非法获利300万元") == [("李某", "person")]


def test_company_refers_back_to_the_reports_company_but_not_inside_longer_nouns():
    c = Company("高测股份", ("高测股份",))
    assert subjects("公司22年1季度产能712万公里", c) == [("高测股份", "self_company")]
    assert subjects("旗下子公司营收增长", c) == []
    assert subjects("两家数据公司被调查", c) == []
    assert subjects("上市公司数量达5000家", c) == []


def test_legal_names_in_a_sentence_keep_a_bracketed_seat():
    found = find_subjects("起诉东北电气发展股份有限公司和新东北电气（沈阳）高压开关有限责任公司")
    assert [p.name for p in found] == ["东北电气发展", "新东北电气高压开关"]
    assert found[0].surface == "东北电气发展股份有限公司"


def test_an_unnamed_organisation_is_the_one_the_following_text_names():
    following = "当地时间7月3日，据当地媒体报道，西雅图华盛顿大学的宿舍区中暴发新冠肺炎疫情。"
    assert ("华盛顿大学", "org") in subjects("【美国西雅图一大学宿舍区超100名学生感染新冠肺炎】", following=following)
    assert subjects("一家银行表示") == []  # nothing follows that names it


def test_an_announcement_title_or_a_cover_line_opening_with_the_legal_name():
    c = company("菲达环保：关于公司2015年年度报告中有关财务事项的说明", "")
    assert c is not None and c.name == "菲达环保"
    c = company(None, "关于浙江菲达环保科技股份有限公司2015年年度报告中有关财务事项的说明\n正文")
    assert c is not None and c.aliases[0] == "浙江菲达环保科技股份有限公司"


def test_a_news_title_naming_one_company_and_no_place():
    c = company('多地项目连环爆雷狂奔的龙湖集团"暗伤"曝露？', "龙湖上半年销售额增长。龙湖集团表示")
    assert c is not None and c.name == "龙湖集团" and "龙湖" in c.aliases
    assert company("亚马逊海外购“限时快闪店”登陆拼多多", "") is None  # two companies
    assert company("杭州阿里巴巴数字经济报告", "") is None  # a place of China: its report


def test_words_that_only_look_like_organisations():
    assert subjects("支持北京证券交易所扩容提质") == []  # 证券 starts a longer name
    assert subjects("一般是通过爬取淘宝、社交网络、网上银行等获取数据") == []  # a service, not a bank
    # a legal name is not led by a preposition
    assert [p.surface for p in find_subjects("根据博文房地产评估造价集团有限公司出具的报告")] == ["博文房地产评估造价集团有限公司"]
    # outside a company's own report a bare 公司 is any company
    assert subjects("将属于上市公司的附属分公司以及ST公司予以剔除") == []


def test_a_company_written_with_its_stock_code_is_an_organisation():
    got = [(p.surface, p.level) for p in find_subjects("公告称宁德时代（300750）一季度营收增长，同时金风科技(002202.SZ)表示")]
    assert got == [("宁德时代", "org"), ("金风科技", "org")]  # 公告称 and 同时 are no part of the names
    assert find_subjects("最高人民法院作出（2017）最高法执复27号裁定") == []  # a year in brackets is no code


def test_a_news_figure_of_a_company_named_with_its_code_is_the_companys():
    from test_facts import facts_of

    fs = facts_of("据悉，宁德时代（300750.SZ）一季度营业收入890亿元，同比增长120%。",
                  title="动力电池企业一季报出炉", published="2023-04-28")
    assert {f.region for f in fs} == {"宁德时代"}
