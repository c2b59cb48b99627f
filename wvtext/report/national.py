"""report.html: the national and regional collation, flags, themes and the run record."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from .. import __version__
from ..codebook import Question
from . import charts
from .common import (DIVERGENCE_COLORS, DIVERGENCE_TYPES, SECTION_SHORT, first_sentence, locality_label,
                     not_available, short, synth_note, theme_name)
from .data import BUCKET_COLORS, BUCKET_LABELS, BUCKETS, PROGRESSING, RunData, split_themes, to_float, to_int
from .html_util import Safe, badge, count_pct, el, esc, join, page, pct, table

__all__ = ["render_report", "question_sentence", "question_rows", "region_section_rows"]

DEFAULT_TITLE = "Winterbourne View stocktake of progress: national and regional analysis"


# -- figures computed from the data -----------------------------------------------------

def question_sentence(q: Question, counts: Counter, n: int, label_counts: Counter | None = None,
                      hidden: int | None = None) -> str:
    """One sentence an adviser can quote, computed from the counts; for an "any issues?"
    question, `hidden`: how many answers coded none describe issues (flagged hidden_issue)."""
    if not n:
        return "No returns in this run."
    if q.is_categorical:
        lc = label_counts or Counter()
        named = [(lab, c) for lab, c in lc.most_common() if lab not in ("(no response)",) and not lab.startswith("invalid")]
        zero = q.code(0)
        zero_label = zero.label if zero else ""
        parts = [f"{lab} {pct(c, n)}" for lab, c in named if lab != zero_label][:6]
        what = "partners named" if q.kind == "multi_select" else "obstacles given"
        head = f"{what.capitalize()} (share of localities): " + (", ".join(parts) if parts else "none")
        tail = f"; {pct(lc.get(zero_label, 0), n)} answered {zero_label}" if zero_label else ""
        return head + tail + "."
    if q.asks_about_issues:
        yes, no = counts.get("yes", 0), counts.get("no", 0)
        said = (f"; {hidden} of them describe{'s' if hidden == 1 else ''} issues in the narrative (flagged "
                "hidden_issue)" if hidden else "")
        return (f"{pct(yes, n)} of localities ({yes} of {n}) code current issues; "
                f"{pct(no, n)} ({no}) code none{said}.")
    prog = sum(counts.get(b, 0) for b in PROGRESSING)
    detail = ", ".join(f"{pct(counts.get(b, 0), n)} {BUCKET_LABELS[b].lower()}" for b in PROGRESSING if counts.get(b))
    rest = [f"{pct(counts.get(b, 0), n)} {BUCKET_LABELS[b].lower()}" for b in ("no", "unclear", "not_applicable",
                                                                               "no_response", "invalid")
            if counts.get(b)]
    return (f"{pct(prog, n)} of localities ({prog} of {n}) have concluded or are progressing this"
            + (f" ({detail})" if detail else "") + (f"; {', '.join(rest)}." if rest else "."))


def question_rows(d: RunData, return_ids: list[str] | None = None, area: str = "England") -> list[dict]:
    """Per question: counts and per cents by bucket (the workbook's question sheets use these)."""
    ids = d.return_ids if return_ids is None else return_ids
    n = len(ids)
    rows = []
    for q in d.codebook:
        c = d.distribution(q.qid, ids)
        lc = d.code_label_counts(q.qid, ids) if q.is_categorical else None
        prog = sum(c.get(b, 0) for b in PROGRESSING)
        row = {"area": area, "qid": q.qid, "section": q.section, "question": q.text, "kind": q.kind, "returns": n,
               "synthetic_returns": sum(1 for r in ids if d.is_synthetic(r))}
        for b in BUCKETS:
            row[b] = c.get(b, 0)
        for b in BUCKETS:
            row[f"{b}_pct"] = round(100.0 * c.get(b, 0) / n, 1) if n else ""
        row["concluded_or_progressing"] = "" if q.is_categorical or q.asks_about_issues else prog
        row["concluded_or_progressing_pct"] = (round(100.0 * prog / n, 1) if n else "") \
            if not (q.is_categorical or q.asks_about_issues) else ""
        row["codes_given"] = "; ".join(f"{k}: {v}" for k, v in lc.most_common()) if lc else ""
        row["summary"] = question_sentence(q, c, n, lc)
        rows.append(row)
    return rows


def region_section_rows(d: RunData) -> list[dict]:
    rows = []
    for reg in d.regions() + ["England"]:
        ids = d.return_ids if reg == "England" else d.ids_in_region(reg)
        for s, title in d.codebook.sections().items():
            share, tot = d.section_share(s, ids)
            prog, _ = d.section_share(s, ids, classes=PROGRESSING)
            rows.append({"region": reg or "Region unknown", "section": s, "section_title": title, "returns": len(ids),
                         "synthetic_returns": sum(1 for r in ids if d.is_synthetic(r)), "answers": tot,
                         "in_place_pct": round(100 * share, 1), "in_place_or_progressing_pct": round(100 * prog, 1)})
    return rows


# -- the page ------------------------------------------------------------------------------

def _figure(uri: str, caption, alt: str) -> Safe:
    return el("figure", Safe(f'<img alt="{esc(alt)}" src="{esc(uri)}">'), el("figcaption", caption))


def _stat(value, label) -> Safe:
    return el("div", el("b", value), el("span", label), cls="stat")


def _legend() -> Safe:
    return el("p", *[Safe(f'<span><i style="background:{BUCKET_COLORS[b]}"></i>{esc(BUCKET_LABELS[b])}</span>')
                     for b in BUCKETS], cls="legend")


def _heat_style(share: float | None) -> str:
    """White (0%) to a mid green (100%), light enough for dark text throughout."""
    if share is None:
        return ""
    r, g, b = int(255 - 140 * share), int(255 - 75 * share), int(255 - 150 * share)
    return f"background:rgb({r},{g},{b})"


def render_report(d: RunData, *, title: str | None = None, locality_pages: dict[str, str] | None = None) -> str:
    title = title or DEFAULT_TITLE
    pages = locality_pages or {}
    body: list = []
    m = d.manifest
    n = d.n_returns
    body.append(el("h1", title))
    body.append(el("p", f"Made by wvtext {__version__} from the analysis run ",
                   el("code", m.get("run_id", "(no manifest)")), f": {n} return{'s' if n != 1 else ''} "
                   f"from {len([r for r in d.regions() if r])} region(s), {len(d.answers)} answers. "
                   "There is no scoring or grading of localities: the figures collate the codes the localities "
                   "gave and what their narratives say.", cls="sub"))
    body.append(_synthetic_banner(d))
    sections = [
        ("headlines", "Headlines", _headlines),
        ("national", "National collation by question", _national),
        ("regional", "Regional collation", _regional),
        ("support", "Support requests by theme", _support),
        ("divergence", "Codes and narratives that disagree", _divergence),
        ("outofstep", "Returns out of step", lambda d: _out_of_step(d, pages)),
        ("themes", "Themes", _themes),
        ("goodpractice", "Good practice", _good_practice),
        ("localities", "Locality analyses", lambda d: _locality_index(d, pages)),
        ("run", "About this run", _run),
        ("method", "How the figures are made", _method),
    ]
    if not n:  # only good-practice items were analysed: nothing to collate by question, region or return
        about_returns = {"national", "regional", "support", "divergence", "outofstep", "localities"}
        none = el("p", "No returns in this run: only good-practice items were analysed (see Themes and Good "
                       "practice).", cls="note")
        sections = [(a, t, (lambda _d: none) if a in about_returns else fn) for a, t, fn in sections]
    body.append(el("nav", el("ol", *[el("li", el("a", t, href=f"#{a}")) for a, t, _ in sections]), cls="toc"))
    for anchor, heading, fn in sections:
        body.append(Safe(f'<h2 id="{anchor}">{esc(heading)}</h2>'))
        body.append(fn(d))
    body.append(el("footer", f"wvtext {__version__} · run {m.get('run_id', '-')} · codebook "
                             f"{m.get('codebook_version', d.codebook.version)} · lexicon {m.get('lexicon_version', '-')}"
                             + (f" · {d.n_synthetic} SYNTHETIC returns included" if d.n_synthetic else "")))
    return page(title, body)


def _synthetic_banner(d: RunData) -> Safe:
    if d.n_synthetic:
        return el("div", el("strong", "SYNTHETIC DATA. "),
                  f"This run includes {d.n_synthetic} synthetic return{'s' if d.n_synthetic != 1 else ''} "
                  f"(generated for testing and demonstration, not returns any locality made) and {d.n_real} real "
                  f"return{'s' if d.n_real != 1 else ''}. Every national and regional figure below includes the "
                  "synthetic returns and is labelled ", badge("SYNTHETIC"), "; synthetic returns are labelled "
                  "wherever they are named. Do not quote these figures as findings about real localities.",
                  cls="banner")
    if not d.n_returns:  # good-practice items alone: say what they are, not "all 0 returns"
        items = d.items or []
        n_synth = sum(1 for it in items if str(it.get("synthetic", "")).strip() == "1")
        if n_synth:
            return el("div", el("strong", "SYNTHETIC DATA. "),
                      f"This run has no returns; {n_synth} of its {len(items)} good-practice items "
                      f"{'is' if n_synth == 1 else 'are'} synthetic (generated for testing and demonstration), "
                      "labelled ", badge("SYNTHETIC"), " wherever they are named.", cls="banner")
        return el("p", f"This run has no returns, only {len(items)} good-practice items (none synthetic).", cls="note")
    return el("p", f"All {d.n_returns} returns in this run are real returns (none synthetic).", cls="note")


def review_note(d: RunData) -> Safe:
    done = ", ".join(f"{what}: {n}" for what, n in sorted(d.review_counts.items()))
    return el("p", f"Analysts' review decisions are applied (reviews.csv: {done}). Flag counts are as reviewed; "
                   "out-of-step scores and collections are as analysed.", cls="note")


def _headlines(d: RunData) -> Safe:
    out = []
    flagged = [a for a in d.answers if str(a.get("divergent")) == "1"]
    oos = [r for r in d.return_ids if str(d.return_by_id[r].get("out_of_step", "")) == "1"]
    sup = d.support_rows()
    gp = d.good_practice_rows()
    stats = [
        _stat(d.n_returns, f"returns ({d.n_real} real, {d.n_synthetic} synthetic)"),
        _stat(len(d.answers), "answers"),
        _stat(len(flagged), f"answers flagged ({pct(len(flagged), len(d.answers))})"),
        _stat(len(oos), "returns out of step"),
        _stat(len(sup) if sup is not None else "n/a", "support requests"),
        _stat(len(gp) if gp is not None else "n/a", "good-practice offers"),
    ]
    if d.items is not None or d.item_themes is not None:
        stats.append(_stat(len(d.items if d.items is not None else d.item_themes), "good-practice items"))
    out.append(el("div", *stats, cls="stats"))
    if d.review_counts:
        out.append(review_note(d))
    ranked = []
    for q in d.codebook:
        if q.is_categorical or q.asks_about_issues:
            continue
        c = d.distribution(q.qid)
        ranked.append((sum(c.get(b, 0) for b in PROGRESSING), c.get("yes", 0), q))
    if ranked and d.n_returns:
        ranked.sort(key=lambda t: (-t[0], -t[1], d.codebook.position(t[2].qid)))
        top = [t for t in ranked[:5] if t[0] > 0]  # a question no locality is progressing on is not "furthest on"
        bottom = sorted(ranked, key=lambda t: (t[0], t[1], d.codebook.position(t[2].qid)))[:5]
        out.append(el("h3", "Furthest on"))
        out.append(el("ul", *[el("li", f"{pct(p, d.n_returns)} of localities have concluded or are progressing: ",
                                 el("span", short(q.text, 150), cls="q"), f" ({q.qid}; {pct(y, d.n_returns)} "
                                 "say it is in place).") for p, y, q in top], cls="tight") if top else
                   el("p", "No locality has concluded or is progressing on any question (no Yes, in progress or "
                           "in part code was given)."))
        out.append(el("h3", "Least far on"))
        out.append(el("ul", *[el("li", f"{pct(p, d.n_returns)} of localities have concluded or are progressing: ",
                                 el("span", short(q.text, 150), cls="q"), f" ({q.qid}; {pct(y, d.n_returns)} "
                                 "say it is in place).") for p, y, q in bottom], cls="tight"))
        issues = [q for q in d.codebook if q.asks_about_issues]
        for q in issues:
            c = d.distribution(q.qid)
            hidden = sum(1 for a in d.answers if a.get("qid") == q.qid and str(a.get("divergent")) == "1"
                         and a.get("divergence_type") == "hidden_issue")
            out.append(el("p", el("strong", f"{q.qid} "), question_sentence(q, c, d.n_returns, hidden=hidden),
                          el("span", " " + short(q.text, 120), cls="q")))
        out.append(el("p", synth_note(d)))
    return join(out)


def _national(d: RunData) -> Safe:
    out = [el("p", "For each question: how the localities coded their answer, in counts and per cent of all "
                   f"{d.n_returns} returns (a return without the question counts as no response), and the sentence "
                   "it makes. ‘Concluded or progressing’ is Yes / in place, in progress or in part. The charts "
                   "leave out the two categorical questions (1.2 partners, 6.10 obstacles); the table lists the "
                   "codes given for them. ", synth_note(d)), _legend()]
    by_section: dict[int, list[Question]] = defaultdict(list)
    for q in d.codebook:
        by_section[q.section].append(q)
    n = d.n_returns
    heads = ["Q", "Question and summary", "n"] + [BUCKET_LABELS[b] for b in BUCKETS]
    for s, title in d.codebook.sections().items():
        qs = by_section[s]
        out.append(el("h3", f"{s}. {title}"))
        chart_rows = [(f"{q.qid} " + ("[issues?] " if q.asks_about_issues else "") + short(q.text, 40),
                       dict(d.distribution(q.qid))) for q in qs if not q.is_categorical]
        if chart_rows and n:
            uri = charts.stacked_classes(chart_rows, BUCKETS, BUCKET_LABELS, BUCKET_COLORS)
            issues = [q.qid for q in qs if q.asks_about_issues]
            note = f" For {', '.join(issues)} ([issues?]) Yes means the locality reports issues." if issues else ""
            out.append(_figure(uri, join([f"Section {s}: answer classes of the codes, per question, % of {n} "
                                          f"localities.{note} ", synth_note(d)]),
                               f"Stacked bars of answer classes for section {s}"))
        rows = []
        for q in qs:
            c = d.distribution(q.qid)
            if q.is_categorical:
                lc = d.code_label_counts(q.qid)
                cell = Safe(f'<td colspan="{len(BUCKETS)}">' + esc("; ".join(f"{k} {v} ({pct(v, n)})"
                                                                           for k, v in lc.most_common())) + "</td>")
                summary = question_sentence(q, c, n, lc)
                rows.append(Safe(f'<tr><td class="qid">{esc(q.qid)}</td><td><span class="q">{esc(q.text)}</span>'
                                 f'<div class="sent">{esc(summary)}</div></td><td class="num">{n}</td>{cell}</tr>'))
                continue
            summary = question_sentence(q, c, n)
            cells = "".join(f'<td class="num">{count_pct(c.get(b, 0), n)}</td>' for b in BUCKETS)
            rows.append(Safe(f'<tr><td class="qid">{esc(q.qid)}</td><td><span class="q">{esc(q.text)}</span>'
                             f'<div class="sent">{esc(summary)}</div></td><td class="num">{n}</td>{cells}</tr>'))
        head = "".join(f"<th{' class=num' if i >= 2 else ''}>{esc(h)}</th>" for i, h in enumerate(heads))
        cols = '<colgroup><col style="width:3.2em"><col style="width:40%"><col style="width:3.2em">' + \
            "".join('<col>' for _ in BUCKETS) + "</colgroup>"
        out.append(Safe(f'<table class="compact">{cols}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                        "</tbody></table>"))
    return join(out)


def _regional(d: RunData) -> Safe:
    regions = d.regions()
    out = []
    if not regions:
        return not_available("Regional collation", "no return has a region.")
    sections = d.codebook.sections()
    vals, labels = [], []
    for reg in regions:
        ids = d.ids_in_region(reg)
        labels.append(f"{reg or 'Region unknown'} ({len(ids)})")
        vals.append([d.section_share(s, ids)[0] for s in sections])
    labels.append(f"England ({d.n_returns})")
    vals.append([d.section_share(s, d.return_ids)[0] for s in sections])
    uri = charts.heatmap(vals, labels, [f"{s} {SECTION_SHORT.get(s, '')}" for s in sections],
                         cbar_label="answers in place")
    out.append(el("h3", "Region by section: share of answers in place"))
    out.append(_figure(uri, join(["Share of the answers to each section's yes/no questions that are coded Yes / in "
                                  "place (for 1.8, ‘any current issues?’, a No), by region; the number of returns "
                                  "is in brackets. ", synth_note(d)]), "Heat map of regions by sections"))
    out.append(el("h3", "Per question: concluded or progressing, by region"))
    out.append(el("p", "Per cent (and count) of each region's localities whose code is Yes / in place, in progress "
                       "or in part (for 1.8: reporting current issues). Categorical questions are left out. The full "
                       "distribution of every answer class by region, in counts and per cent, is in workbook.xlsx "
                       "(sheet question_region). ", synth_note(d)))
    ids_by = {reg: d.ids_in_region(reg) for reg in regions}
    head = ["Q", "Question", "England"] + [f"{reg or 'Unknown'} ({len(ids_by[reg])})" for reg in regions]
    rows = []
    for q in d.codebook:
        if q.is_categorical:
            continue
        cells = []
        for ids in [d.return_ids] + [ids_by[r] for r in regions]:
            c = d.distribution(q.qid, ids)
            hit = c.get("yes", 0) if q.asks_about_issues else sum(c.get(b, 0) for b in PROGRESSING)
            share = hit / len(ids) if ids else None
            style = _heat_style(None if q.asks_about_issues or share is None else share)
            cells.append(f'<td class="num" style="{style}" title="{hit} of {len(ids)}">'
                         f"{esc(pct(hit, len(ids)))} <small>{hit}/{len(ids)}</small></td>")
        qtext = ("[issues] " if q.asks_about_issues else "") + short(q.text, 70)
        rows.append(f'<tr><td class="qid">{esc(q.qid)}</td><td class="q" title="{esc(q.text)}">{esc(qtext)}</td>'
                    f'{"".join(cells)}</tr>')
    hd = "".join(f"<th{' class=num' if i > 1 else ''}>{esc(h)}</th>" for i, h in enumerate(head))
    cols = '<colgroup><col style="width:3.2em"><col style="width:22%">' + "".join(
        "<col>" for _ in range(len(regions) + 1)) + "</colgroup>"
    out.append(Safe(f'<table class="compact">{cols}<thead><tr>{hd}</tr></thead><tbody>{"".join(rows)}</tbody>'
                    "</table>"))
    return join(out)


def _support(d: RunData) -> Safe:
    rows = d.support_rows()
    if rows is None:
        return not_available("Support requests", "This run has no support_requests.csv and answers.csv has no "
                                                 "support_request flags (the support-request stage did not run).")
    out = [el("p", f"{len(rows)} support requests from "
                   f"{len({r['return_id'] for r in rows})} localities (source: {d.support_source}). A request "
                   "counts under each theme it carries. ", synth_note(d, sorted({r['return_id'] for r in rows})))]
    if not rows:
        return join(out + [el("p", "No answer asks for support in this run.")])
    by_theme: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for t in split_themes(r.get("themes", "")) or ["(no theme)"]:
            by_theme[t].append(r)
    ranked = sorted(by_theme.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    labels = [theme_name(t) if t != "(no theme)" else t for t, _ in ranked]
    uri = charts.hbar(labels, [len(v) for _, v in ranked], secondary=[len({r["return_id"] for r in v})
                                                                       for _, v in ranked],
                      primary_label="requests", secondary_label="localities", xlabel="count")
    out.append(_figure(uri, join(["Support requests per theme (blue) and localities asking (orange). ",
                                  synth_note(d, sorted({r['return_id'] for r in rows}))]),
                       "Bar chart of support requests by theme"))
    trs = []
    for t, v in ranked:
        locs = {r["return_id"] for r in v}
        # the most specific sentence as the example: fewest themes, then the longest (up to 240 characters)
        ex = min(v, key=lambda r: (len(split_themes(r.get("themes", ""))), -min(len(r.get("sentence", "")), 240),
                                   r.get("return_id", ""), r.get("qid", "")))
        trs.append([theme_name(t) if t != "(no theme)" else t, len(v), len(locs), pct(len(locs), d.n_returns),
                    join([el("span", ex.get("qid", ""), cls="q"), " ", locality_label(d, ex["return_id"]), ": ",
                          el("span", "“" + short(ex.get("sentence", ""), 260) + "”", cls="ev")])])
    out.append(table(["Theme", "Requests", "Localities", "% of localities", "Example"], trs, numeric=(1, 2, 3),
                     cls="compact"))
    by_q = Counter(r.get("qid", "") for r in rows)
    out.append(el("h3", "Questions where support is asked for most"))
    out.append(table(["Q", "Question", "Requests"],
                     [[q, short(d.codebook[q].text if q in d.codebook else "", 160), c]
                      for q, c in by_q.most_common(10)], numeric=(2,), cls="compact"))
    return join(out)


def _divergence(d: RunData) -> Safe:
    flagged = [a for a in d.answers if str(a.get("divergent")) == "1"]
    out = [el("p", f"{len(flagged)} of {len(d.answers)} answers ({pct(len(flagged), len(d.answers))}) are flagged "
                   "because the code and the narrative disagree enough for an adviser to look. ", synth_note(d))]
    if d.review_counts:
        out.append(review_note(d))
    if not flagged:
        return join(out)
    by_type = Counter(a.get("divergence_type") or "(unspecified)" for a in flagged)
    types = [t for t, _ in by_type.most_common()]
    uri = charts.hbar(types, [by_type[t] for t in types], xlabel="flagged answers", color="#b2182b")
    out.append(_figure(uri, join(["Flagged answers by type. ", synth_note(d)]), "Bar chart of flags by type"))
    out.append(table(["Type", "Flags", "Returns with one", "Meaning"],
                     [[t, by_type[t], len({a["return_id"] for a in flagged if (a.get("divergence_type") or
                                                                                "(unspecified)") == t}),
                       DIVERGENCE_TYPES.get(t, "")] for t in types], numeric=(1, 2), cls="compact"))
    qids = d.codebook.qids
    series = {t: [sum(1 for a in flagged if a["qid"] == q and (a.get("divergence_type") or "(unspecified)") == t)
                  for q in qids] for t in types}
    uri = charts.stacked_columns(qids, series, DIVERGENCE_COLORS, ylabel="flagged answers")
    out.append(_figure(uri, join(["Flagged answers per question, by type. ", synth_note(d)]),
                       "Column chart of flags per question"))
    by_q = Counter(a["qid"] for a in flagged)
    rows = []
    for q, c in by_q.most_common(12):
        tc = Counter(a.get("divergence_type") or "" for a in flagged if a["qid"] == q)
        rows.append([q, short(d.codebook[q].text if q in d.codebook else "", 150), c, pct(c, d.n_returns),
                     ", ".join(f"{t} {k}" for t, k in tc.most_common())])
    out.append(el("h3", "Questions flagged most"))
    out.append(table(["Q", "Question", "Flags", "% of localities", "Types"], rows, numeric=(2, 3), cls="compact"))
    return join(out)


def _out_of_step(d: RunData, pages: dict[str, str]) -> Safe:
    rets = [d.return_by_id[r] for r in d.return_ids]
    if not any(r.get("out_of_step_score", "") != "" for r in rets):
        return not_available("Out-of-step scores", "returns.csv has no out_of_step_score.")
    ranked = sorted(rets, key=lambda r: (-to_float(r.get("out_of_step_score")), r["return_id"]))
    flagged = [r for r in ranked if str(r.get("out_of_step")) == "1"]
    show = flagged if len(flagged) >= 10 else ranked[:max(10, len(flagged))]
    out = [el("p", f"{len(flagged)} of {len(rets)} returns are flagged out of step: their codes stand apart from "
                   "their region's and the nation's, many answers are flagged, or codes claim more than the "
                   "narrative supports (score 0–1; the drivers are the questions that weigh most). "
                   + ("Listed: the flagged returns." if len(flagged) >= 10 else
                      f"Listed: the {len(show)} highest scores."), " ", synth_note(d))]
    rows = []
    for i, r in enumerate(show, 1):
        rid = r["return_id"]
        rows.append([i, locality_label(d, rid, link=pages.get(rid)), r.get("region") or "-",
                     f"{to_float(r.get('out_of_step_score')):.2f}",
                     badge("out of step", "flag") if str(r.get("out_of_step")) == "1" else "",
                     r.get("divergent", ""), f"{to_float(r.get('divergence_rate')):.2f}",
                     r.get("out_of_step_drivers", "")])
    out.append(table(["#", "Locality", "Region", "Score", "Flag", "Flagged answers", "Rate", "Drivers"], rows,
                     numeric=(0, 3, 5, 6), cls="compact"))
    return join(out)


def _themes(d: RunData) -> Safe:
    from ..themes.lexicon import THEMES

    ans = Counter()
    locs: dict[str, set] = defaultdict(set)
    for a in d.answers:
        for t in split_themes(a.get("themes", "")):
            ans[t] += 1
            locs[t].add(a["return_id"])
    items = Counter()
    item_rows = d.item_themes if d.item_themes is not None else d.items
    for it in item_rows or []:
        for t in split_themes(it.get("themes", "")):
            items[t] += 1
    sup = Counter()
    for r in d.support_rows() or []:
        for t in split_themes(r.get("themes", "")):
            sup[t] += 1
    gp = Counter()
    for r in d.good_practice_rows() or []:
        for t in split_themes(r.get("themes", "")):
            gp[t] += 1
    order = sorted(THEMES, key=lambda t: (-ans[t], THEMES.index(t)))
    n_items, n_ans = len(item_rows or []), len(d.answers)
    uri = charts.hbar([theme_name(t) for t in order],
                      [round(100.0 * ans[t] / n_ans, 1) if n_ans else 0 for t in order],
                      secondary=[round(100.0 * items[t] / n_items, 1) for t in order] if n_items else None,
                      primary_label="% of answers", secondary_label="% of good-practice items",
                      xlabel="per cent", fmt="{:.0f}")
    out = [_figure(uri, join([f"Per cent of the {n_ans} answers that carry each theme (blue)"
                              + (f" and of the {n_items} good-practice items (orange)" if n_items else "")
                              + ". Counts, and the localities that mention each theme, in the table. ",
                              synth_note(d)]), "Bar chart of theme shares")]
    na = "n/a"
    rows = [[theme_name(t), t, ans[t], len(locs[t]), pct(len(locs[t]), d.n_returns),
             items[t] if item_rows is not None else na, sup[t] if d.support_rows() is not None else na,
             gp[t] if d.good_practice_rows() is not None else na] for t in order]
    out.append(table(["Theme", "Id", "Answers", "Localities", "% of localities", "Items", "Support requests",
                      "Good practice"], rows, numeric=(2, 3, 4, 5, 6, 7), cls="compact"))
    missing = item_rows is None or d.support_rows() is None or d.good_practice_rows() is None
    out.append(el("p", ("n/a: that input is not available in this run. " if missing else "")
                  + "Theme definitions: themes.qdc (REFI-QDA codebook, for NVivo, MAXQDA, ATLAS.ti).", cls="muted"))
    return join(out)


def _good_practice(d: RunData) -> Safe:
    out = []
    gp = d.good_practice_rows()
    out.append(el("h3", "Practice the returns offer to share"))
    if gp is None:
        out.append(not_available("Good practice from the returns", "This run has no good_practice.csv and "
                                                                   "answers.csv has no good_practice flags."))
    else:
        src = "good_practice.csv" if d.good_practice is not None else "answers.csv (good_practice flags)"
        out.append(el("p", f"{len(gp)} offers from {len({r['return_id'] for r in gp})} localities (source: {src}). ",
                      synth_note(d, sorted({r['return_id'] for r in gp}))))
        ranked = sorted(gp, key=lambda r: (-to_float(r.get("score"), 0.0), r.get("locality", ""), r.get("qid", "")))
        rows, seen = [], set()
        for r in ranked:  # the strongest offers, each sentence once
            text = short(r.get("evidence") or first_sentence(r.get("text", ""), 300), 300)
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            rows.append([locality_label(d, r["return_id"]), r.get("qid", ""), el("span", "“" + text + "”", cls="ev"),
                         "; ".join(theme_name(t) for t in split_themes(r.get("themes", ""))),
                         f"{to_float(r.get('score')):.2f}" if r.get("score", "") != "" else ""])
            if len(rows) == 25:
                break
        if rows:
            out.append(el("p", f"The {len(rows)} strongest offers (by the good-practice score where there is one; a "
                               "sentence offered by several localities is shown once):"))
            out.append(table(["Locality", "Q", "Practice", "Themes", "Score"], rows, numeric=(4,), cls="compact"))
        if len(gp) > len(rows):
            out.append(el("p", f"All {len(gp)} offers are in workbook.xlsx (sheet good_practice) and on the locality "
                               "pages.", cls="muted"))
    out.append(el("h3", "Collections of good-practice items"))
    if d.collections is None:
        n_items = len(d.item_themes or [])
        out.append(not_available("Good-practice collections",
                                 "This run has no collections.csv / items.csv (the clustering stage did not run)"
                                 + (f"; the {n_items} items are counted by theme above." if n_items else ".")))
        return join(out)
    titles = {i.get("item_id"): i.get("title", "") for i in d.item_themes or []}
    titles.update({i.get("item_id"): i["title"] for i in d.items or [] if i.get("title")})
    members: dict[str, list[dict]] = defaultdict(list)
    for it in d.items or []:
        members[it.get("collection_id", "")].append(it)
    dups = {it.get("dup_group") for it in d.items or [] if it.get("dup_group")}
    n_synth = sum(1 for it in d.items or [] if str(it.get("synthetic", "")).strip() == "1")
    out.append(el("p", f"{len(d.collections)} collections of {len(d.items or [])} items"
                       + (f" ({n_synth} of them SYNTHETIC, marked [SYNTHETIC] among the examples)" if n_synth else "")
                       + (f"; {len(dups)} group{'' if len(dups) == 1 else 's'} of near-duplicates" if d.items is not None else "") + "."
                       + (" Each collection links to its page in collections/." if (d.out_dir / "collections").is_dir()
                          else "")))
    cols = sorted(d.collections, key=lambda c: (-to_int(c.get("size")), c.get("collection_id", "")))
    rows = []
    for c in cols[:40]:
        cid = c.get("collection_id", "")
        mem = sorted(members.get(cid, []), key=lambda i: (str(i.get("representative", "")) != "1", i.get("item_id", "")))
        ex = [(titles.get(i.get("item_id"), "") or i.get("item_id", ""))
              + (" [SYNTHETIC]" if str(i.get("synthetic", "")).strip() == "1" else "") for i in mem]
        label = c.get("collection_label", "")
        page = d.out_dir / "collections" / f"{cid}.html"
        if re.fullmatch(r"[A-Za-z0-9_-]+", cid or "") and page.is_file():
            label = el("a", label, href=f"collections/{cid}.html")
        rows.append([label, c.get("size", ""), ", ".join(split_themes(c.get("top_terms", ""))),
                     "; ".join(theme_name(t) for t in split_themes(c.get("themes", ""))),
                     "; ".join(short(e, 80) for e in ex[:3])])
    out.append(table(["Collection", "Items", "Top terms", "Themes", "Examples"], rows, numeric=(1,), cls="compact"))
    if len(cols) > 40:
        out.append(el("p", f"… and {len(cols) - 40} more collections in workbook.xlsx.", cls="muted"))
    return join(out)


def _locality_index(d: RunData, pages: dict[str, str]) -> Safe:
    out = [el("p", "One page per return, written to be sent to the locality: key strengths and areas for "
                   "development per section, the support asked for, and the full coding table.")]
    blocks = []
    for reg in d.regions():
        ids = d.ids_in_region(reg)
        items = [el("li", locality_label(d, rid, link=pages.get(rid))) for rid in ids]
        blocks.append(el("div", el("strong", f"{reg or 'Region unknown'} ({len(ids)})"),
                         el("ul", *items, cls="tight")))
    out.append(el("div", *blocks, cls="cols"))
    return join(out)


def _run(d: RunData) -> Safe:
    m = d.manifest
    if not m:
        return not_available("Run manifest", "the folder has no manifest.json.")
    kv = [("Run", m.get("run_id", "")), ("Command", m.get("command", "")),
          ("wvtext", m.get("wvtext_version", "")), ("Codebook version", m.get("codebook_version", "")),
          ("Lexicon version", m.get("lexicon_version", "")),
          ("Learned models", "; ".join(f"{k} {str(v.get('sha256', ''))[:12] if isinstance(v, dict) else v}"
                                       for k, v in (m.get("learned_models") or {}).items()) or "none: rules alone"),
          ("Learning across returns", _across(m)),
          ("Localities list sha256", str(m.get("localities_sha256", ""))[:16]),
          ("Python", m.get("python", "")), ("Seed", m.get("seed", "")),
          ("Returns", f"{d.n_returns} ({d.n_real} real, {d.n_synthetic} synthetic)")]
    for k, v in (m.get("counts") or {}).items():
        kv.append((f"Count: {k}", v))
    t = {k: v for k, v in (m.get("timings_s") or {}).items() if k != "report"}  # a rebuild gives the same page
    if t:
        kv.append(("Analysis timings (s)", ", ".join(f"{k} {v}" for k, v in t.items())))
    out = [table(["", ""], kv, cls="kv compact")]
    inputs = m.get("inputs") or []
    out.append(el("h3", f"Inputs ({len(inputs)})"))
    rows = [[f.get("path", ""), f.get("format", ""),
             f.get("status", "") + (f" (replaced: {'; '.join(f['replaced'])})" if f.get("replaced") else ""),
             len(f.get("returns") or []),
             f.get("answers", ""), f.get("items", ""), f.get("problems", ""), str(f.get("sha256", ""))[:12]]
            for f in inputs[:60]]
    out.append(table(["File", "Format", "Status", "Returns", "Answers", "Items", "Problems", "sha256"], rows,
                     numeric=(3, 4, 5, 6), cls="compact"))
    if len(inputs) > 60:
        out.append(el("p", f"… and {len(inputs) - 60} more inputs in manifest.json.", cls="muted"))
    if m.get("errors"):
        out.append(el("p", el("strong", "Files that could not be read: "), "; ".join(map(str, m["errors"]))))
    probs = d.problems or []
    out.append(el("h3", f"Reading problems ({len(probs)})"))
    if probs:
        kinds = Counter((p.get("code", ""), p.get("kind", "")) for p in probs)
        out.append(table(["Code", "Kind", "Count"], [[c, k, v] for (c, k), v in kinds.most_common()],
                         numeric=(2,), cls="compact"))
    return join(out)


def _across(m: dict) -> str:
    a = m.get("across_returns")
    if not a:
        return "off: the rules read each narrative on its own"
    if a.get("skipped"):
        return f"asked for, not used: {a['skipped']}"
    return (f"on: out-of-fold models of the codes of {a['returns']} returns ({a['trained_on']} coded answers, "
            f"agreement with the codes {a['oof_agreement_with_codes']}) changed {a['reclassed']} narrative classes")


def _method(d: RunData) -> Safe:
    items = [
        "Answer classes come from the codebook: each code of each question has a class (Yes / in place, in "
        "progress, in part, no, not clear, N/A). A blank code is No response; a code outside the question's "
        "scheme is Invalid.",
        "‘Concluded or progressing’ counts Yes / in place, in progress and in part, the wording of the national "
        "summary (e.g. ‘93 per cent of localities have concluded or are progressing market intelligence’).",
        "1.8 asks whether there are current issues (Ordinary Residence): there a No is the answer in place, and "
        "the figures report the share with issues.",
        "1.2 (partners) and 6.10 (obstacles) are categorical: their codes are listed, not classed.",
        "Narrative classes, flags, themes, support requests and good practice are read from the narratives by "
        "wvtext; each flag carries the sentence that decided it (see the locality pages and workbook.xlsx).",
        "Themes: a lexicon of terms finds the candidates and keeps the evidence; a learned model (trained on "
        "labelled example texts, and on analysts' reviewed decisions where they were given to it) weighs the "
        "lexicon's evidence and the text's words to decide whether the narrative says something substantive "
        "about each theme. The run record lists the model used; the narrative class is read by rules unless "
        "the run says otherwise. With learning across returns, each answer's class is also predicted from "
        "its narrative by a model of the codes of the other returns, which agrees with honest coding and "
        "learns habitual over-coding too: read flags from such a run beside a run without it.",
        "Synthetic returns are generated data for testing the method at national scale; they are labelled "
        "SYNTHETIC wherever they appear.",
    ]
    return el("ul", *[el("li", t) for t in items], cls="tight")
