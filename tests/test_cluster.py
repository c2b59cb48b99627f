"""Near-duplicate merging (wvtext.dedup), collections (wvtext.cluster) and `wvtext cluster`."""
import csv
import random
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from wvtext.cluster import (COLLECTIONS_COLUMNS, ITEMS_COLUMNS, PracticeClusterer, cluster_items, render_html,
                            write_outputs)
from wvtext.dedup import _Figure, _same_figure, find_near_duplicates
from wvtext.ingest import read_input

DUP_SET = ROOT / "corpus" / "labelled" / "items_duplicates.csv"
SEEDS = ["seed001-03", "seed001-16", "seed001-20", "seed001-25", "seed002-06", "seed002-12", "seed003-14",
         "seed003-15"]


def _rows():
    with open(DUP_SET, newline="", encoding="utf-8") as fh:
        return {r["item_id"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def dup_items():
    return read_input(DUP_SET).items


@pytest.fixture(scope="module")
def subset(dup_items):
    """A few seed items with their constructed duplicates and look-alikes (and two hard seed negatives)."""
    rows = _rows()
    keep = {i for i, r in rows.items() if i in SEEDS or r["dup_of"] in SEEDS or r["lookalike_of"] in SEEDS}
    return [i for i in dup_items if i["item_id"] in keep]


@pytest.fixture(scope="module")
def subset_themes(subset):
    from wvtext.pipeline import item_text
    from wvtext.themes.pipeline import extract_themes

    return list(extract_themes([item_text(i) for i in subset]))


def _gold_pairs(items):
    rows = _rows()
    root = {i["item_id"]: rows[i["item_id"]]["dup_of"] or i["item_id"] for i in items}
    ids = sorted(root)
    return {(a, b) for k, a in enumerate(ids) for b in ids[k + 1:] if root[a] == root[b]}


# -- dedup ---------------------------------------------------------------------------

def test_dedup_finds_constructed_duplicates_and_keeps_lookalikes_apart(subset):
    res = find_near_duplicates(subset)
    assert res.duplicate_pairs() == _gold_pairs(subset)
    looks = [i["item_id"] for i in subset if i["item_id"].startswith("look-")]
    assert looks and all(res.group_of(i) == "" for i in looks)


def test_dedup_group_keeps_every_member_with_provenance(subset):
    res = find_near_duplicates(subset)
    g = next(g for g in res.groups if "seed001-03" in g.item_ids)
    assert g.item_ids == ("dup-seed001-03-a", "dup-seed001-03-b", "seed001-03")
    assert g.canonical == "seed001-03" and g.group_id == "dg-seed001-03"
    assert {m["source"] for m in g.members} == {"constructed-test", "001_e7624d2bb76c3c12.txt"}
    assert all(0.0 <= p.score <= 1.0 and 0.0 <= p.similarity <= 1.0 for p in res.pairs)


def test_dedup_does_not_depend_on_input_order(subset):
    shuffled = subset[:]
    random.Random(3).shuffle(shuffled)
    a, b = find_near_duplicates(subset), find_near_duplicates(shuffled)
    assert [g.item_ids for g in a.groups] == [g.item_ids for g in b.groups]
    assert a.pairs == b.pairs


@pytest.mark.parametrize("loc_a,loc_b,expected", [
    ("Worcestershire", "Worcestershire", True),
    ("Worcestershire", "", True),
    ("Worcestershire", "Herefordshire", False),
])
def test_dedup_a_short_text_in_different_areas_is_not_one_example(loc_a, loc_b, expected):
    """One sentence two areas both wrote ('an accredited list ... is held') says each has one."""
    text = "An accredited list of providers checked in the last 6 months is held by the Emergency Duty Team."
    items = [{"item_id": "a", "title": "Accredited list", "description": text, "locality": loc_a},
             {"item_id": "b", "title": "Provider list", "description": text, "locality": loc_b}]
    assert bool(find_near_duplicates(items).groups) is expected


def test_dedup_a_whole_description_two_areas_sent_word_for_word_is_one_example():
    """A scheme two areas run together, or one text passed on, sent by both: one example, with both
    areas kept as its members' provenance; the same text reworded by the second area is two."""
    text = ("The two councils and their CCGs fund a shared intensive support team of eight staff who work "
            "with providers when a placement is at risk of breaking down, write a behaviour support plan "
            "with the staff, and stay involved until the placement is settled. Admissions fell by half.")
    reworded = ("A behaviour team works with providers in Herefordshire when a placement is about to break "
                "down; it writes a plan with the staff and stays involved until things settle. Admissions "
                "are down by half since the team started.")
    items = [{"item_id": "a", "title": "Intensive support", "description": text, "locality": "Worcestershire"},
             {"item_id": "b", "title": "Intensive support team", "description": text, "locality": "Herefordshire"},
             {"item_id": "c", "title": "Behaviour team", "description": reworded, "locality": "Herefordshire"}]
    res = find_near_duplicates(items)
    assert [g.item_ids for g in res.groups] == [("a", "b")]
    assert {m["locality"] for m in res.groups[0].members} == {"Worcestershire", "Herefordshire"}
    pair = next(p for p in res.pairs if (p.a, p.b) == ("a", "b"))
    assert pair.place_conflict and pair.same_words and "the same words" in pair.reasons


def test_dedup_a_short_item_whose_words_all_occur_in_a_long_one_is_not_its_duplicate():
    """A one-line item inside a whole strategy, or a bare title inside a longer title, shares all
    its words with the other (fuzzy and content say 1.0) but is not the same example; a shortened
    rewording that keeps the specifics still is."""
    strategy = ("Our learning disability strategy sets out how health and social care will work together over "
                "five years. It covers commissioning, workforce, housing and day opportunities, and a crisis "
                "team working seven days a week. The strategy commits to a review of all day services, an "
                "employment project with local businesses, a new respite unit and a carers forum that meets "
                "every quarter at the civic centre. Progress is reported each year to the Health and Wellbeing "
                "Board.")
    items = [{"item_id": "s", "title": "Learning disability strategy", "description": strategy, "locality": "Derbyshire"},
             {"item_id": "f", "title": "Carers forum", "description": "A carers forum meets every quarter at the "
              "civic centre.", "locality": "Derbyshire"},
             {"item_id": "h", "title": "Housing", "description": "", "locality": "Derbyshire"},
             {"item_id": "p", "title": "Housing for people leaving hospital", "description": "Housing for people "
              "leaving hospital.", "locality": "Derbyshire"},
             {"item_id": "r", "title": "Derbyshire strategy", "description": "A five-year strategy for health and "
              "social care working together: commissioning, workforce, housing, day opportunities, a seven-day "
              "crisis team, a review of day services, an employment project, a respite unit and a quarterly carers "
              "forum at the civic centre.", "locality": "Derbyshire"}]
    res = find_near_duplicates(items)
    assert [g.item_ids for g in res.groups] == [("r", "s")]
    by = {(p.a, p.b): p for p in res.pairs}
    assert by[("f", "s")].coverage < 0.3 and by[("f", "s")].content > 0.9 and not by[("f", "s")].is_duplicate
    assert "of the longer item" in by[("f", "s")].reasons
    assert find_near_duplicates(items, min_coverage=0).group_of("f")  # without the rule: merged, as before


@pytest.mark.parametrize("a,b,same", [
    (_Figure(17, False), _Figure(20, False), True),   # "17" and "nearly 20": rounding
    (_Figure(3.1e6, False), _Figure(3e6, False), True),
    (_Figure(8, False), _Figure(14, False), False),
    (_Figure(2, False), _Figure(3, False), False),     # small counts must match exactly
    (_Figure(2012, True), _Figure(2014, True), False),
    (_Figure(2012, True), _Figure(2012, True), True),
])
def test_dedup_figures_match_up_to_rounding(a, b, same):
    assert _same_figure(a, b) is same


def test_dedup_unknown_scorer_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'scorer' parameter .*token_set_ratio"):
        find_near_duplicates(["a b", "a c"], scorer="levenshtein")


@pytest.mark.parametrize("kwargs,match", [
    ({"threshold": 1.5}, "threshold must be a number in"),
    ({"linkage": "ward"}, "'linkage' parameter"),
])
def test_dedup_bad_knobs_say_what_is_allowed(kwargs, match):
    with pytest.raises(ValueError, match=match):
        find_near_duplicates(["a b", "a c"], **kwargs)


# -- clustering ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clustered(subset, subset_themes):
    return cluster_items(subset, themes=subset_themes)


def test_cluster_every_item_in_exactly_one_collection(clustered, subset):
    assert [r["item_id"] for r in clustered.items] == [i["item_id"] for i in subset]
    assert all(r["collection_id"] and r["collection_label"] for r in clustered.items)
    assert sum(c["size"] for c in clustered.collections) == len(subset)
    assert all(c["size"] >= 3 for c in clustered.collections) or len(clustered.collections) == 1
    assert all(0.0 <= r["similarity_to_collection"] <= 1.0 and r["why"] for r in clustered.items)


def test_cluster_duplicates_share_a_collection(clustered):
    by_group = {}
    for r in clustered.items:
        if r["dup_group"]:
            by_group.setdefault(r["dup_group"], set()).add(r["collection_id"])
    assert by_group and all(len(c) == 1 for c in by_group.values())


def test_cluster_same_input_twice_gives_identical_files(subset, subset_themes, tmp_path):
    for name in ("one", "two"):
        write_outputs(cluster_items(subset, themes=subset_themes), tmp_path / name)
    for f in ("items.csv", "collections.csv", "collections.json", "collections/index.html"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes()


def test_cluster_shuffled_input_gives_same_collections_and_ids(clustered, subset, subset_themes):
    order = list(range(len(subset)))
    random.Random(11).shuffle(order)
    again = cluster_items([subset[k] for k in order], themes=[subset_themes[k] for k in order])
    assert {r["item_id"]: r["collection_id"] for r in again.items} == \
        {r["item_id"]: r["collection_id"] for r in clustered.items}
    assert again.collections == clustered.collections


def test_cluster_estimator_stores_params_and_learns_trailing_underscore_attributes():
    from sklearn.base import clone

    m = PracticeClusterer(min_size=2, theme_weight=0.0)
    assert clone(m).get_params() == m.get_params()
    texts = ["crisis respite beds", "respite beds for a crisis", "crisis beds and respite",
             "independent advocacy contract", "advocacy for everyone", "independent advocate visits"]
    labels = m.fit_predict(texts, ids=list("abcdef"))
    assert m.n_collections_ == 2 and len(set(labels[:3])) == 1 and len(set(labels[3:])) == 1
    assert not hasattr(PracticeClusterer(), "labels_")


def test_cluster_bad_theme_weight_is_rejected_in_fit():
    with pytest.raises(ValueError, match="'theme_weight' parameter of PracticeClusterer must be a float in"):
        PracticeClusterer(theme_weight=2).fit(["a", "b", "c"])


def test_cluster_html_escapes_item_text(subset, subset_themes):
    evil = {"item_id": "evil-1", "title": "<b>Bold</b> & co", "description": "Crisis beds <script>alert(1)</script>",
            "locality": "", "region": "", "source": "x.csv"}
    res = cluster_items(subset + [evil], themes=subset_themes + [{}])
    pages = render_html(res)
    page = next(t for name, t in pages.items() if name != "index.html" and 'id="evil-1"' in t)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page
    assert all("http://" not in t and "https://" not in t and "<script" not in t for t in pages.values())


# -- command line ----------------------------------------------------------------------

def _run(*args):
    return subprocess.run([sys.executable, "-m", "wvtext", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_cluster_writes_the_contract_columns(tmp_path, subset):
    src = tmp_path / "items.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["item_id", "title", "description", "locality", "region", "source"],
                           extrasaction="ignore")
        w.writeheader()
        w.writerows(subset)
    out = tmp_path / "out"
    res = _run("cluster", str(src), "--out", str(out))
    assert res.returncode == 0, res.stderr
    with open(out / "items.csv", newline="", encoding="utf-8") as fh:
        items = list(csv.DictReader(fh))
    with open(out / "collections.csv", newline="", encoding="utf-8") as fh:
        cols = list(csv.DictReader(fh))
    assert list(items[0])[: len(ITEMS_COLUMNS)] == list(ITEMS_COLUMNS)
    assert list(cols[0])[: len(COLLECTIONS_COLUMNS)] == list(COLLECTIONS_COLUMNS)
    assert len(items) == len(subset) and sum(int(c["size"]) for c in cols) == len(subset)
    assert {i["collection_id"] for i in items} == {c["collection_id"] for c in cols}
    assert (out / "collections.json").exists() and (out / "collections" / "index.html").exists()
    assert all((out / "collections" / f"{c['collection_id']}.html").exists() for c in cols)


@pytest.mark.parametrize("name,message", [
    ("empty.csv", "is empty"),
    ("returns_long.csv", "not an items file"),
    ("does_not_exist.csv", "does not exist"),
])
def test_cli_cluster_bad_file_one_line_error(datapath, tmp_path, name, message):
    path = datapath(name) if name != "does_not_exist.csv" else tmp_path / name
    res = _run("cluster", str(path), "--out", str(tmp_path / "out"))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("error:")


def test_synthetic_items_are_marked_in_every_curators_output(subset, subset_themes, tmp_path):
    """Items drawn from SYNTHETIC returns or files are marked as such in items.csv, collections.csv,
    collections.json and the HTML pages: curators must never take generated text for practice."""
    import json

    items = [dict(i, synthetic=int(n % 2 == 0)) for n, i in enumerate(subset)]
    res = cluster_items(items, themes=subset_themes)
    write_outputs(res, tmp_path)
    with open(tmp_path / "items.csv", newline="", encoding="utf-8") as fh:
        marked = {r["item_id"]: r["synthetic"] for r in csv.DictReader(fh)}
    assert marked == {i["item_id"]: str(i["synthetic"]) for i in items}
    with open(tmp_path / "collections.csv", newline="", encoding="utf-8") as fh:
        assert sum(int(r["synthetic_items"]) for r in csv.DictReader(fh)) == sum(i["synthetic"] for i in items)
    members = [m for c in json.loads((tmp_path / "collections.json").read_text())["collections"] for m in c["members"]]
    assert {m["item_id"]: m["synthetic"] for m in members} == {i["item_id"]: i["synthetic"] for i in items}
    index = (tmp_path / "collections" / "index.html").read_text(encoding="utf-8")
    assert f"{sum(i['synthetic'] for i in items)} of the {len(items)} items are SYNTHETIC" in index
    synth = next(i for i in items if i["synthetic"])
    real = next(i for i in items if not i["synthetic"])
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "collections").glob("c*.html"))
    assert f'<b>SYNTHETIC</b> &middot; {synth["item_id"]}' in pages
    assert f'<b>SYNTHETIC</b> &middot; {real["item_id"]}' not in pages


def test_store_marks_items_from_synthetic_files_and_returns(store, tmp_path):
    from wvtext.pipeline import ingest_files

    rows = "item_id,title,description\nx1,A scheme,A crisis team that works at night.\n"
    (tmp_path / "SYNTHETIC_items_Q9.csv").write_text(rows.replace("x1", "s1"), encoding="utf-8")
    (tmp_path / "real_items.csv").write_text(rows, encoding="utf-8")
    ingest_files([tmp_path / "SYNTHETIC_items_Q9.csv", tmp_path / "real_items.csv"], store)
    assert {i["item_id"]: i["synthetic"] for i in store.items()} == {"s1": 1, "x1": 0}


def test_cluster_command_marks_the_items_of_a_synthetic_file(tmp_path):
    rows = list(csv.DictReader(open(ROOT / "corpus" / "items" / "seed_items.csv", newline="", encoding="utf-8")))[:12]
    path = tmp_path / "SYNTHETIC_items_test.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = subprocess.run([sys.executable, "-m", "wvtext", "cluster", str(path), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    with open(tmp_path / "o" / "items.csv", newline="", encoding="utf-8") as fh:
        assert {r["synthetic"] for r in csv.DictReader(fh)} == {"1"}


def test_collection_terms_are_shown_as_the_texts_write_them():
    from wvtext.cluster import _surface_forms

    shown = _surface_forms(["Service users and self-advocates met.", "Two service users, the children's team.",
                            "Children and young people.", "The DoLS team processes it."])
    assert shown["service user"] == "service users" and shown["selfadvocate"] == "self-advocates"
    assert shown["children"] == "children"  # a possessive only where the texts write it no other way
    assert shown["dol"] == "DoLS" and shown["processe"] == "processes"


def test_labels_are_not_made_of_place_names_figures_or_broken_letters():
    """Towns the texts write as names, county short forms, and phrases that only stand together
    once a figure is dropped ("open seven days a week") make no label; "café" keeps its letter."""
    from wvtext.cluster import _proper_names, _text_terms
    from wvtext.dedup import strip_places

    texts = ["In Bassetlaw two crisis beds are kept at Worksop, so people from Bassetlaw stay near home.",
             "The Bassetlaw team covers Worksop seven days a week.", "The Board and the board's minutes.",
             "Shared Lives carers in Worksop.", "The CQC visits."]
    assert {"bassetlaw", "worksop"} <= _proper_names(texts)
    assert not {"board", "shared", "live", "cqc", "crisis"} & _proper_names(texts)
    assert strip_places("Leics and Notts share a crisis line.").split() == ["and", "share", "a", "crisis", "line."]
    terms = _text_terms("The crisis café is open seven days a week.")
    assert "crisis café" in terms and "open day" not in terms and "open" in terms
    items = [{"item_id": f"m{k}", "title": "Mansfield " + t, "description": f"In Mansfield {d}", "locality": "Nottinghamshire"}
             for k, (t, d) in enumerate([("crisis beds", "two crisis beds are kept for families."),
                                         ("crisis line", "a crisis line runs for families overnight."),
                                         ("crisis café", "a crisis café for families opens at weekends.")])]
    result = cluster_items(items, themes=[{"crisis_response": 0.9}] * 3)
    assert result.collections and all("mansfield" not in (c["collection_label"] + c["top_terms"]).lower()
                                      for c in result.collections)


def test_links_are_no_words_of_an_item():
    """Two items that are only links to documents are not the same example, and a link's pieces
    ("http", "www", "gov", "uk") are no terms of the collections they join."""
    from wvtext.cluster import cluster_items
    from wvtext.dedup import normalise_words

    assert normalise_words("See https://www.example.gov.uk/plan.pdf or e-mail jo.bloggs@kelsey.nhs.uk today") == \
        ["see", "or", "e", "mail", "today"]
    links = [{"item_id": "d1", "title": "", "description": "https://www.example.gov.uk/winterbourne/plan.pdf"},
             {"item_id": "d2", "title": "", "description": "http://www.cornwall.gov.uk/media/123456/jip-action-plan.docx"}]
    assert not find_near_duplicates(links).groups
    text = "A joint register of everyone in an inpatient setting, reviewed monthly by the CCG and the council."
    items = links + [{"item_id": f"r{k}", "title": "Shared care register", "description": text + f" Area {k}."}
                     for k in range(3)]
    result = cluster_items(items, themes=[[] for _ in items])
    words = " ".join(c["collection_label"] + " " + c["top_terms"] for c in result.collections).lower()
    assert not {"http", "https", "www", "gov", "uk", "pdf", "docx"} & set(re.findall(r"[a-z]+", words))


_OWN_ITEMS = [
    ("o1", "Crisis beds in a family home", "Two crisis beds with trained carers take someone at a day's notice "
     "instead of an admission to hospital."),
    ("o2", "Crisis line at night", "A crisis line staffed by the community team answers families overnight and "
     "arranges a home visit the next morning."),
    ("o3", "Crisis café", "A crisis café for autistic adults opens every evening; nobody needs a referral."),
    ("o4", "Pooled budget under section 75", "The council and the CCG pooled their learning disability budgets "
     "under a section 75 agreement with one joint commissioner."),
    ("o5", "Aligned budgets", "Health and social care budgets are aligned ahead of a full section 75 pool."),
    ("o6", "One pooled fund for placements", "All out-of-area placements are paid from one pooled fund that the "
     "partners review each quarter."),
    ("o7", "Advocacy for everyone in hospital", "Every inpatient has an independent advocate who visits monthly "
     "and attends their reviews."),
    ("o8", "Independent advocates at reviews", "Independent advocates join each care and treatment review and "
     "speak for the person."),
    ("o9", "Self-advocates check services", "A group of self-advocates visits services and reports to the "
     "partnership board on their quality."),
]


def _write_items(path, rows=_OWN_ITEMS):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "title", "description"])
        w.writerows(rows)
    return path


def test_cluster_command_and_analyse_give_the_same_collections(tmp_path):
    """`wvtext cluster` finds the items' themes itself, `wvtext analyse` reads them from the store:
    the clusterer sees the same carried themes either way, so the collections, labels and each
    item's similarity to its collection are the same."""
    src = _write_items(tmp_path / "items.csv")
    res = _run("cluster", str(src), "--out", str(tmp_path / "c"))
    assert res.returncode == 0, res.stderr
    res = _run("analyse", str(src), "--out", str(tmp_path / "a"), "--db", str(tmp_path / "a.db"))
    assert res.returncode == 0, res.stderr
    got = {}
    for name in ("c", "a"):
        with open(tmp_path / name / "items.csv", newline="", encoding="utf-8") as fh:
            items = {r["item_id"]: {k: r[k] for k in ITEMS_COLUMNS + ("similarity_to_collection", "why")}
                     for r in csv.DictReader(fh)}
        with open(tmp_path / name / "collections.csv", newline="", encoding="utf-8") as fh:
            cols = [{k: r[k] for k in COLLECTIONS_COLUMNS + ("theme_shares", "mean_similarity")}
                    for r in csv.DictReader(fh)]
        got[name] = items, cols
    assert got["c"] == got["a"]


def test_cluster_theme_scores_and_theme_ids_group_alike():
    """Themes given as the theme pipeline's scores or as the ids they carry are the same to the clusterer."""
    from wvtext.pipeline import item_text
    from wvtext.themes.pipeline import extract_themes

    items = [{"item_id": i, "title": t, "description": d} for i, t, d in _OWN_ITEMS]
    scores = list(extract_themes([item_text(i) for i in items]))
    ids = [[t for t, s in sc.items() if s.carried] for sc in scores]
    a, b = cluster_items(items, themes=scores), cluster_items(items, themes=ids)
    assert a.items == b.items and a.collections == b.collections


def _topics_and_strays():
    """Three clear topics of four items each, and four strays that each share nothing with anyone."""
    rows = []
    for k, place in enumerate(("north", "south", "east", "west")):
        rows.append((f"cr{k}", f"Crisis beds in the {place}", f"Crisis beds with trained carers in the {place} take "
                     "someone at short notice so that a crisis ends at home, not in hospital.", ["crisis_response"]))
        rows.append((f"ad{k}", f"Independent advocacy in the {place}", f"Every inpatient in the {place} has an "
                     "independent advocate who visits monthly and attends reviews.", ["advocacy"]))
        rows.append((f"pb{k}", f"Pooled budget in the {place}", f"The partners in the {place} pooled their budgets "
                     "under a section 75 agreement with one joint commissioner.", ["pooled_budgets"]))
    strays = [("zz1", "Ordinary residence protocol", "Neighbouring councils agreed who pays when a person moves "
               "between them after a hospital stay.", ["ordinary_residence"]),
              ("zz2", "Workforce passport", "Support workers carry a skills passport from employer to employer.",
               ["workforce"]),
              ("zz3", "Needs assessment chapter", "The needs assessment has a chapter on adults with complex needs.",
               ["needs_assessment"]),
              ("zz4", "", "", [])]
    rows += strays
    items = [{"item_id": i, "title": t, "description": d} for i, t, d, _ in rows]
    return items, [th for *_, th in rows]


def test_cluster_sets_aside_what_fits_nowhere_as_other_not_a_made_up_topic():
    """Items that share no theme with any collection (nor with each other) are not made into a
    collection of their own under a label two of them happen to share, nor attached to a topic
    they do not belong to: they are "other", named as such and listed last."""
    from wvtext.cluster import _OTHER_LABEL

    items, themes = _topics_and_strays()
    res = cluster_items(items, themes=themes)
    where = {r["item_id"]: r["collection_id"] for r in res.items}
    cols = {c["collection_id"]: c for c in res.collections}
    for prefix in ("cr", "ad", "pb"):
        got = {where[f"{prefix}{k}"] for k in range(4)}
        assert len(got) == 1 and cols[got.pop()]["collection_label"] != _OTHER_LABEL
    other = res.collections[-1]
    assert other["collection_label"] == _OTHER_LABEL
    assert {where[i] for i in ("zz1", "zz2", "zz3", "zz4")} == {other["collection_id"]}
    assert all(r["attached"] and r["why"] for r in res.items if r["collection_id"] == other["collection_id"])


def test_every_collection_whose_members_have_themes_names_some():
    """A collection whose members carry themes has themes and theme shares even when none reaches
    `theme_share` (then the commonest ones, with their low shares); the label claims only the
    themes that do reach it."""
    items, themes = _topics_and_strays()
    items, themes = items[:-1], themes[:-1]  # the blank one
    for k in (1, 2, 3):
        res = cluster_items(items, themes=themes, n_collections=k, min_size=1)
        assert all(c["themes"] and c["theme_shares"] for c in res.collections)
    m = PracticeClusterer(n_collections=1, min_size=1, topic_share=0.0)
    m.fit([i["title"] + ". " + i["description"] for i in items], themes=themes, ids=[i["item_id"] for i in items])
    assert m.n_collections_ == 1 and m.dominant_themes_ == [[]]
    assert {t for t, _ in m.collection_themes_[0]} == {"crisis_response", "pooled_budgets", "advocacy"}
    assert all(abs(s - 4 / 15) < 1e-9 for _, s in m.collection_themes_[0])
    from wvtext.themes.lexicon import THEME_NAMES

    assert not any(THEME_NAMES[t] in m.collection_labels_[0] for t in ("crisis_response", "advocacy", "pooled_budgets"))


def test_collection_terms_come_from_its_central_members_not_its_outliers():
    """A phrase that two outlying members share does not outrank one that two central members share."""
    import numpy as np

    m = PracticeClusterer(n_terms=2)
    grams = [["crisis bed"], ["crisis bed"], ["joint panel"], ["joint panel"], ["advocate"], ["advocate"],
             ["crisis bed"], ["crisis bed"]]
    members = [[k] for k in range(8)]
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    plain = m._collection_terms(grams, members, labels, 2)
    assert plain[0][0][0] == "joint panel"  # rarer overall, so first by counts alone
    weighted = m._collection_terms(grams, members, labels, 2, centrality=np.array([.9, .9, .3, .3, .9, .9, .9, .9]))
    assert weighted[0][0][0] == "crisis bed"


def test_phrases_break_at_punctuation_and_names_are_taken_whole():
    """A phrase does not run across a comma, semicolon, colon, bracket, slash or spaced dash;
    the tail of a capitalised name ("Capacity Act", "Lives carers") is no phrase, a name of three
    or four words is one term, and a heading in Title Case is no name."""
    from wvtext.cluster import _is_label_stop, _surface_forms, _text_terms

    def phrases(text):
        return {t for t in _text_terms(text) if " " in t}

    assert not phrases("GPs, families; carers: homes / property (housing) staff - managers")
    assert phrases("Eight Shared Lives carers") == {"shared live"}
    assert phrases("Staff learn the Mental Capacity Act well") == {"mental capacity act", "staff learn"}
    assert "behaviour support" in phrases("Positive Behaviour Support Academy For Support Workers")
    assert phrases("a positive behaviour support plan") >= {"positive behaviour", "behaviour support"}
    assert _surface_forms(["Staff learn the Mental Capacity Act well."])["mental capacity act"] == "Mental Capacity Act"
    assert _is_label_stop("person lived") and not _is_label_stop("crisis bed") and not _is_label_stop("unmet need")


def test_collection_labels_are_not_made_of_broken_phrases():
    rows = [("n1", "Shared Lives carers for crisis breaks", "Shared Lives carers take someone in crisis for a few "
             "days; GPs, families and the team agree the plan."),
            ("n2", "Crisis breaks with Shared Lives", "Two Shared Lives carers offer crisis breaks: GPs, families and "
             "social workers refer."),
            ("n3", "Crisis breaks at home", "Shared Lives carers give crisis breaks so that the person lived at home "
             "throughout; GPs, families are told."),
            ("n4", "Mental Capacity Act forum", "Practitioners meet monthly on the Mental Capacity Act and best "
             "interests decisions."),
            ("n5", "Mental Capacity Act training", "Support workers are trained in the Mental Capacity Act and best "
             "interests decisions."),
            ("n6", "Best interests under the Mental Capacity Act", "Advocates join best interests meetings under the "
             "Mental Capacity Act.")]
    items = [{"item_id": i, "title": t, "description": d} for i, t, d in rows]
    res = cluster_items(items, themes=[["crisis_response"]] * 3 + [["mental_capacity"]] * 3)
    shown = " | ".join(c["collection_label"] + " " + c["top_terms"] for c in res.collections).lower()
    for broken in ("gps families", "gp famil", "lives carers", "live carer", "person lived"):
        assert broken not in shown, shown
    assert not re.search(r"(?<!mental )capacity act", shown), shown
    assert "mental capacity act" in shown


def test_cluster_a_theme_an_item_only_denies_does_not_group_it():
    """An item that says "this did not involve any pooled funding" carries pooled_budgets, marked
    negated (themes.md), but is no pooled-budget practice: its theme vector leaves the theme out."""
    from types import SimpleNamespace

    from wvtext.cluster import _theme_vector

    order = ["pooled_budgets", "crisis_response"]
    denied = {"pooled_budgets": SimpleNamespace(carried=True, negated=True, confidence=0.9),
              "crisis_response": SimpleNamespace(carried=True, negated=False, confidence=0.8)}
    assert _theme_vector(denied, order).tolist() == [0.0, 0.8]
    affirmed = {"pooled_budgets": SimpleNamespace(carried=True, negated=False, confidence=0.9)}
    assert _theme_vector(affirmed, order).tolist() == [0.9, 0.0]
