"""Stage 4: rows in SQLite.

* :mod:`.rows` — a document's models as database rows with document-local ids;
* :mod:`.database` — :class:`Store`, the one writer (schema in ``schema.sql`` beside it);
* :mod:`.search` — the bigram full-text index and the query rewriter.

:class:`Store` is imported on first use: a worker process builds rows (:mod:`.rows`) and
never opens the database, so it does not import sqlite-utils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.store.database import Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from extractor.store.database import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
