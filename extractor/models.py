"""Plain pydantic models passed between the pipeline's stages.

parse → :class:`ParsedDocument` (pages of text, tables, metadata)
segment → :class:`Sentence`
numbers → :class:`NumberMention`
facts → :class:`Fact`
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from extractor.settings import PdfEngine

DocType = Literal["pdf", "html", "text"]
Kind = Literal["amount", "growth", "share", "pp_change", "count", "rank", "multiple", "other"]
Qualifier = Literal["eq", "approx", "gte", "gt", "lte", "lt"]
Modality = Literal["actual", "target", "forecast"]
RegionSource = Literal["stated", "carried", "document", "table"]
#: a box on a PDF page: ``(x0, top, x1, bottom)`` in points, origin at the page's top left (pdfplumber's)
Box = tuple[float, float, float, float]


def union_box(boxes: list[Box]) -> Box | None:
    """The smallest box holding every box of ``boxes`` (None for none)."""
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
#: where a document's own date was read: the ingest manifest, the file's metadata (HTML meta
#: tags, front matter), a news page's dateline, a bare date line on the cover or at the
#: signature, the report period the title or cover names (2018年第一季度报告), a year or
#: date stamp in the title, or the PDF's creation date
DateSource = Literal["manifest", "metadata", "dateline", "cover", "signature", "report_period", "title",
                     "file_metadata"]


class Page(BaseModel):
    """The running text of one page (a web page is one page, ``number`` None).

    Paragraphs are separated by ``"\\n"``; wrapped lines inside a paragraph are
    already joined. Tables found on the page are not in ``text``.

    ``boxes`` (PDF pages) maps every character of ``text`` to the box of the glyph that
    drew it: four float32 values per character (``x0, top, x1, bottom``, see :data:`Box`),
    NaN for a character no glyph drew (a space or line end the reader put in); empty when
    the page has no positions. Bytes, not tuples: a tenth of the memory, and copied whole
    when a page is pickled. :meth:`box` and :meth:`line_boxes` read it.
    """

    number: int | None = None
    text: str = ""
    boxes: bytes = b""

    def _glyphs(self, start: int, end: int) -> list[Box]:
        if not self.boxes or end <= start:
            return []
        flat = memoryview(self.boxes).cast("f")
        n = len(flat) // 4
        start, end = max(0, start), min(end, n)
        values = iter(flat[4 * start : 4 * end].tolist())
        # four values per glyph; x0 != x0: NaN, a character no glyph drew
        return [g for g in zip(values, values, values, values, strict=True) if g[0] == g[0]]

    def box(self, start: int, end: int) -> Box | None:
        """The box holding the glyphs of ``text[start:end]`` (None: no glyph drew them)."""
        return union_box(self._glyphs(start, end))

    def line_boxes(self, start: int, end: int) -> list[Box]:
        """The glyphs of ``text[start:end]`` as one box per printed line: a line ends where the
        next glyph does not share its height (wrapped to the next line or column)."""
        return _lines(self._glyphs(start, end))

    def box_and_lines(self, start: int, end: int) -> tuple[Box | None, list[Box]]:
        """:meth:`box` and :meth:`line_boxes` of ``text[start:end]``, its glyphs read once."""
        glyphs = self._glyphs(start, end)
        return union_box(glyphs), _lines(glyphs)


def _lines(glyphs: list[Box]) -> list[Box]:
    out: list[Box] = []
    for g in glyphs:
        if out:
            x0, top, x1, bottom = out[-1]
            overlap = min(bottom, g[3]) - max(top, g[1])
            if overlap >= 0.5 * min(bottom - top, g[3] - g[1]) and g[0] >= x0 - 0.5 * (g[3] - g[1]):
                out[-1] = (x0, min(top, g[1]), max(x1, g[2]), max(bottom, g[3]))
                continue
        out.append(g)
    return out


class TableCell(BaseModel):
    row: int  # 0-based, counted over the whole table including header rows
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    #: the box of the cell's glyphs on its page (PDF tables; see :data:`Box`)
    bbox: Box | None = None


class Table(BaseModel):
    """A table as laid out in the source: header rows, then data rows."""

    page: int | None = None  # 1-based page where the table starts
    pages: list[int] = Field(default_factory=list)  # every page it covers
    caption: str | None = None  # the title line above the table
    unit: str | None = None  # from a 单位 line, e.g. "亿元"
    header_rows: int = 1
    n_rows: int = 0
    n_cols: int = 0
    cells: list[TableCell] = Field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    method: str = "ruled"  # ruled | aligned | html
    #: the page of each row when the table runs over several pages (empty: all on ``page``)
    row_pages: list[int] = Field(default_factory=list)

    def grid(self) -> list[list[str]]:
        """Rows × columns of cell text, spanning cells repeated over their span."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.row_span, self.n_rows)):
                for k in range(c.col, min(c.col + c.col_span, self.n_cols)):
                    out[r][k] = c.text
        return out


class OcrPage(BaseModel):
    """A page read by OCR: why, how it was turned and straightened, and what was recognised
    (each character with the recogniser's confidence, for the facts read from it)."""

    number: int = 0  # 1-based
    reason: str  # why the page was read by OCR (no text layer, a poor OCR layer, garbage glyphs, forced)
    turned: int = 0  # degrees the page was turned clockwise to stand upright
    skew: float = 0.0  # degrees it was straightened by
    confidence: float | None = None  # the mean confidence of its lines (0..1)
    #: the recognised characters, line after line, without spaces
    text: str = ""
    #: the confidence of each character of ``text``, in percent
    conf: list[int] = Field(default_factory=list)


class ParsedDocument(BaseModel):
    """What a parser returns: the document's text by page, its tables and metadata."""

    path: str
    doc_type: DocType
    title: str | None = None
    published: str | None = None  # ISO date
    #: the document's own date (YYYY-MM-DD, YYYY-MM or YYYY), which relative time words resolve
    #: against, and where it was read (set by the parser when it knows, else at ingest)
    date: str | None = None
    date_source: DateSource | None = None
    author: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    page_count: int | None = None
    pages: list[Page] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    #: pages that could not be read (1-based number → why): the document is stored as ``partial``
    page_errors: dict[int, str] = Field(default_factory=dict)
    pdf_engine: PdfEngine | None = None  # the engine that read a PDF's pages
    fallback_pages: list[int] = Field(default_factory=list)  # pages the engine could not read: pdfplumber read them
    ocr_mode: str | None = None  # a PDF's OCR mode when read: off | auto | force
    ocr_pages: list[OcrPage] = Field(default_factory=list)  # the pages read by OCR

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


class Sentence(BaseModel):
    """A sentence with its place in the document."""

    index: int  # 0-based over the whole document
    page: int | None
    paragraph: int  # 0-based paragraph index over the whole document
    text: str
    char_start: int  # offsets into the page's text
    char_end: int


class NumberMention(BaseModel):
    """A number found in text, read with its unit, magnitude and qualifier."""

    start: int  # offsets of ``quote`` in the text that was searched
    end: int
    quote: str  # as written, with its unit: "1234.1 亿元", "两成", "第三位"
    value: float  # as stated in ``unit`` (signed when the wording says decline)
    unit: str | None = None  # as written: 亿元, %, 个百分点, 家, 万吨, 倍, 位
    value_norm: float | None = None  # in base units (元, dollars, percent, tonnes, count)
    unit_norm: str | None = None  # CNY USD EUR % pp t rank x, or a measure word
    qualifier: Qualifier = "eq"
    low: float | None = None  # range bounds, in ``unit``
    high: float | None = None
    low_norm: float | None = None  # range bounds in base units (like ``value_norm``)
    high_norm: float | None = None
    # a range written with two bounds (2元—10元): end of the low bound's quote, start of the high's
    split: tuple[int, int] | None = None
    kind_hint: Kind | None = None  # what the form alone says: rank, share (fraction), multiple, pp_change
    form: str = "arabic"  # arabic | chinese | fraction | proportion | multiple | rank | range | ratio


class Fact(BaseModel):
    """One numeric fact with its attributes and provenance."""

    doc_id: int | None = None
    page: int | None = None
    sentence_index: int | None = None
    sentence: str
    quote: str
    value: float
    unit: str | None = None
    value_norm: float | None = None
    unit_norm: str | None = None
    kind: Kind = "other"
    qualifier: Qualifier = "eq"
    modality: Modality = "actual"
    region: str | None = None
    #: how the region was decided: stated in the sentence, carried from an earlier
    #: sentence, the document's own subject, or a table's headers
    region_source: RegionSource | None = None
    period: str | None = None
    #: how the period was decided (same values as region_source)
    period_source: RegionSource | None = None
    metric: str | None = None
    low: float | None = None
    high: float | None = None
    char_start: int | None = None  # offsets of quote in the page text
    char_end: int | None = None
    method: str = "regex"  # regex | table | ocr (running text recognised in a page image)
    #: for a figure read by OCR: the lowest confidence (0..1) of its characters, and "low" when
    #: that is under ``SETTINGS.ocr.low_confidence`` (else "ok")
    ocr_confidence: float | None = None
    ocr_flag: Literal["ok", "low"] | None = None
    table_index: int | None = None  # position of the table in ParsedDocument.tables
    table_row: int | None = None
    table_col: int | None = None


EntityLabel = Literal["PERSON", "ORG", "PLACE"]
ClaimType = Literal["attribution", "target", "first_or_only", "ranking", "statistic"]
SpeakerKind = Literal["person", "anonymous", "organisation", "source"]


class Entity(BaseModel):
    """A person, organisation or place named in a sentence."""

    label: EntityLabel
    text: str  # as written
    name: str  # normalised (杭州 → 杭州市)
    sentence_index: int | None = None
    char_start: int | None = None  # offsets in the page text
    char_end: int | None = None


class Claim(BaseModel):
    """A claim sentence or clause: who said what, a target, a first, a ranking, a statistic."""

    claim_type: ClaimType
    text: str  # the claimed content
    sentence_index: int  # first sentence of the claim
    sentence_end_index: int | None = None  # last sentence when a quote runs over several
    page: int | None = None
    speaker: str | None = None
    speaker_title: str | None = None
    organisation: str | None = None
    verb: str | None = None
    #: who speaks: a named person, an unnamed one (业内人士), an organisation, another medium (source)
    speaker_kind: SpeakerKind | None = None
    source: str | None = None  # 据杭州海关统计 …
    deadline: str | None = None  # a target's period (2026)
    subject: str | None = None  # what a first/ranking is about
    fact_indexes: list[int] = Field(default_factory=list)  # positions in the document's fact list
    entities: list[Entity] = Field(default_factory=list)
