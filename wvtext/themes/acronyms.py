"""Local abbreviations a text defines ("an Integrated Commissioning Board (ICB)") and uses elsewhere.

Areas name their own boards, teams and services and then write them as abbreviations the lexicon
cannot know ("the ICB", "the IST", "JCU"). A definition is found by the algorithm of Schwartz and
Hearst (2003, "A simple algorithm for identifying abbreviation definitions in biomedical text"):
an abbreviation in brackets after the words it stands for (or after ", or": "the Integrated
Commissioning Board, or ICB, meets"), each of its letters found, right to left, in those words.
Officers' prose is looser than biomedical abstracts, so wvtext asks more: each capital of the
abbreviation starts a word ("DoLS": Deprivation of Liberty Safeguards), the long form does not
open with a function word ("and Treatment (A&T)" is refused) and does not reach back across a
sentence, a clause, a spaced dash, a blank line or a bullet. The theme matcher then
reads each other use of the abbreviation as the terms its long form holds (`ThemeMatcher`):
"presented to the ICB" is a mention of `integrated commissioning board`.

A return's answers share their definitions: `return_definitions` gathers them from every answer
(an abbreviation defined two different ways in one return is dropped as ambiguous), and
`pipeline.with_questions` gives each answer's doc the map of its return (`DEFINITIONS_KEY`), so an
abbreviation defined in 1.1 is read in 6.8. The maps are read, never changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

__all__ = ["Definition", "DEFINITIONS_KEY", "OWN_DEFINITIONS_KEY", "abbreviates", "definitions", "is_abbreviation", "long_form",
           "return_definitions", "written_forms", "written_in", "may_define"]

DEFINITIONS_KEY = "wvtext_definitions"  # doc.user_data: {abbreviation: long form} of the doc's return
OWN_DEFINITIONS_KEY = "wvtext_own_definitions"  # doc.user_data: `definitions` of the doc's own text

# "(ICB)", "( ICB )", "(CCGs)", "(ICB's)", "(DoLS)", "[ICB]", "(I.C.B.)", "(ICB, chaired by the
# DASS)", "(ICB; see 1.1)": two to ten characters in round or square brackets, starting with a
# letter, alone or before a comma or semicolon that opens a remark (Schwartz and Hearst's rule);
# a plural "s" is not part of the abbreviation. In quotes, or named so, too: "('ICB')", "(the
# ICB)", "(known as the ICB)", "(hereafter ICB)", "(hereafter referred to as the ICB)", and with the
# quote before "the": "(henceforth 'the ICB')"; or offered as another name, "(or ICB)".
_BRACKETED = re.compile(r"[(\[]\s*(?:(?i:known as|referred to as|called|here(?:in)?after|henceforth|or)\s+){0,2}"
                        r"(?:[\"'\u2018\u201c]?(?i:the)\s+)?"
                        r"[\"'\u2018\u201c]?([A-Za-z][A-Za-z0-9&./-]{1,9}?)(?:s|['\u2019]s)?[\"'\u2019\u201d]?"
                        r"\s*(?:[,;][^()\[\]]*)?[)\]]")
# The other order, "ICB (Integrated Commissioning Board)", "I.C.B. (Integrated Commissioning
# Board)": an abbreviation just before a bracket (`_SHORT_BEFORE`, searched at each bracket), then
# its words in the brackets (up to a comma or semicolon inside them), which begin and end with a
# word (`_WORDS_INSIDE`: a run of spaces is not searched letter by letter).
_OPENING = re.compile(r"[(\[]")
# Without brackets, as prose offers another name: "the Integrated Commissioning Board, or ICB,
# meets monthly", "... Board, or 'the ICB'.", "..., or I.C.B., ..." (a comma, "or", the
# abbreviation, then punctuation, a bracket, a spaced dash or the end of a line); the words before
# the comma are searched as those before a bracket are. `_OR_HINT`: whether a text may hold one.
_OR_NAMED = re.compile(r",\s+or\s+(?:[\"'\u2018\u201c]?(?i:the)\s+)?[\"'\u2018\u201c]?([A-Za-z][A-Za-z0-9&./-]{1,9}?)"
                       r"(?:s|['\u2019]s)?[\"'\u2019\u201d]?"
                       r"(?=\s*[,;:!?()\[\]]|\.(?![A-Za-z0-9])|\s+[-\u2013\u2014]+\s|[ \t]*(?:\r?\n|$))")
_OR_HINT = re.compile(r",\s+or\s")
_SHORT_BEFORE = re.compile(r"(?<![A-Za-z0-9&.])((?:[A-Z]\.){1,5}[A-Z]\.?|[A-Za-z][A-Za-z0-9&]{1,9}?)(?:s|['\u2019]s)?\s*$")
_WORDS_INSIDE = re.compile(r"\s*([^()\[\],;\s][^()\[\],;]{1,158}?[^()\[\],;\s])\s*(?:[,;][^()\[\]]*)?[)\]]")
# "I.C.B.": capitals each followed by a stop, read as "ICB"
_DOTTED = re.compile(r"(?:[A-Z]\.){1,5}[A-Z]\.?")
# Where the words a definition may span end, going back: a sentence or clause boundary, a spaced
# dash ("clinical lead - Consultant Psychiatrist (LD)"), a blank line or a bullet, another bracket.
# Not a single line break: text taken from a PDF breaks its lines anywhere.
_BOUNDARY = re.compile(r"[.;:!?,]\s|\s[-\u2013\u2014]+\s|\n\s*\n|\n\s*[-*\u2022]|[()\[\]]")
# "phase (II)" numbers a phase: letters that spell a roman numeral are an abbreviation only where
# each begins one of as many words just before (or inside) the bracket: "Crisis Intervention
# (CI)", "Community Infrastructure Levy (CIL)", "Community Interest Company (CIC)" (`_numeral_only`).
_ROMAN = re.compile(r"[IVXLC]+")


_IN_WORD = "'\u2019"  # an apostrophe does not begin a word: the "s" of "Children's" stands for no word


@dataclass(frozen=True, slots=True)
class Definition:
    short: str  # "ICB"
    long: str  # "Integrated Commissioning Board"
    start: int  # offsets of the abbreviation as written (inside its brackets, or after ", or")
    end: int


def is_abbreviation(short: str) -> bool:
    """Two capitals at least ("ICB", "DoLS", "PfA"), so that a word in brackets ("(see)",
    "(Leics)") is not read as one. (Letters that spell a roman numeral, "(II)", are one only with
    the long form `_numeral_only` asks for.)"""
    return sum(c.isupper() for c in short) >= 2 and any(c.isalpha() for c in short)


def _numeral_only(short: str, lf: str | None) -> bool:
    """Whether letters that spell a roman numeral are only that: their long form is not one word
    for each letter, function words aside ("phase (II)" has none; "Crisis Intervention (CI)" has
    two for two, "Centre for Independent Living (CIL)" three for three), or they are one letter
    repeated ("II", "III", "XX": the numbers a plan's phases and parts are given)."""
    if not _ROMAN.fullmatch(short):
        return False
    words = [w for w in lf.split() if w.lower() not in STOP_WORDS] if lf else []
    return len(words) != len(short) or len(set(short)) == 1


def long_form(short: str, words: str) -> str | None:
    """The shortest end of `words` that `short` abbreviates: Schwartz and Hearst's
    `findBestLongForm` (each letter or digit of `short`, from the last, found going back through
    `words`; the first must begin a word), with every capital of `short` beginning a word too.
    None when they are not all found."""
    s, i = len(short) - 1, len(words) - 1
    while s >= 0:
        c = short[s]
        if not c.isalnum():
            s -= 1
            continue
        initial = s == 0 or c.isupper()  # must begin a word
        c = c.lower()
        while i >= 0 and (words[i].lower() != c
                          or (initial and i > 0 and (words[i - 1].isalnum() or words[i - 1] in _IN_WORD))):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = words.rfind(" ", 0, i + 1) + 1
    return words[start:]


def abbreviates(short: str, phrase: str) -> bool:
    """Whether `short` is an abbreviation of the whole of `phrase`, by the rules a definition in a text
    is read by (`long_form`, `_acceptable`): "CLDT" of "community learning disability team"."""
    return is_abbreviation(short) and long_form(short, phrase) == phrase and _acceptable(short, phrase)


def _plain(word: str) -> str:
    return re.sub(r"(?:['\u2019]s|s)$", "", word.lower())


def definitions(text: str) -> list[Definition]:
    """The abbreviations `text` defines, in order, each with the words it stands for: in brackets
    after the words (doubled brackets, "((ICB))", read as one) or offered after them as another
    name, "(or ICB)", ", or ICB," (`_named`); or before them, in the other order below. The long
    form has at most min(n + 5, 2n) words for an abbreviation of n letters and digits (Schwartz and
    Hearst's limit, here on the words searched), stops at a boundary (`_BOUNDARY`), has more than
    one word ("a named Keyworker (KW)" is not a name written out), does not open with a function
    word and does not contain the abbreviation. An abbreviation written with stops ("I.C.B.") is
    defined without them ("ICB"; `written_forms` gives both). In the other order, "ICB
    (Integrated Commissioning Board)", the words in brackets must be the whole long form, held to
    the same rules, with no word after the one its last letter begins ("TCP (Transforming Care
    Partnership board)" glosses a use and defines nothing)."""
    found = []
    for m in _named(text):
        written = m.group(1).rstrip(".-/")
        short = _undotted(written)
        if len(short) < 2 or not is_abbreviation(short):
            continue
        start = m.start()
        while start and text[start - 1] in "([":  # "((ICB))": the words end before every bracket
            start -= 1
        before = text[max(0, start - 240):start]
        cut = [b.end() for b in _BOUNDARY.finditer(before)]
        before = before[cut[-1]:] if cut else before
        lf = long_form(short, " ".join(before.split()[-_max_words(short):]))
        if _acceptable(short, lf):
            found.append(Definition(short, lf, m.start(1), m.start(1) + len(written)))
    for bracket in _OPENING.finditer(text):
        m = _SHORT_BEFORE.search(text, max(0, bracket.start() - 24), bracket.start())
        inner = _WORDS_INSIDE.match(text, bracket.end()) if m else None
        if inner is None:
            continue
        written = m.group(1).rstrip(".")
        short, inside = _undotted(written), inner.group(1)
        if not is_abbreviation(short) or _BOUNDARY.search(inside):  # "LA (Lead Agency: housing)"
            continue
        inside = " ".join(inside.split())
        if len(inside.split()) <= _max_words(short) and long_form(short, inside) == inside \
                and _acceptable(short, inside):
            found.append(Definition(short, inside, m.start(1), m.start(1) + len(written)))
    return sorted(found, key=lambda d: d.start)


def _named(text: str) -> list[re.Match]:
    """Each abbreviation offered as the name of the words before it: in brackets (`_BRACKETED`) or
    after ", or" (`_OR_NAMED`), in order."""
    found = list(_BRACKETED.finditer(text))
    if _OR_HINT.search(text):
        found = sorted(found + list(_OR_NAMED.finditer(text)), key=lambda m: m.start())
    return found


def _max_words(short: str) -> int:
    """Schwartz and Hearst's limit on a long form's words: min(n + 5, 2n) for n letters and digits."""
    n = sum(c.isalnum() for c in short)
    return min(n + 5, 2 * n)


def _undotted(short: str) -> str:
    return short.replace(".", "") if _DOTTED.fullmatch(short.rstrip(".") + ".") else short


def _acceptable(short: str, lf: str | None) -> bool:
    """A long form of more than one word that does not open with a function word, does not contain
    the abbreviation, ends on a word its letters need ("Transforming Care Partnership board" for
    "TCP" says more about a use than the letters stand for), and, for letters that spell a roman
    numeral, is one they abbreviate (`_numeral_only`)."""
    words = lf.split() if lf else []
    if len(words) < 2 or words[0].lower() in STOP_WORDS or _plain(short) in {_plain(w) for w in words}:
        return False
    return long_form(short, " ".join(words[:-1])) is None and not _numeral_only(short, lf)


def written_forms(short: str) -> tuple[str, ...]:
    """The forms an abbreviation of three to six capitals is written in: "ICB", "I.C.B." and
    "I.C.B" (with a plural "s" each: `components._uses`); another ("DoLS", "AB") only as itself:
    two letters with stops are a person's initials ("Mr A.B. Jones") as often as not."""
    if short.isalpha() and short.isupper() and 3 <= len(short) <= 6:
        dotted = ".".join(short)
        return short, dotted + ".", dotted
    return (short,)


def written_in(short: str, text: str) -> bool:
    """Whether `text` may use the abbreviation in one of its `written_forms` (a look at the
    string before the doc is read)."""
    return any(form in text for form in written_forms(short))


def may_define(text: str) -> bool:
    """Whether `text` has a bracket or ", or", without which it defines nothing."""
    return "(" in text or "[" in text or _OR_HINT.search(text) is not None


def return_definitions(texts: Iterable[str]) -> dict[str, str]:
    """{abbreviation: long form} over the texts of one return. An abbreviation defined with two
    different long forms (other than in case, or a plural last word: "Integrated Commissioning
    Boards") is left out: which one a use means is not known."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for text in texts:
        for d in definitions(text or ""):
            if d.short in out and _same_words(out[d.short]) != _same_words(d.long):
                clash.add(d.short)
            out.setdefault(d.short, d.long)
    return {k: v for k, v in out.items() if k not in clash}


def _same_words(long: str) -> tuple[str, ...]:
    words = long.lower().split()
    return tuple(words[:-1]) + (_plain(words[-1]),)
