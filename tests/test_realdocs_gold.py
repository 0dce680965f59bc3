"""The realdocs gold scored on the two company documents (a quarterly report with six
statements, a research note with side-by-side tables): every statement row found, with the
company as region and the statement columns' periods."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

DOCS = ("nedc_2018q1_report", "tebon_research_note_gaoce_2022")


def _scorer(gold_dir: Path):
    spec = importlib.util.spec_from_file_location("gold_score", gold_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored(tmp_path_factory, shared_dir: Path) -> dict[str, dict]:
    from extractor.ingest.pipeline import ingest

    gold_dir = shared_dir / "gold"
    tmp = tmp_path_factory.mktemp("realdocs")
    docs = tmp / "docs"
    docs.mkdir()
    for stem in DOCS:
        shutil.copy(shared_dir / "realdocs" / "pdf" / f"{stem}.pdf", docs)
    db = tmp / "facts.db"
    ingest([docs], db, workers=1)
    score = _scorer(gold_dir)
    lines = [ln for ln in (gold_dir / "realdocs.jsonl").read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = {}
    for stem in DOCS:
        gold = tmp / f"{stem}.jsonl"
        gold.write_text("\n".join(ln for ln in lines if f'"doc": "{stem}"' in ln), encoding="utf-8")
        out[stem] = score.score(db, [gold])
    return out


def test_quarterly_report_statements(scored: dict[str, dict]) -> None:
    result = scored["nedc_2018q1_report"]
    assert result["overall"]["f1"] >= 0.98
    attrs = result["attributes"]
    assert attrs["kind"] >= 0.95 and attrs["unit_norm"] >= 0.95
    assert attrs["period"] >= 0.95 and attrs["region"] >= 0.95 and attrs["metric"] >= 0.9


def test_research_note_tables(scored: dict[str, dict]) -> None:
    assert scored["tebon_research_note_gaoce_2022"]["overall"]["f1"] >= 0.9
