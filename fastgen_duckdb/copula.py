"""The Gaussian copula layer: numbers, dates and short category lists joined by the correlation of the normal
scores their sampler uniforms stand for (see dependence.py for the layers before it)."""
from __future__ import annotations

import math

from .codes import CODE_CHUNK, MIN_ROWS, SCREEN_ROWS, Codes
from .dependence import Tree
from .kinds import LADDER
from .spec import MAX_DEPTH, copula_member, given_names
from .sqltext import ident


MAX_COPULA_COLUMNS = 32    # numbers, dates and short category lists joined by one Gaussian copula
MIN_COPULA_RHO = 0.1       # a column correlated with no other member by this much stays out of it
ORDER_ETA2 = 0.01          # a short list of categories is ordered by the number whose ranks it explains this much,
CHANCE_ETA2 = 4            # and this many times what its values explain by chance ((values - 1) / rows)


def fit(con, sample: str, cols: list[dict], clusters=None) -> dict | None:
    """A Gaussian copula over numbers, dates and short category lists: the correlation of their normal scores.

    Each column's score is the rank the sampler's uniform stands for: its rank in the whole column, or within its
    parent's bin for a conditioned column, so that the copula adds what the conditional tables do not already
    hold; for categories drawn by the CASE ladder (monotone in the uniform), the rank of the category's position.
    Columns related to no other member (|correlation| < MIN_COPULA_RHO) are left out: they cost nothing.
    With more than MAX_COPULA_COLUMNS candidates, the members are those of the strongest correlations on a row
    sample. The scores are computed once (numpy) and the matrix comes from one pass of matrix products.
    `clusters`: each sampled row's hidden cluster (rowid order) where members are drawn per cluster (clusters.py):
    their scores are ranks within their cluster."""
    import numpy as np
    members = [c for c in cols if copula_member(c)]
    if len(members) < 2:
        return None
    if len(members) > MAX_COPULA_COLUMNS:
        members = _strongest_members(con, sample, cols, members, clusters)
        if len(members) < 2:
            return None
    z, spread = _scores(con, sample, cols, members, clusters=clusters)
    if z is None:
        return None
    rho = _latent(_pairwise_correlation(z), spread)
    k = len(members)
    keep = [i for i in range(k) if max(abs(rho[i, j]) for j in range(k) if j != i) >= MIN_COPULA_RHO]
    if len(keep) < 2:
        return None
    kept = [members[i] for i in keep]
    # a conditioned member's uniform is its rank within its parent's bin: independent of that parent (and of the
    # parent's own, which picks the bin), or the member would come out of the parent's bins shifted (a correlation
    # the estimate leaves near 0 but the nearest positive definite matrix need not)
    tree = Tree(cols, MAX_DEPTH)
    above = [set(tree.ancestors(c["name"])) for c in kept]
    apart = [(a, b) for a in range(len(kept)) for b, p in enumerate(kept) if p["name"] in above[a]]
    return {"columns": [c["name"] for c in kept],
            "correlation": stored(nearest_correlation(_held_apart(rho[np.ix_(keep, keep)], apart)))}


def order_ladders(con, sample: str, cols: list[dict]) -> None:
    """Put each short list of unordered categories (a weather, a segment: 3 to LADDER texts) in the order of its
    strongest number's mean rank, in place. Such a list is drawn by a CASE ladder on its uniform, so the copula
    relates its position to the numbers: in the order of frequency, sun, rain, fog, drizzle, snow follow
    precipitation only by chance; ordered by mean precipitation, the copula's one coefficient says that
    wetter days are rain and snow. The strongest number is the one whose ranks the categories explain most
    (η², at least ORDER_ETA2 and well above chance); the list's shape is unchanged (each value keeps its weight)."""
    numbers = [c for c in cols if c["kind"] in ("numeric", "datetime") and copula_member(c)][:MAX_COPULA_COLUMNS]
    lists = [c for c in cols if c["kind"] == "categorical" and 3 <= len(c["values"]) <= LADDER
             and not c.get("ordered") and all(isinstance(v, str) for v in c["values"])][:MAX_COPULA_COLUMNS]
    if not numbers or not lists:
        return
    # one pass: every number's rank, and per value of every list (a grouping set each) their means
    ranks = ", ".join(f"percent_rank() OVER (ORDER BY {ident(x['name'])}) AS r{i}, {ident(x['name'])} IS NOT NULL "
                      f"AS p{i}" for i, x in enumerate(numbers))
    names = [ident(c["name"]) for c in lists]
    means = ", ".join(f"avg(r{i}) FILTER (WHERE p{i}), count(*) FILTER (WHERE p{i})" for i in range(len(numbers)))
    found = con.execute(
        f"SELECT {', '.join(f'grouping({x})' for x in names)}, {', '.join(f'{x}::VARCHAR' for x in names)}, {means} "
        f"FROM (SELECT {', '.join(names)}, {ranks} FROM {sample}) GROUP BY GROUPING SETS ({', '.join(f'({x})' for x in names)})"
    ).fetchall()
    for j, c in enumerate(lists):
        at = {r[len(lists) + j]: r[2 * len(lists):] for r in found if r[j] == 0 and r[len(lists) + j] is not None}
        best, best_eta2 = None, ORDER_ETA2
        for i in range(len(numbers)):
            got = [(at[v][2 * i], at[v][2 * i + 1]) for v in c["values"] if v in at and at[v][2 * i] is not None]
            n = sum(k for _, k in got)
            if n < MIN_ROWS or len(got) < 2:
                continue
            mean = sum(m * k for m, k in got) / n
            eta2 = sum(k * (m - mean) ** 2 for m, k in got) / (n / 12)   # a uniform rank's variance: 1/12
            if eta2 > best_eta2 and eta2 >= CHANCE_ETA2 * (len(got) - 1) / n:
                best, best_eta2 = i, eta2
        if best is not None:
            key = {v: at[v][2 * best] if v in at and at[v][2 * best] is not None else 0.5 for v in c["values"]}
            pairs = sorted(zip(c["values"], c["weights"]), key=lambda vw: key[vw[0]])
            c["values"], c["weights"] = [v for v, _ in pairs], [w for _, w in pairs]


def stored(rho) -> list[list[float]]:
    """The matrix as the spec keeps it, rounded to 4 decimals and still positive definite: rounding a nearly
    singular matrix (many columns that move together, as counts of one thing) can break that, so it is moved
    toward the identity by the least step that keeps it (tidyr.who: 20 such columns failed the whole infer)."""
    import numpy as np
    for shrink in [0.0] + [2.0 ** -k for k in range(12, 0, -1)]:
        out = [[round(float(x), 4) for x in row] for row in (1 - shrink) * rho + shrink * np.eye(len(rho))]
        try:
            np.linalg.cholesky(np.array(out))
            return out
        except np.linalg.LinAlgError:
            continue
    return np.eye(len(rho)).tolist()


def _scores(con, sample: str, cols: list[dict], members: list[dict], rows=None, clusters=None):
    """Normal scores (n × members, NaN where NULL) of the ranks the members' uniforms stand for (rows: only
    those rows of the sample, ranked among themselves), and each member's score variance.

    Tied values (a category, a repeated number) cover a slice [a, b) of the uniform together: their score is
    the normal's mean over that slice, (φ(Φ⁻¹(a)) − φ(Φ⁻¹(b))) / (b − a), the same for all of them. A column
    of few values then has a score variance f below 1, and its correlations with the others are f^½ times
    those of the normal it is cut from (the polyserial correction, Olsson et al. 1982): copula() divides by
    it, or a binary column's effect on the others would come out at about 0.64 of the data's."""
    import numpy as np
    parents = []
    for c in members:
        for p in _parents(cols, c):
            if p not in parents and p not in members:
                parents.append(p)
    everyone = members + parents
    codes = Codes(con, sample, everyone, keep=True)
    if codes.n < MIN_ROWS:
        return None, None
    pick = np.arange(codes.n) if rows is None else rows
    z = np.full((len(pick), len(members)), np.nan)
    spread = np.ones(len(members))
    for m, c in enumerate(members):
        x = codes.codes[pick, m].astype(float) if c["kind"] == "categorical" else codes.numbers[m][pick]
        x = np.where(x < 0, np.nan, x) if c["kind"] == "categorical" else x
        group = np.zeros(len(pick), dtype=np.int64)
        if c.get("given"):   # within its parent's bin, or its pair's combination (twoparents.py)
            first, *second = [everyone.index(p) for p in _parents(cols, c)]
            group = codes.codes[pick, first].astype(np.int64) if not second else codes.pair(first, second[0])[pick]
        elif c.get("cluster") and clusters is not None:
            group = np.asarray(clusters, dtype=np.int64)[pick]
        present = ~np.isnan(x)
        order = np.lexsort((x, group))
        order = order[present[order]]
        if len(order) < 2:
            continue
        g, v = group[order], x[order]
        new_group = np.r_[True, g[1:] != g[:-1]]
        new_run = new_group | np.r_[True, v[1:] != v[:-1]]
        group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
        group_id = np.cumsum(new_group) - 1
        group_size = np.bincount(group_id)[group_id]
        run_id = np.cumsum(new_run) - 1
        run_start = np.flatnonzero(new_run)
        run_end = np.r_[run_start[1:], len(order)]
        lo = (run_start[run_id] - group_start) / group_size
        hi = (run_end[run_id] - group_start) / group_size
        density = lambda q: np.where((q <= 0) | (q >= 1), 0.0, np.exp(-normal_quantile(q) ** 2 / 2))
        score = (density(lo) - density(hi)) / ((hi - lo) * math.sqrt(2 * math.pi))
        z[order, m] = score
        spread[m] = float(np.mean(score ** 2))
    return z, spread


def _pairwise_correlation(z):
    """Pearson correlation of every pair of columns of z over the rows where both are present (MIN_ROWS at
    least, else 0), from four matrix products."""
    import numpy as np
    present = (~np.isnan(z)).astype(float)
    x = np.nan_to_num(z)
    n = present.T @ present
    sx = x.T @ present            # sum of column i over rows where j is present
    sxx = (x * x).T @ present
    sxy = x.T @ x
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sxy - sx * sx.T / n
        var = (sxx - sx * sx / n) * (sxx - sx * sx / n).T
        rho = cov / np.sqrt(var)
    rho = np.where((n >= MIN_ROWS) & np.isfinite(rho), rho, 0.0)
    np.fill_diagonal(rho, 1.0)
    return np.clip(rho, -1.0, 1.0)


def _latent(rho, spread):
    """Correlations of the normals that the scores are cut from (see _scores), within ±0.995."""
    import numpy as np
    scale = np.sqrt(np.outer(spread, spread))
    out = np.clip(rho / np.where(scale > 0, scale, 1.0), -0.995, 0.995)
    np.fill_diagonal(out, 1.0)
    return out


def _strongest_members(con, sample: str, cols: list[dict], members: list[dict], clusters=None) -> list[dict]:
    """Up to MAX_COPULA_COLUMNS members: the columns of the strongest correlations between normal scores on a
    row sample of SCREEN_ROWS, each pair taken in order of |correlation| (at least MIN_COPULA_RHO)."""
    import numpy as np
    n = con.execute(f"SELECT count(*) FROM {sample}").fetchall()[0][0]
    rows = np.sort(np.random.default_rng(5).choice(n, min(n, SCREEN_ROWS), replace=False))
    scored = [_scores(con, sample, cols, members[s:s + CODE_CHUNK], rows, clusters) for s in range(0, len(members), CODE_CHUNK)]
    rho = np.abs(_latent(_pairwise_correlation(np.concatenate([z for z, _ in scored], axis=1)),
                         np.concatenate([f for _, f in scored])))
    np.fill_diagonal(rho, 0.0)
    chosen: list[int] = []
    for flat in np.argsort(-rho, axis=None, kind="stable"):
        i, j = divmod(int(flat), len(members))
        if rho[i, j] < MIN_COPULA_RHO or len(chosen) >= MAX_COPULA_COLUMNS:
            break
        for x in (i, j):
            if x not in chosen and len(chosen) < MAX_COPULA_COLUMNS:
                chosen.append(x)
    return [members[i] for i in sorted(chosen)]


def normal_quantile(p):
    """The standard normal quantile of p in (0, 1) (Acklam's rational approximation, relative error < 1.2e-9),
    vectorized."""
    import numpy as np
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
         -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
         -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
         4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    low = 0.02425
    q = np.sqrt(-2 * np.log(np.where(p < 0.5, p, 1 - p)))
    tail = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    r = (p - 0.5) ** 2
    central = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * (p - 0.5) / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    return np.where(p < low, tail, np.where(p > 1 - low, -tail, central))


def _held_apart(rho, apart: list[tuple[int, int]], steps: int = 100):
    """A correlation matrix near rho with the pairs `apart` at 0 and positive definite (alternating projections
    onto each), or the nearest positive definite one where they do not meet in `steps`."""
    import numpy as np
    rho = rho.copy()
    for _ in range(steps):
        for a, b in apart:
            rho[a, b] = rho[b, a] = 0.0
        if np.linalg.eigvalsh(rho).min() > 1e-4:
            break
        rho = nearest_correlation(rho)
    return rho


def nearest_correlation(rho):
    """A positive definite correlation matrix close to rho (pairwise estimates need not be one)."""
    import numpy as np
    values, vectors = np.linalg.eigh((rho + rho.T) / 2)
    fixed = vectors @ np.diag(np.maximum(values, 1e-4)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def _parents(cols: list[dict], child: dict) -> list[dict]:
    """The columns `child` is drawn given (spec.given_names): none, its parent, or a pair."""
    by_name = {c["name"].lower(): c for c in cols}
    return [by_name[name] for name in given_names(child)]

