"""Texts that hold typed values: dates, times and numbers written one way ('2024-01-05', '1/5/2024', '12.50',
'1,234,567', '1.234,50'), perhaps between a few affixes ('$1,234.50', '12.5 %', '2024-01-05T10:00:00+05:30').

A reading says how: the type the values parse as (`parsed`), how the type is written (`format`: a strftime
format for dates and timestamps, a number pattern such as '#,##0.00' for grouped numbers), and the texts around
it (`affixes`: [prefix, suffix] pairs with their weights). The profile finds a column's reading by writing
every value back: a reading holds only where each value comes back as exactly the text it came from. The
sampler draws the type and writes it back the same way, so every value it draws parses as the source's do."""
from __future__ import annotations

import re

from .dtypes import decimal_scale, parse_type, type_family
from .errors import SpecError
from .sqltext import ident, number, string

TEXT_DATES = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%g",
              "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.%g", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y",
              "%-m/%-d/%Y", "%-d/%-m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d", "%d %b %Y", "%b %d, %Y", "%Y-%m",
              "%Y %b", "%b %Y", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%-d %b %Y",
              "%b %-d, %Y", "%d %B %Y", "%-d %B %Y", "%B %d, %Y", "%B %-d, %Y", "%B %Y", "%H:%M", "%-H:%M",
              "%I:%M %p", "%-I:%M %p", "%a, %d %b %Y", "%a, %d %b %Y %H:%M:%S", "%A, %B %d, %Y", "%A, %B %-d, %Y",
              "%a %b %d %H:%M:%S %Y")   # (a time of day alone is drawn as one on 1900-01-01)
CLOCK = re.compile(r"%-?[HI]")   # a format with an hour is a timestamp's
GROUPINGS = ((",", "."), (".", ","), (" ", ","), (" ", "."), ("'", "."))   # (thousands separator, decimal mark)
NUMBER_FORMAT = re.compile(r"#([,. '])##0(?:([.,])(0{1,6}))?|0\.(#{1,12})")   # '0.##': at most 2 decimals, written
                                                                             # without trailing zeros ('12.5', '13')
# a value's prefix (no digit, sign or small letter: 'Wed, ' begins a date; not ending in a letter: 'v12' is a
# code), its typed core, and its suffix
# (a UTC offset, perhaps after a space, or no digit and not starting with a letter: '12B' is a code too)
AFFIXED = r"^((?:[^0-9a-z.+-]*[^0-9A-Za-z.+-])?)(.*?)(Z|\s?[+-][0-9]{2}:?[0-9]{2}|(?:[^0-9A-Za-z][^0-9]*)?)$"
SIGN = re.compile(r"[^A-Za-z]*|[^A-Za-z]*[A-Z]{3}[^A-Za-z]*")   # a prefix of signs, or a currency code: words
                       # before a number make it a label ('Room 12', 'note 7'), better kept or drawn as one
ZONE = re.compile(r"Z|\s?[+-][0-9]{2}:?[0-9]{2}|\s?(UTC|GMT)")   # what may vary after a date or time: its zone
MAX_AFFIXES = 32       # [prefix, suffix] pairs a reading keeps; a column with more is no typed text
MARKERS = 4            # texts with no digit that stand for a missing value among typed ones ('NA', '-'), at most...
MAX_MARKER = 16        # ... each at most this long
DIGIT = "regexp_matches({}, '[0-9]')"   # SQL: a text holds a digit (a typed value does; a marker does not)
IPV4 = {"parsed": "UINTEGER", "format": "ipv4"}   # an IPv4 address: a 32-bit number written as 4 octets
PARSED_FAMILIES = ("integer", "float", "decimal", "date", "time", "timestamp", "uuid")


def typed_texts(con, sample: str, columns: list[tuple[str, str]], few: int) -> dict[str, dict]:
    """VARCHAR columns of more than `few` distinct values (or of distinct values only: a unique column of a few
    rows is a key to number in its type) whose every value is a date, a time, a timestamp, a number or a UUID
    written one way, perhaps between affixes, but for a few texts with no digit that stand for a missing value
    ('NA', '-'): their readings ({parsed, format?, affixes?, markers?}).
    Each reading is tried on a few of the column's values first, and on all of them only if it holds there (a
    reading fails on all values if it fails on some): most text columns are settled in one small query."""
    found = {}
    for name, type_text in columns:
        if type_text != "VARCHAR":
            continue
        c = ident(name)
        distinct, values, places = con.execute(_places(c, sample, f"count(DISTINCT {c}), count({c})")).fetchall()[0]
        if distinct <= few and (distinct < values or not distinct):
            continue
        reading = _reading(con, sample, c, c, places, distinct == values) or _affixed(con, sample, c)
        markers = _markers(con, sample, c) if reading else None
        marked = len([v for v in (markers or {}).get("markers", {}).get("values", []) if v is not None])
        if markers is not None and marked < distinct:   # (a few texts, none of them typed, are no typed column)
            found[name] = {**reading, **markers}
    return found


def _markers(con, sample: str, c: str) -> dict | None:
    """The column's texts with no digit, which stand for a missing value ('NA', 'N/A', '-', ''), as `markers`
    ({values, weights}: each with its count, and None for a NULL with theirs) where there are any; {} where there
    are none; None where they are more than MARKERS or longer than MAX_MARKER (no typed column, then)."""
    found = con.execute(f"SELECT {c}, count(*) FROM {sample} WHERE {c} IS NOT NULL AND NOT {DIGIT.format(c)} "
                        f"GROUP BY ALL ORDER BY count(*) DESC, {c} LIMIT {MARKERS + 1}").fetchall()
    if not found:
        return {}
    if len(found) > MARKERS or any(len(v) > MAX_MARKER for v, _ in found):
        return None
    nulls = con.execute(f"SELECT count(*) - count({c}) FROM {sample}").fetchall()[0][0]
    pairs = found + ([(None, nulls)] if nulls else [])
    return {"markers": {"values": [v for v, _ in pairs], "weights": [int(k) for _, k in pairs]}}


def _affixed(con, sample: str, c: str) -> dict | None:
    """The reading of a column whose values are a typed core between a few [prefix, suffix] pairs, if any.
    Its first 64 values are looked at first: most text columns (words, codes) are settled there."""
    core = _part(c, 2)
    reading = pairs = None
    for rows in (f"(SELECT {c} FROM {sample} WHERE {c} IS NOT NULL LIMIT 64)", sample):
        pairs = con.execute(f"SELECT {_part(c, 1)} AS p, {_part(c, 3)} AS s, count(*) AS k "
                            f"FROM {rows} WHERE {DIGIT.format(c)} GROUP BY ALL "
                            f"ORDER BY k DESC, p, s LIMIT {MAX_AFFIXES + 1}").fetchall()
        if not pairs or len(pairs) > MAX_AFFIXES or all(p == s == "" for p, s, _ in pairs) \
                or not all(SIGN.fullmatch(p) for p, _, _ in pairs):
            return None
        reading = _reading(con, rows, c, core, con.execute(_places(core, rows)).fetchall()[0][0])
        if reading is None or (len(pairs) > 1 and type_family(reading["parsed"]) in ("date", "time", "timestamp")
                               and not all(p == "" and ZONE.fullmatch(s) for p, s, _ in pairs)):
            return None   # (a weekday after a date, '(Tue)', drawn apart from it would name another day)
    return {**reading, "affixes": {"values": [[p, s] for p, s, _ in pairs], "weights": [int(k) for _, _, k in pairs]}}


def _places(core: str, relation: str, also: str = "") -> str:
    """SQL: `also` (aggregates over `relation`), and the one number of decimals (after a '.' or a ',') that every
    value of `core` ending in a digit has (0 where none does: a marker, 'NA', has no digit); NULL where they
    differ. Its end ('7', or '7.50': a digit and its decimals) is read once per row."""
    end = f"nullif(length(regexp_extract({core}, '[0-9]([.,][0-9]+)?$', 0)), 0)"
    decimals = "CASE WHEN fastgen_end > 1 THEN fastgen_end - 2 ELSE fastgen_end - 1 END"
    return (f"SELECT {also}{', ' if also else ''}CASE WHEN count(DISTINCT {decimals}) <= 1 THEN "
            f"coalesce(max({decimals}), 0) END FROM (SELECT *, {end} AS fastgen_end FROM {relation})")


def _reading(con, sample: str, c: str, core: str, places: int | None, distinct: bool = False) -> dict | None:
    """The first reading under which every value of `core` (SQL over the column `c`) writes back to itself, but
    for markers (_markers: values with no digit); `places`: the one number of decimals its values have, or None.
    `distinct`: no value repeats, and IPv4 addresses are read as the numbers they write (a list of them that
    repeats is pieces of its networks: structured.py)."""
    varying, places = places is None, places if places and 1 <= places <= 6 else None
    readings = [{"parsed": "DATE"}, {"parsed": "TIMESTAMP"}, {"parsed": "TIME"}] + \
        [{"parsed": "TIMESTAMP" if CLOCK.search(f) else "DATE", "format": f} for f in TEXT_DATES] + \
        [{"parsed": "BIGINT"}] + ([{"parsed": f"DECIMAL(18,{places})"}] if places else []) + [{"parsed": "DOUBLE"}] + \
        [{"parsed": "UUID"}] + ([IPV4] if distinct else [])
    if varying:   # decimals that vary: written without trailing zeros, at most the most seen
        most = con.execute(f"SELECT max(length(regexp_extract({core}, '\\.([0-9]+)$', 1))) "
                           f"FROM {sample}").fetchall()[0][0]
        if most and 1 <= most <= 12:   # ('{:g}' writes 0.0812345: 7 of them, in 38 digits)
            readings.append({"parsed": f"DECIMAL({18 if most <= 6 else 38},{most})", "format": "0." + "#" * most})
    for group, mark in GROUPINGS:
        readings.append({"parsed": "BIGINT", "format": f"#{group}##0"})
        if places:
            readings.append({"parsed": f"DECIMAL(18,{places})", "format": f"#{group}##0{mark}{'0' * places}"})
    tests = [f"{format_sql(parse_sql(core, r), r)} = {core}" for r in readings]
    marker = "NOT v.fastgen_typed"   # a value that does not parse holds only where it is a marker
    values = (f"(SELECT {c}, {DIGIT.format(c)} AS fastgen_typed FROM "
              f"(SELECT DISTINCT {c} FROM {sample} WHERE {c} IS NOT NULL))")
    alive = list(range(len(tests)))
    for among in (f"(SELECT * FROM {values} LIMIT 64)", values):
        if alive:
            row = con.execute("SELECT " + ", ".join(f"bool_and(coalesce({tests[i]}, {marker}))" for i in alive)
                              + f" FROM {among} AS v").fetchall()[0]
            alive = [i for i, ok in zip(alive, row) if ok]
    return readings[alive[0]] if alive else None


def number_style(fmt: str) -> tuple[str, str, int]:
    """A number pattern's thousands separator, decimal mark and (most) decimal places: '#,##0.00' -> (',', '.', 2),
    '0.##' -> ('', '.', 2)."""
    m = NUMBER_FORMAT.fullmatch(fmt)
    return m.group(1) or "", m.group(2) or ".", len(m.group(3) or m.group(4) or "")


def _part(text_sql: str, group: int) -> str:
    """SQL: a text's prefix (1), typed core (2) or suffix (3), as AFFIXED cuts it."""
    return f"regexp_extract({text_sql}, {string(AFFIXED)}, {group})"


def parse_sql(text_sql: str, col: dict) -> str:
    """SQL: a text of the column as the type it is drawn in (the text itself if it holds no typed value)."""
    if not col.get("parsed"):
        return text_sql
    core, fmt = _part(text_sql, 2) if col.get("affixes") else text_sql, col.get("format")
    if fmt and type_family(col["parsed"]) in ("date", "timestamp"):
        return f"try_strptime({core}, {string(fmt)})::{col['parsed']}"
    if fmt == IPV4["format"]:   # (an octet past 255 carries into the next, and writes back as another address)
        octets = " + ".join(f"TRY_CAST(split_part({core}, '.', {i + 1}) AS UBIGINT) * {256 ** (3 - i)}" for i in range(4))
        return f"TRY_CAST({octets} AS {col['parsed']})"
    if fmt:
        group, mark, _ = number_style(fmt)
        core = f"replace({core}, {string(group)}, '')" if group else core
        core = f"replace({core}, {string(mark)}, '.')" if mark != "." else core
    return f"TRY_CAST({core} AS {col['parsed']})"


def format_sql(value_sql: str, col: dict, affix: str | None = None) -> str:
    """SQL: a drawn value of the column's `parsed` type written as the source writes it (`affix`: the SQL of the
    row's index into its affixes, where there is more than one)."""
    fmt = col.get("format")
    if fmt and type_family(col["parsed"]) in ("date", "timestamp"):
        text = f"strftime({value_sql}, {string(fmt)})"
    elif fmt == IPV4["format"]:
        text = " || '.' || ".join(f"(({value_sql}) // {256 ** (3 - i)} % 256)::VARCHAR" for i in range(4))
    elif fmt and not number_style(fmt)[0]:   # '0.##': its decimals, less trailing zeros (and a '.' left alone)
        text = f"regexp_replace(CAST({value_sql} AS VARCHAR), '\\.?0+$', '')"
    elif fmt:
        group, mark, places = number_style(fmt)
        text = f"format({string('{:,.%df}' % places if places else '{:,}')}, {value_sql})"
        if (group, mark) != (",", "."):
            text = f"translate({text}, ',.', {string(group + mark)})"
    else:
        text = f"CAST({value_sql} AS VARCHAR)"
    pairs = (col.get("affixes") or {}).get("values")
    if not pairs:
        return text
    if len(pairs) == 1 or affix is None:
        prefix, suffix = pairs[0]
        return f"({string(prefix)} || {text} || {string(suffix)})"
    prefix, suffix = (f"list_extract([{', '.join(string(p[i]) for p in pairs)}], {affix} + 1)" for i in (0, 1))
    return f"({prefix} || {text} || {suffix})"


def _by_weight(u: str, weights: list[float], outcomes: list[str]) -> str:
    """SQL: one of `outcomes` (SQL) from the uniform `u`, each as often as its weight (a CASE ladder)."""
    total, edge, arms = float(sum(weights)), 0.0, []
    for outcome, w in zip(outcomes[:-1], weights[:-1]):
        edge += w / total
        arms.append(f"WHEN {u} < {number(edge)} THEN {outcome}")
    return f"CASE {' '.join(arms)} ELSE {outcomes[-1]} END" if arms else outcomes[-1]


def marker_pick(u: str, col: dict) -> str | None:
    """SQL: the text a row writes where its value is missing (a marker, or NULL), by the markers' weights, from
    its uniform `u`; None for a column with no markers."""
    markers = col.get("markers")
    if not markers:
        return None
    return _by_weight(u, markers["weights"], ["NULL" if v is None else string(v) for v in markers["values"]])


def affix_index(u: str, col: dict) -> str | None:
    """SQL: which of the column's [prefix, suffix] pairs a row writes (0-based), from its uniform `u`; None
    where there is one or none."""
    weights = (col.get("affixes") or {}).get("weights") or []
    return _by_weight(u, weights, [str(i) for i in range(len(weights))]) if len(weights) >= 2 else None


def validate(col: dict, family: str, where: str) -> str:
    """A text column drawn as the type its values parse as: returns that type's family."""
    parsed = str(parse_type(col["parsed"]))
    if family != "string" or col["type"].startswith("ENUM") or type_family(parsed) not in PARSED_FAMILIES:
        raise SpecError(f"{where}: 'parsed' (the type a text column's values are drawn as) applies to VARCHAR columns "
                        f"and names a number, date, time, timestamp or UUID type; got {col['parsed']!r}")
    col["parsed"] = parsed
    fmt, drawn = col.get("format"), type_family(parsed)
    if fmt is not None and not (isinstance(fmt, str) and fmt and (
            drawn in ("date", "timestamp") or (drawn in ("integer", "decimal") and NUMBER_FORMAT.fullmatch(fmt))
            or (fmt == IPV4["format"] and parsed == IPV4["parsed"]))):
        raise SpecError(f"{where}: 'format' is a strftime format (e.g. '%d/%m/%Y') for a date or timestamp, a "
                        "number pattern (e.g. '#,##0.00', '#.##0,00') for an integer or DECIMAL, or 'ipv4' for a "
                        "UINTEGER; remove it to format as DuckDB does")
    if fmt and fmt != IPV4["format"] and drawn in ("integer", "decimal") \
            and number_style(fmt)[2] != (decimal_scale(parsed) if drawn == "decimal" else 0):
        raise SpecError(f"{where}: 'format' {fmt!r} writes {number_style(fmt)[2]} decimals where 'parsed' {parsed} "
                        "holds another number of them; make the two agree")
    affixes = col.get("affixes")
    if affixes is not None:
        values, weights = (affixes.get("values"), affixes.get("weights")) if isinstance(affixes, dict) else (None, None)
        if not (isinstance(values, list) and values and all(isinstance(v, list) and len(v) == 2 and all(
                isinstance(x, str) for x in v) for v in values) and isinstance(weights, list)
                and len(weights) == len(values) and all(isinstance(w, (int, float)) and w > 0 for w in weights)):
            raise SpecError(f"{where}: 'affixes' is {{values: [[prefix, suffix], …], weights: [positive number per "
                            "pair]}} (texts written before and after each value)")
    markers = col.get("markers")
    if markers is not None:
        values, weights = (markers.get("values"), markers.get("weights")) if isinstance(markers, dict) else (None, None)
        if not (isinstance(values, list) and values and all(v is None or isinstance(v, str) for v in values)
                and len(set(values)) == len(values) and isinstance(weights, list) and len(weights) == len(values)
                and all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in weights)):
            raise SpecError(f"{where}: 'markers' is {{values: [text written for a missing value, or null], weights: "
                            "[positive number per value]}}; remove it to leave missing values NULL")
    return drawn


def ipv6_compressed(full: str) -> str:
    """SQL: an IPv6 address written as 8 groups of hex digits without leading zeros ('2001:db8:0:0:0:0:0:1'),
    its longest run of two or more 0 groups (the first, where two are as long) written '::' as RFC 5952 does
    ('2001:db8::1'). `full` is read many times: pass a column alias."""
    x = f"(':' || {full} || ':')"
    arms = []
    for k in range(8, 1, -1):   # the run's groups, and the colons around the rest, cut out
        at_, end = f"strpos({x}, {string(':' + ':'.join(['0'] * k) + ':')})", 2 * k + 1
        arms.append(f"WHEN {at_} > 0 THEN substr({x}, 2, greatest({at_} - 2, 0)) || '::' || "
                    f"substr({x}, {at_} + {end}, greatest(length({x}) - {at_} - {end}, 0))")
    return f"(CASE {' '.join(arms)} ELSE {full} END)"
