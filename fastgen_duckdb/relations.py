"""Whole schemas: foreign keys, composite keys, comparisons and table sizes, satisfied by construction.

A foreign key draws a parent *row index* and takes the parent's key at that row (keys are functions of
the row number), so it always references a parent row that exists when the parent is generated at the same
scale. A composite primary key nests its rows under a parent (`nested` rows each) and numbers them `within`
that parent, so the tuple is unique without any reject sampling.
"""
from __future__ import annotations

import datetime as dt
import math

from sqlglot import exp, parse_one

from .layout import key_capacity
from .ddl import TableDef, constraints
from .priors import check_range, check_window
from .dtypes import GRANULARITY, epoch, type_bounds, type_family
from .errors import SpecError

DEFAULT_ROWS = 1000          # rows of a table with no parents, when neither data nor a model says
CHILDREN_PER_PARENT = 4      # rows per parent row for tables with foreign keys, likewise
DIMENSION_ROWS = 256         # a narrow referenced table of at most this many rows (countries: 250) is a lookup
DIMENSION_COLUMNS = 6        # lookups are narrow (code, label, description, a parent): entities are wider


class RelationError(SpecError):
    """Relations that cannot all hold: a foreign key to an unknown table, a cycle of required keys…"""


def dependency_order(tables: list[TableDef]) -> list[TableDef]:
    """Parents before children, for every foreign key that allows it: only a nullable key that closes a cycle
    points to a later table (it is generated NULL). A cycle of NOT NULL foreign keys cannot be satisfied and
    is reported."""
    by_name = {t.name.lower(): t for t in tables}
    required: dict[str, set[str]] = {}
    wanted: dict[str, set[str]] = {}
    for t in tables:
        key = t.name.lower()
        required[key], wanted[key] = set(), set()
        for fk in t.foreign_keys:
            parent = (fk["table"] or "").lower()
            if parent not in by_name:
                raise RelationError(f"{t.name}.{', '.join(fk['columns'])} references table {fk['table']!r}, "
                                    "which is not in this DDL")
            if parent != key:
                wanted[key].add(parent)
                if any(t.column(c) and t.column(c).not_null for c in fk["columns"]):
                    required[key].add(parent)
    placed: set[str] = set()
    order: list[TableDef] = []
    while len(order) < len(tables):
        waiting = [t for t in tables if t.name.lower() not in placed]
        ready = [t for t in waiting if wanted[t.name.lower()] <= placed] or \
            [t for t in waiting if required[t.name.lower()] <= placed][:1]   # stuck: a nullable key gives way
        if not ready:
            raise RelationError("foreign keys form a cycle: " + " -> ".join(_cycle(required, waiting)) + "; no rows "
                                "can satisfy all of them at once. Make one of these foreign key columns nullable, "
                                "or drop it.")
        for t in ready:
            placed.add(t.name.lower())
            order.append(t)
    return order


def _cycle(required: dict[str, set[str]], waiting: list[TableDef]) -> list[str]:
    """A cycle of NOT NULL foreign keys among tables none of which can go first."""
    path = [waiting[0].name.lower()]
    while True:
        step = sorted(p for p in required[path[-1]] if p in {t.name.lower() for t in waiting})[0]
        if step in path:
            return path[path.index(step):] + [step]
        path.append(step)


def link(tables: list[TableDef], specs: dict[str, dict], schema: str, sized_by_model: set[str] = frozenset(),
         per_parent: dict | None = None) -> list[str]:
    """Turn the DDL's relations into spec fields (in place); return the tables in generation order.

    `per_parent[(table, (columns…))]` holds the data's children-per-parent quantiles of a foreign key: kept on
    its reference columns, so each parent gets its count of children as in the data (children.py)."""
    per_parent = per_parent or {}
    order = dependency_order(tables)
    rank = {t.name.lower(): i for i, t in enumerate(order)}
    names = {t.name.lower(): specs[t.name]["name"] for t in tables}
    for t in order:
        spec = specs[t.name]
        spec["schema"] = schema
        spec["constraints"] = constraints(t, tables, names)
        cols = {c["name"].lower(): c for c in spec["columns"]}
        parents = {fk["table"].lower() for fk in t.foreign_keys if rank[fk["table"].lower()] < rank[t.name.lower()]}
        if t.name not in sized_by_model:
            # a lookup parent (fixed rows: countries, statuses) does not size its children: entities keep the rule
            drawn = {p for p in parents if not specs[_table(tables, p).name].get("fixed")}
            spec["source_rows"] = (CHILDREN_PER_PARENT * max(specs[_table(tables, p).name]["source_rows"] for p in drawn)
                                   if drawn else DEFAULT_ROWS)
        for k, fk in enumerate(t.foreign_keys):
            parent = _table(tables, fk["table"])
            targets = fk["references"] or parent.primary_key
            if len(targets) != len(fk["columns"]):
                raise RelationError(f"{t.name}: foreign key ({', '.join(fk['columns'])}) names "
                                    f"{len(targets)} column(s) of {parent.name}")
            counts = per_parent.get((t.name.lower(), tuple(c.lower() for c in fk["columns"])))
            for child, target in zip(fk["columns"], targets):
                col = cols[child.lower()]
                not_null = bool(t.column(child) and t.column(child).not_null)
                cols[child.lower()] = _replace(spec, col, {
                    "name": col["name"], "type": col["type"], "kind": "reference", "table": names[parent.name.lower()],
                    "column": target, "nulls": 0.0 if not_null else 1.0 if col.get("kind") == "constant"
                    and col.get("value") is None else col.get("nulls", 0.0),   # NULL in every row of the data
                    **({"link": k} if len(fk["columns"]) > 1 else {}), "origin": "schema",
                    **({"per_parent": counts} if counts else {}),
                    **({"note": f"a foreign key found in the data: every value is a {parent.name}.{target}"}
                       if fk.get("found") else {}),
                    **({"label": col["label"]} if col.get("label") else {})})
                if rank[parent.name.lower()] > rank[t.name.lower()]:  # closes a cycle: its parent comes later
                    cols[child.lower()].update(nulls=1.0, note="NULL: a nullable foreign key closing a cycle")
        table_rules(t, spec, cols, specs, tables)
        if t.name not in sized_by_model:   # a guessed size fits the table's integer keys, before children count on it
            spec["source_rows"] = min([spec["source_rows"], *key_capacity(spec)])
    return [t.name for t in order]


def table_rules(t: TableDef, spec: dict, cols: dict, specs: dict, tables: list[TableDef]) -> None:
    """The rules a table's own constraints make of its spec's columns (`cols`: by lower-case name), once its
    references are in: a composite key nested under its parent or numbered by row, and CHECKs between columns."""
    if len(t.primary_key) > 1:
        _nest(t, spec, cols, specs, tables, t.primary_key)
    else:   # a composite UNIQUE over a foreign key, no column of which is unique alone: nested likewise
        unique = next((u for u in t.unique if len(u) > 1 and _nesting(t, u)
                       and not any(cols[c.lower()]["kind"] == "key" for c in u)), None)
        if unique:
            _nest(t, spec, cols, specs, tables, unique)
    for u in t.unique:   # any other composite UNIQUE: a column of it that is no reference is numbered by row
        plain = [c.lower() for c in u if cols[c.lower()]["kind"] != "reference"]
        if len(u) > 1 and plain and not any(cols[c.lower()]["kind"] == "key" or cols[c.lower()].get("nested")
                                            or cols[c.lower()].get("within") for c in u):
            most = _numbered(cols, plain)
            cols[most] = _replace(spec, cols[most], _row_key(cols[most]))
    _comparisons(t, cols)


def _table(tables, name: str) -> TableDef:
    return next(t for t in tables if t.name.lower() == name.lower())


def _replace(spec: dict, old: dict, new: dict) -> dict:
    spec["columns"][spec["columns"].index(old)] = new
    return new


def _numbered(cols: dict, names: list[str]) -> str:
    """Which of a composite key's plain columns to number by row, so the tuple is unique: the one of most
    values (a number within a group, not the group: a region of 4 names numbered so came out as 1,000
    numbers), an integer, or the later one, where as many."""
    def values(c: str) -> float:
        col = cols[c]
        return len(col.get("values") or [0, 1]) if col["kind"] in ("categorical", "constant", "boolean") else math.inf
    return max(names, key=lambda c: (values(c), type_family(cols[c]["type"]) == "integer", names.index(c)))


def _row_key(col: dict, **extra) -> dict:
    """A key column numbered by row (text keys as bare numbers; days and instants from the data's first, a day
    or the column's grain apart, not from 1970)."""
    key = {"name": col["name"], "type": col["type"], "kind": "key", "start": 1, "step": 1, **extra, "nulls": 0.0,
           "origin": "schema"}
    family = type_family(col["type"])
    if family == "string":
        key["format"] = {"prefix": "", "width": 0, "suffix": ""}
    elif family in ("date", "timestamp") and col.get("quantiles"):
        key.update(start=epoch(col["quantiles"][0], family),
                   step=1 if family == "date" else GRANULARITY.get(col.get("granularity", "second"), 1_000_000))
    return key


def _nesting(t: TableDef, key: list[str]) -> dict | None:
    """The first foreign key (to another table) whose columns all lie in `key`."""
    key = {c.lower() for c in key}
    return next((fk for fk in t.foreign_keys if fk["columns"] and all(c.lower() in key for c in fk["columns"])
                 and fk["table"].lower() != t.name.lower()), None)


def _nest(t: TableDef, spec: dict, cols: dict, specs: dict, tables, key: list[str]) -> None:
    """A composite primary key (or UNIQUE constraint): rows nested under the parent of its first foreign key,
    numbered within it."""
    pk = [c.lower() for c in key]
    nesting = _nesting(t, key)
    if spec.get("source_rows") == 0:   # an empty table stays empty: nothing to number or nest
        return
    if nesting is None:  # no parent inside the key: one key column alone is unique, so is the tuple
        numbered = _numbered(cols, pk)
        _replace(spec, cols[numbered], _row_key(cols[numbered]))
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
    if not cols[next(iter(nested))].get("per_parent"):   # without the data's counts, every parent gets the nest
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
            fixed = [c is not None and c["kind"] in ("key", "reference") for c in (a, b)]
            if fixed == [True, True]:
                raise SpecError(f"CHECK ({check}) compares two key or foreign key columns, which fastgen draws "
                                f"independently; drop the CHECK from table {t.name!r}")
            if fixed[0]:   # a key or reference keeps its value: the other column is bounded by it instead
                a, b, cond = b, a, _SWAPPED[type(cond)](this=right, expression=left)
            if a is None or b is None or a["kind"] in ("key", "reference") or type_family(a["type"]) != type_family(b["type"]):
                continue
            strict = isinstance(cond, (exp.GT, exp.LT))
            # where the data's gaps already keep it (a closing time drawn after its opening), a bound on top would
            # read the other column's gap, not its value
            if not (_ordered(a, b, cond) or _ordered(b, a, _SWAPPED[type(cond)](this=right, expression=left))):
                a["at_least" if isinstance(cond, (exp.GTE, exp.GT)) else "at_most"] = b["name"]
                a["strict"] = strict
            above = isinstance(cond, (exp.LTE, exp.LT))   # a <= b: b must stay above a's lower bound
            if b["kind"] == "key" and "start" in b:
                _key_inside(b, t.column(b["name"]), t.column(a["name"]), above, strict)
            elif b["kind"] == "numeric" and t.column(a["name"]) is not None:
                _numbers_inside(b, t.column(a["name"]), above, strict)
            elif b["kind"] == "datetime" and t.column(a["name"]) is not None:
                _times_inside(b, t.column(a["name"]), above, strict)


_SWAPPED = {exp.GTE: exp.LTE, exp.GT: exp.LT, exp.LTE: exp.GTE, exp.LT: exp.GT}


def _ordered(a: dict, b: dict, cond) -> bool:
    """Whether `a cond b` (a >= b, a > b) holds by a's own rule: a drawn `after` b plus gaps that are never
    negative (never zero, for a strict >). A bound on top would read b's gap, not its value."""
    after = a.get("after") or {}
    if str(after.get("column", "")).lower() != b["name"].lower() or not isinstance(cond, (exp.GTE, exp.GT)):
        return False
    lows = [after["gaps"][0]] + [row[0] for row in after.get("by_bin") or []]
    return min(lows) > 0 if isinstance(cond, exp.GT) else min(lows) >= 0


def _times_inside(col: dict, other, above: bool, strict: bool) -> None:
    """As _numbers_inside, for a drawn date or timestamp: its knots are cut to the other column's CHECK window
    (a >= b with a BETWEEN '2000-01-01' AND '2000-01-31' draws b on or before the 31st)."""
    family = type_family(col["type"])
    if family not in ("date", "timestamp") or col["type"] == "TIMESTAMP WITH TIME ZONE" or not col.get("quantiles"):
        return
    lo, hi = check_window(other)
    step = (dt.timedelta(days=1) if family == "date" else dt.timedelta(seconds=1)) if strict else dt.timedelta(0)

    def cut(q: str) -> str:
        x = dt.datetime.fromisoformat(q)
        if above and lo is not None:
            x = max(x, lo + step)
        elif not above and hi is not None:
            x = min(x, hi - step)
        return x.date().isoformat() if family == "date" else x.isoformat()
    col["quantiles"] = [cut(q) for q in col["quantiles"]]


def _numbers_inside(col: dict, other, above: bool, strict: bool) -> None:
    """As _key_inside, for a drawn number that bounds another column: its knots are cut to that column's CHECK
    range (a >= b with a BETWEEN 0 AND 0 draws b <= 0), or a = greatest(a, b) would leave a's range."""
    lo, hi = check_range(other, (-math.inf, math.inf))
    step = (1 if type_family(col["type"]) == "integer" else 1e-9 * max(1.0, abs(hi if not above else lo))) if strict else 0
    if above and math.isfinite(lo):
        col["quantiles"] = [max(q, lo + step) for q in col["quantiles"]]
    elif not above and math.isfinite(hi):
        col["quantiles"] = [min(q, hi - step) for q in col["quantiles"]]


KEY_ROOM_BELOW = 10 ** 9   # keys bounded above by another column's CHECK are numbered from this far below it


def _key_inside(key: dict, own, other, above: bool, strict: bool) -> None:
    """A column bounded by an integer key (a >= key, or a <= key) keeps its own CHECK range only if the keys stay
    on its side of it: the keys are numbered at most to its upper bound (or from its lower bound), and inside
    their own CHECK range and type."""
    whole = (-math.inf, math.inf)
    lo, hi = check_range(other, whole) if other is not None else whole
    floor = max(check_range(own, whole)[0] if own is not None else -math.inf,
                (type_bounds(key["type"]) or whole)[0])
    step = 1 if strict else 0
    if above and math.isfinite(lo) and key["start"] < lo + step:
        key["start"] = int(math.ceil(lo)) + step
    elif not above and math.isfinite(hi):
        top = int(math.floor(hi)) - step
        key["max"] = min(top, key.get("max", top))
        if key["max"] - key["start"] < KEY_ROOM_BELOW - 1:   # from far enough below the bound for any scale
            key["start"] = int(max(floor, key["max"] - KEY_ROOM_BELOW + 1))


def dimensions(tables: list[TableDef], rows: dict[str, int], domains: set[str]) -> list[str]:
    """The lookup tables of a schema, reproduced row for row at every scale rather than drawn: tables other
    tables reference, narrow (at most DIMENSION_COLUMNS columns) and of at most DIMENSION_ROWS rows (region,
    nation, currencies, status codes), or listing a whole domain (`domains`: calendars, every second of a day,
    every combination of some columns' values; profile.enumerates), whose own foreign keys
    lead only to lookup tables. Parents first. Entities that grow with the data (customers, suppliers) are
    wider, and are drawn."""
    referenced = {fk["table"].lower() for t in tables for fk in t.foreign_keys if fk["table"].lower() != t.name.lower()}
    fixed: list[str] = []
    for t in dependency_order(tables):
        key = t.name.lower()
        small = (rows.get(t.name, DIMENSION_ROWS + 1) <= DIMENSION_ROWS and len(t.columns) <= DIMENSION_COLUMNS) \
            or t.name in domains
        parents = {fk["table"].lower() for fk in t.foreign_keys}
        if key in referenced and small and parents <= {f.lower() for f in fixed}:
            fixed.append(t.name)
    return fixed
