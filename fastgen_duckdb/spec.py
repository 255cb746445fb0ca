"""The generator spec: a plain, versioned, hand-editable JSON document, and its validation.

A spec says, per column, what the column *is* (its kind) and the parameters that reproduce it. It is the
only thing inference produces and the only thing the compiler reads, so every spec, whether profiled,
proposed by an LLM or edited by hand, passes `validate` before it is compiled.

    {"fastgen_spec": 1, "name": "orders", "source": "orders", "source_rows": 15000,
     "columns": [{"name": "o_orderstatus", "type": "VARCHAR", "kind": "categorical",
                  "nulls": 0.0, "values": ["F", "O", "P"], "weights": [0.49, 0.49, 0.02]}, ...]}
"""
from __future__ import annotations

import unicodedata
import zlib

import duckdb

from .dtypes import drawn_type, parse_type, require_supported, type_family
from .across import validate as validate_inherit
from .rollups import validate as validate_sum_of
from .draws import own_draw
from .countries import validate as validate_countries
from .errors import SpecError
from .kinds import (KINDS, KINDS_BY_FAMILY, LADDER, ORDERED_VALUES, check_values, finite_number, probability,
                    sorted_numbers, validate_kind)
from .readings import validate as validate_parsed

SPEC_VERSION = 1
MAX_SUM_TERMS = 63  # columns a total (`equals` a sum) adds up
MAX_DEPTH = 2       # links from a column drawn on its own down to one drawn `given` (a category, its class, a brand)


def default_salt(name: str) -> int:
    """A generator's own random streams, from its name (any case): stable, and different between generators."""
    return zlib.crc32(name.lower().encode()) & 0x7FFFFFFF


def check_name(name: str) -> str:
    """A generator name: any text DuckDB can quote, but no control characters (a newline would end an SQL
    comment in an exported script) and unique among generators regardless of case, as DuckDB's names are."""
    bad = [ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        raise SpecError(f"generator name {name!r} holds control characters ({', '.join(sorted({repr(b) for b in bad}))}); "
                        "choose another name (name := '…')")
    return name


def validate(spec: dict, con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Check a spec and return it with types normalized; raise SpecError saying what is wrong and where."""
    con = con or duckdb.connect()
    if not isinstance(spec, dict):
        raise SpecError("a spec is a JSON object")
    if spec.get("fastgen_spec") != SPEC_VERSION:
        raise SpecError(f"unknown spec version {spec.get('fastgen_spec')!r}; this fastgen reads version {SPEC_VERSION}")
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SpecError("a spec needs a non-empty 'name'")
    check_name(name)
    columns = spec.get("columns")
    if not isinstance(columns, list) or not columns:
        raise SpecError(f"spec {name!r}: 'columns' must be a non-empty list")
    _refill_semantic(spec, name)
    seen = set()
    for col in columns:
        if not isinstance(col, dict) or not isinstance(col.get("name"), str) or not col["name"]:
            raise SpecError(f"spec {name!r}: every column needs a non-empty 'name'")
        where = f"spec {name!r}, column {col['name']!r}"
        if "\x00" in col["name"]:
            raise SpecError(f"{where}: a column name cannot hold a NUL byte; rename it (e.g. in a query source)")
        if col["name"].lower() in seen:
            raise SpecError(f"{where}: duplicate column name (names are unique regardless of case, as in DuckDB); "
                            "rename one of the two")
        seen.add(col["name"].lower())
        col["type"] = str(parse_type(col.get("type", "")))
        family = type_family(col["type"])
        if family is None:
            require_supported([(col["name"], col["type"])])
        if col.get("parsed") is not None:
            family = validate_parsed(col, family, where)
        elif col.get("markers") is not None:
            raise SpecError(f"{where}: 'markers' (texts written for a missing value) apply to a column with 'parsed'; "
                            "remove them")
        kind = col.get("kind")
        if kind not in KINDS:
            raise SpecError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if kind not in KINDS_BY_FAMILY[family]:
            raise SpecError(f"{where}: kind {kind!r} does not apply to type {col['type']}")
        col["nulls"] = probability(col.get("nulls", 0.0), f"{where}, nulls")
        if col.get("parsed") and kind == "reference":
            raise SpecError(f"{where}: a {kind} is drawn in its own type; remove 'parsed'")
        longest = col.get("max_length")
        if longest is not None and (isinstance(longest, bool) or not isinstance(longest, int) or longest < 1
                                    or type_family(col["type"]) != "string" or kind in ("key", "reference")):
            raise SpecError(f"{where}: 'max_length' (a VARCHAR(n)'s n: longer values are cut) must be a whole number "
                            f">= 1 on a text column that is no key or reference, got {longest!r}")
        if col.get("unique") is not None and (col["unique"] is not True or type_family(col["type"]) != "string"
                                              or col.get("parsed") or kind not in ("categorical", "text")):
            raise SpecError(f"{where}: 'unique' (each value numbered: its row's number written before its first '@', "
                            f"else before its closing punctuation) is true on a text column drawn as categorical or "
                            f"text, got {col['unique']!r}; remove it, or make the column a key")
        validate_kind(con, {**col, "type": col["parsed"]} if col.get("parsed") else col, family, where)
    names = {c["name"].lower() for c in columns}
    by_name = {c["name"].lower(): c for c in columns}
    for col in columns:
        if col.get("given") is not None:
            _validate_given(col, by_name, f"spec {name!r}, column {col['name']!r}")
        for field in ("at_least", "at_most"):
            if col.get(field) is not None and str(col[field]).lower() not in names - {col["name"].lower()}:
                raise SpecError(f"spec {name!r}, column {col['name']!r}: {field} names no other column")
        after = col.get("after")
        if after is not None:
            other = by_name.get(str((after or {}).get("column", "")).lower()) if isinstance(after, dict) else None
            if other is None or other is col or type_family(drawn_type(other)) != type_family(drawn_type(col)) \
                    or type_family(drawn_type(col)) not in ("integer", "float", "decimal", "date", "time", "timestamp"):
                raise SpecError(f"spec {name!r}, column {col['name']!r}: after must name another column of its type")
            at = f"spec {name!r}, column {col['name']!r}"
            rows = [sorted_numbers(after.get("gaps"), f"{at}, after.gaps")]
            if after.get("by_bin") is not None or after.get("edges") is not None:
                edges, by_bin = after.get("edges"), after.get("by_bin")
                if other["kind"] not in ("numeric", "datetime") or not isinstance(edges, list) \
                        or not isinstance(by_bin, list) or len(by_bin) != len(edges) + 1:
                    raise SpecError(f"{at}: after.by_bin holds the gap's knots for each of len(after.edges) + 1 bins "
                                    "of a numeric or date column; remove both to draw one gap for every row")
                sorted_numbers(edges, f"{at}, after.edges", at_least=0)
                rows += [sorted_numbers(row, f"{at}, after.by_bin") for row in by_bin]
                if len({len(row) for row in rows[1:]}) != 1:
                    raise SpecError(f"{at}: after.by_bin's lists must have one length")
            if min(row[0] for row in rows) < 0:
                raise SpecError(f"{at}: gaps cannot be negative")
        if col.get("sum_of") is not None:
            validate_sum_of(spec, col, f"spec {name!r}, column {col['name']!r}")
        later = col.get("after_parent")
        if later is not None:   # across.py: the parent row's column is checked where the sampler computes it
            at = f"spec {name!r}, column {col['name']!r}"
            through = by_name.get(str(later.get("through", "")).lower()) if isinstance(later, dict) else None
            if through is None or through is col or through["kind"] != "reference" or through.get("inherit") \
                    or not isinstance(later.get("column"), str) \
                    or not (col["kind"] in ("numeric", "datetime") or own_draw(col) and not col.get("inherit")) \
                    or any(k in col for k in ("after", "equals", "given")):
                raise SpecError(f"{at}: after_parent is {{\"through\": a reference column of the table that inherits "
                                "nothing, \"column\": a number, time or reference of the row it points at, \"gaps\": "
                                "[sorted, >= 0]}, on a number, time or reference drawn on its own with no other rule; "
                                "remove 'after_parent' to draw it on its own")
            if sorted_numbers(later.get("gaps"), f"{at}, after_parent.gaps")[0] < 0:
                raise SpecError(f"{at}: after_parent.gaps cannot be negative")
        equals = col.get("equals")
        if equals is not None:
            (op, of), = equals.items() if isinstance(equals, dict) and len(equals) == 1 else ((None, None),)
            ok = (op == "product" and isinstance(of, list) and len(of) == 2
                  or op == "sum" and isinstance(of, list) and 2 <= len(of) <= MAX_SUM_TERMS)
            if not ok or not all(str(x).lower() in names - {col["name"].lower()} for x in of):
                raise SpecError(f"spec {name!r}, column {col['name']!r}: equals must be "
                                f"{{\"product\": [two other columns]}} or {{\"sum\": [2 to {MAX_SUM_TERMS} other "
                                "columns]}")
    from .clusters import validate as validate_clusters   # here: clusters.py builds on this module
    validate_clusters(spec, f"spec {name!r}")
    if spec.get("copula") is not None:
        _validate_copula(spec["copula"], by_name, f"spec {name!r}")
    if spec.get("fixed") is not None:
        _validate_fixed(con, spec, f"spec {name!r}")
    if spec.get("batches") is not None:
        from .batches import validate as validate_batches   # here: batches.py builds on this module's helpers
        validate_batches(spec, by_name, f"spec {name!r}")
    if any(c.get("inherit") is not None for c in columns):
        validate_inherit(spec, by_name, f"spec {name!r}")
    if spec.get("missing") is not None:
        from .missing import validate as validate_missing   # here: missing.py builds on the sampler's draws
        validate_missing(spec, by_name, f"spec {name!r}")
    _validate_pools(con, spec, by_name, f"spec {name!r}")
    validate_countries(spec, by_name, f"spec {name!r}")
    salt = spec.setdefault("salt", default_salt(name))
    if isinstance(salt, bool) or not isinstance(salt, int) or not 0 <= salt < 2 ** 31:
        raise SpecError(f"spec {name!r}: 'salt' (the generator's own random streams) must be an integer in 0..2^31-1")
    if not isinstance(spec.get("source_rows", 0), int) or spec.get("source_rows", 0) < 0:
        raise SpecError(f"spec {name!r}: 'source_rows' must be a non-negative integer")
    return spec


MAX_FIXED_ROWS = 100_000


def _validate_fixed(con, spec: dict, where: str) -> None:
    """A fixed (dimension) table: its rows, reproduced as they are at every scale; the columns' own
    distributions stay in the spec, and apply again if `fixed` is removed."""
    fixed, width = spec["fixed"], len(spec["columns"])
    rows = fixed.get("rows") if isinstance(fixed, dict) else None
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_FIXED_ROWS or \
            not all(isinstance(r, list) and len(r) == width for r in rows):
        raise SpecError(f"{where}: 'fixed' is {{\"rows\": [[one value per column], …]}}, 1 to {MAX_FIXED_ROWS:,} rows "
                        f"of {width} values; remove it to draw the table from its columns' distributions instead")
    for j, col in enumerate(spec["columns"]):
        check_values(con, [r[j] for r in rows], col["type"], f"{where}, fixed rows, column {col['name']!r}")


def copula_member(col: dict) -> bool:
    """Columns whose value is a monotone function of their uniform, so that a copula can correlate them:
    numbers and dates, categories on the CASE ladder (conditioned ones too, within their parent's bin, and one
    per hidden cluster for a column drawn per cluster: within its cluster)."""
    if col["kind"] == "categorical":
        return 2 <= len(col["values"]) <= (ORDERED_VALUES if col.get("ordered") else LADDER) \
            and not any(k in col for k in ("after", "equals"))
    return col["kind"] in ("numeric", "datetime") and not any(k in col for k in ("after", "after_parent", "equals"))


def _validate_copula(copula, by_name: dict, where: str) -> None:
    import numpy as np
    names = copula.get("columns") if isinstance(copula, dict) else None
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(x, str) for x in names) \
            or len({x.lower() for x in names}) != len(names):
        raise SpecError(f"{where}: a copula needs 'columns', two or more distinct column names")
    for x in names:
        if x.lower() not in by_name or not copula_member(by_name[x.lower()]):
            raise SpecError(f"{where}: copula column {x!r} must be a numeric or datetime column, or a categorical "
                            f"one of at most {LADDER} values ({ORDERED_VALUES} if ordered), drawn by no rule")
    rho = copula.get("correlation")
    try:
        matrix = np.array(rho, dtype=float)
        ok = matrix.shape == (len(names), len(names)) and np.allclose(matrix, matrix.T, atol=1e-6) \
            and np.allclose(np.diag(matrix), 1) and np.all(np.abs(matrix) <= 1)
        ok = ok and bool(np.linalg.cholesky(matrix).size)
    except (TypeError, ValueError, np.linalg.LinAlgError):
        ok = False
    if not ok:
        raise SpecError(f"{where}: the copula's 'correlation' must be a symmetric, positive definite "
                        f"{len(names)}×{len(names)} matrix with ones on its diagonal")


def given_names(col: dict) -> list[str]:
    """The columns (lower case) a column is drawn `given`: its parent, and a second one where a pair of category
    lists is its parent (`and`)."""
    given = col.get("given")
    if not isinstance(given, dict):
        return []
    return [str(given[k]).lower() for k in ("column", "and") if given.get(k) is not None]


def readable_parent(parent: dict, by_name: dict) -> bool:
    """Whether a column may be a `given` parent: drawn on its own, or a category list drawn given a column drawn on
    its own (its children read its drawn position; a conditioned number's bins are not slices of its uniform)."""
    given = parent.get("given")
    if given is None:
        return True
    grand = by_name.get(str(given.get("column", "")).lower()) if isinstance(given, dict) else None
    return parent["kind"] == "categorical" and grand is not None and grand is not parent and grand.get("given") is None \
        and given.get("and") is None


def _validate_given(col: dict, by_name: dict, where: str) -> None:
    given = col["given"]
    if col["kind"] not in ("categorical", "numeric") or not isinstance(given, dict):
        raise SpecError(f"{where}: 'given' applies to categorical columns ({{column, bins, weights}}) "
                        "and numeric ones ({column, bins, quantiles})")
    parent = by_name.get(str(given.get("column", "")).lower())
    if parent is None or parent is col or parent["kind"] not in ("numeric", "datetime", "categorical") \
            or not readable_parent(parent, by_name):
        raise SpecError(f"{where}: 'given' must name another numeric, datetime or categorical column drawn on "
                        "its own, or a categorical one drawn given a column drawn on its own")
    bins = given.get("bins")
    want = len(parent["values"]) if parent["kind"] == "categorical" else bins
    if given.get("and") is not None:   # a pair of category lists: a bin per combination
        second = by_name.get(str(given["and"]).lower())
        if parent["kind"] != "categorical" or second is None or second is col or second is parent \
                or second["kind"] != "categorical" or not readable_parent(second, by_name):
            raise SpecError(f"{where}: 'and' must name a second categorical column drawn on its own or given a "
                            "column drawn on its own, beside a categorical 'column'; remove 'and' to draw the column "
                            "given 'column' alone")
        want = len(parent["values"]) * len(second["values"])
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1 or bins != want:
        what = ("the number of combinations of its two parents' values" if given.get("and") is not None
                else "the parent's number of values" if parent["kind"] == "categorical" else "a positive integer")
        raise SpecError(f"{where}: 'bins' must be {what}")
    nulls = given.get("nulls")
    if nulls is not None and (not isinstance(nulls, list) or len(nulls) not in (bins, bins + 1) or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x < 1 for x in nulls)):
        raise SpecError(f"{where}: 'nulls' must hold, per bin (and one more for a NULL parent), the share of "
                        "rows that are NULL, each in [0, 1)")
    if col["kind"] == "numeric":
        rows = given.get("quantiles")
        if not isinstance(rows, list) or len(rows) != bins or not all(isinstance(r, list) for r in rows) \
                or len({len(r) for r in rows}) != 1:
            raise SpecError(f"{where}: 'quantiles' must hold, per bin, the same number of ascending knots")
        for r in rows:
            sorted_numbers(r, f"{where}, given.quantiles")
        return
    rows = given.get("weights")
    if not isinstance(rows, list) or len(rows) != bins or not all(
            isinstance(r, list) and len(r) == len(col["values"]) and min(finite_number(w, where) for w in r) >= 0
            and sum(r) > 0 for r in rows):
        raise SpecError(f"{where}: 'weights' must hold, per bin, one non-negative weight per value (positive sum)")


# -- semantic types and pools (semantic.py) ---------------------------------------------------------------
def _refill_semantic(spec: dict, name: str) -> None:
    """A spec that names semantic types without their values (or with another locale than they were filled
    for) gets them from the library, once, here: what fastgen_import needs after a hand edit."""
    if not spec.get("pools") and not any(isinstance(c, dict) and c.get("semantic") for c in spec["columns"]):
        return
    from . import fills, semantic
    for col in spec["columns"]:
        if isinstance(col, dict) and col.get("semantic") is not None and col["semantic"] not in semantic.TYPES:
            raise SpecError(f"spec {name!r}, column {col.get('name')!r}: unknown semantic type {col['semantic']!r}; "
                            f"known: {', '.join(semantic.TYPES)}")
    try:
        fills.refill(spec)
    except (ValueError, KeyError) as exc:
        raise SpecError(f"spec {name!r}: {exc}") from None


def _validate_pools(con, spec: dict, by_name: dict, where: str) -> None:
    """'pools': {name: {columns: [member names], rows: [[one text per member], …], locale, semantic}}; each
    member column has kind 'pool', its 'pool' and its 'field' (its position in the pool's columns)."""
    pools = spec.get("pools")
    members = [c for c in spec["columns"] if c.get("kind") == "pool"]
    if pools is None and not members:
        return
    if not isinstance(pools, dict) or not pools:
        raise SpecError(f"{where}: 'pools' is {{name: {{columns: [...], rows: [[...], ...]}}}} (columns of kind "
                        "'pool' draw from it)")
    for pname, p in pools.items():
        cols = p.get("columns") if isinstance(p, dict) else None
        rows = p.get("rows") if isinstance(p, dict) else None
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) and c.lower() in by_name for c in cols) \
                or not isinstance(rows, list) or not 1 <= len(rows) <= MAX_FIXED_ROWS \
                or not all(isinstance(r, list) and len(r) == len(cols) and all(isinstance(v, str) for v in r)
                           for r in rows):
            raise SpecError(f"{where}, pool {pname!r}: needs 'columns' (names of this spec's columns) and 'rows' "
                            f"(1 to {MAX_FIXED_ROWS:,} lists of one text per column)")
        for k, cname in enumerate(cols):
            member = by_name[cname.lower()]
            if member.get("kind") != "pool" or member.get("pool") != pname or member.get("field") != k:
                raise SpecError(f"{where}, column {cname!r}: a member of pool {pname!r} has kind 'pool', "
                                f"pool {pname!r} and field {k}")
    for col in members:
        if col.get("pool") not in pools or col["name"] not in pools[col["pool"]]["columns"]:
            raise SpecError(f"{where}, column {col['name']!r}: 'pool' must name a pool that lists this column")
