"""How a column's vocabulary grows with the world: a larger table holds more distinct texts, but fewer than in
proportion (dsdgen's 10× larger TPC-DS has 4.7× the brands, 3.4× the first names, 2.5× the cities).

The texts' counts are fitted by maximum likelihood to a Pitman–Yor process (the two-parameter Chinese
restaurant: a new text with probability (θ + d·K) / (θ + n) after n texts of K distinct, else a seen one in
proportion to its count minus d), the usual model of word and name vocabularies: its expected number of distinct
texts in n draws is E[K_n] = (θ/d)·((θ + d)_n / (θ)_n − 1), rising factorials. Fitted on TPC-DS sf=0.01 and
asked for 10 times the rows, it expects 433 brands (dsdgen's sf=0.1: 517), 1,817 first names (1,776), 1,674 zip
codes (1,494), 313 cities (381). Counts alone cannot tell a vocabulary from a list of things each named a few
times (a world twice as large might hold twice the things): the fit reads them as a vocabulary, except where a
growing list of codes tells (things_of_codes): TPC-DS's item descriptions repeat only on the versions of one item.
"""
from __future__ import annotations

import math

import numpy as np

from .sqltext import ident

D_RANGE = (1e-3, 0.999)      # the discount d, searched in
LOG_THETA_RANGE = (-6.0, 30.0)   # log θ, searched in
SEARCH_STEPS = 40            # golden-section steps per parameter (its interval shrinks to 4e-9)
REFERENCE = 10.0             # the scale at which the slots' growth is fitted as a power of the scale
GOLDEN = (math.sqrt(5) - 1) / 2


def _log_likelihood(d: float, theta: float, n: int, k: int) -> float:
    """log P(counts) under PY(d, θ) but for the term of d alone (_seen): ∏_{i<K}(θ + i·d) / (θ + 1)_{n − 1}."""
    new = (k - 1) * math.log(d) + math.lgamma(theta / d + k) - math.lgamma(theta / d + 1)
    return new - (math.lgamma(theta + n) - math.lgamma(theta + 1))


def _seen(d: float, counts: np.ndarray, weights: np.ndarray) -> float:
    """The likelihood's term of d alone: ∏_j (1 − d)_{n_j − 1}, over the distinct counts."""
    return float(np.dot(weights, [math.lgamma(c - d) - math.lgamma(1 - d) for c in counts]))


def _golden(f, lo: float, hi: float) -> tuple[float, float]:
    """(argmax, max) of f on [lo, hi], taken as unimodal."""
    a, b = lo + (1 - GOLDEN) * (hi - lo), lo + GOLDEN * (hi - lo)
    fa, fb = f(a), f(b)
    for _ in range(SEARCH_STEPS):
        if fa < fb:
            lo, a, fa = a, b, fb
            b = lo + GOLDEN * (hi - lo)
            fb = f(b)
        else:
            hi, b, fb = b, a, fa
            a = lo + (1 - GOLDEN) * (hi - lo)
            fa = f(a)
    return (a, fa) if fa >= fb else (b, fb)


def fit(spectrum: dict[int, int]) -> tuple[float, float]:
    """(d, θ) of the Pitman–Yor process likeliest to have drawn texts seen these many times each: `spectrum`
    holds, per count n, how many texts were seen n times."""
    values = np.asarray(sorted(spectrum), dtype=np.int64)
    weights = np.asarray([spectrum[v] for v in values.tolist()], dtype=np.int64)
    n, k = int(np.dot(values, weights)), int(weights.sum())

    def best_theta(d: float) -> tuple[float, float]:
        u, best = _golden(lambda u: _log_likelihood(d, math.exp(u), n, k), *LOG_THETA_RANGE)
        return u, best + _seen(d, values, weights)

    d, _ = _golden(lambda d: best_theta(d)[1], *D_RANGE)
    return d, math.exp(best_theta(d)[0])


def expected_distinct(n: float, d: float, theta: float) -> float:
    """E[K_n] under PY(d, θ)."""
    return theta / d * math.expm1(math.lgamma(theta + d + n) - math.lgamma(theta + n)
                                  + math.lgamma(theta) - math.lgamma(theta + d))


def slots_for(hits: float, rows: float) -> float:
    """Slots that `rows` rows drawing one each at random leave `hits` of them hit: S with S(1 − e^(−rows/S)) = hits
    (S = hits × x, x(1 − e^(−m/x)) = 1, m = rows / hits)."""
    m, lo, hi = rows / hits, 1.0, 1.0
    while hi * (1 - math.exp(-m / hi)) < 1:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mid * (1 - math.exp(-m / mid)) < 1 else (lo, mid)
    return hits * hi


def growth(spectrum: dict[int, int], rows: float, distinct: float) -> float | None:
    """The exponent g with which a column's slots grow with the scale, slots(s) = slots(1) × s^g, in [0, 1]: fitted
    so that a world REFERENCE times the table (`rows` texts, `distinct` of them) hits as many slots as the
    Pitman–Yor fit of the sampled texts' counts (`spectrum`, fit) expects distinct texts there. None where the fit says
    nothing finite (a count too large for the arithmetic)."""
    try:
        d, theta = fit(spectrum)
        ratio = expected_distinct(REFERENCE * rows, d, theta) / expected_distinct(rows, d, theta)
        wider = slots_for(min(distinct * ratio, REFERENCE * rows * (1 - 1e-9)), REFERENCE * rows)
        g = math.log(wider / slots_for(distinct, rows)) / math.log(REFERENCE)
    except (ValueError, OverflowError, ZeroDivisionError):
        return None
    return round(min(max(g, 0.0), 1.0), 4) if math.isfinite(g) else None


def things_of_codes(con, sample: str, cols: list[dict]) -> None:
    """Texts that are the attributes of things, each text on the rows of one code of a list that grows with the
    world (`grows`: an item's description on the versions of that item), grow as the things do: in proportion to
    the scale, their `slot_growth` dropped."""
    codes = [c["name"] for c in cols if c.get("grows")]
    for col in cols:
        if col.get("slot_growth") is None or not codes:
            continue
        t = ident(col["name"])
        within = con.execute("SELECT " + ", ".join(
            f"count(DISTINCT ({t}, {ident(c)})) FILTER (WHERE {ident(c)} IS NOT NULL) = count(DISTINCT {t}) "
            f"FILTER (WHERE {ident(c)} IS NOT NULL)" for c in codes) + f" FROM {sample} WHERE {t} IS NOT NULL").fetchall()[0]
        if any(within):
            del col["slot_growth"]
