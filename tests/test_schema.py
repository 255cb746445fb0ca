"""The output schema equals the source's: names (odd ones too), order and every supported type."""
import re

import pytest

import fastgen_duckdb as fg

ALL_TYPES = {
    "tiny": ("TINYINT", "(i % 100 - 50)::TINYINT"), "small": ("SMALLINT", "(i * 7 % 30000)::SMALLINT"),
    "int": ("INTEGER", "(hash(i) % 1000000)::INTEGER"), "big": ("BIGINT", "(hash(i, 1) % 1000000000000)::BIGINT"),
    "huge": ("HUGEINT", "(hash(i, 2) % 1000000)::HUGEINT"), "utiny": ("UTINYINT", "(i % 200)::UTINYINT"),
    "usmall": ("USMALLINT", "(i * 13 % 60000)::USMALLINT"), "uint": ("UINTEGER", "(hash(i, 3) % 4000000000)::UINTEGER"),
    "ubig": ("UBIGINT", "(hash(i, 4) % 10000000)::UBIGINT"), "uhuge": ("UHUGEINT", "(hash(i, 5) % 999)::UHUGEINT"),
    "f32": ("FLOAT", "(hash(i, 6) % 10000 / 7.0)::FLOAT"), "f64": ("DOUBLE", "(hash(i, 7) % 100000 / 3.0)::DOUBLE"),
    "dec": ("DECIMAL(9,3)", "(hash(i, 8) % 1000000 / 1000.0)::DECIMAL(9,3)"),
    "dec38": ("DECIMAL(38,10)", "(hash(i, 9) % 1000000 / 7.0)::DECIMAL(38,10)"),
    "txt": ("VARCHAR", "'item ' || (hash(i, 10) % 50)::VARCHAR"), "flag": ("BOOLEAN", "hash(i, 11) % 3 = 0"),
    "day": ("DATE", "DATE '2000-01-01' + (hash(i, 12) % 9000)::INTEGER"),
    "ts": ("TIMESTAMP", "TIMESTAMP '2020-01-01' + to_microseconds((hash(i, 13) % 10000000000000)::BIGINT)"),
    "ts_s": ("TIMESTAMP_S", "(TIMESTAMP '2020-01-01' + to_seconds((hash(i, 14) % 100000000)::BIGINT))::TIMESTAMP_S"),
    "ts_ms": ("TIMESTAMP_MS", "(TIMESTAMP '2020-01-01' + to_milliseconds((hash(i, 15) % 100000000000)::BIGINT))::TIMESTAMP_MS"),
    "ts_ns": ("TIMESTAMP_NS", "(TIMESTAMP '2020-01-01' + to_microseconds((hash(i, 16) % 100000000000)::BIGINT))::TIMESTAMP_NS"),
    "tstz": ("TIMESTAMP WITH TIME ZONE", "(TIMESTAMP '2021-06-01' + to_seconds((hash(i, 17) % 100000000)::BIGINT))::TIMESTAMPTZ"),
    "clock": ("TIME", "TIME '00:00:00' + to_seconds((hash(i, 18) % 86400)::BIGINT)"),
    "id": ("UUID", "gen_random_uuid()"), "mood": ("ENUM('sad', 'ok', 'happy')", "['sad','ok','happy'][(1 + hash(i, 19) % 3)::INTEGER]::ENUM('sad', 'ok', 'happy')"),
}


def test_every_supported_type_round_trips(con):
    con.execute("CREATE TABLE every AS SELECT " + ", ".join(f"{e} AS {n}" for n, (_, e) in ALL_TYPES.items())
                + " FROM range(3000) t(i)")
    fg.infer(con, "every")
    got = con.execute("DESCRIBE FROM fastgen_sample('every', 2000)").fetchall()
    assert [(r[0], r[1]) for r in got] == [(n, t) for n, (t, _) in ALL_TYPES.items()]
    # and the values are of those types for real: the table the user made accepts them
    con.execute("INSERT INTO every SELECT * FROM fastgen_sample('every', 2000)")
    uuids = con.execute("SELECT count(DISTINCT id) FROM fastgen_sample('every', 50000)").fetchall()[0][0]
    assert uuids == 50000


def test_odd_names_survive(con):
    names = ['order id', 'Sélection', '"quoted"', 'select', 'a.b', "it's", 'UPPER', 'x' * 60, '😀']
    con.execute("CREATE TABLE \"we'ird tab\"\"le\" AS SELECT "
                + ", ".join(f"(i * {k + 1}) % 97 AS \"{n.replace(chr(34), chr(34) * 2)}\"" for k, n in enumerate(names))
                + " FROM range(500) t(i)")
    gen = fg.infer(con, "we'ird tab\"le")
    assert gen == "we'ird tab\"le"
    rel = con.sql("FROM fastgen_sample('we''ird tab\"le', 10)")
    assert rel.columns == names
    assert fg.generators(con).fetchall()[0][0] == gen


@pytest.mark.parametrize("type_sql, shown", [
    ("[i, i]", "BIGINT[]"), ("{'a': i}", "STRUCT(a BIGINT)"), ("'x'::BLOB", "BLOB"),
    ("INTERVAL 1 DAY * i", "INTERVAL"), ("'{}'::JSON", "JSON"), ("MAP {'k': i}", "MAP(VARCHAR, BIGINT)")])
def test_unsupported_types_are_refused_by_name(con, type_sql, shown):
    con.execute(f"CREATE TABLE odd AS SELECT i::INTEGER AS fine, {type_sql} AS strange FROM range(10) t(i)")
    with pytest.raises(fg.UnsupportedType, match=rf"'strange' \({re.escape(shown)}\)"):
        fg.infer(con, "odd")
    assert fg.generators(con).fetchall() == []
    fg.infer(con, "SELECT fine FROM odd", name="odd_fine")  # the way out the message suggests


def test_text_keeps_to_its_declared_length(con):
    """VARCHAR(n) / CHAR(n) from DDL: no drawn value is longer (DuckDB would not refuse it; Postgres would); text
    keys stay whole (cutting them would repeat them)."""
    ddl = """CREATE TABLE c (code VARCHAR(6) PRIMARY KEY, segment CHAR(3) NOT NULL, name VARCHAR(5),
                              note VARCHAR(12), free VARCHAR)"""
    fg.infer(con, ddl)
    cols = {c["name"]: c for c in fg.spec(con, "c")["columns"]}
    assert [cols[c].get("max_length") for c in ("code", "segment", "name", "note", "free")] == [None, 3, 5, 12, None]
    longest = con.execute("SELECT max(length(segment)), max(length(name)), max(length(note)), max(length(free)), "
                          "count(DISTINCT code) FROM fastgen_sample('c', 3000)").fetchall()[0]
    assert longest[:3] == (3, 5, 12) and longest[3] > 12 and longest[4] == 3000
    spec = {**fg.spec(con, "c"), "name": "c2"}
    spec["columns"][0]["max_length"] = 4
    with pytest.raises(fg.SpecError, match="'max_length' .* no key or reference"):
        fg.import_spec(con, spec)


@pytest.mark.parametrize("ddl, scale, holds", [
    # raised to `opened`, `due` would pass its window wherever `opened` is drawn later: `opened` is drawn inside it
    ("CREATE TABLE t (id INTEGER PRIMARY KEY, due DATE CHECK (due BETWEEN DATE '2000-01-01' AND DATE '2000-01-01' "
     "+ 30), opened DATE NOT NULL, CHECK (due >= opened))", 1.0, "max(opened) <= DATE '2000-01-31' AND bool_and(due >= opened)"),
    # x has no upper bound, so a_b keeps its own window (reading x's open end as a bound once cut it to 1938)
    ("CREATE TABLE t (a_b DATE CHECK (a_b BETWEEN DATE '2068-02-25' AND DATE '2068-02-25' + 30), x DATE CHECK "
     "(x >= DATE '1938-04-05'), CHECK (x >= a_b))", 3.0, "min(a_b) >= DATE '2068-02-25' AND bool_and(x >= a_b)"),
])
def test_dates_ordered_by_a_check_stay_inside_their_own_windows(con, ddl, scale, holds):
    """CHECK (a >= b) between two dates, each with its own CHECK window: every row meets all of them, at any scale
    (both found by the DDL property)."""
    fg.infer_all(con, ddl)
    con.execute(ddl)
    assert dict(fg.generate(con, scale=scale)) == {"t": int(1000 * scale)}
    assert con.execute(f"SELECT {holds} FROM t").fetchall() == [(True,)]
