"""``/-/source-table/ID``: a stored table laid out as in its source."""

from __future__ import annotations

from datasette import NotFound, Response

from extractor.datasette.common import SQLITE_MAX_INT
from extractor.datasette.common import int_arg as _int_arg
from extractor.datasette.common import viewable_database as _viewable_database
from extractor.datasette.evidence import table_drawing
from extractor.datasette.evidence_views import folders, image_url
from extractor.settings import SETTINGS


async def source_table_view(datasette, request) -> Response:
    """``/-/source-table/ID[?fact=N]``: a stored table laid out as in its source,
    merged cells spanning, each figure linked to its fact, the fact ``N`` marked."""
    database = await _viewable_database(datasette, request, "tables")
    db = datasette.get_database(database)
    table_id = int(request.url_vars["table_id"])
    if table_id > SQLITE_MAX_INT:  # no row has it (and SQLite could not even be asked)
        raise NotFound(f"No table {table_id}")
    found = (await db.execute(
        "select tables.*, documents.path as document, coalesce(documents.label, documents.title) as document_title "
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
    sources, _cache = folders(datasette, database)
    drawn = await db.execute_fn(lambda conn: table_drawing(conn, sources, table_id, marked))
    image = None
    if drawn is not None and drawn[0].file is not None and drawn[0].doc_type == "pdf":
        image = image_url(datasette, "table", table_id, SETTINGS.evidence.verify_width, fact=marked)
    return Response.html(
        await datasette.render_template(
            "policy_facts_table.html",
            {
                "database": database,
                "table": table,
                "grid": grid,
                "image_url": image,
                "source_missing": drawn is not None and drawn[0].file is None and drawn[0].doc_type == "pdf",
                "page_url": image_url(datasette, "table", table_id, 2 * SETTINGS.evidence.width, fact=marked,
                                      full=1) if image else None,
                "document_url": datasette.urls.row(database, "documents", str(table["doc_id"])),
                "cells_url": datasette.urls.table(database, "table_cells") + f"?table_id={table_id}",
            },
            request=request,
        )
    )
