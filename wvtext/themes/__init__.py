"""Theme extraction with evidence (the 23 themes of themes.md)."""
from .lexicon import THEMES, THEME_NAMES, load_lexicon

__all__ = ["THEMES", "THEME_NAMES", "load_lexicon", "make_nlp", "extract_themes", "themes_string"]


def __getattr__(name):
    if name in ("make_nlp", "extract_themes", "themes_string"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
