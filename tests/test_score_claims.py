"""scripts/score_claims.py: how it matches attributions to gold, and the attributions of the real
documents scored against tests/gold/claims_realdocs.jsonl (skipped without ../shared)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "claims_realdocs.jsonl"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_claims", ROOT / "scripts" / "score_claims.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["score_claims"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


score_claims = _scorer()

SENTENCES = ["张三表示，出口增长5%。", "有业内人士认为，前景向好。", "据路透社报道，关税将下调。", "“订单很多。”", "他说。"]


def _db(tmp_path: Path, claims: list[tuple]) -> Path:
    """A database with the columns the scorer reads: one document of SENTENCES and ``claims``
    (first sentence, last sentence, speaker, title, organisation, source, kind)."""
    db = tmp_path / "t.db"
    con = sqlite3.connect(db)
    con.executescript("""
        create table documents (id integer primary key, path text);
        create table sentences (id integer primary key, doc_id int, idx int, text text);
        create table claims (id integer primary key, doc_id int, sentence_id int, sentence_end_id int,
            claim_type text, text text, speaker text, speaker_title text, organisation text, source text,
            speaker_kind text);
        create table facts (id integer primary key, doc_id int, sentence_id int, quote text, claim_id int);
    """)
    con.execute("insert into documents values (1, 'html/news.html')")
    con.executemany("insert into sentences values (?, 1, ?, ?)", [(i + 10, i, t) for i, t in enumerate(SENTENCES)])
    for n, (a, b, speaker, title, org, source, kind) in enumerate(claims):
        con.execute("insert into claims values (?, 1, ?, ?, 'attribution', '', ?, ?, ?, ?, ?)",
                    (n + 1, a + 10, None if b is None else b + 10, speaker, title, org, source, kind))
    con.execute("insert into facts values (1, 1, 10, '5%', 1)")
    con.commit()
    con.close()
    return db


def _gold(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps({"doc": "news", **i}, ensure_ascii=False) for i in items), encoding="utf-8")
    return path


GOLD_ITEMS = [
    {"kind": "person", "speaker": "张三", "organisation": ["商务部"], "first": "张三表示", "figures": ["5%"]},
    {"kind": "anonymous", "speaker": "业内人士", "organisation": None, "first": "有业内人士认为"},
    {"kind": "source", "speaker": "路透社", "organisation": None, "first": "据路透社报道"},
    {"kind": "person", "speaker": "李四", "organisation": None, "first": "“订单很多。”", "last": "他说"},
]


def test_scorer_matches_speakers_by_kind(tmp_path):
    db = _db(tmp_path, [(0, None, "张三", "部长", "商务部", None, "person"),
                        (1, None, None, "业内人士", None, None, "anonymous"),
                        (2, None, None, None, None, "路透社", "source"),
                        (3, 4, "王五", None, None, None, "person")])  # the wrong person
    r = score_claims.score(db, _gold(tmp_path, GOLD_ITEMS))
    assert (r["overall"]["tp"], r["overall"]["fp"], r["overall"]["fn"]) == (3, 1, 1)
    assert r["recall_by_kind"] == {"person": "1/2", "anonymous": "1/1", "organisation": "0/0", "source": "1/1"}
    assert r["attributes"]["organisation"] == 1.0 and r["attributes"]["figures_linked"] == 1.0
    assert r["attributes"]["kind"] == 1.0


def test_scorer_optional_items_and_spans(tmp_path):
    items = GOLD_ITEMS[:3] + [{**GOLD_ITEMS[3], "optional": True}]
    db = _db(tmp_path, [(0, None, "张三", None, "外交部", None, "person"),
                        (3, 4, "李四", None, None, None, "person")])
    r = score_claims.score(db, _gold(tmp_path, items))
    assert (r["overall"]["tp"], r["overall"]["fp"], r["overall"]["fn"]) == (1, 0, 2)  # 李四 is optional
    assert r["attributes"]["organisation"] == 0.0 and r["attributes"]["span_covers"] == 1.0


def test_scorer_reports_what_it_cannot_find(tmp_path):
    r = score_claims.score(_db(tmp_path, []), _gold(tmp_path, [{**GOLD_ITEMS[0], "first": "不在文中"}]))
    assert r["unlocated"] and r["overall"]["fn"] == 1


@pytest.mark.slow
def test_real_documents_against_the_hand_annotated_gold(tmp_path, shared_dir: Path):
    """The issue's bar on our own annotation of the real pages: precision ≥ 0.90, recall ≥ 0.80,
    organisation right ≥ 0.85, gold figures linked ≥ 0.95."""
    from extractor.ingest.pipeline import ingest

    stems = {json.loads(line)["doc"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()}
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in (shared_dir / "realdocs").rglob("*"):
        if path.stem in stems:
            shutil.copyfile(path, folder / path.name)  # ingest does not follow links out of its root
    db = tmp_path / "real.db"
    ingest([folder], db, workers=0)
    r = score_claims.score(db, GOLD, show=20)
    assert not r["unlocated"], r["unlocated"]
    o, a = r["overall"], r["attributes"]
    assert o["precision"] >= 0.9 and o["recall"] >= 0.8, (o, r["missed"], r["extra"])
    assert a["organisation"] >= 0.85 and a["figures_linked"] >= 0.95 and a["kind"] >= 0.9, (a, r["wrong"])
