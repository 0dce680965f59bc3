"""How fast the evidence images are, and what the positions cost: the seed corpus.

    python bench/evidence_bench.py                    # ingests corpus/ into bench/out/evidence/db/facts.db
    python bench/evidence_bench.py --db db/facts.db   # a database with its sources/ beside it
    python bench/evidence_bench.py --facts 40 --rounds 5

Served in-process (Datasette, the metadata, the plugin): for facts spread over every PDF
page, the crop ``/-/evidence/fact/ID.png`` cold (the image cache emptied) and cached, and a
whole page at 1,600 px cold, with the targets (cached crop < 300 ms, cold < 1.5 s). Then the
page maps: their bytes per character, and the time to parse each seed PDF. Figures, not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHED_MS, COLD_MS = 300, 1500


def ensure_db(db: Path) -> None:
    if db.exists():
        return
    subprocess.run([sys.executable, "-m", "extractor.cli", "ingest", str(ROOT / "corpus"), "--db", str(db), "-q"],
                   cwd=ROOT, check=True)


def sample_facts(db: Path, n: int) -> list[int]:
    """Up to ``n`` boxed PDF facts, one per page first, then the rest."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute("select f.id, f.doc_id, f.page from facts f join documents d on d.id = f.doc_id"
                           " where d.doc_type = 'pdf' and f.x0 is not null order by f.id").fetchall()
    finally:
        con.close()
    first: dict[tuple, int] = {}
    for fid, doc, page in rows:
        first.setdefault((doc, page), fid)
    ids = list(first.values()) + [r[0] for r in rows if r[0] not in set(first.values())]
    return ids[:n]


async def measure(db: Path, facts: list[int], rounds: int) -> dict[str, list[float]]:
    from datasette.app import Datasette
    from datasette.plugins import pm

    from extractor.datasette import plugin
    from extractor.datasette.metadata import database_name, for_database

    if not pm.is_registered(plugin):
        pm.register(plugin, name="policy_facts")
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette([str(db)], metadata=for_database(metadata, database_name(db)))
    await ds.invoke_startup()
    out: dict[str, list[float]] = {"crop cold": [], "crop cached": [], "page 1600px cold": []}
    shutil.rmtree(db.parent / "sources" / ".cache", ignore_errors=True)

    async def timed(url: str) -> float:
        t0 = time.perf_counter()
        r = await ds.client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        return (time.perf_counter() - t0) * 1000

    await timed(f"/-/evidence/fact/{facts[0]}.png?w=123")  # imports and the first PDFium load, not counted
    for fid in facts:
        out["crop cold"].append(await timed(f"/-/evidence/fact/{fid}.png"))
        for _ in range(rounds):
            out["crop cached"].append(await timed(f"/-/evidence/fact/{fid}.png"))
        out["page 1600px cold"].append(await timed(f"/-/evidence/fact/{fid}.png?full=1&w=1600"))
    return out


def page_maps() -> list[tuple[str, int, int, int, float]]:
    """(file, pages, characters, page-map bytes, parse seconds) of each seed PDF."""
    from extractor.parse.pdf.document import parse_pdf

    out = []
    for path in sorted((ROOT / "corpus").glob("*.pdf")):
        t0 = time.perf_counter()
        doc = parse_pdf(path)
        seconds = time.perf_counter() - t0
        out.append((path.name, len(doc.pages), sum(len(p.text) for p in doc.pages),
                    sum(len(p.boxes) for p in doc.pages), seconds))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "evidence" / "db" / "facts.db")
    ap.add_argument("--facts", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    ensure_db(args.db)
    facts = sample_facts(args.db, args.facts)
    print(f"{args.db}: {len(facts)} facts; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = asyncio.run(measure(args.db, facts, args.rounds))
    print(f"{'image':<18} {'n':>4} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}  target")
    for name, times in results.items():
        times.sort()
        target = CACHED_MS if name == "crop cached" else COLD_MS
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        verdict = "met" if times[-1] < target else "over"
        print(f"{name:<18} {len(times):>4} {statistics.median(times):>10.0f} {p90:>8.0f} {times[-1]:>8.0f}"
              f"  < {target} ms: {verdict}")
    print(f"\n{'PDF':<28} {'pages':>5} {'chars':>7} {'map KB':>7} {'B/char':>6} {'parse s':>8}")
    for name, pages, chars, size, seconds in page_maps():
        print(f"{name:<28} {pages:>5} {chars:>7} {size / 1024:>7.0f} {size / max(chars, 1):>6.1f} {seconds:>8.2f}")
    print("(the page map stays in the worker: only each row's box crosses to the writer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
