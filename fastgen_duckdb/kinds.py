"""One spec column's own fields, by kind, validated: what spec.validate checks on each column before the
relations between columns (the number checks here are shared by the spec's other parts, e.g. clusters.py).

A kind is what a column *is*: a constant, a boolean, a category list, a number or a time by quantile knots, a
key, a reference to another table's key, synthesized text, or a member of a pool of whole rows."""
from __future__ import annotations

import math
import operator

import duckdb

from . import children
from .dtypes import GRANULARITY, epoch, type_bounds
from .errors import SpecError

LADDER = 8  # categories drawn by a CASE ladder on the uniform (monotone in it) rather than an alias table...
ORDERED_VALUES = 32  # ... and numbers of at most this many values, in ascending order (`ordered`)

KINDS = ("constant", "boolean", "categorical", "numeric", "datetime", "key", "reference", "text", "pool")

KINDS_BY_FAMILY = {
    "integer": {"constant", "categorical", "numeric", "key", "reference"},
    "float": {"constant", "categorical", "numeric", "key"},
    "decimal": {"constant", "categorical", "numeric", "key"},
    "string": {"constant", "categorical", "key", "reference", "text", "pool"},
    "boolean": {"constant", "boolean", "categorical"},
    "uuid": {"constant", "categorical", "key", "reference"},
    "date": {"constant", "categorical", "datetime", "key", "reference"},
    "time": {"constant", "categorical", "datetime"},
    "timestamp": {"constant", "categorical", "datetime", "key", "reference"},
}


def finite_number(x, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise SpecError(f"{where}: expected a finite number, got {x!r}")
    return x


def probability(x, where: str) -> float:
    x = finite_number(x, where)
    if not 0 <= x <= 1:
        raise SpecError(f"{where}: expected a probability in [0, 1], got {x!r}")
    return x


def sorted_numbers(xs, where: str, at_least: int = 2) -> list:
    if not isinstance(xs, list) or len(xs) < at_least:
        raise SpecError(f"{where}: expected a list of at least {at_least} numbers")
    if not set(map(type, xs)) <= {int, float} or not all(map(math.isfinite, xs)):   # (one pass each, in C: a
        xs = [finite_number(x, where) for x in xs]       # spec's lists of knots hold millions of numbers)
    if any(map(operator.gt, xs, xs[1:])):
        raise SpecError(f"{where}: must be sorted ascending")
    return xs


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def within_type(lo, hi, type_text: str, where: str) -> None:
    bounds = type_bounds(type_text)
    if bounds and (lo < bounds[0] or hi > bounds[1]):
        raise SpecError(f"{where}: {lo!r}..{hi!r} does not fit type {type_text} ({bounds[0]:.6g}..{bounds[1]:.6g}); "
                        "narrow the values or widen the type")


def check_values(con, values, type_text: str, where: str) -> None:
    """Every value must cast to the column type; DuckDB does the casting so the rules are its own."""
    from .sqltext import list_text
    try:   # cast in DuckDB, fetch only a count: TIMESTAMPTZ values would need pytz to reach Python
        con.execute(f"SELECT len({list_text(values, type_text)})").fetchall()
    except (duckdb.Error, ValueError) as exc:
        raise SpecError(f"{where}: values do not fit type {type_text}: {str(exc).splitlines()[0]}") from None


def validate_kind(con, col: dict, family: str, where: str) -> None:
    kind = col["kind"]
    if kind == "constant":
        if col.get("value") is not None:
            check_values(con, [col["value"]], col["type"], f"{where}, value")
    elif kind == "boolean":
        col["p_true"] = probability(col.get("p_true"), f"{where}, p_true")
    elif kind == "categorical":
        values, weights = col.get("values"), col.get("weights")
        if not isinstance(values, list) or not values or not isinstance(weights, list) or len(weights) != len(values):
            raise SpecError(f"{where}: 'values' and 'weights' must be non-empty lists of equal length")
        if any(v is None for v in values):
            raise SpecError(f"{where}: a category cannot be null; use 'nulls' for the null fraction")
        weights = [finite_number(w, f"{where}, weights") for w in weights]
        if min(weights) < 0 or sum(weights) <= 0:
            raise SpecError(f"{where}: weights must be non-negative with a positive sum")
        check_values(con, values, col["type"], where)
        if col.get("ordered") and (family not in ("integer", "float", "decimal") or len(values) > ORDERED_VALUES
                                   or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
                                   or any(a >= b for a, b in zip(values, values[1:]))):
            raise SpecError(f"{where}: 'ordered' needs at most {ORDERED_VALUES} numbers in ascending order")
        if col.get("grows") is not None:
            _validate_grows(col["grows"], family, where)
    elif kind == "numeric":
        knots = sorted_numbers(col.get("quantiles"), f"{where}, quantiles")
        within_type(knots[0], knots[-1], col["type"], f"{where}, quantiles")
        if col.get("round") is not None and (not isinstance(col["round"], int) or not 0 <= col["round"] <= 18):
            raise SpecError(f"{where}: 'round' must be null or an integer number of decimals in 0..18")
    elif kind == "datetime":
        quantiles = col.get("quantiles")
        if not isinstance(quantiles, list) or len(quantiles) < 2:
            raise SpecError(f"{where}: 'quantiles' must list at least 2 ISO date/time values")
        try:
            sorted_numbers([epoch(q, family) for q in quantiles], f"{where}, quantiles")
        except (TypeError, ValueError) as exc:
            raise SpecError(f"{where}: quantiles must be ISO {family} texts: {exc}") from None
        if col.get("granularity", "microsecond") not in GRANULARITY:
            raise SpecError(f"{where}: granularity must be one of {', '.join(GRANULARITY)}")
    elif kind == "key":
        if family in ("integer", "string", "date", "timestamp", "float", "decimal"):   # dates: in days, timestamps
            # in microseconds, numbers in units of their last digit (dtypes.key_digits)
            for field in ("start", "step"):
                if isinstance(col.get(field), bool) or not isinstance(col.get(field), int):
                    raise SpecError(f"{where}: key needs an integer {field!r}")
            if col["step"] < 1:
                raise SpecError(f"{where}: key step must be >= 1 so keys stay unique")
            if family == "integer":
                within_type(col["start"], col["start"], col["type"], f"{where}, start")
            if col.get("granularity", "microsecond") not in GRANULARITY:
                raise SpecError(f"{where}: granularity must be one of {', '.join(GRANULARITY)}")
            top = col.get("max")
            if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < col["start"]
                                    or family == "string"):
                raise SpecError(f"{where}: a number or date key's 'max' (its last allowed value, counted as its start "
                                f"is) must be an integer >= its start {col['start']}, got {top!r}")
            shuffle = col.get("shuffle")
            if shuffle is not None and (isinstance(shuffle, bool) or not isinstance(shuffle, int) or shuffle < 2
                                        or shuffle > 1 << 30 or shuffle & (shuffle - 1)):
                raise SpecError(f"{where}: 'shuffle' must be a power of two from 2 to 2^30 (the block permuted)")
        if family == "string":
            _validate_code_format(col.get("format"), where, "format")
        if family in ("float", "decimal") and col.get("round") is not None and (isinstance(col["round"], bool) or
                                                                               not isinstance(col["round"], int)
                                                                               or not 0 <= col["round"] <= 12):
            raise SpecError(f"{where}: a number key's 'round' (the digits after the point it counts in) must be an "
                            "integer from 0 to 12")
    elif kind == "reference":
        if not isinstance(col.get("table"), str) or not isinstance(col.get("column"), str):
            raise SpecError(f"{where}: a reference needs the 'table' (generator) and 'column' it points to")
        if col.get("per_parent") is not None:
            counts = sorted_numbers(col["per_parent"], f"{where}, per_parent (children per parent row, ascending)")
            if counts[0] < 0 or counts[-1] <= 0:
                raise SpecError(f"{where}: per_parent counts must be >= 0, and not all 0")
        if col.get("per_parent_rate") is not None:
            rates = sorted_numbers(col["per_parent_rate"], f"{where}, per_parent_rate (parents' rates, ascending)")
            if rates[0] < 0 or rates[-1] <= 0 or col.get("per_parent") is None:
                raise SpecError(f"{where}: per_parent_rate must be >= 0, not all 0, and beside per_parent; "
                                "remove it to weigh parents by their counts")
        apart = col.get("apart", 0)
        if isinstance(apart, bool) or not isinstance(apart, int) or not 0 <= apart < len(children.PRIMES):
            raise SpecError(f"{where}: 'apart' (its busy parents' own order) must be an integer in "
                            f"0..{len(children.PRIMES) - 1}; remove it to share the parent's busy rows")
        parents = col.get("parents")
        if parents is not None:
            rows, weights = (parents.get("rows"), parents.get("weights")) if isinstance(parents, dict) else (0, 0)
            floor, span = (parents.get("floor", 0), parents.get("span")) if isinstance(parents, dict) else (0, None)
            spanned = isinstance(span, list) and len(span) == 2 and all(
                isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in span) and span[0] <= span[1]
            if not isinstance(rows, list) or not isinstance(weights, list) or len(weights) != len(rows) \
                    or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in rows) \
                    or not all(finite_number(w, f"{where}, parents.weights") >= 0 for w in weights) \
                    or finite_number(floor, f"{where}, parents.floor") < 0 or (floor > 0) != spanned \
                    or sum(weights) + floor <= 0 or not (rows or floor):
                raise SpecError(f"{where}: 'parents' (the fixed parent's rows referenced, and how often) must be "
                                "{rows: [row numbers from 0], weights: [a number >= 0 each, not all 0]}, and with "
                                "a floor (a weight > 0 every row of a span has) its span: [first row, last row]")
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
        shares = [probability(x, f"{where}, special.shares") for x in shares]
        if col["nulls"] + sum(shares) > 1:
            raise SpecError(f"{where}: nulls and special shares add up to more than 1")
        check_values(con, values, col["type"], f"{where}, special")
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
    """A list of codes that grows with the world (keydraws.KeyDraws.grow): at scale s, s × copies copies of it, the new
    codes numbered from start in format."""
    start = grows.get("start") if isinstance(grows, dict) else None
    if family != "string" or not isinstance(grows, dict) or not is_number(grows.get("copies")) \
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


def _validate_frequent(col: dict, where: str) -> None:
    """Labels seen at least `min_count` times, kept with their counts; rarer ones are synthesized in the
    column's text method, with weight `rare` against theirs."""
    frequent = col["frequent"]
    values = frequent.get("values") if isinstance(frequent, dict) else None
    weights = frequent.get("weights") if isinstance(frequent, dict) else None
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values) \
            or not isinstance(weights, list) or len(weights) != len(values) \
            or not all(is_number(w) and w > 0 for w in weights) or len(values) > 4096:
        raise SpecError(f"{where}: 'frequent' is {{values: [1..4096 texts], weights: [a count > 0 each], rare: "
                        "the count of all rarer values, min_count: k}")
    rare = frequent.get("rare", 0)
    if not is_number(rare) or rare < 0:
        raise SpecError(f"{where}: frequent.rare (the weight of synthesized values) must be a number >= 0")
    k = frequent.get("min_count")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise SpecError(f"{where}: frequent.min_count (k: values seen fewer times are never copied) must be >= 1")


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
        if col.get("written") not in (None, "ipv6", "items"):
            raise SpecError(f"{where}: 'written' may only be 'ipv6' (pools of groups that join into 8, written as "
                            "RFC 5952 does) or 'items' (a list's items, each once); remove it to join the pieces "
                            "as they are")
        if col.get("written") == "items" and not (isinstance(col.get("separator"), str) and col["separator"]):
            raise SpecError(f"{where}: a list ('written': 'items') needs its 'separator', the text between two items")
        ordered = col.get("ordered")
        if ordered is not None and not (isinstance(ordered, list) and len(ordered) == 2
                                         and all(isinstance(i, int) and not isinstance(i, bool) for i in ordered)
                                         and 0 <= ordered[0] < ordered[1] < len(pieces)):
            raise SpecError(f"{where}: 'ordered' names two pools [a, b], a before b, whose numbers are drawn in "
                            "order (a range's low and high); remove it to draw them apart")
        around = col.get("around")
        if around is not None and not (col.get("written") == "items" and isinstance(around, list) and len(around) == 2
                                        and all(isinstance(x, str) for x in around)):
            raise SpecError(f"{where}: 'around' is a list's [opening, closing] brackets, on a list "
                            "('written': 'items'); remove it to write the list bare")
    elif method == "members":
        members, separator = col.get("members"), col.get("separator")
        if not isinstance(separator, str) or not isinstance(members, list) or not 1 <= len(members) <= 64 or not all(
                isinstance(m, dict) and isinstance(m.get("share"), (int, float)) and 0 < m["share"] <= 1
                and isinstance(m.get("values"), list) and 1 <= len(m["values"]) <= 4096
                and all(isinstance(v, str) for v in m["values"]) for m in members):
            raise SpecError(f"{where}: JSON members need a 'separator' and 'members': 1..64 of {{key, share in (0, 1], "
                            "values: 1..4096 member texts}")
    else:
        raise SpecError(f"{where}: text method must be 'words', 'pattern' or 'members', got {method!r}")
    slots = col.get("slots")
    if slots is not None and (isinstance(slots, bool) or not isinstance(slots, int) or slots < 1):
        raise SpecError(f"{where}: text 'slots' (how many texts its values are drawn from at scale 1) must be an "
                        f"integer >= 1; remove it for a new text in every row")
    grows = col.get("slot_growth")
    if grows is not None and (slots is None or isinstance(grows, bool) or not isinstance(grows, (int, float))
                              or not 0 <= grows <= 1):
        raise SpecError(f"{where}: text 'slot_growth' (the power of the scale its slots grow by) must be a number in "
                        f"0..1 beside 'slots'; remove it for slots in proportion to the scale")
    if col.get("frequent") is not None:
        _validate_frequent(col, where)
