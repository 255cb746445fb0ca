"""Regression tests for the hardening sweep: one test per class of input that broke a guarantee."""
import json
import math
from decimal import Decimal
import subprocess
import warnings
import sys

import duckdb
import pytest

import fastgen_duckdb as fg
from conftest import tvd_tolerance
from fastgen_duckdb.dtypes import require_supported
from fastgen_duckdb.sqltext import comment
from test_llm import DDL, endpoint  # noqa: F401 (the scripted endpoint fixture)


# -- wrong data, silently -----------------------------------------------------------------------------------
def test_a_sum_is_learned_and_drawn_the_right_way_round(con):
    con.execute("""CREATE TABLE bill AS SELECT round(10 + (hash(i) % 9000) / 100, 2)::DECIMAL(10,2) AS price,
                   round((hash(i, 1) % 300) / 100, 2)::DECIMAL(10,2) AS tax FROM range(3000) t(i)""")
    con.execute("ALTER TABLE bill ADD COLUMN total DECIMAL(10,2); UPDATE bill SET total = price + tax")
    fg.infer(con, "bill")
    rules = {c["name"]: c.get("equals") for c in fg.spec(con, "bill")["columns"]}
    assert rules == {"price": None, "tax": None, "total": {"sum": ["price", "tax"]}}
    broken = con.execute("SELECT count(*) FILTER (WHERE total <> price + tax), count(*) "
                         "FROM fastgen_sample('bill', 20000)").fetchall()[0]
    assert broken == (0, 20000)


def test_equal_big_integers_are_no_sum_of_one_and_a_small_count(con):
    """Epoch milliseconds (~1.7e12) equal in every row, beside a count of 1..100: a relative tolerance of 1e-9
    (1,700 there) took the one for the other plus the count, and every drawn row broke the equality."""
    con.execute("""CREATE TABLE events AS SELECT created_ms, created_ms AS updated_ms, qty FROM (
                   SELECT 1700000000000 + (hash(i) % 10000000000)::BIGINT AS created_ms,
                   (hash(i, 2) % 100 + 1)::INTEGER AS qty FROM range(2000) t(i))""")
    fg.infer(con, "events")
    assert not any(c.get("equals", {}).get("sum") for c in fg.spec(con, "events")["columns"])
    assert con.execute("SELECT count(*) FILTER (WHERE updated_ms <> created_ms) "
                       "FROM fastgen_sample('events', 5000)").fetchall()[0][0] == 0


@pytest.mark.parametrize("start", ["1970-01-01", "2300-01-01"])
def test_timestamps_in_milliseconds_stay_in_milliseconds_in_any_century(con, start):
    """Past year 2255 a timestamp's microseconds pass 2^53: rounded to the millisecond in a DOUBLE, 21,660 of
    50,000 drawn values got stray microseconds."""
    con.execute(f"""CREATE TABLE clicks AS SELECT make_timestamp(epoch_us(TIMESTAMP '{start}')
                    + (hash(i) % 200000000000000)::BIGINT * 1000) AS clicked, i % 7 AS k FROM range(5000) t(i)""")
    fg.infer(con, "clicks")
    assert next(c for c in fg.spec(con, "clicks")["columns"] if c["name"] == "clicked")["granularity"] == "millisecond"
    assert con.execute("SELECT count(*) FILTER (WHERE epoch_us(clicked) % 1000 <> 0) "
                       "FROM fastgen_sample('clicks', 50000)").fetchall()[0][0] == 0


def test_short_texts_cut_into_more_pieces_than_words_never_begin_with_a_space(con):
    """Texts of 2 to 7 words cut into 3 pieces: a text of fewer words than pieces left its first piece empty,
    and a value joined after it began with the space its second piece was cut before."""
    words = ["alpha", "beta", "river", "stone", "de", "x"]
    con.execute(f"""CREATE TABLE t AS SELECT list_aggregate(list_transform(range(2 + (hash(i) % 6)::INTEGER),
                    lambda k: {words}[1 + (hash(i, k) % 6)::INTEGER]), 'string_agg', ' ') AS w FROM range(500) t(i)""")
    assert con.execute("SELECT count(*) FILTER (WHERE w <> trim(w)) FROM t").fetchall()[0][0] == 0
    fg.infer(con, "t")
    col = fg.spec(con, "t")["columns"][0]
    assert col["kind"] == "text" and col["method"] == "words" and "" not in col["pieces"][0]
    assert con.execute("SELECT count(*) FILTER (WHERE w <> trim(w)) FROM fastgen_sample('t', 5000)").fetchall()[0][0] == 0


def test_e_mails_recombined_from_pieces_hold_one_at_and_a_domain(con):
    """E-mails are one word each with one '@': cut anywhere, a value joined from pieces held two '@' or none
    ('dog.table8.co.uk', 'x@mail@gmail.com'). Cut only before the '@' (and the domain's last '.'), every value
    is an e-mail, and still copies under 1% of the texts seen fewer than 5 times."""
    words = ("alpha beta gamma delta river stone quick brown fox jumps over lazy dog order select from table north "
             "south east west red green blue apple banana cherry").split()
    con.execute(f"""CREATE TABLE t AS SELECT {words}[1 + (hash(i) % 27)::INT] || '.' || {words}[1 + (hash(i, 1) % 27)::INT]
        || (hash(i, 2) % 100)::VARCHAR || '@' || (['gmail.com', 'example.org', 'mail.co.uk'])[1 + (hash(i, 3) % 3)::INT]
        AS email FROM range(3000) t(i)""")
    fg.infer(con, "t")
    col = fg.spec(con, "t")["columns"][0]
    assert col["kind"] == "text" and all("@" not in p for pool in col["pieces"][:-2] for p in pool)
    bad, copied = con.execute(r"""SELECT count(*) FILTER (WHERE NOT regexp_full_match(s.email, '[^@\s]+@[^@\s]+\.[a-z]{2,}')),
        count(*) FILTER (WHERE s.email IN (SELECT email FROM t GROUP BY ALL HAVING count(*) < 5))
        FROM fastgen_sample('t', 5000) s""").fetchall()[0]
    assert bad == 0 and copied <= 0.01 * 5000


def test_unique_integers_written_as_text_come_out_as_integers(con):
    """Distinct integers stored as VARCHAR ('4926', '-3620'), no dense key: drawn as numbers and written back,
    not as text pieces ('--56', '0584'); dense ones stay a key of plain numbers."""
    con.execute("""CREATE TABLE t AS SELECT DISTINCT ON (v) v, (1000 + i)::VARCHAR AS id FROM
                   (SELECT i, ((hash(i) % 10001)::INTEGER - 5000)::VARCHAR AS v FROM range(300) t(i))""")
    fg.infer(con, "t")
    cols = {c["name"]: c for c in fg.spec(con, "t")["columns"]}
    assert cols["v"].get("parsed") == "BIGINT" and cols["id"]["kind"] == "key" and "parsed" not in cols["id"]
    bad = con.execute("SELECT count(*) FILTER (WHERE NOT regexp_full_match(v, '0|-?[1-9][0-9]*')), "
                      "count(*) FILTER (WHERE NOT regexp_full_match(id, '[1-9][0-9]*')), count(DISTINCT id) "
                      "FROM fastgen_sample('t', 3000)").fetchall()[0]
    assert bad == (0, 0, 3000)
    lo, hi = con.execute("SELECT min(v::BIGINT), max(v::BIGINT) FROM fastgen_sample('t', 3000)").fetchall()[0]
    assert -5000 <= lo < -4000 and 4000 < hi <= 5000


def test_a_script_whose_table_exists_is_told_to_replace_or_drop_not_to_rename(con):
    ddl = "CREATE TABLE p (id INTEGER PRIMARY KEY, v VARCHAR); CREATE TABLE q (id INTEGER PRIMARY KEY, w DOUBLE)"
    fg.infer(con, "CREATE TABLE q (id INTEGER PRIMARY KEY, w DOUBLE)")
    with pytest.raises(fg.GeneratorError, match=r"'q' exists; pass replace=True to overwrite the script's 2 "
                                                r"generators, or run fg.drop\(con, 'q'\) first"):
        fg.infer_all(con, ddl)
    with pytest.raises(duckdb.Error, match=r"replace := true .* run fastgen_drop\('q'\) first"):
        con.sql(f"SELECT fastgen_infer('{ddl}')").fetchall()
    assert [r[0] for r in fg.generators(con).fetchall()] == ["q"]   # nothing of the script was stored
    fg.drop(con, "q")
    assert sorted(fg.infer_all(con, ddl)) == ["p", "q"]


def test_tiny_columns_are_no_sum_of_each_other(con):
    con.execute("""CREATE TABLE tiny AS SELECT (hash(i) % 1000) / 1e6 AS f, (hash(i, 2) % 1000) / 1e6 AS x,
                   (hash(i, 3) % 1000) / 1e6 AS y FROM range(2000) t(i)""")
    fg.infer(con, "tiny")
    assert not any(c.get("equals") for c in fg.spec(con, "tiny")["columns"])


def test_generator_names_are_unique_regardless_of_case(con):
    con.execute("CREATE TABLE a AS SELECT range AS x FROM range(50)")
    con.execute("CREATE TABLE b AS SELECT 'v' || range AS y, range * 2.5 AS z FROM range(50)")
    fg.infer(con, "a", name="Gen")
    with pytest.raises(fg.GeneratorError, match="exists .as 'Gen'.*replace=True"):
        fg.infer(con, "b", name="gen")
    with pytest.raises(duckdb.Error, match="exists .as 'Gen'.*replace := true"):
        con.sql("SELECT fastgen_infer('b', name := 'GEN')").fetchall()
    fg.infer(con, "b", name="gen", replace=True)
    assert fg.generators(con).fetchall()[0][0] == "gen" and len(fg.generators(con).fetchall()) == 1
    for spelling in ("gen", "Gen", "GEN"):
        assert con.sql(f"FROM fastgen_sample('{spelling}', 3)").columns == ["y", "z"]
        assert fg.spec(con, spelling)["source"] == "b"
    assert json.loads(con.sql("SELECT fastgen_spec('GEN')").fetchall()[0][0])["name"] == "gen"


SCHEMA = """CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR);
CREATE TABLE roles (id INTEGER PRIMARY KEY, title VARCHAR);
CREATE TABLE user_roles (user_id INTEGER REFERENCES users (id), role_id INTEGER REFERENCES roles (id),
                         PRIMARY KEY (user_id, role_id));"""


@pytest.mark.parametrize("scale", [1.0, 0.5, 0.3, 0.01])
def test_composite_keys_over_two_parents_stay_unique_at_any_scale(con, scale):
    fg.infer_all(con, SCHEMA)
    fg.import_spec(con, {**fg.spec(con, "roles"), "source_rows": 5})   # a nest of 4 roles per user, 5 roles
    con.execute(fg.ddl.duckdb_ddl(fg.ddl.parse(SCHEMA)))                # DuckDB enforces the keys
    done = dict(fg.generate(con, scale=scale))
    pairs = con.execute("SELECT count(*), count(DISTINCT (user_id, role_id)) FROM user_roles").fetchall()[0]
    assert pairs[0] == pairs[1] == done["user_roles"] > 0
    assert con.execute("SELECT count(*) FROM user_roles WHERE role_id NOT IN (SELECT id FROM roles) "
                       "OR user_id NOT IN (SELECT id FROM users)").fetchall()[0][0] == 0


@pytest.mark.parametrize("name", ["start", "n", "seed", "scale", "r", "p"])
def test_columns_named_like_macro_parameters_are_not_captured(con, name):
    con.execute(f"""CREATE TABLE t AS SELECT DATE '2020-01-01' + (hash(i) % 900)::INT AS "{name}",
                    (hash(i, 1) % 50)::INT AS gap FROM range(3000) t(i)""")
    con.execute(f'ALTER TABLE t ADD COLUMN later DATE; UPDATE t SET later = "{name}" + gap')
    fg.infer(con, "t")
    assert fg.spec(con, "t")["columns"][2]["after"]["column"] == name
    rows = con.execute(f'SELECT count(*) FILTER (WHERE later < "{name}" OR later > "{name}" + 49), '
                       f'count(DISTINCT "{name}") FROM fastgen_sample(\'t\', 5000, seed := 3, start := 7)').fetchall()[0]
    assert rows[0] == 0 and rows[1] > 500


# -- injection ----------------------------------------------------------------------------------------------
def test_names_with_control_characters_are_refused_and_comments_escape_them(con):
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(10)")
    with pytest.raises(fg.SpecError, match="control characters.*name := "):
        fg.infer(con, "t", name="x\nDROP TABLE t; --")
    fg.infer(con, "t", name="plain")
    bad = {**fg.spec(con, "plain"), "name": "evil\rDROP TABLE t;"}
    with pytest.raises(fg.SpecError, match="control characters"):
        fg.import_spec(con, bad)
    line = comment("-- fastgen_sample('a\nDROP TABLE t; --')")
    assert "\n" not in line and "\\n" in line
    script = fg.export_sql(con, "plain")
    assert all(x.startswith("--") or not x.startswith("DROP") for x in script.splitlines())


def test_a_query_source_is_one_read_only_select(con):
    con.execute("CREATE TABLE victim AS SELECT range AS a FROM range(100)")
    for query in ("SELECT 1 AS a); DROP TABLE victim; SELECT (1", "SELECT a FROM victim; DROP TABLE victim",
                  "SELECT a FROM victim; DELETE FROM victim", "SELECT fastgen_drop('x') AS b, a FROM victim"):
        with pytest.raises(fg.SourceError, match="query source"):
            fg.infer(con, query)
    assert con.execute("SELECT count(*) FROM victim").fetchall() == [(100,)]
    assert fg.infer(con, "-- the first hundred\nSELECT a, a * 2 AS b FROM victim;", name="q") == "q"


# -- one column falls back, the table does not fail -----------------------------------------------------------
def test_model_answers_out_of_the_type_range_are_cut_to_it(con, endpoint):  # noqa: F811
    ddl = DDL.replace("age INTEGER CHECK (age BETWEEN 18 AND 65)", "age INTEGER").replace(
        "vip BOOLEAN", "vip BOOLEAN, rank SMALLINT")
    with endpoint("out_of_range"):
        fg.infer(con, ddl, model="m-range")
    cols = {c["name"]: c for c in fg.spec(con, "members")["columns"]}
    assert cols["age"]["origin"] == cols["rank"]["origin"] == "llm"
    assert cols["rank"]["quantiles"][0] == -32768 and cols["rank"]["quantiles"][-1] == 32767
    assert cols["age"]["quantiles"][-1] == 2 ** 31 - 1 and cols["id"]["start"] == 1
    lo, hi, n = con.execute("SELECT min(rank), max(rank), count(DISTINCT id) FROM fastgen_sample('members', 5000)").fetchall()[0]
    assert -32768 <= lo < -20000 and 20000 < hi <= 32767 and n == 5000


def test_small_key_types_say_when_they_run_out_and_checks_are_cut_to_the_type(con):
    fg.infer(con, "CREATE TABLE tiny (id TINYINT PRIMARY KEY, level SMALLINT CHECK (level BETWEEN -100000 AND 100000))")
    assert con.execute("SELECT count(DISTINCT id), min(level) >= -32768 FROM fastgen_sample('tiny', 127)").fetchall() == [(127, True)]
    with pytest.raises(duckdb.Error, match=r"column id \(TINYINT\) has keys for rows 0..126 only"):
        con.execute("FROM fastgen_sample('tiny', 200)").fetchall()
    with pytest.raises(duckdb.Error, match="has keys for rows"):
        con.execute("FROM fastgen_sample('tiny', 5, start := 1000)").fetchall()


def test_extreme_values_are_drawn_not_refused(con):
    con.execute("""CREATE TABLE edge AS SELECT
        CASE WHEN i % 50 = 0 THEN 'inf'::DOUBLE WHEN i % 40 = 1 THEN 'nan'::DOUBLE ELSE i * 1.5 END AS d,
        CASE WHEN i % 25 = 0 THEN 'infinity'::DATE ELSE DATE '2020-01-01' + i::INT END AS day,
        CASE WHEN i % 20 = 1 THEN '-infinity'::TIMESTAMP ELSE TIMESTAMP '2020-01-01' + to_seconds(i) END AS ts,
        CASE WHEN i % 30 = 7 THEN '-infinity'::DATE ELSE DATE '2020-01-01' + i::INT END AS early,
        (170141183460469231731687303715884105727 - i * 1000000000000000000000000)::HUGEINT AS h,
        (999999999999999999999999999.9999999999 - i * 1e20)::DECIMAL(38,10) AS big,
        'a' || chr(0) || (i % 5)::VARCHAR AS nul
        FROM range(4000) t(i)""")
    fg.infer(con, "edge")
    n = 50_000
    got = con.execute(f"""SELECT avg((d = 'inf')::INT), avg(isnan(d)::INT), avg((NOT isfinite(day))::INT),
                                avg((NOT isfinite(ts))::INT), count(DISTINCT nul), bool_and(contains(nul, chr(0))),
                                max(h) <= 170141183460469231731687303715884105727, max(big) < 1e28
                         FROM fastgen_sample('edge', {n})""").fetchall()[0]
    tol = tvd_tolerance(2, 4000, n)
    for share, want in zip(got[:4], (1 / 50, 1 / 40, 1 / 25, 1 / 20)):
        assert abs(share - want) < tol
    assert got[4:] == (5, True, True, True)
    # the finite values stay within the source's finite ones: -infinity is no first knot (year 1 was drawn)
    ends = ", ".join(f"min({c}) FILTER (WHERE isfinite({c})), max({c}) FILTER (WHERE isfinite({c}))"
                     for c in ("day", "ts", "early"))
    real, synth = (con.execute(f"SELECT {ends} FROM {t}").fetchall()[0] for t in ("edge", f"fastgen_sample('edge', {n})"))
    assert all(real[k] <= synth[k] for k in (0, 2, 4)) and all(synth[k] <= real[k] for k in (1, 3, 5)), (real, synth)


def test_nul_bytes_in_column_names_are_refused_by_name():
    with pytest.raises(fg.UnsupportedType, match="NUL byte.*rename it"):
        require_supported([("a\x00b", "INTEGER")])


# -- clear errors ---------------------------------------------------------------------------------------------
def test_parameters_out_of_range_get_one_line_errors(con):
    con.execute("CREATE TABLE t AS SELECT range AS id, range % 7 AS v FROM range(100)")
    fg.infer(con, "t")
    for call, message in ((f"fastgen_sample('t', {2 ** 63 - 10})", "n \\+ start must be at most 2\\^62"),
                          ("fastgen_sample('t', 5, start := 9223372036854775000)", "n \\+ start must be at most"),
                          ("fastgen_sample('t', 5, scale := 'nan')", "scale must be a finite number > 0, got nan"),
                          ("fastgen_sample('t', 5, scale := 'inf')", "scale must be a finite number > 0, got inf"),
                          ("fastgen_sample('t', 'x')", "n must be a whole number >= 0, got x")):
        with pytest.raises(duckdb.Error, match=message):
            con.execute(f"FROM {call}").fetchall()
    for kwargs, message in (({"scale": math.nan}, "scale must be a finite"), ({"scale": math.inf}, "scale must be"),
                            ({"n": 2 ** 63}, "n must be a whole number")):
        with pytest.raises(ValueError, match=message):
            fg.sample(con, "t", **{"n": 5, **kwargs})
    with pytest.raises(duckdb.Error, match="scale must be a finite number"):
        con.sql("SELECT fastgen_generate(scale := 'inf')").fetchall()


def test_sql_functions_refuse_in_one_line_without_a_python_stack(con):
    """A refusal raised inside a Python-backed SQL function came with DuckDB's 'At:' and the UDF's Python stack
    appended; it is one line, in the caller's terms, and the function still does its work otherwise."""
    con.execute("CREATE TABLE empty_t (x INTEGER)")
    con.execute("CREATE TABLE t AS SELECT range AS id, range % 7 AS v FROM range(100)")
    for call, message in (("fastgen_infer('no_such_table')", "SourceError: unknown source 'no_such_table'"),
                          ("fastgen_infer('empty_t')", "source 'empty_t' is empty"),
                          ("fastgen_drop('nope')", "nope"),
                          ("fastgen_import('{\"not\": 1}')", "Error"),
                          ("fastgen_generate(scale := 0)", "scale"),
                          ("fastgen_report('nope')", "nope")):
        with pytest.raises(duckdb.Error, match=message) as got:
            con.sql(f"SELECT {call}").fetchall()
        text = str(got.value)
        assert "\n" not in text and "At:" not in text and ".py(" not in text, text
    assert con.sql("SELECT fastgen_infer('t')").fetchall() == [("t",)]
    with pytest.raises(duckdb.Error, match=r"'t' exists; pass replace := true"):
        con.sql("SELECT fastgen_infer('t')").fetchall()


def test_a_database_named_fastgen_is_refused_in_one_line(tmp_path):
    with pytest.raises(fg.SourceError, match="clashes with fastgen's own schema.*name the file otherwise"):
        fg.connect(str(tmp_path / "fastgen.duckdb"))


@pytest.mark.parametrize("schema", ['Sales', 'we"ird', "my.schema"])
def test_schema_names_with_case_and_quotes(con, schema):
    quoted = '"' + schema.replace('"', '""') + '"'
    con.execute(f"CREATE SCHEMA {quoted}")
    con.execute(f"CREATE TABLE {quoted}.parent (id INTEGER PRIMARY KEY, v DOUBLE)")
    con.execute(f"CREATE TABLE {quoted}.child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES {quoted}.parent (id))")
    con.execute(f"INSERT INTO {quoted}.parent SELECT range, range * 1.5 FROM range(400)")   # no lookup table
    con.execute(f"INSERT INTO {quoted}.child SELECT range, range % 400 FROM range(1200)")
    spelled = quoted if schema != "Sales" else "SALES"
    assert sorted(fg.infer_all(con, f"{spelled}.*")) == ["child", "parent"]
    assert fg.spec(con, "child")["schema"] == schema
    assert dict(fg.generate(con, schema.lower() if schema == "Sales" else schema, scale=0.5)) == {"parent": 200, "child": 600}


def test_use_schema_then_generate_writes_there(con):
    con.execute("CREATE SCHEMA s; USE s")
    con.sql("SELECT fastgen_infer('CREATE TABLE items (id INTEGER PRIMARY KEY, price DOUBLE)')").fetchall()
    con.sql("SELECT fastgen_generate(scale := 0.01)").fetchall()
    where = con.execute("SELECT schema_name, estimated_size > 0 FROM duckdb_tables() WHERE table_name = 'items'").fetchall()
    assert where == [("s", True)]
    con.execute("CREATE TABLE local_t AS SELECT range AS x FROM range(20)")
    assert con.sql("SELECT fastgen_infer('local_t')").fetchall() == [("local_t",)]


@pytest.mark.parametrize("dialect, type_text, duckdb_type, check", [
    ("tsql", "BIT", "BOOLEAN", None), ("tsql", "MONEY", "DECIMAL(19,4)", None),
    ("tsql", "SMALLMONEY", "DECIMAL(10,4)", "BETWEEN"), ("mysql", "DECIMAL(10,2) UNSIGNED", "DECIMAL(10,2)", ">= 0"),
    ("mysql", "DOUBLE UNSIGNED", "DOUBLE", ">= 0"), ("mysql", "TINYINT(1)", "TINYINT", None),
    ("mysql", "YEAR", "SMALLINT", "BETWEEN 1901 AND 2155"), ("tsql", "FLOAT(53)", "DOUBLE", None)])
def test_types_that_map_cleanly_are_read(con, dialect, type_text, duckdb_type, check):
    fg.infer(con, f"CREATE TABLE m (x {type_text} NOT NULL)", dialect=dialect)
    col = fg.spec(con, "m")["columns"][0]
    assert col["type"] == duckdb_type
    rows = con.execute("SELECT x FROM fastgen_sample('m', 2000)").fetchall()
    table = fg.ddl.duckdb_ddl(fg.ddl.parse(f"CREATE TABLE m2 (x {type_text} NOT NULL)", dialect))
    assert (check is None) == ("CHECK" not in table) and (check is None or check in table)
    con.execute(table)
    con.execute("INSERT INTO m2 SELECT x FROM fastgen_sample('m', 2000)")   # the CHECK holds on every row
    assert len(rows) == 2000


def test_the_cli_never_prints_a_traceback_for_these(tmp_path):
    db = str(tmp_path / "c.duckdb")
    out = subprocess.run([sys.executable, "-m", "fastgen_duckdb.cli", "infer", db,
                          "SELECT 1 AS a; DROP TABLE x"], capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_check_range_wider_than_bigint_gives_knots_inside_it(con):
    """Found by the long property profile: knots spread over a range cut to BIGINT rounded past 2^63 - 1."""
    fg.infer(con, "CREATE TABLE t (x BIGINT NOT NULL CHECK (x BETWEEN -2049 AND 99999999999999999999999999))")
    lo, hi = con.execute("SELECT min(x), max(x) FROM fastgen_sample('t', 5000)").fetchall()[0]
    assert -2049 <= lo and hi <= 2 ** 63 - 1


def test_a_key_learned_from_data_keeps_its_check_upper_bound(con):
    con.execute("CREATE TABLE t (x INTEGER PRIMARY KEY CHECK (x <= 600), v DOUBLE)")
    con.execute("INSERT INTO t SELECT range + 1, range * 1.5 FROM range(500)")
    fg.infer_all(con, "main.*")
    con.execute("CREATE TABLE copy (x INTEGER PRIMARY KEY CHECK (x <= 600), v DOUBLE)")
    con.execute("INSERT INTO copy FROM fastgen_sample('t', 600)")   # DuckDB checks every row
    with pytest.raises(duckdb.Error, match=r"column x \(INTEGER, max 600\) has keys for rows 0\.\.599 only"):
        con.execute("FROM fastgen_sample('t', 601)").fetchall()


def test_infinite_values_beside_an_ordering_are_learned(con):
    """A column holding ±inf and magnitudes near 1e148 beside numbers: checking it for an ordering overflowed
    DuckDB's corr(), and its rescaled retry divided by an infinite maximum (found by the long property profile)."""
    con.execute("""CREATE TABLE t AS SELECT CASE WHEN hash(i, 7) % 10 < 9 THEN NULL ELSE
                       [-5.8e148, 5.9e16, '-inf'::DOUBLE, 'inf'::DOUBLE, 0.001, -0.0][(hash(i) % 6)::BIGINT + 1] END AS scale,
                       ((hash(i, 91) % 1000) / 100)::DOUBLE AS a, ((hash(i, 92) % 50 + 1) / 10)::DOUBLE AS b,
                       ((hash(i, 91) % 1000) / 100 + (hash(i, 92) % 50 + 1) / 10)::DOUBLE AS c FROM range(234) r(i)""")
    fg.infer(con, "t")
    rows = con.execute("SELECT count(*), count(*) FILTER (WHERE c >= a) FROM fastgen_sample('t', 1000)").fetchall()
    assert rows == [(1000, 1000)]


def test_columns_named_with_braces_are_learned_and_scored(con):
    """Found by the long property profile: the report's pair query was built with str.format, so a column named
    '{a}' broke it (and, once inference drew trial samples, broke fastgen_infer too)."""
    con.execute("""CREATE TABLE braces AS SELECT i % 7 AS "{a}", (i * 7919) % 13 AS "b}", i % 3 = 0 AS "c{",
                   (i % 11) * 1.5 AS d FROM range(3000) t(i)""")
    fg.infer(con, "braces")
    report = fg.report(con, "braces")
    assert {tuple(p["columns"]) for p in report["pairs"]} >= {("{a}", "b}"), ("{a}", "d")}
    assert 0.9 < report["overall"] <= 1


def test_a_hugeint_column_holding_its_minimum_is_drawn(con):
    """Found by the long property profile: knots at HUGEINT's minimum (-2^127) were clamped to the DOUBLE -2^127,
    which DuckDB will not cast back to HUGEINT, so the generator's test sample failed."""
    con.execute("""CREATE TABLE huge AS SELECT CASE WHEN i % 5 = 0 THEN (-170141183460469231731687303715884105728)::HUGEINT
                   ELSE (i * 1000)::HUGEINT END AS x, i % 3 AS k FROM range(2000) t(i)""")
    fg.infer(con, "huge")
    low, share = con.execute("SELECT min(x), avg((x < -1e38)::INT) FROM fastgen_sample('huge', 20000)").fetchall()[0]
    assert low < -1.7e38 and abs(share - 0.2) < 4 * (0.16 / 20000) ** 0.5


# -- found by fuzzing random tables (round two) -------------------------------------------------------------
def test_a_whole_decimal_past_a_doubles_digits_stays_whole(con):
    """DECIMAL(19,4) of whole numbers near 10^15: DuckDB casts a DOUBLE to it through x × 10^4, past 2^53, and
    912 of 1,000 drawn values had a fraction ('298622040991785.0112')."""
    con.execute("""CREATE TABLE t AS SELECT ((hash(i) % 999999999999999)::BIGINT - 400000000000000)::DECIMAL(19,4)
                   AS amount FROM range(1000) r(i)""")
    fg.infer(con, "t")
    broken, lo, hi = con.execute("""SELECT count(*) FILTER (amount <> round(amount)), min(amount), max(amount)
                                    FROM fastgen_sample('t', 2000, seed := 11)""").fetchall()[0]
    assert broken == 0 and lo < 0 < hi


def test_sparse_codes_of_a_fixed_width_fill_the_width_before_they_pass_it(con):
    """500 distinct five-digit zip codes about 200 apart are a key of step 200: 1,000 drawn ones numbered on
    past 99,999 ('100162'); the rows past the first 500 now number the gaps, five digits and unique."""
    con.execute("""CREATE TABLE t AS SELECT DISTINCT lpad((hash(i) % 99999)::VARCHAR, 5, '0') AS zip
                   FROM range(600) r(i) LIMIT 500""")
    fg.infer(con, "t")
    assert fg.spec(con, "t")["columns"][0]["step"] > 1
    wide, dup = con.execute("""SELECT count(*) FILTER (NOT regexp_full_match(zip, '\\d{5}')), count(*) - count(DISTINCT zip)
                               FROM fastgen_sample('t', 1000, seed := 11)""").fetchall()[0]
    assert wide == 0 and dup == 0


def test_a_key_seen_in_the_data_alone_repeats_past_its_types_room_where_a_declared_one_is_refused(con):
    """A UTINYINT of 200 distinct values is learned as a key; 1,000 rows asked of it failed, though nothing says
    it is unique: past the type's 256 its values come round again. A primary key keeps the one-line refusal."""
    con.execute("CREATE TABLE t AS SELECT range::UTINYINT AS level, range % 3 AS grp FROM range(200)")
    fg.infer(con, "t")
    assert fg.spec(con, "t")["columns"][0]["kind"] == "key"
    rows, distinct = con.execute("SELECT count(*), count(DISTINCT level) FROM fastgen_sample('t', 1000)").fetchall()[0]
    assert (rows, distinct) == (1000, 256)
    con.execute("CREATE TABLE k (id UTINYINT PRIMARY KEY, grp INTEGER)")
    con.execute("INSERT INTO k SELECT range, range % 3 FROM range(200)")
    fg.infer(con, "main.k", name="k")   # the schema's own table, its key declared
    with pytest.raises(duckdb.Error, match=r"has keys for rows 0\.\.255 only"):
        con.execute("SELECT max(id) FROM fastgen_sample('k', 1000)").fetchall()


def test_a_table_named_like_a_query_is_that_table_and_a_query_of_no_table_says_so(con):
    con.execute('CREATE TABLE "from t" (x INTEGER)')
    con.execute('INSERT INTO "from t" SELECT range FROM range(100)')
    with pytest.raises(fg.SourceError, match="the query source cannot run: Catalog Error") as e:
        fg.infer(con, "from u")
    assert "\n" not in str(e.value)
    con.execute("CREATE TABLE u (other VARCHAR)")
    con.execute("INSERT INTO u SELECT 'v' || range FROM range(100)")
    fg.infer(con, "from t", name="exact")
    assert [c["name"] for c in fg.spec(con, "exact")["columns"]] == ["x"]


def test_a_pair_of_numbers_with_one_row_holding_both_warns_of_nothing(con):
    """Two numbers both present on one row only: numpy's correlation of one row warned ('Degrees of freedom <= 0')
    through the trial draws' scores."""
    con.execute("""CREATE TABLE t AS SELECT CASE WHEN i % 2 = 0 OR i = 1 THEN i * 1.5 END AS a,
                   CASE WHEN i % 2 = 1 THEN i * 2.5 END AS b, 'g' || (i % 4) AS g FROM range(400) r(i)""")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fg.infer(con, "t")
        fg.report(con, "t", n=2000)


def test_a_table_learned_alone_keeps_what_its_catalog_declares(con):
    """fg.infer(con, 't') read the data only: of 1,000 drawn rows 5 repeated a UNIQUE value, 118 a primary key
    and 900 broke a CHECK, so no row set could go back into a table of the source's DDL. Now its keys, UNIQUE,
    NOT NULL and CHECKs hold as in a schema, and a key the data alone shows (k) keeps to its CHECK's range."""
    ddl = """(e INTEGER UNIQUE, d DATE PRIMARY KEY, a INTEGER NOT NULL, b INTEGER CHECK (b BETWEEN 0 AND 100),
              k INTEGER CHECK (k BETWEEN 0 AND 99), CHECK (b >= a))"""
    con.execute(f"CREATE TABLE t {ddl}")
    con.execute("""INSERT INTO t SELECT (i * 7919) % 100003, DATE '2000-01-01' + (i * 37)::INT,
                   i % 50, 50 + i % 50, i FROM range(100) r(i)""")
    fg.infer(con, "t")
    con.execute(f"CREATE TABLE again {ddl}")
    con.execute("INSERT INTO again FROM fastgen_sample('t', 1000, seed := 11)")   # DuckDB checks every row
    assert con.execute("SELECT count(*), count(DISTINCT k) FROM again").fetchall()[0] == (1000, 100)


def test_unique_decimals_and_floats_are_numbered_apart(con):
    """UNIQUE on a DECIMAL or a DOUBLE was not kept (997 repeats in 1,000 rows through a schema; DuckDB then refused
    the insert): such a column is a key counted in units of its last digit, from the data's first value, the
    data's mean step apart; from DDL alone, from 1 (or its CHECK's low end)."""
    con.execute("""CREATE TABLE t (price DECIMAL(9,2) UNIQUE, w DOUBLE UNIQUE, k INTEGER);
                   INSERT INTO t SELECT round(10 + i * 1.37, 2), i * 0.25 + 0.5, i % 7 FROM range(500) r(i)""")
    fg.infer(con, "t")
    repeats, low = con.execute("""SELECT count(price) - count(DISTINCT price) + count(w) - count(DISTINCT w), min(price)
                                  FROM fastgen_sample('t', 5000)""").fetchall()[0]
    assert repeats == 0 and float(low) == 10.0
    fg.infer(con, "CREATE TABLE fee (amount DECIMAL(6,2) PRIMARY KEY CHECK (amount >= 5), rate REAL UNIQUE)")
    assert con.execute("""SELECT count(DISTINCT amount), count(DISTINCT rate), min(amount)
                          FROM fastgen_sample('fee', 3000)""").fetchall()[0] == (3000, 3000, 5)


def test_unique_text_holding_dates_or_numbers_stays_in_the_datas_format(con):
    """A UNIQUE VARCHAR of dates written '%d/%m/%Y' (or of amounts written '1,234.50') was numbered as a code
    shaped by its name ('DAY-000001'): unique, but no date. It is now a key in the type its values parse as,
    written back as the data writes them."""
    con.execute("""CREATE TABLE t (day VARCHAR PRIMARY KEY, amount VARCHAR UNIQUE, n INTEGER);
                   INSERT INTO t SELECT strftime(DATE '2001-01-01' + (i * 3)::INT, '%d/%m/%Y'),
                                        format('{:,.2f}', 1000 + i * 17.25), i % 9 FROM range(300) r(i)""")
    fg.infer(con, "t")
    day, amount = (c for c in fg.spec(con, "t")["columns"][:2])
    assert day["kind"] == amount["kind"] == "key" and day.get("parsed") and amount.get("parsed")
    rows, days, amounts, undated, unread = con.execute("""SELECT count(*), count(DISTINCT day), count(DISTINCT amount),
        count(*) FILTER (try_strptime(day, '%d/%m/%Y') IS NULL),
        count(*) FILTER (NOT regexp_full_match(amount, '\\d{1,3}(,\\d{3})*\\.\\d{2}'))
        FROM fastgen_sample('t', 2000)""").fetchall()[0]
    assert (rows, days, amounts, undated, unread) == (2000, 2000, 2000, 0, 0)


def test_unique_text_of_any_shape_stays_in_the_datas_format(con):
    """A UNIQUE VARCHAR whose data is no list of numbered codes (UUIDs, e-mails, social security numbers, hex
    hashes, JSON, IPv4 addresses) was numbered as a code shaped by its name ('EXT-000001', 'SSN-000001'): unique,
    and in no format of the data. A UUID is now a UUID key written as text, an IPv4 address a 32-bit one written
    in octets; codes of one shape are numbered in their own characters (a hash stays hex); any other text is
    drawn as the data's with the row's number in place of its last digits (or before an e-mail's '@', or a JSON
    object's closing punctuation, where it has none)."""
    con.execute("""CREATE TABLE t (ext_id VARCHAR PRIMARY KEY, email VARCHAR UNIQUE, ssn VARCHAR UNIQUE,
                                   hash VARCHAR(12) UNIQUE, doc VARCHAR UNIQUE, ip VARCHAR UNIQUE, n INTEGER);
                   INSERT INTO t SELECT md5('u' || i)::UUID::VARCHAR,
                       ['ann', 'bo', 'cy'][i % 3 + 1] || '.' || ['lee', 'kim'][i % 2 + 1] || i || '@'
                           || ['mail.com', 'web.de'][i % 2 + 1],
                       lpad((100 + i * 37 % 800)::VARCHAR, 3, '0') || '-' || lpad((10 + i % 89)::VARCHAR, 2, '0')
                           || '-' || lpad((i * 13 % 9999)::VARCHAR, 4, '0'),
                       left(md5(i::VARCHAR), 12),
                       '{"name": "' || ['ann', 'bo', 'cy'][i % 3 + 1] || '", "n": ' || i || ', "tags": [' || (i % 5)
                           || ', "x"]}', '10.' || (i * 7 % 256) || '.' || (i // 256) || '.' || (i % 256), i % 9
                   FROM range(400) r(i)""")
    fg.infer(con, "t")
    kinds = {c["name"]: (c["kind"], c.get("parsed"), c.get("unique")) for c in fg.spec(con, "t")["columns"]}
    assert kinds["ext_id"] == ("key", "UUID", None) and kinds["ssn"][0] == kinds["hash"][0] == "key"
    assert kinds["email"][2] is kinds["doc"][2] is True
    n, octet = 20_000, "([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
    got = con.execute(f"""SELECT count(DISTINCT ext_id), count(DISTINCT email), count(DISTINCT ssn),
        count(DISTINCT hash), count(DISTINCT doc),
        count(*) FILTER (TRY_CAST(ext_id AS UUID)::VARCHAR IS DISTINCT FROM ext_id),
        count(*) FILTER (NOT regexp_full_match(email, '[a-z]+\\.[a-z]+[0-9]+@(mail\\.com|web\\.de)')),
        count(*) FILTER (NOT regexp_full_match(ssn, '[0-9]{{3}}-[0-9]{{2}}-[0-9]{{4}}')),
        count(*) FILTER (NOT regexp_full_match(hash, '[0-9a-f]{{12}}')),
        count(*) FILTER (NOT json_valid(doc) OR json_extract_string(doc, '$.name') NOT IN ('ann', 'bo', 'cy')),
        count(DISTINCT ip), count(*) FILTER (NOT regexp_full_match(ip, '{"[.]".join([octet] * 4)}'))
        FROM fastgen_sample('t', {n}, seed := 3)""").fetchall()[0]
    assert got == (n, n, n, n, n, 0, 0, 0, 0, 0, n, 0)


def test_a_unique_text_of_a_few_rows_keeps_its_format_too(con):
    """On a table of a few rows, a UNIQUE text of timestamps, UUIDs, phone numbers or words, or an integral
    DECIMAL, was a category list, and numbered by its name ('TS_-000001'), or counted in its last digit
    (1.0000001); and texts with no digit in them were read as missing dates ('yes', 'no')."""
    con.execute("""CREATE TABLE t (ts VARCHAR UNIQUE, id VARCHAR UNIQUE, amount DECIMAL(8,3) UNIQUE,
                                   phone VARCHAR UNIQUE, word VARCHAR UNIQUE);
                   INSERT INTO t VALUES ('2021-03-04 10:11:12', '0b3bd6a3-5b8e-4d8f-9c53-3b9ef7b0ad2b', 12,
                                         '+1 (680) 465-0123', 'yes'),
                                        ('2022-07-01 08:00:59', '6f1c2a9e-1d2f-4c5e-8a3b-2e4d6f8a0c1e', 15,
                                         '+1 (267) 820-9876', 'no')""")
    fg.infer(con, "t")
    got = con.execute("""SELECT count(DISTINCT ts), count(DISTINCT id), count(DISTINCT amount), count(DISTINCT phone),
        count(DISTINCT word), count(*) FILTER (try_strptime(ts, '%Y-%m-%d %H:%M:%S') IS NULL),
        count(*) FILTER (TRY_CAST(id AS UUID)::VARCHAR IS DISTINCT FROM id),
        count(*) FILTER (amount <> round(amount)),
        count(*) FILTER (NOT regexp_full_match(phone, '[+][0-9] [(][0-9]{3}[)] [0-9]{3}-[0-9]{4}')),
        count(*) FILTER (NOT regexp_full_match(word, '(yes|no|ye|n)[0-9]+'))
        FROM fastgen_sample('t', 500)""").fetchall()[0]
    assert got == (500, 500, 500, 500, 500, 0, 0, 0, 0, 0)


def test_a_numbered_text_is_unique_whatever_its_text(con):
    """textdraws.numbered: distinct numbers give distinct texts, whatever the texts each is written into (digits,
    '@'s, closing punctuation, nothing, newlines, other scripts), and a VARCHAR(n) cut keeps the number."""
    from fastgen_duckdb.textdraws import numbered
    texts = ["a1@b", "a@b@c", "a", "", "12", "x}", "x1}", "}", "@", "日本語", "a\n@b\n", "{\"k\": 7}", "a.b7@c.d"]
    con.execute("CREATE TABLE w (t VARCHAR)")
    con.executemany("INSERT INTO w VALUES (?)", [[t] for t in texts])
    con.execute("CREATE TABLE drawn AS SELECT t, row_number() OVER () AS k FROM w, range(160)")   # any text a number
    distinct, total = con.execute(f"""SELECT count(DISTINCT v), count(*) FROM (
        SELECT {numbered('t', 'k')} AS v FROM drawn WHERE k % 2 = 0
        UNION ALL SELECT {numbered('t', 'k', 6)} FROM drawn WHERE k % 2 = 1)""").fetchall()[0]
    assert distinct == total == len(texts) * 160
    assert con.execute(f"SELECT max(length({numbered('t', 'k', 6)})) FROM drawn "
                       "WHERE length(t) <= 3").fetchall()[0][0] <= 6
    email, doc = numbered("'ann.lee7@mail.com'", "12"), numbered("""'{"id": 3, "ok": true}'""", "12")
    bare, words = numbered("'ann@mail.com'", "12"), numbered("""'{"tag": "x"}'""", "12")
    assert con.execute(f"SELECT {email}, {doc}, {bare}, {words}").fetchall()[0] == \
        ("ann.lee12@mail.com", '{"id": 12, "ok": true}', "ann12@mail.com", '{"tag": "x12"}')


def test_a_check_on_a_texts_length_holds_as_a_varchar_n_does(con):
    """CHECK (length(x) <= n) was not read: 1,000 of 1,000 drawn texts broke it. It cuts texts as VARCHAR(n)
    does, a UNIQUE one before its number."""
    con.execute("""CREATE TABLE t (code VARCHAR UNIQUE CHECK (length(code) <= 6), note VARCHAR CHECK (char_length(note) < 9));
                   INSERT INTO t SELECT ['al', 'bet', 'gam'][i % 3 + 1] || i, ['a note', 'short', 'longer one'[:8]][i % 3 + 1]
                                 FROM range(50) r(i)""")
    fg.infer(con, "t")
    assert [c.get("max_length") for c in fg.spec(con, "t")["columns"]] == [6, 8]
    assert con.execute("""SELECT count(DISTINCT code), max(length(code)), count(*) FILTER (code NOT SIMILAR TO '[a-z]*[0-9]+')
                          FROM fastgen_sample('t', 5000)""").fetchall()[0] == (5000, 6, 0)


def test_a_number_or_date_key_keeps_to_its_check_and_its_types_years(con):
    """A UNIQUE DECIMAL under a CHECK's upper bound, and a UNIQUE text of dates far apart, ran past them: 981 of
    1,000 amounts broke the CHECK, and 724 dates had five-digit years ('10011-09-18'). Past the bound, the keys
    number the gaps left below it (as an integer key's laps do); a BIGINT bound is read exactly."""
    con.execute("""CREATE TABLE t (amount DECIMAL(8,2) UNIQUE CHECK (amount BETWEEN 1.68 AND 985.81),
                                   day VARCHAR UNIQUE, big BIGINT UNIQUE CHECK (big >= -1394349569102268363));
                   INSERT INTO t SELECT 1.68 + i * 19.8, strftime(DATE '1900-01-01' + (i * 2000)::INT, '%Y-%m-%d'),
                                        -1394349569102268363 + i * 1000 FROM range(50) r(i)""")
    fg.infer(con, "t")
    got = con.execute("""SELECT count(DISTINCT amount), min(amount), max(amount), count(DISTINCT day),
                                count(*) FILTER (NOT regexp_full_match(day, '[0-9]{4}-[0-9]{2}-[0-9]{2}')),
                                min(big) >= -1394349569102268363
                         FROM fastgen_sample('t', 3000)""").fetchall()[0]
    assert got[0] == 3000 and got[1] >= Decimal("1.68") and got[2] <= Decimal("985.81") and got[3:] == (3000, 0, True)


def test_keys_past_their_first_lap_stay_distinct_in_their_grain(con):
    """A key that fills the gaps below its top (laps) stepped one microsecond further each lap: a TIMESTAMP_S,
    or a text of timestamps to the second, wrote the same value again (611 of 1,000 repeated) or a fraction
    ('1967-06-04 01:08:31.000001'). A lap steps one grain (a second here) now; a DECIMAL(18,13) key counts its
    units exactly, not through a DOUBLE (678 of 1,000 repeated)."""
    con.execute("""CREATE TABLE t (d DECIMAL(18,13) UNIQUE, ts VARCHAR UNIQUE, t2 TIMESTAMP_S UNIQUE);
        INSERT INTO t SELECT -99331.0963323275520 + i * 1234.5678901234567,
            strftime(TIMESTAMP '1950-01-01 00:00:00' + INTERVAL (i * 40000) HOUR, '%Y-%m-%d %H:%M:%S'),
            (TIMESTAMP '1950-01-01 00:00:00' + INTERVAL (i * 4000) HOUR)::TIMESTAMP_S FROM range(100) r(i)""")
    fg.infer(con, "t")
    n = 100_000   # past the first lap: steps of 40,000 and 4,000 hours, and the years end at 9999
    assert con.execute(f"""SELECT count(DISTINCT d), count(DISTINCT ts), count(DISTINCT t2),
        count(*) FILTER (NOT regexp_full_match(ts, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}'))
        FROM fastgen_sample('t', {n})""").fetchall()[0] == (n, n, n, 0)


def test_a_unique_text_of_timestamps_from_a_few_rows_keeps_their_seconds(con):
    """Three timestamps to the second, UNIQUE: their key stepped microseconds, which a DOUBLE lost past 1e16 (521
    of 1,000 repeated) and DuckDB wrote ('1967-06-04 01:08:31.000001'). A key is cut to its grain in integers,
    and a category list's grain is the coarsest its values share."""
    con.execute("""CREATE TABLE t (ts VARCHAR PRIMARY KEY, n INTEGER);
                   INSERT INTO t VALUES ('2004-07-24 18:28:59', 1), ('1967-06-04 01:08:31', 2), ('1977-05-22 13:49:40', 3)""")
    fg.infer(con, "t")
    assert con.execute("""SELECT count(DISTINCT ts), count(*) FILTER (NOT regexp_full_match(ts,
        '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}')) FROM fastgen_sample('t', 1000)""").fetchall() == [(1000, 0)]


def test_a_unique_text_of_one_row_keeps_its_format(con):
    """A table of one row: its UNIQUE date, UUID and timestamp texts were numbered by their names ('ISO-000001'),
    one value being no range to step across. They are keys in their type from that value, one grain apart."""
    con.execute("""CREATE TABLE t (d VARCHAR UNIQUE, u VARCHAR PRIMARY KEY, ts VARCHAR UNIQUE);
                   INSERT INTO t VALUES ('2021-03-04', '0b3bd6a3-5b8e-4d8f-9c53-3b9ef7b0ad2b', '2003-02-02T19:39:48Z')""")
    fg.infer(con, "t")
    assert con.execute("""SELECT count(DISTINCT d), count(DISTINCT u), count(DISTINCT ts), min(d),
        count(*) FILTER (TRY_CAST(u AS UUID)::VARCHAR IS DISTINCT FROM u),
        count(*) FILTER (try_strptime(ts, '%Y-%m-%dT%H:%M:%SZ') IS NULL) FROM fastgen_sample('t', 1000)""").fetchall() \
        == [(1000, 1000, 1000, "2021-03-04", 0, 0)]


def test_a_unique_text_of_one_row_with_no_type_stays_a_key(con):
    """A UNIQUE (or found) text key of a one-row table holding no typed value ('AAAAAAAABAAAAAAA', 'x') is a
    constant to the profile: it was given a written-in number, which a constant has no place for, and the
    whole schema failed to store (TPC-DS's reason at sf=0.01)."""
    con.execute("""CREATE TABLE reason (r_reason_sk INTEGER, r_reason_id VARCHAR, r_reason_desc VARCHAR);
                   INSERT INTO reason VALUES (1, 'AAAAAAAABAAAAAAA', 'Package was damaged');
                   CREATE TABLE store_returns (sr_reason_sk INTEGER, sr_amt DOUBLE);
                   INSERT INTO store_returns SELECT 1, i * 1.5 FROM range(50) r(i);
                   CREATE TABLE t1 (key VARCHAR UNIQUE, b INTEGER); INSERT INTO t1 VALUES ('x', 1)""")
    assert sorted(fg.infer_all(con, "main.*")) == ["reason", "store_returns", "t1"]
    assert fg.spec(con, "reason")["columns"][1]["kind"] == fg.spec(con, "t1")["columns"][0]["kind"] == "key"
    assert con.execute("SELECT count(DISTINCT key) FROM fastgen_sample('t1', 100)").fetchall() == [(100,)]
