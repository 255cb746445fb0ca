"""TPC-H orders (sf=0.01), the benchmark's training table: kinds, keys and marginals."""
import json

import numpy as np

import fastgen_duckdb as fg
from conftest import ks_statistic, ks_tolerance, shares, tvd, tvd_tolerance


def test_tpch_orders(tpch):
    con = tpch
    fg.infer(con, "orders")
    kinds = {c["name"]: c["kind"] for c in fg.spec(con, "orders")["columns"]}
    assert kinds == {"o_orderkey": "key", "o_custkey": "numeric", "o_orderstatus": "categorical",
                     "o_totalprice": "numeric", "o_orderdate": "datetime", "o_orderpriority": "categorical",
                     "o_clerk": "categorical", "o_shippriority": "constant", "o_comment": "text"}
    n = 100_000
    con.execute(f"CREATE TABLE synth AS FROM fastgen_sample('orders', {n}, seed := 11)")
    assert con.execute("SELECT count(DISTINCT o_orderkey) FROM synth").fetchall()[0][0] == n
    assert con.sql("FROM synth").types == con.sql("FROM orders").types
    for col in ("o_totalprice", "o_custkey", "o_orderdate - DATE '1992-01-01'"):
        real = [r[0] for r in con.execute(f"SELECT ({col})::DOUBLE FROM orders").fetchall()]
        synth = [r[0] for r in con.execute(f"SELECT ({col})::DOUBLE FROM synth").fetchall()]
        assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth)), col
    for col in ("o_orderstatus", "o_orderpriority", "o_clerk"):
        real, synth = shares(con, f"SELECT {col} FROM orders"), shares(con, f"SELECT {col} FROM synth")
        assert tvd(real, synth) < tvd_tolerance(len(real), 15_000, n), col
    real_comments = {r[0] for r in con.execute("SELECT o_comment FROM orders").fetchall()}
    synth_comments = [r[0] for r in con.execute("SELECT o_comment FROM synth").fetchall()]
    assert sum(c in real_comments for c in synth_comments) / n < 0.01
    assert len(set(synth_comments)) / n > 0.9
    real_len = np.mean([len(c) for c in real_comments])
    assert abs(np.mean([len(c) for c in synth_comments]) - real_len) < 0.05 * real_len


def test_tpch_status_by_year(tpch):
    """The relation independent columns lose: share of 'F' by order year is 1/1/1/0.2/0/0/0."""
    con = tpch
    fg.infer(con, "orders")
    rows = con.execute("""
        WITH r AS (SELECT year(o_orderdate) y, avg((o_orderstatus = 'F')::INT) f FROM orders GROUP BY y),
             s AS (SELECT year(o_orderdate) y, avg((o_orderstatus = 'F')::INT) f
                   FROM fastgen_sample('orders', 100000, seed := 1) GROUP BY y)
        SELECT r.f, s.f FROM r JOIN s USING (y) ORDER BY r.y""").fetchall()
    assert len(rows) == 7 and all(abs(real - synth) < 0.03 for real, synth in rows)


def test_fidelity_report(tpch):
    con = tpch
    fg.infer(con, "orders")
    r = json.loads(con.execute("SELECT fastgen_report('orders', \"rows\" := 50000)").fetchall()[0][0])
    assert r["real_rows"] == 15_000 and r["synthetic_rows"] == 50_000
    shapes = {c["column"]: c["score"] for c in r["columns"]}
    assert set(shapes) == {"o_custkey", "o_orderstatus", "o_totalprice", "o_orderdate", "o_orderpriority", "o_clerk"}
    # 1,000 clerks in 15,000 real rows: the real column's own sampling noise caps TVComplement near 0.95
    assert all(score > 0.98 for col, score in shapes.items() if col != "o_clerk") and shapes["o_clerk"] > 0.9
    pair = next(p for p in r["pairs"] if p["columns"] == ["o_orderstatus", "o_orderdate"])
    assert pair["metric"] == "ContingencySimilarity" and pair["score"] > 0.95
    assert r["text"][0]["copied"] < 0.01 and r["overall"] > 0.94
    checks = {c["rule"]: (c["real"], c["synthetic"]) for c in r["checks"]}
    assert checks["o_orderkey is unique"] == (0, 0) and checks["o_comment is never null"] == (0, 0)
    # independent columns, for contrast, lose the pair: the report can tell
    spec = fg.spec(con, "orders")
    status = next(c for c in spec["columns"] if c["name"] == "o_orderstatus")
    assert {"given", "cluster"} & set(status)       # drawn per date bin or per hidden cluster
    status.pop("given", None), status.pop("cluster", None)
    spec["name"] = "flat"
    fg.import_spec(con, spec)
    flat = fg.report(con, "flat", 50_000)
    assert next(p for p in flat["pairs"] if p["columns"] == ["o_orderstatus", "o_orderdate"])["score"] < 0.7
