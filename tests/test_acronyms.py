"""Local abbreviations: found where a text defines them, read as their long form where it uses them."""
from __future__ import annotations

import pytest

from wvtext.themes.acronyms import definitions, long_form, return_definitions
from wvtext.themes.pipeline import extract_themes


def test_definitions_in_the_real_return(seed_return):
    """The Leicestershire return defines its own boards and teams in its answers (real text)."""
    found = return_definitions(a.narrative for a in seed_return.answers)
    assert found["ICB"] == "Integrated Commissioning Board"
    assert found["CCG"] == "Clinical Commissioning Groups"  # "(CCGs)": the plural is not the abbreviation
    assert found["CQC"] == "Care Quality Commission"
    assert found["CAMHS"] == "Child and Adolescent Mental Health Service"


@pytest.mark.parametrize("text", [
    "as agreed with the council (see 1.3 above)",
    "the Access Assessment Commissioning Guidance (May 2012)",
    "a review of placements (Leics) is planned",
    "our new board (XYZ) meets monthly",  # no words its letters stand for
    "each person has a named Keyworker (KW)",  # one word: not a name written out
    "clinical lead - Consultant Psychiatrist (LD), Trust",  # not across a spaced dash; D starts no word
    "and continuing health care processes (ADASS)",  # each capital must start a word
    "intensive support in phase (II)",  # a roman numeral
    "Assessment and Treatment (A&T)",  # would open with "and"
    "the Transforming Care Partnership board (TCP) met",  # "board" is not the letters': a gloss on a use
])
def test_not_definitions(text):
    assert definitions(text) == []


def test_definition_stops_at_a_clause_and_keeps_its_offsets():
    text = "Members include NHS England, Local Area Team (LAT) and the Intensive Support Team (IST)."
    found = definitions(text)
    assert [(d.short, d.long) for d in found] == [("LAT", "Local Area Team"), ("IST", "Intensive Support Team")]
    assert all(text[d.start:d.end] == d.short for d in found)


def test_long_form_follows_the_letters_from_the_last():
    assert long_form("JCU", "work of our Joint Commissioning Unit") == "Joint Commissioning Unit"
    assert long_form("DoLS", "under the deprivation of liberty safeguards") == "deprivation of liberty safeguards"
    assert long_form("QQ", "nothing that fits") is None
    # the "s" after an apostrophe begins no word (seed 000's "Association of Directors of Children's Services (ADCS)")
    assert long_form("ADCS", "Association of Directors of Children's") is None
    assert [d.long for d in definitions("Association of Directors of Children's Services (ADCS)")] == [
        "Association of Directors of Children's Services"]


def test_a_use_of_a_defined_abbreviation_is_a_mention_of_its_long_forms_terms(nlp):
    text = "An Intensive Support Service (ISS) was set up in May. Referrals to the ISS have doubled since."
    doc = nlp(text)
    crisis = doc._.wv_themes["crisis_response"].mentions
    at_use = [m for m in crisis if text[m.start_char:m.end_char] == "ISS"]
    assert len(at_use) == 1 and at_use[0].start_char == text.rindex("ISS")  # the use, not the definition
    assert at_use[0].via == "ISS = Intensive Support Service" and at_use[0].term == "intensive support"
    # without the definition the letters mean nothing
    assert "crisis_response" not in (nlp("Referrals to the ISS have doubled since.")._.wv_themes or {})


def test_a_returns_definitions_reach_its_other_answers(nlp):
    """An abbreviation defined in one answer (1.1) is read in another (6.8), as 'wvtext analyse'
    gives each answer its return's definitions; unknown letters stay unread."""
    answers = ["The Board links back via an Integrated Commissioning Board (ICB).",
               "The local delivery plan will be presented to the ICB for agreement."]
    defined = return_definitions(answers)
    with_defs = list(extract_themes(answers, nlp=nlp, abbreviations=[defined] * 2))[1]
    without = list(extract_themes(answers, nlp=nlp))[1]
    assert "governance_partnership" not in without
    mentions = with_defs["governance_partnership"].mentions
    assert [(answers[1][m.start_char:m.end_char], m.via) for m in mentions] == [
        ("ICB", "ICB = Integrated Commissioning Board")]


def test_an_abbreviation_that_is_a_term_itself_adds_nothing(nlp):
    """"CQC" is a safeguarding term already: its definition adds no second mention at each use."""
    text = "The Care Quality Commission (CQC) inspected the unit. The CQC report was published in June."
    mentions = nlp(text)._.wv_themes["safeguarding"].mentions
    assert not any(m.via for m in mentions)
    assert sum(text[m.start_char:m.end_char] == "CQC" for m in mentions) == 2  # as the term, at each use


def test_analyse_stores_the_abbreviation_in_the_evidence(store, seed_return):
    """Leicestershire's 6.8 names the ICB (defined in 1.1): the stored evidence says what it stands for."""
    from conftest import SEED_RETURN
    from wvtext.pipeline import ingest_files, run_text_stages

    ingest_files([SEED_RETURN], store)
    run_text_stages(store, ["leicestershire"], [])
    rows = [m for m in store.theme_mentions(return_ids=["leicestershire"]) if m["qid"] == "6.8"]
    via = [m for m in rows if m["term"].endswith("(ICB = Integrated Commissioning Board)")]
    assert via and all(m["theme"] == "governance_partnership" for m in via)
    narrative = next(a.narrative for a in seed_return.answers if a.qid == "6.8")
    assert all(narrative[m["start_char"]:m["end_char"]] == "ICB" for m in via)


def test_a_long_form_may_wrap_a_line_but_not_cross_a_blank_one():
    assert [d.long for d in definitions("the Crisis\nSupport Service (CSS)")] == ["Crisis Support Service"]
    assert definitions("Crisis\n\nSupport Service (CSS)") == []


def test_a_return_that_defines_an_abbreviation_two_ways_keeps_neither():
    assert return_definitions(["Integrated Commissioning Board (ICB)", "Information and Communications Bureau (ICB)",
                               "Intensive Support Team (IST)"]) == {"IST": "Intensive Support Team"}


def test_a_texts_own_definition_overrides_its_returns(nlp):
    defined = return_definitions(["The Board links back via an Integrated Commissioning Board (ICB)."])
    text = "The Information and Communications Bureau (ICB) sends data. The ICB is small."
    scores = list(extract_themes([text], nlp=nlp, abbreviations=[defined]))[0]
    assert not any(m.via for s in scores.values() for m in s.mentions)


def test_an_abbreviation_that_is_a_word_is_not_read_in_capitals(nlp):
    """A sentence written in capitals cannot tell "START" the team from "start" the word."""
    text = ("The Supported Transitions And Reviews Team (START) was set up. "
            "PLEASE NOTE THAT WORK WILL START IN MAY WITH ALL THE TEAMS. The START team meets weekly.")
    mentions = nlp(text)._.wv_themes["reviews_care_management"].mentions
    assert [m.start_char for m in mentions if m.via] == [text.rindex("START")]


@pytest.mark.parametrize("text", [
    "An Integrated Commissioning Board(ICB) was set up. The ICB agreed.",  # the bracket typed against the word
    "The ICB met first. An Integrated Commissioning Board (ICB) was set up.",  # a use before the definition
])
def test_a_doc_made_by_the_pipeline_and_one_made_alone_read_the_same(nlp, text):
    def vias(scores):
        return sorted((m.start_char, m.via) for s in scores.values() for m in s.mentions if m.via)

    alone = vias(nlp(text)._.wv_themes or {})
    assert alone and alone == vias(list(extract_themes([text], nlp=nlp))[0])
    assert all(text[start:start + 3] == "ICB" for start, _ in alone)


def test_a_long_form_holding_a_term_matched_by_case_is_read(nlp):
    """"SEND" is matched by its case (`match` case in the lexicon), which reads the sentence it
    stands in: the long form, read on its own, is one sentence."""
    text = "Our SEND Transitions Team (STT) started in May. Referrals to the STT come from schools."
    mentions = nlp(text)._.wv_themes["transition"].mentions
    assert [(text[m.start_char:m.end_char], m.via) for m in mentions if m.via] == [("STT", "STT = SEND Transitions Team")]


@pytest.mark.parametrize("text", [
    "An Integrated Commissioning Board [ICB] was set up in May.",  # square brackets
    "An Integrated Commissioning Board (I.C.B.) was set up in May.",  # written with stops
    "An Integrated Commissioning Board (ICB, chaired by the DASS) was set up in May.",  # a remark after a comma
    "An Integrated Commissioning Board (ICB; see 1.1) was set up in May.",  # ... or a semicolon
    "The ICB (Integrated Commissioning Board) was set up in May.",  # the abbreviation first
    "The ICBs (Integrated Commissioning Boards) were set up in May.",
    "The I.C.B. (Integrated Commissioning Board) was set up in May.",  # with stops, first
    "The ICB (Integrated\nCommissioning Board) was set up in May.",  # wrapped as a PDF wraps it
    "An Integrated Commissioning Board ('ICB') was set up in May.",  # in quotes
    "An Integrated Commissioning Board (\u201cICB\u201d) was set up in May.",
    "An Integrated Commissioning Board (the ICB) was set up in May.",  # named so
    "An Integrated Commissioning Board (known as the ICB) was set up in May.",
    "An Integrated Commissioning Board (hereafter ICB) was set up in May.",
    "An Integrated Commissioning Board (hereafter referred to as the ICB) was set up in May.",
    "An Integrated Commissioning Board (henceforth 'the ICB') was set up in May.",  # the quote before "the"
    "An Integrated Commissioning Board (\u2018the ICB\u2019) was set up in May.",
    "An Integrated Commissioning Board (or ICB) was set up in May.",  # offered as another name
    "An Integrated Commissioning Board, or ICB, was set up in May.",  # ... without brackets
    "In May we set up an Integrated Commissioning Board, or 'the ICB'.",
    "An Integrated Commissioning Board ((ICB)) was set up in May.",  # brackets doubled in pasting
    "An Integrated Commissioning Board, or I.C.B., was set up in May.",
    "An Integrated Commissioning Board,\nor ICB (chaired by the DASS), was set up in May.",
    "An Integrated Commissioning Board, or ICB - which the DASS chairs - was set up in May.",
])
def test_other_ways_of_writing_a_definition(nlp, text):
    found = definitions(text)
    assert [(d.short, d.long.rstrip("s")) for d in found] == [("ICB", "Integrated Commissioning Board")]
    assert text[found[0].start:found[0].end].replace(".", "") == "ICB"
    use = "Plans go to the ICB for sign-off."
    mentions = list(extract_themes([text + " " + use], nlp=nlp))[0]["governance_partnership"].mentions
    vias = [m for m in mentions if m.via]
    assert [m.start_char for m in vias] == [len(text) + 1 + use.index("ICB")]  # the use, not the definition


@pytest.mark.parametrize("text", [
    "funding (CHC, s117) was agreed",  # a list in brackets: its letters stand for no words before it
    "the NHS (the NHS England team) agreed",  # opens with a function word
    "the IST (see above) agreed",
    "the LAT (Learning Disability Partnership Board) agreed",  # the words are not what the letters stand for
    "the LAT (Local Area Team and its new commissioners for the whole region) agreed",  # too many words
    # a gloss on a use says more than the letters stand for
    "The TCP (Transforming Care Partnership board) met.",
    "Meeting with the LA (Local Authority housing team) in May.",
    # nor across a boundary inside the brackets
    "Actions for the LA (Lead Agency: housing).",
    "The CT (Crisis Team - Loughborough) covers nights.",
    # ", or" before letters the words before the comma do not spell offers an alternative, not a name
    "Funding comes from housing, social care, or CHC, as agreed.",
    "Care and Treatment, or CTR, reviews are held.",
    "Integrated Care, or I.C.B., was set up in May.",  # the stops are the abbreviation's, not an end
    "Funded by the Integrated Commissioning Board, or ICB-funded placements.",
    # nor across a comma before the bracket
    "An Integrated Commissioning Board, (ICB) was set up in May.",
])
def test_not_definitions_in_either_order(text):
    assert definitions(text) == []


@pytest.mark.parametrize("text, short, long", [
    ("A Crisis Intervention (CI) service runs at night.", "CI", "Crisis Intervention"),
    ("Money from the Community Infrastructure Levy (CIL) pays for it.", "CIL", "Community Infrastructure Levy"),
    ("Our Centre for Independent Living (CIL) runs it.", "CIL", "Centre for Independent Living"),
    ("The CIC (Community Interest Company) employs self-advocates.", "CIC", "Community Interest Company"),
])
def test_letters_that_spell_a_numeral_abbreviate_one_word_each(text, short, long):
    assert [(d.short, d.long) for d in definitions(text)] == [(short, long)]


@pytest.mark.parametrize("text", [
    "intensive support in phase (II)",  # no words its letters begin
    "the plan's Section Two (VI) sets targets",  # S, T do not spell VI: no long form
    "an Independent Living Intervention (II) ...",  # more words than letters: a numeral after all
    "the board (the ICB) met",  # named so, but no words its letters stand for
    "Phase II (Implementation Investment) starts",  # one letter repeated: a number, in either order
    "the Independent Inquiry (II) reported",
    "our new service (the Hub) opened",
])
def test_numerals_and_names_that_define_nothing(text):
    assert definitions(text) == []


def test_an_abbreviation_is_read_where_it_is_written_with_stops(nlp):
    text = "An Integrated Commissioning Board (ICB) was set up. Plans are reported to the I.C.B. each month."
    mentions = nlp(text)._.wv_themes["governance_partnership"].mentions
    assert [text[m.start_char:m.end_char] for m in mentions if m.via] == ["I.C.B."]
    defined = return_definitions(["An Integrated Commissioning Board (ICB) was set up."])
    other = "Plans are reported to the I.C.B each month."
    scores = list(extract_themes([other], nlp=nlp, abbreviations=[defined]))[0]
    assert [(other[m.start_char:m.end_char], m.via) for m in scores["governance_partnership"].mentions if m.via] == [
        ("I.C.B", "ICB = Integrated Commissioning Board")]


def test_a_gloss_on_a_use_does_not_undo_a_returns_definition():
    found = return_definitions(["An Integrated Commissioning Board (ICB) was set up.",
                                "Plans go to the ICB (Integrated Commissioning Board sub-group) monthly.",
                                "ICBs (Integrated Commissioning Boards) meet in each area."])  # a plural is the same words
    assert found == {"ICB": "Integrated Commissioning Board"}


def test_two_letters_with_stops_are_initials_not_a_use(nlp):
    text = "The Advocacy Board (AB) met. Mr A.B. Jones moved home. The AB agreed."
    mentions = [m for s in nlp(text)._.wv_themes.values() for m in s.mentions if m.via]
    assert {text[m.start_char:m.end_char] for m in mentions} == {"AB"}
    assert all(m.start_char == text.rindex("AB") for m in mentions)
