"""A column's conditional table given its parent, as the sampler draws it: per parent bin (a category's value, a
number's or date's equal-frequency bin), a category list's weights or a number's quantile knots, its NULL share
where that differs by bin, and its table given a NULL parent. Learned from the profile sample's codes (codes.py)
for the pairs dependence.py links and the hidden clusters clusters.py fits, or by a query over the sample for a
pair a rule names (rules.py)."""
from __future__ import annotations

from .codes import BINS, MIN_ROWS, Codes, category_text
from .dtypes import knot_values, monotone
from .sqltext import ident, string

NULL_BIN_ROWS = 5                # a category list's rows under a NULL parent that make its own table (without
                                 # one, those rows draw the first bin's: a top level's 21 rows with no parent)
NUMERIC_KNOTS = 65  # quantile knots per parent bin for a numeric child, at least (knot_width)...
MAX_KNOT_CELLS = 1 << 13   # ... and over all its bins, at most (unless NUMERIC_KNOTS each are more)
NULL_PRIOR_ROWS = 2        # a child's NULL share per parent bin is shrunk toward its own by this many rows...
NULL_SPREAD_SIGMAS = 4     # ... and kept if one bin's differs from its own by this many standard errors, or if
NULL_MIX_SHIFT = 0.005     # ... one share for all would move the child's values this much (KS or TV)
NULL_MAX_SHARE = 0.999999  # the sampler's shares are below 1


def condition_codes(codes: "Codes", child: int, parent: int, v: float) -> None:
    """The conditional table of codes.cols[child] given codes.cols[parent], from the codes (and the child's
    numbers): per parent bin, and for a parent NULL on MIN_ROWS rows or more (a category list: NULL_BIN_ROWS),
    given a NULL parent (`null`; for a category list, its own weights where it has fewer values there, as where
    it is NULL with its parent: its NULL share for that bin says so)."""
    import numpy as np
    a, b = codes.cols[child], codes.cols[parent]
    pc = codes.codes[:, parent]
    bins = codes.levels[parent]
    null_rows = pc == -1
    if a["kind"] == "numeric":
        x = codes.numbers[child]
        steps = bool(a.get("steps"))   # a discrete column keeps its values
        present = ~np.isnan(x)
        width = knot_width(np.bincount(pc[present & (pc >= 0)], minlength=bins), len(a["quantiles"]))
        marginal = a["quantiles"][:: max(1, (len(a["quantiles"]) - 1) // (width - 1))][:width]
        marginal += [a["quantiles"][-1]] * (width - len(marginal))
        within = (a["quantiles"][0], a["quantiles"][-1])
        rows = []
        for k in range(bins):
            here = x[present & (pc == k)]
            rows.append(monotone(knot_values(here, width, steps, within)) if len(here) else marginal)
        here = x[present & null_rows]
        null = monotone(knot_values(here, width, steps, within)) if len(here) >= MIN_ROWS else None
        if all(r[0] == r[-1] for r in rows + ([null] if null else [])):   # one value per bin (a group's own): two knots
            rows, null = [r[:1] * 2 for r in rows], null and null[:1] * 2
        given = {"column": b["name"], "bins": bins, "cramers_v": round(v, 3), "quantiles": rows}
        if null:
            given["null"] = null
        a["given"] = {**given, **null_shares(codes, child, pc, bins, "null" in given)}
        return
    cc = codes.codes[:, child]
    table = codes.table(child, parent).T    # bins × values
    overall = [float(w) for w in a["weights"]]
    given = {"column": b["name"], "bins": bins, "cramers_v": round(v, 3),
             "weights": [row.tolist() if row.sum() > 0 else overall for row in table]}
    here = cc[null_rows & (cc >= 0)]
    if null_rows.sum() >= NULL_BIN_ROWS:
        given["null"] = np.bincount(here, minlength=len(a["values"])).astype(float).tolist() \
            if len(here) >= NULL_BIN_ROWS else overall
    a["given"] = {**given, **null_shares(codes, child, pc, bins, "null" in given)}


def knot_width(sizes, own: int, cells: int | None = MAX_KNOT_CELLS) -> int:
    """Quantile knots per part (a parent's bin, a hidden cluster) for a number: as many as a typical part's values
    support (65 knots for a part of 2,754 ages round to the wrong integer once in a hundred draws; a heavy tail
    needs them too: with 65, the top 1/64 of a part's rows spreads evenly up to its maximum), at most the column's
    own and `cells` over all parts (None: no such cap), at least NUMERIC_KNOTS."""
    import numpy as np
    typical = 2 ** int(np.log2(max(float(np.median(sizes)) if len(sizes) else 1.0, 1.0))) + 1
    cap = own if cells is None else 2 ** int(np.log2(max(cells // max(len(sizes), 1), 1))) + 1
    return max(NUMERIC_KNOTS, min(own, typical, cap))


def null_shares(codes: "Codes", child: int, pc, bins: int, null_parent: bool) -> dict:
    """{"nulls": the child's NULL share per parent bin (and for a NULL parent)} where it differs from the column's
    own share: a count of one series that is missing for the months another is present in. Each share is
    shrunk toward the column's own by NULL_PRIOR_ROWS rows, so a bin of few rows says little. Not for a column
    with special values (inf, NaN): those count as missing on the sample."""
    import numpy as np
    col = codes.cols[child]
    own = float(col.get("nulls") or 0.0)
    if own <= 0 or col.get("special"):
        return {}
    missing = codes.codes[:, child] == -1
    groups = [pc == k for k in range(bins)] + ([pc == -1] if null_parent else [])
    sizes = np.array([g.sum() for g in groups], float)
    shares = [min(round(float((missing[g].sum() + NULL_PRIOR_ROWS * own) / (size + NULL_PRIOR_ROWS)), 6), NULL_MAX_SHARE)
              for g, size in zip(groups, sizes)]
    # worth a list if the shares differ from the column's own by more than chance would make them, or if drawing
    # every bin at the column's own share would move its values (the bins' values are weighed by their shares)
    spread = np.abs(np.array(shares) - own) * np.sqrt(sizes / max(own * (1 - own), 1e-12))
    if float(np.max(spread, initial=0.0)) > NULL_SPREAD_SIGMAS or _pooled_shift(codes, child, groups) > NULL_MIX_SHIFT:
        return {"nulls": shares}
    return {}


def _pooled_shift(codes: "Codes", child: int, groups: list) -> float:
    """How far (KS for a number, total variation for a category) the child's non-NULL values would move if every
    parent bin had the column's own NULL share: each bin's values then count as its rows, not as its non-NULL
    rows (a measure missing more often for its highest-scoring group is drawn too high), and a bin with no
    values draws the column's own."""
    import numpy as np
    present = codes.codes[:, child] != -1
    m = int(present.sum())
    if not m:
        return 0.0
    weight = np.ones(len(present))
    spare = 0.0                     # rows of bins with no values, drawn as the column's own values
    for g in groups:
        have = int((g & present).sum())
        if have:
            weight[g & present] = g.sum() / have
        else:
            spare += g.sum()
    w = weight[present] + spare / m
    w /= w.sum()
    if codes.cols[child]["kind"] == "numeric":
        x = codes.numbers[child][present]
        order = np.argsort(x, kind="stable")
        xs, ws = x[order], np.cumsum(w[order])
        last = np.r_[xs[1:] != xs[:-1], True]       # the ECDFs compared where a value ends
        return float(np.max(np.abs(ws[last] - (np.arange(1, m + 1) / m)[last])))
    c = codes.codes[:, child][present]
    listed = c >= 0                 # a value the column does not list (-2) is drawn as none of its own
    drawn, own = np.bincount(c[listed], weights=w[listed]), np.bincount(c[listed]).astype(float)
    return 0.5 * float(np.abs(drawn / max(drawn.sum(), 1e-300) - own / max(own.sum(), 1.0)).sum())


def condition(con, sample: str, child: dict, parent: dict, v: float) -> None:
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
    index = {category_text(value): i for i, value in enumerate(child["values"])}
    by_bin = [[0.0] * len(child["values"]) for _ in range(bins)]
    for (value, b), n in counts.items():
        if value in index:
            by_bin[b][index[value]] += n
    overall = [float(w) for w in child["weights"]]
    child["given"] = {"column": parent["name"], "bins": bins, "cramers_v": round(v, 3),
                      "weights": [row if sum(row) > 0 else overall for row in by_bin]}


def _counts(con, sample: str, child: dict, parent: dict) -> dict[tuple, int]:
    c, p = ident(child["name"]), ident(parent["name"])
    value = f"{c}::VARCHAR" if child["kind"] == "categorical" else _bin(child)
    rows = con.execute(f"SELECT value, bin, count(*) FROM (SELECT {value} AS value, {_bin(parent)} AS bin "
                       f"FROM {sample} WHERE {c} IS NOT NULL AND {p} IS NOT NULL) GROUP BY ALL").fetchall()
    return {(a, b): n for a, b, n in rows if b is not None}


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
    return string(category_text(value))
