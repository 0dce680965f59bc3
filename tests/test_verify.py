"""Article verification: every figure supported, contradicted or unsupported.

The shared examples (../shared/verify-examples) run against the seed corpus;
hand-made sources test rounding, units, regions, periods and the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_db import corpus_db
from fixtures_shared import shared_files
from test_crosscheck import fact, save, sentences, share_doc, trade_doc

from extractor.checks.verify import segments, verify_bytes, verify_text
from extractor.cli import cli
from extractor.facts.numbers import find_numbers
from extractor.store.database import Store

EVIDENCE_KEYS = {"fact_id", "document", "page", "sentence", "value_norm", "score", "parts"}
FIGURE_KEYS = {"quote", "value_norm", "unit_norm", "status", "reason", "evidence", "candidates", "metric", "region",
               "period", "start", "end", "page"}


@pytest.fixture(scope="module")
def corpus(request, tmp_path_factory) -> Path:
    return corpus_db(request.config.cache.mkdir("policy-facts-corpus"), tmp_path_factory.mktemp("corpus") / "facts.db")


def run(*args, input=None):
    return CliRunner().invoke(cli, ["verify", *map(str, args)], input=input)


@pytest.mark.parametrize("expected", shared_files("verify-examples", "*.expected.json"),
                         ids=lambda p: p.name.split(".")[0] if p else "none")
def test_shared_examples(corpus, shared_dir, expected):
    want = json.loads(expected.read_text(encoding="utf-8"))
    result = run(expected.parent / want["article"], "--db", corpus, "--json")
    got = json.loads(result.output)
    assert [(n["quote"], n["status"]) for n in got["numbers"]] == [(n["quote"], n["status"]) for n in want["numbers"]]
    for g, w in zip(got["numbers"], want["numbers"], strict=True):
        assert FIGURE_KEYS <= set(g) and g["reason"]["zh"] and g["reason"]["en"]
        if w["status"] == "unsupported":
            assert g["evidence"] == []
            continue
        assert g["evidence"] and all(EVIDENCE_KEYS <= set(e) for e in g["evidence"])
        [source] = find_numbers(w.get("source_value") or w["quote"])
        assert g["evidence"][0]["value_norm"] == pytest.approx(source.value_norm), w
    assert result.exit_code == (1 if any(n["status"] == "contradicted" for n in want["numbers"]) else 0)


# -- hand-made sources -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sources") / "facts.db"
    with Store(db) as store:
        # 浙江, 2022-H1: 进出口 2.26万亿元 (+17.3%), 出口 1.66万亿元 (+20.3%), 进口 5947.4亿元 (+9.8%)
        trade_doc(store, "zj-trade.txt")
        # 2022-H1: 杭州's 数字服务贸易 578.06亿元, 89.05% of 浙江's 649.14亿元
        share_doc(store, "zj-digital.txt", "89.05")
        s = sentences(["到2026年，杭州市跨境交流专用通道900个以上。"])[0]
        save(store, "hz-plan.txt", [s], [fact(s, "900个", 900, "个", 900, "个", "count", "跨境交流专用通道",
                                              region="杭州市", period="2026", modality="target", qualifier="gte")])
        # dated sources: their 今年上半年 is surely 2022-H1
        store.db.execute("update documents set published = '2022-07-25' where path like 'zj-%'")
    return db


TRADE = "今年上半年，浙江省进出口2.3万亿元，同比增长17.3%，其中，出口16600亿元，增长21.3%，进口5947.4亿元。全省跨境电商企业超过3万家。"


def statuses(report) -> list[tuple[str, str]]:
    return [(n.fig.quote, n.status) for n in report.numbers]


def verify(db: Path, text: str, date: str | None = "2022-07-25"):
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return verify_text(conn, text, date=date)
    finally:
        conn.close()


def test_rounding_units_and_contradiction(sources):
    report = verify(sources, TRADE)
    assert statuses(report) == [
        ("2.3万亿元", "supported"),  # 2.26 rounds to 2.3
        ("17.3%", "supported"),
        ("16600亿元", "supported"),  # 1.66万亿元 in another unit
        ("21.3%", "contradicted"),
        ("5947.4亿元", "supported"),
        ("3万家", "unsupported"),
    ]
    contradicted = report.numbers[3]
    assert contradicted.evidence[0]["value_norm"] == pytest.approx(20.3)
    assert contradicted.evidence[0]["document"] == "zj-trade.txt" and "增长20.3%" in contradicted.evidence[0]["sentence"]


def test_a_source_more_precise_than_the_claim_supports_it_not_the_reverse(sources):
    assert statuses(verify(sources, "今年上半年，浙江省进出口2.2万亿元。")) == [("2.2万亿元", "contradicted")]
    assert statuses(verify(sources, "今年上半年，浙江省进出口约2.26万亿元。")) == [("2.26万亿元", "supported")]


def test_regions_and_periods(sources):
    hz = "今年上半年，杭州数字服务贸易进出口578.06亿元，占全省比重89.05%。"
    assert [s for _, s in statuses(verify(sources, hz))] == ["supported", "supported"]  # 杭州 = 杭州市
    nb = "今年上半年，宁波数字服务贸易进出口578.06亿元。"
    assert [s for _, s in statuses(verify(sources, nb))] == ["unsupported"]  # another city
    assert [s for _, s in statuses(verify(sources, hz, date="2023-07-25"))] == ["unsupported", "unsupported"]


def test_bounds(sources):
    text = "根据计划，到2026年杭州市跨境交流专用通道将达到{}个以上。"
    assert statuses(verify(sources, text.format(900), date="2024-05-01")) == [("900个", "supported")]
    assert statuses(verify(sources, text.format(800), date="2024-05-01")) == [("800个", "contradicted")]


def test_segments_mark_every_figure(sources):
    import sqlite3

    conn = sqlite3.connect(sources)
    report = verify_bytes(conn, TRADE.encode("utf-8"), "a.txt", date="2022-07-25", plain=True)
    pages = segments(report)
    marked = [run for page in pages for run in page if run["n"]]
    assert [r["text"] for r in marked] == [n.fig.quote for n in report.numbers]
    assert "".join(run["text"] for run in pages[0]) == report.document.pages[0].text


def test_command_line(sources, tmp_path):
    article = tmp_path / "a.md"
    article.write_text(f"---\ntitle: 浙江外贸\ndate: 2022-07-25\n---\n\n{TRADE}\n", encoding="utf-8")
    result = run(article, "--db", sources)
    assert result.exit_code == 1  # a figure is contradicted
    assert "contradicted  21.3%  source says 20.3% ← zj-trade.txt" in result.output
    assert "6 figures: 4 supported, 1 contradicted, 1 unsupported" in result.output
    # stdin, with the date given
    result = run("-", "--db", sources, "--json", "--date", "2022-07-25", input="今年上半年，浙江省进出口2.26万亿元。")
    assert result.exit_code == 0
    assert json.loads(result.output)["numbers"][0]["status"] == "supported"
    # without a date, 今年 can't be placed: no source may be claimed for another year
    result = run("-", "--db", sources, "--json", input="今年上半年，浙江省出口增长25.3%。")
    assert result.exit_code == 0 and json.loads(result.output)["numbers"][0]["status"] == "unsupported"
    assert run(tmp_path / "missing.md", "--db", sources).exit_code == 2


def test_a_folder_of_articles_makes_one_report(sources, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(f"---\ntitle: 浙江外贸\ndate: 2022-07-25\n---\n\n{TRADE}\n", encoding="utf-8")
    (folder / "b.txt").write_text("今年上半年，杭州数字服务贸易进出口578.06亿元。", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")  # not an article
    report = tmp_path / "report.jsonl"
    result = run(folder, "--db", sources, "--date", "2022-07-25", "--report", report)
    assert result.exit_code == 1, result.output  # a.md has a contradicted figure
    lines = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()]
    assert [x["article"]["path"] for x in lines] == ["a.md", "b.txt"]
    assert lines[1]["totals"] == {"figures": 1, "supported": 1, "contradicted": 0, "unsupported": 0}
    table = result.output.splitlines()
    assert table[0].split() == ["article", "figures", "supported", "contradicted", "unsupported"]
    assert table[1].split() == ["a.md", "6", "4", "1", "1"] and table[3].split() == ["total", "7", "5", "1", "1"]
    # JSON lines on stdout; CSV with a row per figure
    assert len(run(folder, "--db", sources, "--json").output.splitlines()) == 2
    rows = run(folder, "--db", sources, "--csv", "--date", "2022-07-25").output.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("article,n,quote,status,reason_zh") and len(rows) == 1 + 7


def test_relative_quarters_resolve_against_the_article_date():
    from extractor.checks.article import ended_period

    clause = "第四季度营收1800.41亿元"
    assert ended_period("2024-Q4", clause, "actual", "2024-03-27") == "2023-Q4"  # not ended yet: last year's
    assert ended_period("2024-Q4", "今年第四季度营收", "actual", "2024-03-27") == "2024-Q4"  # said so
    assert ended_period("2024-Q1", "公司今年一季度营收", "actual", "2024-03-27") == "2024-Q1"
    assert ended_period("2024-Q4", clause, "target", "2024-03-27") == "2024-Q4"  # a plan may look ahead
    assert ended_period("2023-Q4", clause, "actual", "2024-03-27") == "2023-Q4"
    assert ended_period("2020-H1", "上半年出口", "actual", "2020-08-20") == "2020-H1"


# -- sources ingested from text of our own: the news desk's moves one by one ----------------

SHAOXING = """---
title: 绍兴市2023年国民经济和社会发展统计公报
date: 2024-02-20
---

2023年，绍兴市地区生产总值43760.7亿元，同比增长5.2%。全市外贸进出口2315.6亿元，同比增长3.1%，其中出口1607.2亿元。跨境电子商务交易额749.3亿元，占外贸进出口的32.36%。全市新增5G基站1.2万个，全年接待游客8640万人次。
"""

XINGHE = """---
title: 星河电子股份有限公司2023年年度报告摘要
date: 2024-03-26
---

星河电子股份有限公司2023年实现营业收入128.46亿元，同比增长12.3%；归属于上市公司股东的净利润9.87亿元，同比下降4.6%。2023年第四季度，公司营业收入36.52亿元。
"""


@pytest.fixture(scope="module")
def own_sources(tmp_path_factory) -> Path:
    from extractor.ingest.pipeline import ingest

    folder = tmp_path_factory.mktemp("own")
    (folder / "shaoxing.md").write_text(SHAOXING, encoding="utf-8")
    (folder / "xinghe.md").write_text(XINGHE, encoding="utf-8")
    db = folder / "facts.db"
    summary = ingest([folder], db, workers=0)
    assert not summary.failed
    return db


@pytest.mark.parametrize(("text", "date", "want"), [
    # another name for the metric, another unit, the article's own rounding
    ("去年绍兴经济总量达4.38万亿元，增长约5%。", "2024-03-01", ["supported", "supported"]),
    ("去年绍兴GDP为43760.7亿元。", "2024-03-01", ["supported"]),
    # 外贸 = 进出口; 近 and 超 are the article's words for a rounder figure
    ("去年绍兴外贸规模近2316亿元，跨境电商交易额超过740亿元。", "2024-03-01", ["supported", "supported"]),
    # 三成 is a share word: 32.36% is about three tenths
    ("绍兴跨境电商约占外贸的三成。", "2024-03-01", ["supported"]),
    # a slip of digits is a contradiction; a made-up figure is unsupported
    ("去年绍兴外贸进出口2351.6亿元，全年接待游客8460万人次，常住人口1200万人。", "2024-03-01",
     ["contradicted", "contradicted", "unsupported"]),
    # the same figure a year later is no source for this year's
    ("今年绍兴地区生产总值43760.7亿元。", "2025-03-01", ["unsupported"]),
])
def test_own_sources_city(own_sources, text, date, want):
    assert [s for _, s in statuses(verify(own_sources, text, date=date))] == want


def test_own_sources_company(own_sources):
    article = "星河电子（600000）去年营收128.46亿元，归母净利润约9.9亿元；第四季度营收36.52亿元，第四季度净利润3.2亿元。"
    report = verify(own_sources, article, date="2024-03-28")
    assert statuses(report) == [("128.46亿元", "supported"), ("9.9亿元", "supported"), ("36.52亿元", "supported"),
                                ("3.2亿元", "unsupported")]
    q4 = report.numbers[2]
    assert q4.figure.period == "2023-Q4"  # 第四季度 in a March article: the last one that ended
    assert q4.evidence[0]["document"] == "xinghe.md"
    reason = report.numbers[3].reason
    assert reason["zh"].startswith("没有来源给出") and reason["en"].startswith("no source states")


@pytest.mark.parametrize(("text", "want"), [
    ("星河电子去年归母净利润同比降幅超过4%。", "supported"),  # a fall of more than 4%: below -4
    ("星河电子去年归母净利润同比下降约5%。", "supported"),
    ("星河电子去年归母净利润同比降幅为6.4%。", "contradicted"),
    ("星河电子去年归母净利润同比增长4.6%。", "contradicted"),  # the sign is the fact
])
def test_falls_and_their_bounds(own_sources, text, want):
    assert [s for _, s in statuses(verify(own_sources, text, date="2024-03-28"))] == [want]
