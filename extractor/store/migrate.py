"""Bring an existing database's tables up to the current schema, keeping their rows.

The schema files use ``CREATE … IF NOT EXISTS``, which leaves an older table as it
was: a column added since, or a widened ``CHECK``, would be missing. Before the
schema runs, :func:`migrate` compares each ordinary table with the table the
schema would create and, where they differ, rebuilds it the way SQLite documents
(create the new table, copy the columns both have, drop the old, rename), inside
one transaction with foreign keys off. Indexes, triggers and full-text tables are
created again by the schema script that runs next. Rows whose documents predate
the change are re-read anyway when the extractor version changes.
"""

from __future__ import annotations

import re
import sqlite3

_WS = re.compile(r"\s+")


def _tables(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute(
        "select name, sql from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%'"
        " and name not like 'sqlite_%'"
    ).fetchall()
    return {name: sql for name, sql in rows if sql}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"pragma table_info([{table}])")]


def _canonical(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", "", sql)
    body = sql[sql.index("("):]  # the name may be quoted differently after a rename
    return _WS.sub(" ", body).strip()


def target_tables(schema_sql: str) -> dict[str, str]:
    """Each ordinary table's ``CREATE TABLE`` statement as the schema makes it."""
    mem = sqlite3.connect(":memory:")
    try:
        mem.executescript(schema_sql)
        return _tables(mem)
    finally:
        mem.close()


def migrate(conn: sqlite3.Connection, *schema_sql: str) -> list[str]:
    """Rebuild the tables of ``conn`` that differ from the schema; returns their names."""
    wanted: dict[str, str] = {}
    for sql in schema_sql:
        wanted.update(target_tables(sql))
    have = _tables(conn)
    stale = [t for t, sql in wanted.items() if t in have and _canonical(have[t]) != _canonical(sql)]
    if not stale:
        return []
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in stale:
                _rebuild(conn, table, wanted[table])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return stale


def _rebuild(conn: sqlite3.Connection, table: str, create_sql: str) -> None:
    new = f"_migrating_{table}"
    conn.execute(f"drop table if exists [{new}]")
    sql = re.sub(r"(?i)^\s*create table\s+(if not exists\s+)?(\[?\"?\w+\"?\]?)", f"CREATE TABLE [{new}]", create_sql, count=1)
    conn.execute(sql)
    old_cols = set(_columns(conn, table))
    common = [c for c in _columns(conn, new) if c in old_cols]
    cols = ", ".join(f"[{c}]" for c in common)
    conn.execute(f"insert into [{new}] ({cols}) select {cols} from [{table}]")
    conn.execute(f"drop table [{table}]")
    conn.execute(f"alter table [{new}] rename to [{table}]")
