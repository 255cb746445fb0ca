"""Schema-only inference: a plausible spec column from a column's name, type and constraints.

Used when there is no data and no model (DDL with no LLM configured), and as the per-column fallback when a
model's answer for a column is unusable. Deliberately plain: the model, or the data, knows better.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from statistics import NormalDist

from sqlglot import exp, parse_one

from .ddl import ColumnDef
from .dtypes import decimal_scale, epoch, inside_type, key_digits, type_bounds, type_family
from .errors import SpecError

KNOTS = 65
FIRST_NAMES = ["Ana", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jack", "Keiko", "Liam",
               "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wei", "Yara"]
LAST_NAMES = ["Smith", "Garcia", "Chen", "Muller", "Silva", "Kowalski", "Nguyen", "Okafor", "Rossi", "Sato",
              "Jensen", "Dubois", "Ivanova", "Khan", "Lopez", "Brown"]
CITIES = ["London", "Paris", "Berlin", "Madrid", "Lisbon", "Rome", "Warsaw", "Vienna", "Prague", "Dublin",
          "Amsterdam", "Oslo", "Tokyo", "Toronto", "Austin", "Lagos"]
COUNTRIES = ["United States", "Germany", "France", "United Kingdom", "Spain", "Portugal", "Japan", "Brazil",
             "India", "Canada"]
WORDS = ["please", "deliver", "the", "order", "before", "noon", "quality", "was", "good", "and", "fast", "thank",
         "you", "package", "arrived", "late", "item", "works", "as", "expected", "would", "buy", "again", "great"]

# name pattern -> (low, high) for numbers
RANGES = [(r"age$", (18, 90)), (r"(price|amount|total|cost|balance|salary|revenue|fee)", (1, 1000)),
          (r"(qty|quantity|count|num_|items)", (1, 20)), (r"(rating|stars|score)$", (1, 5)),
          (r"(percent|pct|rate)$", (0, 100)), (r"(year)$", (1990, 2025)), (r"(lat|latitude)$", (-90, 90)),
          (r"(lon|lng|longitude)$", (-180, 180))]


def linear_knots(lo: float, hi: float, n: int = KNOTS) -> list[float]:
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def distribution_knots(lo: float, hi: float, shape: str = "uniform", n: int = KNOTS) -> list[float]:
    """Quantile knots of a named shape between lo and hi (the 0.1% and 99.9% points for unbounded shapes)."""
    if hi < lo:
        lo, hi = hi, lo
    probs = [0.001 + 0.998 * i / (n - 1) for i in range(n)]
    if shape == "normal" and hi > lo:
        z = [NormalDist().inv_cdf(p) for p in probs]
        return [lo + (hi - lo) * (x - z[0]) / (z[-1] - z[0]) for x in z]
    if shape in ("lognormal", "exponential") and hi > lo:
        if shape == "exponential":
            e = [-math.log(1 - p) for p in probs]
        else:
            e = [math.exp(NormalDist(0, 1).inv_cdf(p)) for p in probs]
        return [lo + (hi - lo) * (x - e[0]) / (e[-1] - e[0]) for x in e]
    return linear_knots(lo, hi, n)


def number_range(col: ColumnDef) -> tuple[float, float]:
    name = col.name.lower()
    for pattern, rng in RANGES:
        if re.search(pattern, name):
            return check_range(col, rng)
    if col.type.startswith("DECIMAL"):
        precision, scale = (int(x) for x in re.findall(r"\d+", col.type)[:2])
        return check_range(col, (0, min(10 ** (precision - scale) - 10.0 ** -scale, 1000)))
    return check_range(col, (0, 1000))


def _comparisons(col: ColumnDef, *kinds):
    """The comparisons (`kinds`, by default BETWEEN, >=, >, <=, <) in a column's CHECK constraints; a CHECK that
    does not parse adds none."""
    for check in col.checks:
        try:
            node = parse_one(check, read="duckdb")
        except Exception:
            continue
        yield from node.find_all(*(kinds or (exp.Between, exp.GTE, exp.GT, exp.LTE, exp.LT)))


def check_range(col: ColumnDef, rng: tuple[float, float]) -> tuple[float, float]:
    """Fold CHECK (x BETWEEN a AND b), x >= a, x > a, x <= b, x < b into the range."""
    lo, hi = rng
    for cond in _comparisons(col):
        if isinstance(cond, exp.Between) and cond.this.name == col.name:
            lo, hi = _num(cond.args["low"], lo), _num(cond.args["high"], hi)
        elif isinstance(cond.left, exp.Column) and cond.left.name == col.name:
            bound = _num(cond.right, None)
            if bound is None:
                continue
            if isinstance(cond, (exp.GTE, exp.GT)):
                lo = bound + (_step(col, bound) if isinstance(cond, exp.GT) else 0)
                hi = max(hi, lo)
            else:
                hi = bound - (_step(col, bound) if isinstance(cond, exp.LT) else 0)
                lo = min(lo, hi)
    return lo, hi


def check_length(col: ColumnDef) -> int | None:
    """The longest text a CHECK allows the column (length(x) <= n, < n, = n, BETWEEN a AND n; char_length and len
    alike), if it sets one."""
    longest = None
    for cond in _comparisons(col, exp.Between, exp.LTE, exp.LT, exp.EQ):
        measured = cond.this if isinstance(cond, exp.Between) else cond.left
        if not (isinstance(measured, exp.Length) and isinstance(measured.this, exp.Column)
                and measured.this.name == col.name):
            continue
        bound = _num(cond.args["high"] if isinstance(cond, exp.Between) else cond.right, None)
        if isinstance(bound, int):
            bound -= 1 if isinstance(cond, exp.LT) else 0
            longest = bound if longest is None else min(longest, bound)
    return longest if longest is None or longest >= 1 else None


CONSTANT_NODES = (exp.Literal, exp.Cast, exp.DataType, exp.Add, exp.Sub, exp.Neg, exp.Paren, exp.Interval, exp.Var,
                  exp.DataTypeParam)


def _moment(node) -> dt.datetime | None:
    """A constant date or timestamp bound of a CHECK (DATE '2020-01-01' + 30, TIMESTAMP '…' - INTERVAL 1 DAY),
    worked out by DuckDB; nothing but literals, casts and arithmetic is evaluated."""
    import duckdb
    if not all(isinstance(n, CONSTANT_NODES) for n in node.walk()):
        return None
    try:
        value = duckdb.connect().execute(f"SELECT CAST(({node.sql('duckdb')}) AS TIMESTAMP)").fetchall()[0][0]
    except (duckdb.Error, OverflowError, ValueError):
        return None
    return value if isinstance(value, dt.datetime) else None


def check_window(col: ColumnDef) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A date or timestamp column's CHECK bounds, the first and last moment it allows (None: no bound)."""
    lo = hi = None
    strict = dt.timedelta(days=1) if type_family(col.type) == "date" else dt.timedelta(seconds=1)
    for cond in _comparisons(col):
        if isinstance(cond, exp.Between) and isinstance(cond.this, exp.Column) and cond.this.name == col.name:
            lo, hi = _moment(cond.args["low"]) or lo, _moment(cond.args["high"]) or hi
        elif isinstance(cond.left, exp.Column) and cond.left.name == col.name:
            bound = _moment(cond.right)
            if bound is None:
                continue
            if isinstance(cond, (exp.GTE, exp.GT)):
                lo = bound + strict if isinstance(cond, exp.GT) else bound
            else:
                hi = bound - strict if isinstance(cond, exp.LT) else bound
    return lo, hi


def date_range(col: ColumnDef, start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window a date or timestamp column is drawn in: the default one, moved inside its CHECK bounds."""
    lo, hi = check_window(col)
    span = end - start
    try:
        if lo and hi:
            start, end = lo, hi
        elif lo:
            start, end = max(lo, start), max(end, lo + span)
        elif hi:
            start, end = min(start, hi - span), min(end, hi)
    except OverflowError:   # near year 1 or 9999: the bound alone
        start, end = lo or hi, hi or lo
    if end < start:
        raise SpecError(f"column {col.name!r} ({col.type}): its CHECK ({' AND '.join(col.checks)}) admits no value "
                        "of the type; correct the CHECK or widen the column's type")
    return start, end


def _step(col: ColumnDef, bound: float) -> float:
    """The smallest step past a strict bound in the column's type: 1 for integers, the last decimal place of a
    DECIMAL, a relative hair for floats (CHECK (price > 0) on a DECIMAL(4,4) must not start at 1)."""
    family = type_family(col.type)
    if family == "integer":
        return 1
    if family == "decimal":
        return 10.0 ** -decimal_scale(col.type)
    return max(abs(bound) * 1e-12, 1e-300)


def type_range(col: ColumnDef, lo: float, hi: float) -> tuple[float, float]:
    """The CHECK range cut to the column's type; a CHECK that no value of the type meets is refused by name."""
    bounds = type_bounds(col.type)
    if hi < lo or bounds and (lo > bounds[1] or hi < bounds[0]):
        raise SpecError(f"column {col.name!r} ({col.type}): its CHECK ({' AND '.join(col.checks)}) admits no value "
                        "of the type; correct the CHECK or widen the column's type")
    return inside_type(lo, col.type), inside_type(hi, col.type)


def check_values(col: ColumnDef) -> list | None:
    """The list of a CHECK (x IN (…)) constraint, if there is one."""
    for cond in _comparisons(col, exp.In):
        if cond.this.name == col.name and all(isinstance(e, exp.Literal) for e in cond.expressions):
            return [e.this if e.is_string else _num(e, None) for e in cond.expressions]
    return None


def _num(node, default):
    if isinstance(node, exp.Neg):
        inner = _num(node.this, None)
        return -inner if inner is not None else default
    if isinstance(node, exp.Literal) and not node.is_string:
        if re.fullmatch(r"[0-9]+", node.this):   # exactly: a BIGINT bound is no float
            return int(node.this)
        value = float(node.this)
        return int(value) if value.is_integer() else value
    return default


def enum_labels(type_text: str) -> list[str]:
    """An ENUM type's labels, in order ('it''s' is it's); none for any other type."""
    text = str(type_text)
    if not text.upper().startswith("ENUM("):
        return []
    return [label.replace("''", "'") for label in re.findall(r"'((?:[^']|'')*)'", text)]


def column_spec(col: ColumnDef, reason: str = "no data and no model: guessed from name and type") -> dict:
    family = type_family(col.type)
    name = col.name.lower()
    base = {"name": col.name, "type": col.type, "nulls": 0.0 if col.not_null or col.primary_key else 0.05,
            "origin": "schema", "note": reason}
    values = check_values(col)
    if values and (col.primary_key or col.unique):   # keys are numbered by row: they cannot keep to a short list
        raise SpecError(f"column {col.name!r} is UNIQUE but its CHECK ({' AND '.join(col.checks)}) allows only "
                        f"{len(values)} values, too few for a generated table's rows; drop the UNIQUE or the CHECK")
    if values:
        return {**base, "kind": "categorical", "values": values, "weights": [1] * len(values)}
    labels = enum_labels(col.type)
    if labels:   # an ENUM's own labels, alike (names and codes drawn for a VARCHAR would not cast)
        return {**base, "kind": "categorical", "values": labels, "weights": [1] * len(labels)}
    if col.primary_key or col.unique or col.serial:
        if family == "integer":   # numbered from 1, or from where the column's CHECK range begins
            lo, hi = check_range(col, (-math.inf, math.inf))
            bounds = type_bounds(col.type)
            first = lo if math.isfinite(lo) else 1 if hi >= 1 else bounds[0] if bounds else hi - 10 ** 6
            key = {**base, "kind": "key", "start": int(inside_type(first, col.type)) if bounds else int(first),
                   "step": 1, "nulls": 0.0}
            return {**key, "max": int(inside_type(hi, col.type))} if math.isfinite(hi) else key
        if family == "uuid":
            return {**base, "kind": "key", "nulls": 0.0}
        if family in ("float", "decimal"):   # numbered in units of the last digit kept, from the CHECK's low end or 1
            lo, _ = check_range(col, (-math.inf, math.inf))
            digits = key_digits({"type": col.type})
            return {**base, "kind": "key", "nulls": 0.0, "start": round((lo if math.isfinite(lo) else 1) * 10 ** digits),
                    "step": 1, **({"round": digits} if family == "float" else {})}
        if family in ("date", "timestamp"):   # a calendar's days, a log's hours, from 2020 on
            return {**base, "kind": "key", "nulls": 0.0, "start": epoch("2020-01-01", family),
                    "step": 1 if family == "date" else 3_600_000_000}
        if family == "string":  # unique text: a numbered code, in the column's own shape where it has one
            fmt = ({"prefix": "user", "width": 6, "suffix": "@example.com"} if "mail" in name
                   else {"prefix": re.sub(r"\W", "", col.name)[:3].upper() + "-", "width": 6, "suffix": ""})
            return {**base, "kind": "key", "start": 1, "step": 1, "nulls": 0.0, "format": fmt}
    if family == "boolean":
        return {**base, "kind": "boolean", "p_true": 0.5}
    if family == "uuid":
        return {**base, "kind": "key"}
    if family in ("integer", "float", "decimal"):
        lo, hi = type_range(col, *number_range(col))   # a CHECK wider than the type is cut
        shape = "lognormal" if re.search(r"(price|amount|total|cost|balance|salary|revenue)", name) else "uniform"
        # knots computed in floats can round past a bound the range itself kept inside (BIGINT's 2^63 - 1)
        knots = [inside_type(x, col.type) for x in distribution_knots(lo, hi, shape)]
        return {**base, "kind": "numeric", "quantiles": knots,
                "round": 2 if family == "float" and shape == "lognormal" else None}
    if family in ("date", "timestamp"):
        start, end = date_range(col, dt.datetime(2021, 1, 1), dt.datetime(2025, 12, 31))
        knots = [start + (end - start) * i / (KNOTS - 1) for i in range(KNOTS)]
        iso = [k.date().isoformat() if family == "date" else k.isoformat() for k in knots]
        return {**base, "kind": "datetime", "quantiles": iso, "granularity": "day" if family == "date" else "second"}
    if family == "time":
        return {**base, "kind": "datetime", "quantiles": ["00:00:00", "23:59:59"], "granularity": "second"}
    return {**base, **text_guess(name)}


def text_guess(name: str) -> dict:
    if "mail" in name:
        return {"kind": "text", "method": "words",
                "pieces": [[f.lower() for f in FIRST_NAMES], [f".{x.lower()}" for x in LAST_NAMES],
                           ["@example.com", "@example.org", "@mail.test"]]}
    if "phone" in name or "tel" in name:
        return {"kind": "text", "method": "pattern", "positions": list("+1-") + ["0123456789"] * 3 + ["-"]
                + ["0123456789"] * 3 + ["-"] + ["0123456789"] * 4}
    if re.search(r"(first_?name|given)", name):
        return {"kind": "categorical", "values": FIRST_NAMES, "weights": [1] * len(FIRST_NAMES)}
    if re.search(r"(last_?name|surname|family)", name):
        return {"kind": "categorical", "values": LAST_NAMES, "weights": [1] * len(LAST_NAMES)}
    if "name" in name:
        return {"kind": "text", "method": "words", "pieces": [FIRST_NAMES, [f" {x}" for x in LAST_NAMES]]}
    if "city" in name:
        return {"kind": "categorical", "values": CITIES, "weights": [1] * len(CITIES)}
    if "country" in name:
        return {"kind": "categorical", "values": COUNTRIES, "weights": [1] * len(COUNTRIES)}
    if re.search(r"(status|type|category|kind|level|tier|plan)", name):
        return {"kind": "categorical", "values": ["A", "B", "C"], "weights": [5, 3, 2]}
    return {"kind": "text", "method": "words",
            "pieces": [WORDS, [f" {w}" for w in WORDS], [f" {w}" for w in WORDS]]}
