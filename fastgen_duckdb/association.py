"""Statistics of association on a count matrix of two coded columns (rows: one column's codes, columns: the
other's): bias-corrected Cramér's V, the correlation ratio of a number by a category, mutual information."""
from __future__ import annotations

import math


def cramers_v(table) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of a count matrix (rows: one column's codes, columns: the other's):
    comparable between tables of different shapes and sizes, and near 0 for independent columns however many
    cells they have (the plain V grows with the cell count)."""
    import numpy as np
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    total = table.sum()
    r, k = table.shape
    if total <= 1 or min(r, k) < 2:
        return 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    chi2 = float(((table - expected) ** 2 / expected).sum())
    phi2 = max(0.0, chi2 / total - (r - 1) * (k - 1) / (total - 1))
    shape = min(r - (r - 1) ** 2 / (total - 1), k - (k - 1) ** 2 / (total - 1)) - 1
    return math.sqrt(phi2 / shape) if shape > 0 else 0.0


def correlation_ratio(table, axis: int) -> float:
    """How much of a number's variance a category explains (its bins' positions along `axis` of the count matrix,
    the category's values along the other), bias-corrected (ω², near 0 for independent columns), as a root, a
    correlation. A number by a category of many values (a pupil's score by school) is a strong relation that V
    on bins understates: with a few dozen rows per value, each value's 32 bins are mostly noise."""
    import numpy as np
    table = np.asarray(table, dtype=float)
    if axis == 1:
        table = table.T
    table = table[:, table.sum(axis=0) > 0]               # rows: the number's bins; columns: the category's values
    n, k = table.sum(), table.shape[1]
    if k < 2 or n <= k:
        return 0.0
    x = np.arange(table.shape[0], dtype=float)
    mean = (x @ table.sum(axis=1)) / n
    means = (x @ table) / table.sum(axis=0)
    between = float(((means - mean) ** 2 * table.sum(axis=0)).sum())
    total = float(((x - mean) ** 2 * table.sum(axis=1)).sum())
    within = (total - between) / (n - k)
    omega2 = (between - (k - 1) * within) / (total + within) if total > 0 else 0.0
    return math.sqrt(max(0.0, min(1.0, omega2)))


def mutual_information(table) -> float:
    """In nats: how much one column tells about the other (breaks ties of V: a date bin says more than a quarter)."""
    import numpy as np
    table = np.asarray(table, dtype=float)
    total = table.sum()
    if total <= 0:
        return 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    nz = table > 0
    return float((table[nz] / total * np.log(table[nz] / expected[nz])).sum())


def normal_quantile(p: float) -> float:
    import statistics
    return statistics.NormalDist().inv_cdf(min(max(p, 1e-300), 1 - 1e-16))
