"""Narrative class and themes on labelled narratives by other writers, voice by voice.

    .venv/bin/python bench/voices.py [--json OUT] [--folder DIR ...]

Two kinds of folder, never mixed:
- corpus/training (voices A-F, SYNTHETIC): the learned models are trained on them, and the stance
  rules' later changes were developed against them, so their figures are in-sample for both;
- corpus/heldout (voices G-I, SYNTHETIC): written after those changes by writers who saw neither
  the code nor the other sets; nothing was fitted or tuned to them. These are the figures that
  say how the rules and models do on writing they have not seen.

Narrative class: the stance rules alone (the default) and with the learned model (`--learned
all`); cross-references are not followed (each narrative stands alone). Themes: micro F1 of the
lexicon alone and of the learned decision (the default).
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wvtext.export import write_json  # noqa: E402
from wvtext.codebook import load_codebook  # noqa: E402
from wvtext.evaluate import multilabel_scores  # noqa: E402
from wvtext.stance import StanceReader  # noqa: E402
from wvtext.themes.lexicon import THEMES  # noqa: E402
from wvtext.themes.pipeline import extract_themes, make_nlp  # noqa: E402

FOLDERS = (ROOT / "corpus" / "training", ROOT / "corpus" / "heldout")


def _rows(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("SYNTHETIC_voices_*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def measure(folder: Path) -> dict:
    rows = _rows(folder)
    if not rows:
        return {}
    codebook = load_codebook()
    texts = [r["narrative"] for r in rows]
    out: dict = {"n": len(rows), "voices": sorted({r["voice"] for r in rows})}
    for mode, learned in (("rules alone (default)", False), ("learned (--learned all)", True)):
        nlp = make_nlp(learned=False)
        reader = StanceReader(nlp, learned=learned)
        ok, per_voice, confusion = 0, Counter(), Counter()
        for r, doc in zip(rows, nlp.pipe(texts, batch_size=256)):
            cls = reader.read(doc, codebook.get(r["qid"])).text_class
            if cls == r["text_class"]:
                ok += 1
                per_voice[r["voice"]] += 1
            else:
                confusion[f"{r['text_class']}->{cls}"] += 1
        n_voice = Counter(r["voice"] for r in rows)
        out[f"narrative class, {mode}"] = {
            "accuracy": round(ok / len(rows), 3),
            "per_voice": {v: round(per_voice[v] / n_voice[v], 3) for v in sorted(n_voice)},
            "confusion": dict(confusion.most_common(8))}
    gold = {i: {t for t in r["themes"].split(";") if t} for i, r in enumerate(rows)}
    for mode, learned in (("lexicon alone", False), ("learned (default)", True)):
        res = extract_themes(texts, nlp=make_nlp(learned=learned))
        pred = {i: {t for t, s in sc.items() if s.carried} for i, sc in enumerate(res)}
        m = multilabel_scores(gold, pred, list(THEMES))["micro"]
        out[f"themes, {mode}"] = {k: round(m[k], 3) for k in ("f1", "precision", "recall")}
    out["themes per text (labels)"] = round(sum(map(len, gold.values())) / len(gold), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--folder", type=Path, action="append", help="folder(s) of SYNTHETIC_voices_*.csv (default: both)")
    args = ap.parse_args()
    out = {}
    for folder in args.folder or FOLDERS:
        res = measure(folder)
        if not res:
            continue
        name = folder.name
        out[name] = res
        print(f"{name} (voices {', '.join(res['voices'])}; n={res['n']}; {res['themes per text (labels)']} themes per text):")
        for k, v in res.items():
            if k.startswith("narrative class"):
                print(f"  {k}: accuracy {v['accuracy']:.3f}  per voice {v['per_voice']}")
            elif k.startswith("themes,"):
                print(f"  {k}: micro F1 {v['f1']:.3f} (P {v['precision']:.3f} R {v['recall']:.3f})")
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
