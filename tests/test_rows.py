"""prepare_document: a document as row tuples with local ids, made in the worker."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from extractor.ingest.pipeline import extract_file, extract_rows
from extractor.models import Claim, Entity
from extractor.store import search
from extractor.store.rows import (
    CELL_COLUMNS,
    CLAIM_COLUMNS,
    ENTITY_COLUMNS,
    FACT_COLUMNS,
    SENTENCE_COLUMNS,
    TABLE_COLUMNS,
    DocumentRows,
    prepare_document,
)

ROOT = Path(__file__).resolve().parents[1]


def rows_of(sample: dict, **kw) -> DocumentRows:
    return prepare_document(sample["doc"], path="r.pdf", sha256="a" * 64, size_bytes=1, sentences=sample["sentences"],
                            facts=sample["facts"], **kw)


def test_rows_have_their_columns_and_local_links(sample):
    rows = rows_of(sample)
    widths = [(rows.sentences, SENTENCE_COLUMNS), (rows.tables, TABLE_COLUMNS), (rows.facts, FACT_COLUMNS),
              (rows.cells, ("table", "fact", *CELL_COLUMNS))]
    for got, columns in widths:
        assert got and all(len(r) == len(columns) for r in got)
    assert len(rows.fts) == len(rows.facts) == len(sample["facts"])
    col = FACT_COLUMNS.index
    for fact, row, fts in zip(sample["facts"], rows.facts, rows.fts, strict=True):
        s, t, _claim = row[:3]
        if s is not None:  # the local sentence holds the fact's quote
            assert fact.quote in rows.sentences[s][SENTENCE_COLUMNS.index("text")]
        assert t == fact.table_index
        assert fts == search.index_row([row[col("sentence")], row[col("metric")], row[col("region")],
                                        rows.document["label"], None])
    # each cell a fact was read from points at that fact, and its text is the fact's quote
    linked = [(c[1], c[2 + CELL_COLUMNS.index("text")]) for c in rows.cells if c[1] is not None]
    assert linked and all(rows.facts[f][3 + FACT_COLUMNS[3:].index("quote")] == text for f, text in linked)
    assert rows.pages == sample["doc"].page_count
    assert rows.document["path"] == "r.pdf" and rows.document["status"] == "ok"


def test_claims_entities_and_fact_links(sample):
    s0 = sample["sentences"][0]
    who = Entity(label="PERSON", text="张三", name="张三", sentence_index=s0.index, char_start=0, char_end=2)
    claims = [
        Claim(claim_type="attribution", text="进出口578.06亿元", speaker="张三", sentence_index=s0.index,
              page=1, fact_indexes=[0, 1], entities=[who, who]),
        Claim(claim_type="statistic", text="增长12.5%", sentence_index=s0.index, page=1, fact_indexes=[1],
              entities=[who]),
    ]
    rows = rows_of(sample, claims=claims)
    assert len(rows.claims) == 2 and all(len(r) == len(CLAIM_COLUMNS) for r in rows.claims)
    assert rows.entities == [(0, "PERSON", "张三", "张三", 0, 2)] and len(ENTITY_COLUMNS) == 6
    assert rows.claim_entities == [(0, 0), (1, 0)]  # each pair once
    assert [r[2] for r in rows.facts] == [0, 1, None, None, None]  # the last claim stating a fact wins


@pytest.mark.parametrize("break_it, message", [
    (lambda s: setattr(s["facts"][0], "sentence_index", 99), "no sentence 99"),
    (lambda s: setattr(s["facts"][3], "table_index", 5), "no table 5"),
    (lambda s: setattr(s["facts"][3], "table_row", 40), "no cell at row 40"),
])
def test_links_that_point_nowhere_raise(sample, break_it, message):
    break_it(sample)
    with pytest.raises(ValueError, match=message):
        rows_of(sample)


def test_a_claim_with_a_missing_fact_raises(sample):
    claim = Claim(claim_type="statistic", text="x", sentence_index=0, page=1, fact_indexes=[7])
    with pytest.raises(ValueError, match="no fact 7"):
        rows_of(sample, claims=[claim])


def test_extract_rows_sends_rows_not_models(tmp_path):
    seed = ROOT / "corpus" / "002_66e1a6b4825c6e33.md"
    full = extract_file(seed, seed.name, "s" * 64, seed.stat().st_size)
    sent = extract_rows(seed, seed.name, "s" * 64, seed.stat().st_size)
    assert sent.status == "ok" and sent.document is None and not (sent.facts or sent.sentences or sent.claims)
    assert len(sent.rows.facts) == len(full.facts) > 0 and len(sent.rows.claims) == len(full.claims)
    assert len(sent.rows.sentences) == len(full.sentences)
    assert pickle.loads(pickle.dumps(sent)).rows.facts == sent.rows.facts
    # a failure is passed on as it is
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    failed = extract_rows(bad, "x.pdf", "", bad.stat().st_size)
    assert failed.status == "failed" and failed.rows is None and failed.error.startswith("CorruptDocument")


def test_extract_rows_fails_a_file_whose_links_point_nowhere(monkeypatch):
    import extractor.ingest.job as extract

    def broken(*args, **kw):
        raise ValueError("fact 3 ('5%'): no sentence 9")

    monkeypatch.setattr(extract, "prepare_document", broken)
    seed = ROOT / "corpus" / "002_66e1a6b4825c6e33.md"
    r = extract_rows(seed, seed.name, "s" * 64, seed.stat().st_size)
    assert r.status == "failed" and r.error == "StoreError: ValueError: fact 3 ('5%'): no sentence 9"
    assert r.rows is None and r.document.doc_type == "html" and not r.facts


def test_the_documents_row_keeps_its_date_and_where_it_was_read(sample):
    doc = sample["doc"].model_copy(update={"date": "2018-04", "date_source": "cover"})
    row = prepare_document(doc, path="r.pdf", sha256="a" * 64, size_bytes=1, sentences=[], facts=[]).document
    assert (row["date"], row["date_source"]) == ("2018-04", "cover")


def test_ingest_decides_a_date_for_every_document(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("东北电气发展股份有限公司\n2018年第一季度报告\n2018年04月\n目前公司营业收入增长12%。", encoding="utf-8")
    result = extract_file(path, "report.txt", "a" * 64, path.stat().st_size)
    assert (result.document.date, result.document.date_source) == ("2018-04", "cover")
    assert result.facts[0].period == "2018-04"
