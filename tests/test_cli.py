"""The command line, run as a user runs it (a subprocess), and its contract outputs."""
import csv
import json
import re
import subprocess
import sys

import pytest

from wvtext.schema import ANSWERS_COLUMNS, RETURNS_COLUMNS
from wvtext.themes.lexicon import THEME_NAMES
from conftest import ROOT, SEED_RETURN as SEED


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "wvtext", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    res = run("analyse", "--out", str(out), "--db", str(out / "w.db"))
    assert res.returncode == 0, res.stderr
    return out, res


def test_cli_analyse_shipped_corpus_writes_contract(analysed):
    out, _ = analysed
    with open(out / "answers.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[: len(ANSWERS_COLUMNS)] == list(ANSWERS_COLUMNS)
    leics = [r for r in rows if r["return_id"] == "leicestershire"]
    assert len(leics) == 61 and {r["synthetic"] for r in leics} == {"0"}
    synthetic = [r for r in rows if r["return_id"].startswith("synthetic-")]
    assert len({r["return_id"] for r in synthetic}) == 152 and {r["synthetic"] for r in synthetic} == {"1"}
    r35 = next(r for r in leics if r["qid"] == "3.5")
    assert (r35["code"], r35["code_valid"], r35["code_class"]) == ("3", "0", "")
    assert next(r for r in leics if r["qid"] == "1.2")["code"] == "5, 6, 7"
    with open(out / "returns.csv", encoding="utf-8") as fh:
        rets = list(csv.DictReader(fh))
    assert list(rets[0])[: len(RETURNS_COLUMNS)] == list(RETURNS_COLUMNS)
    row = next(r for r in rets if r["return_id"] == "leicestershire")
    assert (row["region"], row["answers"]) == ("East Midlands", "61")
    with open(out / "item_themes.csv", encoding="utf-8") as fh:
        kinds = {r["item_id"]: r["kind"] for r in csv.DictReader(fh)}
    with open(ROOT / "corpus" / "items" / "seed_items.csv", encoding="utf-8") as fh:
        assert {r["item_id"]: r["kind"] for r in csv.DictReader(fh)}.items() <= kinds.items()  # practice, plan, ...


def test_cli_analyse_manifest_records_what_produced_it(analysed):
    out, _ = analysed
    m = json.loads((out / "manifest.json").read_text())
    assert m["codebook_version"] and m["wvtext_version"] and m["seed"] == 13
    assert all(len(f["sha256"]) == 64 for f in m["inputs"])
    assert "answers.csv" in m["outputs"] and "ingest" in m["timings_s"]
    assert m["settings"]["learned"] == "themes"
    assert len(m["learned_models"]["themes_model.json"]["sha256"]) == 64
    assert m["learned_models"]["negation_model.json"]["threshold"] > 0  # the settings it was made with
    # the rule files that decide results, the libraries and the code are recorded too
    rules = m["rule_files"]["files"]
    assert {"stance/cues.csv", "themes/lexicon.csv", "practice/good_practice.csv"} <= set(rules)
    assert all(len(h) == 64 for h in rules.values())
    assert m["libraries"]["spacy"] not in ("", "absent") and m["code"]["version"] == m["wvtext_version"]
    assert m["settings"]["processes"]["reading narratives"] in (1, 2)


def test_cli_analyse_is_deterministic(analysed, tmp_path):
    out, _ = analysed
    res = run("analyse", "--out", str(tmp_path), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 0
    for name in ("answers.csv", "returns.csv", "problems.csv", "project.qdpx"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def _qdpx(path):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        qde = z.read("project.qde")
        texts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n != "project.qde"}
    return qde, etree.fromstring(qde), texts


def test_cli_analyse_writes_a_refi_qda_project_coded_where_wvtext_found_things(analysed):
    """project.qdpx: valid against the shipped schema, one source per return and item, and every coded
    selection of the real return and the real items holds the terms and sentences that decided it."""
    from wvtext.report.qdc import theme_guid
    from wvtext.report.qdpx import validate_qde

    out, _ = analysed
    qde, doc, texts = _qdpx(out / "project.qdpx")
    assert validate_qde(qde) == []
    ns = {"q": "urn:QDA-XML:project:1.0"}
    sources = {s.get("name"): s for s in doc.iterfind("q:Sources/q:TextSource", ns)}
    assert len(sources) == 153 + 80  # the shipped returns and seed items
    leics = sources["Leicestershire"]
    text = texts["Sources/" + leics.get("plainTextPath").removeprefix("internal://")]
    with open(out / "answers.csv", encoding="utf-8") as fh:
        answers = [r for r in csv.DictReader(fh) if r["return_id"] == "leicestershire"]
    assert all(a["narrative"] in text for a in answers)
    codes = {c.get("guid"): c.get("name") for c in doc.iter("{urn:QDA-XML:project:1.0}Code")}
    coded = []  # (code name, start, end)
    for sel in leics.iterfind("q:PlainTextSelection", ns):
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        note = sel.findtext("q:Description", namespaces=ns)
        for term in re.findall(r": '([^']+)'", note):
            assert term.lower() in text[start:end].lower(), (term, text[start:end])
        coded += [(codes[c.get("targetGUID")], start, end) for c in sel.iterfind("q:Coding/q:CodeRef", ns)]
    for a in answers:
        if not a["narrative"]:
            continue
        at = text.index("\n" + a["narrative"]) + 1
        inside = {n for n, s, e in coded if at <= s and e <= at + len(a["narrative"])}
        assert {THEME_NAMES[t] for t in a["themes"].split(";") if t} <= inside, a["qid"]
        if a["qid"] == "1.8":
            assert {"divergent: hidden_issue", "Ordinary Residence"} <= inside
            assert ("divergent: hidden_issue", a["evidence"]) in {(n, text[s:e]) for n, s, e in coded}
    case = next(c for c in doc.iterfind("q:Cases/q:Case", ns) if c.get("name") == "Leicestershire")
    assert "East Midlands" in [v.text for v in case.iter("{urn:QDA-XML:project:1.0}TextValue")]
    item = next(s for n, s in sources.items() if n.startswith("seed"))
    assert item.find("q:PlainTextSelection", ns) is not None
    assert theme_guid("chc") in codes  # the same code GUIDs as themes.qdc


def test_cli_analyse_unknown_learned_setting_is_one_line_error(tmp_path):
    res = run("analyse", "corpus/returns/leicestershire_2013_stocktake.txt", "--out", str(tmp_path),
              "--db", str(tmp_path / "w.db"), "--learned", "everything")
    assert res.returncode == 1
    assert "--learned must be one of themes, all, none" in res.stderr and "Traceback" not in res.stderr


def test_cli_analyse_learned_all_records_every_model(tmp_path):
    res = run("analyse", "corpus/returns/leicestershire_2013_stocktake.txt", "--out", str(tmp_path),
              "--db", str(tmp_path / "w.db"), "--learned", "all")
    assert res.returncode == 0, res.stderr
    m = json.loads((tmp_path / "manifest.json").read_text())
    assert set(m["learned_models"]) == {"themes_model.json", "negation_model.json", "stance_model.json"}
    assert all(len(v["sha256"]) == 64 for v in m["learned_models"].values())


def test_cli_bad_file_one_line_error_no_traceback(tmp_path, datapath):
    db = tmp_path / "w.db"
    assert run("ingest", str(ROOT / "corpus/returns/leicestershire_2013_stocktake.txt"), "--db", str(db)).returncode == 0
    res = run("ingest", str(datapath("return_corrupt.xlsx")), "--db", str(db))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    errors = [l for l in res.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and "return_corrupt.xlsx" in errors[0] and "save it again" in errors[0]
    assert "1 returns, 61 answers" in res.stderr  # what was stored before is intact


def test_cli_analyse_with_nothing_readable_names_each_file_and_leaves_the_folder_alone(tmp_path, datapath):
    out = tmp_path / "out"
    out.mkdir()
    (out / "answers.csv").write_text("an earlier run's answers", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = run("analyse", str(datapath("return_corrupt.xlsx")), str(empty), "--out", str(out), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "nothing was analysed" in res.stderr and "return_corrupt.xlsx" in res.stderr and "empty.csv: is empty" in res.stderr
    assert (out / "answers.csv").read_text(encoding="utf-8") == "an earlier run's answers"
    assert sorted(p.name for p in out.iterdir()) == ["answers.csv"]


def test_cli_analyse_whole_store_adds_a_late_return_to_what_the_database_holds(tmp_path):
    db, out = tmp_path / "w.db", tmp_path / "out"
    assert run("ingest", str(ROOT / "corpus/returns/leicestershire_2013_stocktake.txt"), "--db", str(db)).returncode == 0
    late = tmp_path / "late.csv"
    late.write_text("locality,qid,code,narrative\nSomerset,1.1,1,Yes. A joint board oversees the programme.\n",
                    encoding="utf-8")
    res = run("analyse", str(late), "--whole-store", "--out", str(out), "--db", str(db))
    assert res.returncode == 0, res.stderr
    with open(out / "returns.csv", encoding="utf-8") as fh:
        assert sorted(r["locality"] for r in csv.DictReader(fh)) == ["Leicestershire", "Somerset"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["settings"]["whole_store"] is True
    # the manifest names every file analysed, the earlier run's too, not only this run's input
    assert [f["path"] for f in manifest["inputs"]] == [str(late)]
    analysed = {f["path"]: f for f in manifest["analysed_sources"]}
    assert set(analysed) == {str(late), str(ROOT / "corpus/returns/leicestershire_2013_stocktake.txt")}
    assert all(len(f["sha256"]) == 64 and f["returns"] for f in analysed.values())
    res = run("analyse", str(late), "--out", str(out), "--db", str(db))  # the default: this run's inputs only
    with open(out / "returns.csv", encoding="utf-8") as fh:
        assert [r["locality"] for r in csv.DictReader(fh)] == ["Somerset"]


def test_cli_a_bad_source_date_epoch_is_one_line(tmp_path):
    import os

    res = subprocess.run([sys.executable, "-m", "wvtext", "analyse", "--out", str(tmp_path / "o"), "--db",
                          str(tmp_path / "w.db")], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "SOURCE_DATE_EPOCH": "yesterday"})
    assert res.returncode == 1 and "Traceback" not in res.stderr and "internal error" not in res.stderr
    assert res.stderr.startswith("error: SOURCE_DATE_EPOCH") and not (tmp_path / "w.db").exists()


def test_cli_whole_store_of_a_missing_database_creates_nothing(tmp_path):
    res = run("analyse", "--whole-store", "--out", str(tmp_path / "o"), "--db", str(tmp_path / "none.db"))
    assert res.returncode == 1 and "no such database" in res.stderr
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "o").exists()


def test_cli_flags_lists_a_returns_flags_with_evidence_and_cross_references(analysed):
    out, _ = analysed
    res = run("flags", "Leics", "--db", str(out / "w.db"))
    assert res.returncode == 0, res.stderr
    assert "Leicestershire (East Midlands)" in res.stdout
    lines = res.stdout.splitlines()
    invalid = next(i for i, l in enumerate(lines) if l.startswith("3.5 "))
    assert "invalid_code" in lines[invalid] and lines[invalid + 1].strip().startswith('"')
    assert any(l.startswith("1.8 ") and "hidden_issue" in l for l in lines)
    scores = [float(l.split()[1]) for l in lines if l[:1].isdigit() and "." in l.split()[0]]
    assert scores == sorted(scores, reverse=True)
    every = run("flags", "Leics", "--all", "--db", str(out / "w.db")).stdout
    assert "the narrative class is that of the answer to 11.1" in every  # 11.2 "See above."


def test_cli_warnings_name_file_row_question(tmp_path, datapath):
    res = run("ingest", str(datapath("return_problems.csv")), "--db", str(tmp_path / "w.db"), "--warnings", "50")
    assert res.returncode == 0
    assert "W104 code outside the question's scheme: " in res.stderr and "row 7, question 1.6" in res.stderr


def test_cli_analyse_warning_without_a_row_prints_no_empty_row(tmp_path, datapath):
    """W107 (missing questions) belongs to no row: the line names the file and question only."""
    out = tmp_path / "o"
    res = run("analyse", str(datapath("return_problems.csv")), "--out", str(out), "--db", str(tmp_path / "w.db"),
              "--warnings", "50")
    assert res.returncode == 0, res.stderr
    w107 = [l for l in res.stderr.splitlines() if "W107" in l]
    assert w107 and "row ," not in w107[0] and "question 9.2" in w107[0]
    assert "row 7, question 1.6" in res.stderr


@pytest.mark.parametrize("cmd", [[], ["ingest"], ["analyse"], ["codebook"], ["codebook", "build"], ["localities"], ["status"]])
def test_cli_every_command_has_help(cmd):
    res = run(*cmd, "--help")
    assert res.returncode == 0 and "Usage" in res.stdout


@pytest.mark.parametrize("cmd", [["flags"], ["status"], ["review", "next"], ["review", "decide"], ["themes"]])
def test_cli_commands_reading_the_store_say_it_must_exist(cmd, tmp_path):
    """These refuse a database that does not exist (a mistyped --db), so --help must not promise
    to create one; the refusal itself is one line."""
    res = run(*cmd, "--help")
    help_text = " ".join(re.sub("[\u2500-\u257f]", " ", res.stdout).split())  # without the box drawing
    assert res.returncode == 0 and "created if missing" not in help_text and "must exist" in help_text
    if cmd != ["review", "decide"]:
        res = run(*cmd, "--db", str(tmp_path / "nope.db"))
        assert res.returncode != 0 and "no such database" in res.stderr and not (tmp_path / "nope.db").exists()


def test_cli_codebook_shows_question():
    res = run("codebook", "--question", "3.5")
    assert res.returncode == 0 and "0=No (no)  1=Yes (yes)  2=Not clear (unclear)" in res.stdout


def test_cli_themes_text_read_as_the_answer_to_a_question():
    """The same text read as an item and as the answer to 1.8 (ordinary residence): the question
    reaches the learned decision, so the confidence differs."""
    text = "Advice on Ordinary Residence is provided by Legal Services when needed."

    def confidence(*extra):
        res = run("themes", "--text", text, *extra)
        assert res.returncode == 0, res.stderr
        line = next(ln for ln in res.stdout.splitlines() if ln.startswith("ordinary_residence\t"))
        assert "\tcarried" in line
        return float(line.split("\t")[1].split()[1])

    assert confidence("--question", "1.8") > confidence()
    res = run("themes", "--text", text, "--question", "1.2")
    assert res.returncode == 0 and "1.2 is a categorical question" in res.stderr


def test_cli_themes_why_shows_what_decided_the_learned_confidence():
    """--why: the model's score split into its parts, and the words that pushed it; a usage error
    without --text or with --no-learned."""
    text = "Advice on Ordinary Residence is provided by Legal Services when needed."
    res = run("themes", "--text", text, "--question", "1.8", "--why")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("ordinary_residence\t"))
    why = next(ln for ln in lines[at:] if ln.strip().startswith("why:"))
    got = re.search(r"model score ([-+][\d.]+) = base ([-+][\d.]+) \+ lexicon's evidence ([-+][\d.]+) "
                    r"\+ words ([-+][\d.]+) -> probability ([\d.]+)", why)
    assert got, why
    score, base, evidence, words, _ = map(float, got.groups())
    assert abs(base + evidence + words - score) <= 0.02  # the parts add up (each rounded to 2 places)
    assert "asked by the question" in res.stdout and "words for:" in res.stdout
    for args in (("--why",), ("--text", text, "--why", "--no-learned")):
        res = run("themes", *args)
        assert res.returncode == 2 and "--why explains" in res.stderr and "Traceback" not in res.stderr


def test_cli_themes_question_errors_are_usage_errors():
    res = run("themes", "--text", "OR dispute with the city.", "--question", "99.9")
    assert res.returncode == 2 and "'99.9' is not a question of the codebook" in res.stderr
    res = run("themes", "--question", "1.8")
    assert res.returncode == 2 and "give the text with --text" in res.stderr and "Traceback" not in res.stderr


def test_cli_codebook_unknown_question_is_usage_error():
    res = run("codebook", "--question", "12.1")
    assert res.returncode == 2 and "no question '12.1'" in res.stderr
    assert "internal error" not in res.stderr and "Usage" in res.stderr


def test_cli_missing_argument_is_usage_error():
    res = run("ingest")
    assert res.returncode == 2 and "Missing" in res.stderr and "internal error" not in res.stderr


def test_cli_localities_lookup():
    res = run("localities", "Leics", "Atlantis")
    assert res.returncode == 1
    assert "Leics\tLeicestershire\tEast Midlands" in res.stdout and "Atlantis\t(no match)" in res.stdout


def test_cli_every_command_documented_in_readme():
    import typer.main

    from wvtext.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = typer.main.get_command(app).commands
    assert {"analyse", "ingest", "codebook", "flags", "themes", "cluster", "synth"} <= set(commands)
    for name in commands:
        assert f"wvtext {name}" in readme, name


def test_cli_help_paragraphs_are_reflowed_to_the_terminal_width():
    """In an 80-column terminal a command's description is reflowed, not broken where the
    docstring's lines happen to end (which left "theme_evidence.csv" alone on a line), and names
    with <placeholders> survive the markup."""
    import os

    env = os.environ | {"COLUMNS": "80", "TERM": "dumb"}
    res = subprocess.run([sys.executable, "-m", "wvtext", "analyse", "--help"], capture_output=True, text=True,
                         cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    lines = [ln.strip() for ln in res.stdout.splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Writes answers.csv"))
    end = next(i for i in range(start, len(lines)) if "Exit code 1" in lines[i] or not lines[i])
    assert end > start
    assert all(len(ln) > 60 for ln in lines[start:end]), lines[start:end + 1]
    assert max(len(ln) for ln in res.stdout.splitlines()) <= 80
    synth = subprocess.run([sys.executable, "-m", "wvtext", "synth", "--help"], capture_output=True, text=True,
                           cwd=ROOT, env=env)
    assert "SYNTHETIC_<locality>.xlsx" in synth.stdout


def test_cli_path_mistakes_are_one_line_errors(tmp_path):
    """A folder where a file is needed, a file where a folder is needed: an error, not a traceback."""
    (tmp_path / "afolder").mkdir()
    (tmp_path / "afile").write_text("x")
    db = tmp_path / "w.db"
    assert run("ingest", str(ROOT / "corpus/returns/leicestershire_2013_stocktake.txt"), "--db", str(db)).returncode == 0
    for args in (["review", "export", "--out", str(tmp_path / "afolder"), "--db", str(db)],
                 ["synth", "--out", str(tmp_path / "afile"), "--scale", "1"],
                 ["lexicon", str(tmp_path / "afolder")]):
        res = run(*args)
        assert res.returncode == 1, (args, res.stderr)
        assert res.stderr.startswith("error:") and "Traceback" not in res.stderr and "internal error" not in res.stderr


def test_cli_reading_commands_do_not_create_a_database(tmp_path):
    missing = tmp_path / "nodir" / "typo.db"
    for args in (["status"], ["flags"], ["review", "next"]):
        res = run(*args, "--db", str(missing))
        assert res.returncode == 1 and "no such database" in res.stderr, (args, res.stderr)
    assert not missing.exists() and not missing.parent.exists()


def test_written_files_get_ordinary_permissions(tmp_path):
    import os

    from wvtext.export import write_csv

    mask = os.umask(0o022)
    try:
        write_csv(tmp_path / "t.csv", ["a"], [{"a": 1}])
    finally:
        os.umask(mask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("qid", ["Q1.8", "1,8", "1.8."])
def test_cli_question_ids_written_as_in_input_files(qid):
    res = run("codebook", "-q", qid)
    assert res.returncode == 0 and "1.8" in res.stdout, res.stderr
    res = run("themes", "--text", "There are no Ordinary Residence issues.", "--question", qid)
    assert res.returncode == 0 and "ordinary_residence" in res.stdout, res.stderr


def test_cli_lexicon_copied_without_its_spelling_file_says_so(tmp_path):
    import shutil

    shutil.copy(ROOT / "models/themes/lexicon.csv", tmp_path / "lexicon.csv")
    res = run("lexicon", str(tmp_path / "lexicon.csv"))
    assert res.returncode == 0 and "no spelling.csv beside" in res.stderr
    shutil.copy(ROOT / "models/themes/spelling.csv", tmp_path / "spelling.csv")
    assert "no spelling.csv" not in run("lexicon", str(tmp_path / "lexicon.csv")).stderr


def test_cli_lexicon_forms_shows_a_terms_rows_and_its_verb_forms(tmp_path):
    lex = tmp_path / "lexicon.csv"
    lex.write_text("theme,term,weight,match,context,exclude,note\n"
                   "community_teams,co-locate,1.0,,,,\n"
                   "ordinary_residence,deeming,0.7,exact,residence,,\n", encoding="utf-8")
    res = run("lexicon", str(lex), "--forms", "Co-Locate")
    assert res.returncode == 0, res.stderr
    assert "row 2: community_teams, 'co-locate', weight 1.0" in res.stdout
    assert "co locating" in res.stdout and "colocated" in res.stdout
    res = run("lexicon", str(lex), "--forms", "deeming")
    assert "exact: no verb forms" in res.stdout and "deemed" not in res.stdout
    # a form the term is matched in finds its row too
    assert "row 2: community_teams" in run("lexicon", str(lex), "--forms", "colocating").stdout
    res = run("lexicon", str(lex), "--forms", "pooled budget")
    assert res.returncode == 2 and "matches 'pooled budget'" in res.stderr


def test_cli_a_synthetic_twin_is_named_as_flags_prints_it(analysed):
    """The shipped corpus holds a real and a SYNTHETIC Leicestershire: a bare name takes the real
    one and says so; the name as 'wvtext flags' prints the other ("... [SYNTHETIC]") takes that one."""
    out, _ = analysed
    real = run("flags", "Leics", "--db", str(out / "w.db"))
    assert real.returncode == 0 and "2 returns match 'Leics'" in real.stderr and "using leicestershire" in real.stderr
    assert real.stdout.startswith("Leicestershire (East Midlands):")
    twin = run("flags", "Leicestershire [SYNTHETIC]", "--db", str(out / "w.db"))
    assert twin.returncode == 0 and twin.stdout.startswith("Leicestershire (East Midlands) [SYNTHETIC]:")
    assert "match" not in twin.stderr


def test_cli_an_output_folder_that_is_a_file_is_refused_before_anything_is_stored(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = run("analyse", str(SEED), "--out", str(tmp_path / "afile"), "--db", str(tmp_path / "x.db"))
    assert res.returncode == 1 and "is a file, not a folder" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x.db").exists()
    res = run("analyse", str(SEED), "--out", str(tmp_path / "afile" / "below"), "--db", str(tmp_path / "x.db"))
    assert res.returncode == 1 and "is a file, so the folder cannot be made" in res.stderr
    assert not (tmp_path / "x.db").exists()
    res = run("report", "--out", str(tmp_path / "afile"))
    assert res.returncode == 1 and "is a file" in res.stderr


def test_cli_options_that_cannot_apply_are_said_so(tmp_path):
    res = run("themes", "--text", "personal budgets", "--out", str(tmp_path / "t"))
    assert res.returncode == 2 and "Give one of them" in res.stderr and not (tmp_path / "t").exists()
    res = run("cluster", str(ROOT / "corpus" / "items" / "seed_items.csv"), "--out", str(tmp_path / "c"), "-k", "200")
    assert res.returncode == 0, res.stderr
    assert "note: 200 collections asked for" in res.stderr and "distinct examples" in res.stderr


def test_cli_analyse_items_alone_reports_them_and_a_later_run_without_items_drops_them(tmp_path):
    """A curator's run of good-practice items alone is an analysis (reports and all, exit 0); a
    later run into the same folder with no items does not keep showing the earlier run's."""
    db, out = tmp_path / "w.db", tmp_path / "out"
    items = ROOT / "corpus" / "items" / "seed_items.csv"
    res = run("analyse", str(items), "--out", str(out), "--db", str(db))
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert re.search(r"wrote .*: 0 returns, 0 answers, 80 items", res.stderr)
    for name in ("report.html", "workbook.xlsx", "project.qdpx", "items.csv", "collections.csv", "collections/index.html"):
        assert (out / name).is_file(), name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No returns in this run: only good-practice items were analysed" in page
    assert '<div class="stat"><b>80</b><span>good-practice items</span>' in page
    assert "This run has no returns, only 80 good-practice items (none synthetic)." in page
    assert "All 0 returns" not in page
    one_answer = tmp_path / "leicestershire.csv"
    one_answer.write_text("locality,qid,code,narrative\nLeicestershire,2.1,1,Costs are known to both partners.\n",
                          encoding="utf-8")
    res = run("analyse", str(one_answer), "--out", str(out), "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert not (out / "items.csv").exists() and not (out / "collections.csv").exists()
    assert not (out / "collections").exists()
    assert "Good-practice collections: not available in this run." in (out / "report.html").read_text(encoding="utf-8")


def test_cli_analyse_never_removes_files_it_did_not_write(tmp_path):
    """A folder holding the user's own items.csv (no earlier run's manifest), or an items.csv that is
    one of this run's inputs, keeps it when the run has no items."""
    out = tmp_path / "data"
    (out / "collections").mkdir(parents=True)
    mine = out / "items.csv"
    mine.write_text("not, an, items, table\n", encoding="utf-8")
    (out / "collections" / "index.html").write_text("<p>my page</p>", encoding="utf-8")
    one = tmp_path / "leicestershire.csv"
    one.write_text("locality,qid,code,narrative\nLeicestershire,2.1,1,Costs are known.\n", encoding="utf-8")
    res = run("analyse", str(one), "--out", str(out), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 0, res.stderr
    assert mine.read_text(encoding="utf-8") == "not, an, items, table\n"
    assert (out / "collections" / "index.html").read_text(encoding="utf-8") == "<p>my page</p>"
    res = run("analyse", str(one), str(mine), "--out", str(out), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 1 and mine.is_file()  # unreadable input, kept
    assert "items.csv" in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    res = run("analyse", str(one), "--out", str(out), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 0 and mine.read_text(encoding="utf-8") == "not, an, items, table\n"  # listed, not ours


def test_a_locality_page_says_which_questions_and_sections_a_return_left_out(tmp_path):
    src = tmp_path / "cornwall.csv"
    src.write_text("locality,qid,code,narrative\nCornwall,2.4,1,There is a pooled budget under a section 75.\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    res = run("analyse", str(src), "--out", str(out), "--db", str(tmp_path / "w.db"))
    assert res.returncode == 0, res.stderr
    (page,) = (out / "localities").glob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "60 of the 61 questions are not in this return (1.1-2.3, 2.5-11.3); they are treated as not answered." in text
    assert text.count("not answered</td>") == 10  # every section but section 2


def test_cli_themes_db_writes_the_evidence_analyse_writes(tmp_path):
    """'wvtext themes --db' over an analysed database: the same evidence rows as the analysis, each
    quoting the words it matched (good practice drawn from answers keeps its answer's evidence and
    is not read again as a titled item, whose offsets would point into the title)."""
    out, db = tmp_path / "a", tmp_path / "w.db"
    items = ROOT / "corpus" / "items" / "seed_items.csv"
    assert run("analyse", str(SEED), str(items), "--out", str(out), "--db", str(db)).returncode == 0
    res = run("themes", "--db", str(db), "--out", str(tmp_path / "t"))
    assert res.returncode == 0, res.stderr

    def rows(path):
        with open(path, encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    again = rows(tmp_path / "t" / "theme_evidence.csv")
    assert again == rows(out / "theme_evidence.csv")
    # how each mention's sentence frames it is stored and read back with it (real seed items have headings and fragments)
    assert {r["frame"] for r in again} <= {"", "boilerplate", "heading", "fragment", "population"}
    assert any(r["frame"] for r in again if r["object"] == "item")
    assert not [r for r in again if r["item_id"].startswith("gp-")]

    def points_at_its_words(r):
        # a local abbreviation's mention names what it stands for: "board (ICB = Integrated Commissioning Board)"
        via = re.fullmatch(r".+ \((\S+) = .+\)", r["term"])
        if via:
            return r["matched"] == via.group(1)
        return re.sub(r"\W", "", r["matched"]).lower()[:2] == re.sub(r"\W", "", r["term"]).lower()[:2]

    assert all(points_at_its_words(r) for r in again if r["term"] and not r["term"].startswith("learned")), \
        "matched words point elsewhere"
    assert any(" (ICB = " in r["term"] for r in again)  # Leicestershire's ICB, defined in 1.1, read in later answers


def test_cli_cluster_says_it_takes_xlsx_and_explains_fewer_collections_sensibly(tmp_path):
    """The items argument is not shown as csv only (xlsx items files work too), and a note about
    fewer collections than asked names no "--min-size 1" (with 1 no group is too small)."""
    res = run("cluster", "--help")
    assert res.returncode == 0 and "ITEMS.csv" not in res.stdout and "xlsx" in res.stdout
    src = tmp_path / "items.csv"
    src.write_text("item_id,title,description\n"
                   "a1,Crisis beds,Two crisis beds with trained carers take someone at short notice.\n"
                   "a2,Advocacy for inpatients,Every inpatient has an independent advocate who visits monthly.\n"
                   "a3,Pooled budget,The partners pooled their budgets under a section 75 agreement.\n"
                   "a4,,\na5,,\n", encoding="utf-8")
    res = run("cluster", str(src), "--out", str(tmp_path / "c"), "-k", "5", "--min-size", "1")
    assert res.returncode == 0, res.stderr
    assert "note: 5 collections asked for" in res.stderr and "--min-size 1" not in res.stderr


def test_cli_cluster_writes_the_problems_file_its_warnings_point_to(tmp_path):
    src = tmp_path / "items.csv"
    src.write_text("item_id,title,description\n"
                   "a1,Crisis beds,Two crisis beds with trained carers take someone at short notice.\n"
                   "a2,Advocacy for inpatients,Every inpatient has an independent advocate who visits monthly.\n"
                   "a3,Pooled budget,The partners pooled their budgets under a section 75 agreement.\n"
                   "a4,,\na5,,\n", encoding="utf-8")
    out = tmp_path / "c"
    res = run("cluster", str(src), "--out", str(out), "--warnings", "0")
    assert res.returncode == 0, res.stderr
    assert f"see {out / 'problems.csv'}" in res.stderr
    with open(out / "problems.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["source_file"] == str(src) and r["code"].startswith("W") for r in rows)


def test_cli_a_file_of_many_returns_is_summed_up_not_listed():
    """A national file holds ~150 returns: the line saying what was read names a few and counts the
    rest; a file of a few returns names them all, and items are counted."""
    from wvtext.cli.run import _what_was_read

    many = [f"Area {i}" for i in range(146)]
    line = _what_was_read({"returns": many, "items": 0, "replaced": []})
    assert line == "146 returns: Area 0, Area 1, Area 2, Area 3, Area 4, Area 5 and 140 more"
    assert _what_was_read({"returns": ["Leicestershire"], "items": 0}) == "Leicestershire"
    assert _what_was_read({"returns": [], "items": 80}) == "80 items"
    replaced = _what_was_read({"returns": ["Derby"], "items": 0, "replaced": many[:8]})
    assert replaced == "Derby; replaced later in this run: 8 returns: Area 0, Area 1, Area 2, Area 3, Area 4, Area 5 and 2 more"
