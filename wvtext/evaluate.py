"""Measuring wvtext against labelled sets (the real ones in corpus/labelled, the synthetic
labels in corpus/synthetic). Used by `bench/run.py`; nothing here tunes anything."""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["prf", "multilabel_scores", "negation_marks", "read_labels", "split_set", "unit_counts", "bootstrap_f1", "bootstrap_accuracy",
           "bootstrap_f1_difference", "reliability", "review_yield", "BOOTSTRAP_RESAMPLES", "BOOTSTRAP_SEED"]

# How sure a figure on a small labelled set is: a percentile bootstrap over its texts (the unit
# that was sampled and labelled), seeded, so the same predictions give the same interval.
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 13


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn,
            "support": tp + fn}


def multilabel_scores(gold: dict, pred: dict, labels: list[str]) -> dict:
    """Per-label and micro/macro P/R/F1 for multi-label sets keyed alike (missing pred = empty)."""
    per, TP, FP, FN = {}, 0, 0, 0
    for lab in labels:
        tp = sum(1 for k, g in gold.items() if lab in g and lab in pred.get(k, set()))
        fp = sum(1 for k, g in gold.items() if lab not in g and lab in pred.get(k, set()))
        fn = sum(1 for k, g in gold.items() if lab in g and lab not in pred.get(k, set()))
        per[lab] = prf(tp, fp, fn)
        TP, FP, FN = TP + tp, FP + fp, FN + fn
    with_support = [v for v in per.values() if v["support"]]
    macro = {m: round(sum(v[m] for v in with_support) / len(with_support), 3) if with_support else 0.0
             for m in ("precision", "recall", "f1")}
    return {"per_label": per, "micro": prf(TP, FP, FN), "macro": macro, "n": len(gold)}


def negation_marks(found: list[dict], carried: list[set], negated: list[set]) -> dict:
    """Negation marks against labels: of the themes a text carries by the labels (or marks negated)
    and wvtext finds, how many it marks negated where the labels do (precision, recall, F1)."""
    tp = fp = fn = 0
    for s, c, n in zip(found, carried, negated):
        for theme in set(s) & (c | n):
            said, marked = theme in n, s[theme].negated
            tp, fp, fn = tp + (said and marked), fp + (marked and not said), fn + (said and not marked)
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def read_labels(path: Path, key: str | tuple[str, ...]) -> dict:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = (key,) if isinstance(key, str) else key
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


def split_set(value: str) -> set[str]:
    return {v.strip() for v in (value or "").split(";") if v.strip()}


def unit_counts(gold: dict, pred: dict, labels: list[str] | None = None) -> list[tuple[int, int, int]]:
    """Per text (in `gold`'s order): its (tp, fp, fn) over `labels` (every label when None), the
    counts that micro F1 sums. Missing pred = empty."""
    out = []
    for k, g in gold.items():
        p = pred.get(k, set())
        if labels is not None:
            g, p = g & set(labels), p & set(labels)
        out.append((len(g & p), len(p - g), len(g - p)))
    return out


def _resampled_sums(rows, resamples: int, seed: int):
    """Column sums of `resamples` bootstrap resamples of the rows (n, k): (resamples, k). Drawn as
    multinomial weights in chunks, so a corpus of thousands of texts needs little memory."""
    import numpy as np

    rows = np.asarray(rows, dtype=float)
    n = len(rows)
    if n == 0:
        raise ValueError("no texts to resample")
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, resamples, 250):
        w = rng.multinomial(n, np.full(n, 1.0 / n), size=min(250, resamples - start))
        out.append(w @ rows)
    return np.vstack(out)


def _f1_of(sums):
    import numpy as np

    tp, fp, fn = sums[:, 0], sums[:, 1], sums[:, 2]
    denom = 2 * tp + fp + fn
    # a resample with nothing labelled or found has no F1 (not 0): left out of the interval
    return np.divide(2 * tp, denom, out=np.full_like(tp, np.nan), where=denom > 0)


def _interval(values, level: float) -> tuple[float, float]:
    import numpy as np

    values = values[~np.isnan(values)]
    lo, hi = np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2])
    return round(float(lo), 3), round(float(hi), 3)


def by_cluster(rows, clusters) -> list[list[float]]:
    """Per-text rows summed within each cluster (in first-seen order), with the number of texts
    as a last column. A bootstrap over these rows resamples whole clusters (the sections of a
    return, the documents items came from): texts of one cluster resemble each other, so
    resampling texts one by one gives too narrow an interval."""
    import numpy as np

    rows = [np.atleast_1d(np.asarray(r, dtype=float)).tolist() for r in rows]
    if len({len(r) for r in rows}) > 1:
        raise ValueError("every text needs the same number of counts")
    clusters = list(clusters)
    if len(clusters) != len(rows):
        raise ValueError(f"{len(rows)} texts but {len(clusters)} cluster names")
    out: dict = {}
    for row, c in zip(rows, clusters):
        acc = out.setdefault(c, [0.0] * (len(row) + 1))
        for i, v in enumerate(row):
            acc[i] += v
        acc[-1] += 1
    return list(out.values())


def bootstrap_f1(counts, *, clusters=None, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of micro F1 from per-text (tp, fp, fn) (`unit_counts`);
    with `clusters` (one name per text), whole clusters are resampled (`by_cluster`)."""
    if clusters is not None:
        counts = [r[:3] for r in by_cluster(counts, clusters)]
    return _interval(_f1_of(_resampled_sums(counts, resamples, seed)), level)


def bootstrap_accuracy(correct, *, clusters=None, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of an accuracy from per-text right (1) or wrong (0); with
    `clusters` (one name per text), whole clusters are resampled (`by_cluster`)."""
    if clusters is not None:
        sums = _resampled_sums(by_cluster(correct, clusters), resamples, seed)
        return _interval(sums[:, 0] / sums[:, 1], level)
    sums = _resampled_sums([[float(c)] for c in correct], resamples, seed)
    return _interval(sums[:, 0] / len(correct), level)


def bootstrap_f1_difference(counts_a, counts_b, *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                            level: float = 0.95) -> tuple[float, float]:
    """Interval of micro F1 of A minus micro F1 of B on the same texts (a paired bootstrap: each
    resample draws the same texts for both), per-text counts of each in the same order. An
    interval that holds 0 says the labelled set cannot tell A and B apart."""
    import numpy as np

    if len(counts_a) != len(counts_b):
        raise ValueError("A and B must be scored on the same texts")
    sums = _resampled_sums(np.hstack([np.asarray(counts_a, float), np.asarray(counts_b, float)]), resamples, seed)
    return _interval(_f1_of(sums[:, :3]) - _f1_of(sums[:, 3:]), level)


# How far a theme's confidence reads as a probability (`reliability`), and what reviewing the least
# certain first finds (`review_yield`): pairs (confidence, whether the labels give the theme) for
# every theme wvtext scores on a text, carried or not (those the store keeps and review lists).
RELIABILITY_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def reliability(pairs, edges=RELIABILITY_EDGES) -> dict:
    """Per bin of confidence (the last bin holds 1.0): how many scored themes, their mean confidence
    and the share the labels give; the expected calibration error (each bin's gap between the two,
    weighted by its share of the pairs) and the Brier score (mean squared gap, per pair). A
    confidence that reads as a probability has a small error: of the themes at 0.7, about 7 in 10
    right."""
    pairs = [(float(c), bool(g)) for c, g in pairs]
    bins, ece = [], 0.0
    for k, (lo, hi) in enumerate(zip(edges, edges[1:])):
        last = k == len(edges) - 2
        got = [(c, g) for c, g in pairs if lo <= c < hi or (last and c == hi)]
        if not got:
            continue
        mean_c = sum(c for c, _ in got) / len(got)
        right = sum(g for _, g in got) / len(got)
        ece += len(got) / len(pairs) * abs(right - mean_c)
        bins.append({"from": lo, "to": hi, "n": len(got), "mean_confidence": round(mean_c, 3), "share_right": round(right, 3)})
    brier = sum((c - g) ** 2 for c, g in pairs) / len(pairs) if pairs else 0.0
    return {"n": len(pairs), "bins": bins, "ece": round(ece, 3), "brier": round(brier, 3)}


def review_yield(pairs, fractions=(0.1, 0.2, 0.3, 0.5), threshold: float = 0.5) -> dict:
    """Reviewing scored themes least certain first (nearest the threshold, as `wvtext review --kind
    theme` lists them; ties in the given order): for each fraction of the list, how many of the
    decisions that disagree with the labels (carried and not given, given and not carried) it holds."""
    pairs = [(float(c), bool(g)) for c, g in pairs]
    order = sorted(range(len(pairs)), key=lambda i: abs(pairs[i][0] - threshold))
    wrong = [(pairs[i][0] >= threshold) != pairs[i][1] for i in order]
    total = sum(wrong)
    out = {"scored": len(pairs), "errors": total, "first": []}
    for f in fractions:
        k = round(len(pairs) * f)
        found = sum(wrong[:k])
        out["first"].append({"fraction": f, "reviewed": k, "errors_found": found,
                             "share_of_errors": round(found / total, 3) if total else 0.0})
    return out
