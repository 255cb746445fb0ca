"""Keys and foreign keys found in a schema's data where it declares none (keys.py)."""
import math

from hypothesis import HealthCheck, given, settings, strategies as st

import fastgen_duckdb as fg
from fastgen_duckdb import ddl, keys


def test_names_point_at_their_key():
    # a key word after another table's initial names that table's key, not its sibling's
    hd = keys.score(["hdemo", "sk"], ["demo", "sk"], ["household", "demographics"], "hd")
    cd = keys.score(["hdemo", "sk"], ["demo", "sk"], ["customer", "demographics"], "cd")
    assert hd > cd > 0
    assert keys.score(["sold", "date", "sk"], ["date", "sk"], ["date", "dim"], "d") > 0
    assert keys.score(["current", "addr", "sk"], ["address", "sk"], ["customer", "address"], "ca") > 0
    assert keys.score(["customer", "id"], ["id"], ["customers"], "") > 0      # a bare id names its table
    # the key words must agree, and a column must name the key's own words
    assert keys.score(["customer", "id"], ["customer", "sk"], ["customer"], "") == 0
    assert keys.score(["quantity"], ["id"], ["customers"], "") == 0
    assert keys.score(["item", "sk"], ["date", "sk"], ["date", "dim"], "d") == 0
    assert keys.words("orderLineId") == ["order", "line", "id"] and keys.words("ship2_addr") == ["ship", "2", "addr"]


def test_a_table_prefix_is_the_first_word_most_columns_share():
    t = ddl.TableDef("store_sales", [ddl.ColumnDef(n, "INTEGER") for n in ("ss_item_sk", "ss_qty", "ss_price", "note")])
    assert keys.prefix(t) == "ss"
    assert keys.prefix(ddl.TableDef("t", [ddl.ColumnDef(n, "INTEGER") for n in ("order_id", "order_date", "qty")])) == ""


def shop(con, orphan: bool = False):
    """Three tables and no declared key: customers(id), orders(order_id, customer_id → customers, a quantity
    whose values all lie among the ids, a status → statuses), statuses, a lookup of five rows two of which are used."""
    con.execute("CREATE TABLE customers AS SELECT i AS id, 'name ' || i AS name, i % 7 AS segment FROM range(1, 401) t(i)")
    con.execute("CREATE TABLE statuses AS SELECT i AS status_id, ['new', 'paid', 'sent', 'lost', 'void'][i] AS label "
                "FROM range(1, 6) t(i)")
    con.execute(f"""CREATE TABLE orders AS SELECT i AS order_id,
                        {'CASE WHEN i = 5 THEN 9999 ELSE 1 + (i * 7919) % 400 END' if orphan else '1 + (i * 7919) % 400'}
                            AS customer_id,
                        1 + i % 20 AS quantity, CASE WHEN i % 10 = 0 THEN 1 ELSE 2 END AS status_id,
                        (i % 97) * 1.5 AS amount
                    FROM range(1, 3001) t(i)""")


def test_foreign_keys_are_found_in_data_and_regenerated_without_orphans(con):
    shop(con)
    fg.infer_all(con, "main.*")
    orders = {c["name"]: c for c in fg.spec(con, "orders")["columns"]}
    assert orders["customer_id"]["kind"] == "reference" and orders["customer_id"]["table"] == "customers"
    assert "found in the data" in orders["customer_id"]["note"]
    assert orders["status_id"]["kind"] == "reference" and orders["status_id"]["table"] == "statuses"
    assert orders["quantity"]["kind"] != "reference"     # its values lie among the ids, its name does not
    assert fg.spec(con, "customers")["columns"][0]["kind"] == "key"
    fg.generate(con, into="synth", scale=2)
    assert con.execute("SELECT count(*) FROM synth.orders o ANTI JOIN synth.customers c ON o.customer_id = c.id"
                       ).fetchall() == [(0,)]
    # the keys are the data's, not the source's DDL: the regenerated tables declare none, as the source did not
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'synth' "
                       "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')").fetchall() == [(0,)]


def test_a_value_missing_from_the_parent_is_no_foreign_key(con):
    shop(con, orphan=True)
    fg.infer_all(con, "main.*")
    orders = {c["name"]: c for c in fg.spec(con, "orders")["columns"]}
    assert orders["customer_id"]["kind"] != "reference"
    assert orders["status_id"]["kind"] == "reference"


def test_a_fixed_parent_keeps_which_rows_are_referenced_and_how_often(con):
    shop(con)
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "statuses").get("fixed")
    n = 200_000
    shares = dict(con.execute(f"SELECT s.label, count(*) / {n} FROM fastgen_sample('orders', {n}) o "
                              "JOIN fastgen_sample('statuses', 5) s USING (status_id) GROUP BY ALL").fetchall())
    assert set(shares) == {"new", "paid"}          # 'sent', 'lost' and 'void' are never referenced in the data
    assert abs(shares["new"] - 0.1) < 5 * math.sqrt(0.1 * 0.9 / n)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parent=st.sampled_from(["account", "product", "vendor", "region", "warehouse"]),
       style=st.sampled_from(["{p}_id", "{p}Id", "{p}_key"]),
       rows=st.integers(1, 300), used=st.integers(1, 50), orphan=st.booleans(), other=st.integers(1, 1000))
def test_planted_foreign_keys_are_found_and_no_other(tmp_path_factory, parent, style, rows, used, orphan, other):
    """Any parent name and key style: a child column named for the key and inside it is found; one with a value
    outside is not; a number column whose values lie inside the keys but whose name does not point there never is."""
    con = fg.connect(str(tmp_path_factory.mktemp("keys") / "k.duckdb"))
    key = style.format(p=parent)
    con.execute(f'CREATE TABLE "{parent}s" AS SELECT i AS "{key}", i * 2 AS size FROM range(1, {rows + 1}) t(i)')
    bad = f"CASE WHEN i = 0 THEN {rows + other} ELSE 1 + i % {min(used, rows)} END" if orphan else f"1 + i % {min(used, rows)}"
    con.execute(f'CREATE TABLE lines AS SELECT i AS line_no, {bad} AS "{key}", 1 + i % {min(used, rows)} AS amount '
                f"FROM range(0, 500) t(i)")
    tables = ddl.catalog_tables(con, "k", "main")
    keys.discover(con, tables, {t.name: f'"{t.name}"' for t in tables})
    lines = next(t for t in tables if t.name == "lines")
    found = [(fk["columns"], fk["table"]) for fk in lines.foreign_keys]
    assert found == ([] if orphan else [([key], f"{parent}s")])
    con.close()
