"""Cross-checks: is every figure consistent with the others?

Three checks share one engine (figures and how they compare: :mod:`extractor.checks.figures`):

1. **Internal consistency** of one document (:func:`check_document`): parts add
   up to their total (出口 + 进口 = 进出口; the items after 其中; a table's 全省
   row against its cities), a share equals part ÷ whole, the shares of one whole
   add up to 100, a growth rate agrees with the levels of two periods, a
   percentage-point change equals the difference of two rates, a text figure
   agrees with the same figure in the document's table or elsewhere in its
   text, also when written in another unit (1万亿元 = 10000亿元). The rules are
   in :mod:`extractor.checks.consistency` (arithmetic) and :mod:`extractor.checks.conflicts`
   (the same figure twice).
2. **Conflicts between documents** (:func:`find_conflicts`, in
   :mod:`extractor.checks.conflicts`): the same metric, region and period with values
   that differ beyond rounding; a later document that revises a figure is
   marked ``revision``.
3. **Article verification** (:mod:`extractor.checks.verify`) reuses the same matching.

Tolerances follow the printed precision: a figure printed as 649.14 stands for
anything in [649.135, 649.145], so a relation passes when the intervals of its
operands allow it (half a unit of each operand's last printed digit, propagated
through the arithmetic), never by a fixed epsilon. Results go to the ``checks``,
``check_facts`` and ``conflicts`` tables (``checks.sql`` beside this module); this module runs
the checks and stores them.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extractor.checks.conflicts import Conflict, find_conflicts, same_figure_checks
from extractor.checks.consistency import (
    Check,
    growth_checks,
    pp_checks,
    table_checks,
    text_share_checks,
    text_sum_checks,
)
from extractor.checks.figures import (
    Fig,
    load_doc,
    norm_region,
    parent_region,
    precision,
    rows,
    same_region,
    similarity,
)
from extractor.store.migrate import migrate

__all__ = [
    "CHECK_TYPES", "Check", "CheckSummary", "Conflict", "Fig", "check_document", "checks_sql_path", "ensure_tables",
    "find_conflicts", "parent_region", "precision", "rows", "run_checks", "same_region", "similarity",
    "store_checks", "store_conflicts",
]

CHECK_TYPES = ("sum", "share", "share_sum", "growth", "pp_change", "table_text", "same_figure", "units")


# -- schema --------------------------------------------------------------------


def checks_sql_path() -> Path:
    """``$POLICY_FACTS_CHECKS_SCHEMA`` or the package's own ``checks.sql``."""
    env = os.environ.get("POLICY_FACTS_CHECKS_SCHEMA")
    return Path(env) if env else Path(__file__).resolve().parent / "checks.sql"


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create ``checks``, ``check_facts`` and ``conflicts`` if they are missing."""
    sql = checks_sql_path().read_text(encoding="utf-8")
    migrate(conn, sql)
    conn.executescript(sql)


# -- one document -----------------------------------------------------------------


def check_document(conn: sqlite3.Connection, doc_id: int) -> list[Check]:
    """Every internal consistency check of one stored document."""
    doc = load_doc(conn, doc_id)
    checks = (text_sum_checks(doc) + table_checks(conn, doc) + text_share_checks(doc) + pp_checks(doc)
              + growth_checks(doc) + same_figure_checks(doc))
    seen: set[tuple] = set()
    out = []
    for c in checks:
        key = (c.type, tuple(sorted(c.fact_ids)))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


# -- storage -------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_checks(conn: sqlite3.Connection, doc_id: int, checks: list[Check]) -> None:
    conn.execute("delete from checks where doc_id = ?", [doc_id])
    now = _now()
    for c in checks:
        cur = conn.execute(
            "insert into checks (doc_id, type, status, expected, found, tolerance, unit, fact_id, fact_ids, table_id,"
            " formula, explanation_zh, explanation_en, checked_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [c.doc_id, c.type, c.status, c.expected, c.found, c.tolerance, c.unit, c.fact_id, json.dumps(c.fact_ids),
             c.table_id, c.formula, c.explanation_zh, c.explanation_en, now],
        )
        conn.executemany("insert or ignore into check_facts (check_id, fact_id, role) values (?,?,?)",
                         [(cur.lastrowid, i, role) for i, role in c.roles])


def store_conflicts(conn: sqlite3.Connection, conflicts: list[Conflict], doc_ids: list[int] | None) -> None:
    if doc_ids is None:
        conn.execute("delete from conflicts")
    else:
        marks = ",".join("?" * len(doc_ids))
        conn.execute(f"delete from conflicts where doc_id_a in ({marks}) or doc_id_b in ({marks})", doc_ids * 2)
    now = _now()
    for c in conflicts:
        a, b = c.a, c.b
        conn.execute(
            "insert into conflicts (status, metric, region, period, unit_norm, kind, fact_id_a, doc_id_a, value_a,"
            " quote_a, sentence_a, fact_id_b, doc_id_b, value_b, quote_b, sentence_b, later_fact_id, difference,"
            " tolerance, similarity, explanation_zh, explanation_en, checked_at)"
            " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [c.status, a.metric, norm_region(a.region), a.period, a.unit_norm, a.kind, a.id, a.doc_id, a.v, a.label,
             a.sentence, b.id, b.doc_id, b.v, b.label, b.sentence, c.later.id if c.later else None, abs(a.v - b.v),
             a.h + b.h, round(c.similarity, 3), c.explanation_zh, c.explanation_en, now],
        )


@dataclass
class CheckSummary:
    documents: int = 0
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (type, status) → n
    conflicts: dict[str, int] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == "fail")

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "checks": [{"type": t, "status": s, "count": n} for (t, s), n in sorted(self.counts.items())],
            "conflicts": self.conflicts,
            "failures": self.failures,
        }


def run_checks(conn: sqlite3.Connection, docs: list[int] | None = None) -> CheckSummary:
    """Check ``docs`` (default: every readable document), store checks and conflicts."""
    ensure_tables(conn)
    all_ok = [r[0] for r in conn.execute("select id from documents where status = 'ok' order by id")]
    doc_ids = all_ok if docs is None else [d for d in docs if d in set(all_ok)]
    summary = CheckSummary(documents=len(doc_ids))
    paths = dict(conn.execute("select id, path from documents").fetchall())
    for d in doc_ids:
        checks = check_document(conn, d)
        with conn:
            store_checks(conn, d, checks)
        for c in checks:
            summary.counts[(c.type, c.status)] = summary.counts.get((c.type, c.status), 0) + 1
            if c.status == "fail":
                summary.failures.append({"document": paths.get(d), "type": c.type, "formula": c.formula,
                                         "explanation": c.explanation_en, "fact_ids": c.fact_ids})
    conflicts = find_conflicts(conn, None if docs is None else doc_ids)
    with conn:
        store_conflicts(conn, conflicts, None if docs is None else doc_ids)
    for c in conflicts:
        summary.conflicts[c.status] = summary.conflicts.get(c.status, 0) + 1
    return summary
