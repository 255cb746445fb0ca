"""Whole schemas generated at once: every table of a schema's generators, parents first, in one transaction.

`generate(con, schema, scale, seed, into=…)` creates each table with the constraints its spec keeps (keys,
foreign keys, CHECKs, NOT NULL: DuckDB then checks every row) in the caller's schema or `into` another schema
or ATTACHed database, and fills it. Nothing is left half-done: a failure rolls the whole call back.

DuckDB resolves a foreign key's table relative to the schema its CREATE TABLE runs in, and the sampler's names
(`fastgen.gen_orders`) relative to the database a statement runs in: so tables are created from inside their
schema, and filled from the generators' own, by INSERT INTO the qualified table (rows are written once).
"""
from __future__ import annotations

import duckdb

from . import catalog, ddl, rollups
from .caller import option
from .catalog import GeneratorError
from .sources import dotted
from .sqltext import ident, string


def target(cur, into: str | None) -> tuple[str, str]:
    """The (database, schema) that `into` names: an ATTACHed database, `db.schema`, or a schema of the current
    database (generate creates it if missing); by default where the caller stands."""
    here = tuple(cur.execute("SELECT current_database(), current_schema()").fetchall()[0])
    if into is None:
        return here
    parts = dotted(into) if isinstance(into, str) else None
    if not parts or len(parts) > 2:
        raise ValueError(f"into must name a schema, an ATTACHed database or database.schema, got {into!r}")
    databases = {d.lower(): d for (d,) in cur.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    if len(parts) == 2:
        if parts[0].lower() not in databases:
            raise ValueError(f"into {into!r}: no database {parts[0]!r} is attached (ATTACH 'file.duckdb' AS {parts[0]})")
        where = (databases[parts[0].lower()], parts[1])
    elif parts[0].lower() in databases:
        where = (databases[parts[0].lower()], "main")
    else:
        where = (here[0], parts[0])
    if where[0].lower() == "fastgen" or where[1].lower() == "fastgen":
        raise ValueError("into cannot be fastgen's own schema")
    return where


def generate(con, schema: str | None, scale: float, seed: int, into: str | None = None, replace: bool = False,
             constraints: bool = True) -> list[tuple[str, int]]:
    """Fill every table of a schema's generators, parents first; return (table, rows) in that order."""
    here = tuple(con.execute("SELECT current_database(), current_schema()").fetchall()[0])
    plan = catalog.schema_plan(con, schema, scale)
    specs = {name: catalog.get(con, name) for name, _ in plan}
    where = target(con, into)
    qualified = f"{ident(where[0])}.{ident(where[1])}"
    existing = {t.lower(): n for t, n in con.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        list(where)).fetchall()}
    for name, _ in plan:
        filled = name.lower() in existing and con.execute(
            f"SELECT count(*) FROM {qualified}.{ident(name)}").fetchall()[0][0]
        if filled and not replace:
            raise GeneratorError(f"table {where[1]}.{name} exists and holds {filled:,} rows: generate elsewhere with "
                                 f"{option('into', 'synth')} (a schema, or an ATTACHed database), or pass "
                                 f"{option('replace', True)} to overwrite it")
    generated = {name.lower(): specs[name] for name, _ in plan}
    for name, _ in plan:   # a total's children are generated too, with the columns it adds up
        for col in specs[name]["columns"]:
            if col.get("sum_of"):
                rollups.require_children(name, col, generated)
    home, sampler = f"{ident(here[0])}.{ident(here[1])}", f"{ident(here[0])}.main.fastgen_sample"
    with catalog.transaction(con) as cur:
        cur.execute(f"USE {home}")
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified}")   # rolled back with the rest if anything fails
        if replace:
            for name, _ in reversed(plan):
                cur.execute(f"DROP TABLE IF EXISTS {qualified}.{ident(name)}")
            existing = {}
        created: set[str] = set()
        for name, rows in plan:
            spec = specs[name]
            if name.lower() not in existing:
                cur.execute(f"USE {qualified}")   # foreign keys name their tables relative to the schema they are in
                cur.execute(_create(spec, created, constraints))
                cur.execute(f"USE {home}")
            created.add(name.lower())
            cols = ", ".join(ident(c["name"]) for c in spec["columns"])
            self_referencing = any(str(c.get("table")).lower() == name.lower()
                                   for c in spec["columns"] if c["kind"] == "reference")
            # a self-referencing table goes in doubling chunks, each referring only to rows already inserted
            bounds = [0] + [2 ** k for k in range(rows.bit_length()) if 2 ** k < rows] if self_referencing else [0]
            for start, end in zip(bounds, bounds[1:] + [rows]):
                draw = (f"{sampler}({string(name)}, {end - start}, seed := {int(seed)}, start := {start}, "
                        f"scale := {float(scale)!r})")
                try:
                    cur.execute(f"INSERT INTO {qualified}.{ident(name)} ({cols}) SELECT * FROM {draw}")
                except duckdb.ConstraintException as exc:
                    raise GeneratorError(
                        f"table {name}: the drawn rows break a constraint of its source that fastgen does not keep "
                        f"by construction ({str(exc).splitlines()[0]}); nothing was written. Pass "
                        f"{option('constraints', False)} to make the tables without their constraints, or edit "
                        f"the generator's spec") from None
        for name, _ in plan:   # a parent's number that adds up its children's, once they are written
            for col in specs[name]["columns"]:
                if col.get("sum_of"):
                    cur.execute(rollups.update(specs[name], col, f"{qualified}.{ident(name)}",
                                               f"{qualified}.{ident(col['sum_of']['table'])}", seed))
    return plan


def _create(spec: dict, created: set[str], constraints: bool = True) -> str:
    """CREATE TABLE with the spec's column types and, unless told not to, its constraints; a foreign key to a
    table not created yet (a nullable key that closes a cycle, generated NULL) is left out, as DuckDB cannot
    create it."""
    if not constraints:
        columns = ", ".join(f"{ident(c['name'])} {c['type']}" for c in spec["columns"])
        return f"CREATE TABLE {ident(spec['name'])} ({columns})"
    table = ddl.table_def(spec)
    table.foreign_keys = [fk for fk in table.foreign_keys
                          if fk["table"].lower() in created or fk["table"].lower() == spec["name"].lower()]
    return ddl.duckdb_ddl([table])
