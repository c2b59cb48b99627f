"""Typing errors of lexicon words read as the words (wvtext/themes/typos.py)."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from wvtext.themes.lexicon import load_lexicon
from wvtext.themes.pipeline import extract_themes, make_nlp
from wvtext.themes.typos import TypoReader, typo_reader


@pytest.fixture(scope="module")
def lexicon_nlp():
    return make_nlp(learned=False)


def test_a_typo_in_the_real_return_is_read(lexicon_nlp):
    """The Leicestershire return (real text) types "specialist commisisoner"; the shipped
    spelling list does not have it."""
    text = (ROOT / "corpus" / "returns" / "leicestershire_2013_stocktake.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "commisisoner" in ln)
    assert "commisisoner" not in load_lexicon().spelling
    sentence = line[line.index("appointment"):line.index("commisisoner") + len("commisisoner")]
    doc = lexicon_nlp(sentence)
    assert doc[-1].text == "commisisoner" and doc[-1].norm_ == "commissioner"


@pytest.mark.parametrize("text, theme, typed", [
    ("The pooled budgte is in place.", "pooled_budgets", "budgte"),  # two letters swapped
    ("We commission independent advoccacy for everyone.", "advocacy", "advoccacy"),  # one added
    ("Positive behaviur support plans are in place.", "positive_behaviour_support", "behaviur"),  # one left out
    ("Supported accommodatoin is being developed.", "housing", "accommodatoin"),
    ("Our tramsition planning starts at 14.", "transition", "tramsition"),  # one changed
    ("There are no ordinary residnce issues.", "ordinary_residence", "residnce"),  # one left out
    ("There are no Ordinary Residnce issues.", "ordinary_residence", "Residnce"),  # with capitals
    ("CONTINUING HEALTHCRAE ELIGIBILITY", "chc", "HEALTHCRAE"),  # a heading in capitals
    # a word of ten letters or more, typed with a capital opening a sentence, though a term alone
    ("Personalisaton is at an early stage.", "personalisation", "Personalisaton"),
    ("Safeguadring alerts are reviewed monthly.", "safeguarding", "Safeguadring"),
])
def test_typos_of_lexicon_words_find_the_theme(lexicon_nlp, text, theme, typed):
    assert typed.lower() not in load_lexicon().spelling
    found = next(iter(extract_themes([text], nlp=lexicon_nlp)))
    assert theme in found
    m = found[theme].mentions[0]
    assert typed in text[m.start_char:m.end_char]  # the evidence keeps the text as typed


def test_real_words_names_and_short_words_are_not_read_as_typos(lexicon_nlp):
    doc = lexicon_nlp("Our finding is that Poole and Surrey need better housing; a survey is planned.")
    norms = {t.text: t.norm_ for t in doc}
    assert norms["finding"] == "finding"  # an English word one edit from `funding`
    assert norms["Poole"] == "poole"  # five letters, one edit from `pooled`
    assert norms["Surrey"] == "surrey"  # a locality's name, one edit from `survey`
    assert norms["survey"] == "survey"


def test_names_other_endings_and_capitals_are_not_read_as_typos(lexicon_nlp):
    """The lexicon holds names (`coughlan`, `caldicott`, `emerson`): a contact's or a town's name one
    letter from one is a name. A changed last letter is another ending ("secondee" is not
    "seconded"). A word typed with a capital is read only as a word the lexicon has inside terms of
    several words and never alone ("Arrangments" as "arrangement" of "pooled arrangement"), so it
    counts only beside the term's other words; one a term has alone is left as typed."""
    for text in ("Contact: Sarah Coghlan.", "The team is based in Caldicot.", "Jane Emmerson attended."):
        assert next(iter(extract_themes([text], nlp=lexicon_nlp))) == {}, text
    doc = lexicon_nlp("Two secondees and a reviewee; the budget was underspent. Arrangments agreed.")
    norms = {t.text: t.norm_ for t in doc}
    assert norms["secondees"] == "secondee" and norms["reviewee"] == "reviewee"
    assert norms["underspent"] == "underspent" and norms["Arrangments"] == "arrangement"  # only inside terms
    assert lexicon_nlp("Housng is planned.")[0].norm_ == "housng"  # `housing` is a term alone: may be a name
    assert lexicon_nlp("housng is planned.")[0].norm_ == "housing"
    # `skilling` is inside "up skilling" but also a verb form the one-word term `skilled` matches in alone
    assert lexicon_nlp("Skiling is a priority.")[0].norm_ == "skiling"
    assert lexicon_nlp("the skiling of staff")[1].norm_ == "skilling"
    assert lexicon_nlp("the arrangments")[1].norm_ == "arrangement"


def test_a_hyphen_typed_as_u2010_is_a_hyphen_to_the_cue_readers(lexicon_nlp):
    """Text given straight to the pipeline (not read through `normalize_text`) may hold U+2010; the
    cue readers read it as "-", as they read the same text typed with "-"."""
    from wvtext.themes.components import doc_view

    for typed in ("Advocacy team \u2010 is here.", "Transition planning \u2010 is on hold."):
        plain = typed.replace("\u2010", "-")
        got, want = (next(iter(extract_themes([t], nlp=lexicon_nlp))) for t in (typed, plain))
        assert {k: [m.frame for m in v.mentions] for k, v in got.items()} == \
            {k: [m.frame for m in v.mentions] for k, v in want.items()} != {}
        assert "\u2010" not in doc_view(lexicon_nlp(typed)).norms


def test_reader_rules():
    reader = TypoReader({"housing", "funding", "pooled", "respite", "respire"}, known={"hosting"})
    assert reader("housng", "housng") == "housing"
    assert reader("hosting", "hosting") == "hosting"  # a known word
    assert reader("fousing", "fousing") == "fousing"  # another first letter
    assert reader("respie", "respie") == "respie"  # one edit from two lexicon words: left alone
    assert reader("poled", "poled") == "poled"  # under six letters
    assert reader("h0using", "h0using") == "h0using"  # not letters only
    assert reader("hsouing", "hsouing") == "hsouing"  # two edits
    assert reader("Housng", "housng") == "housng"  # typed with a capital, and no word only inside terms
    inside = TypoReader({"housing", "residence"}, known=set(), phrase_words={"residence"})
    assert inside("Residnce", "residnce") == inside("RESIDNCE", "residnce") == "residence"  # only inside terms
    assert inside("Housng", "housng") == "housng" and inside("housng", "housng") == "housing"
    assert reader("pooles", "pooles") == "pooles"  # only the last letter changed
    long = TypoReader({"safeguarding", "housing"}, known=set())
    assert long("Safegaurding", "safegaurding") == "safeguarding"  # ten letters or more: read with a capital
    assert long("Housng", "housng") == "housng"  # shorter: may be a name


def test_a_spelling_row_stops_the_reading_and_a_lexicon_folder_without_the_word_list_reads_none(tmp_path):
    src = ROOT / "models" / "themes"
    for name in ("lexicon.csv", "spelling.csv", "english_words.txt.gz"):
        shutil.copy(src / name, tmp_path / name)
    with (tmp_path / "spelling.csv").open("a", encoding="utf-8") as fh:
        fh.write("budgte,budgte\n")
    reader = typo_reader(load_lexicon(tmp_path / "lexicon.csv"))
    assert reader("budgte", "budgte") == "budgte" and reader("accommodatoin", "accommodatoin") == "accommodation"
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(src / "lexicon.csv", bare / "lexicon.csv")
    assert typo_reader(load_lexicon(bare / "lexicon.csv")) is None
    nlp = make_nlp(bare / "lexicon.csv", learned=False)
    assert nlp("accommodatoin")[0].norm_ == "accommodatoin"


def test_the_word_list_is_part_of_the_lexicon_version(tmp_path):
    src = ROOT / "models" / "themes"
    shutil.copy(src / "lexicon.csv", tmp_path / "lexicon.csv")
    without = load_lexicon(tmp_path / "lexicon.csv").version
    shutil.copy(src / "english_words.txt.gz", tmp_path / "english_words.txt.gz")
    from wvtext.themes import lexicon as lx

    lx._cached.cache_clear()
    assert load_lexicon(tmp_path / "lexicon.csv").version != without
