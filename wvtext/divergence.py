"""Where an answer's code and its narrative disagree, and which returns are out of step.

Consumes, per answer, the question, its code (valid or not, class) and the narrative's `Stance`;
per return, its answers with their divergences, and all returns analysed together (for the
regional comparison). Produces `Divergence` per answer and `OutOfStep` per return.

Scores are floats in [0, 1] where 1 means more divergence / more out of step.

Per answer (type: meaning in answer-classes.md):
- invalid_code (1.0): a code outside the question's scheme;
- no_response (0.7): a blank code over a narrative that answers, or a code with no narrative;
- hidden_issue: an "any issues?" question coded No whose narrative affirms such issues;
- contradiction: code yes and narrative no, or code no and narrative yes;
- overstated: code yes over a narrative of plans, work underway or only part (and code
  partial over a narrative of none);
- understated: code no or not clear over a narrative of the thing clearly in place;
- partners_mismatch / obstacle_mismatch (1.2 / 6.10): coded and named sets differ (1 - Jaccard).
A typed disagreement's base score is scaled by the narrative's confidence; it is flagged at
`FLAG_AT` or more. Disagreements with no type (e.g. in_progress vs partial) are scored by their
ordinal distance but not flagged.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .codebook import Question, load_codebook

if TYPE_CHECKING:  # stance brings spaCy; the types and drivers are wanted without it ('wvtext flags')
    from .stance import Stance

__all__ = ["Divergence", "score_divergence", "OutOfStep", "score_out_of_step", "FLAG_AT", "DIVERGENCE_TYPES",
           "DRIVER_TYPES", "code_side", "flag_drivers", "narrative_side", "reviewed_drivers", "reviewed_flag"]

FLAG_AT = 0.4
DIVERGENCE_TYPES = ("contradiction", "overstated", "understated", "hidden_issue", "invalid_code", "no_response",
                    "partners_mismatch", "obstacle_mismatch")
# The flags named among the drivers of an out-of-step score: the code claims more or less than the narrative.
DRIVER_TYPES = ("overstated", "contradiction", "hidden_issue", "understated")
_BASE = {
    ("yes", "no"): ("contradiction", 0.95), ("no", "yes"): ("contradiction", 0.9),
    ("yes", "in_progress"): ("overstated", 0.8), ("yes", "partial"): ("overstated", 0.6),
    ("partial", "no"): ("overstated", 0.65),
    ("unclear", "yes"): ("understated", 0.7), ("no", "partial"): ("understated", 0.5),
}


@dataclass
class Divergence:
    divergent: bool
    score: float
    type: str
    evidence: str


def _confidence_factor(stance: Stance) -> float:
    return 0.6 + 0.4 * max(0.0, min(1.0, stance.confidence))


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _flagged(score: float, kind: str, evidence: str) -> Divergence:
    """A divergence of `kind` when its score reaches the flag; below it the score stays (how far
    code and narrative lean apart) but the type is empty, as outputs.md has it for an answer that
    is not divergent."""
    flag = score >= FLAG_AT
    return Divergence(flag, score, kind if flag else "", evidence)


def score_divergence(question: Question, *, codes: list[int], code_valid: bool, code_class: str,
                     narrative: str, stance: Stance) -> Divergence:
    """Return how far an answer's code and narrative disagree, why, and the deciding sentence."""
    from .stance import ANSWER_ORDINAL

    ev = stance.evidence
    if not code_valid:
        scheme = ", ".join(str(c.code) for c in question.codes)
        return Divergence(True, 1.0, "invalid_code", ev or f"code not in the scheme ({scheme})")
    if not codes and narrative.strip():
        return Divergence(True, 0.7, "no_response", ev)
    if codes and not narrative.strip():
        return Divergence(True, 0.7, "no_response", "")
    if not codes:
        return Divergence(False, 0.0, "", "")
    if question.kind == "multi_select":
        coded = {c for c in codes if c != 0}
        named = set(stance.partners)
        if not coded or not named:
            return Divergence(False, 0.0, "", ev)
        # answer-classes.md: "the partners coded differ from the partners the narrative names".
        miss = 1.0 - _jaccard(coded, named)
        return _flagged(round(0.4 + 0.6 * miss, 3) if miss else 0.0, "partners_mismatch", ev)
    if question.kind == "categorical":
        coded = set(codes)
        # Only an explicit "None" names no obstacle; an obstacle we did not recognise is not one.
        named = set(stance.obstacles) or ({0} if stance.text_class == "no" else set())
        if not named or coded == {0} and not stance.obstacles:
            return Divergence(False, 0.0, "", ev)
        miss = 1.0 - _jaccard(coded, named)
        return _flagged(round(0.4 + 0.6 * miss, 3) if miss else 0.0, "obstacle_mismatch", ev)
    tc, cc = stance.text_class, code_class
    factor = _confidence_factor(stance)
    if question.asks_about_issues and cc == "no" and tc == "yes":
        return _flagged(min(1.0, round(0.85 * factor + 0.1, 3)), "hidden_issue", ev)
    if (cc, tc) in _BASE:
        kind, base = _BASE[(cc, tc)]
        if kind == "understated" and stance.scores.get("yes", 0.0) < 1.0 and not stance.account:
            # "describes the thing clearly in place": a short narrative read as yes only for want
            # of any cue is not clear enough to say the code understates it; a long account of
            # what the question asks about is (since session 17).
            base *= 0.5
        return _flagged(round(base * factor, 3), kind, ev)
    if cc in ANSWER_ORDINAL and tc in ANSWER_ORDINAL:
        score = round(abs(ANSWER_ORDINAL[cc] - ANSWER_ORDINAL[tc]) / 3 * 0.5 * factor, 3)
        return Divergence(False, score, "", ev)
    return Divergence(False, 0.0, "", ev)


# -- out of step -------------------------------------------------------------------

@dataclass
class OutOfStep:
    return_id: str
    answers: int
    divergent: int
    divergence_rate: float
    overstated: int
    profile_distance: float
    optimism: float
    score: float
    flagged: bool
    drivers: list[str] = field(default_factory=list)


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 below `lo`, 1 above `hi`, linear between."""
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def score_out_of_step(returns: list[dict], *, shrink: float = 5.0, flag_at: float = 0.75) -> list[OutOfStep]:
    """Score each return against its region and the nation.

    `returns`: dicts with `return_id`, `region`, and `answers`: dicts with `qid`, `code_class`,
    `divergent`, `divergence_type`. The code profile is compared question by question with the
    region's mean (leaving the return out, shrunk toward the national mean by `shrink` returns
    of weight so that a region of two is not its own yardstick), in national standard deviations.
    Three signals, each on a fixed 0..1 ramp so that a lone return is scored too: a systematic
    shift of the whole profile (z-statistic of the mean deviation, 2.5 -> 5.5), the divergence
    rate (10% -> 30%), and one-directional mismatch, the larger of answers coded above or below
    what their narrative supports (5% -> 20%). They combine as a noisy-or (weights 0.85, 0.6,
    0.8): any one strong signal is enough to look, they add up, and a return whose codes claim
    more (or less) than its narratives again and again ranks above a mere profile outlier.
    The flag (`flag_at` 0.75) needs one signal at full strength (shift 0.85, mismatch 0.8) or
    several strong ones; a high divergence rate alone (0.6) is not enough.
    """
    from .stance import ANSWER_ORDINAL

    vals: dict[str, dict[str, float]] = {}
    for r in returns:
        vals[r["return_id"]] = {a["qid"]: ANSWER_ORDINAL[a["code_class"]] for a in r["answers"]
                                if a.get("code_class") in ANSWER_ORDINAL}
    qids = sorted({q for v in vals.values() for q in v})
    nat_sum = {q: sum(v[q] for v in vals.values() if q in v) for q in qids}
    nat_n = {q: sum(1 for v in vals.values() if q in v) for q in qids}
    nat_sq = {q: sum(v[q] ** 2 for v in vals.values() if q in v) for q in qids}
    by_region: dict[str, list[str]] = {}
    for r in returns:
        by_region.setdefault(r.get("region") or "", []).append(r["return_id"])
    reg_sum = {reg: {q: sum(vals[i][q] for i in ids if q in vals[i]) for q in qids} for reg, ids in by_region.items()}
    reg_n = {reg: {q: sum(1 for i in ids if q in vals[i]) for q in qids} for reg, ids in by_region.items()}
    out = []
    for r in returns:
        rid, reg, mine = r["return_id"], r.get("region") or "", vals[r["return_id"]]
        zs: list[tuple[float, str]] = []
        peers = False  # another return of the region answered one of these questions
        for q, x in mine.items():
            n_nat = nat_n[q] - 1
            if n_nat < 2:
                continue
            mean_nat = (nat_sum[q] - x) / n_nat
            var = max((nat_sq[q] - x * x) / n_nat - mean_nat ** 2, 0.0)
            sd = max(math.sqrt(var), 0.5)
            n_reg = reg_n[reg][q] - 1 if reg else 0
            peers = peers or n_reg > 0
            mean_reg = (reg_sum[reg][q] - x) / n_reg if n_reg > 0 else mean_nat
            target = (n_reg * mean_reg + shrink * mean_nat) / (n_reg + shrink)
            zs.append(((x - target) / sd, q))
        n_q = len(zs)
        dist = math.sqrt(sum(z * z for z, _ in zs) / n_q) if zs else 0.0
        optimism = sum(z for z, _ in zs) / n_q if zs else 0.0
        # A systematic shift (every answer a little ahead of or behind the region) is the signal;
        # single-question deviations are mostly noise. |mean z| * sqrt(n) is its z-statistic.
        shift_z = abs(optimism) * math.sqrt(n_q) if zs else 0.0
        answers = r["answers"]
        n = max(len(answers), 1)
        flagged = [a for a in answers if a.get("divergent")]
        div = len(flagged)
        over = sum(1 for a in flagged if a.get("divergence_type") in ("overstated", "contradiction")
                   and a.get("code_class") in ("yes", "partial"))
        under = sum(1 for a in flagged if a.get("divergence_type") in ("understated", "contradiction", "hidden_issue")
                    and a.get("code_class") in ("no", "unclear"))
        s_shift = _ramp(shift_z, 2.5, 5.5)
        s_div = _ramp(div / n, 0.10, 0.30)
        s_dir = _ramp(max(over, under) / n, 0.05, 0.20)
        # Any one strong signal is enough to look (noisy-or); together they add up.
        score = round(1 - (1 - 0.85 * s_shift) * (1 - 0.6 * s_div) * (1 - 0.8 * s_dir), 3)
        drivers: list[str] = []
        if s_shift > 0:
            # The shift, and the questions furthest out in its direction, which make it up. (Single
            # questions out of line the other way, or with no shift, add nothing to the score.)
            # Alone in its region (or with none given), a return is compared with the nation only.
            yardstick = "region" if peers else "the nation"
            drivers.append(f"codes {'ahead of' if optimism > 0 else 'behind'} {yardstick} ({optimism:+.2f} sd on average)")
            drivers += [f"{q} ({z:+.1f} sd)" for z, q in sorted(zs, key=lambda t: -abs(t[0]))
                        if abs(z) >= 1.0 and (z > 0) == (optimism > 0)][:3]
        drivers += flag_drivers(answers)
        if score == 0:
            drivers = []  # nothing to explain
        elif not drivers:
            # Only flags that are no claim about the codes (no response, invalid codes): say which.
            drivers += _rate_driver(answers)
        out.append(OutOfStep(rid, len(answers), div, round(div / n, 3), over, round(dist, 3), round(optimism, 3),
                             score, score >= flag_at, drivers))
    return out


def code_side(code_raw: str, code_class: str, question) -> str:
    """The code as a flag shows it beside the narrative, with its labels: "code 4 Yes, regional only
    (yes)", "code 5, 6 CCG(s), Specialist Commissioners" for 1.2 and 6.10, "code blank (-)"."""
    raw = (code_raw or "").strip() or "blank"
    labels = {str(c.code): c.label for c in question.codes} if question is not None else {}
    nums = re.findall(r"\d{1,2}", raw) if re.fullmatch(r"[\d\s,;]+", raw) else []
    named = [labels[n] for n in nums if n in labels]
    if question is not None and question.is_categorical:
        return f"code {raw} {', '.join(named)}".rstrip()
    label = f" {named[0]}" if len(nums) == 1 and named else ""
    return f"code {raw}{label} ({code_class or '-'})"


def narrative_side(a: dict, question) -> str:
    """What the narrative says, as a flag shows it beside the code: its class, or for 1.2 and
    6.10 the partners or obstacles it names ("names 3 Housing, 4 Children Services")."""
    if question is None or not question.is_categorical:
        return a.get("text_class") or "-"
    named = [c for c in (a.get("partners") or a.get("obstacles") or "").split(";") if c]
    labels = {str(c.code): c.label for c in question.codes}
    return ("names " + ", ".join(f"{c} {labels.get(c, '')}".strip() for c in named)) if named else "names none"


def flag_drivers(answers: list[dict], limit: int = 4) -> list[str]:
    """The flags among a return's drivers, "qid type": its `limit` highest-scoring flags, in
    question order whatever order the answers come in, then "N more flags" where it has more.
    `divergent` may be a bool, an int or a csv string."""
    codebook = load_codebook()
    flagged = [a for a in answers if a.get("divergent") in (1, "1") and a.get("divergence_type") in DRIVER_TYPES]
    flagged.sort(key=lambda a: (-_score(a), codebook.position(a["qid"])))
    shown = sorted(flagged[:limit], key=lambda a: codebook.position(a["qid"]))
    more = len(flagged) - len(shown)
    return [f"{a['qid']} {a['divergence_type']}" for a in shown] + ([f"{more} more flag{'s' * (more > 1)}"] if more else [])


def _score(a: dict) -> float:
    try:
        return float(a.get("divergence_score") or 0.0)
    except (TypeError, ValueError):
        return 0.0


_FLAG_DRIVER = re.compile(r"^(?:\S+ (?:" + "|".join(DRIVER_TYPES) + r")|\d+ more flags?)$")
_RATE_DRIVER = re.compile(r"^\d+ of \d+ answers flagged \(")


def _rate_driver(answers: list[dict]) -> list[str]:
    """["N of M answers flagged (type n, ...)"] for a return's flags, in DIVERGENCE_TYPES order
    (any other type as "other"); [] when none is flagged."""
    flagged = [a for a in answers if a.get("divergent") in (True, 1, "1")]
    if not flagged:
        return []
    kinds = Counter(a.get("divergence_type") if a.get("divergence_type") in DIVERGENCE_TYPES else "other"
                    for a in flagged)
    return [f"{len(flagged)} of {len(answers)} answers flagged ("
            + ", ".join(f"{t} {kinds[t]}" for t in (*DIVERGENCE_TYPES, "other") if kinds[t]) + ")"]


def reviewed_drivers(drivers: str, answers: list[dict]) -> str:
    """A return's out-of-step drivers (the "; "-joined string of returns.csv) with its flags as
    review left them (`answers`, each with `divergent` and `divergence_type` after the decisions):
    the drivers about its codes stay as analysed; the flags among them are those of `answers`
    (and a count of flagged answers, where that was all that explained the score, is recounted)."""
    given = [d for d in (drivers or "").split("; ") if d]
    kept = [d for d in given if not _FLAG_DRIVER.match(d) and not _RATE_DRIVER.match(d)]
    flags = flag_drivers(answers)
    if not kept and not flags and any(_RATE_DRIVER.match(d) for d in given):
        flags = _rate_driver(answers)  # the flags a score came from, as review left them
    return "; ".join(kept + flags)


def reviewed_flag(divergent: bool, divergence_type: str, decision: dict | None) -> tuple[bool, str]:
    """An answer's flag as an analyst's latest divergence decision left it: a dismissal clears it;
    a confirmation sets it, with the type the analyst gave, else wvtext's."""
    if decision and decision.get("decision") == "dismiss":
        return False, ""
    if decision and decision.get("decision") == "confirm":
        return True, decision.get("value") or divergence_type or ""
    return bool(divergent), divergence_type or ""
