"""The SYNTHETIC corpus generator: determinism, shape, labels checked against the codebook
(not against the generator's own bookkeeping), and what wvtext's readers make of the files."""
import csv
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT
from wvtext.codebook import ANSWER_CLASSES, load_codebook
from wvtext.ingest import read_input
from wvtext.localities import load_localities
from wvtext.synth import (DIVERGENCE_TYPES, LABEL_COLUMNS, LONG_COLUMNS, RETURN_COLUMNS, THEMES, VOICES,
                          check_phrasebank, generate)

SHIPPED = ROOT / "corpus" / "synthetic"
N_LOCALITIES = 152
N_QUESTIONS = 61


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _codes(code: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", code)]


@pytest.fixture(scope="module")
def x1(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth_x1")
    summary = generate(out, scale=1, seed=13)
    return out, summary


@pytest.fixture(scope="module")
def labels(x1):
    return _rows(x1[0] / "SYNTHETIC_labels_x1.csv")


@pytest.fixture(scope="module")
def read_back(x1):
    """Every return file of the corpus as wvtext reads it: {return_id: ReturnData}, problems."""
    out, summary = x1
    returns, problems = {}, []
    for name in summary["files"]:
        if name.startswith(("SYNTHETIC_labels", "SYNTHETIC_returns")):
            continue
        got = read_input(out / name)
        problems.extend(got.problems)
        for r in got.returns:
            assert r.return_id not in returns, f"{r.return_id} is read twice"
            returns[r.return_id] = r
            problems.extend(r.problems)
    return returns, problems


def test_phrasebank_is_consistent():
    assert check_phrasebank() == []


def test_same_seed_gives_byte_identical_files(x1, tmp_path):
    out, summary = x1
    again = generate(tmp_path, scale=1, seed=13)
    assert again["files"] == summary["files"]
    for name in summary["files"]:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_different_seed_gives_different_narratives(tmp_path):
    a = generate(tmp_path / "a", seed=13, limit=20, extra_formats=False)
    b = generate(tmp_path / "b", seed=14, limit=20, extra_formats=False)
    na = [r["narrative"] for r in _rows(tmp_path / "a" / a["files"][0])]
    nb = [r["narrative"] for r in _rows(tmp_path / "b" / b["files"][0])]
    assert len(na) == len(nb) == 20 * N_QUESTIONS
    assert sum(x != y for x, y in zip(na, nb)) > len(na) // 2


def test_every_return_has_every_question_in_its_real_region(x1, labels):
    out, summary = x1
    codebook, table = load_codebook(), load_localities()
    assert (summary["returns"], summary["answers"]) == (N_LOCALITIES, N_LOCALITIES * N_QUESTIONS)
    assert list(labels[0]) == list(LABEL_COLUMNS)
    assert len(labels) == N_LOCALITIES * N_QUESTIONS
    by_return: dict[str, list[str]] = {}
    for r in labels:
        by_return.setdefault(r["return_id"], []).append(r["qid"])
    assert len(by_return) == N_LOCALITIES
    assert all(qids == codebook.qids for qids in by_return.values())
    rets = _rows(out / "SYNTHETIC_returns_x1.csv")
    assert list(rets[0]) == list(RETURN_COLUMNS)
    assert sorted(r["locality"] for r in rets) == sorted(loc.name for loc in table.all)
    for r in rets:
        assert r["region"] == table.by_name[r["locality"]].region
        assert r["voice"] in VOICES
        assert r["return_id"] in by_return
    long_rows = _rows(out / "SYNTHETIC_national_x1.csv")
    assert list(long_rows[0]) == list(LONG_COLUMNS)
    assert {r["synthetic"] for r in long_rows} == {"1"}
    assert all(r["region"] == table.by_name[r["locality"]].region for r in long_rows)


def test_every_divergence_type_and_out_of_step_returns_are_planted(x1, labels):
    out, summary = x1
    types = Counter(r["divergence_type"] for r in labels if r["divergent"] == "1")
    assert set(types) == set(DIVERGENCE_TYPES)
    assert all(r["divergence_type"] == "" for r in labels if r["divergent"] == "0")
    rate = sum(types.values()) / len(labels)
    assert 0.06 <= rate <= 0.10
    assert summary["divergences"] == {t: types[t] for t in DIVERGENCE_TYPES}
    rets = _rows(out / "SYNTHETIC_returns_x1.csv")
    oos = [r for r in rets if r["out_of_step"] == "1"]
    assert 4 <= len(oos) <= 7
    assert len({r["region"] for r in oos}) == len(oos)  # one per region while regions last
    assert all(r["out_of_step_reason"] for r in oos)
    assert not any(r["out_of_step_reason"] for r in rets if r["out_of_step"] == "0")
    assert all(r["locality"] != "Leicestershire" for r in oos)
    # Support requests about 1.5% of answers, good practice about 4%.
    assert 0.01 <= sum(int(r["support_request"]) for r in labels) / len(labels) <= 0.025
    assert 0.025 <= sum(int(r["good_practice"]) for r in labels) / len(labels) <= 0.055


def test_labels_agree_with_the_codebook(labels, read_back):
    codebook = load_codebook()
    returns, _ = read_back
    narrative = {(rid, a.qid): a.narrative for rid, r in returns.items() for a in r.answers}
    for r in labels:
        q = codebook.get(r["qid"])
        code, dtype = r["code"], r["divergence_type"]
        values = _codes(code)
        scheme = set(q.code_values)
        cls = q.code(values[0]).answer_class if len(values) == 1 and values[0] in scheme else None
        assert r["text_class"] in ANSWER_CLASSES
        themes = [t for t in r["themes"].split(";") if t]
        negated = [t for t in r["negated_themes"].split(";") if t]
        assert all(t in THEMES for t in themes) and themes == sorted(themes, key=THEMES.index)
        assert set(negated) <= set(themes)
        where = f"{r['return_id']} {r['qid']} {dtype}"
        if dtype == "invalid_code":
            assert values and any(v not in scheme for v in values), where
            assert r["code_class"] == "invalid", where
        elif code:
            assert all(v in scheme for v in values), where
        if dtype == "no_response":
            assert code == "" or narrative[(r["return_id"], r["qid"])] == "", where
        else:
            assert code != "" and narrative[(r["return_id"], r["qid"])] != "", where
        if dtype == "hidden_issue":
            assert (r["qid"], code, r["text_class"]) == ("1.8", "0", "yes"), where
        if dtype == "overstated":
            assert cls == "yes" and r["text_class"] in ("in_progress", "partial"), where
        if dtype == "understated":
            assert cls in ("no", "unclear") and r["text_class"] == "yes", where
        if dtype == "contradiction":
            assert {cls, r["text_class"]} == {"yes", "no"}, where
        if dtype == "partners_mismatch":
            assert r["qid"] == "1.2" and set(values) != set(_codes(r["narrative_partners"])), where
        if dtype == "obstacle_mismatch":
            assert r["qid"] == "6.10" and set(values) != set(_codes(r["narrative_obstacles"])), where
        if not dtype and q.kind == "yes_no":
            assert len(values) == 1 and r["code_class"] == cls, where
            if not r["code_note"].startswith("nearest:"):
                assert cls == r["text_class"], where
        if not dtype and r["qid"] == "1.2":
            assert set(values) == set(_codes(r["narrative_partners"])), where
        if not dtype and r["qid"] == "6.10":
            assert set(values) == set(_codes(r["narrative_obstacles"])), where
        if q.kind != "yes_no" and dtype != "invalid_code":
            assert r["code_class"] == "", where


def test_generated_files_read_back_through_ingest(x1, labels, read_back):
    returns, problems = read_back
    assert len(returns) == N_LOCALITIES
    assert sum(len(r.answers) for r in returns.values()) == N_LOCALITIES * N_QUESTIONS
    assert all(r.synthetic for r in returns.values())
    assert set(returns) == {r["return_id"] for r in labels}
    table = load_localities()
    assert all(r.region == table.by_name[r.locality].region for r in returns.values())
    read_codes = {(rid, a.qid): a.code_raw for rid, r in returns.items() for a in r.answers}
    assert all(read_codes[(r["return_id"], r["qid"])] == r["code"] for r in labels)
    warned = Counter(p.code for p in problems)
    expected = Counter({
        "W104": sum(1 for r in labels if r["divergence_type"] == "invalid_code"),
        "W105": sum(1 for r in labels if r["divergence_type"] == "no_response" and r["code"] == ""),
        "W106": sum(1 for r in labels if r["divergence_type"] == "no_response" and r["code"] != ""),
    })
    assert warned == +expected


def test_six_returns_in_other_formats_are_not_repeated_in_the_long_csv(x1):
    out, summary = x1
    rets = _rows(out / "SYNTHETIC_returns_x1.csv")
    other = [r for r in rets if not r["file"].startswith("SYNTHETIC_national")]
    assert Counter(r["file"].rsplit(".", 1)[1] for r in other) == {"xlsx": 3, "txt": 3}
    assert "Leicestershire" not in {r["locality"] for r in other}
    long_ids = {r["return_id"] for r in _rows(out / "SYNTHETIC_national_x1.csv")}
    assert not long_ids & {r["return_id"] for r in other}
    assert len(long_ids) == N_LOCALITIES - 6
    for r in other:
        got = read_input(out / r["file"])
        assert [x.return_id for x in got.returns] == [r["return_id"]]


def test_scale_copies_have_their_own_ids_and_extra_formats_do_not_change(tmp_path):
    s1 = generate(tmp_path / "x1", scale=1, limit=12)
    s2 = generate(tmp_path / "x2", scale=2, limit=12)
    assert s2["returns"] == 24
    rets = _rows(tmp_path / "x2" / "SYNTHETIC_returns_x2.csv")
    ids = [r["return_id"] for r in rets]
    assert len(set(ids)) == 24
    in_csv = [i for i, r in zip(ids, rets) if r["file"] == "SYNTHETIC_national_x2.csv"]
    assert all(re.fullmatch(r"synthetic-x2-[a-z0-9-]+-[12]", i) for i in in_csv)
    extra = [n for n in s2["files"] if n.endswith((".xlsx", ".txt"))]
    assert len(extra) == 6 and extra == [n for n in s1["files"] if n.endswith((".xlsx", ".txt"))]
    for name in extra:
        assert (tmp_path / "x1" / name).read_bytes() == (tmp_path / "x2" / name).read_bytes(), name
    got = read_input(tmp_path / "x2" / "SYNTHETIC_national_x2.csv")
    assert sorted(r.return_id for r in got.returns) == sorted(in_csv)


def test_cli_synth_writes_synthetic_files_independent_of_hash_seed(x1, tmp_path):
    out, _ = x1
    env = dict(os.environ, PYTHONHASHSEED="12345")
    res = subprocess.run([sys.executable, "-m", "wvtext", "synth", "--out", str(tmp_path), "--no-extra-formats"],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "SYNTHETIC" in lines[0] and "152 returns" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "SYNTHETIC_labels_x1.csv", "SYNTHETIC_national_x1.csv", "SYNTHETIC_returns_x1.csv"]
    # Same returns whether or not six of them are written as xlsx/text: the labels are identical.
    assert (tmp_path / "SYNTHETIC_labels_x1.csv").read_bytes() == (out / "SYNTHETIC_labels_x1.csv").read_bytes()
    assert "SYNTHETIC" in subprocess.run([sys.executable, "-m", "wvtext", "synth", "--help"],
                                         capture_output=True, text=True, cwd=ROOT).stdout


def test_shipped_corpus_equals_a_fresh_generation(x1):
    out, summary = x1
    for name in summary["files"]:
        shipped = SHIPPED / name
        assert shipped.exists(), f"{shipped} is missing: run 'wvtext synth --out corpus/synthetic'"
        assert shipped.read_bytes() == (out / name).read_bytes(), (
            f"{shipped} differs from a fresh generation: run 'wvtext synth --out corpus/synthetic' and commit")
    stale = {p.name for p in SHIPPED.glob("SYNTHETIC_*")} - set(summary["files"])
    assert not stale, f"files in corpus/synthetic not made by 'wvtext synth' x1: {sorted(stale)}"
    assert sum((SHIPPED / n).stat().st_size for n in summary["files"]) < 6_000_000


def test_cli_synth_writes_into_the_working_folder_by_default(tmp_path, monkeypatch):
    """Without --out the corpus goes into wvtext-synth/ where the user is, never into the checkout."""
    from typer.testing import CliRunner

    from wvtext.cli import app

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["synth", "--no-extra-formats"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wvtext-synth"]
    assert (tmp_path / "wvtext-synth" / "SYNTHETIC_national_x1.csv").is_file()
    assert "wvtext-synth" in CliRunner().invoke(app, ["synth", "--help"]).output
