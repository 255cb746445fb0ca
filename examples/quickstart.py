"""Learn a shop's tables once, offline, then draw a million synthetic orders in pure SQL.

    python examples/quickstart.py [shop.duckdb]

Afterwards the plain DuckDB shell samples from the same file with no Python:
    duckdb shop.duckdb -c "FROM fastgen_sample('orders', 5, seed := 7)"
"""
import pathlib
import sys
import time

import fastgen_duckdb

path = sys.argv[1] if len(sys.argv) > 1 else "shop.duckdb"
con = fastgen_duckdb.connect(path)
con.execute((pathlib.Path(__file__).parent / "shop.sql").read_text())

for table in ("customers", "orders"):
    print("inferred", con.sql(f"SELECT fastgen_infer('{table}', replace := true)").fetchall()[0][0])
print(con.sql("FROM fastgen_generators()"))

start = time.perf_counter()
con.sql("CREATE OR REPLACE TABLE orders_test AS FROM fastgen_sample('orders', 1000000, seed := 7)")
print(f"1,000,000 synthetic orders in {time.perf_counter() - start:.2f} s")
print(con.sql("FROM orders_test LIMIT 5"))

print("real vs synthetic:")
print(con.sql("""
    SELECT 'real' AS data, count(*) AS rows, round(avg(amount), 2) AS avg_amount, round(avg(items), 2) AS avg_items,
           round(avg((status = 'delivered')::INT), 3) AS delivered, round(avg((note IS NULL)::INT), 3) AS no_note,
           min(ordered_at) AS first, max(ordered_at) AS last FROM orders
    UNION ALL
    SELECT 'synthetic', count(*), round(avg(amount), 2), round(avg(items), 2),
           round(avg((status = 'delivered')::INT), 3), round(avg((note IS NULL)::INT), 3),
           min(ordered_at), max(ordered_at) FROM orders_test"""))
con.close()
print(f"""now, with no Python: duckdb {path} -c "FROM fastgen_sample('orders', 5, seed := 7)\"""")
