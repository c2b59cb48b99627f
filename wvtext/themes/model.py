"""`wvtext_theme_model`: the learned theme decision (see `wvtext.learned`), after the scorer.

For each theme it combines the lexicon's evidence with the text's words into a probability that
the text says something substantive about the theme; the theme's confidence is that probability
blended with the lexicon's own score (the model file says how much each counts), scaled so that
0.5 is the decision point. A
theme the lexicon found nothing for can still be carried when the words make it likely; its
evidence is then the sentence whose words weigh most for it, with those words as the matched
terms (marked `learned:`), so every carried theme still points at text an analyst can check.
"""
from __future__ import annotations


import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from ..learned import (QUESTION_KEY, THEME_FEATURES, LinearModel, bow_keys, doc_bow, learned_dir, load_model,
                       question_evidence, sigmoid, theme_features)
from .components import THRESHOLD, Mention, ThemeScore, doc_view
from .lexicon import THEMES

__all__ = ["ThemeModel", "THEME_MODEL_FILE", "LEARNED_TERM"]

THEME_MODEL_FILE = "themes_model.json"
LEARNED_TERM = "learned: "  # how the term of a mention the model found on its words alone begins
_INDEX = {t: i for i, t in enumerate(THEMES)}


@Language.factory("wvtext_theme_model", default_config={"model_path": None},
                  requires=["doc._.wv_themes"], assigns=["doc._.wv_themes"])
def make_theme_model(nlp: Language, name: str, model_path: str | None):
    path = model_path or str(learned_dir() / THEME_MODEL_FILE)
    return ThemeModel(load_model(path), path, nlp)


def _rescale(p: np.ndarray, threshold: float) -> np.ndarray:
    """Map blended probabilities so that the model's decision threshold falls on THRESHOLD (0.5),
    piecewise linearly: confidence stays in 0..1, and `carried` keeps one meaning everywhere."""
    low = THRESHOLD * p / threshold
    high = THRESHOLD + (1 - THRESHOLD) * (p - threshold) / (1 - threshold)
    # Rounded down to 4 places: a value just under the threshold never rounds up to it.
    return np.floor(np.round(np.where(p < threshold, low, high) * 1e4, 6)) / 1e4


def _said_not_to_exist(sent: list[str], k: int) -> bool:
    """Whether the word at k follows "no", "not a", "not any" or "nor any" ("no pool", "there is not a pool")."""
    return (k > 0 and sent[k - 1] == "no") or (k > 1 and sent[k - 1] in ("a", "an", "any") and sent[k - 2] in ("not", "n't", "nor"))


class ThemeModel:
    def __init__(self, model: LinearModel | None, path: str = "", nlp: Language | None = None):
        self.model = model
        self.nlp = nlp  # the pipeline this component sits in: its earlier components read the questions
        self._questions: dict[str, dict[str, float]] = {}
        if model is not None and (model.kind != "themes" or tuple(model.labels) != THEMES):
            from pathlib import Path

            from ..errors import WvtextError

            raise WvtextError(f"{path}: not a theme model for the 23 theme ids.",
                              remedy=f"Rebuild it with `wvtext train --out {Path(path).parent}`.")

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        """Score a batch at once: one sparse product for the words of every doc in it."""
        if self.model is None:
            yield from docs
            return
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, docs: list[Doc]) -> list[Doc]:
        from scipy.sparse import csr_matrix

        m = self.model
        lexicon = np.zeros((len(docs), len(THEMES)))
        dense = np.zeros((len(docs), len(THEMES), len(THEME_FEATURES)))
        indptr, indices = m.batch_indices([doc_view(doc).hashes for doc in docs])
        counts = np.diff(indptr)
        data = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts)
        founds = [self._evidence(doc, dense[r], lexicon[r]) for r, doc in enumerate(docs)]
        bow = csr_matrix((data, indices, indptr), shape=(len(docs), len(m.vocab))) @ m.bow_w
        probs = sigmoid(m.bias + (dense * m.dense_w).sum(axis=2) + bow)
        conf = _rescale(m.blend * probs + (1 - m.blend) * lexicon, m.threshold)
        keep = (conf >= THRESHOLD) | (lexicon > 0)
        for r, (doc, found) in enumerate(zip(docs, founds)):
            out: dict[str, ThemeScore] = {}
            for j in np.flatnonzero(keep[r]).tolist():
                score = self._scored(doc, found, j, float(conf[r, j]))
                if score is not None:
                    out[score.theme] = score
            doc._.wv_themes = out
        return docs

    def _evidence(self, doc: Doc, dense: np.ndarray, lexicon: np.ndarray) -> dict[str, ThemeScore]:
        """The lexicon's themes of `doc` (returned), with their evidence features written into `dense`
        (a row per theme) and the lexicon's confidence into `lexicon`; other themes' rows left at 0."""
        found = doc._.wv_themes or {}
        if found:
            n_sent = len(doc_view(doc).bounds)
            asked = self._question(doc.user_data.get(QUESTION_KEY)) or {}
            for theme, score in found.items():
                j = _INDEX[theme]
                dense[j] = theme_features(score, n_sent, asked.get(theme, 0.0), len(found))
                lexicon[j] = score.confidence
        return found

    def _scored(self, doc: Doc, found: dict[str, ThemeScore], j: int, confidence: float) -> ThemeScore | None:
        """Theme j of `doc` at `confidence`, as the model keeps it: with the lexicon's mentions, or carried on
        words alone with the sentence whose words weigh most for it (None where no sentence has any)."""
        theme = THEMES[j]
        s = found.get(theme)
        if s is not None:
            return ThemeScore(theme, confidence, s.negated, s.mentions, s.confidence)
        if len(doc):
            mention = self._learned_mention(doc, doc_view(doc), doc_bow(doc), j, theme)
            if mention is not None:
                return ThemeScore(theme, confidence, mention.negated, [mention], 0.0)
        return None

    def explain(self, doc: Doc, top: int = 5) -> dict[str, dict]:
        """Why the model decided as it did, for each theme the lexicon found in `doc` or the model
        carried on words alone: `doc` as the components before this one left it (`wvtext themes
        --text ... --why`). For each theme: the logit's parts (`bias`; `evidence`, each lexicon
        feature's value times its weight, largest first; the words' sum), the words that pushed it
        most up and down (`words_for`, `words_against`: weight / sqrt(the text's words in the
        vocabulary), as the model scores them), `probability`, `lexicon`, `blend`, `threshold`, and
        `confidence` (the same number `__call__` gives: the blend rescaled so that the threshold
        falls on 0.5)."""
        m = self.model
        if m is None:
            return {}
        dense, lexicon = np.zeros((len(THEMES), len(THEME_FEATURES))), np.zeros(len(THEMES))
        found = self._evidence(doc, dense, lexicon)
        keys = [k for k in doc_bow(doc) if k in m.vocab]
        scale = 1.0 / np.sqrt(max(len(keys), 1))
        rows = np.array([m.vocab[k] for k in keys], dtype=int)
        out = {}
        for j, theme in enumerate(THEMES):
            words = m.bow_w[rows, j] * scale if len(rows) else np.zeros(0)
            logit = float(m.bias[j] + dense[j] @ m.dense_w[j] + words.sum())
            p = float(sigmoid(np.array([logit]))[0])
            conf = float(_rescale(np.array([m.blend * p + (1 - m.blend) * lexicon[j]]), m.threshold)[0])
            if not (conf >= THRESHOLD or lexicon[j] > 0) or self._scored(doc, found, j, conf) is None:
                continue  # not kept by `_batch`: not scored
            evidence = sorted(((name, float(v * w)) for name, v, w in zip(THEME_FEATURES, dense[j], m.dense_w[j]) if v),
                              key=lambda x: (-abs(x[1]), x[0]))
            ranked = sorted(zip(keys, words.tolist()), key=lambda x: (-x[1], x[0]))
            out[theme] = {"bias": float(m.bias[j]), "evidence": evidence, "words": float(words.sum()),
                          "words_for": [x for x in ranked if x[1] >= 0.005][:top],
                          "words_against": [x for x in reversed(ranked) if x[1] <= -0.005][:top],
                          "logit": logit, "probability": p, "lexicon": float(lexicon[j]), "blend": m.blend,
                          "threshold": m.threshold, "confidence": conf}
        return out

    def _question(self, text: str | None) -> dict[str, float] | None:
        """`question_evidence` of a question text, read by this pipeline's components before this
        one (so exactly as `wvtext train` reads it), once per question."""
        if text is None:
            return None
        got = self._questions.get(text)
        if got is None:
            if self.nlp is None:
                raise ValueError("ThemeModel reads questions with the pipeline it sits in: build it with make_nlp()")
            doc = self.nlp.make_doc(text)
            for _, proc in self.nlp.pipeline:
                if proc is self:
                    break
                doc = proc(doc)
            got = self._questions[text] = question_evidence(doc)
        return got

    def _learned_mention(self, doc: Doc, v, keys: set[str], j: int, theme: str) -> Mention | None:
        """The sentence whose own words weigh most for theme j, with those words."""
        weights = dict(self.model.contributions(keys, j))
        if not weights:
            return None
        best, best_score, best_words = None, 0.0, []
        for b, e in v.bounds:
            sent_keys = bow_keys(v.norms[b:e])
            words = sorted((k for k in sent_keys if k in weights), key=lambda k: (-weights[k], k))
            score = sum(weights[k] for k in words)
            if score > best_score:
                best, best_score, best_words = (b, e), score, words
        if best is None:
            return None
        b, e = best
        term = LEARNED_TERM + ", ".join(best_words[:3])
        start, end = v.idx[b], v.char_end(e - 1)
        return Mention(theme, term, start, end, start, end, self._denied(v, b, e, best_words), v.hedged(b), 0.0, False)

    @staticmethod
    def _denied(v, b: int, e: int, words: list[str]) -> bool:
        """Whether "no" stands right before the content word that weighs most for the theme, wherever
        the sentence has it ("N/A - no pool", "there is no pool at present"; not "no pool last year;
        now there is a pool"): the thing the theme is read from is said not to exist. A wider
        reading, as the lexicon reads a term's negation, would deny the gaps these words usually
        describe ("the team does not have the capacity" is about the team's work)."""
        sent = v.norms[b:e]
        for w in words:
            if " " not in w and len(w) > 1 and w not in STOP_WORDS and w in sent:
                return all(_said_not_to_exist(sent, k) for k, n in enumerate(sent) if n == w)
        return False
