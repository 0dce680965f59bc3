"""Ingest: files → parse → sentences → facts → store, in parallel, incrementally.

Parsing and extraction run in worker processes (pebble's ProcessPool, which can
end one runaway task without ending the batch); the main process is the one
writer. Each document is stored in one transaction, so an interrupted run
leaves no half-stored document and the next run picks up where it stopped.
"""

from __future__ import annotations

import csv
import hashlib
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from . import __version__
from .errors import DocumentTooLarge, PolicyFactsError
from .models import Claim, Fact, ParsedDocument, Sentence

SKIP_NAMES = {"manifest.yml", "manifest.yaml", "manifest.csv"}
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 2048


class Extraction(BaseModel):
    """What a worker sends back for one file."""

    path: str
    sha256: str
    size_bytes: int
    status: str = "ok"
    error: str | None = None
    document: ParsedDocument | None = None
    sentences: list[Sentence] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Summary:
    """Counts for one ingest run."""

    files: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    needs_ocr: int = 0
    encrypted: int = 0
    facts: int = 0
    pages: int = 0
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (path, status, error)

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str, Path]]:
    """Yield (file, path relative to its ingest root, root) for every candidate file."""
    for root in paths:
        root = Path(root)
        if root.is_file():
            yield root, root.name, root.parent
            continue
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name in SKIP_NAMES:
                    continue
                f = Path(dirpath) / name
                yield f, f.relative_to(root).as_posix(), root


def load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Metadata a folder's ``manifest.yml`` or ``manifest.csv`` gives its files, by file name."""
    for name in ("manifest.yml", "manifest.yaml"):
        p = folder / name
        if p.exists():
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            items = data.get("documents", data) if isinstance(data, dict) else data
            if isinstance(items, dict):
                return {str(k): {kk: str(vv) for kk, vv in (v or {}).items() if vv is not None} for k, v in items.items()}
            return {str(i["file"]): {k: str(v) for k, v in i.items() if k != "file" and v is not None} for i in items}
    p = folder / "manifest.csv"
    if p.exists():
        with open(p, encoding="utf-8-sig", newline="") as fh:
            return {r["file"]: {k: v for k, v in r.items() if k != "file" and v} for r in csv.DictReader(fh)}
    return {}


def _apply_manifest(doc: ParsedDocument, meta: dict[str, str]) -> None:
    for key in ("title", "publisher", "source_url", "author"):
        if meta.get(key):
            setattr(doc, key, meta[key])
    date = meta.get("published") or meta.get("date")
    if date:
        doc.published = str(date)[:10]


def extract_file(path: Path, rel: str, sha: str, size: int, meta: dict[str, str] | None = None,
                 password: str | None = None) -> Extraction:
    """Parse one file and extract its facts (runs in a worker process)."""
    from .facts import extract_facts
    from .parse import parse_file
    from .segment import sentences as split

    t0 = time.perf_counter()
    result = Extraction(path=rel, sha256=sha, size_bytes=size)
    try:
        doc = parse_file(path, password=password)
        doc.path = rel
        _apply_manifest(doc, meta or {})
        if doc.title and doc.pages and doc.doc_type != "pdf" and doc.title not in doc.pages[0].text[:500]:
            doc.pages[0].text = doc.title + "\n" + doc.pages[0].text
        sents = split(doc.pages)
        result.document = doc
        result.sentences = sents
        result.facts = extract_facts(doc, sents)
    except PolicyFactsError as exc:
        result.status, result.error = exc.status, f"{type(exc).__name__}: {exc}"
        if getattr(exc, "page_count", None) is not None:
            result.document = ParsedDocument(path=rel, doc_type="pdf", page_count=exc.page_count)
    except MemoryError:
        result.status, result.error = "failed", "MemoryError: the document needs more memory than the limit"
    except Exception as exc:  # a bad file must never stop the batch
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - t0
    return result


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass


ProgressFn = Callable[[Extraction | None, Summary], None]


def ingest(
    paths: Iterable[Path | str],
    db_path: Path | str,
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    password: str | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Summary:
    """Ingest files and folders into the database at ``db_path``."""
    from .store import Store

    t0 = time.perf_counter()
    summary = Summary()
    store = Store(db_path)
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    todo: list[tuple[Path, str, str, int, dict[str, str]]] = []
    try:
        for f, rel, _root in discover(Path(p) for p in paths):
            summary.files += 1
            size = f.stat().st_size
            sha = sha256_file(f)
            if not force and store.doc_unchanged(rel, sha):
                summary.skipped += 1
                continue
            folder = f.parent
            if folder not in manifests:
                manifests[folder] = load_manifest(folder)
            meta = manifests[folder].get(f.name) or manifests[folder].get(rel) or {}
            todo.append((f, rel, sha, size, meta))
        if on_total:
            on_total(len(todo))
        if progress:
            progress(None, summary)
        for result in _run(todo, workers, timeout, memory_mb, password):
            _store(store, result, summary)
            if progress:
                progress(result, summary)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _run(todo, workers, timeout, memory_mb, password) -> Iterator[Extraction]:
    n = workers or os.cpu_count() or 1
    if n <= 1 or len(todo) <= 1:
        for f, rel, sha, size, meta in todo:
            yield extract_file(f, rel, sha, size, meta, password)
        return
    from pebble import ProcessPool

    with ProcessPool(max_workers=n, initializer=_limit_memory, initargs=(memory_mb,)) as pool:
        futures = [
            (pool.schedule(extract_file, args=(f, rel, sha, size, meta, password), timeout=timeout), rel, sha, size)
            for f, rel, sha, size, meta in todo
        ]
        for future, rel, sha, size in futures:
            try:
                yield future.result()
            except FutureTimeout:
                err = DocumentTooLarge(f"gave up after {timeout:g} s")
                yield Extraction(path=rel, sha256=sha, size_bytes=size, status="failed", error=f"Timeout: {err}")
            except Exception as exc:  # the worker died (memory limit, crash)
                yield Extraction(path=rel, sha256=sha, size_bytes=size, status="failed",
                                 error=f"{type(exc).__name__}: worker ended: {exc}")


def _store(store, result: Extraction, summary: Summary) -> None:
    if result.status == "ok" and result.document is not None:
        store.save_document(
            result.document,
            path=result.path,
            sha256=result.sha256,
            size_bytes=result.size_bytes,
            sentences=result.sentences,
            facts=result.facts,
            status="ok",
            extractor_version=__version__,
        )
        summary.ok += 1
        summary.facts += len(result.facts)
        summary.pages += result.document.page_count or len(result.document.pages)
    else:
        doc = result.document
        store.save_failure(
            result.path,
            result.sha256,
            result.size_bytes,
            result.status,
            result.error or "",
            doc_type=doc.doc_type if doc else None,
            page_count=doc.page_count if doc else None,
        )
        summary.count(result.status if result.status in ("failed", "needs_ocr", "encrypted") else "failed")
        summary.problems.append((result.path, result.status, result.error or ""))
