"""PDF engines benchmark: one run, the same PDFs, every figure issue 17 asks for.

    python bench/pdf_engines.py                     # seed PDFs + ../shared/realdocs/pdf
    python bench/pdf_engines.py --rounds 3          # medians of three rounds (a loaded machine)
    python bench/pdf_engines.py DIR_OR_PDF ...      # any PDFs

Prints, per round, measured on the same files:

* **bare pdfplumber**: ``page.extract_text()`` on every page (pdfminer's interpretation
  plus pdfplumber's text layout), in this process;
* **bare PDFium**: every glyph of every page through pypdfium2 — text page, char box,
  font size — in this process;
* **ingest, PDFium** and **ingest, pdfplumber**: ``policy-facts ingest FILES --workers 1
  --pdf-engine E --ocr off`` as a subprocess on a fresh database: everything a user waits for
  (interpreter, workers, jieba and spaCy loading, parsing, facts, claims, the writer);
  OCR is off in both (a scan's poor OCR layer is then read as it is): OCR is a cost of its own,
  measured by ``bench/ocr_bench.py``, and would swamp the figures compared here;

and checks the medians against the targets: PDFium ingest ≤ 0.5 × bare pdfplumber and
≤ 4 × bare PDFium (wall time; the same ratios of CPU seconds — the ingest's whole process
tree — are printed beside them). ``others`` is how many cores the rest of the machine kept
busy meanwhile: a figure taken while it is well above 0 is slower than on a quiet machine,
which is why the checks use ratios of figures taken in the same round.
Results also go to ``<out>/pdf-engines.json``. Timing is not a test.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from ingest_bench import _busy, bare_pdfplumber, run_ingest  # noqa: E402  (bench/ is not a package)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(fn, pdfs: list[Path]) -> dict:
    busy0, cpu0, t0 = _busy(), _cpu(), time.perf_counter()
    pages = fn(pdfs)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    return {"wall": wall, "cpu": cpu, "pages": pages, "other_load": max(0.0, _busy() - busy0 - cpu) / wall}


def bare_pdfium(pdfs: list[Path]) -> int:
    """Every glyph through PDFium: the text page, each char's text, box and font size."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    box = [ctypes.c_double() for _ in range(4)]
    box_p = [ctypes.byref(v) for v in box]
    pages = 0
    for f in pdfs:
        pdf = pypdfium2.PdfDocument(f)
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = pdfium_c.FPDFText_LoadPage(page.raw)
            for k in range(pdfium_c.FPDFText_CountChars(textpage)):
                pdfium_c.FPDFText_GetUnicode(textpage, k)
                pdfium_c.FPDFText_GetCharBox(textpage, k, *box_p)
                pdfium_c.FPDFText_GetFontSize(textpage, k)
            pdfium_c.FPDFText_ClosePage(textpage)
            page.close()
            pages += 1
        pdf.close()
    return pages


def measure(pdfs: list[Path], out: Path) -> dict:
    """One round: both bare readers, then an ingest with each engine."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    row = {"bare_pdfplumber": bare_pdfplumber(pdfs), "bare_pdfium": _timed(bare_pdfium, pdfs)}
    for engine in ("pdfium", "pdfplumber"):
        db = out / f"engines-{engine}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        r = row[f"ingest_{engine}"] = run_ingest(pdfs, db, 1, ["--pdf-engine", engine, "--ocr", "off"])
        r["cpu"] = r["cpu_main"] + r["cpu_workers"]
    row["ratios"] = {
        f"{a}_over_{b}{suffix}": row[a][key] / row[b][key]
        for key, suffix in (("wall", ""), ("cpu", "_cpu"))
        for a, b in (("ingest_pdfium", "bare_pdfplumber"), ("ingest_pdfium", "bare_pdfium"),
                     ("ingest_pdfplumber", "ingest_pdfium"))
    }
    print(f"{'run':34} {'seconds':>8} {'CPU s':>7} {'pages/s':>8} {'facts':>6} {'others':>7}")
    for name, key in (("bare pdfplumber extract_text", "bare_pdfplumber"), ("bare PDFium glyphs", "bare_pdfium"),
                      ("ingest --workers 1, PDFium", "ingest_pdfium"),
                      ("ingest --workers 1, pdfplumber", "ingest_pdfplumber")):
        r = row[key]
        print(f"{name:34} {r['wall']:8.2f} {r['cpu']:7.2f} {r['pages'] / r['wall']:8.1f} {r.get('facts', '-'):>6} "
              f"{r['other_load']:7.2f}")
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="PDFs or folders [seed PDFs + ../shared/realdocs/pdf]")
    ap.add_argument("--rounds", type=int, default=1, help="measure this many times; checks use the medians [1]")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where databases go [bench/out]")
    args = ap.parse_args(argv)
    paths = args.paths or [ROOT / "corpus", ROOT.parent / "shared" / "realdocs" / "pdf"]
    pdfs = sorted({p for path in paths for p in ([path] if path.is_file() else path.rglob("*.pdf"))
                   if p.suffix.lower() == ".pdf"})
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{len(pdfs)} PDFs, {sum(p.stat().st_size for p in pdfs) / 2**20:.1f} MB")
    rounds = []
    for k in range(args.rounds):
        print(f"\nround {k + 1} of {args.rounds}")
        rounds.append(measure(pdfs, args.out))

    def median(key: str) -> float:
        return statistics.median(r["ratios"][key] for r in rounds)

    checks = [
        ("PDFium ingest / bare pdfplumber", "ingest_pdfium_over_bare_pdfplumber", 0.5),
        ("PDFium ingest / bare PDFium", "ingest_pdfium_over_bare_pdfium", 4.0),
    ]
    print(f"\nchecks (medians of {args.rounds} round(s)):")
    for name, key, limit in checks:
        each = ", ".join(f"{r['ratios'][key]:.2f}" for r in rounds)
        print(f"{name:34} {median(key):6.2f}×  target ≤ {limit:g}×  {'PASS' if median(key) <= limit else 'FAIL'}"
              f"  [{each}]   CPU seconds: {median(key + '_cpu'):.2f}×")
    print(f"{'pdfplumber ingest / PDFium ingest':34} {median('ingest_pdfplumber_over_ingest_pdfium'):6.2f}×"
          f"   CPU seconds: {median('ingest_pdfplumber_over_ingest_pdfium_cpu'):.2f}×")
    (args.out / "pdf-engines.json").write_text(json.dumps({"pdfs": [str(p) for p in pdfs], "rounds": rounds},
                                                          indent=1, ensure_ascii=False))
    return 0 if all(median(key) <= limit for _, key, limit in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
