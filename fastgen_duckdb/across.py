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
"""
from __future__ import annotations

from .draws import own_draw
from .errors import SpecError
from .sqltext import ident

MIN_SHARE = 0.5   # rows of the joined data whose X equals the parent row's Y, at least, to inherit
MIN_ROWS = 30     # joined rows holding both values, at least, to measure that share


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
