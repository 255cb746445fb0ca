"""fastgen-duckdb benchmark: one command, ratios against DuckDB's own floor measured in the same run.

    python bench/run.py [--sizes 1000000 10000000] [--repeat 3]

Training table: TPC-H orders at sf=0.01 (needs the duckdb-extension-tpch wheel: pip install -e '.[test]').
Each measurement runs in a fresh child process, so peak RSS is that measurement's own. Reported:
  fastgen     CREATE TABLE AS FROM fastgen_sample('orders', n)          (sampling + writing)
  generate    SELECT sum(hash(t)) FROM fastgen_sample('orders', n) t    (sampling only, nothing written)
  floor       CREATE TABLE AS FROM <the same n rows, already materialized>   (DuckDB's write floor)
  numpy       per-column resample of the real rows in numpy -> Arrow -> CREATE TABLE (a peer)
  infer       offline fastgen_infer of orders, and of a 55-column 10k-row table
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
SDV_GC_ROWS_PER_S = 15_100  # SDV GaussianCopula 2.0 on these machines (shared/DESIGN.md §6)


def child(kind: str, db: str, n: int) -> dict:
    import fastgen_duckdb as fg
    con = fg.connect(db)
    con.execute("SET threads = 2")
    setup = {"floor": f"CREATE OR REPLACE TABLE src AS FROM fastgen_sample('orders', {n})",
             "numpy": None, "fastgen": None, "generate": None}[kind]
    if setup:
        con.execute(setup)
    if kind == "numpy":
        import numpy as np
        import pyarrow as pa
        real = con.sql("FROM orders").fetch_arrow_table()
        rng = np.random.default_rng(42)
    t0, c0 = time.perf_counter(), time.process_time()
    if kind == "fastgen":
        con.execute(f"CREATE OR REPLACE TABLE out AS FROM fastgen_sample('orders', {n})")
    elif kind == "generate":
        con.execute(f"SELECT sum(hash(t)) FROM fastgen_sample('orders', {n}) t").fetchall()
    elif kind == "floor":
        con.execute("CREATE OR REPLACE TABLE out AS FROM src")
    elif kind == "numpy":
        cols = {name: real.column(name).take(pa.array(rng.integers(0, real.num_rows, n))) for name in real.column_names}
        batch = pa.table(cols)  # noqa: F841 (read by DuckDB's replacement scan)
        con.execute("CREATE OR REPLACE TABLE out AS FROM batch")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.execute("DROP TABLE IF EXISTS out; DROP TABLE IF EXISTS src; CHECKPOINT")
    con.close()
    return {"wall": wall, "cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(kind: str, db: str, n: int, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", kind, db, str(n)], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{kind} n={n} failed:\n{out.stderr}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]  # the median run
    return {**best, "rows_per_s": n / best["wall"], "cpu_per_wall": best["cpu"] / best["wall"],
            "rss_mb": max(r["rss_mb"] for r in runs)}


def prepare(db: str) -> dict:
    import fastgen_duckdb as fg
    from data import tpch_extension
    from data import make_people
    ext = tpch_extension()
    if ext is None:
        raise SystemExit("the benchmark needs TPC-H data: pip install -e '.[test]' (duckdb 1.5.5 + its tpch wheel)")
    con = fg.connect(db)
    con.execute(f"LOAD '{ext}'")
    con.execute("CALL dbgen(sf=0.01)")
    t0 = time.perf_counter()
    fg.infer(con, "orders")
    infer_orders = time.perf_counter() - t0
    make_people(con, 10_000)
    cols = [r[0] for r in con.execute("DESCRIBE people").fetchall()]
    wide = ", ".join([f'"{c}" AS "{c}_{k}"' for k in range(4) for c in cols][:55])
    con.execute(f"CREATE TABLE wide AS SELECT {wide} FROM people")
    width = len(con.execute("DESCRIBE wide").fetchall())
    t0 = time.perf_counter()
    fg.infer(con, "wide")
    infer_wide = time.perf_counter() - t0
    con.close()
    return {"infer_orders_s": infer_orders, "infer_wide_s": infer_wide, "wide_columns": width}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"))
    args = p.parse_args()
    import duckdb
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.duckdb")
        info = prepare(db)
        lines = [f"duckdb {duckdb.__version__}, {os.cpu_count()} cores, threads=2, TPC-H orders sf=0.01 "
                 f"(15,000 rows, 9 columns) as the training table; median of {args.repeat} runs.", "",
                 "| n | method | seconds | rows/s | × floor time | cpu/wall | peak RSS MB | × SDV GC rows/s |",
                 "|---|---|---|---|---|---|---|---|"]
        for n in args.sizes:
            results = {k: measure(k, db, n, args.repeat) for k in ("fastgen", "generate", "floor", "numpy")}
            for k, r in results.items():
                lines.append(f"| {n:,} | {k} | {r['wall']:.2f} | {r['rows_per_s'] / 1e6:.2f}M | "
                             f"{r['wall'] / results['floor']['wall']:.2f} | {r['cpu_per_wall']:.2f} | "
                             f"{r['rss_mb']:.0f} | {r['rows_per_s'] / SDV_GC_ROWS_PER_S:.0f} |")
            print("\n".join(lines[-4:]), flush=True)
        lines += ["", f"Offline infer: TPC-H orders {info['infer_orders_s']:.2f} s; "
                      f"a {info['wide_columns']}-column 10,000-row table {info['infer_wide_s']:.2f} s."]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
