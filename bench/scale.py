"""Scale: a billion rows streamed to Parquet in bounded memory.

    python bench/scale.py [--rows 1000000000] [--dir /tmp]

Trains on TPC-H orders (sf=0.01), then in a fresh process runs
COPY (FROM fastgen_sample('orders', N)) TO 'orders.parquet' and reports wall time, rows/s, cpu/wall and the
process's peak RSS. preserve_insertion_order is turned off, as DuckDB's docs advise for large exports: rows
need no order (each row is a function of its number) and DuckDB then streams instead of buffering.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))


def child(db: str, out: str, n: int) -> dict:
    import fastgen_duckdb as fg
    con = fg.connect(db, read_only=True)
    con.execute("SET threads = 2; SET preserve_insertion_order = false")
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(f"COPY (FROM fastgen_sample('orders', {n})) TO '{out}' (FORMAT PARQUET)")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]
    return {"rows": rows, "wall": wall, "cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "bytes": os.path.getsize(out)}


def main() -> None:
    import duckdb

    import fastgen_duckdb as fg
    from data import tpch_extension
    from publish import publish
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000_000)
    p.add_argument("--dir", default=tempfile.gettempdir())
    args = p.parse_args()
    db, out = os.path.join(args.dir, "fastgen_scale.duckdb"), os.path.join(args.dir, "fastgen_scale.parquet")
    for path in (db, out):
        if os.path.exists(path):
            os.remove(path)
    con = fg.connect(db)
    con.execute(f"LOAD '{tpch_extension()}'")
    con.execute("CALL dbgen(sf=0.01)")
    fg.infer(con, "orders")
    con.close()
    result = subprocess.run([sys.executable, __file__, "--child", db, out, str(args.rows)], capture_output=True,
                            text=True, check=True)
    r = json.loads(result.stdout.strip().splitlines()[-1])
    text = (f"duckdb {duckdb.__version__}, 2 threads: {r['rows']:,} rows of TPC-H orders' shape streamed to Parquet "
            f"({r['bytes'] / 2**30:.1f} GiB) in {r['wall']:.0f} s = {r['rows'] / r['wall'] / 1e6:.2f}M rows/s, "
            f"cpu/wall {r['cpu'] / r['wall']:.2f}, peak RSS {r['rss_mb']:,.0f} MB.\n")
    publish(text, "scale_results.md")
    os.remove(out)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
