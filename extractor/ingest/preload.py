"""Imported by the forkserver (:data:`~extractor.ingest.forkserver.PRELOAD`) before it forks any
worker: imports the parsers and extractors (:data:`MODULES`), then loads the pattern files and
the heavy models once (:func:`~extractor.ingest.workers.preload_models`), so that each worker
starts with them instead of loading its own copy (again after every restart). The OCR reader
comes after, when OCR may run (:mod:`extractor.ingest.preload_ocr`).

Nothing here raises: the forkserver may start before the command has checked the pattern files
(a broken one stops the command with its own message, exit code 3), and a worker imports what
the forkserver could not.
"""

import contextlib
import importlib

#: What the workers use, imported in this order.
MODULES = ("extractor.ingest.workers", "extractor.parse", "extractor.parse.pdf.document",
           "extractor.parse.pdf.pdfium",  # pypdfium2 and the PDFium library, the default engine
           "extractor.facts.sentence", "extractor.facts.segment",
           "extractor.claims.statements", "extractor.claims.entities")

for _name in MODULES:
    with contextlib.suppress(Exception):
        importlib.import_module(_name)
with contextlib.suppress(Exception):
    from extractor.ingest.workers import preload_models

    preload_models()
