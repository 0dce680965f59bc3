"""Progress bar and run summary for ``policy-facts ingest`` (rich).

The bar (on stderr, only on a terminal) shows files done of files found, files
read per second, facts found, failures and unchanged files; the summary is a
table of the run's counts and of the files that did not ingest cleanly.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from .pipeline import Extraction, Summary

#: The summary lists at most this many problem files (all of them are in ``documents``).
MAX_PROBLEMS = 40


class Progress:
    """Files done, files/s, facts found and failures; silent when disabled."""

    def __init__(self, enabled: bool = True, console: Console | None = None):
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self._bar: RichProgress | None = None
        self._task = None
        self._t0 = time.perf_counter()
        self._last = 0.0

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(
                TextColumn("[bold]ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("facts [green]{task.fields[facts]}[/]  failed [red]{task.fields[failed]}[/]"
                           "  unchanged {task.fields[unchanged]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                TextColumn("[dim]{task.fields[last]}"),
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
            self._task = self._bar.add_task("ingest", total=total, facts=0, failed=0, unchanged=0,
                                            rate="", last="")

    def update(self, result: Extraction | None, summary: Summary) -> None:
        if self._bar is None or self._task is None:
            return
        elapsed = time.perf_counter() - self._t0
        rate = f"{summary.read / elapsed:.1f} files/s" if elapsed > 0 and summary.read else ""
        last = escape(result.path[-40:]) if result is not None else ""
        self._bar.update(self._task, completed=summary.done, facts=summary.facts,
                         failed=summary.failed, unchanged=summary.unchanged, rate=rate, last=last)


def print_summary(summary: Summary, db_path: Path, console: Console | None = None) -> None:
    """A table of the run's counts and the files that did not ingest cleanly."""
    console = console or Console(file=sys.stdout, width=120)
    table = Table(title=f"ingest into {db_path}", show_header=True)
    cols = ("files", "ok", "unchanged", "skipped", "failed", "needs OCR", "encrypted", "facts", "pages",
            "files/s", "seconds")
    for col in cols:
        table.add_column(col, justify="right")
    rate = summary.read / summary.seconds if summary.seconds > 0 else 0.0
    table.add_row(
        *map(str, (summary.files, summary.ok, summary.unchanged, summary.skipped, summary.failed,
                   summary.needs_ocr, summary.encrypted, summary.facts, summary.pages, f"{rate:.1f}",
                   f"{summary.seconds:.1f}"))
    )
    console.print(table)
    if summary.problems:
        problems = Table(title="files not ingested", show_header=True)
        problems.add_column("path", overflow="fold")
        problems.add_column("status")
        problems.add_column("error", overflow="fold")
        for p in summary.problems[:MAX_PROBLEMS]:
            problems.add_row(escape(p["path"]), p["status"], escape(p["error"][:300]))
        console.print(problems)
        more = len(summary.problems) - MAX_PROBLEMS
        if more > 0:
            console.print(f"… and {more} more: see `select path, status, error from documents "
                          f"where status != 'ok'`", highlight=False)
    if summary.interrupted:
        console.print("[bold yellow]interrupted[/]: what was stored is kept; run the same command again "
                      "to continue where it stopped")
