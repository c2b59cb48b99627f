"""The embedded store: one SQLite file. This is the only module that speaks SQL.

Other modules pass plain records in and get plain records out. Every import of a
file is one transaction: a file that fails leaves the store exactly as it was, and
importing the same return again replaces it.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..errors import StoreError
from .migrations import MIGRATIONS

__all__ = ["Store", "open_store"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path | str):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the wvtext database ({exc}).",
                             remedy="Pass another file with --db, or move this one away.")

    # -- transactions and migrations ----------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All of the block's writes or none: an error or an interrupt (Ctrl-C, SIGTERM: see
        `wvtext.interrupt`) in it rolls them back."""
        from ..interrupt import deferred

        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield self.conn
        except BaseException:
            with deferred():  # a second signal does not leave the transaction open
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply pending migrations in order; return the names applied."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _wvtext_migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self.conn.execute("SELECT name FROM _wvtext_migrations")}
        known = {name for name, _ in MIGRATIONS}
        unknown = done - known
        if unknown:
            raise StoreError(f"{self.path} was written by a newer wvtext (migrations {sorted(unknown)}).",
                             remedy="Upgrade wvtext or use another --db.")
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as c:
                for stmt in [s for s in sql.split(";") if s.strip()]:
                    c.execute(stmt)
                c.execute("INSERT INTO _wvtext_migrations(name, applied_at) VALUES (?, ?)", (name, _now()))
            applied.append(name)
        return applied

    def migrations(self) -> list[tuple[str, str]]:
        return [tuple(r) for r in self.conn.execute("SELECT name, applied_at FROM _wvtext_migrations ORDER BY id")]

    def close(self) -> None:
        self.conn.close()

    # -- runs -----------------------------------------------------------------------
    def start_run(self, command: str, *, settings: dict, wvtext_version: str, codebook_version: str) -> str:
        """Record a run as 'running', with the process (pid and host) it runs in."""
        import os

        from ..outdir import host

        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        with self.transaction() as c:
            c.execute(
                "INSERT INTO runs(run_id, command, started_at, status, wvtext_version, codebook_version, settings, "
                "pid, host) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)",
                (run_id, command, _now(), wvtext_version, codebook_version, json.dumps(settings, sort_keys=True),
                 os.getpid(), host()),
            )
        return run_id

    def finish_run(self, run_id: str, *, status: str, inputs: list[dict], summary: dict) -> None:
        """Record how a run ended: 'ok', 'partial' (an input could not be read), 'failed' or
        'interrupted' (a signal ended it)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at=?, status=?, inputs=?, summary=? WHERE run_id=?",
                (_now(), status, json.dumps(inputs), json.dumps(summary, sort_keys=True), run_id),
            )

    def runs(self) -> list[dict]:
        """The runs, oldest first. A run still marked 'running' whose process is gone (this machine,
        its pid no longer alive: killed, or the machine stopped) is shown as 'interrupted'; `recorded`
        keeps what the table says."""
        out = []
        for r in self.conn.execute("SELECT * FROM runs ORDER BY started_at"):
            run = dict(r)
            run["recorded"] = run["status"]
            if run["status"] == "running" and _process_gone(run.get("pid"), run.get("host")):
                run["status"] = "interrupted"
            out.append(run)
        return out

    # -- imports --------------------------------------------------------------------
    def save_input(self, got, *, run_id: str | None = None) -> None:
        """Store everything read from one file in one transaction (returns replace earlier imports)."""
        now = _now()
        with self.transaction() as c:
            for ret in got.returns:
                c.execute("DELETE FROM returns WHERE return_id = ?", (ret.return_id,))
                c.execute(
                    "INSERT INTO returns(return_id, locality, locality_raw, region, locality_score, source_file, "
                    "source_format, source_sha256, imported_at, run_id, synthetic) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (ret.return_id, ret.locality, ret.locality_raw, ret.region, ret.locality_score,
                     ret.source_file, ret.source_format, ret.sha256, now, run_id, int(ret.synthetic)),
                )
                c.executemany(
                    "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?)",
                    [(ret.return_id, a.qid, a.row, a.code_raw, ";".join(map(str, a.codes)), int(a.code_valid),
                      a.code_class, a.narrative_raw, a.narrative) for a in ret.answers],
                )
                c.executemany(
                    "INSERT INTO problems(return_id, source_file, source_sheet, source_row, qid, field, code, message, "
                    "run_id) VALUES (?,?,?,?,?,?,?,?,?)",
                    [(ret.return_id, p.file, p.sheet, p.row, p.qid, p.field, p.code, p.message, run_id)
                     for p in ret.problems],
                )
            # The file's own warnings (not tied to one return) are replaced, not added to, on re-import.
            c.execute("DELETE FROM problems WHERE return_id IS NULL AND source_file = ?", (got.path,))
            c.executemany("DELETE FROM items WHERE item_id = ?", [(i["item_id"],) for i in got.items])
            c.executemany(
                "INSERT INTO items(item_id, title, description, description_raw, source, locality, region, "
                "kind, origin, source_file, source_sha256, imported_at) VALUES (?,?,?,?,?,?,?,?,'file',?,?,?)",
                [(i["item_id"], i["title"], i["description"], i["description_raw"], i["source"], i["locality"],
                  i["region"], i["kind"], got.path, got.sha256, now) for i in got.items],
            )
            c.executemany(
                "INSERT INTO problems(return_id, source_file, source_sheet, source_row, qid, field, code, message, "
                "run_id) VALUES (NULL,?,?,?,?,?,?,?,?)",
                [(p.file, p.sheet, p.row, p.qid, p.field, p.code, p.message, run_id) for p in got.problems],
            )

    def save_themes(self, answers: list[tuple[str, str, dict]], items: list[tuple[str, str, dict]]) -> None:
        """Replace the themes of the given answers ((return_id, qid, text, scores)) and items
        ((item_id, text, scores)) in one transaction. `scores` maps theme -> ThemeScore."""
        def rows(scores):
            return [(t, s.confidence, int(s.carried), int(s.negated)) for t, s in scores.items()]

        def mentions(scores):
            return [(m.theme, m.evidence_term, m.start_char, m.end_char, m.sent_start, m.sent_end, int(m.negated),
                     int(m.hedged), m.weight, int(m.in_list), m.frame) for s in scores.values() for m in s.mentions]

        with self.transaction() as c:
            for rid, qid, scores in answers:
                c.execute("DELETE FROM answer_themes WHERE return_id=? AND qid=?", (rid, qid))
                c.execute("DELETE FROM theme_mentions WHERE return_id=? AND qid=?", (rid, qid))
                c.executemany("INSERT INTO answer_themes VALUES (?,?,?,?,?,?)", [(rid, qid, *r) for r in rows(scores)])
                c.executemany(
                    "INSERT INTO theme_mentions(return_id, qid, theme, term, start_char, end_char, sent_start, "
                    "sent_end, negated, hedged, weight, in_list, frame) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(rid, qid, *m) for m in mentions(scores)])
            for item_id, scores in items:
                c.execute("DELETE FROM item_themes WHERE item_id=?", (item_id,))
                c.execute("DELETE FROM theme_mentions WHERE item_id=?", (item_id,))
                c.executemany("INSERT INTO item_themes VALUES (?,?,?,?,?)", [(item_id, *r) for r in rows(scores)])
                c.executemany(
                    "INSERT INTO theme_mentions(item_id, theme, term, start_char, end_char, sent_start, sent_end, "
                    "negated, hedged, weight, in_list, frame) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(item_id, *m) for m in mentions(scores)])

    def save_answer_analysis(self, rows: list[dict]) -> None:
        """Replace the narrative class and divergence of the given answers, in one transaction."""
        cols = ("return_id", "qid", "text_class", "text_confidence", "evidence", "xref", "resolved_from", "partners",
                "obstacles", "hedged", "divergent", "divergence_score", "divergence_type")
        with self.transaction() as c:
            c.executemany(f"INSERT OR REPLACE INTO answer_analysis({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                          [tuple(r[k] for k in cols) for r in rows])

    def save_return_scores(self, rows: list[dict]) -> None:
        """Replace the out-of-step scores of every return (they are relative to all returns)."""
        cols = ("return_id", "divergent", "divergence_rate", "overstated", "profile_distance", "optimism",
                "out_of_step_score", "out_of_step", "drivers")
        with self.transaction() as c:
            c.execute("DELETE FROM return_scores")
            c.executemany(f"INSERT INTO return_scores({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                          [tuple(r[k] for k in cols) for r in rows])

    def answer_analysis(self, return_ids: list[str] | None = None) -> list[dict]:
        sql = ("SELECT an.*, a.code_class, r.region FROM answer_analysis an JOIN answers a USING(return_id, qid) "
               "JOIN returns r USING(return_id)")
        if return_ids is None:
            return [dict(r) for r in self.conn.execute(sql)]
        sql += f" WHERE an.return_id IN ({','.join('?' * len(return_ids))})"
        return [dict(r) for r in self.conn.execute(sql, return_ids)]

    def return_scores(self) -> dict[str, dict]:
        return {r["return_id"]: dict(r) for r in self.conn.execute("SELECT * FROM return_scores")}

    def save_practice(self, keys: list[tuple[str, str]], requests: list[dict], practice: list[dict],
                      items: list[dict]) -> None:
        """Replace the support requests and good-practice scores of the given answers, and the
        items drawn from good-practice answers of their returns, in one transaction."""
        with self.transaction() as c:
            c.executemany("DELETE FROM support_requests WHERE return_id=? AND qid=?", keys)
            c.executemany("DELETE FROM good_practice WHERE return_id=? AND qid=?", keys)
            c.executemany("DELETE FROM items WHERE origin='answer' AND return_id=? AND qid=?", keys)
            c.executemany(
                "INSERT INTO support_requests(return_id, qid, sentence, start_char, end_char, themes, cues) "
                "VALUES (:return_id, :qid, :sentence, :start_char, :end_char, :themes, :cues)", requests)
            c.executemany(
                "INSERT INTO good_practice(return_id, qid, score, is_candidate, evidence, cues) "
                "VALUES (:return_id, :qid, :score, :is_candidate, :evidence, :cues)", practice)
            c.executemany(
                "INSERT INTO items(item_id, title, description, description_raw, source, locality, region, kind, "
                "origin, return_id, qid, imported_at) VALUES (:item_id, :title, :description, :description, "
                ":source, :locality, :region, 'practice', 'answer', :return_id, :qid, datetime('now'))", items)

    def support_requests(self, return_ids: list[str]) -> list[dict]:
        q = ("SELECT s.*, r.locality, r.region, r.synthetic FROM support_requests s JOIN returns r USING(return_id) "
             f"WHERE s.return_id IN ({','.join('?' * len(return_ids))}) ORDER BY r.locality, s.id")
        return [dict(r) for r in self.conn.execute(q, return_ids)]

    def good_practice(self, return_ids: list[str]) -> list[dict]:
        q = ("SELECT g.*, r.locality, r.region, r.synthetic FROM good_practice g JOIN returns r USING(return_id) "
             f"WHERE g.return_id IN ({','.join('?' * len(return_ids))})")
        return [dict(r) for r in self.conn.execute(q, return_ids)]

    def answer_items(self, return_ids: list[str]) -> list[dict]:
        q = (f"{_ITEMS_SELECT} WHERE i.origin='answer' AND i.return_id IN ({','.join('?' * len(return_ids))}) "
             "ORDER BY i.item_id")
        return _with_synthetic(self.conn.execute(q, return_ids))

    def save_collections(self, collections: list[dict], items: list[dict], *, run_id: str | None = None) -> None:
        """Replace the collections (they are made from all the items of a run) in one transaction."""
        with self.transaction() as c:
            c.execute("DELETE FROM item_collections")
            c.execute("DELETE FROM collections")
            c.executemany("INSERT INTO collections VALUES (?,?,?,?,?,?)",
                          [(k["collection_id"], k["collection_label"], k["size"], k.get("top_terms", ""),
                            k.get("themes", ""), run_id) for k in collections])
            c.executemany("INSERT INTO item_collections VALUES (?,?,?,?,?)",
                          [(i["item_id"], i["collection_id"], i.get("dup_group", ""), i.get("similarity_to_collection"),
                            i.get("why", "")) for i in items])

    def add_reviews(self, rows: list[dict]) -> int:
        """Record analysts' decisions, all or none (history is kept; the latest per key counts);
        return the id of the last."""
        cols = ("kind", "return_id", "qid", "item_id", "theme", "decision", "value", "note", "reviewer")
        last = 0
        with self.transaction() as c:
            for row in rows:
                last = c.execute(f"INSERT INTO reviews({','.join(cols)}, decided_at) VALUES ({','.join('?' * len(cols))}, ?)",
                                 [row.get(k, "") or "" for k in cols] + [_now()]).lastrowid
        return last

    def latest_review(self, kind: str, return_id: str, qid: str, item_id: str = "", theme: str = "") -> dict | None:
        """The latest decision about one thing, or None."""
        r = self.conn.execute("SELECT * FROM reviews WHERE kind=? AND return_id=? AND qid=? AND item_id=? AND theme=? "
                              "ORDER BY id DESC LIMIT 1", (kind, return_id, qid, item_id, theme)).fetchone()
        return dict(r) if r else None

    def reviews(self, *, latest: bool = True) -> list[dict]:
        rows = [dict(r) for r in self.conn.execute("SELECT * FROM reviews ORDER BY id")]
        if not latest:
            return rows
        last: dict[tuple, dict] = {}
        for r in rows:
            last[(r["kind"], r["return_id"], r["qid"], r["item_id"], r["theme"])] = r
        return list(last.values())

    def collections(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM collections ORDER BY collection_id")]

    def answer_themes(self, return_ids: list[str]) -> list[dict]:
        q = f"SELECT * FROM answer_themes WHERE return_id IN ({','.join('?' * len(return_ids))})"
        return [dict(r) for r in self.conn.execute(q, return_ids)]

    def item_themes(self, item_ids: list[str]) -> list[dict]:
        q = f"SELECT * FROM item_themes WHERE item_id IN ({','.join('?' * len(item_ids))})"
        return [dict(r) for r in self.conn.execute(q, item_ids)]

    def theme_mentions(self, *, return_ids: list[str] = (), item_ids: list[str] = ()) -> list[dict]:
        out = []
        if return_ids:
            q = f"SELECT * FROM theme_mentions WHERE return_id IN ({','.join('?' * len(return_ids))})"
            out += [dict(r) for r in self.conn.execute(q, list(return_ids))]
        if item_ids:
            q = f"SELECT * FROM theme_mentions WHERE item_id IN ({','.join('?' * len(item_ids))})"
            out += [dict(r) for r in self.conn.execute(q, list(item_ids))]
        return out

    # -- reads ------------------------------------------------------------------------
    def returns(self, return_ids: list[str] | None = None) -> list[dict]:
        sql = "SELECT * FROM returns"
        args: list = []
        if return_ids is not None:
            sql += f" WHERE return_id IN ({','.join('?' * len(return_ids))})"
            args = list(return_ids)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY region, locality", args)]

    def answers(self, return_ids: list[str] | None = None) -> list[dict]:
        sql = "SELECT a.*, r.locality, r.region, r.source_file, r.synthetic FROM answers a JOIN returns r USING(return_id)"
        args: list = []
        if return_ids is not None:
            sql += f" WHERE a.return_id IN ({','.join('?' * len(return_ids))})"
            args = list(return_ids)
        return [dict(r) for r in self.conn.execute(sql, args)]

    def problems(self, return_ids: list[str] | None = None, source_files: list[str] | None = None) -> list[dict]:
        sql, args = "SELECT * FROM problems", []
        if return_ids is not None or source_files is not None:
            rids, files = list(return_ids or []), list(source_files or [])
            sql += (f" WHERE return_id IN ({','.join('?' * len(rids))})"
                    f" OR (return_id IS NULL AND source_file IN ({','.join('?' * len(files))}))")
            args = rids + files
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY source_file, source_row, id", args)]

    def items(self, item_ids: list[str] | None = None) -> list[dict]:
        """Items (from files, and good practice drawn from answers), each with `synthetic`: 1 for
        an item drawn from a SYNTHETIC return or read from a file with SYNTHETIC in its name (the
        same test as for returns)."""
        if item_ids is None:
            return _with_synthetic(self.conn.execute(f"{_ITEMS_SELECT} ORDER BY i.item_id"))
        q = f"{_ITEMS_SELECT} WHERE i.item_id IN ({','.join('?' * len(item_ids))}) ORDER BY i.item_id"
        return _with_synthetic(self.conn.execute(q, item_ids))

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("returns", "answers", "problems", "items", "collections", "reviews", "runs")}


def _process_gone(pid, host) -> bool:
    """Whether the process `pid` of machine `host` is known to have ended: only one of this
    machine can be looked at; a run of an older version (no pid) or of another machine cannot."""
    from ..outdir import host as this_host, pid_alive

    if not pid or not host or host != this_host():
        return False
    return not pid_alive(int(pid))


_ITEMS_SELECT = ("SELECT i.*, r.synthetic AS return_synthetic FROM items i "
                 "LEFT JOIN returns r ON i.origin = 'answer' AND r.return_id = i.return_id")


def _with_synthetic(rows) -> list[dict]:
    from ..ingest import synthetic_file

    out = []
    for r in rows:
        d = dict(r)
        from_return = d.pop("return_synthetic", None)
        d["synthetic"] = int(bool(from_return) or synthetic_file(d.get("source_file") or ""))
        out.append(d)
    return out


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the wvtext database at `path`. With
    `create=False` (commands that read what an analysis stored) a missing database is an error,
    not a new empty one: a mistyped --db should not look like an empty analysis."""
    if str(path) != ":memory:" and Path(path).is_dir():
        raise StoreError(f"--db {path} is a folder, not a database file.",
                         remedy=f"Give a file, e.g. --db {Path(path) / 'wvtext.db'}.")
    if not create and not Path(path).exists():
        raise StoreError(f"{path}: no such database.",
                         remedy="Run 'wvtext analyse --db PATH' (or 'wvtext ingest') first, or give the right --db.")
    if str(path) != ":memory:" and Path(path).is_file():
        _check_existing(Path(path), create)
    return Store(path)


def _check_existing(path: Path, create: bool) -> None:
    """Open only a wvtext database (or, to write one, an empty file): SQLite would take any empty
    file as a new database and wvtext would add its tables to another program's database."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    remedy = "Give the database 'wvtext analyse --db PATH' wrote, or a new path."
    if not head:
        if not create:
            raise StoreError(f"{path}: is an empty file, not a wvtext database.", remedy=remedy)
        return
    if head != b"SQLite format 3\x00":
        raise StoreError(f"{path}: is not a wvtext database (not an SQLite file).", remedy=remedy)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the wvtext database ({exc}).", remedy=remedy)
    if not names and not create:
        raise StoreError(f"{path}: is an SQLite database with no tables, not one wvtext wrote.", remedy=remedy)
    if names and "_wvtext_migrations" not in names:
        raise StoreError(f"{path}: is an SQLite database that wvtext did not write (tables: "
                         f"{', '.join(sorted(names)[:5])}); wvtext will not add its tables to it.", remedy=remedy)
