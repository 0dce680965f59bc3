-- policy-facts: the facts database.
--
-- Applied by extractor/store/database.py every time a Store is opened, so every
-- statement must be idempotent (IF NOT EXISTS); store/migrate.py first rebuilds the
-- tables of an older database that differ. The store also sets, per connection:
-- PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout
-- (SETTINGS.store.busy_timeout_ms). What each coded value means: docs/formats.md.
--
-- Deleting a document: claim_entities, table_cells, facts (and their
-- facts_fts entries), entities, claims, sentences, paragraphs, tables,
-- document_files, then the documents row. Inserting: the reverse.
--
-- Positions on a PDF page (x0, top, x1, bottom): points, origin at the top left of the
-- page (pdfplumber's coordinates, /Rotate applied), from the glyphs drawn.
--
-- Identity: a document is its content (sha256) and where it came from. Every
-- file ingested is a row of document_files (its ingest root and its path under
-- it); files of the same content are one document with several files; a file
-- of the same name under another root is another file, never a replacement.

-- One row per document (per content), including files that failed or were skipped.
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,                  -- its first file, relative to that file's ingest root
    root TEXT NOT NULL DEFAULT '',       -- that ingest root, absolute and canonical ('' in older databases)
    sha256 TEXT NOT NULL,                -- '' for a file that was not read (a link, a FIFO)
    title TEXT,
    label TEXT,                          -- what pages call it: title, else first heading, else file name
    doc_type TEXT CHECK (doc_type IN ('pdf', 'html', 'text')),
    published TEXT,                      -- ISO date
    date TEXT,                           -- the document's own date: YYYY-MM-DD, YYYY-MM or YYYY
    date_source TEXT,                    -- manifest | metadata | dateline | cover | signature |
                                         -- report_period | title | file_metadata
    page_count INTEGER,
    author TEXT,
    publisher TEXT,
    source_url TEXT,
    status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'partial', 'skipped', 'failed', 'too_large', 'needs_ocr', 'encrypted')),
    error TEXT,
    size_bytes INTEGER,
    ingested_at TEXT,                    -- ISO timestamp, UTC
    extractor_version TEXT,
    pdf_engine TEXT,                     -- what read a PDF's pages: pdfium | pdfplumber
    fallback_pages TEXT,                 -- JSON list of pages the engine could not read (pdfplumber read them)
    ocr_mode TEXT CHECK (ocr_mode IN ('off', 'auto', 'force')),  -- a PDF's OCR mode when it was read
    ocr_pages INTEGER,                   -- how many of a PDF's pages were read by OCR
    ocr_reasons TEXT,                    -- JSON {page: why it was read by OCR, with its turn and skew}
    UNIQUE (root, path)
);
CREATE INDEX IF NOT EXISTS idx_documents_path ON documents (path);
CREATE INDEX IF NOT EXISTS idx_documents_sha256 ON documents (sha256);
CREATE INDEX IF NOT EXISTS idx_documents_status ON documents (status);

-- Every file a document was read from (or, for a skipped file, found at).
CREATE TABLE IF NOT EXISTS document_files (
    root TEXT NOT NULL,                  -- the ingest root, absolute and canonical
    path TEXT NOT NULL,                  -- relative to it (undecodable bytes as \xNN)
    doc_id INTEGER NOT NULL REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,  -- checked at commit
    size_bytes INTEGER,
    fingerprint TEXT,                    -- size:mtime_ns:ctime_ns:inode when hashed: still so, not hashed again
    stored_at TEXT,                      -- ISO timestamp, UTC: when it was last stored or linked
    PRIMARY KEY (root, path)
);
CREATE INDEX IF NOT EXISTS idx_document_files_doc_id ON document_files (doc_id);

-- The running text of each document, sentence by sentence.
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    page INTEGER,                        -- 1-based; NULL for HTML
    idx INTEGER NOT NULL,                -- 0-based over the whole document
    paragraph INTEGER,
    text TEXT NOT NULL,
    char_start INTEGER,                  -- offsets into the page text
    char_end INTEGER,
    x0 REAL,                             -- PDF: the box of its glyphs on the page
    top REAL,
    x1 REAL,
    bottom REAL,
    lines TEXT,                          -- PDF: JSON [[x0, top, x1, bottom], …], one box per printed line
    UNIQUE (doc_id, idx)
);

-- The paragraphs the sentences are in: the text evidence is shown in.
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    page INTEGER,                        -- 1-based; NULL for HTML
    idx INTEGER NOT NULL,                -- sentences.paragraph: 0-based over the whole document
    text TEXT NOT NULL,
    char_start INTEGER NOT NULL,         -- offsets into the page text
    char_end INTEGER NOT NULL,
    x0 REAL,                             -- PDF: the box of its glyphs on the page
    top REAL,
    x1 REAL,
    bottom REAL,
    UNIQUE (doc_id, idx)
);

-- Tables as laid out in the source.
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    idx INTEGER NOT NULL,                -- position among the document's tables
    page INTEGER,
    pages TEXT,                          -- JSON list of pages
    caption TEXT,
    unit TEXT,
    header_rows INTEGER,
    n_rows INTEGER,
    n_cols INTEGER,
    method TEXT,                         -- ruled | aligned | html
    bbox TEXT,                           -- JSON [x0, top, x1, bottom] or NULL
    UNIQUE (doc_id, idx)
);

-- One numeric fact, with its provenance.
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    sentence_id INTEGER REFERENCES sentences (id),   -- NULL for table facts
    page INTEGER,
    sentence TEXT NOT NULL,
    quote TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT,
    value_norm REAL,
    unit_norm TEXT,
    kind TEXT NOT NULL DEFAULT 'other'
        CHECK (kind IN ('amount', 'growth', 'share', 'pp_change', 'count', 'rank', 'multiple', 'other')),
    qualifier TEXT NOT NULL DEFAULT 'eq'
        CHECK (qualifier IN ('eq', 'approx', 'gte', 'gt', 'lte', 'lt')),
    modality TEXT NOT NULL DEFAULT 'actual'
        CHECK (modality IN ('actual', 'target', 'forecast')),
    region TEXT,
    region_source TEXT                   -- how region was decided
        CHECK (region_source IN ('stated', 'carried', 'document', 'table')),
    period TEXT,
    period_source TEXT                   -- how period was decided
        CHECK (period_source IN ('stated', 'carried', 'document', 'table')),
    -- the period hierarchy (derived from period): the year, half and quarter it lies within
    period_year TEXT,                    -- 2020 for 2020, 2020-H1, 2020-Q2, 2020-07, 2020-01/2020-09
    period_half TEXT,                    -- 2020-H1 for 2020-H1, 2020-Q2, 2020-05
    period_quarter TEXT,                 -- 2020-Q2 for 2020-Q2, 2020-05
    period_grain TEXT                    -- how long the period is
        CHECK (period_grain IN ('year', 'half', 'quarter', 'month', 'months', 'years')),
    metric TEXT,
    metric_key TEXT,                     -- the canonical metric (patterns/synonyms.yml keys): cross_border_ecommerce.trade
    low REAL,
    high REAL,
    char_start INTEGER,                  -- offsets of quote in the page text
    char_end INTEGER,
    method TEXT NOT NULL,                -- regex | table | ocr (running text recognised in a page image)
    ocr_confidence REAL,                 -- read by OCR: the lowest confidence (0..1) of the figure's characters
    ocr_flag TEXT CHECK (ocr_flag IN ('ok', 'low')),  -- … 'low' under SETTINGS.ocr.low_confidence: check the image
    table_id INTEGER REFERENCES tables (id),
    claim_id INTEGER,                    -- claims.id of the claim stating it
    paragraph_id INTEGER REFERENCES paragraphs (id),  -- the paragraph its sentence is in (NULL for table facts)
    para_start INTEGER,                  -- offsets of quote in the paragraph's text
    para_end INTEGER,
    x0 REAL,                             -- PDF: the box of its quote's glyphs (a table fact: of its cell)
    top REAL,
    x1 REAL,
    bottom REAL
);
CREATE INDEX IF NOT EXISTS idx_facts_doc_id ON facts (doc_id);
CREATE INDEX IF NOT EXISTS idx_facts_sentence_id ON facts (sentence_id);
CREATE INDEX IF NOT EXISTS idx_facts_table_id ON facts (table_id);
CREATE INDEX IF NOT EXISTS idx_facts_kind ON facts (kind);
CREATE INDEX IF NOT EXISTS idx_facts_unit_norm ON facts (unit_norm);
CREATE INDEX IF NOT EXISTS idx_facts_unit_value ON facts (unit_norm, value_norm);  -- verify: by value
CREATE INDEX IF NOT EXISTS idx_facts_unit_period_value ON facts (unit_norm, period, value_norm);  -- … by period
CREATE INDEX IF NOT EXISTS idx_facts_region ON facts (region);
CREATE INDEX IF NOT EXISTS idx_facts_period ON facts (period);
CREATE INDEX IF NOT EXISTS idx_facts_metric ON facts (metric);
CREATE INDEX IF NOT EXISTS idx_facts_metric_key ON facts (metric_key, region, period);  -- a series
CREATE INDEX IF NOT EXISTS idx_facts_period_year ON facts (period_year);
CREATE INDEX IF NOT EXISTS idx_facts_modality ON facts (modality);
CREATE INDEX IF NOT EXISTS idx_facts_claim_id ON facts (claim_id);
CREATE INDEX IF NOT EXISTS idx_facts_paragraph_id ON facts (paragraph_id);

-- Claims: a statement (who said what), a target, a "first", a ranking or a
-- statistic; one row per claim sentence or clause. facts.claim_id links the
-- figures a claim states.
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    sentence_id INTEGER REFERENCES sentences (id),      -- first sentence of the claim
    sentence_end_id INTEGER REFERENCES sentences (id),  -- last one, when a quote runs on
    page INTEGER,
    claim_type TEXT NOT NULL
        CHECK (claim_type IN ('attribution', 'target', 'first_or_only', 'ranking', 'statistic')),
    text TEXT NOT NULL,                  -- the claimed content
    speaker TEXT,
    speaker_title TEXT,
    organisation TEXT,
    verb TEXT,                           -- reporting verb: 表示, 介绍, 看来 …
    -- who speaks: a named person, an unnamed one (业内人士), an organisation, another medium
    speaker_kind TEXT CHECK (speaker_kind IN ('person', 'anonymous', 'organisation', 'source')),
    source TEXT,                         -- where a figure comes from: 杭州海关 …
    deadline TEXT,                       -- a target's year: 2026
    subject TEXT                         -- what a first or a ranking is about
);
CREATE INDEX IF NOT EXISTS idx_claims_doc_id ON claims (doc_id);
CREATE INDEX IF NOT EXISTS idx_claims_sentence_id ON claims (sentence_id);
CREATE INDEX IF NOT EXISTS idx_claims_claim_type ON claims (claim_type);
CREATE INDEX IF NOT EXISTS idx_claims_speaker ON claims (speaker);
CREATE INDEX IF NOT EXISTS idx_claims_organisation ON claims (organisation);
CREATE INDEX IF NOT EXISTS idx_claims_speaker_kind ON claims (speaker_kind);
CREATE INDEX IF NOT EXISTS idx_claims_deadline ON claims (deadline);

-- People, organisations and places named in claims (normalised in name).
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id),
    sentence_id INTEGER REFERENCES sentences (id),
    label TEXT NOT NULL CHECK (label IN ('PERSON', 'ORG', 'PLACE')),
    text TEXT NOT NULL,                  -- as written
    name TEXT NOT NULL,                  -- normalised: 杭州 → 杭州市
    char_start INTEGER,                  -- offsets in the page text
    char_end INTEGER
);
CREATE INDEX IF NOT EXISTS idx_entities_doc_id ON entities (doc_id);
CREATE INDEX IF NOT EXISTS idx_entities_sentence_id ON entities (sentence_id);
CREATE INDEX IF NOT EXISTS idx_entities_label_name ON entities (label, name);

-- Which entities a claim names (its speaker, organisations and places).
CREATE TABLE IF NOT EXISTS claim_entities (
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    entity_id INTEGER NOT NULL REFERENCES entities (id),
    PRIMARY KEY (claim_id, entity_id)
);
CREATE INDEX IF NOT EXISTS idx_claim_entities_entity_id ON claim_entities (entity_id);

-- Table cells; spanning cells are stored once, at their top-left position.
CREATE TABLE IF NOT EXISTS table_cells (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES tables (id),
    row INTEGER NOT NULL,                -- 0-based, header rows included
    col INTEGER NOT NULL,
    row_span INTEGER NOT NULL DEFAULT 1,
    col_span INTEGER NOT NULL DEFAULT 1,
    text TEXT,
    row_header TEXT,                     -- the label column's text on this row
    col_header TEXT,                     -- header rows' text over this column, joined with "/"
    fact_id INTEGER REFERENCES facts (id),
    page INTEGER,                        -- PDF: the page the cell is printed on
    x0 REAL,                             -- PDF: the box of its glyphs on that page
    top REAL,
    x1 REAL,
    bottom REAL
);
CREATE INDEX IF NOT EXISTS idx_table_cells_table_id ON table_cells (table_id, row, col);
CREATE INDEX IF NOT EXISTS idx_table_cells_fact_id ON table_cells (fact_id);

-- Full-text index of each fact as CJK bigrams (see extractor/store/search.py): its
-- sentence, metric, region, its document's label and its claim's text.
-- Contentless: rowid = facts.id; the store writes and deletes its entries (a table of
-- other columns, from an older version, is dropped and rebuilt when the store opens).
CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts USING fts5 (
    sentence,
    metric,
    region,
    title,
    claim,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Articles verified on the /-/verify page, kept for their permalink: the text as
-- pasted, its date and the verdicts as JSON (what the permalink shows again).
CREATE TABLE IF NOT EXISTS verifications (
    id TEXT PRIMARY KEY,                 -- hash of the article, its date and the extractor version
    created TEXT NOT NULL,               -- ISO timestamp, UTC
    title TEXT,
    article TEXT NOT NULL,
    article_date TEXT,                   -- the date given or found (ISO)
    extractor_version TEXT,
    figures INTEGER NOT NULL DEFAULT 0,
    supported INTEGER NOT NULL DEFAULT 0,
    contradicted INTEGER NOT NULL DEFAULT 0,
    unsupported INTEGER NOT NULL DEFAULT 0,
    result TEXT NOT NULL                 -- JSON: the report, with the article's pages
);

-- Settings the store keeps about the database itself (e.g. search_version).
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
