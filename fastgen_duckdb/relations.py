"""Whole schemas: foreign keys, composite keys, comparisons and table sizes, satisfied by construction.

A foreign key draws a parent *row index* and takes the parent's key at that row (keys are functions of
the row number), so it always references a parent row that exists when the parent is generated at the same
scale. A composite primary key nests its rows under a parent (`nested` rows each) and numbers them `within`
that parent, so the tuple is unique without any reject sampling.
"""
from __future__ import annotations

import math

from sqlglot import exp, parse_one

from .ddl import TableDef
from .spec import SpecError, type_family

DEFAULT_ROWS = 1000          # rows of a table with no parents, when neither data nor a model says
CHILDREN_PER_PARENT = 4      # rows per parent row for tables with foreign keys, likewise


class RelationError(SpecError):
    """Relations that cannot all hold: a foreign key to an unknown table, a cycle of required keys…"""


def dependency_order(tables: list[TableDef]) -> list[TableDef]:
    """Parents before children; a cycle of NOT NULL foreign keys cannot be satisfied and is reported."""
    by_name = {t.name.lower(): t for t in tables}
    done, visiting, order = set(), [], []

    def visit(t: TableDef):
        key = t.name.lower()
        if key in done:
            return
        if key in visiting:
            cycle = visiting[visiting.index(key):] + [key]
            raise RelationError("foreign keys form a cycle: " + " -> ".join(cycle) + "; no rows can satisfy all of "
                                "them at once. Make one of these foreign key columns nullable, or drop it.")
        visiting.append(key)
        for fk in t.foreign_keys:
            parent = by_name.get((fk["table"] or "").lower())
            if parent is None:
                raise RelationError(f"{t.name}.{', '.join(fk['columns'])} references table {fk['table']!r}, "
                                    "which is not in this DDL")
            required = any(t.column(c) and t.column(c).not_null for c in fk["columns"])
            if parent is not t and required:
                visit(parent)
        visiting.pop()
        done.add(key)
        order.append(t)

    for t in tables:
        visit(t)
    return order


def link(tables: list[TableDef], specs: dict[str, dict], schema: str, sized_by_model: set[str] = frozenset()) -> list[str]:
    """Turn the DDL's relations into spec fields (in place); return the tables in generation order."""
    order = dependency_order(tables)
    rank = {t.name.lower(): i for i, t in enumerate(order)}
    names = {t.name.lower(): specs[t.name]["name"] for t in tables}
    for t in order:
        spec = specs[t.name]
        spec["schema"] = schema
        cols = {c["name"].lower(): c for c in spec["columns"]}
        parents = {fk["table"].lower() for fk in t.foreign_keys if rank[fk["table"].lower()] < rank[t.name.lower()]}
        if t.name not in sized_by_model:
            spec["source_rows"] = (CHILDREN_PER_PARENT * max(specs[_table(tables, p).name]["source_rows"] for p in parents)
                                   if parents else DEFAULT_ROWS)
        for k, fk in enumerate(t.foreign_keys):
            parent = _table(tables, fk["table"])
            targets = fk["references"] or parent.primary_key
            if len(targets) != len(fk["columns"]):
                raise RelationError(f"{t.name}: foreign key ({', '.join(fk['columns'])}) names "
                                    f"{len(targets)} column(s) of {parent.name}")
            for child, target in zip(fk["columns"], targets):
                col = cols[child.lower()]
                not_null = bool(t.column(child) and t.column(child).not_null)
                cols[child.lower()] = _replace(spec, col, {
                    "name": col["name"], "type": col["type"], "kind": "reference", "table": names[parent.name.lower()],
                    "column": target, "nulls": 0.0 if not_null else min(col.get("nulls", 0.0), 0.05),
                    **({"link": k} if len(fk["columns"]) > 1 else {}), "origin": "schema",
                    **({"label": col["label"]} if col.get("label") else {})})
                if rank[parent.name.lower()] > rank[t.name.lower()]:  # closes a cycle: its parent comes later
                    cols[child.lower()].update(nulls=1.0, note="NULL: a nullable foreign key closing a cycle")
        if len(t.primary_key) > 1:
            _nest(t, spec, cols, specs, tables)
        _comparisons(t, cols)
    return [t.name for t in order]


def _table(tables, name: str) -> TableDef:
    return next(t for t in tables if t.name.lower() == name.lower())


def _replace(spec: dict, old: dict, new: dict) -> dict:
    spec["columns"][spec["columns"].index(old)] = new
    return new


def _row_key(col: dict, **extra) -> dict:
    """A key column numbered by row (text keys as bare numbers)."""
    key = {"name": col["name"], "type": col["type"], "kind": "key", "start": 1, "step": 1, **extra, "nulls": 0.0,
           "origin": "schema"}
    if type_family(col["type"]) == "string":
        key["format"] = {"prefix": "", "width": 0, "suffix": ""}
    return key


def _nest(t: TableDef, spec: dict, cols: dict, specs: dict, tables) -> None:
    """A composite primary key: rows nested under the parent of its first foreign key, numbered within it."""
    pk = [c.lower() for c in t.primary_key]
    nesting = next((fk for fk in t.foreign_keys if fk["columns"] and all(c.lower() in pk for c in fk["columns"])
                    and fk["table"].lower() != t.name.lower()), None)
    if nesting is None:  # no parent inside the key: the first key column alone is unique, so is the tuple
        _replace(spec, cols[pk[0]], _row_key(cols[pk[0]]))
        return
    def rows_of(table):
        return specs[_table(tables, table).name]["source_rows"]
    parent_rows = rows_of(nesting["table"])
    nested = {c.lower() for c in nesting["columns"]}
    # rows per parent, at most as many as any other referenced parent has rows (distinct within one nest)
    per_parent = min([max(1, math.ceil(spec["source_rows"] / max(1, parent_rows)))]
                     + [rows_of(cols[n]["table"]) for n in pk if n not in nested and cols[n]["kind"] == "reference"])
    for name in pk:
        col = cols[name]
        if name in nested:
            col["nested"] = per_parent
        elif col["kind"] == "reference":
            col["within"] = per_parent
        else:
            cols[name] = _replace(spec, col, _row_key(col, within=per_parent))
    spec["source_rows"] = per_parent * parent_rows


def _comparisons(t: TableDef, cols: dict) -> None:
    """CHECK (a >= b), (a > b), (a <= b), (a < b) between two columns: a is bounded by b after drawing."""
    checks = list(t.checks) + [c for col in t.columns for c in col.checks]
    for check in checks:
        try:
            node = parse_one(check, read="duckdb")
        except Exception:
            continue
        for cond in node.find_all(exp.GTE, exp.GT, exp.LTE, exp.LT):
            left, right = cond.left, cond.right
            if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
                continue
            a, b = cols.get(left.name.lower()), cols.get(right.name.lower())
            if a is None or b is None or a["kind"] in ("key", "reference") or type_family(a["type"]) != type_family(b["type"]):
                continue
            a["at_least" if isinstance(cond, (exp.GTE, exp.GT)) else "at_most"] = b["name"]
            a["strict"] = isinstance(cond, (exp.GT, exp.LT))
