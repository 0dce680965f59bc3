"""What each ingest stage costs per page and per document, in one process (the figures docs/scale.md uses).

    python bench/stage_costs.py                       # a sample of bench/out/corpus-1000
    python bench/stage_costs.py --corpus DIR --sample 200

For a sample of the corpus (every k-th file, PDFs and web pages alike), times each stage of
the worker's job as :func:`extractor.ingest.job.extract_rows` runs it — hash, parse (PDF
layout and tables, or HTML), sentences, facts, claims, rows (ids, links, search text) — then
the writer's SQL (``Store.write_rows`` into a fresh database, committed every 64 documents),
and prints seconds per page and per document, by document kind, and the database's bytes per
page. CPU seconds, one core: divide by the cores of a cluster for its wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("hash", "parse", "sentences", "facts", "claims", "rows", "store")


def main(argv: list[str] | None = None) -> int:
    from extractor.claims.statements import extract_claims
    from extractor.facts.periods import signature_date
    from extractor.facts.segment import sentences
    from extractor.facts.sentence import extract_facts
    from extractor.ingest.discover import discover, hash_file
    from extractor.ingest.job import Extraction, to_rows
    from extractor.ingest.workers import _warm_up
    from extractor.parse import parse_file
    from extractor.store.database import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus-1000")
    ap.add_argument("--sample", type=int, default=150, help="documents timed [150]")
    args = ap.parse_args(argv)

    found = [f for f in discover([args.corpus]) if f.status is None]
    step = max(1, len(found) // args.sample)
    sample = found[::step][: args.sample]
    _warm_up()  # patterns, jieba and spaCy loaded outside the timing, as a worker does before its first document
    secs: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    pages: dict[str, int] = defaultdict(int)
    docs: dict[str, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stages.db"
        store = Store(db)
        store.db.execute("PRAGMA synchronous = NORMAL")
        store.db.execute("BEGIN IMMEDIATE")
        for n, f in enumerate(sample, 1):
            t = time.perf_counter()
            sha, size = hash_file(f.file)
            clock = {"hash": time.perf_counter() - t}
            t = time.perf_counter()
            doc = parse_file(f.file)
            doc.path = f.rel
            doc.published = doc.published or signature_date(doc.text)
            clock["parse"] = time.perf_counter() - t
            t = time.perf_counter()
            sents = sentences(doc.pages)
            clock["sentences"] = time.perf_counter() - t
            t = time.perf_counter()
            facts = extract_facts(doc, sents)
            clock["facts"] = time.perf_counter() - t
            t = time.perf_counter()
            claims = extract_claims(doc, sents, facts)
            clock["claims"] = time.perf_counter() - t
            t = time.perf_counter()
            rows = to_rows(Extraction(path=f.rel, root=f.root_id, sha256=sha, size_bytes=size, document=doc,
                                      sentences=sents, facts=facts, claims=claims))
            clock["rows"] = time.perf_counter() - t
            t = time.perf_counter()
            store.write_rows(rows, f.fingerprint)
            if n % 64 == 0:
                store.db.execute("COMMIT")
                store.db.execute("BEGIN IMMEDIATE")
            clock["store"] = time.perf_counter() - t
            kind = doc.doc_type or "other"
            for k, v in clock.items():
                secs[kind][k] += v
            pages[kind] += max(1, doc.page_count or 1)
            docs[kind] += 1
        store.db.execute("COMMIT")
        store.close()
        db_bytes = os.path.getsize(db)
    total_pages = sum(pages.values())
    print(f"{len(sample)} documents of {args.corpus} ({', '.join(f'{docs[k]} {k}' for k in sorted(docs))}); "
          f"{total_pages} pages (a web page counts as one)")
    print(f"{'ms per page':14}" + "".join(f"{s:>10}" for s in STAGES) + f"{'total':>10}")
    for kind in sorted(secs):
        row = [1000 * secs[kind][s] / pages[kind] for s in STAGES]
        print(f"{kind:14}" + "".join(f"{v:10.1f}" for v in row) + f"{sum(row):10.1f}")
    allrow = [1000 * sum(secs[k][s] for k in secs) / total_pages for s in STAGES]
    print(f"{'all':14}" + "".join(f"{v:10.1f}" for v in allrow) + f"{sum(allrow):10.1f}")
    n_docs = sum(docs.values())
    per_doc = sum(sum(secs[k].values()) for k in secs) / n_docs
    print(f"per document: {1000 * per_doc:.0f} ms, {total_pages / n_docs:.2f} pages; database: "
          f"{db_bytes / total_pages / 1024:.0f} KB per page, {db_bytes / n_docs / 1024:.0f} KB per document")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
