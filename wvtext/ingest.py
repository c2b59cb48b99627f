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
- the long and items tables also as xlsx sheets (every sheet with the table's header, their header
  row first or under a title block, and a sheet continued without it).
Header names are matched without case, spaces or underscores, with the usual other names
("Question" for qid, "Coded as" for code, "Response" for narrative, "ID" for item_id).
What a spreadsheet's formatting did to a cell is undone and said: a hidden second code column
(W125), a merged cell (W126), a code shown as a date (W127).
A file that cannot be read raises `IngestError` (one line, with a remedy, never an exception's
class name); nothing is stored for it. So does malformed content that trips a library (csv,
zip, xml): one bad file among many is reported like any other, never an internal error.
"""
from __future__ import annotations

import csv
import datetime
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
from .layout import QID_PREFIX, QID_RE, RawLayout, is_layout_header, parse_layout, qid_as_written
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
    # returns of a table with several localities that were not read, each with why (the rest were):
    # a run that meets one is not a success
    refused: list[str] = field(default_factory=list)

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
    else:
        wide = _utf16_without_bom(data)
        if wide:
            try:
                return data.decode(wide)
            except UnicodeDecodeError as exc:
                raise IngestError(name, f"looks like {wide.upper()} text without a byte-order mark, but could not be "
                                        f"decoded as such (at byte {exc.start}).",
                                  remedy="Save it again as UTF-8 (in Excel: 'CSV UTF-8').")
    if b"\x00" in data:
        _refuse_nul_bytes(name, data)
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


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-be" or "utf-16-le" for text saved as UTF-16 without a byte-order mark, known by its NUL
    bytes: the high byte of nearly every character of Latin text is 0, so one of each two bytes
    (the first in big-endian order, the second in little-endian) is NUL and the other almost never."""
    sample = data[:8192]
    sample = sample[:len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    first, second = sample[0::2], sample[1::2]
    for zeros, others, codec in ((first, second, "utf-16-be"), (second, first, "utf-16-le")):
        if zeros.count(0) >= 0.6 * len(zeros) and others.count(0) <= 0.02 * len(others):
            return codec
    return None


# Control bytes that text does not hold (tab, line breaks, form feed and ESC aside).
_CONTROL_BYTES = bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


def _refuse_nul_bytes(name: str, data: bytes) -> None:
    """A file with NUL bytes is refused: a binary file (many NULs or other control bytes) as such,
    a text file with a few NUL bytes (left by a damaged copy or save) naming the line of the first,
    rather than read with them or silently without them."""
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    nuls = data.count(0)
    if controls > 0.01 * len(sample) or nuls > max(16, len(data) // 1000):
        raise IngestError(name, "is a binary file, not text, xlsx or csv.",
                          remedy="Give an xlsx workbook, a csv or a text dump of a return.")
    first = data.index(0)
    raise IngestError(name, f"is a text file that holds {nuls} NUL byte(s) (character 0; the first on "
                            f"{_line_at(data, first)}, byte {first + 1}), which no csv or text export holds: the file was "
                            "damaged in saving or copying.",
                      remedy="Remove the NUL byte(s) in a text editor (shown as NUL or ^@) and save the file as UTF-8, "
                             "or export it again from the program that wrote it.")


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


def _csv_rows(name: str, text: str, delimiter: str, lines: dict[int, int] | None = None) -> list[tuple[int, list[str]]]:
    """(row number, cells) of a csv; a row the csv module cannot read is an error naming it, and
    so is a quoted cell still open at the end of the file (a stray quote, or a file cut short),
    which the csv module would otherwise read as running on over every later row. `lines`, when
    given, is filled with the line each row starts on."""
    rows: list[list[str]] = []
    for strict in (True, False):
        # CR, LF or CRLF rows; LF in a cell kept
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
        rows, started, starts = [], 1, {}
        try:
            for cells in reader:
                rows.append(cells)
                starts[len(rows)] = started
                started = reader.line_num + 1
            if lines is not None:
                lines.update(starts)
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


def _table_rows(name: str, text: str) -> tuple[list[tuple[int, list[str]]], str, dict[int, int]]:
    """A csv's rows from its header on (a title block above it is passed over), its separator, and
    the line each row starts on."""
    lines = [l for l in text.splitlines() if l.strip()][:_TITLE_LINES]
    first = next((l for l in lines if _table_kind(_csv_header(l))), lines[0])
    delimiter = _delimiter(first)
    starts: dict[int, int] = {}
    rows = _csv_rows(name, text, delimiter, starts)
    at = next((k for k, (_n, cells) in enumerate(rows[:_TITLE_LINES * 2]) if _table_kind(_header(cells))), 0)
    return rows[at:], delimiter, starts


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
    """The workbook, read only, without its chart sheets: they hold no cells, and openpyxl trips
    over some (an empty chart sheet that opens a workbook)."""
    try:
        from openpyxl.reader.excel import ExcelReader

        # From the bytes, not the path: openpyxl refuses a workbook whose name does not end .xlsx.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=data_only)
        reader.read_chartsheet = lambda *args, **kwargs: None  # a chart sheet is passed over
        reader.read()
        return reader.wb
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise IngestError(name, f"is not a readable xlsx workbook ({_what_went_wrong(exc)}).",
                          remedy="Open it in Excel and save it again as .xlsx, or export the return as csv.")


# What a library's error means, in words (a user is never shown an exception's class name); the
# error's own text is added where it says something about the file rather than about the code.
_ERROR_WORDS = (
    (zipfile.BadZipFile, "its zip container is damaged", True),
    (zlib.error, "a compressed part of it is damaged", True),
    (EOFError, "it ends too soon (cut short?)", False),
    (KeyError, "a part it refers to is missing", True),
    (UnicodeError, "it holds bytes that are not text in its encoding", True),
    (SyntaxError, "a part of it is malformed XML", True),
    (csv.Error, "a row could not be parsed as csv", True),
    (struct.error, "a binary record in it is damaged", False),
    (OSError, "its content could not be read", True),
    (ValueError, "it holds a malformed value", True),
)


def _what_went_wrong(exc: BaseException) -> str:
    """What a library's exception says about a file, in words, without the exception's class name."""
    words, detailed = next(((w, d) for t, w, d in _ERROR_WORDS if isinstance(exc, t)),
                           ("its content is not what the format requires", False))
    detail = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc).strip()
    if detailed and detail and len(detail) <= 160 and "\n" not in detail:
        words += f": {detail}"
    return words


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


@dataclass
class _Sheet:
    """A worksheet as read: its rows of values, its formula cells, and what openpyxl's read-only
    reader does not give: its hidden columns (0-based) and merged ranges (row, column, last row,
    last column; rows 1-based, columns 0-based)."""

    title: str
    rows: list[tuple[int, list]]
    formulas: list[tuple[int, int]]
    part: str = ""  # the sheet's XML part in the archive
    hidden: frozenset[int] = frozenset()
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class _Book:
    """What a workbook holds: `kind` ("layout", "long", "items"); `parts`, the sheets read, in
    order: (sheet index, rows, headed), a sheet without the table's header (a "continued" one)
    unheaded; every worksheet; and the sheets of rows not read, with why (W119)."""

    kind: str
    parts: list[tuple[int, list[tuple[int, list]], bool]]
    sheets: list[_Sheet]
    unread: list[tuple[str, str]] = field(default_factory=list)
    epoch: object = None  # the workbook's date system (1900 or 1904)


_COL_XML = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ATTR_XML = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')
_MERGE_XML = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?"')


def _mark_sheets(data: bytes, sheets: list[_Sheet]) -> None:
    """Each sheet's hidden columns and merged ranges, read from its XML part."""
    from openpyxl.utils import column_index_from_string

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for sheet in sheets:
                try:
                    xml = z.read(sheet.part.lstrip("/")) if sheet.part else b""
                except KeyError:
                    continue
                at = xml.find(b"sheetData")
                head, tail = (xml[:at], xml[xml.rfind(b"sheetData"):]) if at >= 0 else (xml, b"")
                hidden: set[int] = set()
                for m in _COL_XML.finditer(head):
                    attrs = dict(_ATTR_XML.findall(m.group(1)))
                    if attrs.get(b"hidden", b"").lower() in (b"1", b"true"):
                        lo, hi = int(attrs.get(b"min", b"0") or 0), int(attrs.get(b"max", b"0") or 0)
                        hidden.update(range(max(lo, 1) - 1, min(hi, 16384)))
                merged = []
                for m in _MERGE_XML.finditer(tail):
                    c1, r1 = column_index_from_string(m.group(1).decode().upper()) - 1, int(m.group(2))
                    c2 = column_index_from_string(m.group(3).decode().upper()) - 1 if m.group(3) else c1
                    r2 = int(m.group(4)) if m.group(4) else r1
                    merged.append((r1, c1, r2, c2))
                sheet.hidden, sheet.merged = frozenset(hidden), merged
    except (zipfile.BadZipFile, ValueError, OSError, zlib.error):
        return  # what could be read of the cells was read; only these marks are missing


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


def _filled_rows(rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    return [(i, r) for i, r in rows if any(c is not None and str(c).strip() for c in r)]


def _read_xlsx_rows(name: str, data: bytes) -> _Book:
    """What a workbook holds (see `_Book`), in the workbook's order.

    "layout": every sheet whose first rows hold the stocktake layout's header ("Codes used",
    "Coded as", "... Response"), in order, so a return laid out one sheet per section is read
    whole and a guidance sheet before the return is passed over; failing that, the first sheet
    that names those columns anywhere, else the first sheet with rows; with them (unheaded) the
    other sheets that hold question rows: a sheet "continued" without the header (see
    `_layout_of_sheets`). "long", "items": from the first sheet, before any sheet with the
    layout's header, that holds a long return table or an items table, every sheet that holds
    that table's header (each read from its header row), and a sheet of rows without a header
    right after one read, when its rows fit that header's columns (`_table_parts`); a sheet whose
    only known column is Locality counts as a long table only in a workbook with no layout sheet.
    Chart sheets are passed over. Formula cells are read through the values Excel saved with them;
    a formula without one (a workbook written by a script and never opened in Excel) is an error,
    since its value is unknown."""
    wb = _load_workbook(name, data, data_only=False)
    try:
        sheets = []
        for ws in wb.worksheets:
            rows, formulas = _sheet_rows(ws)
            sheets.append(_Sheet(ws.title, rows, formulas, str(getattr(ws, "_worksheet_path", "") or "")))
        epoch = getattr(wb, "epoch", None)
    except Exception as exc:
        raise IngestError(name, f"is a damaged xlsx workbook ({_what_went_wrong(exc)}).",
                          remedy="Open it in Excel and save it again as .xlsx.")
    finally:
        wb.close()
    if not sheets:
        raise IngestError(name, "has no worksheet with cells (only chart sheets, or none).",
                          remedy="Give the workbook whose sheet holds the return.")
    _mark_sheets(data, sheets)
    kinds = [_header_kind(s.rows) for s in sheets]
    laid_out = [n for n, s in enumerate(sheets) if kinds[n][0] == "layout" and _has_layout_header(s.rows)]
    table = next((n for n, (k, _at) in enumerate(kinds) if k in ("long", "items")), None)
    if table is not None and not (laid_out and laid_out[0] < table):
        parts, unread = _table_parts(sheets, kinds, table)
        book = _Book(kinds[table][0], parts, sheets, unread, epoch)
    else:
        chosen = [(n, sheets[n].rows) for n in laid_out]
        kind = "layout"
        weak = next((n for n, (k, _at) in enumerate(kinds) if k == "weak_long"), None)
        if not chosen and weak is not None:
            kind, chosen = "long", [(weak, sheets[weak].rows[kinds[weak][1]:])]
        if not chosen:
            for n, s in enumerate(sheets):
                text = " ".join(str(c) for _, r in s.rows[:80] for c in r if c is not None).lower()
                if "coded as" in text or "codes used" in text:
                    chosen = [(n, s.rows)]
                    break
        if not chosen:  # no sheet names its columns: the first sheet with rows
            n = next((k for k, s in enumerate(sheets) if s.rows), 0)
            chosen = [(n, sheets[n].rows)]
        taken: dict[int, list | None] = dict(chosen)
        # Another sheet that holds question rows but not the header (a "continued" sheet) goes with
        # them, unheaded, in the workbook's order.
        for k, s in enumerate(sheets):
            if k not in taken and kind == "layout" and \
                    sum(1 for _i, r in s.rows if any(QID_RE.match(str(c)) for c in r[:3] if c is not None)) >= 2:
                taken[k] = None
        book = _Book(kind, [(n, rows if rows is not None else sheets[n].rows, rows is not None)
                            for n, rows in sorted(taken.items())], sheets, [], epoch)
    book.parts = [(n, _saved_values(name, data, n, sheets[n], rows), headed) for n, rows, headed in book.parts]
    return book


_TABLE_COLUMNS = {"long": "locality, qid, code, narrative", "items": "item_id, title, description"}


def _table_parts(sheets: list[_Sheet], kinds: list[tuple[str, int]], first: int
                 ) -> tuple[list[tuple[int, list[tuple[int, list]], bool]], list[tuple[str, str]]]:
    """The sheets of a long or items table (the kind of sheet `first`): each sheet with its header
    (from the header row on), and a sheet of rows without one right after a sheet read, when its
    rows fit the columns of the header before it (a table "continued" on the next sheet: W122).
    Every other sheet with rows of several cells is named as not read, with why (W119): a guidance
    sheet of one-cell lines is passed over."""
    kind = kinds[first][0]
    word = "table of returns" if kind == "long" else "items table"
    parts: list[tuple[int, list[tuple[int, list]], bool]] = []
    unread: list[tuple[str, str]] = []
    header: list[str] = []
    header_title, after_read = "", False
    for n, sheet in enumerate(sheets):
        k, at = kinds[n]
        filled = _filled_rows(sheet.rows)
        if n >= first and k == kind:
            parts.append((n, sheet.rows[at:], True))
            header = _header(sheet.rows[at][1])
            header_title, after_read = sheet.title, True
            continue
        if not filled:
            continue  # an empty sheet between two of the table's keeps them together
        several = any(sum(1 for c in r if c is not None and str(c).strip()) >= 2 for _i, r in filled)
        if k in ("long", "items"):
            unread.append((sheet.title, f"the sheet holds {'a table of returns' if k == 'long' else 'an items table'} "
                                        f"(its header: {_TABLE_COLUMNS[k]}), but the workbook is read as an {word} "
                                        f"(sheet {sheets[first].title!r}); it was not read. Save it as a workbook of "
                                        "its own."))
        elif _has_layout_header(sheet.rows):
            unread.append((sheet.title, f"the sheet holds a return in the stocktake layout, but the workbook is read as "
                                        f"an {word} (sheet {sheets[first].title!r}); it was not read. Save it as a "
                                        "workbook of its own."))
        elif after_read and _rows_fit(kind, header, filled):
            parts.append((n, sheet.rows, False))
            continue
        elif several and n > first:
            why = (f"its rows do not fit the columns of sheet {header_title!r}'s header" if after_read else
                   "it does not follow a sheet of the table")
            unread.append((sheet.title, f"the sheet holds {len(filled)} row(s) but not the {word}'s header row "
                                        f"({_TABLE_COLUMNS[kind]}), and {why}, so it was not read. Copy the header row "
                                        "onto it (or its rows onto the table's sheet)."))
        after_read = False
    return parts, unread


def _rows_fit(kind: str, header: list[str], filled: list[tuple[int, list]]) -> bool:
    """Whether a sheet's rows, without a header, read as rows of the table whose header is
    `header`: question ids in its qid column (items: an id in its item_id column and a title or
    description beside it) in nearly every row."""
    def cell(r: list, col: str) -> str:
        i = header.index(col) if col in header else -1
        return str(r[i]).strip() if 0 <= i < len(r) and r[i] is not None else ""

    if kind == "long":
        good = sum(1 for _i, r in filled if _BARE_QID_RE.match(_cells([cell(r, "qid")])[0]))
    else:
        good = sum(1 for _i, r in filled if cell(r, "item_id") and (cell(r, "title") or cell(r, "description")))
    return good >= 0.8 * len(filled)


def _saved_values(name: str, data: bytes, n: int, sheet: _Sheet, rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    """`rows` of sheet `n` with each formula cell replaced by the value Excel saved with it."""
    if not sheet.formulas:
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

    unsaved = [(i, j) for i, j in sheet.formulas if i in wanted and (j >= len(saved.get(i, [])) or (i, j) in missing)]
    if unsaved:
        i, j = unsaved[0]
        raise IngestError(name, f"has {len(unsaved)} formula cell(s) with no saved value (first: sheet {sheet.title!r}, "
                                f"cell {get_column_letter(j + 1)}{i}, row {i}), so their values are unknown.",
                          remedy="Open the workbook in Excel (or LibreOffice) and save it, or paste the cells as values.")
    return [(i, list(saved.get(i, r))) for i, r in rows]


# -- cells a workbook's formatting changed -------------------------------------------

_DATES = (datetime.datetime, datetime.date, datetime.time)


def _date_code(value, epoch) -> tuple[str, int | None]:
    """A code cell Excel shows as a date: (its text, the code) where the number Excel stores (the
    date's serial: 1900-01-03 is 3) is a whole number a code can be, else (the date as shown, None)
    (a code such as "5-6" that Excel turned into 5 June)."""
    from openpyxl.utils.datetime import to_excel

    try:
        serial = to_excel(value, epoch) if epoch is not None else to_excel(value)
    except (TypeError, ValueError, OverflowError):
        serial = None
    if serial is not None and float(serial).is_integer() and 0 <= serial <= 99:
        return str(int(serial)), int(serial)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M"), None
    return value.strftime("%d/%m/%Y"), None


def _date_problem(name: str, ref: str, row: int, qid: str, value, code: int | None, sheet: str = "") -> Problem:
    if code is not None:
        shown = value.strftime("%H:%M") if isinstance(value, datetime.time) else value.strftime("%d/%m/%Y")
        return Problem("W127", name, row, qid, "code",
                       f"cell {ref} holds the code as a date ({shown}: a column formatted as dates shows the number "
                       f"{code} so); read as {code}. Format the code column as Number.", sheet)
    return Problem("W127", name, row, qid, "code",
                   f"cell {ref} holds a date ({_date_code(value, None)[0]}), not a code: Excel turns codes such as "
                   "'5-6' or '5/6' typed in a cell into dates. Kept as written, invalid; format the code column as "
                   "Text and type the code(s) again (e.g. '5, 6').", sheet)


def _merged_below(sheet: _Sheet) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """(row, column) -> its merged range, for each cell below the first row of a range that spans
    rows, in the range's first column (where its value stands; a range across columns keeps its
    value in its first one only)."""
    out = {}
    for r1, c1, r2, c2 in sheet.merged:
        for r in range(r1 + 1, r2 + 1):
            out[(r, c1)] = (r1, c1, r2, c2)
    return out


def _range_ref(rng: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = rng
    return f"{_letter(c1)}{r1}:{_letter(c2)}{r2}"


def _repair_layout_cells(name: str, sheet: _Sheet, rows: list[tuple[int, list]], lay: RawLayout, epoch,
                         named: bool) -> None:
    """The question rows of a sheet in the layout with what its formatting hid: a code or narrative
    cell merged down over the next question's row read into that row too (W126), and a code cell
    formatted as a date read as the number Excel stores (W127)."""
    values = dict(rows)
    below = _merged_below(sheet)
    by_row = {r.row: r for r in lay.rows}
    title = sheet.title if named else ""
    spread: dict[tuple, list[str]] = {}

    def raw(row: int, col: int):
        cells = values.get(row, [])
        return cells[col] if col < len(cells) else None

    for r in lay.rows:
        for fld in ("code", "narrative"):
            col = lay.columns.get(fld)
            if col is None:
                continue
            value = raw(r.row, col)
            rng = below.get((r.row, col))
            if rng and not getattr(r, fld) and (value is None or str(value).strip() == ""):
                value = raw(rng[0], col)
                if value is None or str(value).strip() == "":
                    continue
                setattr(r, fld, _layout_text(value) if not isinstance(value, _DATES) else "")
                spread.setdefault((rng, fld), []).append(r.qid)
            if fld == "code" and isinstance(value, _DATES):
                r.code, code = _date_code(value, epoch)
                lay.problems.append(_date_problem(name, f"{_letter(col)}{r.row}", r.row, r.qid, value, code, title))
    for (rng, fld), qids in spread.items():
        top = by_row.get(rng[0])
        lay.problems.append(Problem("W126", name, rng[0], top.qid if top else qids[0], fld,
                                    f"cells {_range_ref(rng)} are merged: the {fld} in {_letter(rng[1])}{rng[0]}"
                                    f"{f' (question {top.qid})' if top else ''} was read for question(s) "
                                    f"{', '.join(qids)} as well. Unmerge the cells and fill each question's {fld}.",
                                    title))


def _layout_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _repair_table_cells(name: str, sheet: _Sheet, rows: list[tuple[int, list]], header: list[str], epoch,
                        problems: "_SheetProblems", *, skip: int = 0) -> list[tuple[int, list[str]]]:
    """A table sheet's rows as text (from row `skip` on) with what its formatting hid: a cell
    merged down over the next rows read into each (W126), and a code formatted as a date read as
    the number Excel stores (W127)."""
    below = _merged_below(sheet)
    values = {i: list(r) for i, r in rows}
    spread: dict[tuple, int] = {}
    first = rows[skip][0] if rows[skip:] else 0
    for i, r in rows[skip:]:
        for (row, col), rng in below.items():
            if row != i or rng[0] < first:  # a range that starts in the header (or above) fills nothing
                continue
            cells = values[i]
            top = values.get(rng[0], [])
            if rng[0] in values and col < len(top) and top[col] is not None and str(top[col]).strip() != "" and \
                    (col >= len(cells) or cells[col] is None or str(cells[col]).strip() == ""):
                cells.extend([None] * (col + 1 - len(cells)))
                cells[col] = top[col]
                spread[rng] = spread.get(rng, 0) + 1
    code = header.index("code") if "code" in header else None
    out = []
    for i, _r in rows[skip:]:
        cells = values[i]
        if code is not None and code < len(cells) and isinstance(cells[code], _DATES):
            text, number = _date_code(cells[code], epoch)
            problems.append(_date_problem(name, f"{_letter(code)}{i}", i, "", cells[code], number))
            cells[code] = text
        out.append((i, _cells(cells)))
    for rng, n in spread.items():
        shown = values[rng[0]][rng[1]]
        problems.append(Problem("W126", name, rng[0], "", header[rng[1]] if rng[1] < len(header) else "",
                                f"cells {_range_ref(rng)} are merged: the value of {_letter(rng[1])}{rng[0]} "
                                f"({_cells([shown])[0][:60]!r}) was read into each of the {n} row(s) below it in the "
                                "range. Unmerge the cells and fill each row."))
    return out


def _layout_of_sheets(name: str, sheets: list[tuple[_Sheet, list[tuple[int, list]], bool]],
                      titles: dict[int, str] | None = None, *, named: bool = False, epoch=None) -> RawLayout:
    """One return laid out over one or more sheets (one per section, say), parsed sheet by sheet:
    `(sheet, rows, headed)` in the workbook's order. A sheet of question rows without the header
    (`headed` false: a "continued" sheet) is read with the columns of the header sheet before it
    when its rows fit them (W122), else not read (W119). Sheets whose titles name two localities
    are two returns: refused, naming them. `named`: the rows carry their sheet's title even when one
    sheet is read (a workbook with a guidance sheet before the return)."""
    read: list[tuple[str, RawLayout]] = []
    skipped, continued, header_sheet = [], [], None
    problems: list[Problem] = []
    for k, (sheet, rows, headed) in enumerate(sheets):
        title = sheet.title
        more = k < len(sheets) - 1
        if headed:
            lay = parse_layout(rows, section_titles=titles, more_sheets=more, hidden_columns=sheet.hidden)
            header_sheet = (title, lay.columns)
            if lay.code_candidates:
                problems.append(_code_columns_problem(name, "xlsx", lay.code_candidates, lay.columns["code"],
                                                      lay.header_row, title if (named or len(sheets) > 1) else ""))
        elif header_sheet is not None and _fits(lay := parse_layout(rows, section_titles=titles, more_sheets=more,
                                                                    columns=header_sheet[1])):
            continued.append((title, *header_sheet))
        else:
            skipped.append(title)
            continue
        _repair_layout_cells(name, sheet, rows, lay, epoch, named or len(sheets) > 1)
        read.append((title, lay))
    localities = {(lay.title_locality or "").strip().lower(): title for title, lay in read if lay.title_locality}
    if len(localities) > 1:
        (a, sa), (b, sb) = list(localities.items())[:2]
        raise IngestError(name, f"has returns of two localities on its sheets: {sa!r} is titled {a!r} and {sb!r} "
                                f"{b!r}.", remedy="Save each locality's return as a workbook of its own.")
    if not read:
        out = RawLayout()
        out.skipped_sheets = skipped
        return out
    out = read[0][1]
    out.sheets = [title for title, _lay in read]
    out.skipped_sheets, out.continued_sheets = skipped, continued
    out.problems = problems + out.problems
    for title, lay in read:
        if named or len(read) > 1:  # a problem's row number names a row of the sheet it names
            for r in lay.rows:
                r.sheet = title
            lay.unread_columns = [(col, header, n, first, title) for col, header, n, first, _s in lay.unread_columns]
        if lay is out:
            continue
        if not out.title_locality:
            out.title_locality, out.title_split = lay.title_locality, lay.title_split
        out.title_region = out.title_region or lay.title_region
        out.rows += lay.rows
        out.unread_columns += lay.unread_columns
        out.problems += lay.problems
        for k, v in lay.sections.items():
            out.sections.setdefault(k, v)
    return out


def _code_columns_problem(name: str, fmt: str, candidates: list[tuple[int, str, bool]], chosen: int,
                          row: int | None, sheet: str = "") -> Problem:
    """W125: two or more header cells could name the code column; which was read, and why."""
    def named(c: tuple[int, str, bool]) -> str:
        return f"{_column_name(fmt, c[0])} ({c[1]!r}{', hidden' if c[2] else ''})"

    candidates = sorted(candidates)
    read = next(c for c in candidates if c[0] == chosen)
    others = [c for c in candidates if c[0] != chosen]
    why = ("the other is hidden" if any(c[2] for c in others) and not read[2] else
           "its name is the plain one" if read[1].strip().lower() in ("coded as", "code", "codes", "response code")
           and any(c[1].strip().lower() not in ("coded as", "code", "codes", "response code") for c in others)
           else "it comes first")
    return Problem("W125", name, row, "", "code",
                   f"columns {', '.join(named(c) for c in candidates)} could each be the code column; "
                   f"{_column_name(fmt, chosen)} ({read[1]!r}) was read ({why}). If another holds the codes, delete "
                   "or rename the columns not meant.", sheet)


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
        book = _read_xlsx_rows(name, data)
        return _layout_of_sheets(name, [(book.sheets[n], rows, headed) for n, rows, headed in book.parts],
                                 epoch=book.epoch)
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
        raise IngestError(name, f"could not be read ({_what_went_wrong(exc)}).",
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
        book = _read_xlsx_rows(name, data)
        if book.kind in ("long", "items"):
            return _read_table_sheets(name, digest, book, codebook, localities)
        layout = _layout_of_sheets(name, [(book.sheets[n], rows, headed) for n, rows, headed in book.parts],
                                   codebook.sections(), named=len(book.sheets) > 1, epoch=book.epoch)
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


def _read_table_sheets(name: str, digest: str, book: _Book, codebook: Codebook, localities: Localities) -> InputFile:
    """A long or items table read from every sheet that holds it (`_table_parts`), as one table:
    each row keeps its sheet's own row number and names its sheet (in a workbook of several); a
    sheet whose header puts the columns in another order is read by its own header."""
    several = len(book.sheets) > 1
    problems = _SheetProblems([])
    for title, why in book.unread:
        problems.sheet = title
        problems.append(Problem("W119", name, None, "", "", why))
    # The table's columns: the first header's, then any a later sheet's header adds.
    first_head = next(part_rows[0][0] for _n, part_rows, headed in book.parts if headed)
    header: list[str] = []
    header_cells: list[str] = []
    for _n, part_rows, headed in book.parts:
        if not headed:
            continue
        first = not header
        for key, cell in zip(_header(part_rows[0][1]), _cells(part_rows[0][1])):
            if first or (key and key not in header):
                header.append(key)
                header_cells.append(cell)
    rows: list[tuple[int, list[str]]] = []
    sheets: list[str] = []
    spaces: list[str] = []  # the sheet whose header each row is read with (its own, or the one before it)
    own: list[str] = []
    space = ""
    for n, part_rows, headed in book.parts:
        sheet = book.sheets[n]
        problems.sheet = sheet.title if several else ""
        if headed:
            own, space = _header(part_rows[0][1]), sheet.title
        else:
            cols = ", ".join(f"{c} in {_letter(own.index(c))}" for c in
                             (("qid", "code", "narrative") if book.kind == "long" else ITEM_COLUMNS) if c in own)
            problems.append(Problem("W122", name, None, "", "",
                                    f"the sheet has no header row; it was read with the columns of sheet {space!r}'s "
                                    f"header ({cols}). If its columns differ, copy its own header row onto it."))
        for i, cells in _repair_table_cells(name, sheet, part_rows, own, book.epoch, problems, skip=1 if headed else 0):
            rows.append((i, _remap(cells, own, header)))
            sheets.append(sheet.title if several else "")
            spaces.append(space)
    table = [(first_head, header_cells)] + rows
    head_sheet = book.sheets[next(n for n, _r, headed in book.parts if headed)]
    sheets = [head_sheet.title if several else ""] + sheets
    if book.kind == "long":
        return _read_long_rows(name, digest, "long_xlsx", table, codebook, localities, sheets=sheets,
                               problems=problems.problems, hidden=head_sheet.hidden)
    return _read_items_rows(name, digest, table, localities, "items_xlsx", sheets=sheets,
                            spaces=[""] + spaces, problems=problems.problems)


def _remap(cells: list[str], own: list[str], header: list[str]) -> list[str]:
    """A row read under a sheet's own header (`own`) put in the table's column order (`header`);
    cells past its own header stay past the table's, to be named (W112)."""
    if own == header[:len(own)]:
        if len(header) == len(own) or len(cells) <= len(own):
            return cells
        return cells[:len(own)] + [""] * (len(header) - len(own)) + cells[len(own):]
    out = [cells[own.index(c)] if c and c in own and own.index(c) < len(cells) else "" for c in header]
    return out + cells[len(own):]


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
    (only one return of the two areas is kept, and the other may be the right one), as it does
    where the title names no locality and the file name does. A table's locality cell (`row`
    given) is never replaced by its file's name, which may name any one of its returns. A near
    spelling of a locality's name is read as that locality, and said (W131)."""
    for candidate in ((raw, path.name) if row is None or not raw else (raw,)):
        m = localities.match(candidate) if candidate else None
        if not m:
            continue
        if candidate == raw:
            other = localities.match(path.name) if row is None else None
            if other and other.locality.name != m.locality.name:
                problems.append(Problem("W117", name, row, "", "locality",
                                        f"the title names {m.locality.name} ({raw!r}) but the file name names "
                                        f"{other.locality.name}; read as {m.locality.name}. If it is "
                                        f"{other.locality.name}'s return, correct the title row."))
        elif raw:
            problems.append(Problem("W117", name, row, "", "locality",
                                    f"the title names {raw!r}, which is not one of the 152 stocktake localities, and "
                                    f"the file name names {m.locality.name}; read as {m.locality.name}. If the title "
                                    "is right, add its name as an alias to corpus/localities.csv."))
        if m.how == "spelling":
            problems.append(Problem("W131", name, row, "", "locality",
                                    f"{'locality' if candidate == raw else 'the file name'} {candidate!r} is no "
                                    f"locality's name as written; read as {m.locality.name}, the one it is a near "
                                    "spelling of. If another area is meant, correct the name (or add an alias to "
                                    "corpus/localities.csv)."))
        return m.locality.name, raw or path.name, m.locality.region, m.score
    shown = raw or path.stem
    whence = (f"locality {shown!r}" if raw else
              f"the file has no locality (no title row), and its name {shown!r}")
    problems.append(Problem("W109", name, row, "", "locality",
                            f"{whence} is not one of the 152 stocktake localities; kept with "
                            + (f"the region the file gives ({region_given}). " if region_given else "a blank region. ")
                            + ("Check the spelling or add an alias to corpus/localities.csv." if raw else
                               "Name the file after its locality (e.g. 27_leicestershire.xlsx) or restore the title row.")))
    return shown, raw, "", 0.0


def _region_key(text: str) -> str:
    text = re.sub(r"&", " and ", (text or "").lower())
    return " ".join(w for w in re.findall(r"[a-z]+", text) if w not in ("the", "region", "adass"))


_REGION_KEYS = {_region_key(r): r for r in REGIONS}


def _read_region(text: str) -> tuple[str, bool]:
    """(the ADASS region a cell names, whether it names it as written: "Yorkshire & the Humber" is
    Yorkshire and Humber as written, "East Midland" a near spelling of East Midlands), or ("", False)."""
    key = _region_key(text)
    if not key:
        return "", False
    if key in _REGION_KEYS:
        return _REGION_KEYS[key], True
    from rapidfuzz import fuzz, process

    found = process.extract(key, list(_REGION_KEYS), scorer=fuzz.ratio, limit=2, score_cutoff=85)
    if found and (len(found) == 1 or found[0][1] - found[1][1] >= 5):
        return _REGION_KEYS[found[0][0]], False
    return "", False


def _region_checked(name: str, row: int | None, given: str, locality: str, region: str, known: bool,
                    problems, *, keep_unread: bool = False) -> str:
    """The region a return or item is given: a known locality's own ADASS region, whatever the file
    says (W130 when it says another, or misspells it); an unknown locality's the region the file
    names (W130 when read from a near spelling; one that names no region is left blank, or kept as
    written with `keep_unread`, and said)."""
    given = (given or "").strip()
    if not given:
        return region
    read, exact = _read_region(given)
    if known:
        if read == region and exact:
            return region
        if read == region:
            message = f"region {given!r} read as {region}, the ADASS region of {locality}."
        elif read:
            message = (f"region {given!r} is not {locality}'s ADASS region: {locality} is in {region}, which was kept. "
                       "Correct the region (or the locality, if that is the one wrong).")
        else:
            message = f"region {given!r} is not an ADASS region; {locality}'s own, {region}, was kept."
        problems.append(Problem("W130", name, row, "", "region", message))
        return region
    if read and exact:
        return read
    if read:
        problems.append(Problem("W130", name, row, "", "region",
                                f"region {given!r} is no ADASS region's name as written; read as {read}."))
        return read
    problems.append(Problem("W130", name, row, "", "region",
                            f"region {given!r} is not an ADASS region ({', '.join(REGIONS)}); "
                            + ("kept as written." if keep_unread else "the region was left blank.")))
    return given if keep_unread else ""


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
    _refuse_swapped(name, fmt, [(r.row, r.code, r.narrative, r.sheet) for r in layout.rows],
                    layout.columns.get("code"), layout.columns.get("narrative"))
    title = layout.title_locality
    before, after = layout.title_split
    if after and not localities.match(before):
        title = after  # "SYNTHETIC return, South West - 158 Ashcombe Vale": the locality follows its number
    locality, raw, region, score = _locate(name, title, path, localities, problems, region_given=layout.title_region)
    region = _region_checked(name, None, layout.title_region, locality, region, score > 0, problems)
    synthetic = synthetic_file(path)
    rid = return_id_for(("synthetic " if synthetic else "") + locality)
    ret = ReturnData(rid, locality, raw, region, score, name, fmt, digest, problems=problems, synthetic=synthetic)
    if fmt == "text" and layout.code_candidates:
        problems.append(_code_columns_problem(name, fmt, layout.code_candidates, layout.columns["code"],
                                              layout.header_row))
    problems.extend(layout.problems)
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
    entries = [(r.row, r.qid, r.code, r.narrative, r.sheet, r.qid_written) for r in layout.rows]
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


_CODE_CELL_RE = re.compile(r"^\s*\d{1,2}(?:[.,]0{1,2})?(?:\s*(?:[,;&/+]|\band\b)\s*\d{1,2})*\s*$", re.I)


def _refuse_swapped(name: str, fmt: str, rows: list[tuple], code_col: int | None, narrative_col: int | None,
                    header: list | None = None) -> None:
    """Refuse a table whose code and narrative columns hold each other's values (a header right over
    its columns' contents swapped): text of several words in the code column and codes in the
    narrative column in most rows. `rows`: (row, code cell, narrative cell[, sheet])."""
    if code_col is None or narrative_col is None or not rows:
        return
    swapped = [r for r in rows if len(str(r[1]).split()) >= 4 and not _CODE_CELL_RE.match(str(r[1]))
               and _CODE_CELL_RE.match(str(r[2]))]
    if len(swapped) < max(1, 0.5 * len(rows)):
        return
    def shown(col: int) -> str:
        head = header[col] if header and col < len(header) and str(header[col]).strip() else ""
        return f"column {_column_name(fmt, col)}" + (f" ({str(head).strip()!r})" if head else "")

    first = swapped[0]
    where = (f"sheet {first[3]!r} " if len(first) > 3 and first[3] else "") + f"row {first[0]}"
    raise IngestError(name, f"has its code and narrative values the wrong way round: the code column, {shown(code_col)}, "
                            f"holds text and the narrative column, {shown(narrative_col)}, holds codes, in "
                            f"{len(swapped)} of {len(rows)} row(s) (first at {where}: code cell "
                            f"{str(first[1])[:40]!r}..., narrative cell {str(first[2])!r}). It was not imported.",
                      remedy="Swap the two columns' headers (or their contents) so that the codes stand under the code "
                             "header, and import the file again.")


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _column_name(fmt: str, column: int) -> str:
    """A 0-based column as its reader names it: a sheet's letter, a text dump's or csv's number."""
    return str(column + 1) if fmt in ("text", "long_csv", "items_csv") else _letter(column)


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
    rows, delimiter, lines = _table_rows(name, text)
    return _read_long_rows(name, digest, "long_csv", rows, codebook, localities, delimiter=delimiter, lines=lines)


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
                    localities: Localities, *, delimiter: str | None = None, sheets: list[str] | None = None,
                    problems: list[Problem] | None = None, lines: dict[int, int] | None = None,
                    hidden: frozenset[int] = frozenset()) -> InputFile:
    """One return per locality (and return_id) of a long table: (row number, cells), header
    first, one row per answer. `delimiter`: the csv's separator (None for a worksheet, where a
    cell cannot have been split by a separator); `lines`: each csv row's first line; `sheets`: each
    row's sheet (a table read from several sheets of a workbook, whose row numbers start again on
    each), `hidden`: the worksheet's hidden columns; `problems`: the file's problems so far."""
    header = _header(rows[0][1])
    while header and not header[-1]:
        header.pop()
    table = _table_word(fmt)
    file_problems = _SheetProblems(problems if problems is not None else [])
    file_problems.sheet = sheets[0] if sheets else ""
    header = _choose_columns(name, fmt, rows[0], header, hidden, file_problems)
    missing = [c for c in RETURN_COLUMNS if c not in header and c != "locality"]
    if missing:
        raise _missing_columns(name, table, rows[0][1], missing)
    idx = {c: header.index(c) for c in (*RETURN_COLUMNS, "region", "return_id", "synthetic") if c in header}
    n_cols, at = len(header), idx["narrative"]
    if delimiter is not None:
        _refuse_swallowed_rows(name, rows, header, delimiter, lines or {}, "qid", idx.get("locality"))
    body: list[tuple[int, list[str], str]] = []
    for k, (rownum, cells) in enumerate(rows[1:], start=1):
        file_problems.sheet = sheets[k] if sheets else ""
        if not any(c.strip() for c in cells) or _repeated_header(name, rownum, cells, header, file_problems):
            continue
        body.append((rownum, _fit_row(name, rownum, cells, n_cols, at, "narrative", delimiter, file_problems,
                                      qid=cells[idx["qid"]].strip() if idx["qid"] < len(cells) else ""),
                     file_problems.sheet))
    if not body:
        raise IngestError(name, "has a header but no answer rows.", remedy=f"Check that the {table} is complete.")
    _refuse_swapped(name, fmt, [(rownum, cells[idx["code"]], cells[at], sheet) for rownum, cells, sheet in body],
                    idx["code"], at, rows[0][1])
    qids = [_qid(cells[idx["qid"]]) for _, cells, _s in body]
    one_decimal = _one_decimal_ids(qids, codebook)
    if one_decimal:
        file_problems.sheet = body[0][2]
        file_problems.append(_two_decimals_problem(name, body[0][0], qids))
        qids = one_decimal
    # No locality column, or a blank one: one return's rows take the locality the file's name gives,
    # as a return in the stocktake layout without its title row does; several returns' rows cannot.
    no_locality = "no locality column" if "locality" not in idx else (
        "a blank locality column" if not any(cells[idx["locality"]].strip() for _, cells, _s in body) else "")
    one = bool(no_locality) and _one_return(qids, codebook)
    if no_locality and not (one and localities.match(Path(name).name)):
        if "locality" not in idx:
            raise _missing_columns(name, table, rows[0][1], ["locality"])
        raise IngestError(name, "has answer rows but none gives its locality"
                                + (", and its file name names no locality." if one else "."),
                          remedy="Fill the locality column (at least on the first row of each return)"
                                 + (", or name the file after its locality (e.g. 27_leicestershire.csv)." if one else "."))
    groups: dict[tuple[str, str], list[tuple[int, str, list[str], str]]] = {}
    filled: list[tuple[int, str]] = []
    previous, previous_rid = "", ""
    for (rownum, cells, sheet), qid in zip(body, qids):
        loc = cells[idx["locality"]].strip() if not no_locality else ""
        rid = cells[idx["return_id"]].strip() if "return_id" in idx else ""
        if not loc and previous:
            # The locality written once for its return, as spreadsheets are often filled in.
            loc, rid = previous, rid or previous_rid
            filled.append((rownum, sheet))
        if not loc and not no_locality:
            file_problems.sheet = sheet
            file_problems.append(Problem("W114", name, rownum, qid, "locality",
                                         "row has no locality (and no row above it has one); it was not imported. "
                                         "Fill the locality column."))
            continue
        previous, previous_rid = loc, rid
        groups.setdefault((loc, rid), []).append((rownum, qid, cells, sheet))
    if filled:
        file_problems.sheet = filled[0][1]
        file_problems.append(Problem("W113", name, filled[0][0], "", "locality",
                                     f"{len(filled)} row(s) have a blank locality (first at row {filled[0][0]}); each was "
                                     "given the locality of the row above. Fill the column if that is wrong."))
    out = InputFile(name, fmt, digest, problems=file_problems.problems)
    path = Path(name)
    file_synthetic = synthetic_file(path)
    refused: list[tuple[str, list[tuple[int, str]], int, ReturnData]] = []  # (locality, its unknown (row, qid), answers kept, return)
    spelt: dict[str, tuple] = {}  # return id -> (first spelling, its return, problems before its answers, its rows)
    for (loc_raw, rid), grows in groups.items():
        problems_of: list[Problem] = []
        filed = _SheetProblems(problems_of)
        filed.sheet = grows[0][3]
        given_regions = list(dict.fromkeys(g[2][idx["region"]].strip() for g in grows
                                           if "region" in idx and g[2][idx["region"]].strip()))
        given = given_regions[0] if given_regions else ""
        locality, raw, region, score = _locate(name, loc_raw, path, localities, filed, row=grows[0][0],
                                               region_given=_read_region(given)[0])
        region = _region_checked(name, grows[0][0], given, locality, region, score > 0, filed)
        if len(given_regions) > 1:
            filed.append(Problem("W130", name, grows[0][0], "", "region",
                                 f"the rows of {locality}'s return give {len(given_regions)} regions "
                                 f"({', '.join(repr(g) for g in given_regions[:4])}); {region or 'none'} was read. "
                                 "Give every row of a return the same region."))
        if no_locality:
            filed.append(Problem("W113", name, grows[0][0], "", "locality",
                                 f"the {table} has {no_locality}; its rows were read as one return of {locality}, "
                                 "the locality its file name gives. Fill the locality column if that is wrong."))
        flag = grows[0][2][idx["synthetic"]].strip().lower() if "synthetic" in idx else ""
        ret = ReturnData(return_id_for(rid or locality), locality, raw, region, score, name, fmt, digest,
                         problems=problems_of, synthetic=file_synthetic or flag in ("1", "true", "yes"))
        entries = [(rownum, qid, cells[idx["code"]], cells[idx["narrative"]], sheet, cells[idx["qid"]])
                   for rownum, qid, cells, sheet in grows]
        if ret.return_id in spelt:
            # Two spellings of one locality ("Rutland", "Rutland County Council") are one return:
            # its rows are read together, so a question given under both is a duplicate (W102).
            first_raw, first, base, earlier = spelt[ret.return_id]
            filed.append(Problem("W118", name, grows[0][0], "", "locality",
                                 f"{loc_raw!r} is {locality}, as {first_raw!r} is; their rows were read as one return."))
            out.returns = [r for r in out.returns if r is not first]
            refused = [r for r in refused if r[3] is not first]
            first.problems[:] = base + problems_of
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
        why = (f"{locality}: {len(unknown)} row(s) have no known question id (first {unknown[0][1]!r} at "
               f"row {unknown[0][0]}) and {kept} have one; nothing of it was imported, rather than "
               "replace a stored return by a near-empty one.")
        out.problems.append(Problem("W101", name, None, "", "qid", why))
        out.refused.append(f"{name}: {why} Write its qid column as 1.1, 1.2, ... 11.3 and read the file again.")
    return out


def _choose_columns(name: str, fmt: str, head: tuple[int, list], header: list[str], hidden: frozenset[int],
                    problems: "_SheetProblems") -> list[str]:
    """`header` (of the header row `head`: its number and cells) with its code and narrative columns
    chosen where two header cells could each be one ("Code" and "Coded as", "Evidence" and
    "Response"): a visible column before a hidden one (`hidden`: a worksheet's), else as `_header`
    chose (our name, else the name listed first in `_COLUMN_ALIASES`). Each such choice is said
    (W125), naming the columns."""
    row, cells = head
    keys = [_column(c) for c in cells][:len(header)]
    out = list(header)
    for target in ("code", "narrative"):
        could = [i for i, k in enumerate(keys) if k == target or _COLUMN_ALIASES.get(k) == target]
        if len(could) < 2:
            continue
        read = out.index(target) if target in out else could[0]
        visible = [i for i in could if i not in hidden]
        if read in hidden and visible:
            out[read], out[visible[0]] = keys[read], target
            read = visible[0]
        def shown(i: int) -> str:
            return (f"{_column_name(fmt, i)} ({str(cells[i]).strip()!r}"
                    f"{', hidden' if i in hidden else ''})")
        problems.append(Problem("W125", name, row, "", target,
                                f"columns {', '.join(shown(i) for i in could)} could each be the {target} column; "
                                f"{shown(read)} was read and the other(s) not. If another holds the {target}s, "
                                "delete or rename the columns not meant."))
    return out


_BARE_QID_RE = re.compile(r"^\s*" + QID_PREFIX + r"\d{1,2}\s*[.,]\s*\d{1,2}(?:[a-z]|\s*\(\s*[a-z]\s*\))?\s*\.?\s*$",
                          re.I)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _id_shape(text: str) -> str:
    return re.sub(r"\d+", "9", re.sub(r"[A-Za-z]+", "a", text.strip()))


def _refuse_swallowed_rows(name: str, rows: list[tuple[int, list[str]]], header: list[str], delimiter: str,
                           lines: dict[int, int], key: str, locality: int | None = None) -> None:
    """Refuse a csv in which a stray double quote has swallowed later rows into one cell: a cell whose
    lines after the first read, split at the separator, as rows of the same table: a question id in
    the qid column with the row's own locality, or an item id like the row's own in the item_id
    column with a title beside it (`key`), or two such lines whatever their locality. The error
    names the row (and line) where the quote opens and the field. A narrative of several lines,
    even one of lines with commas, holds no such lines."""
    at = header.index(key)
    width = len(header)
    for rownum, cells in rows[1:]:
        for col, cell in enumerate(cells):
            if "\n" not in cell and "\r" not in cell:
                continue
            hits: list[tuple[int, str, bool]] = []
            for k, line in enumerate(_LINE_BREAK.split(cell)[1:], start=1):
                got = next(csv.reader([line], delimiter=delimiter), [])
                if len(got) <= at or len(got) < max(at + 2, width - 1):
                    continue
                ident = got[at].strip()
                if key == "qid":
                    if not _BARE_QID_RE.match(ident):
                        continue
                    same = locality is None or (locality < len(got) and locality < len(cells)
                                                and got[locality].strip().lower() == cells[locality].strip().lower())
                    hits.append((k, f"question {ident}" + (f" of {got[locality].strip()}" if same and locality is not None
                                                           else ""), same))
                else:
                    title = header.index("title") if "title" in header else None
                    if ident and at < len(cells) and _id_shape(ident) == _id_shape(cells[at]) and \
                            (title is None or (title < len(got) and re.search(r"[A-Za-z]", got[title]))):
                        hits.append((k, f"item {ident}", True))
            if not hits or not (any(same for _k, _w, same in hits) or len(hits) >= 2):
                continue
            k, what, _same = hits[0]
            start = lines.get(rownum)
            before = sum(len(_LINE_BREAK.findall(c)) for c in cells[:col])
            field_name = header[col] if col < len(header) and header[col] else f"cell {col + 1}"
            where = f"row {rownum}" + (f" (line {start})" if start else "")
            found = f"line {start + before + k}" if start else f"its line {k + 1}"
            raise IngestError(name, f"{where} opens a quoted {field_name} that a stray double quote leaves open: the "
                                    f"cell runs on over {len(_LINE_BREAK.findall(cell))} more line(s) of the file, which "
                                    f"hold {len(hits)} row(s) of the table ({found}: {what}), so they would be read "
                                    f"as part of row {rownum}'s {field_name}. It was not imported.",
                              remedy=f"Close or remove the stray double quote in row {rownum}'s {field_name} (a quote "
                                     "inside a quoted cell is written twice: \"\"), then import the file again.")


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
    elif re.fullmatch(r"\d{1,2},00?", text) and q.kind != "multi_select":
        # "1,0": the number 1 as a spreadsheet set to a decimal comma writes it, where one code is asked
        # for (a list "1,0" of two codes is read as such where the question takes several).
        text, read_as = text.split(",")[0], "W129"
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
    """Each entry (row, qid, code, narrative[, sheet[, qid as written]]) as an answer of `ret`, with
    its problems. An id written with a letter after it ("1.4a") is read without it (W128), and a
    duplicate names the ids as written."""
    name = ret.source_file
    seen: dict[str, str] = {}  # qid -> where it was first given ("row 12", "sheet 'S2' row 12")
    problems = _SheetProblems(ret.problems)
    given = {e[1] for e in entries}
    order = codebook.qids
    before_tenth = {q: order[k - 1] for k, q in enumerate(order) if k and q.endswith(".10")}  # "6.10" -> "6.9"
    for rownum, qid, code_raw, narrative_raw, *rest in entries:
        problems.sheet = rest[0] if rest else ""
        written = qid_as_written(rest[1]) if len(rest) > 1 and rest[1] else ""
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
                                    f"question {qid}{f' (written {written!r})' if written else ''} appears again "
                                    f"(first at {seen[qid]}); the first was kept, this row was not imported."
                                    + (f" The stocktake has no sub-questions: join the answers to {qid} in one row."
                                       if written or "written" in seen[qid] else "")))
            continue
        seen[qid] = (f"sheet {problems.sheet!r} " if problems.sheet else "") + f"row {rownum}" + (
            f", written {written!r}" if written else "")
        if written:
            problems.append(Problem("W128", name, rownum, qid, "qid",
                                    f"question id {written!r} has a letter after it, which no stocktake question has; "
                                    f"read as {qid}. If it answers a part of {qid}, join the parts in one row."))
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
        elif issue == "W129":
            problems.append(Problem("W129", name, rownum, qid, "code",
                                    f"code {code_raw!r} read as {codes[0]}: the number {codes[0]} written with a decimal "
                                    f"comma, as a spreadsheet set to a European locale writes {codes[0]}.0; question "
                                    f"{qid} takes one code. Write the code as {codes[0]} if that is not what was meant."))
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
    rows, delimiter, lines = _table_rows(name, text)
    return _read_items_rows(name, digest, rows, localities, delimiter=delimiter, lines=lines)


def _read_items_rows(name: str, digest: str, rows: list[tuple[int, list[str]]], localities: Localities,
                     fmt: str = "items_csv", *, delimiter: str | None = None, sheets: list[str] | None = None,
                     spaces: list[str] | None = None, problems: list[Problem] | None = None,
                     lines: dict[int, int] | None = None) -> InputFile:
    """The items of an items table: (row number, cells), header first. `delimiter`: the csv's
    separator (None for a worksheet); `lines`: each csv row's first line; `sheets`: each row's
    sheet, and `spaces` the sheet whose header it is read with (a table read from several sheets
    of a workbook); `problems`: the file's problems so far. A sheet whose item ids repeat an earlier
    sheet's (each sheet numbered 1, 2, ...) has its ids read with the sheet's name before them
    (W132), so that no item takes another's place."""
    header = _header(rows[0][1])
    while header and not header[-1]:
        header.pop()
    missing = [c for c in ITEM_COLUMNS if c not in header]
    if missing:
        raise _missing_columns(name, _table_word(fmt), rows[0][1], missing)
    if delimiter is not None:
        _refuse_swallowed_rows(name, rows, header, delimiter, lines or {}, "item_id")
    filed = _SheetProblems(problems if problems is not None else [])
    out = InputFile(name, fmt, digest, problems=filed.problems)
    key = header.index("item_id")
    qualified = _qualified_spaces(rows, spaces, key)
    for space, earlier, ids in qualified.values():
        filed.sheet = space
        filed.append(Problem("W132", name, None, "", "item_id",
                             f"the sheet's item ids repeat those of sheet {earlier!r} ({', '.join(map(repr, ids[:3]))}"
                             f"{', ...' if len(ids) > 3 else ''}); its items were read with the sheet's name before "
                             f"their ids ({space + '-' + ids[0]!r}, ...) so that none replaces another. Give every "
                             "item of the workbook an id of its own."))
    seen: dict[str, str] = {}
    for k, (rownum, cells) in enumerate(rows[1:], start=1):
        filed.sheet = sheets[k] if sheets else ""
        if not any(c.strip() for c in cells) or _repeated_header(name, rownum, cells, header, filed):
            continue
        cells = _fit_row(name, rownum, cells, len(header), header.index("description"), "description", delimiter,
                         filed)
        rec = dict(zip(header, (c.strip() for c in cells)))
        item_id = rec.get("item_id", "")
        if not item_id:
            filed.append(Problem("W101", name, rownum, "", "item_id", "item has no item_id; it was not imported."))
            continue
        if spaces and spaces[k] in qualified:
            item_id = f"{spaces[k]}-{item_id}"
        if item_id in seen:
            filed.append(Problem("W102", name, rownum, "", "item_id",
                                 f"item_id {item_id!r} appears again (first at {seen[item_id]}); this row was not imported."))
            continue
        seen[item_id] = (f"sheet {filed.sheet!r} " if filed.sheet else "") + f"row {rownum}"
        desc = normalize_text(rec.get("description"))
        if not desc and not normalize_text(rec.get("title")):
            filed.append(Problem("W106", name, rownum, "", "description",
                                 f"item {item_id!r} has neither a title nor a description; it was not "
                                 "imported (an item with no text can join no collection)."))
            continue
        if not desc:
            filed.append(Problem("W106", name, rownum, "", "description",
                                 f"item {item_id!r} has an empty description (its title alone is read)."))
        locality, given = rec.get("locality", ""), rec.get("region", "")
        m = localities.match(locality) if locality else None
        region = given
        if m:
            if m.how == "spelling":
                filed.append(Problem("W131", name, rownum, "", "locality",
                                     f"item {item_id!r}: locality {locality!r} is no locality's name as written; read "
                                     f"as {m.locality.name}, the one it is a near spelling of. If another area is meant, "
                                     "correct the name."))
            locality = m.locality.name
            region = _region_checked(name, rownum, given, locality, m.locality.region, True, filed)
        else:
            if locality:
                filed.append(Problem("W109", name, rownum, "", "locality",
                                     f"item {item_id!r}: locality {locality!r} is not one of the 152 stocktake "
                                     f"localities; kept as written{' with the region given' if given else ''}. "
                                     "Check the spelling or add an alias to corpus/localities.csv."))
            region = _region_checked(name, rownum, given, locality, "", False, filed, keep_unread=True)
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


def _qualified_spaces(rows: list[tuple[int, list[str]]], spaces: list[str] | None,
                      key: int) -> dict[str, tuple[str, str, list[str]]]:
    """The sheets (by `spaces`, the header sheet each row is read with) whose item ids repeat an
    earlier sheet's: sheet -> (sheet, the earlier sheet, the ids repeated)."""
    if not spaces:
        return {}
    ids: dict[str, list[str]] = {}
    for k, (_rownum, cells) in enumerate(rows[1:], start=1):
        if key < len(cells) and cells[key].strip():
            ids.setdefault(spaces[k], []).append(cells[key].strip())
    out: dict[str, tuple[str, str, list[str]]] = {}
    given: dict[str, str] = {}  # id -> the sheet that gave it first
    for space, its in ids.items():
        repeated = [i for i in its if i in given]
        if repeated:
            out[space] = (space, given[repeated[0]], repeated)
        for i in its:
            given.setdefault(i, space)
    return out
