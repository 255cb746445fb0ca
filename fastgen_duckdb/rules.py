"""Exact rules between columns, checked on every sampled row: arithmetic (c = a * b, c = a + b), orderings
(later = earlier + a gap drawn from the data's gaps), and the model's proposed relations (check_proposals)."""
from __future__ import annotations

import warnings

import duckdb

from .codes import BINS, CODE_CHUNK, MIN_ROWS
from .conditionals import NUMERIC_KNOTS, condition
from .dependence import MAX_FD_VALUES, has_rule, read_within
from .fallback import MAX_SHIFT
from .dtypes import as_number, epoch, equals_sql, monotone, relative_tolerance, resolution, type_family
from .spec import MAX_SUM_TERMS
from .sqltext import ident, number


MAX_RULE_ORPHANS = 0.001   # rows where a rule's column is present but an operand is NULL
MAX_RELATION_COLUMNS = 12  # numeric and date columns searched for exact relations
TOTAL_ROWS = 4096          # rows (where all are present) the first MAX_SUM_TERMS + 1 numbers are searched for totals on
GAP_KNOTS = 257            # quantile knots of the gap between two ordered columns
GAP_BIN_ROWS = 64          # rows per bin of the earlier column, at least, to draw a gap per bin
MIN_ORDER_CORRELATION = 0.5  # ordered columns must also move together to count as a relation
MAX_GAP_CORRELATION = 0.3  # a gap that moves with the earlier column this much is no independent gap
MAX_PROPOSALS = 20         # relations proposed by the model that are checked
RAISE_MARGIN = 0.01        # an ordering whose gap drawn on its own shifts later this much more than raising: tried both ways
ORDER_SCREEN_ROWS = 2048   # a wide table's orderings are screened on about this many rows: correlation...
ORDER_SCREEN_SLACK = 0.1   # ... this much lower than MIN_ORDER_CORRELATION...
ORDER_SCREEN_PER_COLUMN = 4  # ... and at most this many earlier columns per later one are checked in full


def exact_relations(con, sample: str, cols: list[dict], refused: frozenset = frozenset(),
                    raised: frozenset = frozenset(), binned: set | None = None) -> list[dict]:
    """Relations that hold on every sampled row become rules: orderings (b >= a) and arithmetic (c = a * b, a + b,
    a total of three or more parts: _totals, but for the columns `refused`). The later columns of orderings that
    get a gap per bin where they would otherwise be raised (_order) are added to `binned`, but for those in
    `raised`, which are raised.

    An ordering is kept only where drawing both columns on their own would break it (their ranges overlap);
    a column gets one rule, and a column with a rule is not used by another (no chains).
    """
    everything = [c for c in cols if _numeric(c) and "given" not in c]
    candidates = everything[:MAX_RELATION_COLUMNS]   # arithmetic is cubic in the columns: the first ones only
    ruled = {c["name"] for c in cols if has_rule(c)}
    used = {x for c in cols for x in _operands(c)}
    for c in candidates:  # arithmetic: one query per result column, every pair of operands at once
        numbers = [x for x in candidates if type_family(x["type"]) in ("integer", "float", "decimal")]
        operands = [(a, b) for i, a in enumerate(numbers) for b in numbers[i:]
                    if c is not a and c is not b and c["kind"] == "numeric"]
        if not operands or c["name"] in ruled | used:
            continue
        tests = (f"bool_and({equals_sql(c, rule, [a['name'], b['name']])})"
                 for a, b in operands for rule in ("product", "sum"))
        # and c must not be about zero on most rows: tiny columns would satisfy any sum within the tolerance
        found = con.execute(f"SELECT {', '.join(tests)}, count(*) FILTER (WHERE abs({ident(c['name'])}::DOUBLE) > "
                            f"{4 * resolution(c) + 1e-12!r}) >= {MIN_ROWS} AS big, "
                            f"count(*) FROM {sample} WHERE "
                            + " AND ".join(f"{ident(x['name'])} IS NOT NULL" for x in candidates)).fetchall()[0]
        if found[-1] < MIN_ROWS:
            break
        if not found[-2]:
            continue
        for k, ok in enumerate(found[:-2]):
            a, b = operands[k // 2]
            if ok and not {a["name"], b["name"]} & ruled and _nulls_follow(con, sample, c, [a["name"], b["name"]]):
                _rule(con, sample, c, "equals", {"product" if k % 2 == 0 else "sum": [a["name"], b["name"]]})
                ruled.add(c["name"])
                used.update((a["name"], b["name"]))
                break
    _totals(con, sample, everything, ruled, used, refused)
    family = {c["name"]: type_family(c["type"]) for c in everything}
    screened = _ordered_pairs(con, sample, everything, family)
    for later in everything:  # orderings: later = earlier + a gap drawn from the data's gaps
        for earlier in everything:
            if (screened is not None and (later["name"], earlier["name"]) not in screened) or later is earlier \
                    or later["name"] in ruled or later["name"] in used or earlier["name"] in ruled \
                    or later["kind"] == "categorical" or family[later["name"]] != family[earlier["name"]]:
                continue
            ok, overlap, rho, _, fit = _ordering(con, sample, later, earlier)
            # related, not merely ordered by their ranges (a price above a quantity is no rule)
            if ok and overlap and rho is not None and rho > MIN_ORDER_CORRELATION \
                    and _nulls_follow(con, sample, later, [earlier["name"]]):
                _order(con, sample, later, earlier, fit, later["name"] not in raised, binned)
                ruled.add(later["name"])
                used.add(earlier["name"])
                break
    return cols


def _totals(con, sample: str, cols: list[dict], ruled: set, used: set, refused: frozenset) -> None:
    """Totals: a number that is the sum of three or more others on every sampled row (a household's size and its
    members by age, a bill and its items), past the first columns the pairs are searched in. The parts are found by
    least squares on up to TOTAL_ROWS rows where every candidate is present (the parts' coefficients come out 1,
    the others' 0), then checked on every sampled row as c = a + b is. The total is drawn as the sum of its
    parts, which keep their own models, so a part is read off the others exactly as in the data."""
    import numpy as np
    numbers = [c for c in cols if type_family(c["type"]) in ("integer", "float", "decimal") and c.get("nulls", 0) <= 0.5
               and c["name"] not in ruled][:MAX_SUM_TERMS + 1]
    if len(numbers) < 3:
        return
    names = [ident(c["name"]) for c in numbers]
    got = con.execute(f"SELECT {', '.join(f'{x}::DOUBLE' for x in names)} FROM {sample} WHERE "
                      + " AND ".join(f"{x} IS NOT NULL" for x in names) + f" LIMIT {TOTAL_ROWS}").fetchnumpy()
    x = np.column_stack([np.asarray(got[k], dtype=np.float64) for k in got])
    if len(x) < MIN_ROWS or not np.isfinite(x).all():
        return
    for t, total in enumerate(numbers):
        if total["name"] in ruled | used | refused:
            continue
        others = [k for k, c in enumerate(numbers) if k != t and c["name"] not in ruled]
        y = x[:, t]
        if len(others) < 2 or (np.abs(y) > 4 * resolution(total) + 1e-12).sum() < MIN_ROWS:
            continue
        coef = np.linalg.lstsq(x[:, others], y, rcond=None)[0]
        ones = np.abs(coef - 1) < 1e-6
        if ones.sum() < 3 or np.abs(coef[~ones]).max(initial=0) > 1e-6:
            continue
        parts = [others[k] for k in np.flatnonzero(ones)]
        if not (np.abs(y - x[:, parts].sum(axis=1)) <= resolution(total) + relative_tolerance(total) * np.abs(y)).all():
            continue
        of = [numbers[k]["name"] for k in parts]
        holds = con.execute(f"SELECT bool_and({equals_sql(total, 'sum', of)}) FROM {sample} WHERE "
                            + " AND ".join(f"{ident(n)} IS NOT NULL" for n in [total["name"], *of])).fetchall()[0][0]
        if holds and _nulls_follow(con, sample, total, of):
            _rule(con, sample, total, "equals", {"sum": of})
            ruled.add(total["name"])
            used.update(of)


def _ordered_pairs(con, sample: str, cols: list[dict], family: dict[str, str]) -> set[tuple[str, str]] | None:
    """For more than MAX_RELATION_COLUMNS numbers and dates, the (later, earlier) pairs worth checking in full,
    screened all at once on about ORDER_SCREEN_ROWS rows: of one type family, later >= earlier on every screened row,
    correlated by at least MIN_ORDER_CORRELATION - ORDER_SCREEN_SLACK; at most ORDER_SCREEN_PER_COLUMN per column
    (the most correlated). None: few enough columns to check every pair (a 1,000-column table has 400,000)."""
    import numpy as np
    if len(cols) <= MAX_RELATION_COLUMNS:
        return None
    n = con.execute(f"SELECT count(*) FROM {sample}").fetchall()[0][0]
    pick = f"WHERE hash(rowid, 7) % {max(n, 1)} < {ORDER_SCREEN_ROWS}" if n > ORDER_SCREEN_ROWS else ""
    blocks = []
    for start in range(0, len(cols), CODE_CHUNK):
        chunk = cols[start:start + CODE_CHUNK]
        got = con.execute("SELECT " + ", ".join(f"{as_number(ident(c['name']), family[c['name']])} AS v{j}"
                                                 for j, c in enumerate(chunk)) + f" FROM {sample} {pick}").fetchnumpy()
        blocks += [np.where(np.ma.getmaskarray(got[f"v{j}"]), np.nan, np.ma.getdata(got[f"v{j}"])).astype(float)
                   for j in range(len(chunk))]
    x = np.column_stack(blocks)
    if len(x) < MIN_ROWS:
        return set()
    x = np.where(np.isfinite(x), x, np.nan)
    present = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():   # on each column's own rows
        warnings.simplefilter("ignore", RuntimeWarning)   # a column NULL on every screened row
        z = np.nan_to_num((x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0)).astype(np.float32)
        p = present.astype(np.float32)
        rho = np.nan_to_num((z.T @ z) / np.maximum(p.T @ p, 1))   # about each pair's correlation: a screen
    families = [family[c["name"]] for c in cols]
    found = set()
    for i, later in enumerate(cols):
        if later["kind"] == "categorical":
            continue
        near = [j for j in np.argsort(-rho[i], kind="stable")
                if j != i and rho[i, j] > MIN_ORDER_CORRELATION - ORDER_SCREEN_SLACK and families[j] == families[i]]
        kept = 0
        for j in near:
            both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            if both.sum() >= MIN_ROWS and bool(np.all(x[both, i] >= x[both, j])):
                found.add((later["name"], cols[j]["name"]))
                kept += 1
                if kept == ORDER_SCREEN_PER_COLUMN:
                    break
    return found


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
    if any(has_rule(c) or c["name"].lower() in read_within(cols) for c in named):
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
        condition(con, sample, target, parent, 1.0)
        return
    if not all(_numeric(x) for x in named) or target["kind"] == "categorical":
        raise ValueError("the columns must be numbers or dates")
    if rule == "after":
        if type_family(target["type"]) != type_family(of[0]["type"]):
            raise ValueError("the columns must be of one type family")
        ok, _, _, rows, fit = _ordering(con, sample, target, of[0])
        _enough(rows, 0 if ok else 1, f"rows with {target['name']} before {of[0]['name']}")
        _order(con, sample, target, of[0], fit)
        return
    if any(type_family(x["type"]) not in ("integer", "float", "decimal") for x in named):
        raise ValueError("arithmetic needs numeric columns")
    holds = equals_sql(target, rule, [x["name"] for x in of])
    broken, big, rows = con.execute(
        f"SELECT count(*) FILTER (WHERE NOT {holds}), count(*) FILTER (WHERE abs({c}::DOUBLE) > "
        f"{4 * resolution(target) + 1e-12!r}), count(*) FROM {sample} WHERE {present}").fetchall()[0]
    _enough(rows, broken, "rows where it does not hold")
    if big < MIN_ROWS:
        raise ValueError(f"{target['name']} is about zero on most rows: any {rule} would hold within its rounding")
    _rule(con, sample, target, "equals", {rule: [x["name"] for x in of]})


def _order(con, sample: str, later: dict, earlier: dict, fit: dict, per_bin: bool = True,
           binned: set | None = None) -> None:
    """later >= earlier on every row. As `after` (the earlier value plus a gap drawn from the data's gaps) where
    that keeps later's own distribution (per bin of the earlier value, `by_bin`, where that halves the shift).
    Where the gap moves with the earlier value (`drifts`) or drawing it on its own would shift later's
    distribution by more than fallback.MAX_SHIFT: the gap per bin of the earlier value where that keeps later
    within MAX_SHIFT and closer than raising it would (`raised`: a relapse's time after a transplant, longer
    after a late one); else later is drawn as itself and raised to earlier where it falls below (`at_least`: a
    death date after a diagnosis, the gap cut short by the study's end, KS 0.25; two prices that move together,
    which a copula keeps in order but for a few rows). Without `per_bin` such a column is raised; `binned`
    receives the name of one drawn per bin instead (joint.py tries it both ways)."""
    found = fit["by_bin"]
    shifted = fit["drifts"] or fit["shift"] > MAX_SHIFT
    # within MAX_SHIFT, but raising would keep later closer (two scores of which one is always the higher:
    # a gap drawn on its own widens the sum): the trial decides, as for a gap per bin
    contested = not shifted and fit["raised"] + RAISE_MARGIN < fit["shift"]
    if found is not None and found[2] <= MAX_SHIFT and (per_bin or not (shifted or contested)) \
            and found[2] <= (fit["raised"] if shifted else fit["shift"] / 2):
        edges, by_bin, _ = found
        if (shifted or contested) and binned is not None:
            binned.add(later["name"])
        _rule(con, sample, later, "after", {"column": earlier["name"], "gaps": monotone([float(max(k, 0)) for k in fit["knots"]]),
                                            "edges": edges, "by_bin": [monotone([float(max(k, 0)) for k in row]) for row in by_bin]})
        return
    if shifted or (contested and not per_bin):
        later["at_least"] = earlier["name"]
        later["note"] = (f"at least {earlier['name']}, drawn as itself: as {earlier['name']} plus a gap it would "
                         + ("lose their correlation" if fit["drifts"] else
                            f"come out {fit['shift']:.3f} away from its own distribution"))
        return
    if contested and binned is not None:
        binned.add(later["name"])
    _rule(con, sample, later, "after", {"column": earlier["name"], "gaps": monotone([float(max(k, 0)) for k in fit["knots"]])})


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


def _ordering(con, sample: str, later: dict, earlier: dict) -> tuple:
    """On the sample: later >= earlier on every row, do their ranges overlap, their correlation, the gap's
    quantile knots, the number of rows with both and whether the gap moves with the earlier column (then
    drawing the gap on its own would lose their correlation: a week number is no month number plus a gap)."""
    gap, family = _gap(later, earlier), type_family(later["type"])
    a, b = as_number(ident(later["name"]), family), as_number(ident(earlier["name"]), family)

    def measure(x, y, g):   # correlation ignores each side's scale: scaled, values near 1e300 do not overflow
        return con.execute(f"SELECT bool_and({gap} >= 0), max({b}) > min({a}), corr({x}, {y}), "
                           f"list({gap}) FILTER (WHERE {gap} IS NOT NULL), count({gap}), corr({g}, {y}), "
                           f"list({b}) FILTER (WHERE {gap} IS NOT NULL), list({a}) FILTER (WHERE {gap} IS NOT NULL) "
                           f"FROM {sample}").fetchall()[0]
    try:
        ok, overlap, rho, gaps, rows, drift, earlier_values, later_values = measure(a, b, gap)
    except duckdb.OutOfRangeException:   # duckdb 1.5: corr() squares its inputs
        # scaled by their largest finite magnitudes (an infinite value's scale is no number)
        big = con.execute("SELECT " + ", ".join(f"coalesce(greatest(max(abs({x})) FILTER (WHERE isfinite({x})), 1e-300), 1)"
                                                for x in (a, b, gap)) + f" FROM {sample}").fetchall()[0]
        try:
            ok, overlap, rho, _, rows, drift, _, _ = measure(*(f"({x} / {number(float(m))})" for x, m in zip((a, b, gap), big)))
        except duckdb.OutOfRangeException:   # still out of range (infinite values): no ordering to learn
            return False, False, None, 0, {"knots": [], "drifts": False, "shift": 1.0, "raised": 1.0, "by_bin": None}
        gaps, earlier_values, later_values = (con.execute(f"SELECT list({gap}) FILTER (WHERE {gap} IS NOT NULL), list({b}) "
                                                          f"FILTER (WHERE {gap} IS NOT NULL), list({a}) FILTER (WHERE "
                                                          f"{gap} IS NOT NULL) FROM {sample}").fetchall()[0])
    # the knots as quantile_cont interpolates them, from the gaps themselves: DuckDB's quantile_cont with 257
    # probabilities takes ~1 s on 100,000 DOUBLEs, numpy a few milliseconds
    knots = _quantiles(gaps, GAP_KNOTS)
    return ok, overlap, rho, rows, {"knots": knots, "drifts": drift is not None and abs(drift) >= MAX_GAP_CORRELATION,
                                    "shift": _gap_shift(earlier_values, gaps, later_values),
                                    # what only an ordering that holds can use (not worth it for every pair tried)
                                    "raised": _raised_shift(earlier_values, later_values) if ok else 1.0,
                                    "by_bin": _binned_gaps(earlier, earlier_values, gaps, later_values)
                                    if ok else None}


def _binned_gaps(earlier: dict, earlier_values, gaps, later_values) -> tuple | None:
    """The gap's quantile knots per bin of the earlier value (equal-frequency bins of its own distribution, cut
    at `edges` in the sampler's numbers, so the sampler bins its drawn value alike; at least GAP_BIN_ROWS rows a
    bin, at most codes.BINS bins), and how far later's distribution moves when drawn so (the gaps shuffled within
    their bins): (edges, knots per bin, shift), or None where the rows make fewer than two bins."""
    import numpy as np
    bins = min(BINS, len(gaps or []) // GAP_BIN_ROWS)
    knots = earlier.get("quantiles")
    if bins < 2 or not knots or earlier["kind"] not in ("numeric", "datetime"):
        return None
    family = type_family(earlier["type"])
    numbers = [float(epoch(k, family)) if earlier["kind"] == "datetime" else float(k) for k in knots]
    edges = [float(np.interp(k / bins, np.linspace(0, 1, len(numbers)), numbers)) for k in range(1, bins)]
    e, g = np.asarray(earlier_values, float), np.asarray(gaps, float)
    at = np.searchsorted(np.asarray(edges), e, side="right")
    overall = _quantiles(gaps, NUMERIC_KNOTS)
    by_bin = [_quantiles(g[at == b].tolist(), NUMERIC_KNOTS) if (at == b).sum() >= 2 else overall for b in range(bins)]
    rng, shuffled = np.random.default_rng(0), g.copy()
    for b in range(bins):
        shuffled[at == b] = rng.permutation(g[at == b])
    # the sampler keeps such a sum within later's range (finals.final), as here
    top = max(later_values)
    return edges, by_bin, _ks(np.minimum(e + shuffled, top), later_values)


def _gap_shift(earlier, gaps, later) -> float:
    """How far later's distribution moves when drawn as earlier plus a gap on its own (the gaps shuffled): the
    Kolmogorov-Smirnov distance between those sums and later's own values."""
    import numpy as np
    if not gaps:
        return 0.0
    return _ks(np.asarray(earlier, float) + np.random.default_rng(0).permutation(np.asarray(gaps, float)), later)


def _raised_shift(earlier, later) -> float:
    """How far later's distribution moves when drawn as itself beside earlier, with their rank correlation (a
    Gaussian copula, the most the sampler keeps of it), and raised to earlier where it falls below (`at_least`)."""
    import numpy as np
    e, l = np.asarray(earlier, float), np.asarray(later, float)
    finite = np.isfinite(e) & np.isfinite(l)
    e, l = e[finite], l[finite]
    if len(e) < 3:
        return 0.0
    rng = np.random.default_rng(0)
    rank = lambda x: np.argsort(np.argsort(x + rng.uniform(0, 1e-9, len(x)) * (np.abs(x) + 1)))  # noqa: E731
    rs = np.corrcoef(rank(e), rank(l))[0, 1]
    rho = 2 * np.sin(np.pi * (0.0 if np.isnan(rs) else rs) / 6)   # Spearman's rho as the normal correlation
    z = rng.standard_normal(len(e))
    w = rho * z + np.sqrt(max(0.0, 1 - rho * rho)) * rng.standard_normal(len(e))
    return _ks(np.maximum(np.sort(l)[rank(w)], np.sort(e)[rank(z)]), l)


def _ks(drawn, later) -> float:
    import numpy as np
    drawn = np.sort(np.asarray(drawn, float))
    own = np.sort(np.asarray(later, float))
    grid = np.concatenate([drawn, own])
    return float(np.max(np.abs(np.searchsorted(drawn, grid, "right") / len(drawn)
                               - np.searchsorted(own, grid, "right") / len(own))))


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
