"""The analyst review loop: what to look at next, and what the analyst decided.

Consumes the store's analysis (flags, themes, support requests, good practice). Produces a
queue (flags by divergence score; themes by how uncertain they are; requests and practice by
score) and records decisions in the store's `reviews` table. Decisions are keyed by return id,
question, item and theme, not by database row, so they survive a re-import of the return and a
re-analysis; the latest decision per key counts and the history is kept. Exported decisions have
the columns of the labelled sets in corpus/labelled, so reviewed answers can be measured against.

Kinds and decisions:
- `divergence` (an answer, flagged or one wvtext missed): `confirm` or `dismiss`; a confirmation
  may give the right type as the value (one of `divergence.DIVERGENCE_TYPES`); a dismissal takes none.
- `theme` (a theme on an answer or item): `confirm` one wvtext carried there, `add` one it did not,
  `dismiss` either (a theme wvtext did not carry, dismissed, is a label that it is not there).
  `confirm` and `add` may say whether the text mentions the theme only to deny it: value `negated`
  ("there are no Ordinary Residence issues") or `not_negated` (it describes the theme, a gap in it
  included); without a value the negation is left undecided. `dismiss` takes none. These are
  labels too: `wvtext train --reviews DB` learns the themes and, from the values, the negation flag.
- `support_request`, `good_practice` (an answer): `confirm` or `dismiss`. No value.
- `text_class` (what an answer's narrative says about its question): `confirm` (the class wvtext
  gave is right; it is kept as the value) or `set` with the right class as the value. These are
  labels: `wvtext train --reviews DB` learns the narrative class from them.
"""
from __future__ import annotations

from .codebook import ANSWER_CLASSES as TEXT_CLASSES
from .divergence import DIVERGENCE_TYPES, code_side, narrative_side
from .errors import WvtextError

__all__ = ["KINDS", "DECISIONS", "THEME_NEGATION", "negation_reading", "review_queue", "record_decision", "check_decision", "check_fields", "field_error",
           "decision_map", "decisions_for"]

KINDS = ("divergence", "theme", "support_request", "good_practice", "text_class")
DECISIONS = {"divergence": ("confirm", "dismiss"), "theme": ("confirm", "dismiss", "add"),
             "support_request": ("confirm", "dismiss"), "good_practice": ("confirm", "dismiss"),
             "text_class": ("confirm", "set")}
# The values a theme decision (confirm, add) may take: whether the text mentions the theme only to deny it.
THEME_NEGATION = ("negated", "not_negated")


def negation_reading(value: str) -> str:
    """How a theme decision's value reads in the reports ("negated", "not negated"), or "" where it
    says nothing of the negation."""
    return value.replace("_", " ") if value in THEME_NEGATION else ""


def _key(r: dict) -> tuple:
    return (r.get("kind", ""), r.get("return_id", "") or "", r.get("qid", "") or "", r.get("item_id", "") or "",
            r.get("theme", "") or "")


def decision_map(store) -> dict[tuple, dict]:
    """The latest decision per (kind, return_id, qid, item_id, theme)."""
    return {_key(r): r for r in store.reviews()}


def decisions_for(store, return_ids=None, item_ids=(), *, history: bool = False) -> list[dict]:
    """The latest decision per key (every decision with `history`) about these returns' answers
    (given by return id or locality; None: every return) and these items, in the order they were
    made, each with its return's locality (the rows of reviews.csv)."""
    locality = {r["return_id"]: r["locality"] for r in store.returns()}
    item_locality: dict[str, str] | None = None  # read only when an item decision needs it
    wanted, iids = set(return_ids or ()), set(item_ids)
    out = []
    for r in store.reviews(latest=not history):
        if r["item_id"] and not r["return_id"]:  # an item read from a file: its own locality
            if item_locality is None:
                item_locality = {i["item_id"]: i.get("locality") or "" for i in store.items()}
            r = {**r, "locality": item_locality.get(r["item_id"], "")}
        else:
            r = {**r, "locality": locality.get(r["return_id"], "")}
        if return_ids is None or (r["item_id"] in iids if r["item_id"] else
                                  (r["return_id"] in wanted or r["locality"] in wanted)):
            out.append(r)
    return out


def review_queue(store, *, kind: str = "divergence", return_ids: list[str] | None = None, top: int = 20,
                 include_decided: bool = False) -> list[dict]:
    """Return what to review next, most useful first (each row says why)."""
    if kind not in KINDS:
        raise WvtextError(f"review kind {kind!r} is not one of {', '.join(KINDS)}.")
    from .codebook import load_codebook

    codebook = load_codebook()
    at = codebook.position

    def tie(r: dict) -> tuple:  # ties by return, then in question order (1.9 before 10.1), not as text
        return r["return_id"], at(r["qid"])

    done = decision_map(store)
    rids = return_ids if return_ids is not None else [r["return_id"] for r in store.returns()]
    if not rids:
        return []
    answers = {(a["return_id"], a["qid"]): a for a in store.answers(rids)}
    rows: list[dict] = []
    if kind == "divergence":
        for a in store.answer_analysis(rids):
            # with include_decided, also a flag an analyst added where wvtext had none
            d = done.get(("divergence", a["return_id"], a["qid"], "", ""))
            if a["divergent"] or (include_decided and d):
                ans = answers[(a["return_id"], a["qid"])]
                added = not a["divergent"]  # a flag an analyst added: wvtext gave it no score or type
                rows.append({"kind": kind, "return_id": a["return_id"], "qid": a["qid"], "locality": ans["locality"],
                             "score": 1.0 if added else a["divergence_score"], "added": added,
                             "what": (f"{d['value'] or 'divergent'} (added in review)" if d["decision"] == "confirm"
                                      else "(added, then dismissed in review)") if added else a["divergence_type"],
                             "detail": f"{code_side(ans['code_raw'], a['code_class'], codebook.get(a['qid']))} vs "
                                       f"narrative {narrative_side(a, codebook.get(a['qid']))}", "evidence": a["evidence"]})
        rows.sort(key=lambda r: (-r["score"], *tie(r)))
    elif kind == "theme":
        for t in store.answer_themes(rids):
            ans = answers[(t["return_id"], t["qid"])]
            rows.append({"kind": kind, "return_id": t["return_id"], "qid": t["qid"], "theme": t["theme"],
                         "locality": ans["locality"], "score": t["confidence"],
                         "what": "carried" if t["carried"] else "not carried",
                         "detail": "negated" if t["negated"] else "", "evidence": ans["narrative"][:300]})
        rows.sort(key=lambda r: (abs(r["score"] - 0.5), *tie(r)))  # the least certain first
    elif kind == "text_class":
        for a in store.answer_analysis(rids):
            ans = answers[(a["return_id"], a["qid"])]
            if not (ans["narrative"] or "").strip() or a["partners"] or a["obstacles"]:
                continue
            rows.append({"kind": kind, "return_id": a["return_id"], "qid": a["qid"], "locality": ans["locality"],
                         "score": a["text_confidence"], "what": a["text_class"],
                         "detail": code_side(ans['code_raw'], a['code_class'], codebook.get(a['qid'])),
                         "evidence": a["evidence"]})
        rows.sort(key=lambda r: (r["score"], *tie(r)))  # the least certain first
    elif kind == "support_request":
        for r in store.support_requests(rids):
            rows.append({"kind": kind, "return_id": r["return_id"], "qid": r["qid"], "locality": r["locality"],
                         "score": 1.0, "what": r["themes"], "detail": r["cues"], "evidence": r["sentence"]})
    else:
        for g in store.good_practice(rids):
            if g["is_candidate"] or g["score"] >= 0.3:
                rows.append({"kind": kind, "return_id": g["return_id"], "qid": g["qid"], "locality": g["locality"],
                             "score": g["score"], "what": "candidate" if g["is_candidate"] else "near miss",
                             "detail": g["cues"], "evidence": g["evidence"]})
        rows.sort(key=lambda r: (-r["score"], *tie(r)))
    out = []
    for r in rows:
        d = done.get(_key(r))
        if d and not include_decided:
            continue
        out.append(r | {"decision": d["decision"] if d else "", "value": d["value"] if d else "",
                        "note": d["note"] if d else ""})
    return out[:top] if top else out


def _added(store, kind: str, return_id: str, qid: str) -> bool:
    """Whether the latest decision of this kind on the answer confirmed (added) the finding."""
    d = store.latest_review(kind, return_id, qid)
    return bool(d) and d["decision"] == "confirm"


def _found(store, kind: str, return_id: str, qid: str) -> bool:
    """Whether wvtext found a support request or a good-practice candidate in the answer."""
    if kind == "support_request":
        return any(r["qid"] == qid for r in store.support_requests([return_id]))
    return any(g["qid"] == qid and g["is_candidate"] for g in store.good_practice([return_id]))


def _carried(store, return_id: str, qid: str, item_id: str) -> set[str]:
    """The themes wvtext carried (as analysed) on an answer or an item."""
    if item_id:
        return {t["theme"] for t in store.item_themes([item_id]) if t["carried"]}
    return {t["theme"] for t in store.answer_themes([return_id]) if t["qid"] == qid and t["carried"]}


def _analysis(store, return_id: str, qid: str) -> dict | None:
    """What the last analysis stored for one answer (class, flag ...), or None."""
    return next((a for a in store.answer_analysis([return_id]) if a["qid"] == qid), None)


def record_decision(store, **decision) -> int:
    """Store one decision after checking it names something the store holds (`check_decision`)."""
    return store.add_reviews([check_decision(store, **decision)])


def field_error(field: str, message: str, *, remedy: str | None = None) -> WvtextError:
    err = WvtextError(message, remedy=remedy)
    err.field = field  # the field of the decision (a column of reviews.csv) that is wrong
    return err


def check_fields(*, kind: str, decision: str, theme: str = "", value: str = "", item_id: str = "") -> None:
    """The checks of a decision that need no database (its kind, decision, theme and value go
    together): an error whose `field` names the wrong one. `check_decision` makes them first, and
    the reports make them on each row of a reviews.csv."""
    if kind not in KINDS:
        raise field_error("kind", f"review kind {kind!r} is not one of {', '.join(KINDS)}.")
    if decision not in DECISIONS[kind]:
        raise field_error("decision", f"decision {decision!r} for {kind} must be one of "
                                      f"{', '.join(DECISIONS[kind])}.")
    if kind == "theme" and not theme:
        raise field_error("theme", "a theme decision needs the theme (--theme ID).")
    if kind == "text_class" and decision == "set" and value not in TEXT_CLASSES:
        raise field_error("value", f"a narrative class must be one of {', '.join(TEXT_CLASSES)}, not {value!r}.",
                          remedy="Give it with --value, e.g. --value partial.")
    if kind == "divergence" and value:
        if decision == "dismiss":
            raise field_error("value", f"a dismissed flag has no divergence type, so --value {value!r} cannot go "
                                       "with it.",
                              remedy="Leave --value out to dismiss, or 'confirm --value TYPE' to give the right type.")
        if value not in DIVERGENCE_TYPES:
            raise field_error("value", f"divergence type {value!r} is not one of {', '.join(DIVERGENCE_TYPES)}.",
                              remedy="Give one of these with --value, or leave --value out to keep wvtext's type.")
    if kind == "theme" and value:
        if decision == "dismiss":
            raise field_error("value", f"a dismissed theme is not there to be negated or not, so --value {value!r} "
                                       "cannot go with it.",
                              remedy="Leave --value out to dismiss; 'confirm' or 'add' take --value negated or "
                                     "--value not_negated.")
        if value not in THEME_NEGATION:
            raise field_error("value", f"a theme decision's value says whether the text only denies the theme: "
                                       f"{' or '.join(THEME_NEGATION)}, not {value!r}.",
                              remedy="Give --value negated (the theme is mentioned only to deny it), --value "
                                     "not_negated (it is described, a gap in it included), or leave --value out; "
                                     "the theme is given with --theme.")
    if kind in ("support_request", "good_practice") and value:
        raise field_error("value", f"a {kind} decision takes no --value (given {value!r}).",
                          remedy="Only --kind divergence (a divergence type), --kind text_class (a narrative "
                                 "class) and --kind theme (negated or not_negated) take one.")
    if theme and kind != "theme":
        raise field_error("theme", f"--theme goes only with --kind theme (this is a {kind} decision).",
                          remedy="Leave --theme out, or give --kind theme.")
    if theme:
        from .themes.lexicon import THEMES

        if theme not in THEMES:
            raise field_error("theme", f"theme {theme!r} is not one of the 23 theme ids ('wvtext lexicon' lists them).")
    if kind == "text_class" and item_id:
        raise field_error("item_id", "a narrative class is decided for an answer, not an item.")


def check_decision(store, *, kind: str, return_id: str = "", qid: str = "", item_id: str = "", theme: str = "",
                   decision: str, value: str = "", note: str = "", reviewer: str = "") -> dict:
    """The review row of one decision, once it is checked to name something the store holds and
    to be a decision of its kind; an error that says what is wrong otherwise."""
    check_fields(kind=kind, decision=decision, theme=theme, value=value, item_id=item_id)
    if item_id:
        if not store.items([item_id]):
            raise WvtextError(f"no item {item_id!r} in the database.")
    else:
        if not any(r["return_id"] == return_id for r in store.returns()):
            raise WvtextError(f"no return {return_id!r} in the database.",
                              remedy="'wvtext flags' lists the analysed returns (their locality or return id).")
        if not any(a["qid"] == qid for a in store.answers([return_id])):
            from .codebook import load_codebook

            qids = load_codebook().qids
            if qid not in qids:
                raise WvtextError(f"no question {qid!r} in the stocktake codebook.",
                                  remedy=f"Questions run from {qids[0]} to {qids[-1]}; 'wvtext codebook' lists them.")
            raise WvtextError(f"return {return_id!r} has no answer to question {qid} (missing from its file).",
                              remedy=f"'wvtext flags {return_id} --all' lists the answers it holds.")
    if kind in ("divergence", "support_request", "good_practice") and not item_id \
            and _analysis(store, return_id, qid) is None:
        raise WvtextError(f"answer {qid} of {return_id} has not been analysed yet, so there is no {kind} finding of "
                          "wvtext's there to decide on.",
                          remedy="Run 'wvtext analyse' first ('--whole-store' takes in a return read in later).")
    if kind == "divergence" and not value:
        # Dismissing, or confirming without a type, is about a flag wvtext raised (or an analyst
        # added). Kept for an answer nobody flagged, the decision would hide a flag a later
        # analysis raises there.
        if not (_analysis(store, return_id, qid) or {}).get("divergent"):
            added = store.latest_review(kind, return_id, qid)
            if not added or added["decision"] != "confirm":
                raise WvtextError(f"answer {qid} of {return_id} is not flagged, so there is no flag to {decision}.",
                                  remedy="To record a divergence wvtext missed, give its type: 'confirm --value TYPE'.")
            if decision == "confirm":
                value = added["value"]  # confirming a flag an analyst added keeps the type they gave it
    if kind == "theme" and decision == "confirm" and theme not in _carried(store, return_id, qid, item_id):
        what = f"item {item_id}" if item_id else f"answer {qid} of {return_id}"
        raise WvtextError(f"wvtext did not carry theme {theme} on {what}, so there is no theme to confirm.",
                          remedy=f"To record that the {'item' if item_id else 'answer'} is about it, use 'add'; to agree "
                                 "it is not, 'dismiss'.")
    if kind in ("support_request", "good_practice") and decision == "dismiss" and not item_id \
            and not _found(store, kind, return_id, qid) and not _added(store, kind, return_id, qid):
        what = "support request" if kind == "support_request" else "good-practice candidate"
        raise WvtextError(f"answer {qid} of {return_id} is not a {what}, so there is none to dismiss.",
                          remedy=f"'wvtext review next --kind {kind}' lists them; 'confirm' records one wvtext missed.")
    if kind == "text_class":
        if decision == "confirm":
            given = (_analysis(store, return_id, qid) or {}).get("text_class")
            if not given:
                raise WvtextError(f"answer {qid} of {return_id} has not been analysed, so there is no class to confirm.",
                                  remedy="Run 'wvtext analyse' first, or use 'set' with --value.")
            if value and value != given:
                raise WvtextError(f"'confirm' keeps the class wvtext gave answer {qid} of {return_id} "
                                  f"({given}), not {value!r}.",
                                  remedy=f"Leave --value out to confirm it, or give another class with 'set --value "
                                         f"CLASS' (one of {', '.join(TEXT_CLASSES)}).")
            value = given
    return {"kind": kind, "return_id": return_id, "qid": qid, "item_id": item_id, "theme": theme,
            "decision": decision, "value": value, "note": note, "reviewer": reviewer}
