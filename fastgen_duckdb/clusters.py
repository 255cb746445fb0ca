"""Hidden clusters: a latent class model, so that a row's columns depend on each other as a whole, not only in pairs.

A conditional table (dependence.py) joins a column to one parent, and a Gaussian copula joins numbers by one
correlation each; neither keeps what three columns do together (a count that depends on a school and a year;
c = a xor b, where every pair is independent). Here the rows of the profile sample are grouped into K hidden
clusters by EM on the columns' codes (a category's position, a number's equal-frequency bin, NULL its own
level): a mixture of independent columns, which can approximate any joint distribution of them as K grows.
Each member column then keeps, per cluster, its category weights, quantile knots or share of true (and its NULL
share where that differs), exactly the form of a conditional table with the cluster as its parent; the sampler
draws a row's cluster first, from its own hash stream, and reads every member off it. The copula then adds,
within clusters, what the clusters do not hold (members' scores are their ranks within their cluster).

K grows with the sample (ROWS_PER_CLUSTER rows per cluster, at most MAX_CLUSTERS), so a small table gets few
clusters, each learned on enough rows; fewer than two means none. Tables wider than MAX_COLUMNS members keep the
pair model alone (EM over every column of a 1,000-column table would cost more than the rest of the profile).
"""
from __future__ import annotations

from . import fallback
from .codes import MIN_ROWS, MONOTONE, MONOTONE_NULLS, Codes
from .conditionals import NUMERIC_KNOTS, condition_codes, knot_width, null_shares
from .dependence import MAX_CHILD_VALUES, has_rule
from .dtypes import drawn_type, epoch, iso, knot_values, monotone, type_family
from .errors import SpecError
from .kinds import finite_number, probability, sorted_numbers
from .spec import given_names
from .sqltext import ident

MAX_CLUSTERS = 64          # clusters of one table, at most...
ROWS_PER_CLUSTER = 40      # ... and one per this many sampled rows
MIN_MEMBERS = 2            # columns a mixture needs
MAX_COLUMNS = 64           # tables with more candidate members keep the pair model alone
EM_ROWS = 8192             # rows EM iterates on (every sampled row is then assigned once)
EM_LEVELS = 32             # a category's most frequent values EM tells apart (the rest: one level)
ITERATIONS = 40            # EM steps, at most
TOLERANCE = 1e-4           # ... stopping earlier when the mean log-likelihood per row gains less than this
PRIOR = 0.5                # EM's Dirichlet pseudo-rows per column and cluster: an empty level is unlikely, not impossible
MAX_PRIOR = 1e6            # rows' worth of a column's own distribution in a cluster's, at most (_concentration)
SEED = 20261202            # the same sample gives the same clusters


def member(col: dict, parents: set[str]) -> bool:   # parents: lower-case names
    """A column drawn per cluster: a category list, a number or a boolean that no rule draws and that parents no
    conditional table by its bins (a numeric parent's bin is read off its own uniform, which a cluster would
    make a within-cluster rank); a categorical parent is read off its drawn value, so it may be a member."""
    if has_rule(col) or col.get("special"):
        return False
    if col["kind"] == "categorical":
        return 2 <= len(col["values"]) <= MAX_CHILD_VALUES
    if col["kind"] in ("numeric", "datetime"):
        return col["name"].lower() not in parents
    return col["kind"] == "boolean" and 0 < col["p_true"] < 1


def applies(rows: int, cols: list[dict]) -> bool:
    """Whether a table of `rows` sampled rows and these columns gets clusters."""
    return rows // ROWS_PER_CLUSTER >= 2 and MIN_MEMBERS <= sum(member(c, set()) for c in cols) <= MAX_COLUMNS


def fit(con, sample: str, cols: list[dict], report: dict | None = None):
    """Give the member columns a `cluster` table; return the spec's `clusters` ({"weights": [...]}) and each
    sampled row's cluster (in rowid order, for the copula's within-cluster ranks), or (None, None)."""
    import numpy as np
    parents = {name for c in cols for name in given_names(c)}   # lower case
    members = [c for c in cols if member(c, parents)]
    if not MIN_MEMBERS <= len(members) <= MAX_COLUMNS:
        return None, None
    # booleans are coded as the two-value category list they are
    coded = [{"name": c["name"], "kind": "categorical", "values": [False, True], "weights": [1 - c["p_true"], c["p_true"]],
              "nulls": c["nulls"], "type": "BOOLEAN"} if c["kind"] == "boolean" else c for c in members]
    codes = Codes(con, sample, coded, keep=True)
    # numbers this correlated with another are left to the copula on their whole ranks, as the pair model leaves
    # them: within clusters, a heavy tail's extremes would pair up at random (Pearson 0.98 -> 0.3)
    locked = _monotone(codes)
    if locked:
        members = [c for i, c in enumerate(members) if i not in locked]
        coded = [c for i, c in enumerate(coded) if i not in locked]
        if len(members) < MIN_MEMBERS:
            return None, None
        codes = Codes(con, sample, coded, keep=True)
    k = min(MAX_CLUSTERS, codes.n // ROWS_PER_CLUSTER)
    if k < 2:
        return None, None
    levels, x = _levels(codes)
    rng = np.random.default_rng(SEED)
    em_rows = np.sort(rng.choice(codes.n, EM_ROWS, replace=False)) if codes.n > EM_ROWS else np.arange(codes.n)
    signature = _signature(con, sample, codes, cols, members)
    k = _choose_k(x[em_rows], levels, k, rng)
    tables, weights, loglik = _em(x[em_rows], levels, k, rng)
    post = _posterior(x + _offsets(levels), tables, weights)
    z = (post.cumsum(axis=1) > rng.random(codes.n)[:, None]).argmax(axis=1)   # one draw from each row's posterior
    sizes = np.bincount(z, minlength=k)
    used = np.flatnonzero(sizes > 0)
    z = np.searchsorted(used, z)               # empty clusters dropped
    sizes = sizes[used]
    # the share of each member's draws per cluster taken from its own distribution: one share for every cluster,
    # so that the clusters' mixture is still exactly the column's own distribution
    typical = codes.n / len(sizes)
    shrink = [(lambda a: a / (typical + a))(_concentration(codes.codes[:, j], z, codes.levels[j], len(sizes)))
              for j in range(len(members))]
    copies = _copies(signature, z, rng, shrink)
    if copies is not None and copies[0] > copies[1]:   # privacy first: the pair model instead
        if report is not None:
            report["clusters_refused"] = (f"{k} clusters would draw {copies[0]:.2%} of rows equal to real ones, where "
                                          f"held-out real rows are {copies[1]:.2%}")
        return None, None
    if len(used) < 2:
        return None, None
    k = len(used)
    codes.codes = np.column_stack([codes.codes, z.astype(np.int16)])
    codes.levels.append(k)
    codes.cols.append({"name": "", "kind": "categorical", "values": list(range(k))})
    for j, (col, c) in enumerate(zip(members, coded)):
        if col["kind"] in ("numeric", "datetime"):
            col["cluster"] = _knot_table(codes, j, z, k, shrink[j])
            continue
        condition_codes(codes, j, len(members), 0.0)
        given = c.pop("given")
        table = {key: given[key] for key in ("weights", "nulls") if key in given}
        counts = np.asarray(table.pop("weights"), float)          # clusters × values
        own = counts.sum(axis=0) / max(counts.sum(), 1.0)
        shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-300)
        smoothed = (1 - shrink[j]) * shares + shrink[j] * own     # toward the column's own shares
        if col["kind"] == "boolean":
            table["p_true"] = [round(float(t / (f + t)), 6) for f, t in smoothed]
        else:
            table["weights"] = [[round(float(w), 6) for w in row] for row in smoothed]
        col["cluster"] = table
    if report is not None:
        report.update(clusters=k, cluster_members=len(members), cluster_loglik=round(float(loglik), 4))
    return {"weights": sizes.astype(float).tolist()}, z


NEW = -1   # in a signature: a value the sampler draws anew (a continuous number, invented text): equal to none


def _signature(con, sample: str, codes: Codes, cols: list[dict], members: list[dict]):
    """Each sampled row's values as integers, for the copy check: (members n × m, others n × o), the others being
    the columns outside the clusters that are drawn anew but can be NULL (NULL equals NULL). A category, boolean
    or discrete number is its value; a value drawn anew is NEW; NULL is 0 there. None where no row can come out
    as a copy: a column drawn anew that is never NULL. Other columns (keys, constants, a child of a parent, a
    discrete column outside the clusters) are left out, which can only make copies look likelier."""
    import numpy as np

    def anew(c):   # a number rounded to whole units or cents, or a day, comes out equal to real values often
        return (c["kind"] == "text" and not c.get("frequent") or c["kind"] == "pattern"
                or c["kind"] in ("numeric", "datetime") and not c.get("steps") and c.get("round") is None
                and type_family(drawn_type(c)) not in ("integer", "decimal", "date")
                and c.get("granularity") not in ("day", "month", "year"))
    outside = [c for c in cols if not any(c is m for m in members) and not c.get("given") and anew(c)]
    if any(c["nulls"] <= 0 and not c.get("special") for c in outside):
        return None
    ids = np.empty((codes.n, len(members)), dtype=np.int64)
    for j, c in enumerate(members):
        if c["kind"] in ("numeric", "datetime"):
            missing = np.isnan(codes.numbers[j])
            if not anew(c):
                ids[:, j] = np.unique(np.nan_to_num(codes.numbers[j], nan=-np.inf), return_inverse=True)[1].ravel() + 1
                ids[missing, j] = 0
            else:
                ids[:, j] = np.where(missing, 0, NEW)
        else:
            ids[:, j] = codes.codes[:, j].astype(np.int64) + 3   # NULL (-1) and unlisted (-2) kept apart
    others = np.zeros((codes.n, len(outside)), dtype=np.int64)
    if outside:
        nulls = ", ".join(f"{ident(c['name'])} IS NULL" for c in outside)
        got = con.execute(f"SELECT {nulls} FROM {sample} ORDER BY rowid").fetchall()
        others = np.where(np.array(got, dtype=bool), 0, NEW).astype(np.int64)
    return ids, others


def _hash(values, rng):
    """One 64-bit hash per row of integer columns (wrapping arithmetic); a NEW value is a fresh random one."""
    import numpy as np
    h = np.zeros(len(values), dtype=np.uint64)
    for j in range(values.shape[1]):
        v = values[:, j].astype(np.uint64)
        fresh = values[:, j] == NEW
        v[fresh] = rng.integers(1, 2 ** 63, int(fresh.sum()), dtype=np.int64).astype(np.uint64)
        h = h * np.uint64(0x9E3779B97F4A7C15) + v
    return h


def _copies(signature, z, rng, shrink: list[float]):
    """(synthetic, held-out): the share of rows drawn per cluster (each member from a random row of the row's
    cluster, or with its `shrink` share of the column's own, as the tables per cluster draw it; the other
    columns NULL as often as they are) from half A of the sample that equal a row of A, and the share of the
    other half's rows that do. None where no copy can happen (_signature)."""
    import numpy as np
    if signature is None:
        return None
    ids, others = signature
    rows = np.column_stack([ids, others])
    n = len(z)
    half = np.zeros(n, dtype=bool)
    half[rng.permutation(n)[: n // 2]] = True
    h = _hash(rows, rng)
    train = h[half]
    heldout = float(np.isin(h[~half], train).mean()) if (~half).any() else 0.0
    za = z[half]
    rows_a = np.flatnonzero(half)[np.argsort(za, kind="stable")]
    sizes = np.bincount(za, minlength=int(z.max()) + 1)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    k = np.flatnonzero(sizes > 0)
    drawn = rng.choice(k, size=n, p=sizes[k] / sizes[k].sum())
    sim = np.empty_like(rows)
    for j in range(ids.shape[1]):
        pick = rows_a[starts[drawn] + (rng.random(n) * sizes[drawn]).astype(np.int64)]
        own = rng.random(n) < shrink[j]   # the share drawn from the column's own
        pick[own] = rows_a[rng.integers(0, len(rows_a), int(own.sum()))]
        sim[:, j] = ids[pick, j]
    for j in range(others.shape[1]):
        sim[:, ids.shape[1] + j] = np.where(rng.random(n) < (others[:, j] == 0).mean(), 0, NEW)
    return float(np.isin(_hash(sim, rng), train).mean()), heldout


def _concentration(code, z, levels: int, k: int) -> float:
    """How many rows' worth of a column's own distribution each cluster's is shrunk toward (empirical Bayes: the
    precision of a Dirichlet around the column's shares, by the method of moments). A column the clusters do not
    explain (its shares per cluster differ by no more than their rows make chance) is drawn from its own
    distribution in every cluster; one they determine is drawn from each cluster's own.

    Per cluster c of n_c rows, X_c = Σ_v (p_cv − p_v)² / p_v has expectation (V − 1)(1/n_c + φ(n_c − 1)/n_c) under
    a Dirichlet-multinomial of precision α, φ = 1 / (α + 1); φ from the sum over clusters."""
    import numpy as np
    ok = code >= 0
    counts = np.bincount(z[ok] * levels + code[ok].astype(np.int64), minlength=k * levels).reshape(k, levels).astype(float)
    sizes = counts.sum(axis=1)
    used = counts.sum(axis=0) > 0
    counts, v = counts[:, used], int(used.sum())
    keep = sizes > 1
    if v < 2 or not keep.any():
        return MAX_PRIOR
    own = counts.sum(axis=0) / counts.sum()
    p = counts[keep] / sizes[keep, None]
    x = ((p - own) ** 2 / own).sum(axis=1)
    n = sizes[keep]
    phi = float(((n * x).sum() - (v - 1) * len(n)) / ((v - 1) * (n - 1).sum()))
    if phi <= 0:
        return MAX_PRIOR
    return min(MAX_PRIOR, max(0.0, 1 / min(phi, 1.0) - 1))


def _knot_table(codes: Codes, j: int, z, k: int, shrink: float) -> dict:
    """A number's or date's quantile knots per cluster (dates as ISO texts, like its own), each from the cluster's
    values, a `shrink` share of them the column's own (and its NULL shares per cluster)."""
    import numpy as np
    col, x = codes.cols[j], codes.numbers[j]
    present = ~np.isnan(x)
    steps, every = bool(col.get("steps")), np.sort(x[present])
    # as many knots as a typical cluster's values support, at most the column's own (at most 64 clusters: no cap
    # over all of them)
    sizes = np.bincount(z[present], minlength=k)
    width = knot_width(sizes, len(col["quantiles"]), cells=None)
    # a continuous column's draws never equal a real value: its own knots per cluster (a shrunk cluster's top knot
    # would be the column's maximum, and stretch a heavy tail into every cluster)
    rows = [_smoothed_knots(x[present & (z == c)], every, steps, shrink, width) if steps else
            monotone(knot_values(x[present & (z == c)] if sizes[c] else every, width, False)) for c in range(k)]
    if col["kind"] == "datetime":
        family = type_family(col["type"])
        rows = [[iso(int(round(v)), family, col["type"]) for v in row] for row in rows]
    return {"quantiles": rows, **null_shares(codes, j, z, k, False)}


def _smoothed_knots(here, every, steps: bool, shrink: float, width: int = NUMERIC_KNOTS) -> list[float]:
    """`width` knots of the values `here` with a `shrink` share of `every` (sorted), weighed in:
    a cluster's distribution shrunk toward the column's own, so that a column the clusters do not explain is not
    drawn from a few hundred rows' lumps (more rows would come out equal to real ones than new real rows do)."""
    import numpy as np
    if not len(every):
        return [0.0] * width
    values = np.concatenate([here, every])
    if not len(here) or shrink >= 1:
        here, shrink = every, 0.0
    weights = np.concatenate([np.full(len(here), (1 - shrink) / len(here)), np.full(len(every), shrink / len(every))])
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    total = np.cumsum(weights) / weights.sum()
    if steps:   # the value at the middle of each equal slice, as knot_values does
        at = np.searchsorted(total, (np.arange(width) + 0.5) / width)
        return monotone(values[np.minimum(at, len(values) - 1)].tolist())
    mid = total - weights / weights.sum() / 2
    knots = np.interp(np.linspace(0.0, 1.0, width), mid, values)
    knots[0], knots[-1] = values[0], values[-1]
    return monotone(knots.tolist())


def _monotone(codes: Codes) -> set[int]:
    """The numbers and dates whose bins correlate MONOTONE or more with another's (as Codes.monotone, all pairs
    from one correlation matrix over the rows where none of them is NULL)."""
    import numpy as np
    nums = [j for j, c in enumerate(codes.cols) if c["kind"] in ("numeric", "datetime")
            and codes.null_rows[j] <= MONOTONE_NULLS * codes.n]
    if len(nums) < 2:
        return set()
    x = codes.codes[:, nums].astype(float)
    x = x[(x >= 0).all(axis=1)]
    if len(x) < MIN_ROWS:
        return set()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(x, rowvar=False)
    r = np.where(np.isfinite(r), np.abs(r), 0.0)
    np.fill_diagonal(r, 0.0)
    return {nums[i] for i in np.flatnonzero(r.max(axis=1) >= MONOTONE)}


def _levels(codes: Codes):
    """Each member's codes as EM levels 0..L-1: NULL and an unlisted value their own levels, a long category list
    cut to its EM_LEVELS most frequent values (the others one level)."""
    import numpy as np
    x = np.empty(codes.codes.shape, dtype=np.int64)
    levels = []
    for j, col in enumerate(codes.cols):
        c = codes.codes[:, j].astype(np.int64)
        if col["kind"] == "categorical" and len(col["values"]) > EM_LEVELS:
            counts = np.bincount(c[c >= 0], minlength=len(col["values"]))
            rank = np.empty(len(counts), dtype=np.int64)
            rank[np.argsort(-counts, kind="stable")] = np.arange(len(counts))
            c = np.where(c >= 0, np.minimum(rank[np.maximum(c, 0)], EM_LEVELS), c)
            top = EM_LEVELS + 1
        else:
            top = codes.levels[j]
        x[:, j] = np.where(c == -1, top, np.where(c == -2, top + 1, c))
        levels.append(top + 2)
    return levels, x


def _choose_k(x, levels: list[int], most: int, rng) -> int:
    """The number of clusters (2, 4, 8… up to `most`) under which rows held out of EM are likeliest: fitted on two
    thirds of the rows, scored on the rest. More clusters than the data supports fit noise (a column that depends
    on nothing split into lumps), which held-out rows do not share."""
    import numpy as np
    train = rng.random(len(x)) < 2 / 3
    flat = x[~train] + _offsets(levels)
    best, k = (-np.inf, 2), 2
    while True:
        tables, weights, _ = _em(x[train], levels, k, rng)
        logp = np.log(tables)[flat].sum(axis=1) + np.log(weights)
        top = logp.max(axis=1)
        score = float(np.mean(top + np.log(np.exp(logp - top[:, None]).sum(axis=1))))
        if score <= best[0]:
            break
        best = (score, k)
        if k >= most:
            break
        k = min(most, 2 * k)
    return best[1]


def _em(x, levels: list[int], k: int, rng):
    """A latent class model by EM: cluster weights and, per column, a (levels × clusters) table of level shares."""
    import numpy as np
    n = len(x)
    offsets = _offsets(levels)
    flat = x + offsets                          # each column's levels in one index space
    onehot = np.zeros((n, int(sum(levels))), dtype=np.float32)
    onehot[np.arange(n)[:, None], flat] = 1.0
    resp = _start(x, k, rng)
    last = -np.inf
    for _ in range(ITERATIONS):
        tables, weights = _m_step(onehot, resp, levels, offsets)
        logp = np.log(tables)[flat].sum(axis=1) + np.log(weights)       # n × k
        top = logp.max(axis=1, keepdims=True)
        resp = np.exp(logp - top)
        total = resp.sum(axis=1, keepdims=True)
        resp = (resp / total).astype(np.float32)
        loglik = float(np.mean(top[:, 0] + np.log(total[:, 0])))
        if loglik - last < TOLERANCE:
            break
        last = loglik
    return tables, weights, loglik


def _start(x, k: int, rng):
    """EM's first responsibilities: k seed rows spread over the data (k-means++ on the number of columns two rows
    differ in), each row given to the seed it agrees with most (ties at random). From near-uniform starts EM
    stays at the symmetric point where clusters do not differ (xor's four groups came out as two)."""
    import numpy as np
    n = len(x)
    seeds = [int(rng.integers(n))]
    far = (x != x[seeds[0]]).sum(axis=1).astype(float)
    for _ in range(k - 1):
        weight = far ** 2
        seeds.append(int(rng.choice(n, p=weight / weight.sum())) if weight.sum() > 0 else int(rng.integers(n)))
        far = np.minimum(far, (x != x[seeds[-1]]).sum(axis=1))
    agree = np.stack([(x == x[s]).sum(axis=1) for s in seeds], axis=1) + rng.random((n, k))
    resp = np.full((n, k), 0.1 / k, dtype=np.float32)
    resp[np.arange(n), agree.argmax(axis=1)] += 0.9
    return resp


def _m_step(onehot, resp, levels, offsets):
    import numpy as np
    counts = onehot.T @ resp                    # all levels × k
    tables = np.empty_like(counts, dtype=np.float64)
    for off, lv in zip(offsets, levels):
        block = counts[off:off + lv].astype(np.float64) + PRIOR / lv
        tables[off:off + lv] = block / block.sum(axis=0, keepdims=True)
    weights = resp.sum(axis=0).astype(np.float64) + 1e-9
    return tables, weights / weights.sum()


def _offsets(levels: list[int]):
    """Where each column's levels start in the one index space of all columns' levels."""
    import numpy as np
    return np.concatenate([[0], np.cumsum(levels)[:-1]]).astype(np.int64)


def _posterior(flat, tables, weights, chunk: int = 65536):
    """Each row's cluster probabilities (rows as indexes into the index space of all levels), in chunks of rows."""
    import numpy as np
    out = np.empty((len(flat), len(weights)))
    logt, logw = np.log(tables), np.log(weights)
    for s in range(0, len(flat), chunk):
        logp = logt[flat[s:s + chunk]].sum(axis=1) + logw
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        out[s:s + chunk] = p / p.sum(axis=1, keepdims=True)
    return out


def validate(spec: dict, where: str) -> None:
    """Check a spec's `clusters` and its columns' `cluster` tables (spec.validate calls this)."""
    hidden = spec.get("clusters")
    tables = [c for c in spec["columns"] if c.get("cluster") is not None]
    if hidden is None:
        if tables:
            raise SpecError(f"{where}, column {tables[0]['name']!r}: 'cluster' needs the spec's 'clusters' "
                            "({\"weights\": [one per cluster]}); add it or remove the column's 'cluster'")
        return
    weights = hidden.get("weights") if isinstance(hidden, dict) else None
    if not isinstance(weights, list) or len(weights) < 2 or any(finite_number(w, f"{where}, clusters.weights") <= 0 for w in weights):
        raise SpecError(f"{where}: 'clusters' must be {{\"weights\": [a positive number per cluster, at least two]}}")
    if spec.get("fixed"):
        raise SpecError(f"{where}: a fixed table (its rows as they are) has no clusters; remove 'clusters'")
    k = len(weights)
    numeric_parents = {str(c["given"].get("column", "")).lower() for c in spec["columns"]
                       if isinstance(c.get("given"), dict)}
    for col in tables:
        at, table = f"{where}, column {col['name']!r}", col["cluster"]
        if not isinstance(table, dict):
            raise SpecError(f"{at}: 'cluster' must be an object: {{weights}} for a categorical column, "
                            "{quantiles} for a numeric one, {p_true} for a boolean one")
        if stale(col):   # its kind, rule or value list was edited: the edit wins
            _edited(col)
            continue
        if col["kind"] in ("numeric", "datetime") and col["name"].lower() in numeric_parents:
            raise SpecError(f"{at}: a number drawn per cluster cannot be a 'given' parent (its bins would be "
                            "ranks within a cluster); remove its 'cluster' or the other column's 'given'")
        field = {"categorical": "weights", "numeric": "quantiles", "datetime": "quantiles", "boolean": "p_true"}[col["kind"]]
        rows = table.get(field)
        if not isinstance(rows, list) or len(rows) != k:
            raise SpecError(f"{at}: cluster.{field} must hold one entry per cluster ({k})")
        if col["kind"] == "boolean":
            table[field] = [probability(p, f"{at}, cluster.p_true") for p in rows]
        elif col["kind"] in ("numeric", "datetime"):
            if len({len(r) if isinstance(r, list) else -1 for r in rows}) != 1:
                raise SpecError(f"{at}: cluster.quantiles must hold, per cluster, the same number of ascending knots")
            if col["kind"] == "numeric":
                table[field] = [sorted_numbers(r, f"{at}, cluster.quantiles") for r in rows]
            else:
                family = type_family(drawn_type(col))
                try:
                    for r in rows:
                        sorted_numbers([epoch(str(x), family) for x in r], f"{at}, cluster.quantiles")
                except ValueError:
                    raise SpecError(f"{at}: cluster.quantiles of a {family} column are ISO texts, ascending") from None
        else:
            n = len(col["values"])
            if not all(isinstance(r, list) for r in rows):
                raise SpecError(f"{at}: cluster.weights must hold, per cluster, one weight per value ({n})")
            table[field] = [[finite_number(w, f"{at}, cluster.weights") for w in r] for r in rows]
            if any(min(r) < 0 or sum(r) <= 0 for r in table[field]):
                raise SpecError(f"{at}: cluster.weights must be non-negative, with a positive sum per cluster")
        nulls = table.get("nulls")
        if nulls is not None and (not isinstance(nulls, list) or len(nulls) != k
                                  or not all(0 <= probability(x, f"{at}, cluster.nulls") < 1 for x in nulls)):
            raise SpecError(f"{at}: cluster.nulls must hold, per cluster, the share of rows that are NULL, each in [0, 1)")
        shares = [float(w) / float(sum(weights)) for w in weights]
        if fallback._distance(col, table, shares, 0.0) > fallback.MAX_CLUSTER_SHIFT:   # its own distribution was edited
            _edited(col)
    if not any("cluster" in c for c in spec["columns"]):
        del spec["clusters"]


def stale(col: dict) -> bool:
    """Whether a column's tables per cluster no longer apply: its kind, a rule or its value list changed since
    they were learned (an edit, or a schema constraint applied after profiling)."""
    table = col.get("cluster")
    return (col["kind"] not in ("categorical", "numeric", "datetime", "boolean")
            or any(f in col for f in ("given", "after", "equals"))
            or col["kind"] == "categorical" and isinstance(table, dict) and isinstance(table.get("weights"), list)
            and any(isinstance(r, list) and len(r) != len(col["values"]) for r in table["weights"]))


def _edited(col: dict) -> None:
    """A column whose own distribution no longer matches its tables per cluster (someone edited it): drawn from
    its own distribution, as edited."""
    del col["cluster"]
    col["note"] = "drawn on its own: its distribution was edited, so its tables per cluster no longer apply"
