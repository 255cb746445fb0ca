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

from .sqltext import ident

BINS = 32          # equal-frequency bins of a numeric or date parent
MIN_V = 0.3        # weaker associations are not worth a conditional table
MAX_VALUES = 64    # categorical children and parents of at most this many values


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
    """Give categorical columns a `given` parent and per-bin weights where the sample shows a strong relation."""
    def candidate(c):
        return (c["kind"] in ("numeric", "datetime") or
                (c["kind"] == "categorical" and len(c["values"]) <= MAX_VALUES)) and "given" not in c
    parents = [c for c in cols if candidate(c)]
    serving = set()   # no chains: a parent is never conditioned itself, a conditioned column is no parent
    for child in cols:
        if child["kind"] != "categorical" or not 2 <= len(child["values"]) <= MAX_VALUES or child["name"] in serving:
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
    from .sqltext import string
    return string(str(value).lower() if isinstance(value, bool) else str(value))


def _counts(con, sample: str, child: dict, parent: dict) -> dict[tuple, int]:
    c, p = ident(child["name"]), ident(parent["name"])
    rows = con.execute(f"SELECT {c}::VARCHAR, bin, count(*) FROM (SELECT {c}, {_bin(parent)} AS bin FROM {sample} "
                       f"WHERE {c} IS NOT NULL AND {p} IS NOT NULL) GROUP BY ALL").fetchall()
    return {(a, b): n for a, b, n in rows if b is not None}


def _condition(con, sample: str, child: dict, parent: dict, v: float) -> None:
    counts = _counts(con, sample, child, parent)
    bins = len(parent["values"]) if parent["kind"] == "categorical" else BINS
    index = {_key(value): i for i, value in enumerate(child["values"])}
    by_bin = [[0.0] * len(child["values"]) for _ in range(bins)]
    for (value, b), n in counts.items():
        if value in index:
            by_bin[b][index[value]] += n
    overall = [float(w) for w in child["weights"]]
    child["given"] = {"column": parent["name"], "bins": bins, "cramers_v": round(v, 3),
                      "weights": [row if sum(row) > 0 else overall for row in by_bin]}


def _key(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
