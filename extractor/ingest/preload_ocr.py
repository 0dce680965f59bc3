"""Imported by the forkserver after :mod:`extractor.ingest.preload` when OCR may run
(:data:`~extractor.ingest.forkserver.OCR_PRELOAD`): the OCR page reader with OpenCV and numpy,
~0.1 s, once for all workers (the recogniser's models load in a worker, on its first scan).
Never raises: a worker imports what the forkserver could not.
"""

import contextlib
import gc

with contextlib.suppress(Exception):
    import extractor.parse.ocr.page  # noqa: F401
gc.freeze()  # as the models are (preload_models): long-lived, left alone by the collector
