"""What the evidence of a fact, sentence, claim or table is: read from the database.

Plain functions over a ``sqlite3`` connection (Datasette runs them with ``execute_fn``): the
document and its kept source (:mod:`extractor.store.sources`), the page, and what to draw
on it (:class:`~extractor.datasette.page_image.Drawing`): the figure's box, its sentence's
lines shaded, a crop around them (the paragraph's width, some lines above and below; a table
fact: its table's width). :func:`fact_context` is everything a fact's page shows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from extractor.datasette.page_image import Drawing
from extractor.models import Box, union_box
from extractor.settings import SETTINGS
from extractor.store.rows import document_label
from extractor.store.sources import kept_source

__all__ = ["Source", "claim_drawing", "fact_context", "fact_drawing", "sentence_drawing", "source_of",
           "table_drawing"]

_EVIDENCE = SETTINGS.evidence


@dataclass(frozen=True)
class Source:
    """A stored document's kept source (``file`` None: not kept) and what pages call it."""

    doc_id: int
    sha256: str
    doc_type: str | None
    path: str
    label: str
    file: Path | None

    @property
    def ext(self) -> str:
        return self.file.suffix[1:] if self.file is not None else ""


_DOC = "select id, sha256, doc_type, path, size_bytes, label, title from documents"


def _source(row: sqlite3.Row | tuple | None, folder: Path | None) -> Source | None:
    if row is None:
        return None
    doc_id, sha, doc_type, path, size, label, title = row
    file = kept_source(folder, sha, doc_type, path, size) if folder is not None and sha else None
    return Source(doc_id, sha or "", doc_type, path, label or document_label(title, None, path), file)


def source_of(conn: sqlite3.Connection, folder: Path | None, *, doc_id: int | None = None,
              sha256: str | None = None) -> Source | None:
    """The document with this id (or content) and its kept source."""
    if doc_id is not None:
        row = conn.execute(_DOC + " where id = ?", [doc_id]).fetchone()
    else:
        row = conn.execute(_DOC + " where sha256 = ? order by id limit 1", [sha256]).fetchone()
    return _source(row, folder)


def _box(row: dict, prefix: str = "") -> Box | None:
    values = [row.get(prefix + k) for k in ("x0", "top", "x1", "bottom")]
    if any(v is None for v in values):
        return None
    return (float(values[0]), float(values[1]), float(values[2]), float(values[3]))  # type: ignore[arg-type]


def _lines(text: str | None) -> list[Box]:
    try:
        return [(b[0], b[1], b[2], b[3]) for b in json.loads(text or "[]")]
    except (ValueError, TypeError, IndexError):
        return []


def _around(focus: Box, width: Box | None, above: float) -> Box:
    """A crop showing ``focus`` with some page above and below, as wide as ``width`` (a paragraph or
    table) reaches."""
    m = _EVIDENCE.margin_pt
    x0, x1 = focus[0], focus[2]
    if width is not None:
        x0, x1 = min(x0, width[0]), max(x1, width[2])
    return (x0 - m, focus[1] - above, x1 + m, focus[3] + above)


_FACT = (
    "select f.id, f.doc_id, f.page, f.quote, f.sentence, f.method, f.x0, f.top, f.x1, f.bottom, f.sentence_id,"
    " f.table_id, f.claim_id, f.paragraph_id, f.para_start, f.para_end,"
    " s.lines as s_lines, s.char_start as s_start, s.char_end as s_end,"
    " p.text as p_text, p.page as p_page, p.char_start as p_start, p.x0 as p_x0, p.top as p_top, p.x1 as p_x1,"
    " p.bottom as p_bottom,"
    " t.bbox as t_bbox, t.page as t_page, t.caption as t_caption"
    " from facts f left join sentences s on s.id = f.sentence_id left join paragraphs p on p.id = f.paragraph_id"
    " left join tables t on t.id = f.table_id where f.id = ?"
)


def _fact_row(conn: sqlite3.Connection, fact_id: int) -> dict | None:
    cur = conn.execute(_FACT, [fact_id])
    row = cur.fetchone()
    return None if row is None else dict(zip([c[0] for c in cur.description], row, strict=True))


def _table_box(row: dict) -> Box | None:
    try:
        b = json.loads(row.get("t_bbox") or "null")
        return (b[0], b[1], b[2], b[3]) if b else None
    except (ValueError, TypeError, IndexError):
        return None


def _drawing_of_fact(row: dict, full: bool) -> Drawing | None:
    box = _box(row)
    if box is None or row["page"] is None:
        return None
    lines = _lines(row.get("s_lines"))
    if row["method"] == "table":
        table = _table_box(row) if row.get("t_page") == row["page"] else None
        ctx = 3 * _EVIDENCE.context_pt
        crop = _around(box, table, ctx)
        if table is not None:  # not beyond the table (and its caption above it)
            crop = (crop[0], max(crop[1], table[1] - _EVIDENCE.context_pt), crop[2],
                    min(crop[3], table[3] + _EVIDENCE.margin_pt))
    else:
        para = _box(row, "p_") if row.get("p_page") == row["page"] else None
        crop = _around(union_box([box, *lines]) or box, para, _EVIDENCE.context_pt)
    return Drawing(None if full else crop, (box,), tuple(lines))


def fact_drawing(conn: sqlite3.Connection, folder: Path | None, fact_id: int,
                 full: bool = False) -> tuple[Source, int, Drawing] | None:
    """The source, page and drawing of a fact's evidence (None: a fact with no box)."""
    row = _fact_row(conn, fact_id)
    if row is None:
        return None
    drawing = _drawing_of_fact(row, full)
    source = source_of(conn, folder, doc_id=row["doc_id"])
    if drawing is None or source is None:
        return None
    return source, row["page"], drawing


def _sentence_lines(conn: sqlite3.Connection, first: int, last: int) -> tuple[int | None, int | None, list[Box]]:
    """(document, page, line boxes) of the sentences ``first``..``last`` on the first one's page."""
    rows = conn.execute("select doc_id, page, lines from sentences where id between ? and ? order by id",
                        [first, last]).fetchall()
    if not rows:
        return None, None, []
    doc_id, page = rows[0][0], rows[0][1]
    lines = [b for d, p, text in rows if d == doc_id and p == page for b in _lines(text)]
    return doc_id, page, lines


def _lines_drawing(conn: sqlite3.Connection, folder: Path | None, first: int, last: int,
                   full: bool) -> tuple[Source, int, Drawing] | None:
    doc_id, page, lines = _sentence_lines(conn, first, last)
    focus = union_box(lines)
    if doc_id is None or page is None or focus is None:
        return None
    source = source_of(conn, folder, doc_id=doc_id)
    if source is None:
        return None
    return source, page, Drawing(None if full else _around(focus, None, _EVIDENCE.context_pt), (), tuple(lines))


def sentence_drawing(conn: sqlite3.Connection, folder: Path | None, sentence_id: int,
                     full: bool = False) -> tuple[Source, int, Drawing] | None:
    """A sentence's lines shaded, and a crop around them."""
    return _lines_drawing(conn, folder, sentence_id, sentence_id, full)


def claim_drawing(conn: sqlite3.Connection, folder: Path | None, claim_id: int,
                  full: bool = False) -> tuple[Source, int, Drawing] | None:
    """A claim's sentences' lines shaded (on the page it starts on), and a crop around them."""
    row = conn.execute("select sentence_id, coalesce(sentence_end_id, sentence_id) from claims where id = ?",
                       [claim_id]).fetchone()
    if row is None or row[0] is None:
        return None
    return _lines_drawing(conn, folder, row[0], row[1], full)


def table_drawing(conn: sqlite3.Connection, folder: Path | None, table_id: int, fact_id: int | None = None,
                  full: bool = False) -> tuple[Source, int, Drawing] | None:
    """A table on the page it starts on, the cell of ``fact_id`` boxed when it is printed there."""
    row = conn.execute("select doc_id, page, bbox from tables where id = ?", [table_id]).fetchone()
    if row is None or row[1] is None:
        return None
    table = _table_box({"t_bbox": row[2]})
    if table is None:
        return None
    boxes: tuple[Box, ...] = ()
    if fact_id is not None:
        fact = _fact_row(conn, fact_id)
        box = _box(fact) if fact is not None else None
        if fact is not None and box is not None and fact["table_id"] == table_id and fact["page"] == row[1]:
            boxes = (box,)
    source = source_of(conn, folder, doc_id=row[0])
    if source is None:
        return None
    m, above = _EVIDENCE.margin_pt, _EVIDENCE.context_pt  # the caption and unit lines stand above a table
    return source, row[1], Drawing(None if full else (table[0] - m, table[1] - above, table[2] + m, table[3] + m), boxes)


def _runs(row: dict) -> list[tuple[str, str]]:
    """The paragraph as runs of (text, what it is: "" | "sentence" | "quote")."""
    text, start, end = row.get("p_text"), row.get("para_start"), row.get("para_end")
    if not text:
        return []
    p0 = row.get("p_start") or 0
    s0 = (row["s_start"] - p0) if row.get("s_start") is not None else None
    s1 = (row["s_end"] - p0) if row.get("s_end") is not None else None
    cuts = sorted({0, len(text), *(c for c in (s0, s1, start, end) if c is not None and 0 <= c <= len(text))})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        kind = ("quote" if start is not None and end is not None and start <= a and b <= end
                else "sentence" if s0 is not None and s1 is not None and s0 <= a and b <= s1 else "")
        out.append((text[a:b], kind))
    return out


_CHECKS = (
    "select c.id, c.type, c.status, c.formula, c.explanation_zh, c.explanation_en, group_concat(cf.role, ', ')"
    " as roles from check_facts cf join checks c on c.id = cf.check_id where cf.fact_id = :fact"
    " group by c.id order by c.id"
)
_CONFLICTS = (
    "select id, status, metric, region, period, explanation_zh, explanation_en,"
    " case when fact_id_a = :fact then fact_id_b else fact_id_a end as other_fact,"
    " case when fact_id_a = :fact then quote_b else quote_a end as other_quote,"
    " case when fact_id_a = :fact then doc_id_b else doc_id_a end as other_doc"
    " from conflicts where fact_id_a = :fact or fact_id_b = :fact order by id"
)


def _involving(conn: sqlite3.Connection, table: str, sql: str, fact_id: int) -> list[dict]:
    """The rows ``sql`` reads about a fact, as dicts; none when ``table`` (made by
    ``policy-facts check``) is not there."""
    if conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone() is None:
        return []
    cur = conn.execute(sql, {"fact": fact_id})
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]


def fact_context(conn: sqlite3.Connection, folder: Path | None, fact_id: int) -> dict | None:
    """Everything a fact's page shows beside its row: the document (label, type, source URL, kept
    source), the page, the paragraph as runs, whether a page image can be drawn, the claim and
    its speaker, the table, and the checks and conflicts involving the fact."""
    row = _fact_row(conn, fact_id)
    if row is None:
        return None
    source = source_of(conn, folder, doc_id=row["doc_id"])
    doc = conn.execute("select source_url, page_count from documents where id = ?", [row["doc_id"]]).fetchone()
    claim = None
    if row["claim_id"] is not None:
        found = conn.execute("select id, claim_type, speaker, speaker_kind, text from claims where id = ?",
                             [row["claim_id"]]).fetchone()
        if found is not None:
            claim = dict(zip(("id", "claim_type", "speaker", "speaker_kind", "text"), found, strict=True))
    return {
        "fact_id": fact_id, "page": row["page"], "quote": row["quote"], "method": row["method"],
        "source": source, "source_url": doc[0] if doc else None,
        "boxed": _box(row) is not None and row["page"] is not None,
        "runs": _runs(row), "sentence": row["sentence"], "sentence_id": row["sentence_id"],
        "paragraph_id": row["paragraph_id"], "table_id": row["table_id"], "table_caption": row.get("t_caption"),
        "claim": claim, "checks": _involving(conn, "check_facts", _CHECKS, fact_id),
        "conflicts": _involving(conn, "conflicts", _CONFLICTS, fact_id),
    }


def boxed_facts(conn: sqlite3.Connection, folder: Path | None, fact_ids: list[int]) -> set[int]:
    """Those of ``fact_ids`` whose evidence can be drawn: a box, on a PDF page whose source is kept."""
    if not fact_ids or folder is None:
        return set()
    marks = ", ".join("?" for _ in fact_ids)
    rows = conn.execute(
        "select f.id, d.sha256, d.doc_type, d.path, d.size_bytes from facts f join documents d on d.id = f.doc_id"
        f" where f.id in ({marks}) and f.x0 is not null and f.page is not null and d.doc_type = 'pdf'",
        list(fact_ids)).fetchall()
    kept: dict[str, bool] = {}
    out = set()
    for fid, sha, doc_type, path, size in rows:
        if sha not in kept:
            kept[sha] = kept_source(folder, sha, doc_type, path, size) is not None
        if kept[sha]:
            out.add(fid)
    return out
