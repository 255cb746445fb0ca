"""A spec is plain JSON: read it, change it, store it back; the sampler is recompiled and checked.

    python examples/edit_spec.py [shop.duckdb]     (after examples/quickstart.py)
"""
import sys

import fastgen_duckdb

con = fastgen_duckdb.connect(sys.argv[1] if len(sys.argv) > 1 else "shop.duckdb")
spec = fastgen_duckdb.spec(con, "orders")
status = next(c for c in spec["columns"] if c["name"] == "status")
print("learned:", dict(zip(status["values"], status["weights"])))

# a test scenario: a bad week, with a third of the orders cancelled
status["values"], status["weights"] = ["delivered", "shipped", "pending", "cancelled"], [40, 15, 12, 33]
spec["name"] = "orders_bad_week"
fastgen_duckdb.import_spec(con, spec)
print(con.sql("""SELECT status, count(*) AS n FROM fastgen_sample('orders_bad_week', 100000)
                 GROUP BY status ORDER BY n DESC"""))
con.close()
