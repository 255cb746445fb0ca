"""DuckDB types as the sampler works in them: their families, the numbers it draws them as (days, microseconds)
and back (ISO text), their bounds, the precision a column keeps, and quantile knots of its values."""
from __future__ import annotations

import datetime as dt
import functools
import math
from fractions import Fraction
import re

import duckdb

from .errors import SpecError, UnsupportedType
from .sqltext import ident, number

GRANULARITY = {"day": 86_400_000_000, "hour": 3_600_000_000, "minute": 60_000_000, "second": 1_000_000,
               "millisecond": 1_000, "microsecond": 1}


# DuckDB type id -> the family that decides which kinds and SQL conversions apply.
FAMILIES = {
    **dict.fromkeys(("tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint",
                     "uinteger", "ubigint", "uhugeint"), "integer"),
    "float": "float", "double": "float", "decimal": "decimal",
    "varchar": "string", "enum": "string", "boolean": "boolean", "uuid": "uuid",
    "date": "date", "time": "time",
    **dict.fromkeys(("timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns", "timestamp with time zone"),
                    "timestamp"),
}


def parse_type(type_text: str) -> duckdb.typing.DuckDBPyType:
    """DuckDB's own parser decides what a type string means, so nothing but a type gets through."""
    try:
        return duckdb.sqltype(str(type_text))
    except Exception as exc:
        raise SpecError(f"not a DuckDB type: {type_text!r}") from exc


def type_family(type_text: str) -> str | None:
    """The family of a DuckDB type, or None when fastgen cannot generate it (LIST, STRUCT, BLOB, JSON…)."""
    if str(type_text).upper() == "JSON":
        return None
    try:
        return FAMILIES.get(parse_type(type_text).id)
    except SpecError:
        return None


def require_supported(columns: list[tuple[str, str]]) -> None:
    nul = [name for name, _ in columns if "\x00" in name]
    if nul:
        raise UnsupportedType(f"column name {nul[0]!r} holds a NUL byte, which SQL text cannot carry; rename it "
                              "in a query source (SELECT \"…\" AS new_name …)")
    bad = [f"{name!r} ({type_text})" for name, type_text in columns if type_family(type_text) is None]
    if bad:
        raise UnsupportedType(
            "fastgen cannot generate column type(s) " + ", ".join(bad)
            + "; supported: integers, floats, DECIMAL, VARCHAR, ENUM, BOOLEAN, UUID, DATE, TIME, TIMESTAMP[TZ]."
            " Select the other columns, or cast these (e.g. to VARCHAR), in a query source.")


def as_number(name_sql: str, family: str) -> str:
    """A column as the number the sampler works in: days for DATE, microseconds for times, else itself."""
    if family == "date":
        return f"({name_sql} - DATE '1970-01-01')::DOUBLE"
    if family in ("time", "timestamp"):
        return f"epoch_us({name_sql})::DOUBLE"
    return f"{name_sql}::DOUBLE"


def resolution(col: dict) -> float:
    """Half a unit in the last place the column keeps: 0.5 for integers, 0.005 for DECIMAL(p, 2) or a DOUBLE
    rounded to cents, 0 for an unrounded float (then only a relative 1e-9 is allowed)."""
    family = type_family(drawn_type(col))
    if family == "integer":
        return 0.5
    if family == "decimal":
        return 0.5 * 10.0 ** -decimal_scale(col["type"])
    digits = col.get("round")
    return 0.5 * 10.0 ** -digits if isinstance(digits, int) and not isinstance(digits, bool) else 0.0


def relative_tolerance(col: dict) -> float:
    """How far, relative to its size, a column may be from a sum or product of others and still equal it: 1e-9
    for an unrounded float (a looser bound would take year + day of week (< 7) for a year); for a column that
    keeps a precision (integers, decimals, rounded floats), DOUBLE's own rounding only (two units in the last
    place), so that epoch milliseconds equal to another column's are not that column plus a count of 1..100."""
    return 1e-9 if resolution(col) == 0 else 4.5e-16


def equals_sql(col: dict, rule: str, of: list[str]) -> str:
    """SQL that is true where column `col` equals the product or sum (`rule`) of columns `of`, in DOUBLE (small
    integer types would overflow): within the rounding of `col`'s own precision, or relative_tolerance."""
    c = f"{ident(col['name'])}::DOUBLE"
    value = (" * " if rule == "product" else " + ").join(f"{ident(n)}::DOUBLE" for n in of)
    return f"(abs({c} - ({value})) <= {resolution(col)!r} + {relative_tolerance(col)!r} * abs({c}))"


def decimal_scale(type_text: str) -> int:
    found = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", str(type_text).upper())
    return int(found.group(2)) if found else 3


INTEGER_BOUNDS = {"TINYINT": 7, "SMALLINT": 15, "INTEGER": 31, "BIGINT": 63, "HUGEINT": 127,
                  "UTINYINT": 8, "USMALLINT": 16, "UINTEGER": 32, "UBIGINT": 64, "UHUGEINT": 128}


FLOAT_KEY_DIGITS = 6   # a unique DOUBLE numbered in millionths, where its spec gives no `round`


def key_digits(col: dict) -> int:
    """The digits after the point a number key counts in (its start and step are whole units of the last one):
    a DECIMAL's scale, a float's `round` (FLOAT_KEY_DIGITS by default)."""
    if type_family(col["type"]) == "decimal":   # (an integral one's `round` may count in fewer)
        scale = decimal_scale(col["type"])
        return min(scale, int(col["round"])) if col.get("round") is not None else scale
    return int(col["round"]) if col.get("round") is not None else FLOAT_KEY_DIGITS


def type_bounds(type_text: str) -> tuple[float, float] | None:
    """The smallest and largest value of a numeric type, as the exact integers (integer types) or the floats
    nearest inside the range (DECIMAL, FLOAT): what a drawn number must stay within to cast."""
    t = str(type_text).upper()
    if t in INTEGER_BOUNDS:
        bits = INTEGER_BOUNDS[t]
        return (0, 2 ** bits - 1) if t.startswith("U") else (-(2 ** bits), 2 ** bits - 1)
    found = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if found:
        precision, scale = int(found.group(1)), int(found.group(2))
        return _decimal_bounds(precision, scale)
    if t == "FLOAT":
        return -3.4028234663852886e38, 3.4028234663852886e38
    return None


@functools.lru_cache(maxsize=None)
def _decimal_bounds(precision: int, scale: int) -> tuple[float, float]:
    """The largest float that casts to DECIMAL(precision, scale), by DuckDB's own rules: at most the largest
    decimal exactly (1e19 is above 10^19 - 1), and below DuckDB's limit once it scales the float in DOUBLE (so
    the float nearest 10^28 does not cast to DECIMAL(38,10), nor 0.9999999999999999 to DECIMAL(16,16))."""
    top, largest = float(10 ** precision - 1) / 10 ** scale, Fraction(10 ** precision - 1, 10 ** scale)
    con = _private()
    for _ in range(10_000):
        if Fraction(top) <= largest:
            try:
                con.execute(f"SELECT CAST(CAST({top!r} AS DOUBLE) AS DECIMAL({precision},{scale}))").fetchall()
                break
            except duckdb.Error:
                pass
        top = math.nextafter(top, 0)
    return -top, top


@functools.lru_cache(maxsize=1)
def _private() -> duckdb.DuckDBPyConnection:
    """An in-memory connection of fastgen's own, to ask DuckDB how it casts constants."""
    return duckdb.connect()


def knot_values(x, knots: int, steps: bool, within: tuple[float, float] | None = None) -> list[float]:
    """`knots` quantile knots of the numbers x, as the compiler draws them. Continuous: at probabilities 0, 1/(k-1),
    …, 1, linear between order statistics (quantile_cont), so the bounds are kept. With `steps` (a discrete
    column, each knot an equal 1/k slice of the uniform): the value at the middle of each slice, (i + ½)/k, so a
    value gets as many slices as its share fills; the minimum and maximum at probabilities 0 and 1 would get a
    whole slice each, however rare (one diamond of depth 31.8 in 20,000 came out in 1.5% of a bin's rows).
    With `within` (the column's own bounds), continuous values fewer than the knots (a parent bin's few rows)
    are each the middle of their 1/n slice, and the ends run on by half a gap, inside the bounds: linear from
    the extremes would shrink the spread of n values by (n - 1) / (n + 1), a quarter for a county's 7 rows,
    and the column's tails with it."""
    import numpy as np
    x = np.asarray(x, float)
    if steps:
        return np.quantile(x, (np.arange(knots) + 0.5) / knots, method="inverted_cdf").tolist()
    if within is None or not 1 < len(x) < knots:
        return np.quantile(x, np.linspace(0.0, 1.0, knots), method="linear").tolist()
    x, n = np.sort(x), len(x)
    p, u = (np.arange(n) + 0.5) / n, np.linspace(0.0, 1.0, knots)
    low = x[0] - (p[0] - u) * (x[1] - x[0]) * n
    high = x[-1] + (u - p[-1]) * (x[-1] - x[-2]) * n
    out = np.where(u < p[0], low, np.where(u > p[-1], high, np.interp(u, p, x)))
    return np.clip(out, *within).tolist()


def monotone(knots) -> list:
    """Quantile knots that never step back (quantile_cont can, by a rounding error): an inverse CDF must not."""
    out = []
    for x in knots:
        out.append(x if not out or x >= out[-1] else out[-1])
    return out


def iso(x: int, family: str, type_text: str = "") -> str:
    """The ISO text of a sampler number (epoch() inverted): days for DATE, microseconds otherwise."""
    if family == "date":
        return (dt.date(1970, 1, 1) + dt.timedelta(days=x)).isoformat()
    if family == "time":
        return (dt.datetime(2000, 1, 1) + dt.timedelta(microseconds=x)).time().isoformat()
    stamp = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=x)
    return stamp.isoformat() if type_text == "TIMESTAMP WITH TIME ZONE" else stamp.replace(tzinfo=None).isoformat()


def epoch(value: str, family: str) -> int:
    """An ISO date/time text as the integer the sampler interpolates: days for DATE, microseconds otherwise."""
    if family == "date":
        return (dt.date.fromisoformat(value) - dt.date(1970, 1, 1)).days
    if family == "time":
        t = dt.time.fromisoformat(value)
        return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
    stamp = dt.datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    delta = stamp - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def inside_type(x: float, type_text: str) -> float:
    """x moved inside the range of a numeric type, as a float that casts (the float nearest HUGEINT's maximum
    is above it)."""
    bounds = type_bounds(type_text)
    if not bounds:
        return x
    lo, hi = float(bounds[0]), float(bounds[1])
    while hi > bounds[1]:
        hi = math.nextafter(hi, 0)
    while lo < bounds[0] or lo == bounds[0] and abs(lo) >= 2 ** 64:   # DuckDB casts no DOUBLE of -2^127 to HUGEINT
        lo = math.nextafter(lo, 0)
    return min(max(x, lo), hi)


def drawn_type(col: dict) -> str:
    """The type a column's values are drawn in: its own, or for text that holds typed values (dates, numbers
    written as VARCHAR) the type they parse as (`parsed`), formatted back as the source wrote them."""
    return col.get("parsed") or col["type"]


EXACT = 2 ** 53   # integers a DOUBLE holds exactly: microseconds within 285 years of 1970


def as_datetime(x: str, col: dict, up: bool = False, knots: list[int] | None = None, whole: bool = False) -> str:
    """SQL: a date or time from the number a sampler drew (days for DATE, microseconds otherwise), cut to the
    column's granularity (`up`: rounded up to it, for a value that must not fall below the number). Past EXACT
    a DOUBLE rounds microseconds (to 32 of them in year 9800): the value is kept within the `knots`' exact ends.
    `whole`: x is an integer (a key's), cut in integers, so that keys a microsecond apart stay apart."""
    family = type_family(col["type"])
    step = GRANULARITY[col.get("granularity", "microsecond")]
    if family == "date":
        step = max(1, step // GRANULARITY["day"])
    # (the multiple of the step in integers: in a DOUBLE, 1,000 × the milliseconds past year 2255 lose microseconds)
    t = f"(({x})::BIGINT // {step} * {step})" if whole else f"({'ceil' if up else 'floor'}({x} / {step})::BIGINT * {step})"
    if knots and max(abs(min(knots)), abs(max(knots))) > EXACT:
        t = f"least(greatest({t}, {int(min(knots))}), {int(max(knots))})"
    if family == "date":
        return f"(DATE '1970-01-01' + {t}::INTEGER)"
    if family == "time":
        return f"(TIME '00:00:00' + to_microseconds({t}))"
    if col["type"] == "TIMESTAMP WITH TIME ZONE":   # an instant plus whole microseconds: no DOUBLE seconds between
        return f"(to_timestamp(0) + to_microseconds({t}))"
    return f"make_timestamp({t})"


def rounded(x: str, col: dict, knots: list, up: bool = False) -> str:
    """SQL: a drawn number rounded as the source rounds (`up`: rounded up, for a value that must not fall below
    the number), and kept inside the type where the knots come near its limits (HUGEINT, DECIMAL(38, 10) near
    their maxima: interpolating in DOUBLE can step past them by a rounding error)."""
    digits = 0 if type_family(col["type"]) == "integer" else col.get("round")
    if digits is not None:
        # (the product rounded first: 1.23 * 100 is 122.99999999999999, and 123.00000000000001 would step up)
        x = f"(ceil(round({x} * 1e{int(digits)}, 6)) / 1e{int(digits)})" if up else f"round({x}, {digits})"
    bounds = type_bounds(col["type"])
    if bounds and knots and (max(knots) > bounds[1] / 2 or min(knots) < bounds[0] / 2):
        lo, hi = inside_type(float(bounds[0]), col["type"]), inside_type(float(bounds[1]), col["type"])
        x = f"least(greatest({x}, {number(lo)}), {number(hi)})"
    if type_family(col["type"]) == "integer" and knots and max(abs(min(knots)), abs(max(knots))) > EXACT:
        # past 2^53 a DOUBLE rounds integers: kept within the knots' exact ends, in the type (texts: a literal past
        # HUGEINT would be read as a DOUBLE)
        lo, hi = (f"CAST('{int(k)}' AS {col['type']})" for k in (min(knots), max(knots)))
        x = f"least(greatest(CAST({x} AS {col['type']}), {lo}), {hi})"
    elif type_family(col["type"]) == "decimal" and digits == 0 and knots \
            and max(abs(min(knots)), abs(max(knots))) * 10 ** decimal_scale(col["type"]) > EXACT:
        # a whole DECIMAL: DuckDB casts a DOUBLE to DECIMAL(19, 4) through x × 10^4, past 2^53 a DOUBLE of its own
        # (298622040991785 came out .0112); through HUGEINT it stays whole
        x = f"CAST({x} AS HUGEINT)"
    return x
