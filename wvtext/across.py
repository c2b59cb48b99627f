"""Learning across many returns: out-of-fold models of the codes, confident-learning style.

Within one return only the rules can read a narrative (`stance.StanceReader`). Across a national
set of returns the codes themselves teach how areas write: most answers' codes agree with their
narratives, so a model that predicts an answer's code class from its narrative, trained on the
*other* returns only (out-of-fold by return), learns the corpus's own words for yes, no, in
progress and partial, without any hand labels. Its probabilities for an answer never depend on
that answer's code (nor on any code of its return), so where they disagree with the code they are
evidence of divergence, as in confident learning (Northcutt et al., 2021), not an echo of it.

Consumes, per yes/no answer with a narrative the rules read by cues: the return id, the
question id, the code class, the narrative's words (`learned.bow_keys`) and the stance rules'
features (`StanceReader.rule_features`). Produces, per answer, out-of-fold probabilities over
yes / no / in_progress / partial, and the narrative class blended from them and the rules.

Opt-in (`wvtext analyse --across-returns`) and never needed: with fewer than `MIN_RETURNS`
returns in the database, or too few coded answers of a class, nothing is learned and the rules
decide alone. Every return in the database trains the model; only the answers of the returns
being analysed are re-classed (the others keep the classes their own run gave them).
Why not on by default: codes are labels with a bias, not noise. Where many areas code "Yes" over
narratives of plans, the model learns that plans mean yes and would hide exactly the overstated
answers advisers look for; the blend with the rules limits this but cannot remove it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["AcrossEntry", "AcrossResult", "fit_across_returns", "blend_class", "MIN_RETURNS", "CLASSES", "BLEND"]

CLASSES = ("yes", "no", "in_progress", "partial")
MIN_RETURNS = 20  # fewer returns than this: no model (each fold must see many areas' voices)
MIN_PER_CLASS = 10  # a class coded fewer times than this is left out of the model
FOLDS = 5
C = 1.0
MIN_COUNT = 2  # a word or pair must occur in this many training answers
BLEND = 0.5  # weight of the out-of-fold model beside the rules' decision (fixed, not tuned)


@dataclass
class AcrossEntry:
    key: tuple[str, str]  # (return_id, qid)
    return_id: str
    qid: str
    code_class: str  # the class of the answer's code ("" if blank or invalid)
    words: set[str]
    dense: list[float]


@dataclass
class AcrossResult:
    probs: dict[tuple[str, str], dict[str, float]]  # out-of-fold class probabilities per answer
    classes: tuple[str, ...]
    returns: int
    trained_on: int
    oof_agreement: float  # share of coded answers whose out-of-fold argmax is their code class
    skipped: str = ""  # why nothing was learned ("" when a model was fitted)

    def summary(self) -> dict:
        return {"returns": self.returns, "trained_on": self.trained_on, "classes": list(self.classes),
                "oof_agreement_with_codes": round(self.oof_agreement, 3), "folds": FOLDS, "C": C,
                "blend": BLEND, "skipped": self.skipped}


def _matrix(entries: list[AcrossEntry], vocab: dict[str, int], qids: dict[str, int], n_dense: int):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    base_q = n_dense
    base_w = n_dense + len(qids)
    for r, e in enumerate(entries):
        for j, x in enumerate(e.dense):
            if x:
                rows.append(r)
                cols.append(j)
                vals.append(float(x))
        if e.qid in qids:
            rows.append(r)
            cols.append(base_q + qids[e.qid])
            vals.append(1.0)
        idx = sorted(vocab[w] for w in e.words if w in vocab)
        scale = 1.0 / math.sqrt(len(idx)) if idx else 0.0
        for i in idx:
            rows.append(r)
            cols.append(base_w + i)
            vals.append(scale)
    return csr_matrix((vals, (rows, cols)), shape=(len(entries), base_w + len(vocab)))


def fit_across_returns(entries: list[AcrossEntry], *, folds: int = FOLDS, min_returns: int = MIN_RETURNS,
                       seed: int = 0, progress=None) -> AcrossResult:
    """Out-of-fold probabilities of each answer's code class given its narrative, every answer
    scored by a model fitted on the other folds' returns. Deterministic: folds are fixed by
    sorted return id, and the solver is seeded. `progress(stage, done, total)` is told of each fold."""
    from sklearn.linear_model import LogisticRegression

    returns = sorted({e.return_id for e in entries})
    coded = [e for e in entries if e.code_class in CLASSES]
    counts = {c: sum(1 for e in coded if e.code_class == c) for c in CLASSES}
    classes = tuple(c for c in CLASSES if counts[c] >= MIN_PER_CLASS)
    if len(returns) < min_returns:
        return AcrossResult({}, classes, len(returns), 0, 0.0,
                            skipped=f"{len(returns)} return(s); learning across returns needs at least {min_returns}")
    if len(classes) < 2:
        return AcrossResult({}, classes, len(returns), 0, 0.0, skipped="fewer than two code classes coded often enough")
    coded = [e for e in coded if e.code_class in classes]
    fold_of = {rid: i % folds for i, rid in enumerate(returns)}
    n_dense = len(entries[0].dense) if entries else 0
    qids = {q: i for i, q in enumerate(sorted({e.qid for e in entries}))}
    probs: dict[tuple[str, str], dict[str, float]] = {}
    agree = 0
    for f in range(folds):
        train = [e for e in coded if fold_of[e.return_id] != f]
        test = [e for e in entries if fold_of[e.return_id] == f]
        if not test:
            continue
        seen: dict[str, int] = {}
        for e in train:
            for w in e.words:
                seen[w] = seen.get(w, 0) + 1
        vocab = {w: i for i, w in enumerate(sorted(w for w, n in seen.items() if n >= MIN_COUNT))}
        y = np.array([classes.index(e.code_class) for e in train])
        if len(set(y.tolist())) < 2:
            continue
        model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
        model.fit(_matrix(train, vocab, qids, n_dense), y)
        p = model.predict_proba(_matrix(test, vocab, qids, n_dense))
        order = [int(k) for k in model.classes_]
        for e, row in zip(test, p):
            dist = {c: 0.0 for c in classes}
            for k, v in zip(order, row):
                dist[classes[k]] = float(v)
            probs[e.key] = dist
            if e.code_class in classes and max(dist, key=dist.get) == e.code_class:
                agree += 1
        if progress:
            progress("learning across returns", f + 1, folds)
    n_coded = sum(1 for e in coded if e.key in probs)
    return AcrossResult(probs, classes, len(returns), len(coded), agree / n_coded if n_coded else 0.0)


def blend_class(rule_class: str, rule_confidence: float, probs: dict[str, float]) -> tuple[str, float]:
    """The narrative class from the rules' decision and the out-of-fold probabilities: the rules
    put `rule_confidence` on their class and share the rest; the two are averaged with weight
    `BLEND`. Classes the model does not know (unclear, not applicable) stay the rules'."""
    if rule_class not in CLASSES or not probs:
        return rule_class, rule_confidence
    known = [c for c in CLASSES if c in probs]
    conf = max(0.0, min(1.0, rule_confidence))
    rest = (1.0 - conf) / max(1, len(known) - 1)
    mixed = {c: (1 - BLEND) * (conf if c == rule_class else rest) + BLEND * probs.get(c, 0.0) for c in known}
    best = max(known, key=lambda c: (mixed[c], c == rule_class))
    return best, round(mixed[best], 3)
