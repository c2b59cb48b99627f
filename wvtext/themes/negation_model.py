"""`wvtext_negation_model`: the learned decision whether a theme is mentioned only to deny it.

The rules (`wvtext_negation`) mark each mention negated where a negation reaches it, and a theme
negated where every mention is. That reading is right for "there are no Ordinary Residence issues"
or "N/A - there is no pooled budget", where the theme does not arise, and wrong for a gap the text
goes on to describe: "no dedicated advocacy for young people in transition" (advocacy exists; the
text is about who it misses), "the advocacy contract does not cover family carers", "the register
has not been updated since April" (a register exists). themes.md reads the first kind as the theme
carried and negated, the second as the theme carried.

This component decides the theme's `negated` flag from the rule's marks and from how the denial is
put (`NEGATION_FEATURES`): where the negation stands against the mention, whether the trouble
about a theme is what is denied ("no OR disputes"), whether the answer opens with a denial or says
the question does not apply, and words that make a denial partial ("only", "routinely",
"dedicated", "beyond", a contrast) or put the mention inside another thing's scope ("does not cover
family carers"). A logistic model over these (`models/learned/negation_model.json`, made by `wvtext
train`) weighs them; no words of the text are features, so it reads any theme the same way.

The mentions keep the rule's own marks (the evidence shows where a negation reaches), and a theme
only the learned theme model found (its mention a sentence, `learned:`) keeps its own reading.
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..learned import QUESTION_KEY, LinearModel, learned_dir, load_model, sigmoid
from .components import _TROUBLE_STEMS, HAVE, HAVE_BETWEEN, NEG_PRE, BatchPipe, ThemeScore, _in_word, doc_view
from .lexicon import cue_words
from .model import LEARNED_TERM

__all__ = ["NEGATION_FEATURES", "NEGATION_MODEL_FILE", "NegationModel", "model_decides", "negation_features"]

NEGATION_MODEL_FILE = "negation_model.json"

# Words that make a denial partial or scoped: the thing exists, the text says where it falls short.
_PARTIAL = cue_words({"only", "routinely", "dedicated", "fully", "always", "specifically", "consistently",
                      "sufficient", "sufficiently", "enough", "formal", "formally", "separately", "systematically",
                      "specific", "all", "every", "beyond", "except", "outside", "depth", "properly", "adequately",
                      "adequate", "reliably", "regularly"})
_CONTRAST = cue_words({"but", "however", "although", "though", "whereas", "while", "whilst"})
_SCOPE_VERBS = ("cover", "include", "extend", "reach", "encompass")  # stems: "does not cover family carers"
_TIME = frozenset({"yet", "currently", "present", "far", "now", "moment", "date"})  # "not yet", "at present", "so far"
_EXIST = cue_words({"exist", "exists", "existing", "place", "operate", "operates", "available", "established"})
_NOT_APPLICABLE = (("not", "applicable"), ("does", "not", "apply"), ("do", "not", "apply"), ("not", "relevant"),
                   ("n", "/", "a"))
_DENYING_OPENINGS = frozenset({"no", "none", "nil", "n/a", "na", "nobody"})
_NEG = NEG_PRE | {"nothing", "neither", "nor"}

NEGATION_FEATURES = (
    "rule_all", "share_negated", "mentions", "affirmed_sentences",
    "opens_denying", "opens_not", "not_applicable", "item",
    "no_before", "negation_after", "quantified", "trouble_after", "partial", "contrast", "scope_verb",
    "in_time", "exists", "of_phrase", "in_list", "hedged", "lexicon_confidence",
)


def _token(idx: list[int], char: int) -> int:
    """The token that starts at (or first after) a character offset."""
    return bisect_left(idx, char)


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    n, last = len(phrase), phrase[-1]
    return any(words[k - n + 1:k + 1] == list(phrase) for k, w in enumerate(words) if w == last and k >= n - 1)


class _TextContext:
    """What the features read once per text: its opening word ("n/a" for "N/A", which the tokenizer
    splits at the slash), whether it says the question does not apply, and each sentence's own
    flags, worked out once per sentence however many mentions it holds."""

    __slots__ = ("opening", "not_applicable", "sentences")

    def __init__(self, norms: list[str]):
        k = next((k for k, n in enumerate(norms) if n[:1].isalnum()), -1)
        self.opening = "" if k < 0 else "n/a" if norms[k:k + 3] == ["n", "/", "a"] else norms[k]
        self.not_applicable = self.opening in ("n/a", "na") or any(_has_phrase(norms, p) for p in _NOT_APPLICABLE)
        self.sentences: dict[int, tuple[bool, bool, bool, bool]] = {}

    def sentence(self, norms: list[str], b: int, e: int) -> tuple[bool, bool, bool, bool]:
        """Whether the sentence b..e has a partial word, a contrast, a time word, an existence word."""
        got = self.sentences.get(b)
        if got is None:
            words = set(norms[b:e])
            sent = norms[b:e] if "there" in words else []
            got = self.sentences[b] = (not _PARTIAL.isdisjoint(words), not _CONTRAST.isdisjoint(words),
                                       not _TIME.isdisjoint(words),
                                       not _EXIST.isdisjoint(words) or _has_phrase(sent, ("there", "is", "no"))
                                       or _has_phrase(sent, ("there", "are", "no")))
        return got


_HAVE_DETERMINERS = frozenset({"a", "an", "any", "the"})


def _denied_having(before: list[str]) -> bool:
    """Whether the words before a mention deny having it, as "no" right before it does: "we do not
    have a crisis team", "the council does not currently have any", "we haven't got a" ("n't" has the
    norm "not"), with at most a determiner between (since session 39; "we do not have a crisis team"
    in an answer was read as a gap described)."""
    k = len(before)
    if k and before[k - 1] in _HAVE_DETERMINERS:
        k -= 1
    if not k or before[k - 1] not in HAVE:
        return False
    k -= 1
    if k and before[k - 1] in HAVE_BETWEEN:
        k -= 1
    return k > 0 and before[k - 1] in ("not", "never")


def _denies_trouble(after: list[str]) -> bool:
    """Whether the words after a mention deny trouble about it: a negation, then within three words
    a word of trouble ("OR is not an issue", "has not been a problem", "housing is not an obstacle",
    "has not caused any difficulties"). It sets `trouble_after`, as trouble named right after the
    mention does ("no OR disputes"); since session 39: before, "is not an issue" in a narrative was
    read as a gap described, as "the contract does not cover carers" is."""
    for k, w in enumerate(after):
        if w in _NEG:
            return any(x.startswith(_TROUBLE_STEMS) for x in after[k + 1:k + 4])
    return False


def _windows(view, s: int, e: int, b: int, se: int) -> tuple[list[str], list[str]]:
    """The 8 words before a mention (from the start of its word: "NHS-CHC" begins at "NHS") and the
    6 after it, in its sentence, a word hyphenated inside counting once, as the rules count it."""
    norms = view.norms
    s = view.word_start(s, b)
    before = [norms[k] for k in range(view._back(s, b, 8), s) if not _in_word(norms, k)]
    after = [norms[k] for k in range(e, view._forward(e, se, 6)) if not _in_word(norms, k)]
    return before, after


def model_decides(view, score: ThemeScore) -> bool:
    """Whether the model decides the theme's flag: the rule reads one of its mentions as negated,
    the lexicon found it (not the theme model on its words alone), and no mention is the label of a
    null entry ("Ordinary residence: none.", "CHC - not applicable"), which denies by its form
    whatever the words around it."""
    ms = score.mentions
    if not ms or ms[0].term.startswith(LEARNED_TERM) or not any(m.negated for m in ms):
        return False
    idx = view.idx
    return not any(m.negated and m.frame == "heading"
                   and view.frame(_token(idx, m.start_char), _token(idx, m.end_char)) == "boilerplate" for m in ms)


def negation_features(view, score: ThemeScore, item: bool, text: _TextContext | None = None) -> list[float]:
    """How a theme's mentions are denied in one text (`view`: its `doc_view`), as NEGATION_FEATURES;
    `text`: the text's `_TextContext`, shared by its themes where the caller has it."""
    norms, idx = view.norms, view.idx
    text = text or _TextContext(norms)
    ms = score.mentions
    negated = [m for m in ms if m.negated]
    f = dict.fromkeys(NEGATION_FEATURES, 0.0)
    f["rule_all"] = float(bool(ms) and len(negated) == len(ms))
    f["share_negated"] = len(negated) / max(1, len(ms))
    f["mentions"] = min(len(ms), 5) / 5
    f["affirmed_sentences"] = min(len({m.sent_start for m in ms if not m.negated}), 3) / 3
    f["opens_denying"] = float(text.opening in _DENYING_OPENINGS)
    f["opens_not"] = float(text.opening == "not")
    f["not_applicable"] = float(text.not_applicable)
    f["item"] = float(item)
    f["lexicon_confidence"] = score.lexicon_confidence if score.lexicon_confidence is not None else score.confidence
    for m in negated:
        s, e = _token(idx, m.start_char), _token(idx, m.end_char)
        b, se = view.sent(min(s, len(norms) - 1)) if norms else (0, 0)
        before, after = _windows(view, s, e, b, se)
        if "no" in before[-2:] or "none" in before[-2:] or _denied_having(before):
            f["no_before"] = 1.0
        if not _NEG.isdisjoint(after) and _NEG.isdisjoint(before):
            f["negation_after"] = 1.0
        if view.quantified_denial(s, b, e):
            f["quantified"] = 1.0
        if any(w.startswith(_TROUBLE_STEMS) for w in after[:2]) or _denies_trouble(after):
            f["trouble_after"] = 1.0
        partial, contrast, in_time, exists = text.sentence(norms, b, se)
        f["partial"] = max(f["partial"], float(partial))
        f["contrast"] = max(f["contrast"], float(contrast))
        f["in_time"] = max(f["in_time"], float(in_time))
        f["exists"] = max(f["exists"], float(exists))
        if any(w.startswith(_SCOPE_VERBS) for w in before[-4:]):
            f["scope_verb"] = 1.0
        if before[-1:] == ["of"] or (before[-2:-1] == ["of"] and before[-1] in ("the", "a", "any")):
            f["of_phrase"] = 1.0
        if m.in_list:
            f["in_list"] = 1.0
        if m.hedged:
            f["hedged"] = 1.0
    return [f[k] for k in NEGATION_FEATURES]


@Language.factory("wvtext_negation_model", default_config={"model_path": None},
                  requires=["doc._.wv_themes"], assigns=["doc._.wv_themes"])
def make_negation_model(nlp: Language, name: str, model_path: str | None):
    path = model_path or str(learned_dir() / NEGATION_MODEL_FILE)
    return NegationModel(load_model(path), path)


class NegationModel(BatchPipe):
    def __init__(self, model: LinearModel | None, path: str = ""):
        self.model = model
        if model is not None and (model.kind != "negation" or tuple(model.labels) != ("negated",)):
            from pathlib import Path

            from ..errors import WvtextError

            raise WvtextError(f"{path}: not a negation model.",
                              remedy=f"Rebuild it with `wvtext train --out {Path(path).parent}`.")

    def __call__(self, doc: Doc) -> Doc:
        found = doc._.wv_themes
        if self.model is None or not found:
            return doc
        if not any(m.negated for s in found.values() for m in s.mentions):
            return doc  # most texts: no negation reaches any mention
        view, item = doc_view(doc), doc.user_data.get(QUESTION_KEY) is None
        read = [t for t, s in found.items() if model_decides(view, s)]
        if not read:
            return doc
        text = _TextContext(view.norms)
        X = np.array([negation_features(view, found[t], item, text) for t in read])
        p = sigmoid(self.model.bias[0] + X @ self.model.dense_w[0])
        for t, pt in zip(read, p.tolist()):
            s = found[t]
            found[t] = ThemeScore(s.theme, s.confidence, pt >= self.model.threshold, s.mentions, s.lexicon_confidence)
        return doc
