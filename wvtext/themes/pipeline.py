"""Build the theme pipeline and run it over many texts.

Consumes texts (normalised narratives, item title + description). Produces, per text, the
`ThemeScore` of every theme found, with its mentions as evidence.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import re

import spacy
from spacy.attrs import NORM, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
from spacy.language import Language
from spacy.tokens import Doc

from . import components, model, negation_model  # noqa: F401  (registers the factories)
from ..gcpolicy import bulk_allocations
from ..learned import QUESTION_KEY
from .acronyms import DEFINITIONS_KEY, OWN_DEFINITIONS_KEY, definitions, may_define, written_in
from .components import THRESHOLD, ThemeScore
from .lexicon import PLURAL_BRACKETS, THEMES, Lexicon, load_lexicon, normalize_word
from .typos import typo_reader

__all__ = ["make_nlp", "blank_nlp", "extract_themes", "explain_text", "with_questions", "themes_string", "THRESHOLD"]


# Hyphens that split a word: after two capitals before a lower-case word ("CHC-funded",
# "CHC-Funded", "DoLS-authorised"), after a lower-case word before two capitals ("non-CHC"), between
# abbreviations of 2-4 capitals that make the whole word or run on into another word ("NHS-CHC",
# "NHS-CHC-funded"; not "CO-PRODUCTION" in a shouted heading, which stays one word and is matched
# joined), after a letter and digits, dotted or not, before a word or another such section ("s75-pooled",
# "S117-funded", "S.75-funded", "s75-s117"; not "14-25"); and before the second word of an English
# compound adjective whose first word keeps its own sense ("housing-related", "safeguarding-led",
# "autism-specific", "community-based", "council-funded") or is a section's number ("section
# 75-funded", "Section 117-funded"), so a term written as that first word is matched there as anywhere.
COMPOUND_SECONDS = ("related", "led", "based", "focused", "focussed", "funded", "specific", "commissioned",
                    "centred", "centered", "wide", "only", "trained", "informed", "linked", "orientated",
                    "oriented", "driven", "level", "type", "style", "aware", "sensitive",
                    "inclusive", "dependent", "managed", "delivered", "provided", "designed", "commissioning")
_ABBR_BEFORE = "|".join(f"(?<={a}[A-Z]{{{n}}})" for a in ("^", "-") for n in (2, 3, 4))
_NUMBER_WORD = "|".join(f"(?<=^[0-9]{{{n}}})" for n in (1, 2, 3))  # "section 75-funded": "75" is the word
_SECTION_BEFORE = "|".join(f"(?<=[A-Za-z]{d}[0-9]{{{n}}})" for d in ("", r"\.") for n in (1, 2, 3))
# A dash typed without spaces between a word and a null entry, a negation or a word that starts a
# clause ("Housing-not applicable", "Advocacy-none in place", "Crisis-the team responds ...",
# "Housing-N/A"): no English compound ends in one of these words (unlike "follow-up", "drop-in",
# "well-being"), so it is split off as a dash and the word before it is matched as itself
# (`_Infixes`). Only after a plain word: not after a function word or "yes", which make compounds
# with them ("have-not", "can-not", "Yes-no"), nor inside a longer hyphenated word
# ("here-and-there", "Just-say-no"). "our" is left out: a word broken at a line end ends in it
# ("behavi-our"). Each word is also one after which `components._word_hyphens` reads the hyphen
# as a dash.
DASH_BEFORE = ("not", "none", "no", "nil", "nothing", "n/a", "na", "tbc", "tba", "the", "this", "these", "there",
               "we")
DASH_RULE = r"(?<=[A-Za-z]{3})-(?=(?i:%s)(?![A-Za-z0-9/-]))" % "|".join(DASH_BEFORE)
ACRONYM_HYPHEN = (
    r"(?<=[A-Z]{2})-(?=[A-Z]?[a-z])",
    r"(?<=[a-z])-(?=[A-Z]{2})",
    rf"(?:{_ABBR_BEFORE})-(?=[A-Z]{{2,4}}(?:$|-))",
    rf"(?:{_SECTION_BEFORE})-(?=[A-Za-z]{{2}}|[A-Za-z]\.?[0-9])",
    r"(?:(?<=[A-Za-z]{3})|%s)-(?=(?i:%s)(?![A-Za-z]))" % (_NUMBER_WORD, "|".join(COMPOUND_SECONDS)),
)

# Punctuation typed against a word in pasted lists and spreadsheet cells, split off so the word is
# matched as itself: a slash or bar before or after it ("commissioner/ provider/ family member",
# "/CHC", "Housing|"), one or more hyphens opening a bullet ("-Housing", "--CHC"), a dash left on a
# word before the space ("Housing- not applicable", "Advocacy:- none"), a dash
# after a label's colon ("Housing:-none"), a bar between words ("CHC|Housing") and a slash after a
# bracketed plural ("carer(s)/family"). A plural in brackets stays one word, matched as the plural
# (BRACKET_PLURAL; `lexicon.normalize_word`): "provider(s) forum" is "providers forum".
EDGE_PREFIXES = (r"/", r"\|", r"-+(?=[A-Za-z])")
EDGE_SUFFIXES = (r"/", r"\|", r"(?<=[A-Za-z:])-+")
EDGE_INFIXES = (r"(?<=[A-Za-z]):(?=-[A-Za-z])", r"(?<=[A-Za-z]:)-(?=[A-Za-z])", r"(?<=[A-Za-z0-9])\|(?=[A-Za-z0-9])",
                r"(?<=[A-Za-z]\))/(?=[A-Za-z])")
BRACKET_PLURAL = re.compile(rf"^[A-Za-z]+{PLURAL_BRACKETS}$", re.I)
_BRACKET_PLURAL_END = re.compile(rf"[A-Za-z]{PLURAL_BRACKETS}$", re.I)


class _SuffixSearch:
    """The tokenizer's suffix search, except that a chunk ending in a bracketed plural keeps its
    ")" ("family/carer(s)", "Service-user(s)"): the infixes split the chunk and the plural stays
    one word, as `BRACKET_PLURAL` keeps "carer(s)" alone."""

    def __init__(self, rules: re.Pattern):
        self.rules = rules

    def __call__(self, text: str):
        return None if _BRACKET_PLURAL_END.search(text) else self.rules.search(text)


_WORD_BEFORE = re.compile(r"[A-Za-z]+$")
_COMPOUND_FIRSTS = STOP_WORDS | {"yes"}  # words that make a compound with DASH_BEFORE's ("have-not", "Yes-no")


class _Infixes:
    """The tokenizer's infix finder: every match of `rules`, and each hyphen `DASH_RULE` finds
    where the word before it is a plain word (no hyphen earlier in the token, not a stop word,
    not "yes")."""

    def __init__(self, rules: list[str]):
        self.rules = compile_infix_regex(rules)
        self.dash = re.compile(DASH_RULE)

    def __call__(self, text: str) -> list[re.Match]:
        found = list(self.rules.finditer(text))
        if "-" not in text:
            return found
        taken = {m.start() for m in found}
        extra = []
        for m in self.dash.finditer(text):
            before = text[:m.start()]  # DASH_RULE's look-behind: it ends in three letters at least
            if m.start() not in taken and "-" not in before \
                    and _WORD_BEFORE.search(before).group().lower() not in _COMPOUND_FIRSTS:
                extra.append(m)
        return sorted(found + extra, key=lambda m: m.start()) if extra else found


_ABBREVIATIONS = ("est.", "approx.", "incl.", "excl.", "dept.", "govt.", "ref.", "tel.", "cf.", "viz.", "c.f.")


def make_nlp(lexicon_path: Path | str | None = None, *, learned: bool = True) -> Language:
    """Return spacy.blank("en") with sentence splitting, word normalisation and the theme components;
    with `learned`, the learned theme decision and the learned negation decision of
    `models/learned/` (each where present) after the lexicon's scorer."""
    lexicon = load_lexicon(lexicon_path)
    nlp = blank_nlp(lexicon)
    nlp.add_pipe("wvtext_sentencizer")
    nlp.add_pipe("wvtext_theme_matcher", config={"lexicon_path": str(lexicon_path) if lexicon_path else None})
    nlp.add_pipe("wvtext_negation")
    nlp.add_pipe("wvtext_theme_scorer")
    if learned:
        nlp.add_pipe("wvtext_theme_model")
        nlp.add_pipe("wvtext_negation_model")
    nlp.meta["wvtext_lexicon_version"] = lexicon.version
    return nlp


def blank_nlp(lexicon: Lexicon) -> Language:
    """spacy.blank("en") with wvtext's tokenizer rules and word normalisation (the NORM the
    lexicon is matched on), and no components."""
    nlp = spacy.blank("en")
    # Hyphenated words stay one token ("co-located", "long-term"); their norm drops the hyphen and
    # patterns are added in joined and split forms (lexicon.pattern_variants).
    infixes = [x for x in nlp.Defaults.infixes if not re.search(x, "co-located")]
    # ... except where one side is an abbreviation, so that it is matched as itself: "CHC-funded",
    # "NHS-CHC", "non-CHC", "s75-pooled", "DoLS-authorised", and before the second word of a
    # compound adjective, "housing-related" (ACRONYM_HYPHEN); and a dash typed before a null entry
    # ("Housing-not applicable": DASH_RULE).
    nlp.tokenizer.infix_finditer = _Infixes(infixes + list(ACRONYM_HYPHEN) + list(EDGE_INFIXES))
    nlp.tokenizer.prefix_search = compile_prefix_regex(list(nlp.Defaults.prefixes) + list(EDGE_PREFIXES)).search
    nlp.tokenizer.suffix_search = _SuffixSearch(compile_suffix_regex(list(nlp.Defaults.suffixes) + list(EDGE_SUFFIXES)))
    nlp.tokenizer.token_match = BRACKET_PLURAL.match
    # "n/a." in lower case: spaCy keeps "a." whole (an English abbreviation), with its own norm
    # "a."; it is the "a" of "N/A." (a null entry for the theme frames and the stance reader alike).
    nlp.tokenizer.add_special_case("a.", [{ORTH: "a.", NORM: "a"}])
    # Abbreviations officers write mid-sentence keep their stop ("WV Programme Board est. 2013",
    # "approx. 40 people"), so it ends no sentence. Not "etc.", which often ends one.
    for abbr in _ABBREVIATIONS:
        for form in (abbr, abbr.capitalize()):
            nlp.tokenizer.add_special_case(form, [{ORTH: form, NORM: abbr.rstrip(".")}])
    spelling = dict(lexicon.spelling)
    # NORM is computed once per word type (lexemes are cached), so matching on it costs nothing per
    # token; so is the reading of a typing error as the lexicon word it misspells (typos.py).
    typos = typo_reader(lexicon)
    if typos is None:
        nlp.vocab.lex_attr_getters[NORM] = lambda s: normalize_word(s, spelling)
    else:
        nlp.vocab.lex_attr_getters[NORM] = lambda s: typos(s, normalize_word(s, spelling))
    return nlp


def _default_nlp(lexicon_path: str | None, learned: bool = True) -> Language:
    """One pipeline per (lexicon, learned) in a process."""
    return _cached_nlp(lexicon_path, bool(learned))


@lru_cache(maxsize=4)
def _cached_nlp(lexicon_path: str | None, learned: bool) -> Language:
    return make_nlp(lexicon_path, learned=learned)


def with_questions(nlp: Language, texts: Iterable[str], questions: Iterable[str | None] | None,
                   abbreviations: Iterable[dict[str, str] | None] | None = None) -> Iterator[Doc]:
    """Tokenised docs for `nlp.pipe`, each narrative carrying the text of the question it answers
    (None for an item; `questions` None: every text an item), which the learned theme decision
    reads; the abbreviations the text defines; and, where given, those its return defines
    (`acronyms.return_definitions`), which the theme matcher reads at their uses."""
    if isinstance(questions, str):
        raise TypeError("questions: one question text (or None) per text, not a single string")
    matcher = nlp.get_pipe("wvtext_theme_matcher") if nlp.has_pipe("wvtext_theme_matcher") else None
    pairs = ((t, None) for t in texts) if questions is None else zip(texts, questions, strict=True)
    rows = ((t, q, None) for t, q in pairs) if abbreviations is None else (
        (t, q, d) for (t, q), d in zip(pairs, abbreviations, strict=True))
    for text, question, defined in rows:
        text = text or ""
        doc = nlp.make_doc(text)
        # the abbreviations the text defines, read here from the string (the doc would build it)
        doc.user_data[OWN_DEFINITIONS_KEY] = definitions(text) if may_define(text) else ()
        if question:
            doc.user_data[QUESTION_KEY] = question
        if defined and matcher is not None:
            # only those that add a term and that the text may use (a look at the string spares the
            # doc's arrays the rest)
            useful = matcher.useful_abbreviations(defined)
            used = {short: long for short, long in useful.items() if written_in(short, text)}
            if used:
                doc.user_data[DEFINITIONS_KEY] = used
        yield doc


def extract_themes(texts: Iterable[str], *, nlp: Language | None = None, lexicon_path: str | None = None,
                   batch_size: int = 512, questions: Iterable[str | None] | None = None,
                   abbreviations: Iterable[dict[str, str] | None] | None = None) -> Iterator[dict[str, ThemeScore]]:
    """Yield {theme: ThemeScore} for each text, in order (every theme with at least one mention).
    `questions`: for narratives, the text of the question each answers (None for an item);
    `abbreviations`: for each text, the abbreviations its return defines (`acronyms.return_definitions`;
    a text's own definitions are read without it)."""
    nlp = nlp or _default_nlp(lexicon_path)
    docs = with_questions(nlp, texts, questions, abbreviations)
    with bulk_allocations():
        for doc in nlp.pipe(docs, batch_size=batch_size):
            yield doc._.wv_themes or {}


def explain_text(nlp: Language, text: str, question: str | None = None) -> dict[str, dict]:
    """Why the learned theme model scored each theme of one text as it did (`ThemeModel.explain`):
    the text read as `extract_themes` reads it, up to the model. {} for a pipeline without one."""
    if not nlp.has_pipe("wvtext_theme_model"):
        return {}
    tm = nlp.get_pipe("wvtext_theme_model")
    doc = next(with_questions(nlp, [text], [question]))
    for _name, proc in nlp.pipeline:
        if proc is tm:
            break
        doc = proc(doc)
    return tm.explain(doc)


def themes_string(scores: dict[str, ThemeScore]) -> str:
    """The carried themes, `;`-joined in themes.md order (the contract's `themes` column)."""
    return ";".join(t for t in THEMES if t in scores and scores[t].carried)
