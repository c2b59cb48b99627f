"""The theme lexicon: data an analyst can edit (`models/themes/lexicon.csv`).

Format (csv, UTF-8, header row), one row per term:

| column  | meaning |
|---------|---------|
| theme   | a theme id of themes.md (the 23 ids in `THEMES`) |
| term    | word or phrase; matched case-insensitively on normalised words (plurals folded, dots inside words removed, hyphens as word breaks, spelling variants of `spelling.csv` corrected) |
| weight  | (0, 1]: how strongly one mention shows substantive content (1 = alone enough; 0.3 = a body's name that counts only with other evidence) |
| match   | empty; `case` for an exact-case match (short acronyms such as `OR`); `exact` for a term matched without its verb forms (see `inflected_variants`); or `cohort` for a term that is also the name of the people a text is about ("challenging behaviour"): a mention that only names them ("people with challenging behaviour") is framed `population` (see FRAMES in components.py) |
| context | optional `|`-separated words: the term counts only if one occurs in the same sentence |
| exclude | optional `|`-separated words: the term does not count when one stands within four words of it in its sentence (`capacity assessment` beside `market`, `crisis`, `bed`: a service's capacity, not a person's) |
| note    | free text |

`spelling.csv` has `variant,correct` rows of single words. `load_lexicon` validates
everything and reports every problem with file, row and field.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import WvtextError

__all__ = ["THEMES", "THEME_NAMES", "Term", "Lexicon", "LexiconError", "load_lexicon", "normalize_word",
           "cue_words", "pattern_variants", "inflected_variants"]

THEMES = (
    "ordinary_residence", "chc", "pooled_budgets", "crisis_response", "specialist_commissioning", "advocacy",
    "transition", "housing", "workforce", "safeguarding", "mental_capacity", "mental_health_act",
    "registers_information", "reviews_care_management", "governance_partnership", "market_providers",
    "personalisation", "family_engagement", "out_of_area", "finance_strategy", "positive_behaviour_support",
    "needs_assessment", "community_teams",
)
THEME_NAMES = {
    "ordinary_residence": "Ordinary Residence", "chc": "NHS Continuing Health Care",
    "pooled_budgets": "Pooled budgets and s75", "crisis_response": "Crisis response and admission avoidance",
    "specialist_commissioning": "Specialist and secure commissioning", "advocacy": "Advocacy",
    "transition": "Children, young people and transition", "housing": "Housing and accommodation",
    "workforce": "Workforce and skills", "safeguarding": "Safeguarding and quality",
    "mental_capacity": "Mental Capacity Act and DoLS", "mental_health_act": "Mental Health Act and s117",
    "registers_information": "Registers and information", "reviews_care_management": "Reviews and care management",
    "governance_partnership": "Governance and partnership", "market_providers": "Market and providers",
    "personalisation": "Personalisation", "family_engagement": "People, families and co-production",
    "out_of_area": "Out-of-area placements", "finance_strategy": "Money and financial strategy",
    "positive_behaviour_support": "Behaviour support", "needs_assessment": "Population and needs",
    "community_teams": "Community teams and services",
}
_COLUMNS = ("theme", "term", "weight", "match", "context", "exclude", "note")
# Part of the lexicon's version: change it when the way terms are matched changes (session 25:
# verb forms; session 26: abbreviations split off at a hyphen, "CHC-funded"; session 27: chains
# and dotted sections, "NHS-CHC-funded", "S.75-funded", and the first word of a compound adjective,
# "housing-related", and from session 27's second version a section's number before one, "section
# 75-funded"; and a hyphen before a function word or a null entry, "CHC-none", left a dash; session
# 30: a dash typed before a null entry, "Housing-not applicable"; session 31: punctuation typed
# against a word, "provider/", "-Housing", "Housing- none", "provider(s)", and "n/a." a null
# entry; session 33: a local abbreviation read as the terms of the words it stands for, "the ICB" after
# "Integrated Commissioning Board (ICB)", acronyms.py; its second version, after a review, with
# stricter definitions; session 34: a typing error of a lexicon word read as the word, typos.py; its
# second version, after a review: not a changed last letter, nor a word typed with a capital, which
# may be a name; session 35: local abbreviations defined in square brackets, with stops, before a
# remark or before their words, "ICB (Integrated Commissioning Board)", and used with stops; its
# fourth version, after a review: not a gloss on a use, "TCP (Transforming Care Partnership board)",
# nor two letters with stops, which may be initials; its fifth, a gloss in either order,
# "Transforming Care Partnership board (TCP)"; session 36: quoted and named definitions, "('ICB')",
# "(known as the ICB)", and letters that spell a roman numeral, "Crisis Intervention (CI)"; its
# seventh and eighth, after a review: "(hereafter referred to as the ICB)", "II" always a number, a
# numeral's long form counted without function words; session 38: a typo typed with a capital read
# as a word the lexicon has only inside terms of several words, "Ordinary Residnce", typos-3, and a
# definition quoted before "the", "(henceforth 'the ICB')", local-abbreviations-9; session 39: a
# "not" before a word of degree, "not enough", "not always", read as a gap, not a denial, and cue
# words found whatever their norm, "whereas", negation-cues-1; session 40: the word of degree
# after a verb of having, "do not have enough", but not before a clause of justifying or setting
# up the theme, "not enough referrals to need a crisis team", negation-cues-2, and "never enough",
# "not having enough", "not nearly enough", negation-cues-3, and a definition
# offered as another name, "(or ICB)", ", or ICB,", or in doubled brackets,
# local-abbreviations-10; session 41: denials after the mention, "DoLS have no bearing on",
# "OR has never been an issue", and of a need, "no need for advocacy"; what only looks like a denial,
# a clause of time or cause, "No one has been admitted since the crisis service started", a loss or
# change denied, "no reduction in the advocacy contract", a refusal denied, "nobody has been
# refused CHC", a denied negating word, "no lack of", a
# past counterfactual, "Without the crisis team, admissions would have doubled", set phrases,
# "whether or not", "no fewer than", and "not ... until"; a gap's result, "not enough advocates to
# avoid delays"; negation-cues-4 to -8, the last three after two independent reviews; and a word of ten
# letters or more typed with a capital read as a lexicon word, "Personalisaton", typos-4;
# session 42: a negation in a fronted clause stays in it, "If this is not possible, the provider
# will arrange advocacy", also without the comma where a subject and an auxiliary follow; a head
# noun read through to a negation of its being there, "Crisis provision is not yet in place"; "do
# not" after the mention denies what it does, "providers do not report it", unless of being there,
# arising or bearing on things, "OR does not arise"; negation-cues-9, after three independent
# reviews; session 43: "has not" read as "does not", "the crisis team has not admitted anyone"; a
# word of trouble after the term, "OR disputes have not arisen"; a term ending in a head noun, a
# mention in the subject's relative clause or in a phrase after its noun read through only to a
# denial of being there; "not in place at weekends" a gap; "In cases where", "Should ... not" front a
# clause; "there is no one who ..."; negation-cues-10; session 44: a clause of cause ends a denial
# of trouble, "not a problem because/as the crisis team is in place"; "as yet" read as "not yet";
# the agent of a passive that reports or decides, "not raised by families", not denied;
# negation-cues-11; a topic fronted before trouble denied, "Regarding OR, there are no disputes",
# and "not as well resourced as" a comparison, a part; negation-cues-12; the fronted topic's being
# there denied through a pronoun, "Regarding section 75, it is not yet in place"; negation-cues-13;
# an abbreviation whose long form ends in a head noun read as that long form, "the CLDT has not been
# reviewed"; negation-cues-14; a negative quantifier's definite restriction not denied, "Nobody in the
# current cohort is ..."; negation-cues-15; the main clause past a relative clause on the quantifier's
# subject denied, "None of the people who live here have had a review"; negation-cues-16; a participle's
# phrase in the restriction before the clause's verb, "No one in the cohort placed out of area has been
# visited", and "no young people" a quantifier; negation-cues-17; a quantifier's clause going on to
# "without", "Nobody is without an advocate", a double negation, and the restriction only of a
# quantifier that opens its clause; negation-cues-18; "no young" a quantifier only before "people",
# "person", "adult(s)", and ending after it; negation-cues-19; a definite subject denied only in its
# being there, trouble or relevance, "the register is not complete" not denied, "no longer" after the
# mention's auxiliary read as "not", "never" before its being set up a denial, and a mention inside a
# longer one taking its reading; negation-cues-20; a coordinated subject sharing its verb's negation,
# "The register, the pooled budget and the crisis team are not in place", and "yet to be set up" a
# denial; negation-cues-21; a coordinated subject in a note with no verb, "OR/CHC not an issue.";
# negation-cues-22; a negation going on to how well, how often or how soon, or judging the thing, a gap,
# "pooled budgets are not working well", and a coordinated subject after a fronted phrase or adverb,
# "At present, a register and a pooled budget are not in place"; negation-cues-23; fronted phrases in a
# row and a fronted clause before such a subject, and "no longer" before a verb of being there, "the
# crisis team no longer exists"; negation-cues-24; a negation kept from a second clause joined by "and",
# "A pooled budget is not in place and a crisis team is being developed", its being affected denied an
# affirmation, "no longer take place" a denial, and a coordinated subject after a fronted exception,
# "Apart from the register, ...", or a fronted phrase with no comma, "This year a register and ...";
# negation-cues-25; an adverb read through before a negation after the mention, "CHC is also not an
# issue", a note's list sharing the denial after its dash, "Register, crisis team - not yet", and "With
# the exception of"; negation-cues-26; a first clause's verb of being there, "no longer" or "lack", and
# an aside in it, read before a second clause joined by "and", and "never" before a thing's having
# existed or taken place a denial, "A register has never existed"; negation-cues-27; a second clause's
# main verb read, "... and the crisis team holds its own records"; negation-cues-28; a short aside after
# the mention read through, "CHC is, at present, not an issue"; negation-cues-29; a comma joining two
# clauses read as "and" does, "We do not have a pooled budget, the crisis team is in place", and a second
# clause's subject may be a list, "... and advocacy and housing are in place", and "placements" a head
# noun, "Out of area placements are not an issue"; negation-cues-30; a negation in a relative clause set off
# by commas stays in it, "The LDPB, which has not met since March, oversees the pooled budget";
# negation-cues-31; a relative clause after the mention read through to the negation after it,
# "Ordinary residence, which the LDPB discussed last year, is not a problem", and a note with no verb
# before a comma, "No IMCA issues, positive behaviour support is the main gap"; negation-cues-32; a
# restrictive relative clause's negation kept from the main clause after its verb, "Families who are not
# satisfied can access advocacy", and a note's value of nothing kept to its label, "Pooled budget - none,
# crisis team in place"; negation-cues-33; an aside of concession, source or report after the mention read
# through, "OR, as far as we are aware, is not an issue"; negation-cues-34; after a comma only a pronoun
# opens a clause with its verb, "We do not, unfortunately, have a register"; negation-cues-35; an "of"
# inside a theme's term a word of a list item, "Ordinary residence, CHC and out of area placements are not
# issues", bare "issues" after a head noun's negation trouble denied, a spaced dash joining two clauses as a
# comma does, "There is no pooled budget - the crisis team is funded by health", and a note's predicate of
# being there or a main verb after one thing making a clause, "No pooled budget, crisis team in place";
# negation-cues-36; a bracket after a thing noting its value, "Safeguarding (no concerns) is overseen by
# the partnership board", a bracket with a clause of its own out of a negation's reach, other brackets read
# through, "CHC (continuing healthcare) is not an issue", any past participle a note's predicate, a list
# after a dash, and "lapsed", "expired", "terminated", "cancelled", "suspended", "gone" words of a thing
# gone; negation-cues-37; "Both" opening a coordinated subject, "Both advocacy and IMCA are not
# commissioned", "not used" where the clause ends, "Out of area placements are not used", square brackets as
# round ones, and "packages" a head noun of a second clause's subject; negation-cues-38; the other
# prepositions inside a theme's term as "of", "CHC, OR and preparation for adulthood are not issues";
# negation-cues-39; a null entry "no" alone or "none" with words of time or of being in place, "Housing:
# no.", "Crisis team: none in place.", and a list's verb with no clause after it keeping a fronted clause's
# mention out of the list, "Whilst the council funds advocacy, CHC and OR are not issues here";
# negation-cues-40; a label opening the sentence with a dash or colon and a clause with its subject
# after it read as a fronted topic, "Crisis response - there isn't one", and "there isn't one" a topic's
# absence; negation-cues-41; a label that makes a sentence of its own read with the next sentence as
# with a dash or colon, "Ordinary residence. This is not an issue.", "CHC. No issues.", and in an answer
# "Pooled budget. None in place.", and a label's words no predicate of how it stands, "Crisis team
# established: there are no issues"; negation-cues-42; after a label's mark or a label alone, a note with no
# subject that denies it, "Advocacy - none commissioned", "PBS? Not commissioned", "Register: does not
# exist", and trouble denied as the whole entry in other words a null entry, "Safeguarding - no concerns
# raised"; negation-cues-43; a thing said to be gone for good, "The crisis team was disbanded in 2011",
# "s75 - lapsed March 2012"; negation-cues-44; its denial an affirmation, "not disbanded"; negation-cues-45),
# so that
# a learned model trained on the earlier matches (and marks) is
# reported stale.
MATCHING = ("verb-forms-1;abbreviation-hyphens-4;compound-hyphens-3;dash-before-null-2;edge-punctuation-1;"
            "local-abbreviations-10;typos-4;negation-cues-45")


class LexiconError(WvtextError):
    """The lexicon or spelling file is invalid; the message lists every problem."""


@dataclass(frozen=True)
class Term:
    theme: str
    term: str
    weight: float
    case: bool
    context: tuple[str, ...]
    row: int
    exclude: frozenset[str] = frozenset()  # words beside which the term does not count
    cohort: bool = False  # also names a group of people ("people with challenging behaviour")
    exact: bool = False  # matched without its verb forms (match `exact`)

    @property
    def pattern_id(self) -> str:
        return f"{self.theme}:{self.term}"


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    spelling: dict[str, str]
    version: str
    path: str

    def by_theme(self) -> dict[str, list[Term]]:
        out: dict[str, list[Term]] = {t: [] for t in THEMES}
        for term in self.terms:
            out[term.theme].append(term)
        return out


_SUFFIX_KEEP = ("ss", "us", "is", "ous", "sis")


PLURAL_BRACKETS = r"\((?:s|es|ren)\)"  # a plural written in brackets: "provider(s)", "child(ren)"
_BRACKET_PLURAL = re.compile(rf"^[a-z][a-z-]*{PLURAL_BRACKETS}$")


def normalize_word(word: str, spelling: dict[str, str] | None = None) -> str:
    """The form words are matched on: lower case, dots inside removed, regular plurals folded,
    spelling variants corrected ("S.75" -> "s75", "Budgets" -> "budget", "accomodation" -> "accommodation")."""
    w = word.lower()
    if w == "&":
        return "and"
    if w.endswith(")") and _BRACKET_PLURAL.match(w):
        w = w.replace("(", "").replace(")", "")  # "provider(s)" -> "providers", "child(ren)" -> "children"
    if len(w) > 1 and "." in w:
        w = w.replace(".", "") or w
    if len(w) > 2 and "-" in w.strip("-"):
        w = w.replace("-", "")  # hyphenated words are one token: "co-located" -> "colocated"
    w = w.replace("\u2019", "'")
    if spelling:
        w = spelling.get(w, w)
    if len(w) > 3 and w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(_SUFFIX_KEEP) and w[-2] != "'":
        w = w[:-1]
    if spelling:
        w = spelling.get(w, w)
    return w


def cue_words(words) -> frozenset[str]:
    """A set of cue words to compare with token norms: the words as written and their norms, so
    that a word the norm changes is found ("always" is read as "alway", "thanks" as "thank",
    "whereas" as "wherea": plural folding does not know them), and one whose norm spaCy sets
    itself ("does" stays "does") is found as written. Written out they read as English; a set of
    norms alone would have to be written in them."""
    words = frozenset(words)
    return words | {normalize_word(w) for w in words}


def term_words(term: str) -> list[str]:
    """A term's words, split at spaces and hyphens ("care co-ordinator" -> care, co, ordinator)."""
    return [w for w in re.split(r"[\s\-]+", term.strip()) if w]


def pattern_variants(term: str) -> list[str]:
    """The spellings a term is matched in: its words split at hyphens and spaces, then every way
    of joining neighbours ("care co-ordinator" -> "care co ordinator", "care coordinator",
    "careco ordinator", ...), so hyphenated, spaced and solid writings all match. Up to 5 words."""
    words = term_words(term)
    if len(words) <= 1 or len(words) > 5:
        return [term]
    out = {term.strip()}
    for mask in range(2 ** (len(words) - 1)):
        parts, cur = [], words[0]
        for i, w in enumerate(words[1:]):
            if mask >> i & 1:
                cur += w
            else:
                parts.append(cur)
                cur = w
        parts.append(cur)
        out.add(" ".join(parts))
    return sorted(out)


_VOWELS = frozenset("aeiou")


# Endings of nouns and adjectives that are not verbs ("assessment", "analysis", "capacity"): no
# verb forms are made of them (they would never occur, and the matcher is slower for each form).
_NOT_VERB = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "ist", "sis", "ous", "ive", "ic",
             "ical", "ary", "ory", "ian", "hood", "ics", "logy", "al", "ful", "less", "able", "ible", "our", "ty")


# ... nor of the words that hold a phrase together ("step down", "placed out of area").
_FUNCTION_WORDS = frozenset({"down", "back", "over", "into", "with", "from", "about", "after", "under", "away",
                             "through", "across", "onto", "upon", "within", "without", "this", "that", "these",
                             "those", "their", "there", "other", "each", "only", "also", "more", "most", "some",
                             "such", "than", "them", "they", "what", "when", "where", "which", "while", "will",
                             "would", "should", "could", "have", "been", "being", "very", "both", "same"})


def _participle(word: str) -> bool:
    """An -ing or -ed form ("pooling", "located"; not "need", "bring")."""
    return ((word.endswith("ing") and len(word) >= 6)
            or (word.endswith("ed") and len(word) >= 5 and not word.endswith("eed")))


def _verb_forms(word: str) -> tuple[str, ...]:
    """The other verb forms of one lower-case word: -ing <-> -ed ("pooling" <-> "pooled",
    "co-locating" <-> "co-located", "planning" <-> "planned": the two share a stem, doubled
    consonant or dropped e included; "applying" <-> "applied", "agreeing" -> "agreed"), and a
    base form's -ed and -ing ("locate" -> "located", "locating"; "plan" -> "planned",
    "planning", as well as "planed", "planing"), unless its ending is a noun's or adjective's
    (`_NOT_VERB`). Forms that are not words ("providered") are harmless: they never occur."""
    if not word.isalpha() or not word.islower():
        return ()
    if _participle(word):
        if word.endswith("ing"):
            stem = word[:-3]
            if stem.endswith("ee"):
                return (stem + "d",)
            if stem.endswith("y") and stem[-2] not in _VOWELS:
                return (stem[:-1] + "ied",)
            return (stem + "ed",)
        if word.endswith("ied"):
            return (word[:-3] + "ying",)
        return (word[:-2] + "ing",)
    if len(word) < 4 or word.endswith(_NOT_VERB) or word in _FUNCTION_WORDS:
        return ()
    if word.endswith("e") and not word.endswith("ee"):
        return (word + "d", word[:-1] + "ing")
    if word.endswith("y") and word[-2] not in _VOWELS:
        return (word[:-1] + "ied", word + "ing")
    forms = (word + "ed", word + "ing")
    if (word[-1] not in _VOWELS and word[-1] not in "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS
            and len(re.findall(r"[aeiou]+", word)) == 1):
        forms += (word + word[-1] + "ed", word + word[-1] + "ing")  # one syllable: its last consonant doubled
    return forms


def inflected_variants(term: str) -> list[str]:
    """The term with one of its words in another verb form ("co-locate" -> "co locating",
    "co located"; "avoid admission" -> "avoided admission", "avoiding admission"; "pooling" ->
    "pooled"): lemmas where they help, so a return that writes "we are co-locating the teams"
    matches the lexicon's "co-locate". A single word is varied only from its -ing or -ed form: a
    lone base word often changes sense when inflected ("secure" unit vs "secured" tenancies,
    "register" vs "registered" provider). Terms matched by case, or marked `exact`, get none."""
    words = term_words(term.lower())
    if len(words) > 5:
        return []
    out: set[str] = set()
    for i, w in enumerate(words):
        if len(words) == 1 and not _participle(w):
            continue
        for form in _verb_forms(w):
            out.add(" ".join(words[:i] + [form] + words[i + 1:]))
    return sorted(out)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise LexiconError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}.",
                                   remedy=f"The header must be {','.join(required)}.")
            return [(i, {k.strip(): (v or "").strip() for k, v in row.items() if k}) for i, row in
                    enumerate(reader, start=2)]
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found.", remedy="Pass --lexicon PATH or restore models/themes/.")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 (byte at {exc.start}).", remedy="Save it as UTF-8.")


def _load(path: Path, spelling_path: Path | None) -> Lexicon:
    problems: list[str] = []
    spelling: dict[str, str] = {}
    if spelling_path is not None and spelling_path.exists():
        for row, rec in _read_csv(spelling_path, ("variant", "correct")):
            v, c = rec["variant"].lower(), rec["correct"].lower()
            if not v or not c or " " in v:
                problems.append(f"{spelling_path}, row {row}: variant must be one word and correct non-empty (got {v!r} -> {c!r})")
            elif v in spelling and spelling[v] != c:
                problems.append(f"{spelling_path}, row {row}: variant {v!r} maps to two forms")
            else:
                spelling[v] = c
    terms: list[Term] = []
    seen: dict[tuple[str, str], int] = {}
    for row, rec in _read_csv(path, ("theme", "term", "weight")):
        where = f"{path}, row {row}"
        theme, term = rec.get("theme", ""), re.sub(r"\s+", " ", rec.get("term", ""))
        if theme not in THEMES:
            problems.append(f"{where}, theme: {theme!r} is not one of the 23 theme ids ('wvtext lexicon' lists them)")
            continue
        if not term:
            problems.append(f"{where}, term: empty")
            continue
        try:
            weight = float(rec.get("weight", ""))
            if not 0 < weight <= 1:
                raise ValueError
        except ValueError:
            problems.append(f"{where}, weight: {rec.get('weight')!r} must be a number in (0, 1]")
            continue
        match = rec.get("match", "").lower()
        if match not in ("", "case", "any", "cohort", "exact"):
            problems.append(f"{where}, match: {match!r} must be empty, 'case', 'exact' or 'cohort'")
            continue
        key = (theme, term.lower() if match != "case" else term)
        if key in seen:
            problems.append(f"{where}, term: {term!r} repeats row {seen[key]} for {theme}")
            continue
        seen[key] = row
        context = tuple(normalize_word(w, spelling) for w in rec.get("context", "").split("|") if w.strip())
        exclude = frozenset(normalize_word(w.strip(), spelling) for w in rec.get("exclude", "").split("|") if w.strip())
        terms.append(Term(theme, term, weight, match == "case", context, row, exclude, match == "cohort",
                          match == "exact"))
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise LexiconError(f"invalid lexicon: {shown}.", remedy="Fix these rows (format: models/themes/README.md).")
    if not terms:
        raise LexiconError(f"{path}: the lexicon has no terms.", remedy="Add rows theme,term,weight.")
    # The version is the files' content, whatever line endings a checkout gives them, and the way
    # terms are matched (MATCHING), so a model trained on other matches is seen to be stale.
    files = [path] + ([spelling_path] if spelling_path and spelling_path.exists() else [])
    from .typos import reader_files  # (typos.py reads this module)

    files += reader_files(path)  # what the typo reader reads decides matches too
    digest = hashlib.sha256(MATCHING.encode() + b"".join(p.read_bytes().replace(b"\r\n", b"\n") for p in files))
    return Lexicon(tuple(terms), spelling, digest.hexdigest()[:12], str(path))


@lru_cache(maxsize=4)
def _cached(path: str, spelling: str | None) -> Lexicon:
    return _load(Path(path), Path(spelling) if spelling else None)


def load_lexicon(path: Path | str | None = None, *, spelling: Path | str | None = None) -> Lexicon:
    """Return the validated lexicon (default `models/themes/lexicon.csv` with its `spelling.csv`)."""
    if path is None:
        from ..paths import models_dir

        path = models_dir() / "themes" / "lexicon.csv"
    path = Path(path)
    if spelling is None:
        spelling = path.with_name("spelling.csv")
    return _cached(str(path), str(spelling) if spelling else None)
