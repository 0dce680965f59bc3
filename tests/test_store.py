import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.models import Fact
from extractor.store import search
from extractor.store.database import Store

CHILD_TABLES = ("documents", "sentences", "tables", "table_cells", "facts")


def save(store: Store, sample: dict, path: str = "reports/hz-2023.pdf", sha: str = "a" * 64) -> int:
    return store.save_document(
        sample["doc"], path=path, sha256=sha, size_bytes=1234,
        sentences=sample["sentences"], facts=sample["facts"],
    )


def dump(store: Store) -> dict[str, list[dict]]:
    """Every row of every table, ingested_at left out."""
    out = {}
    for table in CHILD_TABLES:
        rows = list(store.db.query(f"select * from [{table}] order by id"))
        out[table] = [{k: v for k, v in r.items() if k != "ingested_at"} for r in rows]
    return out


def fts_tokens(store: Store) -> list[tuple]:
    store.db.execute("create virtual table if not exists temp.vocab using fts5vocab(main, facts_fts, 'instance')")
    return store.db.execute("select term, doc from temp.vocab order by doc, term, offset").fetchall()


# -- schema --------------------------------------------------------------------


def test_schema_created(store):
    names = set(store.db.table_names())
    assert {"documents", "sentences", "tables", "table_cells", "facts", "facts_fts", "meta"} <= names
    indexed = {i.columns[0] for i in store.db["facts"].indexes}
    assert {"doc_id", "kind", "unit_norm", "region", "period", "metric", "modality"} <= indexed
    assert store.db["documents"].columns_dict["path"] is str
    fks = {(fk.column, fk.other_table) for fk in store.db["facts"].foreign_keys}
    assert fks == {("doc_id", "documents"), ("sentence_id", "sentences"), ("table_id", "tables"),
                   ("paragraph_id", "paragraphs")}
    assert {(fk.column, fk.other_table) for fk in store.db["table_cells"].foreign_keys} == {
        ("table_id", "tables"), ("fact_id", "facts")}
    assert store.db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert store.db.execute("pragma busy_timeout").fetchone()[0] == 5000


def test_wal_mode(store, tmp_path):
    assert store.db.journal_mode == "wal"
    assert sqlite3.connect(tmp_path / "facts.db").execute("pragma journal_mode").fetchone()[0] == "wal"


def test_reopen_is_idempotent(store, sample, tmp_path):
    save(store, sample)
    before = dump(store)
    with Store(tmp_path / "facts.db") as again:
        assert dump(again) == before


# -- save_document -------------------------------------------------------------


def test_round_trip(store, sample):
    doc_id = save(store, sample)
    assert store.counts() == {
        "documents": 1, "sentences": 2, "paragraphs": 2, "tables": 1, "table_cells": 10, "facts": 5, "facts_fts": 5}
    d = store.document("reports/hz-2023.pdf")
    assert d["id"] == doc_id
    assert (d["title"], d["doc_type"], d["published"], d["page_count"], d["publisher"], d["status"]) == (
        "杭州市2023年数字贸易发展报告", "pdf", "2024-03-01", 3, "杭州市商务局", "ok")
    assert d["sha256"] == "a" * 64 and d["size_bytes"] == 1234 and d["error"] is None
    assert d["extractor_version"] and d["ingested_at"]

    s = list(store.db.query("select * from sentences order by idx"))
    assert [(r["idx"], r["page"], r["paragraph"]) for r in s] == [(0, 1, 0), (1, 1, 1)]
    assert s[1]["text"] == "浙江跨境电商出口增长23.8%。"

    t = store.db["tables"].get(1)
    assert (t["doc_id"], t["idx"], t["page"], t["pages"], t["caption"], t["unit"]) == (
        doc_id, 0, 2, "[2, 3]", "表1 分地区跨境电商进出口", "亿元")
    assert (t["header_rows"], t["n_rows"], t["n_cols"], t["method"], t["bbox"]) == (
        2, 4, 3, "ruled", "[50.0, 100.0, 550.0, 300.0]")

    facts = {r["quote"]: r for r in store.db.query("select * from facts")}
    f = facts["578.06亿元"]
    assert f["sentence_id"] == s[0]["id"] and f["table_id"] is None and f["method"] == "regex"
    page_text = sample["doc"].pages[0].text
    assert page_text[f["char_start"]:f["char_end"]] == "578.06亿元"
    assert (f["value_norm"], f["unit_norm"], f["kind"], f["region"], f["period"]) == (
        5.7806e10, "CNY", "amount", "杭州", "2023")
    assert facts["23.8%"]["sentence_id"] == s[1]["id"]
    assert facts["1203.6"]["table_id"] == t["id"] and facts["1203.6"]["sentence_id"] is None


def test_table_cells_headers_and_facts(store, sample):
    save(store, sample)
    cells = {(c["row"], c["col"]): c for c in store.db.query("select * from table_cells")}
    assert (cells[0, 1]["col_span"], cells[0, 0]["row_span"]) == (2, 2)
    assert cells[0, 1]["row_header"] is None and cells[0, 1]["col_header"] is None  # header cell
    assert (cells[2, 1]["row_header"], cells[2, 1]["col_header"]) == ("杭州", "2023年/进出口")
    assert (cells[3, 2]["row_header"], cells[3, 2]["col_header"]) == ("宁波", "2023年/增长%")
    assert (cells[2, 0]["row_header"], cells[2, 0]["col_header"]) == (None, "地区")  # no "地区/地区"
    fact_ids = {r["quote"]: r["id"] for r in store.db.query("select id, quote from facts")}
    assert cells[2, 1]["fact_id"] == fact_ids["1203.6"]
    assert cells[3, 2]["fact_id"] == fact_ids["9.4"]
    assert sum(c["fact_id"] is not None for c in cells.values()) == 2


def test_resave_replaces_rows_identically(store, sample):
    doc_id = save(store, sample)
    before, counts = dump(store), store.counts()
    tokens = fts_tokens(store)
    assert save(store, sample) == doc_id
    assert store.counts() == counts
    assert dump(store) == before
    assert fts_tokens(store) == tokens


def test_same_inputs_give_identical_databases(sample, tmp_path):
    dumps = []
    for name in ("one.db", "two.db"):
        with Store(tmp_path / name) as s:
            save(s, sample, path="b.pdf", sha="b" * 64)
            save(s, sample)
            save(s, sample, path="b.pdf", sha="b" * 64)  # re-saving keeps the document id
            dumps.append((dump(s), fts_tokens(s)))
    assert dumps[0] == dumps[1]
    assert [d["path"] for d in dumps[0][0]["documents"]] == ["b.pdf", "reports/hz-2023.pdf"]


def test_changed_document_replaces_old_rows(store, sample, make_sentences, sentence_fact):
    save(store, sample)
    other_id = save(store, sample, path="other.pdf", sha="b" * 64)
    sentences = make_sentences(["宁波跨境电商进口下降5.1%。"])
    sample2 = {**sample, "sentences": sentences, "facts": [sentence_fact(sentences[0], "5.1%", -5.1, kind="growth")]}
    doc_id = save(store, sample2, sha="c" * 64)
    assert doc_id == 1 and other_id == 2
    assert store.counts() == {
        "documents": 2, "sentences": 3, "paragraphs": 3, "tables": 2, "table_cells": 20, "facts": 6, "facts_fts": 6}
    assert [r["quote"] for r in store.search("宁波跨境")] == ["5.1%"]
    assert {r["path"] for r in store.search("数字服务贸易")} == {"other.pdf"}
    assert {t[0] for t in fts_tokens(store) if t[1] not in {r["id"] for r in store.db["facts"].rows}} == set()
    assert store.doc_unchanged("reports/hz-2023.pdf", "c" * 64)
    assert not store.doc_unchanged("reports/hz-2023.pdf", "a" * 64)


@pytest.mark.parametrize("how", ["constraint", "bad sentence index", "crash"])
def test_failed_save_keeps_old_rows(store, sample, monkeypatch, how, make_sentences, sentence_fact):
    save(store, sample)
    before, tokens = dump(store), fts_tokens(store)
    sentences = make_sentences(["宁波跨境电商进口下降5.1%。"])
    fact = sentence_fact(sentences[0], "5.1%", -5.1)
    if how == "constraint":  # passes pydantic (model_construct), fails the CHECK on kind
        bad = Fact.model_construct(**{**fact.model_dump(), "kind": "bogus"})
        expected: type[Exception] = sqlite3.IntegrityError
    elif how == "bad sentence index":
        bad, expected = fact.model_copy(update={"sentence_index": 7}), ValueError
    else:
        index = Store._index_facts

        def boom(self, rows, command=None, *, tokenized=False):  # fails after the old rows are
            if tokenized:  # deleted and the new sentences and facts inserted
                raise RuntimeError("disk on fire")
            return index(self, rows, command, tokenized=tokenized)

        monkeypatch.setattr(Store, "_index_facts", boom)
        bad, expected = fact, RuntimeError
    with pytest.raises(expected):
        save(store, {**sample, "sentences": sentences, "facts": [fact, bad]}, sha="c" * 64)
    assert not store.db.conn.in_transaction
    assert dump(store) == before
    assert fts_tokens(store) == tokens
    assert store.doc_unchanged("reports/hz-2023.pdf", "a" * 64)
    assert [r["quote"] for r in store.search("跨境电商")] == ["23.8%"]


def test_foreign_keys_hold(store, sample):
    save(store, sample)
    save(store, sample, path="other.pdf", sha="b" * 64)
    save(store, sample)
    store.save_failure("reports/hz-2023.pdf", "d" * 64, 10, "needs_ocr", "no text layer", doc_type="pdf")
    assert store.db.execute("pragma foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("insert into facts (doc_id, sentence, quote, value, method) values (99, 's', 'q', 1, 'regex')")


def test_save_failure_and_delete(store, sample):
    save(store, sample)
    doc_id = store.save_failure("reports/hz-2023.pdf", "d" * 64, 10, "encrypted", "password required", doc_type="pdf",
                                page_count=4)
    assert doc_id == 1
    assert store.counts() == {
        "documents": 1, "sentences": 0, "paragraphs": 0, "tables": 0, "table_cells": 0, "facts": 0, "facts_fts": 0}
    d = store.document("reports/hz-2023.pdf")
    assert (d["status"], d["error"], d["doc_type"], d["page_count"], d["title"]) == (
        "encrypted", "password required", "pdf", 4, None)
    assert store.doc_unchanged("reports/hz-2023.pdf", "d" * 64)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_failure("x.pdf", "e" * 64, 1, "exploded", "bad status")
    assert store.document_paths() == {"reports/hz-2023.pdf"}
    assert store.delete_document("reports/hz-2023.pdf") and not store.delete_document("reports/hz-2023.pdf")
    assert sum(store.counts().values()) == 0


def test_search_version_change_rebuilds_index(store, sample, tmp_path):
    save(store, sample)
    tokens, found = fts_tokens(store), store.search("杭州")
    assert len(found) == 5  # three name 杭州, all are of a document titled 杭州市…
    store.db.execute("insert into facts_fts(facts_fts) values ('delete-all')")
    store.db.execute("update meta set value = 'old' where key = 'search_version'")
    assert store.search("杭州") == []
    with Store(tmp_path / "facts.db") as again:
        assert fts_tokens(again) == tokens
        assert again.search("杭州") == found


def test_doc_unchanged_uses_the_path_index(store):
    plan = store.db.execute(
        "explain query plan select 1 from documents where path = ? and sha256 = ?", ["a", "b"]).fetchall()
    assert "USING INDEX" in plan[0][-1]


# -- search tokenization ---------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("杭州", "杭州 州"),
    ("杭州数字服务", "杭州 州数 数字 字服 服务 务"),
    ("杭", "杭"),
    ("增长23.8%。", "增长 长2 23 3 8"),
    ("ＧＤＰ增长", "gd dp p增 增长 长"),  # NFKC + casefold
    ("浙江，跨境 电商", "浙江 江 跨境 境 电商 商"),
    ("", ""),
    ("%，。", ""),
])
def test_index_text(text, expected):
    assert search.index_text(text) == expected


@pytest.mark.parametrize("query, expected", [
    ("数字服务", '"数字 字服 服务"'),
    ("杭", '"杭"*'),
    ("杭州", '"杭州"'),  # its full name 杭州市 holds it: no second phrase
    ("外汇 数字服务", '"外汇" AND "数字 字服 服务"'),
    ("外汇 OR 数字服务", '("外汇" OR "数字 字服 服务")'),  # one-word groups: one alternation
    ("跨境电商", '("跨境 境电 电商" OR "跨境 境电 电子 子商 商务")'),  # synonyms (跨境电商贸易 holds 跨境电商)
    ("外贸 OR 进出口", '("外贸" OR "进出 出口" OR "贸易 易总 总额")'),  # each the other's synonym: once
    ("杭 OR 杭州 数字", '"杭"*'),  # the second group finds nothing the first does not
    ('"跨境 电商"', '"跨境 境 电商"'),
    ('"杭州"', '"杭州"'),  # quoted: as typed, no other forms
    ("23.8%", '"23 3 8"*'),
    ("浙江，杭", '"浙江 江 杭"*'),
    ('unbalanced "quote', '"un nb ba al la an nc ce ed" AND "qu uo ot te"'),
    ("%", None),
    ("", None),
])
def test_match_expression(query, expected):
    assert search.match_expression(query) == expected


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(st.sampled_from(list("杭州市数字服务贸易进出口跨境电商外贸 ，1.")), min_size=1, max_size=12),
                      min_size=1, max_size=6),
       words=st.lists(st.text(st.sampled_from(list("杭州市数字服务贸易进出口跨境电商外贸 OR")), min_size=1, max_size=5),
                      min_size=1, max_size=4))
def test_simplified_match_finds_the_same_facts(texts, words):
    query = " ".join(words)
    full = search.match_expression(query, simplify=False)
    if full is None:
        assert search.match_expression(query) is None
        return
    assert _fts_rows(texts, search.match_expression(query) or "") == _fts_rows(texts, full), query


def test_escape_fts_never_empty():
    assert search.escape_fts("") == '""' and search.escape_fts("。") == '""'
    assert search.escape_fts("数字") == '"数字"'


def test_query_words_and_highlight():
    from extractor.store.query import parse_query

    assert [t.text for t in parse_query(' 杭州  "跨境 电商" GDP ').terms] == ["杭州", "跨境 电商", "GDP"]
    assert search.highlight("Gdp杭州gdp", "GDP 州") == [("Gdp", True), ("杭", False), ("州gdp", True)]
    assert search.highlight("<b>", "杭州") == [("<b>", False)]


def _fts_rows(texts: list[str], expression: str) -> set[int]:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(sentence, content='', tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("insert into f(rowid, sentence) values (?, ?)",
                     [(i, search.index_text(t)) for i, t in enumerate(texts)])
    return {r[0] for r in conn.execute("select rowid from f where f match ?", [expression])}


def _fts_match(texts: list[str], query: str) -> set[int]:
    return _fts_rows(texts, search.escape_fts(query))


def test_bigram_phrases_match_substrings_only():
    texts = ["杭州数字服务贸易进出口578.06亿元", "浙江跨境电商出口增长23.8%", "州杭合作", "杭嘉湖", "跨境 电商",
             "数字服务贸易进、出口", "全市跨境电商进出口额"]
    for query in ("杭州", "跨境电商", "数字服务贸易进出口", "杭", "州", "8.06亿", "23.8", "务贸易进"):
        found = _fts_match(texts, query)
        assert {i for i, t in enumerate(texts) if query in t} <= found, query
    assert _fts_match(texts, "杭州") == {0}
    assert _fts_match(texts, "跨境电商") == {1, 6}
    assert _fts_match(texts, "数字服务贸易进出口") == {0}


CHARS = st.sampled_from(list("杭州市数字服务贸易进出口跨境电商浙江增长亿元万吨0123456789.%，。 aBc〇"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(CHARS, min_size=1, max_size=30), data=st.data())
def test_every_substring_is_found(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    query = text[start:end].strip()
    if search.match_expression(query) is None or '"' in query:
        return
    assert _fts_match([text], query) == {0}, (text, query, search.escape_fts(query))


def test_an_older_database_gains_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:

    from extractor.store.database import schema_path

    old_schema = schema_path().read_text(encoding="utf-8")
    old_schema = "\n".join(line for line in old_schema.splitlines()
                           if "region_source" not in line and not line.strip().startswith(("date TEXT", "date_source")))
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(old_schema)
    con.execute("insert into documents (id, path, sha256) values (1, 'a.txt', 'x')")
    con.execute("insert into facts (doc_id, sentence, quote, value, method) values (1, 's', '5%', 5, 'regex')")
    con.commit()
    con.close()
    with Store(db) as store:
        cols = {c.name for c in store.db["facts"].columns}
        assert {"region_source", "period_source"} <= cols
        assert {"date", "date_source"} <= {c.name for c in store.db["documents"].columns}
        assert [r["quote"] for r in store.db.query("select quote from facts")] == ["5%"]
        assert store.db.execute("pragma foreign_key_check").fetchall() == []
    with Store(db) as store:  # a second open finds nothing to migrate
        from extractor.store.migrate import migrate

        assert migrate(store.db.conn, schema_path().read_text(encoding="utf-8")) == []


OLD_DOCUMENTS = """CREATE TABLE documents (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, title TEXT,
    doc_type TEXT CHECK (doc_type IN ('pdf', 'html', 'text')), published TEXT, page_count INTEGER, author TEXT,
    publisher TEXT, source_url TEXT, status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'skipped', 'failed', 'needs_ocr', 'encrypted')),
    error TEXT, size_bytes INTEGER, ingested_at TEXT, extractor_version TEXT);"""


def test_a_database_from_before_roots_gets_its_files_and_adopts_the_root(tmp_path: Path) -> None:
    """Documents keyed by path alone become documents with one file each (root unknown: ''); the
    first ingest that finds the same content under the same path gives them its root."""
    import hashlib

    from extractor.ingest.pipeline import ingest

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("2023年，杭州市数字贸易进出口额达到1234.5亿元。\n", encoding="utf-8")
    sha = hashlib.sha256((folder / "a.txt").read_bytes()).hexdigest()
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(OLD_DOCUMENTS)
    con.execute("insert into documents (id, path, sha256, status, extractor_version, size_bytes) "
                "values (1, 'a.txt', ?, 'ok', ?, 10)", [sha, __import__("extractor").__version__])
    con.commit()
    con.close()
    with Store(db) as store:
        assert store.files() == [("", "a.txt", 1)]
        assert store.db.execute("pragma foreign_key_check").fetchall() == []
    s = ingest([folder], db, workers=0)
    assert (s.ok, s.unchanged, s.duplicates) == (0, 0, 1)  # not read again: the same content
    with Store(db) as store:
        assert store.files() == [(str(folder), "a.txt", 1)]
        assert store.document("a.txt")["root"] == str(folder)


def test_identity_rules_in_the_store(store, sample):
    """write_rows: by content first, then the file's own document; link and prune keep documents whole."""
    a = store.save_document(sample["doc"], path="a.pdf", root="/r1", sha256="a" * 64, size_bytes=1,
                            sentences=sample["sentences"], facts=sample["facts"])
    b = store.save_failure("a.pdf", "b" * 64, 1, "failed", "bad", root="/r2")  # same name, another root
    assert a != b and store.link("/r1", "copy.pdf", "a" * 64, 1) == a
    assert store.link("/r1", "x.pdf", "f" * 64, 1) is None  # no such content
    assert store.files(a) == [("/r1", "a.pdf", a), ("/r1", "copy.pdf", a)]
    c = store.save_failure("a.pdf", "c" * 64, 1, "failed", "changed", root="/r1")  # a.pdf changed, copy.pdf not
    assert c not in (a, b) and store.files(a) == [("/r1", "copy.pdf", a)]
    assert store.document("copy.pdf")["id"] == a
    assert store.prune("/r1", keep={"a.pdf"}) == (1, 1)  # copy.pdf gone, and with it the old content
    assert store.document("copy.pdf") is None and store.counts()["facts"] == 0
    assert [f[1:] for f in store.files()] == [("a.pdf", c), ("a.pdf", b)]
    assert store.db.execute("pragma foreign_key_check").fetchall() == []
