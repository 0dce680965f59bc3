"""The forkserver the worker processes fork from: what it loads before forking, and starting it early.

It imports the parsers and loads the pattern files and the heavy models once
(:mod:`extractor.ingest.preload`): about 1.5 s. ``policy-facts ingest`` starts it as its
first step (:func:`start`; :mod:`extractor.launch`, before the command line is even
imported), so that this loading runs on another core while the command imports the
pipeline, checks the pattern files and finds the files, instead of after. This module
imports nothing of the pipeline, so that starting the forkserver waits for nothing.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext

__all__ = ["PRELOAD", "context", "start"]

#: What the forkserver imports before it forks any worker: :mod:`extractor.ingest.preload`,
#: which imports the parsers and extractors and loads the models, and never raises.
PRELOAD = ["extractor.ingest.preload"]


def context() -> BaseContext:
    """forkserver where available: workers fork from a clean single-threaded process that has
    already imported the parsers (fork from a threaded process is unsafe)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        # numpy (under sqlite-utils and spaCy) would start a pool of BLAS threads in the forkserver;
        # nothing here uses BLAS, and a process that forks should have one thread
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context()


def start() -> None:
    """Start the forkserver now, loading in the background (nothing where there is no forkserver;
    nothing if it runs already). A run that then has nothing to read leaves it unused: it ends
    with this process."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
