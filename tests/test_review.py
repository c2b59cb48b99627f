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
        ({"kind": "theme", "decision": "add", "theme": "weather"}, "not a theme id"),
        ({"kind": "divergence", "decision": "confirm", "qid": "12.1"}, "no answer '12.1'"),
        ({"kind": "text_class", "decision": "set"}, "narrative class must be one of"),
        ({"kind": "text_class", "decision": "set", "value": "probably"}, "narrative class must be one of"),
        ({"kind": "text_class", "decision": "dismiss"}, "must be one of confirm, set"),
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
