"""Datasette plugin: Chinese search for the facts table and a ``/-/search`` page.

* ``escape_fts()`` - the SQL function Datasette's ``?_search=`` wraps the query
  in - is replaced, in databases that hold ``facts_fts``, by
  :func:`extractor.store.search.escape_fts`, which turns ``跨境电商`` into the bigram
  phrase ``"跨境 境电 电商"``. The search box keeps what the user typed.
* ``?_search=`` on the facts table also gets a post-filter: the sentence must
  contain every term literally, so results are exactly those sentences.
* ``/-/search?q=`` (and ``/-/search.json``) lists matching facts with their
  document, page and the query highlighted.

Settings (``plugins: policy-facts:`` in metadata): ``database`` (default: the
first database with a ``facts_fts`` table) and ``page_size`` (default 50).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from datasette import NotFound, Response, hookimpl
from datasette.filters import FilterArguments
from jinja2 import ChoiceLoader, FileSystemLoader

from extractor.settings import SETTINGS
from extractor.store import search

if TYPE_CHECKING:
    from extractor.checks.verify import Report

PLUGIN = "policy-facts"
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_PAGE_SIZE = SETTINGS.web.max_page_size
SQLITE_MAX_INT = 2**63 - 1


def _has_fts(conn: sqlite3.Connection) -> bool:
    sql = "select 1 from sqlite_master where name = ? and type = 'table'"
    return conn.execute(sql, [search.FTS_TABLE]).fetchone() is not None


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    # trylast: run after datasette.sql_functions, which registers the default escape_fts
    if database in ("_internal", "_memory"):
        return
    try:
        if not _has_fts(conn):
            return
    except sqlite3.DatabaseError:
        return
    conn.create_function("escape_fts", 1, search.escape_fts, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    # Datasette looks for templates only in plugins that are top-level packages; add ours
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def filters_from_request(request, database: str, table: str, datasette) -> Any:
    async def inner() -> FilterArguments | None:
        query = request.args.get("_search", "").strip()
        if not query or table != "facts" or _search_mode_raw(request, datasette, database, table):
            return None
        db = datasette.get_database(database)
        if not await db.table_exists(search.FTS_TABLE):
            return None
        terms = search.term_params(query, prefix="pf_term")
        where = search.contains_sql("sentence", len(terms), prefix="pf_term")
        return FilterArguments([where], terms) if terms else None

    return inner


def _search_mode_raw(request, datasette, database: str, table: str) -> bool:
    mode = request.args.get("_searchmode")
    if mode in ("raw", "escaped"):
        return mode == "raw"
    return datasette.table_metadata(database, table).get("searchmode") == "raw"


@hookimpl
def skip_csrf(datasette, scope) -> bool | None:
    """``/-/verify`` changes nothing, and reads its form itself with a size cap: the CSRF check
    would first buffer any body, however large, in the event loop."""
    if scope.get("type") == "http" and scope.get("path", "").endswith(("/-/verify", "/-/verify.json")):
        return True
    return None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/search(\.(?P<format>json))?$", search_view),
        (r"^/-/verify(\.(?P<format>json))?$", verify_view),
        (r"^/-/verify/(?P<vid>[0-9a-f]{16})(\.(?P<format>json|csv))?$", verification_view),
        (r"^/-/source-table/(?P<table_id>\d+)$", source_table_view),
    ]


@hookimpl
def render_cell(row, value, column: str, table: str, database: str, datasette) -> Any:
    """In the facts table, ``table_id`` links to the table laid out as in the source, its cell marked."""
    if table != "facts" or column != "table_id" or value in (None, ""):
        return None
    from markupsafe import Markup, escape

    if isinstance(value, dict):  # a foreign key Datasette has expanded
        value = value.get("value")
    if value in (None, ""):
        return None
    fact = row["id"] if row is not None and "id" in row.keys() else None
    href = datasette.urls.path(f"/-/source-table/{int(value)}") + (f"?fact={int(fact)}" if fact else "")
    return Markup(f'<a href="{escape(href)}">table {int(value)}</a>')


@hookimpl
def menu_links(datasette) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search facts"},
        {"href": datasette.urls.path("/-/verify"), "label": "Verify an article"},
    ]


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


async def facts_database(datasette) -> str | None:
    """The database to search: the configured one if attached, else the first with ``facts_fts``."""
    configured = _config(datasette).get("database")
    if configured in datasette.databases:
        return configured
    for name, db in datasette.databases.items():
        if name in ("_internal", "_memory"):
            continue
        if await db.table_exists(search.FTS_TABLE) and await db.table_exists("facts"):
            return name
    return None


def _number(value: float | None) -> str:
    """``57806000000.0`` → ``57,806,000,000``; ``12.5`` → ``12.5``."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{value:,.0f}"
    return f"{value:,}"


def _int_arg(request, name: str, default: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        value = default
    return max(0, min(value, high))


async def _viewable_database(datasette, request, table: str) -> str:
    """The facts database, once the actor may view ``table`` in it (404 when there is none)."""
    database = await facts_database(datasette)
    if database is None:
        raise NotFound("No database with a facts_fts table")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, table)), ("view-database", database), "view-instance"]
    )
    return database


async def search_view(datasette, request) -> Response:
    """``/-/search?q=…[&_size=50&_offset=0]`` as HTML, or ``/-/search.json``."""
    database = await _viewable_database(datasette, request, "facts")
    query = request.args.get("q", "").strip()
    page_size = _int_arg(request, "_size", int(_config(datasette).get("page_size", 50)), MAX_PAGE_SIZE)
    offset = _int_arg(request, "_offset", 0, 10**9)
    rows: list[dict] = []
    count = 0
    match = None
    if query:
        try:
            select, count_sql, params = search.search_sql(query, limit=page_size, offset=offset)
        except ValueError:
            pass
        else:
            db = datasette.get_database(database)
            match = params["match"]
            rows = [dict(r) for r in (await db.execute(select, params)).rows]
            count = (await db.execute(count_sql, params)).rows[0][0]
    for row in rows:
        row["fact_url"] = datasette.urls.row(database, "facts", str(row["id"]))
        row["document_url"] = datasette.urls.row(database, "documents", str(row["doc_id"]))
    next_offset = offset + page_size if offset + len(rows) < count else None
    if request.url_vars.get("format") == "json":
        return Response.json(
            {
                "q": query,
                "database": database,
                "match": match,
                "count": count,
                "offset": offset,
                "next_offset": next_offset,
                "rows": rows,
            },
            default=repr,
        )
    for row in rows:
        row["highlighted"] = search.highlight(row["sentence"], query)
        row["value_norm_display"] = _number(row["value_norm"])
    return Response.html(
        await datasette.render_template(
            "policy_facts_search.html",
            {
                "q": query,
                "database": database,
                "count": count,
                "rows": rows,
                "offset": offset,
                "page_size": page_size,
                "next_offset": next_offset,
                "facts_url": datasette.urls.table(database, "facts"),
            },
            request=request,
        )
    )


#: The largest form /-/verify reads: the article's characters URL-encoded (up to 9 bytes each), and a date.
MAX_FORM_BYTES = 9 * SETTINGS.verify.max_article_chars + 65_536
#: Articles verified at once (each in a thread of its own, away from the event loop).
_VERIFYING = asyncio.Semaphore(2)


async def _read_form(request, limit: int) -> dict[str, str] | None:
    """The URL-encoded form of a POST, read in chunks; None when it is over ``limit`` bytes (the
    rest is not read: a huge body costs the server nothing)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await request.receive()
        if message.get("type") != "http.request":
            break  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return dict(parse_qsl(b"".join(chunks).decode("utf-8", "replace"), keep_blank_values=True))


async def _verify(datasette, database: str, article: str, date: str | None) -> tuple[Report, dict]:
    """Verify ``article`` in a worker thread with a connection of its own (the event loop goes on
    serving), at most two at a time: the report and its JSON as kept for the permalink."""
    from extractor.checks.verifications import stored_result
    from extractor.checks.verify import verify_text

    def run(conn: sqlite3.Connection) -> tuple[Report, dict]:
        report = verify_text(conn, article, date=date)
        return report, stored_result(report)

    db = datasette.get_database(database)
    async with _VERIFYING:
        if db.is_memory and not db.memory_name:  # a private in-memory database: only its own connection has it
            return await db.execute_fn(run)

        def work() -> tuple[Report, dict]:
            conn = db.connect()
            try:
                return run(conn)
            finally:
                conn.close()

        return await asyncio.to_thread(work)


async def verify_view(datasette, request) -> Response:
    """``/-/verify``: a text box (GET). On POST the article is verified (in a worker
    thread, see :func:`_verify`), kept in the ``verifications`` table and the browser
    sent to its permalink ``/-/verify/ID`` (``/-/verify.json``: the verdicts as JSON,
    with ``id`` and ``permalink``). A database that can't be written still shows the
    verdicts, without a permalink. An article over the size limit (413) or a date
    that is no date (400) is an error shown with the form, never a truncated article.
    See :mod:`extractor.checks.verify`."""
    from extractor.checks.verifications import public, save
    from extractor.checks.verify import MAX_ARTICLE_CHARS, article_date
    from extractor.errors import DocumentTooLarge, InvalidDate

    database = await _viewable_database(datasette, request, "facts")
    as_json = request.url_vars.get("format") == "json"
    article, date, error, result, vid, status = "", "", None, None, None, 200
    if request.method == "POST":
        form = await _read_form(request, MAX_FORM_BYTES)
        if form is None:
            status = 413
            error = (f"DocumentTooLarge: the form is over {MAX_FORM_BYTES >> 20} MB; at most "
                     f"{MAX_ARTICLE_CHARS:,} characters are verified at once: verify the article in parts")
            form = {}
        article = form.get("article") or ""
        date = (form.get("date") or "").strip()
        if article.strip() and error is None:
            try:
                iso = article_date(date)
                report, result = await _verify(datasette, database, article, iso)
            except InvalidDate as exc:
                status, error = 400, f"InvalidDate: {exc}"
            except DocumentTooLarge as exc:
                status, error = 413, f"DocumentTooLarge: {exc}"
            except Exception as exc:  # an article we can't read is shown as an error, not a 500
                error = f"{type(exc).__name__}: {exc}"
            else:
                db = datasette.get_database(database)
                try:
                    vid = await db.execute_write_fn(lambda conn: save(conn, article, iso, report, result), block=True)
                except Exception:  # a read-only or immutable database: no permalink
                    vid = None
        if error is not None:
            article = article[:MAX_ARTICLE_CHARS]  # shown back in the form, so it can be cut
            date = date[:40]
    if as_json:
        data = public(result) if result else {"numbers": []}
        link = datasette.urls.path(f"/-/verify/{vid}") if vid else None
        return Response.json({**data, "id": vid, "permalink": link, "error": error}, status=status, default=repr)
    if vid:
        return Response.redirect(datasette.urls.path(f"/-/verify/{vid}"))
    return await _render_verification(datasette, request, database, result, article=article, date=date, error=error,
                                      status=status)


async def verification_view(datasette, request) -> Response:
    """``/-/verify/ID``: a kept verification, as it was given (``.json``, ``.csv``)."""
    from extractor.checks.verifications import load, public, to_csv

    database = await _viewable_database(datasette, request, "facts")
    vid = request.url_vars["vid"]
    kept = await datasette.get_database(database).execute_fn(lambda conn: load(conn, vid))
    if kept is None:
        raise NotFound(f"No verification {vid}")
    fmt = request.url_vars.get("format")
    if fmt == "json":
        return Response.json({**public(kept["result"]), "id": vid, "created": kept["created"]}, default=repr)
    if fmt == "csv":
        return Response(to_csv([kept["result"]]), content_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="verification-{vid}.csv"'})
    return await _render_verification(datasette, request, database, kept["result"], article=kept["article"],
                                      date=kept["article_date"] or "", vid=vid, created=kept["created"])


async def _render_verification(datasette, request, database: str, result: dict | None, *, article: str, date: str,
                               error: str | None = None, vid: str | None = None, created: str | None = None,
                               status: int = 200):
    from extractor.checks.verify import STATUSES, segments_of

    numbers = []
    for num in (result or {}).get("numbers", []):
        def links(entries: list[dict]) -> list[dict]:
            return [{**e, "fact_url": datasette.urls.row(database, "facts", str(e["fact_id"])),
                     "document_url": datasette.urls.row(database, "documents", str(e["doc_id"])),
                     "value_display": _number(e["value_norm"])} for e in entries]

        numbers.append({**num, "value_display": _number(num["value_norm"]), "evidence": links(num["evidence"]),
                        "candidates": links(num["candidates"])})
    base = f"/-/verify/{vid}" if vid else None
    return Response.html(
        await datasette.render_template(
            "policy_facts_verify.html",
            {
                "article": article,
                "date": date,
                "error": error,
                "report": result is not None,
                "pages": segments_of(result.get("pages", []), result.get("numbers", [])) if result else [],
                "numbers": numbers,
                "counts": {s: (result or {}).get("totals", {}).get(s, 0) for s in STATUSES},
                "article_date": ((result or {}).get("article") or {}).get("date"),
                "database": database,
                "vid": vid,
                "created": created,
                "permalink": datasette.urls.path(base) if base else None,
                "json_url": datasette.urls.path(base + ".json") if base else None,
                "csv_url": datasette.urls.path(base + ".csv") if base else None,
            },
            request=request,
        ),
        status=status,
    )


async def source_table_view(datasette, request) -> Response:
    """``/-/source-table/ID[?fact=N]``: a stored table laid out as in its source,
    merged cells spanning, each figure linked to its fact, the fact ``N`` marked."""
    database = await _viewable_database(datasette, request, "tables")
    db = datasette.get_database(database)
    table_id = int(request.url_vars["table_id"])
    if table_id > SQLITE_MAX_INT:  # no row has it (and SQLite could not even be asked)
        raise NotFound(f"No table {table_id}")
    found = (await db.execute(
        "select tables.*, documents.path as document, documents.title as document_title "
        "from tables join documents on documents.id = tables.doc_id where tables.id = ?", [table_id])).rows
    if not found:
        raise NotFound(f"No table {table_id}")
    table = dict(found[0])
    cells = [dict(r) for r in (await db.execute(
        "select row, col, row_span, col_span, text, fact_id from table_cells where table_id = ? order by row, col",
        [table_id])).rows]
    marked = _int_arg(request, "fact", 0, 10**12) or None
    grid: list[list[dict]] = [[] for _ in range(table["n_rows"] or 0)]
    for c in cells:
        if 0 <= c["row"] < len(grid):
            c["header"] = c["row"] < (table["header_rows"] or 0)
            c["fact_url"] = datasette.urls.row(database, "facts", str(c["fact_id"])) if c["fact_id"] else None
            c["marked"] = marked is not None and c["fact_id"] == marked
            grid[c["row"]].append(c)
    return Response.html(
        await datasette.render_template(
            "policy_facts_table.html",
            {
                "database": database,
                "table": table,
                "grid": grid,
                "document_url": datasette.urls.row(database, "documents", str(table["doc_id"])),
                "cells_url": datasette.urls.table(database, "table_cells") + f"?table_id={table_id}",
            },
            request=request,
        )
    )
