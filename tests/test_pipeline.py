"""The ingest pipeline: discovery, manifests, skipping, replacing, worker pool, summary."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from extractor.ingest import job as extract
from extractor.ingest import pipeline
from extractor.ingest import writer as store_stage
from extractor.ingest.pipeline import (
    Extraction,
    ManifestError,
    Manifests,
    Summary,
    discover,
    extract_file,
    ingest,
    load_manifest,
    needs_reading,
)
from extractor.models import Fact, ParsedDocument, Sentence

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import html_doc, markdown_doc, policy_pdf, policy_sentences, text_doc  # noqa: E402

TABLES = ("documents", "sentences", "paragraphs", "tables", "table_cells", "facts")


def rows(db: Path, table: str, drop: tuple[str, ...] = ("ingested_at",)) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute(f"pragma table_info({table})") if r[1] not in drop]
        return con.execute(f"select {', '.join(cols)} from {table} order by id").fetchall()
    finally:
        con.close()


def query(db: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def doc_row(db: Path, path: str) -> dict:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("select * from documents where path = ?", [path]).fetchone()
        return dict(row) if row else {}
    finally:
        con.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Six small documents of four kinds, one in a subfolder."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    text_doc(root / "a.txt", 1)
    html_doc(root / "b.html", 2)
    markdown_doc(root / "c.md", 3)
    policy_pdf(root / "d.pdf", 4)
    text_doc(root / "sub" / "e.txt", 5)
    html_doc(root / "sub" / "f.htm", 6)
    return root


# ---------------------------------------------------------------- discovery and manifests


def test_discover_sorted_skips_hidden_manifests_and_the_database(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    for name in ("z.txt", "a.txt", ".hidden.txt", "manifest.yml", "manifest.csv", "b/x.txt", ".git/obj", "facts.db"):
        (root / name).write_text("x", encoding="utf-8")
    found = [f.rel for f in discover([root], exclude=[root / "facts.db"])]
    assert found == ["a.txt", "b/x.txt", "z.txt"]
    one = list(discover([root / "b" / "x.txt"]))
    assert [(f.rel, f.root, f.root_id, f.status) for f in one] == [("x.txt", root / "b", str(root / "b"), None)]
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(discover([tmp_path / "missing"]))


def test_manifest_yaml_mapping_list_and_csv(tmp_path: Path) -> None:
    (tmp_path / "m1").mkdir()
    (tmp_path / "m1" / "manifest.yml").write_text(
        "documents:\n  a.pdf:\n    title: 甲\n    published: 2024-04-23\n    publisher: 杭州市人民政府办公厅\n"
        "  b.pdf:\n    date: 2023-11\n    source_url: ''\n", encoding="utf-8")
    assert load_manifest(tmp_path / "m1") == {
        "a.pdf": {"title": "甲", "published": "2024-04-23", "publisher": "杭州市人民政府办公厅"},
        "b.pdf": {"published": "2023-11"},
    }
    (tmp_path / "m2").mkdir()
    (tmp_path / "m2" / "manifest.yaml").write_text(
        "- file: x/a.html\n  title: 乙\n  source_url: https://example.cn/a\n", encoding="utf-8")
    assert load_manifest(tmp_path / "m2") == {"x/a.html": {"title": "乙", "source_url": "https://example.cn/a"}}
    (tmp_path / "m3").mkdir()
    (tmp_path / "m3" / "manifest.csv").write_text(
        "\ufefffile,title,publisher,published\nc.txt,丙,新华社,2022-07-21T08:00:00\nd.txt,,,\n", encoding="utf-8")
    assert load_manifest(tmp_path / "m3") == {
        "c.txt": {"title": "丙", "publisher": "新华社", "published": "2022-07-21"},
        "d.txt": {},
    }
    assert load_manifest(tmp_path) == {}


@pytest.mark.parametrize("text", ["documents: [a, b", "documents:\n  - title: no file\n", "documents: 3\n"])
def test_bad_manifest_is_a_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "manifest.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match="manifest.yml"):
        load_manifest(tmp_path)


def test_manifest_lookup_walks_up_to_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    (root / "manifest.yml").write_text("documents:\n  a/b/x.txt: {title: 根}\n  y.txt: {title: 外}\n",
                                       encoding="utf-8")
    (root / "a" / "manifest.yml").write_text("documents:\n  b/z.txt: {title: 中}\n", encoding="utf-8")
    m = Manifests()
    assert m.lookup(root / "a" / "b" / "x.txt", root) == {"title": "根"}
    assert m.lookup(root / "a" / "b" / "z.txt", root) == {"title": "中"}
    assert m.lookup(root / "a" / "b" / "y.txt", root) == {}
    # a manifest above the ingest root is not consulted
    assert m.lookup(root / "a" / "b" / "x.txt", root / "a") == {}


def test_seed_manifest_covers_the_seed_corpus() -> None:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    entries = load_manifest(corpus)
    files = {f.rel for f in discover([corpus])}
    assert entries and set(entries) <= files
    assert all(e.get("publisher") for e in entries.values())


# ---------------------------------------------------------------- what is re-read


def _row(**kw) -> dict:
    row = {"sha256": "s", "status": "ok", "extractor_version": pipeline.__version__, "doc_type": "pdf",
           "title": "T", "publisher": "P", "published": "2024-01-02", "source_url": None, "author": None}
    return {**row, **kw}


def test_needs_reading() -> None:
    assert needs_reading(None, "s", {})
    assert not needs_reading(_row(), "s", {})
    assert needs_reading(_row(), "other", {})
    assert needs_reading(_row(), "s", {}, force=True)
    assert needs_reading(_row(extractor_version="0.0.0"), "s", {})
    # failures are not retried unless asked; encrypted files are when a password is given
    assert not needs_reading(_row(status="failed"), "s", {})
    assert needs_reading(_row(status="failed"), "s", {}, retry_failed=True)
    assert not needs_reading(_row(status="encrypted"), "s", {})
    assert needs_reading(_row(status="encrypted"), "s", {}, password="pw")
    # a PDF that needed OCR is read again once OCR is on, not again after OCR found nothing in it
    assert needs_reading(_row(status="needs_ocr"), "s", {}, ocr="auto")
    assert not needs_reading(_row(status="needs_ocr"), "s", {}, ocr="off", retry_failed=True)
    assert needs_reading(_row(status="needs_ocr", ocr_mode="off"), "s", {}, ocr="auto")
    assert not needs_reading(_row(status="needs_ocr", ocr_mode="auto"), "s", {}, ocr="auto", retry_failed=True)
    # a PDF read with another OCR mode is read again
    assert needs_reading(_row(ocr_mode="auto"), "s", {}, ocr="force")
    assert not needs_reading(_row(ocr_mode="force"), "s", {}, ocr="force")
    assert not needs_reading(_row(ocr_mode=None, doc_type="html"), "s", {}, ocr="force")
    # a manifest entry that differs from what is stored
    assert not needs_reading(_row(), "s", {"publisher": "P", "published": "2024-01-02"})
    assert needs_reading(_row(), "s", {"publisher": "Q"})
    assert needs_reading(_row(), "s", {"source_url": "https://example.cn"})
    # a PDF stored from the other engine is read again; rows without an engine (HTML) are not
    assert not needs_reading(_row(pdf_engine="pdfium"), "s", {})
    assert needs_reading(_row(pdf_engine="pdfplumber"), "s", {})
    assert not needs_reading(_row(pdf_engine="pdfplumber"), "s", {}, pdf_engine="pdfplumber")
    assert not needs_reading(_row(pdf_engine=None), "s", {}, pdf_engine="pdfplumber")


# ---------------------------------------------------------------- the worker's job


def test_extract_file_ok_and_date_from_the_document(tmp_path: Path) -> None:
    f = text_doc(tmp_path / "n.txt", 1)
    r = extract_file(f, "n.txt", "sha", f.stat().st_size)
    assert r.status == "ok" and r.error is None
    assert r.document.published == "2024-04-23"  # the closing date line
    assert r.sentences and r.facts
    assert {f.unit for f in r.facts} >= {"亿元", "%"}
    r = extract_file(f, "n.txt", "sha", f.stat().st_size, meta={"published": "2020-01-01", "publisher": "某厅"})
    assert (r.document.published, r.document.publisher) == ("2020-01-01", "某厅")


def test_extract_file_never_raises(tmp_path: Path) -> None:
    missing = extract_file(tmp_path / "gone.txt", "gone.txt", "", 0)
    assert missing.status == "failed" and "gone.txt" in missing.error
    assert str(tmp_path) not in missing.error  # messages name the stored path, not the temp folder
    big = tmp_path / "big.txt"
    big.write_text("数字" * 600_000, encoding="utf-8")
    r = extract_file(big, "big.txt", "", big.stat().st_size, max_text_bytes=1 << 20)
    assert r.status == "too_large" and r.error.startswith("DocumentTooLarge") and "--max-text-mb" in r.error
    assert not r.sentences and not r.facts


# ---------------------------------------------------------------- runs


def test_ingest_then_skip_unchanged(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "facts.db"
    first = ingest([corpus], db, workers=0)
    assert (first.files, first.ok, first.unchanged, first.failed) == (6, 6, 0, 0)
    assert first.facts == query(db, "select count(*) from facts")[0][0] > 0
    assert first.sentences == query(db, "select count(*) from sentences")[0][0]
    before = rows(db, "documents", drop=())
    second = ingest([corpus], db, workers=0)
    assert (second.ok, second.unchanged, second.facts) == (0, 6, 0)
    assert rows(db, "documents", drop=()) == before  # not even ingested_at moved
    assert query(db, "pragma journal_mode")[0][0] == "wal"


def test_changed_file_replaces_its_rows(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "facts.db"
    ingest([corpus], db, workers=0)
    old = doc_row(db, "a.txt")
    old_quotes = {q for (q,) in query(db, "select quote from facts where doc_id = ?", [old["id"]])}
    (corpus / "a.txt").write_text("2024年，全市新增数字贸易企业321家。\n", encoding="utf-8")
    s = ingest([corpus], db, workers=0)
    assert (s.ok, s.unchanged) == (1, 5)
    new = doc_row(db, "a.txt")
    assert new["id"] == old["id"] and new["sha256"] != old["sha256"]
    quotes = [q for (q,) in query(db, "select quote from facts where doc_id = ?", [new["id"]])]
    assert quotes == ["321家"] and not old_quotes & set(quotes)
    assert query(db, "select count(*) from sentences where doc_id = ?", [new["id"]]) == [(1,)]
    # the search index follows: the old sentences are gone from it
    fact_ids = {i for (i,) in query(db, "select id from facts")}
    assert {i for (i,) in query(db, "select rowid from facts_fts")} == fact_ids


def test_new_extractor_version_and_changed_manifest_are_re_read(tmp_path: Path, corpus: Path, monkeypatch) -> None:
    db = tmp_path / "facts.db"
    ingest([corpus], db, workers=0)
    (corpus / "manifest.yml").write_text("documents:\n  sub/e.txt:\n    publisher: 某市商务局\n", encoding="utf-8")
    s = ingest([corpus], db, workers=0)
    assert (s.ok, s.unchanged) == (1, 5)
    assert doc_row(db, "sub/e.txt")["publisher"] == "某市商务局"
    assert ingest([corpus], db, workers=0).unchanged == 6  # stable once stored
    monkeypatch.setattr(pipeline, "__version__", "9.9.9")  # the run's version: what to re-read
    monkeypatch.setattr(extract, "__version__", "9.9.9")  # the worker's: what it records
    s = ingest([corpus], db, workers=0)
    assert s.ok == 6
    assert {v for (v,) in query(db, "select extractor_version from documents")} == {"9.9.9"}


def test_workers_give_the_same_database_as_one_process(tmp_path: Path, corpus: Path) -> None:
    seen: list[str | None] = []

    def progress(result: Extraction | None, summary: Summary) -> None:
        seen.append(result.path if result is not None else None)

    totals: list[int] = []
    a = ingest([corpus], tmp_path / "a" / "a.db", workers=0)  # folders of their own: each keeps its sources
    b = ingest([corpus], tmp_path / "b" / "b.db", workers=2, progress=progress, on_total=totals.append)
    timing = {"seconds": 0, "store_seconds": 0}
    assert a.as_dict() | timing == b.as_dict() | timing
    for table in TABLES:
        assert rows(tmp_path / "a" / "a.db", table) == rows(tmp_path / "b" / "b.db", table), table
    # stored in discovery order, progress called for every file
    assert totals == [6]
    assert [p for p in seen if p] == ["a.txt", "b.html", "c.md", "d.pdf", "sub/e.txt", "sub/f.htm"]


def test_same_path_under_two_roots_is_two_documents(tmp_path: Path) -> None:
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        text_doc(tmp_path / name / "same.txt", 1 if name == "x" else 2)
    s = ingest([tmp_path / "x", tmp_path / "y"], tmp_path / "facts.db", workers=0)
    assert (s.ok, s.skipped, s.problems) == (2, 0, [])
    assert query(tmp_path / "facts.db", "select root, path from documents order by id") == [
        (str(tmp_path / "x"), "same.txt"), (str(tmp_path / "y"), "same.txt")]


@pytest.mark.parametrize("commit_docs", [1, 3])
def test_interrupt_keeps_what_was_committed_and_the_rerun_finishes(tmp_path: Path, corpus: Path, monkeypatch,
                                                                  commit_docs: int) -> None:
    monkeypatch.setattr(pipeline, "COMMIT_DOCS", commit_docs)
    monkeypatch.setattr(pipeline, "COMMIT_SECONDS", 60.0)
    db = tmp_path / "facts.db"

    def stop_after_four(result, summary) -> None:
        if summary.ok == 4:
            raise KeyboardInterrupt

    s = ingest([corpus], db, workers=2, progress=stop_after_four)
    committed = 4 if commit_docs == 1 else 3  # the open batch (the 4th document) is rolled back
    assert s.interrupted and s.ok == committed and s.facts == query(db, "select count(*) from facts")[0][0]
    assert query(db, "pragma integrity_check") == [("ok",)]
    assert [p for (p,) in query(db, "select path from documents order by id")] == ["a.txt", "b.html", "c.md",
                                                                                   "d.pdf"][:committed]
    rest = ingest([corpus], db, workers=2)
    assert (rest.ok, rest.unchanged, rest.interrupted) == (6 - committed, committed, False)
    ingest([corpus], tmp_path / "ref.db", workers=0)
    for table in TABLES:
        assert rows(db, table) == rows(tmp_path / "ref.db", table), table


def test_a_batch_keeps_each_document_atomic(tmp_path: Path, store) -> None:
    """A document that cannot be stored is rolled back alone; the others of its batch are kept."""
    docs = []
    for i, name in enumerate(["a.txt", "bad.txt", "c.txt"]):
        f = text_doc(tmp_path / name, i)
        docs.append(extract_file(f, name, f"sha{i}", f.stat().st_size))
    docs[1].facts[-1].sentence_index = 999  # points at no sentence: save_document raises half-way
    summary = Summary()
    writer = store_stage.Writer(store, summary, max_docs=10, max_age=60)
    for r in docs:
        writer.write(r)
    writer.commit()
    assert (summary.ok, summary.failed) == (2, 1)
    bad = store.document("bad.txt")
    assert bad["status"] == "failed" and "no sentence 999" in bad["error"]
    con = store.db.conn
    assert con.execute("select count(*) from sentences where doc_id = ?", [bad["id"]]).fetchone() == (0,)
    assert con.execute("select count(*) from facts where doc_id = ?", [bad["id"]]).fetchone() == (0,)
    for name, r in (("a.txt", docs[0]), ("c.txt", docs[2])):
        doc_id = store.document(name)["id"]
        assert con.execute("select count(*) from facts where doc_id = ?", [doc_id]).fetchone() == (len(r.facts),)
    # a batch rolled back (an interruption) takes its counts with it
    writer.write(docs[0].model_copy(update={"path": "again.txt"}))
    writer.rollback()
    assert store.document("again.txt") is None and (summary.ok, summary.failed) == (2, 1)


def test_an_interruption_just_after_a_commit_keeps_its_counts(tmp_path: Path, store) -> None:
    """Ctrl-C that lands as COMMIT returns: the batch is stored, so the summary keeps counting it."""
    summary = Summary()
    writer = store_stage.Writer(store, summary, max_docs=2, max_age=60)
    real_execute = store.db.execute

    def execute(sql, *args):
        result = real_execute(sql, *args)
        if sql == "COMMIT":
            raise KeyboardInterrupt  # after the commit, before commit() returns
        return result

    store.db.execute = execute
    docs = [extract_file(text_doc(tmp_path / f"{n}.txt", n), f"{n}.txt", str(n) * 64, 10) for n in (1, 2)]
    writer.write(docs[0])
    with pytest.raises(KeyboardInterrupt):
        writer.write(docs[1])
    writer.rollback()
    store.db.execute = real_execute
    assert summary.ok == 2 == store.db.execute("select count(*) from documents").fetchone()[0]


def test_inconsistent_extraction_fails_that_file_only(store) -> None:
    s = Sentence(index=0, page=None, paragraph=0, text="增长5%。", char_start=0, char_end=5)
    bad = Extraction(path="bad.txt", sha256="x", size_bytes=3,
                     document=ParsedDocument(path="bad.txt", doc_type="text", page_count=1),
                     sentences=[s], facts=[Fact(sentence_index=7, sentence="增长5%。", quote="5%", value=5)])
    summary = Summary()
    store_stage.store_result(store, bad, summary)
    row = store.document("bad.txt")
    assert row["status"] == "failed" and row["error"].startswith("StoreError") and row["doc_type"] == "text"
    assert store.counts()["sentences"] == 0 and summary.failed == 1


def test_policy_sentences_differ_between_documents() -> None:
    assert policy_sentences(1) != policy_sentences(2)


def test_a_script_without_main_guard_gets_a_clear_error(tmp_path: Path) -> None:
    import subprocess

    folder = tmp_path / "in"
    folder.mkdir()
    text_doc(folder / "a.txt", 1)
    script = tmp_path / "script.py"
    script.write_text("from extractor.ingest import ingest\n"
                      f"ingest([{str(folder)!r}], {str(tmp_path / 'f.db')!r}, workers=2)\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "WorkerPoolError" in run.stderr and "if __name__ == '__main__':" in run.stderr


def test_rows_the_store_refuses_fail_that_file_only(store, sample) -> None:
    """Rows prepared in a worker that break a CHECK constraint: the file fails, with its type kept."""
    from extractor.store.rows import prepare_document

    bad = Fact.model_construct(**{**sample["facts"][0].model_dump(), "kind": "bogus"})
    rows = prepare_document(sample["doc"], path="bad.pdf", sha256="x", size_bytes=3,
                            sentences=sample["sentences"], facts=[bad])
    summary = Summary()
    store_stage.store_result(store, Extraction(path="bad.pdf", sha256="x", size_bytes=3, rows=rows), summary)
    row = store.document("bad.pdf")
    assert row["status"] == "failed" and "IntegrityError" in row["error"]
    assert (row["doc_type"], row["page_count"]) == ("pdf", 3)
    assert store.counts()["facts"] == 0 and summary.failed == 1 and summary.ok == 0


def test_files_as_they_were_when_hashed_are_not_hashed_again(tmp_path: Path, corpus: Path, monkeypatch) -> None:
    """Hashing runs in the workers; a file whose size, times and inode are unchanged is not hashed
    (no worker starts), a touched one is hashed and, its content the same, not read."""
    from extractor.ingest.workers import Workers

    db = tmp_path / "facts.db"
    ingest([corpus], db, workers=2)
    assert query(db, "select count(*) from document_files where fingerprint is null") == [(0,)]
    hashed: list[Path] = []
    real_hash = Workers.hash

    def spy(self, file):
        hashed.append(file)
        return real_hash(self, file)

    monkeypatch.setattr(Workers, "hash", spy)
    monkeypatch.setattr(Workers, "submit", lambda self, job: pytest.fail(f"{job.rel} read again"))
    s = ingest([corpus], db, workers=2)
    assert (s.unchanged, hashed) == (6, [])
    os.utime(corpus / "a.txt", ns=(1, 1))
    before = query(db, "select fingerprint from document_files where path = 'a.txt'")
    s = ingest([corpus], db, workers=2)
    assert (s.unchanged, s.duplicates, [f.name for f in hashed]) == (6, 0, ["a.txt"])
    assert query(db, "select fingerprint from document_files where path = 'a.txt'") != before
    hashed.clear()
    assert ingest([corpus], db, workers=2).unchanged == 6 and hashed == []
