"""How long ``policy-facts check`` takes on documents with many figures.

    python bench/check_bench.py                     # one document of about 10,000 figures
    python bench/check_bench.py --figures 2000 --docs 2

Each document is a long HTML statistical bulletin made from the templates of
``make_corpus.py`` (amounts, growth rates, shares, 其中 parts, percentage points,
targets, for eleven cities over several years) plus tables of cities × metrics,
so the checks have many figures of one region and period to compare. The
documents are ingested once (not timed), then ``run_checks`` is timed on all of
them, as ``policy-facts check`` runs it. Prints the figures, the seconds and the
checks found. Target: under 30 s for one document of 10,000 figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import CITIES, METRICS, sentences  # noqa: E402


def bulletin(rng: random.Random, figures: int, revision: int = 0, frames: int = 99) -> str:
    """An HTML bulletin of about ``figures`` figures (revision > 0 changes some values) about
    ``frames`` (city, year) pairs in turn (1: every paragraph about one city and one year)."""
    parts = ["<html><head><meta charset='utf-8'><title>浙江省数字贸易统计公报</title></head><body>",
             "<h1>浙江省数字贸易统计公报</h1>"]
    made = 0
    block = 0
    while made < figures:
        year = 2015 + block % frames % 9
        region = CITIES[block % frames % len(CITIES)]
        paras = sentences(rng, region, year, 12)
        parts += [f"<p>{escape(s)}</p>" for s in paras]
        made += 16  # about 1.4 figures a sentence
        if block % 4 == 3:  # a table of cities × metrics for the year
            metrics = rng.sample(METRICS, 4)
            head = "".join(f"<th>{escape(m)}（{escape(u)}）</th><th>增长（%）</th>" for m, u in metrics)
            rows = []
            for city in CITIES:
                cells = "".join(f"<td>{rng.uniform(10, 900) * (1 + revision * 0.01):.2f}</td>"
                                f"<td>{rng.uniform(-5, 30):.1f}</td>" for _ in metrics)
                rows.append(f"<tr><td>{city}</td>{cells}</tr>")
            parts.append(f"<table><caption>表{block // 4 + 1} {year}年各市数字贸易主要指标</caption>"
                         f"<tr><th>地区</th>{head}</tr>{''.join(rows)}</table>")
            made += len(CITIES) * len(metrics) * 2
        block += 1
    parts.append("<p>浙江省统计局</p><p>2024年3月1日</p></body></html>")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--figures", type=int, default=10_000, help="figures per document (about)")
    ap.add_argument("--docs", type=int, default=1, help="documents (the same bulletin, revised)")
    ap.add_argument("--frames", type=int, default=99, help="(city, year) pairs the text is about")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from extractor.checks.crosscheck import run_checks
    from extractor.ingest.pipeline import ingest

    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for d in range(args.docs):
            rng = random.Random(args.seed)  # the same text, revised values in its tables
            (folder / f"bulletin-{d}.html").write_text(bulletin(rng, args.figures, d, args.frames), encoding="utf-8")
        db = Path(tmp) / "facts.db"
        t0 = time.perf_counter()
        s = ingest([folder], db, workers=0, timeout=None, max_text_mb=None)
        ingest_s = time.perf_counter() - t0
        conn = sqlite3.connect(db)
        try:
            per_doc = [n for (n,) in conn.execute("select count(*) from facts group by doc_id order by doc_id")]
            t0 = time.perf_counter()
            cpu0 = time.process_time()
            summary = run_checks(conn)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            conn.close()
    load = os.getloadavg()[0]
    checks = sum(summary.counts.values())
    print(f"documents {args.docs}, frames {args.frames}, figures {per_doc} (ingest {ingest_s:.1f} s, {s.failed} failed)")
    print(f"check: {seconds:.1f} s wall, {cpu:.1f} s CPU, {checks} checks, "
          f"{sum(summary.conflicts.values())} conflicts; load average {load:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
