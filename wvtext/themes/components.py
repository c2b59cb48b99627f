"""spaCy components of the theme pipeline (registered on import).

- `wvtext_theme_matcher`: finds lexicon terms (normalised words; exact-case acronyms) and puts
  them in `doc.spans["wvtext_themes"]`, label = theme id, with the term's weight.
- `wvtext_negation`: marks each mention negated (NegEx-style cues before or after it, scoped to
  its clause) and hedged (a sentence that plans, considers or expects rather than states).
- `wvtext_theme_scorer`: turns the mentions of each theme into a confidence in 0..1 and sets
  `doc._.wv_themes` = {theme: ThemeScore}.
"""
from __future__ import annotations

import itertools

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
import numpy as np
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LOWER, NORM, ORTH, SENT_START, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from ..learned import QUESTION_KEY
from .acronyms import DEFINITIONS_KEY, OWN_DEFINITIONS_KEY, abbreviates, definitions, may_define, written_forms
from .lexicon import (THEMES, Lexicon, cue_words, inflected_variants, load_lexicon, normalize_word, pattern_variants,
                      term_words)


def pipe_in_batches(component, docs, batch_size: int = 512):
    """`Language.pipe`'s way through a component, a batch at a time: the component reads the whole
    batch before the next component sees its first doc. Docs and results are the same as one doc at
    a time; the theme stage ran about a quarter faster so (`bench/themes.py`, session 51), most likely
    because each component's code and data stay in the processor's caches through a batch."""
    for batch in minibatch(docs, size=batch_size):
        yield from [component(doc) for doc in batch]


class BatchPipe:
    """A component's `pipe`: `pipe_in_batches` over the component itself."""

    def pipe(self, docs, batch_size: int = 512):
        return pipe_in_batches(self, docs, batch_size)


__all__ = ["Mention", "ThemeScore", "SPANS_KEY", "THRESHOLD"]

SPANS_KEY = "wvtext_themes"
WORD_HYPHEN = "\u2010"  # the norm a doc view gives a hyphen inside a word (`_DocView`; a U+2010 typed in a text is read as "-")
THRESHOLD = 0.5  # a theme is carried when its confidence reaches this

if not Doc.has_extension("wv_themes"):
    Doc.set_extension("wv_themes", default=None)

# Cue words are compared with token norms (lower case, plurals folded).
NEG_PRE = {"no", "not", "n't", "none", "without", "never", "nor", "neither", "cannot", "absence", "lack", "nobody",
           "noone"}
NEG_PRE_PHRASES = (("not", "aware"), ("no", "longer"), ("not", "yet"), ("unaware",))
# "never" after the mention only before trouble (session 41): "OR has never been an issue", "CHC has
# never been disputed"; "the crisis team has never missed its target", "has never been refused", "has
# never been adequately funded", "has never been available at weekends" deny no theme
# (`_never_denies`; two independent reviews found these).
NEG_POST = {"not", "n't", "none", "never"}
# A "not" before a word of degree, frequency or extent says the thing is there in part, a gap in it,
# not that it is absent: "not enough supported housing", "CHC is not always agreed quickly", "not all
# people have an advocate", "the crisis team is not sufficiently resourced", "advocacy isn't fully
# embedded" describe the theme (NegEx's pseudo-negations, "not necessarily", are of this kind);
# unless the clause goes on to trouble: "CHC is not always an issue", "there is not enough evidence
# that OR is a problem" deny trouble about the theme, as "no issues about OR" does (`_pseudo`). Not
# "routinely": "advocacy is not routinely commissioned for them" is read as a denial as often as a gap
# (the training sets' writers give it both ways); nor "very", "quite", "particularly", which take
# their sense from the next word ("not very often" is "rarely").
PARTIAL_AFTER_NOT = cue_words({
    "all", "every", "everyone", "everybody", "everywhere", "always", "fully", "entirely", "completely",
    "wholly", "totally", "consistently", "universally", "equally", "evenly",
    "enough", "sufficient", "sufficiently", "adequate", "adequately", "well"})
# The degree word may stand after a verb of having, as the object's measure: "we do not have enough
# advocacy", "the team hasn't got sufficient staff", "does not currently have adequate crisis beds"
# describe a gap in what is there, as "there is not enough advocacy" does (`_pseudo`).
HAVE = cue_words({"have", "has", "had", "got", "having"})
HAVE_BETWEEN = cue_words({"currently", "yet", "presently"})  # "do not currently have"
# ... and after a word that only grades it: "not nearly enough", "we don't have quite enough"
_GRADING = cue_words({"nearly", "quite", "really", "near"})
# What the degree word measures is then not the theme named after it in a clause of justifying or
# setting up: "we do not have sufficient numbers to justify a pooled budget", "not enough referrals
# to need a crisis team", "not enough time to set up pooled budgets" say the theme is not there
# (`_pseudo` with the mention's position); "not enough capacity to provide crisis support" still
# describes a gap in it.
_TO_ESTABLISH = cue_words({"justify", "warrant", "merit", "need", "require", "necessitate", "set", "establish",
                           "create", "commission", "introduce"})
# Trouble that the gap brings about or that meeting it would ease is the gap's result, not trouble
# denied: "there are not enough advocates to avoid delays", "not enough supported housing, leading
# to delays", "not always enough crisis beds, which causes problems" describe the gap (`_pseudo`
# reads no further than these, nor past "and this" or "and it"). Not "cause" or "causes" (whose norm
# is "cause"), a noun as often as a verb ("CHC is not always a cause of delay" denies trouble), nor
# inside a clause of "that"
# ("not enough evidence that OR causes problems" denies it; an independent review found these).
_RESULT_SUBJECTS = frozenset({"this", "it", "that", "which"})
# ... after a word of quantity only: "OR has not always caused problems" denies trouble, as "not always
# an issue" does (a second review found this).
_QUANTITY = cue_words({"enough", "sufficient", "sufficiently", "adequate", "adequately"})
_RESULT_VERBS = cue_words({"avoid", "prevent", "reduce", "stop", "address", "tackle", "resolve", "minimise",
                           "minimize", "limit", "ease", "overcome", "causing", "caused",
                           "leading", "led", "resulting", "resulted",
                           "create", "creates", "creating", "created"})
PSEUDO_NEG = {("not", "only"), ("not", "just"), ("no", "doubt"), ("not", "necessarily"), ("no", ","),
              ("without", "delay"), ("not", "least"), ("no", "matter"), ("no", "sooner")}
# ... and these, which need the words around them (session 41): "whether or not CHC applies", "not to
# mention the pooled budget", "no fewer than 12 people out of area", "not more than three" (a number,
# not a denial; "there are no more crisis beds" still denies).
# "not ... until" puts a thing off, it does not deny it: "the housing will not be ready until March",
# "we will not commit to a pooled budget until the review reports", "there was no pooled budget
# until the section 75 agreement was signed in 2013" (`_pseudo`, `_deferred`).
_DEFERRABLE = frozenset({"not", "n't", "no", "never"})
_UNTIL = cue_words({"until", "till"})
_NOT_DEFERRING = frozenset({";", ":", "and", "or", "from"})
_DEFERRAL_STOPS = _NOT_DEFERRING | {"where"}
_TO_WHOM = cue_words({"people", "person", "the", "a", "an", "those", "them", "anyone", "everyone", "all", "families",
                      "family", "adults", "children", "young", "this", "these", "their", "our", "its", "his", "her"})
_COMPARE_THAN = cue_words({"more", "fewer", "less", "greater", "lower", "higher"})
TERMINATORS = cue_words({"but", "however", "although", "though", "except", "whilst", "while", "yet", ";", "apart",
               "aside", "nevertheless", "still", "which", "whereas", "instead", "despite", "beyond", "who", "whom",
               "whose"})
# Between a mention and a negation after it, only these: the negation is of the mention's own verb
# ("CHC is not an issue", "OR has not been raised"), not of another clause ("a capacity assessment
# found he could not consent").
_POST_GAP = cue_words({"is", "are", "was", "were", "has", "have", "had", "be", "been", "being", "do", "does", "did", "will",
             "would", "shall", "should", "can", "could", "may", "might", "must", "currently", "yet", "really",
             "generally", "always", "still", "presently", "as", "so", "far", "'s", "'re", "'ve", "wo", "ca", "issue",
             "issues", "arrangement", "arrangements", "process", "processes", "agreement", "agreements"})
# ... and a head noun after the term, only where what the negation denies is its being there ("Crisis
# provision is not yet in place", "crisis beds do not exist": `_DocView.negated`); "crisis provision is
# not the council's responsibility", "housing funding is not ring-fenced", "advocacy provision has not
# been reviewed" speak of something that is there (an independent review found these; session 42).
_SET_UP = cue_words({"commissioned", "established", "set", "developed", "operational", "created", "agreed",
                     "implemented", "introduced", "approved", "signed", "procured", "rolled", "mobilised",
                     "mobilized", "finalised", "finalized", "recruited", "appointed", "formed", "completed",
                     "published", "produced", "written", "drafted", "adopted", "compiled", "convened",
                     "undertaken", "launched", "issued", "concluded"})
# ... or its being to be had or going (session 43): "crisis provision is not available", "is not
# provided locally", "is not up and running", "is not in existence", "has not gone live" (`_absent`) ...
_AVAILABLE = cue_words({"available", "accessible", "provided", "offered", "there", "live", "ready", "running",
                        "operating", "functioning"})
_IN_BEING = cue_words({"place", "existence", "operation", "being", "use", "force"})  # "in place", "in use", ...
# ... or its bearing on what is described ("the MCA is not relevant to this group", "the crisis team is
# not needed"; not "not required to notify us"): `_irrelevant`, session 46, with the definite subject
# (`_definite`)
_NEEDED = cue_words({"necessary", "needed", "required"})
_RELEVANT = cue_words({"relevant", "applicable", "pertinent"}) | _NEEDED
# ... unless the clause goes on to say by whom or how soon it is not there: a limit on it, a gap
# ("crisis beds are not commissioned by the council", "not available quickly enough"; an independent
# review found these). Not for whom: "advocacy support is not commissioned for children" denies it,
# as "advocacy does not exist for children" does.
_TIMELY = cue_words({"quickly", "timely", "promptly", "immediately", "soon", "fast", "rapidly", "swiftly"})
# A negation whose clause goes on to how well, how widely or how soon a thing is done says something
# of a thing that is there, a gap in it, not that it is absent: "pooled budgets are not working well",
# "are not used effectively", "care reviews are not happening often enough", "workforce development is
# not progressing as quickly as planned", "we do not use pooled budgets effectively" (`_in_manner`,
# `_done_in_manner`; session 47). Not "regularly" or "routinely", read both ways (see
# `PARTIAL_AFTER_NOT`), nor "often" without "enough" ("not (very) often" is "rarely", a denial), nor
# "soon" ("will not be in place soon" puts it off); not "as well" at a clause's end ("also").
_MANNER = PARTIAL_AFTER_NOT | (_TIMELY - {"soon"}) | cue_words({
    "effectively", "properly", "successfully", "efficiently", "robustly", "reliably", "smoothly", "widely",
    "correctly", "thoroughly", "meaningfully", "accurately"})
# ... nor where the negation is of a word judging it, right after the auxiliaries: "transition
# planning is not robust", "information sharing is not consistent between agencies" (session 47)
_QUALITIES = cue_words({"robust", "effective", "consistent", "strong", "good", "satisfactory", "successful",
                        "reliable", "efficient", "coherent", "sustainable", "ideal", "optimal", "suitable"})
# A terse note's dash or colon between the term and "not" is read through ("Crisis team - not in place")
_NOTE_DASHES = frozenset({"-", ":", "\u2013", "\u2014"})
# Adverbs that may stand between the mention's verb and the negation after it, besides those of
# `_POST_GAP` ("CHC is also not an issue", "the crisis team is therefore not needed"; session 48)
_POST_ADVERBS = cue_words({"also", "therefore", "thus", "hence", "usually", "normally", "typically", "again",
                           "likewise", "similarly", "actually", "simply", "clearly", "certainly", "definitely",
                           "consequently", "now"})
_POST_ADVERB_WORDS = tuple(sorted(_POST_ADVERBS))
# A mention in a relative clause of the subject (`_in_relative`) ...
_RELATIVES = cue_words({"who", "which", "whose", "whom"})
# ... or in a phrase after the subject's noun ("the work for behaviour support services has not
# started": `_of_noun`) is denied only with that noun's being there; through a noun of what backs
# or brings it about, also with that not being reached or given ("funding for crisis beds has not
# been identified", "the bid for a crisis house was not successful"); never through a noun of one
# of its aspects ("clarity about the role of the community team has not been agreed"). Not "costs":
# "the costs of the pooled budget have not been agreed" is left to the learned negation decision
# (its `of_phrase`), as before
_OF_PREPS = cue_words({"for", "of", "about", "on", "regarding", "around", "with", "between", "over", "to",
                       "towards", "into", "in"})
_BACKING = cue_words({"funding", "money", "plan", "plans", "bid", "bids", "case", "proposal", "proposals",
                      "agreement", "decision", "approval", "attempt", "attempts", "work", "budget", "resources",
                      "commitment", "finance", "investment", "application", "applications"})
_BACKED = cue_words({"reached", "made", "given", "secured", "identified", "successful", "succeeded", "found",
                     "approved", "signed", "forthcoming", "obtained", "awarded"})
_ASPECT = cue_words({"role", "roles", "remit", "responsibility", "responsibilities", "terms", "criteria",
                     "protocol", "clarity", "scope", "function", "functions", "detail", "details", "timing",
                     "specification", "membership", "quality", "impact", "effectiveness",
                     "outcome", "outcomes", "evaluation", "understanding", "awareness", "name", "location",
                     "reference"})
# A negation limited to some hours or days denies a part of the mention, a gap (`_out_of_hours`):
# "the crisis service is not in place at weekends", "at night crisis support is not available".
_HOURS = cue_words({"weekend", "weekends", "evening", "evenings", "overnight", "night", "nights", "nighttime",
                    "holidays", "saturday", "saturdays", "sunday", "sundays", "am", "pm", "a.m.", "p.m."})
# ... and where it describes what there is none of ("there is no one who can provide advocacy": `_nothing_that`)
_THERE_IS = cue_words({"is", "are", "was", "were", "be", "been", "have", "has", "had", "got", "'s", "'re", "'ve",
                       "with", "find", "found", "identify", "identified"})
_NONE_REACH = 5
_HEADS = cue_words({"provision", "provisions", "service", "services", "support", "funding", "bed", "beds", "team",
                    "teams", "option", "options", "pathway", "pathways", "scheme", "schemes", "offer", "arrangement",
                    "arrangements", "agreement", "agreements", "placement", "placements"})  # placements: session 49
# After the mention's own verb, "no" before a word of relevance or part says the theme has no place in
# what is described: "DoLS have no bearing on their care", "OR has played no part in these moves",
# "CHC is of no relevance to this group", "advocacy has no role in it" deny it as "is not relevant"
# does (`_DocView.negated`). Not "no impact", "no effect": "the crisis team has had no impact on
# admissions" says the team is there. "real" may grade it ("no real bearing"); "no small part" is a
# part.
# A clause of time or cause between a negation and the mention puts the mention outside what is denied:
# "No one has been admitted since the crisis service started", "there were no disputes before the
# OR guidance changed", "no admissions because the crisis team stepped in", "nobody has been admitted,
# thanks to the crisis team" (`_DocView.negated`); not where what is denied is trouble, which reaches
# past such a word as it reaches past a preposition ("no issues when dealing with ordinary residence",
# "no disputes since 2011 over CHC": an independent review found these).
# Not "when": "there is no support when people are in crisis" denies crisis support (found by an
# independent review).
_SCOPE_ENDS = cue_words({"since", "until", "once", "after", "before", "because", "unless", "thanks", "whether", "if"})
# (`_opens_clause`) a time after it makes it a preposition; a negation of a noun needs its clause's verb first
_MONTH_NAMES = cue_words({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december"})
_MONTHS = _MONTH_NAMES | cue_words({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
_TIME_AFTER = _MONTH_NAMES | cue_words({"then", "now", "hours", "hour", "last", "that", "which", "this", "today",
                                        "yesterday", "christmas", "easter", "autumn", "spring", "summer", "winter"})
_NOUN_NEGATIONS = cue_words({"no", "none", "nobody", "noone", "neither", "nor"})
# A clause fronted by one of these and closed by a comma holds its own negation: "If this is not
# possible, the provider will arrange advocacy", "Where people do not have capacity, a best interests
# decision is made", "Although there is no formal section 75, CHC packages are jointly funded" deny
# nothing in the main clause (`_fronted_clause`; session 42).
_FRONTING = cue_words({"if", "where", "when", "whenever", "wherever", "unless", "once", "until", "till", "as",
                       "since", "because", "whilst", "while", "although", "though", "given", "provided",
                       "providing"})
_FRONT_AFTER = cue_words({",", ";", ":", "(", "-", "\u2013", "\u2014", "\u2022", '"', "'", "and", "but", "or", "so",
                          "even", "only", "yes", "no"})
# ... also after a phrase of cases or times ("In cases where", "In some circumstances when"), at most
# `_CASE_WORDS` words of these ending in a noun of `_CASE_NOUNS`; and "should" before its subject
# ("Should the CCG not agree, ...", "Should there be no bed, ..." where a determiner or a pronoun
# follows it: not "Should not be an issue", "Should be in place by April").
_CASE_NOUNS = cue_words({"case", "cases", "instance", "instances", "situation", "situations", "circumstance",
                         "circumstances", "occasion", "occasions", "time", "times", "area", "areas", "place",
                         "places", "event", "events"})
_CASES = _CASE_NOUNS | cue_words({"in", "at", "on", "for", "the", "those", "these", "some", "any", "such", "a", "few",
                                  "rare", "all", "other", "many", "most", "exceptional", "individual", "specific"})
_CASE_WORDS = 4
_INVERTED_SUBJECTS = cue_words({"the", "this", "that", "these", "those", "it", "there", "we", "they", "you", "he",
                                "she", "our", "their", "his", "her", "its", "a", "an", "any", "no"})
_LIST_JOINS = cue_words({"and", "or", "&", "/"})
_NOT_SUBJECT = cue_words({"to", "that", "which", "who", "what", "there", "it", "this", "then", "yet", "still",
                          "also", "currently", "always", "often", "not", "and", "or", "as", "so", "if", "when",
                          "where", "whether", "than", "the", "a", "an"})
# ... whose clause is not one a verb of thinking opens ("If we do not think we can offer a crisis
# service ...": a third independent review found these)
_THINKING = cue_words({"think", "believe", "feel", "expect", "consider", "know", "say", "anticipate", "envisage",
                       "foresee", "confident", "sure", "certain", "convinced", "aware", "satisfied", "assurance",
                       "hope", "suppose", "assume"})
_FRONT_VERBS = cue_words({"not", "n't", "never", "cannot", "lack", "lacks", "lacked", "exist", "exists", "existed"})
# "do not" after the mention denies what the mention does, which is there to do it ("providers do not
# report it", "the commissioning intentions do not include ..."), unless the verb is of being there or
# arising, "OR does not arise", "DoLS does not apply" (`_predicate_denied`; session 42; two independent
# reviews found the verbs and adverbs below).
_DO = cue_words({"do", "does", "did"})
_DO_ADVERBS = cue_words({"currently", "yet", "really", "generally", "still", "presently", "therefore", "now",
                         "normally", "usually", "actually", "as", "so", "far", "at", "present", "even", "ever"})
_ABSENT_VERBS = cue_words({"apply", "applies", "exist", "exists", "arise", "arises", "feature", "features", "happen",
                           "happens", "occur", "occurs", "affect", "affects", "concern", "concerns", "involve",
                           "involves", "figure", "figures", "matter", "matters",
                           "start", "starts", "begin", "begins", "commence", "commences", "launch", "launches",
                           "open", "opens", "materialise", "materialises", "materialize", "materializes", "emerge",
                           "emerges", "surface", "surfaces", "crop", "crops"})
# ... or of bearing on things, or coming into them ("OR does not come into it", "does not play a part",
# "CHC does not hold up discharges", "does not pose any risk")
_BEARING_ON = cue_words({"come", "enter", "pertain", "relate", "impact", "become", "present", "play", "pose",
                         "create", "cause", "slow", "hinder", "delay", "complicate", "prevent", "block", "stop"})
_IRREGULAR_PAST = {"arise": "arisen", "come": "come", "become": "become", "take": "taken", "run": "run",
                   "find": "found", "see": "seen", "hear": "heard", "hold": "held", "get": "got",
                   "occur": "occurred", "stop": "stopped", "log": "logged", "flag": "flagged", "begin": "begun",
                   "crop": "cropped"}


def _past_participles(verbs) -> frozenset[str]:
    """The past participles of the base forms among `verbs` ("apply" -> "applied", "arise" ->
    "arisen"; a form in -s is skipped), as cue words: what follows "has not" where "does not" would
    take the base ("the crisis team has not admitted anyone", "OR has not arisen"). Not the lexicon's
    `_verb_forms`, which makes no forms of words with a noun's ending ("exist", "mention", "receive")."""
    out = set()
    for v in verbs:
        if v.endswith("s"):
            continue
        if v in _IRREGULAR_PAST:
            out.add(_IRREGULAR_PAST[v])
        elif v.endswith("e"):
            out.add(v + "d")
        elif v.endswith("y") and v[-2:-1] not in "aeiou":
            out.add(v[:-1] + "ied")
        else:
            out.add(v + "ed")
    return cue_words(out)


# The same after "has not" (session 43): "the crisis team has not admitted anyone", "providers have not
# raised any concerns" speak of what is there; "OR has not arisen", "CHC has not caused problems", "the
# crisis team has not started yet" deny it. Not "has not been ...", which `_absent` and the rest read.
_HAS = cue_words({"has", "have", "had", "'ve"})
_ABSENT_PAST = _past_participles(_ABSENT_VERBS)
# ... of which all but these also after "is not" or "has not been" (`_absent`): "has not started", not
# "is not involved"
_COMING_PAST = _ABSENT_PAST - _past_participles({"apply", "feature", "affect", "concern", "involve", "figure",
                                                 "matter"})
_BEARING_PAST = _past_participles(_BEARING_ON)
# the verbs after "do not" or "has not" that deny the mention, not what it does (`_predicate_denied`)
_NOT_PREDICATE = _ABSENT_VERBS | _BEARING_ON | _ABSENT_PAST | _BEARING_PAST
_LY_VERBS = cue_words({"apply", "supply", "comply", "rely", "reply", "imply", "multiply", "fly", "ally", "rally",
                       "tally", "bully"})  # not adverbs: "does not apply"
_SEEMING = cue_words({"seem", "appear", "tend", "need", "have", "used"})
# ... or of running or taking place, where the mention is not a definite thing ("a crisis team does not
# operate locally"; "the crisis team does not operate at weekends" speaks of one that does)
_RUNNING = cue_words({"operate", "run", "take", "form", "work", "function"})
_RUNNING_PAST = _past_participles(_RUNNING)
_DEFINITE = cue_words({"the", "our", "their", "its", "this", "these", "those", "his", "her", "each", "every",
                       "your", "my"})
# A definite subject (`_definite`): not "each", "every" (quantifiers); a determiner right before the
# term, or up to four words before it where it opens the phrase, none of `_NOT_MODIFIERS` between
_SUBJECT_DETERMINERS = _DEFINITE - cue_words({"each", "every"})
_DEFINITE_REACH = 5
_GAP_NOUNS = cue_words({"issue", "issues", "arrangement", "arrangements", "process", "processes", "agreement",
                        "agreements"})  # the nouns of `_POST_GAP`, which a coordinated subject may hold
# "by" before a time is no agent (`_limited`): "not to be established by March 2014"
_BY_WHEN = _MONTHS | cue_words({"spring", "summer", "autumn", "winter", "next", "then", "now", "end", "mid", "early",
                                "late", "year", "month", "quarter"})
_LIST_ITEMS = 6  # the items of a coordinated subject read (`_coordinated_negation`) ...
_ITEM_WORDS = 4  # ... and the words of each
# A coordinated subject opens its sentence or follows one of these (or a colon, semicolon, dash,
# bracket or bullet); not a comma or "and", which may end a fronted phrase or a clause before it
_LIST_OPENERS = cue_words({"but", "because", "whilst", "while", "although", "though", "that", "so", "yes", "no",
                           "partly", "partially",
                           # ... or a fronted adverb (session 47: "Currently a pooled budget and a crisis team
                           # are not in place"; "Unfortunately, ..." read already, as a word of a list)
                           "currently", "presently", "now", "however", "also", "locally", "additionally",
                           "furthermore", "moreover", "overall", "unfortunately", "again", "today", "historically",
                           "previously", "recently", "similarly", "therefore"})
# ... or a comma closing a fronted phrase that one of these opens ("At present, a register and a pooled
# budget are not in place", "In Leicester, ...", "As of April 2013, ..."; session 47): `_fronted_phrase`
_FRONT_PREPS = cue_words({"at", "in", "as", "to", "for", "since", "from", "within", "across", "after", "over",
                          "during", "on", "following", "throughout", "under", "until", "before", "by"})
_FRONTED_PHRASE_WORDS = 6  # the words of such a phrase at most
# ... or that makes an exception: "Apart from the register, ...", "Other than the register, ...",
# "Besides the register, ...", "With the exception of the register, ..." (session 48)
_FRONT_EXCEPTING = frozenset({("apart", "from"), ("aside", "from"), ("except", "for"), ("other", "than"),
                              ("save", "for"), ("exception", "of")})
_BESIDES = cue_words({"besides", "excluding"})  # the first's norm is "beside"
# ... or a fronted clause these open, with a verb ("Although the register is complete, the pooled budget
# and the crisis team are not in place"); not "if", "unless", "when" (a condition's list is not stated)
_FRONT_CLAUSES = cue_words({"although", "though", "while", "whilst", "whereas", "because", "since", "as", "once",
                            "after", "before"})
_FRONTED_CLAUSE_WORDS = 12
# ... whose verb may be any where the word opening it opens only clauses ("Although we run a register, ...";
# session 48)
_CONCESSIVE = cue_words({"although", "though", "whilst", "whereas"})
# ... and holds none of these: quantifiers ("Many CHC and OR cases are not resolved": the cases' count)
# and prepositions the other sets leave out
_LIST_STOPS = cue_words({"many", "all", "several", "most", "some", "few", "both", "each", "every", "no", "any",
                         "via", "among", "amongst", "alongside", "including", "excluding", "following", "per",
                         "than", "like", "unlike", "besides", "beyond", "versus", "vs", "etc", "against",
                         "toward", "towards", "upon", "despite", "except", "along", "behind", "beside", "near",
                         "onto", "outside", "inside", "throughout", "re"})
_DEMONSTRATIVES = cue_words({"this", "these", "those"})
# ... a distant determiner opens the mention's phrase only after these (or the sentence's start, or a
# punctuation mark): "We know that our local register ...", "but the local register ..."; not after a
# preposition or a verb ("At the moment pooled budgets ...", "Following the review registers ...")
_PHRASE_OPENERS = cue_words({"and", "but", "or", "so", "that", "because", "whilst", "while", "although", "though",
                             "however", "also", "now", "currently", "yes", "no", "partly", "partially"})
_NOT_POSSESSORS = cue_words({"there", "it", "that", "what", "here", "who", "where", "this", "he", "she", "which"})
_NOT_MODIFIERS = _POST_GAP | cue_words({"a", "an", "any", "some", "and", "or", "nor", "that", "which", "who", "to",
                                        "in", "at", "by", "as", "than", "if", "when", "where", "because", "whether",
                                        "since", "once", "unless", "until", "across", "within", "under", "from",
                                        "after", "during", "through", "without", "following", "into", "before"})
# ... a verb that reports trouble is no trouble of the theme ("providers did not raise any concerns")
_REPORTING = cue_words({"report", "raise", "find", "experience", "identify", "record", "see", "notice", "flag",
                        "log", "escalate", "mention", "express", "highlight", "receive", "hear", "encounter",
                        "face", "challenge"})
_REPORTING_PAST = _past_participles(_REPORTING)
# what may follow "has not" as its past participle (`_predicate_denied`), besides `_PARTICIPLES` and -ed
_PAST_FORMS = _ABSENT_PAST | _BEARING_PAST | _RUNNING_PAST | _REPORTING_PAST
# ... of which these report trouble that arose (`_arisen`: "OR disputes have not been raised"); not
# "escalated", "heard", "challenged", done to trouble that is there
_REPORTED = (_REPORTING | _REPORTING_PAST) - cue_words({"escalate", "escalated", "hear", "heard", "challenge",
                                                        "challenged"})
_TIME_WORDS = cue_words({"since", "until", "once", "after", "before"})
# Of the words that end a negation's reach (`_SCOPE_ENDS`), causes and conditions: trouble denied
# before one does not reach past it ("There were no problems thanks to the crisis team", "No issues
# unless the CHC assessment is delayed"; session 44)
_CAUSES = cue_words({"because", "unless", "thanks"})
# "as" and "so" open a clause of cause or result before a subject and its auxiliary ("not an issue as
# the crisis team is in place", "no problems so the crisis team has been stood down": `_cause_clause`),
# but not after these ("such as the crisis team", "as well as", "known as"), nor before these ("as
# yet", "as a rule", "so far", "so that")
_AS_NOT_CAUSE = cue_words({"such", "well", "so", "same", "much", "far", "long", "soon", "just", "known", "seen",
                           "act", "acts", "acting", "serve", "serves", "serving", "regarded", "described", "used"})
_AS_PHRASES = cue_words({"yet", "such", "part", "per", "regards", "regard", "to", "of", "if", "though", "a", "an",
                         "is", "are", "was", "were"})  # "as yet", "as part of", "as regards", "as if", "as a", ...
_CAUSE_NOT_SUBJECT = _AS_PHRASES | cue_words({"well", "far", "long", "soon", "much", "many", "that", "called", "be",
                                              "not", "n't", "no"})
_PRONOUNS = cue_words({"we", "they", "it", "there", "he", "she", "you", "i"})
_CAUSE_SUBJECT_WORDS = 5  # "as the community learning disability team is ..."
# "not as ... as" compares, as "not enough" grades (`_pseudo`; session 44), unless these follow "as"
_NOT_COMPARED = _AS_PHRASES | cue_words({"the", "for"})
# The agent of a passive whose verb reports or decides ("raised by families", "agreed by the Health and
# Wellbeing Board", "signed off by the JCE") is not what its negation denies (`_agent`; session 44).
# Not a means ("not funded by CHC", "not covered by the pooled budget", "not supported by an advocate"):
# that the text denies.
_DECIDING_PAST = _REPORTING_PAST | cue_words({"agreed", "approved", "endorsed", "ratified", "considered", "discussed",
                                              "accepted", "adopted", "requested", "asked", "signed", "noted",
                                              "scrutinised", "scrutinized", "debated", "reviewed", "made"})
# A sentence that opens with its topic and then denies trouble denies the topic (`_topic_denied`:
# "Regarding ordinary residence, there are no disputes"; session 44): the openers, as norms
_TOPIC_OPENERS = tuple(tuple(normalize_word(w) for w in o.split()) for o in (
    "in relation to", "with regard to", "with regards to", "in regard to", "in regards to", "as regards",
    "as regard", "in terms of", "in respect of", "with respect to", "as for", "regarding", "concerning",
    "on the subject of", "on the question of", "on the issue of"))
_TOPIC_FIRST = frozenset(o[0] for o in _TOPIC_OPENERS)
_TOPIC_WORDS = 6  # the topic's phrase after the mention, and the words before the denial after the comma
_NOTHING = cue_words({"none", "nil", "nothing"})
_TOPIC_PRONOUNS = cue_words({"it", "they", "this", "these"})  # the topic's thing, as a clause's subject
# The subject of a clause that follows a label and its mark (or, from session 51, a label that makes a
# sentence of its own) and can deny it: "Crisis response - there isn't one", "CHC: this is not an issue"
_LABEL_SUBJECTS = _PRONOUNS | _TOPIC_PRONOUNS
# Words that may stand between "no" and trouble ("no major issues": `_note_denies`, `_null_entry`), and words
# of place that may end a note after a label ("not an issue for us"; session 51)
_ANY_TROUBLE = cue_words({"major", "significant", "particular", "real", "known", "current", "outstanding"})
_HERE = ("for", "us", "here", "locally", "now", "in", "this", "area")
# A note with no subject after a label that denies it (`_note_denies`; session 51): what may stand between
# its "no" and the thing or trouble ("Positive behaviour support: no local provision"), what says it was
# not done or raised ("Advocacy - none commissioned", "Safeguarding - no issues raised", "CHC - no
# disputes outstanding") and what may end it ("none undertaken for this group")
_NOTE_KINDS = cue_words({"local", "dedicated", "specific", "specialist", "separate", "formal", "new", "such"})
_NOTE_DONE = _SET_UP | _AVAILABLE | cue_words({"done", "made", "raised", "identified", "reported", "recorded",
                                                "known", "noted", "arising", "outstanding", "received", "planned",
                                                "needed", "required", "used"})
# "no concerns raised", "no disputes outstanding", "no issues to report" (`_null_entry`)
_TROUBLE_NOTED = cue_words({"raised", "identified", "reported", "known", "noted", "arising", "outstanding",
                            "recorded", "report", "to"})
_NOTE_TAIL = _HERE + ("group", "cohort", "client", "year", "the", "at", "moment", "date", "present")
_EXIST = cue_words({"exist", "exists"})
# Words after trouble that name what it is with or about ("no issues with CHC"; `_denies_topic`)
_TROUBLE_OBJECTS = cue_words({"with", "about", "regarding", "around", "over", "between", "concerning", "re"})
_HAVE_IT = cue_words({"one", "any", "it", "them", "this", "these"})  # "we do not have one"
_TOPIC_NOUNS = cue_words({"agreement", "agreements", "arrangement", "arrangements", "service", "services",
                          "provision", "team", "one"})  # "there is no agreement in place"
_NOTHING_AFTER = cue_words({"to", "report", "reported", "known", "identified", "noted", "arising", "currently",
                            "at", "present", "as", "yet", "so", "far", "this", "time"})
# "Without" before a counterfactual affirms: "Without the crisis team, admissions would have doubled"
# (`_pseudo`); "Without a crisis team, we rely on A&E" denies, as "we operate without a pooled
# budget, although one would be welcomed", "... and we would like this to change" and "we would
# struggle without a pooled budget, which we do not have" do: the counterfactual is in the clause
# "without" opens or, after a comma, the main clause it fronts, and in the past, "would have"
# (`_counterfactual_after`, `_perfect`; an independent review found these).
_COUNTERFACTUAL = cue_words({"would", "'d"})
_PARTICIPLES = frozenset({"been", "had", "done", "made", "gone", "got", "taken", "given", "kept", "found", "met",
                          "paid", "spent", "lost", "left", "held", "run", "become", "come", "brought", "built", "felt",
                          "seen", "known", "shown", "grown", "risen", "fallen", "broken", "chosen", "driven",
                          "written", "spoken", "forgotten", "struggled", "managed", "coped"})
# What says of its subject that it is gone for good (`_DocView.negated`, `_note_denies`: "The crisis team was
# disbanded in 2011", "s75 - lapsed March 2012"; session 51): not `_GONE`'s words of a gap or a pause
# ("lacking", "missing", "unavailable", "suspended") nor those with everyday senses ("closed", "ended",
# "stopped", "lost": "the case was closed", "the pooled budget lost £2m")
_SUBJECT_GONE = cue_words({"disbanded", "decommissioned", "abolished", "scrapped", "dissolved", "discontinued",
                           "lapsed", "expired", "terminated", "ceased", "abandoned", "cancelled", "withdrawn"})
# A loss or a change denied affirms what would have been lost: "there has been no reduction in the
# advocacy contract", "no cuts to the pooled budget", "we have not reduced crisis capacity", "there is
# no shortage of supported housing"; after the mention, "the pooled budget has not changed", "advocacy
# has not stopped", and a thing's being gone for good, "Partnership board - not disbanded, but now meets
# twice a year" (`_DocView.negated`, `_undone_after`; the last: session 51).
_UNDONE = cue_words({"reduction", "reduce", "reduced", "reducing", "cut", "cuts", "decrease", "decreased",
                     "change", "changed", "stop", "stopped", "end", "ended", "withdraw", "withdrawn",
                     "withdrawal", "lose", "lost", "loss", "decline", "declined", "closure", "close", "closed",
                     "cease", "ceased", "decommission", "decommissioned", "decommissioning", "shortage",
                     "shortfall", "diminish", "diminished", "erosion", "eroded"}) | _SUBJECT_GONE
# So does its being affected or disrupted, denied, after the mention in the passive (`_undone_after`):
# "personal budgets and advocacy are not affected", "the crisis team has not been disrupted"; not the
# active "OR has not affected any placements" (no bearing: a denial), nor "no affected patients" (session
# 48; two independent reviews found these)
_AFFECTED = cue_words({"affected", "impacted", "disrupted"})
_BE_FORMS = cue_words({"be", "been", "is", "are", "was", "were", "being"})
_AFFECTED_CAUSES = cue_words({"as", "because", "since", "given"})  # `_unaffected_for_want`
# A negating word that is itself denied affirms: "no lack of supported housing", "not without
# advocacy", "none of this would have been possible without advocacy" (`_negation_before`).
_NEGATING_NOUNS = cue_words({"lack", "absence", "without"})
_DOUBLE = frozenset({"no", "not", "n't", "never"})
_DOUBLE_REACH = 6
# A refusal denied affirms (`_refused_in_clause`; session 41): "No one in need of crisis support has
# been turned away", "nobody has been refused CHC".
_REFUSED = cue_words({"refused", "denied", "rejected", "declined", "excluded", "evicted"})
_AUXILIARIES = cue_words({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "get", "got",
                          "gets", "getting"})
_REASONS = cue_words({"as", "with", "now"})
_REFUSAL_STOPS = _NOT_DEFERRING | _REASONS
_CHANGE = cue_words({"change", "changed", "changing"})
_NOUN_BEFORE = frozenset({"no", "any", "a", "the", "little", "major", "significant"})
_MEANS = cue_words({"through", "by", "via", "using", "with", "from", "under", "within", "across"})
# A need denied denies what is needed, past the preposition: "there has been no need for advocacy",
# "no requirement for a pooled budget at present" (`_need_of`); within a short phrase only.
_NEED = cue_words({"need", "needs", "requirement", "requirements", "necessity"})
_NEED_REACH = 3
# ... not a need met ("no unmet need for advocacy"), nor more of what is there ("no need for additional
# supported housing"), nor where the theme only describes what is not needed ("no need for referral
# to the crisis team", "no need for CHC reassessment"): the mention must end the phrase (a second
# review found these).
_NEED_MET = cue_words({"unmet", "outstanding", "remaining"})
_MORE_OF = cue_words({"more", "additional", "extra", "further", "new", "other", "another", "separate"})
_PHRASE_ENDS = cue_words({".", ",", ";", ":", "!", "?", ")", "at", "in", "this", "as", "because", "for", "on", "and",
                          "or", "now", "here", "locally", "currently", "yet", "any", "longer", "-"})
_PREPOSITIONS = cue_words({"to", "of", "for", "with", "from", "by", "about", "into", "through", "on", "at", "in"})
# "never" before a comparison praises: "advocacy has never been better used", "the crisis team has
# never been busier" (`_pseudo`).
_NEVER_MORE = cue_words({"more", "better", "greater", "higher", "stronger", "busier", "bigger", "clearer",
                         "closer", "larger", "wider", "so", "as"})
_COMPARED_VERBS = cue_words({"been", "be", "felt", "seemed", "looked"})
# Not "place" ("the crisis team has no place to take people at night") nor "unavailable" ("crisis beds
# are unavailable at weekends", a gap), nor "no longer" after the mention ("the crisis team is no
# longer based at the hospital"): an independent review found these.
_NO_BEARING = cue_words({"bearing", "part", "role", "relevance", "relevancy", "applicability"})
_BEARING_GRADE = cue_words({"real", "actual"})
_BEARING_VERBS = cue_words({"play", "plays", "played", "playing", "of"})  # "has played no part", "is of no relevance"
# ... as do these after its verb: "OR is irrelevant to these placements"
_DENYING = cue_words({"irrelevant", "inapplicable", "nonexistent"})
HEDGES = {"may", "might", "could", "would", "possibly", "possible", "potential", "potentially", "consider",
          "considering", "explore", "exploring", "intend", "intention", "plan", "planned", "propose",
          "proposed", "will", "aim", "hope", "expect", "expected", "likely", "future", "should", "if",
          "intended", "anticipate", "anticipated", "yet"}
_PRE_WINDOW, _POST_WINDOW = 8, 5
# A negation that denies a head noun or a verb ("no dedicated advocacy", "we are not told") does not
# reach a mention in a phrase after a preposition ("... for young people", "... about inspections").
_NEG_OF_HEAD = frozenset({"no", "not", "n't", "never", "without", "lack", "absence"})
# ... unless what it denies is trouble about the mention ("no issues about ordinary residence", "no
# disputes between us on OR"): that denies the theme.
_PHRASE_PREPS = frozenset({"for", "from", "on", "about", "between"})
_TROUBLE_STEMS = ("issue", "problem", "concern", "disput", "difficult", "disagree", "barrier", "obstacle", "delay",
                  "complaint", "challeng")
# A clause whose subject is a negative quantifier ("Nobody from the area is placed through NHS
# England specialised commissioning", "None of the people on the register were placed by specialist
# commissioners", "No one is funded by CHC") denies all it says, however far and past whatever
# preposition the mention stands: `_DocView.quantified_denial`.
_NO_ONE = frozenset({"nobody", "noone"})  # and "no one"; "none" only before "of" or a verb (`_NONE_BEFORE`)
# "None" alone answers the question ("Issues with OR - None We are working with housing
# providers"): it is a quantifier only as "none of ..." or "none are/is/has ...".
_QUANTIFIER_WORDS = frozenset({"nobody", "noone", "no", "none", "not", "neither"})
_NO_WHO = frozenset({"one", "people", "person", "individual", "patient", "client", "adult", "child", "children",
                     "resident", "young"})  # "No young people from the county are placed through ..." (session 45)
_YOUNG_WHO = cue_words({"people", "person", "adult", "adults"})  # ... only before these
_QUANTIFIER_PAIRS = frozenset({("not", "one"), ("neither", "of")})
_NONE_BEFORE = frozenset({"of", "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could"})
# "No one" before a noun of the kind that shares work out means "no single": "No one agency could
# fund this alone", "no one organisation holds the register" say the work is shared and deny
# nothing. A list, not a guess at the part of speech: "No one living in the borough", "No one known
# to the team", "No one eligible ...", "No one outside the team" are "nobody" (an independent review
# found a guess from word endings read these as nouns). The norm is singular ("agencies": "agency").
_SINGLE_OF = frozenset({"agency", "organisation", "organization", "body", "team", "partner", "provider", "service",
                        "model", "approach", "solution", "fund", "budget", "plan", "route", "sector", "size",
                        "answer", "way", "option", "system", "authority", "council", "commissioner", "profession",
                        "discipline", "group", "person", "partnership", "board", "department", "process",
                        "pathway", "register", "policy", "protocol", "framework", "strategy", "contract", "scheme"})
# What a quantifier denies when its verb is a liking or a wish is that liking, not the thing liked:
# "Nobody we have spoken to is happy with the advocacy provision" talks about advocacy. (A
# complaint or a concern denied, "nobody has raised concerns about OR", denies trouble about the
# mention, and so the mention, as "no issues about ordinary residence" does: not in this list.)
_LIKING = cue_words({"happy", "satisfied", "pleased", "comfortable", "confident", "keen", "enthusiastic",
                     "impressed", "convinced", "likes", "liked", "want", "wants", "wanted", "prefer",
                     "prefers", "preferred", "welcomes", "welcomed", "enjoy", "enjoys", "enjoyed"}) - {"like", "welcome"}
# ... and these only after a verb that makes them one ("would like", "is content"): "needs like
# these", "the content of the plan" (not "trust": an NHS Trust). ("likes" and "welcomes" have these
# as their norms, so they too count only after such a verb.)
_LIKING_AFTER = frozenset({"like", "content", "welcome"})
_LIKING_VERBS = cue_words({"is", "are", "was", "were", "be", "been", "being", "would", "'d", "feel", "feels", "felt",
                           "seem", "seems", "seemed", "appear", "appears", "appeared", "really"})
# A mention in a negative quantifier's definite restriction is presupposed there, not denied
# (session 45): "Nobody in the current cohort is subject to restrictions", "None of our providers has
# raised concerns", "None of the people on the register were placed by specialist commissioners" speak
# of a cohort, providers and a register that exist; the clause denies what it says of them, as "None
# of our residents are placed by specialist commissioners" denies the commissioning. Only a restriction
# that opens definite ("the", "our", a number) and holds nothing but people, numbers, prepositions and
# a few adjectives (`_in_restriction`): "None of the 19 receives NHS CHC" still denies CHC (a verb
# stands between), and so do "No one with CHC funding lives here" and "nobody in a crisis", indefinite.
_RESTRICTION_PREPS = cue_words({"of", "in", "on", "from", "at", "among", "amongst", "within", "under", "with",
                                "across"})
# The mention opens a noun of the restriction: not right after one of its nouns, where a verb or a
# participle goes on ("no one in this cohort placed outside the borough" denies the placement) ...
_RESTRICTION_NOUNS = cue_words({"people", "person", "individual", "adult", "child", "children", "resident", "tenant",
                                "patient", "client", "cohort", "group", "family", "families", "man", "men", "woman",
                                "women", "staff", "member", "worker"})
_NUMBER_WORDS = cue_words({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                           "twenty", "dozen"})
_RESTRICTION_WORDS = (_RESTRICTION_PREPS | _DEFINITE | _RESTRICTION_NOUNS | _NUMBER_WORDS
                      | cue_words({"a", "an", "current", "existing", "present", "local", "whole", "remaining", "same",
                                   "wider", "other", "young", "currently", "now", "still"}))
# ... unless it is the agent of a passive participle after such a noun, which the restriction holds
# too: "None of the people supported by the crisis team were admitted" ("supported" ends in "ed" and
# "by" follows: a participle, not the clause's verb), or the participle's phrase where the clause's own
# verb follows the mention: "No one in the cohort placed out of area has been visited", "None of those
# receiving CHC funding has been discharged" (`_participle`, `_verb_follows`).
# How far a reading looks back or on from a mention for its clause (tokens): a clause with no break
# for longer than this is no clause a return writes, and each walk, once per mention, stays short in
# a text with no sentence breaks (session 45: 18,000 to 27,000 words of one sentence took 20-46 s).
_CLAUSE_REACH = 200
_ASIDE_WORDS = 4  # "Nobody, as yet, has ...": a short aside set off by commas after the quantifier
_SUBJECT_WORDS = 6  # ... or after the rest of its subject: "None of the people on our register, so far, have ..."
# ... unless it makes an exception, which the clause then affirms: "Nobody, apart from two people, is ..."
_EXCEPTING = cue_words({"apart", "except", "excluding", "bar", "barring", "but", "other", "besides", "save", "beyond",
                        "than", "aside", "only"})
# Nor past what knowledge is said to be about: "nobody locally has good figures for the people
# funded by NHS England" denies the figures; the people are funded so all the same.
_KNOWLEDGE = frozenset({"figure", "data", "information", "number", "detail", "record", "knowledge", "breakdown",
                        "picture", "understanding", "oversight", "intelligence", "evidence", "count", "estimate"})
_ABOUT = frozenset({"for", "on", "about", "of", "regarding", "around"})
# What ends the quantifier's clause: a clause break, or a clause the verb opens ("Nobody disputes
# that the pooled budget works", "... whether", "... how"), or a cause ("thanks to", "due to").
_CLAUSE_MARKS = cue_words({",", "-", "\u2013", "\u2014", ":", "(", "so", "because", "since", "whether", "how",
                           "thanks", "due"})
_CLAUSE_OPENERS = _CLAUSE_MARKS | {"and", "as", "that", "\u2022", '"', "'"}
# After ", and" a clause begins (a negation before it does not reach past it) unless the comma
# ends a list ("no issues with CHC, OR, and s117") and no finite verb or subject follows.
_FINITE = cue_words({"is", "are", "was", "were", "has", "have", "had", "will", "would", "shall", "should", "can",
                     "could", "may", "might", "must", "do", "does", "did", "we", "they", "it", "there", "he", "she"})
# ... the verbs among them, and "cannot" (`_main_clause_between`)
_AUX_MODAL = (_FINITE - _PRONOUNS) | cue_words({"cannot"})


@dataclass(slots=True)
class Mention:
    theme: str
    term: str
    start_char: int
    end_char: int
    sent_start: int
    sent_end: int
    negated: bool
    hedged: bool
    weight: float
    in_list: bool
    frame: str = ""  # "" (in running text) or how the sentence frames it in passing: see FRAMES
    via: str = ""  # at a local abbreviation: what it stands for ("ICB = Integrated Commissioning Board")

    @property
    def evidence_term(self) -> str:
        """The term as the evidence names it: at a local abbreviation, with what it stands for
        ("integrated commissioning board (ICB = Integrated Commissioning Board)")."""
        return f"{self.term} ({self.via})" if self.via else self.term


@dataclass(slots=True)
class ThemeScore:
    theme: str
    confidence: float
    negated: bool  # the text mentions the theme only to deny it (the rules: every mention denies it; see negation_model)
    mentions: list[Mention] = field(default_factory=list)
    lexicon_confidence: float | None = None  # the lexicon's own score, where a learned model decided

    @property
    def carried(self) -> bool:
        return self.confidence >= THRESHOLD


@Language.factory("wvtext_theme_matcher", default_config={"lexicon_path": None},
                  assigns=["doc.spans"])
def make_theme_matcher(nlp: Language, name: str, lexicon_path: str | None):
    return ThemeMatcher(nlp, load_lexicon(lexicon_path))


def term_forms(nlp: Language, terms) -> list[list[Doc]]:
    """The forms each term is matched in, as docs (in `terms`' order): its spellings
    (`pattern_variants`) and, unless it is matched by case or marked `exact`, its verb forms
    (`inflected_variants`), leaving out a form that a row of any theme lists as its term (that
    row's weight, context and excluded words then decide: `joint funding` of pooled_budgets does
    not match "joint funded", a term of chc with words it must not stand beside). A form is
    tokenised once."""
    docs: dict[str, Doc] = {}

    def doc_of(form: str) -> Doc:
        if form not in docs:
            docs[form] = nlp.make_doc(form)
        return docs[form]

    def norms(form: str) -> tuple[str, ...]:
        return tuple(t.norm_ for t in doc_of(form))

    spellings = [[term.term] if term.case else pattern_variants(term.term) for term in terms]
    listed = {norms(f) for term, fs in zip(terms, spellings) if not term.case for f in fs}
    out = []
    for term, forms in zip(terms, spellings):
        if not term.case and not term.exact:
            seen = {norms(f) for f in forms}
            for v in inflected_variants(term.term):
                for f in pattern_variants(v):
                    key = norms(f)
                    if key not in seen and key not in listed:
                        seen.add(key)
                        forms.append(f)
        out.append([doc_of(f) for f in forms])
    return out


class ThemeMatcher(BatchPipe):
    def __init__(self, nlp: Language, lexicon: Lexicon):
        self.lexicon = lexicon
        self.terms = list(lexicon.terms)
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.case_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for i, (term, docs) in enumerate(zip(self.terms, term_forms(nlp, self.terms))):
            (self.case_matcher if term.case else self.norm_matcher).add(str(i), docs)
        # match key -> term, and theme -> its label's id: no string look-up per match
        # (the term and its row's place in the lexicon, which breaks ties between rows)
        self.by_key = {nlp.vocab.strings.add(str(i)): (term, i) for i, term in enumerate(self.terms)}
        self.labels = {t: nlp.vocab.strings.add(t) for t in THEMES}
        # Local abbreviations (acronyms.py): a long form is read by this matcher once and kept.
        self.make_doc = nlp.make_doc
        self._long_forms: dict[str, list[tuple]] = {}  # long form (or abbreviation) -> its terms
        self._useful: dict[frozenset, dict[str, str]] = {}  # `useful_abbreviations`, by the map's content
        self.named_heads = _named_heads(self.terms)  # "CLDT": read as "the community learning disability team"

    def __call__(self, doc: Doc) -> Doc:
        return self._match(doc, abbreviations=True)

    def _match(self, doc: Doc, *, abbreviations: bool) -> Doc:
        found = []
        view = None
        joins = _joined_words(doc)  # once per doc, for both matchers (and the doc view's `glue`)
        doc.user_data[_GLUE] = _word_hyphens(doc, joins)
        shouted: dict[int, tuple[int, int]] = {}
        for matcher in (self.norm_matcher, self.case_matcher):
            for key, start, end in self._matches(matcher, doc, joins):
                term, rank = self.by_key[key]
                if term.case and _shouted(doc, start, end, shouted):
                    continue
                if term.context or term.exclude:
                    view = view or doc_view(doc)
                    if term.context and not view.sentence_has(start, term.context):
                        continue
                    if term.exclude and view.beside(start, end, term.exclude):
                        continue
                found.append((term.theme, start, end, term, rank))
        via: dict[tuple[str, int], str] = {}
        if abbreviations:
            found += self._abbreviated(doc, found, via, shouted)
        # Within a theme keep the longest of overlapping mentions ("NHS England specialised
        # commissioning" over "NHS England"); of two rows matching the same words, the weightier,
        # then the one listed first (not the matcher's order, which a new row elsewhere changes).
        found.sort(key=lambda f: (f[0], f[1], -(f[2] - f[1]), -f[3].weight, f[4]))
        kept: list[tuple] = []
        for f in found:
            if kept and kept[-1][0] == f[0] and f[1] < kept[-1][2]:
                continue
            kept.append(f[:4])
        labels = self.labels
        doc.spans[SPANS_KEY] = [Span(doc, s, e, label=labels[t]) for t, s, e, _ in kept]
        doc.user_data[_RAW] = kept
        doc.user_data[_VIA] = via
        doc.user_data[_NAMED] = self.named_heads
        return doc

    def _abbreviated(self, doc: Doc, found: list[tuple], via: dict[tuple[str, int], str],
                     shouted: dict[int, tuple[int, int]]) -> list[tuple]:
        """Mentions at the uses of an abbreviation the text (or its return: `acronyms.DEFINITIONS_KEY`)
        defines: at each use, before or after the definition, the weightiest term of each theme its
        long form holds ("the ICB" -> `integrated commissioning board`, from "Integrated
        Commissioning Board (ICB)"), unless that theme is matched there already. Not at the
        definition itself, whose long form is read as written; not where an abbreviation that is also
        a word ("START") stands in a sentence written in capitals. The text's own definitions
        override its return's. `via` gets "ICB = Integrated Commissioning Board" for each (theme,
        position)."""
        shared = doc.user_data.get(DEFINITIONS_KEY) or {}
        own = doc.user_data.get(OWN_DEFINITIONS_KEY)  # read from the text before it was tokenised
        if own is None:  # a doc not made by `pipeline.with_questions`: the same, from the doc's text
            text = doc.text
            own = definitions(text) if may_define(text) else ()
        if not own and not shared:
            return []
        if own:
            merged = dict(shared)
            merged.update({d.short: d.long for d in reversed(own)})  # the text's own (its first) wins
            longs = self.useful_abbreviations(merged)
        else:
            longs = shared  # `pipeline.with_questions` kept only the useful ones
        if not longs:
            return []
        orths = doc.to_array(ORTH)  # array tests: `doc.text` builds every token
        uses, wanted = _uses(longs)
        hits = np.flatnonzero((orths[:, None] == wanted).any(axis=1))  # np.isin sorts: slower for a few
        if not hits.size:
            return []
        at_definition = {d.start for d in own}
        out = []
        for i in hits.tolist():
            short = uses[int(orths[i])]
            tok = doc[i]
            if tok.idx in at_definition or (_plain_word(tok) and _shouted(doc, i, i + 1, shouted)):
                continue
            matched_here = {f[0] for f in found if f[1] <= i < f[2]}
            for theme, term, rank in self._long_form_terms(longs[short]):
                if theme not in matched_here:
                    out.append((theme, i, i + 1, term, rank))
                    via[(theme, i)] = f"{short} = {longs[short]}"
        return out

    def useful_abbreviations(self, defined: dict[str, str]) -> dict[str, str]:
        """The abbreviations of `defined` whose long form holds a term of a theme that the
        abbreviation is not itself a term of ("Integrated Commissioning Board (ICB)"; not "Local
        Authority (LA)", no term of any theme, nor "Care Quality Commission (CQC)", whose theme
        `CQC` carries already). Kept by the map's content: a return's answers share one."""
        key = frozenset(defined.items())
        got = self._useful.get(key)
        if got is None:
            got = {}
            for short, long in defined.items():
                own = {t for t, _, _ in self._long_form_terms(short)}
                if any(t not in own for t, _, _ in self._long_form_terms(long)):
                    got[short] = long
            if len(self._useful) >= 4096:  # one entry per return, and per text that defines its own
                self._useful.clear()
            self._useful[key] = got
        return got

    def _long_form_terms(self, long: str) -> list[tuple[str, "object", int]]:
        """(theme, term, rank) of the weightiest term of each theme matched in `long`, read as a
        text of its own (without abbreviations: a long form is written out)."""
        got = self._long_forms.get(long)
        if got is None:
            doc = self.make_doc(long)
            if len(doc):  # one sentence (`_shouted` reads the sentence of a term matched by case)
                _set_sentence_starts(doc, [1] + [-1] * (len(doc) - 1))
            doc = self._match(doc, abbreviations=False)
            best: dict[str, tuple] = {}
            for theme, _s, _e, term in doc.user_data[_RAW]:
                if theme not in best or term.weight > best[theme][1].weight:
                    best[theme] = (theme, term, self.terms.index(term))
            got = self._long_forms[long] = list(best.values())
        return got

    @staticmethod
    def _matches(matcher: PhraseMatcher, doc: Doc, joins: tuple[list[int], set[int]] | None) -> list[tuple[int, int, int]]:
        """The matcher's finds in the doc, and in its words with each slash-joined alternative
        left out ("pooled/aligned budgets" read as "pooled budgets" too, "physical/behavioural
        interventions" as "physical interventions"): the words before a slash share the head that
        follows the last alternative; and with each hyphen the tokenizer split off inside a word
        left out ("NHS-funded" read as "NHS funded"). A find through a left-out token spans it in
        the doc. Only the words around each one are read again (a term has at most five words).
        `joins`: `_joined_words(doc)`, worked out once for both matchers."""
        found = matcher(doc)
        if joins is not None:
            kept, drop = joins
            short = Doc(doc.vocab, words=[doc[i].text for i in kept])
            for key, s, e in matcher(short):
                steps = [(kept[k], kept[k + 1]) for k in range(s, e - 1) if kept[k + 1] - kept[k] > 1]
                # across a left-out alternative, and across nothing else (the windows' own gaps)
                if steps and all(set(range(a + 1, b)) <= drop for a, b in steps):
                    found.append((key, kept[s], kept[e - 1] + 1))
        return found


def _shouted(doc: Doc, start: int, end: int, seen: dict[int, tuple[int, int]]) -> bool:
    """Whether the sentence around doc[start:end] is written in capitals ("NO DELAYS OR ISSUES
    WITH DISCHARGES"): at least three other words that are not abbreviations (four letters or more,
    or a function word: "THE", "TO"), three in four of them in capitals. A list of abbreviations
    ("Members: LA, CCG, SEND, YOT") is not. There a term matched by its case (`match` case: an
    abbreviation that is also an everyday word, "OR", "SEND", "SALT") cannot be told from the
    word, and does not count. `seen`: the sentences' counts, worked out once per doc."""
    sent = doc[start].sent
    if sent.start not in seen:
        words = [t for t in sent if _plain_word(t)]
        seen[sent.start] = (len(words), sum(t.is_upper for t in words))
    n, upper = seen[sent.start]
    own = [t for t in doc[start:end] if _plain_word(t)]
    n, upper = n - len(own), upper - sum(t.is_upper for t in own)
    return n >= 3 and 4 * upper >= 3 * n


def _plain_word(t) -> bool:
    return t.is_alpha and (len(t) >= 4 or (len(t) > 1 and t.is_stop))


def _joined_words(doc: Doc) -> tuple[list[int], set[int]] | None:
    """The token positions around each "/ B" of a slash-joined modifier ("A/B C": no spaces around
    the slash, a word on each side and a word after B), and around each hyphen the tokenizer split
    off inside a word ("CHC-funded", "NHS-funded": `pipeline.ACRONYM_HYPHEN`), without them, and the
    positions left out; None when the doc has neither. So "NHS-funded" is matched as "NHS funded"
    (and "CHC" in it as itself)."""
    n = len(doc)
    if n < 3:
        return None
    arr = doc.to_array([ORTH, SPACY])  # array tests: `doc.text` builds every token
    orth = arr[1:-1, 0]
    marks = np.flatnonzero((orth == _SLASH) | (orth == _HYPHEN)) + 1  # not the first or last token
    if not marks.size:
        return None
    drop: set[int] = set()
    sites: list[int] = []
    space = arr[:, 1]
    for i in marks.tolist():
        if space[i] or space[i - 1]:
            continue  # a slash or hyphen with a space before or after it
        t = doc[i]
        if t.text == "/" and i + 2 < n and doc[i - 1].is_alpha and doc[i + 1].is_alpha \
                and (doc[i + 2].is_alpha or doc[i + 2].text == "/"):
            drop.update((i, i + 1))
            sites.append(i)
        elif t.text == "-" and doc[i - 1].text[-1:].isalnum() and doc[i + 1].text[:1].isalpha():
            drop.add(i)
            sites.append(i)
    if not drop:
        return None
    around = {j for i in sites for j in range(max(0, i - _TERM_REACH), min(n, i + 2 + _TERM_REACH))}
    return [j for j in sorted(around) if j not in drop], drop


def _word_hyphens(doc: Doc, joins: tuple[list[int], set[int]] | None) -> frozenset[int]:
    """The positions of the hyphens `_joined_words` leaves out: those inside a word. Not a hyphen
    typed as a dash, without spaces, between a name and a function word or a null entry
    ("CHC-none.", "Safeguarding-NONE", "AMBER-on track", "s117-not applicable", "Housing-N/A"): no compound
    takes such a word second, and a label's dash or a rating's mark is what it is."""
    if joins is None:
        return frozenset()
    return frozenset(i for i in joins[1] if doc[i].orth == _HYPHEN and doc[i + 1].norm_ not in _DASH_NEXT
                     and not _spells_na(doc, i + 1))


def _pseudo(norms: list[str], i: int, e: int, mention: int | None = None) -> bool:
    """Whether the negation word at i negates nothing: "not only", "no doubt" (`PSEUDO_NEG`), or
    "not" or "never" before a word of degree ("not enough", "not always", "never enough":
    `PARTIAL_AFTER_NOT`; also after a verb of having, "do not have enough": `HAVE`, or a word that
    grades it, "not nearly enough": `_GRADING`) in a clause that does not go on to trouble (up to
    the end of the clause or of the sentence, which ends at e), nor, before the mention at `mention`
    (a mention after the negation), to a clause of justifying or setting up (`_TO_ESTABLISH`)."""
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    if (norms[i], nxt) in PSEUDO_NEG:
        return True
    if norms[i] == "not" and i >= 2 and norms[i - 1] == "or" and norms[i - 2] == "whether":
        return True  # "whether or not CHC applies"
    if norms[i] == "not" and nxt == "to" and i + 2 < len(norms) and norms[i + 2] == "mention":
        return True  # "not to mention the pooled budget"
    if norms[i] in ("no", "not") and nxt in _COMPARE_THAN and i + 2 < len(norms) and norms[i + 2] == "than":
        return True  # "no fewer than 12 people", "not more than three"
    if norms[i] in _DEFERRABLE and _deferred(norms, i + 1, e, mention):
        return True  # "the housing will not be ready until March": put off, not denied
    if norms[i] == "without":
        return _counterfactual_after(norms, i, e)  # "Without the crisis team, admissions would ..."
    if norms[i] not in ("not", "n't", "never"):
        return False
    if norms[i] == "never" and _never_more(norms, i + 1, e):
        return True  # "housing has never been more important": the most it has been
    j = i + 1  # the degree word, after a verb of having if one follows ("not (currently) have enough")
    if j < e and norms[j] in HAVE_BETWEEN and j + 1 < e and norms[j + 1] in HAVE:
        j += 1
    if j < e and norms[j] in HAVE:
        j += 1
    if j + 1 < e and norms[j] in _GRADING and norms[j + 1] in PARTIAL_AFTER_NOT:
        j += 1  # "not nearly enough"
    compared = j + 2 < e and norms[j] == "as" and norms[j + 1][:1].isalpha() and norms[j + 1] not in _NOT_COMPARED \
        and "as" in norms[j + 2:j + 5]  # "not as well resourced as it should be": a comparison, a part
    if not compared and (j >= e or norms[j] not in PARTIAL_AFTER_NOT):
        return False
    said = False  # inside a clause of "that": what it says is denied whole
    for k in range(j + 1, min(e, j + 1 + _CLAUSE_REACH)):
        w = norms[k]
        if w in TERMINATORS or w in _CLAUSE_MARKS or (w in _RESULT_VERBS and not said and norms[j] in _QUANTITY) \
                or (w == "and" and k + 1 < e and norms[k + 1] in _RESULT_SUBJECTS):
            break  # "not enough advocates to avoid delays", "... and this causes problems": the gap's result
        said = said or w == "that"
        if w.startswith(_TROUBLE_STEMS):
            return False  # "not always an issue": trouble denied
        if mention is not None and k < mention and w == "to" and k + 1 < e and norms[k + 1] in _TO_ESTABLISH:
            return False  # "not enough referrals to justify a crisis team": the theme denied
    return True


def _scope_aside(norms: list[str], i: int, start: int) -> bool:
    """Whether the word of time or cause at i is no clause that ends a negation's reach: "because of"
    (a preposition, as "due to" is), or an aside set off by commas before the mention ("The council
    has not, because of the financial position, agreed a section 75", "We have not yet, since the
    restructure, recommissioned advocacy": found by an independent review)."""
    if norms[i] == "because" and i + 1 < start and norms[i + 1] == "of":
        return True
    return i > 0 and norms[i - 1] == "," and "," in norms[i + 1:start]


def _last_negation(norms: list[str], lo: int, i: int) -> int:
    """The position of the last negation word (`NEG_PRE`) from lo before i; lo where there is none."""
    return next((k for k in range(i - 1, lo - 1, -1) if norms[k] in NEG_PRE), lo)


def _opens_clause(norms: list[str], neg: int, i: int) -> bool:
    """Whether the word of time or cause at i (`_SCOPE_ENDS`) opens a clause after the negation at
    `neg`, and so ends its reach: not an adverb right after the negation ("we have not since
    commissioned", "not once", "never before"), nor a preposition before a time ("since April", "since
    2010", "after hours"), nor, after a negation of a noun ("no", "none", "nobody"), a word inside
    its subject, before the clause's verb ("No one discharged after assessment has been placed out of
    area" denies the placements; "No one has been admitted since the crisis service started" does
    not deny the service; a second review found these)."""
    if i == neg + 1:
        return False
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    if nxt in _TIME_AFTER or any(c.isdigit() for c in nxt):
        return False
    if norms[neg] in _NOUN_NEGATIONS and norms[i] in _TIME_WORDS:
        return not _FINITE.isdisjoint(norms[neg + 1:i])
    return True  # "whether", "if", "because", "unless" always open one: "no way of telling whether advocacy ..."


def _counterfactual_after(norms: list[str], i: int, e: int) -> bool:
    """Whether a counterfactual ("would", not of a wish: "would like") follows "without" at i in its
    clause, or in the main clause after one comma where "Without ..." opens the sentence ("Without the
    crisis team, admissions would have doubled"); not past "and" or another clause break ("Without a
    crisis team, A&E is the only option and we would like this to change" denies the team)."""
    commas = 1 if i == 0 or norms[i - 1] in _CLAUSE_OPENERS or norms[i - 1] in (".", "\n") else 0
    for k in range(i + 1, e):
        w = norms[k]
        if w == "," and commas:
            commas -= 1
            continue
        if w in TERMINATORS or w in _CLAUSE_MARKS or w in ("and", "or", ";", ":"):
            return False
        if w in _COUNTERFACTUAL:
            return _perfect(norms, k + 1, e)
    return False


def _perfect(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k, after "would", are a past counterfactual: "(not) have" and a verb
    ("would have doubled", "would not have managed", "would have been possible"). The present
    "would struggle", "would have to", "would like" may as well describe what is missing now."""
    if k < e and norms[k] in ("not", "n't"):
        k += 1
    if not (k + 1 < e and norms[k] == "have"):
        return False
    w = norms[k + 1]  # a past participle, not a thing had: "would have nowhere to go", "would have difficulty"
    return w in _PARTICIPLES or (w.endswith("ed") and w != "need")


def _clause_words(norms: list[str], k: int, e: int, stops: frozenset[str]):
    """(position, norm) of the words from k up to where the clause ends, before e: at a terminator, a
    clause mark or one of `stops` (what `_deferred`, `_refused_in_clause`, `_predicate_denied` and
    `_absent` read), and at most `_CLAUSE_REACH` words (a text with no breaks is one clause, read
    again for each mention in it: session 45)."""
    for j in range(k, min(e, k + _CLAUSE_REACH)):
        w = norms[j]
        if w in TERMINATORS or w in _CLAUSE_MARKS or w in stops:
            return
        yield j, w


def _deferred(norms: list[str], k: int, e: int, mention: int | None = None) -> bool:
    """Whether "until" (or "till") follows in the negation's clause, from k to the sentence's end e
    (a terminator or a clause mark ends it: "haven't been costed at all, and can't be until
    October" denies the costing; so do "and", "or" and "from": "there is no crisis house and people
    stay on the ward until ...", "no advocacy from referral until the move": found by an independent
    review; and "where", or "to" after the mention at `mention`: "there is no crisis house where people
    can stay until things settle", "no emergency accommodation to use until ...": a second review)."""
    for j, w in _clause_words(norms, k, e, _DEFERRAL_STOPS):
        if w in _UNTIL:
            return True
        if w == "to" and mention is not None and j > mention and j + 1 < e and norms[j + 1] not in _TO_WHOM:
            return False  # an infinitive, "no crisis bed to use until ..."; not "available to people until"
    return False


def _refused_in_clause(norms: list[str], k: int, e: int) -> bool:
    """Whether a refusal (`_REFUSED`, "turned away") stands in the negation's clause, from k: what is
    denied is then the refusal ("No one in need of crisis support has been turned away", "nobody has
    been refused CHC", "no referrals to the advocacy service were declined"), which affirms the
    theme. The refusal is the clause's own verb: after an auxiliary or the negation ("has been
    refused", "were declined", "not refused"), not a noun's ("people excluded from mainstream
    provision", "people denied access"); the clause ends at a terminator, a clause mark, "and",
    "or", a semicolon, or a reason or circumstance, "as", "with", "now" ("no section 75 agreement
    as the CCG declined to enter into one"; a second review found these)."""
    for j, w in _clause_words(norms, k, e, _REFUSAL_STOPS):
        if (w in _REFUSED or (w == "turned" and j + 1 < e and norms[j + 1] == "away")) \
                and (norms[j - 1] in _AUXILIARIES or norms[j - 1] in NEG_PRE):
            return True
    return False


def _undone_before(norms: list[str], k: int, start: int) -> bool:
    """Whether a loss or change word (`_UNDONE`) stands from k before the mention at `start` and is of
    it: no preposition of means or agent between ("no agreement to reduce costs through a pooled
    budget" does not affirm the budget; found by an independent review)."""
    for j in range(k, start):
        if norms[j] in _UNDONE:
            if norms[j] in _CHANGE and norms[j + 1] in ("to", "over", "into") and norms[j - 1] not in _NOUN_BEFORE:
                return False  # "no plans to change to a pooled budget": a change toward it (a second review);
                # not the noun, "no change to the section 75 agreement"
            return _MEANS.isdisjoint(norms[j + 1:start])
    return False


def _never_denies(norms: list[str], k: int, e: int) -> bool:
    """Whether "never" after a mention, followed from k, denies it: before a word of trouble, past the
    words of `_POST_GAP` and an article ("OR has never been an issue", "CHC has never been disputed",
    "never caused problems")."""
    while k < e:
        w = norms[k]
        if w.startswith(_TROUBLE_STEMS):
            return True
        if not (w in _POST_GAP or w in ("a", "an", "any", "caused", "causing", "posed", "raised")):
            return False
        k += 1
    return False


def _predicate_denied(norms: list[str], j: int, e: int, start: int) -> bool:
    """Whether the negation at j after the mention (which starts at `start`), with "do", "does" or
    "did" before it, denies what the mention does rather than that it is there: "providers do not
    report it to us", "the commissioning intentions do not include a workforce assessment", "the
    CCG does not fund anyone" speak of bodies and documents that exist. Not a verb of being there,
    arising or bearing on things (`_ABSENT_VERBS`, `_BEARING_ON`: "OR does not arise", "DoLS does not
    apply", "OR does not come into it", "CHC does not hold up discharges"), also after "seem to",
    "tend to" ("OR does not seem to apply"); not "have" before a word of relevance ("does not have
    any bearing"); not a verb of running or taking place where the mention is not a definite thing
    ("pooled budgets do not operate in this area", "joint reviews do not take place"; but "the crisis
    team does not operate at weekends"); nor where trouble follows in the clause ("CHC does not cause
    any difficulties"), unless the verb reports it ("providers did not raise any concerns"). A second
    independent review found the verbs and the adverbs. Since session 43 "has", "have" or "had" before
    the negation and a past participle after it read the same ("the crisis team has not admitted
    anyone"; "OR has not arisen", "has not gone live" deny); "has not been ..." is left to the rest."""
    if j < 1 or not (norms[j - 1] in _DO or norms[j - 1] in _HAS):
        return False
    perfect = norms[j - 1] in _HAS  # "has not admitted": the same, in the perfect
    k = j + 1
    while k < e and (norms[k] in _DO_ADVERBS or (norms[k].endswith("ly") and norms[k] not in _LY_VERBS)):
        k += 1  # "does not currently", "does not typically"
    if k + 1 < e and norms[k] in _SEEMING and norms[k + 1] == "to" and not perfect:
        k += 2  # "does not seem to apply"
    if k >= e or not norms[k][:1].isalpha():
        return False
    verb = norms[k]
    if perfect and (verb == "been" or not (verb in _PAST_FORMS or verb in _PARTICIPLES or verb.endswith("ed"))):
        return False  # "has not been ...", or "have" as the main verb ("we have not a crisis bed")
    after = norms[k + 1:min(e, k + 4)]
    if "all" in after and after[after.index("all") - 1:after.index("all")] == ["at"]:
        after = after[:after.index("all") - 1]  # "has not cropped up at all": no degree
    if not PARTIAL_AFTER_NOT.isdisjoint(after) or any(w in ("often", "enough") or w in _TIMELY for w in after):
        return True  # "advocacy does not operate consistently", "the bed does not get used very often": a gap
    if verb in _NOT_PREDICATE:
        return False
    if verb in ("hold", "get", "held", "got") and (after[:1] == ["up"] or after[:3] == ["in", "the", "way"]
                                                   or after[:3] == ["off", "the", "ground"] or after[:1] == ["going"]
                                                   or (after[:1] and after[0] in _SET_UP)):
        return False  # "CHC does not hold up discharges", "OR does not get in the way", "does not get commissioned",
        # "the crisis team has not got off the ground"
    if verb in ("go", "gone") and after[:1] == ["live"]:
        return False  # "the crisis service has not gone live"
    if verb in HAVE and not _NO_BEARING.isdisjoint(after):
        return False  # "OR does not have any bearing on it"
    if _running(norms, k) and not (start > 0 and (norms[start - 1] in _DEFINITE or norms[start - 1] == "'s")):
        return False  # "a crisis team does not operate locally"
    for _, n in _clause_words(norms, k + 1, e, frozenset()):
        if n.startswith(_TROUBLE_STEMS):
            return verb in _REPORTING or verb in _REPORTING_PAST  # "CHC does not cause any difficulties";
            # "providers did not raise concerns"
    return True


def _cause_clause(norms: list[str], i: int, start: int, e: int) -> bool:
    """Whether "as" or "so" at i, before the mention at `start`, opens a clause of cause or result: a
    subject and then, within `_CAUSE_SUBJECT_WORDS` words and before any preposition, relative word or
    clause mark, an auxiliary or a modal ("as the crisis team is in place", "as families are involved",
    "so CHC packages are funded separately"); after a pronoun, right after it ("as we have a crisis
    team", not the asides "as we understand it", "as it stands"); or "as long as", "so long as", a
    condition. Not "such as", "as well as", "known as" (`_AS_NOT_CAUSE`), "as yet", "so far", "so
    that", "as a rule" (`_CAUSE_NOT_SUBJECT`), nor "as the crisis lead that we would need" (a role).
    A clause whose verb is no auxiliary ("as the protocol works well") is not read."""
    if i >= 2 and norms[i] == "as" and norms[i - 1] == "long" and norms[i - 2] in ("as", "so"):
        return True  # "No concerns as long as the crisis team is funded"
    if i + 1 >= e or (i > 0 and norms[i - 1] in _AS_NOT_CAUSE) or norms[i + 1] in _CAUSE_NOT_SUBJECT \
            or not norms[i + 1][:1].isalpha() or start < i + 1:
        return False
    if norms[i + 1] in _PRONOUNS:
        k = i + 2
        while k < e and norms[k] in _DO_ADVERBS:
            k += 1
        return k < e and norms[k] in _AUX_MODAL
    for k in range(i + 2, min(e, i + 2 + _CAUSE_SUBJECT_WORDS)):
        w = norms[k]
        if w in _AUX_MODAL:
            return True
        if w in _PREPOSITIONS or w in _RELATIVES or w == "that" or w in _PRONOUNS or w in TERMINATORS \
                or w in _CLAUSE_MARKS or not w[:1].isalnum():
            return False
    return False


def _agent(norms: list[str], i: int, start: int) -> bool:
    """Whether "by" at i makes the mention at `start`, at most two words after it and with no
    preposition between, the agent of a passive verb that reports or decides (`_DECIDING_PAST`,
    "signed off"): "CHC disputes have not been raised by families", "the plan has not been agreed by
    the Health and Wellbeing Board"."""
    if i < 1 or start - i - 1 > 2 or not _PREPOSITIONS.isdisjoint(norms[i + 1:start]):
        return False
    v = i - 2 if norms[i - 1] == "off" and i >= 2 else i - 1
    return norms[v] in _DECIDING_PAST and not (v >= 2 and norms[v - 1] in _LIST_JOINS)  # not "funded or approved by"


def _topic_denied(norms: list[str], b: int, start: int, end: int, e: int) -> bool:
    """Whether the mention (`start`-`end`) is the topic a sentence (b-e) opens with (`_TOPIC_OPENERS`:
    "Regarding ordinary residence, ...", "In relation to CHC, ...", "As regards the pooled budget,
    ..."), in a phrase of at most `_TOPIC_WORDS` words without a verb before the comma, and the clause
    after the comma denies trouble ("there are no disputes", "we are not aware of any issues") or the
    topic's being there (`_topic_absent`: "it is not yet in place", "we do not have one") or is
    "none", "nil" or "nothing" (`_NOTHING`, with at most `_NOTHING_AFTER` after it: "nothing to
    report"), and the sentence says nothing more against it: no contrast ("..., although a historic
    case remains unresolved"), no clause after a comma or semicolon ("there are no issues, the Board
    has approved the framework"). A denial of the theme, as "there are no OR disputes" is (session
    44); a partial one is not ("there are not many disputes", "not always"), nor "nothing has been
    updated" or "none of the tenants wishes to move" (an independent review found these)."""
    k = b
    while k < start and not norms[k][:1].isalnum():
        k += 1  # a bullet or a quote before the opener
    if all(w in _SUBJECT_DETERMINERS or w in ("a", "an") for w in norms[k:start]):  # a label: the mention
        # opens the sentence, a dash or colon after it ("Crisis response - there isn't one", "Pooled budget:
        # we do not have one"; session 50)
        opener, marks = 0, _NOTE_DASHES
    elif norms[k] not in _TOPIC_FIRST:
        return False  # most sentences: no opener to compare
    else:
        opener = next((len(o) for o in _TOPIC_OPENERS if tuple(norms[k:k + len(o)]) == o), 0)
        if not opener or start < k + opener:
            return False
        marks = (",",)
    c = next((p for p in range(end, min(e, end + _TOPIC_WORDS + 1)) if norms[p] in marks), -1)
    if c < 0 or not _FINITE.isdisjoint(norms[k + opener:c]) or (not opener and not _label_words(norms, end, c)):
        return False
    if not opener and (c + 1 >= e or norms[c + 1] not in _LABEL_SUBJECTS):
        # after a label, a clause with its subject, or a note with none that denies it ("Advocacy - none
        # commissioned", "CHC - no disputes outstanding"; session 51); a null entry ("Safeguarding
        # implications: none identified") is the sentence frame's, a denial in an answer and a template's
        # line in a document
        return _note_denies(norms, c + 1, e)
    return _denies_topic(norms, c, e)


def _denies_topic(norms: list[str], c: int, e: int, bare: bool = False) -> bool:
    """Whether the clause after a fronted topic's comma or a label's mark at c, to e, denies trouble
    about the topic or its being there, and says nothing more against it (`_topic_denied`). `bare`: the
    clause is a sentence after a label's own (`_label_alone`), tied to it less closely; trouble it
    denies is then the label's only where the sentence names nothing the trouble is with or about
    ("Advocacy. There are no issues with CHC." denies nothing of advocacy)."""
    for p in range(c + 1, min(e, c + 1 + _TOPIC_WORDS)):
        w = norms[p]
        if w in TERMINATORS or w in _CLAUSE_MARKS:
            return False
        if w in _NOTHING:
            return _only_after(norms, p + 1, e)  # "Concerning safeguarding, nil."; not "nothing has been
            # updated since 2012"
        if w in _DOUBLE:
            nxt = norms[p + 1] if p + 1 < e else ""
            if _pseudo(norms, p, e) or nxt in PARTIAL_AFTER_NOT or nxt in ("many", "much"):
                return False  # "there are not many disputes", "not always a problem": a part
            t = next((q for q in range(p + 1, min(e, p + 5)) if norms[q].startswith(_TROUBLE_STEMS)), -1)
            if t < 0 and _topic_absent(norms, c + 1, p, e):
                t = p  # "As for personal budgets, they are not available", "we do not have one"
            return t >= 0 and not any((x in TERMINATORS and x != "yet")  # "not yet in place" is no contrast
                                      or (x in (",", ";") and _clause_follows(norms, q + 1, e))
                                      or (bare and x in _TROUBLE_OBJECTS)
                                      for q, x in enumerate(norms[t + 1:e], t + 1))
    return False


def _label_sentence(norms: list[str], b: int, start: int, end: int, e: int) -> bool:
    """Whether the mention (`start`-`end`) is a label that makes its sentence (b-e) on its own: nothing
    before it but a bullet or a determiner, at most words of a list item after it (`_label_words`), and
    its stop ("Ordinary residence.", "• The crisis team.", "Pooled budget?")."""
    return e - 1 >= end and not norms[e - 1][:1].isalnum() \
        and all(not w[:1].isalnum() or w in _SUBJECT_DETERMINERS or w in ("a", "an") for w in norms[b:start]) \
        and _label_words(norms, end, e - 1)


def _label_alone(norms: list[str], b: int, start: int, end: int, e: int, after: tuple[int, int] | None) -> bool:
    """Whether the mention is a label that makes a sentence of its own (`_label_sentence`) and the next
    sentence (`after`) denies it as a label's dash or colon and the words after them would: a clause
    with a pronoun for its subject (`_topic_denied`: "Ordinary residence. This is not an issue at
    present.", "Pooled budgets. We do not have one."), or a note with no subject (`_note_denies`: "CHC. Not
    an issue for us.", "PBS? Not commissioned."). Session 51; a null entry ("Pooled budget. None.", "CHC.
    No issues.") is read in an answer only (`negation`), as after a colon."""
    if after is None or after[0] >= after[1] or not _label_sentence(norms, b, start, end, e):
        return False
    a, z = after
    if norms[a] in _LABEL_SUBJECTS:
        return _denies_topic(norms, e - 1, z, bare=True)
    return _note_denies(norms, a, z)


def _note_denies(norms: list[str], a: int, z: int) -> bool:
    """Whether the words from a to z, after a label's dash or colon or in the sentence after a label alone,
    are a note with no subject that denies the label: a word of its being gone (`_SUBJECT_GONE`: "lapsed
    March 2012"); "no", "none", "nil" or "not" and what was not done or raised ("none commissioned", "not
    commissioned", "no issues raised"), trouble or the thing itself ("no local provision", "not an
    issue"); or "does not exist"; then only words of time or place ("none undertaken for this group",
    "not an issue for us"). A null entry of the sentence frame ("none", "no issues": `_null_entry`) is
    left to the frame: a denial in an answer, a template's line in a document. A part is no denial:
    "not commissioned for children", "none out of hours" (session 51)."""
    if _null_entry(norms, a, z):
        return False
    k = a
    if k + 2 < z and norms[k] in _DO and norms[k + 1] in ("not", "n't") and norms[k + 2] in _EXIST:
        return _only_after(norms, k + 3, z, _NOTE_TAIL)  # "does not exist"
    if k < z and norms[k] in _SUBJECT_GONE:  # "s75 - lapsed March 2012", "Partnership Board: disbanded 2011."
        return all(not w[:1].isalnum() or w[:1].isdigit() or w in _MONTHS or w in _NOTE_TAIL or w in _NOTHING_AFTER
                   or w in ("since", "on", "last", "ago", "previously") for w in norms[k + 1:z])
    if k >= z or norms[k] not in ("no", "none", "nil", "not"):
        return False
    negation = norms[k]
    k += 1
    if negation == "not" and k < z and norms[k] in ("a", "an", "any", "yet"):
        k += 1
    while k < z and (norms[k] in _ANY_TROUBLE or norms[k] in _NOTE_KINDS):
        k += 1
    named = negation != "none" and k < z and (norms[k].startswith(_TROUBLE_STEMS) or norms[k] in _TOPIC_NOUNS)
    k += named
    if k < z and norms[k] == "in" and k + 1 < z and norms[k + 1] in _IN_BEING:
        k += 2  # "none in use"
    elif k < z and norms[k] in _NOTE_DONE:
        k += 1
    elif not named:
        return False  # "not for children", "none out of hours"
    return _only_after(norms, k, z, _NOTE_TAIL)


def _label_words(norms: list[str], end: int, c: int) -> bool:
    """Whether the words between a mention that opens its sentence (ending at `end`) and the dash or colon
    at c keep it a label: none, or only words of a list item ("Crisis response service: ..."), none of
    them saying how the thing stands ("Crisis team established: there are no issues" is a note of its
    own, whose "no issues" denies nothing of the team; session 51)."""
    return all(_list_word(w) and w not in _SUBJECT_DETERMINERS and not _status_word(w) for w in norms[end:c])


def _status_word(w: str) -> bool:
    """Whether `w` says how a thing stands, as a note's predicate does: set up, available, gone or
    needed, or another past participle ("established", "agreed", "disbanded", "reviewed")."""
    return w in _SET_UP or w in _AVAILABLE or w in _GONE or w in _NEEDED or w in _PARTICIPLES \
        or (len(w) > 4 and w.endswith("ed"))


def _topic_absent(norms: list[str], s: int, p: int, e: int) -> bool:
    """Whether the clause from s, with its negation at p, denies that the fronted topic is there: a
    pronoun for it as the subject ("it is not yet in place", "they are not available": `_absent`),
    "we do not have one" (`_HAVE_IT`), or "there is no agreement in place" (`_TOPIC_NOUNS`, with at
    most `_NOTHING_AFTER` or "in place" after it); not "there is no funding yet" or "no plans"."""
    if norms[s] in _TOPIC_PRONOUNS and p - s in (2, 3) and norms[s + 1] in _AUX_MODAL:
        return _absent(norms, p + 1, e) and not _out_of_hours(norms, p + 1, e)  # not "at weekends": a gap
    if norms[s] in ("we", "they") and p - s in (2, 3) and (norms[p - 1] in _DO or norms[p - 1] in _HAS) \
            and p + 2 < e and norms[p + 1] in HAVE and norms[p + 2] in _HAVE_IT:
        return _only_after(norms, p + 3, e)
    if norms[p] == "no" and p + 1 < e and norms[p + 1] in _TOPIC_NOUNS and not _THERE_IS.isdisjoint(norms[s:p]):
        return _only_after(norms, p + 2, e, ("in", "place"))
    if norms[s] == "there" and norms[p] in ("not", "n't") and p + 1 < e and norms[p + 1] in _HAVE_IT \
            and not _THERE_IS.isdisjoint(norms[s + 1:p]):
        return _only_after(norms, p + 2, e, ("in", "place"))  # "there isn't one", "there is not one in place"
        # (session 50)
    return False


def _only_after(norms: list[str], k: int, e: int, also: tuple[str, ...] = ()) -> bool:
    """Whether the words from k to the sentence's end (e) are only punctuation, `_NOTHING_AFTER`
    ("to report", "at present", "as yet") and `also`."""
    return all(not x[:1].isalnum() or x in _NOTHING_AFTER or x in also for x in norms[k:e])


def _running(norms: list[str], k: int) -> bool:
    """Whether the word at k is a verb of running or taking place (`_RUNNING`: "operate", "run", "take
    place"; "take" only before "place")."""
    w = norms[k]
    return (w in _RUNNING or w in _RUNNING_PAST) and (w not in ("take", "taken") or norms[k + 1:k + 2] == ["place"])


def _denied_after(norms: list[str], b: int, start: int, j: int, e: int, headed: bool, troubled: bool) -> bool:
    """Whether the negation at j after the mention at `start` (in the sentence b-e) denies it, the
    mention followed by a head noun or ending in one (`headed`: only its being there may be denied)
    or by a word of trouble (`troubled`: only its arising may be)."""
    of = _of_noun(norms, b, start)  # "support for families has not been agreed"
    if of >= 0:
        if norms[of] in _ASPECT:
            return False  # "clarity about the role of the community team has not been agreed"
        if norms[of] in _BACKING and _backed(norms, j + 1, e):
            return True  # "funding for crisis beds has not been identified"
        if norms[of].startswith(_TROUBLE_STEMS):
            troubled = True  # "disputes about OR have not arisen"
        else:
            headed = True  # "the work for behaviour support services has not been costed"
    if _predicate_denied(norms, j, e, start) or (troubled and not _arisen(norms, j + 1, e)) \
            or ((headed or _in_relative(norms, b, start)) and not _absent(norms, j + 1, e)
                and not (of < 0 and _irrelevant(norms, j + 1, e))) \
            or _out_of_hours(norms, j + 1, e) or _hours_before(norms, b, start) \
            or (not troubled and _in_manner(norms, j + 1, e)):
        return False  # "providers do not report it to us": the providers are there
    if norms[j] == "never" and not _never_denies(norms, j + 1, e) and not _never_set_up(norms, j + 1, e):
        return False  # "the crisis team has never missed its target": no denial of the team; "the register
        # was never set up" denies it (session 46)
    return not _undone_after(norms, j + 1, e)  # "the pooled budget has not been reduced" affirms it


_TO_BE_THERE = _SET_UP | _AVAILABLE | _ABSENT_VERBS  # what "yet to be" denies (`_to_be_set_up`)


def _in_manner(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation before k denies is how well, how soon or how widely the thing is done
    (`_manner_in_clause` from the first word past the auxiliaries: "(are not) working well", "used
    effectively", "happening often enough", "progressing as quickly as planned", "completed on time")
    or a word judging it there (`_QUALITIES`: "(is not) robust", "(is not yet) consistent"): a gap in
    what is there (session 47)."""
    p = _past_gap(norms, k, e)
    if p < e and norms[p] in _QUALITIES:
        return True
    return _manner_in_clause(norms, p, e, first=k)


_MANNER_REACH = 4  # a word of manner is the verb's within this many words of its clause's first word
# What ends the clause a word of manner is read in: a relative or a clause of condition, time or cause,
# an infinitive ("We do not have a crisis team that responds quickly", "... to respond quickly" deny
# the team; "given that the CCG does not manage budgets well", "let alone monitored it properly"); "to"
# before "everyone" or "all" is the degree's ("not offered to everyone")
_MANNER_STOPS = cue_words({"and", "or", "nor", "that", "which", "who", "where", "when", "if", "unless", "to",
                           "given", "let", "spite"})
_EVERYONE = cue_words({"everyone", "everybody", "all"})
_MANNER_ENDS = _MANNER_STOPS - {"to"}  # `_manner_in_clause` reads "to" itself, going on before `_EVERYONE`


def _manner_in_clause(norms: list[str], k: int, e: int, first: int | None = None) -> bool:
    """Whether the clause from k (a negated predicate's first word, or the word after the object of a
    negated verb) holds a word of manner (`_MANNER`, or "on time") within `_MANNER_REACH` words, before
    any word of trouble ("is not an issue in all cases" denies; "not widely used by people with
    challenging behaviour" reads its degree first). The clause (`_clause_words`) ends at
    `_MANNER_STOPS`, a clause mark, a terminator, "as" before no word of manner (a cause: "not used as
    joint funding works well"), or a participle after its first word, or at it after an object
    ("meaning we cannot plan properly", "for packages agreed quickly"); a word of manner before a
    participle is that participle's ("for fully funded CHC packages"); "as well as" after a noun adds
    ("not commissioned for adults as well as children"), and "as well" at the end is "also". `first`:
    the word right after the negation, where `_pseudo` read a word of `PARTIAL_AFTER_NOT` already and
    found trouble after it ("not always an issue")."""
    for q, w in _clause_words(norms, k, min(e, k + _MANNER_REACH + 1), _MANNER_ENDS):
        if w.startswith(_TROUBLE_STEMS) or (w == "to" and not (q + 1 < len(norms) and norms[q + 1] in _EVERYONE)) \
                or (w == "as" and not (q + 1 < e and norms[q + 1] in _MANNER)) \
                or ((q > k or first is None) and len(w) > 4 and w.endswith(("ing", "ed")) and w not in _MANNER):
            return False
        if q == first and w in PARTIAL_AFTER_NOT:
            continue
        if q > k and q + 1 < e and len(norms[q + 1]) > 4 and norms[q + 1].endswith("ed"):
            continue  # "for fully funded packages"
        if w == "well" and norms[q - 1] == "as" and (norms[q + 1:q + 2] != ["as"] or q - 2 > k):
            continue  # "as well" (also), "for adults as well as children"
        if (w in _MANNER and not (w == "all" and norms[q - 1] == "at")) or (w == "time" and norms[q - 1] == "on"):
            return True
    return False


def _done_in_manner(norms: list[str], i: int, start: int, end: int, e: int) -> bool:
    """Whether the "not" at i, before the mention (start-end), negates how well, how soon or how widely
    a verb is done to it, as `_in_manner` reads a negation after it: "We do not use pooled budgets
    effectively", "We have not reviewed placements in a timely way", "We do not fund CHC packages
    quickly enough" (session 47). The verb follows the negation (past adverbs), is not one of having,
    being, existing or needing ("We do not have a crisis team that works well" denies it), and takes
    the mention as its object within four words, with no clause between, or is the mention ("We do not
    review placements often enough"); the word of manner follows the mention in the verb's clause
    (`_MANNER_STOPS`)."""
    if norms[i] not in ("not", "n't"):
        return False
    k = i + 1
    while k < start and norms[k] in _DO_ADVERBS:
        k += 1
    if k > start or start - k > 4 or not norms[k][:1].isalpha() or norms[k] in HAVE or norms[k] in _POST_GAP \
            or norms[k] in _ABSENT_VERBS or norms[k] in _NEED or norms[k] in PARTIAL_AFTER_NOT \
            or norms[k] in _NOT_MODIFIERS or norms[k] in _SUBJECT_DETERMINERS or norms[k] in _OF_PREPS:
        return False  # no verb: "not a register of everyone", "not for everyone"
    if any(w in _MANNER_STOPS or w in TERMINATORS or w in _CLAUSE_MARKS or w in NEG_PRE or w == "as"
           for w in norms[k + 1:start]):  # "not used as joint funding works well": a clause of cause
        return False
    return _manner_in_clause(norms, end, e)


# Main verbs that "no longer" before them denies as "does not" would: being there, arising, running
# (`_no_longer_there`; session 47) ...
_STILL_THERE = _ABSENT_VERBS | cue_words({"operate", "operates", "function", "functions"})
# ... and what may follow that verb before its clause ends
_STILL_AFTER = cue_words({"now", "anymore", "locally", "here", "today", "at", "all"})


def _no_longer_there(norms: list[str], j: int, e: int) -> bool:
    """Whether "no longer" at j goes on to a verb of being there, arising or running ("the crisis team no
    longer exists", "OR disputes no longer arise", "the pooled budget no longer operates"; session 47;
    "reviews no longer take place", session 48)
    whose clause ends there (`_STILL_AFTER` aside: "no longer exists now", "at all"): read as "does not"
    before it. Not another main verb ("pooled budgets no longer cover housing costs"), nor the verb with
    a limit, a place, a case or a degree after it ("no longer exists as a standalone service", "no longer
    applies to adults over 65", "no longer operate in the north of the county", "no longer arise as
    often"; a third review found these)."""
    if not (j + 2 < e and norms[j + 1] == "longer"):
        return False
    if norms[j + 2] in ("take", "takes") and norms[j + 3:j + 4] == ["place"]:
        k = j + 4  # "reviews no longer take place" (session 48)
    elif norms[j + 2] in _STILL_THERE:
        k = j + 3
    else:
        return False
    while k < e and norms[k] in _STILL_AFTER:
        k += 1
    return k >= e or norms[k] in TERMINATORS or norms[k] in _CLAUSE_MARKS or norms[k] in _LIST_JOINS \
        or not norms[k][:1].isalnum()


def _to_be_set_up(norms: list[str], k: int, e: int) -> bool:
    """Whether "yet to" or "still to" before k goes on to a thing's being set up, made available or in
    place ("(has yet to) be set up", "(is still to) be commissioned", "(is yet to) be published", "be in
    place"; session 46): no negation word, but a denial of its being there, as "has not yet been set
    up" is. Not what else is yet to be done ("the register has yet to be cross-checked"), nor a limit
    ("yet to be commissioned by the CCG")."""
    if k < e and norms[k] in ("be", "been", "get", "go"):
        k += 1
    k = _past_gap(norms, k, e, ("put", "made", "up", "formally"))
    if norms[k:k + 2] == ["and", "running"]:
        k += 1  # "up and running"
    return _set_up_at(norms, k, e, _TO_BE_THERE)


def _never_set_up(norms: list[str], k: int, e: int) -> bool:
    """Whether "never" before k denies a thing's being set up or in place ("the register was never set
    up", "a pooled budget has never been in place"; session 46); not its being provided or available
    in some way ("advocacy has never been provided in-house", "never available at weekends"); nor its
    having been there, happened or taken place ("a register has never existed", "reviews have never
    taken place"; session 48: an independent review found these)."""
    k = _past_gap(norms, k, e, ("up",))
    if k + 1 < e and norms[k] in _TAKEN and norms[k + 1] == "place":
        return not _limited(norms, k + 2, e)
    if k < e and (norms[k] in _COMING_PAST or norms[k] in _THERE_VERBS):
        return not _limited(norms, k + 1, e)
    return _set_up_at(norms, k, e, _SET_UP)


# What "never" before them denies as it does "set up" (`_never_set_up`; session 48)
_TAKEN = cue_words({"taken", "took", "take", "takes"})  # ... "place"
_THERE_VERBS = cue_words({"exist", "exists", "happen", "happens", "occur", "occurs", "arise", "arises", "arose"})


def _set_up_at(norms: list[str], k: int, e: int, words: frozenset[str]) -> bool:
    """Whether the word at k is one of `words` ("set up", "commissioned", ...) or begins "in place" /
    "in existence", with no limit after it (`_limited`): what `_to_be_set_up` and `_never_set_up` read."""
    return k < e and (norms[k] in words or (norms[k] == "in" and norms[k + 1:k + 2] in (["place"], ["existence"]))) \
        and not _limited(norms, k + 1, e)


def _past_gap(norms: list[str], k: int, e: int, also: tuple[str, ...] = ()) -> int:
    """The first position from k (before e) past the words of `_POST_GAP`, `_DO_ADVERBS` and `also`:
    where what a negation denies begins ("(not) yet been put in place")."""
    while k < e and (norms[k] in _POST_GAP or norms[k] in _DO_ADVERBS or norms[k] in also):
        k += 1
    return k


def _absent(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation before k denies is a thing's being there: "(is not) yet in place",
    "in existence" (`_IN_BEING`), "(does not) exist", "(has not) started" (`_ABSENT_VERBS`,
    `_COMING_PAST`), "(has not been) set up", "commissioned", "signed off" (`_SET_UP`), "(is not)
    available", "up and running", "(has not) gone live" (`_AVAILABLE`), "(does not) operate" (`_running`:
    "a crisis team does not operate locally"; "the crisis team does not operate at weekends" is read
    before, by `_predicate_denied`), "(has not) got off the ground", after the words of `_POST_GAP`
    ("not been put in place"), unless the clause limits it (`_limited`: "not commissioned by the
    council", "not available quickly enough"); or trouble with it ("crisis provision is not an issue
    for us", "out of area placements are not issues for us": read from k, as `_past_gap` passes over
    "issues"; session 50), or its not being used at all (`_used_at_all`: "Out of area placements are not
    used"; session 50). Nothing after the negation ("Crisis team: not yet.") denies it too."""
    first, k = k, _past_gap(norms, k, e, ("put", "got", "gone", "up", "together"))
    if k >= e or norms[k] in (".", ";", "!"):
        return True  # nothing after: "Crisis team: not yet."
    if (norms[k] in _ABSENT_VERBS or norms[k] in _COMING_PAST or _running(norms, k)
                  or norms[k:k + 3] == ["off", "the", "ground"] or norms[k:k + 2] == ["a", "reality"]
                  or (norms[k] == "going" and norms[k + 1:k + 2] != ["to"])
                  or (norms[k] in ("taken", "take") and norms[k + 1:k + 2] == ["forward"])):
        return True
    if norms[k] == "and" and norms[k + 1:k + 2] == ["running"]:
        k += 1  # "up and running"
    if norms[k] == "used":
        return _used_at_all(norms, k + 1, e)  # "Out of area placements are not used" (session 50)
    if (norms[k] in _SET_UP or norms[k] in _AVAILABLE
                  or (norms[k] == "in" and k + 1 < e and norms[k + 1] in _IN_BEING)):
        return not _limited(norms, k + 1, e)
    return any(n.startswith(_TROUBLE_STEMS) and not (n == "concerned" and norms[p + 1:p + 2] in (["with"], ["in"]))
               for p, n in _clause_words(norms, first, min(e, k + 4), frozenset()))  # "is not concerned with LD"


_USED_AFTER = cue_words({"at", "all", "here", "locally", "currently", "now", "present", "any", "more", "longer"})


def _used_at_all(norms: list[str], k: int, e: int) -> bool:
    """Whether "(not) used" says the thing is not used at all: the clause ends after it, perhaps after
    "at all", "locally", "at present" (`_USED_AFTER`): "Out of area placements are not used", "are not used
    locally". Not how, for what or by whom ("not used for planned admissions", "not used routinely", "not
    used by many families", "not used to fund housing")."""
    while k < e and norms[k] in _USED_AFTER:
        k += 1
    return k >= e or norms[k] in TERMINATORS or norms[k] in _CLAUSE_MARKS or norms[k] in (".", ";", "!", "and")


def _definite(norms: list[str], b: int, start: int) -> bool:
    """Whether the mention at `start` (its sentence begins at b) opens a definite noun phrase: a
    definite determiner or a possessive right before it ("the register", "this s75 agreement", "the
    council's register"), or a definite determiner (not "this", "these", "those", which are also
    pronouns: "This means pooled budgets ...") up to `_DEFINITE_REACH` - 1 words of its own before it
    ("our local register", "the 2013/14 pooled budget") where the determiner opens a phrase, after the
    sentence's start, a punctuation mark or a word of `_PHRASE_OPENERS` ("At the moment pooled budgets
    are not used" has no definite subject). Such a phrase presupposes the thing it names, as a
    negative quantifier's definite restriction does (session 45): a negation after it denies only its
    being there, its arising or its bearing (`_absent`, `_irrelevant`), not what is said of it ("the
    register is not complete", "has not yet been cross-checked"; session 46)."""
    for k in range(start - 1, max(b, start - _DEFINITE_REACH) - 1, -1):
        w = norms[k]
        if w == "'s":  # "the council's register"; not "there's", "it's"
            return k > b and norms[k - 1][:1].isalpha() and norms[k - 1] not in _NOT_POSSESSORS
        if w in _SUBJECT_DETERMINERS:
            return k == start - 1 or (w not in _DEMONSTRATIVES and (
                k == b or not norms[k - 1][:1].isalnum() or norms[k - 1] in _PHRASE_OPENERS))
        if not (w[:1].isalpha() or w[:1].isdigit()) or w in _NOT_MODIFIERS or w in NEG_PRE or w in TERMINATORS \
                or w in _OF_PREPS:
            return False
    return False


def _irrelevant(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation before k denies of the mention is its bearing on what is described:
    "(is not) relevant to this group", "applicable", "needed" (`_RELEVANT`; session 46); not a need to
    act ("is not required to attend"), nor one limited by degree or case ("not needed as often", "in
    every case", "for all clients": `_limited`)."""
    k = _past_gap(norms, k, e)
    if k >= e or norms[k] not in _RELEVANT or (norms[k] in _NEEDED and norms[k + 1:k + 2] == ["to"]):
        return False
    return not _limited(norms, k + 1, e) and not any(w in ("often", "as") for _, w in _clause_words(
        norms, k + 1, min(e, k + 4), frozenset()))


def _opens_subject(norms: list[str], b: int, start: int) -> bool:
    """Whether the mention at `start` stands in a list of noun phrases that opens its sentence or
    follows a colon, semicolon, dash, bracket, bullet or a word of `_LIST_OPENERS`: back to it there are
    only list items (`_item_start`) and their separators ("The register, ...", "Ordinary residence, CHC
    and ...", ": our local register and ..."). Not "We reviewed the register and ...", "The council
    manages the register and ...", "Regarding OR, ...", "an advocacy service for people going through
    assessment, care planning and review ...", nor after a comma or "and" that may end a clause before
    ("At present, the register and ...", "The JSNA is complete and OR and CHC ...": left unread)."""
    k = start - 1
    for _ in range(_LIST_ITEMS):
        k = _item_start(norms, b, k)
        if k is None:
            return False
        if k < b or norms[k] in _LIST_OPENERS or (not norms[k][:1].isalnum() and norms[k] not in (",", "'s")) \
                or (norms[k] == "," and _fronted_phrase(norms, b, k)):
            return True
        if norms[k] == "both" and (k == b or norms[k - 1] in _LIST_OPENERS or not norms[k - 1][:1].isalnum()):
            return True  # "Both advocacy and IMCA are not commissioned" (session 50)
        if norms[k] not in _LIST_JOINS and norms[k] != ",":
            return False
        k -= 1  # past the separator to the item before
    return False


def _fronted_phrase(norms: list[str], b: int, k: int) -> bool:
    """Whether the words from the sentence's start b to the comma at k are fronted phrases, one or more
    in a row ("In Leicester, at present, ..."; `_fronted_one`), or a fronted clause of concession,
    contrast, time or cause (`_FRONT_CLAUSES`: "Although the register is complete, ...", "While the
    register is up to date, ..."): at most `_FRONTED_CLAUSE_WORDS` words, with a verb of `_AUX_MODAL` and
    no comma (session 47); any verb after a word that opens only clauses (`_CONCESSIVE`: "Although we run a
    register, ..."; session 48)."""
    while b < k and not norms[b][:1].isalnum():
        b += 1
    if b < k and norms[b] in _FRONT_CLAUSES and k - b <= _FRONTED_CLAUSE_WORDS and "," not in norms[b:k] \
            and (norms[b] in _CONCESSIVE or any(w in _AUX_MODAL for w in norms[b:k])):
        return True
    c = next((q for q in range(k - 1, b, -1) if norms[q] == ","), -1)
    if c < 0:
        return _fronted_one(norms, b, k)
    return _fronted_one(norms, c + 1, k) and _fronted_phrase(norms, b, c)


def _fronted_one(norms: list[str], b: int, k: int) -> bool:
    """Whether the words from b (the sentence's start past a bullet or a quote, or the word after a
    comma) to the comma at k are one fronted phrase that a preposition opens (`_FRONT_PREPS`: "At
    present", "In Leicester", "As of April 2013"): at most `_FRONTED_PHRASE_WORDS` words, none a verb of
    `_AUX_MODAL`, a pronoun, a negation, a joining word or a terminator ("At present we have no register,
    ...", "In housing and advocacy, ..." are not read); or one word of `_LIST_OPENERS` ("Locally, at
    present, ...", "No, ..."); session 47. Since session 48 also an exception (`_FRONT_EXCEPTING`,
    `_BESIDES`: "Apart from the register, ...", not one of a place or of people), and no word of
    `_LIST_STOPS` ("In some areas, ..." is a part)."""
    while b < k and not norms[b][:1].isalnum():
        b += 1
    if k - b == 1 and norms[b] in _LIST_OPENERS:
        return True
    if norms[b:b + 3] == ["with", "the", "exception"] and norms[b + 3:b + 4] == ["of"]:
        b += 2  # "With the exception of the register, ...": read from "exception of" as "except for"
    if norms[b] in _BESIDES or (b + 1 < k and (norms[b], norms[b + 1]) in _FRONT_EXCEPTING):
        b += norms[b] not in _BESIDES  # "Apart from the register, a pooled budget and a crisis team are not in
        # place" (session 48): the rest is read as after a preposition; not an exception of a place or of
        # people ("Other than in the north, ...", "Except for people placed out of area, ..."), which limits
        # the denial instead
        if b + 1 < k and (norms[b + 1] in _FRONT_PREPS or norms[b + 1] in _PERSON_WORDS
                          or any(w in _PERSON_WORDS for w in norms[b + 1:min(k, b + 4)])):
            return False
    elif b >= k or norms[b] not in _FRONT_PREPS:
        return False
    if k - b > _FRONTED_PHRASE_WORDS:
        return False
    return all((w[:1].isalnum() or w in ("/", WORD_HYPHEN)) and w not in _AUX_MODAL and w not in _PRONOUNS
               and w not in NEG_PRE and w not in _LIST_JOINS and (w not in TERMINATORS or (w == "yet" and q == b + 1))
               and w not in _LIST_STOPS  # "In some areas, ...": a part
               for q, w in enumerate(norms[b + 1:k], b + 1))  # "As yet, ..."


def _item_start(norms: list[str], b: int, k: int) -> int | None:
    """Walking back from k (the word before a mention or a separator) over one list item's words (at
    most `_ITEM_WORDS`, a determiner only first: `_list_word`), the position before the item: b - 1 at
    the sentence's start or after a fronted phrase with no comma (`_fronted_bare`); None where the words
    are no list item ("manages the register": a word before the determiner)."""
    n = 0
    if k >= b and norms[k] == WORD_HYPHEN:
        return None  # the end of a hyphenated word ("CHC-funded and joint packages ..."): not read
    while k >= b and _list_word(norms[k]):
        if norms[k] in _SUBJECT_DETERMINERS or norms[k] in ("a", "an"):
            if k - 1 >= b and _fronted_bare(norms, b, k):
                return b - 1  # "This year a register and ...", "At present the register and ..." (session 48)
            return k - 1 if k - 1 < b or norms[k - 1] in _LIST_JOINS or not norms[k - 1][:1].isalnum() \
                or norms[k - 1] in _LIST_OPENERS or norms[k - 1] == "both" else None
        n += type(norms[k]) is not _NameWord  # "out of area placements": three words of an item (session 50)
        if n >= _ITEM_WORDS:
            return None
        k -= 1
    return k


# A fronted phrase of time with no comma after it: "This year", "Last month" (`_fronted_bare`)
_TIME_DEICTICS = cue_words({"this", "last", "next"})
_TIME_NOUNS = cue_words({"year", "month", "quarter", "week", "spring", "summer", "autumn", "winter", "time"})


def _fronted_bare(norms: list[str], b: int, k: int) -> bool:
    """Whether the words from the sentence's start b (past a bullet) to the determiner at k are a fronted
    phrase with no comma after it: "this", "last" or "next" and a noun of time ("This year a register
    and a pooled budget are not in place"), or a phrase of two words or more that a preposition opens
    and its object ends (`_fronted_one`: "At present the register and ...", "In Leicester the register
    and ..."; not "Apart from the register and ..."); session 48."""
    while b < k and not norms[b][:1].isalnum():
        b += 1
    if k - b == 2 and norms[b] in _TIME_DEICTICS and norms[b + 1] in _TIME_NOUNS:
        return True
    return k - b >= 2 and norms[b] in _FRONT_PREPS and norms[k - 1] not in _FRONT_PREPS \
        and norms[k - 1] not in _OF_PREPS and _fronted_one(norms, b, k)  # not "Apart from the register and ..."


def _list_word(w: str) -> bool:
    """Whether the norm `w` can stand in a list item of a coordinated subject: a determiner ("a", "the",
    "our", ...), a number, a preposition inside a theme's term (`_NameWord`: "out of area placements"), or
    a word that is none of the verbs, pronouns, prepositions, quantifiers and joining words these readings
    stop at (`_opens_subject`, `_coordinated_negation`)."""
    return type(w) is _NameWord or w in _SUBJECT_DETERMINERS or w in ("a", "an") or w in _GAP_NOUNS \
        or w[:1].isdigit() or (
        w[:1].isalpha() and w not in _NOT_MODIFIERS and w not in _OF_PREPS and w not in _PRONOUNS
        and w not in NEG_PRE and w not in TERMINATORS and w not in _RELATIVES and w not in _TOPIC_FIRST
        and w not in _LIST_STOPS and w not in _LIST_OPENERS)


def _coordinated_negation(norms: list[str], b: int, start: int, j: int, e: int) -> int:
    """Where the negation stands that a coordinated subject, which the mention at `start` is an item
    of and the separator at j goes on, has after its verb ("The register, the pooled budget and the
    crisis team are not in place", "Pooled budgets and s75 agreements are not in place", "OR and CHC
    are not issues for us": the negation is each item's, as it is the last one's; session 46); -1
    where there is none. Each item after the mention is at most `_ITEM_WORDS` words, a determiner only
    first, and the last separator is "and", "or", "&" or "/"; the verb (an auxiliary or modal) follows
    the last item, or the negation does in a note with no verb ("Register and database not in place.");
    not "The register and the crisis team work well and advocacy is not in place", "The
    register is kept by the council and health are not involved", "The register and data we hold are
    not shared"; the mention must stand in a list that opens its clause
    (`_opens_subject`). An independent review found the kinds these limits rule out."""
    before = _item_start(norms, b, start - 1)
    k, items, joined = j, 0, before is not None and before >= b and norms[before] in _LIST_JOINS
    while k < e and items < _LIST_ITEMS:
        if norms[k] == "," or norms[k] in _LIST_JOINS:
            if joined and norms[k] == "," and norms[k + 1:k + 2] != ["and"]:
                return -1  # a comma after the item that "and" joined ends the list: "Although we fund advocacy,
                # housing and a crisis team, the pooled budget ... are not": two lists (session 48; an
                # independent review found these)
            joined = norms[k] in _LIST_JOINS
            k += 1
            if k < e and norms[k] in _LIST_JOINS and norms[k - 1] == ",":
                joined, k = True, k + 1  # ", and"
        else:
            return -1
        first, n = k, 0
        while k < e and _list_word(norms[k]) and norms[k] not in _AUX_MODAL \
                and not (k > first and (norms[k] in _SUBJECT_DETERMINERS or norms[k] in ("a", "an"))):
            k, n = k + 1, n + (type(norms[k]) is not _NameWord)
        if n == 0 or n > _ITEM_WORDS:
            return -1
        items += 1
        if k < e and norms[k] in _AUX_MODAL:
            if not joined or _fronted_alone(norms, b, before, j, k, e):
                return -1
            p = _past_gap(norms, k, e, _POST_ADVERB_WORDS)  # "... are also not in place" (session 48)
            return p if p < e and norms[p] in NEG_POST and not _pseudo(norms, p, e) \
                and _opens_subject(norms, b, start) else -1
        if k < e and norms[k] in NEG_POST:  # a note with no verb: "Register and database not in place.",
            return k if joined and not _pseudo(norms, k, e) and _opens_subject(norms, b, start) else -1
        if k + 1 < e and norms[k] in _NOTE_DASHES and norms[k + 1] in ("not", "n't"):
            return k + 1 if not _pseudo(norms, k + 1, e) and _opens_subject(norms, b, start) else -1  # ... or a
            # dash or colon before it: "Pooled budget / crisis team: not in place", "Register, crisis team -
            # not yet" (session 48; commas alone join a note's list)
        if k < e and norms[k] == "no" and _no_longer_there(norms, k, e):  # "... no longer exist" (session 47)
            return k + 1 if joined and _opens_subject(norms, b, start) else -1
    return -1


def _fronted_alone(norms: list[str], b: int, before: int | None, j: int, k: int, e: int) -> bool:
    """Whether the mention's item, opened by a word of `_FRONT_CLAUSES` ("whilst", "although") and
    followed by a comma at j, ends that fronted clause: the list's verb at k has no clause after it in
    the sentence, so the list is the main clause and the mention is not in it ("Whilst the council funds
    advocacy, CHC and OR are not issues here"; not "Whilst advocacy, CHC and OR are not issues, housing
    is"). Session 50, after a reading of "issues" exposed it."""
    if before is None or before < b or norms[before] not in _FRONT_CLAUSES or norms[j] != ",":
        return False
    return not any(norms[q] == "," and _clause_follows(norms, q + 1, e) for q in range(k, e))


def _limited(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k, after a word of being there denied ("not available", "not
    commissioned"), limit the denial: by whom ("by the council"), how soon (`_TIMELY`) or how far
    (`PARTIAL_AFTER_NOT`: "not available to everyone", "quickly enough"), how long ("beyond March") or
    for what ("not commissioned to see ..."). An independent review found these (session 43)."""
    j = k
    while j < e and norms[j] in ("off", "out", "up", "forward", "yet", "currently", "locally"):
        j += 1
    if j < e and norms[j] == "by" and not (j + 1 < e and (norms[j + 1][:1].isdigit() or norms[j + 1] in _BY_WHEN
                                                          or norms[j + 1:j + 3] == ["the", "end"])):
        return True  # "by the council", not "by 2014", "by March", "by the end of the year" (session 46)
    if j < e and (norms[j] in ("beyond", "after", "past") or (norms[j] == "to" and norms[k - 1] in _SET_UP)):
        return True  # "agreed beyond March", "not commissioned to see people with a learning disability"
    return any(w in _TIMELY or (w in PARTIAL_AFTER_NOT and not (w == "all" and norms[p - 1] == "at"))
               for p, w in _clause_words(norms, k, e, frozenset({"and", "or"})))  # "not at all" is no degree


def _out_of_hours(norms: list[str], k: int, e: int) -> bool:
    """Whether the negation's clause, from k, limits it to some hours or days ("the crisis service is
    not in place at weekends", "crisis provision is not available out of hours", "after 5pm"): a gap in
    the theme, not a denial of it (session 43)."""
    return any(_hours_at(norms, j) for j, _ in _clause_words(norms, k, e, frozenset({"and"})))


def _hours_before(norms: list[str], b: int, start: int) -> bool:
    """Whether the words before the mention at `start`, back to the sentence's start b or a terminator,
    limit what follows to some hours or days ("At weekends the crisis team is not available", "Out of
    office hours, crisis support is not in place": an independent review found these)."""
    for j in range(start - 1, max(b, start - _CLAUSE_REACH) - 1, -1):
        if norms[j] in TERMINATORS:
            return False
        if _hours_at(norms, j):
            return True
    return False


def _hours_at(norms: list[str], j: int) -> bool:
    """Whether the word at j names some hours or days (`_HOURS`, "out of (office) hours", "5pm", "at
    times")."""
    w = norms[j]
    if norms[max(0, j - 2):j] in (["day", "or"], ["day", "and"]) or "even" in norms[max(0, j - 3):j]:
        return False  # "not available day or night", "not available at all, even at weekends": at no time
    return (w in _HOURS or (w[:1].isdigit() and w.endswith(("am", "pm")))
            or (w in ("time", "times") and norms[j - 1] == "at")
            or (w in ("hour", "hours") and "out" in norms[max(0, j - 3):j] and "of" in norms[max(0, j - 2):j]))


def _nothing_that(norms: list[str], i: int, b: int, e: int) -> bool:
    """Whether the relative word at i ("who", "which") describes what a negation before it says there is
    none of, within `_NONE_REACH` words, after a verb of being or having: "there is no one who can
    provide advocacy", "we have no staff who are trained in positive behaviour support", "there is no
    service which offers crisis support", "we do not have anyone who can ..." deny what the clause says
    (session 43). Not a negative subject: "No one who uses the crisis team has been admitted" denies
    the admission; nor trouble or evidence denied ("there are no concerns which relate to the crisis
    team"), a refusal ("no families who have refused advocacy") or a limit to some hours in the
    clause (an independent review found these)."""
    for k in range(i - 1, max(b, i - _NONE_REACH) - 1, -1):
        w = norms[k]
        if w in ("no", "nobody", "noone", "none") or (w in ("any", "anyone", "anybody") and _had_not(norms, k, b)):
            between, v = norms[k + 1:i], k - 1
            while v > b and norms[v] in _DO_ADVERBS:
                v -= 1  # "there are currently no providers ..."
            if not (v >= b and (norms[v] in _THERE_IS or w in ("any", "anyone", "anybody"))) \
                    or any(n.startswith(_TROUBLE_STEMS) or n in _KNOWLEDGE or n == "evidence" for n in between):
                return False
            return not (_refused_in_clause(norms, i + 1, e) or _out_of_hours(norms, i + 1, e))
        if not w[:1].isalpha() or ((w in _PREPOSITIONS or w in _ABOUT) and k == i - 1):
            return False  # "there is no dispute about who is responsible": the clause is of the preposition
            # (a phrase before it is read through: "no providers in the area who can offer PBS")
    return False


def _had_not(norms: list[str], k: int, b: int) -> bool:
    """Whether "any" at k follows "not have" ("we do not have anyone", "we don't have any staff")."""
    return k - 2 >= b and norms[k - 1] in _THERE_IS and norms[k - 2] in ("not", "n't")


def _of_noun(norms: list[str], b: int, start: int) -> int:
    """Where the noun stands whose prepositional phrase holds the mention at `start` ("the work for
    community health and behaviour support services", "clarity about the role of the community team",
    "disputes about OR"): the word before the first preposition of `_OF_PREPS` met walking back in the
    clause (the sentence begins at b) with no verb between; -1 where there is none. A negation after
    the mention is that noun's: it denies the mention only with that noun's being there ("support for
    families has not been agreed"), or its arising where the noun is trouble ("disputes about OR have
    not arisen"), or its not being reached or given where it backs the mention (`_BACKING`: "funding
    for crisis beds has not been identified"); never where the noun is one of the mention's aspects
    (`_ASPECT`: "clarity about the role of the community team"; session 43)."""
    for k in range(start - 1, b, -1):
        w = norms[k]
        if w in _OF_PREPS:
            return k - 1 if norms[k - 1][:1].isalpha() and norms[k - 1] not in _FINITE else -1
        if w in _FINITE or w in TERMINATORS or w in _CLAUSE_MARKS or w in _FRONTING or w in ("that", ";", ":") \
                or not w[:1].isalnum():
            return -1
    return -1


def _backed(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation before k denies of a noun that backs or brings about the mention
    (`_BACKING`: "funding for crisis beds", "the bid for a crisis house") is its being reached or given
    (`_BACKED`: "has not been identified", "was not successful") or there (`_absent`)."""
    j = _past_gap(norms, k, e)
    return (j < e and norms[j] in _BACKED) or _absent(norms, k, e)


def _in_relative(norms: list[str], b: int, start: int) -> bool:
    """Whether the mention at `start` stands in a relative clause ("who", "which", "whose") that the
    sentence (beginning at b) opened before it, with no other clause break between: a negation after
    it is the main clause's, of the subject the clause describes ("People who are placed out of area
    are not visited often"), and denies the mention only where it denies its being there ("services
    which would offer crisis support are not available": `_absent`; session 43). Also "that", and a
    participle, after a word for people ("People that are placed out of area ...", "People placed out
    of area have not been visited", "Those funded by CHC have not been reviewed")."""
    for k in range(start - 1, max(b, start - 1 - _CLAUSE_REACH), -1):
        w = norms[k]
        if w in _RELATIVES:  # not the relative clause's own subject: "patients whose crisis plan has not been written"
            return not all(n in _DETERMINERS or n in _RELATIVES for n in norms[k:start])
        if norms[k - 1] in _PERSON_WORDS and norms[k - 1] not in ("he", "she", "they") \
                and (w == "that" or w in _PARTICIPLES or w.endswith(("ed", "ing"))):
            return True
        if w in TERMINATORS or w in _CLAUSE_MARKS or w in (";", ":"):
            return False
    return False


def _arisen(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation before k denies, after a word of trouble that follows the term ("OR
    disputes have not ..."), is the trouble's arising or being reported, so that the theme's trouble
    is denied: "(have not) arisen", "occurred" (`_ABSENT_VERBS`), "been raised", "been reported"
    (`_REPORTING`), "been an issue", "been a problem" (session 43). Not what is done about trouble
    that is there: "OR disputes have not been resolved", "CHC delays have not reduced"."""
    k = _past_gap(norms, k, e)
    if k >= e:
        return False
    w = norms[k]
    if w == "any":  # "have not been any easier to resolve"
        return not (k + 1 < e and (norms[k + 1] in _COMPARE_THAN or norms[k + 1].endswith("er")))
    return (w in _ABSENT_VERBS or w in _ABSENT_PAST or w in _REPORTED or w in ("a", "an")
            or w.startswith(_TROUBLE_STEMS))


def _undone_after(norms: list[str], k: int, e: int) -> bool:
    """Whether what a negation after the mention denies is a loss or a change of it (`_UNDONE`):
    "the pooled budget has not changed", "advocacy has not been cut" (the words of `_POST_GAP` may
    stand between); or its being affected, in the passive (`_AFFECTED`: "advocacy has not been
    affected")."""
    while k < e and norms[k] in _POST_GAP:
        k += 1
    if k < e and norms[k] in _AFFECTED:
        q = k - 1  # passive: a form of "be" among the words before it ("are not affected", "has not been")
        while q >= 0 and (norms[q] in _POST_GAP or norms[q] in ("not", "n't")) and norms[q] not in _BE_FORMS:
            q -= 1
        return q >= 0 and norms[q] in _BE_FORMS and not _unaffected_for_want(norms, k + 1, e)
    return k < e and norms[k] in _UNDONE


def _unaffected_for_want(norms: list[str], k: int, e: int) -> bool:
    """Whether a clause of cause after "not affected" (from k) says the thing is not there: "Advocacy is
    not affected as there is none commissioned", "... as it was withdrawn last year" (an independent
    review found these): no affirmation then."""
    for q in range(k, e):
        if norms[q] in _AFFECTED_CAUSES:
            return any(w in NEG_PRE or w in _GONE or w in _NOTHING for w in norms[q + 1:min(e, q + 8)])
    return False


def _negation_before(norms: list[str], i: int, lo: int, e: int, start: int) -> bool:
    """Whether the negating word at i (`_NEGATING_NOUNS`) is itself denied: a negation right before
    it ("no lack of housing", "not without advocacy"), or, before "without", a counterfactual in its
    clause within `_DOUBLE_REACH` words ("would not have managed without the pooled budget", "none of
    this would have been possible without advocacy"). A negation further off is of another thing:
    "those with no family are without an advocate", "we cannot report progress given the lack of a
    pooled budget" (an independent review found these)."""
    if i - 1 >= lo and norms[i - 1] in _DOUBLE and not _pseudo(norms, i - 1, e, start):
        return True
    if norms[i] != "without":
        return False
    for k in range(i - 1, max(lo, i - _DOUBLE_REACH) - 1, -1):
        w = norms[k]
        if w in TERMINATORS or w in _CLAUSE_MARKS or w in _SCOPE_ENDS or w in ("and", "or"):
            return False
        if w in _COUNTERFACTUAL and _perfect(norms, k + 1, start):
            return True
    return False


def _need_of(norms: list[str], k: int, start: int, end: int, e: int) -> bool:
    """Whether a need for the mention at `start` is what a negation before k denies: "no need for
    advocacy", "no requirement for a pooled budget", "no further need of a crisis bed" (a word of need,
    `_NEED`, then "for" or "of", then at most `_NEED_REACH` words before the mention, none a clause
    mark: "no need for admission because of the crisis team" does not deny the team). Not where the
    mention (ending at `end`) is the subject of what is not needed ("no need for the crisis team to be
    called out", "no need for CHC funding to be agreed first": the team and the funding are there;
    an independent review found these)."""
    for j in range(k, start - 1):
        if norms[j] in _NEED and norms[j + 1] in ("for", "of"):
            between = norms[j + 2:start]
            if "to" in norms[end:min(e, end + 2)] or norms[j - 1] in _NEED_MET or not _MORE_OF.isdisjoint(between):
                return False
            if end < e and norms[end] not in _PHRASE_ENDS:
                return False  # the theme only describes what is not needed: "no need for crisis team involvement"
            return len(between) <= _NEED_REACH and _CLAUSE_MARKS.isdisjoint(between) and TERMINATORS.isdisjoint(between) \
                and _PREPOSITIONS.isdisjoint(between)
    return False


def _never_more(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k, after "never", make a comparison ("never been more important",
    "never been better used", "has never been so well used"): the thing at its most, not denied."""
    if k < e and norms[k] in _COMPARED_VERBS:
        k += 1
    return k < e and norms[k] in _NEVER_MORE


def _no_bearing(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k (after a "no" that follows a mention's verb) are a word of relevance
    or part (`_NO_BEARING`), graded at most by "real" ("no real bearing")."""
    if k < e and norms[k] in _BEARING_GRADE:
        k += 1
    return k < e and norms[k] in _NO_BEARING


def _quantifier(norms: list[str], i: int) -> bool:
    """Whether a negative quantifier starts at i: "nobody", "no-one", "no one", "none of", "none are"
    (not "no one" before a noun: `_single`)."""
    n = norms[i]
    if n == "no" and i + 1 < len(norms) and norms[i + 1] == "young":
        return i + 2 < len(norms) and norms[i + 2] in _YOUNG_WHO  # "no young people", not "no young carers service"
    return n in _NO_ONE or (i + 1 < len(norms) and ((n == "no" and norms[i + 1] in _NO_WHO and not _single(norms, i))
                                                    or (n == "none" and norms[i + 1] in _NONE_BEFORE)
                                                    or (n, norms[i + 1]) in _QUANTIFIER_PAIRS))


def _single(norms: list[str], i: int) -> bool:
    """Whether "no one" at i is "no single" before a noun of `_SINGLE_OF` ("No one agency could
    fund this alone")."""
    return norms[i + 1] == "one" and i + 2 < len(norms) and norms[i + 2] in _SINGLE_OF


def _out_of_reach(norms: list[str], i: int) -> bool:
    """Whether a quantifier's denial stops at i, before a mention after it: at a liking or a wish
    (`_LIKING`), or at what knowledge is about (`_KNOWLEDGE` before `_ABOUT`: "good figures for")."""
    n = norms[i]
    return (n in _LIKING or (n in _LIKING_AFTER and norms[i - 1] in _LIKING_VERBS)
            or (n in _ABOUT and norms[i - 1] in _KNOWLEDGE))


def _beyond_quantifier(norms: list[str], q: int, start: int) -> bool:
    """Whether a mention at `start` lies past where the quantifier at q denies (`_out_of_reach`)."""
    return any(_out_of_reach(norms, i) for i in range(q + 1, start))


def _aside(norms: list[str], q: int, start: int) -> tuple[int, int]:
    """The commas of a short aside after the quantifier at q and the rest of its subject, before a
    mention at `start` ("Nobody, as yet, has ...", "None of the people on our register, so far, have
    ..."): (opening, closing); (-1, -1) where there is none: no comma within `_SUBJECT_WORDS` words,
    a verb or a clause break before it, more than `_ASIDE_WORDS` words to the next comma, or an
    exception in it ("Nobody, apart from two people, is ...")."""
    end = _quantifier_end(norms, q)
    limit = min(start, end + _SUBJECT_WORDS + 1)
    comma = next((k for k in range(end, limit) if norms[k] == ","), -1)
    if comma < 0 or any(n in _FINITE or n in TERMINATORS or n in _CLAUSE_MARKS for n in norms[end:comma]):
        return -1, -1
    close = next((k for k in range(comma + 1, min(start, comma + 2 + _ASIDE_WORDS)) if norms[k] == ","), -1)
    if close < 0 or not _EXCEPTING.isdisjoint(norms[comma + 1:close]):
        return -1, -1
    return comma, close


def _starts_clause(norms: list[str], b: int, k: int) -> bool:
    """Whether the word at k opens its clause: at the sentence's start b or after `_CLAUSE_OPENERS`
    (where a negative quantifier is the clause's subject)."""
    return k == b or norms[k - 1] in _CLAUSE_OPENERS


def _in_restriction(norms: list[str], q: int, start: int, e: int) -> bool:
    """Whether a mention at `start` stands in the definite restriction of the quantifier at q ("Nobody
    in the current cohort ...", "None of our providers ...", "Not one of the people on the register
    ..."), which presupposes it (`_RESTRICTION_WORDS`); `e`: where the sentence ends. Not "none"
    before a verb ("None have the personal budget they were promised"), nor "ours", "theirs", "yours"
    (whose norms are "our", "their", "your"), known by the preposition after them ("none of ours in
    secure beds"); an independent review found both."""
    if norms[q] == "none" and norms[q + 1] != "of":
        return False
    k = _quantifier_end(norms, q)
    if k < start and norms[k - 1] != "of" and norms[k] in _RESTRICTION_PREPS:
        k += 1  # "nobody in the ...", "no one from our ..."
    if not (k < start and (norms[k] in _DEFINITE or norms[k] in _NUMBER_WORDS or norms[k].isdigit())) \
            or (norms[k] in _POSSESSIVES and norms[k + 1] in _RESTRICTION_PREPS):
        return False

    def participle(j: int) -> bool:  # part of the restriction only where the clause's verb follows the mention
        return _participle(norms, j) and _verb_follows(norms, start, e)

    if norms[start - 1] in _RESTRICTION_NOUNS and not participle(start):
        return False
    return all(norms[j] in _RESTRICTION_WORDS or norms[j].isdigit() or _in_word(norms, j) or participle(j)
               or (norms[j] == "by" and participle(j - 1)) for j in range(k, start))


_POSSESSIVES = cue_words({"our", "their", "your", "my", "his", "her"})


def _without_in_clause(norms: list[str], q: int, e: int) -> bool:
    """Whether the clause of the quantifier at q goes on, after its verb, to "without": a double
    negation, which affirms what the clause names ("Nobody is without an advocate", "No one needing
    advocacy has gone without it", "Nobody has been placed out of area without a review"; session
    45). Not "without" in the subject, before the verb ("No one without capacity has been placed out
    of area" still denies the placement), nor past another clause ("No one has CHC funding and
    families are left without support"; an independent review found these)."""
    verb = False
    for j, n in _clause_words(norms, _quantifier_end(norms, q), min(e, q + 1 + _CLAUSE_REACH), _SENTENCE_ENDS):
        if _quantifier(norms, j) or (n in ("and", "or") and _clause_follows(norms, j + 1, e)):
            return False
        if n in _AUX_MODAL:
            verb = True
        elif n == "without" and verb:
            return True
    return False


# A participle is read only before a word that can go on its phrase ("placed out of area", "supported
# by the crisis team", "receiving CHC"): a verb in the past before its object is the clause's own
# ("None of the residents received CHC funding"; an independent review found these).
_SENTENCE_ENDS = frozenset({".", "!", "?"})
# ... nor past "and", "or", "that", a word that fronts a clause, a relative word or a bullet (`_verb_follows`)
_VERB_STOPS = _FRONTING | _RELATIVES | _SENTENCE_ENDS | cue_words({"and", "or", "that", "\u2022"})
_PARTICIPLE_NEXT = cue_words({"by", "in", "out", "outside", "through", "to", "into", "from", "at", "on", "within",
                              "under", "with", "across", "for", "away", "back", "locally", "elsewhere"})


def _participle(norms: list[str], j: int) -> bool:
    """Whether the word at j reads as a participle after a noun of people or "those" ("the people
    placed out of area", "those receiving CHC"): "-ing", or "-ed" before a word of `_PARTICIPLE_NEXT`."""
    n = norms[j]
    return (j > 0 and j + 1 < len(norms) and (norms[j - 1] in _RESTRICTION_NOUNS or norms[j - 1] == "those")
            and (n.endswith("ing") or (n.endswith("ed") and norms[j + 1] in _PARTICIPLE_NEXT)))


def _verb_follows(norms: list[str], start: int, e: int) -> bool:
    """Whether the quantifier's verb comes after a mention at `start`, before its clause ends (in the
    sentence, which ends at e), so that a participle before the mention belongs to its subject: "No
    one in the cohort placed out of area has been visited"; not "We have no one in this cohort placed
    outside the borough; ..." (the participle is what is denied), nor a verb in another clause after
    "and", "when", "that", a relative word or a bullet ("None of the residents accessed the crisis
    team when they were in crisis"; an independent review found these)."""
    return any(n in _AUX_MODAL for _, n in _clause_words(norms, start, e, _VERB_STOPS))


# A relative clause on the quantifier's subject ("None of the people who live in the borough ...")
# ends where the main clause's verb stands: `_relative_closed`.
_WHO = cue_words({"who", "whom"})
_WHO_AFTER = _RESTRICTION_NOUNS | _NO_ONE | _NO_WHO


def _relative_closed(norms: list[str], r: int, start: int) -> bool:
    """Whether the relative clause that "who" at r opens after a noun of people has ended before a
    mention at `start`, so that the mention is in the main clause: a verb group (an auxiliary or a
    modal, with those right after it) stands between, besides the relative's own where its first word
    is one or its own subject ("None of the people who live in the borough have had a review", "...
    who are funded by CHC have had a review", "... who we have placed out of area have had a review");
    not "None of the people who use advocacy have complained", "... who have had support from the
    crisis team ...", "... who we have placed out of area ..." (session 45, after an independent
    review). A verb joined by "and" or "or" is the relative's own ("who lives here and has a personal
    budget")."""
    if r == 0 or norms[r - 1] not in _WHO_AFTER:
        return False
    groups = sum(1 for j in range(r + 1, start)
                 if norms[j] in _AUX_MODAL and norms[j - 1] not in _AUX_MODAL and norms[j - 1] not in _AUXILIARIES
                 and norms[j - 1] not in ("not", "n't", "and", "or"))
    first = norms[r + 1] if r + 1 < start else ""
    own = first in _AUX_MODAL or first in _PRONOUNS or first in _DEFINITE or first in ("a", "an")
    return groups >= (2 if own else 1)


def _quantifier_end(norms: list[str], i: int) -> int:
    """Where the quantifier starting at i ends: after "nobody", "no one", "none of", "not one", "no
    young people"."""
    return i + 1 if norms[i] in _NO_ONE else i + 3 if norms[i + 1] == "young" else i + 2


_FRONT_WORDS = _FRONTING | {"in", "should"}  # the only words `_fronts` can be true of


def _fronts(norms: list[str], b: int, k: int) -> bool:
    """Whether the word at k opens a fronted clause (`_FRONTING`): at the start of the sentence (which
    begins at b) or of a clause in it ("Yes, where ...", "... and if ..."), or after a short phrase of
    cases or times that opens it ("In cases where ...", "At times when ...": `_CASES`), or "In the
    event (that)"; or an inverted condition, "should" before its subject at the start ("Should the
    CCG not agree, ..."; session 43)."""
    n = norms[k]
    if n == "in" and norms[k + 1:k + 3] == ["the", "event"]:  # "In the event (that) the CCG does not agree, ..."
        return k == b or norms[k - 1] in _FRONT_AFTER
    if n in _FRONTING:
        if k == b or norms[k - 1] in _FRONT_AFTER or not norms[k - 1][:1].isalnum():
            return True
        if n not in ("where", "when") or norms[k - 1] not in _CASE_NOUNS:
            return False
        p = k - 1  # "In (those / some / rare) cases where"
        while p > b and k - p < _CASE_WORDS and norms[p - 1] in _CASES:
            p -= 1
        return norms[p] in _CASES and (p == b or norms[p - 1] in _FRONT_AFTER)
    return n == "should" and (k == b or norms[k - 1] == ",") and k + 1 < len(norms) \
        and norms[k + 1] in _INVERTED_SUBJECTS


def _fronted_clause(norms: list[str], b: int, c: int, e: int, openers: list[int]) -> bool:
    """Whether the comma at c closes a clause fronted by a word of condition, time, cause or
    concession (`_FRONTING`) that opens the sentence (which begins at b) or a clause in it, and holds
    a verb or a "not" ("If this is not possible, the provider will arrange advocacy"): a negation in
    it does not reach the main clause after the comma. Not where what follows the comma goes on as a
    list, "and" or "or" and then a comma before any verb or subject ("If there is no advocacy, housing,
    CHC or respite, we escalate": the list is denied whole; "If the person is not settled, advocacy and
    positive behaviour support are offered" is a main clause; independent reviews found these),
    and not a fronted phrase without a verb ("If no advocacy, housing or CHC is needed, ...").
    `openers`: where the sentence's fronted clauses open (`_DocView.openers`)."""
    last = bisect_left(openers, c) - 1  # the nearest opener before the comma
    if last < 0 or not any(n in _FINITE or n in _FRONT_VERBS for n in norms[openers[last]:c]):
        return False
    joined = False  # up to a verb or a subject, over the commas of a list
    for n in norms[c + 1:e]:
        if n in TERMINATORS or (n in _CLAUSE_MARKS and n != ","):
            break
        if n in _FINITE:
            return True  # "..., advocacy and positive behaviour support are offered": the main clause
        if n in _LIST_JOINS:
            joined = True
        elif n == "," and joined:
            return False  # "..., housing, CHC or respite, we escalate": the fronted clause's list goes on
    return True  # "..., the provider arranges advocacy and housing."


def _main_clause_between(norms: list[str], b: int, i: int, start: int, end: int, e: int, openers: list[int]) -> bool:
    """Whether, in a sentence (beginning at b, ending at e) opened by a fronted clause (`_FRONTING`)
    with no comma to close it, the mention (`start`-`end`) lies in the main clause after the negation
    at i: a subject word, then an auxiliary or modal, between the two ("If this is not possible the
    provider will arrange advocacy", "Where this was not the case commissioners are working with
    providers"), or the mention itself, after a verb of the fronted clause, as the main clause's subject
    ("When families are not satisfied the advocacy service is contacted", "If there are no beds the
    crisis team will step in"). An independent review found the comma left out often. Not the
    negation's own verb ("If we do not have a crisis team ..."), nor a mention with other words before
    the main clause's verb ("If there is no crisis team support is sought from A&E" is still read as
    a denial). `openers`: where the sentence's fronted clauses open (`_DocView.openers`)."""
    opener = openers[0] if openers and openers[0] < i else -1
    if opener < 0 or start - opener > _CLAUSE_REACH or "," in norms[opener:start] or start <= i + 1:
        return False
    if norms[i] not in ("not", "n't") and _AUX_MODAL.isdisjoint(norms[opener + 1:i]):
        # the fronted clause's verb comes first: not "as no residents are placed by ..."; or, after
        # "no" and its verb, the mention is the main clause's subject: "If no advocate is appointed the
        # review will be postponed" (session 43)
        return not _AUX_MODAL.isdisjoint(norms[i + 2:start]) and _subject_before_aux(norms, end, e)
    for p in range(i + 3, start):
        w, before = norms[p], norms[p - 1]
        if w in _AUX_MODAL and before[:1].isalpha() and before not in _AUX_MODAL and before not in NEG_PRE \
                and before not in _NOT_SUBJECT and _THINKING.isdisjoint(norms[i + 1:p]):
            return True  # "... the provider will arrange advocacy"; not "If we do not think we can offer ..."
    return _subject_before_aux(norms, end, e)


def _relative_then_main(norms: list[str], b: int, i: int, start: int) -> bool:
    """Whether the negation at i is a relative clause's ("who is not", "that do not", "which has not"),
    and the main clause's verb (an auxiliary or modal after a word that ends the relative clause) stands
    between it and the mention at `start`: "Everyone who is not in supported living has a personal
    budget", "Families who are not satisfied can access advocacy", "Placements that are not within the
    county are monitored by the out of area placements officer". Not a mention in the relative clause
    ("People who do not have a personal budget ...")."""
    if norms[i] not in ("not", "n't", "never"):
        return False
    q = i - 1
    while q > b and norms[q] in _AUX_MODAL and i - q <= 2:
        q -= 1
    if q < b or q == i - 1 or not (norms[q] in _RELATIVES or norms[q] == "that"):
        return False
    for p in range(i + 2, start):
        w, before = norms[p], norms[p - 1]
        if not (before[:1].isalnum() or before == ")"):
            return False  # past a mark: another reading's
        if w in _AUX_MODAL and before[:1].isalpha() and before not in _AUX_MODAL and before not in NEG_PRE \
                and before not in _NOT_SUBJECT and before not in _PRONOUNS:
            return True
    return False


_NULL_VALUES = cue_words({"no", "none", "nil"})
_IN_PLACE = cue_words({"in", "place", "operation", "existence"})  # "none in place" (`_sentence_frame`)
_NULL_AFTER = cue_words({"at", "present", "currently", "yet", "as", "to", "date", "so", "far", "identified",
                         "known", "reported"})  # what may follow it ("none at present", "none as yet")


def _null_value(norms: list[str], k: int, e: int) -> bool:
    """Whether the word at k is a note's whole value of nothing before its comma: "no", "none" or "nil",
    perhaps with a word or three of time or finding (`_NULL_AFTER`), and then a comma ("Pooled budget -
    none, ...", "Crisis team - none at present, ..."). One that ends the sentence ("Workforce: none.") is
    a null entry, which its frame reads."""
    if not (k < e and norms[k] in _NULL_VALUES):
        return False
    q = k + 1
    while q < e and q - k <= 3 and norms[q] in _NULL_AFTER:
        q += 1
    return q < e and norms[q] in (",", ";")


def _note_before(norms: list[str], b: int, i: int) -> bool:
    """Whether the words before the comma at i, back to the last comma or the sentence start, are a note:
    a label, a dash or colon, then a value holding a negation ("LDPB - not established, ...")."""
    q = i - 1
    while q > b and norms[q] != "," and i - q <= _ITEM_WORDS + 4:
        if norms[q] in _NOTE_DASHES:
            return q > b and q + 1 < i and not NEG_PRE.isdisjoint(norms[q + 1:i]) and norms[q - 1][:1].isalnum()
        q -= 1
    return False


def _subject_before_aux(norms: list[str], end: int, e: int) -> bool:
    """Whether the mention ending at `end` is followed by an auxiliary or a modal, after head nouns
    (`_HEADS`): it is a clause's subject ("the crisis team will step in", "crisis support is sought")."""
    k = end
    while k < e and norms[k] in _HEADS:
        k += 1
    return k < e and norms[k] in _AUX_MODAL


def _clause_follows(norms: list[str], k: int, e: int) -> bool:
    """Whether a finite verb or a subject comes after position k before the clause ends (", and
    housing is commissioned separately": a clause, not a list's last item)."""
    for n in norms[k:e]:
        if n in TERMINATORS or n in _CLAUSE_MARKS:
            return False
        if n in _FINITE:
            return True
    return False


# Adverbs that may stand between a clause's subject and its verb ("and the crisis team now has ...")
_SUBJECT_ADVERBS = _DO_ADVERBS | cue_words({"also", "already", "too"})
_JOINING_DASHES = frozenset({"-", "\u2013", "\u2014"})  # a spaced dash joining two clauses (`_clauses_joined`)
# Words opening a clause inside the first of two joined by "and" (`_clauses_joined`): "It is not true that
# OR and CHC are issues" joins no clauses at its "and"
_INNER_CLAUSES = cue_words({"that", "where", "when", "if", "unless", "whether", "until"})
# Head nouns that may follow a mention as its clause's subject, before the verb ("CHC funding is agreed")
_SUBJECT_HEADS = _HEADS | _GAP_NOUNS | cue_words({"planning", "work", "contract", "contracts", "capacity", "case",
                                                 "cases", "dispute", "disputes", "plan", "plans", "costs", "staff",
                                                 "budget", "budgets", "panel", "board", "members", "package",
                                                 "packages"})  # packages: session 50
_POST_CLAUSE_WORDS = 8  # the words after a mention read for its clause's own negation (`_denies_itself`)
# A verb contracted onto its subject ("there's", "we've"): a verb of the first clause (`_clauses_joined`)
_CONTRACTED_VERBS = cue_words({"'s", "'ve", "'re", "'m", "'d", "'ll"})
# A second clause saying the thing is gone keeps the first clause's denial of it (`_clauses_joined`): "We
# do not have a register and the crisis team has been disbanded" (an independent review found these)
# ... and what takes it back: a contrast, its coming back ("lapsed in 2012 but has been renewed") or a scope
# ("withdrawn for people in hospital", "withdrawn from the ward")
_GONE_UNDONE = cue_words({"but", "however", "although", "though", "whereas", "until", "except", "for", "from",
                          "reinstated", "revived", "reformed", "restarted", "reconvened", "relaunched", "renewed",
                          "recommissioned", "resumed", "reestablished", "reintroduced"})
# ... and, after "re", what sets it up again ("re-let", "re-tendered": `_stays_gone`)
_SET_UP_AGAIN = frozenset({"let", "tendered", "started", "opened", "formed", "instated", "located", "housed"})


def _stays_gone(norms: list[str], k: int, e: int) -> bool:
    """Whether nothing from k to the sentence's end (e) takes back a thing's being gone: `_GONE_UNDONE`, or a
    word of its being set up again ("re-let", "re-established", "re-provided": the norm drops the hyphen)
    that is not itself denied ("its functions were not re-provided" keeps it gone)."""
    if not _GONE_UNDONE.isdisjoint(norms[k:e]):
        return False
    return not any(w.startswith("re") and (w[2:] in _SET_UP or w[2:] in _AVAILABLE or w[2:] in _SET_UP_AGAIN)
                   and NEG_PRE.isdisjoint(norms[max(k, q - 2):q]) for q, w in enumerate(norms[k:e], k))


_GONE = cue_words({"disbanded", "decommissioned", "withdrawn", "closed", "abandoned", "ceased", "ended",
                   "stopped", "lacking", "lost", "abolished", "scrapped", "dissolved", "discontinued", "missing",
                   "absent", "unavailable", "lapsed", "expired", "terminated", "cancelled", "suspended", "gone"})
# (the last six: session 50, after an independent review)


def _clauses_joined(norms: list[str], b: int, i: int, start: int, end: int, e: int,
                    own_subject: bool = False, s_form=None) -> bool:
    """Whether the "and" at i joins two clauses, the mention (`start`-`end`, in the sentence ending at e)
    in the second, so that a negation in the first does not reach it (session 48): "A pooled budget is
    not in place and a crisis team is being developed", "There is no pooled budget and the crisis team is
    working well". The first clause holds a verb (`_first_clause_verb`; "It is not true that OR and CHC
    are issues" joins no clauses: its first clause begins after "that"). The
    second opens with a verb or a pronoun right after the "and" ("... and we have commissioned a crisis
    team", "... and there is a crisis team"), or with a subject and its auxiliary or modal before the
    mention ("... and the council has commissioned advocacy"), or with the mention as its subject: only
    the words of a list item (`_list_word`) between the "and" and it, and after it at most two head nouns
    (`_SUBJECT_HEADS`: "CHC funding is agreed") and adverbs, then an auxiliary or modal ("... and a crisis
    team families can rely on" is a list's item). Not a coordinated subject ("No pooled budget and crisis
    team are in place": no verb before the "and"), nor a list of objects ("We do not have a register and
    a crisis team that works well", "... and a crisis team in place"), nor a second clause that denies
    the thing itself, by saying it is gone (`_GONE`: "... and the crisis team has been disbanded") or with
    a negation of its own after it ("... and a crisis team is not planned": the first clause's denial is
    kept, as before). With `own_subject` (a negative quantifier's reach: "None of the cohort have
    personal budgets and are placed out of area" shares it) a verb right after the "and" is no new
    clause; a pronoun is. Two independent reviews found the limits.

    Since session 49 `i` may also be a comma that joins two clauses as "and" does ("We do not have a pooled
    budget, the crisis team is in place"; not a list's, "There is no crisis team, advocacy or housing", nor
    after a first part with no verb, "No register, crisis team or advocacy is in place"), and the second
    clause's subject may be a list that the mention is an item of, before or after the other items
    (`_past_list_tail`: "... and advocacy and housing are in place", "There is no register, advocacy and
    housing remain priorities"); its verb may then be one of `_LIST_VERBS` as written, and a negation
    after the whole list is the clause's own ("... and the crisis team, advocacy and housing are not
    commissioned" keeps the denial). A comma may also follow a first part with no verb, a note, where the
    mention alone is the subject and an auxiliary follows it ("No IMCA issues, positive behaviour support is
    the main gap"; not a list, "No register, crisis team or advocacy is in place").

    Since session 50 `i` may also be a spaced dash (`_JOINING_DASHES`: "There is no pooled budget - the
    crisis team is funded by health", "No - the IMCA service covers this"), after which a list may be the
    subject of a note too, as no list goes on past a dash ("No pooled budget - crisis team and advocacy in
    place"); and after a comma or dash one thing with a note's predicate of being there and no verb, a past
    participle or a main verb is a clause of its own (`_there_note`: "No pooled budget, crisis team in
    place", "Pooled budget not in place, crisis team established"), unless the item before the comma
    follows a comma itself (`_item_after_comma`: "No register, advocacy, crisis team in place")."""
    verbless, mark, dash = not _first_clause_verb(norms, b, i), norms[i] != "and", norms[i] in _JOINING_DASHES
    if verbless and (not mark or own_subject):
        return False
    if not _GONE.isdisjoint(norms[i + 1:start]) or _denies_itself(norms, end, e):
        return False  # "... and we have closed the crisis team": the second clause denies it too
    if i + 1 < start and (norms[i + 1] in _PRONOUNS if own_subject or mark else norms[i + 1] in _FINITE):
        return True  # "... and we have commissioned a crisis team", "... and there is a crisis team"; after a
        # comma a pronoun only: "We do not, unfortunately, have a register" is one clause
    if any((norms[p] in _AUX_MODAL or _main_verb(norms, p, e, s_form, p - 1)) and _list_word(norms[p - 1])
           and norms[p - 1] not in ("a", "an") and all(_list_word(w) for w in norms[i + 1:p])
           for p in range(i + 2, min(start, i + 2 + _ITEM_WORDS))):
        return True  # "... and the council has commissioned advocacy": a subject, then its verb
    items, closed = [[]], False  # the items of the subject before the mention's, and whether "and" closed them
    for w in norms[i + 1:start]:
        if w in (",", "and"):
            closed = closed or w == "and"
            if items[-1]:
                items.append([])
            elif w == "," or len(items) == 1:
                return False  # two marks together, or one opening the clause
        else:
            items[-1].append(w)
    if any(len(item) > _ITEM_WORDS or not all(_list_word(w) for w in item) for item in items):
        return False
    k = end
    while k < e and k - end < 2 and norms[k] in _SUBJECT_HEADS and not _main_verb(norms, k, e, s_form, k - 1):
        k += 1  # a head noun ("CHC funding is"), not another phrase ("crisis team the CCG is", "... families can")
    tail = _past_list_tail(norms, k, e)
    if len(items) > 1 and tail == k and not closed:
        return False  # an item after a comma belongs to a list that "and" closes after it
    listed = len(items) > 1 or tail > k  # the mention is an item of the second clause's subject
    if verbless:  # a note before the comma ("No IMCA issues, positive behaviour support is the main gap"):
        # only one thing as the subject after a comma ("No register, crisis team or advocacy is in place" is
        # a list), a list too after a dash, which no list goes on past (session 50)
        if listed and (not dash or _denies_itself(norms, tail, e)):
            return False
        k = tail
        while k < e and norms[k] in _SUBJECT_ADVERBS:
            k += 1
        if k >= e or (not dash and _item_after_comma(norms, b, i)):
            return False  # "No register, advocacy, crisis team in place" is a list of three
        if norms[k] not in _AUX_MODAL:  # a note's predicate, or a main verb (session 50): "No pooled budget,
            # crisis team in place", "No - the IMCA service covers this", "No - advocacy and IMCA in place"
            return _there_note(norms, k, e) or _main_verb(norms, k, e, s_form, k - 1) \
                or (listed and k + 1 < e and norms[k] in _LIST_VERBS and not (s_form and s_form(k)))
        p = _past_gap(norms, k, e, ("also",))
        return p < e and norms[p] not in _GONE
    if listed and _denies_itself(norms, tail, e):
        return False  # "... and the crisis team, advocacy and housing are not commissioned"
    k = tail
    while k < e and norms[k] in _SUBJECT_ADVERBS:
        k += 1
    if k < e and _main_verb(norms, k, e, s_form, k - 1):
        return True  # "... and the crisis team holds its own records", "... and transition planning starts at 14"
    if mark and _there_note(norms, k, e) and (dash or not (listed or _item_after_comma(norms, b, i))):
        return True  # "Pooled budget not in place, crisis team established" (session 50)
    if listed and k + 1 < e and norms[k] in _LIST_VERBS and not (s_form and s_form(k)):
        return True  # "..., advocacy and housing remain priorities": a list's verb, as written
    if any(q < e and _main_verb(norms, q, e, s_form, q - 1) and all(
            _list_word(w) and w not in _SUBJECT_DETERMINERS and w not in ("a", "an") for w in norms[end:q])
           for q in (end + 1, end + 2)):
        return True  # ... after other nouns of the subject: "... and the safeguarding lead tracks every placement"
    if k >= e or norms[k] not in _AUX_MODAL:
        return False
    p = _past_gap(norms, k, e, ("also",))
    return p >= e or norms[p] not in _GONE


def _item_after_comma(norms: list[str], b: int, i: int) -> bool:
    """Whether the list item before the comma or dash at i follows a comma itself: "No register,
    advocacy, crisis team in place" is a list of three, with no verb (session 50)."""
    q = _item_start(norms, b, i - 1)
    return q is not None and q >= b and q < i - 1 and norms[q] == "," \
        and not any(_there_note(norms, p, i) for p in range(q + 2, i))  # not a note: "No pooled budget, crisis
    # team established, advocacy commissioned"


def _there_note(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k are a note's predicate of being there, with no verb: "in place", "in
    operation" (`_IN_BEING`), "established", "commissioned" (`_SET_UP`), "available" (`_AVAILABLE`), or
    another past participle ("held by health", "funded separately", "used widely"; not one of `_GONE` or
    `_NEEDED`: "crisis team disbanded", "crisis team needed") with no auxiliary or modal after it in the
    sentence (not "No - a joint strategy built on current costs has not yet been agreed", whose participle
    opens a phrase of the subject). After a comma or dash and one thing as its subject, such a note is a
    clause of its own: "No pooled budget, crisis team in place", "Pooled budget not in place - crisis team
    established" (session 50)."""
    w = norms[k] if k < e else ""
    if not w or w in _GONE or w in _NEEDED:
        return False
    if w == "in":
        return k + 1 < e and norms[k + 1] in _IN_BEING
    participle = w in _SET_UP or w in _AVAILABLE or (w in _PARTICIPLES and w not in _AUX_MODAL) or w == "used" \
        or (len(w) > 4 and w.endswith("ed"))
    return participle and _AUX_MODAL.isdisjoint(norms[k + 1:e])


# Verbs whose third person after a clause's subject is read as its verb whatever follows (`_main_verb`)
_CLAUSE_VERBS = cue_words({"rely", "operate", "remain", "continue", "vary", "start", "cover", "provide", "hold",
                           "keep", "offer", "meet", "see", "track", "sit", "take", "deliver", "ensure", "work"})
# ... and, as written, after a plural subject, these too ("families want better information"; not their
# third person, which may be a plural noun: "housing needs data")
_PLURAL_VERBS = _CLAUSE_VERBS | cue_words({"want", "need", "seem", "attend", "manage", "struggle", "exist",
                                          "happen", "feel", "report"})
# ... and, as written after a list as the subject, those that are seldom nouns ("..., housing and advocacy
# remain priorities"; not "... and advocacy work in place")
_LIST_VERBS = _PLURAL_VERBS - cue_words({"work", "start", "cover", "offer", "take", "need", "report", "track",
                                         "want", "feel", "see"})
# ... and what, after another word ending in a folded "s", makes it a verb: its object or an adverb
_OBJECT_STARTS = _SUBJECT_DETERMINERS | cue_words({"a", "an", "it", "them", "us", "everyone", "everybody",
                                                  "people", "all", "some", "most", "any", "each", "every"})


def _main_verb(norms: list[str], k: int, e: int, s_form, subject: int) -> bool:
    """Whether the word at k, after a clause's subject ending at `subject`, is its main verb: in the third
    person (`s_form`: "holds", "relies"), one of `_CLAUSE_VERBS` or another followed by an object or an
    adverb ("supports people locally", "keeps its own records"), not a plural noun ("protocols for young
    people"); or one of `_PLURAL_VERBS` as written after a plural subject ("families rely on A&E",
    "crisis teams vary"). Session 48; four independent reviews listed these."""
    if s_form is None or k + 1 >= e:
        return False
    if not s_form(k):
        return norms[k] in _PLURAL_VERBS and subject >= 0 and s_form(subject)
    nxt = norms[k + 1]
    return norms[k] in _CLAUSE_VERBS or nxt in _OBJECT_STARTS or nxt[:1].isdigit() \
        or (len(nxt) > 4 and nxt.endswith("ly"))


def _past_list_tail(norms: list[str], k: int, e: int) -> int:
    """The position past the rest of a coordinated subject that the mention (ending at k) begins: its
    other items, each after "and" or a comma and at most `_ITEM_WORDS` words of a list item (`_list_word`),
    so that the verb after them is read as the clause's ("... and advocacy and housing are in place",
    "... and the crisis team, advocacy and housing are commissioned"); k itself where no list that "and"
    closes follows ("... and crisis team, the CCG is leading" is another clause)."""
    past, closed = k, False
    while k < e and norms[k] in (",", "and"):
        j = k + 1
        closed = norms[k] == "and" or norms[j:j + 1] == ["and"]
        j += norms[k] == "," and closed  # ", and"
        q = j
        while q < e and q - j < _ITEM_WORDS and _list_word(norms[q]) and norms[q] not in _LIST_VERBS:
            q += 1  # up to the verb ("... and advocacy remain priorities")
        if q == j:
            break
        k = q
        if closed:
            past = k
            break
    return past


_RELATIVE_REACH = 12  # the words of a relative clause set off by commas (`_relative_opened`)
_RELATIVE_PREPS = cue_words({"in", "of", "for", "with", "by", "to", "from", "on", "under", "through"})


def _relative_opened(norms: list[str], b: int, i: int) -> int:
    """Where the relative clause that the comma at i closes opens: the comma before its "which", "who",
    "whom" or "whose" (or before a preposition and one of them: ", in which"), within `_RELATIVE_REACH`
    words and with no other comma, mark or contrast between; i itself where the comma closes none
    ("The LDPB, which has not met since March, oversees ...")."""
    for q in range(i - 1, max(b, i - _RELATIVE_REACH - 1), -1):
        n = norms[q]
        if n in _RELATIVES:
            return next((c for c in (q - 1, q - 2) if c >= b and norms[c] == "," and _opens_relative(norms, c + 1, i)),
                        i)
        if not n[:1].isalnum() or (n in TERMINATORS and n not in ("yet", "still")):
            return i  # a comma or other mark, or "but": not one clause ("since March" may be in it)
    return i


def _first_clause_verb(norms: list[str], b: int, i: int) -> bool:
    """Whether the clause before the "and" at i, back to its start (a terminator other than "yet" or
    "still", a clause mark, a bullet, or a word opening a clause within it), holds a verb: an auxiliary or
    modal, a contracted one, "not", "never", "no longer", a verb of being there or running ("No register
    exists"), or "lack" after a pronoun ("We lack a register"). A short aside set off by commas or a
    bracket is read through ("There is, as yet, no pooled budget", "no pooled budget (s75)")."""
    c, words = i - 1, []
    while c >= b:
        n = norms[c]
        if n in (",", ")"):
            o = next((q for q in range(c - 1, max(b - 1, c - 1 - _ASIDE_WORDS - 1), -1)
                      if norms[q] == ("," if n == "," else "(")), -1)
            if o < 0:
                break
            c = o - 1  # the aside is skipped
            continue
        if (n in TERMINATORS and n not in ("yet", "still")) or n in _CLAUSE_MARKS or n in _INNER_CLAUSES \
                or not (n[:1].isalnum() or n in ("'s", "n't", "'re", "'ve", WORD_HYPHEN, "/")):
            break
        words.append((c, n))
        c -= 1
    for c, n in words:
        if n in _AUX_MODAL or n in _CONTRACTED_VERBS or n in ("not", "n't", "never") or n in _ABSENT_VERBS \
                or n in _STILL_THERE or _running(norms, c) or (n == "no" and norms[c + 1:c + 2] == ["longer"]) \
                or (n in ("lack", "lacks") and c > b and norms[c - 1] in _PRONOUNS):
            return True
    return False


def _denies_itself(norms: list[str], end: int, e: int) -> bool:
    """Whether a negation word follows the mention ending at `end` in its own clause (up to a
    terminator, a clause mark or a relative word, within `_POST_CLAUSE_WORDS` words): "... and a crisis
    team is not planned" (`_clauses_joined`)."""
    for n in norms[end:min(e, end + _POST_CLAUSE_WORDS)]:
        if n in TERMINATORS or n in _CLAUSE_MARKS or n in _RELATIVES or n == "that":
            return False
        if n in NEG_POST or n == "no":
            return True
    return False


def _past_aside(norms: list[str], end: int, e: int, limit: int):
    """The positions the negation after a mention (ending at `end`) is looked for in: up to `limit`, past a
    short aside set off by commas that the words after the mention reach (`_is_aside`), the window going
    on by the aside's length ("CHC is, at present, not an issue", "The crisis team, however, is not in
    place", "OR has, to our knowledge, never been an issue"; session 48)."""
    k = end
    while k < limit and (norms[k] in _POST_GAP or norms[k] in _POST_ADVERBS or norms[k] in _HEADS):
        k += 1
    if k < limit and norms[k] in _BRACKETS_OPEN and (c := _bracket_close(norms, k, e)) > k + 1 \
            and norms[k + 1] not in _NULL_VALUES and norms[k + 1] not in ("not", "n't"):
        return itertools.chain(range(end, k), range(c + 1, min(e, limit + c + 1 - k)))  # "CHC (continuing
        # healthcare) is not an issue": a bracket that notes no value is read through (session 50)
    if k < limit and norms[k] == ",":
        reach = _RELATIVE_REACH if _opens_relative(norms, k + 1, e) or _opens_aside(norms, k + 1, e) \
            else _ASIDE_PHRASE_WORDS
        c = next((q for q in range(k + 1, min(e, k + 2 + reach)) if norms[q] == ","), -1)
        if c > k + 1 and _is_aside(norms, k + 1, c):
            return itertools.chain(range(end, k), range(c + 1, min(e, limit + c + 1 - k)))
    return range(end, limit)


_ASIDE_PHRASE_WORDS = 5  # the words of an aside after a mention at most (`_past_aside`)
_BRACKET_WORDS = 8  # the words of a bracket read as one at most (`_bracket_close`, `_bracket_open`)
_BRACKETS_OPEN, _BRACKETS_SHUT = frozenset({"(", "["}), frozenset({")", "]"})  # round or square


def _bracket_close(norms: list[str], k: int, e: int) -> int:
    """The position of the ")" that closes the bracket opened at k, within `_BRACKET_WORDS` words and the
    sentence (ending at e), with no bracket inside; -1 where there is none. Round or square brackets."""
    for q in range(k + 1, min(e, k + 2 + _BRACKET_WORDS)):
        if norms[q] in _BRACKETS_SHUT:
            return q
        if norms[q] in _BRACKETS_OPEN:
            return -1
    return -1


def _bracket_open(norms: list[str], b: int, k: int) -> int:
    """The position of the "(" that opens the bracket closed at k, as `_bracket_close` reads it; -1."""
    for q in range(k - 1, max(b - 1, k - 2 - _BRACKET_WORDS), -1):
        if norms[q] in _BRACKETS_OPEN:
            return q
        if norms[q] in _BRACKETS_SHUT:
            return -1
    return -1


def _noted(w: str) -> bool:
    """Whether a bracket after the word `w` is a note on it, its own ("Safeguarding (no concerns) ...",
    "The LDPB (not yet established) ..."): a word that ends a noun phrase, not a verb before its object
    ("We have (no) pooled budget")."""
    return (w[:1].isalnum() and w not in _AUX_MODAL and w not in _THERE_IS and w not in NEG_PRE
            and w not in _DO and w not in _PREPOSITIONS)


def _bracket_clause(norms: list[str], k: int, e: int, s_form) -> bool:
    """Whether the bracket opened at k holds a clause of its own, up to its ")" or the sentence's end e:
    an auxiliary or modal, a pronoun, or a main verb after a word ("(the trust provides positive behaviour
    support instead)", "(we have a register)"; not "(s75)", "(including the crisis team)"). Session 50."""
    for q in range(k + 1, e):
        w = norms[q]
        if w in _BRACKETS_SHUT:
            return False
        if w in _AUX_MODAL or w in _PRONOUNS or (q > k + 1 and _main_verb(norms, q, e, s_form, q - 1)):
            return True
    return False


def _opens_relative(norms: list[str], b: int, e: int) -> bool:
    """Whether a relative clause opens at b: "which", "who", "whom" or "whose", or a preposition and one
    of them ("in which")."""
    return b < e and (norms[b] in _RELATIVES or (norms[b] in _RELATIVE_PREPS and b + 1 < e
                                                 and norms[b + 1] in _RELATIVES))


_ASIDE_OPENERS = cue_words({"despite", "notwithstanding"})


def _opens_aside(norms: list[str], b: int, e: int) -> bool:
    """Whether an aside of concession, source or report opens at b: "despite repeated requests",
    "according to the commissioners", "in spite of ...", "as far as we are aware", "as agreed at the last
    meeting", "as previously stated" (session 49)."""
    if b + 1 >= e:
        return False
    w, nxt = norms[b], norms[b + 1]
    return w in _ASIDE_OPENERS or (w, nxt) in (("according", "to"), ("in", "spite"), ("as", "far")) \
        or (w == "as" and (nxt in ("previously", "already") or (len(nxt) > 4 and nxt.endswith("ed"))))


def _is_aside(norms: list[str], b: int, c: int) -> bool:
    """Whether the words from b to the comma at c are an aside: an adverb ("however", "currently",
    "sadly") or a short phrase a preposition opens ("at present", "to our knowledge": `_fronted_one`); or,
    since session 49, a relative clause ("Ordinary residence, which the LDPB discussed last year, is not a
    problem") or an aside of concession, source or report with no negation (`_opens_aside`: "The register,
    despite repeated requests, has not been established", "OR, as far as we are aware, is not an issue")."""
    if _opens_relative(norms, b, c) or (_opens_aside(norms, b, c) and NEG_PRE.isdisjoint(norms[b:c])):
        return True
    if c - b == 1:
        w = norms[b]
        return w in _LIST_OPENERS or w in _POST_ADVERBS or w in _DO_ADVERBS or (len(w) > 4 and w.endswith("ly"))
    return _fronted_one(norms, b, c)


def _spells_na(doc: Doc, i: int) -> bool:
    """Whether the tokens from `i` spell "n/a" (the tokenizer splits it at its slash; "a." before
    a full stop is one token, whose norm the tokenizer makes "a")."""
    return i + 2 < len(doc) and doc[i].norm_ == "n" and doc[i + 1].text == "/" and doc[i + 2].norm_ == "a"


def _uses(longs: dict[str, str]) -> tuple[dict[int, str], np.ndarray]:
    """{orth id: abbreviation} of the forms an abbreviation is used in ("ICB", "ICBs", "I.C.B.",
    "I.C.B": `acronyms.written_forms`), and the ids as an array to compare a doc's ORTH array with."""
    uses = {get_string_id(f): short for short in longs for w in written_forms(short) for f in (w, w + "s")}
    return uses, np.fromiter(uses, dtype=np.uint64, count=len(uses))


_SLASH = get_string_id("/")
_HYPHEN = get_string_id("-")
_TERM_REACH = 5  # words a term may reach on either side of a left-out alternative (terms have at most five)
# `_word_hyphens`: a word after which a hyphen is a dash, not part of a word: a function word (not
# "only", which does end compounds: "women-only") or a null entry's word.
_DASH_NEXT = (STOP_WORDS - {"only"}) | {"nil", "na", "n/a", "tbc", "tba"}


_RAW, _MENTIONS, _VIEW = "wvtext_raw_mentions", "wvtext_mentions", "wvtext_view"
_NAMED = "wvtext_named_heads"  # `ThemeMatcher.named_heads`, set by the theme matcher
_VIA = "wvtext_abbreviations"  # {(theme, token): "ICB = Integrated Commissioning Board"}, set by the theme matcher
_GLUE = "wvtext_word_hyphens"  # `_word_hyphens` of a doc, set by the theme matcher


@lru_cache(maxsize=None)
def _context_split(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A term's context words as a set for exact look-up and a tuple of the words of five
    letters or more, which also match as prefixes (one `str.startswith` call per token)."""
    return frozenset(words), tuple(c for c in words if len(c) >= 5)


# Norm hash -> string, shared by every doc: a dict look-up instead of a StringStore call per token.
# Hashes are the strings' own (spaCy's 64-bit hash), so the map is the same for every vocab.
_NORM_STRINGS: dict[int, str] = {}


class _DocView:
    """Token norms, offsets and sentence bounds of a doc as plain lists, built once per doc:
    the cue checks below run on these instead of creating a Python token per look-up."""

    __slots__ = ("doc_id", "norms", "hashes", "idx", "ends", "sent_of", "bounds", "strings", "hedges", "quantifiers",
                 "fronted", "frames", "glue", "lowers")

    def __init__(self, doc: Doc):
        arr = doc.to_array([NORM, IDX, SENT_START, LENGTH, LOWER])
        # The doc's identity, not the doc: a view that held its doc (kept in the doc's own
        # user_data) would make a reference cycle per doc, freed only by the cyclic garbage
        # collector, which then ran often enough to take a large share of the theme stage's time.
        self.doc_id = id(doc)
        self.strings = doc.vocab.strings
        self.hashes = arr[:, 0].copy()  # the norms' ids, for look-ups by array (`LinearModel.batch_indices`)
        self.lowers = arr[:, 4].copy()  # the lower-cased words' ids, read only where a norm folds a word (`s_form`)
        strings, known = self.strings, _NORM_STRINGS
        hashes = arr[:, 0].tolist()
        norms = list(map(known.get, hashes))  # a norm not seen before: None, looked up once below
        if None in norms:
            for k, h in enumerate(hashes):
                if norms[k] is None:
                    norms[k] = known[h] = strings[h]
        # A hyphen the tokenizer split off inside a word ("CHC-funded", "housing-related":
        # pipeline.ACRONYM_HYPHEN) is part of that word, not a dash: its norm here is WORD_HYPHEN,
        # so no cue reads it as a label's or a clause's dash, and the cue windows count the word
        # once (`_in_word`); `glue` (empty for most docs) lets them skip that count where none is.
        if WORD_HYPHEN in norms:  # a hyphen typed as U+2010 (text not read through `normalize_text`): a hyphen
            norms = ["-" if n == WORD_HYPHEN else n for n in norms]
        glue = doc.user_data.get(_GLUE)
        if glue is None:  # a doc the theme matcher has not read
            glue = _word_hyphens(doc, _joined_words(doc))
        for i in glue:
            norms[i] = WORD_HYPHEN
        self.glue: frozenset[int] = glue
        self.norms = norms
        self.idx = arr[:, 1].tolist()
        self.ends = (arr[:, 1] + arr[:, 3]).tolist()
        starts = [i for i, v in enumerate(arr[:, 2].tolist()) if v == 1 or i == 0]
        self.bounds = [(b, starts[j + 1] if j + 1 < len(starts) else len(doc)) for j, b in enumerate(starts)]
        sent_of: list[int] = []
        for j, (b, e) in enumerate(self.bounds):
            sent_of += [j] * (e - b)
        self.sent_of = sent_of or [0] * len(doc)
        self.hedges: dict[int, bool] = {}  # sentence number -> whether it plans or hedges
        self.quantifiers: dict[int, int] = {}  # sentence number -> its first negative quantifier's position, or -1
        self.fronted: dict[tuple[int, int], list[int]] = {}  # sentence bounds -> where its fronted clauses open
        self.frames: dict[int, tuple[int, bool, bool]] = {}  # sentence number -> `_sentence_frame`

    def s_form(self, k: int) -> bool:
        """Whether the word at k ends in "s" that its norm folds away ("holds" -> "hold", "relies" ->
        "rely"): a verb's third person or a noun's plural, which `_clauses_joined` tells apart by what
        follows."""
        norm = self.norms[k]
        if not norm[:1].isalpha():
            return False
        low = self.strings[int(self.lowers[k])]
        return len(low) > 3 and low.endswith("s") and low != norm and not low.endswith(("ss", "us", "is"))

    def sent(self, i: int) -> tuple[int, int]:
        return self.bounds[self.sent_of[i]] if self.norms else (0, 0)

    def label_then_null(self, start: int, end: int, sent: tuple[int, int]) -> bool:
        """Whether the mention is a label that makes its sentence on its own (`_label_sentence`) and the
        next sentence is a null entry (`_null_entry`: "Pooled budget. None in place.", "Housing. No.")."""
        b, e = sent
        after = self.next_sent(b)
        return after is not None and _label_sentence(self.norms, b, start, end, e) \
            and _null_entry(self.norms, *after)

    def next_sent(self, b: int) -> tuple[int, int] | None:
        """The bounds of the sentence after the one that starts at b; None after the last."""
        k = self.sent_of[b] + 1
        return self.bounds[k] if k < len(self.bounds) else None

    def _back(self, start: int, b: int, words: int) -> int:
        """The first position of the `words` words before `start` (not before b); a word joined to
        the one before it by a hyphen inside a word ("locally-based") counts with it as one."""
        if not self.glue:
            return max(b, start - words)
        norms, i, n = self.norms, self.word_start(start, b), 0
        while i > b and n < words:
            i -= 1
            if not _in_word(norms, i):
                n += 1
        return i

    def word_start(self, i: int, b: int) -> int:
        """Where the word that token i is in begins (not before b): a mention can start inside a
        hyphenated word ("CHC" of "NHS-CHC"), whose start is no other word."""
        norms = self.norms
        while i - 2 >= b and norms[i - 1] == WORD_HYPHEN:
            i -= 2
        return i

    def _forward(self, end: int, e: int, words: int) -> int:
        """The position after the `words` words from `end` (not past e), counted as `_back` does."""
        if not self.glue:
            return min(e, end + words)
        norms, i, n = self.norms, end, 0
        while i < e and (n < words or _in_word(norms, i)):
            if not _in_word(norms, i):
                n += 1
            i += 1
        return i

    def char_end(self, i: int) -> int:
        return self.ends[i]

    def sentence_has(self, i: int, words: tuple[str, ...]) -> bool:
        """A context word matches a sentence word equal to it, or, from five letters up, starting
        with it ("prevent" matches "prevented", "prevention")."""
        b, e = self.sent(i)
        exact, prefixes = _context_split(words)
        sent = self.norms[b:e]
        if not exact.isdisjoint(sent):
            return True
        return bool(prefixes) and any(n.startswith(prefixes) for n in sent)

    def beside(self, start: int, end: int, words: frozenset[str], reach: int = 4) -> bool:
        """Whether one of `words` stands within `reach` words before or after the mention, in its sentence."""
        b, e = self.sent(start)
        return not words.isdisjoint(self.norms[self._back(start, b, reach):start]
                                    + self.norms[end:self._forward(end, e, reach)])

    def negated(self, start: int, end: int, sent: tuple[int, int] | None = None, *, headed: bool = False) -> bool:
        b, e = sent or self.sent(start)
        norms = self.norms
        # "non" right before the term denies it ("non-CHC", split at the hyphen by the tokenizer);
        # before another word it does not ("non statutory advocacy" is advocacy)
        if start - 1 >= b and (norms[start - 1] == "non" or (norms[start - 1] in ("-", WORD_HYPHEN) and start - 2 >= b
                                                             and norms[start - 2] == "non")):
            return True
        i, lo = start - 1, self._back(start, b, _PRE_WINDOW)
        if NEG_PRE.isdisjoint(norms[lo:start]):
            i = lo - 1  # no negation word before it (most mentions): nothing to walk back through
        phrase = False  # a preposition stands between: the mention is in another phrase
        while i >= lo:
            n = norms[i]
            if n in _BRACKETS_SHUT and (o := _bracket_open(norms, b, i)) > b \
                    and (_noted(norms[o - 1]) or NEG_PRE.isdisjoint(norms[o + 1:i])):
                lo, i = max(b, lo - (i - o + 1)), o - 1
                continue  # a bracket before the mention is its own: "Safeguarding (no concerns) is overseen by
                # the partnership board"; a negation before it reaches on, "We do not (yet) have a register"
                # (session 50; a bracket with a negation after a verb is read in place, "We have (no) ...")
            if n in _BRACKETS_OPEN and _bracket_clause(norms, i, e, self.s_form):
                break  # the mention in a bracket that holds a clause of its own: "We have no crisis team (the
                # trust provides positive behaviour support instead)" (session 50)
            if n in TERMINATORS and not (n == "yet" and i > b and norms[i - 1] in ("not", "n't", "no", "as")) \
                    and not (n in _RELATIVES and _nothing_that(norms, i, b, e)):
                break  # "not yet" / "haven't yet set up" goes on to the negation before it; so do "no issues
                # as yet with OR" (session 44) and "there is no one who ..."
            if n == "," and norms[i + 1] == "and" and ("," not in norms[lo:i] or _clause_follows(norms, i + 2, e)):
                break  # ", and" opens another clause: "no standing forum, and housing providers are ..."
            if n == "," and i > b and (norms[i - 1] in _NULL_VALUES or _note_before(norms, b, i)):
                break  # a note's value ends at its comma: "None, the partnership board oversees ...",
                # "LDPB - not established, register - up to date" (session 49)
            if n == "," and not NEG_PRE.isdisjoint(norms[max(_relative_opened(norms, b, i), lo):i]):
                break  # the negation is a relative clause's, set off by commas: "The LDPB, which has not met
                # since March, oversees the pooled budget" (session 49)
            if (n == "and" or (n == "," and norms[i + 1] != "and") or n in _JOINING_DASHES) \
                    and _clauses_joined(norms, b, i, start, end, e, s_form=self.s_form):
                break  # "A pooled budget is not in place and a crisis team is being developed" (session 48),
                # or a comma or dash for the "and" ("We do not have a pooled budget, the crisis team is in
                # place", "There is no pooled budget - the crisis team is funded by health": session 50)
            if n == "," and not NEG_PRE.isdisjoint(norms[lo:i]) and _fronted_clause(norms, b, i, e, self.openers(b, e)):
                break  # "If this is not possible, the provider will arrange advocacy"
            if n in _SCOPE_ENDS and (n in _CAUSES or not any(w.startswith(_TROUBLE_STEMS) for w in norms[lo:i])) \
                    and not _scope_aside(norms, i, start) and _opens_clause(norms, _last_negation(norms, lo, i), i):
                break  # "No one has been admitted since the crisis service started"; not "no issues when
                # dealing with OR", "no disputes since 2011 over CHC": trouble denied reaches on, but not
                # past a cause ("There were no problems thanks to the crisis team": session 44); "because
                # of" is a preposition (`_scope_aside`), whose object may be the trouble's source
            if n in ("as", "so") and _cause_clause(norms, i, start, e) and not NEG_PRE.isdisjoint(norms[lo:i]):
                break  # "Should not be an issue as the crisis team is in place", "no problems so the crisis
                # team has been stood down" (session 44)
            if n == "by" and _agent(norms, i, start):
                break  # "CHC disputes have not been raised by families": the families are not denied
            if n in NEG_PRE and not _pseudo(norms, i, e, start) \
                    and not (n == "no" and _single(norms, i)):  # "no one agency" denies nothing
                if _main_clause_between(norms, b, i, start, end, e, self.openers(b, e)) \
                        or _relative_then_main(norms, b, i, start):
                    break  # "If this is not possible the provider will arrange advocacy", "Everyone who is
                    # not in supported living has a personal budget" (session 49)
                if _quantifier(norms, i) and (_beyond_quantifier(norms, i, start) or _without_in_clause(norms, i, e)
                                              or (_starts_clause(norms, b, i) and _in_restriction(norms, i, start, e))):
                    break  # "Nobody is happy with the advocacy provision", "None of our providers ..." (the
                    # restriction only of a quantifier that opens its clause: "There are no people in our
                    # cohort with CHC funding" denies CHC)
                if _undone_before(norms, i + 1, start) or _refused_in_clause(norms, i + 1, e):
                    return False  # "no reduction in the advocacy contract", "no referral to advocacy was refused"
                if n in _NEGATING_NOUNS and (_negation_before(norms, i, lo, e, start)
                                             or (n == "without" and self.quantified_without(i, b))):
                    return False  # "no lack of supported housing", "would not have managed without the pool"
                if _done_in_manner(norms, i, start, end, e):
                    return False  # "We do not use pooled budgets effectively": a gap (session 47)
                head = n in _NEG_OF_HEAD and not _quantifier(norms, i)  # "no one", "no people" are quantifiers
                return not (phrase and head and not any(w.startswith(_TROUBLE_STEMS) for w in norms[i + 1:start])
                            and not _need_of(norms, i + 1, start, end, e))
            phrase = phrase or n in _PHRASE_PREPS
            i -= 1
        if self.quantified_denial(start, b, end):
            return True
        # a head noun after the term ("crisis provision") or ending it ("the crisis team"): only its being
        # there may be denied ("the crisis team is not the council's responsibility": session 43)
        headed = headed or norms[end - 1] in _HEADS  # or an abbreviation of such a term ("the CLDT")
        # a definite subject is there: "the register has not been cross-checked", "our pooled budget is
        # not ring-fenced" say something of it; "the register has not been set up" denies it (session 46)
        headed = headed or _definite(norms, b, start)
        troubled = False  # a word of trouble after the term ("OR disputes"): only its arising may be denied
        for j in _past_aside(norms, end, e, self._forward(end, e, _POST_WINDOW)):
            n = norms[j]
            if _in_word(norms, j):
                continue  # the rest of a hyphenated word ("CHC-funded is not ...")
            if n in NEG_POST and not _pseudo(norms, j, e):
                return _denied_after(norms, b, start, j, e, headed, troubled)
            if n == "no" and norms[j + 1:j + 2] == ["longer"] and ((j > end and norms[j - 1] in _POST_GAP
                                                                  and norms[j + 2:j + 3] != ["than"])
                                                                 or _no_longer_there(norms, j, e)):
                return _denied_after(norms, b, start, j + 1, e, headed, troubled)  # "the pooled budget is no
                # longer in place" reads as "is not"; not "pooled budgets no longer cover housing costs" (a
                # main verb), "no longer than four hours" (session 46); "the crisis team no longer exists",
                # "OR disputes no longer arise" (session 47)
            if n in _DENYING or (n == "no" and _no_bearing(norms, j + 1, e)):
                return True  # "DoLS have no bearing on their care", "OR is irrelevant here"
            if n in _BEARING_VERBS and j + 1 < e and norms[j + 1] == "no":
                continue  # "has played no part", "is of no relevance"
            if n in _HEADS and (j == end or headed):
                headed = True
                continue
            if n in _NOTE_DASHES and (j == end or headed) and j + 1 < e and norms[j + 1] in ("not", "n't"):
                continue  # a terse note: "Crisis team - not in place", "Crisis team: not yet"
            if n in _NOTE_DASHES and (j == end or headed) and _null_value(norms, j + 1, e):
                return True  # "Pooled budget - none, crisis team in place" (session 49)
            if n in _BRACKETS_OPEN and (j == end or headed) and (c := _bracket_close(norms, j, e)) > j + 1:
                w = norms[j + 1]  # a bracket that notes the mention's value (session 50)
                if w in _NULL_VALUES:
                    return all(x in _NULL_AFTER or x.startswith(_TROUBLE_STEMS) for x in norms[j + 2:c])  # "(no)",
                    # "(none at present)", "(no concerns)"
                if w in ("not", "n't") and not _pseudo(norms, j + 1, c) \
                        and (_absent(norms, j + 2, c) or _irrelevant(norms, j + 2, c)):
                    return _denied_after(norms, b, start, j + 1, c, headed, troubled)  # "CHC (not an issue)",
                    # "The crisis team (not yet commissioned) will ..."; not "Housing (not supported living)"
                break
            if n in _BRACKETS_SHUT and j == end and norms[start - 1] in _BRACKETS_OPEN:
                continue  # a gloss: "CHC (continuing healthcare) is not an issue" reads as "CHC" does
            if n.startswith(_TROUBLE_STEMS) and (j == end or headed or troubled):
                troubled = True  # "OR disputes have not arisen"; "OR disputes have not been resolved" is no denial
                continue
            if n == "to" and j > end + 1 and norms[j - 1] in ("yet", "still") and norms[j - 2] in _AUX_MODAL \
                    and _of_noun(norms, b, start) < 0 and _to_be_set_up(norms, j + 1, e):
                return True  # "the pooled budget has yet to be set up", "is still to be commissioned" (session 46)
            if (n in _LIST_JOINS or n == ",") and (p := _coordinated_negation(norms, b, start, j, e)) >= 0:
                return _denied_after(norms, b, start, p, e, headed, troubled)  # "The register, the pooled
                # budget and the crisis team are not in place" (session 46)
            if n in _POST_ADVERBS and j > end:
                continue  # "CHC is also not an issue", "the crisis team is therefore not needed" (session 48)
            if n in _SUBJECT_GONE and _stays_gone(norms, j + 1, e) \
                    and (j == end or (headed and norms[j - 1] in _HEADS) or norms[j - 1] in ("was", "were", "been")):
                return True  # "The crisis team was disbanded in 2011", "the section 75 agreement lapsed" (session
                # 51); not "as contracts are decommissioned" (under way), "will be disbanded"
            if n not in _POST_GAP:
                break  # another word first: the negation, if any, is of something else
        return _topic_denied(norms, b, start, end, e) or _label_alone(norms, b, start, end, e, self.next_sent(b))

    def quantified_denial(self, start: int, b: int, end: int) -> bool:
        """Whether the mention's clause opens with a negative quantifier as its subject ("Nobody
        ...", "None of ...", "No one ...": `_NO_ONE`), with no clause break between (`TERMINATORS`,
        a comma, a dash, a bracket, "so", "because": "None of the cohort is CHC-eligible, so all
        s117 funded" does not deny s117; an "and" that joins two clauses, the mention's the second:
        "Nobody has been placed out of area and the crisis team is working well", `_clauses_joined`).
        `end`: where the mention ends."""
        norms = self.norms
        first = self.first_quantifier(start, b)
        if not 0 <= first < start:
            return False
        opening, closing = _aside(norms, first, start)  # "Nobody, as yet, has ...": the aside is read through
        i = start - 1
        while i >= max(first, start - _CLAUSE_REACH):
            n = norms[i]
            if i == closing:
                i = opening - 1  # what the aside says is skipped
                continue
            if _out_of_reach(norms, i):
                return False  # "Nobody is happy with the advocacy provision": the liking is denied
            if n in _WHO and _relative_closed(norms, i, start):
                i -= 1  # "None of the people who live in the borough have had a review": the review is the
                continue  # main clause's, past the relative clause of the quantifier's subject (session 45)
            if (n == "and" or (n == "," and norms[i + 1] != "and")) \
                    and _clauses_joined(norms, b, i, start, end, self.sent(start)[1], own_subject=True,
                                        s_form=self.s_form):
                return False  # (session 48)
            if n in TERMINATORS or (n in _CLAUSE_MARKS and not (n == "so" and norms[i + 1] == "far")):
                return False  # "so" opens a clause, "so far" does not
            if n in _SCOPE_ENDS and not _scope_aside(norms, i, start) and _opens_clause(norms, first, i):
                return False  # "No one was placed out of area before the housing strategy was agreed"
            if n == "that" and norms[i - 1] != "of":  # "none of that money" goes on
                return False  # the verb's own clause: "Nobody disputes that the pooled budget works"
            if _quantifier(norms, i) and _starts_clause(norms, b, i):
                e = self.sent(start)[1]
                return not (_in_restriction(norms, i, start, e) or _refused_in_clause(norms, i + 1, e)
                            or _without_in_clause(norms, i, e))
            i -= 1
        return False

    def quantified_without(self, w: int, b: int) -> bool:
        """Whether "without" at w is in the clause of a negative quantifier that opens it, after its
        verb (`_without_in_clause`): "Nobody is without an advocate" denies nothing of the advocate."""
        norms = self.norms
        # the nearest quantifier that opens a clause: "Nobody is ... and nobody is without ..."
        q = next((k for k in range(w - 1, max(b, w - _CLAUSE_REACH) - 1, -1) if norms[k] in _QUANTIFIER_WORDS
                  and _quantifier(norms, k) and _starts_clause(norms, b, k)), -1)
        return q >= 0 and _without_in_clause(norms, q, w + 1)

    def openers(self, b: int, e: int) -> list[int]:
        """Where fronted clauses open in the sentence b..e (`_fronts`), in order; worked out once per
        sentence, so that a long sentence is not searched again for each mention in it (session 45)."""
        got = self.fronted.get((b, e))
        if got is None:
            norms = self.norms
            got = self.fronted[(b, e)] = [k for k in range(b, e) if norms[k] in _FRONT_WORDS and _fronts(norms, b, k)]
        return got

    def first_quantifier(self, start: int, b: int) -> int:
        """Where the first negative quantifier opening a clause stands in the sentence of `start`
        (which begins at b), -1 where none does; worked out once per sentence."""
        j = self.sent_of[start]
        first = self.quantifiers.get(j)
        if first is None:
            norms, first = self.norms, -1
            sent = norms[b:self.bounds[j][1]]
            if not _QUANTIFIER_WORDS.isdisjoint(sent):  # most sentences have none: a set test at C speed
                first = next((b + k for k, n in enumerate(sent) if n in _QUANTIFIER_WORDS and _quantifier(norms, b + k)
                              and _starts_clause(norms, b, b + k)), -1)
            self.quantifiers[j] = first
        return first

    def hedged(self, start: int) -> bool:
        j = self.sent_of[start] if self.norms else 0
        found = self.hedges.get(j)
        if found is None:
            b, e = self.sent(start)
            found = self.hedges[j] = not HEDGES.isdisjoint(self.norms[b:e])
        return found

    def frame(self, start: int, end: int) -> str:
        """How the mention's sentence frames it, when it frames it as a name rather than a statement
        (see FRAMES): "boilerplate", "heading", "fragment", or "" for running text."""
        j = self.sent_of[start] if self.norms else 0
        got = self.frames.get(j)
        if got is None:
            got = self.frames[j] = _sentence_frame(self.norms, *self.sent(start), self.idx, self.ends, bool(self.glue))
        label_end, null, fragment = got
        if null:
            return "boilerplate"
        if label_end >= 0 and end <= label_end:
            return "heading"
        return "fragment" if fragment else ""

    def population(self, start: int, b: int) -> bool:
        """True when the mention stands in a phrase that names a group of people ("people with a
        learning disability and challenging behaviour", "young men who display behaviour that
        challenges", "those whose challenging behaviour ..."): a person word, then within four
        words a link (with, who, whose, ...), then at most `_GROUP_REACH` words up to the mention,
        none of them a preposition that opens another phrase ("training in challenging behaviour"
        is about the behaviour) or a clause mark."""
        norms = self.norms
        for i in range(start - 1, self._back(start, b, _GROUP_REACH) - 1, -1):
            n = norms[i]
            if n in _GROUP_BREAKS:
                return False
            if n in _GROUP_LINKS and any(norms[k] in _PERSON_WORDS for k in range(self._back(i, b, 4), i)):
                return True
        return False

    def in_list(self, start: int, end: int, sent: tuple[int, int] | None = None) -> bool:
        """True when the mention is an item of an enumeration ("CCGs, LA, LAT, CQC and providers"),
        or a short item of a bulleted list of two or more ("• Housing (Cornwall Housing Ltd)"): a
        name in a list."""
        b, e = sent or self.sent(start)
        norms = self.norms
        if norms[b] == "\u2022" and sum(1 for n in norms[b + 1:e] if n[:1].isalnum()) <= 5 \
                and norms.count("\u2022") >= 2:
            return True
        window = norms[self._back(start, b, 6):self._forward(end, e, 6)]
        if window.count(",") >= 2:
            return True
        if window.count(";") >= 2 and self._short_item(start, end, b, e):
            return True  # "Agenda: CHC; the s75 agreement; housing; AOB" (not clauses joined by semicolons)
        # the last item, after "and"/"or" ("NHS England, the CQC and the parent carer forum all
        # sent people"): a comma among the few words before the coordinator marks an enumeration
        k = start - 1
        if k > b and norms[k] in _DETERMINERS:
            k -= 1
        return k > b and norms[k] in ("and", "or") and "," in norms[self._back(k, b, 5):k]

    def _short_item(self, start: int, end: int, b: int, e: int, most: int = 5) -> bool:
        """Whether the mention stands in a segment of at most `most` words between semicolons (or
        the sentence's ends, or a label's colon) that does not open with a number."""
        norms = self.norms
        i = start
        while i > b and norms[i - 1] not in (";", ":"):
            i -= 1
        j = end
        while j < e and norms[j] not in (";", "."):
            j += 1
        words = _words(norms, i, j, bool(self.glue))
        # a segment that opens with a count states a fact ("6 in residential schools OOA")
        return len(words) <= most and not (words and words[0][:1].isdigit())

    def age_span(self, start: int, end: int) -> bool:
        """True when the mention is part of the formula that names every age group ("children,
        young people and adults", "adults, young people and children"): that means everyone, and
        says nothing about children or transition in particular. Two groups ("children's and
        adults' services working together") are left alone."""
        norms = self.norms
        if _YOUNG.isdisjoint(norms[start:end]):
            return False
        b, e = self.sent(start)
        window = norms[self._back(start, b, 6):self._forward(end, e, 6)]
        return (any(n in _CHILD for n in window) and "young" in window and any(n in _ADULT for n in window)
                and any(n in _COORD for n in window))


_DETERMINERS = frozenset({"the", "a", "an", "our", "its", "their", "local"})
# `_DocView.population`: the words of a phrase that names a group of people by what they have or do.
_PERSON_WORDS = cue_words({"people", "person", "individual", "adult", "child", "children", "young", "youngster",
                           "those", "anyone", "someone", "everyone", "man", "men", "woman", "women", "boy", "girl",
                           "patient", "client", "cohort", "group", "population", "family", "families", "resident",
                           "tenant", "citizen", "pupil", "student", "learner", "he", "she", "they", "others"}) - {"other"}
# (the norm of "others" is "other", which is also the adjective: "other areas with challenging behaviour
# specialists" names no people)
_GROUP_LINKS = frozenset({"with", "who", "whose", "experiencing", "displaying", "presenting", "showing",
                          "exhibiting", "having"})
_GROUP_BREAKS = frozenset({"in", "on", "about", "around", "of", "to", "for", "regarding", "into", "through",
                           "by", "from", ";", ":", ".", "(", ")"})
_GROUP_REACH = 10

# How a sentence can name a theme without saying anything about it (`_DocView.frame`); documents
# of every kind have these shapes, whatever their words:
# - "boilerplate": a label and a null entry, as report templates close ("Legal implications: None.",
#   "Ordinary residence, CHC, MCA/DoLS: no implications.", "Safeguarding - not applicable."); in a
#   narrative answering a question the same line answers it, and is read as a denial (`negation`);
# - "heading": the label of a labelled line ("CHC: Decision Support Tool backlog", "DoLS = deprivation
#   of liberty safeguards", "MCA Lead - Sian Probert - ext 2210"): the line is about what follows;
# - "fragment": a short line without a clause (an agenda item, a one-line priority, a title, a
#   directory entry: "Workforce / PBS training 13.", "Expand direct payments.").
# A narrative answer is often a fragment too ("CHC panel monthly."), so these are features the
# learned decision weighs, and discounts of the lexicon's score, never vetoes.
# - "population" (since session 23): a lexicon term marked `cohort` that only names the people a text
#   is about ("support for people with learning disabilities and challenging behaviour"): who the
#   text is about, not what it says about behaviour support (themes.md: a theme needs substantive
#   content). Counted at the list discount, like a name in an enumeration.
FRAMES = ("boilerplate", "heading", "fragment", "population")
_LABEL_MARKS = frozenset({":", "=", "-", "\u2013", "\u2014"})
_LABEL_REACH = 8  # a label is at most this many tokens
_SHORT_LABEL = 4  # ... and at most this many before a dash or an equals sign
_NOT_LABEL = frozenset({"not", "no", "n't", "never", "yet", "being"})
_SUSPENDED_BEFORE = frozenset({"and", "or", "to", "&"})  # "CHC- and council-funded", "pre- or post-"
# What a null entry says, whole (after the label, up to the end of the line, punctuation left out).
_NULL_ENTRIES = frozenset({
    ("none",), ("nil",), ("n", "/", "a"), ("n/a",), ("na",), ("not", "applicable"), ("no", "implication"),
    ("none", "identified"), ("none", "arising"), ("none", "arising", "directly"), ("none", "directly"),
    ("no", "direct", "implication"), ("not", "affected"), ("not", "affected", "by", "this", "decision"),
    ("not", "affected", "by", "this", "report"), ("as", "above"), ("see", "above"), ("standard",),
    ("to", "follow"), ("report", "to", "follow"), ("unchanged",), ("no", "change"), ("not", "relevant"),
    ("none", "known"), ("no", "impact"), ("no", "implication", "arising"), ("not", "applicable", "here"),
    ("none", "for", "this", "report"), ("no", "implication", "for", "this", "report"), ("tbc",), ("n", "a"),
    # trouble denied as the whole entry ("Housing - no issues.", "CHC: no concerns"; since session 39)
    ("no", "issue"), ("no", "problem"), ("no", "concern"), ("no", "issue", "identified"), ("no", "known", "issue"),
    ("no", "issue", "to", "report"), ("no", "issue", "arising"), ("not", "an", "issue")})
# A clause has a finite verb or a subject pronoun; without a parser these words stand for them.
_CLAUSE_WORDS = cue_words({
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "'s", "'re", "'ve", "'ll", "'d", "wo", "ca", "we",
    "they", "he", "she", "it", "i", "you", "there", "who", "which", "that", "because", "when", "where"})
_FRAGMENT_WORDS = 10  # a fragment has at most this many words
_ENTRY_PUNCT = frozenset({".", ",", ";", ":", "!", "?", "-", "\u2013", "\u2014", "(", ")", "'", '"', "\u2022", "...", ".."})


def _null_entry(norms: list[str], k: int, e: int) -> bool:
    """Whether the words from k to e (punctuation aside) are a null entry: `_NULL_ENTRIES`; "no", "none"
    or "nil" with at most three words of time or of being in place after it ("Housing: no.", "Crisis
    team: none in place.", "Pooled budget - none at present."; session 50); or "no" and trouble with
    only words of its being noted after it ("no concerns raised"; session 51)."""
    entry = tuple(n for n in norms[k:e] if n not in _ENTRY_PUNCT)
    if entry in _NULL_ENTRIES or (0 < len(entry) <= 4 and entry[0] in _NULL_VALUES and all(
            n in _NULL_AFTER or n in _IN_PLACE for n in entry[1:])):
        return True
    # trouble denied as the whole entry, in other words than `_NULL_ENTRIES` has: "no concerns raised", "no
    # major issues", "no disputes outstanding" (session 51)
    if len(entry) < 2 or entry[0] != "no" or len(entry) > 6:
        return False
    j = 1
    while j < len(entry) - 1 and entry[j] in _ANY_TROUBLE:
        j += 1
    return entry[j].startswith(_TROUBLE_STEMS) and all(n in _NULL_AFTER or n in _TROUBLE_NOTED for n in entry[j + 1:])


def _in_word(norms: list[str], k: int) -> bool:
    """Whether token k continues a word hyphenated inside ("person-centred", split by the tokenizer):
    it is that hyphen (WORD_HYPHEN) or the piece after it, so a window counts the word once."""
    return norms[k] == WORD_HYPHEN or (k > 0 and norms[k - 1] == WORD_HYPHEN)


def _words(norms: list[str], b: int, e: int, glued: bool = True) -> list[str]:
    """The words of norms[b:e]: tokens that start with a letter or digit, a hyphenated word once.
    `glued` False: the doc has no word hyphenated inside (`_DocView.glue` empty), so none is looked for."""
    if not glued:
        return [n for n in norms[b:e] if n[:1].isalnum()]
    return [n for k, n in enumerate(norms[b:e], b) if n[:1].isalnum() and not _in_word(norms, k)]


def _suspended(norms: list[str], i: int, e: int, idx: list[int], ends: list[int]) -> bool:
    """Whether the hyphen at i is suspended ("CHC- and council-funded", "Advocacy- and
    housing-related"): typed against the word before it, then "and", "or", "to" or "&" and a
    word hyphenated inside. Not a spaced dash ("Housing - to follow") nor one before a plain word
    ("Housing- to follow")."""
    if i + 3 >= e or ends[i - 1] != idx[i] or norms[i + 1] not in _SUSPENDED_BEFORE:
        return False
    return WORD_HYPHEN in norms[i + 2:min(e, i + 5)]


def _sentence_frame(norms: list[str], b: int, e: int, idx: list[int], ends: list[int],
                    glued: bool = True) -> tuple[int, bool, bool]:
    """(index of the label mark, or -1; whether the entry after the label is null; whether the
    sentence is a fragment) of the sentence norms[b:e]; idx and ends: each token's character
    offsets (a suspended hyphen is typed against its word); `glued`: as for `_words`."""
    words = _words(norms, b, e, glued)
    label_end = -1
    size = 0  # tokens of the label so far, a hyphenated word counted as one
    for i in range(b + 1, e - 1):
        if not (glued and _in_word(norms, i)):
            size += 1
        if size > _LABEL_REACH:
            break
        if norms[i] == "-" and _suspended(norms, i, e, idx, ends):
            continue  # a suspended hyphen ("CHC- and council-funded"), not a label's dash
        if norms[i] in _LABEL_MARKS:
            # a label is a name, not a clause ("Housing providers not yet engaged - no lead"), and
            # a dash or an equals sign follows a short one ("CHC - NHS Continuing Healthcare")
            label = norms[b:i]
            if (norms[i] == ":" or size <= _SHORT_LABEL) and _CLAUSE_WORDS.isdisjoint(label) \
                    and not any(n in _NOT_LABEL for n in label):
                label_end = i
            break
    null = label_end >= 0 and _null_entry(norms, label_end + 1, e)
    fragment = len(words) <= _FRAGMENT_WORDS and _CLAUSE_WORDS.isdisjoint(words) \
        and not any(len(w) > 4 and w.endswith("ed") for w in words)
    return label_end, null, fragment


_YOUNG = frozenset({"child", "children", "young", "youth", "cyp", "adolescent", "teenager"})
_CHILD = frozenset({"child", "children"})
_ADULT = frozenset({"adult", "adults"})
_COORD = frozenset({"and", "or", ",", "&", "/"})


@Language.factory("wvtext_sentencizer", assigns=["token.is_sent_start"])
def make_sentencizer(nlp: Language, name: str):
    return FastSentencizer(nlp)


class FastSentencizer(BatchPipe):
    """spaCy's rule sentencizer, read off the doc's arrays instead of token objects: a sentence
    starts at the first token after end punctuation that is neither end punctuation nor other
    punctuation (a closing quote or bracket). The same boundaries, several times faster, with two
    additions: a run of dots ("..", "...", typed for a full stop or an ellipsis) before a word with
    a capital letter also ends a sentence ("future provision.. Idea to share"), where spaCy's rule
    keeps the two together; and a bullet ("•", as `normalize_text` writes every kind) starts one,
    so each item of a list is a sentence."""

    def __init__(self, nlp: Language):
        from spacy.pipeline import Sentencizer

        self.punct = {nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars}
        self.dots = {nlp.vocab.strings.add("." * n) for n in range(2, 7)}
        self.bullet = nlp.vocab.strings.add("\u2022")  # text.normalize_text writes every bullet so
        self.special = frozenset(self.punct | self.dots | {self.bullet})

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT])
        orths, is_punct = arr[:, 0].tolist(), arr[:, 1].tolist()
        # Only a bullet, end punctuation or a run of dots changes the rule's state, and only the
        # first word after one can start a sentence: the rule visits those alone (a few per
        # sentence). A word: a token that is not punctuation.
        special = self.special
        events = [i for i, o in enumerate(orths) if o in special]
        start = [-1] * n
        start[0] = 1
        punct, bullet = self.punct, self.bullet
        seen = dotted = False
        for k, i in enumerate(events):
            o = orths[i]
            if o == bullet:  # a list item starts a sentence of its own
                start[i] = 1
                seen = dotted = False
            elif o in punct:
                seen = True
            else:  # a run of dots
                dotted = True
            if not (seen or dotted):
                continue
            stop = events[k + 1] if k + 1 < len(events) else n
            j = i + 1
            while j < stop and is_punct[j]:  # other punctuation (a closing quote or bracket)
                j += 1
            if j < stop:  # the first word after it, before the next event
                if seen or doc[j].is_title or doc[j].is_upper:
                    start[j] = 1
                    seen = False
                dotted = False
        _set_sentence_starts(doc, start)
        return doc


def _set_sentence_starts(doc: Doc, starts: list[int]) -> None:
    """Set each token's SENT_START: 1 starts a sentence, -1 does not."""
    doc.from_array([SENT_START], np.array(starts, dtype=np.int64).astype(np.uint64).reshape(-1, 1))


class _NameWord(str):
    """A word inside a theme's term that is a word of that name, not what it is elsewhere: it equals the
    word, so every cue reads it as before, and only the readings that look for its type read it as part
    of one name."""

    __slots__ = ()


# The norms a preposition inside a theme's term takes in the doc view ("out of area", "deprivation of
# liberty", "preparation for adulthood", "discharge from hospital", "expert by experience"): still the
# preposition to every cue and to the learned readers' words, but a list item's word where `_item_start`,
# `_coordinated_negation` and `_list_word` read a list ("Ordinary residence, CHC and out of area
# placements are not issues" is one list of three), counted as no word of the item (session 50)
_NAME_WORDS = {w: _NameWord(w) for w in ("of", "for", "to", "from", "by", "in", "with")}

# The norm a mention spelt "OR" (ordinary residence, which the lexicon matches only in capitals) takes in
# the doc view: no cue word, so never the joining word "or" (`negation`)
_OR_MENTION = "OR"
_OR_ID = get_string_id(_OR_MENTION)  # its id in the view's `hashes`, which the learned theme model reads


@Language.factory("wvtext_negation", requires=["doc.spans"])
def make_negation(nlp: Language, name: str):
    return NegationReader()


class NegationReader(BatchPipe):
    """The `wvtext_negation` component: `negation`, a batch at a time under `Language.pipe`."""

    def __call__(self, doc: Doc) -> Doc:
        return negation(doc)


def negation(doc: Doc) -> Doc:
    """Turn the matcher's finds into `Mention`s: negated, hedged, in a list, with offsets."""
    raw = doc.user_data.get(_RAW, [])
    mentions, spans = [], []
    if raw:
        via = doc.user_data.get(_VIA) or {}
        named = doc.user_data.get(_NAMED) or frozenset()
        view = doc_view(doc)
        norms = view.norms
        for _theme, s, e, _term in raw:
            if e - s == 1 and norms[s] == "or":
                norms[s] = _OR_MENTION  # "CHC and OR are not issues": the abbreviation is a list's item,
                # not the word joining it, wherever the cues read the words around another mention (session 48)
                view.hashes[s] = _OR_ID  # and the learned theme model reads "OR" there, as it was trained to
                # (training reads `norms`; run time reads `hashes`: until session 52 it read "or")
            for i in range(s + 1, e - 1):
                if norms[i] in _NAME_WORDS:
                    norms[i] = _NAME_WORDS[norms[i]]  # "out of area": a word of a name (session 50)
        answer = QUESTION_KEY in doc.user_data  # a narrative, answering its question
        for theme, s, e, term in raw:
            if theme == "transition" and view.age_span(s, e):
                continue  # "children, young people and adults": everyone, not children in particular
            spans.append((s, e))
            sent = b, se = view.sent(s)
            headed = term.term in named or _long_form_headed(via.get((theme, s), ""))  # "the CLDT", "the IST"
            negated, frame = view.negated(s, e, sent, headed=headed), view.frame(s, e)
            if term.cohort and frame in ("", "fragment") and view.population(s, b):
                frame = "population"  # "support for people with challenging behaviour": who, not what
            if answer and not negated and view.label_then_null(s, e, sent):
                negated = True  # "Pooled budget. None in place.": a label and its null entry, as "Pooled budget:
                # none in place." is in an answer (session 51)
            if frame == "boilerplate" and answer:
                # In an answer to a question a label over a null entry answers it ("Ordinary residence:
                # none."): a denial, as "there are no ordinary residence issues" is; only a document's
                # template fills such lines in for form's sake.
                negated, frame = True, "heading"
            mentions.append(Mention(theme, term.term, view.idx[s], view.ends[e - 1], view.idx[b], view.ends[se - 1],
                                    negated, view.hedged(s), term.weight, view.in_list(s, e, sent), frame,
                                    via.get((theme, s), "") if via else ""))
    if len(spans) > 1:
        _nested_follow(spans, mentions)
    doc.user_data[_MENTIONS] = mentions
    return doc


def _nested_follow(spans: list[tuple[int, int]], mentions: list[Mention]) -> None:
    """A mention inside a longer one (often another theme's: "budget" in "personal budgets") is the same
    words, so it takes the longest such mention's reading: its scope read from its own first word can
    differ ("None of the people with personal budgets ..." denied "budget" and not "personal
    budgets"; session 46). `spans` are the mentions' token spans, in their order."""
    order = sorted(range(len(spans)), key=lambda n: (spans[n][0], -spans[n][1]))
    far, inner = -1, []
    for n in order:  # one pass: a mention ends within the furthest end before it only where nested
        if spans[n][1] <= far:
            inner.append(n)
        far = max(far, spans[n][1])
    if not inner:
        return  # most texts
    starts = [spans[n][0] for n in order]
    reach = max(e - s for s, e in spans)
    for n in inner:
        s, e = spans[n]
        lo, hi = bisect_left(starts, s - reach), bisect_right(starts, s)
        outer = max((order[o] for o in range(lo, hi) if spans[order[o]][1] >= e
                     and spans[order[o]][1] - spans[order[o]][0] > e - s),
                    key=lambda o: (spans[o][1] - spans[o][0], -o), default=-1)
        if outer >= 0 and mentions[outer].negated != mentions[n].negated:
            mentions[n] = replace(mentions[n], negated=mentions[outer].negated)


def _named_heads(terms) -> frozenset[str]:
    """The lexicon's abbreviations that abbreviate (`abbreviates`, the rules a text's own definitions
    are read by) a term of the same theme whose head is a head noun of `_HEADS` (`_head_of`): "CLDT"
    (community learning disability team), "LAT" (local area team), "SLA" (service level agreement);
    not "DST" (decision support tool). Read as the long form would be: only their being there is
    denied ("the CLDT has not been reviewed" denies nothing; session 44)."""
    phrases: dict[str, list[str]] = {}
    for t in terms:
        if " " in t.term.strip():
            phrases.setdefault(t.theme, []).append(t.term)
    return frozenset(t.term for t in terms if " " not in t.term
                     and any(abbreviates(t.term, p) and _head_of(term_words(p.lower())) in _HEADS for p in phrases.get(t.theme, ())))


def _head_of(words: list[str]) -> str:
    """A noun phrase's head, as far as its words tell: the word before its first preposition
    ("community team for people with learning disabilities"), or its last ("decision support tool",
    "crisis resolution and home treatment team")."""
    cut = next((i for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), len(words))
    return words[cut - 1] if cut else ""


@lru_cache(maxsize=4096)
def _long_form_headed(via: str) -> bool:
    """Whether a local abbreviation's long form ("IST = Intensive Support Team", as the matcher
    records it; "" for none) has a head noun of `_HEADS`, as a written term would (`_head_of`); read
    once per long form, not per mention."""
    words = term_words(via.partition("=")[2].lower())
    return bool(words) and _head_of(words) in _HEADS


def doc_view(doc: Doc) -> _DocView:
    """The doc's `_DocView`, built once and kept with the doc."""
    view = doc.user_data.get(_VIEW)
    if view is None or view.doc_id != id(doc):
        view = doc.user_data[_VIEW] = _DocView(doc)
    return view


def _negated(doc: Doc, span: Span, sent: Span | None = None) -> bool:
    """Whether `span` is negated in its sentence (for the stance and practice readers)."""
    return doc_view(doc).negated(span.start, span.end)


@Language.factory("wvtext_theme_scorer", default_config={"k": 1.2, "repeat": 0.25, "list_discount": 0.6,
                                                          "negated_factor": 1.0, "boilerplate_discount": 0.2},
                  requires=["doc.spans"], assigns=["doc._.wv_themes"])
def make_theme_scorer(nlp: Language, name: str, k: float, repeat: float, list_discount: float,
                      negated_factor: float, boilerplate_discount: float):
    return ThemeScorer(k=k, repeat=repeat, list_discount=list_discount, negated_factor=negated_factor,
                       boilerplate_discount=boilerplate_discount)


# One naming of a theme written twice: a term and its other form side by side, joined only by a
# bracket, a dash, an equals sign, a colon or a slash ("Continuing Healthcare (CHC)", "CHC - NHS
# Continuing Healthcare", "DoLS = deprivation of liberty safeguards", "MCA/DoLS"). The second counts
# as a repeat, so a glossary entry does not weigh as two statements. Terms joined by a word ("pooled
# budgets and a section 75 agreement") still count apart.
_ALIAS_GAP = 8  # characters between the two at most
_ALIAS_MARKS = frozenset("()[]-=:/\u2013\u2014")


def _alias_gap(gap: str) -> bool:
    words = [w for w in gap.split() if any(c.isalnum() for c in w)]
    return not _ALIAS_MARKS.isdisjoint(gap) and len(words) <= 1 \
        and all(w.isupper() for w in words)  # at most one acronym between ("CHC - NHS Continuing Healthcare")


def _between(doc: Doc, end: int, start: int) -> str:
    """doc.text[end:start], where `end` is where a token ends and `start` where one starts, read
    from the few tokens between (`doc.text` builds every token of the doc)."""
    idx = doc_view(doc).idx
    j0, j1 = bisect_left(idx, end), bisect_left(idx, start)  # the first tokens at or after each
    if j0 == 0:
        return doc.text[end:start]
    first = j0 - 1  # the token that ends at `end`
    return doc[first:max(j1, j0)].text_with_ws[end - idx[first]:]


class ThemeScorer(BatchPipe):
    """confidence = 1 - exp(-k * S), S = the mentions' weights: each distinct term once in full,
    repeats at `repeat` of their weight, items of a list and names of a population ("people with
    challenging behaviour") at `list_discount`, a label over a null entry ("Safeguarding: not
    applicable") at `boilerplate_discount` (see FRAMES; headings and fragments count in full).
    With k = 1.2, one weight-1 term gives 0.70 and a lone body name (0.3) gives 0.30."""

    def __init__(self, *, k: float, repeat: float, list_discount: float, negated_factor: float,
                 boilerplate_discount: float = 0.2):
        self.k, self.repeat, self.list_discount, self.negated_factor = k, repeat, list_discount, negated_factor
        self.boilerplate_discount = boilerplate_discount

    def __call__(self, doc: Doc) -> Doc:
        by_theme: dict[str, list[Mention]] = {}
        for m in doc.user_data.get(_MENTIONS, []):
            by_theme.setdefault(m.theme, []).append(m)
        scores: dict[str, ThemeScore] = {}
        for theme in THEMES:
            mentions = by_theme.get(theme)
            if not mentions:
                continue
            total, seen, prev_end = 0.0, set(), -1
            for m in mentions:  # in text order
                w = m.weight * (self.list_discount if m.in_list or m.frame == "population" else 1.0)
                if m.frame == "boilerplate":
                    w *= self.boilerplate_discount
                w *= self.negated_factor if m.negated else 1.0
                again = m.term in seen
                if not again and 0 <= prev_end <= m.start_char <= prev_end + _ALIAS_GAP:
                    again = _alias_gap(_between(doc, prev_end, m.start_char))
                total += w * (self.repeat if again else 1.0)
                seen.add(m.term)
                prev_end = m.end_char
            conf = 1.0 - math.exp(-self.k * total)
            scores[theme] = ThemeScore(theme, round(conf, 4), all(m.negated for m in mentions), mentions)
        doc._.wv_themes = scores
        return doc
