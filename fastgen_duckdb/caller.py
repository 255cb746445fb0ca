"""Who called: SQL, Python or the command line, and from which database and schema.

The SQL functions are Python UDFs that work through a cursor of their own, and a new cursor starts in the
database's default schema, not where the caller stood after `USE s`; so the SQL macros pass the caller's
current_database() and current_schema() and the work runs there. Errors give advice in the caller's own
terms: `replace := true` from SQL, `replace=True` from Python, `--replace` from the command line.
"""
from __future__ import annotations

import contextvars
import inspect
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from .sqltext import ident


@dataclass(frozen=True)
class Caller:
    terms: str = "python"             # "sql", "python" or "cli"
    where: tuple[str, str] | None = None   # (database, schema) the caller stands in, when known
    started: float = field(default_factory=time.monotonic)


RESERVED = {"into", "rows"}   # DuckDB keywords: SQL callers quote these parameter names

_CALLER: contextvars.ContextVar[Caller] = contextvars.ContextVar("fastgen_caller", default=Caller())


def current() -> Caller:
    return _CALLER.get()


@contextmanager
def calling(terms: str, where: tuple[str, str] | None = None):
    """Run a block on behalf of a caller of this kind (the CLI, or a SQL function standing in `where`)."""
    token = _CALLER.set(Caller(terms, where))
    try:
        yield
    finally:
        _CALLER.reset(token)


REFUSED = "\u241bfastgen refused\u241b"   # a UDF's answer that is an error's message: raised() raises it in SQL


def raised(udf_call: str) -> str:
    """SQL: the UDF call's answer, or the error it refused with raised by DuckDB's error(), one line (a Python
    exception leaving a UDF gets its Python stack appended). The lambda reads the answer once: the call has
    side effects."""
    return (f"list_transform([{udf_call}], lambda answer: CASE WHEN starts_with(answer, '{REFUSED}') "
            f"THEN error(substr(answer, {len(REFUSED) + 1})) ELSE answer END)[1]")


def from_sql(fn):
    """A UDF body: its last two arguments are the caller's database and schema (the SQL macro passes them). A
    refusal (bad input: ValueError, LookupError and theirs) comes back as its message for raised() to raise."""
    def call(*args):
        *args, database, schema = args
        with calling("sql", (database, schema) if database and schema else None):
            try:
                return fn(*args)
            except (ValueError, LookupError) as exc:
                return REFUSED + f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    params = list(inspect.signature(fn).parameters.values())
    extra = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in ("caller_database", "caller_schema")]
    call.__signature__ = inspect.Signature(params + extra)   # DuckDB counts a UDF's parameters
    return call


@contextmanager
def cursor(con):
    """A cursor of `con` standing where the caller stands (`USE db.schema`)."""
    where = current().where or tuple(con.execute("SELECT current_database(), current_schema()").fetchall()[0])
    cur = con.cursor()
    try:
        cur.execute(f"USE {ident(where[0])}.{ident(where[1])}")
        yield cur
    finally:
        cur.close()


def option(name: str, value=None) -> str:
    """How the caller passes an option: `name := value` (SQL), `name=value` (Python), `--name value` (CLI)."""
    terms = current().terms
    if terms == "cli":
        flag = "--" + name.replace("_", "-")
        return flag if value is True else f"{flag} {value}"
    if terms == "sql":
        text = {True: "true", False: "false"}.get(value, repr(value) if isinstance(value, str) else value)
        return f"{ident(name) if name in RESERVED else name} := {text}"
    return f"{name}={value!r}"


def command(name: str, *args: str) -> str:
    """How the caller runs one of fastgen's calls: `fastgen_drop('x')` (SQL), `fg.drop(con, 'x')` (Python),
    `fastgen drop DB x` (CLI)."""
    terms = current().terms
    if terms == "cli":
        return " ".join(["fastgen", name, "DB", *args])
    quoted = ", ".join(repr(a) for a in args)
    return f"fastgen_{name}({quoted})" if terms == "sql" else f"fg.{name}(con, {quoted})"


def progress(what: str) -> None:
    """A line on stderr as a long call passes each stage (profiling, pairs, model call, compile, test sample),
    for command-line callers only: SQL and Python callers get results, not chatter."""
    me = current()
    if me.terms == "cli":
        print(f"fastgen: {time.monotonic() - me.started:7.1f} s  {what}", file=sys.stderr, flush=True)

