"""Dependence across tables: a foreign key that copies the value its parent row holds.

A return is of a sale, and was made by the customer who bought: in TPC-DS, 78 % of store_returns' rows have the
customer of the store_sales row their (item, ticket) points at, and a catalog return's refunded customer is its
order's billed customer in 97 % of rows. Drawn apart, the return's customer is anyone, and every query that joins
a return to its sale by the customer finds nothing.

A reference column X of a table inherits from a column Y of the parent row another of its foreign keys F points
at, where Y references the same key as X (so a copied value is a valid key of X's parent too), in the share of
rows the data says (X = Y among the joined rows where both hold a value, at least MIN_SHARE):

    "inherit": {"through": "sr_item_sk", "column": "ss_customer_sk", "share": 0.78}

The sampler computes Y at F's parent row (layout.row_value: a key, a reference drawn there, a lookup's value) and
takes it in that share of rows, its own draw otherwise (and where Y is NULL). F is a plain, composite or nested
foreign key that inherits nothing itself: its parent row is the one its own draw picked.

A number or time X comes after a column Y of the row a foreign key F points at (a line ships after its order
was placed, a return after its sale), where it does on every joined row, moves with it, and the gap X - Y neither
moves with Y nor, drawn on its own, shifts X's distribution (the tests of rules.py for two columns of one row):

    "after_parent": {"through": "l_orderkey", "column": "o_orderdate", "gaps": [1.0, 2.0, …, 121.0]}

The sampler computes Y at F's parent row (a number or time drawn on its own there: layout.marginal) and adds a
gap drawn from the data's gaps. X leaves the copula; a column conditioned on X reads X's bin off its value.
Dates that are keys of a date dimension (TPC-DS's returns after their sales) are ordered so too: X and Y are
references to one fixed table whose keys go up in steps (fixed_keys), and X is the key at or after Y plus the gap,
within the table's keys, so it is always one.
"""
from __future__ import annotations

from .draws import own_draw
from .dtypes import as_number, epoch, iso, monotone, type_family
from .errors import SpecError
from .fallback import MAX_SHIFT
from .sqltext import ident

MIN_SHARE = 0.5   # rows of the joined data whose X equals the parent row's Y, at least, to inherit
MIN_ROWS = 30     # joined rows holding both values, at least, to measure that share
ORDER_ROWS = 100_000   # joined rows an ordering across a foreign key is measured on, at most


def learn(con, tables, by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Add `inherit` to the reference columns whose values the data copies from a parent row (in place). A column
    copies only a value its parent draws itself: from one that copies too, the sampler has no formula."""
    found: dict[tuple[str, str], tuple[str, str, str, float]] = {}   # (table, X) -> (F, parent, Y, share)
    for t in tables:
        spec = by_table[t.name]
        cols = {c["name"].lower(): c for c in spec["columns"]}
        best: dict[str, tuple[float, str, str, str]] = {}
        for fk in t.foreign_keys:
            parent_def = next((p for p in tables if p.name.lower() == fk["table"].lower()), None)
            if parent_def is None or parent_def is t:
                continue
            parent = by_table[parent_def.name]
            targets = fk["references"] or parent_def.primary_key
            through = cols.get(fk["columns"][0].lower())
            if through is None or through["kind"] != "reference" or len(targets) != len(fk["columns"]):
                continue
            inside = {c.lower() for c in fk["columns"]}
            pairs = [(x["name"], y["name"]) for x in spec["columns"] if own_draw(x) and x["name"].lower() not in inside
                     for y in parent["columns"] if y["kind"] == "reference"
                     and str(y["table"]).lower() != parent["name"].lower()
                     and str(y["table"]).lower() == str(x["table"]).lower()
                     and str(y["column"]).lower() == str(x["column"]).lower()]
            if not pairs:
                continue
            on = " AND ".join(f"c.{ident(a)} = p.{ident(b)}" for a, b in zip(fk["columns"], targets))
            counts = con.execute("SELECT " + ", ".join(
                f"count(*) FILTER (WHERE c.{ident(x)} IS NOT NULL AND p.{ident(y)} IS NOT NULL), "
                f"count(*) FILTER (WHERE c.{ident(x)} = p.{ident(y)})" for x, y in pairs)
                + f" FROM {relation[t.name]} AS c JOIN {relation[parent_def.name]} AS p ON {on}").fetchall()[0]
            for i, (x, y) in enumerate(pairs):
                both, same = counts[2 * i], counts[2 * i + 1]
                share = same / both if both else 0.0
                if both >= MIN_ROWS and share >= MIN_SHARE and share > best.get(x.lower(), (0.0,))[0]:
                    best[x.lower()] = (share, through["name"], parent_def.name, y)
        for x, (share, through, parent, y) in best.items():
            if through.lower() not in best:   # a column that inherits has no parent row of its own draw
                found[(t.name, x)] = (through, parent, y, share)
    for (table, x), (through, parent, y, share) in found.items():
        if (parent, y.lower()) not in found:
            column = next(c for c in by_table[table]["columns"] if c["name"].lower() == x)
            column["inherit"] = {"through": through, "column": y, "share": round(share, 4)}


def order(con, tables, by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Add `after_parent` to the numbers, times and date-dimension references that come after a column of their
    foreign key's parent row (in place), as the module says: per child column the most correlated such parent
    column. (rules imports spec, which imports this module: imported here.)"""
    from . import layout, rules
    for t in tables:
        spec = by_table[t.name]
        cols = {c["name"].lower(): c for c in spec["columns"]}
        best: dict[str, tuple[float, dict]] = {}
        read = read_by_rules(spec, by_table)
        for fk in t.foreign_keys:
            parent_def = next((p for p in tables if p.name.lower() == fk["table"].lower()), None)
            through = cols.get(fk["columns"][0].lower())
            if parent_def is None or parent_def is t or through is None or through["kind"] != "reference" \
                    or through.get("inherit") or by_table[parent_def.name].get("fixed"):
                continue
            parent = by_table[parent_def.name]
            pairs = [(x, y) for x in spec["columns"] if _may_follow(spec, x)
                     for y in parent["columns"] if layout.marginal(parent, y)
                     and type_family(y["type"]) == type_family(x["type"])]
            pairs += [(x, y) for x in spec["columns"] if _may_follow_key(x, read, by_table)
                      for y in parent["columns"] if own_draw(y) and not _ruled(y)
                      and str(y["table"]).lower() == str(x["table"]).lower()]
            if not pairs:
                continue
            targets = fk["references"] or parent_def.primary_key
            on = " AND ".join(f"c.{ident(a)} = p.{ident(b)}" for a, b in zip(fk["columns"], targets))
            family = {x["name"]: type_family(x["type"]) for x, _ in pairs}
            late = lambda x: as_number(f"c.{ident(x['name'])}", family[x["name"]])
            early = lambda x, y: as_number(f"p.{ident(y['name'])}", family[x["name"]])
            screen = con.execute("SELECT " + ", ".join(
                f"bool_and({late(x)} >= {early(x, y)}), count({late(x)} - {early(x, y)}), corr({late(x)}, {early(x, y)})"
                for x, y in pairs) + f" FROM {relation[t.name]} AS c JOIN {relation[parent_def.name]} AS p ON {on}"
            ).fetchall()[0]
            for i, (x, y) in enumerate(pairs):
                ok, both, rho = screen[3 * i:3 * i + 3]
                if not ok or both < MIN_ROWS or rho is None or rho <= max(rules.MIN_ORDER_CORRELATION,
                                                                           best.get(x["name"].lower(), (0.0,))[0]):
                    continue
                joined = (f"(SELECT c.{ident(x['name'])} AS later, p.{ident(y['name'])} AS earlier FROM "
                          f"{relation[t.name]} AS c JOIN {relation[parent_def.name]} AS p ON {on} "
                          f"USING SAMPLE reservoir({ORDER_ROWS} ROWS) REPEATABLE (7))")
                ok, overlap, _, _, fit = rules._ordering(con, joined, {**x, "name": "later"}, {**y, "name": "earlier"})
                if ok and overlap and not fit["drifts"] and fit["shift"] <= MAX_SHIFT and fit["knots"]:
                    best[x["name"].lower()] = (rho, {"through": through["name"], "column": y["name"],
                                                     "gaps": monotone([float(max(k, 0)) for k in fit["knots"]])})
        for name, (_, rule) in best.items():
            cols[name]["after_parent"] = rule
            _leave_copula(spec, name)
            _leave_clusters(spec, cols[name])


def _may_follow(spec: dict, col: dict) -> bool:
    """A number or time of its own (no rule, condition or cluster of it, not NULL with other columns, no special
    values) may be drawn as a gap after its parent row's value instead."""
    return col["kind"] in ("numeric", "datetime") and not any(
        col.get(k) for k in ("given", "after", "equals", "at_least", "at_most", "parsed", "special", "after_parent")) and not any(
        col["name"].lower() == n.lower() for block in spec.get("missing") or [] for n in block["columns"])


def read_by_rules(spec: dict, by_table: dict[str, dict]) -> set[str]:
    """The columns of `spec` another rule reads: through which its own inherit or after_parent go, and (by name)
    those another table's rules read at its rows."""
    rules = ("inherit", "after_parent")
    return {str((c.get(k) or {}).get("through", "")).lower() for c in spec["columns"] for k in rules} | {
        str((c.get(k) or {}).get("column", "")).lower() for other in by_table.values() for c in other["columns"]
        for k in rules}


def _may_follow_key(col: dict, read: set[str], by_table: dict[str, dict]) -> bool:
    """A reference drawn on its own may be drawn as a gap after its parent row's reference to the same table
    (a return's date after its sale's, both keys of a date dimension), where that table is fixed and its keys go
    up by one step (fixed_keys): every key between two of them is one. Not a column another rule reads (`read`)."""
    parent = next((v for k, v in by_table.items() if k.lower() == str(col.get("table")).lower()), None)
    return own_draw(col) and not _ruled(col) and col["name"].lower() not in read \
        and fixed_keys(parent, col) is not None


def _ruled(col: dict) -> bool:
    return any(col.get(k) for k in ("inherit", "after_parent", "by_pool"))


def fixed_keys(parent: dict | None, col: dict) -> tuple[int, int, int] | None:
    """(first key, last key, step) of `parent`, the spec of the table reference `col` points at, where that
    table is fixed and the referenced keys are a progression (layout.progression); else None."""
    from .layout import progression
    j = next((i for i, c in enumerate((parent or {}).get("columns", []))
              if c["name"].lower() == str(col["column"]).lower()), None)
    step = progression([r[j] for r in parent["fixed"]["rows"]]) if j is not None and parent.get("fixed") else None
    return None if step is None else (parent["fixed"]["rows"][0][j], parent["fixed"]["rows"][-1][j], step)


def _leave_copula(spec: dict, name: str) -> None:
    """Take a column out of the copula (its correlation matrix loses its row and column; under two members left,
    the copula goes)."""
    copula = spec.get("copula")
    names = [n.lower() for n in (copula or {}).get("columns", [])]
    if name.lower() not in names:
        return
    i = names.index(name.lower())
    keep = [k for k in range(len(names)) if k != i]
    if len(keep) < 2:
        spec.pop("copula")
        return
    copula["columns"] = [copula["columns"][k] for k in keep]
    copula["correlation"] = [[copula["correlation"][a][b] for b in keep] for a in keep]


def _leave_clusters(spec: dict, col: dict) -> None:
    """Draw a column no longer per hidden cluster: its own knots become the clusters' mixture (each cluster's knots
    weighed by its share; what the rounding reads), and with no member left the clusters go."""
    import numpy as np
    table = col.pop("cluster", None)
    if table is None:
        return
    family = type_family(col["type"])
    as_x = (lambda q: epoch(q, family)) if col["kind"] == "datetime" else float
    weights = np.asarray(spec["clusters"]["weights"], float)
    values = np.array([as_x(q) for row in table["quantiles"] for q in row], float)
    mass = np.repeat(weights / weights.sum() / len(table["quantiles"][0]), len(table["quantiles"][0]))
    order = np.argsort(values, kind="stable")
    knots = np.interp(np.linspace(0, 1, len(table["quantiles"][0])), np.cumsum(mass[order]) - mass[order] / 2,
                      values[order])
    col["quantiles"] = ([iso(int(round(x)), family, col["type"]) for x in knots] if col["kind"] == "datetime"
                        else monotone(knots.tolist()))
    if not any(c.get("cluster") is not None for c in spec["columns"]):
        spec.pop("clusters", None)


def validate(spec: dict, by_name: dict, where: str) -> None:
    """A column's `inherit`, as the module says."""
    for col in spec["columns"]:
        inherit = col.get("inherit")
        if inherit is None:
            continue
        at = f"{where}, column {col['name']!r}"
        through = by_name.get(str(inherit.get("through", "")).lower()) if isinstance(inherit, dict) else None
        share = inherit.get("share") if isinstance(inherit, dict) else None
        if not own_draw(col) or col["table"].lower() == spec["name"].lower():
            raise SpecError(f"{at}: only a reference drawn on its own (no composite, nested or self reference) can "
                            "inherit its parent row's value; remove 'inherit'")
        if through is None or through is col or through["kind"] != "reference" or through.get("inherit") \
                or str(through["table"]).lower() == spec["name"].lower() or not isinstance(inherit.get("column"), str):
            raise SpecError(f"{at}: inherit is {{\"through\": another reference column of the table that inherits "
                            "nothing, \"column\": a column of the row it points at, \"share\": 0..1}; remove 'inherit' "
                            "to draw the column on its own")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise SpecError(f"{at}: inherit.share (the rows that take the parent row's value) must be in 0..1")
