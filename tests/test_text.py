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
        # Invisible format characters go; a cell with no letter or digit left says nothing.
        ("co\u00adlocated\u200b teams\ufeff", "colocated teams"),
        ("\u200b\u200f\ufeff", ""),
        ("\u2022 \n\u2022 \n- \n* ", ""),
        ("-", ""),
        ("N/A", "N/A"),
        ("0", "0"),
        ("\u4e2d\u6587 \u0645\u0631\u062d\u0628\u0627", "\u4e2d\u6587 \u0645\u0631\u062d\u0628\u0627"),
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # ZWNJ spells the word
        ("\u2713", "\u2713"),
        ("\U0001f44d", "\U0001f44d"),
        # A word broken by a hyphen at a line end is one word again, its hyphen kept; a dash
        # after a space, or a line starting with a capital or a bullet, is left as it was.
        ("Ordinary Resi-\ndence", "Ordinary Resi-dence"),
        ("the follow-\r\n   up work", "the follow-up work"),
        ("three teams -\nthese meet", "three teams - these meet"),
        ("Health and Wellbeing-\nThe board", "Health and Wellbeing- The board"),
        ("first item\n- second item", "first item - second item"),
        ("Resi\u2010\ndence", "Resi-dence"),
        ("Resi\u00ad\ndence", "Residence"),
        ("Resi-\n\ndence", "Resi- dence"),  # not across a blank line
        ("<p>Housing-</p>\n<p>advocacy for families</p>", "Housing- advocacy for families"),  # nor a paragraph's end
    ],
)
def test_text_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_text_normalize_keeps_comparison_signs():
    # Only tags are removed, not every '<'.
    assert normalize_text("fewer than 5 < 10 people") == "fewer than 5 < 10 people"


def test_text_bullets_of_every_kind_become_one_bullet():
    raw = "Partners:\n\u2022 Adult social care\r\n\uf0b7Housing <ul><li>NHS</li><li>CCG</li></ul> \u25aa LAT"
    assert normalize_text(raw) == "Partners: \u2022 Adult social care \u2022 Housing \u2022 NHS \u2022 CCG \u2022 LAT"


@pytest.mark.parametrize("raw, want", [
    ("Email <commissioning@council.gov.uk> for details.", "Email <commissioning@council.gov.uk> for details."),
    ("See <http://www.example.org/plan> for the plan.", "See <http://www.example.org/plan> for the plan."),
    ("Fewer than <5 people are placed out of area.", "Fewer than <5 people are placed out of area."),
    ("<p class=\"MsoNormal\">Yes<o:p></o:p></p><BR >Done", "Yes Done"),
    ("<span style=\"font-size:11pt\">In place</span>", "In place"),
])
def test_only_tags_are_removed_not_other_text_in_angle_brackets(raw, want):
    assert normalize_text(raw) == want


@pytest.mark.parametrize("raw", ["We support <five people> in hospital.", "Contact <Jane Smith> for details.",
                                 "Costs in hospital < those at home and > last year."])
def test_words_in_angle_brackets_are_not_tags(raw):
    assert normalize_text(raw) == raw


@pytest.mark.parametrize("raw, want", [
    # lines opened by hyphens or an asterisk are a list where two lines or more open so
    ("Partners:\n-Housing\n-Police", "Partners: \u2022 Housing \u2022 Police"),
    ("- CHC team\n- Advocacy", "\u2022 CHC team \u2022 Advocacy"),
    ("--Housing\n--Police", "\u2022 Housing \u2022 Police"),
    ("* Housing\r\n* Police", "\u2022 Housing \u2022 Police"),
    ("\u2013 Housing\n\u2013 Police", "\u2022 Housing \u2022 Police"),  # en dashes, made plain first
    # one line alone is a dash a line wrap put first; "-2" is a number
    ("Housing\n- not applicable", "Housing - not applicable"),
    ("Change:\n-2 people\n-3 people", "Change: -2 people -3 people"),
    # two or three hyphens typed for a dash are the dash, however typed
    ("CHC -- not applicable", "CHC - not applicable"),
    ("Housing--none", "Housing-none"),
    ("CHC \u2013\u2013 not applicable", "CHC - not applicable"),
    ("Housing\u2014-none", "Housing-none"),
    ("CHC -\u200b- none", "CHC - none"),
    # ... but not inside an address, a file's name or a table's rule
    ("See www.council.gov.uk/chc--policy for it.", "See www.council.gov.uk/chc--policy for it."),
    ("Attached: report--final.pdf", "Attached: report--final.pdf"),
    ("|---|---| Housing", "|---|---| Housing"),
])
def test_text_hyphen_lists_and_doubled_hyphens(raw, want):
    assert normalize_text(raw) == want


@pytest.mark.parametrize("raw", [
    "CHC \u2013\u2013 not applicable", "Housing\u2014-none", "&#8211;&#8211; none", "\uff0d\uff0d none", "\u2010\u2010x",
    "-Housing\n-Police", "- a\n\u2013 b\n* c", "a ---- b", "x\u2013\u2013\u2013\u2013y", "<li>-A</li><li>-B</li>",
    "Resi-\ndence -- ok", "  --  ", "N/A -\n- none\n- tbc",
])
def test_text_normalize_text_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once
