"""The forkserver the worker processes fork from: what it loads before forking, and starting it early.

It imports the parsers and loads the pattern files and the heavy models once
(:mod:`extractor.ingest.preload`): about 1.2 s. ``policy-facts ingest`` starts it as its
first step (:func:`start`; :mod:`extractor.launch`, before the command line is even
imported), so that this loading runs on another core while the command imports the
pipeline, checks the pattern files and finds the files, instead of after. This module
imports nothing of the pipeline, so that starting the forkserver waits for nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from multiprocessing.context import BaseContext

__all__ = ["OCR_PRELOAD", "PRELOAD", "context", "for_pool", "start", "stop_if_unused"]

#: What the forkserver imports before it forks any worker: :mod:`extractor.ingest.preload`,
#: which imports the parsers and extractors and loads the models, and never raises.
PRELOAD = ["extractor.ingest.preload"]
#: Imported after :data:`PRELOAD` when OCR may run (not ``--ocr off``): the OCR page reader and its
#: image library (OpenCV, ~0.1 s), once for all workers. Without it a worker imports them itself
#: on its first scan: a wrong guess costs time, never a result.
OCR_PRELOAD = ["extractor.ingest.preload_ocr"]


def context(ocr: bool = True) -> BaseContext:
    """forkserver where available: workers fork from a clean single-threaded process that has
    already imported the parsers (fork from a threaded process is unsafe). ``ocr``: whether a
    forkserver started from here also imports the OCR reader (:data:`OCR_PRELOAD`)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        # numpy (under sqlite-utils and spaCy) would start a pool of BLAS threads in the forkserver;
        # nothing here uses BLAS, and a process that forks should have one thread
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD + OCR_PRELOAD if ocr else PRELOAD)
        return ctx
    return multiprocessing.get_context()


#: the forkserver :func:`start` launched, while no pool has used it
_unused: int | None = None


def _server() -> object | None:
    from multiprocessing import forkserver

    return getattr(forkserver, "_forkserver", None)


def start(ocr: bool = True) -> None:
    """Start the forkserver now, loading in the background (nothing where there is no forkserver;
    nothing if it runs already); ``ocr``: whether OCR may run (see :func:`context`)."""
    global _unused
    if context(ocr).get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    before = getattr(_server(), "_forkserver_pid", None)
    forkserver.ensure_running()
    pid = getattr(_server(), "_forkserver_pid", None)
    if pid is not None and pid != before:
        _unused = pid


def for_pool(ocr: bool = True) -> BaseContext:
    """The context a pool of workers starts from (see :func:`context`): the forkserver has a use."""
    global _unused
    _unused = None
    return context(ocr)


def stop_if_unused() -> None:
    """End the forkserver :func:`start` launched if no pool has used it (a run with nothing to read).
    Left alone it would finish loading (~1.2 s) before noticing this process is gone, holding the
    command's output open meanwhile: a pipe reading it would wait."""
    global _unused
    server, pid, _unused = _server(), _unused, None
    if pid is None or server is None or getattr(server, "_forkserver_pid", None) != pid:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    with contextlib.suppress(Exception):
        server._stop()  # type: ignore[attr-defined]  # closes its pipe, reaps it: the next start() starts anew
