import pytest

from wvtext.text import normalize_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<p>Comprehensive cost analysis</p>", "Comprehensive cost analysis"),
        ("C&amp;YP and Children&#39;s", "C&YP and Children's"),
        ("double &amp;amp; escaped", "double & escaped"),
        ("<b>1 Models</b>\tof   partnership\n", "1 Models of partnership"),
        ("\u2018smart\u2019 \u201cquotes\u201d \u2013 dash", "'smart' \"quotes\" - dash"),
        ("line<br/>break", "line break"),
        ("", ""),
        (None, ""),
    ],
)
def test_text_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_text_normalize_keeps_comparison_signs():
    # Only tags are removed, not every '<'.
    assert normalize_text("fewer than 5 < 10 people") == "fewer than 5 < 10 people"
