"""The xlsx files wvtext writes (the report's workbook.xlsx, a return in the stocktake layout): the
same content gives the same bytes whenever it is written, dated SOURCE_DATE_EPOCH or a fixed date."""
import io
import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from test_report import make_run
from wvtext.export import XLSX_DATE


def _answers(ret) -> list[dict]:
    return [{"qid": a.qid, "code": a.code_raw, "narrative": a.narrative_raw} for a in ret.answers]


def _write_each_kind(run, seed_return, out) -> dict:
    """Write every kind of xlsx wvtext writes; return {name: bytes}."""
    from wvtext.report import build_reports
    from wvtext.writers import write_return_xlsx

    build_reports(run)
    write_return_xlsx(out / "return.xlsx", "Leicestershire", _answers(seed_return), title_number=27)
    return {"workbook.xlsx": (run / "workbook.xlsx").read_bytes(), "return.xlsx": (out / "return.xlsx").read_bytes()}


def _dates(data: bytes) -> set:
    """Every date in an xlsx: the document's created and modified, and each zip member's."""
    wb = load_workbook(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {wb.properties.created, wb.properties.modified} | {datetime(*i.date_time) for i in z.infolist()}


def _cells(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_each_xlsx_has_the_same_bytes_whenever_it_is_written(tmp_path, seed_return, monkeypatch):
    """openpyxl dates the document and zipfile each member with the time of writing (to two
    seconds), so written more than two seconds apart the same content used to differ."""
    from wvtext.report.workbook import SHEETS

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    run = make_run(tmp_path / "run", support=True, extras=True)
    first = _write_each_kind(run, seed_return, tmp_path)
    time.sleep(2.1)
    second = _write_each_kind(run, seed_return, tmp_path)
    assert [name for name, data in first.items() if second[name] != data] == []
    for name, data in first.items():
        assert _dates(data) == {XLSX_DATE}, name
        assert _cells(second[name]) == _cells(data)
    book, ret = _cells(first["workbook.xlsx"]), _cells(first["return.xlsx"])
    assert list(book) == ["about", *(s[0] for s in SHEETS)] and len(book["answers"]) == 1 + 4 * 61
    assert list(ret) == ["Stocktake"] and ret["Stocktake"][0][-1] == "27 Leicestershire"


def test_source_date_epoch_dates_an_xlsx_but_not_the_synthetic_corpus(tmp_path, seed_return, monkeypatch):
    """As reproducible builds expect; the synthetic corpus is dated XLSX_DATE so that it stays a
    function of seed and scale alone."""
    from wvtext.writers import write_return_xlsx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_return_xlsx(tmp_path / "dated.xlsx", "Leicestershire", _answers(seed_return))
    assert _dates((tmp_path / "dated.xlsx").read_bytes()) == {datetime(2023, 11, 14, 22, 13, 20)}
    write_return_xlsx(tmp_path / "fixed.xlsx", "Leicestershire", _answers(seed_return), when=XLSX_DATE)
    assert _dates((tmp_path / "fixed.xlsx").read_bytes()) == {XLSX_DATE}


def test_a_malformed_source_date_epoch_is_a_one_line_error(tmp_path, seed_return, monkeypatch):
    from wvtext.errors import WvtextError
    from wvtext.writers import write_return_xlsx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(WvtextError, match="SOURCE_DATE_EPOCH is 'yesterday'"):
        write_return_xlsx(tmp_path / "r.xlsx", "Leicestershire", _answers(seed_return))
    assert not (tmp_path / "r.xlsx").exists()


def test_a_narrative_longer_than_an_excel_cell_is_cut_with_a_note(tmp_path):
    """Excel holds 32,767 characters in a cell; a longer narrative (a pasted strategy) is cut in the
    workbook with a note saying where the whole text is, and answers.csv keeps it whole."""
    import csv

    from openpyxl import load_workbook

    from test_report import make_run
    from wvtext.export import write_csv
    from wvtext.report import build_reports
    from wvtext.schema import ANSWERS_COLUMNS, ANSWERS_EXTRA

    out = make_run(tmp_path / "run")
    with open(out / "answers.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    long_text = "The strategy sets out our plans. " * 2000  # 66,000 characters
    rows[0]["narrative"] = long_text
    write_csv(out / "answers.csv", ANSWERS_COLUMNS + ANSWERS_EXTRA, rows)
    build_reports(out)
    ws = load_workbook(out / "workbook.xlsx", read_only=True)["answers"]
    head = [c.value for c in next(ws.iter_rows(max_row=1))]
    cell = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[head.index("narrative")]
    assert len(cell) == 32767 and cell.startswith(long_text[:1000]) and cell.endswith("the whole text is in the csv files]")


def test_the_cell_limit_counts_as_excel_does():
    """Excel counts UTF-16 units: a character beyond U+FFFF is two, and a pair is never cut in half."""
    from wvtext.report.workbook import _CELL_LIMIT, _fit

    wide = "\U0001F600" * 20000  # 40,000 units in 20,000 characters
    cut = _fit(wide)
    assert len(cut.encode("utf-16-le")) // 2 <= _CELL_LIMIT and cut.endswith("csv files]")
    assert set(cut[:cut.index(" [")]) == {"\U0001F600"}
    assert _fit("\U0001F600" * 16000) == "\U0001F600" * 16000  # 32,000 units: fits
