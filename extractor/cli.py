"""The ``policy-facts`` command line: a thin layer over the library."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from extractor import __version__
from extractor.errors import PatternError, PolicyFactsError
from extractor.settings import OCR_MODES, PDF_ENGINES, SETTINGS

DEFAULT_DB = "db/facts.db"


class _PatternFileError(click.ClickException):
    """A pattern file breaks its schema: exit code 3, before any document is read."""

    exit_code = 3


def _needs_patterns(command: Callable[..., Any]) -> Callable[..., Any]:
    """Check every pattern file before the command runs (a broken one stops it with exit code 3)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from extractor.patterns import check_all, patterns_dir

        try:
            check_all()
        except PatternError as exc:
            raise _PatternFileError(f"pattern file {exc} (folder {patterns_dir()})") from exc
        return command(*args, **kwargs)

    return run


@click.group()
@click.version_option(__version__, prog_name="policy-facts")
def cli() -> None:
    """Figures and claims from Chinese policy texts, into SQLite and Datasette."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path),
              help="SQLite database to write")
@click.option("--workers", "-w", type=click.IntRange(min=0), default=SETTINGS.ingest.workers,
              help="worker processes [default: number of cores; 0: in this process, without limits]")
@click.option("--timeout", type=click.FloatRange(min=0), default=SETTINGS.ingest.timeout_s, show_default=True,
              help="seconds allowed per document (0: no limit)")
@click.option("--memory-mb", type=click.IntRange(min=0), default=SETTINGS.ingest.memory_mb, show_default=True,
              help="memory a worker may take for one document, beyond its start-up size (0: no limit)")
@click.option("--max-text-mb", type=click.FloatRange(min=0), default=SETTINGS.ingest.max_text_mb, show_default=True,
              help="largest text/HTML/Markdown file read (0: no limit)")
@click.option("--password", default=None, help="password for encrypted PDFs")
@click.option("--force", is_flag=True, help="re-read files even when unchanged")
@click.option("--retry-failed", is_flag=True, help="re-read unchanged files that failed, were too large or partial")
@click.option("--follow-symlinks", is_flag=True,
              help="follow symbolic links that stay inside the folder given (never those that lead out)")
@click.option("--prune", is_flag=True,
              help="forget files stored from the folders given that are gone, and documents left without files")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default=SETTINGS.pdf.engine, show_default=True,
              help="what reads PDF pages: PDFium, or pdfplumber (the slower reference reader); a page PDFium "
                   "cannot read is read by pdfplumber")
@click.option("--keep-sources/--no-keep-sources", default=True, show_default=True,
              help="keep each document's source file beside the database (DB folder/sources/SHA256.EXT, hard-linked "
                   "when possible) for the evidence pages")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=SETTINGS.ocr.mode, show_default=True,
              help="which PDF pages OCR reads: auto (those without a usable text layer: none, garbage glyphs, a "
                   "scan's poor OCR layer), force (every page) or off (a PDF without a text layer is needs_ocr)")
@click.option("--cluster", metavar="tcp://HOST:PORT|local:N", default=None,
              help="read the documents on a Dask cluster (a scheduler's address), or on a LocalCluster of N "
                   "processes, instead of local workers; --workers is then ignored (see docs/scale.md)")
@click.option("--ship-bytes", is_flag=True, help="--cluster: send each file's bytes to the workers (no shared folder)")
@click.option("--worker-path", "worker_paths", multiple=True, metavar="LOCAL=REMOTE",
              help="--cluster: the workers find the files of folder LOCAL at REMOTE (a folder or an fsspec URL "
                   "such as s3://bucket/dir); default: the same path")
@click.option("--json", "as_json", is_flag=True, help="print a JSON summary for scripts")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
@_needs_patterns
def ingest(paths, db_path, workers, timeout, memory_mb, max_text_mb, password, force, retry_failed,
           follow_symlinks, prune, pdf_engine, keep_sources, ocr, cluster, ship_bytes, worker_paths, as_json,
           quiet) -> None:
    """Ingest PDF, HTML, Markdown and text files (or folders of them) into the database.

    A document is its content (sha256) and the files it came from (ingest root
    and path): content already stored is not read again (under another path it
    is recorded as another file of that document); a changed file replaces its
    document atomically; a file of the same name under another folder is another
    document. Only regular files are read: symbolic links are followed only with
    --follow-symlinks and only inside the folder given. A file that cannot be
    read gets a documents row with a status (partial, failed, too_large,
    needs_ocr, encrypted, skipped) and an error, and never stops the batch.
    Ctrl-C (or kill) keeps what was committed (all but the last couple of
    seconds' work): run the same command again to continue.

    With --cluster the same work runs on a Dask cluster; this process still finds
    the files, decides what to read and writes the database.

    Exit code 2 when any file failed, was too large or partial, or a folder could
    not be listed; 130 when interrupted; 1 for a missing path, a cluster that cannot
    run, or --ship-bytes/--worker-path without --cluster; 3 for a broken pattern file.
    """
    if (ship_bytes or worker_paths) and not cluster:
        raise click.UsageError("--ship-bytes and --worker-path go with --cluster")
    if workers != 0 and not cluster:
        from extractor.ingest import forkserver

        forkserver.start(ocr=ocr != "off")  # if not started yet (a run in process): its loading overlaps what follows
    import signal
    import sqlite3

    from extractor.ingest.discover import printable
    from extractor.ingest.pipeline import ingest as run_ingest
    from extractor.ingest.progress import Progress, print_summary

    db_path.parent.mkdir(parents=True, exist_ok=True)
    show = not quiet and not as_json and sys.stderr.isatty()

    def stop(signum, frame):  # SIGTERM stops the run like Ctrl-C
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, stop)
    try:
        with Progress(enabled=show) as bar:
            summary = run_ingest(
                paths, db_path, workers=workers, timeout=timeout or None, memory_mb=memory_mb,
                max_text_mb=max_text_mb or None, password=password, force=force, retry_failed=retry_failed,
                follow_symlinks=follow_symlinks, prune=prune, progress=bar.update, on_total=bar.start,
                pdf_engine=pdf_engine, keep_sources=keep_sources, ocr=ocr, cluster=cluster, ship_bytes=ship_bytes,
                worker_paths=worker_paths,
            )
    except (PolicyFactsError, FileNotFoundError) as exc:
        raise click.ClickException(printable(str(exc))) from exc
    except sqlite3.OperationalError as exc:  # e.g. locked by another writer for longer than busy_timeout
        raise click.ClickException(printable(f"{db_path}: {exc}")) from exc
    finally:
        signal.signal(signal.SIGTERM, old_term)
        from extractor.ingest import forkserver

        forkserver.stop_if_unused()  # nothing was read: do not wait for it
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
    else:
        print_summary(summary, db_path)
    if summary.interrupted:
        sys.exit(130)
    if summary.incomplete:
        sys.exit(2)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--metadata", default="datasette-metadata.yml", show_default=True, type=click.Path(path_type=Path))
@click.option("--public", is_flag=True,
              help="for the open web: arbitrary SQL off (pages, facets and canned queries stay), the database "
                   "opened immutable (nothing written: /-/verify shows verdicts without a permalink)")
@click.option("--upgrade", is_flag=True, help="first bring a database written by an older policy-facts to this schema")
@click.option("--sql-time-limit-ms", type=click.IntRange(min=1), default=SETTINGS.web.sql_time_limit_ms,
              show_default=True, help="longest a SQL query may run (pages, facets, canned and typed queries)")
def serve(db_path, host, port, metadata, public, upgrade, sql_time_limit_ms) -> None:
    """Serve the database with Datasette and the metadata, whatever the database file is called.

    The metadata (datasette-metadata.yml describes the database as "facts") is applied
    to the file served (real.db is served as /real) after checking it against the
    database's schema: a table or column described but missing, or present but not
    described, and canned queries that do not run stop the command (exit code 1).
    """
    import tempfile

    from extractor.datasette.metadata import MetadataMismatch, prepare

    if not db_path.exists():
        raise click.ClickException(f"no database at {db_path}: run `policy-facts ingest corpus/` first")
    if upgrade:
        from extractor.store.database import Store

        with Store(db_path):
            pass
    try:
        meta = prepare(db_path, metadata if metadata.exists() else None, public=public)
    except MetadataMismatch as exc:
        raise click.ClickException(f"{exc} (a database from an older policy-facts: add --upgrade)") from exc
    fd, meta_file = tempfile.mkstemp(prefix=f"policy-facts-{db_path.stem}-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
    args = [sys.executable, "-m", "datasette", "serve", *(["-i"] if public else []), str(db_path),
            "--host", host, "--port", str(port), "--metadata", meta_file,
            "--setting", "suggest_facets", "off",
            "--setting", "sql_time_limit_ms", str(sql_time_limit_ms),
            "--setting", "facet_time_limit_ms", str(SETTINGS.web.facet_time_limit_ms)]
    os.execvp(args[0], args)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--query", "-q", default="", help="words, as on /-/search (杭州 跨境电商, 外贸 OR 进出口)")
@click.option("--region", multiple=True, help="a region, by any of its names (杭州 = 杭州市); repeat for several")
@click.option("--period", multiple=True, help="a period and those within it (2020 includes 2020-H1); repeatable")
@click.option("--kind", multiple=True, help="amount, growth, share, pp_change, count, rank, multiple, other")
@click.option("--modality", multiple=True, help="actual, target or forecast")
@click.option("--metric-key", multiple=True, help="a canonical metric (trade, gdp, cross_border_ecommerce.trade)")
@click.option("--doc", multiple=True, help="a document: its id, stored path or file name; repeatable")
@click.option("--bom", is_flag=True, help="start the CSV with a UTF-8 byte order mark (Excel then reads it as UTF-8)")
def export(db_path, fmt, output, query, region, period, kind, modality, metric_key, doc, bom) -> None:
    """Export facts with their document, as JSON lines or CSV: every fact, or those the
    query and filters find (as /-/search does), in fact order."""
    import csv
    import sqlite3

    from extractor.store import search

    if bom and fmt != "csv":
        raise _InputError("--bom is for --format csv (a JSON line does not start with a byte order mark)")
    conn = sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        filters = search.Filters(region=region, period=period, kind=kind, modality=modality, metric_key=metric_key,
                                 doc=tuple(_document_ids(conn, doc)) if doc else ())
        where, params = search.where_sql(query, filters) if query or filters else ("1", {})
        rows = conn.execute(
            "select f.*, d.path as document, d.title as document_title, d.label as document_label "
            f"from {search.FROM_SQL} where {where} order by f.id", params)
        _write_rows(output, fmt, (dict(r) for r in rows), bom, csv)
    finally:
        conn.close()


def _write_rows(output, fmt: str, rows, bom: bool, csv) -> None:
    if fmt == "jsonl":
        for row in rows:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if bom:
        output.write("\ufeff")
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(output, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


class _InputError(click.ClickException):
    """A bad argument or unreadable input: exit code 2, so 1 keeps its meaning."""

    exit_code = 2


def _document_ids(conn, names) -> list[int]:
    """Stored document ids for ids, stored paths or file names."""
    from extractor.ingest.discover import printable

    stored = conn.execute("select id, path from documents").fetchall()
    out = []
    for name in names:
        hits = [i for i, p in stored if name.isdigit() and i == int(name)]
        hits = hits or [i for i, p in stored if p == name]
        hits = hits or [i for i, p in stored if p.endswith("/" + name) or Path(p).name == Path(name).name]
        if not hits:
            raise _InputError(f"no stored document {printable(name)!r}: give an id, a stored path or a file name")
        out += hits
    return sorted(set(out))


@cli.command()
@click.argument("documents", nargs=-1)
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@click.option("--exit-zero", is_flag=True, help="exit 0 even when a check fails")
@_needs_patterns
def check(documents, db_path, as_json, exit_zero) -> None:
    """Check the figures of stored documents: internally and across documents.

    Within each document: parts against their totals, shares against part ÷
    whole, shares of one whole against 100, growth rates against levels,
    percentage points against the rates they compare, text figures against the
    same figures in tables or in other units. Across documents: the same metric,
    region and period with different values (a revision when a later document
    gives it). DOCUMENTS are ids, stored paths or file names (default: all).
    Results are stored in the checks, check_facts and conflicts tables.

    Exit code 1 when any check fails (conflicts are reported, not failures),
    unless --exit-zero; 2 for bad arguments.
    """
    from extractor.checks.crosscheck import run_checks
    from extractor.store.database import Store

    with Store(db_path) as store:
        ids = _document_ids(store.db.conn, documents) if documents else None
        summary = run_checks(store.db.conn, ids)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
    else:
        types = sorted({t for t, _ in summary.counts})
        click.echo(f"{summary.documents} documents checked")
        click.echo(f"{'check':<12} {'pass':>6} {'fail':>6}")
        for t in types:
            click.echo(f"{t:<12} {summary.counts.get((t, 'pass'), 0):>6} {summary.counts.get((t, 'fail'), 0):>6}")
        conflicts = ", ".join(f"{n} {s}" for s, n in sorted(summary.conflicts.items())) or "none"
        click.echo(f"conflicts between documents: {conflicts}")
        from extractor.ingest.discover import printable

        for f in summary.failures:
            click.echo(printable(f"FAIL {f['document']} [{f['type']}] {f['formula']} (facts {f['fact_ids']})"))
    if summary.failed and not exit_zero:
        sys.exit(1)


ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf")


def _read_article(article: str, date: str | None):
    """The parsed article (``-``: stdin, read up to the size cap); exit code 2 when it can't be read or is too large."""
    from extractor.checks.verify import MAX_ARTICLE_BYTES, parse_article, parse_article_file
    from extractor.ingest.discover import printable

    try:
        if article == "-":
            return parse_article(sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1), "stdin", date=date)
        if not Path(article).is_file():
            raise _InputError(printable(f"no such file: {article}"))
        return parse_article_file(Path(article), date=date)
    except (PolicyFactsError, ValueError, OSError) as exc:
        raise _InputError(printable(f"cannot read {article}: {exc}")) from exc


@cli.command()
@click.argument("article")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", default=None,
              help="the article's date (2024-05-01), for 今年, 上半年 … [default: from its metadata or text]")
@click.option("--json", "as_json", is_flag=True, help="print the verdicts as JSON (JSON lines for a folder)")
@click.option("--csv", "as_csv", is_flag=True, help="print the verdicts as CSV, one row per figure")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="for a folder: where to write every article's verdicts as JSON lines [default: verify-report.jsonl]")
@_needs_patterns
def verify(article, db_path, date, as_json, as_csv, report_path) -> None:
    """Check every figure of ARTICLE (.html, .md, .txt, .pdf, - for stdin, or a folder of them).

    Each figure is supported (a source states the same value within the article's
    rounding, about the same metric, subject and period), contradicted (a source
    gives another value for them) or unsupported, with a reason in Chinese and
    English and the nearest sources scored. A folder is verified article by
    article into one report: JSON lines (--report) and a summary table.
    An article may have up to 5 MB and 200,000 characters of text.
    Exit code 1 when any figure is contradicted, 2 when an article can't be read,
    is too large, or --date is no date.
    """
    import sqlite3

    from extractor.checks.verifications import to_csv
    from extractor.checks.verify import article_date, verify_document
    from extractor.errors import InvalidDate
    from extractor.ingest.discover import printable

    try:
        date = article_date(date)
    except InvalidDate as exc:
        raise _InputError(f"--date: {exc}") from exc
    conn = sqlite3.connect(str(db_path))
    try:
        if article != "-" and Path(article).is_dir():
            code = _verify_folder(conn, Path(article), date, as_json, as_csv, report_path)
            sys.exit(code)
        report = verify_document(conn, _read_article(article, date))
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    elif as_csv:
        click.echo(to_csv([report.as_dict()]), nl=False)
    else:
        for r in report.numbers:
            line = f"{r.figure.n:>3} {r.status:<13} {r.fig.quote}"
            if r.evidence:
                e = r.evidence[0]
                where = f"{e['document']}" + (f" p.{e['page']}" if e["page"] is not None else "")
                said = f"source says {e['quote']} " if r.status == "contradicted" else ""
                line += f"  {said}← {where}: {e['sentence'][:80]}"
            click.echo(printable(line))
            click.echo(f"{'':17}{printable(r.reason['en'])}")
        counts = report.counts
        click.echo(f"{len(report.numbers)} figures: " + ", ".join(f"{counts[s]} {s}" for s in counts))
    if report.contradicted:
        sys.exit(1)


def _verify_folder(conn, folder: Path, date, as_json: bool, as_csv: bool, report_path: Path | None) -> int:
    """Verify every article in ``folder`` into one report; returns the exit code."""
    from extractor.checks.verifications import summary_table, to_csv
    from extractor.checks.verify import verify_document

    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    if not files:
        raise _InputError(f"no articles ({', '.join(ARTICLE_SUFFIXES)}) in {folder}")
    results: list[tuple[str, dict | None, str | None]] = []
    lines = []
    for path in files:
        name = str(path.relative_to(folder))
        try:
            result = verify_document(conn, _read_article(str(path), date)).as_dict()
        except click.ClickException as exc:
            results.append((name, None, exc.message))
            lines.append(json.dumps({"article": {"path": name}, "error": exc.message}, ensure_ascii=False))
            continue
        result["article"]["path"] = name
        results.append((name, result, None))
        lines.append(json.dumps(result, ensure_ascii=False))
    if as_json:
        click.echo("\n".join(lines))
    elif as_csv:
        click.echo(to_csv([r for _, r, _ in results if r], article_column=True), nl=False)
    else:
        out = report_path or Path("verify-report.jsonl")
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        click.echo(summary_table(results))
        click.echo(f"report: {out} ({len(files)} articles, JSON lines)")
    if report_path and (as_json or as_csv):
        report_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if any(r is None for _, r, _ in results):
        return 2
    return 1 if any(r["totals"]["contradicted"] for _, r, _ in results if r) else 0


if __name__ == "__main__":
    cli()
