"""The sampler for other engines: the compiled SELECT, transpiled by sqlglot (Spark SQL).

The query is the same sampler as the DuckDB macro, with n, seed, start and scale fixed, the parameters in a
CTE and the rows from Spark's own (distributed) range(). Only the hash differs: Spark's 64-bit xxhash64 stands
in for DuckDB's hash, so the rows differ but every distribution, key and reference is drawn the same way.
"""
from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from . import catalog, rollups
from .compiler import compile_query
from .dtypes import type_family
from .errors import SpecError
from .sqltext import comment, ident

DIALECTS = ("spark",)
SPARK_REFUSED = {"time": "Spark has no TIME type", "uuid": "Spark has no UUID type"}
UNSIGNED = ("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "HUGEINT")


def export_query(con, gen: str, dialect: str, n: int, seed: int = 42, start: int = 0, scale: float = 1.0) -> str:
    """A standalone query drawing rows [start, start + n) of the generator in another SQL dialect."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)} (or sql for DuckDB), got {dialect!r}")
    spec = catalog.get(con, gen)
    for col in spec["columns"]:
        why = SPARK_REFUSED.get(type_family(col["type"])) or ("Spark has no such integer type"
                                                               if col["type"] in UNSIGNED else None)
        if why:
            raise SpecError(f"column {col['name']!r} ({col['type']}): {why}; select or cast it in the source")
    constants = {"n": int(n), "seed": int(seed), "start": int(start), "scale": float(scale)}
    text = to_spark(compile_query(spec, lambda other: catalog.get(con, other)), constants)
    return (comment(f"-- fastgen generator {gen!r} as Spark SQL: rows [{start}, {start + n}) for seed {seed}, scale {scale}") + "\n"
            + text.replace("fastgen_rows", f"(SELECT id AS r FROM RANGE({int(start)}, {int(start) + int(n)}))") + "\n")


def to_spark(query: str, constants: dict | None = None) -> str:
    """A DuckDB query of the sampler's functions in Spark SQL, with `constants` (n, seed, start, scale) inlined."""
    constants = constants or {}
    tree = sqlglot.parse_one(query, read="duckdb")

    def rewrite(node):
        if isinstance(node, exp.Column) and not node.table and not node.this.quoted and node.name in constants:
            value = constants[node.name]
            return exp.Literal.number(value)
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.ENUM:
            return exp.DataType.build("VARCHAR")
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:   # HUGEINT arithmetic
            return exp.DataType.build("DECIMAL(38, 0)")
        name = node.name.upper() if isinstance(node, exp.Anonymous) else ""
        if name == "ERROR":   # a small key type running out of keys: Spark's own raise_error
            return exp.Anonymous(this="RAISE_ERROR", expressions=node.expressions)
        if name == "LIST_EXTRACT":   # Spark takes the position as an INT only (r % n + 1 is a BIGINT)
            items, index = node.expressions
            return exp.Anonymous(this="ELEMENT_AT", expressions=[items, exp.cast(index, "INT")])
        if name == "TO_MICROSECONDS":  # a gap after a timestamp: Spark adds day-time intervals of seconds
            seconds = exp.Div(this=node.expressions[0], expression=exp.Literal.number(1000000))
            return exp.Anonymous(this="MAKE_DT_INTERVAL", expressions=[exp.Literal.number(0)] * 3 + [seconds])
        if name == "EPOCH_US":   # a time as the sampler's number (dtypes.as_number): Spark's microseconds
            return exp.Anonymous(this="UNIX_MICROS", expressions=node.expressions)
        if isinstance(node, exp.Sub) and isinstance(node.expression, exp.Cast) \
                and node.expression.to.this == exp.DataType.Type.DATE:   # days between dates: Spark's datediff
            return exp.Anonymous(this="DATEDIFF", expressions=[node.this, node.expression])
        if name == "HASH" or type(node).__name__ == "Hash":
            return exp.Anonymous(this="XXHASH64", expressions=list(node.expressions) or [node.this])
        if isinstance(node, exp.BitwiseRightShift):  # xxhash64 is signed: shift in zeros
            return exp.Anonymous(this="SHIFTRIGHTUNSIGNED", expressions=[node.this, node.expression])
        if isinstance(node, exp.Format) and isinstance(node.this, exp.Literal):   # a grouped number (readings.py)
            places = re.fullmatch(r"\{:,(?:\.(\d)f)?\}", node.this.name)
            return exp.Anonymous(this="FORMAT_NUMBER", expressions=[node.expressions[0], exp.Literal.number(
                int(places.group(1) or 0))])
        if isinstance(node, exp.TimeToStr) and isinstance(node.args.get("format"), exp.Literal):   # a written date
            return exp.Anonymous(this="DATE_FORMAT", expressions=[node.this, exp.Literal.string(
                spark_datetime_pattern(node.args["format"].name))])
        if isinstance(node, exp.UnixToTime):  # make_timestamp(µs) or to_timestamp(s): keep every microsecond
            micros = node.args.get("scale") == exp.UnixToTime.MICROS
            return exp.Anonymous(this="TIMESTAMP_MICROS" if micros else "TIMESTAMP_SECONDS", expressions=[node.this])
        return node

    for _ in range(8):  # transform() does not revisit what a replaced node holds: repeat to a fixed point
        new = tree.transform(rewrite)
        if new == tree:
            break
        tree = new
    return tree.sql(dialect="spark")


SPARK_DATETIME = {"%Y": "yyyy", "%m": "MM", "%-m": "M", "%d": "dd", "%-d": "d", "%H": "HH", "%M": "mm", "%S": "ss",
                  "%g": "SSS", "%f": "SSSSSS", "%b": "MMM", "%B": "MMMM", "%-H": "H", "%I": "hh", "%-I": "h", "%p": "a",
                  "%a": "EEE", "%A": "EEEE", "%%": "%"}


def spark_datetime_pattern(strftime_format: str) -> str:
    """A strftime format (readings.TEXT_DATES, or a spec's) as Spark's datetime pattern, letters in quotes."""
    parts = re.split(r"(%-?[a-zA-Z%])", strftime_format)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            if part not in SPARK_DATETIME:
                raise SpecError(f"the date format {strftime_format!r} has {part}, which Spark cannot write; "
                                "change the column's format")
            out.append(SPARK_DATETIME[part])
        elif part:
            out.append(re.sub(r"[A-Za-z]+", lambda m: "'" + m.group(0) + "'", part.replace("'", "''")))
    return "".join(out)


def export_schema(con, schema: str | None, dialect: str, scale: float = 1.0, seed: int = 42) -> str:
    """Every table of a schema's generators as one script of CREATE TABLE … AS queries, parents first, each
    with its rows at `scale`: keys are functions of the row number and references inline their parent's key
    formula, so every foreign key resolves within the script, in the other engine too."""
    name = lambda table: sqlglot.exp.to_identifier(table).sql(dialect=dialect)
    parts, totals = [], []
    plan = catalog.schema_plan(con, schema, scale)
    for table, rows in plan:
        query = export_query(con, table, dialect, rows, seed, 0, scale)
        head, _, body = query.partition("\n")
        spec = catalog.get(con, table)
        if any(c.get("sum_of") for c in spec["columns"]):   # drawn apart, then read with its children's sums
            drawn = f"{table}__drawn"
            children = {c["sum_of"]["table"].lower(): ident(c["sum_of"]["table"]) for c in spec["columns"]
                        if c.get("sum_of")}
            totals.append(f"-- {table}: its numbers that add up its children's, once they are written (rollups.py)\n"
                          f"CREATE TABLE {name(table)} AS\n"
                          f"{to_spark(rollups.select(spec, ident(drawn), children, seed))};\n"
                          f"DROP TABLE {name(drawn)};\n")
            table = drawn
        parts.append(f"{head}\nCREATE TABLE {name(table)} AS\n{body.rstrip()};\n")
    return "\n".join(parts + totals)
