"""How fast the Datasette pages are on a large database: the 1,000-document synthetic corpus
(about 120,000 facts), served in-process with the metadata and the plugin.

    python bench/serve_bench.py                       # bench/out/serve-1000.db, made if missing
    python bench/serve_bench.py --db db/real.db --rounds 5

Each page is fetched once to warm the caches, then ``--rounds`` times; the median and the
slowest time are printed with the target (500 ms). A figure, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 500


def pages(name: str) -> list[str]:
    q = urllib.parse.quote
    return [
        f"/{name}/facts",
        f"/{name}/facts?_search={q('杭州 跨境电商')}",
        f"/{name}/facts?_search={q('外贸 OR 进出口')}",
        f"/{name}/facts?period_year=2023&region={q('杭州市')}",
        f"/{name}/facts?metric_key=trade",
        f"/{name}/documents",
        f"/-/search?q={q('杭州 跨境电商')}",
        f"/-/search?q={q('进出口')}&region={q('杭州')}&period=2023",
        f"/-/search?q={q('数字贸易 OR 跨境电子商务')}&kind=amount",
        f"/-/search.json?q={q('宁波')}",
        f"/-/chart?metric_key=trade&region={q('杭州')}",
        f"/{name}/facts_by_region_period?region={q('杭州')}&period=2023",
    ]


def ensure_db(db: Path) -> None:
    """Make the benchmark database from bench/out/corpus-1000 when it is missing."""
    if db.exists():
        return
    corpus = ROOT / "bench" / "out" / "corpus-1000"
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(corpus), "--n", "1000"], check=True)
    subprocess.run([sys.executable, "-m", "extractor.cli", "ingest", str(corpus), "--db", str(db), "-q"], cwd=ROOT,
                   check=False)


async def measure(db: Path, rounds: int) -> list[tuple[str, int, float, float]]:
    from datasette.app import Datasette

    from extractor.datasette.metadata import database_name, for_database
    from extractor.settings import SETTINGS

    name = database_name(db)
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    # the settings `policy-facts serve` gives Datasette
    ds = Datasette([str(db)], metadata=for_database(metadata, name),
                   settings={"sql_time_limit_ms": SETTINGS.web.sql_time_limit_ms, "suggest_facets": False,
                             "facet_time_limit_ms": SETTINGS.web.facet_time_limit_ms})
    out = []
    for url in pages(name):
        first = await ds.client.get(url)
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            r = await ds.client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        out.append((url, r.status_code if first.status_code == 200 else first.status_code,
                    statistics.median(times), max(times)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "serve-1000.db")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    ensure_db(args.db)
    from extractor.store.database import Store

    t0 = time.perf_counter()
    with Store(args.db) as store:  # brings an older database to this schema (once)
        facts = store.db.execute("select count(*) from facts").fetchone()[0]
    opened = time.perf_counter() - t0
    load = os.getloadavg()[0]
    print(f"{args.db}: {facts:,} facts; store opened (and upgraded if older) in {opened:.1f} s; load {load:.1f} "
          f"on {os.cpu_count()} cores")
    results = asyncio.run(measure(args.db, args.rounds))
    width = max(len(u) for u, *_ in results)
    print(f"{'page':<{width}} {'status':>6} {'median ms':>10} {'max ms':>8}")
    for url, status, med, worst in results:
        flag = "" if med < TARGET_MS else "  over target"
        print(f"{urllib.parse.unquote(url):<{width}} {status:>6} {med:>10.0f} {worst:>8.0f}{flag}")
    slow = [u for u, _s, med, _w in results if med >= TARGET_MS]
    print(f"target: every page under {TARGET_MS} ms (median of {args.rounds}): "
          + ("met" if not slow else f"{len(slow)} over"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
