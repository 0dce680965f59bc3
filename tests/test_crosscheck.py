"""Cross-checks: the arithmetic relations inside a document, and conflicts between documents.

Hand-made documents test each relation in isolation (pass, fail, and the cases
where no check may be made); the seed corpus, ingested once per code version
(see :func:`fixtures_db.corpus_db`), must give the passing checks the issue lists and no
failure but its one real inconsistency.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fixtures_db import ROOT, corpus_db

from extractor.checks import crosscheck as cc
from extractor.cli import cli
from extractor.models import Fact, Page, ParsedDocument, Sentence, Table, TableCell
from extractor.store.database import Store


@pytest.fixture(scope="module")
def seeds(request, tmp_path_factory) -> Path:
    """The corpus database with every check run."""
    db = corpus_db(request.config.cache.mkdir("policy-facts-corpus"), tmp_path_factory.mktemp("seeds") / "facts.db")
    result = CliRunner().invoke(cli, ["check", "--db", str(db), "--exit-zero", "--json"])
    assert result.exit_code == 0, result.output
    return db


# -- hand-made documents ------------------------------------------------------------------


def sentences(texts: list[str]) -> list[Sentence]:
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(index=i, page=1, paragraph=0, text=text, char_start=start, char_end=start + len(text)))
        start += len(text) + 1
    return out


def fact(s: Sentence, quote: str, value: float, unit: str, norm: float, unit_norm: str, kind: str,
         metric: str | None, region: str | None = "浙江省", period: str | None = "2022-H1", **kw) -> Fact:
    at = s.char_start + s.text.index(quote)
    return Fact(page=1, sentence_index=s.index, sentence=s.text, quote=quote, value=value, unit=unit,
                value_norm=norm, unit_norm=unit_norm, kind=kind, metric=metric, region=region, period=period,
                char_start=at, char_end=at + len(quote), **kw)


def yi(s, quote, v, metric, **kw):
    return fact(s, quote, v, "亿元", v * 1e8, "CNY", "amount", metric, **kw)


def pct(s, quote, v, kind, metric, **kw):
    return fact(s, quote, v, "%", v, "%", kind, metric, **kw)


def save(store: Store, path: str, sents: list[Sentence], facts: list[Fact], tables: list[Table] | None = None,
         **doc) -> int:
    text = "\n".join(s.text for s in sents)
    d = ParsedDocument(path=path, doc_type="text", pages=[Page(number=1, text=text)], tables=tables or [], **doc)
    return store.save_document(d, path=path, sha256=hashlib.sha256(path.encode()).hexdigest(), size_bytes=1,
                               sentences=sents, facts=facts)


def checks(store: Store, doc_id: int, typ: str | None = None) -> list[cc.Check]:
    return [c for c in cc.check_document(store.db.conn, doc_id) if typ is None or c.type == typ]


def quotes(store: Store, check: cc.Check) -> set[str]:
    marks = ",".join("?" * len(check.fact_ids))
    return {r[0] for r in store.db.execute(f"select quote from facts where id in ({marks})", check.fact_ids)}


def trade_doc(store, path, imports="5947.4亿元", imports_v=5947.4):
    s = sentences([f"今年上半年，浙江省进出口2.26万亿元，同比增长17.3%，其中，出口1.66万亿元，增长20.3%，进口{imports}，增长9.8%。"])[0]
    facts = [
        fact(s, "2.26万亿元", 2.26, "万亿元", 2.26e12, "CNY", "amount", "进出口"),
        pct(s, "17.3%", 17.3, "growth", "进出口同比增长"),
        fact(s, "1.66万亿元", 1.66, "万亿元", 1.66e12, "CNY", "amount", "出口"),
        pct(s, "20.3%", 20.3, "growth", "出口增长"),
        yi(s, imports, imports_v, "进口"),
        pct(s, "9.8%", 9.8, "growth", "进口增长"),
    ]
    return save(store, path, [s], facts)


# -- precision and matching -------------------------------------------------------------


def test_precision_follows_the_last_printed_digit():
    assert cc.precision("649.14亿元", 649.14, 6.4914e10)[0] == pytest.approx(0.005e8)
    assert cc.precision("1.66万亿元", 1.66, 1.66e12)[0] == pytest.approx(0.005e12)
    assert cc.precision("4300", 4300, 4.3e11)[0] == pytest.approx(0.5e8)
    h, vague, _ = cc.precision("两成", 2, 20)
    assert vague and h == pytest.approx(5)


def test_metric_similarity():
    assert cc.similarity("数字贸易额", "数字贸易进出口额") > 0.75  # the same thing, one more specific word
    assert cc.similarity("杭州数字服务贸易进出口", "数字服务贸易进出口额") == 1.0  # places and 额 are not the metric
    assert cc.similarity("出口增长", "进口增长") < 0.3
    assert cc.similarity("进出口", "出口") < 0.5  # total trade is not exports
    assert cc.similarity("出口", "跨境电商出口") < 0.6  # a qualified subset, not the same
    assert cc.similarity("数字平台贸易（跨境网络零售）进出口", "跨境网络零售进出口") > 0.75  # bracketed alias


def test_regions_normalise():
    assert cc.same_region("杭州", "杭州市") and not cc.same_region("杭州市", "宁波市")
    assert cc.parent_region("杭州市") == "浙江省"


# -- parts and totals ---------------------------------------------------------------------


def test_exports_plus_imports_make_total_trade(store):
    ok = trade_doc(store, "ok.txt")
    [c] = checks(store, ok, "sum")
    assert c.status == "pass" and quotes(store, c) == {"2.26万亿元", "1.66万亿元", "5947.4亿元"}
    assert c.expected == pytest.approx(2.25474) and c.found == 2.26 and c.unit == "万亿元"
    assert c.tolerance == pytest.approx(0.010005)  # half a unit of each printed figure
    assert "进出口" in c.explanation_zh or "出口" in c.explanation_zh
    bad = trade_doc(store, "bad.txt", "6947.4亿元", 6947.4)
    [c] = checks(store, bad, "sum")
    assert c.status == "fail" and c.expected == pytest.approx(2.35474)


def test_items_after_qizhong(store):
    def doc(path, a, b):
        s0, s1 = sentences(["2020上半年，浙江省国际数字贸易进出口为1234.1亿元。",
                            f"其中数字内容贸易进出口为{a}亿元，数字平台贸易进出口为{b}亿元。"])
        return save(store, path, [s0, s1], [yi(s0, "1234.1亿元", 1234.1, "国际数字贸易进出口"),
                                             yi(s1, f"{a}亿元", float(a), "数字内容贸易进出口"),
                                             yi(s1, f"{b}亿元", float(b), "数字平台贸易进出口")])

    [c] = checks(store, doc("exact.txt", "649.1", "585.0"), "sum")
    assert c.status == "pass" and c.expected == pytest.approx(1234.1)
    [c] = checks(store, doc("over.txt", "749.1", "585.0"), "sum")
    assert c.status == "fail"  # the parts exceed the total
    assert checks(store, doc("short.txt", "549.1", "585.0"), "sum") == []  # maybe not every item is listed


# -- shares --------------------------------------------------------------------------------


def share_doc(store, path, share: str, whole: str = "全省"):
    s0, s1 = sentences(["上半年浙江数字服务贸易进出口649.14亿元，占全省服务贸易总额的比重达55.66%。",
                        f"杭州数字服务贸易进出口578.06亿元，占{whole}比重{share}%。"])
    facts = [yi(s0, "649.14亿元", 649.14, "数字服务贸易进出口"),
             pct(s0, "55.66%", 55.66, "share", "数字服务贸易进出口占服务贸易总额的比重"),
             yi(s1, "578.06亿元", 578.06, "数字服务贸易进出口", region="杭州市"),
             pct(s1, f"{share}%", float(share), "share", "数字服务贸易进出口占比重", region="杭州市")]
    return save(store, path, [s0, s1], facts)


def test_share_is_part_over_whole(store):
    [c] = checks(store, share_doc(store, "share.txt", "89.05"), "share")
    assert c.status == "pass" and quotes(store, c) == {"89.05%", "578.06亿元", "649.14亿元"}
    assert c.expected == pytest.approx(100 * 578.06 / 649.14)
    [c] = checks(store, share_doc(store, "share-bad.txt", "88.05"), "share")
    assert c.status == "fail"
    # 服务贸易总额 is not given: 数字服务贸易 is a part of it, not the whole
    assert all("55.66%" not in quotes(store, c) for c in checks(store, share_doc(store, "s3.txt", "89.05")))


def test_share_of_an_unnamed_total_uses_the_enclosing_figure(store):
    s0, s1 = sentences(["上半年，杭州数字服务贸易进出口578.06亿元。",
                        "杭州数字服务贸易主要集中在计算机服务，进出口483.53亿元，占总额比重达83.65%。"])
    facts = [yi(s0, "578.06亿元", 578.06, "数字服务贸易进出口", region="杭州市"),
             yi(s1, "483.53亿元", 483.53, "进出口", region="杭州市"),
             pct(s1, "83.65%", 83.65, "share", "进出口占总额比重", region="杭州市")]
    [c] = checks(store, save(store, "enclosing.txt", [s0, s1], facts), "share")
    assert c.status == "pass" and quotes(store, c) == {"578.06亿元", "483.53亿元", "83.65%"}


# -- percentage points and growth ----------------------------------------------------------


def pp_doc(store, path, points: str):
    s0, s1 = sentences(["今年上半年，浙江省出口1.66万亿元，增长20.3%。",
                        f"上半年浙江跨境电商出口同比增长23.8%，比总体的出口增速快出{points}个百分点。"])
    facts = [fact(s0, "1.66万亿元", 1.66, "万亿元", 1.66e12, "CNY", "amount", "出口"),
             pct(s0, "20.3%", 20.3, "growth", "出口增长"),
             pct(s1, "23.8%", 23.8, "growth", "跨境电商出口同比增长"),
             fact(s1, f"{points}个百分点", float(points), "个百分点", float(points), "pp", "pp_change",
                  "比总体的出口增速快出")]
    return save(store, path, [s0, s1], facts)


def test_points_are_the_difference_of_two_rates(store):
    [c] = checks(store, pp_doc(store, "pp.txt", "3.5"), "pp_change")
    assert c.status == "pass" and c.expected == pytest.approx(3.5) and quotes(store, c) == {"3.5个百分点", "23.8%", "20.3%"}
    [c] = checks(store, pp_doc(store, "pp-bad.txt", "4.5"), "pp_change")
    assert c.status == "fail"


def test_points_against_the_same_rate_elsewhere(store):
    s0, s1 = sentences(["2023年全国进口增长4.5%。", "2023年浙江进口增长3.0%，低于全国平均水平1.5个百分点。"])
    facts = [pct(s0, "4.5%", 4.5, "growth", "进口增长", region="中国", period="2023"),
             pct(s1, "3.0%", 3.0, "growth", "进口增长", period="2023"),
             fact(s1, "1.5个百分点", 1.5, "个百分点", 1.5, "pp", "pp_change", "低于平均水平", period="2023")]
    [c] = checks(store, save(store, "below.txt", [s0, s1], facts), "pp_change")
    assert c.status == "pass" and c.expected == pytest.approx(1.5) and "4.5% − 3.0%" in c.formula


def growth_doc(store, path, rate: str):
    s0, s1 = sentences([f"2023年杭州市出口1100亿元，同比增长{rate}%。", "2022年杭州市出口1000亿元。"])
    facts = [yi(s0, "1100亿元", 1100, "出口", region="杭州市", period="2023"),
             pct(s0, f"{rate}%", float(rate), "growth", "出口同比增长", region="杭州市", period="2023"),
             yi(s1, "1000亿元", 1000, "出口", region="杭州市", period="2022")]
    return save(store, path, [s0, s1], facts)


def test_growth_agrees_with_the_levels_of_two_periods(store):
    [c] = checks(store, growth_doc(store, "g.txt", "10.0"), "growth")
    assert c.status == "pass" and c.expected == pytest.approx(10.0)
    [c] = checks(store, growth_doc(store, "g-bad.txt", "12.0"), "growth")
    assert c.status == "fail"
    s0, s1 = sentences(["2020年至2023年，全市出口年均增长10.0%，2023年达到1331亿元。", "2020年全市出口1000亿元。"])
    facts = [pct(s0, "10.0%", 10.0, "growth", "出口年均增长", region="杭州市", period="2020/2023"),
             yi(s0, "1331亿元", 1331, "出口", region="杭州市", period="2023"),
             yi(s1, "1000亿元", 1000, "出口", region="杭州市", period="2020")]
    assert checks(store, save(store, "cagr.txt", [s0, s1], facts), "growth") == []  # the level comes after
    s0, s1 = sentences(["2023年全市出口1331亿元，2020年至2023年年均增长10.0%。", "2020年全市出口1000亿元。"])
    facts = [yi(s0, "1331亿元", 1331, "出口", region="杭州市", period="2023"),
             pct(s0, "10.0%", 10.0, "growth", "出口年均增长", region="杭州市", period="2020/2023"),
             yi(s1, "1000亿元", 1000, "出口", region="杭州市", period="2020")]
    [c] = checks(store, save(store, "cagr2.txt", [s0, s1], facts), "growth")
    assert c.status == "pass" and c.expected == pytest.approx(10.0)


# -- tables --------------------------------------------------------------------------------


def city_table(total: str = "649.14") -> tuple[Table, list[tuple[str, str, str]]]:
    rows = [("全省", total, "100"), ("杭州", "578.06", "89.05"), ("宁波", "32.78", "5.05"), ("嘉兴", "38.30", "5.90")]
    cells = [TableCell(row=0, col=0, text="各市"), TableCell(row=0, col=1, text="进出口额"),
             TableCell(row=0, col=2, text="占比%")]
    for r, row in enumerate(rows, 1):
        cells += [TableCell(row=r, col=c, text=t) for c, t in enumerate(row)]
    return Table(page=1, caption="2020年1-6月浙江省数字服务贸易市地情况", unit="亿元", header_rows=1,
                 n_rows=len(rows) + 1, n_cols=3, cells=cells), rows


def table_doc(store, path, total="649.14"):
    table, rows = city_table(total)
    s = sentences(["上半年各市数字服务贸易情况见表。"])
    region = {"全省": "浙江省", "杭州": "杭州市", "宁波": "宁波市", "嘉兴": "嘉兴市"}
    facts = []
    for r, (label, amount, share) in enumerate(rows, 1):
        common = dict(page=1, sentence=" ".join((label, amount, share)), region=region[label], period="2020-H1",
                      method="table", table_index=0, table_row=r)
        facts.append(Fact(quote=amount, value=float(amount), unit="亿元", value_norm=float(amount) * 1e8,
                          unit_norm="CNY", kind="amount", metric="数字服务贸易市地进出口额", table_col=1, **common))
        facts.append(Fact(quote=share, value=float(share), unit="%", value_norm=float(share), unit_norm="%",
                          kind="share", metric="数字服务贸易市地占比", table_col=2, **common))
    return save(store, path, s, facts, [table])


def test_table_total_row_shares_and_their_sum(store):
    doc = table_doc(store, "table.txt")
    [total] = checks(store, doc, "sum")
    assert total.status == "pass" and total.table_id is not None and len(total.fact_ids) == 4
    [share_sum] = checks(store, doc, "share_sum")
    assert share_sum.status == "pass" and share_sum.found == pytest.approx(100.0)
    shares = checks(store, doc, "share")
    assert len(shares) == 3 and {c.status for c in shares} == {"pass"}
    bad = table_doc(store, "table-bad.txt", total="659.14")
    [total] = checks(store, bad, "sum")
    assert total.status == "fail"
    assert {c.status for c in checks(store, bad, "share")} == {"fail"}  # every share is off the printed total


def test_text_against_table_and_units(store):
    s0, s1 = sentences(["到2026年，全市实现数字贸易额4300亿元，数字贸易支付结算额达1万亿元。",
                        "到2026年，全市跨境电商进出口额达到2000亿元。"])
    kw = dict(region="杭州市", period="2026", modality="target")
    text = [yi(s0, "4300亿元", 4300, "数字贸易额", **kw),
            fact(s0, "1万亿元", 1, "万亿元", 1e12, "CNY", "amount", "数字贸易支付结算额", **kw),
            yi(s1, "2000亿元", 2000, "跨境电商进出口额", **kw)]
    labels = [("数字贸易进出口额", "4300"), ("数字贸易支付结算额", "10000"), ("跨境电商进出口额", "1920")]
    cells = [TableCell(row=0, col=0, text="指标"), TableCell(row=0, col=1, text="单位"), TableCell(row=0, col=2, text="2026年")]
    table_facts = []
    for r, (label, value) in enumerate(labels, 1):
        cells += [TableCell(row=r, col=0, text=label), TableCell(row=r, col=1, text="亿元"),
                  TableCell(row=r, col=2, text=value)]
        table_facts.append(Fact(page=1, sentence=f"{label} 亿元 {value}", quote=value, value=float(value), unit="亿元",
                                value_norm=float(value) * 1e8, unit_norm="CNY", kind="amount", metric=label,
                                method="table", table_index=0, table_row=r, table_col=2, **kw))
    table = Table(page=1, caption="任务分解表", header_rows=1, n_rows=4, n_cols=3, cells=cells)
    doc = save(store, "plan.txt", [s0, s1], text + table_facts, [table])
    by_quote = {}
    for c in checks(store, doc, "table_text"):
        by_quote[next(q for q in quotes(store, c) if "亿" in q and q not in ("4300", "10000", "1920"))] = c
    assert by_quote["4300亿元"].status == "pass"
    assert by_quote["1万亿元"].status == "pass"
    assert by_quote["2000亿元"].status == "fail" and by_quote["2000亿元"].expected == pytest.approx(1920)
    [units] = checks(store, doc, "units")
    assert units.status == "pass" and quotes(store, units) == {"1万亿元", "10000"}


def test_same_words_in_other_sentences_are_not_the_same_figure(store):
    s0, s1 = sentences(["2022年，中国承接RCEP成员方离岸服务外包执行额2089亿元。",
                        "2022年，中国承接共建“一带一路”国家离岸服务外包执行额1821亿元。"])
    facts = [yi(s0, "2089亿元", 2089, "承接离岸服务外包执行额", region="中国", period="2022"),
             yi(s1, "1821亿元", 1821, "承接离岸服务外包执行额", region="中国", period="2022")]
    doc = save(store, "partners.txt", [s0, s1], facts)
    assert [c for c in checks(store, doc) if c.status == "fail"] == []


# -- storage, conflicts and the command -----------------------------------------------------


def test_run_checks_stores_rows_and_conflicts(store):
    trade_doc(store, "a.txt")
    conn = store.db.conn
    s = sentences(["今年上半年，浙江省进出口2.36万亿元。"])[0]
    save(store, "b.txt", [s], [fact(s, "2.36万亿元", 2.36, "万亿元", 2.36e12, "CNY", "amount", "进出口")],
         published="2022-08-01", publisher="某报")
    summary = cc.run_checks(conn)
    assert summary.documents == 2 and summary.counts[("sum", "pass")] == 1
    row = dict(zip(["type", "status", "fact_ids"], conn.execute("select type, status, fact_ids from checks").fetchone(),
                   strict=True))
    assert row["type"] == "sum" and len(json.loads(row["fact_ids"])) == 3
    assert conn.execute("select count(*) from check_facts").fetchone()[0] == 3
    [conflict] = conn.execute("select status, quote_a, quote_b, later_fact_id from conflicts").fetchall()
    assert conflict[0] == "conflict" and {conflict[1], conflict[2]} == {"2.26万亿元", "2.36万亿元"}
    # deleting a document (re-ingest) takes its checks and conflicts with it
    store.delete_document("a.txt")
    assert conn.execute("select count(*) from checks").fetchone()[0] == 0
    assert conn.execute("select count(*) from conflicts").fetchone()[0] == 0


def test_a_later_revision_is_not_an_error(store):
    for path, value, date in (("early.txt", "2.26", "2022-07-21"), ("late.txt", "2.30", "2023-01-15")):
        s = sentences([f"2022年上半年，浙江省进出口{value}万亿元。" + ("（修订数）" if path == "late.txt" else "")])[0]
        save(store, path, [s], [fact(s, f"{value}万亿元", float(value), "万亿元", float(value) * 1e12, "CNY",
                                     "amount", "进出口")], published=date, publisher="杭州海关")
    cc.run_checks(store.db.conn)
    status, later = store.db.conn.execute("select status, later_fact_id from conflicts").fetchone()
    late_fact = store.db.conn.execute("select id from facts where quote = '2.30万亿元'").fetchone()[0]
    assert status == "revision" and later == late_fact


def test_a_first_release_revised_months_later(store):
    for path, value, date, publisher in (("news.txt", "2.26", "2022-07-21", "新浪财经"),
                                         ("yearbook.txt", "2.30", "2023-06-30", "浙江省统计局")):
        s = sentences([f"2022年上半年，浙江省进出口{value}万亿元。"])[0]
        save(store, path, [s], [fact(s, f"{value}万亿元", float(value), "万亿元", float(value) * 1e12, "CNY",
                                     "amount", "进出口")], published=date, publisher=publisher)
    cc.run_checks(store.db.conn)
    assert store.db.conn.execute("select status from conflicts").fetchone()[0] == "revision"


def test_equal_values_are_no_conflict(store):
    trade_doc(store, "a.txt")
    trade_doc(store, "b.txt")
    cc.run_checks(store.db.conn)
    assert store.db.conn.execute("select count(*) from conflicts").fetchone()[0] == 0


def test_check_command(tmp_path):
    db = tmp_path / "facts.db"
    with Store(db) as store:
        trade_doc(store, "ok.txt")
        trade_doc(store, "bad.txt", "6947.4亿元", 6947.4)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--db", str(db)])
    assert result.exit_code == 1 and "FAIL bad.txt [sum]" in result.output
    result = runner.invoke(cli, ["check", "ok.txt", "--db", str(db)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["check", "--db", str(db), "--json", "--exit-zero"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["documents"] == 2
    assert {"type": "sum", "status": "fail", "count": 1} in data["checks"]
    assert runner.invoke(cli, ["check", "nope.txt", "--db", str(db)]).exit_code == 2


def test_metadata_describes_every_check_column(tmp_path):
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    tables = metadata["databases"]["facts"]["tables"]
    with Store(tmp_path / "facts.db") as store:
        cc.ensure_tables(store.db.conn)
        for table in ("checks", "check_facts", "conflicts"):
            assert tables[table]["description"], table
            columns = [c.name for c in store.db[table].columns]
            assert sorted(tables[table]["columns"]) == sorted(columns), table
            assert all(tables[table]["columns"].values()), table


# -- the seeds ------------------------------------------------------------------------------


def seed_checks(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    rows = cc.rows(conn, "select c.*, d.path from checks c join documents d on d.id = c.doc_id")
    for r in rows:
        ids = json.loads(r["fact_ids"])
        marks = ",".join("?" * len(ids))
        r["quotes"] = {re.sub(r"\s", "", q[0]) for q in conn.execute(f"select quote from facts where id in ({marks})", ids)}
    conn.close()
    return rows


def passing(rows, doc: str, typ: str, *quotes: str) -> list[dict]:
    return [r for r in rows if r["path"].startswith(doc) and r["type"] == typ and r["status"] == "pass"
            and set(quotes) <= r["quotes"]]


SEED_RELATIONS = [
    ("000", "sum", "649.1亿元", "585.0亿元", "1234.1亿元"),
    ("000", "sum", "129.75亿元", "519.38亿元", "649.14亿元"),
    ("000", "sum", "414.5亿元", "170.5亿元", "585.0亿元"),
    ("000", "share", "578.06亿元", "649.14亿元", "89.05%"),
    ("000", "sum", "578.06", "32.78", "0.46", "649.14"),  # the city table: rows against 全省
    ("000", "share_sum", "89.05", "5.05", "0.07"),  # its shares against 100
    ("001", "sum", "1914.8亿美元", "1481.7亿美元", "3396.5亿美元"),
    ("001", "share", "3396.5亿美元", "3727.1亿美元", "91.1%"),
    ("002", "pp_change", "23.8%", "20.3%", "3.5个百分点"),
    ("002", "sum", "1.66万亿元", "5947.4亿元", "2.26万亿元"),
    ("004", "table_text", "4300亿元", "4300"),
    ("004", "table_text", "1万亿元", "10000"),
    ("004", "table_text", "180家", "180"),
    ("004", "table_text", "1200家", "1200"),
    ("004", "table_text", "900个", "900"),
    ("004", "table_text", "110万吨", "110"),
]


@pytest.mark.parametrize("relation", SEED_RELATIONS, ids=lambda r: f"{r[0]}-{r[1]}-{r[-1]}")
def test_seed_relations_pass(seeds, relation):
    doc, typ, *qs = relation
    assert passing(seed_checks(seeds), doc, typ, *qs), relation


# The one real inconsistency of the seeds: 000 says 杭州's 计算机服务 (483.53亿元) is
# 83.63% of its 数字服务贸易 (578.06亿元); 483.53 ÷ 578.06 = 83.65%.
KNOWN_INCONSISTENCIES = [("000", "share", {"483.53亿元", "578.06亿元", "83.63%"})]


def test_no_seed_check_fails_wrongly(seeds):
    rows = seed_checks(seeds)
    fails = [(r["path"][:3], r["type"], r["formula"]) for r in rows if r["status"] == "fail"
             and not any(r["path"].startswith(d) and r["type"] == t and q <= r["quotes"]
                         for d, t, q in KNOWN_INCONSISTENCIES)]
    assert fails == []
    assert len(rows) > 50
    conn = sqlite3.connect(seeds)
    assert conn.execute("select count(*) from conflicts where status = 'conflict'").fetchone()[0] == 0
