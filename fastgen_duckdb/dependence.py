"""Relations between columns, learned on the profile sample, in a form the pure-SQL sampler can draw.

FASTGEN draws each field on its own, which flattens relations such as TPC-H's order status by order date
(all 'F' before mid-1995, all 'O' after). Three layers, in this order:
  exact rules      c = a * b, a + b, and orderings (b = a + a gap) that hold on every sampled row; the model's
                   proposed relations are checked here too (check_proposals)
  conditional      a categorical or numeric column drawn per bin of one parent (link): weights or quantile
  tables           knots per bin; a numeric parent's equal-frequency bins are equal slices of its uniform
  a copula         a Gaussian copula on the ranks the sampler's uniforms stand for (copula)
"""
from __future__ import annotations

import math

from .spec import as_number, copula_member, equals_sql, monotone, resolution, type_family
from .sqltext import ident, string

BINS = 32          # equal-frequency bins of a numeric or date parent
MIN_V = 0.3        # the bias-corrected V a relation needs on a small sample (min_strength)...
MIN_V_FLOOR = 0.1  # ... and on one large enough for its conditional table's cells
ALPHA = 1e-3       # the chance, over all the pairs tested, that independent columns pass for related
BUDGET_PAIRS = 512         # pairs measured in full on the whole sample, at least...
BUDGET_PER_COLUMN = 2      # ... or this many per candidate column; wider tables are screened first
SCREEN_ROWS = 8192         # rows of the screening pass (half of it above 300 columns)
SCREEN_LEVELS = 8          # levels per column in the screen (a number's octiles, a category's top 7 + rest)
CODE_CHUNK = 64            # columns coded per query
MAX_FD_CELLS = 1 << 18     # a functional link's table: parent values × child values (a 512 × 512 one-to-one)
MONOTONE = 0.9            # numbers this correlated (by bins) are left to the copula, not conditioned...
MONOTONE_NULLS = 0.05     # ... unless the parent is NULL on more of the rows than this
MAX_RULE_ORPHANS = 0.001   # rows where a rule's column is present but an operand is NULL
MAX_VALUES = 64    # categorical parents of at most this many values (one table per value)
MAX_CHILD_VALUES = 1024  # categorical children of at most this many values (bias-corrected V keeps out noise)
NUMERIC_KNOTS = 65  # quantile knots per parent bin for a numeric child
MAX_RELATION_COLUMNS = 12  # numeric and date columns searched for exact relations
GAP_KNOTS = 257            # quantile knots of the gap between two ordered columns
MIN_ORDER_CORRELATION = 0.5  # ordered columns must also move together to count as a relation
MAX_GAP_CORRELATION = 0.3  # a gap that moves with the earlier column this much is no independent gap
MIN_ROWS = 30              # fewer rows than this prove no relation
MAX_PROPOSALS = 20         # relations proposed by the model that are checked
MAX_FD_VALUES = 1024       # a category determining another has at most this many values
MAX_COPULA_COLUMNS = 32    # numbers, dates and short category lists joined by one Gaussian copula
MIN_COPULA_RHO = 0.1       # a column correlated with no other member by this much stays out of it


def _margins(table: dict[tuple, int]) -> tuple[dict, dict, int]:
    rows, cols = {}, {}
    for (a, b), n in table.items():
        rows[a] = rows.get(a, 0) + n
        cols[b] = cols.get(b, 0) + n
    return rows, cols, sum(rows.values())


def cramers_v(table: dict[tuple, int]) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013): comparable between tables of different shapes and sizes, and
    near 0 for independent columns however many cells they have (the plain V grows with the cell count)."""
    rows, cols, total = _margins(table)
    if total <= 1 or min(len(rows), len(cols)) < 2:
        return 0.0
    chi2 = sum((table.get((a, b), 0) - rows[a] * cols[b] / total) ** 2 / (rows[a] * cols[b] / total)
               for a in rows for b in cols)
    r, k = len(rows), len(cols)
    phi2 = max(0.0, chi2 / total - (r - 1) * (k - 1) / (total - 1))
    shape = min(r - (r - 1) ** 2 / (total - 1), k - (k - 1) ** 2 / (total - 1)) - 1
    return math.sqrt(phi2 / shape) if shape > 0 else 0.0


def mutual_information(table: dict[tuple, int]) -> float:
    """In nats: how much one column tells about the other (breaks ties of V: a date bin says more than a quarter)."""
    rows, cols, total = _margins(table)
    return sum(n / total * math.log(n * total / (rows[a] * cols[b])) for (a, b), n in table.items() if n > 0)


def link(con, sample: str, cols: list[dict], report: dict | None = None) -> list[dict]:
    """Give categorical and numeric columns a `given` parent where the sample shows a strong relation:
    per parent bin, category weights or quantile knots (and, where the parent is often NULL, the child's
    distribution given a NULL parent).

    Every candidate column is coded once (_Codes: a category's position, a number's equal-frequency bin).
    Small tables have every pair measured on the full sample; wider ones are screened first (_screen: all
    pairs' contingency tables at once, from one matrix product of coarse codes on a row sample), and only the
    strongest `budget` pairs are measured in full. A relation counts when it is significant among all the pairs
    tested and strong enough for the sample's size (_strong). `report`, if given, receives what was done.

    The strongest relations are taken first (ties of V, to two decimals, by mutual information). V is
    symmetric, so each is pointed away from the more central column (the larger sum of strong V's), which then
    serves as the parent of all its relations: a hub such as a species is drawn first and conditions the
    measurements, rather than being read off one of them. A category that determines another one (a code and
    its label) may have up to MAX_FD_VALUES values."""
    import numpy as np

    def can_parent(c, functional=False):
        return c["kind"] in ("numeric", "datetime") or c["kind"] == "categorical" and (
            len(c["values"]) <= (MAX_FD_VALUES if functional else MAX_VALUES))

    def can_child(c):
        return c["kind"] == "numeric" or c["kind"] == "categorical" and 2 <= len(c["values"]) <= MAX_CHILD_VALUES
    free = [c for c in cols if not _ruled(c) and (can_parent(c, True) or can_child(c))]
    pairs = [(i, j) for i in range(len(free)) for j in range(i + 1, len(free))
             if _directions(free[i], free[j], can_child, can_parent, True)]
    budget = max(BUDGET_PAIRS, BUDGET_PER_COLUMN * len(free))
    info = {"pairs": len(pairs), "budget": budget, "pairs_screened": 0, "screen_rows": 0, "pairs_profiled": 0}
    if not pairs:
        _report(report, info)
        return cols
    codes = _Codes(con, sample, free)
    if codes.n < MIN_ROWS:
        _report(report, info)
        return cols
    functional = _functional(codes, free, can_child)           # (parent, child)
    linked = {tuple(sorted(p)) for p in functional}
    if len(pairs) > budget:   # screen every pair on coarse codes, measure the strongest in full
        screened, rows = _screen(codes)
        info.update(pairs_screened=len(pairs), screen_rows=rows)
        score = np.array([screened[i, j] for i, j in pairs])
        keep = set(np.argsort(-score, kind="stable")[:budget].tolist())
        pairs = [p for k, p in enumerate(pairs) if k in keep or p in linked]
    info["pairs_profiled"] = len(pairs)
    measured = []
    for i, j in pairs:
        table = codes.table(i, j)
        measured.append((cramers_v_matrix(table), mutual_information_matrix(table)))
    strong = [k for k, (i, j) in enumerate(pairs) if _strong(codes.table(i, j) if measured[k][0] >= MIN_V_FLOOR
                                                             else None, measured[k][0], info["pairs"])]
    info["relations"] = len(strong)
    centrality = {c["name"]: 0.0 for c in free}
    for k in strong:
        i, j = pairs[k]
        centrality[free[i]["name"]] += measured[k][0]
        centrality[free[j]["name"]] += measured[k][0]
    # no chains: a parent is never conditioned itself, a conditioned column is no parent
    serving = {c["given"]["column"] for c in cols if "given" in c}
    chosen = []
    for k in sorted(strong, key=lambda k: (-round(measured[k][0], 2), -measured[k][1], k)):
        i, j = pairs[k]
        # a column NULL on many rows is better the parent: its NULL rows get the child's own table there, while
        # a child's NULLs are drawn on their own; otherwise the less central column is the child
        for child, parent in sorted(((i, j), (j, i)), key=lambda cp: (codes.null_rows[cp[0]] >= MIN_ROWS and
                                                                       codes.null_rows[cp[1]] < MIN_ROWS,
                                                                       centrality[free[cp[0]]["name"]])):
            a, b = free[child], free[parent]
            if can_child(a) and can_parent(b, (parent, child) in functional) and not _ruled(a) \
                    and not _ruled(b) and a["name"] not in serving and not codes.monotone(child, parent):
                a["given"] = {}    # taken: drawn below
                chosen.append((child, parent, measured[k][0]))
                serving.add(b["name"])
                break
    codes.fetch_numbers(con, sample, [child for child, _, _ in chosen if free[child]["kind"] == "numeric"])
    for child, parent, v in chosen:
        _condition_codes(codes, child, parent, v)
    _report(report, info)
    return cols


def _report(report: dict | None, info: dict) -> None:
    if report is not None:
        report.update(info)


def _directions(a: dict, b: dict, can_child, can_parent, functional: bool) -> list[tuple[int, int]]:
    """The ways (child, parent) a pair may be conditioned: (0, 1) is a given b, (1, 0) is b given a."""
    out = []
    if can_child(a) and can_parent(b, functional):
        out.append((0, 1))
    if can_child(b) and can_parent(a, functional):
        out.append((1, 0))
    return out


def min_strength(n: int, cells: int = BINS * 8) -> float:
    """The bias-corrected V a relation needs on n rows: MIN_V on small samples, down to MIN_V_FLOOR where there
    are rows enough that a conditional table of `cells` cells is estimated well (about n / cells per cell)."""
    return max(MIN_V_FLOOR, min(MIN_V, math.sqrt(cells / max(n, 1))))


def _strong(table, v: float, tested: int) -> bool:
    """A relation worth a conditional table: significant among all `tested` pairs (chi-square by the
    Wilson-Hilferty normal approximation, family-wise error ALPHA) and at least min_strength(n, cells)."""
    import numpy as np
    if table is None:
        return False
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = float(table.sum())
    r, k = table.shape
    if n < MIN_ROWS or r < 2 or k < 2:
        return False
    if v < min_strength(int(n), r * k):
        return False
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    df = (r - 1) * (k - 1)
    z = ((chi2 / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    return z > _normal_quantile(1 - ALPHA / tested)


def _normal_quantile(p: float) -> float:
    import statistics
    return statistics.NormalDist().inv_cdf(min(max(p, 1e-300), 1 - 1e-16))


def cramers_v_matrix(table) -> float:
    """cramers_v of a count matrix (rows: one column's codes, columns: the other's)."""
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


def mutual_information_matrix(table) -> float:
    import numpy as np
    table = np.asarray(table, dtype=float)
    total = table.sum()
    if total <= 0:
        return 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    nz = table > 0
    return float((table[nz] / total * np.log(table[nz] / expected[nz])).sum())


class _Codes:
    """Every candidate column of the sample as small integers, computed once (a few wide queries): a category's
    position in its `values` (-2 for a value they do not list), a number's or date's equal-frequency bin among
    its non-null values (BINS of them, ties broken at random, as the sampler's uniform has none); -1 for NULL.
    Numbers are kept as read, for the knots of a conditioned numeric column."""

    def __init__(self, con, sample: str, cols: list[dict], keep: bool = False):
        import numpy as np
        self.cols = cols
        self.n = con.execute(f"SELECT count(*) FROM {sample}").fetchall()[0][0]
        self.codes = np.full((self.n, len(cols)), -1, dtype=np.int16)
        self.levels = [len(c["values"]) if c["kind"] == "categorical" else BINS for c in cols]
        self.numbers: dict[int, object] = {}
        for start in range(0, len(cols), CODE_CHUNK):
            chunk = list(range(start, min(start + CODE_CHUNK, len(cols))))
            exprs = [self._expr(cols[j]) + f" AS v{j}" for j in chunk]
            got = con.execute(f"SELECT {', '.join(exprs)} FROM {sample} ORDER BY rowid").fetchnumpy()
            for j in chunk:
                x = got[f"v{j}"]
                missing = np.ma.getmaskarray(x)
                data = np.ma.getdata(x)
                if cols[j]["kind"] == "categorical":
                    data = np.where(missing, -1, np.where(data < 0, -2, data))
                    self.codes[:, j] = data.astype(np.int16)
                    continue
                values = np.where(missing, np.nan, data.astype(float))
                if keep:
                    self.numbers[j] = values
                present = ~np.isnan(values)
                # ties fall in a fixed random order of the column's own (two columns' ties must not agree)
                shuffle = np.random.default_rng([20240601, j]).permutation(self.n)
                order = shuffle[np.argsort(values[shuffle], kind="stable")]
                order = order[present[order]]
                code = np.full(self.n, -1, dtype=np.int16)
                code[order] = (np.arange(len(order)) * BINS // max(len(order), 1)).astype(np.int16)
                self.codes[:, j] = code

    @property
    def null_rows(self):
        if not hasattr(self, "_nulls"):
            self._nulls = (self.codes == -1).sum(axis=0)
        return self._nulls

    def monotone(self, a: int, b: int) -> bool:
        """Two numbers or dates whose bins' correlation is MONOTONE or more: the copula keeps them together,
        extremes with extremes (per-bin knots would pair a heavy tail's top values at random within the top
        bin, and lose most of their Pearson correlation: 0.98 -> 0.2)."""
        import numpy as np
        if not all(self.cols[x]["kind"] in ("numeric", "datetime") for x in (a, b)) \
                or self.null_rows[b] > MONOTONE_NULLS * self.n:   # a NULL parent's rows need the conditional table
            return False
        x, y = self.codes[:, a], self.codes[:, b]
        both = (x >= 0) & (y >= 0)
        if both.sum() < MIN_ROWS:
            return False
        r = np.corrcoef(x[both], y[both])[0, 1]
        return bool(np.isfinite(r) and abs(r) >= MONOTONE)

    def fetch_numbers(self, con, sample: str, which: list[int]) -> None:
        """The values (as numbers) of columns `which`, for their quantile knots."""
        import numpy as np
        which = [j for j in which if j not in self.numbers]
        for start in range(0, len(which), CODE_CHUNK):
            chunk = which[start:start + CODE_CHUNK]
            got = con.execute(f"SELECT {', '.join(self._expr(self.cols[j]) + f' AS v{j}' for j in chunk)} "
                              f"FROM {sample} ORDER BY rowid").fetchnumpy()
            for j in chunk:
                x = got[f"v{j}"]
                self.numbers[j] = np.where(np.ma.getmaskarray(x), np.nan, np.ma.getdata(x).astype(float))

    @staticmethod
    def _expr(c: dict) -> str:
        x = ident(c["name"])
        if c["kind"] != "categorical":
            return as_number(x, type_family(c["type"]))
        keys = [_key(v) for v in c["values"]]
        if len(set(keys)) == len(keys) and len(keys) > MAX_VALUES:  # an ENUM cast is a hash lookup
            enum = "ENUM(" + ", ".join(string(k) for k in keys) + ")"
            return f"CASE WHEN {x} IS NULL THEN NULL ELSE coalesce(enum_code(TRY_CAST({x}::VARCHAR AS {enum}))::INTEGER, -1) END"
        return f"CASE WHEN {x} IS NULL THEN NULL ELSE coalesce(list_position([{', '.join(string(k) for k in keys)}], {x}::VARCHAR), 0)::INTEGER - 1 END"

    def table(self, child: int, parent: int):
        """Counts of (child code, parent code) over the rows where both have a listed value."""
        import numpy as np
        a, b = self.codes[:, child].astype(np.int64), self.codes[:, parent].astype(np.int64)
        both = (a >= 0) & (b >= 0)
        ka, kb = self.levels[child], self.levels[parent]
        return np.bincount(a[both] * kb + b[both], minlength=ka * kb).reshape(ka, kb).astype(float)


def _screen(codes: "_Codes"):
    """Bias-corrected V of every pair at once, on coarse codes (SCREEN_LEVELS levels: a number's bins merged,
    a category's most frequent values and the rest together, NULL a level of its own) of a fixed row sample:
    the contingency tables are the blocks of one matrix product of the codes' indicator matrix."""
    import numpy as np
    k, levels = len(codes.cols), SCREEN_LEVELS + 1
    rows = min(codes.n, SCREEN_ROWS if k <= 300 else SCREEN_ROWS // 2)
    pick = np.sort(np.random.default_rng(7).choice(codes.n, rows, replace=False)) if rows < codes.n else np.arange(codes.n)
    coarse = np.empty((rows, k), dtype=np.int64)
    for j in range(k):
        x = codes.codes[pick, j].astype(np.int64)
        if codes.cols[j]["kind"] == "categorical":
            level = np.minimum(x, SCREEN_LEVELS - 1)     # values are listed most frequent first
            level = np.where(x == -2, SCREEN_LEVELS - 1, level)
        else:
            level = x * SCREEN_LEVELS // BINS
        coarse[:, j] = np.where(x == -1, SCREEN_LEVELS, level)
    onehot = np.zeros((rows, k * levels), dtype=np.float32)
    onehot[np.arange(rows)[:, None], coarse + np.arange(k)[None, :] * levels] = 1.0
    margins = onehot.sum(axis=0).reshape(k, levels)
    nonempty = (margins > 0).sum(axis=1)
    v = np.zeros((k, k))
    block = max(1, 1024 // levels)
    for s in range(0, k, block):
        e = min(k, s + block)
        counts = (onehot[:, s * levels:e * levels].T @ onehot[:, s * levels:]).reshape(e - s, levels, k - s, levels)
        expected = margins[s:e, :, None, None] * margins[None, None, s:, :] / rows
        with np.errstate(divide="ignore", invalid="ignore"):
            cell = np.where(expected > 0, (counts - expected) ** 2 / expected, 0.0)
        chi2 = cell.sum(axis=(1, 3))
        r = nonempty[s:e, None].astype(float)
        c = nonempty[None, s:].astype(float)
        phi2 = np.maximum(0.0, chi2 / rows - (r - 1) * (c - 1) / (rows - 1))
        shape = np.minimum(r - (r - 1) ** 2 / (rows - 1), c - (c - 1) ** 2 / (rows - 1)) - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            v[s:e, s:] = np.where(shape > 0, np.sqrt(phi2 / shape), 0.0)
    v = np.triu(v, 1)
    return v + v.T, rows


def _functional(codes: "_Codes", cols: list[dict], can_child) -> set[tuple[int, int]]:
    """Pairs (parent, child) of categories where the parent (of more than MAX_VALUES values, so no ordinary
    parent) determines the child on every sampled row: a code and its label, a zip and its city. Each such
    parent is sorted once and every child is checked against it at once."""
    import numpy as np
    found = set()
    children = [j for j, c in enumerate(cols) if c["kind"] == "categorical" and can_child(c)]
    for p, c in enumerate(cols):
        if c["kind"] != "categorical" or not MAX_VALUES < len(c["values"]) <= MAX_FD_VALUES \
                or len(c["values"]) * 2 > codes.n:
            continue
        ok = [j for j in children if j != p and len(c["values"]) * len(cols[j]["values"]) <= MAX_FD_CELLS]
        if not ok:
            continue
        x = codes.codes[:, p]
        order = np.argsort(x, kind="stable")
        order = order[x[order] >= 0]
        xs = x[order]
        same = xs[1:] == xs[:-1]
        if same.sum() < MIN_ROWS:
            continue
        ys = codes.codes[np.ix_(order, ok)]
        broken = ((ys[1:] != ys[:-1]) & same[:, None]).any(axis=0)
        found.update((p, ok[i]) for i in np.flatnonzero(~broken))
    return found


def _condition_codes(codes: "_Codes", child: int, parent: int, v: float) -> None:
    """The conditional table of codes.cols[child] given codes.cols[parent], from the codes (and the child's
    numbers): per parent bin, and for a parent NULL on MIN_ROWS rows or more, given a NULL parent (`null`)."""
    import numpy as np
    a, b = codes.cols[child], codes.cols[parent]
    pc = codes.codes[:, parent]
    bins = codes.levels[parent]
    null_rows = pc == -1
    if a["kind"] == "numeric":
        x = codes.numbers[child]
        marginal = a["quantiles"][:: max(1, (len(a["quantiles"]) - 1) // (NUMERIC_KNOTS - 1))][:NUMERIC_KNOTS]
        marginal += [a["quantiles"][-1]] * (NUMERIC_KNOTS - len(marginal))
        probs = np.linspace(0, 1, NUMERIC_KNOTS)
        method = "inverted_cdf" if a.get("steps") else "linear"   # a discrete column keeps its values (quantile_disc)
        present = ~np.isnan(x)
        rows = []
        for k in range(bins):
            here = x[present & (pc == k)]
            rows.append(monotone(np.quantile(here, probs, method=method).tolist()) if len(here) else marginal)
        given = {"column": b["name"], "bins": bins, "cramers_v": round(v, 3), "quantiles": rows}
        here = x[present & null_rows]
        if len(here) >= MIN_ROWS:
            given["null"] = monotone(np.quantile(here, probs, method=method).tolist())
        a["given"] = given
        return
    cc = codes.codes[:, child]
    table = codes.table(child, parent).T    # bins × values
    overall = [float(w) for w in a["weights"]]
    given = {"column": b["name"], "bins": bins, "cramers_v": round(v, 3),
             "weights": [row.tolist() if row.sum() > 0 else overall for row in table]}
    here = cc[null_rows & (cc >= 0)]
    if len(here) >= MIN_ROWS:
        given["null"] = np.bincount(here, minlength=len(a["values"])).astype(float).tolist()
    a["given"] = given


def _ruled(c: dict) -> bool:
    """A column already drawn by a rule: it can neither be conditioned nor condition another column."""
    return any(k in c for k in ("given", "after", "equals"))


def _bin(parent: dict) -> str:
    """The parent's bin in SQL over the sample: its category's position, or its equal-frequency bin."""
    p = ident(parent["name"])
    if parent["kind"] == "categorical":
        cases = " ".join(f"WHEN {p}::VARCHAR = {_text(v)} THEN {i}" for i, v in enumerate(parent["values"]))
        return f"CASE {cases} END"
    # over the non-null rows only, as the sampler bins its uniform past the nulls; ties broken at random, or a
    # parent with many equal values (80% zeros) would sort its ties in the child's order and fake a relation
    return f"CASE WHEN {p} IS NOT NULL THEN ntile({BINS}) OVER (PARTITION BY {p} IS NULL ORDER BY {p}, hash(rowid)) - 1 END"


def _text(value) -> str:
    return string(_key(value))


def _counts(con, sample: str, child: dict, parent: dict) -> dict[tuple, int]:
    c, p = ident(child["name"]), ident(parent["name"])
    value = f"{c}::VARCHAR" if child["kind"] == "categorical" else _bin(child)
    rows = con.execute(f"SELECT value, bin, count(*) FROM (SELECT {value} AS value, {_bin(parent)} AS bin "
                       f"FROM {sample} WHERE {c} IS NOT NULL AND {p} IS NOT NULL) GROUP BY ALL").fetchall()
    return {(a, b): n for a, b, n in rows if b is not None}


def _condition(con, sample: str, child: dict, parent: dict, v: float) -> None:
    bins = len(parent["values"]) if parent["kind"] == "categorical" else BINS
    if child["kind"] == "numeric":  # quantile knots per parent bin; a bin the sample never saw keeps the marginal
        c, p = ident(child["name"]), ident(parent["name"])
        probs = f"[i / {NUMERIC_KNOTS - 1} FOR i IN range({NUMERIC_KNOTS})]"
        found = dict(con.execute(
            f"SELECT bin, quantile_cont({c}::DOUBLE, {probs}) FROM (SELECT {c}, {_bin(parent)} AS bin FROM {sample} "
            f"WHERE {c} IS NOT NULL AND {p} IS NOT NULL) GROUP BY bin").fetchall())
        marginal = child["quantiles"][:: max(1, (len(child["quantiles"]) - 1) // (NUMERIC_KNOTS - 1))][:NUMERIC_KNOTS]
        marginal += [child["quantiles"][-1]] * (NUMERIC_KNOTS - len(marginal))
        child["given"] = {"column": parent["name"], "bins": bins, "cramers_v": round(v, 3),
                          "quantiles": [monotone(found[b]) if b in found else marginal for b in range(bins)]}
        return
    counts = _counts(con, sample, child, parent)
    index = {_key(value): i for i, value in enumerate(child["values"])}
    by_bin = [[0.0] * len(child["values"]) for _ in range(bins)]
    for (value, b), n in counts.items():
        if value in index:
            by_bin[b][index[value]] += n
    overall = [float(w) for w in child["weights"]]
    child["given"] = {"column": parent["name"], "bins": bins, "cramers_v": round(v, 3),
                      "weights": [row if sum(row) > 0 else overall for row in by_bin]}


def exact_relations(con, sample: str, cols: list[dict]) -> list[dict]:
    """Relations that hold on every sampled row become rules: orderings (b >= a) and arithmetic (c = a * b, a + b).

    An ordering is kept only where drawing both columns on their own would break it (their ranges overlap);
    a column gets one rule, and a column with a rule is not used by another (no chains).
    """
    candidates = [c for c in cols if _numeric(c) and "given" not in c][:MAX_RELATION_COLUMNS]
    ruled = {c["name"] for c in cols if _ruled(c)}
    used = {x for c in cols for x in _operands(c)}
    for c in candidates:  # arithmetic: one query per result column, every pair of operands at once
        numbers = [x for x in candidates if type_family(x["type"]) in ("integer", "float", "decimal")]
        operands = [(a, b) for i, a in enumerate(numbers) for b in numbers[i:]
                    if c is not a and c is not b and c["kind"] == "numeric"]
        if not operands or c["name"] in ruled | used:
            continue
        tests = (f"bool_and({equals_sql(c, rule, a['name'], b['name'])})"
                 for a, b in operands for rule in ("product", "sum"))
        # and c must not be about zero on most rows: tiny columns would satisfy any sum within the tolerance
        found = con.execute(f"SELECT {', '.join(tests)}, count(*) FILTER (WHERE abs({ident(c['name'])}::DOUBLE) > "
                            f"{4 * resolution(c) + 1e-12!r}) >= {MIN_ROWS} AS big, "
                            f"count(*) FROM {sample} WHERE "
                            + " AND ".join(f"{ident(x['name'])} IS NOT NULL" for x in candidates)).fetchall()[0]
        if found[-1] < MIN_ROWS:
            return cols
        if not found[-2]:
            continue
        for k, ok in enumerate(found[:-2]):
            a, b = operands[k // 2]
            if ok and not {a["name"], b["name"]} & ruled and _nulls_follow(con, sample, c, [a["name"], b["name"]]):
                _rule(con, sample, c, "equals", {"product" if k % 2 == 0 else "sum": [a["name"], b["name"]]})
                ruled.add(c["name"])
                used.update((a["name"], b["name"]))
                break
    for later in candidates:  # orderings: later = earlier + a gap drawn from the data's gaps
        for earlier in candidates:
            if later is earlier or later["name"] in ruled | used or earlier["name"] in ruled \
                    or later["kind"] == "categorical" or type_family(later["type"]) != type_family(earlier["type"]):
                continue
            ok, overlap, rho, knots, _, drifts = _ordering(con, sample, later, earlier)
            # related, not merely ordered by their ranges (a price above a quantity is no rule)
            if ok and overlap and rho is not None and rho > MIN_ORDER_CORRELATION and not drifts \
                    and _nulls_follow(con, sample, later, [earlier["name"]]):
                _rule(con, sample, later, "after", {"column": earlier["name"], "gaps": monotone([float(max(k, 0)) for k in knots])})
                ruled.add(later["name"])
                used.add(earlier["name"])
                break
    return cols


def check_proposals(con, sample: str, cols: list[dict], proposals: list[dict]) -> list[dict]:
    """Relations the model proposed, each made a rule only if it holds on every sampled row.

    Returns the proposals with what was decided ("accepted", and "reason" when not)."""
    decided = []
    for proposal in proposals[:MAX_PROPOSALS]:
        try:
            _accept(con, sample, cols, proposal)
            decided.append({**proposal, "accepted": True})
        except ValueError as exc:
            decided.append({**proposal, "accepted": False, "reason": str(exc)})
    return decided


def _accept(con, sample: str, cols: list[dict], proposal: dict) -> None:
    by_name = {c["name"].lower(): c for c in cols}
    named = [by_name.get(x.lower()) for x in [proposal["column"], *proposal["of"]]]
    if None in named:
        raise ValueError("names a column the table does not have")
    target, *of = named
    rule, need = proposal["rule"], {"after": 1, "product": 2, "sum": 2, "determined_by": 1}[proposal["rule"]]
    if len(of) != need or target in of:
        raise ValueError(f"{rule} needs {need} other column{'s' * (need > 1)}")
    if any(_ruled(c) or c["name"] in _all_operands(cols) for c in named):
        raise ValueError("a column involved already follows or feeds another rule")
    c, p = ident(target["name"]), [ident(x["name"]) for x in of]
    present = " AND ".join(f"{x} IS NOT NULL" for x in (c, *p))
    if rule == "determined_by":
        parent = of[0]
        if target["kind"] != "categorical" or parent["kind"] != "categorical" or len(parent["values"]) > MAX_FD_VALUES:
            raise ValueError(f"both columns must be categories here (the parent of at most {MAX_FD_VALUES} values)")
        broken, rows = con.execute(f"SELECT count(*) FILTER (WHERE n > 1), sum(m) FROM (SELECT count(DISTINCT {c}) "
                                   f"AS n, count(*) AS m FROM {sample} WHERE {present} GROUP BY {p[0]})").fetchall()[0]
        _enough(rows, broken, "values of the parent with more than one value")
        _condition(con, sample, target, parent, 1.0)
        return
    if not all(_numeric(x) for x in named) or target["kind"] == "categorical":
        raise ValueError("the columns must be numbers or dates")
    if rule == "after":
        if type_family(target["type"]) != type_family(of[0]["type"]):
            raise ValueError("the columns must be of one type family")
        ok, _, _, knots, rows, drifts = _ordering(con, sample, target, of[0])
        _enough(rows, 0 if ok else 1, f"rows with {target['name']} before {of[0]['name']}")
        if drifts:
            raise ValueError(f"it holds, but the gap grows with {of[0]['name']}: drawn apart they would lose "
                             "their correlation")
        _rule(con, sample, target, "after", {"column": of[0]["name"], "gaps": monotone([float(max(k, 0)) for k in knots])})
        return
    if any(type_family(x["type"]) not in ("integer", "float", "decimal") for x in named):
        raise ValueError("arithmetic needs numeric columns")
    holds = equals_sql(target, rule, of[0]["name"], of[1]["name"])
    broken, big, rows = con.execute(
        f"SELECT count(*) FILTER (WHERE NOT {holds}), count(*) FILTER (WHERE abs({c}::DOUBLE) > "
        f"{4 * resolution(target) + 1e-12!r}), count(*) FROM {sample} WHERE {present}").fetchall()[0]
    _enough(rows, broken, "rows where it does not hold")
    if big < MIN_ROWS:
        raise ValueError(f"{target['name']} is about zero on most rows: any {rule} would hold within its rounding")
    _rule(con, sample, target, "equals", {rule: [x["name"] for x in of]})


def _nulls_follow(con, sample: str, col: dict, operands: list[str]) -> bool:
    """A rule makes its column NULL wherever an operand is: it may only where the data does so too (at most
    MAX_RULE_ORPHANS of the rows have the column but not all its operands), or a column that is never NULL
    would come out NULL with its operand."""
    missing = " OR ".join(f"{ident(x)} IS NULL" for x in operands)
    share = con.execute(f"SELECT count(*) FILTER (WHERE {ident(col['name'])} IS NOT NULL AND ({missing})) "
                        f"/ greatest(count(*), 1) FROM {sample}").fetchall()[0][0]
    return float(share) <= MAX_RULE_ORPHANS


def _rule(con, sample: str, col: dict, rule: str, value: dict) -> None:
    """Give col a rule on other columns. Its value is NULL where theirs is, so its own null fraction becomes
    the fraction among rows where they are all present (else nulls would compound)."""
    col[rule] = value
    others = " AND ".join(f"{ident(x)} IS NOT NULL" for x in (_operands(col)))
    given = con.execute(f"SELECT count(*) FILTER (WHERE {ident(col['name'])} IS NULL) / greatest(count(*), 1) "
                        f"FROM {sample} WHERE {others}").fetchall()[0][0]
    col["nulls"] = round(float(given), 6)


def _enough(rows, broken, what: str) -> None:
    if not rows or rows < MIN_ROWS:
        raise ValueError(f"only {rows or 0} sampled rows have all its columns: too few to check it")
    if broken:
        raise ValueError(f"the data breaks it: {broken} {what}")


def _numeric(c: dict) -> bool:
    """Numbers and times, drawn as such or as a few categories."""
    return c["kind"] in ("numeric", "datetime") or (
        c["kind"] == "categorical" and type_family(c["type"]) in ("integer", "float", "decimal", "date", "timestamp"))


def _operands(c: dict) -> list[str]:
    return ([c["after"]["column"]] if "after" in c else []) + (next(iter(c["equals"].values())) if "equals" in c else [])


def _all_operands(cols: list[dict]) -> set[str]:
    return {x for c in cols for x in _operands(c)} | {c["given"]["column"] for c in cols if "given" in c}


def _ordering(con, sample: str, later: dict, earlier: dict) -> tuple:
    """On the sample: later >= earlier on every row, do their ranges overlap, their correlation, the gap's
    quantile knots, the number of rows with both and whether the gap moves with the earlier column (then
    drawing the gap on its own would lose their correlation: a week number is no month number plus a gap)."""
    gap, family = _gap(later, earlier), type_family(later["type"])
    a, b = ident(later["name"]), ident(earlier["name"])
    ok, overlap, rho, knots, rows, drift = con.execute(
        f"SELECT bool_and({gap} >= 0), max({as_number(b, family)}) > min({as_number(a, family)}), corr({as_number(a, family)}, {as_number(b, family)}), "
        f"list({gap}) FILTER (WHERE {gap} IS NOT NULL), count({gap}), "
        f"corr({gap}, {as_number(b, family)}) FROM {sample}").fetchall()[0]
    # the knots as quantile_cont interpolates them, from the gaps themselves: DuckDB's quantile_cont with 257
    # probabilities takes ~1 s on 100,000 DOUBLEs, numpy a few milliseconds
    knots = _quantiles(knots, GAP_KNOTS)
    return ok, overlap, rho, knots, rows, drift is not None and abs(drift) >= MAX_GAP_CORRELATION


def _quantiles(values, knots: int) -> list[float] | None:
    """quantile_cont's knots at probabilities 0, 1/(knots-1), …, 1 (linear interpolation), or None if empty."""
    import numpy as np
    if not values:
        return None
    return np.quantile(np.asarray(values, dtype=float), np.linspace(0, 1, knots)).tolist()


def _gap(later: dict, earlier: dict) -> str:
    """later - earlier as a number: days between dates, microseconds between times, else the difference
    (each side in DOUBLE first: unsigned types cannot go below zero)."""
    family = type_family(later["type"])
    return f"({as_number(ident(later['name']), family)} - {as_number(ident(earlier['name']), family)})"


def _key(value) -> str:
    """A category as DuckDB prints it (booleans lower case), to match values read back as text."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def copula(con, sample: str, cols: list[dict]) -> dict | None:
    """A Gaussian copula over numbers, dates and short category lists: the correlation of their normal scores.

    Each column's score is the rank the sampler's uniform stands for: its rank in the whole column, or within its
    parent's bin for a conditioned column, so that the copula adds what the conditional tables do not already
    hold; for categories drawn by the CASE ladder (monotone in the uniform), the rank of the category's position.
    Columns related to no other member (|correlation| < MIN_COPULA_RHO) are left out: they cost nothing.
    With more than MAX_COPULA_COLUMNS candidates, the members are those of the strongest correlations on a row
    sample. The scores are computed once (numpy) and the matrix comes from one pass of matrix products."""
    import numpy as np
    members = [c for c in cols if copula_member(c)]
    if len(members) < 2:
        return None
    if len(members) > MAX_COPULA_COLUMNS:
        members = _strongest_members(con, sample, cols, members)
        if len(members) < 2:
            return None
    z, spread = _scores(con, sample, cols, members)
    if z is None:
        return None
    rho = _latent(_pairwise_correlation(z), spread)
    k = len(members)
    keep = [i for i in range(k) if max(abs(rho[i, j]) for j in range(k) if j != i) >= MIN_COPULA_RHO]
    if len(keep) < 2:
        return None
    rho = nearest_correlation(rho[np.ix_(keep, keep)])
    return {"columns": [members[i]["name"] for i in keep], "correlation": [[round(float(x), 4) for x in row] for row in rho]}


def _scores(con, sample: str, cols: list[dict], members: list[dict], rows=None):
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
        if c.get("given"):
            p = _parent(cols, c)
            if p not in parents and p not in members:
                parents.append(p)
    everyone = members + parents
    codes = _Codes(con, sample, everyone, keep=True)
    if codes.n < MIN_ROWS:
        return None, None
    pick = np.arange(codes.n) if rows is None else rows
    z = np.full((len(pick), len(members)), np.nan)
    spread = np.ones(len(members))
    for m, c in enumerate(members):
        x = codes.codes[pick, m].astype(float) if c["kind"] == "categorical" else codes.numbers[m][pick]
        x = np.where(x < 0, np.nan, x) if c["kind"] == "categorical" else x
        group = np.zeros(len(pick), dtype=np.int64)
        if c.get("given"):
            group = codes.codes[pick, everyone.index(_parent(cols, c))].astype(np.int64)
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


def _strongest_members(con, sample: str, cols: list[dict], members: list[dict]) -> list[dict]:
    """Up to MAX_COPULA_COLUMNS members: the columns of the strongest correlations between normal scores on a
    row sample of SCREEN_ROWS, each pair taken in order of |correlation| (at least MIN_COPULA_RHO)."""
    import numpy as np
    n = con.execute(f"SELECT count(*) FROM {sample}").fetchall()[0][0]
    rows = np.sort(np.random.default_rng(5).choice(n, min(n, SCREEN_ROWS), replace=False))
    scored = [_scores(con, sample, cols, members[s:s + CODE_CHUNK], rows) for s in range(0, len(members), CODE_CHUNK)]
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


def nearest_correlation(rho):
    """A positive definite correlation matrix close to rho (pairwise estimates need not be one)."""
    import numpy as np
    values, vectors = np.linalg.eigh((rho + rho.T) / 2)
    fixed = vectors @ np.diag(np.maximum(values, 1e-4)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def _parent(cols: list[dict], child: dict) -> dict:
    return next(c for c in cols if c["name"] == child["given"]["column"])


def prune(spec: dict) -> dict:
    """Drop the dependence a later step made impossible: a copula member or a conditioning parent that became a
    key, a reference or a category list of another length (schema constraints are applied after profiling).
    A child that loses its parent keeps its own marginal; a copula keeps its other members (a principal
    submatrix of a positive definite matrix is positive definite)."""
    by_name = {c["name"].lower(): c for c in spec["columns"]}
    for col in spec["columns"]:
        given = col.get("given")
        parent = by_name.get(str((given or {}).get("column", "")).lower())
        if given and (parent is None or col["kind"] not in ("categorical", "numeric") or "given" in parent
                      or parent["kind"] not in ("numeric", "datetime", "categorical")
                      or (parent["kind"] == "categorical" and len(parent["values"]) != given.get("bins"))):
            del col["given"]
    copula = spec.get("copula")
    if copula:
        keep = [i for i, name in enumerate(copula["columns"])
                if name.lower() in by_name and copula_member(by_name[name.lower()])]
        if len(keep) < 2:
            del spec["copula"]
        elif len(keep) < len(copula["columns"]):
            spec["copula"] = {"columns": [copula["columns"][i] for i in keep],
                              "correlation": [[copula["correlation"][i][j] for j in keep] for i in keep]}
    return spec
