"""Reading an analysis folder back and the collations the reports show.

Everything here works on the csv files that `wvtext analyse` (and the later stages) wrote,
so the reports can be rebuilt from a folder without the store. Optional inputs that are
missing come back as None, never as an error: the reports say "not available in this run".
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import Codebook, Question, load_codebook, normalize_qid
from ..errors import WvtextError
from ..divergence import reviewed_flag
from ..localities import REGIONS
from ..review import negation_reading
from ..themes.lexicon import THEMES

__all__ = ["BUCKETS", "BUCKET_LABELS", "BUCKET_COLORS", "ReportError", "RunData", "load_run", "read_table",
           "bucket_of", "is_positive", "to_int", "to_float", "split_themes", "code_numbers"]

# The collation buckets: the six answer classes, then the two ways an answer has no class.
BUCKETS = ("yes", "in_progress", "partial", "no", "unclear", "not_applicable", "no_response", "invalid")
BUCKET_LABELS = {
    "yes": "Yes / in place", "in_progress": "In progress", "partial": "In part", "no": "No",
    "unclear": "Not clear", "not_applicable": "N/A", "no_response": "No response", "invalid": "Invalid code",
}
BUCKET_COLORS = {
    "yes": "#1a9850", "in_progress": "#91cf60", "partial": "#d9ef8b", "no": "#d73027", "unclear": "#fdae61",
    "not_applicable": "#bdbdbd", "no_response": "#f0f0f0", "invalid": "#7b3294",
}
PROGRESSING = ("yes", "in_progress", "partial")  # "concluded or progressing"

_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")


class ReportError(WvtextError):
    """The folder cannot be reported on (no answers.csv, or a damaged one)."""


def _restore(value: str) -> str:
    """Undo `safe_cell` (a leading apostrophe before = + - @): the reports re-neutralise where needed."""
    return value[1:] if _NEUTRALISED.match(value) else value


def read_table(path: Path, headers: dict | None = None) -> list[dict] | None:
    """Rows of a csv written by `write_csv` (strings, formula neutralising undone), or None if absent.
    The header row goes into `headers[file name]` when a dict is given."""
    path = Path(path)
    if not path.is_file():
        return None
    rows = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)  # rows made into dicts here, as csv.DictReader would, at half its cost
            names = next(reader, None) or []
            width = len(names)
            for row in reader:
                if not row:  # a blank line (DictReader skips them too)
                    continue
                if len(row) != width:  # more or fewer cells than the header
                    raise ReportError(f"{path}, row {reader.line_num}: has {len(row)} cells where the header has "
                                      f"{width}: the file is cut off or damaged.",
                                      remedy="Run 'wvtext analyse' again to rewrite it, or repair that row.")
                rows.append(dict(zip(names, [_restore(v) if v[:1] == "'" else v for v in row])))
            if headers is not None:
                headers[path.name] = [c for c in names if c]
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}).",
                          remedy="Save it as UTF-8 (in Excel: 'CSV UTF-8'), or run 'wvtext analyse' again.")
    except csv.Error as exc:
        raise ReportError(f"{path}: is not a readable csv ({exc}).", remedy="Run 'wvtext analyse' again to rewrite it.")
    return rows


def to_int(value, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def to_float(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def split_themes(value: str) -> list[str]:
    return [t for t in (value or "").replace(",", ";").split(";") if t.strip()] if value else []


def code_numbers(code: str) -> list[int]:
    return [int(c) for c in re.findall(r"\d+", code or "")]


def bucket_of(answer: dict) -> str:
    """The collation bucket of an answer's code ("" for a categorical code without a class)."""
    if not (answer.get("code") or "").strip():
        return "no_response"
    if str(answer.get("code_valid", "1")).strip() == "0":
        return "invalid"
    return answer.get("code_class") or ""


def is_positive(q: Question | None, cls: str) -> bool:
    """Whether an answer class is the good answer to the question ('no issues' for an issues question)."""
    if q is not None and q.asks_about_issues:
        return cls == "no"
    return cls == "yes"


@dataclass
class RunData:
    out_dir: Path
    codebook: Codebook
    answers: list[dict]
    returns: list[dict]
    evidence: list[dict] | None = None
    item_themes: list[dict] | None = None
    problems: list[dict] | None = None
    support_requests: list[dict] | None = None
    good_practice: list[dict] | None = None
    items: list[dict] | None = None
    collections: list[dict] | None = None
    reviews: list[dict] | None = None  # reviews.csv: the analysts' decisions, applied by _apply_reviews
    manifest: dict = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)  # file name -> its columns
    # derived
    return_ids: list[str] = field(default_factory=list)
    return_by_id: dict[str, dict] = field(default_factory=dict)
    answers_by_return: dict[str, list[dict]] = field(default_factory=dict)
    synthetic_ids: set[str] = field(default_factory=set)
    support_source: str = ""  # "support_requests.csv", "answers.csv", or "" (not available)
    review_counts: Counter = field(default_factory=Counter)  # what the decisions changed, by what
    review_warnings: list[str] = field(default_factory=list)  # reviews.csv rows not applied, and why

    # -- who is in the run -------------------------------------------------------------
    @property
    def n_returns(self) -> int:
        return len(self.return_ids)

    @property
    def n_synthetic(self) -> int:
        return len(self.synthetic_ids)

    @property
    def n_real(self) -> int:
        return self.n_returns - self.n_synthetic

    def is_synthetic(self, return_id: str) -> bool:
        return return_id in self.synthetic_ids

    def region_of(self, return_id: str) -> str:
        return (self.return_by_id.get(return_id) or {}).get("region", "") or ""

    def name_of(self, return_id: str) -> str:
        r = self.return_by_id.get(return_id) or {}
        return r.get("locality") or return_id

    def regions(self) -> list[str]:
        """The regions present, in the ADASS order; '' (unknown) last."""
        present = {self.region_of(r) for r in self.return_ids}
        return [r for r in REGIONS if r in present] + sorted(present - set(REGIONS) - {""}) + \
            ([""] if "" in present else [])

    # -- collations --------------------------------------------------------------------
    def distribution(self, qid: str, return_ids: list[str] | None = None) -> Counter:
        """Bucket counts for one question over the given returns (all by default); a return
        without a row for the question counts as no response."""
        ids = tuple(self.return_ids if return_ids is None else return_ids)
        key = ("dist", qid, ids)
        if key not in self._memo:
            buckets = self._buckets()
            self._memo[key] = Counter(buckets.get((rid, qid), "no_response") for rid in ids)
        return Counter(self._memo[key])

    def code_label_counts(self, qid: str, return_ids: list[str] | None = None) -> Counter:
        """For categorical questions: how many returns give each code."""
        q = self.codebook.get(qid)
        ids = self.return_ids if return_ids is None else return_ids
        counts: Counter = Counter()
        for rid in ids:
            a = self._answer(rid, qid)
            if a is None or not (a.get("code") or "").strip():
                counts["(no response)"] += 1
                continue
            for n in sorted(set(code_numbers(a["code"]))):
                c = q.code(n) if q else None
                counts[c.label if c else f"invalid code {n}"] += 1
        return counts

    @property
    def _memo(self) -> dict:
        return self.__dict__.setdefault("_memo_store", {})

    def _index(self) -> dict[tuple[str, str], dict]:
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = self.__dict__["_idx"] = {(a["return_id"], a["qid"]): a for a in self.answers}
        return idx

    def _buckets(self) -> dict[tuple[str, str], str]:
        b = self.__dict__.get("_bkt")
        if b is None:
            b = self.__dict__["_bkt"] = {k: bucket_of(a) for k, a in self._index().items()}
        return b

    def _answer(self, rid: str, qid: str) -> dict | None:
        return self._index().get((rid, qid))

    def answer(self, rid: str, qid: str) -> dict | None:
        return self._answer(rid, qid)

    def section_share(self, section: int, return_ids: list[str], classes=("yes",)) -> tuple[float, int]:
        """Share of answers in `classes` over the section's yes/no questions (issues questions counted
        by their positive answer), and the number of answers it is taken over."""
        ids = tuple(return_ids)
        key = ("share", section, tuple(classes), ids)
        if key in self._memo:
            return self._memo[key]
        qs = [q for q in self.codebook if q.section == section and not q.is_categorical]
        buckets = self._buckets()
        hit = tot = 0
        for q in qs:
            for rid in ids:
                b = buckets.get((rid, q.qid), "no_response")
                tot += 1
                if q.asks_about_issues:  # "any current issues?": No is the answer in place
                    hit += b == "no"
                else:
                    hit += b in classes
        self._memo[key] = res = ((hit / tot if tot else 0.0), tot)
        return res

    def ids_in_region(self, region: str) -> list[str]:
        key = ("region", region)
        if key not in self._memo:
            self._memo[key] = [r for r in self.return_ids if self.region_of(r) == region]
        return list(self._memo[key])

    def support_rows(self) -> list[dict] | None:
        """Support requests: support_requests.csv when present, else the answers flagged
        `support_request`=1 (evidence as sentence); None when neither exists in this run."""
        if self.support_requests is not None:
            return self.support_requests
        flagged = [a for a in self.answers if str(a.get("support_request", "")).strip() == "1"]
        if not any(str(a.get("support_request", "")).strip() in ("0", "1") for a in self.answers):
            return None
        return [{"locality": a["locality"], "return_id": a["return_id"], "qid": a["qid"],
                 "sentence": a.get("evidence") or a.get("narrative", ""), "themes": a.get("themes", "")}
                for a in flagged]

    def good_practice_rows(self) -> list[dict] | None:
        if self.good_practice is not None:
            return self.good_practice
        if not any(str(a.get("good_practice", "")).strip() in ("0", "1") for a in self.answers):
            return None
        return [{"locality": a["locality"], "return_id": a["return_id"], "qid": a["qid"], "title": "",
                 "text": a.get("evidence") or a.get("narrative", ""), "themes": a.get("themes", "")}
                for a in self.answers if str(a.get("good_practice", "")).strip() == "1"]


def load_run(out_dir: Path, *, codebook: Codebook | None = None, reviews_from: Path | None = None) -> RunData:
    """Read an analysis folder. Raises ReportError when it has no answers.csv. `reviews_from`: the
    reviews.csv to read instead of the folder's (one written afresh, not yet moved into it)."""
    out_dir = Path(out_dir)
    headers: dict[str, list[str]] = {}
    answers = read_table(out_dir / "answers.csv", headers)
    if answers is None:
        raise ReportError(f"{out_dir} has no answers.csv", remedy=f"run 'wvtext analyse --out {out_dir}' first.")
    found = headers.get("answers.csv", [])
    if "qid" not in found or not {"return_id", "locality"} & set(found):
        sep = next((c for c in (";", "\t", "|") if any(c in h for h in found)), None)
        raise ReportError(f"{out_dir / 'answers.csv'}: needs columns qid and locality (or return_id); found "
                          f"{', '.join(found) or 'none'}" + (f" (one column holding {sep!r}: separated by {sep!r}?)" if sep else "") + ".",
                          remedy="Give the answers.csv that 'wvtext analyse' wrote (comma-separated, UTF-8).")
    item_themes = read_table(out_dir / "item_themes.csv", headers)
    if not answers and not item_themes:
        raise ReportError(f"{out_dir / 'answers.csv'}: has a header but no answers, and the folder has no "
                          "good-practice items either, so there is nothing to report.",
                          remedy="Analyse returns or items into this folder ('wvtext analyse FILES --out "
                                 f"{out_dir}').")
    returns = read_table(out_dir / "returns.csv", headers) or []
    manifest = {}
    if (out_dir / "manifest.json").is_file():
        try:
            manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
    data = RunData(
        out_dir=out_dir, codebook=codebook or load_codebook(), answers=answers, returns=returns,
        evidence=read_table(out_dir / "theme_evidence.csv", headers),
        item_themes=item_themes,
        problems=read_table(out_dir / "problems.csv", headers),
        support_requests=read_table(out_dir / "support_requests.csv", headers),
        good_practice=read_table(out_dir / "good_practice.csv", headers),
        items=read_table(out_dir / "items.csv", headers), collections=read_table(out_dir / "collections.csv", headers),
        reviews=read_table(Path(reviews_from) if reviews_from else out_dir / REVIEWS_FILE, headers),
        manifest=manifest if isinstance(manifest, dict) else {}, headers=headers,
    )
    _apply_reviews(data)
    _derive(data)
    return data


REVIEWS_FILE = "reviews.csv"
_REVIEW_NEEDS = ("kind", "decision")
_DONE = {"dismiss": "dismissed", "add": "added", "confirm": "confirmed", "set": "set"}
_STAGE_NAMES = {"support_request": "support request", "good_practice": "good-practice offer"}


def _check_reviews(d: RunData) -> None:
    cols = d.headers.get(REVIEWS_FILE, [])
    if d.reviews is None or not cols:
        return
    missing = [c for c in _REVIEW_NEEDS if c not in cols] + ([] if {"return_id", "item_id"} & set(cols) else
                                                              ["return_id or item_id"])
    if missing:
        raise ReportError(f"{d.out_dir / REVIEWS_FILE}: needs columns {', '.join(missing)}; found {', '.join(cols)}.",
                          remedy="Write it again with 'wvtext report --out DIR --db PATH' (or 'wvtext review export').")
    # Each row is checked as 'wvtext review decide' checks a decision (against this folder's
    # returns and items, not a database): a wrong one is a warning and is not applied.
    from ..review import check_fields, field_error

    returns = {k for a in d.answers for k in (a.get("return_id"), a.get("locality")) if k}
    items = None if d.item_themes is None and d.items is None else \
        {i.get("item_id") for rows in (d.item_themes, d.items) for i in rows or []}
    kept = []
    for n, r in enumerate(d.reviews, start=2):  # row 1 is the header
        try:
            check_fields(kind=r.get("kind", ""), decision=r.get("decision", ""), theme=r.get("theme", ""),
                         value=r.get("value", ""), item_id=r.get("item_id", ""))
            if r.get("item_id"):
                if items is not None and r["item_id"] not in items:
                    raise field_error("item_id", f"no item {r['item_id']!r} in this folder.")
            else:
                qid = normalize_qid(r.get("qid", ""))
                if d.codebook.get(qid) is None:
                    raise field_error("qid", f"no question {r.get('qid', '')!r} in the stocktake codebook.")
                if not {r.get("return_id"), r.get("locality")} & returns:
                    raise field_error("return_id", f"no return {r.get('return_id') or r.get('locality') or ''!r} among "
                                            "this folder's answers.")
                r["qid"] = qid  # "Q1.8" is 1.8, as 'review decide' reads it
        except WvtextError as exc:
            d.review_warnings.append(f"{d.out_dir / REVIEWS_FILE}, row {n}, {getattr(exc, 'field', '')}: {exc} Not "
                                     "applied: correct the row, or write the file afresh ('wvtext report --out DIR "
                                     "--db PATH').")
            continue
        kept.append(r)
    d.reviews = kept


def _review_answer(a: dict, decisions: list[dict], counts: Counter, listed: dict[str, bool]) -> list[str]:
    """Apply one answer's decisions to it; return what changed, for its `review` column. Counts
    only decisions that change or affirm something wvtext found. `listed`: whether the answer is
    among the support requests and the good-practice offers."""
    notes = []
    for r in decisions:
        kind, decision, value = r.get("kind", ""), r.get("decision", ""), r.get("value", "") or ""
        if kind == "divergence":
            was = a.get("divergence_type", "") or ""
            flagged = str(a.get("divergent", "")) == "1"
            flag, a["divergence_type"] = reviewed_flag(flagged, was, r)
            a["divergent"] = "1" if flag else "0"
            if decision == "dismiss":
                if flagged:
                    a["flag_review"] = "dismissed"  # the narrative says what the code says (the pages read it so)
                    notes.append(f"flag {was or 'divergent'} dismissed")
                    counts["flags dismissed"] += 1
            elif decision == "confirm":
                if not flagged:
                    a["flag_review"] = "added"  # the pages say so, not wvtext's score
                    notes.append(f"flag {value + ' ' if value else ''}added (wvtext did not flag it)")
                    counts["flags added"] += 1
                else:
                    if value and value != was:
                        a["flag_review"] = f"set in review (wvtext: {was or 'no type'})"
                    notes.append(f"flag confirmed as {value} (wvtext: {was or 'no type'})" if value and value != was
                                 else "flag confirmed")
                    counts["flags confirmed"] += 1
        elif kind == "text_class" and decision in ("set", "confirm"):
            if value and value != a.get("text_class"):
                notes.append(f"narrative class {value} (wvtext: {a.get('text_class') or '-'})")
                a["text_class"] = value
                counts["narrative classes set"] += 1
            else:
                notes.append("narrative class confirmed")
                counts["narrative classes confirmed"] += 1
        elif kind in ("support_request", "good_practice") and decision in _DONE:
            what, had = _STAGE_NAMES[kind], str(a.get(kind, "")) == "1" or listed[kind]
            if decision == "dismiss":
                a[kind] = "0"
                if had:
                    notes.append(f"{what} dismissed")
                    counts[f"{what}s dismissed"] += 1
            else:
                a[kind] = "1"
                notes.append(f"{what} confirmed" if had else f"{what} added (wvtext did not find it)")
                counts[f"{what}s {'confirmed' if had else 'added'}"] += 1
        elif kind == "theme":
            notes += _review_themes(a, r, counts)
    return notes


_THEME_ORDER = {t: i for i, t in enumerate(THEMES)}


def _review_themes(row: dict, r: dict, counts: Counter) -> list[str]:
    """A theme decision on an answer or item: dismiss takes it away; confirm and add keep or put it in,
    and the note says whether the analyst read the theme as negated (mentioned only to deny it), where
    they said. A row's theme_confidences (item_themes) stay beside their themes; an added theme's is
    blank, as wvtext gave it none."""
    themes, theme, decision = split_themes(row.get("themes", "")), r.get("theme", ""), r.get("decision", "")
    if decision not in ("dismiss", "confirm", "add") or not theme:
        return []
    confidence = dict(zip(themes, (row.get("theme_confidences") or "").split(";")))
    had = theme in themes
    if decision == "dismiss":
        if not had:
            return []
        themes.remove(theme)
        done = "dismissed"
    elif had:
        done = "confirmed"
    else:
        themes.append(theme)
        done = "added"
    themes.sort(key=lambda t: _THEME_ORDER.get(t, len(_THEME_ORDER)))  # themes.md order
    row["themes"] = ";".join(themes)
    if "theme_confidences" in row:
        row["theme_confidences"] = ";".join(confidence.get(t, "") for t in themes)
    counts[f"themes {done}"] += 1
    negation = negation_reading(r.get("value", "")) if done != "dismissed" else ""
    return [f"theme {theme} {done}" + (f", {negation}" if negation else "")
            + (" (wvtext did not carry it)" if done == "added" else "")]


def _row_key(x: dict) -> tuple[str, str]:
    return x.get("return_id") or x.get("locality", ""), x.get("qid", "")


_ADDED_COLUMNS = {  # the columns an offer or request added in review fills (as the stage's own rows have)
    "support_request": ("locality", "region", "return_id", "qid", "sentence", "themes", "synthetic"),
    "good_practice": ("locality", "region", "return_id", "qid", "title", "themes", "evidence", "text", "synthetic"),
}


def _apply_reviews(d: RunData) -> None:
    """Read the run as the analysts reviewed it: each of their latest decisions (reviews.csv, which
    `wvtext analyse` and `wvtext report --db` write from the database) overrides what wvtext found
    for that answer, theme or item, and the answer's `review` column says what changed and what
    wvtext had. answers.csv itself stays as analysed; so do out-of-step scores and collections.
    A decision finds its answer by return id, or by locality where the folder's answers have no
    return id."""
    _check_reviews(d)
    if not d.reviews:
        return
    per_answer: dict[tuple, list[dict]] = defaultdict(list)
    per_item: dict[str, list[dict]] = defaultdict(list)
    for r in d.reviews:
        if r.get("item_id"):
            per_item[r["item_id"]].append(r)
        else:
            per_answer[(r.get("return_id", ""), r.get("qid", ""))].append(r)
            if r.get("locality"):
                per_answer[(r["locality"], r.get("qid", ""))].append(r)
    stage_rows = {"support_request": d.support_requests, "good_practice": d.good_practice}
    have = {k: {_row_key(x) for x in rows or []} for k, rows in stage_rows.items()}
    for a in d.answers:
        key = _row_key(a)
        decisions = per_answer.get(key, [])  # by return id, or by locality where the answer has no return id
        listed = {kind: key in have[kind] for kind in stage_rows}
        a["review"] = "; ".join(_review_answer(a, decisions, d.review_counts, listed))
    dropped_items = set()
    for kind, rows in stage_rows.items():
        if rows is None:
            continue
        status = {_row_key(a): str(a.get(kind, "")) for a in d.answers}
        kept = []
        for x in rows:
            if status.get(_row_key(x)) == "0" and any(r.get("kind") == kind for r in per_answer.get(_row_key(x), [])):
                dropped_items.add(x.get("item_id", ""))
            else:
                kept.append(x)
        rows[:] = kept
        for a in d.answers:  # one wvtext missed, confirmed in review: the answer's evidence is its text
            if str(a.get(kind, "")) == "1" and _row_key(a) not in have[kind]:
                text = a.get("evidence") or a.get("narrative", "")
                full = {**a, "sentence": text, "evidence": text, "text": a.get("narrative", ""),
                        "title": "added in review"}
                rows.append({c: full.get(c, "") for c in _ADDED_COLUMNS[kind]})
    dropped_items.discard("")
    for rows in (d.items, d.item_themes):  # a dismissed offer's item leaves the items (collections are as analysed)
        if rows is not None and dropped_items:
            rows[:] = [x for x in rows if x.get("item_id") not in dropped_items]
    counted = d.items if d.items is not None else d.item_themes  # an item is counted once
    for rows in (d.items, d.item_themes):
        for row in rows or []:
            notes = []
            for r in per_item.get(row.get("item_id", ""), []):
                if r.get("kind") == "theme":
                    notes += _review_themes(row, r, d.review_counts if rows is counted else Counter())
            row["review"] = "; ".join(notes)


def _derive(d: RunData) -> None:
    # A return is known by return_id; older folders (or hand-made ones) may only have locality.
    for row in d.answers:
        row["return_id"] = row.get("return_id") or row.get("locality", "")
    for row in d.returns:
        row["return_id"] = row.get("return_id") or row.get("locality", "")
    by_id: dict[str, dict] = {r["return_id"]: dict(r) for r in d.returns}
    order = {q: i for i, q in enumerate(d.codebook.qids)}
    per: dict[str, list[dict]] = defaultdict(list)
    for a in d.answers:
        per[a["return_id"]].append(a)
        r = by_id.setdefault(a["return_id"], {"return_id": a["return_id"], "locality": a.get("locality", ""),
                                              "region": a.get("region", ""), "synthetic": a.get("synthetic", "")})
        if not r.get("region") and a.get("region"):
            r["region"] = a["region"]
        if str(a.get("synthetic", "")).strip() == "1":
            r["synthetic"] = "1"
    for rows in per.values():
        rows.sort(key=lambda a: order.get(a["qid"], 999))
    d.return_by_id = by_id
    d.answers_by_return = dict(per)
    d.return_ids = sorted(by_id, key=lambda k: (by_id[k].get("locality", "").lower(), k))
    d.synthetic_ids = {k for k, r in by_id.items() if str(r.get("synthetic", "")).strip() == "1"}
    if d.reviews:  # a return's flagged answers, rate and drivers as reviewed (its out-of-step score stays as analysed)
        from ..divergence import reviewed_drivers

        analysed = {r["return_id"]: r for r in d.returns}
        flagged = {k for r in d.reviews if r.get("kind") == "divergence" and not r.get("item_id")
                   for k in (r.get("return_id"), r.get("locality")) if k}  # returns whose flags were reviewed
        for rid, rows in per.items():
            n = sum(1 for a in rows if str(a.get("divergent")) == "1")
            for r in (by_id[rid], analysed.get(rid, {})):
                r["divergent"], r["divergence_rate"] = str(n), str(round(n / len(rows), 3) if rows else 0)
                if r.get("out_of_step_drivers") is not None and (rid in flagged or r.get("locality") in flagged):
                    r["out_of_step_drivers"] = reviewed_drivers(r["out_of_step_drivers"], rows)
    for rows in (d.support_requests, d.good_practice):
        for row in rows or []:
            row["return_id"] = row.get("return_id") or row.get("locality", "")
    if d.support_requests is not None:
        d.support_source = "support_requests.csv"
    elif d.support_rows() is not None:
        d.support_source = "answers.csv (support_request flags)"
