import json

import pytest

from wvtext.codebook import ANSWER_CLASSES, build_codebook, classify_label, parse_scheme
from conftest import ROOT, SEED_RETURN


def test_codebook_committed_file_is_parsed_from_the_real_return():
    # The committed codebook is exactly what parsing the shipped return gives: nothing retyped.
    committed = json.loads((ROOT / "corpus" / "codebook.json").read_text(encoding="utf-8"))
    assert build_codebook(SEED_RETURN) == committed


def test_codebook_has_61_questions_in_11_sections(codebook):
    assert len(codebook) == 61
    assert sorted(codebook.sections()) == list(range(1, 12))
    assert codebook.qids[0] == "1.1" and codebook.qids[-1] == "11.3"


def test_codebook_every_yes_no_code_has_an_answer_class(codebook):
    for q in codebook:
        if q.kind == "yes_no":
            assert all(c.answer_class in ANSWER_CLASSES for c in q.codes), q.qid


@pytest.mark.parametrize("qid, kind", [("1.2", "multi_select"), ("6.10", "categorical"), ("1.8", "yes_no"), ("3.5", "yes_no")])
def test_codebook_question_kinds(codebook, qid, kind):
    assert codebook[qid].kind == kind


def test_codebook_keeps_source_quirks_visible(codebook):
    assert codebook["7.1"].text == codebook["6.1"].text
    assert "repeats 6.1" in codebook["7.1"].note


def test_codebook_flags_issue_and_conditional_questions(codebook):
    assert [q.qid for q in codebook if q.asks_about_issues] == ["1.8"]
    assert codebook["6.10"].conditional_on == "6.9"


def test_codebook_scheme_of_3_5_is_0_to_2(codebook):
    assert codebook["3.5"].code_values == [0, 1, 2]


@pytest.mark.parametrize(
    "scheme, expected",
    [
        ("0 - No 1 - Yes 2 - Not clear", [(0, "No"), (1, "Yes"), (2, "Not clear")]),
        ("0 - No 1 - Yes 2 - Not clear 3 Co-located 4 - other arrangements",
         [(0, "No"), (1, "Yes"), (2, "Not clear"), (3, "Co-located"), (4, "other arrangements")]),
        ("0 - No 1 - Yes 2 - Not clear 3 - In progress 4 Not applicable - e.g. none placed by specialist commissioners",
         [(0, "No"), (1, "Yes"), (2, "Not clear"), (3, "In progress"),
          (4, "Not applicable - e.g. none placed by specialist commissioners")]),
        ("0 - No 1 - Yes 2 - Not clear 3- Informal arrangements", [(0, "No"), (1, "Yes"), (2, "Not clear"), (3, "Informal arrangements")]),
    ],
)
def test_codebook_parse_scheme(scheme, expected):
    assert parse_scheme(scheme)[1] == expected


def test_codebook_parse_scheme_keeps_preamble():
    pre, codes = parse_scheme("A positive score below assumes answer is Yes - include all identified. 0 - No 1 - Asc 2 -Children Services")
    assert pre.startswith("A positive score") and codes == [(0, "No"), (1, "Asc"), (2, "Children Services")]


@pytest.mark.parametrize(
    "label, cls",
    [
        ("Yes (via SAF)", "yes"), ("In progress / under review", "in_progress"), ("Registers but not as specified", "partial"),
        ("Yes, though significant challenges", "partial"), ("Considered / not required", "not_applicable"),
        ("Not clear", "unclear"), ("No arrangement", "no"), ("Most completed, timescales for completion", "in_progress"),
        ("Financial", ""),
    ],
)
def test_codebook_classify_label(label, cls):
    assert classify_label(label) == cls


def test_cli_codebook_build_writes_into_the_working_folder_by_default(tmp_path, monkeypatch):
    """Without --out the codebook goes into ./codebook.json, not into the corpus wvtext reads."""
    import shutil

    from typer.testing import CliRunner

    from wvtext.cli import app

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("synthetic", "training", "heldout*"))
    monkeypatch.setenv("WVTEXT_CORPUS", str(corpus))
    shipped = (corpus / "codebook.json").stat().st_mtime_ns
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    res = CliRunner().invoke(app, ["codebook", "build"])
    assert res.exit_code == 0, res.output
    assert json.loads((work / "codebook.json").read_text(encoding="utf-8")) == build_codebook(SEED_RETURN)
    assert (corpus / "codebook.json").stat().st_mtime_ns == shipped
