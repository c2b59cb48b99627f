"""The analyst review loop: what to look at next, and what the analyst decided.

Consumes the store's analysis (flags, themes, support requests, good practice). Produces a
queue (flags by divergence score; themes by how uncertain they are; requests and practice by
score) and records decisions in the store's `reviews` table. Decisions are keyed by return id,
question, item and theme, not by database row, so they survive a re-import of the return and a
re-analysis; the latest decision per key counts and the history is kept. Exported decisions have
the columns of the labelled sets in corpus/labelled, so reviewed answers can be measured against.

Kinds and decisions:
- `divergence` (a flagged answer): `confirm` or `dismiss`; `value` may give the right type.
- `theme` (a theme on an answer or item): `confirm` or `dismiss`; or `add` with the theme.
- `support_request`, `good_practice` (an answer): `confirm` or `dismiss`.
- `text_class` (what an answer's narrative says about its question): `confirm` (the class wvtext
  gave is right; it is kept as the value) or `set` with the right class as the value. These are
  labels: `wvtext train --reviews DB` learns the narrative class from them.
"""
from __future__ import annotations

from .codebook import ANSWER_CLASSES as TEXT_CLASSES
from .errors import WvtextError

__all__ = ["KINDS", "DECISIONS", "review_queue", "record_decision", "decision_map"]

KINDS = ("divergence", "theme", "support_request", "good_practice", "text_class")
DECISIONS = {"divergence": ("confirm", "dismiss"), "theme": ("confirm", "dismiss", "add"),
             "support_request": ("confirm", "dismiss"), "good_practice": ("confirm", "dismiss"),
             "text_class": ("confirm", "set")}


def _key(r: dict) -> tuple:
    return (r.get("kind", ""), r.get("return_id", "") or "", r.get("qid", "") or "", r.get("item_id", "") or "",
            r.get("theme", "") or "")


def decision_map(store) -> dict[tuple, dict]:
    """The latest decision per (kind, return_id, qid, item_id, theme)."""
    return {_key(r): r for r in store.reviews()}


def review_queue(store, *, kind: str = "divergence", return_ids: list[str] | None = None, top: int = 20,
                 include_decided: bool = False) -> list[dict]:
    """Return what to review next, most useful first (each row says why)."""
    if kind not in KINDS:
        raise WvtextError(f"review kind {kind!r} is not one of {', '.join(KINDS)}.")
    done = decision_map(store)
    rids = return_ids if return_ids is not None else [r["return_id"] for r in store.returns()]
    if not rids:
        return []
    answers = {(a["return_id"], a["qid"]): a for a in store.answers(rids)}
    rows: list[dict] = []
    if kind == "divergence":
        for a in store.answer_analysis(rids):
            if a["divergent"]:
                ans = answers[(a["return_id"], a["qid"])]
                rows.append({"kind": kind, "return_id": a["return_id"], "qid": a["qid"], "locality": ans["locality"],
                             "score": a["divergence_score"], "what": a["divergence_type"],
                             "detail": f"code {ans['code_raw'] or 'blank'} ({a['code_class'] or '-'}) vs narrative "
                                       f"{a['text_class']}", "evidence": a["evidence"]})
        rows.sort(key=lambda r: -r["score"])
    elif kind == "theme":
        for t in store.answer_themes(rids):
            ans = answers[(t["return_id"], t["qid"])]
            rows.append({"kind": kind, "return_id": t["return_id"], "qid": t["qid"], "theme": t["theme"],
                         "locality": ans["locality"], "score": t["confidence"],
                         "what": "carried" if t["carried"] else "not carried",
                         "detail": "negated" if t["negated"] else "", "evidence": ans["narrative"][:300]})
        rows.sort(key=lambda r: abs(r["score"] - 0.5))  # the least certain first
    elif kind == "text_class":
        for a in store.answer_analysis(rids):
            ans = answers[(a["return_id"], a["qid"])]
            if not (ans["narrative"] or "").strip() or a["partners"] or a["obstacles"]:
                continue
            rows.append({"kind": kind, "return_id": a["return_id"], "qid": a["qid"], "locality": ans["locality"],
                         "score": a["text_confidence"], "what": a["text_class"],
                         "detail": f"code {ans['code_raw'] or 'blank'} ({a['code_class'] or '-'})", "evidence": a["evidence"]})
        rows.sort(key=lambda r: (r["score"], r["return_id"], r["qid"]))  # the least certain first
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
        rows.sort(key=lambda r: -r["score"])
    out = []
    for r in rows:
        d = done.get(_key(r))
        if d and not include_decided:
            continue
        out.append(r | {"decision": d["decision"] if d else "", "note": d["note"] if d else ""})
    return out[:top] if top else out


def record_decision(store, *, kind: str, return_id: str = "", qid: str = "", item_id: str = "", theme: str = "",
                    decision: str, value: str = "", note: str = "", reviewer: str = "") -> int:
    """Store one decision after checking it names something the store holds."""
    if kind not in KINDS:
        raise WvtextError(f"review kind {kind!r} is not one of {', '.join(KINDS)}.")
    if decision not in DECISIONS[kind]:
        raise WvtextError(f"decision {decision!r} for {kind} must be one of {', '.join(DECISIONS[kind])}.")
    if kind == "theme" and not theme:
        raise WvtextError("a theme decision needs the theme (--theme ID).")
    if kind == "text_class" and decision == "set" and value not in TEXT_CLASSES:
        raise WvtextError(f"a narrative class must be one of {', '.join(TEXT_CLASSES)}, not {value!r}.",
                          remedy="Give it with --value, e.g. --value partial.")
    if theme:
        from .themes.lexicon import THEMES

        if theme not in THEMES:
            raise WvtextError(f"theme {theme!r} is not a theme id of themes.md.")
    if item_id:
        if not store.items([item_id]):
            raise WvtextError(f"no item {item_id!r} in the database.")
    else:
        if not any(a["qid"] == qid for a in store.answers([return_id])):
            raise WvtextError(f"no answer {qid!r} for return {return_id!r} in the database.",
                              remedy="See 'wvtext review next' for what can be reviewed.")
    if kind == "text_class":
        if item_id:
            raise WvtextError("a narrative class is decided for an answer, not an item.")
        if decision == "confirm":
            got = [a for a in store.answer_analysis([return_id]) if a["qid"] == qid]
            if not got or not got[0]["text_class"]:
                raise WvtextError(f"answer {qid} of {return_id} has not been analysed, so there is no class to confirm.",
                                  remedy="Run 'wvtext analyse' first, or use 'set' with --value.")
            value = got[0]["text_class"]
    return store.add_review({"kind": kind, "return_id": return_id, "qid": qid, "item_id": item_id, "theme": theme,
                             "decision": decision, "value": value, "note": note, "reviewer": reviewer})
