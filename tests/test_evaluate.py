"""The benchmark's measures: micro F1 and its bootstrap intervals (how sure a figure on a small
labelled set is)."""
import csv

import pytest

from conftest import ROOT
from wvtext.evaluate import (bootstrap_accuracy, bootstrap_f1, bootstrap_f1_difference, by_cluster,
                             multilabel_scores, reliability, review_yield, split_set, unit_counts)

LABELS = ["chc", "housing", "advocacy"]


def test_unit_counts_sum_to_the_micro_counts():
    gold = {"a": {"chc", "housing"}, "b": {"advocacy"}, "c": set()}
    pred = {"a": {"chc"}, "b": {"advocacy", "chc"}}
    counts = unit_counts(gold, pred)
    assert counts == [(1, 0, 1), (1, 1, 0), (0, 0, 0)]
    micro = multilabel_scores(gold, pred, LABELS)["micro"]
    assert tuple(map(sum, zip(*counts))) == (micro["tp"], micro["fp"], micro["fn"])
    assert unit_counts(gold, pred, ["chc"]) == [(1, 0, 0), (0, 1, 0), (0, 0, 0)]


def test_bootstrap_interval_holds_the_figure_is_seeded_and_narrows_with_more_texts():
    # 40 texts: 30 right (tp 1), 6 with a false positive, 4 with a miss
    counts = [(1, 0, 0)] * 30 + [(1, 1, 0)] * 6 + [(0, 0, 1)] * 4
    tp, fp, fn = map(sum, zip(*counts))
    f1 = 2 * tp / (2 * tp + fp + fn)
    lo, hi = bootstrap_f1(counts)
    assert lo < f1 < hi and 0 < lo and hi <= 1
    assert bootstrap_f1(counts) == (lo, hi)  # seeded: the same counts give the same interval
    lo4, hi4 = bootstrap_f1(counts * 4)  # four times the texts, the same rates
    assert hi4 - lo4 < (hi - lo) * 0.7  # about half as wide (1/sqrt(4))
    assert bootstrap_f1([(1, 0, 0)] * 10) == (1.0, 1.0)  # no error in any resample
    # a resample without the one labelled text has no F1 (not an F1 of 0): left out
    assert bootstrap_f1([(1, 0, 0)] + [(0, 0, 0)] * 9) == (1.0, 1.0)


def test_bootstrap_accuracy_and_a_paired_difference():
    right = [1] * 46 + [0] * 15  # 0.754 of 61, as the real narrative class
    lo, hi = bootstrap_accuracy(right)
    assert lo < 46 / 61 < hi and hi - lo > 0.15  # 61 answers cannot pin an accuracy to a few points
    a = [(1, 0, 0)] * 30 + [(0, 1, 1)] * 10
    assert bootstrap_f1_difference(a, a) == (0.0, 0.0)  # the same system: no difference in any resample
    b = [(1, 0, 0)] * 10 + [(0, 1, 1)] * 30
    lo, hi = bootstrap_f1_difference(a, b)
    assert 0 < lo < hi  # A is clearly better on these texts
    with pytest.raises(ValueError):
        bootstrap_f1_difference(a, b[:-1])
    with pytest.raises(ValueError):
        bootstrap_f1([])


def test_a_clustered_bootstrap_resamples_whole_clusters_and_widens_where_clusters_differ():
    assert by_cluster([(1, 0, 0), (0, 1, 0), (1, 0, 1)], ["s1", "s2", "s1"]) == [[2, 0, 1, 2], [0, 1, 0, 1]]
    assert by_cluster([1, 0, 1], ["a", "a", "b"]) == [[1, 2], [1, 1]]  # (right, texts) per cluster
    with pytest.raises(ValueError):
        by_cluster([1, 0], ["a"])
    # 60 texts in 6 sections: three sections all right, three mostly wrong. Texts of a section
    # resemble each other, so resampling sections gives a wider interval than resampling texts.
    right, sections = [], []
    for k in range(6):
        right += [1] * 10 if k % 2 == 0 else [1] * 3 + [0] * 7
        sections += [f"s{k}"] * 10
    lo, hi = bootstrap_accuracy(right)
    clo, chi = bootstrap_accuracy(right, clusters=sections)
    assert clo <= lo and chi >= hi and (chi - clo) > (hi - lo) * 1.3
    assert clo < sum(right) / len(right) < chi
    # the same counts spread evenly over the sections: about as wide as resampling texts
    even = [f"s{i % 6}" for i in range(60)]
    elo, ehi = bootstrap_accuracy(right, clusters=even)
    assert (ehi - elo) < (chi - clo)
    counts = [(1, 0, 0) if r else (0, 1, 1) for r in right]
    flo, fhi = bootstrap_f1(counts, clusters=sections)
    assert (fhi - flo) > (lambda i: i[1] - i[0])(bootstrap_f1(counts))


def test_the_real_reader_agreement_interval_is_computed_on_the_real_labels():
    """On the real Leicestershire labels: the independent reader against the annotator, the human
    figure the benchmark reports beside wvtext's, with its interval."""
    def themes(name, key):
        with open(ROOT / "corpus" / "labelled" / name, newline="", encoding="utf-8") as fh:
            return {r[key]: split_set(r["themes"]) for r in csv.DictReader(fh)}

    gold, reader = themes("leicestershire_answers.csv", "qid"), themes("leicestershire_reader3.csv", "qid")
    micro = multilabel_scores(gold, reader, sorted(set().union(*gold.values())))["micro"]["f1"]
    lo, hi = bootstrap_f1(unit_counts(gold, reader))
    assert lo <= micro <= hi and hi - lo < 0.2


def test_negation_marks_count_only_the_themes_the_labels_carry_or_deny():
    from types import SimpleNamespace as S

    from wvtext.evaluate import negation_marks

    found = [{"chc": S(negated=True), "housing": S(negated=True), "advocacy": S(negated=False)},
             {"chc": S(negated=False)}]
    # text 1: chc denied (right), housing flagged but carried (a false flag), advocacy carried and not
    # flagged (right); text 2: chc denied but not flagged (missed); a flag on a theme the labels do not
    # carry would not count
    got = negation_marks(found, [{"chc", "housing", "advocacy"}, {"chc"}], [{"chc"}, {"chc"}])
    assert (got["tp"], got["fp"], got["fn"]) == (1, 1, 1)
    assert got["precision"] == 0.5 and got["recall"] == 0.5 and got["f1"] == 0.5
    assert negation_marks([{"chc": S(negated=True)}], [set()], [set()])["fp"] == 0


def test_reliability_bins_the_confidences_and_measures_their_gap_to_the_share_right():
    # ten themes at 0.95, nine of them right; ten at 0.25, five right; one at exactly 1.0, right
    pairs = [(0.95, i < 9) for i in range(10)] + [(0.25, i < 5) for i in range(10)] + [(1.0, True)]
    got = reliability(pairs)
    assert [(b["from"], b["n"]) for b in got["bins"]] == [(0.2, 10), (0.9, 11)]  # 1.0 falls in the last bin
    top = got["bins"][1]
    assert top["share_right"] == round(10 / 11, 3) and top["mean_confidence"] == round((9.5 + 1.0) / 11, 3)
    # weighted gaps: 10/21 * |0.5 - 0.25| + 11/21 * |10/11 - 10.5/11|
    assert got["ece"] == round(10 / 21 * 0.25 + 11 / 21 * abs(10 / 11 - 10.5 / 11), 3)
    brier = (9 * 0.05 ** 2 + 0.95 ** 2 + 5 * 0.75 ** 2 + 5 * 0.25 ** 2) / 21
    assert got["brier"] == round(brier, 3)
    # a confidence that is the share right has no gap
    assert reliability([(0.75, True)] * 3 + [(0.75, False)])["ece"] == 0.0


def test_review_yield_counts_the_errors_among_the_least_certain():
    # nearest 0.5 first: 0.52 (carried, wrong), 0.45 (not carried, wrong), 0.7 (right), 0.95 (right),
    # 0.05 (not carried, yet given: wrong, and far from the threshold)
    pairs = [(0.95, True), (0.05, True), (0.52, False), (0.7, True), (0.45, True)]
    got = review_yield(pairs, fractions=(0.4, 1.0))
    assert got["scored"] == 5 and got["errors"] == 3
    first = {f["fraction"]: f for f in got["first"]}
    assert (first[0.4]["reviewed"], first[0.4]["errors_found"]) == (2, 2)
    assert first[1.0]["errors_found"] == 3 and first[1.0]["share_of_errors"] == 1.0
