"""fastgen-duckdb: learn a table's distribution once, then draw any number of synthetic rows in pure SQL.

    import fastgen_duckdb
    con = fastgen_duckdb.connect("shop.duckdb")
    con.sql("SELECT fastgen_infer('orders')").fetchall()   # a SELECT relation runs when fetched
    con.sql("CREATE TABLE orders_test AS FROM fastgen_sample('orders', 1000000, seed := 7)")

Every SQL function has a Python twin here taking the connection first: infer (infer_all), sample, generate,
report, generators, spec, import_spec, export_sql, drop.
"""
from __future__ import annotations

import functools
import json
import math
import sys
import warnings

import duckdb

from . import caller, catalog, database, fidelity, inference, llm, profile
from .catalog import GeneratorError
from .sources import SourceError, resolve
from .errors import SpecError, UnsupportedType
from .sqltext import string

__version__ = "0.1.0"
__all__ = ["connect", "register", "infer", "infer_all", "sample", "generate", "report", "generators", "spec",
           "import_spec", "export_sql", "export_schema", "drop", "SourceError", "SpecError", "UnsupportedType", "GeneratorError",
           "SHELL_STORAGE", "StorageWarning"]


# The newest storage format the newest installable DuckDB shell reads: duckdb-cli exists up to 1.5.x, and
# duckdb 2.x writes new files in storage v2 by default, which every 1.5 shell refuses ("version number 999").
SHELL_STORAGE = "v1.5.0"


class StorageWarning(UserWarning):
    """The database file is in a storage format that the DuckDB shell cannot open."""


def connect(database: str = ":memory:", **kwargs) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with every fastgen function registered.

    On duckdb 2.x, files (and ATTACHed files) created through it get storage version `SHELL_STORAGE`, so the
    plain `duckdb` shell (1.5.x) opens them too; pass config={"storage_compatibility_version": …} to choose.
    """
    if int(duckdb.__version__.split(".")[0]) >= 2:
        kwargs["config"] = {"storage_compatibility_version": SHELL_STORAGE, **(kwargs.get("config") or {})}
    try:
        con = duckdb.connect(database, **kwargs)
    except duckdb.IOException as exc:
        if "version number" not in str(exc) or "newer version" not in str(exc):
            raise
        raise duckdb.IOException(
            f"{database} is in DuckDB storage v2 (duckdb 2.x's default), which duckdb {duckdb.__version__} and the "
            f"duckdb shell cannot read: pip install -U duckdb, then fastgen_duckdb.connect on it says how to copy it "
            f"into storage {SHELL_STORAGE}, which both read") from None
    try:
        return register(con)
    except BaseException:
        con.close()
        raise


def register(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Store the catalog and `fastgen_sample` in the database; add the Python-backed SQL functions.

    A read-only database (e.g. opened by several sampling processes at once) must already have the catalog.
    """
    clash = con.execute("SELECT database_name FROM duckdb_databases() WHERE lower(database_name) = 'fastgen'").fetchall()
    if clash:
        raise SourceError(f"a database named {clash[0][0]!r} (the file fastgen.duckdb, or an ATTACH … AS fastgen) clashes "
                          "with fastgen's own schema `fastgen`: name the file otherwise, or attach it under another alias")
    _warn_unreadable_by_shell(con)
    catalog.bootstrap(con)
    varchar, bigint, boolean = duckdb.sqltype("VARCHAR"), duckdb.sqltype("BIGINT"), duckdb.sqltype("BOOLEAN")
    udfs = {
        "fastgen_infer_udf": (lambda source, name, rows, replace, model, provider, send_values, dialect, locale: ", ".join(
            infer_all(con, source, name=name, rows=rows, replace=bool(replace), model=model, provider=provider,
                      send_values=send_values is not False, dialect=dialect, locale=locale)),
            [varchar, varchar, bigint, boolean, varchar, varchar, boolean, varchar, varchar]),
        "fastgen_import_udf": (lambda spec_json, replace: import_spec(con, spec_json, replace=bool(replace)),
                               [varchar, boolean]),
        "fastgen_drop_udf": (lambda name: drop(con, name), [varchar]),
        "fastgen_report_udf": (lambda name, n, path: json.dumps(report(con, name, n, html=path)),
                               [varchar, bigint, varchar]),
        "fastgen_generate_udf": (lambda schema, scale, seed, into, replace, constraints: ", ".join(
            f"{t} {n}" for t, n in generate(con, schema, scale=scale, seed=seed, into=into, replace=bool(replace),
                                            constraints=constraints is not False)),
            [varchar, duckdb.sqltype("DOUBLE"), bigint, varchar, boolean, boolean]),
    }
    for fname, (fn, params) in udfs.items():
        try:
            con.remove_function(fname)
        except duckdb.Error:
            pass
        con.create_function(fname, caller.from_sql(fn), params + [varchar, varchar], varchar,
                            null_handling="special", side_effects=True)
    # Named, defaulted parameters in DuckDB style; TEMP so the stored file never refers to Python functions.
    # Each passes where the caller stands (after `USE s`), which the UDF's own cursor would not know.
    here, one = "current_database(), current_schema()", caller.raised   # `one`: a refusal is a one-line error
    con.execute(f"""
        CREATE OR REPLACE TEMP MACRO fastgen_infer(source, name := NULL, rows := {profile.DEFAULT_ROWS},
                replace := false, model := NULL, provider := NULL, send_values := true, dialect := NULL,
                locale := NULL) AS
            {one(f"fastgen_infer_udf(source, name, rows, replace, model, provider, send_values, dialect, locale, {here})")};
        CREATE OR REPLACE TEMP MACRO fastgen_import(spec, replace := true) AS
            {one(f"fastgen_import_udf(spec::VARCHAR, replace, {here})")};
        CREATE OR REPLACE TEMP MACRO fastgen_drop(gen) AS {one(f"fastgen_drop_udf(gen, {here})")};
        CREATE OR REPLACE TEMP MACRO fastgen_report(gen, "rows" := NULL, html := NULL) AS
            {one(f'fastgen_report_udf(gen, "rows", html, {here})')}::JSON;
        CREATE OR REPLACE TEMP MACRO fastgen_generate(schema := NULL, scale := 1, seed := 42, "into" := NULL,
                replace := false, constraints := true) AS
            {one(f'fastgen_generate_udf(schema, scale, seed, "into", replace, constraints, {here})')};
    """)
    return con


def _warn_unreadable_by_shell(con) -> None:
    """One line, with the fix, for a database file in storage v2 (duckdb 2.x's default), which no shell opens."""
    here, depth = sys._getframe(1), 2   # the warning points at the first caller outside fastgen
    while here.f_back is not None and here.f_globals.get("__name__", "").startswith("fastgen_duckdb"):
        here, depth = here.f_back, depth + 1
    for path, tags in con.execute("SELECT path, tags FROM duckdb_databases() WHERE path IS NOT NULL AND NOT internal"
                                  ).fetchall():
        version = dict(tags or {}).get("storage_version") or ""
        if version.startswith("v") and not version.startswith("v1."):
            copy = path[:-7] + "-v1.5.duckdb" if path.endswith(".duckdb") else path + "-v1.5"
            warnings.warn(
                f"{path} is in DuckDB storage {version} (duckdb 2.x's default), which the "
                f"duckdb shell (1.5.x) cannot open; to make a copy it can, run in Python: duckdb.connect().execute("
                f"\"ATTACH {string(path)} AS old (READ_ONLY); ATTACH {string(copy)} AS new "
                f"(STORAGE_VERSION '{SHELL_STORAGE}'); COPY FROM DATABASE old TO new\")", StorageWarning, stacklevel=depth)


def _any_connection(fn):
    """A Python call works on any DuckDB connection: one fastgen has not registered (a plain duckdb.connect())
    gets its catalog and functions first, as connect() would have given it."""
    @functools.wraps(fn)
    def call(con, *args, **kwargs):
        if caller.current().terms == "python" and not catalog.installed(con):
            register(con)
        return fn(con, *args, **kwargs)
    return call


@_any_connection
def infer(con, source: str, name: str | None = None, rows: int | None = None, replace: bool = False,
          model: str | None = None, provider: str | None = None, send_values: bool = True,
          dialect: str | None = None, locale: str | None = None) -> str:
    """Learn a generator from a table, view, file path, SELECT or one-table DDL; return its name.

    With OPENAI_API_KEY or OPENAI_BASE_URL set (or provider='openai'), a model classifies the columns;
    otherwise inference is offline. `send_values=False` shows the model no values from the data.
    """
    names = infer_all(con, source, name, rows, replace, model, provider, send_values, dialect, locale)
    if len(names) != 1:
        raise SourceError(f"the source makes {len(names)} generators ({', '.join(names)}); use infer_all")
    return names[0]


@_any_connection
def infer_all(con, source: str, name: str | None = None, rows: int | None = None, replace: bool = False,
              model: str | None = None, provider: str | None = None, send_values: bool = True,
              dialect: str | None = None, locale: str | None = None) -> list[str]:
    """Like infer, for a DDL script of several tables too: one generator per table, stored together.
    `locale` (pt_PT, or several: 'en_US,de_DE') fills DDL's semantic columns in that locale (semantic.py)."""
    rows = profile.DEFAULT_ROWS if rows is None else int(rows)
    if rows < 1:
        raise ValueError(f"rows must be >= 1, got {rows}")
    settings = llm.Settings.resolve(model=model, provider=provider, send_values=send_values)
    if locale:
        from .semantic import locales_of
        settings.locale = locales_of(locale.split(",") if "," in locale else locale)
        settings.locale = settings.locale[0] if len(settings.locale) == 1 else settings.locale
    with caller.cursor(con) as cur:
        src = resolve(cur, source)
        # fail before profiling or calling a model (save checks again, inside its transaction)
        stored = catalog.stored_name(cur, name or src.name) if src.kind != "ddl" else None
        if stored is not None and not replace:
            raise catalog.exists_error(name or src.name, stored)
        with quiet_numbers():
            specs = inference.specs_for(cur, src, name, rows, settings, dialect)
        return catalog.save(cur, specs, replace=replace)


def quiet_numbers():
    """numpy's floating-point warnings off: learning and scoring values near ±1.8e308 overflows on the way (a
    histogram's range, a trial sum), where the results are checked for being finite, not warned about."""
    import numpy as np
    return np.errstate(all="ignore")


@_any_connection
def sample(con, gen: str, n: int, seed: int = 42, start: int = 0, scale: float = 1.0) -> duckdb.DuckDBPyRelation:
    """Rows [start, start + n) of the generator's stream for this seed, as a lazy relation.

    `scale` is the size of the world the rows come from, against the source: foreign keys reference parents of
    (their source rows × scale) rows, and a list of codes that grows (spec `grows`) holds scale times as many."""
    catalog.get(con, gen)
    for label, value, least in (("n", n, 0), ("start", start, 0), ("seed", seed, -2 ** 63)):
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value < 2 ** 63:
            raise ValueError(f"{label} must be a whole number" + (f" >= {least}" if least == 0 else " (a BIGINT)")
                             + f", got {value!r}")
    if n + start > 2 ** 62:
        raise ValueError(f"n + start must be at most 2^62, got {n + start}")
    _check_scale(scale)
    return con.sql(f"FROM fastgen_sample({string(gen)}, {n}, seed := {seed}, start := {start}, "
                   f"scale := {float(scale)!r})")


def _check_scale(scale) -> None:
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a finite number > 0, got {scale!r}")


@_any_connection
def generators(con) -> duckdb.DuckDBPyRelation:
    return con.sql("FROM fastgen_generators()")


@_any_connection
def spec(con, gen: str) -> dict:
    return catalog.get(con, gen)


@_any_connection
def import_spec(con, spec_doc: dict | str, replace: bool = True) -> str:
    """Create or replace a generator from a spec (a dict or JSON text): validated, compiled, test-sampled."""
    if isinstance(spec_doc, str):
        try:
            spec_doc = json.loads(spec_doc)
        except json.JSONDecodeError as exc:
            raise SpecError(f"the spec is not valid JSON: {exc}") from None
    with caller.cursor(con) as cur:
        return catalog.save(cur, [spec_doc], replace=replace)[0]


@_any_connection
def generate(con, schema: str | None = None, scale: float = 1.0, seed: int = 42, into: str | None = None,
             replace: bool = False, constraints: bool = True) -> list[tuple[str, int]]:
    """Fill every table of a schema (the generators of one DDL script or `infer_all(con, 'main.*')`), parents
    first, in one transaction; return (table, rows).

    Each table gets its rows at `scale` and its foreign keys reference parents generated at the same scale. The
    tables are made where the caller stands, or `into` another schema or ATTACHed database, with the
    constraints of their source (keys, foreign keys, CHECKs, NOT NULL), so DuckDB checks every row; an empty
    table of that name is filled as it is, a filled one is refused unless `replace`.
    """
    _check_scale(scale)
    with caller.cursor(con) as cur:
        return database.generate(cur, schema, scale, seed, into=into, replace=replace, constraints=constraints)


@_any_connection
def report(con, gen: str, n: int | None = None, seed: int = 42, html: str | None = None) -> dict:
    """Real vs synthetic fidelity scores (SDMetrics' formulas) for a generator learned from data.

    With `html`, also writes the report as a self-contained page (plots per column, a pair heat map) there.
    """
    from . import html as page
    with caller.cursor(con) as cur, quiet_numbers():
        if html:
            with open(html, "w", encoding="utf-8") as f:
                f.write(page.render(cur, gen, n, seed))
        return fidelity.report(cur, gen, n, seed)


@_any_connection
def export_sql(con, gen: str, dialect: str = "duckdb", n: int = 1000, seed: int = 42, start: int = 0,
               scale: float = 1.0) -> str:
    """A standalone SQL script recreating the generator in any DuckDB, with no Python; or, with
    dialect='spark', one Spark SQL query drawing rows [start, start + n) (n, seed, start, scale fixed)."""
    if dialect == "duckdb":
        return catalog.export_sql(con, gen)
    from .dialect import export_query
    return export_query(con, gen, dialect, n, seed, start, scale)


@_any_connection
def export_schema(con, schema: str | None = None, dialect: str = "spark", scale: float = 1.0, seed: int = 42) -> str:
    """Every table of a schema as one script for another engine (Spark SQL): CREATE TABLE … AS queries,
    parents first, at `scale`; keys, foreign keys and sizes as fastgen_generate makes them."""
    from .dialect import export_schema as export
    _check_scale(scale)
    return export(con, schema, dialect, scale, seed)


@_any_connection
def drop(con, gen: str) -> str:
    with caller.cursor(con) as cur:
        return catalog.drop(cur, gen)
