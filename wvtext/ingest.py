"""Read returns and good-practice items from the files they really come in.

Consumes: a path. Produces: `InputFile` with one `ReturnData` per return (a long csv
may hold many) or the items of an items csv, plus every row-level `Problem`.

Formats are recognised from the content, not the name or a flag:
- xlsx workbook in the stocktake layout (zip magic + openpyxl);
- plain-text dump of a return (tab-separated rows with question ids);
- long csv: `locality, qid, code, narrative[, region, return_id, synthetic]` (any delimiter
  Excel writes). `return_id` keeps apart several returns of one locality (the synthetic scale
  copies); `synthetic` (1/0) marks generated data, as does SYNTHETIC in the file name. One
  return's rows without a locality are named after the file, as a layout without its title row;
- items csv: `item_id, title, description[, locality, region]`;
- the long and items tables also as an xlsx sheet, their header row first or under a title block.
Header names are matched without case, spaces or underscores, with the usual other names
("Question" for qid, "Coded as" for code, "Response" for narrative, "ID" for item_id).
A file that cannot be read raises `IngestError` (one line, with a remedy); nothing
is stored for it. So does malformed content that trips a library (csv, zip, xml): one bad
file among many is reported like any other, never an internal error.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .codebook import Codebook, Question, classify_label, load_codebook, normalize_qid
from .errors import IngestError, Problem, WvtextError
from .layout import QID_RE, RawLayout, is_layout_header, parse_layout
from .localities import REGIONS, Localities, load_localities
from .text import normalize_text

__all__ = ["Answer", "ReturnData", "InputFile", "read_input", "read_return_file", "read_layout", "return_id_for", "synthetic_file"]

RETURN_COLUMNS = ("locality", "qid", "code", "narrative")
ITEM_COLUMNS = ("item_id", "title", "description")

# Other names people give the columns, keyed as `_column` spells a header cell.
_COLUMN_ALIASES = {
    "question_number": "qid", "question_no": "qid", "question_id": "qid", "question_ref": "qid",
    "q_no": "qid", "qno": "qid", "q_number": "qid", "q_ref": "qid", "qref": "qid",
    "question": "qid",  # last: beside "Question number" it is the question's text
    "coded_as": "code", "response_code": "code", "answer_code": "code",
    "response": "narrative", "locality_response": "narrative", "narrative_response": "narrative",
    "response_text": "narrative", "narrative_text": "narrative", "comments_evidence": "narrative",
    "evidence_comments": "narrative", "comments": "narrative", "comment": "narrative", "commentary": "narrative",
    "evidence": "narrative",
    "id": "item_id", "itemid": "item_id",
}
_TWO_DECIMALS_RE = re.compile(r"^(\d{1,2})\.([1-9])0$")  # "1.10": 1.1 in a column formatted 0.00
_XLSX_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CODE_LIST_RE = re.compile(r"^\d{1,2}(?:\s*(?:[,;&/+]|\band\b)\s*\d{1,2})*$", re.I)
_CODE_LABEL_RE = re.compile(r"^(\d{1,2})\s*(?:[-:.)=]\s*)?([A-Za-z(].*)$", re.S)


@dataclass
class Answer:
    qid: str
    row: int | None
    code_raw: str
    codes: list[int]
    code_valid: bool
    code_class: str
    narrative_raw: str
    narrative: str


@dataclass
class ReturnData:
    return_id: str
    locality: str
    locality_raw: str
    region: str
    locality_score: float
    source_file: str
    source_format: str
    sha256: str
    answers: list[Answer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    synthetic: bool = False


@dataclass
class InputFile:
    path: str
    format: str  # "xlsx", "text", "long_csv", "long_xlsx", "items_csv", "items_xlsx"
    sha256: str
    returns: list[ReturnData] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def all_problems(self) -> list[Problem]:
        out = list(self.problems)
        for r in self.returns:
            out.extend(r.problems)
        return out


def synthetic_file(path: Path | str) -> bool:
    """Whether a file holds generated data: SYNTHETIC in its name (returns and items alike)."""
    return "synthetic" in Path(path).name.lower()


def return_id_for(locality: str) -> str:
    """A return's stable id: its locality as a slug ("Leicestershire" -> "leicestershire")."""
    return re.sub(r"[^a-z0-9]+", "-", locality.lower()).strip("-") or "unknown"


# -- bytes to text -----------------------------------------------------------------

def _decode(name: str, data: bytes) -> str:
    """A text file's text: UTF-8 (with or without a byte-order mark), UTF-16 with one, or Windows-1252
    (Excel's "CSV"); line breaks of old Mac files (CR alone) read as line breaks."""
    text = _decode_bytes(name, data)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # Excel's "CSV (Macintosh)"
    return text


# What UTF-8 elsewhere in a file looks like: "£", "é", a non-breaking space, "’" or "–" written as
# UTF-8. Other characters that a few Windows-1252 bytes happen to spell are no evidence.
_UTF8_TEXT = re.compile("[\u00a0-\u00ff\u2010-\u2027\u20ac]")


def _line_at(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1 if b"\n" in data else data.count(b"\r", 0, offset) + 1
    return f"line {line}"


def _decode_bytes(name: str, data: bytes) -> str:
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(name, f"looks like UTF-16 but could not be decoded ({exc.reason} at byte {exc.start}).",
                              remedy="Save it again as UTF-8 (in Excel: 'CSV UTF-8').")
    if b"\x00" in data[:4096]:
        raise IngestError(name, "is a binary file, not text, xlsx or csv.",
                          remedy="Give an xlsx workbook, a csv or a text dump of a return.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        bad = utf8_error.start
        where = f"byte 0x{data[bad]:02x} on {_line_at(data, bad)}"
        if bom or _UTF8_TEXT.search(data.decode("utf-8", errors="replace")):
            # UTF-8 elsewhere ("£" or "’" as UTF-8): decoding it all as Windows-1252 would garble
            # every one of those characters without a word.
            raise IngestError(
                name,
                f"mixes two encodings: it is UTF-8{' (it starts with a UTF-8 byte-order mark)' if bom else ''} except "
                f"{where}, which is not UTF-8 (a character pasted from a Windows-1252 file?).",
                remedy="Retype that character (and any others the error names next), or open the file in Excel and "
                       "save it again as 'CSV UTF-8'.")
        try:
            # Excel on Windows writes cp1252 ("Save as CSV").
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IngestError(
                name,
                f"could not be decoded as UTF-8 ({where}) nor as Windows-1252 "
                f"(byte 0x{data[exc.start]:02x} on {_line_at(data, exc.start)}).",
                remedy="Save it again as UTF-8 (in Excel: 'CSV UTF-8'), or check it with 'file'.",
            )


def _encrypted_ooxml(data: bytes) -> bool:
    """Whether an OLE compound file is a password-protected xlsx: Excel's "Encrypt with Password"
    wraps the workbook in one, as an EncryptedPackage stream beside EncryptionInfo (MS-OFFCRYPTO),
    which is why it starts like a legacy .xls. Directory entry names are UTF-16LE."""
    return "EncryptedPackage".encode("utf-16-le") in data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _raise_csv_field_limit() -> None:
    """A narrative may be a pasted strategy of 170,000 characters, over the csv module's default
    limit of 131,072 per field. 2**31-1 fits a C long everywhere; halve it where it does not."""
    limit = 2**31 - 1
    while limit > csv.field_size_limit():
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


_raise_csv_field_limit()


def _csv_rows(name: str, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of a csv; a row the csv module cannot read is an error naming it, and
    so is a quoted cell still open at the end of the file (a stray quote, or a file cut short),
    which the csv module would otherwise read as running on over every later row."""
    rows: list[list[str]] = []
    for strict in (True, False):
        # CR, LF or CRLF rows; LF in a cell kept
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
        rows, started = [], 1
        try:
            for cells in reader:
                rows.append(cells)
                started = reader.line_num + 1
            return list(enumerate(rows, start=1))
        except csv.Error as exc:
            if strict and "unexpected end of data" in str(exc):
                raise IngestError(name, f"row {len(rows) + 1} (line {started}) opens a quoted cell that is never "
                                        "closed: it would run on over every later row to the end of the file.",
                                  remedy="Close or remove that row's stray double quote; if the file was cut short, "
                                         "save it again in full.")
            if not strict:
                raise IngestError(name, f"row {len(rows) + 1} (line {reader.line_num}) could not be read as csv "
                                        f"({exc}).",
                                  remedy="Check that row's quotes, or save the file again from Excel as CSV UTF-8.")
    return list(enumerate(rows, start=1))


# -- format sniffing ---------------------------------------------------------------

_TITLE_LINES = 10  # how many lines a title block above a csv's header may take


def _sniff_text(text: str) -> str:
    """"text" for a text dump of the layout (tab-separated question rows), "long_csv" or
    "items_csv" for a table whose header is one of its first lines (under a title, perhaps),
    "empty" or "unknown". A dump's title ("... Local Stocktake: ...") decides only when neither
    is found: a csv may say "local stocktake" in a narrative or a title line."""
    head = text[:20000]
    lines = [l for l in head.splitlines() if l.strip()]
    if not lines:
        return "empty"
    # An items table's header decides first: its ids and titles ("7<tab>2.1 Pooled budget ...") can
    # look like a dump's question rows.
    if next((k for k in map(_table_kind, map(_csv_header, lines[:_TITLE_LINES])) if k), None) == "items":
        return "items_csv"
    if sum(1 for l in lines if re.match(r"^\s*\d{1,3}\t\s*(?:Q\s*)?\d{1,2}\.\d{1,2}\b", l)) >= 2:
        return "text"
    for line in lines[:_TITLE_LINES]:
        if is_layout_header(line.split("\t")):  # "Question<tab>Codes used<tab>Coded as<tab>Response"
            return "text"
        kind = _table_kind(_csv_header(line))
        if kind:
            return f"{kind}_csv"
    if any(re.search(r"local\s+stocktake", l, re.I) for l in lines[:5]):
        return "text"
    return "unknown"


def _table_rows(name: str, text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """A csv's rows from its header on (a title block above it is passed over), and its separator."""
    lines = [l for l in text.splitlines() if l.strip()][:_TITLE_LINES]
    first = next((l for l in lines if _table_kind(_csv_header(l))), lines[0])
    delimiter = _delimiter(first)
    rows = _csv_rows(name, text, delimiter)
    at = next((k for k, (_n, cells) in enumerate(rows[:_TITLE_LINES * 2]) if _table_kind(_header(cells))), 0)
    return rows[at:], delimiter


def _table_kind(header: list[str]) -> str | None:
    """"items" or "long" for the header of an items or a long return table (whose missing columns
    the reader then names), None for anything else."""
    cols = set(header)
    if set(ITEM_COLUMNS) <= cols or ({"title", "description"} <= cols and "qid" not in cols):
        return "items"  # before the long table's test: "Comments" beside them reads as a narrative
    if {"qid", "narrative"} & cols or ("locality" in cols and not {"title", "description"} & cols):
        return "long"
    if "item_id" in cols:
        return "items"
    return None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_header(line: str) -> list[str]:
    return _header(next(csv.reader([line], delimiter=_delimiter(line)), []))


def _column(cell) -> str:
    """The column a header cell names: case, spaces and punctuation aside ("Item ID" -> "item_id",
    "Question No." -> "question_no", "Comments/Evidence" -> "comments_evidence")."""
    return re.sub(r"[\W_]+", "_", str(cell if cell is not None else "").strip().strip('"').lower()).strip("_")


def _header(cells: list) -> list[str]:
    """A header row's column names, the other names people give them read as ours ("Question" ->
    qid, "Coded as" -> code, "ID" -> item_id), unless the file also has the column by our name."""
    keys = [_column(c) for c in cells]
    out, taken = list(keys), set(keys)
    # Where two columns could be one of ours ("Question number" and "Question", "Evidence" and
    # "Response"), the name listed first in _COLUMN_ALIASES wins, whatever the columns' order.
    rank = {k: i for i, k in enumerate(_COLUMN_ALIASES)}
    for i in sorted((i for i, k in enumerate(keys) if k in _COLUMN_ALIASES), key=lambda i: (rank[keys[i]], i)):
        alias = _COLUMN_ALIASES[keys[i]]
        if alias not in taken:
            taken.add(alias)
            out[i] = alias
    return out


def _missing_columns(name: str, table: str, cells: list, missing: list[str]) -> IngestError:
    """The error for a table whose header row (`cells`, as written) lacks columns: what each kind
    of table needs, since the file may be meant as the other."""
    found = ", ".join(str(c).strip() for c in cells if c is not None and str(c).strip()) or "no column names"
    return IngestError(name, f"is missing required column(s) {', '.join(missing)}; found {found}.",
                       remedy=f"A {table} of returns needs columns qid, code, narrative and locality (region "
                              f"optional; one return may take its locality from the file name); a {table} of "
                              "good-practice items needs item_id, title, description (locality, region optional).")


# -- readers -----------------------------------------------------------------------

def _zip_kind(data: bytes) -> str:
    """What a zip container holds: "xlsx", "ods", "docx" or "zip" (anything else)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype"):
                return "ods"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return "xlsx"  # a damaged workbook: openpyxl says what is wrong with it
    return "zip"


def _load_workbook(name: str, data: bytes, *, data_only: bool):
    from zipfile import BadZipFile

    try:
        import openpyxl

        # From the bytes, not the path: openpyxl refuses a workbook whose name does not end .xlsx.
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise IngestError(name, f"is not a readable xlsx workbook ({type(exc).__name__}: {exc}).",
                          remedy="Open it in Excel and save it again as .xlsx, or export the return as csv.")
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise IngestError(name, f"is not a readable xlsx workbook ({type(exc).__name__}).",
                          remedy="Open it in Excel and save it again as .xlsx, or export the return as csv.")


def _cell_value(cell):
    """A cell's value, its text with Excel's `_xHHHH_` escapes decoded: a line break typed in Excel on
    Windows is stored as "_x000D_" plus a newline, and openpyxl leaves the escape in the text."""
    value = getattr(cell, "value", None)
    if isinstance(value, str) and "_x" in value:
        value = _XLSX_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _sheet_rows(ws) -> tuple[list[tuple[int, list]], list[tuple[int, int]]]:
    """A sheet's rows of values, and the (row, column) of every formula cell."""
    rows, formulas = [], []
    for i, r in enumerate(ws.iter_rows(), start=1):
        values = []
        for j, cell in enumerate(r):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((i, j))
            values.append(_cell_value(cell))
        rows.append((i, values))
    return rows, formulas


def _header_kind(rows: list[tuple[int, list]]) -> tuple[str, int]:
    """("long"/"items", index of the header row) when one of the first 20 non-empty rows of a sheet
    is the header of a long return table or of an items table (under a title block, perhaps);
    ("layout", 0) otherwise, and as soon as the stocktake layout's own header row comes;
    ("weak_long", index) for a row with a Locality column among others not known."""
    seen = 0
    weak: tuple[str, int] | None = None
    for k, (_i, r) in enumerate(rows):
        cells = [c for c in r if c is not None and str(c).strip()]
        if not cells:
            continue
        if is_layout_header(list(r)):
            return "layout", 0
        cols = set(_header(cells))
        if set(ITEM_COLUMNS) <= cols:
            return "items", k
        if {"qid", "code", "narrative"} <= cols or {"locality", "qid", "narrative"} <= cols:
            return "long", k
        if "locality" in cols and len(cells) >= 3 and not weak:
            weak = ("weak_long", k)
        seen += 1
        if seen == 20:
            break
    # A row with a Locality column and others not known ("Locality | Lead officer | Email") marks a
    # long table only in a workbook with no layout sheet (the caller decides): read as one, its
    # missing columns are named, where the layout's fixed columns would misread it.
    return weak or ("layout", 0)


def _has_layout_header(rows: list[tuple[int, list]], within: int = 30) -> bool:
    """Whether one of a sheet's first `within` non-empty rows is the stocktake layout's header."""
    filled = (r for _i, r in rows if any(c is not None and str(c).strip() for c in r))
    return any(is_layout_header(list(r)) for r, _k in zip(filled, range(within)))


def _read_xlsx_rows(name: str, data: bytes) -> tuple[str, list[tuple[str, list[tuple[int, list]], bool]], int]:
    """The kind of table a workbook holds and the (sheet title, rows, headed) that hold it, in the
    workbook's order, with (unheaded) the other sheets that hold question rows: a sheet
    "continued" without the layout's header (see `_layout_of_sheets`); and how many worksheets the
    workbook has (with more than one, a problem's row is named with its sheet).

    "layout": every sheet whose first rows hold the stocktake layout's header ("Codes used",
    "Coded as", "... Response"), in order, so a return laid out one sheet per section is read
    whole and a guidance sheet before the return is passed over; failing that, the first sheet
    that names those columns anywhere, else the first sheet with rows. "long", "items": the first
    sheet, before any sheet with the layout's header, that holds a long return table or an items
    table, from its header row; a sheet whose only known column is Locality counts as a long table
    only in a workbook with no layout sheet. Formula cells are read through the values Excel saved with them; a formula without
    one (a workbook written by a script and never opened in Excel) is an error, since its value is
    unknown."""
    wb = _load_workbook(name, data, data_only=False)
    try:
        sheets = []
        chosen: list[tuple[int, list]] = []
        kind = "layout"
        weak: list[tuple[int, list]] = []
        for n, ws in enumerate(wb.worksheets):
            rows, formulas = _sheet_rows(ws)
            sheets.append((ws.title, rows, formulas))
            sheet_kind, at = _header_kind(rows)
            if sheet_kind in ("long", "items") and not chosen:
                kind, chosen = sheet_kind, [(n, rows[at:])]
                break
            if sheet_kind == "weak_long" and not weak:
                weak = [(n, rows[at:])]
            elif sheet_kind == "layout" and _has_layout_header(rows):
                chosen.append((n, rows))
    except Exception as exc:
        raise IngestError(name, f"is a damaged xlsx workbook ({type(exc).__name__}: {exc}).",
                          remedy="Open it in Excel and save it again as .xlsx.")
    finally:
        wb.close()
    if not sheets:
        raise IngestError(name, "has no worksheet with cells (only chart sheets, or none).",
                          remedy="Give the workbook whose sheet holds the return.")
    if not chosen and weak:
        kind, chosen = "long", weak
    if not chosen:
        for n, (_t, rows, _f) in enumerate(sheets):
            text = " ".join(str(c) for _, r in rows[:80] for c in r if c is not None).lower()
            if "coded as" in text or "codes used" in text:
                chosen = [(n, rows)]
                break
    if not chosen:  # no sheet names its columns: the first sheet with rows
        n = next((k for k, (_t, rows, _f) in enumerate(sheets) if rows), 0)
        chosen = [(n, sheets[n][1])]
    taken = dict(chosen)
    # Another sheet that holds question rows but not the header (a "continued" sheet) goes with
    # them, unheaded, in the workbook's order.
    for k, (_t, rows, _f) in enumerate(sheets):
        if k not in taken and kind == "layout" and \
                sum(1 for _i, r in rows if any(QID_RE.match(str(c)) for c in r[:3] if c is not None)) >= 2:
            taken[k] = None
    return kind, [(sheets[n][0], _saved_values(name, data, n, sheets[n], sheets[n][1] if rows is None else rows),
                   rows is not None) for n, rows in sorted(taken.items())], len(sheets)


def _saved_values(name: str, data: bytes, n: int, sheet: tuple, rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    """`rows` of sheet `n` with each formula cell replaced by the value Excel saved with it."""
    title, _all, formulas = sheet
    if not formulas:
        return rows
    wanted = {i for i, _ in rows}
    cached = _load_workbook(name, data, data_only=True)
    saved: dict[int, list] = {}
    missing: set[tuple[int, int]] = set()  # cells with no saved result at all (not a saved "")
    try:
        for i, r in enumerate(cached.worksheets[n].iter_rows(), start=1):
            if i in wanted:
                saved[i] = [_cell_value(c) for c in r]
                missing.update((i, j) for j, c in enumerate(r)
                               if getattr(c, "value", None) is None and getattr(c, "data_type", "n") == "n")
    finally:
        cached.close()
    from openpyxl.utils import get_column_letter

    unsaved = [(i, j) for i, j in formulas if i in wanted and (j >= len(saved.get(i, [])) or (i, j) in missing)]
    if unsaved:
        i, j = unsaved[0]
        raise IngestError(name, f"has {len(unsaved)} formula cell(s) with no saved value (first: sheet {title!r}, "
                                f"cell {get_column_letter(j + 1)}{i}, row {i}), so their values are unknown.",
                          remedy="Open the workbook in Excel (or LibreOffice) and save it, or paste the cells as values.")
    return [(i, list(saved.get(i, r))) for i, r in rows]


def _layout_of_sheets(name: str, sheets: list[tuple[str, list[tuple[int, list]], bool]],
                      titles: dict[int, str] | None = None, *, named: bool = False) -> RawLayout:
    """One return laid out over one or more sheets (one per section, say), parsed sheet by sheet:
    `(title, rows, headed)` in the workbook's order. A sheet of question rows without the header
    (`headed` false: a "continued" sheet) is read with the columns of the header sheet before it
    when its rows fit them (W122), else not read (W119). Sheets whose titles name two localities
    are two returns: refused, naming them. `named`: the rows carry their sheet's title even when one
    sheet is read (a workbook with a guidance sheet before the return)."""
    read: list[tuple[str, RawLayout]] = []
    skipped, continued, header_sheet = [], [], None
    for k, (title, rows, headed) in enumerate(sheets):
        more = k < len(sheets) - 1
        if headed:
            lay = parse_layout(rows, section_titles=titles, more_sheets=more)
            header_sheet = (title, lay.columns)
        elif header_sheet is not None and _fits(lay := parse_layout(rows, section_titles=titles, more_sheets=more,
                                                                    columns=header_sheet[1])):
            continued.append((title, *header_sheet))
        else:
            skipped.append(title)
            continue
        read.append((title, lay))
    named = {(lay.title_locality or "").strip().lower(): title for title, lay in read if lay.title_locality}
    if len(named) > 1:
        (a, sa), (b, sb) = list(named.items())[:2]
        raise IngestError(name, f"has returns of two localities on its sheets: {sa!r} is titled {a!r} and {sb!r} "
                                f"{b!r}.", remedy="Save each locality's return as a workbook of its own.")
    out = read[0][1]
    out.sheets = [title for title, _lay in read]
    out.skipped_sheets, out.continued_sheets = skipped, continued
    for title, lay in read:
        if named or len(read) > 1:  # a problem's row number names a row of the sheet it names
            for r in lay.rows:
                r.sheet = title
            lay.unread_columns = [(col, header, n, first, title) for col, header, n, first, _s in lay.unread_columns]
        if lay is out:
            continue
        out.title_locality = out.title_locality or lay.title_locality
        out.rows += lay.rows
        out.unread_columns += lay.unread_columns
        for k, v in lay.sections.items():
            out.sections.setdefault(k, v)
    return out


def _on_sheet(got: InputFile, title: str) -> InputFile:
    """`got` with every problem that names a row filed under the sheet `title` it was read from."""
    def filed(problems: list[Problem]) -> list[Problem]:
        return [replace(p, sheet=title) if p.row is not None and not p.sheet else p for p in problems]

    got.problems = filed(got.problems)
    for r in got.returns:
        r.problems = filed(r.problems)
    return got


def _fits(lay: RawLayout) -> bool:
    """Whether a sheet read with another sheet's columns reads as question rows: ids in the
    question column, and in the code column codes (a number first, or blank) in nearly every row."""
    codes = [r.code for r in lay.rows]
    return bool(codes) and sum(1 for c in codes if not c or c[:1].isdigit()) >= 0.8 * len(codes)


def _text_rows(text: str) -> list[tuple[int, list[str]]]:
    return [(i, line.rstrip("\r").split("\t")) for i, line in enumerate(text.split("\n"), start=1)]


def read_layout(path: Path) -> RawLayout:
    """Read an xlsx or text dump in the stocktake layout into raw rows."""
    name = str(path)
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        return _layout_of_sheets(name, _read_xlsx_rows(name, data)[1])
    return parse_layout(_text_rows(_decode(name, data)))


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise IngestError(name, "does not exist.", remedy="Check the path.")
    except IsADirectoryError:
        raise IngestError(name, "is a folder, not a file.", remedy="Name the files inside it (e.g. DIR/*.xlsx).")
    except OSError as exc:
        raise IngestError(name, f"cannot be read ({exc.strerror}).")
    if not data.strip():
        raise IngestError(name, "is empty.", remedy="Export the return (or the table of items) again.")
    return data


def read_input(path: Path | str, *, codebook: Codebook | None = None,
               localities: Localities | None = None) -> InputFile:
    """Read one input file of any supported format. Raises `IngestError` if unreadable."""
    path = Path(path)
    name = str(path)
    codebook = codebook or load_codebook()
    localities = localities or load_localities()
    data = _read_bytes(path)
    try:
        return _read_data(path, data, codebook, localities)
    except WvtextError:
        raise
    except _CONTENT_ERRORS as exc:
        # Malformed content that a library trips over: this file's error, not the whole run's.
        if os.environ.get("WVTEXT_DEBUG"):
            raise
        raise IngestError(name, f"could not be read ({type(exc).__name__}: {exc}).",
                          remedy="Open it in the program that wrote it and save it again (as .xlsx, or as CSV "
                                 "UTF-8); if it still fails, report the file.") from exc


# What malformed bytes raise from the csv, zip, xml and openpyxl code that reads them.
_CONTENT_ERRORS = (csv.Error, UnicodeError, zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError,
                   SyntaxError, KeyError, IndexError, ValueError, TypeError, AttributeError)


def _read_data(path: Path, data: bytes, codebook: Codebook, localities: Localities) -> InputFile:
    name = str(path)
    digest = _sha256(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if _encrypted_ooxml(data):
            raise IngestError(name, "is password-protected (an encrypted workbook), so its cells cannot be read.",
                              remedy="Remove the password in Excel (File > Info > Protect Workbook > Encrypt with "
                                     "Password, clear it) and save it again.")
        raise IngestError(name, "is a legacy Excel .xls workbook.", remedy="Open it in Excel and save it as .xlsx.")
    if data.startswith(b"PK\x03\x04"):
        container = _zip_kind(data)
        if container == "ods":
            raise IngestError(name, "is an OpenDocument spreadsheet (.ods), not an xlsx workbook.",
                              remedy="Save it as .xlsx (File > Save As > Excel 2007-365) or export the return as csv.")
        if container == "docx":
            raise IngestError(name, "is a Word document, not a return.",
                              remedy="Give the return's xlsx workbook, or copy its table into a csv.")
        if container == "zip":
            raise IngestError(name, "is a zip archive.", remedy="Extract it and give wvtext the files inside.")
        kind, sheets, n_sheets = _read_xlsx_rows(name, data)
        if kind in ("long", "items"):
            rows = [(i, _cells(r)) for i, r in sheets[0][1]]
            got = _read_long_rows(name, digest, "long_xlsx", rows, codebook, localities) if kind == "long" \
                else _read_items_rows(name, digest, rows, localities, "items_xlsx")
            return _on_sheet(got, sheets[0][0]) if n_sheets > 1 else got
        layout = _layout_of_sheets(name, sheets, codebook.sections(), named=n_sheets > 1)
        ret = _from_layout(name, "xlsx", digest, layout, codebook, localities, path)
        return InputFile(name, "xlsx", digest, returns=[ret])
    if data.startswith(b"%PDF"):
        raise IngestError(name, "is a PDF.", remedy="Export the return from its spreadsheet as xlsx or csv.")
    text = _decode(name, data)
    kind = _sniff_text(text)
    if kind == "text":
        layout = parse_layout(_text_rows(text), section_titles=codebook.sections())
        ret = _from_layout(name, "text", digest, layout, codebook, localities, path)
        return InputFile(name, "text", digest, returns=[ret])
    if kind == "long_csv":
        return _read_long_csv(name, digest, text, codebook, localities)
    if kind == "items_csv":
        return _read_items_csv(name, digest, text, localities)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    cells = [c.strip() for c in re.split(r"[,\t;]", first) if c.strip()][:8]
    raise IngestError(
        name,
        "is not in a format wvtext reads" + (f"; its first line holds {', '.join(repr(c) for c in cells)}."
                                             if len(cells) > 1 else "."),
        remedy="Expected an xlsx in the stocktake layout, a text dump of a return, a csv with columns "
        "locality,qid,code,narrative, or an items csv with item_id,title,description.",
    )


def read_return_file(path: Path | str, **kwargs) -> ReturnData:
    """Read a file holding exactly one return (xlsx, text dump, or a one-locality csv)."""
    got = read_input(path, **kwargs)
    if len(got.returns) != 1:
        raise IngestError(str(path), f"holds {len(got.returns)} returns, not one.")
    return got.returns[0]


# -- returns -----------------------------------------------------------------------

def _locate(name: str, raw: str, path: Path, localities: Localities, problems: list[Problem],
            row: int | None = None, region_given: str = "") -> tuple[str, str, str, float]:
    """Return (locality, locality_raw, region, score); unknown places keep their raw name. A
    return's title is taken before its file name; where they name two localities, W117 says so
    (only one return of the two areas is kept, and the other may be the right one)."""
    for candidate in (raw, path.name):
        m = localities.match(candidate)
        if m:
            other = localities.match(path.name) if candidate == raw and row is None else None
            if other and other.locality.name != m.locality.name:
                problems.append(Problem("W117", name, row, "", "locality",
                                        f"the title names {m.locality.name} ({raw!r}) but the file name names "
                                        f"{other.locality.name}; read as {m.locality.name}. If it is "
                                        f"{other.locality.name}'s return, correct the title row."))
            return m.locality.name, raw or path.name, m.locality.region, m.score
    shown = raw or path.stem
    whence = (f"locality {shown!r}" if raw else
              f"the file has no locality (no title row), and its name {shown!r}")
    problems.append(Problem("W109", name, row, "", "locality",
                            f"{whence} is not one of the 152 stocktake localities; kept with "
                            + (f"the region its table gives ({region_given}). " if region_given else "a blank region. ")
                            + ("Check the spelling or add an alias to corpus/localities.csv." if raw else
                               "Name the file after its locality (e.g. 27_leicestershire.xlsx) or restore the title row.")))
    return shown, raw, "", 0.0


def _from_layout(name: str, fmt: str, digest: str, layout: RawLayout, codebook: Codebook,
                 localities: Localities, path: Path) -> ReturnData:
    problems: list[Problem] = []
    if not layout.rows:
        where = (f" in sheet(s) {', '.join(repr(t) for t in layout.sheets)}" if layout.sheets else "")
        column = f"column {_column_name(fmt, layout.question_column)}"
        found = (f" Header row {layout.header_row} was found; the question ids were looked for in its question "
                 f"column ({column})." if layout.header_row is not None else
                 f" No header row ('Codes used', 'Coded as', '... Response') was found, so the question ids were "
                 f"looked for in {column}, the export's usual place.")
        raise IngestError(name, f"has no question rows{where} (expected rows such as '1.1 Are you establishing "
                                f"...').{found}",
                          remedy="Check that this is a stocktake return, with the question ids (1.1 ... 11.3) at the "
                                 "start of the question column; for a csv use columns locality,qid,code,narrative.")
    locality, raw, region, score = _locate(name, layout.title_locality, path, localities, problems)
    synthetic = synthetic_file(path)
    rid = return_id_for(("synthetic " if synthetic else "") + locality)
    ret = ReturnData(rid, locality, raw, region, score, name, fmt, digest, problems=problems, synthetic=synthetic)
    for r in layout.rows:
        if r.continued:
            problems.append(Problem("W111", name, r.row, r.qid, "narrative",
                                    "the narrative ran onto following lines; they were joined.", r.sheet))
        if r.extra and fmt == "text":
            # A tab typed or pasted into a narrative ("We have:<tab>•<tab>a joint board") splits it
            # over the dump's columns: the cells past the table are the narrative's.
            r.narrative = " ".join([r.narrative, *(text for _i, text in r.extra)]).strip()
            problems.append(Problem("W112", name, r.row, r.qid, "narrative",
                                    f"the row has {len(r.extra)} more tab-separated cell(s) than the header; they were "
                                    "joined to the narrative (a tab inside the text?)."))
        elif r.extra:
            where = ", ".join(f"{_letter(i)}{r.row}" for i, _t in r.extra)
            problems.append(Problem("W112", name, r.row, r.qid, "",
                                    f"filled cell(s) {where} stand past the table's header and were not "
                                    "read. Move their text into the narrative's cell to have it analysed.", r.sheet))
    for title, header_sheet, cols in layout.continued_sheets:
        problems.append(Problem("W122", name, None, "", "",
                                f"the sheet has no header row; it was read with the columns of sheet {header_sheet!r}'s "
                                f"header (question ids in column {_letter(cols['question'])}, code in "
                                f"{_letter(cols['code'])}, narrative in {_letter(cols['narrative'])}). If its columns "
                                "differ, copy its own header row onto it.", title))
    for title in layout.skipped_sheets:
        problems.append(Problem("W119", name, None, "", "",
                                "the sheet holds question rows but not the header row ('Codes used', 'Coded as', "
                                "'... Response') that says which column is which, so it was not read. Copy the "
                                "header row onto it (or its rows onto the return's sheet).", title))
    for col, header, n, first, sheet in layout.unread_columns:
        problems.append(Problem("W112", name, first, "", "",
                                f"column {_column_name(fmt, col)} ({header!r}) stands past the "
                                f"narrative's and is not read ({n} question row(s) fill it). Move its text into the "
                                "narrative's cell to have it analysed.", sheet))
    entries = [(r.row, r.qid, r.code, r.narrative, r.sheet) for r in layout.rows]
    one_decimal = _one_decimal_ids([e[1] for e in entries], codebook)
    if one_decimal:
        problems.append(_two_decimals_problem(name, entries[0][0], [e[1] for e in entries]))
        entries = [(row, qid, *rest) for (row, _q, *rest), qid in zip(entries, one_decimal)]
    unknown = [(row, qid) for row, qid, *_ in entries if codebook.get(qid) is None]
    _add_answers(ret, entries, codebook, truncatable=True)
    if not ret.answers:
        raise IngestError(name, f"has no row with a question id of the stocktake (1.1 to 11.3); the first given is "
                                f"{layout.rows[0].qid!r}.", remedy="Number the question rows 1.1, 1.2, ... 11.3.")
    if len(unknown) > len(ret.answers):
        raise _mostly_unknown(name, unknown, len(ret.answers))
    return ret


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _column_name(fmt: str, column: int) -> str:
    """A 0-based column as its reader names it: a sheet's letter, a text dump's number."""
    return str(column + 1) if fmt == "text" else _letter(column)


def _cells(row: list) -> list[str]:
    """Worksheet values as the strings a csv would hold: 2.0 -> "2", a blank -> ""."""
    out = []
    for v in row:
        if v is None:
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def _read_long_csv(name: str, digest: str, text: str, codebook: Codebook, localities: Localities) -> InputFile:
    rows, delimiter = _table_rows(name, text)
    return _read_long_rows(name, digest, "long_csv", rows, codebook, localities, delimiter=delimiter)


def _fit_row(name: str, rownum: int, cells: list[str], n_cols: int, at: int, field: str, delimiter: str | None,
             problems: list[Problem], *, qid: str = "") -> list[str]:
    """A table row cut or padded to the header's `n_cols` cells. Blank cells past the table hold
    nothing; filled ones in a csv come from an unquoted separator inside the free text ("Yes, S75
    in place, reviewed annually"): the text's cell (`at`, named `field`) and the surplus after it
    are one cell, wherever it stands (W112). In a worksheet (`delimiter` None), where a cell cannot
    have been split, they are named as not read (W112)."""
    while len(cells) > n_cols and not cells[-1].strip():
        cells = cells[:-1]  # blank columns after the table (",,," on every row) hold nothing
    extra = len(cells) - n_cols
    if extra > 0 and delimiter is not None:
        cells = cells[:at] + [delimiter.join(cells[at:at + 1 + extra])] + cells[at + 1 + extra:]
        problems.append(Problem("W112", name, rownum, qid, field,
                                f"row has {extra} more cell(s) than the header; they were joined to the {field} (an "
                                f"unquoted separator in the text?). Quote the {field} to be sure."))
    elif extra > 0:
        problems.append(Problem("W112", name, rownum, qid, "",
                                f"row has {extra} filled cell(s) beyond the header's columns; they were not read. "
                                "Give them a header or delete them."))
    return cells[:n_cols] + [""] * (n_cols - len(cells))


def _repeated_header(name: str, rownum: int, cells: list[str], header: list[str], problems: list[Problem]) -> bool:
    """Whether a row repeats the table's header (two files pasted one under the other): skipped, said (W123)."""
    if _header(cells)[:len(header)] != header:
        return False
    problems.append(Problem("W123", name, rownum, "", "", "the row repeats the header row; it was skipped (two "
                                                           "tables pasted one under the other?)."))
    return True


def _table_word(fmt: str) -> str:
    return "sheet" if fmt.endswith("xlsx") else "csv"


def _read_long_rows(name: str, digest: str, fmt: str, rows: list[tuple[int, list[str]]], codebook: Codebook,
                    localities: Localities, *, delimiter: str | None = None) -> InputFile:
    """One return per locality (and return_id) of a long table: (row number, cells), header
    first, one row per answer. `delimiter`: the csv's separator (None for a worksheet, where a
    cell cannot have been split by a separator)."""
    header = _header(rows[0][1])
    while header and not header[-1]:
        header.pop()
    table = _table_word(fmt)
    missing = [c for c in RETURN_COLUMNS if c not in header and c != "locality"]
    if missing:
        raise _missing_columns(name, table, rows[0][1], missing)
    idx = {c: header.index(c) for c in (*RETURN_COLUMNS, "region", "return_id", "synthetic") if c in header}
    n_cols, at = len(header), idx["narrative"]
    file_problems: list[Problem] = []
    body: list[tuple[int, list[str]]] = []
    for rownum, cells in rows[1:]:
        if not any(c.strip() for c in cells) or _repeated_header(name, rownum, cells, header, file_problems):
            continue
        body.append((rownum, _fit_row(name, rownum, cells, n_cols, at, "narrative", delimiter, file_problems,
                                      qid=cells[idx["qid"]].strip())))
    if not body:
        raise IngestError(name, "has a header but no answer rows.", remedy=f"Check that the {table} is complete.")
    qids = [_qid(cells[idx["qid"]]) for _, cells in body]
    one_decimal = _one_decimal_ids(qids, codebook)
    if one_decimal:
        file_problems.append(_two_decimals_problem(name, body[0][0], qids))
        qids = one_decimal
    # No locality column, or a blank one: one return's rows take the locality the file's name gives,
    # as a return in the stocktake layout without its title row does; several returns' rows cannot.
    no_locality = "no locality column" if "locality" not in idx else (
        "a blank locality column" if not any(cells[idx["locality"]].strip() for _, cells in body) else "")
    one = bool(no_locality) and _one_return(qids, codebook)
    if no_locality and not (one and localities.match(Path(name).name)):
        if "locality" not in idx:
            raise _missing_columns(name, table, rows[0][1], ["locality"])
        raise IngestError(name, "has answer rows but none gives its locality"
                                + (", and its file name names no locality." if one else "."),
                          remedy="Fill the locality column (at least on the first row of each return)"
                                 + (", or name the file after its locality (e.g. 27_leicestershire.csv)." if one else "."))
    groups: dict[tuple[str, str], list[tuple[int, str, list[str]]]] = {}
    filled: list[int] = []
    previous, previous_rid = "", ""
    for (rownum, cells), qid in zip(body, qids):
        loc = cells[idx["locality"]].strip() if not no_locality else ""
        rid = cells[idx["return_id"]].strip() if "return_id" in idx else ""
        if not loc and previous:
            # The locality written once for its return, as spreadsheets are often filled in.
            loc, rid = previous, rid or previous_rid
            filled.append(rownum)
        if not loc and not no_locality:
            file_problems.append(Problem("W114", name, rownum, qid, "locality",
                                         "row has no locality (and no row above it has one); it was not imported. "
                                         "Fill the locality column."))
            continue
        previous, previous_rid = loc, rid
        groups.setdefault((loc, rid), []).append((rownum, qid, cells))
    if filled:
        file_problems.append(Problem("W113", name, filled[0], "", "locality",
                                     f"{len(filled)} row(s) have a blank locality (first at row {filled[0]}); each was "
                                     "given the locality of the row above. Fill the column if that is wrong."))
    out = InputFile(name, fmt, digest, problems=file_problems)
    path = Path(name)
    file_synthetic = synthetic_file(path)
    refused: list[tuple[str, list[tuple[int, str]], int, ReturnData]] = []  # (locality, its unknown (row, qid), answers kept, return)
    spelt: dict[str, tuple] = {}  # return id -> (first spelling, its return, problems before its answers, its rows)
    for (loc_raw, rid), grows in groups.items():
        problems: list[Problem] = []
        given = grows[0][2][idx["region"]].strip() if "region" in idx else ""
        given = given if given in REGIONS else ""
        locality, raw, region, score = _locate(name, loc_raw, path, localities, problems, row=grows[0][0],
                                               region_given=given)
        if no_locality:
            problems.append(Problem("W113", name, grows[0][0], "", "locality",
                                    f"the {table} has {no_locality}; its rows were read as one return of {locality}, "
                                    "the locality its file name gives. Fill the locality column if that is wrong."))
        region = region or given
        flag = grows[0][2][idx["synthetic"]].strip().lower() if "synthetic" in idx else ""
        ret = ReturnData(return_id_for(rid or locality), locality, raw, region, score, name, fmt, digest,
                         problems=problems, synthetic=file_synthetic or flag in ("1", "true", "yes"))
        entries = [(rownum, qid, cells[idx["code"]], cells[idx["narrative"]]) for rownum, qid, cells in grows]
        if ret.return_id in spelt:
            # Two spellings of one locality ("Rutland", "Rutland County Council") are one return:
            # its rows are read together, so a question given under both is a duplicate (W102).
            first_raw, first, base, earlier = spelt[ret.return_id]
            problems.append(Problem("W118", name, grows[0][0], "", "locality",
                                    f"{loc_raw!r} is {locality}, as {first_raw!r} is; their rows were read as one return."))
            out.returns = [r for r in out.returns if r is not first]
            refused = [r for r in refused if r[3] is not first]
            first.problems[:] = base + problems
            first.answers.clear()
            ret, entries, loc_raw = first, earlier + entries, first_raw
        spelt[ret.return_id] = (loc_raw, ret, list(ret.problems), entries)
        unknown = [(rownum, qid) for rownum, qid, *_ in entries if codebook.get(qid) is None]
        _add_answers(ret, entries, codebook, truncatable=False)
        if len(unknown) > len(ret.answers):
            # Mostly rows of no question: storing the few left would replace a full return stored before.
            refused.append((locality, unknown, len(ret.answers), ret))
            continue
        out.returns.append(ret)
    if not out.returns:
        _, unknown, kept, _ = refused[0]
        if not kept:
            raise IngestError(name, f"has no row with a question id of the stocktake (1.1 to 11.3); the first given is "
                                    f"{unknown[0][1]!r}.", remedy="Write the qid column as 1.1, 1.2, ... 11.3.")
        raise _mostly_unknown(name, unknown, kept)
    for locality, unknown, kept, _ in refused:
        out.problems.append(Problem("W101", name, None, "", "qid",
                                    f"{locality}: {len(unknown)} row(s) have no known question id (first {unknown[0][1]!r} at "
                                    f"row {unknown[0][0]}) and {kept} have one; nothing of it was imported, rather than "
                                    "replace a stored return by a near-empty one."))
    return out


def _qid(cell: str) -> str:
    """A qid cell's question id; a cell that also holds the question's text ("1.1 Are you
    establishing ...", under a "Question" header) gives the id it starts with."""
    qid = normalize_qid(cell)
    if re.fullmatch(r"\d{1,2}\.\d{1,2}", qid):
        return qid
    m = QID_RE.match(cell or "")
    return f"{int(m.group(1))}.{int(m.group(2))}" if m and m.group(3).strip() else qid


def _one_decimal_ids(qids: list[str], codebook: Codebook) -> list[str] | None:
    """The ids of a qid column formatted as numbers with two decimals ("1.10", "1.20", ... "11.30")
    read as written (1.1, 1.2, ...), or None when the ids are not all so written. Such a column
    writes 6.1 and 6.10 alike as "6.10": it is 6.10 where 6.10 stands, right after 6.9, and 6.1
    elsewhere (a second 6.1 is then read as 6.10 by `_add_answers`, as for a numeric qid)."""
    ids = [q for q in qids if re.fullmatch(r"\d{1,2}\.\d{1,2}", q)]
    if not ids or not all(_TWO_DECIMALS_RE.match(q) for q in ids) or all(codebook.get(q) for q in ids):
        return None
    order = codebook.qids
    out, prev = [], ""
    for q in qids:
        m = _TWO_DECIMALS_RE.match(q)
        if m and not (codebook.get(q) is not None and prev == order[order.index(q) - 1]):
            q = f"{m.group(1)}.{m.group(2)}"
        out.append(q)
        prev = q
    return out


def _two_decimals_problem(name: str, row: int | None, qids: list[str]) -> Problem:
    shown = ", ".join(repr(q) for q in qids[:2])
    return Problem("W116", name, row, "", "qid",
                   f"question ids are written with two decimals ({shown}, ...), as a qid column formatted as numbers "
                   "0.00 writes them; each was read without its last 0 (1.10 as 1.1), and 6.10 as 6.10 where it "
                   "follows 6.9 or repeats 6.1. Format the qid column as text.")


def _one_return(qids: list[str], codebook: Codebook) -> bool:
    """Whether rows are one return's answers: no question twice, but for a second 6.1 where 6.10
    is missing (6.10 typed in a cell Excel keeps as a number)."""
    counts = Counter(q for q in qids if codebook.get(q) is not None)
    return all(n == 1 or (n == 2 and codebook.get(q + "0") is not None and q + "0" not in counts)
               for q, n in counts.items())


def _mostly_unknown(name: str, unknown: list[tuple[int, str]], kept: int) -> IngestError:
    return IngestError(name, f"has {len(unknown)} row(s) whose question id is not one of the stocktake's (1.1 to "
                             f"11.3), the first {unknown[0][1]!r} at row {unknown[0][0]}, and only {kept} that are; it was "
                             "not imported, rather than replace a stored return by a near-empty one.",
                       remedy="Write the question ids as 1.1, 1.2, ... 11.3 (format the column as text).")


def interpret_code(raw: str, q: Question) -> tuple[list[int], bool, str, str | None]:
    """Return (codes, valid, code_class, problem_code) for a code cell as given."""
    text = normalize_text(raw)
    read_as = None
    if re.fullmatch(r"\d{1,2}\.0", text):  # Excel numbers
        text = text[:-2]
    if not text:
        return [], True, "", None
    if _CODE_LIST_RE.match(text):
        codes = [int(x) for x in re.findall(r"\d{1,2}", text)]
    else:
        m = _CODE_LABEL_RE.match(text)
        label = q.code(int(m.group(1))) if m else None
        if m and label and _same_label(m.group(2), label.label) and not _names_another(m.group(2), q, label):
            codes = [int(m.group(1))]
        else:
            # A label without its number ("Yes", "In progress"), written out exactly as in the scheme,
            # or else in other words of the one code of its answer class ("In progress" for "In
            # process", "Not applicable" for "N/A"; W124 says which code was read).
            same = [c.code for c in q.codes if _plain(c.label) == _plain(text)]
            if len(same) == 1:
                codes = same
            else:
                alike = _same_class(text, q)
                if alike is None:
                    return [], False, "", "W103"
                codes = [alike]
                read_as = "W124"
    if any(c not in q.code_values for c in codes):
        return codes, False, "", "W104"
    if len(codes) > 1 and q.kind == "yes_no":
        return codes, True, "", "W110"
    code_class = ""
    if q.kind == "yes_no":
        code_class = q.code(codes[0]).answer_class
    return codes, True, code_class, read_as


def _same_class(text: str, q: Question) -> int | None:
    """The code of `q` a label-like cell of a few words means when it is not one of the scheme's labels:
    the scheme's only code of the answer class the label rules give it (code_label_classes.csv), else
    None (no class, or two codes of it: "Yes" where the scheme has "Yes (Local)" and "Yes, regional only")."""
    if len(text.split()) > 4:
        return None
    cls = classify_label(text)
    of_class = [c.code for c in q.codes if cls and c.answer_class == cls]
    return of_class[0] if len(of_class) == 1 else None


def _plain(label: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", label.lower()))


def _same_label(given: str, label: str) -> bool:
    """Whether the label written beside a code number can be that code's: close to it, as a part
    of it or short for it ("1 - Y", "5 - In prog", "2 - SAF" for "Yes (via SAF)")."""
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(given.lower(), label.lower()) >= 80


def _names_another(given: str, q: Question, label) -> bool:
    """Whether the label beside a number is, word for word, another code's label and not this one's
    (`label`) ("2 - No" where 0 is "No" and 2 "Not clear"): the cell says two things, and neither
    is taken."""
    plain = _plain(given)
    return plain != _plain(label.label) and any(_plain(c.label) == plain for c in q.codes)


class _SheetProblems:
    """A return's problem list that files each problem under the sheet being read."""

    def __init__(self, problems: list[Problem]):
        self.problems, self.sheet = problems, ""

    def append(self, p: Problem) -> None:
        self.problems.append(replace(p, sheet=self.sheet) if self.sheet and not p.sheet else p)


def _add_answers(ret: ReturnData, entries: list[tuple], codebook: Codebook, *, truncatable: bool) -> None:
    """Each entry (row, qid, code, narrative[, sheet]) as an answer of `ret`, with its problems."""
    name = ret.source_file
    seen: dict[str, str] = {}  # qid -> where it was first given ("row 12", "sheet 'S2' row 12")
    problems = _SheetProblems(ret.problems)
    given = {e[1] for e in entries}
    order = codebook.qids
    before_tenth = {q: order[k - 1] for k, q in enumerate(order) if k and q.endswith(".10")}  # "6.10" -> "6.9"
    for rownum, qid, code_raw, narrative_raw, *sheet in entries:
        problems.sheet = sheet[0] if sheet else ""
        q = codebook.get(qid)
        if q is None:
            problems.append(Problem("W101", name, rownum, qid, "qid",
                                    f"question {qid!r} is not in the stocktake codebook (1.1 to 11.3); the row was not imported."))
            continue
        if qid in seen and codebook.get(qid + "0") is not None and qid + "0" not in seen and qid + "0" not in given \
                and before_tenth.get(qid + "0") in given:
            # Excel stores "6.10" typed in a cell as the number 6.1: the second 6.1 of a return that
            # reaches 6.9 but has no 6.10 is 6.10, after 6.9 or beside the first 6.1 (rows sorted by qid).
            problems.append(Problem("W115", name, rownum, qid + "0", "qid",
                                    f"question {qid} appears again (first at {seen[qid]}) and {qid}0 is missing; "
                                    f"read as {qid}0, which a spreadsheet shows as {qid}. Format the qid column as text."))
            qid, q = qid + "0", codebook.get(qid + "0")
        if qid in seen:
            problems.append(Problem("W102", name, rownum, qid, "qid",
                                    f"question {qid} appears again (first at {seen[qid]}); the first was kept, this row was not imported."))
            continue
        seen[qid] = (f"sheet {problems.sheet!r} " if problems.sheet else "") + f"row {rownum}"
        code_raw = "" if code_raw is None else str(code_raw).strip()
        narrative = normalize_text(narrative_raw)
        codes, valid, code_class, issue = interpret_code(code_raw, q)
        scheme = ", ".join(f"{c.code} {c.label}" for c in q.codes)
        if issue == "W103":
            problems.append(Problem("W103", name, rownum, qid, "code",
                                    f"code {code_raw!r} could not be read; expected a number from the scheme ({scheme}). Kept as given, marked invalid."))
        elif issue == "W104":
            problems.append(Problem("W104", name, rownum, qid, "code",
                                    f"code {code_raw!r} is outside the question's scheme ({scheme}); kept and marked invalid."))
        elif issue == "W124":
            label = q.code(codes[0]).label
            problems.append(Problem("W124", name, rownum, qid, "code",
                                    f"code {code_raw!r} is not a label of the scheme ({scheme}); read as {codes[0]} "
                                    f"{label!r}, its one code of the same answer class. Write the code number if "
                                    "another was meant."))
        elif issue == "W110":
            problems.append(Problem("W110", name, rownum, qid, "code",
                                    f"code {code_raw!r} gives several codes but question {qid} takes one; no answer class was given."))
        if not code_raw and narrative:
            problems.append(Problem("W105", name, rownum, qid, "code",
                                    "code is blank but there is a narrative; read as No Response (Blank=NR)."))
        if not narrative:
            problems.append(Problem("W106", name, rownum, qid, "narrative",
                                    "narrative is empty; expected the locality's response text."))
        ret.answers.append(Answer(qid, rownum, code_raw, codes, valid, code_class,
                                  "" if narrative_raw is None else str(narrative_raw), narrative))
    _check_missing(ret, codebook, truncatable)


def _check_missing(ret: ReturnData, codebook: Codebook, truncatable: bool) -> None:
    got = {a.qid for a in ret.answers}
    order = codebook.qids
    missing = [q for q in order if q not in got]
    if not missing:
        return
    tail: list[str] = []
    if truncatable and got:
        last = max(order.index(q) for q in got)
        tail = [q for q in order[last + 1 :]]
    last_row = max((a.row or 0) for a in ret.answers) if ret.answers else None
    if tail:
        ret.problems.append(Problem("W108", ret.source_file, last_row, tail[0], "",
                                    f"the file ends after question {order[order.index(tail[0]) - 1]}: "
                                    f"{len(tail)} question(s) from {tail[0]} to {tail[-1]} are missing. Is the file truncated?"))
    inner = [q for q in missing if q not in tail]
    if inner:
        ret.problems.append(Problem("W107", ret.source_file, None, inner[0], "qid",
                                    f"{len(inner)} question(s) missing: {codebook.runs(inner)}; "
                                    "they are treated as not answered."))


# -- items -------------------------------------------------------------------------

def _read_items_csv(name: str, digest: str, text: str, localities: Localities) -> InputFile:
    rows, delimiter = _table_rows(name, text)
    return _read_items_rows(name, digest, rows, localities, delimiter=delimiter)


def _read_items_rows(name: str, digest: str, rows: list[tuple[int, list[str]]], localities: Localities,
                     fmt: str = "items_csv", *, delimiter: str | None = None) -> InputFile:
    """The items of an items table: (row number, cells), header first. `delimiter`: the csv's
    separator (None for a worksheet)."""
    header = _header(rows[0][1])
    while header and not header[-1]:
        header.pop()
    missing = [c for c in ITEM_COLUMNS if c not in header]
    if missing:
        raise _missing_columns(name, _table_word(fmt), rows[0][1], missing)
    out = InputFile(name, fmt, digest)
    seen: dict[str, int] = {}
    for rownum, cells in rows[1:]:
        if not any(c.strip() for c in cells) or _repeated_header(name, rownum, cells, header, out.problems):
            continue
        cells = _fit_row(name, rownum, cells, len(header), header.index("description"), "description", delimiter,
                         out.problems)
        rec = dict(zip(header, (c.strip() for c in cells)))
        item_id = rec.get("item_id", "")
        if not item_id:
            out.problems.append(Problem("W101", name, rownum, "", "item_id", "item has no item_id; it was not imported."))
            continue
        if item_id in seen:
            out.problems.append(Problem("W102", name, rownum, "", "item_id",
                                        f"item_id {item_id!r} appears again (first at row {seen[item_id]}); this row was not imported."))
            continue
        seen[item_id] = rownum
        desc = normalize_text(rec.get("description"))
        if not desc and not normalize_text(rec.get("title")):
            out.problems.append(Problem("W106", name, rownum, "", "description",
                                        f"item {item_id!r} has neither a title nor a description; it was not "
                                        "imported (an item with no text can join no collection)."))
            continue
        if not desc:
            out.problems.append(Problem("W106", name, rownum, "", "description",
                                        f"item {item_id!r} has an empty description (its title alone is read)."))
        locality, region = rec.get("locality", ""), rec.get("region", "")
        m = localities.match(locality) if locality else None
        if m:
            locality, region = m.locality.name, m.locality.region
        elif locality:
            out.problems.append(Problem("W109", name, rownum, "", "locality",
                                        f"item {item_id!r}: locality {locality!r} is not one of the 152 stocktake "
                                        f"localities; kept as written{' with the region given' if region else ''}. "
                                        "Check the spelling or add an alias to corpus/localities.csv."))
        out.items.append({
            "item_id": item_id,
            "title": normalize_text(rec.get("title")),
            "description": desc,
            "description_raw": rec.get("description", ""),
            "source": rec.get("source") or Path(name).name,
            "locality": locality,
            "region": region,
            "kind": rec.get("kind", ""),
        })
    return out
