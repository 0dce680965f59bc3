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


