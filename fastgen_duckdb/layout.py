"""Where each row sits: the key a row index numbers, how many rows a table has at a scale, the parent row of a
nested (composite-key) row, and the value of another table's key column at a row index, inlined into the SQL of
the tables that reference it."""
from __future__ import annotations

import bisect
import math
import re

from . import children
from .batches import Batches
from .draws import LINKS, SHUFFLE_MULTIPLIER, alias_table, at, guide_pick, guide_table, streams, uniform
from .dtypes import GRANULARITY, as_datetime, epoch, key_digits, rounded, type_bounds, type_family
from .errors import SpecError
from .kinds import LADDER
from .sqltext import list_literal, literal, number, string


TYPE_GRAIN = {"TIMESTAMP_S": GRANULARITY["second"], "TIMESTAMP_MS": GRANULARITY["millisecond"]}   # what they keep


def key_value(col: dict, j: int, row: str, number: str = "") -> str:
    """Key column `col` (number j of its generator) at row index `row`: unique for every row (with the parent,
    for a key numbered `within` a parent: `number` is the row's number within its parent)."""
    family = type_family(col["type"])
    if family == "uuid":
        # high half random, low half a bijection of the row: unique by construction at any n
        low = (f"(({row}::UHUGEINT + hash(seed, {j})::UHUGEINT) * 11400714819323198485::UHUGEINT"
               f" % 18446744073709551616::UHUGEINT)::UBIGINT")
        return f"(lpad(hex(hash({row}, seed, {j}, 0)), 16, '0') || lpad(hex({low}), 16, '0'))"
    index = number if col.get("within") else row
    if col.get("shuffle"):  # a bijection within each block of `shuffle` rows: random-looking, still unique
        m = int(col["shuffle"])
        index = f"(({index} // {m}) * {m} + (({index} % {m}) * {SHUFFLE_MULTIPLIER % m | 1} + {m // 3}) % {m})"
    seq = f"({int(col['start'])} + {index} * {int(col['step'])})"
    lap = _laps(col)
    if lap:   # past a lap's rows, the next lap numbers the gaps between the first's (one grain further each)
        per_lap, total = lap
        seq = (f"(CASE WHEN {index} < {total} THEN {int(col['start'])} + ({index} % {per_lap}) * {int(col['step'])} "
               f"+ {index} // {per_lap} * {key_grain(col)} ELSE {seq} END)")
    if family == "integer":
        return seq
    if family == "decimal":   # whole units of its last digit, exactly (a DOUBLE holds 2^53 of them), in the
        # type's own digits (within 38 with the unit's: Spark cuts a product past them to 6 decimals)
        digits, width = key_digits(col), re.match(r"DECIMAL\((\d+)", str(col["type"]).upper()).group(1)
        return f"({seq}::DECIMAL({width},0) * {'0.' + '0' * (digits - 1) + '1' if digits else 1})"
    if family == "float":   # whole units of its last digit: distinct units, distinct numbers
        return f"({seq}::DOUBLE / 1e{key_digits(col)})"
    if family in ("date", "timestamp"):   # days or microseconds since 1970 (a calendar's days, a log's instants)
        return as_datetime(seq, col, whole=True)
    fmt = col["format"]
    if fmt.get("alphabets"):
        return _in_alphabets(fmt["alphabets"], fmt["order"], seq)
    width = int(fmt.get("width", 0))
    digits = f"{seq}::VARCHAR"
    if width > 1:  # lpad alone would cut longer numbers, and cut keys collide
        digits = f"CASE WHEN {seq} < {10 ** width} THEN lpad({digits}, {width}, '0') ELSE {digits} END"
    return " || ".join(x for x in (string(fmt["prefix"]) if fmt.get("prefix") else "", digits,
                                   string(fmt["suffix"]) if fmt.get("suffix") else "") if x)


def _in_alphabets(alphabets: list[str], order: list[int], seq: str) -> str:
    """The number `seq` written one digit per position, in that position's characters (its first one for 0),
    least significant at order[0]: distinct numbers below the product of the alphabets' sizes, distinct codes."""
    digit, weight = {}, 1
    for p in order:
        if weight < 2 ** 62:   # above, every number the key reaches has digit 0 there
            digit[p] = f"(({seq} // {weight}) % {len(alphabets[p])})"
        weight *= len(alphabets[p])
    parts = [f"substr({string(a)}, ({digit[p]} + 1)::INTEGER, 1)" if p in digit else string(a[0])
             for p, a in enumerate(alphabets)]
    return "(" + " || ".join(parts) + ")"


def alphabet_number(code: str, fmt: dict) -> int:
    """The number a code of `fmt`'s alphabets writes (the inverse of _in_alphabets)."""
    seq, weight = 0, 1
    for p in fmt["order"]:
        seq += fmt["alphabets"][p].index(code[p]) * weight
        weight *= len(fmt["alphabets"][p])
    return seq


def key_room(col: dict) -> int | None:
    """The last row index a key can number before it passes its type's maximum or its own `max` (a CHECK's upper
    bound), or for a code in alphabets the last number they can write: a TINYINT key from 1 has 0..126, one of
    step 10 from 0 has 0..127 (_laps); None when there is no such limit in reach."""
    fmt = col.get("format") if isinstance(col.get("format"), dict) else {}
    bounds = (0, math.prod(map(len, fmt["alphabets"])) - 1) if fmt.get("alphabets") else key_bounds(col)
    if col.get("kind") != "key" or not bounds or col.get("within") or "start" not in col:
        return None
    top = min(bounds[1], int(col.get("max", bounds[1])))
    lap = _laps(col)
    rows = lap[1] if lap else (top - int(col["start"])) // int(col["step"]) + 1
    last = rows - 1 - (int(col.get("shuffle") or 1) - 1)
    return max(last, 0) if last < 2 ** 62 else None


def key_bounds(col: dict) -> tuple[int, int] | None:
    """The smallest and largest number a key of the column's type counts (key_value): an integer type's, a
    DECIMAL's or FLOAT's in whole units of its last digit, a date's or timestamp's in days or microseconds of the
    years 1 to 9999 (past them a date writes 5 digits); None for other types."""
    family = type_family(col["type"])
    if family in ("date", "timestamp"):
        return epoch("0001-01-01", family), epoch("9999-12-31T23:59:59" if family == "timestamp" else "9999-12-31",
                                                  family)
    bounds = type_bounds(col["type"]) if family in ("integer", "float", "decimal") else None
    if bounds and family != "integer":   # in whole units of its last digit, as it counts
        return tuple(math.floor(abs(b) * 10 ** key_digits(col)) * (1 if b > 0 else -1) for b in bounds)
    return bounds


def _top(col: dict) -> int | None:
    """The largest number a key's values may reach and keep their shape: its type's maximum (key_bounds) or its
    `max`, or for a code of fixed width (zip codes '00501') the widest number that width writes; None for others."""
    fmt = col.get("format") if isinstance(col.get("format"), dict) else {}
    if fmt.get("alphabets"):
        return None
    if int(fmt.get("width") or 0) > 1:
        return 10 ** int(fmt["width"]) - 1
    bounds = key_bounds(col)
    return min(int(bounds[1]), int(col.get("max", bounds[1]))) if bounds else None


def _laps(col: dict) -> tuple[int, int] | None:
    """(rows a lap numbers, rows all laps number) for a key of step > 1 below a top (_top): the first lap numbers
    start, start + step, …; each next one the same plus one, into the gaps, so that a key learned from sparse
    values (500 zip codes 200 apart) numbers all the room below its top before it passes it (then a code grows
    a digit, an integer has no room left: key_room)."""
    top, step, grain = _top(col), int(col.get("step") or 1), key_grain(col)
    if top is None or step <= grain or col.get("kind") != "key" or col.get("within") or "start" not in col:
        return None
    per_lap = (top - (step - grain) - int(col["start"])) // step + 1
    total = per_lap * (step // grain)
    return (per_lap, total) if 0 < per_lap and total < 2 ** 62 else None


def key_grain(col: dict) -> int:
    """The least difference between two of a key's numbers that its values keep apart: 1, but for a timestamp
    its granularity (or its type's: TIMESTAMP_S counts whole seconds), and for a date whole days of it."""
    family = type_family(col["type"])
    if family not in ("date", "timestamp"):
        return 1
    grain = max(GRANULARITY[col.get("granularity", "microsecond")], TYPE_GRAIN.get(str(col["type"]).upper(), 1))
    return max(1, grain // GRANULARITY["day"]) if family == "date" else grain


def key_capacity(spec: dict) -> list[int]:
    """How many rows each integer key can number within its type and its `max` (a TINYINT key from 1 has 127)."""
    return [room + 1 for room in map(key_room, spec["columns"]) if room is not None]


def parent_rows(spec: dict, lookup=None) -> str:
    """A parent's row count in a run at `scale` (the macro parameter): sizes scale together, but a fixed
    (dimension) table has its own rows at every scale, and a nested one (with `lookup` to find its parents) the
    rows its nest gives its parents' (table_rows in SQL): a composite foreign key into it drew rows past them,
    whose keys it does not hold."""
    if spec.get("fixed"):
        return str(len(spec["fixed"]["rows"]))
    if lookup and any(c.get("nested") for c in spec["columns"]):
        return Nest(spec, lookup).rows_sql(spec)
    return f"greatest(1, ceil({int(spec.get('source_rows') or 1)} * scale))::BIGINT"


def fixed_value(spec: dict, j: int, row: str, listed) -> str:
    """Column j of a fixed table at row index `row` (cycling): a progression (keys 1, 2, 3…) as arithmetic, else
    an element of the list that `listed` makes of the values (a literal, or a parameter-table column)."""
    values = [r[j] for r in spec["fixed"]["rows"]]
    index = f"({row}) % {len(values)}"
    step = progression(values)
    if step is not None:
        return f"({number(values[0])} + {index} * {number(step)})"
    return at(listed(values), f"{index} + 1")


def progression(values: list) -> int | None:
    """The step of integers that go up by one same step (a lookup's keys 1, 2, 3…), else None."""
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    step = values[1] - values[0] if len(values) > 1 else 1
    return step if step > 0 and all(b - a == step for a, b in zip(values, values[1:])) else None


class Nest:
    """Where row r of a table with a composite primary key sits: its parent row, and its number within that
    parent. With the data's children per parent (`per_parent` on the nesting reference) where they vary, a
    layout gives every parent its own count (children.py); with a second parent the key rotates through (a link
    table's other key), only where no count passes that parent's rows at the run's scale. Otherwise every
    parent has `nested` rows, cut at the run's scale to the rows of any other parent the key rotates through (at
    scale < 1 they shrink, and a larger nest would repeat a key). Under a lookup (the same rows at every scale)
    the rows go round the lookup's instead, scale times the data's, at most its rows times the other parent's."""

    def __init__(self, spec: dict, lookup, param=None):
        cols = spec["columns"]
        self.lead = next((c for c in cols if c.get("nested")), None)
        self.rotating = [c for c in cols if c["kind"] == "reference" and c.get("within")]
        self.lookup, self.salt = lookup, int(spec.get("salt") or 0)
        self.layout = None
        # under a lookup's rows (the same at every scale), the table still grows with the scale: its rows go round
        # the parents, row r the (r // parents)-th of parent r % parents (a layout would keep its rows, as would
        # a fixed nest: 20 kinds of 5 entries made 100 entries at every scale)
        self.round = bool(self.lead) and bool(lookup(self.lead["table"]).get("fixed"))
        counts = [int(c["nested"]) for c in cols if c.get("nested")] or [int(c["within"]) for c in cols if c.get("within")]
        others = [parent_rows(lookup(c["table"]), lookup) for c in self.rotating]
        self.others = others   # a key rotating within each nest: a lookup's nest holds at most that many rows each
        self.size = (f"least({counts[0]}, {', '.join(others)})" if others else str(counts[0])) if counts else ""
        self.fits = "true"
        counts_vary = self.lead and len(set(self.lead.get("per_parent") or [])) > 1
        if counts_vary and not self.round:   # (every parent the same count: the even nest is that layout, in
            # arithmetic alone: TPC-H's 4 suppliers a part, read by each of lineitem's rows)
            self.layout = children.layout(self.lead["per_parent"], self.salt)
            block, parents, numbers = self.layout
            # the layout's lists: a parameter of the table's own macro, inlined where another table needs them
            self.parents = param("nest_parent", parents, "INTEGER") if param else list_literal(parents, "INTEGER")
            self.numbers = param("nest_number", numbers, "INTEGER") if param else list_literal(numbers, "INTEGER")
            if others:   # a second parent rotating within each nest (a link table's other key): the data's counts
                # where no parent's count passes that parent's rows at the run's scale, else `nested` each
                self.fits = f"({max(numbers) + 1} <= least({', '.join(others)}))"

    def _either(self, laid_out: str, nested: str) -> str:
        """The layout's expression where it applies at the run's scale (`fits`), else the even nest's."""
        return laid_out if self.fits == "true" else f"(CASE WHEN {self.fits} THEN {laid_out} ELSE {nested} END)"

    def parent(self, row: str) -> str:
        if self.round:
            return f"({row} % {parent_rows(self.lookup(self.lead['table']), self.lookup)})"
        if self.layout:
            block, parents, _ = self.layout
            slot = f"{at(self.parents, f'{row} % {len(parents)} + 1')}"
            where = f"({row} // {len(parents)} * {block} + {slot})"
            rows = parent_rows(self.lookup(self.lead["table"]), self.lookup)
            # past the table's own rows (a larger n than the plan's), parents repeat
            return self._either(f"({where} % {rows})", f"({row} // {self.size})")
        return f"({row} // {self.size})"

    def number(self, row: str) -> str:
        if self.round:
            return f"({row} // {parent_rows(self.lookup(self.lead['table']), self.lookup)})"
        if self.layout:
            block, parents, _ = self.layout
            wraps = f"(({row} // {len(parents)} * {block} + {at(self.parents, f'{row} % {len(parents)} + 1')}) // " \
                    f"{parent_rows(self.lookup(self.lead['table']), self.lookup)})"
            # past the plan's rows a parent comes round again: its numbers continue above the layout's largest
            return self._either(f"({at(self.numbers, f'{row} % {len(parents)} + 1')} + {wraps} * {max(self.layout[2]) + 1})",
                                f"({row} % {self.size})")
        return f"({row} % {self.size})"

    def index(self, col: dict, row: str) -> str:
        """The parent row of a nested reference column (the nesting one, or one rotating within the nest: a nest's
        rows take consecutive rows of that parent from the nest's parent's place among them, its row times their
        ratio, so that nests tile them all and each is taken about as often, as a link table's were: 12 stores
        of 13 orders each among 63 items took 61 of them, not 27)."""
        if col.get("nested"):
            return self.parent(row)
        rows = parent_rows(self.lookup(col["table"]), self.lookup)
        stride = f" * greatest(1, ({rows}) // ({parent_rows(self.lookup(self.lead['table']), self.lookup)}))" \
            if self.lead else ""
        return f"(({self.number(row)} + {self.parent(row)}{stride}) % {rows})"

    def rows_sql(self, spec: dict) -> str:
        """rows() in SQL, at the run's `scale`."""
        parents = parent_rows(self.lookup(self.lead["table"]), self.lookup)
        if self.round:
            rows = f"greatest(1, ceil({int(spec.get('source_rows') or 1)} * scale))::BIGINT"
            return f"least({rows}, ({parents}) * least({', '.join(self.others)}))" if self.others else rows
        if self.layout:
            block, slots, _ = self.layout
            before = list_literal([bisect.bisect_left(slots, i) for i in range(block)], "INTEGER")
            return self._either(f"greatest(1, ({parents}) // {block} * {len(slots)} + "
                                f"{at(before, f'({parents}) % {block} + 1')})::BIGINT",
                                f"greatest(1, ({parents}) * {self.size})::BIGINT")
        return f"greatest(1, ({parents}) * {self.size})::BIGINT"

    def rows(self, spec: dict, scale: float) -> int:
        """The table's rows in a run at `scale`, as the SQL above lays them out."""
        parents = table_rows(self.lookup(self.lead["table"]), self.lookup, scale, at_least=1)
        others = [table_rows(self.lookup(c["table"]), self.lookup, scale, 1) for c in self.rotating]
        if self.round:
            return min([math.ceil(int(spec.get("source_rows") or 0) * scale)] + [parents * o for o in others])
        if self.layout and max(self.layout[2]) + 1 <= min(others, default=math.inf):
            return children.layout_rows(self.lead["per_parent"], self.salt, parents)
        return parents * min([int(self.lead["nested"])] + others)


def table_rows(spec: dict, lookup, scale: float, at_least: int = 0) -> int:
    """A table's row count in a run at `scale` (as parent_rows and Nest say in SQL): ⌈rows × scale⌉, a fixed
    table's own rows, or for a nested table what its nest gives its parents' rows."""
    if spec.get("fixed"):
        return len(spec["fixed"]["rows"])
    if any(c.get("nested") for c in spec["columns"]):
        return Nest(spec, lookup).rows(spec, scale)
    return max(at_least, math.ceil(int(spec.get("source_rows") or 0) * scale))


def row_value(lookup, table: str, column: str, row: str, latent: bool = False, listed=None) -> str:
    """The value of `table`.`column` at row index `row` (SQL), for columns that are functions of the row.
    `latent`: a drawn reference's value even where the row has NULL (whether it does may depend on other columns).
    `listed(what, values, element_type)` writes the lists the value reads (a lookup's values, a layout, knots): a
    parameter of the referencing table's macro (compiler.py), or by default a literal."""
    listed = listed or inline_list
    spec = lookup(table)
    found = [(j, c) for j, c in enumerate(spec["columns"]) if c["name"].lower() == column.lower()]
    if not found:
        raise SpecError(f"generator {table!r} has no column {column!r} to reference")
    j, col = found[0]
    if spec.get("fixed"):   # a dimension table's own rows, inlined
        return f"CAST({fixed_value(spec, j, row, lambda values: listed('rows', values, col['type']))} AS {col['type']})"
    if col["kind"] == "key":
        value = key_value(col, streams(spec) + j, row, Nest(spec, lookup, listed).number(row) if col.get("within") else "")
        last = key_room(col)
        if last is None:
            return value
        why = (f"fastgen_sample: {table}.{column} ({col['type']}) has keys for rows 0..{last} only, and a scale this "
               "large draws parent rows past them; lower scale, or widen the key's type in both specs")
        return f"CASE WHEN ({row}) > {last} THEN error({string(why)}) ELSE {value} END"
    if col["kind"] == "reference" and (col.get("nested") or col.get("within")):
        return row_value(lookup, col["table"], col["column"], Nest(spec, lookup, listed).index(col, row),
                         listed=listed)
    if spec.get("batches") and col["name"].lower() == spec["batches"]["column"].lower():   # a ticket's number
        batches = Batches(spec, listed)
        return batches.value(batches.number(row))
    if col["kind"] == "reference":   # drawn from its own uniform: the same draw, at that row
        return _drawn_reference(lookup, spec, j, col, row, latent, listed)
    if marginal(spec, col):   # a number or time drawn from its own uniform and knots
        return _drawn_number(spec, j, col, row, latent, listed)
    if marginal(spec, col, "categorical"):   # a label drawn from its own uniform (a region beside a code number)
        return _drawn_category(spec, j, col, row, latent, listed)
    raise SpecError(f"{table}.{column} is {col['kind']}, not a key: a foreign key must reference a key column, "
                    "or (a composite foreign key) columns that are keys or foreign keys")


def marginal(spec: dict, col: dict, kind: str = "number") -> bool:
    """Whether a number or time (`kind` "categorical": a label) is drawn from its own uniform through its own knots
    (weights) alone, so that another table can compute it at any row: not with other columns (copula, cluster, a
    conditional table, a rule, NULLs drawn together), not text holding it, no special values."""
    tied = {n.lower() for n in (spec.get("copula") or {}).get("columns", [])} | {
        n.lower() for block in spec.get("missing") or [] for n in block["columns"]} | {
        n.lower() for n in (spec.get("batches") or {}).get("distinct", [])}   # (stepped within a batch)
    drawn = col["kind"] in ("numeric", "datetime") and bool(col.get("quantiles")) if kind == "number" else \
        col["kind"] == "categorical" and bool(col.get("values")) and not col.get("inherit")
    return drawn and col["name"].lower() not in tied \
        and not any(col.get(k) for k in ("given", "cluster", "after", "after_parent", "equals", "at_least", "at_most",
                                           "parsed", "special"))


def _drawn_number(spec: dict, j: int, col: dict, row: str, latent: bool, listed) -> str:
    """A number or time of another table at row index `row`, as columns.Column draws it there: its uniform past
    the NULL share (a batch's uniform, for a column drawn once per batch), through its quantile knots."""
    stream, nulls = streams(spec) + j, float(col.get("nulls") or 0.0)
    own = uniform(stream, f"({row})")
    if spec.get("batches") and col["name"].lower() in {c.lower() for c in spec["batches"]["columns"]}:
        v = uniform(stream, f"({Batches(spec, listed).number(row)})")
    elif nulls > 0:   # the same rescaling as the column's own; a latent value where the row is NULL stays a draw
        v = f"(CASE WHEN {own} < {number(nulls)} THEN {own} / {number(nulls)} ELSE ({own} - {number(nulls)}) / " \
            f"{number(1.0 - nulls)} END)"
    else:
        v = own
    family = type_family(col["type"])
    knots = [epoch(q, family) for q in col["quantiles"]] if col["kind"] == "datetime" else col["quantiles"]
    if col.get("steps"):
        q = listed("q", [float(x) for x in knots], "DOUBLE")
        x = at(q, f"least(floor({v} * {len(knots)})::INTEGER, {len(knots) - 1}) + 1")
    else:
        x = drawing(listed)[2](knots, "q", v)
    value = as_datetime(x, col, knots=knots) if col["kind"] == "datetime" else rounded(x, col, knots)
    return f"CASE WHEN {own} < {number(nulls)} THEN NULL ELSE {value} END" if nulls > 0 and not latent else value


def _drawn_category(spec: dict, j: int, col: dict, row: str, latent: bool, listed) -> str:
    """A label of another table at row index `row`, as columns.Column._categorical draws it there: its uniform
    past the NULL share, through a CASE ladder on the cumulative weights (up to LADDER labels, or ordered ones)
    or the alias table."""
    stream, nulls = streams(spec) + j, float(col.get("nulls") or 0.0)
    own = uniform(stream, f"({row})")
    if spec.get("batches") and col["name"].lower() in {c.lower() for c in spec["batches"]["columns"]}:
        v = uniform(stream, f"({Batches(spec, listed).number(row)})")
    else:
        v = own if nulls <= 0 else f"greatest(({own} - {number(nulls)}) / {number(1.0 - nulls)}, {number(0.0)})"
    values, weights = col["values"], col["weights"]
    if len(values) <= LADDER or col.get("ordered"):
        typed = type_family(col["type"]) in ("integer", "float", "decimal")
        lit = (lambda x: f"CAST({literal(x)} AS {col['type']})") if typed else literal
        total, cumulative, arms = float(sum(weights)), 0.0, []
        for value, weight in zip(values[:-1], weights[:-1]):
            cumulative += weight
            arms.append(f"WHEN {v} < {number(cumulative / total)} THEN {lit(value)}")
        value = f"CASE {' '.join(arms)} ELSE {lit(values[-1])} END" if arms else lit(values[-1])
    else:
        value = at(listed("vals", values, col["type"]), drawing(listed)[1](weights, v))
    return f"CASE WHEN {own} < {number(nulls)} THEN NULL ELSE {value} END" if nulls > 0 and not latent else value


def computable(lookup, table: str, column: str) -> bool:
    """Whether row_value can write `table`.`column` at any row (a key, a lookup's value, a foreign key, a batch's
    number, a number or time drawn on its own), as a composite foreign key or a later date (across.py) needs."""
    try:
        row_value(lookup, table, column, "0")
        return True
    except SpecError:
        return False


def _drawn_reference(lookup, spec: dict, j: int, col: dict, row: str, latent: bool, listed) -> str:
    """A reference column of another table at row index `row`, drawn there from its own uniform (the column's
    draw is a function of the row, as any): the parent's key at the parent row the draw picks, inlined. For a
    composite foreign key to rows whose columns are foreign keys themselves (a return of a sale: the sale's item
    and ticket)."""
    where = f"{spec['name']}.{col['name']}"
    in_block = any(name.lower() == col["name"].lower() for block in spec.get("missing") or [] for name in block["columns"])
    if col["table"].lower() == spec["name"].lower() or (in_block and not latent) or col.get("inherit") \
            or col.get("by_pool") or col.get("after_parent"):
        raise SpecError(f"{where} is a self-reference, NULL with other columns (missing), or takes its value from "
                        "another row or pool (inherit, after_parent, by_pool); another table's composite foreign key "
                        "or inherit cannot point at it: drop that from the referencing spec")
    stream = streams(spec) + j
    batched = spec.get("batches") and col["name"].lower() in {c.lower() for c in spec["batches"]["columns"]}
    spread = bool(spec.get("batches")) and col["name"].lower() in {c.lower() for c in spec["batches"].get("distinct", [])}
    nulls = 0.0 if in_block else float(col.get("nulls") or 0.0)   # a block's NULLs leave the uniform whole
    own = uniform(stream, f"({row})")
    if col.get("link") is not None:
        w = uniform(streams(spec) + LINKS + col["link"], f"({row})")
    elif batched:
        w = uniform(stream, f"({Batches(spec, listed).number(row)})")
    elif spread:
        b = Batches(spec, listed)
        w = b.spread(stream, f"({b.number(row)})", b.position(row))
    else:
        w = f"(({own} - {number(nulls)}) / {number(1.0 - nulls)})" if nulls > 0 else own
    parent = lookup(col["table"])
    value = row_value(lookup, col["table"], col["column"],
                      parent_index(col, parent, w, *drawing(listed), spread, lookup=lookup), listed=listed)
    return f"CASE WHEN {own} < {number(nulls)} THEN NULL ELSE {value} END" if nulls > 0 and not latent else value


def parent_index(col: dict, parent: dict, w: str, listed, pick, interpolate, ordered: bool = False,
                 lookup=None) -> str:
    """The parent row (SQL) a reference drawn from uniform `w` points at: a lookup's rows as often as in the data
    (`parents`), parents weighted by their count of children in the data (`per_parent`, children.py), or any
    row alike. `listed`, `pick`, `interpolate` write a list, a weighted choice and an inverse CDF: a column's
    own (parameters and helper layers: columns.Column) or each in one expression (drawing). `ordered`: uniforms
    far apart pick distinct rows (a batch's distinct references), so a lookup's rows are picked monotonely."""
    rows = parent_rows(parent, lookup)
    if col.get("parents") and parent.get("fixed"):
        return f"({_lookup_row(col['parents'], w, listed, pick, ordered)} % {rows})"
    if col.get("per_parent"):   # weighed by their rates where fitted (children.rates), else their counts
        x = interpolate(children.rank_knots(col.get("per_parent_rate") or col["per_parent"]), "rank", v=w)
        rank = f"least(floor({x} * {rows}), {rows} - 1)"
        return f"({children.permuted(rank, rows, int(parent.get('salt') or 0), int(col.get('apart') or 0))})"
    return f"floor({w} * {rows})::BIGINT"


def _lookup_row(parents: dict, w: str, listed, pick, ordered: bool) -> str:
    """The lookup row (SQL) `parents` weighs: each listed row its weight, and with a `floor`, every row of its
    `span` that weight more (uniform w split between the two at the span's share of the total, monotone in w)."""
    weights, floor = parents["weights"], float(parents.get("floor") or 0)
    span = parents["span"][1] - parents["span"][0] + 1 if floor else 0
    share = floor * span / (floor * span + float(sum(weights)))
    spanned = f"({parents['span'][0]} + least(floor({w} / {number(share)} * {span})::BIGINT, {span - 1}))" if floor else ""
    if not parents["rows"] or not sum(weights):   # (an edited spec's rows may all weigh 0: the span alone)
        return spanned
    v = f"(({w} - {number(share)}) / {number(1 - share)})" if floor else w
    guide = guide_table(weights) if ordered else None
    listed_row = at(listed("prow", parents["rows"], "INTEGER"), guide_pick(guide, v, listed) if guide else pick(weights, v))
    return f"(CASE WHEN {w} < {number(share)} THEN {spanned} ELSE {listed_row} END)" if floor else listed_row


def inline_list(what: str, values: list, element_type: str) -> str:
    return list_literal(values, element_type)


def drawing(listed):
    """columns.Column's weighted choice and inverse CDF, each in one expression, reading their lists through
    `listed` (for a column of another table computed in this one's SQL): (listed, pick, interpolate)."""
    def pick(weights: list[float], v: str) -> str:
        prob, alias = alias_table(weights)
        x, k = f"({v} * {len(weights)})", f"floor({v} * {len(weights)})::INTEGER"
        return (f"CASE WHEN {x} - {k} < {at(listed('prob', prob, 'DOUBLE'), f'{k} + 1')} THEN {k} + 1 "
                f"ELSE {at(listed('alias', alias, 'INTEGER'), f'{k} + 1')} END")

    def interpolate(knots: list, what: str = "q", v: str = "") -> str:
        q = listed(what, [float(x) for x in knots], "DOUBLE")
        d = listed(what + "d", [float(b - a) for a, b in zip(knots, knots[1:])] + [0.0], "DOUBLE")
        x, k = f"({v} * {len(knots) - 1})", f"floor({v} * {len(knots) - 1})::INTEGER"
        return f"({at(q, f'{k} + 1')} + ({x} - {k}) * {at(d, f'{k} + 1')})"
    return listed, pick, interpolate
