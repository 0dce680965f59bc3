"""The worker processes: a pebble pool with a time limit per document and a memory cap per worker.

Workers fork from a forkserver that has imported the parsers, load the pattern
files once (warm-up), load heavy models (jieba, spaCy) lazily and once, and
exit when the main process is gone (``kill -9``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import PolicyFactsError
from extractor.ingest.job import Extraction, extract_file, extract_rows
from extractor.settings import SETTINGS

__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "WORKER_PRELOAD", "Job", "WorkerPoolError", "Workers"]

DEFAULT_TIMEOUT = SETTINGS.ingest.timeout_s
DEFAULT_MEMORY_MB = SETTINGS.ingest.memory_mb
#: Modules the worker processes import once, before forking (forkserver start method).
WORKER_PRELOAD = ["extractor.ingest.workers", "extractor.parse", "extractor.parse.pdf.document", "extractor.facts.sentence", "extractor.facts.segment",
                  "extractor.claims.statements", "extractor.claims.entities"]


class WorkerPoolError(PolicyFactsError):
    """The worker processes cannot run (not the fault of any one file): the run stops."""


_WARM_TEXT = "杭州市人民政府办公厅\n2024年，全市数字贸易进出口额达到1234.5亿元，同比增长12.5%。\n2024年4月23日\n"


def _warm_up() -> None:
    """Import the parsers and load the pattern files once, before the first document's clock starts.

    Heavy models (jieba's dictionary, the spaCy pipeline) stay lazy: each worker loads them, once,
    when a document first needs them (the extractors cache them per process)."""
    with contextlib.suppress(Exception):
        import extractor.parse.pdf.document  # noqa: F401  (pdfplumber)
    with contextlib.suppress(Exception), tempfile.TemporaryDirectory(prefix="policy-facts-warm-") as tmp:
        p = Path(tmp) / "warm.txt"
        p.write_text(_WARM_TEXT, encoding="utf-8")
        extract_file(p, "warm.txt", "", p.stat().st_size)


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
        _limit_memory(memory_mb)
    except Exception:  # an initializer that fails makes pebble restart the worker forever
        pass


def _mp_context():
    """forkserver where available: workers fork from a clean single-threaded process that has
    already imported the parsers (fork from a threaded process is unsafe)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD)
        return ctx
    return multiprocessing.get_context()


@dataclass
class Job:
    """One file to read: where it is, its path in the database, its hash, size and manifest metadata."""

    file: Path
    rel: str
    sha: str
    size: int
    meta: dict[str, str]


class _Done:
    """A finished result for a job run in the main process (workers=0)."""

    def __init__(self, value: Extraction):
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> Extraction:
        return self.value


class Workers:
    """The worker pool, started on the first job (a run with nothing to read starts no process)
    with no more workers than there are jobs (``start``).

    ``n == 0`` runs each job in the calling process: no time or memory limit (for debugging
    and profiling)."""

    def __init__(self, n: int, *, timeout: float | None, memory_mb: int, password: str | None,
                 max_text_bytes: int | None):
        self.n, self.timeout, self.memory_mb = n, timeout, memory_mb
        self.password, self.max_text_bytes = password, max_text_bytes
        self.size: int | None = None
        self._pool: Any = None  # a pebble ProcessPool, made on the first submit

    def start(self, jobs: int) -> None:
        """Fix the pool's size: at most ``n``, at most ``jobs`` (the jobs known so far, when that is all)."""
        if self.size is None:
            self.size = max(1, min(self.n, jobs))

    def submit(self, job: Job):
        args = (job.file, job.rel, job.sha, job.size, job.meta, self.password, self.max_text_bytes)
        if self.n == 0:
            return _Done(extract_rows(*args))
        if self._pool is None:
            from pebble import ProcessPool

            self.start(self.n)
            self._pool = ProcessPool(max_workers=self.size or 1, initializer=_worker_init, initargs=(self.memory_mb,),
                                     context=_mp_context())
        return self._pool.schedule(extract_rows, args=args, timeout=self.timeout or None)

    @staticmethod
    def ready(future, timeout: float) -> bool:
        """Whether the job's result is there, waiting up to ``timeout`` seconds for it."""
        if isinstance(future, _Done):
            return True
        from concurrent.futures import wait

        return bool(wait([future], timeout=max(0.0, timeout)).done)

    def result(self, job: Job, future) -> Extraction:
        """The job's result; a timeout or a worker that died becomes a ``failed`` Extraction."""
        from pebble import ProcessExpired

        try:
            return future.result()
        except FutureTimeout:
            err = f"Timeout: gave up after {self.timeout:g} s (--timeout): the document is too large or pathological"
        except ProcessExpired as exc:
            how = f"was killed by signal {-exc.exitcode}" if (exc.exitcode or 0) < 0 else f"exited ({exc.exitcode})"
            err = f"WorkerCrashed: the worker reading this file {how}; out of memory?"
        except MemoryError:
            err = "MemoryError: the result was too large to send back"
        except Exception as exc:
            if type(exc).__name__ == "BrokenProcessPool":  # not this file's fault: stop the run
                raise WorkerPoolError(
                    f"the worker processes could not run ({exc}); a script that calls ingest() must do so "
                    "under `if __name__ == '__main__':`, or pass workers=0"
                ) from exc
            err = f"{type(exc).__name__}: {exc}"
        return Extraction(path=job.rel, sha256=job.sha, size_bytes=job.size, status="failed", error=err)

    def close(self, *, cancel: bool = False) -> None:
        if self._pool is not None:
            if cancel:
                self._pool.stop()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
