"""How a schema's children choose their parent rows, learned from its data.

A foreign key's children per parent row (`per_parent`: the counts, which nested keys lay out exactly) and the
rates those counts are drawn at (`per_parent_rate`: parents drawn by weight get Poisson children, so their
weights are rates, children.rates); which keys into one parent share its busy rows (one order of activity) or
draw them apart (`apart`); and a fixed lookup's rows with their rates (`parents`). The sampler reads these in
layout.parent_index.
"""
from __future__ import annotations

import collections
import math

from . import children, ddl
from .sqltext import ident

BUSY_TOGETHER = 0.5        # rank correlation of two foreign keys' children per parent above which they share busy parents
TOGETHER_SIGMAS = 4        # drawn_together: the covariance beyond the rates' in standard errors
MAX_PARENT_ROWS = 65_536   # a fixed parent's rows referenced, each with its share, at most
RATE_FLOOR = 1e-6          # a fixed parent's row weighing less than this share of the busiest is left out


def apart(con, into: dict, by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """The foreign keys into one parent key whose busy parents are not its busiest key's (`apart`, in place): each
    key's counts per parent row set against those of the key with the most child rows, by rank (Spearman's
    rho). Where the same parents are busy in both (rho >= BUSY_TOGETHER: a customer's orders and its returns),
    the key draws its parents in the parent's one order of activity; where not (a customer's demographics and a
    sale's), in an order of its own (children.permuted's k-th multiplier), so that its busy parents are others."""
    def members(t: str, cols: list[str]) -> list[dict]:
        named = {c.lower() for c in cols}
        return [c for c in by_table[t]["columns"] if c["name"].lower() in named]
    for (parent, _), (targets, fks) in into.items():
        drawn = [(t, cols) for t, cols in fks if all(c.get("per_parent") for c in members(t, cols))]
        if len(drawn) < 2:
            continue
        lead = max(drawn, key=lambda fk: by_table[fk[0]].get("source_rows") or 0)
        k = 0
        for t, cols in drawn:
            if (t, cols) != lead and busy_together(con, relation[parent], targets, (relation[lead[0]], lead[1]),
                                                   (relation[t], cols)) < BUSY_TOGETHER:
                k += 1
                for c in members(t, cols):
                    c["apart"] = 1 + (k - 1) % (len(children.PRIMES) - 1)


def rates(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Each foreign key drawn by weight gets its parents' rates (`per_parent_rate`, children.rates), counted in the
    units it is drawn in: rows, or batches where its table draws it once a batch (a ticket's customer). Not two
    keys that share their busy parents (no `apart`, no `inherit`) whose children fall on the same parent rows
    beyond what rates share (drawn_together: returns whose persons are the sales' very own): those keep
    the parents' counts as weights, which both follow."""
    defs = {t.name.lower(): t for t in tables}
    drawn = []   # (table, foreign key, its reference columns, parent) drawn by weight
    for t in tables:
        cols = {c["name"].lower(): c for c in by_table[t.name]["columns"]}
        for fk in t.foreign_keys:
            parent, refs = defs.get(fk["table"].lower()), [cols.get(c.lower()) for c in fk["columns"]]
            if parent is not None and parent is not t and not by_table[t.name].get("fixed") and all(
                    r and r["kind"] == "reference" and r.get("per_parent") and not r.get("nested")
                    and not r.get("parents") for r in refs):
                drawn.append((t, fk, refs, parent))

    def counted(t, fk):   # (child, columns, batch): the units the key is drawn in
        return relation[t.name], fk["columns"], _batch(by_table[t.name], fk["columns"])
    orders: dict = {}     # a parent key's one order of activity -> the keys drawing in it
    for t, fk, refs, parent in drawn:
        if not refs[0].get("apart") and not any(r.get("inherit") for r in refs):
            orders.setdefault((parent.name, tuple(fk["references"] or parent.primary_key)), []).append((t, fk))
    together = set()
    for (parent, targets), sharing in orders.items():
        lead = max(sharing, key=lambda k: by_table[k[0].name].get("source_rows") or 0)
        for key in sharing:
            if key is not lead and drawn_together(con, relation[parent], list(targets), counted(*lead), counted(*key)):
                together.update({id(key[1]), id(lead[1])})
    for t, fk, refs, parent in drawn:
        child, columns, batch = counted(t, fk)
        knots = [] if id(fk) in together else parent_rates(
            con, child, columns, relation[parent.name], fk["references"] or parent.primary_key, batch)
        for r in refs if knots else ():
            r["per_parent_rate"] = knots


def _batch(spec: dict, columns: list[str]) -> str | None:
    """The column numbering the table's batches where the columns are drawn once a batch, else None."""
    batch = spec.get("batches") or {}
    once = {x.lower() for x in batch.get("columns", [])}
    return batch["column"] if batch and all(c.lower() in once for c in columns) else None


def fixed(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """A foreign key to a fixed (lookup) table draws the parent rows the data's rows reference (`parents`): the
    parent's rows are the same at every scale, so sales stay on the days that have sales, not on any of a
    calendar's 73,049 days. A drawn table weighs them by their rates (parent_shares), of rows or of batches as
    it draws the key, once its batches are known: every row keeps its own, the noise of its count shrunk away;
    a fixed table's rows keep their counts."""
    for t, col, values in _fixed_references(tables, by_table):
        drawn = not by_table[t.name].get("fixed")
        shares = parent_shares(con, relation[t.name], col["name"], values, rates=drawn,
                               batch=_batch(by_table[t.name], [col["name"]]) if drawn else None)
        if shares:
            col["parents"] = shares


def _fixed_references(tables: list[ddl.TableDef], by_table: dict[str, dict]):
    """(table, reference column, the fixed parent's key values row by row) of each one-column foreign key into a
    fixed table."""
    defs = {t.name.lower(): t for t in tables}
    for t in tables:
        for fk in t.foreign_keys:
            parent_def = defs.get(fk["table"].lower())
            parent = by_table[parent_def.name] if parent_def else None
            if not parent or not parent.get("fixed") or parent_def is t or len(fk["columns"]) != 1:
                continue
            target = fk["references"] or parent_def.primary_key
            j = next((i for i, c in enumerate(parent["columns"]) if c["name"].lower() == target[0].lower()), None)
            col = next(c for c in by_table[t.name]["columns"] if c["name"].lower() == fk["columns"][0].lower())
            if j is not None and col["kind"] == "reference":
                yield t, col, [row[j] for row in parent["fixed"]["rows"]]


def parent_shares(con, child: str, column: str, keys: list, rates: bool = False, batch: str | None = None
                  ) -> dict | None:
    """Which rows of a fixed parent (`keys`: its key column, row by row) the rows of child.column reference,
    and how often: {rows: [row numbers from 0], weights: [rows referencing each]}; None past MAX_PARENT_ROWS.
    With `rates`, each row of the parent from the first referenced to the last weighs its rate instead
    (children.smoothed), of rows or, with `batch` (a column of child numbering the batches the reference is drawn
    once in), of batches: a small sample's days without a sale are days of few sales, not days without sales
    at ten times its size. Rows referenced no time share one rate, the `floor` of every row of that `span`
    ([first, last]): the listed rows weigh what they have more."""
    at = {str(k): i for i, k in enumerate(keys)}
    n = f"count(DISTINCT {ident(batch)})" if batch else "count(*)"
    counts = con.execute(f"SELECT {ident(column)}::VARCHAR, {n} FROM {child} WHERE {ident(column)} IS NOT NULL "
                         f"GROUP BY ALL ORDER BY ALL").fetchall()
    found = {at[v]: k for v, k in counts if v in at}
    if not found:
        return None
    lo, hi = min(found), max(found)
    histogram = collections.Counter(found.values())
    histogram[0] += hi - lo + 1 - len(found)
    rate = children.smoothed(histogram) if rates else None
    if rate:   # the rate of rows referenced no time is the floor every row of the span has
        top, floor = max(rate.values()), rate[0] if histogram[0] else 0.0
        floor = floor if floor > RATE_FLOOR * top else 0.0
        rows = [i for i in sorted(found) if rate[found[i]] - floor > RATE_FLOOR * top]
        if len(rows) <= MAX_PARENT_ROWS:
            return {"rows": rows, "weights": [round(rate[found[i]] - floor, 6) for i in rows],
                    **({"floor": round(floor, 6), "span": [lo, hi]} if floor else {})}
    if len(found) > MAX_PARENT_ROWS:
        return None
    return {"rows": sorted(found), "weights": [float(found[i]) for i in sorted(found)]}


def _children(child: str, columns: list[str], parent: str, keys: list[str], batch: str | None = None) -> str:
    """SQL: each row of `parent` (its keys k0, k1…) with n, how many rows of `child` reference it (zero for none),
    or with `batch` (a column of child numbering its batches), how many batches."""
    on = " AND ".join(f"c.{ident(a)} = p.{ident(b)}" for a, b in zip(columns, keys))
    by = ", ".join(f"p.{ident(k)} AS k{i}" for i, k in enumerate(keys))
    n = f"count(DISTINCT c.{ident(batch)}) FILTER (c.{ident(columns[0])} IS NOT NULL)" if batch \
        else f"count(c.{ident(columns[0])})"
    return (f"SELECT {by}, {n} AS n FROM {parent} AS p LEFT JOIN {child} AS c ON {on} "
            "GROUP BY ALL")


def children_per_parent(con, child: str, columns: list[str], parent: str, keys: list[str]) -> list[float]:
    """Quantile knots of how many rows of `child` reference each row of `parent` (zero for a parent none
    references): the distribution children.py keeps."""
    counts = con.execute(f"SELECT quantile_cont(n, {[i / (children.KNOTS - 1) for i in range(children.KNOTS)]}) FROM "
                         f"({_children(child, columns, parent, keys)})").fetchall()[0][0]
    return children.from_counts(counts) if counts and max(counts) > 0 else []   # none: a key NULL in every row


def parent_rates(con, child: str, columns: list[str], parent: str, keys: list[str], batch: str | None) -> list[float]:
    """Quantile knots of the rates at which parent rows get children (children.rates), in rows of `child` or, with
    `batch`, in its batches: the weights a reference drawn once a batch needs."""
    counts = con.execute(f"SELECT n, count(*) FROM ({_children(child, columns, parent, keys, batch)}) GROUP BY n").fetchall()
    return children.rates(dict(counts))


def drawn_together(con, parent: str, keys: list[str], a: tuple, b: tuple) -> bool:
    """Whether the children of two foreign keys into one parent (each (child, columns, batch column or None), counted
    in the units it is drawn in) fall on the same parent rows beyond what their rates share: over the parent's
    rows, the counts' covariance exceeds the most that comonotone rates give, √((var a − mean a)(var b − mean b))
    (a Poisson count's variance is its mean plus its rate's), by TOGETHER_SIGMAS standard errors. A return's
    person is a sale's very person; the items that sell in stores and in catalogues are only the same ones."""
    ma, va, mb, vb, cov, n = con.execute(
        f"SELECT avg(a.n), var_pop(a.n), avg(b.n), var_pop(b.n), covar_pop(a.n, b.n), count(*) "
        f"FROM {_side_by_side(parent, keys, a, b)}").fetchall()[0]
    if not n or va is None or vb is None:
        return False
    shared = math.sqrt(max(0.0, va - ma) * max(0.0, vb - mb))
    return cov - shared > TOGETHER_SIGMAS * math.sqrt(va * vb / n)


def busy_together(con, parent: str, keys: list[str], a: tuple[str, list[str]], b: tuple[str, list[str]]) -> float:
    """Spearman's correlation, over the rows of `parent`, of how many rows of child a and of child b reference
    each (ties ranked at their mean): whether the parents busy in one foreign key are the busy ones in the other
    (a customer's orders and its returns) or not (a customer's demographics and a sale's, drawn apart)."""
    rank = "rank() OVER (ORDER BY {0}) + (count(*) OVER (PARTITION BY {0}) - 1) / 2"
    got = con.execute(f"SELECT corr(ra, rb) FROM (SELECT {rank.format('na')} AS ra, {rank.format('nb')} AS rb "
                      f"FROM (SELECT a.n AS na, b.n AS nb FROM {_side_by_side(parent, keys, (*a, None), (*b, None))}))"
                      ).fetchall()[0][0]
    return float(got) if got is not None else 0.0


def _side_by_side(parent: str, keys: list[str], a: tuple, b: tuple) -> str:
    """SQL: the parent's rows with two keys' children each (a and b: (child, columns, batch column or None); their
    counts a.n and b.n), joined on the parent's key."""
    on = " AND ".join(f"a.k{i} = b.k{i}" for i in range(len(keys)))
    return f"({_children(a[0], a[1], parent, keys, a[2])}) AS a JOIN ({_children(b[0], b[1], parent, keys, b[2])}) AS b ON {on}"
