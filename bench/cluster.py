"""Near-duplicates and collections: quality on the labelled sets, and speed at 400 items.

    .venv/bin/python bench/cluster.py [--json OUT] [--repeat 3]

1. Duplicates: pair precision / recall / F1 of `find_near_duplicates` (defaults) on
   corpus/labelled/items_duplicates.csv (80 seed items + constructed near-duplicates and
   look-alikes), overall and split into "dev" (rows built on seed001/seed002 items, looked at
   while the scorer was designed) and "holdout" (rows built on seed003/seed004 items, scored
   once the defaults were fixed). Also: how many look-alikes were kept apart from the item
   they imitate (and from every group).
2. Collections: ARI and NMI of `cluster_items` (defaults) on the 80 seed items against the
   reference grouping corpus/labelled/items_collections.csv; the number of collections and
   their sizes; how the scores move with `theme_weight` (for information, the default is not
   chosen from this table).
3. Speed at 400 items: the 143 rows of the duplicate set plus 257 SYNTHETIC variants (made
   here, deterministically, by recombining real items' sentences and moving them to another
   locality; ids `synthetic-NNN`, source `SYNTHETIC-variant`). Median wall time of dedup +
   clustering with themes given, and of the whole `cluster_items` including theme extraction
   (spaCy pipeline already loaded). Also checks that two runs give identical rows.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wvtext.export import write_json  # noqa: E402
from wvtext.cluster import cluster_items  # noqa: E402
from wvtext.dedup import find_near_duplicates, strip_places  # noqa: E402
from wvtext.ingest import read_input  # noqa: E402
from wvtext.localities import load_localities  # noqa: E402
from wvtext.pipeline import item_text  # noqa: E402

LABELLED = ROOT / "corpus" / "labelled"
DUP_SET = LABELLED / "items_duplicates.csv"
COLLECTIONS_REF = LABELLED / "items_collections.csv"
SEED_ITEMS = ROOT / "corpus" / "items" / "seed_items.csv"


def _read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _prf(gold: set, pred: set) -> dict:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold_pairs": len(gold), "predicted_pairs": len(pred), "true_positives": tp,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def duplicates_bench() -> dict:
    rows = {r["item_id"]: r for r in _read_rows(DUP_SET)}
    items = read_input(DUP_SET).items
    res = find_near_duplicates(items)
    root = {i: (r["dup_of"] or i) for i, r in rows.items()}
    ids = sorted(rows)
    gold = {(a, b) for k, a in enumerate(ids) for b in ids[k + 1:] if root[a] == root[b]}
    pred = res.duplicate_pairs()

    def target(i):
        r = rows[i]
        return r["dup_of"] or r["lookalike_of"] or i

    def split_of(pair):
        # A pair belongs to the split of the seed document its constructed member(s) imitate.
        t = {target(x) for x in pair if rows[x]["source"] == "constructed-test"} or {target(pair[0])}
        return "dev" if any(x.startswith(("seed001", "seed002")) for x in t) else "holdout"

    out = {"all": _prf(gold, pred)}
    for split in ("dev", "holdout"):
        g = {p for p in gold if split_of(p) == split}
        pr = {p for p in pred if split_of(p) == split}
        out[split] = _prf(g, pr)
    looks = [i for i, r in rows.items() if r["lookalike_of"]]
    apart_target = sum(1 for i in looks if not res.group_of(i) or res.group_of(i) != res.group_of(rows[i]["lookalike_of"]))
    alone = sum(1 for i in looks if not res.group_of(i))
    out["lookalikes"] = {"total": len(looks), "kept_apart_from_target": apart_target, "in_no_group": alone}
    out["false_negatives"] = sorted(f"{a} ~ {b}" for a, b in gold - pred)
    out["false_positives"] = sorted(f"{a} ~ {b}" for a, b in pred - gold)
    out["groups"] = len(res.groups)
    return out


def collections_bench(nlp) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from wvtext.themes.pipeline import extract_themes

    ref = {r["item_id"]: r["group"] for r in _read_rows(COLLECTIONS_REF)}
    items = read_input(SEED_ITEMS).items
    themes = list(extract_themes([item_text(i) for i in items], nlp=nlp))
    gold = [ref[i["item_id"]] for i in items]

    def run(**kw):
        c = cluster_items(items, themes=themes, **kw)
        pred = [r["collection_id"] for r in c.items]
        sizes = sorted((col["size"] for col in c.collections), reverse=True)
        return c, {"ari": round(adjusted_rand_score(gold, pred), 4), "nmi": round(normalized_mutual_info_score(gold, pred), 4),
                   "collections": len(c.collections), "sizes": sizes, "units": c.model.n_units_,
        "k_range": list(c.model.k_range_), "silhouette": round(c.model.silhouette_, 4),
                   "attached": sum(r["attached"] for r in c.items)}

    c, main = run()
    main["k_range"] = list(c.model.k_range_)
    main["reference_groups"] = len(set(gold))
    main["reference_sizes"] = sorted(Counter(gold).values(), reverse=True)
    main["labels"] = [f"{col['collection_id']} ({col['size']}): {col['collection_label']}" for col in c.collections]
    sens = {}
    for tw in (0.0, 0.4, 0.7, 1.0):
        _, s = run(theme_weight=tw)
        sens[str(tw)] = {k: s[k] for k in ("ari", "nmi", "collections")}
    main["theme_weight_sensitivity"] = sens
    return main


def synthetic_variants(base: list[dict], n: int, *, seed: int = 13) -> list[dict]:
    """`n` SYNTHETIC items: a real item's sentences (one dropped when it has several), one
    sentence of another real item, place names removed, and a new locality. For timing and size checks only; never scored against labels."""
    rng = random.Random(f"wvtext-bench-cluster/{seed}")
    locs = sorted(load_localities().all, key=lambda loc: loc.name)
    out = []
    for k in range(n):
        a, b = rng.sample(base, 2)
        sa = [s for s in re.split(r"(?<=[.;])\s+", a["description"]) if s]
        sb = [s for s in re.split(r"(?<=[.;])\s+", b["description"]) if s]
        keep = sa if len(sa) == 1 else rng.sample(sa, max(1, len(sa) - 1))
        # The real items' place names are removed: the variant belongs to its new locality.
        desc = re.sub(r"\s+", " ", strip_places(" ".join(keep + [rng.choice(sb)]))).strip()
        loc = rng.choice(locs)
        title = re.sub(r"\s+", " ", strip_places(a["title"])).strip()
        out.append({"item_id": f"synthetic-{k + 1:03d}", "title": f"{title} ({loc.name})", "description": desc,
                    "locality": loc.name, "region": loc.region, "source": "SYNTHETIC-variant", "kind": ""})
    return out


def speed_bench(nlp, repeat: int) -> dict:
    from wvtext.themes.pipeline import extract_themes

    base = read_input(DUP_SET).items
    items = base + synthetic_variants(base, 400 - len(base))
    assert len(items) == 400
    texts = [item_text(i) for i in items]
    themes = list(extract_themes(texts, nlp=nlp))
    cluster_items(items, themes=themes)  # warm-up: first-call imports are not timed
    dedup_t, cluster_t, full_t = [], [], []
    outputs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        d = find_near_duplicates(items)
        t1 = time.perf_counter()
        c = cluster_items(items, themes=themes, duplicates=d)
        t2 = time.perf_counter()
        dedup_t.append(t1 - t0)
        cluster_t.append(t2 - t0)
        outputs.append((c.items, [{k: v for k, v in col.items()} for col in c.collections]))
        t3 = time.perf_counter()
        th = list(extract_themes(texts, nlp=nlp))
        cluster_items(items, themes=th)
        full_t.append(time.perf_counter() - t3)
    sizes = sorted((col["size"] for col in c.collections), reverse=True)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    order = {i["item_id"]: k for k, i in enumerate(items)}
    th_sh = [themes[order[i["item_id"]]] for i in shuffled]
    c2 = cluster_items(shuffled, themes=th_sh)
    same_order_independent = {r["item_id"]: r["collection_id"] for r in c.items} == \
        {r["item_id"]: r["collection_id"] for r in c2.items}
    return {
        "items": 400, "synthetic_items": 400 - len(base), "repeat": repeat,
        "dedup_s_median": round(statistics.median(dedup_t), 3),
        "dedup_plus_cluster_s_median": round(statistics.median(cluster_t), 3),
        "with_themes_s_median": round(statistics.median(full_t), 3),
        "collections": len(c.collections), "sizes": sizes, "units": c.model.n_units_,
        "k_range": list(c.model.k_range_), "silhouette": round(c.model.silhouette_, 4),
        "largest_share": round(sizes[0] / 400, 3), "attached": sum(r["attached"] for r in c.items),
        "duplicate_groups": len(c.duplicates.groups),
        "deterministic": all(o == outputs[0] for o in outputs),
        "same_assignment_when_shuffled": same_order_independent,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from wvtext.themes.pipeline import make_nlp

    t = time.perf_counter()
    nlp = make_nlp()
    load_s = time.perf_counter() - t
    dup = duplicates_bench()
    col = collections_bench(nlp)
    speed = speed_bench(nlp, args.repeat)
    speed["nlp_load_s"] = round(load_s, 3)

    print("Near-duplicates (corpus/labelled/items_duplicates.csv, defaults)")
    print(f"  {'split':<9}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for split in ("dev", "holdout", "all"):
        s = dup[split]
        print(f"  {split:<9}{s['gold_pairs']:>6}{s['predicted_pairs']:>6}{s['true_positives']:>5}"
              f"{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}")
    lk = dup["lookalikes"]
    print(f"  look-alikes kept apart from their target: {lk['kept_apart_from_target']}/{lk['total']} "
          f"(in no group at all: {lk['in_no_group']}/{lk['total']})")
    if dup["false_negatives"]:
        print("  missed: " + "; ".join(dup["false_negatives"]))
    if dup["false_positives"]:
        print("  wrong:  " + "; ".join(dup["false_positives"]))
    print("\nCollections of the 80 seed items vs corpus/labelled/items_collections.csv (defaults)")
    print(f"  ARI {col['ari']:.3f}   NMI {col['nmi']:.3f}   collections {col['collections']} "
          f"(searched {col['k_range'][0]}..{col['k_range'][1]}; reference {col['reference_groups']})   "
          f"attached {col['attached']}")
    print(f"  sizes {col['sizes']}   reference sizes {col['reference_sizes']}")
    for line in col["labels"]:
        print("   ", line)
    print(f"  {'theme_weight':<14}{'ARI':>7}{'NMI':>7}{'k':>4}")
    for tw, s in col["theme_weight_sensitivity"].items():
        print(f"  {tw:<14}{s['ari']:>7.3f}{s['nmi']:>7.3f}{s['collections']:>4}")
    print(f"\nSpeed at 400 items ({speed['synthetic_items']} SYNTHETIC variants), median of {speed['repeat']}")
    print(f"  dedup {speed['dedup_s_median']:.2f} s   dedup + clustering {speed['dedup_plus_cluster_s_median']:.2f} s   "
          f"with theme extraction {speed['with_themes_s_median']:.2f} s   (spaCy load {speed['nlp_load_s']:.2f} s)")
    print(f"  collections {speed['collections']} (searched {speed['k_range'][0]}..{speed['k_range'][1]} for "
          f"{speed['units']} units; silhouette {speed['silhouette']:.3f})   sizes {speed['sizes']}")
    print(f"  largest share {speed['largest_share']:.1%}   attached {speed['attached']}   "
          f"duplicate groups {speed['duplicate_groups']}   deterministic {speed['deterministic']}   "
          f"order-independent {speed['same_assignment_when_shuffled']}")
    result = {"duplicates": dup, "collections": col, "speed": speed}
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
