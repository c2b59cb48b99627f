"""What a narrative itself says about its question: one of the answer classes, with the
sentence(s) that decided it and a confidence.

Consumes a parsed narrative (the `Doc` the theme pipeline made: one parse serves every stage)
and its `Question`. Produces a `Stance`. Works on a single return: stance cues are data
(`models/stance/cues.csv`), cross-references ("See 2.4 above", "As per previous answer") are
resolved within the same return by `resolve_references`, and what cannot be followed is unclear.

Rules, in order:
1. a narrative that is only a cross-reference takes the class of the answer it points to;
2. categorical questions (1.2 partners, 6.10 obstacles) read the partners/obstacles named;
3. "any issues?" questions (1.8) read whether issues are affirmed or denied;
4. otherwise cue weights add up per class (the first sentence counts 1.5x; a cue of existence
   under a local negation counts for "no"; the progressive "we are putting ... together" counts
   for in_progress, a contrast (or in note style a semicolon or spaced dash) followed by a
   denial in one sentence for partial, and an answer opening "Nobody ... is placed" for not
   applicable; a denial of trouble ("No major gaps") or of a denial ("No person is without ...")
   is none, and an answer that opens with one of its question's own code labels ("In process -
   ...") answers as that code); an affirmative first sentence with a gap
   stated later is partial, and so is a denial followed by what is done in its place ("In
   practice", "Instead"); "Yes, ... will be" with only future/progress content
   in its first sentence is in_progress; text with no cue that describes arrangements reads yes,
   weakly, if it shares a word with the question; an empty, very short or off-question cue-less
   text is unclear.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

import numpy as np

from .codebook import ANSWER_CLASSES, Codebook, Question
from .errors import WvtextError
from .learned import (FUTURE_QUESTION, SHARE_OF, learned_dir, load_model, opening_index, opening_word, softmax,
                      stance_features)
from .themes.components import WORD_HYPHEN, _negated, doc_view
from .themes.lexicon import cue_words, normalize_word, pattern_variants

__all__ = ["Stance", "StanceReader", "resolve_references", "ANSWER_ORDINAL", "STANCE_MODEL_FILE"]

STANCE_MODEL_FILE = "stance_model.json"


CLASSES = ANSWER_CLASSES
CUE_CLASSES = CLASSES + ("plan",)  # "plan": future intent with nothing yet underway
ANSWER_ORDINAL = {"no": 0, "in_progress": 1, "partial": 2, "yes": 3}
_NEG = {"not", "no", "n't", "never", "nor", "without", "nothing"}
# Stems: "disput" covers dispute, disputed, disputes; "determination" an OR determination.
_ISSUE_STEMS = ("issue", "disput", "risk", "concern", "problem", "difficult", "disagree", "challeng", "determination",
                "exposure", "contest", "unresolved", "escalat", "quer")  # "querying OR for one of them"
# "the people concerned", "all concerned": "concerned" after the people it is about means
# "involved", no concern (since session 17).
_CONCERNED_AFTER = frozenset({"people", "person", "those", "individual", "all", "party", "family", "patient",
                              "organisation", "agency", "authority", "staff", "partner"})
# Before "plan(s) to be ...", who intends ("we plan to be ready"); after any other word "plans" are
# documents ("support plans to be shared").
_PLANNERS = frozenset({"we", "they", "i", "also", "still"})
# What joins two clauses in note style: a semicolon, or a dash standing between spaces (a hyphen
# inside a word is part of the word's token, or, where the tokenizer splits it off, "CHC-funded",
# "person-centred", has the norm WORD_HYPHEN in the doc view, which is no clause mark).
_CLAUSE_MARKS = {";", "-", "\u2013", "\u2014"}
_POINTS_BACK = {"this", "that", "it", "these", "those", "matter"}  # a sentence that opens by pointing back
_FUTURE_BEFORE = {"will", "shall", "to", "expected", "intend", "planned", "aim", "hope", "going"}
_LIMITERS = {"only", "some", "partly", "partially", "except", "most", "certain", "limited"}
_CONTRAST = {"but", "though", "although", "however", "whilst", "while", "yet"}
_FIRST_WEIGHT = 1.5
_ECHO_WEIGHT = 1.2
_PART_SHARE = 0.8
_ECHO_STOP = cue_words({"there", "your", "with", "have", "been", "this", "that", "from", "they", "their", "what", "which",
              "local", "about", "including", "being", "people", "place", "does", "will", "should"})
_MIN_WORDS_DESCRIBING = 8
# RAG status words and what each says of the thing rated (session 18, from a probe's return written
# as a team's pasted update); where they count as a status (`StanceReader._status_ratings`).
_RAG = {"amber": ("in_progress", 1.5), "green": ("yes", 1.0), "red": ("no", 1.0)}
_STATUS_BEFORE = frozenset({"rag", "status", "rating", "rated"})
_STATUS_MARKS = frozenset({".", "-", ":", "(", ")", "\u2013", "\u2014", ";", ","})
# Cues that affirm only as a predicate ("the team is operational"), not before a noun ("operational policy").
_PREDICATIVE_ONLY = {"operational"}
_IRREGULAR_PARTICIPLES = {"set", "put", "done", "made", "built", "held", "drawn", "written", "taken", "given",
                          "undertaken", "brought", "begun", "sent", "run", "met", "seen", "chosen"}
# Plan cues under this weight in an account of at least this many words are incidental to it.
_INCIDENTAL_PLAN = 1.0
_MIN_WORDS_ACCOUNT = 25
# The progressive aspect ("we are putting one together", "the CCG is gathering information",
# "we're designing an audit tool") describes work underway: a verb of English grammar, not a
# cue word, so it is read off the token sequence. Words in -ing after "is"/"are" that are not
# verbs are left out.
_PROGRESSIVE_AUX = {"is", "are", "am", "'re", "currently"}
_NOT_VERBS_ING = {"nothing", "something", "anything", "everything", "during", "including", "according",
                  "following", "regarding", "concerning", "pending", "being", "ongoing",
                  # adjectives, not work going on ("none is outstanding", "the target is challenging")
                  "outstanding", "missing", "lacking", "challenging", "interesting", "encouraging", "promising",
                  "demanding", "pressing", "existing", "exciting", "worrying", "reassuring", "willing"}
_PROGRESSIVE_WEIGHT = 0.8
# The state denied ("children's commissioning is not aligned", "ethnicity is not recorded
# consistently", "the LSCB has not been linked in", "advocacy isn't routinely offered"): a form of
# "be" or "have", "not", at most one adverb, then a participle or a word of state. A gap in the
# arrangement asked about, read off English grammar as the denied progressive is. Not a denial of
# need or expectation ("is not required", "is not expected to"), nor "not limited to" (more, not less).
_STATE_AUX = {"is", "are", "was", "were", "'s", "'re", "has", "have", "had", "been", "be"}
# (Not "always": "is not always offered" says the arrangement is there, not always; `_NOT_STATE` ends
# the reading there. Until session 39 the word was never read here, its norm being "alway".)
_STATE_ADVERBS = cue_words({"yet", "routinely", "consistently", "currently", "fully", "formally", "properly",
                  "systematically", "regularly", "clearly", "sufficiently", "well", "adequately", "widely",
                  "specifically", "directly", "automatically", "as", "so", "been", "being"})
# "we do not [currently|yet|always|routinely] allocate ...": the simple present denied
_DENIAL_ADVERBS = cue_words({"currently", "yet", "always", "routinely"})
_STATE_WORDS = {"available", "clear", "known", "complete", "possible", "sufficient", "adequate", "consistent",
                "routine", "shown", "done", "seen", "given", "taken", "held", "met", "set", "built", "drawn",
                "written", "undertaken", "made", "kept", "understood", "joined", "up", "there", "present",
                "robust", "in", "part", "covered", "resolved", "signed", "agreed", "begun", "sought", "brought",
                "found", "run", "put", "sent", "got", "gone"}
_NOT_STATE = cue_words({"required", "needed", "expected", "anticipated", "envisaged", "limited", "restricted", "confined",
              "aware", "concerned", "surprised", "applicable", "appropriate", "necessary", "intended",
              "unusual", "uncommon", "only", "just", "simply", "merely", "always", "a", "an", "the"})
# A discourse adverb set off by commas inside a denial ("has not, however, been engaged", "do not,
# as yet, extend to"): the denial reads through it.
_PARENTHETICAL = {"however", "though", "yet", "as", "so", "far", "still", "currently", "unfortunately",
                  "regrettably", "at", "present", "this", "stage", "point", "time"}
# "never" before a failure affirms: "has never missed a quarterly review", "reviews have never lapsed"
_FAILURES = {"missed", "lapsed", "failed", "breached", "exceeded", "slipped", "overspent", "broken", "lost",
             "fallen", "stopped", "ceased", "declined", "refused"}
_ANSWER_WORDS = {"yes", "no", "not", "none", "partly", "partially", "nil"}
XREF_TARGETS = ("qid", "previous", "document")  # what a cross-reference of models/stance/xrefs.csv points at
_SCORED = "wv_stance_scored"  # doc.user_data key: the last `_score` result and its question
_SENTENCE_SCORES = "wv_stance_sentences"  # doc.user_data key: each sentence's cue weights (for the learned model)
# Verbs of opinion, expectation or need after "do not": "we do not envisage problems" denies no
# arrangement.
_NOT_DENIAL_VERBS = {"know", "think", "believe", "expect", "anticipate", "envisage", "foresee", "see", "feel",
                     "consider", "need", "require", "apply", "arise", "have"}
# "being" + a participle without its auxiliary, as in notes ("clinical lead post being recruited
# to"; "reporting route being set up"): the progressive passive. Words after "being" that are no
# participle are left out.
_NOT_PARTICIPLE = {"able", "unable", "the", "a", "an", "in", "on", "of", "at", "for", "to", "and", "or", "with", "by",
                   "as", "so", "very", "more", "less", "well", "human", "there"}
# A contrast followed by a denial in the same sentence ("There's a crisis service for adults, but
# nothing for under-18s"; "They're clear, but we still aren't sure ...") states a gap: partial.
_CONTRAST_GAP = cue_words({"but", "however", "although", "though", "yet", "nevertheless", "whereas", "except"})
_CONTRAST_GAP_WEIGHT = 1.0
# A question that asks what support an area would like: a wish is its answer, not an evasion.
_ASKS_WISHES = re.compile(r"\b(?:further|additional|more|extra)\s+(?:support|help)\b"
                          r"|\bwould\s+(?:you\s+)?(?:like|welcome)\b", re.I)
_JOINT = {"joint", "jointly", "integrated", "integrate", "shared", "single", "together"}
_SEPARATE_WEIGHT = 0.8
# "Routinely available for adults. No dedicated advocacy for young people.": a later sentence that
# opens "No <noun>" denies that thing, as an answer that opens "No" denies the question's. Not "No
# longer ...", "No doubt ...", "No more than ..." (no denial of a thing).
_LATER_NO_WEIGHT = 1.0
_NOT_A_DENIED_THING = {"longer", "more", "doubt", "matter", "less", "sooner", "later", "fewer"}
_HTML_ENTITIES = {"amp", "nbsp", "quot", "lt", "gt", "apos"}  # "&amp;": its ";" joins no clauses
# "the people being reviewed", "each person being moved": a participle after a word for people
# says who the programme is about, not that an arrangement is being made.
_PEOPLE = cue_words({"people", "person", "persons", "individual", "individuals", "patient", "patients", "those", "cohort",
           "everyone", "anyone", "adult", "adults", "child", "children", "men", "women", "them"})
# "Nobody from our area is placed by specialist commissioning": an answer that opens by saying no
# one is placed, funded or in hospital says the question's subject does not exist here.
_NOBODY_SUBJECT = {"placed", "funded", "commissioned", "hospital", "inpatient", "patient", "secure"}
_NOBODY_WEIGHT = 1.5
# An informal arrangement named after a denial ("No formal pool. ... an informal agreement exists";
# "no formal procedure. Differences are resolved informally"): another arrangement, partial
# (answer-classes: Informal arrangements). Not informal talk ("discussed informally").
_ARRANGEMENT_NOUNS = {"arrangement", "agreement", "understanding", "basis", "process", "protocol", "route"}
_HANDLED = {"resolved", "settled", "handled", "managed", "agreed", "split", "shared"}
# Words that make "Yes for ..." cover everyone rather than limit it (`_scoped_yes`).
_EVERY = {"all", "every", "everyone", "everybody", "each", "both", "whole", "entire"}
# Words that say a thing is done: after a denial of work underway in their sentence ("not in progress,
# because it was completed") the denial is of the work still going on, not of the thing.
_DONE = {"completed", "complete", "finished", "concluded", "done"}
# Nouns of trouble: "no gaps", "no major concerns" say nothing is wrong (`_no_trouble`), where "no
# process", "no pooled budget" deny the thing. Not "risk" ("no risk share") or "dispute" ("no dispute
# resolution protocol"), whose compounds name arrangements.
_TROUBLE = {"gap", "concern", "issue", "problem", "difficulty", "barrier", "delay", "shortfall", "complaint",
            "obstacle"}
# Events the programme works to prevent: "No LD admissions since March", "no placement breakdowns
# this year" report a good outcome, as "no concerns" does; but as a modifier they name an
# arrangement ("No admission avoidance service"), so only as the head of the phrase.
_BAD_EVENTS = {"admission", "readmission", "incident", "breakdown"}
_AFTER_EVENT = {"since", "in", "during", "this", "over", "for", "from", "to", "at", "of", "so", "last", "reported",
                "recorded", "have", "has", "were", "was"}
_NOT_TROUBLE = {"analysis", "resolution", "log", "register", "escalation", "protocol", "process"}
# "Nine of the eleven reviews are complete. The remaining two are booked for September": some of a
# set done and the rest still to come (answer-classes: Most/Some completed with timescales is
# in_progress). A count of the set done, then the rest named.
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")(?:[- ]\w+)?"
_DONE_COUNT = re.compile(_NUMBER + r"(?:\s+of\s+(?:the\s+|our\s+|these\s+)?|\s?/\s?)" + _NUMBER
                         + r"(?:\s+[a-z]+){0,2}?\s+(?:(?:are|were|have\s+been|has\s+been)\s+)?"
                         r"(?:done|complete|completed|finished|reviewed|held|carried\s+out)\b", re.I)
_THE_REST = re.compile(r"\b(?:remaining|the\s+rest|the\s+other|the\s+last|outstanding|o/s)(?!\w)", re.I)


def _past_parenthetical(norms: list[str], j: int) -> int:
    """The index after a parenthetical of one to three words set off by commas starting at j
    (", however ,", ", as yet ,", ", at this stage ,"); j itself when there is none."""
    if j >= len(norms) or norms[j] != ",":
        return j
    k = j + 1
    while k < len(norms) and k - j <= 3 and norms[k] in _PARENTHETICAL:
        k += 1
    return k + 1 if k > j + 1 and k < len(norms) and norms[k] == "," else j


# A time adverbial of two or three words inside a denial without commas ("has not so far been
# engaged", "has not as yet been agreed", "is not at this stage funded"): the denial reads through it.
_ADVERBIAL_PHRASES = (("so", "far"), ("as", "yet"), ("to", "date"), ("at", "present"), ("at", "this", "stage"),
                      ("at", "the", "moment"), ("until", "now"))


def _past_adverbial(norms: list[str], j: int) -> int:
    """The index after one of `_ADVERBIAL_PHRASES` starting at j; j itself when there is none."""
    for phrase in _ADVERBIAL_PHRASES:
        if tuple(norms[j:j + len(phrase)]) == phrase:
            return j + len(phrase)
    return j


def _sentence_class(weights: dict[str, float]) -> str:
    """What one sentence's cues say on their own: yes, no, progress (underway or planned), partial,
    not_applicable, or "" (no cue)."""
    merged = {"progress": weights.get("in_progress", 0.0) + weights.get("plan", 0.0)}
    merged.update({c: weights.get(c, 0.0) for c in ("yes", "no", "partial", "not_applicable")})
    top = max(merged, key=lambda c: (merged[c], c == "yes"))
    return top if merged[top] > 0 else ""


@dataclass
class Stance:
    text_class: str
    confidence: float
    evidence: str
    scores: dict[str, float] = field(default_factory=dict)
    xref: str = ""  # qid the narrative refers to ("" if none)
    xref_only: bool = False
    resolved_from: str = ""  # qid whose class an xref-only narrative took
    partners: tuple[int, ...] = ()
    obstacles: tuple[int, ...] = ()
    issues_affirmed: bool | None = None
    hedged: bool = False
    rule_class: str = ""  # what the rules alone said, where the learned model decided
    account: bool = False  # a long account of what its question asks about (`_describes`)


def _models() -> Path:
    from .paths import models_dir

    return models_dir() / "stance"


def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise WvtextError(f"{path}: missing column(s) {', '.join(missing)}.")
            return list(enumerate(reader, start=2))
    except FileNotFoundError:
        raise WvtextError(f"{path}: stance data file not found.", remedy="Restore models/stance/.")


@lru_cache(maxsize=2)
def _cues(path: str) -> list[tuple[str, str, float, bool]]:
    out = []
    for row, r in _read(Path(path), ("cue", "class", "weight", "where")):
        if r["class"] not in CUE_CLASSES or r["where"] not in ("start", "any"):
            raise WvtextError(f"{path}, row {row}: class must be one of {CUE_CLASSES} and where start/any.")
        out.append((r["cue"], r["class"], float(r["weight"]), r["where"] == "start"))
    return out


@lru_cache(maxsize=2)
def _xrefs(path: str) -> list[tuple[re.Pattern, str]]:
    out = []
    for row, r in _read(Path(path), ("pattern", "target")):
        try:
            pattern = re.compile(r["pattern"], re.I)
        except re.error as exc:
            raise WvtextError(f"{path}, row {row}, field pattern: not a valid regular expression ({exc}).",
                              remedy="Fix the pattern (Python re syntax).")
        if r["target"] not in XREF_TARGETS or (r["target"] == "qid") != ("qid" in pattern.groupindex):
            raise WvtextError(f"{path}, row {row}, field target: {r['target']!r} must be one of "
                              f"{', '.join(XREF_TARGETS)}, and 'qid' exactly when the pattern has a (?P<qid>...) group.",
                              remedy="qid: the pattern names the question; previous: the answer before; "
                                     "document: a document the return does not hold.")
        out.append((pattern, r["target"]))
    return out


def _participle(word: str) -> bool:
    return (len(word) > 4 and word.endswith("ed")) or word in _IRREGULAR_PARTICIPLES


def _number_forms(cue: str) -> list[str]:
    """The cue and its plural ("is agreed" -> "are agreed", "was agreed" -> "were agreed"): a cue
    of English grammar holds for either number of its subject."""
    words = cue.split()
    other = {"is": "are", "was": "were", "has": "have"}.get(words[0]) if len(words) >= 2 else None
    return [cue] + ([" ".join([other] + words[1:])] if other else [])


def _contracted(cue: str) -> str:
    """The cue as written with "'s" ("there is no" -> "there's no"), or "". spaCy normalises
    "'re", "'ve" and "n't" to "are", "have" and "not", but leaves "'s" as it is (it may be "is",
    "has" or a possessive), so a cue that starts with a pronoun and "is" or "has" needs this form."""
    words = cue.split()
    if len(words) >= 2 and words[0].lower() in ("there", "it", "that", "he", "she", "what") and words[1] in ("is", "has"):
        return " ".join([words[0] + "'s"] + words[2:])
    return ""


@lru_cache(maxsize=4)
def _code_terms(path: str) -> list[tuple[str, int]]:
    return [(r["term"], int(r["code"])) for _, r in _read(Path(path), ("term", "code"))]


class StanceReader:
    """Reads stance from parsed narratives; build once per `nlp` and reuse."""

    def __init__(self, nlp: Language, *, models: Path | None = None, learned: bool = False):
        models = models or _models()
        self.nlp = nlp
        self.model = load_model(str(learned_dir() / STANCE_MODEL_FILE)) if learned else None
        if self.model is not None and self.model.kind != "stance":
            raise WvtextError(f"{learned_dir() / STANCE_MODEL_FILE}: not a narrative-class model.",
                              remedy=f"Rebuild it with `wvtext train --out {learned_dir()}`.")
        self.cues = _cues(str(models / "cues.csv"))
        self.xrefs = _xrefs(str(models / "xrefs.csv"))
        self._qnorms: dict[str, frozenset[str]] = {}
        self._label_words: dict[str, list[str]] = {}  # code label -> its opening words, as answers are compared
        self.any_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.start_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for i, (cue, _cls, _w, start) in enumerate(self.cues):
            forms = sorted({v for c in (*_number_forms(cue), _contracted(cue)) if c for v in pattern_variants(c)})
            (self.start_matcher if start else self.any_matcher).add(str(i), [nlp.make_doc(v) for v in forms])
        self.partner_matcher = self._code_matcher(models / "partners.csv")
        self.obstacle_matcher = self._code_matcher(models / "obstacles.csv")

    def _code_matcher(self, path: Path) -> PhraseMatcher:
        m = PhraseMatcher(self.nlp.vocab, attr="NORM")
        for term, code in _code_terms(str(path)):
            m.add(str(code), [self.nlp.make_doc(v) for v in pattern_variants(term)])
        return m

    # -- public ----------------------------------------------------------------------
    def read(self, doc: Doc, question: Question | None) -> Stance:
        text = doc.text.strip()
        if not text:
            return Stance("unclear", 1.0, "", xref="")
        xref, xref_only = self._xref(text, question)
        if question is not None and question.kind != "yes_no":
            return self._categorical(doc, question, xref, xref_only)
        scores, first_scores, best_sent, hedged = self._scored(doc, question)
        if xref_only:
            return Stance("unclear", 0.5, text, scores, xref, True, hedged=hedged)
        if question is not None and question.asks_about_issues:
            issue = self._issues(doc)
            if issue is not None:
                cls = "yes" if issue[0] else "no"
                return Stance(cls, 0.75, issue[1], scores, xref, False, issues_affirmed=issue[0], hedged=hedged)
        rule = self._decide(doc, scores, first_scores, best_sent, xref, hedged, question)
        if self.model is not None:
            rule = self._learned(doc, question, rule, scores, first_scores, best_sent, hedged)
        rule.account = self._describes(doc_view(doc), question)
        return rule

    def rule_features(self, doc: Doc, question: Question | None) -> list[float] | None:
        """The learned model's features of a narrative, or None where the rules decide alone
        (empty, categorical, cross-reference only, an "any issues?" answer the rules read)."""
        parts = self._rule_parts(doc, question)
        return parts[0] if parts else None

    def features_and_evidence(self, doc: Doc, question: Question | None) -> tuple[list[float], dict[str, str]] | None:
        """`rule_features` and, for each class the cues support, the sentence that supports it
        most (what an answer re-classed by a learned layer shows as its evidence); one pass."""
        parts = self._rule_parts(doc, question)
        if parts is None:
            return None
        features, best = parts
        out = {c: self._sentence(doc, start) for c, (_w, start) in best.items() if c in CLASSES}
        if "plan" in best:
            out.setdefault("no", self._sentence(doc, best["plan"][1]))
            out.setdefault("in_progress", self._sentence(doc, best["plan"][1]))
        return features, out

    def _rule_parts(self, doc: Doc, question: Question | None):
        text = doc.text.strip()
        if not text or (question is not None and question.kind != "yes_no"):
            return None
        if self._xref(text, question)[1]:
            return None
        scores, first_scores, best_sent, hedged = self._scored(doc, question)
        if question is not None and question.asks_about_issues and self._issues(doc) is not None:
            return None
        rule = self._decide(doc, scores, first_scores, dict(best_sent), "", hedged, question)
        return self._features(doc, question, rule, scores, first_scores, hedged), best_sent

    def _features(self, doc: Doc, question, rule: Stance, scores, first_scores, hedged) -> list[float]:
        v = doc_view(doc)
        by_sent = doc.user_data.get(_SENTENCE_SCORES, {})
        sentences = [_sentence_class(by_sent.get(b, {})) for b, _e in v.bounds]
        return stance_features(v.norms, len(v.bounds), scores, first_scores, rule.text_class, rule.confidence,
                               hedged, doc.text, question.text if question is not None else "", sentences)

    def _learned(self, doc: Doc, question, rule: Stance, scores, first_scores, best, hedged) -> Stance:
        """The learned model's class probabilities blended with the rules' decision (the model
        file says how much each counts); the rules' evidence sentence for the chosen class where
        they have one."""
        m = self.model
        dense = np.asarray(self._features(doc, question, rule, scores, first_scores, hedged))
        probs = m.blend * softmax(m.bias + m.dense_w @ dense + m.bow_logits(doc_view(doc).norms))
        probs[m.labels.index(rule.text_class)] += 1 - m.blend
        j = int(probs.argmax())
        cls = m.labels[j]
        if cls == rule.text_class:
            evidence = rule.evidence
        else:
            evidence = self._sentence(doc, best[cls][1]) if cls in best else self._first_text(doc)
        return Stance(cls, round(float(probs[j]), 3), evidence, rule.scores, rule.xref, hedged=hedged,
                      rule_class=rule.text_class)

    def _xref(self, text: str, question: Question | None) -> tuple[str, bool]:
        for pattern, target in self.xrefs:
            m = pattern.search(text)
            if not m:
                continue
            # a question of the return, the answer before, or a document the return does not hold
            qid = m.group("qid") if target == "qid" else "@document" if target == "document" else "@previous"
            rest = (text[: m.start()] + " " + text[m.end():]).strip()
            # Only a reference when little else is said ("See 1.3 above.", "As per previous answer").
            rest_words = [w for w in re.findall(r"[A-Za-z]+", rest) if w.lower() not in
                          {"above", "below", "previous", "answer", "response", "question", "also", "please", "the", "and"}]
            if target == "document" and any(w.lower() in _ANSWER_WORDS for w in rest_words):
                return qid, False  # "No. See attached.": answered, with a document beside it
            return qid, len(rest_words) <= 3
        return "", False

    def _scored(self, doc: Doc, question: Question | None):
        """`_score`, kept on the doc for the last (cue set, question text) it was scored with:
        `read` and `features_and_evidence` on the same doc (the across-returns layer) share it; a
        reader with other cues, or another question, scores afresh. Copies, since `_decide` adds
        to `best`."""
        key = question.text if question is not None else None
        cached = doc.user_data.get(_SCORED)
        if cached is None or cached[0] is not self.cues or cached[1] != key:
            scores, first, best, hedged = self._score(doc, question)
            cached = doc.user_data[_SCORED] = (self.cues, key, scores, first, best, hedged,
                                               doc.user_data[_SENTENCE_SCORES])
        else:
            doc.user_data[_SENTENCE_SCORES] = cached[6]
        _cues, _key, scores, first, best, hedged, _by_sent = cached
        return dict(scores), dict(first), dict(best), hedged

    def _score(self, doc: Doc, question: Question | None = None):
        """Cue weights per class over the whole narrative, the same for its first sentence
        (without an opening Yes), the best (weight, sentence start) per class, and whether the
        narrative plans or progresses (hedged). Works on the doc's arrays, one pass."""
        v = doc_view(doc)
        norms = v.norms
        scores = {c: 0.0 for c in CUE_CLASSES}
        first = {c: 0.0 for c in CUE_CLASSES}
        best: dict[str, tuple[float, int]] = {}
        first_end = v.bounds[0][1] if v.bounds else len(doc)
        opening = opening_index(norms)
        spans = [(s, e, int(doc.vocab.strings[key])) for key, s, e in self.start_matcher(doc) if s == opening]
        spans += [(s, e, int(doc.vocab.strings[key])) for key, s, e in self.any_matcher(doc)]
        spans = self._longest_first(spans)
        taken: set[int] = set()
        qualified: set[int] = set()  # tokens of partial cues ("co-located", "informal")
        hedged = False
        by_sent: dict[int, dict[str, float]] = {}  # sentence start -> cue weight per class (the learned model's)
        underway: list[int] = []  # where work underway or planned is read (for a gap after a contrast)

        def add(cls: str, w: float, at: int, *, count_first: bool = True, boost: bool = True) -> None:
            """Count weight `w` for `cls` at token `at` (1.5x in the first sentence when `boost`);
            keep the sentence of the heaviest evidence per class, and each sentence's own weights."""
            weight = w * (_FIRST_WEIGHT if boost and at < first_end else 1.0)
            scores[cls] += weight
            sent_start = v.sent(at)[0]
            in_sent = by_sent.setdefault(sent_start, {})
            in_sent[cls] = in_sent.get(cls, 0.0) + w
            if cls in ("in_progress", "plan"):
                underway.append(at)
            if count_first and at < first_end:
                first[cls] += w
            if weight > best.get(cls, (0.0, 0))[0]:
                best[cls] = (weight, sent_start)

        for s, e, i in spans:
            if any(t in taken for t in range(s, e)):
                continue
            taken.update(range(s, e))
            cue, cls, w, start = self.cues[i]
            start = start and s == opening
            sb, se = v.sent(s)
            if cls == "partial" and question is not None and set(norms[s:e]) <= self._question_norms(question.text):
                continue  # "gap" in an answer about a gap analysis names the subject, not a caveat
            if cls == "unclear" and question is not None and _ASKS_WISHES.search(question.text):
                continue  # "we would welcome support with ..." answers "where might you use further support?"
            if norms[s] in ("being", "expected", "due", "planned", "proposed") and s > 0 and norms[s - 1] in _PEOPLE:
                # "each person being reviewed", "the four people expected to leave hospital": who
                # the programme is about, not work underway or a plan of the answer's own
                continue
            if cue == "informal" and e < se and (norms[e] in _PEOPLE or norms[e] in ("pt", "admission")):
                continue  # "the 2 informal patients": not detained under the Act, not an informal arrangement
            if cls == "in_progress" and self._circumstance(norms, sb, s):
                continue  # "whenever a move is being considered", "was being considered": no work underway now
            if norms[s] == "working" and self._describes_noun(norms, s):
                # "a network for staff working with people in hospital", "appointed in February,
                # working with the Principal Social Worker": who someone is, not work underway
                continue
            if cue in ("plan to", "plans to") and e < se and norms[e] == "be" and s > sb \
                    and norms[s - 1] not in _PLANNERS and not self._to_be_done(norms, sb, e - 1):
                continue  # "arranges for support plans to be shared": documents, not an intention ("we plan to be")
            if cls == "not_applicable" and norms[e:e + 2] == ["to", "be"]:
                continue  # "has not needed to be used": the procedure is there, unused
            denied = any(norms[j] in _NEG for j in range(max(0, s - 3), s))
            if denied and cls == "partial" and norms[s] in _TROUBLE:
                continue  # "no major gaps", "without any gaps": a caveat denied is none
            if cls in ("yes", "in_progress", "plan") and denied:
                if cls != "yes" and any(n in _DONE for n in norms[e:se]):
                    continue  # "is not in progress, because it was completed in March": done, not missing
                if "scratch" in norms[sb:se]:
                    # "This is not something we have had to develop from scratch": what is denied is
                    # starting anew, so the thing was there already (a yes, weakly)
                    add("yes", _PROGRESSIVE_WEIGHT, s)
                    continue
                cls = "no"  # "is not in place", "not being developed"
            elif cls == "yes" and not start and any(norms[j] in _FUTURE_BEFORE for j in range(max(sb, s - 3), s)):
                cls = "plan"  # "will be in place by October": not yet in place
            elif cls == "yes" and not start and self._awaited(norms, sb, s):
                cls = "plan"  # "Costing will start once the budget is agreed": waited for, not in place
            elif cls == "yes" and cue in _PREDICATIVE_ONLY and e < se and norms[e][:1].isalpha() \
                    and norms[e] not in STOP_WORDS:
                continue  # "operational policy", "operational group": a kind of thing, not "is operational"
            elif cls == "yes" and not start and any(norms[j] in _LIMITERS for j in range(e, min(se, e + 6))):
                cls = "partial"  # "in place in some areas only"
            if cls == "no" and e < se and norms[e][:1].isalpha() and "without" in norms[e:se]:
                continue  # "No person is without a named worker": two denials affirm (not "No, not without ...")
            if cls == "no" and self._no_trouble(norms, e, se, question):
                # "No major gaps - full costings for all", "no concerns": nothing wrong, which says
                # (weakly) that what is asked about is in hand
                add("yes", _PROGRESSIVE_WEIGHT, s)
                continue
            if cls == "no" and self._nobody_here(norms, e, se):
                # "We do not have any young people currently placed": no one in that situation,
                # not a missing arrangement. As the answer's opening it says the question does not
                # apply here; later it is context.
                if sb == 0:
                    add("not_applicable", _NOBODY_WEIGHT, s, count_first=False, boost=False)
                continue
            if cls in ("in_progress", "plan"):
                hedged = True
            if cls == "partial":
                qualified.update(range(s, e))
            add(cls, w, s, count_first=cue != "yes")
        for b, e in v.bounds[1:]:
            i = next((k for k in range(b, e) if norms[k][:1].isalpha()), e)
            if i + 1 < e and norms[i] == "no" and i not in taken and norms[i + 1][:1].isalpha() \
                    and norms[i + 1] not in _NOT_A_DENIED_THING:
                if self._no_trouble(norms, i + 1, e, question):
                    add("yes", _PROGRESSIVE_WEIGHT, i)  # "No gaps identified.": nothing wrong
                elif not self._nobody_here(norms, i + 1, e) and (i == b or norms[b] != "(") \
                        and "without" not in norms[i + 1:e] and self._on_question(v, question, i + 1, e) \
                        and not (question is not None and _ASKS_WISHES.search(question.text)):
                    # about the question (an aside, "(No crisis admissions since March.)", is context);
                    # not two denials ("No person has been without an assessor"), nor, under a question
                    # asking where support is wanted, what is not asked for ("No national support requested")
                    taken.add(i)
                    add("no", _LATER_NO_WEIGHT, i)
        for i in range(len(norms) - 1):
            # "is/are [not] <verb>ing": work underway, or (negated) not being done; "being <done>"
            # standing alone: work underway.
            if i in taken or i + 1 in taken:
                continue
            prev, word, verb = (norms[i - 1] if i else ""), norms[i], norms[i + 1]
            negated = word in _NEG and prev in _PROGRESSIVE_AUX
            if word == "being":
                if not verb[:1].isalpha() or verb in _NOT_PARTICIPLE or prev in _PROGRESSIVE_AUX or prev in _NEG \
                        or prev == "been" or prev in _PEOPLE or self._circumstance(norms, v.sent(i)[0], i):
                    continue
            elif not (negated or word in _PROGRESSIVE_AUX):
                continue
            elif len(verb) <= 5 or not verb.endswith("ing") or verb in _NOT_VERBS_ING:
                continue
            elif not negated and prev in _NEG:
                continue
            hedged = hedged or not negated
            add("no" if negated else "in_progress", _PROGRESSIVE_WEIGHT, i)
        for i in range(1, len(norms) - 2):
            # "Register to be set up in the new year" (a note's subject, then what is to be done),
            # "a protocol is to be agreed", "still to be confirmed": a plan. Not what someone asks
            # or requires ("asked for the return to be presented", "requires one to be involved").
            if norms[i] == "to" and norms[i + 1] == "be" and i not in taken and i + 1 not in taken \
                    and _participle(norms[i + 2]) and self._to_be_done(norms, v.sent(i)[0], i):
                add("plan", _PROGRESSIVE_WEIGHT, i)
        for i in range(len(norms) - 2):
            # "we do not allocate ...", "the board does not monitor ...": the simple present denied,
            # as "is not being done" is the progressive denied. Not verbs of opinion or expectation
            # ("we do not envisage any difficulty" is no denial of the thing asked about).
            if norms[i] not in ("do", "does", "did") or norms[i + 1] != "not" or i in taken or i + 1 in taken:
                continue
            j = _past_parenthetical(norms, i + 2)
            j = j + 1 if j < len(norms) and norms[j] in _DENIAL_ADVERBS else j
            if j < len(norms) and j not in taken and norms[j][:1].isalpha() and norms[j] not in _NOT_DENIAL_VERBS:
                add("no", _PROGRESSIVE_WEIGHT, i)
        for i in range(1, len(norms) - 1):
            # The state denied: "<is|has been> not [adverb] <participle or state word>".
            if norms[i] not in ("not", "n't", "never") or i in taken \
                    or (norms[i] == "never" and i + 1 < len(norms) and norms[i + 1] in _FAILURES):
                continue  # "has never missed a review" affirms
            sb = v.sent(i)[0]
            # In note style the verb is left out: "LSCB not linked in", "Ethnicity not recorded".
            notes = 1 <= i - sb <= 3 and all(norms[k][:1].isalpha() and norms[k] not in STOP_WORDS
                                             for k in range(sb, i))
            if norms[i - 1] not in _STATE_AUX and not notes:
                continue
            j = _past_adverbial(norms, _past_parenthetical(norms, i + 1))
            start = j
            while j < len(norms) - 1 and j - start <= 1 and norms[j] in _STATE_ADVERBS and norms[j + 1][:1].isalpha():
                j += 1
            if j >= len(norms):
                continue
            w = norms[j]
            if j in taken or w in _NOT_STATE or not w[:1].isalpha():
                continue
            if ((len(w) > 4 and w.endswith("ed")) or w in _STATE_WORDS) and "without" not in norms[j:v.sent(i)[1]]:
                add("no", _PROGRESSIVE_WEIGHT, i)  # not "have never placed anyone ... without notifying" (two denials)
        # The question echoed ("There is agreement about ..."), counted before the gaps below so
        # that a sentence that affirms and then states a gap weighs as a whole.
        echo = self._echo(v, question, qualified) if question is not None else None
        if echo is not None:
            add("yes", _ECHO_WEIGHT, echo)
        for b, e in v.bounds:
            c = next((i for i in range(b, e) if norms[i] in _CONTRAST_GAP
                      and not (norms[i] == "yet" and i > b and norms[i - 1] not in (",", ";", "and", "but"))), None)
            # "yet" is a contrast where it opens a clause (", yet ..."), not in "not yet" or "included yet"
            if c is not None and any(norms[i] in _NEG for i in range(c + 1, e)):
                affirmed = self._affirmed_then_gap(norms, b, c, e)
                add("partial", self._gap_weight(affirmed, by_sent.get(b, {})), b)
            elif c is not None and any(c < i < e for i in underway) and self._affirmed_then_gap(norms, b, c, e) \
                    and not any(b <= i < c for i in underway):
                # "The register is in place, but we are still confirming who ...": in place, with
                # the rest still underway.
                add("partial", self._gap_weight(True, by_sent.get(b, {})), b)
            elif c is None:
                # Two clauses joined by a semicolon, an affirmation then a denial ("Carers involved
                # via the board; Healthwatch not yet engaged"): the same gap, in note style.
                # (the mark nearest before the first denial: "Yes, regional only - staff attend ...; no
                # separate local programme" joins its gap with the semicolon, not the dash). A comma
                # after a "yes" splits the answer too ("Adults Board yes, children's board not yet
                # linked in"; since session 17).
                d = next((i for i in range(b + 1, e) if norms[i] in _NEG), e)
                c = max((i for i in range(b + 1, d) if (norms[i] in _CLAUSE_MARKS and norms[i - 1] not in _HTML_ENTITIES)
                         or (norms[i] == "," and norms[i - 1] == "yes")), default=None)
                if c is not None and any(norms[i] in _NEG for i in range(c + 1, e)) \
                        and self._affirmed_then_gap(norms, b, c, e):
                    add("partial", self._gap_weight(True, by_sent.get(b, {})), b)
        if question is not None and not _JOINT.isdisjoint(self._question_norms(question.text)):
            # Asked whether something is joint or integrated, an answer that says a part of it is
            # separate ("Commissioning is still separate"; "South still has separate teams")
            # states a gap, unless it denies the separateness ("no longer separate").
            for i, n in enumerate(norms):
                if n in ("separate", "separately") and i not in taken \
                        and not any(norms[j] in _NEG or norms[j] == "longer" for j in range(max(0, i - 3), i)):
                    add("partial", _SEPARATE_WEIGHT, i)
                    break
        for i in self._status_ratings(norms):
            # A RAG status, as a team's update pastes it ("Amber - on track for Sept", "update
            # 03/06 - AMBER", "Green."): amber is work underway, not done; green done; red not.
            add(_RAG[norms[i]][0], _RAG[norms[i]][1], i)
        if v.bounds:  # only as the answer's opening: later, it is context ("None of the cohort is in secure care.")
            b, e = v.bounds[0]
            words = [n for n in norms[b:e] if n[:1].isalpha()]
            if words and (words[0] in ("nobody", "none") or words[:2] == ["no", "one"]) \
                    and any(n in _NOBODY_SUBJECT for n in norms[b:e]):
                add("not_applicable", _NOBODY_WEIGHT, b, count_first=False, boost=False)
        doc.user_data[_SENTENCE_SCORES] = by_sent
        return scores, first, best, hedged

    @staticmethod
    def _status_ratings(norms: list[str]) -> list[int]:
        """Positions of RAG status words standing as a status: a colour set off by a dash, colon,
        bracket or full stop (or the sentence's edge), or after "RAG", "status" or "rating"; not a
        name or a phrase ("Green Lane", "red flag")."""
        out = []
        for i, n in enumerate(norms):
            if n not in _RAG:
                continue
            before = norms[i - 1] if i else "."
            after = norms[i + 1] if i + 1 < len(norms) else "."
            if (before in _STATUS_BEFORE or before in _STATUS_MARKS) and after in _STATUS_MARKS:
                out.append(i)
        return out

    @staticmethod
    def _done_so_far(text: str) -> bool:
        """Whether a text counts some of a set done ("13 of 15 done", "Nine of the eleven reviews are
        complete") and then names the rest ("The remaining two are booked ...")."""
        m = _DONE_COUNT.search(text)
        if not m:
            return False
        part, whole = (int(g) if g.isdigit() else _NUMBER_WORDS.get(g.lower(), -1) for g in m.groups())
        return 0 < part < whole and _THE_REST.search(text, m.end()) is not None

    @staticmethod
    def _alternatives(norms: list[str]) -> list[int]:
        """Where an answer says what is done in place of something: "instead", a sentence that opens
        "In practice" or "Alternative(ly)", "as such" after a denial ("not a pooled budget as
        such"), or an informal arrangement (`_informal_arrangement`)."""
        found = []
        for i, n in enumerate(norms):
            opens = i == 0 or not norms[i - 1][:1].isalnum()
            if n == "instead" or (opens and n in ("alternative", "alternatively")) \
                    or StanceReader._informal_arrangement(norms, i) \
                    or (opens and n == "in" and norms[i + 1:i + 2] == ["practice"]) \
                    or (n == "as" and norms[i + 1:i + 2] == ["such"] and any(m in _NEG for m in norms[max(0, i - 6):i])):
                found.append(i)
        return found

    @staticmethod
    def _informal_arrangement(norms: list[str], i: int) -> bool:
        """Whether word `i` names an informal arrangement, not denied: "informal" before a word for an
        arrangement ("an informal agreement"), or "informally" after a verb of handling ("resolved
        informally"); not informal talk ("discussed informally")."""
        n = norms[i]
        named = (n == "informal" and i + 1 < len(norms) and norms[i + 1] in _ARRANGEMENT_NOUNS) \
            or (n == "informally" and i > 0 and norms[i - 1] in _HANDLED)
        return named and _NEG.isdisjoint(norms[max(0, i - 4):i])

    @staticmethod
    def _bare_answer(norms: list[str]) -> bool:
        """Whether the answer opens with a bare "No", "Not" or "None" set off by punctuation ("No.",
        "No -"), where "No pooled budget" denies a thing by name."""
        i = opening_index(norms)
        return norms[i] in ("no", "not", "none") and i + 1 < len(norms) and not norms[i + 1][:1].isalnum()

    @staticmethod
    def _circumstance(norms: list[str], sb: int, s: int) -> bool:
        """Whether "being ..." at `s` tells a circumstance, not work underway now: in the past ("was
        being considered"), in a clause of "whenever" or "if" ("whenever a move is being
        considered"), or as the object of "of" with no form of "be" between ("at risk of losing
        their home or being admitted", "within a fortnight of the posts being filled"; not "the
        first point of contact is still being settled")."""
        if norms[s] != "being":
            return False
        if s > 0 and norms[s - 1] in ("was", "were"):
            return True
        clause = s
        while clause > max(sb, s - 7) and norms[clause - 1] not in (",", ";", "and", "but"):
            clause -= 1
        words = norms[clause:s]
        if "whenever" in words or "if" in words:
            return True
        of = max((k for k, n in enumerate(words) if n == "of"), default=-1)
        return of >= 0 and len(words) - of <= 5 and not any(n in _STATE_AUX or n == "am" for n in words[of:])

    @staticmethod
    def _describes_noun(norms: list[str], s: int) -> bool:
        """Whether the participle at `s` follows a noun or a comma ("staff working with people",
        "..., working alongside them"): it describes, where after "is", "are", "we" or an adverb
        ("we are working with", "currently working on") or opening a note ("Working on it") it
        says what is underway."""
        prev = norms[s - 1] if s > 0 else ""
        return prev == "," or (prev[:1].isalpha() and prev not in STOP_WORDS and prev not in _PROGRESSIVE_AUX)

    def _longest_first(self, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The cue spans that survive where cues overlap, in text order: the longest cue wins, then
        the heavier ("not yet in place" over "in place"), also where the shorter starts first ("are
        being" does not take the "being" of "are being put in place")."""
        kept: list[tuple[int, int, int]] = []
        covered: set[int] = set()
        for s, e, i in sorted(spans, key=lambda x: (-(x[1] - x[0]), -self.cues[x[2]][2], x[0])):
            if covered.isdisjoint(range(s, e)):
                covered.update(range(s, e))
                kept.append((s, e, i))
        return sorted(kept)

    @staticmethod
    def _to_be_done(norms: list[str], sb: int, i: int) -> bool:
        """Whether "to be" at `i` says what is still to be done: after "is", "are", "still" or
        "yet", or after a note's subject of up to three words with no verb ("Reports to be set up")."""
        if norms[i - 1] in ("is", "are", "still", "yet"):
            return True
        subject = norms[sb:i]
        return 1 <= len(subject) <= 3 and all(n[:1].isalpha() and n not in STOP_WORDS for n in subject)

    @staticmethod
    def _awaited(norms: list[str], sb: int, s: int) -> bool:
        """Whether a cue at `s` stands in a clause of what is waited for: after "once", "until" or
        "pending", or after "when" in a sentence that speaks of the future ("will start when the
        structure is in place"), with no clause break between."""
        for j in range(s - 1, max(sb, s - 7) - 1, -1):
            if norms[j] in (",", ";", "and", "but"):
                return False
            if norms[j] in ("until", "pending"):
                return True
            if norms[j] in ("once", "when"):
                return any(norms[k] in ("will", "shall") for k in range(sb, j))
        return False

    @staticmethod
    def _gap_weight(affirmed: bool, in_sent: dict[str, float]) -> float:
        """The weight of a gap stated after a contrast or semicolon. When the clause before it
        affirms and the clause after is no aside (`_affirmed_then_gap`), the sentence says "in
        place, with a gap": partial outweighs the denial it contains (`in_sent`: the sentence's
        cue weights so far). Otherwise the plain contrast weight."""
        if not affirmed:
            return _CONTRAST_GAP_WEIGHT
        return max(_CONTRAST_GAP_WEIGHT, in_sent.get("no", 0.0) + 0.2, in_sent.get("yes", 0.0) + 0.2)

    def _affirmed_then_gap(self, norms: list[str], b: int, c: int, e: int) -> bool:
        """Whether the clause b:c affirms (two words or more, no denial) and the clause after c
        is no aside about issues or absent people."""
        pre = [n for n in norms[b:c] if n[:1].isalpha()]
        return len(pre) >= 2 and not any(n in _NEG for n in pre) and not self._existential(norms[c + 1:e])

    def _describes(self, v, question: Question | None) -> bool:
        """A narrative long enough to describe an arrangement, and about its question."""
        return sum(1 for n in v.norms if n[:1].isalpha()) >= _MIN_WORDS_ACCOUNT and self._on_question(v, question)

    @staticmethod
    def _existential(norms: list[str]) -> bool:
        """Whether a sentence states that something does not exist ("There are no young people in
        transition", "No Ordinary Residence issues") or speaks of issues or needs: an aside about
        the area when it is not about the question, where a sentence that denies a state ("the
        LSCB is not linked in") speaks to the arrangement described before it."""
        if any(n.startswith(("issue", "problem", "concern", "difficult", "need", "requir", "necessar")) for n in norms):
            return True  # "OR has not been an issue for anyone", "not thought to need action": not a gap
        words = [n for n in norms if n[:1].isalpha()][:4]
        return bool(words) and (words[0] in ("no", "none", "nobody", "nothing")
                                or (words[0] == "there" and any(w in ("no", "not", "n't") for w in words[1:])))

    def _label_opening(self, norms: list[str], question: Question | None) -> str:
        """The answer class of the question's code label that the answer opens with, word for word
        up to a dash, colon or stop ("In process - ...", "Further discussion: ..."): its part before
        a bracket or slash, of two words or more; "" when none."""
        if question is None:
            return ""
        i = opening_index(norms)
        head = []
        while i < len(norms) and norms[i][:1].isalnum():
            head.append(norms[i])
            i += 1
        for code in question.codes:
            words = self._label_words.get(code.label)
            if words is None:
                part = re.split(r"[(/]", code.label)[0]
                words = self._label_words[code.label] = [t.norm_ for t in self.nlp.make_doc(part) if t.norm_[:1].isalnum()]
            if len(words) >= 2 and head == words:
                return code.answer_class
        return ""

    @staticmethod
    def _no_trouble(norms: list[str], end: int, sent_end: int, question: Question | None) -> bool:
        """Whether a denial ending at `end` denies trouble ("No major gaps", "no concerns about
        costs", "There are no problems"): that nothing is wrong, not that the arrangement asked about
        is missing. Not for a question that asks about issues, where "no issues" is its answer No."""
        if question is not None and question.asks_about_issues:
            return False
        if end >= sent_end or not norms[end][:1].isalpha():
            return False  # "No - last gap analysis 2011": the answer No, then what there is
        after = norms[end:min(sent_end, end + 4)]
        if any(n in _BAD_EVENTS and (k + 1 >= len(after) or not after[k + 1][:1].isalpha() or after[k + 1] in _AFTER_EVENT)
               for k, n in enumerate(after[:3])):
            return True
        return any(n in _TROUBLE for n in after[:3]) and not any(n in _NOT_TROUBLE for n in after)

    @staticmethod
    def _nobody_here(norms: list[str], end: int, sent_end: int) -> bool:
        """Whether a denial ending at `end` says there are no people in a situation ("we do not
        have any young people currently placed", "there are no patients in secure care"), not
        that an arrangement is missing. Only a denial of having or being ("do not have", "no",
        "not ... any"): "does not include everyone funded by health" states a gap."""
        after = norms[end:min(sent_end, end + 4)]
        existential = norms[end - 1] in ("have", "has", "had", "no") or (after[:1] and after[0] in ("any", "anyone", "anybody"))
        return bool(existential) and any(n in _PEOPLE or n in ("anyone", "anybody") for n in after) \
            and any(n in _NOBODY_SUBJECT for n in norms[end:sent_end])

    def _question_norms(self, text: str) -> frozenset[str]:
        """The question's token norms, as the narrative's are compared (made once per question)."""
        found = self._qnorms.get(text)
        if found is None:
            found = self._qnorms[text] = frozenset(t.norm_ for t in self.nlp.make_doc(text))
        return found

    @staticmethod
    @lru_cache(maxsize=128)
    def _question_words(text: str) -> frozenset[str]:
        return frozenset({normalize_word(w) for w in re.findall(r"[A-Za-z]{4,}", text)} - _ECHO_STOP)

    def _echo(self, v, question: Question, qualified: set[int] = frozenset()) -> int | None:
        """Token index where the narrative affirms the question in its own words ("Is there
        agreement about ...?" - "There is agreement about ..."), or None. Not where the echo
        itself is qualified ("We have co-located community teams" to "Do you have a joint,
        integrated community team?" answers in part)."""
        content = self._question_words(question.text)
        norms = v.norms
        for i in range(len(norms) - 2):
            if (norms[i], norms[i + 1]) in (("there", "is"), ("there", "are"), ("we", "have")):
                after = norms[i + 2 : i + 5]
                if after and after[0] in _NEG:
                    continue
                if any(x in content for x in after) and qualified.isdisjoint(range(i + 2, i + 5)):
                    return i
        return None

    def _on_question(self, v, question: Question | None, start: int = 0, end: int | None = None) -> bool:
        """Whether a narrative (or its tokens start:end) shares a content word with its question
        (five-letter stems: "reviews" - "reviewed"). A narrative with no stance cue that describes
        something the question does not ask about ("Our approach is person centred") gives no
        answer; a denial that is not about the question states no gap in the answer."""
        if question is None:
            return True
        asked = self._question_stems(question.text)
        return any(n[:5] in asked for n in v.norms[start:end] if len(n) >= 4 and n not in STOP_WORDS)

    @staticmethod
    @lru_cache(maxsize=128)
    def _question_stems(text: str) -> frozenset[str]:
        return frozenset(w[:5] for w in StanceReader._question_words(text) if w not in STOP_WORDS)

    def _sentence(self, doc: Doc, start: int) -> str:
        v = doc_view(doc)
        b, e = v.sent(start)
        return doc.text[v.idx[b]:v.char_end(e - 1)].strip() if e > b else ""

    def _with_antecedent(self, doc: Doc, start: int) -> str:
        """The sentence at `start`, with the sentence before it where it opens by pointing back
        ("Swindon contend he is ordinarily resident here. We do not accept this, and the matter has
        been referred ..."): the issue is named in the one before."""
        v = doc_view(doc)
        b, _e = v.sent(start)
        if b > 0 and not _POINTS_BACK.isdisjoint(v.norms[b:b + 5]):
            return f"{self._sentence(doc, b - 1)} {self._sentence(doc, start)}"
        return self._sentence(doc, start)

    def _first_text(self, doc: Doc) -> str:
        return self._sentence(doc, 0) if len(doc) else ""

    def _decide(self, doc: Doc, scores: dict[str, float], in_first: dict[str, float],
                best: dict[str, tuple[float, int]], xref: str, hedged: bool,
                question: Question | None = None) -> Stance:
        if scores["not_applicable"] >= 1.5:
            return self._stance("not_applicable", scores, best, doc, xref, hedged)
        v = doc_view(doc)
        first_end = v.bounds[0][1] if v.bounds else len(doc)
        opening = opening_word(v.norms)
        future_question = bool(question is not None and FUTURE_QUESTION.search(question.text))
        if opening == "yes":
            # "Yes but challenging", "Yes, though ...": yes with a stated caveat (answer-classes: partial).
            if any(n in _CONTRAST for n in v.norms[:first_end]) and (scores["partial"] > 0 or scores["no"] > 0):
                return self._stance("partial", scores, best, doc, xref, hedged)
            # "Yes for adults.", "Yes for those in medium secure - ...": yes for some people only
            # (answer-classes: exists for some people, places or parts).
            if self._scoped_yes(v.norms):
                scores = dict(scores, partial=max(scores["partial"], scores["yes"] + 0.1))
                return self._stance("partial", scores, best | {"partial": (0.0, 0)}, doc, xref, hedged)
            # "Yes, the register is being analysed ..." describes work underway, not something in place.
            if (not future_question and in_first["in_progress"] + in_first["plan"] > in_first["yes"] + 0.2
                    and in_first["no"] == 0):
                return self._stance("in_progress", scores, best, doc, xref, hedged, bonus=0.1)
        # the heaviest single cue of work underway, unboosted (before plans are counted in with it)
        underway_cue = best["in_progress"][0] / (_FIRST_WEIGHT if best["in_progress"][1] == 0 else 1.0) \
            if "in_progress" in best else 0.0
        scores = dict(scores)
        plan = scores.pop("plan")
        if plan and future_question:
            # "Are you confident the target will be achieved?" - "we expect all moves to be
            # completed" answers it; the future is the question's, not a sign of not-yet.
            scores["yes"] += plan
            best.setdefault("yes", best.get("plan", (0.0, 0)))
        elif plan:
            # Plans alone mean "not yet done" ("No, this is planned"); beside work underway or
            # something in place they are part of progress.
            if scores["in_progress"] > 0 or scores["yes"] >= 1.0:
                scores["in_progress"] += 0.5 * plan
                best.setdefault("in_progress", best.get("plan", (0.0, 0)))
            elif plan < _INCIDENTAL_PLAN and scores["no"] == 0 and self._describes(v, question):
                # A long account of what was done that mentions a date or a next step in passing
                # ("The assessment was endorsed in June ... it will be refreshed each quarter")
                # describes the thing asked about; the future is incidental, not "only plans".
                pass
            else:
                scores["no"] += plan
                best.setdefault("no", best.get("plan", (0.0, 0)))
        # An affirmative opening (no negation, nothing underway or planned) followed by a gap in a
        # later sentence ("Numbers agreed. Support for families not yet in place.") is in place
        # with a stated gap: partial, not no; and not yes either when the gap weighs at least a
        # quarter as much as the affirmation ("We have a register of people in hospital. It doesn't
        # include people in the community ..."; half until session 17). The gap must be about the
        # question, or at least no aside about issues or absent people. An answer that opens with
        # its denial stays no. Weighed after the plans are counted (since session 21): a plan after
        # an affirmative opening, counted as "not yet", is part of the gap.
        affirmative_opening = len(v.bounds) >= 2 and in_first["no"] == 0 and opening not in ("no", "not", "none") \
            and in_first["in_progress"] + in_first["plan"] == 0 and not any(n in _NEG for n in v.norms[:first_end])
        if affirmative_opening and scores["no"] > 0:
            first_words = [n for n in v.norms[:first_end] if n[:1].isalpha()]
            b, e = v.sent(best["no"][1]) if "no" in best else (0, 0)
            if len(first_words) >= 2 \
                    and (self._on_question(v, question, b, e) or not self._existential(v.norms[b:e])):
                top = scores["yes"] if scores["no"] >= 0.25 * scores["yes"] else 0.0
                scores["partial"] = max(scores["partial"], scores["no"] + 0.1, top + 0.1)
                best.setdefault("partial", best.get("no", (0.0, 0)))
        # The same with a caveat in a later sentence ("Locally the lines are clear. Less clear is
        # where the Local Area Team fits."): in place, with a stated limit, when the caveat is
        # about the question and weighs at least half as much as the affirmation.
        if affirmative_opening and in_first["partial"] == 0 and scores["yes"] > 0 \
                and scores["partial"] >= 0.5 * scores["yes"] and "partial" in best \
                and self._on_question(v, question, *v.sent(best["partial"][1])):
            scores["partial"] = max(scores["partial"], scores["yes"] + 0.1)
        # Something in place together with substantial work still underway, or in place for some
        # and absent for others: "exists ... with a stated gap" (answer-classes.md), i.e. partial.
        for other in ("in_progress", "no"):
            y, o = scores["yes"], scores[other]
            balanced = min(y, o) >= 0.5 * max(y, o)
            # "Yes, for adults ... Apart from X, there are no services for children": in place,
            # absent elsewhere, with an exception marked - partial however strong the opening Yes.
            marked = other == "no" and scores["partial"] >= 0.5
            if y >= 1.0 and o >= 1.0 and (balanced or marked) and (
                    other == "in_progress" or best["no"][1] != best["yes"][1]):
                scores["partial"] = max(scores["partial"], max(y, o) + 0.1)
                best.setdefault("partial", best.get(other, best.get("yes", (0.0, 0))))
        # A denial followed by what is done in its place ("There is no written protocol. In practice,
        # disputes go to the directors"; "No pooled budget. Instead ... a risk share"): another
        # arrangement, partial (answer-classes: Other arrangement, Informal arrangements). Not after
        # the bare answer "No." ("No. In practice the council leads on its own").
        alternative = next((i for i in self._alternatives(v.norms) if any(n in _NEG for n in v.norms[:i])), None)
        if alternative is not None and scores["no"] > 0 and not self._bare_answer(v.norms):
            scores["partial"] = max(scores["partial"], scores["no"] + 0.1)
            best.setdefault("partial", (0.0, v.sent(alternative)[0]))
        # A denial followed by work visibly underway ("Not at present, however a risk share is being
        # drafted"; "No. ... Changes are being developed as part of the contract review"): nothing in
        # place yet, but being set up - in progress (answer-classes: "being set up, developed ...
        # but not yet in place"), where only intentions after the denial stay no ("Not at present,
        # however, this is an objective of the Board"). Not when something is also in place.
        if (opening in ("no", "not", "none") or in_first["no"] >= 1.0) \
                and underway_cue >= 1.0 and scores["yes"] < 1.0 and scores["partial"] < 1.0:
            scores["in_progress"] = max(scores["in_progress"], scores["no"] + 0.1)
        # Some of a set done and the rest named after it, in an answer that does not open with a
        # denial: work underway, whatever the cues of what is done say.
        if in_first["no"] == 0 and self._done_so_far(doc.text):
            scores["in_progress"] = max(scores["in_progress"], max(scores.values()) + 0.1)
            best.setdefault("in_progress", (0.0, 0))
        # A share below the whole ("approximately 70% of the case notes") is coverage in part.
        # Not a split of money ("62 per cent from the council"): a share "of" something.
        if SHARE_OF.search(doc.text):
            scores["partial"] += _PART_SHARE
        # An answer that opens with one of its question's own code labels, word for word, answers
        # as that code ("In process - register in place, point of contact to confirm" under "In
        # process (e.g. registers in place but need to confirm point of contact)"; "Further
        # discussion - ..."): what follows is its detail, not another answer. Yes and No are
        # left to the rules above ("Yes, but ...", "No, however ..." qualify them).
        echoed = self._label_opening(v.norms, question)
        if echoed in ("in_progress", "partial"):
            scores[echoed] = max(scores[echoed], max(scores.values()) + 0.1)
            best.setdefault(echoed, (0.0, 0))
        ranked = sorted(("yes", "no", "in_progress", "partial"), key=lambda c: (-scores[c], ("no", "in_progress", "partial", "yes").index(c)))
        top = ranked[0]
        if scores[top] == 0:
            words = sum(1 for n in v.norms if n[:1].isalpha())
            if scores["not_applicable"] > 0:
                # Nothing answers yes or no, and the answer says the thing was considered and not
                # needed ("... concluded that no further action is required"): does not apply.
                return self._stance("not_applicable", scores, best, doc, xref, hedged)
            if scores["unclear"] > 0:
                # Nothing answers the question, and what is said is a commitment, a priority, a wish
                # or praise ("Safeguarding is taken very seriously here"): no answer given.
                return self._stance("unclear", scores, best, doc, xref, hedged)
            if words >= _MIN_WORDS_DESCRIBING and self._on_question(v, question) and not self._asks_back(doc):
                return Stance("yes", 0.5, self._first_text(doc), scores, xref, hedged=hedged)
            return Stance("unclear", 0.6, self._first_text(doc), scores, xref, hedged=hedged)
        return self._stance(top, scores, best, doc, xref, hedged)

    @staticmethod
    def _scoped_yes(norms: list[str]) -> bool:
        """Whether an answer opening "Yes" limits it at once to some people: "Yes for adults", "Yes,
        for the 9 CCG-funded inpatients", "Yes for those in medium secure"; not "Yes for all of them",
        "Yes for everyone" or "Yes for this programme"."""
        i = opening_index(norms) + 1
        if i < len(norms) and norms[i] == ",":
            i += 1
        if norms[i:i + 1] != ["for"]:
            return False
        head = [n for n in norms[i + 1:i + 5] if n[:1].isalnum()]
        return any(n in _PEOPLE or n in ("young", "older", "some", "most") for n in head) and _EVERY.isdisjoint(head)

    @staticmethod
    def _asks_back(doc: Doc) -> bool:
        """Whether the answer opens with a question of its own ("Who at the Area Team is to be the
        case manager? Confirmation has been promised since March."): it asks rather than
        describes, so what follows is not read as the thing in place."""
        first = next(iter(doc.sents), None)
        return first is not None and first.text.rstrip().endswith("?")

    def _stance(self, cls: str, scores, best, doc: Doc, xref: str, hedged: bool, bonus: float = 0.0) -> Stance:
        ordered = sorted((v for k, v in scores.items() if k != cls), reverse=True)
        top, second = scores[cls], (ordered[0] if ordered else 0.0)
        conf = min(1.0, top / (top + second + 0.5) + bonus) if top else 0.5
        sent = self._sentence(doc, best[cls][1]) if cls in best else self._first_text(doc)
        return Stance(cls, round(conf, 3), sent, {k: round(v, 3) for k, v in scores.items()}, xref, hedged=hedged)

    def _issues(self, doc: Doc) -> tuple[bool, str] | None:
        v = doc_view(doc)
        affirmed, denied = [], []
        for i, n in enumerate(v.norms):
            if n.startswith(_ISSUE_STEMS) and not (n == "concerned" and i and v.norms[i - 1] in _CONCERNED_AFTER):
                (denied if v.negated(i, i + 1) else affirmed).append(i)
        if affirmed:
            return True, self._with_antecedent(doc, affirmed[0])
        if denied:
            return False, self._sentence(doc, denied[0])
        return None

    def _categorical(self, doc: Doc, question: Question, xref: str, xref_only: bool) -> Stance:
        partners = question.kind == "multi_select"
        matcher = self.partner_matcher if partners else self.obstacle_matcher
        found: dict[int, str] = {}
        norms = doc_view(doc).norms
        matches = sorted(((s, e, int(doc.vocab.strings[key])) for key, s, e in matcher(doc)))
        labelled = {} if partners else _labelled_obstacles(doc, norms)
        for n, (s, e, code) in enumerate(matches):
            span = doc[s:e]
            if _negated(doc, span, span.sent):
                continue
            if partners:
                # what the sentence says of this partner, up to the next partner it names:
                # "Housing ... have been invited but have yet to attend" names no working partner
                stop = next((m[0] for m in matches[n + 1:] if m[0] >= e), span.sent.end)
                if _not_involved(norms[e:min(stop, span.sent.end)]):
                    continue
            elif labelled and any(b <= s < end for b, end in labelled.values()):
                continue  # inside an obstacle the narrative labels itself ("Financial - ... housing")
            found.setdefault(code, span.sent.text.strip())
        for code, (b, end) in labelled.items():
            found.setdefault(code, doc[b:end].sent.text.strip())
        codes = tuple(sorted(found))
        evidence = " ".join(dict.fromkeys(found[c] for c in codes))
        opening = opening_word(doc_view(doc).norms)
        cls = "yes" if codes else ("no" if opening in ("none", "no", "nil") else "unclear")
        kw = {"partners": codes} if question.kind == "multi_select" else {"obstacles": codes}
        return Stance(cls, 0.7 if codes else 0.5, evidence or doc.text.strip()[:200], {}, xref, xref_only, **kw)


# A partner named only to say it takes no part: "have yet to attend", "is not represented",
# "declined to join". Read from the words after the partner, up to the next partner named or a
# relative clause ("..., which does not yet involve ..." speaks of something else).
_INVOLVED = ("attend", "engag", "involv", "represent", "participat", "join", "commit", "contribut", "respond")
_INVOLVED_WORDS = cue_words({"sit", "sits", "sitting", "sat", "part", "signed", "come", "came", "member", "members"})
_CLAUSE_STOPS = frozenset({"which", "who", "whom", "whose", ";"})


def _not_involved(words: list[str]) -> bool:
    for i, w in enumerate(words):
        if w in _CLAUSE_STOPS:
            return False
        after = words[i + 1:i + 5]
        involved = [x.startswith(_INVOLVED) or x in _INVOLVED_WORDS for x in after]
        if w == "declined" or (w == "no" and involved[:1] == [True]):
            return True
        if (w in ("not", "n't", "never") or (w == "yet" and after[:1] == ["to"])) and any(involved):
            return True
    return False


# An obstacle the narrative labels itself, the way the question's codes name them: a sentence or
# bullet opening "Financial -", "Legal:", "Other -".
_OBSTACLE_LABELS = {"financial": 1, "finance": 1, "funding": 1, "money": 1, "legal": 2, "other": 3}
_LABEL_MARKS = frozenset({"-", ":", "–", "—"})


def _labelled_obstacles(doc: Doc, norms: list[str]) -> dict[int, tuple[int, int]]:
    """Code -> token range of each obstacle a sentence labels itself; {} when none is labelled."""
    out: dict[int, tuple[int, int]] = {}
    for sent in doc.sents:
        b = sent.start
        while b < sent.end and not doc[b].is_alpha:
            b += 1  # a bullet or number before the label
        # a hyphen typed without spaces between the label and an abbreviation ("Financial-CCG has
        # not agreed ...") is the label's dash, though the doc view reads it as inside a word
        if b + 1 < sent.end and norms[b] in _OBSTACLE_LABELS and (norms[b + 1] in _LABEL_MARKS or (
                norms[b + 1] == WORD_HYPHEN and b + 2 < sent.end and doc[b + 2].text[:2].isupper())):
            out.setdefault(_OBSTACLE_LABELS[norms[b]], (b, sent.end))
    return out


def resolve_references(stances: dict[str, Stance], codebook: Codebook) -> dict[str, Stance]:
    """Give each cross-reference-only narrative the class of the answer it points to, within the
    same return (following chains, at most 5 steps); what cannot be followed stays unclear."""
    order = codebook.qids
    out = dict(stances)
    for qid, st in stances.items():
        if not st.xref_only:
            continue
        q = codebook.get(qid)
        if q is not None and _ASKS_WISHES.search(q.text):
            # "Where would you like further support?" - "See 2.4": the reference names a topic
            # support is wanted for; the answer to 2.4 says how far pooling has got, not whether
            # support is wanted, so its class is not this answer's.
            out[qid] = Stance("unclear", 0.6, st.evidence, st.scores, st.xref, True)
            continue
        seen, cur, target = {qid}, st, None
        for _ in range(5):
            nxt = cur.xref
            if nxt == "@previous":
                i = order.index(qid if cur is st else target) if (qid if cur is st else target) in order else -1
                nxt = order[i - 1] if i > 0 else ""
            if not nxt or nxt in seen or nxt not in stances:
                target = None
                break
            seen.add(nxt)
            target, cur = nxt, stances[nxt]
            if not cur.xref_only:
                break
        if target and not cur.xref_only:
            out[qid] = Stance(cur.text_class, round(cur.confidence * 0.9, 3), st.evidence, st.scores, st.xref, True,
                              resolved_from=target, hedged=cur.hedged)
        else:
            out[qid] = Stance("unclear", 0.6, st.evidence, st.scores, st.xref, True)
    return out
