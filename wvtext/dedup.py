"""Near-duplicate good-practice items: the same example submitted twice is one example.

Consumes: items (dicts with `item_id`, `title`, `description` and optionally `locality`,
`region`, `source`, as `ingest.read_input` returns them), or plain strings.
Produces: a `DuplicateResult`: every scored candidate pair (score 0..1, 1 = surely the same
example) and the duplicate groups, each member kept with its provenance.

A council and its CCG often sent in the same example, reworded, shortened, with figures rounded
and a new title; that is one example. Two areas' similar schemes on the same topic are not, even
when they share the national template's wording. So a pair's score combines

- `fuzzy`: a RapidFuzz scorer (default `token_set_ratio`) on the normalised descriptions
  (lower case, plural and spelling variants folded, common abbreviations spelled out, numbers
  folded to `#`, stop words dropped), which forgives reordering and shortening;
- `content`: the share of the shorter item's distinctive words (weighted by IDF over the
  input) that the other item also uses, which forgives rewording of the glue but not of the
  specifics;
- `cosine`: TF-IDF cosine of title + description;

and then lowers it when the shorter item covers less than `min_coverage` (0.3) of the longer
one's distinctive words (a one-line item whose words all occur in a whole strategy is not the same
example as the strategy, though the first two kinds of evidence call it a match), when the two
items are placed in different areas (their `locality`, or
else `region`, plus the places their text names, do not overlap; not when the descriptions are the
same word for word) or cite figures that are not the same up to rounding (17 vs "nearly 20" is
rounding; 8 vs 14 or 2012 vs 2014 is not).

Candidate pairs come from TF-IDF nearest neighbours (blocking), so the work grows with
`n * neighbours`, not `n**2`; groups are formed with average linkage by default (every merge
must keep the mean pair score above the threshold), which stops chains of loosely similar
items from collapsing into one group.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = ["find_near_duplicates", "DuplicatePair", "DuplicateGroup", "DuplicateResult", "SCORERS", "LINKAGES",
           "normalise_words", "strip_places"]


def _scorers() -> dict[str, Callable[[str, str], float]]:
    from rapidfuzz import fuzz

    return {
        "token_set_ratio": fuzz.token_set_ratio,
        "token_sort_ratio": fuzz.token_sort_ratio,
        "ratio": fuzz.ratio,
        "partial_ratio": fuzz.partial_ratio,
        "WRatio": fuzz.WRatio,
    }


SCORERS = ("token_set_ratio", "token_sort_ratio", "ratio", "partial_ratio", "WRatio")
LINKAGES = ("average", "complete", "single")

# -- text normalisation (shared with cluster.py) ------------------------------------

# Abbreviations the returns use interchangeably with the words; spelled out so that a
# resubmission that writes "learning disability" for "LD" still matches.
_ABBREVIATIONS = {
    "ld": "learning disability", "qa": "quality assurance", "chc": "continuing health care",
    "ccg": "clinical commissioning group", "lac": "looked after child", "atu": "assessment treatment unit",
    "mdt": "multi disciplinary team", "hwb": "health wellbeing board", "hwbb": "health wellbeing board",
    "pbs": "positive behaviour support", "jsna": "joint strategic needs assessment",
    "phb": "personal health budget", "kpi": "key performance indicator", "dol": "deprivation liberty safeguard",
    "dols": "deprivation liberty safeguard", "mca": "mental capacity act", "mha": "mental health act",
    "cqc": "care quality commission", "bcf": "better care fund", "imha": "independent mental health advocate",
    "imca": "independent mental capacity advocate", "cpa": "care programme approach",
}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12,
}
# "section 75", "Sec 75", "s.117": statute references are names, not figures.
_SECTION_RE = re.compile(r"\b(?:section|sec|s)\s*\.?\s*(\d{2,3})\b", re.I)
_NUMBER_RE = re.compile(r"(?<![\w.])([£$])?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(%|m\b|k\b|bn\b|million\b)?", re.I)
_WORD_RE = re.compile(r"(?:[^\W_]|[£$%#])+(?:'[^\W\d_]+)?")  # letters of any alphabet ("café"), digits, £$%#
_HYPHEN_PREFIX_RE = re.compile(r"\b(co|pre|re|non|multi|sub|inter|cross|self|well|anti|post)-(?=[a-z])", re.I)
_STOP: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        _STOP = frozenset(ENGLISH_STOP_WORDS) | {"will", "also", "s"}
    return _STOP


def _spelling() -> dict[str, str]:
    from .themes.lexicon import load_lexicon

    try:
        return dict(load_lexicon().spelling)
    except Exception:  # a broken lexicon must not stop duplicate detection
        return {}


_SPELLING: dict[str, str] | None = None
_WORD_CACHE: dict[str, str] = {}
_PLACES: "_Places | None" = None


def strip_places(text: str) -> str:
    """Return `text` without the localities and regions it names."""
    global _PLACES
    if _PLACES is None:
        _PLACES = _Places()
    return _PLACES.strip(text)


def _word(w: str) -> str:
    """One normalised word: lower case, spelling variant corrected, regular plural folded."""
    got = _WORD_CACHE.get(w)
    if got is None:
        global _SPELLING
        if _SPELLING is None:
            _SPELLING = _spelling()
        from .themes.lexicon import normalize_word

        got = normalize_word(w, _SPELLING)
        if got.endswith("'s"):
            got = got[:-2]
        if len(_WORD_CACHE) < 200_000:
            _WORD_CACHE[w] = got
    return got


_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+", re.I)


def normalise_words(text: str, *, fold_numbers: bool = True, stop_words: bool = False,
                    expand: bool = True) -> list[str]:
    """Return the words `text` is compared on (links and e-mail addresses left out): lower case,
    `&` as "and", hyphenated prefixes
    joined ("co-ordinator" -> "coordinator"), abbreviations spelled out, statute references as
    one word ("Sec 75" -> "s75"), figures as "#" (or dropped when `fold_numbers` is False),
    plurals and spelling variants folded; stop words dropped when `stop_words` is True;
    abbreviations kept as they are when `expand` is False."""
    text = _URL_RE.sub(" ", text or "").replace("&", " and ")  # a link's pieces are no words of the text
    text = _SECTION_RE.sub(lambda m: f" s{m.group(1)} ", text)
    text = _HYPHEN_PREFIX_RE.sub(r"\1", text).lower().replace("-", " ").replace("/", " ")
    text = _NUMBER_RE.sub(" # ", text)
    out: list[str] = []
    stop = _stop_words() if stop_words else frozenset()
    for raw in _WORD_RE.findall(text):
        if raw in _NUMBER_WORDS:
            raw = "#"
        if raw == "#" or raw.strip("£$%").isdigit():
            if fold_numbers:
                out.append("#")
            continue
        w = _word(raw)
        expansion = _ABBREVIATIONS.get(w) if expand else None
        words = expansion.split() if expansion else [w]
        out.extend(x for x in words if x not in stop and x.strip("'"))
    return out


# -- figures -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    value: float
    year: bool


def _figures(text: str) -> list[_Figure]:
    text = _SECTION_RE.sub(" ", text or "")
    out = []
    for m in _NUMBER_RE.finditer(text):
        cur, digits, unit = m.group(1), m.group(2), (m.group(3) or "").lower()
        try:
            value = float(digits.replace(",", ""))
        except ValueError:
            continue
        if unit in ("m", "million"):
            value *= 1e6
        elif unit == "bn":
            value *= 1e9
        elif unit == "k":
            value *= 1e3
        year = not cur and not unit and value.is_integer() and 1950 <= value <= 2050 and len(digits) == 4
        out.append(_Figure(value, year))
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _NUMBER_WORDS:
            out.append(_Figure(float(_NUMBER_WORDS[w]), False))
    return out


def _same_figure(a: _Figure, b: _Figure) -> bool:
    if a.year or b.year:
        return a.year == b.year and a.value == b.value
    hi = max(abs(a.value), abs(b.value))
    if hi < 10:
        return a.value == b.value
    # Rounding: "17" and "nearly 20", "£3.1m" and "£3m".
    return abs(a.value - b.value) <= 0.15 * hi


def _figure_conflict(fa: list[_Figure], fb: list[_Figure]) -> float:
    """Share (0..1) of the figures that have no counterpart, when both items cite figures."""
    if not fa or not fb:
        return 0.0
    unmatched = sum(1 for a in fa if not any(_same_figure(a, b) for b in fb))
    unmatched += sum(1 for b in fb if not any(_same_figure(b, a) for a in fa))
    return unmatched / (len(fa) + len(fb))


# -- places --------------------------------------------------------------------------

class _Places:
    """Finds the localities and regions an item is placed in or names in its text."""

    _JOIN = {"and", "of", "upon", "on", "with", "the"}

    def __init__(self) -> None:
        from .localities import REGIONS, load_abbreviations, load_localities

        try:
            locs = load_localities()
            self.names = {loc.name: loc.region for loc in locs.all}
            short_forms = load_abbreviations()
        except Exception:
            self.names, short_forms = {}, {}
        self.regions = set(REGIONS)
        self.keys: dict[str, tuple[str, str]] = {}
        for name in self.names:
            self.keys[self._key(name)] = ("locality", name)
        for reg in REGIONS:
            self.keys.setdefault(self._key(reg), ("region", reg))
        # a county's or city's short form written as a word ("Leics", "Notts", "Nottm")
        for short, (long, _before) in short_forms.items():
            if self.keys.get(self._key(long), ("",))[0] == "locality":
                self.keys.setdefault(short, self.keys[self._key(long)])
        self.max_len = max((k.count(" ") + 1 for k in self.keys), default=1)

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"[^a-z]+", " ", text.lower()).strip()

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """Return (start, end, kind, name) of each locality or region named in `text`
        (capitalised words only, so "reading the report" is not Reading)."""
        found = list(re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)*(?:'s)?", text or ""))
        toks = [m.group(0) for m in found]
        out = []
        i = 0
        while i < len(toks):
            if not toks[i][:1].isupper():
                i += 1
                continue
            hit = None
            for n in range(min(self.max_len + 2, len(toks) - i), 0, -1):
                span = toks[i : i + n]
                if not span[-1][:1].isupper() or any(not t[:1].isupper() and t.lower() not in self._JOIN for t in span):
                    continue
                key = self._key(" ".join(t[:-2] if t.endswith("'s") else t for t in span))
                if key in self.keys:
                    hit = (n, self.keys[key])
                    break
            if hit:
                n, (kind, name) = hit
                out.append((found[i].start(), found[i + n - 1].end(), kind, name))
                i += n
            else:
                i += 1
        return out

    def mentioned(self, text: str) -> tuple[set[str], set[str]]:
        """Return (localities, regions) named in `text`."""
        locs, regs = set(), set()
        for _, _, kind, name in self.spans(text):
            (locs if kind == "locality" else regs).add(name)
        return locs, regs

    def strip(self, text: str) -> str:
        """Return `text` without the place names in it (for grouping by topic, not by area)."""
        spans = self.spans(text)
        for start, end, _, _ in reversed(spans):
            text = text[:start] + " " + text[end:]
        return text

    def of_item(self, item: Mapping) -> tuple[frozenset[str], frozenset[str]]:
        locs, regs = self.mentioned(f"{item.get('title') or ''}. {item.get('description') or ''}")
        loc = item.get("locality") or ""
        if loc in self.names:
            locs.add(loc)
        reg = item.get("region") or ""
        if reg in self.regions:
            regs.add(reg)
        regs |= {self.names[l] for l in locs if l in self.names}
        return frozenset(locs), frozenset(regs)


# Two areas that sent the same description word for word (a scheme they run together, one text
# passed on) sent one example: the place penalty is for two areas' own schemes told alike. Only for
# a description of some length (the normalised words, stop words dropped, of about 12 words or
# more): two one-line items such as "Crisis beds." say too little to be called the same example.
_SAME_WORDS_CHARS = 80


def _place_conflict(pa: tuple[frozenset, frozenset], pb: tuple[frozenset, frozenset]) -> bool:
    """Different areas: localities known on both sides and disjoint, or else regions disjoint."""
    (la, ra), (lb, rb) = pa, pb
    if la and lb:
        return not (la & lb)
    if ra and rb:
        return not (ra & rb)
    return False


# -- results -------------------------------------------------------------------------

@dataclass(frozen=True)
class DuplicatePair:
    """One scored candidate pair. All scores are in [0, 1], 1 = more alike."""

    a: str
    b: str
    score: float  # the near-duplicate score: similarity after the penalties
    similarity: float  # weighted fuzzy/content/cosine before the penalties
    fuzzy: float
    content: float
    cosine: float
    place_conflict: bool
    figure_conflict: float  # share of figures without a counterpart, 0 when either cites none
    is_duplicate: bool  # score >= threshold (group membership also depends on the linkage)
    coverage: float = 1.0  # share of the longer item's distinctive words (IDF-weighted) the shorter also uses
    same_words: bool = False  # the same description word for word: different areas do not lower the score

    @property
    def reasons(self) -> str:
        why = [f"fuzzy {self.fuzzy:.2f}", f"content {self.content:.2f}", f"cosine {self.cosine:.2f}"]
        if self.place_conflict:
            why.append("different areas, the same words" if self.same_words else "different areas")
        if self.figure_conflict:
            why.append(f"different figures ({self.figure_conflict:.0%} unmatched)")
        if self.coverage < 1.0:
            why.append(f"covers {self.coverage:.0%} of the longer item")
        return ", ".join(why)


@dataclass(frozen=True)
class DuplicateGroup:
    """Items that are one example. `canonical` is the fullest member (longest description)."""

    group_id: str
    item_ids: tuple[str, ...]
    canonical: str
    min_score: float
    mean_score: float
    members: tuple[dict, ...]  # provenance: item_id, title, source, locality, region


@dataclass
class DuplicateResult:
    """What `find_near_duplicates` found.

    `pairs`: every candidate pair that was scored, best first. `groups`: groups of two or more
    items, ordered by their first item id, each named `dg-<canonical item id>`. `item_scores`: per item, `near_duplicate_score`
    (its best pair score, 0..1) and `is_near_duplicate_issue` (it belongs to a group).
    """

    item_ids: list[str]
    pairs: list[DuplicatePair]
    groups: list[DuplicateGroup]
    threshold: float
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._group_of = {i: g.group_id for g in self.groups for i in g.item_ids}
        best: dict[str, float] = {}
        for p in self.pairs:
            best[p.a] = max(best.get(p.a, 0.0), p.score)
            best[p.b] = max(best.get(p.b, 0.0), p.score)
        self._best = best

    def group_of(self, item_id: str) -> str:
        """The item's duplicate group id, or "" when it has no near-duplicate."""
        return self._group_of.get(item_id, "")

    @property
    def item_scores(self) -> dict[str, dict]:
        return {i: {"near_duplicate_score": round(self._best.get(i, 0.0), 4),
                    "is_near_duplicate_issue": i in self._group_of} for i in self.item_ids}

    def units(self) -> list[list[str]]:
        """Every item once: each group as one list, every other item alone; in input order."""
        seen, out = set(), []
        members = {g.group_id: list(g.item_ids) for g in self.groups}
        for i in self.item_ids:
            if i in seen:
                continue
            gid = self._group_of.get(i)
            unit = members[gid] if gid else [i]
            seen.update(unit)
            out.append(unit)
        return out

    def duplicate_pairs(self) -> set[tuple[str, str]]:
        """All pairs of items placed in the same group (what a pair evaluation counts)."""
        out = set()
        for g in self.groups:
            ids = sorted(g.item_ids)
            out.update((x, y) for k, x in enumerate(ids) for y in ids[k + 1:])
        return out


# -- the function --------------------------------------------------------------------

def _as_items(items: Iterable) -> list[dict]:
    out = []
    for k, it in enumerate(items):
        if isinstance(it, str):
            out.append({"item_id": str(k), "title": "", "description": it})
        elif isinstance(it, Mapping):
            d = dict(it)
            d["item_id"] = str(d.get("item_id", k))
            out.append(d)
        else:
            raise TypeError(f"items must be dicts (item_id, title, description, ...) or strings, not {type(it).__name__}.")
    ids = [d["item_id"] for d in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"item_id {dup!r} appears more than once; item ids must be unique.")
    return out


def _check_fraction(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1]. Got {value!r} instead.")
    return float(value)


def find_near_duplicates(
    items: Iterable[Mapping | str],
    *,
    threshold: float = 0.7,
    scorer: str | Callable[[str, str], float] = "token_set_ratio",
    linkage: str = "average",
    neighbours: int = 10,
    min_cosine: float = 0.15,
    weights: tuple[float, float, float] = (0.5, 0.25, 0.25),
    place_penalty: float = 0.5,
    figure_penalty: float = 0.5,
    min_coverage: float = 0.3,
) -> DuplicateResult:
    """Return the near-duplicate pairs and groups among `items`, with scores in [0, 1].

    Parameters
    ----------
    items : iterable of dict or str
        Items with `item_id`, `title`, `description` and optionally `locality`, `region`,
        `source` (as `read_input(...).items`); plain strings get ids "0", "1", ...
    threshold : float, default=0.7
        Pairs scoring at least this are near-duplicates (0..1, 1 = identical).
    scorer : str or callable, default="token_set_ratio"
        The RapidFuzz scorer for the `fuzzy` evidence: one of `SCORERS`, or a callable
        `(str, str) -> 0..100`.
    linkage : {"average", "complete", "single"}, default="average"
        How pairs become groups: "single" is connected components; "average" and "complete"
        only merge two groups when the mean (or the lowest) score over all their cross pairs
        stays at or above `threshold`.
    neighbours : int, default=10
        Candidate pairs per item (TF-IDF nearest neighbours); pairs outside them are not scored.
    min_cosine : float, default=0.15
        Candidates below this TF-IDF cosine are not scored.
    weights : (float, float, float), default=(0.5, 0.25, 0.25)
        Weights of the fuzzy, content and cosine evidence; they are normalised to sum to 1.
    min_coverage : float, default=0.3
        The score is multiplied by `coverage / min_coverage` when the shared distinctive words
        (IDF-weighted) make up less than this share of the longer item's (0 turns this off).
        Every labelled near-duplicate pair covers 0.41 or more.
    place_penalty, figure_penalty : float, default=0.5
        The score is multiplied by `1 - place_penalty` when the items are placed in different
        areas (not when their descriptions are the same word for word), and by `1 - figure_penalty * share` when `share` of their figures differ.

    Returns
    -------
    DuplicateResult
        `pairs` (each with `score`, its evidence and `is_duplicate`), `groups` (with members'
        provenance), `group_of(item_id)`, `units()` and `item_scores`.

    Examples
    --------
    >>> res = find_near_duplicates([
    ...     {"item_id": "a", "title": "Crisis beds", "description": "Two local respite beds are kept for crisis."},
    ...     {"item_id": "b", "title": "Respite for crisis", "description": "2 respite beds kept locally for crises."},
    ...     {"item_id": "c", "title": "Advocacy", "description": "Everyone in hospital has an independent advocate."}])
    >>> [g.item_ids for g in res.groups]
    [('a', 'b')]
    """
    threshold = _check_fraction("threshold", threshold)
    place_penalty = _check_fraction("place_penalty", place_penalty)
    figure_penalty = _check_fraction("figure_penalty", figure_penalty)
    min_coverage = _check_fraction("min_coverage", min_coverage)
    min_cosine = _check_fraction("min_cosine", min_cosine)
    if isinstance(scorer, str):
        table = _scorers()
        if scorer not in table:
            raise ValueError(f"The 'scorer' parameter must be a str among {sorted(table)} or a callable. Got {scorer!r} instead.")
        score_fn = table[scorer]
    elif callable(scorer):
        score_fn = scorer
    else:
        raise ValueError(f"The 'scorer' parameter must be a str among {list(SCORERS)} or a callable. Got {scorer!r} instead.")
    if linkage not in LINKAGES:
        raise ValueError(f"The 'linkage' parameter must be a str among {list(LINKAGES)}. Got {linkage!r} instead.")
    if not isinstance(neighbours, int) or neighbours < 1:
        raise ValueError(f"The 'neighbours' parameter must be an int >= 1. Got {neighbours!r} instead.")
    w = np.asarray(weights, dtype=float)
    if w.shape != (3,) or (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"The 'weights' parameter must be three non-negative numbers, not all 0. Got {weights!r} instead.")
    w = w / w.sum()

    given = _as_items(items)
    input_ids = [d["item_id"] for d in given]
    # Work in item-id order so that the input order cannot change a tie or a merge.
    docs = sorted(given, key=lambda d: d["item_id"])
    ids = [d["item_id"] for d in docs]
    params = dict(threshold=threshold, scorer=scorer if isinstance(scorer, str) else getattr(scorer, "__name__", "callable"),
                  linkage=linkage, neighbours=neighbours, min_cosine=min_cosine, weights=[round(x, 4) for x in w],
                  place_penalty=place_penalty, figure_penalty=figure_penalty, min_coverage=min_coverage)
    if len(docs) < 2:
        return DuplicateResult(input_ids, [], [], threshold, params)

    full = [f"{d.get('title') or ''}. {d.get('description') or ''}" for d in docs]
    desc = [(d.get("description") or d.get("title") or "") for d in docs]
    content_words = [normalise_words(t, fold_numbers=False, stop_words=True) for t in full]
    fuzzy_text = [" ".join(normalise_words(t, stop_words=True)) for t in desc]

    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2", dtype=np.float32)
    try:
        X = vec.fit_transform(content_words)
    except ValueError:  # no words at all (empty or numbers-only texts)
        return DuplicateResult(input_ids, [], [], threshold, params)
    if X.shape[1] == 0:
        return DuplicateResult(input_ids, [], [], threshold, params)
    idf = vec.idf_
    vocab = vec.vocabulary_
    word_sets = [frozenset(vocab[t] for t in ws if t in vocab) for ws in content_words]
    global _PLACES
    places = _PLACES = _PLACES or _Places()
    where = [places.of_item(d) for d in docs]
    figures = [_figures(d.get("description") or "") for d in docs]

    candidates = _candidate_pairs(X, neighbours=neighbours, min_cosine=min_cosine)

    def score_pair(i: int, j: int, cos: float) -> DuplicatePair:
        fz = score_fn(fuzzy_text[i], fuzzy_text[j]) / 100.0 if fuzzy_text[i] and fuzzy_text[j] else 0.0
        sa, sb = word_sets[i], word_sets[j]
        wa, wb = float(idf[list(sa)].sum()) if sa else 0.0, float(idf[list(sb)].sum()) if sb else 0.0
        shared = sa & sb
        ws = float(idf[list(shared)].sum()) if shared else 0.0
        ct = ws / min(wa, wb) if shared and min(wa, wb) > 0 else 0.0
        cover = ws / max(wa, wb) if shared else 0.0
        sim = float(w[0] * fz + w[1] * min(ct, 1.0) + w[2] * min(max(cos, 0.0), 1.0))
        pc = _place_conflict(where[i], where[j])
        same = pc and len(fuzzy_text[i]) >= _SAME_WORDS_CHARS and fuzzy_text[i] == fuzzy_text[j]
        fc = _figure_conflict(figures[i], figures[j])
        s = sim * (1.0 - place_penalty if pc and not same else 1.0) * (1.0 - figure_penalty * fc)
        if min_coverage:
            s *= min(cover / min_coverage, 1.0)
        s = min(max(s, 0.0), 1.0)
        a, b = (i, j) if ids[i] <= ids[j] else (j, i)
        return DuplicatePair(ids[a], ids[b], round(s, 4), round(sim, 4), round(fz, 4), round(ct, 4), round(cos, 4),
                             pc, round(fc, 4), s >= threshold, round(min(cover, 1.0), 4), same)

    scored: dict[tuple[int, int], DuplicatePair] = {}
    for (i, j), cos in candidates.items():
        scored[(i, j)] = score_pair(i, j, cos)

    def pair_score(i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        p = scored.get(key)
        if p is None:
            cos = float(X[key[0]].multiply(X[key[1]]).sum())
            p = scored[key] = score_pair(key[0], key[1], cos)
        return p.score

    clusters = _link([k for k, p in scored.items() if p.score >= threshold], scored, pair_score,
                     linkage=linkage, threshold=threshold)
    groups = []
    for members in clusters:
        if len(members) < 2:
            continue
        member_ids = sorted(ids[m] for m in members)
        idx = {ids[m]: m for m in members}
        scores = [pair_score(idx[x], idx[y]) for k, x in enumerate(member_ids) for y in member_ids[k + 1:]]
        canonical = max(member_ids, key=lambda i: (len(docs[idx[i]].get("description") or ""), _neg(i)))
        groups.append(DuplicateGroup(
            group_id=f"dg-{canonical}",
            item_ids=tuple(member_ids),
            canonical=canonical,
            min_score=round(min(scores), 4),
            mean_score=round(sum(scores) / len(scores), 4),
            members=tuple({k: docs[idx[i]].get(k, "") or "" for k in ("item_id", "title", "source", "locality", "region")}
                          for i in member_ids),
        ))
    groups.sort(key=lambda g: g.item_ids[0])
    pairs = sorted(scored.values(), key=lambda p: (-p.score, p.a, p.b))
    return DuplicateResult(input_ids, pairs, groups, threshold, params)


def _neg(s: str) -> tuple:
    # Tie-break on the smaller id: max() with the negated code points.
    return tuple(-ord(c) for c in s)


def _identity(x):
    return x


def _candidate_pairs(X, *, neighbours: int, min_cosine: float, chunk: int = 1024) -> dict[tuple[int, int], float]:
    """Top-`neighbours` TF-IDF cosine neighbours of every row (blocking), as {(i, j): cosine} with i < j."""
    n = X.shape[0]
    k = min(neighbours, n - 1)
    XT = X.T.tocsr()
    out: dict[tuple[int, int], float] = {}
    for start in range(0, n, chunk):
        S = (X[start:start + chunk] @ XT).toarray()
        rows = np.arange(S.shape[0])
        S[rows, rows + start] = -1.0
        top = np.argpartition(-S, k - 1, axis=1)[:, :k] if k < n else np.argsort(-S, axis=1)[:, :k]
        for r in range(S.shape[0]):
            i = start + r
            for j in top[r]:
                c = float(S[r, j])
                if c < min_cosine or j == i:
                    continue
                key = (i, int(j)) if i < j else (int(j), i)
                out[key] = c
    return out


def _link(edges: Sequence[tuple[int, int]], scored: Mapping, pair_score: Callable[[int, int], float], *,
          linkage: str, threshold: float) -> list[list[int]]:
    """Merge items into groups along `edges`, best pair first, under the linkage rule."""
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in sorted(edges, key=lambda e: (-scored[e].score, e)):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        mi, mj = members.get(ri, [ri]), members.get(rj, [rj])
        if linkage != "single":
            cross = [pair_score(a, b) for a in mi for b in mj]
            agg = min(cross) if linkage == "complete" else sum(cross) / len(cross)
            if agg < threshold:
                continue
        root, other = (ri, rj) if ri < rj else (rj, ri)
        parent[other] = root
        members[root] = sorted(mi + mj)
        members.pop(other, None)
    return [m for r, m in sorted(members.items())]
