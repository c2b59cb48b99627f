"""Reading returns: the real return in each format, each problem kind, each unreadable file."""
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
    assert by["1.5"].code_raw == "Yes" and not by["1.5"].code_valid
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
        ("returns_missing_columns.csv", r"missing required column\(s\) qid, code, narrative"),
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


def test_ingest_long_csv_return_id_and_synthetic_columns(tmp_path, seed_return):
    path = tmp_path / "copies.csv"
    lines = ["locality,qid,code,narrative,return_id,synthetic"]
    for rid in ("synthetic-leics-1", "synthetic-leics-2"):
        lines += [f'Leicestershire,{a.qid},"{a.code_raw}",narrative {a.qid},{rid},1' for a in seed_return.answers[:3]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = read_input(path)
    assert [r.return_id for r in got.returns] == ["synthetic-leics-1", "synthetic-leics-2"]
    assert all(r.synthetic and r.region == "East Midlands" for r in got.returns)
