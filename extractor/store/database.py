"""Store parsed documents, sentences, tables and facts in SQLite with sqlite-utils.

    with Store("db/facts.db") as store:
        if not store.doc_unchanged(path, sha256):
            store.save_document(doc, path=path, sha256=sha256, size_bytes=n,
                                sentences=sentences, facts=facts)

The schema is ``schema.sql`` beside this module (package data, so an installed
wheel has it; ``POLICY_FACTS_SCHEMA`` points elsewhere) and is applied on every open.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import sqlite_utils

from extractor import __version__
from extractor.models import Claim, Fact, ParsedDocument, Sentence
from extractor.patterns import patterns_dir
from extractor.settings import SETTINGS
from extractor.store import search
from extractor.store.migrate import migrate
from extractor.store.rows import (
    CELL_COLUMNS,
    CLAIM_COLUMNS,
    CLAIM_FIELDS,
    DERIVED_FACT_COLUMNS,
    ENTITY_COLUMNS,
    FACT_COLUMNS,
    FACT_FIELDS,
    PARAGRAPH_COLUMNS,
    SENTENCE_COLUMNS,
    TABLE_COLUMNS,
    DocumentRows,
    derived_fact,
    document_label,
    document_row,
    header_labels,
    prepare_document,
)

__all__ = ["CLAIM_FIELDS", "FACT_FIELDS", "TABLES", "DocumentRows", "Store", "header_labels", "prepare_document"]

#: The tables a document's rows live in.
TABLES = ("documents", "sentences", "paragraphs", "tables", "table_cells", "facts")
BUSY_TIMEOUT_MS = SETTINGS.store.busy_timeout_ms
#: Bump when what :func:`~extractor.store.rows.derived_fact` computes changes; a change of
#: ``patterns/synonyms.yml`` also makes the store compute the derived columns again.
DERIVED_VERSION = "1"


def derived_version() -> str:
    """The version of the derived columns a database should have (code and synonym table)."""
    data = (patterns_dir() / "synonyms.yml").read_bytes()
    return f"{DERIVED_VERSION}:{hashlib.sha256(data).hexdigest()[:16]}"


def schema_path() -> Path:
    """Where ``schema.sql`` is: ``$POLICY_FACTS_SCHEMA`` or the package's own copy."""
    env = os.environ.get("POLICY_FACTS_SCHEMA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "schema.sql"


#: Each fact with what the search index holds of it (see :data:`extractor.store.search.FTS_COLUMNS`).
_INDEXED = ("select f.id, f.sentence, f.metric, f.region, d.label, c.text from facts f"
            " join documents d on d.id = f.doc_id left join claims c on c.id = f.claim_id")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
        schema = schema_path().read_text(encoding="utf-8")
        migrate(self.db.conn, schema)
        self._drop_stale_search()
        self.db.executescript(schema)
        self._backfill_files()
        relabelled = self._refresh_derived()
        if relabelled or self._meta("search_version") != search.SEARCH_VERSION:
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

    def _backfill_files(self) -> None:
        """Give every document its first file in ``document_files`` (a database from before
        document_files, or rows written by hand)."""
        missing = "select id from documents where id not in (select doc_id from document_files)"
        if self.db.execute(f"select exists ({missing})").fetchone()[0]:
            with self.transaction():
                self.db.execute(
                    "insert or ignore into document_files (root, path, doc_id, size_bytes, stored_at) "
                    f"select root, path, id, size_bytes, ingested_at from documents where id in ({missing})")

    def _drop_stale_search(self) -> None:
        """Drop a ``facts_fts`` of other columns (from an older version): the schema makes it anew
        and :meth:`rebuild_search` fills it."""
        cols = [r[1] for r in self.db.execute(f"pragma table_info({search.FTS_TABLE})")]
        if cols and tuple(cols) != search.FTS_COLUMNS:
            with self.transaction():
                self.db.execute(f"drop table {search.FTS_TABLE}")
                self.db.execute("delete from meta where key = 'search_version'")

    def _refresh_derived(self) -> bool:
        """Compute the derived columns (a fact's metric_key and period hierarchy, a document's
        label where it has none) when the code or the synonym table changed since they were;
        True when a label was filled (the search index holds labels)."""
        version = derived_version()
        if self._meta("derived_version") == version:
            return False
        with self.transaction():
            rows = self.db.execute("select id, metric, period from facts").fetchall()
            sets = ", ".join(f"{c} = ?" for c in DERIVED_FACT_COLUMNS)
            self.db.conn.executemany(f"update facts set {sets} where id = ?",
                                     ((*derived_fact(metric, period), i) for i, metric, period in rows))
            docs = self.db.execute("select id, title, path from documents where label is null").fetchall()
            self.db.conn.executemany("update documents set label = ? where id = ?",
                                     ((document_label(title, None, path), i) for i, title, path in docs))
            self.db.execute("insert or replace into meta (key, value) values ('derived_version', ?)", [version])
        return bool(docs)

    def doc_unchanged(self, path: str, sha256: str) -> bool:
        """True if ``path`` was stored (ok or not) from a file with this ``sha256``."""
        row = self.db.execute(
            "select 1 from documents where path = ? and sha256 = ?", [path, sha256]
        ).fetchone()
        return row is not None

    def document(self, path: str, root: str | None = None) -> dict | None:
        """The documents row whose first file is ``path`` (under ``root``, if given), or None."""
        sql, params = "select * from documents where path = ?", [path]
        if root is not None:
            sql, params = sql + " and root = ?", [path, root]
        rows = list(self.db.query(sql + " order by id limit 1", params))
        return rows[0] if rows else None

    def document_paths(self) -> set[str]:
        """Every stored ``documents.path`` (to find files removed from the corpus)."""
        return {r[0] for r in self.db.execute("select path from documents")}

    def files(self, doc_id: int | None = None) -> list[tuple[str, str, int]]:
        """``(root, path, doc_id)`` of every file stored (of one document), in order."""
        sql = "select root, path, doc_id from document_files"
        if doc_id is not None:
            return self.db.execute(sql + " where doc_id = ? order by root, path", [doc_id]).fetchall()
        return self.db.execute(sql + " order by root, path").fetchall()

    def counts(self) -> dict[str, int]:
        """Row counts of every table, plus ``facts_fts``."""
        out = {t: self.db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in TABLES}
        out["facts_fts"] = self.db.execute(f"select count(*) from {search.FTS_TABLE}").fetchone()[0]
        return out

    def search(self, query: str, filters: search.Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[dict]:
        """Facts ``query`` finds within ``filters``, best first (see :mod:`extractor.store.search`)."""
        try:
            sql, _count, params = search.search_sql(query, filters, limit=limit, offset=offset)
        except ValueError:
            return []
        return list(self.db.query(sql, params))

    # -- writes ----------------------------------------------------------------

    def save_document(
        self,
        doc: ParsedDocument,
        *,
        path: str,
        root: str = "",
        sha256: str,
        size_bytes: int,
        sentences: list[Sentence],
        facts: list[Fact],
        claims: Iterable[Claim] = (),
        status: str = "ok",
        error: str | None = None,
        extractor_version: str = __version__,
    ) -> int:
        """Store this document as read from the file ``root`` / ``path`` (see :meth:`write_rows`
        for which stored document it replaces), in one transaction.

        Facts are linked to sentences by ``sentence_index`` and to tables (and
        table cells) by ``table_index``/``table_row``/``table_col``. Claims are
        linked to their sentences and entities, and each fact to the claim whose
        ``fact_indexes`` (positions in ``facts``) hold it. A document saved again
        keeps its id. Returns the document id. Raises ValueError (nothing written)
        when a link points nowhere.
        """
        return self.write_rows(prepare_document(
            doc, path=path, root=root, sha256=sha256, size_bytes=size_bytes, sentences=sentences, facts=facts,
            claims=claims, status=status, error=error, extractor_version=extractor_version,
        ))

    def write_rows(self, rows: DocumentRows, fingerprint: str | None = None) -> int:
        """Store ``rows`` (made by :func:`~extractor.rows.prepare_document`) as the document read
        from the file ``rows.document["root"]`` / ``["path"]``, in one transaction; return its id.

        The document it replaces, keeping its id: the one stored with the same sha256 (read
        again), else the one this file held when it was this document's only file (the file
        changed). A document left without files is deleted; one that has others keeps them."""
        row = rows.document
        root, path = row.get("root", ""), row["path"]
        with self.transaction():
            doc_id = self._target(root, path, row["sha256"])
            self._detach(root, path, keep=doc_id)
            doc_id = self._replace_document(row, doc_id)
            self._attach(root, path, doc_id, row.get("size_bytes"), fingerprint)
            if rows.sentences or rows.tables or rows.facts or rows.claims:
                self._insert_document_rows(doc_id, rows)
        return doc_id

    def content_id(self, sha256: str) -> int | None:
        """The id of the document stored with this content (sha256), if any."""
        return self._by_sha(sha256)

    def link(self, root: str, path: str, sha256: str, size_bytes: int | None = None,
             fingerprint: str | None = None) -> int | None:
        """Record the file ``root`` / ``path`` as a file of the document stored with this sha256
        (the same content under another path, or its own, with a new fingerprint); None when
        there is none."""
        with self.transaction():
            doc_id = self._by_sha(sha256)
            if doc_id is not None:
                self._detach(root, path, keep=doc_id)
                self._attach(root, path, doc_id, size_bytes, fingerprint)
        return doc_id

    def prune(self, root: str, keep: set[str], protect: tuple[str, ...] = ()) -> tuple[int, int]:
        """Forget the files under ``root`` whose path is not in ``keep`` (nor under a folder of
        ``protect``, paths ending in "/"), and the documents left without files; return
        (files, documents) removed."""
        stale = [p for (p,) in self.db.execute("select path from document_files where root = ?", [root])
                 if p not in keep and not p.startswith(protect)]
        docs = 0
        with self.transaction():
            for path in stale:
                before = self._file_doc(root, path)
                self._detach(root, path, keep=None)
                docs += before is not None and self._doc_files(before) == 0
        return len(stale), docs

    def _insert_document_rows(self, doc_id: int, rows: DocumentRows) -> None:
        sb, pb, tb, cb, fb, kb, eb = self._next_ids("sentences", "paragraphs", "tables", "table_cells", "facts",
                                                    "claims", "entities")

        def at(base: int, local: int | None) -> int | None:
            return None if local is None else base + local

        self._insert("sentences", SENTENCE_COLUMNS, ((sb + n, doc_id, *r) for n, r in enumerate(rows.sentences)))
        self._insert("paragraphs", PARAGRAPH_COLUMNS, ((pb + n, doc_id, *r) for n, r in enumerate(rows.paragraphs)))
        self._insert("tables", TABLE_COLUMNS, ((tb + n, doc_id, *r) for n, r in enumerate(rows.tables)))
        self._insert("facts", FACT_COLUMNS, (
            (fb + n, doc_id, at(sb, s), at(tb, t), at(kb, k), at(pb, p), *r)
            for n, (s, t, k, p, *r) in enumerate(rows.facts)
        ))
        self._index_facts(enumerate(rows.fts, start=fb), tokenized=True)
        self._insert("table_cells", ("fact_id", *CELL_COLUMNS), (
            (cb + n, tb + t, at(fb, f), *r) for n, (t, f, *r) in enumerate(rows.cells)
        ), parent="table_id")
        self._insert("claims", CLAIM_COLUMNS, (
            (kb + n, doc_id, sb + s, at(sb, e), *r) for n, (s, e, *r) in enumerate(rows.claims)
        ))
        self._insert("entities", ENTITY_COLUMNS, (
            (eb + n, doc_id, at(sb, s), *r) for n, (s, *r) in enumerate(rows.entities)
        ))
        self.db.conn.executemany(
            "insert into claim_entities (claim_id, entity_id) values (?, ?)",
            ((kb + c, eb + e) for c, e in rows.claim_entities),
        )

    def _insert(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple], parent: str = "doc_id") -> None:
        """``insert into table (id, parent, *columns)`` for every row, with one ``executemany``
        (the schema exists, so none of sqlite-utils' per-chunk column detection is needed)."""
        names = ("id", parent, *columns)
        sql = 'insert into "{}" ({}) values ({})'.format(
            table, ", ".join(f'"{c}"' for c in names), ", ".join("?" for _ in names)
        )
        self.db.conn.executemany(sql, rows)

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
        root: str = "",
        fingerprint: str | None = None,
        ocr_mode: str | None = None,
    ) -> int:
        """Store the file ``root`` / ``path`` as a documents row with no facts (see :meth:`write_rows`);
        ``ocr_mode``: the OCR mode a PDF was read with (a ``needs_ocr`` one is read again with OCR on)."""
        row = document_row(None, path=path, root=root, sha256=sha256, doc_type=doc_type, page_count=page_count,
                           status=status, error=error, size_bytes=size_bytes, extractor_version=extractor_version,
                           ocr_mode=ocr_mode)
        return self.write_rows(DocumentRows(row), fingerprint)

    def delete_document(self, path: str, root: str | None = None) -> bool:
        """Delete the document whose first file is ``path`` (under ``root``, if given), its files
        and all its rows; False if it wasn't stored."""
        found = self.document(path, root)
        if found is None:
            return False
        with self.transaction():
            self._delete_doc(found["id"])
        return True

    def rebuild_search(self) -> None:
        """Re-index every fact in ``facts_fts`` (after a change of tokenization)."""
        fts = search.FTS_TABLE
        with self.transaction():
            self.db.execute(f"insert into {fts}({fts}) values ('delete-all')")
            self._index_facts(self.db.execute(_INDEXED + " order by f.id"))
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
        return self._next_ids(table)[0]

    def _next_ids(self, *tables: str) -> tuple[int, ...]:
        """The next free id of each table, in one query."""
        sql = "select " + ", ".join(f"(select coalesce(max(id), 0) + 1 from [{t}])" for t in tables)
        return tuple(self.db.conn.execute(sql).fetchone())

    def _index_facts(self, rows: Iterable[tuple], command: str | None = None, *,
                     tokenized: bool = False) -> None:
        """Add (or with ``command="delete"``, remove) ``(fact id, *search.FTS_COLUMNS)`` entries of
        the search index (a delete must give what was indexed); ``tokenized``: the
        values are already :func:`~extractor.store.search.index_row`."""
        fts, cols = search.FTS_TABLE, ", ".join(search.FTS_COLUMNS)
        marks = ", ".join("?" for _ in search.FTS_COLUMNS)
        if command:
            sql = f"insert into {fts}({fts}, rowid, {cols}) values ('{command}', ?, {marks})"
        else:
            sql = f"insert into {fts}(rowid, {cols}) values (?, {marks})"
        if tokenized:
            rows = ((i, *values) for i, values in rows)
        else:
            rows = ((i, *search.index_row(values)) for i, *values in rows)
        self.db.conn.executemany(sql, rows)

    def _by_sha(self, sha256: str) -> int | None:
        if not sha256:  # a file that was not read has no content to share
            return None
        found = self.db.execute("select min(id) from documents where sha256 = ?", [sha256]).fetchone()
        return found[0]

    def _file_doc(self, root: str, path: str) -> int | None:
        found = self.db.execute("select doc_id from document_files where root = ? and path = ?", [root, path])
        row = found.fetchone()
        return row[0] if row else None

    def _doc_files(self, doc_id: int) -> int:
        return self.db.execute("select count(*) from document_files where doc_id = ?", [doc_id]).fetchone()[0]

    def _target(self, root: str, path: str, sha256: str) -> int | None:
        """The id the document read from this file gets (see :meth:`write_rows`); None: a new one."""
        same = self._by_sha(sha256)
        if same is not None:
            return same
        held = self._file_doc(root, path)
        if held is not None and self._doc_files(held) == 1:
            return held
        return None

    def _detach(self, root: str, path: str, keep: int | None) -> None:
        """Take the file from the document it belongs to unless that is ``keep``: the document
        goes when it has no other file, else its first remaining file becomes its path."""
        held = self._file_doc(root, path)
        if held is None or held == keep:
            return
        self.db.execute("delete from document_files where root = ? and path = ?", [root, path])
        rest = self.db.execute("select root, path from document_files where doc_id = ? order by root, path limit 1",
                               [held]).fetchone()
        if rest is None:
            self._delete_doc(held)
        else:
            self.db.execute("update documents set root = ?, path = ? where id = ?", [rest[0], rest[1], held])

    def _attach(self, root: str, path: str, doc_id: int, size_bytes: int | None, fingerprint: str | None = None) -> None:
        """Record the file as the document's (a document from a database without roots, stored
        under the same path, takes this file's root as its own)."""
        if root and self.db.execute("select 1 from documents where id = ? and root = '' and path = ?",
                                    [doc_id, path]).fetchone():
            self.db.execute("delete from document_files where doc_id = ? and root = '' and path = ?", [doc_id, path])
            self.db.execute("update documents set root = ? where id = ?", [root, doc_id])
        self.db.execute(
            "insert into document_files (root, path, doc_id, size_bytes, fingerprint, stored_at) values (?, ?, ?, ?, ?, ?) "
            "on conflict (root, path) do update set doc_id = excluded.doc_id, size_bytes = excluded.size_bytes, "
            "fingerprint = excluded.fingerprint, stored_at = excluded.stored_at",
            [root, path, doc_id, size_bytes, fingerprint or None, _now()])

    def _delete_doc(self, doc_id: int) -> None:
        """Delete a document's rows in dependency order, its files included."""
        self._delete_rows(doc_id)
        self.db.execute("delete from document_files where doc_id = ?", [doc_id])
        self.db.execute("delete from documents where id = ?", [doc_id])

    def _delete_rows(self, doc_id: int) -> None:
        """Delete what was read from a document (not its documents row nor its files)."""
        table_ids = "select id from tables where doc_id = ?"
        old = self.db.execute(_INDEXED + " where f.doc_id = ?", [doc_id]).fetchall()
        self._index_facts(old, command="delete")
        self.db.execute(f"delete from table_cells where table_id in ({table_ids})", [doc_id])
        self.db.execute("delete from claim_entities where claim_id in (select id from claims where doc_id = ?)",
                        [doc_id])
        for table in ("facts", "entities", "claims", "sentences", "paragraphs", "tables"):
            self.db.execute(f"delete from [{table}] where doc_id = ?", [doc_id])

    def _replace_document(self, row: dict, doc_id: int | None) -> int:
        """Write the documents row (a stored document keeps its id and, while that is still one
        of its files, its first file as its path)."""
        row = dict(row)
        if doc_id is not None:
            self._delete_rows(doc_id)
            kept = self.db.execute(
                "select d.root, d.path from documents d join document_files f on f.doc_id = d.id "
                "and f.root = d.root and f.path = d.path where d.id = ?", [doc_id]).fetchone()
            if kept is not None:
                row["root"], row["path"] = kept
            self.db.execute("delete from documents where id = ?", [doc_id])
        row = {"id": doc_id if doc_id is not None else self._next_id("documents"), **row, "ingested_at": _now()}
        self.db.conn.execute(
            "insert into documents ({}) values ({})".format(", ".join(f'"{c}"' for c in row), ", ".join("?" * len(row))),
            list(row.values()),
        )
        return row["id"]
