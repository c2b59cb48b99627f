"""Make `english_words.txt.gz`: the English words the typo reader (`wvtext/themes/typos.py`) must
never read as a typing error of a lexicon word ("finding" is not a typo of "funding").

The words are WordNet 3.0's, as spaCy's lookups package ships them: every lemma of the four parts of
speech (`en_lemma_index`), every inflected form of the lemma look-up table and of its exceptions
(`en_lemma_lookup`, `en_lemma_exc`), lower-cased, letters only, six letters or more (the typo
reader reads no shorter word). WordNet's licence is in `english_words.LICENSE`.

Run it once where the package is installed (it is not a dependency of wvtext):

    python -m venv lookups-env && lookups-env/bin/pip install spacy-lookups-data==1.0.5
    lookups-env/bin/python models/themes/make_english_words.py

The output is the same for the same package version (sorted, and gzip written without a time).
"""
from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent / "english_words.txt.gz"
MIN_LETTERS = 6


def _table(name: str):
    data = resources.files("spacy_lookups_data") / "data" / name
    with gzip.open(data.open("rb")) as fh:
        return json.load(fh)


def main() -> None:
    words: set[str] = set()
    lookup = _table("en_lemma_lookup.json.gz")
    words |= set(lookup) | set(lookup.values())
    for forms in _table("en_lemma_index.json.gz").values():
        words |= set(forms)
    for table in _table("en_lemma_exc.json.gz").values():
        for form, lemmas in table.items():
            words.add(form)
            words |= set(lemmas)
    kept = sorted({w.lower() for w in words if w.isascii() and w.isalpha() and len(w) >= MIN_LETTERS})
    body = ("\n".join(kept) + "\n").encode("utf-8")
    with OUT.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
        fh.write(body)
    print(f"{OUT}: {len(kept):,} words")


if __name__ == "__main__":
    main()
