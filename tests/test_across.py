"""A number or time after its foreign key's parent row's (across.py, 'after_parent'): learned where the data
orders them, drawn as the parent row's value plus the data's gap at any scale and slice, read by the columns
conditioned on it, refused clearly when a spec asks for it wrongly."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fastgen_duckdb as fg
from data import dated_sales_and_returns


def orders_and_shipments(con, ordered: bool = True) -> None:
    """orders(o_id, o_date over two years, o_total); shipments(s_order -> orders, s_date 1-20 days after its
    order's date, or any day of the two years without `ordered`; s_late 'late' when shipped in the second year)."""
    con.execute("CREATE TABLE orders (o_id INTEGER PRIMARY KEY, o_date DATE NOT NULL, o_total DOUBLE)")
    con.execute("INSERT INTO orders SELECT i, DATE '2023-01-01' + (hash(i, 'd') % 730)::INTEGER, "
                "round(10 + (hash(i, 't') % 9000) / 10.0, 1) FROM range(1, 3001) t(i)")
    day = ("o_date + (1 + hash(k, o_id) % 20)::INTEGER" if ordered
           else "DATE '2023-01-01' + (hash(k, o_id, 'x') % 730)::INTEGER")
    con.execute("CREATE TABLE shipments (s_id INTEGER PRIMARY KEY, s_order INTEGER NOT NULL REFERENCES orders, "
                "s_date DATE NOT NULL, s_weight DOUBLE, s_late VARCHAR)")
    con.execute(f"INSERT INTO shipments SELECT row_number() OVER (), o_id, {day}, (hash(k, o_id, 'w') % 500) / 10.0, "
                "NULL FROM orders, range(1 + (hash(o_id) % 3)::INTEGER) t(k)")
    con.execute("UPDATE shipments SET s_late = CASE WHEN s_date >= DATE '2024-01-01' THEN 'late' ELSE 'early' END")


def ks(a, b) -> float:
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    grid = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, grid, "right") / len(a) - np.searchsorted(b, grid, "right") / len(b))))


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_a_shipment_comes_after_its_order_at_any_scale(con, scale):
    orders_and_shipments(con)
    fg.infer_all(con, "main.*")
    cols = {c["name"]: c for c in fg.spec(con, "shipments")["columns"]}
    rule = cols["s_date"]["after_parent"]
    assert (rule["through"], rule["column"]) == ("s_order", "o_date")
    assert rule["gaps"][0] == 1.0 and rule["gaps"][-1] == 20.0
    assert "after_parent" not in cols["s_weight"]   # a weight is no later value of an order's
    con.execute("ATTACH ':memory:' AS synth")
    fg.generate(con, into="synth", scale=scale)
    gaps = [g for (g,) in con.execute("SELECT s_date - o_date FROM synth.shipments JOIN synth.orders ON "
                                      "s_order = o_id").fetchall()]
    real = [g for (g,) in con.execute("SELECT s_date - o_date FROM shipments JOIN orders ON s_order = o_id").fetchall()]
    assert min(gaps) >= 1 and max(gaps) <= 20
    n = len(gaps) * len(real) / (len(gaps) + len(real))
    assert ks(gaps, real) < 1.63 / np.sqrt(n) + 0.02   # the gap's distribution as the data's (KS, 1 %)
    # the column conditioned on the shipping date still agrees with it
    agree = con.execute("SELECT avg(((s_date >= DATE '2024-01-01') = (s_late = 'late'))::INT) FROM synth.shipments"
                        ).fetchall()[0][0]
    assert agree > 0.98


def test_a_slice_of_rows_is_the_same_rows(con):
    orders_and_shipments(con)
    fg.infer_all(con, "main.*")
    whole = con.execute("SELECT * FROM fastgen_sample('shipments', 400, seed := 3)").fetchall()
    part = con.execute("SELECT * FROM fastgen_sample('shipments', 150, seed := 3, start := 200)").fetchall()
    assert part == whole[200:350] and len({r[2] for r in whole}) > 50


def test_no_order_in_the_data_is_no_rule(con):
    orders_and_shipments(con, ordered=False)
    fg.infer_all(con, "main.*")
    assert not any(c.get("after_parent") for c in fg.spec(con, "shipments")["columns"])


@pytest.mark.parametrize("rule, says", [
    ({"through": "s_weight", "column": "o_date", "gaps": [1, 20]}, "after_parent is {\"through\": a reference"),
    ({"through": "s_order", "column": "o_date", "gaps": [20, 1]}, "after_parent.gaps: must be sorted"),
    ({"through": "s_order", "column": "o_total", "gaps": [1, 20]}, "after_parent.column must be a date column"),
])
def test_a_wrong_after_parent_is_one_clear_error(con, rule, says):
    orders_and_shipments(con)
    fg.infer_all(con, "main.*")
    spec = fg.spec(con, "shipments")
    next(c for c in spec["columns"] if c["name"] == "s_date")["after_parent"] = rule
    before = con.execute("SELECT count(*) FROM fastgen_sample('shipments', 10)").fetchall()
    with pytest.raises(fg.SpecError, match="column 's_date'") as err:
        fg.import_spec(con, spec)
    assert says in str(err.value) and "\n" not in str(err.value)
    assert con.execute("SELECT count(*) FROM fastgen_sample('shipments', 10)").fetchall() == before


TYPES = {   # a type, its parent values from row i, and a gap of g whole units in it
    "DATE": ("DATE '2020-01-01' + (hash(i, 'p') % 1500)::INTEGER", "{} + {}::INTEGER"),
    "TIMESTAMP": ("TIMESTAMP '2020-01-01' + to_microseconds((hash(i, 'p') % 10 ^ 14)::BIGINT)",
                  "date_trunc('second', {}) + to_seconds({}::BIGINT + 1)"),
    "INTEGER": ("(hash(i, 'p') % 100000)::INTEGER - 50000", "{} + {}"),
    "DOUBLE": ("(hash(i, 'p') % 10 ^ 9) / 1000.0", "ceil(({} + {} / 7.0) * 10) / 10"),
    "DECIMAL(12,2)": ("((hash(i, 'p') % 10 ^ 8) / 100.0)::DECIMAL(12,2)", "({} + {} / 4.0)::DECIMAL(12,2)"),
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(type_=st.sampled_from(sorted(TYPES)), low=st.integers(0, 30), width=st.integers(0, 200),
       parent_nulls=st.sampled_from([0.0, 0.2]), child_nulls=st.sampled_from([0.0, 0.3]),
       scale=st.sampled_from([0.3, 1.0, 2.5]))
def test_any_later_value_stays_after_its_parent_rows(tmp_path_factory, type_, low, width, parent_nulls, child_nulls,
                                                      scale):
    """Any type, gap range and NULL shares on either side: the rule is learned, and at any scale every generated
    row is at or after its parent row's value, on its own type's grid (a DOUBLE of one decimal stays so)."""
    early, late = TYPES[type_]
    con = fg.connect(str(tmp_path_factory.mktemp("after") / "a.duckdb"))
    con.execute(f"CREATE TABLE parents (p_id INTEGER PRIMARY KEY, p_at {type_})")
    con.execute(f"CREATE TABLE children (c_id INTEGER PRIMARY KEY, c_parent INTEGER REFERENCES parents, c_at {type_})")
    con.execute(f"INSERT INTO parents SELECT i, CASE WHEN hash(i, 'n') % 100 >= {int(parent_nulls * 100)} "
                f"THEN {early} END FROM range(1, 601) t(i)")
    gap = f"({low} + hash(p_id, k, 'g') % {width + 1})"
    con.execute(f"INSERT INTO children SELECT p_id * 10 + k, p_id, CASE WHEN hash(p_id, k, 'n') % 100 >= "
                f"{int(child_nulls * 100)} THEN {late.format('p_at', gap)} END "
                f"FROM parents, range(1 + (hash(p_id) % 3)::INTEGER) t(k)")
    fg.infer_all(con, "main.*")
    child = {c["name"]: c for c in fg.spec(con, "children")["columns"]}
    assert child["c_parent"]["kind"] == "reference"
    assert child["c_at"].get("after_parent", {}).get("column") == "p_at", child["c_at"]
    con.execute("ATTACH ':memory:' AS synth")
    fg.generate(con, into="synth", scale=scale)
    broken, rows, both = con.execute(
        "SELECT count(*) FILTER (WHERE c_at < p_at), count(*), count(c_at - p_at) FROM synth.children "
        "JOIN synth.parents ON c_parent = p_id").fetchall()[0]
    assert rows > 0 and both > 0 and broken == 0
    off_grid = {"DOUBLE": "abs(c_at * 10 - round(c_at * 10)) > 1e-6", "TIMESTAMP": "date_trunc('second', c_at) <> c_at",
                "DECIMAL(12,2)": "FALSE", "DATE": "FALSE", "INTEGER": "FALSE"}[type_]
    assert con.execute(f"SELECT count(*) FROM synth.children WHERE {off_grid}").fetchall() == [(0,)]


def test_a_return_date_key_comes_after_its_sales_date_key(con):
    """Dates as keys of a date dimension (TPC-DS's d_date_sk): a return's date key is 0-45 days after its sale's.
    The dimension is fixed and its keys go up by one, so the sale's key plus a gap is a key: drawn so, every
    return comes on or after its sale at any scale, and its key exists (DuckDB checks the foreign key)."""
    dated_sales_and_returns(con)
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "dates").get("fixed")
    rule = next(c for c in fg.spec(con, "returns")["columns"] if c["name"] == "r_date")["after_parent"]
    assert (rule["through"], rule["column"]) == ("r_sale", "s_date")
    assert rule["gaps"][0] == 0.0 and rule["gaps"][-1] == 45.0
    con.execute("ATTACH ':memory:' AS synth")
    fg.generate(con, into="synth", scale=3)
    gaps = [g for (g,) in con.execute("SELECT r_date - s_date FROM synth.returns JOIN synth.sales ON r_sale = s_id"
                                      ).fetchall()]
    assert len(gaps) > 3000 and min(gaps) >= 0 and max(gaps) <= 45
    real = [g for (g,) in con.execute("SELECT r_date - s_date FROM returns JOIN sales ON r_sale = s_id").fetchall()]
    n = len(gaps) * len(real) / (len(gaps) + len(real))
    assert ks(gaps, real) < 1.63 / np.sqrt(n) + 0.02
    alone = con.execute("SELECT min(r_date), max(r_date) FROM fastgen_sample('returns', 20000)").fetchall()[0]
    assert 2450000 <= alone[0] and alone[1] <= 2450399   # drawn alone too: clamped to the dimension's keys


def test_a_reference_after_anything_but_the_same_dimensions_key_is_one_clear_error(con):
    """A date key may only follow the parent row's key of the same fixed dimension: after the sale's id (a key of
    the sales, no date) it would be no key of the dates at all; refused by name, the generator kept."""
    dated_sales_and_returns(con)
    fg.infer_all(con, "main.*")
    spec = fg.spec(con, "returns")
    next(c for c in spec["columns"] if c["name"] == "r_date")["after_parent"] = {"through": "r_sale", "column": "s_id",
                                                                                 "gaps": [0, 45]}
    before = con.execute("SELECT * FROM fastgen_sample('returns', 20)").fetchall()
    with pytest.raises(fg.SpecError, match="column 'r_date'.*for a reference, to the same fixed table") as err:
        fg.import_spec(con, spec)
    assert "\n" not in str(err.value)
    assert con.execute("SELECT * FROM fastgen_sample('returns', 20)").fetchall() == before
