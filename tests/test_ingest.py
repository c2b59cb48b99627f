"""Reading returns: the real return in each format, each problem kind, each unreadable file."""
from pathlib import Path

import pytest

from wvtext.errors import IngestError
from wvtext.ingest import read_input, read_return_file

FUSED = {"7.1": ([3], "Yes, the inpatient register"), "7.2": ([1], "Yes, advocacy services"),
         "7.3": ([3], "The provider identifies"), "8.1": ([0], "No, as already identified")}


def _key(ret):
    return [(a.qid, a.codes, a.code_valid, a.code_class, a.narrative) for a in ret.answers]


def test_ingest_seed_text_dump(seed_return):
    assert seed_return.locality == "Leicestershire" and seed_return.region == "East Midlands"
    assert len(seed_return.answers) == 61
    by = {a.qid: a for a in seed_return.answers}
    assert by["1.2"].codes == [5, 6, 7] and by["1.2"].code_raw == "5, 6, 7" and by["1.2"].code_valid
    assert by["3.5"].codes == [3] and not by["3.5"].code_valid and by["3.5"].code_class == ""
    assert by["1.8"].code_class == "no" and by["2.1"].code_class == "in_progress"


@pytest.mark.parametrize("qid", sorted(FUSED))
def test_ingest_fused_code_and_narrative_split(seed_return, qid):
    a = {a.qid: a for a in seed_return.answers}[qid]
    codes, start = FUSED[qid]
    assert a.codes == codes and a.narrative.startswith(start)


def test_ingest_normalises_text_but_keeps_original(seed_return):
    # Seed 002 has no tags inside narratives; the HTML sits in the letter, so test a real entity case too.
    a = {a.qid: a for a in seed_return.answers}["1.1"]
    assert a.narrative_raw.startswith("A joint Learning Disabilities Programme Board")
    assert "  " not in a.narrative


@pytest.mark.parametrize("name, fmt", [("return_leicestershire.xlsx", "xlsx"), ("returns_long.csv", "long_csv")])
def test_ingest_other_layouts_read_identically(seed_return, datapath, name, fmt):
    got = read_input(datapath(name))
    assert got.format == fmt
    ret = got.returns[0]
    assert (ret.locality, ret.region) == ("Leicestershire", "East Midlands")
    assert _key(ret) == _key(seed_return)


@pytest.mark.parametrize("name", ["returns_semicolon_bom.csv", "returns_cp1252.csv"])
def test_ingest_excel_csv_variants(seed_return, datapath, name):
    ret = read_return_file(datapath(name))
    assert ret.locality == "Leicestershire"  # "Leicestershire CC" and "Leics" both resolve
    assert _key(ret)[:4] == _key(seed_return)[:4]
    assert [p.code for p in ret.problems] == ["W107"]  # only the 51 questions the fixture leaves out


def test_ingest_cp1252_characters_decoded(datapath):
    ret = read_return_file(datapath("returns_cp1252.csv"))
    a = {a.qid: a for a in ret.answers}["1.5"]
    assert "\u00a3120k" in a.narrative and "The 'Health" in a.narrative and "\u2018" in a.narrative_raw


PROBLEMS = [
    ("W101", "6.11", 62), ("W102", "1.1", 63), ("W103", "1.5", 6), ("W104", "1.6", 7), ("W105", "1.7", 8),
    ("W106", "2.1", 11), ("W110", "2.2", 12), ("W107", "9.2", None),
]


@pytest.mark.parametrize("code, qid, row", PROBLEMS)
def test_ingest_problem_reported_with_file_row_question(datapath, code, qid, row):
    ret = read_return_file(datapath("return_problems.csv"))
    hits = [p for p in ret.problems if p.code == code]
    assert hits, f"no {code}"
    p = hits[0]
    assert (p.qid, p.row) == (qid, row)
    assert p.file.endswith("return_problems.csv") and p.message


def test_ingest_invalid_and_unreadable_codes_are_kept(datapath):
    by = {a.qid: a for a in read_return_file(datapath("return_problems.csv")).answers}
    assert by["1.5"].code_raw == "TBC" and not by["1.5"].code_valid
    assert by["1.6"].codes == [7] and not by["1.6"].code_valid
    assert by["1.7"].codes == [] and by["1.7"].code_valid and by["1.7"].code_class == ""  # blank = No Response
    assert by["1.1"].code_raw == "3"  # the first of the duplicates is kept


def test_ingest_truncated_file_warns(datapath):
    ret = read_return_file(datapath("return_truncated.txt"))
    assert len(ret.answers) == 44
    w = [p for p in ret.problems if p.code == "W108"]
    assert w and w[0].qid == "6.7" and "truncated" in w[0].message


def test_ingest_multiline_narrative_joined(datapath):
    ret = read_return_file(datapath("return_multiline.txt"))
    a = {a.qid: a for a in ret.answers}["2.1"]
    assert a.narrative.endswith("Second paragraph of the answer, on its own line. Third line.")
    assert any(p.code == "W111" and p.qid == "2.1" for p in ret.problems)
    assert len(ret.answers) == 61


def test_ingest_unknown_locality_kept_with_blank_region(datapath):
    ret = read_return_file(datapath("return_unknown_locality.csv"))
    assert ret.locality == "Atlantis Borough" and ret.region == ""
    assert any(p.code == "W109" for p in ret.problems)


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.csv", "is empty"),
        ("return_corrupt.xlsx", "not a readable xlsx"),
        ("returns_missing_columns.csv", r"missing required column\(s\) code, narrative; found locality, question"),
        ("returns_undecodable.csv", "could not be decoded as UTF-8"),
        ("notes_unrecognised.txt", "not in a format wvtext reads"),
        ("legacy.xls", r"legacy Excel \.xls"),
        ("does_not_exist.csv", "does not exist"),
    ],
)
def test_ingest_unreadable_file_raises_one_line_with_remedy(datapath, tmp_path, name, message):
    path = tmp_path / name if name == "does_not_exist.csv" else datapath(name)
    with pytest.raises(IngestError, match=message) as info:
        read_input(path)
    text = str(info.value)
    assert name in text and "\n" not in text


def test_a_table_of_unknown_columns_is_refused_naming_them(tmp_path):
    (tmp_path / "examples.csv").write_text("Ref,Example title,Summary,Council\nr1,A,B,Leeds\n", encoding="utf-8")
    with pytest.raises(IngestError, match="its first line holds 'Ref', 'Example title', 'Summary', 'Council'"):
        read_input(tmp_path / "examples.csv")


def test_ingest_long_csv_return_id_and_synthetic_columns(tmp_path, seed_return):
    path = tmp_path / "copies.csv"
    lines = ["locality,qid,code,narrative,return_id,synthetic"]
    for rid in ("synthetic-leics-1", "synthetic-leics-2"):
        lines += [f'Leicestershire,{a.qid},"{a.code_raw}",narrative {a.qid},{rid},1' for a in seed_return.answers[:3]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(path)
    assert [r.return_id for r in got.returns] == ["synthetic-leics-1", "synthetic-leics-2"]
    assert all(r.synthetic and r.region == "East Midlands" for r in got.returns)


# -- files as other people save them (each case a way a real return was seen to be written) ----

def _long_rows(seed_return, n=None):
    return [(a.qid, a.code_raw, a.narrative) for a in seed_return.answers[:n]]


def _write_long_xlsx(path, rows, *, header=("locality", "qid", "code", "narrative"), qid_as_number=False):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for qid, code, narrative in rows:
        ws.append(["Leicestershire", float(qid) if qid_as_number else qid, code, narrative])
    wb.save(path)


def test_long_table_saved_as_xlsx_is_read_as_one(tmp_path, seed_return):
    path = tmp_path / "leics_long.xlsx"
    _write_long_xlsx(path, _long_rows(seed_return))
    got = read_input(path)
    assert got.format == "long_xlsx"
    assert _key(got.returns[0]) == _key(seed_return)


def test_qid_typed_as_a_number_in_excel_gives_6_10_back(tmp_path, seed_return):
    """Excel keeps "6.10" typed in a cell as the number 6.1: the second 6.1 of a return is 6.10."""
    path = tmp_path / "numeric_qids.xlsx"
    _write_long_xlsx(path, _long_rows(seed_return), qid_as_number=True)
    ret = read_input(path).returns[0]
    assert _key(ret) == _key(seed_return)
    w = [p for p in ret.problems if p.code == "W115"]
    assert len(w) == 1 and w[0].qid == "6.10" and "text" in w[0].message


def test_items_table_saved_as_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["item_id", "title", "description"])
    ws.append(["x1", "Crisis team", "A crisis team that prevents admission."])
    wb.save(tmp_path / "items.xlsx")
    got = read_input(tmp_path / "items.xlsx")
    assert got.format == "items_xlsx" and [i["item_id"] for i in got.items] == ["x1"]


def test_unquoted_separators_in_an_items_description_are_joined_back_and_cells_past_a_sheet_named(tmp_path):
    (tmp_path / "items.csv").write_text(
        "item_id,title,description,locality\n"
        "u-01,Respite,The unit has 6 beds, is open all year, and takes emergency stays.,Derby\n"
        "u-02,Carers forum,The forum meets every quarter.,Derby\n", encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert [(i["description"], i["locality"]) for i in got.items] == [
        ("The unit has 6 beds, is open all year, and takes emergency stays.", "Derby"),
        ("The forum meets every quarter.", "Derby")]
    (w112,) = got.problems
    assert (w112.code, w112.row, w112.field) == ("W112", 2, "description") and "joined" in w112.message
    import openpyxl

    wb = openpyxl.Workbook()
    for row in (["item_id", "title", "description"], ["x1", "Crisis team", "Open all week.", "a note in D"]):
        wb.active.append(row)
    wb.save(tmp_path / "items.xlsx")
    got = read_input(tmp_path / "items.xlsx")
    assert got.items[0]["description"] == "Open all week."
    assert [(p.code, p.row) for p in got.problems] == [("W112", 2)] and "not read" in got.problems[0].message


def test_a_repeated_header_row_is_skipped_with_a_warning_not_read_as_a_row(tmp_path, seed_return):
    (tmp_path / "items.csv").write_text("item_id,title,description,locality\nd-01,Crisis team,Open all week.,Derby\n"
                                        "item_id,title,description,locality\nn-01,Register,Kept monthly.,Nottingham\n",
                                        encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert [i["item_id"] for i in got.items] == ["d-01", "n-01"]
    assert [(p.code, p.row) for p in got.problems] == [("W123", 3)]
    rows = _long_rows(seed_return, 4)
    lines = ["locality,qid,code,narrative"] + [f'Leicestershire,{q},"{c}","{n}"' for q, c, n in rows[:2]]
    lines += ["Locality,QID,Code,Narrative"] + [f'Leicestershire,{q},"{c}","{n}"' for q, c, n in rows[2:]]
    (tmp_path / "long.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(tmp_path / "long.csv")
    assert _key(got.returns[0]) == _key(seed_return)[:4]
    assert [(p.code, p.row) for p in got.all_problems if p.code in ("W101", "W123")] == [("W123", 4)]


def test_a_tab_delimited_items_file_is_items_even_when_titles_start_with_question_ids(tmp_path):
    """Excel's "Text (Tab delimited)" export of an items sheet whose titles name their question:
    its rows look like a dump's question rows ("1<tab>2.1 Pooled budget"), but the header says items."""
    (tmp_path / "items.txt").write_text(
        "item_id\ttitle\tdescription\tlocality\n1\t2.1 Pooled budget\tA section 75 pooled budget.\tLincolnshire\n"
        "2\t7.2 Crisis team\tA crisis team works seven days a week.\tDerbyshire\n", encoding="utf-8")
    got = read_input(tmp_path / "items.txt")
    assert got.format == "items_csv" and not got.returns
    assert [(i["item_id"], i["title"], i["locality"]) for i in got.items] == [
        ("1", "2.1 Pooled budget", "Lincolnshire"), ("2", "7.2 Crisis team", "Derbyshire")]


def test_an_items_unknown_locality_is_said(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,title,description,locality,region\n"
                                        "t-01,Crisis team,Open all week.,Derby,\n"
                                        "t-02,Register,Kept monthly.,Birmingham and Solihull,West Midlands\n",
                                        encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert [(i["locality"], i["region"]) for i in got.items] == [("Derby", "East Midlands"),
                                                                  ("Birmingham and Solihull", "West Midlands")]
    (w109,) = got.problems
    assert (w109.code, w109.row, w109.field) == ("W109", 3, "locality") and "'Birmingham and Solihull'" in w109.message


def test_a_long_tables_unknown_locality_keeps_the_region_it_gives_and_says_so(tmp_path):
    (tmp_path / "ret.csv").write_text("locality,region,qid,code,narrative\n"
                                      "Fenmarsh,East of England,1.1,1,Yes - the joint board covers it.\n"
                                      "Fenmarsh,East of England,1.3,0,No.\n", encoding="utf-8")
    (ret,) = read_input(tmp_path / "ret.csv").returns
    assert (ret.locality, ret.region) == ("Fenmarsh", "East of England")
    (w109,) = [p for p in ret.problems if p.code == "W109"]
    assert "East of England" in w109.message and "blank region" not in w109.message


def test_an_item_with_no_text_is_not_imported_and_a_title_alone_is_read(tmp_path):
    (tmp_path / "items.csv").write_text("item_id,title,description\n"
                                        "t-01,,\n"
                                        "t-02,Carers cafe,\n"
                                        "t-03,Register,Kept monthly.\n", encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert [i["item_id"] for i in got.items] == ["t-02", "t-03"]
    w = {p.row: p for p in got.problems}
    assert set(w) == {2, 3} and {p.code for p in w.values()} == {"W106"}
    assert "not imported" in w[2].message and "title alone" in w[3].message


def test_unquoted_separator_in_narrative_is_joined_back_with_a_warning(tmp_path, seed_return):
    path = tmp_path / "unquoted.csv"
    lines = ["locality,qid,code,narrative"] + [f'Leicestershire,{q},"{c}","{n}"' for q, c, n in _long_rows(seed_return, 3)]
    lines.append("Leicestershire,2.3,2,Yes, S75 in place, reviewed annually")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(path)
    a = {a.qid: a for a in got.returns[0].answers}["2.3"]
    assert a.narrative == "Yes, S75 in place, reviewed annually"
    w = [p for p in got.problems if p.code == "W112"]
    assert len(w) == 1 and w[0].row == 5 and w[0].qid == "2.3"


@pytest.mark.parametrize("qid", ["1.1.", "1,1", "Q 1.1"])
def test_qid_spellings(tmp_path, qid):
    path = tmp_path / "qids.csv"
    path.write_text(f"locality;qid;code;narrative\nLeicestershire;{qid};1;Yes, a joint board.\n", encoding="utf-8")
    ret = read_input(path).returns[0]
    assert [a.qid for a in ret.answers] == ["1.1"]


def test_no_known_question_id_is_an_error_not_an_empty_return(tmp_path):
    path = tmp_path / "bad_qids.csv"
    path.write_text("locality,qid,code,narrative\nLeicestershire,A1,1,Yes.\nLeicestershire,A2,0,No.\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"no row with a question id .*'A1'.*1\.1, 1\.2"):
        read_input(path)


def test_locality_given_once_is_filled_down_with_one_warning(tmp_path, seed_return):
    path = tmp_path / "filled.csv"
    rows = _long_rows(seed_return, 4)
    lines = ["locality,qid,code,narrative"] + [
        f'{"Leicestershire" if i == 0 else ""},{q},"{c}","{n}"' for i, (q, c, n) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(path)
    assert len(got.returns) == 1 and len(got.returns[0].answers) == 4
    assert [(p.code, p.row) for p in got.problems] == [("W113", 3)]


def test_rows_before_any_locality_are_reported_not_imported(tmp_path):
    path = tmp_path / "no_loc.csv"
    path.write_text("locality,qid,code,narrative\n,1.1,1,Yes.\nLeicestershire,1.2,5,Partners.\n", encoding="utf-8")
    got = read_input(path)
    assert [a.qid for a in got.returns[0].answers] == ["1.2"]
    assert [(p.code, p.row) for p in got.problems] == [("W114", 2)]


def _read_codes(tmp_path, codes: dict[str, str]):
    """A one-return csv with these codes (qid -> code cell); the return and its answers by qid."""
    path = tmp_path / "codes.csv"
    path.write_text("locality,qid,code,narrative\n" + "".join(f"Leicestershire,{q},{c},Some text.\n" for q, c in codes.items()),
                    encoding="utf-8")
    ret = read_input(path).returns[0]
    return ret, {a.qid: a for a in ret.answers}


def test_code_written_as_its_exact_label(tmp_path):
    ret, by = _read_codes(tmp_path, {"1.5": "Yes", "1.8": "no", "1.4": "In progress", "1.6": "Maybe"})
    assert (by["1.5"].codes, by["1.5"].code_class) == ([1], "yes")
    assert (by["1.8"].codes, by["1.8"].code_class) == ([0], "no")
    assert by["1.4"].codes == [5] and by["1.4"].code_valid
    assert not by["1.6"].code_valid and [p.code for p in ret.problems if p.qid == "1.6"] == ["W103"]


def test_a_code_written_as_another_label_of_its_class_is_the_schemes_one_code_of_that_class(tmp_path):
    """"In progress" where 2.1's scheme says "In process", "Not applicable" where 2.6's says "N/A":
    the scheme's one code of that answer class, with W124 naming it. Where two codes share the class
    ("Yes" for 1.1, whose codes 1-3 are all kinds of yes) nothing is guessed: W103 as before."""
    ret, by = _read_codes(tmp_path, {"2.1": "In progress", "2.6": "Not applicable", "1.1": "Yes",
                                     "2.2": "Progressing well, nearly there"})
    assert (by["2.1"].codes, by["2.1"].code_valid, by["2.1"].code_class) == ([3], True, "in_progress")
    assert (by["2.6"].codes, by["2.6"].code_class) == ([5], "not_applicable")
    w124 = {p.qid: p.message for p in ret.problems if p.code == "W124"}
    assert set(w124) == {"2.1", "2.6"} and "read as 3 'In process'" in w124["2.1"]
    assert not by["1.1"].code_valid and not by["2.2"].code_valid
    assert {p.qid for p in ret.problems if p.code == "W103"} == {"1.1", "2.2"}


def test_a_code_number_with_its_label_must_name_that_label(tmp_path):
    """"2 - Not clear" and "5 - In prog" are codes 2 and 5; "2 - No", where 2 is "Not clear", says
    two different things and is kept as given, invalid (not read as "Not clear" because "No" begins it)."""
    ret, by = _read_codes(tmp_path, {"1.5": "2 - Not clear", "1.4": "5 - In prog", "1.6": "2 - No", "1.7": "1 - Yes",
                                     "1.8": "0 - N", "1.9": "1 - Y", "2.1": "0 - None"})
    assert by["1.5"].codes == [2] and by["1.4"].codes == [5] and by["1.7"].codes == [1]
    assert by["1.8"].codes == [0] and by["1.9"].codes == [1] and by["2.1"].codes == [0]  # short forms still read
    assert not by["1.6"].code_valid and by["1.6"].codes == [] and by["1.6"].code_raw == "2 - No"
    assert [p.code for p in ret.problems if p.qid == "1.6"] == ["W103"]


def test_xlsx_with_another_name_is_read_by_its_content(tmp_path, datapath, seed_return):
    path = tmp_path / "leics.xls"
    path.write_bytes(datapath("return_leicestershire.xlsx").read_bytes())
    got = read_input(path)
    assert got.format == "xlsx" and _key(got.returns[0]) == _key(seed_return)


def test_formula_codes_without_saved_values_are_an_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["locality", "qid", "code", "narrative"])
    ws.append(["Leicestershire", "1.1", "=0+1", "Yes, a joint board."])
    wb.save(tmp_path / "formulas.xlsx")  # openpyxl saves formulas without a computed value
    with pytest.raises(IngestError, match=r"formula cell\(s\) with no saved value .*cell C2.*save it"):
        read_input(tmp_path / "formulas.xlsx")


@pytest.mark.parametrize("members, message", [
    ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}, "OpenDocument spreadsheet"),
    ({"word/document.xml": "<x/>"}, "Word document"),
    ({"returns/a.csv": "locality,qid,code,narrative\n"}, "zip archive"),
])
def test_other_zip_files_are_named_for_what_they_are(tmp_path, members, message):
    import zipfile

    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for k, v in members.items():
            z.writestr(k, v)
    with pytest.raises(IngestError, match=message):
        read_input(path)


def test_missing_title_row_says_the_locality_came_from_the_file_name(tmp_path, datapath):
    import openpyxl

    wb = openpyxl.load_workbook(datapath("return_leicestershire.xlsx"))
    ws = wb.active
    title = next(r for r in range(1, 6) if "stocktake" in str(ws.cell(r, 1).value or "").lower())
    ws.delete_rows(title)
    wb.save(tmp_path / "return_no_title.xlsx")
    ret = read_input(tmp_path / "return_no_title.xlsx").returns[0]
    assert len(ret.answers) == 61
    w = [p for p in ret.problems if p.code == "W109"]
    assert len(w) == 1 and "file has no locality" in w[0].message and "Name the file" in w[0].message
    wb.save(tmp_path / "27_leicestershire.xlsx")
    named = read_input(tmp_path / "27_leicestershire.xlsx").returns[0]
    assert named.locality == "Leicestershire" and not [p for p in named.problems if p.code == "W109"]


def test_unquoted_separator_when_the_narrative_is_not_the_last_column(tmp_path):
    path = tmp_path / "mid.csv"
    path.write_text("locality,qid,code,narrative,region\n"
                    "Leicestershire,1.2,5,Yes, S75 in place,East Midlands\n", encoding="utf-8")
    got = read_input(path)
    ret = got.returns[0]
    assert ret.return_id == "leicestershire" and ret.region == "East Midlands"
    assert ret.answers[0].narrative == "Yes, S75 in place"
    assert [p.code for p in got.problems] == ["W112"]


def test_cells_beyond_the_header_of_a_sheet_are_not_joined(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])
    ws.append([])
    ws.append(["locality", "qid", "code", "narrative"])
    ws.append(["Leicestershire", "1.1", 1, "A joint board.", "reviewer: check this"])
    ws.append([None, "1.2", "TBC", "Partners named."])
    wb.save(tmp_path / "offset.xlsx")
    got = read_input(tmp_path / "offset.xlsx")
    ret = got.returns[0]
    assert [a.narrative for a in ret.answers] == ["A joint board.", "Partners named."]
    # the sheet's own row numbers: header on row 3
    assert {p.code: p.row for p in got.all_problems} == {"W112": 4, "W113": 5, "W103": 5, "W107": None}


def test_a_repeated_6_1_is_6_10_only_where_6_10_would_stand(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("locality,qid,code,narrative\nLeicestershire,6.1,1,First.\nLeicestershire,6.1,1,Again.\n",
                    encoding="utf-8")
    ret = read_input(path).returns[0]
    assert [a.qid for a in ret.answers] == ["6.1"]
    assert [p.code for p in ret.problems if p.code in ("W102", "W115")] == ["W102"]


def test_return_id_is_filled_down_with_the_locality(tmp_path):
    path = tmp_path / "rid.csv"
    path.write_text("locality,qid,code,narrative,return_id\nLeicestershire,1.1,1,Yes.,leics-a\n,1.2,5,Partners.,\n",
                    encoding="utf-8")
    got = read_input(path)
    assert [(r.return_id, len(r.answers)) for r in got.returns] == [("leics-a", 2)]


def test_rows_without_any_locality_are_an_error_that_says_so(tmp_path):
    path = tmp_path / "noloc.csv"
    path.write_text("locality,qid,code,narrative\n,1.1,1,Yes.\n,1.2,5,Partners.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="none gives its locality"):
        read_input(path)


def test_formula_with_a_saved_empty_result_is_read(tmp_path):
    """Excel saves a formula whose result is "" with an empty string value: that is a saved value."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["locality", "qid", "code", "narrative", "check"])
    ws.append(["Leicestershire", "1.1", 1, "Yes, a joint board.", '=IF(C2="","missing","")'])
    wb.save(tmp_path / "f.xlsx")
    # Write the cached result as Excel does: <c t="str"><f>...</f><v></v></c>
    src, dst = tmp_path / "f.xlsx", tmp_path / "excel_saved.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                start = text.index('<c r="E2"')
                end = text.index("</c>", start) + 4
                text = text[:start] + '<c r="E2" t="str"><f>IF(C2="","missing","")</f><v></v></c>' + text[end:]
                data = text.encode("utf-8")
            zout.writestr(item, data)
    ret = read_input(dst).returns[0]
    assert [(a.qid, a.codes) for a in ret.answers] == [("1.1", [1])]


def test_workbook_without_worksheets_is_an_error(tmp_path):
    import openpyxl

    from openpyxl.chart import BarChart

    wb = openpyxl.Workbook()
    wb.create_chartsheet().add_chart(BarChart())
    wb.remove(wb.active)
    wb.save(tmp_path / "charts.xlsx")
    with pytest.raises(IngestError, match="no worksheet"):
        read_input(tmp_path / "charts.xlsx")


def test_a_narrative_of_bullets_alone_is_empty(tmp_path):
    path = tmp_path / "bullet.csv"
    path.write_text("locality,qid,code,narrative\nLeicestershire,1.1,1,\u2022\n", encoding="utf-8")
    ret = read_input(path).returns[0]
    assert ret.answers[0].narrative == "" and [p.code for p in ret.problems if p.qid == "1.1"] == ["W106"]


# -- files as the reviewers' returns were saved (each case a defect once seen) -------------------

def _write_long_csv(path, rows, *, header="locality,qid,code,narrative", locality="Leicestershire"):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header.split(","))
        for qid, code, narrative in rows:
            w.writerow(([locality] if header.startswith("locality") else []) + [qid, code, narrative])


def test_a_narrative_over_the_csv_field_limit_is_read(tmp_path, seed_return):
    """A strategy pasted into one cell: 170,000 characters, over the csv module's default 131,072."""
    rows = _long_rows(seed_return, 3)
    long_text = "The strategy sets out our plan. " * 5400
    rows[1] = (rows[1][0], rows[1][1], long_text)
    _write_long_csv(tmp_path / "pasted.csv", rows)
    ret = read_input(tmp_path / "pasted.csv").returns[0]
    assert len(ret.answers) == 3 and len(ret.answers[1].narrative_raw) == len(long_text) > 170_000


def test_a_csv_row_the_csv_module_refuses_is_an_error_naming_the_row(tmp_path, seed_return):
    import csv

    _write_long_csv(tmp_path / "big.csv", [("1.1", "1", "Short."), ("1.2", "5", "x" * 500)])
    old = csv.field_size_limit(100)
    try:
        with pytest.raises(IngestError, match=r"big\.csv: row 3 \(line 3\) could not be read as csv .*field limit"):
            read_input(tmp_path / "big.csv")
    finally:
        csv.field_size_limit(old)


@pytest.mark.parametrize("kind", ["items", "long"])
def test_a_quoted_cell_left_open_is_an_error_naming_its_row_not_read_on_to_the_end(tmp_path, kind):
    """A stray quote (or a file cut short inside a quoted cell) would swallow every later row into
    one cell; the csv module says nothing unless asked."""
    head = "item_id,title,description" if kind == "items" else "locality,qid,code,narrative"
    rows = (['q-01,Crisis line,"A line open all day, every day."', 'q-02,Respite,"Six beds, open all year',
             "q-03,Housing pathway,Moves planned a year ahead.", "q-04,Transitions panel,Meets monthly."]
            if kind == "items" else
            ['Derby,1.1,3,"A board, meeting monthly."', 'Derby,1.2,3,"Health, housing', "Derby,1.3,1,Yes.",
             "Derby,1.4,1,Yes."])
    (tmp_path / "open.csv").write_text("\n".join([head] + rows) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"open\.csv: row 3 \(line 3\) opens a quoted cell that is never closed"):
        read_input(tmp_path / "open.csv")
    rows[1] += '"'  # closed: read as before, a quote inside an unquoted cell kept as written
    rows[2] = rows[2].replace("planned", 'planned "early"') if kind == "items" else rows[2]
    (tmp_path / "open.csv").write_text("\n".join([head] + rows) + "\n", encoding="utf-8")
    got = read_input(tmp_path / "open.csv")
    assert len(got.items) == 4 if kind == "items" else len(got.returns[0].answers) == 4
    if kind == "items":
        assert got.items[2]["description"] == 'Moves planned "early" a year ahead.'


def test_a_file_a_library_trips_over_is_that_files_error_not_the_runs(tmp_path, seed_return, store, monkeypatch):
    """Malformed content raising a library's own exception is reported for its file; the others are read."""
    from wvtext import ingest
    from wvtext.pipeline import ingest_files

    _write_long_csv(tmp_path / "bad.csv", _long_rows(seed_return, 2))
    _write_long_csv(tmp_path / "good.csv", _long_rows(seed_return, 2))
    real = ingest._read_long_csv

    def trips(name, *args, **kwargs):
        if name.endswith("bad.csv"):
            raise KeyError("xl/sharedStrings.xml")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ingest, "_read_long_csv", trips)
    summary = ingest_files([tmp_path / "bad.csv", tmp_path / "good.csv"], store)
    assert len(summary.errors) == 1 and "bad.csv: could not be read (a part it refers to is missing: " \
        "xl/sharedStrings.xml)" in summary.errors[0] and "KeyError" not in summary.errors[0]  # words, not a class name
    assert "\n" not in summary.errors[0] and summary.return_ids == ["leicestershire"]


@pytest.mark.parametrize("table", ["long", "items"])
def test_a_table_under_a_title_block_in_xlsx_is_found(tmp_path, seed_return, table):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Leicestershire County Council - Winterbourne View stocktake export"])
    ws.append(["Prepared by the Joint Commissioning Unit, July 2013"])
    ws.append([])
    if table == "long":
        ws.append(["locality", "qid", "code", "narrative"])
        for qid, code, narrative in _long_rows(seed_return):
            ws.append(["Leicestershire", qid, code, narrative])
    else:
        ws.append(["item_id", "title", "description", "contact"])
        ws.append(["L-1", "Crisis team", "A crisis team supports people at home.", "x@y"])
    wb.save(tmp_path / f"{table}.xlsx")
    got = read_input(tmp_path / f"{table}.xlsx")
    if table == "long":
        assert got.format == "long_xlsx" and _key(got.returns[0]) == _key(seed_return)
        assert got.returns[0].answers[0].row == 5  # the sheet's own row numbers
    else:
        assert got.format == "items_xlsx" and [i["item_id"] for i in got.items] == ["L-1"]


def _two_decimals(qid):
    return f"{float(qid):.2f}"  # a qid column formatted 0.00: 1.1 -> "1.10", 6.10 (the number 6.1) -> "6.10"


@pytest.mark.parametrize("order", ["codebook", "numeric"])
def test_question_ids_written_with_two_decimals_are_read_with_one(tmp_path, seed_return, order):
    rows = [(_two_decimals(q), c, n) for q, c, n in _long_rows(seed_return)]
    if order == "numeric":
        rows.sort(key=lambda r: float(r[0]))  # the sheet sorted by qid: the two "6.10" rows side by side
    _write_long_csv(tmp_path / "two_dp.csv", rows)
    got = read_input(tmp_path / "two_dp.csv")
    assert sorted(_key(got.returns[0])) == sorted(_key(seed_return))
    assert [p.code for p in got.problems] == ["W116"] and "text" in got.problems[0].message


def test_a_single_6_10_with_two_decimals_is_6_10_only_after_6_9(tmp_path, seed_return):
    rows = [(_two_decimals(q), c, n) for q, c, n in _long_rows(seed_return) if q != "6.1"]
    _write_long_csv(tmp_path / "no_6_1.csv", rows)
    ret = read_input(tmp_path / "no_6_1.csv").returns[0]
    assert "6.10" in {a.qid for a in ret.answers} and "6.1" not in {a.qid for a in ret.answers}
    rows = [(_two_decimals(q), c, n) for q, c, n in _long_rows(seed_return) if q != "6.10"]
    _write_long_csv(tmp_path / "no_6_10.csv", rows)
    ret = read_input(tmp_path / "no_6_10.csv").returns[0]
    assert "6.1" in {a.qid for a in ret.answers} and "6.10" not in {a.qid for a in ret.answers}


def test_a_file_of_mostly_unknown_question_ids_is_refused_not_stored_near_empty(tmp_path, seed_return):
    rows = [(_two_decimals(q), c, n) for q, c, n in _long_rows(seed_return)]
    rows[1] = ("1.2", rows[1][1], rows[1][2])  # not all written alike: no reading of the rest can be trusted
    _write_long_csv(tmp_path / "mixed.csv", rows)
    with pytest.raises(IngestError, match=r"mixed\.csv: has 58 row\(s\) whose question id is not one of the "
                                          r"stocktake's .*'1\.10' at row 2, and only 2 that are"):
        read_input(tmp_path / "mixed.csv")


def test_excel_escapes_in_xlsx_text_are_decoded(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["locality", "qid", "code", "narrative"])
    ws.append(["Leicestershire", "1.1", 1, "The Joint Board oversees this._x000D_\nIt meets monthly._x0009_Carers attend."])
    ws.append(["Leicestershire", "1.2", 5, "A cell that says _x005F_x000D_ in so many words."])
    wb.save(tmp_path / "crlf.xlsx")
    a, b = read_input(tmp_path / "crlf.xlsx").returns[0].answers
    assert a.narrative_raw == "The Joint Board oversees this.\r\nIt meets monthly.\tCarers attend."
    assert a.narrative == "The Joint Board oversees this. It meets monthly. Carers attend."
    assert b.narrative == "A cell that says _x000D_ in so many words."


def test_a_password_protected_workbook_is_named_as_such(tmp_path):
    """Excel's "Encrypt with Password" saves an OLE compound file holding an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(n.encode("utf-16-le").ljust(128, b"\x00") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    (tmp_path / "protected.xlsx").write_bytes(header + entries + b"\x00" * 512)
    with pytest.raises(IngestError, match=r"protected\.xlsx: is password-protected.*Encrypt with Password"):
        read_input(tmp_path / "protected.xlsx")


@pytest.mark.parametrize("header", ["Item ID,Title,Description", "ID,Title,Description", "item_id,TITLE,Description"])
def test_items_header_variants(tmp_path, header):
    (tmp_path / "items.csv").write_text(f"{header},Locality,Contact email\nA1,Crisis team,A crisis team.,Leics,a@b\n",
                                        encoding="utf-8")
    got = read_input(tmp_path / "items.csv")
    assert got.format == "items_csv" and [(i["item_id"], i["locality"]) for i in got.items] == [("A1", "Leicestershire")]


def test_long_header_variants(tmp_path, seed_return):
    rows = _long_rows(seed_return, 3)
    lines = ["Locality,Question number,Coded as,Locality response,Question"] + [
        f'Leicestershire,{q},"{c}","{n}",The question' for q, c, n in rows]
    (tmp_path / "variants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _key(read_input(tmp_path / "variants.csv").returns[0]) == _key(seed_return)[:3]


def test_a_table_with_neither_header_says_what_each_needs(tmp_path):
    (tmp_path / "half.csv").write_text("item,title,description\nA1,Crisis team,A crisis team.\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"missing required column\(s\) item_id; found item, title, description\. "
                                          r"A csv of returns needs columns qid, code, narrative and locality.*"
                                          r"items needs item_id, title, description"):
        read_input(tmp_path / "half.csv")


def test_trailing_empty_columns_are_not_joined_to_the_narrative(tmp_path):
    (tmp_path / "trailing.csv").write_text("locality,qid,code,narrative,,,\n"
                                           'Leicestershire,1.1,1,"A joint board.",,,\n'
                                           "Leicestershire,1.2,5,Partners, with carers.,,,\n", encoding="utf-8")
    got = read_input(tmp_path / "trailing.csv")
    assert [a.narrative for a in got.returns[0].answers] == ["A joint board.", "Partners, with carers."]
    w = [p for p in got.problems if p.code == "W112"]
    assert len(w) == 1 and w[0].row == 3 and "1 more cell(s)" in w[0].message


def test_a_second_6_1_beside_the_first_is_6_10_in_a_sheet_sorted_by_number(tmp_path, seed_return):
    rows = sorted(_long_rows(seed_return), key=lambda r: float(r[0]))  # 6.1, 6.10 (= 6.1), 6.2, ...
    path = tmp_path / "sorted.xlsx"
    _write_long_xlsx(path, rows, qid_as_number=True)
    ret = read_input(path).returns[0]
    assert sorted(_key(ret)) == sorted(_key(seed_return))
    assert [(p.code, p.qid) for p in ret.problems if p.code in ("W102", "W115")] == [("W115", "6.10")]


@pytest.mark.parametrize("header, blank", [("qid,code,narrative", ""), ("locality,qid,code,narrative", "blank")])
def test_one_return_without_a_locality_is_named_after_the_file(tmp_path, seed_return, header, blank):
    path = tmp_path / "27_leicestershire.csv"
    _write_long_csv(path, _long_rows(seed_return), header=header, locality="")
    got = read_input(path)
    ret = got.returns[0]
    assert (ret.locality, ret.region) == ("Leicestershire", "East Midlands") and _key(ret) == _key(seed_return)
    w = [p for p in ret.problems if p.code == "W113"]
    assert len(w) == 1 and "file name" in w[0].message and ("blank" in w[0].message) == bool(blank)


def test_several_returns_without_a_locality_are_still_refused(tmp_path, seed_return):
    rows = _long_rows(seed_return, 3) * 2
    _write_long_csv(tmp_path / "27_leicestershire.csv", rows, header="qid,code,narrative")
    with pytest.raises(IngestError, match=r"missing required column\(s\) locality"):
        read_input(tmp_path / "27_leicestershire.csv")
    _write_long_csv(tmp_path / "atlantis.csv", _long_rows(seed_return, 3), locality="")
    with pytest.raises(IngestError, match="none gives its locality, and its file name names no locality"):
        read_input(tmp_path / "atlantis.csv")


def test_a_return_of_mostly_unknown_ids_among_others_is_left_out_with_a_warning(tmp_path, seed_return):
    lines = ["locality,qid,code,narrative"]
    lines += [f'Leicestershire,{q},"{c}","{n}"' for q, c, n in _long_rows(seed_return, 3)]
    lines += ["Rutland,1.1,1,Yes.", "Rutland,A2,1,Yes.", "Rutland,A3,0,No."]
    (tmp_path / "two.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(tmp_path / "two.csv")
    assert [r.locality for r in got.returns] == ["Leicestershire"]
    w = [p for p in got.problems if p.code == "W101"]
    assert len(w) == 1 and w[0].message.startswith("Rutland: 2 row(s) have no known question id (first 'A2' at row 6)")
    assert len(got.refused) == 1 and "Rutland" in got.refused[0]


def test_a_locality_left_out_of_a_table_makes_the_run_fail_after_analysing_the_rest(tmp_path, seed_return):
    """A whole return not read is not a success: exit 1, the error names it, the others analysed."""
    import subprocess
    import sys

    from conftest import ROOT

    lines = ["locality,qid,code,narrative"]
    lines += [f'Leicestershire,{q},"{c}","{n}"' for q, c, n in _long_rows(seed_return, 3)]
    lines += ["Rutland,1.1,1,Yes.", "Rutland,A2,1,Yes.", "Rutland,A3,0,No."]
    (tmp_path / "two.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "wvtext", "analyse", str(tmp_path / "two.csv"), "--out",
                          str(tmp_path / "out"), "--db", str(tmp_path / "w.db")], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 1, res.stderr
    assert "Rutland: 2 row(s) have no known question id" in res.stderr and "Traceback" not in res.stderr
    assert (tmp_path / "out" / "answers.csv").read_text(encoding="utf-8").count("Leicestershire") >= 3


def test_a_title_and_a_file_name_that_name_two_localities_are_a_warning(tmp_path, seed_return):
    """The title is read (as before), and W117 says the file name names another area, whose return
    that may be; a file name that agrees, or names none, says nothing."""
    from wvtext.writers import write_return_xlsx

    answers = [{"qid": a.qid, "code": a.code_raw, "narrative": a.narrative} for a in seed_return.answers]
    for name, warned in (("wirral_stocktake.xlsx", True), ("sefton_stocktake.xlsx", False), ("return.xlsx", False)):
        write_return_xlsx(tmp_path / name, "Sefton", answers)
        got = read_input(tmp_path / name)
        assert got.returns[0].locality == "Sefton"
        w117 = [p for p in got.all_problems if p.code == "W117"]
        assert bool(w117) == warned and all("Wirral" in p.message for p in w117), name


def test_two_spellings_of_one_locality_in_a_file_are_one_return(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("locality,qid,code,narrative\nRutland,1.1,1,We have a programme board.\n"
                    "Rutland County Council,1.3,1,A joint post leads the work.\n"
                    "Rutland,1.1,0,A second answer to 1.1.\n", encoding="utf-8")
    got = read_input(path)
    assert len(got.returns) == 1 and [a.qid for a in got.returns[0].answers] == ["1.1", "1.3"]
    assert got.returns[0].answers[0].narrative == "We have a programme board."
    codes = [p.code for p in got.all_problems]
    assert codes.count("W118") == 1 and codes.count("W102") == 1 and codes.count("W107") == 1


# -- returns written in ways the shipped files are not (other areas' exports) -----------------

REAL_DUMP = Path(__file__).resolve().parent.parent / "corpus" / "returns" / "leicestershire_2013_stocktake.txt"


def _dump_lines() -> list[str]:
    return REAL_DUMP.read_text(encoding="utf-8").split("\n")


def _row_index(lines: list[str], qid: str) -> int:
    return next(i for i, ln in enumerate(lines) if ln.split("\t")[1:2] and ln.split("\t")[1].startswith(qid + " "))


def _layout_sheet_rows(lines: list[str]) -> list[list[str]]:
    """The dump's layout part (its title row on), as a sheet's rows of cells."""
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Winterbourne View Local Stocktake"))
    rows = [ln.split("\t") for ln in lines[start:]]
    return [r + [""] * (5 - len(r)) if len(r) > 1 else r for r in rows]


def _write_sheets(path, sheets: dict[str, list[list]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append([c if c != "" else None for c in r])
    wb.save(path)


NUMBERED = ["1. Adult placements funded jointly by CHC and social care",
            "2. Children's complex care packages",
            "3 posts have been funded from the pool"]


def test_numbered_lines_inside_a_narrative_are_text_not_section_headings(tmp_path, seed_return):
    """A line of a narrative that starts with a number ("2. Children's packages") is joined to the
    narrative; only a number whose section's questions follow is a heading."""
    lines = _dump_lines()
    at = _row_index(lines, "1.1")
    path = tmp_path / "leicestershire_numbered.txt"
    path.write_text("\n".join(lines[:at + 1] + NUMBERED + lines[at + 1:]), encoding="utf-8")
    ret = read_return_file(path)
    by = {a.qid: a for a in ret.answers}
    assert len(ret.answers) == 61
    assert all(n.split(" ", 1)[1] in by["1.1"].narrative for n in NUMBERED)
    assert _key(ret)[1:] == _key(seed_return)[1:]
    assert [p.code for p in ret.problems if p.qid == "1.1"] == ["W111"]


def test_a_numbered_list_ending_a_section_keeps_its_items_before_the_next_heading(tmp_path, seed_return):
    """"2. ..." as the last item of 1.9's list, just before "2. Understanding the money": the heading is
    the last line that could head section 2 before its questions; the item stays in 1.9's narrative."""
    lines = _dump_lines()
    at = _row_index(lines, "1.9")
    items = ["1. Information sharing with NHS England", "2. Section 117 funding arrangements"]
    path = tmp_path / "leicestershire_list.txt"
    path.write_text("\n".join(lines[:at + 1] + items + lines[at + 1:]), encoding="utf-8")
    ret = read_return_file(path)
    by = {a.qid: a for a in ret.answers}
    assert by["1.9"].narrative.endswith("1. Information sharing with NHS England 2. Section 117 funding arrangements")
    assert _key(ret)[:8] == _key(seed_return)[:8] and _key(ret)[9:] == _key(seed_return)[9:]
    from wvtext.ingest import read_layout

    assert read_layout(path).sections["2"] == "Understanding the money"


def test_numbered_rows_of_a_narrative_in_a_sheet_are_joined(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    at = next(i for i, r in enumerate(rows) if r[1:2] and r[1].startswith("1.1 "))
    rows = rows[:at + 1] + [["", "", "", "", n] for n in NUMBERED] + rows[at + 1:]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": rows})
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert all(n.split(" ", 1)[1] in {a.qid: a for a in ret.answers}["1.1"].narrative for n in NUMBERED)
    assert _key(ret)[1:] == _key(seed_return)[1:]


@pytest.mark.parametrize("heading", ["Section 2: Understanding the money", "2.0 Understanding the money",
                                     "SECTION 2 - Understanding the money", "2) Understanding the money"])
def test_section_headings_written_other_ways_are_headings(tmp_path, seed_return, heading):
    lines = _dump_lines()
    at = next(i for i, ln in enumerate(lines) if "2. Understanding the money" in ln)
    lines[at] = heading
    path = tmp_path / "leicestershire_headings.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    ret = read_return_file(path)
    assert _key(ret) == _key(seed_return)  # 1.9's narrative does not end with the heading
    assert not [p for p in ret.problems if p.code == "W111"]
    from wvtext.ingest import read_layout

    assert read_layout(path).sections["2"] == "Understanding the money"


def test_a_tab_inside_a_narrative_of_a_dump_is_joined_with_a_warning(tmp_path, seed_return):
    lines = _dump_lines()
    at = _row_index(lines, "1.1")
    cells = lines[at].split("\t")
    cells[4:5] = ["We have:", "\u2022", "a joint Programme Board", "\u2022", "a stakeholder group"]
    lines[at] = "\t".join(cells)
    path = tmp_path / "leicestershire_tabs.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    ret = read_return_file(path)
    assert {a.qid: a for a in ret.answers}["1.1"].narrative == "We have: \u2022 a joint Programme Board \u2022 a stakeholder group"
    w112 = [p for p in ret.problems if p.code == "W112"]
    assert [(p.row, p.qid, p.field) for p in w112] == [(at + 1, "1.1", "narrative")]


def test_a_filled_cell_past_a_sheets_table_is_named_not_lost_silently(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    at = next(i for i, r in enumerate(rows) if r[1:2] and r[1].startswith("1.1 "))
    rows[at] = rows[at][:5] + ["", "Note typed in column G"]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": rows})
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert _key(ret) == _key(seed_return)
    (w112,) = [p for p in ret.problems if p.code == "W112"]
    assert w112.qid == "1.1" and w112.row == at + 1 and f"G{at + 1}" in w112.message and "not read" in w112.message


def _per_section(rows: list[list[str]], keep_headings: bool = False) -> dict[str, list[list[str]]]:
    """The layout split one sheet per section, each with the title and header rows (and each
    section's heading, with `keep_headings`, as the last row of the sheet before)."""
    title, header, body = rows[0], rows[1], rows[2:]
    sheets: dict[str, list[list[str]]] = {}
    current = "1"
    for r in body:
        if r[1:2] and r[1][:2].rstrip(".").isdigit() and r[1][:1].isdigit() and "." in r[1][:3]:
            current = r[1].split(".")[0]
        if r and not any(r[1:]) and r[0][:1] in "<0123456789" and not keep_headings:
            continue  # the section's heading ("<b>2. Understanding the money</b>") is the sheet's name
        sheets.setdefault(f"Section {current}", [title, header]).append(r)
    return sheets


@pytest.mark.parametrize("keep_headings", [False, True])
def test_a_return_laid_out_one_sheet_per_section_is_read_whole(tmp_path, seed_return, keep_headings):
    sheets = _per_section(_layout_sheet_rows(_dump_lines()), keep_headings)
    assert len(sheets) == 11
    _write_sheets(tmp_path / "leicestershire.xlsx", sheets)
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert _key(ret) == _key(seed_return)
    assert not [p for p in ret.problems if p.code in ("W107", "W108")]


def test_a_guidance_sheet_before_the_return_is_passed_over(tmp_path, seed_return):
    guidance = [["Guidance"], ["Enter a code in the 'Coded as' column; the codes used for each question are "
                               "listed beside it."]]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Guidance": guidance, "Return": _layout_sheet_rows(_dump_lines())})
    assert _key(read_return_file(tmp_path / "leicestershire.xlsx")) == _key(seed_return)


def test_a_layout_whose_code_column_is_named_otherwise_and_stands_last(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    moved = [r[:3] + r[4:5] + r[3:4] if len(r) >= 5 else r for r in rows]  # the code after the narrative
    moved[1] = ["Q", "Question", "Codes used", "Locality Response From Stocktake Return", "Response code"]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": moved})
    assert _key(read_return_file(tmp_path / "leicestershire.xlsx")) == _key(seed_return)


def test_question_ids_in_a_column_of_their_own_are_found(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    split = []
    for r in rows:
        if r[1:2] and r[1][:1].isdigit() and " " in r[1] and r[0].isdigit():
            qid, text = r[1].split(" ", 1)
            r = [qid, text] + r[2:]
        split.append(r)
    split[1] = ["Ref", "Question", "Codes Used", "Coded as", "Response"]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": split})
    assert _key(read_return_file(tmp_path / "leicestershire.xlsx")) == _key(seed_return)


def test_a_long_sheet_with_other_column_names_is_read_as_a_long_table(tmp_path, seed_return):
    _write_long_xlsx(tmp_path / "leics.xlsx", _long_rows(seed_return),
                     header=("Locality", "Question No.", "Response code", "Comments/Evidence"))
    got = read_input(tmp_path / "leics.xlsx")
    assert got.format == "long_xlsx" and _key(got.returns[0]) == _key(seed_return)


def test_a_long_sheet_whose_columns_are_not_known_is_refused_naming_them(tmp_path, seed_return):
    _write_long_xlsx(tmp_path / "leics.xlsx", _long_rows(seed_return, 3),
                     header=("Locality", "Item", "Score", "What we said"))
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "leics.xlsx")
    assert "missing required column(s) qid, code, narrative" in str(err.value) and "What we said" in str(err.value)


def test_a_csv_under_a_title_line_or_that_mentions_the_stocktake_is_a_table(tmp_path, seed_return):
    rows = _long_rows(seed_return, 3)
    rows[0] = (rows[0][0], rows[0][1], "As set out in our local stocktake submission, " + rows[0][2])
    plain = tmp_path / "mentions.csv"
    _write_long_csv(plain, rows)
    titled = tmp_path / "titled.csv"
    titled.write_text("Winterbourne View Local Stocktake: Leicestershire\n\n" + plain.read_text(encoding="utf-8"),
                      encoding="utf-8")
    for path in (plain, titled):
        ret = read_return_file(path)
        assert [a.narrative for a in ret.answers] == [r[2] for r in rows]
        assert ret.answers[0].row == (2 if path == plain else 4)  # the file's own row numbers


def test_a_csv_with_old_mac_line_endings_is_read(tmp_path, seed_return):
    rows = _long_rows(seed_return, 3)
    _write_long_csv(tmp_path / "unix.csv", rows)
    (tmp_path / "mac.csv").write_bytes((tmp_path / "unix.csv").read_bytes().replace(b"\r\n", b"\r"))
    assert b"\n" not in (tmp_path / "mac.csv").read_bytes()
    assert _key(read_return_file(tmp_path / "mac.csv")) == _key(read_return_file(tmp_path / "unix.csv"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_utf8_csv_with_one_windows_byte_is_refused_naming_the_line(tmp_path, bom):
    text = ("locality,qid,code,narrative\nLeicestershire,1.1,3,\u00a34.2m pooled\n"
            "Leicestershire,1.2,3,partners X").encode("utf-8").replace(b"partners X", b"partners \x96 all")
    (tmp_path / "mixed.csv").write_bytes(bom + text)
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "mixed.csv")
    assert "mixes two encodings" in str(err.value) and "0x96 on line 3" in str(err.value)


def test_missing_questions_are_all_named_as_runs(tmp_path, seed_return):
    """W107 names every missing question, as runs in question order, however many there are."""
    keep = {"2.4", "5.1", "6.10"}
    ret, _by = _read_codes(tmp_path, {a.qid: a.code_raw for a in seed_return.answers if a.qid in keep})
    (w107,) = [p for p in ret.problems if p.code == "W107"]
    assert w107.message.startswith("58 question(s) missing: 1.1-2.3, 2.5-4.9, 5.2-6.9, 7.1-11.3; ")


def test_a_locality_row_or_cover_sheet_does_not_make_a_layout_workbook_a_long_table(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    with_row = rows[:1] + [["Locality:", "Leicestershire", "Region:", "East Midlands"]] + rows[1:]
    _write_sheets(tmp_path / "a1_leicestershire.xlsx", {"Return": with_row})
    cover = [["Locality", "Lead officer", "Email"], ["Leicestershire", "A. Officer", "a@example.org"]]
    _write_sheets(tmp_path / "a2_leicestershire.xlsx", {"Cover": cover, "Return": rows})
    for name in ("a1_leicestershire.xlsx", "a2_leicestershire.xlsx"):
        assert _key(read_return_file(tmp_path / name)) == _key(seed_return), name


def test_a_short_dump_whose_header_names_a_question_column_is_a_dump(tmp_path, seed_return):
    lines = _dump_lines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("Q\t1.Models"))
    lines[at] = "Question\tCodes used\tCoded as\tResponse"
    body = ["\t".join(ln.split("\t")[1:]) if ln.split("\t")[0].isdigit() else ln for ln in lines[at + 1:]]
    path = tmp_path / "leicestershire_short.txt"
    path.write_text("\n".join(lines[at - 1:at + 1] + body), encoding="utf-8")
    got = read_input(path)
    assert got.format == "text" and _key(got.returns[0]) == _key(seed_return)


@pytest.mark.parametrize("line", ["12 people have moved to community placements since April.",
                                  "2 posts were funded from the pool."])
def test_a_numbered_narrative_line_with_a_sections_number_is_not_its_heading(tmp_path, line):
    """After the last answer, or standing where section 2's heading would: a numbered sentence whose
    words are not the section's title stays in the narrative above."""
    lines = _dump_lines()
    if line.startswith("12"):
        at = _row_index(lines, "11.3")
        lines = lines[:at + 1] + [line] + lines[at + 1:]
        qid = "11.3"
    else:
        at = next(i for i, ln in enumerate(lines) if "2. Understanding the money" in ln)
        lines[at] = line
        qid = "1.9"
    path = tmp_path / "leicestershire_line.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    ret = read_return_file(path)
    assert {a.qid: a for a in ret.answers}[qid].narrative.endswith(line)
    assert "W111" in [p.code for p in ret.problems if p.qid == qid]


def test_the_heading_of_a_section_whose_questions_were_left_out_is_still_a_heading(tmp_path, seed_return):
    lines = [ln for ln in _dump_lines() if not (ln.split("\t")[1:2] and ln.split("\t")[1].startswith("9."))]
    path = tmp_path / "leicestershire_no9.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    ret = read_return_file(path)
    by = {a.qid: a for a in ret.answers}
    assert by["8.3"].narrative == {a.qid: a for a in seed_return.answers}["8.3"].narrative
    assert not [p for p in ret.problems if p.code == "W111" and p.qid == "8.3"]


def test_a_continuation_line_with_a_pasted_bullet_across_cells_is_joined(tmp_path, seed_return):
    lines = _dump_lines()
    at = _row_index(lines, "1.2")
    extra = ["Partners include:", "\u2022\tHousing services", "\u2022\tNHS England specialised commissioning"]
    path = tmp_path / "leicestershire_bullets.txt"
    path.write_text("\n".join(lines[:at + 1] + extra + lines[at + 1:]), encoding="utf-8")
    narrative = {a.qid: a for a in read_return_file(path).answers}["1.2"].narrative
    assert narrative.endswith("Partners include: \u2022 Housing services \u2022 NHS England specialised commissioning")


def test_sheets_that_name_two_localities_are_refused_and_a_cell_past_the_table_names_its_sheet(tmp_path):
    rows = _layout_sheet_rows(_dump_lines())
    other = [[c.replace("Leicestershire", "Rutland") for c in rows[0]]] + rows[1:]
    _write_sheets(tmp_path / "two.xlsx", {"Leics": rows, "Rutland": other})
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "two.xlsx")
    assert "two localities" in str(err.value) and "'Leics'" in str(err.value) and "'Rutland'" in str(err.value)
    sheets = _per_section(rows)
    first = next(i for i, r in enumerate(sheets["Section 2"]) if r[1:2] and r[1].startswith("2.1 "))
    sheets["Section 2"][first] = sheets["Section 2"][first][:5] + ["", "a note"]
    _write_sheets(tmp_path / "leicestershire.xlsx", sheets)
    (w112,) = [p for p in read_return_file(tmp_path / "leicestershire.xlsx").problems if p.code == "W112"]
    assert w112.sheet == "Section 2" and f"G{first + 1}" in w112.message
    assert f"leicestershire.xlsx, sheet 'Section 2', row {first + 1}, question 2.1:" in str(w112)


def test_a_question_given_on_two_sheets_names_both_sheets(tmp_path):
    """Row numbers start again on every sheet: a repeated question's problem says which sheet each
    of its rows stands on."""
    sheets = _per_section(_layout_sheet_rows(_dump_lines()))
    repeat = next(r for r in sheets["Section 2"] if r[1:2] and r[1].startswith("2.1 "))
    sheets["Section 3"].append(repeat)
    first = next(i for i, r in enumerate(sheets["Section 2"], start=1) if r is repeat)
    _write_sheets(tmp_path / "leicestershire.xlsx", sheets)
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    (w102,) = [p for p in ret.problems if p.code == "W102"]
    assert (w102.sheet, w102.row, w102.qid) == ("Section 3", len(sheets["Section 3"]), "2.1")
    assert f"first at sheet 'Section 2' row {first}" in w102.message


def test_a_headed_column_past_the_narrative_is_said_to_be_unread(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    rows[1] = rows[1][:5] + ["Additional comments"]
    at = next(i for i, r in enumerate(rows) if r[1:2] and r[1].startswith("1.1 "))
    rows[at] = rows[at][:5] + ["Board meets monthly."]
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": rows})
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert _key(ret) == _key(seed_return)
    (w112,) = [p for p in ret.problems if p.code == "W112"]
    assert "column F ('Additional comments')" in w112.message and "1 question row" in w112.message


def test_a_mac_csv_with_a_line_break_inside_a_narrative(tmp_path):
    data = b'locality,qid,code,narrative\rLeicestershire,1.1,3,"A board.\nIt meets monthly."\rLeicestershire,1.2,3,Partners.\r'
    (tmp_path / "mac.csv").write_bytes(data)
    ret = read_return_file(tmp_path / "mac.csv")
    assert [a.narrative for a in ret.answers] == ["A board. It meets monthly.", "Partners."]


def test_a_windows_1252_file_whose_bytes_happen_to_spell_utf8_is_still_windows_1252(tmp_path):
    (tmp_path / "w.csv").write_bytes(b"locality,qid,code,narrative\nLeicestershire,1.1,3,Caf\xe9\xa0\x96 costs \xa3500\n")
    assert read_return_file(tmp_path / "w.csv").answers[0].narrative == "Caf\u00e9 - costs \u00a3500"


def test_the_better_name_wins_whatever_the_column_order(tmp_path, seed_return):
    rows = _long_rows(seed_return, 2)
    lines = ["Locality,Question No.,Evidence,Response,Code"] + [f'Leicestershire,{q},"see file","{n}","{c}"' for q, c, n in rows]
    (tmp_path / "order.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [a.narrative for a in read_return_file(tmp_path / "order.csv").answers] == [n for _q, _c, n in rows]
    (tmp_path / "items.csv").write_text("Title,Description,Comments\nA register,Kept monthly.,ok\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_input(tmp_path / "items.csv")
    assert "item_id" in str(err.value)


def test_a_continued_sheet_without_the_header_is_read_with_the_columns_of_the_sheet_before(tmp_path, seed_return):
    rows = _layout_sheet_rows(_dump_lines())
    rows = [r[:1] + [""] + r[1:] for r in rows]  # question ids in C, code in E, narrative in F
    at = next(i for i, r in enumerate(rows) if r[2:3] and r[2].startswith("6.1 "))
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Return": rows[:at], "Sheet2": rows[at:]})  # no header on Sheet2
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert _key(ret) == _key(seed_return)
    (w122,) = [p for p in ret.problems if p.code == "W122"]
    assert w122.sheet == "Sheet2" and "sheet 'Return'" in w122.message and "code in E, narrative in F" in w122.message
    assert not [p for p in ret.problems if p.code in ("W107", "W119")]


def test_a_sheet_of_question_rows_that_does_not_fit_the_header_is_named_not_read(tmp_path):
    sheets = _per_section(_layout_sheet_rows(_dump_lines()))
    # no header, and its codes are not where the header sheet before it has them
    sheets["Section 3"] = [[r[0], r[1], r[2], r[4], r[3]] if len(r) > 4 else r for r in sheets["Section 3"][2:]]
    _write_sheets(tmp_path / "leicestershire.xlsx", sheets)
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert not any(a.qid.startswith("3.") for a in ret.answers) and len(ret.answers) == 56
    (w119,) = [p for p in ret.problems if p.code == "W119"]
    assert w119.sheet == "Section 3" and "header" in w119.message and "sheet 'Section 3'" in str(w119)


def test_a_problem_names_its_sheet_where_a_guidance_sheet_comes_before_the_return(tmp_path, seed_return):
    """The return is read from the workbook's second sheet: its problems say so, since "row 25"
    alone would send the reader to the guidance sheet that opens the workbook. Also for a long table."""
    rows = _layout_sheet_rows(_dump_lines())
    _write_sheets(tmp_path / "leicestershire.xlsx", {"Guidance": [["How to fill in this return"]], "Return": rows})
    ret = read_return_file(tmp_path / "leicestershire.xlsx")
    assert _key(ret) == _key(seed_return)
    (w104,) = [p for p in ret.problems if p.code == "W104"]
    assert (w104.qid, w104.sheet) == ("3.5", "Return")
    long_rows = [["locality", "qid", "code", "narrative"], ["Rutland", "1.5", "7", "A joint board."]]
    _write_sheets(tmp_path / "long.xlsx", {"Notes": [["Read me first"]], "Answers": long_rows})
    (w104,) = [p for p in read_return_file(tmp_path / "long.xlsx").problems if p.code == "W104"]
    assert (w104.row, w104.sheet) == (2, "Answers")
