"""Tuning numbers that are not language, in one typed place; the CLI takes its defaults from here.

Words, cues and units are data in ``extractor/patterns/*.yml``; what is here are the
knobs: time and memory limits, batch sizes, similarity thresholds, layout ratios.
Each stage module reads its group (``SETTINGS.checks.text_sim``) once, at import,
into the module constant it always had (``TEXT_SIM``), so a test can still patch the
constant. Values that change extraction output (layout, segment, checks, verify)
need an extractor version bump, like a pattern change (see CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

#: When pages are read by OCR: never, when a page has no (usable) text layer, or always.
OcrMode = Literal["off", "auto", "force"]
OCR_MODES: tuple[str, ...] = get_args(OcrMode)
#: What can read a PDF's pages: PDFium, or pdfplumber (the reference reader).
PdfEngine = Literal["pdfium", "pdfplumber"]
PDF_ENGINES: tuple[str, ...] = get_args(PdfEngine)


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ingest(_Group):
    """``policy-facts ingest``: limits per document and how far workers run ahead."""

    workers: int | None = Field(None, ge=0, description="worker processes; None: one per core, 0: in-process")
    timeout_s: float = Field(300.0, ge=0, description="seconds a worker may spend on one document (0: none)")
    memory_mb: int = Field(2048, ge=0, description="memory a worker may take for one document beyond its start")
    max_text_mb: float = Field(10.0, ge=0, description="largest text/HTML/Markdown file read (0: no limit)")
    lookahead_per_worker: int = Field(16, ge=1, description="files each worker may run ahead of the writer")
    problems_listed: int = Field(40, ge=0, description="failed files listed by name in the summary")
    worker_gc_threshold: int = Field(
        20_000, ge=700, description="a worker's young-generation collection threshold (Python's default: 700): "
        "an extraction makes hundreds of thousands of short-lived containers that reference counting frees, and "
        "at 700 the collector took a fifth of a worker's time on the seed and real PDFs; at 20,000 about 1%")
    cluster_wait_s: float = Field(60.0, gt=0, description="--cluster: wait this long for the scheduler and a worker")
    cluster_batch_docs: int = Field(
        4, ge=1, description="--cluster: documents one Dask task reads (one after the other, each under its own "
        "time limit): each task costs the scheduler, the client and the dask worker a few ms of CPU")
    cluster_batch_hashes: int = Field(16, ge=1, description="--cluster: files one Dask task hashes")
    local_cluster_config: dict[str, str] = Field(
        default_factory=lambda: {"distributed.admin.tick.interval": "1s",
                                 "distributed.admin.system-monitor.interval": "1s",
                                 "distributed.worker.memory.monitor-interval": "1s"},
        description="--cluster local:N: Dask settings of its scheduler and workers (how often they take their own "
        "pulse: Dask's defaults, 20-500 ms, cost an idle two-worker cluster a tenth of a core)")


class Store(_Group):
    """The single writer's SQLite connection."""

    commit_docs: int = Field(64, ge=1, description="commit after this many documents …")
    commit_seconds: float = Field(2.0, gt=0, description="… or this many seconds")
    writer_cache_mb: int = Field(64, ge=1, description="page cache of the writer's connection")
    busy_timeout_ms: int = Field(5000, ge=0, description="wait this long for another writer's lock")
    max_heading_chars: int = Field(60, ge=1, description="a longer first line is no heading to label a document by")


class Segment(_Group):
    """Sentences and the units claims are read in."""

    max_sentence_chars: int = Field(600, ge=50, description="a longer run without an end mark is split")
    max_unit_sentences: int = Field(8, ge=1, description="sentences one claim unit may join")
    min_html_paragraph: int = Field(8, ge=0, description="shorter text blocks of a web page are not paragraphs")


class Pdf(_Group):
    """Reading PDF pages."""

    engine: PdfEngine = Field("pdfium", description="what reads PDF pages: PDFium, or pdfplumber (the slower "
                              "reference reader); a page PDFium cannot read is read by pdfplumber")


class Ocr(_Group):
    """Reading scanned pages: when, at what resolution, and what counts as a doubtful reading."""

    mode: OcrMode = Field("auto", description="off: a page without a text layer is not read (needs_ocr); auto: "
                          "pages without a usable text layer are read by OCR; force: every page is")
    dpi: float = Field(150.0, ge=50, le=600, description="pages are rendered at this resolution for OCR")
    max_pixels: int = Field(12_000_000, ge=1_000_000, description="… lowered for a large page to this many pixels")
    threads: int | None = Field(None, ge=1, description="threads of each ONNX session (None: 1, as workers run one per core)")
    min_line_score: float = Field(0.5, ge=0, le=1, description="recognised lines with a lower confidence are dropped")
    low_confidence: float = Field(0.9, ge=0, le=1, description="a figure with a character read with less "
                                  "confidence than this is flagged (ocr_flag 'low')")
    min_image_cover: float = Field(0.5, ge=0, le=1, description="a page whose largest image covers this share of it is a scan")
    max_garbage: float = Field(0.1, ge=0, le=1, description="a text layer with this share of private-use or "
                               "unmapped glyphs is garbage: OCR")
    min_dictionary: float = Field(0.55, ge=0, le=1, description="a scan's text layer whose Chinese is less "
                                  "covered by dictionary words than this is a poor OCR layer")
    max_suspect: int = Field(1, ge=0, description="a scan's text layer with more figures than this that mix "
                             "digits and look-alike letters (ZOq5, 20I6) or stray characters is a poor OCR layer")
    max_skew: float = Field(5.0, ge=0, description="a page tilted more than this (degrees) is not straightened")
    time_share: float = Field(0.8, gt=0, le=1, description="OCR stops when a document has used this share of "
                              "its time limit; the pages left are named as not read (partial)")
    min_ink: float = Field(0.001, ge=0, description="a page without a text layer whose image has less ink than "
                           "this share of its pixels is blank: not read")


class Layout(_Group):
    """PDF page layout: margins, type sizes and tolerances (fractions of the page, or points)."""

    page_number_top: float = Field(0.1, description="a page number above this fraction of the height …")
    page_number_bottom: float = Field(0.88, description="… or below this one is in the margin")
    running_head_top: float = Field(0.15, description="running headers stand above this fraction of the height")
    running_foot_bottom: float = Field(0.85, description="running footers stand below this one")
    title_size_ratio: float = Field(1.15, description="a title's type is this much larger than the body's")
    grid_snap_pt: float = Field(2.5, description="ruling lines closer than this are one grid line")
    continued_column_pt: float = Field(4.0, description="a table continues when its column edges agree within this")
    continued_edge_pt: float = Field(8.0, description="… or, with other columns, its left and right edges")


class Checks(_Group):
    """Metric similarity (0..1) needed for a check or a conflict between documents."""

    text_sim: float = Field(0.6, description="a pass between two text figures")
    table_sim: float = Field(0.3, description="a text figure and a table cell of the same value")
    bound_sim: float = Field(0.6, description="values that only agree through a bound (300个以上 vs 320)")
    fail_sim: float = Field(0.75, description="a failing text/table comparison")
    text_fail_sim: float = Field(0.9, description="a failing comparison of two text figures")
    conflict_sim: float = Field(0.85, description="a conflict between documents")


class Verify(_Group):
    """``policy-facts verify``: how a source is scored against an article's figure, and limits."""

    support_score: float = Field(0.72, description="weighted score of a source that confirms an agreeing value")
    contradict_sim: float = Field(0.75, description="metric similarity of the same metric, for a contradiction")
    weights: dict[str, float] = Field(
        {"metric": 0.5, "region": 0.15, "period": 0.15, "kind": 0.1, "modality": 0.1, "specific": 0.25, "home": 0.1},
        description="weight of each part of a source's score (metric, region, period, kind, …)")
    prefix_match: float = Field(0.75, description="a metric word beginning another (数字贸易 / 数字贸易额)")
    inside_match: float = Field(0.45, description="a metric word inside another: a qualified subset")
    broader_match: float = Field(0.55, description="a synonym group's name for a narrower group's, per step")
    prefer_against: float = Field(0.25, description="how much closer in metric a contradiction must be than a support")
    home_min: int = Field(2, ge=1, description="figures a document must confirm to count as one of the article's sources")
    home_share: float = Field(0.2, ge=0, le=1, description="… and this share of the article's figures")
    max_home: int = Field(3, ge=0, description="source documents of an article whose facts all take part")
    max_phrases: int = Field(5, ge=1, description="metric phrases (with synonyms) a figure is looked up by")
    max_by_value: int = Field(300, ge=1, description="facts read per figure through the value index")
    max_by_metric: int = Field(100, ge=1, description="facts read per figure through the metric index")
    max_evidence: int = Field(3, ge=1, description="deciding source facts shown per figure")
    max_candidates: int = Field(5, ge=0, description="nearest source facts shown per figure, scored")
    max_article_chars: int = Field(200_000, ge=1, description="longest article text checked (CLI and /-/verify)")
    max_article_bytes: int = Field(5 << 20, ge=1, description="largest article file or form checked")


class Web(_Group):
    """The Datasette pages."""

    max_page_size: int = Field(1000, ge=1, description="rows one search page may ask for")
    max_search_forms: int = Field(12, ge=1, description="forms (synonyms, region names) one search word is looked for by")
    max_export_rows: int = Field(100_000, ge=1, description="rows a search's CSV or JSON export gives at most")
    facet_values: int = Field(12, ge=1, description="values each facet of the search page lists")
    search_count_cap: int = Field(10_000, ge=1, description="facts a search counts at most (more: 'more than N')")
    chart_max_rows: int = Field(2000, ge=1, description="facts one chart draws at most")
    sql_time_limit_ms: int = Field(1000, ge=1, description="Datasette's limit on one SQL query (serve --setting)")
    facet_time_limit_ms: int = Field(200, ge=1, description="Datasette's limit on one facet's query")


class Evidence(_Group):
    """Page images on the evidence pages (``/-/evidence/…``): sizes, crops, rendering."""

    width: int = Field(800, ge=50, description="pixels wide of an image on a fact's page")
    search_width: int = Field(320, ge=50, description="… of a crop beside a search result")
    verify_width: int = Field(480, ge=50, description="… of a crop beside a verdict's evidence, a rebuilt table")
    max_width: int = Field(2400, ge=50, description="the widest image one may ask for")
    max_scale: float = Field(8.0, gt=0, description="pixels per point at most (a tiny crop is not blown up further)")
    margin_pt: float = Field(14.0, ge=0, description="page shown left and right of a paragraph or table in a crop")
    context_pt: float = Field(40.0, ge=0, description="page shown above and below a sentence or table cell")
    png_compress_level: int = Field(3, ge=0, le=9, description="zlib level of the PNGs (higher: smaller, slower)")


class Settings(_Group):
    """Every tuning number, by stage."""

    ingest: Ingest = Ingest()
    store: Store = Store()
    segment: Segment = Segment()
    pdf: Pdf = Pdf()
    ocr: Ocr = Ocr()
    layout: Layout = Layout()
    checks: Checks = Checks()
    verify: Verify = Verify()
    web: Web = Web()
    evidence: Evidence = Evidence()


#: The settings in force.
SETTINGS = Settings()
