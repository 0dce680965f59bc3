"""``/-/chart``: a series of facts over time, one line per region, drawn with Chart.js.

``/-/chart?metric_key=cross_border_ecommerce.trade&region=杭州&kind=amount&unit_norm=CNY``
takes the filters (and words) of ``/-/search``; each fact with a value and a period is one
point: ``value_norm`` by period, one line per region. Facts of several kinds or units
(a level and its growth rate) are not drawn on one axis: the most common kind and unit is
drawn, and the others are offered. ``/-/chart.json`` gives the series. Chart.js (MIT) ships
in ``static/`` and is served by the plugin: the page needs no network.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from datasette import Response

from extractor.datasette import labels
from extractor.datasette.common import number, viewable_database
from extractor.facts.periods import period_parts
from extractor.settings import SETTINGS
from extractor.store import search
from extractor.store.query import parse_query

MAX_ROWS = SETTINGS.web.chart_max_rows
#: The metrics offered when none is chosen.
TOP_METRICS = 40


def _sort_key(period: str) -> tuple:
    """Periods in time order: by their first month, the longer first (2020 before 2020-H1)."""
    first = period.split("/")[0]
    year, _half, _quarter, grain = period_parts(period)
    order = {"years": 0, "year": 1, "half": 2, "months": 3, "quarter": 4, "month": 5}.get(grain or "", 6)
    return first[:4], first[5:].replace("H1", "01").replace("H2", "07").replace("Q", "0"), order, period


def _series(rows: list[dict]) -> dict:
    """The chart's periods (x) and one dataset per region."""
    periods = sorted({r["period"] for r in rows}, key=_sort_key)
    by_region: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_region.setdefault(r["region"] or "(no region 无地区)", []).append(
            {"x": r["period"], "y": r["value_norm"], "id": r["id"], "quote": r["quote"]})
    def in_time(point: dict[str, object]) -> tuple:
        return _sort_key(str(point["x"]))

    datasets: list[dict[str, object]] = [
        {"label": region, "data": sorted(points, key=in_time)}
        for region, points in sorted(by_region.items(), key=lambda kv: -len(kv[1]))]
    return {"periods": periods, "datasets": datasets}


async def _metrics(db) -> list[dict]:
    sql = ("select metric_key, count(*) as n from facts where metric_key is not null and value_norm is not null"
           " and period is not null group by metric_key order by n desc limit ?")
    return [{"key": k, "name": labels.value_label("metric_key", k), "count": n}
            for k, n in (await db.execute(sql, [TOP_METRICS])).rows]


async def chart_view(datasette, request) -> Response:
    """``/-/chart`` as HTML or ``.json`` (see the module doc)."""
    database = await viewable_database(datasette, request, "facts")
    db = datasette.get_database(database)
    q = request.args.get("q", "").strip()
    query = parse_query(q)
    filters = search.Filters.of(request.args.getlist)
    rows: list[dict] = []
    others: list[dict] = []
    chosen = bool(query or filters)
    if chosen:
        where, params = search.where_sql(query, filters)
        sql = (f"select f.id, f.period, f.region, f.value_norm, f.unit_norm, f.kind, f.modality, f.quote, f.metric,"
               f" d.label from {search.FROM_SQL} where {where} and f.value_norm is not null and f.period is not null"
               " order by f.id limit :chart_limit")
        rows = [dict(r) for r in (await db.execute(sql, {**params, "chart_limit": MAX_ROWS})).rows]
        combos = Counter((r["kind"], r["unit_norm"]) for r in rows)
        if len(combos) > 1:  # one axis: the most common kind and unit, the others a click away
            (kind, unit), _n = combos.most_common(1)[0]
            base = [p for p in filters.items() if p[0] not in ("kind", "unit_norm")] + ([("q", q)] if q else [])
            others = [{"kind": k, "unit_norm": u, "count": n, "url": datasette.urls.path("/-/chart") + "?"
                       + urlencode([*base, ("kind", k), *([("unit_norm", u)] if u else [])])}
                      for (k, u), n in combos.most_common() if (k, u) != (kind, unit)]
            rows = [r for r in rows if (r["kind"], r["unit_norm"]) == (kind, unit)]
    series = _series(rows)
    if request.url_vars.get("format") == "json":
        return Response.json({"database": database, "filters": dict(filters.items()), "q": q, "rows": len(rows),
                              **series}, default=repr)
    for r in rows:
        r["fact_url"] = datasette.urls.row(database, "facts", str(r["id"]))
        r["value_display"] = number(r["value_norm"])
    first = rows[0] if rows else {}
    return Response.html(await datasette.render_template("policy_facts_chart.html", {
        "database": database, "q": q, "chosen": chosen, "rows": sorted(rows, key=lambda r: (_sort_key(r["period"]),
                                                                                           r["region"] or "")),
        "series": series, "others": others, "filters": filters.items(),
        "metric_key": ",".join(filters.metric_key), "region": ",".join(filters.region),
        "metric_zh": labels.value_label("metric_key", ",".join(filters.metric_key)),
        "kind": first.get("kind"), "kind_zh": labels.value_label("kind", first.get("kind")),
        "unit_norm": first.get("unit_norm"), "metrics": [] if chosen else await _metrics(db),
        "search_url": datasette.urls.path("/-/search") + "?" + urlencode(([("q", q)] if q else []) + filters.items()),
        "json_url": datasette.urls.path("/-/chart.json") + "?" + urlencode(([("q", q)] if q else []) + filters.items()),
        "max_rows": MAX_ROWS,
    }, request=request))
