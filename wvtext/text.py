"""Text normalisation shared by every reader and stage."""
from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["normalize_text", "strip_html"]

_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.I)
_BLOCK_TAGS = re.compile(r"<\s*/?\s*(p|br|div|li|ul|ol|tr|td|th|h[1-6]|table)\b[^>]*>", re.I)
# A tag is an HTML element's name, or a prefixed one (Word's <o:p>, <st1:place>), then attributes,
# '/' or '>': other text in angle brackets stays ("Email <team@council.gov.uk>", "<http://...>",
# "<5 people>", "<Jane Smith>", "fewer < 5 and > 2").
_HTML_NAMES = (
    "a abbr acronym address area article aside b base basefont bdi bdo big blockquote body br button caption "
    "center cite code col colgroup dd del dfn dir div dl dt em fieldset figcaption figure font footer form frame "
    "frameset h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map mark "
    "meta nav nobr noscript object ol optgroup option p param pre q s samp script section select small span strike "
    "strong style sub sup table tbody td textarea tfoot th thead title tr tt u ul var wbr xml"
).split()
_TAG = re.compile(r"<\s*/?\s*(?:(?:%s)|[a-zA-Z]\w*:[\w.-]+)(?:\s[^<>]*)?/?\s*>" % "|".join(_HTML_NAMES), re.I)
_WS = re.compile(r"\s+")
# A word broken at the end of a line by a hyphen ("Ordinary Resi-\ndence", "follow-\nup"): the line
# break goes and the hyphen stays, so the word is one word again ("Resi-dence" is matched as
# "residence"; "follow-up" stays right); a soft hyphen there goes too ("Resi\u00adence"). One line
# break only, before tags are removed: not across a blank line or a paragraph's end, nor a dash
# after a space ("teams -\nthese"), nor before a capital.
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])([-\u2010\u2011\u00ad])[ \t]*(?:\r\n|\r|\n|\u2028)[ \t]*(?=[a-z])")


def _join_broken_word(m: re.Match) -> str:
    return "" if m.group(1) == "\u00ad" else "-"


# Invisible format characters pasted with text (zero-width spaces, byte-order marks, soft hyphens,
# direction marks); the joiners that spell words in some scripts and emoji sequences are kept.
_FORMAT_CHARS = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or a digit, in any script


def _says_something(text: str) -> bool:
    """A letter or a digit, or a symbol that answers ("\u2713", a thumbs-up): not bullets,
    dashes and punctuation alone."""
    return bool(_WORD_CHAR.search(text)) or any(unicodedata.category(ch) == "So" and ch != "\u2022" for ch in text)
_TRAILING_BULLETS = re.compile(r"(?:\s*\u2022)+$")
# Hyphens or an asterisk opening lines, as lists are typed in a cell ("-Housing\n-Police", "- CHC
# team\n- Advocacy"): bullets, like "\u2022", where two lines or more of the text open so (one alone
# may be a spaced dash a line wrap put first: "Housing\n- not applicable"). Not before a digit
# without a space ("-2").
_LINE_BULLET = re.compile(r"(?m)^[ \t]*(?:--?|\*)(?:[ \t]+(?=[^\W_])|(?=[^\W\d_]))")
# Two or three hyphens typed for a dash ("CHC -- not applicable", "Housing--none") are the dash;
# not inside an address or a file's name ("www.x.gov.uk/chc--policy", "report--final.pdf") nor in
# a line of punctuation ("|---|---|").
_DOUBLE_HYPHEN = re.compile(r"(?<!-)-{2,3}(?!-)")
_ADDRESS = re.compile(r"://|www\.|@|\.[A-Za-z]{2,4}(?![A-Za-z])")


def _one_hyphen(m: re.Match) -> str:
    text, a, b = m.string, m.start(), m.end()
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    chunk = text[a:b]
    return m.group(0) if _ADDRESS.search(chunk) or "|" in chunk or "+" in chunk else "-"
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        # Bullets of every kind become one bullet between spaces: each item starts a sentence
        # (themes/components.py), so a list is not read as one run-on sentence.
        **dict.fromkeys("\u2022\u25aa\uf0b7\u25cf\u25e6\u2023\u2043\uf0a7", " \u2022 "),
        "\u00a0": " ", "\u200b": "", "\ufeff": "",
        "\u2026": "...",
    }
)


def strip_html(text: str) -> str:
    """Return `text` with entities decoded and tags removed (block tags become spaces)."""
    # Two rounds of unescaping: exports often double-escape ("&amp;amp;").
    for _ in range(2):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = _LIST_ITEM.sub(" \u2022 ", text)  # an HTML list item is a bullet
    text = _BLOCK_TAGS.sub(" ", text)
    return _TAG.sub("", text)


def normalize_text(text: str | None) -> str:
    """Return the display-neutral form of a narrative: entities decoded, tags removed,
    smart quotes and dashes made plain, whitespace collapsed.

    >>> normalize_text("<p>Children&#39;s &amp; adults\u2019  teams</p>")
    "Children's & adults' teams"
    """
    if not text:
        return ""
    text = strip_html(_LINE_BREAK_HYPHEN.sub(_join_broken_word, str(text)))
    text = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", text).translate(_TRANSLATE))
    # after the dashes are plain (so "\u2013\u2013" is "--" here, not on a second pass) and before
    # the line breaks go
    if "\n" in text and len(_LINE_BULLET.findall(text)) >= 2:  # two lines need a line break
        text = _LINE_BULLET.sub(" \u2022 ", text)
    if "--" in text:
        text = _DOUBLE_HYPHEN.sub(_one_hyphen, text)
    text = _TRAILING_BULLETS.sub("", _WS.sub(" ", text).strip())
    # A cell with no letter, digit or symbol (bullets alone, "-", an empty <li>, invisible
    # characters) says nothing: it is empty.
    return text if _says_something(text) else ""
