import collections

import pytest

from wvtext.localities import REGIONS, load_localities


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
    "Bath & NE Somerset",  # not Somerset
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
