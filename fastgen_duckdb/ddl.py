"""DDL text -> table definitions: columns with DuckDB types, constraints and comments, in any sqlglot dialect."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from .sources import SourceError
from .dtypes import parse_type, require_supported, type_family
from .errors import SpecError

DIALECTS = ("duckdb", "postgres", "mysql", "tsql", "snowflake", "bigquery", "sqlite")
SERIALS = {exp.DataType.Type.SMALLSERIAL: "SMALLINT", exp.DataType.Type.SERIAL: "INTEGER",
           exp.DataType.Type.BIGSERIAL: "BIGINT"}


# Types that map cleanly onto a DuckDB type, with the range the source type promises kept as a CHECK.
_T = exp.DataType.Type
CLEAN_TYPES = {_T.MONEY: "DECIMAL(19,4)", _T.SMALLMONEY: "DECIMAL(10,4)", _T.MEDIUMINT: "INTEGER",
               _T.UMEDIUMINT: "UINTEGER", _T.YEAR: "SMALLINT"}
UNSIGNED_AS_CHECKED = {_T.UDECIMAL: "DECIMAL", _T.UDOUBLE: "DOUBLE"}
IMPLIED_CHECKS = {_T.UDECIMAL: "{c} >= 0", _T.UDOUBLE: "{c} >= 0",
                  _T.MEDIUMINT: "{c} BETWEEN -8388608 AND 8388607", _T.UMEDIUMINT: "{c} BETWEEN 0 AND 16777215",
                  _T.YEAR: "{c} BETWEEN 1901 AND 2155", _T.SMALLMONEY: "{c} BETWEEN -214748.3648 AND 214748.3647"}


class DDLError(SourceError):
    """DDL that cannot be read; the message says where."""


@dataclass
class ColumnDef:
    name: str
    type: str
    not_null: bool = False
    primary_key: bool = False
    unique: bool = False
    serial: bool = False
    default: str | None = None
    checks: list[str] = field(default_factory=list)
    comment: str | None = None
    references: tuple[str, str] | None = None   # (table, column)
    length: int | None = None   # n of VARCHAR(n) / CHAR(n): DuckDB's VARCHAR keeps none, a column's semantic type may

    def describe(self) -> dict:
        """The facts a model (or a person) needs, without empty fields."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, False, [], "")}


@dataclass
class TableDef:
    name: str
    columns: list[ColumnDef]
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    comment: str | None = None
    found_keys: list[str] = field(default_factory=list)   # unique columns found in the data, not declared (keys.py)

    def column(self, name: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)


def parse(text: str, dialect: str | None = None) -> list[TableDef]:
    """Every CREATE TABLE in a script, in order.

    Without a dialect, the first one that reads the script with every column type known to DuckDB wins
    (DuckDB's own reader takes Postgres' SERIAL for a user type, Postgres' maps it to INTEGER).
    """
    errors, readable = [], []
    quiet = logging.getLogger("sqlglot")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "falling back to parsing as a Command" is our business, not the user's
    try:
        for d in ([dialect] if dialect else DIALECTS):
            tables = _read(text, d, errors)
            if tables is None:
                continue
            readable.append(tables)
            if all(type_family(c.type) for t in tables for c in t.columns):
                return _lengths(text, tables) if d == "duckdb" else tables
    finally:
        quiet.setLevel(level)
    if readable:
        for t in readable[0]:
            require_supported([(c.name, c.type) for c in t.columns])
    raise DDLError("cannot read the DDL: " + (errors[0] if len(set(e.split(": ", 1)[1] for e in errors)) == 1
                                               else "; ".join(errors)))


def _lengths(text: str, tables: list[TableDef]) -> list[TableDef]:
    """VARCHAR(n) lengths, which sqlglot's DuckDB reader drops: read again as Postgres, where it can."""
    try:
        again = {t.name.lower(): t for t in _tables([s for s in sqlglot.parse(text, read="postgres") if s])}
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, DDLError, SpecError):
        return tables
    for t in tables:
        for col in t.columns:
            other = again.get(t.name.lower()) and again[t.name.lower()].column(col.name)
            if other is not None and col.length is None and col.type == other.type:
                col.length = other.length
    return tables


def _read(text: str, dialect: str, errors: list[str]) -> list[TableDef] | None:
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        errors.append(f"{dialect}: {str(exc).splitlines()[0]}")
        return None
    tables = _tables(statements)
    if not tables:
        errors.append(f"{dialect}: no CREATE TABLE statement")
        return None
    return tables


def _tables(statements) -> list[TableDef]:
    tables: dict[str, TableDef] = {}
    for st in statements:
        if isinstance(st, exp.Create) and st.args.get("kind", "").upper() == "TABLE" and isinstance(st.this, exp.Schema):
            table = _table(st)
            if table.name.lower() in tables:   # DuckDB's names ignore case: these would be one table
                raise DDLError(f"tables {tables[table.name.lower()].name!r} and {table.name!r} have the same name "
                               "regardless of case, which DuckDB takes for one table; rename one of them")
            tables[table.name.lower()] = table
    for st in statements:  # COMMENT ON TABLE / COLUMN, after the tables exist
        if isinstance(st, exp.Comment) and isinstance(st.expression, exp.Literal):
            target, kind = st.this, str(st.args.get("kind", "")).upper()
            if kind == "TABLE" and target.name.lower() in tables:
                tables[target.name.lower()].comment = st.expression.this
            elif kind == "COLUMN" and isinstance(target, exp.Column) and target.table.lower() in tables:
                col = tables[target.table.lower()].column(target.name)
                if col:
                    col.comment = st.expression.this
    return list(tables.values())


def _names(node) -> list[str]:
    return [e.name for e in node.expressions]


def _table(create: exp.Create) -> TableDef:
    schema = create.this
    name = schema.this.name
    table = TableDef(name=name, columns=[])
    for e in schema.expressions:
        if isinstance(e, exp.ColumnDef):
            table.columns.append(_column(name, e))
            continue
        node = e.expressions[0] if isinstance(e, exp.Constraint) and e.expressions else e
        if isinstance(node, exp.PrimaryKey):
            table.primary_key = _names(node)
        elif isinstance(node, exp.ForeignKey):
            ref = node.args.get("reference")
            target = ref.this if ref is not None else None
            table.foreign_keys.append({"columns": _names(node), "table": target.this.name if target is not None else None,
                                       "references": _names(target) if target is not None else []})
        elif isinstance(node, exp.UniqueColumnConstraint) and node.this is not None:
            table.unique.append([c.name for c in (node.this.expressions if isinstance(node.this, exp.Schema)
                                                  else [node.this])])
        elif isinstance(node, exp.CheckColumnConstraint):
            table.checks.append(node.this.sql("duckdb"))
    for col in table.columns:
        if col.name.lower() in {c.lower() for c in table.primary_key}:
            col.not_null = True   # a key column of a composite primary key is NOT NULL too
        if col.primary_key:
            table.primary_key = table.primary_key or [col.name]
        if col.references and not any(fk["columns"] == [col.name] for fk in table.foreign_keys):
            table.foreign_keys.append({"columns": [col.name], "table": col.references[0],
                                       "references": [col.references[1]] if col.references[1] else []})
    if not table.columns:
        raise DDLError(f"table {name!r} has no columns")
    return table


def _column(table: str, e: exp.ColumnDef) -> ColumnDef:
    dtype = e.args.get("kind")
    col = ColumnDef(name=e.name, type=_duckdb_type(table, e.name, dtype))
    col.serial = dtype is not None and dtype.this in SERIALS
    if dtype is not None and dtype.this in exp.DataType.TEXT_TYPES:
        col.length = next((int(x.name) for x in dtype.expressions if x.name.isdigit()), None)
    if dtype is not None and dtype.this in IMPLIED_CHECKS:
        col.checks.append(IMPLIED_CHECKS[dtype.this].format(c=exp.column(e.name, quoted=True).sql("duckdb")))
    for c in e.args.get("constraints") or []:
        kind = c.args.get("kind")
        if isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
            col.not_null = True
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            col.primary_key = col.not_null = True
        elif isinstance(kind, exp.UniqueColumnConstraint):
            col.unique = True
        elif isinstance(kind, exp.DefaultColumnConstraint):
            col.default = kind.this.sql("duckdb")
        elif isinstance(kind, exp.CheckColumnConstraint):
            col.checks.append(kind.this.sql("duckdb"))
        elif isinstance(kind, exp.CommentColumnConstraint):
            col.comment = kind.this.name if isinstance(kind.this, exp.Literal) else kind.this.sql()
        elif isinstance(kind, exp.Reference):
            target = kind.this
            refs = _names(target) if isinstance(target, exp.Schema) else []
            col.references = (target.this.name if isinstance(target, exp.Schema) else target.name,
                              refs[0] if refs else "")
        elif isinstance(kind, (exp.AutoIncrementColumnConstraint, exp.GeneratedAsIdentityColumnConstraint)):
            col.serial = True
    return col


def _duckdb_type(table: str, column: str, dtype: exp.DataType | None) -> str:
    if dtype is None:
        return "VARCHAR"  # SQLite allows untyped columns
    if dtype.this in SERIALS:
        return SERIALS[dtype.this]
    if dtype.this in exp.DataType.TEXT_TYPES:
        return "VARCHAR"
    args = [int(e.name) for e in dtype.expressions if e.name.isdigit()]
    T = exp.DataType.Type
    if dtype.this == T.BIT and args in ([], [1]):
        return "BOOLEAN"                      # T-SQL's BIT, MySQL's BIT(1): a flag (wider BITs are bit strings)
    if dtype.this == T.FLOAT and args:
        return "DOUBLE" if args[0] > 24 else "FLOAT"   # FLOAT(n): n bits of mantissa
    if dtype.this in (T.TINYINT, T.SMALLINT, T.INT, T.BIGINT) and args:
        return dtype.this.value if dtype.this != T.INT else "INTEGER"   # MySQL's display width changes nothing
    if dtype.this in UNSIGNED_AS_CHECKED or dtype.this in CLEAN_TYPES:
        base = UNSIGNED_AS_CHECKED.get(dtype.this) or CLEAN_TYPES[dtype.this]
        return f"DECIMAL({args[0]},{args[1] if len(args) > 1 else 0})" if base == "DECIMAL" and args else base
    text = dtype.sql("duckdb")
    try:
        return str(parse_type(text))
    except SpecError:
        return text  # refused with the column's name by require_supported


def constraints(t: TableDef, tables: list[TableDef], names: dict[str, str] | None = None) -> dict:
    """A table's constraints as plain data for its spec, to recreate it elsewhere (`generate(into=…)`): keys,
    foreign keys (to generator names, with their target columns spelled out), CHECKs and NOT NULL columns."""
    names, by_name = names or {}, {p.name.lower(): p for p in tables}

    def targets(fk):
        parent = by_name.get(fk["table"].lower())
        return list(fk["references"] or (parent.primary_key if parent else []))
    fks = [{"columns": fk["columns"], "table": names.get(fk["table"].lower(), fk["table"]), "references": targets(fk)}
           for fk in t.foreign_keys if not fk.get("found")]   # keys found in the data stay undeclared (keys.py)
    found = {"primary_key": t.primary_key,
             "unique": [list(u) for u in t.unique] + [[c.name] for c in t.columns
                                                       if c.unique and [c.name] != t.primary_key
                                                       and c.name not in t.found_keys],
             "foreign_keys": fks, "checks": list(t.checks) + [x for c in t.columns for x in c.checks],
             "not_null": [c.name for c in t.columns if c.not_null and c.name not in t.primary_key]}
    return {k: v for k, v in found.items() if v}


def table_def(spec: dict) -> TableDef:
    """The table a spec's rows go into, with the constraints its spec keeps (see constraints)."""
    kept = spec.get("constraints") or {}
    if not isinstance(kept, dict):
        raise SpecError(f"spec {spec['name']!r}: 'constraints' must be an object")
    names = {c["name"].lower() for c in spec["columns"]}

    def columns(field, cols):
        if not isinstance(cols, list) or not all(isinstance(c, str) and c.lower() in names for c in cols):
            raise SpecError(f"spec {spec['name']!r}: constraints.{field} must list columns of the table")
        return list(cols)
    checks = kept.get("checks", [])
    for check in checks:   # a CHECK is one boolean expression over the row, nothing else
        try:
            node = sqlglot.parse_one(str(check), read="duckdb")
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
            node = None
        if node is None or isinstance(node, (exp.Query, exp.Command, exp.DDL, exp.DML)) or node.find(exp.Query):
            raise SpecError(f"spec {spec['name']!r}: constraints.checks holds {str(check)[:60]!r}, not a boolean expression")
    not_null = {c.lower() for c in columns("not_null", kept.get("not_null", []))}
    pk = columns("primary_key", kept.get("primary_key", []))
    table = TableDef(name=spec["name"], columns=[
        ColumnDef(name=c["name"], type=c["type"], not_null=c["name"].lower() in not_null) for c in spec["columns"]],
        primary_key=pk, unique=[columns("unique", u) for u in kept.get("unique", [])],
        checks=[str(x) for x in checks])
    for fk in kept.get("foreign_keys", []):
        if not isinstance(fk, dict) or not isinstance(fk.get("table"), str):
            raise SpecError(f"spec {spec['name']!r}: constraints.foreign_keys entries need 'columns', 'table', 'references'")
        table.foreign_keys.append({"columns": columns("foreign_keys", fk.get("columns")), "table": fk["table"],
                                   "references": [str(x) for x in fk.get("references") or []]})
    return table


def duckdb_ddl(tables: list[TableDef]) -> str:
    """The tables as DuckDB DDL with every constraint DuckDB enforces: to create the real tables to fill."""
    from .sqltext import ident

    def names(cols):
        return ", ".join(ident(c) for c in cols)

    statements = []
    for t in tables:
        lines = []
        for c in t.columns:
            line = f"{ident(c.name)} {c.type}" + (" NOT NULL" if c.not_null else "")
            if c.unique and not (t.primary_key == [c.name]):
                line += " UNIQUE"
            lines.append(line + "".join(f" CHECK ({check})" for check in c.checks))
        if t.primary_key:
            lines.append(f"PRIMARY KEY ({names(t.primary_key)})")
        lines += [f"UNIQUE ({names(u)})" for u in t.unique]
        for fk in t.foreign_keys:
            parent = next((p for p in tables if p.name.lower() == fk["table"].lower()), None)
            targets = fk["references"] or (parent.primary_key if parent else [])
            lines.append(f"FOREIGN KEY ({names(fk['columns'])}) REFERENCES {ident(fk['table'])} ({names(targets)})")
        lines += [f"CHECK ({check})" for check in t.checks]
        statements.append(f"CREATE TABLE {ident(t.name)} (\n    " + ",\n    ".join(lines) + "\n);")
    return "\n".join(statements)


def catalog_tables(con, database: str, schema: str) -> list[TableDef]:
    """The tables of a DuckDB schema with their constraints, read from the catalog (not from DDL text)."""
    tables = {}
    for table, column, type_text, nullable in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? AND NOT internal ORDER BY table_name, column_index",
            [database, schema]).fetchall():
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                           "AND table_name = ?", [database, schema, table]).fetchall()[0][0]:
            continue  # a view: no constraints, and not a table to fill
        t = tables.setdefault(table, TableDef(name=table, columns=[]))
        t.columns.append(ColumnDef(name=column, type=type_text, not_null=not nullable))
    for table, kind, cols, expression, ref_table, ref_cols in con.execute(
            "SELECT table_name, constraint_type, constraint_column_names, expression, referenced_table, "
            "referenced_column_names FROM duckdb_constraints() WHERE database_name = ? AND schema_name = ?",
            [database, schema]).fetchall():
        t = tables.get(table)
        if t is None:
            continue
        if kind == "PRIMARY KEY":
            t.primary_key = list(cols)
            if len(cols) == 1:
                t.column(cols[0]).primary_key = True
        elif kind == "UNIQUE":
            if len(cols) == 1:
                t.column(cols[0]).unique = True
            else:
                t.unique.append(list(cols))
        elif kind == "FOREIGN KEY":
            t.foreign_keys.append({"columns": list(cols), "table": ref_table, "references": list(ref_cols)})
        elif kind == "CHECK" and expression:
            (t.column(cols[0]).checks if len(cols) == 1 else t.checks).append(expression)
    return list(tables.values())
