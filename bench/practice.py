"""Support requests and good practice: precision/recall/F1 on the labelled Leicestershire return
and on the synthetic labels.

    .venv/bin/python bench/practice.py [--json OUT]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from divergence import CORPUS, analysed  # noqa: E402
from wvtext.export import write_json  # noqa: E402
from wvtext.evaluate import prf, read_labels  # noqa: E402


def measure(store, rids, gold: dict, key) -> dict:
    req = {key(r) for r in store.support_requests(rids)}
    gp = {key(r) for r in store.good_practice(rids) if r["is_candidate"]}
    out = {}
    for name, pred, col in (("support_request", req, "support_request"), ("good_practice", gp, "good_practice")):
        tp = sum(1 for k, g in gold.items() if g[col] == "1" and k in pred)
        fp = sum(1 for k, g in gold.items() if g[col] != "1" and k in pred)
        fn = sum(1 for k, g in gold.items() if g[col] == "1" and k not in pred)
        out[name] = prf(tp, fp, fn)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out = {}
    store, rids = analysed([CORPUS / "returns" / "leicestershire_2013_stocktake.txt"])
    out["real_leicestershire"] = measure(store, rids, read_labels(CORPUS / "labelled" / "leicestershire_answers.csv", "qid"),
                                         lambda r: r["qid"])
    labels = CORPUS / "synthetic" / "SYNTHETIC_labels_x1.csv"
    if labels.exists():
        files = [p for p in sorted((CORPUS / "synthetic").glob("SYNTHETIC_*"))
                 if p.suffix in (".csv", ".xlsx", ".txt") and not p.name.startswith(("SYNTHETIC_labels", "SYNTHETIC_returns"))]
        store, rids = analysed(files)
        out["synthetic_x1"] = measure(store, rids, read_labels(labels, ("return_id", "qid")), lambda r: (r["return_id"], r["qid"]))
    for name, r in out.items():
        for k, v in r.items():
            print(f"{name:<22}{k:<17} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (tp {v['tp']} fp {v['fp']} fn {v['fn']})")
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
