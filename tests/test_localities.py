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
