"""The generator spec: a plain, versioned, hand-editable JSON document, and its validation.

A spec says, per column, what the column *is* (its kind) and the parameters that reproduce it. It is the
only thing inference produces and the only thing the compiler reads, so every spec, whether profiled,
proposed by an LLM or edited by hand, passes `validate` before it is compiled.

    {"fastgen_spec": 1, "name": "orders", "source": "orders", "source_rows": 15000,
     "columns": [{"name": "o_orderstatus", "type": "VARCHAR", "kind": "categorical",
                  "nulls": 0.0, "values": ["F", "O", "P"], "weights": [0.49, 0.49, 0.02]}, ...]}
"""
from __future__ import annotations

import math
import operator
import unicodedata
import zlib

import duckdb

from .dtypes import GRANULARITY, drawn_type, epoch, parse_type, require_supported, type_bounds, type_family
from .across import validate as validate_inherit
from .rollups import validate as validate_sum_of
from .draws import own_draw
from .countries import validate as validate_countries
from .errors import SpecError

SPEC_VERSION = 1
LADDER = 8  # categories drawn by a CASE ladder on the uniform (monotone in it) rather than an alias table...
ORDERED_VALUES = 32  # ... and numbers of at most this many values, in ascending order (`ordered`)
MAX_SUM_TERMS = 63  # columns a total (`equals` a sum) adds up
MAX_DEPTH = 2       # links from a column drawn on its own down to one drawn `given` (a category, its class, a brand)
KINDS = ("constant", "boolean", "categorical", "numeric", "datetime", "key", "reference", "text", "pool")

KINDS_BY_FAMILY = {
    "integer": {"constant", "categorical", "numeric", "key", "reference"},
    "float": {"constant", "categorical", "numeric"},
    "decimal": {"constant", "categorical", "numeric"},
    "string": {"constant", "categorical", "key", "reference", "text", "pool"},
    "boolean": {"constant", "boolean", "categorical"},
    "uuid": {"constant", "categorical", "key", "reference"},
    "date": {"constant", "categorical", "datetime"},
    "time": {"constant", "categorical", "datetime"},
    "timestamp": {"constant", "categorical", "datetime"},
}


def _number(x, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise SpecError(f"{where}: expected a finite number, got {x!r}")
    return x


def _probability(x, where: str) -> float:
    x = _number(x, where)
    if not 0 <= x <= 1:
        raise SpecError(f"{where}: expected a probability in [0, 1], got {x!r}")
    return x


def _sorted_numbers(xs, where: str, at_least: int = 2) -> list:
    if not isinstance(xs, list) or len(xs) < at_least:
        raise SpecError(f"{where}: expected a list of at least {at_least} numbers")
    if not set(map(type, xs)) <= {int, float} or not all(map(math.isfinite, xs)):   # (one pass each, in C: a
        xs = [_number(x, where) for x in xs]       # spec's lists of knots hold millions of numbers)
    if any(map(operator.gt, xs, xs[1:])):
        raise SpecError(f"{where}: must be sorted ascending")
    return xs


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


def _within_type(lo, hi, type_text: str, where: str) -> None:
    bounds = type_bounds(type_text)
    if bounds and (lo < bounds[0] or hi > bounds[1]):
        raise SpecError(f"{where}: {lo!r}..{hi!r} does not fit type {type_text} ({bounds[0]:.6g}..{bounds[1]:.6g}); "
                        "narrow the values or widen the type")


def _check_values(con, values, type_text: str, where: str) -> None:
    """Every value must cast to the column type; DuckDB does the casting so the rules are its own."""
    from .sqltext import list_text
    try:   # cast in DuckDB, fetch only a count: TIMESTAMPTZ values would need pytz to reach Python
        con.execute(f"SELECT len({list_text(values, type_text)})").fetchall()
    except (duckdb.Error, ValueError) as exc:
        raise SpecError(f"{where}: values do not fit type {type_text}: {str(exc).splitlines()[0]}") from None


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
            family = _validate_parsed(col, family, where)
        kind = col.get("kind")
        if kind not in KINDS:
            raise SpecError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if kind not in KINDS_BY_FAMILY[family]:
            raise SpecError(f"{where}: kind {kind!r} does not apply to type {col['type']}")
        col["nulls"] = _probability(col.get("nulls", 0.0), f"{where}, nulls")
        if col.get("parsed") and kind in ("key", "reference"):
            raise SpecError(f"{where}: a {kind} is drawn in its own type; remove 'parsed'")
        longest = col.get("max_length")
        if longest is not None and (isinstance(longest, bool) or not isinstance(longest, int) or longest < 1
                                    or type_family(col["type"]) != "string" or kind in ("key", "reference")):
            raise SpecError(f"{where}: 'max_length' (a VARCHAR(n)'s n: longer values are cut) must be a whole number "
                            f">= 1 on a text column that is no key or reference, got {longest!r}")
        _validate_kind(con, {**col, "type": col["parsed"]} if col.get("parsed") else col, family, where)
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
            rows = [_sorted_numbers(after.get("gaps"), f"{at}, after.gaps")]
            if after.get("by_bin") is not None or after.get("edges") is not None:
                edges, by_bin = after.get("edges"), after.get("by_bin")
                if other["kind"] not in ("numeric", "datetime") or not isinstance(edges, list) \
                        or not isinstance(by_bin, list) or len(by_bin) != len(edges) + 1:
                    raise SpecError(f"{at}: after.by_bin holds the gap's knots for each of len(after.edges) + 1 bins "
                                    "of a numeric or date column; remove both to draw one gap for every row")
                _sorted_numbers(edges, f"{at}, after.edges", at_least=0)
                rows += [_sorted_numbers(row, f"{at}, after.by_bin") for row in by_bin]
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
            if _sorted_numbers(later.get("gaps"), f"{at}, after_parent.gaps")[0] < 0:
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
        _check_values(con, [r[j] for r in rows], col["type"], f"{where}, fixed rows, column {col['name']!r}")


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


def _validate_kind(con, col: dict, family: str, where: str) -> None:
    kind = col["kind"]
    if kind == "constant":
        if col.get("value") is not None:
            _check_values(con, [col["value"]], col["type"], f"{where}, value")
    elif kind == "boolean":
        col["p_true"] = _probability(col.get("p_true"), f"{where}, p_true")
    elif kind == "categorical":
        values, weights = col.get("values"), col.get("weights")
        if not isinstance(values, list) or not values or not isinstance(weights, list) or len(weights) != len(values):
            raise SpecError(f"{where}: 'values' and 'weights' must be non-empty lists of equal length")
        if any(v is None for v in values):
            raise SpecError(f"{where}: a category cannot be null; use 'nulls' for the null fraction")
        weights = [_number(w, f"{where}, weights") for w in weights]
        if min(weights) < 0 or sum(weights) <= 0:
            raise SpecError(f"{where}: weights must be non-negative with a positive sum")
        _check_values(con, values, col["type"], where)
        if col.get("ordered") and (family not in ("integer", "float", "decimal") or len(values) > ORDERED_VALUES
                                   or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
                                   or any(a >= b for a, b in zip(values, values[1:]))):
            raise SpecError(f"{where}: 'ordered' needs at most {ORDERED_VALUES} numbers in ascending order")
        if col.get("grows") is not None:
            _validate_grows(col["grows"], family, where)
    elif kind == "numeric":
        knots = _sorted_numbers(col.get("quantiles"), f"{where}, quantiles")
        _within_type(knots[0], knots[-1], col["type"], f"{where}, quantiles")
        if col.get("round") is not None and (not isinstance(col["round"], int) or not 0 <= col["round"] <= 18):
            raise SpecError(f"{where}: 'round' must be null or an integer number of decimals in 0..18")
    elif kind == "datetime":
        quantiles = col.get("quantiles")
        if not isinstance(quantiles, list) or len(quantiles) < 2:
            raise SpecError(f"{where}: 'quantiles' must list at least 2 ISO date/time values")
        try:
            _sorted_numbers([epoch(q, family) for q in quantiles], f"{where}, quantiles")
        except (TypeError, ValueError) as exc:
            raise SpecError(f"{where}: quantiles must be ISO {family} texts: {exc}") from None
        if col.get("granularity", "microsecond") not in GRANULARITY:
            raise SpecError(f"{where}: granularity must be one of {', '.join(GRANULARITY)}")
    elif kind == "key":
        if family in ("integer", "string"):
            for field in ("start", "step"):
                if isinstance(col.get(field), bool) or not isinstance(col.get(field), int):
                    raise SpecError(f"{where}: key needs an integer {field!r}")
            if col["step"] < 1:
                raise SpecError(f"{where}: key step must be >= 1 so keys stay unique")
            if family == "integer":
                _within_type(col["start"], col["start"], col["type"], f"{where}, start")
                top = col.get("max")
                if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < col["start"]):
                    raise SpecError(f"{where}: a key's 'max' (its last allowed value) must be an integer >= its "
                                    f"start {col['start']}, got {top!r}")
            shuffle = col.get("shuffle")
            if shuffle is not None and (isinstance(shuffle, bool) or not isinstance(shuffle, int) or shuffle < 2
                                        or shuffle > 1 << 30 or shuffle & (shuffle - 1)):
                raise SpecError(f"{where}: 'shuffle' must be a power of two from 2 to 2^30 (the block permuted)")
        if family == "string":
            _validate_code_format(col.get("format"), where, "format")
    elif kind == "reference":
        if not isinstance(col.get("table"), str) or not isinstance(col.get("column"), str):
            raise SpecError(f"{where}: a reference needs the 'table' (generator) and 'column' it points to")
        if col.get("per_parent") is not None:
            counts = _sorted_numbers(col["per_parent"], f"{where}, per_parent (children per parent row, ascending)")
            if counts[0] < 0 or counts[-1] <= 0:
                raise SpecError(f"{where}: per_parent counts must be >= 0, and not all 0")
        parents = col.get("parents")
        if parents is not None:
            rows, weights = (parents.get("rows"), parents.get("weights")) if isinstance(parents, dict) else (0, 0)
            if not isinstance(rows, list) or not rows or not isinstance(weights, list) or len(weights) != len(rows) \
                    or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in rows) \
                    or not all(_number(w, f"{where}, parents.weights") >= 0 for w in weights) or sum(weights) <= 0:
                raise SpecError(f"{where}: 'parents' (the fixed parent's rows referenced, and how often) must be "
                                "{rows: [row numbers from 0], weights: [a number >= 0 each, not all 0]}")
    elif kind == "text":
        _validate_text(col, where)
    if col.get("steps") is not None and (not isinstance(col["steps"], bool) or kind not in ("numeric", "datetime")):
        raise SpecError(f"{where}: 'steps' (true: draw the knots themselves, a discrete column's values) is a "
                        "boolean of numeric and datetime columns")
    special = col.get("special")
    if special is not None:
        values, shares = (special.get("values"), special.get("shares")) if isinstance(special, dict) else (None, None)
        if kind not in ("numeric", "datetime") or not isinstance(values, list) or not values \
                or not all(isinstance(v, str) for v in values) or not isinstance(shares, list) \
                or len(shares) != len(values):
            raise SpecError(f"{where}: 'special' applies to numeric and datetime columns: "
                            "{values: [texts such as 'inf', 'nan', 'infinity'], shares: [a fraction of rows each]}")
        shares = [_probability(x, f"{where}, special.shares") for x in shares]
        if col["nulls"] + sum(shares) > 1:
            raise SpecError(f"{where}: nulls and special shares add up to more than 1")
        _check_values(con, values, col["type"], f"{where}, special")
    for field in ("within", "nested", "link"):
        if col.get(field) is not None and (isinstance(col[field], bool) or not isinstance(col[field], int)
                                           or col[field] < (0 if field == "link" else 1)):
            raise SpecError(f"{where}: {field!r} must be a positive integer")


def _validate_code_format(fmt, where: str, field: str) -> None:
    """How numbers are written as codes (layout.key_value): a prefix, the number and a suffix, or one digit per
    position in per-position alphabets."""
    if isinstance(fmt, dict) and "alphabets" in fmt:
        _validate_alphabets(fmt, where, field)
    elif not isinstance(fmt, dict) or not isinstance(fmt.get("prefix", ""), str) \
            or not isinstance(fmt.get("suffix", ""), str) or not isinstance(fmt.get("width", 0), int) \
            or not 0 <= fmt.get("width", 0) <= 30:
        raise SpecError(f"{where}: a text code's {field!r} is {{prefix, width (0..30), suffix}} or {{alphabets, order}}")


def _validate_grows(grows, family: str, where: str) -> None:
    """A list of codes that grows with the world (columns.Column.grow): at scale s, s × copies copies of it, the new
    codes numbered from start in format."""
    start = grows.get("start") if isinstance(grows, dict) else None
    if family != "string" or not isinstance(grows, dict) or not _is_number(grows.get("copies")) \
            or grows["copies"] <= 0 or isinstance(start, bool) or not isinstance(start, int) or start < 0:
        raise SpecError(f"{where}: 'grows' (a text category list of codes, more of them at a larger scale) is "
                        "{copies: its copies at scale 1 (> 0), start: the first new code's number (>= 0), format}; "
                        "remove it to draw the listed values only")
    _validate_code_format(grows.get("format"), where, "grows.format")


def _validate_alphabets(fmt: dict, where: str, field: str) -> None:
    """A text key written in per-position alphabets (layout.key_value): each a string of distinct characters,
    `order` the positions of more than one character, each once, least significant first."""
    alphabets, order = fmt.get("alphabets"), fmt.get("order")
    if not isinstance(alphabets, list) or not 1 <= len(alphabets) <= 64 or not all(
            isinstance(a, str) and a and len(set(a)) == len(a) for a in alphabets):
        raise SpecError(f"{where}: '{field}.alphabets' must list, per character position (1 to 64), a text of its "
                        "distinct characters, the one for 0 first")
    varying = sorted(p for p, a in enumerate(alphabets) if len(a) > 1)
    if not isinstance(order, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in order) \
            or sorted(order) != varying:
        raise SpecError(f"{where}: '{field}.order' must list each position of more than one character once "
                        f"(least significant first): {varying}")


def readable_parent(parent: dict, by_name: dict) -> bool:
    """Whether a column may be a `given` parent: drawn on its own, or a category list drawn given a column drawn on
    its own (its children read its drawn position; a conditioned number's bins are not slices of its uniform)."""
    given = parent.get("given")
    if given is None:
        return True
    grand = by_name.get(str(given.get("column", "")).lower()) if isinstance(given, dict) else None
    return parent["kind"] == "categorical" and grand is not None and grand is not parent and grand.get("given") is None


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
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1 or bins != want:
        raise SpecError(f"{where}: 'bins' must be {'the parent' + chr(39) + 's number of values' if parent['kind'] == 'categorical' else 'a positive integer'}")
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
            _sorted_numbers(r, f"{where}, given.quantiles")
        return
    rows = given.get("weights")
    if not isinstance(rows, list) or len(rows) != bins or not all(
            isinstance(r, list) and len(r) == len(col["values"]) and min(_number(w, where) for w in r) >= 0
            and sum(r) > 0 for r in rows):
        raise SpecError(f"{where}: 'weights' must hold, per bin, one non-negative weight per value (positive sum)")


PARSED_FAMILIES = ("integer", "float", "decimal", "date", "time", "timestamp", "uuid")


def _validate_parsed(col: dict, family: str, where: str) -> str:
    """A text column drawn as the type its values parse as: returns that type's family."""
    parsed = str(parse_type(col["parsed"]))
    if family != "string" or col["type"].startswith("ENUM") or type_family(parsed) not in PARSED_FAMILIES:
        raise SpecError(f"{where}: 'parsed' (the type a text column's values are drawn as) applies to VARCHAR columns "
                        f"and names a number, date, time, timestamp or UUID type; got {col['parsed']!r}")
    fmt = col.get("format")
    if fmt is not None and (not isinstance(fmt, str) or not fmt or type_family(parsed) not in ("date", "timestamp")):
        raise SpecError(f"{where}: 'format' is a strftime format (e.g. '%d/%m/%Y') for a date or timestamp; "
                        "remove it to format as DuckDB does")
    col["parsed"] = parsed
    return type_family(parsed)


def _validate_frequent(col: dict, where: str) -> None:
    """Labels seen at least `min_count` times, kept with their counts; rarer ones are synthesized in the
    column's text method, with weight `rare` against theirs."""
    frequent = col["frequent"]
    values = frequent.get("values") if isinstance(frequent, dict) else None
    weights = frequent.get("weights") if isinstance(frequent, dict) else None
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values) \
            or not isinstance(weights, list) or len(weights) != len(values) \
            or not all(_is_number(w) and w > 0 for w in weights) or len(values) > 4096:
        raise SpecError(f"{where}: 'frequent' is {{values: [1..4096 texts], weights: [a count > 0 each], rare: "
                        "the count of all rarer values, min_count: k}")
    rare = frequent.get("rare", 0)
    if not _is_number(rare) or rare < 0:
        raise SpecError(f"{where}: frequent.rare (the weight of synthesized values) must be a number >= 0")
    k = frequent.get("min_count")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise SpecError(f"{where}: frequent.min_count (k: values seen fewer times are never copied) must be >= 1")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _validate_text(col: dict, where: str) -> None:
    method = col.get("method")
    if method == "pattern":
        positions = col.get("positions")
        if not isinstance(positions, list) or not positions or \
                not all(isinstance(p, str) and 1 <= len(p) <= 64 for p in positions):
            raise SpecError(f"{where}: a pattern needs 'positions', each a string of 1..64 candidate characters")
    elif method == "words":
        pieces = col.get("pieces")
        if not isinstance(pieces, list) or not 1 <= len(pieces) <= 8 or not all(
                isinstance(pool, list) and 1 <= len(pool) <= 4096 and all(isinstance(p, str) for p in pool)
                for pool in pieces):
            raise SpecError(f"{where}: text needs 'pieces': 1..8 pools, each a list of 1..4096 strings")
    else:
        raise SpecError(f"{where}: text method must be 'words' or 'pattern', got {method!r}")
    if col.get("frequent") is not None:
        _validate_frequent(col, where)


# -- semantic types and pools (semantic.py) ---------------------------------------------------------------
def _refill_semantic(spec: dict, name: str) -> None:
    """A spec that names semantic types without their values (or with another locale than they were filled
    for) gets them from the library, once, here: what fastgen_import needs after a hand edit."""
    if not spec.get("pools") and not any(isinstance(c, dict) and c.get("semantic") for c in spec["columns"]):
        return
    from . import semantic
    for col in spec["columns"]:
        if isinstance(col, dict) and col.get("semantic") is not None and col["semantic"] not in semantic.TYPES:
            raise SpecError(f"spec {name!r}, column {col.get('name')!r}: unknown semantic type {col['semantic']!r}; "
                            f"known: {', '.join(semantic.TYPES)}")
    try:
        semantic.refill(spec)
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
