"""Measuring wvtext against labelled sets (the real ones in corpus/labelled, the synthetic
labels in corpus/synthetic). Used by `bench/run.py`; nothing here tunes anything."""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["prf", "multilabel_scores", "read_labels"]


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn,
            "support": tp + fn}


def multilabel_scores(gold: dict, pred: dict, labels: list[str]) -> dict:
    """Per-label and micro/macro P/R/F1 for multi-label sets keyed alike (missing pred = empty)."""
    per, TP, FP, FN = {}, 0, 0, 0
    for lab in labels:
        tp = sum(1 for k, g in gold.items() if lab in g and lab in pred.get(k, set()))
        fp = sum(1 for k, g in gold.items() if lab not in g and lab in pred.get(k, set()))
        fn = sum(1 for k, g in gold.items() if lab in g and lab not in pred.get(k, set()))
        per[lab] = prf(tp, fp, fn)
        TP, FP, FN = TP + tp, FP + fp, FN + fn
    with_support = [v for v in per.values() if v["support"]]
    macro = {m: round(sum(v[m] for v in with_support) / len(with_support), 3) if with_support else 0.0
             for m in ("precision", "recall", "f1")}
    return {"per_label": per, "micro": prf(TP, FP, FN), "macro": macro, "n": len(gold)}


def read_labels(path: Path, key: str | tuple[str, ...]) -> dict:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = (key,) if isinstance(key, str) else key
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


def split_set(value: str) -> set[str]:
    return {v.strip() for v in (value or "").split(";") if v.strip()}
