"""The README's examples run as written (row counts scaled down where they would only cost time)."""
import pathlib
import re
import subprocess
import sys

import duckdb

import fastgen_duckdb as fg

README = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def block(after: str, lang: str) -> str:
    """The first ```lang block after a heading or phrase."""
    return re.search(rf"```{lang}\n(.*?)```", README[README.index(after):], re.S).group(1)


def test_quick_start_and_python_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect()
    con.execute((EXAMPLES / "shop.sql").read_text())
    con.execute("COPY (SELECT * FROM orders) TO 'orders.parquet'")
    con.close()
    quick = block("## Quick start", "python").replace("10000000", "100000")
    api = block("## Python API", "python").replace("1_000_000", "10_000")
    code = quick + "\ncon.close()\n" + api
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    con = duckdb.connect("shop.duckdb")
    assert con.execute("SELECT count(*) FROM orders_test").fetchall()[0][0] == 100_000
    assert con.execute("SELECT count(*) FROM 'orders_test.parquet'").fetchall()[0][0] == 10_000
    assert con.execute("SELECT count(*) FROM fastgen.generators").fetchall()[0][0] == 0  # the API block drops it


def test_whole_schema_block():
    con = fg.connect()
    con.execute(block("## Whole schemas", "sql"))  # every statement, in order
    sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("customers", "orders", "order_lines")}
    assert sizes == {"customers": 100_000, "orders": 400_000, "order_lines": 1_600_000}
    assert con.execute("SELECT count(*) FROM orders WHERE shipped < placed").fetchall()[0][0] == 0
    assert fg.spec(con, "orders")["schema"] == "main"


def test_sql_reference_example(tmp_path):
    con = fg.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE orders AS SELECT * FROM read_parquet(?)", [str(_orders_parquet(tmp_path))])
    sql = block("## SQL reference", "sql").replace("o_orderdate", "ordered_at")
    assert con.execute(sql).fetchall() == [(1_000_000,)]  # the last statement's result


def _orders_parquet(tmp_path):
    con = duckdb.connect()
    con.execute((EXAMPLES / "shop.sql").read_text())
    path = tmp_path / "orders.parquet"
    con.execute(f"COPY orders TO '{path}'")
    return path
