"""Stage 4: rows in SQLite.

* :mod:`.rows` — a document's models as database rows with document-local ids;
* :mod:`.database` — :class:`Store`, the one writer (schema in ``schema.sql`` beside it);
* :mod:`.search` — the bigram full-text index and the query rewriter.
"""

from extractor.store.database import Store

__all__ = ["Store"]
