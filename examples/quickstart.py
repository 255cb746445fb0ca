"""Learn a shop's tables once, offline, then draw a million synthetic orders in pure SQL.

    python examples/quickstart.py [shop.duckdb]

Afterwards the plain DuckDB shell (`pip install duckdb-cli`) samples from the same file with no Python:
    duckdb shop.duckdb -c "FROM fastgen_sample('orders', 5, seed := 7)"
"""
import os
import pathlib
import shutil
import subprocess
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

where = os.path.abspath(path)
print(f"\nwrote {where}: tables customers and orders (the real rows), orders_test (1,000,000 synthetic orders),")
print("and the generators customers and orders (schema fastgen), which any DuckDB opening the file can sample.")
shell_sql = "FROM fastgen_sample('orders', 5, seed := 7)"
command = f'duckdb {path} -c "{shell_sql}"'
shell = shutil.which("duckdb", path=os.path.dirname(sys.executable)) or shutil.which("duckdb")
if shell:   # the plain DuckDB shell, no Python in it: the same 5 rows as orders_test's first 5
    print(f"\nnow, with no Python ({subprocess.run([shell, '--version'], capture_output=True, text=True).stdout.split()[0]} shell):")
    print(f"$ {command}")
    print(subprocess.run([shell, path, "-c", shell_sql], capture_output=True, text=True, check=True).stdout, end="")
else:
    print(f"\nnow, with no Python: {command}   (the shell: pip install duckdb-cli)")
print(f"""
next: fastgen report {path} orders --html report.html   (real vs synthetic, scored)
      fastgen sample {path} orders 1000000 --to orders_test.parquet
      fastgen show {path} orders > orders.json   (the spec: edit it, then fastgen import {path} orders.json)
      the tour of SQL, the command line and Python: README.md; the reference: docs/""")
