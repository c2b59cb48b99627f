"""The shipped corpus and the labelled sets agree with their sources."""
import csv
import re


from wvtext.ingest import read_input
from conftest import ROOT

CORPUS = ROOT / "corpus"


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_corpus_items_are_verbatim_excerpts_of_their_sources():
    items = read_input(CORPUS / "items" / "seed_items.csv").items
    assert len(items) >= 50
    sources = {}
    for item in items:
        path = CORPUS / "sources" / item["source"]
        if item["source"].startswith("002"):
            path = CORPUS / "returns" / "leicestershire_2013_stocktake.txt"
        text = sources.setdefault(path, _ws(path.read_text(encoding="utf-8")))
        assert _ws(item["description_raw"]) in text, item["item_id"]


def test_corpus_items_have_localities_and_regions():
    items = read_input(CORPUS / "items" / "seed_items.csv").items
    regions = {i["region"] for i in items if i["locality"]}
    assert regions <= {"West Midlands", "East Midlands", "South West"}
    assert all(i["title"] and i["description"] for i in items)


def test_corpus_labelled_leicestershire_matches_the_return(seed_return, codebook):
    with open(CORPUS / "labelled" / "leicestershire_answers.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["qid"] for r in rows] == codebook.qids
    by = {a.qid: a for a in seed_return.answers}
    for r in rows:
        assert r["code"] == by[r["qid"]].code_raw, r["qid"]
        if r["code_class"] not in ("", "invalid"):
            assert r["code_class"] == by[r["qid"]].code_class, r["qid"]


def test_corpus_other_annotations_cover_the_same_rows_with_valid_labels(codebook):
    """The second annotation and the independent reader label every row of the development sets,
    with known theme ids and answer classes (they measure human agreement)."""
    from wvtext.learned import STANCE_CLASSES
    from wvtext.themes.lexicon import THEMES

    with open(CORPUS / "items" / "seed_items.csv", encoding="utf-8") as fh:
        item_ids = [r["item_id"] for r in csv.DictReader(fh)]
    for name, key, ids in (("leicestershire_reader3.csv", "qid", codebook.qids),
                           ("leicestershire_themes_annotator2.csv", "qid", codebook.qids),
                           ("seed_items_themes_reader3.csv", "item_id", item_ids),
                           ("seed_items_themes_annotator2.csv", "item_id", item_ids)):
        with open(CORPUS / "labelled" / name, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [r[key] for r in rows] == ids, name
        for r in rows:
            assert {t for t in r["themes"].split(";") if t} <= set(THEMES), (name, r[key])
            if "text_class" in r:
                assert r["text_class"] in STANCE_CLASSES, (name, r[key])


def test_corpus_seed_passages_are_verbatim_outside_the_items_and_labelled_twice():
    """The second real theme set: verbatim passages of the seed documents that are not seed items
    (so no passage is also in the headline sets), each labelled by two readers with valid theme ids
    in themes.md order, negated themes within themes."""
    from rapidfuzz import fuzz

    from wvtext.themes.lexicon import THEMES

    with open(CORPUS / "labelled" / "seed_passages_themes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(CORPUS / "labelled" / "seed_passages_themes_reader2.csv", encoding="utf-8") as fh:
        second = list(csv.DictReader(fh))
    assert len(rows) >= 80 and [r["id"] for r in second] == [r["id"] for r in rows]
    assert len({r["id"] for r in rows}) == len(rows)
    descriptions = [i["description"] for i in read_input(CORPUS / "items" / "seed_items.csv").items]
    sources = {}
    for r in rows:
        text = sources.setdefault(r["source"], _ws((CORPUS / "sources" / r["source"]).read_text(encoding="utf-8")))
        assert _ws(r["text"]) in text and len(r["text"].split()) >= 25, r["id"]
        assert max(fuzz.partial_ratio(r["text"][:300], d) for d in descriptions) < 75, r["id"]
    for row in rows + second:
        themes = [t for t in row["themes"].split(";") if t]
        assert themes == sorted(themes, key=THEMES.index), row["id"]
        assert {t for t in row["negated_themes"].split(";") if t} <= set(themes), row["id"]
