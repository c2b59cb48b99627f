"""Where the theme lexicon has no term: words that mark a theme in labelled training text.

    .venv/bin/python bench/lexicon_gaps.py [--training DIR] [--min-texts 4] [--min-precision 0.6] [--min-groups 3]

For every theme and every word or adjacent word pair (normalised as the matcher normalises them),
counts the training texts labelled with the theme in which the lexicon found no mention of it but
the words occur ("helps"), and the texts neither labelled nor mentioned in which they occur
("harms"). Lists the candidates that help in at least --min-texts texts, from at least
--min-groups writers (cross-validation groups), with helps / (helps + harms) >= --min-precision,
leaving out words written capitalised in more than half the texts they occur in (names of
invented places and schemes).

A list for a curator to judge, not terms to add blindly: the training labels are the readers'
(corpus/training/README.md), and a word that passes may still be generic.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.lang.en.stop_words import STOP_WORDS  # noqa: E402

from wvtext.themes.lexicon import THEMES  # noqa: E402
from wvtext.themes.pipeline import make_nlp  # noqa: E402
from wvtext.train import read_training  # noqa: E402


def grams(doc) -> dict[str, list[str]]:
    """Each word (not a stop word, 3+ letters) and adjacent pair (ending in a content word), with
    how it was written each time."""
    toks = [(t.norm_, t.text) for t in doc if t.is_alpha]
    out: dict[str, list[str]] = {}
    for i, (n, raw) in enumerate(toks):
        if n not in STOP_WORDS and len(n) > 2:
            out.setdefault(n, []).append(raw)
        if i + 1 < len(toks) and toks[i + 1][0] not in STOP_WORDS:
            out.setdefault(f"{n} {toks[i + 1][0]}", []).append(f"{raw} {toks[i + 1][1]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--training", type=Path, default=ROOT / "corpus" / "training")
    ap.add_argument("--min-texts", type=int, default=4)
    ap.add_argument("--min-precision", type=float, default=0.6)
    ap.add_argument("--min-groups", type=int, default=3)
    args = ap.parse_args()
    ts = read_training(args.training)
    nlp = make_nlp(learned=False)
    helps, harms, groups = Counter(), Counter(), defaultdict(set)
    df, capitalised = Counter(), Counter()
    seen = []
    for ex, doc in zip(ts.examples, nlp.pipe([e.text for e in ts.examples], batch_size=256)):
        mentioned = set(doc._.wv_themes or {})
        g = grams(doc)
        seen.append((ex, mentioned, set(g)))
        for gram, raws in g.items():
            df[gram] += 1
            capitalised[gram] += all(r[:1].isupper() for r in raws)
            for theme in ex.themes - mentioned:
                helps[(theme, gram)] += 1
                groups[(theme, gram)].add(ex.group)
    for ex, mentioned, g in seen:
        for theme in THEMES:
            if theme in mentioned or theme in ex.themes:
                continue
            for gram in g:
                if (theme, gram) in helps:
                    harms[(theme, gram)] += 1
    rows = []
    for (theme, gram), h in helps.items():
        precision = h / (h + harms[(theme, gram)])
        if h >= args.min_texts and len(groups[(theme, gram)]) >= args.min_groups \
                and precision >= args.min_precision and capitalised[gram] <= df[gram] / 2:
            rows.append((THEMES.index(theme), -h, theme, gram, h, harms[(theme, gram)], precision, len(groups[(theme, gram)])))
    print(f"{len(ts.examples)} training texts; {len(rows)} candidates "
          f"(>= {args.min_texts} texts, >= {args.min_groups} writers, precision >= {args.min_precision})")
    print(f"{'theme':28} {'words':28} helps harms precision writers")
    for *_k, theme, gram, h, harm, p, n in sorted(rows):
        print(f"{theme:28} {gram:28} {h:5} {harm:5} {p:9.2f} {n:7}")


if __name__ == "__main__":
    main()
