"""What the plugin's pages share: the facts database, permissions, number formatting."""

from __future__ import annotations

import sqlite3

from datasette import NotFound

from extractor.settings import SETTINGS
from extractor.store import search

PLUGIN = "policy-facts"
MAX_PAGE_SIZE = SETTINGS.web.max_page_size
SQLITE_MAX_INT = 2**63 - 1
#: Databases Datasette keeps for itself.
INTERNAL = ("_internal", "_memory")


def config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


async def is_facts_database(db) -> bool:
    """Whether a Datasette database holds policy-facts tables (facts and its search index)."""
    return await db.table_exists(search.FTS_TABLE) and await db.table_exists("facts")


async def facts_database(datasette) -> str | None:
    """The database to search: the configured one if attached, else the first with ``facts_fts``."""
    configured = config(datasette).get("database")
    if configured in datasette.databases:
        return configured
    for name, db in datasette.databases.items():
        if name not in INTERNAL and await is_facts_database(db):
            return name
    return None


async def viewable_database(datasette, request, table: str) -> str:
    """The facts database, once the actor may view ``table`` in it (404 when there is none)."""
    database = await facts_database(datasette)
    if database is None:
        raise NotFound("No database with a facts_fts table")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, table)), ("view-database", database), "view-instance"]
    )
    return database


def number(value: float | None) -> str:
    """``57806000000.0`` → ``57,806,000,000``; ``12.5`` → ``12.5``."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{value:,.0f}"
    return f"{value:,}"


def int_arg(request, name: str, default: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        value = default
    return max(0, min(value, high))


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions of a facts database: ``escape_fts`` (the bigram search) and
    ``pf_place(text)`` (杭州 → 杭州市, the region as facts store it)."""
    from extractor.facts.regions import canonical_region

    conn.create_function("escape_fts", 1, search.escape_fts, deterministic=True)
    conn.create_function("pf_place", 1, canonical_region, deterministic=True)
