"""The learned negation decision (`wvtext.themes.negation_model`): which themes a text mentions only
to deny them, read from how the denial is put, over the rules' marks."""
import csv
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from wvtext.errors import WvtextError
from wvtext.learned import LinearModel, load_model
from wvtext.themes.components import doc_view
from wvtext.themes.model import LEARNED_TERM
from wvtext.themes.negation_model import NEGATION_FEATURES, model_decides, negation_features
from wvtext.themes.pipeline import extract_themes, make_nlp, with_questions

QUESTION = "Are there any issues with these arrangements?"


def _features(text: str, theme: str, question: str | None = QUESTION) -> dict[str, float]:
    nlp = make_nlp(learned=False)
    doc = next(nlp.pipe(with_questions(nlp, [text], [question])))
    score = doc._.wv_themes[theme]
    return dict(zip(NEGATION_FEATURES, negation_features(doc_view(doc), score, question is None)))


@pytest.mark.parametrize("text, theme, feature, on", [
    ("There are no ordinary residence disputes at present.", "ordinary_residence", "trouble_after", 1.0),
    ("Ordinary residence has not been reviewed for this group.", "ordinary_residence", "trouble_after", 0.0),
    ("There are no ordinary residence disputes at present.", "ordinary_residence", "no_before", 1.0),
    ("The advocacy contract does not cover family carers.", "family_engagement", "scope_verb", 1.0),
    ("Family carers are not routinely offered support.", "family_engagement", "partial", 1.0),
    ("Family carers are not offered support.", "family_engagement", "partial", 0.0),
    ("Family carers are not offered support.", "family_engagement", "negation_after", 1.0),
    ("Nobody from the area is placed out of area.", "out_of_area", "quantified", 1.0),
    ("N/A - there is no pooled budget.", "pooled_budgets", "not_applicable", 1.0),
    ("This question does not apply: there is no pooled budget.", "pooled_budgets", "not_applicable", 1.0),
    ("There is no pooled budget.", "pooled_budgets", "not_applicable", 0.0),
    ("There is no pooled budget.", "pooled_budgets", "exists", 1.0),
    ("No pooled budget yet, but one is planned.", "pooled_budgets", "contrast", 1.0),
    ("No pooled budget yet, and none is planned.", "pooled_budgets", "contrast", 0.0),
    ("No pooled budget yet, but one is planned.", "pooled_budgets", "in_time", 1.0),
    ("We have no pooled budget.", "pooled_budgets", "in_time", 0.0),
    ("We have no pooled budget.", "pooled_budgets", "exists", 0.0),
    ("The pooled budget has not been agreed.", "pooled_budgets", "no_before", 0.0),
    ("The pooled budget has not been agreed.", "pooled_budgets", "negation_after", 1.0),
    ("There is no pooled budget.", "pooled_budgets", "negation_after", 0.0),
    ("There is no pooled budget.", "pooled_budgets", "quantified", 0.0),
    ("The advocacy contract does not pay for family carers.", "family_engagement", "scope_verb", 0.0),
    ("There is no pooled budget.", "pooled_budgets", "scope_verb", 0.0),
    ("The costs of the pooled budget have not been agreed.", "pooled_budgets", "of_phrase", 1.0),
    ("The pooled budget has not been agreed.", "pooled_budgets", "of_phrase", 0.0),
    ("No. There is no pooled budget.", "pooled_budgets", "opens_denying", 1.0),
    ("Not yet. There is no pooled budget.", "pooled_budgets", "opens_not", 1.0),
    ("Not yet. There is no pooled budget.", "pooled_budgets", "opens_denying", 0.0),
    ("N/A. There is no pooled budget.", "pooled_budgets", "opens_denying", 1.0),
    ("There is no pooled budget, which we may consider next year.", "pooled_budgets", "hedged", 1.0),
    ("There is no pooled budget.", "pooled_budgets", "hedged", 0.0),
    ("There are no issues with CHC, ordinary residence, s117 or advocacy.", "ordinary_residence", "in_list", 1.0),
    ("There is no pooled budget.", "pooled_budgets", "in_list", 0.0),
    # a word hyphenated inside counts once, as the rules count it
    ("We have had no NHS-CHC disputes this year.", "chc", "no_before", 1.0),
    ("There have been no ordinary residence-related disputes.", "ordinary_residence", "trouble_after", 1.0),
    ("We have not agreed the level of NHS-CHC funding.", "chc", "of_phrase", 1.0),  # the word begins at "NHS"
    ("The cost of LD-advocacy has not been agreed.", "advocacy", "of_phrase", 1.0),
    # a negation after the term counts only where none stands before it
    ("There is no pooled budget and none is planned.", "pooled_budgets", "negation_after", 0.0),
    # trouble denied after the term, not only right after it (session 39)
    ("Ordinary residence is not an issue for this cohort.", "ordinary_residence", "trouble_after", 1.0),
    ("Housing is not an obstacle for the people concerned.", "housing", "trouble_after", 1.0),
    ("The advocacy contract does not cover family carers.", "advocacy", "trouble_after", 0.0),
    # having denied right before the term counts as "no" before it (session 39)
    ("We do not have a crisis team.", "crisis_response", "no_before", 1.0),
    ("We do not currently have a crisis team.", "crisis_response", "no_before", 1.0),
    ("We haven't got a crisis team.", "crisis_response", "no_before", 1.0),
    ("We do not always have a crisis team on call.", "crisis_response", "no_before", 0.0),
    ("We do not have enough crisis beds.", "crisis_response", "no_before", 0.0),
])
def test_negation_features_read_how_a_denial_is_put(text, theme, feature, on):
    assert _features(text, theme)[feature] == on


def test_negation_features_count_the_affirmed_mentions_beside_the_denied():
    f = _features("The pooled budget covers residential care. There is no pooled budget for children.", "pooled_budgets")
    assert f["share_negated"] == 0.5 and f["affirmed_sentences"] == pytest.approx(1 / 3) and f["rule_all"] == 0.0
    assert f["mentions"] == pytest.approx(2 / 5)
    f = _features("There is no pooled budget.", "pooled_budgets")
    assert f["share_negated"] == 1.0 and f["rule_all"] == 1.0 and f["affirmed_sentences"] == 0.0
    assert 0.0 < f["lexicon_confidence"] < 1.0


def test_the_features_read_at_run_time_are_those_training_reads():
    """The component, after the learned theme model, computes each decided theme's features as
    `wvtext train` does from the lexicon's parse (the lexicon's own confidence, item or narrative,
    the same mentions), on real training texts."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text
    from wvtext.themes.negation_model import _TextContext

    codebook = load_codebook()
    with open(ROOT / "corpus" / "training" / "SYNTHETIC_voices_U.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[::4]
    texts, questions = [r["narrative"] for r in rows], [question_text(codebook, r["qid"]) for r in rows]
    lexicon, full = make_nlp(learned=False), make_nlp()
    full.remove_pipe("wvtext_negation_model")  # the component's input: the theme model's scores
    compared = 0
    for a, b in zip(lexicon.pipe(with_questions(lexicon, texts, questions)), full.pipe(with_questions(full, texts, questions))):
        va, vb = doc_view(a), doc_view(b)
        for t, sa in a._.wv_themes.items():
            if model_decides(va, sa):
                sb = b._.wv_themes[t]
                assert model_decides(vb, sb)
                assert negation_features(va, sa, False) == negation_features(vb, sb, False, _TextContext(vb.norms))
                compared += 1
    assert compared >= 10


def _model_folder(tmp_path: Path, bias: float) -> Path:
    """A negation model that says the same whatever the features: negated (bias > 0) or not."""
    folder = tmp_path / "learned"
    folder.mkdir(parents=True)
    model = LinearModel("negation", ("negated",), NEGATION_FEATURES, {}, np.zeros((1, len(NEGATION_FEATURES))),
                        np.zeros((0, 1)), np.array([bias]), 0.5, {}, 1.0)
    (folder / "negation_model.json").write_text(json.dumps(model.to_json()), encoding="utf-8")
    return folder


def test_the_model_decides_only_where_the_rules_read_a_denial(tmp_path, monkeypatch):
    monkeypatch.setenv("WVTEXT_LEARNED", str(_model_folder(tmp_path, -20.0)))  # always "not negated"
    nlp = make_nlp()
    denied = next(extract_themes(["There is no pooled budget."], nlp=nlp, questions=[QUESTION]))["pooled_budgets"]
    assert not denied.negated  # the model's decision ...
    assert all(m.negated for m in denied.mentions)  # ... and the rule's mark kept as evidence
    # A label over a null entry denies by its form: the rule's mark stands.
    label = next(extract_themes(["Ordinary residence: none."], nlp=nlp, questions=[QUESTION]))["ordinary_residence"]
    assert label.negated
    monkeypatch.setenv("WVTEXT_LEARNED", str(_model_folder(tmp_path / "always", 20.0)))  # always "negated"
    nlp = make_nlp()
    # No mention read as denied: the model is not asked, and the theme is not negated.
    assert not next(extract_themes(["The pooled budget is in place."], nlp=nlp, questions=[QUESTION]))["pooled_budgets"].negated
    assert next(extract_themes(["There is no pooled budget."], nlp=nlp, questions=[QUESTION]))["pooled_budgets"].negated


def test_the_component_reads_an_item_as_an_item_and_an_answer_as_an_answer(tmp_path, monkeypatch):
    """A model that flags only items: the component tells an item (no question) from a narrative."""
    folder = _model_folder(tmp_path, -10.0)
    path = folder / "negation_model.json"
    model = json.loads(path.read_text(encoding="utf-8"))
    model["dense_w"][0][NEGATION_FEATURES.index("item")] = 20.0
    path.write_text(json.dumps(model), encoding="utf-8")
    monkeypatch.setenv("WVTEXT_LEARNED", str(folder))
    nlp = make_nlp()
    assert next(extract_themes(["There is no pooled budget."], nlp=nlp))["pooled_budgets"].negated
    assert not next(extract_themes(["There is no pooled budget."], nlp=nlp, questions=[QUESTION]))["pooled_budgets"].negated


def test_model_decides_leaves_a_theme_found_on_words_alone_to_its_own_reading():
    nlp = make_nlp(learned=False)
    doc = next(nlp.pipe(with_questions(nlp, ["There is no pooled budget."], [QUESTION])))
    view, score = doc_view(doc), doc._.wv_themes["pooled_budgets"]
    assert model_decides(view, score)
    learned = replace(score, negated=True, mentions=[replace(m, term=LEARNED_TERM + "pool") for m in score.mentions])
    assert not model_decides(view, learned)


@pytest.mark.parametrize("text, theme, negated", [
    ("There are no ordinary residence disputes at present.", "ordinary_residence", True),
    ("Nobody from the area is placed out of area.", "out_of_area", True),
    ("N/A - there is no pooled budget.", "pooled_budgets", True),
    # a gap in what is there: the rule reads the mention as denied, the shipped model does not
    ("The advocacy contract does not cover family carers.", "family_engagement", False),
    ("No. Family carers are not routinely offered support through the reviews, but most have a named contact.",
     "family_engagement", False),
])
def test_the_shipped_model_tells_a_theme_denied_from_a_gap_described(text, theme, negated):
    rule = next(extract_themes([text], nlp=make_nlp(learned=False), questions=[QUESTION]))[theme]
    decided = next(extract_themes([text], nlp=make_nlp(), questions=[QUESTION]))[theme]
    assert rule.negated  # every mention reached by a negation
    assert decided.negated == negated


def test_a_model_file_of_another_kind_or_other_features_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "learned"
    folder.mkdir()
    stance = json.loads((ROOT / "models" / "learned" / "stance_model.json").read_text(encoding="utf-8"))
    (folder / "negation_model.json").write_text(json.dumps(stance), encoding="utf-8")
    monkeypatch.setenv("WVTEXT_LEARNED", str(folder))
    with pytest.raises(WvtextError, match="negation_model.json: not a negation model"):
        make_nlp()
    shipped = json.loads((ROOT / "models" / "learned" / "negation_model.json").read_text(encoding="utf-8"))
    shipped["dense_names"] = shipped["dense_names"][:-1] + ["something_else"]
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(WvtextError, match="made for other features"):
        load_model(str(bad))
    shipped["dense_names"] = list(NEGATION_FEATURES)
    shipped["bias"] = [float("nan")]
    bad.write_text(json.dumps(shipped), encoding="utf-8")
    load_model.cache_clear()
    with pytest.raises(WvtextError, match="damaged model file"):
        load_model(str(bad))


def test_the_shipped_model_records_how_it_was_chosen():
    meta = json.loads((ROOT / "models" / "learned" / "negation_model.json").read_text(encoding="utf-8"))["meta"]
    assert meta["development_false_marks"] <= meta["rule_alone"]["development_false_marks"]
    assert meta["heldout_groups"]["f1"] > meta["rule_alone"]["heldout_groups"]["f1"]
    assert set(meta["training_files"]) == {p.name for p in (ROOT / "corpus" / "training").glob("*.csv")}


def test_a_negated_theme_missing_from_the_row_s_themes_is_refused_with_file_row_and_field(tmp_path):
    from wvtext.train import read_training

    folder = tmp_path / "training"
    folder.mkdir()
    src = ROOT / "corpus" / "training" / "SYNTHETIC_voices_A.csv"
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:3]
    rows[1]["negated_themes"] = "chc"
    rows[1]["themes"] = "housing"
    _write(folder / src.name, rows)
    with pytest.raises(WvtextError, match=r"SYNTHETIC_voices_A.csv, row 3, field negated_themes: chc not among the row's themes"):
        read_training(folder, labels="writers")
    # with the readers' labels (the default) the error names the reader's columns
    rows[1].update(negated_themes="", themes="", reader_negated_themes="chc", reader_themes="housing")
    _write(folder / src.name, rows)
    with pytest.raises(WvtextError, match=r"row 3, field reader_negated_themes: chc not among the row's reader_themes"):
        read_training(folder)
    # an id that is no theme at all is named as such
    rows[1].update(reader_negated_themes="pooled_budget", reader_themes="pooled_budgets")
    _write(folder / src.name, rows)
    with pytest.raises(WvtextError, match=r"field reader_negated_themes: unknown theme id\(s\) pooled_budget"):
        read_training(folder)


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_training_without_negation_labels_stops_before_any_model_is_fitted(tmp_path):
    from wvtext.train import train_all

    folder = tmp_path / "training"
    folder.mkdir()
    for src in sorted((ROOT / "corpus" / "training").glob("SYNTHETIC_voices_[AB].csv")):
        with open(src, newline="", encoding="utf-8") as fh:
            rows = [{k: v for k, v in r.items() if "negated" not in k} for r in list(csv.DictReader(fh))[:20]]
        _write(folder / src.name, rows)
    said = []
    with pytest.raises(WvtextError, match="no training text marks a theme negated"):
        train_all(tmp_path / "out", folder, progress=said.append, labels="writers")
    assert said == [] and not (tmp_path / "out").exists()
