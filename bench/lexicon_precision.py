"""Where the theme lexicon over-reaches: terms that carry a theme on their own, against labels.

    .venv/bin/python bench/lexicon_precision.py [--folder DIR] [--lexicon CSV ...]
                                                [--min-false 6] [--max-precision 0.2] [--min-groups 4]

For every text of the labelled folder (default corpus/training; readers' labels where a file has
them) and every theme the lexicon alone carries there by a single distinct term, counts whether
the labels agree. Lists the terms whose lone carries were rejected at least --min-false times,
from at least --min-groups writers (cross-validation groups), at a precision below
--max-precision: candidates to become supporting evidence only (the session-8 rule of
models/themes/README.md). Then prints each theme's F1 (lexicon alone) for every --lexicon given,
so a change can be checked theme by theme before it is kept.

The training sets are for choosing; the real development sets are not read here.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wvtext.evaluate import multilabel_scores  # noqa: E402
from wvtext.themes.lexicon import THEMES  # noqa: E402
from wvtext.themes.pipeline import extract_themes, make_nlp  # noqa: E402
from wvtext.train import read_training  # noqa: E402


def lone_terms(examples, results) -> dict[tuple[str, str], list]:
    """(theme, term) -> [agreed, rejected, groups] over the carries made by that term alone."""
    stat: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, set()])
    for ex, scores in zip(examples, results):
        for theme, s in scores.items():
            terms = {m.term for m in s.mentions}
            if s.carried and len(terms) == 1:
                st = stat[(theme, terms.pop())]
                st[0 if theme in ex.themes else 1] += 1
                st[2].add(ex.group)
    return stat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, default=ROOT / "corpus" / "training")
    ap.add_argument("--lexicon", type=Path, action="append",
                    help="lexicon csv to score (repeatable; the first is used for the term list); default: the shipped one")
    ap.add_argument("--min-false", type=int, default=6)
    ap.add_argument("--max-precision", type=float, default=0.2)
    ap.add_argument("--min-groups", type=int, default=4)
    args = ap.parse_args()
    ts = read_training(args.folder)
    texts = [e.text for e in ts.examples]
    gold = {i: set(e.themes) for i, e in enumerate(ts.examples)}
    per_theme = {}
    for n, lex in enumerate(args.lexicon or [None]):
        results = list(extract_themes(texts, nlp=make_nlp(lex, learned=False)))
        if n == 0:
            stat = lone_terms(ts.examples, results)
            rows = [(t, term, a, r, len(g)) for (t, term), (a, r, g) in stat.items()
                    if r >= args.min_false and len(g) >= args.min_groups and a / (a + r) < args.max_precision]
            print(f"{len(texts)} labelled texts in {args.folder}; {len(rows)} terms carry a theme alone and are rejected "
                  f">= {args.min_false} times, from >= {args.min_groups} writers, precision < {args.max_precision}")
            print(f"{'theme':28} {'term':28} agreed rejected precision writers")
            for t, term, a, r, g in sorted(rows, key=lambda x: (THEMES.index(x[0]), -x[3])):
                print(f"{t:28} {term:28} {a:6} {r:8} {a / (a + r):9.2f} {g:7}")
        pred = {i: {t for t, s in sc.items() if s.carried} for i, sc in enumerate(results)}
        per_theme[str(lex or "shipped")] = multilabel_scores(gold, pred, list(THEMES))
    names = list(per_theme)
    print("\nF1, lexicon alone: " + " | ".join(names))
    for t in THEMES + ("micro",):
        vals = [per_theme[k]["micro"]["f1"] if t == "micro" else per_theme[k]["per_label"][t]["f1"] for k in names]
        print(f"{t:28} " + " ".join(f"{v:6.3f}" for v in vals))


if __name__ == "__main__":
    main()
