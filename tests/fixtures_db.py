"""Databases the tests share: corpus/ (and corpus/ with ../shared/realdocs) ingested once per
version of the code, data and documents, by one process at a time, cached in pytest's cache."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


# -- the seed corpus, ingested once per version of the code and data -------------------------


def _corpus_key() -> str:
    h = hashlib.sha256()
    # the checks and the Datasette plugin don't change what ingest stores
    skip = {"checks", "datasette"}
    files = sorted(CORPUS.rglob("*"))
    files += sorted(p for p in (ROOT / "extractor").rglob("*") if skip.isdisjoint(p.relative_to(ROOT).parts))
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def corpus_db(cache_dir: Path, dest: Path) -> Path:
    """A copy (at ``dest``) of corpus/ ingested into a fresh database.

    The ingested database is cached under ``cache_dir`` by a hash of the corpus,
    the extractor's code, its patterns and the schema, so it is built once per
    change of any of them, by one process at a time.
    """
    built = cached_ingest(cache_dir, "corpus", [CORPUS], _corpus_key())
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(built)
    dst = sqlite3.connect(dest)
    src.backup(dst)
    src.close()
    dst.close()
    return dest


def cached_ingest(cache_dir: Path, name: str, paths: list[Path], key: str, *, ok_codes: tuple[int, ...] = (0,)) -> Path:
    """``paths`` ingested into ``cache_dir/NAME-KEY/facts.db``, built once per key by one
    process at a time; builds for older keys are removed after a day."""
    cache = cache_dir / f"{name}-{key}"
    cache.mkdir(parents=True, exist_ok=True)
    built = cache / "facts.db"
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "done").exists():
            for p in cache.glob("facts.db*"):
                p.unlink()
            for old in cache_dir.glob(f"{name}-*"):  # builds for code that has since changed
                if old != cache and time.time() - old.stat().st_mtime > 86400:
                    shutil.rmtree(old, ignore_errors=True)
            run = subprocess.run(
                [sys.executable, "-m", "extractor.cli", "ingest", *map(str, paths), "--db", str(built), "-q"],
                cwd=ROOT, capture_output=True, text=True, timeout=1200,
            )
            assert run.returncode in ok_codes, run.stdout + run.stderr
            (cache / "done").write_text("ok")
    return built




def realdocs_db(cache_dir: Path, shared: Path) -> Path:
    """corpus/ and ../shared/realdocs ingested into one database (every PDF engine and OCR default),
    cached by a hash of the code, the corpus and the real documents' names and sizes. Read-only
    for the tests: copy it before writing."""
    realdocs = shared / "realdocs"
    h = hashlib.sha256(_corpus_key().encode())
    for p in sorted(realdocs.rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(realdocs)}\0{p.stat().st_size}\0".encode())
    # exit code 2: some real documents fail by design
    return cached_ingest(cache_dir, "sources", [realdocs, CORPUS], h.hexdigest()[:16], ok_codes=(0, 2))
