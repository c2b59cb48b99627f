"""Write a return back out in the forms wvtext reads: the xlsx stocktake layout,
the tab-separated text dump, and the long csv. Used to make fixtures from the real
return and to write the synthetic corpus, so every reader is exercised on the same
content.
"""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Iterable

from .codebook import Codebook, load_codebook
from .export import safe_cell, save_xlsx

__all__ = ["write_return_xlsx", "write_return_text", "write_long_csv"]

_HEADER = ("Q", "{section}", "Codes Used Blank=NR", "Coded as", "Locality Response From Stocktake Return")


def _layout_rows(locality: str, answers: list[dict], codebook: Codebook, *, title_number: int | str = ""):
    """Yield the rows of the stocktake layout for one return (answers: dicts with qid, code, narrative)."""
    by_qid = {a["qid"]: a for a in answers}
    yield ["Winterbourne View Local Stocktake:", "", "", "", f"{title_number} {locality}".strip()]
    section = None
    n = 0
    for q in codebook:
        a = by_qid.get(q.qid)
        if a is None:
            continue
        if q.section != section:
            title = f"{q.section}. {q.section_title}"
            if section is None:
                yield [_HEADER[0], f"{q.section}.{q.section_title}", *_HEADER[2:]]
            else:
                yield ["", title, "", "", ""]
            section = q.section
        n += 1
        yield [str(n), f"{q.qid} {q.text}", q.scheme_text, a.get("code", ""), a.get("narrative", "")]


def write_return_xlsx(path: Path, locality: str, answers: list[dict], *, codebook: Codebook | None = None,
                      title_number: int | str = "", when: datetime | None = None) -> None:
    """Write one return as an xlsx workbook in the stocktake layout, dated `when` (see `save_xlsx`)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    codebook = codebook or load_codebook()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Stocktake"
    for row in _layout_rows(locality, answers, codebook, title_number=title_number):
        code = row[3]
        # Codes are numbers in the real workbooks; multi-codes ("5, 6, 7") stay text.
        if isinstance(code, str) and code.strip().isdigit():
            row[3] = int(code)
        ws.append([safe_cell(c) if i == 4 else c for i, c in enumerate(row)])
    for col, width in zip("ABCDE", (5, 60, 40, 10, 100)):
        ws.column_dimensions[col].width = width
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_xlsx(wb, path, when=when)


def write_return_text(path: Path, locality: str, answers: list[dict], *, codebook: Codebook | None = None,
                      title_number: int | str = "") -> None:
    """Write one return as a tab-separated text dump in the stocktake layout."""
    codebook = codebook or load_codebook()
    lines = ["\t".join(str(c).replace("\t", " ").replace("\n", " ") for c in row)
             for row in _layout_rows(locality, answers, codebook, title_number=title_number)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_long_csv(path: Path, returns: Iterable[tuple[str, str, list[dict]]], *, delimiter: str = ",",
                   encoding: str = "utf-8") -> None:
    """Write returns as a long csv: one row per answer (locality, region, qid, code, narrative)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["locality", "region", "qid", "code", "narrative"])
        for locality, region, answers in returns:
            for a in answers:
                w.writerow([locality, region, a["qid"], a.get("code", ""), safe_cell(a.get("narrative", ""))])
