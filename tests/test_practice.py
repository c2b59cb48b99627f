"""Support requests and good-practice candidates."""
import csv

import pytest

from wvtext.practice import PracticeReader


@pytest.fixture(scope="module")
def reader(nlp):
    return PracticeReader(nlp)


@pytest.mark.parametrize(
    "text",
    [
        "We would welcome support on ordinary residence disputes.",
        "Further guidance would be welcomed on the application of the CHC framework.",
        "Clarity from the national team on specialised commissioning would help.",
        "We are keen to learn from areas that have pooled budgets across health and social care.",
        "Any examples of good practice from other areas would be appreciated.",
        "Support from the national programme with agreeing contributions to a pooled budget would be valued.",
        "Guidance on the CHC framework would be beneficial.",
        "Not at present, however we are planning to ask the JIP for support with market development.",
        "We will ask for advice from the regional team on pooled budgets.",
    ],
)
def test_practice_support_request_found(nlp, reader, text):
    assert reader.requests(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "People who need support are reviewed monthly.",
        "The Board received a report and has requested further updates.",
        "We offer an advice and support line for providers.",
        "We do not require any support at this stage.",
        "The Board asked for a report on progress.",
        "We will not ask for support at this stage.",
    ],
)
def test_practice_not_a_support_request(nlp, reader, text):
    assert not reader.requests(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "Our accommodation broker has been very successful and a number of people have left residential care.",
        "The crisis team is an innovative model that we would be happy to share with other areas.",
        # an offer in a sentence with "would"; "the delivery plan" is a noun, not an intention
        "Our peer mentoring scheme is an area of good practice we would be pleased to share.",
        "An example of innovative practice is our carers' forum, which co-produces the delivery plan.",
        "Our intensive support team has avoided several admissions and has improved how crises are handled.",
        # an offer in other words, after what others asked of the area
        "Two neighbouring councils have asked to see our transition protocol, and we are happy to do so.",
    ],
)
def test_practice_good_practice_candidate(nlp, reader, text):
    doc = nlp(text)
    assert reader.practice(doc, reader.requests(doc)).is_candidate


@pytest.mark.parametrize(
    "text",
    [
        "Any good practice examples from other areas would be welcomed.",
        "We plan to develop an innovative crisis service next year.",
        "We hope that the new service will be an example of good practice.",
        "Partners expect to publish an innovative practice guide in the spring.",
        "Both partners face significant savings targets over the next three years.",  # one word, two cues
        "A register is in place.",
    ],
)
def test_practice_not_good_practice(nlp, reader, text):
    doc = nlp(text)
    assert not reader.practice(doc, reader.requests(doc)).is_candidate


def test_practice_an_answer_to_the_question_asking_for_practice_offers_it(nlp, reader, codebook):
    # 11.3 asks for local examples of practice to share: an answer that names its own, in any
    # words, offers them; other questions, a bare "Yes", and a request for others' practice do not.
    text = ("Yes: the family-led 'Coming Home' group, where families of people already repatriated meet families "
            "of those still in hospital; and the Trust's PBS practice forum, which is open to independent providers.")
    doc = nlp(text)
    plain = reader.practice(doc, reader.requests(doc))
    assert not plain.is_candidate  # no practice cue: the question is what makes it one
    got = reader.solicited(doc, codebook["11.3"].text, plain, reader.requests(doc))
    assert got.is_candidate and got.score >= 0.5 and got.evidence.startswith("Yes: the family-led")
    assert not reader.solicited(doc, codebook["5.6"].text, plain, []).is_candidate
    short = nlp("Yes, several.")
    assert not reader.solicited(short, codebook["11.3"].text, reader.practice(short, []), []).is_candidate
    ask = nlp("We would welcome examples from other areas of family-led groups and practice forums for providers.")
    requests = reader.requests(ask)
    assert requests
    assert not reader.solicited(ask, codebook["11.3"].text, reader.practice(ask, requests), requests).is_candidate


def test_practice_leicestershire_required(tmp_path):
    from wvtext.pipeline import analyse
    from conftest import SEED_RETURN

    analyse([SEED_RETURN], tmp_path / "out", db_path=tmp_path / "w.db")
    with open(tmp_path / "out" / "answers.csv", encoding="utf-8") as fh:
        rows = {r["qid"]: r for r in csv.DictReader(fh)}
    assert all(rows[q]["support_request"] == "1" for q in ("1.9", "4.5", "5.6"))
    with open(tmp_path / "out" / "good_practice.csv", encoding="utf-8") as fh:
        gp = {r["qid"]: r for r in csv.DictReader(fh)}
    assert "11.3" in gp and "housing" in gp["11.3"]["themes"]
    with open(tmp_path / "out" / "support_requests_summary.csv", encoding="utf-8") as fh:
        summary = list(csv.DictReader(fh))
    assert {("question", q) for q in ("1.9", "4.5", "5.6")} <= {(r["dimension"], r["key"]) for r in summary}


@pytest.mark.parametrize("row, message", [
    ("innovative,high,,", r"row 2, weight: 'high' is not a number"),
    ("happy to share,1.5,yes,", r"row 2, offer: 'yes' must be 1 \(an offer to share\) or empty"),
])
def test_practice_cue_file_errors_name_row_and_field(nlp, tmp_path, row, message):
    from wvtext.errors import WvtextError
    from wvtext.paths import models_dir

    (tmp_path / "requests.csv").write_text((models_dir() / "practice" / "requests.csv").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    (tmp_path / "good_practice.csv").write_text("cue,weight,offer,note\n" + row + "\n", encoding="utf-8")
    with pytest.raises(WvtextError, match=message):
        PracticeReader(nlp, folder=tmp_path)
