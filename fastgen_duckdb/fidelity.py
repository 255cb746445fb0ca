"""Fidelity: how close synthetic rows are to the real ones, with SDMetrics' formulas.

Column shapes: KSComplement for numbers and dates, TVComplement for categories. Column pair trends:
CorrelationSimilarity for two numeric columns, ContingencySimilarity otherwise, numbers binned on the real
column's edges (10 equal-width bins) and every pair averaged (not only the strongly related ones, unlike
SDMetrics' default). Overall = the mean of the two, as SDMetrics' quality report. Keys are left out, as
SDMetrics leaves out primary keys; free text gets its own numbers: diversity and copies of real values. The
rules a generator keeps (unique keys, no nulls, equals, after, at_least / at_most) are counted on both sides:
violations among the real rows and among the synthetic ones.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from . import catalog
from .sources import SourceError, resolve
from .dtypes import as_number, drawn_type, equals_sql, type_family
from .readings import parse_sql
from .sqltext import ident, string

BINS = 10
NUMERIC = ("integer", "float", "decimal", "date", "time", "timestamp")


def _column(con, relation: str, col: dict, family: str):
    expr = as_number(parse_sql(ident(col["name"]), col), family) \
        if family in NUMERIC and col["kind"] in ("numeric", "datetime") else f"{ident(col['name'])}::VARCHAR"
    return np.array([r[0] for r in con.execute(f"SELECT {expr} FROM {relation}").fetchall()], dtype=object)


def ks_complement(real, synth) -> float:
    real, synth = np.sort(real.astype(float)), np.sort(synth.astype(float))
    grid = np.concatenate([real, synth])
    gap = np.abs(np.searchsorted(real, grid, "right") / len(real) - np.searchsorted(synth, grid, "right") / len(synth))
    return float(1 - gap.max())


def tv_complement(real, synth) -> float:
    r_vals, r_counts = np.unique(real.astype(str), return_counts=True)
    s_vals, s_counts = np.unique(synth.astype(str), return_counts=True)
    p = dict(zip(r_vals, r_counts / r_counts.sum()))
    q = dict(zip(s_vals, s_counts / s_counts.sum()))
    return float(1 - 0.5 * sum(abs(p.get(k, 0) - q.get(k, 0)) for k in set(p) | set(q)))


def _discrete(values, edges):
    if edges is None:
        return values.astype(str)
    return np.digitize(values.astype(float), edges[1:-1]).astype(str)


def report(con, gen: str, n: int | None = None, seed: int = 42) -> dict:
    """Real vs synthetic scores for a generator learned from data (n synthetic rows, default: as many as real)."""
    spec, real, synth = relations(con, gen, n, seed)
    return {"generator": gen, **compare(con, real, synth, spec["columns"])}


def relations(con, gen: str, n: int | None, seed: int) -> tuple[dict, str, str]:
    """The spec, the real rows (its source) and n synthetic rows, as SQL relations."""
    spec = catalog.get(con, gen)
    try:
        src = resolve(con, spec["source"])
    except SourceError as exc:
        raise SourceError(f"generator {gen!r}: its source is not readable here, nothing to compare with ({exc})") from None
    if src.kind in ("ddl", "schema"):
        raise SourceError(f"generator {gen!r} was learned from {src.kind.upper()}: there are no real rows to compare with")
    n = int(n or min(spec.get("source_rows") or 100_000, 100_000))
    return spec, f"(SELECT * FROM {src.relation})", f"(FROM fastgen_sample({string(gen)}, {n}, seed := {int(seed)}))"


def compare(con, real: str, synth: str, columns: list[dict]) -> dict:
    """Scores of any synthetic relation against a real one, for the columns of a spec (kinds pick metrics)."""
    real_rel = f"(SELECT * FROM {real} USING SAMPLE 100000 ROWS (reservoir, 42))"
    synth_rel = f"(SELECT * FROM {synth} USING SAMPLE 100000 ROWS (reservoir, 42))"
    scored, shapes, texts = [], [], []
    for col in columns:
        family = type_family(drawn_type(col))
        if col["kind"] in ("key", "reference", "constant"):
            continue
        real, synth = _column(con, real_rel, col, family), _column(con, synth_rel, col, family)
        nulls = {"null_real": float(np.mean([v is None for v in real])), "null_synth": float(np.mean([v is None for v in synth]))}
        real, synth = real[[v is not None for v in real]], synth[[v is not None for v in synth]]
        if not len(real) or not len(synth):
            continue
        if col["kind"] == "text":
            # a copy is a synthetic value equal to a real one that the spec does not keep as a label (seen
            # at least min_count times): labels are kept by design, anything else copied is a leak
            labels = set((col.get("frequent") or {}).get("values", []))
            real_set = set(real) - labels
            texts.append({"column": col["name"], "unique_real": len(set(real)) / len(real),
                          "unique_synth": len(set(synth)) / len(synth),
                          "copied": float(np.mean([v in real_set for v in synth])), **nulls})
            if not labels:
                continue   # free text has no shape to score; labels do, as categories
        numeric = col["kind"] in ("numeric", "datetime")
        score = ks_complement(real, synth) if numeric else tv_complement(real, synth)
        shapes.append({"column": col["name"], "metric": "KSComplement" if numeric else "TVComplement",
                       "score": score, **nulls})
        scored.append((col, numeric))
    pairs = _pairs(con, real_rel, synth_rel, scored)
    checks = rule_checks(con, real_rel, synth_rel, columns)
    shape = float(np.mean([s["score"] for s in shapes])) if shapes else None
    trend = float(np.mean([p["score"] for p in pairs])) if pairs else None
    overall = float(np.mean([x for x in (shape, trend) if x is not None])) if shapes else None
    return {"real_rows": con.execute(f"SELECT count(*) FROM {real_rel}").fetchall()[0][0],
            "synthetic_rows": con.execute(f"SELECT count(*) FROM {synth_rel}").fetchall()[0][0], "overall": overall, "column_shapes": shape, "column_pair_trends": trend,
            "columns": shapes, "pairs": pairs, "text": texts, "checks": checks}


def rule_checks(con, real: str, synth: str, columns: list[dict]) -> list[dict]:
    """Each rule of the spec with its violations among the real and the synthetic rows."""
    tests = []
    for col in columns:
        name, me = col["name"], ident(col["name"])
        if col["kind"] == "key" and not col.get("within"):   # a key within a parent is unique only with it
            tests.append((f"{name} is unique", f"count({me}) - count(DISTINCT {me})"))
        if col["nulls"] == 0 and col["kind"] != "constant":
            tests.append((f"{name} is never null", f"count(*) - count({me})"))
        if col.get("equals"):
            (rule, of), = col["equals"].items()
            tests.append((f"{name} = {(' × ' if rule == 'product' else ' + ').join(of)}",
                          f"count(*) FILTER (WHERE NOT {equals_sql(col, rule, of)})"))
        for field, sign, broken in (("after", "≥", "<"), ("at_least", "≥", "<"), ("at_most", "≤", ">")):
            other = (col.get(field) or {}).get("column") if field == "after" else col.get(field)
            if not other:
                continue
            if col.get("strict") and field != "after":   # strictly above or below
                sign, broken = {"≥": (">", "<="), "≤": ("<", ">=")}[sign]
            tests.append((f"{name} {sign} {other}", f"count(*) FILTER (WHERE {me} {broken} {ident(other)})"))
    if not tests:
        return []
    counts = [con.execute(f"SELECT {', '.join(sql for _, sql in tests)} FROM {rel}").fetchall()[0] for rel in (real, synth)]
    return [{"rule": rule, "real": int(r), "synthetic": int(s)} for (rule, _), r, s in zip(tests, *counts)]


def _edges(x):
    """BINS equal-width bins of a number's range; one bin where DOUBLEs cannot split it (UHUGEINTs near 2^128 a
    few apart are one DOUBLE)."""
    try:
        return np.histogram_bin_edges(x, bins=BINS)
    except ValueError:
        return np.array([x.min(), x.max()])


def _correlation(x, y) -> float:
    """Pearson's r, 0 where it is undefined (fewer than two rows, or a constant: numpy would warn and say NaN)."""
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    r = float(np.corrcoef(x, y)[0, 1])
    return 0.0 if math.isnan(r) else r


def _pairs(con, real_rel: str, synth_rel: str, scored: list) -> list[dict]:
    if len(scored) < 2:
        return []
    exprs = [(as_number(parse_sql(ident(c["name"]), c), type_family(drawn_type(c))) if numeric
              else f"{ident(c['name'])}::VARCHAR")
             for c, numeric in scored]
    where = " AND ".join(f"{ident(c['name'])} IS NOT NULL" for c, _ in scored)
    # joined, not str.format: a column named with braces ('{x}') is an ordinary name here
    real, synth = (np.array(con.execute(f"SELECT {', '.join(exprs)} FROM {rel} WHERE {where}").fetchall(), dtype=object)
                   for rel in (real_rel, synth_rel))
    if not len(real) or not len(synth):
        return []
    edges = [_edges(real[:, i].astype(float)) if numeric else None for i, (_, numeric) in enumerate(scored)]
    out = []
    for i, j in itertools.combinations(range(len(scored)), 2):
        (a, a_num), (b, b_num) = scored[i], scored[j]
        if a_num and b_num:
            rho = [_correlation(x[:, i].astype(float), x[:, j].astype(float)) for x in (real, synth)]
            out.append({"columns": [a["name"], b["name"]], "metric": "CorrelationSimilarity",
                        "score": float(1 - abs(rho[0] - rho[1]) / 2)})
            continue
        joint = [np.char.add(np.char.add(_discrete(x[:, i], edges[i]), "\x1f"), _discrete(x[:, j], edges[j]))
                 for x in (real, synth)]
        out.append({"columns": [a["name"], b["name"]], "metric": "ContingencySimilarity",
                    "score": tv_complement(joint[0], joint[1])})
    return out
