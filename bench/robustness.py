"""Theme extraction under other ways of writing the same real text.

.venv/bin/python bench/robustness.py [--json OUT]

The real development sets (the 61 Leicestershire answers and the 80 seed good-practice items,
with the annotator's labels) are rewritten, one way at a time, as other returns are written or
exported, and the themes found are scored against the same labels. The texts are real; each
rewriting is SYNTHETIC (deterministic, seeded), so a drop measures how much that way of writing
costs, not accuracy on another area's return:

- capitals: the whole text in capitals (returns typed with caps lock, headings);
- pdf_lines: wrapped at 60 characters as a text dump of a printed return, words longer than
  the line's end broken with a hyphen ("Resi-" / "dence"), then read as wvtext reads a cell;
- html: exported from a web form: paragraphs in <p>, "&" as "&amp;", one space in ten as
  "&nbsp;", then read as wvtext reads a cell;
- typos: one word in 12 of six letters or more with two neighbouring letters swapped (seeded);
- hyphen_abbreviations: an abbreviation and the word after it joined by a hyphen ("CHC funded"
  -> "CHC-funded", "NHS England" -> "NHS-England"), as many writers do;
- pasted_punctuation (session 31): each sentence a bullet typed without its space ("-Housing"),
  one "and" in three a slash against the word before ("family/ carers"), one plural in eight as
  "(s)" ("provider(s)"), as notes pasted into a return's cells are written;
- abbreviation_forms (session 35): each abbreviation the text defines ("Integrated Commissioning
  Board (ICB)") written another way in turn: the abbreviation first, "ICB (Integrated
  Commissioning Board)"; in square brackets, "[ICB]"; or with stops, "(I.C.B.)" and "the I.C.B."
  at its other uses in the same text; since session 36 also in quotes, "(‘ICB’)", or named
  so, "(known as the ICB)".

Prints micro F1 (learned, and the lexicon alone) per rewriting beside the clean text's.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import commit  # noqa: E402
from themes import real_texts as real_sets_texts  # noqa: E402
from wvtext.evaluate import multilabel_scores, split_set  # noqa: E402
from wvtext.export import write_json  # noqa: E402
from wvtext.pipeline import item_text  # noqa: E402
from wvtext.text import normalize_text  # noqa: E402
from wvtext.themes.lexicon import THEMES  # noqa: E402
from wvtext.themes.acronyms import return_definitions  # noqa: E402
from wvtext.themes.pipeline import extract_themes, make_nlp, themes_string  # noqa: E402

SEED = 20131010


def capitals(text: str, rng: random.Random) -> str:
    return text.upper()


def pdf_lines(text: str, rng: random.Random, width: int = 60) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        room = width - len(line) - (1 if line else 0)
        if len(word) <= room:
            line = f"{line} {word}" if line else word
            continue
        if room >= 4 and len(word) >= 7 and word[:room - 1].isalpha() and word[room - 1:].isalpha():
            lines.append(f"{line} {word[:room - 1]}-" if line else f"{word[:room - 1]}-")
            line = word[room - 1:]
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return normalize_text("\n".join(lines))


def html(text: str, rng: random.Random) -> str:
    parts = re.split(r"(?<=[.!?]) ", text)
    body = "".join(f"<p>{p.replace('&', '&amp;')}</p>\n" for p in parts)
    body = re.sub(r" ", lambda m: "&nbsp;" if rng.random() < 0.1 else " ", body)
    return normalize_text(body)


def typos(text: str, rng: random.Random) -> str:
    def swap(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() >= 1 / 12:
            return w
        i = rng.randrange(1, len(w) - 2)
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return re.sub(r"[A-Za-z]{6,}", swap, text)


def hyphen_abbreviations(text: str, rng: random.Random) -> str:
    from spacy.lang.en.stop_words import STOP_WORDS

    def join(m: re.Match) -> str:  # not before "and", "are", "to" ...: "CCG-are" is no writer's
        return m.group(0) if m.group(2).lower() in STOP_WORDS else f"{m.group(1)}-{m.group(2)}"
    return re.sub(r"\b([A-Z]{2,5}s?) ([A-Za-z]+)", join, text)


def pasted_punctuation(text: str, rng: random.Random) -> str:
    """Each sentence a bullet typed without its space ("-Housing ..."), one "and" in three between
    two words a slash against the first ("family/ carers"), one plural in eight written with a
    bracketed "(s)" ("provider(s)")."""
    text = "\n".join("-" + p for p in re.split(r"(?<=[.!?]) ", text))
    text = re.sub(r"(?<=[a-z]) and (?=[a-z])", lambda m: "/ " if rng.random() < 1 / 3 else m.group(0), text)
    text = re.sub(r"\b([a-z]{3,}[^s\W])s\b", lambda m: f"{m.group(1)}(s)" if rng.random() < 1 / 8 else m.group(0), text)
    return normalize_text(text)


_DEFINED = re.compile(r"\b((?:[A-Z][A-Za-z'\u2019]*(?: (?:and|of|for|&) | ))+)\((([A-Z]{2,6})s?)\)")


def abbreviation_forms(text: str, rng: random.Random) -> str:
    """Each abbreviation defined in brackets after capitalised words that begin with its letters
    ("Integrated Commissioning Board (ICB)") written another way, chosen in turn (seeded): the
    abbreviation first ("ICB (Integrated Commissioning Board)"), in square brackets ("[ICB]"), or
    with stops ("(I.C.B.)", and each later use of it in the text "I.C.B."), in quotes ("(‘ICB’)"),
    or named so ("(known as the ICB)")."""
    forms = ["first", "square", "stops", "quoted", "named"]
    rng.shuffle(forms)
    dotted: list[str] = []

    def rewrite(m: re.Match) -> str:
        words, written, short = m.group(1).rstrip(), m.group(2), m.group(3)
        ws = words.split()
        if not "".join(w[0] for w in ws if w[0].isupper()).endswith(short):
            return m.group(0)
        form = forms[len(dotted) % len(forms)]
        dotted.append(short if form == "stops" else "")
        lead = ws[:len(ws) - len(short) - sum(w in ("and", "of", "for", "&") for w in ws)]
        long_words = " ".join(ws[len(lead):])
        head = " ".join(lead) + (" " if lead else "")
        if form == "first":
            return f"{head}{written} ({long_words})"
        if form == "square":
            return f"{words} [{written}]"
        if form == "quoted":
            return f"{words} (\u2018{written}\u2019)"
        if form == "named":
            return f"{words} (known as the {written})"
        return f"{words} ({'.'.join(short)}.{written[len(short):]})"

    text = _DEFINED.sub(rewrite, text)
    for short in filter(None, dotted):  # its other uses ("the ICB", "CCGs"), not its definition
        text = re.sub(rf"(?<![(.])\b{short}(?=s?\b)(?![.(])", ".".join(short) + ".", text)
    return text


REWRITINGS = {"capitals": capitals, "pdf_lines": pdf_lines, "html": html, "typos": typos,
              "hyphen_abbreviations": hyphen_abbreviations, "pasted_punctuation": pasted_punctuation,
              "abbreviation_forms": abbreviation_forms}


def real_texts() -> tuple[list[str], list[str | None], list[set[str]], int]:
    """The answers' and items' texts in one list, the question each answers (None for an item),
    their labels, and how many of them are answers (the first ones)."""
    answers, questions, gold_a, items, gold_i = real_sets_texts()
    texts = [a.narrative for a in answers] + [item_text(i) for i in items]
    gold = [gold_a[a.qid] for a in answers] + [gold_i[i["item_id"]] for i in items]
    return texts, questions + [None] * len(items), gold, len(answers)


def score(nlp, texts: list[str], questions: list[str | None], gold: list[set[str]], n_answers: int) -> dict:
    # the answers (the first n_answers texts) share their return's abbreviations, as `wvtext analyse` reads them
    defined = return_definitions(texts[:n_answers])
    shared = [defined] * n_answers + [None] * (len(texts) - n_answers)
    pred = [split_set(themes_string(s)) for s in extract_themes(texts, nlp=nlp, questions=questions, abbreviations=shared)]
    m = multilabel_scores(dict(enumerate(gold)), dict(enumerate(pred)), list(THEMES))["micro"]
    return {k: round(m[k], 4) for k in ("f1", "precision", "recall")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    texts, questions, gold, n_answers = real_texts()
    pipelines = {"learned": make_nlp(), "lexicon alone": make_nlp(learned=False)}
    results = {"clean": {name: score(nlp, texts, questions, gold, n_answers) for name, nlp in pipelines.items()}}
    for name, rewrite in REWRITINGS.items():
        rng = random.Random(f"{SEED}:{name}")
        changed = [rewrite(t, rng) for t in texts]
        results[name] = {n: score(nlp, changed, questions, gold, n_answers) for n, nlp in pipelines.items()}
        results[name]["texts changed"] = sum(a != b for a, b in zip(texts, changed))
    print(f"real development sets ({len(texts)} texts, the annotator's labels), each rewritten one way (SYNTHETIC rewritings):")
    print(f"{'writing':22s} {'learned F1':>10s} {'lexicon F1':>10s}  texts changed")
    for name, r in results.items():
        print(f"{name:22s} {r['learned']['f1']:10.3f} {r['lexicon alone']['f1']:10.3f}  {r.get('texts changed', '-')}")
    if args.json:
        write_json(args.json, {"real development sets, rewritten (SYNTHETIC rewritings)": results, "seed": SEED,
                               "commit": commit(),
                               "learned model": {"lexicon version": pipelines["learned"].meta["wvtext_lexicon_version"]}})


if __name__ == "__main__":
    main()
