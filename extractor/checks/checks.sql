-- policy-facts: consistency checks and conflicts (extractor/checks/crosscheck.py).
--
-- Applied by `policy-facts check` (and the cross-check library) on the store's
-- connection after extractor/store/schema.sql, so every statement is idempotent. Rows point
-- at facts, tables and documents with ON DELETE CASCADE: when the store
-- re-ingests or deletes a document, its checks and conflicts go with it (run
-- `policy-facts check` again to recompute them).

-- One arithmetic relation tested on the facts of one document.
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    type TEXT NOT NULL
        CHECK (type IN ('sum', 'share', 'share_sum', 'growth', 'pp_change', 'table_text', 'same_figure', 'units')),
    status TEXT NOT NULL CHECK (status IN ('pass', 'fail')),
    expected REAL,                       -- what the relation implies, in `unit`
    found REAL,                          -- what the document states, in `unit`
    tolerance REAL,                      -- allowed |expected - found|, from the printed precision
    unit TEXT,                           -- unit of expected/found/tolerance as written (亿元, %, 个百分点)
    fact_id INTEGER REFERENCES facts (id) ON DELETE CASCADE,   -- the figure tested
    fact_ids TEXT NOT NULL,              -- JSON list of every fact the relation uses
    table_id INTEGER REFERENCES tables (id) ON DELETE CASCADE,
    formula TEXT,                        -- e.g. 129.75亿元 + 519.38亿元 = 649.13亿元 ≈ 649.14亿元
    explanation_zh TEXT,
    explanation_en TEXT,
    checked_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_checks_doc_id ON checks (doc_id);
CREATE INDEX IF NOT EXISTS idx_checks_fact_id ON checks (fact_id);
CREATE INDEX IF NOT EXISTS idx_checks_table_id ON checks (table_id);
CREATE INDEX IF NOT EXISTS idx_checks_type_status ON checks (type, status);

-- The facts a check uses, with their role (total, part, whole, share, rate …).
CREATE TABLE IF NOT EXISTS check_facts (
    check_id INTEGER NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    fact_id INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (check_id, fact_id, role)
);
CREATE INDEX IF NOT EXISTS idx_check_facts_fact_id ON check_facts (fact_id);

-- Two documents giving different values for the same metric, region and period.
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('conflict', 'revision')),
    metric TEXT,
    region TEXT,
    period TEXT,
    unit_norm TEXT,
    kind TEXT,
    fact_id_a INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    doc_id_a INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    value_a REAL,                        -- value_norm of side a
    quote_a TEXT,
    sentence_a TEXT,
    fact_id_b INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    doc_id_b INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    value_b REAL,
    quote_b TEXT,
    sentence_b TEXT,
    later_fact_id INTEGER REFERENCES facts (id) ON DELETE CASCADE,  -- the figure of the later document, if dated
    difference REAL,                     -- |value_a - value_b|, in unit_norm
    tolerance REAL,                      -- rounding allowance, in unit_norm
    similarity REAL,                     -- metric similarity of the two facts, 0..1
    explanation_zh TEXT,
    explanation_en TEXT,
    checked_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_conflicts_fact_id_a ON conflicts (fact_id_a);
CREATE INDEX IF NOT EXISTS idx_conflicts_fact_id_b ON conflicts (fact_id_b);
CREATE INDEX IF NOT EXISTS idx_conflicts_doc_id_a ON conflicts (doc_id_a);
CREATE INDEX IF NOT EXISTS idx_conflicts_doc_id_b ON conflicts (doc_id_b);
CREATE INDEX IF NOT EXISTS idx_conflicts_later_fact_id ON conflicts (later_fact_id);
CREATE INDEX IF NOT EXISTS idx_conflicts_status ON conflicts (status);
