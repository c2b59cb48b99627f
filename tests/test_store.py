import sqlite3
from pathlib import Path

import pytest

from wvtext.errors import StoreError
from wvtext.ingest import read_input
from wvtext.pipeline import ingest_files
from wvtext.store import open_store
from wvtext.store.migrations import MIGRATIONS
from conftest import SEED_RETURN


def test_store_migrations_recorded_in_order(store):
    assert [m[0] for m in store.migrations()] == [name for name, _ in MIGRATIONS]
    assert store.migrate() == []  # idempotent


def test_store_reimport_replaces(store):
    ingest_files([SEED_RETURN], store)
    ingest_files([SEED_RETURN], store)
    assert store.counts()["returns"] == 1 and store.counts()["answers"] == 61
    assert store.counts()["problems"] == 1  # the 3.5 warning, not twice


def test_store_same_return_in_another_format_replaces(store, datapath):
    summary = ingest_files([SEED_RETURN, datapath("returns_semicolon_bom.csv")], store)
    assert store.counts()["returns"] == 1 and store.counts()["answers"] == 10
    warned = [p for p in store.problems() if p["code"] == "W120"]  # given twice in one run: said so
    assert len(warned) == 1 and str(SEED_RETURN) in warned[0]["message"]
    first = summary.files[0]  # the run's record no longer credits the first file with the return
    assert (first["returns"], first["answers"]) == ([], 0)
    assert first["replaced"] == [f"Leicestershire by {datapath('returns_semicolon_bom.csv')}"]


def test_a_return_replaced_from_another_file_is_a_warning_the_same_file_again_is_not(store, tmp_path):
    ingest_files([SEED_RETURN], store)
    ingest_files([SEED_RETURN], store)
    copy = tmp_path / "copy_of_the_return.txt"
    copy.write_bytes(SEED_RETURN.read_bytes())
    ingest_files([copy], store)  # the same content by another path is no news
    assert not [p for p in store.problems() if p["code"] in ("W120", "W121")]
    other = tmp_path / "another_area.csv"  # another file that names the same locality replaces it: said so
    other.write_text("locality,qid,code,narrative\nLeicestershire,1.1,1,Yes.\n", encoding="utf-8")
    ingest_files([other], store)
    warned = [p for p in store.problems() if p["code"] == "W121"]
    assert len(warned) == 1 and str(copy) in warned[0]["message"] and warned[0]["source_file"] == str(other)
    assert "It has 1 answer(s) where the stored return had 61" in warned[0]["message"]  # a part of a return, said so


def test_items_numbered_alike_in_two_files_are_refused_not_replaced(store, tmp_path):
    """Curators number each file's items 1, 2, ...: a second file giving the same ids must not
    replace the first file's items, in one run or a later one; a new version of a file (same name)
    or the same content by another path replaces its own items as before."""
    derby, leics = tmp_path / "derby_items.csv", tmp_path / "leics_items.csv"
    derby.write_text("item_id,title,description\n1,Crisis line,A 24-hour crisis line for families.\n"
                     "2,Housing panel,A monthly panel plans moves from hospital.\n", encoding="utf-8")
    leics.write_text("item_id,title,description\n1,Carers forum,A carers forum meets quarterly.\n", encoding="utf-8")
    summary = ingest_files([derby, leics], store)
    assert len(summary.errors) == 1 and "item_id '1'" in summary.errors[0] and "derby_items.csv" in summary.errors[0]
    assert [i["title"] for i in store.items()] == ["Crisis line", "Housing panel"]
    summary = ingest_files([leics], store)  # a later run: the stored items are not replaced either
    assert "stored in the database" in summary.errors[0]
    assert [i["title"] for i in store.items()] == ["Crisis line", "Housing panel"]
    derby.write_text("item_id,title,description\n1,Crisis line,A crisis line open every day.\n", encoding="utf-8")
    assert ingest_files([derby], store).ok
    assert [i["description"] for i in store.items(["1"])] == ["A crisis line open every day."]
    copy = tmp_path / "copy" / "derby_items.csv"
    copy.parent.mkdir()
    copy.write_bytes(derby.read_bytes())
    assert ingest_files([copy], store).ok


def test_store_failing_file_leaves_store_as_it_was(store, datapath):
    ingest_files([SEED_RETURN], store)
    before = store.counts()
    summary = ingest_files([datapath("return_corrupt.xlsx"), datapath("returns_missing_columns.csv")], store)
    assert len(summary.errors) == 2 and not summary.ok
    assert store.counts() == before


def test_store_failure_inside_transaction_rolls_back(store, monkeypatch):
    ingest_files([SEED_RETURN], store)
    before = store.counts()
    got = read_input(SEED_RETURN)
    got.returns[0].answers[5].qid = got.returns[0].answers[4].qid  # primary-key clash midway through the insert
    with pytest.raises(sqlite3.IntegrityError):
        store.save_input(got)
    assert store.counts() == before
    assert len(store.answers()) == 61


def test_store_refuses_database_from_newer_version(tmp_path):
    path = tmp_path / "new.db"
    s = open_store(path)
    s.conn.execute("INSERT INTO _wvtext_migrations(name, applied_at) VALUES ('9999_future', 'x')")
    s.close()
    with pytest.raises(StoreError, match="newer wvtext"):
        open_store(path)


def test_store_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 200)
    with pytest.raises(StoreError, match="not a wvtext database"):
        open_store(path)


@pytest.mark.parametrize("create", [True, False])
def test_store_never_writes_into_a_file_it_did_not_make(tmp_path, create):
    """An empty file is not a database to read (SQLite would make it one); another program's
    SQLite database is never given wvtext's tables."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    if create:
        open_store(empty).close()  # writing into an empty file named on purpose is fine
    else:
        with pytest.raises(StoreError, match="empty file"):
            open_store(empty, create=False)
        assert empty.read_bytes() == b""
    _refused_untouched(tmp_path / "other.sqlite", "CREATE TABLE budget (line TEXT)", "did not write", create)


def _refused_untouched(path, sql: str, message: str, create: bool) -> None:
    """An SQLite file made with `sql` is refused with `message`, and left byte for byte as it was."""
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        open_store(path, create=create)
    assert path.read_bytes() == before


def test_file_warnings_are_replaced_on_reimport(tmp_path):
    from wvtext.ingest import read_input
    from wvtext.store import open_store

    path = tmp_path / "filled.csv"
    path.write_text("locality,qid,code,narrative\nLeicestershire,1.1,1,Yes.\n,1.2,5,Partners.\n", encoding="utf-8")
    store = open_store(tmp_path / "w.db")
    for _ in range(2):
        store.save_input(read_input(path))
    codes = [p["code"] for p in store.problems(source_files=[str(path)])]
    assert codes.count("W113") == 1


def test_the_same_file_by_another_spelling_of_its_path_is_no_news(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "edit.csv"
    path.write_text("locality,qid,code,narrative\nRutland,1.1,1,Yes.\n", encoding="utf-8")
    ingest_files([Path("edit.csv")], store)
    path.write_text("locality,qid,code,narrative\nRutland,1.1,1,Yes, a board.\n", encoding="utf-8")  # edited
    ingest_files([path], store)
    assert not [p for p in store.problems() if p["code"] in ("W120", "W121")]


def test_a_reading_command_refuses_an_sqlite_file_without_tables(tmp_path):
    _refused_untouched(tmp_path / "blank.db", "PRAGMA user_version = 3", "no tables", create=False)
