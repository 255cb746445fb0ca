"""The examples run as documented, and do what they say."""
import os
import pathlib
import subprocess
import sys

import duckdb

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def test_quickstart_then_edit_spec(tmp_path, duckdb_cli):
    db = str(tmp_path / "shop.duckdb")
    env = {**os.environ, "PATH": os.path.dirname(duckdb_cli) + os.pathsep + os.environ.get("PATH", "")}
    out = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py"), db], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env).stdout
    assert "inferred customers" in out and "1,000,000 synthetic orders" in out
    # it ends with where its output went, the shell command that works (run by the real shell), what to try next
    assert f"wrote {db}: tables customers and orders" in out and "orders_test (1,000,000 synthetic orders)" in out
    tail = out[out.index("now, with no Python (v1."):]
    assert f"""$ duckdb {db} -c "FROM fastgen_sample('orders', 5, seed := 7)\"""" in tail and "next: fastgen report" in tail
    shell_rows = subprocess.run([duckdb_cli, "-csv", "-noheader", db, "-c",
                                 "SELECT order_id, status, amount FROM fastgen_sample('orders', 5, seed := 7)"],
                                capture_output=True, text=True, check=True).stdout.split()
    con = duckdb.connect(db)
    python_rows = con.execute("SELECT order_id, status, amount FROM orders_test ORDER BY order_id LIMIT 5").fetchall()
    assert shell_rows == [f"{i},{s},{a}" for i, s, a in python_rows]
    assert con.execute("SELECT count(*), count(DISTINCT order_id) FROM orders_test").fetchall()[0] == (1_000_000, 1_000_000)
    real, synth = (con.execute(f"SELECT avg((status = 'delivered')::INT) FROM {t}").fetchall()[0][0]
                   for t in ("orders", "orders_test"))
    assert abs(real - synth) < 0.01
    con.close()
    out = subprocess.run([sys.executable, str(EXAMPLES / "edit_spec.py"), db], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    cancelled = int(next(line for line in out.splitlines() if "cancelled" in line and "│" in line).split("│")[2])
    assert abs(cancelled - 33_000) < 600
