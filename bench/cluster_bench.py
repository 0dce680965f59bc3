"""Cluster benchmark: ``ingest --cluster local:N`` against the local N-worker pool, on the same files.

    python bench/cluster_bench.py --n 1000            # bench/out/corpus-1000, made if missing
    python bench/cluster_bench.py --corpus DIR --rounds 3
    python bench/cluster_bench.py --address tcp://HOST:8786   # a running cluster instead of local:N

Each round runs, alternately and into fresh databases, ``policy-facts ingest CORPUS --workers N``
and ``policy-facts ingest CORPUS --cluster local:N`` (a subprocess each, as a user runs them) and
prints wall time, pages/s, the peak RSS of the client process alone and of the whole process tree
(a LocalCluster's scheduler runs in the client, its workers are the client's children), and
whether the two databases hold the same rows. The checks, on the medians: the cluster run within
15% of the local pool's time, client peak RSS < 1 GB. Results go to ``<out>/cluster-bench.json``.
Timing is not a test: the suite never asserts on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ingest_bench import _mb, run_ingest  # noqa: E402

TABLES = ("documents", "document_files", "sentences", "tables", "table_cells", "facts", "claims")
VOLATILE = {"ingested_at", "stored_at"}


def same_rows(a: Path, b: Path) -> bool:
    """Whether two databases hold the same rows in every content table (timestamps aside)."""
    ca, cb = sqlite3.connect(a), sqlite3.connect(b)
    try:
        for t in TABLES:
            cols = [r[1] for r in ca.execute(f"pragma table_info({t})") if r[1] not in VOLATILE]
            sql = f"select {', '.join(cols)} from {t} order by {', '.join(cols)}"
            if ca.execute(sql).fetchall() != cb.execute(sql).fetchall():
                return False
        return True
    finally:
        ca.close()
        cb.close()


def _fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def measure(corpus: Path, out: Path, workers: int, address: str | None) -> dict:
    cluster = address or f"local:{workers}"
    print(f"ingest, local pool of {workers} …", file=sys.stderr, flush=True)
    local = run_ingest(corpus, _fresh(out / "bench-pool.db"), workers)
    print(f"ingest, --cluster {cluster} …", file=sys.stderr, flush=True)
    dask = run_ingest(corpus, _fresh(out / "bench-cluster.db"), workers, ["--cluster", cluster])
    same = same_rows(out / "bench-pool.db", out / "bench-cluster.db")
    print(f"{'run':28} {'seconds':>8} {'pages/s':>8} {'files/s':>8} {'CPU s main+rest':>16} {'others':>7} "
          f"{'client RSS':>10} {'tree RSS':>9}")
    for name, r in ((f"local pool, {workers} workers", local), (f"--cluster {cluster}", dask)):
        print(f"{name:28} {r['wall']:8.2f} {r['pages'] / r['wall']:8.1f} {r['files'] / r['wall']:8.1f} "
              f"{r['cpu_main']:7.1f} + {r['cpu_workers']:6.1f} {r['other_load']:7.2f} {_mb(r['peak_rss_main']):>10} "
              f"{_mb(r['peak_rss']):>9}")
    print(f"same rows: {same}; {dask['ok']} ok, {dask['failed']} failed, {dask['facts']} facts, {dask['pages']} pages")
    return {"local": local, "cluster": dask, "same_rows": same, "ratio": dask["wall"] / local["wall"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="folder to ingest [bench/out/corpus-N, made if missing]")
    ap.add_argument("--n", type=int, default=1000, help="documents in a generated corpus [1000]")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where databases go [bench/out]")
    ap.add_argument("--workers", type=int, default=2, help="local workers, and the LocalCluster's processes [2]")
    ap.add_argument("--address", help="a running scheduler (tcp://HOST:8786) instead of local:N")
    ap.add_argument("--rounds", type=int, default=1, help="measure this many times; checks use the medians [1]")
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or args.out / f"corpus-{args.n}"
    if not corpus.exists():
        from make_corpus import make_corpus

        print(f"making {args.n} documents in {corpus} …", file=sys.stderr)
        make_corpus(corpus, args.n)
    files = sum(1 for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("manifest."))
    print(f"corpus: {corpus}: {files} files; {os.cpu_count()} cores "
          "(others: cores busy outside the run; comparable only near 0)", flush=True)
    rounds = []
    for k in range(args.rounds):
        print(f"\nround {k + 1} of {args.rounds}" if args.rounds > 1 else "")
        rounds.append(measure(corpus, args.out, args.workers, args.address))
    ratio = statistics.median(r["ratio"] for r in rounds)
    client = max(r["cluster"]["peak_rss_main"] for r in rounds)
    each = ", ".join(f"{r['ratio']:.2f}" for r in rounds)
    checks = [("cluster time / local pool time", ratio <= 1.15, f"{ratio:.2f}×  target ≤ 1.15×  [{each}]"),
              ("client peak RSS (--cluster)", client < 2**30, f"{_mb(client)}  target < 1 GB"),
              ("same rows", all(r["same_rows"] for r in rounds), "")]
    print("\nchecks" + (f" (medians of {args.rounds} rounds)" if args.rounds > 1 else "") + ":")
    for name, ok, text in checks:
        print(f"{name:34} {text:44} {'PASS' if ok else 'FAIL'}")
    (args.out / "cluster-bench.json").write_text(json.dumps(
        {"corpus": str(corpus), "files": files, "cores": os.cpu_count(), "rounds": rounds,
         "checks": {name: ok for name, ok, _ in checks}}, indent=1))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
