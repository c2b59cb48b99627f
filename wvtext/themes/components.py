"""spaCy components of the theme pipeline (registered on import).

- `wvtext_theme_matcher`: finds lexicon terms (normalised words; exact-case acronyms) and puts
  them in `doc.spans["wvtext_themes"]`, label = theme id, with the term's weight.
- `wvtext_negation`: marks each mention negated (NegEx-style cues before or after it, scoped to
  its clause) and hedged (a sentence that plans, considers or expects rather than states).
- `wvtext_theme_scorer`: turns the mentions of each theme into a confidence in 0..1 and sets
  `doc._.wv_themes` = {theme: ThemeScore}.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .lexicon import THEMES, Lexicon, load_lexicon, pattern_variants

__all__ = ["Mention", "ThemeScore", "SPANS_KEY", "THRESHOLD"]

SPANS_KEY = "wvtext_themes"
THRESHOLD = 0.5  # a theme is carried when its confidence reaches this

for _name, _default in (("wv_term", None), ("wv_weight", 0.0), ("wv_negated", False), ("wv_hedged", False),
                        ("wv_in_list", False)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Doc.has_extension("wv_themes"):
    Doc.set_extension("wv_themes", default=None)

# Cue words are compared with token norms (lower case, plurals folded).
NEG_PRE = {"no", "not", "n't", "none", "without", "never", "nor", "neither", "cannot", "absence", "lack"}
NEG_PRE_PHRASES = (("not", "aware"), ("no", "longer"), ("not", "yet"), ("unaware",))
NEG_POST = {"not", "n't", "none"}
PSEUDO_NEG = {("not", "only"), ("not", "just"), ("no", "doubt"), ("not", "necessarily"), ("no", ","),
              ("without", "delay"), ("not", "least")}
TERMINATORS = {"but", "however", "although", "though", "except", "whilst", "while", "yet", ";", "apart",
               "aside", "nevertheless", "still", "which", "whereas", "instead", "despite", "beyond"}
HEDGES = {"may", "might", "could", "would", "possibly", "possible", "potential", "potentially", "consider",
          "considering", "explore", "exploring", "intend", "intention", "plan", "planned", "propose",
          "proposed", "will", "aim", "hope", "expect", "expected", "likely", "future", "should", "if",
          "intended", "anticipate", "anticipated", "yet"}
_PRE_WINDOW, _POST_WINDOW = 8, 5


@dataclass
class Mention:
    theme: str
    term: str
    start_char: int
    end_char: int
    sent_start: int
    sent_end: int
    negated: bool
    hedged: bool
    weight: float
    in_list: bool


@dataclass
class ThemeScore:
    theme: str
    confidence: float
    negated: bool  # every mention denies the theme
    mentions: list[Mention] = field(default_factory=list)

    @property
    def carried(self) -> bool:
        return self.confidence >= THRESHOLD


@Language.factory("wvtext_theme_matcher", default_config={"lexicon_path": None},
                  assigns=["doc.spans"])
def make_theme_matcher(nlp: Language, name: str, lexicon_path: str | None):
    return ThemeMatcher(nlp, load_lexicon(lexicon_path))


class ThemeMatcher:
    def __init__(self, nlp: Language, lexicon: Lexicon):
        self.lexicon = lexicon
        self.terms = list(lexicon.terms)
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.case_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for i, term in enumerate(self.terms):
            forms = [term.term] if term.case else pattern_variants(term.term)
            docs = [nlp.make_doc(f) for f in forms]
            (self.case_matcher if term.case else self.norm_matcher).add(str(i), docs)

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for matcher in (self.norm_matcher, self.case_matcher):
            for key, start, end in matcher(doc):
                term = self.terms[int(doc.vocab.strings[key])]
                span = Span(doc, start, end, label=term.theme)
                if term.context and not _in_context(span.sent, term.context):
                    continue
                span._.wv_term = term.term
                span._.wv_weight = term.weight
                found.append(span)
        # Within a theme keep the longest of overlapping mentions ("NHS England specialised
        # commissioning" over "NHS England").
        found.sort(key=lambda s: (s.label_, s.start, -(s.end - s.start)))
        kept: list[Span] = []
        for span in found:
            if kept and kept[-1].label_ == span.label_ and span.start < kept[-1].end:
                continue
            kept.append(span)
        doc.spans[SPANS_KEY] = kept
        return doc


def _in_context(sent: Span, context: tuple[str, ...]) -> bool:
    """A context word matches a sentence word equal to it, or, from five letters up, starting
    with it ("prevent" matches "prevented", "prevention")."""
    for t in sent:
        n = t.norm_
        for c in context:
            if n == c or (len(c) >= 5 and n.startswith(c)):
                return True
    return False


@Language.component("wvtext_negation", requires=["doc.spans"])
def negation(doc: Doc) -> Doc:
    for span in doc.spans.get(SPANS_KEY, []):
        sent = span.sent
        span._.wv_negated = _negated(doc, span, sent)
        span._.wv_hedged = span._.wv_negated and _says_not_yet(doc, span, sent) or any(
            t.norm_ in HEDGES for t in sent)
        span._.wv_in_list = _in_list(doc, span, sent)
    return doc


def _says_not_yet(doc, span, sent) -> bool:
    return any(t.norm_ == "yet" for t in sent)


def _negated(doc: Doc, span: Span, sent: Span) -> bool:
    lo = max(sent.start, span.start - _PRE_WINDOW)
    i = span.start - 1
    while i >= lo:
        norm = doc[i].norm_
        if norm in TERMINATORS:
            break
        nxt = doc[i + 1].norm_ if i + 1 < len(doc) else ""
        if norm in NEG_PRE and (norm, nxt) not in PSEUDO_NEG:
            return True
        i -= 1
    hi = min(sent.end, span.end + _POST_WINDOW)
    for j in range(span.end, hi):
        norm = doc[j].norm_
        if norm in TERMINATORS or norm in (",", "."):
            break
        nxt = doc[j + 1].norm_ if j + 1 < len(doc) else ""
        if norm in NEG_POST and (norm, nxt) not in PSEUDO_NEG:
            return True
    return False


def _in_list(doc: Doc, span: Span, sent: Span) -> bool:
    """True when the mention is an item of an enumeration ("CCGs, LA, LAT, CQC and providers")."""
    lo, hi = max(sent.start, span.start - 6), min(sent.end, span.end + 6)
    commas = sum(1 for t in doc[lo:hi] if t.text == ",")
    return commas >= 2


@Language.factory("wvtext_theme_scorer", default_config={"k": 1.2, "repeat": 0.25, "list_discount": 0.6,
                                                          "negated_factor": 1.0},
                  requires=["doc.spans"], assigns=["doc._.wv_themes"])
def make_theme_scorer(nlp: Language, name: str, k: float, repeat: float, list_discount: float,
                      negated_factor: float):
    return ThemeScorer(k=k, repeat=repeat, list_discount=list_discount, negated_factor=negated_factor)


class ThemeScorer:
    """confidence = 1 - exp(-k * S), S = the mentions' weights: each distinct term once in full,
    repeats at `repeat` of their weight, items of a list at `list_discount`. With k = 1.2, one
    weight-1 term gives 0.70 and a lone body name (0.3) gives 0.30."""

    def __init__(self, *, k: float, repeat: float, list_discount: float, negated_factor: float):
        self.k, self.repeat, self.list_discount, self.negated_factor = k, repeat, list_discount, negated_factor

    def __call__(self, doc: Doc) -> Doc:
        by_theme: dict[str, list[Span]] = {}
        for span in doc.spans.get(SPANS_KEY, []):
            by_theme.setdefault(span.label_, []).append(span)
        scores: dict[str, ThemeScore] = {}
        for theme in THEMES:
            spans = by_theme.get(theme)
            if not spans:
                continue
            total, seen = 0.0, set()
            for s in spans:
                w = s._.wv_weight * (self.list_discount if s._.wv_in_list else 1.0)
                w *= self.negated_factor if s._.wv_negated else 1.0
                total += w * (self.repeat if s._.wv_term in seen else 1.0)
                seen.add(s._.wv_term)
            conf = 1.0 - math.exp(-self.k * total)
            mentions = [Mention(theme, s._.wv_term, s.start_char, s.end_char, s.sent.start_char, s.sent.end_char,
                                s._.wv_negated, s._.wv_hedged, s._.wv_weight, s._.wv_in_list) for s in spans]
            scores[theme] = ThemeScore(theme, round(conf, 4), all(m.negated for m in mentions), mentions)
        doc._.wv_themes = scores
        return doc
