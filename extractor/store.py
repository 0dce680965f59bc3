"""Store parsed documents, sentences, tables and facts in SQLite with sqlite-utils.

    with Store("db/facts.db") as store:
        if not store.doc_unchanged(path, sha256):
            store.save_document(doc, path=path, sha256=sha256, size_bytes=n,
                                sentences=sentences, facts=facts)

The schema lives in ``db/schema.sql`` (found beside the package, or through the
``POLICY_FACTS_SCHEMA`` environment variable) and is applied on every open.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from . import __version__, search
from .models import Claim, Fact, ParsedDocument, Sentence, Table

#: The tables a document's rows live in.
TABLES = ("documents", "sentences", "tables", "table_cells", "facts")
#: facts columns filled from :class:`~extractor.models.Fact` fields of the same name.
FACT_FIELDS = tuple(
    "page sentence quote value unit value_norm unit_norm kind qualifier modality"
    " region period metric low high char_start char_end method".split()
)
#: claims columns filled from :class:`~extractor.models.Claim` fields of the same name.
CLAIM_FIELDS = tuple("claim_type text speaker speaker_title organisation verb source deadline subject".split())
BUSY_TIMEOUT_MS = 5000


def schema_path() -> Path:
    """Where ``schema.sql`` is: ``$POLICY_FACTS_SCHEMA`` or ``db/schema.sql`` in the checkout."""
    env = os.environ.get("POLICY_FACTS_SCHEMA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "db" / "schema.sql"


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(list(value), ensure_ascii=False)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def header_labels(table: Table) -> tuple[list[str | None], list[str | None]]:
    """``(row_headers, col_headers)`` of ``table``: the label (first) column's text
    on each row, and the header rows' text over each column joined with ``"/"``
    (repeats from spanning cells dropped). None where there is no label."""
    grid = table.grid()
    n_head = max(0, min(table.header_rows, table.n_rows))
    col_headers: list[str | None] = []
    for col in range(table.n_cols):
        parts: list[str] = []
        for row in range(n_head):
            text = grid[row][col].strip()
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        col_headers.append("/".join(parts) or None)
    row_headers: list[str | None] = [
        (grid[row][0].strip() or None) if row >= n_head and table.n_cols > 1 else None
        for row in range(table.n_rows)
    ]
    return row_headers, col_headers


class Store:
    """The facts database: one writer, many Datasette readers (WAL)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(str(path))
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path is not None:
            self.db.enable_wal()
        self.db.executescript(schema_path().read_text(encoding="utf-8"))
        if self._meta("search_version") != search.SEARCH_VERSION:
            self.rebuild_search()

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception.

        IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so a
        read inside the transaction can't be invalidated by another writer."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.execute("COMMIT")

    # -- reads -----------------------------------------------------------------

    def doc_unchanged(self, path: str, sha256: str) -> bool:
        """True if ``path`` was stored (ok or not) from a file with this ``sha256``."""
        row = self.db.execute(
            "select 1 from documents where path = ? and sha256 = ?", [path, sha256]
        ).fetchone()
        return row is not None

    def document(self, path: str) -> dict | None:
        """The documents row for ``path``, or None."""
        rows = list(self.db.query("select * from documents where path = ?", [path]))
        return rows[0] if rows else None

    def document_paths(self) -> set[str]:
        """Every stored ``documents.path`` (to find files removed from the corpus)."""
        return {r[0] for r in self.db.execute("select path from documents")}

    def counts(self) -> dict[str, int]:
        """Row counts of every table, plus ``facts_fts``."""
        out = {t: self.db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in TABLES}
        out["facts_fts"] = self.db.execute(f"select count(*) from {search.FTS_TABLE}").fetchone()[0]
        return out

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[dict]:
        """Facts whose sentence contains ``query`` (see :mod:`extractor.search`)."""
        try:
            sql, _count, params = search.search_sql(query, limit=limit, offset=offset)
        except ValueError:
            return []
        return list(self.db.query(sql, params))

    # -- writes ----------------------------------------------------------------

    def save_document(
        self,
        doc: ParsedDocument,
        *,
        path: str,
        sha256: str,
        size_bytes: int,
        sentences: list[Sentence],
        facts: list[Fact],
        claims: Iterable[Claim] = (),
        status: str = "ok",
        error: str | None = None,
        extractor_version: str = __version__,
    ) -> int:
        """Replace everything stored for ``path`` with this document, in one transaction.

        Facts are linked to sentences by ``sentence_index`` and to tables (and
        table cells) by ``table_index``/``table_row``/``table_col``. Claims are
        linked to their sentences and entities, and each fact to the claim whose
        ``fact_indexes`` (positions in ``facts``) hold it. A document saved again
        keeps its id. Returns the document id.
        """
        row = {
            "path": path,
            "sha256": sha256,
            "title": doc.title,
            "doc_type": doc.doc_type,
            "published": doc.published,
            "page_count": doc.page_count,
            "author": doc.author,
            "publisher": doc.publisher,
            "source_url": doc.source_url,
            "status": status,
            "error": error,
            "size_bytes": size_bytes,
            "extractor_version": extractor_version,
        }
        with self.transaction():
            doc_id = self._replace_document(row)
            sentence_ids = self._insert_sentences(doc_id, sentences)
            table_ids, cells = self._insert_tables(doc_id, doc.tables)
            fact_ids = self._insert_facts(doc_id, facts, sentence_ids, table_ids)
            for (t_idx, r, c), fact_id in self._cell_facts(doc.tables, facts, fact_ids).items():
                cells[(t_idx, r, c)]["fact_id"] = fact_id
            self._insert_rows("table_cells", cells.values())
            self._insert_claims(doc_id, list(claims), sentence_ids, fact_ids)
        return doc_id

    def save_failure(
        self,
        path: str,
        sha256: str,
        size_bytes: int,
        status: str,
        error: str | None,
        doc_type: str | None = None,
        page_count: int | None = None,
        extractor_version: str = __version__,
    ) -> int:
        """Replace what is stored for ``path`` with a documents row and no facts."""
        row = {
            "path": path,
            "sha256": sha256,
            "doc_type": doc_type,
            "page_count": page_count,
            "status": status,
            "error": error,
            "size_bytes": size_bytes,
            "extractor_version": extractor_version,
        }
        with self.transaction():
            return self._replace_document(row)

    def delete_document(self, path: str) -> bool:
        """Delete ``path`` and all its rows; False if it wasn't stored."""
        with self.transaction():
            return self._delete_rows(path) is not None

    def rebuild_search(self) -> None:
        """Re-index every fact in ``facts_fts`` (after a change of tokenization)."""
        fts = search.FTS_TABLE
        with self.transaction():
            self.db.execute(f"insert into {fts}({fts}) values ('delete-all')")
            self._index_facts(self.db.execute("select id, sentence from facts"))
            self.db.execute(
                "insert or replace into meta (key, value) values ('search_version', ?)",
                [search.SEARCH_VERSION],
            )
        self.db.execute(f"insert into {fts}({fts}) values ('optimize')")

    # -- internals -------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def _next_id(self, table: str) -> int:
        return self.db.execute(f"select coalesce(max(id), 0) + 1 from [{table}]").fetchone()[0]

    def _index_facts(self, rows: Iterable[tuple[int, str]], command: str | None = None) -> None:
        fts = search.FTS_TABLE
        if command:
            sql = f"insert into {fts}({fts}, rowid, sentence) values ('{command}', ?, ?)"
        else:
            sql = f"insert into {fts}(rowid, sentence) values (?, ?)"
        self.db.conn.executemany(sql, ((i, search.index_text(s)) for i, s in rows))

    def _delete_rows(self, path: str) -> int | None:
        """Delete the rows of ``path`` in dependency order; return its old id."""
        found = self.db.execute("select id from documents where path = ?", [path]).fetchone()
        if found is None:
            return None
        doc_id = found[0]
        table_ids = "select id from tables where doc_id = ?"
        old = self.db.execute("select id, sentence from facts where doc_id = ?", [doc_id]).fetchall()
        self._index_facts(old, command="delete")
        self.db.execute(f"delete from table_cells where table_id in ({table_ids})", [doc_id])
        self.db.execute("delete from claim_entities where claim_id in (select id from claims where doc_id = ?)",
                        [doc_id])
        for table in ("facts", "entities", "claims", "sentences", "tables", "documents"):
            column = "id" if table == "documents" else "doc_id"
            self.db.execute(f"delete from [{table}] where {column} = ?", [doc_id])
        return doc_id

    def _replace_document(self, row: dict) -> int:
        old_id = self._delete_rows(row["path"])
        row = {
            "id": old_id if old_id is not None else self._next_id("documents"),
            **row,
            "ingested_at": _now(),
        }
        self.db["documents"].insert(row)
        return row["id"]

    def _insert_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert rows with one ``executemany`` (the schema already exists, so none of
        sqlite-utils' per-chunk column detection is needed on this hot path)."""
        rows = list(rows)
        if not rows:
            return
        columns = list(dict.fromkeys(k for row in rows for k in row))
        sql = 'insert into "{}" ({}) values ({})'.format(
            table, ", ".join(f'"{c}"' for c in columns), ", ".join("?" for _ in columns)
        )
        self.db.conn.executemany(sql, ([_sql_value(row.get(c)) for c in columns] for row in rows))

    def _insert_sentences(self, doc_id: int, sentences: list[Sentence]) -> dict[int, int]:
        first = self._next_id("sentences")
        rows = [
            {
                "id": first + n,
                "doc_id": doc_id,
                "page": s.page,
                "idx": s.index,
                "paragraph": s.paragraph,
                "text": s.text,
                "char_start": s.char_start,
                "char_end": s.char_end,
            }
            for n, s in enumerate(sentences)
        ]
        self._insert_rows("sentences", rows)
        return {r["idx"]: r["id"] for r in rows}

    def _insert_tables(
        self, doc_id: int, tables: list[Table]
    ) -> tuple[dict[int, int], dict[tuple[int, int, int], dict]]:
        """Insert the tables; return ``{idx: table_id}`` and the cell rows (not yet
        inserted, so facts can be linked first) keyed by ``(idx, row, col)``."""
        first = self._next_id("tables")
        next_cell = self._next_id("table_cells")
        table_ids: dict[int, int] = {}
        cells: dict[tuple[int, int, int], dict] = {}
        rows = []
        for idx, table in enumerate(tables):
            table_ids[idx] = table_id = first + idx
            rows.append(
                {
                    "id": table_id,
                    "doc_id": doc_id,
                    "idx": idx,
                    "page": table.page,
                    "pages": _json(table.pages),
                    "caption": table.caption,
                    "unit": table.unit,
                    "header_rows": table.header_rows,
                    "n_rows": table.n_rows,
                    "n_cols": table.n_cols,
                    "method": table.method,
                    "bbox": _json(table.bbox),
                }
            )
            row_headers, col_headers = header_labels(table)
            for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
                if (idx, cell.row, cell.col) in cells:
                    continue  # a duplicate cell: keep the first
                in_grid = cell.row < table.n_rows and cell.col < table.n_cols
                cells[(idx, cell.row, cell.col)] = {
                    "id": next_cell,
                    "table_id": table_id,
                    "row": cell.row,
                    "col": cell.col,
                    "row_span": cell.row_span,
                    "col_span": cell.col_span,
                    "text": cell.text,
                    "row_header": row_headers[cell.row] if in_grid and cell.col > 0 else None,
                    "col_header": (
                        col_headers[cell.col] if in_grid and cell.row >= table.header_rows else None
                    ),
                    "fact_id": None,
                }
                next_cell += 1
        self._insert_rows("tables", rows)
        return table_ids, cells

    def _insert_facts(
        self, doc_id: int, facts: list[Fact], sentence_ids: dict[int, int], table_ids: dict[int, int]
    ) -> list[int]:
        first = self._next_id("facts")
        rows = []
        for n, fact in enumerate(facts):
            if fact.sentence_index is not None and fact.sentence_index not in sentence_ids:
                raise ValueError(f"fact {n} ({fact.quote!r}): no sentence {fact.sentence_index}")
            if fact.table_index is not None and fact.table_index not in table_ids:
                raise ValueError(f"fact {n} ({fact.quote!r}): no table {fact.table_index}")
            rows.append(
                {
                    "id": first + n,
                    "doc_id": doc_id,
                    **{name: getattr(fact, name) for name in FACT_FIELDS},
                    "sentence_id": sentence_ids.get(fact.sentence_index),  # type: ignore[arg-type]
                    "table_id": table_ids.get(fact.table_index),  # type: ignore[arg-type]
                }
            )
        self._insert_rows("facts", rows)
        self._index_facts((r["id"], r["sentence"]) for r in rows)
        return [r["id"] for r in rows]

    def _insert_claims(
        self, doc_id: int, claims: list[Claim], sentence_ids: dict[int, int], fact_ids: list[int]
    ) -> None:
        """Insert claims and their entities (each entity once), then point facts at their claim."""
        if not claims:
            return
        first_claim, first_entity = self._next_id("claims"), self._next_id("entities")
        claim_rows, entity_rows, links, fact_links = [], {}, [], []
        for n, claim in enumerate(claims):
            if claim.sentence_index not in sentence_ids:
                raise ValueError(f"claim {n} ({claim.text[:20]!r}): no sentence {claim.sentence_index}")
            claim_id = first_claim + n
            claim_rows.append({
                "id": claim_id,
                "doc_id": doc_id,
                "sentence_id": sentence_ids[claim.sentence_index],
                "sentence_end_id": sentence_ids.get(claim.sentence_end_index),  # type: ignore[arg-type]
                "page": claim.page,
                **{f: getattr(claim, f) for f in CLAIM_FIELDS},
            })
            for i in claim.fact_indexes:
                if not 0 <= i < len(fact_ids):
                    raise ValueError(f"claim {n} ({claim.text[:20]!r}): no fact {i}")
                fact_links.append((claim_id, fact_ids[i]))
            for e in claim.entities:
                key = (e.label, e.name, e.text, e.sentence_index, e.char_start, e.char_end)
                if key not in entity_rows:
                    entity_rows[key] = {
                        "id": first_entity + len(entity_rows),
                        "doc_id": doc_id,
                        "sentence_id": sentence_ids.get(e.sentence_index),  # type: ignore[arg-type]
                        "label": e.label,
                        "text": e.text,
                        "name": e.name,
                        "char_start": e.char_start,
                        "char_end": e.char_end,
                    }
                links.append((claim_id, entity_rows[key]["id"]))
        self._insert_rows("claims", claim_rows)
        self._insert_rows("entities", entity_rows.values())
        self._insert_rows("claim_entities", [{"claim_id": c, "entity_id": e} for c, e in dict.fromkeys(links)])
        self.db.conn.executemany("update facts set claim_id = ? where id = ?", fact_links)

    @staticmethod
    def _cell_facts(
        tables: list[Table], facts: list[Fact], fact_ids: list[int]
    ) -> dict[tuple[int, int, int], int]:
        """``{(table idx, row, col) of a cell: fact id}``; the first fact of a cell wins.

        A fact's (row, col) may fall anywhere inside a spanning cell."""
        anchors: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        for idx, table in enumerate(tables):
            for cell in table.cells:
                for r in range(cell.row, cell.row + cell.row_span):
                    for c in range(cell.col, cell.col + cell.col_span):
                        anchors.setdefault((idx, r, c), (idx, cell.row, cell.col))
        out: dict[tuple[int, int, int], int] = {}
        for fact, fact_id in zip(facts, fact_ids, strict=True):
            if fact.table_index is None or fact.table_row is None or fact.table_col is None:
                continue
            anchor = anchors.get((fact.table_index, fact.table_row, fact.table_col))
            if anchor is None:
                raise ValueError(
                    f"fact {fact.quote!r}: no cell at row {fact.table_row}, col {fact.table_col}"
                    f" of table {fact.table_index}"
                )
            out.setdefault(anchor, fact_id)
        return out


def _sql_value(value: Any) -> Any:
    """Lists, tuples and dicts are stored as JSON, as sqlite-utils would."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
