import collections
import csv

import pytest

from wvtext.localities import REGIONS, _key, load_localities
from wvtext.paths import corpus_dir


def table_path():
    return corpus_dir() / "localities.csv"


@pytest.fixture(scope="module")
def table():
    return load_localities()


def test_localities_152_with_adass_regions(table):
    assert len(table) == 152
    counts = collections.Counter(l.region for l in table.all)
    assert set(counts) == set(REGIONS)
    assert counts["East Midlands"] == 9 and counts["London"] == 33


@pytest.mark.parametrize(
    "query, name, region",
    [
        ("Leics", "Leicestershire", "East Midlands"),
        ("Leicestershire CC", "Leicestershire", "East Midlands"),
        ("27_leicestershire_stocktake.xlsx", "Leicestershire", "East Midlands"),
        ("Leicester City Council", "Leicester", "East Midlands"),
        ("Leicestershre", "Leicestershire", "East Midlands"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham", "London"),
        ("WV stocktake - North Yorks (final).xlsx", "North Yorkshire", "Yorkshire and Humber"),
        ("City of London", "City of London", "London"),
        ("Durham", "County Durham", "North East"),
    ],
)
def test_localities_match(table, query, name, region):
    m = table.match(query)
    assert m is not None and (m.locality.name, m.locality.region) == (name, region)


@pytest.mark.parametrize("query", ["Atlantis", "", "Stocktake return", "Kingston"])
def test_localities_no_match(table, query):
    assert table.match(query) is None


@pytest.mark.parametrize("name", ["Cheshire West", "cheshire_west_2013.xlsx"])
def test_localities_a_part_of_a_longer_name_finds_it(name):
    assert load_localities().match(name).locality.name == "Cheshire West and Chester"


@pytest.mark.parametrize("name", [
    "NE Somerset",  # not Somerset (nor surely Bath and North East Somerset)
    "South Somerset",  # not Somerset, nor North Somerset
    "South Yorkshire",  # not North Yorkshire
    "East Berkshire",  # not West Berkshire
    "Newcastle-under-Lyme",  # not Newcastle upon Tyne
    "New York",  # not York
    "Greater Manchester",  # not Manchester
    "Birmingham and Solihull",  # two areas
])
def test_localities_never_another_place_with_a_similar_name(name):
    """A wrong locality is worse than none: a return filed under another area replaces that area's."""
    assert load_localities().match(name) is None


def test_localities_a_name_beside_a_word_that_is_no_place_still_found():
    assert load_localities().match("Tameside and Glossop").locality.name == "Tameside"
    # an area beside part of another is two areas, not the first of them
    assert load_localities().match("Sandwell and West Birmingham") is None
    assert load_localities().match("East Leicestershire and Rutland CCG") is None


@pytest.mark.parametrize("name, locality", [("South Warwickshire CCG", "Warwickshire"),
                                            ("West Leicestershire CCG", "Leicestershire"),
                                            ("NHS South Worcestershire CCG", "Worcestershire")])
def test_localities_a_direction_before_a_county_names_a_part_of_it(name, locality):
    assert load_localities().match(name).locality.name == locality


# -- abbreviations and qualifiers ---------------------------------------------------------
# A wrong locality is worse than none: a return is stored under its locality, so a later import
# under the wrong name silently replaces another area's return.

@pytest.mark.parametrize("query, name", [
    ("N Somerset", "North Somerset"),
    ("S Glos", "South Gloucestershire"),
    ("Sth Gloucestershire", "South Gloucestershire"),
    ("N Lincs", "North Lincolnshire"),
    ("N E Lincs", "North East Lincolnshire"),
    ("NE Lincs", "North East Lincolnshire"),
    ("N Lincolnshire", "North Lincolnshire"),
    ("Nth Tyneside", "North Tyneside"),
    ("Nrth Yorks", "North Yorkshire"),
    ("W Berks", "West Berkshire"),
    ("E Sussex", "East Sussex"),
    ("Bath & NE Somerset", "Bath and North East Somerset"),
    ("Notts City", "Nottingham"),
    ("Notts City Council", "Nottingham"),
    ("Leics City", "Leicester"),
    ("Notts", "Nottinghamshire"),
    ("Nottm", "Nottingham"),
    ("Northants", "Northamptonshire"),
    ("Norhants", "Northamptonshire"),  # a slip in an abbreviation
    ("Gloucs", "Gloucestershire"),
    ("Shrops", "Shropshire"),
    # unchanged by the abbreviations
    ("Brighton & Hove", "Brighton and Hove"),
    ("Leics", "Leicestershire"),
    ("Nottinghamshre County Council", "Nottinghamshire"),
    ("Somerset's return", "Somerset"),
])
def test_localities_abbreviations_written_out(table, query, name):
    m = table.match(query)
    assert m is not None and m.locality.name == name, (query, m)


@pytest.mark.parametrize("query", [
    "Yorks",  # Yorkshire is no locality, and York is not Yorkshire
    "Yorkshire",
    "Yorks City",
    "S Yorks",
    "Gtr Manchester",  # a combined area; Manchester is one of its councils
    "Greater Manchester",
    "Lincs City",  # no city of Lincoln among the localities; and Lincolnshire is no city
    "Nottingham County Council",  # the city or the county?
    "Nottinghamshire City Council",
    "City of Notts",
    "N Notts City",
    "Beds",  # Bedford or Central Bedfordshire
    "East Berks",
    "Gtr London",
])
def test_localities_a_qualifier_the_locality_lacks_finds_none(table, query):
    assert table.match(query) is None


@pytest.mark.parametrize("query, name", [
    ("N_Somerset_WV_stocktake.xlsx", "North Somerset"),
    ("NSomerset.csv", "North Somerset"),
    ("SGlos_stocktake_final.xlsx", "South Gloucestershire"),
    ("NELincs.xlsx", "North East Lincolnshire"),
    ("27_NottsCity_stocktake.xlsx", "Nottingham"),
    ("WV stocktake - Sth Glos (final).xlsx", "South Gloucestershire"),
    ("NorthTynesideCouncil_WV.xlsx", "North Tyneside"),
    ("IoW_stocktake.xlsx", "Isle of Wight"),
    ("BaNES.csv", "Bath and North East Somerset"),
])
def test_localities_abbreviated_file_names(table, query, name):
    m = table.match(query)
    assert m is not None and m.locality.name == name, (query, m)


@pytest.mark.parametrize("query", ["nsomerset.csv", "Yorks_WV_stocktake.xlsx", "gtr_manchester.csv",
                                   "Somersets.xlsx", "Yorks.csv"])
def test_localities_a_file_name_that_may_be_another_place_finds_none(table, query):
    """"nsomerset" holds Somerset whole with a letter before it: North Somerset, not Somerset."""
    assert table.match(query) is None


_SPELT = {"North": "North", "South": "South", "East": "East", "West": "West", "Central": "Central",
          "North East": "North East", "North West": "North West", "South East": "South East",
          "South West": "South West", "N": "North", "S": "South", "E": "East", "W": "West",
          "NE": "North East", "NW": "North West", "SE": "South East", "SW": "South West",
          "Nth": "North", "Sth": "South", "Nrth": "North", "N E": "North East", "S W": "South West"}


def test_localities_sweep_every_name_and_a_direction_it_lacks(table):
    """Every locality finds itself; with a direction, "Greater" or "City" before or after its name
    (as a name, a file name or words run together) it finds itself, the locality so named
    ("N" + "Somerset" is North Somerset), or none: never another locality."""
    wrong = []
    for loc in table.all:
        m = table.match(loc.name)
        if m is None or m.locality != loc or m.score != 1.0:
            wrong.append((loc.name, m))
        words = set(loc.name.lower().split())
        for short, full in _SPELT.items():
            if set(full.lower().split()) & words:
                continue
            named = table.by_name.get(f"{full} {loc.name}")
            for query in (f"{short} {loc.name}", f"{short}_{loc.name.replace(' ', '_')}_WV_stocktake.xlsx",
                          f"{short.replace(' ', '')}{loc.name.replace(' ', '')}.csv"):
                m = table.match(query)
                if m is not None and m.locality not in (loc, named):
                    wrong.append((query, m.locality.name, m.score))
                if named and (m is None or m.locality != named):
                    wrong.append((query, m and m.locality.name, "expected", named.name))
        for query in (f"Greater {loc.name}", f"Gtr {loc.name}", f"{loc.name} City", f"{loc.name} City Council",
                      f"{loc.name} County Council"):
            m = table.match(query)
            if m is not None and m.locality != loc:
                wrong.append((query, m.locality.name, m.score))
    assert not wrong


def test_localities_abbreviations_table(table):
    """The abbreviations name a locality, or a word of one (Yorkshire, Berkshire); written out,
    no two localities share a name or alias."""
    from wvtext.localities import load_abbreviations

    abbr = load_abbreviations()
    assert {"n", "s", "e", "w", "ne", "nw", "se", "sw", "nth", "sth", "nrth", "gtr", "lincs", "glos", "notts",
            "leics", "yorks", "lancs", "northants", "herts", "beds", "bucks", "cambs", "hants", "wilts",
            "worcs", "staffs", "oxon", "berks"} <= set(abbr)
    words = {w for loc in table.all for w in loc.name.lower().split()}
    assert all(set(long.split()) <= words | {"greater"} for long, _ in abbr.values())
    seen = {}
    with open(table_path(), newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for form in [row["name"], *[a for a in row["aliases"].split(";") if a.strip()]]:
                key = table._expand(_key(form))
                assert seen.setdefault(key, row["name"]) == row["name"], (form, seen[key])


def test_localities_a_table_kept_elsewhere_reads_the_shipped_abbreviations(tmp_path):
    (tmp_path / "localities.csv").write_bytes(table_path().read_bytes())
    assert load_localities(tmp_path / "localities.csv").match("N Somerset").locality.name == "North Somerset"
