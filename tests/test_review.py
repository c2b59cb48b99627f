"""The analyst review loop."""
import pytest

from wvtext.errors import WvtextError
from wvtext.pipeline import ingest_files, run_out_of_step, run_text_stages
from wvtext.review import decision_map, record_decision, review_queue
from conftest import SEED_RETURN


@pytest.fixture
def analysed(store):
    ingest_files([SEED_RETURN], store)
    run_text_stages(store, ["leicestershire"], [])
    run_out_of_step(store)
    return store


def test_review_queue_flags_by_score(analysed):
    q = review_queue(analysed, kind="divergence", top=0)
    assert q and [r["score"] for r in q] == sorted((r["score"] for r in q), reverse=True)
    assert q[0]["qid"] == "3.5" and q[0]["what"] == "invalid_code"


def test_review_themes_least_certain_first(analysed):
    q = review_queue(analysed, kind="theme", top=0)
    gaps = [abs(r["score"] - 0.5) for r in q]
    assert gaps == sorted(gaps)


def test_review_decision_removes_item_from_queue_and_latest_wins(analysed):
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid="3.5", decision="dismiss", note="typo")
    assert all(r["qid"] != "3.5" for r in review_queue(analysed, kind="divergence", top=0))
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid="3.5", decision="confirm")
    assert decision_map(analysed)[("divergence", "leicestershire", "3.5", "", "")]["decision"] == "confirm"
    assert len(analysed.reviews(latest=False)) == 2


def test_review_decisions_survive_reimport(analysed):
    record_decision(analysed, kind="theme", return_id="leicestershire", qid="1.8", theme="ordinary_residence",
                    decision="confirm")
    ingest_files([SEED_RETURN], analysed)
    assert ("theme", "leicestershire", "1.8", "", "ordinary_residence") in decision_map(analysed)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "mood", "decision": "confirm"}, "not one of"),
        ({"kind": "divergence", "decision": "maybe"}, "must be one of confirm, dismiss"),
        ({"kind": "theme", "decision": "add"}, "needs the theme"),
        ({"kind": "theme", "decision": "add", "theme": "weather"}, "not one of the 23 theme ids"),
        ({"kind": "divergence", "decision": "confirm", "qid": "12.1"}, "no question '12.1' in the stocktake codebook"),
        ({"kind": "divergence", "decision": "confirm", "return_id": "atlantis"}, "no return 'atlantis'"),
        ({"kind": "divergence", "decision": "confirm", "value": "wrong"}, "'wrong' is not one of contradiction, "),
        ({"kind": "divergence", "decision": "confirm", "value": "partial"}, "is not one of contradiction, "),
        ({"kind": "divergence", "decision": "dismiss", "value": "overstated"}, "a dismissed flag has no divergence type"),
        ({"kind": "theme", "decision": "confirm", "theme": "ordinary_residence", "value": "yes"},
         "a theme decision's value says whether the text only denies the theme: negated or not_negated, not 'yes'"),
        ({"kind": "theme", "decision": "dismiss", "theme": "ordinary_residence", "value": "negated"},
         "a dismissed theme is not there to be negated or not"),
        ({"kind": "support_request", "decision": "dismiss", "value": "x"}, "takes no --value"),
        ({"kind": "text_class", "decision": "confirm", "value": "not_applicable"}, "'confirm' keeps the class"),
        ({"kind": "text_class", "decision": "set"}, "narrative class must be one of"),
        ({"kind": "text_class", "decision": "set", "value": "probably"}, "narrative class must be one of"),
        ({"kind": "text_class", "decision": "dismiss"}, "must be one of confirm, set"),
        ({"kind": "support_request", "decision": "confirm", "theme": "housing"}, "--theme goes only with --kind theme"),
        ({"kind": "divergence", "decision": "dismiss", "theme": "ordinary_residence"}, "--theme goes only with"),
        # 1.1 is not flagged: a dismissal (or an untyped confirmation) there would hide a later flag
        ({"kind": "divergence", "decision": "dismiss", "qid": "1.1"}, "answer 1.1 of leicestershire is not flagged"),
        ({"kind": "divergence", "decision": "confirm", "qid": "1.1"}, "is not flagged"),
        # confirming a theme wvtext did not carry there would add it: that is 'add'
        ({"kind": "theme", "decision": "confirm", "theme": "chc", "qid": "1.1"},
         "wvtext did not carry theme chc on answer 1.1 of leicestershire, so there is no theme to confirm"),
    ],
)
def test_review_bad_decisions_are_refused(analysed, kwargs, message):
    kw = {"return_id": "leicestershire", "qid": "1.8"} | kwargs
    with pytest.raises(WvtextError, match=message):
        record_decision(analysed, **kw)
    assert analysed.reviews() == []


def test_review_narrative_class_from_the_command_line(analysed, tmp_path):
    from typer.testing import CliRunner

    from wvtext.cli import app

    db = str(analysed.path)
    res = CliRunner().invoke(app, ["review", "next", "leicestershire", "--kind", "text_class", "--top", "3", "--db", db])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["review", "decide", "leicestershire", "1.7", "set", "--kind", "text_class",
                                   "--value", "partial", "--db", db])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["review", "decide", "leicestershire", "1.1", "confirm", "--kind", "text_class", "--db", db])
    assert res.exit_code == 0, res.output
    latest = {r["qid"]: r["value"] for r in analysed.reviews() if r["kind"] == "text_class"}
    given = {a["qid"]: a["text_class"] for a in analysed.answer_analysis(["leicestershire"])}
    assert latest == {"1.7": "partial", "1.1": given["1.1"]}


def test_review_theme_negation_from_the_command_line(analysed):
    """A theme confirmed or added may say whether the answer only denies it: the value is stored;
    a later decision without one leaves it undecided."""
    from typer.testing import CliRunner

    from wvtext.cli import app

    db = str(analysed.path)
    res = CliRunner().invoke(app, ["review", "decide", "leicestershire", "1.8", "confirm", "--kind", "theme",
                                   "--theme", "ordinary_residence", "--value", "not_negated", "--db", db])
    assert res.exit_code == 0, res.output
    assert "recorded: theme leicestershire 1.8 ordinary_residence confirm not_negated" in res.output
    res = CliRunner().invoke(app, ["review", "decide", "leicestershire", "1.1", "add", "--kind", "theme",
                                   "--theme", "chc", "--value", "negated", "--db", db])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["review", "decide", "leicestershire", "1.1", "add", "--kind", "theme",
                                   "--theme", "chc", "--value", "denied", "--db", db])
    assert res.exit_code != 0 and "negated or not_negated, not 'denied'" in str(res.exception)
    latest = {(r["qid"], r["theme"]): (r["decision"], r["value"]) for r in analysed.reviews() if r["kind"] == "theme"}
    assert latest == {("1.8", "ordinary_residence"): ("confirm", "not_negated"), ("1.1", "chc"): ("add", "negated")}
    record_decision(analysed, kind="theme", return_id="leicestershire", qid="1.1", theme="chc", decision="add")
    assert decision_map(analysed)[("theme", "leicestershire", "1.1", "", "chc")]["value"] == ""


def test_review_decision_on_a_question_missing_from_the_return_is_refused(store, datapath):
    """return_problems.csv has no 9.2 (W107): a decision on it names the return and the question."""
    rid = ingest_files([datapath("return_problems.csv")], store).return_ids[0]
    with pytest.raises(WvtextError, match=rf"return '{rid}' has no answer to question 9.2"):
        record_decision(store, kind="divergence", return_id=rid, qid="9.2", decision="confirm")
    assert store.reviews() == []


def _decide(db, *args):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, "-m", "wvtext", "review", "decide", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize(
    "args, message",
    [
        (["Atlantis", "1.8", "confirm"], "no return for 'Atlantis' in the database (it holds leicestershire)"),
        (["Leics", "12.1", "confirm"], "no question '12.1' in the stocktake codebook. Questions run from 1.1"),
        (["Leics", "1.8", "confirm", "--value", "banana"],
         "divergence type 'banana' is not one of contradiction, overstated, understated, hidden_issue"),
        (["Leics", "1.8", "dismiss", "--value", "hidden_issue"], "a dismissed flag has no divergence type"),
        (["Leics", "1.8", "confirm", "--kind", "text_class", "--value", "partial"], "give another class with 'set --value CLASS'"),
        (["Leics", "1.1", "dismiss"], "answer 1.1 of leicestershire is not flagged, so there is no flag to dismiss"),
        (["Leics", "1.8", "confirm", "--kind", "good_practice", "--theme", "housing"], "--theme goes only with"),
        (["Leics", "1.1", "confirm", "--kind", "theme", "--theme", "chc"],
         "so there is no theme to confirm. To record that the answer is about it, use 'add'"),
    ],
)
def test_cli_review_decide_refuses_with_one_error_line_and_stores_nothing(analysed, args, message):
    res = _decide(analysed.path, *args)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.returncode == 1, res.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.stderr
    assert analysed.reviews() == []


def test_cli_review_decide_a_divergence_wvtext_missed_with_its_type(analysed):
    """An answer that exists but is not flagged can be confirmed as a divergence, with its type."""
    flagged = {a["qid"] for a in analysed.answer_analysis(["leicestershire"]) if a["divergent"]}
    assert "1.1" not in flagged and "1.8" in flagged
    assert _decide(analysed.path, "Leics", "1.1", "confirm", "--value", "overstated").returncode == 0
    assert _decide(analysed.path, "Leics", "Q1.8", "confirm", "--value", "hidden_issue").returncode == 0
    got = {(r["qid"], r["decision"], r["value"]) for r in analysed.reviews()}
    assert got == {("1.1", "confirm", "overstated"), ("1.8", "confirm", "hidden_issue")}


def test_cli_review_decide_says_when_it_replaces_an_earlier_decision(analysed):
    """A second decision on the same flag replaces the first as the one that counts; the analyst is
    told which one it replaced (with its note), and both stay in the history."""
    first = _decide(analysed.path, "Leics", "1.8", "confirm", "--note", "dispute with a neighbour", "--reviewer", "ab")
    assert first.returncode == 0 and "replaces" not in first.stderr, first.stderr
    second = _decide(analysed.path, "Leics", "1.8", "dismiss")
    assert second.returncode == 0, second.stderr
    assert "replaces the earlier decision 'confirm' by ab" in second.stderr, second.stderr
    assert "(note: dispute with a neighbour)" in second.stderr
    assert [r["decision"] for r in analysed.reviews()] == ["dismiss"]
    assert [r["decision"] for r in analysed.reviews(latest=False)] == ["confirm", "dismiss"]


def test_cli_flags_overview_leaves_out_dismissed_flags(analysed):
    """After 'review decide ... dismiss', the overview's flag count and drivers leave that flag out
    and say how many were dismissed; the return's own listing counts it apart."""
    import subprocess
    import sys

    from conftest import ROOT

    def flags(*args):
        res = subprocess.run([sys.executable, "-m", "wvtext", "flags", *args, "--db", str(analysed.path)],
                             capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 0, res.stderr
        return res.stdout

    def overview():
        out = flags()
        header, row = out.splitlines()[0], next(ln for ln in out.splitlines() if "Leicestershire" in ln)
        return out, int(row[12:16]), row[header.index("drivers"):]

    _, div, drivers = overview()
    assert "1.8 hidden_issue" in drivers.split("; ") and "dismissed" not in drivers
    assert _decide(analysed.path, "Leics", "1.8", "dismiss", "--note", "not an OR issue").returncode == 0
    out, div_after, drivers_after = overview()
    assert div_after == div - 1
    assert "1.8" not in drivers_after and drivers_after.endswith(" (1 dismissed in review)")
    # the flags left that claim more or less than the narrative: the four highest-scoring, in
    # question order, and the rest counted
    from wvtext.codebook import load_codebook

    position = load_codebook().position
    open_flags = [a for a in analysed.answer_analysis(["leicestershire"])
                  if a["qid"] != "1.8" and a["divergence_type"] in ("overstated", "contradiction", "hidden_issue",
                                                                    "understated")]
    top = sorted(open_flags, key=lambda a: (-float(a["divergence_score"]), position(a["qid"])))[:4]
    want = [f"{a['qid']} {a['divergence_type']}" for a in sorted(top, key=lambda a: position(a["qid"]))]
    assert len(open_flags) > 5 and "1.8" not in want
    assert drivers_after.removesuffix(" (1 dismissed in review)") == "; ".join(want + [f"{len(open_flags) - 4} more flags"])
    assert "(div and drivers are as reviewed: flags 1 dismissed in review; the scores are as analysed)" in out
    assert f"{div - 1} flagged answers (1 dismissed in review)" in flags("Leics")


def test_cli_flags_overview_keeps_the_code_drivers_when_a_flag_is_dismissed(tmp_path):
    """With several returns, drivers about the codes ("3.2 (-2.2 sd)", "codes ahead of region")
    stay first when a flag is dismissed; only the dismissed flag leaves, the next open one comes in."""
    import subprocess
    import sys

    from conftest import ROOT
    from wvtext.pipeline import ingest_files, run_out_of_step, run_text_stages
    from wvtext.store import open_store
    from wvtext.synth import generate

    summary = generate(tmp_path / "corpus", seed=13, limit=24, extra_formats=False)
    paths = [tmp_path / "corpus" / f for f in summary["files"] if f.startswith("SYNTHETIC_national")]
    store = open_store(tmp_path / "w.db")
    rids = sorted(set(ingest_files(paths, store).return_ids))
    run_text_stages(store, rids, [])
    run_out_of_step(store)
    scores = store.return_scores()
    by_rid = {}
    for a in store.answer_analysis(rids):
        by_rid.setdefault(a["return_id"], []).append(a)
    # a return with a driver about its codes and at least five flags among its drivers' kinds
    rid = next(r for r in rids if " sd" in scores[r]["drivers"]
               and sum(1 for a in by_rid[r] if a["divergent"] and a["divergence_type"] in
                       ("overstated", "contradiction", "hidden_issue", "understated")) >= 5)
    code_drivers = [d for d in scores[rid]["drivers"].split("; ") if " sd" in d]
    from wvtext.codebook import load_codebook

    at = load_codebook().position  # the drivers name flags in question order (4.7 before 10.2)
    flagged = [f"{a['qid']} {a['divergence_type']}" for a in sorted(by_rid[rid], key=lambda a: at(a["qid"]))
               if a["divergent"] and a["divergence_type"] in ("overstated", "contradiction", "hidden_issue", "understated")]
    first = flagged[0].split()[0]
    record_decision(store, kind="divergence", return_id=rid, qid=first, decision="dismiss")
    res = subprocess.run([sys.executable, "-m", "wvtext", "flags", "--db", str(tmp_path / "w.db")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0]
    name = next(r["locality"] for r in store.returns() if r["return_id"] == rid)
    row = next(ln for ln in res.stdout.splitlines() if ln[18:].startswith(name[:40]))
    drivers = row[header.index("drivers"):].removesuffix(" (1 dismissed in review)").split("; ")
    assert row.endswith(" (1 dismissed in review)")
    assert drivers == code_drivers + flagged[1:5]


def test_report_db_writes_the_folders_decisions_and_applies_them(analysed, tmp_path):
    """'wvtext report --db' takes the decisions about this folder's returns from the database (not
    other returns'), writes them to reviews.csv and applies them to the pages."""
    import csv

    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.export import write_csv
    from wvtext.review import decisions_for

    flagged = {a["qid"]: a for a in analysed.answer_analysis(["leicestershire"]) if a["divergent"]}
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid="1.8", decision="dismiss")
    record_decision(analysed, kind="text_class", return_id="leicestershire", qid="1.1", decision="set", value="no")
    analysed.add_reviews([{"kind": "theme", "return_id": "elsewhere", "qid": "1.1", "item_id": "", "theme": "chc",
                           "decision": "add", "value": "", "note": "", "reviewer": ""}])  # another return's
    assert {r["qid"] for r in decisions_for(analysed, ["leicestershire"])} == {"1.8", "1.1"}
    out = tmp_path / "out"
    write_csv(out / "answers.csv", ("locality", "return_id", "qid", "divergent", "divergence_type", "text_class"),
              [{"locality": "Leicestershire", "return_id": "leicestershire", "qid": q,
                "divergent": 1 if q in flagged else 0, "divergence_type": flagged.get(q, {}).get("divergence_type", ""),
                "text_class": "yes"} for q in ("1.1", "1.8", "3.5")])
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(analysed.path)])
    assert res.exit_code == 0, res.output
    with open(out / "reviews.csv", newline="", encoding="utf-8") as fh:
        assert sorted(r["qid"] for r in csv.DictReader(fh)) == ["1.1", "1.8"]
    page = (out / "localities" / "leicestershire.html").read_text(encoding="utf-8")
    assert "flag hidden_issue dismissed" in page and "narrative class no (wvtext: yes)" in page
    import subprocess
    import sys

    from conftest import ROOT

    res = subprocess.run([sys.executable, "-m", "wvtext", "report", "--out", str(out), "--db",
                          str(tmp_path / "missing.db")], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 1 and "no such database" in res.stderr and "Traceback" not in res.stderr


# -- decisions from a project coded in a QDA tool ----------------------------------------------------

def _recoded(src: "Path", dst: "Path", edit) -> None:
    """Re-export src as another QDA tool might: new GUIDs for every code and source, CRLF line
    ends and a heading before the text (so every position moves), after `edit(doc, text, ns)`."""
    import uuid
    import zipfile

    from lxml import etree

    ns = "{urn:QDA-XML:project:1.0}"
    with zipfile.ZipFile(src) as z:
        doc = etree.fromstring(z.read("project.qde"))
        source = doc.find(f"{ns}Sources/{ns}TextSource")
        text = z.read("Sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    edit(doc, text, ns)
    new = {}
    for el in doc.iter(f"{ns}Code", f"{ns}TextSource"):
        new[el.get("guid")] = str(uuid.uuid4())
        el.set("guid", new[el.get("guid")])
    for ref in doc.iter(f"{ns}CodeRef", f"{ns}SourceRef", f"{ns}MemberSource"):
        ref.set("targetGUID", new.get(ref.get("targetGUID"), ref.get("targetGUID")))
    head = "Exported project\r\n"
    moved = lambda p: len(head) + p + text[:p].count("\n")  # noqa: E731
    for sel in source.iter(f"{ns}PlainTextSelection"):
        sel.set("startPosition", str(moved(int(sel.get("startPosition")))))
        sel.set("endPosition", str(moved(int(sel.get("endPosition")))))
    source.set("plainTextPath", f"internal://{source.get('guid')}.txt")
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr("project.qde", etree.tostring(doc, xml_declaration=True, encoding="utf-8"))
        z.writestr(f"sources/{source.get('guid')}.txt", head + text.replace("\n", "\r\n"))


def test_theme_decisions_come_back_from_a_project_coded_in_a_qda_tool(tmp_path):
    """The real return's project.qdpx, re-exported unchanged, decides nothing; with one theme's
    codings deleted from answer 1.1, another theme and a support request coded there and 1.8's
    hidden-issue flag uncoded, it decides exactly those four, though every GUID and position was
    changed by the export."""
    import subprocess
    import sys

    from conftest import ROOT
    from wvtext.pipeline import analyse
    from wvtext.review import decisions_for
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store
    from wvtext.themes.lexicon import THEME_NAMES

    out, db = tmp_path / "out", tmp_path / "w.db"
    analyse([SEED_RETURN], out, db_path=db)
    store = open_store(db, create=False)
    same = tmp_path / "same.qdpx"
    _recoded(out / "project.qdpx", same, lambda doc, text, ns: None)
    assert decisions_from_qdpx(store, same).decisions == []
    narrative = next(a["narrative"] for a in store.answers(["leicestershire"]) if a["qid"] == "1.1")
    carried = {t["theme"] for t in store.answer_themes(["leicestershire"]) if t["qid"] == "1.1" and t["carried"]}
    assert "governance_partnership" in carried and "housing" not in carried

    def edit(doc, text, ns):
        from lxml import etree

        codes = {c.get("name"): c.get("guid") for c in doc.iter(f"{ns}Code")}
        gov, housing = codes[THEME_NAMES["governance_partnership"]], codes[THEME_NAMES["housing"]]
        at = text.index(narrative)
        source = doc.find(f"{ns}Sources/{ns}TextSource")
        for sel in list(source.iter(f"{ns}PlainTextSelection")):
            if at <= int(sel.get("startPosition")) < at + len(narrative):
                for coding in sel.findall(f"{ns}Coding"):
                    if coding.find(f"{ns}CodeRef").get("targetGUID") == gov:
                        sel.remove(coding)
        sel = etree.SubElement(source, f"{ns}PlainTextSelection", guid="0F0F0F0F-0000-4000-8000-000000000001",
                               startPosition=str(at), endPosition=str(at + 40))
        mine = "0F0F0F0F-0000-4000-8000-0000000000AA"  # a code of the analyst's own, which wvtext does not read
        etree.SubElement(doc.find(f"{ns}CodeBook/{ns}Codes"), f"{ns}Code", guid=mine, name="My analyst code",
                         isCodable="true")
        for n, code in enumerate((housing, codes["support request"], mine)):  # a theme and a request wvtext missed
            coding = etree.SubElement(sel, f"{ns}Coding", guid=f"0F0F0F0F-0000-4000-8000-00000000000{n + 2}")
            etree.SubElement(coding, f"{ns}CodeRef", targetGUID=code)
        hidden = codes["divergent: hidden_issue"]  # 1.8's flag, which the analyst does not keep
        for coding in list(source.iter(f"{ns}Coding")):
            if coding.find(f"{ns}CodeRef").get("targetGUID") == hidden:
                coding.getparent().remove(coding)

    coded = tmp_path / "coded.qdpx"
    _recoded(out / "project.qdpx", coded, edit)
    got = decisions_from_qdpx(store, coded)
    assert sorted((d["kind"], d["qid"], d["theme"], d["decision"]) for d in got.decisions) == [
        ("divergence", "1.8", "", "dismiss"), ("support_request", "1.1", "", "confirm"),
        ("theme", "1.1", "governance_partnership", "dismiss"), ("theme", "1.1", "housing", "add")]
    assert got.returns == 1 and not got.unplaced and not got.unplaced_selections
    assert got.foreign_codes == ["My analyst code"]
    store.close()
    res = subprocess.run([sys.executable, "-m", "wvtext", "review", "import", str(coded), "--db", str(db),
                          "--reviewer", "analyst"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "their codings are not read: My analyst code" in res.stderr
    assert "1 themes added, 1 dismissed, 2 decisions on flags" in res.stdout  # the result, on stdout
    assert "recorded: theme" in res.stdout
    store = open_store(db, create=False)
    assert {(r["kind"], r["qid"], r["theme"], r["decision"], r["reviewer"]) for r in decisions_for(store)} == {
        ("divergence", "1.8", "", "dismiss", "analyst"), ("support_request", "1.1", "", "confirm", "analyst"),
        ("theme", "1.1", "governance_partnership", "dismiss", "analyst"), ("theme", "1.1", "housing", "add", "analyst")}
    assert decisions_from_qdpx(store, coded).decisions == []  # decided already: nothing new
    store.close()


def test_a_file_that_is_no_project_is_a_one_line_error(tmp_path, store):
    from wvtext.review_qdpx import decisions_from_qdpx

    bad = tmp_path / "notes.qdpx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(WvtextError, match="not a REFI-QDA project archive"):
        decisions_from_qdpx(store, bad)


def test_flags_show_flags_added_and_retyped_in_review(analysed):
    """'wvtext flags' shows a return's flags as review left them, as the reports do: a flag an
    analyst added (confirm --value TYPE where wvtext had none) is listed and counted, a flag
    confirmed as another type shows that type and wvtext's, a dismissed one is hidden."""
    from typer.testing import CliRunner

    from wvtext.cli import app

    flagged = {a["qid"]: a for a in analysed.answer_analysis(["leicestershire"]) if a["divergent"]}
    quiet = next(a["qid"] for a in analysed.answer_analysis(["leicestershire"]) if not a["divergent"])
    # the strongest overstated flag, so that it stays among the four flags the overview's drivers show
    retype = max((a for a in flagged.values() if a["divergence_type"] == "overstated"),
                 key=lambda a: float(a["divergence_score"]))["qid"]
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid=quiet, decision="confirm",
                    value="understated", reviewer="ann")
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid=retype, decision="confirm",
                    value="contradiction", reviewer="ann")
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid="1.8", decision="dismiss")
    res = CliRunner().invoke(app, ["flags", "Leics", "--db", str(analysed.path)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert f"{len(flagged)} flagged answers (1 dismissed and 1 added in review)" in lines[0]
    added = next(ln for ln in lines if ln.startswith(f"{quiet} "))
    assert "understated" in added and "wvtext did not flag it" in added and " - " in added
    retyped = next(ln for ln in lines if ln.startswith(f"{retype} "))
    assert "contradiction" in retyped and "wvtext: overstated" in retyped
    assert not any(ln.startswith("1.8 ") for ln in lines)
    listed = CliRunner().invoke(app, ["review", "next", "Leics", "--decided", "--db", str(analysed.path)]).output
    assert f"leicestershire {quiet} " in listed and "[confirm: understated]" in listed
    everyone = CliRunner().invoke(app, ["flags", "--db", str(analysed.path)]).output
    row = next(ln for ln in everyone.splitlines() if "Leicestershire" in ln)
    assert int(row[12:16]) == len(flagged) and f"{retype} contradiction" in row and "1.8 hidden_issue" not in row


def test_report_db_refuses_another_database_and_keeps_reviews_csv(analysed, tmp_path):
    """A folder analysed into one database, reported with another: its reviews.csv would be
    replaced by decisions that are not this analysis's. Refused, nothing written."""
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.export import write_csv, write_json
    from wvtext.store import open_store

    out = tmp_path / "out"
    write_csv(out / "answers.csv", ("locality", "return_id", "qid", "divergent", "divergence_type", "text_class"),
              [{"locality": "Leicestershire", "return_id": "leicestershire", "qid": "1.1", "divergent": 0,
                "divergence_type": "", "text_class": "yes"}])
    write_json(out / "manifest.json", {"settings": {"db": str(analysed.path)}})
    (out / "reviews.csv").write_text("kept\n", encoding="utf-8")
    other = tmp_path / "other.db"
    ingest_files([SEED_RETURN], open_store(other))
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(other)])
    assert res.exit_code == 1 and f"was analysed into {analysed.path}" in str(res.exception)
    assert (out / "reviews.csv").read_text(encoding="utf-8") == "kept\n" and not (out / "report.html").exists()
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(analysed.path)])
    assert res.exit_code == 0, res.output
    # as wvtext analyse writes it: the database as seen from the folder, wherever report runs
    import os

    write_json(out / "manifest.json", {"settings": {"db": "w.db", "db_from_out": os.path.relpath(analysed.path, out)}})
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(other)])
    assert res.exit_code == 1 and f"was analysed into {analysed.path}" in str(res.exception)
    # an older manifest with a relative path: relative to wherever that analysis ran, so not used
    write_json(out / "manifest.json", {"settings": {"db": "w.db"}})
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(other)])
    assert res.exit_code == 0, res.output


def test_a_project_compares_with_the_answers_as_review_left_them(tmp_path):
    """project.qdpx codes what review added (a theme, a flag). An analyst who uncodes them in the
    QDA tool dismisses them; an unchanged re-export decides nothing."""
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.pipeline import analyse
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store
    from wvtext.themes.lexicon import THEME_NAMES

    out, db = tmp_path / "out", tmp_path / "w.db"
    analyse([SEED_RETURN], out, db_path=db)
    store = open_store(db, create=False)
    quiet = next(a for a in store.answer_analysis(["leicestershire"]) if not a["divergent"] and a["evidence"])
    record_decision(store, kind="theme", return_id="leicestershire", qid="1.1", theme="housing", decision="add")
    record_decision(store, kind="divergence", return_id="leicestershire", qid=quiet["qid"], decision="confirm",
                    value="understated")
    store.close()
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    store = open_store(db, create=False)
    same = tmp_path / "same.qdpx"
    _recoded(out / "project.qdpx", same, lambda doc, text, ns: None)
    assert decisions_from_qdpx(store, same).decisions == []

    def edit(doc, text, ns):
        codes = {c.get("name"): c.get("guid") for c in doc.iter(f"{ns}Code")}
        gone = {codes[THEME_NAMES["housing"]], codes["divergent: understated"]}
        for coding in list(doc.iter(f"{ns}Coding")):
            if coding.find(f"{ns}CodeRef").get("targetGUID") in gone:
                coding.getparent().remove(coding)

    coded = tmp_path / "coded.qdpx"
    _recoded(out / "project.qdpx", coded, edit)
    got = {(d["kind"], d["qid"], d["theme"], d["decision"]) for d in decisions_from_qdpx(store, coded).decisions}
    assert ("theme", "1.1", "housing", "dismiss") in got and ("divergence", quiet["qid"], "", "dismiss") in got
    assert all(d[3] == "dismiss" for d in got)  # nothing else in the return was coded understated or housing by wvtext
    store.close()
    res = CliRunner().invoke(app, ["review", "import", str(coded), "--db", str(db)])  # checked and stored
    assert res.exit_code == 0, res.output
    store = open_store(db, create=False)
    assert decision_map(store)[("divergence", "leicestershire", quiet["qid"], "", "")]["decision"] == "dismiss"
    store.close()


def test_a_support_request_or_offer_wvtext_did_not_find_cannot_be_dismissed(analysed):
    found = {r["qid"] for r in analysed.support_requests(["leicestershire"])}
    other = next(a["qid"] for a in analysed.answers(["leicestershire"]) if a["qid"] not in found)
    with pytest.raises(WvtextError, match="is not a support request"):
        record_decision(analysed, kind="support_request", return_id="leicestershire", qid=other, decision="dismiss")
    record_decision(analysed, kind="support_request", return_id="leicestershire", qid=other, decision="confirm")
    record_decision(analysed, kind="support_request", return_id="leicestershire", qid=other, decision="dismiss")
    assert decision_map(analysed)[("support_request", "leicestershire", other, "", "")]["decision"] == "dismiss"


def test_confirming_a_flag_an_analyst_added_keeps_its_type(analysed):
    quiet = next(a["qid"] for a in analysed.answer_analysis(["leicestershire"]) if not a["divergent"])
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid=quiet, decision="confirm",
                    value="understated")
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid=quiet, decision="confirm")
    assert decision_map(analysed)[("divergence", "leicestershire", quiet, "", "")]["value"] == "understated"
    record_decision(analysed, kind="divergence", return_id="leicestershire", qid=quiet, decision="dismiss")
    with pytest.raises(WvtextError, match="is not flagged"):  # dismissed: nothing left to confirm without a type
        record_decision(analysed, kind="divergence", return_id="leicestershire", qid=quiet, decision="confirm")


def test_a_synthetic_name_with_no_synthetic_return_says_so(analysed):
    from typer.testing import CliRunner

    from wvtext.cli import app

    res = CliRunner().invoke(app, ["flags", "Leicestershire [SYNTHETIC]", "--db", str(analysed.path)])
    assert res.exit_code == 1 and "no SYNTHETIC return for 'Leicestershire'" in str(res.exception)


def test_review_next_before_any_analysis_says_to_analyse(store, tmp_path):
    from typer.testing import CliRunner

    from wvtext.cli import app

    ingest_files([SEED_RETURN], store)
    res = CliRunner().invoke(app, ["review", "next", "--db", str(store.path)])
    assert res.exit_code == 1 and "run 'wvtext analyse' first" in res.output
    record_decision(store, kind="text_class", return_id="leicestershire", qid="1.1", decision="set", value="yes")
    assert "  reviews: 1" in CliRunner().invoke(app, ["status", "--db", str(store.path)]).output
    res = CliRunner().invoke(app, ["status", "--db", str(tmp_path)])  # a folder is no database
    assert res.exit_code == 1 and "is a folder, not a database file" in str(res.exception)


def test_flags_and_review_next_list_tied_flags_in_question_order(tmp_path):
    """Flags of the same score (here three blank codes over narratives that answer: no_response, 0.7)
    come in question order, 1.9 before 2.1 before 10.1, not in the text order of their ids."""
    from typer.testing import CliRunner

    from wvtext.cli import app

    src = tmp_path / "leicestershire.csv"
    src.write_text("locality,qid,code,narrative\n"
                   "Leicestershire,10.1,,Children's and adults' commissioners plan transition together.\n"
                   "Leicestershire,2.1,,The costs of current services are known to both partners.\n"
                   "Leicestershire,1.9,,We would welcome support on information sharing.\n", encoding="utf-8")
    db = tmp_path / "w.db"
    res = CliRunner().invoke(app, ["analyse", str(src), "--out", str(tmp_path / "out"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    listed = CliRunner().invoke(app, ["flags", "leicestershire", "--db", str(db)]).output
    order = [ln.split()[0] for ln in listed.splitlines() if ln[:1].isdigit() and "no_response" in ln]
    assert order == ["1.9", "2.1", "10.1"], listed
    queue = CliRunner().invoke(app, ["review", "next", "--db", str(db)]).output
    assert [q for q in ("1.9", "2.1", "10.1") if f"leicestershire {q} " in queue] == ["1.9", "2.1", "10.1"]
    assert queue.index("leicestershire 1.9 ") < queue.index("leicestershire 2.1 ") < queue.index("leicestershire 10.1 ")


# -- review import: where a narrative is, which sources are compared, what is refused ------------------

def _project(doc, texts: dict[str, bytes], dst) -> None:
    """Write a project archive: project.qde (an lxml document) and the source texts."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", etree.tostring(doc, xml_declaration=True, encoding="utf-8"))
        for name, data in texts.items():
            z.writestr(name, data)


def _opened(path):
    """project.qde of a project archive as an lxml document, and its other members."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("project.qde")), {n: z.read(n) for n in z.namelist() if n != "project.qde"}


def _leics_csv(path, narratives: dict[str, str] | None = None, locality: str = "Leicestershire"):
    """The real Leicestershire return as a csv, with some narratives replaced (and under another
    locality's name)."""
    from wvtext.export import write_csv
    from wvtext.ingest import read_input

    answers = read_input(SEED_RETURN).returns[0].answers
    write_csv(path, ("Locality", "Question No.", "Coded as", "Locality response"),
              [{"Locality": locality, "Question No.": a.qid, "Coded as": a.code_raw,
                "Locality response": (narratives or {}).get(a.qid, a.narrative)} for a in answers])
    return path


@pytest.fixture(scope="module")
def leics_project(tmp_path_factory):
    """The real return analysed with 1.7's narrative "Safeguarding Boards.", the end of 1.7's question
    text (as in a real return): its project.qdpx and database."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import analyse

    tmp = tmp_path_factory.mktemp("leics")
    question = load_codebook().get("1.7").text
    assert question.endswith("Safeguarding Boards.")
    analyse([_leics_csv(tmp / "leicestershire.csv", {"1.7": "Safeguarding Boards."})], tmp / "out", db_path=tmp / "w.db")
    return tmp / "out" / "project.qdpx", tmp / "w.db"


def test_an_unchanged_project_decides_nothing_though_a_narrative_is_in_its_question(leics_project, tmp_path):
    """1.7's narrative is also the tail of its question's line: it is looked for after the question and
    code lines, so wvtext's own coding of it stays with it and nothing is dismissed."""
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store

    project, db = leics_project
    store = open_store(db, create=False)
    assert ("1.7", "safeguarding") in {(t["qid"], t["theme"]) for t in store.answer_themes(["leicestershire"])
                                       if t["carried"]}
    for path in (project, tmp_path / "moved.qdpx"):
        if path != project:
            _recoded(project, path, lambda doc, text, ns: None)  # new GUIDs, CRLF, a heading
        got = decisions_from_qdpx(store, path)
        assert got.decisions == [] and got.returns == 1 and got.unplaced_selections == 0 and not got.mismatched
    store.close()


def test_a_project_of_another_database_decides_nothing_about_its_returns(leics_project, tmp_path):
    """A's project imported into B: B's Leicestershire (the same return id, so the same GUID) has other
    narratives, and B's SYNTHETIC Leicestershire is never taken for A's real one: nothing is compared,
    nothing stored, and the sources are named."""
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.pipeline import ingest_files, run_text_stages
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store

    project, _ = leics_project
    for db, path, edits in (("b.db", "leicestershire.csv", {"1.7": "No.", "3.5": "No"}),
                            ("c.db", "SYNTHETIC_leicestershire.csv", {})):
        store = open_store(tmp_path / db)
        # B: the same return but for two short answers, which a search for the text would find
        # anywhere; C: the return as a SYNTHETIC one (of the same locality)
        rids = ingest_files([_leics_csv(tmp_path / path, edits)], store).return_ids
        run_text_stages(store, rids, [])
        got = decisions_from_qdpx(store, project)
        assert got.decisions == [] and got.returns == 0 and not got.unplaced and len(got.mismatched) == 1
        if db == "b.db":
            assert got.mismatched[0].startswith("Leicestershire (2 of the ") and "e.g. 1.7" in got.mismatched[0]
        else:  # the same return id, so the same GUID; by name (new GUIDs) it is no return of C's at all
            assert got.mismatched == ["Leicestershire (a real return's source, but return leicestershire is "
                                      "SYNTHETIC here)"]
            _recoded(project, tmp_path / "moved.qdpx", lambda doc, text, ns: None)
            got = decisions_from_qdpx(store, tmp_path / "moved.qdpx")
            assert got.decisions == [] and got.unplaced == ["Leicestershire"] and not got.mismatched
        store.close()
        res = CliRunner().invoke(app, ["review", "import", str(project), "--db", str(tmp_path / db)])
        assert res.exit_code == 1 and "0 returns and 0 items compared" in res.output, res.output
        assert "do not hold its text" in res.output and "none of its sources could be compared" in res.output
        store = open_store(tmp_path / db)
        assert store.reviews() == []
        store.close()


@pytest.mark.parametrize("damage, message", [
    ("member", "crc.qdpx: its member project.qde cannot be read, the archive is damaged"),
    ("position", "has startPosition 'x"),
])
def test_a_damaged_project_is_an_error_naming_the_file_and_nothing_is_stored(leics_project, tmp_path, damage, message):
    import subprocess
    import sys
    import zipfile

    from conftest import ROOT
    from wvtext.store import open_store

    project, db = leics_project
    if damage == "member":  # one byte changed inside the compressed project.qde
        bad = tmp_path / "crc.qdpx"
        data = bytearray(project.read_bytes())
        info = zipfile.ZipFile(project).getinfo("project.qde")
        data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 200] ^= 0xFF
        bad.write_bytes(bytes(data))
    else:
        doc, texts = _opened(project)
        sel = next(doc.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
        sel.set("startPosition", "x" + sel.get("startPosition"))
        bad = tmp_path / "badpos.qdpx"
        _project(doc, texts, bad)
        message = f"selection {sel.get('guid')} of source 'Leicestershire' " + message
    res = subprocess.run([sys.executable, "-m", "wvtext", "review", "import", str(bad), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"error: {bad}") and message in lines[0], res.stderr
    store = open_store(db, create=False)
    assert store.reviews() == []
    store.close()


def test_a_theme_whose_code_is_not_in_the_project_is_not_dismissed(leics_project, tmp_path):
    """A theme code renamed with a new GUID (a tool that re-creates codes), or taken out of the codebook
    with its codings left: its codings are not the analyst uncoding the theme everywhere. Nothing is
    decided about it, and the import says which code is missing and how many codings point nowhere."""
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store
    from wvtext.themes.lexicon import THEME_NAMES

    ns = "{urn:QDA-XML:project:1.0}"
    project, db = leics_project
    store = open_store(db, create=False)
    carried = {t["theme"] for t in store.answer_themes(["leicestershire"]) if t["carried"]}
    assert "safeguarding" in carried
    name = THEME_NAMES["safeguarding"]
    for how in ("renamed", "removed"):
        doc, texts = _opened(project)
        code = next(c for c in doc.iter(f"{ns}Code") if c.get("name") == name)
        refs = [r for r in doc.iter(f"{ns}CodeRef") if r.get("targetGUID") == code.get("guid")]
        assert refs
        if how == "renamed":
            code.set("guid", "0F0F0F0F-0000-4000-8000-00000000000A")
            code.set("name", f"{name} (local)")
            for r in refs:
                r.set("targetGUID", code.get("guid"))
        else:
            code.getparent().remove(code)
        _project(doc, texts, tmp_path / f"{how}.qdpx")
        got = decisions_from_qdpx(store, tmp_path / f"{how}.qdpx")
        assert got.decisions == [] and got.missing_codes == [name] and got.returns == 1
        assert got.dangling == (0 if how == "renamed" else len(refs))
        res = CliRunner().invoke(app, ["review", "import", str(tmp_path / f"{how}.qdpx"), "--db", str(db)])
        assert res.exit_code == 0 and f"so nothing is decided about them: {name}." in res.output
        assert (f"{len(refs)} coding(s) refer to a code that is not in" in res.output) == (how == "removed")
    assert store.reviews() == []
    store.close()


def test_review_import_says_a_file_is_missing_or_its_source_texts_are(leics_project, tmp_path):
    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store

    project, db = leics_project
    res = CliRunner().invoke(app, ["review", "import", str(tmp_path / "nothing.qdpx"), "--db", str(db)])
    assert res.exit_code == 1 and str(res.exception).startswith(f"{tmp_path / 'nothing.qdpx'}: no such file.")
    doc, texts = _opened(project)
    _project(doc, {}, tmp_path / "nosrc.qdpx")  # the project without its Sources/*.txt
    store = open_store(db, create=False)
    got = decisions_from_qdpx(store, tmp_path / "nosrc.qdpx")
    assert got.no_text == ["Leicestershire"] and got.returns == 0 and got.unplaced_selections == 0
    store.close()
    res = CliRunner().invoke(app, ["review", "import", str(tmp_path / "nosrc.qdpx"), "--db", str(db)])
    assert "1 source(s) have no text in" in res.output and "Sources/*.txt members are missing" in res.output
    assert "outside every narrative" not in res.output and res.exit_code == 1


def test_an_item_whose_id_holds_a_colon_is_found_by_its_source_name(tmp_path):
    """Item sources are named "ITEM_ID: title"; an id with ": " in it is still found by that name when a
    tool gave the sources new GUIDs, and a theme uncoded there is dismissed on that item."""
    import csv

    from wvtext.pipeline import analyse
    from wvtext.review_qdpx import decisions_from_qdpx
    from wvtext.store import open_store

    from conftest import ROOT

    with open(ROOT / "corpus" / "items" / "seed_items.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:3]
    rows[0]["item_id"] = "seed001-01: extra"
    with open(tmp_path / "items.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    analyse([tmp_path / "items.csv"], tmp_path / "out", db_path=tmp_path / "w.db")
    store = open_store(tmp_path / "w.db", create=False)
    carried = sorted(t["theme"] for t in store.item_themes(["seed001-01: extra"]) if t["carried"])
    assert carried
    ns = "{urn:QDA-XML:project:1.0}"
    doc, texts = _opened(tmp_path / "out" / "project.qdpx")
    for n, src in enumerate(doc.iter(f"{ns}TextSource")):
        src.set("guid", f"0F0F0F0F-0000-4000-8000-0000000000{n:02d}")
        if src.get("name").startswith("seed001-01: extra: "):
            for coding in list(src.iter(f"{ns}Coding")):
                coding.getparent().remove(coding)
    _project(doc, texts, tmp_path / "newguid.qdpx")
    got = decisions_from_qdpx(store, tmp_path / "newguid.qdpx")
    assert got.items == 3 and not got.unplaced
    assert [(d["item_id"], d["theme"], d["decision"]) for d in got.decisions] == [
        ("seed001-01: extra", t, "dismiss") for t in carried]
    store.close()


def test_a_return_read_but_not_analysed_has_no_flags_to_show_or_decide(analysed, tmp_path):
    """A return ingested after the analysis: 'flags' says it is not analysed yet (not "0 flagged
    answers"), the overview names it, and a divergence, support request or good-practice decision on it
    is refused (a narrative class set on it is a label, and is kept)."""
    from typer.testing import CliRunner

    from wvtext.cli import app

    rid = ingest_files([_leics_csv(tmp_path / "rutland.csv", locality="Rutland")], analysed).return_ids[0]
    qid = "1.8"
    for kind, value in (("divergence", "overstated"), ("support_request", ""), ("good_practice", "")):
        with pytest.raises(WvtextError, match=rf"answer {qid} of {rid} has not been analysed yet"):
            record_decision(analysed, kind=kind, return_id=rid, qid=qid, decision="confirm", value=value)
    assert analysed.reviews() == []
    record_decision(analysed, kind="text_class", return_id=rid, qid=qid, decision="set", value="yes")
    db = str(analysed.path)
    res = CliRunner().invoke(app, ["flags", rid, "--db", db])
    assert res.exit_code == 1 and "has not been analysed yet, so it has no flags" in str(res.exception), res.output
    res = CliRunner().invoke(app, ["flags", "--db", db])
    assert res.exit_code == 0 and f"1 return(s) read but not analysed yet, not listed: {rid}" in res.output


def test_a_name_two_real_returns_share_is_refused_for_a_decision(tmp_path):
    """Two real returns of one locality (a draft and a final, by return id): 'review decide NAME' does
    not pick one, it asks for the return id; 'flags' lists each with its id, and its note on a read
    says nothing of SYNTHETIC returns where there are none."""
    import csv

    from typer.testing import CliRunner

    from wvtext.cli import app
    from wvtext.store import open_store

    one = tmp_path / "one.csv"
    _leics_csv(one)
    with open(one, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    both = tmp_path / "leicestershire_drafts.csv"
    with open(both, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["return_id", *rows[0]])
        w.writeheader()
        for rid in ("leics-draft", "leics-final"):
            w.writerows({"return_id": rid, **r} for r in rows)
    db = tmp_path / "w.db"
    store = open_store(db)
    rids = sorted(set(ingest_files([both], store).return_ids))
    assert rids == ["leics-draft", "leics-final"]
    run_text_stages(store, rids, [])
    run_out_of_step(store)
    store.close()
    res = _decide(db, "Leicestershire", "1.1", "set", "--kind", "text_class", "--value", "yes")
    assert res.returncode == 1 and res.stderr.startswith(
        "error: 2 returns match 'Leicestershire' (leics-draft, leics-final), so it does not say which"), res.stderr
    assert "Give the return id instead of the name." in res.stderr
    assert _decide(db, "leics-final", "1.1", "set", "--kind", "text_class", "--value", "yes").returncode == 0
    listed = CliRunner().invoke(app, ["flags", "--db", str(db)]).output
    assert "Leicestershire [leics-draft]" in listed and "Leicestershire [leics-final]" in listed
    res = CliRunner().invoke(app, ["flags", "Leicestershire", "--db", str(db)])
    assert res.exit_code == 0 and "note: 2 returns match 'Leicestershire'" in res.output
    assert "SYNTHETIC" not in res.output
    store = open_store(db, create=False)
    assert [(r["return_id"], r["qid"]) for r in store.reviews()] == [("leics-final", "1.1")]
    store.close()


def test_an_item_decision_is_exported_with_the_items_locality(tmp_path, store):
    """An item read from a file has no return, so its locality is its own, not blank."""
    from wvtext.pipeline import ingest_files
    from wvtext.review import decisions_for, record_decision

    src = tmp_path / "items.csv"
    src.write_text("item_id,title,description,locality\n"
                   "p1,Crisis beds,Two crisis beds with trained carers take someone at short notice.,Durham\n",
                   encoding="utf-8")
    ingest_files([src], store)
    record_decision(store, kind="theme", item_id="p1", theme="crisis_response", decision="add")
    (row,) = decisions_for(store, item_ids=["p1"])
    assert row["item_id"] == "p1" and row["locality"] == "County Durham"
