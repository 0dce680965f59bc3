"""The command line. ``ingest``: summary table or JSON, exit codes, progress bar."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console

from extractor.cli import cli
from extractor.ingest.pipeline import Extraction, Summary
from extractor.ingest.progress import Progress, print_summary

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import corrupt_pdf, empty_file, html_doc, png_file, text_doc  # noqa: E402


def _folder(tmp_path: Path, bad: bool = False) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    text_doc(folder / "a.txt", 1)
    html_doc(folder / "b.html", 2)
    if bad:
        corrupt_pdf(folder / "c.pdf")
        empty_file(folder / "d.txt")
        png_file(folder / "e.png")
    return folder


def test_ingest_json_and_exit_codes(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    db = tmp_path / "out" / "facts.db"
    runner = CliRunner()
    run = runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--workers", "0", "--json"])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.output)
    assert {k: summary[k] for k in ("files", "ok", "unchanged", "failed")} == {"files": 2, "ok": 2, "unchanged": 0,
                                                                             "failed": 0}
    assert summary["facts"] > 0 and summary["problems"] == [] and summary["interrupted"] is False
    again = json.loads(runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--json"]).output)
    assert (again["unchanged"], again["ok"]) == (2, 0)
    # failures: exit code 2, every problem listed; an unsupported type is skipped, not failed
    corrupt_pdf(folder / "c.pdf")
    png_file(folder / "e.png")
    run = runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--workers", "0", "--json"])
    assert run.exit_code == 2
    summary = json.loads(run.output)
    assert (summary["failed"], summary["skipped"], summary["unchanged"]) == (1, 1, 2)
    assert [(p["path"], p["status"]) for p in summary["problems"]] == [("c.pdf", "failed"), ("e.png", "skipped")]


def test_ingest_summary_table_lists_the_problems(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bad=True)
    run = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), "--workers", "2"])
    assert run.exit_code == 2
    out = run.output
    assert "ingest into" in out and "files not ingested" in out
    for text in ("c.pdf", "CorruptDocument", "d.txt", "EmptyDocument", "e.png", "skipped"):
        assert text in out, text


def test_ingest_missing_path_and_bad_manifest_are_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    run = runner.invoke(cli, ["ingest", str(tmp_path / "nowhere"), "--db", str(tmp_path / "f.db")])
    assert run.exit_code == 1 and "no such file or folder" in run.output
    # a manifest that cannot be read fails the files it describes, with its error; the run goes on
    folder = _folder(tmp_path)
    (folder / "sub").mkdir()
    text_doc(folder / "sub" / "c.txt", 3)
    (folder / "sub" / "manifest.yml").write_text("documents: [", encoding="utf-8")
    run = runner.invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), "--workers", "0", "--json"])
    assert run.exit_code == 2
    summary = json.loads(run.output)
    assert (summary["ok"], summary["failed"]) == (2, 1)
    (problem,) = summary["problems"]
    assert problem["path"] == "sub/c.txt" and "manifest.yml" in problem["error"] and "YAML" in problem["error"]


def test_progress_bar_and_summary_render() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=160)
    summary = Summary(files=3)
    with Progress(enabled=True, console=console) as bar:
        bar.start(3)
        summary.ok, summary.facts = 1, 7
        bar.update(Extraction(path="a.txt", sha256="x", size_bytes=1), summary)
        summary.unchanged = 1
        bar.update(None, summary)
        summary.failed = 1
        summary.problems.append({"path": "c.pdf", "status": "failed", "error": "CorruptDocument: c.pdf: [bad]"})
        bar.update(Extraction(path="c.pdf", sha256="y", size_bytes=1, status="failed"), summary)
    shown = buf.getvalue()
    assert "3/3" in shown and "files/s" in shown and "facts" in shown and "failed" in shown
    # disabled (not a terminal, --json, --quiet): nothing at all
    quiet = io.StringIO()
    with Progress(enabled=False, console=Console(file=quiet)) as bar:
        bar.start(3)
        bar.update(None, summary)
    assert quiet.getvalue() == ""
    out = io.StringIO()
    summary.interrupted = True
    print_summary(summary, Path("db/facts.db"), console=Console(file=out, width=160))
    text = out.getvalue()
    assert "CorruptDocument: c.pdf: [bad]" in text  # markup in messages is printed as is
    assert "interrupted" in text and "run the same command again" in text


def test_serve_runs_datasette_from_this_python_with_the_metadata(tmp_path, monkeypatch):
    """`policy-facts serve` must work from .venv/bin without the venv on PATH."""
    import sys

    from click.testing import CliRunner

    from extractor import cli as cli_module

    db = tmp_path / "facts.db"
    db.write_bytes(b"")
    meta = tmp_path / "meta.yml"
    meta.write_text("title: t\n", encoding="utf-8")
    seen = {}
    monkeypatch.setattr(cli_module.os, "execvp", lambda prog, args: seen.update(prog=prog, args=args))
    result = CliRunner().invoke(cli_module.cli, ["serve", "--db", str(db), "--metadata", str(meta), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["prog"] == sys.executable
    assert seen["args"][1:4] == ["-m", "datasette", "serve"]
    assert str(db) in seen["args"] and "8123" in seen["args"]
    served = json.loads(Path(seen["args"][seen["args"].index("--metadata") + 1]).read_text(encoding="utf-8"))
    assert served["title"] == "t" and served["plugins"]["policy-facts"]["database"] == "facts"
    assert seen["args"][seen["args"].index("sql_time_limit_ms") + 1] == "1000"


def test_serve_without_a_database_says_what_to_do(tmp_path):
    from click.testing import CliRunner

    from extractor.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "ingest" in result.output


def test_ingest_prune_and_follow_symlinks_options(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    db = tmp_path / "f.db"
    (folder / "alias.txt").symlink_to(folder / "a.txt")
    runner = CliRunner()
    first = json.loads(runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--workers", "0", "--json"]).output)
    assert (first["ok"], first["skipped"], first["duplicates"]) == (2, 1, 0)
    followed = runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--workers", "0", "--json",
                                   "--follow-symlinks"])
    assert json.loads(followed.output)["duplicates"] == 1
    (folder / "b.html").unlink()
    run = runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--workers", "0", "--prune"])
    assert run.exit_code == 0 and "pruned: files gone" in run.output and "pruned: documents deleted" in run.output
    assert json.loads(runner.invoke(cli, ["ingest", str(folder), "--db", str(db), "--json"]).output)["files"] == 2
