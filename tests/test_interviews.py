"""Interviews: speaker headings, questions and answers — one claim per answer, the speaker from
the heading or the label (our own interviews, and the real Sina Q&A page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.claims import interviews
from extractor.claims.statements import extract_claims
from extractor.facts.segment import sentences as split
from extractor.facts.sentence import extract_facts
from extractor.models import Page, ParsedDocument


@pytest.mark.parametrize(
    "text, name, organisation, title",
    [
        ("AMUNDI副首席投资官：Vincent Mortier", "Vincent Mortier", "AMUNDI", "副首席投资官"),
        ("贝莱德固定收益业务全球首席投资官：Rick Rieder", "Rick Rieder", "贝莱德", "固定收益业务全球首席投资官"),
        ("英国M&G固定收益副主管：Stefan Isaacs", "Stefan Isaacs", "M&G", "固定收益副主管"),
        ("摩根大通首席投资官兼全球固定收益主管：Bob Michele", "Bob Michele", "摩根大通", "首席投资官兼全球固定收益主管"),
        ("华夏基金首席经济学家：王明", "王明", "华夏基金", "首席经济学家"),
    ],
)
def test_speaker_heading(text, name, organisation, title):
    sp = interviews.heading(text)
    assert sp is not None and (sp.name, sp.organisation, sp.title) == (name, organisation, title)


@pytest.mark.parametrize("text", ["来源：人民日报", "责任编辑：徐梅", "划重点：", "作者：张三", "注：以上为初步数据",
                                  "内容摘要：进入新时代", "时间：2024年3月1日"])
def test_not_a_speaker_heading(text):
    assert interviews.heading(text) is None


def answers_of(*paragraphs: str):
    doc = ParsedDocument(path="x.txt", doc_type="text", published="2024-03-01",
                         pages=[Page(number=None, text="\n".join(paragraphs))])
    sents = split(doc.pages)
    facts = extract_facts(doc, sents)
    claims = [c for c in extract_claims(doc, sents, facts) if c.claim_type == "attribution"]
    return claims, facts


def test_answers_under_speaker_headings():
    claims, facts = answers_of(
        "几位首席投资官谈债市。",
        "华夏基金首席经济学家：王明",
        "债券市场存在泡沫吗？", "不存在。", "需求仍然旺盛，收益率还会下行。",
        "10年期国债收益率会到多少？", "大概率在2.5%至2.8%之间。",
        "某资管首席投资官：Anna Smith",
        "债券市场存在泡沫吗？", "估值偏高，但谈不上泡沫。",
    )
    assert [(c.speaker, c.organisation, c.verb, c.text) for c in claims] == [
        ("王明", "华夏基金", "答", "不存在。需求仍然旺盛，收益率还会下行。"),
        ("王明", "华夏基金", "答", "大概率在2.5%至2.8%之间。"),
        ("Anna Smith", None, "答", "估值偏高，但谈不上泡沫。"),
    ]
    # a range is two facts, its low and its high bound: both belong to the answer
    assert {facts[n].quote for n in claims[1].fact_indexes} == {"2.5%", "2.8%"}
    assert all(c.speaker_kind == "person" for c in claims)


def test_labelled_questions_and_answers():
    claims, _ = answers_of(
        "商务部国际贸易谈判副代表王受文日前接受了本报专访。",
        "问：今年外贸形势如何？", "答：前三季度出口增长5%，全年有望保持稳定。",
        "问：下一步有何打算？", "答：我们将继续稳外贸。", "同时，要扩大进口。",
    )
    assert [(c.speaker, c.organisation, c.text) for c in claims] == [
        ("王受文", "商务部", "前三季度出口增长5%，全年有望保持稳定。"),
        ("王受文", "商务部", "我们将继续稳外贸。同时，要扩大进口。"),
    ]


def test_a_person_named_before_labels_an_answer():
    claims, _ = answers_of("浙江大学教授张三和李四参加了对谈。", "张三：数字贸易会保持两位数增长。")
    assert [(c.speaker, c.text) for c in claims] == [("张三", "数字贸易会保持两位数增长。")]


def test_questions_in_an_ordinary_article_make_no_answers():
    claims, _ = answers_of("经济还会继续增长吗？", "多数机构给出了肯定的回答。", "今年的增速会是多少？", "预计在5%左右。")
    assert claims == []


def test_real_interview_page(shared_dir: Path):
    from extractor.ingest.pipeline import extract_file, sha256_file

    path = shared_dir / "realdocs" / "html" / "sina_finance_bond_bubble.html"
    r = extract_file(path, path.name, sha256_file(path), path.stat().st_size)
    said = [c for c in r.claims if c.claim_type == "attribution"]
    per = {}
    for c in said:
        per[c.speaker] = per.get(c.speaker, 0) + 1
    assert per == {"Vincent Mortier": 6, "Rick Rieder": 6, "Bob Michele": 6, "Sonja Laud": 6, "Stefan Isaacs": 6,
                   "Dan Ivascyn": 6, "Rick Lacaille": 5, "John Hollyer": 6}
    orgs = {c.speaker: c.organisation for c in said}
    assert orgs["Rick Lacaille"] == "道富环球" and orgs["Stefan Isaacs"] == "M&G" and orgs["John Hollyer"] == "先锋领航"
    assert not any(c.text.rstrip().endswith("？") for c in said)  # the questions are the interviewer's
    michele = [c for c in r.claims if c.speaker == "Bob Michele"]
    linked = {r.facts[n].quote for c in michele for n in c.fact_indexes}
    assert {"20个基点", "15个基点", "1%", "1.25%"} <= linked  # 1%至1.25%: a range's two bounds
