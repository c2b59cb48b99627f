"""Learned layers over the rules: linear models trained on labelled examples (`wvtext train`),
stored as plain JSON in `models/learned/` and applied with numpy (no scikit-learn at run time).

- **Themes**: for each theme, a logistic model over the lexicon's evidence for that theme (the
  mentions' weights, how many distinct terms, in a list or not, negated, hedged, how much of the
  text they cover, and for a narrative how much its question asks about the theme) and the text's
  content words (binary unigrams and bigrams of the normalised tokens, function words left out:
  `content_keys`).
  It decides whether a theme said something substantive, which the lexicon alone cannot.
- **Narrative class**: a multinomial logistic model over the stance rules' cue scores, their
  decision, the opening word, how much of the question the narrative covers, and the words.

Consumes the parsed `Doc` the theme pipeline made (one parse serves every stage). The features
are built here, once, for both training and use, so the two cannot drift apart.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .codebook import ANSWER_CLASSES
from .errors import WvtextError

__all__ = ["bow_keys", "content_keys", "doc_bow", "theme_features", "question_evidence", "stance_features", "LinearModel", "load_model",
           "learned_dir", "QUESTION_KEY", "THEME_FEATURES", "STANCE_FEATURES", "STANCE_CLASSES"]

STANCE_CLASSES = ANSWER_CLASSES  # the answer classes of the spec, in the models' label order
_CUE_CLASSES = ("yes", "no", "in_progress", "partial", "unclear", "not_applicable", "plan")
# A question about the future ("Are you confident the target will be achieved?", "capacity that will
# be required"): its answers speak of the future without being plans (the stance rules and the
# narrative-class model both use it). Not any "will" (until session 17): "the numbers of people who
# will be affected" and "a planning function that will support ..." ask about now.
FUTURE_QUESTION = re.compile(r"\bconfident\b|\bexpect|\bwill be (?:achieved|met|delivered|completed|required|needed)\b", re.I)
# A share below the whole ("approximately 70% of the case notes"), not a split of money
# ("62 per cent from the council"): the rules' partial cue and a learned feature.
SHARE_OF = re.compile(r"\b(?:[1-9]\d?)\s?(?:%|per ?cent)\s+of\b")
_SENTENCE_CLASSES = ("yes", "no", "progress", "partial", "not_applicable", "")  # what one sentence's cues say
_OPENINGS = ("yes", "no", "not", "none", "partly", "partially", "ongoing", "n/a", "na", "see", "as")
_QSTOP = {"there", "your", "with", "have", "been", "this", "that", "from", "they", "their", "what", "which",
          "about", "including", "being", "does", "will", "should", "these", "those", "into", "other", "whether",
          "place", "people", "local", "arrangements", "arrangement"}

THEME_FEATURES = ("has_mention", "lexicon_confidence", "weight_sum", "distinct_terms", "mentions", "max_weight",
                  "share_in_list", "all_negated", "any_hedged", "share_of_sentences", "in_first_sentence",
                  "asked", "share_boilerplate", "share_heading", "share_fragment", "themes_in_text",
                  "share_population")
# The last four (since session 20) read how a text names a theme (see FRAMES in themes/components.py:
# a label over a null entry, the label of a labelled line, a line without a clause) and how crowded
# the text is (log(1 + the number of themes the lexicon finds in it)): a glossary, an agenda or a
# directory names a dozen themes and develops none. `share_population` (since session 23): the share of the
# mentions that only name the people a text is about ("people with challenging behaviour").
# doc.user_data key: the text of the question a narrative answers (absent for an item). Every
# return answers the same 61 questions, and a theme a narrative mentions is more likely said
# something substantive about when its question asks about it (`asked`: "providers" under "Is an
# assessment of local market capacity in progress" rather than in passing under a question on
# reviews). What a question asks about is read from its wording by the lexicon, so a new or
# reworded codebook needs no new data.
QUESTION_KEY = "wvtext_question"
STANCE_FEATURES = (
    tuple(f"score_{c}" for c in _CUE_CLASSES) + tuple(f"first_{c}" for c in _CUE_CLASSES)
    + tuple(f"rule_{c}" for c in STANCE_CLASSES) + ("rule_confidence",)
    + tuple(f"opening_{o}" for o in _OPENINGS)
    + ("hedged", "share_percent", "log_words", "sentences", "future_question", "question_coverage", "two_part_question")
    + tuple(f"first_sentence_{c or 'none'}" for c in _SENTENCE_CLASSES)
    + tuple(f"last_sentence_{c or 'none'}" for c in _SENTENCE_CLASSES)
    + tuple(f"share_sentences_{c or 'none'}" for c in _SENTENCE_CLASSES)
    + ("affirmed_then_gap", "gap_then_affirmed")
)


def learned_dir() -> Path:
    """`models/learned`, or the folder `WVTEXT_LEARNED` names (one without model files: the
    rules decide alone, as they do when the files are absent)."""
    import os

    if os.environ.get("WVTEXT_LEARNED"):
        return Path(os.environ["WVTEXT_LEARNED"])
    from .paths import models_dir

    return models_dir() / "learned"


def bow_keys(norms: list[str]) -> set[str]:
    """Binary bag of words of a text: its normalised words and adjacent word pairs (a pair never
    spans punctuation or a number), e.g. {"not", "yet", "not yet", ...}."""
    keys: set[str] = set()
    add = keys.add
    prev = ""
    for n in norms:
        if n[:1].isalpha():
            add(n)
            if prev:
                add(prev + " " + n)
            prev = n
        else:
            prev = ""
    return keys


def content_keys(keys: set[str]) -> set[str]:
    """The keys of `bow_keys` the theme model reads (since session 52): those with no function word
    (spaCy's English stop words, case-sensitive: "we", "are", "through", "not", "a" ...; the list
    also holds a few words that are not function words, such as "part", "full", "enough", "used",
    "first", "last"; "OR", ordinary residence, is kept). What a text is about is
    in its content words; the function words and the pairs with one ("we are", "provider have")
    mark how a writer writes, and a model fitted to a few writers' voices learned them as evidence
    of a theme ("need", "we" and "through" weighed most for the market in a sentence that names
    providers once). Negation and hedging reach the theme model through the lexicon's features,
    not its words. Applied when the vocabulary is built (`wvtext train`): at run time a key not in
    the vocabulary is simply not found, so the model file is all that applies it."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return {k for k in keys if not any(w in STOP_WORDS for w in k.split(" "))}


def doc_bow(doc) -> set[str]:
    """`bow_keys` of a parsed doc, computed once and kept with the doc."""
    keys = doc.user_data.get(_BOW)
    if keys is None:
        from .themes.components import doc_view

        keys = doc.user_data[_BOW] = bow_keys(doc_view(doc).norms)
    return keys


_BOW = "wvtext_bow"


def question_evidence(doc) -> dict[str, float]:
    """What a question asks about: the lexicon's confidence for each theme found in the parsed
    question text (the same lexicon components that read the narratives)."""
    return {t: s.confidence for t, s in (doc._.wv_themes or {}).items()}


def theme_features(score, n_sentences: int, asked: float = 0.0, n_themes: int = 0) -> list[float]:
    """The lexicon's evidence for one theme of one text (`score` a ThemeScore or None) and, for a
    narrative, how much its question asks about the theme (`asked`: the theme's value in
    `question_evidence` of the question; 0 for an item); `n_themes`: how many themes the lexicon
    found in the text."""
    if score is None or not score.mentions:
        return [0.0] * len(THEME_FEATURES)
    ms = score.mentions
    terms, sents = set(), set()
    total = top = 0.0
    listed = boiler = heading = fragment = population = 0
    hedged = False
    for m in ms:  # one pass: this runs for every candidate theme of every text
        terms.add(m.term)
        sents.add(m.sent_start)
        total += m.weight
        top = max(top, m.weight)
        listed += m.in_list
        hedged = hedged or m.hedged
        f = m.frame
        if f:
            boiler += f == "boilerplate"
            heading += f == "heading"
            fragment += f == "fragment"
            population += f == "population"
    n = len(ms)
    return [1.0, score.confidence, min(total, 4.0) / 4.0, math.log1p(len(terms)),
            math.log1p(n), top, listed / n,
            float(score.negated), float(hedged), len(sents) / max(1, n_sentences), float(0 in sents), asked,
            boiler / n, heading / n, fragment / n, math.log1p(n_themes), population / n]


@lru_cache(maxsize=256)
def _question_words(text: str) -> frozenset[str]:
    from .themes.lexicon import normalize_word

    return frozenset(normalize_word(w) for w in re.findall(r"[A-Za-z]{4,}", text)) - _QSTOP


# The words of a speaker's label: in a return whose council and CCG answered in turn ("LA: No.
# CCG: No.", "Health response: ..."), the answer opens after the label.
_SPEAKERS = {"la", "ccg", "ccgs", "council", "health", "nhs", "nhse", "lat", "csu", "trust", "asc", "social",
             "care", "response", "comment", "comments", "commissioner", "commissioners", "local", "authority"}


def opening_index(norms: list[str]) -> int:
    """The index of an answer's first word, after a speaker's label of up to three words
    (`_SPEAKERS`) and a colon. Other words before a colon ("Under development: ...") are the
    answer's own."""
    first = next((i for i, n in enumerate(norms) if n[:1].isalpha()), 0)
    for j in range(first + 1, min(len(norms), first + 4)):
        if norms[j] == ":":
            if all(n in _SPEAKERS for n in norms[first:j]):
                return next((i for i in range(j + 1, len(norms)) if norms[i][:1].isalpha()), first)
            break
        if norms[j] not in _SPEAKERS:
            break
    return first


def opening_word(norms: list[str]) -> str:
    """The answer's first word (`opening_index`), or "" where it has none."""
    return norms[opening_index(norms)] if any(n[:1].isalpha() for n in norms) else ""


def stance_features(norms: list[str], n_sentences: int, scores: dict, first: dict, rule_class: str,
                    rule_confidence: float, hedged: bool, text: str, question_text: str,
                    sentences: list[str] | None = None) -> list[float]:
    """What the stance rules found in a narrative, how the narrative sits against its question, and
    the order of what its sentences say ("in place." then "not yet for children.": affirmed, then a gap)."""
    opening = opening_word(norms)
    words = [n for n in norms if n[:1].isalpha()]
    qwords = _question_words(question_text) if question_text else frozenset()
    coverage = len(qwords & set(words)) / len(qwords) if qwords else 0.0
    two_part = float(bool(re.search(r"\band\s+(?:are|is|have|has|do|does)\b|\.\s+\w+.*\?|\band\s+how\b",
                                    question_text or "", re.I)))
    return ([math.log1p(max(0.0, scores.get(c, 0.0))) for c in _CUE_CLASSES]
            + [math.log1p(max(0.0, first.get(c, 0.0))) for c in _CUE_CLASSES]
            + [float(rule_class == c) for c in STANCE_CLASSES] + [rule_confidence]
            + [float(opening == o) for o in _OPENINGS]
            + [float(hedged), float(bool(SHARE_OF.search(text))),
               math.log1p(len(words)) / 5.0, min(n_sentences, 10) / 10.0,
               float(bool(FUTURE_QUESTION.search(question_text or ""))),
               coverage, two_part]
            + _sentence_pattern(sentences or [""]))


def _sentence_pattern(sentences: list[str]) -> list[float]:
    gaps = ("no", "partial", "progress")
    first, last, later = sentences[0], sentences[-1], sentences[1:]
    return ([float(first == c) for c in _SENTENCE_CLASSES] + [float(last == c) for c in _SENTENCE_CLASSES]
            + [sentences.count(c) / len(sentences) for c in _SENTENCE_CLASSES]
            + [float(first in ("yes", "") and any(c in gaps for c in later)),
               float(first in ("no", "progress") and "yes" in later)])


_PAIR_MUL = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit multiplier: a pair's key is a * _PAIR_MUL + b


class _HashIndex:
    """Positions of distinct 64-bit keys, looked up many at a time: an open-addressing table
    (linear probing, at most a quarter full) probed with array operations. Several times faster
    than a binary search (`np.searchsorted`) over the same keys for a batch's tokens; the keys are
    spaCy's string hashes, already well mixed, so their low bits are the slot."""

    def __init__(self, keys: np.ndarray):
        size = 1 << max(4, (4 * len(keys) - 1).bit_length())
        mask = size - 1
        slots = [-1] * size  # slot -> position in `keys`, -1 empty
        longest = 0
        for pos, k in enumerate(keys.tolist()):
            s, probe = k & mask, 0
            while slots[s] != -1:
                s, probe = (s + 1) & mask, probe + 1
            slots[s] = pos
            longest = max(longest, probe)
        self.mask = np.uint64(mask)
        self.pos = np.array(slots, dtype=np.int64)
        self.key = np.zeros(size, dtype=np.uint64)
        filled = self.pos >= 0
        self.key[filled] = keys[self.pos[filled]]
        self.longest = longest

    def lookup(self, q: np.ndarray) -> np.ndarray:
        """The position of each of `q` in the keys, -1 where it is not one of them."""
        out = np.full(len(q), -1, dtype=np.int64)
        at = np.arange(len(q))
        slot = (q & self.mask).astype(np.int64)
        mask = int(self.mask)
        for _ in range(self.longest + 1):
            pos = self.pos[slot]
            hit = (pos >= 0) & (self.key[slot] == q[at])
            out[at[hit]] = pos[hit]
            on = (pos >= 0) & ~hit  # another key sits there: probe the next slot
            if not on.any():
                break
            at, slot = at[on], (slot[on] + 1) & mask
        return out


@dataclass
class LinearModel:
    """Logistic model(s) over dense features and a binary bag of words: for each output j,
    logit_j = bias_j + dense_j . dense_w[j] + sum(bow_w[key, j] for key in the text) / sqrt(n keys),
    where dense_j is the text's dense features for output j (themes: that theme's lexicon evidence;
    stance: the same features for every class)."""

    kind: str  # "themes" (one binary model per label) or "stance" (one multinomial model)
    labels: tuple[str, ...]
    dense_names: tuple[str, ...]
    vocab: dict[str, int]
    dense_w: np.ndarray  # (n_labels, n_dense)
    bow_w: np.ndarray  # (n_vocab, n_labels)
    bias: np.ndarray  # (n_labels,)
    threshold: float
    meta: dict
    blend: float = 1.0  # weight of this model beside the rules' own decision (1 - blend)

    def indices(self, norms: list[str]) -> list[int]:
        """The sorted vocabulary indices of `bow_keys(norms)`, found without building the keys:
        each distinct word and each distinct adjacent pair is looked up once. Every vocabulary
        key is made of words that start with a letter (`bow_keys`), so a pair found here never
        spans punctuation or a number, as in `bow_keys`."""
        uni, bi = self._maps()
        found = [uni[n] for n in uni.keys() & set(norms)]
        found += [bi[p] for p in bi.keys() & set(zip(norms, norms[1:]))]
        return sorted(found)

    def batch_indices(self, hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """`indices` of many texts at once, from their tokens' NORM ids (spaCy's 64-bit hash of each
        norm string, or a symbol's id): the CSR `indptr` and `indices` (sorted within each text) of their binary
        bags of words. Looked up with sorted arrays instead of a set per text; a pair is matched on
        a combined key and then checked word by word, so the result is exactly `indices`'."""
        uni_h, uni_i, bi_k, bi_a, bi_b, bi_i = self._hash_maps()
        lengths = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
        H = np.concatenate(hashes).astype(np.uint64) if len(hashes) else np.zeros(0, np.uint64)
        D = np.repeat(np.arange(len(hashes), dtype=np.int64), lengths)
        rows, cols = [], []
        uni_t, bi_t = self._hash_tables()
        if len(uni_h) and len(H):
            pos = uni_t.lookup(H)
            hit = pos >= 0
            rows.append(D[hit])
            cols.append(uni_i[pos[hit]])
        if len(bi_a) and len(H) > 1:
            same = D[:-1] == D[1:]
            a, b = H[:-1][same], H[1:][same]
            if bi_k is None:  # two pairs share a key (never seen): look the pairs up one by one
                pairs = dict(zip(zip(bi_a.tolist(), bi_b.tolist()), bi_i.tolist()))
                got = [(r, pairs.get(p)) for r, p in zip(D[:-1][same].tolist(), zip(a.tolist(), b.tolist()))]
                rows.append(np.array([r for r, j in got if j is not None], dtype=np.int64))
                cols.append(np.array([j for _, j in got if j is not None], dtype=np.int64))
            else:
                with np.errstate(over="ignore"):
                    key = a * _PAIR_MUL + b
                pos = bi_t.lookup(key)
                hit = pos >= 0
                hit[hit] = (bi_a[pos[hit]] == a[hit]) & (bi_b[pos[hit]] == b[hit])
                rows.append(D[:-1][same][hit])
                cols.append(bi_i[pos[hit]])
        n_vocab = max(1, len(self.vocab))
        code = np.sort(np.concatenate(rows) * n_vocab + np.concatenate(cols)) if rows else np.zeros(0, np.int64)
        if len(code):  # distinct (`np.unique`, which hashes, is several times slower on these)
            code = code[np.concatenate(([True], code[1:] != code[:-1]))]
        indptr = np.zeros(len(hashes) + 1, dtype=np.int64)
        np.cumsum(np.bincount(code // n_vocab, minlength=len(hashes)), out=indptr[1:])
        return indptr, code % n_vocab

    def _hash_maps(self):
        maps = self.__dict__.get("_hash_maps_")
        if maps is None:
            from spacy.strings import get_string_id  # the id a doc's NORM holds (symbols keep their small ids)

            uni, bi = self._maps()
            uh = np.array([get_string_id(w) for w in uni], dtype=np.uint64)
            ui = np.array(list(uni.values()), dtype=np.int64)
            order = np.argsort(uh, kind="stable")
            ba = np.array([get_string_id(a) for a, _ in bi], dtype=np.uint64)
            bb = np.array([get_string_id(b) for _, b in bi], dtype=np.uint64)
            bi_i = np.array(list(bi.values()), dtype=np.int64)
            with np.errstate(over="ignore"):
                bk = ba * _PAIR_MUL + bb
            border = np.argsort(bk, kind="stable")
            keys = bk[border]
            if len(keys) and (np.diff(keys) == 0).any():  # two pairs on one key: look pairs up by their words
                keys = None
            maps = self.__dict__["_hash_maps_"] = (uh[order], ui[order], keys, ba[border], bb[border], bi_i[border])
        return maps

    def _hash_tables(self) -> tuple[_HashIndex, _HashIndex | None]:
        """`_HashIndex`es over `_hash_maps`' word ids and pair keys (None where pairs share a key)."""
        maps = self._hash_maps()
        got = self.__dict__.get("_hash_tables_")
        if got is None or got[0] is not maps:
            got = self.__dict__["_hash_tables_"] = (maps, _HashIndex(maps[0]),
                                                    _HashIndex(maps[2]) if maps[2] is not None else None)
        return got[1], got[2]

    def _maps(self) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        maps = self.__dict__.get("_bow_maps")
        if maps is None:
            uni: dict[str, int] = {}
            bi: dict[tuple[str, str], int] = {}
            for k, i in self.vocab.items():
                a, _, b = k.partition(" ")
                if b:
                    bi[(a, b)] = i
                else:
                    uni[a] = i
            maps = self.__dict__["_bow_maps"] = (uni, bi)
        return maps

    def bow_logits(self, norms: list[str]) -> np.ndarray:
        """The words' part of the logits of a text with these normalised tokens."""
        idx = self.indices(norms)  # sorted: the same sum under any hash seed
        if not idx:
            return np.zeros(len(self.labels))
        return self.bow_w[idx].sum(axis=0) / math.sqrt(len(idx))

    def contributions(self, keys: set[str], label: int) -> list[tuple[str, float]]:
        """The words that pushed `label` up, strongest first (evidence for a learned decision)."""
        got = [(k, float(self.bow_w[self.vocab[k], label])) for k in keys if k in self.vocab]
        return sorted((g for g in got if g[1] > 0), key=lambda g: (-g[1], g[0]))

    def to_json(self) -> dict:
        r = lambda a: [round(float(x), 5) for x in a]  # noqa: E731
        vocab = sorted(self.vocab, key=self.vocab.get)
        return {"kind": self.kind, "labels": list(self.labels), "dense_names": list(self.dense_names),
                "threshold": self.threshold, "blend": self.blend, "meta": self.meta, "bias": r(self.bias),
                "dense_w": [r(row) for row in self.dense_w], "vocab": vocab,
                "bow_w": [r(row) for row in self.bow_w]}

    @classmethod
    def from_json(cls, d: dict) -> "LinearModel":
        vocab = {k: i for i, k in enumerate(d["vocab"])}
        labels = tuple(d["labels"])
        bow = np.asarray(d["bow_w"], dtype=np.float64).reshape(len(vocab), len(labels))
        return cls(d["kind"], labels, tuple(d["dense_names"]), vocab, np.asarray(d["dense_w"], dtype=np.float64),
                   bow, np.asarray(d["bias"], dtype=np.float64), float(d["threshold"]), d.get("meta", {}),
                   float(d.get("blend", 1.0)))


@lru_cache(maxsize=4)
def load_model(path: str) -> LinearModel | None:
    """The model at `path`, or None when there is none (the rules then decide alone)."""
    p = Path(path)
    if not p.exists():
        return None
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
        model = LinearModel.from_json(d)
    except (ValueError, KeyError, TypeError) as e:
        raise WvtextError(f"{p}: not a wvtext model file ({e}).",
                          remedy=f"Rebuild it with `wvtext train --out {p.parent}`, or restore models/learned/ from "
                                 "the repository.")
    from .themes.negation_model import NEGATION_FEATURES

    expected = {"themes": THEME_FEATURES, "stance": STANCE_FEATURES, "negation": NEGATION_FEATURES}.get(model.kind)
    if expected is None:
        raise WvtextError(f"{p}: model kind {model.kind!r} is not 'themes', 'stance' or 'negation'.",
                          remedy=f"Rebuild it with `wvtext train --out {p.parent}`.")
    if model.dense_names != expected:
        raise WvtextError(f"{p}: made for other features than this wvtext computes.",
                          remedy=f"Rebuild it with `wvtext train --out {p.parent}`.")
    n = len(model.labels)
    shapes_ok = (model.dense_w.shape == (n, len(expected)) and model.bias.shape == (n,)
                 and model.bow_w.shape == (len(model.vocab), n)
                 and all(np.isfinite(a).all() for a in (model.dense_w, model.bow_w, model.bias)))
    if not shapes_ok or not 0.0 <= model.blend <= 1.0 or (model.kind in ("themes", "negation") and not 0.0 < model.threshold < 1.0):
        raise WvtextError(f"{p}: damaged model file (weights of the wrong shape or not numbers, or blend/threshold out "
                          "of range).",
                          remedy=f"Rebuild it with `wvtext train --out {p.parent}`, or restore models/learned/ from "
                                 "the repository.")
    return model


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()
