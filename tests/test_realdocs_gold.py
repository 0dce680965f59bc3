"""The realdocs gold scored on the two company documents (a quarterly report with six
statements, a research note with side-by-side tables): every statement row found, with the
company as region and the statement columns' periods."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD = SHARED / "gold"
DOCS = ("nedc_2018q1_report", "tebon_research_note_gaoce_2022")

pytestmark = pytest.mark.skipif(
    not (GOLD / "score.py").is_file() or not (SHARED / "realdocs" / "pdf").is_dir(),
    reason="../shared (realdocs and their gold) not available: the realdocs score is not checked",
)


def _scorer():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict[str, dict]:
    from extractor.ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("realdocs")
    docs = tmp / "docs"
    docs.mkdir()
    for stem in DOCS:
        shutil.copy(SHARED / "realdocs" / "pdf" / f"{stem}.pdf", docs)
    db = tmp / "facts.db"
    ingest([docs], db, workers=1)
    score = _scorer()
    lines = [ln for ln in (GOLD / "realdocs.jsonl").read_text(encoding="utf-8").splitlines() if ln.strip()]
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
