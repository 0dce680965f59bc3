"""Verifications that travel: kept in the ``verifications`` table for a permalink,
and written out as JSON, JSON lines or CSV.

A verification's id is a hash of the article, its date and the extractor
version: verifying the same article again gives the same permalink. What is kept
is the report as JSON together with the article's pages, so the permalink shows
the verdicts as they were given, whatever is ingested later.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache

from extractor import __version__
from extractor.checks.verify import STATUSES, Report

TABLE = "verifications"
CSV_COLUMNS = (
    "n", "quote", "status", "reason_zh", "reason_en", "value_norm", "unit_norm", "kind", "metric", "region",
    "period", "page", "start", "end", "source_quote", "source_value_norm", "source_document", "source_page",
    "source_sentence", "source_score", "sentence",
)


@cache
def _create_sql() -> str:
    from extractor.store.database import schema_path
    from extractor.store.migrate import target_tables

    return target_tables(schema_path().read_text(encoding="utf-8"))[TABLE]


def verification_id(article: str, date: str | None) -> str:
    """The permalink id: the same article and date give the same id."""
    key = "\0".join([__version__, date or "", article])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def stored_result(report: Report) -> dict:
    """The report as kept: its JSON with the article's pages (for marking the figures)."""
    return {**report.as_dict(), "pages": [p.text for p in report.document.pages]}


def save(conn: sqlite3.Connection, article: str, date: str | None, report: Report, result: dict | None = None) -> str:
    """Keep a verification (creating the table in an older database); returns its id.
    ``result``: the report's :func:`stored_result`, when it was already made."""
    conn.execute(_create_sql().replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
    vid = verification_id(article, date)
    counts = report.counts
    conn.execute(
        f"insert or replace into {TABLE} (id, created, title, article, article_date, extractor_version, figures,"
        " supported, contradicted, unsupported, result) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [vid, datetime.now(UTC).isoformat(timespec="seconds"), report.document.title, article,
         report.document.published, __version__, len(report.numbers), *(counts[s] for s in STATUSES),
         json.dumps(result or stored_result(report), ensure_ascii=False, default=repr)],
    )
    conn.commit()
    return vid


def load(conn: sqlite3.Connection, vid: str) -> dict | None:
    """A kept verification: ``id``, ``created``, ``article``, ``article_date`` and its
    ``result`` (the report's JSON with ``pages``); None if there is none."""
    try:
        row = conn.execute(f"select id, created, title, article, article_date, result from {TABLE} where id = ?",
                           [vid]).fetchone()
    except sqlite3.OperationalError:  # no such table: nothing was ever kept here
        return None
    if row is None:
        return None
    return {"id": row[0], "created": row[1], "title": row[2], "article": row[3], "article_date": row[4],
            "result": json.loads(row[5])}


def public(result: dict) -> dict:
    """A kept result as JSON export: without the pages kept for display."""
    return {k: v for k, v in result.items() if k != "pages"}


def csv_rows(result: dict) -> Iterator[dict]:
    """One row per figure: the verdict, its reasons and the deciding (or nearest) source."""
    for n in result.get("numbers", []):
        src = (n.get("evidence") or n.get("candidates") or [{}])[0]
        reason = n.get("reason") or {}
        yield {
            **{k: n.get(k) for k in ("n", "quote", "status", "value_norm", "unit_norm", "kind", "metric", "region",
                                     "period", "page", "start", "end", "sentence")},
            "reason_zh": reason.get("zh"), "reason_en": reason.get("en"),
            "source_quote": src.get("quote"), "source_value_norm": src.get("value_norm"),
            "source_document": src.get("document"), "source_page": src.get("page"),
            "source_sentence": src.get("sentence"), "source_score": src.get("score"),
        }


def to_csv(results: Iterable[dict], *, article_column: bool = False) -> str:
    """Results as CSV text (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    columns = (("article",) if article_column else ()) + CSV_COLUMNS
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for result in results:
        article = (result.get("article") or {}).get("path")
        for row in csv_rows(result):
            writer.writerow({**row, "article": article} if article_column else row)
    return "\ufeff" + out.getvalue()


def summary_table(results: list[tuple[str, dict | None, str | None]]) -> str:
    """A plain-text table of (article, result or None, error) with totals per status."""
    width = max([len(a) for a, _, _ in results] + [7])
    lines = [f"{'article':<{width}}  {'figures':>7} {'supported':>9} {'contradicted':>12} {'unsupported':>11}"]
    total = dict.fromkeys(("figures", *STATUSES), 0)
    for article, result, error in results:
        if result is None:
            lines.append(f"{article:<{width}}  error: {error}")
            continue
        t = result["totals"]
        for k in total:
            total[k] += t.get(k, 0)
        lines.append(f"{article:<{width}}  {t['figures']:>7} {t['supported']:>9} {t['contradicted']:>12} "
                     f"{t['unsupported']:>11}")
    lines.append(f"{'total':<{width}}  {total['figures']:>7} {total['supported']:>9} {total['contradicted']:>12} "
                 f"{total['unsupported']:>11}")
    return "\n".join(lines)
