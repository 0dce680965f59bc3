"""Names and credits: valid names, short forms, pseudonyms, transliterated and Latin names,
credit lines and the addressees that are none, the spaCy pipeline."""

from __future__ import annotations

import pytest

from extractor.claims import names


@pytest.mark.parametrize(
    "name, ok",
    [("郭婷婷", True), ("闻佳", True), ("欧阳明高", True), ("马蒂亚斯·科尔曼", True),
     ("记者", False), ("还表示", False), ("高度", False), ("张", False), ("张三李四王", False),
     ("马蒂亚斯·科尔曼观察到", False)],
)
def test_valid_name(name, ok):
    assert names.valid_name(name) is ok


@pytest.mark.parametrize(
    "text, spans",
    [
        ("本报记者 冯其予", ["本报记者 冯其予"]),
        ("新华社记者 徐昱 摄", ["新华社记者 徐昱 摄"]),
        ("责任编辑：李昂", ["责任编辑：李昂"]),
        ("（数贸会组委会供图）", ["（数贸会组委会供图）"]),
    ],
)
def test_credit_lines(text, spans):
    assert names.is_byline(text)
    found = [text[a:b] for a, b in names.byline_spans(text)]
    assert all(s in found for s in spans)


@pytest.mark.parametrize(
    "text",
    ["商务部副部长郭婷婷介绍，2022年我国可数字化交付的服务进出口额达3727.1亿美元。",
     "她告诉记者，国际数字商业已成为公司增速最快的业务板块。",
     "据商务部统计，2022年中国文化产品和文化服务进出口总额达2217亿美元。"],
)
def test_statements_are_not_credit_lines(text):
    assert not names.is_byline(text)


def test_spacy_pipeline_is_blank_chinese_with_jieba_and_an_entity_ruler():
    nlp = names.nlp()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["entity_ruler"]
    assert nlp.tokenizer.segmenter == "jieba"
    words = [t.text for t in nlp.make_doc("跨境电商进出口额达2.11万亿元")]
    assert "跨境电商" in words  # the domain dictionary (patterns/userdict.txt) is in use
    ruler = nlp.get_pipe("entity_ruler")
    labels = {p["label"] for p in ruler.patterns}
    assert labels == {"PERSON", "ORG", "PLACE"}


def test_tagger_finds_names_the_rules_cannot_end():
    assert [(s.label, s.text) for s in names.tag("张三说") if s.label == "PERSON"] == [("PERSON", "张三")]
    # a name followed by no word the rules know: the tagger says where it ends
    assert names.name_at("总裁闻佳深有感触", 2) == "闻佳"




@pytest.mark.parametrize(
    "name, title, short",
    [("简·卡斯特", "市长", ["卡斯特"]), ("杰罗姆·鲍威尔", None, ["鲍威尔"]), ("尹蔚民", "部长", ["尹部长"]),
     ("黄河", "党委书记", ["黄书记"]), ("欧阳明高", "院士", ["欧阳院士"]), ("张三", None, [])],
)
def test_short_forms(name, title, short):
    assert names.aliases(name, title) == short


@pytest.mark.parametrize(
    "text, expected",
    [("在一家助贷平台做中层的孙丹（化名）最近准备跳槽了", [("孙丹", 11)]),
     ("一家数据公司的副总裁，李亮(化名)则更能感受到影响", [("李亮", 11)]),
     ("做财务的小林（化名）说", [("小林", 4)]),
     ("这家公司（化名）", [])],
)
def test_pseudonyms(text, expected):
    assert names.pseudonyms(text) == expected


@pytest.mark.parametrize(
    "text, name",
    [("菲利普8日在接受采访时表示", "菲利普"), ("马克龙此前提出", "马克龙"), ("默克尔表示", "默克尔"),
     ("特朗普将前往", "特朗普"), ("高度重视", None), ("表示感谢", None)],
)
def test_transliterated_names_after_a_title(text, name):
    assert names.transliterated_at(text, 0) == name


@pytest.mark.parametrize(
    "text, ok", [("Vincent Mortier", True), ("Rick Rieder", True), ("Gene Munster", True), ("AMUNDI", False),
                 ("M&G", False), ("张三", False)],
)
def test_latin_names(text, ok):
    assert (names.latin_name(text) is not None) is ok


@pytest.mark.parametrize(
    "text, credit",
    [
        ("房屋查验咨询师王清华向《红周刊》记者表示，两口应保持距离。", False),  # told to a reporter: no credit
        ("一名委员会成员10日向新华社驻瑞典首都斯德哥尔摩的一名记者确认，两人获奖成果涉及医学。", False),
        ("记者从交通运输部获悉，投资增长。", False),
        ("据美联社记者报道，现场有数千人参加集会。", False),  # another medium's reporter as a source
        ("本报记者张三报道", True),  # the house's own reporter
        ("本报记者 冯其予", True),
        ("新京报讯（记者陆一夫）11月25日，记者登录页面发现。", True),
    ],
)
def test_a_reporter_told_is_no_credit(text, credit):
    spans = [text[a:b] for a, b in names.byline_spans(text)]
    assert bool(spans) is credit, spans
