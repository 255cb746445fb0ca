"""The `fastgen` command line: the SQL API's verbs on a database file.

    fastgen infer shop.duckdb orders
    fastgen infer shop.duckdb @schema.sql            (DDL: one generator per CREATE TABLE)
    fastgen generate shop.duckdb --scale 10          (all of a schema's tables, keys and foreign keys valid)
    fastgen sample shop.duckdb orders 1000000 --seed 7 --to orders_test.parquet
    fastgen list shop.duckdb
    fastgen report shop.duckdb orders                (fidelity scores, real vs synthetic)
    fastgen show shop.duckdb orders > orders.json
    fastgen import shop.duckdb orders.json
    fastgen export shop.duckdb orders -o orders.sql  (then: duckdb other.duckdb < orders.sql)
    fastgen export shop.duckdb orders --dialect spark --rows 100000000 -o orders_spark.sql
    fastgen drop shop.duckdb orders
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import warnings

import duckdb

import fastgen_duckdb as fg
from .caller import calling
from .sqltext import ident, string

EXAMPLES = __doc__.split("\n\n", 1)[1]


def _sample(con, args) -> None:
    rel = fg.sample(con, args.generator, args.n, seed=args.seed, start=args.start)
    target = args.to
    if target is None:
        print(rel.limit(args.show) if args.n > args.show else rel)
        return
    query = rel.sql_query()
    if sys.stderr.isatty():  # DuckDB's own progress bar on runs long enough to need one (it waits 2 s)
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = true")
    if target.lower().endswith((".parquet", ".csv")):
        fmt = "PARQUET" if target.lower().endswith(".parquet") else "CSV, HEADER"
        con.execute(f"COPY ({query}) TO {string(target)} (FORMAT {fmt})")
    else:
        verb = "CREATE OR REPLACE TABLE" if args.replace else "CREATE TABLE"
        try:
            con.execute(f"{verb} {ident(target)} AS {query}")
        except duckdb.CatalogException as exc:
            if "already exists" not in str(exc):
                raise
            raise fg.GeneratorError(f"table {target!r} exists: pass --replace to overwrite it, or --to another "
                                    f"table name or a .parquet / .csv path") from None
    print(f"wrote {args.n} rows of {args.generator!r} to {target}", file=sys.stderr)


def _infer(con, args) -> None:
    names = fg.infer_all(con, args.source, name=args.name, rows=args.rows, replace=args.replace, model=args.model,
                         provider=args.provider, send_values=not args.no_values, dialect=args.dialect,
                         locale=args.locale)
    for name in names:
        spec = fg.spec(con, name)
        llm = spec.get("llm") or {}
        how = spec.get("inferred_note") or (f"{llm.get('calls', 0)} model call(s), {llm.get('cached_calls', 0)} cached, "
                                            f"{llm.get('prompt_tokens', 0) + llm.get('completion_tokens', 0)} tokens"
                                            if llm else spec["inferred_by"])
        print(f"{name}\t{spec['inferred_by']}\t{how}")


def _export(con, args) -> None:
    if (args.schema is None) == (args.generator is None):
        raise ValueError("name a generator, or pass --schema [NAME] for every table of a schema (not both)")
    if args.schema is not None:
        if args.format == "json":
            raise ValueError("--schema writes SQL: leave out --format json (fastgen show prints one spec)")
        text = fg.export_schema(con, args.schema or None, args.dialect, args.scale, args.seed)
    elif args.format == "json":
        text = json.dumps(fg.spec(con, args.generator), indent=2, ensure_ascii=False) + "\n"
    else:
        text = fg.export_sql(con, args.generator, args.dialect, args.rows, args.seed, args.start, args.scale)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def _score(value) -> str:
    """A score with three decimals (0.900, not 0.9); n/a where there was nothing to score."""
    return "n/a" if value is None else f"{value:.3f}"


def _report(con, args) -> None:
    r = fg.report(con, args.generator, args.rows, args.seed, html=args.html)
    if args.html:
        print(f"wrote the HTML report to {os.path.abspath(args.html)}", file=sys.stderr)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"{args.generator}: {r['real_rows']:,} real vs {r['synthetic_rows']:,} synthetic rows")
    print(f"overall {_score(r['overall'])}   column shapes {_score(r['column_shapes'])}   "
          f"column pair trends {_score(r['column_pair_trends'])}")
    for c in r["columns"]:
        print(f"  {c['column']:<28} {c['metric']:<14} {c['score']:.3f}   nulls {c['null_real']:.3f} -> {c['null_synth']:.3f}")
    for t in r["text"]:
        print(f"  {t['column']:<28} text           unique {t['unique_real']:.3f} -> {t['unique_synth']:.3f}   "
              f"copied {t['copied']:.2%}")
    for c in r["checks"]:
        print(f"  {c['rule']:<44} violations: real {c['real']:,}, synthetic {c['synthetic']:,}")
    worst = sorted(r["pairs"], key=lambda p: p["score"])[:5]
    if worst:
        print("weakest pairs:")
        for p in worst:
            print(f"  {' x '.join(p['columns']):<40} {p['metric']:<22} {p['score']:.3f}")


def _generate(con, args) -> None:
    into = args.into
    if into and (into.lower().endswith((".duckdb", ".db")) or os.sep in into or os.path.exists(into)):
        into = "fastgen_into"   # a database file: attached (created if missing) under an alias of our own
        con.execute(f"ATTACH {string(args.into)} AS {into}")
    try:
        plan = fg.generate(con, args.schema, scale=args.scale, seed=args.seed, into=into, replace=args.replace,
                           constraints=not args.no_constraints)
    except duckdb.BinderException as exc:   # an existing empty table of a generator's name, with other columns
        first = str(exc).splitlines()[0].removeprefix("Binder Error: ")
        raise fg.GeneratorError(f"a table of a generator's name exists with other columns ({first}): generate "
                                f"elsewhere with --into synth (a schema, or a .duckdb file), or pass --replace to "
                                f"remake it") from None
    for table, rows in plan:
        print(f"{table}\t{rows}")


def _list(con, args) -> None:
    """The generators as a plain table that fits the terminal: long sources (a SELECT, DDL) are cut, no
    column is hidden (DuckDB's own box drops columns at 80 characters)."""
    rows = fg.generators(con).fetchall()
    if not rows:
        print("no generators yet: fastgen infer DATABASE TABLE (or a file, a SELECT, @schema.sql)")
        return
    head = ["name", "source", "rows", "cols", "inferred", "llm tokens", "cost $", "created"]
    cells = [[name, " ".join(str(source or "").split()), "" if n is None else f"{n:,}", str(cols), by or "",
              "" if tokens is None else f"{tokens:,}", "" if cost is None else f"{cost:.5f}",
              f"{created:%Y-%m-%d %H:%M}" if created else ""]
             for name, source, n, cols, by, tokens, cost, created in rows]
    widths = [max(len(r[k]) for r in cells + [head]) for k in range(len(head))]
    room = shutil.get_terminal_size((80, 24)).columns - (sum(widths) - widths[1] + 2 * (len(head) - 1))
    widths[1] = max(6, min(widths[1], room))   # the source column gives way, down to 6 characters
    for r in cells:
        if len(r[1]) > widths[1]:
            r[1] = r[1][:widths[1] - 1] + "…"
    right = {2, 3, 5, 6}
    for r in [head] + cells:
        print("  ".join(c.rjust(w) if k in right else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths))).rstrip())


def _import(con, args) -> None:
    with open(args.spec) as f:
        print(fg.import_spec(con, f.read(), replace=not args.keep))


COMMANDS = {
    "infer": _infer,
    "sample": _sample,
    "list": _list,
    "show": lambda con, args: print(json.dumps(fg.spec(con, args.generator), indent=2, ensure_ascii=False)),
    "import": _import,
    "generate": _generate,
    "report": _report,
    "export": _export,
    "drop": lambda con, args: print(fg.drop(con, args.generator)),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fastgen", description="Learn a table once, sample synthetic rows in pure SQL.",
                                epilog="examples:\n" + EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_text):
        c = sub.add_parser(name, help=help_text, description=help_text)
        c.add_argument("database", help="DuckDB database file (created if missing)")
        return c

    c = command("infer", "learn a generator from a table, view, file (parquet/csv/json), SELECT or DDL text")
    c.add_argument("source", help="a table or view, a file path, a SELECT, CREATE TABLE text, or @file.sql")
    c.add_argument("--name", help="generator name (default: the table or file name)")
    c.add_argument("--rows", type=int, default=None, help="rows profiled (default 100000)")
    c.add_argument("--replace", action="store_true", help="overwrite a generator of the same name")
    c.add_argument("--model", help="LLM model (default $FASTGEN_MODEL, else gpt-4o-mini)")
    c.add_argument("--provider", choices=["openai", "offline"],
                   help="openai: any OpenAI-compatible endpoint (OPENAI_API_KEY / OPENAI_BASE_URL); offline: no model")
    c.add_argument("--no-values", action="store_true", help="show the model no values from the data (private data)")
    c.add_argument("--dialect", help="SQL dialect of DDL text (default: detected)")
    c.add_argument("--locale", help="locale of DDL's semantic columns: pt_PT, or several: en_US,de_DE "
                                    "(default: from the table's hints, else en_US)")
    c = command("sample", "draw rows: print them, or write a table, .parquet or .csv")
    c.add_argument("generator")
    c.add_argument("n", type=int)
    c.add_argument("--seed", type=int, default=42)
    c.add_argument("--start", "--offset", type=int, default=0, help="first row number (for chunked runs)")
    c.add_argument("--to", help="a table name, or a path ending in .parquet or .csv")
    c.add_argument("--replace", action="store_true", help="replace the target table if it exists")
    c.add_argument("--show", type=int, default=10, help="rows printed when there is no --to (default 10)")
    c = command("generate", "fill every table of a schema (one DDL script's generators), parents first")
    c.add_argument("schema", nargs="?", help="the schema's name (see `fastgen show`; optional if there is one)")
    c.add_argument("--scale", type=float, default=1.0, help="row counts × this (default 1)")
    c.add_argument("--seed", type=int, default=42)
    c.add_argument("--into", help="another schema, or a database file (created if missing), to make the tables in")
    c.add_argument("--replace", action="store_true", help="drop and remake tables of the same name that hold rows")
    c.add_argument("--no-constraints", action="store_true",
                   help="make plain tables, without the source's keys, foreign keys and CHECKs (faster)")
    c = command("report", "fidelity: real vs synthetic scores (SDMetrics' formulas) for a generator learned from data")
    c.add_argument("generator")
    c.add_argument("--rows", type=int, help="synthetic rows (default: as many as the real rows, at most 100,000)")
    c.add_argument("--seed", type=int, default=42)
    c.add_argument("--json", action="store_true", help="the whole report as JSON")
    c.add_argument("--html", help="also write a self-contained HTML page (plots, pair heat map) to this path")
    command("list", "list the generators")
    command("show", "print a generator's spec as JSON").add_argument("generator")
    c = command("import", "create or replace a generator from a spec JSON file (e.g. an edited `show`)")
    c.add_argument("spec")
    c.add_argument("--keep", action="store_true", help="fail instead of replacing an existing generator")
    c = command("export", "write a generator as a standalone .sql script (any DuckDB, no Python) or its JSON spec; "
                          "--schema: every table of a schema, parents first")
    c.add_argument("generator", nargs="?")
    c.add_argument("--schema", nargs="?", const="", help="every table of this schema (default: the only one), as "
                   "CREATE TABLE … AS queries at --scale with their keys")
    c.add_argument("--format", choices=["sql", "json"], default="sql")
    c.add_argument("--dialect", choices=["duckdb", "spark"], default="duckdb",
                   help="spark: one Spark SQL query drawing --rows rows (transpiled with sqlglot)")
    c.add_argument("--rows", type=int, default=1000, help="rows the Spark query draws (default 1000)")
    c.add_argument("--seed", type=int, default=42)
    c.add_argument("--start", type=int, default=0)
    c.add_argument("--scale", type=float, default=1.0)
    c.add_argument("-o", "--output", help="file to write (default: standard output)")
    command("drop", "delete a generator").add_argument("generator")
    return p


def _reads_only(args) -> bool:
    """Commands that only read open the file read-only, so several can run at once (chunked sampling)."""
    writes_table = args.command == "sample" and args.to and not args.to.lower().endswith((".parquet", ".csv"))
    return (args.command in ("sample", "list", "show", "export", "report") and not writes_table
            and os.path.exists(args.database))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "source", "").startswith("@"):  # DDL scripts are easier to pass as files
        try:
            with open(args.source[1:]) as f:
                args.source = f.read()
        except OSError as exc:
            print(f"fastgen infer: {exc}", file=sys.stderr)
            return 1
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", fg.StorageWarning)
            con = fg.connect(args.database, read_only=_reads_only(args))
    except duckdb.Error as exc:
        print(f"fastgen: cannot open {args.database!r}: {exc}", file=sys.stderr)
        return 2
    for w in caught:   # one line each: a file the duckdb shell cannot open says so, with the fix
        if issubclass(w.category, fg.StorageWarning):
            print(f"fastgen: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    try:
        with calling("cli"):   # errors advise --flags, not SQL parameters
            COMMANDS[args.command](con, args)
    except (fg.SourceError, fg.SpecError, fg.GeneratorError, ValueError, duckdb.Error, OSError) as exc:
        print(f"fastgen {args.command}: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
