"""Never worse than a column's own distribution: a conditional table that would shift it is dropped.
(The same check covers a column's tables per hidden cluster, clusters.py: the clusters are its parent.)

A column drawn `given` a parent keeps one distribution per parent bin. Drawn over all parent rows, those
must add back up to the column's own marginal; they may not, where bins hold few rows (65 knots from 19
values), where the parent is often NULL or special (those rows take bin 0, or the `null` distribution
where one was learned), or where a category list changed. The mixture the sampler will draw is computed
here from the spec alone, exactly as the compiler draws it, and compared with the column's marginal
(Kolmogorov–Smirnov distance for numbers, total variation for categories). Above MAX_SHIFT the column falls
back to its marginal, and its spec says so in `note`: the simpler model wins where it is better. Below, the
tables are calibrated to add up to the marginal exactly (calibrate()).
"""
from __future__ import annotations

import numpy as np

from .dtypes import drawn_type, epoch, monotone, type_family

MAX_SHIFT = 0.05   # KS or TV distance between the drawn mixture and the column's own distribution
MAX_CLUSTER_SHIFT = 0.01   # ... for tables per hidden cluster, which add up to the column's own by construction
MAX_MOVE = 0.25            # calibrating moves no part's median by more than this share of its interquartile range
RAKING_PASSES = 50         # iterative proportional fitting of a category list's tables to its own shares


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


def _pair_shares(first: dict, second: dict) -> tuple[np.ndarray, float]:
    """_parent_shares of a pair of category lists (twoparents.py): how the rows fall into their combinations,
    first's position × second's values + second's, as drawn (one given the other where it is, else apart); a
    row with either NULL is cut."""
    def given_other(a: dict, b: dict) -> np.ndarray:   # a's shares per value of b (rows), or a's own for each
        rows = (a.get("given") or {}).get("weights") if (a.get("given") or {}).get("column") == b["name"] else None
        own = _parent_shares(a, len(a["values"]))[0]
        if rows is None or len(rows) != len(b["values"]):
            return np.tile(own, (len(b["values"]), 1))
        rows = np.asarray(rows, float)
        return rows / np.maximum(rows.sum(axis=1, keepdims=True), 1e-300)
    (p_first, cut_first), (p_second, cut_second) = _parent_shares(first, 0), _parent_shares(second, 0)
    if (first.get("given") or {}).get("column") == second["name"]:
        joint = (given_other(first, second) * p_second[:, None]).T
    else:
        joint = p_first[:, None] * given_other(second, first)
    return joint.reshape(-1), 1 - (1 - cut_first) * (1 - cut_second)


def shift(col: dict, parent: dict, second: dict | None = None) -> float:
    """The distance between what `col` is drawn as given its parent (and `second`, of a pair), and its own
    distribution."""
    given = col["given"]
    bins = int(given["bins"])
    shares, cut = _parent_shares(parent, bins) if second is None else _pair_shares(parent, second)
    if len(shares) != bins:
        return 1.0
    return _distance(col, given, shares, cut)


def _parts(given: dict, shares, cut: float) -> tuple[np.ndarray, list[int]]:
    """The share of the column's non-NULL rows each table of `given` brings (its parts, then the `null` table
    where one was learned), and which table each part is: a `cut` share of rows (a NULL or special parent) takes
    the `null` table, or the first part's. NULL is drawn per part where `given.nulls` says."""
    bins = len(shares)
    nulls = list(given.get("nulls") or [0.0] * bins)
    kept = np.array([1 - x for x in nulls[:bins]])
    null_kept = 1 - nulls[bins] if len(nulls) > bins else kept[0]
    mass = list((1 - cut) * np.asarray(shares, float) * kept)
    table = list(range(bins))
    if given.get("null"):
        mass, table = mass + [cut * null_kept], table + [bins]
    else:
        mass[0] += cut * null_kept
    mass = np.asarray(mass, float)
    return mass / max(float(mass.sum()), 1e-300), table


def _tables(col: dict, given: dict) -> list:
    """given's tables (per part, then `null`) of a categorical or numeric column."""
    rows = list(given["weights" if col["kind"] == "categorical" else "quantiles"])
    return rows + ([given["null"]] if given.get("null") else [])


def _distance(col: dict, given: dict, shares, cut: float) -> float:
    """The distance for a column drawn per part (a parent's bin, or a hidden cluster) of the given shares, with a
    `cut` share of rows drawn from `given["null"]` (or the first part's table)."""
    mass, table = _parts(given, shares, cut)
    if not mass.sum():
        return 1.0
    if col["kind"] == "boolean":
        p = np.asarray(list(given["p_true"]) + [given["p_true"][0]], float)
        return float(abs(float(np.dot(mass, p[table])) - col["p_true"]))
    if col["kind"] == "categorical":
        rows = [np.asarray(w, float) / max(float(np.sum(w)), 1e-300) for w in _tables(col, given)]
        mixture = sum(m * rows[t] for m, t in zip(mass, table))
        own = np.asarray(col["weights"], float)
        return float(0.5 * np.abs(mixture - own / own.sum()).sum())
    steps = bool(col.get("steps"))
    tables = _tables(col, given)
    own_q = col["quantiles"]
    if col["kind"] == "datetime":   # ISO texts: compared as the numbers the sampler draws
        family = type_family(drawn_type(col))
        own_q, tables = [epoch(x, family) for x in own_q], [[epoch(x, family) for x in q] for q in tables]
    per_part = [_cdf(q, steps) for q in tables]
    grid = np.unique(np.concatenate([np.asarray(own_q, float)] + [np.asarray(q, float) for q in tables]))
    mixture = sum(m * per_part[t](grid) for m, t in zip(mass, table))
    return float(np.max(np.abs(mixture - _cdf(own_q, steps)(grid))))


def _mixture_limits(tables: list, mass, table: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The knots of every table (sorted, unique), and F(x-) and F(x) there of the mixture that draws table[i]
    with share mass[i], each linear between its knots at equal steps of the uniform (a run of equal knots is an
    atom): one pass over every segment of every table (a density added over the knots it spans)."""
    lows, highs, shares = [], [], []
    for m, t in zip(mass, table):
        k = np.asarray(tables[t], float)
        lows.append(k[:-1])
        highs.append(k[1:])
        shares.append(np.full(len(k) - 1, m / (len(k) - 1)))
    low, high, share = np.concatenate(lows), np.concatenate(highs), np.concatenate(shares)
    grid = np.unique(np.concatenate([low, high]))
    i, j = np.searchsorted(grid, low), np.searchsorted(grid, high)
    flat = high <= low
    atom = np.bincount(i[flat], weights=share[flat], minlength=len(grid))
    density = np.divide(share, high - low, out=np.zeros_like(share), where=~flat)
    step = np.bincount(i, weights=density, minlength=len(grid) + 1) - np.bincount(j, weights=density, minlength=len(grid) + 1)
    between = np.cumsum(step)[:len(grid) - 1] * np.diff(grid)   # the mass between consecutive knots
    before = np.concatenate([[0.0], np.cumsum(between)])
    upto = before + np.cumsum(atom)
    return grid, upto - atom, upto


def calibrate(col: dict, given: dict, shares, cut: float, before: float | None = None) -> None:
    """Make the tables of `given` add back up to the column's own distribution, exactly, where they are kept:
    bins of few rows (a county's 7), NULL shares per bin shrunk toward the column's own, and bins a sample never
    saw each move the mixture a little (KS 0.01-0.02 on numbers drawn per county). A category list's tables
    are raked (iterative proportional fitting: each value's weight scaled until the mixture's shares are the
    column's, each table summing as before); a continuous number's knots are moved through the monotone map
    that takes the mixture to the column's own quantiles (a knot inside an atom, a run of equal knots, takes
    its place within the atom's share, so an atom the column has stays one). Each part keeps its order and
    what sets it apart from the others: where the map would move a part's median by more than MAX_MOVE of its
    interquartile range, the parts are set apart and the mixture is off by their weights, not their shapes,
    and the number is left as it was. Dates, discrete numbers and a number with one value per part (a
    group's own, which it determines) are left as they are, and so are tables that calibrating would not bring
    closer (within the knots' resolution already). `before`: the mixture's distance now, where the caller has it."""
    mass, table = _parts(given, shares, cut)
    if not mass.sum() or col["kind"] not in ("categorical", "numeric") or col.get("steps") or col.get("special"):
        return
    before, tables = _distance(col, given, shares, cut) if before is None else before, _tables(col, given)
    if col["kind"] == "numeric" and all(q[0] == q[-1] for q in tables):   # one value per part: a group's own, exact
        return
    if col["kind"] == "categorical":
        own = np.asarray(col["weights"], float)
        own = own / max(float(own.sum()), 1e-300)
        raw = np.asarray(tables, float)   # a table per row: the rows raked at once (a group id's are hundreds)
        sums = raw.sum(axis=1)
        rows = np.divide(raw, sums[:, None], out=raw.copy(), where=sums[:, None] > 0)
        weight = np.bincount(table, weights=mass, minlength=len(rows))   # each table's share of the mixture
        for _ in range(RAKING_PASSES):
            scale = weight @ rows
            scale = np.divide(own, scale, out=np.ones_like(own), where=scale > 0)
            scaled = rows * scale
            total = scaled.sum(axis=1)
            rows = np.where((rows.sum(axis=1) > 0)[:, None], scaled / np.maximum(total, 1e-300)[:, None], rows)
        # 6 significant digits; a zero (most of a group id's table) needs no formatting
        new = [[float(f"{x:.6g}") if x else 0.0 for x in (r * s).tolist()] if s > 0 else list(w)
               for r, s, w in zip(rows, sums.tolist(), tables)]
    else:
        own_q = np.asarray(col["quantiles"], float)
        grid, below, upto = _mixture_limits(tables, mass, table)
        new = []
        for q in tables:
            q = np.asarray(q, float)
            at = np.searchsorted(grid, q)
            lo, hi = below[at], upto[at]
            first = np.searchsorted(q, q, "left")   # a knot's place within its run of equal knots
            last = np.searchsorted(q, q, "right") - 1
            t = np.divide(np.arange(len(q)) - first, last - first, out=np.full(len(q), 0.5), where=last > first)
            p = lo + t * (hi - lo)
            moved = np.interp(p, np.linspace(0.0, 1.0, len(own_q)), own_q)
            # a part keeps its place: where the map would move a part's median by more than a quarter of its
            # own spread (parts set apart, a series' counts, whose mixture is off by its NULL shares, not its
            # shapes), the column is left as it was
            middle = len(q) // 2
            if abs(moved[middle] - q[middle]) > MAX_MOVE * (q[(3 * len(q)) // 4] - q[len(q) // 4]):
                return
            new.append(monotone(moved.tolist()))
    key = "weights" if col["kind"] == "categorical" else "quantiles"
    parts = len(given[key])
    kept = {key: given[key], "null": given.get("null")}
    given[key] = new[:parts]
    if given.get("null"):
        given["null"] = new[parts]
    if _distance(col, given, shares, cut) > before:   # within the knots' own resolution already: as it was
        given[key] = kept[key]
        if kept["null"]:
            given["null"] = kept["null"]


def check(cols: list[dict], clusters: dict | None = None) -> list[dict]:
    """Drop each conditional table whose mixture is more than MAX_SHIFT from the column's own distribution, and
    calibrate the others to it; the same for a table per hidden cluster (`clusters`: the spec's, with each
    cluster's weight)."""
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
                else:
                    calibrate(col, col["cluster"], shares, 0.0, distance)
    for col in cols:
        given = col.get("given")
        parent = by_name.get(given["column"]) if given else None
        second = by_name.get(given.get("and")) if given else None
        if parent is None or given.get("and") is not None and second is None:
            continue
        distance = shift(col, parent, second)
        if distance > MAX_SHIFT:
            del col["given"]
            col["note"] = (f"drawn on its own: given {parent['name']}{' and ' + second['name'] if second else ''} it "
                           f"would come out {distance:.3f} away from its own distribution")
        else:
            calibrate(col, given, *(_parent_shares(parent, int(given["bins"])) if second is None
                                    else _pair_shares(parent, second)), distance)
    return cols
