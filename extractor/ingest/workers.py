"""The worker processes: a pebble pool with a time limit per document and a memory cap per worker.

Workers fork from a forkserver that has imported the parsers and loaded, once,
the pattern files and the heavy models (jieba's dictionary and part-of-speech
tags, the spaCy pipeline: :mod:`extractor.ingest.preload`), so every worker —
and a worker restarted after a timeout — starts with them, sharing their pages.
Workers exit when the main process is gone (``kill -9``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import signal
import tempfile
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from extractor.errors import PolicyFactsError
from extractor.ingest import forkserver
from extractor.ingest.discover import display, hash_file
from extractor.ingest.job import MEMORY_ERROR, Extraction, extract_file, extract_rows
from extractor.settings import OCR_MODES, PDF_ENGINES, SETTINGS

__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "Job", "Pool", "WorkerPoolError", "Workers"]

DEFAULT_TIMEOUT = SETTINGS.ingest.timeout_s
DEFAULT_MEMORY_MB = SETTINGS.ingest.memory_mb
#: The collector's thresholds in a worker (see ``SETTINGS.ingest.worker_gc_threshold``).
GC_THRESHOLDS = (SETTINGS.ingest.worker_gc_threshold, 20, 20)


class WorkerPoolError(PolicyFactsError):
    """The worker processes cannot run (not the fault of any one file): the run stops."""


_WARM_TEXT = "杭州市人民政府办公厅\n2024年，全市数字贸易进出口额达到1234.5亿元，同比增长12.5%。\n2024年4月23日\n"


_warm = False


def _warm_up() -> None:
    """Import the parsers and load the pattern files once, before the first document's clock starts
    (once per process: a worker forked from the forkserver finds it done)."""
    global _warm
    if _warm:
        return
    with contextlib.suppress(Exception):
        import extractor.parse.pdf.document  # noqa: F401  (the PDF engines)
    with contextlib.suppress(Exception), tempfile.TemporaryDirectory(prefix="policy-facts-warm-") as tmp:
        p = Path(tmp) / "warm.txt"
        p.write_text(_WARM_TEXT, encoding="utf-8")
        extract_file(p, "warm.txt", "", p.stat().st_size)
    _warm = True


def preload_models() -> None:
    """Warm up, then load the heavy models the extractors cache per process — jieba's dictionary,
    its part-of-speech tags, the spaCy pipeline (about 1 s of CPU) — and freeze the heap, so that
    the collector leaves these long-lived objects alone (and pages shared after a fork stay shared).
    Run by the forkserver before it forks any worker; never raises."""
    _warm_up()
    with contextlib.suppress(Exception):
        from extractor.claims.names import nlp

        nlp()  # loads jieba's dictionary and tagger too
    gc.freeze()


def _vm_size() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(megabytes: int) -> None:
    """Cap the worker's address space at its size after warm-up plus ``megabytes``: a runaway
    document then gets a MemoryError (or, in C code, ends the worker), not the machine's memory."""
    if megabytes > 0:
        base = _vm_size() or 0
        limit = base + megabytes * 1024 * 1024
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass


def _watch_parent() -> None:
    """End this worker when its parent goes away (the ingest was killed with SIGKILL)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_init(memory_mb: int) -> None:
    try:
        _watch_parent()
        _warm_up()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        _limit_memory(memory_mb)
    except Exception:  # an initializer that fails makes pebble restart the worker forever
        pass


@dataclass
class Job:
    """One file to read: where it is, its identity (root, path in the database, hash), size and
    manifest metadata."""

    file: Path
    rel: str
    sha: str
    size: int
    meta: dict[str, str]
    root: str = ""


class Pool(Protocol):
    """What the run asks of its workers: :class:`Workers` here, or
    :class:`~extractor.ingest.cluster.ClusterWorkers` on a Dask cluster. A future is anything
    with ``done()``; ``hashed``, ``ready`` and ``result`` take the futures the same pool made."""

    n: int

    def start(self, jobs: int) -> None: ...
    def submit(self, job: Job) -> Any: ...
    def known(self, value: Any) -> Any: ...
    def hash(self, file: Path) -> Any: ...
    def hashed(self, future: Any) -> tuple[tuple[str, int] | None, str, str]: ...
    def ready(self, future: Any, timeout: float) -> bool: ...
    def result(self, job: Job, future: Any) -> Extraction: ...
    def close(self, *, cancel: bool = False) -> None: ...


class _Done:
    """A finished result (or error) for a job run in the main process (workers=0)."""

    def __init__(self, fn, *args, **kw):
        self.value, self.error = None, None
        try:
            self.value = fn(*args, **kw)
        except Exception as exc:
            self.error = exc

    def done(self) -> bool:
        return True

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


class Workers:
    """The worker pool, started on the first job (a run with nothing to read starts no process)
    with no more workers than there are jobs (``start``).

    ``n == 0`` runs each job in the calling process: no time or memory limit (for debugging
    and profiling)."""

    def __init__(self, n: int, *, timeout: float | None, memory_mb: int, password: str | None,
                 max_text_bytes: int | None, pdf_engine: str | None = None, ocr: str | None = None):
        self.n, self.timeout, self.memory_mb = n, timeout, memory_mb
        if pdf_engine is not None and pdf_engine not in PDF_ENGINES:
            raise ValueError(f"unknown PDF engine {pdf_engine!r}: one of {', '.join(PDF_ENGINES)}")
        if ocr is not None and ocr not in OCR_MODES:
            raise ValueError(f"unknown OCR mode {ocr!r}: one of {', '.join(OCR_MODES)}")
        self.password, self.max_text_bytes, self.pdf_engine, self.ocr = password, max_text_bytes, pdf_engine, ocr
        self.size: int | None = None
        self._pool: Any = None  # a pebble ProcessPool, made on the first submit

    def start(self, jobs: int) -> None:
        """Fix the pool's size: at most ``n``, at most ``jobs`` (the jobs known so far, when that is all)."""
        if self.size is None:
            self.size = max(1, min(self.n, jobs))

    def open(self) -> None:
        """Start the worker processes now (else on the first job)."""
        if self._pool is None and self.n > 0:
            from pebble import ProcessPool

            self.start(self.n)
            self._pool = ProcessPool(max_workers=self.size or 1, initializer=_worker_init, initargs=(self.memory_mb,),
                                     context=forkserver.for_pool(ocr=(self.ocr or SETTINGS.ocr.mode) != "off"))

    def _run(self, fn, args: tuple, kwargs: dict | None = None):
        if self.n == 0:
            return _Done(fn, *args, **(kwargs or {}))
        self.open()
        return self._pool.schedule(fn, args=args, kwargs=kwargs or {}, timeout=self.timeout or None)

    def call(self, fn, *args: Any):
        """Run ``fn(*args)`` in a worker, under the time limit of one document (a picklable, module-level ``fn``)."""
        return self._run(fn, args)

    def submit(self, job: Job):
        """Read the file of ``job`` in a worker (see :meth:`result`)."""
        args = (job.file, job.rel, job.sha, job.size, job.meta, self.password, self.max_text_bytes)
        # OCR stops at a share of the time limit, so a long scan is stored partial rather than lost
        ocr_seconds = self.timeout * SETTINGS.ocr.time_share if self.timeout and self.n else None
        return self._run(extract_rows, args, {"root": job.root, "pdf_engine": self.pdf_engine, "ocr": self.ocr,
                                              "ocr_seconds": ocr_seconds})

    @staticmethod
    def known(value):
        """A finished job whose result is ``value`` (a hash known already: no worker started)."""
        return _Done(lambda: value)

    def hash(self, file: Path):
        """Hash ``file`` in a worker, under the time limit of one document (see :meth:`hashed`)."""
        return self._run(hash_file, (file,))

    def hashed(self, future) -> tuple[tuple[str, int] | None, str, str]:
        """``((sha256, size), "", "")``, or ``(None, status, error)`` when the file could not be hashed."""
        try:
            return future.result(), "", ""
        except OSError as exc:
            return None, "failed", display(f"{type(exc).__name__}: cannot read the file: {exc.strerror or exc}")
        except Exception as exc:
            status, error = self._failure(exc)
            return None, status, error.replace("the document is", "the file is") + " (while hashing it)"

    @staticmethod
    def ready(future, timeout: float) -> bool:
        """Whether the job's result is there, waiting up to ``timeout`` seconds for it."""
        if isinstance(future, _Done):
            return True
        from concurrent.futures import wait

        return bool(wait([future], timeout=max(0.0, timeout)).done)

    def result(self, job: Job, future) -> Extraction:
        """The job's result; a timeout or a worker that died becomes a ``failed`` Extraction."""
        try:
            return future.result()
        except Exception as exc:
            status, err = self._failure(exc)
        return Extraction(path=job.rel, root=job.root, sha256=job.sha, size_bytes=job.size, status=status, error=err)

    def _failure(self, exc: Exception) -> tuple[str, str]:
        """(status, error) of a job that did not come back; raises WorkerPoolError when the pool is broken."""
        from pebble import ProcessExpired

        if isinstance(exc, FutureTimeout):
            return "too_large", (f"Timeout: gave up after {self.timeout:g} s (--timeout): the document is too "
                                 "large or pathological")
        if isinstance(exc, ProcessExpired):
            if exc.exitcode == -signal.SIGABRT and self.memory_mb > 0:  # C code (PDFium) out of memory aborts
                return "too_large", MEMORY_ERROR + " (the worker was ended: it ran out of memory in C code)"
            how = f"was killed by signal {-exc.exitcode}" if (exc.exitcode or 0) < 0 else f"exited ({exc.exitcode})"
            return "failed", f"WorkerCrashed: the worker reading this file {how}; out of memory?"
        if isinstance(exc, MemoryError):
            return "too_large", MEMORY_ERROR
        if type(exc).__name__ == "BrokenProcessPool":  # not this file's fault: stop the run
            raise WorkerPoolError(
                f"the worker processes could not run ({exc}); a script that calls ingest() must do so "
                "under `if __name__ == '__main__':`, or pass workers=0"
            ) from exc
        return "failed", display(f"{type(exc).__name__}: {exc}")

    def close(self, *, cancel: bool = False) -> None:
        if self._pool is not None:
            if cancel:
                self._pool.stop()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
