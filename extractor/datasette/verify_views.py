"""``/-/verify``: paste an article, see each figure checked, keep it under a permalink."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from datasette import NotFound, Response

from extractor.datasette.common import number as _number
from extractor.datasette.common import viewable_database as _viewable_database
from extractor.datasette.evidence_views import boxed_urls
from extractor.settings import SETTINGS

if TYPE_CHECKING:
    from extractor.checks.verify import Report


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
    crops = await boxed_urls(datasette, database, [e["fact_id"] for num in (result or {}).get("numbers", [])
                                                   for e in num["evidence"]], SETTINGS.evidence.verify_width)
    for num in (result or {}).get("numbers", []):
        def links(entries: list[dict]) -> list[dict]:
            return [{**e, "fact_url": datasette.urls.row(database, "facts", str(e["fact_id"])),
                     "document_url": datasette.urls.row(database, "documents", str(e["doc_id"])),
                     "value_display": _number(e["value_norm"]), "evidence_url": crops.get(e["fact_id"])}
                    for e in entries]

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


