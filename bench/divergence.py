"""Narrative class and divergence: accuracy on the real labelled return and on the synthetic labels.

    .venv/bin/python bench/divergence.py [--json OUT] [--errors]

Real: the 61 Leicestershire answers (corpus/labelled/leicestershire_answers.csv; a second
annotator's narrative classes in leicestershire_text_class_annotator2.csv, and an independent
reader's, blind to the codes and to both, in leicestershire_reader3.csv, give the human agreement). Synthetic: corpus/synthetic/SYNTHETIC_labels_x1.csv with its planted divergences.
Probes: corpus/probes/SYNTHETIC_probe_*_return.csv (or .xlsx), whole returns in other voices with planted
divergences, written blind in sessions 17 and 18 and then used to find readings to fix (development
sets, not held out: corpus/probes/README.md).
The real return's class accuracy and flag F1 come with 95% percentile bootstrap intervals over its
61 answers, and over its 11 sections resampled whole (`wvtext/evaluate.py`; seeded).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wvtext.export import write_json  # noqa: E402
from wvtext.divergence import DIVERGENCE_TYPES  # noqa: E402
from wvtext.evaluate import bootstrap_accuracy, bootstrap_f1, prf, read_labels  # noqa: E402
from wvtext.pipeline import ingest_files, run_out_of_step, run_text_stages  # noqa: E402
from wvtext.store import open_store  # noqa: E402

CORPUS = ROOT / "corpus"


def analysed(paths: list[Path], learned: str = "themes"):
    tmp = tempfile.mkdtemp()
    store = open_store(Path(tmp) / "bench.db")
    s = ingest_files(paths, store)
    run_text_stages(store, s.return_ids, [], learned=learned)
    run_out_of_step(store)
    return store, s.return_ids


def synthetic_files() -> list[Path]:
    """The shipped SYNTHETIC returns (not their label files)."""
    return [p for p in sorted((CORPUS / "synthetic").glob("SYNTHETIC_*"))
            if p.suffix in (".csv", ".xlsx", ".txt") and not p.name.startswith(("SYNTHETIC_labels", "SYNTHETIC_returns"))]


def score_against(pred: dict, gold: dict, *, class_key="text_class") -> dict:
    keys = [k for k in gold if k in pred]
    acc = sum(pred[k]["text_class"] == gold[k][class_key] for k in keys) / len(keys)
    tp = sum(1 for k in keys if pred[k]["divergent"] and gold[k]["divergent"] == "1")
    fp = sum(1 for k in keys if pred[k]["divergent"] and gold[k]["divergent"] != "1")
    fn = sum(1 for k in keys if not pred[k]["divergent"] and gold[k]["divergent"] == "1")
    per_type = {}
    for t in DIVERGENCE_TYPES:
        g = [k for k in keys if gold[k]["divergence_type"] == t]
        per_type[t] = {"planted": len(g), "flagged": sum(1 for k in g if pred[k]["divergent"]),
                       "same_type": sum(1 for k in g if pred[k]["divergence_type"] == t),
                       "recall": round(sum(1 for k in g if pred[k]["divergent"]) / len(g), 3) if g else None}
    confusion = Counter((gold[k][class_key], pred[k]["text_class"]) for k in keys if gold[k][class_key] != pred[k]["text_class"])
    return {"n": len(keys), "text_class_accuracy": round(acc, 3), "flag": prf(tp, fp, fn), "per_type": per_type,
            "confusion": {f"{a}->{b}": n for (a, b), n in confusion.most_common()}}


def print_errors(pred: dict, gold: dict, prefix: str = "") -> None:
    """Each answer whose narrative class or flag differs from its label."""
    for q, g in gold.items():
        p = pred[q]
        if p["text_class"] != g["text_class"] or bool(p["divergent"]) != (g["divergent"] == "1"):
            print(f"{prefix}{q}: gold {g['text_class']}/{g['divergence_type'] or '-'}  "
                  f"pred {p['text_class']}/{p['divergence_type'] or '-'} ({p['divergence_score']})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--learned", default="themes", choices=("themes", "all", "none"),
                    help="learned layers in use, as `wvtext analyse --learned` (default themes: the narrative class by rules)")
    args = ap.parse_args()
    out = {}
    store, rids = analysed([CORPUS / "returns" / "leicestershire_2013_stocktake.txt"], args.learned)
    pred = {a["qid"]: a for a in store.answer_analysis(rids)}
    gold = read_labels(CORPUS / "labelled" / "leicestershire_answers.csv", "qid")
    out["real_leicestershire"] = score_against(pred, gold)
    # How sure: 95% percentile bootstrap intervals over the 61 answers (seeded), and resampling the
    # return's 11 sections whole (answers of a section resemble each other).
    right = [pred[q]["text_class"] == g["text_class"] for q, g in gold.items()]
    flags = [(int(bool(pred[q]["divergent"]) and g["divergent"] == "1"),
              int(bool(pred[q]["divergent"]) and g["divergent"] != "1"),
              int(not pred[q]["divergent"] and g["divergent"] == "1")) for q, g in gold.items()]
    sections = [q.split(".")[0] for q in gold]
    out["real_leicestershire"]["ci95"] = {"text_class_accuracy": bootstrap_accuracy(right), "flag_f1": bootstrap_f1(flags)}
    out["real_leicestershire"]["ci95_sections"] = {
        "text_class_accuracy": bootstrap_accuracy(right, clusters=sections),
        "flag_f1": bootstrap_f1(flags, clusters=sections), "sections": len(set(sections))}
    a2 = CORPUS / "labelled" / "leicestershire_text_class_annotator2.csv"
    if a2.exists():
        second = read_labels(a2, "qid")
        out["real_leicestershire"]["text_class_accuracy_vs_annotator2"] = round(
            sum(pred[q]["text_class"] == second[q]["text_class"] for q in second) / len(second), 3)
        out["real_leicestershire"]["annotator_agreement"] = round(
            sum(gold[q]["text_class"] == second[q]["text_class"] for q in second) / len(second), 3)
    r3 = CORPUS / "labelled" / "leicestershire_reader3.csv"
    if r3.exists():  # an independent reader, blind to the codes and to the other annotations
        third = read_labels(r3, "qid")
        out["real_leicestershire"]["text_class_accuracy_vs_reader3"] = round(
            sum(pred[q]["text_class"] == third[q]["text_class"] for q in third) / len(third), 3)
        out["real_leicestershire"]["reader3_agreement_with_annotator1"] = round(
            sum(gold[q]["text_class"] == third[q]["text_class"] for q in third) / len(third), 3)
        if a2.exists():  # the class at least two of the three annotations give, where there is one
            votes = {q: Counter((gold[q]["text_class"], second[q]["text_class"], third[q]["text_class"])).most_common(1)[0]
                     for q in third if q in second}
            majority = {q: c for q, (c, n) in votes.items() if n >= 2}
            out["real_leicestershire"]["text_class_accuracy_vs_majority"] = {
                "n": len(majority), "accuracy": round(sum(pred[q]["text_class"] == c for q, c in majority.items()) / len(majority), 3)}
    if args.errors:
        print_errors(pred, gold)
    labels = CORPUS / "synthetic" / "SYNTHETIC_labels_x1.csv"
    if labels.exists():
        store, rids = analysed(synthetic_files(), args.learned)
        pred = {(a["return_id"], a["qid"]): a for a in store.answer_analysis(rids)}
        gold = read_labels(labels, ("return_id", "qid"))
        out["synthetic_x1"] = score_against(pred, gold)
        planted = read_labels(CORPUS / "synthetic" / "SYNTHETIC_returns_x1.csv", "return_id")
        scores = store.return_scores()
        ranked = sorted(scores, key=lambda k: -scores[k]["out_of_step_score"])
        want = {k for k, v in planted.items() if v["out_of_step"] == "1"}
        flagged = {k for k, v in scores.items() if v["out_of_step"]}
        out["synthetic_x1"]["out_of_step"] = {
            "planted": len(want), "flagged": len(flagged), **prf(len(want & flagged), len(flagged - want), len(want - flagged)),
            "planted_in_top_k": sum(1 for k in ranked[: len(want)] if k in want)}
    for ret in sorted((CORPUS / "probes").glob("SYNTHETIC_probe_*_return.*")):
        gold_path = ret.with_name(ret.name.replace("_return" + ret.suffix, "_gold.csv"))
        if not gold_path.exists():
            continue
        store, rids = analysed([ret], args.learned)
        pred = {a["qid"]: a for a in store.answer_analysis(rids)}
        gold = read_labels(gold_path, "qid")
        key = ret.name.removeprefix("SYNTHETIC_").removesuffix("_return" + ret.suffix)
        out[key] = score_against(pred, gold)
        if all(g.get("reader_text_class") for g in gold.values()):  # an independent reader's classes
            out[key]["text_class_accuracy_vs_reader"] = round(
                sum(pred[q]["text_class"] == g["reader_text_class"] for q, g in gold.items()) / len(gold), 3)
            out[key]["reader_agreement_with_writer"] = round(
                sum(g["text_class"] == g["reader_text_class"] for g in gold.values()) / len(gold), 3)
        if args.errors:
            print_errors(pred, gold, f"{key} ")
    for name, r in out.items():
        f = r["flag"]
        ci, cs = r.get("ci95", {}), r.get("ci95_sections", {})
        print(f"{name}: n={r['n']} text_class accuracy {r['text_class_accuracy']:.3f}"
              + (" [95% CI {:.3f}-{:.3f}]".format(*ci["text_class_accuracy"]) if ci else "")
              + (" [resampling the {} sections whole: {:.3f}-{:.3f}]".format(cs["sections"], *cs["text_class_accuracy"]) if cs else "")
              + (f" (vs annotator 2: {r['text_class_accuracy_vs_annotator2']:.3f}; annotators agree {r['annotator_agreement']:.3f})"
                 if "annotator_agreement" in r else "")
              + (f" (vs independent reader 3: {r['text_class_accuracy_vs_reader3']:.3f}; reader 3 agrees with annotator 1 "
                 f"{r['reader3_agreement_with_annotator1']:.3f})" if "reader3_agreement_with_annotator1" in r else "")
              + (f" (vs the reader: {r['text_class_accuracy_vs_reader']:.3f}; reader and writer agree "
                 f"{r['reader_agreement_with_writer']:.3f})" if "text_class_accuracy_vs_reader" in r else "")
              + (f" (vs the majority of the three, n={r['text_class_accuracy_vs_majority']['n']}: "
                 f"{r['text_class_accuracy_vs_majority']['accuracy']:.3f})" if "text_class_accuracy_vs_majority" in r else "")
              + f"; flag P {f['precision']:.3f} R {f['recall']:.3f} F1 {f['f1']:.3f}"
              + (" [95% CI {:.3f}-{:.3f}]".format(*ci["flag_f1"]) if ci else "")
              + (" [sections whole: {:.3f}-{:.3f}]".format(*cs["flag_f1"]) if cs else "")
              + f" (tp {f['tp']} fp {f['fp']} fn {f['fn']})")
        for t, v in r["per_type"].items():
            if v["planted"]:
                print(f"    {t:<18} planted {v['planted']:>4}  flagged {v['flagged']:>4}  same type {v['same_type']:>4}  recall {v['recall']:.3f}")
        if "out_of_step" in r:
            o = r["out_of_step"]
            print(f"    out of step: planted {o['planted']}, flagged {o['flagged']}, P {o['precision']:.3f} R {o['recall']:.3f}, "
                  f"planted in top {o['planted']}: {o['planted_in_top_k']}")
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
