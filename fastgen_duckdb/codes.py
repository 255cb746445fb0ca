"""The profile sample coded once, for the pair model (dependence.py), the copula and the hidden clusters: every
candidate column as small integers (Codes), and a screen of every pair's strength at once on coarse codes."""
from __future__ import annotations

from .dtypes import as_number, type_family
from .sqltext import ident, string

BINS = 32                  # equal-frequency bins of a numeric or date parent
MIN_ROWS = 30              # fewer rows than this prove no relation
CODE_CHUNK = 64            # columns coded per query
SCREEN_ROWS = 8192         # rows of the screening pass (half of it above 300 columns)
SCREEN_LEVELS = 8          # levels per column in the screen (a number's octiles, a category's top 7 + rest)
SCREEN_BLOCK = 256         # coarse levels (columns × SCREEN_LEVELS + 1) per matrix product of the screen: its
                           # temporaries are block × all levels × 4 arrays of doubles (1,000 columns: 70 MB)
MONOTONE = 0.9             # numbers this correlated (by bins) are left to the copula, not conditioned...
MONOTONE_NULLS = 0.05      # ... unless the parent is NULL on more of the rows than this
ENUM_VALUES = 64           # a category list longer than this is coded by an ENUM cast (a hash lookup)
HALF_SEED = 11             # the random half of the rows a pair's table is learned on for its held-out check


class Codes:
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
    def half(self):
        """A fixed random half of the rows (a boolean mask), for a pair's held-out check (dependence._predicts):
        drawn once, the same for every pair."""
        if not hasattr(self, "_half"):
            import numpy as np
            self._half = np.random.default_rng(HALF_SEED).random(self.n) < 0.5
        return self._half

    def missing_table(self, nullable: int, other: int, rows=None):
        """Counts of (whether `nullable` is NULL, `other`'s code, NULL a level of its own): where a column is missing
        can be what another says (a count reported from some year on) where its values, per bin, say little."""
        import numpy as np
        a = (self.codes[:, nullable] == -1).astype(np.int64)
        b = self.codes[:, other].astype(np.int64)
        if rows is not None:
            a, b = a[rows], b[rows]
        kb = self.levels[other] + 1
        b = np.where(b == -1, kb - 1, b)
        keep = b >= 0
        return np.bincount(a[keep] * kb + b[keep], minlength=2 * kb).reshape(2, kb).astype(float)

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

    def explains(self, parent: int, child: int) -> float:
        """The share of the child's uncertainty (entropy of its codes, NULL a code of its own) that the parent's
        codes remove: Theil's uncertainty coefficient U(child | parent), 1 where the parent determines it."""
        return self.explained_by(self.codes[:, parent], child)

    def pair(self, a: int, b: int):
        """One code per combination of two category lists' codes (a's position × b's values + b's), -1 where
        either is NULL and -2 where either holds a value its list does not: a parent of both at once."""
        import numpy as np
        x, y = self.codes[:, a].astype(np.int64), self.codes[:, b].astype(np.int64)
        return np.where((x == -1) | (y == -1), -1, np.where((x < 0) | (y < 0), -2, x * self.levels[b] + y))

    def explained_by(self, parent, child: int, rows=None) -> float:
        """explains() for any parent codes (`parent`: one integer per row, negative for NULL or unlisted; a pair's,
        Codes.pair), over `rows` (a boolean mask) or all rows."""
        import numpy as np
        a, b = self.codes[:, child].astype(np.int64) + 2, np.asarray(parent, np.int64) + 2
        if rows is not None:
            a, b = a[rows], b[rows]
        n = len(a)
        joint = np.unique(b * (self.levels[child] + 2) + a, return_counts=True)[1] / n
        own = np.bincount(a).astype(float)
        own = own[own > 0] / n
        by_parent = np.unique(b, return_counts=True)[1] / n
        # Miller-Madow corrected entropies: a parent of many values on few rows would seem to explain anything
        h = lambda p: -(p * np.log(p)).sum() + (len(p) - 1) / (2 * n)
        entropy = h(own)
        if entropy <= 0 or n - len(by_parent) < MIN_ROWS:   # rows enough that repeat a parent value
            return 0.0
        return float(1 - max(0.0, h(joint) - h(by_parent)) / entropy)   # H(child | parent) = H(joint) - H(parent)

    def fetch_numbers(self, con, sample: str, which: list[int]) -> None:
        """The values (as numbers) of columns `which`, for their quantile knots: kept."""
        which = [j for j in which if j not in self.numbers]
        for start in range(0, len(which), CODE_CHUNK):
            self.numbers.update(self.read_numbers(con, sample, which[start:start + CODE_CHUNK]))

    def read_numbers(self, con, sample: str, which: list[int]) -> dict:
        """{column: its values as numbers, NaN for NULL}, in the codes' row order, read in one query."""
        import numpy as np
        if not which:
            return {}
        got = con.execute(f"SELECT {', '.join(self._expr(self.cols[j]) + f' AS v{j}' for j in which)} "
                          f"FROM {sample} ORDER BY rowid").fetchnumpy()
        return {j: np.where(np.ma.getmaskarray(got[f"v{j}"]), np.nan, np.ma.getdata(got[f"v{j}"]).astype(float))
                for j in which}

    @staticmethod
    def _expr(c: dict) -> str:
        x = ident(c["name"])
        if c["kind"] != "categorical":
            return as_number(x, type_family(c["type"]))
        keys = [category_text(v) for v in c["values"]]
        if len(set(keys)) == len(keys) and len(keys) > ENUM_VALUES:  # an ENUM cast is a hash lookup
            enum = "ENUM(" + ", ".join(string(k) for k in keys) + ")"
            return f"CASE WHEN {x} IS NULL THEN NULL ELSE coalesce(enum_code(TRY_CAST({x}::VARCHAR AS {enum}))::INTEGER, -1) END"
        return f"CASE WHEN {x} IS NULL THEN NULL ELSE coalesce(list_position([{', '.join(string(k) for k in keys)}], {x}::VARCHAR), 0)::INTEGER - 1 END"

    def table(self, child: int, parent: int, nulls: bool = False, rows=None):
        """Counts of (child code, parent code) over the rows where both have a listed value (`nulls`: or NULL,
        a level of its own after the listed ones); `rows`: only the rows this boolean mask keeps."""
        import numpy as np
        a, b = self.codes[:, child].astype(np.int64), self.codes[:, parent].astype(np.int64)
        if rows is not None:
            a, b = a[rows], b[rows]
        ka, kb = self.levels[child], self.levels[parent]
        if nulls:
            a, b, ka, kb = np.where(a == -1, ka, a), np.where(b == -1, kb, b), ka + 1, kb + 1
        both = (a >= 0) & (b >= 0)
        return np.bincount(a[both] * kb + b[both], minlength=ka * kb).reshape(ka, kb).astype(float)


def screen(codes: Codes):
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
        if codes.cols[j]["kind"] == "categorical" and codes.cols[j].get("ordered"):   # ascending numbers: by rank
            level = np.where(x < 0, SCREEN_LEVELS - 1, x * SCREEN_LEVELS // max(len(codes.cols[j]["values"]), 1))
        elif codes.cols[j]["kind"] == "categorical":
            level = np.minimum(x, SCREEN_LEVELS - 1)     # a longer list is listed most frequent first
            level = np.where(x == -2, SCREEN_LEVELS - 1, level)
        else:
            level = x * SCREEN_LEVELS // BINS
        coarse[:, j] = np.where(x == -1, SCREEN_LEVELS, level)
    onehot = np.zeros((rows, k * levels), dtype=np.float32)
    onehot[np.arange(rows)[:, None], coarse + np.arange(k)[None, :] * levels] = 1.0
    margins = onehot.sum(axis=0).reshape(k, levels)
    nonempty = (margins > 0).sum(axis=1)
    v = np.zeros((k, k))
    block = max(1, SCREEN_BLOCK // levels)
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


def category_text(value) -> str:
    """A category as DuckDB prints it (booleans lower case), to match values read back as text."""
    return str(value).lower() if isinstance(value, bool) else str(value)
