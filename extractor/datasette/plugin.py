"""Datasette plugin: the policy-facts pages, Chinese search, labels, links and checks on start.

* ``escape_fts()`` - the SQL function Datasette's ``?_search=`` wraps the query
  in - is replaced, in databases that hold ``facts_fts``, by
  :func:`extractor.store.search.escape_fts` (bigrams, synonyms, region names, ``OR``);
  a post-filter then keeps the facts whose sentence, metric, region, document or
  claim holds the words. The search box keeps what the user typed.
* Pages: ``/-/search`` (:mod:`.search_view`), ``/-/chart`` (:mod:`.chart_view`),
  ``/-/verify`` (:mod:`.verify_views`), ``/-/source-table/ID`` (:mod:`.table_view`); evidence:
  page images ``/-/evidence/…`` and kept sources ``/-/source/…`` (:mod:`.evidence_views`), and
  a fact's page shows its evidence (``_policy_facts_fact_extra.html``).
* Cells: coded values with their Chinese label (增长 growth), ids that are no foreign
  key as links (a fact's claim, the facts of a check); column headers in Chinese and
  English (templates ``table.html``, ``_table.html``).
* Facets ``{pf_column: COLUMN}`` (the facts table's): every column counted in one query
  (:mod:`.facets`), so a searched table runs its match once for all of them.
* ``?_bom=1`` on any ``.csv`` puts a UTF-8 byte order mark first (Excel reads it as UTF-8).
* On start, the metadata is checked against each facts database (:mod:`.metadata`).

Settings (``plugins: policy-facts:`` in metadata): ``database`` (default: the
first database with a ``facts_fts`` table), ``page_size`` (default 50), ``sources`` (the kept
sources; default: ``sources/`` beside the database file) and ``evidence_cache`` (the page images
rendered; default: ``sources/.cache``, else a temporary folder).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from datasette import NotFound, Response, hookimpl
from datasette.filters import FilterArguments
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from extractor.datasette import labels
from extractor.datasette.chart_view import chart_view
from extractor.datasette.common import INTERNAL, register_functions
from extractor.datasette.evidence_views import (
    evidence_image_view,
    fact_extra_vars,
    page_image_view,
    source_view,
)
from extractor.datasette.facets import OnePassColumnFacet
from extractor.datasette.metadata import check_datasette
from extractor.datasette.search_view import search_view
from extractor.datasette.table_view import source_table_view
from extractor.datasette.verify_views import verification_view, verify_view
from extractor.store import search

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
BOM = "\ufeff".encode()
_CONTENT_TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def _has_fts(conn: sqlite3.Connection) -> bool:
    sql = "select 1 from sqlite_master where name = ? and type = 'table'"
    return conn.execute(sql, [search.FTS_TABLE]).fetchone() is not None


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    # trylast: run after datasette.sql_functions, which registers the default escape_fts
    if database in INTERNAL:
        return
    try:
        if not _has_fts(conn):
            return
    except sqlite3.DatabaseError:
        return
    register_functions(conn)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette) -> None:
    """Our templates after the user's ``--template-dir`` and before Datasette's own (``table.html``
    and ``_table.html`` are ours); the label filters."""
    ours = FileSystemLoader(str(TEMPLATES))
    mine = [FileSystemLoader(datasette.template_dir)] if getattr(datasette, "template_dir", None) else []
    env.loader = ChoiceLoader([*mine, ours, env.loader])
    env.filters["pf_column_zh"] = labels.column_label
    env.filters["pf_value_zh"] = labels.value_label


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, view_name: str, request, datasette):
    """A fact's row page: its evidence (``pf_evidence``, see :func:`.evidence_views.fact_extra_vars`)."""
    if view_name != "row" or table != "facts" or not database or request is None:
        return {}

    async def inner() -> dict:
        return await fact_extra_vars(datasette, database, request)

    return inner


@hookimpl
def startup(datasette):
    async def inner() -> None:
        await check_datasette(datasette)

    return inner


@hookimpl
def extra_css_urls(datasette) -> list[str]:
    return [datasette.urls.path("/-/policy-facts/policy-facts.css")]


@hookimpl
def filters_from_request(request, database: str, table: str, datasette) -> Any:
    async def inner() -> FilterArguments | None:
        query = request.args.get("_search", "").strip()
        if not query or table != "facts" or _search_mode_raw(request, datasette, database, table):
            return None
        db = datasette.get_database(database)
        if not search.needs_literal(query) or not await db.table_exists(search.FTS_TABLE):
            return None  # the index alone finds exactly the facts that hold the words
        haystack = search.haystack_sql(
            "facts", "(select label from documents where documents.id = facts.doc_id)",
            "(select text from claims where claims.id = facts.claim_id)")
        where, params = search.literal_sql(query, haystack, prefix="pf_term")
        return FilterArguments([where], params)

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


async def static_view(datasette, request) -> Response:
    """``/-/policy-facts/FILE``: the plugin's stylesheet and the charting library it ships."""
    name = request.url_vars["path"]
    path = STATIC / name
    if "/" in name or not path.is_file() or path.suffix not in _CONTENT_TYPES:
        raise NotFound(f"No file {name}")
    return Response(path.read_bytes(), content_type=_CONTENT_TYPES[path.suffix],
                    headers={"cache-control": "max-age=3600"})


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/search(\.(?P<format>json|csv))?$", search_view),
        (r"^/-/chart(\.(?P<format>json))?$", chart_view),
        (r"^/-/verify(\.(?P<format>json))?$", verify_view),
        (r"^/-/verify/(?P<vid>[0-9a-f]{16})(\.(?P<format>json|csv))?$", verification_view),
        (r"^/-/source-table/(?P<table_id>\d+)$", source_table_view),
        (r"^/-/evidence/(?P<kind>fact|sentence|claim|table)/(?P<ident>\d{1,20})\.png$", evidence_image_view),
        (r"^/-/evidence/page/(?P<sha>[0-9a-f]{64})/(?P<page>\d{1,9})\.png$", page_image_view),
        (r"^/-/source/(?P<sha>[0-9a-f]{64})\.(?P<ext>pdf|html|md|txt)$", source_view),
        (r"^/-/policy-facts/(?P<path>[\w.-]+)$", static_view),
    ]


def _link(href: str, text: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def _ids_cell(value: Any, database: str, datasette) -> Markup | None:
    """A JSON list of fact ids (checks.fact_ids): each a link, and one link to them all."""
    try:
        ids = [int(i) for i in json.loads(value)]
    except (TypeError, ValueError):
        return None
    if not ids:
        return None
    links = ", ".join(_link(datasette.urls.row(database, "facts", str(i)), str(i)) for i in ids)
    every = datasette.urls.table(database, "facts") + "?id__in=" + ",".join(map(str, ids))
    return Markup(f'{links} <a class="pf-all-facts" href="{escape(every)}">(all {len(ids)} facts)</a>')


@hookimpl
def render_cell(row, value, column: str, table: str, database: str, datasette) -> Any:
    """Links for ids that are no foreign key (a fact's table and claim, a check's facts) and
    coded values with their Chinese label."""
    if table == "facts" and column == "table_id" and isinstance(value, dict):  # expanded: link to the layout
        value = value.get("value")
    if isinstance(value, dict) or value in (None, ""):  # a foreign key Datasette has expanded: its own link
        return None
    if table == "facts" and column == "table_id":
        fact = row["id"] if row is not None and "id" in row.keys() else None
        href = datasette.urls.path(f"/-/source-table/{int(value)}") + (f"?fact={int(fact)}" if fact else "")
        return _link(href, f"table {int(value)}")
    if column == "claim_id" and table == "facts":
        return _link(datasette.urls.row(database, "claims", str(int(value))), str(int(value)))
    if column == "fact_ids":
        return _ids_cell(value, database, datasette)
    zh = labels.value_label(column, value)
    if zh is None:
        return None
    return Markup(f'<span class="pf-zh">{escape(zh)}</span> <span class="pf-code">{escape(value)}</span>')


@hookimpl
def register_facet_classes() -> list[type]:
    return [OnePassColumnFacet]


@hookimpl
def menu_links(datasette) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search facts 搜索"},
        {"href": datasette.urls.path("/-/chart"), "label": "Chart a series 图表"},
        {"href": datasette.urls.path("/-/verify"), "label": "Verify an article 核查"},
    ]


def _wants_bom(scope: dict) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query.get("_bom", [""])[-1] not in ("", "0", "off")


@hookimpl
def asgi_wrapper(datasette):
    """``?_bom=1`` on a ``.csv`` URL: the CSV starts with a UTF-8 byte order mark."""

    def wrap(app):
        async def with_bom(scope, receive, send):
            if not _wants_bom(scope):
                await app(scope, receive, send)
                return
            state = {"ok": False, "first": True}

            async def send_bom(message):
                if message["type"] == "http.response.start":
                    state["ok"] = message.get("status") == 200
                    if state["ok"]:  # three bytes longer
                        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                        message = {**message, "headers": headers}
                elif message["type"] == "http.response.body" and state["ok"] and state["first"]:
                    state["first"] = False
                    message = {**message, "body": BOM + message.get("body", b"")}
                await send(message)

            await app(scope, receive, send_bom)

        return with_bom

    return wrap
