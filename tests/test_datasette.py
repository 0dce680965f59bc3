"""The Datasette side: metadata, facets, the plugin and Chinese search, in-process."""

import asyncio
import csv
import html
import io
import re
import sqlite3
import urllib.parse
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from extractor.models import Fact, ParsedDocument, Sentence
from extractor.store.database import Store

ROOT = Path(__file__).resolve().parent.parent

XSS = "<script>alert(1)</script>"

# (sentence, quote, value, region): the queries below must find exactly the
# sentences holding them, and none of the near misses.
SENTENCES = [
    ("2023年杭州数字服务贸易进出口578.06亿元，增长12.5%。", "578.06亿元", 578.06, "杭州"),
    ("2023年杭州数字服务贸易进出口578.06亿元，增长12.5%。", "12.5%", 12.5, "杭州"),
    ("浙江跨境电商出口增长23.8%。", "23.8%", 23.8, "浙江"),
    ("杭州跨境电商综试区新增企业1200家。", "1200家", 1200, "杭州"),
    ("全市跨境电商进出口额达到1000亿元。", "1000亿元", 1000, "杭州"),  # region only
    ("州杭两地合作项目12个。", "12个", 12, None),  # 州杭, not 杭州
    ("杭嘉湖地区粮食产量增长3.2%。", "3.2%", 3.2, None),  # 杭 alone
    ("跨境 电商平台交易额增长15%。", "15%", 15, None),  # 跨境 电商, split
    ("数字服务贸易出口增长8%。", "8%", 8, None),
    ("数字服务贸易进、出口额达到300亿元。", "300亿元", 300, None),
    (f"{XSS}杭州测试3个", "3个", 3, None),
]
QUERIES = ["杭州", "跨境电商", "数字服务贸易进出口", "杭", "23.8", "杭州 跨境电商", "GDP", "杭州 OR 浙江", "杭州市",
           "跨境电子商务", '"跨境 电商"']


def fake_facts(rows) -> tuple[list, list[Fact]]:
    sentences, facts = [], []
    for text, quote, value, region in rows:
        if not sentences or sentences[-1].text != text:
            sentences.append(Sentence(index=len(sentences), page=1, paragraph=len(sentences), text=text,
                                      char_start=0, char_end=len(text)))
        s = sentences[-1]
        facts.append(Fact(page=1, sentence_index=s.index, sentence=text, quote=quote, value=value,
                          region=region, period="2023", kind="count" if quote.endswith(("家", "个")) else "amount",
                          unit_norm="CNY" if "亿元" in quote else None,
                          char_start=text.index(quote), char_end=text.index(quote) + len(quote)))
    return sentences, facts


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("ds") / "facts.db"
    with Store(path) as store:
        half = len(SENTENCES) // 2
        for n, rows in enumerate((SENTENCES[:half], SENTENCES[half:])):
            sentences, facts = fake_facts(rows)
            doc = ParsedDocument(path=f"doc{n}.html", doc_type="html", title=f"{XSS}报告{n}")
            store.save_document(doc, path=f"doc{n}.html", sha256=str(n) * 64, size_bytes=100,
                                sentences=sentences, facts=facts)
        assert store.db.execute("pragma foreign_key_check").fetchall() == []
    return path


@pytest.fixture
def get(db_path, policy_facts_plugin):
    """``get(path)`` → httpx response from a fresh in-process Datasette."""
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))

    def get(path: str):
        async def run():
            ds = Datasette([str(db_path)], metadata=metadata)
            return await ds.client.get(path)

        return asyncio.run(run())

    return get


def expected_ids(db_path, query: str) -> list[int]:
    """Facts whose sentence, metric, region or document label holds every word of a group
    (a word: any of its forms), computed here in Python from the stored rows."""
    from extractor.store.query import parse_query

    with Store(db_path) as store:
        rows = store.db.execute("select f.id, f.sentence, f.metric, f.region, d.label from facts f "
                                "join documents d on d.id = f.doc_id").fetchall()
    found = []
    for i, *fields in rows:
        text = "\x1f".join(f or "" for f in fields).lower()
        if any(all(any(form.lower() in text for form in t.forms) for t in g) for g in parse_query(query).groups):
            found.append(i)
    return sorted(found)


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_metadata_applied(get):
    meta = get("/-/metadata.json").json()
    assert meta["title"] == "Policy facts"
    facts = meta["databases"]["facts"]["tables"]["facts"]
    assert facts["fts_table"] == "facts_fts" and facts["fts_pk"] == "id"
    page = get("/facts/facts")
    assert page.status_code == 200
    assert "yuan (元) for CNY" in html.unescape(page.text)  # value_norm's description
    assert 'name="_search"' in page.text  # search box shown
    assert get("/facts").status_code == 200 and "facts_fts" not in get("/facts.json").json()["tables"][0]["name"]


def test_every_column_described(db_path):
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    tables = metadata["databases"]["facts"]["tables"]
    with Store(db_path) as store:
        for table in store.db.table_names():
            if table.startswith("facts_fts_"):
                continue  # FTS5 shadow tables
            assert tables[table]["description"], table
            columns = [c.name for c in store.db[table].columns]
            assert sorted(tables[table]["columns"]) == sorted(columns), table


def test_default_facets(get):
    data = get("/facts/facts.json").json()
    assert {"kind", "unit_norm", "region", "period_year", "modality", "metric_key", "doc_id"} <= set(data["facet_results"])
    regions = {f["value"]: f["count"] for f in data["facet_results"]["region"]["results"]}
    assert regions["杭州"] == 4
    labels = {f["label"] for f in data["facet_results"]["doc_id"]["results"]}
    assert f"{XSS}报告0" in labels  # label_column: title
    data = get("/facts/facts.json?_facet=qualifier").json()
    assert "qualifier" in data["facet_results"]


FACETED = ("kind", "unit_norm", "region", "period_year", "modality", "doc_id", "method")


@pytest.mark.parametrize("args", ["", f"_search={q('杭州')}", f"_search={q('杭州 OR 浙江')}&kind=amount",
                                  "kind=count", f"_search={q('没有的词')}"])
def test_facets_count_the_rows_the_table_shows(get, args):
    """Facets counted in one pass (pf_column) give each column's values among the rows shown,
    searched or filtered, as Datasette's own column facet does."""
    data = get(f"/facts/facts.json?{args}&_size=max&_facet_size=max&_shape=objects").json()
    rows = data["rows"]
    assert len(rows) == data["filtered_table_rows_count"]
    for column in FACETED:
        counts = {}
        for row in rows:
            if row[column] is not None:
                counts[row[column]] = counts.get(row[column], 0) + 1
        facet = data["facet_results"][column]
        assert facet["type"] == "column" and not facet["hideable"]
        assert {v["value"]: v["count"] for v in facet["results"]} == counts, (args, column)


def test_facet_values_link_to_their_filter(get):
    data = get(f"/facts/facts.json?_search={q('杭州')}").json()
    value = data["facet_results"]["kind"]["results"][0]
    assert value["toggle_url"].endswith(f"_search={q('杭州')}&kind={value['value']}") and not value["selected"]
    chosen = get(f"/facts/facts.json?_search={q('杭州')}&kind={value['value']}").json()["facet_results"]["kind"]
    assert [v["selected"] for v in chosen["results"]] == [True] and "kind=" not in chosen["results"][0]["toggle_url"]


def test_plugin_registered(get):
    plugins = get("/-/plugins.json").json()
    ours = [p for p in plugins if p["name"] in ("extractor.datasette.plugin", "policy-facts", "policy_facts")]
    assert ours and {"prepare_connection", "register_routes", "filters_from_request"} <= set(ours[0]["hooks"])


def test_escape_fts_replaced_only_where_facts_fts_is(db_path, tmp_path, policy_facts_plugin):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    sql = q("select escape_fts('数字服务') as e")

    async def run():
        ds = Datasette([str(db_path), str(other)])
        return [(await ds.client.get(f"/{name}.json?sql={sql}&_shape=array")).json() for name in ("facts", "other")]

    assert asyncio.run(run()) == [[{"e": '"数字 字服 服务"'}], [{"e": '"数字服务"'}]]


@pytest.mark.parametrize("query", QUERIES)
def test_table_search_box(get, db_path, query):
    r = get(f"/facts/facts.json?_search={q(query)}&_shape=array&_col=id&_size=max")
    assert r.status_code == 200, r.text
    assert sorted(row["id"] for row in r.json()) == expected_ids(db_path, query)


@pytest.mark.parametrize("query", QUERIES)
def test_search_page_json(get, db_path, query):
    data = get(f"/-/search.json?q={q(query)}&_size=1000").json()
    assert sorted(row["id"] for row in data["rows"]) == expected_ids(db_path, query)
    assert data["count"] == len(expected_ids(db_path, query)) and data["next_offset"] is None


def test_expected_ids_are_sensible(db_path):
    assert len(expected_ids(db_path, "杭州")) == 5  # two facts of one sentence, 企业, XSS row, 全市 (region 杭州)
    assert len(expected_ids(db_path, "跨境电商")) == 3
    assert len(expected_ids(db_path, "数字服务贸易进出口")) == 2
    assert expected_ids(db_path, "杭州市") == expected_ids(db_path, "杭州")
    assert set(expected_ids(db_path, "杭州 OR 浙江")) == set(expected_ids(db_path, "杭州")) | set(
        expected_ids(db_path, "浙江"))
    assert len(expected_ids(db_path, '"跨境 电商"')) == 1


def test_search_box_keeps_the_query(get):
    page = get(f"/facts/facts?_search={q('跨境电商')}")
    assert 'value="跨境电商"' in page.text
    assert "跨境 境电" not in page.text


def test_search_page_paginates(get, db_path):
    first = get(f"/-/search.json?q={q('杭州')}&_size=3").json()
    assert first["count"] == 5 and len(first["rows"]) == 3 and first["next_offset"] == 3
    rest = get(f"/-/search.json?q={q('杭州')}&_size=3&_offset=3").json()
    assert len(rest["rows"]) == 2 and rest["next_offset"] is None
    assert sorted(r["id"] for r in first["rows"] + rest["rows"]) == expected_ids(db_path, "杭州")


def test_search_page_html(get):
    page = get(f"/-/search?q={q('杭州')}")
    assert page.status_code == 200
    assert "<mark>杭州</mark>数字服务贸易进出口" in page.text
    assert 'href="/facts/facts/1"' in page.text and 'href="/facts/documents/1"' in page.text
    assert "<strong>5</strong> facts for <strong>杭州</strong>" in page.text
    assert get("/-/search").status_code == 200 and get("/-/search?q=%25").status_code == 200


def test_search_page_escapes(get, db_path):
    page = get(f"/-/search?q={q('杭州')}")
    assert XSS not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>杭州</mark>" in page.text
    page = get(f"/-/search?q={q(XSS)}")
    assert XSS not in page.text and "&lt;script&gt;" in page.text
    # "script" is searchable too: the XSS row, and every fact of the documents titled with it
    assert get(f"/-/search.json?q={q(XSS)}").json()["count"] == len(expected_ids(db_path, XSS)) == len(SENTENCES)


def test_canned_queries(get):
    rows = get(f"/facts/facts_by_region_period.json?region={q('杭州')}&period=2023&_shape=array").json()
    assert len(rows) == 4  # 杭州 is 杭州市 (pf_place); the facts' period 2023 is within 2023
    summary = get("/facts/document_summary.json?_shape=array").json()
    assert [r["facts"] for r in summary] == [5, 6]
    for name in ("failed_documents", "table_facts"):
        assert get(f"/facts/{name}.json").status_code == 200


# -- claims: who said what, targets --------------------------------------------------


@pytest.fixture(scope="module")
def claims_db(tmp_path_factory):
    """The seed corpus ingested for real (parse → facts → claims → store)."""
    from extractor.ingest.pipeline import ingest

    corpus = ROOT / "corpus"
    if not (corpus / "manifest.yml").exists():
        pytest.skip("seed corpus not available")
    path = tmp_path_factory.mktemp("claims") / "facts.db"
    summary = ingest([corpus], path, workers=1)
    assert summary.ok == 5
    return path


@pytest.fixture
def get_claims(claims_db, policy_facts_plugin):
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))

    def get(path: str):
        async def run():
            ds = Datasette([str(claims_db)], metadata=metadata)
            return await ds.client.get(path)

        return asyncio.run(run())

    return get


def test_claims_tables_described_and_faceted(get_claims, claims_db):
    data = get_claims("/facts/claims.json").json()
    assert {"claim_type", "speaker", "organisation", "deadline"} <= set(data["facet_results"])
    types = {f["value"] for f in data["facet_results"]["claim_type"]["results"]}
    assert types == {"attribution", "target", "first_or_only", "ranking", "statistic"}
    speakers = {f["value"] for f in data["facet_results"]["speaker"]["results"]}
    assert {"郭婷婷", "张向晨", "张钱江", "秦奋", "袁家军"} <= speakers
    for table in ("claims", "entities", "claim_entities"):
        assert get_claims(f"/facts/{table}").status_code == 200
    with Store(claims_db) as store:
        assert store.db.execute("pragma foreign_key_check").fetchall() == []


def test_everything_an_organisation_said(get_claims):
    # one facet click: the organisation exactly
    rows = get_claims(f"/facts/claims.json?organisation={q('商务部')}&_shape=array&_size=max").json()
    assert {r["speaker"] for r in rows} >= {"郭婷婷", "蒋耀平"} and {r["organisation"] for r in rows} == {"商务部"}
    # one canned query: its departments too
    rows = get_claims(f"/facts/claims_by_organisation.json?organisation={q('商务部')}&_shape=array").json()
    assert {"商务部", "商务部对外贸易司", "商务部服务贸易和商贸服务业司"} <= {r["organisation"] for r in rows}
    assert {"郭婷婷", "肖露", "王东堂", "蒋耀平"} <= {r["speaker"] for r in rows}
    assert all("商务部" in r["organisation"] for r in rows)
    guo = [r for r in rows if r["speaker"] == "郭婷婷" and r["verb"] == "介绍"]
    assert guo and "3727.1亿美元" in guo[0]["figures"]
    rows = get_claims(f"/facts/claims_by_speaker.json?speaker={q('张钱江')}&_shape=array").json()
    assert rows and all(r["organisation"] == "浙江省商务厅" for r in rows)


def test_every_target_for_2026(get_claims):
    rows = get_claims("/facts/targets_by_deadline.json?deadline=2026&_shape=array").json()
    assert rows and {r["deadline"] for r in rows} == {"2026"}
    figures = "、".join(r["figures"] or "" for r in rows)
    for quote in ("4300亿元", "1500家", "110万吨", "180家"):
        assert quote in figures
    facet = get_claims("/facts/claims.json?claim_type=target&deadline=2026&_shape=array&_size=max").json()
    assert sorted(r["id"] for r in facet) == sorted(r["id"] for r in rows)


def test_facts_link_to_their_claim(get_claims):
    sql = q("select f.quote, c.speaker from facts f join claims c on c.id = f.claim_id where f.quote = '1倍'")
    rows = get_claims(f"/facts.json?sql={sql}&_shape=array").json()
    assert rows == [{"quote": "1倍", "speaker": "肖露"}]


def test_source_table_page_lays_out_the_table_and_facts_link_to_their_cell(tmp_path, policy_facts_plugin):
    """A table as in the source (spans, headers), each figure linked to its fact, the asked-for fact marked."""
    import asyncio

    from extractor.models import Fact, Page, ParsedDocument, Sentence, Table, TableCell
    from extractor.store.database import Store

    rows = [["地市", "2020年", "占比"], ["杭州", "90.8", "21.90%"], ["宁波", "每年新增5项", ""]]
    cells = [TableCell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)
             if not (r == 2 and c == 2)]
    cells[-1] = TableCell(row=2, col=1, text="每年新增5项", col_span=2)
    table = Table(page=1, caption="各地市交易额", unit="亿元", header_rows=1, n_rows=3, n_cols=3, cells=cells)
    doc = ParsedDocument(path="t.pdf", doc_type="pdf", page_count=1, pages=[Page(number=1, text="说明。")],
                         tables=[table])
    facts = [Fact(page=1, sentence="杭州 90.8 21.90%", quote="90.8", value=90.8, method="table",
                  table_index=0, table_row=1, table_col=1)]
    db_path = tmp_path / "facts.db"
    with Store(db_path) as store:
        store.save_document(doc, path="t.pdf", sha256="x", size_bytes=1,
                            sentences=[Sentence(index=0, page=1, paragraph=0, text="说明。", char_start=0, char_end=3)],
                            facts=facts)

    async def run():
        ds = Datasette([str(db_path)])
        fact_id = (await ds.get_database("facts").execute("select id, table_id from facts")).rows[0]
        listing = await ds.client.get("/facts/facts")
        page = await ds.client.get(f"/-/source-table/{fact_id['table_id']}?fact={fact_id['id']}")
        missing = await ds.client.get("/-/source-table/999")
        return fact_id, listing, page, missing

    fact_id, listing, page, missing = asyncio.run(run())
    assert f'/-/source-table/{fact_id["table_id"]}?fact={fact_id["id"]}' in listing.text
    assert page.status_code == 200 and missing.status_code == 404
    html = page.text
    assert "各地市交易额" in html and "亿元" in html
    assert '<th' in html and "地市" in html
    assert 'colspan="2"' in html and "每年新增5项" in html
    assert 'class="figure marked"' in html and f'/facts/facts/{fact_id["id"]}' in html


# -- /-/verify: verdicts with a permalink, JSON and CSV ------------------------------------

VERIFY_ARTICLE = "今年上半年，浙江省进出口2.3万亿元，同比增长17.3%，其中，出口16600亿元，增长21.3%。全省跨境电商企业超过3万家。"


@pytest.fixture(scope="module")
def verify_db(tmp_path_factory):
    from test_crosscheck import trade_doc

    path = tmp_path_factory.mktemp("verify") / "facts.db"
    with Store(path) as store:
        trade_doc(store, "zj-trade.txt")  # 浙江 2022-H1: 进出口 2.26万亿元 +17.3%, 出口 1.66万亿元 +20.3%
        store.db.execute("update documents set published = '2022-07-25'")
    return path


async def _post_article(ds: Datasette, path: str, article: str, date: str = "2022-07-25"):
    form = await ds.client.get("/-/verify")
    token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    return await ds.client.post(path, data={"article": article, "date": date, "csrftoken": token},
                                cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]})


def test_verify_keeps_a_permalink_with_json_and_csv(verify_db, policy_facts_plugin):
    async def run():
        ds = Datasette([str(verify_db)])
        posted = await _post_article(ds, "/-/verify", VERIFY_ARTICLE)
        assert posted.status_code == 302
        link = posted.headers["location"]
        assert re.fullmatch(r"/-/verify/[0-9a-f]{16}", link)
        fresh = Datasette([str(verify_db)])  # another server process reads what was kept
        return link, await fresh.client.get(link), await fresh.client.get(link + ".json"), \
            await fresh.client.get(link + ".csv"), await fresh.client.get("/-/verify/0123456789abcdef")

    link, page, data, table, missing = asyncio.run(run())
    assert page.status_code == 200 and link in page.text
    statuses = re.findall(r'<mark class="pf-number pf-(\w+)"', page.text)
    assert statuses == ["supported", "supported", "supported", "contradicted", "unsupported"]
    assert "文章四舍五入了来源的2.26万亿元" in html.unescape(page.text)  # the reason, in Chinese and English
    assert "the article rounds the source's 2.26万亿元" in html.unescape(page.text)
    body = data.json()
    assert body["id"] == link.rsplit("/", 1)[1] and "pages" not in body
    assert body["totals"] == {"figures": 5, "supported": 3, "contradicted": 1, "unsupported": 1}
    wrong = body["numbers"][3]
    assert wrong["quote"] == "21.3%" and wrong["evidence"][0]["value_norm"] == pytest.approx(20.3)
    assert {"reason", "candidates", "metric", "region", "period", "start", "end"} <= set(wrong)
    assert table.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(table.text.lstrip("\ufeff"))))
    assert [r["status"] for r in rows] == statuses and rows[3]["source_quote"] == "20.3%"
    assert missing.status_code == 404


def test_verify_json_and_a_database_that_cannot_keep_it(verify_db, policy_facts_plugin):
    async def run():
        writable = Datasette([str(verify_db)])
        as_json = await _post_article(writable, "/-/verify.json", "今年上半年，浙江省进出口2.26万亿元。")
        frozen = Datasette([], immutables=[str(verify_db)])
        shown = await _post_article(frozen, "/-/verify", VERIFY_ARTICLE)
        return as_json, shown

    as_json, shown = asyncio.run(run())
    body = as_json.json()
    assert body["numbers"][0]["status"] == "supported" and body["permalink"] == f"/-/verify/{body['id']}"
    assert shown.status_code == 200 and "Not kept" in shown.text  # the verdicts, without a permalink
    assert len(re.findall(r'<mark class="pf-number', shown.text)) == 5
