"""Stage 6: folders of files → the database, incrementally, in parallel.

* :mod:`.discover` — files, hashes and manifests;
* :mod:`.job` — one document's whole extraction (parse → facts → claims → rows), run in a worker;
* :mod:`.forkserver` — what the worker processes fork from, started early;
* :mod:`.workers` — the process pool with its time and memory limits;
* :mod:`.cluster` — the same jobs on a Dask cluster (``ingest --cluster``);
* :mod:`.writer` — the single in-order writer and the run's counts;
* :mod:`.pipeline` — the run: plan, workers, writer;
* :mod:`.progress` — the progress bar and summary.

:func:`ingest` is imported on first use, so that :mod:`.forkserver` can be started before the
pipeline's imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.ingest.pipeline import ingest

__all__ = ["ingest"]


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from extractor.ingest.pipeline import ingest

        return ingest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
