"""The wheel works anywhere: built from the package source, installed into a fresh virtualenv,
run from an empty folder, it stores the same rows as the checkout.

The fresh virtualenv has no pip and no packages of its own: its ``extractor`` comes only
from the wheel, its dependencies from the test environment's site-packages (a ``.pth``
line, which adds that folder but not the checkout's editable install).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from fixtures_db import corpus_db

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = ("extractor/py.typed", "extractor/patterns/cues.yml", "extractor/patterns/checks.yml",
                "extractor/patterns/parse.yml", "extractor/patterns/regions.csv", "extractor/patterns/userdict.txt",
                "extractor/store/schema.sql", "extractor/checks/checks.sql",
                "extractor/datasette/templates/policy_facts_verify.html")
#: What ingest stores (the checks tables are written by ``policy-facts check``).
INGEST_TABLES = ("documents", "sentences", "facts", "claims", "entities", "claim_entities", "tables", "table_cells")


def _run(args: list[str | Path], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    run = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, f"{args}\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # the package source, so the build leaves nothing in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "extractor", src / "extractor", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _run([sys.executable, "-m", "pip", "wheel", src, "--no-deps", "-q", "-w", tmp / "dist"], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("policy_facts-*.whl")
    env = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", env], cwd=tmp)
    python = env / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp)
    (Path(purelib.stdout.strip()) / "test-env-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], cwd=tmp)
    (env / "wheel-name").write_text(str(wheel))
    return env


@pytest.mark.slow
def test_the_wheel_holds_the_package_data(installed: Path) -> None:
    names = set(zipfile.ZipFile((installed / "wheel-name").read_text()).namelist())
    assert set(PACKAGE_DATA) <= names
    assert not any(n.startswith(("tests/", "corpus/", "patterns/")) for n in names)


@pytest.mark.slow
def test_the_installed_wheel_ingests_like_the_checkout(installed: Path, tmp_path: Path, request) -> None:
    run_dir = tmp_path / "empty"
    run_dir.mkdir()
    where = _run([installed / "bin" / "python", "-c", "import extractor; print(extractor.__file__)"], cwd=run_dir)
    assert Path(where.stdout.strip()).is_relative_to(installed)  # not the checkout's extractor
    _run([installed / "bin" / "policy-facts", "ingest", ROOT / "corpus", "--db", "x.db", "-q"], cwd=run_dir)
    reference = corpus_db(request.config.cache.mkdir("policy-facts-corpus"), tmp_path / "checkout.db")
    diff = subprocess.run([sys.executable, ROOT / "scripts" / "dbdiff.py", reference, run_dir / "x.db",
                           "--tables", ",".join(INGEST_TABLES)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout
    assert "facts: 0 rows" not in diff.stdout and diff.stdout.count("identical") == len(INGEST_TABLES)
