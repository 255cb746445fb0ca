"""Whole databases: a schema learned with its data (TPC-H sf=0.01, keys declared) and regenerated elsewhere."""
import pathlib

import duckdb
import numpy as np
import pytest

import fastgen_duckdb as fg
from data import tpch_extension

TPCH_DDL = (pathlib.Path(__file__).resolve().parent.parent / "examples" / "tpch_schema.sql").read_text()
TABLES = ["region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]


@pytest.fixture(scope="module")
def tpch_db(tmp_path_factory):
    """TPC-H sf=0.01 in tables with their primary and foreign keys, and fastgen_infer('main.*') of it."""
    ext = tpch_extension()
    if ext is None:
        pytest.skip(f"no duckdb-extension-tpch wheel for duckdb {duckdb.__version__}")
    path = str(tmp_path_factory.mktemp("tpch") / "tpch.duckdb")
    con = fg.connect(path)
    con.execute(f"LOAD '{ext}'")
    con.execute("ATTACH ':memory:' AS raw; USE raw; CALL dbgen(sf=0.01); USE tpch")
    con.execute(TPCH_DDL)
    for t in TABLES:
        con.execute(f"INSERT INTO {t} SELECT * FROM raw.main.{t}")
    con.execute("DETACH raw")
    assert sorted(fg.infer_all(con, "main.*")) == sorted(TABLES)
    yield con
    con.close()


def test_a_schema_with_data_is_learned_whole(tpch_db):
    con = tpch_db
    lineitem = {c["name"]: c for c in fg.spec(con, "lineitem")["columns"]}
    assert lineitem["l_orderkey"]["kind"] == lineitem["l_partkey"]["kind"] == "reference"
    assert lineitem["l_quantity"]["round"] == 0          # DECIMAL(15,2) holding whole numbers stays whole
    for t in TABLES:   # no copula, condition or rule names a column that became a key or a reference
        spec = fg.spec(con, t)
        kinds = {c["name"]: c["kind"] for c in spec["columns"]}
        assert all(kinds[x] not in ("key", "reference") for x in (spec.get("copula") or {}).get("columns", []))
        assert all(kinds[c["given"]["column"]] not in ("key", "reference") for c in spec["columns"] if "given" in c)
    assert con.execute("SELECT count(*) FILTER (WHERE l_quantity <> round(l_quantity)) "
                       "FROM fastgen_sample('lineitem', 20000)").fetchall()[0][0] == 0


def test_every_generator_draws_its_own_streams(con):
    con.execute("CREATE TABLE t AS SELECT (hash(i) % 1000)::DOUBLE AS x, 'v' || (hash(i, 1) % 7) AS c FROM range(5000) t(i)")
    fg.infer(con, "t", name="customer")
    fg.infer(con, "t", name="supplier")
    assert fg.spec(con, "customer")["salt"] != fg.spec(con, "supplier")["salt"]
    a, b = (np.array(con.execute(f"SELECT x FROM fastgen_sample('{g}', 20000, seed := 5)").fetchall(), float)[:, 0]
            for g in ("customer", "supplier"))
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / np.sqrt(20000)      # independent draws, row by row
    again = np.array(con.execute("SELECT x FROM fastgen_sample('customer', 20000, seed := 5)").fetchall(), float)[:, 0]
    assert (a == again).all()                                       # same seed, same rows
