"""The parts of matching an article's figure to a source, each on its own.

Synonyms and metrics by meaning (checks.synonyms, checks.metrics), what an
article's figure is about (checks.article), and how a source is scored against
it (checks.match), with sentences from the shared documents and of our own.
"""

from __future__ import annotations

import pytest

from extractor.checks.article import (
    companies,
    compares_only,
    coordinated,
    leading_name,
    local_names,
    period_is_sure,
    stated_period,
)
from extractor.checks.figures import Fig, precision
from extractor.checks.match import near_miss, significant, specificity
from extractor.checks.metrics import coverage, similarity, terms
from extractor.facts import synonyms
from extractor.patterns import load

# -- synonyms -----------------------------------------------------------------------------


def test_synonym_groups_are_well_formed():
    data = load("synonyms.yml")
    keys = [g["key"] for g in data["groups"]]
    assert len(keys) == len(set(keys)) and all(k.isascii() and k == k.lower() for k in keys)
    assert synonyms.table().by_phrase  # loading raises if a phrase is in two groups
    by_key = {g.key: g for g in synonyms.table().groups}
    assert all(g.broader in by_key for g in by_key.values() if g.broader)


@pytest.mark.parametrize(("phrase", "key"), [
    ("北京经济总量", "gdp"), ("全市地区生产总值", "gdp"), ("GDP", "gdp"), ("ｇｄｐ", "gdp"),
    ("外贸出口", "exports"), ("外贸", "trade"), ("跨境电子商务", "cross_border_ecommerce"),
    ("公司实现营收", "revenue"), ("归属于上市公司股东的净利润", "net_profit_attributable"),
    ("市盈率PE", "pe_ratio"), ("PEople", None), ("数字贸易示范园区", None),
])
def test_metric_key(phrase, key):
    assert synonyms.metric_key(phrase) == key


def test_variants_for_search_expansion():
    assert synonyms.variants("经济总量")[:2] == ["地区生产总值", "GDP"]
    assert "跨境电子商务" in synonyms.variants("跨境电商")
    assert synonyms.variants("数字贸易示范园区") == ["数字贸易示范园区"]


# -- metrics by meaning -----------------------------------------------------------------------


def test_terms_are_canonical_words():
    assert terms("公司实现营业收入同比增长") == ("营业收入",)
    assert terms("北京经济总量") == ("地区生产总值",)
    assert terms("归属于上市公司股东的净利润本报告期比增减") == ("归母净利润",)
    assert terms("亏损额同比收窄") == ("净利润",)  # a loss is a negative profit
    assert terms("2023年上半年") == ()


@pytest.mark.parametrize(("a", "b", "low", "high"), [
    ("经济总量", "地区生产总值增长", 1.0, 1.0),  # synonyms
    ("外贸进出口", "进出口总额", 1.0, 1.0),
    ("营收", "营业总收入", 1.0, 1.0),
    ("净利润", "归属于上市公司股东的净利润", 0.5, 0.6),  # the broader name, related
    ("出口", "进出口", 0.0, 0.0),  # exports are not trade
    ("出口", "跨境电商出口", 0.3, 0.6),  # a qualified subset
    ("服务贸易进出口", "数字服务贸易进出口", 0.5, 0.8),
    ("营业支出", "营业收入", 0.0, 0.1),
    ("拆除违法建设", "规范拆除各类护栏", 0.0, 0.5),
])
def test_similarity_by_meaning(a, b, low, high):
    assert low <= similarity(a, b) <= high


def test_coverage_of_the_article_words():
    assert coverage(terms("贸易逆差"), terms("由此产生的贸易逆差创下历史新高")) == 1.0
    assert coverage(terms("跨境电商出口"), terms("出口")) == pytest.approx(0.25, abs=0.1)


# -- what an article's figure is about ----------------------------------------------------------


def test_companies_in_text():
    assert companies("东北电气发展股份有限公司（000585）日前披露一季度报告")[:3] == (
        "东北电气发展股份有限公司", "东北电气发展", "东北电气")
    assert "高测股份" in companies("高测股份（688556.SH）日前公告")
    assert "龙湖集团" in companies("龙湖集团近日公布中期业绩")
    assert companies("归属于上市公司股东的净利润") == ()  # 上市公司 is no company's name


def test_the_name_a_sentence_opens_with():
    assert leading_name("星河电子去年归母净利润同比增长4.6%。") == "星河电子"
    assert leading_name("龙湖上半年实现合约销售额1056.2亿元") == "龙湖"
    assert leading_name("比亚迪3月26日晚间披露年报") == "比亚迪"
    assert leading_name("今年上半年浙江省进出口2.26万亿元") is None  # a time, not a name
    assert leading_name("据统计，全市进出口") is None


def test_a_clause_that_only_compares_takes_the_metric_before_it():
    assert compares_only("较上年度末的") and compares_only("上年同期为") and compares_only("低于第三季度的")
    assert not compares_only("其中出口") and not compares_only("比亚迪营收")
    sentence = "截至一季度末，公司总资产2.99亿元，较上年度末的3.06亿元减少2.49%。"
    names = [n for n, _ in local_names(sentence, sentence.index("3.06"), None)]
    assert any("总资产" in n for n in names)
    assert coordinated("资产报酬率和投入资本回报率也均较去年同期下滑") == ["资产报酬率", "投入资本回报率也均较去年同期下滑"]


@pytest.mark.parametrize(("sentence", "quote", "said"), [
    ("2023年，全市地区生产总值增长5.2%。", "5.2%", "explicit"),
    ("今年上半年，浙江省进出口2.26万亿元。", "2.26万亿元", "relative"),
    ("截至2022年底，我国数字服务平台企业已超200家。", "200家", "explicit"),
    ("公司于2021年进行技改，技改完成后，公司产能712万公里。", "712万公里", None),  # not its period
    ("公司于2021年进行技改，技改完成后，公司22年1季度产能712万公里。", "712万公里", "explicit"),  # 22年: 2022
    ("杭州数字服务贸易进出口578.06亿元。", "578.06亿元", None),  # carried from before
])
def test_where_a_period_is_written(sentence, quote, said):
    assert stated_period(sentence, sentence.index(quote), 2022) == said


def test_a_carried_period_is_trusted_only_from_a_figures_period():
    def sure(sentence, quote, earlier=(), period="2022-H1", dated="2022-07-25"):
        return period_is_sure(sentence, sentence.index(quote), 2022, dated=dated, earlier=earlier, period=period)

    assert sure("杭州数字服务贸易进出口578.06亿元。", "578.06", earlier=("今年上半年，浙江数字服务贸易进出口649.14亿元。",))
    assert not sure("杭州进出口578.06亿元。", "578.06", earlier=("今年上半年…",), dated=False)  # an undated text
    # carried from the base of a comparison (由去年同期的…) or an event's date
    assert not sure("生产性服务业完成投资39.66亿元。", "39.66", period="2015",
                    earlier=("三次产业投资占比由去年同期的1.1:50.3:48.6调整为0.7:50.7:48.6，三产占比与去年持平；",))
    assert not sure("根据公司2017年7月7日发出的公告，原告请求偿付欠款2,853万元。", "2,853", period="2017-07")
    assert not sure("全年实现合同销售881.4亿元。", "881.4", period="2019", earlier=("那一年，龙湖立下了多个里程碑。",))


# -- scoring parts -----------------------------------------------------------------------------------


def fig(quote: str, value: float, factor: float = 1e8, qualifier: str = "eq") -> Fig:
    h, vague, f = precision(quote, value, value * factor)
    return Fig(id=-1, doc_id=None, quote=quote, value=value, unit="亿元", v=value * factor, unit_norm="CNY",
               kind="amount", qualifier=qualifier, h=h, vague=vague, factor=f)


@pytest.mark.parametrize(("article", "source", "slip"), [
    ("2135万平方米", 2315e4, 2),  # transposed
    ("1309.51亿元", 1399.51e8, 2),  # one digit off
    ("2.37亿元", 272727700, 2),  # compared as the article prints it: 2.73
    ("250公里", 150, 2),
    ("46.1%", 41.6, 2),
    ("4.8%", 8.4, 2),  # two digits, transposed
    ("35.9亿元", 85.9e8, 2),
    ("7.7亿元", 7.17e8, 1),  # 7.17 printed as the article does: 7.2; two digits, one off: maybe
    ("2300亿元", 2200e8, 2),  # digits as printed
    ("1万亿元", 3e12, 0),  # one-digit numbers differ by chance
    ("2300亿元", 1800e8, 0),
    ("4.38万亿元", 4.2e12, 0),
])
def test_near_miss_digits(article, source, slip):
    value = float(article.rstrip("万亿元平方米公里%"))
    factor = {"万平方米": 1e4, "亿元": 1e8, "万亿元": 1e12}.get(next((u for u in ("万亿元", "万平方米", "亿元")
                                                                 if article.endswith(u)), ""), 1)
    a = fig(article, value, factor)
    c = fig("x", source / factor, factor)
    assert near_miss(a, c) == slip


def test_specificity_follows_the_printed_digits():
    assert significant("6023.15亿元") == 6 and significant("2300亿元") == 2 and significant("-0.0035元") == 2
    assert specificity(fig("5%", 5, 1)) == 0 and specificity(fig("6023.15亿元", 6023.15)) == 1
    assert specificity(fig("两成", 2, 10)) == 0
