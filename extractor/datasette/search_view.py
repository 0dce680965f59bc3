"""``/-/search``: facts by words (synonyms, region names, ``OR``) and filters, with facet counts.

``/-/search?q=杭州 跨境电商&region=杭州&period=2024&kind=amount&modality=target&doc=35
&metric_key=trade&_size=50&_offset=0`` as HTML; ``/-/search.json`` (rows, count and
facets) and ``/-/search.csv`` (every row, up to ``SETTINGS.web.max_export_rows``; add
``_bom=1`` for Excel). Rows come best first (:func:`extractor.store.search.rank_sql`).
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from datasette import Response
from datasette.database import QueryInterrupted
from datasette.utils.asgi import BadRequest

from extractor.datasette import labels
from extractor.datasette.common import MAX_PAGE_SIZE, config, int_arg, number, viewable_database
from extractor.datasette.evidence_views import boxed_urls
from extractor.settings import SETTINGS
from extractor.store import search
from extractor.store.query import parse_query

MAX_EXPORT_ROWS = SETTINGS.web.max_export_rows
FACET_VALUES = SETTINGS.web.facet_values
COUNT_CAP = SETTINGS.web.search_count_cap
TOO_BROAD = ("The search took longer than the server allows (a broad search on a large database): "
             "add a word or a filter (region, period, kind, metric) to narrow it.")
#: facet column → the filter it sets
FACET_FILTERS = {"region": "region", "period_year": "period", "kind": "kind", "modality": "modality",
                 "metric_key": "metric_key", "doc_id": "doc"}
CSV_COLUMNS = ("id", "doc_id", "label", "path", "page", "quote", "value", "unit", "value_norm", "unit_norm", "kind",
               "qualifier", "modality", "region", "region_source", "period", "period_source", "metric", "metric_key",
               "sentence", "method", "table_id", "claim_id")


def _url(datasette, path: str, pairs: list[tuple[str, str]]) -> str:
    return datasette.urls.path(path) + ("?" + urlencode(pairs) if pairs else "")


def facts_table_url(datasette, database: str, q: str, filters: search.Filters) -> str:
    """The facts table with the same search and filters (a region by any of its names, a period
    with the periods within it)."""
    from extractor.facts.regions import region_forms

    pairs: list[tuple[str, str]] = [("_search", q)] if q else []
    if filters.region:
        pairs.append(("region__in", ",".join(dict.fromkeys(f for r in filters.region for f in region_forms(r)))))
    for period in filters.period:
        column = ("period_quarter" if "-Q" in period else "period_half" if "-H" in period
                  else "period_year" if period.isdigit() and len(period) == 4 else "period")
        pairs.append((column, period))
    for name in ("kind", "modality", "metric_key", "unit_norm"):
        values = getattr(filters, name)
        if len(values) == 1:
            pairs.append((name, values[0]))
        elif values:
            pairs.append((f"{name}__in", ",".join(values)))
    if filters.doc:
        pairs.append(("doc_id__in", ",".join(map(str, filters.doc))))
    return datasette.urls.table(database, "facts") + ("?" + urlencode(pairs) if pairs else "")


async def _facets(datasette, db, query, filters: search.Filters, base: list[tuple[str, str]]) -> list[dict]:
    """Each facet: its column, Chinese label, and values (count, label, whether selected, the
    URL that adds or removes it)."""
    sql, params = search.facets_sql(query, filters)
    counts: dict[str, list[tuple[object, int]]] = {c: [] for c in FACET_FILTERS}
    for column, value, n in (await db.execute(sql, params)).rows:  # no null values
        counts[column].append((value, n))
    docs = [v for v, _ in counts["doc_id"]]
    titles = {}
    if docs:
        marks = ", ".join("?" for _ in docs)
        titles = {r[0]: r[1] for r in (await db.execute(f"select id, label from documents where id in ({marks})", docs)).rows}
    out = []
    for column, name in FACET_FILTERS.items():
        chosen = set(getattr(filters, name))
        values = []
        for value, n in sorted(counts[column], key=lambda vn: (-vn[1], str(vn[0])))[:FACET_VALUES]:
            key = int(value) if name == "doc" else str(value)  # type: ignore[call-overload]
            selected = key in chosen
            pairs = [p for p in base if p != (name, str(value))] if selected else [*base, (name, str(value))]
            label = titles.get(value) if column == "doc_id" else labels.value_label(column, value)
            values.append({"value": value, "count": n, "label": label, "selected": selected,
                           "url": _url(datasette, "/-/search", pairs)})
        if values:
            out.append({"column": column, "filter": name, "label": labels.column_label(column), "values": values,
                        "more": len(counts[column]) > FACET_VALUES})
    return out


def _csv(rows: list[dict]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="facts-search.csv"'})


async def search_view(datasette, request) -> Response:
    """``/-/search`` as HTML, ``.json`` or ``.csv`` (see the module doc)."""
    database = await viewable_database(datasette, request, "facts")
    db = datasette.get_database(database)
    fmt = request.url_vars.get("format")
    q = request.args.get("q", "").strip()
    query = parse_query(q)
    filters = search.Filters.of(request.args.getlist)
    page_size = int_arg(request, "_size", int(config(datasette).get("page_size", 50)), MAX_PAGE_SIZE)
    offset = 0 if fmt == "csv" else int_arg(request, "_offset", 0, 10**9)
    base = ([("q", q)] if q else []) + filters.items()
    rows: list[dict] = []
    count, facets, searched = 0, [], bool(query or filters)
    more_than = False  # the count stopped at COUNT_CAP
    notes: list[str] = []  # what was left out, and why
    if searched:
        limit = MAX_EXPORT_ROWS if fmt == "csv" else page_size
        select, count_sql, params = search.search_sql(query, filters, limit=limit, offset=offset, count_cap=COUNT_CAP)
        try:
            rows = [dict(r) for r in (await db.execute(select, params)).rows]
        except QueryInterrupted as exc:  # Datasette's error page (JSON for .json), as for its own slow queries
            raise BadRequest(TOO_BROAD) from exc
        try:
            count = (await db.execute(count_sql, params)).rows[0][0]
        except QueryInterrupted:
            count = COUNT_CAP + 1
        if count > COUNT_CAP:
            count, more_than = COUNT_CAP, True
        if fmt != "csv":
            try:
                facets = await _facets(datasette, db, query, filters, base)
            except QueryInterrupted:
                notes.append("Counts by region, period, kind and metric took too long for this many facts: "
                             "narrow the search to see them.")
    if fmt == "csv":
        return _csv(rows)
    for row in rows:
        row["fact_url"] = datasette.urls.row(database, "facts", str(row["id"]))
        row["document_url"] = datasette.urls.row(database, "documents", str(row["doc_id"]))
    next_offset = offset + page_size if len(rows) == page_size and (more_than or offset + len(rows) < count) else None
    if fmt == "json":
        return Response.json({"q": q, "filters": dict(filters.items()), "database": database,
                              "match": search.match_expression(query) if query else None, "count": count,
                              "count_is_lower_bound": more_than, "notes": notes,
                              "offset": offset, "next_offset": next_offset, "rows": rows,
                              "facets": {f["column"]: [{k: v[k] for k in ("value", "count", "label")}
                                                       for v in f["values"]] for f in facets}}, default=repr)
    crops = await boxed_urls(datasette, database, [r["id"] for r in rows], SETTINGS.evidence.search_width)
    for row in rows:
        row["evidence_url"] = crops.get(row["id"])
        row["highlighted"] = search.highlight(row["sentence"], query)
        row["value_norm_display"] = number(row["value_norm"])
        row["claim_url"] = datasette.urls.row(database, "claims", str(row["claim_id"])) if row["claim_id"] else None
        row["kind_zh"] = labels.value_label("kind", row["kind"])
        row["modality_zh"] = labels.value_label("modality", row["modality"])
        row["metric_zh"] = labels.value_label("metric_key", row["metric_key"])
    chart = None
    if len(filters.metric_key) == 1:
        chart = _url(datasette, "/-/chart", [p for p in filters.items() if p[0] != "period"])
    return Response.html(await datasette.render_template("policy_facts_search.html", {
        "q": q, "database": database, "count": count, "more_than": more_than, "notes": notes, "rows": rows,
        "offset": offset, "page_size": page_size,
        "next_offset": next_offset, "searched": searched, "facets": facets,
        "filters": [(name, value, labels.value_label(name, value), _url(datasette, "/-/search",
                     [p for p in base if p != (name, value)])) for name, value in filters.items()],
        "facts_url": facts_table_url(datasette, database, q, filters), "chart_url": chart,
        "page_url": lambda more: _url(datasette, "/-/search", [*base, ("_size", str(page_size)), *more]),
        "json_url": _url(datasette, "/-/search.json", [*base, ("_size", str(page_size)), ("_offset", str(offset))]),
        "csv_url": _url(datasette, "/-/search.csv", base),
        "csv_bom_url": _url(datasette, "/-/search.csv", [*base, ("_bom", "1")]),
        "kinds": labels.choices("kind"), "modalities": labels.choices("modality"),
        "filter_values": {name: ",".join(str(v) for v in getattr(filters, name))
                          for name in ("region", "period", "kind", "modality", "metric_key")},
    }, request=request))
