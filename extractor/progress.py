"""Progress bar and run summary for ``policy-facts ingest`` (rich)."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from .pipeline import Extraction, Summary


class Progress:
    """Files done, files/s, facts found and failures; silent when disabled."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._bar: RichProgress | None = None
        self._task = None
        self._done = 0

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(
                TextColumn("[bold]ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("facts {task.fields[facts]}  failed {task.fields[failed]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def start(self, total: int) -> None:
        if self._bar is not None:
            self._task = self._bar.add_task("ingest", total=total, facts=0, failed=0, rate="")

    def update(self, result: Extraction | None, summary: Summary) -> None:
        if self._bar is None or self._task is None or result is None:
            return
        self._done += 1
        task = self._bar.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{self._done / elapsed:.1f} files/s" if elapsed > 0 else ""
        self._bar.update(self._task, advance=1, facts=summary.facts, failed=summary.failed, rate=rate)


def print_summary(summary: Summary, db_path: Path) -> None:
    """A table of the run's counts and every file that did not ingest cleanly."""
    console = Console(file=sys.stdout, width=120)
    table = Table(title=f"ingest into {db_path}", show_header=True)
    for col in ("files", "ok", "skipped (unchanged)", "failed", "needs OCR", "encrypted", "facts", "pages", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(
        *map(str, (summary.files, summary.ok, summary.skipped, summary.failed, summary.needs_ocr,
                   summary.encrypted, summary.facts, summary.pages, f"{summary.seconds:.1f}"))
    )
    console.print(table)
    if summary.problems:
        problems = Table(title="files not ingested", show_header=True)
        problems.add_column("path")
        problems.add_column("status")
        problems.add_column("error")
        for path, status, error in summary.problems:
            problems.add_row(path, status, error[:200])
        console.print(problems)
