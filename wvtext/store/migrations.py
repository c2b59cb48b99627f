"""Ordered, named schema migrations. Each runs in its own transaction and is
recorded in `_wvtext_migrations`; a failed one stays pending and rolls back.

Append new migrations at the end; never edit one that has shipped.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_returns_answers_items_runs",
        """
        CREATE TABLE returns (
            return_id      TEXT PRIMARY KEY,
            locality       TEXT NOT NULL,
            locality_raw   TEXT,
            region         TEXT,
            locality_score REAL,
            source_file    TEXT,
            source_format  TEXT,
            source_sha256  TEXT,
            imported_at    TEXT,
            run_id         TEXT
        );
        CREATE TABLE answers (
            return_id     TEXT NOT NULL REFERENCES returns(return_id) ON DELETE CASCADE,
            qid           TEXT NOT NULL,
            source_row    INTEGER,
            code_raw      TEXT NOT NULL DEFAULT '',
            codes         TEXT NOT NULL DEFAULT '',
            code_valid    INTEGER NOT NULL,
            code_class    TEXT NOT NULL DEFAULT '',
            narrative_raw TEXT NOT NULL DEFAULT '',
            narrative     TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (return_id, qid)
        );
        CREATE TABLE problems (
            id          INTEGER PRIMARY KEY,
            return_id   TEXT REFERENCES returns(return_id) ON DELETE CASCADE,
            source_file TEXT NOT NULL,
            source_row  INTEGER,
            qid         TEXT,
            field       TEXT,
            code        TEXT NOT NULL,
            message     TEXT NOT NULL,
            run_id      TEXT
        );
        CREATE INDEX problems_file ON problems(source_file);
        CREATE TABLE items (
            item_id         TEXT PRIMARY KEY,
            title           TEXT,
            description     TEXT,
            description_raw TEXT,
            source          TEXT,
            locality        TEXT,
            region          TEXT,
            kind            TEXT,
            origin          TEXT NOT NULL DEFAULT 'file',
            return_id       TEXT,
            qid             TEXT,
            source_file     TEXT,
            source_sha256   TEXT,
            imported_at     TEXT
        );
        CREATE TABLE runs (
            run_id           TEXT PRIMARY KEY,
            command          TEXT NOT NULL,
            started_at       TEXT NOT NULL,
            finished_at      TEXT,
            status           TEXT NOT NULL,
            wvtext_version   TEXT,
            codebook_version TEXT,
            settings         TEXT,
            inputs           TEXT,
            summary          TEXT
        );
        """,
    ),
    (
        "0002_returns_synthetic_flag",
        """
        ALTER TABLE returns ADD COLUMN synthetic INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        "0003_themes_with_evidence",
        """
        CREATE TABLE answer_themes (
            return_id  TEXT NOT NULL,
            qid        TEXT NOT NULL,
            theme      TEXT NOT NULL,
            confidence REAL NOT NULL,
            carried    INTEGER NOT NULL,
            negated    INTEGER NOT NULL,
            PRIMARY KEY (return_id, qid, theme),
            FOREIGN KEY (return_id, qid) REFERENCES answers(return_id, qid) ON DELETE CASCADE
        );
        CREATE TABLE item_themes (
            item_id    TEXT NOT NULL REFERENCES items(item_id) ON DELETE CASCADE,
            theme      TEXT NOT NULL,
            confidence REAL NOT NULL,
            carried    INTEGER NOT NULL,
            negated    INTEGER NOT NULL,
            PRIMARY KEY (item_id, theme)
        );
        CREATE TABLE theme_mentions (
            id         INTEGER PRIMARY KEY,
            return_id  TEXT,
            qid        TEXT,
            item_id    TEXT REFERENCES items(item_id) ON DELETE CASCADE,
            theme      TEXT NOT NULL,
            term       TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char   INTEGER NOT NULL,
            sent_start INTEGER NOT NULL,
            sent_end   INTEGER NOT NULL,
            negated    INTEGER NOT NULL,
            hedged     INTEGER NOT NULL,
            weight     REAL NOT NULL,
            in_list    INTEGER NOT NULL,
            FOREIGN KEY (return_id, qid) REFERENCES answers(return_id, qid) ON DELETE CASCADE
        );
        CREATE INDEX theme_mentions_answer ON theme_mentions(return_id, qid);
        CREATE INDEX theme_mentions_item ON theme_mentions(item_id);
        """,
    ),
    (
        "0004_narrative_class_divergence_out_of_step",
        """
        CREATE TABLE answer_analysis (
            return_id        TEXT NOT NULL,
            qid              TEXT NOT NULL,
            text_class       TEXT NOT NULL,
            text_confidence  REAL NOT NULL,
            evidence         TEXT NOT NULL DEFAULT '',
            xref             TEXT NOT NULL DEFAULT '',
            resolved_from    TEXT NOT NULL DEFAULT '',
            partners         TEXT NOT NULL DEFAULT '',
            obstacles        TEXT NOT NULL DEFAULT '',
            hedged           INTEGER NOT NULL DEFAULT 0,
            divergent        INTEGER NOT NULL,
            divergence_score REAL NOT NULL,
            divergence_type  TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (return_id, qid),
            FOREIGN KEY (return_id, qid) REFERENCES answers(return_id, qid) ON DELETE CASCADE
        );
        CREATE TABLE return_scores (
            return_id         TEXT PRIMARY KEY REFERENCES returns(return_id) ON DELETE CASCADE,
            divergent         INTEGER NOT NULL,
            divergence_rate   REAL NOT NULL,
            overstated        INTEGER NOT NULL,
            profile_distance  REAL NOT NULL,
            optimism          REAL NOT NULL,
            out_of_step_score REAL NOT NULL,
            out_of_step       INTEGER NOT NULL,
            drivers           TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        "0005_support_requests_and_good_practice",
        """
        CREATE TABLE support_requests (
            id         INTEGER PRIMARY KEY,
            return_id  TEXT NOT NULL,
            qid        TEXT NOT NULL,
            sentence   TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char   INTEGER NOT NULL,
            themes     TEXT NOT NULL DEFAULT '',
            cues       TEXT NOT NULL DEFAULT '',
            FOREIGN KEY (return_id, qid) REFERENCES answers(return_id, qid) ON DELETE CASCADE
        );
        CREATE INDEX support_requests_answer ON support_requests(return_id, qid);
        CREATE TABLE good_practice (
            return_id    TEXT NOT NULL,
            qid          TEXT NOT NULL,
            score        REAL NOT NULL,
            is_candidate INTEGER NOT NULL,
            evidence     TEXT NOT NULL DEFAULT '',
            cues         TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (return_id, qid),
            FOREIGN KEY (return_id, qid) REFERENCES answers(return_id, qid) ON DELETE CASCADE
        );
        """,
    ),
    (
        "0006_collections",
        """
        CREATE TABLE collections (
            collection_id    TEXT PRIMARY KEY,
            collection_label TEXT NOT NULL,
            size             INTEGER NOT NULL,
            top_terms        TEXT NOT NULL DEFAULT '',
            themes           TEXT NOT NULL DEFAULT '',
            run_id           TEXT
        );
        CREATE TABLE item_collections (
            item_id       TEXT PRIMARY KEY REFERENCES items(item_id) ON DELETE CASCADE,
            collection_id TEXT NOT NULL REFERENCES collections(collection_id) ON DELETE CASCADE,
            dup_group     TEXT NOT NULL DEFAULT '',
            similarity    REAL,
            why           TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        "0007_reviews",
        """
        CREATE TABLE reviews (
            id          INTEGER PRIMARY KEY,
            kind        TEXT NOT NULL,
            return_id   TEXT NOT NULL DEFAULT '',
            qid         TEXT NOT NULL DEFAULT '',
            item_id     TEXT NOT NULL DEFAULT '',
            theme       TEXT NOT NULL DEFAULT '',
            decision    TEXT NOT NULL,
            value       TEXT NOT NULL DEFAULT '',
            note        TEXT NOT NULL DEFAULT '',
            reviewer    TEXT NOT NULL DEFAULT '',
            decided_at  TEXT NOT NULL
        );
        CREATE INDEX reviews_key ON reviews(kind, return_id, qid, item_id, theme);
        """,
    ),
    (
        "0008_problems_sheet",
        """
        ALTER TABLE problems ADD COLUMN source_sheet TEXT NOT NULL DEFAULT '';
        """,
    ),
    (
        # The process a run ran in, so that a run still marked 'running' whose process is gone
        # (killed, the machine stopped) is shown as interrupted. NULL for runs of older versions.
        "0009_runs_pid_host",
        """
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN host TEXT;
        """,
    ),
    (
        # How a mention's sentence names it in passing (themes/components.py FRAMES): "boilerplate",
        # "heading", "fragment", or '' in running text. Mentions stored before hold ''.
        "0010_mention_frame",
        """
        ALTER TABLE theme_mentions ADD COLUMN frame TEXT NOT NULL DEFAULT '';
        """,
    ),
]
