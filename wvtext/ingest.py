"""Read returns and good-practice items from the files they really come in.

Consumes: a path. Produces: `InputFile` with one `ReturnData` per return (a long csv
may hold many) or the items of an items csv, plus every row-level `Problem`.

Formats are recognised from the content, not the name or a flag:
- xlsx workbook in the stocktake layout (zip magic + openpyxl);
- plain-text dump of a return (tab-separated rows with question ids);
- long csv: `locality, qid, code, narrative[, region, return_id, synthetic]` (any delimiter
  Excel writes). `return_id` keeps apart several returns of one locality (the synthetic scale
  copies); `synthetic` (1/0) marks generated data, as does SYNTHETIC in the file name;
- items csv: `item_id, title, description[, locality, region]`.
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

from .codebook import Codebook, Question, load_codebook
from .errors import IngestError, Problem
from .layout import RawLayout, parse_layout
from .localities import Localities, load_localities
from .text import normalize_text

__all__ = ["Answer", "ReturnData", "InputFile", "read_input", "read_return_file", "read_layout", "return_id_for"]

RETURN_COLUMNS = ("locality", "qid", "code", "narrative")
ITEM_COLUMNS = ("item_id", "title", "description")

_CODE_LIST_RE = re.compile(r"^\d{1,2}(?:\s*(?:[,;&/+]|\band\b)\s*\d{1,2})*$", re.I)
_CODE_LABEL_RE = re.compile(r"^(\d{1,2})\s*(?:[-:.)=]\s*)?([A-Za-z(].*)$", re.S)
_QID_RE = re.compile(r"^\s*(?:Q\s*)?(\d{1,2})\s*\.\s*(\d{1,2})\s*$", re.I)


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
    format: str  # "xlsx", "text", "long_csv", "items_csv"
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

def _read_xlsx_rows(name: str, path: Path) -> list[tuple[int, list]]:
    from zipfile import BadZipFile

    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise IngestError(name, f"is not a readable xlsx workbook ({type(exc).__name__}: {exc}).",
                          remedy="Open it in Excel and save it again as .xlsx, or export the return as csv.")
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise IngestError(name, f"is not a readable xlsx workbook ({type(exc).__name__}).",
                          remedy="Open it in Excel and save it again as .xlsx, or export the return as csv.")
    try:
        best: list[tuple[int, list]] = []
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            text = " ".join(str(c) for _, r in rows[:80] for c in r if c is not None).lower()
            if "coded as" in text or "codes used" in text:
                return rows
            best = best or rows
        return best
    except Exception as exc:
        raise IngestError(name, f"is a damaged xlsx workbook ({type(exc).__name__}: {exc}).",
                          remedy="Open it in Excel and save it again as .xlsx.")
    finally:
        wb.close()


def _text_rows(text: str) -> list[tuple[int, list[str]]]:
    return [(i, line.rstrip("\r").split("\t")) for i, line in enumerate(text.split("\n"), start=1)]


def read_layout(path: Path) -> RawLayout:
    """Read an xlsx or text dump in the stocktake layout into raw rows."""
    name = str(path)
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        return parse_layout(_read_xlsx_rows(name, path))
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
        layout = parse_layout(_read_xlsx_rows(name, path))
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
    problems.append(Problem("W109", name, row, "", "locality",
                            f"locality {shown!r} is not one of the 152 stocktake localities; kept with a blank region. "
                            "Check the spelling or add an alias to corpus/localities.csv."))
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
    return ret


def _read_long_csv(name: str, digest: str, text: str, codebook: Codebook, localities: Localities) -> InputFile:
    first = next(l for l in text.splitlines() if l.strip())
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    rows = list(reader)
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in RETURN_COLUMNS if c not in header]
    if missing:
        raise IngestError(name, f"is missing required column(s) {', '.join(missing)}; found {', '.join(header)}.",
                          remedy="A long csv needs columns locality, qid, code, narrative (region optional).")
    idx = {c: header.index(c) for c in (*RETURN_COLUMNS, "region", "return_id", "synthetic") if c in header}
    groups: dict[tuple[str, str], list[tuple[int, list[str]]]] = {}
    file_problems: list[Problem] = []
    for rownum, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        loc = cells[idx["locality"]].strip()
        if not loc:
            file_problems.append(Problem("W109", name, rownum, cells[idx["qid"]].strip(), "locality",
                                         "row has no locality; it was not imported. Fill the locality column."))
            continue
        rid = cells[idx["return_id"]].strip() if "return_id" in idx else ""
        groups.setdefault((loc, rid), []).append((rownum, cells))
    out = InputFile(name, "long_csv", digest, problems=file_problems)
    path = Path(name)
    file_synthetic = "synthetic" in path.name.lower()
    for (loc_raw, rid), grows in groups.items():
        problems: list[Problem] = []
        locality, raw, region, score = _locate(name, loc_raw, path, localities, problems, row=grows[0][0])
        if not region and "region" in idx:
            given = grows[0][1][idx["region"]].strip()
            from .localities import REGIONS

            region = given if given in REGIONS else ""
        flag = grows[0][1][idx["synthetic"]].strip().lower() if "synthetic" in idx else ""
        ret = ReturnData(return_id_for(rid or locality), locality, raw, region, score, name, "long_csv", digest,
                         problems=problems, synthetic=file_synthetic or flag in ("1", "true", "yes"))
        entries = []
        for rownum, cells in grows:
            m = _QID_RE.match(cells[idx["qid"]])
            qid = f"{int(m.group(1))}.{int(m.group(2))}" if m else cells[idx["qid"]].strip()
            entries.append((rownum, qid, cells[idx["code"]], cells[idx["narrative"]]))
        _add_answers(ret, entries, codebook, truncatable=False)
        out.returns.append(ret)
    if not out.returns:
        raise IngestError(name, "has a header but no answer rows.", remedy="Check that the csv is complete.")
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
        if not (m and label and _same_label(m.group(2), label.label)):
            return [], False, "", "W103"
        codes = [int(m.group(1))]
    if any(c not in q.code_values for c in codes):
        return codes, False, "", "W104"
    if len(codes) > 1 and q.kind == "yes_no":
        return codes, True, "", "W110"
    code_class = ""
    if q.kind == "yes_no":
        code_class = q.code(codes[0]).answer_class
    return codes, True, code_class, None


def _same_label(given: str, label: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(given.lower(), label.lower()) >= 80


def _add_answers(ret: ReturnData, entries: list[tuple[int | None, str, str, str]], codebook: Codebook,
                 *, truncatable: bool) -> None:
    name, problems = ret.source_file, ret.problems
    seen: dict[str, int | None] = {}
    for rownum, qid, code_raw, narrative_raw in entries:
        q = codebook.get(qid)
        if q is None:
            problems.append(Problem("W101", name, rownum, qid, "qid",
                                    f"question {qid!r} is not in the stocktake codebook (1.1 to 11.3); the row was not imported."))
            continue
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
    header = [c.strip().lower() for c in rows[0]]
    out = InputFile(name, "items_csv", digest)
    seen: dict[str, int] = {}
    for rownum, cells in enumerate(rows[1:], start=2):
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
