"""Work in a second process (wvtext.beside): the same results as one process, and errors that
come back as errors."""
import os
import signal

import pytest

from wvtext import beside as beside_mod
from wvtext.errors import WvtextError
from conftest import SEED_RETURN


def _analyse(tmp_path, name, monkeypatch, *, jobs):
    from wvtext import pipeline
    from wvtext.store import open_store

    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    monkeypatch.setenv("WVTEXT_JOBS", jobs)
    monkeypatch.setattr(pipeline, "_SPLIT_FROM", 10)  # split even one return's 61 answers
    store = open_store(tmp_path / f"{name}.db")
    ing = pipeline.ingest_files([SEED_RETURN], store)
    pipeline.run_text_stages(store, ing.return_ids, [])
    rids = ing.return_ids
    got = (store.answer_analysis(rids), store.answer_themes(rids), store.support_requests(rids),
           store.good_practice(rids))
    store.close()
    return [[{k: v for k, v in r.items() if k not in ("id", "run_id")} for r in rows] for rows in got]


def test_text_stages_in_two_processes_give_the_one_process_results(tmp_path, monkeypatch):
    one = _analyse(tmp_path, "one", monkeypatch, jobs="1")
    two = _analyse(tmp_path, "two", monkeypatch, jobs="")
    assert one[0] and one == two


def _fails(kind):
    if kind == "error":
        raise WvtextError("cannot write out.xlsx (No space left on device).", remedy="Free some space.")
    if kind == "bug":
        return {}["missing"]
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("jobs", ["1", ""])
def test_an_error_beside_is_the_same_one_line_error(monkeypatch, jobs):
    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    monkeypatch.setenv("WVTEXT_JOBS", jobs)
    with pytest.raises(WvtextError, match="No space left on device") as exc:
        beside_mod.Beside(_fails, "error").result()
    assert exc.value.remedy == "Free some space."
    with pytest.raises((RuntimeError, KeyError), match="missing"):
        beside_mod.Beside(_fails, "bug", what="the test").result()
    assert beside_mod.Beside(sorted, [3, 1, 2]).result() == [1, 2, 3]


def test_a_child_that_dies_is_an_error_that_says_so(monkeypatch):
    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    monkeypatch.delenv("WVTEXT_JOBS", raising=False)
    with pytest.raises(WvtextError, match=r"ended with exit code -9 \(killed\?\)"):
        beside_mod.Beside(_fails, "die", what="the test").result()


def test_progress_reaches_the_end_when_half_is_read_beside(tmp_path, monkeypatch):
    from wvtext import pipeline
    from wvtext.store import open_store

    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    monkeypatch.delenv("WVTEXT_JOBS", raising=False)
    monkeypatch.setattr(pipeline, "_SPLIT_FROM", 10)
    seen = []
    store = open_store(tmp_path / "p.db")
    ing = pipeline.ingest_files([SEED_RETURN], store)
    pipeline.run_text_stages(store, ing.return_ids, [], progress=lambda label, n, total: seen.append((n, total)))
    store.close()
    assert seen[-1] == (61, 61) and all(t == 61 for _, t in seen)
