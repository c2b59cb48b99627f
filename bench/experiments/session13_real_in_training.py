"""Session 13 experiment: does the theme model gain from learning on the real labelled sets?

Each real source document is held out in turn (the Leicestershire return's answers together with
the seed items drawn from it, seed 002; the items of seed 001; of seed 003; of seed 004). The
theme model is fitted on the training sets of corpus/training plus the other real documents
(each real text weighted `--weights`), and scores the held-out document. Nothing is chosen on the
held-out document: C, blend and threshold stay as shipped. The out-of-document figure is what a
new return or report in a voice the model has not seen would get.

    .venv/bin/python bench/experiments/session13_real_in_training.py [--weights 0,1,3,10]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from wvtext import train as T  # noqa: E402
from wvtext.evaluate import read_labels, split_set  # noqa: E402
from wvtext.ingest import read_input  # noqa: E402
from wvtext.paths import corpus_dir  # noqa: E402
from wvtext.pipeline import item_text  # noqa: E402
from wvtext.themes.lexicon import THEMES  # noqa: E402


def real_examples() -> list[T.Example]:
    c = corpus_dir()
    ret = read_input(c / "returns" / "leicestershire_2013_stocktake.txt").returns[0]
    gold_a = read_labels(c / "labelled" / "leicestershire_answers.csv", "qid")
    items = read_input(c / "items" / "seed_items.csv").items
    gold_i = read_labels(c / "labelled" / "seed_items_themes.csv", "item_id")
    out = [T.Example("real seed002", a.narrative, frozenset(split_set(gold_a[a.qid]["themes"])), a.qid)
           for a in ret.answers if a.qid in gold_a]
    out += [T.Example("real " + i["item_id"].split("-")[0], item_text(i), frozenset(split_set(gold_i[i["item_id"]]["themes"])))
            for i in items if i["item_id"] in gold_i]
    return out


def fit(X, y, C, sw):
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return None, (-8.0 if y.max() == 0 else 8.0)
    clf = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=T.SEED)
    clf.fit(X, y, sample_weight=sw)
    return clf.coef_[0], float(clf.intercept_[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="0,1,3,10")
    ap.add_argument("--C", type=float, default=30.0)
    ap.add_argument("--blend", type=float, default=0.6)
    ap.add_argument("--threshold", type=float, default=0.4)
    a = ap.parse_args()
    ts = T.read_training(labels="readers")
    real = real_examples()
    ex = ts.examples + real
    _, docs = T._parse([e.text for e in ex])
    qs = T._questions(ex)
    keys = [T.doc_bow(d) for d in docs]
    Y = np.array([[t in e.themes for t in THEMES] for e in ex])
    LX = np.array([[(d._.wv_themes or {})[t].confidence if t in (d._.wv_themes or {}) else 0.0 for t in THEMES]
                   for d in docs])
    groups = np.array([e.group for e in ex])
    is_real = np.array([e.group.startswith("real ") for e in ex])
    real_groups = sorted({g for g in groups if g.startswith("real ")})
    out = {}
    for w in [float(x) for x in a.weights.split(",")]:
        pred = np.zeros(Y.shape)
        for g in real_groups:
            te = groups == g
            tr = ~te & (~is_real | (w > 0))
            vocab = T._vocab([keys[i] for i in np.flatnonzero(tr)])
            sw = np.where(is_real[tr], w, 1.0)
            for j, theme in enumerate(THEMES):
                X = T._theme_design(docs, keys, vocab, theme, qs)
                wt, b = fit(X[tr], Y[tr, j], a.C, sw)
                pred[te, j] = T._sigmoid(X[te] @ wt + b) if wt is not None else T._sigmoid(b)
        p = a.blend * pred + (1 - a.blend) * LX >= a.threshold
        row = {}
        for g in real_groups + ["all real"]:
            m = is_real if g == "all real" else groups == g
            row[g] = round(T._micro_f1(Y[m], p[m]), 4)
        row["lexicon alone (all real)"] = round(T._micro_f1(Y[is_real], LX[is_real] >= 0.5), 4)
        out[f"real weight {w:g}"] = row
        print(f"real weight {w:g}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
