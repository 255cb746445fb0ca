"""Never worse than a column's own distribution: a conditional table that would shift it is dropped.
(The same check covers a column's tables per hidden cluster, clusters.py: the clusters are its parent.)

A column drawn `given` a parent keeps one distribution per parent bin. Drawn over all parent rows, those
must add back up to the column's own marginal; they may not, where bins hold few rows (65 knots from 19
values), where the parent is often NULL or special (those rows take bin 0, or the `null` distribution
where one was learned), or where a category list changed. The mixture the sampler will draw is computed
here from the spec alone, exactly as the compiler draws it, and compared with the column's marginal
(Kolmogorov–Smirnov distance for numbers, total variation for categories). Above MAX_SHIFT the column falls
back to its marginal, and its spec says so in `note`: the simpler model wins where it is better.
"""
from __future__ import annotations

import numpy as np

from .dtypes import drawn_type, epoch, type_family

MAX_SHIFT = 0.05   # KS or TV distance between the drawn mixture and the column's own distribution
MAX_CLUSTER_SHIFT = 0.01   # ... for tables per hidden cluster, which add up to the column's own by construction


def _cdf(knots: list[float], steps: bool):
    knots = np.asarray(knots, float)
    if steps:   # each knot an equal share: the step CDF
        return lambda x: np.searchsorted(knots, x, "right") / len(knots)
    probs = np.linspace(0.0, 1.0, len(knots))
    return lambda x: np.interp(x, knots, probs, left=0.0, right=1.0)


def _parent_shares(parent: dict, bins: int) -> tuple[np.ndarray, float]:
    """How the parent's rows fall into bins when drawn, and the share that is NULL or special (bin 0, or
    the learned `null` distribution): categories by their weights, numbers and dates in equal slices."""
    cut = float(parent.get("nulls") or 0.0) + sum((parent.get("special") or {}).get("shares", []))
    if parent["kind"] == "categorical":
        w = np.asarray(parent["weights"], float)
        shares = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    else:
        shares = np.full(bins, 1.0 / bins)
    return shares, min(max(cut, 0.0), 1.0)


def shift(col: dict, parent: dict) -> float:
    """The distance between what `col` is drawn as given its parent, and its own distribution."""
    given = col["given"]
    bins = int(given["bins"])
    shares, cut = _parent_shares(parent, bins)
    if len(shares) != bins:
        return 1.0
    return _distance(col, given, shares, cut)


def _distance(col: dict, given: dict, shares, cut: float) -> float:
    """The distance for a column drawn per part (a parent's bin, or a hidden cluster) of the given shares, with a
    `cut` share of rows drawn from `given["null"]` (or the first part's table)."""
    bins = len(shares)
    # the non-NULL rows each part brings, with NULL drawn per bin (given.nulls): the mixture is over those
    nulls = list(given.get("nulls") or [0.0] * bins)
    kept = np.array([1 - x for x in nulls[:bins]])
    null_kept = 1 - nulls[bins] if len(nulls) > bins else kept[0]
    total = cut * null_kept + (1 - cut) * float(np.dot(shares, kept))
    if total <= 0:
        return 1.0
    cut, shares = cut * null_kept / total, shares * kept / max(float(np.dot(shares, kept)), 1e-300)
    if col["kind"] == "boolean":
        p = np.asarray(given["p_true"], float)
        return float(abs(cut * p[0] + (1 - cut) * float(np.dot(shares, p)) - col["p_true"]))
    if col["kind"] == "categorical":
        rows = [np.asarray(w, float) for w in given["weights"]]
        rows = [w / w.sum() if w.sum() > 0 else w for w in rows]
        null = np.asarray(given["null"], float) / max(sum(given["null"]), 1e-12) if given.get("null") else rows[0]
        mixture = cut * null + (1 - cut) * sum(s * w for s, w in zip(shares, rows))
        own = np.asarray(col["weights"], float)
        own = own / own.sum()
        return float(0.5 * np.abs(mixture - own).sum())
    steps = bool(col.get("steps"))
    if col["kind"] == "datetime":   # ISO texts: compared as the numbers the sampler draws
        family = type_family(drawn_type(col))
        col = {**col, "quantiles": [epoch(x, family) for x in col["quantiles"]]}
        given = {**given, "quantiles": [[epoch(x, family) for x in q] for q in given["quantiles"]]}
    per_bin = [_cdf(q, steps) for q in given["quantiles"]]
    null = _cdf(given["null"], steps) if given.get("null") else per_bin[0]
    own = _cdf(col["quantiles"], steps)
    grid = np.unique(np.concatenate([np.asarray(col["quantiles"], float)]
                                    + [np.asarray(q, float) for q in given["quantiles"]]))
    mixture = cut * null(grid) + (1 - cut) * sum(s * f(grid) for s, f in zip(shares, per_bin))
    return float(np.max(np.abs(mixture - own(grid))))


def check(cols: list[dict], clusters: dict | None = None) -> list[dict]:
    """Drop each conditional table whose mixture is more than MAX_SHIFT from the column's own distribution; the
    same for a table per hidden cluster (`clusters`: the spec's, with each cluster's weight)."""
    by_name = {c["name"]: c for c in cols}
    if clusters:
        shares = np.asarray(clusters["weights"], float) / float(sum(clusters["weights"]))
        for col in cols:
            if col.get("cluster"):
                distance = _distance(col, col["cluster"], shares, 0.0)
                if distance > MAX_CLUSTER_SHIFT:
                    del col["cluster"]
                    col["note"] = (f"drawn on its own: per cluster it would come out {distance:.3f} away from its own "
                                   "distribution")
    for col in cols:
        given = col.get("given")
        parent = by_name.get(given["column"]) if given else None
        if parent is None:
            continue
        distance = shift(col, parent)
        if distance > MAX_SHIFT:
            del col["given"]
            col["note"] = (f"drawn on its own: given {parent['name']} it would come out {distance:.3f} away from its "
                           "own distribution")
    return cols
