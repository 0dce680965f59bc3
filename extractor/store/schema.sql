-- policy-facts: the facts database.
--
-- Applied by extractor/store.py every time a Store is opened, so every
-- statement must be idempotent (IF NOT EXISTS). The store also sets, per
-- connection: PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;
-- PRAGMA busy_timeout = 5000.
--
-- Deleting a document: claim_entities, table_cells, facts (and their
-- facts_fts entries), entities, claims, sentences, tables, then the documents
-- row. Inserting: the reverse.

-- One row per source file, including files that failed.
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,           -- relative to the ingest root
    sha256 TEXT NOT NULL,
    title TEXT,
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
        CHECK (status IN ('ok', 'skipped', 'failed', 'needs_ocr', 'encrypted')),
    error TEXT,
    size_bytes INTEGER,
    ingested_at TEXT,                    -- ISO timestamp, UTC
    extractor_version TEXT
);
CREATE INDEX IF NOT EXISTS idx_documents_sha256 ON documents (sha256);
CREATE INDEX IF NOT EXISTS idx_documents_status ON documents (status);

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
    metric TEXT,
    low REAL,
    high REAL,
    char_start INTEGER,                  -- offsets of quote in the page text
    char_end INTEGER,
    method TEXT NOT NULL,                -- regex | table
    table_id INTEGER REFERENCES tables (id),
    claim_id INTEGER                     -- claims.id of the claim stating it
);
CREATE INDEX IF NOT EXISTS idx_facts_doc_id ON facts (doc_id);
CREATE INDEX IF NOT EXISTS idx_facts_sentence_id ON facts (sentence_id);
CREATE INDEX IF NOT EXISTS idx_facts_table_id ON facts (table_id);
CREATE INDEX IF NOT EXISTS idx_facts_kind ON facts (kind);
CREATE INDEX IF NOT EXISTS idx_facts_unit_norm ON facts (unit_norm);
CREATE INDEX IF NOT EXISTS idx_facts_region ON facts (region);
CREATE INDEX IF NOT EXISTS idx_facts_period ON facts (period);
CREATE INDEX IF NOT EXISTS idx_facts_metric ON facts (metric);
CREATE INDEX IF NOT EXISTS idx_facts_modality ON facts (modality);
CREATE INDEX IF NOT EXISTS idx_facts_claim_id ON facts (claim_id);

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
    source TEXT,                         -- where a figure comes from: 杭州海关 …
    deadline TEXT,                       -- a target's year: 2026
    subject TEXT                         -- what a first or a ranking is about
);
CREATE INDEX IF NOT EXISTS idx_claims_doc_id ON claims (doc_id);
CREATE INDEX IF NOT EXISTS idx_claims_sentence_id ON claims (sentence_id);
CREATE INDEX IF NOT EXISTS idx_claims_claim_type ON claims (claim_type);
CREATE INDEX IF NOT EXISTS idx_claims_speaker ON claims (speaker);
CREATE INDEX IF NOT EXISTS idx_claims_organisation ON claims (organisation);
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
    fact_id INTEGER REFERENCES facts (id)
);
CREATE INDEX IF NOT EXISTS idx_table_cells_table_id ON table_cells (table_id, row, col);
CREATE INDEX IF NOT EXISTS idx_table_cells_fact_id ON table_cells (fact_id);

-- Full-text index of facts.sentence as CJK bigrams (see extractor/search.py).
-- Contentless: rowid = facts.id; the store writes and deletes its entries.
CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts USING fts5 (
    sentence,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Settings the store keeps about the database itself (e.g. search_version).
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
