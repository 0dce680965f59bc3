"""Progress bar and run summary for ``policy-facts ingest`` (rich).

The bar (on stderr, only on a terminal; fits 80 columns) shows files done of
files found, files and pages read per second (and pages read by OCR), facts found,
failures, unchanged files and the time left; the summary is a table of the run's counts and of the files that
did not ingest cleanly.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from extractor.ingest.discover import printable
from extractor.ingest.pipeline import Extraction, Summary
from extractor.settings import SETTINGS

#: The summary lists at most this many problem files (all of them are in ``documents``).
MAX_PROBLEMS = SETTINGS.ingest.problems_listed


class Progress:
    """Files done, files/s, facts found and failures; silent when disabled."""

    def __init__(self, enabled: bool = True, console: Console | None = None):
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self._bar: RichProgress | None = None
        self._task: Any = None  # rich's TaskID once started
        self._t0 = time.perf_counter()
        self._last = 0.0

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(
                BarColumn(bar_width=16),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeRemainingColumn(),
                console=self.console,
                transient=False,
                refresh_per_second=5,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def start(self, total: int) -> None:
        self._t0 = time.perf_counter()
        if self._bar is not None:
            self._task = self._bar.add_task("ingest", total=total, stats="")

    def update(self, result: Extraction | None, summary: Summary) -> None:
        """Files done of files found, files and pages read per second, facts, failures, unchanged files."""
        if self._bar is None or self._task is None:
            return
        self._bar.update(self._task, completed=summary.done, stats=stats_line(summary, time.perf_counter() - self._t0))


def stats_line(summary: Summary, elapsed: float) -> str:
    """What the bar says of a run ``elapsed`` seconds in (rich markup)."""
    rate = summary.read / elapsed if elapsed > 0 else 0.0
    pages = summary.pages / elapsed if elapsed > 0 else 0.0
    stats = f"{rate:.1f} files/s · {pages:.1f} pages/s"
    if summary.ocr_pages:
        stats += f" ({summary.ocr_pages} OCR)"
    stats += (f" · [green]{summary.facts}[/] facts · "
              f"[{'red' if summary.failed else 'default'}]{summary.failed}[/] failed")
    if summary.unchanged:
        stats += f" · {summary.unchanged} unchanged"
    return stats


def print_summary(summary: Summary, db_path: Path, console: Console | None = None) -> None:
    """A table of the run's counts and the files that did not ingest cleanly."""
    if console is None:
        console = Console(file=sys.stdout) if sys.stdout.isatty() else Console(file=sys.stdout, width=120)
    table = Table(title=f"ingest into {escape(printable(str(db_path)))}", show_header=False, title_justify="left")
    table.add_column("count")
    table.add_column("value", justify="right")
    rate = summary.read / summary.seconds if summary.seconds > 0 else 0.0
    rows = [("files found", summary.files), ("stored ok", summary.ok), ("unchanged (not read again)", summary.unchanged),
            ("same content as another file", summary.duplicates), ("stored, pages missing (partial)", summary.partial),
            ("skipped (not a document read)", summary.skipped), ("failed", summary.failed),
            ("too large", summary.too_large), ("needs OCR", summary.needs_ocr), ("encrypted", summary.encrypted),
            ("folders not listed", summary.unreadable), ("pruned: files gone", summary.pruned_files),
            ("pruned: documents deleted", summary.pruned_documents), ("sources kept", summary.sources_kept),
            ("sources missing (files gone or changed)", summary.sources_missing), ("facts", summary.facts),
            ("pages", summary.pages), ("pages read by OCR", summary.ocr_pages),
            ("files read per second", f"{rate:.1f}"),
            ("pages read per second", f"{summary.pages / summary.seconds if summary.seconds > 0 else 0.0:.1f}"),
            ("seconds", f"{summary.seconds:.1f}")]
    optional = {"same content as another file", "stored, pages missing (partial)", "too large", "folders not listed",
                "pruned: files gone", "pruned: documents deleted", "pages read by OCR", "sources kept",
                "sources missing (files gone or changed)"}
    alarming = {"failed", "too large", "stored, pages missing (partial)", "folders not listed"}
    for name, value in rows:
        if name in optional and not value:
            continue
        style = "bold red" if name in alarming and value else None
        table.add_row(name, str(value), style=style)
    console.print(table)
    if summary.problems:
        problems = Table(title="files not ingested", show_header=True)
        problems.add_column("path", overflow="fold")
        problems.add_column("status")
        problems.add_column("error", overflow="fold")
        for p in summary.problems[:MAX_PROBLEMS]:
            problems.add_row(escape(printable(p["path"])), p["status"], escape(printable(p["error"][:300])))
        console.print(problems)
        more = len(summary.problems) - MAX_PROBLEMS
        if more > 0:
            console.print(f"… and {more} more: see `select path, status, error from documents "
                          f"where status != 'ok'`", highlight=False)
    if summary.interrupted:
        console.print("[bold yellow]interrupted[/]: what was stored is kept; run the same command again "
                      "to continue where it stopped")
