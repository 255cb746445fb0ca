"""How many children each parent row has: the data's distribution, kept by construction.

A foreign key's `per_parent` holds quantile knots of the number of child rows per parent row in the data
(zeros included: customers without orders). Two ways to keep it, both pure functions of the row number:

- A plain foreign key (orders -> customer) gives parent rows weights: the parent of rank fraction t weighs
  Q(t), the count quantile. A child draws a rank through the inverse of the cumulative weight (a table of
  knots, interpolated like any numeric column), then a bijection of the parent rows turns the rank into a
  parent row, so that activity is not ordered along the keys. Each parent then gets about Q(t) children
  (zero where Q is zero), with the data's skew, at any scale.
  Drawn that way a parent's count is Poisson about its weight, so the weights are the parents' rates, not their
  counts in the data (`per_parent_rate`, fitted by rates()): counts that are Poisson about one rate in the data
  (dsdgen's customers: variance/mean 1.0) would otherwise be spread twice (2.1), with twice as many customers
  without a ticket and the busy ones busier.
- A nested key (lineitem's (l_orderkey, l_linenumber) under orders) needs exact counts, numbered 1..c within
  each parent. A block of B parents gets the counts Q((i + 0.5) / B), shuffled; a layout lists, for each
  child slot of the block, its parent and its number within that parent. Child row r lies in block
  r // T (T slots per block) at slot r % T: the tuple is unique, and every parent has its count of rows.
"""
from __future__ import annotations

import bisect
import math
import random

KNOTS = 65           # quantile knots of children per parent, in the spec
RATE_PARENTS = 50    # parent rows a rate distribution is fitted on, at least (fewer: their counts are the weights)
RATE_GRID = 160      # rates the fitted distribution may put mass on (and 0), geometrically spaced
RATE_STEPS = 3000    # EM steps at most...
RATE_TOLERANCE = 1e-9  # ... stopping when no rate's share moves by more than this
RANK_KNOTS = 257     # knots of the inverse cumulative weight, compiled
LAYOUT_SLOTS = 4096  # about this many child slots per block of parents
PRIME = 2305843009213693951  # 2^61 - 1: multiplying by it permutes the rows of any parent table (< 2^61 rows)
SMALL_PRIME = 2147483647     # 2^31 - 1: the same for tables of fewer rows, in 64-bit arithmetic (~50x faster)


# the primes below 2^31 that multiply ranks into parent rows: the first for the parent's one order of activity,
# each other for a foreign key whose busy parents are its own (`apart`: the k-th); the images of the busiest ranks
# under two multipliers overlap about as much as two random sets do
PRIMES = (SMALL_PRIME, 2147483629, 2147483587, 2147483579, 2147483563, 2147483549, 2147483543, 2147483497,
          2147483489, 2147483477)


def permuted(rank: str, rows: str, salt: int, apart: int = 0) -> str:
    """The parent row (SQL) that the parent of weight rank `rank` (in [0, rows)) is: a bijection of the rows,
    so that busy parents are spread over the table. A prime above the row count is coprime to it; HUGEINT
    arithmetic costs ~0.5 µs a row, so under 2^31 rows the product stays in BIGINT (< 2^62). `apart`: the
    k-th of PRIMES, an order of the rows of its own (above PRIMES[k] rows, a shift of the parent's order)."""
    prime = PRIMES[apart]
    return (f"CASE WHEN {rows} < {prime} THEN ({rank}::BIGINT * {prime} + {salt}) % {rows} "
            f"ELSE (({rank}::HUGEINT * {PRIME} + {salt + apart}) % {rows})::BIGINT END")


def _at(knots: list[float], t: float) -> float:
    """The count quantile at fraction t (linear between knots)."""
    x = t * (len(knots) - 1)
    k = min(int(x), len(knots) - 2)
    return knots[k] + (x - k) * (knots[k + 1] - knots[k])


def rank_knots(per_parent: list[float]) -> list[float]:
    """Knots of the rank fraction a child's uniform u falls on, where parents weigh their count quantile: the
    inverse of the normalized cumulative weight, at RANK_KNOTS equal steps of u."""
    grid = 4096
    weights = [max(0.0, _at(per_parent, (i + 0.5) / grid)) for i in range(grid)]
    total = sum(weights)
    if total <= 0:
        return [i / (RANK_KNOTS - 1) for i in range(RANK_KNOTS)]
    cumulative, run = [0.0], 0.0
    for w in weights:
        run += w / total
        cumulative.append(run)
    out = []
    for i in range(RANK_KNOTS):
        u = i / (RANK_KNOTS - 1)
        k = min(max(bisect.bisect_left(cumulative, u) - 1, 0), grid - 1)
        span = cumulative[k + 1] - cumulative[k]
        out.append((k + ((u - cumulative[k]) / span if span > 0 else 0.0)) / grid)
    return [min(max(x, 0.0), 1.0) for x in out]


def layout(per_parent: list[float], salt: int) -> tuple[int, list[int], list[int]]:
    """A block of B parents with the data's counts (stratified, shuffled): for each child slot, its parent's
    offset in the block and its number within that parent."""
    mean = max(sum(_at(per_parent, (i + 0.5) / 1024) for i in range(1024)) / 1024, 1e-9)
    block = int(min(1024, max(16, LAYOUT_SLOTS // max(1.0, mean))))
    counts = [max(0, round(_at(per_parent, (i + 0.5) / block))) for i in range(block)]
    random.Random(salt).shuffle(counts)
    parents = [i for i, c in enumerate(counts) for _ in range(c)]
    numbers = [k for c in counts for k in range(c)]
    if not parents:          # every parent childless: one slot so the arithmetic holds
        parents, numbers = [0], [0]
    return block, parents, numbers


def layout_rows(per_parent: list[float], salt: int, parents: int) -> int:
    """Child rows of `parents` parent rows under the layout: full blocks, then the slots of the first parents."""
    block, slots, _ = layout(per_parent, salt)
    full, rest = divmod(parents, block)
    return full * len(slots) + bisect.bisect_left(slots, rest)


def from_counts(counts: list[float]) -> list[float]:
    """The spec's knots from the data's quantiles (kept as given, rounded to a tenth: counts are whole)."""
    return [round(float(c), 1) for c in counts]


def _mixture(histogram: dict[int, int]):
    """The Poisson mixture of a histogram of counts (count -> rows with it), by nonparametric maximum likelihood
    (EM over a grid of rates: Laird 1978): (rates, their shares, each count's likelihood under each rate,
    scaled per count), or None where fewer than RATE_PARENTS rows say it."""
    import numpy as np
    counts = np.array(sorted(histogram), dtype=float)
    rows = np.array([histogram[k] for k in sorted(histogram)], dtype=float)
    if rows.sum() < RATE_PARENTS or counts[-1] <= 0:
        return None
    low = max(float(counts[counts > 0].min()) / 4, 1e-3)
    grid = np.concatenate([[0.0], np.geomspace(low, float(counts[-1]) * 1.1, RATE_GRID)])
    with np.errstate(divide="ignore", invalid="ignore"):
        log = counts[:, None] * np.log(grid)[None, :] - grid[None, :] \
            - np.array([math.lgamma(k + 1) for k in counts])[:, None]
    log[:, 0] = np.where(counts == 0, 0.0, -np.inf)     # a rate of 0 has no children
    like = np.exp(log - log.max(axis=1, keepdims=True))  # each count's scale cancels in its posterior
    share = np.full(len(grid), 1.0 / len(grid))
    for _ in range(RATE_STEPS):
        new = share * (like.T @ (rows / (like @ share))) / rows.sum()
        done = float(np.abs(new - share).max()) < RATE_TOLERANCE
        share = new
        if done:
            break
    return grid, share / share.sum(), like


def rates(histogram: dict[int, int]) -> list[float]:
    """Quantile knots of the parent rows' rates: the distribution G whose Poisson draws give the data's counts of
    children per parent (`histogram`: count -> parent rows with it; _mixture). A parent drawn with weight λ gets
    Poisson(λ) children, so parents weighed by G's quantiles have the data's counts: Poisson counts give one rate
    for all, counts with structural zeros (TPC-H's customers without orders) a rate of 0 for those, and a long
    tail keeps its spread. [] where too few parents say it."""
    import numpy as np
    fit = _mixture(histogram)
    if fit is None:
        return []
    grid, share, _ = fit
    at = np.searchsorted(np.cumsum(share), np.clip(np.linspace(0, 1, KNOTS), 1e-9, 1 - 1e-9), side="left")
    knots = [float(grid[min(i, len(grid) - 1)]) for i in at]
    # the top knot carries the top 1/(KNOTS - 1) of parents (interpolated up to it): set so that the knots' mean
    # is G's, else a long tail's last knot alone (its largest rate) would outweigh the rest
    inner = sum(knots[1:-1]) + knots[0] / 2
    knots[-1] = max(knots[-2], 2 * ((KNOTS - 1) * float(share @ grid) - inner))
    return [round(x, 4) for x in knots]


def smoothed(histogram: dict[int, int]) -> dict[int, float] | None:
    """Each count's rate, the mean of G given that count (empirical Bayes: Robbins 1956): the weight of a row
    that keeps its identity (a lookup's: the day of a sale) at any scale, where its count alone would weigh
    its noise too (a day of no sale in a small sample is no day without sales); None where too few rows say it."""
    fit = _mixture(histogram)
    if fit is None:
        return None
    grid, share, like = fit
    mean = (like * share) @ grid / (like @ share)
    return {k: float(m) for k, m in zip(sorted(histogram), mean)}
