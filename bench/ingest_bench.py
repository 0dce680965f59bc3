"""Ingest benchmark: one run, the same files, every figure the issue asks for.

    python bench/ingest_bench.py --n 1000          # makes bench/out/corpus-1000 first if missing
    python bench/ingest_bench.py --corpus DIR      # any folder of PDFs/HTML

Prints, measured in this one run on the same files:

* pdfplumber's bare text extraction of the corpus's PDFs (``page.extract_text()``
  on every page, one process): the floor any PDF ingest pays;
* full ingest (``policy-facts ingest --json``, a subprocess per run, fresh
  database) with 1 and with 2 workers: wall time, pages/s, facts/s, and the peak
  RSS of the whole process tree (main process + forkserver + workers, sampled
  every 50 ms; the sum counts shared pages once per process, so it is an upper
  bound);
* re-ingest of the unchanged corpus into the 2-worker database;

then checks them against the targets: 1 worker ≤ 1.5× bare extraction (the
ingest also reads the HTML files, which the bare figure leaves out), 2 workers
≥ 1.6× faster than 1, re-ingest ≥ 50× faster than the first ingest, peak RSS
< 1 GB. Results also go to ``<out>/ingest-bench.json``. Timing is not a test:
the suite never asserts on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- memory of a process tree


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _pss(pid: int) -> int:
    """Proportional set size: each shared page divided among the processes that map it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def _stat() -> list[int]:
    with open("/proc/stat") as fh:
        return [int(x) for x in fh.readline().split()[1:]]


def _busy() -> float:
    """CPU seconds the machine's processes have used, plus time the hypervisor took (steal)."""
    f = _stat()
    return (sum(f[:8]) - f[3] - f[4]) / TICK  # user nice system irq softirq steal: not idle, not iowait


def _steal() -> float:
    """CPU seconds the hypervisor gave to other virtual machines (a busy host slows every figure)."""
    f = _stat()
    return f[7] / TICK if len(f) > 7 else 0.0


class TreeRSS:
    """Samples a process and all its descendants: peak summed RSS, CPU seconds of the main
    process and of the others (the last value seen of each), and the machine's CPU use."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.peak_pss = 0
        self.peak_one = 0
        self.peak_main = 0  # the process started (the client), alone
        self.peak_procs = 0
        self.cpu: dict[int, float] = {}
        self.wall = self.machine_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRSS:
        self._busy0, self._steal0, self._t0 = _busy(), _steal(), time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.wall = time.perf_counter() - self._t0
        self.machine_cpu = _busy() - self._busy0
        self.steal = (_steal() - self._steal0) / self.wall if self.wall else 0.0

    @property
    def main_cpu(self) -> float:
        return self.cpu.get(self.pid, 0.0)

    @property
    def worker_cpu(self) -> float:
        return sum(v for k, v in self.cpu.items() if k != self.pid)

    @property
    def other_load(self) -> float:
        """Cores used by processes outside the ingest, on average during the run."""
        return max(0.0, self.machine_cpu - self.main_cpu - self.worker_cpu) / self.wall if self.wall else 0.0

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            kids = _children()
            todo, tree = [self.pid], []
            while todo:
                p = todo.pop()
                tree.append(p)
                todo.extend(kids.get(p, ()))
            sizes = [_rss(p) for p in tree]
            for p in tree:
                c = _cpu(p)
                if c:
                    self.cpu[p] = c
            self.peak = max(self.peak, sum(sizes))
            if n % 10 == 0:  # every half second: reading smaps costs more than statm
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in tree))
            n += 1
            self.peak_one = max(self.peak_one, max(sizes, default=0))
            self.peak_main = max(self.peak_main, sizes[0] if sizes else 0)
            self.peak_procs = max(self.peak_procs, len(tree))
            self._stop.wait(self.interval)


# ---------------------------------------------------------------- measurements


def bare_pdfplumber(pdfs: list[Path]) -> dict:
    """pdfplumber's plain text extraction of every page: seconds, pages, CPU, others' load."""
    import resource

    import pdfplumber

    pages = 0
    busy0, steal0, cpu0 = _busy(), _steal(), resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for f in pdfs:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
    return {"wall": wall, "pages": pages, "cpu": cpu, "other_load": max(0.0, _busy() - busy0 - cpu) / wall,
            "steal": (_steal() - steal0) / wall}


def run_ingest(corpus: Path | list[Path], db: Path, workers: int, extra: list[str] = ()) -> dict:
    """One ``policy-facts ingest`` subprocess (of a folder or a list of files): its JSON
    summary plus wall time and peak RSS."""
    paths = [str(p) for p in corpus] if isinstance(corpus, list) else [str(corpus)]
    exe = Path(sys.executable).with_name("policy-facts")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "extractor.cli"]),
           "ingest", *paths, "--db", str(db), "--workers", str(workers), "--json", "--quiet", *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    with TreeRSS(proc.pid) as mem:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 2):
        sys.exit(f"ingest failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    summary = json.loads(out)
    summary.pop("problems", None)
    return {**summary, "wall": wall, "peak_rss": mem.peak, "peak_pss": mem.peak_pss, "peak_rss_one": mem.peak_one,
            "peak_rss_main": mem.peak_main,
            "processes": mem.peak_procs, "exit": proc.returncode, "cpu_main": mem.main_cpu,
            "cpu_workers": mem.worker_cpu, "other_load": mem.other_load, "steal": mem.steal}


def db_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("documents", "sentences", "facts", "tables", "table_cells")}
    finally:
        con.close()


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def measure(corpus: Path, files: list[Path], pdfs: list[Path], out: Path, workers: int,
            extra: list[str] = ()) -> dict:
    """One round: bare extraction, ingest with 1 and ``workers`` workers, re-ingest; printed as a table.
    ``extra``: more ``policy-facts ingest`` options (``--pdf-engine pdfplumber``)."""
    dbs = {k: out / f"bench-{k}.db" for k in ("w1", f"w{workers}", "w1-pdf")}
    for db in dbs.values():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    print("pdfplumber bare text extraction …", file=sys.stderr, flush=True)
    bare = bare_pdfplumber(pdfs)
    print("ingest, 1 worker …", file=sys.stderr, flush=True)
    w1 = run_ingest(corpus, dbs["w1"], 1, extra)
    w1_pdf = w1
    if len(pdfs) < len(files):  # the comparison: ingest of the same PDFs the bare run reads
        print("ingest, 1 worker, the PDFs only …", file=sys.stderr, flush=True)
        w1_pdf = run_ingest(sorted(pdfs), dbs["w1-pdf"], 1, extra)
    print(f"ingest, {workers} workers …", file=sys.stderr, flush=True)
    wn = run_ingest(corpus, dbs[f"w{workers}"], workers, extra)
    print("re-ingest, unchanged …", file=sys.stderr, flush=True)
    again = run_ingest(corpus, dbs[f"w{workers}"], workers, extra)

    c1, cn = db_counts(dbs["w1"]), db_counts(dbs[f"w{workers}"])
    print(f"{'run':34} {'seconds':>8} {'pages/s':>8} {'facts/s':>8} {'files/s':>8} {'CPU s main+workers':>19} "
          f"{'others':>7} {'steal':>6} {'peak RSS':>9} {'peak PSS':>9}")
    print(f"{'pdfplumber extract_text (PDFs)':34} {bare['wall']:8.2f} {bare['pages'] / bare['wall']:8.1f} "
          f"{'-':>8} {len(pdfs) / bare['wall']:8.1f} {bare['cpu']:19.1f} {bare['other_load']:7.2f} "
          f"{bare['steal']:6.2f} {'-':>9} {'-':>9}")
    runs = [("ingest, 1 worker", w1), (f"ingest, {workers} workers", wn), ("re-ingest unchanged", again)]
    if w1_pdf is not w1:
        runs.insert(0, ("ingest, 1 worker, PDFs only", w1_pdf))
    for name, r in runs:
        rates = (f"{r['pages'] / r['wall']:8.1f} {r['facts'] / r['wall']:8.0f}" if r["pages"] else f"{'-':>8} {'-':>8}")
        cpu = f"{r['cpu_main']:.1f} + {r['cpu_workers']:.1f}"
        print(f"{name:34} {r['wall']:8.2f} {rates} {r['files'] / r['wall']:8.1f} {cpu:>19} {r['other_load']:7.2f} "
              f"{r['steal']:6.2f} {_mb(r['peak_rss']):>9} {_mb(r['peak_pss']):>9}")
    print(f"1 worker : {w1['ok']} ok, {w1['failed']} failed, {w1['facts']} facts, {w1['pages']} pages; rows {c1}")
    print(f"{workers} workers: {wn['ok']} ok, {wn['failed']} failed, {wn['facts']} facts; same rows as 1 worker: "
          f"{c1 == cn}; re-ingest: {again['unchanged']} of {again['files']} files unchanged")
    for name, r in (("1 worker", w1), (f"{workers} workers", wn)):
        print(f"writer ({name}): {r['store_seconds']:.1f} s storing results "
              f"({1000 * r['store_seconds'] / max(1, r['ok'] + r['failed']):.1f} ms a document)")
    return {"bare": bare, "w1_pdf": w1_pdf, "w1": w1, "wn": wn, "reingest": again, "same_rows": c1 == cn,
            "ratios": {"w1_over_bare": w1_pdf["wall"] / bare["wall"], "w1_all_over_bare": w1["wall"] / bare["wall"],
                       "speedup": w1["wall"] / wn["wall"],
                       "reingest": wn["wall"] / again["wall"]},
            "peak_rss": max(w1["peak_rss"], wn["peak_rss"], again["peak_rss"]),
            "peak_pss": max(w1["peak_pss"], wn["peak_pss"], again["peak_pss"]),
            "peak_rss_one": max(w1["peak_rss_one"], wn["peak_rss_one"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="folder to ingest [bench/out/corpus-N, made if missing]")
    ap.add_argument("--n", type=int, default=1000, help="documents in a generated corpus [1000]")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where databases go [bench/out]")
    ap.add_argument("--workers", type=int, default=2, help="the parallel run's workers [2]")
    ap.add_argument("--rounds", type=int, default=1, help="measure this many times; checks use the medians [1]")
    ap.add_argument("--pdf-engine", choices=("pdfium", "pdfplumber"), default="pdfium",
                    help="what reads the PDFs in the ingest runs [pdfium]")
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or args.out / f"corpus-{args.n}"
    if not corpus.exists():
        sys.path.insert(0, str(HERE))
        from make_corpus import make_corpus

        print(f"making {args.n} documents in {corpus} …", file=sys.stderr)
        make_corpus(corpus, args.n)
    files = [p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")
             and not p.name.startswith("manifest.")]
    pdfs = sorted(p for p in files if p.suffix.lower() == ".pdf")
    size = sum(p.stat().st_size for p in files)
    print(f"corpus: {corpus}: {len(files)} files ({len(pdfs)} PDF, {len(files) - len(pdfs)} other), "
          f"{size / 2**20:.1f} MB; {os.cpu_count()} cores; PDF engine {args.pdf_engine}", flush=True)
    print("(others: cores busy outside the run; steal: cores the hypervisor gave to other machines; "
          "figures are comparable only when both are near 0)")

    rounds = []
    for k in range(args.rounds):
        print(f"\nround {k + 1} of {args.rounds}" if args.rounds > 1 else "")
        rounds.append(measure(corpus, files, pdfs, args.out, args.workers, ["--pdf-engine", args.pdf_engine]))

    def median(key: str) -> float:
        return statistics.median(r["ratios"][key] for r in rounds)

    peak = max(r["peak_rss"] for r in rounds)
    checks = [
        ("1-worker ingest / bare (same PDFs)", median("w1_over_bare"), "≤ 1.5×", median("w1_over_bare") <= 1.5),
        (f"{args.workers} workers speed-up over 1", median("speedup"), "≥ 1.6×", median("speedup") >= 1.6),
        ("re-ingest speed-up over first ingest", median("reingest"), "≥ 50×", median("reingest") >= 50),
    ]
    print(f"\nchecks{' (medians of ' + str(args.rounds) + ' rounds)' if args.rounds > 1 else ''}:")
    for name, value, target, ok in checks:
        k = {"1-": "w1_over_bare", "re": "reingest"}.get(name[:2], "speedup")
        each = "  [" + ", ".join(f"{r['ratios'][k]:.2f}" for r in rounds) + "]" if args.rounds > 1 else ""
        print(f"{name:40} {value:8.2f}×  target {target:7}  {'PASS' if ok else 'FAIL'}{each}")
    print(f"{'peak RSS (whole process tree)':40} {_mb(peak):>9}  target < 1 GB  "
          f"{'PASS' if peak < 2**30 else 'FAIL'}   (largest single process "
          f"{_mb(max(r['peak_rss_one'] for r in rounds))}; proportional, shared pages counted once: "
          f"{_mb(max(r['peak_pss'] for r in rounds))})")
    if len(pdfs) < len(files):
        print(f"(1-worker ingest of the whole corpus, {len(files) - len(pdfs)} non-PDF files included, / bare: "
              f"{median('w1_all_over_bare'):.2f}×)")
    results = {"corpus": str(corpus), "files": len(files), "pdfs": len(pdfs), "cores": os.cpu_count(),
               "pdf_engine": args.pdf_engine,
               "rounds": rounds, "checks": {name: {"value": v, "target": t, "ok": ok} for name, v, t, ok in checks}}
    (args.out / f"ingest-bench-{args.pdf_engine}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    shutil.rmtree(args.out / "__pycache__", ignore_errors=True)
    return 0 if all(ok for *_, ok in checks) and peak < 2**30 else 1


if __name__ == "__main__":
    sys.exit(main())
