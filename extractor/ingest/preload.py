"""Imported by the forkserver, last of :data:`~extractor.ingest.workers.WORKER_PRELOAD`, before it
forks any worker: loads the pattern files and the heavy models once (:func:`preload_models`), so
that each worker starts with them instead of loading its own copy (again after every restart).

numpy (under spaCy) would start a pool of BLAS threads; nothing here uses BLAS, and the forkserver
stays single-threaded, as a process that forks should.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from extractor.ingest.workers import preload_models  # noqa: E402

preload_models()
