"""fastgen_sample as a table: reproducible, chunkable, thread-independent, usable anywhere a table is."""
import duckdb
import pytest

import fastgen_duckdb as fg
from data import make_people


@pytest.fixture
def gen(con):
    make_people(con, 5_000)
    fg.infer(con, "people")
    return con


def rows_of(con, sql):
    """A run's rows as a sorted list of row hashes: row order is not part of the contract, content is."""
    return sorted(r[0] for r in con.execute(f"SELECT hash(t) FROM ({sql}) t").fetchall())


def test_same_seed_same_rows_other_seed_other_rows(gen):
    a = rows_of(gen, "FROM fastgen_sample('people', 3000, seed := 7)")
    assert a == rows_of(gen, "FROM fastgen_sample('people', 3000, seed := 7)")
    assert len(set(a) & set(rows_of(gen, "FROM fastgen_sample('people', 3000, seed := 8)"))) < 30


def test_thread_count_does_not_change_rows(gen):
    sql = "FROM fastgen_sample('people', 1100000, seed := 1)"
    gen.execute("SET threads = 1")
    one = gen.execute(f"SELECT sum(hash(t) >> 8), count(*) FROM ({sql}) t").fetchall()[0]
    gen.execute("SET threads = 2")
    two = gen.execute(f"SELECT sum(hash(t) >> 8), count(*) FROM ({sql}) t").fetchall()[0]
    assert one == two and one[1] == 1_100_000


@pytest.mark.parametrize("threads", [1, 2, 3, 8, 16])
def test_rows_are_every_number_once_in_order_and_spread_over_the_threads_row_groups(con, threads):
    """The sampler's row numbers (compiler._rows) for runs of any size and start: start .. start + n - 1, each
    once, ascending in the order DuckDB scans them within a block of 2^20; a run too short to fill a row group
    per thread takes its vectors from least(threads, 8) of fastgen.counter's row groups (100,000 rows: otherwise
    one thread drew them all), whole vectors each."""
    from fastgen_duckdb.compiler import BLOCK, LANES, ROW_GROUP_VECTORS, VECTOR, _rows
    assert LANES == 8
    con.execute(f"SET threads = {threads}")
    con.execute("CREATE OR REPLACE TEMP MACRO row_numbers(n, start) AS TABLE "
                + _rows().replace("SELECT start + ", "SELECT c.i AS i, start + "))
    for n, start in ((0, 0), (1, 0), (2047, 5), (2049, 0), (100_000, 7), (300_000, 0), ((1 << 20) + 3, 11)):
        sql = f"FROM row_numbers({n}, {start})"
        got = con.execute(f"SELECT count(*), count(DISTINCT r), min(r), max(r), "
                          f"bool_and(r = start_r) FROM (SELECT r, {start} + row_number() OVER () - 1 AS start_r FROM ({sql}))").fetchall()[0]
        assert got[:4] == (n, n, start if n else None, start + n - 1 if n else None), (n, got)
        # ascending within a block of the counter's rows (across blocks the join's order is DuckDB's: 2.0 interleaves)
        assert got[4] in (True, None) or n > BLOCK, (n, got)
        if 0 < n <= 100_000:
            groups, partial = con.execute(f"SELECT count(DISTINCT i // {ROW_GROUP_VECTORS * VECTOR}), "
                                          f"count(*) FILTER (WHERE n_vec < {VECTOR}) "
                                          f"FROM (SELECT i, count(*) OVER (PARTITION BY i // {VECTOR}) AS n_vec FROM ({sql}))").fetchall()[0]
            vectors = -(-n // VECTOR)
            assert groups == min(threads, LANES, vectors), (n, threads, groups)
            assert partial == n % VECTOR, (n, partial)   # only the last vector is partly used


def test_chunks_equal_one_run(gen):
    # chunks crossing the 2^20-row block boundary, as separate processes would write them
    whole = "SELECT hash(t) FROM fastgen_sample('people', 1200000, seed := 5) t"
    parts = " UNION ALL ".join(f"SELECT hash(t) FROM fastgen_sample('people', {n}, seed := 5, start := {s}) t"
                               for s, n in ((0, 1000000), (1000000, 100000), (1100000, 100000)))
    diff = gen.execute(f"SELECT count(*) FROM (({whole}) EXCEPT ALL ({parts}))").fetchall()[0][0]
    diff += gen.execute(f"SELECT count(*) FROM (({parts}) EXCEPT ALL ({whole}))").fetchall()[0][0]
    assert diff == 0


def test_small_n_keeps_row_order(gen):
    keys = [r[0] for r in gen.execute("SELECT person_id FROM fastgen_sample('people', 1000)").fetchall()]
    assert keys == list(range(1, 1001))


def test_zero_rows_has_the_schema(gen):
    rel = gen.sql("FROM fastgen_sample('people', 0)")
    assert rel.fetchall() == []
    assert rel.columns == gen.sql("FROM people").columns


@pytest.mark.parametrize("call, message", [
    ("fastgen_sample('people', -1)", "n must be a whole number >= 0"),
    ("fastgen_sample('people', 2.5)", "n must be a whole number >= 0"),
    ("fastgen_sample('people', NULL)", "n must be a whole number >= 0"),
    ("fastgen_sample('people', 5, start := -3)", "start must be a whole number >= 0"),
    ("fastgen_sample('nobody', 5)", "gen_nobody"),
])
def test_bad_arguments_fail_clearly(gen, call, message):
    with pytest.raises(duckdb.Error, match=message):
        gen.execute(f"FROM {call}").fetchall()


def test_python_sample_checks_first(gen):
    with pytest.raises(fg.GeneratorError, match="unknown generator 'nobody'; known: people"):
        fg.sample(gen, "nobody", 5)
    with pytest.raises(ValueError, match="n must be a whole number >= 0"):
        fg.sample(gen, "people", -5)
    assert len(fg.sample(gen, "people", 5, seed=1).fetchall()) == 5


def test_works_in_joins_ctas_insert_and_copy(gen, tmp_path):
    gen.execute("CREATE TABLE t AS FROM fastgen_sample('people', 1000, seed := 2)")
    gen.execute("INSERT INTO t SELECT * FROM fastgen_sample('people', 500, seed := 2, start := 1000)")
    assert gen.execute("SELECT count(*), count(DISTINCT person_id) FROM t").fetchall()[0] == (1500, 1500)
    joined = gen.execute("""SELECT count(*) FROM fastgen_sample('people', 1000) a
                            JOIN fastgen_sample('people', 1000, seed := 9) b USING (person_id)""").fetchall()[0][0]
    assert joined == 1000
    out = str(tmp_path / "people.parquet")
    gen.execute(f"COPY (FROM fastgen_sample('people', 1234)) TO '{out}' (FORMAT PARQUET)")
    assert gen.execute(f"SELECT count(*) FROM '{out}'").fetchall()[0][0] == 1234
    assert gen.sql(f"FROM '{out}'").types == gen.sql("FROM people").types


def test_stored_parameters_equal_the_exported_ones(gen):
    """The stored parameter table writes lists of plain numbers as one text cast to the list type (DuckDB parses
    it in C++, not as one expression per number); every parameter must equal the literal form that other
    engines are given (compile_query), bit for bit."""
    from fastgen_duckdb import compiler
    con = gen
    columns, _, shared, _ = compiler._columns(fg.spec(con, "people"), None)
    stored, literal = compiler._params(columns, shared, True), compiler._params(columns, shared)
    assert stored.count("'[") >= 5 and "'[" not in literal
    a, b = (con.execute(f"SELECT * FROM (SELECT {p})").fetchall()[0] for p in (stored, literal))
    assert a == b
