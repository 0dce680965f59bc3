"""Stage 6: folders of files → the database, incrementally, in parallel.

* :mod:`.discover` — files, hashes and manifests;
* :mod:`.job` — one document's whole extraction (parse → facts → claims → rows), run in a worker;
* :mod:`.workers` — the process pool with its time and memory limits;
* :mod:`.cluster` — the same jobs on a Dask cluster (``ingest --cluster``);
* :mod:`.writer` — the single in-order writer and the run's counts;
* :mod:`.pipeline` — the run: plan, workers, writer;
* :mod:`.progress` — the progress bar and summary.
"""

from extractor.ingest.pipeline import ingest

__all__ = ["ingest"]
