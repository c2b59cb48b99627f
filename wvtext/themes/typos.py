"""Typing errors in the words of the lexicon's terms, read as those words.

Returns are typed in a hurry: "arrangments", "specilaist", "respit", "trainnig". `spelling.csv`
lists the misspellings seen; this reads the others. A word is read as a lexicon word when

- it has six letters or more (shorter words are too often another word or a name: "Poole");
- it is not an English word (`english_words.txt.gz`, WordNet's words and their forms), a function
  word, a word of a locality's name (`corpus/localities.csv`) or a word of `spelling.csv`;
- exactly one word of a lexicon term (one read on its normalised words, six letters or more)
  is one edit away from it (a letter left out, added, changed, or two neighbours swapped:
  optimal string alignment distance 1) and begins with the same letter;
- that edit is not a change of the last letter: "secondee" is not "seconded", "underspent" not
  "underspend" (another ending makes another word more often than a slip does);
- it is typed in lower case: the lexicon holds names (`coughlan`, `caldicott`, `emerson`), and a
  contact's or a town's name one letter from one ("Coghlan", "Caldicot", "Emmerson") is a name,
  not a typo. Since session 38 a word typed with a capital ("Residnce", "RESIDNCE") is read too,
  but only as a word that the lexicon has inside terms of several words and never as a term of
  its own ("residence" of "ordinary residence"): it then counts only beside the term's other
  words ("Ordinary Residnce", "Continuing Heathcare"), which a name standing alone is not. Since
  session 41 also as a word of ten letters or more (`LONG_LETTERS`), term or not: a sentence opens
  with a capital ("Personalisaton is at an early stage"), and no name is that close to so long a
  word.

It works on NORM, which spaCy computes once per word type (`pipeline.blank_nlp`), so it costs
nothing per token: the matcher, the cue readers and the learned models all see the word read. The
evidence keeps the text as typed. A lexicon without an `english_words.txt.gz` beside it (a custom
`--lexicon` folder) is matched without this.
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA
from spacy.lang.en.stop_words import STOP_WORDS

from .lexicon import Lexicon, inflected_variants, normalize_word

__all__ = ["TypoReader", "typo_reader", "reader_files", "WORDS_FILE", "MIN_LETTERS"]

WORDS_FILE = "english_words.txt.gz"
MIN_LETTERS = 6
# A word typed with a capital is read as a lexicon word of this many letters or more even where that
# word is a term on its own ("Personalisaton", "Safegaurding", "Accomodation" opening a sentence): a
# name one edit from a word this long is rare, where "Coghlan" and "Emmerson" are one from
# "coughlan" and "emerson" (session 41).
LONG_LETTERS = 10


class TypoReader:
    def __init__(self, lexicon_words: set[str], known: set[str], phrase_words: set[str] = frozenset()):
        self.lexicon_words = frozenset(lexicon_words)
        self.known = frozenset(known)
        # the lexicon words found only inside terms of several words: a word typed with a capital
        # is read only as one of these (it then needs the term's other words beside it)
        self.phrase_words = frozenset(phrase_words) & self.lexicon_words
        # each lexicon word under itself and under each one-letter deletion of it: a word one edit
        # away shares one of these keys with it (a swap or a change: a deletion each; a letter left
        # out or added: the shorter itself)
        index: dict[str, set[str]] = {}
        for w in self.lexicon_words:
            for key in {w} | {w[:i] + w[i + 1:] for i in range(len(w))}:
                index.setdefault(key, set()).add(w)
        self._index = index

    def __call__(self, raw: str, norm: str) -> str:
        """The lexicon word `norm` (the normalised form of the typed `raw`) is a typing error of,
        or `norm` itself."""
        if len(norm) < MIN_LETTERS or not norm.isalpha() or not norm.isascii() \
                or norm in self.lexicon_words or norm in self.known or raw.lower() in self.known:
            return norm
        capital = not raw[:1].islower()
        found = set()
        index = self._index
        for key in {norm} | {norm[:i] + norm[i + 1:] for i in range(len(norm))}:
            for w in index.get(key, ()):
                if w[0] == norm[0] and OSA.distance(norm, w) <= 1:
                    found.add(w)
        if len(found) != 1:
            return norm
        w = found.pop()
        if len(w) == len(norm) and w[:-1] == norm[:-1]:
            return norm  # only the last letter differs: another ending, not a slip
        if capital and w not in self.phrase_words and len(w) < LONG_LETTERS:
            return norm  # a capital and a short word that is a term on its own: may be a name
        return w


def _lexicon_words(lexicon: Lexicon) -> tuple[set[str], set[str]]:
    """The words of the lexicon's terms the reader reads typos of, and those of them found only
    inside terms of several words (not a term of one word, nor a verb form it matches in)."""
    alone, inside, forms = set(), set(), set()
    for term in lexicon.terms:
        if term.case:
            continue
        words = [normalize_word(w, lexicon.spelling) for w in re.split(r"[\s\-/]+", term.term) if w]
        for n in words:
            if len(n) >= MIN_LETTERS and n.isalpha():
                (alone if len(words) == 1 else inside).add(n)
        if len(words) == 1 and not term.exact:  # its verb forms match alone too ("skilled": "skilling")
            forms.update(normalize_word(v, lexicon.spelling) for v in inflected_variants(term.term))
    return alone | inside, inside - alone - forms


@lru_cache(maxsize=4)
def _english(path: str) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


@lru_cache(maxsize=4)
def _locality_words(path: str) -> frozenset[str]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    text = " ".join(f"{r.get('name', '')} {r.get('aliases', '')}" for r in rows)
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", text))


def reader_files(lexicon_path: Path | str) -> list[Path]:
    """The files the reader of the lexicon at `lexicon_path` reads: the English word list beside
    it and the localities (`corpus/localities.csv`, where present); none where there is no word
    list (no reader). Part of the lexicon's version (`lexicon._load`)."""
    from ..paths import corpus_dir

    words = Path(lexicon_path).with_name(WORDS_FILE)
    if not words.exists():
        return []
    localities = corpus_dir() / "localities.csv"
    return [words] + ([localities] if localities.exists() else [])


def typo_reader(lexicon: Lexicon) -> TypoReader | None:
    """The reader for `lexicon`, or None where no English word list lies beside its file."""
    files = reader_files(lexicon.path)
    if not files:
        return None
    spelled = set(lexicon.spelling) | set(lexicon.spelling.values())
    known = set(_english(str(files[0]))) | set(STOP_WORDS) | spelled
    for localities in files[1:]:
        known |= _locality_words(str(localities))
    words, phrase_words = _lexicon_words(lexicon)
    return TypoReader(words, known, phrase_words)
