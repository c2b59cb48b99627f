"""Labels and small pieces shared by the national report, the locality pages and the workbook."""
from __future__ import annotations

import re
import textwrap

from ..themes.lexicon import THEME_NAMES, THEMES
from .data import RunData, to_float
from .html_util import Safe, badge, el, esc, join

__all__ = ["flag_score", "SECTION_SHORT", "DIVERGENCE_TYPES", "DIVERGENCE_COLORS", "theme_name", "theme_names", "short",
           "locality_label", "synth_note", "not_available", "page_name", "first_sentence"]

SECTION_SHORT = {
    1: "Partnership", 2: "Money", 3: "Case management", 4: "Review programme", 5: "Safeguarding",
    6: "Commissioning", 7: "Local teams", 8: "Crisis response", 9: "Population", 10: "Transition", 11: "Market",
}

# answer-classes.md, "Divergence types"
DIVERGENCE_TYPES = {
    "contradiction": "the code says yes and the narrative no, or the other way round",
    "overstated": "the code claims more than the narrative: yes (or already completed) over plans, work underway or "
                  "only part, or in part over a narrative that says no",
    "understated": "the code claims less than the narrative: no or not clear over a narrative that describes the "
                   "thing in place (or in part)",
    "hidden_issue": "an 'any issues?' question coded No whose narrative describes such an issue",
    "invalid_code": "the code is not in the question's scheme",
    "no_response": "the code is blank although the narrative answers, or a code is given with no narrative",
    "partners_mismatch": "1.2: the partners coded differ from the partners the narrative names",
    "obstacle_mismatch": "6.10: the obstacle coded differs from the obstacle the narrative gives",
}
DIVERGENCE_COLORS = {
    "contradiction": "#b2182b", "overstated": "#ef8a62", "understated": "#67a9cf", "hidden_issue": "#762a83",
    "invalid_code": "#7f7f7f", "no_response": "#c7c7c7", "partners_mismatch": "#1b7837",
    "obstacle_mismatch": "#a6dba0",
}

_THEME_ORDER = {t: i for i, t in enumerate(THEMES)}


def flag_score(a: dict) -> str:
    """How a flag is shown beside its type: wvtext's score, or what review did (a flag an analyst
    added has no score of wvtext's)."""
    review = a.get("flag_review", "")
    if review == "added":
        return "added in review"
    return f"{to_float(a.get('divergence_score')):.2f}" + (f", {review}" if review else "")


def theme_name(tid: str) -> str:
    return THEME_NAMES.get(tid, tid)


def theme_names(value: str) -> str:
    from .data import split_themes

    ids = sorted(split_themes(value), key=lambda t: _THEME_ORDER.get(t, 99))
    return "; ".join(theme_name(t) for t in ids)


def short(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return textwrap.shorten(text, width=width, placeholder="…") if len(text) > width else text


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def first_sentence(text: str, width: int = 320) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return short(_SENT.split(text, maxsplit=1)[0] if text else "", width)


def locality_label(d: RunData, rid: str, *, link: str | None = None) -> Safe:
    name = d.name_of(rid)
    main = el("a", name, href=link) if link else esc(name)
    if d.is_synthetic(rid):
        return join([main, Safe(" "), badge("SYNTHETIC")])
    return main


def synth_note(d: RunData, ids: list[str] | None = None) -> Safe:
    """The label a figure or table carries when it includes synthetic returns ('' when it does not)."""
    ids = d.return_ids if ids is None else ids
    n = sum(1 for r in ids if d.is_synthetic(r))
    if not n:
        return Safe("")
    return join([badge("SYNTHETIC"), f" includes {n} synthetic return{'s' if n != 1 else ''} "
                 f"(of {len(ids)}; {len(ids) - n} real)."])


def not_available(what: str, why: str) -> Safe:
    return el("p", el("strong", f"{what}: not available in this run."), " ", why, cls="na")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def page_name(return_id: str, taken: set[str]) -> str:
    """A safe, unique file name (without folder) for a return's page."""
    base = _UNSAFE.sub("_", return_id).strip("._") or "return"
    base = base[:100]
    name, n = f"{base}.html", 2
    while name.lower() in taken:
        name, n = f"{base}-{n}.html", n + 1
    taken.add(name.lower())
    return name
