"""Sources kept beside the database: db/sources/<sha256>.<ext>, hard-linked or copied, by content only."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from fixtures_pdf import make_ruled_pdf

from extractor.ingest.discover import fingerprint
from extractor.ingest.pipeline import ingest
from extractor.store.sources import keep, kept_source, source_name, sources_dir

NEWS = "# 外贸快讯\n\n今年一季度全市外贸进出口总额1234.5亿元，同比增长6.7%。\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    make_ruled_pdf(folder / "report.pdf")
    (folder / "news.md").write_text(NEWS, encoding="utf-8")
    (folder / "notes.txt").write_text("本报讯 全年粮食产量达到650亿斤，比上年增加2.3%。\n", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>统计公报</title></head><body><p>全年地区生产总值增长5.2%，达到8765亿元。</p></body></html>",
        encoding="utf-8")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(corpus: Path, db: Path, **kw):
    return ingest([corpus], db, workers=0, **kw)


def test_every_stored_document_keeps_its_source_by_content(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db" / "facts.db"
    summary = _run(corpus, db)
    folder = tmp_path / "db" / "sources"
    assert summary.ok == 4 and (summary.sources_kept, summary.sources_missing) == (4, 0)
    names = {p.name for p in folder.iterdir()}
    expected = {f"{_sha(corpus / 'report.pdf')}.pdf", f"{_sha(corpus / 'news.md')}.md",
                f"{_sha(corpus / 'notes.txt')}.txt", f"{_sha(corpus / 'page.html')}.html"}
    assert names == expected
    for name in names:
        kept = folder / name
        original = next(p for p in corpus.iterdir() if _sha(p) == name.split(".")[0])
        assert kept.read_bytes() == original.read_bytes()
        assert os.stat(kept).st_ino == os.stat(original).st_ino  # a hard link: no space taken


def test_a_second_run_hashes_nothing_again(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    _run(corpus, db)
    con = sqlite3.connect(db)
    recorded = dict(con.execute("select path, fingerprint from document_files"))
    con.close()
    # linking changed each file's change time: the recorded fingerprint was renewed with it
    assert all(recorded[p.name] == fingerprint(os.stat(p)) for p in corpus.iterdir())
    again = _run(corpus, db)
    assert (again.unchanged, again.sources_kept, again.read) == (4, 0, 0)


def test_sources_deleted_come_back_on_the_next_run(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    _run(corpus, db, keep_sources=False)
    assert not sources_dir(db).exists()
    summary = _run(corpus, db)
    assert summary.unchanged == 4 and summary.sources_kept == 4
    shutil.rmtree(sources_dir(db))
    assert _run(corpus, db).sources_kept == 4


def test_a_file_changed_since_it_was_read_is_not_kept_under_the_old_content(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    _run(corpus, db, keep_sources=False)
    news = corpus / "news.md"
    old = _sha(news)
    news.write_text(NEWS.replace("1234.5", "9999.9"), encoding="utf-8")
    from extractor.ingest.keep_sources import keep_sources
    from extractor.store.database import Store

    with Store(db) as store:
        kept, missing = keep_sources(store, db)
    assert (kept, missing) == (3, 1)
    assert not (sources_dir(db) / f"{old}.md").exists()


def test_a_copy_when_the_file_system_cannot_link(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    def no_link(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    source = corpus / "report.pdf"
    name = source_name(_sha(source), "pdf")
    assert keep(source, tmp_path / "kept", name) is False
    kept = tmp_path / "kept" / name
    assert kept.read_bytes() == source.read_bytes() and os.stat(kept).st_ino != os.stat(source).st_ino
    assert not [p for p in (tmp_path / "kept").iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 64, "a" * 63, "a" * 64 + "/x", "", "a" * 64 + "\x00"])
def test_names_are_made_of_a_sha256_only(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        source_name(bad, "pdf")
    assert kept_source(tmp_path, bad, "pdf") is None


def test_a_kept_source_of_another_size_is_no_source(tmp_path: Path) -> None:
    sha = "ab" * 32
    (tmp_path / f"{sha}.pdf").write_bytes(b"%PDF-1.4 edited in place")
    assert kept_source(tmp_path, sha, "pdf") == tmp_path / f"{sha}.pdf"
    assert kept_source(tmp_path, sha, "pdf", size_bytes=24) is not None
    assert kept_source(tmp_path, sha, "pdf", size_bytes=999) is None
    assert source_name(sha, "html", "a/b.MD") == f"{sha}.md"
    assert source_name(sha, "text", "notes") == f"{sha}.txt"
    assert source_name(sha, "pdf", "x.html") == f"{sha}.pdf"


def test_the_kept_sources_are_not_ingested_as_documents(corpus: Path) -> None:
    db = corpus / "db" / "facts.db"  # the database inside the folder ingested
    first = _run(corpus, db)
    again = _run(corpus, db)
    assert first.files == again.files == 4 and again.duplicates == 0


def test_cli_no_keep_sources(corpus: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extractor.cli import cli

    db = tmp_path / "out" / "facts.db"
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--workers", "0", "--no-keep-sources",
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "sources").exists()
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0 and "sources kept" in result.output
    assert len(list((tmp_path / "out" / "sources").iterdir())) == 4
