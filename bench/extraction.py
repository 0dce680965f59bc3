"""Extraction throughput beside jieba's own segmentation, on the same text, in one run.

    python bench/extraction.py [PATH ...]      (default: corpus/)

Parses each document once (not timed), then times, over the same texts:
jieba's segmentation (jieba.lcut with the project dictionary), and the whole
extraction (sentences → numbers → facts with kind, modality, region, period,
metric, table facts, then claims and entities). Prints characters per second and the ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from extractor.claims.statements import extract_claims
from extractor.facts.segment import jieba_tokenizer, sentences
from extractor.facts.sentence import extract_facts
from extractor.ingest.pipeline import discover
from extractor.parse import parse_file

REPEAT = 5


def main(paths: list[str]) -> None:
    docs = []
    for found in discover(Path(p) for p in paths or ["corpus"]):
        if found.status is not None:  # a link not followed, a FIFO, a folder that cannot be listed
            continue
        try:
            docs.append(parse_file(found.file))
        except Exception as exc:  # noqa: BLE001 - a benchmark skips what it cannot read
            print(f"skip {found.file}: {exc}", file=sys.stderr)
    texts = [d.text for d in docs]
    chars = sum(len(t) for t in texts)
    tk = jieba_tokenizer()
    tk.lcut("预热")  # load the dictionary outside the timing
    warm = sentences(docs[0].pages)
    extract_claims(docs[0], warm, extract_facts(docs[0], warm))  # load patterns and spaCy outside the timing

    t0 = time.perf_counter()
    for _ in range(REPEAT):
        for t in texts:
            tk.lcut(t)
    jieba_s = (time.perf_counter() - t0) / REPEAT

    t0 = time.perf_counter()
    n_facts = 0
    for _ in range(REPEAT):
        n_facts = 0
        for d in docs:
            sents = sentences(d.pages)
            facts = extract_facts(d, sents)
            extract_claims(d, sents, facts)
            n_facts += len(facts)
    extract_s = (time.perf_counter() - t0) / REPEAT

    print(f"documents            {len(docs)}")
    print(f"characters           {chars}")
    print(f"facts                {n_facts}")
    print(f"jieba segmentation   {jieba_s:.3f} s   {chars / jieba_s:,.0f} chars/s")
    print(f"extraction (+claims) {extract_s:.3f} s   {chars / extract_s:,.0f} chars/s")
    print(f"extraction / jieba   {extract_s / jieba_s:.2f}x   (target: at most 3x)")


if __name__ == "__main__":
    main(sys.argv[1:])
