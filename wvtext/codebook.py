"""The stocktake codebook: 61 questions in 11 sections, each with its code scheme.

The codebook is data (`corpus/codebook.json`), built by `build_codebook` from the
real return in `corpus/returns/` (the question texts and schemes are parsed, not
retyped). Each code's answer class comes from the ordered rules in
`corpus/code_label_classes.csv`, where judgement calls are documented.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import WvtextError
from .text import normalize_text

__all__ = [
    "ANSWER_CLASSES",
    "Code",
    "Question",
    "Codebook",
    "parse_scheme",
    "classify_label",
    "build_codebook",
    "load_codebook",
    "normalize_qid",
]

ANSWER_CLASSES = ("yes", "no", "in_progress", "partial", "unclear", "not_applicable")
KINDS = ("yes_no", "multi_select", "categorical")
# "1.1", "Q1.1", "Q. 1.1", "Question 1.1", "Question no. 1.1", "1.1." and "1,1" (a decimal comma, as
# European Excel writes numbers)
_QID_RE = re.compile(r"^\s*(?:Q(?:u(?:estion)?)?\s*\.?\s*(?:no\.?\s*|number\s*)?)?(\d{1,2})\s*[.,]\s*(\d{1,2})\s*\.?\s*$",
                     re.I)


def normalize_qid(text: str) -> str:
    """A question id as the codebook writes it: "Q1.8", "Question 1.8", "1.8.", "1,8" and " 1.8" give "1.8";
    anything else is returned stripped (and is then no question of the codebook)."""
    m = _QID_RE.match(text or "")
    return f"{int(m.group(1))}.{int(m.group(2))}" if m else (text or "").strip()


@dataclass(frozen=True)
class Code:
    code: int
    label: str
    answer_class: str  # "" when the label has no answer class (partners, obstacles)


@dataclass(frozen=True)
class Question:
    qid: str
    section: int
    section_title: str
    text: str
    scheme_text: str
    preamble: str
    codes: tuple[Code, ...]
    kind: str
    asks_about_issues: bool
    conditional_on: str
    note: str

    def code(self, value: int) -> Code | None:
        for c in self.codes:
            if c.code == value:
                return c
        return None

    @property
    def code_values(self) -> list[int]:
        return [c.code for c in self.codes]

    @property
    def is_categorical(self) -> bool:
        return self.kind != "yes_no"


class Codebook:
    """The questions in order, looked up by qid ("1.8")."""

    def __init__(self, questions: list[Question], *, version: str, source: str = ""):
        self.questions = {q.qid: q for q in questions}
        self.version = version
        self.source = source

    def __iter__(self):
        return iter(self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)

    def __contains__(self, qid: str) -> bool:
        return qid in self.questions

    def __getitem__(self, qid: str) -> Question:
        return self.questions[qid]

    def get(self, qid: str) -> Question | None:
        return self.questions.get(qid)

    @property
    def qids(self) -> list[str]:
        return list(self.questions)

    def runs(self, qids) -> str:
        """Question ids as runs in question order: "1.1-1.9, 2.3, 4.1-11.3" (every one, briefly)."""
        runs: list[list[str]] = []
        for q in sorted(qids, key=self.position):
            if runs and self.position(q) == self.position(runs[-1][-1]) + 1:
                runs[-1].append(q)
            else:
                runs.append([q])
        return ", ".join(r[0] if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)

    def position(self, qid: str) -> int:
        """Where a question stands in the codebook's order (after every question if unknown): the
        sort key that puts 2.3 before 10.1."""
        order = self.__dict__.get("_order")
        if order is None:
            order = self.__dict__["_order"] = {q: i for i, q in enumerate(self.questions)}
        return order.get(qid, len(order))

    def sections(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for q in self:
            out.setdefault(q.section, q.section_title)
        return out


# -- parsing schemes ---------------------------------------------------------------

def parse_scheme(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Return (preamble, [(code, label), ...]) for a scheme cell.

    Codes are found in sequence 0, 1, 2, ... so that numbers inside labels
    ("Not applicable - e.g. none placed") are not mistaken for codes.

    >>> parse_scheme("0 - No 1 - Yes 2 -Not clear 3 Co-located")
    ('', [(0, 'No'), (1, 'Yes'), (2, 'Not clear'), (3, 'Co-located')])
    """
    text = normalize_text(text)
    marks: list[tuple[int, int, int]] = []
    pos, n = 0, 0
    while True:
        m = re.compile(rf"(?<![\d.]){n}(?![\d.])\s*(?:-\s*)?(?=[A-Za-z(])").search(text, pos)
        if not m:
            break
        marks.append((n, m.start(), m.end()))
        pos, n = m.end(), n + 1
    if not marks:
        return text, []
    codes = []
    for i, (code, _start, end) in enumerate(marks):
        stop = marks[i + 1][1] if i + 1 < len(marks) else len(text)
        codes.append((code, text[end:stop].strip(" -;,")))
    return text[: marks[0][1]].strip(), codes


@lru_cache(maxsize=4)
def _label_rules(path: str) -> list[tuple[re.Pattern, str]]:
    rules = []
    with open(path, newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            cls = row.get("answer_class", "")
            if cls not in ANSWER_CLASSES:
                raise WvtextError(
                    f"{path}, row {i}: answer_class {cls!r} is not one of {', '.join(ANSWER_CLASSES)}."
                )
            try:
                rules.append((re.compile(row["pattern"], re.I), cls))
            except re.error as exc:
                raise WvtextError(f"{path}, row {i}: pattern {row['pattern']!r} is not a valid regex ({exc}).")
    return rules


def _rules_path() -> Path:
    from .paths import corpus_dir

    return corpus_dir() / "code_label_classes.csv"


def classify_label(label: str, *, rules_path: Path | None = None) -> str:
    """Return the answer class of a code label ("In progress / under review" -> "in_progress"), or ""."""
    key = re.sub(r"\s+", " ", normalize_text(label).lower()).strip(" .")
    for pattern, cls in _label_rules(str(rules_path or _rules_path())):
        if pattern.search(key):
            return cls
    return ""


# -- building ----------------------------------------------------------------------

# "Do you have any current issues regarding ..." (1.8): a Yes code reports a problem.
_ISSUES_RE = re.compile(r"\b(?:have|are there|is there)\s+any\s+(?:current\s+|outstanding\s+)?(issues|problems|difficulties|disputes)\b", re.I)
_CONDITIONAL_RE = re.compile(r"^\s*if\s+(no|yes|not)\b", re.I)
_MULTI_RE = re.compile(r"\b(include all|all identified|all that apply|tick all)\b", re.I)


def _kind(preamble: str, codes: list[Code]) -> str:
    if _MULTI_RE.search(preamble):
        return "multi_select"
    rest = [c for c in codes if c.code != 0]
    if rest and sum(1 for c in rest if c.answer_class) * 2 < len(rest):
        return "categorical"
    return "yes_no"


def build_codebook(source: Path, *, rules_path: Path | None = None) -> dict:
    """Parse a return in the stocktake layout and return the codebook as a JSON-able dict."""
    from .ingest import read_layout  # the same reader `ingest` uses

    layout = read_layout(Path(source))
    if len(layout.rows) == 0:
        raise WvtextError(f"{source}: no question rows found; is it a return in the stocktake layout?")
    questions, seen_text = [], {}
    prev_qid = ""
    for r in layout.rows:
        preamble, pairs = parse_scheme(r.scheme)
        codes = [Code(c, label, classify_label(label, rules_path=rules_path)) for c, label in pairs]
        text = normalize_text(r.question)
        notes = []
        if text in seen_text:
            notes.append(f"question text repeats {seen_text[text]} in the source return")
        seen_text.setdefault(text, r.qid)
        kind = _kind(preamble, codes)
        unclassified = [c.label for c in codes if not c.answer_class]
        if kind == "yes_no" and unclassified:
            raise WvtextError(
                f"{source}: question {r.qid}: no answer class for code label(s) {unclassified}.",
                remedy=f"Add a rule to {rules_path or _rules_path()}.",
            )
        section = int(r.qid.split(".")[0])
        questions.append(
            {
                "qid": r.qid,
                "section": section,
                "section_title": normalize_text(layout.sections.get(str(section), "")),
                "text": text,
                "scheme_text": normalize_text(r.scheme),
                "preamble": preamble,
                "codes": [{"code": c.code, "label": c.label, "answer_class": c.answer_class} for c in codes],
                "kind": kind,
                "asks_about_issues": bool(_ISSUES_RE.search(text)),
                "conditional_on": prev_qid if _CONDITIONAL_RE.match(text) else "",
                "note": "; ".join(notes),
            }
        )
        prev_qid = r.qid
    body = {"questions": questions}
    version = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    return {
        "name": "Winterbourne View stocktake of progress (2013)",
        "version": version,
        "source": Path(source).name,
        "answer_classes": list(ANSWER_CLASSES),
        **body,
    }


def write_codebook(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _from_dict(data: dict) -> Codebook:
    qs = []
    for q in data["questions"]:
        codes = tuple(Code(c["code"], c["label"], c["answer_class"]) for c in q["codes"])
        qs.append(
            Question(
                q["qid"], q["section"], q["section_title"], q["text"], q["scheme_text"], q["preamble"],
                codes, q["kind"], q["asks_about_issues"], q["conditional_on"], q["note"],
            )
        )
    return Codebook(qs, version=data["version"], source=data.get("source", ""))


@lru_cache(maxsize=4)
def _load(path: str) -> Codebook:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return _from_dict(data)
    except FileNotFoundError:
        raise WvtextError(f"codebook not found at {path}.", remedy=f"Run 'wvtext codebook build --out {path}'.")
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise WvtextError(f"{path}: not a valid codebook ({exc}).",
                          remedy=f"Rebuild it with 'wvtext codebook build --out {path}'.")


def load_codebook(path: Path | None = None) -> Codebook:
    """Return the codebook (default: `corpus/codebook.json`)."""
    if path is None:
        from .paths import corpus_dir

        path = corpus_dir() / "codebook.json"
    return _load(str(path))
