"""Narrative class, divergence and out-of-step: the hard cases pinned."""
import pytest

from wvtext.divergence import score_divergence, score_out_of_step
from wvtext.stance import StanceReader, resolve_references


@pytest.fixture(scope="module")
def reader(nlp):
    return StanceReader(nlp)


def read(nlp, reader, codebook, qid, text):
    return reader.read(nlp(text), codebook[qid])


@pytest.mark.parametrize(
    "qid, text, expected",
    [
        ("6.2", "Yes, a joint strategic lead post has been established and works to the programme board.", "yes"),
        # a hyphen inside a word ("person-centred", split off by the tokenizer) joins no clauses
        ("6.2", "Yes, a person-centred approach is used and is not limited.", "yes"),
        ("1.4", "Yes, the Partnership Board will receive regular updates and will be asked to monitor progress.", "in_progress"),
        ("2.7", "Not at present, however, this is an objective of the Programme Board.", "no"),
        ("6.6", "Not yet, as the work has not been completed.", "no"),
        ("8.1", "No, this is planned for next year.", "no"),
        ("6.8", "The local delivery plan is currently being developed and will be presented to the board.", "in_progress"),
        ("7.2", "Advocacy is monitored for adults. There are no commissioned advocacy services for children.", "partial"),
        ("4.2", "N/A - none funded by specialist commissioning.", "not_applicable"),
        # "n/a." in lower case: spaCy keeps "a." whole; it is still N/A
        ("4.2", "n/a.", "not_applicable"),
        ("4.2", "n/a. No one is funded by specialist commissioning.", "not_applicable"),
        ("1.5", "The Health and Wellbeing Board is fully engaged and receives regular reports.", "yes"),
        ("4.1", "There is agreement about the numbers of people affected.", "yes"),
        # The progressive aspect is work underway, whatever the verb; negated, it is not being done.
        ("2.7", "We're putting one together with the finance leads of both organisations.", "in_progress"),
        ("6.3", "The CCG is reconciling its placement list with the council's records.", "in_progress"),
        ("5.7", "We are not pursuing a separate workstream for this group.", "no"),
        ("3.1", "There is nothing in place for this group.", "no"),
        ("4.7", "The audit protocol is working well and is repeated every quarter.", "yes"),
        ("4.2", "Arrangements are the subject of further discussion with the Local Area Team.", "in_progress"),
        ("1.4", "Reporting route to the partnership board being set up; first report due in January.", "in_progress"),
        # "being" after a word for people names the cohort, not work underway.
        ("4.1", "A named worker for each person being reviewed has been agreed and is in place.", "yes"),
        # A later sentence that opens "No <thing>" about the question denies that part (session 21);
        # not an aside in brackets, two denials, or what a support question's answer does not ask for.
        ("7.2", "Advocacy quality is monitored through contract reviews for adults. No equivalent monitoring of "
                "advocacy for children.", "partial"),
        ("4.5", "The register is held by the CCG. No first point of contact has been named for each person yet.", "partial"),
        ("4.3", "Yes: the stakeholder group meets monthly with carers and self-advocates and reports to the board. "
                "(No crisis admissions since March, so crisis planning is not on its agenda.)", "yes"),
        ("7.3", "Each team has trained Best Interests Assessors. No person has been without an assessor when one "
                "was needed.", "yes"),
        ("1.9", "Local support from the regional network is lined up. No national support requested at this stage.", "yes"),
        # An affirmative opening, then a part not yet done and a plan for it: the plan is part of the
        # gap, so in place with a stated gap (partial), not "no" (session 21: the plans were counted
        # as "not yet" only after the gap had been weighed).
        ("10.1", "For adults, yes: the delivery plan covers everyone over 18. Children are not yet included, "
                 "and a joint post will be discussed.", "partial"),
        ("5.4", "The adults' board receives regular reports on the programme. The children's board has not yet "
                "been engaged; we will ask to join its agenda in January.", "partial"),
        # In place under strain (codebook: "Yes but challenging"; session 21).
        ("3.3", "Yes but stretched: reviews are on schedule, with agency social workers funded to March.", "partial"),
        ("3.5", "Everyone in the cohort has a named worker. Families of people in secure care struggle to reach them.", "partial"),
        # A denial, then work visibly underway after it: being set up, not yet in place (session 22).
        # Only intentions, or a lighter word of activity, after the denial stay no.
        ("2.4", "Not at present, however a risk-share protocol for high-cost placements is being finalised with "
                "the CCG's finance lead.", "in_progress"),
        ("8.2", "No. Out-of-hours cover comes from the general mental health crisis line. A learning disability "
                "crisis pathway is being developed with the trust.", "in_progress"),
        ("5.8", "Not at present; a group linking contracts, CQC and care managers is being set up, meeting first "
                "in March.", "in_progress"),
        ("5.6", "Not yet. The board will look at training once the delivery plan is signed off.", "no"),
        ("7.3", "Not currently, though the lead is looking at the rota.", "no"),
        # "Yes for <some people>" opens with its own limit: partial, even when what follows describes only
        # the part in place; "Yes for everyone ..." and "Yes for this programme" are not limits (session 22).
        ("4.6", "Yes for adults in the review cohort - IMHA and general advocacy through the council's contract.",
         "partial"),
        ("3.5", "Yes, for the seven people in assessment units: each has a named social worker.", "partial"),
        ("3.5", "Yes for all eleven people: each has a named social worker and an advocate.", "yes"),
        ("1.1", "Yes for this programme a joint group of the council and the CCG meets monthly.", "yes"),
        # A denial, then an informal arrangement in its place: partial (answer-classes: Informal
        # arrangements); informal talk is no arrangement (session 22).
        ("1.6", "There is no written protocol. Disagreements are settled informally by the two directors.", "partial"),
        ("2.4", "No pooled budget. An informal agreement between finance leads splits joint packages equally.",
         "partial"),
        ("10.2", "Not as yet. Future demand has been talked about informally at the board, but nothing is quantified.",
         "no"),
        # An opening that qualifies its own answer: "Broadly (yes)", "In most cases" (session 22).
        ("5.1", "Broadly yes. Alerts from host authorities reach the team through the ADASS protocol.", "partial"),
        ("4.8", "In most cases. Reviews record whether a behaviour support plan is in place and how often restraint is used.",
         "partial"),
        # "No admissions since March" reports a good outcome, as "no concerns" does, not a missing
        # arrangement; "No admission avoidance protocol" denies one (session 22).
        ("8.2", "Yes - the intensive support team works evenings and weekends with a crisis bed at the respite "
                "unit. No admissions since the team started in March.", "yes"),
        ("8.2", "The intensive support team works evenings and weekends. No admission avoidance protocol has been "
                "agreed with the mental health trust.", "partial"),
        # A time adverbial inside a denial ("has not so far been engaged", "not as yet been agreed"):
        # the denial reads through it (session 23).
        ("4.3", "Carers sit on the programme board. Healthwatch has not so far been engaged.", "partial"),
        ("1.6", "A disputes protocol has not as yet been agreed by the partners.", "no"),
        ("5.7", "The community safety partnership has not to date considered people moving from hospital.", "no"),
        # "informal patients" are those not detained, not an informal arrangement (session 22).
        ("3.5", "All have a named worker; IMHA for the detained and general advocacy for the 2 informal patients.",
         "yes"),
        ("1.6", "There is an informal arrangement between the directors.", "partial"),
        # A contrast followed by a denial in one sentence, or an affirmative opening with a gap later: partial.
        ("8.2", "There's a crisis service for adults, but nothing for under-18s, who still end up in A&E.", "partial"),
        ("5.5", "The board monitors safeguarding alerts and DoLS for people in placements. Restraint is not yet within "
                "its remit, and the board receives no data on restraint from providers.", "partial"),
        # A narrative with no stance cue that does not touch its question gives no answer.
        ("9.1", "Our approach is person centred and outcome focused across all of our teams.", "unclear"),
        ("6.4", "Yes, commissioning intentions agreed.", "yes"),
        # The question does not apply: said outright, or by an answer that opens with nobody placed.
        ("2.5", "As we do not operate a pooled budget for this group, the question of contributions does not arise.",
         "not_applicable"),
        ("6.5", "Nobody from our area is funded through NHS England specialised commissioning at present.",
         "not_applicable"),
        ("5.7", "Considered by the Community Safety Partnership in June; no specific action needed given small numbers.",
         "not_applicable"),
        # ... while the same sentence after an answer is context, not the answer.
        ("4.4", "A joint register is in place and updated monthly. Nobody in the current cohort is placed out of area.",
         "yes"),
        # "We do not have any people placed" denies people in a situation, not an arrangement: as the
        # opening, the question does not apply; after an answer, context ...
        ("4.2", "We do not have any young people currently placed by specialist commissioning.", "not_applicable"),
        ("4.2", "Case managers review every patient every six months. At present we do not have any young people "
                "placed in secure units.", "yes"),
        # ... while a denial of an arrangement, or a gap in who it covers, is still what it says.
        ("3.5", "We do not allocate named workers to people in out-of-area hospitals.", "no"),
        ("4.4", "A register exists. It does not yet include everyone funded wholly by health, so it is not complete.",
         "partial"),
        # The simple present denied ("we don't use", "does not monitor") is a denial, as the progressive is.
        ("2.3", "We don't use section 75 for learning disability services.", "no"),
        ("5.5", "The Safeguarding Board does not monitor restraint in these placements.", "no"),
        # A state denied after an affirmation is a gap: "is not included", and in note style
        # without its verb ("Ethnicity not recorded").
        ("10.1", "Adult commissioning covers it. Children's placements are not included in the joint plan.", "partial"),
        ("9.2", "Age and gender considered. Ethnicity not recorded on most files.", "partial"),
        # An affirmation, then a denial after a contrast or a semicolon: partial outweighs the denial ...
        ("5.4", "The adults' board gets a report at every meeting, but the children's board has not been briefed.",
         "partial"),
        ("7.2", "Quarterly activity figures are received from the provider; outcomes for people are not reported.",
         "partial"),
        # ... but not after a denial, and not when what follows is an aside about issues or absent people.
        ("1.4", "No, but we are discussing it with the chair.", "no"),
        ("1.3", "Yes, a joint planning group meets monthly. There are no young people in transition in the current "
                "cohort.", "yes"),
        ("1.3", "Yes, a joint planning group meets monthly. Ordinary Residence has not been an issue for anyone here.",
         "yes"),
        # An account of what was done that mentions the future in passing still says it is done;
        # a plan alone does not.
        ("6.1", "The assessment of commissioning requirements was finished in the spring, covering each person's "
                "housing, support and health needs, and the joint commissioning group signed it off in June. It will "
                "be refreshed each year as part of the annual review cycle.", "yes"),
        ("6.1", "An assessment will be done next year.", "no"),
        # A commitment, a wish or praise in place of an answer gives no answer.
        ("5.8", "Safeguarding is taken very seriously by all partners.", "unclear"),
        ("11.3", "We would welcome the chance to learn from other areas.", "unclear"),
        # ... but where the question asks what further support an area would use, a wish answers it.
        ("1.9", "We would welcome support with CHC and with information sharing.", "yes"),
        # An echo of the question that is itself qualified answers in part.
        ("3.1", "We have co-located community teams for adults.", "partial"),
        ("3.1", "We have an integrated community team for adults and children.", "yes"),
        # Asked whether something is joint, a part said to be separate is a gap.
        ("6.2", "Reviews are done jointly. Commissioning is still separate, with each partner buying its own "
                "services.", "partial"),
        # A split of money is no coverage in part; a share of something is.
        ("2.5", "Contributions were agreed in March: 60 per cent from the council and 40 per cent from the CCG.",
         "yes"),
        ("4.7", "About 70% of the case files have been audited.", "partial"),
        # A caveat word that names the question's own subject ("gap analysis") is no caveat.
        ("11.2", "The gap analysis was refreshed in the summer and shared with providers.", "yes"),
        # The contraction "there's no" denies as "there is no" does.
        ("5.5", "Alerts and DoLS are covered. There's no agreed way of monitoring restraint yet.", "partial"),
        # A state denied with an irregular participle, or with "never".
        ("6.1", "The joint assessment of commissioning requirements has not begun.", "no"),
        ("4.7", "The quality of the reviews was never audited.", "no"),
        # "people expected to move" says who, not what the area plans; the later gap makes it partial.
        ("6.1", "Requirements have been assessed for the six people expected to move this year. For the other "
                "two, whose discharge is further off, the work has not begun.", "partial"),
        # One sentence that affirms and then states a gap weighs as a whole, over its own affirmation.
        ("7.3", "We have enough trained assessors for DoLS, but they are not routinely part of care planning.",
         "partial"),
        # The same with work still underway after the contrast; work underway on both sides is progress.
        ("4.5", "The register is held by the CCG, but we are still agreeing who the first point of contact will "
                "be for each person.", "partial"),
        ("4.5", "The register is being rebuilt, but we are still agreeing who the first point of contact will "
                "be for each person.", "in_progress"),
        # A caveat about the question in a later sentence limits what the opening affirmed;
        # one about something else is an aside.
        ("1.4", "Monitoring is in place: the Partnership Board receives a progress report each quarter. Its "
                "monitoring of children's services is limited and less well developed.", "partial"),
        ("1.4", "Monitoring is in place: the Partnership Board receives a progress report each quarter. Housing "
                "for people leaving hospital is found case by case.", "yes"),
        # A speaker's label before the answer ("LA:", "CCG:") is not its opening word.
        ("2.3", "LA: No s75 for learning disability. CCG: No.", "no"),
        ("2.3", "Yes: a section 75 agreement covers the pooled budget.", "yes"),
        # A reference to a document the return does not hold gives no answer; one beside an answer is context.
        ("8.3", "Please see the workforce chapter of our joint strategy.", "unclear"),
        ("8.3", "No. See attached.", "no"),
        ("1.4", "We will see the plan through.", "no"),
        # "never" before a failure affirms; words before a colon that are no speaker are the answer's.
        ("1.4", "The Partnership Board monitors progress and has never missed a quarterly review.", "yes"),
        ("2.3", "Under development: a section 75 agreement is being drafted.", "in_progress"),
        ("8.3", "As described in our joint strategy, a workforce and skills assessment was completed in May and "
                "shared with providers.", "yes"),
        # What is waited for is not in place: a "once"/"when" clause after a future, "until", "pending".
        ("2.1", "Costing will start once the budget is agreed.", "no"),
        ("2.2", "Funding map will be completed when the structure is in place.", "no"),
        ("2.6", "The pooled budget covers young people from 14 once they are known to the transitions team.", "yes"),
        # A note's subject and what is to be done: a plan; what someone asks or requires is not.
        ("4.4", "Register to be set up in the new year.", "no"),
        ("1.5", "Reports to be presented to the Board in the new year.", "no"),
        ("7.3", "The team's procedure requires one to be involved in care planning whenever a person lacks "
                "capacity to agree to a move.", "yes"),
        # "operational" before a noun names a kind of thing, not something in operation.
        ("3.2", "Operational policy is being drafted.", "in_progress"),
        ("3.2", "The community team is fully operational.", "yes"),
        # A cue holds for either number of its subject ("is agreed", "are agreed").
        ("1.1", "Joint arrangements with specialist commissioning are agreed.", "yes"),
        # The longest cue wins where cues overlap, also where a shorter one starts first: "are
        # being put in place" is work underway, not "in place".
        ("6.2", "A shared commissioning framework is being put in place with the housing team.", "in_progress"),
        # Monitoring or following up in the progressive is a practice in operation, not work underway.
        ("5.5", "Restraint figures from each provider are being monitored by the safeguarding board.", "yes"),
        ("5.5", "Restraint figures from each provider are not being monitored.", "no"),
        # "working with" after a noun says who someone is; after "are" or opening a note, work underway.
        ("5.6", "The trust runs a learning set for nurses working with people whose behaviour challenges.", "yes"),
        ("5.6", "We are working with the trust on a learning set for nurses.", "in_progress"),
        # An answer that opens with "Nothing" denies, as one that opens with "None" does.
        ("5.6", "Nothing joint with the hospitals has been arranged so far.", "no"),
        ("11.3", "Nothing of note to put forward from this area.", "no"),
        # An opening that denies only the manner or extent ("Not routinely", "Not fully") concedes the
        # thing in another form: partial; one that denies it for now ("Not yet") is no.
        ("4.6", "Not routinely; advocacy is arranged when a family asks for it.", "partial"),
        ("1.4", "Not fully. The board sees an annual summary only.", "partial"),
        # A denial followed by what is done in its place is another arrangement: partial; after the
        # bare answer "No." it is still no.
        ("1.6", "There is no written escalation route. In practice, the two directors settle any disagreement "
                "between them.", "partial"),
        ("2.4", "We do not have a risk share. Instead, each partner pays for the people it places.", "partial"),
        ("2.4", "No. In practice the council pays for everyone on its own.", "no"),
        # Some of a set done and the rest still to come is work underway (Most/Some completed with timescales).
        ("6.1", "Eight of the ten assessments have been completed; the rest follow in the spring.", "in_progress"),
        # "In process", a code of answer-classes, as an opening is work underway.
        ("2.2", "In process. Each partner has sent its figures to the finance lead.", "in_progress"),
        # An answer that opens with a code of answer-classes takes its class.
        ("1.4", "Other arrangement: the carers forum hears about progress twice a year.", "partial"),
        ("6.8", "Already completed. The plan was signed off in May, and reporting on it may need to change.", "yes"),
        ("2.2", "Mostly: health funding is clear and social care funding is not.", "partial"),
        # "being ..." after "of", in the past or in a "whenever" clause tells a circumstance, not work underway.
        ("3.1", "The intensive support team takes on anyone at risk of being admitted to hospital.", "yes"),
        ("7.3", "A best interests assessor joins the meeting whenever a move is being considered.", "yes"),
        ("3.2", "The team role is being considered by the board.", "in_progress"),
        # A denial of trouble, two denials, a denial of the work still going on: no denial of the thing.
        ("2.2", "No concerns here: both partners know what each placement costs and who pays.", "yes"),
        ("2.1", "There are no significant gaps in what we know about the cost of each placement.", "yes"),
        ("4.9", "Every review was finished by the end of May and none is outstanding.", "yes"),
        ("11.1", "A market capacity assessment is not in progress, as it was completed last year.", "yes"),
        ("1.8", "There are no concerns about ordinary residence.", "no"),  # asked about issues: its answer No
        # ", and" opens another clause, where trouble is affirmed, unless it ends a list
        ("1.8", "There are no concerns about continuing healthcare, and disputes about ordinary residence go to "
                "the board.", "yes"),
        ("1.8", "There have been no delays, complaints, and disputes.", "no"),
        ("3.3", "No, not without extra resource.", "no"),
        ("11.2", "No - last gap analysis 2011, before the programme.", "no"),  # the answer No, then what there is
        # An answer that opens with its question's own code label answers as that code.
        ("4.5", "In process - list held, but who the contact in the other area is still needs confirming.",
         "in_progress"),
        ("4.3", "Further discussion: carers are not yet on the group.", "in_progress"),
        # In note style a spaced dash joins a gap to what is in place, as a semicolon does.
        ("2.3", "Pooled fund in place (adults) - children not included yet.", "partial"),
        ("5.6", "Yes, regional only - staff go to the regional network; no separate local programme.", "yes"),
        # A gap in a later sentence makes it partial even when it weighs far less than what is
        # affirmed (at least a quarter as much).
        ("4.4", "There is a joint register of people in hospital settings. It does not include people in the "
                "community who may be at risk of admission.", "partial"),
        # "X yes, Y not yet": a split answer, as with a semicolon.
        ("5.4", "Adult board yes, the children's board not yet involved.", "partial"),
        # "will" in a question's relative clause ("the numbers of people who will be affected") does
        # not make it a question about the future: "Yes" over plans is still in progress.
        ("4.1", "Yes, we will agree the final numbers with the CCG next month and then write to each family.",
         "in_progress"),
        ("6.9", "Yes, all moves are expected to be completed by the end of May.", "yes"),
        # Some of a set done, written as a fraction, and the rest outstanding ("o/s").
        ("4.9", "12/15 done by end of May. 3 o/s - dates agreed with the hospitals.", "in_progress"),
        # Considered and not required (codebook: Considered / not required), also in a later sentence.
        ("5.7", "The partnership discussed the programme in June. It concluded that its existing work covers "
                "this and that no further action is required.", "not_applicable"),
        ("5.7", "The board talked it through and decided nothing more was needed.", "not_applicable"),
        # A procedure that has not needed to be used is there.
        ("1.6", "The disputes procedure is in the partnership agreement. It has not needed to be used.", "yes"),
        # "support plans to be shared" names documents, not an intention ("we plan to" is one).
        ("5.2", "When someone moves, the care co-ordinator arranges for risk assessments and support plans to be "
                "shared with the new provider.", "yes"),
        ("5.2", "We plan to be ready to share risk assessments with providers by April.", "no"),
        # An answer that opens with "Some" (answer-classes: Some instances).
        ("4.8", "Some - better where the person has a behaviour support plan.", "partial"),
        # Denying a fresh start says the thing was there already.
        ("1.1", "This is not something we have had to build from scratch: the joint commissioning board already "
                "oversees learning disability services for both partners.", "yes"),
        # Comparative deficits and uneven coverage.
        ("2.2", "Funding for people in local beds is understood. The picture for the secure cohort is harder "
                "to establish.", "partial"),
        ("5.1", "Varies by host authority: two share alerts promptly.", "partial"),
        ("7.2", "Contract returns tell us about numbers. We have much less information on quality.", "partial"),
    ],
)
def test_divergence_narrative_class(nlp, reader, codebook, qid, text, expected):
    assert read(nlp, reader, codebook, qid, text).text_class == expected


def test_divergence_not_envisaging_a_problem_is_no_denial(nlp, reader, codebook):
    assert read(nlp, reader, codebook, "6.9", "We do not envisage any difficulty in meeting the target date.").text_class != "no"


def test_divergence_see_above_resolves_to_previous_answer(nlp, reader, codebook):
    st = {"11.1": read(nlp, reader, codebook, "11.1", "An assessment of market capacity is underway and being developed."),
          "11.2": read(nlp, reader, codebook, "11.2", "See above.")}
    assert st["11.2"].xref_only
    out = resolve_references(st, codebook)
    assert out["11.2"].text_class == "in_progress" and out["11.2"].resolved_from == "11.1"


def test_divergence_explicit_reference_resolves(nlp, reader, codebook):
    st = {"1.3": read(nlp, reader, codebook, "1.3", "A planning function has been established."),
          "8.1": read(nlp, reader, codebook, "8.1", "See 1.3 above.")}
    assert resolve_references(st, codebook)["8.1"].resolved_from == "1.3"


@pytest.mark.parametrize("text", ["Q1.3 refers", "1.3 applies.", "Question 1.3 covers this."])
def test_divergence_a_question_named_first_then_refers_resolves(nlp, reader, codebook, text):
    st = {"1.3": read(nlp, reader, codebook, "1.3", "A planning function has been established."),
          "2.1": read(nlp, reader, codebook, "2.1", text)}
    assert st["2.1"].xref_only and resolve_references(st, codebook)["2.1"].resolved_from == "1.3"


def test_divergence_reference_from_the_support_question_is_not_followed(nlp, reader, codebook):
    """1.9 asks where further support would help: "See 2.4" names a topic for support, and the
    answer to 2.4 (how far pooling has got) says nothing about whether support is wanted."""
    st = {"2.4": read(nlp, reader, codebook, "2.4", "Nothing is in place yet; a pooled budget is being discussed."),
          "1.9": read(nlp, reader, codebook, "1.9", "See 2.4")}
    assert st["1.9"].xref_only
    out = resolve_references(st, codebook)
    assert out["1.9"].text_class == "unclear" and not out["1.9"].resolved_from


def test_divergence_unfollowable_reference_is_unclear(nlp, reader, codebook):
    st = {"11.2": read(nlp, reader, codebook, "11.2", "As per previous answer.")}
    assert resolve_references(st, codebook)["11.2"].text_class == "unclear"


def div(nlp, reader, codebook, qid, text, codes, *, valid=True):
    q = codebook[qid]
    cls = q.code(codes[0]).answer_class if codes and valid and q.kind == "yes_no" else ""
    st = read(nlp, reader, codebook, qid, text)
    return score_divergence(q, codes=codes, code_valid=valid, code_class=cls, narrative=text, stance=st)


def test_divergence_yes_over_plans_is_overstated(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "6.1", "Yes, pen portraits are being produced and an assessment will be completed in the autumn.", [1])
    assert d.divergent and d.type == "overstated" and 0 < d.score <= 1


def test_divergence_long_account_under_not_clear_is_understated(nlp, reader, codebook):
    # Coded "Not clear" over a long account of the register and its upkeep, with no "yes" or "in
    # place": the code understates it. A short cue-less line under the same code is not flagged.
    text = ("The CCG's complex care team holds the register of everyone in a hospital bed. A named data officer "
            "updates it monthly from the bed returns, and the joint commissioning group checks it against "
            "the council's records every quarter; each person's care co-ordinator is recorded as the first "
            "point of contact.")
    d = div(nlp, reader, codebook, "4.5", text, [2])
    assert d.divergent and d.type == "understated"
    assert not div(nlp, reader, codebook, "4.5", "The CCG complex care team looks after the register.", [2]).divergent


def test_divergence_contradiction(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "2.4", "There is no pooled budget and no agreement to share financial risk.", [1])
    assert d.divergent and d.type == "contradiction" and d.score > 0.6


def test_divergence_hidden_issue(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "1.8", "We are in an ongoing ordinary residence dispute with a neighbouring authority about two people.", [0])
    assert d.divergent and d.type == "hidden_issue"
    ok = div(nlp, reader, codebook, "1.8", "There are no ordinary residence issues.", [0])
    assert not ok.divergent
    # an authority querying a person's ordinary residence is an issue, however the answer opens
    d = div(nlp, reader, codebook, "1.8", "No current disputes as such - but a neighbouring council is querying OR "
                                          "for one man placed here.", [0])
    assert d.divergent and d.type == "hidden_issue"
    # "the people concerned" is who is involved, not a concern
    ok = div(nlp, reader, codebook, "1.8", "There are no ordinary residence issues. Social workers keep in touch "
                                           "with the families of the people concerned.", [0])
    assert not ok.divergent


def test_divergence_invalid_code(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "3.5", "Named workers support every person.", [3], valid=False)
    assert d.divergent and d.type == "invalid_code" and d.score == 1.0


def test_divergence_blank_code_with_answer(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "1.5", "The Health and Wellbeing Board is fully engaged.", [])
    assert d.divergent and d.type == "no_response"


def test_divergence_agreement_not_flagged(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "1.5", "The Health and Wellbeing Board is fully engaged and receives regular reports.", [1])
    assert not d.divergent and d.score == 0.0


def test_divergence_partners_mismatch(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "1.2", "The CCG and our providers are working with us.", [5, 6, 7])
    assert d.divergent and d.type == "partners_mismatch"
    same = div(nlp, reader, codebook, "1.2", "The CCG, NHS England specialised commissioning and providers are on the board.", [5, 6, 7])
    assert not same.divergent


def test_divergence_a_councils_housing_company_is_the_housing_partner(nlp, reader, codebook):
    same = div(nlp, reader, codebook, "1.2", "The CCG and Tameside Homes, our ALMO, sit on the delivery group.", [3, 5])
    assert not div(nlp, reader, codebook, "1.2", "CCG, two RSLs and the disabled children team.", [2, 3, 5]).divergent
    assert not same.divergent


def test_divergence_obstacle_mismatch(nlp, reader, codebook):
    d = div(nlp, reader, codebook, "6.10", "The main obstacle is funding for major adaptations.", [2])
    assert d.divergent and d.type == "obstacle_mismatch"


def test_divergence_a_partner_named_only_to_say_it_takes_no_part_is_not_named(nlp, reader, codebook):
    # "Housing ... have been invited ... but have yet to attend": housing is no working partner,
    # so a code that includes housing (3) disagrees with the narrative.
    text = ("Children's Services and the CCG sit on the Programme Group with adult social care. Housing colleagues "
            "from the Council have been invited on three occasions but have yet to attend.")
    assert read(nlp, reader, codebook, "1.2", text).partners == (1, 2, 5)
    assert div(nlp, reader, codebook, "1.2", text, [1, 2, 3, 5]).type == "partners_mismatch"
    # ... and only the partner the words are about: the next partner named is read on its own
    both = read(nlp, reader, codebook, "1.2", "Housing and Children's Services attend, but the CCG has yet to attend.")
    assert both.partners == (2, 3)
    assert read(nlp, reader, codebook, "1.2", "Adult social care leads; housing is not represented.").partners == (1,)


def test_divergence_obstacles_the_narrative_labels_itself_decide(nlp, reader, codebook):
    # "Financial - ... housing schemes ...": housing is what the financial obstacle is about, not a
    # third, "other" obstacle.
    text = ("Financial - the two bespoke housing schemes need capital which neither organisation has identified. "
            "Legal - two people are restricted patients and their discharge requires Ministry of Justice agreement.")
    assert read(nlp, reader, codebook, "6.10", text).obstacles == (1, 2)
    assert not div(nlp, reader, codebook, "6.10", text, [1, 2]).divergent
    # unlabelled, the housing market is an obstacle of its own
    assert read(nlp, reader, codebook, "6.10", "Funding for the schemes; also the housing market.").obstacles == (1, 3)
    # a label's dash typed without spaces before an abbreviation is still the label's dash
    assert read(nlp, reader, codebook, "6.10",
                "Financial-CCG has not agreed to fund the two housing schemes.").obstacles == (1,)


@pytest.mark.parametrize("qid, text, expected", [
    # A RAG status pasted from a team's update: amber is underway, green done, red not.
    ("1.3", "Commissioning Hub update 03/06/13 - AMBER. Joint commissioning manager post approved by the executive; "
            "advert closes 28 June.", "in_progress"),
    ("5.8", "Amber - on track for Sept. Quality surveillance group being set up; first meeting scheduled.", "in_progress"),
    # ... the rating's dash typed without spaces ("AMBER-on track") is no hyphen inside a word
    ("5.8", "AMBER-on track for Sept. Quality surveillance group being set up; first meeting scheduled.", "in_progress"),
    ("6.2", "Green. The CCG and Council commissioners work from one shared plan.", "yes"),
    ("6.2", "RAG status: red. No joint plan has been agreed between the CCG and the Council yet.", "no"),
    # ... but not a colour in a name or a phrase
    ("6.2", "The Green Lane team and the CCG work from one shared plan for the red flag cases.", "unclear"),
    # approval: "signed off" is agreed
    ("6.2", "The CCG and Council commissioners work from one plan, and each specification is signed off by both.", "yes"),
    # an arrangement that lapsed, with nothing in its place
    ("2.3", "The Council and the former PCT operated a s75 agreement for community nursing, which lapsed in April. "
            "Nothing has replaced it to date.", "no"),
    # an answer that opens by asking back describes nothing in place
    ("4.2", "Who at the Area Team is to be the case manager for our nine specialised commissioning patients? "
            "Confirmation has been promised shortly since March.", "unclear"),
])
def test_stance_status_words_approvals_lapses_and_questions_back(nlp, reader, codebook, qid, text, expected):
    assert read(nlp, reader, codebook, qid, text).text_class == expected


def test_divergence_leicestershire_required_flags(tmp_path):
    from wvtext.pipeline import ingest_files, run_out_of_step, run_text_stages
    from wvtext.store import open_store
    from conftest import SEED_RETURN

    store = open_store(tmp_path / "w.db")
    ingest_files([SEED_RETURN], store)
    run_text_stages(store, ["leicestershire"], [])
    run_out_of_step(store)
    by = {r["qid"]: r for r in store.answer_analysis(["leicestershire"])}
    assert (by["3.5"]["divergent"], by["3.5"]["divergence_type"]) == (1, "invalid_code")
    assert (by["1.8"]["divergent"], by["1.8"]["divergence_type"]) == (1, "hidden_issue")
    assert "leicestershire" in store.return_scores()
    # outputs.md: the type is empty when the answer is not divergent, even where the code and the
    # narrative lean apart below the flag (3.2 and 4.2 did, as "understated").
    leaning = {q for q, r in by.items() if not r["divergent"] and r["divergence_score"]}
    assert leaning and all(by[q]["divergence_type"] == "" for q in leaning)
    assert all(r["divergence_type"] for r in by.values() if r["divergent"])


def _ret(rid, region, classes, div_types=()):
    answers = [{"qid": f"{i // 9 + 1}.{i % 9 + 1}", "code_class": c, "divergent": 0, "divergence_type": ""}
               for i, c in enumerate(classes)]
    for i, t in div_types:
        answers[i].update(divergent=1, divergence_type=t)
    return {"return_id": rid, "region": region, "answers": answers}


def test_divergence_yes_over_plans_again_and_again_comes_out_on_top():
    typical = ["yes", "in_progress", "no", "partial", "yes", "in_progress"] * 5
    returns = [_ret(f"r{i}", "North", typical[i % 3:] + typical[: i % 3]) for i in range(8)]
    returns += [_ret(f"s{i}", "South", typical[::-1]) for i in range(6)]
    over = _ret("overstater", "North", ["yes"] * 30, [(i, "overstated") for i in range(1, 30, 2)])
    scored = {o.return_id: o for o in score_out_of_step(returns + [over])}
    top = max(scored.values(), key=lambda o: o.score)
    assert top.return_id == "overstater" and top.flagged
    assert not any(o.flagged for k, o in scored.items() if k != "overstater")
    assert top.drivers


def test_divergence_small_region_shrinks_to_national():
    base = ["yes", "no", "in_progress"] * 10
    returns = [_ret(f"n{i}", "Big", base) for i in range(10)] + [_ret("alone", "Tiny", base)]
    alone = next(o for o in score_out_of_step(returns) if o.return_id == "alone")
    assert alone.profile_distance < 0.5 and not alone.flagged


def test_divergence_plans_beside_existing_arrangements_do_not_crash(nlp, reader, codebook):
    # Regression: plan cues folded into in_progress must carry their evidence sentence.
    st = read(nlp, reader, codebook, "2.3", "A section 75 agreement is in place and has been agreed. We plan to refresh it.")
    assert st.text_class in ("yes", "partial", "in_progress") and st.evidence


@pytest.fixture()
def stance_models(tmp_path):
    """A copy of models/stance/ to edit."""
    import shutil

    from wvtext.stance import _models
    for f in _models().iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


@pytest.mark.parametrize("row, field", [
    ('"\\bsee the plan\\b",elsewhere,a target that does not exist', "target"),
    ('"see (?P<qid>\\d+",qid,an unclosed group', "pattern"),
])
def test_divergence_bad_xref_row_is_a_clear_error(nlp, stance_models, row, field):
    from wvtext.errors import WvtextError
    with open(stance_models / "xrefs.csv", "a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    with pytest.raises(WvtextError, match=rf"xrefs.csv, row \d+, field {field}"):
        StanceReader(nlp, models=stance_models)


def test_divergence_readers_with_other_cues_do_not_share_scores(nlp, codebook, stance_models):
    """A doc read by one reader and then by another with a different cue set is scored afresh."""
    import csv

    with open(stance_models / "cues.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r[0] != "in place"]
    with open(stance_models / "cues.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    doc = nlp("A section 75 agreement is in place.")
    first = StanceReader(nlp).read(doc, codebook["2.3"])
    second = StanceReader(nlp, models=stance_models).read(doc, codebook["2.3"])
    assert first.scores.get("yes", 0) > 0 and second.scores.get("yes", 0) < first.scores["yes"]


def test_flag_drivers_are_in_question_order_whatever_order_the_answers_come_in():
    from wvtext.divergence import flag_drivers, reviewed_drivers

    answers = [{"qid": q, "divergent": d, "divergence_type": t} for q, d, t in [
        ("10.1", 1, "overstated"), ("2.3", "1", "contradiction"), ("1.8", True, "hidden_issue"),
        ("3.5", 1, "invalid_code"), ("1.1", "0", "overstated"), ("6.10", 1, "understated"), ("6.2", 1, "overstated")]]
    assert flag_drivers(answers) == ["1.8 hidden_issue", "2.3 contradiction", "6.2 overstated", "6.10 understated",
                                     "1 more flag"]
    assert reviewed_drivers("4.1 (-2.2 sd); 9.9 overstated; codes ahead of region (+1.00 sd on average)",
                            answers[:2]) == ("4.1 (-2.2 sd); codes ahead of region (+1.00 sd on average); "
                                             "2.3 contradiction; 10.1 overstated")


def test_flag_drivers_are_the_highest_scoring_flags_and_say_how_many_more():
    """Four flags are shown, the four that score highest (in question order), and the rest counted:
    an adviser sees the 0.76 contradiction of 6.4, not four weak flags that come before it."""
    from wvtext.divergence import flag_drivers, reviewed_drivers

    answers = [{"qid": q, "divergent": 1, "divergence_type": t, "divergence_score": s} for q, t, s in [
        ("2.2", "overstated", "0.52"), ("2.3", "overstated", "0.54"), ("3.1", "overstated", "0.53"),
        ("3.3", "overstated", "0.72"), ("5.6", "overstated", "0.47"), ("6.4", "contradiction", "0.76")]]
    assert flag_drivers(answers) == ["2.3 overstated", "3.1 overstated", "3.3 overstated", "6.4 contradiction",
                                     "2 more flags"]
    assert reviewed_drivers("codes ahead of region (+1.00 sd on average); 2.3 overstated; 2 more flags",
                            answers[:2]) == "codes ahead of region (+1.00 sd on average); 2.2 overstated; 2.3 overstated"


def test_an_out_of_step_score_from_flags_about_no_codes_names_them():
    """A return whose only flags are no response and invalid codes scores on its divergence rate;
    its drivers say so rather than leave the score unexplained."""
    from wvtext.codebook import load_codebook

    cb = load_codebook()

    def answers(blank: int):
        return [{"qid": q.qid, "code_class": "" if i < blank else "yes", "divergent": i < blank,
                 "divergence_type": ("no_response" if i < blank - 2 else "invalid_code") if i < blank else ""}
                for i, q in enumerate([q for q in cb if not q.is_categorical])]
    returns = [{"return_id": f"r{k}", "region": "East Midlands", "answers": answers(20 if k == 0 else 0)} for k in range(4)]
    scored = {s.return_id: s for s in score_out_of_step(returns)}
    assert scored["r0"].score > 0
    assert scored["r0"].drivers == ["20 of 59 answers flagged (invalid_code 2, no_response 18)"]
    assert all(not scored[r].drivers and scored[r].score == 0 for r in ("r1", "r2", "r3"))


def test_a_return_alone_in_its_region_is_said_to_be_ahead_of_the_nation():
    """A return whose region has no other return is compared with the nation (its region's mean is
    the national one): the driver names the yardstick it was measured against."""
    from wvtext.codebook import load_codebook

    qs = [q for q in load_codebook() if not q.is_categorical]

    def answers(cls: str):
        return [{"qid": q.qid, "code_class": cls, "divergent": False, "divergence_type": ""} for q in qs]
    returns = [{"return_id": f"em{k}", "region": "East Midlands", "answers": answers("no" if k % 2 else "in_progress")}
               for k in range(6)]
    returns.append({"return_id": "sw", "region": "South West", "answers": answers("yes")})
    returns.append({"return_id": "em-ahead", "region": "East Midlands", "answers": answers("yes")})
    scored = {s.return_id: s for s in score_out_of_step(returns)}
    assert scored["sw"].drivers[0].startswith("codes ahead of the nation (+")
    assert scored["em-ahead"].drivers[0].startswith("codes ahead of region (+")


def test_drivers_are_what_made_the_score():
    """Single questions out of line add nothing to the score unless the whole profile shifts: a
    return with no shift has none among its drivers, a return scoring 0 has no drivers at all, and
    with a shift only the questions in its direction are named."""
    from wvtext.codebook import load_codebook

    qs = [q for q in load_codebook() if not q.is_categorical]

    def answers(classes):
        return [{"qid": q.qid, "code_class": c, "divergent": False, "divergence_type": ""} for q, c in zip(qs, classes)]
    mixed = ["no" if k % 2 else "in_progress" for k in range(len(qs))]
    returns = [{"return_id": f"em{k}", "region": "East Midlands", "answers": answers(mixed)} for k in range(6)]
    one_off = ["yes"] + mixed[1:]  # one question far ahead of the region: no shift
    odd = score_out_of_step(returns + [{"return_id": "odd", "region": "East Midlands", "answers": answers(one_off)}])
    assert odd[-1].score == 0 and odd[-1].drivers == []
    ahead = ["yes"] * (len(qs) - 1) + ["no"]
    returns.append({"return_id": "ahead", "region": "East Midlands", "answers": answers(ahead)})
    scored = {s.return_id: s for s in score_out_of_step(returns)}
    assert scored["ahead"].drivers[0].startswith("codes ahead of region")
    assert len(scored["ahead"].drivers) == 4 and all("(+" in d for d in scored["ahead"].drivers[1:])


def test_a_count_of_flags_among_the_drivers_is_recounted_after_review():
    from wvtext.divergence import reviewed_drivers

    answers = [{"qid": q, "divergent": 1, "divergence_type": "no_response"} for q in ("1.1", "1.3", "2.1")]
    drivers = "3 of 9 answers flagged (no_response 3)"
    assert reviewed_drivers(drivers, [dict(a, divergent=0) for a in answers]) == ""  # every flag dismissed
    assert reviewed_drivers(drivers, answers[:2] + [dict(answers[2], divergent=0)]) == "2 of 3 answers flagged (no_response 2)"
    added = answers + [{"qid": "1.6", "divergent": 1, "divergence_type": "overstated"}]
    assert reviewed_drivers(drivers, added) == "1.6 overstated"  # a claim about the codes explains it now


def test_a_categorical_flag_says_what_the_narrative_names():
    from wvtext.codebook import load_codebook
    from wvtext.divergence import narrative_side

    cb = load_codebook()
    q12, q610 = cb.get("1.2"), cb.get("6.10")
    named = narrative_side({"text_class": "yes", "partners": "3;7", "obstacles": ""}, q12)
    labels = {c.code: c.label for c in q12.codes}
    assert named == f"names 3 {labels[3]}, 7 {labels[7]}"
    assert narrative_side({"text_class": "unclear", "partners": "", "obstacles": ""}, q610) == "names none"
    assert narrative_side({"text_class": "partial"}, cb.get("1.1")) == "partial"


def test_a_flag_shows_the_code_with_its_labels(codebook):
    from wvtext.divergence import code_side

    assert code_side("4", "yes", codebook["5.6"]) == "code 4 Yes, regional only (yes)"
    assert code_side("1", "", codebook["6.10"]) == "code 1 Financial"
    assert code_side("5, 6", "", codebook["1.2"]).startswith("code 5, 6 CCG")
    assert code_side("", "", codebook["2.1"]) == "code blank (-)"
    assert code_side("9", "", codebook["2.1"]) == "code 9 (-)"  # outside the scheme: no label to show


def test_an_issue_pointed_back_at_is_quoted_with_the_sentence_that_names_it(nlp, reader, codebook):
    text = ("No issues for most people. Harbury say one man placed in 2009 is ordinarily resident here. "
            "We do not accept this and the matter is with the Department of Health for a determination.")
    st = read(nlp, reader, codebook, "1.8", text)
    assert st.issues_affirmed and st.evidence.startswith("Harbury say one man") and "determination" in st.evidence
