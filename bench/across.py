"""Learning across returns (`wvtext analyse --across-returns`) against the rules alone.

    .venv/bin/python bench/across.py [--json OUT]

Only a corpus of many returns can show it, and the only such corpus with labels is SYNTHETIC
(corpus/synthetic: 152 generated returns with planted divergences). Two scenarios:

- as generated: codes agree with their narratives except the planted divergences (8%);
- HABITUAL OVERSTATING, the case that argues against using it by default: in a share of the
  returns (30% and 60%), every answer whose narrative describes work in progress is re-coded
  "Yes" (an overstated divergence an adviser should see). The out-of-fold model learns from the
  other returns' codes that such narratives mean yes; the figure to watch is the recall of these
  re-coded answers.

The real Leicestershire return is one return, so the model is never fitted on it (it needs 20).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from divergence import CORPUS, score_against, synthetic_files  # noqa: E402
from wvtext.export import write_json  # noqa: E402
from wvtext.evaluate import read_labels  # noqa: E402
from wvtext.pipeline import ingest_files, run_text_stages  # noqa: E402
from wvtext.store import open_store  # noqa: E402


def run(across: bool, share: float) -> dict:
    store = open_store(Path(tempfile.mkdtemp()) / "bench.db")
    s = ingest_files(synthetic_files(), store)
    gold = read_labels(CORPUS / "synthetic" / "SYNTHETIC_labels_x1.csv", ("return_id", "qid"))
    recoded = set()
    if share:
        rids = sorted(set(s.return_ids))
        chosen = set(rids[:: max(1, round(1 / share))][: round(len(rids) * share)])
        for (rid, qid), g in gold.items():
            if rid in chosen and g["text_class"] == "in_progress" and g["divergent"] != "1" and g["code_class"] != "yes":
                recoded.add((rid, qid))
                gold[(rid, qid)] = {**g, "code_class": "yes", "divergent": "1", "divergence_type": "overstated"}
        with store.transaction() as conn:
            conn.executemany("UPDATE answers SET code_class = 'yes' WHERE return_id = ? AND qid = ?", sorted(recoded))
    counts = run_text_stages(store, s.return_ids, [], across=across)
    pred = {(a["return_id"], a["qid"]): a for a in store.answer_analysis(s.return_ids)}
    r = score_against(pred, gold)
    out = {"text_class_accuracy": r["text_class_accuracy"], "flag": r["flag"],
           "recall_per_type": {k: v["recall"] for k, v in r["per_type"].items() if v["planted"]},
           "across": counts["across"]}
    if recoded:
        out["recoded"] = len(recoded)
        out["recoded_recall"] = round(sum(1 for k in recoded if pred[k]["divergent"]) / len(recoded), 3)
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out = {}
    for share in (0.0, 0.3, 0.6):
        for across in (False, True):
            name = f"{'as generated' if not share else f'habitual overstating in {share:.0%} of returns'} / " \
                   f"{'across returns' if across else 'rules alone'}"
            r = out[name] = run(across, share)
            f = r["flag"]
            print(f"SYNTHETIC {name}: class accuracy {r['text_class_accuracy']:.3f}; flag P {f['precision']:.3f} "
                  f"R {f['recall']:.3f} F1 {f['f1']:.3f}; overstated recall {r['recall_per_type'].get('overstated')}"
                  + (f"; re-coded answers {r['recoded']}, flagged {r['recoded_recall']:.3f}" if "recoded" in r else "")
                  + (f"; out-of-fold agreement with codes {r['across']['oof_agreement_with_codes']}, "
                     f"{r['across']['reclassed']} re-classed" if r["across"] else ""))
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
