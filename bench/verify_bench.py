"""Verify benchmark: a 3,000-character article against a database of 100,000 facts.

    python bench/verify_bench.py                      # builds bench/out/verify-100000.db first if missing
    python bench/verify_bench.py --facts 200000 --runs 7
    python bench/verify_bench.py --db some.db         # any facts database

The database is made from a seed database (``--seed-db``, default
``db/real.db``: ``policy-facts ingest ../shared/realdocs corpus --db db/real.db``)
copied until it holds ``--facts`` facts: every copy is a new document whose
figures have other values (scaled by a factor per copy) and other years, with
its sentences, tables, cells and full-text entries, so that the metric channel
finds many facts about the same metrics and few of the same value — a
realistic worst case for the matcher. The article is the
``tests/verify_articles`` articles joined up to ``--chars`` characters.

Prints the time of the first verification (jieba's dictionary and the
gazetteer load once per process) and the median and maximum wall time of
``--runs`` more with their median CPU time, the figures checked and their
statuses, and the machine's load average (a wall time taken while the load is
well above the cores is stretched by the other processes; CPU time much less).
Timing is not a test: the suite never asserts on speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 1.0


_REFS = {"doc_id": "documents", "sentence_id": "sentences", "table_id": "tables", "fact_id": "facts"}


def _shifted(col: str, table: str, off: dict[str, int], copy: int, factor: float, years: int) -> str:
    """The SQL expression copying column ``col`` of ``table`` into copy number ``copy``."""
    if col == "id":
        return f"id + {off[table]}"
    if col in _REFS:
        return f"{col} + {off[_REFS[col]]}"
    if table == "documents" and col in ("path", "sha256"):
        return f"{col} || '#{copy}'"
    if table == "facts" and col in ("value", "value_norm", "low", "high"):
        return f"{col} * {factor}"
    if table == "facts" and col == "period":
        return (f"case when period glob '[12][0-9][0-9][0-9]*' then cast(substr(period, 1, 4) + {years} "
                "as text) || substr(period, 5) else period end")
    return col


def build(seed: Path, dest: Path, n_facts: int) -> None:
    """``dest``: ``seed`` copied document by document until it holds ``n_facts`` facts."""
    from extractor.store.database import Store
    from extractor.store.search import FTS_TABLE, index_text

    tmp = dest.with_suffix(".tmp")
    shutil.copyfile(seed, tmp)
    with Store(tmp):  # the current schema and indexes
        pass
    conn = sqlite3.connect(tmp)
    have = conn.execute("select count(*) from facts").fetchone()[0]
    if have == 0:
        raise SystemExit(f"{seed} holds no facts")
    cols = {t: [r[1] for r in conn.execute(f"pragma table_info({t})")] for t in
            ("documents", "sentences", "tables", "table_cells", "facts")}
    sentences = {i: index_text(s) for i, s in conn.execute("select id, sentence from facts")}
    seed_max = {t: conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0] for t in cols}
    copy = 0
    while have < n_facts:
        copy += 1
        off = {t: conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0] for t in cols}
        factor = 0.37 + (copy * 0.6180339887) % 2.0  # other values, never the seed's own
        years = copy % 9 - 4 or 5
        for table in ("documents", "sentences", "tables", "facts", "table_cells"):
            names = cols[table]
            conn.execute(f"insert into {table} ({', '.join(names)}) select "
                         f"{', '.join(_shifted(c, table, off, copy, factor, years) for c in names)} "
                         f"from {table} where id <= ?",
                         [seed_max[table]])
        conn.executemany(f"insert into {FTS_TABLE} (rowid, sentence) values (?, ?)",
                         [(i + off["facts"], s) for i, s in sentences.items()])
        conn.commit()
        have = conn.execute("select count(*) from facts").fetchone()[0]
        print(f"  copy {copy}: {have} facts", file=sys.stderr)
    conn.execute("analyze")
    conn.commit()
    conn.close()
    tmp.rename(dest)


def article(chars: int) -> str:
    """The evaluation articles joined, cut at a sentence end near ``chars`` characters."""
    from extractor.parse.markdown import split_front_matter

    text = ""
    for path in sorted((ROOT / "tests" / "verify_articles").glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        text += body.strip() + "\n\n"
        if len(text) >= chars:
            break
    cut = text.rfind("。", 0, chars)
    return text[: cut + 1 if cut > 0 else chars]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--facts", type=int, default=100_000)
    ap.add_argument("--seed-db", type=Path, default=ROOT / "db" / "real.db")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--chars", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--date", default="2024-03-27")
    args = ap.parse_args()

    db = args.db or HERE / "out" / f"verify-{args.facts}.db"
    if not db.exists():
        if not args.seed_db.exists():
            raise SystemExit(f"no seed database {args.seed_db}: run `policy-facts ingest ../shared/realdocs corpus "
                             f"--db {args.seed_db}` first")
        db.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {db} from {args.seed_db} …", file=sys.stderr)
        build(args.seed_db, db, args.facts)

    from extractor.checks.verify import verify_text

    text = article(args.chars)
    conn = sqlite3.connect(db)
    n_facts = conn.execute("select count(*) from facts").fetchone()[0]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    report = verify_text(conn, text, date=args.date)
    first = time.perf_counter() - t0
    times, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        verify_text(conn, text, date=args.date)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    conn.close()
    load_after = os.getloadavg()[0]
    median = statistics.median(times)
    counts = report.counts
    print(f"database      {db} ({n_facts} facts)")
    print(f"article       {len(text)} characters, {len(report.numbers)} figures: "
          + ", ".join(f"{counts[s]} {s}" for s in counts))
    print(f"first run     {first:.3f} s (loads jieba's dictionary and the gazetteer)")
    print(f"next {args.runs} runs   median {median:.3f} s, max {max(times):.3f} s wall; "
          f"median {statistics.median(cpu):.3f} s CPU (what the load of other processes does not stretch)")
    verdict = {True: "pass", False: "FAIL"}
    print(f"target        < {TARGET_SECONDS:.1f} s: {verdict[median < TARGET_SECONDS]} wall, "
          f"{verdict[statistics.median(cpu) < TARGET_SECONDS]} CPU (medians)")
    print(f"load average  {load_before:.2f} before, {load_after:.2f} after, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
