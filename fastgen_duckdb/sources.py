"""What `fastgen_infer(source)` was given: a table or view, a data file, a query, or DDL text."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

import duckdb
import sqlglot
from sqlglot import exp

from .sqltext import ident, string

FILE_SUFFIXES = (".parquet", ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".csv.gz", ".tsv.gz", ".json.gz",
                 ".jsonl.gz", ".ndjson.gz")
QUERY_START = re.compile(r"^\s*(\(|select\b|with\b|from\b|values\b|table\b|pivot\b|unpivot\b)", re.I)
DDL_START = re.compile(r"^\s*create\b", re.I)
WRITING_FUNCTIONS = re.compile(r"\b(fastgen_(?:infer|import|drop|generate|report)\w*)\s*\(", re.I)
LEADING_COMMENTS = re.compile(r"^(\s*(--[^\n]*(\n|$)|/\*.*?\*/))*", re.S)


class SourceError(ValueError):
    """The source cannot be read; the message says what was tried."""


@dataclass
class Source:
    kind: str          # "table", "file", "query", "ddl" or "schema"
    text: str          # what the user gave
    relation: str      # SQL usable after FROM (for a schema: "database"."schema")
    name: str          # the default generator name
    database: str = ""  # for a whole schema, or a table's own
    schema: str = ""
    stored: bool = False   # a table (or a schema's tables) stored by DuckDB itself: not a view, nor another
                           # engine's attached table


def resolve(con: duckdb.DuckDBPyConnection, text: str) -> Source:
    if not isinstance(text, str) or not text.strip():
        raise SourceError("fastgen_infer needs a source: a table or view name, a file path, a SELECT or DDL text")
    text = text.strip()
    head = LEADING_COMMENTS.sub("", text)
    if DDL_START.match(head):
        return Source("ddl", text, "", "")
    # one word is no query: a table named like a keyword (`select`, `values`) is that table, and so is a table
    # named exactly as the text ("from t")
    found = _find_relation(con, text, exact=any(ch.isspace() or ch == "(" for ch in text))
    if found:
        return found
    if QUERY_START.match(head):
        query = one_select(con, text)
        try:   # bound now: a query of a table that is not here is the caller's to fix, in one line
            con.execute(f"SELECT * FROM ({query}) LIMIT 0")
        except duckdb.Error as exc:
            raise SourceError(f"the query source cannot run: {str(exc).splitlines()[0]}") from None
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        return Source("query", text, f"({query})", f"query_{digest}")
    found = _find_relation(con, text) or _find_schema(con, text)
    if found:
        return found
    if text.lower().endswith(FILE_SUFFIXES) or any(ch in text for ch in "*?/\\"):
        if not any(ch in text for ch in "*?") and "://" not in text and not os.path.exists(text):
            raise SourceError(f"unknown source {text!r}: no such file")
        stem = os.path.basename(text)
        for suffix in sorted(FILE_SUFFIXES, key=len, reverse=True):
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        return Source("file", text, f"(SELECT * FROM {string(text)})", re.sub(r"[^\w]+", "_", stem) or "file")
    known = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name <> 'fastgen' AND NOT internal "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY 1 LIMIT 20"
    ).fetchall()]
    shown = text if len(text) <= 80 else text[:77] + "..."
    raise SourceError(f"unknown source {shown!r}: not a table or view here"
                      + (f" (tables and views: {', '.join(known)})" if known else " (the database has no tables)")
                      + ", nor a file path, a SELECT or DDL text")


def one_select(con, text: str) -> str:
    """The query of a query source: exactly one read-only SELECT, as DuckDB's own parser reads it. Anything
    else (a second statement, DDL or DML, fastgen's own writing functions) is refused, never run."""
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        raise SourceError(f"the query source does not parse: {str(exc).splitlines()[0]}") from None
    kinds = [st.type.name for st in statements]
    if kinds != ["SELECT"]:
        raise SourceError(f"a query source must be one read-only SELECT statement, got {len(kinds)}: {', '.join(kinds)}"
                          + (" (a PIVOT needs an explicit IN list)" if "PIVOT" in text.upper() else ""))
    writer = WRITING_FUNCTIONS.search(text)
    if writer:
        raise SourceError(f"a query source must only read: it calls {writer.group(1)}()")
    return statements[0].query.strip().rstrip(";")


def _find_schema(con, text: str) -> Source | None:
    """A whole schema, written `schema.*` or `database.schema.*`."""
    parts = dotted(text[:-2]) if text.endswith(".*") else None
    if not parts or not 1 <= len(parts) <= 2:
        return None
    database, schema = (None, parts[0]) if len(parts) == 1 else parts
    rows = con.execute("SELECT database_name, schema_name, d.type = 'duckdb' FROM duckdb_schemas() "
                       "JOIN duckdb_databases() AS d USING (database_name) WHERE lower(schema_name) = lower(?) "
                       "AND (? IS NULL OR lower(database_name) = lower(?)) AND schema_name <> 'fastgen' "
                       "ORDER BY database_name <> current_database()", [schema, database, database]).fetchall()
    if not rows:
        return None
    db, sch, stored = rows[0]
    return Source("schema", text, f"{ident(db)}.{ident(sch)}", sch, database=db, schema=sch, stored=bool(stored))


def dotted(text: str) -> list[str] | None:
    """The parts of a dotted name such as `db.schema` or `"my.db"."we""ird"` (quotes doubled inside quotes)."""
    parts, i = [], 0
    while i <= len(text):
        if text[i:i + 1] == '"':
            j, part = i + 1, ""
            while True:
                k = text.find('"', j)
                if k < 0:
                    return None
                part += text[j:k]
                if text[k + 1:k + 2] == '"':
                    part, j = part + '"', k + 2
                    continue
                i = k + 1
                break
        else:
            k = text.find(".", i)
            k = len(text) if k < 0 else k
            part, i = text[i:k].strip(), k
            if not part or '"' in part:
                return None
        parts.append(part)
        if i == len(text):
            return parts
        if text[i] != ".":
            return None
        i += 1
    return None


def _find_relation(con, text: str, exact: bool = False) -> Source | None:
    """A table or view by its exact name, else (unless `exact`) by a name as SQL writes it: quoted ("select") or
    qualified (other_db.sales.orders)."""
    candidates = [(None, None, text)]
    try:
        table = None if exact else exp.to_table(text, dialect="duckdb")
        if table is not None and (table.db or table.catalog or table.name != text):
            candidates.append((table.catalog or None, table.db or None, table.name))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        pass
    for catalog, schema, name in candidates:
        rows = con.execute(
            """SELECT database_name, schema_name, table_name, stored FROM (
                 SELECT database_name, schema_name, table_name, d.type = 'duckdb' AS stored
                 FROM duckdb_tables() AS t JOIN duckdb_databases() AS d USING (database_name) WHERE NOT t.internal
                 UNION ALL SELECT database_name, schema_name, view_name, false FROM duckdb_views() WHERE NOT internal)
               WHERE lower(table_name) = lower(?) AND schema_name <> 'fastgen'
                 AND (? IS NULL OR lower(database_name) = lower(?)) AND (? IS NULL OR lower(schema_name) = lower(?))
               ORDER BY database_name <> current_database(), schema_name <> current_schema()""",
            [name, catalog, catalog, schema, schema]).fetchall()
        if rows:
            db, sch, tbl, stored = rows[0]
            return Source("table", text, f"{ident(db)}.{ident(sch)}.{ident(tbl)}", tbl, db, sch, stored=bool(stored))
    return None
