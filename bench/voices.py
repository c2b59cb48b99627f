"""Narrative class and themes on labelled narratives by other writers, voice by voice.

    .venv/bin/python bench/voices.py [--json OUT] [--folder DIR ...]

Two kinds of folder, never mixed:
- corpus/training (voices A-F, M-O since session 6, U-W since session 8, AL-AM since session 22, AU since session 32, AW-AX since session 40;
  SYNTHETIC): the learned models are trained on them, and the stance rules' later changes were
  developed against them, so their figures are in-sample for both;
- corpus/heldout (voices G-I, SYNTHETIC): written in session 3 by writers who saw neither the code
  nor the other sets; never trained on, but looked at several times since, and used in session 5
  (with the training sets) to choose which lexicon additions to keep (corpus/heldout/README.md);
- corpus/heldout2 (voices J-L, SYNTHETIC): written in session 5 in the register of real returns,
  after the first round of that session's rule changes, and looked at only as recorded in
  corpus/heldout2/README.md;
- corpus/heldout3 (voices R-S and items T, session 6), corpus/heldout4 (voice Y and items Z,
  session 8, written after that session's changes), corpus/heldout5 (voice AA and items AB,
  session 10, the same way), corpus/heldout6 (voice AC and items AD, session 14, the same way) and
  corpus/heldout7 (voice AE and items AF, session 17, the same way), corpus/heldout8 (voice AG
  and items AH, session 19, the same way), corpus/heldout9 (voice AO and items AP, session 22,
  the same way) and corpus/heldout10 (voice AS and items AT, session 29, the same way):
  likewise; each folder's README lists its looks.
  These are the figures that say how the rules and models do on writing they have not seen.

Narrative class: the stance rules alone (the default) and with the learned model (`--learned
all`); cross-references are not followed (each narrative stands alone). Themes: micro F1 of the
lexicon alone and of the learned decision (the default). Each is scored against the writers' own
labels and, where a file has them, against an independent reader's (the reader_* columns: the
convention of the real development sets).
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
from wvtext.evaluate import (bootstrap_accuracy, bootstrap_f1, multilabel_scores, negation_marks,  # noqa: E402
                             unit_counts)
from wvtext.stance import StanceReader  # noqa: E402
from wvtext.themes.lexicon import THEMES  # noqa: E402
from wvtext.pipeline import item_text, question_text  # noqa: E402
from wvtext.text import normalize_text  # noqa: E402
from wvtext.themes.pipeline import extract_themes, make_nlp  # noqa: E402

FOLDERS = (ROOT / "corpus" / "training", ROOT / "corpus" / "heldout", ROOT / "corpus" / "heldout2",
           ROOT / "corpus" / "heldout3", ROOT / "corpus" / "heldout4", ROOT / "corpus" / "heldout5",
           ROOT / "corpus" / "heldout6", ROOT / "corpus" / "heldout7", ROOT / "corpus" / "heldout8",
           ROOT / "corpus" / "heldout9", ROOT / "corpus" / "heldout10")


def _rows(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("SYNTHETIC_voices_*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def _label_sets(rows: list[dict]) -> dict[str, tuple[str, str]]:
    """Whose labels to score against: the writers' own and, where every row has them, the
    independent reader's (corpus/training/README.md)."""
    sets = {"writers": ("text_class", "themes")}
    if all((r.get("reader_text_class") or "").strip() for r in rows):
        sets["readers"] = ("reader_text_class", "reader_themes")
    return sets


def _negation_labels(rows: list[dict], who: str) -> tuple[list[set], list[set]] | None:
    """The themes and negated themes of each row by `who`'s labels; None where a row has no negation labels."""
    pre = "reader_" if who == "readers" else ""
    if not all(pre + "negated_themes" in r for r in rows):
        return None
    split = lambda v: {t for t in (v or "").split(";") if t}  # noqa: E731
    return [split(r[pre + "themes"]) for r in rows], [split(r[pre + "negated_themes"]) for r in rows]


def measure(folder: Path) -> dict:
    rows = _rows(folder)
    if not rows:
        return {}
    codebook = load_codebook()
    texts = [r["narrative"] for r in rows]
    out: dict = {"n": len(rows), "voices": sorted({r["voice"] for r in rows})}
    label_sets = _label_sets(rows)
    n_voice = Counter(r["voice"] for r in rows)
    for mode, learned in (("rules alone (default)", False), ("learned (--learned all)", True)):
        nlp = make_nlp(learned=False)
        reader = StanceReader(nlp, learned=learned)
        pred = [reader.read(doc, codebook.get(r["qid"])).text_class
                for r, doc in zip(rows, nlp.pipe(texts, batch_size=256))]
        for who, (col, _) in label_sets.items():
            ok, confusion = Counter(), Counter()
            for r, cls in zip(rows, pred):
                if cls == r[col]:
                    ok[r["voice"]] += 1
                else:
                    confusion[f"{r[col]}->{cls}"] += 1
            out[f"narrative class, {mode}, vs {who}"] = {
                "accuracy": round(sum(ok.values()) / len(rows), 3),
                "ci95": bootstrap_accuracy([cls == r[col] for r, cls in zip(rows, pred)]),
                "per_voice": {v: round(ok[v] / n_voice[v], 3) for v in sorted(n_voice)},
                "confusion": dict(confusion.most_common(8))}
    for who, (col, themes_col) in label_sets.items():
        if who == "readers":
            agree = sum(r["text_class"] == r[col] for r in rows) / len(rows)
            out["writers and readers agree (narrative class)"] = round(agree, 3)
    golds = {who: {i: {t for t in r[tc].split(";") if t} for i, r in enumerate(rows)}
             for who, (_, tc) in label_sets.items()}
    for mode, learned in (("lexicon alone", False), ("learned (default)", True)):
        res = list(extract_themes(texts, nlp=make_nlp(learned=learned),
                                  questions=[question_text(codebook, r["qid"]) for r in rows]))
        pred = {i: {t for t, s in sc.items() if s.carried} for i, sc in enumerate(res)}
        for who, gold in golds.items():
            m = multilabel_scores(gold, pred, list(THEMES))["micro"]
            out[f"themes, {mode}, vs {who}"] = {**{k: round(m[k], 3) for k in ("f1", "precision", "recall")},
                                                "ci95": bootstrap_f1(unit_counts(gold, pred))}
            labels = _negation_labels(rows, who)
            if labels is not None:
                out[f"negation marks, {mode}, vs {who}"] = negation_marks(res, *labels)
    for who, gold in golds.items():
        out[f"themes per text ({who})"] = round(sum(map(len, gold.values())) / len(gold), 2)
    if "readers" in golds:
        m = multilabel_scores(golds["readers"], golds["writers"], list(THEMES))["micro"]
        out["writers and readers agree (themes micro F1)"] = round(m["f1"], 3)
    return out


def measure_items(folder: Path) -> dict:
    """Themes of the good-practice items files of a folder (SYNTHETIC_items*.csv): micro F1 of the
    lexicon alone and of the learned decision, against the writers' and the readers' labels."""
    rows = []
    for path in sorted(folder.glob("SYNTHETIC_items*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    if not rows:
        return {}
    texts = [item_text({"title": normalize_text(r["title"]), "description": normalize_text(r["description"])})
             for r in rows]
    cols = {"writers": "themes"}
    if all("reader_themes" in r for r in rows):
        cols["readers"] = "reader_themes"
    out: dict = {"n": len(rows)}
    for mode, learned in (("lexicon alone", False), ("learned (default)", True)):
        res = list(extract_themes(texts, nlp=make_nlp(learned=learned)))
        pred = {i: {t for t, sc in s.items() if sc.carried} for i, s in enumerate(res)}
        for who, col in cols.items():
            gold = {i: {t for t in r[col].split(";") if t} for i, r in enumerate(rows)}
            m = multilabel_scores(gold, pred, list(THEMES))["micro"]
            out[f"themes, {mode}, vs {who}"] = {**{k: round(m[k], 3) for k in ("f1", "precision", "recall")},
                                                "ci95": bootstrap_f1(unit_counts(gold, pred))}
            labels = _negation_labels(rows, who)
            if labels is not None:
                out[f"negation marks, {mode}, vs {who}"] = negation_marks(res, *labels)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--folder", type=Path, action="append", help="folder(s) of SYNTHETIC_voices_*.csv (default: both)")
    args = ap.parse_args()
    out = {}
    for folder in args.folder or FOLDERS:
        res = measure(folder)
        items = measure_items(folder)
        if items:
            out.setdefault("items", {})[folder.name] = items
            print(f"{folder.name} items (n={items['n']}):")
            for k, v in items.items():
                if k.startswith("negation marks"):
                    print(f"  {k}: P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} "
                          f"(tp {v['tp']} fp {v['fp']} fn {v['fn']})")
                elif k != "n":
                    print(f"  {k}: micro F1 {v['f1']:.3f} [95% CI {v['ci95'][0]:.3f}-{v['ci95'][1]:.3f}] "
                          f"(P {v['precision']:.3f} R {v['recall']:.3f})")
        if not res:
            continue
        name = folder.name
        out[name] = res
        print(f"{name} (voices {', '.join(res['voices'])}; n={res['n']}):")
        for k, v in res.items():
            if k.startswith("narrative class"):
                print(f"  {k}: accuracy {v['accuracy']:.3f} [95% CI {v['ci95'][0]:.3f}-{v['ci95'][1]:.3f}]  "
                      f"per voice {v['per_voice']}")
            elif k.startswith("themes,"):
                print(f"  {k}: micro F1 {v['f1']:.3f} [95% CI {v['ci95'][0]:.3f}-{v['ci95'][1]:.3f}] "
                      f"(P {v['precision']:.3f} R {v['recall']:.3f})")
            elif k.startswith("negation marks"):
                print(f"  {k}: P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} "
                      f"(tp {v['tp']} fp {v['fp']} fn {v['fn']})")
            elif k.startswith(("themes per text", "writers and readers")):
                print(f"  {k}: {v}")
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
