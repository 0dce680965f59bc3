"""Hostile batches (issue 20): the seed corpus mixed with every hostile input, and fuzzed files.

* The hostile batch — a decompression bomb, a FIFO, links that loop, escape the root or lead
  to a device, names that are not UTF-8 or hold escape sequences and line breaks, manifests that
  are broken or give a date that is no date, truncated, encrypted, corrupt and half-broken PDFs —
  mixed into the seed corpus: the command finishes under its time limits, every file is
  accounted for, and the corpus's rows are the same, byte for byte, as from a clean run.
* The fuzz test feeds random and mutated PDFs and HTML pages through an ingest of a database
  that holds good documents: no crash of the batch, a status for every file, the earlier rows
  intact, ``PRAGMA integrity_check`` ok.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import (  # noqa: E402
    bomb_pdf,
    broken_page_pdf,
    corrupt_pdf,
    empty_file,
    encrypted_pdf,
    html_doc,
    markdown_doc,
    policy_pdf,
    text_doc,
    truncated_pdf,
)

from extractor.ingest.job import STATUSES  # noqa: E402
from extractor.ingest.pipeline import ingest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("policy-facts")
CMD = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "extractor.cli"]


def content(db: Path, paths: set[str] | None = None) -> dict[str, dict[str, list]]:
    """Everything stored for each document (by its path), without row ids, roots or times."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for doc_id, path in con.execute("select id, path from documents"):
            if paths is not None and path not in paths:
                continue
            cols = [r[1] for r in con.execute("pragma table_info(documents)")
                    if r[1] not in ("id", "root", "ingested_at")]
            one = {"document": con.execute(f"select {', '.join(cols)} from documents where id = ?", [doc_id]).fetchall()}
            for table, order in (("sentences", "idx"), ("tables", "idx"), ("facts", "id"), ("claims", "id"),
                                 ("entities", "id")):
                cols = [r[1] for r in con.execute(f"pragma table_info({table})")
                        if r[1] not in ("id", "doc_id") and not r[1].endswith("_id")]
                one[table] = con.execute(f"select {', '.join(cols)} from {table} where doc_id = ? order by {order}",
                                         [doc_id]).fetchall()
            one["cells"] = con.execute(
                "select t.idx, c.row, c.col, c.text, c.row_header, c.col_header, f.quote from table_cells c "
                "join tables t on t.id = c.table_id left join facts f on f.id = c.fact_id where t.doc_id = ? "
                "order by t.idx, c.row, c.col", [doc_id]).fetchall()
            out[path] = one
        return out
    finally:
        con.close()


def stored_files(db: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return {p: (s, e or "") for p, s, e in con.execute(
            "select f.path, d.status, d.error from document_files f join documents d on d.id = f.doc_id")}
    finally:
        con.close()


def checks_pass(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert con.execute("pragma foreign_key_check").fetchall() == []
    finally:
        con.close()


def entries(folder: Path) -> set[str]:
    """Every entry a user would expect an answer about: files, links, FIFOs (not manifests, not folders)."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in filenames + links:
            if not name.startswith("manifest."):
                rel = os.path.relpath(os.path.join(dirpath, name), folder)
                out.add(rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    return out


def hostile_files(folder: Path, outside: Path) -> None:
    """Every hostile input, into ``folder`` (``outside``: a folder the links escape to)."""
    (outside / "passwd").write_text("root:x:0:0:SECRET-TOKEN\n2023年收入1234.5亿元。\n", encoding="utf-8")
    bomb_pdf(folder / "bomb.pdf", mb=600)
    os.mkfifo(folder / "fifo.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "escape.txt").symlink_to(outside / "passwd")
    (folder / "escape-dir").symlink_to(outside)
    (folder / "hostile").mkdir()
    (folder / "hostile" / "loop").symlink_to("..")
    (folder / "hostile" / "dangling.txt").symlink_to(folder / "nowhere")
    truncated_pdf(folder / "hostile" / "truncated.pdf")
    encrypted_pdf(folder / "hostile" / "encrypted.pdf", "s3cret")
    corrupt_pdf(folder / "hostile" / "corrupt.pdf")
    broken_page_pdf(folder / "hostile" / "half.pdf")
    empty_file(folder / "hostile" / "empty.md")
    for n, raw in enumerate((b"caf\xe9.txt", b"\xff\xfe.html", b"new\nline.txt", b"-rf.txt", b"x" * 240 + b".txt",
                             b"esc\x1b[31mred\x1b[0m.txt")):
        path = Path(os.fsdecode(os.fsencode(folder / "hostile") + b"/" + raw))
        text_doc(path, 100 + n)
    (folder / "bad-manifest").mkdir()
    text_doc(folder / "bad-manifest" / "a.txt", 11)
    (folder / "bad-manifest" / "manifest.yml").write_text("documents: [a.txt, {", encoding="utf-8")
    (folder / "bad-date").mkdir()
    text_doc(folder / "bad-date" / "a.txt", 12)
    text_doc(folder / "bad-date" / "b.txt", 13)
    (folder / "bad-date" / "manifest.yml").write_text(
        "documents:\n  a.txt: {published: 'May 2024'}\n  b.txt: {published: 2024-05-01}\n", encoding="utf-8")


def test_a_hostile_batch_mixed_into_the_corpus(tmp_path: Path) -> None:
    clean, mixed, outside = tmp_path / "clean", tmp_path / "mixed", tmp_path / "outside"
    shutil.copytree(ROOT / "corpus", clean)
    shutil.copytree(ROOT / "corpus", mixed)
    outside.mkdir()
    hostile_files(mixed, outside)
    args = ["--workers", "2", "--timeout", "60", "--memory-mb", "400", "--json"]
    ref = subprocess.run([*CMD, "ingest", str(clean), "--db", str(tmp_path / "clean.db"), *args], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    assert ref.returncode == 0, ref.stderr
    for flags in ([], ["--follow-symlinks"]):
        run = subprocess.run([*CMD, "ingest", str(mixed), "--db", str(tmp_path / "mixed.db"), *args, *flags],
                             capture_output=True, text=True, cwd=ROOT, timeout=900)
        assert run.returncode == 2, run.stderr  # files failed; nothing crashed, nothing hung
        summary = json.loads(run.stdout)
    stored = stored_files(tmp_path / "mixed.db")
    # every file accounted for: a status each
    assert entries(mixed) - {"hostile/loop"} <= set(stored) | {"hostile/loop"}
    assert all(s in STATUSES for s, _ in stored.values())
    assert stored["bomb.pdf"][0] == "too_large" and stored["hostile/half.pdf"][0] == "partial"
    assert stored["fifo.txt"][0] == stored["zero.txt"][0] == stored["escape.txt"][0] == "skipped"
    assert stored["escape-dir"][0] == stored["hostile/loop"][0] == "skipped"
    assert stored["hostile/encrypted.pdf"][0] == "encrypted" and stored["hostile/truncated.pdf"][0] == "failed"
    assert stored["bad-manifest/a.txt"][1].startswith("ManifestError: bad-manifest/manifest.yml: not valid YAML")
    assert stored["bad-date/a.txt"][1].startswith("ManifestError: bad-date/manifest.yml: a.txt: published 'May 2024' "
                                                  "is not a date")
    assert stored["hostile/dangling.txt"] == ("skipped", "SymbolicLink: leads nowhere (or round in a loop)")
    assert stored["bad-date/b.txt"][0] == "ok" and stored["hostile/caf\\xe9.txt"][0] == "ok"
    assert stored["hostile/esc\x1b[31mred\x1b[0m.txt"][0] == "ok" and stored["hostile/new\nline.txt"][0] == "ok"
    assert "\x1b" not in run.stderr and summary["unchanged"] > 0
    # the corpus's rows: the same as from a clean run
    corpus = {p.name for p in clean.iterdir() if p.name != "manifest.yml"}
    assert content(tmp_path / "mixed.db", corpus) == content(tmp_path / "clean.db")
    text = json.dumps(content(tmp_path / "mixed.db"), ensure_ascii=False)
    assert "SECRET-TOKEN" not in text
    checks_pass(tmp_path / "mixed.db")


MUTATIONS = ("flip", "truncate", "splice", "insert", "zero", "repeat")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` damaged one way or several: bits flipped, cut short, spliced, bytes inserted."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        how = rng.choice(MUTATIONS)
        at = rng.randrange(max(1, len(b)))
        if how == "flip":
            for _ in range(rng.randint(1, 40)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
        elif how == "truncate":
            del b[at:]
        elif how == "splice":
            j = rng.randrange(max(1, len(b)))
            b[at:at] = b[j:j + rng.randint(1, 4096)]
        elif how == "insert":
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 512)))
        elif how == "zero":
            b[at:at + rng.randint(1, 2048)] = bytes(min(2048, len(b) - at))
        else:
            b[at:at] = b[at:at + 64] * rng.randint(2, 200)
    return bytes(b)


def test_fuzzed_pdfs_and_html_never_break_the_batch(tmp_path: Path) -> None:
    good, fuzz, db = tmp_path / "corpus" / "good", tmp_path / "corpus" / "fuzz", tmp_path / "facts.db"
    good.mkdir(parents=True)
    fuzz.mkdir()
    seeds = [policy_pdf(good / "report.pdf", 1, pages=2), html_doc(good / "news.html", 2),
             markdown_doc(good / "blog.md", 3), text_doc(good / "notice.txt", 4),
             broken_page_pdf(good / "half.pdf")]
    first = ingest([tmp_path / "corpus"], db, workers=2, timeout=30)
    assert first.ok == 4 and first.partial == 1
    before = content(db)
    rng = random.Random(20)
    made = []
    for n in range(36):
        seed = seeds[n % 2] if n % 3 else rng.choice(seeds)
        data = mutate(seed.read_bytes(), rng)
        if n % 9 == 8:  # random bytes, or random bytes behind a header
            data = rng.choice([b"", b"%PDF-1.7\n", b"<!DOCTYPE html><html><body>"]) + rng.randbytes(rng.randint(0, 6000))
        made.append(f"fuzz/{n:02d}{seed.suffix}")
        (fuzz / f"{n:02d}{seed.suffix}").write_bytes(data)
    s = ingest([tmp_path / "corpus"], db, workers=2, timeout=30, memory_mb=500)
    assert not s.interrupted and s.unchanged == len(seeds)
    assert s.done == s.files == len(seeds) + len(made)
    stored = stored_files(db)
    assert set(made) <= set(stored) and all(stored[m][0] in STATUSES for m in made)
    assert {p: c for p, c in content(db).items() if p in before} == before  # earlier rows intact
    checks_pass(db)
