"""Local abbreviations a text defines ("an Integrated Commissioning Board (ICB)") and uses later.

Areas name their own boards, teams and services and then write them as abbreviations the lexicon
cannot know ("the ICB", "the IST", "JCU"). A definition is found by the algorithm of Schwartz and
Hearst (2003, "A simple algorithm for identifying abbreviation definitions in biomedical text"):
an abbreviation in brackets after the words it stands for, each of its letters found, right to
left, in those words, its first letter starting a word. The theme matcher then reads each later
use of the abbreviation as the terms its long form holds (`ThemeMatcher`): "presented to the ICB"
is a mention of the `board` of "Integrated Commissioning Board".

A return's answers share their definitions: `return_definitions` gathers them from every answer,
and `pipeline.with_questions` gives each answer's doc the map of its return (`DEFINITIONS_KEY`), so
an abbreviation defined in 1.1 is read in 6.8.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Definition", "DEFINITIONS_KEY", "OWN_DEFINITIONS_KEY", "definitions", "is_abbreviation", "long_form", "return_definitions"]

DEFINITIONS_KEY = "wvtext_definitions"  # doc.user_data: {abbreviation: long form} of the doc's return
OWN_DEFINITIONS_KEY = "wvtext_own_definitions"  # doc.user_data: `definitions` of the doc's own text

# "(ICB)", "( ICB )", "(CCGs)", "(DoLS)", "(A&T)": two to ten characters in brackets, starting with
# a letter; a plural "s" is not part of the abbreviation.
_BRACKETED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9&./-]{1,9}?)(?:s|'s)?\s*\)")
# Where the words a definition may span end, going back: a sentence or clause boundary, another
# bracket.
_BOUNDARY = re.compile(r"[.;:!?()\[\]]\s|[()\[\]]|,\s")


@dataclass(frozen=True, slots=True)
class Definition:
    short: str  # "ICB"
    long: str  # "Integrated Commissioning Board"
    start: int  # offsets of the abbreviation inside its brackets
    end: int


def is_abbreviation(short: str) -> bool:
    """Two capitals at least ("ICB", "DoLS", "PfA"), so that a word in brackets ("(see)",
    "(Leics)") is not read as one."""
    return sum(c.isupper() for c in short) >= 2 and any(c.isalpha() for c in short)


def long_form(short: str, words: str) -> str | None:
    """The shortest end of `words` that `short` abbreviates (Schwartz and Hearst's `findBestLongForm`):
    each letter or digit of `short`, from the last, is found going back through `words`; the
    first must begin a word. None when they are not all found."""
    s, i = len(short) - 1, len(words) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (words[i].lower() != c or (s == 0 and i > 0 and words[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = words.rfind(" ", 0, i + 1) + 1
    return words[start:]


def definitions(text: str) -> list[Definition]:
    """The abbreviations `text` defines, in order, each with the words it stands for. The long
    form has at most min(|short| + 5, 2 |short|) words (Schwartz and Hearst's limit), stops at a
    sentence or clause boundary, has more than one word and does not contain the abbreviation."""
    found = []
    for m in _BRACKETED.finditer(text):
        short = m.group(1).rstrip(".-/")
        if len(short) < 2 or not is_abbreviation(short):
            continue
        before = text[max(0, m.start() - 240):m.start()]
        cut = [b.end() for b in _BOUNDARY.finditer(before)]
        before = before[cut[-1]:] if cut else before
        words = before.split()
        words = words[-min(len(short) + 5, 2 * len(short)):]
        lf = long_form(short, " ".join(words))
        if not lf or len(lf.split()) < 2:
            continue
        if short.lower() in (w.lower().strip("'\u2019s") for w in lf.split()):
            continue
        found.append(Definition(short, lf, m.start(1), m.start(1) + len(short)))
    return found


def return_definitions(texts: Iterable[str]) -> dict[str, str]:
    """{abbreviation: long form} over the texts of one return, the first definition of each
    abbreviation kept."""
    out: dict[str, str] = {}
    for text in texts:
        for d in definitions(text or ""):
            out.setdefault(d.short, d.long)
    return out
