"""Train the learned layers (`wvtext train`): the theme decision, the negation decision and the
narrative class.

Consumes the training sets of `corpus/training/` (see its README): narratives labelled with their
class and themes, good-practice items and report passages labelled with themes, written or
labelled independently of the real development sets; and, with `--reviews DB`, the theme
decisions analysts recorded with `wvtext review decide` (each a partial label: the themes decided
are known, the others are not). The model weights are fitted on those alone.

Three settings are chosen, not fitted: the regularisation strength, how much the model counts
beside the rules (the blend) and, for themes, the decision threshold. Among the settings that do
no worse than the rules alone on the real development sets of `corpus/labelled/` (a real return
and real items, one annotator), the simplest (the narrative class's cues before words and cues,
then the smaller C) whose leave-one-group-out cross-validation on the training sets (a writer's
voice, the items, the passages or the reviews held out at a time: what carries over to writing not
trained on) is within 0.005 of the best, and with it its best blend and threshold: a less
regularised model that wins by less than the noise of the cross-validation is not chosen. Both
figures are kept in the model file and reported by `bench/learned.py`.

The negation decision (`train_negation`) has two settings, C and its threshold, chosen the same way
(the real return's labels deny no theme, so there the guard is that it marks no more of the
return's themes negated than the rule does).

Produces `models/learned/themes_model.json`, `negation_model.json` and `stance_model.json` with
what made them.
"""
from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import WvtextError
from .learned import (STANCE_CLASSES, STANCE_FEATURES, THEME_FEATURES, LinearModel, content_keys, doc_bow,
                      question_evidence, theme_features)

__all__ = ["TrainingSet", "read_training", "train_all", "default_out"]

SEED = 13
_C_GRID = (1.0, 3.0, 10.0, 30.0)
_WORDS = (True, False)
_BLENDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5)
_SELECTION = ("Among the settings that do no worse than the rules alone on the real development sets of "
              "corpus/labelled, the simplest (cues before words, smaller C) whose leave-one-group-out cross-validation "
              "on the training sets (a voice held out at a time) is within 0.005 of the best, and with it the best "
              "blend and threshold. The weights are fitted on the training sets only.")
_MIN_DF = 2


@dataclass
class Example:
    group: str  # cross-validation group: a writer's voice, items, passages
    text: str
    themes: frozenset[str]
    qid: str = ""  # narratives only
    text_class: str = ""  # narratives only
    known: frozenset[str] | None = None  # themes whose label is known (None: all; a review: those decided)
    defined: tuple[tuple[str, str], ...] = ()  # the abbreviations its return defines (themes.acronyms), as analyse reads them
    negated: frozenset[str] | None = None  # the themes it mentions only to deny them (None: a file without negated_themes)
    negation_known: frozenset[str] | None = None  # themes whose negation is known (None: all; a review: those given it)


@dataclass
class TrainingSet:
    examples: list[Example]
    files: dict[str, str]  # file name -> sha256
    labels: str = "writers"  # whose labels: "readers" (an independent reader's, where a file has them) or "writers"


def training_dir() -> Path:
    from .paths import corpus_dir

    return corpus_dir() / "training"


def _split(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(";") if v.strip())


_KINDS = {  # file-name part -> the columns a file of that kind needs
    "_voices": ("id", "qid", "voice", "text_class", "themes", "narrative"),
    "_items": ("id", "title", "description", "themes"),
    "_passages": ("id", "text", "themes"),
}


def _kind(path: Path) -> str:
    found = [k for k in _KINDS if k in path.stem]
    if len(found) != 1:
        raise WvtextError(f"{path.name}: not a training file kind.",
                          remedy="Name it ..._voices_X.csv (narratives), ..._items.csv or ..._passages_....csv; "
                                 "see corpus/training/README.md.")
    return found[0]


LABELS = ("readers", "writers")
_READER = "reader_"  # column prefix of an independent reader's labels beside the writer's own
_FROM_READER = "\0from reader"  # set by `_reader_labels` on a row whose labels are the reader's


def read_training(folder: Path | None = None, labels: str = "readers") -> TrainingSet:
    """Every training file of `folder`: `*_voices*.csv` (narratives), `*_items*.csv`,
    `*_passages*.csv`. Checks each file and row and reports file, row and field of a problem.

    `labels`: "readers" takes the labels of the independent reader (`reader_text_class`,
    `reader_themes`) where a file has them, the writer's own labels elsewhere; "writers" takes the
    writer's labels always."""
    if labels not in LABELS:
        raise WvtextError(f"--labels: {labels!r} is not one of {', '.join(LABELS)}.", remedy="Use --labels readers (the default) or --labels writers.")
    from .codebook import load_codebook
    from .pipeline import item_text
    from .text import normalize_text
    from .themes.lexicon import THEMES

    folder = folder or training_dir()
    if not folder.is_dir():
        raise WvtextError(f"{folder}: no such folder.", remedy="Give --training a folder of training csv files.")
    files = sorted(p for p in folder.glob("*.csv"))
    if not files:
        raise WvtextError(f"{folder}: no training files (*.csv).", remedy="See corpus/training/README.md.")
    qids = set(load_codebook().qids)
    out, hashes = [], {}
    for path in files:
        kind = _kind(path)
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in _KINDS[kind] if c not in (reader.fieldnames or [])]
                if missing:
                    raise WvtextError(f"{path.name}: missing column(s) {', '.join(missing)}.",
                                      remedy=f"A {kind.strip('_')} file needs {', '.join(_KINDS[kind])}.")
                use_readers = labels == "readers" and _READER + "themes" in (reader.fieldnames or [])
                for row, r in enumerate(reader, start=2):
                    if use_readers:
                        r = _reader_labels(path, kind, row, r)
                    out.append(_example(path, kind, row, r, qids, THEMES, normalize_text, item_text))
        except UnicodeDecodeError:
            raise WvtextError(f"{path.name}: not UTF-8 text.", remedy="Save it as UTF-8 csv.")
    return TrainingSet(out, hashes, labels)


def _reader_labels(path: Path, kind: str, row: int, r: dict) -> dict:
    """The row with the reader's labels in place of the writer's (`_FROM_READER` says so, for the
    field an error names)."""
    r = dict(r, **{_FROM_READER: True})
    for col in ("themes", "negated_themes") + (("text_class",) if kind == "_voices" else ()):
        value = r.get(_READER + col)
        if value is None or (col == "text_class" and not value.strip()):
            raise WvtextError(f"{path.name}, row {row}, field {_READER}{col}: empty; a file with reader labels "
                              "needs them on every row.", remedy="Fill it in, or train with --labels writers.")
        r[col] = value
    return r


def _example(path, kind, row, r, qids, themes_ids, normalize_text, item_text) -> Example:
    where = f"{path.name}, row {row}"
    prefix = _READER if r.get(_FROM_READER) else ""

    def col(name: str) -> str:  # the column a label came from
        return prefix + name

    themes = _split(r.get("themes", ""))
    bad = sorted(themes - set(themes_ids))
    if bad:
        raise WvtextError(f"{where}, field {col('themes')}: unknown theme id(s) {', '.join(bad)}.",
                          remedy="Use the 23 theme ids ('wvtext lexicon' lists them).")
    negated = None
    if r.get("negated_themes") is not None:
        negated = _split(r["negated_themes"])
        bad = sorted(negated - set(themes_ids))
        if bad:
            raise WvtextError(f"{where}, field {col('negated_themes')}: unknown theme id(s) {', '.join(bad)}.",
                              remedy="Use the 23 theme ids ('wvtext lexicon' lists them).")
        bad = sorted(negated - themes)
        if bad:
            raise WvtextError(f"{where}, field {col('negated_themes')}: {', '.join(bad)} not among the row's "
                              f"{col('themes')}.", remedy="A theme mentioned only to deny it is listed in "
                                                          f"{col('themes')} too (shared/spec/themes.md).")
    if kind == "_voices":
        if r["text_class"] not in STANCE_CLASSES:
            raise WvtextError(f"{where}, field {col('text_class')}: {r['text_class']!r} is not one of "
                              f"{', '.join(STANCE_CLASSES)}.")
        if r["qid"] not in qids:
            raise WvtextError(f"{where}, field qid: {r['qid']!r} is not a question of the codebook.")
        if not (r["voice"] or "").strip():
            raise WvtextError(f"{where}, field voice: empty; every narrative needs its writer's voice (the CV group).")
        return Example("voice " + r["voice"].strip(), normalize_text(r["narrative"]), themes, r["qid"], r["text_class"],
                       negated=negated)
    if kind == "_items":
        # one cross-validation group per items file: each was written by its own writer
        return Example("items " + path.stem, item_text({"title": normalize_text(r["title"]),
                                           "description": normalize_text(r["description"])}), themes, negated=negated)
    return Example("passages " + path.name.split("_")[0], normalize_text(r["text"]), themes, negated=negated)


def _dev_keys() -> tuple[str, set[str]]:
    """The return id and item ids of the real development sets."""
    from .evaluate import read_labels
    from .ingest import read_input
    from .paths import corpus_dir

    c = corpus_dir()
    rid = read_input(c / "returns" / "leicestershire_2013_stocktake.txt").returns[0].return_id
    return rid, set(read_labels(c / "labelled" / "seed_items_themes.csv", "item_id"))


_CLASS_DIVERGENCES = ("contradiction", "overstated", "understated", "hidden_issue")  # flags about the class


def read_reviews(db_path: Path) -> tuple[list[Example], int]:
    """Analysts' theme and narrative-class decisions in a wvtext database (`wvtext review decide
    ... --kind theme` / `--kind text_class`) as training examples: confirm and add say the theme is
    there, dismiss that it is not, and the other themes of that text stay unknown; a narrative
    class confirmed or set is that answer's class label. A divergence flag dismissed (`--kind
    divergence`, dismiss) on a contradiction, overstated, understated or hidden-issue flag says the
    narrative agrees with its code: the code's class becomes that answer's class label, unless a
    class decision on the same answer says otherwise. (A confirmed flag says only that the classes
    differ, not which class the narrative has, so it gives no label.) A theme confirmed or added
    with the value `negated` or `not_negated` is also a negation label for that theme (the text's
    other themes' negation stays unknown). Decisions on the real
    development sets (the Leicestershire return, the seed items) are left out, so that they keep
    measuring. Returns the examples and how many decisions were left out."""
    from .pipeline import item_text
    from .review import THEME_NEGATION
    from .store import open_store
    from .themes.acronyms import return_definitions

    if Path(db_path).is_dir():
        raise WvtextError(f"--reviews {db_path} is a folder, not a database file.",
                          remedy="Give the --db of the analysis you reviewed, e.g. --reviews "
                                 f"{Path(db_path) / 'wvtext.db'}.")
    if not Path(db_path).exists():
        raise WvtextError(f"{db_path}: no such database.", remedy="Give the --db of the analysis you reviewed.")
    dev_return, dev_items = _dev_keys()
    store = open_store(db_path, create=False)  # an empty file is refused, not made into a database
    try:
        by_text: dict[tuple[str, str, str], dict[str, bool]] = {}
        negation: dict[tuple[str, str, str], dict[str, bool]] = {}  # a theme confirmed or added with a value
        classes: dict[tuple[str, str, str], str] = {}
        agreed: dict[tuple[str, str, str], str] = {}  # dismissed flags: the narrative says what the code says
        analysis: dict[str, dict[str, dict]] = {}
        left_out = 0
        for r in store.reviews():
            if r["kind"] == "divergence" and r["decision"] == "dismiss" and not r["item_id"]:
                if r["return_id"] == dev_return:
                    left_out += 1
                    continue
                if r["return_id"] not in analysis:
                    analysis[r["return_id"]] = {a["qid"]: a for a in store.answer_analysis([r["return_id"]])}
                a = analysis[r["return_id"]].get(r["qid"])
                if a and a.get("divergent") and a.get("divergence_type") in _CLASS_DIVERGENCES \
                        and a.get("code_class") in STANCE_CLASSES:
                    agreed[(r["return_id"], r["qid"], "")] = a["code_class"]
                continue
            if r["kind"] not in ("theme", "text_class") or (r["kind"] == "theme" and not r["theme"]):
                continue
            if (r["return_id"] == dev_return and not r["item_id"]) or r["item_id"] in dev_items:
                left_out += 1
                continue
            key = (r["return_id"], r["qid"], r["item_id"])
            if r["kind"] == "text_class":
                if r["value"] in STANCE_CLASSES and not r["item_id"]:
                    classes[key] = r["value"]
                    by_text.setdefault(key, {})
                continue
            by_text.setdefault(key, {})[r["theme"]] = r["decision"] != "dismiss"
            if r["decision"] != "dismiss" and r["value"] in THEME_NEGATION:  # (the latest decision only)
                negation.setdefault(key, {})[r["theme"]] = r["value"] == "negated"
        for key, cls in agreed.items():
            # An analyst's own class decision on the same answer wins over what a dismissal implies.
            if key not in classes:
                classes[key] = cls
                by_text.setdefault(key, {})
        out = []
        narratives: dict[str, dict[str, str]] = {}  # return -> qid -> narrative
        defined: dict[str, tuple[tuple[str, str], ...]] = {}  # return -> its abbreviations, as analyse reads them
        for (rid, qid, item_id), decided in sorted(by_text.items()):
            if item_id:
                found = store.items([item_id])
                text = item_text(found[0]) if found else ""
            else:
                if rid not in narratives:
                    narratives[rid] = {a["qid"]: a["narrative"] or "" for a in store.answers([rid])}
                    defined[rid] = tuple(return_definitions(narratives[rid].values()).items())
                text = narratives[rid].get(qid, "")
            if text:
                denied = negation.get((rid, qid, item_id)) or {}
                out.append(Example("reviews", text, frozenset(t for t, on in decided.items() if on), qid if not item_id else "",
                                   classes.get((rid, qid, item_id), ""), known=frozenset(decided),
                                   defined=() if item_id else defined[rid],
                                   negated=frozenset(t for t, on in denied.items() if on) if denied else None,
                                   negation_known=frozenset(denied) if denied else None))
        return out, left_out
    finally:
        store.close()


# -- features ----------------------------------------------------------------------------------

def doc_view(doc):
    from .themes.components import doc_view as view

    return view(doc)


_NLP: list = []  # the lexicon-only pipeline, built once per process
_DOCS: dict[tuple, object] = {}  # (text, question, defined) -> its parse, so each text is parsed once per `wvtext train`


def _parse(texts: list[str], questions: list[str | None] | None = None,
           defined: list[tuple[tuple[str, str], ...]] | None = None):
    """The lexicon-only pipeline (the lexicon's evidence alone: what the models build on) and the
    parse of each text, a narrative with the text of the question it answers (`questions`, as
    `wvtext analyse` parses it: the components read a narrative as an answer) and the
    abbreviations its return defines (`defined`); texts parsed before (by the other model's
    training) are not parsed again."""
    from .gcpolicy import bulk_allocations
    from .themes.pipeline import make_nlp, with_questions

    if not _NLP:
        _NLP.append(make_nlp(learned=False))
    nlp = _NLP[0]
    keys = list(zip(texts, questions or [None] * len(texts), defined or [()] * len(texts)))
    new = [k for k in dict.fromkeys(keys) if k not in _DOCS]
    with bulk_allocations():
        docs = with_questions(nlp, (t for t, _, _ in new), (q for _, q, _ in new), (dict(d) for _, _, d in new))
        _DOCS.update(zip(new, nlp.pipe(docs, batch_size=256)))
    return nlp, [_DOCS[k] for k in keys]


def _question_texts(examples: list[Example]) -> list[str | None]:
    """The text of the question each narrative answers (None for items, passages and the
    categorical questions), as `wvtext analyse` gives it (`pipeline.question_text`)."""
    from .codebook import load_codebook
    from .pipeline import question_text

    codebook = load_codebook()
    return [question_text(codebook, e.qid) if e.qid else None for e in examples]


def _vocab(key_sets: list[set[str]]) -> dict[str, int]:
    df: dict[str, int] = {}
    for ks in key_sets:
        for k in ks:
            df[k] = df.get(k, 0) + 1
    return {k: i for i, k in enumerate(sorted(k for k, n in df.items() if n >= _MIN_DF))}


def _bow_matrix(key_sets: list[set[str]], vocab: dict[str, int]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, ks in enumerate(key_sets):
        idx = sorted(vocab[k] for k in ks if k in vocab)
        for j in idx:
            rows.append(i)
            cols.append(j)
            vals.append(1.0 / math.sqrt(len(idx)))
    return csr_matrix((vals, (rows, cols)), shape=(len(key_sets), len(vocab)))


# -- fitting -----------------------------------------------------------------------------------

def _fit_binary(X, y, C: float, sample_weight=None):
    from sklearn.linear_model import LogisticRegression

    if not len(y):  # no row with this theme's label known
        return None, -8.0
    if y.min() == y.max():  # a theme absent (or everywhere) in these rows: a constant
        return None, (-8.0 if y.max() == 0 else 8.0)
    clf = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=SEED)
    clf.fit(X, y, sample_weight=sample_weight)
    return clf.coef_[0], float(clf.intercept_[0])


def _questions(examples: list[Example]) -> list[dict[str, float] | None]:
    """`question_evidence` of the question each narrative answers (None for items and passages),
    read by the same lexicon components as at run time."""
    question_texts = _question_texts(examples)
    texts = list(dict.fromkeys(t for t in question_texts if t))
    _, qdocs = _parse(texts)
    evidence = {t: question_evidence(d) for t, d in zip(texts, qdocs)}
    return [evidence.get(t) if t else None for t in question_texts]


def _theme_design(docs, key_sets, vocab, theme: str, questions: list[dict[str, float] | None]):
    from scipy.sparse import csr_matrix, hstack

    dense = np.array([theme_features((d._.wv_themes or {}).get(theme), len(doc_view(d).bounds),
                                     (q or {}).get(theme, 0.0), len(d._.wv_themes or {}))
                      for d, q in zip(docs, questions)])
    return hstack([csr_matrix(dense), _bow_matrix(key_sets, vocab)]).tocsr()


def _micro_f1(gold: np.ndarray, pred: np.ndarray, known: np.ndarray | None = None) -> float:
    """Micro F1 over the (text, theme) cells whose label is known."""
    k = np.ones(gold.shape, dtype=bool) if known is None else known
    tp = int((gold & pred & k).sum())
    fp = int((~gold & pred & k).sum())
    fn = int((gold & ~pred & k).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def dev_sets():
    """The real development sets (corpus/labelled): the Leicestershire answers with their
    questions, classes and themes, and the seed items with their themes."""
    from .evaluate import read_labels, split_set
    from .ingest import read_input
    from .paths import corpus_dir
    from .pipeline import item_text
    from .themes.acronyms import return_definitions

    c = corpus_dir()
    ret = read_input(c / "returns" / "leicestershire_2013_stocktake.txt").returns[0]
    gold_a = read_labels(c / "labelled" / "leicestershire_answers.csv", "qid")
    items = read_input(c / "items" / "seed_items.csv").items
    gold_i = read_labels(c / "labelled" / "seed_items_themes.csv", "item_id")
    defined = tuple(return_definitions(a.narrative for a in ret.answers).items())
    out = [Example("dev", a.narrative, frozenset(split_set(gold_a[a.qid]["themes"])), a.qid, gold_a[a.qid]["text_class"],
                   defined=defined)
           for a in ret.answers if a.qid in gold_a]
    out += [Example("dev", item_text(i), frozenset(split_set(gold_i[i["item_id"]]["themes"])))
            for i in items if i["item_id"] in gold_i]
    return out


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


_NOISE = 0.005  # cross-validation differences below this are noise (about one standard error of ~3,000 labels)


def _choose(results: list[tuple], base_dev: float, simpler=lambda r: (r[2],)) -> tuple:
    """The setting to keep (results: (voices score, development score, C, blend, ...)). Among those
    no worse than the rules alone on the development sets, the simplest (`simpler`: the smaller C,
    the more regularised) whose held-out-voice score is within _NOISE of the best, and with that
    the best score; ties go to the smaller blend. A one-standard-error rule: a less regularised
    model that wins by noise is not chosen. With none that good, the least bad on development."""
    ok = [r for r in results if r[1] >= base_dev - 1e-9]
    if ok:
        top = max(r[0] for r in ok)
        near = [r for r in ok if r[0] >= top - _NOISE - 1e-9]
        simplest = min(simpler(r) for r in near)
        return max((r for r in near if simpler(r) == simplest), key=lambda r: (round(r[0], 9), -r[3]))
    return max(results, key=lambda r: (round(r[1], 9), round(r[0], 9), -r[2], -r[3]))


def _lexicon_confidences(docs) -> np.ndarray:
    """The lexicon's confidence for each theme (themes.md order) of each parsed doc; 0 where it
    found nothing."""
    from .themes.lexicon import THEMES

    rows = []
    for d in docs:
        found = d._.wv_themes or {}
        rows.append([found[t].confidence if t in found else 0.0 for t in THEMES])
    return np.array(rows)


def train_themes(ts: TrainingSet, dev: list[Example], progress: Callable[[str], None] = print) -> LinearModel:
    from .themes.lexicon import THEMES

    ex = ts.examples
    _, docs = _parse([e.text for e in ex], _question_texts(ex), [e.defined for e in ex])
    _, ddocs = _parse([e.text for e in dev], _question_texts(dev), [e.defined for e in dev])
    qs, dqs = _questions(ex), _questions(dev)
    key_sets = [content_keys(doc_bow(d)) for d in docs]  # the theme model reads content words only
    dkeys = [content_keys(doc_bow(d)) for d in ddocs]
    Y = np.array([[t in e.themes for t in THEMES] for e in ex])
    K = np.array([[e.known is None or t in e.known for t in THEMES] for e in ex])
    DY = np.array([[t in e.themes for t in THEMES] for e in dev])
    LX, DLX = _lexicon_confidences(docs), _lexicon_confidences(ddocs)
    base_cv, base_dv = _micro_f1(Y, LX >= 0.5, K), _micro_f1(DY, DLX >= 0.5)  # the lexicon alone
    groups = np.array([e.group for e in ex])
    folds = []
    for g in sorted(set(groups)):
        tr, te = groups != g, groups == g
        folds.append((tr, te, _vocab([key_sets[i] for i in np.flatnonzero(tr)])))
    vocab = _vocab(key_sets)
    designs, fitted, results = {}, {}, []
    for C in _C_GRID:
        cvp = np.zeros(Y.shape)
        for fi, (tr, te, fvocab) in enumerate(folds):
            for j, theme in enumerate(THEMES):
                X = designs.get((fi, j))
                if X is None:
                    X = designs[(fi, j)] = _theme_design(docs, key_sets, fvocab, theme, qs)
                rows = tr & K[:, j]
                w, b = _fit_binary(X[rows], Y[rows, j], C)
                cvp[te, j] = _sigmoid(X[te] @ w + b) if w is not None else _sigmoid(b)
        full, devp = [], np.zeros(DY.shape)
        for j, theme in enumerate(THEMES):
            w, b = _fit_binary(_theme_design(docs, key_sets, vocab, theme, qs)[K[:, j]], Y[K[:, j], j], C)
            full.append((w, b))
            DX = _theme_design(ddocs, dkeys, vocab, theme, dqs)
            devp[:, j] = _sigmoid(DX @ w + b) if w is not None else _sigmoid(b)
        fitted[C] = full
        for blend in _BLENDS:
            for th in _THRESHOLDS:
                cv = _micro_f1(Y, blend * cvp + (1 - blend) * LX >= th, K)
                dv = _micro_f1(DY, blend * devp + (1 - blend) * DLX >= th)
                results.append((cv, dv, C, blend, th))
        best_c = max((r for r in results if r[2] == C), key=lambda r: (r[1] >= base_dv, r[0]))
        progress(f"themes: C={C}: best blend {best_c[3]}, threshold {best_c[4]}: held-out groups micro F1 "
                 f"{best_c[0]:.3f}, development sets {best_c[1]:.3f}")
    cv, dv, C, blend, th = _choose(results, base_dv)
    bow_w = np.zeros((len(vocab), len(THEMES)))
    dense_w = np.zeros((len(THEMES), len(THEME_FEATURES)))
    bias = np.zeros(len(THEMES))
    for j, (w, b) in enumerate(fitted[C]):
        bias[j] = b
        if w is not None:
            dense_w[j] = w[: len(THEME_FEATURES)]
            bow_w[:, j] = w[len(THEME_FEATURES):]
    meta = {"C": C, "blend": blend, "threshold": th, "selection": _SELECTION,
            "heldout_voices_micro_f1": round(cv, 4), "development_micro_f1": round(dv, 4),
            "lexicon_alone": {"heldout_voices_micro_f1": round(base_cv, 4), "development_micro_f1": round(base_dv, 4)},
            "groups": sorted(set(groups.tolist())), "examples": len(ex), "vocabulary": len(vocab),
            "training_files": ts.files, "codebook": _codebook_hash(), "lexicon": _lexicon_version(),
            "labels": ts.labels, "seed": SEED, "words": "content words (learned.content_keys)"}
    progress(f"themes: chose C={C}, blend {blend}, threshold {th}: held-out groups micro F1 {cv:.3f} "
             f"(lexicon alone {base_cv:.3f}), development sets {dv:.3f} (lexicon alone {base_dv:.3f}); {len(vocab)} words")
    return LinearModel("themes", tuple(THEMES), THEME_FEATURES, vocab, dense_w, bow_w, bias, th, meta, blend)


class _OneClass:
    """Stands in for a classifier where the training rows hold a single class."""

    def __init__(self, cls: int, n_features: int):
        self.classes_ = np.array([cls])
        self.coef_ = np.zeros((1, n_features))
        self.intercept_ = np.array([0.0])

    def predict_proba(self, X):
        return np.ones((X.shape[0], 1))


def _stance_rows(reader, codebook, examples, docs):
    rows, dense = [], []
    for i, (e, d) in enumerate(zip(examples, docs)):
        if e.text_class not in STANCE_CLASSES:
            continue
        f = reader.rule_features(d, codebook.get(e.qid))
        if f is not None:
            rows.append(i)
            dense.append(f)
    return rows, np.array(dense)


def train_stance(ts: TrainingSet, dev: list[Example], progress: Callable[[str], None] = print) -> LinearModel:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from .codebook import load_codebook
    from .stance import StanceReader

    codebook = load_codebook()
    ex = [e for e in ts.examples if e.text_class]
    dev = [e for e in dev if e.qid]
    nlp, docs = _parse([e.text for e in ex], _question_texts(ex), [e.defined for e in ex])
    _, ddocs = _parse([e.text for e in dev], _question_texts(dev), [e.defined for e in dev])
    reader = StanceReader(nlp, learned=False)
    rows, dense = _stance_rows(reader, codebook, ex, docs)
    drows, ddense = _stance_rows(reader, codebook, dev, ddocs)
    ex, dev = [ex[i] for i in rows], [dev[i] for i in drows]
    key_sets, dkeys = [doc_bow(docs[i]) for i in rows], [doc_bow(ddocs[i]) for i in drows]
    y = np.array([STANCE_CLASSES.index(e.text_class) for e in ex])
    dy = np.array([STANCE_CLASSES.index(e.text_class) for e in dev])
    groups = np.array([e.group for e in ex])
    r0 = STANCE_FEATURES.index("rule_yes")
    rule, drule = dense[:, r0:r0 + len(STANCE_CLASSES)], ddense[:, r0:r0 + len(STANCE_CLASSES)]
    base_cv, base_dv = float(np.mean(rule.argmax(axis=1) == y)), float(np.mean(drule.argmax(axis=1) == dy))

    def design(d, ks, vocab):
        return hstack([csr_matrix(d), _bow_matrix(ks, vocab)]).tocsr()

    def fit(idx, vocab, C):
        X = design(dense[idx], [key_sets[i] for i in idx], vocab)
        if len(set(y[idx].tolist())) < 2:  # a fold with one class: that class, always
            return _OneClass(int(y[idx][0]), X.shape[1])
        return LogisticRegression(C=C, max_iter=5000, random_state=SEED).fit(X, y[idx])

    def proba(clf, X):
        p = np.zeros((X.shape[0], len(STANCE_CLASSES)))
        p[:, clf.classes_] = clf.predict_proba(X)
        return p

    full_vocab = _vocab(key_sets)
    results, fitted = [], {}
    # With and without the words: the rules' cue scores alone carry less risk of learning a
    # writer's habits as signs of a class.
    for words in _WORDS:
        for C in _C_GRID:
            cvp = np.zeros((len(y), len(STANCE_CLASSES)))
            for g in sorted(set(groups)):
                tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
                fvocab = _vocab([key_sets[i] for i in tr]) if words else {}
                cvp[te] = proba(fit(tr, fvocab, C), design(dense[te], [key_sets[i] for i in te], fvocab))
            vocab = full_vocab if words else {}
            clf = fitted[(words, C)] = (fit(np.arange(len(y)), vocab, C), vocab)
            devp = proba(clf[0], design(ddense, dkeys, vocab))
            for blend in _BLENDS:
                cv = float(np.mean((blend * cvp + (1 - blend) * rule).argmax(axis=1) == y))
                dv = float(np.mean((blend * devp + (1 - blend) * drule).argmax(axis=1) == dy))
                results.append((cv, dv, C, blend, words))
            b = max((r for r in results if r[2] == C and r[4] == words), key=lambda r: (r[1] >= base_dv, r[0]))
            progress(f"narrative class: {'words and cues' if words else 'cues only'}, C={C}: best blend {b[3]}: "
                     f"held-out voices accuracy {b[0]:.3f}, development return {b[1]:.3f}")
    # Simpler: the rules' cues alone before words and cues, then the smaller C.
    cv, dv, C, blend, words = _choose(results, base_dv, simpler=lambda r: (r[4], r[2]))
    clf, vocab = fitted[(words, C)]
    coef = np.zeros((len(STANCE_CLASSES), clf.coef_.shape[1]))
    bias = np.full(len(STANCE_CLASSES), -30.0)  # a class never seen in training is never chosen
    rows = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2 and clf.coef_.shape[0] == 1:  # binary: one row for the second class
        rows = np.vstack([np.zeros_like(clf.coef_[0]), clf.coef_[0]]), np.array([0.0, clf.intercept_[0]])
    for k, cls in enumerate(clf.classes_):
        coef[cls] = rows[0][k]
        bias[cls] = rows[1][k]
    nd = len(STANCE_FEATURES)
    meta = {"C": C, "blend": blend, "words": words, "selection": _SELECTION, "heldout_voices_accuracy": round(cv, 4),
            "development_accuracy": round(dv, 4),
            "rules_alone": {"heldout_voices_accuracy": round(base_cv, 4), "development_accuracy": round(base_dv, 4)},
            "examples": len(ex), "groups": sorted({e.group for e in ex}), "development_examples": len(dev),
            "vocabulary": len(vocab), "training_files": ts.files, "labels": ts.labels, "seed": SEED}
    progress(f"narrative class: chose {'words and cues' if words else 'cues only'}, C={C}, blend {blend}: held-out voices accuracy {cv:.3f} (rules alone "
             f"{base_cv:.3f}), development return {dv:.3f} (rules alone {base_dv:.3f}); {len(vocab)} words")
    return LinearModel("stance", STANCE_CLASSES, STANCE_FEATURES, vocab, coef[:, :nd], coef[:, nd:].T.copy(),
                       bias, 0.0, meta, blend)


def _codebook_hash() -> str:
    """sha256 of the codebook whose question wording the theme model's `asked` feature reads."""
    from .paths import corpus_dir

    return hashlib.sha256((corpus_dir() / "codebook.json").read_bytes()).hexdigest()


def _lexicon_version() -> str:
    """The version (hash of lexicon.csv, spelling.csv and the way terms are matched) of the shipped
    lexicon whose evidence the theme model's features read: a model trained on another lexicon is
    out of date."""
    from .themes.lexicon import load_lexicon

    return load_lexicon().version


def _reviews_hash(examples: list[Example]) -> str:
    h = hashlib.sha256()
    for e in examples:
        negation = f"\t{sorted(e.negated or ())}\t{sorted(e.negation_known)}" if e.negation_known is not None else ""
        h.update(f"{e.text}\t{sorted(e.themes)}\t{sorted(e.known or ())}\t{e.text_class}\t{e.qid}{negation}\n".encode())
    return h.hexdigest()


_NEG_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
_NEG_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5)


def _negation_rows(examples: list[Example], docs) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple]:
    """For each theme a text carries by its labels and the lexicon finds, where the model decides
    its flag (`model_decides`): its `negation_features`, whether the labels mark it negated, whether
    the rule marks it, and the example's index; and the true, false and missed marks of the other
    themes, whose flag is the rule's (no mention read as negated, or a label over a null entry).
    """
    from .learned import QUESTION_KEY
    from .themes.negation_model import NEGATION_FEATURES, _TextContext, model_decides, negation_features

    X, y, rule, at, fixed = [], [], [], [], [0, 0, 0]
    for k, (e, d) in enumerate(zip(examples, docs)):
        if e.negated is None:
            continue
        view, item, text = doc_view(d), d.user_data.get(QUESTION_KEY) is None, None
        for t, s in sorted((d._.wv_themes or {}).items()):
            if t not in e.themes or (e.negation_known is not None and t not in e.negation_known):
                continue
            if model_decides(view, s):
                text = text or _TextContext(view.norms)
                X.append(negation_features(view, s, item, text))
                y.append(t in e.negated)
                rule.append(s.negated)
                at.append(k)
            else:  # the rule's mark stands
                said = t in e.negated
                fixed[0] += said and s.negated
                fixed[1] += s.negated and not said
                fixed[2] += said and not s.negated
    return (np.array(X).reshape(-1, len(NEGATION_FEATURES)), np.array(y, dtype=bool), np.array(rule, dtype=bool),
            np.array(at, dtype=np.int64), tuple(fixed))


def _prf(pred: np.ndarray, gold: np.ndarray, fixed: tuple = (0, 0, 0)) -> tuple[float, float, float]:
    """Precision, recall and F1 of negation marks, with `fixed` (true, false, missed marks) added."""
    tp, fp, fn = (int((pred & gold).sum()) + fixed[0], int((pred & ~gold).sum()) + fixed[1],
                  int((~pred & gold).sum()) + fixed[2])
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def train_negation(ts: TrainingSet, dev: list[Example], progress: Callable[[str], None] = print) -> LinearModel:
    """The learned negation decision (`themes.negation_model`): a logistic model over
    `NEGATION_FEATURES` of each theme a training text carries and the lexicon finds, labelled
    negated where the text mentions it only to deny it. C and the threshold are chosen as the
    theme model's are: among the settings that mark no more of the real development return's
    carried themes negated than the rule does (its labels deny none), the smallest C whose
    held-out-group F1 is within the noise of the best, with its best threshold."""
    from .themes.negation_model import NEGATION_FEATURES

    ex = [e for e in ts.examples if e.negated is not None]
    if not ex:
        raise WvtextError("no training file has a negated_themes column: the negation model has nothing to learn from.",
                          remedy="Give the training files a negated_themes column (corpus/training/README.md).")
    _, docs = _parse([e.text for e in ex], _question_texts(ex), [e.defined for e in ex])
    X, y, rule, at, fixed = _negation_rows(ex, docs)
    groups = np.array([ex[k].group for k in at.tolist()])
    dex = [e for e in dev if e.text_class]  # the real return: its labels deny no theme, so every mark is a false one
    _, ddocs = _parse([e.text for e in dex], _question_texts(dex), [e.defined for e in dex])
    dX, _dy, drule, _, dfixed = _negation_rows([replace(e, negated=frozenset()) for e in dex], ddocs)
    base = _prf(rule, y, fixed)
    base_dev = int(drule.sum()) + dfixed[1]
    results, fitted = [], {}
    for C in _NEG_C_GRID:
        cvp = np.zeros(len(y))
        for g in sorted(set(groups.tolist())):
            tr, te = groups != g, groups == g
            w, b = _fit_binary(X[tr], y[tr], C)
            cvp[te] = _sigmoid(X[te] @ w + b) if w is not None else _sigmoid(b)
        w, b = fitted[C] = _fit_binary(X, y, C)
        devp = _sigmoid(dX @ w + b) if w is not None else np.full(len(dX), _sigmoid(b))
        for th in _NEG_THRESHOLDS:
            p, r, f = _prf(cvp >= th, y, fixed)
            results.append((f, int((devp >= th).sum()) + dfixed[1], C, th, p, r))
        best = max((r for r in results if r[2] == C), key=lambda r: r[0])
        progress(f"negation: C={C}: best threshold {best[3]}: held-out groups F1 {best[0]:.3f} "
                 f"(P {best[4]:.3f} R {best[5]:.3f}); development return, false marks {best[1]}")
    ok = [r for r in results if r[1] <= base_dev]
    if ok:
        top = max(r[0] for r in ok)
        near = [r for r in ok if r[0] >= top - _NOISE - 1e-9]
        C = min(r[2] for r in near)
        f, dev_marks, C, th, p, r = max((r for r in near if r[2] == C), key=lambda r: (round(r[0], 9), r[3]))
    else:  # every setting flags more of the development return than the rule: the least bad there
        f, dev_marks, C, th, p, r = min(results, key=lambda r: (r[1], -round(r[0], 9), r[2], -r[3]))
        progress(f"negation: every setting flags more of the development return's themes negated than the rule "
                 f"({base_dev}); chose the one that flags fewest ({dev_marks})")
    w, b = fitted[C]
    meta = {"C": C, "threshold": th, "selection": _NEG_SELECTION,
            "heldout_groups": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
            "rule_alone": {"heldout_groups": {"precision": round(base[0], 4), "recall": round(base[1], 4),
                                              "f1": round(base[2], 4)},
                           "development_false_marks": base_dev},
            "development_false_marks": dev_marks, "rows": int(len(y)), "negated_rows": int(y.sum()),
            "rule_decides": {"true_marks": fixed[0], "false_marks": fixed[1], "missed": fixed[2]},
            "groups": sorted(set(groups.tolist())), "training_files": ts.files, "codebook": _codebook_hash(),
            "lexicon": _lexicon_version(), "labels": ts.labels, "seed": SEED}
    progress(f"negation: chose C={C}, threshold {th}: held-out groups F1 {f:.3f} (P {p:.3f} R {r:.3f}; the rule "
             f"alone {base[2]:.3f}, P {base[0]:.3f} R {base[1]:.3f}); development return, false marks {dev_marks} "
             f"(the rule {base_dev}); the model decides {len(y)} themes, {int(y.sum())} of them negated; the rule "
             f"decides the others: {fixed[0]} true marks, {fixed[1]} false, {fixed[2]} missed")
    dense_w = np.zeros((1, len(NEGATION_FEATURES))) if w is None else np.asarray(w).reshape(1, -1)
    return LinearModel("negation", ("negated",), NEGATION_FEATURES, {}, dense_w, np.zeros((0, 1)),
                       np.array([b]), th, meta, 1.0)


_NEG_SELECTION = ("Among the settings that mark no more of the real development return's carried themes negated than "
                  "the rule does, the smallest C whose leave-one-group-out F1 on the training sets is within 0.005 of "
                  "the best, with its best threshold. The weights are fitted on the training sets only.")


def default_out() -> Path:
    """Where `wvtext train` writes without --out: the folder `WVTEXT_LEARNED` names (which analysis
    reads), else `wvtext-learned/` in the working folder; never over the shipped models."""
    import os

    return Path(os.environ.get("WVTEXT_LEARNED") or "wvtext-learned")


def train_all(out_dir: Path | None = None, folder: Path | None = None,
              progress: Callable[[str], None] = print, reviews: Path | None = None,
              labels: str = "readers") -> dict[str, Path]:
    import json

    from .stance import STANCE_MODEL_FILE
    from .themes.model import THEME_MODEL_FILE
    from .themes.negation_model import NEGATION_MODEL_FILE

    ts = read_training(folder, labels)
    if reviews is not None:
        found, left_out = read_reviews(reviews)
        ts = TrainingSet(ts.examples + found, {**ts.files, f"reviews:{Path(reviews).name}": _reviews_hash(found)}, ts.labels)
        progress(f"{len(found)} reviewed texts ({sum(len(e.known or ()) for e in found)} theme decisions, "
                 f"{sum(len(e.negation_known or ()) for e in found)} of them saying whether the theme is negated, "
                 f"{sum(1 for e in found if e.text_class)} narrative classes) from {reviews}"
                 + (f"; {left_out} decisions on the development sets left out" if left_out else ""))
    groups = {e.group for e in ts.examples}
    if len(groups) < 2:
        raise WvtextError(f"{folder or training_dir()}: the training examples form {len(groups)} group(s); "
                          "cross-validation holds out one group at a time and needs at least 2.",
                          remedy="Add another voices file, or an items or passages file.")
    voices = {e.group for e in ts.examples if e.text_class}
    classes = {e.text_class for e in ts.examples if e.text_class}
    if len(voices) < 2 or len(classes) < 2:
        raise WvtextError(f"{folder or training_dir()}: the narrative class needs narratives of at least 2 voices "
                          f"and 2 classes (found {len(voices)} voice(s), {len(classes)} class(es)).",
                          remedy="Add ..._voices_X.csv files; see corpus/training/README.md.")
    if not any(e.negated for e in ts.examples):
        raise WvtextError(f"{folder or training_dir()}: no training text marks a theme negated (the negated_themes "
                          "column is missing or empty everywhere"
                          + (", and no reviewed theme has --value negated" if reviews is not None else "")
                          + "), so the negation decision has nothing to learn from.",
                          remedy="Give the training files a negated_themes column: the themes each text mentions only "
                                 "to deny them (corpus/training/README.md).")
    dev = dev_sets()
    progress(f"{len(ts.examples)} training examples from {len(ts.files)} files; {len(dev)} development examples")
    out_dir = out_dir or default_out()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    try:
        models = ((THEME_MODEL_FILE, train_themes(ts, dev, progress)), (STANCE_MODEL_FILE, train_stance(ts, dev, progress)),
                  (NEGATION_MODEL_FILE, train_negation(ts, dev, progress)))
    finally:
        _DOCS.clear()
    for name, model in models:
        path = out_dir / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(model.to_json(), sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        tmp.replace(path)
        written[name] = path
    return written
