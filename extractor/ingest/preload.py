"""Imported by the forkserver, last of :data:`~extractor.ingest.forkserver.PRELOAD`, before it
forks any worker: loads the pattern files and the heavy models once (:func:`preload_models`), so
that each worker starts with them instead of loading its own copy (again after every restart).
"""

from extractor.ingest.workers import preload_models

preload_models()
