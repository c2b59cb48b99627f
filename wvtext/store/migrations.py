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
]
