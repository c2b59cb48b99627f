"""localities/<return_id>.html: a locality analysis an adviser can check and send.

Modelled on the programme's "Local analysis" letters of October 2013: per section the key
strengths and the areas for development, the dimensions where the locality asked for
support, then the coding table. Strengths and developments are chosen by rule from the
codes, the narrative classes, the flags and the support/good-practice stages (see
`answer_points`); the wording is the locality's own (its evidence sentences).
"""
from __future__ import annotations

import re
from collections import defaultdict

from .. import __version__
from ..codebook import Question
from .common import DIVERGENCE_TYPES, first_sentence, flag_score, not_available, short, synth_note, theme_names
from .data import BUCKET_LABELS, RunData, bucket_of, code_numbers, to_float
from .html_util import Safe, badge, el, esc, join, page, table

__all__ = ["render_locality", "answer_points"]

_CODED = {"in_progress": "Coded in progress", "partial": "Coded in part", "no": "Coded No",
          "unclear": "Coded Not clear", "no_response": "No code given (no response)",
          "invalid": "Code outside the question's scheme"}
_SAYS = {"no": "the narrative says it is not in place", "in_progress": "the narrative describes work in progress",
         "partial": "the narrative describes it only in part", "unclear": "the narrative gives no clear answer"}


def _code_label(q: Question | None, code: str) -> str:
    if not (code or "").strip():
        return "blank"
    if q is None:
        return code
    labels = []
    for n in code_numbers(code):
        c = q.code(n)
        labels.append(f"{n} {c.label}" if c else f"{n} (not in scheme)")
    return "; ".join(labels) or code


def _evidence(a: dict, width: int = 360) -> str:
    ev = (a.get("evidence") or "").strip() or first_sentence(a.get("narrative", ""), width)
    return short(ev, width)


def _line(lead, text: str | None = None) -> Safe:
    parts = [lead]
    if text:
        parts += [" ", el("span", "“" + text + "”", cls="ev")]
    return el("div", *parts, cls="pt")


def _item(q: Question | None, a: dict, lines: list) -> Safe:
    """One list item per answer: the question, then each point about it."""
    return el("li", el("b", a.get("qid", "")), " ", el("span", short(q.text if q else "", 110), cls="q"), *lines)


def _classes(dtype: str, a: dict) -> str:
    """The two classes a flag of the code against the narrative compares (" (code: partial;
    narrative: no)"), so a page never states a code the answer does not have."""
    code_class, text_class = a.get("code_class") or "", a.get("text_class") or ""
    if dtype in ("contradiction", "overstated", "understated") and code_class and text_class:
        return f" (code: {code_class.replace('_', ' ')}; narrative: {text_class.replace('_', ' ')})"
    return ""


def answer_points(q: Question | None, a: dict, *, support: list[dict], practice: list[dict]) -> tuple[list, list]:
    """(strength lines, development lines) for one answer; each line is a Safe <div>."""
    strengths, devs = [], []
    b, t = bucket_of(a), a.get("text_class", "") or ""
    div = str(a.get("divergent", "")) == "1"
    dtype = a.get("divergence_type", "") or ""
    label = _code_label(q, a.get("code", ""))
    flag = None
    if div:
        flag = el("span", f"Flag: {dtype or 'divergent'} ({flag_score(a)}), "
                          f"{DIVERGENCE_TYPES.get(dtype, 'the code and the narrative disagree')}{_classes(dtype, a)}.",
                  cls="reason")
    kind = q.kind if q else "yes_no"
    if kind == "multi_select":
        named = [n for n in code_numbers(a.get("code", "")) if n]
        if named:
            strengths.append(_line(f"Partners working with you: {label}."))
        elif b in ("no", "no_response"):
            devs.append(_line("No partners coded.", _evidence(a)))
        if flag:
            devs.append(_line(flag, _evidence(a)))
    elif kind == "categorical":
        named = [n for n in code_numbers(a.get("code", "")) if n]
        if named:
            devs.append(_line(f"Obstacles to delivery: {label}.", _evidence(a)))
        if flag:
            devs.append(_line(flag, _evidence(a)))
    elif q is not None and q.asks_about_issues:
        if b == "no" and not div:
            strengths.append(_line("No current issues reported.", _evidence(a)))
        elif b == "yes":
            devs.append(_line("Current issues reported.", _evidence(a)))
        if flag:
            devs.append(_line(join([f"Coded {label}. ", flag]), _evidence(a)))
    else:
        # a flag dismissed in review: wvtext misread the narrative, which says what the code says
        agrees = t in ("yes", "") or a.get("flag_review") == "dismissed"
        if b == "yes" and not div and agrees:
            strengths.append(_line(f"In place ({label}).", _evidence(a)))
        elif div and dtype == "understated":
            strengths.append(_line(f"The narrative describes this in place (coded {label}).", _evidence(a)))
        if div:
            devs.append(_line(join([f"Coded {label}. ", flag]), _evidence(a)))
        elif b in _CODED:
            devs.append(_line(f"{_CODED[b]} ({label}).", _evidence(a)))
        elif t in _SAYS and b != "not_applicable" and not agrees:
            devs.append(_line(f"Coded {label}, but {_SAYS[t]}.", _evidence(a)))
    for g in practice:
        text = g.get("evidence") or first_sentence(g.get("text", ""), 360)
        strengths.append(_line(join([badge("good practice", "ok"), " Practice to share:"]), short(text, 360)))
    for s in support:
        devs.append(_line(join([badge("support requested", "grey")]), short(s.get("sentence", ""), 360)))
    return strengths, devs


_PLAIN = {**BUCKET_LABELS, "yes": "Yes"}

_SPLIT = re.compile(r"(?<=[.!?])\s+")


def _marked(narrative: str, evidence: str) -> Safe:
    """The narrative, escaped, with the evidence sentences marked where they occur in it."""
    spans = []
    for sent in [s.strip() for s in _SPLIT.split(evidence or "") if len(s.strip()) > 8]:
        i = narrative.find(sent)
        if i >= 0:
            spans.append((i, i + len(sent)))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            s = pos
        if s >= e:
            continue
        out.append(esc(narrative[pos:s]))
        out.append(el("mark", narrative[s:e]))
        pos = e
    out.append(esc(narrative[pos:]))
    found = bool(spans)
    body = join(out)
    if evidence and not found:
        body = join([body, el("div", el("b", "Evidence: "), "“", short(evidence, 400), "”", cls="q")])
    return body


def render_locality(d: RunData, rid: str, *, report_href: str = "../report.html") -> str:
    ret = d.return_by_id.get(rid, {})
    name = d.name_of(rid)
    region = d.region_of(rid)
    synthetic = d.is_synthetic(rid)
    answers = d.answers_by_return.get(rid, [])
    sup_rows = d.support_rows()
    gp_rows = d.good_practice_rows()
    sup_by_q: dict[str, list[dict]] = defaultdict(list)
    for s in sup_rows or []:
        if s.get("return_id") == rid:
            sup_by_q[s.get("qid", "")].append(s)
    gp_by_q: dict[str, list[dict]] = defaultdict(list)
    for g in gp_rows or []:
        if g.get("return_id") == rid:
            gp_by_q[g.get("qid", "")].append(g)

    title = f"Local analysis: {name}" + (" [SYNTHETIC]" if synthetic else "")
    body: list = [el("p", el("a", "← national report", href=report_href), cls="muted"),
                  el("p", "Winterbourne View Joint Improvement Programme · Stocktake of progress", cls="sub"),
                  el("h1", "Local analysis: ", name, *([" ", badge("SYNTHETIC")] if synthetic else []))]
    if synthetic:
        body.append(el("div", el("strong", "SYNTHETIC RETURN. "), "This return was generated for testing and "
                                                                  "demonstration; it is not a return any locality "
                                                                  "made. Do not send it.", cls="banner"))
    facts = [f"Region: {region or 'unknown'}", f"return id {rid}"]
    if ret.get("source_file"):
        facts.append(f"source {ret['source_file']}")
    body.append(el("p", " · ".join(facts), cls="sub"))
    asked = {a["qid"] for a in answers}
    missing = [qid for qid in d.codebook.qids if qid not in asked]
    if missing:
        body.append(el("p", f"{len(missing)} of the {len(d.codebook.qids)} questions are not in this return "
                            f"({d.codebook.runs(missing)}); they are treated as not answered.",
                       cls="note"))
    body.append(el("p", "This analysis is in two parts. First, for each section of the stocktake, key strengths and "
                        "areas for development drawn from your return: strengths are answers whose code and "
                        "narrative both say the arrangement is in place, and practice you offered to share; areas "
                        "for development are answers not yet in place, answers whose code and narrative disagree "
                        "(with the sentence that shows it) and your requests for support. Often the strength and the "
                        "development go hand in hand. Second, the coding table: each question, your code and its "
                        "class, what the narrative says, the themes found and any flag. There is no scoring or "
                        "grading."))
    body.append(el("p", "Drafted by wvtext from the return; an adviser should read it against the return before "
                        "sending.", cls="note"))

    # summary
    n = len(answers)
    buckets = [bucket_of(a) for a in answers]
    flagged = [a for a in answers if str(a.get("divergent")) == "1"]
    stats = [
        (n, "answers"), (sum(1 for b in buckets if b == "yes"), "coded in place"),
        (sum(1 for b in buckets if b in ("in_progress", "partial")), "in progress or in part"),
        (len(flagged), "flagged for discussion"),
        (sum(len(v) for v in sup_by_q.values()) if sup_rows is not None else "n/a", "support requests"),
    ]
    body.append(el("div", *[el("div", el("b", v), el("span", lab), cls="stat") for v, lab in stats], cls="stats"))
    reviewed = [a["qid"] for a in answers if a.get("review")]
    if reviewed:
        body.append(el("p", f"An analyst reviewed {len(reviewed)} answer{'s' if len(reviewed) != 1 else ''} "
                            f"({', '.join(reviewed)}): their decisions are applied throughout this page, and the "
                            "Flags column of the coding table says what wvtext had.", cls="note"))
    reg_ids = d.ids_in_region(region) if region else []
    if ret.get("out_of_step_score", "") != "":
        oos = str(ret.get("out_of_step")) == "1"
        alone = len(reg_ids) < 2
        yardstick = "the nation (no other return of its region)" if alone else "the region and the nation"
        body.append(el("p", f"Out-of-step score {to_float(ret.get('out_of_step_score')):.2f} ",
                       badge("out of step", "flag") if oos else "",
                       (f" · drivers: {ret.get('out_of_step_drivers')}" if ret.get("out_of_step_drivers") else ""),
                       f" (compared with {yardstick}: ", synth_note(d) or "real returns only", ")",
                       cls="muted"))

    # part 1
    body.append(el("h2", "Key strengths and areas for development"))
    by_section: dict[int, list[dict]] = defaultdict(list)
    for a in answers:
        q = d.codebook.get(a["qid"])
        by_section[q.section if q else 0].append(a)
    for s, stitle in list(d.codebook.sections().items()) + ([(0, "Other")] if by_section.get(0) else []):
        strengths, devs = [], []
        for a in by_section.get(s, []):
            q = d.codebook.get(a["qid"])
            st, dv = answer_points(q, a, support=sup_by_q.get(a["qid"], []), practice=gp_by_q.get(a["qid"], []))
            if st:
                strengths.append(_item(q, a, st))
            if dv:
                devs.append(_item(q, a, dv))
        left = el("ul", *strengths) if strengths else el("p", "–", cls="muted")
        right = el("ul", *devs) if devs else el("p", "–", cls="muted")
        body.append(el("div", el("h3", f"{s} {stitle}" if s else stitle),
                       Safe('<div class="head"><div>Key strengths</div><div>Areas for development / potential '
                            'development</div></div>'),
                       el("div", el("div", left), el("div", right), cls="two"), cls="sec"))

    # support dimensions
    body.append(el("h2", "Dimensions of the stocktake about which you have requested support"))
    if sup_rows is None:
        body.append(not_available("Support requests", "the support-request stage did not run for this analysis."))
    elif not sup_by_q:
        body.append(el("p", "No request for support was found in this return."))
    else:
        rows = []
        for qid in d.codebook.qids + sorted(set(sup_by_q) - set(d.codebook.qids)):
            for s in sup_by_q.get(qid, []):
                q = d.codebook.get(qid)
                rows.append([qid, q.text if q else "", s.get("sentence", ""), theme_names(s.get("themes", ""))])
        body.append(table(["Q", "Question", "What you asked for", "Themes"], rows, cls="compact"))

    # comparison
    body.append(el("h2", "Your return beside your region and England"))
    rows = []
    given = {q.section for q in d.codebook if q.qid in asked}
    for s, stitle in d.codebook.sections().items():
        mine, _ = d.section_share(s, [rid])
        reg, _ = d.section_share(s, reg_ids) if reg_ids else (None, 0)
        nat, _ = d.section_share(s, d.return_ids)
        rows.append([f"{s} {stitle}", f"{100 * mine:.0f}%" if s in given else "not answered",
                     f"{100 * reg:.0f}%" if reg is not None else "-", f"{100 * nat:.0f}%"])
    body.append(el("p", "Share of the section's yes/no answers coded Yes / in place (for 1.8, no current issues). "
                        f"Region: {len(reg_ids)} returns; England: {d.n_returns}. ", synth_note(d)))
    body.append(table(["Section", "Your return", f"{region or 'Region'}", "England"], rows, numeric=(1, 2, 3),
                      cls="compact"))

    # part 2: coding table
    body.append(el("h2", "Coding table"))
    body.append(el("p", "Your answers as coded. Code class: the class of the code you gave; narrative class: what "
                        "the narrative says; the highlighted sentences are the evidence for the narrative class or "
                        "the flag.", cls="muted"))
    rows = []
    for a in answers:
        q = d.codebook.get(a["qid"])
        flags = []
        if str(a.get("divergent")) == "1":
            flags.append(badge(f"{a.get('divergence_type') or 'divergent'} {flag_score(a)}", "flag"))
        if str(a.get("code_valid", "1")) == "0":
            flags.append(badge("invalid code", "flag"))
        if a["qid"] in sup_by_q or str(a.get("support_request")) == "1":
            flags.append(badge("support", "grey"))
        if a["qid"] in gp_by_q or str(a.get("good_practice")) == "1":
            flags.append(badge("good practice", "ok"))
        if a.get("review"):
            flags.append(badge(f"reviewed: {a['review']}", "grey"))
        b = bucket_of(a)
        rows.append([a["qid"], el("span", q.text if q else "", cls="q"), _code_label(q, a.get("code", "")),
                     _PLAIN.get(b, b or "categorical"), _PLAIN.get(a.get("text_class", ""), a.get("text_class", "")),
                     theme_names(a.get("themes", "")), join(flags, " "),
                     _marked(a.get("narrative", ""), a.get("evidence", ""))])
    body.append(table(["Q", "Question", "Code", "Code class", "Narrative class", "Themes", "Flags",
                       "Response (evidence highlighted)"], rows, cls="compact coding",
                      widths={0: "3.4em", 1: "15%", 2: "9%", 3: "7%", 4: "7%", 5: "11%", 6: "11%"}))
    body.append(el("footer", f"wvtext {__version__} · run {d.manifest.get('run_id', '-')} · "
                             f"{'SYNTHETIC return' if synthetic else 'real return'}"))
    return page(title, body)
