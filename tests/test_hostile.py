"""Hostile input (issue 20): document identity, safe discovery, honest statuses, names, dates.

Every hostile file is made by the test itself. Tests that could hang on the old code run the
command line in a subprocess with a time limit.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import (  # noqa: E402
    PAGE_ONE_TEXT,
    bomb_pdf,
    broken_page_pdf,
    corrupt_pdf,
    empty_file,
    html_doc,
    policy_pdf,
    text_doc,
)

from extractor.ingest.discover import NotRegularFile, hash_file, printable  # noqa: E402
from extractor.ingest.pipeline import ingest  # noqa: E402
from extractor.parse import is_pdf, sniff_kind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("policy-facts")
CMD = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "extractor.cli"]


def cli(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def query(db: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def files(db: Path) -> dict[tuple[str, str], tuple[int, str, str]]:
    """{(root, path): (doc_id, status, error)} of every file stored."""
    rows = query(db, "select f.root, f.path, d.id, d.status, coalesce(d.error, '') from document_files f "
                     "join documents d on d.id = f.doc_id")
    return {(r, p): (d, s, e) for r, p, d, s, e in rows}


def by_path(db: Path) -> dict[str, tuple[int, str, str]]:
    return {p: v for (_, p), v in files(db).items()}


@contextmanager
def deadline(seconds: int):
    """Fail (instead of hanging forever) when the block takes longer than ``seconds``."""
    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: it hangs")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- identity


def test_a_file_of_the_same_name_under_another_root_is_another_document(tmp_path: Path) -> None:
    corpus, other, db = tmp_path / "corpus", tmp_path / "other", tmp_path / "facts.db"
    corpus.mkdir()
    other.mkdir()
    policy_pdf(corpus / "000_report.pdf", 1)
    text_doc(corpus / "notice.txt", 2)
    ingest([corpus], db, workers=0)
    facts = query(db, "select count(*) from facts")[0][0]
    assert facts > 0
    empty_file(other / "000_report.pdf")  # the same name, nothing in it
    s = ingest([other], db, workers=0)
    assert s.failed == 1
    assert query(db, "select count(*) from facts")[0][0] == facts  # nothing replaced
    stored = files(db)
    assert stored[(str(corpus), "000_report.pdf")][1] == "ok"
    assert stored[(str(other), "000_report.pdf")][1:] == ("failed", "EmptyDocument: 000_report.pdf: the file is empty")
    assert ingest([corpus, other], db, workers=0).unchanged == 3


def test_the_same_content_under_two_paths_is_stored_once_with_both_files(tmp_path: Path) -> None:
    x, y, db = tmp_path / "x", tmp_path / "y", tmp_path / "facts.db"
    (x / "sub").mkdir(parents=True)
    y.mkdir()
    text_doc(x / "a.txt", 1)
    for copy in (x / "sub" / "copy.txt", y / "again.txt"):
        copy.write_bytes((x / "a.txt").read_bytes())
    s = ingest([x, y], db, workers=2)
    assert (s.ok, s.duplicates, s.files) == (1, 2, 3)
    assert query(db, "select root, path from documents") == [(str(x), "a.txt")]
    assert set(files(db)) == {(str(x), "a.txt"), (str(x), "sub/copy.txt"), (str(y), "again.txt")}
    facts = query(db, "select count(*) from facts")[0][0]
    assert facts == s.facts > 0
    assert ingest([x, y], db, workers=0).unchanged == 3
    # a.txt changes: a document of its own; the old content keeps its other files, and a new first path
    text_doc(x / "a.txt", 2)
    s = ingest([x, y], db, workers=0)
    assert (s.ok, s.unchanged) == (1, 2)
    assert query(db, "select id, root, path from documents order by id") == [
        (1, str(x), "sub/copy.txt"), (2, str(x), "a.txt")]
    assert by_path(db)["again.txt"][0] == 1


def test_prune_forgets_the_files_that_are_gone_under_the_folders_given(tmp_path: Path) -> None:
    x, y, db = tmp_path / "x", tmp_path / "y", tmp_path / "facts.db"
    x.mkdir()
    y.mkdir()
    for i, name in enumerate(("a.txt", "b.txt", "c.txt")):
        text_doc(x / name, i)
    (x / "copy-of-a.txt").write_bytes((x / "a.txt").read_bytes())
    text_doc(y / "d.txt", 9)
    ingest([x, y], db, workers=0)
    (x / "a.txt").unlink()
    (x / "b.txt").unlink()
    assert ingest([x], db, workers=0).pruned_files == 0  # only with prune
    assert len(files(db)) == 5
    s = ingest([x], db, workers=0, prune=True)
    assert (s.pruned_files, s.pruned_documents) == (2, 1)  # a's content lives on in its copy
    assert sorted(by_path(db)) == ["c.txt", "copy-of-a.txt", "d.txt"]  # another root is not touched
    assert query(db, "select id, path from documents order by id") == [(1, "copy-of-a.txt"), (3, "c.txt"), (4, "d.txt")]
    fact_docs = {d for (d,) in query(db, "select distinct doc_id from facts")}
    assert fact_docs == {d for (d,) in query(db, "select id from documents")}
    assert query(db, "pragma foreign_key_check") == []


# ---------------------------------------------------------------- names


def test_names_that_are_not_utf8_are_stored_escaped_and_found_unchanged_again(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    folder.mkdir()
    text_doc(tmp_path / "model.txt", 1)
    raw = os.fsencode(folder) + b"/caf\xe9 \xff.txt"
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, (tmp_path / "model.txt").read_bytes())
    os.close(fd)
    corrupt_pdf(Path(os.fsdecode(os.fsencode(folder) + b"/bad\xfe.pdf")))
    run = cli("ingest", folder, "--db", db, "--workers", "2", "--json")
    assert run.returncode == 2, run.stderr  # the corrupt PDF; no crash
    summary = json.loads(run.stdout)
    assert (summary["ok"], summary["failed"]) == (1, 1)
    stored = by_path(db)
    assert stored["caf\\xe9 \\xff.txt"][1] == "ok" and stored["bad\\xfe.pdf"][1] == "failed"
    assert "bad\\xfe.pdf" in stored["bad\\xfe.pdf"][2]
    again = json.loads(cli("ingest", folder, "--db", db, "--json").stdout)
    assert again["unchanged"] == 2


def test_escape_sequences_in_names_do_not_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    evil = "evil\x1b[2J\x1b]0;owned\x07\u202egnp.pdf"
    corrupt_pdf(folder / evil)
    run = cli("ingest", folder, "--db", tmp_path / "facts.db", "--workers", "0")
    assert run.returncode == 2
    out = run.stdout + run.stderr
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out
    assert by_path(tmp_path / "facts.db")[evil][1] == "failed"  # the database keeps the real name
    assert printable("a\nb\x9bc\udcff") == "a\\x0ab\\x9bc\\xff"


# ---------------------------------------------------------------- discovery


def test_fifos_and_links_to_devices_never_hang(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    folder.mkdir()
    text_doc(folder / "good.txt", 1)
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    for flags in ([], ["--follow-symlinks"]):
        run = cli("ingest", folder, "--db", db, "--workers", "2", "--json", "--timeout", "20", *flags, timeout=180)
        assert run.returncode == 0, run.stderr
    stored = by_path(db)
    assert stored["good.txt"][1] == "ok"
    assert stored["pipe.txt"][1:] == ("skipped", "NotRegularFile: a FIFO; not read")
    assert stored["zero.txt"][1:] == ("skipped", "SymbolicLink: leads out of the ingest root; not followed")
    with deadline(20):
        with pytest.raises(NotRegularFile, match="FIFO"):
            hash_file(folder / "pipe.txt")
        with pytest.raises(NotRegularFile, match="symbolic link"):
            hash_file(folder / "zero.txt")
    assert hash_file(folder / "good.txt")[1] == (folder / "good.txt").stat().st_size


def test_links_are_not_followed_out_of_the_root(tmp_path: Path) -> None:
    secret = tmp_path / "etc"
    secret.mkdir()
    (secret / "passwd.txt").write_text("root:x:0:0:SECRET-TOKEN 2023年收入1234.5亿元。\n", encoding="utf-8")
    inbox, db = tmp_path / "inbox", tmp_path / "facts.db"
    inbox.mkdir()
    text_doc(inbox / "good.txt", 1)
    (inbox / "a.txt").symlink_to(secret / "passwd.txt")
    (inbox / "etc").symlink_to(secret)
    (inbox / "alias.txt").symlink_to(inbox / "good.txt")
    (inbox / "loop").symlink_to(inbox)
    with deadline(120):
        plain = ingest([inbox], db, workers=0)
    assert (plain.ok, plain.skipped) == (1, 4)
    assert {p: v[1] for p, v in by_path(db).items()} == {
        "good.txt": "ok", "a.txt": "skipped", "etc": "skipped", "alias.txt": "skipped", "loop": "skipped"}
    with deadline(120):
        followed = ingest([inbox], db, workers=0, follow_symlinks=True)
    stored = by_path(db)
    assert stored["a.txt"][1:] == ("skipped", "SymbolicLink: leads out of the ingest root; not followed")
    assert stored["etc"][1:] == ("skipped", "SymbolicLink: a folder out of the ingest root; not followed")
    assert stored["loop"][1:] == ("skipped", "SymbolicLink: a folder already walked (a loop); not followed")
    assert stored["alias.txt"][0] == stored["good.txt"][0]  # inside the root: another file of the same document
    assert followed.duplicates == 1
    text = "".join(t for (t,) in query(db, "select text from sentences"))
    assert "SECRET-TOKEN" not in text and "SECRET" not in "".join(e for _, _, e in stored.values())


def test_an_unreadable_folder_is_reported_and_its_files_kept(tmp_path: Path, monkeypatch) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    (folder / "locked").mkdir(parents=True)
    text_doc(folder / "a.txt", 1)
    text_doc(folder / "locked" / "b.txt", 2)
    ingest([folder], db, workers=0)
    (folder / "locked").chmod(0)
    scandir = os.scandir

    def guarded(path="."):  # root may list anything: do what the permission says for everyone else
        if os.stat(path).st_mode & 0o777 == 0:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    try:
        s = ingest([folder], db, workers=0, prune=True)
    finally:
        (folder / "locked").chmod(0o755)
    assert (s.unreadable, s.unchanged, s.pruned_files, s.incomplete) == (1, 1, 0, 1)
    assert s.problems == [{"path": "locked/", "status": "unreadable",
                           "error": "PermissionError: cannot list the folder: Permission denied"}]
    assert sorted(by_path(db)) == ["a.txt", "locked/b.txt"]  # not pruned: it may still be there


# ---------------------------------------------------------------- honest statuses


def test_a_page_that_fails_makes_the_document_partial_and_is_named(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    folder.mkdir()
    broken_page_pdf(folder / "half.pdf")
    s = ingest([folder], db, workers=1)
    (doc_id, status, error), = by_path(db).values()
    assert (s.partial, status) == (1, "partial")
    assert error.startswith("PageError: page 2 could not be read and is missing (page 2: ")
    assert query(db, "select group_concat(text, ' ') from sentences where doc_id = ?", [doc_id])[0][0] == PAGE_ONE_TEXT
    assert s.problems[0]["status"] == "partial" and s.incomplete == 1


def test_a_decompression_bomb_is_too_large(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    folder.mkdir()
    bomb_pdf(folder / "bomb.pdf", mb=600)
    text_doc(folder / "good.txt", 1)
    s = ingest([folder], db, workers=1, memory_mb=150, timeout=120)
    stored = by_path(db)
    assert stored["bomb.pdf"][1] == "too_large" and "MemoryError" in stored["bomb.pdf"][2]
    assert stored["good.txt"][1] == "ok" and (s.too_large, s.ok) == (1, 1)


# ---------------------------------------------------------------- what a PDF is


def test_the_pdf_header_counts_only_at_the_start() -> None:
    assert is_pdf(b"%PDF-1.7\n%\xe2\xe3")
    assert is_pdf(b"\xef\xbb\xbf\r\n  %PDF-1.4\n")  # a BOM and blank lines before it
    assert is_pdf(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n")  # a saved response
    assert not is_pdf(b"This text mentions %PDF-1.4 in passing.")
    assert not is_pdf(b"<html><body><pre>\n%PDF-1.4\n</pre>")  # markup before it: a page quoting it
    assert not is_pdf(b"\n" * 1030 + b"%PDF-1.4")  # beyond the first KB
    page = "<!DOCTYPE html><html><head><title>PDF 格式说明</title></head><body><p>文件以%PDF-1.7开头。</p></body></html>"
    assert sniff_kind(page.encode()) == "html"


def test_an_html_page_that_mentions_the_pdf_header_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    html_doc(folder / "news.html", 3)
    data = (folder / "news.html").read_text(encoding="utf-8")
    (folder / "news.html").write_text(data.replace("<body>", "<body><p>附件：报告.pdf（%PDF-1.7）</p>", 1),
                                      encoding="utf-8")
    s = ingest([folder], tmp_path / "facts.db", workers=0)
    assert (s.ok, s.failed) == (1, 0) and s.facts > 0


# ---------------------------------------------------------------- dates and manifests


def test_manifest_dates_and_entries_are_checked_one_by_one(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "facts.db"
    folder.mkdir()
    for i, name in enumerate(("a.txt", "b.txt", "c.txt", "d.txt")):
        text_doc(folder / name, i)
    (folder / "manifest.yml").write_text(
        "documents:\n  a.txt: {published: 'May 2024'}\n  b.txt: {published: 2024-05-01, publisher: 某市商务局}\n"
        "  c.txt: {title: &x [1, 2, 3]}\n  d.txt: {published: 2024-05}\n", encoding="utf-8")
    run = cli("ingest", folder, "--db", db, "--workers", "0", "--json")
    assert run.returncode == 2
    summary = json.loads(run.stdout)
    assert (summary["ok"], summary["failed"]) == (2, 2)
    stored = by_path(db)
    assert stored["a.txt"][1] == "failed" and "published 'May 2024' is not a date: write it as 2024-05-01" in \
        stored["a.txt"][2] and stored["a.txt"][2].startswith("ManifestError: ")
    assert stored["c.txt"][1] == "failed" and "expected a single value" in stored["c.txt"][2]
    assert query(db, "select path, published from documents where status = 'ok' order by path") == [
        ("b.txt", "2024-05-01"), ("d.txt", "2024-05")]


def test_a_manifest_that_is_a_fifo_or_a_link_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    text_doc(folder / "a.txt", 1)
    text_doc(folder / "sub" / "b.txt", 2)
    os.mkfifo(folder / "manifest.yml")
    (folder / "sub" / "manifest.csv").symlink_to("/dev/zero")
    run = cli("ingest", folder, "--db", tmp_path / "facts.db", "--workers", "0", "--json", timeout=120)
    summary = json.loads(run.stdout)
    errors = {p["path"]: p["error"] for p in summary["problems"]}
    assert "a FIFO, not a regular file" in errors["a.txt"]
    assert "manifest.csv: a symbolic link, not a regular file" in errors["sub/b.txt"]
    assert run.returncode == 2 and summary["failed"] == 2
