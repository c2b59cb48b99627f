"""Learning across returns: out-of-fold models of the codes (wvtext/across.py)."""
from __future__ import annotations

import json

from conftest import SEED_RETURN
from wvtext.across import MIN_RETURNS, AcrossEntry, blend_class, fit_across_returns
from wvtext.pipeline import ingest_files, run_text_stages
from wvtext.store import open_store

_WORDS = {"yes": ["operational", "running"], "no": ["absent", "nothing"], "in_progress": ["drafting", "soon"],
          "partial": ["some", "gaps"]}


def _entries(n_returns: int, per_class: int = 2) -> list[AcrossEntry]:
    out = []
    for r in range(n_returns):
        rid = f"R{r:03d}"
        for c, words in _WORDS.items():
            for k in range(per_class):
                qid = f"{list(_WORDS).index(c) + 1}.{k + 1}"
                out.append(AcrossEntry((rid, qid), rid, qid, c, {words[k % 2], "the", "team", f"area{r}"}, [0.0, 1.0]))
    return out


def test_too_few_returns_learn_nothing():
    res = fit_across_returns(_entries(MIN_RETURNS - 1))
    assert res.probs == {}
    assert f"needs at least {MIN_RETURNS}" in res.skipped


def test_the_codes_teach_the_corpus_words():
    res = fit_across_returns(_entries(25))
    assert not res.skipped and res.returns == 25
    assert res.oof_agreement > 0.9
    p = res.probs[("R000", "2.1")]  # coded no, words "absent"
    assert max(p, key=p.get) == "no"
    # The rules read yes with little confidence; the corpus says no: the blend follows the corpus.
    assert blend_class("yes", 0.55, p)[0] == "no"
    # Confident rules are not overruled by a model that is unsure.
    assert blend_class("yes", 0.95, {"yes": 0.3, "no": 0.4, "in_progress": 0.2, "partial": 0.1})[0] == "yes"


def test_an_answers_probabilities_never_depend_on_its_own_returns_codes():
    entries = _entries(25)
    before = fit_across_returns(entries).probs
    flipped = [AcrossEntry(e.key, e.return_id, e.qid, "no" if e.return_id == "R003" else e.code_class, e.words, e.dense)
               for e in entries]
    after = fit_across_returns(flipped).probs
    own = [k for k in before if k[0] == "R003"]
    assert own and all(before[k] == after[k] for k in own)
    # ... while the returns that trained on R003's codes do move.
    assert any(before[k] != after[k] for k in before if k[0] != "R003")


def test_same_input_same_probabilities():
    assert fit_across_returns(_entries(22)).probs == fit_across_returns(_entries(22)).probs


def test_classes_the_model_does_not_know_stay_the_rules():
    assert blend_class("unclear", 0.6, {"yes": 0.9, "no": 0.1}) == ("unclear", 0.6)
    assert blend_class("not_applicable", 0.8, {"yes": 0.9, "no": 0.1})[0] == "not_applicable"


def _analysed(tmp_path, paths, across):
    store = open_store(tmp_path / f"across_{across}.db")
    s = ingest_files(paths, store)
    counts = run_text_stages(store, s.return_ids, [], across=across)
    rows = {(a["return_id"], a["qid"]): (a["text_class"], a["divergent"], a["evidence"])
            for a in store.answer_analysis(s.return_ids)}
    store.close()
    return counts, rows


def test_one_return_is_read_by_the_rules_alone(tmp_path):
    counts, rows = _analysed(tmp_path, [SEED_RETURN], True)
    assert counts["across"]["skipped"].startswith("1 return(s)")
    assert counts["across"]["reclassed"] == 0
    assert rows == _analysed(tmp_path, [SEED_RETURN], False)[1]


def test_a_small_national_corpus_learns_and_keeps_evidence(tmp_path):
    from wvtext.synth import generate

    summary = generate(tmp_path / "corpus", seed=13, limit=24, extra_formats=False)
    paths = [tmp_path / "corpus" / f for f in summary["files"] if f.startswith("SYNTHETIC_national")]
    counts, rows = _analysed(tmp_path, paths, True)
    a = counts["across"]
    assert a["returns"] == 24 and not a["skipped"] and a["trained_on"] > 500
    assert a["reclassed"] > 0
    base = _analysed(tmp_path, paths, False)[1]
    changed = [k for k in rows if rows[k][0] != base[k][0]]
    assert len(changed) == a["reclassed"]
    # A re-classed answer still shows a sentence of its own narrative as evidence.
    assert all(rows[k][2] for k in changed)
    # Deterministic: a second run into a fresh store gives the same classes and evidence.
    (tmp_path / "again").mkdir()
    assert _analysed(tmp_path / "again", paths, True)[1] == rows


def test_cli_records_what_the_cross_return_model_did(tmp_path):
    from typer.testing import CliRunner

    from wvtext.cli import app

    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyse", str(SEED_RETURN), "--out", str(out), "--db", str(tmp_path / "w.db"),
                                   "--across-returns"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["settings"]["across_returns"] is True
    assert manifest["across_returns"]["skipped"].startswith("1 return(s)")
    assert "the rules decided alone" in res.output
    assert "Learning across returns" in (out / "report.html").read_text(encoding="utf-8")
    assert "asked for, not used: 1 return(s)" in (out / "report.html").read_text(encoding="utf-8")


def test_returns_already_in_the_store_teach_the_model(tmp_path):
    from wvtext.synth import generate

    summary = generate(tmp_path / "corpus", seed=13, limit=24, extra_formats=False)
    paths = [tmp_path / "corpus" / f for f in summary["files"] if f.startswith("SYNTHETIC_national")]
    store = open_store(tmp_path / "w.db")
    rids = sorted(set(ingest_files(paths, store).return_ids))
    first, later = rids[:16], rids[16:]
    # 16 returns in the run would be too few; the 8 others in the database make 24.
    a = run_text_stages(store, first, [], across=True)["across"]
    assert a["returns"] == 24 and not a["skipped"] and a["reclassed"] > 0
    assert store.answer_analysis(later) == []  # only this run's answers are written
    before = {(x["return_id"], x["qid"]): x["text_class"] for x in store.answer_analysis(first)}
    a = run_text_stages(store, later, [], across=True)["across"]
    assert a["returns"] == 24 and not a["skipped"]
    # The earlier run's returns trained the model; their stored classes were not touched.
    assert {(x["return_id"], x["qid"]): x["text_class"] for x in store.answer_analysis(first)} == before
    store.close()
