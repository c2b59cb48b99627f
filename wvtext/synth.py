"""Generate the SYNTHETIC national corpus of stocktake returns, with every planted fact as labels.

Only one real coded return exists (Leicestershire), so regional comparison, divergence
detection and speed are developed and benchmarked on generated returns. Nothing here is
real data: every file written carries SYNTHETIC in its name and `synthetic=1`.

Consumes:
- `corpus/codebook.json` (the 61 questions and their code schemes, `load_codebook`);
- `corpus/localities.csv` (the 152 localities and their ADASS regions, `load_localities`);
- `corpus/synthetic/phrasebank.json` (the phrases narratives are composed from, with the
  themes each phrase carries; `load_phrasebank`).

Produces, in `out_dir` (byte-identical for the same seed and scale):
- `SYNTHETIC_national_x{scale}.csv`: long csv `locality,region,return_id,synthetic,qid,code,narrative`;
- with `extra_formats`: three returns as `SYNTHETIC_<slug>.xlsx` and three as `SYNTHETIC_<slug>.txt`
  (the stocktake layout, via `wvtext.writers`); these six are not repeated in the long csv;
- `SYNTHETIC_labels_x{scale}.csv`: one row per answer with what was planted (text class,
  divergence and its type, themes and negated themes, support request, good practice,
  voice, partners and obstacles named, cross-reference);
- `SYNTHETIC_returns_x{scale}.csv`: one row per return (voice, maturity, out-of-step and why).

How a return is made (see corpus/synthetic/README.md for the rates):
1. a hidden true state per answer (the answer class its narrative expresses), drawn from
   per-question base weights shifted by the region's tendency for that section and the
   return's own maturity;
2. the narrative, composed from the phrase bank in the return's voice (terse, verbose,
   acronym, messy) to express that state, with its themes recorded;
3. the code: one of the question's codes of that class, unless a divergence is planted;
4. support requests, good practice, cross-references, and a few out-of-step returns.

Every return draws from its own `random.Random` seeded with (seed, locality index, copy), so
a return does not depend on the order in which others were made; `hash()` is never used.
"""
from __future__ import annotations

import csv
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .codebook import ANSWER_CLASSES, Codebook, Question, load_codebook
from .errors import WvtextError
from .export import XLSX_DATE, safe_cell
from .ingest import return_id_for
from .localities import REGIONS, load_localities

__all__ = [
    "generate",
    "load_phrasebank",
    "check_phrasebank",
    "THEMES",
    "DIVERGENCE_TYPES",
    "VOICES",
    "LONG_COLUMNS",
    "LABEL_COLUMNS",
    "RETURN_COLUMNS",
    "REGION_TENDENCIES",
]

# -- the model --------------------------------------------------------------------------

CLASSES = ANSWER_CLASSES
THEMES = (
    "ordinary_residence", "chc", "pooled_budgets", "crisis_response", "specialist_commissioning",
    "advocacy", "transition", "housing", "workforce", "safeguarding", "mental_capacity",
    "mental_health_act", "registers_information", "reviews_care_management", "governance_partnership",
    "market_providers", "personalisation", "family_engagement", "out_of_area", "finance_strategy",
    "positive_behaviour_support", "needs_assessment", "community_teams",
)
_THEME_RANK = {t: i for i, t in enumerate(THEMES)}
DIVERGENCE_TYPES = (
    "contradiction", "overstated", "understated", "hidden_issue",
    "invalid_code", "no_response", "partners_mismatch", "obstacle_mismatch",
)
VOICES = ("terse", "verbose", "acronym", "messy")
_VOICE_WEIGHTS = (0.2, 0.3, 0.2, 0.3)

LONG_COLUMNS = ("locality", "region", "return_id", "synthetic", "qid", "code", "narrative")
LABEL_COLUMNS = (
    "return_id", "qid", "code", "code_class", "text_class", "divergent", "divergence_type",
    "themes", "negated_themes", "support_request", "good_practice", "voice",
    "narrative_partners", "narrative_obstacles", "cross_ref", "code_note",
)
RETURN_COLUMNS = ("return_id", "locality", "region", "voice", "maturity", "out_of_step", "out_of_step_reason", "file")

# How far ahead (+) or behind (-) each region is, by stocktake section (1-11). Added to a
# return's maturity to shift its answers towards yes (ahead) or no / in progress (behind).
REGION_TENDENCIES: dict[str, dict[int, float]] = {
    "East Midlands": {1: 0.3, 4: 0.2, 11: -0.3},
    "East of England": {2: 0.8, 3: -0.3, 8: -0.2},
    "London": {2: -0.5, 5: 0.4, 6: -0.2},
    "North East": {3: 0.6, 8: 0.3, 10: -0.3},
    "North West": {8: -0.8, 4: 0.3, 1: 0.2},
    "South East": {6: -0.4, 10: 0.4, 2: -0.2},
    "South West": {8: 0.6, 1: -0.3, 9: -0.2},
    "West Midlands": {6: 0.4, 9: -0.4, 5: 0.2},
    "Yorkshire and Humber": {11: 0.5, 2: -0.5, 7: 0.3},
}
# Ordinary Residence issues (1.8 = yes) are more common where many people are placed from elsewhere.
_OR_ISSUE_FACTOR = {"London": 1.5, "South East": 1.5}

# Base weights of the true state, in CLASSES order; questions not listed use the default.
_DEFAULT_BASE = (40, 12, 27, 12, 6, 4)
_BASE: dict[str, tuple[float, ...]] = {
    "1.1": (70, 6, 20, 4, 0, 0),
    "1.5": (60, 8, 22, 4, 6, 0),
    "1.8": (28, 62, 0, 0, 10, 0),
    "1.9": (68, 14, 6, 0, 12, 0),
    "2.1": (30, 10, 35, 20, 5, 0),
    "2.3": (40, 15, 20, 20, 5, 0),
    "2.4": (30, 25, 20, 18, 7, 0),
    "2.5": (28, 18, 20, 0, 10, 24),
    "2.6": (35, 15, 20, 8, 10, 12),
    "2.7": (20, 25, 45, 0, 10, 0),
    "4.2": (40, 8, 25, 0, 12, 15),
    "4.9": (50, 6, 40, 0, 4, 0),
    "5.3": (60, 10, 0, 0, 10, 20),
    "5.7": (35, 20, 20, 0, 10, 15),
    "6.5": (25, 15, 35, 0, 10, 15),
    "6.9": (28, 22, 0, 40, 10, 0),
    "8.1": (22, 25, 45, 0, 8, 0),
    "8.2": (30, 15, 48, 0, 7, 0),
    "8.3": (20, 30, 42, 0, 8, 0),
    "11.3": (75, 12, 0, 0, 13, 0),
}
# How a class's weight responds to z (region tendency + maturity): exp(sensitivity * z).
_SENSITIVITY = {"yes": 1.1, "no": -1.1, "in_progress": -0.15, "partial": 0.25, "unclear": -0.6, "not_applicable": 0.0}
_NO_MATURITY = {"1.8"}  # whether there are OR issues does not depend on how far along a return is
_ABSENT_FACTOR = 0.1  # a class with no code in the scheme is drawn this much less often (N/A: never)
# A class with no code in the scheme is coded with the nearest class that has one (recorded as code_note).
_NEAREST = {
    "yes": ("yes",), "no": ("no",),
    "in_progress": ("in_progress", "partial", "unclear", "yes"),
    "partial": ("partial", "in_progress", "yes"),
    "unclear": ("unclear", "no"),
    "not_applicable": ("not_applicable", "unclear", "no"),
}

# Divergences planted in an ordinary return: the chance of each type for an answer whose true
# state allows it (overstated: in progress or partial; contradiction: yes or no; understated:
# yes, where the scheme has Not clear; invalid_code and no_response: any). 1.2, 6.10 and 1.8
# have their own rates below.
_TYPE_RATES = {"overstated": 0.12, "contradiction": 0.018, "understated": 0.022, "invalid_code": 0.006, "no_response": 0.01}
_P_HIDDEN_ISSUE = 0.4      # 1.8 with OR issues described, coded 0 No
_P_OR_CONTRADICTION = 0.03  # 1.8 with no issues described, coded 1 Yes
_P_PARTNERS_MISMATCH = 0.14
_P_OBSTACLE_MISMATCH = 0.2
_P_CATEGORICAL_NO_RESPONSE = 0.02
_P_BLANK_CODE = 0.6  # no_response: blank code with a narrative (else a code with an empty narrative)

_PARTNER_P = {1: 0.5, 2: 0.45, 3: 0.55, 4: 0.25, 5: 0.85, 6: 0.5, 7: 0.55}
_OBSTACLE_P = {1: 0.45, 2: 0.25, 3: 0.6}

# Support requests and good practice (the rates are per answer; 1.9 and 11.3 carry their own).
_P_SUPPORT = 0.009
_P_SUPPORT_19 = 0.7
_P_GOOD_PRACTICE = 0.06

# Cross-references: (pure and followable, "see also" after an answer's own text) by voice.
_P_XREF = {"messy": (0.09, 0.05), "verbose": (0.01, 0.04), "acronym": (0.02, 0.0), "terse": (0.0, 0.0)}
_P_UNRESOLVED = {"messy": 0.5, "terse": 0.3, "acronym": 0.15, "verbose": 0.05}
_NO_XREF = {"1.2", "1.8", "1.9", "6.9", "6.10", "11.3"}
# Which earlier answers an answer may point to ("See 2.4 above").
_RELATED = {
    "1.4": ("1.1",), "1.5": ("1.1", "1.4"), "1.6": ("1.1",), "1.7": ("1.1", "1.5"), "2.2": ("2.1",),
    "2.5": ("2.4",), "2.6": ("2.4", "2.5"), "2.7": ("2.1",), "3.2": ("3.1",), "3.3": ("3.2", "3.1"),
    "3.4": ("3.2",), "3.5": ("3.3",), "4.3": ("1.1",), "4.5": ("4.4",), "4.6": ("3.5",), "4.7": ("4.1",),
    "4.8": ("4.7",), "4.9": ("4.1",), "5.4": ("5.1",), "5.5": ("5.4",), "5.6": ("5.2",), "5.8": ("5.4", "5.5"),
    "6.2": ("6.1",), "6.3": ("2.2",), "6.4": ("6.1",), "6.5": ("4.2",), "6.6": ("2.7", "6.4"), "6.7": ("4.6",),
    "6.8": ("1.3",), "7.1": ("6.1",), "7.2": ("6.7", "4.6"), "7.3": ("5.5",), "8.1": ("6.4", "1.3"),
    "8.2": ("8.1",), "8.3": ("8.1", "5.6"), "9.1": ("1.3", "6.4"), "9.2": ("4.1",), "10.1": ("2.6",),
    "10.2": ("10.1", "9.1"), "11.1": ("9.1",), "11.2": ("11.1",),
}

# Out-of-step returns: about 5 per 152, each in a different region while regions last.
_OOS_PER_152 = 5
_OOS_KINDS = ("overclaiming", "far_behind", "underclaiming", "far_ahead")
# Types forced once per generation (in evenly spread returns) so that every type is present.
_FORCED = {
    "contradiction": ("1.5", "no"), "overstated": ("2.4", "in_progress"), "understated": ("3.2", "yes"),
    "hidden_issue": ("1.8", "yes"), "invalid_code": ("4.4", None), "no_response": ("5.3", None),
    "partners_mismatch": ("1.2", None), "obstacle_mismatch": ("6.10", None),
}
_N_EXTRA = 3  # returns written as xlsx, and as many again as text dumps


# -- the phrase bank --------------------------------------------------------------------

@dataclass(frozen=True)
class Phrase:
    """One piece of text from the bank and what it carries."""

    t: str
    themes: tuple[str, ...] = ()
    neg: bool = False
    code: int | None = None
    terse: bool = False
    pl: bool = False
    hidden: bool = False
    court: bool = False


def _phrase(obj) -> Phrase:
    if isinstance(obj, str):
        return Phrase(obj)
    return Phrase(obj["t"], tuple(obj.get("themes", ())), bool(obj.get("neg", False)), obj.get("code"),
                  bool(obj.get("terse", False)), bool(obj.get("pl", False)), bool(obj.get("hidden", False)),
                  bool(obj.get("court", False)))


def _phrases(items) -> tuple[Phrase, ...]:
    return tuple(_phrase(x) for x in items)


@dataclass
class QBank:
    np: tuple[Phrase, ...]
    short: tuple[Phrase, ...]
    scope: tuple[Phrase, ...]
    context: tuple[Phrase, ...]
    na: tuple[Phrase, ...]
    stance: dict[str, tuple[Phrase, ...]]  # replaces the generic templates for a class
    stance_add: dict[str, tuple[Phrase, ...]]  # added to them


@dataclass
class PhraseBank:
    path: str
    slots: dict[str, tuple]
    stance: dict[str, tuple[Phrase, ...]]
    scope_sentence: dict[str, tuple[Phrase, ...]]
    follow: dict[str, tuple[Phrase, ...]]
    questions: dict[str, QBank]
    partners: dict[int, dict]
    partner_stance: dict[str, tuple[Phrase, ...]]
    obstacles: dict[int, dict]
    obstacle_stance: dict[str, tuple[Phrase, ...]]
    extra: dict[str, tuple[Phrase, ...]]
    negated: dict[str, tuple[Phrase, ...]]
    support_templates: tuple[Phrase, ...]
    support_topics: tuple[Phrase, ...]
    support_weights: tuple[float, ...]
    gp_templates: tuple[Phrase, ...]
    practices: tuple[dict, ...]
    cross_ref: dict[str, tuple[str, ...]]
    acronyms: tuple[tuple[str, str], ...]
    typos: tuple[tuple[str, str], ...]
    theme_terms: dict[str, tuple[str, ...]]
    strong_terms: dict[str, tuple[str, ...]]
    raw: dict = field(repr=False, default_factory=dict)


def _default_bank_path() -> Path:
    from .paths import corpus_dir

    return corpus_dir() / "synthetic" / "phrasebank.json"


@lru_cache(maxsize=4)
def _load_bank(path: str) -> PhraseBank:
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WvtextError(f"phrase bank not found at {path}.", remedy="Restore corpus/synthetic/phrasebank.json from git.")
    except json.JSONDecodeError as exc:
        raise WvtextError(f"{path}: not valid JSON ({exc}).")
    try:
        slots = {k: (_phrases(v) if k in ("board", "challenge") else tuple(v)) for k, v in d["slots"].items()}
        g = d["generic"]
        questions = {}
        for qid, q in d["questions"].items():
            questions[qid] = QBank(
                _phrases(q["np"]), _phrases(q["short"]), _phrases(q.get("scope", [])), _phrases(q.get("context", [])),
                _phrases(q.get("na", [])),
                {c: _phrases(v) for c, v in q.get("stance", {}).items()},
                {c: _phrases(v) for c, v in q.get("stance_add", {}).items()},
            )
        partners = {int(k): {"label": v["label"], "phrases": _phrases(v["phrases"]), "detail": _phrases(v["detail"])}
                    for k, v in d["partners"].items()}
        obstacles = {int(k): {"label": v["label"], "phrases": _phrases(v["phrases"])} for k, v in d["obstacles"].items()}
        topics = _phrases(d["support"]["topics"])
        return PhraseBank(
            path=path,
            slots=slots,
            stance={c: _phrases(v) for c, v in g["stance"].items()},
            scope_sentence={c: _phrases(v) for c, v in g["scope_sentence"].items()},
            follow={c: _phrases(v) for c, v in g["follow"].items()},
            questions=questions,
            partners=partners,
            partner_stance={c: _phrases(v) for c, v in d["partner_stance"].items()},
            obstacles=obstacles,
            obstacle_stance={c: _phrases(v) for c, v in d["obstacle_stance"].items()},
            extra={k: _phrases(v) for k, v in d["extra"].items()},
            negated={k: tuple(Phrase(p.t, p.themes, True) for p in _phrases(v)) for k, v in d["negated"].items()},
            support_templates=_phrases(d["support"]["templates"]),
            support_topics=topics,
            support_weights=tuple(float(x.get("w", 1)) for x in d["support"]["topics"]),
            gp_templates=_phrases(d["good_practice"]["templates"]),
            practices=tuple(d["good_practice"]["practices"]),
            cross_ref={k: tuple(v) for k, v in d["cross_ref"].items()},
            acronyms=tuple((a, b) for a, b in d["acronyms"]),
            typos=tuple((a, b) for a, b in d["typos"]),
            theme_terms={k: tuple(v) for k, v in d["theme_terms"].items()},
            strong_terms={k: tuple(v) for k, v in d.get("strong_terms", {}).items()},
            raw=d,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WvtextError(f"{path}: not a valid phrase bank ({type(exc).__name__}: {exc}).",
                          remedy="Compare it with the structure described in corpus/synthetic/README.md.")


def load_phrasebank(path: Path | None = None) -> PhraseBank:
    """Return the phrase bank (default: `corpus/synthetic/phrasebank.json`)."""
    return _load_bank(str(path or _default_bank_path()))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_KNOWN_PLACEHOLDERS = {
    "NP", "np", "Short", "short", "is", "has", "was", "s", "it", "It", "does", "scope", "na", "board", "loc",
    "date_future", "date_past", "neighbour", "challenge", "n_small", "amount", "obstacle", "Obstacle",
    "obstacle2", "Label", "topic", "name", "Name", "result", "ref", "list", "List",
}


def _all_phrases(bank: PhraseBank):
    """Yield (where, Phrase) for every phrase in the bank."""
    for k in ("board", "challenge"):
        for p in bank.slots[k]:
            yield f"slots.{k}", p
    for group, table in (("stance", bank.stance), ("scope_sentence", bank.scope_sentence), ("follow", bank.follow),
                         ("partner_stance", bank.partner_stance), ("obstacle_stance", bank.obstacle_stance),
                         ("extra", bank.extra), ("negated", bank.negated)):
        for c, ps in table.items():
            for p in ps:
                yield f"{group}.{c}", p
    for qid, q in bank.questions.items():
        for part in ("np", "short", "scope", "context", "na"):
            for p in getattr(q, part):
                yield f"questions.{qid}.{part}", p
        for table in (q.stance, q.stance_add):
            for c, ps in table.items():
                for p in ps:
                    yield f"questions.{qid}.stance.{c}", p
    for k, v in bank.partners.items():
        for p in (*v["phrases"], *v["detail"]):
            yield f"partners.{k}", p
    for k, v in bank.obstacles.items():
        for p in v["phrases"]:
            yield f"obstacles.{k}", p
    for p in (*bank.support_templates, *bank.support_topics, *bank.gp_templates):
        yield "support/good_practice", p
    for pr in bank.practices:
        yield "good_practice.practices", Phrase(" ".join((pr["name"], pr["does"], pr["result"])), tuple(pr["themes"]))


def check_phrasebank(bank: PhraseBank | None = None, codebook: Codebook | None = None) -> list[str]:
    """Return the bank's inconsistencies (empty when sound).

    Checks: theme ids are known; each phrase that says it carries a theme contains one of
    that theme's `theme_terms`; no phrase contains a `strong_terms` term of a theme it does
    not declare; placeholders are known; every question has a noun phrase; code hints are
    codes of the right class; questions with an N/A code have N/A reasons.
    """
    bank = bank or load_phrasebank()
    codebook = codebook or load_codebook()
    issues = []
    for theme in (*bank.theme_terms, *bank.strong_terms, *bank.extra, *bank.negated):
        if theme not in _THEME_RANK:
            issues.append(f"unknown theme id {theme!r} in a theme table")
    for where, p in _all_phrases(bank):
        literal = _PLACEHOLDER.sub(" ", p.t).lower()
        for name in _PLACEHOLDER.findall(p.t):
            if name not in _KNOWN_PLACEHOLDERS:
                issues.append(f"{where}: unknown placeholder {{{name}}} in {p.t!r}")
        for theme in p.themes:
            if theme not in _THEME_RANK:
                issues.append(f"{where}: unknown theme {theme!r} in {p.t!r}")
            elif not any(term in literal for term in bank.theme_terms.get(theme, ())):
                issues.append(f"{where}: {p.t!r} is tagged {theme} but has none of its terms")
        for theme, terms in bank.strong_terms.items():
            if theme not in p.themes and any(term in literal for term in terms):
                issues.append(f"{where}: {p.t!r} mentions {theme} but is not tagged with it")
    for q in codebook:
        if q.qid in ("1.2", "6.10"):
            continue
        qb = bank.questions.get(q.qid)
        if qb is None or not qb.np or not qb.short:
            issues.append(f"question {q.qid}: no noun phrase (np, short) in the bank")
            continue
        if any(c.answer_class == "not_applicable" for c in q.codes) and not qb.na:
            issues.append(f"question {q.qid}: the scheme has an N/A code but the bank gives no 'na' reason")
        for table in (qb.stance, qb.stance_add):
            for cls, ps in table.items():
                for p in ps:
                    if p.code is not None:
                        code = q.code(p.code)
                        if code is None or code.answer_class != cls:
                            issues.append(f"question {q.qid}: code hint {p.code} of {p.t!r} is not a {cls} code")
    for qid in _RELATED:
        if codebook.get(qid) is None:
            issues.append(f"cross-reference table names unknown question {qid}")
    return issues


# -- rendering ----------------------------------------------------------------------------

@dataclass
class Sentence:
    text: str
    pos: set  # themes mentioned affirmatively
    neg: set  # themes mentioned only to deny them


class _Renderer:
    """Fills a template's placeholders for one answer, collecting the themes it brings in."""

    def __init__(self, bank: PhraseBank, rng: random.Random, board: Phrase, loc: str):
        self.bank, self.rng, self.board, self.loc = bank, rng, board, loc
        self.np: Phrase | None = None
        self.short: Phrase | None = None
        self.q: QBank | None = None
        self.values: dict[str, object] = {}

    def render(self, p: Phrase) -> Sentence:
        pos: set = set(p.themes) if not p.neg else set()
        neg: set = set(p.themes) if p.neg else set()
        agree = self.short if ("{short" in p.t or "{Short" in p.t) else self.np
        plural = bool(agree and agree.pl)

        def take(ph: Phrase) -> str:
            (neg if (p.neg or ph.neg) else pos).update(ph.themes)
            return _PLACEHOLDER.sub(sub, ph.t) if "{" in ph.t else ph.t

        def sub(m: re.Match) -> str:
            name = m.group(1)
            v = self.values
            if name in ("NP", "np"):
                s = take(self.np)
                return _cap(s) if name == "NP" else s
            if name in ("Short", "short"):
                s = take(self.short)
                return _cap(s) if name == "Short" else s
            if name in _AGREEMENT:
                return _AGREEMENT[name][plural]
            if name == "does":
                if "practice" in v:
                    return take(Phrase(v["practice"]["does"], tuple(v["practice"]["themes"])))
                return "do" if plural else "does"
            if name == "scope":
                return take(self.rng.choice(self.q.scope))
            if name == "na":
                return take(self.rng.choice(self.q.na)) if self.q.na else "this does not apply locally"
            if name == "board":
                return take(self.board)
            if name == "loc":
                return self.loc
            if name == "challenge":
                return take(self.rng.choice(self.bank.slots["challenge"]))
            if name in ("date_future", "date_past", "neighbour", "n_small", "amount"):
                return self.rng.choice(self.bank.slots[name])
            if name in ("obstacle", "Obstacle"):
                s = take(v["obstacle"])
                return _cap(s) if name == "Obstacle" else s
            if name == "obstacle2":
                return take(v["obstacle2"])
            if name == "Label":
                return v["label"]
            if name == "topic":
                return take(v["topic"])
            if name in ("name", "Name"):
                pr = v["practice"]
                s = take(Phrase(pr["name"], tuple(pr["themes"])))
                return ("The " + s) if name == "Name" else s
            if name == "result":
                return take(Phrase(v["practice"]["result"], tuple(v["practice"]["themes"])))
            if name == "ref":
                return v["ref"]
            if name in ("list", "List"):
                text, themes = v["list"]
                pos.update(themes)
                return _cap(text) if name == "List" else text
            raise KeyError(name)

        text = _PLACEHOLDER.sub(sub, p.t)
        return Sentence(_cap(text), pos, neg)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _join_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- one return ---------------------------------------------------------------------------

@dataclass
class _Spec:
    index: int          # the locality's position in localities.csv
    copy: int           # 1..scale
    locality: str
    region: str
    kind: str           # locality type (county, unitary, ...)
    return_id: str
    fmt: str = "long_csv"  # or "xlsx", "text"
    oos: str = ""       # out-of-step kind
    forced: dict = field(default_factory=dict)  # qid -> divergence type


@dataclass
class _Answer:
    q: Question
    T: str
    xref: str = ""             # pure, followable cross-reference target
    dtype: str = ""
    code_cls: str = ""         # class the code is drawn from
    code: str = ""
    code_note: str = ""
    empty: bool = False
    narrative: str = ""
    sentences: list = field(default_factory=list)
    support: int = 0
    gp: int = 0
    cross_ref: str = ""
    hint: int | None = None
    partners: list = field(default_factory=list)
    obstacles: list = field(default_factory=list)


# Words that agree with a plural subject: name -> (singular, plural).
_AGREEMENT = {"is": ("is", "are"), "has": ("has", "have"), "was": ("was", "were"), "s": ("s", ""),
              "it": ("it", "they"), "It": ("It", "They")}


class _ReturnMaker:
    def __init__(self, spec: _Spec, seed: int, bank: PhraseBank, codebook: Codebook):
        self.spec, self.bank, self.cb = spec, bank, codebook
        self.rng = random.Random(f"wvtext-synth/{seed}/{spec.index}/{spec.copy}")
        rng = self.rng
        self.voice = rng.choices(VOICES, _VOICE_WEIGHTS)[0]
        # Ordinary returns vary a little around their region; the planted profile outliers sit
        # well outside that range, so that "out of step on purpose" is not matched by chance.
        self.maturity = max(-0.9, min(0.9, rng.gauss(0.0, 0.35)))
        self.shift = 0.0
        if spec.oos == "far_behind":
            self.maturity = -3.0
        elif spec.oos == "far_ahead":
            self.maturity = 3.0
        elif spec.oos == "overclaiming":
            self.shift = -0.8
        elif spec.oos == "underclaiming":
            self.shift = 0.8
        self.board = rng.choice(bank.slots["board"])
        self.r = _Renderer(bank, rng, self.board, spec.locality)
        self.answers: dict[str, _Answer] = {}
        self.obstacle_phrase: dict[int, Phrase] = {}
        self.used: set = set()  # texts of sentences used in this return, not repeated while others remain

    def _pick(self, pool) -> Phrase:
        fresh = [p for p in pool if p.t not in self.used]
        p = self.rng.choice(fresh or list(pool))
        self.used.add(p.t)
        return p

    # 1. hidden true states -------------------------------------------------------------
    def _z(self, q: Question) -> float:
        return REGION_TENDENCIES.get(self.spec.region, {}).get(q.section, 0.0) + self.maturity + self.shift

    def _draw_class(self, q: Question) -> str:
        base = _BASE.get(q.qid, _DEFAULT_BASE)
        present = {c.answer_class for c in q.codes}
        z = 0.0 if q.qid in _NO_MATURITY else self._z(q)
        weights = []
        for cls, b in zip(CLASSES, base):
            w = b * math.exp(_SENSITIVITY[cls] * z)
            if cls not in present:
                w *= 0.0 if cls == "not_applicable" else _ABSENT_FACTOR
            if q.qid == "1.8" and cls == "yes":
                w *= _OR_ISSUE_FACTOR.get(self.spec.region, 1.0)
            weights.append(w)
        return self.rng.choices(CLASSES, weights)[0]

    def draw_states(self) -> None:
        rng = self.rng
        for q in self.cb:
            if q.qid == "1.2":
                z = self._z(q)
                if rng.random() < 0.05 * math.exp(-z):
                    partners = []
                else:
                    partners = [p for p in sorted(_PARTNER_P)
                                if rng.random() < min(0.95, _PARTNER_P[p] * math.exp(0.3 * z))] or [5]
                self.answers[q.qid] = _Answer(q, "yes" if partners else "no", partners=partners)
            elif q.qid == "6.10":
                self.answers[q.qid] = _Answer(q, "no")
            else:
                self.answers[q.qid] = _Answer(q, self._draw_class(q))
        for qid, dtype in self.spec.forced.items():
            want = _FORCED[dtype][1]
            if want:
                self.answers[qid].T = want
            if dtype == "obstacle_mismatch":
                self.answers["6.9"].T = "partial"
            if dtype == "partners_mismatch" and not self.answers["1.2"].partners:
                self.answers["1.2"].partners = [5, 7]
                self.answers["1.2"].T = "yes"
        # 6.10 follows 6.9: obstacles only where 6.9 is not a confident yes.
        t69 = self.answers["6.9"].T
        obstacles: list[int] = []
        if t69 in ("no", "partial") or (t69 == "unclear" and rng.random() < 0.5) or "6.10" in self.spec.forced:
            obstacles = [o for o in sorted(_OBSTACLE_P) if rng.random() < _OBSTACLE_P[o]] or [3]
        for o in obstacles:
            self.obstacle_phrase[o] = rng.choice(self.bank.obstacles[o]["phrases"])
        a610 = self.answers["6.10"]
        a610.obstacles, a610.T = obstacles, ("yes" if obstacles else "no")
        # Pure cross-references ("See 2.4 above."): the answer takes the class of the one it points to.
        p_pure = _P_XREF[self.voice][0]
        order = self.cb.qids
        for i, qid in enumerate(order):
            a = self.answers[qid]
            if qid in _NO_XREF or qid in self.spec.forced or p_pure == 0 or rng.random() >= p_pure:
                continue
            ok = lambda t: t not in _NO_XREF and not self.answers[t].xref and t not in self.spec.forced  # noqa: E731
            named = [t for t in _RELATED.get(qid, ()) if ok(t)]
            prev = order[i - 1] if i else ""
            prev_ok = prev and self.cb.get(prev).section == a.q.section and ok(prev)
            if named and (not prev_ok or rng.random() < 0.75):
                a.xref = rng.choice(named)
                a.cross_ref = a.xref
            elif prev_ok:
                a.xref = prev
                a.cross_ref = "previous:" + prev
            else:
                continue
            a.T = self.answers[a.xref].T

    # 2. codes: planted divergences ---------------------------------------------------------
    def _classes(self, q: Question) -> set:
        return {c.answer_class for c in q.codes}

    def _eligible(self, a: _Answer) -> dict[str, float]:
        q, T = a.q, a.T
        present = self._classes(q)
        names = ["invalid_code", "no_response"]
        if q.qid == "1.8":
            if T == "yes" and "unclear" in present:
                names.append("understated")
        else:
            if T in ("yes", "no"):
                names.append("contradiction")
            if T in ("in_progress", "partial"):
                names.append("overstated")
            if T == "yes" and "unclear" in present:
                names.append("understated")
        return {n: _TYPE_RATES[n] for n in names}

    def plant(self) -> None:
        rng = self.rng
        oos = self.spec.oos
        for qid, a in self.answers.items():
            q = a.q
            forced = self.spec.forced.get(qid, "")
            dtype = forced
            if q.qid == "1.2":
                if not dtype:
                    if a.partners and rng.random() < _P_PARTNERS_MISMATCH:
                        dtype = "partners_mismatch"
                    elif rng.random() < _P_CATEGORICAL_NO_RESPONSE:
                        dtype = "no_response"
            elif q.qid == "6.10":
                if not dtype:
                    if a.obstacles and rng.random() < _P_OBSTACLE_MISMATCH:
                        dtype = "obstacle_mismatch"
                    elif rng.random() < _P_CATEGORICAL_NO_RESPONSE:
                        dtype = "no_response"
            elif not dtype:
                if oos == "overclaiming" and a.T in ("in_progress", "partial") and rng.random() < 0.7:
                    dtype = "overstated"
                elif oos == "overclaiming" and a.T == "no" and q.qid != "1.8" and rng.random() < 0.35:
                    dtype = "contradiction"
                elif oos == "underclaiming" and a.T == "yes" and q.qid != "1.8" and rng.random() < 0.5:
                    dtype = "understated" if "unclear" in self._classes(q) and rng.random() < 0.7 else "contradiction"
                elif q.qid == "1.8" and a.T == "yes" and rng.random() < _P_HIDDEN_ISSUE:
                    dtype = "hidden_issue"
                elif q.qid == "1.8" and a.T == "no" and rng.random() < _P_OR_CONTRADICTION:
                    dtype = "contradiction"
                else:
                    u, acc = rng.random(), 0.0
                    for name, rate in sorted(self._eligible(a).items()):
                        acc += rate
                        if u < acc:
                            dtype = name
                            break
            a.dtype = dtype
            # The class the code will be drawn from.
            if dtype == "contradiction":
                a.code_cls = "yes" if a.T == "no" else "no"
            elif dtype == "overstated":
                a.code_cls = "yes"
            elif dtype == "understated":
                a.code_cls = "unclear"
            elif dtype == "hidden_issue":
                a.code_cls = "no"
            else:
                a.code_cls = a.T
            if dtype == "no_response":
                # A code with an empty narrative, unless another answer points here.
                pointed = any(b.xref == qid for b in self.answers.values())
                a.empty = not pointed and rng.random() >= _P_BLANK_CODE
                if a.empty and a.xref:
                    a.xref, a.cross_ref = "", ""

    def _pick_code(self, q: Question, cls: str, hint: int | None) -> tuple[int, str]:
        for i, c in enumerate(_NEAREST[cls]):
            codes = [x.code for x in q.codes if x.answer_class == c]
            if codes:
                note = "" if i == 0 else f"nearest:{cls}->{c}"
                if hint is not None and hint in codes:
                    return hint, note
                return self.rng.choice(codes), note
        raise WvtextError(f"question {q.qid}: no code for class {cls}")  # pragma: no cover - every scheme has no

    def choose_codes(self) -> None:
        rng = self.rng
        for qid, a in self.answers.items():
            q = a.q
            if qid == "1.2":
                codes = list(a.partners)
                if a.dtype == "partners_mismatch":
                    codes = _mutate(codes, list(range(1, 8)), rng)
                a.code = ", ".join(str(c) for c in codes) if codes else "0"
            elif qid == "6.10":
                codes = list(a.obstacles)
                if a.dtype == "obstacle_mismatch":
                    codes = _mutate(codes, [1, 2, 3], rng)
                a.code = ", ".join(str(c) for c in codes) if codes else "0"
            elif a.dtype == "invalid_code":
                top = max(q.code_values)
                a.code = str(rng.randint(top + 1, min(9, top + 4)))
                a.code_note = "planted:outside scheme"
            elif a.dtype == "hidden_issue":
                a.code = "0"
            else:
                hint = a.hint if a.code_cls == a.T else None
                code, note = self._pick_code(q, a.code_cls, hint)
                a.code, a.code_note = str(code), note
            if a.dtype == "no_response" and not a.empty:
                a.code = ""
                a.code_note = "planted:blank code"
            elif a.dtype == "no_response":
                a.code_note = "planted:empty narrative"

    # 3. narratives -------------------------------------------------------------------------
    def _stance_pool(self, qid: str, cls: str, terse: bool) -> list[Phrase]:
        qb = self.bank.questions[qid]
        if cls in qb.stance:
            pool = list(qb.stance[cls])
        else:
            pool = list(self.bank.stance.get(cls, ())) + list(qb.stance_add.get(cls, ()))
        chosen = [p for p in pool if p.terse == terse]
        return chosen or pool

    def _answer_themes(self, a: _Answer) -> set:
        out = set()
        for s in a.sentences:
            out |= s.pos | s.neg
        return out

    def compose(self) -> None:
        rng, voice, bank = self.rng, self.voice, self.bank
        for qid in self.cb.qids:
            a = self.answers[qid]
            if a.empty:
                continue
            if a.xref:
                a.sentences = [Sentence(self._xref_text(a), set(), set())]
                continue
            terse = voice == "terse" or (voice in ("acronym", "messy") and rng.random() < 0.15) or (
                voice == "verbose" and rng.random() < 0.08)
            if qid == "1.2":
                self._compose_partners(a, terse)
            elif qid == "6.10":
                self._compose_obstacles(a, terse)
            else:
                self._compose_answer(a, terse)
            self._add_requests(a, terse)
            # "See also 2.4." after the answer's own text.
            p_also = _P_XREF[voice][1]
            if p_also and not terse and qid not in _NO_XREF and rng.random() < p_also:
                targets = [t for t in _RELATED.get(qid, ()) if not self.answers[t].empty]
                if targets:
                    ref = rng.choice(targets)
                    a.sentences.append(Sentence(rng.choice(bank.cross_ref["see_also"]).replace("{ref}", ref), set(), set()))
                    a.cross_ref = ref

    def _xref_text(self, a: _Answer) -> str:
        if a.cross_ref.startswith("previous:"):
            a.cross_ref = a.xref
            return self.rng.choice(self.bank.cross_ref["previous"])
        return self.rng.choice(self.bank.cross_ref["followable"]).replace("{ref}", a.xref)

    def _set_nouns(self, qid: str) -> QBank:
        qb = self.bank.questions[qid]
        self.r.q = qb
        self.r.np = self.rng.choice(qb.np)
        self.r.short = self.rng.choice(qb.short)
        self.r.values = {}
        return qb

    def _compose_answer(self, a: _Answer, terse: bool) -> None:
        rng, bank, r = self.rng, self.bank, self.r
        qid, T = a.q.qid, a.T
        qb = self._set_nouns(qid)
        if T == "unclear":
            if rng.random() < _P_UNRESOLVED[self.voice]:
                a.sentences = [Sentence(rng.choice(bank.cross_ref["unresolved"]), set(), set())]
                a.cross_ref = "unresolved"
                return
            if not terse and qb.context and rng.random() < 0.5:
                # Text that does not answer the question.
                a.sentences = [r.render(rng.choice(qb.context))]
                if self.voice == "verbose" and rng.random() < 0.5:
                    a.sentences.append(r.render(self._pick(bank.follow["unclear"])))
                return
        if qid == "6.9" and T in ("partial", "no"):
            obs = sorted(self.obstacle_phrase)
            r.values["obstacle"] = self.obstacle_phrase[obs[0]] if obs else Phrase("the complexity of individual needs")
        pool = self._stance_pool(qid, T, terse)
        if qid == "1.8" and T == "yes":
            hidden = [p for p in pool if p.hidden]
            if a.dtype == "hidden_issue" and hidden:
                pool = hidden
        if qid == "6.9" and T == "partial":
            court = [p for p in pool if p.court]
            if 2 in self.obstacle_phrase and court and rng.random() < 0.6:
                pool = court
            else:
                pool = [p for p in pool if not p.court] or pool
        stance = rng.choice(pool)
        a.hint = stance.code
        a.sentences = [r.render(stance)]
        if qid in ("1.9", "11.3") or terse:
            return
        want = rng.randint(3, 6) if self.voice == "verbose" else rng.choice((1, 2, 2, 3))
        extras = self._extras(a, qb, scoped="{scope}" in stance.t)
        k = min(len(extras), want - 1)
        if k > 0:
            picks = sorted(rng.sample(range(len(extras)), k))
            for i in picks:
                s = extras[i]()
                if s is not None:
                    a.sentences.append(s)

    def _extras(self, a: _Answer, qb: QBank, *, scoped: bool) -> list:
        """Makers of optional sentences, in the order they would appear."""
        rng, bank, r, T = self.rng, self.bank, self.r, a.T
        makers = []
        if qb.scope and T in bank.scope_sentence and not scoped:
            makers.append(lambda: r.render(self._pick(bank.scope_sentence[T])))
        if qb.context and T != "unclear":
            for p in rng.sample(qb.context, min(2, len(qb.context))):
                makers.append(lambda p=p: r.render(p))
        if T in bank.follow:
            makers.append(lambda: r.render(self._pick(bank.follow[T])))
            if rng.random() < 0.5:
                makers.append(lambda: r.render(self._pick(bank.follow[T])))
        makers.append(lambda: self._extra_theme(a))
        if rng.random() < 0.5:
            makers.append(lambda: self._extra_theme(a))
        if rng.random() < 0.35:
            makers.append(lambda: self._negated_theme(a))
        return makers

    def _extra_theme(self, a: _Answer) -> Sentence | None:
        have = self._answer_themes(a)
        options = [t for t in sorted(self.bank.extra) if t not in have]
        if not options:
            return None
        fresh = [t for t in options if any(p.t not in self.used for p in self.bank.extra[t])] or options
        return self.r.render(self._pick(self.bank.extra[self.rng.choice(fresh)]))

    def _negated_theme(self, a: _Answer) -> Sentence | None:
        have = self._answer_themes(a)
        denied_elsewhere_ok = {"ordinary_residence": self.answers["1.8"].T == "no"}
        options = [t for t in sorted(self.bank.negated) if t not in have and denied_elsewhere_ok.get(t, True)]
        if not options:
            return None
        fresh = [t for t in options if any(p.t not in self.used for p in self.bank.negated[t])] or options
        return self.r.render(self._pick(self.bank.negated[self.rng.choice(fresh)]))

    def _compose_partners(self, a: _Answer, terse: bool) -> None:
        rng, bank, r = self.rng, self.bank, self.r
        r.q, r.np, r.short, r.values = None, None, None, {}
        if not a.partners:
            a.sentences = [r.render(rng.choice(self._pool(bank.partner_stance["no"], terse)))]
            return
        names, themes = [], set()
        for p in a.partners:
            ph = rng.choice(bank.partners[p]["phrases"])
            names.append(ph.t)
            themes.update(ph.themes)
        r.values = {"list": (_join_list(names), themes)}
        a.sentences = [r.render(rng.choice(self._pool(bank.partner_stance["yes"], terse)))]
        if not terse and self.voice == "verbose":
            for p in sorted(rng.sample(a.partners, min(len(a.partners), rng.randint(1, 3)))):
                a.sentences.append(r.render(rng.choice(bank.partners[p]["detail"])))

    def _compose_obstacles(self, a: _Answer, terse: bool) -> None:
        rng, bank, r = self.rng, self.bank, self.r
        r.q, r.np, r.short, r.values = None, None, None, {}
        st = bank.obstacle_stance
        if not a.obstacles:
            a.sentences = [r.render(rng.choice(st["none"]))]
            return
        obs = list(a.obstacles)
        if len(obs) >= 2 and rng.random() < 0.5:
            pick = sorted(rng.sample(obs, 2))
            r.values = {"obstacle": self.obstacle_phrase[pick[0]], "obstacle2": self.obstacle_phrase[pick[1]]}
            a.sentences = [r.render(rng.choice(st["two"]))]
            rest = [o for o in obs if o not in pick]
        else:
            first = obs[0]
            r.values = {"obstacle": self.obstacle_phrase[first], "label": bank.obstacles[first]["label"]}
            if self.answers["6.9"].T in ("no", "partial") and rng.random() < 0.25:
                a.sentences = [r.render(rng.choice(st["after_ref"]))]
                a.cross_ref = "6.9"
            elif rng.random() < 0.5:
                a.sentences = [r.render(rng.choice(st["labelled"]))]
            else:
                a.sentences = [r.render(rng.choice(st["plain"]))]
            rest = obs[1:]
        for o in rest:
            r.values = {"obstacle": self.obstacle_phrase[o], "label": bank.obstacles[o]["label"]}
            a.sentences.append(r.render(rng.choice(st["labelled"] if rng.random() < 0.5 else st["plain"])))

    @staticmethod
    def _pool(pool, terse: bool) -> list[Phrase]:
        return [p for p in pool if p.terse == terse] or list(pool)

    def _add_requests(self, a: _Answer, terse: bool) -> None:
        rng, bank, r = self.rng, self.bank, self.r
        qid, T = a.q.qid, a.T
        qthemes = self._answer_themes(a)
        if qid == "1.9":
            p_support = _P_SUPPORT_19 if T == "yes" and a.hint is None else 0.0
        else:
            p_support = _P_SUPPORT
        if p_support and rng.random() < p_support:
            weights = [w * (3.0 if set(t.themes) & qthemes else 1.0)
                       for w, t in zip(bank.support_weights, bank.support_topics)]
            r.values = {"topic": rng.choices(bank.support_topics, weights)[0]}
            a.sentences.append(r.render(self._pick(bank.support_templates)))
            a.support = 1
        p_gp = 1.0 if (qid == "11.3" and T == "yes") else (_P_GOOD_PRACTICE if T in ("yes", "partial") else 0.0)
        if qid != "11.3" and qid in ("1.8", "6.10"):
            p_gp = 0.0
        if p_gp and rng.random() < p_gp:
            weights = [4.0 if set(pr["themes"]) & qthemes else 1.0 for pr in bank.practices]
            r.values = {"practice": rng.choices(bank.practices, weights)[0]}
            a.sentences.append(r.render(self._pick(bank.gp_templates)))
            a.gp = 1

    # 4. voice ------------------------------------------------------------------------------
    def finish(self) -> None:
        rng, bank, voice = self.rng, self.bank, self.voice
        for a in self.answers.values():
            if a.empty:
                a.narrative = ""
                continue
            texts = [s.text for s in a.sentences]
            if voice == "acronym":
                texts = [_acronyms(t, bank.acronyms, rng) for t in texts]
            if voice == "messy":
                a.narrative = _messy(texts, bank.typos, rng)
            else:
                a.narrative = " ".join(texts)

    def make(self) -> "_ReturnMaker":
        self.draw_states()
        self.plant()
        self.compose()
        self.choose_codes()
        self.finish()
        return self

    # labels ----------------------------------------------------------------------------------
    def label_rows(self) -> list[dict]:
        rows = []
        for qid in self.cb.qids:
            a = self.answers[qid]
            q = a.q
            pos, neg = set(), set()
            for s in a.sentences:
                pos |= s.pos
                neg |= s.neg
            negated = neg - pos
            themes = pos | neg
            if a.empty:
                text_class = "unclear"
            else:
                text_class = a.T
            rows.append({
                "return_id": self.spec.return_id,
                "qid": qid,
                "code": a.code,
                "code_class": _code_class(q, a.code),
                "text_class": text_class,
                "divergent": 1 if a.dtype else 0,
                "divergence_type": a.dtype,
                "themes": _theme_list(themes),
                "negated_themes": _theme_list(negated),
                "support_request": a.support,
                "good_practice": a.gp,
                "voice": self.voice,
                "narrative_partners": (";".join(map(str, a.partners)) or "0") if qid == "1.2" and not a.empty else "",
                "narrative_obstacles": (";".join(map(str, a.obstacles)) or "0") if qid == "6.10" and not a.empty else "",
                "cross_ref": a.cross_ref,
                "code_note": a.code_note,
            })
        return rows


def _mutate(codes: list[int], universe: list[int], rng: random.Random) -> list[int]:
    """Return a different, non-empty set of codes: drop one, add one, or swap one."""
    s = set(codes)
    missing = [c for c in universe if c not in s]
    moves = []
    if len(s) >= 2:
        moves.append("drop")
    if missing:
        moves += ["add", "swap"]
    move = rng.choice(moves)
    if move == "drop":
        s.discard(rng.choice(sorted(s)))
    elif move == "add":
        s.add(rng.choice(missing))
    else:
        s.discard(rng.choice(sorted(s)))
        s.add(rng.choice(missing))
    return sorted(s)


def _code_class(q: Question, code: str) -> str:
    if not code:
        return ""
    values = [int(x) for x in re.findall(r"\d+", code)]
    if any(v not in q.code_values for v in values):
        return "invalid"
    if q.kind != "yes_no" or len(values) != 1:
        return ""
    return q.code(values[0]).answer_class


def _theme_list(themes: set) -> str:
    return ";".join(sorted(themes, key=_THEME_RANK.__getitem__))


def _acronyms(text: str, pairs, rng: random.Random) -> str:
    for long, short in pairs:
        if long in text and rng.random() < 0.85:
            text = text.replace(long, short)
    return text


def _messy(texts: list[str], typos, rng: random.Random) -> str:
    """Join sentences the way a pasted export leaves them: tags, entities, typos, spacing."""
    out = []
    for t in texts:
        for right, wrong in typos:
            if right in t and rng.random() < 0.5:
                t = t.replace(right, wrong, 1)
        out.append(t)
    sep = rng.choice((" ", " ", "  ", "<br>", "<br />", " <br> "))
    text = sep.join(out)
    text = text.replace("&", "&amp;")
    if " and " in text and rng.random() < 0.25:
        text = text.replace(" and ", " &amp; ", 1)
    if "'" in text and rng.random() < 0.35:
        text = text.replace("'", "&#39;")
    if rng.random() < 0.15 and text.endswith("."):
        text = text[:-1]
    if rng.random() < 0.3:
        text = "<p>" + text + "</p>"
    if rng.random() < 0.1:
        text += "&nbsp;"
    return text


# -- the corpus ----------------------------------------------------------------------------

def _specs(scale: int, seed: int, extra_formats: bool, limit: int | None) -> list[_Spec]:
    locs = load_localities().all
    if limit is not None:
        locs = locs[:limit]
    specs = []
    for i, loc in enumerate(locs):
        slug = return_id_for(loc.name)
        for c in range(1, scale + 1):
            rid = f"synthetic-{slug}" if scale == 1 else f"synthetic-x{scale}-{slug}-{c}"
            specs.append(_Spec(i, c, loc.name, loc.region, loc.type, rid))
    # Extra formats: copy 1 of six localities (never Leicestershire, the one real return). They are
    # chosen even without extra_formats and are neither out of step nor forced, so that every
    # return is the same whatever the scale and whether or not it is written as xlsx/text.
    extra_ids: set = set()
    candidates = [s for s in specs if s.copy == 1 and s.locality != "Leicestershire"]
    if len(candidates) >= 2 * _N_EXTRA:
        picks = random.Random(f"wvtext-synth/{seed}/extra-formats").sample(range(len(candidates)), 2 * _N_EXTRA)
        for n, k in enumerate(sorted(picks)):
            s = candidates[k]
            if extra_formats:
                s.fmt = "xlsx" if n % 2 == 0 else "text"
                s.return_id = "synthetic-" + return_id_for(s.locality)
            extra_ids.add(id(s))
    pool = [s for s in specs if id(s) not in extra_ids]
    rng = random.Random(f"wvtext-synth/{seed}/out-of-step/{scale}/{len(specs)}")
    n_oos = max(1, round(_OOS_PER_152 * len(specs) / 152)) if len(specs) >= 10 else 0
    regions = list(REGIONS)
    rng.shuffle(regions)
    chosen = 0
    for i in range(len(specs) * 2):
        if chosen >= n_oos:
            break
        region = regions[i % len(regions)]
        cands = [s for s in pool if s.region == region and not s.oos and s.locality != "Leicestershire"]
        if cands:
            rng.choice(cands).oos = _OOS_KINDS[chosen % len(_OOS_KINDS)]
            chosen += 1
    # Every divergence type at least once, in returns spread through the corpus.
    plain = [s for s in pool if not s.oos]
    for k, dtype in enumerate(DIVERGENCE_TYPES):
        if len(plain) >= len(DIVERGENCE_TYPES):
            s = plain[(k * len(plain)) // len(DIVERGENCE_TYPES) + (len(plain) // (2 * len(DIVERGENCE_TYPES)))]
            s.forced[_FORCED[dtype][0]] = dtype
    return specs


def _oos_reason(kind: str, rows: list[dict], maker: _ReturnMaker) -> str:
    n = {t: sum(1 for r in rows if r["divergence_type"] == t) for t in DIVERGENCE_TYPES}
    yes = sum(1 for r in rows if r["code_class"] == "yes")
    no = sum(1 for r in rows if r["code_class"] == "no")
    if kind == "overclaiming":
        return (f"overclaiming: codes Yes over narratives of plans or partial progress "
                f"({n['overstated']} overstated, {n['contradiction']} contradictions)")
    if kind == "underclaiming":
        return (f"underclaiming: codes Not clear or No over narratives of things in place "
                f"({n['understated']} understated, {n['contradiction']} contradictions)")
    if kind == "far_behind":
        return f"profile far behind its region: maturity {maker.maturity:+.1f}, {no} answers coded No and {yes} coded Yes"
    return f"profile far ahead of its region: maturity {maker.maturity:+.1f}, {yes} answers coded Yes and {no} coded No"


def _write_rows(path: Path, columns, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r[c] for c in columns])


def generate(out_dir: Path, *, scale: int = 1, seed: int = 13, extra_formats: bool = True,
             limit: int | None = None) -> dict:
    """Write the SYNTHETIC corpus for `scale` copies of each locality into `out_dir`; return a summary.

    `limit` keeps only the first `limit` localities (for quick tests). The summary holds the
    counts of returns and answers, planted divergences by type, support requests, good
    practice, out-of-step returns, the voices, and the files written (names relative to out_dir).
    """
    if scale < 1:
        raise WvtextError(f"scale must be 1 or more, not {scale}.")
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bank = load_phrasebank()
    codebook = load_codebook()
    specs = _specs(scale, seed, extra_formats, limit)
    long_rows, label_rows, return_rows, files = [], [], [], []
    extra_writes = []
    for spec in specs:
        maker = _ReturnMaker(spec, seed, bank, codebook).make()
        rows = maker.label_rows()
        label_rows.extend(rows)
        answers = [{"qid": qid, "code": maker.answers[qid].code, "narrative": maker.answers[qid].narrative}
                   for qid in codebook.qids]
        slug = return_id_for(spec.locality)
        if spec.fmt == "long_csv":
            fname = f"SYNTHETIC_national_x{scale}.csv"
            for a in answers:
                long_rows.append({"locality": spec.locality, "region": spec.region, "return_id": spec.return_id,
                                  "synthetic": 1, "qid": a["qid"], "code": a["code"], "narrative": safe_cell(a["narrative"])})
        else:
            fname = f"SYNTHETIC_{slug}.{'xlsx' if spec.fmt == 'xlsx' else 'txt'}"
            extra_writes.append((fname, spec, answers))
        return_rows.append({
            "return_id": spec.return_id, "locality": spec.locality, "region": spec.region, "voice": maker.voice,
            "maturity": f"{maker.maturity:.3f}", "out_of_step": 1 if spec.oos else 0,
            "out_of_step_reason": _oos_reason(spec.oos, rows, maker) if spec.oos else "", "file": fname,
        })
    from .writers import write_return_text, write_return_xlsx

    for fname, spec, answers in extra_writes:
        path = out_dir / fname
        if spec.fmt == "xlsx":  # dated XLSX_DATE whatever SOURCE_DATE_EPOCH says: the corpus is seed and scale alone
            write_return_xlsx(path, spec.locality, answers, codebook=codebook, title_number=spec.index + 1,
                              when=XLSX_DATE)
        else:
            write_return_text(path, spec.locality, answers, codebook=codebook, title_number=spec.index + 1)
        files.append(fname)
    national = f"SYNTHETIC_national_x{scale}.csv"
    _write_rows(out_dir / national, LONG_COLUMNS, long_rows)
    labels = f"SYNTHETIC_labels_x{scale}.csv"
    _write_rows(out_dir / labels, LABEL_COLUMNS, label_rows)
    returns = f"SYNTHETIC_returns_x{scale}.csv"
    _write_rows(out_dir / returns, RETURN_COLUMNS, return_rows)
    files = [national, *sorted(files), labels, returns]
    by_type = {t: sum(1 for r in label_rows if r["divergence_type"] == t) for t in DIVERGENCE_TYPES}
    n_div = sum(by_type.values())
    return {
        "synthetic": True,
        "scale": scale,
        "seed": seed,
        "returns": len(return_rows),
        "answers": len(label_rows),
        "divergent": n_div,
        "divergence_rate": round(n_div / len(label_rows), 4) if label_rows else 0.0,
        "divergences": by_type,
        "support_requests": sum(r["support_request"] for r in label_rows),
        "good_practice": sum(r["good_practice"] for r in label_rows),
        "out_of_step": sum(r["out_of_step"] for r in return_rows),
        "voices": {v: sum(1 for r in return_rows if r["voice"] == v) for v in VOICES},
        "files": files,
        "out_dir": str(out_dir),
        "seconds": round(time.perf_counter() - t0, 2),
    }
