"""workbook.xlsx: every table of the run on its own sheet, for analysts.

Header row frozen, auto filter on, readable widths, narratives wrapped. Every string cell
goes through `safe_cell`, so a narrative that starts with = + - @ is stored as text with a
leading apostrophe and never runs as a formula.

openpyxl (write-only mode) writes the package: styles, column widths, frozen header, auto filter
and the header rows. The data rows (half a million cells at the size of the country) are then
written straight into each sheet's <sheetData> as the same XML openpyxl's cell writer makes
(inline strings, ASCII with character references), several times faster than a cell object
per value. Written to a temporary file, then moved into place.
"""
from __future__ import annotations

import os
import re
import tempfile
import zipfile
from decimal import Decimal
from math import isfinite
from pathlib import Path

from ..export import safe_cell
from ..schema import (ANSWERS_COLUMNS, ANSWERS_EXTRA, EVIDENCE_COLUMNS, ITEM_THEMES_COLUMNS, PROBLEMS_COLUMNS,
                      RETURNS_COLUMNS, RETURNS_EXTRA)
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
    ("question_national", "", QUESTION_COLUMNS, "per question: national distribution of code classes"),
    ("question_region", "", QUESTION_COLUMNS, "per question and region: distribution of code classes"),
    ("region_section", "", REGION_SECTION_COLUMNS, "per region and section: share of answers in place"),
)

_WIDE = {"narrative", "evidence", "sentence", "description", "text", "question", "summary", "message", "title",
         "out_of_step_drivers", "top_terms", "codes_given", "matched", "collection_label"}
_NUMERIC = {"code_valid", "divergent", "divergence_score", "support_request", "good_practice", "synthetic",
            "text_confidence", "source_row", "answers", "divergence_rate", "out_of_step_score", "out_of_step",
            "overstated", "profile_distance", "invalid_codes", "no_response", "problems", "confidence", "carried",
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


def _sheet(wb, name: str, columns: list[str], rows: list[dict], styles):
    """Add sheet `name` with its layout and header row; return the worksheet (rows go in later)."""
    from openpyxl.cell import WriteOnlyCell

    header_font, header_fill = styles[:2]
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
        cell = WriteOnlyCell(ws, value=safe_cell(_ILLEGAL.sub("", c)))
        cell.font, cell.fill = header_font, header_fill
        head.append(cell)
    ws.append(head)
    return ws


# What openpyxl writes for a value (openpyxl.cell._writer.lxml_write_cell on a bound cell): text
# as an inline string, numbers "%.16g", booleans 1/0, Excel's error literals as errors.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _text(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell_xml(ref: str, v, style: str) -> str:
    if isinstance(v, str):
        v = v[:32767]  # Excel's limit (openpyxl cuts there too)
        if v in _ERROR_CODES:
            return f'<c r="{ref}"{style} t="e"><v>{v}</v></c>'
        space = ' xml:space="preserve"' if v != v.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_text(v)}</t></is></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float, Decimal)) or hasattr(v, "__float__"):
        num = "%.16g" % v if isfinite(v) else ""
        return f'<c r="{ref}"{style} t="n"><v>{num}</v></c>'
    raise ValueError(f"Cannot convert {v!r} to Excel")


def _rows_xml(columns: list[str], rows: list[dict], wrap_style: int):
    """The <row> elements of the data rows (from row 2), in chunks of ASCII bytes; wide columns'
    cells take the cell style `wrap_style` (wrapped, top aligned)."""
    from openpyxl.utils import get_column_letter

    cols = [(c, get_column_letter(i), c in _NUMERIC, f' s="{wrap_style}"' if c in _WIDE else "")
            for i, c in enumerate(columns, 1)]
    illegal, chunk = _ILLEGAL.sub, []
    for n, r in enumerate(rows, 2):
        out = [f'<row r="{n}">']
        get = r.get
        for c, letter, numeric, style in cols:
            v = get(c, "")
            if numeric:
                v = _num(v)
            if v is None or v == "":
                continue  # empty cells are not written at all
            if isinstance(v, str):
                v = safe_cell(illegal("", v))
            out.append(_cell_xml(f"{letter}{n}", v, style))
        out.append("</row>")
        chunk.append("".join(out))
        if len(chunk) >= 500:
            yield "".join(chunk).encode("ascii", "xmlcharrefreplace")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("ascii", "xmlcharrefreplace")


def _fill_rows(skeleton: Path, path: str, data: dict[str, tuple[list[str], list[dict]]], wrap_style: int,
               tmp_dir: str) -> None:
    """Copy the package openpyxl wrote to `path`, putting the data rows into each sheet's <sheetData>."""
    with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            columns_rows = data.get(info.filename)
            if not columns_rows or not columns_rows[1]:  # not a sheet, or no data rows
                dst.writestr(info, body)
                continue
            at = body.index(b"</sheetData>")  # after the header row; text in cells is escaped, so unique
            part = os.path.join(tmp_dir, "sheet.xml")
            with open(part, "wb") as fh:
                fh.write(body[:at])
                for block in _rows_xml(*columns_rows, wrap_style):
                    fh.write(block)
                fh.write(body[at:])
            dst.write(part, info.filename)  # as openpyxl adds its sheets (zip64 where one is that large)
            os.unlink(part)


def write_workbook(d: RunData, path: Path) -> dict:
    """Write the workbook; return {sheet: rows} (None for an input not available in this run)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    styles = (Font(bold=True), PatternFill("solid", fgColor="DCE6F1"), Alignment(wrap_text=True, vertical="top"))
    wb = Workbook(write_only=True)
    tables = {
        "answers": d.answers, "returns": d.returns,
        "theme_evidence": None if d.evidence is None else [r for r in d.evidence if str(r.get("carried")) == "1"],
        "item_themes": d.item_themes,
        "problems": d.problems, "support_requests": d.support_requests, "good_practice": d.good_practice,
        "items": d.items, "collections": d.collections,
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
                      f"run {d.manifest.get('run_id', '-')}. Text cells that start with = + - @ carry a leading "
                      "apostrophe so they never run as formulas."}]
    for name, source, contract, what in SHEETS:
        rows = tables[name]
        counts[name] = None if rows is None else len(rows)
        about.append({"sheet": name, "source": source or "computed from answers.csv", "what": what,
                      "rows": "" if rows is None else len(rows),
                      "available": "yes" if rows is not None else "not available in this run"})
    about_cols = ["sheet", "source", "rows", "available", "what"]
    sheets = [(_sheet(wb, "about", about_cols, about, styles), about_cols, about)]
    wrapped = WriteOnlyCell(sheets[0][0])
    wrapped.alignment = styles[2]
    wrap_style = wrapped.style_id  # registered after the header style, as when openpyxl wrote every cell
    for name, source, contract, what in SHEETS:
        rows = tables[name] or []
        columns = _SHEET_COLUMNS.get(name) or _columns(d.headers.get(source) if source else None, rows, contract)
        sheets.append((_sheet(wb, name, columns, rows, styles), columns, rows))
    from ..export import atomic_path

    with tempfile.TemporaryDirectory(prefix="wvtext-xlsx-") as tmp_dir, atomic_path(path, suffix=".xlsx") as tmp:
        skeleton = Path(tmp_dir) / "skeleton.xlsx"
        wb.save(skeleton)  # numbers the sheets' parts
        data = {ws.path.lstrip("/"): (columns, rows) for ws, columns, rows in sheets}
        _fill_rows(skeleton, tmp, data, wrap_style, tmp_dir)
    return counts
