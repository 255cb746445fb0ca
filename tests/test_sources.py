"""Sources: tables, views, qualified names, files, queries; and the clear errors for bad ones."""
import pytest

import fastgen_duckdb as fg
from data import make_people


@pytest.fixture
def people(con):
    make_people(con, 1000)
    return con


def column_types(con, sql):
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {sql}").fetchall()]


@pytest.mark.parametrize("fmt, options", [("parquet", "FORMAT PARQUET"), ("csv", "FORMAT CSV, HEADER"),
                                          ("json", "FORMAT JSON")])
def test_files(people, tmp_path, fmt, options):
    path = str(tmp_path / f"people_export.{fmt}")
    people.execute(f"COPY (SELECT person_id, plan, income, signup_date FROM people) TO '{path}' ({options})")
    assert fg.infer(people, path) == "people_export"
    assert column_types(people, "FROM fastgen_sample('people_export', 5)") == column_types(people, f"FROM '{path}'")


def test_views_queries_and_qualified_names(people):
    people.execute("CREATE SCHEMA crm; CREATE VIEW crm.paying AS SELECT * FROM people WHERE plan <> 'basic'")
    assert fg.infer(people, "crm.paying") == "paying"
    assert fg.infer(people, "SELECT city, count(*) AS n FROM people GROUP BY city", name="per_city") == "per_city"
    assert column_types(people, "FROM fastgen_sample('per_city', 3)") == [("city", "VARCHAR"), ("n", "BIGINT")]
    plans = {r[0] for r in people.execute("SELECT plan FROM fastgen_sample('paying', 2000)").fetchall()}
    assert plans == {"plus", "pro"}


def test_all_null_and_sparse_columns(con):
    con.execute("""CREATE TABLE sparse AS SELECT i, NULL::INTEGER AS nothing,
                   CASE WHEN i % 100 = 0 THEN i END AS rare FROM range(10000) t(i)""")
    fg.infer(con, "sparse")
    row = con.execute("SELECT count(nothing), count(rare) FROM fastgen_sample('sparse', 100000)").fetchall()[0]
    assert row[0] == 0 and 700 < row[1] < 1300


@pytest.mark.parametrize("source, error, message", [
    ("no_such_table", fg.SourceError, r"unknown source 'no_such_table': not a table or view here \(tables and views: people\)"),
    ("/nowhere/data.parquet", fg.SourceError, "no such file"),
    ("", fg.SourceError, "needs a source"),
    ("SELECT * FROM people WHERE false", fg.SourceError, "is empty"),
    ("SELEKT oops", fg.SourceError, "unknown source"),
])
def test_bad_sources_fail_clearly_and_write_nothing(people, source, error, message):
    with pytest.raises(error, match=message):
        fg.infer(people, source)
    assert fg.generators(people).fetchall() == []


def test_bad_rows_argument(people):
    with pytest.raises(ValueError, match="rows must be >= 1"):
        fg.infer(people, "people", rows=0)


def test_profile_sample_is_bounded_and_reproducible(people):
    fg.infer(people, "people", rows=200, name="a")
    fg.infer(people, "people", rows=200, name="b")
    a, b = fg.spec(people, "a"), fg.spec(people, "b")
    assert a["columns"] == b["columns"] and a["source_rows"] == 1000
    income = next(c for c in a["columns"] if c["name"] == "income")
    assert len(income["quantiles"]) == 1025


@pytest.mark.parametrize("table", ["select", "values", "from"])
def test_a_table_named_like_a_keyword_is_that_table_bare_or_quoted(con, table):
    """One word is no query: `select` was read as a query that does not parse, and `"select"` as an unknown
    source while the error listed that very table."""
    con.execute(f'CREATE TABLE "{table}" AS SELECT range AS a, range % 7 AS b FROM range(50)')
    for text in (table, f'"{table}"', f"main.{table}"):
        assert fg.infer(con, text, replace=True) == table
        assert fg.spec(con, table)["source_rows"] == 50
    with pytest.raises(fg.SourceError, match="does not parse"):
        fg.infer(con, "select 1 +", replace=True)
