"""The generators stored in a database: bootstrap, save (atomically), read, drop.

A generator is three objects in schema `fastgen`: a row in `fastgen.generators` holding its spec, a
parameter table and a table macro. They are written in one transaction, and the macro is test-sampled
before the commit, so a failure leaves the previous state untouched.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from .compiler import compile_spec, macro_name, params_name
from .layout import key_capacity, table_rows
from .errors import SpecError
from .spec import validate
from .caller import command, option, progress
from .sqltext import comment, string


class GeneratorError(LookupError):
    """An unknown generator, or one that exists when replace was not asked for."""


def bootstrap_sql() -> str:
    try:
        sql_dir = resources.files("fastgen_duckdb.sql")
    except ModuleNotFoundError:  # imported from a source checkout, whose fastgen_duckdb/ has no sql/ inside
        sql_dir = Path(__file__).resolve().parent.parent / "sql"
    return sql_dir.joinpath("bootstrap.sql").read_text()


def bootstrap(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute(bootstrap_sql())
    except duckdb.InvalidInputException as exc:  # read-only: fine if the catalog is already there
        if "read-only" not in str(exc) or not installed(con):
            raise


def installed(con) -> bool:
    """Whether the database the connection stands in holds fastgen's catalog (where `fastgen.generators` reads)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND schema_name = 'fastgen' AND table_name = 'generators'").fetchall()[0][0])


def names(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM fastgen.generators ORDER BY name").fetchall()]


def stored_name(con, name: str) -> str | None:
    """The stored spelling of a generator name: names are unique regardless of case, as DuckDB's macros are."""
    rows = con.execute("SELECT name FROM fastgen.generators WHERE lower(name) = lower(?)", [name]).fetchall()
    return rows[0][0] if rows else None


def exists_error(name: str, stored: str, batch: int = 1) -> GeneratorError:
    """`batch`: how many generators the call stores (a DDL script's tables); a name of one's own keeps both only
    when it is one."""
    same = "" if stored == name else f" (as {stored!r}: names are unique regardless of case)"
    if batch > 1:
        return GeneratorError(f"generator {name!r} exists{same}; pass {option('replace', True)} to overwrite the "
                              f"script's {batch} generators, or run {command('drop', stored)} first")
    return GeneratorError(f"generator {name!r} exists{same}; pass {option('replace', True)} to overwrite it, "
                          f"or {option('name', '…')} to keep both")


def get(con, name: str) -> dict:
    # fetchall, not fetchone: an unfinished result keeps the caller's transaction (and its snapshot) open
    rows = con.execute("SELECT spec FROM fastgen.generators WHERE lower(name) = lower(?)", [name]).fetchall()
    if not rows:
        known = names(con)
        raise GeneratorError(f"unknown generator {name!r}; "
                             + (f"known: {', '.join(known)}" if known
                                else f"none yet: learn one with {command('infer', '<table>')} first"))
    return json.loads(rows[0][0])


@contextmanager
def transaction(con):
    """A cursor in its own transaction: committed if the block ends normally, rolled back on any error."""
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


def save(con, specs: list[dict], replace: bool = False) -> list[str]:
    """Validate, compile and store specs, all in one transaction; return the generators' names.

    Generators whose foreign keys reference a saved one are recompiled with it (key formulas are inlined).
    """
    specs = [_fit_keys(validate(spec, con)) for spec in specs]
    batch = {spec["name"].lower(): spec for spec in specs}
    if len(batch) < len(specs):
        raise SpecError("two generators in one call have the same name regardless of case: "
                        + ", ".join(s["name"] for s in specs))
    # only stored generators with references are read whole (a 1,000-column spec is tens of megabytes);
    # the ones their keys name are read when compiling asks for them
    referencing = [json.loads(text) for name, text in con.execute(
        "SELECT name, spec FROM fastgen.generators WHERE contains(spec, '\"reference\"')").fetchall()
        if name.lower() not in batch]
    dependents = [s for s in referencing
                  if any(c.get("kind") == "reference" and str(c.get("table")).lower() in batch for c in s["columns"])]
    known = {name.lower() for name in names(con)}
    read: dict[str, dict] = {}

    def lookup(name):
        key = str(name).lower()
        if key in batch:
            return batch[key]
        if key in known and key not in read:
            read[key] = get(con, key)
        return read.get(key)
    progress(f"compiling {len(specs)} generator{'s' * (len(specs) > 1)}")
    compiled = [(spec, *compile_spec(spec, lookup)) for spec in specs]
    recompiled = [(spec, *compile_spec(spec, lookup)) for spec in dependents]
    with transaction(con) as cur:
        for spec, params_sql, macro_sql in compiled:
            name = spec["name"]
            old = stored_name(cur, name)
            if old is not None and not replace:
                raise exists_error(name, old, len(compiled))
            cur.execute("DELETE FROM fastgen.generators WHERE lower(name) = lower(?)", [name])
            cur.execute("INSERT INTO fastgen.generators (name, spec) VALUES (?, ?)", [name, json.dumps(spec)])
            cur.execute(params_sql)
            cur.execute(macro_sql)
            progress(f"{name}: test sample")
            _check_output(cur, spec)
        for _, params_sql, macro_sql in recompiled:
            cur.execute(params_sql)
            cur.execute(macro_sql)
    return [spec["name"] for spec, _, _ in compiled]


def _check_output(cur, spec: dict) -> None:
    """Draw a few rows: the compiled SQL must run and give exactly the spec's names and types."""
    sample = f"{macro_name(spec['name'])}({min([257] + key_capacity(spec))}, 42, 0, 1.0)"
    try:
        cur.execute(f"SELECT count(DISTINCT hash(t)) FROM {sample} AS t").fetchall()  # evaluates every column
        rel = cur.sql(f"FROM {sample}")
    except duckdb.Error as exc:
        raise SpecError(f"spec {spec['name']!r} compiles to SQL that fails: {exc}") from None
    got = [(c, str(t)) for c, t in zip(rel.columns, rel.types)]
    want = [(c["name"], c["type"]) for c in spec["columns"]]
    if got != want:
        raise SpecError(f"spec {spec['name']!r}: sampler gives {got}, expected {want}")


def _fit_keys(spec: dict) -> dict:
    """A table cannot have more rows than its small integer keys can number (a TINYINT key from 1 has 127): a
    size guessed from DDL alone is cut to that, any other is refused (its references would overflow the key)."""
    room = min(key_capacity(spec) or [0])
    rows = int(spec.get("source_rows") or 0)
    if room and rows > room:
        if spec.get("inferred_by") != "schema":
            col = next(c for c in spec["columns"] if key_capacity({"columns": [c]}) == [room])
            raise SpecError(f"spec {spec['name']!r}: source_rows {rows} is more than the {room} keys column "
                            f"{col['name']!r} ({col['type']}) can number; lower source_rows or widen the type")
        spec["source_rows"] = room
    return spec


def schema_plan(con, schema: str | None, scale: float) -> list[tuple[str, int]]:
    """The generators of a schema in dependency order (parents first), with their row counts at `scale`."""
    specs = {name: get(con, name) for name in names(con)}
    schemas = sorted({s.get("schema") for s in specs.values() if s.get("schema")})
    if schema is None:
        if len(schemas) != 1:
            raise GeneratorError("name the schema to generate: " + (", ".join(schemas) if schemas else
                                 "there is none yet (infer a DDL script with several tables first)"))
        schema = schemas[0]
    members = {n: s for n, s in specs.items() if str(s.get("schema")).lower() == str(schema).lower()}
    if not members:
        raise GeneratorError(f"unknown schema {schema!r}; known: {', '.join(schemas) or 'none'}")
    order: list[str] = []
    spelled = {n.lower(): n for n in members}

    def visit(name, path=()):
        name = spelled.get(name.lower())
        if name is None or name in order:
            return
        if name in path:
            raise GeneratorError(f"foreign keys form a cycle: {' -> '.join(path + (name,))}")
        for col in members[name]["columns"]:  # all-NULL references (cycle breakers) need no parent first
            if col.get("kind") == "reference" and col["table"].lower() != name.lower() and col.get("nulls", 0) < 1:
                visit(col["table"], path + (name,))
        order.append(name)

    for name in sorted(members):
        visit(name)
    everything = {s["name"].lower(): s for s in specs.values()}
    return [(n, table_rows(members[n], lambda other: everything[other.lower()], scale)) for n in order]


def export_sql(con, name: str) -> str:
    """A standalone script that recreates the generator (and fastgen_sample) in any DuckDB, no Python needed."""
    spec = get(con, name)
    params_sql, macro_sql = compile_spec(spec, lambda other: get(con, other))
    return "\n".join([
        comment(f"-- fastgen generator {name!r}: run in any DuckDB (`duckdb my.duckdb < this.sql`), then"),
        comment(f"--   FROM fastgen_sample({string(name)}, 1000, seed := 42);"),
        bootstrap_sql().strip(),
        f"DELETE FROM fastgen.generators WHERE lower(name) = lower({string(name)});",
        f"INSERT INTO fastgen.generators (name, spec) VALUES ({string(name)}, {string(json.dumps(spec))});",
        params_sql + ";", macro_sql + ";", ""])


def drop(con, name: str) -> str:
    name = get(con, name)["name"]  # raises for an unknown name
    with transaction(con) as cur:
        cur.execute("DELETE FROM fastgen.generators WHERE lower(name) = lower(?)", [name])
        cur.execute(f"DROP MACRO TABLE IF EXISTS {macro_name(name)}")
        cur.execute(f"DROP TABLE IF EXISTS {params_name(name)}")
    return name
