"""Datasette for researchers (issue 19), in-process: the metadata under any database name,
search that finds (AND, OR, synonyms, region names, carried regions), filters and facets,
the period hierarchy, series and charts, labels, links, CSV with a BOM, robots.txt, export."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import urllib.parse
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from datasette.app import Datasette

from extractor.cli import cli
from extractor.datasette import metadata as pf_metadata
from extractor.models import Fact, Page, ParsedDocument, Sentence
from extractor.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
METADATA = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))

# (sentence, quote, value_norm, unit_norm, kind, region, region_source, period, metric)
DOC_A = [  # a Hangzhou report: its 全市 sentence is about Hangzhou by the document
    ("2023年杭州跨境电商进出口额1000亿元，增长12%。", "1000亿元", 1e11, "CNY", "amount", "杭州市", "stated", "2023",
     "跨境电商进出口额"),
    ("2023年杭州跨境电商进出口额1000亿元，增长12%。", "12%", 12, "%", "growth", "杭州市", "stated", "2023",
     "跨境电商进出口额"),
    ("上半年全市跨境电子商务企业超过3万家。", "3万家", 30000, "家", "count", "杭州市", "document", "2023-H1",
     "跨境电子商务企业"),
    ("上半年宁波外贸进出口6000亿元。", "6000亿元", 6e11, "CNY", "amount", "宁波市", "stated", "2020-H1", "外贸进出口"),
]
DOC_B = [  # no title: labelled by its first heading
    ("2022年杭州跨境电商进出口额900亿元。", "900亿元", 9e10, "CNY", "amount", "杭州市", "stated", "2022",
     "跨境电商进出口额"),
    ("2024年杭州跨境电商进出口额1100亿元。", "1100亿元", 1.1e11, "CNY", "amount", "杭州市", "stated", "2024",
     "跨境电商进出口额"),
    ("2023年北京市经济总量4.4万亿元。", "4.4万亿元", 4.4e12, "CNY", "amount", "北京市", "stated", "2023", "经济总量"),
]


def _save(store: Store, path: str, title: str | None, heading: str, rows) -> None:
    sentences, facts = [], []
    for text, quote, norm, unit, kind, region, source, period, metric in rows:
        if not sentences or sentences[-1].text != text:
            sentences.append(Sentence(index=len(sentences), page=1, paragraph=len(sentences), text=text,
                                      char_start=0, char_end=len(text)))
        at = text.index(quote)
        facts.append(Fact(page=1, sentence_index=sentences[-1].index, sentence=text, quote=quote, value=norm,
                          value_norm=norm, unit_norm=unit, kind=kind, region=region, region_source=source,
                          period=period, metric=metric, char_start=at, char_end=at + len(quote)))
    doc = ParsedDocument(path=path, doc_type="pdf", title=title, page_count=1,
                         pages=[Page(number=1, text=heading + "\n" + "\n".join(s.text for s in sentences))])
    store.save_document(doc, path=path, sha256=path * 2, size_bytes=10, sentences=sentences, facts=facts)


@pytest.fixture(scope="module")
def research_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("research") / "real.db"  # not facts.db: the metadata applies by name
    with Store(path) as store:
        _save(store, "hz.pdf", "数字贸易发展报告", "数字贸易发展报告", DOC_A)
        _save(store, "reports/000_abc.pdf", None, "三年行动计划（2024—2026年）", DOC_B)
        from extractor.checks.crosscheck import ensure_tables

        ensure_tables(store.db.conn)
        store.db.execute("insert into checks (doc_id, type, status, expected, found, tolerance, unit, fact_id, fact_ids,"
                         " formula, explanation_zh, explanation_en, checked_at) values (1, 'growth', 'pass', 12, 12,"
                         " 0.5, '%', 2, '[1, 2]', 'f', 'zh', 'en', 'now')")
        store.db.conn.commit()
    return path


@pytest.fixture
def get(research_db, policy_facts_plugin):
    meta = pf_metadata.for_database(METADATA, "real")

    def get(path: str):
        async def run():
            return await Datasette([str(research_db)], metadata=meta).client.get(path)

        return asyncio.run(run())

    return get


def q(text: str) -> str:
    return urllib.parse.quote(text)


def quotes(get, url: str) -> set[str]:
    return {r["quote"] for r in get(url).json()["rows"]}


# -- the metadata, whatever the file is called ----------------------------------------------


def test_metadata_applies_to_any_database_name(get):
    page = get("/real/facts")
    assert page.status_code == 200 and 'name="_search"' in page.text  # the search box
    assert "yuan (元) for CNY" in page.text.replace("&#39;", "'")  # descriptions …
    assert '<details class="pf-column-descriptions">' in page.text  # … folded away
    facets = get("/real/facts.json").json()["facet_results"]
    assert {"region", "period_year", "metric_key", "kind", "doc_id"} <= set(facets)
    assert "facts_fts" not in {t["name"] for t in get("/real.json").json()["tables"] if not t["hidden"]}
    rows = get(f"/real/facts_by_region_period.json?region={q('杭州')}&period=2023&_shape=array").json()
    assert {r["quote"] for r in rows} == {"1000亿元", "12%", "3万家"}  # 杭州 = 杭州市; 2023 includes 2023-H1


def test_metadata_that_does_not_fit_stops_the_server(research_db, tmp_path, policy_facts_plugin):
    async def start(meta):
        await Datasette([str(research_db)], metadata=meta).invoke_startup()

    with pytest.raises(pf_metadata.MetadataMismatch, match="policy-facts serve"):
        asyncio.run(start(METADATA))  # it describes "facts", the database is "real"
    wrong = pf_metadata.for_database(METADATA, "real")
    wrong["databases"]["real"]["tables"]["facts"]["columns"]["colour"] = "no such column"
    with pytest.raises(pf_metadata.MetadataMismatch, match="facts.colour is described"):
        asyncio.run(start(wrong))
    written = tmp_path / "meta.yml"
    written.write_text(yaml.safe_dump(wrong["databases"]["real"] and {"databases": {"facts": wrong["databases"]["real"]}},
                                      allow_unicode=True), encoding="utf-8")
    with pytest.raises(pf_metadata.MetadataMismatch, match="colour"):
        pf_metadata.prepare(research_db, written)
    result = CliRunner().invoke(cli, ["serve", "--db", str(research_db), "--metadata", str(written)])
    assert result.exit_code == 1 and "colour" in result.output


def test_serve_writes_the_metadata_for_the_file_served_and_public_mode(research_db, tmp_path, monkeypatch):
    from extractor import cli as cli_module

    seen: dict = {}
    monkeypatch.setattr(cli_module.os, "execvp", lambda prog, args: seen.update(args=args))
    result = CliRunner().invoke(cli, ["serve", "--db", str(research_db), "--metadata",
                                      str(ROOT / "datasette-metadata.yml"), "--public"])
    assert result.exit_code == 0, result.output
    args = seen["args"]
    served = json.loads(Path(args[args.index("--metadata") + 1]).read_text(encoding="utf-8"))
    assert "real" in served["databases"] and "facts" not in served["databases"]
    assert served["allow_sql"] is False and args[args.index("-i") + 1] == str(research_db)


def test_public_mode_turns_off_arbitrary_sql_but_not_the_pages(research_db, policy_facts_plugin):
    meta = pf_metadata.for_database(METADATA, "real", public=True)

    async def run():
        ds = Datasette([str(research_db)], metadata=meta)
        return [(await ds.client.get(u)).status_code for u in
                ("/real.json?sql=select+1", "/real/facts", f"/-/search?q={q('杭州')}",
                 f"/real/facts_by_region_period?region={q('杭州')}&period=2023")]

    assert asyncio.run(run()) == [403, 200, 200, 200]


# -- search that finds ----------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("杭州 跨境电商", {"1000亿元", "12%", "3万家", "900亿元", "1100亿元"}),  # 3万家: 全市 (region by the document)
    ("杭州市", {"1000亿元", "12%", "3万家", "900亿元", "1100亿元"}),
    ("跨境电子商务", {"1000亿元", "12%", "3万家", "900亿元", "1100亿元"}),  # = 跨境电商
    ("杭州 OR 宁波", {"1000亿元", "12%", "3万家", "6000亿元", "900亿元", "1100亿元"}),
    ("北京市", {"4.4万亿元"}),
    ("地区生产总值", {"4.4万亿元"}),  # = 经济总量
    ("宁波 外贸", {"6000亿元"}),
    ('"跨境电子商务"', {"3万家"}),  # quoted: as typed
    ("数字贸易 宁波", {"6000亿元"}),  # the document's title holds a word
])
def test_search_finds(get, query, expected):
    assert quotes(get, f"/-/search.json?q={q(query)}&_size=100") == expected


def test_exact_phrase_first(get):
    rows = get(f"/-/search.json?q={q('杭州 跨境电商')}").json()["rows"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert rows[0]["rank"] == 0 and "杭州跨境电商" in rows[0]["sentence"]
    assert rows[-1]["quote"] == "3万家"  # its sentence names neither 杭州 nor 跨境电商 as typed


def test_table_search_box_finds_the_same(get):
    for query in ("杭州 跨境电商", "杭州 OR 宁波", "跨境电子商务"):
        table = get(f"/real/facts.json?_search={q(query)}&_shape=array&_size=max").json()
        assert {r["quote"] for r in table} == quotes(get, f"/-/search.json?q={q(query)}&_size=100"), query


def test_search_filters_and_facets(get):
    data = get(f"/-/search.json?q={q('跨境电商')}&region={q('杭州')}&period=2023").json()
    assert {r["quote"] for r in data["rows"]} == {"1000亿元", "12%", "3万家"}  # 2023 includes 2023-H1
    assert {f["value"]: f["count"] for f in data["facets"]["kind"]} == {"amount": 1, "growth": 1, "count": 1}
    assert data["facets"]["kind"][0]["label"] in ("总量", "增长", "个数")
    assert quotes(get, f"/-/search.json?q={q('杭州')}&kind=amount&modality=actual") == {"1000亿元", "900亿元",
                                                                                     "1100亿元"}
    assert quotes(get, "/-/search.json?metric_key=cross_border_ecommerce.trade") == {"1000亿元", "12%", "900亿元",
                                                                                     "1100亿元"}
    page = get(f"/-/search?q={q('跨境电商')}&region={q('杭州')}")
    assert 'class="pf-facets"' in page.text and 'class="pf-chip"' in page.text  # facets, the filter to remove
    assert "region__in=" in page.text  # "open in the facts table" keeps the filter


def test_a_broad_search_is_counted_up_to_the_cap(get, monkeypatch):
    from extractor.datasette import search_view

    everything = get(f"/-/search.json?q={q('杭州')}").json()
    assert everything["count"] > 2 and not everything["count_is_lower_bound"]
    monkeypatch.setattr(search_view, "COUNT_CAP", 2)
    data = get(f"/-/search.json?q={q('杭州')}&_size=1").json()
    assert (data["count"], data["count_is_lower_bound"], data["next_offset"]) == (2, True, 1)
    assert "more than 2</strong>" in get(f"/-/search?q={q('杭州')}").text


def test_a_search_past_the_time_limit_says_what_to_do(get, monkeypatch):
    """Counts by facet that take too long are left out with a note; a search whose rows take
    too long is a 400 that says how to narrow it, never a 500."""
    from datasette.database import Database, QueryInterrupted

    real = Database.execute

    def slow_on(marker: str):
        async def execute(self, sql, *args, **kwargs):
            if marker in sql:
                raise QueryInterrupted(Exception("interrupted"), sql, args[0] if args else None)
            return await real(self, sql, *args, **kwargs)
        return execute

    monkeypatch.setattr(Database, "execute", slow_on("with hits as materialized"))
    data = get(f"/-/search.json?q={q('杭州')}").json()
    assert data["rows"] and data["facets"] == {} and "too long" in data["notes"][0]
    page = get(f"/-/search?q={q('杭州')}")
    assert page.status_code == 200 and 'class="pf-note"' in page.text and 'class="pf-facets"' not in page.text
    monkeypatch.setattr(Database, "execute", slow_on("order by rank"))
    for fmt in (".json", ""):
        answer = get(f"/-/search{fmt}?q={q('杭州')}")
        assert answer.status_code == 400 and "narrow" in answer.text


def test_csv_with_a_bom_opens_as_utf8(get):
    for url in (f"/-/search.csv?q={q('杭州')}&_bom=1", "/real/facts.csv?_bom=1", "/real/facts.csv?_bom=1&_dl=1"):
        body = get(url).content
        assert body.startswith("\ufeff".encode()), url
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows and "sentence" in rows[0] and any("杭州" in r["sentence"] for r in rows), url
    assert not get("/real/facts.csv").content.startswith("\ufeff".encode())


def test_robots_txt_disallows_crawling(get):
    assert get("/robots.txt").text.splitlines() == ["User-agent: *", "Disallow: /"]


# -- series --------------------------------------------------------------------------------


def test_period_hierarchy_and_metric_key(get):
    rows = get("/real/facts.json?period_year=2023&_shape=array&_size=max").json()
    assert {r["period"] for r in rows} == {"2023", "2023-H1"}
    rows = get("/real/facts.json?period_half=2020-H1&_shape=array").json()
    assert [(r["quote"], r["period_grain"]) for r in rows] == [("6000亿元", "half")]
    keys = {f["value"]: f["count"] for f in get("/real/facts.json").json()["facet_results"]["metric_key"]["results"]}
    assert keys["cross_border_ecommerce.trade"] == 4 and keys["gdp"] == 1


def test_chart_of_a_series(get):
    data = get(f"/-/chart.json?metric_key=cross_border_ecommerce.trade&region={q('杭州')}").json()
    assert data["periods"] == ["2022", "2023", "2024"] and data["rows"] == 3  # the growth rate is not on this axis
    assert [(d["label"], [p["y"] for p in d["data"]]) for d in data["datasets"]] == [("杭州市", [9e10, 1e11, 1.1e11])]
    page = get(f"/-/chart?metric_key=cross_border_ecommerce.trade&region={q('杭州')}")
    assert '<canvas id="pf-chart" data-rows="3"' in page.text and "/-/policy-facts/chart.umd.min.js" in page.text
    assert "kind=growth" in page.text  # the other kind, a click away
    assert get("/-/policy-facts/chart.umd.min.js").text.startswith("/*!")
    assert "cross_border_ecommerce.trade" in get("/-/chart").text  # no metric chosen: the metrics to choose from


# -- readable pages ------------------------------------------------------------------------


def test_labels_links_and_document_labels(get):
    page = get("/real/facts")
    assert '<span class="pf-zh">标准值</span>' in page.text  # column header: Chinese above the name
    assert '<span class="pf-zh">增长</span> <span class="pf-code">growth</span>' in page.text  # a coded value
    docs = {r["id"]: r["label"] for r in get("/real/documents.json?_shape=array").json()}
    assert docs == {1: "数字贸易发展报告", 2: "三年行动计划（2024—2026年）"}
    labels = {f["label"] for f in get("/real/facts.json").json()["facet_results"]["doc_id"]["results"]}
    assert labels == set(docs.values())  # never None
    check = get("/real/checks").text
    assert 'href="/real/facts/1"' in check and 'href="/real/facts?id__in=1,2"' in check  # a check's facts
