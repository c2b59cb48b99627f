"""Group good-practice items into labelled collections, as the programme and SCIE did for the
knowledge hub.

Consumes: items (dicts from `ingest.read_input(...).items`), their themes (optional: found with
the theme pipeline when not given) and their near-duplicate groups (`dedup.find_near_duplicates`,
run here when not given). Produces: a `Clustering` whose `items` rows follow the contract of
`DIR/items.csv` (`item_id, collection_id, collection_label, dup_group, themes`, then extras) and
whose `collections` rows follow `DIR/collections.csv` (`collection_id, collection_label, size,
top_terms, themes`, then extras).

How an item is placed, so that a curator can check it:

1. Near-duplicates are one unit (their vectors averaged), so they always share a collection.
2. Each unit is a vector of its words (TF-IDF over title + description, reduced with LSA) and
   of its carried themes (themes.md), joined with `theme_weight` and L2-normalised.
3. Ward clustering builds one tree; the number of collections is the cut, between
   `min_collections` and `max_collections` (from the number of units when not given), with the
   best mean silhouette (cosine).
4. Collections smaller than `min_size` items are dissolved and each of their units attached to
   the nearest remaining collection (marked `attached`).
5. A group whose items carry themes but share none (no theme carried by `topic_share` of them)
   is what the cut left over, not a topic: it is split along its own tree until its parts are
   topics. What fits nowhere (parts and attached units that share no theme with any
   collection, units with no words or themes) goes to one collection labelled "Other practice
   (no shared topic)", listed last, rather than under a label two of its members happen to share.
6. Labels: the collection's dominant themes (carried by at least `theme_share` of its items)
   then its most characteristic terms (class-based TF-IDF, terms shared by two or more of its
   examples, each example weighted by how close it is to the centre); representatives are the
   units nearest the centroid. The `themes` column names the dominant themes, or, where none
   reaches `theme_share`, the commonest ones (their shares in `theme_shares`).
7. `why` says, per item, which themes and terms it shares with its collection and its cosine
   similarity to the centroid (`similarity_to_collection`, 0..1, 1 = at the centre).

Everything is deterministic: units are processed in item-id order, so the same items in any
order give the same collections, and collection ids (`c01`, `c02`, ... by size, then by first
item id) follow from the content.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from .dedup import _URL_RE, DuplicateResult, _stop_words, find_near_duplicates, normalise_words, strip_places

__all__ = ["PracticeClusterer", "cluster_items", "Clustering", "write_outputs", "render_html", "ITEMS_COLUMNS",
           "ITEMS_EXTRA", "COLLECTIONS_COLUMNS", "COLLECTIONS_EXTRA"]

ITEMS_COLUMNS = ("item_id", "collection_id", "collection_label", "dup_group", "themes")
ITEMS_EXTRA = ("title", "locality", "region", "source", "synthetic", "dup_score", "dup_canonical", "similarity_to_collection",
               "representative", "attached", "shared_themes", "shared_terms", "why", "description")
COLLECTIONS_COLUMNS = ("collection_id", "collection_label", "size", "top_terms", "themes")
COLLECTIONS_EXTRA = ("examples", "duplicates", "mean_similarity", "attached", "representatives", "theme_shares",
                     "localities", "regions", "synthetic_items")

Progress = Callable[[str, int, int], None]

# Words that describe any scheme and so never characterise a collection.
_LABEL_STOP = frozenset({
    "ensure", "including", "include", "use", "used", "make", "way", "good", "new", "current", "existing",
    "need", "work", "working", "develop", "development", "developed", "area", "local", "people", "person",
    "individual", "service", "support", "care", "winterbourne", "view", "learning", "disability", "autism",
    "plan", "programme", "also", "place", "appropriate", "required", "requirement", "well", "set", "established",
    "based", "part", "level", "identified", "within", "across", "all", "regular", "regularly", "ongoing",
    # the bodies and roles every example names
    "nhs", "ccg", "council", "health", "social", "commissioner", "commissioning", "partner", "organisation",
    "authority", "adult", "team", "group", "board", "staff", "provider", "service", "order", "key", "number",
    # words of the prose around any scheme
    "idea", "example", "positive", "joint", "jointly", "shared", "share", "sharing", "further", "process",
    "approach", "model", "strategic", "clear", "range", "provide", "able", "year", "time", "month", "monthly",
    "help", "continue", "improve", "using", "case", "wider", "form", "party", "build", "living", "currently",
    "current", "future", "available", "represented", "contact", "identify", "explore", "undertake", "agreed",
    "consider", "considered", "needs", "meet", "understand", "reach", "focus", "outlined", "highlighted",
    "priority", "recognised", "report", "reporting", "enable", "led", "wide", "perspective",
})


def _theme_ids() -> tuple[str, ...]:
    from .themes.lexicon import THEMES

    return THEMES


def _theme_names() -> dict[str, str]:
    from .themes.lexicon import THEME_NAMES

    return THEME_NAMES


def _theme_vector(themes: Mapping | Iterable | None, order: Sequence[str]) -> np.ndarray:
    v = np.zeros(len(order))
    if not themes:
        return v
    index = {t: k for k, t in enumerate(order)}
    if isinstance(themes, Mapping):
        pairs = themes.items()
    elif isinstance(themes, str):
        pairs = ((t, 1.0) for t in themes.split(";") if t)
    else:
        pairs = ((t, 1.0) for t in themes)
    for t, conf in pairs:
        if t in index and _is_carried(conf):
            v[index[t]] = max(v[index[t]], float(getattr(conf, "confidence", conf)))
    return v


def _is_carried(score) -> bool:
    """A ThemeScore is carried by its own rule, and groups an item only where the item does not
    deny it ("this did not involve any pooled funding" is no pooled-budget practice, though the
    theme is carried, marked negated); a bare confidence from 0.5 (the theme threshold)."""
    if hasattr(score, "carried"):
        return bool(score.carried) and not getattr(score, "negated", False)
    return float(score) >= 0.5


def _l2(M: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(M, axis=1, keepdims=True)
    return np.divide(M, norms, out=np.zeros_like(M), where=norms > 0)


class PracticeClusterer(ClusterMixin, BaseEstimator):
    """Cluster short good-practice texts into collections with readable labels.

    Parameters
    ----------
    n_collections : int or None, default=None
        Fixed number of collections before small ones are dissolved; None chooses it from the
        data (best silhouette between `min_collections` and `max_collections`).
    min_collections, max_collections : int or None, default=None
        The range searched when `n_collections` is None; None means `ceil(units / 30)` (at least
        2) and `ceil(units / 8)` (at most 50). On short texts the silhouette tends to rise with
        the number of clusters, so the upper end (about 8 examples per collection) often decides.
    min_size : int, default=3
        Collections with fewer items are dissolved into their nearest neighbours.
    theme_weight : float, default=0.4
        Share (0..1) of the squared vector length given to the theme part; 0 = words only.
    n_components : int or None, default=None
        LSA dimensions; None = a quarter of the units, between 8 and 100; 0 = no LSA.
    n_terms : int, default=8
        Characteristic terms kept per collection (`top_terms`); the label uses the first three.
    n_representatives : int, default=3
        Units nearest the centroid listed as the collection's representatives.
    theme_share : float, default=0.3
        A theme is a collection's theme when at least this share of its items carries it.
    topic_share : float, default=0.5
        A group whose items carry themes is a topic when one theme is carried by at least this
        share of them; otherwise it is what was left over, and is split or set aside as "other"
        (see `_set_aside`). Half: a theme that fewer carry describes a part, not the whole.
    random_state : int, default=13
        Seed of the LSA (randomised SVD); everything else is deterministic.

    Attributes
    ----------
    labels_ : ndarray of shape (n_texts,)
        Collection index per text, 0 = largest collection.
    n_collections_ : int
    similarity_ : ndarray of shape (n_texts,)
        Cosine similarity (0..1) of each text's unit to its collection centroid.
    attached_ : ndarray of bool
        True for texts whose original cluster was too small and that were attached to the nearest.
    collection_labels_, collection_terms_, collection_themes_, representatives_ : lists per collection
    shared_terms_, shared_themes_ : list per text of what it shares with its collection
    k_scores_ : dict
        Silhouette per number of clusters tried; `silhouette_` is the chosen one's.
    k_range_ : (int, int)
        The numbers of clusters searched.
    unit_of_ : ndarray of shape (n_texts,)
        The unit (near-duplicate group or single text) of each text.

    Examples
    --------
    >>> texts = ["crisis respite beds", "respite beds for crisis", "crisis beds and respite",
    ...          "independent advocacy contract", "advocacy for everyone", "independent advocate visits"]
    >>> m = PracticeClusterer(min_size=2).fit(texts)
    >>> m.n_collections_, len(set(m.labels_[:3])), len(set(m.labels_[3:]))
    (2, 1, 1)
    """

    def __init__(self, n_collections: int | None = None, *, min_collections: int | None = None,
                 max_collections: int | None = None, min_size: int = 3, theme_weight: float = 0.4,
                 n_components: int | None = None, n_terms: int = 8, n_representatives: int = 3,
                 theme_share: float = 0.3, topic_share: float = 0.5, random_state: int = 13):
        self.n_collections = n_collections
        self.min_collections = min_collections
        self.max_collections = max_collections
        self.min_size = min_size
        self.theme_weight = theme_weight
        self.n_components = n_components
        self.n_terms = n_terms
        self.n_representatives = n_representatives
        self.theme_share = theme_share
        self.topic_share = topic_share
        self.random_state = random_state

    def _validate(self) -> None:
        def frac(name):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise ValueError(f"The {name!r} parameter of PracticeClusterer must be a float in [0, 1]. Got {v!r} instead.")

        def count(name, lo, none_ok=True):
            v = getattr(self, name)
            if v is None and none_ok:
                return
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < lo:
                raise ValueError(f"The {name!r} parameter of PracticeClusterer must be an int >= {lo}"
                                 f"{' or None' if none_ok else ''}. Got {v!r} instead.")

        frac("theme_weight")
        frac("theme_share")
        frac("topic_share")
        count("n_collections", 1)
        count("min_collections", 1)
        count("max_collections", 1)
        count("min_size", 1, none_ok=False)
        count("n_components", 0)
        count("n_terms", 1, none_ok=False)
        count("n_representatives", 1, none_ok=False)

    # -- fit -------------------------------------------------------------------------

    def fit(self, X: Sequence[str], y=None, *, themes: Sequence | None = None, groups: Sequence | None = None,
            ids: Sequence[str] | None = None) -> "PracticeClusterer":
        """Fit on texts `X` (title + description); see `_fit`. Returns self."""
        from threadpoolctl import threadpool_limits

        # The matrices are small: one BLAS thread is faster than several fighting over two
        # cores, and gives the same floating-point sums on every machine.
        with threadpool_limits(limits=1):
            return self._fit(X, themes=themes, groups=groups, ids=ids)

    def _fit(self, X: Sequence[str], *, themes: Sequence | None = None, groups: Sequence | None = None,
             ids: Sequence[str] | None = None) -> "PracticeClusterer":
        """Fit on texts `X` (title + description).

        `themes`: per text, {theme: confidence or ThemeScore} or an iterable / `;`-string of theme
        ids. `groups`: per text, a near-duplicate group label ("" or None = alone); texts of one
        group are clustered as one unit. `ids`: per text, a stable id; units are processed in id
        order so that input order does not matter (default: the texts themselves).
        """
        self._validate()
        texts = ["" if t is None else str(t) for t in X]
        n = len(texts)
        if n == 0:
            raise ValueError("PracticeClusterer.fit needs at least one text. Got 0.")
        if themes is not None and len(themes) != n:
            raise ValueError(f"themes has {len(themes)} entries for {n} texts; give one per text.")
        if groups is not None and len(groups) != n:
            raise ValueError(f"groups has {len(groups)} entries for {n} texts; give one per text.")
        keys = [str(i) for i in ids] if ids is not None else texts
        if len(keys) != n:
            raise ValueError(f"ids has {len(keys)} entries for {n} texts; give one per text.")
        order = sorted(range(n), key=lambda i: (keys[i], texts[i], i))
        rank = {i: r for r, i in enumerate(order)}

        # Units: near-duplicate groups and single texts, in id order.
        unit_index: dict[str, int] = {}
        unit_of = np.zeros(n, dtype=int)
        members: list[list[int]] = []
        for i in order:
            g = (groups[i] if groups is not None else None) or None
            key = f"g:{g}" if g else f"t:{i}"
            if key not in unit_index:
                unit_index[key] = len(members)
                members.append([])
            unit_of[i] = unit_index[key]
            members[unit_index[key]].append(i)
        U = len(members)

        theme_order = _theme_ids()
        T = np.vstack([_theme_vector(themes[i] if themes is not None else None, theme_order) for i in range(n)])
        # Place names are left out: a collection is a topic, not an area.
        placeless = [strip_places(t or "") for t in texts]
        folds: dict[str, list[str]] = {}  # token -> its folding, shared by every pass over the texts below
        grams = [_text_terms(t, folds) for t in placeless]

        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = 2 if U >= 20 else 1
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=0.5 if U >= 20 else 1.0,
                              dtype=np.float64)
        try:
            W = vec.fit_transform(grams)
        except ValueError:  # empty vocabulary: no shared words at all
            vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float64)
            try:
                W = vec.fit_transform(grams)
            except ValueError:
                W = None
        W_units = _unit_rows(W, members) if W is not None else np.zeros((U, 0))
        k = 0
        if W_units.shape[1] > 2:
            k = self.n_components if self.n_components is not None else min(100, max(8, U // 4))
            k = min(k, U - 1, W_units.shape[1] - 1)
        if k >= 2:
            from sklearn.decomposition import TruncatedSVD

            W_units = TruncatedSVD(n_components=k, random_state=self.random_state).fit_transform(W_units)
        elif hasattr(W_units, "toarray"):
            W_units = W_units.toarray()
        T_units = np.vstack([T[m].max(axis=0) for m in members])
        tw = float(self.theme_weight)
        V = np.hstack([math.sqrt(1 - tw) * _l2(W_units), math.sqrt(tw) * _l2(T_units)])
        V = _l2(V)
        empty = np.linalg.norm(V, axis=1) == 0

        unit_labels, attached_units, self.k_scores_, self.silhouette_ = self._cut(V, empty, members)
        carried = T >= 0.5
        unit_labels, reasons, other = self._set_aside(V, empty, carried, unit_labels, attached_units, members)

        # Order collections: most items first, then by first id; "other" last, being no topic.
        sizes = Counter()
        for u, lab in enumerate(unit_labels):
            sizes[lab] += len(members[u])
        first = {}
        for u in range(U):  # units are in id order
            first.setdefault(unit_labels[u], u)
        ranked = sorted(sizes, key=lambda c: (c == other, -sizes[c], first[c]))
        remap = {c: r for r, c in enumerate(ranked)}
        unit_labels = np.array([remap[c] for c in unit_labels], dtype=int)
        K = len(ranked)
        self.other_collection_ = remap[other] if other is not None else None

        centroids = _l2(np.vstack([V[unit_labels == c].mean(axis=0) for c in range(K)]))
        unit_sim = np.clip((V * centroids[unit_labels]).sum(axis=1), 0.0, 1.0)

        self.unit_of_ = unit_of
        self.labels_ = unit_labels[unit_of]
        self.n_collections_ = K
        self.similarity_ = unit_sim[unit_of]
        self.attached_ = np.array([u in reasons for u in unit_of], dtype=bool)
        self.attached_reason_ = [reasons.get(u, "") for u in unit_of]
        self.n_units_ = U

        # Terms (c-TF-IDF) and themes per collection, for labels and "why".
        self.collection_terms_ = self._collection_terms(grams, members, unit_labels, K, _proper_names(placeless, folds),
                                                        unit_sim)
        self.collection_themes_, self.dominant_themes_ = [], []
        for c in range(K):
            idx = np.flatnonzero(self.labels_ == c)
            shares = carried[idx].mean(axis=0) if len(idx) else np.zeros(len(theme_order))
            ranked_themes = np.argsort(-shares, kind="stable")  # ties in taxonomy order
            dominant = set(self._dominant(carried[idx]))
            got = [(theme_order[j], float(shares[j])) for j in ranked_themes if j in dominant]
            if not got and shares.max(initial=0.0) > 0:
                # No theme is shared widely enough to be the collection's: name the commonest ones
                # (their shares say how few carry them) rather than leave the column empty.
                top = shares.max()
                got = [(theme_order[j], float(shares[j])) for j in ranked_themes if shares[j] == top][:3]
            self.collection_themes_.append(got)
            self.dominant_themes_.append([theme_order[j] for j in ranked_themes if j in dominant])
        self.representatives_ = []
        for c in range(K):
            us = [u for u in range(U) if unit_labels[u] == c]
            # rounded: the same similarity summed in another input order may differ in its last bits
            us.sort(key=lambda u: (-round(float(unit_sim[u]), 9), u))
            # A duplicate group is represented by its fullest text.
            self.representatives_.append([max(members[u], key=lambda i: (len(texts[i]), -rank[i]))
                                          for u in us[: self.n_representatives]])
        # What each text shares with its collection.
        self.shared_terms_, self.shared_themes_ = [], []
        for i in range(n):
            c = self.labels_[i]
            top = [t for t, _ in self.collection_terms_[c]]
            mine = set(grams[i])
            self.shared_terms_.append([t for t in top if t in mine])
            cthemes = [t for t, _ in self.collection_themes_[c]]
            self.shared_themes_.append([t for t in cthemes if T[i, theme_order.index(t)] >= 0.5])
        # Terms are compared folded ("processes" -> "processe", "self-advocates" -> "selfadvocate");
        # readers get each word as the texts most often write it.
        shown = _surface_forms(placeless, folds)
        show = lambda t: shown.get(t) or " ".join(shown.get(w, w) for w in t.split())  # noqa: E731
        self.collection_terms_ = [[(show(t), w) for t, w in ts] for ts in self.collection_terms_]
        self.shared_terms_ = [[show(t) for t in ts] for ts in self.shared_terms_]
        self.collection_labels_ = self._labels(K)
        self.vocabulary_size_ = 0 if W is None else W.shape[1]
        return self

    # -- steps -----------------------------------------------------------------------

    def _k_range(self, U: int) -> tuple[int, int]:
        lo = self.min_collections or max(2, math.ceil(U / 30))
        hi = self.max_collections or min(50, max(lo, math.ceil(U / 8)))
        hi = min(hi, U - 1)
        lo = min(lo, hi)
        return lo, hi

    def _cut(self, V: np.ndarray, empty: np.ndarray, members) -> tuple[np.ndarray, set, dict, float]:
        """Cut one Ward tree at each candidate number of clusters, dissolve the small ones, and
        keep the cut whose final collections have the best mean silhouette (cosine)."""
        U = len(V)
        idx = np.flatnonzero(~empty)
        if len(idx) < 3:
            self.k_range_ = (1, 1)
            labels = np.where(empty, -1, 0)
            labels, attached = self._dissolve_small(V, labels, members)
            return labels, attached, {}, float("nan")
        from scipy.cluster.hierarchy import fcluster, linkage

        Z = linkage(V[idx], method="ward", metric="euclidean")
        if self.n_collections is not None:
            ks = [min(self.n_collections, len(idx))]
        else:
            lo, hi = self._k_range(len(idx))
            ks = list(range(lo, hi + 1))
        self.k_range_ = (ks[0], ks[-1])
        D = None
        if len(ks) > 1:
            D = np.clip(1.0 - V[idx] @ V[idx].T, 0.0, 2.0)
            np.fill_diagonal(D, 0.0)
        scores: dict[int, float] = {}
        best = None
        seen: dict[tuple, float] = {}
        for k in ks:
            labels = np.full(U, -1, dtype=int)
            labels[idx] = fcluster(Z, k, criterion="maxclust") - 1
            labels, attached = self._dissolve_small(V, labels, members)
            if D is None:
                best = (0.0, k, labels, attached)
                break
            final = labels[idx]
            sig = tuple(final)
            if sig not in seen:
                seen[sig] = _silhouette(D, final)
            s = seen[sig]
            scores[k] = round(s, 6)
            if best is None or s > best[0] + 1e-9:  # ties: the smaller k
                best = (s, k, labels, attached)
        s, _, labels, attached = best
        return labels, attached, scores, (s if scores else float("nan"))

    def _dominant(self, carried: np.ndarray, share: float | None = None) -> list[int]:
        """Columns of the themes these items (rows of carried themes) share: carried by at least
        `share` (default `theme_share`) of them, and by two of them where there are two or more."""
        if not len(carried):
            return []
        counts = carried.sum(axis=0)
        share = self.theme_share if share is None else share
        return [int(j) for j in np.flatnonzero((counts >= share * len(carried)) & (counts >= min(2, len(carried))))]

    def _set_aside(self, V, empty, carried, labels, attached, members) -> tuple[np.ndarray, dict, int | None]:
        """Split the groups that are no topic and set aside what fits nowhere, as "other".

        A cut of the tree can leave one group of the examples that fitted no other: its members
        carry themes, but none is shared by `topic_share` of them, and its label would be made of
        whichever two members happen to share a phrase. Such a group is split along its own tree
        until each part is a topic (or has no themes to judge by); parts smaller than `min_size`,
        units attached to a collection because their own group was too small, and units with no
        words or themes are then placed one by one: in the nearest collection that has one of
        their themes among its dominant ones (the nearest at all for a unit with words but no
        themes), otherwise in the "other" collection. A curator is better served by a small group
        named for what it is than by a made-up topic.

        Returns the unit labels, {unit: why it was attached} and the label of "other" (None if empty).
        """
        from scipy.cluster.hierarchy import fcluster, linkage

        U = len(labels)
        unit_themes = np.vstack([carried[m].any(axis=0) for m in members])
        loose = {u for u in range(U) if u in attached or empty[u]}
        todo = [[u for u in range(U) if labels[u] == c and u not in loose] for c in sorted(set(labels.tolist()))]
        kept: list[list[int]] = []
        while todo:
            units = todo.pop(0)
            if not units:
                continue
            rows = carried[[i for u in units for i in members[u]]]
            if not rows.any() or self._dominant(rows, self.topic_share):
                if len(rows) >= self.min_size or len(todo) + len(kept) == 0:
                    kept.append(units)
                else:
                    loose.update(units)
                continue
            halves = (fcluster(linkage(V[units], method="ward", metric="euclidean"), 2, criterion="maxclust")
                      if len(units) > 1 else [1])
            parts = [[u for u, h in zip(units, halves) if h == k] for k in (1, 2)]
            if not all(parts):  # one unit, or units the tree cannot tell apart
                loose.update(units)
                continue
            todo += parts
        kept.sort(key=lambda us: min(us))
        labels = np.full(U, -1, dtype=int)
        for c, units in enumerate(kept):
            labels[units] = c
        reasons = {u: "its own group was too small" for u in attached}
        if not kept:  # no topic at all: one collection of everything
            labels[:] = 0
            reasons.update({u: "no words or themes to compare" for u in range(U) if empty[u]})
            return labels, reasons, None
        cents = [_l2(V[units].mean(axis=0, keepdims=True))[0] for units in kept]
        dominant = [set(self._dominant(carried[[i for u in units for i in members[u]]])) for units in kept]
        other = len(kept)
        for u in sorted(loose):
            mine = set(np.flatnonzero(unit_themes[u]).tolist())
            fits = [c for c in range(len(kept)) if not mine or mine & dominant[c]]
            if empty[u] or not fits:
                labels[u] = other
                reasons[u] = ("no words or themes to compare" if empty[u]
                              else "it shares no theme with any collection (other)")
                continue
            labels[u] = max(fits, key=lambda c: (float(V[u] @ cents[c]), -c))
            reasons.setdefault(u, "its own group was too small")
        return labels, reasons, (other if (labels == other).any() else None)

    def _dissolve_small(self, V, labels: np.ndarray, members) -> tuple[np.ndarray, set]:
        """Attach the units of collections smaller than `min_size` items to the nearest other
        collection (smallest first), then units without words or themes (label -1) to the largest."""
        labels = labels.copy()
        attached: set[int] = set()
        U = len(labels)

        def sizes():
            s = Counter()
            for u in range(U):
                if labels[u] >= 0:
                    s[labels[u]] += len(members[u])
            return s

        while True:
            s = sizes()
            if len(s) <= 1:
                break
            small = sorted((c for c in s if s[c] < self.min_size), key=lambda c: (s[c], c))
            if not small:
                break
            c = small[0]
            keep = [k for k in s if k != c]
            cents = {k: _l2(V[labels == k].mean(axis=0, keepdims=True))[0] for k in keep}
            for u in np.flatnonzero(labels == c):
                sims = [(float(V[u] @ cents[k]), -k) for k in keep]
                labels[u] = -max(sims)[1]
                attached.add(int(u))
        # Units with no words and no themes: the largest collection.
        if (labels < 0).any():
            s = sizes()
            biggest = max(s, key=lambda c: (s[c], -c)) if s else 0
            for u in np.flatnonzero(labels < 0):
                labels[u] = biggest
                attached.add(int(u))
        return labels, attached

    def _collection_terms(self, grams, members, unit_labels, K, names=frozenset(),
                          centrality=None) -> list[list[tuple[str, float]]]:
        # Class-based TF-IDF (BERTopic's c-TF-IDF): tf of a term in the collection's joined text,
        # times log(1 + A / f_t), A = mean words per collection, f_t = the term's count overall.
        # A term counts once per unit, so a duplicate group or one long item cannot dominate,
        # and by how central the unit is (`centrality`: its similarity to the centroid), so a
        # phrase two outliers share does not name what the rest have in common.
        # `names`: words the texts write as names (towns, schemes); no label is made of them.
        counts = [Counter() for _ in range(K)]  # units of the collection using the term
        weights = [Counter() for _ in range(K)]  # the same, each unit weighted by its centrality
        for u, m in enumerate(members):
            seen = set()
            for i in m:
                seen.update(t for t in grams[i] if not _is_label_stop(t) and not names.intersection(t.split()))
            counts[unit_labels[u]].update(seen)
            w = 1.0 if centrality is None else max(float(centrality[u]), 0.05)
            weights[unit_labels[u]].update({t: w for t in seen})
        total = Counter()
        for c in counts:
            total.update(c)
        words = [sum(c.values()) for c in weights]
        A = (sum(sum(c.values()) for c in counts) / K) if K else 1.0
        out = []
        units_in = Counter(unit_labels.tolist())
        for c in range(K):
            need = 2 if units_in[c] >= 3 else 1
            scored = []
            for t, f in counts[c].items():
                if f < need:
                    continue
                w = (weights[c][t] / max(words[c], 1e-9)) * math.log(1 + A / total[t])
                if " " in t:
                    w *= 1.5  # a phrase reads better than its words
                scored.append((t, w))
            scored.sort(key=lambda tw: (-round(tw[1], 9), tw[0]))  # rounded: ties stay ties whatever the input order
            chosen: list[tuple[str, float]] = []
            covered: set[str] = set()
            for t, w in scored:
                parts = set(t.split())
                if parts <= covered:
                    continue  # a word of a phrase already chosen, or a phrase of chosen words
                if len(parts) > 1:  # the phrase replaces its words chosen before it
                    chosen = [(c2, w2) for c2, w2 in chosen if c2 not in parts]
                covered |= parts
                chosen.append((t, round(w, 6)))
                if len(chosen) >= self.n_terms:
                    break
            out.append(chosen)
        return out

    def _labels(self, K) -> list[str]:
        names = _theme_names()
        labels, used = [], set()
        for c in range(K):
            if c == self.other_collection_:
                label = _OTHER_LABEL  # its terms are no topic: what two of its members share
                labels.append(label)
                used.add(label)
                continue
            themes = [names.get(t, t) for t in self.dominant_themes_[c][:2]]
            terms = [t for t, _ in self.collection_terms_[c]]
            head = " / ".join(themes)
            take = 3 if head else 4
            label = _compose(head, terms[:take])
            extra = take
            while label in used and extra < len(terms):
                extra += 1
                label = _compose(head, terms[:extra])
            if label in used:
                label = f"{label} ({c + 1})"
            used.add(label)
            labels.append(label)
        return labels


_OTHER_LABEL = "Other practice (no shared topic)"


def _silhouette(D: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= len(labels):
        return -1.0
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(D, labels, metric="precomputed"))


def _compose(head: str, terms: list[str]) -> str:
    if not terms:
        return head or "Miscellaneous"
    t = ", ".join(terms)
    return f"{head}: {t}" if head else t[:1].upper() + t[1:]


# Short words that read well in a label; other words of three letters or less are mostly
# local acronyms ("JCE", "JCU") that a reader elsewhere would not know.
_SHORT_OK = frozenset({"cqc", "chc", "pbs", "bcf", "mca", "mha", "s75", "s117", "phb", "atu", "mdt", "kpi", "qa",
                       "gp", "bed", "lac", "map", "pen", "day", "art", "job"})


# The population every item is about: never characteristic, not even inside a phrase.
_POPULATION = frozenset({"learning", "disability", "disabilities", "autism", "autistic", "winterbourne", "view"})


def _is_label_stop(t: str) -> bool:
    parts = t.split()
    if all(p in _LABEL_STOP for p in parts) or any(p in _POPULATION for p in parts):
        return True
    if len(parts) > 1 and _PAST_RE.search(parts[-1]):
        return True  # a clause, not a name: "person lived", "people moved"
    return len(parts) == 1 and len(t) <= 3 and t not in _SHORT_OK


# A word in the past tense ends a clause rather than a name ("person lived"; "crisis bed", "unmet need" are names).
_PAST_RE = re.compile(r"^\w{2,}[^e]ed$")


def _identity(x):
    return x


_TOKEN_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*(?<=[^\W\d_])")  # a word of letters (any alphabet)


def _fold(tok: str, folds: dict[str, list[str]]) -> list[str]:
    """A token's folding as labels compare it, once per distinct token (`folds` keeps them)."""
    got = folds.get(tok)
    if got is None:
        got = folds[tok] = normalise_words(tok, fold_numbers=False, expand=False)
    return got


def _proper_names(texts: Sequence[str], folds: dict[str, list[str]] | None = None) -> frozenset[str]:
    """Folded words the texts write as names: capitalised wherever they stand inside a sentence
    (at least once there), never in lower case, and not acronyms ("Mansfield", "Worksop";
    not "CQC", not "Board" where it is also written "board")."""
    inside, lower = Counter(), set()
    folds = {} if folds is None else folds
    for text in texts:
        for sentence in re.split(r"(?:[.;:!?()\[\]\n\u2022]|\s[-\u2013\u2014]\s)+", text or ""):
            for k, tok in enumerate(_TOKEN_RE.findall(sentence)):
                folded = _fold(tok, folds)
                if len(folded) != 1:
                    continue
                if tok[:1].islower():
                    lower.add(folded[0])
                elif k and tok[1:].islower():
                    inside[folded[0]] += 1
    return frozenset(w for w in inside if w not in lower and w not in _lexicon_words())


def _lexicon_words() -> frozenset[str]:
    """The words of the theme lexicon's terms: the domain's own names ("Shared Lives") stay label words."""
    global _LEXICON_WORDS
    if _LEXICON_WORDS is None:
        from .themes.lexicon import load_lexicon

        _LEXICON_WORDS = frozenset(w for term in load_lexicon().terms
                                   for w in normalise_words(term.term, fold_numbers=False, expand=False))
    return _LEXICON_WORDS


_LEXICON_WORDS: frozenset[str] | None = None


def _surface_forms(texts: Sequence[str], folds: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Folded term (a word, or two words that stand together) -> the form the texts (without their
    place names) most often write it in: lower case, or as written where a word has capitals after its first letter (an
    acronym such as "DoLS"); a name taken whole (`_name_terms`) as written ("Mental Capacity Act")."""
    seen: dict[str, Counter] = {}
    folds = {} if folds is None else folds
    for text in texts:
        prev: tuple[str, str] | None = None
        for part in _PHRASE_BREAK_RE.split(_URL_RE.sub(" ", text or "")):
            for name, written in _name_terms(part, folds)[0]:  # a name as it is written
                seen.setdefault(name, Counter())[written] += 1
            prev = None
            for tok in _TOKEN_RE.findall(part):
                folded = _fold(tok, folds)
                if len(folded) != 1:
                    prev = None
                    continue
                form = tok if any(ch.isupper() for ch in tok[1:]) else tok.lower()
                seen.setdefault(folded[0], Counter())[form] += 1
                if prev is not None:
                    seen.setdefault(f"{prev[0]} {folded[0]}", Counter())[f"{prev[1]} {form}"] += 1
                prev = (folded[0], form)
    # the commonest form, a possessive ("children's") only where the texts write it no other way
    return {w: min(c.items(), key=lambda fc: ("'" in fc[0] or "’" in fc[0], -fc[1], fc[0]))[0]
            for w, c in seen.items()}


# What ends a phrase: the end of a sentence or a clause mark (before a space or the end: "3.5"
# and "1,000" are no breaks), a bracket, a slash, a bullet or line end, and a dash between spaces.
# "GPs, families" and "homes / property" are two things listed, not one.
_PHRASE_BREAK_RE = re.compile(r"(?:[.;:!?,]+(?=\s|$)|[()\[\]/\n\u2022]|\s[-\u2013\u2014](?=\s))+")


def _text_terms(text: str, folds: dict[str, list[str]] | None = None) -> list[str]:
    """The terms of a text (its place names already left out: `strip_places`); phrases do not
    cross sentences, clause marks or the title / description boundary, and a capitalised name
    is taken whole or not at all (`_name_terms`)."""
    out: list[str] = []
    folds = {} if folds is None else folds
    for part in _PHRASE_BREAK_RE.split(_URL_RE.sub(" ", text)):  # a link's slashes are no breaks
        # a figure ("#") is no word but breaks a phrase: "open seven days a week" has no "open days"
        terms = _terms(normalise_words(part, expand=False))
        whole, broken = _name_terms(part, folds)
        out.extend(t for t in terms if t not in broken)
        out.extend(name for name, _ in whole)
    return out


def _name_terms(part: str, folds: dict[str, list[str]]) -> tuple[list[tuple[str, str]], set[str]]:
    """([(name taken whole, as written)], phrases that break a name) of one phrase of a text.

    A run of capitalised words inside a text is a name ("Mental Capacity Act", "Shared Lives"):
    a phrase made of its tail and the next word ("Lives carers") or of part of a longer name
    ("Capacity Act", "Behaviour Support" of "Positive Behaviour Support") names nothing a curator
    would keep. Names of three or four words are taken whole; longer runs, and phrases written in
    Title Case throughout, are headings rather than names and are left as they are."""
    stop = _stop_words()
    words, caps = [], []
    toks = _TOKEN_RE.findall(part)
    for tok in toks:
        folded = _fold(tok, folds)
        w = folded[0] if len(folded) == 1 else None
        words.append(w)
        caps.append(w is not None and w not in stop and tok[:1].isupper())
    content = [c for w, c in zip(words, caps) if w is not None and w not in stop]
    if len(content) >= 3 and all(content):
        return [], set()  # a heading in Title Case
    whole, broken = [], set()
    k = 0
    while k < len(words):
        if not caps[k]:
            k += 1
            continue
        end = k
        while end + 1 < len(words) and caps[end + 1]:
            end += 1
        n = end - k + 1
        if 2 <= n <= 4:
            for i in range(k + 1, end + 1):  # phrases that start inside the name
                if i + 1 < len(words) and words[i + 1] is not None:
                    broken.add(f"{words[i]} {words[i + 1]}")
            if n >= 3:
                broken.add(f"{words[k]} {words[k + 1]}")
                whole.append((" ".join(words[k:end + 1]), " ".join(toks[k:end + 1])))
        k = end + 1
    return whole, broken


def _terms(words: list[str]) -> list[str]:
    """Content words, then the phrases of two content words that stand next to each other in
    the text ("young people", not "children young" from "children and young")."""
    stop = _stop_words()
    keep = [w not in stop and len(w) > 1 for w in words]
    uni = [w for w, k in zip(words, keep) if k]
    bi = [f"{a} {b}" for (a, ka), (b, kb) in zip(zip(words, keep), zip(words[1:], keep[1:])) if ka and kb and a != b]
    return uni + bi


def _unit_rows(W, members):
    """The mean row of each unit's texts, kept sparse: (units x texts averaging matrix) @ W."""
    from scipy.sparse import csr_matrix

    rows = [u for u, m in enumerate(members) for _ in m]
    cols = [i for m in members for i in m]
    vals = [1.0 / len(m) for m in members for _ in m]
    A = csr_matrix((vals, (rows, cols)), shape=(len(members), W.shape[0]))
    return (A @ W).tocsr()


# -- the function twin ------------------------------------------------------------------

@dataclass
class Clustering:
    """The result of `cluster_items`: export-ready rows plus the fitted model and duplicates."""

    items: list[dict]
    collections: list[dict]
    duplicates: DuplicateResult
    model: PracticeClusterer
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Collections with members, representatives, terms and themes; duplicate groups with provenance."""
        by_c: dict[str, list[dict]] = {}
        for r in self.items:
            by_c.setdefault(r["collection_id"], []).append(r)
        cols = []
        for c in self.collections:
            mem = by_c.get(c["collection_id"], [])
            cols.append({
                "collection_id": c["collection_id"],
                "label": c["collection_label"],
                "size": c["size"],
                "examples": c["examples"],
                "top_terms": c["top_terms"].split(";") if c["top_terms"] else [],
                "themes": [{"theme": t, "share": s} for t, s in c["_theme_shares"]],
                "mean_similarity": c["mean_similarity"],
                "representatives": c["representatives"].split(";") if c["representatives"] else [],
                "synthetic_items": c["synthetic_items"],
                "members": [{k: r[k] for k in ("item_id", "title", "locality", "region", "source", "synthetic", "themes",
                                               "dup_group",
                                               "similarity_to_collection", "attached", "representative", "why")}
                            for r in sorted(mem, key=lambda r: (-r["similarity_to_collection"], r["item_id"]))],
            })
        groups = [{
            "dup_group": g.group_id, "canonical": g.canonical, "item_ids": list(g.item_ids),
            "min_score": g.min_score, "mean_score": g.mean_score, "members": [dict(m) for m in g.members],
        } for g in self.duplicates.groups]
        pairs = [{"a": p.a, "b": p.b, "score": p.score, "reasons": p.reasons}
                 for p in self.duplicates.pairs if p.is_duplicate]
        return {"params": self.params, "collections": cols, "duplicate_groups": groups, "duplicate_pairs": pairs,
                "silhouette": None if math.isnan(self.model.silhouette_) else round(self.model.silhouette_, 4),
                "silhouette_by_k": [[k, v] for k, v in sorted(self.model.k_scores_.items())]}


def _item_text(item: Mapping) -> str:
    from .pipeline import item_text

    return item_text(dict(item))


def cluster_items(
    items: Sequence[Mapping],
    *,
    themes: Sequence | None = None,
    duplicates: DuplicateResult | None = None,
    dup_threshold: float = 0.7,
    n_collections: int | None = None,
    min_size: int = 3,
    theme_weight: float = 0.4,
    random_state: int = 13,
    progress: Progress | None = None,
) -> Clustering:
    """Return the items grouped into labelled collections (rows for items.csv and collections.csv).

    Parameters
    ----------
    items : sequence of dict
        `item_id`, `title`, `description`, optionally `locality`, `region`, `source`.
    themes : sequence, optional
        Per item, {theme: ThemeScore or confidence} or theme ids; None runs the theme pipeline.
        Only which themes an item carries counts (not how confident the finding is).
    duplicates : DuplicateResult, optional
        From `find_near_duplicates`; None runs it with `dup_threshold`.
    n_collections, min_size, theme_weight, random_state
        Passed to `PracticeClusterer`.
    progress : callable(label, done, total), optional

    Returns
    -------
    Clustering
        `items` (contract columns then `ITEMS_EXTRA`), `collections` (contract columns then
        `COLLECTIONS_EXTRA`), `duplicates`, `model`, and `to_json()`.
    """
    items = [dict(i) for i in items]
    if not items:
        raise ValueError("cluster_items needs at least one item. Got 0.")
    ids = [str(i.get("item_id", "")) for i in items]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"item_id {dup!r} appears more than once; item ids must be unique.")
    step = progress or (lambda *_: None)
    texts = [_item_text(i) for i in items]
    theme_names_order = _theme_ids()
    if themes is None:
        from .themes.pipeline import extract_themes

        step("finding themes", 0, 4)
        themes = list(extract_themes(texts))
    if len(themes) != len(items):
        raise ValueError(f"themes has {len(themes)} entries for {len(items)} items; give one per item.")
    # The clusterer sees the carried themes only, whatever form they came in (scores from the
    # theme pipeline, ids from the store): `wvtext cluster` and `wvtext analyse` then group the
    # same items the same way, and a theme added in review (no score) counts like a found one.
    carried = [_carried(t, theme_names_order) for t in themes]
    if duplicates is None:
        step("finding near-duplicates", 1, 4)
        duplicates = find_near_duplicates(items, threshold=dup_threshold)
    groups = [duplicates.group_of(i) for i in ids]
    step("clustering", 2, 4)
    model = PracticeClusterer(n_collections, min_size=min_size, theme_weight=theme_weight, random_state=random_state)
    model.fit(texts, themes=carried, groups=groups, ids=ids)
    step("labelling", 3, 4)

    K = model.n_collections_
    cids = [f"c{c + 1:02d}" for c in range(K)]
    reps = {i for r in model.representatives_ for i in r}
    scores = duplicates.item_scores
    canon = {i: g.canonical for g in duplicates.groups for i in g.item_ids}
    theme_names = _theme_names()
    rows = []
    for k, it in enumerate(items):
        c = int(model.labels_[k])
        sim = round(float(model.similarity_[k]), 4)
        st, sth = model.shared_terms_[k], model.shared_themes_[k]
        why = []
        if sth:
            why.append("themes " + ", ".join(theme_names.get(t, t) for t in sth))
        if st:
            why.append("terms " + ", ".join(st[:5]))
        why.append(f"similarity {sim:.2f}")
        if model.attached_[k]:
            why.append(f"attached: {model.attached_reason_[k]}")
        if groups[k]:
            others = [x for x in _members(duplicates, groups[k]) if x != ids[k]]
            why.append(f"near-duplicate of {', '.join(others)}")
        rows.append({
            "item_id": ids[k], "collection_id": cids[c], "collection_label": model.collection_labels_[c],
            "dup_group": groups[k], "themes": ";".join(carried[k]),
            "title": it.get("title", ""), "locality": it.get("locality", ""), "region": it.get("region", ""),
            "source": it.get("source", ""), "synthetic": int(it.get("synthetic") or 0),
            "dup_score": scores[ids[k]]["near_duplicate_score"],
            "dup_canonical": canon.get(ids[k], ""), "similarity_to_collection": sim,
            "representative": int(k in reps), "attached": int(bool(model.attached_[k])),
            "shared_themes": ";".join(sth), "shared_terms": ";".join(st), "why": "; ".join(why),
            "description": it.get("description", ""),
        })
    collections = []
    for c in range(K):
        mem = [r for r in rows if r["collection_id"] == cids[c]]
        order = {t: j for j, t in enumerate(theme_names_order)}
        cthemes = sorted((t for t, _ in model.collection_themes_[c]), key=order.get)
        collections.append({
            "collection_id": cids[c], "collection_label": model.collection_labels_[c], "size": len(mem),
            "top_terms": ";".join(t for t, _ in model.collection_terms_[c]), "themes": ";".join(cthemes),
            "examples": len({r["dup_group"] or r["item_id"] for r in mem}),
            "duplicates": sum(1 for r in mem if r["dup_group"]),
            # fsum: the same mean whatever order the items came in
            "mean_similarity": round(math.fsum(r["similarity_to_collection"] for r in mem) / len(mem), 4),
            "attached": sum(r["attached"] for r in mem),
            "representatives": ";".join(ids[k] for k in model.representatives_[c]),
            "theme_shares": ";".join(f"{t}={s:.2f}" for t, s in model.collection_themes_[c]),
            "localities": len({r["locality"] for r in mem if r["locality"]}),
            "regions": ";".join(sorted({r["region"] for r in mem if r["region"]})),
            "synthetic_items": sum(r["synthetic"] for r in mem),
            "_theme_shares": [(t, round(s, 4)) for t, s in model.collection_themes_[c]],
        })
    step("done", 4, 4)
    params = {"dup_threshold": duplicates.threshold, "dedup": duplicates.params, "model": model.get_params(),
              "n_collections": K, "n_items": len(items), "n_units": model.n_units_}
    return Clustering(rows, collections, duplicates, model, params)


def _members(dups: DuplicateResult, gid: str) -> list[str]:
    for g in dups.groups:
        if g.group_id == gid:
            return list(g.item_ids)
    return []


def _carried(scores, order: Sequence[str]) -> list[str]:
    if not scores:
        return []
    if isinstance(scores, str):
        got = set(t for t in scores.split(";") if t)
    elif isinstance(scores, Mapping):
        got = {t for t, s in scores.items() if _is_carried(s)}
    else:
        got = set(scores)
    return [t for t in order if t in got]


# -- exports ------------------------------------------------------------------------------

def is_collection_page(name: str) -> bool:
    """Whether a file name in collections/ is one of the pages `write_outputs` writes."""
    return name == "index.html" or re.fullmatch(r"c\d+\.html", name) is not None


def write_outputs(result: Clustering, out_dir) -> list:
    """Write items.csv, collections.csv, collections.json and collections/*.html under `out_dir`;
    return the paths written. Every HTML page is self-contained (inline CSS, no scripts, no
    external assets) and every piece of text in it is escaped."""
    from pathlib import Path

    from .export import _atomic_write, write_csv, write_json

    out = Path(out_dir)
    written = []
    write_csv(out / "items.csv", ITEMS_COLUMNS + ITEMS_EXTRA, result.items)
    written.append(out / "items.csv")
    write_csv(out / "collections.csv", COLLECTIONS_COLUMNS + COLLECTIONS_EXTRA, result.collections)
    written.append(out / "collections.csv")
    write_json(out / "collections.json", result.to_json())
    written.append(out / "collections.json")
    pages = render_html(result)
    html_dir = out / "collections"
    html_dir.mkdir(parents=True, exist_ok=True)
    from .outdir import staging_of

    stage = staging_of(out)
    if stage is not None:  # pages of collections that no longer exist, taken out when the outputs move in
        stage.prune("collections", is_collection_page)
    else:
        for old in html_dir.glob("*.html"):  # pages of collections that no longer exist
            if is_collection_page(old.name) and old.name not in pages:
                old.unlink()
    for name, text in pages.items():
        _atomic_write(html_dir / name, lambda fh, t=text: fh.write(t))
        written.append(html_dir / name)
    return written


_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1.2rem;
line-height:1.55;color:#1d1d1f;background:#fdfdfb}
h1{font-size:1.6rem;line-height:1.25;margin-bottom:.3rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;font-size:.95rem}.tag{display:inline-block;background:#eef3f8;border:1px solid #d5e1ee;
border-radius:.8rem;padding:0 .55rem;margin:0 .25rem .25rem 0;font-size:.85rem;font-family:system-ui,sans-serif}
.term{background:#f6f1e7;border-color:#e8dcc2}
article{border-left:3px solid #c9d6e3;padding:.2rem 0 .2rem 1rem;margin:1.2rem 0}
article.rep{border-left-color:#2f6f9f}article h3{font-size:1.05rem;margin:.1rem 0}
.why{font-family:system-ui,sans-serif;font-size:.85rem;color:#444;background:#f4f4f2;padding:.3rem .5rem;
border-radius:.3rem}.dup{font-family:system-ui,sans-serif;font-size:.85rem;color:#6b4b00}
table{border-collapse:collapse;width:100%;font-family:system-ui,sans-serif;font-size:.9rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e4e4e4}
th{background:#f2f2ef}a{color:#1f5d8c}nav{font-family:system-ui,sans-serif;font-size:.9rem}
"""


def _page(title: str, body: str) -> str:
    from html import escape

    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def render_html(result: Clustering) -> dict[str, str]:
    """Return {file name: HTML}: `index.html` and one `<collection_id>.html` per collection."""
    from html import escape as e

    names = _theme_names()
    by_c: dict[str, list[dict]] = {}
    for r in result.items:
        by_c.setdefault(r["collection_id"], []).append(r)
    groups = {g.group_id: g for g in result.duplicates.groups}
    pages = {}

    def tags(values, cls="tag"):
        return "".join(f'<span class="{cls}">{e(v)}</span>' for v in values if v)

    n_items = len(result.items)
    n_synth = sum(int(r.get("synthetic") or 0) for r in result.items)
    rows = []
    for c in result.collections:
        cid = c["collection_id"]
        rows.append(f'<tr><td><a href="{e(cid)}.html">{e(cid)}</a></td><td><a href="{e(cid)}.html">'
                    f'{e(c["collection_label"])}</a></td><td>{c["size"]}</td><td>{c["examples"]}</td>'
                    f'<td>{tags(names.get(t, t) for t in c["themes"].split(";"))}</td>'
                    f'<td>{tags(c["top_terms"].split(";"), "tag term")}</td>'
                    + (f'<td>{c.get("synthetic_items", 0) or ""}</td>' if n_synth else "") + "</tr>")
    n_dup = sum(1 for r in result.items if r["dup_group"])
    index = (f"<h1>Good-practice collections</h1>\n<p class=\"meta\">{n_items} items in {len(result.collections)} "
             f"collections; {len(result.duplicates.groups)} near-duplicate groups ({n_dup} items) are counted as one "
             "example each. Labels are built from the collection's dominant themes and its most characteristic "
             "terms; each item page says why an item is where it is.</p>\n"
             + (f'<p class="meta"><b>{n_synth} of the {n_items} items are SYNTHETIC</b>: drawn from generated '
                "returns or generated item files (made for testing and benchmarks), not real practice; each is "
                "marked SYNTHETIC on its collection's page.</p>\n" if n_synth else "")
             + "<table><thead><tr><th>id</th><th>collection</th><th>items</th><th>examples</th><th>themes</th>"
             "<th>characteristic terms</th>" + ("<th>SYNTHETIC items</th>" if n_synth else "")
             + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")
    pages["index.html"] = _page("Good-practice collections", index)

    for c in result.collections:
        cid = c["collection_id"]
        reps = c["representatives"].split(";") if c["representatives"] else []
        mem = sorted(by_c.get(cid, []), key=lambda r: (r["item_id"] not in reps,
                                                       reps.index(r["item_id"]) if r["item_id"] in reps else 0,
                                                       -r["similarity_to_collection"], r["item_id"]))
        arts = []
        for r in mem:
            desc = r.get("description", "")
            where = ", ".join(x for x in (r["locality"], r["region"]) if x) or "area not given"
            dup = ""
            if r["dup_group"] and r["dup_group"] in groups:
                g = groups[r["dup_group"]]
                others = "; ".join(f'{m["item_id"]} ({m["source"] or "source not given"}'
                                   f'{", " + m["locality"] if m["locality"] else ""})'
                                   for m in g.members if m["item_id"] != r["item_id"])
                span = (f"score {g.min_score:.2f}" if len(g.item_ids) == 2
                        else f"lowest pair score {g.min_score:.2f}, mean {g.mean_score:.2f}")
                dup = (f'<p class="dup">Near-duplicate group {e(g.group_id)} ({span}): '
                       f'also submitted as {e(others)}.</p>')
            arts.append(
                f'<article class="{"rep" if r["representative"] else ""}" id="{e(r["item_id"])}">'
                f'<h3>{e(r["title"] or r["item_id"])}</h3>'
                f'<p class="meta">{"<b>SYNTHETIC</b> &middot; " if int(r.get("synthetic") or 0) else ""}'
                f'{e(r["item_id"])} &middot; {e(where)} &middot; {e(r["source"])}'
                f'{" &middot; representative" if r["representative"] else ""}</p>'
                f'<p>{e(desc)}</p>{dup}'
                f'<p>{tags(names.get(t, t) for t in r["themes"].split(";"))}</p>'
                f'<p class="why">Why here: {e(r["why"])}</p></article>')
        body = (f'<nav><a href="index.html">All collections</a></nav>\n<h1>{e(c["collection_label"])}</h1>\n'
                f'<p class="meta">{e(cid)} &middot; {c["size"]} items, {c["examples"]} distinct examples'
                f'{", " + str(c["attached"]) + " attached from smaller groups" if c["attached"] else ""}'
                f' &middot; mean similarity to the centre {c["mean_similarity"]:.2f}</p>\n'
                f'<p>{tags(names.get(t, t) for t in c["themes"].split(";"))}'
                f'{tags(c["top_terms"].split(";"), "tag term")}</p>\n'
                "<h2>Items, representative ones first</h2>\n" + "\n".join(arts))
        pages[f"{cid}.html"] = _page(c["collection_label"], body)
    return pages
