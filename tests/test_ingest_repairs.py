"""Reading input as people really save it: tables over several sheets, stray quotes, hidden and
merged cells, dates Excel made of codes, sub-question ids, decimal commas, chart sheets, UTF-16
without a byte-order mark, NUL bytes, short aliases, regions and titles. Each file is built here."""
import csv
import datetime

import pytest

from wvtext.errors import IngestError
from wvtext.ingest import read_input, read_return_file

LONG = ["locality", "qid", "code", "narrative"]


def _book(path, sheets: dict[str, list[list]], *, hidden: dict[str, str] | None = None,
          merged: dict[str, str] | None = None, chart_first: bool = False):
    """A workbook of these sheets (rows of cells), a column of a sheet hidden, a range merged."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if chart_first:
        wb.create_chartsheet("Chart")  # an empty chart sheet, as a chart moved to its own sheet leaves
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if hidden and title in hidden:
            ws.column_dimensions[hidden[title]].hidden = True
        if merged and title in merged:
            ws.merge_cells(merged[title])
    wb.save(path)


def _layout(code_header="Coded as", *, codes=(3, 1, 0, 1), extra: tuple | None = None, title="27 Leicestershire"):
    """A short return in the stocktake layout (questions 1.1, 1.3, 1.4, 1.5); `extra`: (header, values)
    of a column put before the code column."""
    head = ["Q", "1.Models of partnership", "Codes Used Blank=NR"] + ([extra[0]] if extra else []) + \
        [code_header, "Locality Response From Stocktake Return"]
    rows = [["Winterbourne View Local Stocktake:", None, None, None, None, title], head]
    for n, (qid, code) in enumerate(zip(("1.1", "1.3", "1.4", "1.5"), codes)):
        rows.append([n + 1, f"{qid} Are you doing this?", "0 - No 1 - Yes"] + ([extra[1][n]] if extra else [])
                    + [code, f"Narrative of {qid}: we have a joint board."])
    return rows


def _long_rows(locality, qids, code="1"):
    return [[locality, q, code, f"{locality} says yes to {q}: a joint board meets monthly."] for q in qids]


def _answers(ret):
    return {a.qid: (a.codes, a.narrative) for a in ret.answers}


# -- 1. a long or items table over several sheets ---------------------------------------------

def test_a_long_table_on_two_sheets_is_read_from_both(tmp_path):
    _book(tmp_path / "two.xlsx", {"Rutland": [LONG] + _long_rows("Rutland", ["1.1", "1.3"]),
                                  "Derby": [LONG] + _long_rows("Derby", ["1.1", "1.4"], code="7")})
    got = read_input(tmp_path / "two.xlsx")
    assert [(r.locality, sorted(_answers(r))) for r in got.returns] == [("Rutland", ["1.1", "1.3"]),
                                                                        ("Derby", ["1.1", "1.4"])]
    w104 = [(p.sheet, p.row, p.qid) for p in got.all_problems if p.code == "W104"]
    assert w104 == [("Derby", 2, "1.1"), ("Derby", 3, "1.4")]  # the sheet's own row numbers


def test_a_long_table_continued_on_a_sheet_without_its_header_is_read_and_said(tmp_path):
    _book(tmp_path / "split.xlsx", {"Part 1": [LONG] + _long_rows("Rutland", ["1.1", "1.3"]),
                                    "Part 2": _long_rows("Rutland", ["1.4", "1.5", "1.6"]),
                                    "Notes": [["Checked by", "A. Officer"], ["Date", "July"]]})
    got = read_input(tmp_path / "split.xlsx")
    (ret,) = got.returns
    assert sorted(_answers(ret)) == ["1.1", "1.3", "1.4", "1.5", "1.6"]
    (w122,) = [p for p in got.all_problems if p.code == "W122"]
    assert w122.sheet == "Part 2" and "sheet 'Part 1'" in w122.message and "qid in B" in w122.message
    (w119,) = [p for p in got.all_problems if p.code == "W119"]  # no sheet is passed over silently
    assert w119.sheet == "Notes" and "not read" in w119.message


def test_an_items_table_on_two_sheets_numbered_alike_keeps_every_item(tmp_path):
    head = ["item_id", "title", "description"]
    _book(tmp_path / "items.xlsx", {"A": [head, ["1", "Crisis line", "Open all day."], ["2", "Respite", "Six beds."]],
                                    "B": [head, ["1", "Register", "Kept monthly."], ["2", "Forum", "Meets yearly."]]})
    got = read_input(tmp_path / "items.xlsx")
    assert [(i["item_id"], i["title"]) for i in got.items] == [("1", "Crisis line"), ("2", "Respite"),
                                                              ("B-1", "Register"), ("B-2", "Forum")]
    (w132,) = got.problems
    assert (w132.code, w132.sheet) == ("W132", "B") and "sheet 'A'" in w132.message


# -- 2. a stray quote that swallows later rows ------------------------------------------------------

def _csv_lines(rows):
    return [",".join(r) for r in rows]


@pytest.mark.parametrize("variant", ["closed_later", "to_the_end"])
def test_a_stray_quote_that_swallows_later_rows_is_refused_naming_its_row(tmp_path, variant):
    rows = ['Derby,1.1,1,"Yes, a joint board."', 'Derby,1.3,1,"Leadership sits with the Head of Service, see below',
            'Derby,1.4,3,"A joint post, funded by both."', 'Derby,1.5,1,"Yes, reported quarterly."']
    if variant == "to_the_end":  # a cell the strict reader refuses first, then a quote never closed
        rows = ['Derby,1.1,1,"Yes" - a joint board.', 'Derby,1.3,1,"Leadership sits with the Head of Service',
                "Derby,1.4,3,A joint post.", "Derby,1.5,1,Reported quarterly."]
    (tmp_path / "quote.csv").write_text("\n".join([",".join(LONG)] + rows) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "quote.csv")
    text = str(err.value)
    assert "quote.csv: row 3 (line 3) opens a quoted narrative" in text and "line 4: question 1.4 of Derby" in text
    assert "Close or remove the stray double quote in row 3's narrative" in text


def test_a_narrative_of_several_lines_that_mention_questions_is_read(tmp_path):
    narrative = "We agreed:\nDerby, as lead, 1.4 and 1.5 are covered\n1.2, 1.3: see above"
    with open(tmp_path / "lines.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([LONG, ["Derby", "1.1", "1", narrative], ["Derby", "1.3", "1", "Yes."]])
    ret = read_return_file(tmp_path / "lines.csv")
    assert _answers(ret)["1.1"] == ([1], "We agreed: Derby, as lead, 1.4 and 1.5 are covered 1.2, 1.3: see above")


def test_a_stray_quote_in_an_items_table_is_refused(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,title,description\nq-01,Crisis line,\"Open all day\n"
                                        'q-02,Respite,"Six beds, open all year."\nq-03,Register,Kept monthly.\n',
                                        encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 2 \(line 2\) opens a quoted description .*line 3: item q-02"):
        read_input(tmp_path / "items.csv")


# -- 3. two columns that could hold the codes ---------------------------------------------------------

@pytest.mark.parametrize("draft", ["Coded as (draft)", "Code"])
def test_a_hidden_code_column_before_the_visible_one_is_not_read_and_both_are_named(tmp_path, draft):
    _book(tmp_path / "leics.xlsx", {"Return": _layout(extra=(draft, [0, 0, 0, 0]))}, hidden={"Return": "D"})
    ret = read_return_file(tmp_path / "leics.xlsx")
    assert {q: c for q, (c, _n) in _answers(ret).items()} == {"1.1": [3], "1.3": [1], "1.4": [0], "1.5": [1]}
    (w125,) = [p for p in ret.problems if p.code == "W125"]
    assert f"D ({draft!r}, hidden)" in w125.message and "E ('Coded as') was read" in w125.message


def test_two_code_columns_of_a_long_csv_are_named(tmp_path):
    (tmp_path / "two.csv").write_text("locality,qid,Coded as,code,narrative\nDerby,1.1,0,1,Yes.\n", encoding="utf-8")
    got = read_input(tmp_path / "two.csv")
    assert _answers(got.returns[0])["1.1"][0] == [1]  # "code", our own name, as before
    (w125,) = [p for p in got.all_problems if p.code == "W125"]
    assert "3 ('Coded as')" in w125.message and "4 ('code')" in w125.message and "4 ('code') was read" in w125.message


# -- 4. code and narrative values swapped --------------------------------------------------------------

def test_code_and_narrative_values_the_wrong_way_round_are_refused(tmp_path):
    rows = [["Derby", q, f"We have a joint board for {q}, meeting monthly.", "1"] for q in ("1.1", "1.3", "1.4")]
    with open(tmp_path / "swapped.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([LONG] + rows)
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "swapped.csv")
    text = str(err.value)
    assert "code column, column 3 ('code'), holds text and the narrative column, column 4 ('narrative'), holds " \
           "codes, in 3 of 3 row(s) (first at row 2" in text and "Swap the two columns' headers" in text


# -- 5. a merged code cell ----------------------------------------------------------------------------

def test_a_code_cell_merged_over_two_questions_is_read_for_both(tmp_path):
    _book(tmp_path / "leics.xlsx", {"Return": _layout()}, merged={"Return": "D4:D5"})  # 1.3 and 1.4
    ret = read_return_file(tmp_path / "leics.xlsx")
    assert _answers(ret)["1.4"][0] == [1] and not [p for p in ret.problems if p.code == "W105"]
    (w126,) = [p for p in ret.problems if p.code == "W126"]
    assert "D4:D5" in w126.message and "question(s) 1.4" in w126.message and w126.qid == "1.3"


def test_a_merged_code_cell_of_a_long_sheet_is_read_for_each_row(tmp_path):
    _book(tmp_path / "long.xlsx", {"Answers": [LONG] + _long_rows("Derby", ["1.1", "1.3", "1.4"])},
          merged={"Answers": "C2:C3"})
    got = read_input(tmp_path / "long.xlsx")
    assert [c for c, _n in _answers(got.returns[0]).values()] == [[1], [1], [1]]
    (w126,) = [p for p in got.all_problems if p.code == "W126"]
    assert "C2:C3" in w126.message and w126.row == 2


# -- 6. a code cell formatted as a date -----------------------------------------------------------

def _dated(path, cells: dict[str, tuple]):
    import openpyxl

    _book(path, {"Return": _layout()})
    wb = openpyxl.load_workbook(path)
    for ref, (value, fmt) in cells.items():
        wb["Return"][ref].value, wb["Return"][ref].number_format = value, fmt
    wb.save(path)


def test_a_code_formatted_as_a_date_is_read_as_its_number(tmp_path):
    _dated(tmp_path / "leics.xlsx", {"D3": (datetime.datetime(1900, 1, 3), "dd/mm/yyyy"),
                                     "D4": (datetime.datetime(2013, 6, 5), "d-mmm")})
    ret = read_return_file(tmp_path / "leics.xlsx")
    by = {a.qid: a for a in ret.answers}
    assert by["1.1"].codes == [3] and by["1.1"].code_valid
    assert not by["1.3"].code_valid and by["1.3"].code_raw == "05/06/2013"  # no code can be made of 5 June 2013
    w127 = {p.qid: p.message for p in ret.problems if p.code == "W127"}
    assert "cell D3" in w127["1.1"] and "read as 3" in w127["1.1"] and "Format the code column as Number" in w127["1.1"]
    assert "cell D4" in w127["1.3"]
    assert not any("00:00" in str(p) or "datetime" in str(p) for p in ret.problems)


# -- 7. sub-question ids and "Question 1.6" ------------------------------------------------------------

def test_a_question_id_with_a_letter_is_said_and_its_repeat_named_as_written(tmp_path):
    rows = _layout()
    rows[4][1] = "1.4a Are you doing this?"
    rows.insert(5, [9, "1.4b And this?", "0 - No 1 - Yes", 1, "The second part."])
    _book(tmp_path / "leics.xlsx", {"Return": rows})
    ret = read_return_file(tmp_path / "leics.xlsx")
    assert _answers(ret)["1.4"] == ([0], "Narrative of 1.4: we have a joint board.")
    (w128,) = [p for p in ret.problems if p.code == "W128"]
    assert w128.qid == "1.4" and "'1.4a'" in w128.message
    (w102,) = [p for p in ret.problems if p.code == "W102"]
    assert "'1.4b'" in w102.message and "'1.4a'" in w102.message


@pytest.mark.parametrize("qid", ["Question 1.6", "Question no. 1.6", "Qu. 1.6", "1.6a"])
def test_question_id_spellings_with_a_word_or_letter(tmp_path, qid):
    (tmp_path / "q.csv").write_text(f"locality,qid,code,narrative\nDerby,{qid},1,Yes.\n", encoding="utf-8")
    ret = read_return_file(tmp_path / "q.csv")
    assert list(_answers(ret)) == ["1.6"]
    assert [p.code for p in ret.problems if p.code in ("W101", "W128")] == (["W128"] if qid == "1.6a" else [])


# -- 8. a code written with a decimal comma -----------------------------------------------------------

def test_a_code_with_a_decimal_comma_is_read_as_its_number_where_one_code_is_asked(tmp_path):
    (tmp_path / "semi.csv").write_text("locality;qid;code;narrative\nDerby;1,1;1,0;Yes.\nDerby;1,3;2,00;Not clear.\n"
                                       "Derby;1,2;1,0;Asc and none.\n", encoding="utf-8")
    ret = read_return_file(tmp_path / "semi.csv")
    by = {a.qid: a for a in ret.answers}
    assert (by["1.1"].codes, by["1.3"].codes) == ([1], [2]) and by["1.1"].code_valid
    assert by["1.2"].codes == [1, 0]  # 1.2 takes several codes: a list, as before
    w129 = {p.qid: p.message for p in ret.problems if p.code == "W129"}
    assert set(w129) == {"1.1", "1.3"} and "'1,0' read as 1" in w129["1.1"]


# -- 9. chart sheets, and messages without exception class names -------------------------------------

def test_a_workbook_that_opens_with_an_empty_chart_sheet_is_read(tmp_path):
    _book(tmp_path / "leics.xlsx", {"Return": _layout()}, chart_first=True)
    ret = read_return_file(tmp_path / "leics.xlsx")
    assert ret.locality == "Leicestershire" and len(ret.answers) == 4


def test_a_damaged_workbook_is_described_in_words(tmp_path):
    _book(tmp_path / "leics.xlsx", {"Return": _layout()})
    data = (tmp_path / "leics.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "cut.xlsx")
    text = str(err.value)
    assert "not a readable xlsx workbook (its zip container is damaged" in text
    assert not any(word in text for word in ("BadZipFile", "Error", "Exception"))


# -- 10. UTF-16 without a byte-order mark; NUL bytes ----------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, codec):
    text = "locality\tqid\tcode\tnarrative\r\nDerby\t1.1\t1\tYes \u00a3 and \u2019.\r\nDerby\t1.3\t0\tNo.\r\n"
    (tmp_path / "wide.csv").write_bytes(text.encode(codec))
    ret = read_return_file(tmp_path / "wide.csv")
    assert _answers(ret) == {"1.1": ([1], "Yes \u00a3 and '."), "1.3": ([0], "No.")}


def test_a_text_file_with_a_nul_byte_is_refused_naming_its_line(tmp_path):
    data = b"locality,qid,code,narrative\nDerby,1.1,1,Yes.\nDerby,1.3,0,No\x00 board.\n"
    (tmp_path / "nul.csv").write_bytes(data)
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "nul.csv")
    text = str(err.value)
    assert "holds 1 NUL byte(s)" in text and "line 3" in text and "Remove the NUL byte(s)" in text
    assert "binary" not in text


# -- 11. short aliases match only as written ---------------------------------------------------------

def test_a_name_one_letter_from_a_short_alias_is_no_match_and_replaces_nothing(tmp_path, store):
    from wvtext.localities import load_localities
    from wvtext.pipeline import ingest_files

    table = load_localities()
    assert table.match("Barnes") is None and table.match("Nots") is None
    assert table.match("banes").locality.name == table.match("BANES").locality.name == "Bath and North East Somerset"
    for loc in ("BANES", "Barnes"):
        (tmp_path / f"{loc}.csv").write_text(f"locality,qid,code,narrative\n{loc},1.1,1,Yes.\n", encoding="utf-8")
    summary = ingest_files([tmp_path / "BANES.csv", tmp_path / "Barnes.csv"], store)
    assert summary.return_ids == ["bath-and-north-east-somerset", "barnes"]
    barnes = read_return_file(tmp_path / "Barnes.csv")
    assert (barnes.locality, barnes.region) == ("Barnes", "") and [p.code for p in barnes.problems] == ["W109", "W107"]


# -- 12. regions and spellings repaired are said ----------------------------------------------------

@pytest.mark.parametrize("given, said", [("South West", "is not Rutland's ADASS region: Rutland is in East Midlands"),
                                         ("East Midland", "'East Midland' read as East Midlands"),
                                         ("Midlands East", "is not an ADASS region")])
def test_a_region_the_locality_contradicts_or_misspells_is_said(tmp_path, given, said):
    (tmp_path / "r.csv").write_text(f"locality,region,qid,code,narrative\nRutland,{given},1.1,1,Yes.\n", encoding="utf-8")
    ret = read_return_file(tmp_path / "r.csv")
    assert ret.region == "East Midlands"
    (w130,) = [p for p in ret.problems if p.code == "W130"]
    assert said in w130.message and w130.row == 2


def test_a_misspelt_locality_and_an_items_region_are_said(tmp_path):
    (tmp_path / "t.csv").write_text("locality,qid,code,narrative\nLeicestershre,1.1,1,Yes.\n", encoding="utf-8")
    ret = read_return_file(tmp_path / "t.csv")
    assert ret.locality == "Leicestershire"
    (w131,) = [p for p in ret.problems if p.code == "W131"]
    assert "'Leicestershre'" in w131.message and "read as Leicestershire" in w131.message
    (tmp_path / "items.csv").write_text("item_id,title,description,locality,region\n"
                                        "i1,Crisis line,Open all day.,Derby,South West\n"
                                        "i2,Register,Kept monthly.,Atlantis,Sout West\n", encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert [(i["locality"], i["region"]) for i in got.items] == [("Derby", "East Midlands"), ("Atlantis", "South West")]
    w130 = {p.row: p.message for p in got.problems if p.code == "W130"}
    assert "'South West' is not Derby's ADASS region" in w130[2] and "'Sout West'" in w130[3]


# -- 13. the title row --------------------------------------------------------------------------------

def test_the_locality_is_the_text_after_the_titles_last_number_and_a_region_there_is_read(tmp_path):
    _book(tmp_path / "SYNTHETIC_ashcombe.xlsx",
          {"Return": _layout(title="SYNTHETIC return, South West - 158 Ashcombe Vale")})
    ret = read_return_file(tmp_path / "SYNTHETIC_ashcombe.xlsx")
    assert (ret.locality, ret.region, ret.synthetic) == ("Ashcombe Vale", "South West", True)
    assert [p.code for p in ret.problems if p.code in ("W109", "W117", "W130")] == ["W109"]
    _book(tmp_path / "return.xlsx", {"Return": _layout(title="SYNTHETIC return, South West - 27 Leicestershire")})
    ret = read_return_file(tmp_path / "return.xlsx")
    assert (ret.locality, ret.region) == ("Leicestershire", "East Midlands")
    assert [p.code for p in ret.problems if p.code == "W130"] == ["W130"]
