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
MIN_V = 0.3        # weaker associations are not worth a conditional table
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


def link(con, sample: str, cols: list[dict]) -> list[dict]:
    """Give categorical and numeric columns a `given` parent where the sample shows a strong relation:
    per parent bin, category weights or quantile knots.

    The strongest relations are taken first (ties of V, to two decimals, by mutual information). V is
    symmetric, so each is pointed away from the more central column (the larger sum of strong V's), which then
    serves as the parent of all its relations: a hub such as a species is drawn first and conditions the
    measurements, rather than being read off one of them."""
    def can_parent(c):
        return c["kind"] in ("numeric", "datetime") or c["kind"] == "categorical" and len(c["values"]) <= MAX_VALUES

    def can_child(c):
        return c["kind"] == "numeric" or c["kind"] == "categorical" and 2 <= len(c["values"]) <= MAX_CHILD_VALUES
    free = [c for c in cols if not _ruled(c) and (can_parent(c) or can_child(c))]
    pairs = [(a, b) for i, a in enumerate(free) for b in free[i + 1:]
             if can_child(a) and can_parent(b) or can_child(b) and can_parent(a)]
    tables = [_counts(con, sample, *(a, b) if can_child(a) and can_parent(b) else (b, a)) for a, b in pairs]
    strength = [cramers_v(t) for t in tables]
    information = [mutual_information(t) for t in tables]
    centrality = {c["name"]: 0.0 for c in free}
    for (a, b), v in zip(pairs, strength):
        if v >= MIN_V:
            centrality[a["name"]] += v
            centrality[b["name"]] += v
    # no chains: a parent is never conditioned itself, a conditioned column is no parent
    serving = {c["given"]["column"] for c in cols if "given" in c}
    for v, _, _, (a, b) in sorted(((v, information[i], i, pair) for i, (pair, v) in enumerate(zip(pairs, strength))
                                   if v >= MIN_V), key=lambda e: (-round(e[0], 2), -e[1], e[2])):
        for child, parent in sorted(((a, b), (b, a)), key=lambda cp: centrality[cp[0]["name"]]):
            if can_child(child) and can_parent(parent) and not _ruled(child) and not _ruled(parent) \
                    and child["name"] not in serving:
                _condition(con, sample, child, parent, v)
                serving.add(parent["name"])
                break
    return cols


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
            if ok and not {a["name"], b["name"]} & ruled:
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
            if ok and overlap and rho is not None and rho > MIN_ORDER_CORRELATION and not drifts:
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
        f"quantile_cont({gap}, [i / {GAP_KNOTS - 1} FOR i IN range({GAP_KNOTS})]), count({gap}), "
        f"corr({gap}, {as_number(b, family)}) FROM {sample}").fetchall()[0]
    return ok, overlap, rho, knots, rows, drift is not None and abs(drift) >= MAX_GAP_CORRELATION


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
    Columns related to no other member (|correlation| < MIN_COPULA_RHO) are left out: they cost nothing."""
    import statistics

    import numpy as np
    members = [c for c in cols if copula_member(c)][:MAX_COPULA_COLUMNS]
    if len(members) < 2:
        return None
    bins, ranks = [], []
    for i, c in enumerate(members):
        x = _bin(c) if c["kind"] == "categorical" else as_number(ident(c["name"]), type_family(c["type"]))
        within = ""
        if "given" in c:
            bins.append(f"{_bin(_parent(cols, c))} AS fastgen_bin{i}")
            within = f"PARTITION BY fastgen_bin{i}"
        ranks.append(f"CASE WHEN {x} IS NOT NULL THEN (row_number() OVER ({within} ORDER BY {x}, hash(fastgen_row, {i}, 0)) "
                     f"- 0.5) / count({x}) OVER ({within}) END")
    pit = np.array(con.execute(f"SELECT {', '.join(ranks)} FROM (SELECT *, {', '.join(['rowid AS fastgen_row', *bins])} "
                               f"FROM {sample})").fetchall(), dtype=float)
    if len(pit) < MIN_ROWS:
        return None
    normal = np.vectorize(statistics.NormalDist().inv_cdf, otypes=[float])
    z = np.where(np.isnan(pit), np.nan, normal(np.clip(np.nan_to_num(pit, nan=0.5), 1e-9, 1 - 1e-9)))
    k = len(members)
    rho = np.eye(k)
    for i in range(k):
        for j in range(i):
            both = ~np.isnan(z[:, i]) & ~np.isnan(z[:, j])
            r = np.corrcoef(z[both, i], z[both, j])[0, 1] if both.sum() >= MIN_ROWS else 0.0
            rho[i, j] = rho[j, i] = 0.0 if np.isnan(r) else r
    keep = [i for i in range(k) if max(abs(rho[i, j]) for j in range(k) if j != i) >= MIN_COPULA_RHO]
    if len(keep) < 2:
        return None
    rho = nearest_correlation(rho[np.ix_(keep, keep)])
    return {"columns": [members[i]["name"] for i in keep], "correlation": [[round(float(x), 4) for x in row] for row in rho]}


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
