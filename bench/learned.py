"""The learned layers against the rules alone, on every labelled domain we have.

    .venv/bin/python bench/learned.py [--json OUT]

Three domains, never mixed:
- REAL: the Leicestershire return (61 answers) and the 80 seed items (corpus/labelled); they also
  chose the blend and threshold of each model (3 numbers), so they flatter the models a little;
- HELD-OUT GROUPS (corpus/training: SYNTHETIC voices written by other writers to a brief, SYNTHETIC
  items, and for themes real passages of the national summary): each group scored by a model
  trained on the others (figures kept in the model files by `wvtext train`);
- SYNTHETIC phrase bank (corpus/synthetic): generated returns whose phrases share vocabulary with
  the rules, so the rules look better there than anywhere else.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from divergence import CORPUS, analysed, score_against, synthetic_files  # noqa: E402
from themes import real_sets, synthetic_set  # noqa: E402
from wvtext.export import write_json  # noqa: E402
from wvtext.evaluate import read_labels  # noqa: E402
from wvtext.learned import learned_dir  # noqa: E402
from wvtext.themes.pipeline import make_nlp  # noqa: E402


def _meta(name: str) -> dict:
    path = learned_dir() / name
    return json.loads(path.read_text())["meta"] if path.exists() else {}


def themes() -> dict:
    meta = _meta("themes_model.json")
    out = {}
    for mode, learned in (("lexicon alone", False), ("learned (default)", True)):
        nlp = make_nlp(learned=learned)
        real = real_sets(nlp)
        syn = synthetic_set(nlp)
        voices = (meta.get("lexicon_alone", {}).get("heldout_voices_micro_f1") if not learned
                  else meta.get("heldout_voices_micro_f1"))
        out[mode] = {"real_leicestershire": real["leicestershire_answers"]["micro"]["f1"],
                     "real_items": real["seed_items"]["micro"]["f1"],
                     "real_combined": real["real_combined"]["micro"]["f1"],
                     "real_combined_macro": real["real_combined"]["macro"]["f1"],
                     "heldout_voices": voices, "synthetic": syn["micro"]["f1"] if syn else None}
    out["settings"] = {k: meta.get(k) for k in ("C", "blend", "threshold", "examples", "vocabulary")}
    return out


def narrative_class() -> dict:
    meta = _meta("stance_model.json")
    gold_real = read_labels(CORPUS / "labelled" / "leicestershire_answers.csv", "qid")
    gold_syn = read_labels(CORPUS / "synthetic" / "SYNTHETIC_labels_x1.csv", ("return_id", "qid"))
    files = synthetic_files()
    out = {}
    for mode, learned in (("rules alone (default)", "themes"), ("learned (--learned all)", "all")):
        store, rids = analysed([CORPUS / "returns" / "leicestershire_2013_stocktake.txt"], learned)
        real = score_against({a["qid"]: a for a in store.answer_analysis(rids)}, gold_real)
        store, rids = analysed(files, learned)
        syn = score_against({(a["return_id"], a["qid"]): a for a in store.answer_analysis(rids)}, gold_syn)
        voices = (meta.get("rules_alone", {}).get("heldout_voices_accuracy") if learned == "themes"
                  else meta.get("heldout_voices_accuracy"))
        out[mode] = {"real_accuracy": real["text_class_accuracy"], "real_flag": real["flag"],
                     "heldout_voices_accuracy": voices, "synthetic_accuracy": syn["text_class_accuracy"],
                     "synthetic_flag": syn["flag"]}
    out["settings"] = {k: meta.get(k) for k in ("C", "blend", "words", "examples", "vocabulary")}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    res = {"themes": themes(), "narrative_class": narrative_class()}
    f = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    print("themes micro F1             real Leics  real items  real both  held-out groups  synthetic")
    for mode in ("lexicon alone", "learned (default)"):
        r = res["themes"][mode]
        print(f"  {mode:<26}{f(r['real_leicestershire']):>11}{f(r['real_items']):>12}{f(r['real_combined']):>11}"
              f"{f(r['heldout_voices']):>17}{f(r['synthetic']):>11}")
    print("narrative class             real acc  real flag P/R   held-out voices acc  synthetic acc  synthetic flag P/R")
    for mode in ("rules alone (default)", "learned (--learned all)"):
        r = res["narrative_class"][mode]
        print(f"  {mode:<26}{f(r['real_accuracy']):>9}  {f(r['real_flag']['precision'])}/{f(r['real_flag']['recall'])}"
              f"{f(r['heldout_voices_accuracy']):>21}{f(r['synthetic_accuracy']):>15}"
              f"   {f(r['synthetic_flag']['precision'])}/{f(r['synthetic_flag']['recall'])}")
    if args.json:
        write_json(args.json, res)


if __name__ == "__main__":
    main()
