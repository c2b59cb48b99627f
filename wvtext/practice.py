"""Support requests and good-practice candidates in narratives.

Consumes parsed narratives (the shared `Doc`) with their themes. Produces, per answer, the
sentences that ask for support, guidance, advice, clarity or examples, and a good-practice
score with its evidence. Cues are data in `models/practice/`.

- A **support request** is a sentence with a request frame ("would welcome", "would be helpful",
  "keen to learn", "we need") and an object of help ("support", "guidance", "clarity",
  "examples", "other areas") that is not negated ("we do not require support"). First-person
  frames ("we need") are required to be first person, so "people who need support" is not one.
- A **good-practice candidate** is an answer whose sentences present something as working or
  worth sharing ("has been very successful", "happy to share", "innovative", "has resulted in"),
  in the past or present, not only planned, and not a request for others' good practice; an
  offer to share (the cue file's `offer` column: "we would be pleased to share") counts in a
  sentence about the future too. The pipeline also requires the narrative to say the thing is in
  place (class yes or partial).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .errors import WvtextError
from .themes.components import _negated
from .themes.lexicon import THEME_NAMES, THEMES, pattern_variants

__all__ = ["Request", "Practice", "PracticeReader"]

# A sentence about the future: a modal or a plan-participle anywhere, or a verb of intent used as
# one ("we plan to", "we hope that"; not the noun in "the delivery plan" or "our aim").
_MODAL = {"will", "would", "could", "should", "consider", "considering", "planned", "proposed", "expected",
          "intended"}
_INTENT = {"plan", "plans", "aim", "aims", "hope", "hopes", "intend", "intends", "propose", "proposes", "expect",
           "expects"}


def _about_future(sent) -> bool:
    toks = list(sent)
    for i, t in enumerate(toks):
        if t.lower_ in _MODAL or t.norm_ in ("will", "would", "could", "should"):
            return True
        if t.lower_ in _INTENT:
            after = toks[i + 1].lower_ if i + 1 < len(toks) else ""
            before = toks[i - 1].lower_ if i else ""
            if after in ("to", "that") or before in ("we", "i", "they"):
                return True
    return False
_GP_THRESHOLD = 1.2
# Words by which an offer points back at the practice the sentence before describes.
_ANAPHORS = frozenset({"this", "it", "so", "these", "that", "them", "which", "its"})
_ANSWER_OPENING = re.compile(r"^\s*(?:yes|no|in part|partly|partially)\b[\s,.:;\u2013-]*", re.I)
_TITLE_WORDS = 10
# A question that asks the area for practice to share (11.3); an answer naming practice of its own
# in at least this many words (after a "Yes") offers it.
ASKS_FOR_PRACTICE = re.compile(r"\bexamples? of\b[^.?]*\bpractice\b[^.?]*\bshared?\b", re.I)
_SOLICITED_WORDS = 12


@dataclass
class Request:
    sentence: str
    start_char: int
    end_char: int
    cues: tuple[str, ...]


@dataclass
class Practice:
    score: float  # 0..1
    is_candidate: bool
    evidence: str
    cues: tuple[str, ...] = field(default_factory=tuple)


def _read(path: Path, cols: tuple[str, ...]) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise WvtextError(f"{path}: cue file not found.", remedy="Restore models/practice/.")
    for i, r in enumerate(rows, start=2):
        if any(not r.get(c) for c in cols):
            raise WvtextError(f"{path}, row {i}: needs {', '.join(cols)}.")
        try:
            float(r["weight"])
        except ValueError:
            raise WvtextError(f"{path}, row {i}, weight: {r['weight']!r} is not a number.", remedy="Give e.g. 0.8.")
        if (r.get("offer") or "") not in ("", "0", "1"):
            raise WvtextError(f"{path}, row {i}, offer: {r['offer']!r} must be 1 (an offer to share) or empty.")
    return rows


@lru_cache(maxsize=2)
def _cues(folder: str):
    req = _read(Path(folder) / "requests.csv", ("cue", "kind", "weight"))
    gp = _read(Path(folder) / "good_practice.csv", ("cue", "weight"))
    return req, gp


class PracticeReader:
    def __init__(self, nlp: Language, *, folder: Path | None = None):
        if folder is None:
            from .paths import models_dir

            folder = models_dir() / "practice"
        req, gp = _cues(str(folder))
        self.frames, self.objects = PhraseMatcher(nlp.vocab, attr="NORM"), PhraseMatcher(nlp.vocab, attr="NORM")
        self.req_rows, self.gp_rows = req, gp
        for i, r in enumerate(req):
            (self.frames if r["kind"] == "frame" else self.objects).add(str(i), [nlp.make_doc(v) for v in pattern_variants(r["cue"])])
        self.gp = PhraseMatcher(nlp.vocab, attr="NORM")
        for i, r in enumerate(gp):
            self.gp.add(str(i), [nlp.make_doc(v) for v in pattern_variants(r["cue"])])

    def requests(self, doc: Doc) -> list[Request]:
        frames: dict[int, list[tuple[int, int, str]]] = {}
        for key, s, e in self.frames(doc):
            r = self.req_rows[int(doc.vocab.strings[key])]
            span = doc[s:e]
            if _negated(doc, span, span.sent):
                continue
            frames.setdefault(span.sent.start, []).append((s, e, r["cue"]))
        if not frames:
            return []
        objects: dict[int, list[str]] = {}
        for key, s, e in self.objects(doc):
            objects.setdefault(doc[s].sent.start, []).append(self.req_rows[int(doc.vocab.strings[key])]["cue"])
        out = []
        for sent_start, fr in frames.items():
            if sent_start not in objects:
                continue
            sent = doc[sent_start].sent
            out.append(Request(sent.text.strip(), sent.start_char, sent.end_char,
                               tuple(dict.fromkeys([c for *_, c in fr] + objects[sent_start]))))
        return out

    def practice(self, doc: Doc, requests: list[Request]) -> Practice:
        request_sents = {r.start_char for r in requests}
        per_sent: dict[int, list[tuple[float, str]]] = {}
        described: set[int] = set()  # sentences with a cue of practice, not only an offer
        # Words matched by several cues count once, for the weightiest ("savings" is the cue
        # "saving" and the cue "savings"; "area of good practice" holds "good practice").
        hits = sorted(((self.gp_rows[int(doc.vocab.strings[key])], s, e) for key, s, e in self.gp(doc)),
                      key=lambda h: (-float(h[0]["weight"]), h[1] - h[2], h[1]))
        taken: set[int] = set()
        for r, s, e in hits:
            if taken & set(range(s, e)):
                continue
            taken.update(range(s, e))
            span = doc[s:e]
            sent = span.sent
            if sent.start_char in request_sents or _negated(doc, span, sent):
                continue  # asking for good practice, or denying it, is not offering it
            if r.get("offer") != "1" and _about_future(sent):
                continue  # plans are not practice yet; an offer to share ("we would be happy to share") is one
            per_sent.setdefault(sent.start, []).append((float(r["weight"]), r["cue"]))
            if r.get("offer") != "1":
                described.add(sent.start)
        if not per_sent:
            return Practice(0.0, False, "")
        # Each cue counts once: "savings ... savings" is one signal, not two.
        total = sum(dict((c, w) for hits in per_sent.values() for w, c in hits).values())
        best = max(per_sent, key=lambda k: sum(w for w, _ in per_sent[k]))
        score = round(min(1.0, total / (2 * _GP_THRESHOLD)), 3)
        cues = tuple(dict.fromkeys(c for hits in per_sent.values() for _, c in hits))
        return Practice(score, total >= _GP_THRESHOLD, self._evidence(doc, best, best in described), cues)

    @staticmethod
    def solicited(doc: Doc, question_text: str, practice: Practice, requests: list[Request]) -> Practice:
        """An answer to a question that itself asks for practice to share (11.3, "Are there local
        examples of innovative practice that can be shared more widely"), which names practice of
        its own: a candidate whatever words it uses ("Yes: the family-led 'Coming Home' group, where
        families ... meet ..."). The caller checks that the narrative says yes or in part; here the
        answer must describe something (`_SOLICITED_WORDS` words beyond its opening) and not be a
        request for others' practice."""
        if practice.is_candidate or requests or not ASKS_FOR_PRACTICE.search(question_text or ""):
            return practice
        words = [t for t in doc if t.is_alpha]
        opening = _ANSWER_OPENING.match(doc.text)
        if opening:
            words = [t for t in words if t.idx >= opening.end()]
        if len(words) < _SOLICITED_WORDS:
            return practice
        first = next(iter(doc.sents)).text.strip()
        return Practice(max(practice.score, 0.5), True, first, (*practice.cues, "answers a question asking for practice to share"))

    @staticmethod
    def _evidence(doc: Doc, best: int, described: bool) -> str:
        """The sentence that decided, and where it only offers what the sentence before describes
        ("We think this is worth sharing.", "... and are happy to do so"), that sentence with it."""
        sent = doc[best].sent
        text = sent.text.strip()
        if described or best == 0 or _ANAPHORS.isdisjoint(t.lower_ for t in sent):
            return text
        return f"{doc[best - 1].sent.text.strip()} {text}"


def practice_title(evidence: str, themes: list[str], locality: str, qid: str) -> str:
    """A short, deterministic title for a good-practice candidate drawn from an answer: the opening
    words of its evidence ("The LA hosts the DoLS service and has a high rate of ... (Leicestershire,
    5.5)"), without an answer word before them ("Yes, ..."); the names of its first two themes where
    the evidence says too little."""
    words = _ANSWER_OPENING.sub("", evidence or "").split()
    if len(words) >= 4:
        head = " ".join(words[:_TITLE_WORDS]).rstrip(",;:.")
        topic = head[:1].upper() + head[1:] + ("\u2026" if len(words) > _TITLE_WORDS else "")
    else:
        names = [THEME_NAMES[t] for t in THEMES if t in themes][:2]
        topic = " and ".join(names) if names else f"Question {qid}"
    return f"{topic} ({locality}, {qid})"
