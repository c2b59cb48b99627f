"""The stocktake layout: rows of question number, question, code scheme, code and
narrative, with a title row, a header row and section header rows between.

The xlsx workbook and the plain-text dump (`corpus/returns/*.txt`, a tab-separated
export of the same sheet) are both read into rows of cells and parsed here, so the
two formats cannot drift apart. Codes are not interpreted here: see `ingest`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

__all__ = ["RawRow", "RawLayout", "parse_layout", "QID_RE", "QID_PREFIX", "qid_as_written", "split_fused_code",
           "is_layout_header", "title_region"]

# What may stand before a question id: "Q1.1", "Q. 1.1", "Qu 1.1", "Question 1.1", "Question no. 1.1".
QID_PREFIX = r"(?:Q(?:u(?:estion)?)?\s*\.?\s*(?:no\.?\s*|number\s*)?)?"
QID_RE = re.compile(r"^\s*" + QID_PREFIX + r"(\d{1,2})\s*\.\s*(\d{1,2})(?!\d)\.?\s*(.*)$", re.S | re.I)
# A question id with a letter after it, as a sub-question is numbered: "1.4a", "1.4b", "1.4(a)", "1,4 b)".
_SUFFIXED_RE = re.compile(r"^\s*" + QID_PREFIX + r"\d{1,2}\s*[.,]\s*\d{1,2}(?:[a-z](?![a-z])|\s*\(\s*[a-z]\s*\)|\s[a-z]\))",
                          re.I)
# A section heading: "2.Understanding the money", "2 Understanding ...", "2.0 Understanding ...",
# "Section 2: Understanding ..." (HTML tags around it aside).
_SECTION_RE = re.compile(r"^\s*(?:<[^>]+>\s*)*(?:section\s*)?(\d{1,2})(?:\.0)?(?:\s*[.:)\u2013\u2014-]\s*|\s+)([A-Za-z].*?)\s*"
                         r"(?:<[^>]+>\s*)*$", re.S | re.I)
_TITLE_RE = re.compile(r"local\s+stocktake", re.I)
_BULLET = re.compile(r"^\s*(?:[\u2022\u25aa\u25cf\u2013\u2014*o\u00b7-]|\d{1,2}[.)])\s*$")  # a bullet alone in its cell
_ANALYSIS_RE = re.compile(r"local analysis:?\**\s*:?\s*(.+)$", re.I)
# A code fused with its narrative in one cell: "3 Yes, the inpatient register ..."
_FUSED_RE = re.compile(r"^\s*(\d{1,2}(?:\s*[,;&]\s*\d{1,2})*)\s*(?:[-:.)]\s+)?(?=[A-Za-z\"'(<])(.+)$", re.S)


@dataclass
class RawRow:
    """One answer row as found in the file, before any interpretation."""

    row: int
    qid: str
    question: str
    scheme: str
    code: str
    narrative: str
    section: str = ""
    fused: bool = False
    continued: bool = False
    extra: list[tuple[int, str]] = field(default_factory=list)  # (column index, text) of filled cells past the header
    sheet: str = ""  # the sheet it stands on, where a return has several
    qid_written: str = ""  # the id as written where a letter follows it ("1.4a"), else ""


@dataclass
class RawLayout:
    title_locality: str = ""
    rows: list[RawRow] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None
    question_column: int = 1  # where the question ids were looked for (0-based)
    columns: dict[str, int] = field(default_factory=dict)  # the columns read: question, scheme, code, narrative
    sheets: list[str] = field(default_factory=list)  # the workbook's sheets it was read from (none for a text dump)
    unread_columns: list[tuple[int, str, int, int, str]] = field(default_factory=list)  # (column, header, rows filled, first row, sheet)
    skipped_sheets: list[str] = field(default_factory=list)  # sheets with question rows but no header: not read
    continued_sheets: list[tuple[str, str, dict]] = field(default_factory=list)  # (sheet, header sheet, its columns)
    title_region: str = ""  # an ADASS region the title row names ("... SYNTHETIC return, South West - 158 ...")
    title_split: tuple[str, str] = ("", "")  # the title's text before and after its last sequence number
    # Where two header cells could name the code column ("Coded as (draft)", "Coded as"): (column, header,
    # hidden) of each; empty otherwise.
    code_candidates: list[tuple[int, str, bool]] = field(default_factory=list)
    problems: list = field(default_factory=list)  # the reader's repairs of cells (Problem), filed with the return's


def qid_as_written(cell: str) -> str:
    """The question id as written when a letter follows it ("1.4a Are you ..." -> "1.4a"), else ""."""
    m = _SUFFIXED_RE.match(cell or "")
    return re.sub(r"\s+", "", m.group(0)) if m else ""


def split_fused_code(cell: str) -> tuple[str, str] | None:
    """Split "3 Yes, the register ..." into ("3", "Yes, the register ..."), else None."""
    m = _FUSED_RE.match(cell)
    if not m:
        return None
    return m.group(1).strip(), m.group(2).strip()


def _clean(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


_CODE_NAMES = ("coded as", "code", "codes", "response code", "answer code")


def _code_cell(c: str) -> bool:
    return "coded as" in c or re.search(r"\bcode\b", c) is not None  # "Code", "Response code"


def _find_columns(cells: list[str], hidden: frozenset[int] = frozenset()) -> dict[str, int] | None:
    """The columns a header row names, or None when it is not the layout's header. Where two cells
    could name the code column ("Coded as (draft)" and "Coded as"), a visible column is read before
    one hidden in the workbook (`hidden`), a plain name before a qualified one, then the first."""
    low = [c.lower() for c in cells]
    cols: dict[str, int] = {}
    codes: list[int] = []
    for i, c in enumerate(low):
        if "codes used" in c or c.startswith("codes") or c == "scheme":
            cols.setdefault("scheme", i)
        elif "narrative" in c:
            cols.setdefault("narrative", i)
        elif _code_cell(c):
            codes.append(i)
        elif "response" in c:
            cols.setdefault("narrative", i)
    if codes:
        cols["code"] = min(codes, key=lambda i: (i in hidden, low[i].strip() not in _CODE_NAMES, i))
    if {"scheme", "code", "narrative"} <= cols.keys():
        cols["question"] = cols["scheme"] - 1 if cols["scheme"] > 0 else 0
        return cols
    return None


def _code_candidates(cells: list[str], hidden: frozenset[int]) -> list[tuple[int, str, bool]]:
    """(column, header, hidden) of each header cell that could name the code column."""
    return [(i, c, i in hidden) for i, c in enumerate(cells)
            if _code_cell(c.lower()) and not ("codes used" in c.lower() or c.lower().startswith("codes"))]


def is_layout_header(cells: list) -> bool:
    """True for the layout's header row ("Codes Used", "Coded as", "...Response..."): a sheet whose
    first rows hold one is a return in the stocktake layout, whatever other words stand above it."""
    return _find_columns([_clean(c) for c in cells]) is not None


def _title_text(cells: list[str]) -> str:
    """The text of a title row after "... Local Stocktake:" (its own cell's rest, or the cells after it)."""
    for i, c in enumerate(cells):
        if _TITLE_RE.search(c):
            after = c.split(":", 1)[1].strip() if ":" in c else ""
            rest = [x for x in cells[i + 1 :] if x] or ([after] if after else [])
            return rest[-1] if rest else ""
    return ""


# The programme's sequence number before the locality ("27 Leicestershire", "... - 158 Ashcombe
# Vale"): a number of up to four digits that is not a year, followed by a word.
_SEQUENCE_RE = re.compile(r"(?:^|(?<=[\s,;:(\u2013\u2014-]))(?!(?:19|20)\d\d\b)\d{1,4}\s+(?=[^\W\d_])")


def _title_locality(cells: list[str]) -> str:
    """The locality a title row names: its text, the programme's sequence number before it aside
    ("27 Leicestershire")."""
    return re.sub(r"^\d+\s*", "", _title_text(cells)).strip()


def _title_split(cells: list[str]) -> tuple[str, str]:
    """(what stands before, the text after) the last sequence number of a title row that has text
    before that number ("SYNTHETIC return, South West - 158 Ashcombe Vale" -> ("SYNTHETIC return,
    South West -", "Ashcombe Vale")); ("", "") otherwise. A locality's name holds no number, so
    the text after the number is the locality unless what stands before it names one (the reader
    decides: "27 Leicestershire (v2 3 July)" is Leicestershire)."""
    text = _title_text(cells)
    numbers = [m for m in _SEQUENCE_RE.finditer(text) if text[:m.start()].strip()]
    if not numbers:
        return "", ""
    return text[:numbers[-1].start()].strip(), text[numbers[-1].end():].strip()


def title_region(cells: list[str]) -> str:
    """The ADASS region a title row names ("... SYNTHETIC return, South West - 158 ..."), else ""."""
    from .localities import REGIONS

    text = " ".join(c for c in cells if c)
    if not _TITLE_RE.search(text):
        return ""
    return next((r for r in REGIONS if re.search(rf"\b{re.escape(r)}\b", text, re.I)), "")


_DEFAULT_COLUMNS = {"question": 1, "scheme": 2, "code": 3, "narrative": 4}


@dataclass
class _Body:
    """What reading the rows below the header needs to know."""

    cols: dict[str, int]
    width: int  # columns of the table; a filled cell past them is `extra`
    titles: dict[str, str]  # the codebook's section titles by number ("" when not known)
    more_sheets: bool  # another sheet of the same return follows this one
    section: str = ""


def parse_layout(rows: Iterable[tuple[int, list]], *, section_titles: dict[str, str] | None = None,
                 more_sheets: bool = False, columns: dict[str, int] | None = None,
                 hidden_columns: Iterable[int] = ()) -> RawLayout:
    """Parse `(row_number, cells)` pairs in the stocktake layout into a `RawLayout`.

    The header row ("Codes Used", "Coded as", "...Response...") fixes the columns;
    without one, `columns` (another sheet's header's), else the dump's order (n, question, scheme,
    code, narrative) is assumed.
    `section_titles` (the codebook's, by section number) lets a one-cell line be taken as a
    section heading only when it names its section; `more_sheets`: another sheet of the same
    return follows, so a heading may end this one. `hidden_columns`: the 0-based columns hidden in
    the workbook (a visible code column is read before a hidden one).
    """
    out = RawLayout()
    hidden = frozenset(hidden_columns)
    table = [(n, [_clean(c) for c in cells]) for n, cells in rows]
    table = [(n, cells) for n, cells in table if any(cells)]
    cols: dict[str, int] | None = None
    analysis_locality = ""
    body_start = 0
    for idx, (rownum, cells) in enumerate(table):
        if not out.title_locality:
            out.title_locality = _title_locality(cells)
            out.title_split = _title_split(cells)
            out.title_region = out.title_region or title_region(cells)
        m = _ANALYSIS_RE.search(cells[0].replace("*", ""))
        if m and not analysis_locality:
            analysis_locality = m.group(1).strip()
        cols = _find_columns(cells, hidden)
        if cols:
            out.header_row = rownum
            candidates = _code_candidates(cells, hidden)
            if len(candidates) > 1:
                out.code_candidates = candidates
            body_start = idx + 1
            head = cells[cols["question"]] if cols["question"] < len(cells) else ""
            ms = _SECTION_RE.match(head)
            if ms and not QID_RE.match(head):
                out.sections[str(int(ms.group(1)))] = ms.group(2).strip()
            break
    if cols is None:
        cols = dict(columns or _DEFAULT_COLUMNS)
        body_start = 0
    # The table's width: its header's last filled cell (at least the narrative's column). A filled
    # cell past it in a question row is kept as `extra`, for the reader to join or report.
    header = table[body_start - 1][1] if out.header_row is not None else []
    width = max([max(cols.values()) + 1] + [i + 1 for i, c in enumerate(header) if c])
    body = table[body_start:]
    if not any(_question_match(cols, cells) for _n, cells in body):
        # The ids in a column of their own before the question's text ("Ref | Question | Codes used ..."):
        # the first column left of the scheme's that holds them.
        alt = next((j for j in range(max(cols.values())) if j not in cols.values()
                    and any(_question_match(cols | {"question": j}, cells) for _n, cells in body)), None)
        if alt is not None:
            cols = cols | {"question": alt}
    out.question_column, out.columns = cols["question"], dict(cols)
    questions = [_question_match(cols, cells) for _n, cells in body]  # each row read once
    headings = [None if q else _heading_match(cells) for q, (_n, cells) in zip(questions, body)]
    for i, name in ((i, c) for i, c in enumerate(header) if c and i > max(cols.values())):
        # a headed column past the narrative's: not read, but said
        filled = [n for (n, cells), q in zip(body, questions) if q and i < len(cells) and cells[i]]
        if filled:
            out.unread_columns.append((i, name, len(filled), filled[0], ""))
    # For each row, the section of the next question row (a one-cell line "2 Children's packages"
    # is section 2's heading only if section 2's questions follow it) and whether a later line
    # before that question row could head the same section (then this one is a numbered line of
    # the narrative above: "1. ...", "2. ...", then "2. Understanding the money").
    coming: list[tuple[str, bool]] = [("", False)] * len(body)
    nxt, later = "", set()
    for k in range(len(body) - 1, -1, -1):
        if questions[k]:
            nxt, later = str(int(questions[k].group(1))), set()
        number = int(headings[k].group(1)) if headings[k] else None
        coming[k] = (nxt, number in later)
        if number is not None:
            later.add(number)
    ctx = _Body(cols, width, {str(k): v for k, v in (section_titles or {}).items()}, more_sheets,
                next(iter(out.sections), ""))
    for (rownum, cells), q, h, (next_section, shadowed) in zip(body, questions, headings, coming):
        _parse_body_row(out, ctx, rownum, cells, q, None if shadowed else h, next_section)
    if not out.title_locality:
        out.title_locality = analysis_locality
    return out


def _question_match(cols: dict[str, int], cells: list[str]) -> re.Match | None:
    """The question id's match when the row is a question row."""
    def cell(name: str) -> str:
        i = cols[name]
        return cells[i] if i < len(cells) else ""

    m = QID_RE.match(cell("question"))
    if m and (cell("scheme") or cell("code") or cell("narrative") or len([c for c in cells if c]) >= 2):
        return m
    return None


def _heading_match(cells: list[str]) -> re.Match | None:
    """The match of a one-cell line that could be a section heading ("2. Understanding the money",
    "Section 2: ...", "2.0 ..."; not "2.1 ...", a question)."""
    nonempty = [c for c in cells if c]
    if len(nonempty) != 1 or len(nonempty[0]) >= 200:
        return None
    ms = _SECTION_RE.match(nonempty[0])
    mq = QID_RE.match(nonempty[0])
    return ms if ms and not (mq and int(mq.group(2)) != 0) else None


def _heading_title(ms: re.Match) -> str:
    return re.sub(r"<[^>]+>", "", ms.group(2)).strip()


def _heading(ms: re.Match, out: RawLayout, ctx: _Body, next_section: str) -> bool:
    """Whether a one-cell line that could head a section (`ms`, of `_heading_match`; the caller
    passes none when a later line before the next questions could head it instead) does: with
    the codebook's titles known, its title is its section's (or it says "Section N"), and its
    number lies after the section of the
    question before it and no later than that of the question after it (a section whose questions
    were left out keeps its heading); without them, its number is that of the questions that
    follow. A heading ends a sheet only when another sheet of the return follows. Otherwise a line
    such as "2. Children's packages" or "3 posts have been funded" in a narrative is text."""
    number = int(ms.group(1))
    previous = int(out.rows[-1].qid.split(".")[0]) if out.rows else 0
    if ctx.titles:
        from rapidfuzz import fuzz

        said = re.match(r"\s*(?:<[^>]+>\s*)*section\b", ms.string, re.I)  # the cell it matched
        if not said and fuzz.token_set_ratio(_heading_title(ms).lower(), ctx.titles.get(str(number), "").lower()) < 70:
            return False
    if not next_section:
        return ctx.more_sheets and bool(out.rows) and number == previous + 1
    if ctx.titles:
        return previous < number <= int(next_section)
    return str(number) == next_section and number != previous


def _parse_body_row(out: RawLayout, ctx: _Body, rownum: int, cells: list[str], m: re.Match | None,
                    heading: re.Match | None, next_section: str) -> None:
    """One row below the header: a question (`m`, `_question_match`), a section heading (`heading`,
    a candidate for `_heading`), a table rule, or a line of the narrative above."""
    cols = ctx.cols

    def cell(name: str) -> str:
        i = cols[name]
        return cells[i] if i < len(cells) else ""

    if m:
        qid = f"{int(m.group(1))}.{int(m.group(2))}"
        code, narrative, fused = cell("code"), cell("narrative"), False
        if not narrative and code:
            parts = split_fused_code(code)
            if parts:
                code, narrative = parts
                fused = True
        out.rows.append(
            RawRow(rownum, qid, m.group(3).strip(), cell("scheme"), code, narrative, ctx.section, fused,
                   extra=[(i, c) for i, c in enumerate(cells) if i >= ctx.width and c],
                   qid_written=qid_as_written(cell("question")))
        )
        return
    nonempty = [c for c in cells if c]
    first = nonempty[0]
    if heading and _heading(heading, out, ctx, next_section):
        ctx.section = str(int(heading.group(1)))
        out.sections.setdefault(ctx.section, _heading_title(heading))
        return
    if set(first) <= set("-| "):
        return  # a table rule ("----") left by the export
    at = next(i for i, c in enumerate(cells) if c)
    if out.rows and (len(nonempty) == 1 and not first.isdigit() or at >= cols["narrative"] or _BULLET.match(first)):
        # A narrative that ran onto the next line of the file (a pasted bullet "•<tab>Housing"
        # across cells, or cells at and past the narrative's column, joined).
        last = out.rows[-1]
        last.narrative = (last.narrative + "\n" + " ".join(nonempty)).strip()
        last.continued = True
