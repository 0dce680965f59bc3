"""A document as database rows, prepared away from the writer.

An ingest has one writer and many workers, so everything about storing a
document that needs no database — checking the links between its sentences,
tables, facts and claims, turning them into row tuples, JSON-encoding lists,
tokenising sentences for the search index — happens here, in the worker.
The writer (:meth:`extractor.store.database.Store.write_rows`) only offsets the
document-local ids by the next free ids and inserts.

Row tuples hold *local* ids: a row's position in its list, and links as
positions in the other lists (``None`` for no link). Plain tuples of str /
int / float are also several times cheaper to send between processes than the
pydantic models they are made from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from extractor import __version__
from extractor.facts.periods import period_parts
from extractor.facts.synonyms import metric_key
from extractor.models import Claim, Fact, ParsedDocument, Sentence, Table, TableCell
from extractor.settings import SETTINGS
from extractor.store import positions, search

#: facts columns filled from :class:`~extractor.models.Fact` fields of the same name.
FACT_FIELDS = tuple(
    "page sentence quote value unit value_norm unit_norm kind qualifier modality"
    " region region_source period period_source metric low high char_start char_end method ocr_confidence ocr_flag".split()
)
#: claims columns filled from :class:`~extractor.models.Claim` fields of the same name.
CLAIM_FIELDS = tuple(
    "claim_type text speaker speaker_title organisation verb speaker_kind source deadline subject".split()
)

#: Columns of each list of :class:`DocumentRows`, after the id and doc_id (or table_id) the
#: writer puts first. Names ending in ``_id`` hold local ids the writer offsets.
#: a box on a PDF page (see :data:`extractor.models.Box`)
BOX_COLUMNS = ("x0", "top", "x1", "bottom")
SENTENCE_COLUMNS = ("page", "idx", "paragraph", "text", "char_start", "char_end", *BOX_COLUMNS, "lines")
PARAGRAPH_COLUMNS = ("page", "idx", "text", "char_start", "char_end", *BOX_COLUMNS)
TABLE_COLUMNS = ("idx", "page", "pages", "caption", "unit", "header_rows", "n_rows", "n_cols", "method", "bbox")
CELL_COLUMNS = ("row", "col", "row_span", "col_span", "text", "row_header", "col_header", "page", *BOX_COLUMNS)
#: facts columns derived from others (:func:`derived_fact`): the canonical metric and the period hierarchy.
DERIVED_FACT_COLUMNS = ("metric_key", "period_year", "period_half", "period_quarter", "period_grain")
#: where a fact is shown: its quote's offsets in its paragraph, and its box on the page
EVIDENCE_FACT_COLUMNS = ("para_start", "para_end", *BOX_COLUMNS)
FACT_COLUMNS = ("sentence_id", "table_id", "claim_id", "paragraph_id", *FACT_FIELDS, *DERIVED_FACT_COLUMNS,
                *EVIDENCE_FACT_COLUMNS)
CLAIM_COLUMNS = ("sentence_id", "sentence_end_id", "page", *CLAIM_FIELDS)
ENTITY_COLUMNS = ("sentence_id", "label", "text", "name", "char_start", "char_end")


@dataclass(slots=True)
class DocumentRows:
    """One document's rows for every table, with document-local ids (see the module doc)."""

    document: dict[str, Any]
    sentences: list[tuple] = field(default_factory=list)
    paragraphs: list[tuple] = field(default_factory=list)
    tables: list[tuple] = field(default_factory=list)
    #: (table, fact or None, *CELL_COLUMNS)
    cells: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    #: the search-index columns of each fact (see :func:`extractor.store.search.index_row`)
    fts: list[tuple[str, ...]] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)
    entities: list[tuple] = field(default_factory=list)
    #: (claim, entity) pairs
    claim_entities: list[tuple[int, int]] = field(default_factory=list)
    #: pages read (the page count, else the pages of text)
    pages: int = 0


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(list(value), ensure_ascii=False)


def header_labels(table: Table) -> tuple[list[str | None], list[str | None]]:
    """``(row_headers, col_headers)`` of ``table``: the label (first) column's text
    on each row, and the header rows' text over each column joined with ``"/"``
    (repeats from spanning cells dropped). None where there is no label."""
    grid = table.grid()
    n_head = max(0, min(table.header_rows, table.n_rows))
    col_headers: list[str | None] = []
    for col in range(table.n_cols):
        parts: list[str] = []
        for row in range(n_head):
            text = grid[row][col].strip()
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        col_headers.append("/".join(parts) or None)
    row_headers: list[str | None] = [
        (grid[row][0].strip() or None) if row >= n_head and table.n_cols > 1 else None
        for row in range(table.n_rows)
    ]
    return row_headers, col_headers


def derived_fact(metric: str | None, period: str | None) -> tuple[str | None, ...]:
    """The :data:`DERIVED_FACT_COLUMNS` of a fact of this metric and period."""
    return (metric_key(metric or ""), *period_parts(period))


#: A line that says more than a heading: sentence punctuation inside, or a colon at its end (各位代表：).
_NOT_HEADING = re.compile(r"[。；，！？!?]|[：:]\s*$")
_HAS_WORD = re.compile(r"[^\W\d_]")


def first_heading(doc: ParsedDocument | None) -> str | None:
    """The first line of the first page when it reads as a heading: short, with a word in it,
    no sentence punctuation (安徽省建设用地使用标准（2020年版）); else None."""
    if doc is None or not doc.pages:
        return None
    line = next((ln.strip() for ln in doc.pages[0].text.splitlines() if ln.strip()), "")
    if not 2 <= len(line) <= SETTINGS.store.max_heading_chars or _NOT_HEADING.search(line):
        return None
    return line if _HAS_WORD.search(line) else None


def document_label(title: str | None, heading: str | None, path: str) -> str:
    """What pages call a document: its title, else its first heading, else its file name."""
    for text in (title, heading):
        if text and text.strip():
            return text.strip()
    return PurePosixPath(path).name or path


def _ocr_reasons(doc: ParsedDocument) -> str | None:
    """``{page: why}`` of the pages read by OCR (with how they were turned and straightened), as JSON."""
    if not doc.ocr_pages:
        return None
    out = {}
    for p in doc.ocr_pages:
        how = [f"turned {p.turned}°"] if p.turned else []
        how += [f"straightened {p.skew:+.1f}°"] if p.skew else []
        out[str(p.number)] = p.reason + (f" [{', '.join(how)}]" if how else "")
    return json.dumps(out, ensure_ascii=False)


def document_row(doc: ParsedDocument | None, **fields: Any) -> dict[str, Any]:
    """The ``documents`` row (without id and ingested_at) of ``doc`` plus ``fields``."""
    row: dict[str, Any] = {"extractor_version": __version__}
    if doc is not None:
        row.update(title=doc.title, doc_type=doc.doc_type, published=doc.published, date=doc.date,
                   date_source=doc.date_source, page_count=doc.page_count,
                   author=doc.author, publisher=doc.publisher, source_url=doc.source_url, pdf_engine=doc.pdf_engine,
                   fallback_pages=_json(doc.fallback_pages) if doc.fallback_pages else None,
                   ocr_mode=doc.ocr_mode if doc.doc_type == "pdf" else None,
                   ocr_pages=len(doc.ocr_pages) if doc.doc_type == "pdf" and doc.ocr_mode else None,
                   ocr_reasons=_ocr_reasons(doc))
    row.update(fields)
    row.setdefault("label", document_label(row.get("title"), first_heading(doc), str(row.get("path") or "")))
    return row


def prepare_document(
    doc: ParsedDocument,
    *,
    path: str,
    root: str = "",
    sha256: str,
    size_bytes: int,
    sentences: list[Sentence],
    facts: list[Fact],
    claims: Iterable[Claim] = (),
    status: str = "ok",
    error: str | None = None,
    extractor_version: str = __version__,
) -> DocumentRows:
    """The rows of one document. Raises ValueError when a fact or claim points at a sentence,
    table, cell or fact the document does not have."""
    out = DocumentRows(document_row(
        doc, path=path, root=root, sha256=sha256, status=status, error=error, size_bytes=size_bytes,
        extractor_version=extractor_version,
    ), pages=doc.page_count or len(doc.pages))
    sentence_at = {s.index: n for n, s in enumerate(sentences)}
    pages = {p.number: p for p in doc.pages}
    out.sentences = [(s.page, s.index, s.paragraph, s.text, s.char_start, s.char_end,
                      *positions.sentence_evidence(pages.get(s.page), s)) for s in sentences]
    paras = positions.paragraphs(doc, sentences)
    para_at = {p.index: n for n, p in enumerate(paras)}
    out.paragraphs = [(p.page, p.index, p.text, p.start, p.end, *positions.outward(p.box)) for p in paras]
    para_of = {s.index: para_at.get(s.paragraph) for s in sentences}
    cells, cell_at = _tables(out, doc.tables)
    claims = list(claims)
    claim_of = _claims(out, claims, sentence_at, len(facts))
    index_text: dict[str | None, str] = {}

    def indexed(text: str | None) -> str:
        if text not in index_text:
            index_text[text] = search.index_text(text)
        return index_text[text]

    claim_text = [c.text for c in claims]
    for n, fact in enumerate(facts):
        if fact.sentence_index is not None and fact.sentence_index not in sentence_at:
            raise ValueError(f"fact {n} ({fact.quote!r}): no sentence {fact.sentence_index}")
        if fact.table_index is not None and not 0 <= fact.table_index < len(doc.tables):
            raise ValueError(f"fact {n} ({fact.quote!r}): no table {fact.table_index}")
        para = para_of.get(fact.sentence_index)  # type: ignore[arg-type]
        cell = cell_at.get((fact.table_index, fact.table_row, fact.table_col))  # type: ignore[arg-type]
        out.facts.append((
            sentence_at.get(fact.sentence_index),  # type: ignore[arg-type]
            fact.table_index,
            claim_of.get(n),
            para,
            *(getattr(fact, name) for name in FACT_FIELDS),
            *derived_fact(fact.metric, fact.period),
            *positions.fact_evidence(fact, pages.get(fact.page), None if para is None else paras[para], cell),
        ))
        claim = claim_of.get(n)
        out.fts.append(tuple(indexed(v) for v in (fact.sentence, fact.metric, fact.region, out.document["label"],
                                                  None if claim is None else claim_text[claim])))
    _link_cells(cells, doc.tables, facts)
    out.cells = [tuple(c) for c in cells.values()]
    return out


def _tables(out: DocumentRows, tables: list[Table]) -> tuple[dict[tuple[int, int, int], list],
                                                               dict[tuple[int, int, int], TableCell]]:
    """Fill ``out.tables``; return the cell rows (lists, to link facts into) by (table, row, col),
    and the cell at each (table, row, col) a spanning cell covers."""
    cells: dict[tuple[int, int, int], list] = {}
    cell_at: dict[tuple[int, int, int], TableCell] = {}
    for idx, table in enumerate(tables):
        out.tables.append((idx, table.page, _json(table.pages), table.caption, table.unit, table.header_rows,
                           table.n_rows, table.n_cols, table.method, _json(table.bbox)))
        row_headers, col_headers = header_labels(table)
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            if (idx, cell.row, cell.col) in cells:
                continue  # a duplicate cell: keep the first
            in_grid = cell.row < table.n_rows and cell.col < table.n_cols
            cells[(idx, cell.row, cell.col)] = [
                idx, None, cell.row, cell.col, cell.row_span, cell.col_span, cell.text,
                row_headers[cell.row] if in_grid and cell.col > 0 else None,
                col_headers[cell.col] if in_grid and cell.row >= table.header_rows else None,
                positions.cell_page(table, cell) if cell.bbox else None, *positions.outward(cell.bbox),
            ]
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    cell_at.setdefault((idx, r, c), cell)
    return cells, cell_at


def _link_cells(cells: dict[tuple[int, int, int], list], tables: list[Table], facts: list[Fact]) -> None:
    """Point each cell at the first fact read from it. A fact's (row, col) may fall anywhere
    inside a spanning cell."""
    anchors: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    for idx, table in enumerate(tables):
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    anchors.setdefault((idx, r, c), (idx, cell.row, cell.col))
    for n, fact in enumerate(facts):
        if fact.table_index is None or fact.table_row is None or fact.table_col is None:
            continue
        anchor = anchors.get((fact.table_index, fact.table_row, fact.table_col))
        if anchor is None:
            raise ValueError(
                f"fact {fact.quote!r}: no cell at row {fact.table_row}, col {fact.table_col}"
                f" of table {fact.table_index}"
            )
        row = cells[anchor]
        if row[1] is None:
            row[1] = n


def _claims(out: DocumentRows, claims: list[Claim], sentence_at: dict[int, int], n_facts: int) -> dict[int, int]:
    """Fill ``out.claims``, ``out.entities`` (each entity once) and ``out.claim_entities``;
    return ``{fact: claim}`` (the last claim stating a fact wins)."""
    claim_of: dict[int, int] = {}
    entity_at: dict[tuple, int] = {}
    links: dict[tuple[int, int], None] = {}
    for n, claim in enumerate(claims):
        if claim.sentence_index not in sentence_at:
            raise ValueError(f"claim {n} ({claim.text[:20]!r}): no sentence {claim.sentence_index}")
        out.claims.append((
            sentence_at[claim.sentence_index],
            sentence_at.get(claim.sentence_end_index),  # type: ignore[arg-type]
            claim.page,
            *(getattr(claim, f) for f in CLAIM_FIELDS),
        ))
        for i in claim.fact_indexes:
            if not 0 <= i < n_facts:
                raise ValueError(f"claim {n} ({claim.text[:20]!r}): no fact {i}")
            claim_of[i] = n
        for e in claim.entities:
            key = (e.label, e.name, e.text, e.sentence_index, e.char_start, e.char_end)
            if key not in entity_at:
                entity_at[key] = len(out.entities)
                out.entities.append((sentence_at.get(e.sentence_index), e.label, e.text, e.name,  # type: ignore[arg-type]
                                     e.char_start, e.char_end))
            links[(n, entity_at[key])] = None
    out.claim_entities = list(links)
    return claim_of
