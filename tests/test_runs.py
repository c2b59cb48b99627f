"""Runs that fail, are interrupted or die: what was stored and written before is not lost or left
half-written, and the run says so (wvtext/outdir.py, wvtext/interrupt.py, wvtext/beside.py, the
runs table)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED_RETURN
from wvtext.errors import Interrupted, WvtextError
from wvtext.outdir import STAGING_PREFIX, real_path, staged, staging_name

HOST = socket.gethostname()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden ones too) with the sha256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stagings(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX)]


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _signals_as_at_a_terminal() -> None:
    """In the child before it starts: SIGINT, SIGTERM and SIGHUP at their default actions, as a
    command typed at a terminal starts, whatever the tests were started with (a shell's background
    job ignores SIGINT, `nohup` SIGHUP, and a started-ignoring signal stays ignored by design)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def cli(*args, patch: str = "", cwd=ROOT):
    """`wvtext ARGS` as a user runs it at a terminal, with `patch` (Python) run first to stop it at a
    chosen point."""
    code = f"import os, signal, sys\n{patch}\nsys.argv = ['wvtext', *sys.argv[1:]]\nfrom wvtext.cli import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          preexec_fn=_signals_as_at_a_terminal if os.name == "posix" else None)


# -- the staging folder ---------------------------------------------------------------

def test_staged_outputs_move_into_the_folder_only_at_the_end(tmp_path):
    out = tmp_path / "out"
    with staged(out) as st:
        assert st.path.parent == out and st.path.name == staging_name() == f"{STAGING_PREFIX}{os.getpid()}@{HOST}"
        (st.path / "answers.csv").write_text("new", encoding="utf-8")
        (st.path / "localities").mkdir()
        (st.path / "localities" / "a.html").write_text("page", encoding="utf-8")
        assert not (out / "answers.csv").exists()  # nothing in OUT until every output is written
    assert snapshot(out) == snapshot(out) and sorted(snapshot(out)) == ["answers.csv", "localities/a.html"]
    assert stagings(out) == []


@pytest.mark.parametrize("stop", [WvtextError("a stage failed"), KeyboardInterrupt(), Interrupted(signal.SIGTERM)])
def test_a_failed_or_interrupted_run_leaves_the_folder_exactly_as_it_was(tmp_path, stop):
    out = tmp_path / "out"
    (out / "localities").mkdir(parents=True)
    (out / "answers.csv").write_text("earlier run", encoding="utf-8")
    (out / "localities" / "old.html").write_text("earlier page", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(type(stop)):
        with staged(out) as st:
            (st.path / "answers.csv").write_text("half of this run", encoding="utf-8")
            (st.path / "returns.csv").write_text("this run", encoding="utf-8")
            st.prune("localities", lambda n: n.endswith(".html"))
            raise stop
    assert snapshot(out) == before and stagings(out) == []


def test_a_new_folder_of_a_failed_run_is_not_left_behind(tmp_path):
    with pytest.raises(WvtextError):
        with staged(tmp_path / "new" / "out") as st:
            (st.path / "answers.csv").write_text("x", encoding="utf-8")
            raise WvtextError("failed")
    assert not (tmp_path / "new").exists()


def test_the_earlier_runs_files_this_run_does_not_write_go_only_on_commit(tmp_path):
    out = tmp_path / "out"
    (out / "localities").mkdir(parents=True)
    for name in ("a.html", "gone.html", "notes.txt"):
        (out / "localities" / name).write_text("earlier", encoding="utf-8")
    (out / "items.csv").write_text("earlier items", encoding="utf-8")
    with staged(out) as st:
        (st.path / "localities").mkdir()
        (st.path / "localities" / "a.html").write_text("new a", encoding="utf-8")
        st.prune("localities", lambda n: n.endswith(".html"))
        st.delete("items.csv")
        assert st.will_remove() == {"localities/gone.html", "items.csv"}
        assert (out / "localities" / "gone.html").exists() and (out / "items.csv").exists()
    assert sorted(snapshot(out)) == ["localities/a.html", "localities/notes.txt"]
    assert (out / "localities" / "a.html").read_text(encoding="utf-8") == "new a"


def test_a_target_that_cannot_be_replaced_is_named_as_the_real_output_and_nothing_moves(tmp_path):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)  # a folder where a file goes
    (out / "answers.csv").write_text("earlier", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(WvtextError) as err:
        with staged(out) as st:
            (st.path / "answers.csv").write_text("new", encoding="utf-8")
            (st.path / "report.html").write_text("new", encoding="utf-8")
    assert f"cannot write {out / 'report.html'}: it is a folder" in str(err.value)
    assert STAGING_PREFIX not in str(err.value)
    assert snapshot(out) == before and stagings(out) == []


def test_staging_folders_of_dead_processes_are_removed_those_of_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / staging_name(dead_pid(), HOST)
    live = out / staging_name(os.getppid(), HOST)  # the process that started pytest
    elsewhere = out / staging_name(dead_pid(), "another-machine")
    for d in (dead, live, elsewhere):
        d.mkdir()
        (d / "answers.csv").write_text("half", encoding="utf-8")
    with staged(out) as st:
        (st.path / "answers.csv").write_text("new", encoding="utf-8")
    assert not dead.exists() and live.is_dir() and elsewhere.is_dir()
    assert (out / "answers.csv").read_text(encoding="utf-8") == "new"


def test_real_path_takes_the_staging_folder_out_of_messages():
    stage = f"/data/out/{STAGING_PREFIX}4242@host.example.org"
    assert real_path(f"{stage}/answers.csv") == "/data/out/answers.csv"
    assert real_path(f"cannot write {stage}/localities/a.html (No space left on device).") == \
        "cannot write /data/out/localities/a.html (No space left on device)."
    assert real_path(f"cannot write in {stage}.") == "cannot write in /data/out."
    assert real_path("nothing to change: /data/out/answers.csv") == "nothing to change: /data/out/answers.csv"


# -- signals ----------------------------------------------------------------------------

def test_a_signal_during_a_step_that_must_not_stop_half_way_takes_effect_after_it():
    from wvtext.interrupt import deferred, handled

    done = []
    with handled():
        with pytest.raises(Interrupted) as got:
            with deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                done.append("the whole step")
    assert done == ["the whole step"] and got.value.signum == signal.SIGTERM
    assert got.value.exit_status == 143 and str(got.value) == "interrupted: SIGTERM"
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # put back as it was


def test_a_signal_the_process_was_started_ignoring_stays_ignored():
    from wvtext.interrupt import handled

    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup starts a process
    try:
        with handled():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.05)
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, old)


# -- the store: transactions, the runs table ------------------------------------------

class _StopAt:
    """A connection that raises Interrupted when a statement starting with `sql` is run for the
    `nth` time: a signal arriving in the middle of storing a file."""

    def __init__(self, conn, sql: str, nth: int):
        self._conn, self._sql, self._left = conn, sql, nth

    def _check(self, sql):
        if sql.lstrip().startswith(self._sql):
            self._left -= 1
            if self._left == 0:
                raise Interrupted(signal.SIGTERM)

    def execute(self, sql, *args):
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._check(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_ingest_stores_each_file_in_one_transaction_so_an_interrupt_leaves_no_half_stored_return(tmp_path, store):
    from wvtext.pipeline import IngestSummary, ingest_files

    second = tmp_path / "somerset.csv"
    second.write_text("locality,qid,code,narrative\nSomerset,1.1,1,Yes. A joint board.\nSomerset,2.1,1,Costs known.\n",
                      encoding="utf-8")
    store.conn = _StopAt(store.conn, "INSERT INTO problems", 3)  # the second file, its answers already inserted
    summary = IngestSummary()
    with pytest.raises(Interrupted):
        ingest_files([SEED_RETURN, second], store, summary=summary)
    store.conn = store.conn._conn
    assert [r["locality"] for r in store.returns()] == ["Leicestershire"]  # the first file whole, none of the second
    assert len(store.answers()) == 61 and not store.conn.in_transaction
    assert [f["status"] for f in summary.files] == ["ok"]  # what the interrupted caller can tell the user


def test_an_interrupt_right_after_a_transaction_began_leaves_none_open(store):
    with pytest.raises(Interrupted):
        with store.transaction() as c:
            c.execute("INSERT INTO reviews(kind, decision, decided_at) VALUES ('x', 'y', 'z')")
            raise Interrupted(signal.SIGINT)
    assert not store.conn.in_transaction and store.counts()["reviews"] == 0


def _add_run(store, run_id: str, *, status="running", pid=None, host=None):
    store.conn.execute("INSERT INTO runs(run_id, command, started_at, status, pid, host) VALUES (?,?,?,?,?,?)",
                       (run_id, "analyse", run_id, status, pid, host))


def test_a_run_marked_running_whose_process_is_gone_is_shown_as_interrupted(store):
    _add_run(store, "1-dead", pid=dead_pid(), host=HOST)
    _add_run(store, "2-alive", pid=os.getpid(), host=HOST)
    _add_run(store, "3-elsewhere", pid=dead_pid(), host="another-machine")
    _add_run(store, "4-older-version")
    _add_run(store, "5-done", status="ok", pid=dead_pid(), host=HOST)
    runs = {r["run_id"]: (r["status"], r["recorded"]) for r in store.runs()}
    assert runs == {"1-dead": ("interrupted", "running"), "2-alive": ("running", "running"),
                    "3-elsewhere": ("running", "running"), "4-older-version": ("running", "running"),
                    "5-done": ("ok", "ok")}


def test_a_run_records_its_process(store):
    run_id = store.start_run("analyse", settings={}, wvtext_version="x", codebook_version="y")
    (run,) = store.runs()
    assert (run["run_id"], run["pid"], run["host"], run["status"]) == (run_id, os.getpid(), HOST, "running")


def test_a_database_of_the_version_before_opens_and_gains_the_runs_process(tmp_path):
    from wvtext.store import open_store
    from wvtext.store.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _wvtext_migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    names = [name for name, _ in MIGRATIONS]
    for name, sql in MIGRATIONS[:names.index("0009_runs_pid_host")]:  # a database from before pids were kept
        conn.executescript(sql)
        conn.execute("INSERT INTO _wvtext_migrations(name, applied_at) VALUES (?, 'then')", (name,))
    conn.execute("INSERT INTO runs(run_id, command, started_at, status) VALUES ('old', 'analyse', 'then', 'running')")
    conn.commit()
    conn.close()
    store = open_store(path, create=False)
    try:
        applied = [m[0] for m in store.migrations()]
        assert "0009_runs_pid_host" in applied and applied[-1] == names[-1]
        (run,) = store.runs()
        assert (run["status"], run["pid"], run["host"]) == ("running", None, None)  # nothing known: not guessed
        run_id = store.start_run("analyse", settings={}, wvtext_version="x", codebook_version="y")
        assert {r["run_id"]: r["pid"] for r in store.runs()} == {"old": None, run_id: os.getpid()}
    finally:
        store.close()


def test_status_lists_a_run_whose_process_is_gone_as_interrupted(tmp_path):
    from wvtext.store import open_store

    s = open_store(tmp_path / "w.db")
    _add_run(s, "20130601T000000Z-dead", pid=dead_pid(), host=HOST)
    s.close()
    res = cli("status", "--db", tmp_path / "w.db")
    assert res.returncode == 0, res.stderr
    assert "run 20130601T000000Z-dead analyse interrupted (its process is gone)" in res.stdout


# -- the process working beside ---------------------------------------------------------

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2 or os.environ.get("WVTEXT_JOBS") == "1",
    reason="a second process is used on Linux with two or more cores")


def _gone(pid: int, within: float = 10.0) -> bool:
    from wvtext.outdir import pid_alive

    end = time.monotonic() + within
    while time.monotonic() < end:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


@needs_fork
def test_abandoning_the_work_beside_ends_the_child_without_waiting_for_it():
    from wvtext.beside import Beside

    job = Beside(time.sleep, 60, what="sleeping")
    t = time.monotonic()
    job.abandon()
    assert time.monotonic() - t < 10 and not job.proc.is_alive()


@needs_fork
def test_an_interrupt_while_waiting_for_the_work_beside_ends_the_child():
    from wvtext.beside import Beside
    from wvtext.interrupt import handled

    with handled():
        job = Beside(time.sleep, 60, what="sleeping")
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
        timer.start()
        t = time.monotonic()
        with pytest.raises(Interrupted):
            job.result()
    timer.join()
    assert time.monotonic() - t < 10 and not job.proc.is_alive()


@needs_fork
def test_the_child_does_not_outlive_a_killed_parent(tmp_path):
    script = ("import sys, time\nfrom wvtext.beside import Beside\njob = Beside(time.sleep, 120)\n"
              "print(job.proc.pid, flush=True)\ntime.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        child = int(parent.stdout.readline())
        time.sleep(0.3)  # the child has set its death signal
        parent.kill()  # SIGKILL: no Python code of the parent runs
        parent.wait()
        assert _gone(child), "the child outlived its parent"
    finally:
        parent.kill()
        parent.stdout.close()


# -- the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """An output folder and database of an earlier run (one small return)."""
    base = tmp_path_factory.mktemp("earlier")
    src = base / "cornwall.csv"
    src.write_text("locality,qid,code,narrative\nCornwall,2.4,1,There is a pooled budget under a section 75.\n"
                   "Cornwall,1.1,1,Yes. A joint board oversees the programme.\n", encoding="utf-8")
    res = cli("analyse", src, "--out", base / "out", "--db", base / "w.db")
    assert res.returncode == 0, res.stderr
    return base


@pytest.fixture
def copy(earlier, tmp_path):
    shutil.copytree(earlier, tmp_path, dirs_exist_ok=True)
    return tmp_path


def _runs(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT status, finished_at IS NOT NULL FROM runs ORDER BY started_at").fetchall()
    finally:
        conn.close()


def _one_line(res) -> str:
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


SLOW_TERM = """
import wvtext.pipeline as p
_orig = p.run_out_of_step
def _stop(store):
    _orig(store)
    os.kill(os.getpid(), signal.SIGTERM)
p.run_out_of_step = _stop
"""


def test_sigterm_during_analyse_leaves_the_folder_as_it_was_and_the_run_interrupted(copy):
    out, db = copy / "out", copy / "w.db"
    before = snapshot(out)
    res = cli("analyse", SEED_RETURN, "--out", out, "--db", db, patch=SLOW_TERM)
    assert res.returncode == 143
    line = _one_line(res)
    assert line.startswith(f"interrupted: SIGTERM; nothing was written to {out}, which keeps the earlier run's files; ")
    assert f"{db} keeps this run's inputs" in line and "recorded as interrupted" in line
    assert snapshot(out) == before and stagings(out) == []
    assert _runs(db) == [("ok", 1), ("interrupted", 1)]


SIGHUP_IN_REPORTS = """
import wvtext.report as r
_orig = r.build_reports
def _stop(*a, **k):
    got = _orig(*a, **k)  # every report written, into the staging folder
    os.kill(os.getpid(), signal.SIGHUP)
    return got
r.build_reports = _stop
"""


def test_sighup_while_the_reports_are_written_leaves_the_folder_as_it_was(copy):
    out, db = copy / "out", copy / "w.db"
    before = snapshot(out)
    res = cli("analyse", SEED_RETURN, "--out", out, "--db", db, patch=SIGHUP_IN_REPORTS)
    assert res.returncode == 129
    assert _one_line(res).startswith(f"interrupted: SIGHUP; nothing was written to {out}")
    assert snapshot(out) == before and stagings(out) == []
    assert _runs(db)[-1] == ("interrupted", 1)


CTRL_C_IN_INGEST = """
import wvtext.pipeline as p
_orig, _n = p.read_input, []
def _stop(path, **k):
    _n.append(path)
    if len(_n) == 2:
        os.kill(os.getpid(), signal.SIGINT)
    return _orig(path, **k)
p.read_input = _stop
"""


def test_ctrl_c_while_reading_the_inputs_says_what_the_database_keeps(tmp_path):
    second = tmp_path / "somerset.csv"
    second.write_text("locality,qid,code,narrative\nSomerset,1.1,1,Yes.\n", encoding="utf-8")
    out, db = tmp_path / "out", tmp_path / "w.db"
    res = cli("analyse", SEED_RETURN, second, "--out", out, "--db", db, patch=CTRL_C_IN_INGEST)
    assert res.returncode == 130
    line = _one_line(res)
    assert line.startswith(f"interrupted: SIGINT; nothing was written to {out}; ")
    assert f"{db} keeps the 1 of 2 input file(s) read before the interruption, each stored whole" in line
    assert not out.exists()  # the folder this run would have made
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT locality FROM returns").fetchall() == [("Leicestershire",)]
    conn.close()
    assert _runs(db) == [("interrupted", 1)]
    res = cli("ingest", SEED_RETURN, second, "--db", db, patch=CTRL_C_IN_INGEST)
    assert res.returncode == 130
    assert _one_line(res) == (f"interrupted: SIGINT; {db} keeps the 1 of 2 file(s) read before the interruption, "
                              "each stored whole")


UNWRITABLE = """
import wvtext.pipeline as p
_orig = p.write_csv
def _fail(path, *a, **k):
    if path.name == "theme_evidence.csv":
        raise PermissionError(13, "Permission denied", str(path))
    return _orig(path, *a, **k)
p.write_csv = _fail
"""


def test_a_file_that_cannot_be_written_is_named_as_the_output_not_the_staging_folder(copy):
    out, db = copy / "out", copy / "w.db"
    before = snapshot(out)
    res = cli("analyse", SEED_RETURN, "--out", out, "--db", db, patch=UNWRITABLE)
    assert res.returncode == 1
    assert _one_line(res).startswith(f"error: {out / 'theme_evidence.csv'}: Permission denied")
    assert snapshot(out) == before and stagings(out) == [] and _runs(db)[-1] == ("failed", 1)


def test_a_folder_where_an_output_goes_fails_the_run_before_anything_moves(copy):
    out, db = copy / "out", copy / "w.db"
    (out / "report.html").unlink()
    (out / "report.html").mkdir()
    before = snapshot(out)
    res = cli("analyse", SEED_RETURN, "--out", out, "--db", db)
    assert res.returncode == 1
    assert _one_line(res).startswith(f"error: cannot write {out / 'report.html'}: it is a folder.")
    assert snapshot(out) == before and stagings(out) == [] and _runs(db)[-1] == ("failed", 1)


def test_a_successful_run_names_the_real_outputs_and_leaves_no_staging_folder(copy):
    out, db = copy / "out", copy / "w.db"
    res = cli("analyse", SEED_RETURN, "--out", out, "--db", db)
    assert res.returncode == 0, res.stderr
    assert stagings(out) == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["out"] == str(out) and "localities/leicestershire.html" in manifest["outputs"]
    assert not (out / "localities" / "cornwall.html").exists()  # the earlier run's page, not this run's
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".json", ".html", ".qdc"):
            assert STAGING_PREFIX not in path.read_text(encoding="utf-8"), path
    assert _runs(db)[-1] == ("ok", 1)


REPORT_TERM = """
import wvtext.report.build as b
_orig = b._write_pages
def _stop(*a, **k):
    got = _orig(*a, **k)
    os.kill(os.getpid(), signal.SIGTERM)
    return got
b._write_pages = _stop
"""


def test_sigterm_during_wvtext_report_leaves_the_folder_as_it_was(copy):
    out = copy / "out"
    before = snapshot(out)
    res = cli("report", "--out", out, "--title", "Another title", patch=REPORT_TERM)
    assert res.returncode == 143 and _one_line(res) == f"interrupted: SIGTERM; nothing was written to {out}"
    assert snapshot(out) == before and stagings(out) == []
    res = cli("report", "--out", out, "--title", "Another title")
    assert res.returncode == 0, res.stderr
    assert "Another title" in (out / "report.html").read_text(encoding="utf-8") and stagings(out) == []


def test_wvtext_cluster_replaces_its_pages_at_the_end(tmp_path):
    out = tmp_path / "c"
    (out / "collections").mkdir(parents=True)
    (out / "collections" / "c99.html").write_text("a collection of an earlier run", encoding="utf-8")
    (out / "collections" / "mine.html").write_text("the user's own page", encoding="utf-8")
    res = cli("cluster", ROOT / "corpus" / "items" / "seed_items.csv", "--out", out)
    assert res.returncode == 0, res.stderr
    assert not (out / "collections" / "c99.html").exists() and (out / "collections" / "mine.html").is_file()
    assert (out / "collections" / "index.html").is_file() and (out / "items.csv").is_file()
    assert stagings(out) == []


# -- analyse with no inputs on a user's database ------------------------------------------

def test_analyse_with_no_inputs_refuses_to_mix_the_shipped_corpus_into_a_users_database(tmp_path):
    own = tmp_path / "national" / "somerset.csv"
    own.parent.mkdir()
    own.write_text("locality,qid,code,narrative\nSomerset,1.1,1,Yes. A joint board.\n", encoding="utf-8")
    db = tmp_path / "national.db"
    assert cli("ingest", own, "--db", db).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    res = cli("analyse", "--db", db, "--out", tmp_path / "out")
    assert res.returncode == 2
    line = _one_line(res)
    assert line.startswith(f"error: {db} holds 1 return read from files other than the shipped corpus (e.g. {own})")
    assert "Give the files to analyse" in line and "--whole-store" in line
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before and not (tmp_path / "out").exists()


def test_a_database_holding_only_the_shipped_corpus_is_not_refused(tmp_path):
    from wvtext.pipeline import default_inputs, held_besides
    from wvtext.store import open_store

    shipped = default_inputs()
    db = tmp_path / "demo.db"
    assert held_besides(db, shipped) is None  # no database yet
    s = open_store(db)
    s.close()
    assert held_besides(db, shipped) is None  # an empty one
    res = cli("ingest", SEED_RETURN.relative_to(ROOT), ROOT / "corpus" / "items" / "seed_items.csv", "--db", db)
    assert res.returncode == 0, res.stderr
    assert held_besides(db, shipped) is None  # the demo's database, analysed again
    moved = tmp_path / "copy" / SEED_RETURN.name  # the shipped file by another path: the same content
    moved.parent.mkdir()
    shutil.copy(SEED_RETURN, moved)
    assert cli("ingest", moved, "--db", db).returncode == 0
    assert held_besides(db, shipped) is None
    own = tmp_path / "own.csv"
    own.write_text("item_id,title,description\nx1,Shared lives,A scheme of our own.\n", encoding="utf-8")
    assert cli("ingest", own, "--db", db).returncode == 0
    assert held_besides(db, shipped) == {"returns": 0, "items": 1, "example": str(own)}


@pytest.mark.skipif(os.name != "posix", reason="the lock is flock's, a POSIX call")
def test_a_second_run_into_a_folder_another_run_is_writing_is_refused_and_writes_nothing(tmp_path):
    """Another process writing into OUT (here: holding its lock, with its staging folder there) makes
    `wvtext analyse --out OUT` stop at once, naming that process, before it stores anything; OUT
    keeps every byte, the database gains no run, and the lock is free again for the run after."""
    out, db = tmp_path / "out", tmp_path / "w.db"
    assert cli("analyse", SEED_RETURN, "--out", out, "--db", db).returncode == 0
    before = snapshot(out)
    runs = sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone()[0]
    other = out / staging_name(os.getppid(), HOST)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('held', flush=True); time.sleep(60)", str(out)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        other.mkdir()
        res = cli("analyse", SEED_RETURN, "--out", out, "--db", db)
        assert res.returncode != 0
        assert f"another wvtext run (process {os.getppid()} on {HOST}) is writing into {out}" in res.stderr
        assert "stopped before writing anything" in res.stderr and "Traceback" not in res.stderr
        other.rmdir()
        assert snapshot(out) == before and stagings(out) == []
        assert sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone()[0] == runs
    finally:
        holder.kill()
        holder.wait()
    assert cli("analyse", SEED_RETURN, "--out", out, "--db", db).returncode == 0  # free again
    with staged(out):  # and within one process, one run at a time still
        with pytest.raises(WvtextError, match="already being written by this process"):
            with staged(out):
                pass


# -- the other commands that write a folder: train, synth, themes --out ---------------------

def _holding(folder: Path) -> subprocess.Popen:
    """Another process holding `folder`'s lock, as a run writing into it does."""
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('held', flush=True); time.sleep(60)", str(folder)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


# `wvtext train` with the training itself replaced: one model written, then a failure; or both written.
TRAIN_FAILS_HALF_WAY = """
import wvtext.train
from wvtext.errors import WvtextError
def fails(out_dir, *a, **k):
    (out_dir / "themes_model.json").write_text("new themes\\n", encoding="utf-8")
    raise WvtextError("the narrative-class training failed")
wvtext.train.train_all = fails
"""
TRAIN_WRITES_BOTH = """
import wvtext.train
def both(out_dir, *a, **k):
    for name in ("themes_model.json", "stance_model.json"):
        (out_dir / name).write_text(f"new {name}\\n", encoding="utf-8")
    return {name: out_dir / name for name in ("themes_model.json", "stance_model.json")}
wvtext.train.train_all = both
"""
TRAIN_NOTES_IT_RAN = """
import wvtext.train
def ran(out_dir, *a, **k):
    print("training ran", flush=True)
    return {}
wvtext.train.train_all = ran
"""
# `wvtext synth` on a few localities (the xlsx and text returns among them), and one whose labels
# file cannot be written.
SYNTH_FEW = """
import wvtext.synth
_specs = wvtext.synth._specs
wvtext.synth._specs = lambda scale, seed, extra, limit: [
    s for i, s in enumerate(_specs(scale, seed, extra, None)) if i < 6 or s.fmt != "long_csv"]
"""
SYNTH_LABELS_FAIL = SYNTH_FEW + """
from pathlib import Path
_write = wvtext.synth._write_rows
def labels_fail(path, *a, **k):
    if Path(path).name.startswith("SYNTHETIC_labels"):
        raise OSError(28, "No space left on device", str(path))
    return _write(path, *a, **k)
wvtext.synth._write_rows = labels_fail
"""


def test_train_moves_both_models_into_out_or_neither(tmp_path):
    """`wvtext train --out OUT` that fails after writing one model leaves OUT's models as they were
    (a new theme model beside an old narrative-class model would be a pair no training made);
    one that succeeds replaces both."""
    out = tmp_path / "models"
    out.mkdir()
    (out / "themes_model.json").write_text("old themes\n", encoding="utf-8")
    (out / "stance_model.json").write_text("old stance\n", encoding="utf-8")
    before = snapshot(out)
    res = cli("train", "--out", out, patch=TRAIN_FAILS_HALF_WAY)
    assert res.returncode == 1 and "the narrative-class training failed" in res.stderr and "Traceback" not in res.stderr
    assert snapshot(out) == before and stagings(out) == []

    res = cli("train", "--out", out, patch=TRAIN_WRITES_BOTH)
    assert res.returncode == 0, res.stderr
    assert (out / "themes_model.json").read_text(encoding="utf-8") == "new themes_model.json\n"
    assert (out / "stance_model.json").read_text(encoding="utf-8") == "new stance_model.json\n"
    assert f"wrote {out / 'stance_model.json'}" in res.stderr and STAGING_PREFIX not in res.stderr
    assert stagings(out) == []


def test_train_into_a_folder_another_run_holds_is_refused_before_training(tmp_path):
    out = tmp_path / "models"
    out.mkdir()
    holder = _holding(out)
    try:
        res = cli("train", "--out", out, patch=TRAIN_NOTES_IT_RAN)
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 1 and f"is writing into {out}" in res.stderr and "stopped before writing anything" in res.stderr
    assert "training ran" not in res.stdout and list(out.iterdir()) == []


def test_synth_that_fails_part_way_leaves_out_as_it_was(tmp_path):
    """`wvtext synth` writes its returns (xlsx, text dumps) before the long csv and the labels: a
    failure at the labels leaves OUT with the earlier corpus whole, not new returns beside old labels."""
    out = tmp_path / "synthetic"
    out.mkdir()
    (out / "SYNTHETIC_labels_x1.csv").write_text("old labels\n", encoding="utf-8")
    (out / "phrasebank.json").write_text("{}\n", encoding="utf-8")  # a file synth does not write stays
    before = snapshot(out)
    res = cli("synth", "--out", out, patch=SYNTH_LABELS_FAIL)
    assert res.returncode == 1 and "No space left on device" in res.stderr and "Traceback" not in res.stderr
    assert STAGING_PREFIX not in res.stderr
    assert snapshot(out) == before and stagings(out) == []

    res = cli("synth", "--out", out, patch=SYNTH_FEW)
    assert res.returncode == 0, res.stderr
    files = set(snapshot(out))
    assert {"SYNTHETIC_national_x1.csv", "SYNTHETIC_labels_x1.csv", "SYNTHETIC_returns_x1.csv", "phrasebank.json"} <= files
    assert any(f.endswith(".xlsx") for f in files) and any(f.endswith(".txt") for f in files)
    assert (out / "phrasebank.json").read_text(encoding="utf-8") == "{}\n" and stagings(out) == []


def test_themes_out_into_a_folder_another_run_holds_is_refused_before_it_stores(tmp_path):
    """`wvtext themes --out OUT` holds OUT from its start: with another run writing there it stops
    before it reads the database, so neither the database nor OUT changes."""
    db, out = tmp_path / "w.db", tmp_path / "t"
    assert cli("ingest", SEED_RETURN, "--db", db).returncode == 0
    out.mkdir()
    with sqlite3.connect(db) as con:
        themes_before = con.execute("SELECT count(*) FROM answer_themes").fetchone()[0]
    holder = _holding(out)
    try:
        res = cli("themes", "--db", db, "--out", out)
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 1 and f"is writing into {out}" in res.stderr and "Traceback" not in res.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM answer_themes").fetchone()[0] == themes_before
    assert list(out.iterdir()) == []
    res = cli("themes", "--db", db, "--out", out)  # free again: both files written
    assert res.returncode == 0, res.stderr
    assert sorted(snapshot(out)) == ["item_themes.csv", "theme_evidence.csv"]
