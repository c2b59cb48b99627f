"""The stocktake's localities (152 upper-tier council areas of 2013) and their
ADASS region, with fuzzy lookup so that "Leics", "Leicestershire CC" or a file
name such as "27_leicestershire_stocktake.xlsx" finds the right one.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import WvtextError

__all__ = ["REGIONS", "Locality", "LocalityMatch", "Localities", "load_localities"]

REGIONS = (
    "East Midlands", "East of England", "London", "North East", "North West",
    "South East", "South West", "West Midlands", "Yorkshire and Humber",
)

# Words that name the kind of council or the document, not the place.
_NOISE = {
    "county", "city", "council", "metropolitan", "borough", "district", "mbc", "cc", "lbc", "mdc",
    "the", "london", "royal", "of", "winterbourne", "view", "wv", "wvjip", "jip", "local", "stocktake",
    "return", "returns", "response", "final", "draft", "v1", "v2", "v3", "copy", "xlsx", "xls", "csv",
    "txt", "nhs", "ccg", "ccgs", "and", "partnership", "analysis", "of",
}
_FUZZY_CUTOFF = 86.0


@dataclass(frozen=True)
class Locality:
    name: str
    region: str
    type: str


@dataclass(frozen=True)
class LocalityMatch:
    locality: Locality
    score: float  # 0..1, 1 = exact name or alias
    query: str


def _key(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_noise(key: str) -> str:
    words = [w for w in key.split() if w not in _NOISE and not w.isdigit()]
    return " ".join(words)


class Localities:
    """All localities, looked up by name, alias or a fuzzy match of either."""

    def __init__(self, rows: list[tuple[Locality, list[str]]]):
        self.all = [loc for loc, _ in rows]
        self.by_name = {loc.name: loc for loc in self.all}
        self._exact: dict[str, Locality] = {}
        self._stripped: dict[str, Locality] = {}
        for loc, aliases in rows:
            for form in [loc.name, *aliases]:
                self._exact.setdefault(_key(form), loc)
                s = _strip_noise(_key(form))
                if s:
                    self._stripped.setdefault(s, loc)
        self._choices = list(self._stripped)

    def __len__(self) -> int:
        return len(self.all)

    def match(self, text: str | None) -> LocalityMatch | None:
        """Return the best match for `text` (a name, alias or file name), or None."""
        if not text or not text.strip():
            return None
        key = _key(Path(text).stem if re.search(r"\.(xlsx|xls|csv|txt)$", text, re.I) else text)
        if key in self._exact:
            return LocalityMatch(self._exact[key], 1.0, text)
        stripped = _strip_noise(key)
        if stripped in self._stripped:
            return LocalityMatch(self._stripped[stripped], 1.0, text)
        # A file name or title: look for the longest run of words that names a locality.
        words = key.split()
        for size in range(min(5, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                gram = " ".join(words[i : i + size])
                loc = self._exact.get(gram) or self._stripped.get(gram)
                if loc and gram not in _NOISE:
                    return LocalityMatch(loc, 0.95, text)
        if not stripped:
            return None
        from rapidfuzz import fuzz, process

        best = process.extract(stripped, self._choices, scorer=fuzz.ratio, limit=3, score_cutoff=_FUZZY_CUTOFF)
        if not best:
            return None
        top = self._stripped[best[0][0]]
        # Two different places almost equally close: refuse to guess.
        for other, score, _ in best[1:]:
            if self._stripped[other] != top and best[0][1] - score < 3:
                return None
        return LocalityMatch(top, round(best[0][1] / 100, 3), text)


@lru_cache(maxsize=2)
def _load(path: str) -> Localities:
    rows = []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                if row.get("region") not in REGIONS:
                    raise WvtextError(f"{path}, row {i}: region {row.get('region')!r} is not an ADASS region.")
                aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
                rows.append((Locality(row["name"].strip(), row["region"], row.get("type", "")), aliases))
    except FileNotFoundError:
        raise WvtextError(f"localities file not found at {path}.")
    return Localities(rows)


def load_localities(path: Path | None = None) -> Localities:
    """Return the localities table (default: `corpus/localities.csv`)."""
    if path is None:
        from .paths import corpus_dir

        path = corpus_dir() / "localities.csv"
    return _load(str(path))
