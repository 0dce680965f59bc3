"""Datasette response times as the database grows: copies of a real ingest, timed at each size.

    python bench/datasette_scale.py --source bench/out/bench-pool.db --copies 1 5 20
    python bench/datasette_scale.py --source db/facts.db --copies 1 10 --keep bench/out/scale

Builds a synthetic database from ``--source`` (an ingest of the synthetic corpus, as
``bench/cluster_bench.py`` leaves it): the source itself, then more copies of all its rows —
documents (another sha256 and path each), files, sentences, tables, cells, facts, claims,
entities (the store then rebuilds the full-text index) — with ids moved past the source's, so every link holds,
until the database holds each number of copies asked for. At each size it times, in process
(Datasette's own ASGI client, the project's plugin and metadata loaded, the median of 5 after
one warm-up; a page that fails, e.g. a query over Datasette's 1 s time limit, is shown
as its HTTP status), what researchers and editors open: the search page for a common and a rare
term, the facts table filtered by region and by metric, sorted by value, a fact's and a
document's page, the documents table, and the facts table unfiltered (whose count Datasette
gives up on after its time limit). Prints milliseconds per page, rows and database size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORDER = ("documents", "document_files", "sentences", "tables", "table_cells", "facts", "claims", "entities",
         "claim_entities")


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"pragma table_info({table})")]


def _refs(con: sqlite3.Connection, table: str) -> dict[str, str]:
    """Column → the table it points at."""
    return {r[3]: r[2] for r in con.execute(f"pragma foreign_key_list({table})")}


def add_copy(con: sqlite3.Connection, k: int, top: dict[str, int]) -> None:
    """Copy ``k`` (1, 2 …) of the source's rows: the rows with ids up to ``top`` (the source's
    largest ids), ids and links moved by ``k × top``."""
    for table in ORDER:
        cols, refs = _columns(con, table), _refs(con, table)
        exprs = []
        for c in cols:
            if c == "id":
                exprs.append(f"id + {k * top[table]}")
            elif c in refs:
                exprs.append(f"{c} + {k * top[refs[c]]}")
            elif c == "sha256" and table == "documents":
                exprs.append(f"sha256 || '-{k}'")
            elif c == "path":
                exprs.append(f"'copy{k}/' || path")
            else:
                exprs.append(c)
        if "id" in cols:
            where = f"id <= {top[table]}"
        else:  # document_files, claim_entities: the rows of the source's documents / claims
            first = "doc_id" if "doc_id" in cols else "claim_id"
            where = f"{first} <= {top[refs[first]]}"
        con.execute(f"insert into {table} ({', '.join(cols)}) select {', '.join(exprs)} from {table} where {where}")


PAGES = [
    ("search, common term", "/-/search?q=增长"),
    ("search, rare term", "/-/search?q=跨境电商"),
    ("facts by region", "/facts/facts?region=杭州市&_size=50"),
    ("facts by metric, by value", "/facts/facts?metric__contains=进出口&_sort_desc=value_norm&_size=50"),
    ("a fact", "/facts/facts/{fact}"),
    ("a document", "/facts/documents/{doc}"),
    ("documents table", "/facts/documents"),
    ("facts table, unfiltered", "/facts/facts"),
]


async def time_pages(db: Path, repeat: int = 5) -> dict[str, str]:
    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette([str(db)], metadata=metadata, settings={"suggest_facets": False})
    await ds.invoke_startup()
    con = sqlite3.connect(db)
    fact, doc = (con.execute("select max(id) / 2 from facts").fetchone()[0],
                 con.execute("select max(id) / 2 from documents").fetchone()[0])
    con.close()
    out = {}
    for name, path in PAGES:
        path = path.format(fact=fact, doc=doc)
        t = time.perf_counter()
        response = await ds.client.get(path)  # warm-up (and a check that the page works)
        if response.status_code != 200:  # e.g. a query over Datasette's time limit
            out[name] = f"HTTP {response.status_code} ({1000 * (time.perf_counter() - t):.0f}ms)"
            continue
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            await ds.client.get(path)
            times.append(time.perf_counter() - t)
        out[name] = f"{1000 * statistics.median(times):.0f}ms"
    return out


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from extractor.store.database import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=HERE / "out" / "bench-pool.db")
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 5, 20], help="sizes timed, in copies [1 5 20]")
    ap.add_argument("--keep", type=Path, help="keep the database, as facts.db in this folder [deleted]")
    args = ap.parse_args(argv)

    folder = args.keep or HERE / "out" / "scale"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "facts.db"  # the name the metadata and the pages use
    shutil.copyfile(args.source, db)
    Store(db).close()  # an older database is brought to the current schema first
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("pragma journal_mode = wal")
    con.execute("pragma synchronous = off")
    top = {t: con.execute(f"select coalesce(max(rowid), 0) from {t}").fetchone()[0] for t in ORDER}
    have = 1
    print(f"{'copies':>6} {'documents':>10} {'facts':>11} {'size':>9} " + " ".join(f"{n[:14]:>14}" for n, _ in PAGES))
    try:
        for want in sorted(set(args.copies)):
            t = time.perf_counter()
            while have < want:
                con.execute("begin")
                add_copy(con, have, top)
                con.execute("commit")
                have += 1
            with Store(db) as store:  # the search index of the copies, as the store writes it
                store.rebuild_search()
            con.execute("pragma wal_checkpoint(truncate)")
            con.execute("analyze")
            built = time.perf_counter() - t
            docs, facts = (con.execute("select count(*) from documents").fetchone()[0],
                           con.execute("select count(*) from facts").fetchone()[0])
            ms = asyncio.run(time_pages(db))
            print(f"{have:6d} {docs:10,d} {facts:11,d} {os.path.getsize(db) / 2**30:7.2f}GB "
                  + " ".join(f"{ms[n]:>14}" for n, _ in PAGES) + f"   (built in {built:.0f} s)", flush=True)
    finally:
        con.close()
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
