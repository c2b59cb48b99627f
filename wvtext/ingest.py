"""Read returns and good-practice items from the files they really come in.

Consumes: a path. Produces: `InputFile` with one `ReturnData` per return (a long csv
may hold many) or the items of an items csv, plus every row-level `Problem`.

Formats are recognised from the content, not the name or a flag:
- xlsx workbook in the stocktake layout (zip magic + openpyxl);
- plain-text dump of a return (tab-separated rows with question ids);
- long csv: `locality, qid, code, narrative[, region, return_id, synthetic]` (any delimiter
  Excel writes). `return_id` keeps apart several returns of one locality (the synthetic scale
  copies); `synthetic` (1/0) marks generated data, as does SYNTHETIC in the file name;
- items csv: `item_id, title, description[, locality, region]`;
- the long and items tables also as an xlsx sheet whose first row is their header.
A file that cannot be read raises `IngestError` (one line, with a remedy); nothing
is stored for it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import Codebook, Question, load_codebook, normalize_qid
from .errors import IngestError, Problem
from .layout import RawLayout, parse_layout
from .localities import Localities, load_localities
from .text import normalize_text

__all__ = ["Answer", "ReturnData", "InputFile", "read_input", "read_return_file", "read_layout", "return_id_for"]

RETURN_COLUMNS = ("locality", "qid", "code", "narrative")
ITEM_COLUMNS = ("item_id", "title", "description")

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


def return_id_for(locality: str) -> str:
    """A return's stable id: its locality as a slug ("Leicestershire" -> "leicestershire")."""
    return re.sub(r"[^a-z0-9]+", "-", locality.lower()).strip("-") or "unknown"


# -- bytes to text -----------------------------------------------------------------

def _decode(name: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
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
        try:
            # Excel on Windows writes cp1252 ("Save as CSV").
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(
                name,
                f"could not be decoded as UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}) "
                "nor as Windows-1252.",
                remedy="Save it again as UTF-8 (in Excel: 'CSV UTF-8'), or check it with 'file'.",
            )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- format sniffing ---------------------------------------------------------------

def _sniff_text(text: str) -> str:
    head = text[:20000]
    lines = [l for l in head.splitlines() if l.strip()]
    if not lines:
        return "empty"
    if re.search(r"local\s+stocktake", head, re.I) or sum(
        1 for l in lines if re.match(r"^\s*\d{1,3}\t\s*(?:Q\s*)?\d{1,2}\.\d{1,2}\b", l)
    ) >= 2:
        return "text"
    header = _csv_header(lines[0])
    if set(ITEM_COLUMNS) <= set(header):
        return "items_csv"
    if {"locality", "qid"} & set(header) or "narrative" in header:
        return "long_csv"
    return "unknown"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_header(line: str) -> list[str]:
    cells = next(csv.reader([line], delimiter=_delimiter(line)), [])
    return [c.strip().strip('"').lower() for c in cells]


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


def _sheet_rows(ws) -> tuple[list[tuple[int, list]], list[tuple[int, int]]]:
    """A sheet's rows of values, and the (row, column) of every formula cell."""
    rows, formulas = [], []
    for i, r in enumerate(ws.iter_rows(), start=1):
        values = []
        for j, cell in enumerate(r):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((i, j))
            values.append(getattr(cell, "value", None))
        rows.append((i, values))
    return rows, formulas


def _header_kind(rows: list[tuple[int, list]]) -> tuple[str, int]:
    """("long"/"items", index of the header row) when the first non-empty row of a sheet is the
    header of a long return table or of an items table; ("layout", 0) otherwise."""
    for k, (_i, r) in enumerate(rows[:20]):
        cells = [str(c).strip().lower() for c in r if c is not None and str(c).strip()]
        if not cells:
            continue
        if set(ITEM_COLUMNS) <= set(cells):
            return "items", k
        if {"locality", "qid", "narrative"} <= set(cells):
            return "long", k
        break
    return "layout", 0


def _read_xlsx_rows(name: str, data: bytes) -> tuple[str, list[tuple[int, list]]]:
    """The rows of the sheet that holds the return: the stocktake layout ("layout": a sheet that
    names its "Coded as" / "Codes used" columns, else the first sheet with rows), or a long
    return table or an items table ("long", "items": header row first) saved as xlsx. Formula
    cells are read through the values Excel saved with them; a formula without one (a workbook
    written by a script and never opened in Excel) is an error, since its value is unknown."""
    wb = _load_workbook(name, data, data_only=False)
    try:
        chosen = None
        sheets = []
        for n, ws in enumerate(wb.worksheets):
            rows, formulas = _sheet_rows(ws)
            sheets.append((ws.title, rows, formulas))
            kind, at = _header_kind(rows)
            if kind != "layout":
                chosen = (n, kind, rows[at:])
                break
            text = " ".join(str(c) for _, r in rows[:80] for c in r if c is not None).lower()
            if "coded as" in text or "codes used" in text:
                chosen = (n, "layout", rows)
                break
    except Exception as exc:
        raise IngestError(name, f"is a damaged xlsx workbook ({type(exc).__name__}: {exc}).",
                          remedy="Open it in Excel and save it again as .xlsx.")
    finally:
        wb.close()
    if not sheets:
        raise IngestError(name, "has no worksheet with cells (only chart sheets, or none).",
                          remedy="Give the workbook whose sheet holds the return.")
    if chosen is None:  # no sheet names its columns: the first sheet with rows
        n = next((k for k, (_t, rows, _f) in enumerate(sheets) if rows), 0)
        chosen = (n, "layout", sheets[n][1])
    n, kind, rows = chosen
    title, _all, formulas = sheets[n]
    if formulas:
        wanted = {i for i, _ in rows}
        cached = _load_workbook(name, data, data_only=True)
        saved: dict[int, list] = {}
        missing: set[tuple[int, int]] = set()  # cells with no saved result at all (not a saved "")
        try:
            for i, r in enumerate(cached.worksheets[n].iter_rows(), start=1):
                if i in wanted:
                    saved[i] = [getattr(c, "value", None) for c in r]
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
        rows = [(i, list(saved.get(i, r))) for i, r in rows]
    return kind, rows


def _text_rows(text: str) -> list[tuple[int, list[str]]]:
    return [(i, line.rstrip("\r").split("\t")) for i, line in enumerate(text.split("\n"), start=1)]


def read_layout(path: Path) -> RawLayout:
    """Read an xlsx or text dump in the stocktake layout into raw rows."""
    name = str(path)
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        return parse_layout(_read_xlsx_rows(name, data)[1])
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
        raise IngestError(name, "is empty.", remedy="Export the return again.")
    return data


def read_input(path: Path | str, *, codebook: Codebook | None = None,
               localities: Localities | None = None) -> InputFile:
    """Read one input file of any supported format. Raises `IngestError` if unreadable."""
    path = Path(path)
    name = str(path)
    codebook = codebook or load_codebook()
    localities = localities or load_localities()
    data = _read_bytes(path)
    digest = _sha256(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
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
        kind, rows = _read_xlsx_rows(name, data)
        if kind == "long":
            return _read_long_rows(name, digest, "long_xlsx", [(i, _cells(r)) for i, r in rows], codebook, localities)
        if kind == "items":
            return _read_items_rows(name, digest, [(i, _cells(r)) for i, r in rows], localities, "items_xlsx")
        layout = parse_layout(rows)
        ret = _from_layout(name, "xlsx", digest, layout, codebook, localities, path)
        return InputFile(name, "xlsx", digest, returns=[ret])
    if data.startswith(b"%PDF"):
        raise IngestError(name, "is a PDF.", remedy="Export the return from its spreadsheet as xlsx or csv.")
    text = _decode(name, data)
    kind = _sniff_text(text)
    if kind == "text":
        layout = parse_layout(_text_rows(text))
        ret = _from_layout(name, "text", digest, layout, codebook, localities, path)
        return InputFile(name, "text", digest, returns=[ret])
    if kind == "long_csv":
        return _read_long_csv(name, digest, text, codebook, localities)
    if kind == "items_csv":
        return _read_items_csv(name, digest, text, localities)
    raise IngestError(
        name,
        "is not in a format wvtext reads.",
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
            row: int | None = None) -> tuple[str, str, str, float]:
    """Return (locality, locality_raw, region, score); unknown places keep their raw name."""
    for candidate in (raw, path.name):
        m = localities.match(candidate)
        if m:
            return m.locality.name, raw or path.name, m.locality.region, m.score
    shown = raw or path.stem
    whence = (f"locality {shown!r}" if raw else
              f"the file has no locality (no title row), and its name {shown!r}")
    problems.append(Problem("W109", name, row, "", "locality",
                            f"{whence} is not one of the 152 stocktake localities; kept with a blank region. "
                            + ("Check the spelling or add an alias to corpus/localities.csv." if raw else
                               "Name the file after its locality (e.g. 27_leicestershire.xlsx) or restore the title row.")))
    return shown, raw, "", 0.0


def _from_layout(name: str, fmt: str, digest: str, layout: RawLayout, codebook: Codebook,
                 localities: Localities, path: Path) -> ReturnData:
    problems: list[Problem] = []
    if not layout.rows:
        raise IngestError(name, "has no question rows (expected rows such as '1.1 Are you establishing ...').",
                          remedy="Check that this is a stocktake return; for a csv use columns locality,qid,code,narrative.")
    locality, raw, region, score = _locate(name, layout.title_locality, path, localities, problems)
    synthetic = "synthetic" in path.name.lower()
    rid = return_id_for(("synthetic " if synthetic else "") + locality)
    ret = ReturnData(rid, locality, raw, region, score, name, fmt, digest, problems=problems, synthetic=synthetic)
    for r in layout.rows:
        if r.continued:
            problems.append(Problem("W111", name, r.row, r.qid, "narrative",
                                    "the narrative ran onto following lines; they were joined."))
    _add_answers(ret, [(r.row, r.qid, r.code, r.narrative) for r in layout.rows], codebook, truncatable=True)
    if not ret.answers:
        raise IngestError(name, f"has no row with a question id of the stocktake (1.1 to 11.3); the first given is "
                                f"{layout.rows[0].qid!r}.", remedy="Number the question rows 1.1, 1.2, ... 11.3.")
    return ret


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
    first = next(l for l in text.splitlines() if l.strip())
    delimiter = _delimiter(first)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _read_long_rows(name, digest, "long_csv", list(enumerate(rows, start=1)), codebook, localities,
                           delimiter=delimiter)


def _table_word(fmt: str) -> str:
    return "sheet" if fmt.endswith("xlsx") else "csv"


def _read_long_rows(name: str, digest: str, fmt: str, rows: list[tuple[int, list[str]]], codebook: Codebook,
                    localities: Localities, *, delimiter: str | None = None) -> InputFile:
    """One return per locality (and return_id) of a long table: (row number, cells), header
    first, one row per answer. `delimiter`: the csv's separator (None for a worksheet, where a
    cell cannot have been split by a separator)."""
    header = [c.strip().lower() for c in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    table = _table_word(fmt)
    missing = [c for c in RETURN_COLUMNS if c not in header]
    if missing:
        raise IngestError(name, f"is missing required column(s) {', '.join(missing)}; found {', '.join(header)}.",
                          remedy=f"A long {table} needs columns locality, qid, code, narrative (region optional).")
    idx = {c: header.index(c) for c in (*RETURN_COLUMNS, "region", "return_id", "synthetic") if c in header}
    n_cols, at = len(header), idx["narrative"]
    groups: dict[tuple[str, str], list[tuple[int, list[str]]]] = {}
    file_problems: list[Problem] = []
    filled: list[int] = []
    previous, previous_rid = "", ""
    for rownum, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        extra = len(cells) - n_cols
        if extra > 0 and any(c.strip() for c in cells[n_cols:]):
            qid = cells[idx["qid"]].strip()
            if delimiter is not None:
                # An unquoted separator inside the narrative ("Yes, S75 in place, reviewed annually"):
                # the narrative's cell and the surplus after it are one cell, wherever it stands.
                cells = cells[:at] + [delimiter.join(cells[at:at + 1 + extra])] + cells[at + 1 + extra:]
                file_problems.append(Problem("W112", name, rownum, qid, "narrative",
                                             f"row has {extra} more cell(s) than the header; they were joined to the "
                                             "narrative (an unquoted separator in the text?). Quote the narrative to be sure."))
            else:
                file_problems.append(Problem("W112", name, rownum, qid, "",
                                             f"row has {extra} filled cell(s) beyond the header's columns; they were not read. "
                                             "Give them a header or delete them."))
        cells = cells[:n_cols] + [""] * (n_cols - len(cells))
        loc = cells[idx["locality"]].strip()
        rid = cells[idx["return_id"]].strip() if "return_id" in idx else ""
        if not loc and previous:
            # The locality written once for its return, as spreadsheets are often filled in.
            loc, rid = previous, rid or previous_rid
            filled.append(rownum)
        if not loc:
            file_problems.append(Problem("W114", name, rownum, cells[idx["qid"]].strip(), "locality",
                                         "row has no locality (and no row above it has one); it was not imported. "
                                         "Fill the locality column."))
            continue
        previous, previous_rid = loc, rid
        groups.setdefault((loc, rid), []).append((rownum, cells))
    if filled:
        file_problems.append(Problem("W113", name, filled[0], "", "locality",
                                     f"{len(filled)} row(s) have a blank locality (first at row {filled[0]}); each was "
                                     "given the locality of the row above. Fill the column if that is wrong."))
    out = InputFile(name, fmt, digest, problems=file_problems)
    path = Path(name)
    file_synthetic = "synthetic" in path.name.lower()
    empty: list[tuple[str, str]] = []  # (locality, its first question id) of returns with no known question
    for (loc_raw, rid), grows in groups.items():
        problems: list[Problem] = []
        locality, raw, region, score = _locate(name, loc_raw, path, localities, problems, row=grows[0][0])
        if not region and "region" in idx:
            given = grows[0][1][idx["region"]].strip()
            from .localities import REGIONS

            region = given if given in REGIONS else ""
        flag = grows[0][1][idx["synthetic"]].strip().lower() if "synthetic" in idx else ""
        ret = ReturnData(return_id_for(rid or locality), locality, raw, region, score, name, fmt, digest,
                         problems=problems, synthetic=file_synthetic or flag in ("1", "true", "yes"))
        entries = []
        for rownum, cells in grows:
            qid = normalize_qid(cells[idx["qid"]])
            entries.append((rownum, qid, cells[idx["code"]], cells[idx["narrative"]]))
        _add_answers(ret, entries, codebook, truncatable=False)
        if not ret.answers:
            empty.append((locality, entries[0][1]))
            continue
        out.returns.append(ret)
    if not groups and file_problems:
        raise IngestError(name, "has answer rows but none gives its locality.",
                          remedy="Fill the locality column (at least on the first row of each return).")
    if not groups:
        raise IngestError(name, "has a header but no answer rows.", remedy=f"Check that the {table} is complete.")
    if not out.returns:
        raise IngestError(name, f"has no row with a question id of the stocktake (1.1 to 11.3); the first given is "
                                f"{empty[0][1]!r}.", remedy="Write the qid column as 1.1, 1.2, ... 11.3.")
    if empty:
        out.problems.append(Problem("W101", name, None, "", "qid",
                                    f"no row of {', '.join(loc for loc, _ in empty)} has a known question id; "
                                    "nothing of it was imported."))
    return out


def interpret_code(raw: str, q: Question) -> tuple[list[int], bool, str, str | None]:
    """Return (codes, valid, code_class, problem_code) for a code cell as given."""
    text = normalize_text(raw)
    if re.fullmatch(r"\d{1,2}\.0", text):  # Excel numbers
        text = text[:-2]
    if not text:
        return [], True, "", None
    if _CODE_LIST_RE.match(text):
        codes = [int(x) for x in re.findall(r"\d{1,2}", text)]
    else:
        m = _CODE_LABEL_RE.match(text)
        label = q.code(int(m.group(1))) if m else None
        if m and label and _same_label(m.group(2), label.label):
            codes = [int(m.group(1))]
        else:
            # A label without its number ("Yes", "In progress"), written out exactly as in the scheme.
            same = [c.code for c in q.codes if _plain(c.label) == _plain(text)]
            if len(same) != 1:
                return [], False, "", "W103"
            codes = same
    if any(c not in q.code_values for c in codes):
        return codes, False, "", "W104"
    if len(codes) > 1 and q.kind == "yes_no":
        return codes, True, "", "W110"
    code_class = ""
    if q.kind == "yes_no":
        code_class = q.code(codes[0]).answer_class
    return codes, True, code_class, None


def _plain(label: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", label.lower()))


def _same_label(given: str, label: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(given.lower(), label.lower()) >= 80


def _add_answers(ret: ReturnData, entries: list[tuple[int | None, str, str, str]], codebook: Codebook,
                 *, truncatable: bool) -> None:
    name, problems = ret.source_file, ret.problems
    seen: dict[str, int | None] = {}
    given = {e[1] for e in entries}
    order = codebook.qids
    before_tenth = {q: order[k - 1] for k, q in enumerate(order) if k and q.endswith(".10")}  # "6.10" -> "6.9"
    prev_qid = ""
    for rownum, qid, code_raw, narrative_raw in entries:
        prev, prev_qid = prev_qid, qid  # the question of the row before this one
        q = codebook.get(qid)
        if q is None:
            problems.append(Problem("W101", name, rownum, qid, "qid",
                                    f"question {qid!r} is not in the stocktake codebook (1.1 to 11.3); the row was not imported."))
            continue
        if qid in seen and codebook.get(qid + "0") is not None and qid + "0" not in seen and qid + "0" not in given \
                and prev == before_tenth.get(qid + "0"):
            # Excel stores "6.10" typed in a cell as the number 6.1: the second 6.1 of a return is 6.10.
            problems.append(Problem("W115", name, rownum, qid + "0", "qid",
                                    f"question {qid} appears again (first at row {seen[qid]}) and {qid}0 is missing; "
                                    f"read as {qid}0, which a spreadsheet shows as {qid}. Format the qid column as text."))
            qid, q = qid + "0", codebook.get(qid + "0")
        if qid in seen:
            problems.append(Problem("W102", name, rownum, qid, "qid",
                                    f"question {qid} appears again (first at row {seen[qid]}); the first was kept, this row was not imported."))
            continue
        seen[qid] = rownum
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
                                    f"{len(inner)} question(s) missing: {', '.join(inner[:12])}{' ...' if len(inner) > 12 else ''}; "
                                    "they are treated as not answered."))


# -- items -------------------------------------------------------------------------

def _read_items_csv(name: str, digest: str, text: str, localities: Localities) -> InputFile:
    first = next(l for l in text.splitlines() if l.strip())
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(first)))
    return _read_items_rows(name, digest, list(enumerate(rows, start=1)), localities)


def _read_items_rows(name: str, digest: str, rows: list[tuple[int, list[str]]], localities: Localities,
                     fmt: str = "items_csv") -> InputFile:
    header = [c.strip().lower() for c in rows[0][1]]
    out = InputFile(name, fmt, digest)
    seen: dict[str, int] = {}
    for rownum, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        rec = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
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
        if not desc:
            out.problems.append(Problem("W106", name, rownum, "", "description",
                                        f"item {item_id!r} has an empty description."))
        locality, region = rec.get("locality", ""), rec.get("region", "")
        m = localities.match(locality) if locality else None
        if m:
            locality, region = m.locality.name, m.locality.region
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
