"""Theme extraction: lexicon validation, matching on real-world mess, negation, evidence, storage."""
import pytest

from wvtext.text import normalize_text
from wvtext.themes.lexicon import THEMES, LexiconError, load_lexicon
from wvtext.themes.pipeline import extract_themes, make_nlp, themes_string


def one(nlp, text):
    return next(extract_themes([normalize_text(text)], nlp=nlp))


def assert_denial(nlp, text: str, denied: str | None, not_denied: str | None) -> None:
    """The text's theme `denied` is flagged negated and its theme `not_denied` is not (either may be None)."""
    s = one(nlp, text)
    if denied:
        assert s[denied].negated
    if not_denied:
        assert not s[not_denied].negated


def reading(scores, *, negated=False, frames=False):
    """Each theme's confidence (to 6 places), with whether it is negated and its mentions' frames
    where asked: what two writings of the same text must share."""
    return {t: (round(v.confidence, 6),) + ((v.negated,) if negated else ())
            + ((tuple(m.frame for m in v.mentions),) if frames else ()) for t, v in scores.items()}


def reads_alike(nlp, text, like, **what):
    """Assert that `text` is read as `like` (`reading`, with `what` of it compared); return the
    themes of `like`, for the caller's own check that they are there at all."""
    got, want = one(nlp, text), one(nlp, like)
    assert reading(got, **what) == reading(want, **what)
    return want


def test_themes_shipped_lexicon_covers_every_theme():
    lex = load_lexicon()
    assert {t.theme for t in lex.terms} == set(THEMES)


def test_themes_lexicon_errors_name_rows_and_fields(datapath):
    with pytest.raises(LexiconError) as info:
        load_lexicon(datapath("themes_bad.csv"), spelling="")
    msg = str(info.value)
    assert "row 3, theme: 'not_a_theme'" in msg
    assert "row 4, weight: '1.7'" in msg
    assert "row 6, match: 'exactly'" in msg


def test_themes_lexicon_duplicate_term_rejected(tmp_path):
    p = tmp_path / "lex.csv"
    p.write_text("theme,term,weight\nhousing,accommodation,0.8\nhousing,Accommodation,0.5\n")
    with pytest.raises(LexiconError, match="row 3, term: 'Accommodation' repeats row 2"):
        load_lexicon(p, spelling="")


def test_themes_lexicon_missing_column(tmp_path):
    p = tmp_path / "lex.csv"
    p.write_text("theme,words\nhousing,accommodation\n")
    with pytest.raises(LexiconError, match="missing column"):
        load_lexicon(p, spelling="")


@pytest.mark.parametrize(
    "text",
    [
        "There are no issues regarding Ordinary Residence",
        "We are not aware of any ordinary residence disputes at present.",
        "Ordinary residence is not an issue for this cohort.",
        "Ordinary residence issues have not arisen so far.",
        "Nobody here is subject to an ordinary residence dispute.",
        "We haven't yet needed an ordinary residence determination.",
    ],
)
def test_themes_negated_mention_carries_theme_marked_negated(nlp, text):
    s = one(nlp, text)["ordinary_residence"]
    assert s.carried and s.negated and all(m.negated for m in s.mentions)


@pytest.mark.parametrize("qid", ["2.4", "7.1", "9.1"])
@pytest.mark.parametrize("text", [
    "There are no issues regarding Ordinary Residence",
    "Ordinary residence is not an issue for this cohort.",
    "Ordinary residence has not been an issue for anyone in the current cohort.",
    "Ordinary residence issues have not arisen so far.",
    "Nobody here is subject to an ordinary residence dispute.",
])
def test_themes_negated_mention_in_an_answer_to_a_question_is_marked_negated(nlp, text, qid):
    """The same denials read as `wvtext analyse` reads a return's narratives, each answering its
    question (the learned negation decision weighs a narrative apart from an item): until session
    39, "Ordinary residence is not an issue" in an answer was read as a gap described."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text

    question = question_text(load_codebook(), qid)
    s = next(extract_themes([normalize_text(text)], nlp=nlp, questions=[question]))["ordinary_residence"]
    assert s.carried and s.negated


@pytest.mark.parametrize("text, theme", [
    ("We do not have a crisis team.", "crisis_response"),
    ("Housing - no issues.", "housing"),
    ("CHC: no concerns", "chc"),
])
def test_themes_a_denial_in_a_short_answer_is_marked_negated(nlp, text, theme):
    """Short answers deny as plainly: having denied ("We do not have a crisis team", read until
    session 39 as a gap described) and a label over trouble denied ("Housing - no issues")."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text

    question = question_text(load_codebook(), "4.1")
    s = next(extract_themes([normalize_text(text)], nlp=nlp, questions=[question]))[theme]
    assert s.carried and s.negated


@pytest.mark.parametrize(
    "text",
    [
        "There are no issues for current inpatients, but we have an ordinary residence dispute with a neighbouring authority.",
        "Ordinary residence disputes with two neighbouring councils are ongoing.",
        "Not only ordinary residence but also CHC eligibility causes delay.",
        "We have not yet been told who will decide the ordinary residence of the two men.",
        "The ordinary residence review found he could not have been placed by us.",
    ],
)
def test_themes_affirmed_mention_not_negated(nlp, text):
    s = one(nlp, text)["ordinary_residence"]
    assert s.carried and not s.negated


@pytest.mark.parametrize("text, theme", [
    ("There is not enough supported housing in the county.", "housing"),
    ("Not all people have access to independent advocacy.", "advocacy"),
    ("CHC is not always agreed quickly.", "chc"),
    ("Crisis support isn't consistently available out of hours.", "crisis_response"),
    ("The crisis team is not sufficiently resourced.", "crisis_response"),
    ("Advocacy is not fully embedded in reviews.", "advocacy"),
    ("Pooled budgets don't always cover the whole package.", "pooled_budgets"),
    # the word of degree after a verb of having measures what is had: a gap in it
    ("We do not have enough advocacy for people in hospital.", "advocacy"),
    ("The crisis team hasn't got sufficient staff to cover nights.", "crisis_response"),
    ("The council does not currently have adequate supported housing.", "housing"),
    # a clause of doing after what is measured describes a gap in the theme it names
    ("There is not enough capacity to provide crisis support at weekends.", "crisis_response"),
    # a word that grades the degree word, "never" for "not", "having" for "have"
    ("We don't have nearly enough advocacy for people placed away.", "advocacy"),
    ("There is not quite enough supported housing.", "housing"),
    ("We have never had enough crisis beds.", "crisis_response"),
    ("There is never enough crisis capacity at weekends.", "crisis_response"),
    ("Not having enough advocates is our main gap.", "advocacy"),
    # trouble that the gap brings about, or that meeting it would avoid, is its result: still a gap
    ("There are not enough advocates to avoid delays.", "advocacy"),
    ("We do not have enough supported housing, leading to delays in discharge.", "housing"),
    ("There are not always enough advocates, resulting in delays.", "advocacy"),
    ("There is not always enough crisis capacity and this causes problems.", "crisis_response"),
    # "not as ... as" compares (session 44)
    ("Advocacy is not as well resourced as it should be.", "advocacy"),
    ("There is not as much supported housing as we need.", "housing"),
])
@pytest.mark.parametrize("learned", [False, True])
def test_themes_a_partial_gap_is_not_a_denial(nlp, nlp_lexicon_only, text, theme, learned):
    """"not" before a word of degree or frequency ("not enough", "not always", "not all") says
    where the theme falls short: it describes the theme, a gap in it, and does not deny it."""
    s = one(nlp if learned else nlp_lexicon_only, text)[theme]
    assert not s.negated and not any(m.negated for m in s.mentions)


@pytest.mark.parametrize("text, theme", [
    ("Ordinary residence is not an issue.", "ordinary_residence"),
    ("We have no crisis service.", "crisis_response"),
    ("Advocacy is not commissioned.", "advocacy"),
    # "not routinely" is read as a denial as often as a gap: kept a denial, as before
    ("Advocacy is not routinely commissioned for them.", "advocacy"),
    # a word of degree before trouble denies the trouble, and with it the theme
    ("CHC is not always an issue for us.", "chc"),
    ("There is not enough evidence that ordinary residence is a problem here.", "ordinary_residence"),
    ("Ordinary residence is not particularly an issue.", "ordinary_residence"),
    ("Ordinary residence is not very much of a problem here.", "ordinary_residence"),
    # "very", "quite", "particularly" take their sense from the next word: "not very often" is "rarely"
    ("Advocacy is not very often commissioned.", "advocacy"),
    # "like" after a noun is no liking: the quantifier still denies
    ("No one with needs like these has an independent advocate.", "advocacy"),
    # having denied outright, or trouble after the degree word, is still a denial
    ("We do not have a crisis team.", "crisis_response"),
    ("We do not have any pooled budgets.", "pooled_budgets"),
    ("We do not have enough evidence that ordinary residence is a problem here.", "ordinary_residence"),
    # the degree word measures something else, which would justify or set up the theme: it is not there
    ("We do not have sufficient numbers to justify a pooled budget.", "pooled_budgets"),
    ("We don't have enough referrals to need a crisis team.", "crisis_response"),
    ("There are not enough referrals to need a crisis team.", "crisis_response"),
    ("We have not had enough time to set up pooled budgets.", "pooled_budgets"),
    ("We do not have enough demand to commission a crisis house.", "crisis_response"),
    ("We have never had a pooled budget.", "pooled_budgets"),
    ("Not having a crisis team has meant more admissions.", "crisis_response"),
    ("Advocacy is not really an issue here.", "advocacy"),
    # after the mention's own verb, "no" before a word of relevance or part denies the theme
    ("DoLS have no bearing on their care.", "mental_capacity"),
    ("Ordinary residence has played no part in any of these moves.", "ordinary_residence"),
    ("Advocacy has no role in the current arrangements.", "advocacy"),
    ("Continuing health care is of no relevance to this group.", "chc"),
    ("Ordinary residence has no real bearing on these placements.", "ordinary_residence"),
    ("Ordinary residence is irrelevant to these placements.", "ordinary_residence"),
    # "never" after the mention denies as "not" does
    ("Ordinary residence has never been an issue.", "ordinary_residence"),
    # "do not" before a verb of being there or arising, or before trouble, still denies
    ("Ordinary residence does not arise for this group.", "ordinary_residence"),
    ("DoLS does not apply in supported living.", "mental_capacity"),
    ("CHC does not cause any difficulties for us.", "chc"),
    ("Advocacy does not exist for children in the county.", "advocacy"),
    # ... also after "seem to", an adverb, or before a verb of bearing on things; a verb of running
    # where the mention is no definite thing (a second independent review found these)
    ("Ordinary residence does not seem to apply.", "ordinary_residence"),
    ("Ordinary residence does not typically arise.", "ordinary_residence"),
    ("Ordinary residence does not come into it.", "ordinary_residence"),
    ("Specialised commissioning does not play a part in our local arrangements.", "specialist_commissioning"),
    ("Ordinary residence does not have any bearing on these cases.", "ordinary_residence"),
    ("CHC does not hold up discharges.", "chc"),
    ("Pooled budgets do not operate in this area.", "pooled_budgets"),
    ("A crisis team doesn't operate locally.", "crisis_response"),
    ("Advocacy does not get commissioned.", "advocacy"),
    ("Crisis provision has not been set up.", "crisis_response"),
    ("Crisis provision is not an issue for us.", "crisis_response"),
    # a head noun after the term ("provision", "beds") is read through to a negation of its being there
    ("Crisis provision is not yet in place.", "crisis_response"),
    ("Crisis provision does not exist in the county.", "crisis_response"),
    ("Advocacy support is not commissioned for children.", "advocacy"),
    # a need denied denies what is needed, past the preposition
    ("There has been no need for advocacy.", "advocacy"),
    ("There is no requirement for a pooled budget at present.", "pooled_budgets"),
    ("We have had no further need of a crisis bed.", "crisis_response"),
    # "no longer" and a denying word after the mention's verb
    # "without" with no counterfactual after it denies
    ("Without a crisis team, we rely on A&E.", "crisis_response"),
    # a loss word after the mention is not what is denied
    ("There is no advocacy service to lose.", "advocacy"),
    # found by an independent review of the session-41 readings: still denials
    ("We have had no issues when dealing with ordinary residence.", "ordinary_residence"),
    ("There have been no disputes since 2011 with neighbouring authorities over CHC.", "chc"),
    ("People are placed out of area without advocacy and we would like to change this.", "advocacy"),
    ("We would struggle to develop local services without a pooled budget, which we do not have.", "pooled_budgets"),
    ("There is no crisis house and people stay on the ward until a placement is found.", "crisis_response"),
    ("Those with no family are without an independent advocate.", "advocacy"),
    ("We cannot report progress given the lack of a pooled budget.", "pooled_budgets"),
    ("There is no agreement to reduce costs through a pooled budget.", "pooled_budgets"),
    ("CHC is not always a cause of delay in discharge.", "chc"),
    ("There is not enough evidence that OR causes problems for our residents.", "ordinary_residence"),
    ("There is no support available when people are in crisis at weekends.", "crisis_response"),
    ("We have not yet, since the restructure, recommissioned advocacy.", "advocacy"),
    # found by a second review: a refusal that is another clause's or a noun's, a word of time that
    # is an adverb or a preposition or inside a negated subject, "until" after an infinitive or
    # "where", a change toward the theme, "would have" and a thing had, "not always" before a result
    ("We do not currently have a section 75 agreement in place as the CCG declined to enter into one.",
     "pooled_budgets"),
    ("There is no specialist housing for people excluded from mainstream provision.", "housing"),
    ("There are no out of area placements now that numbers have declined.", "out_of_area"),
    ("We have not since commissioned an advocacy service.", "advocacy"),
    ("We have never before had a crisis team.", "crisis_response"),
    ("There is no after hours crisis support for families.", "crisis_response"),
    ("No one discharged after assessment has been placed out of area.", "out_of_area"),
    ("No-one transferred since April has required CHC.", "chc"),
    ("There is no crisis house where people can stay until things settle.", "crisis_response"),
    ("There is no crisis bed to use until a placement is found.", "crisis_response"),
    ("There are no plans to change to a pooled budget.", "pooled_budgets"),
    ("Without a crisis team, people would have nowhere to go but A&E.", "crisis_response"),
    ("Ordinary residence has not always caused problems for us.", "ordinary_residence"),
    # a refusal in another clause is not what is denied
    ("We have no crisis team and referrals are declined by A&E.", "crisis_response"),
    ("No one is eligible for CHC.", "chc"),
    ("There are no more crisis beds.", "crisis_response"),
    # ... but not past a clause break
    ("We have no crisis team; until one is funded we rely on A&E.", "crisis_response"),
    ("Advocacy has not been commissioned at all, and cannot be until April.", "advocacy"),
    ("We have no pooled budget, which has closed off options.", "pooled_budgets"),
])
def test_themes_a_denial_beside_the_partial_ones_still_denies(nlp_lexicon_only, text, theme):
    assert one(nlp_lexicon_only, text)[theme].negated


@pytest.mark.parametrize("text, theme", [
    # "no impact" or "no effect" says what the theme did, not that it is absent
    ("The crisis team has had no impact on admissions this year.", "crisis_response"),
    ("CHC has had no effect on the placements.", "chc"),
    # "no small part" is a part
    ("Advocacy plays no small part in our success.", "advocacy"),
    # a head noun after the term: a negation of anything but its being there speaks of something
    # there (an independent review found these)
    ("Crisis provision is not the responsibility of the council.", "crisis_response"),
    ("Advocacy provision has not been reviewed since 2011.", "advocacy"),
    ("Housing options were not considered for two of the individuals.", "housing"),
    ("Crisis provision is not available at weekends.", "crisis_response"),
    ("Supported living schemes have not been evaluated.", "housing"),
    # "do not" after the mention denies what it does, which is there to do it
    ("Providers do not report restraint to us.", "market_providers"),
    ("The crisis team does not currently operate at weekends.", "crisis_response"),
    ("The advocacy service doesn't cover people placed out of area.", "advocacy"),
    ("The pooled budget did not fund any placements last year.", "pooled_budgets"),
    ("The crisis team did not admit anyone last month.", "crisis_response"),
    # ... or reports no trouble, or falls short (a second independent review found these)
    ("Providers did not raise any issues about the new framework.", "market_providers"),
    ("CQC did not find any problems at the unit.", "safeguarding"),
    ("The crisis team does not operate at weekends.", "crisis_response"),
    ("Advocacy does not operate consistently across the county.", "advocacy"),
    ("Ordinary residence does not often arise.", "ordinary_residence"),
    # "never" before a comparison praises
    ("Housing has never been more important.", "housing"),
    ("The crisis team has never been busier.", "crisis_response"),
    ("Advocacy has never been so well used.", "advocacy"),
    # a need denied reaches only the short phrase after it, not a clause beyond
    ("There was no need for admission because of the crisis team.", "crisis_response"),
    ("No need for hospital admission thanks to the crisis service.", "crisis_response"),
    # found by an independent review: "never" denies trouble only; a move or a part-time gap is no
    # denial; a need for the theme to act is no need for the theme
    ("The crisis team has never missed its four hour response target.", "crisis_response"),
    ("CHC has never been refused for anyone in this cohort.", "chc"),
    ("The crisis service has never been adequately funded.", "crisis_response"),
    ("The crisis team is no longer based at the hospital.", "crisis_response"),
    ("Crisis beds are unavailable at weekends.", "crisis_response"),
    ("There has been no need for the crisis team to be called out this year.", "crisis_response"),
    ("The crisis team has no place to take people at night other than A&E.", "crisis_response"),
    # found by a second review: a need met, or the theme only describing what is not needed; "never"
    # before a limit; a change (the noun) denied; a past counterfactual
    ("There is no unmet need for advocacy.", "advocacy"),
    ("There has been no need for crisis team involvement this year.", "crisis_response"),
    ("There is no need for referral to the crisis team in most cases.", "crisis_response"),
    ("There is no need for more supported housing than we already have.", "housing"),
    ("The crisis team has never been available at weekends.", "crisis_response"),
    ("Advocacy has never been provided in-house.", "advocacy"),
    ("There has been no change to the section 75 agreement.", "pooled_budgets"),
    ("Without CHC funding, the placement would have broken down.", "chc"),
    ("There is no advocacy available to people until they are in hospital.", "advocacy"),
    # a refusal denied affirms
    ("No one in need of crisis support has been turned away.", "crisis_response"),
    ("Nobody has been refused CHC.", "chc"),
    ("No referrals to the advocacy service were declined.", "advocacy"),
    ("We have not refused any requests for CHC funding.", "chc"),
    # a clause of time or cause between the negation and the mention: the mention is outside it
    ("No one has been admitted since the crisis service started.", "crisis_response"),
    ("No one was placed out of area before the housing strategy was agreed.", "housing"),
    ("The package cannot be costed until the CHC assessment is done.", "chc"),
    ("We do not report incidents unless advocacy is involved.", "advocacy"),
    # "without" before a counterfactual affirms
    ("Without the crisis team, admissions would have doubled.", "crisis_response"),
    ("Nobody has been admitted, thanks to the crisis team.", "crisis_response"),
    # a loss or a change denied affirms what would have been lost
    ("There has been no reduction in the advocacy contract.", "advocacy"),
    ("There have been no cuts to the pooled budget.", "pooled_budgets"),
    ("We have not reduced crisis capacity.", "crisis_response"),
    ("The pooled budget has not changed since 2012.", "pooled_budgets"),
    ("Advocacy has not been cut during the restructure.", "advocacy"),
    # a negating word denied: a double negation
    ("There is no shortage of supported housing locally.", "housing"),
    ("There is no lack of independent advocacy here.", "advocacy"),
    ("We would not have managed without the pooled budget.", "pooled_budgets"),
    ("None of this would have been possible without advocacy.", "advocacy"),
    # set phrases that deny nothing, and a question left open
    ("We will review whether or not CHC applies in each case.", "chc"),
    ("Not to mention the pooled budget, which has worked well.", "pooled_budgets"),
    ("No fewer than 12 people are in out of area placements.", "out_of_area"),
    ("Not more than three people are placed out of area.", "out_of_area"),
    ("No matter which council is responsible under ordinary residence rules, the person is supported.",
     "ordinary_residence"),
    ("We could not say whether CHC applies.", "chc"),
    ("We do not know if the pooled budget will continue.", "pooled_budgets"),
    # "not ... until" puts a thing off
    ("The housing will not be ready until March.", "housing"),
    ("We will not commit to a pooled budget until the review reports.", "pooled_budgets"),
    ("There was no pooled budget until the section 75 agreement was signed in 2013.", "pooled_budgets"),
])
def test_themes_what_only_looks_like_a_denial_is_not_one(nlp_lexicon_only, text, theme):
    assert not one(nlp_lexicon_only, text)[theme].negated


@pytest.mark.parametrize("text, denied, not_denied", [
    # "has not" and a past participle reads as "does not" and the verb: it denies what the thing does ...
    ("The crisis team has not admitted anyone since April.", None, "crisis_response"),
    ("Providers have not raised any concerns about restraint.", None, "market_providers"),
    ("The Health and Wellbeing Board hasn't considered the plan yet.", None, "governance_partnership"),
    ("The pooled budget has not covered housing costs.", None, "pooled_budgets"),
    # ... unless the verb is of being there, arising or bearing on things
    ("Ordinary residence has not arisen as an issue.", "ordinary_residence", None),
    ("CHC has not caused any delays.", "chc", None),
    ("The crisis service has not started yet.", "crisis_response", None),
    ("Pooled budgets have not worked in this area.", "pooled_budgets", None),
    # a word of trouble after the term: its arising or being reported denied denies the theme; what is
    # done about trouble that is there does not
    ("OR disputes have not arisen this year.", "ordinary_residence", None),
    ("Ordinary residence disputes have not occurred.", "ordinary_residence", None),
    ("CHC disputes have not been raised by families.", "chc", None),
    ("Ordinary residence disputes have not been resolved.", None, "ordinary_residence"),
    ("CHC delays have not reduced.", None, "chc"),
    # a term that ends in a head noun is read as one followed by it: only its being there is denied
    ("The crisis team is not the council's responsibility.", None, "crisis_response"),
    ("The community team is not involved in reviews.", None, "community_teams"),
    ("The advocacy service has not been reviewed this year.", None, "advocacy"),
    ("The crisis team is not in place yet.", "crisis_response", None),
    ("The crisis team has not been set up.", "crisis_response", None),
    ("Crisis provision is not available in the county.", "crisis_response", None),
    ("Crisis provision is not provided locally.", "crisis_response", None),
    ("A crisis pathway has not been agreed.", "crisis_response", None),
    # a mention in the subject's relative clause, or in a phrase after its noun, is denied only with
    # the subject's being there (or, after a noun of trouble, its arising)
    ("People who are placed out of area are not visited often.", None, "out_of_area"),
    ("Those who are eligible for CHC are not always assessed quickly.", None, "chc"),
    ("Services which would offer crisis support are not available.", "crisis_response", None),
    ("The equivalent work for people with challenging behaviour has not been costed.", None,
     "positive_behaviour_support"),
    ("Support for families has not been organised beyond the review meetings.", None, "family_engagement"),
    ("Support for families has not been agreed between partners.", "family_engagement", None),
    ("Disputes about ordinary residence have not arisen.", "ordinary_residence", None),
    # a negation limited to some hours or days is a gap
    ("The crisis service is not in place at weekends.", None, "crisis_response"),
    ("Crisis provision is not available out of hours.", None, "crisis_response"),
    ("The crisis service is not in place.", "crisis_response", None),
    # more openers of a fronted clause: a phrase of cases, an inverted "should"
    ("In cases where this is not possible, advocacy is arranged by the provider.", None, "advocacy"),
    ("In cases where there is no advocate, the review is postponed.", "advocacy", "reviews_care_management"),
    ("Should the CCG not agree, the pooled budget will be reviewed.", None, "pooled_budgets"),
    ("Should there be no crisis bed, people go to A&E.", "crisis_response", None),
    # "there is no one who ..." denies what the clause says; a negative subject's clause does not
    ("There is no one who can provide advocacy in the county.", "advocacy", None),
    ("We have no staff who are trained in positive behaviour support.", "positive_behaviour_support", None),
    ("No one who uses the crisis team has been admitted.", None, "crisis_response"),
    ("There is no dispute about who pays for CHC.", None, "chc"),
    # "no" in a fronted clause without its comma: the mention before an auxiliary is the main clause's
    ("If no advocate is appointed the review will be postponed.", "advocacy", "reviews_care_management"),
    ("If no crisis bed is free the crisis team will visit at home.", None, "crisis_response"),
    # found by an independent review: more ways of saying a thing is not there ...
    ("The crisis team is not up and running.", "crisis_response", None),
    ("The crisis team has not been signed off.", "crisis_response", None),
    ("The crisis house has not opened yet.", "crisis_response", None),
    ("The crisis service has not gone live.", "crisis_response", None),
    ("Ordinary residence has not cropped up at all.", "ordinary_residence", None),
    ("The crisis team hasn't got off the ground.", "crisis_response", None),
    ("Crisis team - not in place.", "crisis_response", None),
    ("Crisis team: not yet.", "crisis_response", None),
    ("Crisis beds are not available day or night.", "crisis_response", None),
    # ... through a noun that backs the theme, and "not have anyone who", and past an adverb
    ("Funding for crisis beds has not been identified.", "crisis_response", None),
    ("The bid for a crisis house was not successful.", "crisis_response", None),
    ("We do not have anyone who can provide advocacy.", "advocacy", None),
    ("There are currently no providers in the area who can offer PBS.", "positive_behaviour_support", None),
    # ... and what is no denial: a verb of taking part, a limit by whom, how soon or how long, a noun of
    # one of its aspects, trouble or a refusal denied in the relative clause, action on trouble that is
    # there, hours before the mention, an opener "In the event that"
    ("The community team is not involved.", None, "community_teams"),
    ("Crisis beds are not commissioned by the council.", None, "crisis_response"),
    ("Crisis beds are not available quickly enough.", None, "crisis_response"),
    ("Funding for the crisis team has not been agreed beyond March.", None, "crisis_response"),
    ("The community team is not commissioned to do this work.", None, "community_teams"),
    ("Clarity about the role of the community team has not been agreed.", None, "community_teams"),
    ("There are no concerns which relate to the crisis team.", None, "crisis_response"),
    ("There are no families who have refused advocacy.", None, "advocacy"),
    ("There is no service which offers crisis support at weekends.", None, "crisis_response"),
    ("CHC disputes have not been escalated to NHS England yet.", None, "chc"),
    ("OR disputes have not been any easier to resolve.", None, "ordinary_residence"),
    ("At weekends the crisis team is not available.", None, "crisis_response"),
    ("The crisis service is not available after 5pm.", None, "crisis_response"),
    ("Section 75 arrangements have not been reviewed.", None, "pooled_budgets"),
    ("Transition planning has not happened in a timely way.", None, "transition"),
    ("In the event that the CCG does not agree, the pooled budget will end.", None, "pooled_budgets"),
    ("People that are placed out of area are not visited often.", None, "out_of_area"),
    ("People placed out of area have not been visited this year.", None, "out_of_area"),
    ("Those funded by CHC have not been reviewed.", None, "chc"),
    ("The crisis team is not concerned with people who have a learning disability.", None, "crisis_response"),
])
def test_themes_what_a_negation_after_the_subject_denies(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("text,denied,not_denied", [
    # a cause ends a negation's reach, even after trouble denied; a time word or a question does not
    ("This is not a problem because the crisis team is in place.", None, "crisis_response"),
    ("There were no problems thanks to the crisis team.", None, "crisis_response"),
    ("No issues unless the CHC assessment is delayed.", None, "chc"),
    ("There are no OR issues because the protocol works well.", "ordinary_residence", "registers_information"),
    ("There are no disputes about whether he is ordinarily resident.", "ordinary_residence", None),
    ("There have been no disputes since 2011 with neighbouring authorities over CHC.", "chc", None),
    # "as" before a subject and its verb opens a clause of cause; "such as", "as well as" do not
    ("Should not be an issue as the crisis team is in place.", None, "crisis_response"),
    ("We have no concerns as the advocacy service is well established.", None, "advocacy"),
    ("No services such as the crisis team are available.", "crisis_response", None),
    ("There is no advocacy as well as no crisis team.", "crisis_response", None),
    ("No issues as families are involved from the start.", None, "family_engagement"),
    ("No concerns as long as the crisis team is funded.", None, "crisis_response"),
    ("There have been no problems so the crisis team has been stood down.", None, "crisis_response"),
    ("We have no pooled budget, so CHC packages are funded separately.", "pooled_budgets", "chc"),
    # ... but not an aside ("as we understand it", "as it stands"), a role, "so far" or "so that"
    ("There are no concerns as we understand it about ordinary residence.", "ordinary_residence", None),
    ("There are no issues as it stands with ordinary residence.", "ordinary_residence", None),
    ("There is nobody in post as the crisis lead that we would need.", "crisis_response", None),
    ("There is no crisis team so far.", "crisis_response", None),
    # "as yet" goes on to the negation before it, as "not yet" does
    ("There are no issues as yet with ordinary residence.", "ordinary_residence", None),
    ("We have no concerns as yet about the crisis service.", "crisis_response", None),
    ("The crisis team is not as yet in place.", "crisis_response", None),
    # the agent of a passive that reports or decides is not denied; a means is
    ("CHC disputes have not been raised by families.", "chc", "family_engagement"),
    ("Concerns have not been raised by providers.", None, "market_providers"),
    ("The plan has not been agreed by the Health and Wellbeing Board.", None, "governance_partnership"),
    ("The plan was not signed off by the partnership board.", None, "governance_partnership"),
    ("There have been no concerns raised by providers about CHC.", "chc", "market_providers"),
    ("The strategy was not discussed by the partnership board.", None, "governance_partnership"),
    ("No DoLS applications have been made by providers.", "mental_capacity", "market_providers"),
    ("The placement was not funded or approved by CHC.", "chc", None),
    ("The placement is not funded by CHC.", "chc", None),
    ("These costs are not covered by the pooled budget.", "pooled_budgets", None),
    ("Support is provided by the GP, not by the crisis team.", "crisis_response", None),
])
def test_themes_a_cause_or_an_agent_is_not_what_a_negation_denies(nlp_lexicon_only, text, denied, not_denied):
    """Session 44: a clause of cause after a negation ("because", "thanks to", "unless", "as" before a
    subject and its verb) and the agent of a passive verb that reports or decides are outside what
    the negation denies; trouble denied still reaches past a time word or "whether"."""
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("text,denied,not_denied", [
    # an abbreviation whose long form in the lexicon ends in a head noun is read as that long form
    ("The CLDT has not been reviewed.", None, "community_teams"),
    ("The CLDT is not the lead agency.", None, "community_teams"),
    ("The CLDT is not in place.", "community_teams", None),
    ("We do not have a CLDT.", "community_teams", None),
])
def test_themes_an_abbreviation_of_a_headed_term_is_read_as_it(nlp_lexicon_only, text, denied, not_denied):
    """Session 44: "the CLDT" is "the community learning disability team": only its being there is
    denied, as for the written term."""
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("second, denied", [("The IST has not been reviewed this year.", False),
                                            ("The IST is not yet in place.", True)])
def test_themes_a_local_abbreviation_of_a_headed_long_form_is_read_as_it(nlp_lexicon_only, second, denied):
    """A text's own abbreviation whose long form ends in a head noun ("Intensive Support Team") is
    read as that long form: the IST's being there may be denied, its review not."""
    text = "We have an Intensive Support Team (IST). " + second
    s = one(nlp_lexicon_only, text)["crisis_response"]
    later = [m for m in s.mentions if m.start_char >= len("We have an Intensive Support Team (IST). ")]
    assert later and all(m.negated == denied for m in later)


def test_themes_named_heads_come_from_the_lexicons_long_forms():
    """The abbreviations read as headed are those whose letters spell a term of their theme with a
    head noun: not one whose long form's head is another noun ("DST": decision support tool)."""
    from wvtext.themes.components import _named_heads
    from wvtext.themes.lexicon import load_lexicon

    named = _named_heads(load_lexicon().terms)
    assert {"CLDT", "SLA"} <= named and "DST" not in named and "CHC" not in named


@pytest.mark.parametrize("text,denied,not_denied", [
    # a sentence that opens with its topic and then denies trouble about it denies the topic
    ("Regarding ordinary residence, there are no disputes because we follow the guidance.", "ordinary_residence", None),
    ("As regards CHC, there is no dispute.", "chc", None),
    ("In relation to CHC, we have not had any disputes this year.", "chc", None),
    ("In terms of advocacy, we have no concerns.", "advocacy", None),
    ("Concerning safeguarding, nil.", "safeguarding", None),
    ("Regarding advocacy and the crisis team, there are no issues.", "crisis_response", None),
    ("In relation to crisis response, we are not aware of any issues.", "crisis_response", None),
    ("With regard to advocacy, nothing to report.", "advocacy", None),
    # ... or that the topic is not there, through a pronoun or a word for it
    ("With regard to the section 75 agreement, it is not yet in place.", "pooled_budgets", None),
    ("As for personal budgets, they are not available.", "personalisation", None),
    ("Regarding section 75, we do not have one.", "pooled_budgets", None),
    ("Regarding section 75, there is no agreement in place.", "pooled_budgets", None),
    ("In relation to the crisis team, it is not available at weekends.", None, "crisis_response"),
    ("In relation to the crisis team, it is not the council's responsibility.", None, "crisis_response"),
    ("Regarding advocacy, it has not been reviewed this year.", None, "advocacy"),
    # ... not what is not trouble, nor a clause after the topic's own
    ("In relation to the crisis team, there is no funding yet.", None, "crisis_response"),
    ("Regarding the crisis team, there is no doubt it has reduced admissions.", None, "crisis_response"),
    ("Regarding advocacy, the service is not in place, but there are no concerns.", None, "advocacy"),
    ("In relation to CHC, there is no risk to the council because the CCG pays.", None, "chc"),
    # ... nor a part, a contrast, another clause, or "none" and "nothing" as a clause's subject (an
    # independent review found these)
    ("With regard to CHC, there are not many disputes.", None, "chc"),
    ("Regarding housing, it is not a problem of supply but of suitability.", None, "housing"),
    ("Regarding OR, there have been no new disputes, although a historic case remains unresolved.", None,
     "ordinary_residence"),
    ("In relation to safeguarding, there are no issues, the Safeguarding Adults Board has approved the framework.",
     None, "safeguarding"),
    ("With regard to the JSNA, nothing has been updated since 2012.", None, "needs_assessment"),
    ("Regarding supported living, none of the tenants wishes to move.", None, "housing"),
    # "because of" lets denied trouble reach on, as its object may be the trouble's source
    ("There have been no delays because of CHC.", "chc", None),
])
def test_themes_a_topic_then_trouble_denied_denies_the_topic(nlp_lexicon_only, text, denied, not_denied):
    """Session 44: "Regarding X, there are no issues" denies X, as "there are no X issues" does."""
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


def test_themes_other_before_a_noun_names_no_people(nlp_lexicon_only):
    """"others" is a word for people; its norm, "other", is also the adjective, which names none:
    the mention after "other areas with" is framed as it is after "neighbouring areas with"."""
    got = reads_alike(nlp_lexicon_only, "We learn from other areas with challenging behaviour specialists.",
                      "We learn from neighbouring areas with challenging behaviour specialists.", frames=True)
    assert "positive_behaviour_support" in got


def test_themes_whereas_ends_a_denial(nlp_lexicon_only):
    """A cue word the norm changes ("whereas" is read "wherea") is still a cue: the denial of the
    crisis beds stops at it and does not reach the advocacy after it."""
    s = one(nlp_lexicon_only, "We have no crisis beds whereas advocacy is well established.")
    assert s["crisis_response"].negated and not s["advocacy"].negated


def test_themes_cue_words_hold_the_norms_they_are_compared_with():
    """Every cue word set compared with token norms holds each of its words' norms: a word written
    in it that the norm changes ("always" -> "alway", "whereas" -> "wherea") would never be found."""
    from wvtext import stance
    from wvtext.themes import components, negation_model
    from wvtext.themes.lexicon import normalize_word

    sets = {f"components.{n}": getattr(components, n) for n in (
        "PARTIAL_AFTER_NOT", "TERMINATORS", "_POST_GAP", "_LIKING", "_LIKING_VERBS", "_EXCEPTING", "_CLAUSE_MARKS",
        "_FINITE", "_PERSON_WORDS", "_CLAUSE_WORDS", "NEG_PRE", "NEG_POST", "HEDGES",
        "_NO_BEARING", "_BEARING_GRADE", "_BEARING_VERBS", "_DENYING", "_RESULT_VERBS", "_NEVER_MORE",
        "_COMPARED_VERBS", "_NEED", "_SCOPE_ENDS", "_COUNTERFACTUAL",
        "_UNDONE", "_NEGATING_NOUNS", "_COMPARE_THAN", "_UNTIL", "_MEANS", "_REFUSED", "_AUXILIARIES", "_REASONS",
        "_TIME_AFTER", "_NOUN_NEGATIONS", "_NEED_MET", "_MORE_OF", "_PHRASE_ENDS", "_PREPOSITIONS", "_CHANGE",
        "_QUANTITY", "_TO_WHOM", "_TIME_WORDS", "_FRONTING", "_FRONT_AFTER", "_LIST_JOINS", "_DO",
        "_DO_ADVERBS", "_ABSENT_VERBS", "_HEADS", "_BEARING_ON",
        "_SEEMING", "_RUNNING", "_DEFINITE", "_REPORTING", "_FRONT_VERBS", "_SET_UP", "_LY_VERBS", "_AUX_MODAL",
        "_NOT_SUBJECT", "_THINKING", "_HAS", "_ABSENT_PAST", "_BEARING_PAST", "_RUNNING_PAST", "_REPORTING_PAST",
        "_AVAILABLE", "_RELATIVES", "_THERE_IS", "_COMING_PAST", "_HOURS", "_OF_PREPS", "_CASE_NOUNS", "_CASES",
        "_INVERTED_SUBJECTS", "_IN_BEING", "_TIMELY", "_BACKING", "_BACKED", "_ASPECT", "_REPORTED", "_CAUSES",
        "_AS_NOT_CAUSE", "_CAUSE_NOT_SUBJECT", "_PRONOUNS", "_DECIDING_PAST",
        "_NOTHING", "_NOTHING_AFTER", "_NOT_COMPARED",
        "_TOPIC_PRONOUNS", "_HAVE_IT", "_TOPIC_NOUNS", "_AS_PHRASES",
        "_RESTRICTION_PREPS", "_RESTRICTION_NOUNS", "_NUMBER_WORDS", "_RESTRICTION_WORDS", "_WHO",
        "_YOUNG_WHO", "_POSSESSIVES", "_PARTICIPLE_NEXT", "_VERB_STOPS", "_SUBJECT_DETERMINERS", "_NOT_POSSESSORS",
        "_NOT_MODIFIERS", "_RELEVANT", "_NEEDED", "_DEMONSTRATIVES", "_PHRASE_OPENERS", "_GAP_NOUNS",
        "_LIST_OPENERS", "_LIST_STOPS", "_BY_WHEN", "_MANNER", "_QUALITIES", "_FRONT_PREPS", "_MANNER_STOPS", "_EVERYONE",
        "_FRONT_CLAUSES", "_STILL_THERE", "_SUBJECT_ADVERBS", "_BESIDES", "_TIME_DEICTICS", "_TIME_NOUNS",
        "_AFFECTED", "_BE_FORMS", "_AFFECTED_CAUSES", "_GONE", "_CONTRACTED_VERBS", "_INNER_CLAUSES", "_SUBJECT_HEADS",
        "_CONCESSIVE", "_POST_ADVERBS", "_TAKEN", "_THERE_VERBS",
        "_CLAUSE_VERBS", "_OBJECT_STARTS", "_PLURAL_VERBS", "_LIST_VERBS", "_RELATIVE_PREPS", "_NULL_VALUES", "_NULL_AFTER", "_ASIDE_OPENERS")}
    sets.update({f"negation_model.{n}": getattr(negation_model, n) for n in ("_PARTIAL", "_CONTRAST", "_EXIST")})
    sets.update({f"stance.{n}": getattr(stance, n) for n in (
        "_STATE_ADVERBS", "_NOT_STATE", "_CONTRAST_GAP", "_PEOPLE", "_INVOLVED_WORDS", "_ECHO_STOP",
        "_DENIAL_ADVERBS")})
    # where a norm is another word's, the set leaves it out on purpose, and says so
    collide = {"components._LIKING": {"like", "welcome"}, "components._PERSON_WORDS": {"other"}}
    missing = {name: sorted(w for w in words if normalize_word(w) not in words | collide.get(name, set()))
               for name, words in sets.items()}
    assert not {k: v for k, v in missing.items() if v}


@pytest.mark.parametrize("text", [
    "No one from the area is placed through NHS England specialised commissioning.",
    "No people from the area are placed through NHS England specialised commissioning.",
    "No patients from the borough are placed through NHS England specialised commissioning.",
])
def test_themes_a_quantifier_of_people_is_no_head_a_preposition_stops(nlp, text):
    """"No people from ..." is "nobody from ...": the quantifier denies the clause past the
    preposition, as "No one from ..." does, for every mention (not only the one after the verb)."""
    s = one(nlp, text)["specialist_commissioning"]
    assert len(s.mentions) == 2 and all(m.negated for m in s.mentions)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # A negation of a head noun or a verb does not reach a mention after a preposition ...
        ("There is no dedicated advocacy for young people in transition.", "advocacy", "transition"),
        ("We are not told about inspections of the independent hospitals.", None, "safeguarding"),
        # ... unless it denies trouble about the mention.
        ("There are no issues about ordinary residence.", "ordinary_residence", None),
        ("We have no concerns for Ordinary Residence at present.", "ordinary_residence", None),
        ("No pooled budget for this client group.", "pooled_budgets", None),
    ],
)
def test_themes_negation_stops_at_a_phrase_after_a_preposition(nlp, text, denied, not_denied):
    assert_denial(nlp, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # A negative quantifier as the clause's subject denies all the clause says, however far and
        # past whatever preposition ...
        ("Nobody from the borough is currently placed or funded through NHS England specialised commissioning.",
         "specialist_commissioning", None),
        ("N/A - none of the people on our register were placed by specialised commissioning.",
         "specialist_commissioning", None),
        ("Not applicable, no-one from the area is currently in a placement funded by specialised commissioning.",
         "specialist_commissioning", None),
        # ... but not past a clause break, nor where it is not the subject
        ("None of the cohort is eligible for CHC, so all their care is s117 aftercare.", "chc", "mental_health_act"),
        ("There is nobody to chair it, but the section 75 agreement is signed.", None, "pooled_budgets"),
        # "No one" is a quantifier too, however near a preposition
        ("No one from the area is placed through specialised commissioning.", "specialist_commissioning", None),
        ("\u2022 None of the cohort is placed through specialised commissioning.", "specialist_commissioning", None),
        ("Not one person from the county is currently placed through NHS England specialised commissioning.",
         "specialist_commissioning", None),
        ("Neither of the two CCGs has so far agreed to put money into a pooled budget for this group.",
         "pooled_budgets", None),
        ("No individuals from the borough are currently placed or funded through specialised commissioning.",
         "specialist_commissioning", None),
        ("No young people from the county are placed through specialised commissioning.",
         "specialist_commissioning", None),  # session 45
        # a bare "None" answers the question and denies nothing after it; nor does a quantifier
        # reach into the clause its verb opens (both beyond the eight words a cue before a mention reaches)
        ("Issues with Ordinary Residence - None We are currently working closely with a number of local "
         "providers to develop supported living.", None, "housing"),
        ("Nobody on the partnership board has ever seriously disputed that the pooled budget works.",
         None, "pooled_budgets"),
        # a short aside after the quantifier is read through ...
        ("Nobody, as yet, has been placed through NHS England specialised commissioning.",
         "specialist_commissioning", None),
        ("No one, so far, is funded through continuing healthcare.", "chc", None),
        ("None of the people on our register, so far, have been placed through specialised commissioning.",
         "specialist_commissioning", None),  # after the rest of the subject
        ("Not one person, as yet, has been placed through NHS England specialised commissioning.",
         "specialist_commissioning", None),
        # ... unless it makes an exception, which the clause affirms ...
        ("None of the people on our register, apart from two, have been placed through specialised commissioning.",
         None, "specialist_commissioning"),
        ("Nobody, apart from two people, is placed through specialised commissioning.", None,
         "specialist_commissioning"),
        ("No one, other than one individual, is funded through continuing healthcare.", None, "chc"),
        # ... "no one" before a noun is "no single" and denies nothing ...
        ("No one agency could fund the pooled budget alone.", None, "pooled_budgets"),
        ("No one organisation holds the register of people in hospital.", None, "registers_information"),
        # ... but before a verb, an adverb or a past tense it is "nobody"
        ("No one currently meets the criteria for continuing healthcare.", "chc", None),
        ("No one placed through specialised commissioning is from the county.", "specialist_commissioning", None),
        ("No one came through the crisis team last year.", "crisis_response", None),
        ("No one living in the borough is funded through continuing healthcare.", "chc", None),
        ("No one known to the team is placed through specialised commissioning.", "specialist_commissioning", None),
        ("No one outside the team is funded through continuing healthcare.", "chc", None),
        ("No one eligible for the programme is placed through specialised commissioning.",
         "specialist_commissioning", None),
        # "Trust", "like" and "content" are mostly no liking here
        ("None of the Trust's patients are placed through specialised commissioning.", "specialist_commissioning", None),
        ("None of the people with needs like these are placed through specialised commissioning.",
         "specialist_commissioning", None),
        ("None of the content of the plan relates to advocacy.", "advocacy", None),
        # a quantifier over a liking denies the liking, not what is liked; over a complaint, the trouble
        ("Nobody we have spoken to is happy with the advocacy provision.", None, "advocacy"),
        ("Nobody has raised concerns about ordinary residence.", "ordinary_residence", None),
        ("Nobody is happy with the advocacy provision.", None, "advocacy"),  # within a cue's eight words too
        # ... and over knowledge, the knowledge, not what it is about
        ("Nobody locally has good figures for the people funded through NHS England specialised commissioning.",
         None, "specialist_commissioning"),
        ("No one has information about continuing healthcare eligibility.", None, "chc"),
        # ", and" opens another clause: a negation before it does not reach past it ...
        ("There is no standing forum, and housing providers are brought in early.", None, "housing"),
        # ... unless it ends a list
        ("There are no issues with CHC, advocacy, and ordinary residence.", "ordinary_residence", None),
        # a clause fronted by a word of condition, time, cause or concession holds its negation: the
        # main clause after its comma is not denied ...
        ("If this is not possible, the provider will arrange advocacy.", None, "advocacy"),
        ("Where people do not have capacity, a best interests decision is made.", None, "mental_capacity"),
        ("As there are no inpatients, CHC reviews are carried out in the community.", None, "chc"),
        ("Although there is no formal section 75, CHC packages are jointly funded.", "pooled_budgets", "chc"),
        ("Whilst there is no pooled budget, we have aligned budgets for children.", None, "pooled_budgets"),
        ("Yes, where it is not possible, the provider arranges advocacy.", None, "advocacy"),
        ("When families are not available, the advocacy service is contacted.", None, "advocacy"),
        ("Even if there is no CHC funding, the council pays for a supported living placement.", "chc", "housing"),
        ("If the person is not settled, advocacy and positive behaviour support are offered.", None, "advocacy"),
        ("Where people lack capacity, advocacy is arranged.", None, "advocacy"),
        ("If this is not possible, the provider arranges advocacy and housing.", None, "housing"),
        # ... but a denial inside the fronted clause stands ...
        ("If there is no crisis team, people are admitted to hospital.", "crisis_response", None),
        ("If there are no ordinary residence issues, we close the case.", "ordinary_residence", None),
        # ... and so does a list the fronted clause denies, or a fronted phrase with no verb
        ("If there is no advocacy, housing or CHC, we escalate to the board.", "housing", None),
        ("If there is no advocacy, housing or CHC, we escalate to the board.", "chc", None),
        ("If no advocacy, supported housing or CHC, the case is escalated.", "chc", None),
        # ... however long the list, and with a comma before its "or" (an independent review found these)
        ("If there is no advocacy, housing, CHC or respite, we escalate.", "housing", None),
        ("If there is no advocacy, housing, or CHC, we escalate.", "chc", None),
        ("Where there are no crisis beds, supported housing, or advocacy, people stay in hospital.", "advocacy", None),
        ("As we have no pooled budget, section 75, or aligned fund, CHC is funded case by case.",
         "pooled_budgets", "chc"),
        # without the comma: a subject and an auxiliary after the negation, or the mention as the main
        # clause's subject after the fronted clause's verb, begin the main clause ...
        ("If this is not possible the provider will arrange advocacy.", None, "advocacy"),
        ("Where this is not the case commissioners will work with providers to address it.", None,
         "market_providers"),
        ("When families are not satisfied the advocacy service is contacted.", None, "advocacy"),
        ("If there are no beds the crisis team will step in.", None, "crisis_response"),
        # ... but not the negation's own verb or subject
        ("If we do not have a crisis team we will use A&E.", "crisis_response", None),
        ("If there is no crisis team people are admitted to hospital.", "crisis_response", None),
        ("Not applicable, as no residents are currently placed by specialist commissioners.",
         "specialist_commissioning", None),
        ("If we do not think we can offer a crisis service the person is admitted.", "crisis_response", None),
        ("Where we do not expect we will have supported living available the person stays in hospital.",
         "housing", None),
        # without a word that fronts a clause the comma does not end the reach
        ("There is no advocacy, housing or CHC for this group.", "chc", None),
    ],
)
def test_themes_negation_by_a_quantifier_and_across_clauses(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # What a negative quantifier's definite restriction names is presupposed, not denied: the
        # clause denies what it says of it (session 45) ...
        ("Nobody in the current cohort is subject to Ministry of Justice restrictions.", None, "needs_assessment"),
        ("None of our providers has raised concerns with us.", None, "market_providers"),
        ("Not one of the family carers we spoke to had been offered a carer's assessment.", None,
         "family_engagement"),
        ("None of the people on the register were placed by specialist commissioners.",
         "specialist_commissioning", "registers_information"),
        ("None of the young people in transition has been placed out of area.", "out_of_area", "transition"),
        ("Nobody on the partnership board has ever seriously disputed that the pooled budget works.", None,
         "governance_partnership"),
        # ... with a number in words, an adverb, or a passive participle's agent in the restriction
        ("Neither of the two individuals in the cohort has a personal budget.", "personalisation",
         "needs_assessment"),
        ("None of the 4 people currently on the register is in an NHS bed.", None, "registers_information"),
        ("None of the people supported by the crisis team were admitted to hospital.", None, "crisis_response"),
        ("None of the staff in the crisis team have reported problems with the rota.", None, "crisis_response"),
        # ... or a participle's phrase where the clause's own verb follows the mention
        ("No one in the cohort placed out of area has been visited this year.", None, "out_of_area"),
        ("None of those receiving CHC funding has been discharged.", None, "chc"),
        # ... not a mention after a verb, or after the restriction's noun where a participle goes on
        ("None of the 19 receives NHS Continuing Healthcare.", "chc", None),
        ("No one in this cohort is placed out of area.", "out_of_area", None),
        ("We have no one in this cohort placed outside the borough.", "out_of_area", None),
        ("No one placed through specialised commissioning is from the county.", "specialist_commissioning", None),
        ("None of the people placed out of area receive CHC.", "chc", None),
        ("No young people in the current cohort are placed out of area.", "out_of_area", "needs_assessment"),
        ("No young adults on the register have a personal budget.", "personalisation", "registers_information"),
        # an independent review of the first versions found these read as restrictions: a verb in the
        # past, a participle with no verb after it, another clause, an object or existential quantifier,
        # "none" before its verb, "ours"/"theirs" (whose norms are "our"/"their")
        ("None of the residents received CHC funding last year and this will be reviewed.", "chc", None),
        ("None of the young people accessed the crisis team when they were in crisis.", "crisis_response", None),
        ("None of our cohort placed by specialist commissioners.", "specialist_commissioning", None),
        ("We have no one in the cohort placed out of area and we will keep it that way.", "out_of_area", None),
        ("There are no people in our cohort with CHC funding.", "chc", None),
        ("None have the personal budget they were promised.", "personalisation", None),
        ("None of ours in supported housing.", "housing", None),
        ("None of the people who we have placed out of area have had a review.", "reviews_care_management",
         "out_of_area"),
        ("Nobody who lives here and has a personal budget has been reviewed.", "reviews_care_management",
         "personalisation"),
        # the main clause after a relative clause on the quantifier's subject is still denied; what the
        # relative clause says is not
        ("None of the people who live in the borough have had a review.", "reviews_care_management", None),
        ("Nobody who lives in the county is funded by CHC.", "chc", None),
        ("None of the people who were reviewed have a crisis plan.", "crisis_response", None),
        ("None of the people who use advocacy services have complained.", None, "advocacy"),
        ("None of the people who have had support from the crisis team were admitted.", None, "crisis_response"),
        ("None of the people who are placed out of area have a named care coordinator.", None, "out_of_area"),
    ],
)
def test_themes_a_quantifiers_definite_restriction_is_not_denied(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a negative quantifier's clause that goes on, after its verb, to "without" is a double
        # negation: it affirms what it names (session 45) ...
        ("Nobody is without an advocate.", None, "advocacy"),
        ("No one needing advocacy has gone without it.", None, "advocacy"),
        ("Nobody has been placed out of area without a review.", None, "out_of_area"),
        ("No one in an out of area placement is without a named care coordinator.", None, "out_of_area"),
        # ... not "without" in the subject, nor in another quantifier's clause
        ("No one without capacity has been placed out of area.", "out_of_area", None),
        ("Nobody is placed out of area and nobody is without an advocate.", "out_of_area", "advocacy"),
        ("No one has CHC funding and families are left without support.", "chc", None),
        ("Nobody is currently in receipt of CHC and they are without an advocate.", "advocacy", None),
        ("No one without capacity is without an advocate.", None, "advocacy"),
    ],
)
def test_themes_a_quantifier_then_without_is_a_double_negation(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a definite subject (a determiner or a possessive) names something that is there: a negation
        # after it denies only its being there, its arising or its bearing (session 46) ...
        ("The register has not yet been cross-checked against health records.", None, "registers_information"),
        ("Our register is not complete.", None, "registers_information"),
        ("The council's register has not been updated since March.", None, "registers_information"),
        ("The pooled budget is not ring-fenced.", None, "pooled_budgets"),
        ("The market position statement has not been refreshed.", None, "market_providers"),
        ("The JSNA has not been refreshed since 2010.", None, "needs_assessment"),
        ("The CHC process is not working well.", None, "chc"),
        ("Our workforce plan is not a priority at present.", None, "workforce"),
        ("The pooled budget is not used for this group.", None, "pooled_budgets"),
        ("It includes escalation to chief officers where the joint funding panel cannot agree.", None,
         "pooled_budgets"),
        ("Our crisis team is not required to attend.", None, "crisis_response"),
        # ... and still denies its being there, its bearing, or trouble with it
        ("The register has not been set up.", "registers_information", None),
        ("Our register is not yet in place.", "registers_information", None),
        ("The market position statement has not been published.", "market_providers", None),
        ("The transition protocol is not in use.", "transition", None),
        ("The Mental Capacity Act is not relevant to this group.", "mental_capacity", None),
        ("The pooled budget is not applicable to this group.", "pooled_budgets", None),
        ("The crisis team is not needed for this cohort.", "crisis_response", None),
        ("Crisis provision is not needed.", "crisis_response", None),
        ("The MCA isn't an issue here.", "mental_capacity", None),
        ("The OR issue has not arisen.", "ordinary_residence", None),
        ("The pooled budget does not exist yet.", "pooled_budgets", None),
        # ... an indefinite or bare subject is read as before
        ("Pooled budgets are not used.", "pooled_budgets", None),
        ("A register has not been developed yet.", "registers_information", None),
        ("Advocacy is not commissioned for children.", "advocacy", None),
        # an independent review found these: a determiner of another phrase, a pronoun, a determiner
        # further back, words of setting up, a relevance limited or reached through another noun
        ("At the moment pooled budgets are not used.", "pooled_budgets", None),
        ("This means pooled budgets are not used.", "pooled_budgets", None),
        ("Following the review registers have not been kept.", "registers_information", None),
        ("At the moment the register is not complete.", None, "registers_information"),
        ("We know that our local register is not complete.", None, "registers_information"),
        ("The local learning disability register has not been cross-checked.", None, "registers_information"),
        ("The 2013/14 pooled budget has not been fully spent.", None, "pooled_budgets"),
        ("The register has not been compiled.", "registers_information", None),
        ("The Health and Wellbeing Board has not been convened.", "governance_partnership", None),
        ("The pooled budget has not been put together.", "pooled_budgets", None),
        ("Our crisis team is not needed as often since the new pathway began.", None, "crisis_response"),
        ("The crisis team is not needed in every case.", None, "crisis_response"),
        ("Funding for the crisis team is not needed as the CCG already pays for it.", None, "crisis_response"),
        ("The MCA is not irrelevant here.", None, "mental_capacity"),
        # "no longer" after the mention's auxiliary reads as "not"; "never" denies its being set up
        ("The pooled budget is no longer in place.", "pooled_budgets", None),
        ("OR is no longer an issue.", "ordinary_residence", None),
        ("The crisis team is no longer involved.", None, "crisis_response"),
        ("The crisis service is no longer available at weekends.", None, "crisis_response"),
        ("Pooled budgets no longer cover the costs of housing.", None, "pooled_budgets"),
        ("Crisis response is no longer than four hours.", None, "crisis_response"),
        ("The register was never set up.", "registers_information", None),
        ("A crisis team was never established.", "crisis_response", None),
        ("Advocacy has never been provided in-house.", None, "advocacy"),
    ],
)
def test_themes_a_definite_subject_is_denied_only_in_its_being_there(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a coordinated subject shares its verb's negation: each item is denied as the last one is, read
        # by what each item is (session 46) ...
        ("The register, the pooled budget and the crisis team are not in place.", "registers_information", None),
        ("The register, the pooled budget and the crisis team are not in place.", "pooled_budgets", None),
        ("Pooled budgets and s75 agreements are not in place.", "pooled_budgets", None),
        ("Ordinary residence, CHC and s117 are not issues for us.", "ordinary_residence", None),
        ("Ordinary residence, CHC and s117 are not issues for us.", "chc", None),
        ("OR and CHC are not an issue.", "ordinary_residence", None),
        ("The register and the crisis team are not complete.", None, "registers_information"),
        # ... not where the mention is not in the subject, or a verb, pronoun or relative word stands
        # before the negation's verb
        ("We reviewed the register and the crisis team is not in place.", "crisis_response",
         "registers_information"),
        ("The register is kept by the council and health are not involved.", None, "registers_information"),
        ("The register and data we hold are not shared.", None, "registers_information"),
        ("Advocacy for people going through assessment, care planning and review has not yet been agreed.",
         None, "reviews_care_management"),
        # "yet to" or "still to" before its being set up denies a thing with no negation word
        ("The pooled budget has yet to be set up.", "pooled_budgets", None),
        ("The market position statement is yet to be published.", "market_providers", None),
        ("The crisis team is still to be commissioned.", "crisis_response", None),
        ("The crisis service is yet to go live.", "crisis_response", None),
        ("The register has yet to be cross-checked.", None, "registers_information"),
        ("The advocacy contract is yet to be commissioned by the CCG.", None, "advocacy"),
        # a second independent review found these: an item with "a" or ending in "-ing", a verb before a
        # determiner, a later clause's verb, quantifiers and other prepositions, "yet to" reached through
        # another noun or with no verb before it, "by" before a time
        ("A register and a pooled budget are not in place.", "registers_information", None),
        ("The register, the pooled budget and training are not in place.", "registers_information", None),
        ("The learning disability register and the pooled budget are not in place.", "registers_information", None),
        ("But the register and the pooled budget are not in place.", "registers_information", None),
        ("The council manages the register and the crisis team is not in place.", "crisis_response",
         "registers_information"),
        ("The register and the crisis team work well and advocacy is not in place.", "advocacy",
         "registers_information"),
        ("Support via the register and the pooled budget is not available.", None, "registers_information"),
        ("Many CHC and OR cases are not resolved.", None, "chc"),
        ("Funding for the crisis team is yet to be agreed.", None, "crisis_response"),
        ("The manager of the crisis team is yet to be appointed.", None, "crisis_response"),
        ("The crisis team yet to be commissioned will cover the west of the county.", None, "crisis_response"),
        ("The register is still to be established by March 2014.", "registers_information", None),
        ("The pooled budget is still to be put in place.", "pooled_budgets", None),
        # ... and a note with no verb
        ("Register and database not in place.", "registers_information", None),
        ("OR/CHC not an issue.", "ordinary_residence", None),
        ("We have a register and data not shared with health.", None, "registers_information"),
        ("Proportion against CHC-funded and joint packages not yet calculated.", None, "finance_strategy"),
        ("The proportion against CHC and joint packages is not yet calculated.", None, "chc"),
    ],
)
def test_themes_a_coordinated_subject_shares_its_negation(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a negation whose clause goes on to how well, how often or how soon a thing is done, or that
        # judges it, describes a gap in what is there (session 47) ...
        ("Pooled budgets are not working well.", None, "pooled_budgets"),
        ("Pooled budgets are not working as well as we hoped.", None, "pooled_budgets"),
        ("Pooled budgets are not used effectively across the county.", None, "pooled_budgets"),
        ("Transition planning is not working effectively.", None, "transition"),
        ("Care reviews are not happening often enough.", None, "reviews_care_management"),
        ("Workforce development is not progressing as quickly as planned.", None, "workforce"),
        ("Personal budgets are not offered to everyone.", None, "personalisation"),
        ("Advocacy is not working well for people placed out of area.", None, "advocacy"),
        ("Transition planning is not robust.", None, "transition"),
        ("Information sharing is not consistent between agencies.", None, "registers_information"),
        ("Direct payments are not yet effective for this group.", None, "personalisation"),
        ("Direct payments are not taken up widely.", None, "personalisation"),
        ("Reviews of placements are not completed on time.", None, "reviews_care_management"),
        ("Accommodation is not suitable for people leaving hospital.", None, "housing"),
        # the degree before a word of trouble in the clause ("challenging behaviour")
        ("Direct payments are not widely used by people with challenging behaviour.", None, "personalisation"),
        # ... not its being there or its arising, nor trouble, nor "at all" or "as well" ("also")
        ("Pooled budgets are not used.", "pooled_budgets", None),
        ("Care reviews are not happening.", "reviews_care_management", None),
        ("Information sharing is not happening.", "registers_information", None),
        ("Pooled budgets are not in place at all.", "pooled_budgets", None),
        ("CHC is not an issue as well.", "chc", None),
        ("Ordinary residence is not an issue in all cases.", "ordinary_residence", None),
        ("Pooled budgets are not used, so the money is managed well.", "pooled_budgets", None),
        ("A crisis team does not exist, which is not good.", "crisis_response", None),
        # ... and a negation before the mention, of a verb done to it, with the manner after it
        ("We do not use pooled budgets effectively.", None, "pooled_budgets"),
        ("We do not fund CHC packages quickly enough.", None, "chc"),
        ("We have not developed transition planning well enough.", None, "transition"),
        ("We do not review placements often enough.", None, "reviews_care_management"),
        ("We do not use pooled budgets.", "pooled_budgets", None),
        ("We do not have a crisis team that works well.", "crisis_response", None),
        ("We have not commissioned a crisis team to respond quickly.", "crisis_response", None),
        ("We do not commission advocacy, so people are not supported well.", "advocacy", None),
        ("We have no crisis team and work well with the police.", "crisis_response", None),
        ("We do not see OR disputes often.", "ordinary_residence", None),
        # a second review found these: the word of manner in a clause of cause or a participle's, "as
        # well as" after a noun, "soon", trouble denied, "yet" before the verb, "to everyone"
        ("Pooled budgets are not used as partners already fund placements well.", "pooled_budgets", None),
        ("A register is not kept meaning we cannot plan properly.", "registers_information", None),
        ("Advocacy is not commissioned for adults as well as children.", "advocacy", None),
        ("Pooled budgets are not used for fully funded CHC packages.", "pooled_budgets", None),
        ("Pooled budgets will not be in place soon.", "pooled_budgets", None),
        ("OR disputes have not arisen as neighbouring councils work well together.", "ordinary_residence", None),
        ("We do not commission advocacy for people placed quickly out of area.", "advocacy", None),
        ("Pooled budgets are not yet working effectively.", None, "pooled_budgets"),
        ("We do not offer direct payments to everyone.", None, "personalisation"),
        # a coordinated subject after a fronted phrase or adverb shares its negation too ...
        ("At present, a register and a pooled budget are not in place.", "registers_information", None),
        ("In Leicester, the register and the pooled budget are not in place.", "registers_information", None),
        ("As of April 2013, a crisis team and a pooled budget are not in place.", "crisis_response", None),
        ("Currently a pooled budget and a crisis team are not in place.", "pooled_budgets", None),
        ("Locally the register and the pooled budget are not in place.", "registers_information", None),
        ("As yet, the register and the crisis team have not been set up.", "registers_information", None),
        ("\u2022 At the moment, OR and CHC are not issues for us.", "ordinary_residence", None),
        # ... after fronted phrases in a row or a fronted clause with a verb, and "no longer" before a verb
        # of being there, arising or running denies as "does not" does
        ("Locally, at present, the register and the pooled budget are not in place.", "registers_information", None),
        ("In Kent, since April, a crisis team and a pooled budget have not been in place.", "crisis_response", None),
        ("Although the register is complete, the pooled budget and the crisis team are not in place.",
         "pooled_budgets", None),
        ("While funding has been agreed, advocacy and a crisis service are not commissioned.", "advocacy", None),
        ("The crisis team no longer exists.", "crisis_response", None),
        ("OR disputes no longer arise.", "ordinary_residence", None),
        ("The crisis team and the advocacy service no longer exist.", "crisis_response", None),
        ("Pooled budgets no longer cover the costs of placements.", None, "pooled_budgets"),
        # ... not with a limit, a place, a case or a degree after the verb (a third review found these)
        ("The crisis team no longer exists as a standalone service.", None, "crisis_response"),
        ("The register no longer applies to adults over 65.", None, "registers_information"),
        ("The crisis team and the advocacy service no longer operate in the north of the county.", None,
         "advocacy"),
        ("OR disputes no longer arise as often.", None, "ordinary_residence"),
        ("If the register is updated, the pooled budget and the crisis team will not be needed.", None,
         "pooled_budgets"),
        # ... not after a phrase with a clause or a list in it, nor a list that is not the subject
        ("In housing and advocacy, the register and the pooled budget are in place.", None, "registers_information"),
        ("At present, the register and the pooled budget are in place.", None, "registers_information"),
        ("At present, CHC and OR disputes are being resolved, and advocacy is not in place.", "advocacy", "chc"),
        ("For now we use the register and the pooled budget is not in place.", "pooled_budgets",
         "registers_information"),
    ],
)
def test_themes_a_gap_in_manner_and_a_list_after_a_fronted_phrase(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a negation does not reach past an "and" that joins two clauses, the mention in the second
        # (session 48)
        ("A pooled budget is not in place and a crisis team is being developed.", "pooled_budgets",
         "crisis_response"),
        ("There is no pooled budget and the crisis team is working well.", "pooled_budgets", "crisis_response"),
        ("A register is not yet in place and CHC funding is agreed for all.", "registers_information", "chc"),
        ("We do not have a register and we have commissioned a crisis team.", "registers_information",
         "crisis_response"),
        ("We have no register and there is a crisis team.", "registers_information", "crisis_response"),
        ("We have not set up a register and are developing a crisis team.", "registers_information",
         "crisis_response"),
        ("The CCG does not fund CHC and the council has commissioned advocacy.", "chc", "advocacy"),
        ("Nobody has been placed out of area and the crisis team is working well.", "out_of_area",
         "crisis_response"),
        # ... the first clause's verb a verb of being there, "no longer" or "lack" after a pronoun, or
        # past an aside
        ("No register exists and the crisis team has been expanded.", "registers_information", "crisis_response"),
        ("We lack a register and the crisis team is strong.", None, "crisis_response"),
        ("Reviews no longer take place and advocacy is commissioned instead.", "reviews_care_management",
         "advocacy"),
        ("There is, as yet, no pooled budget and the crisis team is being developed.", "pooled_budgets",
         "crisis_response"),
        ("There is no pooled budget (s75) and a crisis team is being developed.", "pooled_budgets",
         "crisis_response"),
        ("Lack of a register and a crisis team is a risk.", "crisis_response", None),
        # ... and a second clause whose verb is a main verb: in the third person before an object or an
        # adverb, or one of a few verbs of state whatever follows; not a plural noun ending a list
        ("No register is in place and the crisis team holds its own records.", "registers_information",
         "crisis_response"),
        ("Personal budgets are not offered and transition planning starts at 14.", "personalisation",
         "transition"),
        ("No crisis service exists and families rely on A&E.", "crisis_response", "family_engagement"),
        ("A pooled budget is not in place and the crisis team operates 24/7.", "pooled_budgets", "crisis_response"),
        ("We have no crisis service and families need more support at weekends.", "crisis_response",
         "family_engagement"),
        ("No advocacy is provided and the safeguarding lead tracks every placement.", "advocacy", "safeguarding"),
        ("We do not have a register and crisis team records.", "crisis_response", None),
        ("There is no register and advocacy services for families.", "advocacy", None),
        ("There's no pooled budget and the crisis team is working well.", "pooled_budgets", "crisis_response"),
        # ... but it does into a coordinated subject or a list of objects, and the second clause's own
        # negation still denies
        ("No pooled budget and crisis team are in place.", "crisis_response", None),
        ("We do not have a register and a crisis team that works well.", "crisis_response", None),
        ("We do not have a register and a crisis team in place.", "crisis_response", None),
        ("We have not developed a register and a crisis team, as planned.", "crisis_response", None),
        ("We do not have a register and the crisis team we need.", "crisis_response", None),
        ("There have been no disputes over OR and CHC.", "chc", None),
        ("There is no crisis team and advocacy is not commissioned.", "advocacy", None),
        # ... nor (two independent reviews found these) past a clause opened within the first, into an
        # item with a relative clause of no "that", where the second clause denies the thing itself, or
        # where a negative quantifier is the subject of both
        ("It is not true that OR and CHC are issues for us.", "chc", None),
        ("We do not have a register and a crisis team families can rely on.", "crisis_response", None),
        ("As we have no register and crisis team the CCG has taken the lead.", "crisis_response", None),
        ("We do not have a register and the crisis team has been disbanded.", "crisis_response", None),
        ("There is no pooled budget and advocacy has been withdrawn.", "advocacy", None),
        ("We do not have a pooled budget and a crisis team is not planned.", "crisis_response", None),
        ("None of the cohort have personal budgets and are placed out of area.", "out_of_area", None),
        # its being affected or disrupted denied affirms the thing
        ("Although reviews are overdue, personal budgets and advocacy are not affected.", None, "advocacy"),
        ("Personal budgets have not been impacted by the changes.", None, "personalisation"),
        ("The crisis team has not been disrupted.", None, "crisis_response"),
        # ... not in the active voice, nor as an adjective before a noun
        ("Ordinary Residence has not affected any of our placements.", "ordinary_residence", None),
        ("No affected patients are placed out of area.", "out_of_area", None),
        # ... nor where a clause of cause says it is not there
        ("Advocacy is not affected as there is none commissioned.", "advocacy", None),
        ("Advocacy is not affected as it is funded separately.", None, "advocacy"),
        # "never" before a thing's having existed, happened or taken place denies it, not with a limit
        ("A register has never existed.", "registers_information", None),
        ("Reviews have never taken place.", "reviews_care_management", None),
        ("Reviews have never taken place quickly enough.", None, "reviews_care_management"),
        # "no longer take place" denies as "no longer happen" does, not with a place after it
        ("Reviews no longer take place.", "reviews_care_management", None),
        ("Joint reviews no longer take place in the north of the county.", None, "reviews_care_management"),
        # a list after a fronted exception shares its verb's negation; the exception is not denied
        ("Apart from the register, a pooled budget and a crisis team are not in place.", "pooled_budgets",
         "registers_information"),
        ("Aside from CHC, OR and s117 are not issues for us.", "ordinary_residence", "chc"),
        ("Besides the register, a pooled budget and a crisis team are not in place.", "pooled_budgets",
         "registers_information"),
        ("Excluding the register, a pooled budget and a crisis team are not in place.", "pooled_budgets",
         "registers_information"),
        ("With the exception of the register, the pooled budget and the crisis team are not in place.",
         "pooled_budgets", "registers_information"),
        # ... not after an exception of a place or of people, which limits the denial, nor after a phrase
        # of a part
        ("Other than in the north, a register and a crisis team are not in place.", None, "registers_information"),
        ("Except for people placed out of area, reviews and advocacy are not provided.", None,
         "reviews_care_management"),
        ("In some areas, the register and the crisis team are not in place.", None, "registers_information"),
        # ... and after a fronted phrase of time or place with no comma
        ("This year a register and a pooled budget are not in place.", "registers_information", None),
        ("In Leicester the register and the crisis team are not in place.", "registers_information", None),
        ("We reviewed the register and the crisis team is not in place.", "crisis_response",
         "registers_information"),
        ("For the register and the crisis team there is no funding.", None, "registers_information"),
        # ... and after a fronted clause of concession whose verb is no auxiliary
        ("Although we run a register, the pooled budget and the crisis team are not in place.", "pooled_budgets",
         "registers_information"),
        # ... but a list that "and" has ended does not go on past a comma into the main clause's subject
        ("Although we fund advocacy, housing and a crisis team, the pooled budget and the register are not in "
         "place.", "pooled_budgets", "crisis_response"),
        # "OR" in a list is an item, not the joining word
        ("CHC and OR are not issues for us.", "chc", None),
        ("CHC, s117 and OR are not issues for us.", "mental_health_act", None),
        # ... and a short aside set off by commas after the mention or its verb
        ("CHC is, at present, not an issue.", "chc", None),
        ("The crisis team, however, is not in place.", "crisis_response", None),
        ("OR has, to our knowledge, never been an issue.", "ordinary_residence", None),
        ("Reviews, sadly, no longer take place.", "reviews_care_management", None),
        ("The register, currently held by the council, is not complete.", None, "registers_information"),
        ("We discussed CHC, at length, and advocacy is not in place.", "advocacy", "chc"),
        # an adverb between the verb and the negation ("also", "therefore") is read through, for one
        # mention or a list
        ("CHC is also not an issue.", "chc", None),
        ("The crisis team is therefore not in place.", "crisis_response", None),
        ("The register and the crisis team are also not in place.", "registers_information", None),
        ("CHC is also not always agreed quickly.", None, "chc"),
        # a note's list shares the denial after its dash or colon, joined by commas alone too
        ("Pooled budget / crisis team: not in place.", "pooled_budgets", None),
        ("Register, crisis team - not yet.", "registers_information", None),
        ("For CHC, crisis team - not in place.", "crisis_response", "chc"),
        ("Whilst the council funds advocacy, CHC and OR are not issues here.", "chc", "advocacy"),
    ],
)
def test_themes_a_negation_stays_in_its_clause_and_a_list_after_an_exception(nlp_lexicon_only, text, denied,
                                                                              not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a comma joins two clauses as "and" does: the first clause's negation stops at it (session 49)
        ("We do not have a pooled budget, the crisis team is in place.", "pooled_budgets", "crisis_response"),
        ("There is no pooled budget, we have commissioned a crisis team.", "pooled_budgets", "crisis_response"),
        ("We have no register, a crisis team has been commissioned.", "registers_information", "crisis_response"),
        ("There are no OR disputes, CHC is agreed for all.", "ordinary_residence", "chc"),
        ("Not yet, the crisis team is being developed.", None, "crisis_response"),
        ("Nobody has been placed out of area, the crisis team is working well.", "out_of_area", "crisis_response"),
        ("None of the cohort have personal budgets, advocacy is offered to all.", "personalisation", "advocacy"),
        # ... but not a list's comma, nor one after a first part with no verb, nor where the second clause
        # denies the thing too
        ("There is no crisis team, advocacy or housing.", "housing", None),
        ("There is no crisis team, advocacy or housing.", "advocacy", None),
        ("No register, crisis team or advocacy is in place.", "crisis_response", None),
        ("We have no register, crisis team or advocacy that is in place.", "crisis_response", None),
        ("We have no register, crisis team and advocacy in place.", "crisis_response", None),
        ("We have no pooled budget and crisis team, the CCG is leading.", "crisis_response", None),
        ("There is not, as yet, a crisis team.", "crisis_response", None),
        ("We do not, unfortunately, have a register.", "registers_information", None),
        ("We have not, in the last year, commissioned advocacy.", "advocacy", None),
        ("There is no register, the crisis team has been disbanded.", "crisis_response", None),
        ("There is no register, the crisis team is not in place either.", "crisis_response", None),
        # the second clause's subject may be a list, the mention before or after its other items
        ("There is no pooled budget and advocacy and housing are in place.", "pooled_budgets", "advocacy"),
        ("There is no pooled budget and the crisis team, advocacy and housing are commissioned.", None,
         "crisis_response"),
        ("There is no pooled budget and the crisis team, advocacy and housing are commissioned.", None,
         "advocacy"),
        ("There is no pooled budget and housing and the crisis team are in place.", None, "housing"),
        ("There is no register, advocacy and housing are commissioned separately.", "registers_information",
         "advocacy"),
        ("There is no register, advocacy and housing are commissioned separately.", None, "housing"),
        ("OR is not an issue, CHC and housing are.", "ordinary_residence", "chc"),
        ("There is no register, housing and advocacy remain priorities.", None, "housing"),
        ("There is no register, advocacy and housing provide support instead.", None, "advocacy"),
        # ... and then a negation after the whole list is the clause's own; a list of objects, a noun that
        # could be a verb and a coordinated subject still share the first clause's
        ("There is no pooled budget and the crisis team, advocacy and housing are not commissioned.",
         "crisis_response", None),
        ("There is no pooled budget and advocacy, housing and transition are not issues.", "advocacy", None),
        ("We do not have a register and CHC, OR and advocacy are not issues.", "chc", None),
        ("We do not have a register and crisis team and advocacy work in place.", "crisis_response", None),
        ("There is no register, advocacy and housing needs data.", "advocacy", None),
        ("No pooled budget and crisis team and advocacy are in place.", "advocacy", None),
        ("There is no register and a crisis team and advocacy service that families trust.", "crisis_response",
         None),
        # "placements" is a head noun, as "team" is: its being there or trouble with it may be denied, not
        # what is done with it (session 49)
        ("Out of area placements are not an issue.", "out_of_area", None),
        ("Out of area placements are not in place.", "out_of_area", None),
        ("We have no supported living, out of area placements are used instead.", "housing", "out_of_area"),
        ("Out of area placements are not always reviewed.", None, "out_of_area"),
        ("The out of area placements are not the council's.", None, "out_of_area"),
        # a negation in a relative clause set off by commas does not reach the main clause after it
        ("The LDPB, which has not met since March, oversees the pooled budget.", None, "pooled_budgets"),
        ("The crisis team, which does not operate at weekends, works closely with advocacy.", None, "advocacy"),
        ("Our advocates, whom we do not employ directly, support people in CHC reviews.", None, "chc"),
        ("Our provider forum, which does not include housing, has discussed the crisis team.", "housing",
         "crisis_response"),
        ("The board, which has no budget of its own, cannot fund advocacy.", "advocacy", None),
        ("We do not have a crisis team, which was planned for April, or an advocacy service.",
         "crisis_response", None),
        # ... and the negation after a relative clause set off by commas after the mention is read as if
        # the clause were not there
        ("Out of area placements, which were common before 2010, are not an issue for us.", "out_of_area", None),
        ("Ordinary residence, which the LDPB discussed last year, is not a problem in this area.",
         "ordinary_residence", None),
        ("CHC, which is managed by the CSU, has not been an issue.", "chc", None),
        ("The crisis team, which was set up in 2012, is not in place at weekends.", None, "crisis_response"),
        ("The crisis team, which covers the whole county, does not cover weekends.", None, "crisis_response"),
        ("OR, as far as we are aware, is not an issue.", "ordinary_residence", None),
        ("The register, despite repeated requests, has not been established.", "registers_information", None),
        ("CHC, according to the commissioners, is not an issue.", "chc", None),
        ("The crisis team, as expected, does not cover weekends.", None, "crisis_response"),
        ("The pooled budget, as agreed at the last board, is not ring-fenced.", None, "pooled_budgets"),
        # a note with no verb before a comma stops a negation from reaching one thing as the next clause's
        # subject, not a list
        ("No IMCA issues, positive behaviour support is the main gap.", "advocacy", "positive_behaviour_support"),
        ("No section 75, housing is commissioned separately.", "pooled_budgets", "housing"),
        ("No pooled budget as yet, the crisis team is well established.", "pooled_budgets", "crisis_response"),
        ("None, the crisis team is in place.", None, "crisis_response"),
        ("No register, crisis team and advocacy are in place.", "crisis_response", None),
        ("No pooled budget, crisis team in place.", "pooled_budgets", "crisis_response"),  # session 50
        ("No OR disputes, CHC has been disbanded.", "chc", None),
        # a negation in a restrictive relative clause does not reach the main clause after its verb
        ("Families who are not satisfied can access advocacy.", None, "advocacy"),
        ("Placements that are not within the county are monitored by the out of area placements officer.", None,
         "out_of_area"),
        ("Those who cannot access advocacy are supported by the IMCA service.", None, "advocacy"),
        ("Everyone who is not in supported living has a personal budget.", "housing", "personalisation"),
        ("It is agreed that we do not have a pooled budget.", "pooled_budgets", None),
        ("We confirm that CHC is not an issue.", "chc", None),
        # a note's value of nothing belongs to its label, not to what follows its comma
        ("Pooled budget - none, crisis team in place.", "pooled_budgets", "crisis_response"),
        ("Crisis team - none at present, advocacy commissioned.", "crisis_response", "advocacy"),
        ("None, the partnership board oversees commissioning.", None, "governance_partnership"),
        ("LDPB - not established, register - up to date.", "governance_partnership", "registers_information"),
        ("We have no crisis team, advocacy or housing.", "housing", None),
    ],
)
def test_themes_a_comma_joining_clauses_and_a_second_clause_with_a_list_subject(nlp_lexicon_only, text, denied,
                                                                                not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # an "of" inside a theme's term is a word of that name, not a preposition ending a list item (session 50)
        ("Ordinary residence, CHC and out of area placements are not issues for us.", "ordinary_residence", None),
        ("Ordinary residence, CHC and out of area placements are not issues for us.", "chc", None),
        ("Ordinary residence, CHC and out of area placements are not issues for us.", "out_of_area", None),
        ("Out of area placements, CHC and OR are not issues for us.", "chc", None),
        ("Out of area placements, CHC and OR are not issues for us.", "out_of_area", None),
        ("Deprivation of Liberty, advocacy and housing are not in place.", "advocacy", None),
        ("The terms of reference, the pooled budget and the crisis team are not agreed.", "pooled_budgets", None),
        # ... and so is another preposition inside a term
        ("CHC, OR and preparation for adulthood are not issues.", "chc", None),
        ("Preparation for adulthood, advocacy and crisis response are not in place.", "advocacy", None),
        ("Advocacy, experts by experience and housing are not in place.", "advocacy", None),
        # ... and still a preposition to every other reading
        ("The crisis service is not available out of hours.", None, "crisis_response"),
        ("The source of funds after discharge is not clear.", None, "reviews_care_management"),
        # bare "issues" after a head noun's negation is trouble denied, as "an issue" is
        ("Out of area placements are not issues for us.", "out_of_area", None),
        ("The crisis teams are not issues for us.", "crisis_response", None),
        ("Out of area placements are not always reviewed.", None, "out_of_area"),
        # a spaced dash joins two clauses as a comma does
        ("There is no pooled budget - the crisis team is funded by health.", "pooled_budgets", "crisis_response"),
        ("There is no crisis team - advocacy and housing are in place.", "crisis_response", "advocacy"),
        ("No \u2013 the crisis team is in place.", None, "crisis_response"),
        ("There are no out of area placements \u2014 the crisis team supports people at home.", "out_of_area",
         "crisis_response"),
        ("No - the IMCA service covers this.", None, "advocacy"),
        # ... but not a dash before a list of objects, or before a second clause that denies the thing too
        ("There is no crisis team - advocacy, housing and a register.", "advocacy", None),
        ("We do not have a pooled budget - or a crisis team.", "crisis_response", None),
        ("There are no plans - the crisis team is not commissioned.", "crisis_response", None),
        ("Crisis team - not in place.", "crisis_response", None),
        # a note's predicate of being there, with no verb, makes one thing after a comma or dash a clause
        ("Pooled budget not in place, crisis team established.", "pooled_budgets", "crisis_response"),
        ("There is no pooled budget, s75 agreement in place for the crisis team.", None, "pooled_budgets"),
        ("No register - crisis team in place.", "registers_information", "crisis_response"),
        ("No IMCA, crisis team covers the county.", "advocacy", "crisis_response"),
        ("No dispute over OR, care reviews completed for all.", "ordinary_residence", "reviews_care_management"),
        # ... not a list of things, nor a thing the note denies itself
        ("No register, crisis team or advocacy in place.", "crisis_response", None),
        ("No register, advocacy, crisis team in place.", "crisis_response", None),
        ("No register, advocacy, crisis team is in place.", "crisis_response", None),
        ("No pooled budget - crisis team or advocacy in place.", "advocacy", None),
        ("No pooled budget - crisis team not in place.", "crisis_response", None),
        # after an independent review: a past participle is such a predicate, a list may follow a dash (no list
        # goes on past one), a second note after a comma is no list item, and a thing gone keeps the denial
        ("No - register held by health.", None, "registers_information"),
        ("No pooled budget, CHC funded separately.", "pooled_budgets", "chc"),
        ("No pooled budget, direct payments used widely.", "pooled_budgets", "personalisation"),
        ("No pooled budget, CHC packages funded separately.", "pooled_budgets", "chc"),
        ("No pooled budget - crisis team and advocacy in place.", "pooled_budgets", "advocacy"),
        ("No pooled budget - crisis team and advocacy in place.", None, "crisis_response"),
        ("No pooled budget, crisis team established, advocacy commissioned.", None, "advocacy"),
        ("No pooled budget - crisis team and advocacy not in place.", "advocacy", None),
        ("We have no register, crisis team and advocacy in place.", "advocacy", None),
        ("No pooled budget, crisis team needed.", "crisis_response", None),
        ("No pooled budget, crisis team disbanded.", "crisis_response", None),
        ("There is no pooled budget - the section 75 agreement has lapsed.", "pooled_budgets", None),
        ("There is no pooled budget - the section 75 agreement was terminated last year.", "pooled_budgets", None),
        ("No - the crisis team has lapsed.", "crisis_response", None),
        ("No - a dispute resolution process set out in the partnership agreement has not yet been agreed.",
         "governance_partnership", None),
    ],
)
def test_themes_of_inside_a_term_a_dash_joining_clauses_and_a_note_as_second_clause(nlp_lexicon_only, text, denied,
                                                                                      not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # a bracket after a thing notes its value: a negation in it denies that thing alone (session 50)
        ("Safeguarding (no concerns) is overseen by the partnership board.", "safeguarding", "governance_partnership"),
        ("CHC (not an issue) and safeguarding (some delays) are reported below.", "chc", "safeguarding"),
        ("Pooled budget (no) - partnership board (yes).", "pooled_budgets", "governance_partnership"),
        ("Crisis team (none at present).", "crisis_response", None),
        ("The crisis team (not yet commissioned) will cover the county.", "crisis_response", None),
        ("The partnership board (which has not met) oversees the pooled budget.", None, "pooled_budgets"),
        ("Housing (not supported living) is the main gap.", None, "housing"),
        # ... a bracket holding a clause of its own is out of the reach of a negation before it
        ("We have no crisis team (the trust provides positive behaviour support instead).", "crisis_response",
         "positive_behaviour_support"),
        ("No crisis team (advocacy is in place).", "crisis_response", "advocacy"),
        ("No concerns (safeguarding is working well).", None, "safeguarding"),
        # ... and other brackets are read through, as if left out
        ("CHC (continuing healthcare) is not an issue.", "chc", None),
        ("OR (ordinary residence) has not been an issue.", "ordinary_residence", None),
        ("The register (held by the council) has not been established.", "registers_information", None),
        ("There is no pooled budget (s75).", "pooled_budgets", None),
        ("We do not (yet) have a register.", "registers_information", None),
        ("We have (no) pooled budget.", "pooled_budgets", None),
        ("The crisis team (set up in 2012) is not in place at weekends.", None, "crisis_response"),
        # square brackets as round ones
        ("Crisis response [none at present] is a priority for 2014.", "crisis_response", None),
        ("Safeguarding [no concerns] is overseen by the partnership board.", "safeguarding", "governance_partnership"),
        ("CHC [continuing healthcare] is not an issue.", "chc", None),
    ],
)
def test_themes_a_bracket_notes_the_value_of_the_thing_before_it(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize(
    "text, denied, not_denied",
    [
        # "both" opening a coordinated subject: the negation after it is each item's (session 50)
        ("Both advocacy and IMCA are not commissioned locally.", "advocacy", None),
        ("Both the register and the pooled budget are not in place.", "registers_information", None),
        ("Both OR and CHC are not issues for us.", "ordinary_residence", None),
        ("Both advocacy and IMCA are commissioned, and housing is not an issue.", "housing", "advocacy"),
        ("We have both advocacy and IMCA, which are not commissioned jointly.", None, "advocacy"),
        # "not used" after a head noun denies it where the clause ends there, not how, for what or by whom
        ("Out of area placements are not used.", "out_of_area", None),
        ("Out of area placements are not used locally.", "out_of_area", None),
        ("The crisis team is not used for planned admissions.", None, "crisis_response"),
        ("Out of area placements are not used routinely.", None, "out_of_area"),
        ("Out of area placements are not used by many families.", None, "out_of_area"),
    ],
)
def test_themes_both_before_a_list_and_not_used(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


def test_themes_of_inside_a_term_is_still_of_to_the_other_readers(nlp):
    """The list readings take an "of" inside a theme's term as a word of that name; every other reading,
    and the learned layers' bag of words, read the word as written (session 50)."""
    from wvtext.learned import bow_keys
    from wvtext.themes.components import doc_view

    doc = nlp(normalize_text("Ordinary residence, CHC and out of area placements are not issues for us."))
    norms = doc_view(doc).norms
    assert norms[norms.index("area") - 1] == "of"
    assert {"out of", "of area"} <= bow_keys(norms)


@pytest.mark.parametrize(
    "text, inner, outer",
    [
        # a mention inside a longer mention of another theme is the same words: it takes that mention's
        # reading (session 46)
        ("None of the people with personal budgets have been placed out of area.", "finance_strategy",
         "personalisation"),
        ("The Local Safeguarding Children Board has not been briefed yet.", "governance_partnership", "safeguarding"),
    ],
)
def test_themes_a_mention_inside_a_longer_one_reads_as_it(nlp_lexicon_only, text, inner, outer):
    found = one(nlp_lexicon_only, text)
    assert found[outer].negated is False
    assert found[inner].negated is found[outer].negated


@pytest.mark.parametrize(
    "text, theme",
    [
        ("<p>Pooled budget&nbsp;arrangements are&nbsp;in place</p>", "pooled_budgets"),
        ("We have a S.75 agreement with the CCG.", "pooled_budgets"),
        ("Sec 75 agreements are being refreshed.", "pooled_budgets"),
        ("Challenges in sourcing appropriate accomodation for people leaving hospital.", "housing"),
        ("Eligibility for NHS CHC is assessed using the DST.", "chc"),
        ("Continuing Healthcare funding is disputed.", "chc"),
        ("Clients with OR disputes are escalated.", "ordinary_residence"),
        ("Co-located community teams.", "community_teams"),
    ],
)
def test_themes_found_through_debris_typos_and_acronyms(nlp, text, theme):
    assert one(nlp, text)[theme].carried


def test_themes_or_conjunction_is_not_ordinary_residence(nlp):
    assert "ordinary_residence" not in one(nlp, "Whether OR not the plan is agreed, people or families will be involved.")


@pytest.mark.parametrize("text", [
    "Two discharges are waiting on the OR case with Brackenshire.",
    "Until the OR question is resolved neither council will commit to the tenancy.",
])
def test_themes_or_acronym_in_the_words_of_a_contested_case(nlp, text):
    """"OR" needs an ordinary-residence word in its sentence; a case, a question, a disagreement
    are such words (session 8, from a training writer who used the acronym that way)."""
    assert one(nlp, text)["ordinary_residence"].carried


@pytest.mark.parametrize("text, theme", [
    ("The host authority's safeguarding team is notified of every alert about people we place.", "ordinary_residence"),
    ("Each person's future package has been costed and we have agreed who pays for which part.", "ordinary_residence"),
    ("Two self-advocates sit on the programme board.", "advocacy"),
])
def test_themes_ambiguous_term_alone_is_only_supporting_evidence(text, theme):
    """Terms the training readers rejected when they stood alone (models/themes/README.md,
    session 8) no longer carry a theme on their own in the lexicon."""
    s = one(make_nlp(learned=False), text).get(theme)
    assert s is not None and not s.carried  # still found, as evidence, but not carried


@pytest.mark.parametrize("text, pooled", [
    ("Housing providers have agreed a shared risk assessment template with the community team.", False),
    ("A shared risk assessment protocol is used for every move.", False),
    ("A shared risk assessment template is agreed with providers under the Section 117 aftercare arrangements.", False),
    ("As set out in section 5, a shared risk assessment is used for every move.", False),
    ("A shared risk assessment template is used across the pool of approved providers.", False),
    ("The partners have agreed a shared risk arrangement for the cost of high-cost placements.", True),
])
def test_themes_shared_risk_is_pooled_budgets_only_beside_money(text, pooled):
    """"Shared risk" is most often a jointly agreed risk assessment of a person; it is a pooled
    budget's risk share only beside a money word, and "risk" does not make a "pool" of providers
    a pooled budget (models/themes/README.md, session 10)."""
    s = one(make_nlp(learned=False), text).get("pooled_budgets")
    assert (s is not None and s.carried) == pooled


def test_themes_passing_mention_of_a_body_is_not_enough(nlp):
    s = one(nlp, "Attendees included the CCG, the LA, NHS England, CQC and providers.")
    assert not ("specialist_commissioning" in s and s["specialist_commissioning"].carried)


@pytest.mark.parametrize("text", [
    "The offer to children, young people and adults with complex needs will be reshaped.",
    "A reference group of adults, young people and children who use services has met twice.",
])
def test_themes_every_age_group_named_together_is_not_transition(nlp, text):
    """themes.md's labelling rule: "children, young people and adults" means everyone."""
    assert "transition" not in one(nlp, text)


@pytest.mark.parametrize("text", [
    "Children and young people in residential schools are reviewed from the age of 14.",
    "Young people moving to adult services have a named transition worker.",
])
def test_themes_children_and_transition_still_found_beside_adults(nlp, text):
    assert one(nlp, text)["transition"].carried


def test_themes_two_age_groups_working_together_are_not_everyone(nlp):
    from wvtext.themes.components import doc_view

    view = doc_view(nlp("Children's and adults' services work together, for children, young people and adults."))
    norms = view.norms
    first = norms.index("children")
    assert not view.age_span(first, first + 1)
    last = len(norms) - 1 - norms[::-1].index("children")
    assert view.age_span(last, last + 1)


def test_themes_substantive_specialist_commissioning(nlp):
    s = one(nlp, "Placements are funded by NHS England specialised commissioning.")
    assert s["specialist_commissioning"].carried


def test_themes_evidence_offsets_point_at_the_text(nlp):
    text = "Work is underway. There are no issues regarding Ordinary Residence, but CHC is a concern."
    scores = one(nlp, text)
    for s in scores.values():
        for m in s.mentions:
            assert text[m.sent_start:m.sent_end].strip() and m.sent_start <= m.start_char < m.end_char <= m.sent_end
    m = scores["ordinary_residence"].mentions[0]
    assert text[m.start_char:m.end_char] == "Ordinary Residence"
    assert text[m.sent_start:m.sent_end].startswith("There are no issues")


def test_themes_string_in_theme_order(nlp):
    s = one(nlp, "Housing and a pooled budget; ordinary residence issues.")
    assert themes_string(s) == "ordinary_residence;pooled_budgets;housing"


def test_themes_small_lexicon_is_usable(datapath):
    nlp = make_nlp(datapath("themes_small.csv"))
    s = next(extract_themes(["A pooled budget and accommodation."], nlp=nlp))
    assert themes_string(s) == "pooled_budgets;housing"


def test_themes_seed_return_mission_themes(seed_return, nlp):
    by = {a.qid: s for a, s in zip(seed_return.answers, extract_themes([a.narrative for a in seed_return.answers], nlp=nlp))}
    assert by["2.4"]["pooled_budgets"].carried
    assert by["1.9"]["chc"].carried
    assert by["1.8"]["ordinary_residence"].carried


def test_themes_stored_and_replaced(store, seed_return):
    from wvtext.pipeline import ingest_files, run_text_stages
    from conftest import SEED_RETURN

    ingest_files([SEED_RETURN], store)
    run_text_stages(store, ["leicestershire"], [])
    first = len(store.theme_mentions(return_ids=["leicestershire"]))
    run_text_stages(store, ["leicestershire"], [])
    assert first > 0 and len(store.theme_mentions(return_ids=["leicestershire"])) == first
    ingest_files([SEED_RETURN], store)  # re-import drops the old analysis with the answers
    assert store.theme_mentions(return_ids=["leicestershire"]) == []


def test_themes_each_bullet_is_a_sentence_and_a_short_item_is_a_list_item(nlp):
    """A bulleted list is not one run-on sentence: a plan in one item does not hedge the others,
    and a body named alone in a short item is a name in a list (not enough on its own)."""
    text = normalize_text("Partners:\n\u2022 Housing (Cornwall Housing Ltd)\n\u2022 Out of hours crisis line in place"
                          "\n\u2022 Advocacy will be expanded next year")
    doc = nlp(text)
    assert [s.text for s in doc.sents] == ["Partners:", "\u2022 Housing (Cornwall Housing Ltd)",
                                           "\u2022 Out of hours crisis line in place",
                                           "\u2022 Advocacy will be expanded next year"]
    scores = doc._.wv_themes
    assert not any(m.hedged for m in scores["crisis_response"].mentions)
    assert all(m.hedged for m in scores["advocacy"].mentions)
    assert all(m.in_list for m in scores["housing"].mentions) and not scores["housing"].carried


@pytest.mark.parametrize("text, theme, term, span", [
    ("Both councils hold pooled/aligned budgets for this group.", "pooled_budgets", "pooled budget",
     "pooled/aligned budgets"),
    ("Staff record every use of physical/verbal intervention in the log.", "safeguarding", "physical intervention",
     "physical/verbal intervention"),
])
def test_themes_words_before_a_slash_share_the_head_after_it(nlp, text, theme, term, span):
    """'A/B C' is 'A C' and 'B C' (themes.md itself writes 'pooled/aligned budgets'); the mention
    spans the alternatives, so its evidence offsets still point at the text."""
    m = [m for m in one(nlp, text)[theme].mentions if m.term == term]
    assert m and text[m[0].start_char:m[0].end_char] == span


def test_themes_slash_between_spaced_words_or_at_the_end_joins_nothing(nlp):
    assert "pooled budget" not in {m.term for s in one(nlp, "Funds are pooled / aligned budgets follow.").values()
                                   for m in s.mentions}
    assert not one(nlp, "We use the physical/ intervention rota.").get("safeguarding")


@pytest.mark.parametrize("text, theme, span", [
    ("Three people are CHC-funded and reviewed every quarter.", "chc", "CHC"),
    ("NHS-CHC eligibility is decided by a joint panel.", "chc", "CHC"),
    ("Her NHS-funded placement ends in March.", "chc", "NHS-funded"),
    ("The S75-funded placement is reviewed yearly.", "pooled_budgets", "S75"),
    ("The DoLS-authorised placements are monitored.", "mental_capacity", "DoLS"),
    ("Two CHC-Funded placements are reviewed.", "chc", "CHC"),
    ("Two people are NHS-CHC-funded.", "chc", "CHC"),
    ("The S.75-funded team is in place.", "pooled_budgets", "S.75"),
    ("The s75-s117 arrangements are agreed with the CCG.", "mental_health_act", "s117"),
])
def test_themes_an_abbreviation_joined_to_a_word_by_a_hyphen_is_matched(nlp_lexicon_only, text, theme, span):
    """"CHC-funded" carries CHC, and a term whose words are joined by that hyphen ("NHS-funded")
    is still matched whole; the evidence offsets point at the text."""
    scores = one(nlp_lexicon_only, text)
    assert theme in scores, f"{theme} not found in {text!r}"
    assert span in {text[m.start_char:m.end_char] for m in scores[theme].mentions}


@pytest.mark.parametrize("text, tokens", [
    ("CHC-funded", ["CHC", "-", "funded"]), ("non-CHC", ["non", "-", "CHC"]), ("NHS-CHC", ["NHS", "-", "CHC"]),
    ("s117-funded", ["s117", "-", "funded"]), ("NHS-CHC-funded", ["NHS", "-", "CHC", "-", "funded"]),
    ("S.75-funded", ["S.75", "-", "funded"]), ("s75-s117", ["s75", "-", "s117"]),
    # the second word of a compound adjective splits off ("housing-related" is about housing)
    ("housing-related", ["housing", "-", "related"]), ("Safeguarding-Led", ["Safeguarding", "-", "Led"]),
    ("autism-specific", ["autism", "-", "specific"]),
    # and after a section's number ("section 75-funded"), but a number's other compounds stay whole
    ("75-funded", ["75", "-", "funded"]), ("117-Funded", ["117", "-", "Funded"]), ("24-hour", ["24-hour"]),
    ("2014-based", ["2014-based"]),
    # words that are not abbreviations stay one token, matched joined or split ("co-located" = "co located")
    ("co-located", ["co-located"]), ("CO-PRODUCTION", ["CO-PRODUCTION"]), ("Covid-19", ["Covid-19"]),
    ("long-term", ["long-term"]), ("self-advocacy", ["self-advocacy"]), ("co-led", ["co-led"]),
    ("follow-up", ["follow-up"]),
])
def test_themes_tokenizer_splits_a_hyphen_only_beside_an_abbreviation(nlp_lexicon_only, text, tokens):
    assert [t.text for t in nlp_lexicon_only.make_doc(text)] == tokens


@pytest.mark.parametrize("text, theme, span", [
    ("A housing-related support service helps people keep their tenancies.", "housing", "housing"),
    ("We raised safeguarding-related concerns with the provider's manager.", "safeguarding", "safeguarding"),
    ("Advocacy-led reviews of every placement take place yearly.", "advocacy", "Advocacy"),
    ("Two Section 75-funded posts support the joint commissioning team.", "pooled_budgets", "Section 75"),
])
def test_themes_a_term_before_the_second_word_of_a_compound_is_matched(nlp_lexicon_only, text, theme, span):
    """"housing-related support" is about housing: the term before the hyphen is matched, with
    offsets on the word itself."""
    scores = one(nlp_lexicon_only, text)
    assert theme in scores and scores[theme].carried, f"{theme} not carried in {text!r}"
    assert span in {text[m.start_char:m.end_char] for m in scores[theme].mentions}


def test_themes_a_hyphen_in_a_term_still_matches_after_the_compound_split(nlp_lexicon_only):
    """Terms written with the split hyphen ("person-centred planning", "user-led organisation")
    are still matched whole, in either writing."""
    for text in ("Person-centred planning is used for everyone.", "Person centred planning is used for everyone."):
        assert "person-centred planning" in {m.term for m in one(nlp_lexicon_only, text)["personalisation"].mentions}
    assert "user-led organisation" in {m.term for m in one(nlp_lexicon_only, "A user-led organisation runs it.")[
        "family_engagement"].mentions}


def test_themes_dotted_initials_are_not_an_abbreviation_matched_by_case(nlp_lexicon_only):
    """Abbreviations matched by case are not matched written with stops: "O.R." is far more often
    a person's initials ("Report author: O.R. Patel, Head of Placements and Funding") than
    Ordinary Residence."""
    assert "ordinary_residence" not in one(nlp_lexicon_only, "Report author: O.R. Patel, Head of Placements and Funding.")


@pytest.mark.parametrize("text, theme", [
    # a label over a null entry: the hyphen inside the label's word is no label dash
    ("Person-centred reviews: not applicable.", "reviews_care_management"),
    ("Housing-related implications: none.", "housing"),
    ("Safeguarding-related implications: none.", "safeguarding"),
    # a label's length counts a hyphenated word once ("Person-centred care reviews" is a short label)
    ("Person-centred care reviews - none.", "reviews_care_management"),
    # a dash typed without spaces before a null entry is a label's dash, not a hyphen inside a word
    ("CHC-none.", "chc"),
    ("Safeguarding-NONE", "safeguarding"),
])
def test_themes_a_hyphen_inside_a_word_is_not_a_label_dash(nlp_lexicon_only, text, theme):
    """The tokenizer splits "housing-related" at its hyphen; that hyphen must not be read as the
    dash of a label ("Housing - none"), or a template line's null entry would carry the theme."""
    scores = one(nlp_lexicon_only, text)
    assert theme not in scores or not scores[theme].carried
    assert all(m.frame == "boilerplate" for m in scores[theme].mentions)


@pytest.mark.parametrize("unspaced, theme", [
    ("Housing-not applicable", "housing"),
    ("Advocacy-none in place.", "advocacy"),
    ("Safeguarding-none.", "safeguarding"),
    ("Crisis-the team responds within 4 hours.", "crisis_response"),
    ("Ordinary residence-nil", "ordinary_residence"),
    ("Housing-N/A", "housing"),
    ("Housing-n/a.", "housing"),
])
def test_themes_a_dash_typed_without_spaces_before_a_null_entry_reads_as_the_spaced_dash(nlp, unspaced, theme):
    """A dash typed without spaces between a word and a null entry, a negation or a clause's first
    word ("Housing-not applicable") is read exactly as the spaced dash ("Housing - not applicable"):
    the word before it is matched as itself, with the same confidence and negation."""
    spaced = unspaced.replace("-", " - ", 1)
    assert theme in reads_alike(nlp, unspaced, spaced, negated=True)


@pytest.mark.parametrize("attached, spaced, theme", [
    ("Roles seen by commissioner/ provider/ family member.", "Roles seen by commissioner / provider / family member.",
     "market_providers"),
    ("Funding is agreed case by case /CHC where eligible.", "Funding is agreed case by case / CHC where eligible.", "chc"),
    ("Housing| two supported living schemes opened", "Housing | two supported living schemes opened", "housing"),
    ("-Housing: two supported living schemes opened.", "- Housing: two supported living schemes opened.", "housing"),
    ("--Advocacy contract renewed in April.", "-- Advocacy contract renewed in April.", "advocacy"),
    ("Housing- not applicable", "Housing - not applicable", "housing"),
    ("Advocacy:- none", "Advocacy: - none", "advocacy"),
    ("Advocacy:-none", "Advocacy: - none", "advocacy"),
])
def test_themes_punctuation_typed_against_a_word_reads_as_spaced(nlp, attached, spaced, theme):
    """A slash or bar against a word, hyphens opening a bullet, a dash left on a word before the
    space or after a label's colon: the word is matched as itself, exactly as with the
    punctuation spaced off."""
    assert theme in reads_alike(nlp, attached, spaced, negated=True)


@pytest.mark.parametrize("bracketed, plural", [
    ("The provider(s) forum meets monthly.", "The providers forum meets monthly."),
    ("Direct payment(s) are offered to all.", "Direct payments are offered to all."),
    ("Child(ren) in residential school(s) are known to the team.", "Children in residential schools are known to the team."),
    ("Two Placement(S) remain out of area.", "Two Placements remain out of area."),
    # after a slash or inside a hyphenated word
    ("Views of family/carer(s) are sought.", "Views of family/carers are sought."),
    ("Care home(s)/provider(s) are engaged.", "Care homes/providers are engaged."),
    ("Service-user(s) are involved.", "Service-users are involved."),
])
def test_themes_a_plural_in_brackets_is_the_plural(nlp_lexicon_only, bracketed, plural):
    """"provider(s)", "child(ren)": one word, matched as the plural, also inside a term of several
    words ("provider(s) forum" is the term "provider forum")."""
    assert reads_alike(nlp_lexicon_only, bracketed, plural)


def test_themes_a_plural_in_brackets_is_one_token(nlp_lexicon_only):
    assert [t.text for t in nlp_lexicon_only.make_doc("All provider(s). (carer(s)/family)")] == \
        ["All", "provider(s)", ".", "(", "carer(s)", "/", "family", ")"]


@pytest.mark.parametrize("hyphens, bullets", [
    ("Partners on the board:\n-Housing\n-Police\n-Advocacy\n-CHC team",
     "Partners on the board:\n\u2022 Housing\n\u2022 Police\n\u2022 Advocacy\n\u2022 CHC team"),
    ("-No issues\n-CHC reviews up to date", "\u2022 No issues\n\u2022 CHC reviews up to date"),
    ("- None\n- Advocacy contract renewed in April", "\u2022 None\n\u2022 Advocacy contract renewed in April"),
    ("* Advocacy contract renewed\n* CHC disputes resolved", "\u2022 Advocacy contract renewed\n\u2022 CHC disputes resolved"),
])
def test_themes_a_list_typed_with_hyphens_reads_as_a_bulleted_list(nlp, hyphens, bullets):
    """Lines opened by hyphens or an asterisk are a list, read as the same list with bullets: a
    denial in one item does not reach the next, and no item is read as a heading over a dash."""
    assert reads_alike(nlp, hyphens, bullets, negated=True, frames=True)


@pytest.mark.parametrize("wrapped", ["Housing\n- not applicable", "Advocacy contract\n-renewed in April",
                                     "Advocacy:\n-2 people\n-3 people"])
def test_themes_one_line_opened_by_a_dash_is_no_list(nlp, wrapped):
    """A single line opened by a dash is more likely a spaced dash that a line wrap put first, and
    "-2" a number: they stay as typed, read as on one line."""
    assert reads_alike(nlp, wrapped, wrapped.replace("\n", " "), frames=True)


@pytest.mark.parametrize("doubled, single", [
    ("CHC-- not applicable", "CHC - not applicable"),
    ("Housing--none", "Housing - none"),
    ("Housing:-- none", "Housing: - none"),
    ("Crisis response -- the team responds within 4 hours.", "Crisis response - the team responds within 4 hours."),
])
def test_themes_two_hyphens_typed_for_a_dash_are_the_dash(nlp, doubled, single):
    """"--" typed for a dash is read as the dash: a label over a null entry stays boilerplate."""
    assert reads_alike(nlp, doubled, single, negated=True, frames=True)


@pytest.mark.parametrize("suspended, theme", [
    ("CHC- and council-funded packages are reviewed every year.", "chc"),
    ("Advocacy- and housing-related issues are raised at reviews.", "advocacy"),
])
def test_themes_a_suspended_hyphen_is_no_label_dash(nlp_lexicon_only, suspended, theme):
    """"CHC- and council-funded": the hyphen waits for "funded"; the word before it is no heading
    over a dash."""
    assert [m.frame for m in one(nlp_lexicon_only, suspended)[theme].mentions] == [""]


@pytest.mark.parametrize("text, theme", [("Housing - to follow", "housing"), ("Housing- to follow", "housing"),
                                         ("CHC \u2013 to follow", "chc"), ("Advocacy - or the council-funded service", "advocacy")])
def test_themes_a_dash_before_to_or_and_is_still_a_label_dash(nlp_lexicon_only, text, theme):
    """Only a hyphen typed against its word and followed by "and"/"or"/"to" and a hyphenated word
    is suspended: "Housing - to follow" is a label over a null entry, and a spaced dash a label's, as before."""
    frames = [m.frame for m in one(nlp_lexicon_only, text)[theme].mentions]
    assert frames == (["boilerplate"] if text.endswith("to follow") else ["heading"])


@pytest.mark.parametrize("lower, upper", [("Housing: n/a.", "Housing: N/A."), ("Advocacy - n/a.", "Advocacy - N/A.")])
def test_themes_a_lower_case_n_a_with_a_stop_is_a_null_entry(nlp_lexicon_only, lower, upper):
    """"n/a." keeps "a." as one token (an English abbreviation); it is still the null entry "N/A."
    is, so a label over it is template boilerplate."""
    got, want = one(nlp_lexicon_only, lower), one(nlp_lexicon_only, upper)
    assert [m.frame for s in got.values() for m in s.mentions] == ["boilerplate"]
    assert reading(got) == reading(want)


@pytest.mark.parametrize("word", ["out-of-area", "face-to-face", "follow-up", "drop-in", "well-being", "step-down",
                                  "no-one", "buy-in", "co-located", "know-how", "co-production", "e-learning",
                                  # a function word or "yes" before a null or negating word makes a compound
                                  "Yes-no", "have-not", "can-not",
                                  # inside a longer hyphenated word
                                  "here-and-there", "Just-say-no", "good-for-nothing"])
def test_themes_compounds_that_end_in_a_dash_word_or_a_particle_stay_one_word(nlp_lexicon_only, word):
    """Only the null, negating and clause-opening words split a dash off, and only after a plain
    word: compounds that end in a particle, that a function word or "yes" starts, or that sit
    inside a longer hyphenated word stay one token."""
    assert [t.text for t in nlp_lexicon_only.make_doc(f"The {word} service.")] == ["The", word, "service", "."]


def test_themes_a_yes_no_compound_is_no_denial(nlp_lexicon_only):
    """"Yes-no" is one word: its "no" denies nothing after it."""
    scores = one(nlp_lexicon_only, "Yes-no housing and advocacy questions were added to reviews.")
    assert not scores["housing"].negated and not scores["advocacy"].negated


def test_themes_a_word_broken_at_a_line_end_before_our_is_one_word(nlp):
    """A word broken at a line end ("behavi-\nour") is joined with its hyphen by normalize_text and
    must stay one word, read as the word unbroken: "our" is not a dash's null entry."""
    text = "Staff are trained to support people whose challenging behavi-\nour puts placements at risk."
    got, want = one(nlp, text), one(nlp, text.replace("behavi-\nour", "behaviour"))
    assert want["positive_behaviour_support"].carried
    assert reading(got) == reading(want)


@pytest.mark.parametrize("text, theme", [
    ("We do not have a locally-commissioned, NHS-funded, community-based crisis service.", "crisis_response"),
    ("There is not a single jointly-commissioned, outcome-focused advocacy contract.", "advocacy"),
])
def test_themes_hyphenated_words_count_as_one_word_in_the_negation_window(nlp_lexicon_only, text, theme):
    """A word split at its hyphen ("locally - commissioned") counts as one word when a negation
    looks back over the words before a term, as it did before the split."""
    assert one(nlp_lexicon_only, text)[theme].negated


def test_themes_a_term_inside_a_hyphenated_word_is_one_word_for_the_negation_window(nlp_lexicon_only):
    """The words before a term's start inside its own hyphenated word ("NHS" of "NHS-CHC") take no
    place in the negation window: it reaches as far back as for "CHC" written alone."""
    for term in ("NHS-CHC", "CHC"):
        assert one(nlp_lexicon_only, f"There is no clear agreed local joint written funded shared {term} protocol.")["chc"].negated


def test_themes_hyphenated_words_count_as_one_word_in_lists_and_group_names(nlp_lexicon_only):
    """The last item of an enumeration and a phrase naming a group of people are found over words,
    not tokens, when the words between are hyphenated."""
    for words in ("person-centred community-based", "personcentred communitybased"):
        scores = one(nlp_lexicon_only, f"We work with the CCG, {words} providers and housing.")
        assert not scores["housing"].carried, words
    for words in ("autism-related, ADHD-related or trauma-related", "autismrelated, ADHDrelated or traumarelated"):
        scores = one(nlp_lexicon_only, f"Support is for people with {words} challenging behaviour.")
        assert [m.frame for m in scores["positive_behaviour_support"].mentions] == ["population"], words


def test_themes_hyphenated_words_count_as_one_word_beside_a_term(nlp_lexicon_only):
    """The words a term must not stand beside are looked for over words, not tokens: "staff" four
    words from "pool" still excludes it when a word between is hyphenated."""
    assert "pooled_budgets" not in one(nlp_lexicon_only, "A pool of locally-based staff is funded from the budget.")
    assert "pooled_budgets" not in one(nlp_lexicon_only, "A pool of locally based staff is funded from the budget.")


@pytest.mark.parametrize("text, theme, carried", [
    ("THERE ARE NO DELAYS OR ISSUES WITH DISCHARGES.", "ordinary_residence", False),
    ("KEY RISKS: FUNDING OR PLACEMENT DISPUTES", "ordinary_residence", False),
    ("PLEASE SEND THE PLAN TO THE BOARD.", "transition", False),
    ("The OR dispute with Kent and the CCG is resolved.", "ordinary_residence", True),
    ("ORDINARY RESIDENCE DISPUTES ARE DELAYING TWO DISCHARGES.", "ordinary_residence", True),
    # a list of abbreviations is not text in capitals
    ("Attendees: CCG, LA, CAMHS, SEND.", "transition", True),
])
def test_themes_an_abbreviation_matched_by_case_does_not_count_in_text_in_capitals(nlp_lexicon_only, text, theme,
                                                                                    carried):
    """In a sentence written in capitals "OR" is the conjunction as often as Ordinary Residence;
    the abbreviations matched by their case stand aside there, the other terms do not."""
    scores = one(nlp_lexicon_only, text)
    assert (theme in scores and scores[theme].carried) is carried


def test_themes_non_before_an_abbreviation_denies_it(nlp_lexicon_only):
    """"non-CHC" is split like "CHC-funded"; the mention is marked negated, not read as CHC work."""
    score = one(nlp_lexicon_only, "All four placements are non-CHC.")["chc"]
    assert score.negated and all(m.negated for m in score.mentions)
    # "non" before another word does not deny the term after it
    assert not one(nlp_lexicon_only, "General (non statutory) advocacy is offered to families.")["advocacy"].negated


def test_themes_a_word_broken_at_a_line_end_is_matched(nlp_lexicon_only):
    """A text dump of a printed return breaks words with a hyphen at the line end."""
    text = normalize_text("There are Ordinary Resi-\ndence disputes with two authorities.")
    assert one(nlp_lexicon_only, text)["ordinary_residence"].carried


@pytest.mark.parametrize("text, theme, carried", [
    ("The crisis capacity assessment for the new service was done in 2012.", "mental_capacity", False),
    ("A capacity assessment was completed with him before the move.", "mental_capacity", True),
    ("The CCG and the council jointly fund a small pool of Shared Lives carers.", "pooled_budgets", False),
    ("Both partners contribute to the pool under a section 75 agreement.", "pooled_budgets", True),
])
def test_themes_a_term_does_not_count_beside_its_excluded_words(nlp_lexicon_only, text, theme, carried):
    """The lexicon's `exclude` column: a service's capacity is not a person's mental capacity, and a
    pool of carers is not a pooled budget; the same terms elsewhere still count."""
    scores = one(nlp_lexicon_only, text)
    assert (theme in scores and scores[theme].carried) is carried


@pytest.mark.parametrize("text, carried", [
    ("Harwick placed two men here in 2009 and is now contesting that it retains responsibility for them.", True),
    ("The neighbouring council disputes responsibility for his care since the home deregistered.", True),
    ("Disputes about funding responsibility between health and social care go to the joint panel.", False),
    ("Each partner's responsibility for reporting is set out in the terms of reference.", False),
])
def test_themes_a_contested_responsibility_is_ordinary_residence(nlp_lexicon_only, text, carried):
    """Which authority is responsible for a person, contested, is ordinary residence in other words
    (themes.md); the health/social care split of funding responsibility is not (session 18)."""
    scores = one(nlp_lexicon_only, text)
    assert ("ordinary_residence" in scores and scores["ordinary_residence"].carried) is carried


@pytest.fixture(scope="module")
def nlp_lexicon_only():
    return make_nlp(learned=False)


def test_themes_lexicon_exclude_words_are_read_and_normalised(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("theme,term,weight,match,context,exclude,note\n"
                    "pooled_budgets,pool,0.7,,,Carers|STAFF,\n", encoding="utf-8")
    (term,) = load_lexicon(path).terms
    assert term.exclude == frozenset({"carer", "staff"})


def test_an_abbreviation_written_mid_sentence_ends_no_sentence(nlp):
    doc = nlp("New arrangement - WV Programme Board est. 2013 with the CCG. Approx. 40 people reviewed.")
    assert [s.text for s in doc.sents] == ["New arrangement - WV Programme Board est. 2013 with the CCG.",
                                           "Approx. 40 people reviewed."]


@pytest.mark.parametrize("text, term, listed", [
    # the last item of an enumeration, after "and"/"or", is a name in a list like the others
    ("Healthwatch, NHS England, the CQC and the parent carer forum all sent people to the launch.",
     "parent carer forum", True),
    ("The CCG, the council or Healthwatch can raise it.", "Healthwatch", True),
    # ... but not a phrase joined by "and" with no list before it
    ("The council and the parent carer forum wrote the strategy together.", "parent carer forum", False),
    # items of a list joined by semicolons ("Agenda: ...; ...; ...")
    ("Agenda: Winterbourne update; autism strategy; CHC; the s75 agreement; housing; AOB.", "housing", True),
    # ... but not clauses joined by semicolons, nor a count ("6 in residential schools OOA")
    ("We moved two people home; one move was delayed by an ordinary residence query; two await housing.",
     "ordinary residence", False),
    ("Progress: 23 identified; 6 in residential schools out of area; plans started for 4.", "out of area", False),
])
def test_themes_the_items_of_an_enumeration_are_in_the_list(nlp, text, term, listed):
    from wvtext.themes.components import doc_view

    doc = nlp(text)
    start = next(t.i for t in doc if text[t.idx:].startswith(term))
    end = start + len(nlp.make_doc(term))
    assert doc_view(doc).in_list(start, end) is listed


@pytest.mark.parametrize("text, theme, frame", [
    # a label over a null entry, as report templates close
    ("Safeguarding implications: None.", "safeguarding", "boilerplate"),
    ("Ordinary residence, CHC, MCA/DoLS: no implications.", "chc", "boilerplate"),
    ("Legal implications: not applicable.", None, "boilerplate"),
    # the label of a labelled line: a glossary entry, a directory line, a heading over its content
    ("CHC - NHS Continuing Healthcare.", "chc", "heading"),
    ("PBS Practitioner - Jo Minty - ext 3322.", "positive_behaviour_support", "heading"),
    # a line without a clause: an agenda item, a one-line priority
    ("Workforce / PBS training 13.", "workforce", "fragment"),
    ("Expand direct payments.", "personalisation", "fragment"),
    # a cohort term that only names the people a text is about (session 23); not a phrase about the
    # behaviour itself, nor training in it
    ("Support for young men with autism, learning disabilities and challenging behaviour is planned.",
     "positive_behaviour_support", "population"),
    ("Six people who display behaviour that challenges live in the county.", "positive_behaviour_support",
     "population"),
    ("Our approach to challenging behaviour is preventative and starts in childhood.",
     "positive_behaviour_support", ""),
    ("Staff had training in challenging behaviour from people with autism and their families.",
     "positive_behaviour_support", ""),
    # running text, and a clause before a dash is no label
    ("We have a CHC panel that meets monthly and has cleared the backlog.", "chc", ""),
    ("Housing providers not yet engaged - no LD housing lead in the council since June.", "housing", ""),
    # ... nor is a null entry that says more than nothing
    ("Safeguarding: none of the four alerts this year concerned a placement out of area.", "safeguarding", "heading"),
])
def test_themes_mentions_record_how_their_sentence_frames_them(nlp, text, theme, frame):
    from wvtext.themes.components import _MENTIONS, doc_view

    doc = nlp(normalize_text(text))
    if theme is None:  # no theme term: the sentence's frame itself
        assert doc_view(doc).frame(0, 1) == frame
        return
    got = [m.frame for m in doc.user_data[_MENTIONS] if m.theme == theme]
    assert got and got[0] == frame, got  # the first mention (the expansion after a glossary's label is a fragment)
    if frame == "":
        assert set(got) == {""}


def test_themes_a_theme_named_only_in_boilerplate_scores_below_one_named_in_a_statement():
    nlp = make_nlp(learned=False)
    boiler = one(nlp, "Recommendation: approve the contract. Ordinary residence: not applicable.")
    stated = one(nlp, "Recommendation: approve the contract. Ordinary residence applies to two of the tenants.")
    assert boiler["ordinary_residence"].mentions[0].frame == "boilerplate"
    assert boiler["ordinary_residence"].confidence < 0.5 <= stated["ordinary_residence"].confidence


def test_themes_a_group_of_people_named_by_their_behaviour_counts_as_a_name_in_passing():
    """"people with challenging behaviour" names who a text is about: counted as an item of a list
    is, below a statement about the behaviour; the frame is only for terms marked `cohort`."""
    nlp = make_nlp(learned=False)
    named = one(nlp, "We commission support for people with challenging behaviour.")["positive_behaviour_support"]
    about = one(nlp, "We commission support for challenging behaviour in people's homes.")["positive_behaviour_support"]
    assert [m.frame for m in named.mentions] == ["population"] and [m.frame for m in about.mentions] == [""]
    assert named.confidence < about.confidence
    other = one(nlp, "We commission support for people with a positive behaviour support plan.")
    assert [m.frame for m in other["positive_behaviour_support"].mentions] == [""]


def test_themes_a_term_and_its_other_form_side_by_side_count_as_one_naming():
    """A glossary entry ("CHC - NHS Continuing Healthcare") names CHC once, written two ways; two
    terms joined by a word, or side by side with nothing between, still count apart."""
    nlp = make_nlp(learned=False)
    glossary = one(nlp, "CHC - NHS Continuing Healthcare.")["chc"]
    bracket = one(nlp, "Continuing Healthcare (CHC).")["chc"]
    both = one(nlp, "Continuing Healthcare and CHC.")["chc"]
    assert len(glossary.mentions) == len(bracket.mentions) == len(both.mentions) == 2
    assert glossary.confidence == bracket.confidence < both.confidence
    compound = one(nlp, "Two beds funded by NHS England specialised commissioning.")["specialist_commissioning"]
    single = one(nlp, "Two beds funded by specialised commissioning.")["specialist_commissioning"]
    assert compound.confidence > single.confidence


def test_themes_a_label_over_a_null_entry_answers_a_question_but_is_boilerplate_in_a_document():
    """"Ordinary residence: none." under 1.8 (any Ordinary Residence issues?) denies it, as "there are
    no ordinary residence issues" does: carried, negated. The same line closing a committee report
    is the template's, and says nothing about ordinary residence."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text

    line = "Ordinary residence: none."
    for learned in (False, True):
        nlp = make_nlp(learned=learned)
        answer = next(extract_themes([line], nlp=nlp, questions=[question_text(load_codebook(), "1.8")]))
        item = next(extract_themes(["Recommendation: approve the contract. " + line], nlp=nlp))
        assert answer["ordinary_residence"].carried and answer["ordinary_residence"].negated, learned
        assert [m.frame for m in answer["ordinary_residence"].mentions] == ["heading"]
        assert not item["ordinary_residence"].carried, learned
        assert [m.frame for m in item["ordinary_residence"].mentions] == ["boilerplate"]


@pytest.mark.parametrize("line, theme, qid", [
    ("Housing: no.", "housing", "3.3"),
    ("Crisis team: none in place.", "crisis_response", "3.3"),
    ("Pooled budget - none at present.", "pooled_budgets", "2.3"),
    ("Section 75: nil as yet.", "pooled_budgets", "2.3"),
])
def test_themes_a_null_entry_may_be_no_or_none_with_a_word_of_time_or_place(line, theme, qid):
    """"no" alone, or "none"/"no"/"nil" with words of time or of being in place after it, is a null
    entry too (session 50): a denial in an answer, a template's line in a document."""
    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text

    nlp = make_nlp(learned=False)
    answer = next(extract_themes([line], nlp=nlp, questions=[question_text(load_codebook(), qid)]))
    item = next(extract_themes(["Recommendation: approve the contract. " + line], nlp=nlp))
    assert answer[theme].negated
    assert [m.frame for m in item[theme].mentions] == ["boilerplate"]


@pytest.mark.parametrize("text, denied, not_denied", [
    # a label opening the sentence, then a dash or colon and a clause that denies it, reads as a fronted
    # topic does ("Regarding the pooled budget, we do not have one"; session 50)
    ("Crisis response - there isn't one.", "crisis_response", None),
    ("The crisis team - there isn't one.", "crisis_response", None),
    ("Pooled budget: we do not have one.", "pooled_budgets", None),
    ("CHC: we have not had any disputes.", "chc", None),
    ("Regarding crisis response, there isn't one.", "crisis_response", None),
    ("Pooled budget - we are still negotiating with the CCG.", None, "pooled_budgets"),
    ("Advocacy: we do not commission it directly.", None, "advocacy"),
    ("Crisis response - there is no dedicated service, A&E is used.", None, "crisis_response"),
    ("We reviewed advocacy - there isn't one.", None, "advocacy"),
])
def test_themes_a_label_then_a_clause_that_denies_it(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("text, denied, not_denied", [
    # a label that makes a sentence of its own, then a sentence whose pronoun clause denies it, reads as a
    # label and its dash do (session 51)
    ("Ordinary residence. This is not an issue at present.", "ordinary_residence", None),
    ("Ordinary Residence. There are no issues.", "ordinary_residence", None),
    ("Pooled budgets. We do not have one.", "pooled_budgets", None),
    ("\u2022 Crisis response. There isn't one.", "crisis_response", None),
    ("The crisis team. It is not in place.", "crisis_response", None),
    ("Pooled budget. We do not have one. Crisis response. There are no issues.", "crisis_response", None),
    ("Ordinary Residence - This is not an issue at present.", "ordinary_residence", None),  # "this" after a dash
    # not: a sentence that is more than a label, a clause that says more or denies a part, trouble with
    # something else named, a sentence that is not next, a label's own predicate
    ("Ordinary residence was discussed. This is not an issue.", None, "ordinary_residence"),
    ("Ordinary residence. This is being reviewed by the board.", None, "ordinary_residence"),
    ("Ordinary residence. There are no issues, but CHC disputes continue.", None, "ordinary_residence"),
    ("Pooled budget. This is not yet in place but will be by April.", None, "pooled_budgets"),
    ("Crisis response. It is not always available at weekends.", None, "crisis_response"),
    ("Advocacy. There are no issues with CHC.", None, "advocacy"),
    ("Advocacy. The register is up to date. There are no issues.", None, "advocacy"),
    ("Crisis team established. There are no issues.", None, "crisis_response"),
    ("Crisis team established: there are no issues.", None, "crisis_response"),
    # a note with no subject that denies it, after a label alone or after a label's dash or colon (cues-43)
    ("Advocacy. No major concerns for us.", "advocacy", None),
    ("ordinary residence? not an issue for us.", "ordinary_residence", None),
    ("PBS? Not commissioned.", "positive_behaviour_support", None),
    ("Crisis team. Not available.", "crisis_response", None),
    ("Advocacy - none commissioned.", "advocacy", None),
    ("Pooled budget: does not exist.", "pooled_budgets", None),
    ("Positive behaviour support: no local provision.", "positive_behaviour_support", None),
    ("Needs assessment: none undertaken for this group.", "needs_assessment", None),
    ("CHC. No issues with the new framework so far.", None, "chc"),
    ("CHC. No issues have been raised by families, but assessments are slow.", None, "chc"),
    ("Advocacy - none commissioned for children.", None, "advocacy"),
    ("Crisis response - none out of hours.", None, "crisis_response"),
    ("The council funds advocacy - no issues raised.", None, "advocacy"),
])
def test_themes_a_label_alone_then_a_sentence_that_denies_it(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("text, denied, not_denied", [
    # a thing said to be gone for good, as the subject of a word of it (session 51, cues-44)
    ("The crisis team was disbanded in 2011 when the trust reorganised.", "crisis_response", None),
    ("The section 75 agreement lapsed in 2012 and nothing has replaced it.", "pooled_budgets", None),
    ("The programme board lapsed after the 2012 restructure and has not met since.", "governance_partnership", None),
    ("Advocacy was withdrawn in April.", "advocacy", None),
    ("s75 - lapsed March 2012", "pooled_budgets", None),
    ("Partnership Board: disbanded 2011.", "governance_partnership", None),
    # not: taken back, scoped, under way or to come, denied, or a word with an everyday sense
    ("The section 75 agreement lapsed in 2012 but has been renewed.", None, "pooled_budgets"),
    ("The crisis team was disbanded and re-established in 2013.", None, "crisis_response"),
    ("The advocacy contract expired in March and has been re-let to a new provider.", None, "market_providers"),
    ("The crisis team was disbanded in 2011 and its functions were not re-provided.", "crisis_response", None),
    ("Advocacy was withdrawn for people in hospital.", None, "advocacy"),
    ("The crisis team has not been disbanded.", None, "crisis_response"),
    ("Partnership board - not disbanded, but now meets only twice a year.", None, "governance_partnership"),
    ("The section 75 has not lapsed.", None, "pooled_budgets"),
    ("The crisis team will be disbanded next year.", None, "crisis_response"),
    ("Funding transfers as inpatient contracts are decommissioned.", None, "market_providers"),
    ("The pooled budget lost two million pounds last year.", None, "pooled_budgets"),
])
def test_themes_a_thing_said_to_be_gone_is_denied(nlp_lexicon_only, text, denied, not_denied):
    assert_denial(nlp_lexicon_only, text, denied, not_denied)


@pytest.mark.parametrize("text, theme, denied", [
    ("Pooled budget. None in place.", "pooled_budgets", True),
    ("POOLED BUDGET. No.", "pooled_budgets", True),
    ("Crisis team? No.", "crisis_response", True),
    ("Personal budgets. None. Direct payments. None.", "personalisation", True),
    ("Pooled budget. No change since last year.", "pooled_budgets", False),
    ("Pooled budget. None of the partners has agreed yet.", "pooled_budgets", False),
    ("Pooled budget agreed. None in place for children.", "pooled_budgets", False),
    ("CHC. No issues.", "chc", True),
    ("Advocacy. No issues. Ordinary residence. Two disputes with a neighbouring authority.", "advocacy", True),
    ("Advocacy. No issues. Ordinary residence. Two disputes with a neighbouring authority.", "ordinary_residence",
     False),
    # trouble denied as the whole entry, in words `_NULL_ENTRIES` does not list, is a null entry too (cues-43)
    ("Safeguarding - no concerns raised.", "safeguarding", True),
    ("CHC: no disputes outstanding", "chc", True),
    ("Safeguarding: no major issues identified to date.", "safeguarding", True),
])
def test_themes_a_label_alone_then_a_null_entry_denies_it_in_an_answer(nlp_lexicon_only, text, theme, denied):
    """A label that makes a sentence of its own and a null entry as the next sentence read as a label and
    its null entry after a colon (session 51): a denial in an answer; in a document, where such pairs are
    a template's lines, no denial. Trouble denied as the whole entry is a null entry however it is put."""
    answer = next(extract_themes([text], nlp=nlp_lexicon_only, questions=["Please describe the arrangements."]))
    item = next(extract_themes([text], nlp=nlp_lexicon_only))
    assert answer[theme].negated is denied
    assert not item[theme].negated


def test_themes_a_null_entry_is_not_a_value_with_other_words():
    nlp = make_nlp(learned=False)
    for line in ("Housing: no local provider.", "Housing: no suitable properties in the county.",
                 "Crisis team: none of the referrals were refused."):
        assert [m.frame for m in one(nlp, "Recommendation: approve it. " + line)["housing" if "Housing" in line
                                                                                 else "crisis_response"].mentions] \
            != ["boilerplate"], line


def test_themes_a_terms_verb_forms_are_generated_but_not_a_lone_base_words():
    from wvtext.themes.lexicon import inflected_variants

    assert {"co locating", "co located"} <= set(inflected_variants("co-locate"))
    assert {"avoided admission", "avoiding admission"} <= set(inflected_variants("avoid admission"))
    assert inflected_variants("pooling") == ["pooled"]
    assert inflected_variants("planning") == ["planned"]  # the doubled consonant is shared
    assert inflected_variants("applied behaviour analysis")[-1] == "applying behaviour analysis"
    assert inflected_variants("studying") == ["studied"] and inflected_variants("agreeing") == ["agreed"]
    assert {"care planned", "care planning"} <= set(inflected_variants("care plan"))  # a final consonant doubled
    # no verb forms of a noun's ending or of a particle (they would never occur and slow the matcher)
    assert all(f.endswith(" assessment") for f in inflected_variants("needs assessment"))
    assert all(f.endswith(("ed down", "ing down")) for f in inflected_variants("step down"))
    assert "stepped down" in inflected_variants("step down")
    assert not any("tt" in f for f in inflected_variants("audit visit"))  # doubled in one syllable only
    # a lone base word changes sense when inflected ("register" vs "registered provider")
    assert inflected_variants("register") == []
    assert inflected_variants("need") == []


def _lexicon(folder, rows):
    folder.mkdir(exist_ok=True)
    path = folder / "lex.csv"  # a folder per lexicon: loaded lexicons are cached by path
    path.write_text("theme,term,weight,match,context,exclude,note\n" + "".join(r + "\n" for r in rows),
                    encoding="utf-8")
    return make_nlp(path, learned=False)


def test_themes_a_verb_form_of_a_term_matches_as_the_term_unless_marked_exact(tmp_path):
    text = "In the short term we are co-locating the children's team with the adult team."
    nlp = _lexicon(tmp_path, ["community_teams,co-locate,1.0,,,,"])
    s = next(extract_themes([text], nlp=nlp))
    assert [m.term for m in s["community_teams"].mentions] == ["co-locate"]
    m = s["community_teams"].mentions[0]
    assert text[m.start_char:m.end_char] == "co-locating"
    exact = _lexicon(tmp_path / "exact", ["community_teams,co-locate,1.0,exact,,,"])
    assert "community_teams" not in next(extract_themes([text], nlp=exact))


def test_themes_a_verb_form_another_theme_lists_is_left_to_that_themes_row(tmp_path):
    # "joint funded" is a chc term that must not stand beside "post"; the verb form of pooled
    # budgets' "joint funding" does not match it behind that row's back
    nlp = _lexicon(tmp_path, ["pooled_budgets,joint funding,0.8,,,,",
                              "chc,joint funded,0.6,,,post|team,"])
    assert next(extract_themes(["The team has a joint funded post."], nlp=nlp)) == {}
    s = next(extract_themes(["Two joint funded packages were agreed."], nlp=nlp))
    assert set(s) == {"chc"}


def test_themes_a_form_the_lexicon_lists_is_decided_by_its_own_row(tmp_path):
    # "reviewed" has a row of its own (with a context word), so the verb forms of "reviewing"
    # do not match it behind that row's back
    nlp = _lexicon(tmp_path, ["reviews_care_management,reviewing,1.0,,,,",
                              "reviews_care_management,reviewed,0.6,,person|people,,"])
    assert "reviews_care_management" not in next(extract_themes(["The accounts were reviewed."], nlp=nlp))
    s = next(extract_themes(["Each person is reviewed yearly."], nlp=nlp))
    assert [m.term for m in s["reviews_care_management"].mentions] == ["reviewed"]


@pytest.mark.parametrize("text", ["The 14-25 team holds the transition list.", "A 14 - 25 panel meets monthly.",
                                  "Young people aged 14\u201325 are tracked.", "The 14 25 team."])
def test_themes_an_age_span_of_themes_md_is_matched_however_written(nlp_lexicon_only, text):
    """themes.md names "14-25 teams" for transition; the tokenizer splits "14-25" at its hyphen,
    so the term is matched hyphenated, spaced and as typed."""
    assert "14-25" in [m.term for m in one(nlp_lexicon_only, text)["transition"].mentions]


def test_themes_each_component_reads_a_batch_whole_and_gives_what_one_doc_at_a_time_gives(nlp, seed_return, codebook):
    """Under `Language.pipe` every component of the theme pipeline reads a whole batch before the next
    component sees its first doc (the stage's speed, session 51), and the results are those of the
    components run one doc at a time: the Leicestershire answers with their questions and the
    return's abbreviations, and a few short texts (one empty)."""
    from wvtext.pipeline import question_text
    from wvtext.themes.acronyms import return_definitions
    from wvtext.themes.pipeline import with_questions

    answers = seed_return.answers
    texts = [a.narrative for a in answers] + ["", "No pooled budget.", "CHC and OR are not issues."]
    questions = [question_text(codebook, a.qid) for a in answers] + [None] * 3
    defined = return_definitions(a.narrative for a in answers)
    abbreviations = [defined] * len(answers) + [None] * 3

    def one_at_a_time():
        for doc in with_questions(nlp, texts, questions, abbreviations):
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            yield doc._.wv_themes or {}

    def as_read(scores):
        return {t: (s.confidence, s.negated, s.lexicon_confidence,
                    [(m.term, m.start_char, m.end_char, m.negated, m.hedged, m.in_list, m.frame) for m in s.mentions])
                for t, s in scores.items()}

    alone = [as_read(s) for s in one_at_a_time()]
    for size in (1, 7, 512):
        assert [as_read(s) for s in extract_themes(texts, nlp=nlp, questions=questions, abbreviations=abbreviations,
                                                    batch_size=size)] == alone
    assert sum(bool(s) for s in alone) > len(answers) // 2  # themes were found at all
    seen: list[int] = []

    def counted(docs):
        for k, doc in enumerate(docs):
            seen.append(k)
            yield doc

    ready = list(with_questions(nlp, texts[:20], None))  # each component is given docs its predecessors read
    for name, proc in nlp.pipeline:
        seen.clear()
        first = next(iter(proc.pipe(counted(ready), batch_size=8)))
        assert first is ready[0] and len(seen) == 8, name
        ready = list(proc.pipe(ready, batch_size=8))
