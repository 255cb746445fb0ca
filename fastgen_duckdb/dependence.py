"""Dependent columns: a categorical column drawn from its distribution *given* the column it depends on most.

FASTGEN draws each field on its own, which flattens relations such as TPC-H's order status by order date
(all 'F' before mid-1995, all 'O' after). Here each categorical column may pick one parent column, the one
with the strongest association (Cramér's V on the sample, at least MIN_V), and keeps one weight vector per
parent bin. Numeric and date parents are cut into equal-frequency bins, which are equal slices of the
parent's uniform, so the sampler needs only the parent's random number: still pure SQL, reproducible,
chunk-invariant.
"""
from __future__ import annotations

import math

from .spec import as_number, monotone, type_family
from .sqltext import ident, string

BINS = 32          # equal-frequency bins of a numeric or date parent
MIN_V = 0.3        # weaker associations are not worth a conditional table
MAX_VALUES = 64    # categorical children and parents of at most this many values
NUMERIC_KNOTS = 65  # quantile knots per parent bin for a numeric child
MAX_RELATION_COLUMNS = 12  # numeric and date columns searched for exact relations
GAP_KNOTS = 257            # quantile knots of the gap between two ordered columns
MIN_ORDER_CORRELATION = 0.5  # ordered columns must also move together to count as a relation


def cramers_v(table: dict[tuple, int]) -> float:
    rows, cols = {}, {}
    for (a, b), n in table.items():
        rows[a] = rows.get(a, 0) + n
        cols[b] = cols.get(b, 0) + n
    total = sum(rows.values())
    if total == 0 or min(len(rows), len(cols)) < 2:
        return 0.0
    chi2 = sum((table.get((a, b), 0) - rows[a] * cols[b] / total) ** 2 / (rows[a] * cols[b] / total)
               for a in rows for b in cols)
    return math.sqrt(chi2 / (total * (min(len(rows), len(cols)) - 1)))


def link(con, sample: str, cols: list[dict]) -> list[dict]:
    """Give categorical and numeric columns a `given` parent where the sample shows a strong relation:
    per parent bin, category weights or quantile knots."""
    def candidate(c):
        return (c["kind"] in ("numeric", "datetime") or
                (c["kind"] == "categorical" and len(c["values"]) <= MAX_VALUES)) and "given" not in c
    parents = [c for c in cols if candidate(c)]
    serving = set()   # no chains: a parent is never conditioned itself, a conditioned column is no parent
    for child in cols:
        small = child["kind"] == "categorical" and 2 <= len(child.get("values", [])) <= MAX_VALUES
        if not (small or child["kind"] == "numeric") or child["name"] in serving:
            continue
        best, best_v = None, MIN_V
        for parent in parents:
            if parent is child or "given" in parent:
                continue
            v = cramers_v(_counts(con, sample, child, parent))
            if v > best_v:
                best, best_v = parent, v
        if best is not None:
            _condition(con, sample, child, best, best_v)
            serving.add(best["name"])
    return cols


def _bin(parent: dict) -> str:
    """The parent's bin in SQL over the sample: its category's position, or its equal-frequency bin."""
    p = ident(parent["name"])
    if parent["kind"] == "categorical":
        cases = " ".join(f"WHEN {p}::VARCHAR = {_text(v)} THEN {i}" for i, v in enumerate(parent["values"]))
        return f"CASE {cases} END"
    return f"ntile({BINS}) OVER (ORDER BY {p}) - 1"


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
    def numeric(c):
        return "given" not in c and (c["kind"] in ("numeric", "datetime") or (
            c["kind"] == "categorical" and type_family(c["type"]) in ("integer", "float", "decimal")))
    candidates = [c for c in cols if numeric(c)][:MAX_RELATION_COLUMNS]
    ruled, used = set(), set()
    names = {c["name"]: ident(c["name"]) for c in candidates}
    for c in candidates:  # arithmetic: one query per result column, every pair of operands at once
        numbers = [x for x in candidates if type_family(x["type"]) in ("integer", "float", "decimal")]
        operands = [(a, b) for i, a in enumerate(numbers) for b in numbers[i:]
                    if c is not a and c is not b and c["kind"] == "numeric"]
        if not operands:
            continue
        x = {k: f"{v}::DOUBLE" for k, v in names.items()}  # in DOUBLE: small integer types would overflow
        tests = [f"bool_and(abs({x[c['name']]} - {x[a['name']]} {op} {x[b['name']]}) <= 0.005 "
                 f"* greatest(1, abs({x[c['name']]})))" for a, b in operands for op in ("*", "+")]
        found = con.execute(f"SELECT {', '.join(tests)}, count(*) FROM {sample} WHERE "
                            + " AND ".join(f"{n} IS NOT NULL" for n in names.values())).fetchall()[0]
        if found[-1] < 30:
            return cols
        for k, ok in enumerate(found[:-1]):
            a, b = operands[k // 2]
            if ok and c["name"] not in used and not {a["name"], b["name"]} & ruled:
                c["equals"] = {"product" if k % 2 == 0 else "sum": [a["name"], b["name"]]}
                ruled.add(c["name"])
                used.update((a["name"], b["name"]))
                break
    for later in candidates:  # orderings: later = earlier + a gap drawn from the data's gaps
        for earlier in candidates:
            if later is earlier or later["name"] in ruled | used or earlier["name"] in ruled \
                    or later["kind"] == "categorical" or type_family(later["type"]) != type_family(earlier["type"]):
                continue
            gap = _gap(later, earlier)
            ok, overlap, rho, knots = con.execute(
                f"SELECT bool_and({gap} >= 0), max({names[earlier['name']]}) > min({names[later['name']]}), "
                f"corr({as_number(names[later['name']], type_family(later['type']))}, "
                f"{as_number(names[earlier['name']], type_family(earlier['type']))}), "
                f"quantile_cont({gap}, [i / {GAP_KNOTS - 1} FOR i IN range({GAP_KNOTS})]) FROM {sample}").fetchall()[0]
            # related, not merely ordered by their ranges (a price above a quantity is no rule)
            if ok and overlap and rho is not None and rho > MIN_ORDER_CORRELATION:
                later["after"] = {"column": earlier["name"], "gaps": [float(max(k, 0)) for k in knots]}
                ruled.add(later["name"])
                used.add(earlier["name"])
                break
    return cols


def _gap(later: dict, earlier: dict) -> str:
    """later - earlier as a number: days between dates, microseconds between times, else the difference
    (each side in DOUBLE first: unsigned types cannot go below zero)."""
    family = type_family(later["type"])
    return f"({as_number(ident(later['name']), family)} - {as_number(ident(earlier['name']), family)})"


def _key(value) -> str:
    """A category as DuckDB prints it (booleans lower case), to match values read back as text."""
    return str(value).lower() if isinstance(value, bool) else str(value)
