"""The ``policy-facts`` command line: a thin layer over the library."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import PolicyFactsError

DEFAULT_DB = "db/facts.db"


@click.group()
@click.version_option(__version__, prog_name="policy-facts")
def cli() -> None:
    """Figures and claims from Chinese policy texts, into SQLite and Datasette."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path),
              help="SQLite database to write")
@click.option("--workers", "-w", type=int, default=None, help="worker processes [default: number of cores]")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="seconds allowed per document")
@click.option("--memory-mb", type=int, default=2048, show_default=True, help="memory limit per worker")
@click.option("--password", default=None, help="password for encrypted PDFs")
@click.option("--force", is_flag=True, help="re-read files even when unchanged")
@click.option("--json", "as_json", is_flag=True, help="print a JSON summary for scripts")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
def ingest(paths, db_path, workers, timeout, memory_mb, password, force, as_json, quiet) -> None:
    """Ingest PDF, HTML, Markdown and text files (or folders of them) into the database.

    Unchanged files are skipped; a file that fails gets a status and an error
    row in ``documents`` and never stops the batch. Exit code 2 when any file failed.
    """
    from .pipeline import ingest as run_ingest
    from .progress import Progress

    db_path.parent.mkdir(parents=True, exist_ok=True)
    show = not quiet and not as_json and sys.stderr.isatty()
    with Progress(enabled=show) as bar:
        try:
            summary = run_ingest(
                paths, db_path, workers=workers, timeout=timeout, memory_mb=memory_mb,
                password=password, force=force, progress=bar.update, on_total=bar.start,
            )
        except (PolicyFactsError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
    else:
        from .progress import print_summary

        print_summary(summary, db_path)
    if summary.failed:
        sys.exit(2)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--metadata", default="datasette-metadata.yml", show_default=True, type=click.Path(path_type=Path))
def serve(db_path, host, port, metadata) -> None:
    """Serve the database with Datasette."""
    if not db_path.exists():
        raise click.ClickException(f"no database at {db_path}: run `policy-facts ingest corpus/` first")
    args = ["datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--setting", "suggest_facets", "off"]
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    os.execvp(args[0], args)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export(db_path, fmt, output) -> None:
    """Export every fact with its document, as JSON lines or CSV."""
    import csv

    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    rows = db.query(
        "select facts.*, documents.path as document, documents.title as document_title "
        "from facts join documents on documents.id = facts.doc_id order by facts.id"
    )
    if fmt == "jsonl":
        for row in rows:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(output, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


if __name__ == "__main__":
    cli()
