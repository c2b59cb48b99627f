"""The stocktake's localities (152 upper-tier council areas of 2013) and their
ADASS region, with fuzzy lookup so that "Leics", "Leicestershire CC", "N Somerset" or a file
name such as "27_leicestershire_stocktake.xlsx" finds the right one. A short alias ("BANES",
"Leics") is matched only as written: "Barnes" is not BANES.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import WvtextError

__all__ = ["REGIONS", "Locality", "LocalityMatch", "Localities", "load_localities", "load_abbreviations",
           "abbreviations_path"]

REGIONS = (
    "East Midlands", "East of England", "London", "North East", "North West",
    "South East", "South West", "West Midlands", "Yorkshire and Humber",
)
ABBREVIATIONS_FILE = "locality_abbreviations.csv"

# Words that name the kind of council or the document, not the place.
_NOISE = {
    "county", "city", "council", "metropolitan", "borough", "district", "mbc", "cc", "lbc", "mdc",
    "the", "london", "royal", "of", "winterbourne", "view", "wv", "wvjip", "jip", "local", "stocktake",
    "return", "returns", "response", "final", "draft", "v1", "v2", "v3", "copy", "xlsx", "xls", "csv",
    "txt", "nhs", "ccg", "ccgs", "and", "partnership", "analysis", "of",
}
_FUZZY_CUTOFF = 86.0
# An alias of this many letters or fewer that is no locality's own name ("BANES", "Leics", "Nottm",
# "LBBD") matches only as written: one letter more or less makes another word of it ("Barnes" is
# not BANES, a district of Richmond upon Thames), so a near spelling of it is never taken.
_SHORT_ALIAS = 6
# Words that make a different place of the name beside them: "Newcastle-under-Lyme" is not
# Newcastle upon Tyne, "Greater Manchester" not Manchester, "New York" not York.
_OTHER_PLACE = {"greater", "new", "upon", "under", "on", "upper", "lower", "inner", "outer"}
# A direction beside a name mostly names a part of that area ("South Warwickshire CCG" is in
# Warwickshire), except where another locality's own name holds that name with a direction
# ("South Somerset" may be North Somerset or Bath and North East Somerset, not Somerset); and a
# fuzzy match never swaps one side for another ("South Yorkshire" is not North Yorkshire).
_DIRECTIONS = {"north", "south", "east", "west", "ne", "nw", "se", "sw", "northern", "southern", "eastern",
               "western", "central", "mid"}
# Words that a fuzzy match (or a match on some of a name's words) must have on both sides or on
# neither: "Greater Manchester" is not Manchester, "East Lincolnshire" not North East Lincolnshire.
_QUALIFIERS = _DIRECTIONS | {"greater", "new", "inner", "outer", "upper", "lower"}


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
    how: str = "exact"  # "exact" (a name or alias), "part" (one found among other words), "spelling" (a near spelling)


def _key(text: str) -> str:
    text = re.sub(r"['\u2019]s\b", "", text.lower())  # "Somerset's" is Somerset, not "Somerset S(outh)"
    text = re.sub(r"['\u2019]", "", text).replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _split_camel(text: str) -> str:
    """Words run together in a file name apart: "NSomerset" -> "N Somerset", "SGlosCC" -> "S Glos CC"."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", text)


def _strip_noise(key: str) -> str:
    words = [w for w in key.split() if w not in _NOISE and not w.isdigit()]
    return " ".join(words)


class Localities:
    """All localities, looked up by name, alias or a fuzzy match of either."""

    def __init__(self, rows: list[tuple[Locality, list[str]]],
                 abbreviations: dict[str, tuple[str, bool]] | None = None):
        # short form -> (what it stands for, whether only before another word: "N Somerset")
        self.abbreviations = dict(abbreviations or {})
        self.all = [loc for loc, _ in rows]
        self.by_name = {loc.name: loc for loc in self.all}
        self._exact: dict[str, Locality] = {}
        self._stripped: dict[str, Locality] = {}
        # Whether a locality's own name or an alias calls it a city, or a county: "Notts City" is
        # not Nottinghamshire, "Nottingham County Council" not Nottingham.
        self._says: dict[Locality, set[str]] = {}
        for loc, aliases in rows:
            says = self._says.setdefault(loc, set())
            for form in [loc.name, *aliases]:
                # Written out ("north east lincolnshire"), and as written for a fuzzy match of a
                # slip in an abbreviation ("Norhants").
                for key in dict.fromkeys((self._expand(_key(form)), _key(form))):
                    says |= set(key.split()) & {"city", "county"}
                    self._exact.setdefault(key, loc)
                    s = _strip_noise(key)
                    if s:
                        self._stripped.setdefault(s, loc)
        # What a near spelling may match: every name and alias, but the short aliases.
        names = {_strip_noise(self._expand(_key(loc.name))) for loc in self.all}
        self._choices = [c for c in self._stripped if c in names or len(c.replace(" ", "")) > _SHORT_ALIAS]
        self._words = {c: frozenset(c.split()) for c in self._stripped}  # each stripped name's words
        # each stripped name's qualifiers, abbreviations written out ("ne lincs": north, east)
        self._quals = {c: frozenset(self._expand(c).split()) & _QUALIFIERS for c in self._stripped}
        # directions and their short forms ("north", "n", "nth", "ne")
        self._direction_forms = _DIRECTIONS | {short for short, (long, _) in self.abbreviations.items()
                                               if set(long.split()) <= _DIRECTIONS}

    def __len__(self) -> int:
        return len(self.all)

    def _expand(self, key: str) -> str:
        """Write out the abbreviations of a key: "n e lincs" -> "north east lincolnshire"."""
        words = key.split()
        out = []
        for i, w in enumerate(words):
            long, before_a_word = self.abbreviations.get(w, (w, False))
            out.append(w if before_a_word and i == len(words) - 1 else long)
        return " ".join(out)

    def _city_of_county(self, key: str) -> str:
        """ "notts city" -> "nottingham city": a county's short form beside "city" names the city
        that gives the county its name, where both are localities ("Leics City" is Leicester; not
        "Yorks City": Yorkshire is none; not "North Notts City")."""
        words = key.split()
        for i, w in enumerate(words):
            long = self.abbreviations.get(w, ("", False))[0]
            beside = words[max(i - 1, 0) : i] + words[i + 1 : i + 2]
            before = self.abbreviations.get(words[i - 1], (words[i - 1], False))[0] if i else ""
            if ("city" in beside and long.endswith("shire") and long in self._stripped
                    and long[:-5] in self._stripped and not set(before.split()) & _QUALIFIERS):
                words[i] = long[:-5]
        return " ".join(words)

    def _clash(self, words: set[str], loc: Locality) -> bool:
        """Whether the query calls a county a city ("Lincs City") or a city a county."""
        says = self._says.get(loc, set())
        return ("city" in words and "city" not in says) or ("county" in words and "county" not in says
                                                              and "city" in says)

    def _directed_elsewhere(self, gram: str, loc: Locality) -> bool:
        """Whether another locality's name holds `gram` beside a direction ("somerset" in Bath
        and North East Somerset), so that a direction before it may name that other area."""
        words = set(gram.split())
        return any(other != loc and words <= self._words[name] and self._words[name] & _DIRECTIONS
                   for name, other in self._stripped.items())

    def _glued(self, stripped: str) -> bool:
        """Whether a word of the query is a direction run together with a locality's name
        ("northhampshire", "nsomerset"): then a fuzzy match is not to be trusted."""
        for w in stripped.split():
            for d in self._direction_forms:
                rest = w[len(d):]
                if w.startswith(d) and rest and self.abbreviations.get(rest, (rest, False))[0] in self._stripped:
                    return True
        return False

    def _keys(self, text: str) -> list[str]:
        """The query's keys, abbreviations written out: as written, then with words run together
        in a file name apart ("NSomerset")."""
        keys = []
        for form in (text, _split_camel(text)):
            key = self._expand(self._city_of_county(_key(form)))
            if key not in keys:
                keys.append(key)
        return keys

    def match(self, text: str | None) -> LocalityMatch | None:
        """Return the best match for `text` (a name, alias or file name), or None."""
        if not text or not text.strip():
            return None
        keys = self._keys(Path(text).stem if re.search(r"\.(xlsx|xls|csv|txt)$", text, re.I) else text)
        for key in keys:
            if key in self._exact:
                return LocalityMatch(self._exact[key], 1.0, text)
        for key in keys:
            stripped = _strip_noise(key)
            if stripped in self._stripped:
                loc = self._stripped[stripped]
                return None if self._clash(set(key.split()), loc) else LocalityMatch(loc, 1.0, text)
        for key in reversed(keys):  # words run together read apart first: "NorthHampshire"
            found = self._near(key, text)
            if found is not None:
                return found or None  # False: a place found but too uncertain to name
        return None

    def _near(self, key: str, text: str) -> LocalityMatch | bool | None:
        """A match of part of `key` or a fuzzy one; False where one is found but is not certain
        enough; None where none is found."""
        stripped = _strip_noise(key)
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
                other_place = bool(beside & _OTHER_PLACE) or self._clash(beside, loc) or (
                    bool(beside & _DIRECTIONS) and self._directed_elsewhere(gram, loc))
                (modified if other_place else found).add(loc)
            if len(found) == 1 and not modified - found:
                return LocalityMatch(found.pop(), 0.95, text, "part")
            if found or modified:
                # "Birmingham and Solihull", "East Leicestershire and Rutland": two areas, or an
                # area beside part of another; "South Yorkshire": another place.
                return False
        if not stripped:
            return None
        from rapidfuzz import fuzz, process

        asked = set(stripped.split())
        qualified = asked & _QUALIFIERS
        said = set(key.split())
        # The query's words all in one locality's name ("Cheshire West" in Cheshire West and
        # Chester), with the same qualifiers ("East Lincolnshire" is not North East Lincolnshire).
        within = {self._stripped[c] for c in self._stripped
                  if len(asked) >= 2 and asked <= self._words[c] and self._quals[c] == qualified}
        if len(within) == 1:
            loc = within.pop()
            return False if self._clash(said, loc) else LocalityMatch(loc, 0.9, text, "part")
        if within:
            return False
        best, rivals = [], []
        for choice, score, _ in process.extract(stripped, self._choices, scorer=fuzz.ratio, limit=5,
                                                score_cutoff=_FUZZY_CUTOFF):
            loc = self._stripped[choice]
            # A spelling slip, never another side, another kind of council, or the whole name with
            # letters added before or after it ("Yorks" is not York, "nsomerset" not Somerset).
            joined, asked_joined = choice.replace(" ", ""), stripped.replace(" ", "")
            slip = (self._quals[choice] == qualified and not self._clash(said, loc)
                    and (joined == asked_joined or joined not in asked_joined))
            (best if slip else rivals).append((loc, score))
        if not best:
            return None
        if self._glued(stripped):
            # "northhampshire" is North Hampshire (a part of Hampshire), not Northamptonshire
            return False
        top, top_score = best[0]
        # Two different places almost equally close, or a rejected one as close: refuse to guess.
        if any(loc != top and top_score - score < 3 for loc, score in best[1:] + rivals):
            return False
        return LocalityMatch(top, round(top_score / 100, 3), text, "spelling")


def _read_abbreviations(path: Path) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                short, long = _key(row.get("short") or ""), _key(row.get("long") or "")
                if not short or not long or " " in short:
                    raise WvtextError(f"{path}, row {i}: an abbreviation needs one word in 'short' and its 'long' form.")
                out[short] = (long, (row.get("only_before_a_word") or "").strip() in ("1", "yes", "true"))
    except FileNotFoundError:
        raise WvtextError(f"locality abbreviations file not found at {path}.")
    return out


def abbreviations_path(localities_csv: Path | str) -> Path:
    """The abbreviations a localities table is read with: the file beside it, or else the one
    shipped in the checkout's corpus/ (a table kept elsewhere without its own)."""
    beside = Path(localities_csv).with_name(ABBREVIATIONS_FILE)
    shipped = Path(__file__).resolve().parent.parent / "corpus" / ABBREVIATIONS_FILE
    return beside if beside.exists() or not shipped.exists() else shipped


def load_abbreviations(path: Path | None = None) -> dict[str, tuple[str, bool]]:
    """Return the abbreviations written out before matching (default: those beside
    `corpus/localities.csv`): short form -> (long form, only before another word)."""
    if path is None:
        from .paths import corpus_dir

        path = abbreviations_path(corpus_dir() / "localities.csv")
    return _read_abbreviations(Path(path))


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
    return Localities(rows, load_abbreviations(abbreviations_path(path)))


def load_localities(path: Path | None = None) -> Localities:
    """Return the localities table (default: `corpus/localities.csv`), with the abbreviations
    of `locality_abbreviations.csv` beside it."""
    if path is None:
        from .paths import corpus_dir

        path = corpus_dir() / "localities.csv"
    return _load(str(path))
