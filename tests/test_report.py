"""The reports (wvtext.report): escaping, formula safety, workbook layout, manifest, REFI-QDA codebook,
optional inputs, SYNTHETIC labelling and the `wvtext report` command. Built from small hand-made
analysis folders (no analysis run, no browser)."""
from pathlib import Path
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT
from wvtext.codebook import load_codebook
from wvtext.export import write_csv, write_json
from wvtext.schema import ANSWERS_COLUMNS, ANSWERS_EXTRA, PROBLEMS_COLUMNS, RETURNS_COLUMNS, RETURNS_EXTRA

HOSTILE = "<script>alert(1)</script> Board </td></tr><b>debris</b> &amp; <img src=x onerror=alert(2)> ends."
FORMULAS = {"2.2": "=HYPERLINK(\"http://evil\",\"x\")", "2.3": "+1+1", "2.4": "-2+3", "2.5": "@SUM(A1:A2)"}
RETURNS = [  # return_id, locality, region, synthetic, class given at 1.3
    ("realtown", "Realtown", "London", 0, "yes"),
    ("synthetic-b", "Synth & <b>Borough</b>", "London", 1, "yes"),
    ("synthetic-c", "Cville", "North East", 1, "in_progress"),
    ("../evil/../d", "Dtown", "North East", 1, "no"),
]
SUPPORT_COLUMNS = ("locality", "region", "return_id", "qid", "sentence", "themes", "cues", "synthetic")
GP_COLUMNS = ("item_id", "locality", "region", "return_id", "qid", "title", "themes", "score", "evidence", "text")


def _code_for(q, cls):
    for c in q.codes:
        if c.answer_class == cls:
            return str(c.code), cls
    c = next((c for c in q.codes if c.answer_class == "yes"), q.codes[-1])
    return str(c.code), c.answer_class


def make_run(out, *, support=False, extras=False, flags=True):
    """Write a small analysis folder: 4 returns x 61 answers (1 real, 3 synthetic)."""
    cb = load_codebook()
    answers, rets = [], []
    for rid, loc, region, synth, cls11 in RETURNS:
        for n, q in enumerate(cb):
            if q.is_categorical:
                code, cclass = ("5, 6, 7" if q.kind == "multi_select" else "1"), ""
            else:
                code, cclass = _code_for(q, cls11 if q.qid == "1.3" else ("yes" if n % 3 else "in_progress"))
            narrative = f"{loc} answer to {q.qid}. It is in place and monitored by the board."
            row = {"locality": loc, "qid": q.qid, "code": code, "narrative": narrative, "code_valid": 1,
                   "code_class": cclass, "text_class": cclass or "yes", "divergent": 0, "divergence_score": 0.0,
                   "divergence_type": "", "evidence": narrative.split(". ")[0] + ".", "themes": "governance_partnership",
                   "support_request": (0 if flags else ""), "good_practice": (0 if flags else ""), "return_id": rid,
                   "region": region, "section": q.section, "synthetic": synth, "text_confidence": 0.8,
                   "resolved_from": "", "source_file": f"{rid}.csv", "source_row": n + 2}
            if rid == "realtown" and q.qid == "2.1":
                row.update(narrative=HOSTILE, evidence=HOSTILE, divergent=1, divergence_score=0.7,
                           divergence_type="overstated", themes="finance_strategy")
            if rid == "realtown" and q.qid in FORMULAS:
                row.update(narrative=FORMULAS[q.qid], evidence=FORMULAS[q.qid])
            answers.append(row)
        rets.append({"locality": loc, "region": region, "answers": 61, "divergent": 1 if rid == "realtown" else 0,
                     "divergence_rate": 0.016, "out_of_step_score": 0.6 if rid == "realtown" else 0.1,
                     "out_of_step": 1 if rid == "realtown" else 0, "return_id": rid, "synthetic": synth,
                     "out_of_step_drivers": "2.1 overstated", "source_file": f"{rid}.csv"})
    write_csv(out / "answers.csv", ANSWERS_COLUMNS + ANSWERS_EXTRA, answers)
    write_csv(out / "returns.csv", RETURNS_COLUMNS + RETURNS_EXTRA, rets)
    write_csv(out / "problems.csv", PROBLEMS_COLUMNS, [{"code": "W104", "kind": "code outside the question's scheme",
                                                       "source_file": "realtown.csv", "qid": "3.5",
                                                       "message": "=cmd|' /C calc'!A0"}])
    write_json(out / "manifest.json", {"run_id": "test-run", "wvtext_version": "0", "codebook_version": cb.version,
                                       "inputs": [{"path": "realtown.csv", "format": "long_csv", "status": "ok",
                                                   "returns": ["Realtown"], "answers": 61, "items": 0,
                                                   "problems": 1, "sha256": "0" * 64}],
                                       "outputs": ["answers.csv", "problems.csv", "returns.csv", "manifest.json"]})
    if support:
        write_csv(out / "support_requests.csv", SUPPORT_COLUMNS, [
            {"locality": "Realtown", "region": "London", "return_id": "realtown", "qid": "1.9",
             "sentence": "We would welcome support " + HOSTILE, "themes": "pooled_budgets", "synthetic": 0},
            {"locality": "Cville", "region": "North East", "return_id": "synthetic-c", "qid": "4.5",
             "sentence": "Guidance on registers would help.", "themes": "registers_information", "synthetic": 1}])
    if extras:
        write_csv(out / "good_practice.csv", GP_COLUMNS, [
            {"item_id": "gp-1", "locality": "Realtown", "region": "London", "return_id": "realtown", "qid": "11.3",
             "title": "Housing", "themes": "housing", "score": 0.9, "evidence": "Shared housing " + HOSTILE,
             "text": "Shared housing broker."}])
        write_csv(out / "items.csv", ("item_id", "collection_id", "collection_label", "dup_group", "themes"), [
            {"item_id": "i1", "collection_id": "c1", "collection_label": "Housing brokers <i>", "dup_group": "",
             "themes": "housing"}])
        write_csv(out / "collections.csv", ("collection_id", "collection_label", "size", "top_terms", "themes"), [
            {"collection_id": "c1", "collection_label": "Housing brokers <i>", "size": 1, "top_terms": "broker",
             "themes": "housing"}])
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from wvtext.report import build_reports

    out = make_run(tmp_path_factory.mktemp("rep"), flags=False)
    return out, build_reports(out)


@pytest.fixture(scope="module")
def built_full(tmp_path_factory):
    from wvtext.report import build_reports

    out = make_run(tmp_path_factory.mktemp("full"), support=True, extras=True)
    return out, build_reports(out, title="Test <title>")


def _page(res, rid):
    from pathlib import Path

    return Path(res["localities"][rid]).read_text(encoding="utf-8")


# -- HTML ------------------------------------------------------------------------------------

def test_html_escapes_narratives_and_names(built_full):
    out, res = built_full
    report = (out / "report.html").read_text(encoding="utf-8")
    page = _page(res, "realtown")
    for html in (report, page):
        assert "<script" not in html.lower()          # nothing from the data, and the pages carry no script
        assert "<img src=x" not in html and "<b>debris</b>" not in html and "</td></tr><b>" not in html
        assert "<b>Borough</b>" not in html and "<i>" not in html.replace("<img", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;debris&lt;/b&gt; &amp;amp;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report  # support request and good practice examples
    assert "Synth &amp; &lt;b&gt;Borough&lt;/b&gt;" in report and "Housing brokers &lt;i&gt;" in report
    assert "<title>Test &lt;title&gt;</title>" in report
    # self-contained: no external resources, images inline
    assert not re.search(r'(src|href)="(https?:)?//', report)
    assert re.search(r'<img [^>]*src="data:image/png;base64,', report)
    assert "Content-Security-Policy" in report and "Content-Security-Policy" in page


def test_locality_page_is_a_local_analysis(built_full):
    _, res = built_full
    page = _page(res, "realtown")
    assert "Local analysis: Realtown" in page and "Key strengths" in page and "Areas for development" in page
    assert "Dimensions of the stocktake about which you have requested support" in page
    assert "Guidance on registers" not in page            # another return's request
    assert "We would welcome support" in page
    assert "overstated" in page and "Coding table" in page
    for qid in ("1.1", "6.10", "11.3"):
        assert f"<td>{qid}</td>" in page
    assert "SYNTHETIC RETURN" not in page


def test_page_names_stay_inside_the_localities_folder(built_full):
    out, res = built_full
    from pathlib import Path

    for rid, path in res["localities"].items():
        p = Path(path).resolve()
        assert p.parent == (out / "localities").resolve() and p.is_file(), rid
    assert len({Path(p).name for p in res["localities"].values()}) == len(RETURNS)


def test_synthetic_returns_are_labelled(built_full):
    out, res = built_full
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in report
    assert "3 synthetic returns" in report and "1 real" in report
    assert report.count(">SYNTHETIC<") >= 10  # banner, figures and every listing of a synthetic return
    for rid in ("synthetic-b", "synthetic-c", "../evil/../d"):
        assert "SYNTHETIC RETURN" in _page(res, rid)
    assert res["synthetic_returns"] == 3 and res["real_returns"] == 1


def test_collation_sentences_are_computed_from_the_data(built_full):
    out, _ = built_full
    from wvtext.report.data import load_run
    from wvtext.report.national import question_rows, question_sentence

    d = load_run(out)
    q = d.codebook["1.3"]
    c = d.distribution("1.3")
    assert (c["yes"], c["in_progress"], c["no"]) == (2, 1, 1)
    s = question_sentence(q, c, 4)
    assert s.startswith("75% of localities (3 of 4) have concluded or are progressing this")
    assert "50% yes / in place" in s and "25% in progress" in s and "25% no" in s
    report = (out / "report.html").read_text(encoding="utf-8")
    assert s.replace("/", "/") in report.replace("&#x27;", "'")
    row = next(r for r in question_rows(d) if r["qid"] == "1.3")
    assert row["concluded_or_progressing"] == 3 and row["concluded_or_progressing_pct"] == 75.0
    london = d.ids_in_region("London")
    assert d.distribution("1.3", london)["yes"] == 2


def test_charts_are_cut_as_savefig_cuts_a_tight_box():
    """png_data_uri draws a chart once and cuts it to the tight box savefig(bbox_inches="tight")
    finds by drawing it twice: same size, same picture, also where labels reach past the figure."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    from wvtext.report import charts
    from wvtext.report.data import BUCKET_COLORS, BUCKET_LABELS, BUCKETS

    rows = [("1.1 a question whose label is long enough to reach past the figure's left edge",
             {"yes": 5, "no": 2, "in_progress": 3}), ("1.2 short", {"yes": 1, "partial": 4})]
    made = []
    real = charts.png_data_uri
    charts.png_data_uri = lambda fig: made.append(fig) or real(fig)
    try:
        ours = [charts.stacked_classes(rows, BUCKETS, BUCKET_LABELS, BUCKET_COLORS, title="Section 1"),
                charts.stacked_columns(["1.1", "1.2"], {"overstated": [3, 1], "contradiction": [0, 2]},
                                       {"overstated": "#b2182b"}, title="Flags", ylabel="flags")]
    finally:
        charts.png_data_uri = real

    def pixels(data: bytes):
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))

    for uri, fig in zip(ours, made):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        got, want = pixels(base64.b64decode(uri.split(",", 1)[1])), pixels(buf.getvalue())
        assert got.shape == want.shape
        assert (got != want).any(axis=2).mean() < 0.002


def test_read_table_reads_as_csv_dictreader(tmp_path):
    import csv

    from wvtext.report.data import ReportError, read_table

    path = tmp_path / "t.csv"
    path.write_text("a,b,,c\n1,'=x,\"q,\"\"r\"\"\",\n\n'plain,,'-2,'\n", encoding="utf-8-sig")
    headers = {}
    got = read_table(path, headers)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        want = [{k: (v[1:] if v[:2] in ("'=", "'-") else v) for k, v in r.items()} for r in csv.DictReader(fh)]
    assert got == want == [{"a": "1", "b": "=x", "": 'q,"r"', "c": ""}, {"a": "'plain", "b": "", "": "-2", "c": "'"}]
    assert headers == {"t.csv": ["a", "b", "c"]}
    path.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ReportError, match="row 2: has 3 cells where the header has 2"):
        read_table(path)
    path.write_text("a,b\n1\n", encoding="utf-8")
    with pytest.raises(ReportError, match="row 2: has 1 cells where the header has 2"):
        read_table(path)


# -- workbook -----------------------------------------------------------------------------------

def test_workbook_sheets_headers_frozen_filtered(built_full):
    out, _ = built_full
    from openpyxl import load_workbook

    wb = load_workbook(out / "workbook.xlsx")
    expected = ["about", "answers", "returns", "theme_evidence", "item_themes", "problems", "support_requests",
                "good_practice", "items", "collections", "reviews", "question_national", "question_region",
                "region_section"]
    assert wb.sheetnames == expected
    header = lambda ws: [c.value for c in next(ws.iter_rows(max_row=1))]  # noqa: E731
    assert header(wb["answers"])[: len(ANSWERS_COLUMNS)] == list(ANSWERS_COLUMNS)
    assert header(wb["returns"])[: len(RETURNS_COLUMNS)] == list(RETURNS_COLUMNS)
    assert {"locality", "return_id", "qid", "sentence", "themes"} <= set(header(wb["support_requests"]))
    assert header(wb["support_requests"])[:3] == ["locality", "region", "return_id"]  # the file's own order
    assert header(wb["items"]) == ["item_id", "collection_id", "collection_label", "dup_group", "themes"]
    assert header(wb["collections"]) == ["collection_id", "collection_label", "size", "top_terms", "themes"]
    assert {"qid", "yes", "yes_pct", "summary"} <= set(header(wb["question_national"]))
    assert {"region", "section", "in_place_pct"} <= set(header(wb["region_section"]))
    for name in expected:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
    ws = wb["answers"]
    cols = header(ws)
    narr = cols.index("narrative") + 1
    letter = ws.cell(row=1, column=narr).column_letter
    assert ws.column_dimensions[letter].width >= 40
    assert ws.cell(row=2, column=narr).alignment.wrap_text
    assert not ws.cell(row=2, column=cols.index("qid") + 1).alignment.wrap_text
    for name in expected:  # header rows styled on every sheet
        head = wb[name]["A1"]
        assert head.font.bold and head.fill.fgColor.rgb.endswith("DCE6F1"), name
    assert not ws.cell(row=2, column=1).font.bold
    assert ws.max_row == 1 + 4 * 61
    assert wb["question_national"].max_row == 62
    nat = {r[1]: r for r in wb["question_national"].iter_rows(min_row=2, values_only=True)}
    assert nat["1.3"][cols_index(wb["question_national"], "returns")] == 4
    assert nat["1.3"][cols_index(wb["question_national"], "in_progress")] == 1


def cols_index(ws, name):
    return [c.value for c in next(ws.iter_rows(max_row=1))].index(name)


def test_workbook_and_csv_neutralise_formulas(built_full):
    out, _ = built_full
    from openpyxl import load_workbook

    raw = (out / "answers.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "'@SUM" in raw and "'+1+1" in raw and "'-2+3" in raw
    wb = load_workbook(out / "workbook.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    ws = wb["answers"]
    cols = [c.value for c in next(ws.iter_rows(max_row=1))]
    rows = [dict(zip(cols, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    got = {r["qid"]: r["narrative"] for r in rows if r["return_id"] == "realtown" and r["qid"] in FORMULAS}
    assert got == FORMULAS  # text cells, shown as written: no apostrophe added to the text
    msg = [r for r in wb["problems"].iter_rows(min_row=2, values_only=True)][0]
    assert "=cmd|' /C calc'!A0" in msg and "'=cmd" not in msg
    # numbers stay numbers, ids stay text
    r = next(r for r in rows if r["qid"] == "1.10" or r["qid"] == "1.1")
    assert isinstance(r["qid"], str) and isinstance(r["code_valid"], int)


# -- manifest, missing inputs ----------------------------------------------------------------

def test_manifest_lists_report_outputs(built):
    out, res = built
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["run_id"] == "test-run"  # the analysis' record is kept
    for name in ("answers.csv", "report.html", "workbook.xlsx", "themes.qdc", "manifest.json"):
        assert name in m["outputs"]
    pages = [o for o in m["outputs"] if o.startswith("localities/")]
    assert len(pages) == len(RETURNS) and all((out / p).is_file() for p in pages)
    assert m["report"]["synthetic_returns"] == 3 and "report" in m["timings_s"]
    assert set(m["report"]["not_available"]) == {"support_requests.csv", "good_practice.csv", "items.csv",
                                                 "collections.csv"}


def test_missing_optional_inputs_do_not_fail(built):
    out, res = built
    from openpyxl import load_workbook

    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Support requests: not available in this run." in report
    assert "Good-practice collections: not available in this run." in report
    assert "Support requests: not available in this run." in _page(res, "realtown")
    wb = load_workbook(out / "workbook.xlsx")
    assert wb["support_requests"].max_row == 1
    about = {r[0]: r for r in wb["about"].iter_rows(min_row=2, values_only=True)}
    assert about["support_requests"][3] == "not available in this run"
    assert about["answers"][3] == "yes"


def test_optional_inputs_are_used_when_present(built_full):
    out, res = built_full
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "not available in this run" not in report
    assert "Pooled budgets and s75" in report and "2 support requests from 2 localities" in report
    assert "1 collections of 1 items" in report
    assert res["not_available"] == []


def test_rebuild_removes_pages_of_returns_no_longer_there(tmp_path):
    from wvtext.report import build_reports

    out = make_run(tmp_path)
    (out / "localities").mkdir()
    (out / "localities" / "gone.html").write_text("old")
    (out / "localities" / "notes.txt").write_text("mine")
    build_reports(out)
    assert not (out / "localities" / "gone.html").exists() and (out / "localities" / "notes.txt").exists()
    first = (out / "report.html").read_bytes(), (out / "localities" / "realtown.html").read_bytes()
    build_reports(out)  # rebuilding the same folder gives the same pages
    assert ((out / "report.html").read_bytes(), (out / "localities" / "realtown.html").read_bytes()) == first


def _sheets(path: Path) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: [[(c.value, c.alignment.wrap_text, c.font.bold) for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def test_workbook_written_beside_the_pages_is_the_one_written_in_process(tmp_path, monkeypatch):
    """On a machine with two cores the workbook is written by a second process while the pages are
    rendered; it must be the same workbook as the one written in this process."""
    from wvtext.report import build_reports
    from wvtext import beside as beside_mod

    beside = make_run(tmp_path / "beside", support=True, extras=True)
    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    build_reports(beside)
    inproc = make_run(tmp_path / "inproc", support=True, extras=True)
    monkeypatch.setenv("WVTEXT_JOBS", "1")
    build_reports(inproc)
    assert _sheets(beside / "workbook.xlsx") == _sheets(inproc / "workbook.xlsx")
    assert (beside / "workbook.xlsx").read_bytes() == (inproc / "workbook.xlsx").read_bytes()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # openpyxl's abandoned writers
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unwritable_workbook_is_a_one_line_error_in_either_process(tmp_path, monkeypatch, jobs):
    from wvtext.errors import WvtextError
    from wvtext.report import build_reports
    from wvtext import beside as beside_mod

    out = make_run(tmp_path / "run")
    (out / "workbook.xlsx").mkdir()  # a folder where the workbook should go: it cannot be replaced
    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    monkeypatch.setenv("WVTEXT_JOBS", jobs)
    with pytest.raises(WvtextError, match="workbook.xlsx"):
        build_reports(out)
    assert (out / "workbook.xlsx").is_dir()


def test_no_answers_is_a_report_error(tmp_path):
    from wvtext.report import ReportError, build_reports

    with pytest.raises(ReportError, match="no answers.csv"):
        build_reports(tmp_path)


def _damage(out: Path, how: str) -> None:
    path = out / "answers.csv"
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "latin1":
        path.write_bytes(data.replace(b"answer to 1.1", "r\u00e9ponse".encode("latin-1"), 1))
    elif how == "semicolons":
        path.write_bytes(data.replace(b",", b";"))
    elif how == "header only":
        path.write_bytes(data.split(b"\n", 1)[0] + b"\n")


@pytest.mark.parametrize("how, message", [
    ("truncated", r"row \d+: has \d+ cells where the header has \d+: the file is cut off"),
    ("latin1", "is not UTF-8 text"),
    ("semicolons", "separated by ';'"),
    ("header only", "has a header but no answers"),
])
def test_a_damaged_answers_csv_is_a_report_error_not_a_report(tmp_path, how, message):
    """A cut-off or re-saved answers.csv must not quietly become a report of part of the data."""
    from wvtext.report import ReportError, build_reports

    out = make_run(tmp_path / "run")
    _damage(out, how)
    with pytest.raises(ReportError, match=message):
        build_reports(out)
    assert not (out / "report.html").exists()


# -- REFI-QDA codebook --------------------------------------------------------------------

QDA = "{urn:QDA-XML:codebook:1.0}"


def test_qdc_validates_and_lists_all_themes(built):
    out, _ = built
    from wvtext.report.qdc import build_qdc, theme_descriptions, validate_qdc
    from wvtext.themes.lexicon import THEME_NAMES, THEMES

    path = out / "themes.qdc"
    assert validate_qdc(path) == []
    assert validate_qdc(path, use_lxml=False) == []
    root = ET.parse(path).getroot()
    assert root.tag == f"{QDA}CodeBook" and root.get("origin", "").startswith("wvtext")
    codes = root.findall(f"{QDA}Codes/{QDA}Code")
    assert [c.get("name") for c in codes] == [THEME_NAMES[t] for t in THEMES]
    covers = {t["name"]: t["covers"] for t in theme_descriptions()}
    for c in codes:
        desc = c.find(f"{QDA}Description").text
        assert c.get("isCodable") == "true" and re.fullmatch(r"#[0-9A-F]{6}", c.get("color"))
        assert covers[c.get("name")][5:60] in desc and len(desc) > 40
    assert len({c.get("guid") for c in codes}) == 23
    assert path.read_bytes() == build_qdc()  # deterministic GUIDs and bytes


def test_theme_descriptions_match_the_taxonomy():
    from wvtext.report.qdc import theme_descriptions
    from wvtext.themes.lexicon import THEMES

    rows = theme_descriptions()
    assert [r["id"] for r in rows] == list(THEMES)
    assert next(r for r in rows if r["id"] == "chc")["covers"].startswith("CHC eligibility, the National Framework")


@pytest.mark.parametrize("mutate, expect", [
    (lambda s: s.replace('isCodable="true"', "", 1), "isCodable"),
    (lambda s: s.replace('color="#', 'color="', 1), "RGBType"),
    (lambda s: re.sub(r'guid="[^"]+"', 'guid="not-a-guid"', s, count=1), "GUIDType"),
    (lambda s: s.replace("urn:QDA-XML:codebook:1.0", "urn:other", 1), "namespace"),
    (lambda s: s.replace("<Codes>", "<Codes><Bogus/>", 1), "Bogus"),
    (lambda s: s.replace("</Codes>", "</Codes><Codes/>", 1), "Codes"),
    (lambda s: s.replace(re.search(r'guid="([^"]+)"', s.split("<Code ")[2]).group(1),
                         re.search(r'guid="([^"]+)"', s).group(1), 1), "duplicate"),
])
def test_qdc_validator_rejects_broken_codebooks(mutate, expect):
    from wvtext.report.qdc import build_qdc, validate_qdc

    bad = mutate(build_qdc().decode("utf-8")).encode("utf-8")
    errors = validate_qdc(bad, use_lxml=False)
    assert errors and any(expect in e for e in errors), errors


def test_shipped_xsd_is_the_codebook_schema():
    from wvtext.report.qdc import XSD_PATH

    root = ET.parse(XSD_PATH).getroot()
    assert root.get("targetNamespace") == "urn:QDA-XML:codebook:1.0"
    names = {e.get("name") for e in root}
    assert {"CodeBook", "CodeBookType", "CodesType", "CodeType", "GUIDType", "RGBType", "SetsType"} <= names


# -- command line ------------------------------------------------------------------------------

def _wvtext(*args):
    return subprocess.run([sys.executable, "-m", "wvtext", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_report_without_answers_is_one_line_error(tmp_path):
    res = _wvtext("report", "--out", str(tmp_path))
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no answers.csv" in lines[0] and "wvtext analyse" in lines[0]
    assert "Traceback" not in res.stderr


def test_cli_report_builds(tmp_path):
    make_run(tmp_path, support=True)
    res = _wvtext("report", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "report.html" in res.stdout and "3 SYNTHETIC" in res.stdout
    assert (tmp_path / "report.html").is_file() and (tmp_path / "workbook.xlsx").is_file()
    help_ = _wvtext("report", "--help")
    assert help_.returncode == 0 and "analysis folder" in help_.stdout.lower()


def test_render_script_without_chromium_exits_2(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import render_report
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(render_report, "find_chromium", lambda: None)
    assert render_report.main([str(tmp_path)]) == 2


def test_report_qdc_validates_with_lxml_against_the_shipped_xsd(tmp_path):
    from lxml import etree

    from wvtext.report.qdc import write_qdc  # noqa: F401  (the writer the reports use)

    import wvtext.report as report_pkg

    xsd = Path(report_pkg.__file__).with_name("Codebook.xsd")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    out = tmp_path / "themes.qdc"
    write_qdc(out)
    doc = etree.parse(str(out))
    assert schema.validate(doc), schema.error_log
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    codes = doc.findall(".//q:Code", ns)
    assert len(codes) == 23 and all(c.find("q:Description", ns).text for c in codes)
    broken = etree.fromstring(etree.tostring(doc).replace(b'isCodable="true"', b'isCodable="maybe"', 1))
    assert not schema.validate(broken)


# -- analysts' review decisions ------------------------------------------------------------------

def _with_reviews(out: Path, rows: list[dict]) -> Path:
    from wvtext.schema import REVIEW_COLUMNS

    write_csv(out / "reviews.csv", REVIEW_COLUMNS, [{"decided_at": "2026-12-02T00:00:00+00:00", **r} for r in rows])
    return out


def test_reports_apply_the_review_decisions_and_say_what_wvtext_had(tmp_path):
    """A dismissed flag and support request are left out, a flag wvtext missed is in, a narrative class
    set in review replaces wvtext's, a dismissed theme goes; each reviewed answer says what changed."""
    from openpyxl import load_workbook

    from wvtext.report import build_reports

    out = _with_reviews(make_run(tmp_path / "run", support=True, extras=True), [
        {"kind": "divergence", "return_id": "realtown", "qid": "2.1", "decision": "dismiss"},
        {"kind": "divergence", "return_id": "synthetic-c", "qid": "1.1", "decision": "confirm", "value": "overstated"},
        {"kind": "text_class", "return_id": "realtown", "qid": "1.4", "decision": "set", "value": "partial"},
        {"kind": "support_request", "return_id": "realtown", "qid": "1.9", "decision": "dismiss"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "governance_partnership",
         "decision": "dismiss"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "housing", "decision": "add",
         "value": "not_negated"},
    ])
    res = build_reports(out)
    page = _page(res, "realtown")
    assert "flag overstated dismissed" in page and "narrative class partial (wvtext: in_progress)" in page
    assert "theme governance_partnership dismissed; theme housing added, not negated" in page
    assert "We would welcome support" not in page  # the dismissed request is not among the dimensions
    assert re.search(r"<b>0</b>\s*<span>flagged for discussion", page)
    assert "flag overstated added (wvtext did not flag it)" in _page(res, "synthetic-c")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "flags added: 1, flags dismissed: 1" in report and "support requests dismissed: 1" in report
    wb = load_workbook(out / "workbook.xlsx")
    head = [c.value for c in next(wb["answers"].iter_rows(max_row=1))]
    rows = {(r[head.index("return_id")], r[head.index("qid")]): r
            for r in wb["answers"].iter_rows(min_row=2, values_only=True)}
    assert rows[("realtown", "1.4")][head.index("text_class")] == "partial"
    assert rows[("realtown", "2.1")][head.index("divergent")] == 0
    assert rows[("realtown", "1.5")][head.index("themes")] == "housing"
    assert wb["reviews"].max_row == 7
    analysed = {r["qid"]: r for r in csv_rows(out / "answers.csv") if r["return_id"] == "realtown"}
    assert analysed["2.1"]["divergent"] == "1" and analysed["1.4"]["text_class"] == "in_progress"  # as analysed


def test_no_reviews_leaves_the_reports_as_analysed(built_full):
    out, res = built_full
    assert "reviewed:" not in _page(res, "realtown")
    assert "review decisions are applied" not in (out / "report.html").read_text(encoding="utf-8")


def csv_rows(path: Path) -> list[dict]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_page_that_cannot_be_written_leaves_the_last_workbook_and_no_part_file(tmp_path, monkeypatch):
    from wvtext.report import build_reports
    from wvtext import beside as beside_mod

    monkeypatch.setattr(beside_mod, "cores", lambda: 2)
    out = make_run(tmp_path / "run")
    build_reports(out)
    before = (out / "workbook.xlsx").read_bytes()
    (out / "report.html").unlink()
    (out / "report.html").mkdir()  # the national page cannot be written
    with pytest.raises(Exception):
        build_reports(out)
    assert (out / "workbook.xlsx").read_bytes() == before
    assert not list(out.glob(".workbook.xlsx.*"))
    import multiprocessing

    assert not multiprocessing.active_children()


def test_a_reviews_csv_without_its_columns_is_a_report_error(tmp_path):
    from wvtext.report import ReportError, build_reports

    out = make_run(tmp_path / "run")
    (out / "reviews.csv").write_text("kind,return_id,qid\nsupport_request,realtown,1.9\n", encoding="utf-8")
    with pytest.raises(ReportError, match="reviews.csv: needs columns decision"):
        build_reports(out)


def test_review_decisions_that_change_nothing_are_not_counted_and_confirms_apply(tmp_path):
    """A confirmed theme the answer lacks is put in; a narrative class confirmed with another value
    than wvtext now gives is applied; dismissing what wvtext did not find is not counted."""
    from wvtext.report.data import load_run

    out = _with_reviews(make_run(tmp_path / "run", support=True, extras=True), [
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "housing", "decision": "confirm"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.6", "theme": "chc", "decision": "dismiss"},
        {"kind": "text_class", "return_id": "realtown", "qid": "1.4", "decision": "confirm", "value": "partial"},
        {"kind": "divergence", "return_id": "realtown", "qid": "1.1", "decision": "dismiss"},
        {"kind": "support_request", "return_id": "realtown", "qid": "1.2", "decision": "dismiss"},
    ])
    d = load_run(out)
    a = {x["qid"]: x for x in d.answers_by_return["realtown"]}
    assert "housing" in a["1.5"]["themes"].split(";") and a["1.4"]["text_class"] == "partial"
    assert dict(d.review_counts) == {"themes added": 1, "narrative classes set": 1}


def test_review_decisions_find_answers_by_locality_and_recount_the_return(tmp_path):
    """A folder whose answers.csv has no return_id column: decisions match by locality; the
    return's flagged answers and rate are recounted in the returns sheet too."""
    from wvtext.report.data import load_run

    out = make_run(tmp_path / "run")
    rows = csv_rows(out / "answers.csv")
    cols = [c for c in rows[0] if c != "return_id"]
    write_csv(out / "answers.csv", cols, rows)
    rets = csv_rows(out / "returns.csv")
    write_csv(out / "returns.csv", [c for c in rets[0] if c != "return_id"], rets)
    _with_reviews(out, [{"kind": "divergence", "return_id": "realtown", "locality": "Realtown", "qid": "2.1",
                         "decision": "dismiss"}])
    d = load_run(out)
    a = next(x for x in d.answers if x["locality"] == "Realtown" and x["qid"] == "2.1")
    assert a["divergent"] == "0" and a["review"] == "flag overstated dismissed"
    ret = next(r for r in d.returns if r["locality"] == "Realtown")
    assert ret["divergent"] == "0" and float(ret["divergence_rate"]) == 0


def test_a_dismissed_good_practice_offer_leaves_the_items(tmp_path):
    from wvtext.report.data import load_run

    out = make_run(tmp_path / "run", extras=True)
    write_csv(out / "items.csv", ("item_id", "collection_id", "collection_label", "dup_group", "themes"), [
        {"item_id": "gp-1", "collection_id": "c1", "collection_label": "Housing", "themes": "housing"},
        {"item_id": "i1", "collection_id": "c1", "collection_label": "Housing", "themes": "housing"}])
    _with_reviews(out, [{"kind": "good_practice", "return_id": "realtown", "qid": "11.3", "decision": "dismiss"}])
    d = load_run(out)
    assert [i["item_id"] for i in d.items] == ["i1"] and d.good_practice == []
    assert dict(d.review_counts) == {"good-practice offers dismissed": 1}


# -- REFI-QDA project ------------------------------------------------------------------------------

def _qdpx_codings(out: Path, source: str) -> list[tuple[str, str]]:
    """(code name, selected text) for each coding of one text source of out/project.qdpx."""
    import zipfile

    from lxml import etree

    from wvtext.report.qdpx import validate_qde

    with zipfile.ZipFile(out / "project.qdpx") as z:
        qde = z.read("project.qde")
        assert validate_qde(qde) == []
        doc = etree.fromstring(qde)
        q = "{urn:QDA-XML:project:1.0}"
        codes = {c.get("guid"): c.get("name") for c in doc.iter(f"{q}Code")}
        src = next(s for s in doc.iter(f"{q}TextSource") if s.get("name") == source)
        text = z.read("Sources/" + src.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    return [(codes[c.get("targetGUID")], text[int(sel.get("startPosition")):int(sel.get("endPosition"))])
            for sel in src.iter(f"{q}PlainTextSelection") for c in sel.iter(f"{q}CodeRef")]


def test_qdpx_codes_what_the_reports_show_after_review(tmp_path):
    """A theme dismissed in review is not coded, one added codes the whole narrative, a dismissed flag
    is not coded; a theme's evidence codes its sentence, and a support request its sentence."""
    from wvtext.report import build_reports
    from wvtext.schema import EVIDENCE_COLUMNS

    out = make_run(tmp_path / "run", support=True)
    narrative = "Realtown answer to 1.4. It is in place and monitored by the board."
    write_csv(out / "theme_evidence.csv", EVIDENCE_COLUMNS, [
        {"object": "answer", "locality": "Realtown", "return_id": "realtown", "qid": qid, "theme": "governance_partnership",
         "confidence": 0.9, "carried": 1, "term": "board", "matched": "board", "start_char": narrative.index("board"),
         "end_char": narrative.index("board") + 5, "negated": 0, "sentence": "It is in place and monitored by the board."}
        for qid in ("1.4", "1.5")])
    build_reports(out)
    before = _qdpx_codings(out, "Realtown")
    assert ("Governance and partnership", "It is in place and monitored by the board.") in before
    assert ("divergent: overstated", HOSTILE) in before
    assert ("support request", "We would welcome support " + HOSTILE) not in before  # not in its narrative
    _with_reviews(out, [
        {"kind": "divergence", "return_id": "realtown", "qid": "2.1", "decision": "dismiss"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "governance_partnership", "decision": "dismiss"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "housing", "decision": "add",
         "value": "negated"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.4", "theme": "governance_partnership",
         "decision": "confirm", "value": "not_negated"},
    ])
    build_reports(out)
    after = _qdpx_codings(out, "Realtown")
    assert ("divergent: overstated", HOSTILE) not in after
    assert ("Housing and accommodation", "Realtown answer to 1.5. It is in place and monitored by the board.") in after
    assert after.count(("Governance and partnership", "It is in place and monitored by the board.")) == 1  # 1.4's only
    import zipfile

    with zipfile.ZipFile(out / "project.qdpx") as z:  # the codings name the analyst's reading of the negation
        qde = z.read("project.qde").decode("utf-8")
    assert "Housing and accommodation: added in review; in review: negated" in qde
    assert "Governance and partnership: &apos;board&apos;; in review: not negated" in qde \
        or "Governance and partnership: 'board'; in review: not negated" in qde


@pytest.mark.parametrize("mutate, expect", [
    (lambda s: s.replace(b'isCodable="true"', b'isCodable="maybe"', 1), "isCodable"),
    (lambda s: s.replace(b'<CodeRef targetGUID="', b'<CodeRef targetGUID="00000000-0000-0000-0000-00000000000', 1),
     "reference(s) to no element"),
    (lambda s: s.replace(b'startPosition="', b'startPosition="x', 1), "startPosition"),
    (lambda s: s.replace(b"<Users ", b"<Extra/><Users ", 1), "Extra"),
])
def test_qdpx_validator_rejects_broken_projects(built_full, mutate, expect):
    import zipfile

    from wvtext.report.qdpx import validate_qde

    out, _ = built_full
    with zipfile.ZipFile(out / "project.qdpx") as z:
        qde = z.read("project.qde")
    assert validate_qde(qde) == []
    errors = validate_qde(mutate(qde))
    assert errors and expect in " ".join(errors)


def test_qdpx_spans_hold_the_occurrence_and_every_sentence_of_the_evidence():
    from wvtext.report.qdpx import _sentence_span, _spans

    text = "We have a programme board. The CCG agreed. We have a programme board."
    assert _sentence_span(text, "We have a programme board.", near=53) == (43, 69)  # the copy holding the term
    assert _sentence_span(text, "We have a programme board.", near=10) == (0, 26)
    assert _spans(text, "We have a programme board. We have a programme board.") == [(0, 26), (0, 26)]
    assert _spans("One. Two. Three.", "One. Three.") == [(0, 4), (10, 16)]  # two sentences not next to each other
    assert _spans("One. Two.", "Elsewhere.") == [(0, 9)]  # not there: the whole narrative


def test_qdpx_is_valid_with_control_characters_in_names_and_codes_themes_without_evidence(tmp_path):
    """XML cannot hold most control characters: names and notes lose them, the sources keep the text.
    A theme with no evidence row codes the whole text and says why; one added in review to an item
    codes the item."""
    import csv

    from wvtext.report import build_reports
    from wvtext.schema import ITEM_THEMES_COLUMNS

    out = make_run(tmp_path / "run", extras=True)
    for name in ("answers.csv", "returns.csv"):
        with open(out / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            r["locality"] = r["locality"].replace("Realtown", "Real\x01town")
        write_csv(out / name, list(rows[0]), rows)
    write_csv(out / "item_themes.csv", ITEM_THEMES_COLUMNS, [
        {"item_id": "i1", "title": "Broker\x0b scheme", "locality": "Realtown", "region": "London", "source": "x.csv",
         "themes": "housing", "theme_confidences": "0.9", "description": "An accommodation broker finds homes."}])
    _with_reviews(out, [{"kind": "theme", "item_id": "i1", "theme": "advocacy", "decision": "add"}])
    build_reports(out)  # no theme_evidence.csv in this folder
    codings = _qdpx_codings(out, "Real town")
    assert ("Governance and partnership", "Realtown answer to 1.1. It is in place and monitored by the board.") in codings
    item = _qdpx_codings(out, "i1: Broker  scheme")
    whole = "Broker\x0b scheme. An accommodation broker finds homes."
    assert ("Housing and accommodation", whole) in item and ("Advocacy", whole) in item
    import zipfile

    qde = zipfile.ZipFile(out / "project.qdpx").read("project.qde").decode("utf-8")
    assert "Advocacy: added in review" in qde and "no theme_evidence.csv in this folder" in qde


def test_reviewed_flags_and_themes_read_as_review_left_them(tmp_path):
    """A flag an analyst added is shown as added, not with wvtext's 0.00 and a score it never gave;
    a dismissed flag leaves the return's out-of-step drivers; a theme added in review takes its
    place in themes.md order."""
    from openpyxl import load_workbook

    from wvtext.report import build_reports
    from wvtext.report.data import load_run

    out = _with_reviews(make_run(tmp_path / "run"), [
        {"kind": "divergence", "return_id": "realtown", "qid": "2.1", "decision": "dismiss"},
        {"kind": "divergence", "return_id": "realtown", "qid": "1.1", "decision": "confirm", "value": "understated"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.5", "theme": "chc", "decision": "add"},
    ])
    d = load_run(out)
    a = {x["qid"]: x for x in d.answers_by_return["realtown"]}
    assert a["1.5"]["themes"] == "chc;governance_partnership"
    assert d.return_by_id["realtown"]["out_of_step_drivers"] == "1.1 understated"  # 2.1 dismissed, 1.1 added
    assert d.return_by_id["synthetic-c"]["out_of_step_drivers"] == "2.1 overstated"  # no decision: as analysed
    build_reports(out)
    page = (out / "localities" / "realtown.html").read_text(encoding="utf-8")
    assert "Flag: understated (added in review)" in page and "understated 0.00" not in page
    assert "2.1 overstated" not in page
    ws = load_workbook(out / "workbook.xlsx", read_only=True)["answers"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("themes")
    assert any(r[col] == "chc;governance_partnership" for r in rows[1:])


def test_synthetic_items_are_marked_among_the_collection_examples(tmp_path):
    from wvtext.report import build_reports

    out = make_run(tmp_path / "run", extras=True)
    write_csv(out / "items.csv", ("item_id", "collection_id", "collection_label", "dup_group", "themes", "title",
                                  "synthetic"), [
        {"item_id": "i1", "collection_id": "c1", "collection_label": "Housing", "themes": "housing",
         "title": "Real broker", "synthetic": 0},
        {"item_id": "i2", "collection_id": "c1", "collection_label": "Housing", "themes": "housing",
         "title": "Made-up broker", "synthetic": 1}])
    build_reports(out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Made-up broker [SYNTHETIC]" in page and "Real broker [SYNTHETIC]" not in page
    assert "1 of them SYNTHETIC" in page


def test_charts_do_not_need_pyplot():
    """Charts are drawn through matplotlib's object interface: pyplot (its figure manager and its
    import time) is never loaded, and no figure is left registered anywhere."""
    import subprocess
    import sys

    code = ("import sys\nfrom wvtext.report import charts\n"
            "uri = charts.hbar(['a', 'b'], [2, 1], title='t')\n"
            "assert uri.startswith('data:image/png;base64,'), uri[:40]\n"
            "print('matplotlib.pyplot' in sys.modules)")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "False"


def test_furthest_on_names_no_question_nobody_is_progressing_on(tmp_path):
    """With every code blank (or no Yes, in progress or in part anywhere), no question is "furthest
    on" at 0%: the headline says nobody is progressing instead."""
    import csv

    from wvtext.report import build_reports

    make_run(tmp_path)
    with open(tmp_path / "answers.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r.update(code="", code_class="", code_valid="1")
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    build_reports(tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    furthest = page.split(">Furthest on<", 1)[1].split("<h3>", 1)[0]
    assert "No locality has concluded or is progressing on any question" in furthest
    assert "0% of localities have concluded" not in furthest


def test_an_any_issues_headline_says_what_was_coded_and_what_the_narratives_describe():
    from collections import Counter

    from wvtext.codebook import load_codebook
    from wvtext.report.national import question_sentence

    q = load_codebook().get("1.8")
    said = question_sentence(q, Counter({"no": 4}), 4, hidden=1)
    assert said == "0% of localities (0 of 4) code current issues; 100% (4) code none; 1 of them describes issues " \
                   "in the narrative (flagged hidden_issue)."
    assert question_sentence(q, Counter({"yes": 1, "no": 3}), 4).endswith("code none.")
def test_reviewed_item_themes_keep_their_confidences_beside_them(tmp_path):
    """A theme dismissed on an item takes its confidence with it; one added has a blank confidence
    (wvtext gave it none), in item_themes as the reports and the workbook read them."""
    import openpyxl

    from wvtext.report import build_reports
    from wvtext.report.data import load_run
    from wvtext.schema import ITEM_THEMES_COLUMNS

    out = make_run(tmp_path / "run")
    write_csv(out / "item_themes.csv", ITEM_THEMES_COLUMNS, [
        {"item_id": "i1", "title": "Talking Together", "locality": "Realtown", "region": "London", "source": "x.csv",
         "themes": "pooled_budgets;advocacy;reviews_care_management;family_engagement",
         "theme_confidences": "0.85;0.97;0.53;0.99", "description": "Self-advocates co-produce every review."}])
    _with_reviews(out, [{"kind": "theme", "item_id": "i1", "theme": "housing", "decision": "add"},
                        {"kind": "theme", "item_id": "i1", "theme": "advocacy", "decision": "dismiss"}])
    row = load_run(out).item_themes[0]
    assert row["themes"] == "pooled_budgets;housing;reviews_care_management;family_engagement"
    assert row["theme_confidences"] == "0.85;;0.53;0.99"
    build_reports(out)
    ws = openpyxl.load_workbook(out / "workbook.xlsx")["item_themes"]
    head = [c.value for c in ws[1]]
    got = dict(zip(head, next(ws.iter_rows(min_row=2, values_only=True))))
    assert (got["themes"], got["theme_confidences"]) == (row["themes"], "0.85;;0.53;0.99")


def test_a_dismissed_flag_leaves_the_key_strengths_and_areas_for_development(tmp_path):
    """A contradiction dismissed in review (wvtext misread the narrative: it says what the code says)
    is no longer an area for development on the locality page ("Coded 1 Yes, but the narrative says it
    is not in place."): the answer is a strength, in place, as its code says."""
    import re

    from wvtext.report import build_reports

    out = make_run(tmp_path / "run")
    rows = csv_rows(out / "answers.csv")
    a = next(r for r in rows if r["return_id"] == "realtown" and r["qid"] == "1.3")
    assert a["code_class"] == "yes"
    a.update(narrative="No.", evidence="No.", text_class="no", divergent="1", divergence_score="0.91",
             divergence_type="contradiction")
    write_csv(out / "answers.csv", list(rows[0]), rows)

    def point():  # the page's line about 1.3 in "Key strengths and areas for development"
        page = _page(build_reports(out), "realtown")
        section = page[page.index("Key strengths and areas for development"):]
        item = re.search(r"<li><b>1\.3</b>.*?</li>", section, re.S).group(0)
        return re.sub(r"<[^>]+>", "", item)

    assert "but the narrative says it is not in place" in point() or "Flag: contradiction" in point()
    _with_reviews(out, [{"kind": "divergence", "return_id": "realtown", "qid": "1.3", "decision": "dismiss"}])
    after = point()
    assert "not in place" not in after and "Flag" not in after and "In place (1 Yes)" in after, after


def test_a_hand_edited_reviews_csv_is_checked_row_by_row(tmp_path):
    """Each row of reviews.csv is checked as 'wvtext review decide' checks a decision: an unknown theme,
    divergence type, kind or return is a warning naming the file, row and field, and is not applied
    (not shown as added in review); "Q1.8" is question 1.8, as review decide reads it."""
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.report.data import load_run

    out = _with_reviews(make_run(tmp_path / "run"), [
        {"kind": "divergence", "return_id": "realtown", "locality": "Realtown", "qid": "Q1.8", "decision": "confirm",
         "value": "hidden_issue"},
        {"kind": "bogus", "return_id": "realtown", "qid": "1.3", "decision": "frobnicate"},
        {"kind": "divergence", "return_id": "nowhere", "qid": "1.3", "decision": "dismiss"},
        {"kind": "theme", "return_id": "realtown", "qid": "1.1", "theme": "not_a_theme", "decision": "add"},
        {"kind": "divergence", "return_id": "realtown", "qid": "1.1", "decision": "confirm", "value": "typo_type"},
        {"kind": "divergence", "return_id": "realtown", "qid": "12.1", "decision": "confirm", "value": "overstated"},
    ])
    d = load_run(out)
    reviews = out / "reviews.csv"
    assert [w.split(": ", 1)[0] for w in d.review_warnings] == [
        f"{reviews}, row 3, kind", f"{reviews}, row 4, return_id", f"{reviews}, row 5, theme",
        f"{reviews}, row 6, value", f"{reviews}, row 7, qid"]
    assert "theme 'not_a_theme' is not one of the 23 theme ids" in d.review_warnings[2]
    assert "divergence type 'typo_type' is not one of" in d.review_warnings[3]
    assert all(w.endswith("Not applied: correct the row, or write the file afresh ('wvtext report --out DIR --db "
                          "PATH').") for w in d.review_warnings)
    a = {x["qid"]: x for x in d.answers if x["return_id"] == "realtown"}
    assert a["1.8"]["review"] == "flag hidden_issue added (wvtext did not flag it)"
    assert a["1.1"]["review"] == "" and "not_a_theme" not in a["1.1"]["themes"]
    res = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert res.exit_code == 0 and res.output.count("warning: ") == 5, res.output
    page = (out / "localities" / "realtown.html").read_text(encoding="utf-8")
    assert "not_a_theme" not in page and "typo_type" not in page


def test_a_flag_on_a_locality_page_names_the_classes_it_compares(tmp_path):
    """An answer coded 4 In part whose narrative says no is overstated: its page says the code claims
    more and names both classes; it never says the code says yes."""
    import re

    from wvtext.report import build_reports

    out = make_run(tmp_path / "run")
    rows = csv_rows(out / "answers.csv")
    a = next(r for r in rows if r["return_id"] == "realtown" and r["qid"] == "2.2")
    a.update(code="4", code_valid="1", code_class="partial", narrative="No. The split is not agreed.", evidence="No.",
             text_class="no", divergent="1", divergence_score="0.52", divergence_type="overstated")
    write_csv(out / "answers.csv", list(rows[0]), rows)
    page = _page(build_reports(out), "realtown")
    item = re.sub(r"<[^>]+>", "", re.search(r"<li><b>2\.2</b>.*?</li>", page, re.S).group(0))
    assert "Flag: overstated (0.52), the code claims more than the narrative" in item, item
    assert "(code: partial; narrative: no)" in item and "code says yes" not in item
