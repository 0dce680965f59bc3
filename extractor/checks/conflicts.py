"""The same figure stated twice: does it agree with itself?

Within one document (:func:`same_figure_checks`), a text figure against the same
figure in a table (``table_text``) or earlier in the text (``same_figure``), also
when written in another unit (``units``: 1万亿元 = 10000亿元). Between documents
(:func:`find_conflicts`), facts about the same metric, region and period whose
values differ beyond rounding; a later document that revises a figure (a
preliminary figure made final, a revision by the same publisher) is marked
``revision``. Both judge a figure against its candidates with
:func:`best_counterpart`.
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from extractor.checks.consistency import Check, make_check
from extractor.checks.figures import (
    COMPARABLE_KINDS,
    DocData,
    Fig,
    fig_similarity,
    load_figs,
    norm_region,
    relation,
    rows,
    strict_similarity,
)
from extractor.checks.index import MetricIndex, frame, frames, group
from extractor.facts.periods import find_periods
from extractor.facts.regions import gazetteer
from extractor.patterns import alternation, load
from extractor.settings import SETTINGS

TEXT_SIM = SETTINGS.checks.text_sim  # metric similarity for a pass between two text figures
TABLE_SIM = SETTINGS.checks.table_sim  # … between a text figure and a table cell of the same value
BOUND_SIM = SETTINGS.checks.bound_sim  # … when the values only agree through a bound (300个以上 vs 320)
FAIL_SIM = SETTINGS.checks.fail_sim  # … for a failing text/table comparison
TEXT_FAIL_SIM = SETTINGS.checks.text_fail_sim  # … for a failing comparison of two text figures
CONFLICT_SIM = SETTINGS.checks.conflict_sim  # … for a conflict between documents


# -- when two figures disagree -------------------------------------------------------


def clause_qualifiers(f: Fig) -> frozenset[str]:
    """Places, partners and organisations named before a figure in its sentence besides
    its region (承接RCEP成员方…, 对共建“一带一路”国家…): they qualify what is measured."""
    if f.method == "table" or not f.sentence:
        return frozenset()
    return _qualifiers(f.sentence[: f.offset], norm_region(f.region))


@lru_cache(maxsize=100_000)
def _qualifiers(pre: str, own: str | None) -> frozenset[str]:
    return frozenset(p.name for p in gazetteer().find(pre) if p.level != "national" and not p.level.startswith("self_")
                     and norm_region(p.name) != own)


@lru_cache(maxsize=100_000)
def _mentions_period(sentence: str) -> bool:
    return bool(find_periods(sentence, 2000))


def period_stated(f: Fig) -> bool:
    """Whether the figure's period is written where it is (a table column, or a time
    word in its sentence), rather than carried over from elsewhere in the document:
    only then can two values of one metric be said to disagree."""
    return f.method == "table" or _mentions_period(f.sentence)


def _bound(f: Fig) -> bool:
    return f.qualifier in ("gt", "gte", "lt", "lte")


def best_counterpart(f: Fig, cands: list[Fig], *, pass_sim: float, fail_sim: float,
                     directional: bool = False) -> tuple[str, Fig | None, float, list[tuple[float, str, Fig]]]:
    """Judge ``f`` against candidate figures about the same thing.

    Returns (``agree`` | ``disagree`` | ``none``, the deciding figure, its metric
    similarity, every scored candidate best first). A figure agrees when a
    candidate of the same value is about a similar metric; it disagrees when the
    closest candidate by metric has a value outside the rounding of both and no
    nearly as close candidate agrees.
    """
    scored = []
    for c in cands:
        sim = fig_similarity(f, c)
        if sim <= 0:
            continue
        scored.append((sim, relation(f, c, directional), c))
    scored.sort(key=lambda x: (-x[0], x[1] != "match", x[2].vague))
    agree = [x for x in scored if (x[1] == "match" and x[0] >= pass_sim)
             or (x[1] == "consistent" and x[0] >= max(pass_sim, BOUND_SIM) and not (_bound(f) and _bound(x[2])))]
    own = clause_qualifiers(f)
    dis = [(strict_similarity(f, x[2]), x[1], x[2]) for x in scored
           if x[1] == "mismatch" and x[0] >= fail_sim and not x[2].vague and own == clause_qualifiers(x[2])]
    dis = sorted((x for x in dis if x[0] >= fail_sim), key=lambda x: -x[0])
    if dis and (not agree or dis[0][0] - agree[0][0] >= 0.3):
        return "disagree", dis[0][2], dis[0][0], scored
    if agree:
        return "agree", agree[0][2], agree[0][0], scored
    return "none", None, 0.0, scored


# -- the same figure twice in one document ----------------------------------------


_SYMBOL = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "eq": "=", "approx": "≈"}


def same_figure_checks(doc: DocData) -> list[Check]:
    """A text figure against the same figure in a table, or earlier in the text.

    Candidates come from the figure's frame (:func:`~extractor.checks.index.frames`) and,
    within it, from a :class:`~extractor.checks.index.MetricIndex`: near-linear in the
    number of figures, with the verdicts of comparing every pair."""
    out: list[Check] = []
    text = [f for f in doc.text_figs if f.kind in COMPARABLE_KINDS]
    # a table's 100% total is a definition, not a figure anyone restates
    tables = frames(f for f in doc.figs if f.method == "table" and f.kind in COMPARABLE_KINDS
                    and not (f.kind == "share" and f.v == 100))
    # earlier text figures that may be restated: no bound (超10亿美元 twice is a threshold
    # repeated, not a figure), nothing vague (两个 is no figure to compare)
    plain = frames(f for f in text if not _bound(f) and not f.vague)
    order = {f.id: i for i, f in enumerate(text)}
    table_index = {k: MetricIndex(v) for k, v in tables.items()}
    text_index = {k: MetricIndex(v) for k, v in plain.items()}
    for i, f in enumerate(text):
        if f.unit_norm is None:
            continue
        key = frame(f)
        if key in table_index:
            cands = [c for c in table_index[key].candidates(f, min(TABLE_SIM, FAIL_SIM)) if c.id != f.id]
            out += _counterpart_checks(doc, f, cands, "table_text", TABLE_SIM, FAIL_SIM)
        if _bound(f) or f.vague or key not in text_index:
            continue
        earlier = [c for c in text_index[key].candidates(f, min(TEXT_SIM, TEXT_FAIL_SIM))
                   if order[c.id] < i and c.sent_idx != f.sent_idx]
        out += _counterpart_checks(doc, f, earlier, "same_figure", TEXT_SIM, TEXT_FAIL_SIM)
    return out


def _counterpart_checks(doc: DocData, f: Fig, cands: list[Fig], typ: str, pass_sim: float, fail_sim: float) -> list[Check]:
    if not cands:
        return []
    verdict, c, sim, _ = best_counterpart(f, cands, pass_sim=pass_sim, fail_sim=fail_sim)
    if verdict == "none" or c is None:
        return []
    if verdict == "disagree" and (f.vague or f.qualifier not in ("eq", "approx") or c.qualifier not in ("eq", "approx")
                                  or len(f.core) < 2 or (typ != "table_text" and not (period_stated(f) and period_stated(c)))):
        return []
    where_zh, where_en = ("表中", "the table") if typ == "table_text" else ("前文", "earlier in the text")
    rel = relation(f, c)
    tol = f.h + c.h if rel != "consistent" else abs(f.v - c.v)
    bound = rel == "consistent"
    other_unit = (f.unit or "") != (c.unit or "") and not f.vague and not c.vague and rel == "match"
    typ_out = "units" if other_unit and typ != "table_text" else typ
    checks = []
    for t in [typ_out, "units"] if typ == "table_text" and other_unit else [typ_out]:
        formula = f"{f.label} = {c.label}" if verdict == "agree" else f"{f.label} ≠ {c.label}"
        if bound:
            point, limit = (c, f) if _bound(f) else (f, c)
            formula = f"{point.label} {_SYMBOL[limit.qualifier]} {limit.label}"
        if t == "units":
            formula = f"{c.label} = {f.label}"
        zh = f"{where_zh}同一数字（{c.metric or ''}）" + ("，按不等式限定" if bound else "")
        en = f"the same figure in {where_en} ({c.metric or ''})" + (", within the stated bound" if bound else "")
        if t == "units":
            zh, en = "同一数字以不同单位书写", "the same figure written in another unit"
        ck = make_check(doc.doc_id, t, f, c.v, tol, [(f.id, "text"), (c.id, "table" if c.method == "table" else "text")],
                        formula, zh, en, c.table_id)
        if verdict == "agree":
            ck.status = "pass"
        checks.append(ck)
    return checks


# -- between documents ---------------------------------------------------------------


_REVISIONS = load("checks.yml")["revisions"]
_REVISED = re.compile(alternation(_REVISIONS["revised"]))
_PRELIMINARY = re.compile(alternation(_REVISIONS["preliminary"]))


@dataclass
class Conflict:
    status: str
    a: Fig
    b: Fig
    later: Fig | None
    similarity: float
    explanation_zh: str
    explanation_en: str


def find_conflicts(conn: sqlite3.Connection, doc_ids: list[int] | None = None) -> list[Conflict]:
    """Facts of different documents about the same metric, region and period whose
    values differ beyond rounding (only pairs touching ``doc_ids``, if given).

    Each figure is judged against the figures of every later document in its frame;
    a :class:`~extractor.checks.index.MetricIndex` of each frame names the documents
    that have a candidate at all, so the work grows with the figures, not with the
    pairs of documents or of figures."""
    docs = {r["id"]: r for r in rows(conn, "select id, path, title, published, publisher from documents "
                                           "where status = 'ok'")}
    figs: list[Fig] = []
    for d in docs:
        figs += [f for f in load_figs(conn, d) if f.kind in COMPARABLE_KINDS and f.region and f.period
                 and not f.vague]
    wanted = set(doc_ids) if doc_ids is not None else None
    found: list[tuple[tuple, Fig, Fig, float]] = []
    for g, members in enumerate(group(figs, frame).values()):
        by_doc = group(members, lambda f: f.doc_id)
        if len(by_doc) < 2:
            continue
        index = MetricIndex(members)
        doc_index = {d: MetricIndex(v) for d, v in by_doc.items()}
        threshold = min(TEXT_SIM, CONFLICT_SIM)
        for da in sorted(by_doc):
            for pos, a in enumerate(by_doc[da]):
                later = sorted({c.doc_id for c in index.candidates(a, threshold) if c.doc_id > da})
                for db in later:
                    if wanted is not None and da not in wanted and db not in wanted:
                        continue
                    cands = doc_index[db].candidates(a, threshold)
                    verdict, b, sim, _ = best_counterpart(a, cands, pass_sim=TEXT_SIM, fail_sim=CONFLICT_SIM)
                    if (verdict != "disagree" or b is None or a.qualifier != "eq" or b.qualifier != "eq"
                            or not period_stated(a) or not period_stated(b)):
                        continue
                    back_cands = doc_index[da].candidates(b, threshold)
                    back, _, _, _ = best_counterpart(b, back_cands, pass_sim=TEXT_SIM, fail_sim=CONFLICT_SIM)
                    if back == "agree":
                        continue  # b has its own match in a's document
                    found.append(((g, da, db, pos), a, b, sim))
    out: list[Conflict] = []
    seen: set[tuple] = set()
    for (_, da, db, _), a, b, sim in sorted(found, key=lambda x: x[0]):
        key = (da, db, a.core, b.id)
        if key not in seen:
            seen.add(key)
            out.append(_conflict(a, b, sim, docs))
    return out


def period_end(period: str | None) -> str | None:
    """The last day of a period string (2022-H1 → 2022-06-30), as an ISO date."""
    m = re.search(r"((?:19|20)\d{2})(?:-(H[12]|Q[1-4]|\d{2}))?$", period or "")
    if not m:
        return None
    year, sub = m.group(1), m.group(2) or "12"
    month = {"H1": 6, "H2": 12, "Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12}.get(sub) or int(sub)
    if not 1 <= month <= 12:
        return None
    return f"{year}-{month:02d}-{calendar.monthrange(int(year), month)[1]:02d}"


def _first_release(earlier: Fig, published_early: str, published_late: str) -> bool:
    """A figure published within about three months of its period's end is a first
    release; one published months after that is the revised, final figure."""
    from datetime import date

    end = period_end(earlier.period)

    def day(s: str) -> date | None:
        m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", s or "")
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)) if m else None

    e, p0, p1 = day(end or ""), day(published_early), day(published_late)
    if not (e and p0 and p1):
        return False
    return 0 <= (p0 - e).days <= 100 and (p1 - p0).days >= 60


def _conflict(a: Fig, b: Fig, sim: float, docs: dict[int, dict]) -> Conflict:
    pa, pb = docs[a.doc_id].get("published") or "", docs[b.doc_id].get("published") or ""
    later = earlier = None
    if pa and pb and pa[:10] != pb[:10]:
        later, earlier = (a, b) if pa > pb else (b, a)
    status = "conflict"
    if later is not None and earlier is not None:
        same_pub = (docs[a.doc_id].get("publisher") or "x") == (docs[b.doc_id].get("publisher") or "y")
        if (_REVISED.search(later.sentence) or _PRELIMINARY.search(earlier.sentence) or same_pub
                or _first_release(earlier, docs[earlier.doc_id]["published"], docs[later.doc_id]["published"])):
            status = "revision"
    da, db = docs[a.doc_id], docs[b.doc_id]
    if status == "revision":
        zh = f"后发布的《{docs[later.doc_id].get('title') or docs[later.doc_id]['path']}》将{earlier.label}修订为{later.label}"
        en = f"revised: the later document gives {later.label} where the earlier one gave {earlier.label}"
    else:
        zh = f"{a.region}{a.period}{a.metric or ''}：{da.get('title') or da['path']}为{a.label}，{db.get('title') or db['path']}为{b.label}"
        en = f"{a.region} {a.period} {a.metric or ''}: {a.label} in {da['path']} but {b.label} in {db['path']}"
    return Conflict(status, a, b, later, sim, zh, en)
