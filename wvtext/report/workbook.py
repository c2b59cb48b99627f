"""workbook.xlsx: every table of the run on its own sheet, for analysts.

Header row frozen, auto filter on, readable widths, narratives wrapped. A text that starts with
= + - @ is written as it is, in a cell typed as text (`_text_cell`), so it never runs as a formula
and the workbook shows it unchanged (the csv files neutralise it with an apostrophe instead). Written in openpyxl's write-only mode (fast,
little memory) to a temporary file, then moved into place. The same run gives the same bytes: the
workbook is dated SOURCE_DATE_EPOCH or a fixed date, not the time of writing (`save_xlsx`).
"""
from __future__ import annotations

import re
from copy import copy
from pathlib import Path

from ..export import FORMULA_START
from ..schema import (ANSWERS_COLUMNS, ANSWERS_EXTRA, EVIDENCE_COLUMNS, ITEM_THEMES_COLUMNS, PROBLEMS_COLUMNS,
                      RETURNS_COLUMNS, RETURNS_EXTRA, REVIEW_COLUMNS)
from .data import BUCKETS, RunData
from .national import question_rows, region_section_rows

__all__ = ["write_workbook", "SHEETS", "OPTIONAL_COLUMNS"]

from .. import schema as _schema

OPTIONAL_COLUMNS = {  # the stages' own column lists where the schema has them, else the brief's minimum
    "support_requests": getattr(_schema, "SUPPORT_REQUEST_COLUMNS", ("locality", "return_id", "qid", "sentence",
                                                                     "themes")),
    "good_practice": getattr(_schema, "GOOD_PRACTICE_COLUMNS", ("locality", "return_id", "qid", "title", "text",
                                                                "themes")),
    "items": ("item_id", "collection_id", "collection_label", "dup_group", "themes"),
    "collections": ("collection_id", "collection_label", "size", "top_terms", "themes"),
}
QUESTION_COLUMNS = (("area", "qid", "section", "question", "kind", "returns", "synthetic_returns") + BUCKETS
                    + tuple(f"{b}_pct" for b in BUCKETS)
                    + ("concluded_or_progressing", "concluded_or_progressing_pct", "codes_given", "summary"))
REGION_SECTION_COLUMNS = ("region", "section", "section_title", "returns", "synthetic_returns", "answers",
                          "in_place_pct", "in_place_or_progressing_pct")

# (sheet, source file, contract columns, what it is)
SHEETS = (
    ("answers", "answers.csv", ANSWERS_COLUMNS + ANSWERS_EXTRA, "one row per answer"),
    ("returns", "returns.csv", RETURNS_COLUMNS + RETURNS_EXTRA, "one row per return"),
    ("theme_evidence", "theme_evidence.csv", EVIDENCE_COLUMNS,
     "one row per mention of a theme the answer or item carries, with its sentence (every mention, carried or "
     "not, with offsets: theme_evidence.csv)"),
    ("item_themes", "item_themes.csv", ITEM_THEMES_COLUMNS, "good-practice items and their themes"),
    ("problems", "problems.csv", PROBLEMS_COLUMNS, "reading problems"),
    ("support_requests", "support_requests.csv", OPTIONAL_COLUMNS["support_requests"], "support requests"),
    ("good_practice", "good_practice.csv", OPTIONAL_COLUMNS["good_practice"], "practice offered in the returns"),
    ("items", "items.csv", OPTIONAL_COLUMNS["items"], "good-practice items and their collections"),
    ("collections", "collections.csv", OPTIONAL_COLUMNS["collections"], "collections of good-practice items"),
    ("reviews", "reviews.csv", REVIEW_COLUMNS,
     "the analysts' latest decisions, applied to the answers, returns, support, practice and items sheets (the "
     "answers' and items' column review says what wvtext had)"),
    ("question_national", "", QUESTION_COLUMNS, "per question: national distribution of code classes"),
    ("question_region", "", QUESTION_COLUMNS, "per question and region: distribution of code classes"),
    ("region_section", "", REGION_SECTION_COLUMNS, "per region and section: share of answers in place"),
)

_WIDE = {"narrative", "evidence", "sentence", "description", "text", "question", "summary", "message", "title",
         "out_of_step_drivers", "top_terms", "codes_given", "matched", "collection_label"}
_NUMERIC = {"code_valid", "divergent", "divergence_score", "support_request", "good_practice", "synthetic",
            "text_confidence", "source_row", "answers", "divergence_rate", "out_of_step_score", "out_of_step",
            "overstated_answers", "profile_distance", "invalid_codes", "blank_codes", "problems", "confidence", "carried",
            "theme_negated", "start_char", "end_char", "negated", "hedged", "in_list", "size", "section", "returns",
            "synthetic_returns", "in_place_pct", "in_place_or_progressing_pct", "concluded_or_progressing",
            "concluded_or_progressing_pct", *BUCKETS, *(f"{b}_pct" for b in BUCKETS)}


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot carry


def _num(value):
    if value is None or value == "" or isinstance(value, (int, float)):
        return value
    try:
        f = float(value)
    except ValueError:
        return value
    return int(f) if f.is_integer() and "." not in str(value) else f


# Sheets that show a readable subset of their csv (the csv keeps everything).
_SHEET_COLUMNS = {
    "theme_evidence": ["object", "locality", "return_id", "qid", "item_id", "theme", "confidence", "negated",
                       "hedged", "matched", "sentence"],
}


def _columns(header: list[str] | None, rows: list[dict] | None, contract) -> list[str]:
    """The file's own columns in its order (contract columns it lacks appended), else the contract."""
    cols = list(header) if header else list(contract)
    for c in contract:
        if c not in cols:
            cols.append(c)
    for r in (rows or [])[:1]:
        cols += [k for k in r if k not in cols]
    return cols


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


_CELL_LIMIT = 32767  # what Excel holds in one cell, counted in UTF-16 units (a character beyond U+FFFF is two)
_CUT = " [... cut here: an Excel cell holds 32,767 characters; the whole text is in the csv files]"


def _fit(text: str) -> str:
    """A text too long for one cell, cut with a note saying so (Excel would cut it silently)."""
    if len(text) <= _CELL_LIMIT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * _CELL_LIMIT:
        return text
    keep = units[:2 * (_CELL_LIMIT - len(_CUT))].decode("utf-16-le", errors="ignore")  # never half a pair
    return keep + _CUT


def _text_cell(ws, text: str):
    """A cell that holds `text` as text: openpyxl types a string that starts with '=' as a formula,
    so the type is set back; a text cell is shown as written and never calculated."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def _sheet(wb, name: str, columns: list[str], rows: list[dict], styles) -> None:
    from openpyxl.cell import WriteOnlyCell

    header_font, header_fill, wrap = styles
    ws = wb.create_sheet(name)
    widths = []
    sample = rows[:200]
    for i, c in enumerate(columns, 1):
        longest = max([len(c)] + [len(str(r.get(c, "") or "")) for r in sample])
        w = 60 if c in _WIDE and longest > 40 else min(max(longest, len(c)) + 2, 40)
        widths.append(max(w, 6))
        ws.column_dimensions[_letter(i)].width = widths[-1]
    ws.freeze_panes = "A2"
    last = _letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    head = []
    for c in columns:
        cell = _text_cell(ws, _ILLEGAL.sub("", c))
        cell.font, cell.fill = header_font, header_fill
        head.append(cell)
    ws.append(head)
    wide = {c for c in columns if c in _WIDE}
    template = WriteOnlyCell(ws)
    template.alignment = wrap  # registered once; each wrapped cell copies the style array (no lookups)
    for r in rows:
        out = []
        for c in columns:
            v = r.get(c, "")
            v = _num(v) if c in _NUMERIC else v
            if v is None or v == "":
                out.append(None)  # empty cells are not written at all
                continue
            if isinstance(v, str):
                v = _fit(_ILLEGAL.sub("", v))
                if c not in wide and v.startswith(FORMULA_START):
                    v = _text_cell(ws, v)
            if c in wide:
                cell = _text_cell(ws, v) if isinstance(v, str) else WriteOnlyCell(ws, value=v)
                cell._style = copy(template._style)
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)


def write_workbook(d: RunData, path: Path) -> dict:
    """Write the workbook; return {sheet: rows} (None for an input not available in this run)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    styles = (Font(bold=True), PatternFill("solid", fgColor="DCE6F1"), Alignment(wrap_text=True, vertical="top"))
    wb = Workbook(write_only=True)
    tables = {
        "answers": d.answers, "returns": d.returns,
        "theme_evidence": None if d.evidence is None else [r for r in d.evidence if str(r.get("carried")) == "1"],
        "item_themes": d.item_themes,
        "problems": d.problems, "support_requests": d.support_requests, "good_practice": d.good_practice,
        "items": d.items, "collections": d.collections, "reviews": d.reviews,
    }
    nat = question_rows(d)
    reg = []
    for region in d.regions():
        reg += question_rows(d, d.ids_in_region(region), area=region or "Region unknown")
    tables["question_national"] = nat
    tables["question_region"] = reg
    tables["region_section"] = region_section_rows(d)
    counts = {}
    about = [{"sheet": "about", "source": "", "rows": "", "available": "yes",
              "what": f"this workbook: {d.n_returns} returns ({d.n_real} real, {d.n_synthetic} SYNTHETIC); "
                      f"run {d.manifest.get('run_id', '-')}. Every text is a text cell: one that starts with = + - @ "
                      "is shown as written and never runs as a formula."}]
    for name, source, contract, what in SHEETS:
        rows = tables[name]
        counts[name] = None if rows is None else len(rows)
        about.append({"sheet": name, "source": source or "computed from answers.csv", "what": what,
                      "rows": "" if rows is None else len(rows),
                      "available": "yes" if rows is not None else "not available in this run"})
    _sheet(wb, "about", ["sheet", "source", "rows", "available", "what"], about, styles)
    for name, source, contract, what in SHEETS:
        rows = tables[name]
        columns = _SHEET_COLUMNS.get(name) or _columns(d.headers.get(source) if source else None, rows, contract)
        _sheet(wb, name, columns, rows or [], styles)
    from ..export import atomic_path, save_xlsx

    with atomic_path(path, suffix=".xlsx") as tmp:
        save_xlsx(wb, tmp)
    return counts
