"""Spec -> pure SQL: a one-row parameter table and a table macro that draws any slice of rows.

Row r of a run with seed s depends only on (r, s): every random number is a hash of (r, s, stream), so a run
is identical on any thread count, and rows [start, start+n) equal the same slice of one big run. The
macro reads rows from `fastgen.counter` (2^20 persisted integers) cross-joined with a block number, which
DuckDB scans in parallel, unlike `range()`, a row group per thread (_rows).

The SELECT has three layers: uniforms from hashes (then, with a copula, its steps: normals, correlated
scores, back to uniforms), per-column helpers (rescaled uniform, interpolation index), then the typed values
under the source's column names; a fourth applies rules between columns (arithmetic, orderings, CHECK
bounds) to the drawn values. A value that other columns read before theirs are drawn (a time after its parent
row's, whose bin a conditioned column reads) has a layer of its own before the typed values.
"""
from __future__ import annotations

from . import finals
from .batches import BATCH, POSITION, Batches
from .columns import Column
from .draws import BLOCK, CLUSTER, Copula, cluster_ladder, streams, uniform
from .layout import Nest
from .missing import Missing
from .errors import SpecError
from .sqltext import ident, list_literal, list_text


def macro_name(gen: str) -> str:
    return "fastgen." + ident("gen_" + gen)


def params_name(gen: str) -> str:
    return "fastgen." + ident("params_" + gen)



def _columns(spec: dict, lookup) -> tuple[list[Column], Copula, dict, Batches | None]:
    def find(name):
        if name.lower() == spec["name"].lower():
            return spec
        found = lookup(name) if lookup else None
        if found is None:
            raise SpecError(f"spec {spec['name']!r} references generator {name!r}, which does not exist")
        return found
    copula = Copula({} if spec.get("fixed") else spec)
    if spec.get("clusters") and not spec.get("fixed"):   # a row's hidden cluster, drawn before its columns
        copula.uniforms["ucl"], ladder = uniform(streams(spec) + CLUSTER), cluster_ladder(spec["clusters"]["weights"])
        copula.layers.append({"cl": ladder})
    missing = Missing(spec)   # NULLs drawn together: their normals beside the copula's, layer by layer
    copula.uniforms.update(missing.uniforms)
    for i, layer in enumerate(missing.layers):
        if i < len(copula.layers):
            copula.layers[i].update(layer)
        else:
            copula.layers.append(layer)
    shared: dict[str, tuple[list, str]] = {}   # parameters of the table rather than of one column (a nest's layout)

    named: dict[tuple, str] = {}

    def param(what: str, values: list, element_type: str) -> str:
        """A list parameter of the table, once however many columns read it (other tables' layouts and knots
        that row_value computes here too)."""
        key = (what, element_type, repr(values))
        if key not in named:
            named[key] = f"t_{what}" if f"t_{what}" not in shared else f"t_{what}_{len(shared)}"
            shared[named[key]] = (values, element_type)
        return f"p.{named[key]}"
    nest = Nest(spec, find, param) if any(c.get("nested") or c.get("within") for c in spec["columns"]) else None
    batches = Batches(spec, param) if spec.get("batches") and not spec.get("fixed") else None
    columns = [Column(j, col, spec["name"], find, copula.of.get(col["name"].lower()), nest, batches,
                      missing.of.get(col["name"].lower()), param) for j, col in enumerate(spec["columns"])]
    by_name = {c.col["name"].lower(): c for c in columns}
    def depth(c: Column, d: int = 0) -> int:   # links up to a column drawn on its own (spec.readable_parent:
        # at most 2), along the longer path where a pair is the parent
        return max((depth(p, d + 1) for p in c.given_parents(by_name)), default=d) if d < len(columns) else d
    for c in sorted(columns, key=depth):   # parents first: a child reads their draw
        c.resolve(by_name)
    for c in columns:   # a list of codes that grows with the world: its drawn position is final (a value copied
        if c.col.get("grows") and not c.fixed and not c.col.get("inherit"):   # from another table's row stays)
            c.grow()
    for c in columns:   # a gap per bin of an earlier column reads that column's value, now final
        if (c.col.get("after") or {}).get("by_bin") and not c.fixed:
            c.gap_by_bin(by_name)
    return columns, copula, shared, batches


def _params(columns: list[Column], shared: dict[str, tuple[list, str]], compact: bool = False) -> str:
    """The parameter table's SELECT list: every parameter is a list. `compact` (DuckDB's own table, not a query
    for another engine): each list one text that DuckDB casts in C++ (sqltext.list_text); as a list of
    literals, each element is an expression to parse and bind (1,000 columns' knots, pools and values, 35 MB of
    SQL, took 5.4 s and 0.8 GB to create)."""
    params = {**shared, **{k: v for c in columns for k, v in c.params.items()}}
    render = list_text if compact else list_literal
    return ", ".join(f"{render(values, element_type)} AS {name}" for name, (values, element_type) in params.items()) \
        or "NULL AS unused"


def _select(columns: list[Column], copula: Copula, rows: str, params: str, batches: Batches | None = None) -> str:
    """The sampler's SELECT: uniforms from hashes, per-column helpers, then typed values (then CHECK bounds)."""
    def layer(exprs: dict[str, str], carry: str) -> str:
        return ", ".join([carry] + [f"{e} AS {a}" for a, e in exprs.items()])

    carry = "r"
    if batches:   # the row's batch, for the draws made once per batch (its layout is a parameter)
        carry = f"r, {BATCH}" + (f", {POSITION}" if batches.distinct else "")
        position = f", {batches.position()} AS {POSITION}" if batches.distinct else ""
        rows = f"SELECT r, {batches.number()} AS {BATCH}{position} FROM ({rows}), {params} AS p"

    uniforms = {**copula.uniforms, **{a: e for c in columns for a, e in c.uniforms.items()}}
    helpers = {a: e for c in columns for a, e in c.helpers.items()}
    early = {a: e for c in columns for a, e in c.early.items()}
    drawn = f"SELECT {layer(uniforms, carry)} FROM ({rows})"
    for exprs in copula.layers:
        drawn = f"SELECT {layer(exprs, '*')} FROM ({drawn})"
    drawn = f"SELECT {layer(helpers, '*')} FROM ({drawn})"
    if early:   # values other columns read before theirs are drawn (columns.Column.early): the lists again
        drawn = f"SELECT {layer(early, 'h.*')} FROM ({drawn}) AS h, {params} AS p"
    for k in range(max((len(c.steps) for c in columns), default=0)):   # each reading the step before's
        step = {a: e for c in columns if k < len(c.steps) for a, e in c.steps[k].items()}
        drawn = f"SELECT {layer(step, '*')} FROM ({drawn})"
    body = (f"SELECT {', '.join(c.output() for c in columns)}\n"
            f"FROM ({drawn}),\n"
            f"     {params} AS p")
    carried = [a for c in columns for a in c.carried()]
    for layer in finals.layers(columns):   # rules between columns, each reading the others' final values
        body = f"SELECT {', '.join(f'{layer[a]} AS {a}' if a in layer else a for a in carried)} FROM ({body})"
    return f"SELECT {', '.join(c.bound() for c in columns)} FROM ({body})"  # the source's names and formats


VECTOR = 2048            # rows DuckDB processes at a time
ROW_GROUP_VECTORS = 60   # vectors of one of the counter's row groups (122,880 rows), the unit of a parallel scan
LANES = BLOCK // (ROW_GROUP_VECTORS * VECTOR)   # the counter's whole row groups (8): the most a short run spans


def _rows() -> str:
    """Row numbers start + [0, n): block b of the run (BLOCK rows) takes its rows from fastgen.counter, vector
    by vector, in order. A block of v vectors that would fill fewer row groups than DuckDB has threads (100,000
    rows: one) takes every (span / v)-th vector of span = ROW_GROUP_VECTORS × least(threads, LANES, v) instead, so that each
    thread scans a row group of them; a whole vector each, as a thinner spread gives many small chunks. Row r is
    the same row whichever vectors it came through."""
    t = f"least(current_setting('threads')::BIGINT, {LANES})"
    blocks = (f"(SELECT b, vecs, CASE WHEN vecs < {ROW_GROUP_VECTORS} * t THEN {ROW_GROUP_VECTORS} * least(t, vecs) "
              f"ELSE vecs END AS span FROM (SELECT b, (least({BLOCK}, n - b * {BLOCK}) + {VECTOR - 1}) // {VECTOR} AS vecs, "
              f"{t} AS t FROM range((n + {BLOCK - 1}) // {BLOCK}) AS blocks(b)))")
    vector = f"c.i // {VECTOR}"
    j = f"(({vector}) * vecs + span - 1) // span"          # the block's j-th vector, if this counter vector is one
    row = f"b * {BLOCK} + {j} * {VECTOR} + c.i % {VECTOR}"
    return (f"SELECT start + {row} AS r FROM {blocks} AS blocks, fastgen.counter AS c "
            f"WHERE {j} * span // vecs = {vector} AND {row} < n")


def compile_spec(spec: dict, lookup=None) -> tuple[str, str]:
    """The two statements that (re)create a generator: its parameter table and its table macro.

    `lookup(name) -> spec` finds the generators that foreign keys reference (their key formulas are inlined).
    """
    columns, copula, shared, batches = _columns(spec, lookup)
    params_sql = f"CREATE OR REPLACE TABLE {params_name(spec['name'])} AS SELECT {_params(columns, shared, True)}"
    body = _select(columns, copula, _rows(), params_name(spec["name"]), batches)
    macro_sql = f"CREATE OR REPLACE MACRO {macro_name(spec['name'])}(n, seed, start, scale) AS TABLE\n{body}"
    return params_sql, macro_sql


def compile_query(spec: dict, lookup=None, compact: bool = False) -> str:
    """One self-contained SELECT (parameters in a CTE) over `fastgen_rows(r)`, with n, seed, start and scale
    left as bare names: the form that dialect.py rewrites for other engines (`compact`: for DuckDB itself, the
    parameters as the stored sampler's are, _params)."""
    columns, copula, shared, batches = _columns(spec, lookup)
    return (f"WITH fastgen_params AS (SELECT {_params(columns, shared, compact)})\n"
            + _select(columns, copula, "SELECT r FROM fastgen_rows", "fastgen_params", batches))
