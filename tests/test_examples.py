"""The examples run as documented, and do what they say."""
import pathlib
import subprocess
import sys

import duckdb

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def test_quickstart_then_edit_spec(tmp_path):
    db = str(tmp_path / "shop.duckdb")
    out = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py"), db], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    assert "inferred customers" in out and "1,000,000 synthetic orders" in out
    con = duckdb.connect(db)
    assert con.execute("SELECT count(*), count(DISTINCT order_id) FROM orders_test").fetchall()[0] == (1_000_000, 1_000_000)
    real, synth = (con.execute(f"SELECT avg((status = 'delivered')::INT) FROM {t}").fetchall()[0][0]
                   for t in ("orders", "orders_test"))
    assert abs(real - synth) < 0.01
    con.close()
    out = subprocess.run([sys.executable, str(EXAMPLES / "edit_spec.py"), db], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    cancelled = int(next(line for line in out.splitlines() if "cancelled" in line and "│" in line).split("│")[2])
    assert abs(cancelled - 33_000) < 600
