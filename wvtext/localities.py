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
# Words that make a different place of the name beside them: "Newcastle-under-Lyme" is not
# Newcastle upon Tyne, "Greater Manchester" not Manchester, "New York" not York.
_OTHER_PLACE = {"greater", "new", "upon", "under", "on", "upper", "lower", "inner", "outer"}
# A direction beside a name mostly names a part of that area ("South Warwickshire CCG" is in
# Warwickshire), except where another locality's own name holds that name with a direction
# ("Bath & NE Somerset" is not Somerset); and a fuzzy match never swaps one side for another
# ("South Yorkshire" is not North Yorkshire).
_DIRECTIONS = {"north", "south", "east", "west", "ne", "nw", "se", "sw", "northern", "southern", "eastern",
               "western", "central", "mid"}


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
        self._words = {c: frozenset(c.split()) for c in self._choices}  # each stripped name's words

    def __len__(self) -> int:
        return len(self.all)

    def _directed_elsewhere(self, gram: str, loc: Locality) -> bool:
        """Whether another locality's name holds `gram` beside a direction ("somerset" in Bath
        and North East Somerset), so that a direction before it may name that other area."""
        words = set(gram.split())
        return any(other != loc and words <= self._words[name] and self._words[name] & _DIRECTIONS
                   for name, other in self._stripped.items())

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
        # A file name or title: look for the longest run of words that names a locality, and not
        # beside a word that makes another place of it; two places named alike: refuse to guess.
        words = key.split()
        for size in range(min(5, len(words)), 0, -1):
            found, modified = set(), set()
            for i in range(len(words) - size + 1):
                gram = " ".join(words[i : i + size])
                loc = self._exact.get(gram) or self._stripped.get(gram)
                if not loc or gram in _NOISE:
                    continue
                beside = {words[i - 1] if i else "", words[i + size] if i + size < len(words) else ""}
                other_place = bool(beside & _OTHER_PLACE) or (
                    bool(beside & _DIRECTIONS) and self._directed_elsewhere(gram, loc))
                (modified if other_place else found).add(loc)
            if len(found) == 1 and not modified - found:
                return LocalityMatch(found.pop(), 0.95, text)
            if found or modified:
                # "Birmingham and Solihull", "East Leicestershire and Rutland": two areas, or an
                # area beside part of another; "South Yorkshire": another place.
                return None
        if not stripped:
            return None
        from rapidfuzz import fuzz, process

        asked = set(stripped.split())
        # The query's words all in one locality's name ("Cheshire West" in Cheshire West and Chester).
        within = {self._stripped[c] for c in self._choices if len(asked) >= 2 and asked <= self._words[c]}
        if len(within) == 1:
            return LocalityMatch(within.pop(), 0.9, text)
        best = [b for b in process.extract(stripped, self._choices, scorer=fuzz.ratio, limit=5,
                                           score_cutoff=_FUZZY_CUTOFF)
                if asked & _DIRECTIONS == self._words[b[0]] & _DIRECTIONS]  # a spelling slip, never another side
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
