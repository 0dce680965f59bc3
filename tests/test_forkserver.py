"""The forkserver: light to import, started by ``policy-facts ingest`` (:mod:`extractor.launch`)
before the command line and the pipeline are imported, harmless when started for nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fresh_python import run_python

from extractor.launch import may_ocr, reads_locally

# Runs the CLI in a fresh interpreter, noting which of the pipeline's modules were imported when
# the forkserver was asked to start (and the start method asked for).
_PROBE = """
import json, sys
import multiprocessing.forkserver as fs
calls = []
real = fs.ensure_running
def spy():
    calls.append(sorted(m for m in sys.modules if m.startswith(("extractor.ingest.pipeline", "extractor.store"))))
    return real()
fs.ensure_running = spy
from extractor.cli import cli
try:
    cli.main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(calls))
"""


def _run_cli(*args: str) -> list[list[str]]:
    return json.loads(run_python(_PROBE, *args).splitlines()[-1])


def test_importing_it_imports_nothing_of_the_pipeline() -> None:
    assert run_python("import sys, extractor.ingest.forkserver\n"
                      "print(sorted(m for m in sys.modules if m.startswith('extractor.') and m not in "
                      "('extractor.ingest', 'extractor.ingest.forkserver')))") == "[]"


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
def test_ingest_starts_it_before_importing_the_pipeline(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("2024年，全市数字贸易进出口额达到1234.5亿元，同比增长12.5%。\n", encoding="utf-8")
    calls = _run_cli("ingest", str(doc), "--db", str(tmp_path / "f.db"), "--workers", "1", "-q")
    assert calls and calls[0] == []  # the first start came before the pipeline or the store was imported
    # and the pool then used that forkserver: the document was read by a worker
    import sqlite3

    with sqlite3.connect(tmp_path / "f.db") as con:
        assert con.execute("select status from documents").fetchall() == [("ok",)]


def test_ingest_in_process_starts_no_forkserver(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("2024年，全市数字贸易进出口额达到1234.5亿元。\n", encoding="utf-8")
    assert _run_cli("ingest", str(doc), "--db", str(tmp_path / "f.db"), "--workers", "0", "-q") == []


def test_the_workers_modules_leave_the_database_alone() -> None:
    """What the forkserver loads (the models too) imports neither the run nor the database writer:
    a worker reads documents into rows, the main process writes them."""
    assert run_python("import sys, importlib\n"
                      "from extractor.ingest.forkserver import OCR_PRELOAD, PRELOAD\n"
                      "for m in PRELOAD + OCR_PRELOAD: importlib.import_module(m)\n"
                      "print(sorted(m for m in ('sqlite_utils', 'extractor.store.database',"
                      " 'extractor.ingest.pipeline', 'extractor.ingest.writer') if m in sys.modules))") == "[]"


def test_a_worker_reads_documents_without_importing_anything() -> None:
    """What the forkserver preloads is all a worker needs to read a PDF (PDFium's reader included)
    or a text: nothing is imported, and so paid again by each worker, on its first document."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    files = [str(p) for p in sorted(corpus.iterdir()) if p.suffix in (".pdf", ".md")][:3]
    assert run_python("import sys, pathlib\n"
                      "import extractor.ingest.preload\n"
                      "from extractor.ingest.job import extract_rows\n"
                      "before = set(sys.modules)\n"
                      f"for f in map(pathlib.Path, {files!r}):\n"
                      "    extract_rows(f, f.name, 'x', f.stat().st_size, ocr='off')\n"
                      "print(sorted(m for m in set(sys.modules) - before if not m.startswith('encodings.')))") == "[]"


def test_the_preload_loads_the_models_once_and_stays_single_threaded(monkeypatch) -> None:
    """What the forkserver imports before forking: the models loaded, the heap frozen, and — with the
    environment the forkserver is started with — no BLAS threads."""
    import os

    from extractor.ingest.forkserver import context

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    context()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert run_python("import os, gc, extractor.ingest.preload\n"
                      "from extractor.claims.names import nlp\n"
                      "from extractor.facts.segment import jieba_tokenizer\n"
                      "print(nlp.cache_info().currsize, jieba_tokenizer().initialized, gc.get_freeze_count() > 10000,"
                      " len(os.listdir('/proc/self/task')))").split() == ["1", "True", "True", "1"]


@pytest.mark.parametrize(("args", "expected"), [
    (["ingest", "corpus"], True),
    (["ingest", "corpus", "--workers", "2", "-q"], True),
    (["ingest", "corpus", "-w", "1"], True),
    (["ingest", "corpus", "--workers", "0"], False),
    (["ingest", "corpus", "--workers=0"], False),
    (["ingest", "corpus", "-w", "0"], False),
    (["ingest", "corpus", "-w0"], False),
    (["ingest", "corpus", "--cluster", "local:2"], False),
    (["ingest", "corpus", "--cluster=tcp://h:8786"], False),
    (["ingest", "--help"], False),
    (["ingest", "--", "--workers", "0"], True),  # a file called --workers, another called 0
    (["ingest", "corpus", "-w", "0", "--workers", "2"], True),  # the last one counts
    (["serve"], False),
    (["verify", "a.md"], False),
    ([], False),
])
def test_the_launcher_starts_the_forkserver_for_local_ingests_only(args: list[str], expected: bool) -> None:
    assert reads_locally(args) is expected


@pytest.mark.parametrize(("args", "expected"), [
    (["ingest", "corpus"], True),
    (["ingest", "corpus", "--ocr", "auto"], True),
    (["ingest", "corpus", "--ocr", "off"], False),
    (["ingest", "corpus", "--ocr=off", "-w", "2"], False),
    (["ingest", "corpus", "--ocr", "off", "--ocr", "force"], True),
    (["ingest", "--", "--ocr", "off"], True),
])
def test_the_launcher_leaves_the_ocr_reader_out_for_ocr_off(args: list[str], expected: bool) -> None:
    assert may_ocr(args) is expected


def test_the_preload_leaves_out_what_no_worker_uses() -> None:
    """The forkserver loads spaCy without its command line and jieba without pkg_resources: time
    before the first worker starts, and memory in every process forked from it."""
    assert run_python("import sys, importlib\n"
                      "from extractor.ingest.forkserver import PRELOAD\n"
                      "for m in PRELOAD: importlib.import_module(m)\n"
                      "print(sorted(m for m in ('spacy.cli', 'typer', 'weasel', 'requests', 'pkg_resources')"
                      " if m in sys.modules), 'spacy' in sys.modules and 'jieba' in sys.modules)") == "[] True"


def test_the_ocr_reader_is_preloaded_only_when_ocr_may_run() -> None:
    """OpenCV (~0.1 s of the forkserver's start) is loaded for all workers when OCR may run, and
    not for ``--ocr off``."""
    code = ("import sys, importlib\n"
            "from extractor.ingest.forkserver import OCR_PRELOAD, PRELOAD\n"
            "for m in PRELOAD + (OCR_PRELOAD if WITH_OCR else []): importlib.import_module(m)\n"
            "print('cv2' in sys.modules, 'extractor.parse.ocr.page' in sys.modules)")
    assert run_python(code.replace("WITH_OCR", "False")) == "False False"
    assert run_python(code.replace("WITH_OCR", "True")) == "True True"


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
def test_a_forkserver_started_for_ocr_off_still_serves_a_run_with_ocr(tmp_path: Path) -> None:
    """A wrong guess costs time, never a result: a worker forked from a forkserver that left the OCR
    reader out imports it itself and reads the scan."""
    import fixtures_pdf as fx
    import fixtures_scan as fscan

    scan = fscan.scan_pdf(fx.make_ruled_pdf(tmp_path / "ruled.pdf"), tmp_path / "scan.pdf", tilt=0.0)
    code = ("from extractor.ingest import forkserver\n"
            "from extractor.ingest.pipeline import ingest\n"
            "if __name__ == '__main__':\n"
            "    forkserver.start(ocr=False)\n"
            f"    s = ingest([{str(scan)!r}], {str(tmp_path / 'f.db')!r}, workers=1, ocr='auto')\n"
            "    print(s.ok)")
    assert run_python(code).splitlines()[-1] == "1"


_LAUNCH = """
import json, sys
import multiprocessing.forkserver as fs
first = []
real = fs.ensure_running
def spy():
    if not first:
        first.append(sorted(m for m in ("extractor.cli", "extractor.patterns", "extractor.ingest.pipeline")
                            if m in sys.modules))
    return real()
fs.ensure_running = spy
sys.argv = ["policy-facts", *sys.argv[1:]]
from extractor.launch import main
try:
    main()
except SystemExit as exc:
    print(json.dumps({"code": exc.code, "first": first}))
"""


def _launch(*args: str, env: dict | None = None) -> tuple[dict, str]:
    import os

    out = subprocess.run([sys.executable, "-c", _LAUNCH, *args], capture_output=True, text=True, timeout=300,
                         env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
def test_the_command_starts_it_before_the_command_line_is_imported(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("2024年，全市数字贸易进出口额达到1234.5亿元。\n", encoding="utf-8")
    got, _ = _launch("ingest", str(doc), "--db", str(tmp_path / "f.db"), "-w", "1", "-q")
    assert got == {"code": 0, "first": [[]]}


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
def test_a_broken_pattern_file_stops_the_command_and_not_the_forkserver_first(tmp_path: Path) -> None:
    """The forkserver, started before the pattern check, loads what it can without a traceback of
    its own; the command stops with its message and exit code 3."""
    import shutil

    patterns = tmp_path / "patterns"
    shutil.copytree(Path(__file__).resolve().parents[1] / "extractor" / "patterns", patterns,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    parse = patterns / "parse.yml"
    parse.write_text(parse.read_text(encoding="utf-8").replace("byline_words:", "byline_word:"), encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text("2024年全市出口增长5%。", encoding="utf-8")
    got, err = _launch("ingest", str(doc), "--db", str(tmp_path / "f.db"), "-q",
                       env={"POLICY_FACTS_PATTERNS": str(patterns)})
    assert got["code"] == 3 and got["first"] == [[]]
    assert "byline_word" in err and "Traceback" not in err
    assert not (tmp_path / "f.db").exists()


_STOP = """
import json, os
from extractor.ingest import forkserver

def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

if __name__ == "__main__":
    import multiprocessing.forkserver as fs
    forkserver.start()
    pid = fs._forkserver._forkserver_pid
    if USE:
        forkserver.for_pool()
    forkserver.stop_if_unused()
    print(json.dumps(alive(pid)))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
@pytest.mark.parametrize("use", [False, True])
def test_a_forkserver_no_pool_used_is_ended(use: bool) -> None:
    out = subprocess.run([sys.executable, "-c", _STOP.replace("USE", str(use))], capture_output=True, text=True,
                         timeout=300, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is use


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver")
def test_a_run_with_nothing_to_read_ends_the_forkserver_it_started(tmp_path: Path) -> None:
    """Re-ingesting unchanged files reads nothing: the forkserver the command started is gone when
    it returns (else it would hold the command's output open while it finished loading)."""
    doc = tmp_path / "a.txt"
    doc.write_text("2024年，全市数字贸易进出口额达到1234.5亿元。\n", encoding="utf-8")
    db = str(tmp_path / "f.db")
    probe = _LAUNCH.replace("    print(json.dumps({", "    import os\n    pid = fs._forkserver._forkserver_pid\n"
                                                     "    print(json.dumps({'server': pid, ")
    for run in ("first", "again"):
        out = subprocess.run([sys.executable, "-c", probe, "ingest", str(doc), "--db", db, "-q"],
                             capture_output=True, text=True, timeout=300)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["code"] == 0
        # read: the pool used it, it ends with the command; unchanged: ended before the command returned
        assert (got["server"] is None) is (run == "again"), (run, got)
