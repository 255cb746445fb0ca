"""What one column of a spec contributes to each layer of the sampler's SELECT (compiler.py): its uniforms, its
helpers, its typed value and the bounds its rules and CHECKs put on it, for every kind and model a column has."""
from __future__ import annotations

import numpy as np

from .across import fixed_keys
from .draws import AFFIX_DRAWS, INHERIT_DRAWS, MARKER_DRAWS, NULL_DRAWS, alias_table, at, own_draw, streams, uniform
from .batches import BATCH, Batches
from .missing import threshold
from .layout import Nest, drawing, fixed_value, marginal, row_value
from .dtypes import as_datetime, as_number, epoch, rounded, type_family
from .errors import SpecError
from .keydraws import KeyDraws
from .kinds import LADDER
from .readings import affix_index, format_sql, marker_pick
from .spec import given_names
from .sqltext import ident, literal, number, string
from .textdraws import TextDraws, numbered



class Column(KeyDraws, TextDraws):
    """What one column contributes to each layer of the SELECT (keys and codes: keydraws.py; text: textdraws.py)."""

    def __init__(self, j: int, col: dict, table: str = "", lookup=None, shared: str | None = None,
                 nest: Nest | None = None, batches: Batches | None = None, missing: str | None = None, listed=None):
        self.j, self.table, self.lookup = j, table, lookup
        self.listed = listed                 # the table's list parameters, for what other tables' rows hold
        self.written = col                   # the column as the spec has it: its output type and format
        # text that holds typed values is drawn in that type (`parsed`), then formatted back (bound)
        self.col = {**col, "type": col["parsed"]} if col.get("parsed") else col
        self.stream = streams(lookup(table)) + j     # this column's hash stream number
        self.shared = shared                 # the copula's uniform for this column, if it is in one
        self.alias = f"f{j}"                 # its name inside the macro; the source's name only at the end
        self.by_name: dict[str, "Column"] = {}
        self.family = type_family(self.col["type"])
        self.nest = nest                     # where a row of a table with a composite key sits
        self.batched = bool(batches) and col["name"].lower() in batches.columns   # its value drawn once per batch
        self.batches = batches
        self.spread = bool(batches) and col["name"].lower() in batches.distinct   # distinct within its batch
        self.uniforms: dict[str, str] = {}   # layer 1
        self.helpers: dict[str, str] = {}    # layer 2
        self.params: dict[str, tuple[list, str]] = {}   # parameter-table columns: a list and its element type
        self.early: dict[str, str] = {}     # values computed before layer 3 for other columns to read (resolve)
        self.steps: list[dict[str, str]] = []   # then values each reading the step before's (a list's items)
        self.value = ""                      # layer 3, before the null wrapper and the cast
        # with NULLs drawn apart from the value (per parent bin, or with a block's: missing.py): when it is NULL
        self.latent = missing or ""          # a block member's latent normal: NULL below its threshold
        self.null_if = f"({missing} < {number(threshold(col['nulls']))})" if missing else ""
        self.fixed = bool(lookup(table).get("fixed"))
        if affix_index("", col) and not self.fixed:   # which [prefix, suffix] pair a typed text is written in
            self.uniforms[f"x{j}"] = uniform(self.stream + AFFIX_DRAWS)
        if col.get("markers") and not self.fixed:   # which marker a typed text's missing value is written as
            self.uniforms[f"mk{j}"] = uniform(self.stream + MARKER_DRAWS)
        if self.fixed:  # a dimension table: row r is the source's row r (cycling), whatever the column's kind
            self.value = fixed_value(lookup(table), j, "r", lambda values: self._param("rows", values, col["type"]))
        elif batches and col["name"].lower() == batches.column:   # the batch's own number
            self.value = batches.value()
        elif col.get("after_parent"):   # a gap after the parent row's value: resolve() adds the two
            self.v = self._u()
        elif col.get("after"):  # drawn as its gap after another column; bound() adds the two
            self.v = self._u()
            gap = self._interpolate(col["after"]["gaps"], "gap", self.v)
            self.value = f"round({gap})" if self.family in ("integer", "date") else gap
        else:
            getattr(self, "_" + col["kind"])()
        if self.cut > 0 and not self.fixed:
            self.uniforms.setdefault(f"u{j}", uniform(self.stream))

    # -- helpers shared by kinds --------------------------------------------------------------------
    @property
    def cut(self) -> float:
        """The share of rows that take no drawn value: nulls, then special values (inf, NaN, 'infinity')."""
        nulls = 0.0 if self.nulls_apart else self.col["nulls"]
        return nulls + sum((self.col.get("special") or {}).get("shares", []))

    @property
    def nulls_given(self) -> bool:
        """NULL drawn per bin of the parent (`given.nulls`), from a uniform of its own, not the value's."""
        return bool((self.col.get("given") or self.col.get("cluster") or {}).get("nulls")) and not self.fixed

    @property
    def nulls_apart(self) -> bool:
        """NULL drawn apart from the value's uniform: per bin of the parent, or with a block's (`missing`)."""
        return self.nulls_given or bool(self.latent)

    def _u(self) -> str:
        """The column's main uniform, rescaled past the null and special fractions so that they cost no extra
        hash (a column in the copula draws those from its own hash and its values from the copula)."""
        if self.shared:
            return self.shared
        if self.batched:   # the batch's draw; whether the row is NULL (or special) stays the row's own (u{j})
            self.uniforms[f"b{self.j}"] = uniform(self.stream, BATCH)
            return f"b{self.j}"
        if self.spread:   # stepped from the batch's draw
            self.uniforms[f"b{self.j}"] = self.batches.spread(self.stream)
            return f"b{self.j}"
        u = f"u{self.j}"
        self.uniforms[u] = uniform(self.stream)
        p = self.cut
        if p <= 0:
            return u
        # at least 0: a NULL row's value is never read, but Spark (ANSI) refuses the list position 0 it would compute
        self.helpers[f"v{self.j}"] = f"greatest(({u} - {number(p)}) / {number(1.0 - p)}, {number(0.0)})"
        return f"v{self.j}"

    def _param(self, what: str, values: list, element_type: str) -> str:
        self.params[f"c{self.j}_{what}"] = (values, element_type)
        return f"p.c{self.j}_{what}"

    def _interpolate(self, knots: list, what: str = "q", v: str | None = None, steps: bool = False) -> str:
        """Inverse CDF through quantile knots: linear between knots, so bounds and shape are kept; with
        `steps`, the knot itself (each knot an equal share of probability): a discrete column's exact values."""
        v = v or self._u()
        q = self._param(what, [float(x) for x in knots], "DOUBLE")
        if steps:
            return at(q, f"least(floor({v} * {len(knots)})::INTEGER, {len(knots) - 1}) + 1")
        d = self._param(what + "d", [float(b - a) for a, b in zip(knots, knots[1:])] + [0.0], "DOUBLE")
        x, k = f"x{self.j}{what}", f"k{self.j}{what}"
        self.helpers[x] = f"{v} * {len(knots) - 1}"
        self.helpers[k] = f"floor({v} * {len(knots) - 1})::INTEGER"
        return f"({at(q, f'{k} + 1')} + ({x} - {k}) * {at(d, f'{k} + 1')})"

    # -- kinds ---------------------------------------------------------------------------------------
    def _constant(self):
        self.value = literal(self.col.get("value"))

    def _boolean(self):
        self.v = self._u()
        if "cluster" not in self.col:   # else: a share of true per cluster, in resolve()
            self.value = f"({self.v} < {number(self.col['p_true'])})"

    def _categorical(self):
        v = self.v = self._u()
        values, weights = self.col["values"], self.col["weights"]
        if "given" in self.col or "cluster" in self.col:
            return  # drawn per bin of its parent or per cluster: resolve() runs once every column is built
        if len(values) <= LADDER or self.col.get("ordered"):  # a short CASE ladder on cumulative weights beats
            # three list lookups, and is monotone in the uniform (ordered numbers: in the copula)
            total, cumulative, arms, index = float(sum(weights)), 0.0, [], []
            # typed arms for numbers: DuckDB cannot unify a UHUGEINT literal with small integers, nor 'nan' with 1.5
            lit = ((lambda x: f"CAST({literal(x)} AS {self.col['type']})")
                   if self.family in ("integer", "float", "decimal") else literal)
            for i, (value, weight) in enumerate(zip(values[:-1], weights[:-1])):
                cumulative += weight
                arms.append(f"WHEN {v} < {number(cumulative / total)} THEN {lit(value)}")
                index.append(f"WHEN {v} < {number(cumulative / total)} THEN {i}")
            self.value = f"CASE {' '.join(arms)} ELSE {lit(values[-1])} END" if arms else lit(values[-1])
            self.index = f"CASE {' '.join(index)} ELSE {len(values) - 1} END" if index else "0"
            return
        vals = self._param("vals", values, self.col["type"])
        pick = self._alias_pick(weights, v)
        self.value, self.index = at(vals, pick), f"({pick} - 1)"

    def _alias_pick(self, weights: list[float], v: str) -> str:
        """A 1-based index drawn with probability ∝ weights from uniform v (Vose's alias method)."""
        prob, alias = alias_table(weights)
        pr = self._param("prob", prob, "DOUBLE")
        al = self._param("alias", alias, "INTEGER")
        x, k = f"x{self.j}", f"k{self.j}"
        self.helpers[x] = f"{v} * {len(weights)}"
        self.helpers[k] = f"floor({v} * {len(weights)})::INTEGER"
        return f"CASE WHEN {x} - {k} < {at(pr, f'{k} + 1')} THEN {k} + 1 ELSE {at(al, f'{k} + 1')} END"

    def resolve(self, columns: dict[str, "Column"]) -> None:
        """A conditional column: an alias table (categorical), quantile knots (numeric) or a share of true
        (boolean) per bin of its parent, the bin read off the parent's draw, or per hidden cluster (`cl`, a
        layer of its own). A parent resolves before its children (_columns)."""
        self.by_name = columns
        if self.col["kind"] == "pool" and not self.fixed:   # a pool row that may follow another table's (_pool_row)
            self._pool()
        if self.col.get("by_pool") and not self.fixed:
            self._reference()
        if self.col.get("after_parent") and not self.fixed:
            self._after_parent(columns)
        inherit = self.col.get("inherit")
        if inherit and not self.fixed:   # the value of the row another foreign key points at, in a share of rows
            through = columns[inherit["through"].lower()]
            copied = row_value(self.lookup, through.col["table"], inherit["column"], through.parent_row, latent=True,
                               listed=self.listed)
            self.uniforms[f"i{self.j}"] = uniform(self.stream + INHERIT_DRAWS)
            self.value = (f"CASE WHEN i{self.j} < {number(float(inherit['share']))} THEN coalesce({copied}, "
                          f"{self.value}) ELSE {self.value} END")
        given, table = self.col.get("given"), self.col.get("cluster")
        if not (given or table) or self.fixed:
            return
        if table:
            rows = table["quantiles" if self.col["kind"] in ("numeric", "datetime") else
                         "p_true" if self.col["kind"] == "boolean" else "weights"]
            bins, bin_of, nulls = len(rows), "cl", table.get("nulls")
        else:
            parent = columns[given["column"].lower()]
            bins, nulls = int(given["bins"]), given.get("nulls")
            parents = [columns[name] for name in given_names(self.col)]
            if parent.col["kind"] == "categorical":
                position = [f"greatest(0, coalesce({p.index}, 0))" for p in parents]
                # a pair's combination: the first's position times the second's values, plus the second's
                bin_of = position[0] if len(parents) == 1 else \
                    f"({position[0]} * {len(parents[1].col['values'])} + {position[1]})"
            elif parent.early:   # a value set after the parent row's: its bin read off the value, by its own knots
                bin_of = parent.bin_of_value(bins)
            else:  # equal-frequency bins of the parent are equal slices of its uniform
                bin_of = f"least({bins - 1}, greatest(0, floor({parent.v} * {bins})))::INTEGER"
            rows = given["quantiles" if self.col["kind"] == "numeric" else "weights"]
            nullable = [p for p in parents if p.col["nulls"] > 0]
            if given.get("null") is not None and nullable:  # a NULL parent: one more bin, after the others
                bin_of = f"CASE WHEN {' OR '.join(p.null_test for p in nullable)} THEN {bins} ELSE ({bin_of}) END"
                rows = rows + [given["null"]]
        if self.nulls_given:   # NULL as often as in the data's rows of the parent's bin (or the cluster)
            shares = nulls[:len(rows)] + [self.col["nulls"]] * (len(rows) - len(nulls))
            if self.latent:   # with its block's NULLs: its latent normal below the bin's threshold
                cuts = self._param("gz", [threshold(x) for x in shares], "DOUBLE")
                self.null_if = f"({self.latent} < {at(cuts, f'{bin_of} + 1')})"
            else:
                self.uniforms[f"w{self.j}"] = uniform(self.stream + NULL_DRAWS)
                self.null_if = f"w{self.j} < {at(self._param('gn', shares, 'DOUBLE'), f'{bin_of} + 1')}"
        if self.col["kind"] == "boolean":
            self.value = f"({self.v} < {at(self._param('pt', rows, 'DOUBLE'), f'{bin_of} + 1')})"
            return
        # one flat list per parameter, row-major by bin: a nested list would copy a bin's row for every row
        if self.col["kind"] in ("numeric", "datetime"):
            knots, finish = rows, self._rounded
            if self.col["kind"] == "datetime":
                knots, finish = [[epoch(x, self.family) for x in row] for row in rows], self._as_datetime
            width = len(knots[0])
            q = self._param("q", [x for row in knots for x in row], "DOUBLE")
            if self.col.get("steps"):   # a discrete column: the knot itself (each an equal share of the bin)
                step = f"least(floor({self.v} * {width})::INTEGER, {width - 1})"
                self.value = finish(at(q, f"{bin_of} * {width} + {step} + 1"))
                return
            self.value = finish(self._per_bin(knots, bin_of, "q", q))
            return
        if len(self.col["values"]) <= LADDER or self.col.get("ordered"):
            # a ladder per cluster or parent bin: monotone in the uniform, so that the copula can correlate it
            # within its cluster or its parent's bin
            n = len(self.col["values"])
            cum = []
            for w in rows:
                total, running = float(sum(w)), 0.0
                for x in w[:-1]:
                    running += x
                    cum.append(running / total)
            cw = self._param("cw", cum, "DOUBLE")
            index = " ".join(f"WHEN {self.v} < {at(cw, f'{bin_of} * {n - 1} + {i + 1}')} THEN {i}" for i in range(n - 1))
            self.index = f"(CASE {index} ELSE {n - 1} END)"
            self.value = at(self._param("vals", self.col["values"], self.col["type"]), f"{self.index} + 1")
            return
        tables = [alias_table(w) for w in rows]
        vals = self._param("vals", self.col["values"], self.col["type"])
        pr = self._param("prob", [x for t in tables for x in t[0]], "DOUBLE")
        al = self._param("alias", [x for t in tables for x in t[1]], "INTEGER")
        n = len(self.col["values"])
        x, k = f"x{self.j}", f"k{self.j}"
        self.helpers[x] = f"{self.v} * {n}"
        self.helpers[k] = f"floor({self.v} * {n})::INTEGER"
        at_slot = f"{bin_of} * {n} + {k} + 1"
        pick = f"CASE WHEN {x} - {k} < {at(pr, at_slot)} THEN {k} + 1 ELSE {at(al, at_slot)} END"
        self.value, self.index = at(vals, pick), f"({pick} - 1)"   # a parent of a functional link reads the index

    def _after_parent(self, columns: dict[str, "Column"]) -> None:
        """The value of the column the foreign key's parent row holds (across.py: layout.row_value there) plus a
        gap drawn from the data's gaps, computed before layer 3 (`early`) so that columns conditioned on this
        one can read its bin off it."""
        rule = self.col["after_parent"]
        through = columns[rule["through"].lower()]
        parent = self.lookup(through.col["table"])
        theirs = next((c for c in parent["columns"] if c["name"].lower() == rule["column"].lower()), None)
        keys = fixed_keys(self.lookup(self.col["table"]), self.col) if self.col["kind"] == "reference" else None
        if theirs is None or type_family(theirs["type"]) != self.family or not (
                keys is not None and own_draw(theirs) and str(theirs["table"]).lower() == self.col["table"].lower()
                if self.col["kind"] == "reference" else marginal(parent, theirs)):
            raise SpecError(f"spec {self.table!r}, column {self.col['name']!r}: after_parent.column must be a "
                            f"{self.family} column of {parent['name']!r} drawn on its own (no copula, rule or "
                            "condition; for a reference, to the same fixed table with keys in steps); remove "
                            "'after_parent' to draw the column on its own")
        earlier = row_value(self.lookup, parent["name"], theirs["name"], through.parent_row, latent=True,
                            listed=self.listed)
        gap = drawing(self._param)[2](rule["gaps"], "gap", self.v)
        gap = f"round({gap})" if self.family in ("integer", "date") else gap   # whole units, as the in-table rule
        self.early[f"a{self.j}"] = f"({as_number(earlier, self.family)} + {gap})"
        if keys is not None:   # the key at or after it, within the fixed table's keys: a key that exists
            first, last, step = keys
            self.value = (f"CAST(least(greatest({first} + ceil((a{self.j} - {first}) / {step}) * {step}, {first}), "
                          f"{last}) AS {self.col['type']})")
            return
        # rounded up to the column's own grid: never below the parent's value, whatever grid that has
        self.value = (as_datetime(f"a{self.j}", self.col, up=True) if self.col["kind"] == "datetime"
                      else rounded(f"a{self.j}", self.col, self.col.get("quantiles") or [], up=True))

    def _per_bin(self, knots: list[list[float]], bin_of: str, what: str, q: str | None = None) -> str:
        """Inverse CDF through the knots of bin `bin_of` (one flat list per parameter, row-major by bin: a nested
        list would copy a bin's row for every row), at the column's uniform."""
        width = len(knots[0])
        q = q or self._param(what, [x for row in knots for x in row], "DOUBLE")
        d = self._param(what + "d", [x for row in knots for x in [b - a for a, b in zip(row, row[1:])] + [0.0]], "DOUBLE")
        x, k = f"x{self.j}{what}", f"k{self.j}{what}"
        self.helpers[x] = f"{self.v} * {width - 1}"
        self.helpers[k] = f"floor({self.v} * {width - 1})::INTEGER"
        at_knot = f"{bin_of} * {width} + {k} + 1"
        return f"({at(q, at_knot)} + ({x} - {k}) * {at(d, at_knot)})"

    def gap_by_bin(self, columns: dict[str, "Column"]) -> None:
        """`after` with its gap drawn per bin of the earlier value (`by_bin`), the bin read off the earlier
        column's value as drawn (its own expression, cut at `edges`): run once every other column is resolved."""
        after = self.col["after"]
        earlier = columns[after["column"].lower()]
        drawn = as_number(f"({earlier.value})", earlier.family)
        arms = " ".join(f"WHEN {drawn} < {number(float(e))} THEN {k}" for k, e in enumerate(after["edges"]))
        gap = self._per_bin(after["by_bin"], f"(CASE {arms} ELSE {len(after['edges'])} END)" if arms else "0", "gb")
        self.value = f"round({gap})" if self.family in ("integer", "date") else gap

    def bin_of_value(self, bins: int) -> str:
        """The equal-frequency bin (of `bins`) of this column's own distribution that its early value falls in: a
        uniform v's bin is floor(v × bins), and its value the quantile at v, below the edge at k / bins iff v is."""
        knots = [float(epoch(q, self.family)) if self.col["kind"] == "datetime" else float(q) for q in self.col["quantiles"]]
        edges = [float(np.interp(k / bins, np.linspace(0, 1, len(knots)), knots)) for k in range(1, bins)]
        arms = " ".join(f"WHEN a{self.j} < {number(e)} THEN {k}" for k, e in enumerate(edges))
        return f"(CASE {arms} ELSE {bins - 1} END)" if arms else "0"

    def _numeric(self):
        self.v = self._u()
        if "given" in self.col or "cluster" in self.col:
            return  # knots per bin of its parent or per cluster: resolve() runs once every column is built
        self.value = self._rounded(self._interpolate(self.col["quantiles"], v=self.v, steps=bool(self.col.get("steps"))))

    def _rounded(self, x: str) -> str:
        given = self.col.get("given") or self.col.get("cluster") or {}
        return rounded(x, self.col, self.col.get("quantiles") or [k for row in given.get("quantiles", []) for k in row])

    def _datetime(self):
        self.v = self._u()
        if "cluster" in self.col:
            return  # knots per cluster: resolve() runs once every column is built
        knots = [epoch(q, self.family) for q in self.col["quantiles"]]
        self.value = self._as_datetime(self._interpolate(knots, v=self.v, steps=bool(self.col.get("steps"))))

    def _as_datetime(self, x: str) -> str:
        given = self.col.get("given") or self.col.get("cluster") or {}
        knots = self.col.get("quantiles") or [k for row in given.get("quantiles", []) for k in row]
        return as_datetime(x, self.col, knots=[epoch(k, self.family) for k in knots])

    # -- the typed, named output -------------------------------------------------------------------
    def bound(self) -> str:
        """The final value under the source's column name, formatted back into text where it was `parsed`."""
        value = self.alias   # its final value: rules on other columns' values applied (finals.py)
        if self.written.get("parsed") and not self.fixed:   # (a fixed table's rows are the source's texts)
            value = format_sql(value, self.written, f"a{self.j}" if affix_index("", self.written) else None)
            if self.written.get("markers"):
                value = f"coalesce({value}, mv{self.j})"   # a missing value written as the source writes it
        if self.written.get("max_length") and not self.fixed and not self.col.get("unique"):   # a VARCHAR(n) of
            # the DDL: no longer text (a unique one is cut before its number, in _output)
            n = int(self.written["max_length"])
            if self.col["kind"] == "text":   # free text is cut after its last whole word that fits, if any
                value = (f"CASE WHEN length({value}) > {n} THEN coalesce(nullif(regexp_extract(left({value}, {n + 1}), "
                         f"'^(.*\\S)\\s', 1), ''), left({value}, {n})) ELSE {value} END")
            else:
                value = f"left({value}, {n})"
        return f"{value} AS {ident(self.col['name'])}"

    @property
    def null_test(self) -> str:
        """When this column's draw is NULL (or special), for a child that has a table for a NULL parent."""
        return self.null_if if self.nulls_apart else f"u{self.j} < {number(self.col['nulls'])}"

    def given_parent(self, by_name: dict[str, "Column"]) -> "Column | None":
        """The column this one is drawn `given`, if any (`by_name`: the table's columns by lower-case name)."""
        return by_name.get(str((self.col.get("given") or {}).get("column", "")).lower())

    def given_parents(self, by_name: dict[str, "Column"]) -> list["Column"]:
        """given_parent, and the second of a pair (`given.and`)."""
        return [by_name[name] for name in given_names(self.col) if name in by_name]

    def carried(self) -> list[str]:
        """The aliases output() gives, which the layers of rules (finals.py) pass on."""
        return [self.alias] + [alias for alias, _ in self._written_apart()]

    def output(self) -> str:
        if self.fixed:
            return f"CAST({self.value} AS {self.written['type']}) AS {self.alias}"
        return ", ".join([self._output()] + [f"{sql} AS {alias}" for alias, sql in self._written_apart()])

    def _written_apart(self) -> list[tuple[str, str]]:
        """(alias, SQL) of what a typed text's row writes beside its value (readings.py): which of its [prefix,
        suffix] pairs is around it, and which marker stands where it is missing."""
        if self.fixed:
            return []
        drawn = [(f"a{self.j}", affix_index(f"x{self.j}", self.written)),
                 (f"mv{self.j}", marker_pick(f"mk{self.j}", self.written))]
        return [(alias, sql) for alias, sql in drawn if sql]

    def _output(self) -> str:
        value, arms, edge = self.value, [], self.col["nulls"]
        if self.nulls_apart:
            arms.append(f"WHEN {self.null_if} THEN NULL")
            edge = 0.0
        elif edge > 0:
            arms.append(f"WHEN u{self.j} < {number(edge)} THEN NULL")
        special = self.col.get("special") or {}
        for x, share in zip(special.get("values", []), special.get("shares", [])):
            edge += share
            arms.append(f"WHEN u{self.j} < {number(edge)} THEN CAST({string(x)} AS {self.col['type']})")
        if self.col.get("unique"):   # a UNIQUE text: the row's number written in
            value = numbered(value, "r", self.written.get("max_length"))
        if arms:
            value = f"CASE {' '.join(arms)} ELSE {value} END"
        if self.col.get("after"):  # still a gap: bound() types it
            return f"{value} AS {self.alias}"
        return f"CAST({value} AS {self.col['type']}) AS {self.alias}"

