"""The Datasette metadata of a facts database, whatever its file is called, and its check.

``datasette-metadata.yml`` describes the database named ``facts`` (db/facts.db). Datasette
names a database after its file (``real.db`` → ``real``), so :func:`for_database` writes
the same metadata for another name; ``policy-facts serve`` does that for the file it
serves. :func:`problems` compares the metadata with the database's schema (tables and
columns described and present, facets, sort and label columns, the canned queries), and
:func:`check_datasette` runs on Datasette's start: metadata that describes a facts database
under another name, or does not match its schema, stops the server with the reason.
"""

from __future__ import annotations

import copy
import re
import sqlite3
from pathlib import Path
from typing import Any

from extractor.datasette.common import INTERNAL, PLUGIN, is_facts_database, register_functions
from extractor.errors import PolicyFactsError

#: The database name the metadata file describes.
TEMPLATE = "facts"
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


class MetadataMismatch(PolicyFactsError):
    """The metadata does not fit the database served."""


def for_database(metadata: dict, name: str, *, public: bool = False) -> dict:
    """``metadata`` with its ``facts`` database described under ``name`` (and the plugin pointed
    at it); ``public``: arbitrary SQL turned off for everyone (canned queries still run)."""
    out = copy.deepcopy(metadata)
    databases = out.setdefault("databases", {})
    if name != TEMPLATE and TEMPLATE in databases and name not in databases:
        databases[name] = databases.pop(TEMPLATE)
    out.setdefault("plugins", {}).setdefault(PLUGIN, {})["database"] = name
    if public:
        out["allow_sql"] = False
    return out


def _schema(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    return {n: {r[1] for r in conn.execute(f"pragma table_info([{n}])")} for n in names}


def _facet_column(facet: Any) -> str | None:
    if isinstance(facet, str):
        return facet
    if isinstance(facet, dict) and facet:  # {array: tags}, {date: created}
        return str(next(iter(facet.values())))
    return None


def _table_problems(table: str, meta: dict, columns: set[str], tables: dict[str, set[str]]) -> list[str]:
    out = []
    described = set(meta.get("columns") or {})
    for col in sorted(described - columns):
        out.append(f"{table}.{col} is described but the table has no such column")
    if described:
        for col in sorted(columns - described):
            out.append(f"{table}.{col} is a column the metadata does not describe")
    named = [(_facet_column(f), "a facet") for f in meta.get("facets") or []]
    named += [(c, "sortable") for c in meta.get("sortable_columns") or []]
    named += [(meta[k], k) for k in ("label_column", "sort", "sort_desc") if meta.get(k)]
    for col, what in named:
        if col is not None and col not in columns:
            out.append(f"{table}: {col} ({what}) is no column of the table")
    fts = meta.get("fts_table")
    if fts and fts not in tables:
        out.append(f"{table}: its fts_table {fts} does not exist")
    return out


def problems(entry: dict, conn: sqlite3.Connection) -> list[str]:
    """Where a database's metadata ``entry`` does not match the database's schema. Tables the
    database does not have yet are left alone (``checks`` before ``policy-facts check``), and
    so are the canned queries that read them."""
    tables = _schema(conn)
    out = []
    for table, meta in (entry.get("tables") or {}).items():
        if table in tables:
            out += _table_problems(table, meta or {}, tables[table], tables)
    for name, query in (entry.get("queries") or {}).items():
        sql = query["sql"] if isinstance(query, dict) else str(query)
        try:
            conn.execute("explain " + sql, {p: None for p in _PARAM.findall(sql)})
        except sqlite3.Error as exc:
            missing = re.match(r"no such table: (?:\w+\.)?(\w+)", str(exc))
            if missing is None or missing.group(1) in tables:
                out.append(f"canned query {name}: {exc}")
    return out


async def check_datasette(datasette) -> None:
    """Raise :class:`MetadataMismatch` when the metadata describes databases but not a facts
    database served, or does not match its schema."""
    described = (datasette.metadata() or {}).get("databases") or {}
    for name, db in datasette.databases.items():
        if name in INTERNAL or not await is_facts_database(db):
            continue
        entry = described.get(name)
        if entry is None:
            if described:
                raise MetadataMismatch(
                    f"the metadata describes the database{'s' if len(described) > 1 else ''} "
                    f"{', '.join(sorted(described))} but not {name!r}, the facts database served: serve it "
                    f"with `policy-facts serve --db {db.path or name}`, which applies the metadata to any file name")
            continue
        found = await db.execute_fn(lambda conn, entry=entry: problems(entry, conn))
        if found:
            raise MetadataMismatch(f"the metadata does not match database {name!r}: " + "; ".join(found))


def database_name(db_path: Path) -> str:
    """The name Datasette gives the database of this file (its stem)."""
    return Path(db_path).stem


def prepare(db_path: Path, metadata_path: Path | None, *, public: bool = False) -> dict:
    """The metadata to serve ``db_path`` with (:func:`for_database`; none given: only the
    plugin's settings and, ``public``, arbitrary SQL off). Raises :class:`MetadataMismatch`
    naming what does not match the database's schema."""
    import yaml

    metadata: dict = {}
    if metadata_path is not None:
        metadata = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8")) or {}
    name = database_name(db_path)
    out = for_database(metadata, name, public=public)
    entry = (out.get("databases") or {}).get(name)
    if entry:
        conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
        try:
            register_functions(conn)
            found = problems(entry, conn)
        finally:
            conn.close()
        if found:
            raise MetadataMismatch(f"{metadata_path} does not match {db_path}: " + "; ".join(found))
    return out
