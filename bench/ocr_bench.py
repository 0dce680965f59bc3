"""OCR on scanned copies of the seed PDFs: seconds per page, share of ingest time, F1 against the seed gold.

    python bench/ocr_bench.py [--dpi 200] [--tilt 0.8] [--pages N]

Makes (once, in ``bench/out/scans-DPI/``) an image-only copy of each seed PDF in ``corpus/`` the way
tests/fixtures_scan.py does — pages rendered at ``--dpi``, tilted ``--tilt`` degrees, grey paper,
scanner noise, no text layer — then ingests them in this process (``workers=0``: one core, so
the OCR time measured is all of it) with every call of the page reader timed, and scores the
database against the seed gold (the PDF seeds' facts only) with ``../shared/gold/score.py``;
the text-layer originals are ingested and scored the same way for comparison, and the tables
of both compared cell by cell. Prints OCR s/page, the share of ingest time OCR takes, F1 and
tables, and writes ``bench/out/ocr-bench.json``. Figures, not tests: run on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.jsonl"


def _others() -> float:
    """Cores the rest of the machine was using over the last minute (load average less this process)."""
    return max(0.0, os.getloadavg()[0] - 1.0)


def _make_scans(out: Path, dpi: float, tilt: float) -> list[Path]:
    import fixtures_scan as fs

    out.mkdir(parents=True, exist_ok=True)
    made = []
    for src in sorted((ROOT / "corpus").glob("*.pdf")):
        dst = out / src.name
        if not dst.exists():
            fs.scan_pdf(src, dst, dpi=dpi, tilt=tilt)
        made.append(dst)
    return made


def _ingest(folder: Path, db: Path, ocr: str) -> tuple[float, float, int, int]:
    """Seconds of the ingest, seconds spent reading pages by OCR, OCR'd pages, pages."""
    import extractor.parse.ocr.page as page_mod
    from extractor.ingest.pipeline import ingest

    spent = [0.0, 0]
    real = page_mod.read_ocr_page

    def timed(*a, **kw):
        t0 = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            spent[0] += time.perf_counter() - t0
            spent[1] += 1

    page_mod.read_ocr_page = timed
    try:
        db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        summary = ingest([folder], db, workers=0, ocr=ocr)
        return time.perf_counter() - t0, spent[0], int(spent[1]), summary.pages
    finally:
        page_mod.read_ocr_page = real


def _score(db: Path, gold: Path) -> dict:
    run = subprocess.run([sys.executable, str(SHARED / "gold" / "score.py"), str(db), "--gold", str(gold), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _tables(db: Path) -> dict[str, list[list[list[str]]]]:
    import sqlite3

    con = sqlite3.connect(db)
    out: dict[str, list] = {}
    for tid, path, n_rows, n_cols in con.execute(
            "select t.id, d.path, t.n_rows, t.n_cols from tables t join documents d on d.id = t.doc_id order by t.id"):
        grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        for r, c, text in con.execute("select row, col, text from table_cells where table_id = ?", [tid]):
            if r < n_rows and c < n_cols:
                grid[r][c] = text
        out.setdefault(Path(path).name, []).append(grid)
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=float, default=200)
    ap.add_argument("--tilt", type=float, default=0.8)
    args = ap.parse_args()
    out = ROOT / "bench" / "out"
    scans = out / f"scans-{args.dpi:g}"
    _make_scans(scans, args.dpi, args.tilt)
    stems = {p.stem for p in scans.glob("*.pdf")}
    gold = out / "seeds-pdf.jsonl"
    gold.write_text("".join(line + "\n" for line in GOLD.read_text(encoding="utf-8").splitlines()
                            if line.strip() and json.loads(line)["doc"] in stems), encoding="utf-8")
    originals = out / "seed-pdfs"
    originals.mkdir(exist_ok=True)
    for src in sorted((ROOT / "corpus").glob("*.pdf")):
        (originals / src.name).write_bytes(src.read_bytes())
    others = _others()
    t_scan, t_ocr, n_ocr, pages = _ingest(scans, out / "ocr-scans.db", "auto")
    t_text, _, _, _ = _ingest(originals, out / "ocr-originals.db", "auto")
    s_scan, s_text = _score(out / "ocr-scans.db", gold), _score(out / "ocr-originals.db", gold)
    t_scanned, t_original = _tables(out / "ocr-scans.db"), _tables(out / "ocr-originals.db")
    same = sum(g in t_scanned.get(name, []) for name, grids in t_original.items() for g in grids)
    n_tables = sum(len(g) for g in t_original.values())
    result = {
        "others_cores": round(others, 2), "dpi": args.dpi, "tilt": args.tilt, "pages": pages, "ocr_pages": n_ocr,
        "ocr_s_per_page": round(t_ocr / max(n_ocr, 1), 2), "ingest_s": round(t_scan, 1),
        "ocr_share_of_ingest": round(t_ocr / t_scan, 3) if t_scan else None, "text_layer_ingest_s": round(t_text, 1),
        "f1_scans": s_scan["overall"], "f1_text_layer": s_text["overall"],
        "per_doc_scans": {k: v["f1"] for k, v in s_scan["documents"].items()},
        "tables_text_layer": n_tables, "tables_scans": sum(len(g) for g in t_scanned.values()),
        "tables_identical": same,
    }
    (out / "ocr-bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"others ≈ {others:.1f} cores busy (load average); dpi {args.dpi:g}, tilt {args.tilt:g}°")
    print(f"OCR: {n_ocr} of {pages} pages, {t_ocr / max(n_ocr, 1):.2f} s/page (1 core), "
          f"{t_ocr:.1f} s of {t_scan:.1f} s ingest = {t_ocr / t_scan:.0%}; the text-layer originals ingest in {t_text:.1f} s")
    for name, s in (("scans", s_scan), ("text layer", s_text)):
        o = s["overall"]
        print(f"F1 {name:10s} {o['f1']:.3f} (P {o['precision']:.3f}, R {o['recall']:.3f}; tp {o['tp']}, fp {o['fp']}, fn {o['fn']})")
    print(f"tables: {result['tables_scans']} read from the scans, {n_tables} from the text layers, "
          f"{same} of those identical cell for cell")


if __name__ == "__main__":
    main()
